"""The charlm checks: wrong code loses points with a message naming its mistake, right code never does."""

import pytest
from support import alternative_charlm as alternatives
from support import buggy_charlm as buggy
from support.charlm_tables import COMPANION, MISTAKES, POINTS

from autograder.checks import charlm as checks
from autograder.course import ASSIGNMENTS
from autograder.grading import notebook_cells
from autograder.instructor.nbgrader_pipeline import REPOSITORY
from autograder.notebook_json import read_notebook

# Public and hidden points of each check; their sums are the test cells' points.

# The forward function each check grades a backward function with.

# buggy function -> (the check of the function it breaks, what the failure message must say)


def run_check(name, function, *, hidden=False, companion=None):
    args = [function] + ([companion or COMPANION[name]] if name in COMPANION else [])
    return getattr(checks, name)(*args, hidden=hidden)


def test_points_are_the_test_cells_points():
    """Do the public and hidden points of each check add up to its test cell's points in the solution notebook?"""
    notebook = read_notebook(REPOSITORY / "solutions" / "charlm" / "charlm.ipynb")
    cells = {cell.grade_id.removeprefix("test_"): cell.points for cell in notebook_cells.test_cells(notebook)}
    assert {name: round(sum(points), 6) for name, points in POINTS.items()} == cells


@pytest.mark.parametrize("mistake", list(MISTAKES), ids=lambda f: f.__name__)
def test_each_mistake_loses_points_with_a_message_naming_it(mistake, capsys):
    """Does each buggy function lose public points, with a message pointing at its mistake?"""
    name, says = MISTAKES[mistake]
    score = run_check(name, mistake)
    out, err = capsys.readouterr()
    assert isinstance(score, float)
    assert score < POINTS[name][0], out
    assert says in out, out
    assert err == ""


# Right values, wrong behaviour: only the public properties (no warnings, purity, ValueError) can see these.
VALUES_RIGHT = {
    buggy.step_forward_with_overflowing_sigmoid,
    buggy.step_updating_params_in_place,
    buggy.truncated_without_value_error,
}


@pytest.mark.parametrize("mistake", [m for m in MISTAKES if m not in VALUES_RIGHT], ids=lambda f: f.__name__)
def test_each_mistake_also_loses_hidden_points(mistake, capsys):
    """Does the hidden comparison with the reference catch each buggy function too?"""
    name, _ = MISTAKES[mistake]
    assert run_check(name, mistake, hidden=True) < POINTS[name][1]
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("alternative", sorted(alternatives.ALTERNATIVES))
def test_correct_alternatives_earn_full_marks(alternative, capsys):
    """Does every correct solution, however written, earn every public and hidden point?"""
    functions = alternatives.ALTERNATIVES[alternative]
    forwards = {"gru_step_backward": "gru_step_forward", "gru_backward": "gru_forward"}
    for name, (public, hidden) in POINTS.items():
        companion = functions[forwards[name]] if name in forwards else None
        assert run_check(name, functions[name], companion=companion) == public, name
        assert run_check(name, functions[name], hidden=True, companion=companion) == hidden, name
    out, err = capsys.readouterr()
    assert "✗" not in out, out
    assert err == ""


def test_a_release_stub_scores_zero_quietly(capsys):
    """Does an unimplemented function score 0.0 on every check, saying so, without an error?"""

    def stub(*args, **kwargs):
        raise NotImplementedError()

    for name in POINTS:
        assert run_check(name, stub, companion=stub) == 0.0
        assert run_check(name, stub, hidden=True, companion=stub) == 0.0
    out, err = capsys.readouterr()
    assert "not implemented yet" in out
    assert err == ""


def test_every_function_of_the_description_has_a_planted_mistake():
    """Does every function autograder/course/charlm.py lists have at least one planted mistake its check must catch?"""
    assert {check for check, _ in MISTAKES.values()} == set(ASSIGNMENTS["charlm"].names)
