"""The toy data of chapters 01-02: the "hello" example and the lecture's sentence.

Source: the lecture notes (Karpathy's "hello" character model; the Harry Potter sentence
used to introduce vocabularies and one-hot vectors). A one-word and a one-sentence
example, written out here; no licence applies to so short a quotation.
"""

from __future__ import annotations

import numpy as np

from rnnbook.data.vocab import Vocab

HELLO = "hello"
HELLO_VOCAB = ("h", "e", "l", "o")
HARRY_POTTER = "Harry Potter and Hermione Granger invented a new spell."


def hello_example() -> tuple[Vocab, np.ndarray, np.ndarray]:
    """The character model's training pair on "hello" with vocabulary [h, e, l, o].

    Returns ``(vocab, inputs, targets)``: ``vocab`` has no special tokens (h=0, e=1, l=2,
    o=3); ``inputs`` are the ids of "hell" and ``targets`` the ids of "ello", both int64
    ``(4,)``. ``vocab.one_hot(inputs)`` gives the ``(4, 4)`` one-hot inputs.
    """
    vocab = Vocab(HELLO_VOCAB, specials=())
    ids = vocab.encode(HELLO)
    return vocab, ids[:-1], ids[1:]
