"""Forward + backward time of LSTM implementations, measured side by side in one run.

    python benchmarks/bench_lstm.py                # CPU (2 threads); GPU too when present
    python benchmarks/bench_lstm.py --compile      # also torch.compile on the CPU (slow to compile)
    python benchmarks/bench_lstm.py --T 100 --N 64 --D 64 --H 256 --rounds 15
    python benchmarks/bench_lstm.py --compile --save benchmarks/results/cpu-$(hostname).json

``--save FILE`` writes the table with where and when it was measured (device name, threads,
library versions, date) as JSON; ``book/appendix_a_fast.ipynb`` shows every file in
``benchmarks/results/``. The functions :func:`measure`, :func:`time_split` and
:func:`scaling` are what the appendix calls live.

Rows (one layer, one direction, float32, loss = sum of outputs):

* naive per-gate loop: every step computes each gate with its own two matrix products,
  ``σ(W_xi x_t + W_hi h + b_i)``, ... — eight small products per step.
* hoisted: ``rnnbook.nn.LSTM`` as it ships —
  ``X W_ih^T + b`` for all steps in one product, the four gates in one ``(N, 4H)`` product
  per step, the gate arithmetic as plain torch lines (autograd records each).
* hoisted + fused gates: ``rnnbook.nn.LSTM`` with ``fused_gates = True`` — the same, with
  the gate arithmetic as one autograd node with a hand-written backward
  (``rnnbook.nn.cells.LSTMPointwise``).
* compiled: ``torch.compile`` of ``rnnbook.nn.LSTM`` (CPU only with ``--compile``; on the GPU
  ``mode="reduce-overhead"``, which replays the whole unrolled time loop as CUDA graphs).
* torch.nn.LSTM: oneDNN on the CPU, cuDNN on the GPU; the reference of every ratio.
* matrix products only: not an LSTM, just the products that any implementation built from
  torch's public ops must run (the input projection, one ``(N, H) x (H, 4H)`` product per
  step forward and one ``(N, 4H) x (4H, H)`` per step backward, the weight and input
  gradients as three large products). It is a lower bound for the rows above: on a CPU
  these products go to MKL, while torch.nn.LSTM runs oneDNN's fused LSTM kernel.

Variants run in interleaved rounds (so a busy machine slows them alike); the table gives
the median and the minimum over rounds, each with its ratio to torch.nn.LSTM's.
"""

import argparse
import datetime
import json
import platform
import socket
import statistics
import time
from pathlib import Path

import torch
from torch import nn

from rnnbook.nn import LSTM


class NaiveLSTM(nn.Module):
    """The textbook loop: separate weights per gate, two products per gate per step."""

    def __init__(self, reference: LSTM):
        super().__init__()
        # split torch's stacked [i, f, g, o] blocks into one weight per gate
        self.w_x = nn.ParameterList(p.detach().clone() for p in reference.weight_ih_l0.chunk(4))
        self.w_h = nn.ParameterList(p.detach().clone() for p in reference.weight_hh_l0.chunk(4))
        bias = (reference.bias_ih_l0 + reference.bias_hh_l0).detach()
        self.b = nn.ParameterList(p.clone() for p in bias.chunk(4))

    def forward(self, x):
        h = c = x.new_zeros(x.shape[1], self.w_h[0].shape[1])
        outputs = []
        for x_t in x:
            i, f, g, o = (
                x_t @ wx.T + h @ wh.T + b
                for wx, wh, b in zip(self.w_x, self.w_h, self.b, strict=True)
            )
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            outputs.append(h)
        return torch.stack(outputs), (h, c)


class MatrixProductsOnly(nn.Module):
    """The matrix products of an LSTM layer's forward and backward, and nothing else."""

    def __init__(self, reference: LSTM):
        super().__init__()
        self.w_ih = reference.weight_ih_l0.detach().clone()
        self.w_hh = reference.weight_hh_l0.detach().clone()
        self.anchor = nn.Parameter(torch.zeros(()))  # lets the timing loop call backward()

    def forward(self, x):
        with torch.no_grad():
            self._products(x.detach())
        return self.anchor * 1.0, None

    def _products(self, x):
        T, N, _ = x.shape
        H = self.w_hh.shape[1]
        xw = x.reshape(T * N, -1) @ self.w_ih.T  # (T·N, 4H)
        h = x.new_zeros(N, H)
        hs = []
        for t in range(T):  # forward: one (N, H) x (H, 4H) product per step
            h = (xw[t * N : (t + 1) * N] + h @ self.w_hh.T)[:, :H]
            hs.append(h)
        da = torch.ones_like(xw)
        for _ in range(T):  # backward: one (N, 4H) x (4H, H) product per step
            da[:N, :H] += da[:N] @ self.w_hh
        hs = torch.cat(hs)
        _ = (da.T @ hs, da.T @ x.reshape(T * N, -1), da @ self.w_ih)  # dW_hh, dW_ih, dx


