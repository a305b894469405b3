"""Unfinished or broken code scores zero without breaking the notebook.

nbgrader's release stub raises NotImplementedError; other students return nothing, the wrong
type or shape, NaN or integers, print to stderr, warn, or exit. Every check must turn each of
these into points (zero where the function gives no right answer) and messages on stdout, write
nothing to stderr (nbgrader scores any stderr output in a test cell as zero) and raise nothing.
"""

import sys
import warnings

import numpy as np
import pytest
from support.course_tables import RNN_CHECKS
from support.rnn_grading import full_marks, run_check

from autograder.checking import running
from autograder.checking.purity_case import PURITY_CASE
from autograder.checking.shape_case import SHAPE_CASE, SHAPE_POINTS

CHECKS = sorted(RNN_CHECKS)
FORWARDS = {"rnn_step_forward", "rnn_forward"}
"""Functions whose first output is graded and whose second is the cache."""


def stub(*args, **kwargs):
    raise NotImplementedError()


def graded_function(check: str) -> str:
    """The student function a check grades (the first it takes)."""
    return RNN_CHECKS[check][0][0]


def grade_quietly(check, reference, replacements, capsys, *, hidden):
    """Grade, and return the score and stdout after making sure nothing reached stderr."""
    score = run_check(check, reference, replacements, hidden=hidden)
    out, err = capsys.readouterr()
    assert err == ""
    return score, out


@pytest.mark.parametrize("hidden", [False, True], ids=["public", "hidden"])
@pytest.mark.parametrize("check", CHECKS)
def test_release_stub_scores_zero_and_says_not_implemented(check, hidden, reference, capsys):
    """Does the release stub score exactly 0.0, with every failed case saying 'not implemented yet'?"""
    score, out = grade_quietly(check, reference, {graded_function(check): stub}, capsys, hidden=hidden)
    assert score == 0.0
    assert out.count("✗") == out.count("not implemented yet") > 0, out


@pytest.mark.parametrize("hidden", [False, True], ids=["public", "hidden"])
@pytest.mark.parametrize("check", CHECKS)
def test_a_name_that_holds_no_function_scores_zero_in_one_line(check, hidden, reference, capsys, monkeypatch):
    """With the graded name bound to an array (``rnn_forward = rnn_forward(...)`` run twice), is the check
    worth 0.0, said once, and is the student's code called no more than for the first case?"""
    runs, settled = [], running.settle
    monkeypatch.setattr(running, "settle", lambda case, function: runs.append(case.name) or settled(case, function))
    score, out = grade_quietly(check, reference, {graded_function(check): np.zeros(3)}, capsys, hidden=hidden)
    assert score == 0.0
    assert out.count("✗") == 1 and "✗ not a function" in out, out
    assert f"{graded_function(check)} is not a function: the name holds array([0., 0., 0.])" in out
    assert len(runs) == 1


class Hostile:
    """What a student's name can hold: an object whose repr raises, or runs to ten million characters."""

    def __init__(self, raises: bool):
        self.raises = raises

    def __repr__(self):
        if self.raises:
            raise RuntimeError("no repr for you")
        return "x" * 10_000_000


@pytest.mark.parametrize("raises", [True, False], ids=["repr raises", "repr of 10 MB"])
def test_a_name_holding_a_hostile_object_is_told_in_one_short_line(raises, reference, capsys):
    """Does a name bound to an object with a raising or huge repr score 0.0, said in one line of bounded length?"""
    score, out = grade_quietly("rnn_forward", reference, {"rnn_forward": Hostile(raises)}, capsys, hidden=False)
    assert score == 0.0
    assert out.count("✗") == 1 and "rnn_forward is not a function: the name holds" in out
    assert max(len(line) for line in out.splitlines()) < 400


@pytest.mark.parametrize("check", [c for c in CHECKS if len(RNN_CHECKS[c][0]) > 1])
def test_stubs_for_the_forward_pass_too_score_zero(check, reference, capsys):
    """With the forward pass a stub as well (a fresh notebook), is a backward check worth 0.0?"""
    replacements = dict.fromkeys(RNN_CHECKS[check][0], stub)
    for hidden in (False, True):
        score, out = grade_quietly(check, reference, replacements, capsys, hidden=hidden)
        assert score == 0.0
        assert "not implemented yet" in out


def _map_outputs(result, check: str, change):
    """Apply ``change`` to every graded array or float in a function's result; leave caches alone."""
    if check in FORWARDS:
        return (change(result[0]), result[1])
    if isinstance(result, tuple):
        return tuple(_map_outputs(item, "", change) for item in result)
    if isinstance(result, dict):
        return {key: change(value) for key, value in result.items()}
    return change(result)


def _nan(value):
    return np.full_like(np.asarray(value, dtype=np.float64), np.nan)[()]


def _integers(value):
    """Wrong values as integers: ten times the right ones, rounded (a right value in an integer type is a slip)."""
    return np.round(10 * value).astype(int) if isinstance(value, np.ndarray) else round(10 * value)


def _extra_axis(value):
    return np.asarray(value)[..., None]


def _as_list(value):
    return np.asarray(value).tolist()


WRONG_RETURNS = {
    "None": (lambda result: None, "NoneType|should return a"),
    "a list": (_as_list, "it is a list|should be a float, got list"),
    "NaN": (_nan, "non-finite|nan"),
    "wrong integers": (_integers, "came back as int|should be a float, got int"),
}
"""How each wrong return value is made from the right one, and what the message must say."""

