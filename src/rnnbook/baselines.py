"""The simplest models that could work: the baselines chapter 09 measures every RNN against.

- :func:`bag_of_words`: token counts of padded sequences, order thrown away.
- :class:`LogisticRegression`: a softmax classifier on fixed-length features, in numpy.
- :class:`CharBigramNaiveBayes`: a character-bigram language model per class plus a prior.
- :class:`WindowTagger`: a feed-forward tagger that sees a fixed window around each position.

All of them are deterministic: fitting starts from zeros and uses the full batch, so a
baseline's score has no spread over seeds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import Tensor, nn

from rnnbook.ngram import NGramLM


def _check_ids(x: np.ndarray, lengths: np.ndarray, vocab_size: int) -> None:
    if x.ndim != 2:
        raise ValueError(f"expected token ids of shape (T, N), received shape {x.shape}")
    if lengths.shape != (x.shape[1],):
        raise ValueError(
            f"expected lengths of shape ({x.shape[1]},), one per sequence, "
            f"received shape {lengths.shape}"
        )
    if (lengths < 1).any() or (lengths > x.shape[0]).any():
        raise ValueError(f"expected lengths in [1, {x.shape[0]}], received {lengths.tolist()}")
    if x.min() < 0 or x.max() >= vocab_size:
        raise ValueError(f"expected token ids in [0, {vocab_size}), received {x.min()}..{x.max()}")


def bag_of_words(x: np.ndarray, lengths: np.ndarray, vocab_size: int) -> np.ndarray:
    """Count how often each token occurs in each sequence, padding excluded.

    ``x`` int ``(T, N)`` padded ids, ``lengths`` ``(N,)`` -> float64 counts ``(N, V)``.
    """
    x, lengths = np.asarray(x), np.asarray(lengths)
    _check_ids(x, lengths, vocab_size)
    real = np.arange(x.shape[0])[:, None] < lengths[None, :]  # (T, N)
    counts = np.zeros((x.shape[1], vocab_size))
    columns = np.broadcast_to(np.arange(x.shape[1]), x.shape)
    np.add.at(counts, (columns[real], x[real]), 1.0)
    return counts


class LogisticRegression:
    """Multinomial logistic regression, ``p(y | f) = softmax(W f + b)``, fitted in numpy.

    Full-batch gradient descent from zero weights on the mean cross-entropy plus
    ``l2 / 2 * ||W||²``. Features ``(N, F)``, labels ``(N,)`` in ``[0, n_classes)``.
    """

    def __init__(self, n_classes: int, l2: float = 1e-3, lr: float = 0.5, steps: int = 500):
        if n_classes < 2:
            raise ValueError(f"expected n_classes >= 2, received {n_classes}")
        self.n_classes, self.l2, self.lr, self.steps = n_classes, l2, lr, steps
        self.W: np.ndarray | None = None
        self.b: np.ndarray | None = None

    def fit(self, features: np.ndarray, labels: np.ndarray) -> LogisticRegression:
        """Fit on ``features (N, F)`` and ``labels (N,)``; returns ``self``."""
        features, labels = np.asarray(features, dtype=np.float64), np.asarray(labels)
        if features.ndim != 2 or labels.shape != (len(features),):
            raise ValueError(
                "expected features (N, F) and labels (N,), received shapes "
                f"{features.shape} and {labels.shape}"
            )
        if labels.min() < 0 or labels.max() >= self.n_classes:
            raise ValueError(f"expected labels in [0, {self.n_classes}), received {labels}")
        n, f = features.shape
        self.W, self.b = np.zeros((self.n_classes, f)), np.zeros(self.n_classes)
        onehot = np.eye(self.n_classes)[labels]
        for _ in range(self.steps):
            d_logits = (self.predict_proba(features) - onehot) / n  # (N, C)
            self.W -= self.lr * (d_logits.T @ features + self.l2 * self.W)
            self.b -= self.lr * d_logits.sum(0)
        return self

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities ``(N, C)`` for ``features (N, F)``."""
        if self.W is None:
            raise ValueError("the model is not fitted: call fit(features, labels) first")
        features = np.asarray(features, dtype=np.float64)
        if features.ndim != 2 or features.shape[1] != self.W.shape[1]:
            raise ValueError(
                f"expected features of shape (N, {self.W.shape[1]}), received {features.shape}"
            )
        logits = features @ self.W.T + self.b
        e = np.exp(logits - logits.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)

    def predict(self, features: np.ndarray) -> np.ndarray:
        """The most probable class of each row, int64 ``(N,)``."""
        return self.predict_proba(features).argmax(1)


