"""The gradebook of a batch: a CSV with one row per submission (the command writes it atomically).

Columns, in a stable order: ``submission``, ``assignment``, ``score``, ``max_score``, ``pending``
(points awaiting a human grader), then one column per test name, in notebook order (for a batch
mixing assignments, in the order the tests are first met). A test cell is empty when the
submission has no such test or when the test awaits manual grading (not graded yet, not zero).
"""

from autograder.formats.spreadsheet_csv import csv_text
from autograder.results import PENDING, SubmissionResult

FIXED_COLUMNS = ["submission", "assignment", "score", "max_score", "pending"]
"""The columns before the per-test scores."""


def number(value: float) -> str:
    """A score for a spreadsheet: ``2``, ``0.5``, never ``2.0`` or float noise."""
    value = round(float(value), 6)
    return str(int(value)) if value.is_integer() else repr(value)


def gradebook_columns(results: list[SubmissionResult]) -> list[str]:
    """The header: the fixed columns, then every test name in the order it is first met."""
    tests = dict.fromkeys(test.name for result in results for test in result.tests)
    return FIXED_COLUMNS + list(tests)


def gradebook_row(result: SubmissionResult) -> dict[str, str]:
    """The cells of one submission, by column name."""
    row = {
        "submission": result.submission,
        "assignment": result.assignment,
        "score": number(result.score),
        "max_score": number(result.max_score),
        "pending": number(result.pending_score),
    }
    row.update({test.name: "" if test.status == PENDING else number(test.score) for test in result.tests})
    return row


def gradebook_csv(results: list[SubmissionResult]) -> str:
    """The gradebook as CSV text, every cell safe to open in a spreadsheet (:mod:`autograder.formats.spreadsheet_csv`)."""
    columns = gradebook_columns(results)
    rows = [[gradebook_row(result).get(column, "") for column in columns] for result in results]
    return csv_text([columns, *rows])
