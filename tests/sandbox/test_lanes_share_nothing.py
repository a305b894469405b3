"""Lanes share no mutable state: what one lane's student process or checks do never reaches another lane.

A submission is graded in lanes: student processes, each with a thread of the grader running
test cells against it (``autograder.grading.isolated.run_test_cells``). Every state those threads
could share is looked at here, one test each: the warnings a student process reports (replayed
into the call that owns them, never through the process-wide ``warnings`` module), the purity
log, numpy's error state, the self-check tally, the cached known answers and property examples,
and matplotlib (never loaded into the grader). A submission whose
functions warn on every call is graded in two lanes right before an honest one, which keeps
its full score; the scratch directories of the lanes are in ``tests/sandbox/test_scratch_inodes.py``.
"""

import contextvars
import copy
import importlib
import subprocess
import sys
import threading
import warnings

import nbformat
import numpy as np
import pytest

from autograder import self_check
from autograder.calls import call_warnings
from autograder.calls.changes import Modification
from autograder.calls.check_run import check_run, record
from autograder.checking import known_answers
from autograder.checking import property as properties
from autograder.checking.case import Case, CheckFailed, call
from autograder.checking.running import run_cases
from autograder.grading.isolated import grade_submission
from autograder.instructor.nbgrader_pipeline import REPOSITORY
from autograder.instructor.submissions import demo_answers, with_answers
from autograder.results import CaseResult

WAIT = 60.0
"""Seconds a thread waits for the other before the test fails (never reached when the code is right)."""

WARNS_IN_EVERY_CALL = {
    # Overflows for large negative inputs: the sigmoid's own no-warning cases fail.
    "sigmoid": """
import warnings

def sigmoid(x):
    warnings.warn("sigmoid was called", UserWarning)
    return 1.0 / (1.0 + np.exp(-x))
""",
    # Right and quiet, with the stable formula of its own: it must keep every point in any lane.
    "activation_derivative": """
def activation_derivative(a, activation):
    if activation == "tanh":
        return 1.0 - np.tanh(a) ** 2
    if activation == "sigmoid":
        z = np.exp(-np.abs(a))
        return z / (1.0 + z) ** 2
    if activation == "relu":
        return (a > 0).astype(np.float64)
    raise ValueError(f"unknown activation {activation!r}")
""",
}
"""Answers replacing the reference's: every call of sigmoid warns, twice for large inputs."""

NOISY_CLIPPING = """
import warnings

def clip_by_norm(grad, max_norm):
    warnings.warn("clip_by_norm was called", RuntimeWarning)
    if not max_norm > 0:
        raise ValueError("max_norm must be positive")
    norm = np.linalg.norm(grad)
    return grad * (max_norm / norm) if norm > max_norm else grad.copy()
"""
"""A right clip_by_norm that warns on every call (its checks allow warnings): replays in the lane beside."""


def in_a_lane(function, *args):
    """``function(*args)`` run in a thread of its own, in a copy of this context where student code runs elsewhere."""
    outcome: dict = {}

    def run():
        with call_warnings.student_code_elsewhere():
            try:
                outcome["value"] = function(*args)
            except BaseException as error:  # noqa: BLE001 - handed to the test
                outcome["error"] = error

    thread = threading.Thread(target=contextvars.copy_context().run, args=(run,))
    thread.start()
    return thread, outcome


def finished(thread: threading.Thread, outcome: dict):
    thread.join(WAIT)
    assert not thread.is_alive()
    return outcome


def test_a_warning_replayed_in_one_lane_never_reaches_the_call_of_another():
    """While lane A's call is open, does a warning replayed in lane B fail B's call and leave A's alone?

    The order is forced: B's call starts, then A's, then B's student process reports its warning.
    With ``warnings.catch_warnings`` in both calls, the warning would be recorded by A (whose
    capture started last) and lost to B.
    """
    b_inside, a_inside, b_replayed = threading.Event(), threading.Event(), threading.Event()

    def quiet_in_lane_a():
        a_inside.set()
        assert b_replayed.wait(WAIT)
        return "quiet"

    def warns_in_lane_b():
        b_inside.set()
        assert a_inside.wait(WAIT)
        call_warnings.replay(RuntimeWarning, "overflow encountered in exp")
        b_replayed.set()
        return "loud"

    b = in_a_lane(lambda: call(warns_in_lane_b, name="sigmoid", allow_warnings=False))
    assert b_inside.wait(WAIT)
    a = in_a_lane(lambda: call(quiet_in_lane_a, name="activation_derivative", allow_warnings=False))
    assert finished(*a) == {"value": "quiet"}
    failure = finished(*b)["error"]
    assert isinstance(failure, CheckFailed)
    assert str(failure) == "sigmoid emitted RuntimeWarning: overflow encountered in exp"


