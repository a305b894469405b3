"""Confine the process that runs untrusted student code: resource limits, no new processes, Landlock.

Linux only, unprivileged, standard library and ctypes. Each protection is applied on a best-effort
basis: what the kernel, architecture or operating system cannot provide is left out of the names
that :func:`confine` returns, so the caller can tell what is actually enforced.
"""

import ctypes
import errno
import importlib.util
import os
import platform
import signal
import site
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from autograder.sandbox.protections import FILESYSTEM, NETWORK, NO_NEW_PROCESSES, NO_SOCKETS, RESOURCE_LIMITS

try:
    import resource
except ImportError:  # not a POSIX system
    resource = None

PR_SET_NO_NEW_PRIVS = 38
LINUX_CAPABILITY_VERSION_3 = 0x20080522

# Seccomp-BPF: instructions, return actions and the offsets of struct seccomp_data.
SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC = 1, 1
SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_ERRNO, SECCOMP_RET_ALLOW = 0x80000000, 0x00050000, 0x7FFF0000
BPF_LD_W_ABS, BPF_JEQ_K, BPF_JGE_K, BPF_RET_K = 0x20, 0x15, 0x35, 0x06
SECCOMP_DATA_NR, SECCOMP_DATA_ARCH, SECCOMP_DATA_ARG0 = 0, 4, 16
X32_SYSCALL_BIT = 0x40000000


@dataclass(frozen=True)
class SeccompArch:
    """The numbers a seccomp filter needs on one architecture."""

    audit_arch: int
    seccomp: int
    clone: int
    clone3: int
    forks: tuple[int, ...]  # fork and vfork, where they exist
    has_x32: bool  # x32 syscalls share the x86_64 arch value and must be refused by number
    signals_to_self: tuple[int, ...] = ()  # kill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo: allowed for pid == self
    signals_refused: tuple[int, ...] = ()  # tkill, pidfd_send_signal: refused
    refused: tuple[int, ...] = ()  # see REFUSED_SYSCALLS


REFUSED_SYSCALLS = (
    "socket",  # no network, no unix sockets (e.g. a Docker socket), no netlink, no channel to a sibling
    "io_uring_setup",  # a second way to do I/O, around the filter
    "memfd_create",  # memory that the address-space limit does not count
    "memfd_secret",
    "shmget",  # System V shared memory and message queues: channels to siblings, uncounted memory
    "msgget",
    "semget",
    "mq_open",
    "unshare",  # no new namespaces, mounts or views of other processes
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsmount",
    "fspick",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "pidfd_getfd",
    "kcmp",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "keyctl",
    "add_key",
    "request_key",
    "name_to_handle_at",
    "open_by_handle_at",
)
"""System calls the confined process is refused (EPERM), by name; numbers per architecture below."""

_X86_64_NUMBERS = dict(
    socket=41, io_uring_setup=425, memfd_create=319, memfd_secret=447, shmget=29, msgget=68, semget=64,
    mq_open=240, unshare=272, setns=308, mount=165, umount2=166, pivot_root=155, open_tree=428,
    move_mount=429, fsopen=430, fsmount=432, fspick=433, ptrace=101, process_vm_readv=310,
    process_vm_writev=311, pidfd_getfd=438, kcmp=312, bpf=321, perf_event_open=298, userfaultfd=323,
    keyctl=250, add_key=248, request_key=249, name_to_handle_at=303, open_by_handle_at=304,
)  # fmt: skip
_AARCH64_NUMBERS = dict(
    socket=198, io_uring_setup=425, memfd_create=279, memfd_secret=447, shmget=194, msgget=186, semget=190,
    mq_open=180, unshare=97, setns=268, mount=40, umount2=39, pivot_root=41, open_tree=428,
    move_mount=429, fsopen=430, fsmount=432, fspick=433, ptrace=117, process_vm_readv=270,
    process_vm_writev=271, pidfd_getfd=438, kcmp=272, bpf=280, perf_event_open=241, userfaultfd=282,
    keyctl=219, add_key=217, request_key=218, name_to_handle_at=264, open_by_handle_at=265,
)  # fmt: skip

SECCOMP_ARCHES = {
    "x86_64": SeccompArch(
        0xC000003E,
        seccomp=317,
        clone=56,
        clone3=435,
        forks=(57, 58),
        has_x32=True,
        signals_to_self=(62, 234, 129, 297),
        signals_refused=(200, 424),
        refused=tuple(_X86_64_NUMBERS[name] for name in REFUSED_SYSCALLS),
    ),
    "aarch64": SeccompArch(
        0xC00000B7,
        seccomp=277,
        clone=220,
        clone3=435,
        forks=(),
        has_x32=False,
        signals_to_self=(129, 131, 138, 240),
        signals_refused=(130, 424),
        refused=tuple(_AARCH64_NUMBERS[name] for name in REFUSED_SYSCALLS),
    ),
}

