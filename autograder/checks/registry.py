"""The checks of an assignment by the name of the function each grades, as its description names them."""

from collections.abc import Callable

from autograder.course import ASSIGNMENTS, resolve


def checks_of(assignment: str) -> dict[str, Callable[..., float]]:
    """``{function: check}`` for every function of ``assignment``, in the notebook's order.

    A check takes the student's function, then the functions its description's ``uses`` names,
    and ``hidden=True`` for the hidden cases; it returns the points earned as a float.
    """
    return {function.name: resolve(function.check) for function in ASSIGNMENTS[assignment].functions}


def check_modules(assignment: str) -> tuple[str, ...]:
    """The modules that hold the checks of ``assignment``, in order, each once."""
    return tuple(dict.fromkeys(function.check.partition(":")[0] for function in ASSIGNMENTS[assignment].functions))
