"""Right code earns full marks on the rnn checks, however it is written.

Each alternative in ``alternative_rnn`` is a set of correct functions written differently from
the solutions; it must earn every public and every hidden point of each check whose functions
it implements. A backward pass is always graded with the forward pass of the same set, whose
cache it reads.
"""

import pytest
from support import alternative_rnn as alternative
from support.course_tables import RNN_CHECKS
from support.rnn_grading import full_marks, run_check
from support.rnn_tables import ALTERNATIVES


def graded_checks(functions: dict) -> list[str]:
    """The checks all of whose student functions the set implements."""
    return [name for name, (needs, _) in RNN_CHECKS.items() if set(needs) <= set(functions)]


CASES = [
    (description, check, hidden)
    for description, functions in ALTERNATIVES.items()
    for check in graded_checks(functions)
    for hidden in (False, True)
]


@pytest.mark.parametrize(
    ("description", "check", "hidden"),
    CASES,
    ids=[f"{check}-{'hidden' if hidden else 'public'}-{description}" for description, check, hidden in CASES],
)
def test_alternative_earns_full_marks(description, check, hidden, reference, capsys):
    """Does a correct implementation written differently earn every point of the check?"""
    score = run_check(check, reference, ALTERNATIVES[description], hidden=hidden)
    out, err = capsys.readouterr()
    assert score == full_marks(check, hidden=hidden), out
    assert "✗" not in out
    assert err == ""


def test_every_function_of_the_assignment_has_an_alternative():
    """Is every check run on at least one alternative implementation?"""
    assert {check for functions in ALTERNATIVES.values() for check in graded_checks(functions)} == set(
        RNN_CHECKS
    )


def test_float32_arithmetic_loses_the_value_cases_and_says_why(reference, capsys):
    """Does a forward pass computed in float32 lose its value cases, with a message naming float32 precision?

    Values rounded to float32 (7 significant digits) miss the tolerance of 1e-7 relative, and
    centered differences of a float32 forward cannot check a backward pass: the course computes
    in float64, and the message says so (float32 masks, which are exact, earn full marks above).
    """
    score = run_check(
        "rnn_step_forward", reference, {"rnn_step_forward": alternative.step_forward_in_float32}, hidden=False
    )
    out = capsys.readouterr().out
    assert score < full_marks("rnn_step_forward", hidden=False)
    assert "float32" in out, out
