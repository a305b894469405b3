"""The shape case of a check: right values in an undocumented but equivalent shape or type cost this case only.

Outputs are compared by their values when their shape holds the same entries as the documented
one (an axis of size 1 too many or too few) or their type is integer or boolean where float64 is
documented (:func:`autograder.checking.compare.check_array` logs each such slip). This case, the
last but one of each public check, reads that log and fails once for the first slip of the
checked function, naming the shape: a student whose ``db`` keeps a batch axis of size 1 loses
this case, not the points of every value case.
"""

from autograder.calls.check_run import ShapeSlip, current_check_run
from autograder.checking.case import Case, CheckFailed

SHAPE_CASE = "returns the documented shapes, as float64"
SHAPE_POINTS = 0.1
"""What the shape case is worth: hygiene, a small share of a function's points."""


def shape_case(function: str, points: float = SHAPE_POINTS) -> Case:
    """The case that every output of ``function`` came back in its documented shape and type during this run.

    Put it after the cases that compare values: it reads what they saw.
    """

    def run() -> None:
        slips = current_check_run().own_slips(function)
        if slips:
            raise CheckFailed(slip_message(slips))

    return Case(SHAPE_CASE, points, run)


def slip_message(slips: list[ShapeSlip]) -> str:
    """One message for every slip: the first named, with the fix that fits it."""
    first = slips[0]
    if first.kind == "cache":
        lines = [
            f"{first.function} returned None as its cache (first seen in the case “{first.case}”): its backward "
            "pass has nothing to read. Its values were judged as usual, so this is the only case it costs here.",
            "Fix: return what the backward pass needs as the second value (the inputs, the pre-activations, or "
            "the list of the step caches).",
        ]
    elif first.kind == "dtype":
        lines = [
            f"{first.function}: {first.output} came back as {first.got}, where {first.expected} is documented "
            f"(first seen in the case “{first.case}”).",
            "Its values were judged as floats, so this is the only case it costs.",
            "Fix: compute in floats, e.g. `(a > 0).astype(np.float64)` instead of `a > 0`.",
        ]
    else:
        lines = [
            f"{first.function}: {first.output} came back with shape {first.got}, where {first.expected} is "
            f"documented (first seen in the case “{first.case}”).",
            "Its values were judged in the documented shape, so this is the only case it costs.",
            f"Fix: {_fix(first)}",
        ]
    others = sorted({slip.output for slip in slips} - {first.output})
    if others:
        lines.append(f"Also in an undocumented shape or type: {', '.join(others)}.")
    return "\n".join(lines)


def _fix(slip: ShapeSlip) -> str:
    if _dimensions(slip.got) > _dimensions(slip.expected):
        return (
            "drop the extra axis of size 1: sum or index without `keepdims=True`, or reshape to the "
            "documented shape."
        )
    return (
        "keep every axis, those of size 1 too: `np.squeeze`, `.squeeze()` or an index like `x[0]` drops the "
        "batch axis when N = 1; slice (`x[:, t]`) or reshape instead."
    )


def _dimensions(shape: str) -> int:
    """How many axes a shape written as ``"(1, 4)"`` has."""
    inside = shape.strip("()").strip()
    return len([part for part in inside.split(",") if part.strip()])
