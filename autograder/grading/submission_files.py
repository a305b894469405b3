"""Reading what a student handed in: regular files inside the submission's folder, bounded, never through a link.

A submission folder (nbgrader's ``submitted/<student>/<assignment>/``, Gradescope's
``/autograder/submission``, a CI checkout) holds what the student chose to put there: symbolic
links (to the solutions, to a classmate's notebook, to ``/dev/zero``), FIFOs, devices, hard links,
huge files, trees too deep or too wide to walk. The grader reads a submission only through this
module, which opens every path component below the folder's *anchor* (the directory above the
student's part of the path: ``submitted/`` in nbgrader's layout, else the folder's parent) with
``O_NOFOLLOW`` and refuses ``..``, so that nothing outside the folder is reached, and reads a file
only when ``fstat`` says it is a regular file with a single name, opened with ``O_NONBLOCK`` and read
up to a limit. A walk of the folder looks at :data:`MAX_ENTRIES` entries at most,
:data:`MAX_DEPTH` folders deep. Whatever is refused raises :class:`RefusedFile`, saying why.
"""

import os
import re
import stat
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from autograder.submission_layout import nbgrader_split

MAX_NOTEBOOK_BYTES = 32 * 2**20
"""The largest notebook read (32 MiB: a notebook with every plot of the course weighs under 1 MiB)."""
MAX_ENTRIES = 10_000
"""The most files and folders a walk of one submission folder looks at."""
MAX_DEPTH = 8
"""How deep below the submission folder a walk goes."""
CHECKPOINTS = ".ipynb_checkpoints"
"""Jupyter's autosaves: never the notebook handed in."""

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


_UNSEEN = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
"""Characters that would hide or rewrite a name in a note: controls (a newline forging a line of the
text report), zero-widths and the bidirectional overrides that reorder what a reader sees."""


def shown(parts: tuple[str, ...] | list[str]) -> str:
    """A path of a submission as a note shows it: its parts joined by ``/``, every hiding character as ``\\uXXXX``, cut at 200."""
    text = _UNSEEN.sub(lambda match: f"\\u{ord(match.group()):04x}", "/".join(parts))
    return text if len(text) <= 200 else text[:199] + "…"


class RefusedFile(OSError):
    """A path of a submission the grader does not read; the message says why, for the student."""


