"""Gradescope's ``results.json``, per https://gradescope-autograders.readthedocs.io/en/latest/specs/.

What the specification asks and how the result model maps onto it:

- each autograded test becomes a test case with ``score``, ``max_score``, ``status``
  (``"passed"``/``"failed"``), ``name``, ``number``, ``output`` and ``tags``;
- hidden tests (the comparison with the reference solution) get ``"visibility": "after_published"``:
  students see them once the instructor publishes grades, and Gradescope hides the total score
  from students while a test is hidden; the top-level ``output``, which students see at once,
  gives the public checks' points only (:mod:`autograder.formats.visibility`);
- written answers awaiting a human grader are left out: they are graded as separate manually
  graded questions in Gradescope itself, so they are not autograder points; the top-level
  ``output`` names them;
- outputs are plain ``"text"`` (never rendered as HTML or Markdown, whatever a student printed);
- stdout of the autograder run stays ``"hidden"`` (instructor debugging only).
"""

import json

from autograder.formats.one_submission import only_result
from autograder.formats.visibility import points, public_tests, withheld_remarks
from autograder.results import PASSED, PENDING, SubmissionResult, TestResult


def test_numbers(tests: list[TestResult]) -> list[str]:
    """Gradescope's ``number`` of each test: ``"<cell>.<part>"``, cells counted in notebook order."""
    cells: dict[str, int] = {}
    parts: dict[str, int] = {}
    numbers = []
    for index, test in enumerate(tests):
        cell = test.cell or f"#{index}"
        cells.setdefault(cell, len(cells) + 1)
        parts[cell] = parts.get(cell, 0) + 1
        numbers.append(f"{cells[cell]}.{parts[cell]}")
    return numbers


def gradescope_test(test: TestResult, number: str) -> dict:
    """One autograded test as a Gradescope test case."""
    return {
        "name": test.name,
        "number": number,
        "score": test.score,
        "max_score": test.max_score,
        "status": "passed" if test.status == PASSED else "failed",
        "output": test.output,
        "output_format": "text",
        "tags": [test.function] + (["hidden"] if test.hidden else []),
        "visibility": "after_published" if test.hidden else "visible",
    }


def overall_output(result: SubmissionResult) -> str:
    """The text above the test cases, which students see at once: the public checks' points, the notes."""
    earned, available = points(public_tests(result))
    lines = [f"Public checks of {result.assignment}: {earned:g} / {available:g} points.", *result.notes]
    lines += withheld_remarks(result, written_where="graded by hand in Gradescope")
    return "\n".join(lines)


def gradescope_results(result: SubmissionResult) -> dict:
    """The ``results.json`` document of one submission."""
    autograded = [test for test in result.tests if test.status != PENDING]
    return {
        "score": round(sum(test.score for test in autograded), 6),
        "output": overall_output(result),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            gradescope_test(test, number) for test, number in zip(autograded, test_numbers(autograded))
        ],
    }


def gradescope_json(results: list[SubmissionResult]) -> str:
    """The ``results.json`` text of the one submission graded in a Gradescope run.

    Raises:
        ValueError: unless exactly one submission is given: Gradescope grades one per run.
    """
    result = only_result(
        results, format_name="gradescope", why="Gradescope runs the autograder once per submission"
    )
    return json.dumps(gradescope_results(result), indent=2, ensure_ascii=False) + "\n"