# Landlock: the same syscall numbers on every architecture; access rights by the ABI that added them.
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
# ABI 1: execute, write/read file, read dir, remove dir/file, make char/dir/reg/sock/fifo/block/sym.
FS_ABI1 = (1 << 13) - 1
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15  # ABI 2, 3 and 5
FS_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
FS_READ_RIGHTS = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6

PYTHON_PACKAGES = ("numpy", "matplotlib")
"""Packages whose directories are readable wherever they are installed (an editable install, a path of its own).

Not ``autograder``: the student process sees only a view of it (``autograder.sandbox.sandbox_view``)."""
SYSTEM_READABLE = (
    "/usr",
    "/lib",
    "/lib64",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/ssl/openssl.cnf",
    "/dev/null",
    "/dev/urandom",
    "/proc/self",
)
"""System paths a confined Python reads; of ``/etc`` only what the linker, time zone and SSL need."""


@dataclass(frozen=True)
class ResourceLimits:
    """The kernel's resource limits (rlimits) of the confined process."""

    cpu_seconds: int = 300  # RLIMIT_CPU for the whole process
    memory_bytes: int = 2 * 2**30  # RLIMIT_AS
    file_bytes: int = 16 * 2**20  # RLIMIT_FSIZE: largest file it may write (its stdout/stderr are files too)
    open_files: int = 256  # RLIMIT_NOFILE


