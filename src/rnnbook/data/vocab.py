"""Vocabularies: map tokens (characters or words) to integer ids and back.

A :class:`Vocab` holds an ordered tuple of tokens; a token's id is its position. By default
the four special tokens ``<pad> <unk> <bos> <eos>`` come first (ids 0, 1, 2, 3), so padding
is always id 0. A vocabulary without specials (``specials=()``) is what the "hello" toy of
chapter 02 uses: ``Vocab(("h", "e", "l", "o"), specials=())`` gives h=0, e=1, l=2, o=3.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SPECIALS: tuple[str, ...] = (PAD, UNK, BOS, EOS)

_WORD_RE = re.compile(r"\w+|[^\w\s]")


def tokenize(text: str) -> list[str]:
    """Split ``text`` into words and single punctuation marks, keeping case.

    >>> tokenize("Harry Potter and Hermione Granger invented a new spell.")[-2:]
    ['spell', '.']
    """
    return _WORD_RE.findall(text)


class Vocab:
    """An ordered, immutable token <-> id mapping.

    Parameters
    ----------
    tokens
        The ordinary tokens, in id order (they follow the specials). Duplicates, empty
        strings and tokens equal to a special raise ``ValueError``.
    specials
        Special tokens placed first; any subset of ``("<pad>", "<unk>", "<bos>", "<eos>")``
        in that order, or ``()`` for none.
    """

    def __init__(self, tokens: Iterable[str], specials: Sequence[str] = SPECIALS) -> None:
        specials = tuple(specials)
        if any(s not in SPECIALS for s in specials) or list(specials) != sorted(
            specials, key=SPECIALS.index
        ):
            raise ValueError(
                f"specials must be a subset of {SPECIALS} in that order, got {specials}"
            )
        tokens = tuple(tokens)
        for t in tokens:
            if not isinstance(t, str) or t == "":
                raise ValueError(f"tokens must be non-empty strings, got {t!r}")
            if t in SPECIALS:
                raise ValueError(f"token {t!r} is a special token; pass it through `specials`")
        all_tokens = specials + tokens
        self._itos: tuple[str, ...] = all_tokens
        self._stoi: dict[str, int] = {t: i for i, t in enumerate(all_tokens)}
        if len(self._stoi) != len(all_tokens):
            dup = sorted(t for t, c in Counter(all_tokens).items() if c > 1)
            raise ValueError(f"tokens must be unique, got duplicates {dup}")
        self.specials = specials

    @classmethod
    def build(
        cls,
        sequences: Iterable[Sequence[str] | str],
        min_freq: int = 1,
        specials: Sequence[str] = SPECIALS,
    ) -> Vocab:
        """Build a vocabulary from token sequences (a ``str`` counts as its characters).

        Tokens occurring fewer than ``min_freq`` times are left out (they encode to
        ``<unk>``). Ordinary tokens are sorted by code point, so the result does not depend
        on the order of ``sequences`` nor on hashing.
        """
        if min_freq < 1:
            raise ValueError(f"min_freq must be >= 1, got {min_freq}")
        counts: Counter[str] = Counter()
        for seq in sequences:
            counts.update(seq)
        kept = sorted(t for t, c in counts.items() if c >= min_freq and t not in SPECIALS)
        if not kept:
            raise ValueError(f"no token occurs at least min_freq={min_freq} times")
        return cls(kept, specials=specials)

    # ----------------------------------------------------------------- lookups
    def __len__(self) -> int:
        return len(self._itos)

    def __contains__(self, token: object) -> bool:
        return token in self._stoi

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocab) and self._itos == other._itos

    def __hash__(self) -> int:
        return hash(self._itos)

    def __repr__(self) -> str:
        head = ", ".join(repr(t) for t in self._itos[:8])
        more = ", ..." if len(self) > 8 else ""
        return f"Vocab(size={len(self)}, tokens=({head}{more}))"

    @property
    def tokens(self) -> tuple[str, ...]:
        """All tokens in id order, specials first."""
        return self._itos

    def index(self, token: str) -> int:
        """The id of ``token``; ``ValueError`` naming the token if it is not in the vocabulary."""
        try:
            return self._stoi[token]
        except KeyError:
            raise ValueError(
                f"token {token!r} is not in the vocabulary ({len(self)} tokens)"
            ) from None

    def token(self, i: int) -> str:
        """The token with id ``i``; ``ValueError`` if ``i`` is out of range."""
        if not 0 <= int(i) < len(self):
            raise ValueError(f"id {i} is out of range for a vocabulary of size {len(self)}")
        return self._itos[int(i)]

    @property
    def pad_id(self) -> int:
        """Id of ``<pad>`` (0 when the specials are present)."""
        return self.index(PAD)

    @property
    def unk_id(self) -> int:
        """Id of ``<unk>``."""
        return self.index(UNK)

    @property
    def bos_id(self) -> int:
        """Id of ``<bos>``."""
        return self.index(BOS)

    @property
    def eos_id(self) -> int:
        """Id of ``<eos>``."""
        return self.index(EOS)

    # --------------------------------------------------------- encode / decode
    def encode(
        self,
        tokens: Sequence[str] | str,
        unknown: Literal["error", "unk"] = "error",
        bos: bool = False,
        eos: bool = False,
    ) -> np.ndarray:
        """Token ids of ``tokens`` (a ``str`` is encoded character by character).

        Returns an int64 array of shape ``(L,)``, ``L = len(tokens) + bos + eos``.
        ``unknown="error"`` raises ``ValueError`` naming the first unknown token;
        ``unknown="unk"`` maps unknown tokens to ``<unk>`` (which must be in the vocabulary).
        """
        if unknown not in ("error", "unk"):
            raise ValueError(f"unknown must be 'error' or 'unk', got {unknown!r}")
        if unknown == "unk":
            unk = self.unk_id
            ids = [self._stoi.get(t, unk) for t in tokens]
        else:
            ids = [self.index(t) for t in tokens]
        if bos:
            ids.insert(0, self.bos_id)
        if eos:
            ids.append(self.eos_id)
        return np.asarray(ids, dtype=np.int64).reshape(-1)

    def decode(self, ids: Iterable[int] | np.ndarray, strip_specials: bool = False) -> list[str]:
        """Tokens of the ids ``ids`` (shape ``(L,)``); ``ValueError`` on an id out of range.

        With ``strip_specials=True`` the special tokens are dropped.
        """
        ids = np.asarray(ids)
        if ids.ndim != 1:
            raise ValueError(f"ids must be 1-D, got shape {ids.shape}")
        out = [self.token(i) for i in ids.tolist()]
        if strip_specials:
            out = [t for t in out if t not in SPECIALS]
        return out

    def decode_text(self, ids: Iterable[int] | np.ndarray, sep: str = "") -> str:
        """``sep.join(self.decode(ids, strip_specials=True))``: characters back to a string."""
        return sep.join(self.decode(ids, strip_specials=True))

    def one_hot(self, ids: np.ndarray, dtype: type = np.float64) -> np.ndarray:
        """One-hot vectors of ``ids``: shape ``ids.shape + (len(self),)``."""
        ids = np.asarray(ids)
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"ids must lie in [0, {len(self)}), got [{ids.min()}, {ids.max()}]")
        return np.eye(len(self), dtype=dtype)[ids]

    # ---------------------------------------------------------- serialisation
    def to_dict(self) -> dict[str, list[str]]:
        """A JSON-able ``{"specials": [...], "tokens": [...]}``; inverse of :meth:`from_dict`."""
        return {"specials": list(self.specials), "tokens": list(self._itos[len(self.specials) :])}

    @classmethod
    def from_dict(cls, d: dict) -> Vocab:
        """Rebuild a vocabulary saved with :meth:`to_dict`."""
        if not isinstance(d, dict) or set(d) != {"specials", "tokens"}:
            got = sorted(d) if isinstance(d, dict) else type(d).__name__
            raise ValueError(f"expected a dict with keys ['specials', 'tokens'], got {got}")
        return cls(d["tokens"], specials=d["specials"])

    def save(self, path: str | Path) -> None:
        """Write the vocabulary to ``path`` as JSON (UTF-8)."""
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Vocab:
        """Read a vocabulary written by :meth:`save`."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
