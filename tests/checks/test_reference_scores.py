"""The reference solution earns full marks on every check, public and hidden, as its description counts them."""

import importlib

import pytest
from support.course_tables import EVERY_FUNCTION, check_table

from autograder.checking.case import collecting_results
from autograder.checking.reference import load_reference
from autograder.course import ASSIGNMENTS


def checks(assignment: str):
    """The module the notebook's test cells import: ``from autograder.checks import <assignment> as checks``."""
    return importlib.import_module(f"autograder.checks.{assignment}")


@pytest.mark.parametrize(("assignment", "name"), EVERY_FUNCTION)
def test_reference_scores_full_marks(assignment, name, capsys):
    """Does the reference earn every public and every hidden point of its check?"""
    function = ASSIGNMENTS[assignment].function(name)
    reference = load_reference(assignment)
    args = [getattr(reference, f) for f in function.takes]
    check = getattr(checks(assignment), name)
    assert check(*args) == pytest.approx(function.public)
    assert check(*args, hidden=True) == pytest.approx(function.hidden)
    out, err = capsys.readouterr()
    assert "✗" not in out
    assert err == ""


HYGIENE = ("returns the documented shapes", "leaves its arguments unchanged", "raises ValueError")
"""Words naming the cases about argument hygiene and input validation rather than values."""


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_hygiene_and_input_validation_are_at_most_a_tenth_of_the_points(assignment, capsys):
    """Are the shape, purity and ValueError cases together at most 10% of an assignment's autograded points?"""
    reference = load_reference(assignment)
    table = check_table(assignment)
    with collecting_results() as collected:
        for name, (functions, _) in table.items():
            for hidden in (False, True):
                getattr(checks(assignment), name)(*[getattr(reference, f) for f in functions], hidden=hidden)
    cases = [case for check in collected for case in check]
    total = sum(case.max_points for case in cases)
    hygiene = sum(case.max_points for case in cases if any(word in case.name for word in HYGIENE))
    assert total == pytest.approx(sum(sum(points) for _, points in table.values()))
    assert 0 < hygiene <= 0.1 * total, f"{hygiene:g} of {total:g}"
    capsys.readouterr()
