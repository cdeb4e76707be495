"""Data-parallel training with ``torch.nn.parallel.DistributedDataParallel`` (DDP).

Every process (a *rank*) holds a full copy of the model and a shard of each global batch;
after each backward pass DDP averages the gradients over the ranks (an all-reduce), so every
copy takes the same optimizer step. With equal shards and a loss that is a mean, the averaged
gradient is the gradient of the global batch: ``world_size`` processes with ``N / world_size``
sequences each compute what one process computes with ``N`` sequences, up to float rounding.
:func:`rnnbook.train.fit` needs nothing else: pass it the DDP-wrapped model and this rank's
shard.

* :func:`shard_streams` cuts the truncated-BPTT layout ``(T_total, N)`` (``fit(bptt=...)``)
  into ``world_size`` groups of columns: each rank carries the state of its own streams.
* :func:`shard_batches` cuts every tensor of ordinary batches ``(inputs..., target)`` along
  the batch axis, what ``DistributedSampler`` does for a ``DataLoader`` with the global batch
  size kept.
* :func:`train_language_model` trains a character language model (chapter 03) on one rank or
  many; :func:`ddp_worker` is the body of one process (``torchrun`` or
  ``torch.multiprocessing.spawn``); ``benchmarks/ddp_charlm.py`` is the command-line script.
"""

import os
import socket
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

__all__ = [
    "ddp_worker",
    "free_port",
    "shard_batches",
    "shard_streams",
    "train_language_model",
]


def _check_rank(rank: int, world_size: int) -> None:
    if world_size < 1 or not 0 <= rank < world_size:
        raise ValueError(f"expected 0 <= rank < world_size, received {rank} and {world_size}")


def shard_streams(data: np.ndarray | Tensor, rank: int, world_size: int):
    """This rank's streams of ``data (T_total, N)``: columns ``rank·N/W .. (rank+1)·N/W``.

    ``N`` must be divisible by ``world_size`` so every rank's loss averages as many tokens
    and the average of the ranks' gradients is the global batch's gradient.
    """
    _check_rank(rank, world_size)
    if data.ndim != 2:
        raise ValueError(f"expected streams of shape (T_total, N), received {tuple(data.shape)}")
    N = data.shape[1]
    if N % world_size:
        raise ValueError(f"expected N divisible by world_size = {world_size}, received N = {N}")
    width = N // world_size
    return data[:, rank * width : (rank + 1) * width]


def shard_batches(
    batches: Iterable, rank: int, world_size: int, batch_dim: int = 0
) -> Iterator[tuple]:
    """This rank's part of every batch: each tensor of ``(inputs..., target)`` cut along
    ``batch_dim`` into ``world_size`` equal parts (a ValueError if the size does not divide)."""
    _check_rank(rank, world_size)
    for batch in batches:
        parts = []
        for item in batch:
            size = item.shape[batch_dim]
            if size % world_size:
                raise ValueError(
                    f"expected a batch size divisible by world_size = {world_size}, received {size}"
                )
            width = size // world_size
            index = [slice(None)] * item.ndim
            index[batch_dim] = slice(rank * width, (rank + 1) * width)
            parts.append(item[tuple(index)])
        yield tuple(parts)


def free_port() -> int:
    """A TCP port on localhost that is free now (for a rendezvous of local processes)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def train_language_model(
    streams: np.ndarray,
    vocab_size: int,
    *,
    init_seed: int,
    hidden_size: int = 64,
    embed_dim: int = 16,
    bptt: int = 25,
    lr: float = 1e-2,
    fused: bool = True,
    rank: int = 0,
    world_size: int = 1,
    device: str = "cpu",
) -> tuple[nn.Module, float]:
    """Train a ``LanguageModel`` for one epoch over ``streams (T_total, N)``; return it and the
    training seconds.

    With ``world_size > 1`` (inside an initialised process group) the model is wrapped in
    DDP and trained on this rank's :func:`shard_streams`; the returned model is the
    unwrapped module, equal on every rank. ``device`` is this rank's device (``"cuda:k"``
    for the GPU of local rank ``k`` under nccl).
    """
    from rnnbook.nn import LanguageModel
    from rnnbook.train import fit

    torch.manual_seed(init_seed)  # the same start on every rank (DDP also broadcasts rank 0's)
    model = LanguageModel(vocab_size, embed_dim, hidden_size, fused=fused).to(device)
    wrapped = model
    if world_size > 1:
        ids = [torch.device(device).index] if torch.device(device).type == "cuda" else None
        wrapped = nn.parallel.DistributedDataParallel(model, device_ids=ids)
        streams = shard_streams(streams, rank, world_size)
    start = time.perf_counter()
    fit(wrapped, streams, bptt=bptt, lr=lr, epochs=1, device=device, progress=False)
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)
    return model, time.perf_counter() - start


def ddp_worker(rank: int, world_size: int, port: int, out: str, kwargs: dict) -> None:
    """One process of a local CPU group (gloo): train, and rank 0 saves the parameters and
    the seconds to ``out`` (``torch.save``). Spawn with
    ``torch.multiprocessing.spawn(ddp_worker, args=(world_size, port, out, kwargs), nprocs=W)``.
    """
    torch.set_num_threads(1)
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ["MASTER_PORT"] = str(port)
    torch.distributed.init_process_group("gloo", rank=rank, world_size=world_size)
    try:
        model, seconds = train_language_model(**kwargs, rank=rank, world_size=world_size)
        if rank == 0:
            torch.save({"state": model.state_dict(), "seconds": seconds}, Path(out))
    finally:
        torch.distributed.destroy_process_group()
