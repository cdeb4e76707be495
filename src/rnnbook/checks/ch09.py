"""Checkers for chapter 09, *Sequence models at work*.

Each checker runs the reader's answer on cases built to expose one plausible mistake at a
time and names that mistake when it sees it:

========  =================================  ====================================================
exercise  checker                            mistakes it recognises
========  =================================  ====================================================
9.1       :func:`check_persistence`          the target itself returned (the shift forgotten),
                                             one step too recent (t − h + 1) or too old
                                             (t − h − 1), the horizon ignored (always t − 1),
                                             a forecast for every step instead of the targets
9.2       :func:`check_standardize`          mean and std of the whole series (the test part
                                             leaks into the scaling), of the held-out part, the
                                             variance used instead of the std, no division, only
                                             the training part returned
9.3       :func:`check_bag_of_words`         padding counted, presence (0/1) instead of counts,
                                             the (V, N) transpose, x read as batch-major (N, T)
9.4       :func:`check_piano_roll`           a note's onset taken after its own duration, rows
                                             flipped (high pitches first), durations not scaled
                                             to steps, one step too long, rests drawn as notes
                                             (an IndexError), a row per pitch off by one
9.5       :func:`check_last_real_step`       the last padded step (outputs[-1]), one past the last
                                             real step (outputs[lengths]), the first step, the
                                             (N, N, H) result of indexing time without the batch
9.7       :func:`check_entity_scores`        tokens counted instead of entities (by tag or by
                                             type), partial matches counted as hits, the type
                                             ignored, B-X B-X read as one entity, precision and
                                             recall swapped, F1 as an arithmetic or geometric mean
9.8       :func:`check_horizon_experiment`  ratios that do not reproduce on the reader's seeds,
                                             the ratio inverted, the AR fitted on the whole
                                             series, one-step forecasts at every horizon (AR or
                                             persistence), RMSE instead of MAE, a first_below
                                             that the reader's own ratios contradict
========  =================================  ====================================================

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
    "HORIZONS",
    "ar_series",
    "check_bag_of_words",
    "check_entity_scores",
    "check_horizon_experiment",
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


# --------------------------------------------------------------------------- exercise 9.7

ENTITY_GOLD = (
    ("B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-LOC"),
    ("B-ORG", "O", "O", "O", "O", "B-LOC", "I-LOC", "I-LOC"),
)
"""The reference tags of exercise 9.7's two sentences."""
ENTITY_PRED = (
    ("B-PER", "I-PER", "O", "B-PER", "B-PER", "O", "B-ORG"),
    ("B-ORG", "O", "O", "B-ORG", "O", "B-LOC", "I-LOC", "O"),
)
"""The tagger's tags of exercise 9.7's two sentences."""


def _spans(tags: tuple[str, ...], *, merge: bool = False) -> set[tuple[str, int, int]]:
    """Entities (type, start, end) of BIO tags; ``merge`` joins B-X B-X into one entity."""
    spans, kind, start = set(), None, 0
    for t, tag in enumerate([*tags, "O"]):
        label = tag[2:] if tag != "O" else None
        continues = label is not None and label == kind and (tag[0] == "I" or merge)
        if kind is not None and not continues:
            spans.add((kind, start, t))
            kind = None
        if label is not None and not continues:
            kind, start = label, t
    return spans


def _prf(correct_p: float, n_pred: float, correct_r: float, n_true: float) -> tuple:
    p, r = correct_p / n_pred, correct_r / n_true
    return p, r, 2 * p * r / (p + r)


