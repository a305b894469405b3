"""Building blocks shared by the checks.

Grading a list of cases, calling a student function and checking what it returns, comparing
several outputs at once, the known-answer and causality cases, the numerical gradient check,
and the hidden cases that need the reference.
"""

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

import numpy as np

from autograder.calls.changes import PurityError
from autograder.calls.check_run import ShapeSlip, is_helper, record_slip
from autograder.calls.purity import call_on_copies
from autograder.checking.case import (
    Case,
    CheckFailed,
    SetAside,
    call,
    call_each,
    describe_exception,
    report,
    unpack,
)
from autograder.checking.compare import assert_close, check_array, describe_difference, describe_sizes
from autograder.checking.diagnoses import Diagnosis
from autograder.checking.gradcheck import central_difference_of_values, linear_loss, perturbed, relative_error
from autograder.checking.hidden_cases import current_seed
from autograder.checking.judging import judge_each
from autograder.checking.property import format_example
from autograder.checking.reference import SolutionsNotFound, load_reference
from autograder.checking.running import run_cases

GRADIENT_TOLERANCE = 1e-6


def grade(function: str, cases: list[Case], *, hidden: bool = False) -> float:
    """Run the cases, print one line per case, and return the points earned as a float.

    A student function that calls ``exit()`` or ``sys.exit()`` fails the case it ran in, like any
    error. ``KeyboardInterrupt`` is not caught: it is how a person, or nbgrader's cell timeout,
    stops a check.
    """
    seed = current_seed() if hidden else None
    return report(
        run_cases(function, [_exit_fails(function, case) for case in cases], hidden=hidden, seed=seed)
    )


def _exit_fails(function: str, case: Case) -> Case:
    def run() -> str | None:
        try:
            return case.run()
        except SystemExit as error:
            raise CheckFailed(
                f"{function} tried to exit the interpreter ({describe_exception(error)}). A function "
                "must return its result; never call exit(), quit() or sys.exit() in it."
            ) from None

    return replace(case, run=run)


def with_reference(assignment: str, points: float, build: Callable[[object], list[Case]]) -> list[Case]:
    """The hidden cases ``build(reference)``; a single failing case when the solutions are absent."""
    try:
        reference = load_reference(assignment)
    except SolutionsNotFound as error:
        message = str(error)

        def unavailable() -> None:
            raise CheckFailed(message)

        return [Case("comparison with the reference solution", points, unavailable)]
    return build(reference)


def call_checked(
    function: Callable,
    *args,
    name: str,
    outputs: tuple[str, ...],
    shapes: dict[str, tuple[int, ...]] | None = None,
    **kwargs,
) -> tuple:
    """Call a student function that returns a tuple, checking the shape of each output in ``shapes``.

    Args:
        function: the student's function.
        *args: positional arguments for it.
        name: the function's name as the student knows it, for messages.
        outputs: the names of the values it returns, in order, a cache included.
        shapes: the shape each named array output must have; other outputs are not checked.
        **kwargs: keyword arguments for it (and ``allow_warnings`` for :func:`autograder.checking.case.call`).

    Returns:
        The values it returned, in order.
    """
    return checked_outputs(call(function, *args, name=name, **kwargs), name=name, outputs=outputs, shapes=shapes)


def call_checked_each(
    function: Callable,
    calls: list[dict],
    *,
    name: str,
    outputs: tuple[str, ...],
    shapes: dict[str, tuple[int, ...]] | None = None,
    keep: int | None = None,
    allow_warnings: bool = True,
) -> Iterator[tuple]:
    """:func:`call_checked` of each dict of keyword arguments in ``calls``, lazily, in one round trip to a sandbox.

    With ``keep``, only the first ``keep`` outputs are needed (see :func:`autograder.checking.case.call_each`).
    """
    for result in call_each(
        function, [((), kwargs) for kwargs in calls], name=name, keep=keep, allow_warnings=allow_warnings
    ):
        yield checked_outputs(result, name=name, outputs=outputs, shapes=shapes, keep=keep)


def checked_outputs(
    result, *, name: str, outputs: tuple[str, ...], shapes: dict[str, tuple[int, ...]] | None, keep: int | None = None
) -> tuple:
    """What a student function returned, as a tuple of ``outputs``, each named in ``shapes`` checked for its shape.

    When the function is a helper of the check (not the one it grades), a wrong result sets the
    example aside rather than failing it (see :class:`autograder.checking.case.SetAside`). A
    ``cache`` that is None is logged for the function's shape case: nothing can read it (unless
    only the first ``keep`` outputs were asked for, and the cache is not among them).
    """
    shapes = shapes or {}
    try:
        values = unpack(result, outputs, function=name)
        cache = outputs.index("cache") if "cache" in outputs else None
        if cache is not None and (keep is None or cache < keep) and values[cache] is None:
            record_slip(ShapeSlip(name, "cache", "None", "a cache for its backward pass", "cache"))
        return tuple(
            check_array(value, function=name, output=output, shape=shapes[output]) if output in shapes else value
            for output, value in zip(outputs, values)
        )
    except CheckFailed as failure:
        if is_helper(name):
            raise SetAside(str(failure), sources=(name,)) from None
        raise


