"""autograder audit lists exactly the submissions nbgrader scored differently from isolated regrading.

One course under pytest's temporary directory (outside the checkout) is graded once by nbgrader
for three students of ``rnn``: the reference, the buggy demo student and a tamperer whose answer
cell replaces the check of ``clip_by_norm`` in nbgrader's kernel. The course's instructor has
dropped the hidden tests of ``test_sigmoid``, so its solutions differ from the checkout's: a
regrading with the checkout's test cells would give the reference more points than nbgrader did.
"""

import dataclasses
import json
import os
import shutil
import time

import nbformat
import pytest

from autograder.checking.reference import ENVIRONMENT_VARIABLE
from autograder.cli import main
from autograder.grading.isolated import load_assignment
from autograder.instructor.audit import AuditResult, audit, audit_json, audit_text
from autograder.instructor.nbgrader_pipeline import grade_with_nbgrader, make_course, read_gradebook
from autograder.instructor.submissions import demo_answers

WRONG_CLIP_BY_NORM_AND_PATCHED_CHECK = '''
def clip_by_norm(grad, max_norm):
    """Never clips."""
    return grad.copy()


import autograder.checks.rnn as checks

checks.clip_by_norm = lambda *args, **kwargs: 1.5  # called twice by test_clip_by_norm: 3 of 3 points
'''
"""The tamperer's clip_by_norm answer: wrong, with the check nbgrader's kernel runs next replaced."""


def without_hidden_tests(source):
    """The source of a test cell with its hidden tests (the lines between the markers) removed."""
    before, rest = source.split("### BEGIN HIDDEN TESTS")
    return before + rest.split("### END HIDDEN TESTS\n")[1]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course graded by nbgrader: reference, buggy and tamperer; test_sigmoid without hidden tests."""
    course = make_course(tmp_path_factory.mktemp("audit") / "course")
    path = course / "solutions" / "rnn" / "rnn.ipynb"
    source = nbformat.read(path, as_version=4)
    for cell in source.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_sigmoid":
            cell.source = without_hidden_tests(cell.source)
    nbformat.write(source, path)
    students = demo_answers("rnn", source)
    students = {
        "reference": students["reference"],
        "buggy": students["buggy"],
        "tamperer": {**students["reference"], "clip_by_norm": WRONG_CLIP_BY_NORM_AND_PATCHED_CHECK},
    }
    started = time.perf_counter()
    grades = grade_with_nbgrader(course, "rnn", students)
    print(f"nbgrader pipeline for 3 students of rnn: {time.perf_counter() - started:.1f} s")
    assert grades["tamperer"].score == grades["reference"].score > grades["buggy"].score  # nbgrader is fooled
    # What a process the tamperer's code left behind could do once nbgrader saved its notebook: put
    # an honest-looking notebook in its place, so that regrading autograded/ would confirm the score.
    honest = course / "autograded" / "reference" / "rnn" / "rnn.ipynb"
    shutil.copyfile(honest, course / "autograded" / "tamperer" / "rnn" / "rnn.ipynb")
    return course


@pytest.fixture(scope="module")
def audited(course):
    started = time.perf_counter()
    result = audit(course, "rnn", jobs=2)
    print(f"audit of 3 students, 2 jobs: {time.perf_counter() - started:.1f} s")
    return result


def test_audit_lists_exactly_the_tamperer(course, audited: AuditResult):
    """Are all three regraded from submitted/ (in two worker processes), and only the tamperer's
    test_clip_by_norm found to differ, although its autograded notebook was rewritten to look honest?"""
    assert audited.audited == ("buggy", "reference", "tamperer")
    assert [d.student for d in audited.differences] == ["tamperer"]
    tamperer = audited.differences[0]
    assert tamperer.submission == course / "submitted" / "tamperer" / "rnn"
    assert [c.cell for c in tamperer.cells] == ["test_clip_by_norm"]
    cell = tamperer.cells[0]
    assert cell.nbgrader == cell.max_score == 3
    assert cell.isolated < 3
    assert tamperer.isolated == tamperer.nbgrader - 3 + cell.isolated
    assert audited.unaudited == () and not audited.agrees


def test_audit_regrades_with_the_course_solutions(course, audited):
    """Does the reference agree although the course's test_sigmoid lacks the checkout's hidden tests?"""
    nbgrader = read_gradebook(course, "rnn")["reference"].test_scores["test_sigmoid"]
    assert nbgrader[0] < nbgrader[1] == 3  # the checkout's hidden tests would have earned more
    assert "reference" in audited.audited and "reference" not in {d.student for d in audited.differences}
    assert os.environ.get(ENVIRONMENT_VARIABLE) is None  # set for the audit only


def test_text_names_the_tamperer_and_the_cell(audited):
    """Does the text show the tamperer's two scores and the differing cell with both of its scores?"""
    lines = audit_text(audited).splitlines()
    assert lines[0].endswith("3 submitted notebooks regraded in isolation, 1 differ from nbgrader, 0 could not be audited")
    difference = audited.differences[0]
    assert (
        lines[1] == f"  tamperer: nbgrader {difference.nbgrader:g}, isolated {difference.isolated:g} (of 40)"
    )
    assert lines[2] == f"    test_clip_by_norm  nbgrader 3, isolated {difference.cells[0].isolated:g} (of 3)"
    assert not any(line.strip().startswith(("buggy", "reference")) for line in lines)


