"""The runner result GitHub Classroom's autograding reporter reads.

A grading step (like ``education/autograding-command-grader`` or ``autograding-python-grader``)
sets a step output named ``result``: the base64 of a JSON object ``{version, status, max_score,
tests: [{name, status, message, line_no, score}, ...]}``. The reporter
(``classroom-resources/autograding-grading-reporter``) decodes it from the environment variable
``<STEP_ID>_RESULTS``, prints every test, fails the job when ``status`` is ``"fail"`` or
``"error"``, and reports ``Points <sum of test scores>/<max_score>`` to GitHub Classroom.

GitHub Classroom has no manual grading, so written answers awaiting a person are left out of
``tests`` and ``max_score``; ``message`` names them. Partial credit is kept in ``score``. Students
read the result at once: only the public checks are in it (:mod:`autograder.formats.visibility`).
"""

import base64
import json

from autograder.formats.one_submission import only_result
from autograder.formats.visibility import public_tests, withheld_remarks
from autograder.results import PASSED, SubmissionResult


def classroom_result(result: SubmissionResult) -> dict:
    """The runner result object of one submission (before base64 encoding)."""
    autograded = public_tests(result)
    remarks = [*result.notes, *withheld_remarks(result)]
    return {
        "version": 1,
        "status": "pass" if all(test.status == PASSED for test in autograded) else "fail",
        "max_score": round(sum(test.max_score for test in autograded), 6),
        "message": "\n".join(remarks) or None,
        "tests": [
            {
                "name": test.name,
                "status": "pass" if test.status == PASSED else "fail",
                "message": test.output or None,
                "line_no": 0,
                "score": test.score,
            }
            for test in autograded
        ],
    }


def the_repository_result(results: list[SubmissionResult]) -> SubmissionResult:
    """The one submission of a GitHub Classroom run (ValueError for any other number)."""
    return only_result(
        results,
        format_name="github",
        why="GitHub Classroom grades each student repository in its own workflow run",
    )


def classroom_json(results: list[SubmissionResult]) -> str:
    """The runner result of the one submission as JSON text (what the step output encodes)."""
    return json.dumps(classroom_result(the_repository_result(results)), indent=2, ensure_ascii=False) + "\n"


def step_output_value(results: list[SubmissionResult]) -> str:
    """The value of the step output ``result``: base64 of the compact JSON, as the reporter decodes it."""
    document = json.dumps(
        classroom_result(the_repository_result(results)), separators=(",", ":"), ensure_ascii=False
    )
    return base64.b64encode(document.encode("utf-8")).decode("ascii")