def examples_case(
    name: str,
    points: float,
    examples: list[tuple[str, dict]],
    statement: Callable[[dict], None],
    *,
    fresh: bool = False,
    part_of: Callable[[dict], str] | None = None,
) -> Case:
    """A case that holds when ``statement(example)`` returns for each of a few fixed examples.

    For statements on inputs too special for Hypothesis to draw (pre-activations of a thousand),
    judged each on its own (:func:`autograder.checking.judging.judge_each`); a failure ends with
    the example's sizes and values, small enough to be printed in full.
    """

    def judge(example: dict) -> None:
        with failing_inputs(f"{describe_sizes(example)}, namely\n{format_example(example)}"):
            statement(example)

    return Case(name, points, lambda: judge_each(examples, judge, part_of=part_of), fresh)


@contextlib.contextmanager
def failing_inputs(description: str) -> Iterator[None]:
    """Within: a failure gains a last line, ``Failing inputs: <description>``, to reproduce it by."""
    try:
        yield
    except CheckFailed as failure:
        raise failure.amended(f"Failing inputs: {description}") from None


def known_answer(assignment: str, function: str, key: str, example: dict) -> str:
    """How a known-answer example is described in a failure: its sizes, and where to load it from."""
    return (
        f"{describe_sizes(example)}, the known answer "
        f"`autograder.checking.known_answers.examples_of({assignment!r}, {function!r})[{key!r}]`"
    )


def assert_known_answers(
    assignment: str,
    function: str,
    examples: dict[str, dict[str, np.ndarray]],
    outputs_of: Callable[[str, dict[str, np.ndarray]], dict[str, object]],
    *,
    hints: dict[str, str],
    diagnosis: Callable[[str, dict[str, np.ndarray]], Diagnosis | None] | None = None,
    desired: Callable[[str, dict[str, np.ndarray]], dict[str, np.ndarray]] | None = None,
    part_of: Callable[[dict], str] | None = None,
    rtol: float = 1e-7,
    atol: float = 1e-9,
) -> str | None:
    """Fail unless the student's outputs equal the published ones on every known-answer example.

    The examples are judged each on its own (:func:`autograder.checking.judging.judge_each`): each
    output is right when it is right on all of them (within each part, if ``part_of`` splits them,
    e.g. by activation), and an example spoiled by a helper is set aside. Returns a note when
    some were.

    Args:
        assignment: the assignment the examples belong to, for messages.
        function: the student's function as named in messages.
        examples: ``{example name: {argument or output: array}}``, as
            :func:`autograder.checking.known_answers.examples_of` returns them.
        outputs_of: ``outputs_of(example name, example)``: the student's outputs by name.
        hints: a hint for each output.
        diagnosis: ``diagnosis(example name, example)``: what names a mistake on that example.
        desired: ``desired(example name, example)``: the expected outputs by name; by default the
            example's array of each output's name.
        part_of: the part an example belongs to (e.g. its activation).
        rtol: relative tolerance of the comparison.
        atol: absolute tolerance of the comparison.
    """

    def judge(item: tuple[str, dict[str, np.ndarray]]) -> None:
        key, example = item
        with failing_inputs(known_answer(assignment, function, key, example)):
            actual = outputs_of(key, example)
            diagnose = diagnosis(key, example) if diagnosis is not None else None
            expected = desired(key, example) if desired is not None else {output: example[output] for output in actual}
            assert_outputs_close(function, actual, expected, hints=hints, diagnose=diagnose, rtol=rtol, atol=atol)

    return judge_each(
        ((key, (key, example)) for key, example in examples.items()),
        judge,
        part_of=(lambda item: part_of(item[1])) if part_of is not None else None,
    )


def assert_causal(
    states_each: Callable[[list[dict]], Iterable[np.ndarray]],
    inputs: dict[str, np.ndarray],
    h: np.ndarray,
    *,
    function: str,
) -> None:
    """Fail unless ``h[:, t]`` depends only on ``x[:, :t+1]``.

    Args:
        states_each: the student's hidden states ``h (N, T, H)`` for each of a list of inputs, in
            order (one round trip to a sandbox for them all).
        inputs: inputs of the sequence, ``x (N, T, D)`` among them.
        h: the student's hidden states for ``inputs`` themselves.
        function: the student's function as named in messages.
    """
    steps = inputs["x"].shape[1]
    changed = []
    for t in range(1, steps):
        x = inputs["x"].copy()
        x[:, t:] += 1.0
        changed.append({**inputs, "x": x})
    if not changed:
        return
    for t, h_changed in enumerate(states_each(changed), start=1):
        if not np.array_equal(h_changed[:, :t], h[:, :t]):
            raise CheckFailed(
                f"{function}: changing x[:, {t}:] changed h[:, :{t}]. A hidden state "
                "may only depend on the inputs up to its own time step."
            )


