"""Checkers for chapter 06, *Long short-term memory*.

Each checker runs the reader's answer on cases built to expose one plausible mistake at a
time and names that mistake when it sees it:

========  ==================================  ===========================================
exercise  checker                             mistakes it recognises
========  ==================================  ===========================================
6.1       :func:`check_lstm_gates`            the blocks read in the order i, f, o, g or
                                              f, i, g, o, tanh on every block, σ on every
                                              block (g not through tanh), σ on g and tanh
                                              on o (the activations swapped), a split
                                              along the rows instead of the columns,
                                              outputs in another order or number
6.2       :func:`check_lstm_step`             the forget gate missing (c = c_prev + i⊙g),
                                              f and i swapped, tanh of the cell missing
                                              (h = o⊙c), h from the old cell c_prev, the
                                              candidate g through σ, the bias missing,
                                              (c, h) returned instead of (h, c), a shape
                                              error (ValueError) inside the function
6.3       :func:`check_lstm_cell_backward`    the path through h missing from dc_total
                                              (everywhere, or in dc_prev only), the
                                              forget gate not applied to dc_prev, σ'
                                              written σ(1 + σ) or left out, tanh' missing
                                              in the g block, the o block from c instead
                                              of tanh c, the blocks stacked f, i, g, o or
                                              i, f, o, g, (dc_prev, da) returned
6.4       :func:`check_lstm_parameter_count`  the factor 4 missing (a vanilla RNN's
                                              count), one bias vector counted where torch
                                              has two (or two where one is asked for),
                                              W_hh counted as 4H·D, the biases left out,
                                              3 gates (a GRU's count), not an int
========  ==================================  ===========================================

The references are the package's own :func:`rnnbook.scratch.lstm_step_forward` and
:func:`~rnnbook.scratch.lstm_step_backward`; the parameter counts are confirmed against
``torch.nn.LSTM`` and :func:`~rnnbook.scratch.init_lstm_params`. Gates are stacked in
torch's order i, f, g, o; rows are examples and weights are stored (out, in): W_x (4H, D),
W_h (4H, H), b (4H,), so a = x @ W_x.T + h_prev @ W_h.T + b has shape (N, 4H).
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral

import numpy as np

from rnnbook.checks._feedback import call, call_with_shapes, check_outputs, fail, passed

__all__ = [
    "check_lstm_cell_backward",
    "check_lstm_gates",
    "check_lstm_parameter_count",
    "check_lstm_step",
]

_STEP_LAYOUT = (
    "Rows are examples and weights are stored (out, in): the pre-activations are "
    "a = x @ W_x.T + h_prev @ W_h.T + b, shape (N, 4H), split into four (N, H) "
    "blocks along axis 1."
)
"""The reminder that follows a shape error inside the reader's LSTM step."""


_GATES = "ifgo"

Arrays = dict[str, np.ndarray]


def _random_params(rng: np.random.Generator, D: int, H: int) -> Arrays:
    """Random LSTM parameters W_x (4H, D), W_h (4H, H) and a non-zero bias b (4H,)."""
    return {
        "W_x": rng.normal(scale=0.7, size=(4 * H, D)),
        "W_h": rng.normal(scale=0.7, size=(4 * H, H)),
        "b": rng.normal(scale=0.5, size=(4 * H,)),
    }


def _blocks(a: np.ndarray) -> Arrays:
    """The four (N, H) blocks of a (N, 4H), named by the gate they belong to."""
    return dict(zip(_GATES, np.split(a, 4, axis=1), strict=True))


def _gates(a: np.ndarray) -> Arrays:
    """i, f, o = σ(block), g = tanh(block), from a stacked [i, f, g, o]."""
    from rnnbook.scratch import sigmoid

    blocks = _blocks(a)
    return {k: np.tanh(z) if k == "g" else sigmoid(z) for k, z in blocks.items()}


# --------------------------------------------------------------------------- exercise 6.1


