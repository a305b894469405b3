"""The guard of the formats that describe a single submission (Gradescope, GitHub Classroom)."""

from autograder.results import SubmissionResult


def only_result(results: list[SubmissionResult], *, format_name: str, why: str) -> SubmissionResult:
    """The one submission of a run of a platform that grades one submission at a time.

    Raises:
        ValueError: unless exactly one submission is given; the message says ``why`` one.
    """
    if len(results) != 1:
        raise ValueError(
            f"the {format_name} format describes exactly one submission, got {len(results)}: {why}"
        )
    return results[0]
