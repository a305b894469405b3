"""``autograder build classroom``: a GitHub Classroom template repository for one assignment.

The layout of the built repository (``<a>`` is the assignment id)::

    <a>.ipynb, <a>_support.py       the released notebook and its support files
    README.md                       for students: set-up, running the checks, what is graded
    requirements.txt                installs ./.autograder
    .autograder/pyproject.toml      the public autograder, as an installable project
    .autograder/autograder/         the package source, without instructor-only modules,
        releases/<a>/               holding the release: the public test cells, no solutions
    .github/workflows/classroom.yml grades on every push with ``--format github`` and reports
                                    the points with GitHub Classroom's grading reporter
    .gitignore

Nothing in it comes from ``solutions/``: without solutions the grader runs the public checks
of the release and says that the hidden ones did not run.
"""

import shutil
from pathlib import Path

from autograder.builds.package_source import (
    REPOSITORY,
    copy_assignment_files,
    copy_package,
    render,
    write_pyproject,
)

WORKFLOW = Path(".github/workflows/classroom.yml")
"""Where the workflow goes: GitHub Classroom runs the template's own workflows."""

PUBLIC_AUTOGRADER = Path(".autograder")

PYTHON_VERSION = "3.11"
"""The Python the workflow grades with: the one the course's own tests run on."""


def build_classroom(assignment: str, out_dir: Path, *, repository: Path = REPOSITORY) -> Path:
    """Build the GitHub Classroom template repository of ``assignment`` in ``out_dir``.

    Args:
        assignment: the assignment id, e.g. ``"rnn"``; its release is ``assignments/<a>/``.
        out_dir: the directory to build in; created, and must be empty if it exists.
        repository: the course checkout holding ``assignments/`` and ``autograder/``.

    Returns:
        ``out_dir``.

    Raises:
        FileNotFoundError: when the assignment has no release in ``repository``.
        FileExistsError: when ``out_dir`` exists and is not empty.
    """
    release = repository / "assignments" / assignment
    if not (release / f"{assignment}.ipynb").is_file():
        raise FileNotFoundError(f"no released notebook {release / f'{assignment}.ipynb'}")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty")
    out_dir.mkdir(parents=True, exist_ok=True)

    copies = copy_assignment_files(release, out_dir)
    public = out_dir / PUBLIC_AUTOGRADER
    package = copy_package(public, repository=repository)
    copy_assignment_files(release, package / "releases" / assignment)
    write_pyproject(public, repository=repository, summary=f"Public checks of the '{assignment}' assignment.")

    notebook = f"{assignment}.ipynb"
    support = ", ".join(f"`{p.name}`" for p in copies if p.suffix == ".py") or "nothing"
    (out_dir / "requirements.txt").write_text(f"./{PUBLIC_AUTOGRADER}\n", encoding="utf-8")
    (out_dir / "README.md").write_text(
        render("classroom-README.md", assignment=assignment, notebook=notebook, support=support),
        encoding="utf-8",
    )
    (out_dir / WORKFLOW).parent.mkdir(parents=True)
    (out_dir / WORKFLOW).write_text(
        render("classroom.yml", notebook=notebook, python_version=PYTHON_VERSION),
        encoding="utf-8",
    )
    shutil.copy2(Path(__file__).parent / "templates" / "classroom.gitignore", out_dir / ".gitignore")
    return out_dir
