"""The lstm checks: wrong code loses points with a message naming its mistake, right code never does."""

import numpy as np
import pytest
from support import alternative_lstm as alternatives
from support import buggy_lstm as buggy
from support.lstm_tables import COMPANION, MISTAKES, POINTS

from autograder.checks import lstm as checks
from autograder.course import ASSIGNMENTS

# Public and hidden points of each check, as in the test cells of solutions/lstm/lstm.ipynb.

# The forward function each check grades a backward function with.

# buggy function -> (the check of the function it breaks, what the failure message must say)


def run_check(name, function, *, hidden=False, companion=None):
    args = [function] + ([companion or COMPANION[name]] if name in COMPANION else [])
    return getattr(checks, name)(*args, hidden=hidden)


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


# Right values, wrong behaviour: only the public properties (no warnings, purity) can see these.
VALUES_RIGHT = {buggy.gates_with_overflowing_sigmoid, buggy.step_forward_updating_prev_c_in_place}


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
    forwards = {"lstm_step_backward": "lstm_step_forward"}
    for name, (public, hidden) in POINTS.items():
        companion_name = forwards.get(name, "lstm_forward")
        companion = functions[companion_name] if name in COMPANION else None
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


def test_gate_ranges_hold_at_saturation():
    """Are fully saturated gates (|a| = 1e3) within range for the two-branch sigmoid used above?"""
    i, f, o, g = alternatives.loop_gates(np.array([[-1e3, 1e3, 0.0, -1e3]]))
    assert (i[0, 0], f[0, 0], o[0, 0], g[0, 0]) == (0.0, 1.0, 0.5, -1.0)


def test_writing_into_arguments_cannot_change_the_known_answers(capsys):
    """After a function wrote into its prev_c, does a correct one still earn full marks?"""
    run_check("lstm_step_forward", buggy.step_forward_updating_prev_c_in_place)
    assert run_check("lstm_step_forward", buggy.step_forward) == POINTS["lstm_step_forward"][0]
    assert capsys.readouterr().err == ""


def test_every_function_of_the_description_has_a_planted_mistake():
    """Does every function autograder/course/lstm.py lists have at least one planted mistake its check must catch?"""
    assert {check for check, _ in MISTAKES.values()} == set(ASSIGNMENTS["lstm"].names)
