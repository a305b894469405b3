"""The tools of a term after the deadline: intake problems, feedback pages, regrade reviews, publications."""

import hashlib
import json
from datetime import datetime, timezone

import pytest

from autograder.grading.intake import intake_problems, intake_table
from autograder.reports.feedback import feedback_page, page_text
from autograder.reports.publishing import LATEST, MANIFEST, publish
from autograder.reports.regrade_review import review, review_text
from autograder.results import FAILED, PASSED, CaseResult, SubmissionResult
from autograder.results import TestResult as GradedTest  # a name pytest does not collect

STUB = "{0} is not implemented yet: it raised NotImplementedError"


def case(name: str, points: float, worth: float = 1.0, **extra) -> CaseResult:
    """A case of rnn_backward earning ``points`` of ``worth``."""
    return CaseResult("rnn_backward", name, points, worth, **extra)


def graded(
    student: str, cases: tuple[CaseResult, ...], *, notes: tuple[str, ...] = (), function="rnn_backward"
):
    """A result of one test holding ``cases``."""
    score, worth = sum(c.points for c in cases), sum(c.max_points for c in cases)
    test = GradedTest(
        function,
        function,
        score,
        worth,
        PASSED if score >= worth else FAILED,
        cell=f"test_{function}",
        cases=cases,
    )
    return SubmissionResult(f"submitted/{student}/rnn/rnn.ipynb", "rnn", (test,), notes, student=student)


# Feedback pages


def test_an_unread_submission_gets_one_note_and_no_table_of_zeros():
    """Does a notebook that could not be read give one clear note, without a per-function table of failures?"""
    note = "nothing was graded: rnn.ipynb is not a notebook (not JSON)"
    page = feedback_page(graded("ada", (case("shapes", 0.0),), notes=(note,)))
    text = page_text(page, format="markdown")
    assert "**Your submission was not graded.**" in text and "is not a notebook" in text
    assert "## What to fix" not in text and "## Score per function" not in text
    assert text.count("is not a notebook") == 1


def test_a_function_not_written_is_one_line_not_a_wall_of_failures():
    """Is a stub named once under 'Not written yet', its failing cases not listed one by one?"""
    stub = tuple(case(f"case {i}", 0.0, message=STUB.format("rnn_backward")) for i in range(6))
    text = page_text(feedback_page(graded("ada", stub)), format="markdown")
    assert "- `rnn_backward` still raises `NotImplementedError`" in text
    assert "case 3" not in text and "✗" not in text


def test_two_failures_are_shown_in_full_and_the_rest_folded():
    """Are the first two failures shown with a way to reproduce them, the others only listed?"""
    failures = tuple(case(f"case {i}", 0.0, message=f"dWh is off in case {i}") for i in range(5))
    page = feedback_page(graded("ada", failures))
    (test,) = page.failed_tests
    assert [f.case for f in test.shown] == ["case 0", "case 1"]
    assert [f.case for f in test.folded] == ["case 2", "case 3", "case 4"]
    assert page_text(page, format="markdown").count("*To reproduce:*") == 2


def test_a_long_message_is_clipped_and_says_how_to_see_it_all():
    """Is a 100-line message cut, saying how many lines were left out and where to see them?"""
    message = "\n".join(f"line {i}" for i in range(100))
    (failure,) = feedback_page(graded("ada", (case("long", 0.0, message=message),))).failures
    assert "line 11" in failure.message and "line 12" not in failure.message
    assert "(88 more lines: run the test cell to see them all)" in failure.message


def test_a_failure_inherited_from_another_function_is_shown_and_not_charged():
    """Does a case that failed only because of a function it calls appear, said to cost nothing here?"""
    cases = (case("matches the reference", 1.0, message="", inherited_from=("rnn_step_backward",)),)
    text = page_text(feedback_page(graded("ada", cases)), format="markdown")
    assert "Failed because of a function it calls, not charged here" in text
    assert "failed with your rnn\\_step\\_backward" in text


# Intake


