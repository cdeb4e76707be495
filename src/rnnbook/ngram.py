"""Count-based n-gram language models: the baselines every neural language model must beat.

An :class:`NGramLM` of order 1 (unigram) or 2 (bigram) is fitted by counting token ids and
smoothed by adding ``k`` to every count (add-k, or Laplace smoothing when ``k = 1``)::

    unigram   P(b)     = (C(b) + k)    / (sum_b' C(b')    + k V)
    bigram    P(b | a) = (C(a, b) + k) / (sum_b' C(a, b') + k V)

The model works on integer ids, so one class serves characters and words alike (encode with
:class:`rnnbook.data.vocab.Vocab`). A sequence's first id is context only: it is never
predicted. To score a sentence from its first word, start it with ``<bos>``; to score its
end, finish it with ``<eos>``. So ``log_probs(ids)`` has one entry per *prediction*,
``len(ids) - 1`` of them, for the targets ``ids[1:]`` — the same targets a recurrent
language model predicts from ``ids[:-1]``, which makes the bits per character comparable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["NGramLM"]


def _as_ids(name: str, ids: np.ndarray | Sequence[int], vocab_size: int) -> np.ndarray:
    """Check that ``ids`` is a 1-D integer array of length >= 2 with values in [0, V)."""
    array = np.asarray(ids)
    if array.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array of token ids (L,), received {array.shape}")
    if len(array) < 2:
        raise ValueError(
            f"{name}: expected at least 2 ids (a context and a target), received {len(array)}"
        )
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name}: expected integer token ids, received dtype {array.dtype}")
    if array.min() < 0 or array.max() >= vocab_size:
        raise ValueError(
            f"{name}: expected ids in [0, {vocab_size}), received values in "
            f"[{array.min()}, {array.max()}]"
        )
    return array


class NGramLM:
    """A unigram (``order=1``) or bigram (``order=2``) model with add-k smoothing.

    Parameters
    ----------
    order
        1 for P(x_{t+1}), 2 for P(x_{t+1} | x_t).
    k
        The pseudo-count added to every count (``k > 0`` keeps unseen pairs possible).

    After :meth:`fit`, ``counts`` holds the raw counts — shape ``(V,)`` for a unigram model,
    ``(V, V)`` for a bigram model with ``counts[a, b] = C(a, b)`` — and ``probs`` the smoothed
    probabilities of the same shape (each bigram row sums to one).
    """

    def __init__(self, order: int = 2, k: float = 1.0) -> None:
        if order not in (1, 2):
            raise ValueError(f"order: expected 1 (unigram) or 2 (bigram), received {order}")
        if not k > 0:
            raise ValueError(f"k: expected a positive pseudo-count, received {k}")
        self.order = order
        self.k = float(k)
        self.counts: np.ndarray | None = None

    def __repr__(self) -> str:
        name = {1: "unigram", 2: "bigram"}[self.order]
        fitted = f", V={self.vocab_size}" if self.counts is not None else ", not fitted"
        return f"NGramLM({name}, k={self.k:g}{fitted})"

    def fit(
        self, sequences: np.ndarray | Sequence[np.ndarray] | Sequence[int], vocab_size: int
    ) -> NGramLM:
        """Count the targets (unigram) or (context, target) pairs (bigram) of ``sequences``.

        ``sequences`` is one 1-D id array ``(L,)`` (a stream such as a source file) or a list
        of them (e.g. names, each ``<bos> ... <eos>``); pairs never cross from one sequence to
        the next. Returns ``self``.
        """
        if vocab_size < 1:
            raise ValueError(f"vocab_size: expected a positive integer, received {vocab_size}")
        if isinstance(sequences, np.ndarray) or (len(sequences) > 0 and np.isscalar(sequences[0])):
            sequences = [np.asarray(sequences)]
        if len(sequences) == 0:
            raise ValueError("fit: expected at least one sequence, received none")
        shape = (vocab_size,) * self.order
        counts = np.zeros(shape, dtype=np.int64)
        for i, seq in enumerate(sequences):
            ids = _as_ids(f"fit: sequence {i}", seq, vocab_size)
            if self.order == 1:
                np.add.at(counts, ids[1:], 1)
            else:
                np.add.at(counts, (ids[:-1], ids[1:]), 1)
        self.counts = counts
        return self

    @property
    def vocab_size(self) -> int:
        """V, the number of token ids the model was fitted for."""
        return len(self._fitted())

    def _fitted(self) -> np.ndarray:
        if self.counts is None:
            raise ValueError("the model is not fitted: call fit(sequences, vocab_size) first")
        return self.counts

    @property
    def probs(self) -> np.ndarray:
        """Smoothed probabilities: ``(V,)`` for unigram, ``(V, V)`` rows P(. | a) for bigram."""
        counts = self._fitted() + self.k
        return counts / counts.sum(axis=-1, keepdims=True)

    def next_probs(self, context: int | None = None) -> np.ndarray:
        """P(x_{t+1} = . | x_t = context), shape ``(V,)``; a unigram model ignores the context."""
        probs = self.probs
        if self.order == 1:
            return probs
        if context is None or not 0 <= int(context) < self.vocab_size:
            raise ValueError(
                f"context: expected a token id in [0, {self.vocab_size}) for a bigram model, "
                f"received {context}"
            )
        return probs[int(context)]

    def log_probs(self, ids: np.ndarray | Sequence[int]) -> np.ndarray:
        """Natural-log probability of each target ``ids[1:]`` given its context, ``(L - 1,)``."""
        ids = _as_ids("log_probs", ids, self.vocab_size)
        log_p = np.log(self.probs)
        return log_p[ids[1:]] if self.order == 1 else log_p[ids[:-1], ids[1:]]

    def sequence_log_prob(self, ids: np.ndarray | Sequence[int]) -> float:
        """ln P(ids[1:] | ids[0]): the chain rule's sum of the per-step log-probabilities."""
        return float(self.log_probs(ids).sum())

    def sequence_prob(self, ids: np.ndarray | Sequence[int]) -> float:
        """P(ids[1:] | ids[0]), the product of the per-step probabilities."""
        return math.exp(self.sequence_log_prob(ids))

    def mean_nll(self, sequences: np.ndarray | Sequence[np.ndarray]) -> float:
        """Mean negative log-likelihood per predicted token, in nats, over one or more sequences."""
        if isinstance(sequences, np.ndarray):
            sequences = [sequences]
        if len(sequences) == 0:
            raise ValueError("mean_nll: expected at least one sequence, received none")
        log_p = np.concatenate([self.log_probs(seq) for seq in sequences])
        return float(-log_p.mean())

    def bits_per_token(self, sequences: np.ndarray | Sequence[np.ndarray]) -> float:
        """Mean negative log2-probability per predicted token (bits per character for chars)."""
        return self.mean_nll(sequences) / math.log(2)

    def sample(
        self,
        start: int,
        max_len: int,
        rng: np.random.Generator | int | None = None,
        stop: int | None = None,
    ) -> np.ndarray:
        """Draw up to ``max_len`` ids after ``start``; stop early after drawing ``stop``.

        Returns the drawn ids ``(L,)`` without ``start`` (``stop`` included when drawn).
        """
        if max_len < 1:
            raise ValueError(f"max_len: expected a positive length, received {max_len}")
        rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        probs = self.probs
        out: list[int] = []
        token = int(start)
        self.next_probs(token)  # validates start
        for _ in range(max_len):
            p = probs if self.order == 1 else probs[token]
            token = int(rng.choice(len(p), p=p))
            out.append(token)
            if token == stop:
                break
        return np.asarray(out, dtype=np.int64)
