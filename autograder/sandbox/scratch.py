"""The scratch directory of a student process: made, measured and removed by the grader.

Under bubblewrap the scratch directory is a tmpfs of its own, inside the sandbox, whose size the
kernel bounds; the grader bounds the files in it: it holds a descriptor of that tmpfs
(:func:`open_scratch_of`, through ``/proc/<pid>/root``) and reads how many inodes it uses
(:func:`check_tmpfs`), a count the student process cannot change but by deleting files. Without
bubblewrap it is a directory on disk, so the grader bounds both itself: it counts what the
directory holds (:func:`check_scratch`), and at the end removes it whatever the student did to it
(:func:`remove_scratch`). Both walk the tree through directory descriptors and never follow a
link, so nothing the student made (links, FIFOs, devices it cannot make anyway) can lead the
grader elsewhere. Either check runs while the grader waits for an answer and after each one.
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


def overflow_message(max_files: int, max_bytes: int) -> str:
    """What a student is told when their process filled its scratch directory."""
    return (
        f"it filled its scratch directory (more than {max_files} files or "
        f"{max_bytes // 2**20} MiB), the most student code may write"
    )


def open_scratch_of(pid: int, scratch: Path) -> int | None:
    """A descriptor of the directory ``scratch`` as process ``pid`` sees it (in its own mount namespace), or None.

    Opened with ``O_PATH``: it reads nothing in the directory, and stays on the same file system
    whatever the process does afterwards. None when the process is gone or this grader may not
    look into it.
    """
    flags = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        return os.open(f"/proc/{pid}/root{scratch}", flags)
    except OSError:
        return None


def check_tmpfs(scratch: int, *, max_files: int, max_bytes: int) -> None:
    """Raise ScratchOverflow when the file system of the descriptor ``scratch`` uses more than ``max_files`` inodes.

    ``scratch`` is a tmpfs of its own, the student process's scratch directory (its size is the
    kernel's to bound, ``max_bytes``; it is only named in the message).
    """
    usage = os.fstatvfs(scratch)
    if usage.f_files - usage.f_ffree > max_files:
        raise ScratchOverflow(overflow_message(max_files, max_bytes))


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
            raise ScratchOverflow(overflow_message(max_files, max_bytes))


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
