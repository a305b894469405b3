"""The functions students write, by assignment, as the assignments' descriptions list them.

It sits below every other module but the descriptions (:mod:`autograder.course`), so that the
sandbox and the purity monitor can name the student's functions without importing the checks.
"""

from autograder.course import ASSIGNMENTS

STUDENT_FUNCTIONS: dict[str, tuple[str, ...]] = {name: assignment.names for name, assignment in ASSIGNMENTS.items()}
"""The functions of each assignment, in the notebook's order."""


def student_function_names() -> frozenset[str]:
    """The names of the functions students write, in every assignment."""
    return frozenset(name for functions in STUDENT_FUNCTIONS.values() for name in functions)
