"""Regenerate ``bach_soprano.npz``: the soprano melodies of the Bach chorales in music21.

Source: the ``bach/*.mxl`` files of the music21 corpus (music21 is BSD-licensed; the chorale
encodings are public domain). Run from the repository root::

    python src/rnnbook/data/cache/make_bach_cache.py

It parses every ``.mxl`` file in sorted order (a few minutes), keeps the scores that have a
part named "Soprano", merges tied notes, and stores for each note its MIDI pitch (0 for a
rest, the top note of a chord) and its duration in quarter notes, plus the key that
music21's Krumhansl analysis finds (tonic pitch class, mode). The result is a small
``.npz`` read by :func:`rnnbook.data.music.load_bach_chorales`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from music21 import chord, corpus, note

OUT = Path(__file__).with_name("bach_soprano.npz")


def soprano_notes(score) -> tuple[list[int], list[float]] | None:
    parts = [p for p in score.parts if (p.partName or "").strip().lower() == "soprano"]
    if not parts:
        return None
    pitches, durations = [], []
    for el in parts[0].stripTies().flatten().notesAndRests:
        q = float(el.quarterLength)
        if q <= 0:  # grace notes
            continue
        if isinstance(el, note.Rest):
            pitches.append(0)
        elif isinstance(el, chord.Chord):
            pitches.append(max(p.midi for p in el.pitches))
        else:
            pitches.append(el.pitch.midi)
        durations.append(q)
    return pitches, durations


def main() -> None:
    bach_dir = Path(corpus.getComposer("bach")[0]).parent
    files = sorted(p for p in bach_dir.iterdir() if p.suffix == ".mxl")
    titles, pitches, durations, offsets, tonics, modes = [], [], [], [0], [], []
    for path in files:
        score = corpus.parse(str(path))
        melody = soprano_notes(score)
        if melody is None or len(melody[0]) < 8:
            continue
        key = score.analyze("key")
        titles.append(path.stem)
        pitches += melody[0]
        durations += melody[1]
        offsets.append(len(pitches))
        tonics.append(key.tonic.pitchClass)
        modes.append(0 if key.mode == "major" else 1)
        print(f"{path.stem:>16s} {len(melody[0]):4d} notes  {key}")
    np.savez_compressed(
        OUT,
        titles=np.array(titles),
        pitches=np.array(pitches, dtype=np.int16),
        durations=np.array(durations, dtype=np.float32),
        offsets=np.array(offsets, dtype=np.int64),
        tonics=np.array(tonics, dtype=np.int8),
        modes=np.array(modes, dtype=np.int8),
    )
    print(f"{len(titles)} chorales, {len(pitches)} notes -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
