"""The figures of the class report, drawn with matplotlib and embedded as PNG data URIs.

Each function returns ``data:image/png;base64,...``: the page needs no file beside it and no
network to show them. Figures are drawn on their own ``Figure`` (never pyplot's global state),
so they work under any backend and in threads.
"""

import base64
import io

import numpy as np
from matplotlib.figure import Figure

from autograder.reports.class_statistics import ClassStatistics
from autograder.reports.late_policy import parse_time

BLUE, GREY = "#3b6ea8", "#9aa5b1"


def data_uri(figure: Figure) -> str:
    """The figure as a PNG data URI."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def score_distribution(stats: ClassStatistics) -> str:
    """A histogram of the autograded scores, the mean and median marked."""
    figure = Figure(figsize=(7.5, 3.0))
    axes = figure.add_subplot()
    top = max(stats.autograded_max, max(stats.scores, default=0), 1)
    bins = np.linspace(0, top, min(int(top), 40) + 1 if top >= 2 else 11)
    axes.hist(stats.scores, bins=bins, color=BLUE, edgecolor="white")
    for value, style, name in ((np.mean(stats.scores), "-", "mean"), (np.median(stats.scores), "--", "median")):
        axes.axvline(value, color="#222222", linestyle=style, linewidth=1.2, label=f"{name} {value:.3g}")
    axes.set_xlim(0, top)
    axes.set_xlabel(f"autograded points (of {stats.autograded_max:g})")
    axes.set_ylabel("students")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, loc="upper left")
    axes.spines[["top", "right"]].set_visible(False)
    return data_uri(figure)


def points_per_function(stats: ClassStatistics) -> str:
    """One row per function: a box of the share of its points each student earned, and the students as dots."""
    names = list(stats.functions)
    figure = Figure(figsize=(7.5, 0.42 * len(names) + 1.0))
    axes = figure.add_subplot()
    shares = [
        100 * np.asarray(earned) / maximum if maximum else np.zeros(len(earned))
        for earned, maximum in stats.functions.values()
    ]
    positions = np.arange(len(names))[::-1]
    axes.boxplot(
        shares,
        positions=positions,
        orientation="horizontal",
        widths=0.6,
        showfliers=False,
        patch_artist=True,
        boxprops={"facecolor": "#dbe6f3", "edgecolor": BLUE, "zorder": 2},
        medianprops={"color": "#222222"},
        whiskerprops={"color": BLUE},
        capprops={"color": BLUE},
    )
    jitter = np.random.default_rng(0)  # the same dots on every run
    for position, values in zip(positions, shares):
        axes.scatter(
            values, position + jitter.uniform(-0.22, 0.22, len(values)), s=22, color="#1d3f66", alpha=0.7, lw=0, zorder=3
        )
    labels = [f"{name} ({maximum:g})" for name, (_, maximum) in stats.functions.items()]
    axes.set_yticks(positions, labels)
    axes.set_xlim(-3, 103)
    axes.set_xlabel("share of the function's points earned (%), one dot per student")
    axes.spines[["top", "right"]].set_visible(False)
    return data_uri(figure)


def mistake_costs(stats: ClassStatistics, *, most: int = 10) -> str | None:
    """Horizontal bars: the points each of the most costly mistakes cost the class; None without mistakes."""
    mistakes = stats.mistakes[:most]
    if not mistakes:
        return None
    figure = Figure(figsize=(7.5, 0.4 * len(mistakes) + 0.9))
    axes = figure.add_subplot()
    positions = np.arange(len(mistakes))[::-1]
    axes.barh(positions, [m.points_lost for m in mistakes], color=BLUE, height=0.6)
    for position, mistake in zip(positions, mistakes):
        who = f"  {mistake.count} student{'' if mistake.count == 1 else 's'}"
        axes.text(mistake.points_lost, position, who, va="center", fontsize=8, color="#333333")
    axes.set_yticks(positions, [f"{m.function}: {m.label}" for m in mistakes])
    axes.set_xlabel("points lost by the class")
    axes.margins(x=0.18)
    axes.spines[["top", "right"]].set_visible(False)
    return data_uri(figure)


def submission_times(times: list[str | None], due: str | None) -> str | None:
    """A histogram of the submission times; None when no result has a time.

    With the due date: hours before (negative) and after it, late ones in red. Without: days after the first.
    """
    known = [parse_time(t) for t in times if t]
    if not known:
        return None
    figure = Figure(figsize=(7.5, 2.8))
    axes = figure.add_subplot()
    if due is not None:
        deadline = parse_time(due)
        hours = np.array([(t - deadline).total_seconds() / 3600 for t in known])
        low, high = min(hours.min(), -24.0), max(hours.max(), 24.0)
        edges = np.arange(np.floor(low / 6) * 6, np.ceil(high / 6) * 6 + 6, 6)
        axes.hist(hours[hours <= 0], bins=edges, color=BLUE, edgecolor="white", label="on time")
        axes.hist(hours[hours > 0], bins=edges, color="#c0504d", edgecolor="white", label="after the due date")
        axes.axvline(0, color="#222222", linewidth=1.2)
        axes.set_xlabel("hours from the due date (6-hour bins)")
        axes.legend(frameon=False, loc="upper left")
    else:
        days = np.array([t.timestamp() / 86400 for t in known])
        axes.hist(days - days.min(), bins=max(1, int(np.ceil(days.max() - days.min())) * 4), color=BLUE, edgecolor="white")
        axes.set_xlabel(f"days after the first submission ({min(known):%Y-%m-%d %H:%M} UTC)")
    axes.set_ylabel("submissions")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    return data_uri(figure)
