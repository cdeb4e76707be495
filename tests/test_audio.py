"""Chapter 09's melody tools: piano roll, synthesiser, MIDI files read back by music21."""

import numpy as np
import pytest

from rnnbook.audio import midi_bytes, piano_roll, synthesize, write_midi

PITCHES = np.array([60, 0, 64, 67])
DURATIONS = np.array([1.0, 0.5, 0.5, 2.0])


def test_piano_roll_places_each_note_at_its_onset_for_its_duration():
    roll = piano_roll(PITCHES, DURATIONS, steps_per_quarter=2, low=60, high=67)
    assert roll.shape == (8, 8)
    expected = np.zeros((8, 8), dtype=bool)
    expected[0, 0:2] = True  # C4 for a quarter: 2 steps
    expected[4, 3:4] = True  # after the rest, E4 for an eighth
    expected[7, 4:8] = True  # G4 for a half note
    np.testing.assert_array_equal(roll, expected)
    with pytest.raises(ValueError, match="outside"):
        piano_roll(PITCHES, DURATIONS, low=62)


def test_synthesize_has_the_right_length_and_range():
    wave = synthesize(PITCHES, DURATIONS, tempo=120.0, rate=8000)
    assert wave.dtype == np.float32 and len(wave) == 4 * 0.5 * 8000
    assert np.abs(wave).max() <= 0.8 + 1e-6
    rest = wave[8000 // 2 : 8000 // 2 + 2000]  # the eighth rest after the first quarter
    assert np.abs(rest).max() == 0


def test_midi_file_reads_back_with_music21(tmp_path):
    music21 = pytest.importorskip("music21")
    path = write_midi(tmp_path / "m.mid", PITCHES, DURATIONS)
    score = music21.converter.parse(str(path))
    notes = [n for n in score.flatten().notesAndRests if not n.isRest]
    assert [n.pitch.midi for n in notes] == [60, 64, 67]
    assert [float(n.quarterLength) for n in notes] == [1.0, 0.5, 2.0]
    assert [float(n.offset) for n in notes] == [0.0, 1.5, 2.0]
    assert midi_bytes(PITCHES, DURATIONS)[:4] == b"MThd"


@pytest.mark.parametrize(
    "pitches, durations",
    [(np.array([60]), np.array([1.0, 1.0])), (np.array([200]), np.array([1.0])),
     (np.array([60]), np.array([0.0])), (np.array([], dtype=int), np.array([]))],
)  # fmt: skip
def test_bad_melodies_raise(pitches, durations):
    with pytest.raises(ValueError, match="expected"):
        piano_roll(pitches, durations)
