"""The checks of the ``charlm`` assignment, named after the functions they check.

Each returns the points earned as a float, the value an nbgrader test cell ends with; with
``hidden=True`` it runs the comparisons with the reference solution instead of the public cases.
"""

from autograder.checks.gru_sequences import check_gru_backward as gru_backward
from autograder.checks.gru_sequences import check_gru_forward as gru_forward
from autograder.checks.gru_steps import check_gru_step_backward as gru_step_backward
from autograder.checks.gru_steps import check_gru_step_forward as gru_step_forward
from autograder.checks.training_step import check_train_step as train_step
from autograder.checks.truncated_bptt import check_rnn_backward_truncated as rnn_backward_truncated

__all__ = [
    "gru_step_forward",
    "gru_step_backward",
    "gru_forward",
    "gru_backward",
    "rnn_backward_truncated",
    "train_step",
]
