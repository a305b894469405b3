"""Grades out: the files the gradebook imports of Canvas and Moodle accept, and a plain CSV.

Every exported number comes from one result: its autograded score, plus the written answers'
marks when they are given (nbgrader's gradebook or a CSV, :mod:`autograder.reports.written_marks`;
without them the written answers are left to the LMS), less the late penalty when a policy is given
(late days spent over the assignments exported together, :mod:`autograder.reports.late_ledger`).
Results of several assignments make one term's gradebook: a grade column per assignment. The
``csv`` export shows every step (submission, time, due date and extension, late days, penalty,
score before and after) to trace each grade.

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
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.formats.gradebook import number
from autograder.formats.spreadsheet_csv import csv_text
from autograder.reports.late_ledger import LateRecord, late_records
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
    "due",
    "extension",
    "autograded_score",
    "autograded_max",
    "written_score",
    "written_max",
    "pending_max",
    "days_late",
    "late_days_spent",
    "late_days_left",
    "penalty_percent",
    "score",
    "maximum",
    "note",
)
"""The columns of the plain ``csv`` export: every step from a result to its exported score."""


@dataclass(frozen=True)
class Grade:
    """One student's exported grade of one assignment and where it came from.

    Attributes:
        student: the result's student id; submission: its submission; submitted_at: its time.
        autograded: the autograded score; autograded_max: the autograded points available.
        written: the points a person gave the written answers; written_max: what those answers are
            worth (0 and 0 when no marks were merged: the written answers are then left to the LMS).
        pending: points of written answers not graded (left to the LMS, or counted 0 when marks were merged).
        late: the account of its lateness (due date, extension, late days, penalty).
        score: what is exported: ``(autograded + written) * (1 - penalty / 100)``, rounded to 6 places.
        maximum: the points the exported score is out of.
        note: why no penalty could be applied, or what is missing, or empty.
    """

    student: str
    submission: str
    assignment: str
    submitted_at: str | None
    autograded: float
    autograded_max: float
    written: float
    written_max: float
    pending: float
    late: LateRecord
    score: float
    maximum: float
    note: str = ""

    @property
    def days_late(self) -> int:
        """Whole days after the student's due date."""
        return self.late.days_late

    @property
    def penalty(self) -> float:
        """The percent of the points lost for lateness."""
        return self.late.penalty


