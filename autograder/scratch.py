"""The scratch directory of a sandbox without bubblewrap: made, measured and removed by the grader.

Under bubblewrap the scratch directory is a size-limited tmpfs that only the student process
sees and that disappears with it. Without bubblewrap it is a directory on disk, so the grader
bounds it itself: after each cell and call it counts what the directory holds
(:func:`check_scratch`), and at the end removes it whatever the student did to it
(:func:`remove_scratch`). Both walk the tree through directory descriptors and never follow a
link, so nothing the student made (links, FIFOs, devices it cannot make anyway) can lead the
grader elsewhere.
"""

import os
import shutil
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path


class ScratchOverflow(Exception):
    """The scratch directory holds more files or bytes than allowed."""


def make_scratch(support_files: Sequence[Path], *, owner: tuple[int, int] | None = None) -> Path:
    """A new private scratch directory holding copies of the support files.

    Args:
        support_files: files copied into it, read-only.
        owner: the user and group that will run in it (the grader stays the owner of the copies).
    """
    scratch = Path(tempfile.mkdtemp(prefix="autograder-sandbox-"))
    for path in support_files:
        copy = scratch / Path(path).name
        shutil.copyfile(path, copy)
        copy.chmod(0o444)
    if owner is not None:
        os.chown(scratch, *owner)
    return scratch


def check_scratch(scratch: Path, *, max_bytes: int, max_files: int) -> None:
    """Raise ScratchOverflow when ``scratch`` holds more than ``max_files`` entries or ``max_bytes`` bytes.

    The walk stops as soon as a limit is passed, so a directory of a million files costs little.
    """
    files = size = 0
    for _, directories, names, directory in os.fwalk(scratch, follow_symlinks=False):
        for name in (*directories, *names):
            files += 1
            try:
                size += os.stat(name, dir_fd=directory, follow_symlinks=False).st_blocks * 512
            except OSError:
                continue
            if files > max_files or size > max_bytes:
                raise ScratchOverflow(
                    f"it filled its scratch directory (more than {max_files} files or "
                    f"{max_bytes // 2**20} MiB), the most student code may write"
                )


def remove_scratch(scratch: Path) -> None:
    """Remove ``scratch`` and everything in it, whatever permissions the student process left.

    Call it once the student process has ended: it makes every directory writable again (only
    real directories, found without following links), then removes the tree.
    """
    try:
        os.chmod(scratch, 0o700)
        for _, directories, _, directory in os.fwalk(scratch, follow_symlinks=False):
            for name in directories:
                if stat.S_ISDIR(os.stat(name, dir_fd=directory, follow_symlinks=False).st_mode):
                    os.chmod(name, 0o700, dir_fd=directory)
    except OSError:
        pass
    shutil.rmtree(scratch, ignore_errors=True)
