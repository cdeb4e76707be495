"""Regenerate ``number_words.npz``: French and English words for the numbers 0-9999.

Source: ``num2words`` (LGPL), ``num2words(k, lang="fr")`` and ``lang="en"``. Computing the
20,000 strings takes about 3 s, so :func:`rnnbook.data.translation.number_pairs` reads
them from this cache instead. Run from the repository root::

    python src/rnnbook/data/cache/make_number_cache.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from num2words import num2words

OUT = Path(__file__).with_name("number_words.npz")
SIZE = 10_000


def main() -> None:
    fr = np.array([num2words(k, lang="fr") for k in range(SIZE)])
    en = np.array([num2words(k, lang="en") for k in range(SIZE)])
    np.savez_compressed(OUT, fr=fr, en=en)
    print(f"numbers 0-{SIZE - 1} -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
