"""Who handed a submission in, and when: what late penalties and grade exports need.

The student is told from the path (:func:`autograder.results.student_of`: nbgrader's
``submitted/<student>/<assignment>/``, a folder or a notebook per student). The time is nbgrader's
``timestamp.txt`` next to the notebook when there is one (``nbgrader collect`` and the exchange
write it), else the notebook's modification time, which says when a file was last written on
this machine: after a ``git clone`` or an unzip it is the time of the copy, not of the
submission. Platforms that record the time of a submission should hand it in by ``timestamp.txt``.
"""

import dataclasses
from datetime import datetime, timezone
from pathlib import Path

from dateutil import parser as date_parser

from autograder.results import SubmissionResult, student_of

TIMESTAMP_FILE = "timestamp.txt"
"""nbgrader's record of when a submission was handed in, in the submission's folder."""


def submitted_at(submission: str | Path) -> str | None:
    """When ``submission`` was handed in, ISO 8601 in UTC; None when it cannot be told.

    Args:
        submission: a notebook or the folder holding it.
    """
    path = Path(submission)
    folder = path if path.is_dir() else path.parent
    stamp = folder / TIMESTAMP_FILE
    if stamp.is_file():
        try:
            return parse_timestamp(stamp.read_text("utf-8", errors="replace"))
        except ValueError:
            pass
    try:
        seconds = path.stat().st_mtime
    except OSError:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="seconds")


def parse_timestamp(text: str) -> str:
    """An nbgrader timestamp (``2026-03-02 23:58:10.123456 UTC``) as ISO 8601; naive times are UTC.

    Raises:
        ValueError: when the text is not a time.
    """
    try:
        moment = date_parser.parse(text.strip())
    except (ValueError, OverflowError) as error:
        raise ValueError(f"not a time: {text.strip()[:60]!r} ({error})") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def identified(result: SubmissionResult) -> SubmissionResult:
    """``result`` with ``student`` and ``submitted_at`` filled in from its submission, where missing."""
    return dataclasses.replace(
        result,
        student=result.student or student_of(result.submission, result.assignment),
        submitted_at=result.submitted_at or submitted_at(result.submission),
    )
