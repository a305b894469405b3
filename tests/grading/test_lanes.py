"""Two lanes grade a submission as one lane does: the same tests, scores and messages, in notebook order.

A lane is a student process with a thread of the grader running test cells against it
(``autograder.grading.isolated.run_test_cells``); lanes take the next cell when they are free, so
which lane runs which cell varies from run to run. The results must not: each submission below is
graded with the same seed in one lane and in two, and every test must come out the same.
"""

import os

import nbformat
import pytest

from autograder.grading.batch import MAX_LANES, lanes_for
from autograder.grading.isolated import grade_submission
from autograder.instructor.nbgrader_pipeline import REPOSITORY
from autograder.instructor.submissions import demo_answers, with_answers

CRASHING_BACKWARD = """
import os

def rnn_backward(dh, cache):
    os._exit(3)  # ends the student process: the lane running this check starts a new one
"""


@pytest.fixture(scope="module")
def submissions(tmp_path_factory) -> dict:
    """The buggy demo student, the untouched release, and the reference with a backward that ends its process."""
    root = tmp_path_factory.mktemp("lanes")
    source = nbformat.read(REPOSITORY / "solutions" / "rnn" / "rnn.ipynb", as_version=4)
    release = nbformat.read(REPOSITORY / "assignments" / "rnn" / "rnn.ipynb", as_version=4)
    students = demo_answers("rnn", source)
    answers = {
        "buggy": students["buggy"],
        "untouched": students["untouched"],
        "crashing": {**students["reference"], "rnn_backward": CRASHING_BACKWARD},
    }
    paths = {}
    for name, student in answers.items():
        paths[name] = root / f"{name}.ipynb"
        nbformat.write(with_answers(release, student), paths[name])
    return paths


def outcome(result) -> list[tuple]:
    """What a student is told: each test's name, points, status and message, and the notes."""
    return [(t.name, t.score, t.max_score, t.status, t.output) for t in result.tests] + [result.notes]


@pytest.mark.parametrize("student", ["buggy", "untouched", "crashing"])
def test_two_lanes_give_the_results_of_one(submissions, student, capsys):
    """Does grading in two lanes give every test the points and message one lane gives, in the same order?"""
    one = grade_submission(submissions[student], assignment="rnn", seed=2013, lanes=1)
    two = grade_submission(submissions[student], assignment="rnn", seed=2013, lanes=2)
    assert outcome(two) == outcome(one)
    assert 0 <= two.score < two.max_score
    assert capsys.readouterr().out == ""  # what the checks print in the lanes' threads is dropped


def test_a_crash_in_one_lane_costs_only_the_cells_that_called_it(submissions):
    """Does the process that rnn_backward ends cost its test cell and no other?"""
    result = grade_submission(submissions["crashing"], assignment="rnn", seed=2013, lanes=2)
    lost = {t.cell for t in result.tests if t.status == "failed"}
    assert lost == {"test_rnn_backward"}


def test_lanes_share_the_cores_left_to_each_job():
    """Does one job get a lane per free core (at most MAX_LANES), and a job per core only one?"""
    cores = len(os.sched_getaffinity(0))
    assert lanes_for(1) == min(MAX_LANES, cores)
    assert lanes_for(cores) == 1
