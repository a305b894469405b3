"""The purity case of a check: one per public check, told once, with a fix that fits the object.

Every call a check makes logs the arguments the student function changed (see
:mod:`autograder.calls.purity`). The purity case, the last case of each public check, reads that log:
it fails when a call of the checked function, during this run of its check, changed an
argument, with one message naming the argument, what changed and a one-line fix for that kind
of object. Values are always judged on copies, so a function with right values that writes into
an argument loses this case only.

A stub or a constant output changes nothing, so the case, like every case that is not fresh, is
earned only together with a case on fresh inputs (:mod:`autograder.checking.running`).
"""

from autograder.calls.changes import Modification
from autograder.calls.check_run import current_check_run
from autograder.checking.case import Case, CheckFailed

PURITY_CASE = "leaves its arguments unchanged"

KIND_NAMES = {"array": "an array", "dict": "a dict", "list": "a list"}

MAX_WHERE_CHARACTERS = 80
PURITY_POINTS = 0.1
"""What the purity case is worth: hygiene, a small share of a function's points."""


def purity_case(function: str, points: float = PURITY_POINTS) -> Case:
    """The case that ``function`` changed none of its arguments during this run of its check.

    Put it last in the check's cases: it reads what the cases before it saw.

    Args:
        function: the student function the check grades, e.g. ``"lstm_step_backward"``.
        points: what the case is worth.
    """

    def run() -> str | None:
        log = current_check_run()
        own = log.own_modifications(function)
        if own:
            raise CheckFailed(modification_message(own))
        return callee_note(log.callee_modifications())

    return Case(PURITY_CASE, points, run)


def modification_message(modifications: list[Modification]) -> str:
    """One message for every change a function made: the first named, with its fix."""
    first = modifications[0]
    others = sorted({m.argument for m in modifications} - {first.argument})
    lines = [
        f"{first.function} modified its argument `{first.argument}` in place ({describe(first)}), "
        f"first seen in the case “{first.case}”.",
        "Your values were judged on copies, so this is the only case it costs.",
        f"Fix: {fix(first)}",
    ]
    if others:
        lines.append(f"It also modified {', '.join(f'`{name}`' for name in others)}.")
    return "\n".join(lines)


def describe(modification: Modification) -> str:
    """``"it is an array; 6 of 6 entries changed"``, or ``"cache['x'], an array: ..."`` inside it."""
    where = _short(modification.where)
    kind = KIND_NAMES.get(modification.kind, modification.kind)
    if where == modification.argument:
        return f"it is {kind}; {modification.change}"
    return f"{where}, {kind}: {modification.change}"


def fix(modification: Modification) -> str:
    """A one-line fix that matches the kind of object changed, written with its name."""
    where = _short(modification.where)
    if modification.kind == "dict":
        name = where if where == modification.argument else "d"
        return (
            f"start with `{name} = dict({where})`, so that `{name}.pop(...)`, `del {name}[key]` and "
            f"`{name}[key] = ...` change your own dict."
        )
    if modification.kind == "list":
        name = where if where == modification.argument else "items"
        return (
            f"start with `{name} = list({where})`, so that `{name}.pop()`, `{name}.append(...)` and "
            f"`{name}[i] = ...` change your own list."
        )
    if where == modification.argument:
        return (
            f"compute a new array, `{where} = {where} + ...` instead of `{where} += ...` (the same for "
            f"`*=`, `out=` and `{where}[...] = ...`), or start with `{where} = {where}.copy()`."
        )
    return (
        f"copy the array before changing it, `a = {where}.copy()`, or compute a new one, `a = {where} * ...`."
    )


def callee_note(modifications: list[Modification]) -> str | None:
    """A note naming the student functions that changed what their caller passed them, if any."""
    if not modifications:
        return None
    first = modifications[0]
    return (
        f"Note: {first.function} modified its argument `{first.argument}` when {first.caller} called it "
        f"({describe(first)}). {first.caller} is not charged for it: it was given copies, and "
        f"{first.function} loses the purity case of its own check."
    )


def _short(text: str) -> str:
    return text if len(text) <= MAX_WHERE_CHARACTERS else text[: MAX_WHERE_CHARACTERS - 1] + "…"
