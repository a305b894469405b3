"""nbgrader, unmodified, grades each assignment end to end in a course made from this repository,
and ``autograder audit`` finds exactly the submission whose score nbgrader was fooled into.

One course directory under pytest's temporary directory (outside the checkout, so the hidden
checks can only find the reference through it) is released, handed the submissions of each
assignment, autograded and given feedback once for the whole module: for every assignment the
reference, the untouched release and the buggy demo student; for ``rnn`` also a tamperer who
answers only ``clip_by_norm``, wrongly, in a cell that replaces its check in nbgrader's kernel (the
other answers left as released keep the kernel's run short). The course's instructor
has dropped the hidden tests of ``rnn``'s ``test_sigmoid`` (and their points), so the course's
test cells differ from the checkout's: an audit regrading with the checkout's cells would give
every student more points in that cell than nbgrader did.
"""

import dataclasses
import functools
import html
import json
import os
import re
import shutil
import time
from collections.abc import Callable

import nbformat
import pytest

from autograder.checking.reference import ENVIRONMENT_VARIABLE
from autograder.cli import main
from autograder.grading.isolated import grade_submission, load_assignment
from autograder.instructor.audit import AuditResult, audit, audit_json, audit_text
from autograder.instructor.nbgrader_pipeline import (
    REPOSITORY,
    StudentGrade,
    grade_with_nbgrader,
    make_course,
    read_gradebook,
)
from autograder.instructor.submissions import DEMO_WRITTEN_ANSWERS, demo_answers

PROBE = (
    "\n\nimport autograder.checking.reference\n"
    "print('SOLUTIONS:', autograder.checking.reference.find_solution_notebook({!r}).resolve())\n"
)
"""Appended to one answer of the buggy student: prints where the kernel's checks find the reference."""

PROBED = {"rnn": "sigmoid", "lstm": "lstm_gates", "charlm": "gru_step_forward"}
"""The answer cell of each assignment that carries the probe (its checks run first)."""

MISTAKES_LOSE_POINTS_IN = {
    "rnn": {"test_rnn_backward", "test_clip_by_global_norm"},
    "lstm": {"test_lstm_backward", "test_cell_gradient_norms"},
    "charlm": {"test_gru_backward", "test_train_step"},
}
"""The test cells the buggy demo student's two mistakes (autograder.instructor.submissions.DEMO_MISTAKES) cost points in."""

WRONG_CLIP_BY_NORM_AND_PATCHED_CHECK = '''
def clip_by_norm(grad, max_norm):
    """Never clips."""
    return grad.copy()


import autograder.checks.rnn as checks

checks.clip_by_norm = lambda *args, **kwargs: 1.0  # called twice by test_clip_by_norm: 2 of 2 points
'''
"""The tamperer's clip_by_norm answer: wrong, with the check nbgrader's kernel runs next replaced."""

CHANGED_CELL = "test_sigmoid"
"""The test cell of rnn whose hidden tests the course's instructor dropped, with their points."""


def without_hidden_tests(source: str) -> str:
    """The source of a test cell with its hidden tests (the lines between the markers) removed."""
    before, rest = source.split("### BEGIN HIDDEN TESTS")
    return before + rest.split("### END HIDDEN TESTS\n")[1]


def drop_hidden_tests(course, assignment: str, grade_id: str, reference) -> float:
    """Drop the hidden tests of one test cell of the course, and their points; return the points left.

    The points left are what the public checks award the reference (computed by running them).
    """
    path = course / "solutions" / assignment / f"{assignment}.ipynb"
    source = nbformat.read(path, as_version=4)
    (cell,) = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    cell.source = without_hidden_tests(cell.source)
    namespace = vars(reference).copy()
    exec(compile(cell.source, grade_id, "exec"), namespace)  # noqa: S102 - the course's own test cell
    cell.metadata.nbgrader["points"] = namespace["score"]
    nbformat.write(source, path)
    return namespace["score"]


@pytest.fixture(scope="module")
def course(tmp_path_factory, reference):
    course = make_course(tmp_path_factory.mktemp("nbgrader") / "course")
    drop_hidden_tests(course, "rnn", CHANGED_CELL, reference)
    return course


@pytest.fixture(scope="module")
def graded(course) -> Callable[[str], dict[str, StudentGrade]]:
    """``graded(assignment)``: the course's submissions of ``assignment`` graded by nbgrader, once for the module."""

    @functools.cache
    def grade(assignment: str) -> dict[str, StudentGrade]:
        source = nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
        submissions = demo_answers(assignment, source)
        submissions["buggy"][PROBED[assignment]] += PROBE.format(assignment)
        if assignment == "rnn":
            submissions["tamperer"] = {"clip_by_norm": WRONG_CLIP_BY_NORM_AND_PATCHED_CHECK}
        started = time.perf_counter()
        grades = grade_with_nbgrader(course, assignment, submissions)
        print(
            f"nbgrader pipeline for {len(submissions)} students of {assignment}: {time.perf_counter() - started:.1f} s"
        )
        if assignment == "rnn":
            assert grades["tamperer"].test_scores["test_clip_by_norm"] == (2, 2)  # nbgrader is fooled
            # What a process the tamperer's code left behind could do once nbgrader saved its notebook:
            # put an honest-looking notebook in its place, so that regrading autograded/ would confirm it.
            honest = course / "autograded" / "reference" / "rnn" / "rnn.ipynb"
            shutil.copyfile(honest, course / "autograded" / "tamperer" / "rnn" / "rnn.ipynb")
        return grades

    return grade


