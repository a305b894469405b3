"""Stand-ins for ``grade_one`` that pool processes import by name: one of them kills its process."""

import os
import time

from autograder.results import SubmissionResult


def grade_or_die(submission: str, assignment: str | None, limits) -> SubmissionResult:
    """An empty result, except for a submission named ``killer``, whose grading kills the process."""
    if submission == "killer":
        os._exit(9)
    return SubmissionResult(submission, assignment or "rnn", ())


def grade_slowly(submission: str, assignment: str | None, limits) -> SubmissionResult:
    """An empty result after half a second: time for a test to kill the process on the way."""
    time.sleep(0.5)
    return SubmissionResult(submission, assignment or "rnn", ())
