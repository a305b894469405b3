"""Grading on a dask.distributed cluster gives what grading on this machine gives."""

import nbformat
import pytest

from autograder.checking.reference import find_release_notebook, find_solution_notebook
from autograder.cli import main
from autograder.grading.batch import grade_many
from autograder.instructor.submissions import demo_answers, with_answers

distributed = pytest.importorskip("distributed", reason="the dask extra is part of the dev install")


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    """The buggy and the reference demo students of rnn, as notebooks."""
    place = tmp_path_factory.mktemp("dask")
    source = nbformat.read(find_solution_notebook("rnn"), as_version=4)
    release = nbformat.read(find_release_notebook("rnn"), as_version=4)
    paths = []
    answers = demo_answers("rnn", source)
    for student in ("buggy", "reference"):
        nbformat.write(with_answers(release, answers[student]), place / f"{student}.ipynb")
        paths.append(str(place / f"{student}.ipynb"))
    return paths


@pytest.fixture(scope="module")
def cluster():
    """A real cluster on localhost: a scheduler and two worker processes of one thread each."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    ) as cluster:
        yield cluster


def scores(results):
    """Each submission's score in every test, by name."""
    return [{test.name: test.score for test in result.tests} for result in results]


def test_a_cluster_grades_as_this_machine_does(submissions, cluster):
    """Is the buggy student graded by the cluster's workers as here, test by test?"""
    here = grade_many(submissions[:1], assignment="rnn", seeds=[20261130])
    there = grade_many(
        submissions[:1], assignment="rnn", seeds=[20261130], scheduler=cluster.scheduler_address
    )
    assert [r.submission for r in there] == submissions[:1]
    assert scores(there) == scores(here)
    assert there[0].seed == here[0].seed == 20261130
    assert there[0].score == 36.25


def test_the_command_line_takes_a_scheduler(submissions, cluster, capsys):
    """Does autograder grade --scheduler grade the batch on the cluster?"""
    assert (
        main(["grade", submissions[1], "--assignment", "rnn", "--scheduler", cluster.scheduler_address]) == 0
    )
    assert "40 / 40 autograded" in capsys.readouterr().out
