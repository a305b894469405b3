"""benchmarks/grade_latency.py refuses to report times when the methods disagree on the score.

The benchmark itself is not run here: one repetition of rnn takes 35 to 55 s on two cores.
"""

import importlib.util
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "grade_latency.py"


@pytest.fixture(scope="module")
def grade_latency():
    specification = importlib.util.spec_from_file_location("grade_latency", BENCHMARK)
    module = importlib.util.module_from_spec(specification)
    specification.loader.exec_module(module)
    return module


def test_scores_that_differ_stop_the_benchmark(grade_latency):
    """Does the benchmark fail loudly when nbgrader and the autograder disagree on a score?"""
    timings = [
        grade_latency.Timing("nbgrader autograde", [1.0], [(36.0, 36.0)]),
        grade_latency.Timing("autograder grade", [0.5], [(34.0, 36.0)]),
    ]
    with pytest.raises(grade_latency.ScoresDiffer, match="34/36"):
        grade_latency.check_same_scores("rnn", timings)


def test_missing_hidden_checks_stop_the_benchmark(grade_latency):
    """Is a grading without the hidden checks (solutions not found) refused rather than timed?"""
    public_only = [{"score": 1.0, "max_score": 1.0, "status": "passed", "hidden": False}]
    with pytest.raises(RuntimeError, match="hidden checks did not run"):
        grade_latency.autograded_score(public_only, [], "rnn")

