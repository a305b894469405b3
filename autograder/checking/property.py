"""Property cases: a statement checked by Hypothesis on many generated inputs.

When the statement fails, Hypothesis shrinks the input to a smallest failing example, and the
message shows it beside the failure, so the student can reproduce it in one cell.
"""

from collections.abc import Callable

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.checking.case import Case, CheckFailed
from autograder.checking.strategies import GRADING_SETTINGS

DEFAULT_EXAMPLES = GRADING_SETTINGS.max_examples
"""How many examples a property case tries unless its check says otherwise (see ``GRADING_SETTINGS``)."""


def property_case(
    name: str,
    points: float,
    examples: st.SearchStrategy,
    statement: Callable[[object], None],
    *,
    max_examples: int = DEFAULT_EXAMPLES,
    judges_values: bool = False,
) -> Case:
    """A case that holds when ``statement(example)`` returns for every generated example.

    Args:
        name: what is promised.
        points: what the case is worth.
        examples: the Hypothesis strategy generating inputs.
        statement: raises CheckFailed when the promise is broken for an example.
        max_examples: how many examples Hypothesis tries (derandomized: always the same ones).
        judges_values: True when only right values satisfy the statement (see ``Case``).
    """

    def run() -> None:
        last: dict = {}

        @settings(GRADING_SETTINGS, max_examples=max_examples)
        @given(examples)
        def holds_for(example):
            last["example"] = example  # student functions get copies: it stays as generated
            statement(example)

        try:
            holds_for()
        except CheckFailed as failure:
            raise failure.amended(
                "Smallest failing input found by Hypothesis:\n" + format_example(last["example"])
            ) from None

    return Case(name, points, run, judges_values)


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
