"""The checks of the ``charlm`` assignment, named after the functions they check (see ``autograder/course/charlm.py``).

Each returns the points earned as a float, the value an nbgrader test cell ends with; with
``hidden=True`` it runs the comparisons with the reference solution instead of the public cases.
The notebook's test cells call them as ``checks.<function>(<function>, ...)``.
"""

from autograder.checks.registry import checks_of

_CHECKS = checks_of("charlm")
globals().update(_CHECKS)
__all__ = list(_CHECKS)
