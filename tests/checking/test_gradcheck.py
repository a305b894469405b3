"""The numerical gradient checker is itself checked against derivatives known in closed form."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder.checking.gradcheck import central_difference, linear_loss, relative_error
from autograder.checking.strategies import float_arrays


def test_derivative_of_a_quadratic_form_is_exact_to_rounding():
    """Is d/dx (x^T A x) = (A + A^T) x recovered to nine digits?"""
    rng = np.random.default_rng(0)
    a, x = rng.normal(size=(4, 4)), rng.normal(size=4)
    numeric = central_difference(lambda v: float(v @ a @ v), x)
    np.testing.assert_allclose(numeric, (a + a.T) @ x, rtol=1e-9, atol=1e-9)


@given(float_arrays((3, 2), min_value=-2, max_value=2))
def test_derivative_of_sum_of_sines_is_cosine(x):
    """Is d/dx sum(sin(x)) = cos(x), entry by entry, for any x?"""
    np.testing.assert_allclose(
        central_difference(lambda v: float(np.sum(np.sin(v))), x), np.cos(x), atol=1e-9
    )


def test_central_difference_never_modifies_its_argument():
    """Does f always receive a copy, and x come back unchanged?"""
    x = np.arange(3.0)
    seen = []
    central_difference(lambda v: seen.append(v) or float(v.sum()), x)
    assert np.array_equal(x, np.arange(3.0))
    assert all(v is not x for v in seen)


def test_central_difference_error_is_second_order():
    """Does halving eps cut the error of exp'(1) by about four, as a centered difference should?"""
    x = np.array([1.0])
    errors = [
        abs(central_difference(lambda v: float(np.exp(v[0])), x, eps=eps)[0] - np.e) for eps in (1e-2, 5e-3)
    ]
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=0.01)


@given(st.floats(1e-6, 1e6), float_arrays((5,), min_value=-1, max_value=1))
def test_relative_error_is_scale_free_and_zero_for_equal_arrays(scale, a):
    """Is relative_error 0 for equal arrays and unchanged when both are scaled?"""
    assert relative_error(a, a) == 0.0
    b = a + 0.1
    assert relative_error(scale * a, scale * b) == pytest.approx(relative_error(a, b), rel=1e-9)


def test_relative_error_of_opposite_gradients_is_one():
    """Does a gradient with the wrong sign score the worst possible relative error, 1?"""
    g = np.array([1.0, -2.0, 3.0])
    assert relative_error(g, -g) == pytest.approx(1.0)


def test_linear_loss_has_the_upstream_gradient():
    """Is the gradient of <u, y> with respect to y exactly u (what backward passes assume)?"""
    u, y = np.array([[1.0, -2.0]]), np.array([[0.5, 0.25]])
    np.testing.assert_allclose(central_difference(lambda v: linear_loss((v,), (u,)), y), u, atol=1e-9)