def _gate_mistakes(a: np.ndarray) -> list[tuple[str, Arrays]]:
    """Gates of plausible wrong splits and activations, each with its diagnosis."""
    from rnnbook.scratch import sigmoid

    z = _blocks(a)
    return [
        (
            "the blocks are read in the order i, f, o, g: torch stacks the gates i, f, g, o, "
            "so the candidate g is the third block, a[:, 2H:3H], and the output gate o the "
            "fourth, a[:, 3H:].",
            {"g": np.tanh(z["o"]), "o": sigmoid(z["g"])},
        ),
        (
            "the blocks are read in the order f, i, g, o: torch stacks the gates i, f, g, o, "
            "so the input gate i is the first block, a[:, :H], and the forget gate f the "
            "second, a[:, H:2H].",
            {"i": sigmoid(z["f"]), "f": sigmoid(z["i"])},
        ),
        (
            "tanh is applied to every block: the gates i, f and o are σ(·), values in (0, 1) "
            "that scale what passes; only the candidate g = tanh(·) lies in (−1, 1).",
            {k: np.tanh(v) for k, v in z.items()},
        ),
        (
            "σ is applied to every block: the candidate g, the value written into the cell, "
            "is tanh(a_g), in (−1, 1), so that the cell can be pushed down as well as up.",
            {"g": sigmoid(z["g"])},
        ),
        (
            "the activations of g and o are swapped: the output gate o = σ(a_o) is a gate, "
            "in (0, 1); the candidate g = tanh(a_g) is a value, in (−1, 1).",
            {"g": sigmoid(z["g"]), "o": np.tanh(z["o"])},
        ),
    ]


