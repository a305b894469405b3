"""Each assignment's description says what its notebook, its checks and its known answers do.

``autograder/course/<assignment>.py`` is the one place that lists an assignment's functions. These
tests hold everything else to it: the solution notebook and the release define exactly those
functions, in that order, with those signatures; each test cell is worth the function's public and
hidden points; each check takes the function and the ones it uses; the registry the notebooks'
test cells import holds those checks and nothing else.
"""

import ast
import importlib
import inspect

import nbformat
import pytest
from support.course_tables import EVERY_FUNCTION

from autograder.checking.reference import find_solution_notebook
from autograder.course import ASSIGNMENTS, Function, resolve
from autograder.grading import notebook_cells
from autograder.instructor.nbgrader_pipeline import REPOSITORY
from autograder.student_api import STUDENT_FUNCTIONS


def defined_functions(path) -> dict[str, str]:
    """``{name: parameters as the def line writes them}`` for every function of the notebook's answer cells, in order."""
    found = {}
    for cell in notebook_cells.answer_cells(nbformat.read(path, as_version=4)):
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.FunctionDef):
                found[node.name] = ast.unparse(node.args)
    return found


def written(function: Function) -> str:
    """The description's signature as ``ast.unparse`` writes a def line's parameters."""
    return ast.unparse(ast.parse(f"def f({function.signature}): pass").body[0].args)


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_the_notebooks_define_the_described_functions_in_order(assignment):
    """Do the solution notebook and the release define exactly the described functions, in order, with their signatures?"""
    described = {f.name: written(f) for f in ASSIGNMENTS[assignment].functions}
    for notebook in (find_solution_notebook(assignment), REPOSITORY / "assignments" / assignment / f"{assignment}.ipynb"):
        defined = defined_functions(notebook)
        assert list(defined) == list(described), notebook
        assert defined == described, notebook


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_each_test_cell_is_worth_the_described_points(assignment):
    """Is the test cell of each function worth its public and hidden points together, and no other cell worth any?"""
    cells = {
        cell.grade_id: cell.points
        for cell in notebook_cells.test_cells(nbformat.read(find_solution_notebook(assignment), as_version=4))
    }
    assert cells == {f"test_{f.name}": f.points for f in ASSIGNMENTS[assignment].functions}


@pytest.mark.parametrize(("assignment", "name"), EVERY_FUNCTION)
def test_each_check_takes_the_function_then_those_it_uses(assignment, name):
    """Does the check the description names take the function, then each function of ``uses``, and ``hidden``?"""
    function = ASSIGNMENTS[assignment].function(name)
    parameters = inspect.signature(resolve(function.check)).parameters
    assert list(parameters) == [*function.takes, "hidden"]
    assert parameters["hidden"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_the_registry_the_test_cells_import_holds_the_described_checks(assignment):
    """Does ``autograder.checks.<assignment>`` hold each described function's check under its name, and nothing else?"""
    registry = importlib.import_module(f"autograder.checks.{assignment}")
    assert registry.__all__ == list(ASSIGNMENTS[assignment].names)
    for function in ASSIGNMENTS[assignment].functions:
        assert getattr(registry, function.name) is resolve(function.check)


def test_the_student_api_is_the_descriptions():
    """Does the student API (what the sandbox and the purity monitor watch) list each assignment's functions in order?"""
    assert STUDENT_FUNCTIONS == {name: a.names for name, a in ASSIGNMENTS.items()}
    assert list(ASSIGNMENTS) == ["rnn", "lstm", "charlm"]


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_each_description_names_its_planted_mistakes_and_alternatives(assignment):
    """Do the test modules the description names for planted mistakes and correct alternatives exist?"""
    description = ASSIGNMENTS[assignment]
    for module in (description.mistakes, description.alternatives):
        assert (REPOSITORY / module).is_file(), module
