"""Checkers for chapter 10, *The encoder–decoder*.

Each checker runs the reader's answer on cases built to expose one plausible mistake at a
time and names that mistake when it sees it:

========  ==================================  ================================================
exercise  checker                             mistakes it recognises
========  ==================================  ================================================
10.1      :func:`check_teacher_forcing_pair`  decoder input and target swapped, no shift (the
                                              decoder reads the token it must predict), the
                                              input shifted the wrong way, padding left in the
                                              target (the loss would count it), the input
                                              with -100 in it, the input array modified
10.2      :func:`check_attention_weights`     softmax over the batch axis, padded positions
                                              not masked, the mask inverted, weights zeroed
                                              after the softmax without renormalising
10.3      :func:`check_masked_cross_entropy`  padding counted, the sum instead of the mean,
                                              the mean of per-sentence means, the softmax over
                                              the wrong axis, the probability instead of its
                                              log
10.4      :func:`check_beam_search`           finished hypotheses dropped (only unfinished
                                              beams compete at the end), no length
                                              normalisation, a finished hypothesis kept in the
                                              beam (it goes on after eos)
10.5      :func:`check_bleu`                  hypotheses and references swapped, references in
                                              another order than the hypotheses, the mean of
                                              sentence BLEU instead of corpus BLEU
========  ==================================  ================================================

Arrays are time-major: target ids ``(T, N)`` framed ``<bos> … <eos>`` and padded with
``pad_id``; attention scores and masks ``(S, N)``; logits ``(T, N, V)``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np

from rnnbook.checks._feedback import call, expect_close, expect_shape, fail, matches, passed

__all__ = [
    "check_attention_weights",
    "check_beam_search",
    "check_bleu",
    "check_masked_cross_entropy",
    "check_teacher_forcing_pair",
]

IGNORE = -100


# --------------------------------------------------------------------------- exercise 10.1


def _targets(seed: int = 0, pad_id: int = 0) -> np.ndarray:
    """Four padded targets ``(T, N)``: <bos>=2 … <eos>=3, words 4..9, padding pad_id."""
    rng = np.random.default_rng(seed)
    lengths = [7, 4, 5, 3]
    tgt = np.full((max(lengths), len(lengths)), pad_id, dtype=np.int64)
    for n, length in enumerate(lengths):
        tgt[0, n], tgt[length - 1, n] = 2, 3
        tgt[1 : length - 1, n] = rng.integers(4, 10, length - 2)
    return tgt


def check_teacher_forcing_pair(teacher_forcing_pair: Callable) -> None:
    """Check exercise 10.1: ``teacher_forcing_pair(tgt, pad_id) -> (tgt_in, tgt_out)``.

    tgt ``(T, N)``; tgt_in ``(T-1, N)`` is what the decoder reads (``<bos> y_1 … y_(T-1)``,
    i.e. ``tgt[:-1]``); tgt_out ``(T-1, N)`` is what it must predict at each step
    (``tgt[1:]``) with padding replaced by -100, the index the loss ignores.
    """
    ex = "10.1"
    for pad_id in (0, 1):
        tgt = _targets(pad_id, pad_id)
        original = tgt.copy()
        got = call(ex, teacher_forcing_pair, tgt, pad_id)
        if not np.array_equal(tgt, original):
            fail(ex, "your function modified tgt in place; work on copies (tgt[1:].copy()).")
        if not isinstance(got, tuple | list) or len(got) != 2:
            fail(ex, "return the pair (tgt_in, tgt_out).")
        tgt_in, tgt_out = (np.asarray(g) for g in got)
        right_in = tgt[:-1]
        right_out = np.where(tgt[1:] == pad_id, IGNORE, tgt[1:])
        mistakes = [
            (
                "tgt_in and tgt_out are swapped: the decoder reads tgt[:-1] (starting with "
                "<bos>) and predicts tgt[1:] (ending with <eos>).",
                {"in": np.where(tgt[1:] == pad_id, pad_id, tgt[1:]), "out": tgt[:-1]},
            ),
            (
                "the decoder input is not shifted: it reads the token it must predict. Feed "
                "tgt[:-1] and predict tgt[1:], so step t reads y_(t-1) and predicts y_t.",
                {"in": tgt[1:]},
            ),
            (
                "no shift at all: tgt_in and tgt_out are the same sequence, so the decoder "
                "would learn to copy its input. Feed tgt[:-1] and predict tgt[1:].",
                {"in": tgt, "out": np.where(tgt == pad_id, IGNORE, tgt)},
            ),
            (
                "padding is left in tgt_out: the loss would count predicting <pad> after "
                "<eos>. Replace the positions where tgt[1:] == pad_id by -100.",
                {"out": tgt[1:]},
            ),
            (
                "tgt_in contains -100: only the target is masked; the decoder input keeps "
                "pad_id (an embedding index must be a real token id).",
                {"in": np.where(tgt[:-1] == pad_id, IGNORE, tgt[:-1])},
            ),
        ]
        for message, wrong in mistakes:
            if matches(tgt_in, wrong.get("in", right_in)) and matches(
                tgt_out, wrong.get("out", right_out)
            ):
                fail(ex, message)
        expect_close(ex, f"tgt_in (pad_id={pad_id})", tgt_in, right_in)
        expect_close(ex, f"tgt_out (pad_id={pad_id})", tgt_out, right_out)
    passed(ex, "the decoder reads tgt[:-1] and predicts tgt[1:], padding ignored.")


# --------------------------------------------------------------------------- exercise 10.2


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """Softmax along ``axis``; a slice that is all -inf gives NaN (as torch does)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.exp(x - np.max(x, axis=axis, keepdims=True))
        return z / z.sum(axis=axis, keepdims=True)


