"""Reading the results a report is made from: files of ``autograder grade --format json``.

``autograder audit --results FILE`` writes the same format (its regrading of ``submitted/``, with
nbgrader's student ids and submission times), and so does ``autograder merge``.
"""

from pathlib import Path

from autograder.formats.json_results import results_from_json
from autograder.results import SubmissionResult


class ResultsUnreadable(ValueError):
    """A results file could not be read; the message names the file and why, on one line."""


def read_results(paths: list[Path]) -> list[SubmissionResult]:
    """The results in the files, in the order given.

    Raises:
        ResultsUnreadable: when a file is missing, unreadable, or not our JSON results.
    """
    results = []
    for path in paths:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ResultsUnreadable(f"{path}: cannot be read ({error.__class__.__name__}: {error})") from None
        try:
            results += results_from_json(text)
        except ValueError as error:
            raise ResultsUnreadable(f"{path}: {error}") from None
    return results
