"""The tests' tables of functions, checks and points, read from the assignments' descriptions.

No test keeps its own list of an assignment's functions or points: each reads them here, and
here reads ``autograder/course/<assignment>.py``.
"""

from autograder.course import ASSIGNMENTS


def check_table(assignment: str) -> dict[str, tuple[tuple[str, ...], tuple[float, float]]]:
    """``{function: (the student functions its check takes, (public points, hidden points))}``."""
    return {f.name: (f.takes, (f.public, f.hidden)) for f in ASSIGNMENTS[assignment].functions}


def points(assignment: str) -> dict[str, tuple[float, float]]:
    """``{function: (public points, hidden points)}``."""
    return {f.name: (f.public, f.hidden) for f in ASSIGNMENTS[assignment].functions}


RNN_CHECKS = check_table("rnn")
LSTM_CHECKS = check_table("lstm")
CHARLM_CHECKS = check_table("charlm")
EVERY_FUNCTION = [(a, f.name) for a, assignment in ASSIGNMENTS.items() for f in assignment.functions]
"""``(assignment, function)`` for every function students write."""
