"""Comparison messages follow numpy's layout and name the function, the output and the mistake."""

import numpy as np
import pytest

from autograder.checking.case import CheckFailed
from autograder.checking.compare import assert_close, check_array, describe_difference


def message_of(actual, desired, **kwargs) -> str:
    with pytest.raises(CheckFailed) as failure:
        assert_close(actual, desired, function="rnn_backward", output="dWh", **kwargs)
    return str(failure.value)


def test_equal_arrays_pass_silently():
    """Does a match within tolerance raise nothing?"""
    assert_close(np.ones((2, 2)) + 1e-12, np.ones((2, 2)), function="f", output="y")


def test_message_names_function_output_worst_index_and_errors():
    """Does a mismatch report which function and output, how many differ, the worst index, and the errors?"""
    desired = np.arange(6.0).reshape(2, 3)
    actual = desired.copy()
    actual[1, 2] += 0.5
    message = message_of(actual, desired)
    assert message.startswith("rnn_backward: dWh is wrong.")
    assert "Mismatched elements: 1 / 6" in message
    assert "Worst at index (1, 2): ACTUAL 5.5, DESIRED 5" in message
    assert "Max absolute difference: 0.5" in message
    assert "Max relative difference: 0.1" in message


def test_shape_mismatch_is_reported_before_values():
    """Is a wrong shape reported as such, with a hint when the batch was not summed?"""
    message = message_of(np.ones((4, 3)), np.ones(3))
    assert "has shape (4, 3), expected (3,)" in message
    assert "sum over the batch" in message


def test_transposed_shape_is_recognised():
    """Is a transposed result recognised from its shape?"""
    assert "transposed" in message_of(np.ones((3, 2)), np.ones((2, 3)))


@pytest.mark.parametrize(
    ("actual", "expected_text"),
    [
        ([1.0, 2.0], "it is a list"),
        (np.array(["1", "2"]), "dtype <U1, expected float64"),
        (np.array([np.nan, 1.0]), "non-finite values"),
        (None, "it is a NoneType"),
    ],
)
def test_wrong_types_and_non_finite_values_get_a_clear_message(actual, expected_text):
    """Are lists, string arrays, None and NaN each named for what they are?"""
    with pytest.raises(CheckFailed, match=expected_text):
        check_array(actual, function="f", output="y", shape=(2,))


@pytest.mark.parametrize(
    ("transform", "expected_text"),
    [
        (lambda d: -d, "wrong sign"),
        (lambda d: d.T, "transpose"),
        (lambda d: 2 * d, "times 2"),
        (lambda d: 0 * d, "all zero"),
    ],
)
def test_recognisable_differences_are_named(transform, expected_text):
    """Are sign flips, transposes, missing factors and all-zero results described?"""
    desired = np.array([[1.0, 2.0], [3.0, 5.0]])
    assert expected_text in describe_difference(transform(desired), desired)


def test_hint_is_appended():
    """Does the caller's hint reach the student?"""
    assert "Hint: sum over t" in message_of(np.zeros(2) + 1, np.zeros(2) + 2, hint="sum over t")


def test_worst_index_is_a_violation_shown_with_enough_digits_to_differ():
    """When only a tiny value misses a tight rtol, is that value shown, with the digits that differ?"""
    desired = np.array([0.87349064, 7.36332692498e-08])
    actual = np.array([0.87349064 + 1e-16, 7.36332692597e-08])
    message = message_of(actual, desired, rtol=1e-10, atol=1e-300)
    assert "Worst at index (1,): ACTUAL 7.36332692597e-08, DESIRED 7.36332692498e-08" in message
    assert "Max absolute difference: 9.9e-18" in message


def test_axes_in_the_wrong_order_are_recognised():
    """Is a time-major (T, N, H) array reported as batch-first axes in the wrong order?"""
    with pytest.raises(CheckFailed, match="right axes in the wrong order"):
        check_array(np.zeros((4, 2, 3)), function="rnn_forward", output="h", shape=(2, 4, 3))


@pytest.mark.parametrize("size", [1, 2])
def test_a_factor_is_not_named_on_too_few_entries(size):
    """On one or two entries, where any wrong value fits some factor, is no missing factor claimed?"""
    desired = np.arange(1.0, size + 1)
    assert describe_difference(desired * 0.997, desired) == ""
    assert "factor" in describe_difference(np.arange(1.0, 4.0) * 0.997, np.arange(1.0, 4.0))


def test_a_hidden_case_names_the_worst_index_and_the_students_value_but_no_expected_value():
    """Hidden inputs can be rebuilt by the student; expected values (or distances to them) would give away the reference."""
    from autograder.checking.case import Case
    from autograder.checking.running import run_cases

    def wrong():
        assert_close(np.array([1.0, 2.0, 3.5]), np.array([1.0, 2.0, 3.0]), function="f", output="y")

    public, hidden = (run_cases("f", [Case("values", 1, wrong)], hidden=h)[0].message for h in (False, True))
    assert "DESIRED 3" in public and "Max absolute difference: 0.5" in public
    assert "Worst at index (2,): ACTUAL 3.5" in hidden and "expected values are not shown" in hidden
    assert "DESIRED" not in hidden and "difference:" not in hidden and "3.0" not in hidden


@pytest.mark.parametrize(
    ("actual", "shape", "slip"),
    [
        (np.array([[1.0, 2.0]]), (2,), ("(1, 2)", "(2,)", "shape")),
        (np.array([1.0, 2.0]), (1, 2), ("(2,)", "(1, 2)", "shape")),
        (np.array([[1.0], [2.0]]), (2,), ("(2, 1)", "(2,)", "shape")),
        (np.array([1, 2]), (2,), ("int64", "float64", "dtype")),
        (np.array([True, False]), (2,), ("bool", "float64", "dtype")),
    ],
)
def test_equivalent_shapes_and_integer_types_are_judged_by_their_values_and_logged(actual, shape, slip):
    """Are an axis of size 1 too many or too few, and integers or booleans, reshaped to floats and logged as a slip?"""
    from autograder.calls.check_run import check_run

    with check_run("f") as log:
        got = check_array(actual, function="f", output="y", shape=shape)
    assert got.shape == shape and got.dtype == np.float64
    np.testing.assert_array_equal(got.ravel(), np.asarray(actual, dtype=float).ravel())
    assert [(s.got, s.expected, s.kind) for s in log.own_slips("f")] == [slip]


def test_shapes_with_other_sizes_are_not_equivalent():
    """Does an array with other sizes than the documented shape still fail, naming both shapes?"""
    with pytest.raises(CheckFailed, match=r"has shape \(2, 2\), expected \(4,\)"):
        check_array(np.ones((2, 2)), function="f", output="y", shape=(4,))