def test_checks_in_lanes_never_change_the_warnings_module(monkeypatch):
    """Do the calls and cases of a lane leave the process-wide warnings filters and hook alone?"""
    entered = []
    original = warnings.catch_warnings

    class Watched(original):
        def __enter__(self):
            entered.append(threading.current_thread().name)
            return super().__enter__()

    monkeypatch.setattr(warnings, "catch_warnings", Watched)

    def quiet() -> None:
        call(lambda: 1, name="f", allow_warnings=False)

    def cases():
        return run_cases("f", [Case("quiet", 1.0, quiet)])

    thread, outcome = in_a_lane(cases)
    assert finished(thread, outcome)["value"][0].passed
    assert entered == []


def test_the_purity_log_of_one_lane_never_holds_another_lanes_changes():
    """Is a change recorded in lane A's check run absent from the run lane B has open at the same moment?"""
    b_open, a_recorded = threading.Event(), threading.Event()
    change = Modification("rnn_step_forward", "x", "[0, 0]", "array", "1.0 -> 0.0")

    def lane_a():
        assert b_open.wait(WAIT)
        with check_run() as log:
            record(change)
            a_recorded.set()
            return list(log.modifications)

    def lane_b():
        with check_run() as log:
            b_open.set()
            assert a_recorded.wait(WAIT)
            return list(log.modifications)

    a, b = in_a_lane(lane_a), in_a_lane(lane_b)
    assert finished(*a)["value"] == [change]
    assert finished(*b)["value"] == []


def test_numpy_error_state_set_in_one_lane_is_not_seen_in_another():
    """While lane A runs under np.errstate(all="raise"), does lane B still see numpy's defaults?"""
    a_raising, b_done = threading.Event(), threading.Event()
    defaults = np.geterr()

    def lane_a():
        with np.errstate(all="raise"):
            a_raising.set()
            assert b_done.wait(WAIT)
            return np.geterr()

    def lane_b():
        assert a_raising.wait(WAIT)
        seen = np.geterr()
        b_done.set()
        return seen

    a, b = in_a_lane(lane_a), in_a_lane(lane_b)
    assert set(finished(*a)["value"].values()) == {"raise"}
    assert finished(*b)["value"] == defaults != {key: "raise" for key in defaults}


def test_each_lane_tallies_its_own_checks_and_the_process_tally_is_untouched(monkeypatch):
    """Does a check reported in lane A land in A's tally only, neither in lane B's nor in the notebook's?"""
    monkeypatch.setattr(self_check, "_latest", {})
    a_reported, b_read = threading.Event(), threading.Event()
    result = CaseResult("sigmoid", "values", 1.0, 1.0, "")

    def lane_a():
        with self_check.separate_tally() as tally:
            self_check.record([result])
            a_reported.set()
            assert b_read.wait(WAIT)
            return dict(tally)

    def lane_b():
        with self_check.separate_tally() as tally:
            assert a_reported.wait(WAIT)
            seen = (dict(tally), self_check.public_score_line())
            b_read.set()
            return seen

    a, b = in_a_lane(lane_a), in_a_lane(lane_b)
    assert finished(*a)["value"] == {("sigmoid", False): (result,)}
    assert finished(*b)["value"] == ({}, self_check.NOTHING_RUN_YET)
    assert self_check._latest == {}


