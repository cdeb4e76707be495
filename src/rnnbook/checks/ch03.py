"""Checkers for chapter 03, *Language models and sampling*.

Each checker runs the reader's answer on cases built to expose one plausible mistake at a
time and names that mistake when it sees it:

========  ======================================  =========================================
exercise  checker                                 mistakes it recognises
========  ======================================  =========================================
3.1       :func:`check_sentence_log_prob`         no P(w_1 | <bos>) (start token
                                                  forgotten), no P(<eos> | w_n), raw counts
                                                  (no smoothing), ``+ k`` instead of ``+ kV``
                                                  in the denominator, joint instead of
                                                  conditional (divided by all pairs),
                                                  unigram (column) denominators, counts read
                                                  transposed, a probability or log2 returned
3.2       :func:`check_perplexity_and_bpc`        ln instead of log2 for bits, sum instead of
                                                  mean, exp of the sum, mean of exp(loss),
                                                  2 ** loss as perplexity, a per-step array
                                                  instead of one number
3.3       :func:`check_softmax_with_temperature`  logits multiplied by T, temperature
                                                  ignored, softmax over the batch axis, no
                                                  max subtraction (overflow)
3.4       :func:`check_sample_next`               greedy argmax instead of sampling,
                                                  multiplied by T, temperature ignored,
                                                  top-k ignored, the k least likely kept,
                                                  k + 1 kept, the rng ignored, wrong shape
3.5       :func:`check_clip_and_step`             no clipping, per-array instead of global
                                                  norm, clipping by value, rescaling even
                                                  small gradients, gradient ascent, the
                                                  norm after clipping returned, parameters
                                                  not updated in place
========  ======================================  =========================================

The references are :class:`rnnbook.ngram.NGramLM`, :mod:`rnnbook.metrics` and
:mod:`rnnbook.scratch.optim`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from rnnbook.checks._feedback import call, expect_shape, fail, passed

__all__ = [
    "check_clip_and_step",
    "check_perplexity_and_bpc",
    "check_sample_next",
    "check_sentence_log_prob",
    "check_softmax_with_temperature",
]


def _close(got: Any, expected: Any, rtol: float = 1e-6) -> bool:
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=rtol, atol=1e-9))


def _diagnose(ex: str, name: str, got: Any, expected: Any, mistakes: list[tuple[str, Any]]) -> None:
    """Fail with the first mistake whose output equals ``got``, else with expected vs got."""
    if _close(got, expected):
        return
    for message, value in mistakes:
        if value is not None and _close(got, value):
            fail(ex, message)
    fail(
        ex, f"{name} is wrong: expected {np.asarray(expected)!s:.60}, got {np.asarray(got)!s:.60}."
    )


def _as_float(ex: str, name: str, value: Any) -> float:
    array = np.asarray(value)
    if array.shape != ():
        fail(ex, f"{name} should be one number, got an array of shape {array.shape}: "
                 "average over every step and every sequence.")  # fmt: skip
    try:
        number = float(array)
    except (TypeError, ValueError):
        fail(ex, f"{name} should be a number, got {type(value).__name__}.")
    if not math.isfinite(number):
        fail(ex, f"{name} is {number}; expected a finite number.")
    return number


# --------------------------------------------------------------------------- exercise 3.1

_CORPUS = [
    "the cat is black",
    "the cat is small",
    "the dog is black",
    "a cat sat on the mat",
    "the black cat sat",
    "a dog is small",
]


def _bigram_case():
    """A small word corpus: its vocabulary and bigram counts (V, V) with <bos>/<eos>."""
    from rnnbook.data.vocab import Vocab
    from rnnbook.ngram import NGramLM

    sentences = [s.split() for s in _CORPUS]
    vocab = Vocab.build(sentences)
    ids = [vocab.encode(s, bos=True, eos=True) for s in sentences]
    counts = NGramLM(order=2).fit(ids, len(vocab)).counts
    return vocab, counts


def _sentence_mistakes(
    words: list[str], counts: np.ndarray, vocab: Any, k: float
) -> tuple[float, list[tuple[str, float]]]:
    """ln P(sentence) and the values of plausible wrong versions, each with a diagnosis."""
    V = len(vocab)
    ids = [vocab.bos_id, *(vocab.index(w) for w in words), vocab.eos_id]
    pairs = list(zip(ids[:-1], ids[1:], strict=True))
    rows = counts.sum(axis=1)

    def total(prob: Callable[[int, int], float], pairs=pairs) -> float:
        return float(sum(math.log(prob(a, b)) for a, b in pairs))

    def right(a: int, b: int) -> float:
        return (counts[a, b] + k) / (rows[a] + k * V)

    reference = total(right)
    with np.errstate(divide="ignore", invalid="ignore"):
        unsmoothed = sum(
            math.log(counts[a, b] / rows[a]) if counts[a, b] else -math.inf for a, b in pairs
        )
    mistakes = [
        ("the first word's probability is missing: the sum must include ln P(w_1 | <bos>), so "
         "start the sentence with the <bos> token.", total(right, pairs[1:])),
        ("the end of the sentence is missing: include ln P(<eos> | w_n), the probability "
         "that the sentence stops after its last word.", total(right, pairs[:-1])),
        ("neither <bos> nor <eos> is scored: wrap the words as <bos> w_1 ... w_n <eos>.",
         total(right, pairs[1:-1])),
        ("this is the unsmoothed estimate: add k to every count (add-k smoothing).", unsmoothed),
        ("the probabilities do not sum to one: with add-k smoothing the denominator is "
         "C(a) + k·V (k for each of the V possible next tokens), not C(a) + k.",
         total(lambda a, b: (counts[a, b] + k) / (rows[a] + k))),
        ("you divided by the number of all pairs, which gives the joint P(a, b); the chain "
         "rule needs the conditional P(b | a) = C(a, b) / C(a), with C(a) = Σ_b C(a, b).",
         total(lambda a, b: (counts[a, b] + k) / (counts.sum() + k * V * V))),
        ("the denominator counts how often a appears as a *next* token (a column sum); "
         "P(b | a) divides by how often a is followed by something: the row sum Σ_b C(a, b).",
         total(lambda a, b: (counts[a, b] + k) / (counts[:, a].sum() + k * V))),
        ("the counts are read transposed: counts[a, b] is how often b follows a, so "
         "P(b | a) uses counts[a, b] (row a = the previous word).",
         total(lambda a, b: (counts[b, a] + k) / (counts[:, a].sum() + k * V))),
        ("the counts are read transposed: counts[a, b] is how often b follows a, so "
         "P(b | a) uses counts[a, b] (row a = the previous word).",
         total(lambda a, b: (counts[b, a] + k) / (rows[a] + k * V))),
        ("this is the probability, not its logarithm: return the sum of ln P(b | a).",
         math.exp(reference)),
        ("this is log2; return the natural logarithm (np.log).", reference / math.log(2)),
    ]  # fmt: skip
    return reference, mistakes


def check_sentence_log_prob(fn: Callable[..., float]) -> None:
    """Exercise 3.1: ``fn(words, counts, vocab, k)`` = ln P(<bos> words <eos>) under add-k."""
    ex = "3.1"
    vocab, counts = _bigram_case()
    for words, k in [
        ("the cat is black".split(), 1.0),
        ("a black dog sat on the mat".split(), 0.5),
        ("the mat is small".split(), 0.1),
    ]:
        got = call(ex, fn, list(words), counts.copy(), vocab, k)
        if np.ndim(got) == 0 and np.isneginf(float(got)):
            fail(ex, f"ln P({' '.join(words)!r}) is -inf: a pair never seen in the corpus got "
                     "probability 0. Add k to every count (add-k smoothing).")  # fmt: skip
        got = _as_float(ex, f"ln P({' '.join(words)!r})", got)
        expected, mistakes = _sentence_mistakes(words, counts, vocab, k)
        _diagnose(ex, f"ln P({' '.join(words)!r}) with k={k}", got, expected, mistakes)
    passed(ex, "sentence log-probabilities match the add-k bigram model on three sentences.")


# --------------------------------------------------------------------------- exercise 3.2


def check_perplexity_and_bpc(fn: Callable[[np.ndarray], tuple[float, float]]) -> None:
    """Exercise 3.2: ``fn(losses (T, N)) -> (perplexity, bits per character)``."""
    ex = "3.2"
    rng = np.random.default_rng(32)
    for shape in [(7, 3), (12, 5), (1, 4)]:
        losses = rng.uniform(0.5, 3.0, size=shape)
        result = call(ex, fn, losses.copy())
        if not isinstance(result, tuple | list) or len(result) != 2:
            fail(ex, "return a pair (perplexity, bpc).")
        mean = losses.mean()
        for name, got in zip(("perplexity", "bpc"), result, strict=True):
            if np.ndim(got) != 0:
                fail(ex, f"{name} should be one number, got an array of shape {np.shape(got)}: "
                         "average the losses over both time steps and sequences.")  # fmt: skip
        ppl, bpc = (_as_float(ex, n, v) for n, v in zip(("perplexity", "bpc"), result, strict=True))
        _diagnose(ex, f"perplexity for losses of shape {shape}", ppl, math.exp(mean), [
            ("perplexity is the exponential of the *mean* loss, not of the sum over steps.",
             math.exp(losses.sum())),
            ("perplexity is exp(mean loss), not the mean of exp(loss): average first.",
             np.exp(losses).mean()),
            ("the losses are in nats (natural log), so perplexity is e ** mean, not 2 ** mean.",
             2.0 ** mean),
            ("perplexity is exp of the mean loss per step, not of the mean per sequence.",
             math.exp(losses.sum(axis=0).mean())),
        ])  # fmt: skip
        _diagnose(ex, f"bpc for losses of shape {shape}", bpc, mean / math.log(2), [
            ("the losses are in nats: divide the mean by ln 2 to get bits.", mean),
            ("bits are per character: divide the *mean* loss, not the sum, by ln 2.",
             losses.sum() / math.log(2)),
            ("to convert nats to bits divide by ln 2 (multiply by log2 e), not by log2 e.",
             mean * math.log(2)),
            ("bpc is log2 of the perplexity; log10 is the wrong base.", mean / math.log(10)),
            ("bits per character average over steps; you summed over time per sequence.",
             losses.sum(axis=0).mean() / math.log(2)),
        ])  # fmt: skip
    passed(ex, "perplexity and bits per character are right for three batches of losses.")


# --------------------------------------------------------------------------- exercise 3.3


def _softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def check_softmax_with_temperature(fn: Callable[[np.ndarray, float], np.ndarray]) -> None:
    """Exercise 3.3: ``fn(logits (N, V), temperature) -> probabilities (N, V)``."""
    ex = "3.3"
    rng = np.random.default_rng(33)
    logits = rng.normal(scale=2.0, size=(4, 6))
    for T in (1.0, 0.5, 2.0):
        got = call(ex, fn, logits.copy(), T)
        expect_shape(ex, f"probabilities at T={T}", np.asarray(got), logits.shape)
        got = np.asarray(got, dtype=float)
        if T != 1.0 and np.allclose(got, _softmax(logits)):
            fail(ex, f"at T={T} you returned softmax(logits): the temperature is ignored.")
        if not np.allclose(got.sum(axis=1), 1.0):
            if np.allclose(got.sum(axis=0), 1.0):
                fail(ex, "the columns sum to one: take the softmax over the last axis (the V "
                         "tokens of each row), not over the batch axis.")  # fmt: skip
            fail(ex, f"each row must sum to one; row sums are {np.round(got.sum(axis=1), 4)}.")
        _diagnose(ex, f"probabilities at T={T}", got, _softmax(logits / T), [
            ("you multiplied the logits by T: divide them, softmax(z / T), so that a low T "
             "sharpens and a high T flattens the distribution.", _softmax(logits * T)),
        ])  # fmt: skip
    huge = np.array([[1000.0, 999.0, 0.0], [-1000.0, -1001.0, -1002.0]])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        got = np.asarray(call(ex, fn, huge.copy(), 1.0), dtype=float)
    if not np.all(np.isfinite(got)):
        fail(ex, "logits of ±1000 give NaN or inf: subtract each row's maximum before np.exp "
                 "(it does not change the softmax, but keeps every exponent ≤ 0).")  # fmt: skip
    _diagnose(ex, "probabilities for logits of ±1000", got, _softmax(huge), [])
    passed(ex, "softmax(z / T) is right at three temperatures and stable for large logits.")


# --------------------------------------------------------------------------- exercise 3.4


def _frequencies(draws: np.ndarray, V: int) -> np.ndarray:
    return np.bincount(draws, minlength=V) / len(draws)


def check_sample_next(fn: Callable[..., np.ndarray]) -> None:
    """Exercise 3.4: ``fn(logits (N, V), temperature, rng, top_k=None) -> ids (N,)``.

    The logits of every row are equal, so the ``N = 20 000`` draws estimate the sampling
    distribution; a wrong distribution is some 0.05 away, the sampling noise is ~0.004.
    """
    ex = "3.4"
    row = np.array([1.5, 0.3, -0.4, 2.0, 0.0, -1.2])
    V, N = len(row), 20_000
    logits = np.tile(row, (N, 1))
    tol = 0.015

    def draw(T: float, top_k: int | None, seed: int) -> np.ndarray:
        got = call(ex, fn, logits.copy(), T, np.random.default_rng(seed), top_k=top_k)
        got = np.asarray(got)
        expect_shape(ex, "the sampled ids", got, (N,))
        if not np.issubdtype(got.dtype, np.integer) or got.min() < 0 or got.max() >= V:
            fail(ex, f"return integer token ids in [0, {V}), one per row of logits.")
        return got

    def near(freq: np.ndarray, probs: np.ndarray) -> bool:
        return bool(np.abs(freq - probs).max() < tol)

    def top(k: int, z: np.ndarray, largest: bool = True) -> np.ndarray:
        keep = np.argsort(-z if largest else z)[:k]
        masked = np.full_like(z, -np.inf)
        masked[keep] = z[keep]
        return _softmax(masked)

    for T in (1.0, 0.6, 1.8):
        got = draw(T, None, seed=int(10 * T))
        if np.all(got == row.argmax()):
            fail(ex, f"at T={T} every draw is the most likely token: that is greedy decoding. "
                     "Draw from the distribution (e.g. rng.choice with p=...).")  # fmt: skip
        freq = _frequencies(got, V)
        if near(freq, _softmax(row / T)):
            continue
        if T != 1.0 and near(freq, _softmax(row * T)):
            fail(ex, f"at T={T} the draws follow softmax(z · T): divide the logits by T.")
        if T != 1.0 and near(freq, _softmax(row)):
            fail(ex, f"at T={T} the draws follow softmax(z): the temperature is ignored.")
        fail(ex, f"at T={T} the draws' frequencies {np.round(freq, 3)} differ from "
                 f"softmax(z / T) = {np.round(_softmax(row / T), 3)}.")  # fmt: skip
    a, b = draw(1.0, None, seed=5), draw(1.0, None, seed=5)
    if not np.array_equal(a, b):
        fail(ex, "two calls with equally seeded rngs gave different draws: use the `rng` "
                 "argument (rng.random, rng.choice), not np.random's global state.")  # fmt: skip
    if np.array_equal(a, draw(1.0, None, seed=6)):
        fail(ex, "different rngs gave identical draws: sample with the `rng` argument.")
    for k, T in ((2, 1.0), (3, 0.7)):
        got = draw(T, k, seed=40 + k)
        freq = _frequencies(got, V)
        if near(freq, top(k, row / T)):
            continue
        if near(freq, _softmax(row / T)):
            fail(ex, f"with top_k={k} tokens outside the {k} most likely were drawn: set the "
                     "other logits to -inf before the softmax.")  # fmt: skip
        if near(freq, top(k, row / T, largest=False)):
            fail(ex, f"with top_k={k} you kept the {k} *least* likely tokens: keep the k "
                     "largest logits.")  # fmt: skip
        if near(freq, top(k + 1, row / T)):
            fail(ex, f"with top_k={k} you kept {k + 1} tokens: off by one.")
        if near(freq, top(k, row * T)):
            fail(ex, f"with top_k={k} and T={T} the logits were multiplied by T: divide them.")
        fail(ex, f"with top_k={k}, T={T} the frequencies {np.round(freq, 3)} differ from "
                 f"the top-{k} distribution {np.round(top(k, row / T), 3)}.")  # fmt: skip
    passed(ex, "20 000 draws follow softmax(z / T) at three temperatures and with top-k.")


# --------------------------------------------------------------------------- exercise 3.5


def _grads_case(scale: float, seed: int) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    shapes = {"W_xh": (4, 3), "W_hh": (4, 4), "b_h": (4,), "W_hy": (3, 4), "b_y": (3,)}
    params = {key: rng.normal(size=s) for key, s in shapes.items()}
    grads = {key: rng.normal(scale=scale, size=s) for key, s in shapes.items()}
    grads["W_hh"] *= 4.0  # one array dominates, so per-array clipping differs from global
    return params, grads


def check_clip_and_step(fn: Callable[..., float]) -> None:
    """Exercise 3.5: ``fn(params, grads, lr, max_norm) -> norm``: clip by global norm, then
    update ``params`` in place with SGD, θ ← θ − lr · g; return ‖g‖ before clipping."""
    ex = "3.5"
    lr, max_norm = 0.1, 1.0
    for scale, label in ((3.0, "large"), (0.02, "small")):
        params, grads = _grads_case(scale, seed=35 if scale > 1 else 36)
        before = {key: p.copy() for key, p in params.items()}
        g = {key: v.copy() for key, v in grads.items()}
        norm = float(np.sqrt(sum(np.sum(v**2) for v in g.values())))
        factor = min(1.0, max_norm / norm)
        out = call(ex, fn, params, {key: v.copy() for key, v in grads.items()}, lr, max_norm)
        if out is None:
            fail(ex, "return the gradient norm ‖g‖ measured before clipping.")
        got_norm = _as_float(ex, "the returned norm", out)
        if all(np.array_equal(params[key], before[key]) for key in params):
            fail(ex, "params did not change: update the arrays in place (p -= lr * g), do not "
                     "build new ones.")  # fmt: skip
        step = {key: before[key] - params[key] for key in params}  # = lr * clipped g
        wanted = {key: lr * factor * g[key] for key in g}
        if all(_close(step[key], wanted[key]) for key in g):
            if not math.isclose(got_norm, norm, rel_tol=1e-6):
                if math.isclose(got_norm, min(norm, max_norm), rel_tol=1e-6):
                    fail(ex, "return the norm *before* clipping; you returned it after.")
                fail(ex, f"the returned norm is {got_norm:.6g}, expected ‖g‖ = {norm:.6g}.")
            continue
        if all(_close(step[key], -wanted[key]) for key in g):
            fail(ex, "the parameters moved *up* the gradient: subtract lr · g, do not add it.")
        if all(_close(step[key], lr * g[key]) for key in g):
            fail(ex, f"with ‖g‖ = {norm:.3g} > max_norm = {max_norm} the gradient was not "
                     "clipped: rescale it by max_norm / ‖g‖ first.")  # fmt: skip
        per_array = {
            key: lr * v * min(1.0, max_norm / np.sqrt(np.sum(v**2))) for key, v in g.items()
        }
        if all(_close(step[key], per_array[key]) for key in g):
            fail(ex, "each array was clipped by its own norm: clip by the *global* norm of all "
                     "gradients together, which keeps the gradient's direction.")  # fmt: skip
        by_value = {key: lr * np.clip(v, -max_norm, max_norm) for key, v in g.items()}
        if all(_close(step[key], by_value[key]) for key in g):
            fail(ex, "that is clipping by value (np.clip), which changes the direction: "
                     "rescale by max_norm / ‖g‖ when ‖g‖ > max_norm.")  # fmt: skip
        always = {key: lr * v * max_norm / norm for key, v in g.items()}
        if label == "small" and all(_close(step[key], always[key]) for key in g):
            fail(ex, f"‖g‖ = {norm:.3g} is below max_norm = {max_norm}, yet the gradient was "
                     "rescaled: clip only when ‖g‖ > max_norm.")  # fmt: skip
        key = next(key for key in g if not _close(step[key], wanted[key]))
        fail(ex, f"with {label} gradients, params[{key!r}] changed by the wrong amount: expected "
                 "θ − lr · g · min(1, max_norm / ‖g‖).")  # fmt: skip
    passed(ex, "clipping by global norm and the SGD step are right for large and small gradients.")
