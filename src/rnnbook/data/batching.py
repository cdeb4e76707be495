"""Batching: padding with lengths, contiguous streams for truncated BPTT, and splits.

All sequence batches are time-major: ``(T, N)`` for ids, ``(T, N, D)`` for vectors.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np


def pad_sequences(
    sequences: Sequence[np.ndarray | Sequence[int]], pad_value: float = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Stack variable-length sequences into one time-major, padded array.

    ``sequences`` holds ``N`` arrays of shape ``(L_i,)`` (ids) or ``(L_i, D)`` (vectors), all
    of one rank, dtype and ``D``. Returns ``(padded, lengths)``: ``padded`` has shape
    ``(T, N)`` or ``(T, N, D)`` with ``T = max L_i`` and ``pad_value`` after each sequence's
    end; ``lengths`` is int64 ``(N,)``. Empty batches or empty sequences raise ``ValueError``.
    """
    if len(sequences) == 0:
        raise ValueError("pad_sequences needs at least one sequence, got an empty batch")
    arrays = [np.asarray(s) for s in sequences]
    first = arrays[0]
    if first.ndim not in (1, 2):
        raise ValueError(f"each sequence must have shape (L,) or (L, D), got {first.shape}")
    for i, a in enumerate(arrays):
        if a.ndim != first.ndim or a.shape[1:] != first.shape[1:]:
            raise ValueError(
                f"sequence {i} has shape {a.shape}; expected (L,{' D' if first.ndim == 2 else ''})"
                f" matching sequence 0's shape {first.shape}"
            )
        if len(a) == 0:
            raise ValueError(f"sequence {i} is empty; every sequence needs length >= 1")
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    dtype = np.result_type(*arrays)
    padded = np.full((int(lengths.max()), len(arrays)) + first.shape[1:], pad_value, dtype=dtype)
    for i, a in enumerate(arrays):
        padded[: len(a), i] = a
    return padded, lengths


def batchify(ids: np.ndarray, n_streams: int) -> np.ndarray:
    """Cut a 1-D corpus into ``n_streams`` contiguous parallel streams, time-major.

    ``ids`` has shape ``(L,)``; the result has shape ``(L // n_streams, n_streams)`` and
    column ``j`` is ``ids[j*S:(j+1)*S]`` with ``S = L // n_streams`` (the tail is dropped).
    Consecutive rows continue each stream, so a hidden state can be carried across chunks.
    """
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise ValueError(f"ids must be a 1-D corpus of shape (L,), got shape {ids.shape}")
    if n_streams < 1:
        raise ValueError(f"n_streams must be >= 1, got {n_streams}")
    steps = len(ids) // n_streams
    if steps < 2:
        raise ValueError(
            f"a corpus of {len(ids)} tokens is too short for {n_streams} streams of >= 2 tokens"
        )
    return ids[: steps * n_streams].reshape(n_streams, steps).T.copy()


def bptt_chunks(streams: np.ndarray, seq_len: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Iterate ``(inputs, targets)`` chunks of a ``(S, N)`` stream array for truncated BPTT.

    Each chunk has shape ``(t, N)`` with ``t = seq_len`` except possibly the last
    (``t < seq_len``); ``targets`` are ``inputs`` shifted one step ahead in time. The chunks
    tile rows ``0 .. S-2`` of the inputs without overlap or gap, in order.
    """
    streams = np.asarray(streams)
    if streams.ndim != 2:
        raise ValueError(f"streams must have shape (S, N) (see batchify), got {streams.shape}")
    if seq_len < 1:
        raise ValueError(f"seq_len must be >= 1, got {seq_len}")
    for start in range(0, len(streams) - 1, seq_len):
        stop = min(start + seq_len, len(streams) - 1)
        yield streams[start:stop], streams[start + 1 : stop + 1]


def _check_fractions(n: int, val_frac: float, test_frac: float) -> tuple[int, int]:
    if not (0 <= val_frac < 1 and 0 <= test_frac < 1 and val_frac + test_frac < 1):
        raise ValueError(
            f"val_frac and test_frac must be in [0, 1) with a sum < 1, got {val_frac}, {test_frac}"
        )
    n_val, n_test = round(n * val_frac), round(n * test_frac)
    if n - n_val - n_test < 1:
        raise ValueError(f"{n} items leave no training data with fractions {val_frac}, {test_frac}")
    return n_val, n_test


def split_indices(
    n: int, val_frac: float = 0.1, test_frac: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle ``range(n)`` with ``seed`` and cut it into train / validation / test indices.

    Returns three disjoint, sorted int64 arrays whose union is ``0 .. n-1``; the validation
    and test sizes are ``round(n * val_frac)`` and ``round(n * test_frac)``.
    """
    n_val, n_test = _check_fractions(n, val_frac, test_frac)
    perm = np.random.default_rng(seed).permutation(n)
    test, val, train = perm[:n_test], perm[n_test : n_test + n_val], perm[n_test + n_val :]
    return np.sort(train), np.sort(val), np.sort(test)


def split_contiguous(
    x: np.ndarray, val_frac: float = 0.1, test_frac: float = 0.1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut an array along its first axis into consecutive train / validation / test parts.

    For text corpora and time series, where a random split would leak neighbouring context:
    train is the beginning, validation the middle, test the end. Sizes as in
    :func:`split_indices`.
    """
    x = np.asarray(x)
    n_val, n_test = _check_fractions(len(x), val_frac, test_frac)
    n_train = len(x) - n_val - n_test
    return x[:n_train], x[n_train : n_train + n_val], x[n_train + n_val :]
