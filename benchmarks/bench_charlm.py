"""Characters per second: the batched numpy char LM versus one sequence at a time.

Both models are the same RNN language model (hidden size 100, truncated BPTT over 25
characters, norm clipping at 5, Adagrad) trained on the same corpus: the source code of a
few Python standard-library modules. The reference below follows the structure of
Karpathy's min-char-rnn: column vectors, one sequence, one character per matrix–vector
product. The batched model (rnnbook.scratch.charlm) reads N sequences per step.

    python benchmarks/bench_charlm.py [--batch-size 64] [--seconds 10]

Both run on one BLAS thread (set before numpy loads; override with OPENBLAS_NUM_THREADS), so
the ratio measures batching rather than threading. On a busy 2-core machine a multi-threaded
OpenBLAS also makes these small products several times slower.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import difflib  # noqa: E402
import inspect  # noqa: E402
import json  # noqa: E402
import textwrap  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from rnnbook.scratch import charlm  # noqa: E402

HIDDEN, SEQ_LENGTH, MAX_NORM, LR = 100, 25, 5.0, 0.1


def load_corpus() -> tuple[np.ndarray, list[str]]:
    """Integer codes of the source of textwrap, difflib, json and inspect, and the vocabulary."""
    text = "".join(inspect.getsource(module) for module in (textwrap, difflib, json, inspect))
    chars = sorted(set(text))
    lookup = {c: i for i, c in enumerate(chars)}
    return np.array([lookup[c] for c in text]), chars


def one_at_a_time_step(params, memory, inputs, targets, h_prev):
    """One update of the unbatched reference on a single chunk; returns (loss, h_last).

    Forward h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h), p_t = softmax(W_hy h_t + b_y) with
    column vectors; backward through time; clip the global norm; Adagrad.
    """
    W_xh, W_hh, b_h, W_hy, b_y = (params[k] for k in ("W_xh", "W_hh", "b_h", "W_hy", "b_y"))
    vocab = W_hy.shape[0]
    xs, hs, ps = {}, {-1: h_prev}, {}
    loss = 0.0
    for t, (ix, target) in enumerate(zip(inputs, targets, strict=True)):
        xs[t] = np.zeros((vocab, 1))
        xs[t][ix] = 1.0
        hs[t] = np.tanh(W_xh @ xs[t] + W_hh @ hs[t - 1] + b_h)
        z = W_hy @ hs[t] + b_y
        e = np.exp(z - z.max())
        ps[t] = e / e.sum()
        loss -= np.log(ps[t][target, 0])
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dh_next = np.zeros_like(h_prev)
    for t in reversed(range(len(inputs))):
        dz = ps[t].copy()
        dz[targets[t]] -= 1.0
        dz /= len(inputs)  # mean over the chunk, as in the batched model
        grads["W_hy"] += dz @ hs[t].T
        grads["b_y"] += dz
        dh = W_hy.T @ dz + dh_next
        da = (1.0 - hs[t] ** 2) * dh
        grads["W_xh"] += da @ xs[t].T
        grads["W_hh"] += da @ hs[t - 1].T
        grads["b_h"] += da
        dh_next = W_hh.T @ da
    norm = np.sqrt(sum(float((g**2).sum()) for g in grads.values()))
    scale = min(1.0, MAX_NORM / norm)
    for key, g in grads.items():
        memory[key] += (g * scale) ** 2
        params[key] -= LR * g * scale / (np.sqrt(memory[key]) + 1e-8)
    return loss / len(inputs), hs[len(inputs) - 1]


def bench_one_at_a_time(data: np.ndarray, vocab: int, seconds: float) -> tuple[float, float]:
    """Train the reference for ``seconds``; return (characters per second, mean last loss)."""
    params = charlm.init_params(vocab, HIDDEN, rng=0)
    params = {k: v.reshape(v.shape[0], -1) for k, v in params.items()}  # biases as columns
    memory = {k: np.zeros_like(v) for k, v in params.items()}
    h, start, chars, losses = np.zeros((HIDDEN, 1)), 0, 0, []
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        if start + SEQ_LENGTH + 1 > len(data):
            start, h = 0, np.zeros((HIDDEN, 1))
        inputs = data[start : start + SEQ_LENGTH]
        targets = data[start + 1 : start + SEQ_LENGTH + 1]
        loss, h = one_at_a_time_step(params, memory, inputs, targets, h)
        losses.append(loss)
        start += SEQ_LENGTH
        chars += SEQ_LENGTH
    return chars / (time.perf_counter() - began), float(np.mean(losses[-20:]))


def bench_batched(
    data: np.ndarray, vocab: int, batch_size: int, seconds: float
) -> tuple[float, float]:
    """Train the batched char LM for about ``seconds``; same return as above."""
    steps = 20  # calibrate the number of steps that fills the time budget
    began = time.perf_counter()
    charlm.train(
        data, vocab, HIDDEN, SEQ_LENGTH, batch_size, steps, "adagrad", LR, MAX_NORM, progress=False
    )
    steps = max(steps, int(steps * seconds / (time.perf_counter() - began)))
    began = time.perf_counter()
    _, history = charlm.train(
        data, vocab, HIDDEN, SEQ_LENGTH, batch_size, steps, "adagrad", LR, MAX_NORM, progress=False
    )
    elapsed = time.perf_counter() - began
    return steps * SEQ_LENGTH * batch_size / elapsed, float(history[-20:].mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    data, chars = load_corpus()
    vocab = len(chars)
    print(f"corpus: {len(data)} characters, vocabulary V = {vocab} (ln V = {np.log(vocab):.3f})")
    print(f"hidden size {HIDDEN}, truncation {SEQ_LENGTH}, Adagrad lr {LR}, clip {MAX_NORM}")
    single_rate, single_loss = bench_one_at_a_time(data, vocab, args.seconds)
    batched_rate, batched_loss = bench_batched(data, vocab, args.batch_size, args.seconds)
    print(f"blas threads: {os.environ['OPENBLAS_NUM_THREADS']}, {args.seconds:g} s each")
    print(f"{'model':<28}{'chars/s':>12}{'loss (last 20 updates)':>24}")
    print(f"{'one sequence at a time':<28}{single_rate:>12,.0f}{single_loss:>24.3f}")
    print(f"{f'batched, N = {args.batch_size}':<28}{batched_rate:>12,.0f}{batched_loss:>24.3f}")
    print(f"speed-up: {batched_rate / single_rate:.1f}x")


if __name__ == "__main__":
    main()
