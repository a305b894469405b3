"""The class report: one self-contained HTML page of what the class got right and wrong.

The page holds its figures (PNG data URIs) and its style; it needs no network and no file beside
it (but the feedback pages it links to). Its sections: a written summary; the score distribution;
what the class got wrong: every lost point put down to a cause (recognised mistakes, functions not
written, arguments changed in place, shapes, overflows, crashes, unreadable notebooks, and what is
left to read in the code), the recognised mistakes ordered by the points they cost the class, and
the failures inherited from a broken callee (which cost nothing); points per function; when the
students submitted; every case's pass rate and discrimination; a table of the students with their
grades and a link to each feedback page; and the notes on submissions.
"""

import statistics
from dataclasses import dataclass
from datetime import datetime, timezone

from autograder.reports import figures
from autograder.reports.class_statistics import CAUSES, ClassStatistics, class_statistics, summary_sentences
from autograder.reports.late_policy import LatePolicy
from autograder.reports.lms_export import Grade, grades
from autograder.reports.rendering import render
from autograder.results import SubmissionResult


@dataclass(frozen=True)
class FunctionRow:
    """A row of the points-per-function table."""

    name: str
    maximum: float
    mean: float
    median: float
    full: int
    full_share: float


def function_rows(stats: ClassStatistics) -> list[FunctionRow]:
    """Each function's maximum, mean, median and how many earned all its points."""
    rows = []
    for name, (earned, maximum) in stats.functions.items():
        full = sum(value >= maximum - 1e-9 for value in earned)
        rows.append(
            FunctionRow(name, maximum, statistics.fmean(earned), statistics.median(earned), full, full / len(earned))
        )
    return rows


@dataclass(frozen=True)
class StudentRow:
    """A row of the students' table: the grade and where it came from, and the feedback page's link."""

    grade: Grade
    link: str | None


def class_report_html(
    results: list[SubmissionResult],
    *,
    sources: list[str] | None = None,
    generated: datetime | None = None,
    policy: LatePolicy | None = None,
    marks_merged: bool = False,
    feedback_links: dict[tuple[str, str], str] | None = None,
) -> str:
    """The class report of ``results`` (one assignment) as one HTML page.

    Args:
        results: the graded submissions (written marks merged in, if any); the latest of each student is reported.
        sources: the files the results were read from, named on the page.
        generated: the time to print as the report's date (default: now).
        policy: the late policy: each student's lateness in the table, the due date on the time histogram.
        marks_merged: True when the written marks were merged into ``results``.
        feedback_links: each student's feedback page, by ``(student, assignment)``, relative to the report.

    Raises:
        ValueError: when there are no results, or results of several assignments.
    """
    stats = class_statistics(results)
    kept = {r.student_id: r for r in results if r.student_id in stats.students}
    latest = [kept[student] for student in stats.students]
    quartiles = statistics.quantiles(stats.scores, n=4) if stats.size > 1 else list(stats.scores) * 3
    links = feedback_links or {}
    due = policy.due_of(stats.assignment) if policy is not None else None
    return render(
        "class_report.html.j2",
        stats=stats,
        causes=CAUSES,
        summary=summary_sentences(stats),
        mean=statistics.fmean(stats.scores),
        quartiles=quartiles,
        functions=function_rows(stats),
        students=[
            StudentRow(grade, links.get((grade.student, grade.assignment)))
            for grade in grades(latest, policy=policy, marks_merged=marks_merged)
        ],
        marks_merged=marks_merged,
        figures={
            "scores": figures.score_distribution(stats),
            "functions": figures.points_per_function(stats),
            "mistakes": figures.mistake_costs(stats),
            "times": figures.submission_times(list(stats.submitted), due.isoformat() if due else None),
        },
        sources=sources or [],
        generated=(generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
    )
