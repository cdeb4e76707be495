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
                                                  max subtraction (overflow), the row
                                                  maximum without keepdims (a broadcasting
                                                  error), the logits overwritten in place
3.4       :func:`check_sample_next`               greedy argmax instead of sampling,
                                                  multiplied by T, temperature ignored,
                                                  top-k ignored, the k least likely kept,
                                                  k + 1 kept, the rng ignored, wrong shape,
                                                  every row drawn from the first row's
                                                  distribution, the logits overwritten
3.5       :func:`check_clip_and_step`             no clipping, per-array instead of global
                                                  norm, clipping by value, rescaling even
                                                  small gradients, gradient ascent, the
                                                  norm after clipping returned, parameters
                                                  not updated (a new dict) or replaced by
                                                  new arrays instead of updated in place,
                                                  the gradients overwritten (clipped in
                                                  place)
3.7       :func:`check_units`                     (derivation) nats for bits, log10, bpc
                                                  for perplexity, 2 ** nats or e ** bits,
                                                  bits per character for a whole text
3.8       :func:`check_temperature_experiment`    (experiment) measured values that a run
                                                  of the same experiment cannot give:
                                                  nats instead of bits, the samples scored
                                                  by the τ-model instead of the model,
                                                  sums instead of means; a wrong
                                                  ``sample_next`` is sent back to 3.4
========  ======================================  =========================================

The references are :class:`rnnbook.ngram.NGramLM`, :mod:`rnnbook.metrics` and
:mod:`rnnbook.scratch.optim`.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from rnnbook.checks._feedback import Hint, call, expect_by_hand, expect_shape, fail, passed

__all__ = [
    "check_clip_and_step",
    "check_perplexity_and_bpc",
    "check_sample_next",
    "check_sentence_log_prob",
    "check_softmax_with_temperature",
    "check_temperature_experiment",
    "check_units",
]

_ROWS = (
    "logits are (N, V), one row per sequence: reduce over axis 1 with keepdims=True "
    "(z.max(axis=1, keepdims=True) has shape (N, 1) and broadcasts against (N, V); "
    "without keepdims it has shape (N,), which does not)."
)
_KEEPDIMS = Hint(ValueError, _ROWS, message="broadcast")


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


def _as_float(
    ex: str, name: str, value: Any, reduce: str = "average over every step and every sequence."
) -> float:
    array = np.asarray(value)
    if array.shape != ():
        fail(ex, f"{name} should be one number, got an array of shape {array.shape}: {reduce}")
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
        got = _as_float(ex, f"ln P({' '.join(words)!r})", got, reduce=(
            f"add up the ln P(b | a) of the {len(words) + 1} pairs (<bos> w_1, …, w_n <eos>) "
            "into one number."))  # fmt: skip
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


def _unchanged(ex: str, name: str, given: np.ndarray, original: np.ndarray) -> None:
    """Fail if the reader's function wrote into its argument ``name``."""
    if not np.array_equal(given, original):
        fail(ex, f"your function changed its argument `{name}` in place (say, `{name} /= "
                 f"temperature`): the caller's {name} are overwritten. Compute into a new "
                 f"array instead: z = {name} / temperature.")  # fmt: skip


