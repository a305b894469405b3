"""Nothing a student sees before grades are published tells how the hidden checks went.

Two results that differ only in their hidden tests (all lost, all earned) must look the same in
every format a student reads at once: Classroom 50's result.json, GitHub Classroom's runner
result, the Actions job summary, annotations and commit status, PrairieLearn's results, and the
parts of Gradescope's results.json shown before publication (the top-level output and the tests
marked visible; Gradescope hides the total score while a test is hidden).
"""

import dataclasses
import json

import pytest

from autograder.formats.classroom50 import classroom50_result
from autograder.formats.github import classroom_result
from autograder.formats.github_actions import annotations, commit_status, job_summary
from autograder.formats.gradescope import gradescope_results
from autograder.formats.prairielearn import prairielearn_results
from autograder.results import FAILED, PASSED, PENDING, SubmissionResult
from autograder.results import TestResult as GradedTest  # a name pytest does not collect


def result_with_hidden(earned: bool) -> SubmissionResult:
    """A graded submission whose hidden tests were all earned, or all lost."""

    def hidden(name: str, points: float) -> GradedTest:
        return GradedTest(
            f"{name} (hidden)",
            name,
            points if earned else 0.0,
            points,
            PASSED if earned else FAILED,
            output=f"{name}: hidden checks\n  {'✓' if earned else '✗'} matches the reference [{points if earned else 0:g}/{points:g}]",
            hidden=True,
            cell=f"test_{name}",
        )

    return SubmissionResult(
        "submitted/ada/rnn/rnn.ipynb",
        "rnn",
        (
            GradedTest("sigmoid", "sigmoid", 1.5, 1.5, PASSED, "sigmoid: checks\n  score: 1.5 / 1.5", cell="test_sigmoid"),
            hidden("sigmoid", 0.5),
            GradedTest("rnn_backward", "rnn_backward", 2.2, 4.4, FAILED, "rnn_backward: dWh wrong", cell="test_rnn_backward"),
            hidden("rnn_backward", 2.6),
            GradedTest("written_clipping", "written_clipping", 0.0, 3.0, PENDING, cell="written_clipping"),
        ),
        student="ada",
    )


RUN = {k: "x" for k in ("classroom", "assignment", "assignment_type", "owner", "submission", "commit", "release", "review")}


def gradescope_before_publication(result: SubmissionResult) -> dict:
    document = gradescope_results(result)
    return {
        "output": document["output"],
        "visible tests": [t for t in document["tests"] if t["visibility"] == "visible"],
    }


SEEN_AT_ONCE = {
    "classroom50": lambda r: classroom50_result(r, run=RUN, submitted="t", graded="t"),
    "github": classroom_result,
    "actions summary": job_summary,
    "actions annotations": annotations,
    "actions commit status": commit_status,
    "prairielearn": prairielearn_results,
    "gradescope before publication": gradescope_before_publication,
}
"""Each student-facing view of a result, as a student sees it before grades are published."""


@pytest.mark.parametrize("view", SEEN_AT_ONCE)
def test_a_student_sees_the_same_whatever_the_hidden_checks_gave(view):
    """Do a result with every hidden test lost and one with every hidden test earned look the same?"""
    seen = [json.dumps(SEEN_AT_ONCE[view](result_with_hidden(earned)), sort_keys=True) for earned in (False, True)]
    assert seen[0] == seen[1]
    assert "(hidden)" not in seen[0] and "matches the reference" not in seen[0]


WITH_TEXT = ("github", "actions summary", "prairielearn", "gradescope before publication")
"""The views with a free text for the whole submission (annotations, the commit status and Classroom 50's
result.json have none: one line per lost public test, a one-line status, a machine contract)."""


@pytest.mark.parametrize("view", WITH_TEXT)
def test_a_student_is_told_the_hidden_checks_come_later(view):
    """Does every view with a text for the whole submission say the hidden checks are graded apart?"""
    text = json.dumps(SEEN_AT_ONCE[view](result_with_hidden(True)))
    assert "hidden checks are graded apart" in text


def test_gradescope_shows_the_hidden_tests_once_published():
    """Are the hidden tests in Gradescope's results, marked to be shown after publication, with their points?"""
    document = gradescope_results(result_with_hidden(False))
    hidden = [t for t in document["tests"] if t["visibility"] == "after_published"]
    assert [t["name"] for t in hidden] == ["sigmoid (hidden)", "rnn_backward (hidden)"]
    assert document["score"] == pytest.approx(1.5 + 2.2)


def test_the_public_points_are_what_the_student_sees_as_the_score():
    """Are the points shown at once the public ones: 3.7 of 5.9 here (the hidden 3.1 and written 3 apart)?"""
    result = result_with_hidden(True)
    summary = job_summary(result)
    assert summary.splitlines()[0] == "### rnn: 3.7 / 5.9 points"
    assert commit_status(result)["description"] == "3.7 / 5.9 points"
    assert prairielearn_results(result)["score"] == pytest.approx(3.7 / 5.9, abs=1e-6)
    assert classroom50_result(result, run=RUN, submitted="t", graded="t")["max-score"] == 590
    assert dataclasses.replace(result).score == pytest.approx(3.7 + 3.1)
