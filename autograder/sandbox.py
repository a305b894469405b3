"""Student code in a separate, confined process, called through proxies from the grader.

:class:`Sandbox` starts :mod:`autograder.sandbox_worker` in a scratch directory, runs the
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

import inspect
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import matplotlib

from autograder.case import SandboxFailure
from autograder.confinement import Limits as ProcessLimits
from autograder.sandbox_answers import decode_tree, remote_error, write_back
from autograder.wire import Encoder, UnsafeValue, read_frame, write_frame

WORKER_MODULE = "autograder.sandbox_worker"
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
        max_message_bytes: the largest answer accepted from the process.
        process: the resource limits of the process (CPU, memory, file size, open files).
    """

    seconds_per_call: float = 10.0
    seconds_per_function: float = 60.0
    seconds_per_cell: float = 10.0
    seconds_to_start: float = 60.0
    max_message_bytes: int = 64 * 2**20
    process: ProcessLimits = field(default_factory=ProcessLimits)


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
        support_files: files copied into the scratch directory (the assignment's modules).
        limits: time and resource limits.
    """

    def __init__(
        self,
        cells: Sequence[Cell],
        *,
        absent: Mapping[str, str] | None = None,
        support_files: Sequence[Path] = (),
        limits: Limits = Limits(),
    ):
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
        self._scratch: Path | None = None
        self._seq = 0

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
                self.cell_errors[cell.grade_id] = (
                    f"did not finish within {self.limits.seconds_per_cell:g} s (an infinite loop at the top level?)"
                )
                return self.start()
            except ProcessEnded as ended:
                self.cell_errors[cell.grade_id] = f"ended the process running your code ({ended.description})"
                return self.start()
            if "error" in answer:
                self.cell_errors[cell.grade_id] = f"raised {answer['error']['description']}"
            for name, parameters in answer.get("defined", {}).items():
                self.defined[str(name)] = parameters

    def function(self, name: str, *, cell: str | None = None) -> "StudentFunction":
        """The proxy of the student function ``name`` (defined or not: calling it tells)."""
        return StudentFunction(self, name, cell)

    def call(self, name: str, args: tuple, kwargs: dict, *, cell: str | None = None):
        """Call ``name(*args, **kwargs)`` in the process; raise what the call raised.

        Raises:
            SandboxFailure: the function is not defined, hung, or ended the process.
            StudentCodeError: the function raised an error (``NotImplementedError`` as itself,
                ``SystemExit`` as itself, so that the checks treat them as they usually do).
        """
        if name in self.broken:
            raise SandboxFailure(self.broken[name])
        if name not in self.defined:
            raise SandboxFailure(self._undefined(name, cell))
        if not self._alive():
            self.start()
        encoder = Encoder(generation=self.generation)
        request = {"op": "call", "name": name, "args": encoder.tree(list(args)), "kwargs": encoder.tree(kwargs)}
        if encoder.objects:  # a handle made here would name an object of the student process
            kinds = ", ".join(sorted({type(o).__name__ for o in encoder.objects}))
            raise TypeError(f"{name} can only be passed plain data and values it returned, not {kinds}")
        started = time.monotonic()
        try:
            answer = self._request(request, self.limits.seconds_per_call)
        except TimeoutError:
            self._kill()
            return self._break(
                name,
                f"did not return within {self.limits.seconds_per_call:g} s (an infinite loop?), so it was "
                "stopped; every check of it fails",
            )
        except ProcessEnded as ended:
            self._kill()
            return self._break(name, f"ended the process running your code ({ended.description})")
        try:
            value = decode_tree(answer.get("value"), self.generation)
            after = answer.get("after", [request["args"], request["kwargs"]])  # none: unchanged
            after_args, after_kwargs = decode_tree(after, self.generation)
        except (UnsafeValue, TypeError, ValueError) as error:
            self._kill()
            return self._break(name, f"sent back something that is not plain data ({error})")
        write_back(args, after_args)
        write_back(kwargs, after_kwargs)
        self.seconds_used[name] = self.seconds_used.get(name, 0.0) + time.monotonic() - started
        if self.seconds_used[name] > self.limits.seconds_per_function:
            self.broken[name] = (
                f"took more than {self.limits.seconds_per_function:g} s over all its calls (is it very slow?), "
                "so the checks of it stopped"
            )
        for category, message in answer.get("warnings", []):
            warnings.warn(str(message), WARNING_CATEGORIES.get(str(category), UserWarning), stacklevel=2)
        if "error" in answer:
            raise remote_error(answer["error"])
        return value

    def close(self) -> None:
        """Stop the process and remove its scratch directory."""
        self._kill()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def _break(self, name: str, message: str):
        self.broken[name] = message
        raise SandboxFailure(message)

    def _undefined(self, name: str, cell: str | None) -> str:
        if cell is not None and cell in self.cell_errors:
            return f"is not defined: its answer cell `{cell}` {self.cell_errors[cell]}"
        if cell is not None and cell not in {c.grade_id for c in self.cells}:
            return f"is not defined: your notebook has no answer cell `{cell}` (was it deleted?)"
        return f"is not defined: no answer cell of your notebook defines a function `{name}`"

    def _alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _spawn(self) -> None:
        self._kill()
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="autograder-sandbox-"))
            for path in self.support_files:
                shutil.copy2(path, self._scratch / Path(path).name)
        requests_read, self._requests = os.pipe()
        self._responses, responses_write = os.pipe()
        settings = {"limits": asdict(self.limits.process), "readable": [], "generation": self.generation}
        command = [sys.executable, "-I", "-m", WORKER_MODULE, str(requests_read), str(responses_write)]
        with open(self._scratch / "stdout.txt", "wb") as out, open(self._scratch / "stderr.txt", "wb") as err:
            self._process = subprocess.Popen(
                [*command, json_text(settings)],
                cwd=self._scratch,
                env=worker_environment(self._scratch),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                pass_fds=(requests_read, responses_write),
                start_new_session=True,
            )
        os.close(requests_read)
        os.close(responses_write)
        try:
            hello = read_frame(
                self._responses,
                max_bytes=self.limits.max_message_bytes,
                deadline=time.monotonic() + self.limits.seconds_to_start,
            )["hello"]
        except (TimeoutError, EOFError, UnsafeValue, KeyError) as error:
            log = (self._scratch / "stderr.txt").read_text(errors="replace")[-2000:]
            self._kill()
            raise RuntimeError(f"the sandbox process did not start ({type(error).__name__}):\n{log}") from None
        self.protections = tuple(hello["protections"])

    def _request(self, message: dict, seconds: float) -> dict:
        self._seq += 1
        try:
            write_frame(self._requests, {"seq": self._seq, **message})
            answer = read_frame(
                self._responses,
                max_bytes=self.limits.max_message_bytes,
                deadline=time.monotonic() + seconds,
            )
        except (BrokenPipeError, EOFError):
            raise ProcessEnded(self._how_it_ended()) from None
        except UnsafeValue as error:
            raise ProcessEnded(f"it wrote something else than an answer to the grader's channel: {error}") from None
        if answer.get("seq") != self._seq:
            raise ProcessEnded("it wrote something else than an answer to the grader's channel")
        return answer

    def _how_it_ended(self) -> str:
        try:
            code = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "it closed the grader's channel"
        if code < 0:
            name = signal.Signals(-code).name
            reason = {"SIGXCPU": "its CPU time limit was exceeded", "SIGKILL": "it was killed"}.get(name, "")
            return f"killed by {name}{': ' + reason if reason else ''}"
        return f"it exited with code {code}, e.g. by os._exit({code})"

    def _kill(self) -> None:
        if self._process is not None:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self._process.wait()
            self._process = None
            for fd in (self._requests, self._responses):
                try:
                    os.close(fd)
                except OSError:
                    pass


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

    def __repr__(self) -> str:
        return f"<your function {self.__name__}>"


def json_text(value) -> str:
    """Compact JSON text."""
    return json.dumps(value, separators=(",", ":"))


def worker_environment(scratch: Path) -> dict[str, str]:
    """A small environment for the worker: one BLAS thread, Agg, its home in the scratch directory."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(scratch),
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": matplotlib.get_cachedir(),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
