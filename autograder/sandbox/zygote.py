"""The warm process that student processes are forked from: its imports done, it never runs student code.

Starting a student process costs more than grading many a submission: an interpreter, numpy,
matplotlib. The zygote pays that once per grading process. Started by
:class:`autograder.sandbox.fork_server.ForkServer` as
``python -I -m autograder.sandbox.zygote CONTROL_FD SETTINGS_JSON`` (under bubblewrap where it
works, with the same namespaces, mounts and resource limits a worker had), it imports what a
worker imports, says hello on its control socket, and then answers the grader, one message at
a time:

* ``{"op": "fork", "child": k, "settings": {...}}`` with three descriptors (the child's request
  pipe, its answer pipe, its output file): it forks child ``k``, which becomes a worker
  (:func:`autograder.sandbox.worker.serve_confined`): in a fresh scratch directory, as its own user
  when the zygote is root, confined by seccomp, Landlock and its resource limits before it reads
  its first request. Under bubblewrap its scratch directory is ``c<k>`` in the ``scratch_root`` the
  grader names, the scratch tmpfs of its lane. The answer carries a pidfd of the child, with which the grader watches and
  stops it directly;
* ``{"op": "end", "child": k}``, once the grader has stopped the child: it reaps the child, removes
  its scratch directory and answers how it ended.

The zygote reads nothing a child writes: children talk to the grader through their own pipes,
and their scratch directories are removed, unread, after they are dead (as the child's own user
where there is one, so the zygote needs no capability to read or remove another user's files).
A child cannot reach the zygote: it runs as another user or under seccomp, which refuses
signals to other processes, ptrace and new processes, and Landlock hides ``/proc`` of others.
"""

import fcntl
import json
import os
import signal
import socket
import sys
import tempfile
from pathlib import Path

from autograder.sandbox import worker
from autograder.sandbox.confinement import drop_privileges
from autograder.sandbox.scratch import copy_support_files, remove_scratch

MAX_MESSAGE_BYTES = 1 << 16
DESCRIPTORS_PER_CHILD = 3
CHILD_REQUESTS, CHILD_RESPONSES = 3, 4
"""The descriptors a child reads requests from and writes answers to, whatever they were in the zygote."""


def send(control: socket.socket, message: dict, fds: tuple[int, ...] = ()) -> None:
    """Send one message (and descriptors) on the control socket."""
    data = json.dumps(message, separators=(",", ":")).encode()
    if fds:
        socket.send_fds(control, [data], list(fds))
    else:
        control.send(data)


def receive(control: socket.socket) -> tuple[dict, list[int]]:
    """The next message on the control socket and the descriptors that came with it.

    Raises:
        EOFError: when the grader closed its end.
    """
    data, fds, _, _ = socket.recv_fds(control, MAX_MESSAGE_BYTES, DESCRIPTORS_PER_CHILD)
    if not data:
        raise EOFError
    return json.loads(data), fds


def main(argv: list[str]) -> None:
    """Import, say hello, and fork children until the grader closes the control socket."""
    control = socket.socket(fileno=int(argv[0]))
    settings = json.loads(argv[1])
    worker.prepare()
    children: dict[int, tuple[int, str | None, list[int] | None]] = {}
    send(control, {"hello": {"pid": os.getpid()}})
    while True:
        try:
            message, fds = receive(control)
        except (EOFError, ConnectionError, ValueError):
            break
        if message.get("op") == "fork" and len(fds) == DESCRIPTORS_PER_CHILD:
            child = int(message["child"])
            pid, scratch = fork(control, fds, message["settings"], child, settings)
            children[child] = (pid, scratch, message["settings"].get("user"))
            pidfd = os.pidfd_open(pid)
            send(control, {"child": child, "pid": pid}, (pidfd,))
            os.close(pidfd)
        elif message.get("op") == "end" and int(message.get("child", -1)) in children:
            child = int(message["child"])
            send(control, {"child": child, "status": end(*children.pop(child))})
        else:
            for fd in fds:
                os.close(fd)
            send(control, {"error": "bad request"})
    for pid, scratch, user in children.values():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        end(pid, scratch, user)


def fork(control: socket.socket, fds: list[int], child_settings: dict, child: int, settings: dict) -> tuple[int, str | None]:
    """Fork child ``child`` with its three descriptors; return its pid and its scratch directory (None: the grader's)."""
    scratch = None if child_settings.get("scratch") else f"{child_settings['scratch_root']}/c{child}"
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        try:
            become_worker(control, fds, child_settings, scratch or child_settings["scratch"], settings)
        finally:
            os._exit(70)  # never back into the zygote's loop
    for fd in fds:
        os.close(fd)
    return pid, scratch


def become_worker(control: socket.socket, fds: list[int], child_settings: dict, scratch: str, settings: dict) -> None:
    """In the child: its descriptors, its user, a fresh scratch directory, its environment; then the worker."""
    control.close()
    # Out of the way first (a descriptor may already be 3 or 4), then into place; all others closed.
    requests, responses, output = (fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
    os.dup2(requests, CHILD_REQUESTS, inheritable=False)
    os.dup2(responses, CHILD_RESPONSES, inheritable=False)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.closerange(CHILD_RESPONSES + 1, os.sysconf("SC_OPEN_MAX"))
    os.setsid()
    user = child_settings.get("user")
    unprivileged = bool(user) and drop_privileges(*user)
    if not child_settings.get("scratch"):  # made here, by the child's own user, empty but for copies of support files
        os.mkdir(scratch, 0o700)
        support = Path(settings["support"])
        copy_support_files(sorted(support.iterdir()) if support.is_dir() else [], Path(scratch))
    os.chdir(scratch)
    os.environ.clear()
    os.environ.update({**child_settings["env"], "HOME": scratch, "TMPDIR": scratch})
    tempfile.tempdir = None  # the zygote's imports cached its own TMPDIR (/scratch) there
    worker.serve_confined(
        CHILD_REQUESTS, CHILD_RESPONSES, child_settings, scratch=scratch, unprivileged=unprivileged
    )


def end(pid: int, scratch: str | None, user: list[int] | None) -> dict:
    """Reap a child the grader has stopped, remove its scratch directory; how it ended.

    The child is dead or dying (the grader killed it, or it ended by itself), and it could start
    no process of its own, so nothing writes in its scratch directory any more.
    """
    _, status = os.waitpid(pid, 0)
    if scratch is not None and os.path.lexists(scratch):
        remove_as(user, Path(scratch))
    return {"code": os.waitstatus_to_exitcode(status)}


def remove_as(user: list[int] | None, scratch: Path) -> None:
    """Remove ``scratch`` as ``user`` (its owner; the zygote's own user when None), in a process of its own."""
    if not user:
        remove_scratch(scratch)
        return
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setresgid(user[1], user[1], user[1])
            os.setresuid(user[0], user[0], user[0])
            remove_scratch(scratch)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


if __name__ == "__main__":
    main(sys.argv[1:])
