"""A warm zygote per grading process: student processes forked from it, each fresh and confined.

:class:`ForkServer` starts :mod:`autograder.sandbox.zygote` once, exactly as a worker was started
(under bubblewrap where it works, with the grader's resource limits), and then asks it for
children: each is a new process, forked from an interpreter that has imported numpy and
matplotlib but never run a line of student code, which makes its own scratch directory,
becomes its own user (when the grader is root) and confines itself before its first request.
A child costs a fork instead of an interpreter's start.

The grader keeps the upper hand: each child comes with a pidfd, with which the grader sees it
end and kills it without asking the zygote; the zygote only reaps it and removes its scratch
directory. A zygote that does not answer in time is killed with everything it forked, and the
next child comes from a new one.
"""

import atexit
import json
import os
import select
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

SECONDS_TO_ANSWER = 10.0
"""How long the zygote may take to fork a child, or to reap one and remove its scratch directory."""
MAX_SERVERS = 2
"""The most zygotes an owner (a grading thread) keeps warm (one per kind of sandbox: support files and limits)."""


class ZygoteFailed(RuntimeError):
    """The zygote did not start, or stopped answering."""


@dataclass
class Child:
    """A student process forked by the zygote: its number there, and a pidfd of it for the grader."""

    number: int
    pidfd: int

    def ended(self, seconds: float = 0.0) -> bool:
        """Whether the process has ended, waiting up to ``seconds`` for it."""
        return wait_for(self.pidfd, seconds)


def pid_of(pidfd: int) -> int | None:
    """The process id, in this process's namespace, of the process ``pidfd`` refers to (None once it has ended)."""
    try:
        with open(f"/proc/self/fdinfo/{pidfd}") as info:
            for line in info:
                if line.startswith("Pid:"):
                    pid = int(line.split()[1])
                    return pid if pid > 0 else None
    except (OSError, ValueError):
        pass
    return None


def wait_for(pidfd: int, seconds: float) -> bool:
    """Whether the process of ``pidfd`` ended within ``seconds``."""
    return bool(select.select([pidfd], [], [], max(seconds, 0.0))[0])


