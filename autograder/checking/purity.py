"""Purity: student code works on copies, and what it changes in them is logged, never trusted.

Every call of a student function goes through :func:`call_on_copies`: the function receives
deep copies owned by the call, so the grader's own arrays are never handed to student code.
After the call the copies are compared with the originals, and each argument that changed is
logged as a :class:`Modification` in the log of the check run (:func:`check_run`). A change
costs the function one case of its check, the purity case; its values are judged as usual.

While a student function runs, the other student functions it calls by their global names are
monitored the same way (:func:`monitoring`): each gets copies of what its caller passes, so a
callee that changes its arguments cannot change its caller's data; the change is logged for the
callee, noting the caller it was seen in. The process running student code in isolated grading
(:mod:`autograder.sandbox.worker`) does the same with :func:`monitored`.

Only plain data is compared: numpy arrays of numbers, booleans or strings, and the dicts, lists
and tuples holding them. Other objects are copied but not looked into: isolated grading keeps
them in the student's process, where the grader cannot see them, and both grading paths must
give the same grades. Comparing walks the values with an explicit stack, never by recursion.
"""

import contextlib
import copy
import functools
import inspect
import types
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

import numpy as np

from autograder.student_api import student_function_names

COMPARED_DTYPE_KINDS = frozenset("biufcSU")
"""Array dtypes compared after a call: the plain data that isolated grading sends back too."""

KINDS = ("array", "dict", "list")
"""The kinds of object a call can change in place (tuples, numbers and strings cannot change)."""

MAX_NESTING = 100
"""The deepest nesting of dicts, lists and tuples an argument may have: deep enough for a cache
linked through every time step of the longest sequence the checks use (60), shallow enough that
``copy.deepcopy`` never meets Python's recursion limit."""


class PurityError(Exception):
    """An argument could not be copied before a call, or compared after it.

    Attributes:
        description: what happened, e.g. ``"its argument `cache` could not be copied (...)"``.
    """

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass(frozen=True)
class Modification:
    """A student function changed an argument it was given.

    Attributes:
        function: the student function that changed it, e.g. ``"rnn_step_backward"``.
        argument: the name of the argument, e.g. ``"cache"``.
        where: the changed object as an expression, e.g. ``"cache['x']"`` or ``"dnext_h"``.
        kind: what kind of object changed there: ``"array"``, ``"dict"`` or ``"list"``.
        change: what changed, e.g. ``"15 of 15 entries changed"`` or ``"key 'x' removed"``.
        caller: the student function that called it; empty when a check called it.
        case: the case of the check run it was first seen in.
    """

    function: str
    argument: str
    where: str
    kind: str
    change: str
    caller: str = ""
    case: str = ""


@dataclass
class CheckRun:
    """What one run of a check has seen so far.

    Attributes:
        modifications: every change of an argument, in the order seen.
        values_earned: True once a case that judges values (see ``Case.judges_values``) passed.
        case: the name of the case running now.
        stub_message: the message of the first case that met a function not implemented yet.
    """

    modifications: list[Modification] = field(default_factory=list)
    values_earned: bool = False
    case: str = ""
    stub_message: str = ""

    def own_modifications(self, function: str) -> list[Modification]:
        """The changes ``function`` made to arguments a check passed it."""
        return [m for m in self.modifications if m.function == function and not m.caller]

    def callee_modifications(self) -> list[Modification]:
        """The changes student functions made to arguments another student function passed them."""
        return [m for m in self.modifications if m.caller]


_check_run: ContextVar[CheckRun | None] = ContextVar("check_run", default=None)
_calling: ContextVar[str] = ContextVar("calling", default="")
_call_copies: ContextVar[tuple | None] = ContextVar("call_copies", default=None)


@contextlib.contextmanager
def check_run() -> Iterator[CheckRun]:
    """A fresh log for the calls made inside the block (one run of one check)."""
    run = CheckRun()
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
    if run is not None:
        run.modifications.append(replace(modification, case=run.case))


