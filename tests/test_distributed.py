"""Data-parallel training: two gloo processes reach the parameters of one process."""

import numpy as np
import pytest
import torch

from rnnbook.distributed import (
    ddp_worker,
    free_port,
    shard_batches,
    shard_streams,
    train_language_model,
)
from rnnbook.nn import LanguageModel


def test_shard_streams_partition_columns():
    data = np.arange(24).reshape(3, 8)
    parts = [shard_streams(data, r, 4) for r in range(4)]
    np.testing.assert_array_equal(np.concatenate(parts, axis=1), data)
    with pytest.raises(ValueError, match="divisible"):
        shard_streams(data, 0, 3)
    with pytest.raises(ValueError, match="rank"):
        shard_streams(data, 2, 2)


def test_shard_batches_cut_every_tensor():
    batches = [(torch.arange(12).reshape(6, 2), torch.arange(6))]
    ranks = [list(shard_batches(batches, r, 3)) for r in range(3)]
    assert [b[0][1].tolist() for b in ranks] == [[0, 1], [2, 3], [4, 5]]
    torch.testing.assert_close(torch.cat([b[0][0] for b in ranks]), batches[0][0])
    with pytest.raises(ValueError, match="divisible"):
        list(shard_batches(batches, 0, 4))


def test_two_processes_equal_one_with_the_global_batch(tmp_path):
    """DDP over 2 gloo processes (4 streams each) equals 1 process with all 8 streams."""
    rng = np.random.default_rng(0)
    V = 7
    streams = rng.integers(0, V, size=(31, 8))  # 3 updates of 10 steps, 8 streams
    kwargs = dict(
        streams=streams, vocab_size=V, init_seed=3, hidden_size=12, embed_dim=5, bptt=10,
        fused=False,
    )  # fmt: skip
    out = tmp_path / "ddp.pt"
    torch.multiprocessing.spawn(ddp_worker, args=(2, free_port(), str(out), kwargs), nprocs=2)
    ddp = torch.load(out, weights_only=True)["state"]
    single, _ = train_language_model(**kwargs)
    torch.manual_seed(3)
    start = LanguageModel(V, 5, 12).state_dict()
    moved = max((single.state_dict()[k] - v).abs().max() for k, v in start.items())
    assert moved > 1e-3  # training changed the parameters: the equality below is not trivial
    for name, value in single.state_dict().items():
        assert (ddp[name] - value).abs().max() < 1e-5, name