def _softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def check_softmax_with_temperature(fn: Callable[[np.ndarray, float], np.ndarray]) -> None:
    """Exercise 3.3: ``fn(logits (N, V), temperature) -> probabilities (N, V)``."""
    ex = "3.3"
    rng = np.random.default_rng(33)
    logits = rng.normal(scale=2.0, size=(4, 6))
    for T in (1.0, 0.5, 2.0):
        given = logits.copy()
        got = call(ex, fn, given, T, hints=[_KEEPDIMS])
        _unchanged(ex, "logits", given, logits)
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
        got = np.asarray(call(ex, fn, huge.copy(), 1.0, hints=[_KEEPDIMS]), dtype=float)
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

    def draw(T: float, top_k: int | None, seed: int, batch: np.ndarray = logits) -> np.ndarray:
        given = batch.copy()
        got = call(ex, fn, given, T, np.random.default_rng(seed), top_k=top_k, hints=[_KEEPDIMS])
        _unchanged(ex, "logits", given, batch)
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
    # rows that differ: each row must be drawn from its own distribution
    other = row[::-1].copy()  # the most likely token of `row` is among the least likely here
    mixed = np.where((np.arange(N) % 2 == 0)[:, None], row, other)
    got = draw(1.0, None, seed=7, batch=mixed)
    even, odd = _frequencies(got[0::2], V), _frequencies(got[1::2], V)
    if not near(odd, _softmax(other)):
        if near(odd, _softmax(row)):
            fail(ex, "the odd rows of a batch whose rows differ were drawn from the first "
                     "row's distribution: every row must be drawn from its own "
                     "softmax(z[n] / T) (compute the probabilities row by row, and draw "
                     "one token per row).")  # fmt: skip
        fail(ex, f"in a batch whose rows differ, the odd rows' frequencies {np.round(odd, 3)} "
                 f"differ from their softmax {np.round(_softmax(other), 3)}.")  # fmt: skip
    if not near(even, _softmax(row)):
        fail(ex, f"in a batch whose rows differ, the even rows' frequencies {np.round(even, 3)} "
                 f"differ from their softmax {np.round(_softmax(row), 3)}.")  # fmt: skip
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
    passed(ex, "20 000 draws follow softmax(z / T) at three temperatures, with top-k, and row "
               "by row in a batch whose rows differ.")  # fmt: skip


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
        arrays = dict(params)  # the caller's array objects, which must be updated in place
        given = {key: v.copy() for key, v in grads.items()}
        out = call(ex, fn, params, given, lr, max_norm)
        touched = [key for key in g if not np.array_equal(given[key], g[key])]
        if touched:
            fail(ex, f"your function changed grads[{touched[0]!r}]: leave `grads` as it is "
                     "(the caller may still need it) and scale while you update, "
                     "params[key] -= lr * scale * grads[key].")  # fmt: skip
        if out is None:
            fail(ex, "return the gradient norm ‖g‖ measured before clipping.")
        got_norm = _as_float(ex, "the returned norm", out)
        if all(np.array_equal(params[key], before[key]) for key in params):
            fail(ex, "params did not change: update the arrays in place (p -= lr * g), do not "
                     "build new ones.")  # fmt: skip
        replaced = [key for key in arrays if params.get(key) is not arrays[key]]
        if replaced:
            fail(ex, f"params[{replaced[0]!r}] is a new array, not the one you were given: "
                     "`params[key] = params[key] - ...` builds a new array, and whoever holds "
                     "the old one (a model, an optimiser) never sees the step. Update in "
                     "place: params[key] -= lr * g.")  # fmt: skip
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


# --------------------------------------------------------------------------- exercise 3.7

UNITS_V, UNITS_NATS, UNITS_PPL, UNITS_TEXT = 96, 1.2, 5.0, (1000, 4.0)
"""The numbers of exercise 3.7: alphabet size, a mean loss in nats, a perplexity, and a
text of 1,000 characters under a model of perplexity 4."""


