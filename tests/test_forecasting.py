"""Chapter 09's forecasting tools: split, scaling, persistence baselines, linear AR."""

import numpy as np
import pytest

from rnnbook.forecasting import (
    LinearAR,
    Standardizer,
    chronological_split,
    mae,
    persistence,
    seasonal_persistence,
)


def test_chronological_split_is_consecutive_and_complete():
    tr, va, te = chronological_split(100, val_frac=0.1, test_frac=0.2)
    assert (tr.start, tr.stop, va.start, va.stop, te.start, te.stop) == (0, 70, 70, 80, 80, 100)
    with pytest.raises(ValueError, match="non-empty"):
        chronological_split(10, val_frac=0.5, test_frac=0.5)


def test_standardizer_uses_the_training_part_only():
    z = Standardizer.fit(np.array([1.0, 3.0]))
    assert (z.mean, z.std) == (2.0, 1.0)
    np.testing.assert_allclose(z.transform([5.0]), [3.0])
    np.testing.assert_allclose(z.inverse(z.transform([7.0, -2.0])), [7.0, -2.0])
    with pytest.raises(ValueError, match="constant"):
        Standardizer.fit(np.ones(5))


def test_persistence_and_seasonal_persistence_shift_by_the_horizon():
    series = np.arange(30.0) ** 2
    t = np.array([20, 25])
    np.testing.assert_array_equal(persistence(series, t), series[t - 1])
    np.testing.assert_array_equal(persistence(series, t, horizon=3), series[t - 3])
    np.testing.assert_array_equal(seasonal_persistence(series, t, season=12), series[t - 12])
    np.testing.assert_array_equal(
        seasonal_persistence(series, t, season=4, horizon=5), series[t - 8]
    )
    with pytest.raises(ValueError, match="targets must lie"):
        persistence(series, np.array([0]))


def test_mae_and_its_errors():
    assert mae(np.array([1.0, 2.0]), np.array([2.0, 0.0])) == 1.5
    with pytest.raises(ValueError, match="same non-empty shape"):
        mae(np.zeros(2), np.zeros(3))


def test_linear_ar_recovers_an_ar2_process_and_iterates_its_forecasts():
    rng = np.random.default_rng(0)
    x = np.zeros(3000)
    for t in range(2, len(x)):
        x[t] = 0.5 + 1.2 * x[t - 1] - 0.5 * x[t - 2] + 0.01 * rng.standard_normal()
    ar = LinearAR(2).fit(x[:2000])
    np.testing.assert_allclose(ar.coef, [0.5, 1.2, -0.5], atol=0.02)
    t = np.arange(2500, 2510)
    one = ar.coef[0] + ar.coef[1] * x[t - 1] + ar.coef[2] * x[t - 2]
    np.testing.assert_allclose(ar.forecast(x, t), one)
    # two steps ahead: the first prediction takes the place of the unknown x[t-1]
    first = ar.coef[0] + ar.coef[1] * x[t - 2] + ar.coef[2] * x[t - 3]
    two = ar.coef[0] + ar.coef[1] * first + ar.coef[2] * x[t - 2]
    np.testing.assert_allclose(ar.forecast(x, t, horizon=2), two)
    with pytest.raises(ValueError, match="targets must lie"):
        ar.forecast(x, np.array([2]), horizon=2)
    with pytest.raises(ValueError, match="not fitted"):
        LinearAR(2).forecast(x, t)


def test_windows_for_a_recurrent_forecaster():
    from rnnbook.forecasting import next_step_windows, windows_before

    series = np.arange(10.0)
    x, y = next_step_windows(series[:6], window=3)
    assert x.shape == y.shape == (3, 3, 1)
    np.testing.assert_array_equal(x[:, 1, 0], [1, 2, 3])
    np.testing.assert_array_equal(y[:, 1, 0], [2, 3, 4])
    ctx = windows_before(series, np.array([8, 9]), horizon=2, window=3)
    np.testing.assert_array_equal(ctx[:, :, 0].T, [[4, 5, 6], [5, 6, 7]])  # t-2 is the last
    with pytest.raises(ValueError, match="targets must lie"):
        windows_before(series, np.array([3]), horizon=2, window=3)
