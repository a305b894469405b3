"""Classroom 50's ``result.json`` (``classroom50/result/v1``) for one submission.

The contract (the wiki page "Advanced Autograding" of ``foundation50/classroom50``): an object
with ``schema``, the run's identity (``classroom``, ``assignment``, ``assignment_type``, ``owner``,
``submission`` (the ``submit/...`` tag), the ``commit``, ``release`` and ``review`` URLs), the
submission instant ``datetime`` (UTC, ``YYYY-MM-DDTHH:MM:SSZ``; the contract suggests the graded commit's
committer date, which the student writes, so this grader gives the push's time from the run's event,
else the time it graded),
whole-number ``score`` and ``max-score``, and ``tests``: ``{test-name, passed, score, max-score}``,
extra fields kept verbatim. The runner gives the identity in environment variables.

Classroom 50 counts whole points and a case is earned to the hundredth of a point (a share of its
outputs), so scores are counted in hundredths of a point, the same unit for every submission: rnn's
26.9 public points are 2690 there; percentages are unchanged. Each test also carries
``points`` and ``max_points`` in the course's own points and its ``output``. Students read the
result: only the public checks are in it (hidden checks and written answers are left out,
:mod:`autograder.formats.visibility`).
"""

import json
from collections.abc import Mapping
from datetime import datetime, timezone

from autograder.formats.one_submission import only_result
from autograder.formats.visibility import public_tests
from autograder.results import PASSED, SubmissionResult

SCHEMA = "classroom50/result/v1"
IDENTITY = {
    "classroom": "CLASSROOM",
    "assignment": "ASSIGNMENT",
    "assignment_type": "ASSIGNMENT_TYPE",
    "owner": "OWNER",
    "submission": "SUBMISSION_TAG",
    "commit": "COMMIT_URL",
    "release": "RELEASE_URL",
}
"""Field of result.json -> the runner's environment variable holding it."""

INSTANT = "%Y-%m-%dT%H:%M:%SZ"


POINT_UNIT = 100
"""Classroom 50 counts whole points: scores are counted in hundredths of a point, the precision cases are earned to."""


def identity(environ: Mapping[str, str]) -> dict[str, str]:
    """The identity fields from the runner's environment; ``review`` falls back to ``commit``.

    Raises:
        ValueError: naming every variable the runner should have set and did not.
    """
    fields = {field: environ.get(variable, "") for field, variable in IDENTITY.items()}
    fields["owner"] = fields["owner"] or environ.get("USERNAME", "")
    missing = [IDENTITY[field] for field, value in fields.items() if not value]
    if missing:
        raise ValueError(f"Classroom 50's runner sets {', '.join(missing)}; they are not set")
    fields["review"] = environ.get("REVIEW_URL") or fields["commit"]
    return fields


def instant(submitted_at: str | None, graded: str) -> str:
    """The submission instant: the result's ``submitted_at`` (a source the student cannot write), else ``graded``.

    Never the graded commit's date: the student writes it (``git commit --date``).
    """
    if submitted_at is None:
        return graded
    try:
        moment = datetime.fromisoformat(submitted_at.replace("Z", "+00:00"))
    except ValueError:
        return graded
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime(INSTANT)


def classroom50_result(
    result: SubmissionResult, *, run: Mapping[str, str], submitted: str, graded: str
) -> dict:
    """The ``result.json`` document of one submission.

    Args:
        result: the graded submission.
        run: the identity fields (see :func:`identity`).
        submitted: the submission instant, ``YYYY-MM-DDTHH:MM:SSZ``.
        graded: when this grading ran, ``YYYY-MM-DDTHH:MM:SSZ``.
    """
    unit = POINT_UNIT
    tests = [
        {
            "test-name": test.name,
            "passed": test.status == PASSED,
            "score": round(test.score * unit),
            "max-score": round(test.max_score * unit),
            "points": test.score,
            "max_points": test.max_score,
            "output": test.output,
        }
        for test in public_tests(result)
    ]
    return {
        "schema": SCHEMA,
        **run,
        "datetime": submitted,
        "graded_at": graded,
        "score": sum(test["score"] for test in tests),
        "max-score": sum(test["max-score"] for test in tests),
        "tests": tests,
    }


def classroom50_json(results: list[SubmissionResult], *, environ: Mapping[str, str], graded: datetime) -> str:
    """The ``result.json`` text of the one submission of a Classroom 50 run.

    Args:
        results: the graded submissions; exactly one.
        environ: the runner's environment, which holds the run's identity (:func:`identity`).
        graded: when it was graded.

    Raises:
        ValueError: unless exactly one submission is given, or when the runner's variables are missing.
    """
    result = only_result(
        results, format_name="classroom50", why="Classroom 50 runs the autograder once per submission"
    )
    stamp = graded.astimezone(timezone.utc).strftime(INSTANT)
    document = classroom50_result(
        result, run=identity(environ), submitted=instant(result.submitted_at, stamp), graded=stamp
    )
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