@dataclass(frozen=True)
class SubmissionFolder:
    """One student's folder: the trusted directory above it and the folders below that lead to it.

    Attributes:
        anchor: the directory the folder is in, named by the instructor (followed as it is).
        parts: the folders from ``anchor`` to the submission folder, each opened without following a link.
    """

    anchor: Path
    parts: tuple[str, ...]

    @property
    def path(self) -> Path:
        """The folder's path."""
        return self.anchor.joinpath(*self.parts)

    def read(self, relative: tuple[str, ...], *, limit: int = MAX_NOTEBOOK_BYTES) -> bytes:
        """The bytes of the regular file ``relative`` inside the folder, at most ``limit`` of them.

        Raises:
            RefusedFile: when it is a link, a special file, has several names, is larger than
                ``limit``, or a folder on its way is a link.
            FileNotFoundError: when it does not exist.
        """
        if not relative or any(part in ("", ".", "..") or "/" in part for part in relative):
            raise RefusedFile(f"{shown(relative)!r} is not a path inside the submission")
        with self._opened(relative[:-1]) as directory:
            handle = _open(relative[-1], _FILE, directory, shown(relative))
        with os.fdopen(handle, "rb") as stream:
            info = os.fstat(stream.fileno())
            name = shown(relative)
            if not stat.S_ISREG(info.st_mode):
                raise RefusedFile(f"{name} is not a regular file ({_kind(info.st_mode)}): not read")
            if info.st_nlink > 1:
                raise RefusedFile(
                    f"{name} is a hard link ({info.st_nlink} names on this disk): not read; hand in a copy of the file"
                )
            if info.st_size > limit:
                raise RefusedFile(f"{name} holds {info.st_size} bytes, more than the {limit} read: not read")
            data = stream.read(limit + 1)
        if len(data) > limit:
            raise RefusedFile(f"{name} grew beyond {limit} bytes while it was read: not read")
        return data

    def entry(self, relative: tuple[str, ...]) -> str:
        """What ``relative`` is, seen without following it: ``"file"``, ``"folder"``, ``"link"``, ``"special"`` or ``"missing"``."""
        try:
            with self._opened(relative[:-1]) as directory:
                info = os.stat(relative[-1], dir_fd=directory, follow_symlinks=False)
        except (FileNotFoundError, NotADirectoryError):
            return "missing"
        except RefusedFile:
            return "link"
        if stat.S_ISLNK(info.st_mode):
            return "link"
        return "file" if stat.S_ISREG(info.st_mode) else "folder" if stat.S_ISDIR(info.st_mode) else "special"

    def notebooks(self) -> tuple[list[tuple[str, ...]], list[str]]:
        """The notebooks in the folder's tree that are regular files, and what was passed over and why.

        Notebooks come in sorted order, top-level ones first; checkpoints are left out. Links,
        special files and what lies beyond :data:`MAX_ENTRIES` or :data:`MAX_DEPTH` are passed over.
        """
        found: list[tuple[str, ...]] = []
        passed: list[str] = []
        seen = 0
        pending: deque[tuple[str, ...]] = deque([()])
        while pending:
            below = pending.popleft()
            if len(below) > MAX_DEPTH:
                passed.append(f"{shown(below)}: deeper than {MAX_DEPTH} folders, not looked into")
                continue
            listed = []
            with self._opened(below) as directory, os.scandir(directory) as entries:
                for entry in entries:
                    seen += 1
                    if seen > MAX_ENTRIES:
                        passed.append(f"more than {MAX_ENTRIES} files and folders: the rest was not looked at")
                        pending.clear()
                        break
                    listed.append(entry)
            for entry in sorted(listed, key=lambda entry: entry.name):
                relative = (*below, entry.name)
                name = shown(relative)
                if entry.is_symlink():
                    if entry.name.endswith(".ipynb") or entry.name == CHECKPOINTS:
                        passed.append(f"{name} is a symbolic link: not followed")
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name != CHECKPOINTS:
                        pending.append(relative)
                elif entry.name.endswith(".ipynb"):
                    if entry.is_file(follow_symlinks=False):
                        found.append(relative)
                    else:
                        passed.append(f"{name} is not a regular file: not read")
        return found, passed

    @contextmanager
    def _opened(self, below: tuple[str, ...]) -> Iterator[int]:
        """A descriptor of the folder ``below`` inside the submission folder, no link followed from the anchor on."""
        try:
            handle = os.open(self.anchor, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except NotADirectoryError:
            raise NotADirectoryError(f"{self.anchor} is not a folder") from None
        try:
            walked: list[str] = []
            for part in (*self.parts, *below):
                walked.append(part)
                inner = _open(part, _DIRECTORY, handle, shown(walked), folder=True, inside=len(walked) > len(self.parts))
                os.close(handle)
                handle = inner
            yield handle
        finally:
            os.close(handle)


def _open(name: str, flags: int, directory: int, shown: str, *, folder: bool = False, inside: bool = True) -> int:
    """``os.open(name, flags, dir_fd=directory)``, a link or a file in a folder's place refused with a message."""
    try:
        return os.open(name, flags, dir_fd=directory)
    except OSError as error:
        info = _lstat(name, directory)
        if info is not None and stat.S_ISLNK(info.st_mode):
            what = shown if inside else f"the submission folder {shown}"
            raise RefusedFile(f"{what} is a symbolic link: not followed") from None
        if folder and info is not None and not stat.S_ISDIR(info.st_mode):
            raise NotADirectoryError(f"{shown} is not a folder") from None
        if isinstance(error, FileNotFoundError):
            raise FileNotFoundError(f"{shown} does not exist") from None
        raise RefusedFile(f"{shown} cannot be opened ({error.strerror or error})") from None


def _lstat(name: str, directory: int) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=directory, follow_symlinks=False)
    except OSError:
        return None


def _kind(mode: int) -> str:
    """The kind of a file that is not regular, in words."""
    kinds = {
        stat.S_ISFIFO: "a FIFO",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
        stat.S_ISDIR: "a folder",
    }
    return next((words for test, words in kinds.items() if test(mode)), "not a regular file")


