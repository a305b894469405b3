"""The ``lstm`` assignment: gates, the LSTM's forward and backward passes, gradient flow through the cell state."""

from autograder.course import Assignment, Function

ASSIGNMENT = Assignment(
    name="lstm",
    functions=(
        Function("lstm_gates", "a", "i, f, o, g", 1.9, 1.1, "autograder.checks.lstm_steps:check_lstm_gates"),
        Function(
            "lstm_step_forward", "x, prev_h, prev_c, Wx, Wh, b", "next_h, next_c, cache", 1.9, 1.1,
            "autograder.checks.lstm_steps:check_lstm_step_forward",
        ),
        Function(
            "lstm_step_backward", "dnext_h, dnext_c, cache", "dx, dprev_h, dprev_c, dWx, dWh, db", 3.4, 1.6,
            "autograder.checks.lstm_steps:check_lstm_step_backward", uses=("lstm_step_forward",),
        ),
        Function(
            "lstm_forward", "x, h0, Wx, Wh, b", "h, cache", 1.9, 1.1,
            "autograder.checks.lstm_sequences:check_lstm_forward",
        ),
        Function(
            "lstm_backward", "dh, cache", "dx, dh0, dWx, dWh, db", 2.9, 2.1,
            "autograder.checks.lstm_sequences:check_lstm_backward", uses=("lstm_forward",),
        ),
        Function(
            "cell_gradient_norms", "dh_last, cache", "norms", 2.8, 1.2,
            "autograder.checks.lstm_sequences:check_cell_gradient_norms", uses=("lstm_forward",),
        ),
    ),
    known_answers="autograder.instructor.known_answer_examples:lstm_examples",
    mistakes="tests/support/buggy_lstm.py",
    alternatives="tests/support/alternative_lstm.py",
)
