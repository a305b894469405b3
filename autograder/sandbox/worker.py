"""The process that runs student code: confined, it executes cells and answers calls.

Started by :class:`autograder.sandbox.process.Sandbox` as
``python -I -m autograder.sandbox.worker REQUESTS_FD RESPONSES_FD SETTINGS_JSON`` in a scratch
directory holding the assignment's support files (the settings: its resource limits and its
generation, the run of the process, written into every handle it sends). It imports numpy and
matplotlib, confines itself (see :mod:`autograder.sandbox.confinement`), says hello, then answers one
request at a time:

* ``{"seq": n, "op": "exec", "cell": grade_id, "source": code}``: run a cell in the namespace;
  the answer lists the functions the cell defined, with their parameter names;
* ``{"seq": n, "op": "call", "name": f, "calls": [{"args": ..., "kwargs": ...}, ...], "monitor":
  [names]}``: call a function on copies of the arguments of each call in turn, the student
  functions named in ``monitor`` that it calls being monitored (see
  :mod:`autograder.calls.purity`). Each call is answered as soon as it returns, with its own
  frame (``"index"``: its place in ``calls``), and the first call that raises ends the list, as it
  would end a loop of calls in the grader. An answer carries the return value, the arguments as
  they are after the call when the function changed them (so the grader can see in-place
  changes), the changes monitored functions made to what it passed them (``callees``) and the
  warnings it emitted. Several calls in one request save the round trips of a gradient check.

Values travel in the safe format of :mod:`autograder.wire`. A student error of any kind,
``SystemExit`` and ``KeyboardInterrupt`` included, is answered with its description.
"""

import builtins
import contextlib
import errno
import json
import linecache
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from autograder.calls.changes import Modification, PurityError, first_change, own_copies
from autograder.calls.check_run import check_run
from autograder.calls.errors import describe_exception
from autograder.calls.purity import argument_names, calling, monitoring_namespace, parameter_names
from autograder.sandbox.protections import UNPRIVILEGED_USER
from autograder.wire import (
    MAX_CALLEE_REPORTS,
    Encoder,
    Handle,
    UnsafeValue,
    read_frame,
    value_of,
    write_frame,
)

CELL_FILE_PREFIX = "<answer cell "
MAX_REQUEST_BYTES = 256 * 2**20
MAX_MESSAGE_CHARACTERS = 2000
_ABSENT = object()