def test_intake_lists_what_an_instructor_must_look_at():
    """Are an unread notebook, a folder of two notebooks, a missing time and a second submission each listed?"""
    results = [
        graded("ada", (case("a", 1.0),), notes=("nothing was graded: rnn.ipynb is not a notebook",)),
        graded("ben", (case("a", 1.0),), notes=("submitted/ben/rnn holds 2 notebooks: graded rnn.ipynb",)),
        graded("cy", (case("a", 1.0),), notes=("no submission time (nbgrader's timestamp.txt is missing)",)),
        graded("cy", (case("a", 1.0),)),
        graded("dee", (case("a", 1.0),)),
    ]
    problems = intake_problems(results)
    assert [(p.student, p.problem.split(":")[0]) for p in problems] == [
        ("ada", "not graded"),
        ("ben", "2 notebooks"),
        ("cy", "no submission time (nbgrader's timestamp.txt is missing)"),
        ("cy", "a second submission of rnn (also submitted/cy/rnn/rnn.ipynb)"),
    ]
    table = intake_table(problems)
    assert table.startswith("4 things to look at before grades go out:")
    assert "dee" not in table and intake_table([]) == ""


# Regrade review


def test_a_review_names_each_student_who_moves_and_the_cases_that_moved():
    """After a fixed check: is each raised or lowered student listed with the case that changed, the rest counted?"""
    before = [
        graded("ada", (case("shapes", 1.0), case("dWh", 0.0, 2.0))),
        graded("ben", (case("shapes", 1.0), case("dWh", 2.0, 2.0))),
        graded("cy", (case("shapes", 1.0), case("dWh", 2.0, 2.0))),
    ]
    after = [
        graded("ada", (case("shapes", 1.0), case("dWh", 2.0, 2.0))),
        graded("ben", (case("shapes", 0.0), case("dWh", 2.0, 2.0))),
        graded("cy", (case("shapes", 1.0), case("dWh", 2.0, 2.0))),
    ]
    done = review(before, after)
    assert (done.raised, done.lowered, done.unchanged) == (1, 1, 1)
    assert [(c.student, c.difference) for c in done.changes] == [("ada", 2.0), ("ben", -1.0)]
    assert [(m.case, m.before, m.after) for m in done.changes[0].cases] == [("dWh", 0.0, 2.0)]
    text = review_text(done)
    assert text.startswith("Regrade of rnn: 2 students change (1 up, 1 down), 1 unchanged.")
    assert "ada: 1 -> 3 (+2)" in text and "rnn_backward: dWh  0 -> 2 of 2" in text


def test_a_review_refuses_two_results_of_one_student():
    """Is a results file with a student twice refused, rather than one of them silently compared?"""
    one = graded("ada", (case("a", 1.0),))
    with pytest.raises(ValueError, match="two results of ada"):
        review([one, one], [one])


# Publication


def test_each_publication_is_a_new_folder_and_earlier_ones_are_kept(tmp_path):
    """Does a second publication get folder 002, LATEST point at it, and 001 stay byte for byte?"""
    results = [graded("ada", (case("a", 1.0),))]
    first = publish(
        results,
        {"canvas.csv": "Student,rnn\nada,1\n"},
        into=tmp_path,
        sources=["results.json"],
        now=datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc),
    )
    kept = {p.name: p.read_bytes() for p in first.folder.iterdir()}
    second = publish(
        results,
        {"canvas.csv": "Student,rnn\nada,2\n"},
        into=tmp_path,
        sources=["regraded.json"],
        note="regrade: fixed the clip_by_norm check",
        now=datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc),
    )
    assert (
        first.folder.name == "001-2026-12-01T09-00-00Z" and second.folder.name == "002-2026-12-02T09-00-00Z"
    )
    assert (tmp_path / LATEST).read_text() == second.folder.name + "\n"
    assert {p.name: p.read_bytes() for p in first.folder.iterdir()} == kept
    manifest = json.loads((second.folder / MANIFEST).read_text())
    assert manifest["note"] == "regrade: fixed the clip_by_norm check" and manifest["sources"] == [
        "regraded.json"
    ]
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((second.folder / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("name", ["../canvas.csv", "manifest.json", "results.json", "sub/canvas.csv"])
def test_an_export_cannot_be_written_outside_its_publication_or_over_its_manifest(tmp_path, name):
    """Is an export named with a path, or as the manifest or the results, refused?"""
    with pytest.raises(ValueError, match="plain file name"):
        publish([], {name: "x"}, into=tmp_path / "published", sources=[])
    assert not (tmp_path / "canvas.csv").exists() and not (tmp_path / "published").exists()