WRONG_RETURN_CHECKS = [
    "sigmoid",
    "rnn_step_forward",
    "rnn_step_backward",
    "clip_by_value",
    "clip_by_global_norm",
]
"""One check per kind of return value: an array, (output, cache), a tuple of gradients, a dict, (dict, float)."""


@pytest.mark.parametrize("kind", list(WRONG_RETURNS))
@pytest.mark.parametrize("check", WRONG_RETURN_CHECKS)
def test_wrong_return_values_fail_every_case_that_looks_at_them(check, kind, reference, capsys):
    """Does None, a list, NaN or wrong integers fail every case that looks at the values, by name?"""
    name = graded_function(check)
    right = getattr(reference, name)
    make, says = WRONG_RETURNS[kind]

    def wrong(*args, **kwargs):
        result = right(*args, **kwargs)
        return None if kind == "None" else _map_outputs(result, check, make)

    for hidden in (False, True):
        score, out = grade_quietly(check, reference, {name: wrong}, capsys, hidden=hidden)
        assert score < full_marks(check, hidden=hidden)
        passed = [line for line in out.splitlines() if "✓" in line]
        assert all("ValueError" in line or "left unchanged" in line for line in passed), out
        if kind != "wrong integers" or not hidden:  # the type is the public shape case's to name
            assert any(text in out for text in says.split("|")), out


@pytest.mark.parametrize("check", WRONG_RETURN_CHECKS)
def test_right_values_with_an_extra_axis_of_size_1_lose_only_the_shape_case(check, reference, capsys):
    """Does a function whose outputs carry an extra axis of size 1 lose the shape case only, told which shape?"""
    name = graded_function(check)
    right = getattr(reference, name)

    def with_extra_axis(*args, **kwargs):
        return _map_outputs(right(*args, **kwargs), check, _extra_axis)

    public, out = grade_quietly(check, reference, {name: with_extra_axis}, capsys, hidden=False)
    hidden, _ = grade_quietly(check, reference, {name: with_extra_axis}, capsys, hidden=True)
    if check == "clip_by_global_norm":  # its global norm is a float: an array of shape (1,) is a wrong type
        assert public < full_marks(check, hidden=False)
        return
    assert (public, hidden) == (
        round(full_marks(check, hidden=False) - SHAPE_POINTS, 6),
        full_marks(check, hidden=True),
    ), out
    assert [line.strip() for line in out.splitlines() if "✗" in line] == [
        f"✗ {SHAPE_CASE} [0/{SHAPE_POINTS:g}]"
    ], out
    assert "where (" in out and "is documented" in out and "drop the extra axis of size 1" in out, out


def test_output_on_stderr_and_stdout_and_warnings_are_swallowed(reference, capsys):
    """Does a correct function that prints to stdout and stderr and warns still earn full marks, silently?"""

    def noisy(grads, max_norm):
        print("student debug output")
        print("student error output", file=sys.stderr)
        warnings.warn("student warning", stacklevel=1)
        return reference.clip_by_global_norm(grads, max_norm)

    for hidden in (False, True):
        score, out = grade_quietly(
            "clip_by_global_norm", reference, {"clip_by_global_norm": noisy}, capsys, hidden=hidden
        )
        assert score == full_marks("clip_by_global_norm", hidden=hidden)
        assert "student" not in out


def test_a_warning_where_none_is_allowed_fails_that_case_and_never_reaches_stderr(reference, capsys):
    """Does a sigmoid that warns lose the no-warning case, with the warning named on stdout only?"""

    def warning_sigmoid(x):
        warnings.warn("numerical trouble", RuntimeWarning, stacklevel=1)
        return reference.sigmoid(x)

    score, out = grade_quietly("sigmoid", reference, {"sigmoid": warning_sigmoid}, capsys, hidden=False)
    assert score == round(full_marks("sigmoid", hidden=False) - 0.45, 6)  # the no-warning case
    assert "sigmoid emitted RuntimeWarning: numerical trouble" in out


class StudentError(Exception):
    """An error class a student defined."""


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (StudentError("my own error"), "raised StudentError: my own error"),
        (ZeroDivisionError("division by zero"), "raised ZeroDivisionError: division by zero"),
        (RecursionError("maximum recursion depth exceeded"), "raised RecursionError"),
        (SystemExit(1), "tried to exit the interpreter"),
    ],
    ids=["Exception subclass", "ZeroDivisionError", "RecursionError", "SystemExit"],
)
def test_errors_and_exit_become_messages(error, says, reference, capsys):
    """Do any Exception, and SystemExit (exit(), sys.exit()), become a failed case that says what happened?

    The purity and shape cases, which count only once a case on fresh inputs earns points, say so instead.
    """

    def raises(*args, **kwargs):
        raise error

    for hidden in (False, True):
        score, out = grade_quietly("rnn_backward", reference, {"rnn_backward": raises}, capsys, hidden=hidden)
        assert score == 0.0
        not_counted = out.count(f"✗ {PURITY_CASE}") + out.count(f"✗ {SHAPE_CASE}")
        assert not_counted == (0 if hidden else 2)
        assert out.count("✗") - not_counted == out.count(says) > 0, out
        assert "in raises, line" in out


def test_keyboard_interrupt_stops_the_check(reference, capsys):
    """Does Ctrl-C (or nbgrader's cell timeout) stop grading instead of being graded as a failure?"""

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_check("sigmoid", reference, {"sigmoid": interrupted}, hidden=False)
    assert capsys.readouterr().err == ""
