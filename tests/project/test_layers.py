"""The package's layers and the student API they share."""

import importlib

import pytest

from autograder.student_api import STUDENT_FUNCTIONS


@pytest.mark.parametrize("assignment", sorted(STUDENT_FUNCTIONS))
def test_the_checks_grade_exactly_the_functions_of_the_student_api(assignment):
    checks = importlib.import_module(f"autograder.checks.{assignment}")
    assert tuple(checks.__all__) == STUDENT_FUNCTIONS[assignment]
    assert all(callable(getattr(checks, name)) for name in checks.__all__)


def test_notebook_test_cells_keep_their_imports():
    """Released notebooks import these by name; moving them would break every student's copy."""
    from autograder.checks import charlm, lstm, rnn  # noqa: F401
    from autograder.self_check import public_score_summary  # noqa: F401
