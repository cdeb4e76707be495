"""Translation data: several training year ranges, and the French message catalogues."""

import pytest

from rnnbook.data.translation import date_pairs, load_messages, load_translation, po_pairs


def test_dates_from_several_year_ranges():
    pairs = date_pairs(400, [(1000, 1009), (2030, 2039)], seed=1)
    years = [int(en[-4:]) for _, en in pairs]
    assert all(1000 <= y <= 1009 or 2030 <= y <= 2039 for y in years)
    assert min(years) < 1010 and max(years) >= 2030
    assert len(set(pairs)) == 400
    assert date_pairs(5, 1990, 1999, seed=3) == date_pairs(5, [(1990, 1999)], seed=3)
    with pytest.raises(ValueError, match="must not overlap"):
        date_pairs(5, [(1990, 2000), (2000, 2010)])
    with pytest.raises(ValueError, match="give last_year"):
        date_pairs(5, 1990)


def test_held_out_decade_between_training_ranges():
    data = load_translation("dates", n_dates=300, train_years=[(1900, 2019), (2030, 2099)])
    train_years = {int(en[-4:]) for _, en in data.train + data.val}
    test_years = {int(en[-4:]) for _, en in data.test}
    assert test_years <= set(range(2020, 2030)) and not train_years & test_years
    assert max(train_years) > 2029
    with pytest.raises(ValueError, match="must not overlap"):
        load_translation("dates", n_dates=10, train_years=(1950, 2025))


def test_message_catalogues_are_real_translation_pairs():
    pairs = po_pairs()
    assert len(pairs) > 500
    english = dict((en, fr) for fr, en in pairs)
    assert english.get("Search") in ("Rechercher", "Recherche")
    assert all(fr and en for fr, en in pairs)
    data = load_messages(max_tokens=16, seed=0)
    assert len(data.train) > 5 * len(data.test) / 2 and len(data.test) > 50
    assert not set(data.train) & set(data.test)
    assert load_messages(max_tokens=16, seed=0).test == data.test