_u8, _u16, _u32, _u64 = ctypes.c_uint8, ctypes.c_uint16, ctypes.c_uint32, ctypes.c_uint64


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", _u16), ("jt", _u8), ("jf", _u8), ("k", _u32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", _u64), ("handled_access_net", _u64), ("scoped", _u64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", _u64), ("parent_fd", ctypes.c_int32)]


def _libc() -> ctypes.CDLL | None:
    """The C library with errno capture on Linux, else None."""
    return ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def _syscall(libc: ctypes.CDLL, number: int, *args: int | ctypes.Structure) -> int:
    """Call a raw Linux syscall, integers as 64-bit values and structures by address; -1 on failure."""
    libc.syscall.restype = ctypes.c_long
    values = [ctypes.byref(a) if isinstance(a, ctypes.Structure) else ctypes.c_long(a) for a in args]
    return libc.syscall(ctypes.c_long(number), *values)


def set_resource_limits(limits: ResourceLimits) -> bool:
    """Lower the soft and hard limits of this process to ``limits`` (never above the current hard limit).

    The grader calls it in the child before the worker starts (so the kernel enforces limits no
    student code set), and the worker again when it confines itself. Returns False where a limit
    could not be set.
    """
    if resource is None:
        return False
    wanted = {
        resource.RLIMIT_CPU: limits.cpu_seconds,
        resource.RLIMIT_AS: limits.memory_bytes,
        resource.RLIMIT_FSIZE: limits.file_bytes,
        resource.RLIMIT_NOFILE: limits.open_files,
        resource.RLIMIT_CORE: 0,
    }
    complete = True
    for kind, value in wanted.items():
        hard = resource.getrlimit(kind)[1]
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        try:
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            complete = False
    return complete


def _limit_and_drop_capabilities(limits: ResourceLimits, libc: ctypes.CDLL | None) -> bool:
    """Set the resource limits and drop capabilities, which could raise them again."""
    complete = set_resource_limits(limits)
    if resource is not None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writing past the limit raises OSError(EFBIG)
    if libc is not None:
        no_capabilities = (_u32 * 6)()  # effective, permitted, inheritable: two 32-bit words each
        complete &= libc.capset((_u32 * 2)(LINUX_CAPABILITY_VERSION_3, 0), no_capabilities) == 0
    return complete and resource is not None


def _process_filter(arch: SeccompArch, own_pid: int) -> list[tuple[int, int, int, int]]:
    """The BPF program of the seccomp filter.

    Kill on a foreign arch; fork, vfork, clone (new threads included) and every syscall of
    ``REFUSED_SYSCALLS`` -> EPERM, clone3 -> ENOSYS (so that the C library falls back to clone);
    a signal to any process but this one -> EPERM (Landlock scopes signals only from ABI 6).
    """
    eperm, enosys = SECCOMP_RET_ERRNO | errno.EPERM, SECCOMP_RET_ERRNO | errno.ENOSYS
    program = [
        (BPF_LD_W_ABS, 0, 0, SECCOMP_DATA_ARCH),
        (BPF_JEQ_K, 1, 0, arch.audit_arch),
        (BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS),
        (BPF_LD_W_ABS, 0, 0, SECCOMP_DATA_NR),
    ]
    denied = [(BPF_JEQ_K, nr, eperm) for nr in (arch.clone, *arch.forks, *arch.signals_refused, *arch.refused)]
    denied.append((BPF_JEQ_K, arch.clone3, enosys))
    if arch.has_x32:
        denied.append((BPF_JGE_K, X32_SYSCALL_BIT, enosys))
    for jump, nr, action in denied:
        program += [(jump, 0, 1, nr), (BPF_RET_K, 0, 0, action)]
    for nr in arch.signals_to_self:  # the first argument is the target's pid (or thread group id)
        program += [
            (BPF_JEQ_K, 0, 4, nr),
            (BPF_LD_W_ABS, 0, 0, SECCOMP_DATA_ARG0),
            (BPF_JEQ_K, 1, 0, own_pid),
            (BPF_RET_K, 0, 0, eperm),
            (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        ]
    return program + [(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW)]


def _forbid_new_processes(libc: ctypes.CDLL) -> bool:
    """Install the seccomp filter on every thread of the process; False where seccomp is unavailable."""
    arch = SECCOMP_ARCHES.get(platform.machine())
    if arch is None:
        return False
    instructions = _process_filter(arch, os.getpid())
    program = _SockFprog(len(instructions), (_SockFilter * len(instructions))(*instructions))
    return _syscall(libc, arch.seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, program) == 0


def _refuse_shell_command(command: str) -> NoReturn:
    """Stands in for ``os.system``, which would report the refused fork only as exit status 127."""
    raise PermissionError(errno.EPERM, "no new processes may be started in this sandbox", command)


def _landlock_rights(abi: int) -> tuple[int, int, int]:
    """The filesystem, network and scope rights that Landlock ABI ``abi`` knows how to restrict."""
    fs = FS_ABI1 | (FS_REFER if abi >= 2 else 0) | (FS_TRUNCATE if abi >= 3 else 0)
    fs |= FS_IOCTL_DEV if abi >= 5 else 0
    net = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    return fs, net, scoped


def _allow_beneath(libc: ctypes.CDLL, ruleset: int, path: Path, rights: int) -> None:
    """Add a Landlock rule granting ``rights`` beneath ``path`` (only file rights on a file); skip a missing path."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except FileNotFoundError:
        return
    try:
        rule = _PathBeneathAttr(rights if os.path.isdir(path) else rights & FS_FILE_RIGHTS, fd)
        if _syscall(libc, SYS_LANDLOCK_ADD_RULE, ruleset, LANDLOCK_RULE_PATH_BENEATH, rule, 0) != 0:
            number = ctypes.get_errno()
            raise OSError(number, f"Landlock refused a rule for {path}: {os.strerror(number)}")
    finally:
        os.close(fd)


def readable_beneath(readable: Sequence[Path], hidden: Sequence[Path]) -> list[Path]:
    """The paths to grant reading beneath: ``readable``, each split around the ``hidden`` directories inside it.

    Landlock only grants: a directory granted exposes all beneath it. A readable directory that
    holds a hidden one is therefore replaced by its entries, recursively, down to the hidden one,
    which is left out; a hidden directory that holds a readable one does not hide it. Paths are
    resolved first (a link in a granted directory leads where it points, and is split there).
    """
    hidden_real = {Path(os.path.realpath(h)) for h in hidden}
    granted: list[Path] = []
    pending, seen = [Path(os.path.realpath(p)) for p in readable], set()
    while pending:
        path = pending.pop()
        if path in hidden_real or path in seen:
            continue
        seen.add(path)
        if not any(path in h.parents for h in hidden_real) or not path.is_dir():
            granted.append(path)
            continue
        try:
            entries = sorted(os.listdir(path))
        except OSError:
            continue
        pending += [Path(os.path.realpath(path / name)) for name in entries]
    return sorted(set(granted))


def _restrict_filesystem(libc: ctypes.CDLL, readable: Sequence[Path], writable: Sequence[Path]) -> list[str]:
    """Apply a Landlock ruleset; returns ["filesystem", "network"] as far as the kernel's ABI allows."""
    abi = _syscall(libc, SYS_LANDLOCK_CREATE_RULESET, 0, 0, LANDLOCK_CREATE_RULESET_VERSION)
    if abi < 1:
        return []
    fs, net, scoped = _landlock_rights(abi)
    size = 8 if abi < 4 else 16 if abi < 6 else 24  # the struct grew with the ABI
    ruleset = _syscall(libc, SYS_LANDLOCK_CREATE_RULESET, _RulesetAttr(fs, net, scoped), size, 0)
    if ruleset < 0:
        return []
    try:
        for path in readable:
            _allow_beneath(libc, ruleset, path, FS_READ_RIGHTS)
        for path in writable:
            _allow_beneath(libc, ruleset, path, fs)
        if _syscall(libc, SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0) != 0:
            return []
    finally:
        os.close(ruleset)
    return [FILESYSTEM, NETWORK] if net else [FILESYSTEM]


def confine(
    *,
    readable: Sequence[Path],
    writable: Sequence[Path],
    hidden: Sequence[Path] = (),
    limits: ResourceLimits = ResourceLimits(),
) -> tuple[str, ...]:
    """Confine the calling process for good; call it after imports, before running student code.

    Call it from the main thread, before starting threads that run student code: the limits and
    the seccomp filter cover every thread, Landlock and the dropped capabilities (which would let
    root raise the limits again) only the calling thread and the threads it starts later.

    Measured on Debian 12 with CPython 3.11 (numpy and matplotlib imported after confinement, a
    figure saved), a confined Python needs readable only ``python_paths()`` and ``/usr`` (shared
    libraries of extension modules; ``/lib`` and ``/lib64`` link into it on merged-/usr systems).
    ``SYSTEM_READABLE`` adds a few files of ``/etc`` (``ld.so.cache``, ``ssl/openssl.cnf``, time zone; never
    ``/etc/shadow``, which a root process could otherwise read), ``/dev/null``,
    ``/dev/urandom`` and ``/proc/self``. Denied ``/proc/stat`` and ``/sys/devices/system/cpu`` are
    harmless (glibc counts CPUs from the affinity mask). matplotlib needs a writable config
    directory: set ``MPLCONFIGDIR`` (and ``TMPDIR``) to a writable directory before importing it.

    Args:
        readable: absolute paths beneath which files may be read and executed; missing ones are skipped.
        writable: absolute paths beneath which files may be read, written, created and removed.
        hidden: directories that stay unreadable even beneath a readable path (see :func:`readable_beneath`).
        limits: CPU time, address space, file size and open file limits.

    Returns:
        The active protections among ``"resource limits"``, ``"no new processes"`` (fork, vfork
        and clone fail with EPERM, so no new threads either, and ``os.system`` raises
        PermissionError; no signal reaches another process), ``"no sockets"`` (no socket of any
        family, no shared memory, message queues, io_uring, namespaces, mounts or tracing: every
        call of ``REFUSED_SYSCALLS`` fails with EPERM), ``"filesystem"`` (nothing outside
        ``readable`` and ``writable``) and ``"network"`` (no TCP bind or connect; from Landlock ABI
        6 also no signals or abstract unix sockets to processes outside the sandbox).

    Raises:
        ValueError: a path is relative or a limit is not positive.
        OSError: Landlock refused a rule for an existing path (the process is then only partly confined).
    """
    for name, paths in (("readable", readable), ("writable", writable), ("hidden", hidden)):
        relative = [str(p) for p in paths if not Path(p).is_absolute()]
        if relative:
            raise ValueError(f"confine: {name} paths must be absolute, got {relative}")
    for field in ("cpu_seconds", "memory_bytes", "file_bytes", "open_files"):
        if getattr(limits, field) <= 0:
            raise ValueError(f"confine: limits.{field} must be positive, got {getattr(limits, field)}")
    libc = _libc()
    active = [RESOURCE_LIMITS] if _limit_and_drop_capabilities(limits, libc) else []
    if libc is None or libc.prctl(PR_SET_NO_NEW_PRIVS, *map(ctypes.c_ulong, (1, 0, 0, 0))) != 0:
        return tuple(active)
    if _forbid_new_processes(libc):
        os.system = _refuse_shell_command
        active += [NO_NEW_PROCESSES, NO_SOCKETS]
    active += _restrict_filesystem(libc, readable_beneath(readable, hidden), writable)
    return tuple(active)


def drop_privileges(uid: int, gid: int) -> bool:
    """Become user ``uid`` and group ``gid`` for good, with no supplementary groups; False if not root.

    Called by the worker before any student code runs, when the grader runs as root and asks for
    an unprivileged user: changing every user id from 0 also clears every capability.
    """
    if os.geteuid() != 0:
        return False
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    return os.geteuid() == uid and os.getegid() == gid


def python_paths() -> list[Path]:
    """Directories a confined interpreter reads to keep importing: prefixes, stdlib, site-packages, packages.

    The current directory and other ``sys.path`` entries are left out on purpose: a project
    checkout holds the solutions. For an editable install only the package directories of
    ``PYTHON_PACKAGES`` are returned, found with ``importlib.util.find_spec``. The directories
    returned may hold ``autograder`` (installed beside numpy): the sandbox hides it (see
    ``autograder.sandbox.sandbox_view``).
    """
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    paths |= {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    paths |= set(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        paths.add(site.getusersitepackages())
    for name in PYTHON_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            paths |= set(spec.submodule_search_locations)
    return sorted(Path(p) for p in paths if p and os.path.exists(p))
