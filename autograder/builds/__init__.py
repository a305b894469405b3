"""Builds that hand an assignment to students or to a grading platform, one call each.

Every build shares one core (:mod:`autograder.builds.student_repository`: where an assignment's
files are, the public autograder, a student's copy with its README) and adds a small adapter:
the platform's entrypoint, its output format and its layout. :data:`BUILDS` lists them all;
``autograder build PLATFORM ASSIGNMENT OUT`` runs one. None of them ships this subpackage.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograder.builds.classroom50 import build_classroom50
from autograder.builds.github_actions import build_classroom, build_github_actions
from autograder.builds.gradescope import build_gradescope
from autograder.builds.prairielearn import build_prairielearn
from autograder.builds.student import build_student


@dataclass(frozen=True)
class Build:
    """One platform's build.

    Attributes:
        make: ``make(assignment, out)`` builds into ``out`` and returns it.
        summary: what the output is, in one line (the CLI's help).
        students_read: glob patterns of the output's paths (relative, POSIX) that students can
            read; ``("*",)`` for all of it, ``()`` when the output stays on the platform's machines.
        archive: True when ``out`` is a zip file rather than a directory.
        needs: the options ``make`` requires (``autograder build --<option>``), e.g. ``("image",)``.
    """

    make: Callable[..., Path]
    summary: str
    students_read: tuple[str, ...]
    archive: bool = False
    needs: tuple[str, ...] = ()


BUILDS: dict[str, Build] = {
    "student": Build(build_student, "the student bundle: release, public checks, README", ("*",)),
    "github-actions": Build(
        build_github_actions, "a student repository grading itself on any Actions runner", ("*",)
    ),
    "classroom": Build(build_classroom, "deprecated: github-actions --reporter github-classroom", ("*",)),
    "classroom50": Build(
        build_classroom50, "Classroom 50: autograders/<a>/ for the classroom50 repository, template/", ("*",)
    ),
    "gradescope": Build(build_gradescope, "a Gradescope autograder zip (holds the solutions)", (), archive=True),
    "prairielearn": Build(
        build_prairielearn,
        "a PrairieLearn question grading the uploaded notebook's public checks, and its image (needs --image)",
        ("question.html", "clientFilesQuestion/*"),
        needs=("image",),
    ),
}
"""Platform name (``autograder build PLATFORM``) -> its build."""

__all__ = [
    "BUILDS",
    "Build",
    "build_classroom",
    "build_classroom50",
    "build_github_actions",
    "build_gradescope",
    "build_prairielearn",
    "build_student",
]
