"""Checkers for chapter 09, *Sequence models at work*.

Each checker runs the reader's answer on cases built to expose one plausible mistake at a
time and names that mistake when it sees it:

========  =============================  ====================================================
exercise  checker                        mistakes it recognises
========  =============================  ====================================================
9.1       :func:`check_persistence`      the target itself returned (the shift forgotten),
                                         one step too recent (t − h + 1) or too old
                                         (t − h − 1), the horizon ignored (always t − 1),
                                         a forecast for every step instead of the targets
9.2       :func:`check_standardize`      mean and std of the whole series (the test part
                                         leaks into the scaling), of the held-out part, the
                                         variance used instead of the std, no division, only
                                         the training part returned
9.3       :func:`check_bag_of_words`     padding counted, presence (0/1) instead of counts,
                                         the (V, N) transpose, x read as batch-major (N, T)
9.4       :func:`check_piano_roll`       a note's onset taken after its own duration, rows
                                         flipped (high pitches first), durations not scaled
                                         to steps, one step too long, rests drawn as notes
                                         (an IndexError), a row per pitch off by one
9.5       :func:`check_last_real_step`   the last padded step (outputs[-1]), one past the last
                                         real step (outputs[lengths]), the first step, the
                                         (N, N, H) result of indexing time without the batch
========  =============================  ====================================================

References are computed here with numpy; the package's versions
(:func:`rnnbook.forecasting.persistence`, :class:`rnnbook.forecasting.Standardizer`,
:func:`rnnbook.baselines.bag_of_words`, :func:`rnnbook.audio.piano_roll`) are tested to
agree with them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rnnbook.checks._feedback import (
    Hint,
    call,
    expect_close,
    expect_shape,
    fail,
    matches,
    passed,
)

__all__ = [
    "check_bag_of_words",
    "check_last_real_step",
    "check_persistence",
    "check_piano_roll",
    "check_standardize",
]


def _diagnose(ex: str, got, expected, mistakes: list[tuple[str, object]], name: str) -> None:
    """Pass silently if ``got`` equals ``expected``; otherwise name the first matching mistake."""
    if matches(got, expected):
        return
    for message, candidate in mistakes:
        if matches(got, candidate):
            fail(ex, message)
    expect_close(ex, name, got, expected)


# --------------------------------------------------------------------------- exercise 9.1


def check_persistence(persistence: Callable[[np.ndarray, np.ndarray, int], np.ndarray]) -> None:
    """Check exercise 9.1: ``persistence(series, targets, horizon) -> forecasts (M,)``.

    The forecast of ``series[t]`` made ``horizon`` steps ahead is ``series[t - horizon]``,
    the last value known then.
    """
    ex = "9.1"
    series = np.cumsum(np.random.default_rng(901).normal(size=40)) + 10.0
    targets = np.array([20, 27, 33, 39])
    for horizon in (3, 1):
        got = call(ex, persistence, series.copy(), targets.copy(), horizon)
        name = f"the forecasts for horizon={horizon}"
        if np.shape(got) == series.shape or np.shape(got) == (len(series) - horizon,):
            fail(
                ex,
                f"{name} have shape {np.shape(got)}: return one forecast per entry of "
                f"targets, shape ({len(targets)},), i.e. index the series at targets - horizon.",
            )
        expect_shape(ex, name, np.asarray(got), targets.shape)
        mistakes = [
            (
                "you returned the targets themselves, series[targets]: a forecast may use only "
                "values known horizon steps earlier, series[targets - horizon].",
                series[targets],
            ),
            (
                "your forecast uses series[t - horizon + 1], a value that is not known yet "
                f"{horizon} step(s) before t (for horizon 1 it is the target itself). Use "
                "series[targets - horizon].",
                series[targets - horizon + 1],
            ),
            (
                "your forecast is one step too old: series[t - horizon - 1]. The last known "
                "value is series[t - horizon].",
                series[targets - horizon - 1],
            ),
        ]
        if horizon > 1:
            mistakes.append(
                (
                    "your forecast ignores the horizon: it always uses series[t - 1], which "
                    f"is not known {horizon} steps ahead. Use series[targets - horizon].",
                    series[targets - 1],
                )
            )
        _diagnose(ex, got, series[targets - horizon], mistakes, name)
    passed(ex, "persistence forecasts series[t - horizon] for horizons 1 and 3.")


# --------------------------------------------------------------------------- exercise 9.2


def check_standardize(
    standardize: Callable[[np.ndarray, int], tuple[np.ndarray, float, float]],
) -> None:
    """Check exercise 9.2: ``standardize(series, n_train) -> (z, mean, std)``.

    ``mean`` and ``std`` come from the training part ``series[:n_train]`` only (population
    or sample standard deviation both accepted); ``z = (series - mean) / std`` for the whole
    series, shape ``(L,)``.
    """
    ex = "9.2"
    t = np.arange(60.0)
    series = 300.0 + 1.5 * t + 3.0 * np.sin(2 * np.pi * t / 12)  # trend: the test part is higher
    n_train = 42
    got = call(ex, standardize, series.copy(), n_train)
    if not isinstance(got, tuple | list) or len(got) != 3:
        fail(ex, "return the tuple (z, mean, std).")
    z, mean, std = (np.asarray(v, dtype=float) for v in got)
    train = series[:n_train]
    if np.shape(z) == (n_train,):
        fail(
            ex,
            f"z has shape ({n_train},): standardise the whole series (validation and test "
            "parts too) with the training part's mean and std, so z has shape "
            f"{series.shape}.",
        )
    expect_shape(ex, "z", z, series.shape)
    if matches(mean, series.mean()) or matches(std, series.std()):
        fail(
            ex,
            "your mean or std is that of the whole series: the test part leaks into the "
            "scaling (here its trend lifts the mean). Measure them on series[:n_train] only.",
        )
    if matches(mean, series[n_train:].mean()):
        fail(ex, "your mean is that of the held-out part; use the training part, series[:n_train].")
    expect_close(ex, "mean", mean, train.mean(), hint="It is the mean of series[:n_train].")
    if matches(std, train.var()):
        fail(ex, "std is the variance of the training part; take its square root (np.std).")
    if not (matches(std, train.std()) or matches(std, train.std(ddof=1))):
        expect_close(ex, "std", std, train.std(), hint="It is np.std(series[:n_train]).")
    if matches(z, series - mean):
        fail(ex, "z is only centred: divide (series - mean) by std too.")
    expect_close(ex, "z", z, (series - mean) / std, hint="z = (series - mean) / std.")
    passed(ex, "the scaling is measured on the training part only and applied to all of it.")


# --------------------------------------------------------------------------- exercise 9.3


def check_bag_of_words(bag_of_words: Callable[[np.ndarray, np.ndarray, int], np.ndarray]) -> None:
    """Check exercise 9.3: ``bag_of_words(x, lengths, vocab_size) -> counts (N, V)``.

    ``x`` int ``(T, N)`` is time-major and padded with id 0 after each sequence's
    ``lengths[n]`` real tokens; ``counts[n, v]`` is how often token ``v`` occurs among them.
    """
    ex = "9.3"
    V = 7
    x = np.array([[4, 2, 5], [4, 3, 6], [2, 0, 6], [4, 0, 6], [0, 0, 1]])  # (T=5, N=3)
    lengths = np.array([4, 2, 5])
    expected = np.zeros((3, V))
    for n, length in enumerate(lengths):
        np.add.at(expected[n], x[:length, n], 1)
    with_padding = np.stack([np.bincount(x[:, n], minlength=V) for n in range(3)]).astype(float)
    got = call(ex, bag_of_words, x.copy(), lengths.copy(), V)
    if np.shape(got) == (V, 3):
        fail(ex, f"counts has shape (V, N) = {(V, 3)}: return one row per sequence, (N, V).")
    expect_shape(ex, "counts", np.asarray(got), (3, V))
    mistakes = [
        (
            "you counted the padding: only the first lengths[n] steps of column n are words; "
            "the <pad> ids after them must not be counted.",
            with_padding,
        ),
        (
            "you recorded presence (0 or 1), not counts: 'great great' should count 2.",
            (expected > 0).astype(float),
        ),
        (
            "you read x as batch-major (N, T): x is time-major, sequence n is the column "
            "x[:, n] and its words are x[:lengths[n], n].",
            np.stack([np.bincount(x[n, : lengths[n]], minlength=V) for n in range(3)]),
        ),
    ]
    _diagnose(ex, got, expected, mistakes, "counts")
    x2 = np.array([[1, 2], [3, 4], [5, 6]])  # T=3, N=2: reading it as (N, T) gives other words
    got2 = call(ex, bag_of_words, x2.copy(), np.array([3, 3]), V)
    expected2 = np.zeros((2, V))
    for n in range(2):
        np.add.at(expected2[n], x2[:, n], 1)
    if np.shape(got2) != (2, V):
        fail(
            ex,
            f"for x of shape (T, N) = {x2.shape} counts has shape {np.shape(got2)}: x is "
            "time-major, sequence n is the column x[:, n].",
        )
    _diagnose(ex, got2, expected2, [], "counts of a (T=3, N=2) batch")
    passed(ex, "the counts match on padded and unpadded batches.")


# --------------------------------------------------------------------------- exercise 9.4


def _roll(pitches, durations, spq, low, high, *, late=False, flip=False, extra=0,
          row_shift=0):  # fmt: skip
    """A reference piano roll; the keywords reproduce the mistakes of 9.4."""
    edges = np.round(np.concatenate([[0.0], np.cumsum(durations)]) * spq).astype(int)
    starts, stops = edges[:-1], edges[1:] + extra
    if late:  # the onset taken after the note's own duration
        starts, stops = stops, 2 * stops - starts
    roll = np.zeros((high - low + 1, edges[-1]), dtype=bool)
    for p, a, b in zip(pitches, starts, stops, strict=True):
        if p > 0 and 0 <= p - low + row_shift <= high - low:
            roll[p - low + row_shift, a:b] = True
    return roll[::-1] if flip else roll


def check_piano_roll(piano_roll: Callable[..., np.ndarray]) -> None:
    """Check exercise 9.4: ``piano_roll(pitches, durations, steps_per_quarter, low, high)``.

    Returns bool ``(high - low + 1, S)`` with ``S = round(sum(durations) * steps_per_quarter)``;
    row ``p - low`` is on from the note's onset (the sum of the durations before it) for its
    duration; rests (pitch 0) leave every row off.
    """
    ex = "9.4"
    pitches = np.array([60, 62, 0, 64, 60])
    durations = np.array([1.0, 0.5, 0.5, 1.5, 0.5])
    spq, low, high = 2, 58, 66
    expected = _roll(pitches, durations, spq, low, high)
    rests = Hint(
        IndexError,
        "A rest has pitch 0, and 0 - low is not a row: skip rests (if pitch > 0) so that "
        "every row stays off.",
    )
    got = call(ex, piano_roll, pitches.copy(), durations.copy(), spq, low, high, hints=[rests])
    got = np.asarray(got)
    if got.shape == (high - low + 1, int(durations.sum())):
        fail(
            ex,
            f"the roll has {got.shape[1]} columns, one per quarter note: multiply the "
            f"durations by steps_per_quarter ({spq}), giving {expected.shape[1]} steps.",
        )
    expect_shape(ex, "the roll", got, expected.shape)
    mistakes = [
        (
            "each note starts after its own duration: a note's onset is the sum of the "
            "durations BEFORE it (the first note starts at step 0).",
            _roll(pitches, durations, spq, low, high, late=True),
        ),
        (
            "the rows are flipped: row 0 must be the lowest pitch, `low`, and row p - low pitch p.",
            _roll(pitches, durations, spq, low, high, flip=True),
        ),
        (
            "each note lasts one step too long: the slice start:stop excludes stop, so a note "
            "from step a lasting d steps covers a : a + d.",
            _roll(pitches, durations, spq, low, high, extra=1),
        ),
        (
            "the pitch rows are off by one: pitch p belongs in row p - low.",
            _roll(pitches, durations, spq, low, high, row_shift=1),
        ),
        (
            "the pitch rows are off by one: pitch p belongs in row p - low.",
            _roll(pitches, durations, spq, low, high, row_shift=-1),
        ),
    ]
    _diagnose(ex, got.astype(float), expected.astype(float), mistakes, "the roll")
    passed(ex, "notes, onsets, durations and the rest are where they belong.")


# --------------------------------------------------------------------------- exercise 9.5


def check_last_real_step(
    last_real_step: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> None:
    """Check exercise 9.5: ``last_real_step(outputs, lengths) -> (N, H)``.

    ``outputs (T, N, H)`` are a recurrent layer's outputs over a padded batch; row ``n`` of
    the result is ``outputs[lengths[n] - 1, n]``, the output after the last real token.
    """
    ex = "9.5"
    rng = np.random.default_rng(905)
    T, N, H = 6, 4, 3
    outputs = rng.normal(size=(T, N, H))
    lengths = np.array([6, 2, 4, 1])
    expected = outputs[lengths - 1, np.arange(N)]
    past = Hint(
        IndexError,
        "outputs[lengths[n]] is one past the last real step (a sequence of length T has "
        "steps 0 … T − 1). Use lengths - 1.",
    )
    got = call(ex, last_real_step, outputs.copy(), lengths.copy(), hints=[past])
    got = np.asarray(got)
    if got.shape == (N, N, H):
        fail(
            ex,
            "the result has shape (N, N, H): outputs[lengths - 1] picks every column at each "
            "time. Index time and batch together: outputs[lengths - 1, np.arange(N)].",
        )
    expect_shape(ex, "the last real outputs", got, (N, H))
    shifted = outputs[np.minimum(lengths, T - 1), np.arange(N)]
    mistakes = [
        (
            "you read outputs[-1], the last padded step: for a sequence shorter than T it is "
            "the state after the padding. Read step lengths[n] - 1 of column n.",
            outputs[-1],
        ),
        (
            "you read one step past the last real token (outputs[lengths[n]]); the last "
            "real step is lengths[n] - 1.",
            shifted,
        ),
        ("you read the first step, outputs[0]; read step lengths[n] - 1.", outputs[0]),
    ]
    _diagnose(ex, got, expected, mistakes, "the last real outputs")
    passed(ex, "each sequence is read at its own last real step.")
