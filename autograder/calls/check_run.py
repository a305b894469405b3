"""What one run of a check sees: the log its cases write to and read, and the stand-ins of a re-check.

A check runs its cases one after the other (:func:`autograder.checking.case.run_cases`) inside
:func:`check_run`. Every call of a student function made meanwhile adds to the run's log: the
arguments a function changed (the purity case reads them), the outputs that came back in an
equivalent but undocumented shape or type (the shape case reads them), and which other student
functions ran during the case in progress (a failure that involved them may be inherited, see
:mod:`autograder.checking.inheritance`).

:func:`standing_in` is how a case is checked again with reference functions in place of some of
the student's: calls of student code see it (:mod:`autograder.calls.purity` in this process, the
sandbox's proxies for a student process) and let the reference answer where it stands in.
"""

import contextlib
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

from autograder.calls.changes import Modification
from autograder.student_api import student_function_names


@dataclass(frozen=True)
class ShapeSlip:
    """An output whose values were judged although its shape or type is not the documented one.

    Attributes:
        function: the student function that returned it.
        output: which output, e.g. ``"db"``.
        got: its shape, or its dtype's name for a type slip.
        expected: the documented shape, or ``"float64"``.
        kind: ``"shape"`` (an axis of size 1 too many or too few) or ``"dtype"`` (integers or
            booleans where floats are documented).
        case: the case it was seen in.
    """

    function: str
    output: str
    got: str
    expected: str
    kind: str
    case: str = ""


@dataclass(frozen=True)
class HelperCall:
    """A call the check made of another student function than the one it grades (e.g. its forward pass).

    Kept while an example is judged, so that a failure on that example can be told inherited when
    this function's own outputs were wrong (see :func:`autograder.checking.inheritance.wrong_helpers`).
    """

    name: str
    args: tuple
    kwargs: dict
    result: object


@dataclass
class CheckRun:
    """What one run of a check has seen so far.

    Attributes:
        function: the student function the check grades.
        modifications: every change of an argument, in the order seen.
        slips: every output judged in an equivalent shape or type (see :class:`ShapeSlip`).
        values_earned: True once a case on fresh inputs (``Case.fresh``) earned points.
        case: the name of the case running now.
        stub_message: the message of the first case that met a function not implemented yet.
        not_a_function: the message of the first call that found the graded name bound to something
            that cannot be called (a number, an array, None): every later case fails with it, unrun.
        involved: the other student functions that ran during the case in progress, called by the
            check or by the student's code.
        helpers: the other student functions the check itself called during the case in progress.
        helper_calls: the calls of such functions made for the example being judged, when a loop
            over examples collects them (None otherwise).
        recording: False while a case is checked again with stand-ins: what that run sees is not
            the student's own code, so it changes neither purity nor shapes.
    """

    function: str = ""
    modifications: list[Modification] = field(default_factory=list)
    slips: list[ShapeSlip] = field(default_factory=list)
    values_earned: bool = False
    case: str = ""
    stub_message: str = ""
    not_a_function: str = ""
    involved: set[str] = field(default_factory=set)
    helpers: set[str] = field(default_factory=set)
    helper_calls: list[HelperCall] | None = None
    recording: bool = True

    def own_modifications(self, function: str) -> list[Modification]:
        """The changes ``function`` made to arguments a check passed it."""
        return [m for m in self.modifications if m.function == function and not m.caller]

    def callee_modifications(self) -> list[Modification]:
        """The changes student functions made to arguments another student function passed them."""
        return [m for m in self.modifications if m.caller]

    def own_slips(self, function: str) -> list[ShapeSlip]:
        """The outputs of ``function`` judged in an undocumented shape or type."""
        return [slip for slip in self.slips if slip.function == function]

    def start_case(self, name: str) -> None:
        """A new case begins: it has involved no other function yet."""
        self.case = name
        self.involved = set()
        self.helpers = set()
        self.helper_calls = None


_check_run: ContextVar[CheckRun | None] = ContextVar("check_run", default=None)


@contextlib.contextmanager
def check_run(function: str = "") -> Iterator[CheckRun]:
    """A fresh log for the calls made inside the block (one run of the check of ``function``)."""
    run = CheckRun(function=function)
    token = _check_run.set(run)
    try:
        yield run
    finally:
        _check_run.reset(token)


def current_check_run() -> CheckRun:
    """The log of the check run in progress (an empty one outside any check run)."""
    return _check_run.get() or CheckRun()


def record(modification: Modification) -> None:
    """Log a change in the check run in progress, with the case it was seen in."""
    run = _check_run.get()
    if run is not None and run.recording:
        run.modifications.append(replace(modification, case=run.case))


def record_slip(slip: ShapeSlip) -> None:
    """Log an output judged in an undocumented shape or type, with the case it was seen in."""
    run = _check_run.get()
    if run is not None and run.recording:
        run.slips.append(replace(slip, case=run.case))


def note_involved(names) -> None:
    """Log that the student functions ``names`` ran during the case in progress (others than the one checked)."""
    run = _check_run.get()
    if run is None:
        return
    known = student_function_names()
    run.involved.update(name for name in names if isinstance(name, str) and name in known and name != run.function)


def is_helper(name: str) -> bool:
    """Whether a call of ``name`` now is the check's call of another function than the one it grades."""
    run = _check_run.get()
    return run is not None and bool(run.function) and name != run.function


def note_helper_call(name: str, args: tuple, kwargs: dict, result, *, logged: bool = True) -> None:
    """Log that the check called the student function ``name`` (not the one it grades), and, if ``logged``, how.

    A logged call is kept with the example being judged (when a loop over examples collects
    them), so that its values can be compared with the reference's should the example fail.
    """
    run = _check_run.get()
    if run is None:
        return
    run.helpers.add(name)
    note_involved([name])
    if logged and run.helper_calls is not None:
        run.helper_calls.append(HelperCall(name, args, kwargs, result))


@dataclass
class StandIns:
    """Reference functions standing in for the student's while a case is checked again.

    Attributes:
        functions: the reference functions by name.
        inside: names replaced where student code calls them (the student's function looks
            them up in its globals and finds the reference).
        instead: names replaced where the check calls them: the check gets the reference's
            outputs, its cache included, and hands them to the student's function it grades.
        used: the names a stand-in answered for, filled in as they are called.
    """

    functions: Mapping[str, Callable]
    inside: frozenset[str] = frozenset()
    instead: frozenset[str] = frozenset()
    used: set[str] = field(default_factory=set)


_stand_ins: ContextVar[StandIns | None] = ContextVar("stand_ins", default=None)


@contextlib.contextmanager
def standing_in(stand_ins: StandIns) -> Iterator[StandIns]:
    """Within: calls of student code meet ``stand_ins``; nothing seen is recorded for purity or shapes."""
    token = _stand_ins.set(stand_ins)
    run = _check_run.get()
    was_recording = run.recording if run is not None else True
    if run is not None:
        run.recording = False
    try:
        yield stand_ins
    finally:
        _stand_ins.reset(token)
        if run is not None:
            run.recording = was_recording


def current_stand_ins() -> StandIns | None:
    """The stand-ins of the re-check in progress, or None."""
    return _stand_ins.get()
