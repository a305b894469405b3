"""The reference solution earns full marks on every check, public and hidden."""

import pytest

from autograder.checking.reference import load_reference
from autograder.checks import charlm as charlm_checks
from autograder.checks import lstm as lstm_checks
from autograder.checks import rnn as checks

# For each check: the reference functions it takes, and its (public, hidden) points.
RNN_CHECKS = {
    "sigmoid": (("sigmoid",), (1.5, 0.5)),
    "activation_derivative": (("activation_derivative",), (1.4, 0.6)),
    "rnn_step_forward": (("rnn_step_forward",), (1.9, 1.1)),
    "rnn_step_backward": (("rnn_step_backward", "rnn_step_forward"), (4.0, 2.0)),
    "rnn_forward": (("rnn_forward",), (2.5, 1.5)),
    "rnn_backward": (("rnn_backward", "rnn_forward"), (4.4, 2.6)),
    "bptt_gradient_norms": (("bptt_gradient_norms", "rnn_forward"), (3.5, 1.5)),
    "growth_factor": (("growth_factor",), (2.2, 0.8)),
    "clip_by_value": (("clip_by_value",), (1.4, 0.6)),
    "clip_by_norm": (("clip_by_norm",), (1.4, 0.6)),
    "clip_by_global_norm": (("clip_by_global_norm",), (2.7, 1.3)),
}


@pytest.mark.parametrize("name", sorted(RNN_CHECKS))
def test_reference_scores_full_marks(name, reference, capsys):
    """Does the reference earn every public and every hidden point of its check?"""
    functions, (public, hidden) = RNN_CHECKS[name]
    args = [getattr(reference, f) for f in functions]
    check = getattr(checks, name)
    assert check(*args) == pytest.approx(public)
    assert check(*args, hidden=True) == pytest.approx(hidden)
    out, err = capsys.readouterr()
    assert "✗" not in out
    assert err == ""


# The same for the lstm assignment: (public, hidden) points sum to the test cell's points.
LSTM_CHECKS = {
    "lstm_gates": (("lstm_gates",), (1.9, 1.1)),
    "lstm_step_forward": (("lstm_step_forward",), (1.9, 1.1)),
    "lstm_step_backward": (("lstm_step_backward", "lstm_step_forward"), (3.4, 1.6)),
    "lstm_forward": (("lstm_forward",), (1.9, 1.1)),
    "lstm_backward": (("lstm_backward", "lstm_forward"), (2.9, 2.1)),
    "cell_gradient_norms": (("cell_gradient_norms", "lstm_forward"), (2.8, 1.2)),
}


@pytest.mark.parametrize("name", sorted(LSTM_CHECKS))
def test_lstm_reference_scores_full_marks(name, capsys):
    """Does the lstm reference earn every public and every hidden point of its check?"""
    reference = load_reference("lstm")
    functions, (public, hidden) = LSTM_CHECKS[name]
    args = [getattr(reference, f) for f in functions]
    check = getattr(lstm_checks, name)
    assert check(*args) == pytest.approx(public)
    assert check(*args, hidden=True) == pytest.approx(hidden)
    out, err = capsys.readouterr()
    assert "✗" not in out
    assert err == ""


# The same for the charlm assignment.
CHARLM_CHECKS = {
    "gru_step_forward": (("gru_step_forward",), (1.9, 1.1)),
    "gru_step_backward": (("gru_step_backward", "gru_step_forward"), (4.0, 2.0)),
    "gru_forward": (("gru_forward",), (1.9, 1.1)),
    "gru_backward": (("gru_backward", "gru_forward"), (3.9, 2.1)),
    "rnn_backward_truncated": (("rnn_backward_truncated",), (4.9, 2.1)),
    "train_step": (("train_step",), (2.8, 2.2)),
}


@pytest.mark.parametrize("name", sorted(CHARLM_CHECKS))
def test_charlm_reference_scores_full_marks(name, capsys):
    """Does the charlm reference earn every public and every hidden point of its check?"""
    reference = load_reference("charlm")
    functions, (public, hidden) = CHARLM_CHECKS[name]
    args = [getattr(reference, f) for f in functions]
    check = getattr(charlm_checks, name)
    assert check(*args) == pytest.approx(public)
    assert check(*args, hidden=True) == pytest.approx(hidden)
    out, err = capsys.readouterr()
    assert "✗" not in out
    assert err == ""


HYGIENE = ("returns the documented shapes", "leaves its arguments unchanged", "raises ValueError")
"""Words naming the cases about argument hygiene and input validation rather than values."""


@pytest.mark.parametrize(
    ("assignment", "table", "module"),
    [("rnn", RNN_CHECKS, checks), ("lstm", LSTM_CHECKS, lstm_checks), ("charlm", CHARLM_CHECKS, charlm_checks)],
)
def test_hygiene_and_input_validation_are_at_most_a_tenth_of_the_points(assignment, table, module, capsys):
    """Are the shape, purity and ValueError cases together at most 10% of an assignment's autograded points?"""
    from autograder.checking.case import collecting_results

    reference = load_reference(assignment)
    with collecting_results() as collected:
        for name, (functions, _) in table.items():
            for hidden in (False, True):
                getattr(module, name)(*[getattr(reference, f) for f in functions], hidden=hidden)
    cases = [case for check in collected for case in check]
    total = sum(case.max_points for case in cases)
    hygiene = sum(case.max_points for case in cases if any(word in case.name for word in HYGIENE))
    assert total == pytest.approx(sum(sum(points) for _, points in table.values()))
    assert 0 < hygiene <= 0.1 * total, f"{hygiene:g} of {total:g}"
    capsys.readouterr()