def call_on_copies(function: Callable, args: tuple, kwargs: dict, *, name: str):
    """Call a student function on copies of its arguments and log what it changed in them.

    Args:
        function: the student's function (or a proxy of it in isolated grading).
        args: positional arguments; never handed to the function, never changed.
        kwargs: keyword arguments; the same.
        name: the function's name as the student knows it.

    Returns:
        Whatever the function returned.

    Raises:
        PurityError: an argument could not be copied or compared.
        Exception: whatever the function raised (then nothing is compared).
    """
    names = argument_names(function, len(args))
    copies_args, copies_kwargs = own_copies(args, kwargs, names=names)
    token = _call_copies.set((copies_args, copies_kwargs))
    try:
        with calling(name), monitoring(function, name, record=record):
            result = function(*copies_args, **copies_kwargs)
    finally:
        _call_copies.reset(token)
    for modification in modifications(name, names, (args, kwargs), (copies_args, copies_kwargs)):
        record(modification)
    return result


@contextlib.contextmanager
def calling(name: str) -> Iterator[None]:
    """Inside the block, ``name`` is the student function running: the caller of those it calls."""
    token = _calling.set(name)
    try:
        yield
    finally:
        _calling.reset(token)


def are_call_copies(args: tuple, kwargs: dict) -> bool:
    """True when ``args`` and ``kwargs`` are the copies the call in progress owns.

    Isolated grading writes what the student process did to its arguments back only into these
    (see ``autograder.sandbox.process.Sandbox.call``), never into objects of the grader.
    """
    copies = _call_copies.get()
    if copies is None:
        return False
    copies_args, copies_kwargs = copies
    return (
        len(args) == len(copies_args)
        and all(a is b for a, b in zip(args, copies_args))
        and kwargs.keys() == copies_kwargs.keys()
        and all(kwargs[key] is copies_kwargs[key] for key in kwargs)
    )


def own_copies(args: tuple, kwargs: dict, *, names: list[str]) -> tuple[tuple, dict]:
    """Deep copies of the arguments of a call.

    Raises:
        PurityError: an argument cannot be copied (nested deeper than Python's recursion limit
            allows, or holding something ``copy.deepcopy`` refuses).
    """
    copied_args = []
    for argument, value in zip(names, args):
        copied_args.append(_copy(argument, value))
    return tuple(copied_args), {key: _copy(key, value) for key, value in kwargs.items()}


def _copy(argument: str, value):
    if type(value) is np.ndarray and value.dtype.kind in COMPARED_DTYPE_KINDS:
        return value.copy()  # what deepcopy makes of it, without deepcopy's bookkeeping
    if nesting_depth(value) > MAX_NESTING:
        reason = f"it is nested more than {MAX_NESTING} levels deep; keep a cache flat: a tuple, list or dict of arrays"
    else:
        try:
            return copy.deepcopy(value)
        except RecursionError:
            reason = "it is nested too deeply; keep a cache flat: a tuple, list or dict of arrays"
        except Exception as error:  # noqa: BLE001 - anything deepcopy refuses is reported the same way
            reason = f"{type(error).__name__}: {error}"
    raise PurityError(f"its argument `{argument}` could not be copied ({reason})")


def nesting_depth(value) -> int:
    """How many dicts, lists and tuples deep ``value`` goes (0 for an array); cycles count once.

    Measured with an explicit stack, so that a value too deep to copy is refused whatever the
    depth of the stack the call is made from: both grading paths then give the same result.
    """
    deepest, stack, seen = 0, [(value, 0)], set()
    while stack:
        value, depth = stack.pop()
        if not isinstance(value, (dict, list, tuple)) or id(value) in seen:
            continue
        seen.add(id(value))
        deepest = max(deepest, depth + 1)
        stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


def argument_names(function: Callable, count: int) -> list[str]:
    """The names of a function's first ``count`` positional parameters (``#3`` when unknown)."""
    try:
        parameters = parameter_names(function)
    except (TypeError, ValueError):
        parameters = []
    return [parameters[i] if i < len(parameters) else f"#{i + 1}" for i in range(count)]


