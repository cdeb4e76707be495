import os
import sys

import pytest
import torch

from rnnbook.parallel import parallel_map, worker_count


def _train(seed: int) -> dict[str, torch.Tensor]:
    torch.manual_seed(seed)
    model = torch.nn.GRU(3, 5)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    x = torch.randn(7, 4, 3)
    for _ in range(5):
        optimizer.zero_grad()
        model(x)[0].pow(2).mean().backward()
        optimizer.step()
    return model.state_dict()


pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="runs in parallel on Linux only"
)


def test_runs_in_workers_equal_the_plain_loop_bit_for_bit():
    parallel = parallel_map(_train, [0, 1, 2], processes=2)
    for seed, state in zip([0, 1, 2], parallel, strict=True):
        serial = _train(seed)
        assert all(torch.equal(state[k], serial[k]) for k in serial)


def test_lambdas_work_results_keep_their_order_and_run_elsewhere():
    out = parallel_map(lambda n: (n * n, os.getpid()), range(6), processes=2)
    assert [square for square, _ in out] == [0, 1, 4, 9, 16, 25]
    assert os.getpid() not in {pid for _, pid in out}


def test_one_process_is_a_plain_loop(monkeypatch):
    assert {pid for pid in parallel_map(lambda _: os.getpid(), range(3), processes=1)} == {
        os.getpid()
    }
    monkeypatch.setenv("RNNBOOK_PROCESSES", "1")
    assert worker_count(5) == 1
    assert worker_count(1, processes=4) == 1


def test_workers_do_not_nest():
    inner = parallel_map(lambda _: worker_count(4, processes=4), range(2), processes=2)
    assert inner == [1, 1]


def test_an_error_in_a_run_is_raised_here():
    def fail(n):
        if n == 2:
            raise ValueError("run 2 failed")
        return n

    with pytest.raises(ValueError, match="run 2 failed"):
        parallel_map(fail, range(4), processes=2)


def test_bad_process_count():
    with pytest.raises(ValueError, match="processes >= 1"):
        worker_count(3, processes=0)


def test_no_fork_off_linux(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert worker_count(4, processes=4) == 1
