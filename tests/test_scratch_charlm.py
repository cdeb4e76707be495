"""The numpy character language model: learning, gradients, state carrying, sampling."""

from __future__ import annotations

import time

import numpy as np
import pytest

from rnnbook.data import batchify
from rnnbook.scratch import charlm, check_gradients, softmax

WORDS = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "to", "hat"]


def corpus(seed: int = 0, words: int = 3000) -> tuple[np.ndarray, int]:
    """Seeded text of random words from a 10-word list: codes and vocabulary size (13)."""
    text = " ".join(np.random.default_rng(seed).choice(WORDS, size=words))
    chars = sorted(set(text))
    return np.array([chars.index(c) for c in text]), len(chars)


def test_loss_falls_well_below_uniform():
    """Uniform guessing costs ln V = 2.56 nats/char; the model must get 1.5 nats below it.

    Words are drawn uniformly, so the best achievable loss is about ln(10) nats per word
    (≈ 0.6 nats/char); 300 Adam steps with H = 32 reach about 0.66 on held-out text in well
    under a second.
    """
    data, vocab = corpus()
    train, held_out = data[:-2000], data[-2000:]
    began = time.perf_counter()
    params, history = charlm.train(train, vocab, hidden_size=32, batch_size=16, num_steps=300,
                                   progress=False)  # fmt: skip
    elapsed = time.perf_counter() - began
    final = charlm.evaluate(params, held_out, batch_size=8)
    print(f"\nchar LM: ln V = {np.log(vocab):.3f}, first loss {history[0]:.3f}, "
          f"final {final:.3f} nats/char after {elapsed:.2f} s")  # fmt: skip
    assert history[0] == pytest.approx(np.log(vocab), abs=0.1)
    assert final < np.log(vocab) - 1.5  # on held-out text
    assert elapsed < 10, f"300 steps took {elapsed:.1f} s; about 1 s is expected on 2 cores"


def test_training_is_seeded():
    data, vocab = corpus()
    runs = [charlm.train(data, vocab, 16, 10, 4, 20, seed=3, progress=False) for _ in range(2)]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    other = charlm.train(data, vocab, 16, 10, 4, 20, seed=4, progress=False)
    assert not np.array_equal(runs[0][1], other[1])


def test_adagrad_also_learns():
    data, vocab = corpus()
    _, history = charlm.train(data, vocab, 32, 25, 16, 200, "adagrad", progress=False)
    assert history[-20:].mean() < np.log(vocab) - 1.0


def test_loss_and_grads_pass_the_gradient_check():
    params = {k: 0.5 * v for k, v in charlm.init_params(6, 5, rng=1).items()}
    params["b_h"] += 0.1
    rng = np.random.default_rng(0)
    inputs, targets, h0 = rng.integers(0, 6, (4, 3)), rng.integers(0, 6, (4, 3)), rng.random((3, 5))
    errors = check_gradients(lambda: charlm.loss_and_grads(params, inputs, targets, h0)[:2], params)
    print(f"\ngradcheck charlm.loss_and_grads: worst {max(errors.values()):.2e}")
    assert set(errors) == {"W_xh", "W_hh", "b_h", "W_hy", "b_y"}
    assert max(errors.values()) < 1e-7


def test_chunked_evaluation_equals_one_pass():
    """Carrying the state across chunks makes truncation invisible to the forward pass."""
    data, vocab = corpus(words=200)
    params = charlm.init_params(vocab, 16, rng=0)
    streams = batchify(data, 4)
    one_pass, _, _ = charlm.forward(params, streams[:-1], streams[1:])
    assert charlm.evaluate(params, data, batch_size=4, seq_length=7) == pytest.approx(
        one_pass, rel=1e-12
    )


def test_sampling():
    data, vocab = corpus()
    params, _ = charlm.train(data, vocab, 32, 25, 16, 100, progress=False)
    sample = charlm.sample(params, data[:5], 50, temperature=0.8, rng=1)
    assert sample.shape == (50,) and sample.min() >= 0 and sample.max() < vocab
    np.testing.assert_array_equal(sample, charlm.sample(params, data[:5], 50, 0.8, rng=1))
    # as τ → 0 sampling becomes greedy decoding: always the most likely next character
    greedy = charlm.sample(params, data[:1], 10, temperature=1e-4, rng=2)
    h, code = None, data[0]
    for expected in greedy:
        _, h, _ = charlm.forward(params, np.array([[code]]), np.array([[0]]), h)
        logits = h @ params["W_hy"].T + params["b_y"]
        assert expected == np.argmax(softmax(logits[0]))
        code = expected


def test_bad_input():
    data, vocab = corpus(words=50)
    params = charlm.init_params(vocab, 8)
    with pytest.raises(
        ValueError,
        match=rf"data must hold codes in \[0, 5\), received values in \[0, {vocab - 1}\]",
    ):
        charlm.train(data, 5, progress=False)
    with pytest.raises(ValueError, match="integer codes, received dtype float64"):
        charlm.train(data.astype(float), vocab, progress=False)
    with pytest.raises(ValueError, match="data too short"):
        charlm.train(data, vocab, seq_length=100, batch_size=8, progress=False)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        charlm.train(data, vocab, optimizer="rmsprop", progress=False)
    with pytest.raises(ValueError, match=r"expected two arrays of shape \(T, N\)"):
        charlm.loss_and_grads(params, data[:10], data[1:11])
    with pytest.raises(ValueError, match="temperature must be positive, received 0"):
        charlm.sample(params, [0], 5, temperature=0)
    with pytest.raises(ValueError, match="prefix is empty"):
        charlm.sample(params, [], 5)


def test_code_lookups_equal_the_one_hot_rnn():
    """charlm's lookup forward and backward are rnn_forward/rnn_backward on one-hot inputs."""
    from rnnbook.scratch import rnn_backward, rnn_forward

    V, H, T, N = 6, 5, 7, 3
    params = charlm.init_params(V, H, rng=1)
    rng = np.random.default_rng(2)
    codes = rng.integers(0, V, size=(T, N))
    h0 = rng.normal(size=(N, H))
    dhs = rng.normal(size=(T, N, H))
    _, hs = charlm._rnn_forward_codes(params, codes, h0, V)
    hs_ref, cache = rnn_forward(np.eye(V)[codes], h0, params)
    assert np.abs(hs - hs_ref).max() < 1e-12
    grads = charlm._rnn_backward_codes(dhs, codes, h0, hs, params)
    _, _, grads_ref = rnn_backward(dhs, cache)
    for key in ("W_xh", "W_hh", "b_h"):
        assert np.abs(grads[key] - grads_ref[key]).max() < 1e-12, key


def test_batched_samples_are_seeded_and_in_the_vocabulary():
    codes, V = corpus()
    params = charlm.init_params(V, 16, rng=0)
    batch = charlm.sample(params, [0], 20, rng=5, num_samples=4)
    assert batch.shape == (4, 20) and batch.min() >= 0 and batch.max() < V
    assert np.array_equal(batch, charlm.sample(params, [0], 20, rng=5, num_samples=4))
    assert len({tuple(row) for row in batch}) > 1  # the rows are independent draws
    with pytest.raises(ValueError, match="num_samples must be positive"):
        charlm.sample(params, [0], 5, num_samples=0)
