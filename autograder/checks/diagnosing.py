"""The grader's diagnoses of common mistakes, where they are installed.

The diagnoses compute near-answers (:mod:`autograder.mistakes`), so a student's copy of the public
checks comes without them. :func:`mistakes_of` gives the checks the diagnoses of an assignment
where the grader has them, and otherwise a stand-in whose every diagnosis recognises nothing:
the checks grade the same either way, and only the "Likely mistake" lines differ.
"""

import importlib
from types import ModuleType

from autograder.checking.diagnoses import known_mistakes


class NoDiagnoses:
    """Stands for a module of diagnoses that is not installed: every diagnosis it builds recognises nothing."""

    def __init__(self, assignment: str) -> None:
        self.assignment = assignment

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: known_mistakes()


def mistakes_of(assignment: str) -> ModuleType | NoDiagnoses:
    """The diagnoses of ``assignment`` (``autograder.mistakes.<assignment>``), or :class:`NoDiagnoses` without them."""
    try:
        return importlib.import_module(f"autograder.mistakes.{assignment}")
    except ImportError:
        return NoDiagnoses(assignment)
