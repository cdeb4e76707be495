"""numerical_gradient, relative_error, check_gradients."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook.scratch import check_gradients, numerical_gradient, relative_error


def test_numerical_gradient_of_known_functions():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(numerical_gradient(lambda v: float((v**3).sum()), x), 3 * x**2,
                               rtol=1e-9)  # fmt: skip
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # restored after perturbing
    with pytest.raises(ValueError, match="float array"):
        numerical_gradient(lambda v: 0.0, np.array([1, 2]))


def test_relative_error():
    a = np.array([1.0, 2.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(2), np.zeros(2)) == 0.0
    assert relative_error(a, -a) == 1.0
    assert relative_error(1e-6 * a, 1e-6 * (a + 1e-3)) == pytest.approx(
        relative_error(a, a + 1e-3)
    )  # independent of the scale
    with pytest.raises(ValueError, match=r"shapes differ, \(2,\) and \(3,\)"):
        relative_error(a, np.zeros(3))


def test_check_gradients_reports_each_array():
    rng = np.random.default_rng(0)
    arrays = {"W": rng.standard_normal((3, 4)), "x": rng.standard_normal(4)}

    def right():  # loss = Σ tanh(W x)
        y = np.tanh(arrays["W"] @ arrays["x"])
        da = 1 - y**2
        return float(y.sum()), {"W": np.outer(da, arrays["x"]), "x": arrays["W"].T @ da}

    def wrong():  # forgets tanh' for x
        loss, grads = right()
        return loss, {"W": grads["W"], "x": arrays["W"].T @ np.ones(3)}

    good = check_gradients(right, arrays)
    bad = check_gradients(wrong, arrays)
    assert set(good) == {"W", "x"} and max(good.values()) < 1e-9
    assert bad["W"] < 1e-9 and bad["x"] > 1e-2
    with pytest.raises(ValueError, match=r"no gradient for \['x'\]"):
        check_gradients(lambda: (0.0, {"W": arrays["W"]}), arrays)
