"""Broken and hostile submissions, graded in one batch with honest ones: each costs only itself.

Every submission of :data:`hostile_submissions.HOSTILE`, the reference and the demo's buggy
student are graded together by ``grade_many`` (two at a time, a short time limit per call, so
that hangs cost little), as CI grades a class. Each hostile submission must lose exactly the
points its entry states, with a message saying what happened; the honest ones must get the
grades they get alone; and nothing outside the sandboxes' scratch directories may be written.
"""

import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import numpy as np
import pytest
from support.escape_attempts import ESCAPES, VICTIM, WEIRD_GRADE_ID
from support.grader_runs import BUGGY_LOSES, digests, files_under, points_lost
from support.hostile_submissions import AUTOGRADER, HOSTILE, POINTS, SOLUTIONS, notebook_text

from autograder.atomic_files import write_atomically
from autograder.checking.reference import find_release_notebook, find_solution_notebook
from autograder.formats import FORMATS, ONE_SUBMISSION, render
from autograder.formats.classroom50 import IDENTITY
from autograder.formats.gradebook import gradebook_csv
from autograder.grading.batch import grade_many
from autograder.instructor.submissions import demo_answers, with_answers
from autograder.results import SubmissionResult
from autograder.sandbox.process import Cell, Limits, Sandbox

LIMITS = Limits(seconds_per_call=2.0, seconds_per_cell=4.0)
"""Short enough that the hangs cost little; long enough for the reference on a busy machine (its cells
and calls take milliseconds)."""


GUARDED = [SOLUTIONS, *sorted((AUTOGRADER / "checks").glob("*.py"))]
"""Files of the checkout that student code tries to overwrite."""