NAIVE, HOISTED, FUSED = (
    "naive per-gate loop",
    "hoisted, plain gates",
    "fused gates (rnnbook.nn.LSTM)",
)
PRODUCTS, TORCH = "matrix products only", "torch.nn.LSTM"


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def _step(model, x, device, cudagraphs=False):
    """One forward + backward; returns seconds."""
    _sync(device)
    start = time.perf_counter()
    if cudagraphs:
        torch.compiler.cudagraph_mark_step_begin()
    output, _ = model(x)
    output.sum().backward()
    _sync(device)
    return time.perf_counter() - start


def measure(device, args, compiled_mode):
    """{row name: (median seconds, min seconds, compile seconds or None)} for one device.

    ``args`` has ``T, N, D, H, rounds``; ``compiled_mode`` is None (no compiled row) or a
    ``torch.compile`` mode.
    """
    torch.manual_seed(0)
    ours = LSTM(args.D, args.H).to(device)
    reference = nn.LSTM(args.D, args.H).to(device)
    reference.load_state_dict(ours.state_dict())
    fused = LSTM(args.D, args.H).to(device)
    fused.load_state_dict(ours.state_dict())
    fused.fused_gates = True
    rows = {
        NAIVE: NaiveLSTM(ours),
        HOISTED: ours,
        FUSED: fused,
    }
    compile_seconds = {}
    x = torch.randn(args.T, args.N, args.D, device=device, requires_grad=True)
    if compiled_mode is not None:
        name = f"compiled ({compiled_mode})"
        twin = LSTM(args.D, args.H).to(device)
        twin.load_state_dict(ours.state_dict())
        rows[name] = torch.compile(twin, mode=compiled_mode)
        start = time.perf_counter()
        for _ in range(3):  # the first calls compile (and record the CUDA graphs)
            _step(rows[name], x, device, cudagraphs=compiled_mode == "reduce-overhead")
        compile_seconds[name] = time.perf_counter() - start
    rows[PRODUCTS] = MatrixProductsOnly(ours).to(device)
    rows[TORCH] = reference
    graphs = {name: compiled_mode == "reduce-overhead" and name in compile_seconds for name in rows}
    times = {name: [] for name in rows}
    for name, model in rows.items():  # warm-up
        _step(model, x, device, graphs[name])
    for _ in range(args.rounds):
        for name, model in rows.items():
            times[name].append(_step(model, x, device, graphs[name]))
    return {
        name: (statistics.median(t), min(t), compile_seconds.get(name)) for name, t in times.items()
    }


def report(title, results):
    base_median, base_min, _ = results[TORCH]
    print(f"\n{title}")
    header = ("median ms", "ratio", "min ms", "ratio", "compile s")
    print(f"{'implementation':<34}" + "".join(f"{h:>11}" for h in header))
    for name, (median, fastest, compile_s) in results.items():
        cells = [1e3 * median, median / base_median, 1e3 * fastest, fastest / base_min]
        line = f"{name:<34}" + "".join(f"{c:>11.2f}" for c in cells)
        print(line + (f"{compile_s:>11.1f}" if compile_s is not None else ""))


