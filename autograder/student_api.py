"""The functions students write, by assignment: the API that docs/design.md states and the checks grade.

It sits below every other module so that the sandbox and the purity monitor can name the student's
functions without importing the checks (``tests/test_layers.py`` holds the checks to this list).
"""

STUDENT_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "rnn": (
        "sigmoid",
        "activation_derivative",
        "rnn_step_forward",
        "rnn_step_backward",
        "rnn_forward",
        "rnn_backward",
        "bptt_gradient_norms",
        "growth_factor",
        "clip_by_value",
        "clip_by_norm",
        "clip_by_global_norm",
    ),
    "lstm": (
        "lstm_gates",
        "lstm_step_forward",
        "lstm_step_backward",
        "lstm_forward",
        "lstm_backward",
        "cell_gradient_norms",
    ),
    "charlm": (
        "gru_step_forward",
        "gru_step_backward",
        "gru_forward",
        "gru_backward",
        "rnn_backward_truncated",
        "train_step",
    ),
}


def student_function_names() -> frozenset[str]:
    """The names of the functions students write, in every assignment."""
    return frozenset(name for functions in STUDENT_FUNCTIONS.values() for name in functions)
