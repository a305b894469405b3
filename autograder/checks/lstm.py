"""The checks of the ``lstm`` assignment, named after the functions they check.

Each returns the points earned as a float, the value an nbgrader test cell ends with; with
``hidden=True`` it runs the comparisons with the reference solution instead of the public cases.
"""

from autograder.checks.lstm_sequences import check_cell_gradient_norms as cell_gradient_norms
from autograder.checks.lstm_sequences import check_lstm_backward as lstm_backward
from autograder.checks.lstm_sequences import check_lstm_forward as lstm_forward
from autograder.checks.lstm_steps import check_lstm_gates as lstm_gates
from autograder.checks.lstm_steps import check_lstm_step_backward as lstm_step_backward
from autograder.checks.lstm_steps import check_lstm_step_forward as lstm_step_forward

__all__ = [
    "lstm_gates",
    "lstm_step_forward",
    "lstm_step_backward",
    "lstm_forward",
    "lstm_backward",
    "cell_gradient_norms",
]
