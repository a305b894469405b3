"""nbgrader, unmodified, grades each assignment end to end in a course made from this repository.

One course directory under pytest's temporary directory (outside the checkout, so the hidden
checks can only find the reference through it) is released, handed three submissions per
assignment, autograded and given feedback once per assignment for the whole module.
"""

import html
import json
import re
import time

import nbformat
import pytest

from autograder.grading.isolated import grade_submission, load_assignment
from autograder.instructor.nbgrader_pipeline import REPOSITORY, grade_with_nbgrader, make_course
from autograder.instructor.submissions import DEMO_WRITTEN_ANSWERS, demo_answers

PROBE = (
    "\n\nimport autograder.checking.reference\n"
    "print('SOLUTIONS:', autograder.checking.reference.find_solution_notebook({!r}).resolve())\n"
)
"""Appended to one answer of the buggy student: prints where the kernel's checks find the reference."""

PROBED = {"rnn": "sigmoid", "lstm": "lstm_gates"}
"""The answer cell of each assignment that carries the probe (its checks run first)."""

MISTAKES_LOSE_POINTS_IN = {
    "rnn": {"test_rnn_backward", "test_clip_by_global_norm"},
    "lstm": {"test_lstm_backward", "test_cell_gradient_norms"},
}
"""The test cells the buggy demo student's two mistakes (autograder.instructor.submissions.DEMO_MISTAKES) cost points in."""


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("nbgrader") / "course")


@pytest.fixture(scope="module", params=["rnn", "lstm"])
def assignment(request):
    return request.param


@pytest.fixture(scope="module")
def grades(course, assignment):
    source = nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    submissions = demo_answers(assignment, source)
    submissions["buggy"][PROBED[assignment]] += PROBE.format(assignment)
    started = time.perf_counter()
    grades = grade_with_nbgrader(course, assignment, submissions)
    print(f"nbgrader pipeline for 3 students of {assignment}: {time.perf_counter() - started:.1f} s")
    return grades


def autograded(course, assignment, student):
    return nbformat.read(course / "autograded" / student / assignment / f"{assignment}.ipynb", as_version=4)


def words(text):
    """The words of a text, lower case, one space apart: compares markdown source with rendered HTML."""
    return " ".join(re.findall(r"\w+", text.lower()))


def test_the_course_is_outside_the_checkout(course, grades):
    """Is the course directory outside the repository, so no parent of it holds the repository's solutions/?"""
    assert not course.resolve().is_relative_to(REPOSITORY)
    assert not any((parent / "solutions").exists() for parent in course.resolve().parents)


def test_hidden_checks_find_the_reference_in_the_course(course, assignment, grades):
    """Inside nbgrader's kernel, do the checks load the reference from the course, not from the checkout?"""
    cell = next(
        c
        for c in autograded(course, assignment, "buggy").cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == PROBED[assignment]
    )
    printed = "".join(o.get("text", "") for o in cell.outputs)
    assert f"SOLUTIONS: {(course / 'solutions' / assignment / f'{assignment}.ipynb').resolve()}\n" == printed


def test_reference_earns_every_autograded_point(course, assignment, grades):
    """Does the reference earn every test cell's points, none zeroed by stderr output?"""
    reference = grades["reference"]
    source = nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    tests = [
        c.metadata.nbgrader
        for c in source.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
    ]
    assert reference.test_scores.keys() == {t["grade_id"] for t in tests}
    assert reference.max_score == sum(t["points"] for t in tests)
    for grade_id, (score, points) in reference.test_scores.items():
        cell = next(
            c
            for c in autograded(course, assignment, "reference").cells
            if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
        )
        stderr = [o.text for o in cell.outputs if o.get("name") == "stderr"]
        assert (score, stderr) == (points, []), grade_id
    assert reference.score == reference.max_score


def test_untouched_release_earns_nothing(grades):
    """Does handing the release back unchanged earn zero points, with no blank answer left to grade by hand?"""
    untouched = grades["untouched"]
    assert untouched.score == 0 < untouched.max_score
    assert untouched.pending_points == 0


def test_buggy_submission_earns_partial_credit_where_it_is_wrong(assignment, grades):
    """Does the buggy submission lose points in the two cells of its mistakes, and only there?"""
    buggy = grades["buggy"]
    assert 0 < buggy.score < buggy.max_score
    lost = {grade_id for grade_id, (score, points) in buggy.test_scores.items() if score < points}
    assert lost == MISTAKES_LOSE_POINTS_IN[assignment]


def test_written_answers_await_manual_grading(assignment, grades):
    """Is the buggy student's written answer (3 points) waiting for a human grader?"""
    written, _ = DEMO_WRITTEN_ANSWERS[assignment]
    assert grades["buggy"].pending_points == 3
    assert grades["buggy"].pending[written] == 3


def test_every_student_gets_feedback_html(course, assignment, grades):
    """Does nbgrader write a feedback HTML file for every student, showing their score?"""
    for student, grade in grades.items():
        assert grade.feedback == course / "feedback" / student / assignment / f"{assignment}.html"
        assert "Score:" in grade.feedback.read_text()


def test_feedback_shows_the_questions_but_no_mark_scheme(course, assignment, grades):
    """Do the students see the written questions in their feedback, but no line of the mark schemes?"""
    source = json.loads((course / "solutions" / assignment / f"{assignment}.ipynb").read_text())
    tasks = ["".join(c["source"]) for c in source["cells"] if c["metadata"].get("nbgrader", {}).get("task")]
    questions = [task.split("=== BEGIN MARK SCHEME ===")[0] for task in tasks]
    schemes = [line for task in tasks for line in task.split("=== BEGIN MARK SCHEME ===")[1].splitlines()]
    schemes = [words(line) for line in schemes if len(words(line).split()) >= 5]
    assert len(tasks) >= 2 and len(schemes) > 5
    for grade in grades.values():
        page = words(html.unescape(re.sub(r"<[^>]+>", " ", grade.feedback.read_text())))
        assert all(words(question) in page for question in questions), grade.student
        assert [line for line in schemes if line in page] == [], grade.student
        assert "mark scheme" not in page, grade.student


def test_isolated_grading_agrees_with_nbgrader_cell_by_cell(course, assignment, grades, monkeypatch):
    """Does `autograder grade` give each submission nbgrader's score in every test cell, and list the same written answers?"""
    monkeypatch.setenv("AUTOGRADER_SOLUTIONS", str(course))
    load_assignment.cache_clear()
    try:
        for student, grade in grades.items():
            result = grade_submission(course / "submitted" / student / assignment, assignment=assignment)
            assert load_assignment(assignment).notebook.is_relative_to(course)
            by_cell = {}
            for test in result.tests:
                if test.status != "pending":
                    by_cell[test.cell] = by_cell.get(test.cell, 0.0) + test.score
            assert by_cell == {cell: score for cell, (score, _) in grade.test_scores.items()}, student
            assert result.score == grade.score, student
            pending = {test.name for test in result.tests if test.status == "pending"}
            assert {name for name, points in grade.pending.items() if points > 0} <= pending, student
    finally:
        load_assignment.cache_clear()