def test_json_holds_the_result(audited):
    """Does the JSON hold every field of the result, paths as strings, and whether it agrees?"""
    report = json.loads(audit_json(audited))
    assert report["audited"] == ["buggy", "reference", "tamperer"] and report["agrees"] is False
    assert report["differences"][0]["submission"] == str(audited.differences[0].submission)
    assert report["differences"][0]["cells"] == [dataclasses.asdict(audited.differences[0].cells[0])]


def test_cli_lists_the_tamperer_and_a_missing_notebook(course, tmp_path, capsys):
    """In one process, after the checkout's rnn was loaded: does the CLI list the tamperer, report a
    student in the gradebook without a submitted notebook and one submitted but not in the
    gradebook, and exit 1?"""
    copy = tmp_path / "course"
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("autograded", "feedback"))
    (copy / "submitted" / "buggy" / "rnn" / "rnn.ipynb").unlink()
    shutil.copytree(copy / "submitted" / "reference", copy / "submitted" / "stranger")
    load_assignment("rnn")  # the checkout's test cells, cached: the audit must not use them
    status = main(["audit", str(copy), "rnn"])
    lines = capsys.readouterr().out.splitlines()
    assert status == 1
    assert (
        lines[0]
        == f"audit of rnn in {copy}: 2 submitted notebooks regraded in isolation, 1 differ from nbgrader, 2 could not be audited"
    )
    assert lines[1].startswith(
        f"  tamperer: nbgrader {read_gradebook(course, 'rnn')['tamperer'].score:g}, isolated "
    )
    assert lines[2].startswith("    test_clip_by_norm  nbgrader 3, isolated ")
    assert (
        f"  buggy: not audited: in the gradebook, but {copy / 'submitted' / 'buggy' / 'rnn'} holds no notebook"
        in lines
    )
    assert "  stranger: not audited: submitted, but not in the gradebook" in lines


def test_course_without_submissions_agrees(tmp_path, capsys):
    """Does a course with nothing autograded (no gradebook) give an empty audit, exit 0, and create no gradebook?"""
    course = make_course(tmp_path / "course")
    assert main(["audit", str(course), "rnn", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["audited"], report["differences"], report["unaudited"], report["agrees"]) == (
        [],
        [],
        [],
        True,
    )
    assert (
        audit_text(audit(course, "rnn")) == f"audit of rnn in {course}: no submitted notebooks to regrade"
    )
    assert not (course / "gradebook.db").exists()


def test_unknown_assignment_is_bad_usage(tmp_path, capsys):
    """Does auditing an assignment the course has no solutions of exit 2 with a message naming it?"""
    course = make_course(tmp_path / "course")
    assert main(["audit", str(course), "transformers"]) == 2
    assert "holds no solutions of 'transformers'" in capsys.readouterr().err
