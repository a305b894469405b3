"""Property cases: a statement checked by Hypothesis on many generated inputs.

The inputs of a property are declared once, where its check module starts (:class:`Examples`: a
strategy and a budget). Hypothesis draws them derandomized, so they are the same in every
grading: a process draws each declaration's examples once (:meth:`Examples.drawn`, or all of
them while it waits for a student process, :func:`draw_declared`) and replays them for every
submission. When the statement fails on one, Hypothesis runs again from the start, reaches the
same example, and shrinks it to a smallest failing input; the message shows it beside the
failure, so the student can reproduce it in one cell.
"""

import copy
import threading
from collections.abc import Callable

import hypothesis
import numpy as np
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from autograder.calls.check_run import current_stand_ins
from autograder.checking.case import Case, CheckFailed, SetAside
from autograder.checking.judging import judge_each, judge_one
from autograder.checking.strategies import GRADING_SETTINGS

DEFAULT_EXAMPLES = GRADING_SETTINGS.max_examples
"""How many examples a property case tries unless its check says otherwise (see ``GRADING_SETTINGS``)."""

DECLARED: list["Examples"] = []
"""Every :class:`Examples` made in this process, in order: what :func:`draw_declared` draws."""


class Examples:
    """The inputs of a property: the ``edges`` given, then ``count`` examples Hypothesis draws from ``strategy``.

    Edges are examples every grading must try whatever Hypothesis draws (sizes of 1, extreme
    values): Hypothesis runs them first, as explicit examples.

    Declare them at module level: the examples are drawn once per process, on first use or by
    :func:`draw_declared`, and every grading replays the same ones, as a derandomized Hypothesis
    run would generate them for a statement that holds.
    """

    def __init__(self, strategy: st.SearchStrategy, count: int = DEFAULT_EXAMPLES, *, edges: tuple = ()) -> None:
        self.strategy, self.count, self.edges = strategy, count, tuple(edges)
        self._lock = threading.Lock()
        self._drawn: tuple | None = None
        DECLARED.append(self)

    def __repr__(self) -> str:
        return f"Examples({self.strategy!r}, {self.count})"

    def drawn(self) -> tuple:
        """The examples, in Hypothesis's order, drawn on the first call (by one thread; the others wait)."""
        with self._lock:
            if self._drawn is None:
                found: list = []
                run_hypothesis(self, found.append)
                self._drawn = tuple(read_only(example) for example in found)
            return self._drawn


def read_only(example):
    """``example`` with every array in it made read-only: the drawn examples are shared by every grading of the process."""
    if isinstance(example, np.ndarray):
        example.flags.writeable = False
    elif isinstance(example, dict):
        for value in example.values():
            read_only(value)
    elif isinstance(example, (list, tuple)):
        for value in example:
            read_only(value)
    return example


def draw_declared() -> None:
    """Draw the examples of every declaration made so far (the imported check modules') that are not drawn yet."""
    for examples in list(DECLARED):
        examples.drawn()


def run_hypothesis(examples: Examples, statement: Callable[[object], None]) -> None:
    """Run ``statement`` on the examples under Hypothesis: drawn, and shrunk when it fails.

    Drawing and shrinking both run this one test function, so that the derandomized seed, which
    Hypothesis derives from the function's source, is the same: the run that shrinks a failure
    generates the very examples that were drawn and replayed.

    Raises:
        CheckFailed: amended with the smallest failing input Hypothesis found.
    """
    last: dict = {}

    def holds_for(example):
        last["example"] = example  # student functions get copies: it stays as generated
        failure = judge_one(statement, example)
        if isinstance(failure, SetAside):
            reject()  # another function spoiled it: not the checked function's counterexample
        if failure is not None:
            raise failure

    for edge in reversed(examples.edges):
        holds_for = hypothesis.example(edge)(holds_for)
    holds_for = settings(GRADING_SETTINGS, max_examples=examples.count)(given(examples.strategy)(holds_for))
    try:
        holds_for()
    except CheckFailed as failure:
        raise with_example(failure, last["example"], smallest=True) from None


def with_example(failure: CheckFailed, example, *, smallest: bool) -> CheckFailed:
    """``failure`` with the input that made it, as lines a student can paste into a cell.

    A property is all or nothing: the example that fails it is the smallest Hypothesis found, not
    a survey of the function's outputs, so the failure keeps no share of right outputs.
    """
    found = "Smallest failing input found by Hypothesis" if smallest else "Failing input"
    return CheckFailed(f"{failure}\n{found}:\n{format_example(example)}", mistake=failure.mistake)




def property_case(
    name: str,
    points: float,
    examples: Examples,
    statement: Callable[[object], None],
    *,
    fresh: bool = False,
    part_of: Callable[[object], str] | None = None,
) -> Case:
    """A case that holds when ``statement(example)`` returns for every example of ``examples``.

    Every drawn example is judged (:func:`autograder.checking.judging.judge_each`): the case earns
    the share of its parts (e.g. activations) and outputs that held on all of them. When one
    fails, Hypothesis shrinks it, and the message shows the smallest failing input.

    Args:
        name: what is promised.
        points: what the case is worth.
        examples: the declared inputs (their strategy and budget).
        statement: raises CheckFailed when the promise is broken for an example.
        fresh: True when only right values satisfy the statement (see ``Case``).
        part_of: the part an example belongs to (e.g. its activation), each judged on its own.
    """

    def run() -> str | None:
        failing: list = []

        def recorded(example) -> None:
            try:
                statement(example)
            except CheckFailed:
                failing.append(example)
                raise

        drawn = examples.drawn()
        try:
            return judge_each(
                ((f"example {i}", copy.deepcopy(example)) for i, example in enumerate(drawn)), recorded, part_of=part_of
            )
        except SetAside:
            raise
        except CheckFailed as failure:
            if current_stand_ins() is None:  # a re-check only decides where a failure comes from: no shrinking
                try:
                    run_hypothesis(examples, statement)
                except CheckFailed as shrunk:
                    raise CheckFailed(str(shrunk), mistake=shrunk.mistake, share=failure.share) from None
            # Hypothesis found nothing this time (student code that does not always fail on the
            # same input): the failure stands, with its input as it was drawn.
            drawn_failure = with_example(failure, failing[0], smallest=False) if failing else failure
            raise CheckFailed(str(drawn_failure), mistake=failure.mistake, share=failure.share) from None

    return Case(name, points, run, fresh)


def warm_up() -> None:
    """Run a trivial property once: Hypothesis's first run in a process sets itself up.

    That first run collects constants from the source of every module outside site-packages and
    collects garbage, a few tenths of a second that a grader can spend while it waits for the
    student process to start rather than in its first check.
    """

    @settings(GRADING_SETTINGS, max_examples=1)
    @given(st.integers())
    def holds(_):
        pass

    holds()


def format_example(example) -> str:
    """An example as ``name = value`` lines that can be pasted into a notebook cell."""
    if not isinstance(example, dict):
        example = {"input": example}
    with np.printoptions(precision=6, threshold=60, linewidth=96):
        return "\n".join(f"  {key} = {_format_value(value)}" for key, value in example.items())


def _format_value(value) -> str:
    if isinstance(value, np.ndarray):
        return "np." + repr(value).replace("\n", "\n  " + " " * 3)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_format_value(v)}" for k, v in value.items()) + "}"
    return repr(value)
