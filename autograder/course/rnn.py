"""The ``rnn`` assignment: forward propagation, backpropagation through time, vanishing and exploding gradients, clipping."""

from autograder.course import Assignment, Function

ASSIGNMENT = Assignment(
    name="rnn",
    functions=(
        Function("sigmoid", "x", "sigmoid(x)", 1.5, 0.5, "autograder.checks.activations:check_sigmoid"),
        Function(
            "activation_derivative", "a, activation", "f'(a)", 1.4, 0.6,
            "autograder.checks.activations:check_activation_derivative",
        ),
        Function(
            "rnn_step_forward", "x, prev_h, Wx, Wh, b, activation='tanh'", "next_h, cache", 1.9, 1.1,
            "autograder.checks.rnn_steps:check_rnn_step_forward",
        ),
        Function(
            "rnn_step_backward", "dnext_h, cache", "dx, dprev_h, dWx, dWh, db", 4.0, 2.0,
            "autograder.checks.rnn_steps:check_rnn_step_backward", uses=("rnn_step_forward",),
        ),
        Function(
            "rnn_forward", "x, h0, Wx, Wh, b, activation='tanh'", "h, cache", 2.5, 1.5,
            "autograder.checks.rnn_sequences:check_rnn_forward",
        ),
        Function(
            "rnn_backward", "dh, cache", "dx, dh0, dWx, dWh, db", 4.4, 2.6,
            "autograder.checks.rnn_sequences:check_rnn_backward", uses=("rnn_forward",),
        ),
        Function(
            "bptt_gradient_norms", "dh_last, cache", "norms", 3.5, 1.5,
            "autograder.checks.rnn_sequences:check_bptt_gradient_norms", uses=("rnn_forward",),
        ),
        Function("growth_factor", "norms", "factor", 2.2, 0.8, "autograder.checks.growth:check_growth_factor"),
        Function(
            "clip_by_value", "grads, clip_value", "clipped", 1.4, 0.6, "autograder.checks.clipping:check_clip_by_value"
        ),
        Function("clip_by_norm", "grad, max_norm", "clipped", 1.4, 0.6, "autograder.checks.clipping:check_clip_by_norm"),
        Function(
            "clip_by_global_norm", "grads, max_norm", "clipped, global_norm", 2.7, 1.3,
            "autograder.checks.clipping:check_clip_by_global_norm",
        ),
    ),
    known_answers="autograder.instructor.known_answer_examples:rnn_examples",
    mistakes="tests/support/buggy_rnn.py",
    alternatives="tests/support/alternative_rnn.py",
)
