"""The course's assignments, each described once: its functions, their signatures, checks and points.

An assignment's description (``autograder/course/<assignment>.py``) is the one place that says
which functions students write, in which order, with which parameters; which check grades each,
which other student functions that check also calls, and how many points its public and hidden
cases are worth. Everything else reads it: the student API that the sandbox and the purity
monitor use (:mod:`autograder.student_api`), the checks' registries that the notebooks' test
cells import (``autograder.checks.rnn`` and its siblings), the known answers
(``scripts/make_known_answers.py``), and the tests' tables of functions and points.

The descriptions are plain data, importable from anywhere in the package: a check is named by
its import path, never imported here.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Function:
    """One function students write.

    Attributes:
        name: the function's name, as the notebook defines it.
        signature: its parameters as the notebook's ``def`` line writes them.
        returns: what it returns, as its docstring names it.
        public: the points of its check's public cases (the test cell's part students run).
        hidden: the points of its check's hidden cases (run when the instructor grades).
        check: ``"module:function"``, the check that grades it; the check takes this function,
            then each function of ``uses``.
        uses: the other student functions its check calls, in the check's order (a backward pass's
            check builds its ``cache`` with the student's forward pass).
        known_answers: ``"module:function"`` writing its known answers, for a function whose
            examples are not made by its assignment's ``known_answers`` (see :class:`Assignment`).
    """

    name: str
    signature: str
    returns: str
    public: float
    hidden: float
    check: str
    uses: tuple[str, ...] = ()
    known_answers: str | None = None

    @property
    def parameters(self) -> tuple[str, ...]:
        """The names of the parameters, in order, defaults left out."""
        return tuple(part.split("=")[0].strip() for part in self.signature.split(",") if part.strip())

    @property
    def points(self) -> float:
        """The points of the test cell that grades it: public and hidden together."""
        return round(self.public + self.hidden, 2)

    @property
    def takes(self) -> tuple[str, ...]:
        """The student functions its check takes, in order: itself, then what it uses."""
        return (self.name, *self.uses)


@dataclass(frozen=True)
class Assignment:
    """One assignment: its functions in the notebook's order, and where its test data lives.

    Attributes:
        name: the assignment's name (its folder under ``solutions/`` and ``assignments/``).
        functions: the functions students write, in the notebook's order.
        known_answers: ``"module:function"`` writing the known answers of the functions that
            name no generator of their own: ``function(reference) -> {"function/example": {...}}``.
        mistakes: the test module of planted mistakes (plausible wrong implementations each check
            must take points from).
        alternatives: the test module of correct implementations written differently from the
            reference (each must keep every point).
    """

    name: str
    functions: tuple[Function, ...]
    known_answers: str
    mistakes: str
    alternatives: str

    @property
    def names(self) -> tuple[str, ...]:
        """The names of its functions, in the notebook's order."""
        return tuple(function.name for function in self.functions)

    def function(self, name: str) -> Function:
        """The function called ``name``."""
        for function in self.functions:
            if function.name == name:
                return function
        raise KeyError(f"{self.name} has no function {name!r}")


def resolve(path: str) -> Callable:
    """The object ``"module:attribute"`` names, imported now."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


def _described() -> dict[str, Assignment]:
    from autograder.course import charlm, lstm, rnn

    return {a.name: a for a in (rnn.ASSIGNMENT, lstm.ASSIGNMENT, charlm.ASSIGNMENT)}


ASSIGNMENTS: dict[str, Assignment] = _described()
"""Every assignment of the course, by name, in the order students take them."""
