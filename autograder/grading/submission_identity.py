"""Who handed a submission in, and when: what late penalties and grade exports need.

The student is told from the submission's folder (:mod:`autograder.submission_layout`), never from
a notebook's name. The time comes only from a source the student cannot write, named by the
caller (``autograder grade --submitted-at SOURCE``):

* ``nbgrader`` (the default): nbgrader's ``timestamp.txt`` in ``submitted/<student>/<assignment>/``,
  which ``nbgrader collect`` writes. Only in that layout: a ``timestamp.txt`` anywhere else (in a
  Gradescope upload, in a repository) is the student's own file.
* ``gradescope[:PATH]``: ``created_at`` of Gradescope's ``/autograder/submission_metadata.json``
  (or ``PATH``), which Gradescope writes beside the student's upload, never in it.
* ``ci-event``: the time of the CI event that started the run: the push time GitHub, Gitea and
  Forgejo Actions record in the event payload (``$GITHUB_EVENT_PATH``), never a commit's date,
  which the student writes.
* ``grading``: the time the grading ran.
* an ISO 8601 time: given by the caller.

Without one the time is None: no late penalty is applied, and the export says so. A file's
modification time is never used: an unzip, a clone or ``touch`` sets it.
"""

import dataclasses
import json
import os
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

from dateutil import parser as date_parser

from autograder.grading.submission_files import RefusedFile, SubmissionFolder
from autograder.results import SubmissionResult
from autograder.submission_layout import nbgrader_split, student_of

TIMESTAMP_FILE = "timestamp.txt"
"""nbgrader's record of when a submission was handed in, in the submission's folder."""
GRADESCOPE_METADATA = Path("/autograder/submission_metadata.json")
"""Where Gradescope describes the submission being graded (its ``created_at`` is the submission time)."""
TIME_SOURCES = ("nbgrader", "gradescope", "ci-event", "grading")
"""The named sources of a submission time (an ISO 8601 time may be given instead)."""
MAX_TIMESTAMP_BYTES = 200
MAX_EVENT_BYTES = 64 * 2**20
"""The most read of a timestamp file, and of a platform's description of the submission or event."""


def submitted_at(
    submission: str | Path, source: str = "nbgrader", *, environ: Mapping[str, str] | None = None
) -> str | None:
    """When ``submission`` was handed in, ISO 8601 in UTC, from ``source``; None when it cannot be told.

    Args:
        submission: a notebook or the folder holding it, as graded.
        source: one of :data:`TIME_SOURCES` (``gradescope:PATH`` names the metadata file), or a time.
        environ: the environment of the CI run (default ``os.environ``), for ``ci-event``.

    Raises:
        ValueError: when ``source`` is neither a known source nor a time.
    """
    name, _, argument = source.partition(":") if not source[:1].isdigit() else (source, "", "")
    if name == "nbgrader":
        return nbgrader_time(submission)
    if name == "gradescope":
        return gradescope_time(Path(argument) if argument else GRADESCOPE_METADATA)
    if name == "ci-event":
        return ci_event_time(os.environ if environ is None else environ)
    if name == "grading":
        return datetime.now(timezone.utc).isoformat(timespec="seconds")
    return parse_timestamp(source)


def check_time_source(source: str) -> str:
    """``source`` when it names a source of submission times or is a time.

    Raises:
        ValueError: naming the sources, when it is neither.
    """
    if source.partition(":")[0] in TIME_SOURCES:
        return source
    try:
        parse_timestamp(source)
    except ValueError:
        raise ValueError(
            f"must be one of {', '.join(TIME_SOURCES)} (gradescope:PATH) or an ISO 8601 time, got {source!r}"
        ) from None
    return source


def nbgrader_time(submission: str | Path) -> str | None:
    """The time in nbgrader's ``timestamp.txt`` of a submission in nbgrader's layout; None elsewhere or without one."""
    layout = nbgrader_split(os.path.abspath(submission))
    if layout is None:
        return None
    submitted, student, assignment, _ = layout
    try:
        text = SubmissionFolder(Path(submitted), (student, assignment)).read((TIMESTAMP_FILE,), limit=MAX_TIMESTAMP_BYTES)
        return parse_timestamp(text.decode("utf-8", errors="replace"))
    except (OSError, RefusedFile, ValueError):
        return None


def gradescope_time(metadata: Path) -> str | None:
    """``created_at`` of Gradescope's submission metadata; None when the file or the field is missing or odd."""
    document = _json_file(metadata)
    created = document.get("created_at") if isinstance(document, dict) else None
    try:
        return parse_timestamp(created) if isinstance(created, str) else None
    except ValueError:
        return None


def ci_event_time(environ: Mapping[str, str]) -> str | None:
    """The push time of the Actions event that started this run (``repository.pushed_at``); None without one."""
    path = environ.get("GITHUB_EVENT_PATH")
    event = _json_file(Path(path)) if path else None
    repository = event.get("repository") if isinstance(event, dict) else None
    pushed = repository.get("pushed_at") if isinstance(repository, dict) else None
    if isinstance(pushed, int) and not isinstance(pushed, bool) and 0 < pushed < 2**40:
        return datetime.fromtimestamp(pushed, timezone.utc).isoformat(timespec="seconds")
    try:
        return parse_timestamp(pushed) if isinstance(pushed, str) else None
    except ValueError:
        return None


def _json_file(path: Path) -> object:
    """The JSON document in a platform's file, read up to a bound; None when it cannot be read."""
    try:
        with open(path, "rb") as stream:
            return json.loads(stream.read(MAX_EVENT_BYTES))
    except (OSError, ValueError, RecursionError):
        return None


def parse_timestamp(text: str) -> str:
    """A time (nbgrader's ``2026-03-02 23:58:10.123456 UTC``, ISO 8601) as ISO 8601 in UTC; naive times are UTC.

    Raises:
        ValueError: when the text is not a time.
    """
    text = text.strip()
    if len(text) > MAX_TIMESTAMP_BYTES:
        raise ValueError(f"not a time: {text[:60]!r}... ({len(text)} characters)")
    try:
        moment = date_parser.parse(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).isoformat(timespec="seconds")
    except (ValueError, OverflowError) as error:
        raise ValueError(f"not a time: {text[:60]!r} ({error})") from None


def identified(result: SubmissionResult, *, times: str = "nbgrader") -> SubmissionResult:
    """``result`` with ``student`` and ``submitted_at`` filled in from its submission, where missing.

    When the time cannot be told from the source named (nbgrader's layout without its
    ``timestamp.txt``, a platform's missing record), the result says so in a note: no late
    penalty can be applied to it. A submission outside nbgrader's layout graded with the default
    source (a student checking their own notebook) has no time and needs no note.

    Args:
        result: a graded submission.
        times: where its time comes from (see :func:`submitted_at`).
    """
    try:
        when = result.submitted_at or submitted_at(result.submission, times)
    except ValueError:
        when = None
    notes = result.notes
    in_nbgrader_layout = nbgrader_split(os.path.abspath(result.submission)) is not None
    if when is None and (times != "nbgrader" or in_nbgrader_layout):
        where = f"nbgrader's {TIMESTAMP_FILE} is missing" if times == "nbgrader" else f"{times} gave none"
        notes = (*notes, f"no submission time ({where}): no late penalty can be applied to this submission")
    return dataclasses.replace(
        result,
        student=result.student or student_of(os.path.abspath(result.submission), result.assignment),
        submitted_at=when,
        notes=notes,
    )
