"""Batches that lose nothing: resumed after a stop, retried after a dead worker, split into shards."""

import json
import multiprocessing
import os
import signal

import nbformat
import pytest
from support import dying_graders

from autograder.checking.reference import find_release_notebook
from autograder.cli import main
from autograder.formats.json_results import results_from_json
from autograder.grading import batch
from autograder.grading.batch import grade_in_pool, grade_many
from autograder.grading.result_store import ResultStore
from autograder.results import SubmissionResult
from autograder.sandbox.process import Limits


@pytest.fixture(scope="module")
def untouched(tmp_path_factory):
    """Three copies of the released rnn notebook, each a little different (quick to grade: every function a stub)."""
    place = tmp_path_factory.mktemp("batch")
    release = nbformat.read(find_release_notebook("rnn"), as_version=4)
    paths = []
    for student in ("ada", "bo", "cy"):
        release.cells[0].source += f"\n<!-- {student} -->"
        (place / student).mkdir()
        nbformat.write(release, place / student / "rnn.ipynb")
        paths.append(str(place / student / "rnn.ipynb"))
    return paths


def test_a_stopped_batch_resumes_without_grading_again_what_finished(untouched, tmp_path, monkeypatch):
    """After a stop (Ctrl-C) following the first result, does the next run grade only the other three?"""
    store = ResultStore(tmp_path / "results")

    def stop(result: SubmissionResult) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        grade_many(untouched, assignment="rnn", store=store, on_result=stop)
    graded = []
    real = batch.grade_one
    monkeypatch.setattr(
        batch,
        "grade_one",
        lambda s, a, limits, seed=None, lanes=1: graded.append(s) or real(s, a, limits, seed, lanes),
    )
    results = grade_many(untouched, assignment="rnn", store=store)
    assert graded == untouched[1:]
    assert [r.submission for r in results] == untouched
    assert {r.score for r in results} == {0.0} and {len(r.tests) for r in results} == {len(results[1].tests)}
    assert results[0].tests[0].cases == results[1].tests[0].cases  # the stored result is whole


def test_a_changed_notebook_is_graded_again(untouched, tmp_path):
    """Is a stored result keyed by the notebook's bytes, so that an edited notebook gets a new key?"""
    store = ResultStore(tmp_path / "results")
    key = batch.store_key(store, untouched[0], "rnn")
    assert key == batch.store_key(store, untouched[0], None)
    assert key != batch.store_key(store, untouched[1], "rnn")
    assert batch.store_key(store, str(tmp_path / "missing.ipynb"), "rnn") is None


def test_other_limits_grade_again(untouched, tmp_path):
    """Is a result stored under the limits it was graded with, so that a run with another time per call grades again?"""
    store = ResultStore(tmp_path / "results")
    default = batch.store_key(store, untouched[0], "rnn")
    assert default == batch.store_key(store, untouched[0], "rnn", Limits())
    assert default != batch.store_key(store, untouched[0], "rnn", Limits(seconds_per_call=2.0))


def test_a_killed_worker_costs_a_retry_not_a_grade():
    """When a grading process is killed mid-batch, is every submission still graded, none reported lost?"""
    finished: dict[str, SubmissionResult] = {}

    def kill_a_worker_once(submission: str, result: SubmissionResult) -> None:
        workers = multiprocessing.active_children()
        if not finished and workers:
            os.kill(workers[0].pid, signal.SIGKILL)
        finished[submission] = result

    names = [f"s{i}" for i in range(6)]
    grade_in_pool(names, "rnn", 2, None, kill_a_worker_once, grade=dying_graders.grade_slowly)
    assert sorted(finished) == names
    assert all(result.notes == () for result in finished.values())


def test_a_submission_that_kills_its_grader_twice_is_reported_not_graded():
    """Is a submission whose grading process dies twice reported as not graded, the others graded once?"""
    finished = {}
    grade_in_pool(
        ["a", "killer", "b", "c"],
        "rnn",
        2,
        None,
        lambda submission, result: finished.__setitem__(submission, result),
        grade=dying_graders.grade_or_die,
    )
    assert sorted(finished) == ["a", "b", "c", "killer"]
    assert finished["killer"].notes == (
        "not graded: the process grading it died 2 times (killed, or out of memory?)",
    )
    assert all(finished[s].notes == () for s in "abc")


def test_shards_partition_the_batch_and_merge_into_one_gradebook(untouched, tmp_path, capsys):
    """Do shards 1/2 and 2/2 grade disjoint halves of the batch, and does merge give one gradebook row each?"""
    outputs = []
    for index in (1, 2):
        output = tmp_path / f"shard-{index}.json"
        assert (
            main(
                [
                    "grade",
                    *untouched,
                    "--assignment",
                    "rnn",
                    "--shard",
                    f"{index}/2",
                    "--format",
                    "json",
                    "--output",
                    str(output),
                ]
            )
            == 0
        )
        outputs.append(output)
    halves = [results_from_json(o.read_text()) for o in outputs]
    assert [[r.submission for r in half] for half in halves] == [untouched[0::2], untouched[1::2]]
    gradebook = tmp_path / "grades.csv"
    assert main(["merge", *map(str, outputs), "--gradebook", str(gradebook), "--format", "json"]) == 0
    merged = json.loads(capsys.readouterr().out)
    assert sorted(d["submission"] for d in merged) == sorted(untouched)
    assert len(gradebook.read_text().splitlines()) == 1 + len(untouched)


@pytest.mark.parametrize("argument", ["0/2", "3/2", "1-2", "x"])
def test_a_bad_shard_is_a_usage_error(argument, capsys):
    """Is --shard outside 1 <= I <= N, or not I/N, refused with exit status 2 and a message?"""
    with pytest.raises(SystemExit) as exit_:
        main(["grade", "x.ipynb", "--shard", argument])
    assert exit_.value.code == 2
    assert "--shard" in capsys.readouterr().err


def test_merge_refuses_what_is_not_json_results(tmp_path, capsys):
    """Does merge exit 2 naming a file that is not --format json output?"""
    bad = tmp_path / "bad.json"
    bad.write_text('{"nothing": 1}')
    assert main(["merge", str(bad)]) == 2
    assert "bad.json" in capsys.readouterr().err
