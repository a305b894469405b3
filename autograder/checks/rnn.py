"""The checks of the ``rnn`` assignment, named after the functions they check.

Each returns the points earned as a float, the value an nbgrader test cell ends with; with
``hidden=True`` it runs the comparisons with the reference solution instead of the public cases.
"""

from autograder.checks.activations import check_activation_derivative as activation_derivative
from autograder.checks.activations import check_sigmoid as sigmoid
from autograder.checks.clipping import check_clip_by_global_norm as clip_by_global_norm
from autograder.checks.clipping import check_clip_by_norm as clip_by_norm
from autograder.checks.clipping import check_clip_by_value as clip_by_value
from autograder.checks.growth import check_growth_factor as growth_factor
from autograder.checks.rnn_sequences import check_bptt_gradient_norms as bptt_gradient_norms
from autograder.checks.rnn_sequences import check_rnn_backward as rnn_backward
from autograder.checks.rnn_sequences import check_rnn_forward as rnn_forward
from autograder.checks.rnn_steps import check_rnn_step_backward as rnn_step_backward
from autograder.checks.rnn_steps import check_rnn_step_forward as rnn_step_forward

__all__ = [
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
]
