"""The class report explains what a class lost: a class made of every planted mistake of the rnn checks.

Each student of this class wrote the reference with one mistake of ``tests/checks/test_checks_catch_mistakes.py``
(51 plausible mistakes, from an overflowing sigmoid to norms listed back to front), graded on the
public and the hidden part of its check. "What the class got wrong" must put at least 90% of the
points they lost down to a cause a teacher can act on, leaving at most a tenth to "read the code".
"""

import contextlib
import io

import pytest
from support.rnn_grading import run_check
from support.rnn_tables import MISTAKES

from autograder.checking.case import collecting_results
from autograder.reports.class_statistics import UNRECOGNISED, class_statistics
from autograder.results import FAILED, PASSED, SubmissionResult, TestResult

EXPLAINED = 0.9
"""The least share of the lost points the report must give a cause."""


@pytest.fixture(scope="module")
def planted_class(reference) -> list[SubmissionResult]:
    """One result per planted mistake: its check's public and hidden cases, as a notebook's cells give them."""
    results = []
    for mistake in MISTAKES:
        tests = []
        for hidden in (False, True):
            with collecting_results() as collected, contextlib.redirect_stdout(io.StringIO()):
                run_check(mistake.check, reference, mistake.replacements, hidden=hidden)
            for cases in collected:
                score, worth = sum(c.points for c in cases), sum(c.max_points for c in cases)
                name = f"{mistake.check}{' (hidden)' if hidden else ''}"
                tests.append(
                    TestResult(
                        name,
                        mistake.check,
                        score,
                        worth,
                        PASSED if score >= worth else FAILED,
                        cases=tuple(cases),
                    )
                )
        student = mistake.function.__name__
        results.append(
            SubmissionResult(f"submitted/{student}/rnn/rnn.ipynb", "rnn", tuple(tests), student=student)
        )
    return results


def test_at_least_nine_tenths_of_the_lost_points_have_a_cause(planted_class):
    """Is at least 90% of what the planted mistakes lose put down to a cause other than 'read the code'?"""
    stats = class_statistics(planted_class)
    left, who = stats.causes.get(UNRECOGNISED, (0.0, ()))
    assert stats.points_lost > 0
    assert stats.explained_share >= EXPLAINED, f"{left:g} points unexplained, lost by {', '.join(who)}"
