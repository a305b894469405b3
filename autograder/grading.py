"""Building blocks shared by the checks.

Grading a list of cases, comparing several outputs at once, the numerical gradient check as
a case, and the hidden cases that need the reference.
"""

from collections.abc import Callable

import numpy as np

from autograder.case import Case, CheckFailed, report, run_cases
from autograder.compare import assert_close, check_array
from autograder.gradcheck import central_difference, linear_loss, relative_error
from autograder.reference import SolutionsNotFound, load_reference

Diagnosis = Callable[[set, dict, dict], str]
"""``diagnose(wrong_outputs, actual, desired)``: a hint naming the likely mistake, or ``""``."""

GRADIENT_TOLERANCE = 1e-6


def grade(function: str, cases: list[Case], *, hidden: bool = False) -> float:
    """Run the cases, print one line per case, and return the points earned as a float."""
    return report(run_cases(function, cases, hidden=hidden))


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
            if hints.get(output):
                lines.append(f"Hint: {hints[output]}")
            failures[output] = "\n".join(lines)
    _raise_first(failures, analytic, numeric, diagnose)


def _raise_first(failures: dict[str, str], actual: dict, desired: dict, diagnose: Diagnosis | None):
    if not failures:
        return
    message = next(iter(failures.values()))
    if len(failures) > 1:
        message += f"\nAlso wrong: {', '.join(list(failures)[1:])}."
    if diagnose is not None:
        diagnosis = diagnose(set(failures), actual, desired)
        if diagnosis:
            message += f"\nLikely mistake: {diagnosis}"
    raise CheckFailed(message)


def numerical_gradients(
    forward: Callable[..., tuple],
    inputs: dict[str, np.ndarray],
    upstream: tuple[np.ndarray, ...],
    *,
    wrt: tuple[str, ...],
    outputs: int,
) -> dict[str, np.ndarray]:
    """Centered-difference gradients of ``linear_loss(forward(**inputs)[:outputs], upstream)``.

    ``forward`` is the student's own forward function: the backward pass is checked against
    the function it claims to differentiate.
    """
    gradients = {}
    for name in wrt:

        def loss(value, name=name):
            result = forward(**{**inputs, name: value})
            return linear_loss(tuple(result[:outputs]), upstream)

        gradients["d" + name] = central_difference(loss, inputs[name])
    return gradients
