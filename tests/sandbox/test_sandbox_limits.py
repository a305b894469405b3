"""Limits the grader enforces on a sandbox, whatever the student process does to itself."""

import gc
import os
import sys
import warnings

import numpy as np
import pytest

from autograder.checking.case import SandboxFailure
from autograder.sandbox.fork_server import MAX_SERVERS, ForkServer, fork_server
from autograder.sandbox.process import Cell, Limits, Sandbox
from autograder.sandbox.scratch import ScratchOverflow, check_scratch, make_scratch, remove_scratch
from autograder.text_safety import clipped, safe_text


def test_a_submission_that_uses_up_its_time_fails_its_later_calls():
    """When the calls of a submission add up to more than its time budget, do the later calls fail at once, saying why?"""
    source = "import time\ndef slow():\n    time.sleep(0.5)\n    return 1\ndef quick():\n    return 2\n"
    limits = Limits(seconds_per_call=10.0, seconds_per_submission=4.0)
    with Sandbox([Cell("answers", source)], limits=limits) as sandbox:
        outcomes = []
        for _ in range(30):
            try:
                outcomes.append(sandbox.call("slow", (), {}))
            except SandboxFailure as failure:
                outcomes.append(failure.description)
        with pytest.raises(SandboxFailure, match="used up the 4 s"):
            sandbox.call("quick", (), {})
    assert 1 <= outcomes.count(1) < 8
    assert "used up the 4 s its code may take in all" in outcomes[-1]


def test_a_flood_of_warnings_reaches_the_checks_as_at_most_max_warnings_and_a_count():
    """Does a call that emits 50,000 warnings cost the grader only ``max_warnings`` replays and a line counting the rest?"""
    source = "import warnings\ndef noisy():\n    for i in range(50_000):\n        warnings.warn(f'w{i}')\n    return 0\n"
    with Sandbox([Cell("answers", source)], limits=Limits(max_warnings=5)) as sandbox:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert sandbox.call("noisy", (), {}) == 0
    replayed = [
        str(w.message) for w in caught if w.category is UserWarning
    ]  # not the grader's own ResourceWarnings
    assert replayed == ["w0", "w1", "w2", "w3", "w4", "... and 49995 more warnings"]


def test_an_evicted_zygote_leaves_no_open_file_behind():
    """When a grading thread keeps more kinds of zygotes than it may, is the oldest closed for good, its log file too?"""
    made = []

    def make():
        made.append(
            ForkServer([sys.executable, "-c", "pass"], env={}, settings={}, preexec=None, seconds_to_start=1)
        )
        return made[-1]

    owner = object()  # an owner of its own: no other test's zygotes
    for kind in range(MAX_SERVERS + 1):
        fork_server(("kind", kind), make, owner=id(owner))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        evicted = made.pop(0)
        del evicted
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    for server in made:
        server.close()


def test_an_answer_larger_than_the_grader_accepts_costs_only_its_function():
    """Is an answer past ``max_message_bytes`` (the worker's own caps raised) refused, with other functions still served?"""
    source = (
        "import numpy as np\nimport autograder.sandbox.worker as worker\nworker.MAX_REQUEST_BYTES = 2**40\n"
        "def huge():\n    return np.zeros(2**20)\ndef small():\n    return 3\n"
    )
    with Sandbox([Cell("answers", source)], limits=Limits(max_message_bytes=2**20)) as sandbox:
        with pytest.raises(SandboxFailure, match="more than the 1048576 allowed"):
            sandbox.call("huge", (), {})
        assert sandbox.call("small", (), {}) == 3


def test_a_long_error_message_is_clipped_by_the_grader():
    """Does an error message of 5 MB (the worker's cap raised) reach the checks cut to a few thousand characters?"""
    source = (
        "import autograder.sandbox.worker as worker\nworker.MAX_MESSAGE_CHARACTERS = 10**9\n"
        "def loud():\n    raise ValueError('x' * 5_000_000)\n"
    )
    with Sandbox([Cell("answers", source)]) as sandbox:
        with pytest.raises(ValueError) as error:
            sandbox.call("loud", (), {})
    assert len(str(error.value)) <= 2000