def _entity_variants() -> dict[str, tuple[float, float, float]]:
    """(precision, recall, F1) of the right count and of each plausible mistake."""
    gold = [_spans(s) for s in ENTITY_GOLD]
    pred = [_spans(s) for s in ENTITY_PRED]
    n_true, n_pred = sum(map(len, gold)), sum(map(len, pred))
    right = sum(len(p & g) for p, g in zip(pred, gold, strict=True))

    def overlaps(a, b):
        return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]

    hit_p = sum(any(overlaps(a, b) for b in g) for p, g in zip(pred, gold, strict=True) for a in p)
    hit_r = sum(any(overlaps(a, b) for a in p) for p, g in zip(pred, gold, strict=True) for b in g)
    untyped = sum(
        len({s[1:] for s in p} & {s[1:] for s in g}) for p, g in zip(pred, gold, strict=True)
    )
    merged = [_spans(s, merge=True) for s in ENTITY_PRED]
    n_merged = sum(map(len, merged))
    merged_right = sum(len(p & g) for p, g in zip(merged, gold, strict=True))
    tokens = [(p, g) for ps, gs in zip(ENTITY_PRED, ENTITY_GOLD, strict=True)
              for p, g in zip(ps, gs, strict=True)]  # fmt: skip
    tok_pred = sum(p != "O" for p, _ in tokens)
    tok_true = sum(g != "O" for _, g in tokens)
    tok_right = sum(p == g != "O" for p, g in tokens)
    tok_type = sum(p != "O" and p[2:] == g[2:] for p, g in tokens)
    p, r, f = _prf(right, n_pred, right, n_true)
    return {
        "right": (p, r, f),
        "tokens": _prf(tok_right, tok_pred, tok_right, tok_true),
        "token types": _prf(tok_type, tok_pred, tok_type, tok_true),
        "partial": _prf(hit_p, n_pred, hit_r, n_true),
        "partial both": _prf(hit_p, n_pred, hit_p, n_true),
        "untyped": _prf(untyped, n_pred, untyped, n_true),
        "merged": _prf(merged_right, n_merged, merged_right, n_true),
        "swapped": (r, p, f),
        "arithmetic": (p, r, (p + r) / 2),
        "geometric": (p, r, float(np.sqrt(p * r))),
    }


_ENTITY_MISTAKES = {
    "tokens": "you counted tokens, not entities: the score counts an entity (a B- tag and the "
    "I- tags after it) once, and only when its type, start and end are all right.",
    "token types": "you counted tokens by type, not entities: 'Angela Merkel' tagged B-PER "
    "B-PER has every token's type right but is two wrong entities.",
    "partial": "you counted partial matches as hits: 'Angela' alone, 'Merkel' alone and "
    "'New York' without 'City' are wrong entities (start or end wrong), not found ones.",
    "partial both": "you counted partial matches as hits: an entity counts only if its type, "
    "start and end all match a true entity.",
    "untyped": "you ignored the type: 'Paris' tagged ORG has the right span but the wrong "
    "type, so it is a wrong prediction and a missed LOC.",
    "merged": "you read B-PER B-PER as one entity: a B- tag always opens a new entity, so "
    "'Angela Merkel' tagged B-PER B-PER is two predicted entities, 'Angela' and 'Merkel'.",
    "swapped": "precision and recall are swapped: precision is the share of PREDICTED "
    "entities that are right (divide by the tagger's count), recall the share of TRUE "
    "entities found (divide by the reference's count).",
    "arithmetic": "F1 is the harmonic mean 2PR / (P + R), not the arithmetic mean (P + R) / 2.",
    "geometric": "F1 is the harmonic mean 2PR / (P + R), not the geometric mean √(PR).",
}


