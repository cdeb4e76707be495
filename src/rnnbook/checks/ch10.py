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
10.7      :func:`check_beam_by_hand`          (greedy and beam 2 worked by hand on
                                              :data:`BY_HAND`) greedy stopping at <eos> or
                                              looking ahead, the finished hypothesis dropped,
                                              beam 2 equal to greedy, no length normalisation,
                                              <eos> left out of the length, the probability,
                                              a base-10 logarithm, the wrong sign, the
                                              normalised score for the raw one or back, exp of
                                              the score, <eos> written in an output
10.8      :func:`check_padding_experiment`    (attention on padding without the mask, on
                                              :func:`padding_model`) values that do not
                                              reproduce, the model's mask left in (0), the
                                              weight on real positions, the sum over sentences,
                                              the mean over padded sentences only, non-zero
                                              masked weights, the padded share counted in
                                              sentences, divided by each length or inverted
========  ==================================  ================================================

Arrays are time-major: target ids ``(T, N)`` framed ``<bos> … <eos>`` and padded with
``pad_id``; attention scores and masks ``(S, N)``; logits ``(T, N, V)``.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rnnbook.checks._feedback import call, expect_close, expect_shape, fail, matches, passed

__all__ = [
    "BY_HAND",
    "check_attention_weights",
    "check_beam_by_hand",
    "check_beam_search",
    "check_bleu",
    "check_masked_cross_entropy",
    "check_padding_experiment",
    "check_teacher_forcing_pair",
    "padding_model",
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


# --------------------------------------------------------------------------- exercise 10.7

BY_HAND = {
    (): {"A": 0.5, "B": 0.45, "<eos>": 0.05},
    ("A",): {"C": 0.4, "D": 0.35, "<eos>": 0.25},
    ("B",): {"C": 0.48, "D": 0.02, "<eos>": 0.5},
}
"""Exercise 10.7's model: P(next | words so far); after two words <eos> has probability 1."""

_TOKENS = ("<eos>", "A", "B", "C", "D")


def _by_hand_log_probs(prefix: tuple) -> np.ndarray:
    """Exercise 10.7's model as ``next_log_probs`` over the ids of ``_TOKENS`` (bos = -1)."""
    words = tuple(_TOKENS[i] for i in prefix[1:])
    table = BY_HAND.get(words, {"<eos>": 1.0})
    with np.errstate(divide="ignore"):
        return np.log([table.get(t, 0.0) for t in _TOKENS])


def _by_hand_answers() -> dict[str, Any]:
    """Greedy's and beam 2's outputs on :data:`BY_HAND`, from the reference rules of 10.4."""
    outputs = {}
    for name, k, alpha in (("greedy", 1, 0.0), ("beam 0", 2, 0.0), ("beam 1", 2, 1.0)):
        ids = _reference_beam(_by_hand_log_probs, -1, 0, k, 3, alpha)
        logp = sum(float(_by_hand_log_probs((-1, *ids[:t]))[i]) for t, i in enumerate([*ids, 0]))
        outputs[name] = ([_TOKENS[i] for i in ids], logp, logp / (len(ids) + 1) ** alpha)
    return outputs


def _as_words(ex: str, name: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list | tuple) or not all(isinstance(w, str) for w in value):
        fail(ex, f"{name} should be a list of words such as ['A', 'D']; got {value!r}.")
    words = [w.strip().upper() if w.strip().lower() != "<eos>" else "<eos>" for w in value]
    if "<eos>" in words:
        fail(ex, f"{name} contains <eos>: write the output without it, as the decoders return it.")
    return words


def _as_number(ex: str, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        fail(ex, f"{name} should be a number; got {value!r}.")
    return float(value)


def _named_number(ex: str, name: str, got: float, right: float, wrong: dict[str, float]) -> None:
    """Fail naming the first entry of ``wrong`` that ``got`` matches (3 decimals suffice)."""
    if math.isclose(got, right, abs_tol=1e-3):
        return
    for message, value in wrong.items():
        if math.isclose(got, value, abs_tol=1e-3):
            fail(ex, f"{name} = {got:.4f}: {message}")
    fail(ex, f"{name} = {got:.4f} is not right; work it out from the table (natural logarithms).")


def check_beam_by_hand(
    greedy_output: Any,
    greedy_log_p: Any,
    beam_output_0: Any,
    beam_log_p_0: Any,
    beam_output_1: Any,
    beam_score_1: Any,
) -> None:
    """Check exercise 10.7: greedy decoding and beam search (k = 2) on :data:`BY_HAND`.

    Outputs are lists of words without <eos>; log-probabilities are natural logarithms of
    P(y | x) with <eos> included; beam_score_1 is log P(y | x) / |y| with <eos> counted in
    |y|. Expected: greedy ['A', 'C'], ln 0.2; beam α = 0 ['B'], ln 0.225; beam α = 1
    ['B', 'C'], ln 0.216 / 3. Answers within 1e-3 pass (float32 included).
    """
    ex = "10.7"
    answers = _by_hand_answers()
    g_words, g_logp, _ = answers["greedy"]
    b0_words, b0_logp, _ = answers["beam 0"]
    b1_words, b1_logp, b1_score = answers["beam 1"]
    got = _as_words(ex, "greedy_output", greedy_output)
    if got != g_words:
        if got == ["A"]:
            fail(ex, "greedy_output = ['A']: after A greedy takes the most likely next word, "
                     "C (0.4), not <eos> (0.25).")  # fmt: skip
        fail(ex, f"greedy_output = {got}: greedy takes the most likely word at each step and "
                 "never looks back: A (0.5 > 0.45) first, then the best word after A.")  # fmt: skip
    got_logp = _as_number(ex, "greedy_log_p", greedy_log_p)
    _named_number(ex, "greedy_log_p", got_logp, g_logp, {
        "this is the probability 0.5 · 0.4 · 1; give its natural logarithm.": math.exp(g_logp),
        "this is a base-10 logarithm; use the natural one (log_softmax's).": g_logp / math.log(10),
        "the sign is wrong: a log-probability is negative (this is the negative "
        "log-likelihood).": -g_logp,
        "this is the length-normalised score (α = 1); give log P(y | x) itself.": g_logp / 3,
    })  # fmt: skip
    got = _as_words(ex, "beam_output_0", beam_output_0)
    if got != b0_words:
        if got == b1_words:
            fail(ex, "beam_output_0 = ['B', 'C']: the finished hypothesis B <eos> was dropped. "
                     "At step 2 it ranks first (0.45 · 0.5 = 0.225), so it is set aside as "
                     "finished and competes at the end.")  # fmt: skip
        if got == g_words:
            fail(ex, "beam_output_0 = greedy's output: with two beams, B stays alive at step 1 "
                     "(0.45 is second best), so its continuations are scored too.")  # fmt: skip
        fail(ex, f"beam_output_0 = {got}: follow the chapter's rules step by step (the best "
                 "2k = 4 continuations, finished ones among the best k set aside).")  # fmt: skip
    got_logp = _as_number(ex, "beam_log_p_0", beam_log_p_0)
    _named_number(ex, "beam_log_p_0", got_logp, b0_logp, {
        "that is the log-probability of B C; the output B ends with <eos> after B, "
        "0.45 · 0.5.": b1_logp,
        "this is the probability 0.45 · 0.5; give its natural logarithm.": math.exp(b0_logp),
        "this is a base-10 logarithm; use the natural one (log_softmax's).": b0_logp / math.log(10),
        "the sign is wrong: a log-probability is negative.": -b0_logp,
    })  # fmt: skip
    got = _as_words(ex, "beam_output_1", beam_output_1)
    if got != b1_words:
        if got == b0_words:
            fail(ex, f"beam_output_1 = ['B']: that is the winner without length normalisation. "
                     f"With α = 1, B <eos> scores {b0_logp:.4f} / 2 = {b0_logp / 2:.4f} and "
                     f"B C <eos> {b1_logp:.4f} / 3 = {b1_score:.4f}.")  # fmt: skip
        if got == g_words:
            fail(ex, f"beam_output_1 = greedy's output: A C <eos> scores {g_logp:.4f} / 3 = "
                     f"{g_logp / 3:.4f}, below B C <eos>'s {b1_score:.4f}.")  # fmt: skip
        fail(ex, f"beam_output_1 = {got}: rank the finished hypotheses by log P / |y| "
                 "(<eos> counted in |y|).")  # fmt: skip
    got_score = _as_number(ex, "beam_score_1", beam_score_1)
    _named_number(ex, "beam_score_1", got_score, b1_score, {
        "this is the raw log-probability; divide by |y|^α = 3 (<eos> counted).": b1_logp,
        "<eos> is not counted in the length: B C <eos> has |y| = 3.": b1_logp / 2,
        "this is exp of the score, the geometric mean probability per token; give the "
        "score itself, log P / |y|.": math.exp(b1_score),
        "this is a base-10 logarithm; use the natural one.": b1_score / math.log(10),
        "the sign is wrong: the score is a mean log-probability, negative.": -b1_score,
    })  # fmt: skip
    passed(ex, f"greedy A C ({g_logp:.4f}); beam 2 finds B ({b0_logp:.4f}) with α = 0 and "
               f"B C ({b1_score:.4f} per token) with α = 1: both beat greedy.")  # fmt: skip


# --------------------------------------------------------------------------- exercise 10.8


@functools.cache
def _padding_batch() -> tuple[np.ndarray, np.ndarray, int, int]:
    from rnnbook.data import encode_pairs, load_translation

    data = load_translation("numbers", seed=0)
    src, lengths, _, _ = encode_pairs(data.train[::700][:12], data.src_vocab, data.tgt_vocab)
    return src, lengths, len(data.src_vocab), len(data.tgt_vocab)


def padding_model(run_seed: int) -> tuple[Any, Any, Any]:
    """Exercise 10.8's untrained model and batch: ``(model, src (S, N), src_lengths (N,))``.

    A ``Seq2Seq`` with additive attention (16-dimensional embeddings, 32 GRU units, fused)
    initialised after ``torch.manual_seed(run_seed)``, in eval mode; twelve French numbers
    of 1 to 9 tokens, padded to the longest (S = 9, N = 12).
    """
    import torch

    from rnnbook.nn import Seq2Seq

    src, lengths, v_src, v_tgt = _padding_batch()
    torch.manual_seed(int(run_seed))
    model = Seq2Seq(v_src, v_tgt, embed_dim=16, hidden_size=32, attention="bahdanau", fused=True)
    return model.eval(), torch.as_tensor(src), torch.as_tensor(lengths)


def _padding_weights(run_seed: int) -> dict[str, float]:
    """The first step's weight on padding, unmasked, with the variants of plausible mistakes."""
    import torch

    model, src, lengths = padding_model(run_seed)
    with torch.no_grad():
        memory, state, mask = model.encode(src, lengths)
        _, alpha = model.attend(state[-1], memory, torch.ones_like(mask))  # (N, S)
    on_pad = (alpha * ~mask.T).sum(1).double().numpy()  # (N,)
    padded = (~mask).any(0).numpy()
    return {
        "right": float(on_pad.mean()),
        "real": float(1 - on_pad.mean()),
        "summed": float(on_pad.sum()),
        "padded only": float(on_pad[padded].mean()),
    }


_PADDING_MISTAKES = {
    "real": "this is the weight on the real positions; measure the weight on the padded ones "
    "(where mask is False).",
    "summed": "the weights on padding are summed over the sentences; average them over the N "
    "sentences.",
    "padded only": "the average runs over the padded sentences only; average over all N "
    "sentences of the batch (a sentence without padding contributes 0).",
}


def check_padding_experiment(
    unmasked: Any, masked: Any, padded_share: Any, run_seeds: Any, rtol: float = 1e-4
) -> None:
    """Check exercise 10.8: the attention weight that lands on padding, with and without mask.

    For each seed in run_seeds, :func:`padding_model` (seed) gives a model and a batch; at
    the decoder's first step (query ``state[-1]``) ``unmasked[i]`` is the weight that
    ``model.attend`` puts on padded positions with an all-True mask, summed per sentence
    and averaged over the N sentences; ``masked[i]`` the same with the model's mask (0).
    padded_share is the share of the batch's S × N positions that are padding. The checker
    reruns every model and accepts values within ``rtol`` (float32 included).
    """
    ex = "10.8"
    try:
        run_seeds = [int(s) for s in run_seeds]
    except (TypeError, ValueError):
        fail(ex, f"run_seeds should be a list of integer seeds; got {run_seeds!r}.")
    if not run_seeds:
        fail(ex, "run_seeds is empty: measure at least one model (the exercise asks for 3).")
    values = {}
    for name, given in (("unmasked", unmasked), ("masked", masked)):
        try:
            values[name] = np.asarray(given, dtype=float).ravel()
        except (TypeError, ValueError):
            fail(ex, f"{name} should be a list of numbers, one per run seed; got {given!r}.")
        if values[name].shape != (len(run_seeds),):
            fail(ex, f"{name} holds {values[name].size} values; expected one per run seed, "
                     f"{len(run_seeds)}.")  # fmt: skip
    src, lengths, _, _ = _padding_batch()
    S, N = src.shape
    share = float(np.mean(S - lengths) / S)
    got_share = _as_number(ex, "padded_share", padded_share)
    if not math.isclose(got_share, share, rel_tol=rtol):
        wrong = {
            "this is the share of sentences that hold padding; count padded positions out of "
            "all S × N.": float(np.mean(lengths < S)),
            "this divides the padding by each sentence's length; divide by S, the padded "
            "length, so that the shares of real and padded positions add up to 1.": float(
                np.mean((S - lengths) / lengths)
            ),
            "this is the share of real positions; padded_share counts the padding.": 1 - share,
        }
        for message, value in wrong.items():
            if math.isclose(got_share, value, rel_tol=rtol):
                fail(ex, f"padded_share = {got_share:.6g}: {message}")
        n_pad = int(np.sum(S - lengths))
        fail(ex, f"padded_share = {got_share:.6g}, expected {share:.6g}: the batch has "
                 f"{n_pad} padded positions out of S × N = {S * N}.")  # fmt: skip
    if np.any(np.abs(values["masked"]) > 1e-6):
        i = int(np.argmax(np.abs(values["masked"]) > 1e-6))
        fail(ex, f"masked[{i}] = {values['masked'][i]:.6g}: with the model's mask, the padded "
                 "scores are -inf and their weights exactly 0. Pass the mask returned by "
                 "model.encode.")  # fmt: skip
    for i, s in enumerate(run_seeds):
        reference = _padding_weights(s)
        got = values["unmasked"][i]
        if math.isclose(got, reference["right"], rel_tol=rtol):
            continue
        if abs(got) < 1e-6:
            fail(ex, f"unmasked[{i}] = 0: the model's mask was used. Remove it by passing "
                     "torch.ones_like(mask), so that padded positions compete too.")  # fmt: skip
        for name, message in _PADDING_MISTAKES.items():
            if math.isclose(got, reference[name], rel_tol=rtol):
                fail(ex, f"unmasked[{i}] = {got:.6g}: {message}")
        fail(ex, f"unmasked[{i}] = {got:.6g} does not reproduce: padding_model({s}) puts "
                 f"{reference['right']:.6g} of its first step's attention on padding (query "
                 "state[-1], an all-True mask, the weight on padded positions summed per "
                 "sentence and averaged over the sentences).")  # fmt: skip
    mean = float(values["unmasked"].mean())
    passed(ex, f"your numbers reproduce: without the mask, {mean:.3f} of the weight lands on "
               f"padding, which is {share:.3f} of the positions.")  # fmt: skip
