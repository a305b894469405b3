"""Late work as courses run it: due dates per assignment, extensions, late days, grace and a cap.

The policy is a small TOML file, one per course (``term.toml``) or per assignment::

    due = 2026-03-02T23:59:00+01:00     # every assignment's due date, or one per assignment:
    # [due]
    # rnn = 2026-03-02T23:59:00+01:00
    # lstm = 2026-03-16T23:59:00+01:00
    penalty_per_day = 10                # percent of the points earned, per day or part of a day
    cap = 50                            # the largest penalty, in percent (default 100)
    grace_minutes = 15                  # this late is on time (default 0)
    late_days = 3                       # free late days each student may spend over the term (default 0)

    [extensions]                        # per student: days more, or a new due date, per assignment
    ada = { rnn = 2 }                   # two days more for rnn
    ben = { all = 1 }                   # one day more for every assignment
    cy = { lstm = 2026-03-20T23:59:00+01:00 }

Times without an offset are UTC. A submission ``d`` days after its student's due date (any part of
a day counts as a whole one, after the grace period) spends up to ``d`` of the student's remaining
late days, assignments taken in the order they were due; the days left over cost
``penalty_per_day`` percent each, at most ``cap`` percent. A result without a submission time from
a source the student cannot write gets no penalty, spends no late day, and says so
(:mod:`autograder.reports.late_ledger` keeps the account).
"""

import math
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

KEYS = {"due", "penalty_per_day", "cap", "grace_minutes", "late_days", "extensions"}
ALL_ASSIGNMENTS = "all"
"""The key of an extension that applies to every assignment."""


@dataclass(frozen=True)
class Extension:
    """A student's extension of one assignment (or all): extra days, or a new due date."""

    days: int = 0
    due: datetime | None = None

    def applied_to(self, due: datetime) -> datetime:
        """The due date with this extension."""
        return self.due if self.due is not None else due + timedelta(days=self.days)

    def describe(self) -> str:
        """``"2 days more"`` or ``"due 2026-03-20 22:59 UTC"`` (never a leading sign: it is a spreadsheet cell too)."""
        if self.due is not None:
            return f"due {self.due.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"
        return f"{self.days} day{'s' if self.days != 1 else ''} more"


@dataclass(frozen=True)
class LatePolicy:
    """When each assignment was due and what lateness costs.

    Attributes:
        due: the due date of every assignment not in ``dues``, timezone-aware; None when each is named.
        penalty_per_day: percent of the points earned lost per day late (or part of one) not covered by late days.
        cap: the largest penalty, in percent.
        grace: how late a submission may be and still count as on time.
        late_days: free late days each student may spend over the term.
        dues: the due date of each assignment named in the policy.
        extensions: per student, per assignment (or ``"all"``), an :class:`Extension`.
    """

    due: datetime | None
    penalty_per_day: float
    cap: float = 100.0
    grace: timedelta = timedelta(0)
    late_days: int = 0
    dues: dict[str, datetime] = field(default_factory=dict)
    extensions: dict[str, dict[str, Extension]] = field(default_factory=dict)

    def due_of(self, assignment: str) -> datetime | None:
        """The assignment's due date for everyone; None when the policy names none for it."""
        return self.dues.get(assignment, self.due)

    def extension_of(self, student: str, assignment: str) -> Extension | None:
        """The student's extension of the assignment (its own, else the one for all), if any."""
        granted = self.extensions.get(student, {})
        return granted.get(assignment) or granted.get(ALL_ASSIGNMENTS)

    def due_for(self, student: str, assignment: str) -> datetime | None:
        """The student's due date of the assignment, extension included; None when the policy names none."""
        due = self.due_of(assignment)
        extension = self.extension_of(student, assignment)
        if due is None and (extension is None or extension.due is None):
            return None
        return extension.applied_to(due) if extension is not None else due

    def days_late(self, submitted_at: str, due: datetime | None = None) -> int:
        """Whole days after ``due`` (default: the policy's ``due``), any part of a day counting as one; 0 within the grace."""
        due = self.due if due is None else due
        if due is None:
            raise ValueError("the policy names no single due date: give the assignment's")
        late = parse_time(submitted_at) - due
        if late <= self.grace:
            return 0
        return math.ceil(late / timedelta(days=1))

    def penalty(self, days_late: int) -> float:
        """The percent of the points lost for ``days_late`` days not covered by late days."""
        return min(days_late * self.penalty_per_day, self.cap)


