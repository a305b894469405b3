"""Start the student process inside bubblewrap: its own namespaces, a private scratch tmpfs, a read-only system.

bubblewrap (``bwrap``, Debian and Ubuntu package ``bubblewrap``) is the maintained tool that
Flatpak builds its sandboxes with. A process started by :func:`bubblewrap_command`:

* has its own network namespace (nothing but a loopback interface nobody listens on), its own
  PID namespace (it sees no other process, siblings included), and its own IPC, UTS and cgroup
  namespaces;
* sees, read-only, only what a Python with numpy and matplotlib needs: ``/usr`` (and the
  ``/lib``, ``/bin`` links), the Python installation and packages it is given, a few files of
  ``/etc`` (never ``/etc/shadow``), ``/dev/null`` and friends, its own ``/proc``; of the
  ``autograder`` package, a view: its directory holding only the files it is given (the modules the
  worker runs, see :mod:`autograder.sandbox.sandbox_view`), and an empty directory in place of every
  hidden one (the solutions) that a mount would otherwise show;
* writes only to ``/scratch``, a tmpfs of at most ``scratch_bytes`` that disappears with it,
  holding read-only copies of the assignment's support files (a zygote's sandbox has one such tmpfs
  per lane, :func:`lane_scratch`, so that the grader can count each lane's files apart);
* when the grader is root, keeps only the capabilities to change its user, which the worker uses
  to become an unprivileged user before any student code runs (see
  :func:`autograder.sandbox.confinement.drop_privileges`); otherwise it runs in a user namespace as the
  grader's own, unprivileged, user.

Where ``bwrap`` is missing or the kernel refuses it namespaces (e.g. Ubuntu 24.04's AppArmor
restriction of unprivileged user namespaces), :func:`bubblewrap` returns None and the sandbox
relies on the Landlock and seccomp confinement of :mod:`autograder.sandbox.confinement` alone.
"""

import functools
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

SCRATCH = Path("/scratch")
"""Where the scratch directory is, inside the sandbox."""
SCRATCH_LANES = 2
"""How many student processes one zygote's sandbox serves side by side (the lanes of a grading), each
with a scratch tmpfs of its own (:func:`lane_scratch`)."""


def lane_scratch(lane: int) -> Path:
    """The scratch tmpfs of lane ``lane`` in a zygote's sandbox, where its student processes make their directories."""
    return SCRATCH / f"lane{lane}"


SUPPORT = Path("/support")
"""Where a zygote finds the support files, read-only, to copy into each child's scratch directory."""
MATPLOTLIB_CONFIG = Path("/matplotlib")
"""matplotlib's configuration directory inside the sandbox: a small tmpfs holding the grader's font list, read-only.

matplotlib refuses a configuration directory it cannot write to, and then builds its font list
anew (a third of a second) in a temporary one: so the directory is writable, its font list not.
"""

ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime")
"""The files of /etc a confined Python reads (the dynamic linker's cache, the time zone)."""

MERGED_USR_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
"""Top-level directories that are links into /usr on merged-/usr systems, or directories elsewhere."""

DISABLE = "AUTOGRADER_BUBBLEWRAP"
"""Environment variable: ``0`` makes :func:`bubblewrap` return None (the fallback, e.g. to test it)."""


def matplotlib_cache_dir() -> Path | None:
    """Where matplotlib keeps its font lists on Linux (``matplotlib.get_cachedir()``), without importing it.

    Importing matplotlib takes a fifth of a second, which a grader would spend before it can start
    the zygote. Where matplotlib would have chosen otherwise (a cache directory it cannot write,
    so a temporary one), no font list is found here and the sandbox builds its own: slower, the
    same plots.
    """
    configured = os.environ.get("MPLCONFIGDIR")
    if configured:
        return Path(configured)
    try:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "matplotlib")
    except RuntimeError:  # no home directory
        return None


