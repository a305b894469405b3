"""Grading one submission of a batch: whatever goes wrong, even in the grader, is a result with a note.

Both ways of grading a batch call these: the process pool of :mod:`autograder.grading.batch` and
the cluster of :mod:`autograder.grading.dask_cluster`.
"""

from autograder.checking.reference import distrusting
from autograder.grading.isolated import (
    UnknownAssignment,
    grade_submission,
    load_assignment,
    written_answers_pending,
)
from autograder.results import FAILED, SubmissionResult, TestResult
from autograder.sandbox.process import Limits


def grade_one(
    submission: str,
    assignment: str | None,
    limits: Limits | None,
    seed: int | None = None,
    lanes: int = 1,
    distrusted: tuple[str, ...] = (),
) -> SubmissionResult:
    """Grade a submission; anything that goes wrong (even in the grader) is a result with a note.

    ``distrusted`` are the folders of the whole batch: no trusted notebook is taken from any of them.
    """
    try:
        with distrusting(*distrusted):
            return grade_submission(submission, assignment=assignment, limits=limits, seed=seed, lanes=lanes)
    except UnknownAssignment as error:
        return SubmissionResult(submission, assignment or "?", (), (str(error),))
    except Exception as error:  # noqa: BLE001 - one submission must never stop a batch
        return ungraded(
            submission, assignment, f"the grader failed on this submission: {type(error).__name__}: {error}"
        )


def ungraded(submission: str, assignment: str | None, note: str) -> SubmissionResult:
    """A result with every test of the assignment failed (when known), and the note saying why."""
    tests: tuple[TestResult, ...] = ()
    if assignment:
        try:
            trusted = load_assignment(assignment)
        except UnknownAssignment:
            pass
        else:
            tests = (
                *(TestResult(c.grade_id, c.grade_id, 0.0, c.points, FAILED, note, cell=c.grade_id) for c in trusted.tests),
                *written_answers_pending(trusted),
            )
    return SubmissionResult(submission, assignment or "?", tests, (note,))
