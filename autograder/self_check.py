"""The student's self-check: a one-line summary of the public checks run so far in the notebook.

Every time a check reports its results (:func:`autograder.checking.case.report`), :func:`record` keeps
them as the latest run of that function's checks, public and hidden apart; re-running a test
cell after a fix replaces the earlier result. The last cell of each notebook calls
:func:`public_score_summary`, which counts the public checks only (a student's release has no
hidden ones) and prints, e.g.::

    Public checks so far: 24 / 27 points; all checks of 10 of 11 functions pass; still to fix: rnn_backward.

The tally lives in the Python process that ran the checks: the notebook's kernel. A grader that
runs checks in threads of its own (the lanes of ``autograder.grading.isolated``) gives each a
tally of its own (:func:`separate_tally`), which no other thread and no later grading sees.
"""

import contextlib
import sys
from collections.abc import Iterator
from contextvars import ContextVar

from autograder.results import CaseResult, total_max_points, total_points

Tally = dict[tuple[str, bool], tuple[CaseResult, ...]]
"""(function, hidden) -> the case results of the latest run of that function's checks."""

_latest: Tally = {}
"""The tally of the process (the notebook's kernel)."""
_separate: ContextVar[Tally | None] = ContextVar("separate_tally", default=None)


@contextlib.contextmanager
def separate_tally() -> Iterator[Tally]:
    """Within: the checks reported in this context are tallied apart, in the dict yielded."""
    tally: Tally = {}
    token = _separate.set(tally)
    try:
        yield tally
    finally:
        _separate.reset(token)


def _tally() -> Tally:
    separate = _separate.get()
    return _latest if separate is None else separate

NOTHING_RUN_YET = (
    "No public checks have run yet: run the test cell below each function you implemented "
    "(or Run All), then run this cell again."
)


def record(results: list[CaseResult]) -> None:
    """Keep ``results``, one run of one function's checks, as the latest run of those checks."""
    if results:
        _tally()[(results[0].function, results[0].hidden)] = tuple(results)


def public_score_line() -> str:
    """The summary of the latest run of every public check, in the order they first ran."""
    runs = [results for (_, hidden), results in _tally().items() if not hidden]
    if not runs:
        return NOTHING_RUN_YET
    cases = [result for results in runs for result in results]
    to_fix = [results[0].function for results in runs if not all(r.passed for r in results)]
    line = (
        f"Public checks so far: {total_points(cases):g} / {total_max_points(cases):g} points; "
        f"all checks of {len(runs) - len(to_fix)} of {len(runs)} functions pass"
    )
    return line + (f"; still to fix: {', '.join(to_fix)}." if to_fix else ".")


def public_score_summary() -> None:
    """Print :func:`public_score_line` to stdout; never raises, never writes to stderr."""
    try:
        line = public_score_line()
    except Exception as error:  # noqa: BLE001 - a summary must never break the notebook
        line = (
            f"The public checks could not be tallied ({type(error).__name__}): "
            "each test cell above shows its own score."
        )
    print(line, file=sys.stdout)
