"""A bug costs the function it is in, never the correct functions built on it (issue 22, item 1).

Every cascade of ``tests/support/cascades.py`` is graded the two ways a course grades: in the student's
namespace, as nbgrader's kernel runs the trusted test cells, and in isolation, as
``autograder grade`` does. Both must keep every point of the functions whose own code is right,
take points from the function with the bug, say where an inherited failure came from, and agree.
"""

import contextlib
import io
from pathlib import Path

import nbformat
import numpy as np
import pytest
from support.cascades import CASCADES, Cascade

from autograder.checking.case import collecting_results, report_text
from autograder.checking.hidden_cases import grading_seed
from autograder.checking.reference import find_release_notebook, find_solution_notebook, support_names
from autograder.grading import notebook_cells
from autograder.grading.isolated import grade_submission
from autograder.instructor.submissions import solution_answers, with_answers, with_mistake
from autograder.notebook_json import read_notebook
from autograder.results import SubmissionResult, total_max_points, total_points
from autograder.sandbox.process import Limits

SEED = 22


def answers_of(cascade: Cascade) -> dict[str, str]:
    """The reference answers with the cascade's changes made."""
    answers = solution_answers(nbformat.read(find_solution_notebook(cascade.assignment), as_version=4))
    for cell, correct, wrong in cascade.changes:
        answers = with_mistake(answers, cell, correct, wrong)
    return answers


def graded_in_the_namespace(cascade: Cascade) -> dict[str, tuple[float, float, str]]:
    """Each function's points earned and available, and its output, as nbgrader's kernel would grade it."""
    # The helpers a notebook's setup cell imports from its support module (charlm's train_step calls rnn_forward).
    namespace: dict = {**support_names(find_solution_notebook(cascade.assignment)), "__name__": "__main__", "np": np}
    source = read_notebook(find_solution_notebook(cascade.assignment))
    answers = answers_of(cascade)
    for cell in notebook_cells.answer_cells(source):
        exec(compile(answers[cell.grade_id], f"<answer cell {cell.grade_id}>", "exec"), namespace)  # noqa: S102
    with collecting_results() as collected, grading_seed(SEED), contextlib.redirect_stdout(io.StringIO()):
        for cell in notebook_cells.test_cells(source):
            exec(compile(cell.source, f"<test cell {cell.grade_id}>", "exec"), namespace)  # noqa: S102
    functions: dict[str, tuple[float, float, str]] = {}
    for results in collected:
        earned, available, text = functions.get(results[0].function, (0.0, 0.0, ""))
        functions[results[0].function] = (
            round(earned + total_points(results), 6),
            round(available + total_max_points(results), 6),
            text + report_text(results),
        )
    return functions


def graded_in_isolation(cascade: Cascade, place: Path) -> dict[str, tuple[float, float, str]]:
    """Each function's points earned and available, and its output, as ``autograder grade`` grades it."""
    release = nbformat.read(find_release_notebook(cascade.assignment), as_version=4)
    notebook = place / f"{cascade.assignment}.ipynb"
    nbformat.write(with_answers(release, answers_of(cascade)), notebook)
    result: SubmissionResult = grade_submission(notebook, seed=SEED, limits=Limits(seconds_per_call=1.0))
    functions: dict[str, tuple[float, float, str]] = {}
    for test in result.tests:
        if test.status == "pending":
            continue
        earned, available, text = functions.get(test.function, (0.0, 0.0, ""))
        functions[test.function] = (
            round(earned + test.score, 6),
            round(available + test.max_score, 6),
            text + test.output,
        )
    return functions


def assert_fair(cascade: Cascade, graded: dict[str, tuple[float, float, str]]) -> None:
    """The functions whose own code is right keep every point; the buggy ones lose some; the messages say why."""
    for function in cascade.full:
        earned, available, text = graded[function]
        assert earned == available, (
            f"{function} lost {available - earned} points it did not earn losing:\n{text}"
        )
    for function in cascade.loses:
        earned, available, text = graded[function]
        assert earned < available, f"{function} lost nothing:\n{text}"
    for function, lost in cascade.lost.items():
        earned, available, text = graded[function]
        assert available - earned == pytest.approx(lost), (
            f"{function} lost {available - earned}, not {lost}:\n{text}"
        )


def outputs_of(graded: dict[str, tuple[float, float, str]], function: str) -> str:
    return graded[function][2]


IN_THE_NAMESPACE = [name for name, cascade in CASCADES.items() if not cascade.hangs]


@pytest.mark.parametrize("name", IN_THE_NAMESPACE)
def test_a_bug_costs_only_its_own_function_in_the_students_namespace(name):
    """Graded as nbgrader's kernel grades, does each cascade cost exactly the functions whose code is wrong?"""
    cascade = CASCADES[name]
    graded = graded_in_the_namespace(cascade)
    assert_fair(cascade, graded)
    for function, text in cascade.says.items():
        assert text in outputs_of(graded, function), outputs_of(graded, function)


@pytest.mark.parametrize("name", sorted(CASCADES))
def test_a_bug_costs_only_its_own_function_in_isolation_and_both_ways_agree(name, tmp_path):
    """Graded by autograder grade, does each cascade cost exactly what it costs in the student's namespace?"""
    cascade = CASCADES[name]
    isolated = graded_in_isolation(cascade, tmp_path)
    assert_fair(cascade, isolated)
    for function, text in cascade.says.items():
        assert text in isolated[function][2], isolated[function][2]
    if not cascade.hangs:
        in_namespace = graded_in_the_namespace(cascade)
        assert {f: v[:2] for f, v in isolated.items()} == {f: v[:2] for f, v in in_namespace.items()}