def expect_value_error(function: Callable, *args, name: str, call_text: str, valid_args: tuple) -> None:
    """Fail unless ``function(*args)`` raises ValueError and ``function(*valid_args)`` does not.

    A function that raises ValueError whatever it is given proves nothing about its validation.
    Any other error from the valid call is left to the cases that check values. Output and
    warnings of both calls are discarded by :func:`autograder.checking.case.run_cases`.

    Args:
        function: the student's function.
        *args: arguments it must reject.
        name: the function's name as the student knows it.
        call_text: the rejected call as the student should read it, e.g. ``"clip_by_norm(..., 0.0)"``.
        valid_args: arguments that differ only in the validated one, which it must accept.
    """
    try:
        call_on_copies(function, valid_args, {}, name=name)
    except PurityError as failure:
        raise CheckFailed(f"{name}: {failure.description}") from None
    except ValueError as error:
        raise CheckFailed(
            f"{name} raised ValueError ({error}) for valid arguments too; raise it only for invalid ones."
        ) from None
    except Exception:  # noqa: BLE001 - other errors are left to the cases that check values
        pass
    try:
        call_on_copies(function, args, {}, name=name)
    except PurityError as failure:
        raise CheckFailed(f"{name}: {failure.description}") from None
    except ValueError:
        return
    except NotImplementedError:
        raise CheckFailed(f"{name} is not implemented yet: it raised NotImplementedError.") from None
    except Exception as error:  # noqa: BLE001 - any student error becomes a message
        raise CheckFailed(f"{call_text} raised {describe_exception(error)}, expected ValueError.") from None
    raise CheckFailed(f"{call_text} should raise ValueError, but it returned normally.")


def assert_outputs_close(
    function: str,
    actual: dict[str, object],
    desired: dict[str, np.ndarray],
    *,
    hints: dict[str, str],
    diagnose: Diagnosis | None = None,
    rtol: float = 1e-7,
    atol: float = 1e-9,
) -> None:
    """Compare every named output; on failure report the first wrong one and a diagnosis."""
    failures = {}
    for output, expected in desired.items():
        try:
            assert_close(
                actual[output],
                expected,
                function=function,
                output=output,
                rtol=rtol,
                atol=atol,
                hint=hints.get(output, ""),
            )
        except CheckFailed as failure:
            failures[output] = str(failure)
    _raise_first(failures, actual, desired, diagnose)


def assert_gradients_match(
    function: str,
    analytic: dict[str, object],
    numeric: dict[str, np.ndarray],
    *,
    hints: dict[str, str],
    diagnose: Diagnosis | None = None,
    tolerance: float = GRADIENT_TOLERANCE,
) -> None:
    """Compare each analytic gradient with its centered-difference estimate by relative error."""
    failures = {}
    for output, estimate in numeric.items():
        try:
            got = check_array(analytic[output], function=function, output=output, shape=estimate.shape)
        except CheckFailed as failure:
            failures[output] = str(failure)
            continue
        error = relative_error(got, estimate)
        if error > tolerance:
            worst = np.unravel_index(np.argmax(np.abs(got - estimate)), estimate.shape)
            lines = [
                f"{function}: {output} disagrees with the centered-difference gradient.",
                f"Relative error {error:.3g} (a correct gradient gives below {tolerance:g})",
                f"Worst at index {tuple(int(i) for i in worst)}: YOURS {got[worst]:.8g}, "
                f"NUMERICAL {estimate[worst]:.8g}",
            ]
            pattern = describe_difference(got, estimate)
            if pattern:
                lines.append(pattern)
            if hints.get(output):
                lines.append(f"Hint: {hints[output]}")
            failures[output] = "\n".join(lines)
    _raise_first(failures, analytic, numeric, diagnose)


def _raise_first(failures: dict[str, str], actual: dict, desired: dict, diagnose: Diagnosis | None):
    """Fail with the first wrong output's message, naming the others, the outputs compared and the wrong ones."""
    if not failures:
        return
    message = next(iter(failures.values()))
    if len(failures) > 1:
        message += f"\nAlso wrong: {', '.join(list(failures)[1:])}."
    mistake = diagnose(set(failures), actual, desired) if diagnose is not None else None
    if mistake is not None:
        message += f"\nLikely mistake: {mistake.text}"
    raise CheckFailed(
        message,
        mistake=mistake,
        outputs=tuple(output_name(output) for output in desired),
        wrong=frozenset(output_name(output) for output in failures),
    )


