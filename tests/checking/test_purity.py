"""Purity: student code works on copies; a changed argument costs the purity case only, is told
once with a fix for that kind of object, and is charged to the function that changed it.

Mirrors ``autograder/calls/changes.py`` (copies, comparison), ``autograder/calls/purity.py``
(calls on copies, monitoring of callees) and
``autograder/checking/purity_case.py`` (the case and its messages); the isolated path is at the end.
"""

import inspect

import numpy as np
import pytest
from support import buggy_lstm
from support import buggy_rnn as buggy
from support.rnn_grading import full_marks, run_check

from autograder.calls.changes import PurityError, first_change
from autograder.calls.check_run import check_run
from autograder.calls.purity import call_on_copies
from autograder.checking.case import CheckFailed, call
from autograder.checking.purity_case import PURITY_CASE, PURITY_POINTS
from autograder.checks import lstm as lstm_checks
from autograder.sandbox.answers import callee_modifications
from autograder.sandbox.process import Cell, Limits, Sandbox

STEP = {"rnn_step_forward": buggy.step_forward}
SEQUENCE = {"rnn_forward": buggy.sequence_forward}


def graded(check: str, reference, replacements: dict, capsys) -> tuple[float, float, str]:
    """The public and hidden scores of a check and everything it printed."""
    public = run_check(check, reference, replacements, hidden=False)
    hidden = run_check(check, reference, replacements, hidden=True)
    out, err = capsys.readouterr()
    assert err == ""
    return public, hidden, out


def test_scaling_dnext_h_in_place_loses_only_the_purity_case_with_a_one_line_fix(reference, capsys):
    """Does `dnext_h *= f'(a)` with right values lose exactly the purity case, told once how to fix it?"""
    replacements = {"rnn_step_backward": buggy.step_backward_scaling_dnext_h_in_place, **STEP}
    public, hidden, out = graded("rnn_step_backward", reference, replacements, capsys)
    assert (public, hidden) == (
        round(full_marks("rnn_step_backward", hidden=False) - PURITY_POINTS, 6),
        full_marks("rnn_step_backward", hidden=True),
    )
    assert out.count("modified its argument") == 1
    assert f"✗ {PURITY_CASE} [0/{PURITY_POINTS:g}]" in out
    assert "`dnext_h = dnext_h + ...` instead of `dnext_h += ...`" in out


def test_adding_into_dnext_c_loses_only_the_purity_case(capsys):
    """Does the CS231n idiom `dnext_c += ...` with right values lose exactly the purity case of lstm_step_backward?"""
    function, forward = buggy_lstm.step_backward_adding_into_dnext_c, buggy_lstm.step_forward
    assert lstm_checks.lstm_step_backward(function, forward) == round(3.4 - PURITY_POINTS, 6)
    assert lstm_checks.lstm_step_backward(function, forward, hidden=True) == 1.6
    out = capsys.readouterr().out
    assert out.count("modified its argument `dnext_c`") == 1
    assert "`dnext_c = dnext_c.copy()`" in out


def test_popping_a_dict_cache_is_told_about_dicts(reference, capsys):
    """Is `cache.pop(...)` on a dict cache named as a removed key, with a dict's fix and no array's?"""
    replacements = {"rnn_step_backward": buggy.step_backward_popping_its_cache, **STEP}
    public, hidden, out = graded("rnn_step_backward", reference, replacements, capsys)
    assert (public, hidden) == (
        round(full_marks("rnn_step_backward", hidden=False) - PURITY_POINTS, 6),
        full_marks("rnn_step_backward", hidden=True),
    )
    assert "(it is a dict; key 'a' removed (2 keys in all))" in out
    assert "start with `cache = dict(cache)`" in out
    assert ".copy()" not in out


@pytest.mark.parametrize(
    ("caller", "function", "callee", "argument"),
    [
        (
            "bptt_gradient_norms",
            buggy.gradient_norms_calling_rnn_step_backward,
            buggy.step_backward_scaling_dnext_h_in_place,
            "dnext_h",
        ),
        (
            "rnn_backward",
            buggy.sequence_backward_calling_rnn_step_backward,
            buggy.step_backward_popping_its_cache,
            "cache",
        ),
    ],
)
def test_a_callee_that_changes_its_arguments_is_blamed_not_its_caller(
    caller, function, callee, argument, reference, capsys, monkeypatch
):
    """When rnn_step_backward changes what its caller passed it, does the caller keep every point and say why?"""
    monkeypatch.setattr(buggy, "rnn_step_backward", callee)
    public, hidden, out = graded(caller, reference, {caller: function, **SEQUENCE}, capsys)
    assert (public, hidden) == (full_marks(caller, hidden=False), full_marks(caller, hidden=True)), out
    assert f"Note: rnn_step_backward modified its argument `{argument}` when {caller} called it" in out
    assert f"{caller} modified" not in out
    assert buggy.rnn_step_backward is callee


