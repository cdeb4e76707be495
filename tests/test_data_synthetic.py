"""Synthetic tasks: shapes, value ranges, exact labels, and the baselines they state."""

from collections import Counter, defaultdict

import numpy as np
import pytest

from rnnbook.data import (
    ADDING_BASELINE_MSE,
    GAP_PAIRS,
    IGNORE_INDEX,
    NER_TAGS,
    adding_problem,
    copy_task,
    copy_task_baseline,
    dna_motifs,
    long_gap_sentences,
    ner_sentences,
    sentiment_sentences,
)


def test_adding_problem_structure():
    x, y = adding_problem(500, T=40, seed=1)
    assert x.shape == (40, 500, 2) and y.shape == (500,) and x.dtype == np.float32
    values, markers = x[..., 0], x[..., 1]
    assert values.min() >= 0 and values.max() <= 1 and set(np.unique(markers)) == {0, 1}
    assert (markers.sum(axis=0) == 2).all()
    assert (markers[:20].sum(axis=0) == 1).all() and (markers[20:].sum(axis=0) == 1).all()
    np.testing.assert_allclose(y, (values * markers).sum(axis=0), rtol=1e-6)
    with pytest.raises(ValueError, match="T >= 2"):
        adding_problem(10, T=1)


def test_adding_problem_trivial_mse_matches_analytic_value():
    n = 200_000
    _, y = adding_problem(n, T=10, seed=0)
    sq = (y.astype(np.float64) - 1.0) ** 2
    stderr = sq.std() / np.sqrt(n)
    assert abs(sq.mean() - ADDING_BASELINE_MSE) < 4 * stderr
    assert ADDING_BASELINE_MSE == pytest.approx(2 / 12)


def test_copy_task_structure_and_baseline():
    n_symbols, n_copy, delay = 6, 5, 20
    x, y = copy_task(20_000, n_symbols, n_copy, delay, seed=0)
    assert x.shape == y.shape == (delay + 2 * n_copy, 20_000)
    np.testing.assert_array_equal(y[-n_copy:], x[:n_copy])
    assert x[:n_copy].min() >= 1 and x[:n_copy].max() <= n_symbols
    assert (x[n_copy + delay - 1] == n_symbols + 1).all() and (y[:-n_copy] == 0).all()
    # the best memoryless predictor uses the marginal label distribution of each step
    ce = 0.0
    for t in range(len(y)):
        p = np.bincount(y[t], minlength=n_symbols + 2) / y.shape[1]
        ce -= np.log(p[y[t]]).mean()
    assert ce / len(y) == pytest.approx(copy_task_baseline(n_symbols, n_copy, delay), rel=0.01)


@pytest.mark.parametrize("per_position", [False, True])
def test_dna_labels_are_exact(per_position):
    d = dna_motifs(400, length=50, motif="TATAAT", per_position=per_position, seed=2)
    assert d.x.shape == (50, 400) and d.x.min() >= 0 and d.x.max() <= 3
    assert (d.lengths == 50).all() and d.vocab.tokens == tuple("ACGT")
    present = np.array(["TATAAT" in s for s in d.tokens])
    assert 0.45 < present.mean() < 0.55
    assert d.vocab.decode_text(d.x[:, 7]) == d.tokens[7]
    if per_position:
        assert d.y.shape == (50, 400) and set(np.unique(d.y)) <= {0, 1}
        np.testing.assert_array_equal(d.y.any(axis=0), present)
        for i in np.flatnonzero(present)[:20]:
            start = d.tokens[i].find("TATAAT")
            assert d.y[start : start + 6, i].all()
    else:
        np.testing.assert_array_equal(d.y, present.astype(np.int64))


def test_sentiment_contains_lecture_sentences_and_defeats_bag_of_words():
    d = sentiment_sentences(4000, seed=0)
    texts = [" ".join(t) for t in d.tokens]
    assert len(set(texts)) == len(texts) and d.x.shape == (max(d.lengths), len(d))
    label = dict(zip(texts, d.y.tolist(), strict=True))
    assert label["there is nothing to like in this movie"] == 0
    not_bad = [s for s in texts if "not bad at all" in s]
    assert not_bad and all(label[s] == 1 for s in not_bad)
    # best possible bag-of-words classifier: the majority label of each multiset of words
    by_bag = defaultdict(Counter)
    for toks, y in zip(d.tokens, d.y.tolist(), strict=True):
        by_bag[tuple(sorted(toks))][y] += 1
    oracle = sum(c.most_common(1)[0][1] for c in by_bag.values()) / len(d)
    assert oracle < 0.95
    assert 0.4 < d.y.mean() < 0.6


