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

While a case is checked again with reference functions standing in for some of the student's
(:func:`autograder.calls.check_run.standing_in`), :func:`monitoring` puts those references in the
function's globals instead.

Copying and comparing are :mod:`autograder.calls.changes`. Only plain data is compared: other
objects are copied but not looked into, as isolated grading keeps them in the student's process,
where the grader cannot see them, and both grading paths must give the same grades.
"""

import contextlib
import functools
import inspect
import types
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from autograder.calls.changes import Modification, PurityError, modifications, own_copies
from autograder.calls.check_run import StandIns, current_stand_ins, note_involved, record
from autograder.student_api import student_function_names

_calling: ContextVar[str] = ContextVar("calling", default="")
_call_copies: ContextVar[tuple | None] = ContextVar("call_copies", default=None)


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
    with (
        monitoring_namespace(namespace, except_name=name, record=record, names=student_function_names()),
        stand_ins_in(namespace, except_name=name, stand_ins=current_stand_ins()),
    ):
        yield


@contextlib.contextmanager
def stand_ins_in(namespace: dict, *, except_name: str, stand_ins: StandIns | None) -> Iterator[None]:
    """While the block runs, the reference stands in for each function of ``stand_ins.inside`` in ``namespace``.

    The student's function looks its callees up in ``namespace`` (its globals) and finds the
    reference in their place; each stand-in that is called is noted in ``stand_ins.used``. The
    function being called itself (``except_name``) is left alone, and every name is put back when
    the block ends (unless the student code rebound it meanwhile).
    """
    if stand_ins is None:
        yield
        return
    swapped = {}
    for callee in sorted(stand_ins.inside - {except_name}):
        if callee in stand_ins.functions:
            wrapper = stand_in(callee, stand_ins)
            swapped[callee] = (namespace.get(callee, _ABSENT), wrapper)
            namespace[callee] = wrapper
    try:
        yield
    finally:
        for callee, (original, wrapper) in swapped.items():
            if namespace.get(callee) is wrapper:
                if original is _ABSENT:
                    del namespace[callee]
                else:
                    namespace[callee] = original


_ABSENT = object()


def stand_in(name: str, stand_ins: StandIns) -> Callable:
    """The reference function ``name``, noting in ``stand_ins.used`` that it answered."""
    reference = stand_ins.functions[name]

    def answer(*args, **kwargs):
        stand_ins.used.add(name)
        return reference(*args, **kwargs)

    answer.__name__ = answer.__qualname__ = name
    return answer


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
        note_involved((name,))
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