def test_a_cache_too_deep_to_copy_fails_the_call_instead_of_skipping_the_check(reference, capsys):
    """Is a cache nested deeper than deepcopy can go a failed call with a message, earning nothing?"""
    replacements = {
        "rnn_step_backward": buggy.step_backward_of_a_deeply_nested_cache,
        "rnn_step_forward": buggy.step_forward_with_a_deeply_nested_cache,
    }
    public, hidden, out = graded("rnn_step_backward", reference, replacements, capsys)
    assert (public, hidden) == (0.0, 0.0)
    assert (
        "rnn_step_backward: its argument `cache` could not be copied (it is nested more than 100 levels deep"
        in out
    )


def test_zeroing_the_upstream_gradient_and_the_cache_earns_nothing(reference, capsys):
    """Does a backward that zeroes what it is given, and returns zeros, fool neither the gradient check nor the reference?"""
    replacements = {"rnn_step_backward": buggy.step_backward_zeroing_its_inputs, **STEP}
    assert graded("rnn_step_backward", reference, replacements, capsys)[:2] == (0.0, 0.0)


def test_the_callers_arrays_are_never_handed_to_student_code():
    """Are the arrays a check passes left untouched by a function that writes into everything it gets?"""
    dnext_h = np.ones((2, 3))
    _, cache = buggy.step_forward(np.ones((2, 4)), np.ones((2, 3)), np.ones((4, 3)), np.eye(3), np.zeros(3))
    before = {key: np.copy(value) for key, value in cache.items()}
    call(buggy.step_backward_zeroing_its_inputs, dnext_h, cache, name="rnn_step_backward")
    np.testing.assert_array_equal(dnext_h, np.ones((2, 3)))
    for key, value in before.items():
        np.testing.assert_array_equal(cache[key], value)


def test_a_pure_function_with_wrong_values_does_not_earn_the_purity_case(reference, capsys):
    """Does a function that returns zeros (and so changes nothing) lose the purity case, saying why?"""

    def zeros(grads, clip_value):
        return {key: np.zeros_like(value) for key, value in grads.items()}

    run_check("clip_by_value", reference, {"clip_by_value": zeros}, hidden=False)
    out = capsys.readouterr().out
    assert f"✗ {PURITY_CASE} [0/{PURITY_POINTS:g}]" in out
    assert "not counted yet" in out


def test_an_argument_that_cannot_be_copied_fails_the_call():
    """Is an argument deepcopy refuses a failed call naming the argument, not a skipped check?"""
    with pytest.raises(CheckFailed, match=r"f: its argument `values` could not be copied \(TypeError"):
        call(lambda values: None, (n for n in range(3)), name="f")


def test_a_comparison_that_raises_fails_the_call():
    """Is an argument whose comparison raises a failed call with a message?"""

    class Key:
        def __hash__(self) -> int:
            return 0

        def __eq__(self, other) -> bool:
            raise RuntimeError("no comparing me")

    with pytest.raises(PurityError, match="its argument `d` could not be compared after the call"):
        call_on_copies(lambda d: None, ({Key(): 1.0},), {}, name="f")


def test_comparing_never_recurses_and_ends_on_cycles():
    """Are values nested 100 000 deep, and cyclic ones, compared without recursion?"""
    before, after = [np.zeros(2)], [np.ones(2)]
    for _ in range(100_000):
        before, after = [before], [after]
    where, kind, change = first_change(before, after, "cache")
    assert (kind, change) == ("array", "2 of 2 entries changed") and where.endswith("[0][0]")
    cyclic = {"x": np.array([np.nan])}
    cyclic["self"] = cyclic
    twin = {"x": np.array([np.nan])}
    twin["self"] = twin
    assert first_change(cyclic, twin, "cache") is None