def _units_answers() -> dict[str, tuple[float, list[tuple[str, float]]]]:
    """Each answer of 3.7 with the values of plausible slips, each with a diagnosis."""
    V, nats, ppl = UNITS_V, UNITS_NATS, UNITS_PPL
    n_chars, text_ppl = UNITS_TEXT
    ln2 = math.log(2)
    return {
        "uniform_bpc": (math.log2(V), [
            ("that is ln V, in nats: bits per character use log2, log2 V = ln V / ln 2.",
             math.log(V)),
            ("that is log10 V; bits use base 2.", math.log10(V)),
            ("that is the probability of one character, 1/V; the cost of one character "
             "is -log2(1/V) = log2 V bits.", 1 / V),
        ]),
        "uniform_ppl": (float(V), [
            ("that is the bpc, log2 V; the perplexity is 2 ** bpc = V.", math.log2(V)),
            ("that is ln V; the perplexity of the uniform model is e ** (ln V) = V.",
             math.log(V)),
        ]),
        "bpc_of_1_2_nats": (nats / ln2, [
            ("you multiplied by ln 2: one nat is 1 / ln 2 ≈ 1.443 bits, so divide by ln 2.",
             nats * ln2),
            ("the nats were taken as bits: divide by ln 2.", nats),
            ("that is log2 of the loss; the bpc is the loss divided by ln 2.", math.log2(nats)),
        ]),
        "ppl_of_1_2_nats": (math.exp(nats), [
            ("that is 2 ** loss: the loss is in nats, so the perplexity is e ** loss.",
             2**nats),
            ("that is 10 ** loss: the loss is in nats, so the perplexity is e ** loss.",
             10**nats),
        ]),
        "nats_of_ppl_5": (math.log(ppl), [
            ("that is log2 5, in bits; the mean loss in nats is ln 5.", math.log2(ppl)),
            ("that is log10 5; the mean loss in nats is ln 5.", math.log10(ppl)),
            ("that is 1/5, the probability of a uniform choice among five; the loss is "
             "-ln(1/5) = ln 5.", 1 / ppl),
        ]),
        "bits_for_text": (n_chars * math.log2(text_ppl), [
            ("that is in nats (ln 4 per character): an ideal code spends log2 4 = 2 bits "
             "on each character.", n_chars * math.log(text_ppl)),
            ("that is the bits of one character; the text has 1,000 of them.",
             math.log2(text_ppl)),
            ("that multiplies the perplexity by the length; each character costs log2 of "
             "the perplexity, 2 bits.", n_chars * text_ppl),
        ]),
    }  # fmt: skip


def check_units(answers: dict[str, float]) -> None:
    """Exercise 3.7 (derivation): six unit conversions worked out by hand.

    ``answers`` maps ``uniform_bpc``, ``uniform_ppl``, ``bpc_of_1_2_nats``,
    ``ppl_of_1_2_nats``, ``nats_of_ppl_5`` and ``bits_for_text`` to numbers; four
    significant digits are enough (relative tolerance 2e-3).
    """
    ex = "3.7"
    expect_by_hand(
        ex,
        answers,
        _units_answers(),
        lambda key, value: _as_float(ex, key, value, reduce="give one number."),
        rel_tol=2e-3,
        otherwise="is not right (to four significant digits).",
    )
    passed(ex, "all six conversions are right: bits, nats and perplexity are one quantity "
               "in three units.")  # fmt: skip


# --------------------------------------------------------------------------- exercise 3.8


def _send_back(
    ex: str, fn: Callable | None, name: str, helper_ex: str, checker: Callable[[Callable], None]
) -> None:
    """Fail, pointing back to ``helper_ex``, if the reader's ``fn`` fails its own checker."""
    from rnnbook.checks._feedback import CheckFailed

    if fn is None:
        return
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            checker(fn)
    except CheckFailed as error:
        reason = str(error).split(": ", 1)[-1]
        fail(ex, f"your `{name}` from exercise {helper_ex} is not right yet, so neither are "
                 f"the measurements. Check {helper_ex} says: {reason}")  # fmt: skip


EXPERIMENT_TAUS = (0.5, 1.0, 1.5)
EXPERIMENT_SHAPE = (2000, 20)  # streams, characters per stream, in the reader's run


@functools.lru_cache(maxsize=1)
def _names_bigram() -> tuple[np.ndarray, int]:
    """The log-probabilities (V, V) of exercise 3.4's bigram model of surnames, and "\\n"."""
    from rnnbook.data import Vocab, load_names
    from rnnbook.ngram import NGramLM

    names = load_names()
    text = "\n" + "\n".join(names.tokens) + "\n"
    chars = Vocab.build([text], specials=())
    bigram = NGramLM(order=2, k=0.1).fit(chars.encode(text), len(chars))
    return np.log(bigram.probs), chars.index("\n")


def _sample_bits(
    log_p: np.ndarray, start: int, tau: float, streams: int, steps: int, seed: int
) -> dict[str, float]:
    """Mean cost per sampled character (several ways of getting it wrong, too)."""
    rng = np.random.default_rng(seed)
    current = np.full(streams, start)
    under_model, under_tau = np.zeros((streams, steps)), np.zeros((streams, steps))
    for t in range(steps):
        p = _softmax(log_p[current] / tau)
        u = rng.random((streams, 1))
        nxt = np.minimum((p.cumsum(axis=1) < u).sum(axis=1), p.shape[1] - 1)
        under_model[:, t] = -log_p[current, nxt] / math.log(2)
        under_tau[:, t] = -np.log2(p[np.arange(streams), nxt])
        current = nxt
    bits = float(under_model.mean())
    return {
        "bits": bits,
        "nats": bits * math.log(2),
        "tau_model": float(under_tau.mean()),
        "per_stream": float(under_model.sum(axis=1).mean()),
    }