def check_entity_scores(precision: object, recall: object, f1: object) -> None:
    """Check exercise 9.7: entity-level precision, recall and F1 of :data:`ENTITY_PRED`
    against :data:`ENTITY_GOLD`, worked by hand (2/7, 2/5 and 1/3).

    Numbers within 6e-4 of the right value pass, so three decimals, fractions and float32
    are all accepted; each plausible mistake (tokens counted, partial matches, the type
    ignored, B-X B-X merged, precision and recall swapped, another mean) is named.
    """
    ex = "9.7"
    values = {}
    for name, value in (("precision", precision), ("recall", recall), ("f1", f1)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            fail(ex, f"{name} should be a number between 0 and 1; got {value!r}.")
        values[name] = float(value)
        if not 0 <= values[name] <= 1:
            fail(ex, f"{name} = {values[name]:g} is not a share: it lies between 0 and 1.")
    variants = _entity_variants()
    right = dict(zip(("precision", "recall", "f1"), variants["right"], strict=True))

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= 6e-4

    for i, name in enumerate(("precision", "recall", "f1")):
        got = values[name]
        if close(got, right[name]):
            continue
        named = [m for m, msg in _ENTITY_MISTAKES.items() if close(got, variants[m][i])]
        if named:
            fail(ex, f"{name} = {got:.4f}: " + " Or: ".join(_ENTITY_MISTAKES[m] for m in named))
        fail(
            ex,
            f"{name} = {got:.4f} is not right. List the entities (type, first word, last word) "
            "of each sentence, reference and tagger, and count those that match exactly. "
            "Give at least three decimals.",
        )
    passed(
        ex,
        "2 of the 7 predicted entities are right (precision 2/7 = 0.286) and 2 of the 5 true "
        "ones are found (recall 2/5 = 0.400), so F1 = 2·2 / (7 + 5) = 1/3.",
    )


# --------------------------------------------------------------------------- exercise 9.8

HORIZONS = (1, 2, 4, 8, 16)
"""The forecasting horizons that exercise 9.8 measures."""
AR_PHI = 0.8
N_TRAIN = 800
AR_ORDER = 3
_LENGTH = 1200


def ar_series(run_seed: int, length: int = _LENGTH, phi: float = AR_PHI) -> np.ndarray:
    """The series of exercise 9.8, shape ``(length,)``: ``x_t = φ x_{t-1} + ε_t``, ε ~ N(0, 1).

    Drawn from ``np.random.default_rng(run_seed)``, with 100 steps of burn-in dropped so the
    series starts in its stationary regime.
    """
    if length < 1:
        raise ValueError(f"length must be positive; got {length}")
    if not -1 < phi < 1:
        raise ValueError(f"|phi| must be below 1 for a stationary series; got {phi}")
    noise = np.random.default_rng(run_seed).normal(size=length + 100)
    x = np.zeros(length + 100)
    for t in range(1, length + 100):
        x[t] = phi * x[t - 1] + noise[t]
    return x[100:]


def _horizon_ratios(run_seed: int) -> dict[str, np.ndarray]:
    """MAE(AR) / MAE(persistence) per horizon, with the variants of plausible mistakes."""
    from rnnbook.forecasting import LinearAR

    x = ar_series(run_seed)
    targets = np.arange(N_TRAIN, len(x))
    truth = x[targets]
    ar = LinearAR(AR_ORDER).fit(x[:N_TRAIN])
    leaked = LinearAR(AR_ORDER).fit(x)
    one_step = ar.forecast(x, targets, 1)
    out: dict[str, list[float]] = {k: [] for k in ("right", "inverted", "leak", "ar one",
                                                   "persistence one", "rmse")}  # fmt: skip
    for h in HORIZONS:
        pers, fore = x[targets - h], ar.forecast(x, targets, h)
        p, a = np.abs(pers - truth).mean(), np.abs(fore - truth).mean()
        out["right"].append(a / p)
        out["inverted"].append(p / a)
        out["leak"].append(np.abs(leaked.forecast(x, targets, h) - truth).mean() / p)
        out["ar one"].append(np.abs(one_step - truth).mean() / p)
        out["persistence one"].append(a / np.abs(x[targets - 1] - truth).mean())
        out["rmse"].append(
            np.sqrt(((fore - truth) ** 2).mean()) / np.sqrt(((pers - truth) ** 2).mean())
        )
    return {k: np.asarray(v) for k, v in out.items()}


_HORIZON_MISTAKES = {
    "inverted": "the ratio is inverted: divide the AR's MAE by persistence's, "
    "mae(ar) / mae(persistence), so that a value below 1 means the AR wins.",
    "leak": "the AR was fitted on the whole series: the test part leaks into its "
    f"coefficients. Fit it on series[:{N_TRAIN}] only.",
    "ar one": "the AR forecast is one step ahead at every horizon: forecast(series, targets, "
    "h) with the horizon h, so that it feeds its own predictions back and uses nothing "
    "after step t - h.",
    "persistence one": "persistence always uses series[t - 1]: h steps ahead its forecast is "
    "series[t - h], the last value known then.",
    "rmse": "these are ratios of root mean squared errors: the exercise compares mean "
    "absolute errors (rnnbook.forecasting.mae).",
}


def check_horizon_experiment(
    ratios: dict, run_seeds: object, first_below: object, rtol: float = 1e-4
) -> None:
    """Check exercise 9.8: MAE(AR) / MAE(persistence) against the forecasting horizon.

    ratios maps every horizon h in :data:`HORIZONS` to one ratio per seed in run_seeds, in
    that order, measured on :func:`ar_series` (seed) with a ``LinearAR(3)`` fitted on the
    first 800 steps and targets ``800 … 1199``. The checker reruns every series (float64) and
    accepts the reader's values within ``rtol`` (float32 passes). first_below is the smallest
    horizon whose mean ratio over the runs is below 0.8, read from the reader's own ratios.
    """
    ex = "9.8"
    if not isinstance(ratios, dict):
        fail(
            ex,
            f"ratios should be a dict {{horizon: [ratio per run]}}; got {type(ratios).__name__}.",
        )
    try:
        run_seeds = [int(s) for s in run_seeds]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        fail(ex, f"run_seeds should be a list of integer seeds; got {run_seeds!r}.")
    if not run_seeds:
        fail(ex, "run_seeds is empty: measure at least one run (the exercise asks for 3).")
    keys = {int(k): k for k in ratios}
    missing = [h for h in HORIZONS if h not in keys]
    if missing:
        fail(
            ex, f"ratios has no entry for the horizon(s) {missing}: measure every h in {HORIZONS}."
        )
    measured = {}
    for h in HORIZONS:
        values = np.asarray(ratios[keys[h]], dtype=float).ravel()
        if values.shape != (len(run_seeds),):
            fail(ex, f"ratios[{h}] holds {values.size} values; expected one per run seed, "
                 f"{len(run_seeds)}.")  # fmt: skip
        measured[h] = values
    for i, s in enumerate(run_seeds):
        reference = _horizon_ratios(s)
        for j, h in enumerate(HORIZONS):
            got = measured[h][i]
            if np.isclose(got, reference["right"][j], rtol=rtol, atol=0):
                continue
            for name, message in _HORIZON_MISTAKES.items():
                if np.isclose(got, reference[name][j], rtol=rtol, atol=0):
                    fail(ex, f"ratios[{h}][{i}]: {message}")
            fail(
                ex,
                f"ratios[{h}][{i}] = {got:.6g} does not reproduce: the series ar_series({s}) "
                f"gives MAE(AR) / MAE(persistence) = {reference['right'][j]:.6g}. Use "
                f"LinearAR({AR_ORDER}) fitted on series[:{N_TRAIN}], the targets "
                f"np.arange({N_TRAIN}, len(series)), and the seeds of run_seeds in order.",
            )
    means = {h: float(measured[h].mean()) for h in HORIZONS}
    expected = next((h for h in HORIZONS if means[h] < 0.8), None)
    if first_below != expected or isinstance(first_below, bool):
        shown = ", ".join(f"h = {h}: {m:.3f}" for h, m in means.items())
        fail(
            ex,
            f"first_below = {first_below!r}, but your own ratios put it at {expected}: their "
            f"means over the runs are {shown}.",
        )
    passed(
        ex,
        f"your ratios reproduce; over {len(run_seeds)} runs the AR's error is "
        f"{means[HORIZONS[0]]:.3f} of persistence's at h = {HORIZONS[0]} and "
        f"{means[HORIZONS[-1]]:.3f} at h = {HORIZONS[-1]} (the limit is 1/√2 = 0.707), "
        f"below 0.8 from h = {expected}.",
    )
