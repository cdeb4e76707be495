"""Real-data loaders: shapes, value ranges, non-overlapping splits, load time, determinism."""

import hashlib
import os
import subprocess
import sys
import time
from datetime import date

import numpy as np
import pytest

from rnnbook.data import (
    LANGUAGES,
    adding_problem,
    char_corpus,
    copy_task,
    date_pairs,
    detokenize,
    dna_motifs,
    encode_pairs,
    geometric_random_walk,
    load_bach_chorales,
    load_co2,
    load_names,
    load_python_source,
    load_sunspots,
    load_translation,
    make_windows,
    ner_sentences,
    number_pairs,
    sentiment_sentences,
    tokenize_translation,
)
from rnnbook.data.text import python_source_files

LOADERS = {
    "python_source_1M": lambda: char_corpus(load_python_source(1_000_000)),
    "python_source_all": lambda: load_python_source(None),
    "names": load_names,
    "translation": load_translation,
    "sunspots": load_sunspots,
    "co2": load_co2,
    "bach_chorales": load_bach_chorales,
    "sentiment": sentiment_sentences,
    "ner": ner_sentences,
    "dna_motifs": dna_motifs,
    "adding_T100": lambda: adding_problem(10_000, T=100),
    "copy_task": lambda: copy_task(10_000),
}


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_loads_in_under_5_seconds(name):
    start = time.perf_counter()
    LOADERS[name]()
    assert time.perf_counter() - start < 5.0


def test_python_source_size_knob_and_prefix():
    # exact text depends on the Python patch version; check properties, not content
    small, large = load_python_source(5_000), load_python_source(50_000)
    assert len(small) == 5_000 and len(large) == 50_000 and large.startswith(small)
    assert small.isascii() and "def " in large
    first = python_source_files()[0]
    assert small.startswith(first.read_text(encoding="ascii")[:100])
    assert not any("test" in p.parts or "site-packages" in p.parts for p in python_source_files())
    corpus = char_corpus(large)
    assert len(corpus.vocab) < 100 and corpus.vocab.specials == ()
    joined = np.concatenate([corpus.train, corpus.val, corpus.test])
    assert corpus.vocab.decode_text(joined) == large
    with pytest.raises(ValueError, match="n_chars"):
        load_python_source(0)


def test_names_languages_labels_and_splits():
    d = load_names()
    assert len(d.label_names) >= 8 and set(d.label_names) <= set(LANGUAGES)
    counts = np.bincount(d.y, minlength=len(d.label_names))
    assert counts.min() >= 150 and len(d) == counts.sum()
    assert len(set(d.tokens)) == len(d)  # no name belongs to two languages
    assert all(n.isalpha() for n in d.tokens)
    assert d.x.shape == (d.lengths.max(), len(d))
    assert d.vocab.decode_text(d.x[: d.lengths[10], 10]) == d.tokens[10]
    parts = [{d.tokens[i] for i in s} for s in (d.train, d.val, d.test)]
    assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
    sub = load_names(["French", "German"])
    assert sub.label_names == ("French", "German") and set(sub.y.tolist()) == {0, 1}
    with pytest.raises(ValueError, match="Klingon"):
        load_names(["Klingon"])


def test_translation_test_set_is_held_out():
    d = load_translation()
    seen = set(d.train) | set(d.val)
    assert not set(d.train) & set(d.val) and not seen & set(d.test)
    years = [int(en[-4:]) for _, en in d.test if en[-4:].isdigit() and "," in en]
    assert years and min(years) >= 2020
    train_years = [int(en[-4:]) for _, en in d.train if "," in en and en[-4:].isdigit()]
    assert max(train_years) <= 2019
    held_out_numbers = number_pairs(9_000, 10_000)  # every number from 9000 on, none before
    assert set(held_out_numbers) <= set(d.test) and len(d.test) == len(held_out_numbers) + 500
    for fr, en in d.train[:500] + d.test:
        assert detokenize(tokenize_translation(fr)) == fr
        assert detokenize(tokenize_translation(en)) == en
    src, src_len, tgt, tgt_len = encode_pairs(d.test, d.src_vocab, d.tgt_vocab)
    assert src.shape == (src_len.max(), len(d.test)) and tgt.shape[1] == len(d.test)
    assert (tgt[0] == d.tgt_vocab.bos_id).all()
    assert (tgt[tgt_len - 1, np.arange(len(d.test))] == d.tgt_vocab.eos_id).all()
    assert (src != d.src_vocab.unk_id).all()  # digit tokens make held-out years known


