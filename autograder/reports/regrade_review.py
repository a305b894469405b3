"""What a regrade would change, student by student, before anything is published.

A class is regraded (``autograder grade`` again: a new seed, a new version of the grader, a fixed
check) into a new results file; :func:`review` compares it with the results that were published:
each student's score before and after, and every case whose points changed, so the instructor can
read what moved and why before :mod:`autograder.reports.publishing` writes the new exports.
"""

from dataclasses import dataclass

from autograder.results import WRITTEN, SubmissionResult


@dataclass(frozen=True)
class CaseChange:
    """One case whose points differ between the two gradings (a case missing from one counts 0 there)."""

    test: str
    case: str
    before: float
    after: float
    max_points: float


@dataclass(frozen=True)
class StudentChange:
    """One student's autograded score before and after, and the cases that moved."""

    student: str
    before: float | None
    after: float | None
    cases: tuple[CaseChange, ...]

    @property
    def difference(self) -> float:
        """After less before (a student missing on one side counts 0 there)."""
        return round((self.after or 0.0) - (self.before or 0.0), 6)


@dataclass(frozen=True)
class Review:
    """The changes a regrade brings, largest first, and how many students it leaves as they were."""

    assignment: str
    changes: tuple[StudentChange, ...]
    unchanged: int

    @property
    def raised(self) -> int:
        """Students whose score goes up."""
        return sum(change.difference > 0 for change in self.changes)

    @property
    def lowered(self) -> int:
        """Students whose score goes down."""
        return sum(change.difference < 0 for change in self.changes)


def case_points(result: SubmissionResult) -> dict[tuple[str, str], tuple[float, float]]:
    """``(test, case) -> (points, max_points)`` of every autograded case (a test without cases counts as one)."""
    points = {}
    for test in result.tests:
        if test.status in WRITTEN:
            continue
        if not test.cases:
            points[test.name, "the whole test"] = (test.score, test.max_score)
        for case in test.cases:
            points[test.name, case.name] = (case.points, case.max_points)
    return points


def review(before: list[SubmissionResult], after: list[SubmissionResult]) -> Review:
    """The per-student changes from ``before`` (published) to ``after`` (regraded), one assignment.

    Raises:
        ValueError: when the results are of several assignments, or a side holds a student twice.
    """
    assignments = sorted({r.assignment for r in [*before, *after]})
    if len(assignments) != 1:
        raise ValueError(f"a review compares one assignment's results, got {', '.join(assignments) or 'none'}")
    old, new = _by_student(before, "the published results"), _by_student(after, "the regraded results")
    changes, unchanged = [], 0
    for student in sorted(old.keys() | new.keys()):
        was, now = old.get(student), new.get(student)
        cases_before = case_points(was) if was else {}
        cases_after = case_points(now) if now else {}
        moved = tuple(
            case_change(key, cases_before.get(key), cases_after.get(key))
            for key in sorted(cases_before.keys() | cases_after.keys())
            if abs(cases_before.get(key, (0.0, 0.0))[0] - cases_after.get(key, (0.0, 0.0))[0]) > 1e-9
        )
        score_before = was.autograded_score if was else None
        score_after = now.autograded_score if now else None
        if moved or was is None or now is None or abs((score_before or 0) - (score_after or 0)) > 1e-9:
            changes.append(StudentChange(student, score_before, score_after, moved))
        else:
            unchanged += 1
    changes.sort(key=lambda c: (-abs(c.difference), c.student))
    return Review(assignments[0], tuple(changes), unchanged)


def case_change(
    key: tuple[str, str], before: tuple[float, float] | None, after: tuple[float, float] | None
) -> CaseChange:
    """The change of one case, a side without it counting 0."""
    worth = max((before or (0.0, 0.0))[1], (after or (0.0, 0.0))[1])
    return CaseChange(*key, (before or (0.0, 0.0))[0], (after or (0.0, 0.0))[0], worth)


def _by_student(results: list[SubmissionResult], what: str) -> dict[str, SubmissionResult]:
    found: dict[str, SubmissionResult] = {}
    for result in results:
        if result.student_id in found:
            raise ValueError(f"{what} hold two results of {result.student_id}: review one result per student")
        found[result.student_id] = result
    return found


def review_text(done: Review) -> str:
    """The review for people: a summary line, then each student who changes with the cases that moved."""
    lines = [
        f"Regrade of {done.assignment}: {len(done.changes)} students change ({done.raised} up, {done.lowered} down), "
        f"{done.unchanged} unchanged."
    ]
    for change in done.changes:
        before = "no result" if change.before is None else f"{change.before:g}"
        after = "no result" if change.after is None else f"{change.after:g}"
        lines.append(f"  {change.student}: {before} -> {after} ({change.difference:+g})")
        for case in change.cases:
            lines.append(f"      {case.test}: {case.case}  {case.before:g} -> {case.after:g} of {case.max_points:g}")
    return "\n".join(lines) + "\n"
