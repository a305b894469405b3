"""``autograder build student``: the assignment as a student gets it, for any way of handing it out.

The student bundle is the core's student copy (:mod:`autograder.builds.student_repository`) and
nothing else: the release, the public autograder with its known answers, a README. Hand it out
as a zip, on a learning platform or as a repository; it never holds a solution.
"""

from pathlib import Path

from autograder.builds.package_source import REPOSITORY
from autograder.builds.student_repository import write_student_repository

GRADING = (
    "Hand in `{notebook}` the way your instructor asks. The public checks you can run here are\n"
    "the ones graded first: nothing else is graded from this folder."
)


def build_student(assignment: str, out_dir: Path, *, repository: Path = REPOSITORY) -> Path:
    """Build the student bundle of ``assignment`` in the empty directory ``out_dir``; return it.

    Raises:
        FileNotFoundError: when the assignment has no release in ``repository``.
        FileExistsError: when ``out_dir`` exists and is not empty.
    """
    write_student_repository(
        assignment, out_dir, repository=repository, grading=GRADING.format(notebook=f"{assignment}.ipynb")
    )
    return Path(out_dir)
