"""Checkers for chapter 07, *LSTM variants and the GRU*.

Each checker runs the reader's answer on cases built to expose one plausible mistake at a
time and names that mistake when it sees it:

========  ==================================  ===========================================
exercise  checker                             mistakes it recognises
========  ==================================  ===========================================
7.1       :func:`check_gru_step`              z and 1 − z swapped (the lecture's update
                                              h = (1 − z) h_prev + z n), the reset gate
                                              applied after W_h when reset_after=False
                                              was asked or before it when True was
                                              asked, the gates read in the order z, r,
                                              n, the reset gate not applied, tanh
                                              missing on the candidate, b_hn (the n
                                              block of b_h) missing, or outside the
                                              reset when reset_after=True, a shape
                                              error (ValueError) inside the function
7.2       :func:`check_flip_update_gate`      the r block (first third) or the n block
                                              (last third) negated instead of z's,
                                              every row negated, the weights negated
                                              but not the biases (or the biases but not
                                              the weights), the parameters returned
                                              unchanged, the inputs modified in place
7.3       :func:`check_peephole_step`         the output gate peeking at c_prev instead
                                              of c_t, the input and forget gates
                                              peeking at c_t, the peephole terms added
                                              after the sigmoid, the peepholes used as
                                              matrices (a shape error), the peepholes
                                              ignored (a plain LSTM), (c, h) returned
                                              instead of (h, c)
7.4       :func:`check_gru_parameter_count`   4 gates (an LSTM's count), one bias
                                              vector where torch has two, 2 gates, the
                                              biases left out, W_hh counted as 3H·D,
                                              not an int
========  ==================================  ===========================================

The references are the package's own :func:`rnnbook.scratch.gru_step_forward` (both reset
conventions) and :func:`~rnnbook.scratch.lstm_step_forward` with ``peephole=True``; the
parameter counts are confirmed against ``torch.nn.GRU`` and
:func:`~rnnbook.scratch.init_gru_params`. Rows are examples and weights are stored
(out, in). GRU gates are stacked in torch's order r, z, n: W_x (3H, D), W_h (3H, H),
b_x (3H,), b_h (3H,); with x_n = W_xn x + b_xn, the candidate is
n = tanh(x_n + r ⊙ (W_hn h_prev + b_hn)) (reset_after=True, torch) or
n = tanh(x_n + W_hn (r ⊙ h_prev) + b_hn) (reset_after=False, Cho et al.), and the update
h = (1 − z) ⊙ n + z ⊙ h_prev. LSTM gates are stacked i, f, g, o: W_x (4H, D),
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
    "check_flip_update_gate",
    "check_gru_parameter_count",
    "check_gru_step",
    "check_peephole_step",
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
            "h = z ⊙ n + (1 − z) ⊙ h_prev: this is the lecture's convention, "
            "h = (1 − z) h_prev + z n. The book and torch write h = (1 − z) ⊙ n + z ⊙ h_prev "
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
    a GRU written in the lecture's convention, h = (1 − z) ⊙ h_prev + z ⊙ n, becomes the
    same function in torch's, h = (1 − z') ⊙ n + z' ⊙ h_prev. The check: for random inputs
    :func:`rnnbook.scratch.gru_step_forward` with the flipped parameters equals the lecture's
    GRU with the original ones, for both values of reset_after; the inputs stay unchanged.
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
            expected = (1.0 - cache.z) * h_prev + cache.z * cache.n  # the lecture's update
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
                "(h = (1 − z) ⊙ n + z ⊙ h_prev) should compute the lecture's GRU of the "
                "original ones, h = (1 − z) ⊙ h_prev + z ⊙ n.",
            )
    passed(
        ex,
        "with the z block negated, rnnbook.scratch.gru_step_forward (torch's convention) "
        "computes the lecture's GRU, h = (1 − z) ⊙ h_prev + z ⊙ n, for both values of "
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
