"""softmax, log_softmax and cross_entropy: values, stability, mask, gradient, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from rnnbook.scratch import (
    check_gradients,
    cross_entropy,
    log_softmax,
    numerical_gradient,
    relative_error,
    softmax,
)


def test_softmax_values_and_invariance():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    p = softmax(z)
    np.testing.assert_allclose(p[0], np.exp(z[0]) / np.exp(z[0]).sum(), rtol=1e-15)
    np.testing.assert_allclose(p[1], 1 / 3)
    np.testing.assert_allclose(softmax(z + 1000.0), p, rtol=1e-14)
    np.testing.assert_allclose(np.exp(log_softmax(z)), p, rtol=1e-14)


def test_stable_at_huge_logits():
    z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, logp = softmax(z), log_softmax(z)
        loss, dlogits = cross_entropy(z, np.array([1, 2]))
    np.testing.assert_allclose(p, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-300)
    assert logp[0, 1] == -2e4 and np.isfinite(logp).all()
    # sample 0 puts all mass on class 0 but the target is 1: loss 2e4; sample 1: ln 3
    assert loss == pytest.approx((2e4 + np.log(3)) / 2, rel=1e-12)
    assert np.isfinite(dlogits).all()


def test_cross_entropy_value_and_gradient():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((4, 3, 6))
    targets = rng.integers(0, 6, (4, 3))
    loss, dlogits = cross_entropy(logits, targets)
    p = softmax(logits)
    expected = -np.mean(np.log(np.take_along_axis(p, targets[..., None], -1)))
    assert loss == pytest.approx(expected, rel=1e-13)
    errors = check_gradients(lambda: (cross_entropy(logits, targets)[0], {"z": dlogits}),
                             {"z": logits})  # fmt: skip
    assert errors["z"] < 1e-8


def test_padding_mask_ignores_padded_positions():
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((5, 2, 4))
    targets = rng.integers(0, 4, (5, 2))
    mask = np.ones((5, 2))
    mask[3:, 1] = 0  # the second sequence has length 3
    loss, dlogits = cross_entropy(logits, targets, mask)
    real = mask.astype(bool)
    alone, _ = cross_entropy(logits[real], targets[real])
    assert loss == pytest.approx(alone, rel=1e-13)
    assert np.all(dlogits[3:, 1] == 0)
    garbage = logits.copy()
    garbage[3:, 1] = 1e3  # changing padded logits changes nothing
    assert cross_entropy(garbage, targets, mask)[0] == pytest.approx(loss, rel=1e-13)
    numeric = numerical_gradient(lambda z: cross_entropy(z, targets, mask)[0], logits.copy())
    assert relative_error(dlogits, numeric) < 1e-8


def test_bad_input():
    logits = np.zeros((4, 3))
    with pytest.raises(ValueError, match=r"expected \(4,\), received \(3,\)"):
        cross_entropy(logits, np.zeros(3, dtype=int))
    with pytest.raises(
        ValueError, match=r"targets must lie in \[0, 3\), received values in \[0, 3\]"
    ):
        cross_entropy(logits, np.array([0, 1, 2, 3]))
    with pytest.raises(ValueError, match="targets must be integers"):
        cross_entropy(logits, np.zeros(4))
    with pytest.raises(ValueError, match=r"mask must have the shape of targets"):
        cross_entropy(logits, np.zeros(4, dtype=int), np.ones(3))
    with pytest.raises(ValueError, match="selects no position"):
        cross_entropy(logits, np.zeros(4, dtype=int), np.zeros(4))
    logits[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"logits contains 1 non-finite value.*\(1, 2\)"):
        cross_entropy(logits, np.zeros(4, dtype=int))
