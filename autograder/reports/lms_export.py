"""Grades out: the files the gradebook imports of Canvas and Moodle accept, and a plain CSV.

Every exported number comes from one result: its autograded score (written answers, graded by a
person, are left to the LMS), less the late penalty when a policy is given. The ``csv`` export
shows every step (submission, time, days late, penalty, score before and after) to trace them.

How students are matched. A result's student is its nbgrader id (the folder
``submitted/<student>/``) or what its path tells (:func:`autograder.results.student_of`). An LMS
knows students by its own ids, so the export can take a *roster*: the LMS's own gradebook export
(Canvas: Grades > Export; Moodle: Grades > Export > Plain text file), whose column ``match``
holds the ids the results use (by default Canvas's ``SIS Login ID``, Moodle's ``Username``). Its
identity columns are copied into the export, so the LMS finds each student by its own ids.
Without a roster the student id goes into that column, and must be what the LMS holds there.

Canvas (Grades > Import): the columns ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``,
``Section``, then one column per assignment named ``<name>`` (a new assignment) or as Canvas
exported it, ``<name> (<canvas assignment id>)``; a first row ``Points Possible`` gives the points.
Canvas matches rows by ``ID``, else by ``SIS User ID`` or ``SIS Login ID``.

Moodle (Grades > Import > CSV file): any columns; on import, *Identify user by* maps the identity
column (``Username`` here, or the roster's) to the user field it holds, and *Grade item mappings*
map the assignment's column to a grade item and ``Feedback`` to its feedback.
"""

import csv
import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path

from autograder.formats.gradebook import number
from autograder.formats.spreadsheet_csv import csv_text
from autograder.reports.late_policy import LatePolicy, parse_time
from autograder.results import SubmissionResult

CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
"""The identity columns of Canvas's gradebook CSV, in its order."""

DEFAULT_MATCH = {"canvas": "SIS Login ID", "moodle": "Username"}
"""The roster column that holds the results' student ids, by LMS."""

CSV_COLUMNS = (
    "student",
    "submission",
    "assignment",
    "submitted_at",
    "autograded_score",
    "autograded_max",
    "pending_max",
    "days_late",
    "penalty_percent",
    "score",
    "note",
)
"""The columns of the plain ``csv`` export."""


NO_TIME = "submission time unknown: no late penalty applied"
"""The note of a grade whose result has no submission time from a source the student cannot write."""


@dataclass(frozen=True)
class Grade:
    """One student's exported grade and where it came from.

    Attributes:
        student: the result's student id; submission: its submission; submitted_at: its time.
        autograded: the autograded score; maximum: the autograded points available.
        pending: points of written answers left to a person (not exported).
        days_late, penalty: days late and the percent lost (0 without a policy).
        score: what is exported: ``autograded * (1 - penalty / 100)``, rounded to 6 places.
        note: why no penalty could be applied, or empty.
    """

    student: str
    submission: str
    assignment: str
    submitted_at: str | None
    autograded: float
    maximum: float
    pending: float
    days_late: int
    penalty: float
    score: float
    note: str = ""


def grades(results: list[SubmissionResult], *, policy: LatePolicy | None = None) -> list[Grade]:
    """Each result's exported grade, in the order given.

    Raises:
        ValueError: when two results name the same student (merge or choose first), or the results
            are of several assignments.
    """
    assignments = sorted({r.assignment for r in results})
    if len(assignments) > 1:
        raise ValueError(f"results of several assignments ({', '.join(assignments)}): export one at a time")
    seen: dict[str, str] = {}
    out = []
    for result in results:
        if result.student_id in seen:
            raise ValueError(
                f"student {result.student_id} has two results ({seen[result.student_id]}, {result.submission}): "
                "export one result per student"
            )
        seen[result.student_id] = result.submission
        autograded = round(result.score, 6)
        days, penalty, note = 0, 0.0, ""
        if policy is not None and result.submitted_at is None:
            note = NO_TIME
        elif policy is not None:
            try:
                days = policy.days_late(result.submitted_at)
            except ValueError:
                note = f"submission time {result.submitted_at!r} unreadable: no late penalty applied"
            penalty = policy.penalty(days)
        out.append(
            Grade(
                student=result.student_id,
                submission=result.submission,
                assignment=result.assignment,
                submitted_at=result.submitted_at,
                autograded=autograded,
                maximum=round(result.max_score - result.pending_score, 6),
                pending=result.pending_score,
                days_late=days,
                penalty=penalty,
                score=round(autograded * (1 - penalty / 100), 6),
                note=note,
            )
        )
    return out


