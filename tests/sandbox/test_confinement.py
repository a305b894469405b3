"""The confinement of the process that runs student code, tested in child interpreters.

Each test starts a fresh Python that confines itself (the readable paths a worker would pass,
one scratch directory writable) and then tries something; the test asserts on what it printed
and how it ended. Every test first checks that the protection it relies on was reported active,
so a kernel without seccomp or Landlock fails these tests instead of passing them vacuously.
"""

import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import autograder
from autograder.sandbox.confinement import python_paths

CHECKOUT = Path(autograder.__file__).resolve().parents[1]

PRELUDE = """\
import errno, os, sys, threading
from pathlib import Path
from autograder.sandbox.confinement import ResourceLimits, SYSTEM_READABLE, confine, python_paths
readable = [*python_paths(), *map(Path, SYSTEM_READABLE), *map(Path, {readable!r})]
active = confine(readable=readable, writable=[Path({scratch!r})], limits=ResourceLimits({limits}))
print("active:", ",".join(active), flush=True)
"""


def run_confined(
    tmp_path: Path, body: str, *, limits: str = "", readable: tuple[str, ...] = (), before: str = ""
):
    """Run ``before``, confine, run ``body`` in a child interpreter whose scratch dir is tmp_path/scratch."""
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    prelude = PRELUDE.format(readable=list(readable), scratch=str(scratch), limits=limits)
    code = textwrap.dedent(before) + prelude + textwrap.dedent(body)
    env = {
        "PATH": "/usr/bin:/bin",
        "MPLCONFIGDIR": str(scratch),
        "TMPDIR": str(scratch),
        "OPENBLAS_NUM_THREADS": "1",
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=scratch, env=env, capture_output=True, text=True, timeout=60
    )


def assert_active(result: subprocess.CompletedProcess, *names: str) -> None:
    """The child reported every protection in ``names`` as active."""
    first = result.stdout.splitlines()[0] if result.stdout else ""
    assert first.startswith("active:"), f"the child did not confine itself:\n{result.stdout}\n{result.stderr}"
    missing = set(names) - set(first.removeprefix("active:").strip().split(","))
    assert not missing, f"protections not active on this kernel: {sorted(missing)} ({first})"


def test_every_protection_is_active_on_this_kernel(tmp_path):
    """Does this machine (and CI, the same kind) provide every protection the sandbox relies on?"""
    result = run_confined(tmp_path, "")
    assert_active(result, "resource limits", "no new processes", "no sockets", "filesystem", "network")


@pytest.mark.parametrize(
    "attempt",
    [
        "pid = os.fork()\nif pid == 0: os._exit(0)",
        "import subprocess; subprocess.run(['true'])",
        "os.system('true')",
        "os.posix_spawn('/bin/true', ['true'], {})",
        "import multiprocessing; p = multiprocessing.Process(target=print); p.start(); p.join()",
    ],
    ids=["fork", "subprocess", "system", "posix_spawn", "multiprocessing"],
)
def test_starting_a_process_raises(tmp_path, attempt):
    """Does every way of starting a process fail with an exception that student code can see?"""
    body = f"try:\n{textwrap.indent(attempt, '    ')}\nexcept OSError as e:\n    print('refused', e.errno)\nelse:\n    print('started')\n"
    result = run_confined(tmp_path, body)
    assert_active(result, "no new processes")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == ["refused 1"]


@pytest.mark.parametrize("numpy_imported", ["before", "after"])
def test_numpy_computes_but_no_thread_starts(tmp_path, numpy_imported):
    """Does numpy compute, whether imported before or after confinement, while starting a thread fails?"""
    before = "import numpy as np\n" if numpy_imported == "before" else ""
    body = """
        import numpy as np
        print("norm", round(np.linalg.norm(np.eye(3)) ** 2))
        try:
            threading.Thread(target=print).start()
        except RuntimeError as error:
            print("refused:", error)
    """
    result = run_confined(tmp_path, body, before=before)
    assert_active(result, "no new processes")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == ["norm 3", "refused: can't start new thread"]


