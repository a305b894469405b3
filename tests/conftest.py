"""Shared fixtures (the reference functions, the executed solution notebooks) and the suite's schedule.

``make test`` runs the suite on every core (pytest-xdist, ``--dist loadgroup``). Each test module
is one unit of work, so its module-scoped fixtures (an nbgrader course, a venv, a graded batch) are
built once; modules sharing a session fixture form one unit too (``SHARED``), and the units that
take longest start first (``LONGEST_FIRST``), so that no long one starts last and keeps a core busy
alone at the end.
"""

import os

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")

settings.register_profile("ci", derandomize=True, database=None, deadline=None, max_examples=50)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def hidden_cases_seed():
    """Checks run in this process draw their hidden cases from one fixed seed: the tests are deterministic.

    Gradings run by ``autograder grade`` or ``nbgrader`` still draw fresh seeds, which the tests
    that exercise them rely on only through statements true for any seed.
    """
    from autograder.checking.hidden_cases import grading_seed

    with grading_seed(2013):
        yield


@pytest.fixture(scope="session")
def reference():
    """The reference functions of the rnn assignment, loaded from the solution notebook."""
    from autograder.checking.reference import load_reference

    return load_reference("rnn")


@pytest.fixture(scope="session")
def solution_run(tmp_path_factory):
    """``solution_run(assignment)``: its solution notebook executed once per session, and its values."""
    from notebook_runs import EXPOSED, run_solution_notebook

    runs = {}

    def run(assignment: str):
        if assignment not in runs:
            workdir = tmp_path_factory.mktemp(f"{assignment}-solution")
            runs[assignment] = run_solution_notebook(assignment, workdir, EXPOSED[assignment])
        return runs[assignment]

    return run


@pytest.fixture(scope="session")
def graded_results(reference):
    """A class of nine graded in this process with planted mistakes (``graded_class``), once per session."""
    from graded_class import graded_class

    return graded_class(reference)


SHARED = {
    "test_course_claims": "solution-notebooks",
    "test_solution_notebook": "solution-notebooks",
    "test_class_report": "graded-class",
    "test_after_deadline_cli": "graded-class",
    "test_pages_in_chromium": "graded-class",
}
"""Modules that share a session fixture, by the unit they are run in: ``solution_run``, ``graded_results``."""

LONGEST_FIRST = [
    "test_instructors_guide",
    "test_builds",
    "solution-notebooks",
    "test_nbgrader_pipeline",
    "test_isolation",
    "test_adversarial",
    "test_audit",
]
"""The units measured to take longest (``make test`` prints the slowest tests), longest first."""


def pytest_collection_modifyitems(items):
    """Mark each test with its unit of work, and put the longest units first."""
    def unit(item) -> str:
        module = item.module.__name__.rpartition(".")[2]
        return SHARED.get(module, module)

    for item in items:
        if not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(unit(item)))
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(unit(item), len(rank)))