def test_sentiment_vocab_from_train_only():
    d = sentiment_sentences(2000, seed=1)
    train_words = {w for i in d.train for w in d.tokens[i]}
    assert set(d.vocab.tokens[4:]) == train_words


def test_ner_first_word_needs_right_context():
    d = ner_sentences(3000, seed=0)
    assert d.y.shape == d.x.shape and d.y.max() < len(NER_TAGS)
    assert all(d.y[d.lengths[i] :, i].tolist() == [IGNORE_INDEX] * (len(d.y) - d.lengths[i])
               for i in range(len(d)))  # fmt: skip
    first = Counter()
    for toks, i in zip(d.tokens, range(len(d)), strict=True):
        first[(toks[0], int(d.y[0, i]))] += 1
    words = {w for w, _ in first}
    assert {"Teddy", "Paris", "Apple"} <= words
    for w in words:  # every ambiguous word appears with two different tags
        assert sum(1 for (v, _) in first if v == w) == 2
    # knowing only the word itself (left context) gets the tag right at most at the majority
    # rate; deduplication leaves more person readings (each has its own surname), so that
    # rate is above one half, but far from certain
    majority = sum(max(c for (v, _), c in first.items() if v == w) for w in words)
    assert majority / sum(first.values()) < 0.85
    idx = {" ".join(t): i for i, t in enumerate(d.tokens)}
    teddy_bears = [s for s in idx if s.startswith("Teddy bears")]
    assert teddy_bears and all(d.y[0, idx[s]] == NER_TAGS.index("O") for s in teddy_bears)
    # only names are tagged: no common noun (the lectures' "bank") is an entity
    assert "bank" not in {w for t in d.tokens for w in t}


def test_long_gap_sentences_label_is_the_country_far_back():
    x, y, vocab = long_gap_sentences(300, gap=12, seed=3)
    assert x.shape == (22, 300) and y.shape == (300,) and x.dtype == y.dtype == np.int64
    words = [vocab.decode(x[:, n]) for n in range(300)]
    assert all(w[:4] == ["I", "grew", "up", "in"] and w[-4:] == [".", "I", "speak", "fluent"]
               for w in words)  # fmt: skip
    assert [w[4] for w in words] == [GAP_PAIRS[label][0] for label in y]  # the evidence
    assert not {w for ws in words for w in ws[6:-4]} & {c for c, _ in GAP_PAIRS}  # filler only
    assert set(y.tolist()) == set(range(len(GAP_PAIRS)))
    again, y_again, vocab_again = long_gap_sentences(300, gap=12, seed=3)
    assert np.array_equal(again, x) and np.array_equal(y_again, y)
    assert vocab_again.tokens == long_gap_sentences(5, gap=0)[2].tokens  # one vocabulary
    with pytest.raises(ValueError, match="gap >= 0"):
        long_gap_sentences(10, gap=-1)


def test_gene_mask_needs_the_closing_stop_codon():
    from rnnbook.data import gene_mask

    marked = "".join("x" if m else "." for m in gene_mask("CCATGCCTAGCCATGCC"))
    assert marked == "..xxxxxxxx......."  # the second ATG is never closed
    assert not gene_mask("ATGATGCC").any()
    assert gene_mask("ATGTAG").all()


def test_dna_genes_labels_follow_gene_mask_and_need_right_context():
    from rnnbook.data import dna_genes, gene_mask

    d = dna_genes(400, seed=3)
    assert d.x.shape == d.y.shape == (60, 400) and d.label_names == ("background", "gene")
    for i in range(0, 400, 37):
        np.testing.assert_array_equal(d.y[:, i], gene_mask(d.tokens[i]))
    has_gene = d.y.any(0)
    assert 0.3 < has_gene.mean() < 0.7  # closed in about half: an ATG alone decides nothing
    assert all("ATG" in t for t in d.tokens)


def test_sentiment_construction_recovers_each_kind():
    from rnnbook.data import sentiment_construction

    assert sentiment_construction("the plot was dull".split()) == "plain"
    assert sentiment_construction("i hated this movie".split()) == "plain"
    assert sentiment_construction("the cast was not bad at all".split()) == "negation"
    assert sentiment_construction("there is nothing to like in this movie".split()) == "nothing"
    assert sentiment_construction("the plot was good but the cast was weak".split()) == "contrast"
    texts = {" ".join(t) for t in sentiment_sentences(4000, seed=0).tokens}
    assert {"this movie is great", "i hated this movie"} <= texts