def check_attention_weights(attention_weights: Callable) -> None:
    """Check exercise 10.2: ``attention_weights(scores, mask) -> alpha``.

    scores ``(S, N)`` are ``e_j`` for every source position ``j`` of every sentence; mask
    ``(S, N)`` is True at real positions and False at padding. alpha ``(S, N)``: a softmax
    over the source positions (axis 0) of each sentence, exactly 0 at padding.
    """
    ex = "10.2"
    rng = np.random.default_rng(1002)
    S, N = 6, 4
    scores = rng.normal(size=(S, N)) * 2
    lengths = np.array([6, 2, 4, 3])
    mask = np.arange(S)[:, None] < lengths[None, :]
    alpha = call(ex, attention_weights, scores.copy(), mask.copy())
    expect_shape(ex, "alpha", np.asarray(alpha), (S, N))
    alpha = np.asarray(alpha, dtype=float)
    right = _softmax(np.where(mask, scores, -np.inf), 0)
    zeroed = _softmax(scores, 0) * mask
    mistakes = [
        (
            "the softmax runs over the batch axis (axis 1): each sentence's weights must sum "
            "to 1 over its source positions, axis 0.",
            _softmax(np.where(mask, scores, -np.inf), 1),
        ),
        (
            "the softmax runs over the batch axis (axis 1) and padding is not masked.",
            _softmax(scores, 1),
        ),
        (
            "padded source positions are not masked: set their scores to -inf before the "
            "softmax, so that their weights are exactly 0.",
            _softmax(scores, 0),
        ),
        (
            "the mask is inverted: mask is True at the real positions, which must keep "
            "their scores; the padded positions (False) get -inf.",
            _softmax(np.where(mask, -np.inf, scores), 0),
        ),
        (
            "the padded weights are zeroed after the softmax, so the rest no longer sum to "
            "1: mask the scores (-inf) before the softmax instead.",
            zeroed,
        ),
    ]
    if not matches(alpha, right):
        for message, wrong in mistakes:
            if matches(np.nan_to_num(alpha), np.nan_to_num(wrong)):
                fail(ex, message)
        expect_close(ex, "alpha", alpha, right)
    passed(ex, "a softmax over each sentence's real source positions.")