class Worker:
    """The namespace student cells run in, and the table of values that stay in this process."""

    def __init__(self, responses: int, *, generation: int = 0, requests: int | None = None) -> None:
        self.responses = responses
        self.requests = requests
        self.namespace: dict = {"__name__": "__main__", "__builtins__": builtins}
        self.encoder = Encoder(generation=generation)
        self.seq = None

    def serve(self, requests: int) -> None:
        """Answer requests until the grader closes its end."""
        self.requests = requests
        while True:
            try:
                request = read_frame(requests, max_bytes=MAX_REQUEST_BYTES)
            except EOFError:
                return
            self.seq = request.get("seq")
            if request.get("op") == "exec":
                self.send({"seq": self.seq, **self.exec_cell(request)})
                continue
            for index, answer in enumerate(self.calls(request)):
                self.send({"seq": self.seq, "index": index, **answer})

    def send(self, message: dict) -> None:
        """Write a message to the grader."""
        write_frame(self.responses, message)

    def exec_cell(self, request: dict) -> dict:
        """Run a cell's source; report the functions it (re)defined and any error."""
        before = dict(self.namespace)
        answer: dict = {}
        filename, source = f"{CELL_FILE_PREFIX}{request['cell']}>", request["source"]
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        try:
            code = compile(source, filename, "exec")
            exec(code, self.namespace)  # noqa: S102 - running student code is this process's purpose
        except BaseException as error:  # noqa: BLE001 - SystemExit and the like included
            answer["error"] = describe(error)
        answer["defined"] = {
            name: readable_parameter_names(value)
            for name, value in self.namespace.items()
            if callable(value) and not name.startswith("_") and before.get(name) is not value
        }
        flush_output()
        return answer

    def calls(self, request: dict) -> Iterator[dict]:
        """The answers to the calls of a request, in order, up to the first that raises."""
        try:
            name = str(request["name"])
            calls = request["calls"]
            monitor = frozenset(str(callee) for callee in request.get("monitor", []))
            stand_ins = frozenset(str(callee) for callee in request.get("stand_ins", [])) - {name}
            keep = request.get("keep")
            if not isinstance(calls, list) or not calls or not (keep is None or type(keep) is int):
                raise TypeError("no calls, or a bad keep")
        except (KeyError, LookupError, TypeError) as error:
            yield {"error": {"type": "GraderError", "description": f"bad request: {error}"}}
            return
        for call in calls:
            answer = self.call(name, call, monitor, keep=keep, stand_ins=stand_ins)
            yield answer
            if "error" in answer:
                return

    def call(
        self, name: str, call: dict, monitor: frozenset[str], *, keep: int | None = None, stand_ins: frozenset[str] = frozenset()
    ) -> dict:
        """Call a function of the namespace on copies of one call's arguments, as the grader would.

        The copies matter for values kept here (handles): the function must not change the
        objects an earlier call returned, as it cannot in the grader's own process. With ``keep``,
        a tuple it returns is sent with its items from ``keep`` on as None (the grader needs only
        the first ones, e.g. not a forward pass's cache in a gradient check).
        """
        try:
            given_args = tuple(value_of(call["args"], resolve=self.resolve))
            given_kwargs = value_of(call["kwargs"], resolve=self.resolve)
            function = self.namespace[name]
            if not isinstance(given_kwargs, dict):
                raise TypeError("keyword arguments that are not a dict")
        except (KeyError, UnsafeValue, LookupError, TypeError) as error:
            return {"error": {"type": "GraderError", "description": f"bad request: {error}"}}
        answer: dict = {}
        callees: list[Modification] = []
        try:
            args, kwargs = own_copies(given_args, given_kwargs, names=argument_names(function, len(given_args)))
        except PurityError as error:
            return {"error": {"type": "PurityError", "description": error.description}}
        with (
            warnings.catch_warnings(record=True) as caught,
            np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"),
        ):
            warnings.simplefilter("always")
            try:
                with (
                    calling(name),
                    check_run(name) as seen,
                    monitoring_namespace(self.namespace, except_name=name, record=callees.append, names=monitor),
                    self.answered_by_the_grader(stand_ins),
                ):
                    answer["value"] = self.encoder.tree(kept(function(*args, **kwargs), keep))
                answer["involved"] = sorted(seen.involved)[:MAX_CALLEE_REPORTS]
            except PurityError as error:
                answer["error"] = {"type": "PurityError", "description": error.description}
            except BaseException as error:  # noqa: BLE001 - SystemExit and the like included
                answer["error"] = describe(error)
        if changed((given_args, given_kwargs), (args, kwargs)):
            answer["after"] = self.encoder.tree([list(args), kwargs])
        answer["callees"] = [
            [m.function, m.argument, m.where, m.kind, m.change, m.caller] for m in callees[:MAX_CALLEE_REPORTS]
        ]
        answer["warnings"] = [[type(w.message).__name__, str(w.message)[:MAX_MESSAGE_CHARACTERS]] for w in caught]
        flush_output()
        return answer

    @contextlib.contextmanager
    def answered_by_the_grader(self, names: frozenset[str]) -> Iterator[None]:
        """While the call runs, each student function of ``names`` is answered by the grader (the reference).

        The grader asks for this while it checks a case again with the reference standing in for
        the functions before the one it grades (:mod:`autograder.checking.inheritance`). The
        arguments go to the grader as plain data, and its answer comes back the same way: a value
        that is not plain data cannot cross, and the call raises TypeError in the student's code.
        Every name is put back when the call ends.
        """
        swapped = {name: self.namespace.get(name, _ABSENT) for name in sorted(names)}
        for name in swapped:
            self.namespace[name] = self.grader_call(name)
        try:
            yield
        finally:
            for name, original in swapped.items():
                if original is _ABSENT:
                    self.namespace.pop(name, None)
                else:
                    self.namespace[name] = original

    def grader_call(self, name: str):
        """A function that asks the grader to answer a call of ``name``, and returns or raises what it answers."""

        def ask(*args, **kwargs):
            encoder = Encoder(generation=self.encoder.generation)
            message = {"seq": self.seq, "stand_in": name, "args": encoder.tree(list(args)), "kwargs": encoder.tree(kwargs)}
            if encoder.objects:
                raise TypeError(f"{name} can only be given plain data here (numbers, arrays, tuples, lists, dicts)")
            self.send(message)
            reply = read_frame(self.requests, max_bytes=MAX_REQUEST_BYTES)
            if reply.get("seq") != self.seq or "error" in reply or "value" not in reply:
                raise TypeError(f"{name}: {str(reply.get('error', 'no answer'))[:MAX_MESSAGE_CHARACTERS]}")
            return value_of(reply["value"], resolve=self.resolve)

        ask.__name__ = ask.__qualname__ = name
        return ask

    def resolve(self, handle: Handle):
        """The object a handle stands for."""
        if handle.generation != self.encoder.generation or not 0 <= handle.id < len(self.encoder.objects):
            raise UnsafeValue("a value from an earlier run of your code")
        return self.encoder.objects[handle.id]