def test_translation_sources_match_packages():
    from babel.dates import format_date
    from num2words import num2words

    fr, en = date_pairs(1, 2009, 2009, seed=0)[0]
    assert fr.split()[-1] == "2009" and en.endswith(", 2009")
    assert format_date(date(2009, 6, 25), "full", locale="fr_FR") == "jeudi 25 juin 2009"
    ks = np.random.default_rng(0).integers(0, 10_000, size=30)
    for k in ks.tolist():  # the committed cache equals num2words' output
        assert number_pairs(k, k + 1)[0] == (num2words(k, lang="fr"), num2words(k, lang="en"))


def test_time_series():
    years, spots = load_sunspots()
    assert years.shape == spots.shape == (309,) and years[0] == 1700 and spots.min() >= 0
    t, ppm = load_co2()
    assert t.shape == ppm.shape and len(t) > 500 and not np.isnan(ppm).any()
    assert np.all(np.diff(t) > 0) and ppm[-12:].mean() > ppm[:12].mean() + 40
    prices = geometric_random_walk(20_000, mu=0.001, sigma=0.02, seed=1)
    assert prices.shape == (20_001,) and prices[0] == 100 and (prices > 0).all()
    r = np.diff(np.log(prices))
    assert abs(r.mean() - 0.001) < 4 * 0.02 / np.sqrt(len(r)) and r.std() == pytest.approx(
        0.02, rel=0.03
    )
    x, y = make_windows(spots, window=12, horizon=3)
    assert x.shape == (12, 309 - 14, 1) and y.shape == (295,)
    assert x[0, 5, 0] == spots[5] and y[5] == spots[5 + 12 + 2]


def test_bach_chorales():
    m = load_bach_chorales()
    raw = load_bach_chorales(transpose=False)
    assert len(m.titles) >= 300 and len(m.vocab) < 400
    for p, q, d, toks in zip(m.pitches, raw.pitches, m.durations, m.tokens, strict=True):
        assert len(p) == len(d) == len(toks) >= 8 and (d > 0).all()
        notes = p > 0
        assert (p[notes] >= 48).all() and (p[notes] <= 90).all()
        shift = np.unique(p[notes] - q[notes])
        assert len(shift) == 1 and -6 <= shift[0] <= 5
    assert m.vocab.decode(m.vocab.encode(m.tokens[0])) == m.tokens[0]


_DIGEST = """
import hashlib
from rnnbook import data as D
h = hashlib.sha256()
def add(*xs):
    for x in xs:
        h.update(repr(x.tolist() if hasattr(x, "tolist") else x).encode())
for d in (D.load_names(), D.sentiment_sentences(), D.ner_sentences(), D.dna_motifs(300),
          D.dna_motifs(300, per_position=True)):
    add(d.tokens, d.x, d.y, d.train, d.val, d.test, d.vocab.tokens)
t = D.load_translation()
add(t.train, t.val, t.test, t.src_vocab.tokens, t.tgt_vocab.tokens)
c = D.char_corpus(D.load_python_source(20000))
add(c.train, c.val, c.test, c.vocab.tokens, *D.load_sunspots(), D.hello_example())
m = D.load_bach_chorales()
add(m.tokens, m.vocab.tokens, *D.adding_problem(50), *D.copy_task(50))
add(*D.long_gap_sentences(50, 7)[:2])
add(D.load_python_source(20000), D.geometric_random_walk(100), *D.load_co2())
print(h.hexdigest())
"""


def test_same_data_in_processes_with_different_hash_seeds():
    digests = []
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", _DIGEST], env=env, capture_output=True, text=True, check=True
        )
        digests.append(out.stdout.strip())
    assert len(digests[0]) == 64 and digests[0] == digests[1]
    assert hashlib.sha256(b"").hexdigest() not in digests


@pytest.mark.parametrize(
    ("package", "load", "message"),
    [
        ("faker", load_names, "needs the package Faker: pip install Faker"),
        ("babel", lambda: date_pairs(3, 2000, 2001), "needs the package babel: pip install babel"),
        ("statsmodels", load_sunspots, "needs the package statsmodels: pip install statsmodels"),
    ],
)
def test_missing_package_is_named(monkeypatch, package, load, message):
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, package, None)  # makes `import package` fail
    with pytest.raises(ModuleNotFoundError, match=message):
        load()