@pytest.mark.parametrize(
    "attempt",
    [
        "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', 9))",
        "socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect('/var/run/docker.sock')",
        "socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)",
        "os.memfd_create('hidden')",
        "ctypes.CDLL(None, use_errno=True).syscall(425, 8, ctypes.create_string_buffer(120)) == -1 and _raise()",
        "ctypes.CDLL(None, use_errno=True).shmget(0, 1 << 20, 0o1600) == -1 and _raise()",
        "ctypes.CDLL(None, use_errno=True).unshare(0x10000000) == -1 and _raise()",
    ],
    ids=["udp", "unix-socket", "netlink", "memfd", "io_uring", "sysv-shm", "unshare"],
)
def test_sockets_shared_memory_and_namespaces_are_refused(tmp_path, attempt):
    """Does every channel out of the sandbox (sockets of any family, memfd, io_uring, shared memory, namespaces) fail with EPERM?"""
    body = f"""
        import ctypes, socket
        def _raise():
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
        try:
            {attempt}
        except OSError as e:
            print('refused', e.errno)
        else:
            print('allowed')
    """
    result = run_confined(tmp_path, body)
    assert_active(result, "no sockets")
    assert result.stdout.splitlines()[1:] == ["refused 1"], result.stderr


def test_matplotlib_imported_after_confinement_saves_a_figure(tmp_path):
    """Can student code plot into the scratch directory with nothing but python_paths() and the system paths?"""
    body = """
        import matplotlib; matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(); ax.semilogy([1, 10, 100]); fig.savefig("plot.png")
        print("saved", Path("plot.png").stat().st_size > 0)
    """
    result = run_confined(tmp_path, body)
    assert_active(result, "filesystem")
    assert result.stdout.splitlines()[1:] == ["saved True"], result.stderr


def test_etc_shadow_is_unreadable_even_to_root(tmp_path):
    """Is /etc/shadow refused to the confined process (a root grader's student process included), while the time zone reads?"""
    body = """
        import time
        time.localtime()
        try:
            open("/etc/shadow").read()
        except PermissionError:
            print("refused")
    """
    result = run_confined(tmp_path, body)
    assert_active(result, "filesystem")
    assert result.stdout.splitlines()[1:] == ["refused"], result.stderr


def test_reading_outside_the_readable_paths_raises(tmp_path):
    """Is a file outside the readable paths (standing for the solutions) unreadable, while readable ones read?"""
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "rnn.py").write_text("secret")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "inputs.txt").write_text("public")
    body = f"""
        print(Path({str(tmp_path / "data" / "inputs.txt")!r}).read_text())
        try:
            Path({str(tmp_path / "solutions" / "rnn.py")!r}).read_text()
        except PermissionError:
            print("denied")
    """
    result = run_confined(tmp_path, body, readable=(str(tmp_path / "data"),))
    assert_active(result, "filesystem")
    assert result.stdout.splitlines()[1:] == ["public", "denied"], result.stderr


def test_the_project_checkout_and_the_package_are_unreadable(tmp_path):
    """Do python_paths() keep the checkout (and its solutions/) closed, and the package too, but for what was imported?

    The worker imports what it needs before it confines itself; the sandbox grants it a view of
    the package besides (``tests/sandbox/test_sandbox_view.py``), which this bare confinement leaves out.
    """
    body = f"""
        import autograder.sandbox.confinement
        print("imported before")
        for attempt in (lambda: __import__("autograder.checking.gradcheck"), lambda: os.listdir({str(CHECKOUT)!r})):
            try:
                attempt()
            except PermissionError:
                print("denied")
    """
    result = run_confined(tmp_path, body)
    assert_active(result, "filesystem")
    assert result.stdout.splitlines()[1:] == ["imported before", "denied", "denied"], result.stderr


def test_python_paths_leave_out_the_checkout_and_the_package():
    """Is no returned path the checkout itself, a directory containing its solutions, or the package?"""
    for path in python_paths():
        assert path.is_absolute()
        assert not (CHECKOUT / "solutions").is_relative_to(path), path
        assert not path.is_relative_to(CHECKOUT / "autograder"), path


