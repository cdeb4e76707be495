"""Chapter 09's checkers: right answers pass, each plausible mistake gets its message."""

import re

import numpy as np
import pytest

from rnnbook.audio import piano_roll as package_piano_roll
from rnnbook.baselines import bag_of_words as package_bag_of_words
from rnnbook.checks import CheckFailed, ch09
from rnnbook.forecasting import Standardizer
from rnnbook.forecasting import persistence as package_persistence


def fails_with(check, answer, *fragments):
    with pytest.raises(CheckFailed) as info:
        check(answer)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message


# ------------------------------------------------------------------ 9.1 persistence


def test_persistence_accepts_the_package_and_a_plain_answer(capsys):
    ch09.check_persistence(package_persistence)
    ch09.check_persistence(lambda s, t, h: s[t - h])
    assert "✔ Exercise 9.1" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (lambda s, t, h: s[t], "targets themselves"),
        (lambda s, t, h: s[t - h + 1], "not known yet"),
        (lambda s, t, h: s[t - h - 1], "one step too old"),
        (lambda s, t, h: s[t - 1], "ignores the horizon"),
        (lambda s, t, h: s[:-h], "one forecast per entry of targets"),
        (lambda s, t, h: s[t - h] + 1.0, "wrong at index"),
    ],
)
def test_persistence_mistakes(answer, fragment):
    fails_with(ch09.check_persistence, answer, "Exercise 9.1", fragment)


def test_persistence_stub():
    def stub(s, t, h):
        raise NotImplementedError

    fails_with(ch09.check_persistence, stub, "not implemented yet")


# ------------------------------------------------------------------ 9.2 standardize


def right_standardize(series, n_train):
    z = Standardizer.fit(series[:n_train])
    return z.transform(series), z.mean, z.std


def test_standardize_accepts_population_and_sample_std(capsys):
    ch09.check_standardize(right_standardize)

    def sample_std(series, n):
        m, s = series[:n].mean(), series[:n].std(ddof=1)
        return (series - m) / s, m, s

    ch09.check_standardize(sample_std)
    assert capsys.readouterr().out.count("✔ Exercise 9.2") == 2


def _scaled(stats):
    def answer(series, n):
        m, s = stats(series, n)
        return (series - m) / s, m, s

    return answer


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (_scaled(lambda x, n: (x.mean(), x.std())), "test part leaks"),
        (_scaled(lambda x, n: (x[n:].mean(), x[n:].std())), "held-out part"),
        (_scaled(lambda x, n: (x[:n].mean(), x[:n].var())), "variance"),
        (lambda x, n: (x - x[:n].mean(), x[:n].mean(), x[:n].std()), "only centred"),
        (lambda x, n: right_standardize(x[:n], n), "standardise the whole series"),
        (lambda x, n: right_standardize(x, n)[:2], "tuple (z, mean, std)"),
        (_scaled(lambda x, n: (x[: n - 1].mean(), x[: n - 1].std())), "mean is wrong"),
    ],
)
def test_standardize_mistakes(answer, fragment):
    fails_with(ch09.check_standardize, answer, "Exercise 9.2", fragment)


# ------------------------------------------------------------------ 9.3 bag of words


def test_bag_of_words_accepts_the_package(capsys):
    ch09.check_bag_of_words(package_bag_of_words)
    assert "✔ Exercise 9.3" in capsys.readouterr().out


def _count_all(x, lengths, V):
    return np.stack([np.bincount(x[:, n], minlength=V) for n in range(x.shape[1])])


def _batch_major(x, lengths, V):
    return np.stack([np.bincount(x[n, :length], minlength=V) for n, length in enumerate(lengths)])


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (_count_all, "counted the padding"),
        (lambda x, L, V: (package_bag_of_words(x, L, V) > 0).astype(float), "presence"),
        (lambda x, L, V: package_bag_of_words(x, L, V).T, "(V, N)"),
        (
            lambda x, L, V: np.stack(
                [np.bincount(r[:l], minlength=V) for r, l in zip(x, L, strict=False)]
            ),
            "time-major",
        ),
    ],
)
def test_bag_of_words_mistakes(answer, fragment):
    fails_with(ch09.check_bag_of_words, answer, "Exercise 9.3", fragment)


# ------------------------------------------------------------------ 9.4 piano roll


def test_piano_roll_accepts_the_package(capsys):
    ch09.check_piano_roll(package_piano_roll)
    assert "✔ Exercise 9.4" in capsys.readouterr().out


