"""Written answers' marks, from nbgrader's gradebook or a CSV, merged with the autograded results.

A person grades the written answers: in nbgrader's formgrader (the marks land in the course's
``gradebook.db``) or in any spreadsheet, saved as a CSV with the columns::

    student,assignment,question,points,comment
    ada,rnn,written_clipping,2.5,Right about the direction; the norm argument is missing.

``question`` is the answer cell's grade id (``written_clipping``). Marks are never written into the
results files: the grader's results stay as the grader wrote them, and the marks are merged in
(:func:`with_marks`) by the commands that read both (``export``, ``feedback``, ``report``).
"""

import contextlib
import csv
import dataclasses
import io
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from autograder.results import MARKED, PENDING, SubmissionResult

CSV_COLUMNS = ("student", "assignment", "question", "points", "comment")
"""The columns of a CSV of written marks (``comment`` may be left out)."""


@dataclass(frozen=True)
class Mark:
    """A person's mark of one written answer.

    Attributes:
        student: the student id; assignment: the assignment id; question: the answer cell's grade id.
        points: the points given; comment: what the grader wrote to the student (may be empty).
    """

    student: str
    assignment: str
    question: str
    points: float
    comment: str = ""


def read_marks(path: str | Path) -> list[Mark]:
    """The marks in ``path``: nbgrader's ``gradebook.db`` (a SQLite file) or a CSV of :data:`CSV_COLUMNS`.

    Raises:
        ValueError: in one line, naming the file and what is wrong with it.
    """
    path = Path(path)
    try:
        head = path.read_bytes()[:16]
    except OSError as error:
        raise ValueError(f"{path}: cannot be read ({error.strerror or error})") from None
    if head.startswith(b"SQLite format 3"):
        return read_nbgrader_marks(path)
    return read_marks_csv(path)


def read_marks_csv(path: str | Path) -> list[Mark]:
    """The marks of a CSV with the columns :data:`CSV_COLUMNS`.

    Raises:
        ValueError: when the file cannot be read, lacks a column, or holds points that are not a number.
    """
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot be read ({error})") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(
            f"{path}: no column {', '.join(missing)} (columns: {', '.join(reader.fieldnames or [])})"
        )
    marks = []
    for line, row in enumerate(reader, 2):
        cells = {k: (row.get(k) or "").strip() for k in CSV_COLUMNS}
        if not any(cells.values()):
            continue
        try:
            points = float(cells["points"])
        except ValueError:
            raise ValueError(
                f"{path}: line {line}: points {cells['points'][:40]!r} is not a number"
            ) from None
        if not math.isfinite(points) or points < 0:
            raise ValueError(
                f"{path}: line {line}: points must be a non-negative number, got {cells['points']!r}"
            )
        if not (cells["student"] and cells["assignment"] and cells["question"]):
            raise ValueError(f"{path}: line {line}: student, assignment and question must all be given")
        marks.append(Mark(cells["student"], cells["assignment"], cells["question"], points, cells["comment"]))
    return marks


def read_nbgrader_marks(path: str | Path) -> list[Mark]:
    """The manual marks of every written answer in nbgrader's gradebook (formgrader's grades and comments).

    An answer formgrader has not graded yet (no manual score) has no mark.

    Raises:
        ValueError: when nbgrader is not installed or the file is not nbgrader's gradebook.
    """
    try:
        from nbgrader.api import Gradebook
    except ImportError:
        raise ValueError(
            f"{path}: reading nbgrader's gradebook needs nbgrader (pip install 'rnn-gradients-autograder[nbgrader]')"
        ) from None
    try:  # opened read-only first: nbgrader's Gradebook would create its tables in any other SQLite file
        with contextlib.closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as error:
        raise ValueError(f"{path}: cannot be read as SQLite ({error})") from None
    if not {"grade", "comment", "submitted_notebook"} <= tables:
        raise ValueError(
            f"{path}: a SQLite file, but not nbgrader's gradebook (no grade, comment or submitted_notebook table)"
        )
    marks = []
    try:
        with Gradebook(f"sqlite:///{Path(path).resolve()}") as gradebook:
            for assignment in gradebook.assignments:
                for submission in gradebook.assignment_submissions(assignment.name):
                    for notebook in submission.notebooks:
                        comments = {c.name: (c.manual_comment or "") for c in notebook.comments}
                        for grade in notebook.grades:
                            if grade.cell_type == "markdown" and grade.manual_score is not None:
                                marks.append(
                                    Mark(
                                        submission.student.id,
                                        assignment.name,
                                        grade.name,
                                        float(grade.manual_score),
                                        comments.get(grade.name, "").strip(),
                                    )
                                )
    except Exception as error:  # noqa: BLE001 - SQLAlchemy's errors for a file that is not nbgrader's
        raise ValueError(
            f"{path}: not nbgrader's gradebook ({type(error).__name__}: {error})"[:300]
        ) from None
    return marks


@dataclass(frozen=True)
class MarkProblem:
    """A mark that could not be merged, or a written answer without a mark."""

    student: str
    assignment: str
    question: str
    problem: str


def with_marks(
    results: list[SubmissionResult], marks: list[Mark]
) -> tuple[list[SubmissionResult], list[MarkProblem]]:
    """The results with each marked written answer graded (status ``marked``), and what could not be merged.

    A mark above the answer's points, for a question the assignment does not have, or for a student
    without a result is not merged and is listed; so is each written answer still without a mark.
    """
    by_key: dict[tuple[str, str, str], Mark] = {}
    problems: list[MarkProblem] = []
    for mark in marks:
        key = (mark.student, mark.assignment, mark.question)
        if key in by_key:
            problems.append(MarkProblem(*key, "marked twice: the later mark is used"))
        by_key[key] = mark
    used: set[tuple[str, str, str]] = set()
    merged = []
    for result in results:
        tests = []
        for test in result.tests:
            key = (result.student_id, result.assignment, test.cell or test.name)
            mark = by_key.get(key)
            if test.status != PENDING:
                tests.append(test)
            elif mark is None:
                problems.append(MarkProblem(*key, "no mark yet"))
                tests.append(test)
            elif mark.points > test.max_score + 1e-9:
                problems.append(
                    MarkProblem(*key, f"{mark.points:g} points given, the answer is worth {test.max_score:g}")
                )
                used.add(key)
                tests.append(test)
            else:
                used.add(key)
                tests.append(dataclasses.replace(test, score=mark.points, status=MARKED, output=mark.comment))
        merged.append(dataclasses.replace(result, tests=tuple(tests)))
    questions = {(r.assignment, t.cell or t.name) for r in results for t in r.tests if t.status == PENDING}
    students = {(r.student_id, r.assignment) for r in results}
    for key in by_key.keys() - used:
        student, assignment, question = key
        if (student, assignment) not in students:
            problems.append(MarkProblem(*key, "no result of this student for this assignment"))
        elif (assignment, question) not in questions:
            problems.append(MarkProblem(*key, f"{assignment} has no written answer {question!r}"))
    return merged, problems


def mark_problems_table(problems: list[MarkProblem]) -> str:
    """The problems, one line each: student, assignment, question and what is wrong."""
    return "\n".join(f"  {p.student}  {p.assignment}  {p.question}: {p.problem}" for p in problems)
