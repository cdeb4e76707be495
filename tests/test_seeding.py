"""rnnbook.seeding: one knob shifts every seed; rnnbook.metrics.Spread reports runs."""

import pytest

from rnnbook.metrics import Spread
from rnnbook.seeding import SEED_ENV, seed, seed_shift, seeds


def test_unset_knob_leaves_book_seeds_as_written(monkeypatch):
    monkeypatch.delenv(SEED_ENV, raising=False)
    assert seed_shift() == 0
    assert seed() == 0 and seed(7) == 7
    assert seeds(3) == [0, 1, 2] and seeds(2, start=10) == [10, 11]


@pytest.mark.parametrize("shift", [1, 2])
def test_knob_moves_every_seed_past_all_book_seeds(monkeypatch, shift):
    monkeypatch.setenv(SEED_ENV, str(shift))
    assert seed(0) == 1000 * shift and seed(999) == 1000 * shift + 999
    shifted = set(seeds(5))
    monkeypatch.setenv(SEED_ENV, "0")
    assert shifted.isdisjoint(range(1000))  # no run of the shifted book repeats one of the book


@pytest.mark.parametrize("raw", ["one", "-1", "1.5"])
def test_bad_knob_is_a_clear_error(monkeypatch, raw):
    monkeypatch.setenv(SEED_ENV, raw)
    with pytest.raises(ValueError, match="RNNBOOK_SEED to be a non-negative integer"):
        seed(0)


@pytest.mark.parametrize("k", [-1, 1000, 2.0, True])
def test_book_seeds_stay_below_the_stride(k):
    with pytest.raises(ValueError, match=r"expected a book seed 0 <= k < 1000"):
        seed(k)
    with pytest.raises(ValueError, match="at least one seed"):
        seeds(0)


def test_spread_reports_mean_and_range():
    s = Spread([0.91, 0.97, 0.95])
    assert len(s) == 3 and s.min == 0.91 and s.max == 0.97
    assert abs(s.mean - 0.9433333) < 1e-6
    assert f"{s:.3f}" == "0.943 (0.910–0.970)"
    assert f"{s:.0%}" == "94% (91–97%)"
    with pytest.raises(ValueError, match="at least one value"):
        Spread([])
    with pytest.raises(ValueError, match="finite"):
        Spread([0.5, float("nan")])