def kill_group(process: subprocess.Popen) -> None:
    """Kill a process started in a group of its own, with all it started, and reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


class ForkServer:
    """One zygote, and the children it forks for one grading process (or thread).

    Args:
        command: how to start the zygote: its command line but the last two arguments (its control
            descriptor and its settings), which the server adds.
        env: the zygote's environment.
        settings: what the zygote must know: ``scratch_root`` (where children make their scratch
            directories; None when the grader makes them) and ``support`` (where the support files are).
        preexec: run in the zygote's process before it starts (the resource limits).
        seconds_to_start: how long the zygote may take to import and say hello.
    """

    def __init__(
        self,
        command: Sequence[str],
        *,
        env: dict[str, str],
        settings: dict,
        preexec: Callable[[], object],
        seconds_to_start: float,
    ) -> None:
        self.command, self.env, self.settings = list(command), env, settings
        self.preexec, self.seconds_to_start = preexec, seconds_to_start
        self.lock = threading.Lock()
        self._children = 0
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._awaiting_hello = False
        self._log = tempfile.TemporaryFile()

    def fork(self, settings: dict, fds: tuple[int, int, int]) -> Child:
        """A new child with the worker ``settings`` and its descriptors (requests, answers, output).

        Raises:
            ZygoteFailed: when no zygote could be started, or it did not fork in time.
        """
        with self.lock:
            for attempt in (1, 2):  # a zygote that died since (its own CPU limit, say) is started again once
                if not self.alive():
                    self._launch()
                self._children += 1
                try:
                    if self._awaiting_hello:
                        self._await_hello()
                    return self._fork(self._children, settings, fds)
                except ZygoteFailed:
                    self.stop()
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")

    def _fork(self, number: int, settings: dict, fds: tuple[int, int, int]) -> Child:
        try:
            self._send({"op": "fork", "child": number, "settings": settings}, fds)
            answer, received = self._receive(SECONDS_TO_ANSWER)
        except (OSError, EOFError, ValueError, TimeoutError) as error:
            raise ZygoteFailed(f"the zygote did not fork a child ({type(error).__name__}: {error})") from None
        if answer.get("child") != number or len(received) != 1:
            for fd in received:
                os.close(fd)
            raise ZygoteFailed(f"the zygote answered {answer!r} to a fork")
        return Child(number, received[0])

    def end(self, child: Child, *, grace: float = 0.0) -> tuple[int | None, bool]:
        """Stop ``child`` unless it ends within ``grace`` s, have it reaped and its scratch removed.

        Returns:
            Its exit code (negative: the signal that ended it; None: unknown), and whether the
            grader had to kill it.
        """
        killed = not wait_for(child.pidfd, grace)
        if killed:
            try:
                signal.pidfd_send_signal(child.pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass
            wait_for(child.pidfd, SECONDS_TO_ANSWER)
        os.close(child.pidfd)
        with self.lock:
            try:
                self._send({"op": "end", "child": child.number})
                answer, received = self._receive(SECONDS_TO_ANSWER)
                for fd in received:
                    os.close(fd)
                code = answer["status"]["code"]
            except (OSError, EOFError, ValueError, TimeoutError, KeyError, TypeError):
                self.stop()
                return None, killed
        return (int(code) if isinstance(code, int) else None), killed

    def alive(self) -> bool:
        """Whether the zygote is running."""
        return self._process is not None and self._process.poll() is None

    def launch(self) -> None:
        """Start the zygote, unless it runs, without waiting for its hello (the next fork waits for it)."""
        with self.lock:
            if not self.alive():
                self._launch()

    def close(self) -> None:
        """Stop the zygote for good: kill it and everything it forked, and close its log."""
        self.stop()
        self._log.close()

    def stop(self) -> None:
        """Kill the zygote and everything it forked (its process group; under bubblewrap, its PID namespace).

        The next fork starts a new one.
        """
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            kill_group(self._process)
            self._process = None

    def _launch(self) -> None:
        self.stop()
        self._control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [*self.command, str(theirs.fileno()), json.dumps(self.settings, separators=(",", ":"))]
        self._log.truncate(0)
        try:
            self._process = subprocess.Popen(
                command,
                env=self.env,
                cwd="/",
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=self._log,
                pass_fds=(theirs.fileno(),),
                start_new_session=True,
                preexec_fn=self.preexec,  # noqa: PLW1509
            )
        finally:
            theirs.close()
        self._awaiting_hello = True

    def _await_hello(self) -> None:
        try:
            hello, _ = self._receive(self.seconds_to_start)
            hello["hello"]
        except (OSError, EOFError, ValueError, TimeoutError, KeyError, TypeError) as error:
            log = self._log_tail()
            self.stop()
            raise ZygoteFailed(f"the zygote did not start ({type(error).__name__}):\n{log}") from None
        self._awaiting_hello = False

    def _send(self, message: dict, fds: Sequence[int] = ()) -> None:
        data = json.dumps(message, separators=(",", ":")).encode()
        socket.send_fds(self._control, [data], list(fds))

    def _receive(self, seconds: float) -> tuple[dict, list[int]]:
        deadline = time.monotonic() + seconds
        if not select.select([self._control], [], [], max(0.0, deadline - time.monotonic()))[0]:
            raise TimeoutError
        data, fds, _, _ = socket.recv_fds(self._control, 1 << 16, 3)
        if not data:
            raise EOFError
        message = json.loads(data)
        if not isinstance(message, dict):
            raise ValueError("not a JSON object")
        return message, list(fds)

    def _log_tail(self, size: int = 2000) -> str:
        end = os.fstat(self._log.fileno()).st_size
        return os.pread(self._log.fileno(), size, max(0, end - size)).decode("utf-8", "replace")


_servers: dict[tuple, ForkServer] = {}
_servers_lock = threading.Lock()


def fork_server(key: tuple, make: Callable[[], ForkServer], *, owner: int | None = None) -> ForkServer:
    """The warm zygote of ``owner`` (by default this thread) for sandboxes of kind ``key``, made by ``make`` the first time.

    Each grading thread has zygotes of its own; the threads grading one submission side by side
    share their grading thread's (forking is locked). An owner keeps at most :data:`MAX_SERVERS`
    zygotes; the oldest is closed to make room.
    """
    key = (threading.get_ident() if owner is None else owner, *key)
    with _servers_lock:
        server = _servers.get(key)
        if server is None:
            mine = [k for k in _servers if k[0] == key[0]]
            for old in mine[: max(0, len(mine) - MAX_SERVERS + 1)]:
                _servers.pop(old).close()
            server = _servers[key] = make()
        return server


@atexit.register
def close_all() -> None:
    """Kill every zygote of this process (and their children)."""
    while _servers:
        _servers.popitem()[1].close()