def submission_folder(path: str | Path) -> tuple[SubmissionFolder, tuple[str, ...]]:
    """The submission folder ``path`` names or lies in, and ``path``'s parts inside it (``()`` for the folder).

    In nbgrader's layout the folder is ``submitted/<student>/<assignment>``; otherwise it is ``path``
    when ``path`` is not a notebook, else the notebook's folder. Nothing is read; the path is made
    absolute without resolving links (those below the anchor are refused when read).
    """
    absolute = Path(os.path.abspath(path))
    layout = nbgrader_split(absolute)
    if layout is not None:
        submitted, student, assignment, rest = layout
        return SubmissionFolder(Path(submitted), (student, assignment)), rest
    if absolute.suffix == ".ipynb" and absolute.parent != absolute:
        folder, inside = absolute.parent, (absolute.name,)
    else:
        folder, inside = absolute, ()
    if folder.parent == folder:  # the root of the file system: no anchor above it
        return SubmissionFolder(folder, ()), inside
    return SubmissionFolder(folder.parent, (folder.name,)), inside


@dataclass(frozen=True)
class SubmittedNotebook:
    """The notebook of a submission: where it is inside its folder, and what a reader should know about the choice.

    Attributes:
        folder: the submission folder.
        relative: the notebook's path inside it.
        notes: what else the folder held (other notebooks, links passed over), for the result's notes.
    """

    folder: SubmissionFolder
    relative: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        """The notebook's path."""
        return self.folder.path.joinpath(*self.relative)

    def read(self) -> bytes:
        """Its bytes (see :meth:`SubmissionFolder.read`)."""
        return self.folder.read(self.relative)


def find_notebook(submission: str | Path, assignment: str | None = None) -> SubmittedNotebook:
    """The notebook of a submission: the notebook it names, or the one its folder holds.

    In a folder, ``<assignment>.ipynb`` at its top is graded (in nbgrader's layout the assignment
    is the folder's name), else its only notebook; other notebooks and links passed over become
    notes. Several notebooks none of which is the assignment's are not guessed between.

    Raises:
        FileNotFoundError: when there is no such notebook, or several to choose from.
        RefusedFile: when the folder, or a folder on the way to it, is a symbolic link.
    """
    folder, inside = submission_folder(submission)
    if inside:
        if folder.entry(inside) == "missing":
            raise FileNotFoundError(f"{submission} does not exist")
        return SubmittedNotebook(folder, inside)
    assignment = assignment or (folder.parts[-1] if nbgrader_split(folder.path) else None)
    try:
        notebooks, passed = folder.notebooks()
    except FileNotFoundError:
        raise FileNotFoundError(f"{submission} does not exist") from None
    except NotADirectoryError:
        raise FileNotFoundError(f"{submission} is neither a notebook nor a folder") from None
    names = [shown(relative) for relative in notebooks]
    preferred = (f"{assignment}.ipynb",)
    if assignment and preferred in notebooks:
        chosen = preferred
    elif len(notebooks) == 1:
        chosen = notebooks[0]
    else:
        wanted = f" and none is {assignment}.ipynb" if assignment else ""
        held = f"{len(notebooks)} notebooks ({clipped_list(names)}){wanted}" if notebooks else "no notebook"
        why = f" ({clipped_list(passed)})" if passed else ""
        raise FileNotFoundError(f"{submission} holds {held}{why}: nothing was graded")
    notes = []
    if others := [shown(relative) for relative in notebooks if relative != chosen]:
        notes.append(
            f"your submission holds {len(notebooks)} notebooks: {shown(chosen)} was graded, "
            f"not {clipped_list(others)}"
        )
    if passed:
        notes.append(f"passed over in your submission: {clipped_list(passed)}")
    return SubmittedNotebook(folder, chosen, tuple(notes))


def clipped_list(items: list[str], count: int = 5) -> str:
    """The first ``count`` items joined by commas, and how many more there are."""
    text = ", ".join(items[:count])
    return text + (f" and {len(items) - count} more" if len(items) > count else "")
