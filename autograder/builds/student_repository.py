"""The core every build shares: where an assignment's files are, and what a student's copy holds.

A student's copy of an assignment (the student bundle, and the template repository of every
platform that grades in the student's own repository) is laid out as (``<a>`` the assignment)::

    <a>.ipynb, <a>_support.py       the released notebook and its support files, byte for byte
    README.md                       for students: set up, run the checks, what is graded where
    requirements.txt                installs ./grader
    grader/pyproject.toml           the public autograder, as an installable project
    grader/autograder/              the package as grading <a> needs it (no other assignment's
                                    checks or data, nothing of the instructor's), holding the
        releases/<a>/               release: the public test cells, no solution, no hidden test
    .gitignore

A platform adds its own files (a workflow, an entrypoint) and says in the README how it grades.
Nothing here comes from ``solutions/``.
"""

import shutil
from pathlib import Path

from autograder.builds.package_source import (
    TEMPLATES,
    copy_assignment_files,
    copy_package,
    render,
    write_pyproject,
)

PUBLIC_AUTOGRADER = Path("grader")
"""Where a student's copy keeps the public autograder: a visible folder (a hidden one is lost when a
student zips the folder again, and Jupyter's file browser does not show it), not named ``autograder``
(it would hide the installed package from a notebook started in the folder)."""


def release_of(assignment: str, repository: Path) -> Path:
    """The directory of the released notebook ``assignments/<assignment>/``.

    Raises:
        FileNotFoundError: when the assignment has no released notebook.
    """
    return _notebook_directory(repository / "assignments" / assignment, assignment, "released")


def source_of(assignment: str, repository: Path) -> Path:
    """The directory of the source notebook ``solutions/<assignment>/`` (instructor-only builds).

    Raises:
        FileNotFoundError: when the assignment has no source notebook.
    """
    return _notebook_directory(repository / "solutions" / assignment, assignment, "source")


def _notebook_directory(directory: Path, assignment: str, kind: str) -> Path:
    notebook = directory / f"{assignment}.ipynb"
    if not notebook.is_file():
        raise FileNotFoundError(f"no {kind} notebook {notebook}")
    return directory


def empty_directory(path: Path) -> Path:
    """Create ``path`` (and its parents) for a build, refusing one that already holds files.

    Raises:
        FileExistsError: when ``path`` exists and is not empty.
    """
    path = Path(path)
    if path.exists() and any(path.iterdir()):
        raise FileExistsError(f"{path} is not empty")
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_public_autograder(destination: Path, assignment: str, *, repository: Path) -> Path:
    """Write the public autograder of ``assignment`` to ``destination``: package, release, pyproject.

    The package grades with the test cells of the release it carries (``releases/<a>/``), so
    without the solutions it runs the public checks and says the hidden ones did not run.
    """
    package = copy_package(destination, assignment, repository=repository)
    copy_assignment_files(release_of(assignment, repository), package / "releases" / assignment)
    write_pyproject(
        destination, repository=repository, summary=f"Public checks of the '{assignment}' assignment."
    )
    return destination


def write_student_repository(assignment: str, out_dir: Path, *, repository: Path, grading: str) -> list[Path]:
    """Write a student's copy of ``assignment`` into the empty directory ``out_dir``.

    Args:
        assignment: the assignment id, e.g. ``"rnn"``.
        out_dir: created, and must be empty if it exists.
        repository: the course checkout holding ``assignments/`` and ``autograder/``.
        grading: the README's paragraph on what is graded, where and when (Markdown).

    Returns:
        The copied release files (the notebook, its support modules and the data it reads).

    Raises:
        FileNotFoundError: when the assignment has no release in ``repository``.
        FileExistsError: when ``out_dir`` exists and is not empty.
    """
    release = release_of(assignment, repository)
    out_dir = empty_directory(out_dir)
    copies = copy_assignment_files(release, out_dir, with_data=True)
    write_public_autograder(out_dir / PUBLIC_AUTOGRADER, assignment, repository=repository)
    notebook = f"{assignment}.ipynb"
    support = ", ".join(f"`{p.name}`" for p in copies if p.suffix == ".py") or "nothing"
    (out_dir / "requirements.txt").write_text(f"./{PUBLIC_AUTOGRADER}\n", encoding="utf-8")
    (out_dir / "README.md").write_text(
        render(
            "student-README.md",
            assignment=assignment,
            notebook=notebook,
            support=support,
            grading=grading,
            grader=str(PUBLIC_AUTOGRADER),
        ),
        encoding="utf-8",
    )
    shutil.copy2(TEMPLATES / "student.gitignore", out_dir / ".gitignore")
    return copies