def parameter_names(function: Callable) -> list[str]:
    """The names of a function's parameters, in the order ``inspect.signature`` gives them.

    A plain function's are read from its code object, ten times faster than ``inspect.signature``,
    which is called for anything else (a proxy, a partial, a function with ``__wrapped__``).

    Raises:
        TypeError, ValueError: as ``inspect.signature`` does for a callable without a signature.
    """
    code = getattr(function, "__code__", None)
    plain = type(function) is types.FunctionType and not hasattr(function, "__wrapped__")
    if not plain or "__signature__" in function.__dict__ or not isinstance(code, types.CodeType):
        return list(inspect.signature(function).parameters)
    positional, keyword_only = code.co_argcount, code.co_kwonlyargcount
    names = list(code.co_varnames[:positional])
    rest = positional + keyword_only
    if code.co_flags & inspect.CO_VARARGS:
        names.append(code.co_varnames[rest])
        rest += 1
    names += code.co_varnames[positional : positional + keyword_only]
    if code.co_flags & inspect.CO_VARKEYWORDS:
        names.append(code.co_varnames[rest])
    return names


def modifications(
    function: str,
    names: list[str],
    originals: tuple[tuple, dict],
    copies: tuple[tuple, dict],
    caller: str = "",
) -> list[Modification]:
    """The arguments the function changed: one :class:`Modification` per changed argument.

    Raises:
        PurityError: an argument could not be compared (a comparison raised).
    """
    (args, kwargs), (args_after, kwargs_after) = originals, copies
    pairs = [*zip(names, args, args_after), *((key, kwargs[key], kwargs_after.get(key)) for key in kwargs)]
    found = []
    for argument, before, after in pairs:
        try:
            change = first_change(before, after, argument)
        except Exception as error:  # noqa: BLE001 - a comparison that raises fails the call
            raise PurityError(
                f"its argument `{argument}` could not be compared after the call "
                f"({type(error).__name__}: {error})"
            ) from None
        if change is not None:
            found.append(Modification(function, argument, *change, caller=caller))
    return found


def first_change(before, after, where: str) -> tuple[str, str, str] | None:
    """The first difference between a value and its copy after a call: ``(where, kind, change)``.

    Walks both with an explicit stack (no recursion, whatever the depth), visiting each pair of
    objects once (cycles end), in the order the items appear.
    """
    if type(before) is np.ndarray and type(after) is np.ndarray and before.dtype.kind in COMPARED_DTYPE_KINDS:
        return None if (found := _change_here(before, after)) is None else (where, *found)  # the common case
    stack, seen = [(before, after, where)], set()
    while stack:
        before, after, where = stack.pop()
        if (id(before), id(after)) in seen:
            continue
        seen.add((id(before), id(after)))
        found = _change_here(before, after)
        if found is not None:
            return where, *found
        stack.extend(reversed(list(_children(before, after, where))))
    return None


def _change_here(before, after) -> tuple[str, str] | None:  # noqa: PLR0911 - one branch per kind
    if isinstance(before, np.ndarray) and before.dtype.kind in COMPARED_DTYPE_KINDS:
        if not isinstance(after, np.ndarray):
            return "array", f"replaced by a {type(after).__name__}"
        if after.shape != before.shape:
            return "array", f"its shape {before.shape} became {after.shape}"
        if before.dtype == after.dtype and before.tobytes() == after.tobytes():  # the common case, at once
            return None
        changed = int(np.count_nonzero(~_same_entries(before, after)))
        return ("array", f"{changed} of {before.size} entries changed") if changed else None
    if isinstance(before, dict):
        if not isinstance(after, dict):
            return "dict", f"replaced by a {type(after).__name__}"
        removed = [key for key in before if key not in after]
        added = [key for key in after if key not in before]
        if removed or added:
            return "dict", _keys_change(removed, added)
        return None
    if isinstance(before, list):
        if not isinstance(after, list):
            return "list", f"replaced by a {type(after).__name__}"
        if len(after) != len(before):
            return "list", f"its length {len(before)} became {len(after)}"
    return None