def environment(device: torch.device, threads: int) -> dict:
    """Where and when: device name, threads, host, library versions, date (UTC)."""
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
    else:
        name = _cpu_name()
    return {
        "device": name,
        "device_type": device.type,
        "threads": threads,
        "host": socket.gethostname(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version() if device.type == "cuda" else None,
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def as_record(results, env: dict, args) -> dict:
    """One device's table as plain JSON: milliseconds and ratios to torch.nn.LSTM."""
    base_median, base_min, _ = results[TORCH]
    rows = {
        name: {
            "median_ms": 1e3 * median,
            "min_ms": 1e3 * fastest,
            "ratio_median": median / base_median,
            "ratio_min": fastest / base_min,
            "compile_s": compile_s,
        }
        for name, (median, fastest, compile_s) in results.items()
    }
    shape = {k: getattr(args, k) for k in ("T", "N", "D", "H", "rounds")}
    return {"environment": env, "shape": shape, "rows": rows}


def time_split(T=100, N=64, D=64, H=256, fused_gates=False) -> dict[str, float]:
    """Seconds of one forward + backward of ``rnnbook.nn.LSTM``, split as the profiler sees it.

    Categories (self CPU time of each profiled operation): ``input projection`` (the matrix
    products with ``T·N`` rows, forward and backward), ``recurrent products`` (the other
    matrix products: ``W_hh h`` per step and its gradients), ``gate arithmetic`` (elementwise
    operations: σ, tanh, products, sums and their backward kernels), ``copies and views``
    (cat, stack, copy, slicing) and ``autograd bookkeeping`` (the engine and its backward
    nodes, everything that is not an ``aten::`` kernel).
    """
    from torch.profiler import ProfilerActivity, profile

    torch.manual_seed(0)
    layer = LSTM(D, H)
    layer.fused_gates = fused_gates
    x = torch.randn(T, N, D, requires_grad=True)
    _step(layer, x, x.device)  # warm-up
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        _step(layer, x, x.device)
    products = ("aten::mm", "aten::addmm", "aten::bmm")
    movement = ("cat", "stack", "copy_", "slice", "select", "unbind", "chunk", "split", "view")
    movement += ("transpose", "aten::t", "as_strided", "expand", "reshape", "empty", "zeros")
    movement += ("ones", "fill_", "clone", "contiguous", "unsqueeze", "squeeze", "permute")
    split = dict.fromkeys(SPLIT, 0.0)
    for event in prof.key_averages(group_by_input_shape=True):
        seconds = event.self_cpu_time_total * 1e-6
        if event.key in products:
            big = any(T * N in shape for shape in event.input_shapes if shape)
            split["input projection" if big else "recurrent products"] += seconds
        elif not event.key.startswith("aten::"):
            split["autograd bookkeeping"] += seconds
        elif any(m in event.key for m in movement):
            split["copies and views"] += seconds
        else:
            split["gate arithmetic"] += seconds
    return split


SPLIT = (
    "input projection",
    "recurrent products",
    "gate arithmetic",
    "copies and views",
    "autograd bookkeeping",
)


def scaling(
    values, vary: str, base: dict, rounds: int = 3, models=("ours", "torch")
) -> dict[str, list[float]]:
    """Median seconds of forward + backward for each value of ``vary`` ("T" or "N").

    ``base`` gives the other sizes (``T, N, D, H``); returns ``{"ours": [...], "torch":
    [...]}`` for ``rnnbook.nn.LSTM`` and ``torch.nn.LSTM``, interleaved in rounds.
    """
    if vary not in ("T", "N"):
        raise ValueError(f"expected vary 'T' or 'N', received {vary!r}")
    torch.manual_seed(0)
    ours = LSTM(base["D"], base["H"])
    theirs = nn.LSTM(base["D"], base["H"])
    theirs.load_state_dict(ours.state_dict())
    layers = {"ours": ours, "torch": theirs}
    results = {name: [] for name in models}
    cpu = torch.device("cpu")
    for value in values:
        sizes = base | {vary: value}
        x = torch.randn(sizes["T"], sizes["N"], sizes["D"], requires_grad=True)
        times = {name: [] for name in models}
        for name in models:
            _step(layers[name], x, cpu)  # warm-up at this size
        for _ in range(rounds):
            for name in models:
                times[name].append(_step(layers[name], x, cpu))
        for name in models:
            results[name].append(statistics.median(times[name]))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in (("T", 100), ("N", 64), ("D", 64), ("H", 256), ("rounds", 15)):
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--threads", type=int, default=2, help="CPU threads (default 2)")
    parser.add_argument("--compile", action="store_true", help="add torch.compile on the CPU")
    parser.add_argument("--no-gpu", action="store_true", help="skip the GPU section")
    parser.add_argument("--save", type=Path, help="write the tables as JSON to this file")
    args = parser.parse_args()
    records = []
    torch.set_num_threads(args.threads)
    shape = f"T={args.T} N={args.N} D={args.D} H={args.H} float32"
    cpu = measure(torch.device("cpu"), args, "default" if args.compile else None)
    report(f"CPU, {args.threads} threads, {shape}; ratio = time / torch.nn.LSTM (oneDNN)", cpu)
    records.append(as_record(cpu, environment(torch.device("cpu"), args.threads), args))
    if torch.cuda.is_available() and not args.no_gpu:
        gpu = measure(torch.device("cuda"), args, "reduce-overhead")
        name = torch.cuda.get_device_name()
        report(f"GPU {name}, {shape}; ratio = time / torch.nn.LSTM (cuDNN)", gpu)
        records.append(as_record(gpu, environment(torch.device("cuda"), args.threads), args))
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(records, indent=1) + "\n")
        print(f"\nsaved {args.save}")


if __name__ == "__main__":
    main()
