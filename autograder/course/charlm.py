"""The ``charlm`` assignment: a character-level language model, truncated BPTT, the GRU."""

from autograder.course import Assignment, Function

ASSIGNMENT = Assignment(
    name="charlm",
    functions=(
        Function(
            "gru_step_forward", "x, prev_h, Wx, Wh, b", "next_h, cache", 1.9, 1.1,
            "autograder.checks.gru_steps:check_gru_step_forward",
        ),
        Function(
            "gru_step_backward", "dnext_h, cache", "dx, dprev_h, dWx, dWh, db", 4.0, 2.0,
            "autograder.checks.gru_steps:check_gru_step_backward", uses=("gru_step_forward",),
        ),
        Function(
            "gru_forward", "x, h0, Wx, Wh, b", "h, cache", 1.9, 1.1, "autograder.checks.gru_sequences:check_gru_forward"
        ),
        Function(
            "gru_backward", "dh, cache", "dx, dh0, dWx, dWh, db", 3.9, 2.1,
            "autograder.checks.gru_sequences:check_gru_backward", uses=("gru_forward",),
        ),
        Function(
            "rnn_backward_truncated", "dh, cache, window", "dx, dh0, dWx, dWh, db", 4.9, 2.1,
            "autograder.checks.truncated_bptt:check_rnn_backward_truncated",
        ),
        Function(
            "train_step", "params, batch, h0, lr, max_norm, window", "new_params, h_last, loss, global_norm", 2.8, 2.2,
            "autograder.checks.training_step:check_train_step",
        ),
    ),
    known_answers="autograder.instructor.known_answer_examples:charlm_examples",
    mistakes="tests/support/buggy_charlm.py",
    alternatives="tests/support/alternative_charlm.py",
)