@functools.cache
def bubblewrap() -> str | None:
    """The path of a ``bwrap`` that can build a sandbox on this machine, or None."""
    if os.environ.get(DISABLE) == "0":
        return None
    path = shutil.which("bwrap")
    if path is None:
        return None
    probe = bubblewrap_command(["/bin/true"], bwrap=path, readable=[], files={}, scratch_bytes=2**20, env={})
    try:
        done = subprocess.run(probe, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if done.returncode == 0 else None


def bubblewrap_command(
    command: Sequence[str],
    *,
    bwrap: str,
    readable: Sequence[Path],
    files: Mapping[str, Path],
    scratch_bytes: int,
    env: Mapping[str, str],
    files_at: Path = SCRATCH,
    matplotlib_cache: Path | None = None,
    view: tuple[Path, Sequence[Path]] | None = None,
    hidden: Sequence[Path] = (),
    lanes: int = 0,
    info_fd: int | None = None,
) -> list[str]:
    """The ``bwrap`` command line that runs ``command`` in a new sandbox, in ``/scratch``.

    Args:
        command: the program and its arguments, as seen inside the sandbox (same paths as outside).
        bwrap: the path of ``bwrap``.
        readable: directories mounted read-only at the same path (missing ones are skipped).
        files: files mounted read-only in ``files_at``, by name.
        scratch_bytes: the size of the ``/scratch`` tmpfs.
        env: the whole environment of the process.
        files_at: where the files are mounted: ``/scratch`` for a worker, ``/support`` for a zygote.
        matplotlib_cache: the grader's matplotlib cache directory, whose font lists are mounted
            read-only in :data:`MATPLOTLIB_CONFIG` (the process's ``MPLCONFIGDIR``).
        view: a directory and the files of it the process may see: at its place a read-only
            tmpfs holding only those files (bound read-only, at their own paths).
        hidden: directories left empty where a mount of ``readable`` or ``/usr`` holds them.
        lanes: for a zygote, the number of lanes: ``/scratch`` is then a small tmpfs holding a
            tmpfs of ``scratch_bytes`` for each lane (:func:`lane_scratch`).
        info_fd: a descriptor bubblewrap writes ``{"child-pid": ...}`` to: the process in the sandbox.
    """
    root = os.geteuid() == 0
    # As root, a user namespace would map the sandbox's users to root: the worker drops to an
    # unprivileged user itself instead, with the two capabilities kept for that.
    namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    if root:
        namespaces += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        namespaces += ["--unshare-user", "--disable-userns"]
    arguments = [bwrap, *namespaces, "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr"]
    for top in MERGED_USR_LINKS:
        if os.path.islink(top):
            arguments += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            arguments += ["--ro-bind", top, top]
    mounted = [p for p in [*ETC_FILES, *map(str, readable)] if os.path.exists(p) and not p.startswith("/usr/")]
    # bubblewrap makes the directories leading to a mount point private (0700) when run as root:
    # make them traversable, so that the unprivileged user can reach the Python installation.
    mount_points = [*mounted, *([str(view[0])] if view is not None else [])]
    ancestors = {str(a) for p in mount_points for a in Path(p).parents if str(a) not in ("/", "/usr")}
    for directory in sorted(a for a in ancestors if not a.startswith("/usr/")):
        arguments += ["--perms", "0755", "--dir", directory]
    for path in mounted:
        arguments += ["--ro-bind", path, path]
    if view is not None:
        arguments += view_arguments(*view)
    arguments += hiding_arguments([h for h in hidden if view is None or h != view[0]], ["/usr", *mounted])
    arguments += ["--dev", "/dev", "--remount-ro", "/dev", "--proc", "/proc"]
    arguments += ["--perms", "1777", "--size", str(2**20 if lanes else scratch_bytes), "--tmpfs", str(SCRATCH)]
    for lane in range(lanes):
        arguments += ["--perms", "1777", "--size", str(scratch_bytes), "--tmpfs", str(lane_scratch(lane))]
    if files and files_at != SCRATCH:
        arguments += ["--perms", "0755", "--dir", str(files_at)]
    for name, path in files.items():
        arguments += ["--ro-bind", str(path), str(files_at / name)]
    if matplotlib_cache is not None:
        arguments += ["--perms", "0755", "--size", str(2**20), "--tmpfs", str(MATPLOTLIB_CONFIG)]
        for font_list in sorted(matplotlib_cache.glob("fontlist-*.json")):
            arguments += ["--ro-bind", str(font_list), str(MATPLOTLIB_CONFIG / font_list.name)]
    arguments += ["--remount-ro", "/", "--chdir", str(SCRATCH), "--clearenv"]
    if info_fd is not None:
        arguments += ["--info-fd", str(info_fd)]
    for key, value in env.items():
        arguments += ["--setenv", key, value]
    return [*arguments, "--", *command]


def view_arguments(directory: Path, files: Sequence[Path]) -> list[str]:
    """The arguments that put at ``directory`` a read-only tmpfs holding only ``files`` (read-only, at their paths)."""
    arguments = ["--perms", "0755", "--size", str(2**20), "--tmpfs", str(directory)]
    inside = sorted({parent for f in files for parent in Path(f).parents if directory in parent.parents})
    for subdirectory in inside:
        arguments += ["--perms", "0755", "--dir", str(subdirectory)]
    for path in files:
        arguments += ["--ro-bind", str(path), str(path)]
    return [*arguments, "--remount-ro", str(directory)]


def hiding_arguments(hidden: Sequence[Path], mounted: Sequence[str]) -> list[str]:
    """The arguments that leave each hidden directory empty where a mount holds it (and it holds no mount)."""
    arguments = []
    for directory in hidden:
        beneath = any(Path(m) in Path(directory).parents for m in mounted)
        holds = any(Path(directory) in Path(m).parents or Path(m) == Path(directory) for m in mounted)
        if beneath and not holds and os.path.isdir(directory):
            arguments += ["--perms", "0555", "--size", "4096", "--tmpfs", str(directory), "--remount-ro", str(directory)]
    return arguments


def sandbox_pid(info: int, *, deadline: float) -> int | None:
    """The pid of the process bubblewrap started, read from (and closing) the descriptor given as ``info_fd``.

    None when bubblewrap wrote nothing readable by ``deadline`` (``time.monotonic()``).
    """
    data = b""
    try:
        while select.select([info], [], [], max(0.0, deadline - time.monotonic()))[0]:
            chunk = os.read(info, 4096)
            if not chunk:
                break
            data += chunk
    finally:
        os.close(info)
    try:
        pid = json.loads(data)["child-pid"]
    except (ValueError, KeyError, TypeError):
        return None
    return pid if type(pid) is int and pid > 0 else None
