"""A real text corpus for character language models: the Python standard library's source.

Source: the ``.py`` files of the standard library of the running interpreter
(``sysconfig.get_paths()["stdlib"]``), in the spirit of Karpathy's Linux-source experiment.
License: Python Software Foundation License (the text is read where Python installed it,
nothing is copied into this package). Size: about 9.9 million characters of ASCII text
on CPython 3.11; the loaders take only the first ``n_chars`` characters.

Determinism: files are read in sorted order of their path relative to the stdlib directory,
packages ``test``, ``idlelib``, ``lib2to3`` and ``site-packages`` are skipped, and only
files that are pure ASCII are kept (vocabulary under 100 characters). The text is the same
in every process and on every machine with the same Python version; it differs slightly
between Python patch releases (the stdlib sources change), so tests check properties, not
exact text.
"""

from __future__ import annotations

import functools
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnbook.data.batching import split_contiguous
from rnnbook.data.vocab import Vocab

_SKIPPED_DIRS = {"test", "tests", "idlelib", "lib2to3", "site-packages", "__pycache__"}
FILE_SEPARATOR = "\n\n"


@functools.cache
def python_source_files() -> tuple[Path, ...]:
    """The stdlib ``.py`` files the corpus uses, in sorted (deterministic) order."""
    root = Path(sysconfig.get_paths()["stdlib"])
    files = [
        p
        for p in root.rglob("*.py")
        if not _SKIPPED_DIRS.intersection(p.relative_to(root).parts[:-1])
    ]
    return tuple(sorted(files, key=lambda p: p.relative_to(root).as_posix()))


def load_python_source(n_chars: int | None = 1_000_000) -> str:
    """The first ``n_chars`` characters of the standard library's source (all if ``None``).

    Files are joined with a blank line; see the module docstring for the order and filter.
    Returns a ``str`` of length ``n_chars`` (or less if the stdlib is smaller).
    """
    if n_chars is not None and n_chars < 1:
        raise ValueError(f"n_chars must be a positive int or None, got {n_chars}")
    pieces: list[str] = []
    total = 0
    for path in python_source_files():
        raw = path.read_bytes()
        if not raw.isascii():
            continue
        text = raw.decode("ascii").replace("\r\n", "\n")
        pieces.append(text + FILE_SEPARATOR)
        total += len(text) + len(FILE_SEPARATOR)
        if n_chars is not None and total >= n_chars:
            break
    corpus = "".join(pieces)
    return corpus if n_chars is None else corpus[:n_chars]


@dataclass(frozen=True)
class CharCorpus:
    """A text encoded character by character and split contiguously.

    ``vocab`` has no special tokens (ids ``0 .. V-1`` are characters sorted by code point);
    ``train``, ``val`` and ``test`` are int64 id arrays of shapes ``(L_train,)`` etc., the
    beginning, middle and end of ``text``. Feed them to :func:`~rnnbook.data.batchify`.
    """

    text: str
    vocab: Vocab
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray


def char_corpus(text: str, val_frac: float = 0.05, test_frac: float = 0.05) -> CharCorpus:
    """Encode ``text`` with its own character vocabulary and split it contiguously."""
    if not text:
        raise ValueError("text is empty; a character corpus needs at least one character")
    vocab = Vocab.build([text], specials=())
    train, val, test = split_contiguous(vocab.encode(text), val_frac, test_frac)
    return CharCorpus(text, vocab, train, val, test)