def read_roster(path: str | Path, match: str) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The columns of an LMS's gradebook export and its rows by the value of column ``match``.

    Canvas's export has a ``Points Possible`` row (and sometimes muted/read-only rows) with no
    student: rows whose ``match`` cell is empty are skipped.

    Raises:
        ValueError: when the file cannot be read or has no column ``match``.
    """
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot be read ({error})") from None
    reader = csv.DictReader(io.StringIO(text))
    columns = list(reader.fieldnames or [])
    if match not in columns:
        raise ValueError(f"{path}: no column {match!r} to match students by (columns: {', '.join(columns)})")
    rows = {row[match].strip(): row for row in reader if (row.get(match) or "").strip()}
    return columns, rows


def read_times(path: str | Path, *, column: str = "submitted_at", match: str = "student") -> dict[str, str]:
    """The submission times an instructor gives, by student: column ``column`` of a CSV, students in ``match``.

    The times are the instructor's (an LMS's submission report, a log of the exchange), used as they
    are: a student the file does not name has no time, and no late penalty.

    Raises:
        ValueError: when the file cannot be read, lacks a column, or holds a cell that is not a time.
    """
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot be read ({error})") from None
    reader = csv.DictReader(io.StringIO(text))
    columns = list(reader.fieldnames or [])
    for needed in (match, column):
        if needed not in columns:
            raise ValueError(f"{path}: no column {needed!r} (columns: {', '.join(columns)})")
    times = {}
    for line, row in enumerate(reader, 2):
        student, moment = (row.get(match) or "").strip(), (row.get(column) or "").strip()
        if not student or not moment:
            continue
        try:
            times[student] = parse_time(moment).isoformat(timespec="seconds")
        except ValueError:
            raise ValueError(f"{path}: line {line}: {moment[:60]!r} is not an ISO 8601 time") from None
    return times


def with_times(results: list[SubmissionResult], times: dict[str, str]) -> list[SubmissionResult]:
    """The results with the instructor's times in place of their own (none for a student the times lack)."""
    return [dataclasses.replace(r, student=r.student_id, submitted_at=times.get(r.student_id)) for r in results]


def unmatched(exported: list[Grade], roster: dict[str, dict[str, str]] | None) -> list[str]:
    """The students of the results the roster does not know (their grades are not exported)."""
    return [] if roster is None else [g.student for g in exported if g.student not in roster]


def canvas_csv(
    exported: list[Grade], *, column: str, roster: dict[str, dict[str, str]] | None = None, match: str = "SIS Login ID"
) -> str:
    """Canvas's gradebook import: identity columns, ``Points Possible``, one grade column ``column``."""
    maximum = max((g.maximum for g in exported), default=0.0)
    rows = [[*CANVAS_IDENTITY, column], ["    Points Possible", "", "", "", "", number(maximum)]]
    for grade in exported:
        if roster is not None:
            if grade.student not in roster:
                continue
            identity = [roster[grade.student].get(name, "") for name in CANVAS_IDENTITY]
        else:
            identity = [grade.student if name in ("Student", match) else "" for name in CANVAS_IDENTITY]
        rows.append([*identity, number(grade.score)])
    return csv_text(rows)


def moodle_csv(
    exported: list[Grade],
    *,
    column: str,
    roster: tuple[list[str], dict[str, dict[str, str]]] | None = None,
    match: str = "Username",
) -> str:
    """Moodle's CSV grade import: the identity column(s), the grade column ``column`` and ``Feedback``."""
    identity = [match] if roster is None else [c for c in roster[0] if c in MOODLE_IDENTITY or c == match]
    rows = [[*identity, column, "Feedback"]]
    for grade in exported:
        if roster is not None:
            if grade.student not in roster[1]:
                continue
            cells = [roster[1][grade.student].get(name, "") for name in identity]
        else:
            cells = [grade.student]
        rows.append([*cells, number(grade.score), feedback_text(grade)])
    return csv_text(rows)


MOODLE_IDENTITY = ("First name", "Last name", "ID number", "Username", "Email address")
"""The identity columns of Moodle's grade export that are kept from a roster."""


def feedback_text(grade: Grade) -> str:
    """One line for the LMS's feedback field: the autograded points and any penalty."""
    text = f"Autograded {number(grade.autograded)} / {number(grade.maximum)}"
    if grade.penalty:
        text += f"; {grade.days_late} day{'s' if grade.days_late != 1 else ''} late: -{number(grade.penalty)}%"
    if grade.note:
        text += f"; {grade.note}"
    return text


def plain_csv(exported: list[Grade]) -> str:
    """Every exported grade with each step from its result: the traceable record."""
    rows = [
        [
            g.student,
            g.submission,
            g.assignment,
            g.submitted_at or "",
            number(g.autograded),
            number(g.maximum),
            number(g.pending),
            g.days_late,
            number(g.penalty),
            number(g.score),
            g.note,
        ]
        for g in exported
    ]
    return csv_text([CSV_COLUMNS, *rows])


def export_text(
    results: list[SubmissionResult],
    *,
    to: str,
    policy: LatePolicy | None = None,
    roster: str | Path | None = None,
    match: str | None = None,
    column: str | None = None,
    times: dict[str, str] | None = None,
) -> tuple[str, list[str]]:
    """The export for ``to`` (``canvas``, ``moodle`` or ``csv``), and the students the roster lacks.

    Args:
        results: one result per student, of one assignment.
        to: the target.
        policy: the late policy, if any.
        roster: the LMS's gradebook export, to match students by (see the module's docstring).
        match: the roster column holding the results' student ids (default by LMS).
        column: the name of the grade column (default: the assignment id; for Canvas, name an
            existing assignment as Canvas exported it, ``rnn (12345)``).
        times: the instructor's submission times by student (:func:`read_times`), used instead of the results'.

    Raises:
        ValueError: for an unknown target, an unreadable roster, or results :func:`grades` refuses.
    """
    if to not in ("canvas", "moodle", "csv"):
        raise ValueError(f"--to must be canvas, moodle or csv, got {to!r}")
    exported = grades(results if times is None else with_times(results, times), policy=policy)
    if to == "csv":
        return plain_csv(exported), []
    match = match or DEFAULT_MATCH[to]
    column = column or (exported[0].assignment if exported else "grade")
    table = read_roster(roster, match) if roster is not None else None
    missing = unmatched(exported, table[1] if table else None)
    if to == "canvas":
        return canvas_csv(exported, column=column, roster=table[1] if table else None, match=match), missing
    return moodle_csv(exported, column=column, roster=table, match=match), missing
