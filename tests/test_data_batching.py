"""Padding with lengths, contiguous streams for truncated BPTT, non-overlapping splits."""

import numpy as np
import pytest

from rnnbook.data import batchify, bptt_chunks, pad_sequences, split_contiguous, split_indices


def test_pad_ids_time_major_with_lengths():
    padded, lengths = pad_sequences([[1, 2, 3], [4], [5, 6]], pad_value=0)
    assert padded.shape == (3, 3) and lengths.tolist() == [3, 1, 2]
    assert padded[:, 0].tolist() == [1, 2, 3] and padded[:, 1].tolist() == [4, 0, 0]


def test_pad_vectors():
    rng = np.random.default_rng(0)
    seqs = [rng.random((k, 5)) for k in (2, 4)]
    padded, lengths = pad_sequences(seqs, pad_value=-1.0)
    assert padded.shape == (4, 2, 5) and lengths.tolist() == [2, 4]
    np.testing.assert_array_equal(padded[:2, 0], seqs[0])
    assert (padded[2:, 0] == -1).all()


def test_pad_rejects_bad_input():
    with pytest.raises(ValueError, match="empty batch"):
        pad_sequences([])
    with pytest.raises(ValueError, match="empty"):
        pad_sequences([[1], []])
    with pytest.raises(ValueError, match="shape"):
        pad_sequences([np.zeros((2, 3)), np.zeros((2, 4))])


def test_batchify_and_bptt_chunks_cover_the_corpus_in_order():
    ids = np.arange(103)
    streams = batchify(ids, 4)
    assert streams.shape == (25, 4)
    assert streams[:, 1].tolist() == list(range(25, 50))  # stream j is a contiguous slice
    chunks = list(bptt_chunks(streams, 7))
    assert [x.shape for x, _ in chunks] == [(7, 4)] * 3 + [(3, 4)]
    for x, y in chunks:
        np.testing.assert_array_equal(y, x + 1)  # targets are the next token
    inputs = np.concatenate([x for x, _ in chunks])
    np.testing.assert_array_equal(inputs, streams[:-1])
    with pytest.raises(ValueError, match="1-D"):
        batchify(ids.reshape(1, -1), 2)
    with pytest.raises(ValueError, match="too short"):
        batchify(ids[:5], 4)


def test_split_indices_disjoint_complete_and_seeded():
    train, val, test = split_indices(1000, 0.1, 0.2, seed=3)
    assert (len(train), len(val), len(test)) == (700, 100, 200)
    allidx = np.concatenate([train, val, test])
    assert len(np.unique(allidx)) == 1000 and allidx.min() == 0 and allidx.max() == 999
    again = split_indices(1000, 0.1, 0.2, seed=3)
    assert all((a == b).all() for a, b in zip((train, val, test), again, strict=True))
    assert not (split_indices(1000, 0.1, 0.2, seed=4)[2] == test).all()
    with pytest.raises(ValueError, match="val_frac"):
        split_indices(10, 0.6, 0.5)


def test_split_contiguous_is_ordered():
    train, val, test = split_contiguous(np.arange(100), 0.1, 0.1)
    assert train[-1] + 1 == val[0] and val[-1] + 1 == test[0] and len(test) == 10