def parse_time(text: str) -> datetime:
    """An ISO 8601 time; one without an offset is UTC.

    Raises:
        ValueError: when the text is not such a time.
    """
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def read_policy(path: str | Path) -> LatePolicy:
    """The policy in a TOML file.

    Raises:
        ValueError: with one line naming the file and what is wrong with it.
    """
    try:
        document = tomllib.loads(Path(path).read_text("utf-8"))
    except OSError as error:
        raise ValueError(f"{path}: cannot be read ({error.strerror or error})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: not TOML ({error})") from None
    if unknown := sorted(set(document) - KEYS):
        raise ValueError(f"{path}: unknown keys {', '.join(unknown)} (known: {', '.join(sorted(KEYS))})")
    if "due" not in document or "penalty_per_day" not in document:
        raise ValueError(f"{path}: needs due and penalty_per_day")
    due, dues = None, {}
    if isinstance(document["due"], dict):
        if not document["due"]:
            raise ValueError(f"{path}: [due] names no assignment")
        dues = {str(a): _moment(v, f"{path}: due of {a}") for a, v in document["due"].items()}
    else:
        due = _moment(document["due"], f"{path}: due")
    numbers = {
        key: document.get(key, default)
        for key, default in (("penalty_per_day", 0), ("cap", 100), ("grace_minutes", 0), ("late_days", 0))
    }
    for key, value in numbers.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or not math.isfinite(value):
            raise ValueError(f"{path}: {key} must be a non-negative number, got {value!r}")
    if numbers["cap"] > 100:
        raise ValueError(f"{path}: cap is a percent, at most 100, got {numbers['cap']!r}")
    if numbers["late_days"] != int(numbers["late_days"]):
        raise ValueError(f"{path}: late_days must be a whole number, got {numbers['late_days']!r}")
    return LatePolicy(
        due,
        float(numbers["penalty_per_day"]),
        float(numbers["cap"]),
        timedelta(minutes=numbers["grace_minutes"]),
        int(numbers["late_days"]),
        dues,
        _extensions(document.get("extensions", {}), path, known=set(dues)),
    )


def _moment(value: object, what: str) -> datetime:
    """A TOML date-time (or ISO 8601 string, or a date meaning its end in UTC) as an aware datetime."""
    if isinstance(value, str):
        try:
            value = parse_time(value)
        except ValueError:
            raise ValueError(f"{what} must be an ISO 8601 time, got {value!r}") from None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(23, 59, 59))
    if not isinstance(value, datetime):
        raise ValueError(f"{what} must be a date and time, got {value!r}")
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _extensions(table: object, path: str | Path, *, known: set[str]) -> dict[str, dict[str, Extension]]:
    """The ``[extensions]`` table: student -> assignment (or ``all``) -> days (a whole number) or a due date."""
    if not isinstance(table, dict):
        raise ValueError(f"{path}: extensions must be a table of students")
    extensions: dict[str, dict[str, Extension]] = {}
    for student, granted in table.items():
        if not isinstance(granted, dict) or not granted:
            raise ValueError(f"{path}: the extension of {student} must name assignments, e.g. {{ rnn = 2 }}")
        extensions[str(student)] = {}
        for assignment, value in granted.items():
            what = f"{path}: extension of {student} for {assignment}"
            if known and assignment != ALL_ASSIGNMENTS and assignment not in known:
                raise ValueError(f"{what}: no such assignment in [due] ({', '.join(sorted(known))})")
            if isinstance(value, bool) or (isinstance(value, (int, float)) and (value < 0 or value != int(value))):
                raise ValueError(f"{what} must be a whole number of days or a due date, got {value!r}")
            if isinstance(value, (int, float)):
                extensions[str(student)][str(assignment)] = Extension(days=int(value))
            else:
                extensions[str(student)][str(assignment)] = Extension(due=_moment(value, what))
    return extensions
