"""``autograder build github-actions``: a student repository that grades itself on every push.

The repository is the core's student copy (:mod:`autograder.builds.student_repository`) plus
one workflow, chosen by ``reporter``:

- ``"actions"`` (the default), ``.github/workflows/grade.yml``: needs no classroom product and
  runs on any GitHub, Gitea or Forgejo Actions runner. It runs ``autograder grade <a>.ipynb
  --format json --output result.json --github-actions``: the per-test table goes to the job
  summary, every function that lost points gets an error annotation, the score becomes the
  commit status ``autograder / public checks``, and ``result.json`` is kept as an artifact.
- ``"github-classroom"`` (deprecated: GitHub Classroom was shut down in 2026),
  ``.github/workflows/classroom.yml``: the workflow ``Autograding Tests`` with the job
  ``run-autograding-tests``, the names GitHub Classroom's grading reporter requires, which sends
  the points of ``--format github`` to GitHub Classroom.

Either way only the public checks run: students can read and edit their repository.
"""

from pathlib import Path

from autograder.builds.package_source import REPOSITORY, render
from autograder.builds.student_repository import write_student_repository

PYTHON_VERSION = "3.11"
"""The Python the workflows grade with: the one the course's own tests run on."""

WORKFLOWS = {
    "actions": Path(".github/workflows/grade.yml"),
    "github-classroom": Path(".github/workflows/classroom.yml"),
}
"""Reporter -> where its workflow goes in the student repository."""

GRADING = {
    "actions": (
        "**On every push**, the public checks. The workflow `.github/workflows/grade.yml` runs\n"
        "`autograder grade {notebook}`: the run's summary shows each check and its points, each\n"
        "function that lost points is marked with an error, the commit gets a status with your\n"
        "score, and the run keeps the full results as the artifact `autograder-result`."
    ),
    "github-classroom": (
        "**On every push**, the public checks. GitHub Actions runs `autograder grade {notebook}\n"
        "--format github` (see `.github/workflows/classroom.yml`) and reports the points to GitHub\n"
        "Classroom; the Actions tab shows each check and its message."
    ),
}


def build_github_actions(
    assignment: str, out_dir: Path, *, reporter: str = "actions", repository: Path = REPOSITORY
) -> Path:
    """Build the student repository of ``assignment`` in the empty directory ``out_dir``; return it.

    Args:
        assignment: the assignment id, e.g. ``"rnn"``; its release is ``assignments/<a>/``.
        out_dir: the directory to build in; created, and must be empty if it exists.
        reporter: ``"actions"`` (job summary, annotations, commit status, artifact) or the
            deprecated ``"github-classroom"`` (GitHub Classroom's grading reporter).
        repository: the course checkout holding ``assignments/`` and ``autograder/``.

    Raises:
        ValueError: for an unknown reporter.
        FileNotFoundError: when the assignment has no release in ``repository``.
        FileExistsError: when ``out_dir`` exists and is not empty.
    """
    if reporter not in WORKFLOWS:
        raise ValueError(f"reporter must be one of {', '.join(WORKFLOWS)}, got {reporter!r}")
    notebook = f"{assignment}.ipynb"
    out_dir = Path(out_dir)
    write_student_repository(
        assignment, out_dir, repository=repository, grading=GRADING[reporter].format(notebook=notebook)
    )
    workflow = out_dir / WORKFLOWS[reporter]
    workflow.parent.mkdir(parents=True)
    template = "grade.yml" if reporter == "actions" else "classroom.yml"
    workflow.write_text(render(template, notebook=notebook, python_version=PYTHON_VERSION), encoding="utf-8")
    return out_dir


def build_classroom(assignment: str, out_dir: Path, *, repository: Path = REPOSITORY) -> Path:
    """Deprecated: the GitHub Classroom template, ``build_github_actions(reporter="github-classroom")``."""
    return build_github_actions(assignment, out_dir, reporter="github-classroom", repository=repository)
