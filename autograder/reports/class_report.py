"""The class report: one self-contained HTML page of what the class got right and wrong.

The page holds its figures (PNG data URIs) and its style; it needs no network and no file beside
it. Its sections: a written summary, the score distribution, the recognised mistakes ordered by
the points they cost the class (who made them, in a fold), points per function, the pass rate of
every case, and the notes on submissions.
"""

import statistics
from dataclasses import dataclass
from datetime import datetime, timezone

from autograder.reports import figures
from autograder.reports.class_statistics import ClassStatistics, class_statistics, summary_sentences
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


def class_report_html(
    results: list[SubmissionResult], *, sources: list[str] | None = None, generated: datetime | None = None
) -> str:
    """The class report of ``results`` (one assignment) as one HTML page.

    Args:
        results: the graded submissions; the latest of each student is reported.
        sources: the files the results were read from, named on the page.
        generated: the time to print as the report's date (default: now).

    Raises:
        ValueError: when there are no results, or results of several assignments.
    """
    stats = class_statistics(results)
    quartiles = statistics.quantiles(stats.scores, n=4) if stats.size > 1 else list(stats.scores) * 3
    return render(
        "class_report.html.j2",
        stats=stats,
        summary=summary_sentences(stats),
        mean=statistics.fmean(stats.scores),
        quartiles=quartiles,
        functions=function_rows(stats),
        figures={
            "scores": figures.score_distribution(stats),
            "functions": figures.points_per_function(stats),
            "mistakes": figures.mistake_costs(stats),
        },
        sources=sources or [],
        generated=(generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
    )
