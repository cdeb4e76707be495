"""Chapter 09's baselines: bag of words, logistic regression, naive Bayes, window tagger."""

import numpy as np
import pytest
import torch

from rnnbook.baselines import CharBigramNaiveBayes, LogisticRegression, WindowTagger, bag_of_words
from rnnbook.ngram import NGramLM


def test_bag_of_words_counts_real_tokens_only():
    x = np.array([[1, 2], [1, 0], [3, 0]])  # (T=3, N=2), 0 is padding in column 1
    counts = bag_of_words(x, np.array([3, 1]), vocab_size=4)
    np.testing.assert_array_equal(counts, [[0, 2, 0, 1], [0, 0, 1, 0]])


@pytest.mark.parametrize(
    "x, lengths, match",
    [
        (np.zeros((3,), dtype=int), np.array([3]), r"shape \(T, N\)"),
        (np.zeros((3, 2), dtype=int), np.array([3]), "one per sequence"),
        (np.zeros((3, 2), dtype=int), np.array([0, 3]), "lengths in"),
        (np.full((3, 2), 9), np.array([3, 3]), "token ids in"),
    ],
)
def test_bag_of_words_rejects_bad_input(x, lengths, match):
    with pytest.raises(ValueError, match=match):
        bag_of_words(x, lengths, vocab_size=4)


def test_logistic_regression_separates_separable_data():
    rng = np.random.default_rng(0)
    f = rng.standard_normal((200, 3))
    y = (f @ [1.0, -2.0, 0.5] > 0).astype(int)
    model = LogisticRegression(2, l2=0.0, steps=2000).fit(f, y)
    assert (model.predict(f) == y).mean() > 0.97
    np.testing.assert_allclose(model.predict_proba(f).sum(1), 1.0)


def test_logistic_regression_reaches_a_stationary_point():
    """At the optimum the gradient of the L2-regularised mean cross-entropy vanishes."""
    rng = np.random.default_rng(1)
    f, y = rng.standard_normal((100, 4)), rng.integers(0, 3, 100)
    m = LogisticRegression(3, l2=0.1, lr=0.5, steps=3000).fit(f, y)
    d = (m.predict_proba(f) - np.eye(3)[y]) / len(f)
    np.testing.assert_allclose(d.T @ f + 0.1 * m.W, 0.0, atol=1e-8)
    np.testing.assert_allclose(d.sum(0), 0.0, atol=1e-8)


def test_logistic_regression_errors():
    with pytest.raises(ValueError, match="not fitted"):
        LogisticRegression(2).predict(np.zeros((1, 2)))
    with pytest.raises(ValueError, match="labels in"):
        LogisticRegression(2).fit(np.zeros((2, 2)), np.array([0, 2]))
    with pytest.raises(ValueError, match=r"features \(N, F\)"):
        LogisticRegression(2).fit(np.zeros(4), np.array([0, 1]))
    m = LogisticRegression(2, steps=1).fit(np.zeros((2, 2)), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        m.predict(np.zeros((1, 3)))


def test_naive_bayes_is_prior_plus_class_bigram_log_likelihood():
    seqs = [[0, 1, 2, 3], [0, 1, 1, 3], [0, 2, 2, 3], [0, 2, 1, 3], [0, 2, 2, 2, 3]]
    labels = np.array([0, 0, 1, 1, 1])
    nb = CharBigramNaiveBayes(2, k=0.5).fit(seqs, labels, vocab_size=4)
    query = [[0, 1, 1, 3], [0, 2, 2, 3]]
    expected = np.array([
        [np.log(2 / 5) + NGramLM(2, 0.5).fit(seqs[:2], 4).sequence_log_prob(q),
         np.log(3 / 5) + NGramLM(2, 0.5).fit(seqs[2:], 4).sequence_log_prob(q)]
        for q in query
    ])  # fmt: skip
    np.testing.assert_allclose(nb.log_posterior(query), expected)
    np.testing.assert_array_equal(nb.predict(query), [0, 1])


def test_naive_bayes_errors():
    with pytest.raises(ValueError, match="every class"):
        CharBigramNaiveBayes(3).fit([[0, 1], [1, 0]], np.array([0, 1]), 2)
    with pytest.raises(ValueError, match="one label per sequence"):
        CharBigramNaiveBayes(2).fit([[0, 1]], np.array([0, 1]), 2)
    with pytest.raises(ValueError, match="not fitted"):
        CharBigramNaiveBayes(2).predict([[0, 1]])


def test_window_tagger_sees_its_window_and_nothing_else():
    torch.manual_seed(0)
    tagger = WindowTagger(vocab_size=4, num_tags=2, radius=2)
    x = torch.randint(0, 4, (20, 3))
    assert tagger(x).shape == (20, 3, 2)
    changed = x.clone()
    changed[10] = (changed[10] + 1) % 4  # only positions 8..12 may change
    diff = (tagger(changed) - tagger(x)).abs().sum((1, 2))
    assert (diff[8:13] > 0).all() and (diff[:8] == 0).all() and (diff[13:] == 0).all()
    with pytest.raises(ValueError, match=r"shape \(T, N\)"):
        tagger(x[:, 0])
