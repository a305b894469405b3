"""Cheap stubs by assignment: functions that return something of the right shape without computing it, and the check each faces."""

from support import cheap_stubs as stub

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
