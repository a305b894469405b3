"""Student code in a separate, confined process, called through proxies from the grader.

:class:`Sandbox` starts :mod:`autograder.sandbox.worker` in a scratch directory, runs the
notebook's setup cells and the student's answer cells in it, and hands out
:class:`StudentFunction` proxies. The checks call a proxy as they would call the student's
function; the arguments, the result and any error cross over in the safe format of
:mod:`autograder.wire`.

What goes wrong in the student process costs the function involved, never the grader:

* a call that does not return within ``Limits.seconds_per_call`` is stopped; every later call of
  that function fails at once with the same message (so a property check does not wait again
  for every example it tries);
* a call that ends the process (``os._exit``, a crash, a CPU limit) does the same, and a fresh
  process, with the same cells, serves the other functions;
* an answer cell that fails, hangs or ends the process leaves its functions undefined, and
  calling them fails with what happened to the cell.
"""

import functools
import inspect
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from autograder.calls.call_warnings import replay
from autograder.calls.check_run import StandIns, current_stand_ins, note_involved, record
from autograder.calls.errors import SandboxFailure
from autograder.calls.purity import are_call_copies
from autograder.sandbox.answers import (
    callee_modifications,
    decode_tree,
    remote_error,
    safe_defined,
    write_back,
)
from autograder.sandbox.bubblewrap import (
    SCRATCH_LANES,
    sandbox_pid,
)
from autograder.sandbox.confinement import ResourceLimits, python_paths, set_resource_limits
from autograder.sandbox.fork_server import Child, ForkServer, ZygoteFailed, fork_server, kill_group, pid_of
from autograder.sandbox.launchers import InScratchFolder, Launcher, Mounts, choose_launcher
from autograder.sandbox.protections import SCRATCH_LIMITS
from autograder.sandbox.sandbox_view import hidden_directories, view_files
from autograder.sandbox.scratch import (
    ScratchOverflow,
    check_scratch,
    check_tmpfs,
    make_scratch,
    open_scratch_of,
    remove_scratch,
)
from autograder.student_api import student_function_names
from autograder.text_safety import clipped
from autograder.wire import MAX_CALLEE_REPORTS, Encoder, Handle, UnsafeValue, read_frame, write_frame

WORKER_MODULE = "autograder.sandbox.worker"
ZYGOTE_MODULE = "autograder.sandbox.zygote"
ZYGOTES = "AUTOGRADER_ZYGOTE"
"""Environment variable: ``0`` starts every student process afresh instead of forking it from a zygote."""
UNPRIVILEGED_IDS = 1_500_000_000
"""When the grader is root, each student process runs as a user of its own, from ``UNPRIVILEGED_IDS`` on
(see :func:`unprivileged_user`)."""
_processes_started = itertools.count()
WARNING_CATEGORIES = {
    category.__name__: category
    for category in (RuntimeWarning, UserWarning, DeprecationWarning, FutureWarning, SyntaxWarning)
}


@dataclass(frozen=True)
class Limits:
    """How long student code may take, and what its process may use.

    Attributes:
        seconds_per_call: wall time for one call of a student function.
        seconds_per_function: wall time for all the calls of one function together.
        seconds_per_cell: wall time for running one cell.
        seconds_to_start: wall time for the process to start and confine itself.
        seconds_per_submission: wall time for everything the submission's code does, restarts,
            cells, calls and the decoding of its answers included.
        max_message_bytes: the largest answer accepted from the process.
        max_warnings: the most warnings of one call passed on to the checks (the rest are counted).
        scratch_bytes: the size of the scratch directory (a tmpfs of its own under bubblewrap;
            else checked by the grader after each cell and call, with ``scratch_files``).
        scratch_files: the most files and directories the scratch directory may hold.
        process: the resource limits of the process (CPU, memory, file size, open files), set by
            the grader before the process starts.

    Every limit is enforced by the grader or by the kernel on the grader's request, never by
    code in the student's process.
    """

    seconds_per_call: float = 10.0
    seconds_per_function: float = 60.0
    seconds_per_cell: float = 10.0
    seconds_to_start: float = 60.0
    seconds_per_submission: float = 300.0
    max_message_bytes: int = 16 * 2**20
    max_warnings: int = 20
    scratch_bytes: int = 64 * 2**20
    scratch_files: int = 1000
    process: ResourceLimits = field(default_factory=ResourceLimits)


