"""The result model: what one graded case produced. Every output format is built from these."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case of a check: points earned and, when it failed, why.

    Attributes:
        function: the student function the case grades, e.g. ``"rnn_backward"``.
        name: what the case tests, e.g. ``"gradients match centered differences"``.
        points: points earned, between 0 and ``max_points``.
        max_points: points the case is worth.
        message: empty when passed; otherwise what went wrong and what to look at next.
        hidden: True for cases that compare with the reference solution.
    """

    function: str
    name: str
    points: float
    max_points: float
    message: str = ""
    hidden: bool = False

    @property
    def passed(self) -> bool:
        """True when the case earned all its points."""
        return self.points >= self.max_points


def total_points(results: list[CaseResult]) -> float:
    """Sum of the points earned, rounded so that float noise never shows in a gradebook."""
    return round(sum(result.points for result in results), 6)


def total_max_points(results: list[CaseResult]) -> float:
    """Sum of the points available."""
    return round(sum(result.max_points for result in results), 6)
