"""Melodies of the Bach chorales, as pitch/duration tokens for music generation.

Source: the soprano parts of the 403 Bach chorales (``bach/*.mxl``) in the music21 corpus
(music21 is BSD-licensed; the chorale encodings are public domain). Parsing them takes
minutes, so ``cache/bach_soprano.npz`` (18 KB: 21,092 notes) holds the extracted melodies;
``cache/make_bach_cache.py`` regenerates it from music21 (the loader itself needs only
numpy). Purpose: chapter 09's one-to-many generation from real melodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnbook.data.vocab import Vocab

CACHE = Path(__file__).with_name("cache") / "bach_soprano.npz"
_NOTE_NAMES = ("C", "C#", "D", "E-", "E", "F", "F#", "G", "G#", "A", "B-", "B")


def note_token(pitch: int, duration: float) -> str:
    """Token of one note: MIDI ``pitch`` (0 = rest) and ``duration`` in quarter notes.

    >>> note_token(67, 1.0), note_token(0, 0.5)
    ('G4_1', 'R_0.5')
    """
    name = "R" if pitch == 0 else f"{_NOTE_NAMES[pitch % 12]}{pitch // 12 - 1}"
    return f"{name}_{duration:g}"


@dataclass(frozen=True)
class Melodies:
    """``N`` melodies. ``pitches[i]`` int64 ``(L_i,)`` MIDI numbers (0 = rest),
    ``durations[i]`` float64 ``(L_i,)`` in quarter notes, ``tokens[i]`` the ``L_i`` note
    tokens (:func:`note_token`), ``vocab`` their vocabulary with ``<pad> <unk> <bos> <eos>``,
    ``titles[i]`` the BWV number, ``modes[i]`` "major" or "minor"."""

    titles: tuple[str, ...]
    modes: tuple[str, ...]
    pitches: list[np.ndarray]
    durations: list[np.ndarray]
    tokens: list[list[str]]
    vocab: Vocab


def load_bach_chorales(transpose: bool = True) -> Melodies:
    """The soprano melodies of the Bach chorales, from the committed cache.

    With ``transpose=True`` each melody is shifted by at most a tritone so that its key
    (music21's analysis) becomes C major or A minor, so that a token means the same scale
    degree in every chorale and a model can share what it learns across keys.
    """
    if not CACHE.exists():
        raise FileNotFoundError(
            f"{CACHE} is missing; run src/rnnbook/data/cache/make_bach_cache.py"
        )
    with np.load(CACHE) as f:
        data = {k: f[k] for k in f.files}
    offsets = data["offsets"]
    pitches, durations = [], []
    for i in range(len(data["titles"])):
        p = data["pitches"][offsets[i] : offsets[i + 1]].astype(np.int64)
        if transpose:
            target = 0 if data["modes"][i] == 0 else 9  # C major, A minor
            shift = (target - int(data["tonics"][i]) + 6) % 12 - 6
            p = np.where(p > 0, p + shift, 0)
        pitches.append(p)
        durations.append(data["durations"][offsets[i] : offsets[i + 1]].astype(np.float64))
    tokens = [[note_token(int(a), float(b)) for a, b in zip(p, d, strict=True)]
              for p, d in zip(pitches, durations, strict=True)]  # fmt: skip
    return Melodies(
        titles=tuple(str(t) for t in data["titles"]),
        modes=tuple("major" if m == 0 else "minor" for m in data["modes"]),
        pitches=pitches,
        durations=durations,
        tokens=tokens,
        vocab=Vocab.build(tokens),
    )
