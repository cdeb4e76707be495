"""float32 vs bfloat16 autocast for the chapter 03 character language model on the CPU.

    python benchmarks/bench_precision.py [--updates 60] [--seeds 3]

Each run trains ``rnnbook.nn.LanguageModel`` (fused LSTM, hidden 128) on Python source with
truncated BPTT for a fixed number of updates, the same data and initialisation for both
precisions, and reports the median seconds per update and the validation bits per character
at the end. Under ``torch.autocast("cpu", dtype=torch.bfloat16)`` the matrix products and the
LSTM run in bfloat16 (8 bits of mantissa) while the parameters, the optimizer and the loss stay
in float32.
"""

import argparse
import contextlib
import math
import statistics
import time

import torch

from rnnbook.data import batchify, char_corpus, load_python_source
from rnnbook.nn import LanguageModel
from rnnbook.train import cross_entropy

PRECISIONS = ("float32", "bfloat16")


def corpus(chars: int = 200_000, streams: int = 32):
    """Training streams ``(L/N, N)``, validation streams ``(L/8, 8)`` and the vocabulary size."""
    source = char_corpus(load_python_source(chars), val_frac=0.1, test_frac=0.0)
    return batchify(source.train, streams), batchify(source.val, 8), len(source.vocab)


def run(
    precision: str, init_seed: int, data, updates: int = 60, bptt: int = 50, hidden: int = 128
) -> dict[str, float]:
    """Train for ``updates`` updates; ``{"seconds_per_update": median, "bpc": validation}``."""
    if precision not in PRECISIONS:
        raise ValueError(f"expected precision in {PRECISIONS}, received {precision!r}")
    train, val, V = data
    torch.manual_seed(init_seed)
    model = LanguageModel(V, 32, hidden, fused=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)

    def autocast():
        if precision == "float32":
            return contextlib.nullcontext()
        return torch.autocast("cpu", dtype=torch.bfloat16)

    train_t = torch.as_tensor(train)
    times, state, t = [], None, 0
    for _ in range(updates):
        if t + bptt + 1 > len(train_t):
            t, state = 0, None
        x, y = train_t[t : t + bptt], train_t[t + 1 : t + 1 + bptt]
        start = time.perf_counter()
        with autocast():
            logits, state = model(x, state)
            loss = cross_entropy(logits.float(), y)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        times.append(time.perf_counter() - start)
        state = tuple(s.detach().float() for s in state)
        t += bptt
    model.eval()
    val_t = torch.as_tensor(val)
    with torch.no_grad(), autocast():
        logits, _ = model(val_t[:-1])
        nats = cross_entropy(logits.float(), val_t[1:]).item()
    return {"seconds_per_update": statistics.median(times), "bpc": nats / math.log(2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=60)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = corpus()
    print(f"{'precision':<10}{'seed':>6}{'ms/update':>12}{'val bpc':>10}")
    for seed in range(args.seeds):
        for precision in PRECISIONS:
            r = run(precision, seed, data, args.updates)
            ms = 1e3 * r["seconds_per_update"]
            print(f"{precision:<10}{seed:>6}{ms:>12.1f}{r['bpc']:>10.3f}")


if __name__ == "__main__":
    main()