def test_writing_outside_the_scratch_directory_raises(tmp_path):
    """Can the child write in its scratch directory only, not even in a readable one?"""
    (tmp_path / "data").mkdir()
    body = f"""
        Path("scratch.txt").write_text("ok"); print("scratch written")
        for target in [{str(tmp_path / "data" / "x.txt")!r}, {str(tmp_path / "x.txt")!r}]:
            try:
                Path(target).write_text("x")
            except PermissionError:
                print("denied")
    """
    result = run_confined(tmp_path, body, readable=(str(tmp_path / "data"),))
    assert_active(result, "filesystem")
    assert result.stdout.splitlines()[1:] == ["scratch written", "denied", "denied"], result.stderr
    assert not (tmp_path / "x.txt").exists() and not (tmp_path / "data" / "x.txt").exists()


def test_allocating_4_gib_raises_memory_error(tmp_path):
    """Does an allocation beyond the address-space limit raise MemoryError instead of exhausting the machine?"""
    body = "try:\n    bytearray(4 * 2**30)\nexcept MemoryError:\n    print('MemoryError')\n"
    result = run_confined(tmp_path, body)
    assert_active(result, "resource limits")
    assert result.stdout.splitlines()[1:] == ["MemoryError"], result.stderr


def test_writing_past_the_file_limit_raises_efbig_and_the_process_survives(tmp_path):
    """Does a file larger than file_bytes raise OSError(EFBIG) rather than kill the process with SIGXFSZ?"""
    body = """
        try:
            with open("big.bin", "wb") as f:
                f.write(bytes(4096))
        except OSError as e:
            print("EFBIG" if e.errno == errno.EFBIG else e)
        print("survived")
    """
    result = run_confined(tmp_path, body, limits="file_bytes=1024")
    assert_active(result, "resource limits")
    assert result.stdout.splitlines()[1:] == ["EFBIG", "survived"], result.stderr
    assert (tmp_path / "scratch" / "big.bin").stat().st_size == 1024


def test_a_busy_loop_is_stopped_by_the_cpu_limit(tmp_path):
    """Is a student's infinite loop killed once it has used cpu_seconds of CPU time?"""
    result = run_confined(tmp_path, "while True:\n    pass\n", limits="cpu_seconds=1")
    assert_active(result, "resource limits")
    assert result.returncode in (-signal.SIGXCPU, -signal.SIGKILL)


def test_tcp_connect_to_a_listening_socket_raises(tmp_path):
    """Can the child not reach a TCP server on 127.0.0.1, even one that is listening?"""
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        body = f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=5)
            except PermissionError:
                print("denied")
        """
        result = run_confined(tmp_path, body)
    assert_active(result, "network")
    assert result.stdout.splitlines()[1:] == ["denied"], result.stderr


def test_a_relative_path_is_a_programming_error():
    """Is a relative path rejected with a message naming it (in a child, in case it were not)?"""
    code = "from pathlib import Path; from autograder.sandbox.confinement import confine\n"
    code += "confine(readable=[Path('solutions')], writable=[])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "ValueError: confine: readable paths must be absolute, got ['solutions']" in result.stderr


def test_the_seccomp_filter_alone_stops_signals_to_other_processes(tmp_path):
    """Without Landlock (kernels before 6.7 cannot scope signals), can the confined process still not signal the grader, yet signal itself?"""
    code = textwrap.dedent(
        """
        import ctypes, errno, os, signal
        from autograder.sandbox import confinement
        assert confinement._forbid_new_processes(confinement._libc())
        libc = ctypes.CDLL(None, use_errno=True)
        grader = os.getppid()
        for name, send in [
            ("kill", lambda: os.kill(grader, signal.SIGTERM)),
            ("killpg", lambda: os.killpg(os.getpgid(grader), signal.SIGTERM)),
            ("kill -1", lambda: os.kill(-1, signal.SIGTERM)),
        ]:
            try:
                send()
            except PermissionError:
                print(name, "refused")
        if libc.tgkill(grader, grader, 0) == -1 and ctypes.get_errno() == errno.EPERM:
            print("tgkill refused")
        signal.signal(signal.SIGUSR1, lambda *args: print("own signal"))
        os.kill(os.getpid(), signal.SIGUSR1)
        signal.raise_signal(signal.SIGUSR1)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, start_new_session=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "kill refused",
        "killpg refused",
        "kill -1 refused",
        "tgkill refused",
        "own signal",
        "own signal",
    ]
