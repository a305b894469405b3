"""Submissions that attack the grader itself, the machine or their classmates, not just their own grade.

Graded in the same batch as :data:`hostile_submissions.HOSTILE` (see ``tests/grading/test_adversarial.py``)
and, as a smaller batch of their own, by an unprivileged grader and without bubblewrap (see
``tests/sandbox/test_isolation.py``). Each targets a function that no other function calls, fails when
its attack is stopped, and would earn that function's points if the attack succeeded.
"""

from support.hostile_submissions import POINTS, Hostile, Outcome, replacing

VICTIM = "victim.txt"
"""A file of the batch directory that a submission tries to have the grader truncate."""

WEIRD_GRADE_ID = "\ud800\x1b[2J::error::forged"
"""A grade id with a lone surrogate, a terminal escape and a GitHub Actions workflow command."""


def with_weird_grade_ids(notebook):
    """The notebook with two extra cells that share :data:`WEIRD_GRADE_ID` (a note names duplicates)."""
    for _ in range(2):
        cell = notebook.cells[-1].copy()
        cell.metadata = {
            "nbgrader": {"grade_id": WEIRD_GRADE_ID, "solution": True, "grade": False, "locked": False}
        }
        cell.cell_type, cell.source = "code", "pass"
        notebook.cells.append(cell)
    return notebook


ESCAPES: dict[str, Hostile] = {
    "turns_its_output_into_links_and_fifos": Hostile(
        "When the grader restarts the student process, does it write nowhere the student points it to (links to a "
        "victim file and to the trusted notebook, a FIFO that would block an open())?",
        replacing(
            clip_by_value="""
            import os

            for name, target in [("stdout.txt", "{place}/VICTIM"), ("stderr.txt", "{solutions}")]:
                for directory in (".", os.environ.get("TMPDIR", "."), os.path.expanduser("~")):
                    try:
                        os.symlink(target, os.path.join(directory, name))
                    except OSError:
                        pass
            for name in ("output", "log", "stdout", "stderr"):
                try:
                    os.mkfifo(name)
                except OSError:
                    pass

            def clip_by_value(grads, clip_value):
                os._exit(1)
            """.replace("VICTIM", VICTIM)
        ),
        Outcome({"clip_by_value": POINTS["clip_by_value"]}, {"clip_by_value": "ended the process"}),
    ),
    "opens_every_channel_out": Hostile(
        "Is every channel out of the sandbox refused: UDP to a sibling and from one, unix sockets by path "
        "(a Docker socket) and abstract, netlink, io_uring, memfd, System V memory, /etc/shadow, threads?",
        replacing(
            clip_by_norm="""
            import ctypes, os, socket, threading

            libc = ctypes.CDLL(None, use_errno=True)

            def _raw(result):
                if result == -1:
                    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))

            ATTEMPTS = {
                "udp send": lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"hi", ("127.0.0.1", 45454)),
                "udp bind": lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).bind(("0.0.0.0", 45454)),
                "docker socket": lambda: socket.socket(socket.AF_UNIX).connect("/var/run/docker.sock"),
                "abstract unix": lambda: socket.socket(socket.AF_UNIX).bind("\\0classmates"),
                "netlink": lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0),
                "io_uring": lambda: _raw(libc.syscall(425, 8, ctypes.create_string_buffer(120))),
                "memfd": lambda: os.memfd_create("uncounted"),
                "sysv shm": lambda: _raw(libc.shmget(0, 1 << 20, 0o1600)),
                "shadow": lambda: open("/etc/shadow").read(),
                "thread": lambda: threading.Thread(target=print).start(),
                "fork": lambda: os.fork(),
            }

            def clip_by_norm(grad, max_norm):
                opened = []
                for name, attempt in ATTEMPTS.items():
                    try:
                        attempt()
                        opened.append(name)
                    except (OSError, RuntimeError):
                        pass
                if opened:
                    norm = np.linalg.norm(grad)
                    return grad * (max_norm / norm) if norm > max_norm else grad
                raise PermissionError("every channel was refused")
            """
        ),
        Outcome({"clip_by_norm": POINTS["clip_by_norm"]}, {"clip_by_norm": "every channel was refused"}),
    ),
    "breaks_the_outputs_with_its_text": Hostile(
        "Does text that breaks writers and CI logs (a lone surrogate, escapes, workflow commands, 3 MB past the "
        "worker's own caps, 20,000 warnings) cost only its function, with every output of the batch written?",
        replacing(
            clip_by_global_norm="""
            import warnings

            import autograder.sandbox.worker as worker

            worker.MAX_MESSAGE_CHARACTERS = 10**9

            def clip_by_global_norm(grads, max_norm):
                for i in range(20_000):
                    warnings.warn(f"flood {i}")
                raise ValueError("\\ud800 \\x1b[2J\\r\\n::error file=x::forged\\n##[error]forged " + "x" * 3_000_000)
            """
        ),
        Outcome(
            {"clip_by_global_norm": POINTS["clip_by_global_norm"]},
            {"clip_by_global_norm": "\u2236:error file=x::forged"},
            note="cells share the grade ids",
        ),
        notebook=with_weird_grade_ids,
    ),
    "fills_its_scratch_and_leaves_unreadable_files": Hostile(
        "Does filling the scratch directory with files and leaving unreadable ones behind cost only its function, "
        "with nothing left on the grader's disk?",
        replacing(
            bptt_gradient_norms="""
            import os

            def bptt_gradient_norms(dh_last, cache):
                os.makedirs("locked/inner", exist_ok=True)
                open("locked/inner/secret", "w").close()
                os.chmod("locked/inner", 0)
                os.chmod("locked", 0)
                i = 0
                while True:
                    i += 1
                    open(f"f{i}", "w").close()
            """
        ),
        Outcome(
            {"bptt_gradient_norms": POINTS["bptt_gradient_norms"]},
            {"bptt_gradient_norms": "bptt_gradient_norms"},
        ),
    ),
}
"""Escape attempts by name; each states what grading it must give."""