def check_temperature_experiment(
    predicted: dict[float, str], measured: dict[float, float], sample_next: Callable | None = None
) -> None:
    """Exercise 3.8 (experiment): the bits that the τ = 1 bigram model spends per character
    of its own samples drawn at temperature τ.

    ``predicted`` maps 0.5 and 1.5 to "fewer" or "more" (than at τ = 1), written before the
    run; ``measured`` maps 0.5, 1.0 and 1.5 to the reader's measured bits per character.
    The checker runs the same experiment with five times more samples and accepts a
    measurement within 0.05 bits of it (the reader's run has a sampling spread of
    about 0.01). If ``sample_next`` (3.4) is passed and a measurement is off, it is checked first.
    """
    ex = "3.8"
    if not isinstance(measured, dict) or not isinstance(predicted, dict):
        fail(ex, "`predicted` and `measured` should be dicts keyed by the temperature.")
    missing = [tau for tau in EXPERIMENT_TAUS if measured.get(tau) is None]
    if missing:
        fail(ex, f"measured has no value for τ = {missing}: run the experiment at "
                 f"τ = {', '.join(map(str, EXPERIMENT_TAUS))}.")  # fmt: skip
    for tau in (0.5, 1.5):
        if predicted.get(tau) not in ("fewer", "more"):
            fail(
                ex,
                f"predicted[{tau}] should be 'fewer' or 'more' (bits than at τ = 1), "
                f"got {predicted.get(tau)!r}. Write the prediction before you run.",
            )
    log_p, start = _names_bigram()
    streams, steps = EXPERIMENT_SHAPE
    for k, tau in enumerate(EXPERIMENT_TAUS):
        got = _as_float(ex, f"measured[{tau}]", measured[tau], reduce="give the mean.")
        ref = _sample_bits(log_p, start, tau, 5 * streams, steps, seed=380 + k)
        if abs(got - ref["bits"]) <= 0.05:
            continue
        _send_back(ex, sample_next, "sample_next", "3.4", check_sample_next)
        if abs(got - ref["nats"]) <= 0.06:
            fail(ex, f"measured[{tau}] = {got:.3f} looks like nats (the bits would be "
                     f"{ref['bits']:.2f}): score with -log2 p, or divide by ln 2.")  # fmt: skip
        if tau != 1.0 and abs(got - ref["tau_model"]) <= 0.08:
            fail(
                ex,
                f"measured[{tau}] = {got:.3f} scores the samples with the distribution "
                f"at τ = {tau}; the question is what the model itself (τ = 1) pays for "
                f"them: use -log2 of the τ = 1 probabilities (about {ref['bits']:.2f}).",
            )
        if abs(got - ref["per_stream"]) <= 0.08 * steps:
            fail(ex, f"measured[{tau}] = {got:.3f} is the bits of a whole stream; divide by "
                     f"its {steps} characters.")  # fmt: skip
        fail(
            ex,
            f"measured[{tau}] = {got:.3f} bits per character, but the same experiment "
            f"run with {5 * streams} streams gives {ref['bits']:.3f}; with "
            f"{streams} streams of {steps} characters yours should be within 0.05 of "
            "it. Sample each stream from a line break with your sample_next, score "
            "every sampled character with -log2 p under the τ = 1 bigram, and average.",
        )
    base = float(measured[1.0])
    verdicts = []
    for tau in (0.5, 1.5):
        outcome = "fewer" if float(measured[tau]) < base else "more"
        right = "as you predicted" if predicted[tau] == outcome else "not as you predicted"
        verdicts.append(f"τ = {tau}: {outcome} bits than at τ = 1, {right}")
    passed(ex, "your measurements agree with a five times larger run. " + "; ".join(verdicts) + ".")
