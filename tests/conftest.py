"""Shared fixtures (the reference functions, the executed solution notebooks) and the suite's schedule.

``make test`` runs the suite on every core (pytest-xdist, ``--dist loadfile``). A test module is
one unit of work, so its module-scoped fixtures (an nbgrader course, a venv, a graded batch) are
built once; the executed solution notebooks, which two modules read, are shared between workers
through a file (``solution_run``). The modules that take longest start first (``LONGEST_FIRST``),
so that no long one starts last and keeps a core busy alone at the end. (``--dist loadgroup``
would group modules by mark, but pytest-xdist 3.8 cannot set the group on pytest 9's node ids.)"""

import os

import matplotlib
import pytest
from filelock import FileLock
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
def solution_run(tmp_path_factory, worker_id):
    """``solution_run(assignment)``: its solution notebook executed once per test run, and its values.

    Under pytest-xdist the first worker to ask executes it, under a lock, and keeps the result in
    the run's temporary root, which all workers of this run share (and no other run does).
    """
    from support.notebook_runs import EXPOSED, load_run, run_solution_notebook, save_run

    runs = {}

    def execute(assignment: str):
        workdir = tmp_path_factory.mktemp(f"{assignment}-solution")
        return run_solution_notebook(assignment, workdir, EXPOSED[assignment])

    def run(assignment: str):
        if assignment in runs:
            return runs[assignment]
        if worker_id == "master":
            runs[assignment] = execute(assignment)
            return runs[assignment]
        shared = tmp_path_factory.getbasetemp().parent / f"{assignment}-solution-run.json"
        with FileLock(f"{shared}.lock"):
            if not shared.exists():
                save_run(execute(assignment), shared)
            runs[assignment] = load_run(shared)
        return runs[assignment]

    return run


@pytest.fixture(scope="session")
def graded_results(reference):
    """A class of nine graded in this process with planted mistakes (``graded_class``), once per session."""
    from support.graded_class import graded_class

    return graded_class(reference)


LONGEST_FIRST = [
    "test_instructors_guide",
    "test_nbgrader_pipeline",
    "test_behavioural_leaks",
    "test_success_sweep",
    "test_term",
    "test_builds",
    "test_adversarial",
    "test_sandbox_view",
    "test_isolation",
    "test_scratch_inodes",
    "test_benchmarks",
    "test_course_claims_rnn",
    "test_course_claims_lstm",
    "test_charlm_experiment",
    "test_course_claims_charlm",
    "test_grade_cli",
    "test_lanes",
    "test_submission_tree",
    "test_merged_results",
]
"""The modules measured to take longest (``make test`` prints the slowest tests), longest first.

pytest-xdist hands each worker one module, then the next in this order whenever a worker is
about to run out of tests (``--no-loadscope-reorder``: by default it would order the modules by
how many tests they hold, and the guide's eleven would start last and end the run alone).
"""


def pytest_collection_modifyitems(items):
    """Put the modules that take longest first (pytest-xdist hands out whole modules in this order)."""
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.module.__name__.rpartition(".")[2], len(rank)))