def _same_entries(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    if before.dtype.kind in "fc" and after.dtype.kind in "fc":
        return (before == after) | (np.isnan(before) & np.isnan(after))
    return np.asarray(before == after, dtype=bool).reshape(before.shape)


def _keys_change(removed: list, added: list) -> str:
    parts = []
    if removed:
        parts.append(
            f"key {removed[0]!r} removed" + (f" ({len(removed)} keys in all)" if len(removed) > 1 else "")
        )
    if added:
        parts.append(f"key {added[0]!r} added" + (f" ({len(added)} keys in all)" if len(added) > 1 else ""))
    return ", ".join(parts)


def _children(before, after, where: str) -> Iterator[tuple[object, object, str]]:
    if isinstance(before, dict):
        for key in before:
            yield before[key], after[key], f"{where}[{key!r}]"
    elif isinstance(before, (list, tuple)) and isinstance(after, (list, tuple)) and len(after) == len(before):
        for index, (item_before, item_after) in enumerate(zip(before, after)):
            yield item_before, item_after, f"{where}[{index}]"


@contextlib.contextmanager
def monitoring(function: Callable, name: str, *, record: Callable[[Modification], None]) -> Iterator[None]:
    """While the block runs, the other student functions in ``function``'s globals are monitored.

    Each is replaced by :func:`monitored` of itself, and put back when the block ends (unless
    the student code rebound the name meanwhile). Functions without Python globals (a proxy
    of isolated grading) are left alone: the student process monitors its own.
    """
    namespace = getattr(function, "__globals__", None)
    if not isinstance(namespace, dict):
        yield
        return
    with monitoring_namespace(namespace, except_name=name, record=record, names=student_function_names()):
        yield


@contextlib.contextmanager
def monitoring_namespace(
    namespace: dict,
    *,
    except_name: str,
    record: Callable[[Modification], None],
    names: frozenset[str],
) -> Iterator[None]:
    """Monitor the student functions of ``namespace`` (all but ``except_name``) while the block runs.

    Args:
        namespace: the globals the student's functions look each other up in.
        except_name: the function being called itself.
        record: what to do with each change a monitored function makes.
        names: the student functions' names (the grader sends them to the student process).
    """
    swapped = {}
    for callee in names:
        original = namespace.get(callee)
        if callee != except_name and callable(original) and not hasattr(original, "__monitored__"):
            swapped[callee] = namespace[callee] = monitored(original, callee)
    recording = _recording.set(record)
    try:
        yield
    finally:
        _recording.reset(recording)
        for callee, wrapper in swapped.items():
            if namespace.get(callee) is wrapper:
                namespace[callee] = wrapper.__monitored__


_recording: ContextVar[Callable[[Modification], None] | None] = ContextVar("recording", default=None)
"""Where the monitoring in progress records the changes monitored functions make."""


def monitored(function: Callable, name: str) -> Callable:
    """``function`` called on copies of what its caller passes; each change it makes is recorded.

    The changes go to the ``record`` of the :func:`monitoring_namespace` in progress. A copy that
    fails, or a comparison that raises, is raised to the caller as a :class:`PurityError`, which
    fails the call of the function being checked with its message. The wrapper of a function is
    made once and reused by later calls (a call monitors every other student function).
    """
    try:
        return _monitored(function, name)
    except TypeError:  # an unhashable callable: a wrapper of its own
        return _monitored.__wrapped__(function, name)


@functools.lru_cache(maxsize=256)
def _monitored(function: Callable, name: str) -> Callable:
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        caller = _calling.get()
        names = argument_names(function, len(args))
        try:
            copies = own_copies(args, kwargs, names=names)
            with calling(name):
                result = function(*copies[0], **copies[1])
            record = _recording.get()
            for modification in modifications(name, names, (args, kwargs), copies, caller=caller):
                if record is not None:
                    record(modification)
        except PurityError as error:
            raise PurityError(f"when it called {name}, {error.description}") from None
        return result

    wrapper.__monitored__ = function
    return wrapper
