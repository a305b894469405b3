"""What a student may see of a result before grades are published: the public checks' results only.

Every format a student reads as soon as a submission is graded (Classroom 50's ``result.json``,
GitHub's and Actions' reports, PrairieLearn's results, the top of Gradescope's page) shows the
autograded public tests and their points, and no more: neither the hidden tests' results nor
their points, which would tell a student how the hidden checks went before the instructor
publishes the grades. Gradescope alone carries the hidden tests too, marked to be shown once
the instructor publishes (its ``after_published`` visibility). Written answers are graded by a
person, elsewhere, and are named apart.
"""

from autograder.results import PENDING, SubmissionResult, TestResult

HIDDEN_LATER = (
    "The hidden checks are graded apart: their results are shown when your instructor publishes the grades."
)
"""What every student-facing report says when hidden tests ran and their results are withheld."""


def public_tests(result: SubmissionResult) -> list[TestResult]:
    """The autograded public tests of ``result``, in notebook order: what a student sees at once."""
    return [test for test in result.tests if test.status != PENDING and not test.hidden]


def hidden_tests(result: SubmissionResult) -> list[TestResult]:
    """The autograded hidden tests of ``result``: shown only once grades are published."""
    return [test for test in result.tests if test.status != PENDING and test.hidden]


def written_answers(result: SubmissionResult) -> list[TestResult]:
    """The answers a person grades (awaiting their grade)."""
    return [test for test in result.tests if test.status == PENDING]


def points(tests: list[TestResult]) -> tuple[float, float]:
    """Points earned and available over ``tests``, rounded so float noise never shows."""
    return round(sum(t.score for t in tests), 6), round(sum(t.max_score for t in tests), 6)


def withheld_remarks(
    result: SubmissionResult, *, written_where: str = "graded by a person later"
) -> list[str]:
    """The lines saying what a student-facing report leaves out: hidden checks, written answers."""
    remarks = []
    if hidden_tests(result):
        remarks.append(HIDDEN_LATER)
    answers = written_answers(result)
    if answers:
        named = ", ".join(f"{test.name} ({test.max_score:g} points)" for test in answers)
        remarks.append(f"Written answers, {written_where}, not included here: {named}.")
    return remarks