def output_name(label: str) -> str:
    """The output a comparison's label names: ``"next_h"`` for ``"next_h (tanh N=1)"``, ``"f'(a)"`` for ``"f'(a) for 'relu'"``."""
    return label.split(" ", 1)[0]


def numerical_gradients(
    forward_each: Callable[..., Iterable[tuple]],
    inputs: dict[str, np.ndarray],
    upstream: tuple[np.ndarray, ...],
    *,
    wrt: tuple[str, ...],
    outputs: int,
) -> dict[str, np.ndarray]:
    """Centered-difference gradients of ``linear_loss(forward(**inputs)[:outputs], upstream)``.

    ``forward_each(points, keep=outputs)`` is the student's own forward function, given every
    perturbed set of inputs at once (one round trip to a sandbox) and yielding its outputs for
    each, in order, of which only the first ``outputs`` are needed: the backward pass is checked
    against the function it claims to differentiate.
    """
    points = [{**inputs, name: point} for name in wrt for point in perturbed(inputs[name])]
    losses = (linear_loss(tuple(result[:outputs]), upstream) for result in forward_each(points, keep=outputs))
    return {"d" + name: central_difference_of_values(losses, np.shape(inputs[name])) for name in wrt}


def assert_matches_centered_differences(
    function: str,
    *,
    forward: Callable[[dict], tuple],
    backward: Callable[..., dict[str, object]],
    inputs: dict[str, np.ndarray],
    upstream: tuple[np.ndarray, ...],
    hints: dict[str, str],
    diagnose: Diagnosis | None = None,
    activation: str | None = None,
    forward_each: Callable[..., Iterable[tuple]] | None = None,
    depends_on: tuple[str, ...] = (),
) -> None:
    """Fail unless ``backward`` returns the centered-difference gradients of ``forward``.

    A forward pass that does not depend on its inputs at all (a stub returning zeros) gives
    centered differences that are all zero, which a backward pass returning zeros would match:
    that fails too, since there is nothing to check the backward pass against. So does a forward
    pass that ignores every input of ``depends_on`` (a GRU stub that returns its state unchanged
    is differentiated exactly by a backward that passes the gradient through). A failure ends
    with the inputs, small enough to be printed in full.

    Args:
        function: the backward function as named in messages.
        forward: the student's forward pass: ``forward(inputs)`` returns its outputs, its cache last.
        backward: ``backward(*upstream, cache)``: the student's gradient of every input by name
            (``"d" + input``), for the loss ``linear_loss`` of the first ``len(upstream)`` outputs.
        inputs: the inputs of the forward pass, differentiated in this order.
        upstream: the upstream gradients, one per differentiated output.
        hints: a hint for each gradient.
        diagnose: what names a mistake.
        activation: the activation ``forward`` uses, for messages.
        forward_each: ``forward_each(points, keep=k)``: ``forward`` of many inputs at once, yielding
            the outputs of each, of which only the first ``k`` are needed (e.g. with
            :func:`call_checked_each`, one round trip to a sandbox); by default ``forward`` in a loop.
        depends_on: inputs of which a correct forward pass depends on at least one, on these inputs.
    """
    named = {**inputs, **({"activation": activation} if activation else {})}
    shown = {**inputs, **{f"upstream[{i}]": u for i, u in enumerate(upstream)}}
    with failing_inputs(f"{describe_sizes(named)}, namely\n{format_example(shown)}"):
        cache = forward(inputs)[-1]
        analytic = backward(*upstream, cache)

        each = forward_each or (lambda points, keep: map(forward, points))
        numeric = numerical_gradients(each, inputs, upstream, wrt=tuple(inputs), outputs=len(upstream))
        if not any(np.any(gradient) for gradient in numeric.values()):
            raise CheckFailed(
                f"{function}: every centered difference of your forward pass is zero: its outputs do "
                f"not depend on its inputs, so there is nothing to check {function} against. "
                "Implement the forward pass first; its own checks say what is wrong with it."
            )
        if depends_on and not any(np.any(numeric["d" + name]) for name in depends_on):
            raise CheckFailed(
                f"{function}: the centered differences of your forward pass with respect to "
                f"{', '.join(depends_on)} are all zero: its outputs ignore them, so these inputs check "
                f"nothing of {function}. Implement the forward pass first; its own checks say what is wrong with it."
            )
        assert_gradients_match(function, analytic, numeric, hints=hints, diagnose=diagnose)
