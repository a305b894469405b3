"""The benchmarks refuse to report times when the graders disagree on a score, and run in a tiny mode.

Neither is run in full here (nbgrader alone takes a minute per rnn submission on two cores):
grade_latency.py's breakdown of one grading and throughput.py on a batch of three, without
nbgrader, keep their code working; their reports' arithmetic is checked on made-up figures.
"""

import importlib.util
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "grade_latency.py"


def load_script(path: Path):
    """A benchmark script, imported as a module of its own name (``benchmarks/`` is no package)."""
    specification = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(specification)
    specification.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def grade_latency():
    return load_script(BENCHMARK)


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


THROUGHPUT = BENCHMARK.with_name("throughput.py")


@pytest.fixture(scope="module")
def throughput():
    return load_script(THROUGHPUT)


def test_a_batch_has_every_kind_in_its_share(throughput):
    """Does a batch of 200 hold each kind of submission in its share, and a small one each kind at least once?"""
    kinds = throughput.kinds_of(200)
    assert {kind: kinds.count(kind) for kind in throughput.MIX} == {
        kind: round(share * 200) for kind, share in throughput.MIX.items()
    }
    assert set(throughput.kinds_of(len(throughput.MIX))) == set(throughput.MIX)


def test_nbgraders_time_is_extrapolated_kind_by_kind(throughput):
    """Is nbgrader's time for a batch the mean time of each kind sampled, times its count, and refused without a kind?"""
    batch = [
        throughput.Submission(f"s{i}", kind) for i, kind in enumerate(["reference", "reference", "stubs"])
    ]
    kinds = {"a": "reference", "b": "reference", "c": "stubs"}
    assert throughput.extrapolate({"a": 10.0, "b": 20.0, "c": 4.0}, kinds, batch) == 15.0 * 2 + 4.0
    with pytest.raises(ValueError, match="stubs"):
        throughput.extrapolate({"a": 10.0}, kinds, batch)


def test_scores_that_differ_stop_the_throughput_benchmark(throughput):
    """Does the throughput benchmark refuse to report when nbgrader and the autograder disagree on a sample?"""
    with pytest.raises(throughput.ScoresDiffer, match="s001"):
        throughput.check_same_scores({"s000": 40.0, "s001": 36.0}, {"s000": 40.0, "s001": 37.0})


def test_the_throughput_benchmark_runs_in_a_tiny_mode(throughput, capsys):
    """Does the benchmark grade a tiny batch (a reference, a mistake, the stubs) with --jobs 2 and report its rate?"""
    assert throughput.main(["--submissions", "3", "--jobs", "2", "--nbgrader-sample", "0"]) == 0
    out = capsys.readouterr().out
    assert "3 rnn submissions (1 reference, 1 buggy, 1 stubs" in out
    assert "| autograder grade --jobs 2 | 3 |" in out


def test_the_batch_scores_are_read_by_student(throughput, tmp_path):
    """Does the batch grading give a score to every student handed in, 40 to the reference and 0 to the stubs?

    nbgrader's scores are keyed by student: a batch keyed otherwise would never match them.
    """
    batch = throughput.hand_in(tmp_path / "course", 3, nbgrader=False)
    _, scores = throughput.grade_batch(tmp_path / "course", 2)
    assert set(scores) == {submission.student for submission in batch}
    kinds = {submission.kind: scores[submission.student] for submission in batch}
    assert kinds["reference"] == 40 and kinds["stubs"] == 0


def test_a_missing_submission_time_is_the_only_note_the_latency_benchmark_accepts(grade_latency):
    """Is a notebook graded without nbgrader's timestamp timed, and a grading with any other note refused?"""
    tests = [{"score": 1.0, "max_score": 1.0, "status": "passed", "hidden": True}]
    untimed = "no submission time (nbgrader's timestamp.txt is missing): no late penalty can be applied"
    assert grade_latency.autograded_score(tests, [untimed], "rnn") == (1.0, 1.0)
    with pytest.raises(RuntimeError, match="says more"):
        grade_latency.autograded_score(tests, ["the student process was killed"], "rnn")


def test_the_breakdown_accounts_for_every_check(grade_latency, tmp_path):
    """Does the breakdown of one grading time the process start and every test cell, with its round trips and floor?"""
    notebook = grade_latency.prepare_course(tmp_path / "course", "rnn", nbgrader=False)
    parts = grade_latency.breakdown(tmp_path / "course", notebook, "rnn")
    names = [part.name for part in parts]
    assert names[:2] == ["student process start", "setup and answer cells"]
    assert len(names) == 2 + 11  # one test cell per function of rnn
    assert all(part.round_trips > 0 and part.floor is not None for part in parts[2:])
    assert "| total |" in grade_latency.breakdown_table(parts)
