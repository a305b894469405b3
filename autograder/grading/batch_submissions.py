"""Which submissions a batch names: one per student folder, found without following a link.

``autograder grade`` and ``autograder similarity`` take notebooks, folders and glob patterns; this
module turns them into submissions, one per student: nbgrader's ``submitted/`` into its
``submitted/<student>/<assignment>/`` folders, a pattern into the folders it matches, and never the
folders inside a student's own folder into classmates.
"""

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from autograder.grading.submission_files import CHECKPOINTS, submission_folder
from autograder.submission_layout import NBGRADER_SUBMITTED, nbgrader_split


def expand_submissions(arguments: Iterable[str]) -> list[str]:
    """The submissions named by the arguments, in order, each once: one per student folder.

    A glob pattern stands for what it matches (in sorted order), never through a link. nbgrader's
    ``submitted/`` stands for each student's ``submitted/<student>/``, which stands for each of its
    assignment folders; any other folder is one submission. A notebook in nbgrader's layout, or
    matched by a pattern, stands for its folder. A folder holding a single notebook is named by that
    notebook, one holding several by itself (graded as one submission, see
    :func:`autograder.grading.submission_files.find_notebook`). A notebook named outside nbgrader's
    layout stands for itself, and anything else too (a missing path becomes a result saying so).
    """
    found: list[str] = []
    for argument in arguments:
        if glob.has_magic(argument):
            found += [s for match in matching(argument) for s in submissions_at(Path(match), matched=True)]
        else:
            found += submissions_at(Path(argument))
    return list(dict.fromkeys(found))


def matching(pattern: str) -> list[str]:
    """The paths a glob pattern matches, sorted, ``**`` never following a symbolic link.

    ``glob.glob(recursive=True)`` follows links to folders: a link to ``/`` in one student's
    folder would send ``submitted/**/rnn.ipynb`` through the whole file system, and a link to its
    own folder around a loop. ``pathlib``'s ``**`` does not follow them.
    """
    parts = Path(pattern).parts
    first = next(index for index, part in enumerate(parts) if glob.has_magic(part))
    root = Path(*parts[:first]) if first else Path(".")
    return sorted(str(match) for match in root.glob(str(Path(*parts[first:]))))


def submissions_at(path: Path, *, matched: bool = False) -> list[str]:
    """The submissions ``path`` stands for (see :func:`expand_submissions`); ``matched`` when a pattern matched it.

    Only nbgrader's ``submitted/`` and ``submitted/<student>/`` stand for the folders in them; any
    other folder is one submission, never split: a student cannot make classmates of the folders in
    their own (a folder per student in another layout is named by a pattern, ``class/*``).
    """
    absolute = Path(os.path.abspath(path))
    if nbgrader_split(absolute) is None and path.is_dir() and not path.is_symlink():
        if absolute.name == NBGRADER_SUBMITTED or absolute.parent.name == NBGRADER_SUBMITTED:
            return [s for folder in subfolders(path) for s in submissions_at(folder)]
    return [submission_label(path, matched=matched)]


def submission_label(path: Path, *, matched: bool = False) -> str:
    """How one submission is named: its only notebook, else its folder; a notebook named outside nbgrader's layout as given."""
    folder, inside = submission_folder(path)
    if inside and not matched and nbgrader_split(os.path.abspath(path)) is None:
        return str(path)
    given = Path(*path.parts[: len(path.parts) - len(inside)]) if len(path.parts) > len(inside) else Path(".")
    try:
        notebooks, passed = folder.notebooks()
    except OSError:
        return str(given)
    return str(given.joinpath(*notebooks[0])) if len(notebooks) == 1 and not passed else str(given)


def subfolders(directory: Path) -> list[Path]:
    """The folders (and links, which grading will refuse) directly in ``directory``, in sorted order."""
    with os.scandir(directory) as entries:
        names = sorted(e.name for e in entries if e.is_dir(follow_symlinks=False) or e.is_symlink())
    return [directory / name for name in names if name != CHECKPOINTS]
