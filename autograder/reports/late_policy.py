"""Late penalties: a due date, a penalty per day late and a cap, read from a small TOML file.

::

    # late.toml
    due = "2026-03-02T23:59:00+01:00"   # ISO 8601; without an offset, UTC
    penalty_per_day = 10                # percent of the points earned, per day or part of a day
    cap = 50                            # the largest penalty, in percent (default 100)
    grace_minutes = 15                  # optional: this late is on time

A submission ``d`` days late (any part of a day counts as a whole one, after the grace period)
keeps ``100 - min(d * penalty_per_day, cap)`` percent of its points. The time is the result's
``submitted_at``; a result without one gets no penalty, and the export says so.
"""

import math
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

KEYS = {"due", "penalty_per_day", "cap", "grace_minutes"}


@dataclass(frozen=True)
class LatePolicy:
    """When an assignment was due and what each day late costs.

    Attributes:
        due: the deadline, timezone-aware.
        penalty_per_day: percent of the points earned lost per day late (or part of one).
        cap: the largest penalty, in percent.
        grace: how late a submission may be and still count as on time.
    """

    due: datetime
    penalty_per_day: float
    cap: float = 100.0
    grace: timedelta = timedelta(0)

    def days_late(self, submitted_at: str) -> int:
        """Whole days late, any part of a day counting as one; 0 when on time or within the grace."""
        late = parse_time(submitted_at) - self.due
        if late <= self.grace:
            return 0
        return math.ceil(late / timedelta(days=1))

    def penalty(self, days_late: int) -> float:
        """The percent of the points lost after ``days_late`` days."""
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
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not TOML ({error})") from None
    if unknown := sorted(set(document) - KEYS):
        raise ValueError(f"{path}: unknown keys {', '.join(unknown)} (known: {', '.join(sorted(KEYS))})")
    if "due" not in document or "penalty_per_day" not in document:
        raise ValueError(f"{path}: needs due and penalty_per_day")
    due = document["due"]
    try:
        due = parse_time(due) if isinstance(due, str) else due
    except ValueError:
        raise ValueError(f"{path}: due must be an ISO 8601 time, got {due!r}") from None
    if not isinstance(due, datetime):
        raise ValueError(f"{path}: due must be a date and time, got {due!r}")
    due = due if due.tzinfo is not None else due.replace(tzinfo=timezone.utc)
    numbers = {key: document.get(key, default) for key, default in (("penalty_per_day", 0), ("cap", 100), ("grace_minutes", 0))}
    for key, value in numbers.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"{path}: {key} must be a non-negative number, got {value!r}")
    if numbers["cap"] > 100:
        raise ValueError(f"{path}: cap is a percent, at most 100, got {numbers['cap']!r}")
    return LatePolicy(
        due, float(numbers["penalty_per_day"]), float(numbers["cap"]), timedelta(minutes=numbers["grace_minutes"])
    )
