"""The one container every labelled-sequence loader returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rnnbook.data.vocab import Vocab

IGNORE_INDEX = -100
"""Label of padded positions in per-position targets (``torch.nn.CrossEntropyLoss``'s default)."""


@dataclass(frozen=True)
class SequenceDataset:
    """Labelled sequences, encoded and padded time-major, with a seeded split.

    Attributes
    ----------
    tokens : the ``N`` raw sequences (strings for character data, lists of words otherwise).
    x : int64 ``(T, N)``, token ids padded with ``vocab.pad_id`` (or 0 without specials).
    lengths : int64 ``(N,)``, the true length of each sequence.
    y : int64 ``(N,)`` for one label per sequence, or ``(T, N)`` for one label per position,
        padded with ``IGNORE_INDEX``.
    vocab : the input vocabulary; ``label_names[k]`` names label ``k``.
    train, val, test : disjoint sorted index arrays into the ``N`` sequences.
    """

    tokens: Sequence[str] | Sequence[Sequence[str]]
    x: np.ndarray
    lengths: np.ndarray
    y: np.ndarray
    vocab: Vocab
    label_names: tuple[str, ...]
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray

    def __len__(self) -> int:
        return len(self.tokens)