# --------------------------------------------------------------------------- exercise 10.3


def _nll(logits, targets, pad_id, *, count_pad=False, reduce="mean", axis=-1, log=True):
    z = logits - logits.max(axis=axis, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=axis, keepdims=True)
    logp = np.log(p) if log else p
    picked = -np.take_along_axis(logp, targets[..., None], -1)[..., 0]  # (T, N)
    keep = np.ones_like(targets, bool) if count_pad else targets != pad_id
    if reduce == "sum":
        return float(picked[keep].sum())
    if reduce == "per-sentence":
        return float(np.mean([picked[keep[:, n], n].mean() for n in range(targets.shape[1])]))
    return float(picked[keep].mean())


def check_masked_cross_entropy(masked_cross_entropy: Callable) -> None:
    """Check exercise 10.3: ``masked_cross_entropy(logits, targets, pad_id) -> float``.

    logits ``(T, N, V)``; targets ``(T, N)`` token ids with ``pad_id`` after each sentence's
    end. The mean of ``-log softmax(logits)[target]`` over the positions whose target is
    not ``pad_id`` (every real token weighs the same).
    """
    ex = "10.3"
    rng = np.random.default_rng(1003)
    T, N, V = 5, 3, 6
    logits = rng.normal(size=(T, N, V)) * 2
    targets = rng.integers(1, V, size=(T, N))
    targets[3:, 1], targets[2:, 2] = 0, 0
    got = call(ex, masked_cross_entropy, logits.copy(), targets.copy(), 0)
    try:
        got = float(got)
    except (TypeError, ValueError):
        fail(ex, f"return one number (a float), got {type(got).__name__}.")
    right = _nll(logits, targets, 0)
    mistakes = [
        (
            "padding is counted: average only over the positions where targets != pad_id; "
            "otherwise every <pad> after <eos> counts as a word to predict.",
            _nll(logits, targets, 0, count_pad=True),
        ),
        (
            "this is the sum; return the mean over the real positions.",
            _nll(logits, targets, 0, reduce="sum"),
        ),
        (
            "this is the mean of per-sentence means, which weighs a short sentence's tokens "
            "more; average over all real tokens at once.",
            _nll(logits, targets, 0, reduce="per-sentence"),
        ),
        (
            "the softmax runs over the wrong axis: normalise over the vocabulary, the last "
            "axis of logits (T, N, V).",
            _nll(logits, targets, 0, axis=1),
        ),
        (
            "the probability is used instead of its logarithm: the loss is -log p.",
            _nll(logits, targets, 0, log=False),
        ),
    ]
    if not math.isclose(got, right, rel_tol=1e-6):
        for message, wrong in mistakes:
            if math.isclose(got, wrong, rel_tol=1e-6):
                fail(ex, message)
        fail(ex, f"the loss is {got:.6g}, expected {right:.6g}.")
    passed(ex, "the mean negative log-likelihood over real tokens.")


# --------------------------------------------------------------------------- exercise 10.4


def _table(seed: int, V: int, eos: int, peak: float = 1.5) -> Callable:
    """A deterministic random 'model': log-probabilities over V tokens for each prefix."""
    cache: dict[tuple, np.ndarray] = {}

    def next_log_probs(prefix: tuple) -> np.ndarray:
        prefix = tuple(int(p) for p in prefix)
        if prefix not in cache:
            rng = np.random.default_rng([seed, len(prefix), *prefix])
            z = rng.normal(size=V) * peak
            cache[prefix] = z - np.log(np.exp(z).sum())
        return cache[prefix].copy()

    return next_log_probs