def output_of(result: SubmissionResult, function: str) -> str:
    """What the tests of ``function`` told the student."""
    return "\n".join(test.output for test in result.tests if test.function == function)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The batch graded: results by name, the batch directory, and its files before and after."""
    place = tmp_path_factory.mktemp("batch")
    source = nbformat.read(find_solution_notebook("rnn"), as_version=4)
    release = nbformat.read(find_release_notebook("rnn"), as_version=4)
    students = demo_answers("rnn", source)
    submissions = {
        "reference": with_answers(release, students["reference"]),
        "buggy": with_answers(release, students["buggy"]),
    }
    (place / VICTIM).write_text("a classmate's work\n")
    for name, hostile in {**HOSTILE, **ESCAPES}.items():
        submissions[name] = hostile.notebook(
            with_answers(release, hostile.answers(students["reference"], place))
        )
    paths = []
    for name, notebook in submissions.items():
        path = place / name / "rnn.ipynb"
        path.parent.mkdir()
        path.write_text(notebook if isinstance(notebook, str) else notebook_text(notebook))
        paths.append(str(path))
    files_before, guarded_before = files_under(place), digests(GUARDED)
    # The batch's own temporary directory: a grading running beside this one (pytest-xdist) makes
    # scratch directories of its own in the machine's.
    temporary = tmp_path_factory.mktemp("tmp")
    temporary.chmod(0o755)
    with pytest.MonkeyPatch.context() as patch:  # for this process and the processes it starts
        patch.setenv("TMPDIR", str(temporary))
        patch.setattr(tempfile, "tempdir", None)
        started = time.monotonic()
        results = grade_many(paths, assignment="rnn", jobs=2, limits=LIMITS)
        seconds = time.monotonic() - started
    return {
        "results": dict(zip(submissions, results)),
        "place": place,
        "files": (files_before, files_under(place)),
        "guarded": (guarded_before, digests(GUARDED)),
        "seconds": seconds,
        "leftovers": set(temporary.glob("autograder-sandbox-*")),
    }


def test_the_reference_earns_full_marks_in_a_hostile_batch(batch):
    """Does the reference earn 40/40 autograded points, with no note, beside the hostile submissions?"""
    reference = batch["results"]["reference"]
    assert points_lost(reference) == {}
    assert reference.score == 40.0
    assert reference.pending_score == 12.0
    assert reference.notes == ()


def test_the_buggy_submission_loses_only_its_two_mistakes(batch):
    """Does the plain buggy student lose exactly the points of its two mistakes, nothing from its neighbours?"""
    buggy = batch["results"]["buggy"]
    assert points_lost(buggy) == BUGGY_LOSES
    assert buggy.notes == ()
    assert "dWh" in output_of(buggy, "rnn_backward")
    assert "its own norm" in output_of(buggy, "clip_by_global_norm")


@pytest.mark.parametrize("name", [*HOSTILE, *ESCAPES])
def test_a_hostile_submission_loses_what_it_states_and_says_why(batch, name):
    """Does each hostile submission lose exactly the points its entry states, with a message saying what happened?"""
    hostile, result = {**HOSTILE, **ESCAPES}[name], batch["results"][name]
    expected = hostile.expected
    assert points_lost(result) == expected.lost, hostile.question
    assert set(expected.lost) <= set(POINTS)
    for function, text in expected.says.items():
        assert text in output_of(result, function), f"{hostile.question}\n{output_of(result, function)}"
    if expected.note:
        assert any(expected.note in note for note in result.notes), f"{hostile.question}\n{result.notes}"
    else:
        assert result.notes == (), hostile.question
    assert not any("tell your instructor" in test.output for test in result.tests), hostile.question


def test_the_corpus_covers_every_kind_of_bad_input():
    """Does the corpus hold at least 15 broken or hostile submissions, each asking a question?"""
    assert len(HOSTILE) >= 15
    assert all(hostile.question.endswith("?") for hostile in HOSTILE.values())


def test_nothing_outside_the_scratch_directories_was_written(batch):
    """Are the fake results, gradebook and tampered autograder files absent or untouched after the batch?"""
    place = batch["place"]
    before, after = batch["files"]
    assert after == before
    for fake in (place / "results.json", place / "gradebook.csv", Path("/autograder/results/results.json")):
        assert not fake.exists()
    guarded_before, guarded_after = batch["guarded"]
    assert guarded_after == guarded_before


GRADED = datetime(2026, 3, 2, 12, tzinfo=timezone.utc)
"""When the hostile batch counts as graded, for the formats that say it."""


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_output_of_the_batch_is_written_and_carries_no_command(batch, name):
    """Is every format of the hostile batch valid UTF-8, free of escapes, with no workflow command from a student?"""
    run = dict.fromkeys(IDENTITY.values(), "x")  # what Classroom 50's runner sets
    results = list(batch["results"].values())
    texts = [render(name, [result], environ=run, graded=GRADED) for result in results]
    if name not in ONE_SUBMISSION:
        texts.append(render(name, results, environ=run, graded=GRADED))
    for text in texts:
        text.encode("utf-8")
        assert "\x1b" not in text and "\r" not in text
        assert "::error file=x::forged" not in text.replace("\u2236:error", "")
        assert WEIRD_GRADE_ID not in text


def test_no_scratch_directory_is_left_behind(batch):
    """After the batch, is no scratch directory (unreadable files included) left in the temporary directory?"""
    assert batch["leftovers"] == set()


def test_the_gradebook_holds_each_submissions_own_grade(batch, tmp_path):
    """Does the gradebook written after a hostile batch hold every submission's honest score?"""
    results = list(batch["results"].values())
    path = tmp_path / "gradebook.csv"
    write_atomically(path, gradebook_csv(results))
    text = path.read_text()
    assert text == gradebook_csv(results)
    rows = {line.split(",")[0]: line.split(",")[2] for line in text.splitlines()[1:]}
    assert rows[str(batch["place"] / "reference" / "rnn.ipynb")] == "40"
    faker = 40 - sum(HOSTILE["writes_fake_results"].expected.lost.values())
    assert rows[str(batch["place"] / "writes_fake_results" / "rnn.ipynb")] == f"{faker:g}"
    assert len(rows) == len(results)


def test_a_value_kept_in_the_student_process_comes_back_through_a_later_call():
    """Does a cache object the student's forward returns reach the student's backward intact?"""
    source = """
class Cache:
    def __init__(self, x):
        self.x = x

def forward(x):
    return 2 * x, Cache(x)

def backward(cache):
    return cache.x
"""
    with Sandbox([Cell("answers", source)], limits=LIMITS) as sandbox:
        value, cache = sandbox.call("forward", (np.ones(3),), {})
        assert repr(cache) == "<Cache object>"
        np.testing.assert_array_equal(sandbox.call("backward", (cache,), {}), np.ones(3))
