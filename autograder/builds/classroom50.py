"""``autograder build classroom50``: the assignment for Classroom 50 (``foundation50/classroom50``).

Classroom 50 grades each submission in the student's own repository: its runner fetches the
assignment's autograder directory, ``CLASSROOM/autograders/ASSIGNMENT/`` of the instructor's
``classroom50`` repository (published through GitHub Pages), runs its ``autograder.py`` with
the student's checkout as the working directory, and reads ``./result.json`` (the
``classroom50/result/v1`` contract; see :mod:`autograder.formats.classroom50`). The build makes
(``<a>`` the assignment id)::

    autograders/<a>/autograder.py   the entrypoint: installs package/ in a virtual environment
                                    and grades <a>.ipynb with --format classroom50
    autograders/<a>/package/        the public autograder (the package and the release)
    template/                       the student template repository: the core's student copy

Both halves are readable by students (the autograder directory is published and runs in their
repository), so neither holds a solution or a hidden test: the hidden checks run where the
solutions are private, in the instructor's own ``autograder grade`` over the collected repositories.
"""

from pathlib import Path

from autograder.builds.package_source import REPOSITORY, render
from autograder.builds.student_repository import (
    empty_directory,
    write_public_autograder,
    write_student_repository,
)

GRADING = (
    "**On every submission** (a push, or `gh student submit`, as your instructor set it up),\n"
    "Classroom 50 runs the public checks of `{notebook}` and publishes your score as a Release\n"
    "of this repository (tag `submit/...`), with a table of every check."
)


def build_classroom50(assignment: str, out_dir: Path, *, repository: Path = REPOSITORY) -> Path:
    """Build the Classroom 50 autograder directory and student template of ``assignment``.

    Args:
        assignment: the assignment id, e.g. ``"rnn"``; its release is ``assignments/<a>/``.
        out_dir: created, and must be empty if it exists; receives ``autograders/`` and ``template/``.
        repository: the course checkout holding ``assignments/`` and ``autograder/``.

    Returns:
        ``out_dir``.

    Raises:
        FileNotFoundError: when the assignment has no release in ``repository``.
        FileExistsError: when ``out_dir`` exists and is not empty.
    """
    out_dir = empty_directory(out_dir)
    notebook = f"{assignment}.ipynb"
    write_student_repository(
        assignment, out_dir / "template", repository=repository, grading=GRADING.format(notebook=notebook)
    )
    autograder = out_dir / "autograders" / assignment
    write_public_autograder(autograder / "package", assignment, repository=repository)
    (autograder / "autograder.py").write_text(
        render("classroom50_autograder.py", assignment=assignment, notebook=notebook), encoding="utf-8"
    )
    return out_dir
