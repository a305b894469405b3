"""Inherited failures: a function is charged for its own code, never for the functions it relies on.

A student's ``rnn_backward`` calls their ``rnn_step_backward``; the check of ``rnn_backward`` calls
their ``rnn_forward`` for a cache, which calls their ``rnn_step_forward``. When one of those is
wrong, ``rnn_backward`` can fail although its own code is right. Two rules keep such a failure
where it belongs (the failing function keeps its loss in its own check):

* an example on which a helper the check called (the forward pass) failed or returned wrong
  values is set aside (:mod:`autograder.checking.judging`): the case is judged on its other
  examples;
* a case that still fails, or could not be judged at all, is checked again
  (:func:`settle`), first with the reference standing in for every graded function that comes
  before the checked one in its assignment wherever student code calls it, then also for the
  helpers the check calls itself. If the case passes then, its failure is inherited: it costs
  nothing and says where it came from. If it still fails, the failure is the function's own, and
  its message is the one seen with the stand-ins, which is about its own code.

Only functions before the checked one in the assignment may stand in (a step function never
inherits from the sequence function built on it), and only where the solutions are found: a
student's copy of the public checks cannot tell an inherited failure, and says what the grader
will do.
"""

import copy
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from autograder.calls.check_run import HelperCall, StandIns, current_check_run, standing_in
from autograder.checking.case import Case, CheckFailed, SetAside, describe_exception
from autograder.checking.reference import SolutionsNotFound, load_reference
from autograder.results import Mistake
from autograder.student_api import STUDENT_FUNCTIONS

HELPER_RTOL = 1e-7
HELPER_ATOL = 1e-9
"""How close a helper's outputs must be to the reference's for an example to rest on them."""


def assignment_of(function: str) -> str | None:
    """The assignment whose student functions include ``function``."""
    return next((a for a, functions in STUDENT_FUNCTIONS.items() if function in functions), None)


def predecessors(function: str) -> frozenset[str]:
    """The graded functions that come before ``function`` in its assignment: those it may inherit from."""
    assignment = assignment_of(function)
    if assignment is None:
        return frozenset()
    functions = STUDENT_FUNCTIONS[assignment]
    return frozenset(functions[: functions.index(function)])


def reference_functions(function: str) -> Mapping[str, Callable] | None:
    """The reference functions of ``function``'s assignment by name, or None where the solutions are not found."""
    assignment = assignment_of(function)
    if assignment is None:
        return None
    try:
        return _reference_functions(assignment)
    except SolutionsNotFound:
        return None


@functools.lru_cache(maxsize=4)
def _reference_functions(assignment: str) -> Mapping[str, Callable]:
    reference = load_reference(assignment)
    return {name: getattr(reference, name) for name in STUDENT_FUNCTIONS[assignment] if hasattr(reference, name)}


def wrong_helpers(calls: list[HelperCall], function: str) -> tuple[str, ...]:
    """The helpers among ``calls`` whose outputs differ from the reference's on the same inputs.

    Only array outputs of the reference are compared (a cache is the student's own design);
    nothing is found where the solutions are not.
    """
    reference = reference_functions(function)
    if reference is None:
        return ()
    wrong: list[str] = []
    for call in calls:
        if call.name in wrong or call.name not in reference:
            continue
        try:
            with np.errstate(all="ignore"):
                expected = reference[call.name](*copy.deepcopy(call.args), **copy.deepcopy(call.kwargs))
        except Exception:  # noqa: BLE001, S112 - inputs the reference refuses judge nothing
            continue
        if not _agrees(call.result, expected):
            wrong.append(call.name)
    return tuple(wrong)


def _agrees(actual, expected) -> bool:
    """Whether ``actual`` has ``expected``'s array outputs, to the helpers' tolerance (shapes of size-1 axes aside)."""
    if isinstance(expected, np.ndarray):
        return _close(actual, expected)
    if isinstance(expected, tuple):
        return (
            isinstance(actual, tuple)
            and len(actual) == len(expected)
            and all(_agrees(a, e) for a, e in zip(actual, expected) if isinstance(e, np.ndarray))
        )
    return True


def _close(actual, expected: np.ndarray) -> bool:
    if not isinstance(actual, np.ndarray) or actual.size != expected.size:
        return False
    with np.errstate(all="ignore"):
        try:
            return bool(np.allclose(actual.reshape(expected.shape), expected, rtol=HELPER_RTOL, atol=HELPER_ATOL))
        except (TypeError, ValueError):
            return False


