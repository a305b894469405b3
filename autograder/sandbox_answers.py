"""What the student process answers, turned back into values and exceptions in the grader.

A call's answer carries the return value, the arguments as the student function left them, and
the error it raised, if any (see :mod:`autograder.sandbox_worker`). The value is decoded from the
safe format; the arguments are written back into the grader's own, so that the checks see a
function that is not pure; the error becomes an exception the checks already know how to read.
"""

import builtins
import functools
import warnings

import numpy as np

from autograder.case import StudentCodeError
from autograder.text_safety import clipped
from autograder.wire import Handle, UnsafeValue, value_of

MAX_FUNCTIONS = 200
"""The most functions one cell may report as defined (more are ignored)."""
MAX_PARAMETERS = 50
"""The most parameter names kept for a function."""


def decode_tree(tree, generation: int):
    """The value of an answer's tree; handles from another run of the process are refused."""

    def resolve(handle: Handle) -> Handle:
        if handle.generation != generation:
            raise UnsafeValue("a handle from another run")
        return handle

    return value_of(tree, resolve=resolve)


def write_back(originals, afters) -> None:
    """Copy in-place changes the student made to the arguments back into the grader's arguments.

    The checks keep their own copies of the arguments and compare (see ``autograder.case.call``);
    writing the changes back lets them see a function that is not pure. Only arrays of the same
    shape, and the items of lists and dicts, are written back.
    """
    if isinstance(originals, np.ndarray) and isinstance(afters, np.ndarray):
        if originals.shape == afters.shape and originals.flags.writeable:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
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


def remote_error(error: dict) -> BaseException:
    """The exception to raise in the grader for an error the student code raised.

    A built-in exception type comes back as a subclass of itself (so a check expecting a
    ``ValueError`` sees one) and of :class:`StudentCodeError` (so its message is the student
    process's description); ``SystemExit`` as itself; anything else as ``StudentCodeError``.
    """
    if not isinstance(error, dict):
        error = {}
    kind, description = clipped(error.get("type", "Exception"), 100), clipped(error.get("description", ""))
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
