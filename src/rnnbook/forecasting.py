"""Forecasting a series honestly: a chronological split, training-only scaling, baselines.

A forecast for time ``t`` made ``h`` steps ahead may use ``series[: t - h + 1]`` and
nothing later. The baselines here follow that rule; the chapter's RNN does too.

- :func:`chronological_split`: train / validation / test as consecutive blocks.
- :class:`Standardizer`: mean and standard deviation of the training part only.
- :func:`persistence`, :func:`seasonal_persistence`: "no change" and "same as last season".
- :class:`LinearAR`: a linear autoregression fitted by least squares, iterated for ``h > 1``.
- :func:`mae`: mean absolute error.
- :func:`next_step_windows`, :func:`windows_before`: the inputs of a recurrent forecaster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _series(series: np.ndarray) -> np.ndarray:
    series = np.asarray(series, dtype=np.float64)
    if series.ndim != 1 or len(series) == 0:
        raise ValueError(f"expected a series of shape (L,) with L >= 1, received {series.shape}")
    return series


def chronological_split(
    n: int, val_frac: float = 0.1, test_frac: float = 0.2
) -> tuple[slice, slice, slice]:
    """Slices of the first ``1 - val_frac - test_frac`` (train), the next ``val_frac``
    (validation) and the last ``test_frac`` (test) of ``n`` time steps."""
    n_test, n_val = round(n * test_frac), round(n * val_frac)
    if not (0 < n_test and 0 <= n_val and n_test + n_val < n):
        raise ValueError(
            f"cannot split {n} steps into val_frac={val_frac}, test_frac={test_frac} "
            "with a non-empty training and test part"
        )
    n_train = n - n_val - n_test
    return slice(0, n_train), slice(n_train, n_train + n_val), slice(n_train + n_val, n)


@dataclass(frozen=True)
class Standardizer:
    """``z = (x - mean) / std`` with ``mean`` and ``std`` of the training part only."""

    mean: float
    std: float

    @classmethod
    def fit(cls, train: np.ndarray) -> Standardizer:
        """Measure the training part ``(L,)``; a constant series cannot be standardised."""
        train = _series(train)
        std = float(train.std())
        if not std > 0:
            raise ValueError("the training part is constant: its standard deviation is 0")
        return cls(float(train.mean()), std)

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.mean) / self.std

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z, dtype=np.float64) * self.std + self.mean


def mae(prediction: np.ndarray, target: np.ndarray) -> float:
    """Mean absolute error of two arrays of the same shape."""
    prediction, target = np.asarray(prediction), np.asarray(target)
    if prediction.shape != target.shape or prediction.size == 0:
        raise ValueError(
            "expected prediction and target of the same non-empty shape, received "
            f"{prediction.shape} and {target.shape}"
        )
    return float(np.abs(prediction - target).mean())


def persistence(series: np.ndarray, targets: np.ndarray, horizon: int = 1) -> np.ndarray:
    """Forecast ``series[t]`` by ``series[t - horizon]`` for each index ``t`` in ``targets``."""
    series, targets = _series(series), np.asarray(targets)
    if horizon < 1 or targets.min() - horizon < 0 or targets.max() >= len(series):
        raise ValueError(
            f"targets must lie in [{horizon}, {len(series)}) for horizon={horizon}, "
            f"received {targets.min()}..{targets.max()}"
        )
    return series[targets - horizon]


def seasonal_persistence(
    series: np.ndarray, targets: np.ndarray, season: int, horizon: int = 1
) -> np.ndarray:
    """Forecast ``series[t]`` by the value one or more whole seasons earlier that was known
    ``horizon`` steps before ``t``: ``series[t - season * ceil(horizon / season)]``."""
    if season < 1:
        raise ValueError(f"expected season >= 1, received {season}")
    lag = season * -(-horizon // season)
    return persistence(series, targets, lag)


class LinearAR:
    """``x_t ≈ a_0 + a_1 x_{t-1} + ... + a_p x_{t-p}``, fitted by least squares."""

    def __init__(self, order: int):
        if order < 1:
            raise ValueError(f"expected order >= 1, received {order}")
        self.order = order
        self.coef: np.ndarray | None = None  # (1 + order,): intercept, then lags 1..p

    def fit(self, train: np.ndarray) -> LinearAR:
        """Fit on every window of the training part ``(L,)``; returns ``self``."""
        train = _series(train)
        p = self.order
        if len(train) <= 2 * p:
            raise ValueError(f"a training part of {len(train)} steps is too short for order {p}")
        lags = np.stack([train[p - k : len(train) - k] for k in range(1, p + 1)], axis=1)
        design = np.column_stack([np.ones(len(lags)), lags])
        self.coef = np.linalg.lstsq(design, train[p:], rcond=None)[0]
        return self

    def forecast(self, series: np.ndarray, targets: np.ndarray, horizon: int = 1) -> np.ndarray:
        """Forecast ``series[t]`` for each ``t`` in ``targets`` from ``series[: t - horizon + 1]``,
        feeding the model's own predictions back for ``horizon > 1``."""
        if self.coef is None:
            raise ValueError("the model is not fitted: call fit(train) first")
        series, targets = _series(series), np.asarray(targets)
        p = self.order
        if horizon < 1 or targets.min() - horizon + 1 < p or targets.max() >= len(series):
            raise ValueError(
                f"targets must lie in [{p + horizon - 1}, {len(series)}) for order {p} and "
                f"horizon {horizon}, received {targets.min()}..{targets.max()}"
            )
        origin = targets - horizon + 1  # first unknown step
        window = series[origin[:, None] + np.arange(-p, 0)]  # (M, p), oldest first
        for _ in range(horizon):
            step = self.coef[0] + window[:, ::-1] @ self.coef[1:]
            window = np.column_stack([window[:, 1:], step])
        return step


def next_step_windows(train: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Training pairs for a model that predicts the next value at every step.

    ``train (L,)`` -> inputs ``x (window, M, 1)`` and targets ``y (window, M, 1)`` with
    ``M = L - window``: column ``j`` reads ``train[j : j + window]`` and must predict
    ``train[j + 1 : j + window + 1]``.
    """
    train = _series(train)
    if not 1 <= window < len(train):
        raise ValueError(f"expected 1 <= window < {len(train)}, received {window}")
    idx = np.arange(window)[:, None] + np.arange(len(train) - window)[None, :]
    return train[idx][..., None], train[idx + 1][..., None]


def windows_before(
    series: np.ndarray, targets: np.ndarray, horizon: int, window: int
) -> np.ndarray:
    """The ``window`` values known when forecasting ``series[t]`` ``horizon`` steps ahead:
    ``series[t - horizon - window + 1 : t - horizon + 1]`` for each ``t``, shape
    ``(window, M, 1)`` (time-major, as a recurrent model reads them)."""
    series, targets = _series(series), np.asarray(targets)
    first = targets - horizon - window + 1
    if horizon < 1 or window < 1 or first.min() < 0 or targets.max() >= len(series):
        raise ValueError(
            f"targets must lie in [{horizon + window - 1}, {len(series)}) for horizon "
            f"{horizon} and window {window}, received {targets.min()}..{targets.max()}"
        )
    return series[first[None, :] + np.arange(window)[:, None]][..., None]