@dataclass(frozen=True)
class Cell:
    """A code cell to run in the sandbox: its grade id and its source."""

    grade_id: str
    source: str


class ProcessEnded(Exception):
    """The student process ended or broke the protocol; ``description`` says how."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class Sandbox:
    """A confined process running one submission's cells; restarted when it dies.

    Args:
        cells: the setup cells then the answer cells, in notebook order.
        absent: answer cells the submission lacks, by grade id, with why (e.g. "is missing from
            your notebook"); calling a function of one of them says so.
        support_files: files the cells may import (the assignment's modules), put read-only in
            the scratch directory.
        limits: time and resource limits.
        deadline: when (``time.monotonic()``) the submission's time is up; by default
            ``limits.seconds_per_submission`` after the first start. Sandboxes grading one
            submission side by side share it.
        zygote_owner: whose warm zygote to fork from (by default this thread's): sandboxes grading
            one submission side by side, in threads of their own, share one.
        lane: which of the zygote's lanes this sandbox is (``0 <= lane < SCRATCH_LANES``): under
            bubblewrap its scratch directory is in a tmpfs of that lane's own, which sandboxes
            side by side must not share.
    """

    def __init__(
        self,
        cells: Sequence[Cell],
        *,
        absent: Mapping[str, str] | None = None,
        support_files: Sequence[Path] = (),
        limits: Limits = Limits(),
        deadline: float | None = None,
        zygote_owner: int | None = None,
        lane: int = 0,
    ):
        if not 0 <= lane < SCRATCH_LANES:
            raise ValueError(f"lane must be between 0 and {SCRATCH_LANES - 1}, got {lane}")
        self.cells = list(cells)
        self.support_files = list(support_files)
        self.limits = limits
        self.cell_errors: dict[str, str] = dict(absent or {})
        self.defined: dict[str, list[str] | None] = {}
        self.broken: dict[str, str] = {}
        self.seconds_used: dict[str, float] = {}
        self.protections: tuple[str, ...] = ()
        self.generation = 0
        self._process: subprocess.Popen | None = None
        self._server: ForkServer | None = None
        self._child: Child | None = None
        self._requests: int | None = None
        self._responses: int | None = None
        self._output: tempfile.TemporaryFile | None = None
        self._scratch: Path | None = None
        self._scratch_tmpfs: int | None = None
        self._sandbox_pid: int | None = None
        self._launcher: Launcher = InScratchFolder()
        self.lane = lane
        self._user: tuple[int, int] | None = None
        self._seq = 0
        self._deadline = deadline
        self._zygote_owner = threading.get_ident() if zygote_owner is None else zygote_owner

    def __enter__(self) -> "Sandbox":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def start(self) -> None:
        """Start the process and run every cell that has not hung or ended the process before.

        A cell that hangs or ends the process is recorded and the process started again without
        it, so that the new process holds what the cells before it defined.
        """
        if self._deadline is None:
            self._deadline = time.monotonic() + self.limits.seconds_per_submission
        self.generation += 1
        self._spawn()
        for cell in self.cells:
            if self.cell_errors.get(cell.grade_id, "").startswith(("did not finish", "ended the process")):
                continue
            try:
                answer = self._request(
                    {"op": "exec", "cell": cell.grade_id, "source": cell.source}, self.limits.seconds_per_cell
                )
            except TimeoutError:
                if self._time_left() <= 0:
                    self.cell_errors[cell.grade_id] = self._out_of_time()
                    return self._kill()
                self.cell_errors[cell.grade_id] = (
                    f"did not finish within {self.limits.seconds_per_cell:g} s (an infinite loop at the top level?)"
                )
                return self.start()
            except ProcessEnded as ended:
                self.cell_errors[cell.grade_id] = f"ended the process running your code ({ended.description})"
                if self._time_left() <= 0:
                    return self._kill()
                return self.start()
            if "error" in answer:
                self.cell_errors[cell.grade_id] = f"raised {clipped(answer['error'].get('description'))}"
            self.defined.update(safe_defined(answer.get("defined")))

    def function(self, name: str, *, cell: str | None = None) -> "StudentFunction":
        """The proxy of the student function ``name`` (defined or not: calling it tells)."""
        return StudentFunction(self, name, cell)

    def call(self, name: str, args: tuple, kwargs: dict, *, cell: str | None = None):
        """Call ``name(*args, **kwargs)`` in the process; raise what the call raised.

        In-place changes the student code made to its copies of the arguments are written back
        into ``args`` and ``kwargs`` only when these are the copies the call in progress owns
        (:func:`autograder.calls.purity.call_on_copies` made them); otherwise they are dropped, so that
        the grader's own objects never change.

        Raises:
            SandboxFailure: the function is not defined, hung, ended the process, or the
                submission used up its time.
            StudentCodeError: the function raised an error (``NotImplementedError`` as itself,
                ``SystemExit`` as itself, so that the checks treat them as they usually do).
        """
        return self.call_each(name, [(args, kwargs)], cell=cell)[0](*args, **kwargs)

    def call_each(
        self, name: str, calls: Sequence[tuple[tuple, dict]], *, cell: str | None = None, keep: int | None = None
    ) -> list["AnsweredCall"]:
        """Make every call of ``name`` in one request; return each call's answer, to be taken in order.

        The process answers each call as it returns, and stops at the first that raises: the
        same calls, in the same order, as a loop of :meth:`call` that stops at the first error.
        Each answer arrives within ``Limits.seconds_per_call`` of the one before, or the process is
        stopped; the time of every call counts towards ``Limits.seconds_per_function``. Taking an
        answer (calling the :class:`AnsweredCall` with the call's arguments) is what :meth:`call`
        does once its answer has arrived: it returns the value or raises, writes in-place changes
        back, replays warnings and logs the changes callees made. The answers after the first
        failure raise that failure's :class:`SandboxFailure`, or say that the calls before failed.
        With ``keep``, a tuple a call returns arrives with its items from ``keep`` on as None.
        """
        skipped = SandboxFailure(f"{name} was not called: an earlier call failed")
        answered = [AnsweredCall(self, name, failure=skipped) for _ in calls]
        stand_ins = current_stand_ins()
        try:
            request = {**self._call_request(name, calls, cell), "keep": keep}
        except (SandboxFailure, TypeError, RuntimeError) as failure:  # RuntimeError: the process did not start
            for answer in answered:
                answer.failure = failure
            return answered
        if stand_ins is not None:
            request["stand_ins"] = sorted(stand_ins.inside - {name})
        started, waiting = time.monotonic(), 0
        try:
            self._send(request)
            for waiting in range(len(calls)):
                answer = self._answer_with_stand_ins(stand_ins, started)
                if answer.get("index") != waiting:
                    raise ProcessEnded("it wrote something else than an answer to the grader's channel")
                answered[waiting] = self._decoded(name, answer)
                self.seconds_used[name] = self.seconds_used.get(name, 0.0) + time.monotonic() - started
                started = time.monotonic()
                if "error" in answer:
                    break
                if self.seconds_used[name] > self.limits.seconds_per_function:
                    self._stop_function(name, answered[waiting + 1 :])
                    break
        except TimeoutError:
            self._kill()
            message = self._out_of_time() if self._time_left() <= 0 else (
                f"did not return within {self.limits.seconds_per_call:g} s (an infinite loop?), so it was "
                "stopped; every check of it fails"
            )
            self._fail_from(answered, waiting, name, message)
        except ProcessEnded as ended:
            self._kill()
            self._fail_from(answered, waiting, name, f"ended the process running your code ({ended.description})")
        except (UnsafeValue, TypeError, ValueError, RecursionError) as error:
            self._kill()
            message = f"sent back something that is not plain data ({clipped(str(error), 200)})"
            self._fail_from(answered, waiting, name, message)
        return answered

    def _answer_with_stand_ins(self, stand_ins: StandIns | None, started: float) -> dict:
        """The next answer to the call in progress, answering meanwhile the calls the student code makes of stand-ins.

        While a case is checked again with the reference standing in for functions the student's
        code calls (:mod:`autograder.checking.inheritance`), the student process asks the grader
        for each such call (``{"stand_in": name, "args": ..., "kwargs": ...}``): the grader decodes
        the arguments (plain data only), checks that they are small (:func:`stand_in_arguments_fit`),
        computes the reference's answer and sends it back. The call's time runs on meanwhile, and
        a call makes at most ``MAX_STAND_IN_CALLS`` of them.
        """
        asked = 0
        while True:
            seconds = self.limits.seconds_per_call - (time.monotonic() - started)
            answer = self._receive(max(seconds, 0.0))
            if "stand_in" not in answer:
                return answer
            asked += 1
            name = answer.get("stand_in")
            if stand_ins is None or name not in stand_ins.inside or asked > MAX_STAND_IN_CALLS:
                raise ProcessEnded("it asked the grader for a call it may not make")
            self._send_reply(stand_in_reply(stand_ins, name, answer, self.generation))

    def _send_reply(self, reply: dict) -> None:
        """Answer the student process within the request in progress (a stand-in's value or error)."""
        try:
            write_frame(self._requests, {"seq": self._seq, **reply})
        except BrokenPipeError:
            raise ProcessEnded(self._how_it_ended()) from None

    def _stop_function(self, name: str, pending: list["AnsweredCall"]) -> None:
        """``name`` took more than its time over all its calls: its later calls, and checks, fail."""
        self.broken[name] = (
            f"took more than {self.limits.seconds_per_function:g} s over all its calls (is it very slow?), "
            "so the checks of it stopped"
        )
        if pending:  # the process is still making them: stop it rather than wait
            self._kill()
            for answer in pending:
                answer.failure = SandboxFailure(self.broken[name])

    def _call_request(self, name: str, calls: Sequence[tuple[tuple, dict]], cell: str | None) -> dict:
        """The request making ``calls``, once the function can be called (the process started if need be)."""
        if name in self.broken:
            raise SandboxFailure(self.broken[name])
        if name not in self.defined:
            raise SandboxFailure(self._undefined(name, cell))
        if self._time_left() <= 0:
            raise SandboxFailure(self._out_of_time())
        if not self._alive():
            self.start()
        encoder = Encoder(generation=self.generation)
        request = {
            "op": "call",
            "name": name,
            "calls": [{"args": encoder.tree(list(args)), "kwargs": encoder.tree(kwargs)} for args, kwargs in calls],
            "monitor": sorted(student_function_names()),
        }
        if encoder.objects:  # a handle made here would name an object of the student process
            kinds = ", ".join(sorted({type(o).__name__ for o in encoder.objects}))
            raise TypeError(f"{name} can only be passed plain data and values it returned, not {kinds}")
        return request

    def _decoded(self, name: str, answer: dict) -> "AnsweredCall":
        """One call's answer, its value and arguments decoded (``UnsafeValue`` when they are not plain data)."""
        value = decode_tree(answer.get("value"), self.generation)
        after = answer.get("after")
        after_args, after_kwargs = decode_tree(after, self.generation) if after is not None else (None, None)
        return AnsweredCall(self, name, answer=answer, value=value, after=(after_args, after_kwargs))

    def _fail_from(self, answered: list["AnsweredCall"], index: int, name: str, message: str) -> None:
        """The call at ``index`` and every later one fail with ``message``, which breaks ``name``."""
        self.broken[name] = message
        for answer in answered[index:]:
            answer.failure = SandboxFailure(message)

    def take_answer(self, answer: "AnsweredCall", args: tuple, kwargs: dict):
        """What :meth:`call` returns or raises for one answered call (see :meth:`call_each`)."""
        if answer.failure is not None:
            raise answer.failure
        after_args, after_kwargs = answer.after
        if after_args is not None and are_call_copies(args, kwargs):  # never the grader's own objects
            write_back(args, after_args)
            write_back(kwargs, after_kwargs)
        for modification in callee_modifications(answer.answer.get("callees"), caller=answer.name):
            record(modification)
        involved = answer.answer.get("involved")
        note_involved(involved[:MAX_CALLEE_REPORTS] if isinstance(involved, list) else ())
        caught = answer.answer.get("warnings")
        caught = caught if isinstance(caught, list) else []
        for category, message in (w for w in caught[: self.limits.max_warnings] if isinstance(w, list) and len(w) == 2):
            replay(WARNING_CATEGORIES.get(str(category), UserWarning), clipped(message))
        if len(caught) > self.limits.max_warnings:
            replay(UserWarning, f"... and {len(caught) - self.limits.max_warnings} more warnings")
        if "error" in answer.answer:
            raise remote_error(answer.answer["error"])
        return answer.value

    def close(self) -> None:
        """Stop the process and remove its scratch directory and output."""
        self._kill()
        if self._scratch is not None:
            remove_scratch(self._scratch)
            self._scratch = None
        if self._output is not None:
            self._output.close()
            self._output = None

    def _undefined(self, name: str, cell: str | None) -> str:
        if cell is not None and cell in self.cell_errors:
            return f"is not defined: its answer cell `{cell}` {self.cell_errors[cell]}"
        if cell is not None and cell not in {c.grade_id for c in self.cells}:
            return f"is not defined: your notebook has no answer cell `{cell}` (was it deleted?)"
        return f"is not defined: no answer cell of your notebook defines a function `{name}`"

    def _time_left(self) -> float:
        return float("inf") if self._deadline is None else self._deadline - time.monotonic()

    def _out_of_time(self) -> str:
        return (
            f"could not run: your submission used up the {self.limits.seconds_per_submission:g} s its code "
            "may take in all (is some function very slow, or are there loops at the top level?)"
        )

    def _alive(self) -> bool:
        if self._child is not None:
            return not self._child.ended()
        return self._process is not None and self._process.poll() is None

    def _spawn(self) -> None:
        """Start the worker: forked from a warm zygote where the system allows, else started afresh.

        Either way under bubblewrap where it works, else confined by itself in a scratch directory
        that the grader makes here and checks.
        """
        self._kill()
        if self._output is None:  # the student's stdout and stderr: a file no path leads to
            self._output = tempfile.TemporaryFile()
        requests_read, self._requests = os.pipe()
        self._responses, responses_write = os.pipe()
        launcher = self._launcher = choose_launcher()
        if launcher.grader_makes_scratch:  # a fresh scratch directory for each process, as bubblewrap's tmpfs is
            if self._scratch is not None:
                remove_scratch(self._scratch)
            self._user = unprivileged_user() if can_drop_privileges() else None
            self._scratch = make_scratch(self.support_files, owner=self._user)
        else:
            self._user = unprivileged_user() if os.geteuid() == 0 else None
        settings = {
            "limits": asdict(self.limits.process),
            "readable": [str(path) for path in view_files()],
            "hidden": [str(path) for path in hidden_directories()],
            "generation": self.generation,
            "user": self._user,
        }
        try:
            if zygotes_available():
                self._fork(launcher, settings, requests_read, responses_write)
            else:
                self._start_worker(launcher, settings, requests_read, responses_write)
        except ZygoteFailed as error:
            self._kill()
            raise RuntimeError(f"the sandbox process did not start: {error}") from None
        finally:
            os.close(requests_read)
            os.close(responses_write)
        try:
            hello = read_frame(
                self._responses,
                max_bytes=self.limits.max_message_bytes,
                deadline=time.monotonic() + self.limits.seconds_to_start,
            )["hello"]
        except (TimeoutError, EOFError, UnsafeValue, KeyError) as error:
            log = self._output_tail()
            self._kill()
            raise RuntimeError(f"the sandbox process did not start ({type(error).__name__}):\n{log}") from None
        if not launcher.grader_makes_scratch:  # the launcher's scratch tmpfs is in place once the process has said hello
            if self._child is not None:
                self._watch_scratch(pid_of(self._child.pidfd), launcher.scratch(None, lane=self.lane))
            else:
                self._watch_scratch(self._sandbox_pid, launcher.scratch(None, lane=None))
        outside = list(launcher.protections)
        if self._scratch is not None or self._scratch_tmpfs is not None:
            outside.append(SCRATCH_LIMITS)
        self.protections = (*outside, *map(str, hello["protections"]))

    def prepare(self) -> None:
        """Have the zygote of this sandbox start now, without waiting for it, where there are zygotes.

        The grader's own imports then overlap the zygote's, and starting the sandbox waits less.
        """
        if zygotes_available():
            self._fork_server(choose_launcher()).launch()

    def _mounts(self) -> Mounts:
        return Mounts(tuple(map(Path, self.support_files)), self.limits.scratch_bytes)

    def _fork_server(self, launcher: Launcher) -> ForkServer:
        """The owner's zygote for sandboxes like this one (same launcher, support files and limits)."""
        return fork_server(
            (launcher.key, tuple(map(str, self.support_files)), self.limits.process, self.limits.scratch_bytes),
            functools.partial(self._zygote, launcher),
            owner=self._zygote_owner,
        )

    def _fork(self, launcher: Launcher, settings: dict, requests_read: int, responses_write: int) -> None:
        """Fork the worker from the owner's zygote for sandboxes like this one (started if need be)."""
        scratch = launcher.scratch(self._scratch, lane=self.lane)
        server = self._fork_server(launcher)
        own = str(self._scratch) if launcher.grader_makes_scratch else None
        settings = {**settings, "env": launcher.environment(scratch), "scratch": own, "scratch_root": str(scratch)}
        self._server = server
        self._child = server.fork(settings, (requests_read, responses_write, self._output.fileno()))

    def _zygote(self, launcher: Launcher) -> ForkServer:
        """A zygote for sandboxes like this one, started by ``launcher``, with this sandbox's limits."""
        command, env, settings = launcher.zygote(python_module(ZYGOTE_MODULE), self._mounts())
        return ForkServer(
            command,
            env=env,
            settings=settings,
            preexec=functools.partial(set_resource_limits, self.limits.process),
            seconds_to_start=self.limits.seconds_to_start,
        )

    def _start_worker(self, launcher: Launcher, settings: dict, requests_read: int, responses_write: int) -> None:
        """Start the worker as a new interpreter (where there are no zygotes: no pidfds)."""
        worker = python_module(WORKER_MODULE)
        worker += [str(requests_read), str(responses_write)]
        worker.append(json_text(settings))
        env = launcher.environment(launcher.scratch(self._scratch, lane=None))
        info_read, info_write = os.pipe() if launcher.reports_pid else (None, None)
        command = launcher.worker(worker, env, self._mounts(), info_fd=info_write)
        try:
            self._process = subprocess.Popen(
                command,
                cwd=self._scratch,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self._output,
                stderr=self._output,
                pass_fds=(requests_read, responses_write, *([info_write] if info_write is not None else [])),
                start_new_session=True,
                preexec_fn=functools.partial(set_resource_limits, self.limits.process),  # noqa: PLW1509
            )
        finally:
            if info_write is not None:
                os.close(info_write)
        if info_read is not None:
            self._sandbox_pid = sandbox_pid(info_read, deadline=time.monotonic() + self.limits.seconds_to_start)

    def _output_tail(self, size: int = 2000) -> str:
        """The last ``size`` bytes the process wrote to its stdout and stderr, read from the grader's own descriptor."""
        end = os.fstat(self._output.fileno()).st_size
        return os.pread(self._output.fileno(), size, max(0, end - size)).decode("utf-8", "replace")

    def _request(self, message: dict, seconds: float) -> dict:
        self._send(message)
        return self._receive(seconds)

    def _send(self, message: dict) -> None:
        self._seq += 1
        try:
            write_frame(self._requests, {"seq": self._seq, **message})
        except BrokenPipeError:
            raise ProcessEnded(self._how_it_ended()) from None

    def _receive(self, seconds: float) -> dict:
        """The next answer to the last request, within ``seconds`` (and the time the submission has left)."""
        seconds = min(seconds, self._time_left())
        try:
            answer = read_frame(
                self._responses,
                max_bytes=self.limits.max_message_bytes,
                deadline=time.monotonic() + max(seconds, 0.0),
                on_wait=self._check_scratch,
            )
            self._check_scratch()
        except EOFError:
            raise ProcessEnded(self._how_it_ended()) from None
        except UnsafeValue as error:
            raise ProcessEnded(f"it wrote something else than an answer to the grader's channel: {error}") from None
        except ScratchOverflow as overflow:
            self._kill()
            raise ProcessEnded(str(overflow)) from None
        if answer.get("seq") != self._seq:
            raise ProcessEnded("it wrote something else than an answer to the grader's channel")
        return answer

    def _watch_scratch(self, pid: int | None, scratch: Path) -> None:
        """Hold a descriptor of the scratch tmpfs of the sandboxed process ``pid`` (where this grader may look into it)."""
        self._scratch_tmpfs = None if pid is None else open_scratch_of(pid, scratch)
        if self._scratch_tmpfs is not None and not self._alive():  # the pid may have been another's by now
            self._close_scratch_tmpfs()

    def _close_scratch_tmpfs(self) -> None:
        if self._scratch_tmpfs is not None:
            os.close(self._scratch_tmpfs)
            self._scratch_tmpfs = None

    def _check_scratch(self) -> None:
        """Raise ScratchOverflow when the scratch directory holds more files (or, on disk, bytes) than allowed."""
        bounds = {"max_files": self.limits.scratch_files, "max_bytes": self.limits.scratch_bytes}
        if self._scratch is not None:
            check_scratch(self._scratch, **bounds)
        elif self._scratch_tmpfs is not None:
            check_tmpfs(self._scratch_tmpfs, **bounds)

    def _how_it_ended(self) -> str:
        if self._child is not None:
            code, killed = self._end_child(grace=5)
            if killed or code is None:
                return "it closed the grader's channel"
        else:
            try:
                code = self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                return "it closed the grader's channel"
            code = self._launcher.exit_status(code)
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            reason = {"SIGXCPU": "its CPU time limit was exceeded", "SIGKILL": "it was killed"}.get(name, "")
            return f"killed by {name}{': ' + reason if reason else ''}"
        return f"it exited with code {code}, e.g. by os._exit({code})"

    def _end_child(self, *, grace: float) -> tuple[int | None, bool]:
        """Stop the forked worker (after ``grace`` s for it to end by itself), reaped and its scratch removed."""
        child, self._child = self._child, None
        return self._server.end(child, grace=grace)

    def _kill(self) -> None:
        self._close_scratch_tmpfs()
        if self._child is not None:
            self._end_child(grace=0)
        if self._process is not None:
            kill_group(self._process)
            self._process = None
        for fd in (self._requests, self._responses):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._requests = self._responses = None


class StudentFunction:
    """Stands for a student function in the grader; calling it calls the function in the sandbox."""

    def __init__(self, sandbox: Sandbox, name: str, cell: str | None) -> None:
        self.sandbox, self.__name__, self.cell = sandbox, name, cell
        self.__qualname__ = name

    @property
    def __signature__(self) -> inspect.Signature:
        parameters = self.sandbox.defined.get(self.__name__) or []
        return inspect.Signature(
            [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in parameters]
        )

    def __call__(self, *args, **kwargs):
        """Call the student's function in the sandbox."""
        return self.sandbox.call(self.__name__, args, kwargs, cell=self.cell)

    def __call_each__(self, calls: Sequence[tuple[tuple, dict]], *, keep: int | None = None) -> list["AnsweredCall"]:
        """Make the calls in the sandbox in one round trip (see :meth:`Sandbox.call_each`)."""
        return self.sandbox.call_each(self.__name__, calls, cell=self.cell, keep=keep)

    def __repr__(self) -> str:
        return f"<your function {self.__name__}>"


class AnsweredCall:
    """A call of a student function that the sandbox has answered: calling it takes the answer.

    It stands for the student's function in :func:`autograder.checking.case.call`, which calls it
    on its copies of the call's arguments: it then returns the value the call returned, or raises
    what it raised, as the proxy would have.
    """

    def __init__(
        self,
        sandbox: Sandbox,
        name: str,
        *,
        answer: dict | None = None,
        value=None,
        after: tuple = (None, None),
        failure: Exception | None = None,
    ) -> None:
        self.sandbox, self.name, self.__name__ = sandbox, name, name
        self.answer, self.value, self.after, self.failure = answer or {}, value, after, failure

    @property
    def __signature__(self) -> inspect.Signature:
        return StudentFunction(self.sandbox, self.name, None).__signature__

    def __call__(self, *args, **kwargs):
        """Take the answer, for the call's own copies of the arguments."""
        return self.sandbox.take_answer(self, args, kwargs)


MAX_STAND_IN_CALLS = 10_000
"""The most calls of stand-ins one call of a student function may make."""
MAX_STAND_IN_SIDE = 128
"""The longest axis an array given to a stand-in may have (and at most 3 axes): the reference's answer stays small."""


def stand_in_arguments_fit(value, depth: int = 0) -> bool:
    """Whether the arguments of a stand-in's call are plain data the reference can answer cheaply.

    Arrays of at most 3 axes of at most ``MAX_STAND_IN_SIDE`` entries each, numbers, strings, and
    tuples, lists and dicts of them, nested at most 4 deep: whatever the student's code asks, the
    grader computes nothing larger than a few matrix products of such arrays.
    """
    if isinstance(value, Handle) or depth > 4:
        return False
    if isinstance(value, np.ndarray):
        return value.ndim <= 3 and all(side <= MAX_STAND_IN_SIDE for side in value.shape)
    if isinstance(value, (tuple, list)):
        return len(value) <= 10_000 and all(stand_in_arguments_fit(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return len(value) <= 100 and all(stand_in_arguments_fit(item, depth + 1) for item in value.values())
    return value is None or isinstance(value, (bool, int, float, str, np.generic))


def stand_in_reply(stand_ins: StandIns, name: str, request: dict, generation: int) -> dict:
    """The reference's answer to a call the student's code made of the stand-in ``name``: ``{"value": ...}`` or ``{"error": ...}``."""
    try:
        args, kwargs = decode_tree(request.get("args"), generation), decode_tree(request.get("kwargs"), generation)
    except (UnsafeValue, TypeError, ValueError, RecursionError):
        return {"error": "its arguments are not plain data"}
    if not (isinstance(args, list) and isinstance(kwargs, dict) and stand_in_arguments_fit((args, kwargs))):
        return {"error": f"arguments too large or not plain data (arrays of at most 3 axes of {MAX_STAND_IN_SIDE})"}
    stand_ins.used.add(name)
    try:
        with np.errstate(all="ignore"):  # numpy's error state is the lane's own; the warnings module is not
            value = stand_ins.functions[name](*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - the reference refusing student input is the student's error
        return {"error": f"{type(error).__name__}: {clipped(str(error), 300)}"}
    encoder = Encoder(generation=generation)
    tree = encoder.tree(value)
    return {"error": "the reference returned something that is not plain data"} if encoder.objects else {"value": tree}


def json_text(value) -> str:
    """Compact JSON text."""
    return json.dumps(value, separators=(",", ":"))


def unprivileged_user() -> tuple[int, int]:
    """A user and group id of their own for the next student process of this grader process, in no user database.

    ``UNPRIVILEGED_IDS + (pid % 2**22) * 512 + n % 512`` for the ``n``-th process this grader
    process starts: grader processes running side by side (a batch's jobs) never share one,
    and a grader process takes 512 processes (two submissions' restarts included, several
    hundred submissions) to use one again, long after the process and its files are gone.
    """
    uid = UNPRIVILEGED_IDS + (os.getpid() % 2**22) * 512 + next(_processes_started) % 512
    return uid, uid


def python_module(module: str) -> list[str]:
    """The command running ``module`` with this Python, isolated from the environment (``-I``)."""
    return [os.path.normpath(os.path.abspath(sys.executable)), "-I", "-m", module]


def zygotes_available() -> bool:
    """Whether student processes are forked from a zygote: pidfds exist here, and ``AUTOGRADER_ZYGOTE`` is not ``0``."""
    return os.environ.get(ZYGOTES) != "0" and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")


def can_drop_privileges() -> bool:
    """Whether the grader is root and an unprivileged user can still read the Python installation."""
    if os.geteuid() != 0:
        return False
    for path in python_paths():
        for directory in (path, *path.parents):
            if os.stat(directory).st_mode & 0o005 != 0o005:
                return False
    return True


