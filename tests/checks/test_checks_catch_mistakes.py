"""Wrong code loses points on the rnn checks, with a message that points at the mistake.

Each buggy implementation in ``buggy_rnn`` replaces one function of the reference (with the
correct forward pass it is graded with, for a backward pass). The table says which part of its
check, public and/or hidden, must lose points, and what the message must say.
"""

import re

import pytest
from support import buggy_rnn as buggy
from support.rnn_grading import full_marks, run_check
from support.rnn_tables import MISTAKES, SEQUENCE, STEP, Mistake

from autograder.checking.case import collecting_results
from autograder.course import ASSIGNMENTS


@pytest.mark.parametrize(
    ("mistake", "part"),
    [(mistake, part) for mistake in MISTAKES for part in mistake.loses],
    ids=lambda value: value.function.__name__ if isinstance(value, Mistake) else value,
)
def test_mistake_loses_points_with_a_message_naming_it(mistake, part, reference, capsys):
    """Does each buggy function lose points on its check, with a message that names its mistake?

    And does every case whose message names a likely mistake carry that mistake as data (and no
    other case carry one), so that reports never parse messages?
    """
    with collecting_results() as collected:
        score = run_check(mistake.check, reference, mistake.replacements, hidden=part == "hidden")
    out, err = capsys.readouterr()
    assert isinstance(score, float)
    assert score < full_marks(mistake.check, hidden=part == "hidden"), out
    assert mistake.says in out, out
    assert err == ""
    for case in (case for results in collected for case in results):
        named = re.search(r"^Likely mistake: (.*)$", case.message, re.M)
        assert (case.mistake is None) == (named is None), case
        if named:
            assert case.mistake.text.startswith(named.group(1)) and not case.passed


RECOGNISED = [
    (buggy.step_forward_without_bias, "rnn_step_forward", "bias-missing", None),
    (
        buggy.step_backward_without_activation_derivative,
        "rnn_step_backward",
        "activation-derivative-missing",
        STEP,
    ),
    (buggy.step_backward_with_dWh_from_next_h, "rnn_step_backward", "dWh-from-next-h", STEP),
    (buggy.step_backward_with_transposed_dWh, "rnn_step_backward", "dWh-transposed", STEP),
    (buggy.step_backward_with_db_not_summed_over_batch, "rnn_step_backward", "db-not-summed-over-the-batch", STEP),
    (buggy.backward_with_zero_dh0, "rnn_backward", "dh0-zero", SEQUENCE),
    (buggy.forward_feeding_h0_to_every_step, "rnn_forward", "every-step-starts-from-h0", None),
    (buggy.backward_overwriting_dWh_each_step, "rnn_backward", "weights-not-accumulated", SEQUENCE),
    (buggy.backward_without_gradient_from_next_step, "rnn_backward", "no-gradient-from-next-step", SEQUENCE),
    # the first hidden case has T = 1, where a shift shows as a wrong norms[T-1]
    (
        buggy.gradient_norms_shifted_by_one_step,
        "bptt_gradient_norms",
        ("norms-shifted-by-one-step", "last-norm-not-of-dh-last"),
        SEQUENCE,
    ),
    (buggy.growth_factor_as_the_arithmetic_mean, "growth_factor", "arithmetic-mean-of-ratios", None),
    (buggy.clip_by_global_norm_per_array, "clip_by_global_norm", "each-array-clipped-by-its-own-norm", None),
]


@pytest.mark.parametrize(
    ("function", "check", "mistake_ids", "companion"), RECOGNISED, ids=[row[0].__name__ for row in RECOGNISED]
)
def test_a_recognised_mistake_is_carried_by_its_id_in_the_public_and_hidden_cases(
    function, check, mistake_ids, companion, reference, capsys
):
    """Does the case that catches a classic mistake carry its id, on the public and the hidden part?"""
    public_id, hidden_id = (mistake_ids, mistake_ids) if isinstance(mistake_ids, str) else mistake_ids
    for hidden, expected in ((False, public_id), (True, hidden_id)):
        with collecting_results() as collected:
            run_check(check, reference, {check: function, **(companion or {})}, hidden=hidden)
        ids = {case.mistake.id for results in collected for case in results if case.mistake}
        assert ids == {expected}, (hidden, ids)
    capsys.readouterr()