def _reference_beam(next_log_probs, bos, eos, beam_size, max_len, alpha, *, keep_finished=True,
                    normalise=True, stop_at_eos=True):  # fmt: skip
    """Beam search as in rnnbook.nn.beam_search; the keywords reproduce the mistakes."""
    beams = [((), 0.0)]
    finished = []
    for _ in range(max_len):
        candidates = []
        for tokens, score in beams:
            logp = next_log_probs((bos, *tokens))
            candidates += [((*tokens, v), score + float(logp[v])) for v in range(len(logp))]
        candidates.sort(key=lambda c: -c[1])
        candidates = candidates[: 2 * beam_size]
        alive = []
        for rank, (tokens, score) in enumerate(candidates):
            if tokens[-1] == eos and stop_at_eos:
                if rank < beam_size and keep_finished:
                    finished.append((tokens, score))
            elif len(alive) < beam_size:
                alive.append((tokens, score))
        beams = alive
        if len(finished) >= beam_size or not beams:
            break
    pool = finished if len(finished) >= beam_size else finished + beams
    power = alpha if normalise else 0.0
    tokens, _ = max(pool, key=lambda c: c[1] / len(c[0]) ** power)
    tokens = list(tokens)
    if eos in tokens:
        tokens = tokens[: tokens.index(eos)]
    return tokens


def _exhaustive(next_log_probs, bos, eos, V, max_len, alpha):
    best, best_score = None, -math.inf
    words = [v for v in range(V) if v != eos]
    for n in range(max_len + 1):
        for p in itertools.product(words, repeat=n):
            seq = (*p, eos) if n < max_len else p
            total = sum(float(next_log_probs((bos, *seq[:t]))[seq[t]]) for t in range(len(seq)))
            score = total / len(seq) ** alpha
            if score > best_score:
                best, best_score = list(p), score
    return best


def check_beam_search(beam_search: Callable) -> None:
    """Check exercise 10.4: ``beam_search(next_log_probs, bos, eos, beam_size, max_len, alpha)``.

    ``next_log_probs(prefix)`` gives log-probabilities ``(V,)`` of the next token after the
    tuple ``prefix`` (which starts with ``bos``). Return the best hypothesis as a list of
    token ids without ``eos``, ranked by ``log p / len ** alpha`` with ``eos`` counted in the
    length. Compared with the rules of :func:`rnnbook.nn.beam_search` on 40 random models
    and, with a beam as wide as the search space, with exhaustive search.
    """
    ex = "10.4"
    bos, eos, V = 0, 1, 4
    cases = [(seed, k, alpha) for seed in range(40) for k, alpha in ((2, 1.0), (3, 0.0), (2, 2.0))]
    outcomes = []
    for seed, k, alpha in cases:
        fn = _table(seed, V, eos, peak=1.0 + (seed % 3))
        got = call(ex, beam_search, fn, bos, eos, k, 5, alpha)
        if not isinstance(got, list | tuple) or not all(
            isinstance(t, int | np.integer) for t in got
        ):
            fail(ex, f"return a list of token ids, got {got!r}.")
        outcomes.append([int(t) for t in got])
    if any(eos in o for o in outcomes):
        fail(ex, "a returned hypothesis contains eos; stop it there and leave eos out.")
    variants = {
        "right": {},
        "dropped": {"keep_finished": False},
        "raw": {"normalise": False},
        "goes on": {"stop_at_eos": False},
    }
    expected = {
        name: [
            _reference_beam(
                _table(seed, V, eos, peak=1.0 + (seed % 3)), bos, eos, k, 5, alpha, **kw
            )
            for seed, k, alpha in cases
        ]
        for name, kw in variants.items()
    }
    if outcomes != expected["right"]:
        wrong = [i for i, o in enumerate(outcomes) if o != expected["right"][i]]
        if all(outcomes[i] == expected["dropped"][i] for i in wrong):
            fail(ex, "finished hypotheses are dropped: a continuation that ends in eos "
                     "(ranked among the best beam_size) is set aside for the end.")  # fmt: skip
        if all(outcomes[i] == expected["raw"][i] for i in wrong):
            fail(ex, "no length normalisation: rank the final candidates by "
                     "log p / len ** alpha (eos counted in the length), not by log p.")  # fmt: skip
        if all(outcomes[i] == expected["goes on"][i] for i in wrong):
            fail(ex, "a hypothesis that ends in eos stays in the beam and goes on: an eos ends "
                     "it; move it to the finished ones.")  # fmt: skip
        seed, k, alpha = cases[wrong[0]]
        fail(ex, f"for model seed {seed}, beam_size={k}, alpha={alpha} you returned "
                 f"{outcomes[wrong[0]]}, expected {expected['right'][wrong[0]]} "
                 f"({len(wrong)} of {len(cases)} cases differ).")  # fmt: skip
    for seed in range(3):
        fn = _table(100 + seed, 3, eos)
        wide = [int(t) for t in call(ex, beam_search, fn, bos, eos, 8, 3, 1.0)]
        if wide != _exhaustive(fn, bos, eos, 3, 3, 1.0):
            fail(ex, "with a beam as wide as all hypotheses the result is not the best one "
                     "exhaustive search finds.")  # fmt: skip
    passed(ex, "beam search keeps finished hypotheses and normalises by length; a wide beam "
               "equals exhaustive search.")  # fmt: skip


