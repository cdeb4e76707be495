"""Smoke tests: every benchmark script runs end to end at tiny sizes (``make bench`` runs them
at full size)."""

import json
import runpy
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _run(monkeypatch, script: str, *argv: str) -> None:
    monkeypatch.setattr(sys, "argv", [script, *argv])
    monkeypatch.syspath_prepend(str(BENCH))
    runpy.run_path(str(BENCH / script), run_name="__main__")


def test_bench_lstm(monkeypatch, tmp_path, capsys):
    out = tmp_path / "cpu.json"
    sizes = ["--T", "4", "--N", "3", "--D", "2", "--H", "5", "--rounds", "1", "--threads", "1"]
    _run(monkeypatch, "bench_lstm.py", *sizes, "--no-gpu", "--save", str(out))
    assert "torch.nn.LSTM" in capsys.readouterr().out
    (record,) = json.loads(out.read_text())
    assert record["rows"]["torch.nn.LSTM"]["ratio_median"] == pytest.approx(1.0)
    assert {"device", "torch", "date", "threads"} <= set(record["environment"])


def test_bench_lstm_split_and_scaling(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import bench_lstm

    split = bench_lstm.time_split(T=3, N=2, D=2, H=4)
    assert set(split) == set(bench_lstm.SPLIT) and all(v >= 0 for v in split.values())
    times = bench_lstm.scaling([2, 4], "T", dict(T=2, N=2, D=2, H=4), rounds=1)
    assert len(times["ours"]) == len(times["torch"]) == 2
    with pytest.raises(ValueError, match="vary"):
        bench_lstm.scaling([2], "H", dict(T=2, N=2, D=2, H=4))


def test_bench_charlm(monkeypatch, capsys):
    _run(monkeypatch, "bench_charlm.py", "--batch-size", "4", "--seconds", "0.2")
    assert "speed-up" in capsys.readouterr().out


def test_bench_precision(monkeypatch, capsys):
    _run(monkeypatch, "bench_precision.py", "--updates", "2", "--seeds", "1")
    assert "bfloat16" in capsys.readouterr().out


def test_ddp_charlm_single_process(monkeypatch, capsys):
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        monkeypatch.delenv(name, raising=False)
    _run(monkeypatch, "ddp_charlm.py", "--chars", "3000", "--streams", "4", "--hidden", "8")
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["world_size"] == 1 and result["chars_per_s"]["1"] > 0