def check_lstm_gates(lstm_gates: Callable[[np.ndarray], tuple]) -> None:
    """Check exercise 6.1: ``lstm_gates(a) -> (i, f, g, o)``.

    a (N, 4H) holds the pre-activations stacked [a_i, a_f, a_g, a_o] along the columns
    (torch's order); i, f, o = σ(·) and g = tanh(·) of their blocks, each (N, H). The
    reference is :func:`rnnbook.scratch.lstm_step_forward` run with W_x = I, W_h = 0, b = 0
    and zero states, whose cache holds the gates of a.
    """
    from rnnbook.scratch import lstm_step_forward

    ex = "6.1"
    rng = np.random.default_rng(2061)
    # N = 4 first: a split along the rows then gives blocks of a wrong shape, not an error.
    for N, H in [(4, 3), (2, 5)]:
        a = rng.normal(scale=1.5, size=(N, 4 * H))
        zeros = np.zeros((N, H))
        params = {"W_x": np.eye(4 * H), "W_h": np.zeros((4 * H, H)), "b": np.zeros(4 * H)}
        cache = lstm_step_forward(a, zeros, zeros, params)[2]
        expected = {"i": cache.i, "f": cache.f, "g": cache.g, "o": cache.o}
        got = call(ex, lstm_gates, a.copy())
        if isinstance(got, tuple | list) and any(np.shape(v) == (N // 4, 4 * H) for v in got):
            fail(
                ex,
                f"the gates have shape {(N // 4, 4 * H)}, expected {(N, H)}: a was split along "
                "its rows. Rows are examples; the four gates lie side by side in the columns, "
                "so split along axis 1, np.split(a, 4, axis=1).",
            )
        check_outputs(ex, got, expected, _gate_mistakes(a), f"(N={N}, H={H})")
    passed(
        ex,
        "lstm_gates splits a into i, f, g, o (torch's order) with σ on i, f, o and tanh on g, "
        "as rnnbook.scratch.lstm_step_forward does.",
    )


# --------------------------------------------------------------------------- exercise 6.2


def _cell(
    i: np.ndarray, f: np.ndarray | float, g: np.ndarray, o: np.ndarray, c_prev: np.ndarray
) -> Arrays:
    """c = f ⊙ c_prev + i ⊙ g and h = o ⊙ tanh(c) from the given gates."""
    c = f * c_prev + i * g
    return {"h": o * np.tanh(c), "c": c}


def _step_mistakes(
    x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, params: Arrays
) -> list[tuple[str, Arrays]]:
    """Outputs of plausible wrong LSTM steps, each with its diagnosis."""
    from rnnbook.scratch import sigmoid

    a = x @ params["W_x"].T + h_prev @ params["W_h"].T
    gates = _gates(a + params["b"])
    i, f, g, o = (gates[k] for k in _GATES)
    c = f * c_prev + i * g
    no_bias = _gates(a)
    sigmoid_g = sigmoid(_blocks(a + params["b"])["g"])
    return [
        (
            "the forget gate is missing: c = c_prev + i ⊙ g only ever adds to the cell. "
            "The forget gate scales the old cell first, c = f ⊙ c_prev + i ⊙ g.",
            _cell(i, 1.0, g, o, c_prev),
        ),
        (
            "f and i are swapped: the forget gate f scales the old cell and the input gate i "
            "the candidate, c = f ⊙ c_prev + i ⊙ g.",
            _cell(f, i, g, o, c_prev),
        ),
        (
            "h = o ⊙ c: the cell goes through tanh before the output gate, h = o ⊙ tanh(c), "
            "which keeps h in (−1, 1) however large c grows.",
            {"h": o * c},
        ),
        (
            "h is computed from the old cell c_prev: update the cell first, then read it "
            "out, h = o ⊙ tanh(c) with the new c.",
            {"h": o * np.tanh(c_prev)},
        ),
        (
            "the candidate g goes through σ: g = tanh(a_g), in (−1, 1), so that the cell can "
            "be pushed down as well as up; only i, f and o are σ(·).",
            _cell(i, f, sigmoid_g, o, c_prev),
        ),
        (
            "the bias is missing: the pre-activations are a = x @ W_x.T + h_prev @ W_h.T + b.",
            _cell(*(no_bias[k] for k in _GATES), c_prev),
        ),
    ]


def check_lstm_step(lstm_step: Callable[..., tuple]) -> None:
    """Check exercise 6.2: ``lstm_step(x, h_prev, c_prev, W_x, W_h, b) -> (h, c)``.

    x (N, D), h_prev and c_prev (N, H), W_x (4H, D), W_h (4H, H), b (4H,).
    a = x W_xᵀ + h_prev W_hᵀ + b; i, f, g, o as in 6.1; c = f ⊙ c_prev + i ⊙ g and
    h = o ⊙ tanh(c), both (N, H). Compared with :func:`rnnbook.scratch.lstm_step_forward`.
    """
    from rnnbook.scratch import lstm_step_forward

    ex = "6.2"
    rng = np.random.default_rng(2062)
    for N, D, H in [(3, 2, 4), (2, 5, 3)]:
        params = _random_params(rng, D, H)
        x = rng.normal(size=(N, D))
        h_prev, c_prev = rng.uniform(-1.0, 1.0, size=(N, H)), rng.normal(size=(N, H))
        h, c, _ = lstm_step_forward(x, h_prev, c_prev, params)
        got = call_with_shapes(ex, lstm_step, _STEP_LAYOUT, x, h_prev, c_prev, *params.values())
        mistakes = _step_mistakes(x, h_prev, c_prev, params)
        check_outputs(ex, got, {"h": h, "c": c}, mistakes, f"(N={N}, D={D}, H={H})")
    passed(ex, "h and c match rnnbook.scratch.lstm_step_forward on 2 random cases.")


# --------------------------------------------------------------------------- exercise 6.3


def _upstream(
    dh: np.ndarray, dc: np.ndarray, c_prev: np.ndarray, gates: Arrays, c: np.ndarray, path: bool
) -> tuple[Arrays, np.ndarray]:
    """The gradients at the activated gates and dc_total; ``path``: add the way through h."""
    i, g, o = gates["i"], gates["g"], gates["o"]
    dc_total = dc + dh * o * (1.0 - np.tanh(c) ** 2) if path else dc
    grads = {"i": dc_total * g, "f": dc_total * c_prev, "g": dc_total * i, "o": dh * np.tanh(c)}
    return grads, dc_total


def _stack(
    upstream: Arrays, local: dict[str, np.ndarray | float], order: str = _GATES
) -> np.ndarray:
    """da: each gate's gradient times its activation's derivative, blocks side by side."""
    return np.concatenate([upstream[k] * local[k] for k in order], axis=1)


def _local(gates: Arrays) -> Arrays:
    """The derivatives of the activations from their values: σ' = σ(1 − σ), tanh' = 1 − g²."""
    return {k: 1.0 - v**2 if k == "g" else v * (1.0 - v) for k, v in gates.items()}


def _backward(
    dh: np.ndarray, dc: np.ndarray, c_prev: np.ndarray, gates: Arrays, c: np.ndarray
) -> Arrays:
    """The reference da (N, 4H) and dc_prev (N, H) of one cell."""
    upstream, dc_total = _upstream(dh, dc, c_prev, gates, c, path=True)
    return {"da": _stack(upstream, _local(gates)), "dc_prev": dc_total * gates["f"]}


def _backward_mistakes(
    dh: np.ndarray, dc: np.ndarray, c_prev: np.ndarray, gates: Arrays, c: np.ndarray
) -> list[tuple[str, Arrays]]:
    """Outputs of plausible wrong cell backward passes, each with its diagnosis."""
    upstream, dc_total = _upstream(dh, dc, c_prev, gates, c, path=True)
    cut, _ = _upstream(dh, dc, c_prev, gates, c, path=False)
    local = _local(gates)
    f = gates["f"]
    path_message = (
        "the path through h is missing: c_t reaches the loss through h_t = o ⊙ tanh(c_t) as "
        "well, so dc_total = dc + dh ⊙ o ⊙ (1 − tanh²c) and dc_prev = dc_total ⊙ f."
    )
    sigma = "σ' = σ(1 − σ), computed from the gate itself: i ⊙ (1 − i), f ⊙ (1 − f), o ⊙ (1 − o)"
    return [
        (path_message, {"da": _stack(cut, local), "dc_prev": dc * f}),
        (path_message, {"dc_prev": dc * f}),
        (
            "dc_prev = dc_total: the old cell enters c = f ⊙ c_prev + i ⊙ g through the "
            "forget gate, so dc_prev = dc_total ⊙ f.",
            {"dc_prev": dc_total},
        ),
        (
            f"σ' is written σ(1 + σ): {sigma}.",
            {"da": _stack(upstream, {**local, **{k: gates[k] * (1.0 + gates[k]) for k in "ifo"}})},
        ),
        (
            f"the derivative of σ is missing in the i, f and o blocks: {sigma}.",
            {"da": _stack(upstream, {**local, **dict.fromkeys("ifo", 1.0)})},
        ),
        (
            "the derivative of tanh is missing in the g block: g = tanh(a_g), so "
            "da_g = dg ⊙ (1 − g²).",
            {"da": _stack(upstream, {**local, "g": 1.0})},
        ),
        (
            "the o block uses c instead of tanh c: h = o ⊙ tanh(c), so do = dh ⊙ tanh(c).",
            {"da": _stack({**upstream, "o": dh * c}, local)},
        ),
        (
            "the blocks of da are stacked f, i, g, o: they follow the order of a, torch's "
            "i, f, g, o.",
            {"da": _stack(upstream, local, "figo")},
        ),
        (
            "the blocks of da are stacked i, f, o, g: they follow the order of a, torch's "
            "i, f, g, o.",
            {"da": _stack(upstream, local, "ifog")},
        ),
    ]


def check_lstm_cell_backward(lstm_cell_backward: Callable[..., tuple]) -> None:
    """Check exercise 6.3: ``lstm_cell_backward(dh, dc, c_prev, i, f, g, o, c)``.

    All arrays are (N, H): dh = ∂E/∂h_t and dc = ∂E/∂c_t arriving from later steps, the
    previous cell c_prev, the step's gates i, f, g, o and its new cell c. Returns
    ``(da, dc_prev)``: da (N, 4H) = ∂E/∂a in the order [i, f, g, o] and
    dc_prev (N, H) = ∂E/∂c_(t−1). The reference equations are confirmed against
    :func:`rnnbook.scratch.lstm_step_backward` on steps of
    :func:`~rnnbook.scratch.lstm_step_forward`.
    """
    from rnnbook.scratch import lstm_step_backward, lstm_step_forward

    ex = "6.3"
    rng = np.random.default_rng(2063)
    for N, D, H in [(3, 2, 4), (2, 5, 3)]:
        params = _random_params(rng, D, H)
        x = rng.normal(size=(N, D))
        h_prev, c_prev = rng.uniform(-1.0, 1.0, size=(N, H)), rng.normal(size=(N, H))
        _, c, cache = lstm_step_forward(x, h_prev, c_prev, params)
        dh, dc = rng.normal(size=(N, H)), rng.normal(size=(N, H))
        gates = {k: getattr(cache, k) for k in _GATES}
        expected = _backward(dh, dc, c_prev, gates, c)
        # With N ≤ D + H + 1 these products of da determine it entry by entry.
        da = expected["da"]
        dx, dh_prev, dc_prev, grads = lstm_step_backward(dh, dc, cache)
        confirmed = [
            (da @ params["W_x"], dx),
            (da @ params["W_h"], dh_prev),
            (da.T @ x, grads["W_x"]),
            (da.T @ h_prev, grads["W_h"]),
            (da.sum(axis=0), grads["b"]),
            (expected["dc_prev"], dc_prev),
        ]
        if not all(np.allclose(ours, theirs) for ours, theirs in confirmed):
            raise RuntimeError("ch06: the reference backward disagrees with lstm_step_backward")
        inputs = (dh, dc, c_prev, *gates.values(), c)
        got = call(ex, lstm_cell_backward, *(v.copy() for v in inputs))
        mistakes = _backward_mistakes(dh, dc, c_prev, gates, c)
        check_outputs(ex, got, expected, mistakes, f"(N={N}, H={H})")
    passed(ex, "da and dc_prev match rnnbook.scratch.lstm_step_backward on 2 random steps.")


# --------------------------------------------------------------------------- exercise 6.4


def _count(D: int, H: int, biases: int, gates: int = 4, W_hh_inputs: int | None = None) -> int:
    """gates·H rows of weights over D + W_hh_inputs columns (default H), plus the biases."""
    rows = gates * H
    return rows * (D + (H if W_hh_inputs is None else W_hh_inputs)) + biases * rows


def _count_mistakes(D: int, H: int, two_biases: bool) -> list[tuple[str, int]]:
    """Counts of plausible wrong formulas, each with its diagnosis."""
    biases = 2 if two_biases else 1
    wrong_biases = (
        (
            "one bias vector is counted, but torch's LSTM has two, bias_ih and bias_hh, "
            "4H entries each: 4H(D + H) + 8H when two_biases=True."
        )
        if two_biases
        else (
            "two bias vectors are counted although two_biases=False: with one bias b (4H,), "
            "as in rnnbook.scratch, the count is 4H(D + H) + 4H."
        )
    )
    return [
        (
            "the factor 4 is missing: this is a vanilla RNN's count. The LSTM has four gates "
            "i, f, g, o, each with its own H rows in W_ih (4H, D), W_hh (4H, H) and the biases.",
            _count(D, H, biases, gates=1),
        ),
        (wrong_biases, _count(D, H, 3 - biases)),
        (
            "W_hh is counted as 4H·D entries, as if it were (4H, D): it maps h_(t−1), of size "
            "H, to the gates, so it has shape (4H, H); only W_ih (4H, D) depends on D.",
            _count(D, H, biases, W_hh_inputs=D),
        ),
        (
            "the biases are left out: torch.nn.LSTM has bias_ih and bias_hh, 4H each, and "
            "rnnbook.scratch one b (4H,); they count as parameters too.",
            _count(D, H, 0),
        ),
        (
            "this counts 3 gates, a GRU's count: the LSTM has four, i, f, g, o, so "
            "4H(D + H) weights plus the biases.",
            _count(D, H, biases, gates=3),
        ),
    ]


def check_lstm_parameter_count(lstm_parameter_count: Callable[..., int]) -> None:
    """Check exercise 6.4: ``lstm_parameter_count(D, H, two_biases=True) -> int``.

    The number of parameters of an LSTM layer with input size D and hidden size H:
    4H(D + H) weights plus 8H biases with torch's two bias vectors (bias_ih, bias_hh), or
    4H with one (two_biases=False). The reference is confirmed against ``torch.nn.LSTM`` and
    :func:`rnnbook.scratch.init_lstm_params`.
    """
    import torch

    from rnnbook.scratch import init_lstm_params

    ex = "6.4"
    for D, H in [(3, 7), (10, 4), (6, 13)]:
        torch_count = sum(p.numel() for p in torch.nn.LSTM(D, H).parameters())
        scratch_count = sum(p.size for p in init_lstm_params(D, H).values())
        if (torch_count, scratch_count) != (_count(D, H, 2), _count(D, H, 1)):
            raise RuntimeError("ch06: the reference count disagrees with torch or rnnbook.scratch")
        for two_biases in (True, False):
            kwargs = {} if two_biases else {"two_biases": False}
            got = call(ex, lstm_parameter_count, D, H, **kwargs)
            case = f"lstm_parameter_count({D}, {H}{', two_biases=False' if kwargs else ''})"
            if isinstance(got, bool) or not isinstance(got, Integral):
                fail(ex, f"{case} should return an int, got {type(got).__name__}.")
            expected = _count(D, H, 2 if two_biases else 1)
            if got == expected:
                continue
            for message, candidate in _count_mistakes(D, H, two_biases):
                if got == candidate:
                    fail(ex, message)
            fail(ex, f"{case} returned {got}, expected {expected}.")
    passed(
        ex,
        "the counts match torch.nn.LSTM (two biases) and rnnbook.scratch.init_lstm_params "
        f"(one bias); for D = 10, H = 4 that is {_count(10, 4, 2)} parameters in torch.",
    )
