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
import tempfile
from collections.abc import Iterator, Sequence
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
    copy_support_files(support_files, scratch)
    if owner is not None:
        os.chown(scratch, *owner)
    return scratch


def copy_support_files(support_files: Sequence[Path], scratch: Path) -> None:
    """Copy each support file into ``scratch``, read-only, under its own name."""
    for path in support_files:
        copy = scratch / Path(path).name
        shutil.copyfile(path, copy)
        copy.chmod(0o444)


OPEN_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
"""Opens only a real directory: a link, a FIFO or a device in its place fails at once, never blocks."""


def entries(scratch: Path) -> Iterator[tuple[int, os.DirEntry]]:
    """Every entry beneath ``scratch``, with the descriptor of its directory, top down.

    Directories are opened with :data:`OPEN_DIRECTORY` relative to their parent's descriptor, so
    a student process still running cannot lead the walk out of the tree or make it block by
    swapping a directory for a link or a FIFO. An entry that vanishes or cannot be opened is
    yielded but not entered.
    """
    pending = [os.open(scratch, OPEN_DIRECTORY)]
    try:
        while pending:
            directory = pending.pop()
            try:
                with os.scandir(directory) as listing:
                    for entry in listing:
                        yield directory, entry
                        if entry.is_dir(follow_symlinks=False):
                            try:
                                pending.append(os.open(entry.name, OPEN_DIRECTORY, dir_fd=directory))
                            except OSError:
                                pass
            finally:
                os.close(directory)
    finally:
        for directory in pending:
            os.close(directory)


def check_scratch(scratch: Path, *, max_bytes: int, max_files: int) -> None:
    """Raise ScratchOverflow when ``scratch`` holds more than ``max_files`` entries or ``max_bytes`` bytes.

    The walk stops as soon as a limit is passed, so a directory of a million files costs little.
    """
    files = size = 0
    for _, entry in entries(scratch):
        files += 1
        try:
            size += entry.stat(follow_symlinks=False).st_blocks * 512
        except OSError:
            pass
        if files > max_files or size > max_bytes:
            raise ScratchOverflow(
                f"it filled its scratch directory (more than {max_files} files or "
                f"{max_bytes // 2**20} MiB), the most student code may write"
            )


def remove_scratch(scratch: Path) -> None:
    """Remove ``scratch`` and everything in it, whatever permissions the student process left.

    Call it once the student process has ended: it makes every directory writable and
    searchable again (only real directories, found without following links), then removes the tree.
    """
    try:
        os.chmod(scratch, 0o700)
        for directory, entry in entries(scratch):
            if entry.is_dir(follow_symlinks=False):
                os.chmod(entry.name, 0o700, dir_fd=directory)
    except OSError:
        pass
    shutil.rmtree(scratch, ignore_errors=True)