def test_outside_a_check_run_a_change_is_not_an_error():
    """Can a student function be called outside any check (a notebook cell), its change simply unlogged?"""

    def scale(x):
        x *= 2
        return x

    x = np.ones(2)
    np.testing.assert_array_equal(call(scale, x, name="scale"), [2.0, 2.0])
    np.testing.assert_array_equal(x, [1.0, 1.0])


def test_the_monitored_names_are_put_back_even_when_the_caller_raises(monkeypatch):
    """After a caller that raised midway, is the module's rnn_step_backward the function it was?"""
    monkeypatch.setattr(buggy, "rnn_step_backward", buggy.step_backward_popping_its_cache)
    _, step_cache = buggy.step_forward(
        np.ones((1, 2)), np.ones((1, 3)), np.ones((2, 3)), np.eye(3), np.zeros(3)
    )
    with check_run(), pytest.raises(CheckFailed, match="AttributeError"):
        call(buggy.gradient_norms_calling_rnn_step_backward, np.ones((1, 3)), [None, step_cache], name="f")
    assert buggy.rnn_step_backward is buggy.step_backward_popping_its_cache


# --- isolated grading: the same rules when the student code runs in another process ------------

SOURCES = "import numpy as np\n" + "\n".join(
    inspect.getsource(function)
    for function in (
        buggy._logistic,
        buggy._activate,
        buggy._slope,
        buggy.step_forward,
        buggy.step_backward_scaling_dnext_h_in_place,
        buggy.gradient_norms_calling_rnn_step_backward,
    )
)
NOTEBOOK = SOURCES + (
    "\nrnn_step_forward = step_forward"
    "\nrnn_step_backward = step_backward_scaling_dnext_h_in_place"
    "\nbptt_gradient_norms = gradient_norms_calling_rnn_step_backward\n"
)


@pytest.fixture(scope="module")
def sandbox():
    """A process running a notebook whose rnn_step_backward scales dnext_h in place."""
    with Sandbox([Cell("answers", NOTEBOOK)], limits=Limits(seconds_per_call=5.0)) as running:
        yield running


def test_isolated_write_back_touches_only_the_calls_own_copies(sandbox):
    """Called through the sandbox, does an in-place change reach the call's copies (and the log), never the grader's array?"""
    _, cache = buggy.step_forward(np.ones((2, 4)), np.ones((2, 3)), np.ones((4, 3)), np.eye(3), np.zeros(3))
    dnext_h = np.ones((2, 3))
    sandbox.call("rnn_step_backward", (dnext_h, cache), {})
    np.testing.assert_array_equal(dnext_h, np.ones((2, 3)))
    with check_run() as log:
        call(sandbox.function("rnn_step_backward"), dnext_h, cache, name="rnn_step_backward")
    np.testing.assert_array_equal(dnext_h, np.ones((2, 3)))
    [modification] = log.own_modifications("rnn_step_backward")
    assert (modification.argument, modification.kind) == ("dnext_h", "array")


def test_isolated_callee_blame_is_reported_by_the_student_process(sandbox):
    """Does the student process report the callee's change, so the caller's note names it there too?"""
    _, cache = buggy.sequence_forward(
        np.ones((1, 3, 2)), np.ones((1, 3)), np.ones((2, 3)), np.eye(3), np.zeros(3)
    )
    with check_run() as log:
        call(sandbox.function("bptt_gradient_norms"), np.ones((1, 3)), cache, name="bptt_gradient_norms")
    assert log.own_modifications("bptt_gradient_norms") == []
    assert {(m.function, m.argument, m.caller) for m in log.callee_modifications()} == {
        ("rnn_step_backward", "dnext_h", "bptt_gradient_norms")
    }


def test_a_forged_callee_report_is_kept_to_known_names_and_kinds():
    """Are reports naming unknown functions or kinds dropped, and odd characters made harmless?"""
    reports = [
        ["rnn_step_backward", "dnext_h\x1b[2J", "dnext_h", "array", "1 of 1 entries changed", "rnn_backward"],
        ["os.system", "x", "x", "array", "", "rnn_backward"],
        ["rnn_step_backward", "x", "x", "set", "", "rnn_backward"],
        "not a report",
    ]
    [kept] = callee_modifications(reports, caller="rnn_backward")
    assert kept.argument == "dnext_h" and kept.caller == "rnn_backward"
