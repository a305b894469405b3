"""Comparing a student's array with the expected one, with numpy-style failure messages.

The message layout follows ``numpy.testing.assert_allclose``: type, shape and dtype problems
first, then how many elements differ, the worst index with ACTUAL and DESIRED, and the largest
absolute and relative differences. It adds what a student needs: which function and which
output, and a hint when the difference has a recognisable shape (transposed, sign flipped,
scaled).
"""

import numpy as np

from autograder.calls.check_run import ShapeSlip, record_slip
from autograder.checking.case import EXPECTED_VALUES_SHOWN, CheckFailed, type_name

RTOL = 1e-7
ATOL = 1e-9

LOGISTIC_RTOL = 1e-10
LOGISTIC_ATOL = 1e-15
"""How close a sigmoid, or an LSTM gate, must be to its exact value, in public and hidden checks alike.

The docstrings of ``sigmoid`` and ``lstm_gates`` state it. The absolute part is a few units in the
last place near 0: ``0.5 * (1 + tanh(x / 2))`` rounds values below about 1e-16 to 0 and passes.
"""


def check_array(actual, *, function: str, output: str, shape: tuple[int, ...]) -> np.ndarray:
    """Fail unless ``actual`` is a finite array of the given shape, or an equivalent one; return it as float64 of that shape.

    Equivalent, and judged by its values: the same entries with an axis of size 1 too many or too
    few (``db`` of shape (1, H) for (H,), ``h`` of shape (H,) for (1, H)), or integers and booleans
    where floats are documented. Such a slip is logged for the shape case of the check
    (:func:`autograder.checking.shape_case.shape_case`), which alone it costs.
    """
    where = f"{function}: {output}"
    shape = tuple(shape)
    if not isinstance(actual, np.ndarray):
        if isinstance(actual, (float, np.floating, int, np.integer)) and not isinstance(actual, bool) and shape == ():
            if not isinstance(actual, (float, np.floating)):
                record_slip(ShapeSlip(function, output, type(actual).__name__, "float", "dtype"))
            actual = np.asarray(actual, dtype=np.float64)
        else:
            raise CheckFailed(
                f"{where} should be a numpy array of shape {shape}, but it is a {type_name(actual)}."
            )
    if actual.shape != shape:
        if not equivalent_shapes(actual.shape, shape):
            raise CheckFailed(
                f"{where} has shape {actual.shape}, expected {shape}."
                + _shape_hint(actual.shape, shape, gradient=output.startswith("d"))
            )
        record_slip(ShapeSlip(function, output, str(actual.shape), str(shape), "shape"))
        actual = actual.reshape(shape)
    if actual.dtype.kind in "biu":
        record_slip(ShapeSlip(function, output, str(actual.dtype), "float64", "dtype"))
        actual = actual.astype(np.float64)
    if actual.dtype.kind not in "fc":
        raise CheckFailed(f"{where} has dtype {actual.dtype}, expected float64.")
    if not np.all(np.isfinite(actual)):
        bad = np.argwhere(~np.isfinite(actual))
        raise CheckFailed(
            f"{where} contains {len(bad)} non-finite values (nan or inf), the first at index "
            f"{_index(bad[0])}. Look for an overflow or a division by zero."
        )
    return actual


def equivalent_shapes(got: tuple[int, ...], expected: tuple[int, ...]) -> bool:
    """Whether two shapes hold the same entries in the same order, but for axes of size 1."""
    return tuple(d for d in got if d != 1) == tuple(d for d in expected if d != 1)


def assert_close(
    actual,
    desired: np.ndarray,
    *,
    function: str,
    output: str,
    rtol: float = RTOL,
    atol: float = ATOL,
    hint: str = "",
) -> None:
    """Fail with a numpy-style message unless ``actual`` matches ``desired`` elementwise.

    Args:
        actual: what the student's function returned for this output.
        desired: the expected array.
        function: the student function, for the message.
        output: which of its outputs this is (``"dWh"``, ``"next_h"``...).
        rtol: relative tolerance.
        atol: absolute tolerance; together ``|actual - desired| <= atol + rtol * |desired|``.
        hint: what to look at when this output is wrong, added to the message.
    """
    desired = np.asarray(desired, dtype=np.float64)
    actual = check_array(actual, function=function, output=output, shape=desired.shape)
    with np.errstate(all="ignore"):
        difference = np.abs(actual - desired)
        mismatched = difference > atol + rtol * np.abs(desired)
    if not np.any(mismatched):
        return
    violations = np.where(mismatched, difference, -1.0)
    worst = np.unravel_index(np.argmax(violations), difference.shape)
    with np.errstate(all="ignore"):
        relative = difference / np.abs(desired)
    max_relative = np.max(np.where(mismatched, relative, 0.0))
    got, expected = _distinct(actual[worst], desired[worst])
    lines = [
        f"{function}: {output} is wrong.",
        f"Not equal to tolerance rtol={rtol:g}, atol={atol:g}",
        f"Mismatched elements: {mismatched.sum()} / {mismatched.size} ({100 * mismatched.mean():.3g}%)",
    ]
    if EXPECTED_VALUES_SHOWN.get():
        lines += [
            f"Worst at index {_index(worst)}: ACTUAL {got}, DESIRED {expected}",
            f"Max absolute difference: {violations.max():.3g}",
            f"Max relative difference: {max_relative:.3g}",
        ]
    else:
        lines.append(f"Worst at index {_index(worst)}: ACTUAL {got} (a hidden case's expected values are not shown)")
    pattern = describe_difference(actual, desired)
    if pattern:
        lines.append(pattern)
    if hint:
        lines.append(f"Hint: {hint}")
    raise CheckFailed("\n".join(lines))


