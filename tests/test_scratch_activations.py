"""Activations: values, derivatives against numerical gradients, numerical stability."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from rnnbook.scratch import (
    elu,
    elu_grad,
    leaky_relu,
    leaky_relu_grad,
    maxout,
    maxout_grad,
    numerical_gradient,
    relative_error,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    tanh,
    tanh_grad,
)

ELEMENTWISE = [
    (sigmoid, sigmoid_grad),
    (tanh, tanh_grad),
    (relu, relu_grad),
    (leaky_relu, leaky_relu_grad),
    (elu, elu_grad),
]


@pytest.mark.parametrize(("f", "f_grad"), ELEMENTWISE, ids=lambda fn: fn.__name__)
def test_derivative_matches_numerical_gradient(f, f_grad):
    z = np.random.default_rng(0).uniform(-3, 3, (4, 5))
    R = np.random.default_rng(1).standard_normal(z.shape)
    numeric = numerical_gradient(lambda v: float((f(v) * R).sum()), z.copy())
    assert relative_error(f_grad(z) * R, numeric) < 1e-8


def test_known_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    assert sigmoid_grad(np.array(0.0)) == 0.25 and tanh_grad(np.array(0.0)) == 1.0
    np.testing.assert_array_equal(relu(z), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(leaky_relu(z, slope=0.1), [-0.2, 0.0, 3.0])
    np.testing.assert_allclose(elu(z), [np.exp(-2.0) - 1, 0.0, 3.0])
    np.testing.assert_allclose(tanh(z), np.tanh(z))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_stable_for_huge_inputs(dtype):
    z = np.array([-1e4, -1000.0, -745.0, 0.0, 745.0, 1000.0, 1e4], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning fails the test
        s, ds = sigmoid(z), sigmoid_grad(z)
        e = elu(z)
    assert s.dtype == dtype and np.isfinite(s).all() and np.isfinite(ds).all()
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    assert np.all(np.diff(s) >= 0) and np.isfinite(e).all()


def test_maxout_picks_the_largest_piece_and_routes_its_gradient():
    z = np.array([[1.0, 5.0, 2.0, -1.0, -3.0, -2.0]])  # two units of three pieces
    np.testing.assert_array_equal(maxout(z, 3), [[5.0, -1.0]])
    np.testing.assert_array_equal(maxout_grad(z, 3), [[0, 1, 0, 1, 0, 0]])
    rng = np.random.default_rng(0)
    z = rng.standard_normal((3, 8))
    R = rng.standard_normal((3, 4))
    numeric = numerical_gradient(lambda v: float((maxout(v, 2) * R).sum()), z.copy())
    analytic = maxout_grad(z, 2) * np.repeat(R, 2, axis=-1)
    assert relative_error(analytic, numeric) < 1e-8


def test_maxout_rejects_a_size_that_is_not_a_multiple():
    with pytest.raises(ValueError, match=r"multiple of pieces=3, received \(2, 7\)"):
        maxout(np.zeros((2, 7)), 3)
