"""The reference comes from the solution notebook, wherever the course directory is."""

import shutil
from pathlib import Path

import pytest

from autograder.checking import reference
from autograder.checking.reference import SolutionsNotFound, find_solution_notebook, load_reference
from autograder.course import ASSIGNMENTS

REPO = Path(__file__).resolve().parents[2]


def test_reference_functions_are_the_solution_cells(reference):
    """Does the namespace hold exactly the functions the rnn description lists?"""
    functions = {name for name, value in vars(reference).items() if callable(value) and name != "np"}
    assert functions == set(ASSIGNMENTS["rnn"].names)


def test_found_by_walking_up_from_a_course_subdirectory(tmp_path, monkeypatch):
    """Is a course directory made from this repository found from autograded/<student>/<assignment>/?"""
    shutil.copytree(REPO / "solutions", tmp_path / "course" / "solutions")
    workdir = tmp_path / "course" / "autograded" / "alice" / "rnn"
    workdir.mkdir(parents=True)
    monkeypatch.chdir(workdir)
    monkeypatch.delenv(reference.ENVIRONMENT_VARIABLE, raising=False)
    assert find_solution_notebook("rnn") == tmp_path / "course" / "solutions" / "rnn" / "rnn.ipynb"


def test_environment_variable_comes_first(tmp_path, monkeypatch):
    """Does AUTOGRADER_SOLUTIONS override everything else?"""
    shutil.copytree(REPO / "solutions", tmp_path / "elsewhere" / "solutions")
    monkeypatch.setenv(reference.ENVIRONMENT_VARIABLE, str(tmp_path / "elsewhere"))
    assert find_solution_notebook("rnn").is_relative_to(tmp_path / "elsewhere")


def test_missing_solutions_say_how_to_fix_it(monkeypatch):
    """Is an unknown assignment reported with the environment variable to set?"""
    monkeypatch.delenv(reference.ENVIRONMENT_VARIABLE, raising=False)
    with pytest.raises(SolutionsNotFound, match="AUTOGRADER_SOLUTIONS"):
        load_reference("no_such_assignment")
