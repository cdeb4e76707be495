"""Time series: two real series shipped with statsmodels and a geometric random walk.

Sources (read from the CSV files inside the installed ``statsmodels`` package, BSD-licensed;
the data are public domain):

- ``sunspots``: yearly mean sunspot numbers 1700-2008 (309 values, SIDC / Wolf numbers),
  a quasi-periodic (~11-year) series an RNN can forecast a step or more ahead.
- ``co2``: atmospheric CO2 at Mauna Loa (Keeling), weekly 1958-2001, averaged here into
  monthly means (526 months, 313-374 ppm; the few empty months interpolated linearly):
  trend plus a yearly cycle.

The synthetic :func:`geometric_random_walk` is a stock-price model whose log returns are
independent: the best forecast of tomorrow's price is today's, which is why stock prices
resist forecasting (chapter 09).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np


def _statsmodels_csv(name: str) -> Path:
    spec = importlib.util.find_spec("statsmodels")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "rnnbook.data.timeseries needs the package statsmodels: pip install statsmodels"
        )
    return Path(spec.submodule_search_locations[0]) / "datasets" / name / f"{name}.csv"


def load_sunspots() -> tuple[np.ndarray, np.ndarray]:
    """Yearly sunspot numbers: ``(years, values)``, float64 arrays of shape ``(309,)``."""
    data = np.loadtxt(_statsmodels_csv("sunspots"), delimiter=",", skiprows=1)
    return data[:, 0], data[:, 1]


def load_co2() -> tuple[np.ndarray, np.ndarray]:
    """Monthly mean CO2 (ppm) at Mauna Loa, March 1958 - December 2001.

    Returns ``(t, ppm)``, float64 arrays of shape ``(526,)``; ``t`` is the decimal year of
    each month's middle (``year + (month - 0.5) / 12``).
    """
    path = _statsmodels_csv("co2")
    raw = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=np.float64)
    dates = raw[:, 0].astype(np.int64)
    month_index = (dates // 10000) * 12 + (dates // 100) % 100 - 1
    months = np.arange(month_index.min(), month_index.max() + 1)
    ok = ~np.isnan(raw[:, 1])
    sums = np.bincount(month_index[ok] - months[0], weights=raw[ok, 1], minlength=len(months))
    counts = np.bincount(month_index[ok] - months[0], minlength=len(months))
    ppm = np.full(len(months), np.nan)
    has = counts > 0
    ppm[has] = sums[has] / counts[has]
    ppm[~has] = np.interp(months[~has], months[has], ppm[has])
    return months / 12 + 1 / 24, ppm


def geometric_random_walk(
    n_steps: int, mu: float = 0.0003, sigma: float = 0.01, s0: float = 100.0, seed: int = 0
) -> np.ndarray:
    """A geometric random walk ``S_t = S_{t-1} exp(mu + sigma * eps_t)``, ``eps_t ~ N(0, 1)``.

    Daily-like parameters by default. Returns float64 prices of shape ``(n_steps + 1,)``
    starting at ``s0``.
    """
    if n_steps < 1 or sigma < 0 or s0 <= 0:
        raise ValueError(f"need n_steps >= 1, sigma >= 0, s0 > 0; got {n_steps}, {sigma}, {s0}")
    eps = np.random.default_rng(seed).standard_normal(n_steps)
    return s0 * np.exp(np.concatenate([[0.0], np.cumsum(mu + sigma * eps)]))


def make_windows(
    series: np.ndarray, window: int, horizon: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Sliding windows for forecasting ``horizon`` steps ahead, time-major.

    ``series`` has shape ``(L,)``. Returns ``(x, y)`` with ``x`` of shape ``(window, M, 1)``
    and ``y`` of shape ``(M,)``, ``M = L - window - horizon + 1``: window ``j`` is
    ``series[j : j + window]`` and its target ``series[j + window + horizon - 1]``.
    """
    series = np.asarray(series, dtype=np.float64)
    if series.ndim != 1:
        raise ValueError(f"series must have shape (L,), got {series.shape}")
    if window < 1 or horizon < 1:
        raise ValueError(f"window and horizon must be >= 1, got {window}, {horizon}")
    m = len(series) - window - horizon + 1
    if m < 1:
        raise ValueError(
            f"a series of length {len(series)} is too short for window={window}, horizon={horizon}"
        )
    idx = np.arange(window)[:, None] + np.arange(m)[None, :]
    return series[idx][:, :, None], series[window + horizon - 1 : window + horizon - 1 + m]