def roll_with(*, late=False, flip=False, scale=True, extra=0, shift=0, rests=False):
    def answer(pitches, durations, spq, low, high):
        factor = spq if scale else 1
        ends = np.round(np.cumsum(durations) * factor).astype(int)
        starts = ends if late else np.concatenate([[0], ends[:-1]])
        roll = np.zeros((high - low + 1, ends[-1]), dtype=bool)
        for p, a, d in zip(pitches, starts, np.round(durations * factor).astype(int), strict=True):
            if p > 0 or rests:
                roll[p - low + shift, a : a + d + extra] = True
        return roll[::-1] if flip else roll

    return answer


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (roll_with(late=True), "after its own duration"),
        (roll_with(flip=True), "flipped"),
        (roll_with(scale=False), "multiply the durations"),
        (roll_with(extra=1), "one step too long"),
        (roll_with(shift=1), "off by one"),
        (roll_with(rests=True), "IndexError"),
    ],
)
def test_piano_roll_mistakes(answer, fragment):
    fails_with(ch09.check_piano_roll, answer, "Exercise 9.4", fragment)


# ------------------------------------------------------------------ 9.5 last real step


def test_last_real_step_accepts_fancy_indexing_and_a_loop(capsys):
    ch09.check_last_real_step(lambda o, L: o[L - 1, np.arange(o.shape[1])])
    ch09.check_last_real_step(lambda o, L: np.stack([o[l - 1, n] for n, l in enumerate(L)]))
    assert capsys.readouterr().out.count("✔ Exercise 9.5") == 2


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (lambda o, L: o[-1], "last padded step"),
        (lambda o, L: o[L, np.arange(o.shape[1])], "IndexError"),
        (lambda o, L: o[np.minimum(L, len(o) - 1), np.arange(o.shape[1])], "one step past"),
        (lambda o, L: o[0], "first step"),
        (lambda o, L: o[L - 1], "(N, N, H)"),
    ],
)
def test_last_real_step_mistakes(answer, fragment):
    fails_with(ch09.check_last_real_step, answer, "Exercise 9.5", fragment)


# ------------------------------------------------------------------ 9.7 entity scores


def test_entity_scores_accept_the_package_and_fractions(capsys):
    from rnnbook.metrics import entity_f1

    scores = entity_f1(ch09.ENTITY_PRED, ch09.ENTITY_GOLD)
    ch09.check_entity_scores(scores["precision"], scores["recall"], scores["f1"])
    ch09.check_entity_scores(2 / 7, 2 / 5, 1 / 3)
    ch09.check_entity_scores(0.286, 0.4, 0.333)  # three decimals
    ch09.check_entity_scores(np.float32(2 / 7), np.float32(0.4), np.float32(1 / 3))
    assert capsys.readouterr().out.count("✔ Exercise 9.7") == 4


def test_entity_scores_token_level_is_named():
    from rnnbook.metrics import token_f1

    scores = token_f1(ch09.ENTITY_PRED, ch09.ENTITY_GOLD)
    with pytest.raises(CheckFailed, match="you counted tokens, not entities"):
        ch09.check_entity_scores(scores["precision"], scores["recall"], scores["f1"])


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        ((7 / 9, 7 / 9, 7 / 9), "counted tokens by type"),
        ((5 / 7, 4 / 5, 40 / 53), "partial matches as hits"),  # overlaps of the same type
        ((5 / 7, 1.0, 5 / 6), "partial matches as hits"),
        ((3 / 7, 3 / 5, 1 / 2), "you ignored the type"),  # Paris as ORG counted
        ((3 / 6, 3 / 5, 6 / 11), "B-PER B-PER as one entity"),
        ((2 / 5, 2 / 7, 1 / 3), "precision and recall are swapped"),
        ((2 / 7, 2 / 5, (2 / 7 + 2 / 5) / 2), "not the arithmetic mean"),
        ((2 / 7, 2 / 5, (2 / 7 * 2 / 5) ** 0.5), "not the geometric mean"),
        ((0.28, 0.4, 1 / 3), "Give at least three decimals"),
        ((2 / 7, 2 / 5, 1.5), "is not a share"),
        (("2/7", 2 / 5, 1 / 3), "precision should be a number"),
        ((2 / 7, True, 1 / 3), "recall should be a number"),
    ],
)
def test_entity_scores_name_mistakes(answer, fragment):
    with pytest.raises(CheckFailed, match=re.escape(fragment)) as info:
        ch09.check_entity_scores(*answer)
    assert "Exercise 9.7" in str(info.value)


def test_entity_scores_example_matches_the_package_spans():
    from rnnbook.metrics import entity_spans

    for tags in (*ch09.ENTITY_GOLD, *ch09.ENTITY_PRED):
        assert ch09._spans(tags) == entity_spans(list(tags))
    assert sum(len(entity_spans(list(t))) for t in ch09.ENTITY_PRED) == 7
    assert sum(len(entity_spans(list(t))) for t in ch09.ENTITY_GOLD) == 5