def test_student_output_goes_to_no_file_in_the_scratch_directory():
    """Does the student's print() land somewhere no path leads to, not in a file of its own directory?"""
    source = "import os\ndef chatty():\n    print('hello', flush=True)\n    return sorted(os.listdir('.'))\n"
    with Sandbox([Cell("answers", source)]) as sandbox:
        assert not {"stdout.txt", "stderr.txt"} & set(sandbox.call("chatty", (), {}))
        assert "hello" in sandbox._output_tail()


def test_the_scratch_check_stops_at_the_limit(tmp_path):
    """Does counting a scratch directory raise ScratchOverflow past its file limit, and pass below it?"""
    scratch = make_scratch([])
    try:
        for i in range(20):
            (scratch / f"f{i}").write_text("x")
        check_scratch(scratch, max_bytes=2**20, max_files=20)
        (scratch / "one-more").write_text("x")
        with pytest.raises(ScratchOverflow, match="more than 20 files"):
            check_scratch(scratch, max_bytes=2**20, max_files=20)
    finally:
        remove_scratch(scratch)
    assert not scratch.exists()


def test_the_scratch_check_follows_no_link(tmp_path):
    """Does a link to a big directory outside count as one entry, not as what it points to?"""
    outside = tmp_path / "outside"
    outside.mkdir()
    for i in range(50):
        (outside / f"f{i}").write_text("x")
    scratch = make_scratch([])
    try:
        (scratch / "link").symlink_to(outside)
        check_scratch(scratch, max_bytes=2**20, max_files=5)
    finally:
        remove_scratch(scratch)
    assert len(list(outside.iterdir())) == 50


def test_an_unreadable_tree_is_removed(tmp_path):
    """Are directories the student made unreadable and unwritable removed with everything in them?"""
    scratch = make_scratch([])
    (scratch / "a" / "b").mkdir(parents=True)
    (scratch / "a" / "b" / "secret").write_text("x")
    os.chmod(scratch / "a" / "b", 0)
    os.chmod(scratch / "a", 0)
    remove_scratch(scratch)
    assert not scratch.exists()


def test_support_files_are_copied_read_only(tmp_path):
    """Are the assignment's support files in the scratch directory, read-only?"""
    support = tmp_path / "helpers.py"
    support.write_text("X = 1\n")
    scratch = make_scratch([support])
    try:
        assert (scratch / "helpers.py").read_text() == "X = 1\n"
        assert (scratch / "helpers.py").stat().st_mode & 0o222 == 0
    finally:
        remove_scratch(scratch)


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("bad \ud800 surrogate", "bad \ufffd surrogate"),
        ("\x1b[31mred\x1b[0m and \x1b]0;title\x07", "red and "),
        ("over\rwritten", "over\nwritten"),
        (
            "::error file=a.py::forged\n  ::set-output x",
            "\u2236:error file=a.py::forged\n  \u2236:set-output x",
        ),
        ("##[error]forged\n##vso[task.complete]x", "\u2236#[error]forged\n\u2236#vso[task.complete]x"),
        ("a\x00b\x7fc\x85d", "abc\nd"),
        ("tabs\tand\nnewlines stay: ✓ λ", "tabs\tand\nnewlines stay: ✓ λ"),
    ],
)
def test_safe_text_defuses_what_breaks_writers_terminals_and_ci(text, safe):
    """Is each kind of dangerous text (surrogates, escapes, carriage returns, CI commands, controls) made harmless, and plain text kept?"""
    assert safe_text(text) == safe
    safe_text(text).encode("utf-8")


def test_clipped_cuts_long_text_and_marks_the_cut():
    """Is a long text cut to the limit, with an ellipsis, and a non-string shown by its repr?"""
    assert clipped("x" * 50, 10) == "x" * 9 + "…"
    assert clipped("short", 10) == "short"
    assert clipped(np.float64(1.5), 10) == "np.float64(1.5)"[:9] + "…"
