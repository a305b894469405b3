"""The grader's diagnoses of common mistakes, where they are installed.

The signatures of common mistakes are computed from the definitions (:mod:`autograder.mistakes`),
so a student's copy of the public checks comes without them. :func:`mistakes_of` gives the checks
the module of an assignment where the grader has it, and otherwise a stand-in that gives no
signature: the checks grade the same either way, and only the "Likely mistake" lines of cases on
fresh inputs differ (known answers publish their signatures).
"""

import importlib
from types import ModuleType


class NoDiagnoses:
    """Stands for a module of mistakes that is not installed: every function of it gives no signature."""

    def __init__(self, assignment: str) -> None:
        self.assignment = assignment

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: ()


def mistakes_of(assignment: str) -> ModuleType | NoDiagnoses:
    """The diagnoses of ``assignment`` (``autograder.mistakes.<assignment>``), or :class:`NoDiagnoses` without them."""
    try:
        return importlib.import_module(f"autograder.mistakes.{assignment}")
    except ImportError:
        return NoDiagnoses(assignment)