def grades(
    results: list[SubmissionResult], *, policy: LatePolicy | None = None, marks_merged: bool = False
) -> list[Grade]:
    """Each result's exported grade, in the order given.

    Args:
        results: one result per student and assignment (several assignments: one term's gradebook).
        policy: the late policy; late days are spent over the results given, in due order.
        marks_merged: True when written marks were merged in (:mod:`autograder.reports.written_marks`):
            the written answers count in the score and the maximum, unmarked ones as 0.

    Raises:
        ValueError: when two results name the same student for one assignment (merge or choose first).
    """
    seen: dict[tuple[str, str], str] = {}
    for result in results:
        key = (result.student_id, result.assignment)
        if key in seen:
            raise ValueError(
                f"student {key[0]} has two results of {key[1]} ({seen[key]}, {result.submission}): "
                "export one result per student"
            )
        seen[key] = result.submission
    ledger = late_records(results, policy)
    out = []
    for result in results:
        late = ledger[result.student_id, result.assignment]
        autograded = result.autograded_score
        written = result.marked_score if marks_merged else 0.0
        written_max = round(result.marked_max + result.pending_score, 6) if marks_merged else 0.0
        notes = [late.note] if late.note else []
        if marks_merged and result.pending_score:
            notes.append(f"written answers not marked yet (counted 0): {result.pending_score:g} points")
        out.append(
            Grade(
                student=result.student_id,
                submission=result.submission,
                assignment=result.assignment,
                submitted_at=result.submitted_at,
                autograded=autograded,
                autograded_max=result.autograded_max,
                written=written,
                written_max=written_max,
                pending=result.pending_score,
                late=late,
                score=round((autograded + written) * (1 - late.penalty / 100), 6),
                maximum=round(result.autograded_max + written_max, 6),
                note="; ".join(notes),
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


@dataclass(frozen=True)
class RosterCheck:
    """Who the results and the roster disagree about.

    Attributes:
        not_in_roster: students with a result the roster does not know (their grades are not exported).
        without_result: roster students with no result, per assignment (nothing is exported for them).
    """

    not_in_roster: list[str]
    without_result: dict[str, list[str]]

    @property
    def agrees(self) -> bool:
        """True when every graded student is in the roster and every roster student has every result."""
        return not self.not_in_roster and not any(self.without_result.values())

    def table(self) -> str:
        """The disagreements as a small text table, one line per student; empty when they agree."""
        rows = [(student, "has a result, not in the roster: not exported") for student in self.not_in_roster]
        for assignment, students in self.without_result.items():
            rows += [(student, f"in the roster, no result of {assignment}: nothing exported") for student in students]
        if not rows:
            return ""
        width = max(len(student) for student, _ in rows)
        return "\n".join(f"  {student:<{width}}  {what}" for student, what in rows)


def roster_check(exported: list[Grade], roster: dict[str, dict[str, str]] | None) -> RosterCheck:
    """Which graded students the roster lacks, and which roster students have no result of an assignment."""
    if roster is None:
        return RosterCheck([], {})
    graded = {(g.student, g.assignment) for g in exported}
    assignments = sorted({g.assignment for g in exported})
    return RosterCheck(
        not_in_roster=sorted({g.student for g in exported if g.student not in roster}),
        without_result={a: sorted(s for s in roster if (s, a) not in graded) for a in assignments},
    )


def assignment_columns(exported: list[Grade], column: str | None, roster_columns: list[str] = ()) -> dict[str, str]:
    """The grade column of each assignment, in the order they were due.

    ``column`` for one assignment; else the roster's own column of the assignment, as Canvas exports it
    (``rnn (4711)``), when the roster has exactly one; else the assignment id (a new column).

    Raises:
        ValueError: when ``column`` is given for several assignments.
    """
    order: dict[str, object] = {}
    for grade in exported:
        due = grade.late.due.timestamp() if grade.late.due is not None else float("inf")
        order[grade.assignment] = min(order.get(grade.assignment, due), due)
    assignments = sorted(order, key=lambda a: (order[a], a))
    if column is not None and len(assignments) > 1:
        raise ValueError(f"--column names one assignment's column; these results are of {', '.join(assignments)}")
    if column is not None:
        return {assignments[0]: column}
    columns = {}
    for assignment in assignments:
        found = [c for c in roster_columns if re.fullmatch(rf"{re.escape(assignment)} \(\d+\)", c.strip())]
        columns[assignment] = found[0] if len(found) == 1 else assignment
    return columns or {"grade": "grade"}


def student_rows(exported: list[Grade]) -> dict[str, dict[str, Grade]]:
    """Each student's grades, by assignment, students in the order they first appear."""
    rows: dict[str, dict[str, Grade]] = {}
    for grade in exported:
        rows.setdefault(grade.student, {})[grade.assignment] = grade
    return rows


def canvas_csv(
    exported: list[Grade],
    *,
    columns: dict[str, str],
    roster: dict[str, dict[str, str]] | None = None,
    match: str = "SIS Login ID",
) -> str:
    """Canvas's gradebook import: identity columns, ``Points Possible``, one grade column per assignment."""
    maxima = {a: max((g.maximum for g in exported if g.assignment == a), default=0.0) for a in columns}
    rows = [[*CANVAS_IDENTITY, *columns.values()], ["    Points Possible", "", "", "", "", *map(number, maxima.values())]]
    for student, theirs in student_rows(exported).items():
        if roster is not None:
            if student not in roster:
                continue
            identity = [roster[student].get(name, "") for name in CANVAS_IDENTITY]
        else:
            identity = [student if name in ("Student", match) else "" for name in CANVAS_IDENTITY]
        rows.append([*identity, *(number(theirs[a].score) if a in theirs else "" for a in columns)])
    return csv_text(rows)


def moodle_csv(
    exported: list[Grade],
    *,
    columns: dict[str, str],
    roster: tuple[list[str], dict[str, dict[str, str]]] | None = None,
    match: str = "Username",
) -> str:
    """Moodle's CSV grade import: the identity column(s), then per assignment its grade column and its feedback."""
    identity = [match] if roster is None else [c for c in roster[0] if c in MOODLE_IDENTITY or c == match]
    feedback = {a: "Feedback" if len(columns) == 1 else f"Feedback {name}" for a, name in columns.items()}
    rows = [[*identity, *(cell for a, name in columns.items() for cell in (name, feedback[a]))]]
    for student, theirs in student_rows(exported).items():
        if roster is not None:
            if student not in roster[1]:
                continue
            cells = [roster[1][student].get(name, "") for name in identity]
        else:
            cells = [student]
        for assignment in columns:
            grade = theirs.get(assignment)
            cells += [number(grade.score), feedback_text(grade)] if grade is not None else ["", ""]
        rows.append(cells)
    return csv_text(rows)


MOODLE_IDENTITY = ("First name", "Last name", "ID number", "Username", "Email address")
"""The identity columns of Moodle's grade export that are kept from a roster."""


def feedback_text(grade: Grade) -> str:
    """One line for the LMS's feedback field: the points, written marks and any late penalty."""
    text = f"Autograded {number(grade.autograded)} / {number(grade.autograded_max)}"
    if grade.written_max:
        text += f"; written {number(grade.written)} / {number(grade.written_max)}"
    if grade.late.late_days_spent:
        spent = grade.late.late_days_spent
        text += f"; {spent} late day{'s' if spent != 1 else ''} spent ({grade.late.late_days_left} left)"
    if grade.penalty:
        days = grade.days_late - grade.late.late_days_spent
        text += f"; {days} day{'s' if days != 1 else ''} late: -{number(grade.penalty)}%"
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
            g.late.due.isoformat(timespec="seconds") if g.late.due is not None else "",
            g.late.extension,
            number(g.autograded),
            number(g.autograded_max),
            number(g.written),
            number(g.written_max),
            number(g.pending),
            g.days_late,
            g.late.late_days_spent,
            g.late.late_days_left,
            number(g.penalty),
            number(g.score),
            number(g.maximum),
            g.note,
        ]
        for g in exported
    ]
    return csv_text([CSV_COLUMNS, *rows])