class CharBigramNaiveBayes:
    """Naive Bayes over character bigrams: ``argmax_c log P(c) + log P(name | c)``.

    ``P(name | c)`` is a bigram language model of class ``c`` (:class:`~rnnbook.ngram.NGramLM`
    with add-``k`` smoothing) over the ids ``<bos> x_1 ... x_L <eos>``, so a name's first and
    last letters count too.
    """

    def __init__(self, n_classes: int, k: float = 0.1):
        if n_classes < 2:
            raise ValueError(f"expected n_classes >= 2, received {n_classes}")
        self.n_classes, self.k = n_classes, k
        self.models: list[NGramLM] = []
        self.log_prior: np.ndarray | None = None

    def fit(
        self, sequences: Sequence[Sequence[int]], labels: np.ndarray, vocab_size: int
    ) -> CharBigramNaiveBayes:
        """Fit on ``N`` id sequences (each framed ``<bos> ... <eos>``) and ``labels (N,)``."""
        labels = np.asarray(labels)
        if labels.shape != (len(sequences),):
            raise ValueError(
                f"expected one label per sequence: {len(sequences)} sequences, "
                f"labels of shape {labels.shape}"
            )
        counts = np.bincount(labels, minlength=self.n_classes)
        if len(counts) > self.n_classes or (counts == 0).any():
            raise ValueError(
                f"expected every class in [0, {self.n_classes}) to occur, counts {counts}"
            )
        self.log_prior = np.log(counts / counts.sum())
        self.models = [
            NGramLM(order=2, k=self.k).fit(
                [np.asarray(s) for s, y in zip(sequences, labels, strict=True) if y == c],
                vocab_size,
            )
            for c in range(self.n_classes)
        ]
        return self

    def log_posterior(self, sequences: Sequence[Sequence[int]]) -> np.ndarray:
        """Unnormalised ``log P(c) + log P(sequence | c)``, shape ``(N, C)``."""
        if self.log_prior is None:
            raise ValueError("the model is not fitted: call fit(sequences, labels, V) first")
        return (
            np.array([[m.sequence_log_prob(s) for m in self.models] for s in sequences])
            + self.log_prior
        )

    def predict(self, sequences: Sequence[Sequence[int]]) -> np.ndarray:
        """The most probable class of each sequence, int64 ``(N,)``."""
        return self.log_posterior(sequences).argmax(1)


class WindowTagger(nn.Module):
    """A fixed-window tagger: each position's tag from the ``2 * radius + 1`` tokens around it.

    Embedding, a convolution over the window (``hidden`` channels, ReLU), then a linear map
    to ``num_tags`` at every position: a feed-forward network shared across positions that
    sees nothing outside its window. ``forward(x (T, N) ids, lengths=None)`` returns logits
    ``(T, N, num_tags)``, the interface of :class:`~rnnbook.nn.models.SequenceTagger`.
    """

    def __init__(
        self, vocab_size: int, num_tags: int, radius: int, hidden: int = 64, embed_dim: int = 8
    ):
        super().__init__()
        if radius < 0:
            raise ValueError(f"expected radius >= 0, received {radius}")
        self.radius = radius
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.window = nn.Conv1d(embed_dim, hidden, 2 * radius + 1, padding=radius)
        self.head = nn.Conv1d(hidden, num_tags, 1)

    def forward(self, x: Tensor, lengths: Tensor | None = None) -> Tensor:
        """x ``(T, N)`` ids -> logits ``(T, N, num_tags)``; ``lengths`` is accepted and unused
        (padding is zero-embedded only through the data; score real positions only)."""
        if x.dim() != 2:
            raise ValueError(f"expected token ids of shape (T, N), received {tuple(x.shape)}")
        e = self.embedding(x).permute(1, 2, 0)  # (N, E, T)
        return self.head(torch.relu(self.window(e))).permute(2, 0, 1)
