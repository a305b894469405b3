"""The escape attempts graded by a grader that is not root, and by one without bubblewrap.

``tests/grading/test_adversarial.py`` grades every hostile submission with the suite's own grader (root
on CI and Gradescope, bubblewrap installed). Here the escape attempts of
:data:`escape_attempts.ESCAPES` and an honest submission are graded again by ``autograder grade``
in a child process, in two other settings a course may have:

* **a grader that is not root** (a GitHub Actions runner, an instructor's laptop): the child runs
  in a user namespace as uid 1000, so it takes every code path of an unprivileged grader and
  builds its sandboxes in nested user namespaces (its files are still those of the suite);
* **no bubblewrap** (``AUTOGRADER_BUBBLEWRAP=0``): Landlock and seccomp alone, the scratch
  directory on disk, counted and removed by the grader.

In both, each attack must cost exactly its function, the honest submission keeps full marks,
nothing outside the sandboxes is written, and the result says which protections were active.
"""

import shutil

import pytest
from support.escape_attempts import ESCAPES, VICTIM
from support.grader_runs import (
    SETTINGS,
    digests,
    files_under,
    grade_as,
    hand_in,
    points_lost,
    reference_answers,
    result_of,
)
from support.hostile_submissions import SOLUTIONS

from autograder.instructor.submissions import with_answers

SECONDS_PER_CALL = 2.0
"""Short, so that the attempt filling its scratch directory is stopped soon (the reference's calls take milliseconds)."""


@pytest.fixture(scope="module", params=list(SETTINGS))
def graded(request, tmp_path_factory):
    """The batch graded in one setting: the JSON documents by name, and the checks of what was written."""
    prefix, environment = SETTINGS[request.param]
    if prefix and shutil.which(prefix[0]) is None:
        pytest.fail(f"{prefix[0]} is needed to run a grader that is not root (package util-linux)")
    place = tmp_path_factory.mktemp("isolation")
    (place / VICTIM).write_text("a classmate's work\n")
    reference, release = reference_answers()
    submissions = {"reference": with_answers(release, reference)}
    submissions |= {
        name: e.notebook(with_answers(release, e.answers(reference, place))) for name, e in ESCAPES.items()
    }
    notebooks = hand_in(place, submissions)
    before, guarded = files_under(place), digests([SOLUTIONS])
    scratch_root = tmp_path_factory.mktemp("scratch")  # its own, so other tests' sandboxes are not counted
    results = grade_as(
        (prefix, environment), notebooks, tmp_path_factory.mktemp("out") / "results.json",
        options=("--seconds-per-call", str(SECONDS_PER_CALL)), environment={"TMPDIR": str(scratch_root)},
        timeout=600,
    )
    documents = dict(zip(submissions, results))
    return {
        "setting": request.param,
        "documents": documents,
        "written": files_under(place) != before or digests([SOLUTIONS]) != guarded,
        "leftovers": set(scratch_root.glob("autograder-sandbox-*")),
    }


def test_the_honest_submission_keeps_full_marks(graded):
    """Does the reference earn 40/40 beside the escape attempts, whoever grades and however it is isolated?"""
    assert graded["documents"]["reference"]["score"] == 40


@pytest.mark.parametrize("name", list(ESCAPES))
def test_each_escape_costs_exactly_its_function(graded, name):
    """Does each escape attempt lose exactly the points its entry states, and no more?"""
    assert points_lost(result_of(graded["documents"][name])) == ESCAPES[name].expected.lost


def test_nothing_outside_the_sandboxes_is_written_or_left(graded):
    """Are the victim file and the trusted notebook untouched, and no scratch directory left behind?"""
    assert not graded["written"]
    assert graded["leftovers"] == set()


def test_the_result_says_which_protections_were_active(graded):
    """Does each result list its protections, and say so in a note when bubblewrap was not used?"""
    document = graded["documents"]["reference"]
    assert {"resource limits", "no new processes", "no sockets", "filesystem"} <= set(document["protections"])
    if graded["setting"] == "without bubblewrap":
        assert "bubblewrap" not in document["protections"]
        assert any("without bubblewrap" in note for note in document["notes"])
    else:
        assert "bubblewrap" in document["protections"]
        assert "unprivileged user" not in document["protections"]  # already unprivileged: nothing to drop
