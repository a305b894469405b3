"""The self-check summary at the end of each notebook: the public score so far, from the latest runs."""

import contextlib
import io
import re

import nbformat
import pytest
from support.buggy_rnn import backward_overwriting_dWh_each_step, sequence_backward, sequence_forward

from autograder import self_check
from autograder.checking.case import Case, CheckFailed, report
from autograder.checking.reference import load_reference
from autograder.checking.running import run_cases
from autograder.checks import rnn as checks
from autograder.grading import notebook_cells
from autograder.grading.notebook_cells import setup_cells, without_hidden_tests
from autograder.instructor.nbgrader_pipeline import REPOSITORY

SUMMARY_SOURCE = "from autograder.self_check import public_score_summary; public_score_summary()"


@pytest.fixture(autouse=True)
def fresh_tally(monkeypatch):
    """Each test starts as a fresh kernel does: no check has run."""
    monkeypatch.setattr(self_check, "_latest", {})


def passes():
    pass


def fails():
    raise CheckFailed("dWh is wrong")


def summary(capsys):
    """What the summary cell prints, checking that it writes nothing to stderr."""
    capsys.readouterr()
    self_check.public_score_summary()
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_with_nothing_run_it_says_what_to_do(capsys):
    """Before any test cell has run, does the summary say to run them rather than show 0 / 0?"""
    assert summary(capsys) == self_check.NOTHING_RUN_YET + "\n"
    assert "run the test cell" in self_check.NOTHING_RUN_YET


def test_it_counts_points_and_names_the_functions_to_fix(capsys):
    """After a correct and a buggy function were checked, are the points and the function to fix right?"""
    checks.rnn_backward(sequence_backward, sequence_forward)
    buggy = checks.rnn_backward(backward_overwriting_dWh_each_step, sequence_forward)  # a later, buggy edit
    report(run_cases("sigmoid", [Case("known answers", 1.5, passes), Case("no overflow", 1, passes)]))
    assert 0 < buggy < 4.4  # rnn_backward's public points
    assert summary(capsys) == (
        f"Public checks so far: {buggy + 2.5:g} / 6.9 points; all checks of 1 of 2 functions pass; "
        "still to fix: rnn_backward.\n"
    )


def test_rerunning_a_fixed_function_replaces_its_earlier_result(capsys):
    """Does re-running a test cell after a fix count only its latest run?"""
    buggy = checks.rnn_backward(backward_overwriting_dWh_each_step, sequence_forward)
    report(run_cases("clip_by_norm", [Case("identity below the threshold", 2, fails)]))
    assert (
        f"{buggy:g} / 6.4 points; all checks of 0 of 2 functions pass; still to fix: rnn_backward, clip_by_norm."
        in (summary(capsys))
    )
    checks.rnn_backward(sequence_backward, sequence_forward)
    assert summary(capsys) == (
        "Public checks so far: 4.4 / 6.4 points; all checks of 1 of 2 functions pass; still to fix: clip_by_norm.\n"
    )


def test_hidden_checks_are_counted_apart_and_never_shown(capsys):
    """Do hidden results neither replace the public ones nor enter the student's score?"""
    report(run_cases("sigmoid", [Case("known answers", 2, passes)]))
    report(run_cases("sigmoid", [Case("matches the reference", 1, fails)], hidden=True))
    assert summary(capsys) == "Public checks so far: 2 / 2 points; all checks of 1 of 1 functions pass.\n"
    assert self_check._latest[("sigmoid", True)][0].points == 0


def test_only_hidden_checks_run_counts_as_nothing_run(capsys):
    """With hidden results only (an instructor's run), is there no public score to show?"""
    report(run_cases("sigmoid", [Case("matches the reference", 1, passes)], hidden=True))
    assert summary(capsys) == self_check.NOTHING_RUN_YET + "\n"


def test_the_summary_never_raises(monkeypatch, capsys):
    """Does a broken tally still print a line instead of raising in the student's notebook?"""
    monkeypatch.setattr(self_check, "_latest", None)
    assert "could not be tallied" in summary(capsys)


@pytest.mark.parametrize("name", ["rnn", "lstm", "charlm"])
def test_the_summary_cell_ends_the_notebook_ungraded_and_locked(name):
    """Is the summary the last cell, after the last test cell, locked, worth nothing and no setup cell?"""
    notebook = nbformat.read(REPOSITORY / "solutions" / name / f"{name}.ipynb", as_version=4)
    last = notebook.cells[-1]
    assert last.cell_type == "code" and last.source == SUMMARY_SOURCE
    assert last.metadata.nbgrader == {
        "grade": False,
        "grade_id": "self_check_summary",
        "locked": True,
        "schema_version": 3,
        "solution": False,
    }
    special = notebook_cells.test_cells(notebook) + setup_cells(notebook)
    assert "self_check_summary" not in [cell.grade_id for cell in special]


@pytest.mark.parametrize("name", ["rnn", "lstm", "charlm"])
def test_the_reference_earns_the_full_public_score(name, capsys):
    """Run the release's test cells on the reference: does the summary show every public point earned?"""
    notebook = nbformat.read(REPOSITORY / "assignments" / name / f"{name}.ipynb", as_version=4)
    namespace = dict(vars(load_reference(name)))
    for cell in notebook_cells.test_cells(notebook):
        with contextlib.redirect_stdout(io.StringIO()):
            exec(without_hidden_tests(cell.source), namespace)
    exec(notebook.cells[-1].source, namespace)
    functions = len(notebook_cells.test_cells(notebook))
    line = summary(capsys)
    match = re.fullmatch(
        rf"Public checks so far: (\S+) / (\S+) points; all checks of {functions} of {functions} functions pass\.\n",
        line,
    )
    assert match and match[1] == match[2], line