@dataclass
class Attempt:
    """One run of a case: how much it earned, what it said, and what it involved.

    Attributes:
        share: the share of the case's points earned, from 0 to 1.
        message: why it failed, or the note it passed with.
        mistake: the common mistake recognised behind the failure.
        judged: False when every example was set aside (the case said nothing about the function).
        involved: the other student functions that ran during it (called by the check or by student code).
        helpers: those the check itself called.
        used: the stand-ins that answered.
    """

    share: float
    message: str
    mistake: Mistake | None = None
    judged: bool = True
    involved: frozenset[str] = frozenset()
    helpers: frozenset[str] = frozenset()
    used: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Outcome:
    """What a case finally earned (a share of its points), what it says, and whom a failure came from."""

    share: float
    message: str
    mistake: Mistake | None = None
    inherited_from: tuple[str, ...] = ()


def attempt(case: Case, stand_ins: StandIns | None = None) -> Attempt:
    """Run ``case`` once (with ``stand_ins`` standing in, if given) and say what it earned and involved."""
    log = current_check_run()
    log.start_case(case.name)
    try:
        if stand_ins is None:
            note = case.run()
        else:
            with standing_in(stand_ins):
                note = case.run()
        result = Attempt(1.0, note or "")
    except SetAside as failure:
        result = Attempt(0.0, str(failure), judged=False)
    except CheckFailed as failure:
        result = Attempt(failure.share_right, str(failure), failure.mistake)
    except Exception as error:  # noqa: BLE001 - a bug in a check must not cost a batch
        result = Attempt(0.0, f"the check itself failed ({describe_exception(error)}); tell your instructor")
    result.involved, result.helpers = frozenset(log.involved), frozenset(log.helpers)
    result.used = frozenset(stand_ins.used) if stand_ins is not None else frozenset()
    return result


def settle(case: Case, function: str) -> Outcome:
    """Run ``case`` of ``function``'s check and decide what it earns, checking it again where a failure may be inherited."""
    first = attempt(case)
    if first.share >= 1:
        return Outcome(1.0, first.message)
    before = predecessors(function)
    if not first.involved & before or first.message.startswith(f"{function} is not implemented yet"):
        return Outcome(first.share, first.message, first.mistake)
    reference = reference_functions(function)
    if reference is None:
        return Outcome(first.share, first.message + "\n" + not_settled_here(function, first.involved & before), first.mistake)
    inside = before & reference.keys()
    second = attempt(case, StandIns(reference, inside=frozenset(inside)))
    if second.share >= 1:
        return inherited(function, first, narrowest(case, reference, second))
    third = None
    if helpers := (first.helpers | second.helpers) & inside:
        third = attempt(case, StandIns(reference, inside=frozenset(inside), instead=frozenset(helpers)))
        if third.share >= 1:
            return inherited(function, first, third)
    return own(function, first, second, third)


def narrowest(case: Case, reference: Mapping[str, Callable], passing: Attempt) -> Attempt:
    """The run with one stand-in alone that passes too, if any (so that the failure is blamed on that one function), else ``passing``."""
    if len(passing.used) < 2:
        return passing
    for name in sorted(passing.used, key=_later_first):
        alone = attempt(case, StandIns(reference, inside=frozenset({name})))
        if alone.share >= 1:
            return alone
    return passing


def _later_first(name: str) -> int:
    assignment = assignment_of(name)
    return -STUDENT_FUNCTIONS[assignment].index(name) if assignment else 0


def inherited(function: str, first: Attempt, passing: Attempt) -> Outcome:
    """The outcome of a case that passes with stand-ins: full points, and where the failure came from."""
    sources = tuple(sorted(passing.used)) or tuple(sorted(first.involved & predecessors(function)))
    names = _names(sources)
    before = first.message.splitlines()[0] if first.message else ""
    message = (
        f"Inherited, not charged: with the reference {names} in place of yours, {function} passes "
        f"this case, so what went wrong comes from {names}, whose own checks say what to fix."
    )
    if before:
        message += f"\nWith yours: {before}"
    return Outcome(1.0, message, None, sources)


def own(function: str, first: Attempt, second: Attempt, third: Attempt | None) -> Outcome:
    """The outcome of a case that fails with stand-ins too: the best share, and the message about the function's own code.

    The run with the helpers replaced (``third``) only ever shows an inherited failure: when it
    fails too, the function may simply not read the reference's cache, which says nothing about it.
    """
    judged = [a for a in (second, first) if a.judged]
    if not judged:
        return Outcome(0.0, first.message, first.mistake)
    best = max(judged, key=lambda a: a.share)
    message = best.message
    if best is not first and best.used:
        message += (
            f"\n(Judged with the reference {_names(sorted(best.used))} in place of yours, so that only "
            f"{function}'s own code is judged; with yours it fails too.)"
        )
    return Outcome(best.share, message, best.mistake)


def not_settled_here(function: str, involved: frozenset[str]) -> str:
    """What a student's copy of the checks says when a failure may come from another function."""
    names = _names(sorted(involved))
    return (
        f"Note: {function} relied on your {names} here. If this failure comes from {names}, it costs "
        f"{function} nothing when graded: the grader checks this case again with the reference {names}. "
        f"Pass the checks of {names} first."
    )


def _names(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
