"""The files of a scratch directory are bounded by the grader, with bubblewrap as without.

Empty files cost no bytes, so a tmpfs bounded in size alone can be filled with millions of them,
each pinning kernel memory. The grader bounds their number (``Limits.scratch_files``): under
bubblewrap it reads the inode count of the lane's own scratch tmpfs through a descriptor it holds
(``autograder.sandbox.scratch.check_tmpfs``); without, it counts the directory on disk. It checks
while it waits for an answer and after each one, so a call that creates files without end is
stopped for that, not for its time, and a call that returns after creating too many fails.
A submission doing both is graded in one batch with the reference, as root and unprivileged,
with bubblewrap and without; two lanes side by side each have a tmpfs of their own.
"""

import os

import pytest
from support.grader_runs import GRADERS, grade_as, hand_in, points_lost, reference_answers, result_of
from support.hostile_submissions import POINTS, Hostile, Outcome, replacing

from autograder.checking.case import SandboxFailure
from autograder.instructor.submissions import with_answers
from autograder.sandbox import bubblewrap as bubblewrap_module
from autograder.sandbox.process import Cell, Limits, Sandbox
from autograder.sandbox.scratch import ScratchOverflow, check_tmpfs

FILLS_ITS_SCRATCH_WITH_EMPTY_FILES = Hostile(
    "Is a scratch directory filled with empty files (no bytes, only inodes) stopped for its files, "
    "whether the call goes on creating them or returns after 5,000?",
    replacing(
        clip_by_value="""
        import itertools

        def clip_by_value(grads, clip_value):
            for i in itertools.count():
                open(f"v{i}", "w").close()
        """,
        clip_by_norm="""
        def clip_by_norm(grad, max_norm):
            for i in range(5000):
                open(f"n{i}", "w").close()
            norm = np.linalg.norm(grad)
            return grad * (max_norm / norm) if norm > max_norm else grad.copy()
        """,
    ),
    Outcome(
        {"clip_by_value": POINTS["clip_by_value"], "clip_by_norm": POINTS["clip_by_norm"]},
        {
            "clip_by_value": "it filled its scratch directory",
            "clip_by_norm": "it filled its scratch directory",
        },
    ),
)

SECONDS_PER_CALL = 20
"""Far longer than the grader takes to see a thousand files, so that no call is stopped for its time."""


@pytest.fixture(scope="module", params=list(GRADERS))
def graded(request, tmp_path_factory) -> dict:
    """The reference and the submission filling its scratch, graded in one batch by one grader."""
    place = tmp_path_factory.mktemp("inodes")
    reference, release = reference_answers()
    submissions = {
        "reference": with_answers(release, reference),
        "fills": with_answers(release, FILLS_ITS_SCRATCH_WITH_EMPTY_FILES.answers(reference, place)),
    }
    results = grade_as(
        GRADERS[request.param], hand_in(place, submissions), place / "results.json",
        options=("--seconds-per-call", str(SECONDS_PER_CALL)),
    )
    return {"setting": request.param, **dict(zip(submissions, results))}


def test_the_reference_keeps_full_marks_beside_the_submission_filling_its_scratch(graded):
    """Does the reference earn 40/40, with the scratch limits among its protections?"""
    assert graded["reference"]["score"] == 40
    assert "scratch limits" in graded["reference"]["protections"]
    assert ("bubblewrap" in graded["reference"]["protections"]) == (
        "without bubblewrap" not in graded["setting"]
    )


def test_filling_the_scratch_with_empty_files_costs_exactly_the_functions_that_do(graded):
    """Does each function that creates too many empty files lose its points, for its files and not for its time?"""
    result = result_of(graded["fills"])
    expected = FILLS_ITS_SCRATCH_WITH_EMPTY_FILES.expected
    assert points_lost(result) == expected.lost
    for function, text in expected.says.items():
        said = "\n".join(t.output for t in result.tests if t.function == function)
        assert text in said and "did not return within" not in said, said


@pytest.fixture(params=["bubblewrap", "Landlock alone"])
def confinement(request, monkeypatch) -> str:
    """Sandboxes started in this test use bubblewrap, or the fallback."""
    if request.param != "bubblewrap":
        monkeypatch.setenv(bubblewrap_module.DISABLE, "0")
    bubblewrap_module.bubblewrap.cache_clear()
    yield request.param
    bubblewrap_module.bubblewrap.cache_clear()


LANE_CODE = """
import os

def make(count, prefix):
    for i in range(count):
        open(f"{prefix}{i}", "w").close()
    return len(os.listdir("."))

def inodes_used():
    usage = os.statvfs(".")
    return usage.f_files - usage.f_ffree
"""


def test_each_lane_counts_its_own_files(confinement):
    """With two lanes side by side, do one lane's 900 files leave the other lane's count alone, and 200 more stop only the first?"""
    limits = Limits(scratch_files=1000)
    with (
        Sandbox([Cell("answers", LANE_CODE)], limits=limits, lane=0) as first,
        Sandbox([Cell("answers", LANE_CODE)], limits=limits, lane=1) as second,
    ):
        assert "scratch limits" in first.protections and "scratch limits" in second.protections
        before = second.call("make", (10, "b"), {})
        assert first.call("make", (900, "a"), {}) >= 900
        assert second.call("make", (10, "c"), {}) == before + 10
        if confinement == "bubblewrap":
            assert second.call("inodes_used", (), {}) < 100  # a tmpfs of its own
        with pytest.raises(Exception, match="filled its scratch directory"):
            first.call("make", (200, "d"), {})
        assert second.call("make", (10, "e"), {}) == before + 20


def test_a_tmpfs_past_its_files_is_an_overflow(tmp_path):
    """Does check_tmpfs read the inode count of the descriptor's file system and raise past the bound?"""
    descriptor = os.open(tmp_path, os.O_PATH | os.O_DIRECTORY)
    try:
        check_tmpfs(descriptor, max_files=2**62, max_bytes=2**20)
        with pytest.raises(ScratchOverflow, match="more than 0 files or 1 MiB"):
            check_tmpfs(descriptor, max_files=0, max_bytes=2**20)
    finally:
        os.close(descriptor)


def test_lanes_are_bounded_by_the_zygotes_number_of_scratch_tmpfs():
    """Is a lane the zygote's sandbox has no scratch tmpfs for refused?"""
    with pytest.raises(ValueError, match="lane must be between 0 and"):
        Sandbox([], lane=bubblewrap_module.SCRATCH_LANES)


@pytest.mark.parametrize("zygotes", ["1", "0"], ids=["forked from a zygote", "started afresh"])
def test_the_files_of_a_finished_call_are_counted_after_it_returns(confinement, zygotes, monkeypatch):
    """Does a call that returns right after creating too many files fail, saying so, and a fresh process serve the others?"""
    monkeypatch.setenv("AUTOGRADER_ZYGOTE", zygotes)
    with Sandbox([Cell("answers", LANE_CODE)], limits=Limits(scratch_files=100)) as sandbox:
        with pytest.raises(
            SandboxFailure, match="ended the process running your code .it filled its scratch directory"
        ):
            sandbox.call("make", (500, "x"), {})
        assert sandbox.generation == 1
        assert isinstance(sandbox.call("inodes_used", (), {}), int)
        assert sandbox.generation == 2