# --------------------------------------------------------------------------- exercise 10.5


_HYPS = ["the cat is black", "do you want to sing with me", "nine thousand two hundred",
         "Tuesday, October 3, 2028", "sorry", "the house is big and red"]  # fmt: skip
_REFS = ["the cat is black", "do you want to sing with me ?", "nine thousand two hundred one",
         "Tuesday, October 3, 2028", "I am sorry", "the house is red"]  # fmt: skip


def check_bleu(bleu: Callable[[Sequence[str], Sequence[str]], float]) -> None:
    """Check exercise 10.5: ``bleu(hypotheses, references) -> float``, corpus BLEU (0–100)
    with sacrebleu, one reference per hypothesis, in the same order."""
    import sacrebleu

    ex = "10.5"
    got = call(ex, bleu, list(_HYPS), list(_REFS))
    try:
        got = float(got)
    except (TypeError, ValueError):
        fail(ex, f"return the score as a number, got {type(got).__name__}.")
    right = sacrebleu.corpus_bleu(_HYPS, [_REFS]).score
    mistakes = [
        (
            "hypotheses and references are swapped: sacrebleu.corpus_bleu(hypotheses, "
            "[references]) takes the system's output first.",
            sacrebleu.corpus_bleu(_REFS, [_HYPS]).score,
        ),
        (
            "the references are not in the order of the hypotheses: reference i must be the "
            "translation of the sentence hypothesis i translates.",
            sacrebleu.corpus_bleu(_HYPS, [sorted(_REFS)]).score,
        ),
        (
            "this is the mean of sentence BLEU scores; corpus BLEU pools the n-gram counts "
            "of all sentences first.",
            float(
                np.mean(
                    [
                        sacrebleu.sentence_bleu(h, [r]).score
                        for h, r in zip(_HYPS, _REFS, strict=True)
                    ]
                )
            ),
        ),
    ]
    if not math.isclose(got, right, rel_tol=1e-6, abs_tol=1e-6):
        for message, wrong in mistakes:
            if math.isclose(got, wrong, rel_tol=1e-6, abs_tol=1e-6):
                fail(ex, message)
        fail(ex, f"BLEU is {got:.4g}, expected {right:.4g}.")
    shuffled = call(ex, bleu, list(_HYPS[::-1]), list(_REFS[::-1]))
    if not math.isclose(float(shuffled), right, rel_tol=1e-6):
        fail(ex, "the score changes when the pairs are listed in another order; pair each "
                 "hypothesis with its own reference.")  # fmt: skip
    passed(ex, "corpus BLEU against references in the hypotheses' order.")