@dataclass(frozen=True)
class Export:
    """An export's text and what the instructor should know before importing it.

    Attributes:
        text: the file to import.
        roster: who the results and the roster disagree about.
        marks: the written marks that could not be merged, and the answers without a mark.
    """

    text: str
    roster: RosterCheck
    marks: list = dataclasses.field(default_factory=list)


def export_grades(
    results: list[SubmissionResult],
    *,
    to: str,
    policy: LatePolicy | None = None,
    roster: str | Path | None = None,
    match: str | None = None,
    column: str | None = None,
    times: dict[str, str] | None = None,
    marks: list | None = None,
) -> Export:
    """The export for ``to`` (``canvas``, ``moodle`` or ``csv``) of one or several assignments' results.

    Args:
        results: one result per student and assignment.
        to: the target.
        policy: the late policy, if any (late days are spent over the assignments given).
        roster: the LMS's gradebook export, to match students by (see the module's docstring).
        match: the roster column holding the results' student ids (default by LMS).
        column: the name of the grade column, for one assignment (default: the assignment id; for
            Canvas, name an existing assignment as Canvas exported it, ``rnn (12345)``).
        times: the instructor's submission times by student (:func:`read_times`), used instead of the results'.
        marks: the written answers' marks (:mod:`autograder.reports.written_marks`), merged in when given.

    Raises:
        ValueError: for an unknown target, an unreadable roster, or results :func:`grades` refuses.
    """
    from autograder.reports.written_marks import with_marks

    if to not in ("canvas", "moodle", "csv"):
        raise ValueError(f"--to must be canvas, moodle or csv, got {to!r}")
    results = results if times is None else with_times(results, times)
    problems = []
    if marks is not None:
        results, problems = with_marks(results, marks)
    exported = grades(results, policy=policy, marks_merged=marks is not None)
    table = read_roster(roster, match or DEFAULT_MATCH.get(to, "student")) if roster is not None else None
    check = roster_check(exported, table[1] if table else None)
    if to == "csv":
        return Export(plain_csv(exported), check, problems)
    match = match or DEFAULT_MATCH[to]
    columns = assignment_columns(exported, column, table[0] if table else [])
    if to == "canvas":
        text = canvas_csv(exported, columns=columns, roster=table[1] if table else None, match=match)
    else:
        text = moodle_csv(exported, columns=columns, roster=table, match=match)
    return Export(text, check, problems)


def export_text(results: list[SubmissionResult], **options) -> tuple[str, list[str]]:
    """The export's text and the students the roster lacks (:func:`export_grades`, for one call site)."""
    done = export_grades(results, **options)
    return done.text, done.roster.not_in_roster
