"""A function must be implemented to earn the points of its properties.

Each property a constant, zero or unchanged output satisfies (shapes, ranges, causality, purity,
clipping invariants, the gradient laws) is paired with a statement it does not satisfy, so the
stubs of ``cheap_stubs`` earn nothing, public or hidden (only the ValueError cases, which check
validation the stubs do not have, could have been earned, and are not; the purity case is earned
only together with a case that judges values).
"""

import cheap_stubs as stub
import pytest
from course_tables import CHARLM_CHECKS, LSTM_CHECKS, RNN_CHECKS

from autograder.checks import charlm as charlm_checks
from autograder.checks import lstm as lstm_checks
from autograder.checks import rnn as rnn_checks

RNN_STUBS = {
    "sigmoid, zeros": ("sigmoid", {"sigmoid": stub.zeros_like_input}),
    "sigmoid, 1/2": ("sigmoid", {"sigmoid": stub.one_half}),
    "activation_derivative, zeros": (
        "activation_derivative",
        {"activation_derivative": stub.zeros_like_input},
    ),
    "rnn_step_forward, zeros": ("rnn_step_forward", {"rnn_step_forward": stub.rnn_step_forward}),
    "rnn_step_backward, zeros": (
        "rnn_step_backward",
        {"rnn_step_backward": stub.rnn_step_backward, "rnn_step_forward": stub.rnn_step_forward},
    ),
    "rnn_forward, zeros": ("rnn_forward", {"rnn_forward": stub.rnn_forward}),
    "rnn_backward, zeros": (
        "rnn_backward",
        {"rnn_backward": stub.rnn_backward, "rnn_forward": stub.rnn_forward},
    ),
    "bptt_gradient_norms, the last norm only": (
        "bptt_gradient_norms",
        {"bptt_gradient_norms": stub.norms_of_the_last_step_only},
    ),
    "clip_by_value, zeros": ("clip_by_value", {"clip_by_value": stub.zero_dict}),
    "clip_by_norm, zeros": ("clip_by_norm", {"clip_by_norm": stub.zeros_like_input}),
    "clip_by_norm, unchanged": ("clip_by_norm", {"clip_by_norm": stub.identity}),
    "clip_by_global_norm, zeros": ("clip_by_global_norm", {"clip_by_global_norm": stub.zero_dict_and_norm}),
}

LSTM_STUBS = {
    "lstm_gates, zeros": ("lstm_gates", {"lstm_gates": stub.lstm_gates}),
    "lstm_step_forward, zeros": ("lstm_step_forward", {"lstm_step_forward": stub.lstm_step_forward}),
    "lstm_step_backward, zeros": (
        "lstm_step_backward",
        {"lstm_step_backward": stub.lstm_step_backward, "lstm_step_forward": stub.lstm_step_forward},
    ),
    "lstm_forward, zeros": ("lstm_forward", {"lstm_forward": stub.lstm_forward}),
    "lstm_backward, zeros": (
        "lstm_backward",
        {"lstm_backward": stub.lstm_backward, "lstm_forward": stub.lstm_forward},
    ),
    "cell_gradient_norms, the last norm only": (
        "cell_gradient_norms",
        {"cell_gradient_norms": stub.norms_of_the_last_step_only},
    ),
}

CHARLM_STUBS = {
    "gru_step_forward, prev_h back": ("gru_step_forward", {"gru_step_forward": stub.gru_step_forward_copying}),
    "gru_step_backward, dnext_h through": (
        "gru_step_backward",
        {"gru_step_backward": stub.gru_step_backward_passing_through, "gru_step_forward": stub.gru_step_forward_copying},
    ),
    "gru_forward, h0 at every step": ("gru_forward", {"gru_forward": stub.gru_forward_copying}),
    "gru_backward, dh summed into dh0": (
        "gru_backward",
        {"gru_backward": stub.gru_backward_summing, "gru_forward": stub.gru_forward_copying},
    ),
    "rnn_backward_truncated, zeros": (
        "rnn_backward_truncated",
        {"rnn_backward_truncated": stub.rnn_backward_truncated_zeros},
    ),
    "train_step, params unchanged": ("train_step", {"train_step": stub.train_step_unchanged}),
}


def run(checks, table, name, reference, replacements, *, hidden):
    functions, _ = table[name]
    return getattr(checks, name)(
        *(replacements.get(f, getattr(reference, f, None)) for f in functions), hidden=hidden
    )


@pytest.mark.parametrize("stub_name", sorted(RNN_STUBS))
def test_rnn_stubs_earn_nothing(stub_name, reference, capsys):
    """Does a stub returning only what the properties accept score 0, public and hidden?"""
    check, replacements = RNN_STUBS[stub_name]
    for hidden in (False, True):
        score = run(rnn_checks, RNN_CHECKS, check, reference, replacements, hidden=hidden)
        assert score == 0.0, capsys.readouterr().out
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("stub_name", sorted(LSTM_STUBS))
def test_lstm_stubs_earn_nothing(stub_name, capsys):
    """Does an lstm stub returning only what the properties accept score 0, public and hidden?"""
    from autograder.checking.reference import load_reference

    check, replacements = LSTM_STUBS[stub_name]
    for hidden in (False, True):
        score = run(lstm_checks, LSTM_CHECKS, check, load_reference("lstm"), replacements, hidden=hidden)
        assert score == 0.0, capsys.readouterr().out
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("stub_name", sorted(CHARLM_STUBS))
def test_charlm_stubs_earn_nothing(stub_name, capsys):
    """Does a charlm stub returning only what its laws accept (a copy of the state, zeros) score 0, public and hidden?"""
    from autograder.checking.reference import load_reference

    check, replacements = CHARLM_STUBS[stub_name]
    for hidden in (False, True):
        score = run(charlm_checks, CHARLM_CHECKS, check, load_reference("charlm"), replacements, hidden=hidden)
        assert score == 0.0, capsys.readouterr().out
    assert capsys.readouterr().err == ""
