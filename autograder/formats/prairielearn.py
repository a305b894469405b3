"""PrairieLearn's external grading results (``/grade/results/results.json``) for one submission.

The documented fields (PrairieLearn's "External Grading" page, "Grading results"): ``score``, the
fraction of the points earned in [0, 1]; ``gradable`` (false only when the submission could not
be graded at all); ``message`` and ``output`` for the whole submission; and ``tests``, each with
``name``, ``description``, ``points``, ``max_points``, ``message`` and ``output``, rendered by
``<pl-external-grader-results>``. Students read it at once, so only the public checks are in it
and in ``score``; hidden checks and written answers are named apart in ``message``
(:mod:`autograder.formats.visibility`).
"""

import json

from autograder.formats.one_submission import only_result
from autograder.formats.visibility import points, public_tests, withheld_remarks
from autograder.results import PASSED, SubmissionResult


def prairielearn_results(result: SubmissionResult) -> dict:
    """The ``results.json`` document of one submission."""
    tests = public_tests(result)
    earned, available = points(tests)
    lines = [
        f"Public checks of {result.assignment}: {earned:g} / {available:g} points.",
        *withheld_remarks(result),
    ]
    return {
        "gradable": True,
        "score": round(earned / available, 6) if available else 0.0,
        "message": "\n".join(lines),
        "output": "\n".join(result.notes),
        "tests": [
            {
                "name": test.name,
                "description": f"public checks of {test.function}",
                "points": test.score,
                "max_points": test.max_score,
                "message": "passed"
                if test.status == PASSED
                else f"{test.score:g} / {test.max_score:g} points",
                "output": test.output,
            }
            for test in tests
        ],
    }


def prairielearn_json(results: list[SubmissionResult]) -> str:
    """The ``results.json`` text of the one submission of a PrairieLearn grading job.

    Raises:
        ValueError: unless exactly one submission is given: the external grader runs once per submission.
    """
    result = only_result(
        results, format_name="prairielearn", why="PrairieLearn's external grader runs once per submission"
    )
    return json.dumps(prairielearn_results(result), indent=2, ensure_ascii=False) + "\n"
