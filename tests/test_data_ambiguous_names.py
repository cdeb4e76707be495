"""The generators of chapter 08: names that only the right context types, and digit sums."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from rnnbook.data import IGNORE_INDEX, NER_TAGS
from rnnbook.data.synthetic import AMBIGUOUS_NAMES, ambiguous_name_sentences, digit_pair_sums


@pytest.fixture(scope="module")
def names():
    return ambiguous_name_sentences(3000, seed=0)


def _name_position(tokens) -> int:
    return next(t for t, w in enumerate(tokens) if w in AMBIGUOUS_NAMES)


def test_every_sentence_holds_one_name_with_one_of_its_two_types(names):
    for n, tokens in enumerate(names.tokens):
        assert sum(w in AMBIGUOUS_NAMES for w in tokens) == 1, tokens
        t = _name_position(tokens)
        assert NER_TAGS[names.y[t, n]] in AMBIGUOUS_NAMES[tokens[t]], tokens
        assert all(NER_TAGS[k] == "O" for k in names.y[:t, n]), tokens  # the prefix is O


def test_both_types_of_every_name_occur_after_every_prefix_kind(names):
    seen = Counter()
    for n, tokens in enumerate(names.tokens):
        t = _name_position(tokens)
        seen[tokens[t], NER_TAGS[names.y[t, n]]] += 1
    for name, types in AMBIGUOUS_NAMES.items():
        for kind in types:
            assert seen[name, kind] >= 20, (name, kind, seen[name, kind])


def test_the_words_up_to_the_name_do_not_decide_its_type(names):
    """Every prefix (the words up to and including the name) occurs with both types."""
    types = {}
    for n, tokens in enumerate(names.tokens):
        t = _name_position(tokens)
        types.setdefault(tuple(tokens[: t + 1]), set()).add(NER_TAGS[names.y[t, n]])
    assert all(len(kinds) == 2 for kinds in types.values()), types


def test_no_common_noun_is_an_entity(names):
    for n, tokens in enumerate(names.tokens):
        for t, w in enumerate(tokens):
            if NER_TAGS[names.y[t, n]] != "O":
                assert w[0].isupper(), (w, tokens)


def test_tags_are_padded_and_the_split_is_disjoint(names):
    assert names.label_names == NER_TAGS
    assert names.x.shape == names.y.shape
    for n, length in enumerate(names.lengths):
        assert (names.y[length:, n] == IGNORE_INDEX).all()
        assert (names.y[:length, n] != IGNORE_INDEX).all()
    parts = [set(names.train), set(names.val), set(names.test)]
    assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])


def test_the_generator_is_deterministic_and_seeded():
    a, b = ambiguous_name_sentences(500, seed=3), ambiguous_name_sentences(500, seed=3)
    assert a.tokens == b.tokens and np.array_equal(a.y, b.y)
    assert ambiguous_name_sentences(500, seed=4).tokens != a.tokens


def test_ambiguous_name_sentences_rejects_too_few_draws():
    with pytest.raises(ValueError, match="n >= 10"):
        ambiguous_name_sentences(5)


def test_digit_pair_sums_targets():
    x, y = digit_pair_sums(50, T=12, seed=1)
    assert x.shape == y.shape == (12, 50) and x.dtype == y.dtype == np.int64
    assert (y[0] == IGNORE_INDEX).all()
    assert np.array_equal(y[1:], (x[1:] + x[:-1]) % 10)
    assert x.min() >= 0 and x.max() <= 9
    x7, y7 = digit_pair_sums(20, T=5, modulus=7, seed=1)
    assert x7.max() <= 6 and np.array_equal(y7[1:], (x7[1:] + x7[:-1]) % 7)
    assert np.array_equal(digit_pair_sums(50, T=12, seed=1)[0], x)


@pytest.mark.parametrize("kwargs", [dict(n=0), dict(n=5, T=1), dict(n=5, modulus=1)])
def test_digit_pair_sums_rejects_bad_sizes(kwargs):
    with pytest.raises(ValueError, match="need n >= 1"):
        digit_pair_sums(**kwargs)