@pytest.fixture(scope="module", params=["rnn", "lstm", "charlm"])
def assignment(request):
    return request.param


@pytest.fixture(scope="module")
def grades(graded, assignment):
    return graded(assignment)


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
            if student == "tamperer":  # nbgrader was fooled: the audit's tests below
                continue
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


# --- autograder audit of the rnn course --------------------------------------------------------


@pytest.fixture(scope="module")
def audited(course, graded) -> AuditResult:
    graded("rnn")
    started = time.perf_counter()
    result = audit(course, "rnn", jobs=2)
    print(f"audit of {len(result.audited)} students, 2 jobs: {time.perf_counter() - started:.1f} s")
    return result


def test_audit_lists_exactly_the_tamperer(course, audited):
    """Are all four regraded from submitted/ (in two worker processes), and only the tamperer's
    test_clip_by_norm found to differ, although its autograded notebook was rewritten to look honest?"""
    assert audited.audited == ("buggy", "reference", "tamperer", "untouched")
    assert [d.student for d in audited.differences] == ["tamperer"]
    tamperer = audited.differences[0]
    assert tamperer.submission == course / "submitted" / "tamperer" / "rnn"
    assert [c.cell for c in tamperer.cells] == ["test_clip_by_norm"]
    cell = tamperer.cells[0]
    assert cell.nbgrader == cell.max_score == 2
    assert cell.isolated < 2
    assert tamperer.isolated == tamperer.nbgrader - 2 + cell.isolated
    assert audited.unaudited == () and not audited.agrees


def test_audit_regrades_with_the_course_solutions(course, audited):
    """Do the honest students agree although the course's test_sigmoid lacks the checkout's hidden tests?"""
    nbgrader = read_gradebook(course, "rnn")["reference"].test_scores[CHANGED_CELL]
    checkout = next(c for c in load_assignment("rnn").tests if c.grade_id == CHANGED_CELL)
    assert nbgrader[0] == nbgrader[1] < checkout.points  # the checkout's hidden tests would have earned more
    assert {"buggy", "reference", "untouched"} <= set(audited.audited)
    assert {d.student for d in audited.differences} == {"tamperer"}
    assert os.environ.get(ENVIRONMENT_VARIABLE) is None  # set for the audit only


def test_audit_text_names_the_tamperer_and_the_cell(course, audited):
    """Does the text show the tamperer's two scores and the differing cell with both of its scores?"""
    lines = audit_text(audited).splitlines()
    assert lines[0].endswith(
        "4 submitted notebooks regraded in isolation, 1 differ from nbgrader, 0 could not be audited"
    )
    difference = audited.differences[0]
    total = read_gradebook(course, "rnn")["reference"].max_score
    assert (
        lines[1]
        == f"  tamperer: nbgrader {difference.nbgrader:g}, isolated {difference.isolated:g} (of {total:g})"
    )
    assert lines[2] == f"    test_clip_by_norm  nbgrader 2, isolated {difference.cells[0].isolated:g} (of 2)"
    assert not any(line.strip().startswith(("buggy", "reference", "untouched")) for line in lines)


def test_audit_json_holds_the_result(audited):
    """Does the JSON hold every field of the result, paths as strings, and whether it agrees?"""
    report = json.loads(audit_json(audited))
    assert report["audited"] == ["buggy", "reference", "tamperer", "untouched"] and report["agrees"] is False
    assert report["differences"][0]["submission"] == str(audited.differences[0].submission)
    assert report["differences"][0]["cells"] == [dataclasses.asdict(audited.differences[0].cells[0])]


def test_audit_cli_lists_the_tamperer_and_a_missing_notebook(course, audited, tmp_path, capsys):
    """In one process, after the checkout's rnn was loaded: does the CLI list the tamperer, report a
    student in the gradebook without a submitted notebook and one submitted but not in the
    gradebook, and exit 1?"""
    copy = tmp_path / "course"
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("autograded", "feedback"))
    (copy / "submitted" / "buggy" / "rnn" / "rnn.ipynb").unlink()
    shutil.copytree(copy / "submitted" / "untouched", copy / "submitted" / "stranger")
    load_assignment("rnn")  # the checkout's test cells, cached: the audit must not use them
    status = main(["audit", str(copy), "rnn"])
    lines = capsys.readouterr().out.splitlines()
    assert status == 1
    assert (
        lines[0]
        == f"audit of rnn in {copy}: 3 submitted notebooks regraded in isolation, 1 differ from nbgrader, 2 could not be audited"
    )
    assert lines[1].startswith(
        f"  tamperer: nbgrader {read_gradebook(course, 'rnn')['tamperer'].score:g}, isolated "
    )
    assert lines[2].startswith("    test_clip_by_norm  nbgrader 2, isolated ")
    assert (
        f"  buggy: not audited: in the gradebook, but {copy / 'submitted' / 'buggy' / 'rnn'} holds no notebook"
        in lines
    )
    assert "  stranger: not audited: submitted, but not in the gradebook" in lines
