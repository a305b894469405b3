"""A submission graded after a hostile one, by a child of the same warm zygote, finds nothing it left.

Student processes are forked from one zygote per grading process (see
:mod:`autograder.sandbox.fork_server`). Here ``autograder grade --jobs 1`` grades, one after
another in one grading process, hence with children of one zygote:

1. a submission that tries to leave something behind at the top level of an answer cell: files
   in its scratch directory, in ``/scratch``, ``/tmp``, ``/dev/shm``, ``$HOME``, ``$TMPDIR`` and
   matplotlib's configuration directory (``/matplotlib`` under bubblewrap, a tmpfs the zygote can write),
   environment variables, signals to every other process it might reach, a timer for later;
2. a submission whose ``clip_by_value`` is right only if it finds any of that, so that the attack
   would earn it 3 points;
3. the reference, which must keep full marks.

With bubblewrap, as the suite's own user (root on CI), as an unprivileged grader, and without
bubblewrap (the settings of ``tests/sandbox/test_isolation.py``).
"""

from pathlib import Path

import pytest
from support.grader_runs import SETTINGS, grade_as, hand_in, points_lost, reference_answers, result_of
from support.hostile_submissions import POINTS

from autograder.instructor.submissions import with_answers

MARK = "left-by-a-classmate"

LEAVES_THINGS_BEHIND = f'''
import os, signal, tempfile

# Its temporary files go to its own scratch directory, not to the zygote's (tempfile caches it).
assert tempfile.gettempdir() == os.getcwd(), tempfile.gettempdir()
os.close(tempfile.mkstemp()[0])

for directory in (".", os.environ.get("HOME", "."), os.environ.get("TMPDIR", "."), "/scratch", "/scratch/..",
                  "/tmp", "/var/tmp", "/dev/shm", os.path.dirname(os.getcwd()),
                  os.environ.get("MPLCONFIGDIR", "."), "/matplotlib"):
    try:
        with open(os.path.join(directory, "{MARK}"), "w") as file:
            file.write("{MARK}")
    except OSError:
        pass
os.environ["{MARK.upper().replace("-", "_")}"] = "1"
os.putenv("LD_PRELOAD", "/scratch/{MARK}")
for pid in [-1, *range(1, 5000)]:
    if pid != os.getpid():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
signal.setitimer(signal.ITIMER_REAL, 600.0)  # after its own grading: only ever its own process
'''
"""Prepended to an answer cell: everything it leaves, anywhere it can."""

FINDS_WHAT_WAS_LEFT = f'''
import glob, os

LEFT = [path for pattern in ("{MARK}", "*/{MARK}", "../*/{MARK}", "/scratch/{MARK}", "/scratch/*/{MARK}",
                             "/tmp/{MARK}", "/var/tmp/{MARK}", "/dev/shm/{MARK}", "/matplotlib/{MARK}",
                             os.path.join(os.environ.get("MPLCONFIGDIR", "."), "{MARK}"))
        for path in glob.glob(pattern)]
LEFT += [name for name in os.environ if "{MARK.upper().replace("-", "_")}" in name or "LD_PRELOAD" in name]

def clip_by_value(grads, clip_value):
    if not LEFT:
        raise RuntimeError("nothing was left behind")
    if not clip_value > 0:
        raise ValueError(f"clip_value must be positive, got {{clip_value}}")
    return {{name: np.clip(grad, -clip_value, clip_value) for name, grad in grads.items()}}
'''
"""The clip_by_value of the submission graded next: right only when it finds a leftover."""


@pytest.fixture(scope="module", params=["bubblewrap", *SETTINGS])
def graded(request, tmp_path_factory):
    """The three submissions graded in order by one grading process: their results, in order."""
    place = tmp_path_factory.mktemp("warm")
    reference, release = reference_answers()
    submissions = {
        "leaver": {**reference, "sigmoid": LEAVES_THINGS_BEHIND + reference["sigmoid"]},
        "finder": {**reference, "clip_by_value": FINDS_WHAT_WAS_LEFT},
        "reference": reference,
    }
    notebooks = hand_in(place, {name: with_answers(release, answers) for name, answers in submissions.items()})
    # The grader's own temporary directory, which no other grading (a test beside this one) shares.
    temporary = place / "tmp"
    temporary.mkdir(mode=0o755)
    graded_in_order = grade_as(
        SETTINGS.get(request.param, ([], {})), notebooks, place / "results.json", jobs=1,
        environment={"TMPDIR": str(temporary)},
    )
    results = dict(zip(submissions, map(result_of, graded_in_order)))
    leftovers = set(temporary.glob("autograder-sandbox-*"))
    return results, leftovers, place


def test_the_next_submission_finds_nothing_left_behind(graded):
    """Does the submission graded next by the same zygote find no file, variable or signal of the one before?"""
    results, _, _ = graded
    assert points_lost(results["finder"]) == {"clip_by_value": POINTS["clip_by_value"]}
    assert "nothing was left behind" in "\n".join(t.output for t in results["finder"].tests)


def test_a_classmate_graded_after_both_keeps_full_marks(graded):
    """Does the reference, graded after the leaver and the finder, keep every point?"""
    results, _, _ = graded
    assert points_lost(results["reference"]) == {}


def test_the_leaver_keeps_its_own_points(graded):
    """Are the leaver's own functions graded normally (its attack failed quietly, its temporary files went to its own directory)?"""
    results, _, _ = graded
    assert points_lost(results["leaver"]) == {}


def test_nothing_is_left_on_disk(graded):
    """Is no mark left in /tmp, nor any scratch directory in the grader's temporary directory?"""
    _, leftovers, place = graded
    assert leftovers == set()
    assert not any(Path(directory, MARK).exists() for directory in ("/tmp", "/var/tmp", "/dev/shm", place))
