"""Calling student code: every error, warning and side effect becomes a message, never a crash."""

import sys
import warnings

import numpy as np
import pytest

from autograder.calls.check_run import check_run
from autograder.checking.case import Case, CheckFailed, call, report, unpack
from autograder.checking.running import run_cases


def test_not_implemented_says_so():
    """Does a release stub produce 'not implemented yet' rather than a traceback?"""

    def stub(x):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented yet"):
        call(stub, 1, name="sigmoid")


def test_an_exception_names_its_type_and_the_students_line():
    """Does an error name its type, message, and the line of student code that raised it?"""

    def broken(x):
        return x @ np.ones((5, 5))

    with pytest.raises(CheckFailed) as failure:
        call(broken, np.ones((2, 3)), name="rnn_step_forward")
    message = str(failure.value)
    assert "rnn_step_forward raised ValueError" in message
    assert "in broken" in message and "x @ np.ones((5, 5))" in message


def test_modifying_an_argument_is_logged_not_failed_and_the_callers_value_is_kept():
    """Is an in-place change logged for the check run, with the call's result returned and the caller's dict intact?"""

    def in_place(grads, c):
        np.clip(grads["W"], -c, c, out=grads["W"])
        return grads

    grads = {"W": np.array([5.0, -5.0])}
    with check_run() as log:
        result = call(in_place, grads, 1.0, name="clip_by_value")
    np.testing.assert_array_equal(result["W"], [1.0, -1.0])
    np.testing.assert_array_equal(grads["W"], [5.0, -5.0])
    [modification] = log.own_modifications("clip_by_value")
    assert (modification.argument, modification.where, modification.kind) == ("grads", "grads['W']", "array")
    assert modification.change == "2 of 2 entries changed"


def test_warnings_fail_only_when_forbidden_and_never_escape(recwarn):
    """Is an overflow warning a failure when forbidden, silent otherwise, and never shown?"""

    def naive(x):
        return 1 / (1 + np.exp(-x))

    call(naive, np.array([-1000.0]), name="sigmoid")
    with pytest.raises(CheckFailed, match="overflow"):
        call(naive, np.array([-1000.0]), name="sigmoid", allow_warnings=False)
    assert len(recwarn) == 0


def test_unpack_explains_a_wrong_return_value():
    """Is a missing cache reported as a wrong return value?"""
    with pytest.raises(CheckFailed, match=r"should return a tuple \(next_h, cache\)"):
        unpack(np.ones(2), ("next_h", "cache"), function="rnn_step_forward")


def test_run_cases_survives_everything_and_keeps_stderr_clean(capsys):
    """Do failing cases, student prints to stderr and check bugs each become a result?"""

    def noisy():
        print("student output", file=sys.stderr)
        warnings.warn("a warning", stacklevel=1)

    def fails():
        raise CheckFailed("dWh is wrong")

    def check_bug():
        raise KeyError("oops")

    results = run_cases("f", [Case("noisy", 1, noisy), Case("fails", 2, fails), Case("bug", 1, check_bug)])
    assert [r.points for r in results] == [1.0, 0.0, 0.0]
    assert results[1].message == "dWh is wrong"
    assert "the check itself failed" in results[2].message
    assert report(results) == 1.0
    out, err = capsys.readouterr()
    assert err == ""
    assert "✓ noisy [1/1]" in out and "✗ fails [0/2]" in out and "dWh is wrong" in out
