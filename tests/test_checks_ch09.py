"""Chapter 09's checkers: right answers pass, each plausible mistake gets its message."""

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
