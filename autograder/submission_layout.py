"""Where a submission's folder is and whose it is, told from its path alone (nothing is read).

One student is one folder. In nbgrader's course layout the folder is
``<course>/submitted/<student>/<assignment>/`` and the student is its ``<student>``; in any
other layout (Gradescope's ``/autograder/submission``, a CI checkout, a folder per student) the
folder is the one given, or the folder of the notebook given, and the student is its name (its
parent's when it is named after the assignment). A notebook's own file name never names a
student: the student chose it, and could name it after a classmate.
"""

from pathlib import PurePath

NBGRADER_SUBMITTED = "submitted"
"""The folder of nbgrader's course directory that ``nbgrader collect`` fills, one folder per student."""


def nbgrader_split(path: str | PurePath) -> tuple[PurePath, str, str, tuple[str, ...]] | None:
    """``(submitted, student, assignment, rest)`` of a path in nbgrader's layout, else None.

    ``course/submitted/alice/rnn/rnn.ipynb`` gives ``(course/submitted, "alice", "rnn", ("rnn.ipynb",))``.
    The first ``submitted`` of the path counts: a folder of that name a student put in their own
    submission cannot make another student of it.
    """
    parts = PurePath(path).parts
    for index, part in enumerate(parts):
        if part == NBGRADER_SUBMITTED and len(parts) > index + 2:
            return PurePath(*parts[: index + 1]), parts[index + 1], parts[index + 2], parts[index + 3 :]
    return None


def student_of(submission: str, assignment: str) -> str:
    """Who handed ``submission`` in, told from its folder, never from a notebook's name.

    ``submitted/alice/rnn/rnn.ipynb`` and ``submitted/alice/rnn`` (nbgrader) give ``alice``, as do
    ``alice/rnn.ipynb``, ``alice/homework.ipynb`` and ``alice/rnn/`` (a folder per student).
    """
    layout = nbgrader_split(submission)
    if layout is not None:
        return layout[1]
    path = PurePath(submission)
    if path.suffix == ".ipynb":
        path = path.parent
    if path.name == assignment and path.parent.name:
        path = path.parent
    return path.name or submission
