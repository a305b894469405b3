"""The account of each student's lateness over the term: days late, late days spent, penalties.

Each student's results are taken in the order their assignments were due; a late one spends the
student's late days first, and only the days left over cost a penalty (see
:mod:`autograder.reports.late_policy`). Every step is kept on the :class:`LateRecord`, so the export
and the student's feedback page can show where a penalty came from.
"""

from dataclasses import dataclass
from datetime import datetime, timezone

from autograder.reports.late_policy import LatePolicy
from autograder.results import SubmissionResult

NO_TIME = "submission time unknown: no late penalty applied"
"""The note of a grade whose result has no submission time from a source the student cannot write."""
NO_DUE = "no due date for this assignment in the late policy: no late penalty applied"
"""The note of a grade whose assignment the policy names no due date for."""


@dataclass(frozen=True)
class LateRecord:
    """How late one result was and what it cost.

    Attributes:
        student, assignment: whose and which.
        submitted_at: when it was submitted (ISO 8601), None when unknown.
        due: the student's due date (extension included), None when the policy names none.
        extension: the student's extension, as words (``"2 days more"``), or empty.
        days_late: whole days after ``due`` (after the grace period).
        late_days_spent: the free late days it used; late_days_left: what the student has left after it.
        penalty: the percent of its points it loses.
        note: why no penalty could be told (no time, no due date), or empty.
    """

    student: str
    assignment: str
    submitted_at: str | None
    due: datetime | None
    extension: str = ""
    days_late: int = 0
    late_days_spent: int = 0
    late_days_left: int = 0
    penalty: float = 0.0
    note: str = ""

    def describe(self) -> str:
        """One sentence for the student: when, how late, the late days and the penalty."""
        if self.note:
            return self.note[0].upper() + self.note[1:] + "."
        due = f"{self.due.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC" if self.due else "?"
        extended = f" (with your extension, {self.extension})" if self.extension else ""
        if not self.days_late:
            return f"Submitted on time: due {due}{extended}."
        text = f"Submitted {self.days_late} day{'s' if self.days_late != 1 else ''} late: due {due}{extended}."
        if self.late_days_spent:
            text += f" Late days spent: {self.late_days_spent} ({self.late_days_left} left)."
        text += f" Late penalty: {self.penalty:g}%." if self.penalty else " No penalty."
        return text


def late_records(results: list[SubmissionResult], policy: LatePolicy | None) -> dict[tuple[str, str], LateRecord]:
    """Each result's :class:`LateRecord`, by ``(student, assignment)``; all on time without a policy.

    A student's results are settled in the order their assignments were due (then by assignment id),
    so that late days are spent on the earliest lateness first.
    """
    records: dict[tuple[str, str], LateRecord] = {}
    by_student: dict[str, list[SubmissionResult]] = {}
    for result in results:
        by_student.setdefault(result.student_id, []).append(result)
    for student, theirs in by_student.items():
        left = policy.late_days if policy is not None else 0
        for result in sorted(theirs, key=lambda r: (_due_order(policy, student, r.assignment), r.assignment)):
            record = _record(result, student, policy, left)
            left = record.late_days_left
            records[student, result.assignment] = record
    return records


def _due_order(policy: LatePolicy | None, student: str, assignment: str) -> datetime:
    due = policy.due_for(student, assignment) if policy is not None else None
    return due or datetime.max.replace(tzinfo=timezone.utc)


def _record(result: SubmissionResult, student: str, policy: LatePolicy | None, left: int) -> LateRecord:
    """The record of one result, with ``left`` late days still to spend."""
    base = {"student": student, "assignment": result.assignment, "submitted_at": result.submitted_at}
    if policy is None:
        return LateRecord(**base, due=None, late_days_left=left)
    due = policy.due_for(student, result.assignment)
    extension = policy.extension_of(student, result.assignment)
    described = extension.describe() if extension is not None else ""
    if due is None:
        return LateRecord(**base, due=None, extension=described, late_days_left=left, note=NO_DUE)
    if result.submitted_at is None:
        return LateRecord(**base, due=due, extension=described, late_days_left=left, note=NO_TIME)
    try:
        days = policy.days_late(result.submitted_at, due)
    except ValueError:
        note = f"submission time {result.submitted_at!r} unreadable: no late penalty applied"
        return LateRecord(**base, due=due, extension=described, late_days_left=left, note=note)
    spent = min(days, left)
    return LateRecord(
        **base,
        due=due,
        extension=described,
        days_late=days,
        late_days_spent=spent,
        late_days_left=left - spent,
        penalty=policy.penalty(days - spent),
    )
