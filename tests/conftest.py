"""Shared fixtures: the reference functions and a way to run one check quietly."""

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
