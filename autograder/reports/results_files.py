"""Reading the results a report is made from: files of ``autograder grade --format json``.

``autograder audit --results FILE`` writes the same format (its regrading of ``submitted/``, with
nbgrader's student ids and submission times), and so does ``autograder merge``. A results file is
data anyone who can write it can edit, so every result read is checked, its fields for their types
(:func:`autograder.formats.json_results.parse_results`) and its points against the trusted
assignment (:mod:`autograder.grading.trusted_results`), and its signature when the instructor's
key is set (:mod:`autograder.result_signature`); one that fails is left out and named, and the others
are used.
"""

from pathlib import Path

from autograder.formats.json_results import parse_results
from autograder.grading.trusted_results import vouched
from autograder.result_signature import configured_key
from autograder.results import SubmissionResult


class ResultsUnreadable(ValueError):
    """A results file could not be read; the message names the file and why, on one line."""


def read_results(paths: list[Path]) -> tuple[list[SubmissionResult], list[str]]:
    """The results in the files, in the order given, and one line for each result left out, saying why.

    Raises:
        ResultsUnreadable: when a file is missing, unreadable, not our JSON results, or holds
            results none of which can be used.
    """
    results: list[SubmissionResult] = []
    left_out: list[str] = []
    for path in paths:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ResultsUnreadable(f"{path}: cannot be read ({error.__class__.__name__}: {error})") from None
        try:
            parsed, malformed = parse_results(text, key=configured_key())
        except ValueError as error:
            raise ResultsUnreadable(f"{path}: {error}") from None
        kept, impossible = vouched(parsed)
        refused = malformed + impossible
        if refused and not kept:
            raise ResultsUnreadable(f"{path}: {refused[0]}")
        results += kept
        left_out += [f"{path}: {line}" for line in refused]
    return results, left_out