EVIDENCE = 3
"""How many non-zero expected entries it takes to call a wrong array a scaled copy of the right one.

Any wrong value of a single entry is the right one times something; fitting one factor to two
entries always succeeds as well when one of them is zero.
"""


def describe_difference(actual: np.ndarray, desired: np.ndarray) -> str:
    """Name a recognisable relation between two arrays of the same shape, or return ``""``.

    A missing or extra factor is named only when at least :data:`EVIDENCE` expected entries are
    non-zero, so that the relation is evidence and not a coincidence.
    """

    def close(a, b):
        return np.allclose(a, b, rtol=1e-6, atol=1e-9)

    if not np.any(desired):
        return "Your values should all be zero here."
    if np.allclose(actual, desired, rtol=1e-5, atol=ATOL):
        return (
            "Your values agree with the expected ones to 5 to 7 significant digits: that is "
            "rounding, not a wrong formula, and about the precision of float32. Compute in float64 "
            "throughout (no np.float32, no .astype(np.float32) on values that are not whole numbers)."
        )
    if not np.any(actual):
        return "Your values are all zero: is something never computed or never added?"
    if close(actual, -desired):
        return "Your values have the wrong sign."
    if actual.ndim == 2 and actual.shape[0] == actual.shape[1] and close(actual, desired.T):
        return "Your values are the transpose of the expected ones: check the order of the product."
    if np.count_nonzero(desired) < EVIDENCE:
        return ""
    scale = np.vdot(desired, actual) / np.vdot(desired, desired)
    if abs(scale) > 1e-6 and not close(scale, 1.0) and close(actual, scale * desired):
        return f"Your values are the expected ones times {scale:.6g}: a factor is missing or extra."
    return ""


def describe_sizes(example: dict) -> str:
    """The sizes of a case's inputs as a student reads them, its activation too.

    ``"N=1, T=4, D=3, H=2, activation='tanh'"`` for a step or a sequence (``x`` with ``h0`` or
    ``prev_h``); otherwise the shape of each array, ``"x (4, 6)"``, and of each array in a dict.
    """
    x, state = example.get("x"), example.get("h0", example.get("prev_h"))
    if isinstance(x, np.ndarray) and isinstance(state, np.ndarray) and x.ndim in (2, 3) and state.ndim == 2:
        sizes = {"N": x.shape[0], "T": x.shape[1] if x.ndim == 3 else None, "D": x.shape[-1], "H": state.shape[1]}
        parts = [f"{size}={value}" for size, value in sizes.items() if value is not None]
    else:
        parts = [
            f"{name} {{{', '.join(f'{k!r}: {np.shape(v)}' for k, v in value.items())}}}"
            if isinstance(value, dict)
            else f"{name} {np.shape(value)}"
            for name, value in example.items()
            if isinstance(value, dict) or np.ndim(value) > 0
        ]
        parts += [f"{name}={value:g}" for name, value in example.items() if isinstance(value, (int, float))]
    if "activation" in example:
        parts.append(f"activation={str(example['activation'])!r}")
    return ", ".join(parts)


def _shape_hint(got: tuple[int, ...], expected: tuple[int, ...], *, gradient: bool = True) -> str:
    if tuple(got) == tuple(reversed(expected)):
        return " It looks transposed."
    if sorted(got) == sorted(expected):
        return " It has the right axes in the wrong order: arrays are batch first, (N, T, ...)."
    if len(got) == len(expected) + 1 and tuple(got[1:]) == tuple(expected):
        return " Did you forget to sum over the batch (axis 0)?"
    if gradient:
        return " Every gradient has the shape of the variable it is the gradient of."
    return ""


def _distinct(actual: float, desired: float) -> tuple[str, str]:
    """Two numbers printed with 8 significant digits, or with as many more as it takes to differ."""
    for digits in (8, 12, 17):
        got, expected = f"{actual:.{digits}g}", f"{desired:.{digits}g}"
        if got != expected:
            break
    return got, expected


def _index(index) -> tuple[int, ...]:
    return tuple(int(i) for i in index)

