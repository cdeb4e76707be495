"""Tests of the count-based n-gram baselines (rnnbook.ngram)."""

import math

import numpy as np
import pytest

from rnnbook.ngram import NGramLM


def test_bigram_counts_and_add_k_probabilities_by_hand():
    # corpus "a b a b b" over V = 3 (id 2 never occurs): pairs ab, ba, ab, bb
    ids = np.array([0, 1, 0, 1, 1])
    model = NGramLM(order=2, k=0.5).fit(ids, vocab_size=3)
    assert model.counts.tolist() == [[0, 2, 0], [1, 1, 0], [0, 0, 0]]
    # P(b | a) = (2 + 0.5) / (2 + 0.5 * 3)
    assert model.probs[0, 1] == pytest.approx(2.5 / 3.5)
    # an unseen context falls back to the uniform distribution
    np.testing.assert_allclose(model.probs[2], np.full(3, 1 / 3))
    np.testing.assert_allclose(model.probs.sum(axis=1), 1.0)


def test_unigram_counts_targets_only_and_normalises():
    ids = np.array([2, 0, 0, 1])  # the first id is context, never counted
    model = NGramLM(order=1, k=1.0).fit(ids, vocab_size=3)
    assert model.counts.tolist() == [2, 1, 0]
    np.testing.assert_allclose(model.probs, np.array([3, 2, 1]) / 6)


def test_pairs_do_not_cross_sequence_boundaries():
    model = NGramLM(order=2, k=1.0).fit([np.array([0, 1]), np.array([2, 0])], vocab_size=3)
    assert model.counts[1].sum() == 0  # "1 then 2" spans two sequences: not a pair
    assert model.counts[0, 1] == 1 and model.counts[2, 0] == 1


def test_sequence_log_prob_is_the_chain_rule():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 4, size=200)
    model = NGramLM(order=2, k=1.0).fit(ids, vocab_size=4)
    sentence = [3, 0, 2, 1]
    by_hand = sum(
        math.log(model.probs[a, b]) for a, b in zip(sentence[:-1], sentence[1:], strict=True)
    )
    assert model.sequence_log_prob(sentence) == pytest.approx(by_hand)
    assert model.sequence_prob(sentence) == pytest.approx(math.exp(by_hand))


def test_bits_per_token_of_uniform_data_is_log2_V_and_bigram_learns_structure():
    rng = np.random.default_rng(1)
    V = 8
    noise = rng.integers(0, V, size=50_000)
    for order in (1, 2):
        bpc = NGramLM(order=order).fit(noise[:40_000], V).bits_per_token(noise[40_000:])
        assert bpc == pytest.approx(math.log2(V), abs=0.02)
    # a deterministic cycle 0 1 2 ... 7 0 1 ...: the bigram model is almost certain
    cycle = np.arange(10_000) % V
    bigram = NGramLM(order=2, k=0.01).fit(cycle, V)
    unigram = NGramLM(order=1, k=0.01).fit(cycle, V)
    assert bigram.bits_per_token(cycle) < 0.01
    assert unigram.bits_per_token(cycle) == pytest.approx(3.0, abs=0.01)


def test_mean_nll_pools_predictions_over_sequences():
    model = NGramLM(order=2).fit(np.array([0, 1, 0, 1, 2, 0]), vocab_size=3)
    a, b = np.array([0, 1, 2]), np.array([1, 0])
    pooled = -np.concatenate([model.log_probs(a), model.log_probs(b)]).mean()
    assert model.mean_nll([a, b]) == pytest.approx(pooled)
    assert model.bits_per_token([a, b]) == pytest.approx(pooled / math.log(2))


def test_sample_is_seeded_stops_and_follows_the_distribution():
    cycle = np.arange(3_000) % 3
    model = NGramLM(order=2, k=1e-6).fit(cycle, 3)
    assert model.sample(0, 6, rng=0).tolist() == [1, 2, 0, 1, 2, 0]
    assert model.sample(0, 6, rng=0, stop=2).tolist() == [1, 2]
    noisy = NGramLM(order=1, k=1.0).fit(
        np.array([0, 0, 0, 0, 1]), 2
    )  # targets 0 0 0 1: P = (4/6, 2/6)
    draws = noisy.sample(0, 20_000, rng=3)
    assert np.mean(draws == 0) == pytest.approx(4 / 6, abs=0.01)
    np.testing.assert_array_equal(noisy.sample(0, 50, rng=4), noisy.sample(0, 50, rng=4))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: NGramLM(order=3), r"expected 1 \(unigram\) or 2 \(bigram\), received 3"),
        (lambda: NGramLM(k=0), "expected a positive pseudo-count, received 0"),
        (lambda: NGramLM().fit(np.array([0, 5]), 3), r"expected ids in \[0, 3\)"),
        (lambda: NGramLM().fit(np.array([[0, 1]]), 3), r"1-D array of token ids"),
        (lambda: NGramLM().fit(np.array([1]), 3), "at least 2 ids"),
        (lambda: NGramLM().fit(np.array([0.5, 1.0]), 3), "integer token ids"),
        (lambda: NGramLM().fit([], 3), "at least one sequence"),
        (lambda: NGramLM().log_probs([0, 1]), "not fitted"),
        (lambda: NGramLM().fit([0, 1], 2).next_probs(7), r"token id in \[0, 2\)"),
        (lambda: NGramLM().fit([0, 1], 2).sample(0, 0), "positive length"),
    ],
)
def test_bad_input_raises_value_error_saying_what_was_expected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
