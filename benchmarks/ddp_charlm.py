"""Data-parallel training of a character language model with DistributedDataParallel.

One CPU machine, two processes (gloo)::

    OMP_NUM_THREADS=1 torchrun --standalone --nproc_per_node=2 benchmarks/ddp_charlm.py --check

The same script on one machine with 4 GPUs (nccl, one process per GPU)::

    torchrun --standalone --nproc_per_node=4 benchmarks/ddp_charlm.py --check

and on two machines with 4 GPUs each (run on both; ``HOST`` is machine 0's address)::

    torchrun --nnodes=2 --nproc_per_node=4 --node_rank=0 --rdzv-backend=c10d \\
        --rdzv-endpoint=HOST:29500 benchmarks/ddp_charlm.py      # on machine 0
    # the same on machine 1 with --node_rank=1

Each of the ``W`` processes trains the chapter 03 language model (``rnnbook.nn.LanguageModel``,
fused LSTM) on ``N / W`` of the ``N`` streams of Python source (truncated BPTT); DDP averages
the gradients, so every update is the update of the global batch of ``N`` streams. With
``--check``, rank 0 then trains the same model in one process on all ``N`` streams and prints
the largest parameter difference and both throughputs as one JSON line (``{"max_abs_diff":
..., "chars_per_s": {"1": ..., "W": ...}}``).
"""

import argparse
import json
import os

import torch

from rnnbook.data import batchify, char_corpus, load_python_source
from rnnbook.distributed import train_language_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=100_000, help="training characters")
    parser.add_argument("--streams", type=int, default=32, help="global batch N (streams)")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--bptt", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0, help="initialisation seed")
    parser.add_argument("--check", action="store_true", help="compare with one process")
    args = parser.parse_args()

    rank, world = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    local = int(os.environ.get("LOCAL_RANK", 0))
    cuda = torch.cuda.is_available()
    device = f"cuda:{local}" if cuda else "cpu"
    if cuda:
        torch.cuda.set_device(local)
    if world > 1:
        torch.distributed.init_process_group("nccl" if cuda else "gloo")
    corpus = char_corpus(load_python_source(args.chars), val_frac=0.0, test_frac=0.0)
    streams = batchify(corpus.train, args.streams)
    kwargs = dict(
        streams=streams, vocab_size=len(corpus.vocab), init_seed=args.seed,
        hidden_size=args.hidden, embed_dim=32, bptt=args.bptt, device=device,
    )  # fmt: skip
    model, seconds = train_language_model(**kwargs, rank=rank, world_size=world)
    if world > 1:
        torch.distributed.destroy_process_group()
    chars = streams.shape[0] * streams.shape[1]
    if rank != 0:
        return
    result = {"world_size": world, "device": device, "chars": chars, "seconds": {world: seconds}}
    if args.check:
        single, single_seconds = train_language_model(**kwargs)
        ours, theirs = model.state_dict(), single.state_dict()
        result["max_abs_diff"] = max(float((ours[k] - theirs[k]).abs().max()) for k in ours)
        result["seconds"][1] = single_seconds
    result["chars_per_s"] = {w: chars / s for w, s in result["seconds"].items()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
