"""Shared fixtures: the reference functions and a way to run one check quietly."""

import os

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")

settings.register_profile("ci", derandomize=True, database=None, deadline=None, max_examples=50)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def reference():
    """The reference functions of the rnn assignment, loaded from the solution notebook."""
    from autograder.reference import load_reference

    return load_reference("rnn")