def test_a_right_backward_behind_a_forward_wrong_everywhere_is_told_to_fix_the_forward_first(
    reference, capsys
):
    """When rnn_step_forward is wrong on every input, does the rnn_step_backward check say to fix it first?"""
    replacements = {
        "rnn_step_forward": buggy.step_forward_without_bias,
        "rnn_step_backward": buggy.step_backward,
    }
    run_check("rnn_step_backward", reference, replacements, hidden=True)
    out = capsys.readouterr().out
    assert "relies on your rnn_step_forward" in out and "fix rnn_step_forward first" in out, out


def test_a_right_sequence_backward_behind_a_forward_wrong_almost_everywhere_is_told_to_fix_the_forward_first(
    reference, capsys
):
    """When rnn_forward is wrong wherever T > 1 and its cache is not the reference's, is rnn_backward told to fix it first?"""
    replacements = {
        "rnn_forward": buggy.forward_feeding_h0_to_every_step,
        "rnn_backward": buggy.sequence_backward,
    }
    run_check("rnn_backward", reference, replacements, hidden=True)
    out = capsys.readouterr().out
    assert "relies on your rnn_forward" in out and "fix rnn_forward first" in out, out


def test_writing_into_arguments_cannot_change_the_known_answers(reference, capsys):
    """After one function has clipped the known-answer inputs in place, does the next run see them intact?"""
    run_check("clip_by_value", reference, {"clip_by_value": buggy.clip_by_value_in_place}, hidden=False)
    capsys.readouterr()
    run_check("clip_by_value", reference, {"clip_by_value": buggy.clip_by_value_only_above}, hidden=False)
    assert "✗ known answers" in capsys.readouterr().out


def test_all_zero_norms_break_the_laws_not_only_the_known_answers(reference, capsys):
    """Do norms that are all zero fail the vanishing and exploding laws, which compare with norms[T-1]?"""
    replacements = {"bptt_gradient_norms": buggy.gradient_norms_never_stored, **SEQUENCE}
    assert run_check("bptt_gradient_norms", reference, replacements, hidden=False) == 0.0
    out = capsys.readouterr().out
    assert "✗ vanishing" in out and "✗ exploding" in out
    assert "norms[T-1] is 0, but it must be the norm of dh_last" in out


def test_raising_value_error_for_everything_earns_no_validation_points(reference, capsys):
    """Does a function that rejects every threshold lose the 'threshold <= 0 raises ValueError' case?"""
    replacements = {"clip_by_value": buggy.clip_by_value_with_inverted_validation}
    run_check("clip_by_value", reference, replacements, hidden=False)
    out = capsys.readouterr().out
    assert "✗ a threshold <= 0 raises ValueError" in out
    assert "for valid arguments too" in out


@pytest.mark.parametrize(
    ("check", "functions"),
    [
        ("rnn_step_backward", {"rnn_step_backward": buggy.step_backward, **STEP}),
        ("rnn_forward", SEQUENCE),
        ("rnn_backward", {"rnn_backward": buggy.sequence_backward, **SEQUENCE}),
    ],
)
def test_the_companions_of_the_buggy_functions_are_right(check, functions, reference, capsys):
    """Are the forward and backward passes the buggy functions are graded with themselves correct?"""
    for hidden in (False, True):
        assert run_check(check, reference, functions, hidden=hidden) == full_marks(check, hidden=hidden)
    assert "✗" not in capsys.readouterr().out


def test_every_function_of_the_description_has_a_planted_mistake():
    """Does every function autograder/course/rnn.py lists have at least one planted mistake its check must catch?"""
    assert {mistake.check for mistake in MISTAKES} == set(ASSIGNMENTS["rnn"].names)