# ------------------------------------------------------------------ 9.8 horizon experiment

_RUNS = [3, 4, 5]


def _horizon_ratio(run_seed, h, *, leak=False, inverted=False, ar_one=False, pers_one=False):
    from rnnbook.forecasting import LinearAR, mae

    x = ch09.ar_series(run_seed)
    targets = np.arange(800, len(x))
    ar = LinearAR(3).fit(x if leak else x[:800])
    a = mae(ar.forecast(x, targets, 1 if ar_one else h), x[targets])
    p = mae(x[targets - (1 if pers_one else h)], x[targets])
    return p / a if inverted else a / p


def _horizon_ratios(**mistake):
    return {h: [_horizon_ratio(s, h, **mistake) for s in _RUNS] for h in ch09.HORIZONS}


def _first_below(ratios):
    return next((h for h in ch09.HORIZONS if np.mean(ratios[h]) < 0.8), None)


def test_horizon_experiment_accepts_right_answer(capsys):
    ratios = _horizon_ratios()
    ch09.check_horizon_experiment(ratios, _RUNS, _first_below(ratios))
    assert "✔ Exercise 9.8: your ratios reproduce" in capsys.readouterr().out


def test_horizon_experiment_accepts_float32_arrays_and_numpy_ints(capsys):
    ratios = _horizon_ratios()
    as32 = {np.int64(h): np.asarray(v, dtype=np.float32) for h, v in ratios.items()}
    ch09.check_horizon_experiment(as32, np.array(_RUNS), np.int64(_first_below(ratios)))
    assert "✔ Exercise 9.8" in capsys.readouterr().out


def test_ar_series_is_seeded_and_stationary():
    a, b = ch09.ar_series(7), ch09.ar_series(7)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (1200,)
    assert 1.3 < a.std() < 2.1  # stationary std 1 / sqrt(1 - 0.8²) = 1.67
    with pytest.raises(ValueError, match="stationary"):
        ch09.ar_series(7, phi=1.0)


@pytest.mark.parametrize(
    ("mistake", "fragment"),
    [
        ({"inverted": True}, "the ratio is inverted"),
        ({"leak": True}, "fitted on the whole series"),
        ({"ar_one": True}, "one step ahead at every horizon"),
        ({"pers_one": True}, "persistence always uses series[t - 1]"),
    ],
)
def test_horizon_experiment_names_mistake(mistake, fragment):
    ratios = _horizon_ratios(**mistake)
    with pytest.raises(CheckFailed, match=re.escape(fragment)):
        ch09.check_horizon_experiment(ratios, _RUNS, 8)


def test_horizon_experiment_names_rmse():
    from rnnbook.forecasting import LinearAR

    ratios = {h: [] for h in ch09.HORIZONS}
    for s in _RUNS:
        x = ch09.ar_series(s)
        targets = np.arange(800, len(x))
        ar = LinearAR(3).fit(x[:800])
        for h in ch09.HORIZONS:
            err_a = ar.forecast(x, targets, h) - x[targets]
            err_p = x[targets - h] - x[targets]
            ratios[h].append(np.sqrt((err_a**2).mean() / (err_p**2).mean()))
    with pytest.raises(CheckFailed, match="root mean squared errors"):
        ch09.check_horizon_experiment(ratios, _RUNS, 8)


def test_horizon_experiment_names_unreproducible_runs():
    with pytest.raises(CheckFailed, match=re.escape("does not reproduce: the series ar_series(0)")):
        ch09.check_horizon_experiment(_horizon_ratios(), [0, 1, 2], 8)


@pytest.mark.parametrize(
    ("ratios", "fragment"),
    [
        ([1.0, 2.0], "ratios should be a dict"),
        ({1: [1, 1, 1], 2: [1, 1, 1]}, "no entry for the horizon(s) [4, 8, 16]"),
        ({h: [1.0, 1.0] for h in ch09.HORIZONS}, "ratios[1] holds 2 values; expected one per"),
    ],
)
def test_horizon_experiment_names_a_malformed_answer(ratios, fragment):
    with pytest.raises(CheckFailed, match=re.escape(fragment)):
        ch09.check_horizon_experiment(ratios, _RUNS, 8)


def test_horizon_experiment_names_a_wrong_first_below():
    ratios = _horizon_ratios()
    right = _first_below(ratios)
    wrong = 16 if right != 16 else 4
    with pytest.raises(CheckFailed, match=f"but your own ratios put it at {right}"):
        ch09.check_horizon_experiment(ratios, _RUNS, wrong)
