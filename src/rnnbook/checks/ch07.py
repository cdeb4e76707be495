"""Checkers for chapter 07, *LSTM variants and the GRU*.

Each checker runs the reader's answer on cases built to expose one plausible mistake at a
time and names that mistake when it sees it:

========  ====================================  ===========================================
exercise  checker                               mistakes it recognises
========  ====================================  ===========================================
7.1       :func:`check_gru_step`                z and 1 − z swapped (the other update
                                                h = (1 − z) h_prev + z n), the reset gate
                                                applied after W_h when reset_after=False
                                                was asked or before it when True was
                                                asked, the gates read in the order z, r,
                                                n, the reset gate not applied, tanh
                                                missing on the candidate, b_hn (the n
                                                block of b_h) missing, or outside the
                                                reset when reset_after=True, a shape
                                                error (ValueError) inside the function
7.2       :func:`check_flip_update_gate`        the r block (first third) or the n block
                                                (last third) negated instead of z's,
                                                every row negated, the weights negated
                                                but not the biases (or the biases but not
                                                the weights), the parameters returned
                                                unchanged, the inputs modified in place
7.3       :func:`check_peephole_step`           the output gate peeking at c_prev instead
                                                of c_t, the input and forget gates
                                                peeking at c_t, the peephole terms added
                                                after the sigmoid, the peepholes used as
                                                matrices (a shape error), the peepholes
                                                ignored (a plain LSTM), (c, h) returned
                                                instead of (h, c)
7.4       :func:`check_gru_parameter_count`     4 gates (an LSTM's count), one bias
                                                vector where torch has two, 2 gates, the
                                                biases left out, W_hh counted as 3H·D,
                                                not an int
7.6       :func:`check_gru_backward`            the direct path z ⊙ δh to h_(t−1)
                                                missing, z and 1 − z swapped, the
                                                gradients of the reset applied before
                                                the product, the path through r missing,
                                                σ' computed from the pre-activation,
                                                δh not carried back through time, tanh'
                                                written 1 − h̃, the inputs modified in
                                                place, a wrong return form or shape
7.6       :func:`check_gru_gradient_check`      a check that rejects a right backward
                                                pass (step too large, float32), one that
                                                misses a missing direct path (h0 not
                                                checked with T = 1) or a wrong b_h
                                                gradient (an array left out), a wrong
                                                return form
7.7       :func:`check_equal_budget`            one LSTM bias vector or none, 4D bias
                                                entries, the GRU's count for the LSTM,
                                                H' over the budget (rounded up, or 4H/3),
                                                H' below the largest that fits, not a
                                                whole number
7.8       :func:`check_update_gate_experiment`  a run that does not follow the protocol
                                                (bias_hh not zeroed, another T, another
                                                sign), the prediction σ(b)^T without √H
                                                or otherwise wrong, fewer than 3 runs,
                                                one seed repeated, runs outside the
                                                range the protocol gives
========  ====================================  ===========================================

The references are the package's own :func:`rnnbook.scratch.gru_step_forward` (both reset
conventions), :func:`~rnnbook.scratch.gru_backward` and
:func:`~rnnbook.scratch.lstm_step_forward` with ``peephole=True``; the
parameter counts are confirmed against ``torch.nn.GRU`` and
:func:`~rnnbook.scratch.init_gru_params`. Rows are examples and weights are stored
(out, in). GRU gates are stacked in torch's order r, z, n: W_x (3H, D), W_h (3H, H),
b_x (3H,), b_h (3H,); with x_n = W_xn x + b_xn, the candidate is
n = tanh(x_n + r ⊙ (W_hn h_prev + b_hn)) (reset_after=True, torch) or
n = tanh(x_n + W_hn (r ⊙ h_prev) + b_hn) (reset_after=False, Cho et al.), and the update
h = (1 − z) ⊙ n + z ⊙ h_prev, where n is the book's candidate h̃ (torch's name).
LSTM gates are stacked i, f, g, o: W_x (4H, D),
W_h (4H, H), b (4H,), peephole weights w_ci, w_cf, w_co (H,).
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral
from typing import Any

import numpy as np

from rnnbook.checks._feedback import (
    call,
    call_with_shapes,
    check_outputs,
    expect_close,
    expect_shape,
    fail,
    matches,
    passed,
)

__all__ = [
    "check_equal_budget",
    "check_flip_update_gate",
    "check_gru_backward",
    "check_gru_gradient_check",
    "check_gru_parameter_count",
    "check_gru_step",
    "check_peephole_step",
    "check_update_gate_experiment",
]

_GRU_KEYS = ("W_x", "W_h", "b_x", "b_h")
_BLOCKS = "rzn"

Arrays = dict[str, np.ndarray]


# --------------------------------------------------------------------------- the GRU


def _random_gru_params(rng: np.random.Generator, D: int, H: int) -> Arrays:
    """Random GRU parameters W_x (3H, D), W_h (3H, H) and non-zero biases b_x, b_h (3H,)."""
    return {
        "W_x": rng.normal(scale=0.7, size=(3 * H, D)),
        "W_h": rng.normal(scale=0.7, size=(3 * H, H)),
        "b_x": rng.normal(scale=0.5, size=(3 * H,)),
        "b_h": rng.normal(scale=0.5, size=(3 * H,)),
    }


def _gru_h(
    x: np.ndarray,
    h_prev: np.ndarray,
    params: Arrays,
    reset_after: bool,
    *,
    lecture: bool = False,
    order: str = _BLOCKS,
    use_r: bool = True,
    squash: bool = True,
    b_hn: str = "inside",
) -> np.ndarray:
    """h of one GRU step; the keywords reproduce the mistakes of 7.1 (defaults: the book's).

    ``lecture``: h = (1 − z) h_prev + z n. ``order``: the blocks' names from first to last.
    ``use_r``: apply the reset gate. ``squash``: tanh on n. ``b_hn``: "inside" the reset,
    "outside" it (reset_after only) or "missing".
    """
    from rnnbook.scratch import sigmoid

    H = h_prev.shape[1]
    x_part = dict(zip(order, np.split(x @ params["W_x"].T + params["b_x"], 3, axis=1), strict=True))
    W_hn, bias = params["W_h"][2 * H :], params["b_h"][2 * H :]
    h_rz = h_prev @ params["W_h"][: 2 * H].T + params["b_h"][: 2 * H]
    h_part = dict(zip(order[:2], np.split(h_rz, 2, axis=1), strict=True))
    r = sigmoid(x_part["r"] + h_part["r"]) if use_r else 1.0
    z = sigmoid(x_part["z"] + h_part["z"])
    inside = bias if b_hn == "inside" else 0.0
    if reset_after:
        hidden_n = r * (h_prev @ W_hn.T + inside) + (bias if b_hn == "outside" else 0.0)
    else:
        hidden_n = (r * h_prev) @ W_hn.T + inside
    n = x_part["n"] + hidden_n
    n = np.tanh(n) if squash else n
    return z * n + (1.0 - z) * h_prev if lecture else (1.0 - z) * n + z * h_prev


def _candidate(reset_after: bool) -> str:
    """The candidate's equation in the convention asked for."""
    if reset_after:
        return "n = tanh(x_n + r ⊙ (W_hn h_prev + b_hn))"
    return "n = tanh(x_n + W_hn (r ⊙ h_prev) + b_hn)"


# --------------------------------------------------------------------------- exercise 7.1

_GRU_LAYOUT = (
    "Rows are examples and weights are stored (out, in): x @ W_x.T + b_x and "
    "h_prev @ W_h.T + b_h are (N, 3H), split into the r, z, n blocks along axis 1; "
    "W_hn = W_h[2H:] is (H, H)."
)


def _gru_step_mistakes(
    x: np.ndarray, h_prev: np.ndarray, params: Arrays, reset_after: bool
) -> list[tuple[str, np.ndarray]]:
    """Outputs of plausible wrong GRU steps, each with its diagnosis."""
    candidate = _candidate(reset_after)

    def wrong(**mistake: Any) -> np.ndarray:
        return _gru_h(x, h_prev, params, reset_after, **mistake)

    if reset_after:
        misplaced = [
            (
                "the reset gate is applied before W_h (to h_prev, Cho et al.'s form) although "
                "reset_after=True was asked: then r is applied after the product, as in "
                f"torch.nn.GRU, {candidate}.",
                _gru_h(x, h_prev, params, False),
            )
        ]
    else:
        after = (
            "the reset gate is applied after W_h (torch's form) although reset_after=False "
            "was asked: then r multiplies h_prev before the product (Cho et al., 2014), "
            f"{candidate}."
        )
        misplaced = [
            (after, _gru_h(x, h_prev, params, True)),
            (after, _gru_h(x, h_prev, params, True, b_hn="outside")),
        ]
    mistakes = [
        (
            "h = z ⊙ n + (1 − z) ⊙ h_prev: this is the other convention (colah's essay, lecture "
            "000), h = (1 − z') h_prev + z' h̃. The book and torch write "
            "h = z ⊙ h_prev + (1 − z) ⊙ h̃ "
            "(z = 1 keeps the old state); both are the same model with z flipped, z ↔ 1 − z "
            "(exercise 7.2 turns one into the other).",
            wrong(lecture=True),
        ),
        *misplaced,
        (
            "the gates are read in the order z, r, n: torch stacks them r, z, n, so the reset "
            "gate r is the first block (rows :H of W_x and W_h, entries :H of b_x and b_h) and "
            "the update gate z the second (rows H:2H).",
            wrong(order="zrn"),
        ),
        (
            "the reset gate is not applied: r decides how much of h_prev reaches the "
            f"candidate, {candidate}.",
            wrong(use_r=False),
        ),
        (
            f"tanh is missing on the candidate: {candidate} lies in (−1, 1), and so does h, "
            "a blend of n and h_prev.",
            wrong(squash=False),
        ),
        (
            f"b_hn, the n block of b_h (b_h[2H:]), is missing from the candidate: {candidate}.",
            wrong(b_hn="missing"),
        ),
    ]
    if reset_after:
        mistakes.append(
            (
                "b_hn is added outside the reset gate: torch's GRU resets the hidden share "
                f"together with its bias, {candidate}, so b_h's n block cannot be merged "
                "into b_x.",
                wrong(b_hn="outside"),
            )
        )
    return mistakes


def check_gru_step(gru_step: Callable[..., np.ndarray]) -> None:
    """Check exercise 7.1: ``gru_step(x, h_prev, W_x, W_h, b_x, b_h, reset_after=True) -> h``.

    x (N, D), h_prev (N, H), W_x (3H, D), W_h (3H, H), b_x and b_h (3H,); h (N, H). Gates
    r, z, n stacked as in torch; r, z = σ(x_· + h_·), the candidate n in the convention
    ``reset_after`` asks for (module docstring) and h = (1 − z) ⊙ n + z ⊙ h_prev. Compared
    with :func:`rnnbook.scratch.gru_step_forward` for reset_after=True (the default) and
    False.
    """
    from rnnbook.scratch import gru_step_forward

    ex = "7.1"
    rng = np.random.default_rng(2071)
    for N, D, H in [(3, 2, 4), (2, 5, 3)]:
        params = _random_gru_params(rng, D, H)
        x = rng.normal(size=(N, D))
        h_prev = rng.uniform(-1.0, 1.0, size=(N, H))
        for reset_after in (True, False):
            expected = gru_step_forward(x, h_prev, params, reset_after)[0]
            kwargs = {} if reset_after else {"reset_after": False}
            got = call_with_shapes(ex, gru_step, _GRU_LAYOUT, x, h_prev, *params.values(), **kwargs)
            name = f"h (N={N}, D={D}, H={H}, reset_after={reset_after})"
            expect_shape(ex, name, got, (N, H))
            if matches(got, expected):
                continue
            for message, candidate in _gru_step_mistakes(x, h_prev, params, reset_after):
                if matches(got, candidate):
                    fail(ex, message)
            expect_close(ex, name, got, expected)
    passed(
        ex,
        "h matches rnnbook.scratch.gru_step_forward with reset_after=True (torch) and False "
        "(Cho et al.) on 2 random cases each.",
    )


# --------------------------------------------------------------------------- exercise 7.2


def _negate(params: Arrays, blocks: str, keys: tuple[str, ...] = _GRU_KEYS) -> Arrays:
    """New parameters with the rows (entries) of ``blocks`` negated in the arrays ``keys``."""
    H = params["W_h"].shape[1]
    flipped = {key: value.copy() for key, value in params.items()}
    for key in keys:
        for block in blocks:
            start = _BLOCKS.index(block) * H
            flipped[key][start : start + H] *= -1.0
    return flipped


def _flip_mistakes(params: Arrays) -> list[tuple[str, Arrays]]:
    """Parameters of plausible wrong flips, each with its diagnosis."""
    where = (
        "torch stacks r, z, n, so the update gate z is the middle third: rows H:2H of W_x "
        "and W_h and entries H:2H of b_x and b_h."
    )
    whole = (
        "z' = σ(−a_z) = 1 − z needs the whole pre-activation negated, "
        "a_z = W_xz x + b_xz + W_hz h_prev + b_hz"
    )
    return [
        ("the r block (the first third, rows :H) is negated: " + where, _negate(params, "r")),
        ("the n block (the last third, rows 2H:) is negated: " + where, _negate(params, "n")),
        (
            "every row is negated: that changes the reset gate and the candidate as well. "
            "Only the update gate changes convention; negate its rows, H:2H, alone.",
            _negate(params, _BLOCKS),
        ),
        (
            f"the z rows of the weights are negated but not the biases: {whole}, so "
            "b_x[H:2H] and b_h[H:2H] change sign too.",
            _negate(params, "z", ("W_x", "W_h")),
        ),
        (
            f"the z entries of the biases are negated but not the weights: {whole}, so "
            "the rows H:2H of W_x and W_h change sign too.",
            _negate(params, "z", ("b_x", "b_h")),
        ),
        (
            "the parameters come back unchanged: negate the z block (rows H:2H of W_x and "
            "W_h, entries H:2H of b_x and b_h), so that z' = σ(−a_z) = 1 − z.",
            params,
        ),
    ]


def _flipped_params(ex: str, got: Any, params: Arrays) -> Arrays:
    """The reader's four arrays by name, after checking their number and shapes."""
    wanted = f"({', '.join(f'{key}_new' for key in _GRU_KEYS)})"
    if not isinstance(got, tuple | list):
        fail(ex, f"return the tuple {wanted}; got a value of type {type(got).__name__}.")
    if len(got) != len(_GRU_KEYS):
        fail(ex, f"return the {len(_GRU_KEYS)} arrays {wanted}; got {len(got)} values.")
    for key, value in zip(_GRU_KEYS, got, strict=True):
        expect_shape(ex, f"the returned {key}", value, params[key].shape)
    return {key: np.asarray(value, dtype=float) for key, value in zip(_GRU_KEYS, got, strict=True)}


def check_flip_update_gate(flip_update_gate: Callable[..., tuple]) -> None:
    """Check exercise 7.2: ``flip_update_gate(W_x, W_h, b_x, b_h) -> (W_x', W_h', b_x', b_h')``.

    The four GRU arrays (shapes as in 7.1) come back as new arrays with the z block negated:
    rows H:2H of W_x and W_h and entries H:2H of b_x and b_h. Then z' = σ(−a_z) = 1 − z, and
    a GRU written in the other convention, h = (1 − z) ⊙ h_prev + z ⊙ n, becomes the
    same function in the book's and torch's, h = (1 − z') ⊙ n + z' ⊙ h_prev. The check:
    for random inputs :func:`rnnbook.scratch.gru_step_forward` with the flipped parameters
    equals the other convention's GRU with the original ones, for both values of
    reset_after; the inputs stay unchanged.
    """
    from rnnbook.scratch import gru_step_forward

    ex = "7.2"
    rng = np.random.default_rng(2072)
    for N, D, H in [(6, 3, 4), (5, 4, 2)]:
        params = _random_gru_params(rng, D, H)
        originals = {key: value.copy() for key, value in params.items()}
        got = call(ex, flip_update_gate, *params.values())
        for key in _GRU_KEYS:
            if not np.array_equal(params[key], originals[key]):
                fail(
                    ex,
                    f"flip_update_gate changed its input {key} in place: return new arrays "
                    f"(copy first, {key} = {key}.copy(), then negate the copy's z block), so "
                    "that the original GRU keeps its parameters.",
                )
        flipped = _flipped_params(ex, got, params)
        x = rng.normal(size=(N, D))
        h_prev = rng.uniform(-1.0, 1.0, size=(N, H))
        for reset_after in (True, False):
            _, cache = gru_step_forward(x, h_prev, params, reset_after)
            expected = (1.0 - cache.z) * h_prev + cache.z * cache.n  # the other convention's update
            h = gru_step_forward(x, h_prev, flipped, reset_after)[0]
            if matches(h, expected):
                continue
            for message, candidate in _flip_mistakes(params):
                if matches(h, gru_step_forward(x, h_prev, candidate, reset_after)[0]):
                    fail(ex, message)
            expect_close(
                ex,
                f"h of the flipped GRU (N={N}, D={D}, H={H}, reset_after={reset_after})",
                h,
                expected,
                hint="With the flipped parameters, rnnbook.scratch.gru_step_forward "
                "(h = (1 − z) ⊙ n + z ⊙ h_prev) should compute the other convention's GRU of the "
                "original ones, h = (1 − z) ⊙ h_prev + z ⊙ n.",
            )
    passed(
        ex,
        "with the z block negated, rnnbook.scratch.gru_step_forward (torch's convention) "
        "computes the other convention's GRU, h = (1 − z) ⊙ h_prev + z ⊙ n, for both values of "
        "reset_after, and the inputs are unchanged.",
    )


# --------------------------------------------------------------------------- exercise 7.3

_PEEPHOLE_KEYS = ("W_x", "W_h", "b", "w_ci", "w_cf", "w_co")

_PEEPHOLE_LAYOUT = (
    "Rows are examples and weights are stored (out, in): a = x @ W_x.T + h_prev @ W_h.T + b "
    "is (N, 4H); the peephole weights w_ci, w_cf, w_co are vectors (H,) that scale the cell "
    "entry by entry, w_ci * c_prev, not matrices to multiply with @."
)


def _random_peephole_params(rng: np.random.Generator, D: int, H: int) -> Arrays:
    """Random peephole-LSTM parameters: W_x (4H, D), W_h (4H, H), b (4H,), w_c· (H,)."""
    return {
        "W_x": rng.normal(scale=0.7, size=(4 * H, D)),
        "W_h": rng.normal(scale=0.7, size=(4 * H, H)),
        "b": rng.normal(scale=0.5, size=(4 * H,)),
        **{key: rng.normal(size=(H,)) for key in _PEEPHOLE_KEYS[3:]},
    }


def _peephole(
    x: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    params: Arrays,
    *,
    peek_if: str | None = "old",
    peek_o: str | None = "new",
    after_sigmoid: bool = False,
) -> Arrays:
    """h and c of a peephole LSTM step; the keywords reproduce the mistakes of 7.3.

    ``peek_if``, ``peek_o``: the cell the gates i, f and the gate o look at, "old" (c_prev),
    "new" (c_t) or None (no peephole); i and f's "new" cell is the one their plain values
    give. ``after_sigmoid``: add w ⊙ c to σ(a) instead of a.
    """
    from rnnbook.scratch import sigmoid

    a = x @ params["W_x"].T + h_prev @ params["W_h"].T + params["b"]
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    g = np.tanh(a_g)

    def gate(a_gate: np.ndarray, w: np.ndarray, cell: np.ndarray | None) -> np.ndarray:
        if cell is None:
            return sigmoid(a_gate)
        return sigmoid(a_gate) + w * cell if after_sigmoid else sigmoid(a_gate + w * cell)

    cells_if = {"old": c_prev, "new": sigmoid(a_f) * c_prev + sigmoid(a_i) * g, None: None}
    i = gate(a_i, params["w_ci"], cells_if[peek_if])
    f = gate(a_f, params["w_cf"], cells_if[peek_if])
    c = f * c_prev + i * g
    o = gate(a_o, params["w_co"], {"old": c_prev, "new": c, None: None}[peek_o])
    return {"h": o * np.tanh(c), "c": c}


def _peephole_mistakes(
    x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, params: Arrays
) -> list[tuple[str, Arrays]]:
    """Outputs of plausible wrong peephole steps, each with its diagnosis."""

    def wrong(**mistake: Any) -> Arrays:
        return _peephole(x, h_prev, c_prev, params, **mistake)

    return [
        (
            "the output gate peeks at the old cell c_prev: o is computed after the cell "
            "update, so it looks at the new cell, a_o += w_co ⊙ c_t.",
            wrong(peek_o="old"),
        ),
        (
            "the input and forget gates peek at the new cell c_t: they decide how c_t is "
            "made, so they look at the old one, a_i += w_ci ⊙ c_prev and "
            "a_f += w_cf ⊙ c_prev; only the output gate, computed after the update, sees c_t.",
            wrong(peek_if="new"),
        ),
        (
            "the peephole terms are added after the sigmoid: they belong to the "
            "pre-activations, i = σ(a_i + w_ci ⊙ c_prev), f = σ(a_f + w_cf ⊙ c_prev), "
            "o = σ(a_o + w_co ⊙ c_t), so that the gates stay in (0, 1).",
            wrong(after_sigmoid=True),
        ),
        (
            "the peepholes are ignored: this is a plain LSTM. The gates also look at the "
            "cell, a_i += w_ci ⊙ c_prev, a_f += w_cf ⊙ c_prev and a_o += w_co ⊙ c_t.",
            wrong(peek_if=None, peek_o=None),
        ),
    ]


def check_peephole_step(peephole_step: Callable[..., tuple]) -> None:
    """Check exercise 7.3: ``peephole_step(x, h_prev, c_prev, W_x, W_h, b, w_ci, w_cf, w_co)``.

    x (N, D), h_prev and c_prev (N, H), W_x (4H, D), W_h (4H, H), b (4H,), w_ci, w_cf,
    w_co (H,). Returns ``(h, c)``, both (N, H): the LSTM step of exercise 6.2 with
    a_i += w_ci ⊙ c_prev, a_f += w_cf ⊙ c_prev before i and f, and a_o += w_co ⊙ c_t after
    the cell update. Compared with :func:`rnnbook.scratch.lstm_step_forward` with
    ``peephole=True``.
    """
    from rnnbook.scratch import lstm_step_forward

    ex = "7.3"
    rng = np.random.default_rng(2073)
    for N, D, H in [(3, 2, 4), (2, 5, 3)]:
        params = _random_peephole_params(rng, D, H)
        x = rng.normal(size=(N, D))
        h_prev, c_prev = rng.uniform(-1.0, 1.0, size=(N, H)), rng.normal(size=(N, H))
        h, c, _ = lstm_step_forward(x, h_prev, c_prev, params, peephole=True)
        got = call_with_shapes(
            ex, peephole_step, _PEEPHOLE_LAYOUT, x, h_prev, c_prev, *params.values()
        )
        mistakes = _peephole_mistakes(x, h_prev, c_prev, params)
        check_outputs(ex, got, {"h": h, "c": c}, mistakes, f"(N={N}, D={D}, H={H})")
    passed(
        ex,
        "h and c match rnnbook.scratch.lstm_step_forward(..., peephole=True) on 2 random cases.",
    )


# --------------------------------------------------------------------------- exercise 7.4


def _count(D: int, H: int, gates: int = 3, biases: int = 2, W_hh_inputs: int | None = None) -> int:
    """gates·H rows of weights over D + W_hh_inputs columns (default H), plus the biases."""
    rows = gates * H
    return rows * (D + (H if W_hh_inputs is None else W_hh_inputs)) + biases * rows


def _count_mistakes(D: int, H: int) -> list[tuple[str, int]]:
    """Counts of plausible wrong formulas, each with its diagnosis."""
    return [
        (
            "this counts 4 gates, an LSTM's count: the GRU has three blocks, r, z, n, so "
            "W_ih is (3H, D), W_hh (3H, H) and each bias 3H.",
            _count(D, H, gates=4),
        ),
        (
            "one bias vector is counted, but torch's GRU has two, bias_ih and bias_hh, 3H "
            "entries each (they cannot be merged: b_hn sits inside the reset, "
            "r ⊙ (W_hn h + b_hn)), so 3H(D + H) + 6H.",
            _count(D, H, biases=1),
        ),
        (
            "this counts 2 blocks: the candidate n has its own rows too, so the GRU has three, "
            "r, z, n: 3H(D + H) weights plus the biases.",
            _count(D, H, gates=2),
        ),
        (
            "the biases are left out: torch.nn.GRU has bias_ih and bias_hh, 3H each (b_x and "
            "b_h in rnnbook.scratch); they count as parameters too.",
            _count(D, H, biases=0),
        ),
        (
            "W_hh is counted as 3H·D entries, as if it were (3H, D): it maps h_(t−1), of size "
            "H, to the gates, so it has shape (3H, H); only W_ih (3H, D) depends on D.",
            _count(D, H, W_hh_inputs=D),
        ),
    ]


def check_gru_parameter_count(gru_parameter_count: Callable[[int, int], int]) -> None:
    """Check exercise 7.4: ``gru_parameter_count(D, H) -> int``.

    The number of parameters of torch.nn.GRU with input size D and hidden size H:
    3H(D + H) weights plus 6H biases (bias_ih and bias_hh, 3H each). The reference is
    confirmed against ``torch.nn.GRU`` and :func:`rnnbook.scratch.init_gru_params` (b_x and
    b_h, also 6H).
    """
    import torch

    from rnnbook.scratch import init_gru_params

    ex = "7.4"
    for D, H in [(10, 4), (6, 11), (2, 9)]:
        expected = _count(D, H)
        torch_count = sum(p.numel() for p in torch.nn.GRU(D, H).parameters())
        scratch_count = sum(p.size for p in init_gru_params(D, H).values())
        if (torch_count, scratch_count) != (expected, expected):
            raise RuntimeError("ch07: the reference count disagrees with torch or rnnbook.scratch")
        got = call(ex, gru_parameter_count, D, H)
        case = f"gru_parameter_count({D}, {H})"
        if isinstance(got, bool) or not isinstance(got, Integral):
            fail(ex, f"{case} should return an int, got {type(got).__name__}.")
        if got == expected:
            continue
        for message, candidate in _count_mistakes(D, H):
            if got == candidate:
                fail(ex, message)
        fail(ex, f"{case} returned {got}, expected {expected}.")
    passed(
        ex,
        "the counts match torch.nn.GRU and rnnbook.scratch.init_gru_params; for D = 10, H = 4 "
        f"that is {_count(10, 4)} parameters, three quarters of an LSTM of the same size.",
    )


# --------------------------------------------------------------------------- exercise 7.6

_GRAD_NAMES = ("dxs", "dh0", "dW_x", "dW_h", "db_x", "db_h")
_CHECKED_ARRAYS = ("xs", "h0", "W_x", "W_h", "b_x", "b_h")


def _gru_backward_variant(
    dhs: np.ndarray,
    xs: np.ndarray,
    h0: np.ndarray,
    params: Arrays,
    *,
    direct: bool = True,
    swap: str = "",
    through_r: bool = True,
    sigma_on_pre: bool = False,
    carry: bool = True,
    tanh_prime: bool = True,
) -> dict[str, np.ndarray]:
    """The GRU's gradients over a sequence (reset after the product); keywords are mistakes.

    ``direct``: the path z ⊙ δh to h_(t−1). ``swap``: "" (right), "all" (z and 1 − z
    swapped in δh̃, δz and the direct path) or "paths" (only in δh̃ and the direct path).
    ``through_r``: the path through the reset gate. ``sigma_on_pre``: σ' written
    a(1 − a) with a the pre-activation. ``carry``: δh_(t−1) passed on to step t − 1.
    ``tanh_prime``: 1 − h̃² (False: 1 − h̃).
    """
    from rnnbook.scratch import sigmoid

    H = h0.shape[1]
    W_x, W_h, b_x, b_h = (params[key] for key in _GRU_KEYS)
    steps, h = [], h0
    for x in xs:  # forward, keeping what the backward pass needs
        x_r, x_z, x_n = np.split(x @ W_x.T + b_x, 3, axis=1)
        g_r, g_z, g_n = np.split(h @ W_h.T + b_h, 3, axis=1)
        a_r, a_z = x_r + g_r, x_z + g_z
        r, z = sigmoid(a_r), sigmoid(a_z)
        n = np.tanh(x_n + r * g_n)
        steps.append((x, h, a_r, a_z, r, z, g_n, n))
        h = z * h + (1.0 - z) * n
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    dxs, dh_next = np.zeros_like(xs), np.zeros_like(h0)
    for t in reversed(range(len(xs))):
        x, h_prev, a_r, a_z, r, z, g_n, n = steps[t]
        dh = dhs[t] + (dh_next if carry else 0.0)
        keep, write = (1.0 - z, z) if swap else (z, 1.0 - z)
        dn = dh * write
        dz = dh * (n - h_prev) if swap == "all" else dh * (h_prev - n)
        da_n = dn * ((1.0 - n**2) if tanh_prime else (1.0 - n))
        dr = da_n * g_n if through_r else np.zeros_like(r)
        s_r, s_z = (
            (a_r * (1 - a_r), a_z * (1 - a_z)) if sigma_on_pre else (r * (1 - r), z * (1 - z))
        )
        d_x = np.concatenate([dr * s_r, dz * s_z, da_n], axis=1)  # δ of W_x x + b_x
        d_h = np.concatenate([dr * s_r, dz * s_z, da_n * r], axis=1)  # δ of W_h h + b_h
        grads["W_x"] += d_x.T @ x
        grads["W_h"] += d_h.T @ h_prev
        grads["b_x"] += d_x.sum(axis=0)
        grads["b_h"] += d_h.sum(axis=0)
        dxs[t] = d_x @ W_x
        dh_next = d_h @ W_h + (dh * keep if direct else 0.0)
    del H
    return {"dxs": dxs, "dh0": dh_next, **{f"d{key}": grads[key] for key in _GRU_KEYS}}


def _gru_package_grads(
    dhs: np.ndarray, xs: np.ndarray, h0: np.ndarray, params: Arrays, reset_after: bool = True
) -> dict[str, np.ndarray]:
    """The package's gradients, named as in :data:`_GRAD_NAMES`."""
    from rnnbook.scratch import gru_backward, gru_forward

    _, cache = gru_forward(xs, h0, params, reset_after)
    dxs, dh0, grads = gru_backward(dhs, cache)
    return {"dxs": dxs, "dh0": dh0, **{f"d{key}": grads[key] for key in _GRU_KEYS}}


def _gru_backward_mistakes(
    dhs: np.ndarray, xs: np.ndarray, h0: np.ndarray, params: Arrays
) -> list[tuple[str, dict[str, np.ndarray]]]:
    """Gradients of plausible wrong backward passes, each with its diagnosis."""

    def wrong(**mistake: Any) -> dict[str, np.ndarray]:
        return _gru_backward_variant(dhs, xs, h0, params, **mistake)

    swapped = (
        "z and 1 − z are swapped in the backward pass: with h_t = z ⊙ h_(t−1) + (1 − z) ⊙ h̃, "
        "δh̃ = δh ⊙ (1 − z), the direct path gives δh_(t−1) += z ⊙ δh, and "
        "δz = δh ⊙ (h_(t−1) − h̃)."
    )
    return [
        (
            "the direct path is missing: h_t = z ⊙ h_(t−1) + (1 − z) ⊙ h̃ uses h_(t−1) itself, "
            "so δh_(t−1) gets z ⊙ δh_t besides the terms through the gates and the candidate.",
            wrong(direct=False),
        ),
        (swapped, wrong(swap="all")),
        (swapped, wrong(swap="paths")),
        (
            "these are the gradients of the reset applied before the product (Cho et al., "
            "h̃ = tanh(W_xh x + b_xh + W_hh (r ⊙ h_(t−1)) + b_hh)); the exercise asks for "
            "torch's form, h̃ = tanh(W_xh x + b_xh + r ⊙ (W_hh h_(t−1) + b_hh)), whose "
            "δr = δa ⊙ (W_hh h_(t−1) + b_hh) and whose W_hh rows see h_(t−1), not r ⊙ h_(t−1).",
            _gru_package_grads(dhs, xs, h0, params, reset_after=False),
        ),
        (
            "the path through the reset gate is missing: h̃ depends on r, so "
            "δr = δa_h̃ ⊙ (W_hh h_(t−1) + b_hh), and δr ⊙ r ⊙ (1 − r) reaches the r rows of "
            "W_x, W_h, b_x, b_h, the input and h_(t−1).",
            wrong(through_r=False),
        ),
        (
            "σ' is computed from the pre-activation a as a(1 − a): the derivative of σ at a "
            "is σ(a)(1 − σ(a)), that is r ⊙ (1 − r) and z ⊙ (1 − z) from the gates' values.",
            wrong(sigma_on_pre=True),
        ),
        (
            "δh_(t−1) is not carried back: the gradient reaching h_t is the sum of dhs[t] "
            "and the δh_t that step t + 1 sends back; loop over t from T − 1 down to 0.",
            wrong(carry=False),
        ),
        (
            "tanh' is written 1 − h̃: the derivative of tanh is 1 − tanh², so δa = δh̃ ⊙ (1 − h̃²).",
            wrong(tanh_prime=False),
        ),
    ]


def _unpack_gru_grads(ex: str, got: Any, expected: dict[str, np.ndarray]) -> tuple:
    """The reader's (dxs, dh0, grads) flattened to six arrays, after checking its form."""
    if not isinstance(got, tuple | list) or len(got) != 3:
        kind = f"{len(got)} values" if isinstance(got, tuple | list) else type(got).__name__
        fail(ex, f"return the triple (dxs, dh0, grads) with grads a dict; got {kind}.")
    dxs, dh0, grads = got
    if not isinstance(grads, dict) or set(grads) != set(_GRU_KEYS):
        keys = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
        fail(ex, f"grads should be a dict with the keys {list(_GRU_KEYS)}; got {keys}.")
    flat = (dxs, dh0, *(grads[key] for key in _GRU_KEYS))
    for name, value in zip(_GRAD_NAMES, flat, strict=True):
        expect_shape(
            ex,
            name if name in ("dxs", "dh0") else f"grads['{name[1:]}']",
            value,
            expected[name].shape,
        )
    return flat


def check_gru_backward(gru_backward: Callable[..., tuple]) -> None:
    """Check exercise 7.6: ``gru_backward(dhs, xs, h0, W_x, W_h, b_x, b_h)``.

    Returns ``(dxs, dh0, grads)``: dxs (T, N, D), dh0 (N, H) and grads, a dict of W_x
    (3H, D), W_h (3H, H), b_x and b_h (3H,), for the loss whose gradient with respect to
    every h_t is dhs[t] (T, N, H), for the GRU in the book's form (reset after the product,
    h_t = z ⊙ h_(t−1) + (1 − z) ⊙ h̃). Compared in float64 with
    :func:`rnnbook.scratch.gru_backward`; the inputs must stay unchanged.
    """
    ex = "7.6"
    rng = np.random.default_rng(2076)
    for T, N, D, H in [(4, 3, 2, 3), (6, 2, 3, 4)]:
        params = _random_gru_params(rng, D, H)
        xs, h0 = rng.normal(size=(T, N, D)), rng.uniform(-1.0, 1.0, size=(N, H))
        dhs = rng.normal(size=(T, N, H))
        inputs = {"dhs": dhs, "xs": xs, "h0": h0, **params}
        originals = {key: value.copy() for key, value in inputs.items()}
        got = call(ex, gru_backward, *inputs.values())
        for key, value in inputs.items():
            if not np.array_equal(value, originals[key]):
                fail(
                    ex,
                    f"gru_backward changed its input {key} in place (an in-place +=, "
                    "*= or slice assignment on it): work on new arrays, so that the caller's "
                    "data stay as they were.",
                )
        expected = _gru_package_grads(dhs, xs, h0, params)
        flat = _unpack_gru_grads(ex, got, expected)
        check_outputs(
            ex,
            flat,
            expected,
            _gru_backward_mistakes(dhs, xs, h0, params),
            f"(T={T}, N={N}, D={D}, H={H}; float64 expected)",
        )
    passed(
        ex,
        "dxs, dh0 and the four parameter gradients match rnnbook.scratch.gru_backward in "
        "float64 on 2 random sequences, and the inputs are unchanged.",
    )


def check_gru_gradient_check(gru_gradient_check: Callable[..., dict]) -> None:
    """Check exercise 7.6's gradient check: ``gru_gradient_check(backward) -> dict``.

    ``backward`` has gru_backward's signature; the answer returns the relative error between
    its gradients and numerical ones for each of xs, h0, W_x, W_h, b_x, b_h. The check feeds
    it the right backward pass (every error must be below 1e-6) and wrong ones: one that
    forgets the direct path (the errors of h0 and the parameters must exceed 1e-3) and one
    whose only wrong gradient is that of b_h (b_h's error above 1e-3, the others below 1e-6).
    """
    ex = "7.6 (gradient check)"

    def right(dhs, xs, h0, W_x, W_h, b_x, b_h):  # noqa: N803
        out = _gru_package_grads(dhs, xs, h0, {"W_x": W_x, "W_h": W_h, "b_x": b_x, "b_h": b_h})
        return out["dxs"], out["dh0"], {key: out[f"d{key}"] for key in _GRU_KEYS}

    def no_direct(dhs, xs, h0, W_x, W_h, b_x, b_h):  # noqa: N803
        params = {"W_x": W_x, "W_h": W_h, "b_x": b_x, "b_h": b_h}
        out = _gru_backward_variant(dhs, xs, h0, params, direct=False)
        return out["dxs"], out["dh0"], {key: out[f"d{key}"] for key in _GRU_KEYS}

    def bad_b_h(*args):
        dxs, dh0, grads = right(*args)
        return dxs, dh0, {**grads, "b_h": 0.5 * grads["b_h"]}

    def errors(backward: Callable[..., tuple], which: str) -> dict[str, float]:
        got = call(ex, gru_gradient_check, backward)
        if not isinstance(got, dict) or not set(_CHECKED_ARRAYS) <= set(got):
            keys = sorted(got) if isinstance(got, dict) else type(got).__name__
            fail(
                ex,
                f"return a dict of relative errors with the keys {list(_CHECKED_ARRAYS)}; "
                f"got {keys} (for {which}).",
            )
        values = {key: float(np.max(got[key])) for key in _CHECKED_ARRAYS}
        if not all(np.isfinite(v) and v >= 0 for v in values.values()):
            fail(ex, f"the relative errors should be finite and >= 0; got {values} ({which}).")
        return values

    good = errors(right, "the right backward pass")
    if max(good.values()) >= 1e-6:
        worst = max(good, key=good.get)
        fail(
            ex,
            f"your check rejects a correct backward pass: {worst} has relative error "
            f"{good[worst]:.3e}. Use float64, a step of about 1e-5 and centred differences "
            "(f(a + h) − f(a − h)) / 2h, and the same loss for both, Σ_t Σ hs[t] ⊙ dhs[t].",
        )
    missing = errors(no_direct, "a backward pass without the direct path")
    if max(missing[key] for key in ("h0", "W_h")) <= 1e-3:
        fail(
            ex,
            "your check passes a backward pass that forgets the direct path z ⊙ δh to "
            f"h_(t−1) (errors {missing}): check h0 too, and use T > 1 so that the "
            "parameters' gradients depend on what flows back through time.",
        )
    bias = errors(bad_b_h, "a backward pass with a wrong b_h gradient")
    if bias["b_h"] <= 1e-3:
        fail(
            ex,
            f"your check misses a wrong gradient of b_h (errors {bias}): check every "
            "array, the biases included, entry by entry.",
        )
    passed(
        ex,
        f"your check passes the right backward pass (worst error {max(good.values()):.1e}) "
        "and catches a missing direct path and a wrong b_h gradient.",
    )


# --------------------------------------------------------------------------- exercise 7.7


def _lstm_count(D: int, H: int, biases: int = 2) -> int:
    """torch.nn.LSTM's parameters: 4H(D + H) weights and ``biases`` bias vectors of 4H."""
    return 4 * H * (D + H) + biases * 4 * H


def _largest_gru(budget: int, D: int) -> int:
    """The largest H' with 3H'(D + H') + 6H' <= budget."""
    hidden = 0
    while _count(D, hidden + 1) <= budget:
        hidden += 1
    return hidden


def check_equal_budget(lstm_count: Any, gru_hidden: Any, D: int = 32, H: int = 128) -> None:
    """Check exercise 7.7: a torch LSTM layer (D = 32, H = 128) and the widest GRU layer with
    no more parameters.

    ``lstm_count``: 4H(D + H) + 8H. ``gru_hidden``: the largest H' with
    3H'(D + H') + 6H' <= lstm_count. Both ints (or integral floats).
    """
    import torch

    ex = "7.7"
    expected = _lstm_count(D, H)
    if expected != sum(p.numel() for p in torch.nn.LSTM(D, H).parameters()):
        raise RuntimeError("ch07: the reference LSTM count disagrees with torch")
    for name, value in (("lstm_count", lstm_count), ("gru_hidden", gru_hidden)):
        if isinstance(value, bool) or not isinstance(value, Integral | float | np.floating):
            fail(ex, f"{name} should be a number, got {type(value).__name__}.")
        if float(value) != round(float(value)):
            fail(ex, f"{name} should be a whole number, got {value!r}.")
    lstm_count, gru_hidden = round(float(lstm_count)), round(float(gru_hidden))
    if lstm_count != expected:
        known = {
            _lstm_count(D, H, biases=1): "one bias vector is counted; torch's LSTM keeps two, "
            "bias_ih and bias_hh, 4H each: 4H(D + H) + 8H.",
            _lstm_count(D, H, biases=0): "the biases are left out: torch's LSTM has bias_ih and "
            "bias_hh, 4H each.",
            4 * H * (D + H) + 2 * 4 * D: "the biases have 4H entries each, not 4D.",
            _count(D, H): "that is the GRU's count for H = 128 (three blocks); the LSTM has "
            "four, i, f, g, o: 4H(D + H) + 8H.",
        }
        fail(
            ex,
            known.get(
                lstm_count,
                f"lstm_count is {lstm_count}, expected {expected} = "
                "4H(D + H) + 8H for D = 32, H = 128.",
            ),
        )
    best = _largest_gru(expected, D)
    if gru_hidden != best:
        if gru_hidden == round(4 * H / 3):
            fail(
                ex,
                f"scaling H by 4/3 keeps the number of gate rows, not of parameters: a GRU with "
                f"H' = {gru_hidden} has {_count(D, gru_hidden):,} parameters, more than the "
                f"LSTM's {expected:,}, because the recurrent weights grow like H'². Solve "
                "3H'(D + H') + 6H' <= budget for H'.",
            )
        if gru_hidden > best:
            fail(
                ex,
                f"a GRU with H' = {gru_hidden} has {_count(D, gru_hidden):,} parameters, "
                f"more than the LSTM's {expected:,}: take the largest H' that stays within "
                "the budget (round down).",
            )
        fail(
            ex,
            f"a GRU with H' = {gru_hidden + 1} still fits: it has "
            f"{_count(D, gru_hidden + 1):,} parameters, within the LSTM's {expected:,}. Solve "
            "3H'² + (3D + 6)H' − budget = 0 and round the positive root down.",
        )
    passed(
        ex,
        f"an LSTM with H = {H} has {expected:,} parameters; a GRU fits H' = {best} "
        f"({_count(D, best):,}) into the same budget, {best - H} units more.",
    )


# --------------------------------------------------------------------------- exercise 7.8

_EXPERIMENT = {"D": 4, "H": 16, "T": 50}
_BIASES = (0.0, 2.0, 4.0)
# ‖∂(Σ h_T)/∂h_0‖ at initialisation, over 60 seeds while writing: log10 in [-11.4, -8.1] for
# b = 0, [-2.1, -1.3] for b = 2 and [0.14, 0.26] for b = 4; accepted with a margin.
_MEASURED_RANGE = {0.0: (1e-14, 1e-6), 2.0: (1e-3, 0.15), 4.0: (0.8, 3.0)}


def _gradient_reaching_start(b_z: float, run_seed: int) -> float:
    """‖∂(Σ_i h_T,i)/∂h_0‖ of a fresh torch.nn.GRU(4, 16) in float64, update bias b_z, T = 50."""
    import torch

    D, H, T = _EXPERIMENT["D"], _EXPERIMENT["H"], _EXPERIMENT["T"]
    torch.manual_seed(run_seed)
    gru = torch.nn.GRU(D, H, dtype=torch.float64)
    with torch.no_grad():
        gru.bias_ih_l0[H : 2 * H] = b_z
        gru.bias_hh_l0[H : 2 * H] = 0.0
    x = torch.randn(T, 1, D, dtype=torch.float64)
    h0 = torch.zeros(1, 1, H, dtype=torch.float64, requires_grad=True)
    _, h_T = gru(x, h0)
    h_T.sum().backward()
    return float(h0.grad.norm())


def check_update_gate_experiment(
    gradient_reaching_start: Callable[[float, int], float],
    predicted: dict,
    measured: dict,
) -> None:
    """Check exercise 7.8: the gradient reaching h_0 over T = 50 steps against the update
    gate's bias.

    ``gradient_reaching_start(b_z, seed)`` follows the protocol of the exercise and is
    compared with the checker's own run for two seeds. ``predicted[b]`` is the direct
    path's share, √H σ(b)^T; ``measured[b]`` lists at least three runs for b in 0, 2, 4,
    each within the range the protocol gives over many seeds.
    """
    ex = "7.8"
    D, H, T = _EXPERIMENT["D"], _EXPERIMENT["H"], _EXPERIMENT["T"]
    for run_seed in (11, 12):
        for b_z in _BIASES:
            got = call(ex, gradient_reaching_start, b_z, run_seed)
            expected = _gradient_reaching_start(b_z, run_seed)
            if not isinstance(got, float | int | np.floating) or not np.isfinite(got):
                fail(
                    ex,
                    f"gradient_reaching_start({b_z:g}, {run_seed}) should return a "
                    f"finite number, got {got!r}.",
                )
            if not np.isclose(got, expected, rtol=1e-6, atol=0.0):
                fail(
                    ex,
                    f"gradient_reaching_start({b_z:g}, {run_seed}) returned {got:.6e}, the "
                    f"protocol gives {expected:.6e}: seed with torch.manual_seed(seed) before "
                    f"creating torch.nn.GRU({D}, {H}, dtype=torch.float64), set "
                    "bias_ih_l0[H:2H] = b_z and bias_hh_l0[H:2H] = 0, draw "
                    f"x = torch.randn({T}, 1, {D}, dtype=torch.float64), start from zeros "
                    "with requires_grad=True and return the norm of h0.grad after "
                    "h_T.sum().backward().",
                )
    for name, table in (("predicted", predicted), ("measured", measured)):
        if not isinstance(table, dict) or {float(k) for k in table} != set(_BIASES):
            keys = sorted(table) if isinstance(table, dict) else type(table).__name__
            fail(ex, f"{name} should be a dict with the keys 0, 2, 4; got {keys}.")
    for b_z in _BIASES:
        value = {float(k): v for k, v in predicted.items()}[b_z]
        z = 1.0 / (1.0 + np.exp(-b_z))
        right = np.sqrt(H) * z**T
        if not isinstance(value, float | int | np.floating) or not np.isclose(
            value, right, rtol=1e-6
        ):
            hint = ""
            if np.isclose(value, z**T, rtol=1e-6):
                hint = (
                    " That is σ(b)^T, one entry's share: the loss sums H entries of h_T, "
                    "so the gradient of h_0 is σ(b)^T in every entry, of norm √H σ(b)^T."
                )
            fail(ex, f"predicted[{b_z:g}] is {value!r}, expected √H σ(b)^T = {right:.6e}.{hint}")
    for b_z in _BIASES:
        runs = {float(k): v for k, v in measured.items()}[b_z]
        values = np.asarray(runs, dtype=float).ravel()
        if values.size < 3:
            fail(
                ex,
                f"measured[{b_z:g}] should hold at least 3 runs (one per seed), got {values.size}.",
            )
        if np.unique(values).size == 1:
            fail(
                ex,
                f"measured[{b_z:g}] holds the same value {values.size} times: give each run "
                "its own seed (seeds(3)).",
            )
        low, high = _MEASURED_RANGE[b_z]
        outside = values[(values < low) | (values > high)]
        if outside.size:
            fail(
                ex,
                f"measured[{b_z:g}] holds {outside[0]:.3e}, outside the range "
                f"[{low:.0e}, {high:.0e}] that the protocol gives over many seeds: check that "
                "the runs follow gradient_reaching_start.",
            )
    passed(
        ex,
        "your runs follow the protocol and lie where the protocol puts them; the direct path "
        "√H σ(b)^T predicts the gradient once b is large, and underestimates it at b = 0.",
    )
