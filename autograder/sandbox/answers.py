"""What the student process answers, turned back into values and exceptions in the grader.

A call's answer carries the return value, the arguments as the student function left them, the
changes other student functions made to what it passed them, and the error it raised, if any
(see :mod:`autograder.sandbox.worker`). The value is decoded from the safe format; the arguments
are written back into the copies the call owns (never into the grader's own objects), so that
the purity case sees a function that is not pure; the error becomes an exception the checks
already know how to read.
"""

import builtins
import functools

import numpy as np

from autograder.calls.changes import KINDS, Modification, PurityError
from autograder.calls.errors import StudentCodeError
from autograder.student_api import student_function_names
from autograder.text_safety import clipped
from autograder.wire import MAX_CALLEE_REPORTS, Handle, UnsafeValue, value_of

MAX_FUNCTIONS = 200
"""The most functions one cell may report as defined (more are ignored)."""
MAX_PARAMETERS = 50
"""The most parameter names kept for a function."""
MAX_REPORT_CHARACTERS = 120
"""The longest text kept from a report of a callee's change (an argument, a place, a change)."""


def decode_tree(tree, generation: int):
    """The value of an answer's tree; handles from another run of the process are refused."""

    def resolve(handle: Handle) -> Handle:
        if handle.generation != generation:
            raise UnsafeValue("a handle from another run")
        return handle

    return value_of(tree, resolve=resolve)


def write_back(originals, afters) -> None:
    """Copy in-place changes the student made to the arguments back into the call's copies.

    ``originals`` are the copies of the arguments that :func:`autograder.calls.purity.call_on_copies`
    made for this call alone (``Sandbox.call`` checks that); comparing them with the grader's
    own afterwards shows a function that is not pure. Only arrays of the same shape, and the
    items of lists and dicts, are written back.
    """
    if isinstance(originals, np.ndarray) and isinstance(afters, np.ndarray):
        if originals.shape == afters.shape and originals.flags.writeable:
            if np.iscomplexobj(afters) and not np.iscomplexobj(originals):
                afters = afters.real  # what the assignment would keep, without numpy's ComplexWarning
            with np.errstate(all="ignore"):
                originals[...] = afters
    elif isinstance(originals, dict) and isinstance(afters, dict):
        for key in list(originals):
            if key not in afters:
                del originals[key]
        for key, value in afters.items():
            if key in originals and isinstance(originals[key], (np.ndarray, list, dict)):
                write_back(originals[key], value)
            else:
                originals[key] = value
    elif isinstance(originals, (list, tuple)) and isinstance(afters, (list, tuple)):
        for i, (original, after) in enumerate(zip(originals, afters)):
            if isinstance(original, (np.ndarray, list, dict, tuple)):
                write_back(original, after)
            elif isinstance(originals, list):
                originals[i] = after
        if isinstance(originals, list) and len(originals) != len(afters):
            originals[:] = afters


def safe_defined(defined) -> dict[str, list[str] | None]:
    """The functions a cell defined, as the worker reported them, kept only if they look like names.

    What the worker reports is data from a process that ran student code: names that are not
    identifiers, and anything past ``MAX_FUNCTIONS`` functions or ``MAX_PARAMETERS`` parameters,
    are dropped.
    """
    if not isinstance(defined, dict):
        return {}
    functions: dict[str, list[str] | None] = {}
    for name, parameters in list(defined.items())[:MAX_FUNCTIONS]:
        if not (isinstance(name, str) and name.isidentifier() and len(name) <= 100):
            continue
        if isinstance(parameters, list):
            parameters = [p for p in parameters[:MAX_PARAMETERS] if isinstance(p, str) and p.isidentifier() and len(p) <= 100]
        functions[name] = parameters if isinstance(parameters, list) else None
    return functions


def callee_modifications(reports, *, caller: str) -> list[Modification]:
    """The changes the student process saw other student functions make, as far as they are believable.

    These only ever become a note in the caller's check, never points: a callee's purity case is
    decided by the grader's own comparison when its check calls it, and the caller's by the
    grader's comparison of the caller's own arguments (which the callee could not reach: in the
    student process it was given copies too). So a forged report can change no score; it is
    still kept to the assignment's function names, the known kinds and short texts.

    Args:
        reports: the answer's ``callees``: ``[[function, argument, where, kind, change, caller], ...]``.
        caller: the function the grader called, which every report's chain starts from.
    """
    if not isinstance(reports, list):
        return []
    names = student_function_names()
    believable = []
    for report in reports[:MAX_CALLEE_REPORTS]:
        if not (isinstance(report, list) and len(report) == 6 and all(isinstance(part, str) for part in report)):
            continue
        function, argument, where, kind, change, seen_in = report
        if function in names and seen_in in names and kind in KINDS and function != caller:
            believable.append(
                Modification(
                    function,
                    clipped(argument, MAX_REPORT_CHARACTERS),
                    clipped(where, MAX_REPORT_CHARACTERS),
                    kind,
                    clipped(change, MAX_REPORT_CHARACTERS),
                    caller=seen_in,
                )
            )
    return believable


def remote_error(error: dict) -> BaseException:
    """The exception to raise in the grader for an error the student code raised.

    A built-in exception type comes back as a subclass of itself (so a check expecting a
    ``ValueError`` sees one) and of :class:`StudentCodeError` (so its message is the student
    process's description); ``SystemExit`` as itself; an argument the student process could not
    copy or compare as :class:`autograder.calls.changes.PurityError`; anything else as ``StudentCodeError``.
    """
    if not isinstance(error, dict):
        error = {}
    kind, description = clipped(error.get("type", "Exception"), 100), clipped(error.get("description", ""))
    if kind == "PurityError":
        return PurityError(description)
    if kind == "SystemExit":
        return SystemExit(description.removeprefix("SystemExit: "))
    return remote_error_type(kind)(description)


@functools.cache
def remote_error_type(kind: str) -> type[StudentCodeError]:
    """``StudentCodeError`` mixed with the built-in exception type named ``kind``, if there is one."""
    builtin = getattr(builtins, kind, None)
    if isinstance(builtin, type) and issubclass(builtin, Exception) and builtin is not Exception:
        try:
            return type(kind, (StudentCodeError, builtin), {})
        except TypeError:  # a built-in whose layout does not mix
            pass
    return StudentCodeError
