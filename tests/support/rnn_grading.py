"""Running one check of the rnn assignment on the reference with some functions replaced."""

from autograder.checks import rnn as checks
from support.course_tables import RNN_CHECKS


def run_check(name: str, reference, replacements: dict, *, hidden: bool) -> float:
    """Grade ``name`` the way its notebook cell does, with ``replacements`` standing in for the reference.

    Args:
        name: the check, e.g. ``"rnn_backward"``.
        reference: the reference functions (the ``reference`` fixture).
        replacements: student functions by the name of the function they implement; every other
            function the check takes comes from the reference.
        hidden: run the hidden cases instead of the public ones.
    """
    functions, _ = RNN_CHECKS[name]
    arguments = [replacements.get(function, getattr(reference, function)) for function in functions]
    return getattr(checks, name)(*arguments, hidden=hidden)


def full_marks(name: str, *, hidden: bool) -> float:
    """The points of the public or the hidden part of a check."""
    _, (public, secret) = RNN_CHECKS[name]
    return float(secret if hidden else public)
