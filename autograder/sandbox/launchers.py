"""How a student process is started: one launcher per mechanism, chosen once per process start.

:class:`autograder.sandbox.process.Sandbox` keeps the calls, the limits and the replies; a launcher
says only how its worker (or the zygote it is forked from) comes to life:

* :class:`Bubblewrapped`: in bubblewrap's namespaces, with a private tmpfs as its scratch
  directory (one per lane under a zygote), the package's view and the support files mounted
  read-only, no network;
* :class:`InScratchFolder`: as a plain process in a scratch directory the grader makes on disk for
  each process and checks after every cell and call (where bubblewrap is missing or refused).

Either way the worker then confines itself (:mod:`autograder.sandbox.confinement`). A new
mechanism (a container runtime) is one more class with these methods, and a line in
:func:`choose_launcher`.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from autograder.sandbox.bubblewrap import (
    MATPLOTLIB_CONFIG,
    SCRATCH,
    SCRATCH_LANES,
    SUPPORT,
    bubblewrap,
    bubblewrap_command,
    lane_scratch,
    matplotlib_cache_dir,
)
from autograder.sandbox.confinement import python_paths
from autograder.sandbox.protections import BUBBLEWRAP
from autograder.sandbox.sandbox_view import PACKAGE, hidden_directories, view_files


@dataclass(frozen=True)
class Mounts:
    """What a launched process is given besides its command: its support files and the size of its scratch."""

    support_files: tuple[Path, ...]
    scratch_bytes: int


class Launcher(Protocol):
    """How a worker, or the zygote workers are forked from, is started.

    Attributes:
        key: what tells this launcher's zygotes from another's (sandboxes share a zygote only
            when their launchers have the same key).
        protections: the protections the launcher itself gives, from outside the process.
        grader_makes_scratch: True when the grader makes (and checks) a scratch directory on disk
            for each process; False when the launcher gives the process one of its own.
        reports_pid: True when the worker's command writes the started process's pid to its
            ``info_fd`` (:func:`autograder.sandbox.bubblewrap.sandbox_pid` reads it).
    """

    key: tuple
    protections: tuple[str, ...]
    grader_makes_scratch: bool
    reports_pid: bool

    def scratch(self, own: Path | None, *, lane: int | None) -> Path:
        """The scratch directory as the worker sees it: its lane's under a zygote (``lane``), else its own.

        ``own`` is the directory the grader made, when it makes one.
        """

    def environment(self, scratch: Path) -> dict[str, str]:
        """The whole environment of a process whose scratch directory is ``scratch``."""

    def zygote(self, command: list[str], mounts: Mounts) -> tuple[list[str], dict[str, str], dict]:
        """How to start a zygote: its command, its environment and the settings it is given."""

    def worker(self, command: list[str], env: dict[str, str], mounts: Mounts, *, info_fd: int | None) -> list[str]:
        """The command that starts a worker afresh with environment ``env``."""

    def exit_status(self, code: int) -> int:
        """A started worker's exit status as the process gave it (a signal ``n`` as ``-n``)."""


def worker_environment(scratch: Path, matplotlib_config: str) -> dict[str, str]:
    """A small environment for the worker: one BLAS thread, Agg, its home in the scratch directory."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": matplotlib_config,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


@dataclass(frozen=True)
class Bubblewrapped:
    """Workers in bubblewrap's namespaces, each scratch directory a tmpfs of its own.

    matplotlib's configuration directory is the grader's cache (its font list), mounted at
    :data:`~autograder.sandbox.bubblewrap.MATPLOTLIB_CONFIG`.
    """

    bwrap: str
    protections: tuple[str, ...] = (BUBBLEWRAP,)
    grader_makes_scratch: bool = False
    reports_pid: bool = True

    @property
    def key(self) -> tuple:
        """Bubblewrap's zygotes, by the ``bwrap`` they run under."""
        return ("bubblewrap", self.bwrap)

    def scratch(self, own: Path | None, *, lane: int | None) -> Path:  # noqa: D102 - see Launcher
        return lane_scratch(lane) if lane is not None else SCRATCH

    def environment(self, scratch: Path) -> dict[str, str]:  # noqa: D102
        return worker_environment(scratch, str(MATPLOTLIB_CONFIG))

    def zygote(self, command: list[str], mounts: Mounts) -> tuple[list[str], dict[str, str], dict]:  # noqa: D102
        env = self.environment(SCRATCH)
        wrapped = self._command(command, env, mounts, files_at=SUPPORT, lanes=SCRATCH_LANES)
        return wrapped, env, {"support": str(SUPPORT)}

    def worker(self, command: list[str], env: dict[str, str], mounts: Mounts, *, info_fd: int | None) -> list[str]:  # noqa: D102
        return self._command(command, env, mounts, info_fd=info_fd)

    def exit_status(self, code: int) -> int:  # noqa: D102
        return 128 - code if code > 128 else code  # bubblewrap reports a signal n as 128 + n

    def _command(
        self,
        command: list[str],
        env: dict[str, str],
        mounts: Mounts,
        *,
        files_at: Path = SCRATCH,
        lanes: int = 0,
        info_fd: int | None = None,
    ) -> list[str]:
        """``command`` run by bubblewrap: Python, the package's view, matplotlib's font lists, the support files in ``files_at``."""
        return bubblewrap_command(
            command,
            bwrap=self.bwrap,
            readable=python_paths(),
            view=(PACKAGE, view_files()),
            hidden=hidden_directories(),
            matplotlib_cache=matplotlib_cache_dir(),
            files={p.name: p for p in mounts.support_files},
            files_at=files_at,
            scratch_bytes=mounts.scratch_bytes,
            env=env,
            lanes=lanes,
            info_fd=info_fd,
        )


@dataclass(frozen=True)
class InScratchFolder:
    """Workers started as they are, each in a scratch directory the grader makes on disk and checks."""

    protections: tuple[str, ...] = ()
    grader_makes_scratch: bool = True
    reports_pid: bool = False

    @property
    def key(self) -> tuple:
        """One kind of plain zygote."""
        return ("plain",)

    def scratch(self, own: Path | None, *, lane: int | None) -> Path:  # noqa: D102 - see Launcher
        if own is None:
            raise ValueError("a plain process works in the scratch directory the grader made for it")
        return own

    def environment(self, scratch: Path) -> dict[str, str]:  # noqa: D102
        import matplotlib  # here only: importing it costs the grader a fifth of a second

        return worker_environment(scratch, matplotlib.get_cachedir())

    def zygote(self, command: list[str], mounts: Mounts) -> tuple[list[str], dict[str, str], dict]:  # noqa: D102
        return command, self.environment(Path("/")), {}

    def worker(self, command: list[str], env: dict[str, str], mounts: Mounts, *, info_fd: int | None) -> list[str]:  # noqa: D102
        return command

    def exit_status(self, code: int) -> int:  # noqa: D102
        return code


def choose_launcher() -> Launcher:
    """The launcher this machine allows: bubblewrap where it works, else a plain process in a scratch folder."""
    bwrap = bubblewrap()
    return Bubblewrapped(bwrap) if bwrap is not None else InScratchFolder()