def test_the_known_answers_every_lane_reads_cannot_be_changed():
    """Are the cached known answers read-only, and each check's examples copies it may change?"""
    cached = known_answers.load("rnn")
    for values in cached.values():
        for array in values.values():
            assert not array.flags.writeable
    example = known_answers.examples_of("rnn", "sigmoid")["values"]
    example["x"][...] = 0.0
    assert np.any(known_answers.load("rnn")["sigmoid/values"]["x"] != 0.0)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The warning submission in one lane and in two, then the reference in two, in this one grading process."""
    root = tmp_path_factory.mktemp("lanes-share-nothing")
    source = nbformat.read(REPOSITORY / "solutions" / "rnn" / "rnn.ipynb", as_version=4)
    release = nbformat.read(REPOSITORY / "assignments" / "rnn" / "rnn.ipynb", as_version=4)
    reference = demo_answers("rnn", source)["reference"]
    noisy = {**reference, **WARNS_IN_EVERY_CALL, "clip_by_norm": NOISY_CLIPPING}
    paths = {}
    for name, answers in (("noisy", noisy), ("reference", reference)):
        paths[name] = root / f"{name}.ipynb"
        nbformat.write(with_answers(release, answers), paths[name])
    importlib.import_module("autograder.checks.rnn")
    properties.draw_declared()
    drawn_before = copy.deepcopy([examples.drawn() for examples in properties.DECLARED])
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        results = {
            "noisy in one lane": grade_submission(paths["noisy"], assignment="rnn", seed=2013, lanes=1),
            "noisy in two lanes": grade_submission(paths["noisy"], assignment="rnn", seed=2013, lanes=2),
            "reference in two lanes": grade_submission(
                paths["reference"], assignment="rnn", seed=2013, lanes=2
            ),
        }
    drawn_after = [examples.drawn() for examples in properties.DECLARED]
    return results, [str(w.message) for w in seen], same(drawn_before, drawn_after)


def same(a, b) -> bool:
    """Whether two nests of tuples, lists, dicts and arrays hold equal values."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.array_equal(a, b, equal_nan=True)
        )
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def points_of(result) -> dict[str, float]:
    points: dict[str, float] = {}
    for test in result.tests:
        points[test.function] = points.get(test.function, 0.0) + test.score
    return points


def test_a_submission_warning_in_every_call_gets_the_same_grade_in_two_lanes_as_in_one(graded):
    """Graded in two lanes, does the warning submission get every test of one lane, activation_derivative in full?"""
    results, _, _ = graded
    one, two = results["noisy in one lane"], results["noisy in two lanes"]
    assert [(t.name, t.score, t.output) for t in two.tests] == [
        (t.name, t.score, t.output) for t in one.tests
    ]
    derivative = [t for t in two.tests if t.function == "activation_derivative"]
    assert derivative and all(t.score == t.max_score for t in derivative), derivative
    assert "sigmoid emitted UserWarning: sigmoid was called" in "\n".join(
        t.output for t in two.tests if t.function == "sigmoid"
    )
    assert points_of(two)["clip_by_norm"] == 2.0  # all of its points


def test_the_honest_submission_graded_next_keeps_its_full_score(graded):
    """After the warning submission's two lanes, does the reference earn 40/40, with no warning reaching the test?"""
    results, seen, _ = graded
    assert results["reference in two lanes"].score == 40.0
    assert results["reference in two lanes"].notes == ()
    assert not [message for message in seen if "was called" in message or "overflow" in message]


def test_the_property_examples_every_lane_replays_are_unchanged_by_grading(graded):
    """Are the examples Hypothesis drew once per process, which both lanes replay, the same after three gradings?"""
    _, _, unchanged = graded
    assert unchanged


def test_grading_in_lanes_never_loads_pyplot_in_the_grader(tmp_path):
    """Does a grading in two lanes leave matplotlib's pyplot, and its figures, out of the grader's process?"""
    source = nbformat.read(REPOSITORY / "solutions" / "rnn" / "rnn.ipynb", as_version=4)
    release = nbformat.read(REPOSITORY / "assignments" / "rnn" / "rnn.ipynb", as_version=4)
    notebook = tmp_path / "rnn.ipynb"
    nbformat.write(with_answers(release, demo_answers("rnn", source)["reference"]), notebook)
    code = (
        "import sys\n"
        "from autograder.grading.isolated import grade_submission\n"
        f"result = grade_submission({str(notebook)!r}, assignment='rnn', seed=2013, lanes=2)\n"
        "print(result.score, 'matplotlib.pyplot' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert done.stdout.split() == ["40.0", "False"], done.stderr[-2000:]
