"""Melodies as pictures, sounds and files: a piano roll, a numpy synthesiser and MIDI.

A melody is two arrays of the same length ``L``: ``pitches`` (MIDI numbers, 0 for a rest) and
``durations`` (in quarter notes), as :func:`rnnbook.data.load_bach_chorales` returns them.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np


def _melody(pitches, durations) -> tuple[np.ndarray, np.ndarray]:
    pitches = np.asarray(pitches, dtype=np.int64)
    durations = np.asarray(durations, dtype=np.float64)
    if pitches.ndim != 1 or pitches.shape != durations.shape or len(pitches) == 0:
        raise ValueError(
            "expected pitches and durations of the same shape (L,) with L >= 1, received "
            f"{pitches.shape} and {durations.shape}"
        )
    if (pitches < 0).any() or (pitches > 127).any() or (durations <= 0).any():
        raise ValueError("expected MIDI pitches in [0, 127] (0 = rest) and positive durations")
    return pitches, durations


def piano_roll(
    pitches: np.ndarray,
    durations: np.ndarray,
    steps_per_quarter: int = 4,
    low: int = 55,
    high: int = 84,
) -> np.ndarray:
    """Bool ``(high - low + 1, S)``: row ``p - low`` is on while pitch ``p`` sounds.

    Time is cut into ``steps_per_quarter`` steps per quarter note, so
    ``S = round(sum(durations) * steps_per_quarter)``. A note starts at the sum of the
    durations before it; rests (pitch 0) leave every row off. Pitches outside
    ``[low, high]`` raise ``ValueError``.
    """
    pitches, durations = _melody(pitches, durations)
    sounding = pitches[pitches > 0]
    if len(sounding) and (sounding.min() < low or sounding.max() > high):
        raise ValueError(
            f"pitches {sounding.min()}..{sounding.max()} fall outside the roll's [{low}, {high}]"
        )
    edges = np.round(np.concatenate([[0.0], np.cumsum(durations)]) * steps_per_quarter)
    edges = edges.astype(np.int64)
    roll = np.zeros((high - low + 1, edges[-1]), dtype=bool)
    for pitch, start, stop in zip(pitches, edges[:-1], edges[1:], strict=True):
        if pitch > 0:
            roll[pitch - low, start:stop] = True
    return roll


def synthesize(
    pitches: np.ndarray, durations: np.ndarray, tempo: float = 96.0, rate: int = 8000
) -> np.ndarray:
    """A waveform float32 ``(samples,)`` in [-1, 1]: each note a decaying tone with two
    overtones, ``tempo`` quarter notes per minute, ``rate`` samples per second."""
    pitches, durations = _melody(pitches, durations)
    notes = []
    for pitch, quarters in zip(pitches, durations, strict=True):
        t = np.arange(round(quarters * 60.0 / tempo * rate)) / rate
        if pitch == 0:
            notes.append(np.zeros_like(t))
            continue
        f = 440.0 * 2.0 ** ((pitch - 69) / 12)
        tone = sum(a * np.sin(2 * np.pi * k * f * t) for k, a in ((1, 1.0), (2, 0.4), (3, 0.2)))
        attack = np.minimum(1.0, t / 0.01)  # 10 ms: no click at the onset
        release = np.minimum(1.0, (t[-1] - t) / 0.02) if len(t) else t
        notes.append(tone * attack * release * np.exp(-3.0 * t))
    wave = np.concatenate(notes)
    return (wave / max(np.abs(wave).max(), 1e-9) * 0.8).astype(np.float32)


def _var_length(value: int) -> bytes:
    """MIDI's variable-length quantity: 7 bits per byte, high bit set on all but the last."""
    out = [value & 0x7F]
    while value > 0x7F:
        value >>= 7
        out.append((value & 0x7F) | 0x80)
    return bytes(reversed(out))


def midi_bytes(
    pitches: np.ndarray, durations: np.ndarray, tempo: float = 96.0, ticks: int = 480
) -> bytes:
    """A standard MIDI file (format 0, one track) of the melody, ``ticks`` per quarter note."""
    pitches, durations = _melody(pitches, durations)
    events = bytearray(b"\x00\xff\x51\x03" + round(60e6 / tempo).to_bytes(3, "big"))
    rest = 0  # delta time carried over rests
    for pitch, quarters in zip(pitches, durations, strict=True):
        length = round(quarters * ticks)
        if pitch == 0:
            rest += length
            continue
        events += _var_length(rest) + bytes([0x90, pitch, 80])
        events += _var_length(length) + bytes([0x80, pitch, 0])
        rest = 0
    events += _var_length(rest) + b"\xff\x2f\x00"
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, ticks)
    return header + b"MTrk" + struct.pack(">I", len(events)) + bytes(events)


def write_midi(path: str | Path, pitches: np.ndarray, durations: np.ndarray, **kw) -> Path:
    """Write :func:`midi_bytes` of the melody to ``path`` and return the path."""
    path = Path(path)
    path.write_bytes(midi_bytes(pitches, durations, **kw))
    return path
