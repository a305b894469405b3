"""Hostile submission folders: what a student can put around a notebook, each named after what it does.

Every entry of :data:`TREES` fills one student's submission folder (nbgrader's
``submitted/<student>/rnn/``, or Gradescope's ``/autograder/submission``) with links, special files,
huge or deep trees, and states a text the note on that student's result must hold. None of them
may earn a point, stop the batch, or cost the honest classmate graded beside them anything.
:data:`GRADERS` are the two graders a course runs: root (CI, Gradescope) and an unprivileged user.
"""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.checking.reference import find_release_notebook
from autograder.instructor.submissions import demo_answers, with_answers
from support.hostile_submissions import SOLUTIONS

GRADERS = {
    "root": [],
    "unprivileged": ["unshare", "--user", "--map-user=1000", "--map-group=1000"],
}
"""How each grader is started: a command prefix (a user namespace maps the suite's user to uid 1000)."""


def notebook_text(answers: str = "reference") -> str:
    """The release filled with the demo student ``answers`` (``reference``: 40/40; ``untouched``: 0)."""
    source = nbformat.read(SOLUTIONS, as_version=4)
    release = nbformat.read(find_release_notebook("rnn"), as_version=4)
    return json.dumps(with_answers(release, demo_answers("rnn", source)[answers]), indent=1) + "\n"


@dataclass(frozen=True)
class Tree:
    """A hostile submission folder.

    Attributes:
        question: what it asks of the grader.
        build: fills the folder (the first argument; made, empty) given the honest classmate's folder.
        says: a text the note on its result holds.
        folder_is_link: the folder itself is a link (made by ``build`` in place of the folder).
    """

    question: str
    build: Callable[[Path, Path], None]
    says: str
    folder_is_link: bool = False


def linked(target: Callable[[Path], Path]) -> Callable[[Path, Path], None]:
    """A folder whose rnn.ipynb is a symbolic link to ``target(honest folder)``."""
    return lambda folder, honest: (folder / "rnn.ipynb").symlink_to(target(honest))


def folder_linked(folder: Path, honest: Path) -> None:
    folder.rmdir()
    folder.symlink_to(honest, target_is_directory=True)


def fifo(folder: Path, honest: Path) -> None:
    os.mkfifo(folder / "rnn.ipynb")


def huge(folder: Path, honest: Path) -> None:
    with open(folder / "rnn.ipynb", "wb") as sparse:  # 40 GiB that take no disk
        sparse.truncate(40 * 2**30)


def hard_linked(folder: Path, honest: Path) -> None:
    copy = folder.parent.parent / "solutions-copy.ipynb"  # outside every submission folder
    if not copy.exists():
        copy.write_bytes(SOLUTIONS.read_bytes())
    os.link(copy, folder / "rnn.ipynb")


def deep(folder: Path, honest: Path) -> None:
    inner = folder.joinpath(*["d"] * 40)
    inner.mkdir(parents=True)
    (inner / "rnn.ipynb").write_text(notebook_text())


def link_to_root_beside_a_stub(folder: Path, honest: Path) -> None:
    (folder / "rnn.ipynb").write_text(notebook_text("untouched"))
    (folder / "everything").symlink_to("/", target_is_directory=True)
    (folder / "solutions.ipynb").symlink_to(SOLUTIONS)


TREES = {
    "links_to_the_solutions": Tree(
        "Is a notebook that is a link to the trusted solutions notebook refused, not graded 40/40?",
        linked(lambda honest: SOLUTIONS),
        "rnn.ipynb is a symbolic link: not followed",
    ),
    "links_to_a_classmate": Tree(
        "Is a notebook that is a link to a classmate's notebook refused?",
        linked(lambda honest: honest / "rnn.ipynb"),
        "rnn.ipynb is a symbolic link: not followed",
    ),
    "links_to_dev_zero": Tree(
        "Is a notebook that is a link to /dev/zero refused before a byte is read?",
        linked(lambda honest: Path("/dev/zero")),
        "rnn.ipynb is a symbolic link: not followed",
    ),
    "is_a_fifo": Tree(
        "Is a notebook that is a FIFO refused without blocking the grader?",
        fifo,
        "rnn.ipynb is not a regular file",
    ),
    "is_huge": Tree(
        "Is a 40 GiB notebook refused by its size, not read?",
        huge,
        "more than the 33554432 read",
    ),
    "is_a_hard_link": Tree(
        "Is a notebook with a second name elsewhere (a hard link) refused?",
        hard_linked,
        "is a hard link",
    ),
    "folder_links_to_a_classmate": Tree(
        "Is a submission folder that is a link to a classmate's folder refused?",
        folder_linked,
        "is a symbolic link: not followed",
        folder_is_link=True,
    ),
    "hides_its_notebook_deep": Tree(
        "Is a tree 40 folders deep looked into no deeper than the bound, and said so?",
        deep,
        "deeper than 8 folders",
    ),
    "links_to_the_root_beside_a_stub": Tree(
        "Are links beside the notebook (to / and to the solutions) passed over and named, the notebook graded?",
        link_to_root_beside_a_stub,
        "solutions.ipynb is a symbolic link: not followed",
    ),
}


def grade(
    prefix: list[str], arguments: list[str], *, environment: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``autograder ARGUMENTS`` run by the grader ``prefix`` starts, with the suite's Python."""
    command = [*prefix, sys.executable, "-m", "autograder", *arguments]
    return subprocess.run(
        command, env={**os.environ, **(environment or {})}, capture_output=True, text=True, timeout=900
    )