def kept(value, keep: int | None):
    """``value``, or, for a tuple and a ``keep``, the tuple with its items from ``keep`` on replaced by None."""
    if keep is None or not isinstance(value, tuple) or len(value) <= keep:
        return value
    return (*value[:keep], *[None] * (len(value) - keep))


def changed(before: tuple[tuple, dict], after: tuple[tuple, dict]) -> bool:
    """Whether a call changed its arguments as the grader compares them (arrays, dict keys, list lengths).

    An unchanged call sends no arguments back: the grader takes them as they were sent. Anything
    that cannot be compared counts as changed, and is sent.
    """
    (args, kwargs), (args_after, kwargs_after) = before, after
    pairs = [*zip(args, args_after), *((kwargs[key], kwargs_after.get(key)) for key in kwargs)]
    try:
        return any(first_change(value, value_after, "") is not None for value, value_after in pairs)
    except Exception:  # noqa: BLE001 - what cannot be compared here is compared by the grader
        return True


def readable_parameter_names(function) -> list[str] | None:
    """The names of a callable's parameters (:func:`~autograder.calls.purity.parameter_names`), or None without a signature."""
    try:
        return [str(name) for name in parameter_names(function)]
    except (TypeError, ValueError):
        return None


def describe(error: BaseException) -> dict:
    """``{"type": ..., "description": "ValueError: message (in f, line 7: a = x @ Wx)"}``."""
    kind = type(error).__name__
    if isinstance(error, OSError) and error.errno == errno.EFBIG:
        return {"type": kind, "description": "OSError: it wrote more output (or file data) than allowed"}
    try:
        text = describe_exception(error)
    except BaseException:  # noqa: BLE001 - a __str__ that fails
        text = kind
    if isinstance(error, SyntaxError) and error.lineno:
        text += f" (line {error.lineno}: {(error.text or '').strip()})"
    return {"type": kind, "description": text[:MAX_MESSAGE_CHARACTERS]}


def flush_output() -> None:
    """Flush what the student printed to the output files; errors (output limit) are dropped."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001, S110 - a full output file is no concern here
            pass


def prepare() -> None:
    """Import what every worker imports before it confines itself (numpy comes with this module).

    A zygote (:mod:`autograder.sandbox.zygote`) calls it once for all the workers it forks.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401 - imported before confinement, as the notebooks do


def serve_confined(requests: int, responses: int, settings: dict, *, scratch: str, unprivileged: bool) -> None:
    """Confine this process, say hello with its protections, and serve until the grader closes its end.

    Args:
        requests: the descriptor requests come from.
        responses: the descriptor answers go to.
        settings: the resource limits, readable paths (the files of the package's view among them),
            hidden directories and generation the grader chose.
        scratch: the one directory it may write in (its current directory), put first on ``sys.path``.
        unprivileged: whether it already runs as an unprivileged user of its own.
    """
    from autograder.sandbox.confinement import SYSTEM_READABLE, ResourceLimits, confine, python_paths

    protections = [UNPRIVILEGED_USER] if unprivileged else []
    protections += confine(
        readable=[*python_paths(), *map(Path, SYSTEM_READABLE), *map(Path, settings["readable"])],
        writable=[Path(scratch)],
        hidden=[*map(Path, settings.get("hidden", []))],
        limits=ResourceLimits(**settings["limits"]),
    )
    sys.path.insert(0, scratch)
    worker = Worker(responses, generation=settings["generation"], requests=requests)
    worker.send({"hello": {"protections": list(protections), "pid": os.getpid()}})
    worker.serve(requests)


def main(argv: list[str]) -> None:
    """Set up, become the unprivileged user, confine, say hello and serve (see the module docstring)."""
    requests, responses, settings = int(argv[0]), int(argv[1]), json.loads(argv[2])
    prepare()
    from autograder.sandbox.confinement import drop_privileges

    user = settings.get("user")
    unprivileged = bool(user) and drop_privileges(*user)
    serve_confined(requests, responses, settings, scratch=os.getcwd(), unprivileged=unprivileged)


if __name__ == "__main__":
    main(sys.argv[1:])
