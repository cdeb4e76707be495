"""Checkers for chapter 02, *The recurrent neural network*.

Each checker runs the reader's answer on cases built to expose one plausible mistake at a
time and names that mistake when it sees it:

========  ==============================  =============================================
exercise  checker                         mistakes it recognises
========  ==============================  =============================================
2.1       :func:`check_rnn_step_forward`  transposed W_xh, W_hh or both, W_xh and W_hh
                                          swapped, missing bias, bias added after the
                                          tanh, sigmoid/ReLU/no activation instead of
                                          tanh, returning a tuple
2.2       :func:`check_rnn_forward`       h not carried forward, h_0..h_{T-1} returned
                                          instead of h_1..h_T, h_0 included, batch-first
                                          (N, T, H) output, only the last state returned
2.3       :func:`check_activation_grads`  sign errors, σ(1 + σ), 1 − tanh without the
                                          square, ReLU' on the wrong side, wrong leaky
                                          slope, ELU' without α or written as α(e^z − 1)
2.4       :func:`check_rnn_shapes`        weights written (in, out), batch-first
                                          sequences, logits of width H instead of V
2.5       :func:`check_parameter_counts`  missing biases, W_hh counted as H·D, the
                                          shared count multiplied by T, the unrolled
                                          count not multiplied by T, output layer left out
2.6       :func:`check_concat_weights`    blocks in the order [W_xh, W_hh], blocks
                                          stacked vertically, transposed result
========  ==============================  =============================================

The references are the package's own implementations in :mod:`rnnbook.scratch`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from rnnbook.checks._feedback import call, expect_close, expect_shape, fail, matches, passed

__all__ = [
    "check_activation_grads",
    "check_concat_weights",
    "check_parameter_counts",
    "check_rnn_forward",
    "check_rnn_shapes",
    "check_rnn_step_forward",
]


def _random_rnn(
    rng: np.random.Generator, N: int, D: int, H: int
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """A random input x (N, D), state h_prev (N, H) and RNN parameters (W_xh, W_hh, b_h)."""
    x = rng.normal(size=(N, D))
    h_prev = rng.uniform(-1.0, 1.0, size=(N, H))
    params = {
        "W_xh": rng.normal(scale=0.7, size=(H, D)),
        "W_hh": rng.normal(scale=0.7, size=(H, H)),
        "b_h": rng.normal(scale=0.5, size=(H,)),
    }
    return x, h_prev, params


# --------------------------------------------------------------------------- exercise 2.1


def _step_mistakes(
    x: np.ndarray, h_prev: np.ndarray, p: Mapping[str, np.ndarray]
) -> list[tuple[str, np.ndarray | None]]:
    """Outputs of plausible wrong implementations of one step, each with its diagnosis."""
    from rnnbook.scratch.activations import relu, sigmoid

    W_xh, W_hh, b_h = p["W_xh"], p["W_hh"], p["b_h"]
    a = h_prev @ W_hh.T + x @ W_xh.T + b_h
    square = W_xh.shape[0] == W_xh.shape[1]
    mistakes: list[tuple[str, np.ndarray | None]] = [
        ("the bias b_h is missing: add it inside the tanh.", np.tanh(a - b_h)),
        (
            "the bias b_h is added after the tanh; it belongs inside: "
            "tanh(W_hh h_prev + W_xh x + b_h).",
            np.tanh(a - b_h) + b_h,
        ),
        ("you used the sigmoid; the vanilla RNN squashes with tanh.", sigmoid(a)),
        ("you used ReLU; the vanilla RNN squashes with tanh.", relu(a)),
        ("no activation: apply tanh to W_hh h_prev + W_xh x + b_h.", a),
        (
            "W_hh is transposed: weights are stored (out, in), so with row vectors the "
            "recurrent term is h_prev @ W_hh.T.",
            np.tanh(h_prev @ W_hh + x @ W_xh.T + b_h),
        ),
        (
            "W_xh is transposed: weights are stored (out, in) = (H, D), so with row vectors "
            "the input term is x @ W_xh.T.",
            np.tanh(h_prev @ W_hh.T + x @ W_xh + b_h) if square else None,
        ),
        (
            "both weights are transposed: they are stored (out, in), so with row vectors "
            "the terms are h_prev @ W_hh.T and x @ W_xh.T.",
            np.tanh(h_prev @ W_hh + x @ W_xh + b_h) if square else None,
        ),
        (
            "W_hh and W_xh are swapped: W_hh multiplies the previous state h_prev, W_xh "
            "multiplies the input x.",
            np.tanh(x @ W_hh.T + h_prev @ W_xh.T + b_h) if square else None,
        ),
    ]
    return mistakes


def check_rnn_step_forward(rnn_step_forward: Callable[..., Any]) -> None:
    """Check exercise 2.1: ``rnn_step_forward(x, h_prev, params) -> h``.

    x (N, D), h_prev (N, H), params with W_xh (H, D), W_hh (H, H), b_h (H,); h (N, H) is
    tanh(h_prev W_hhᵀ + x W_xhᵀ + b_h). Compared with :func:`rnnbook.scratch.rnn_step_forward`.
    """
    from rnnbook.scratch import rnn_step_forward as reference

    ex = "2.1"
    rng = np.random.default_rng(2021)
    # Square case first (D = H): transposed or swapped weights still have valid shapes there,
    # so the mistake shows up as a wrong value that we can name.
    for N, D, H in [(3, 4, 4), (2, 5, 3), (1, 1, 6)]:
        x, h_prev, params = _random_rnn(rng, N, D, H)
        try:
            got = call(ex, rnn_step_forward, x.copy(), h_prev.copy(), dict(params))
        except (ValueError, IndexError) as error:
            fail(
                ex,
                f"your function raised {type(error).__name__} ({error}) for x of shape "
                f"{x.shape}, h_prev {h_prev.shape}, W_xh {params['W_xh'].shape}, W_hh "
                f"{params['W_hh'].shape}. Weights are stored (out, in): use x @ W_xh.T and "
                "h_prev @ W_hh.T.",
            )
        if isinstance(got, tuple):
            fail(ex, "return only the new hidden state h (an array), not a tuple.")
        expected, _ = reference(x, h_prev, params)
        got = np.asarray(got)
        if np.shape(got) == expected.shape and np.allclose(got, expected, rtol=1e-6, atol=1e-8):
            continue
        for message, candidate in _step_mistakes(x, h_prev, params):
            if matches(got, candidate):
                fail(ex, message)
        expect_close(ex, f"h for N={N}, D={D}, H={H}", got, expected)
    passed(ex, "rnn_step_forward matches rnnbook.scratch.rnn_step_forward on 3 random cases.")


# --------------------------------------------------------------------------- exercise 2.2


def check_rnn_forward(rnn_forward: Callable[..., Any]) -> None:
    """Check exercise 2.2: ``rnn_forward(xs, h0, params) -> hs``.

    xs (T, N, D), h0 (N, H); hs (T, N, H) holds h_1 … h_T, hs[t] being the state after
    reading xs[t]. Compared with :func:`rnnbook.scratch.rnn_forward`.
    """
    from rnnbook.scratch import rnn_forward as reference
    from rnnbook.scratch import rnn_step_forward as step

    ex = "2.2"
    rng = np.random.default_rng(2022)
    for T, N, D, H in [(5, 2, 3, 4), (7, 3, 2, 5)]:
        x, h0, params = _random_rnn(rng, N, D, H)
        xs = rng.normal(size=(T, N, D))
        got = call(ex, rnn_forward, xs.copy(), h0.copy(), dict(params))
        if isinstance(got, tuple):
            fail(ex, "return only the stacked hidden states hs (an array), not a tuple.")
        got = np.asarray(got)
        expected, _ = reference(xs, h0, params)
        if got.shape == (N, T, H) and got.shape != (T, N, H):
            fail(
                ex,
                f"hs has shape {got.shape}, which is batch-first (N, T, H); sequences are "
                f"time-major in this book: stack the states along axis 0 to get {(T, N, H)}.",
            )
        if got.shape == (N, H):
            fail(
                ex,
                f"hs has shape {got.shape}: you returned one state; return all T states "
                f"stacked into {(T, N, H)}.",
            )
        if got.shape == (T + 1, N, H):
            fail(
                ex,
                f"hs has shape {got.shape}: it includes the initial state h_0; return only "
                f"h_1 … h_T, shape {(T, N, H)}.",
            )
        expect_shape(ex, "hs", got, (T, N, H))
        if np.allclose(got, expected, rtol=1e-6, atol=1e-8):
            continue
        stale = np.stack([step(xs[t], h0, params)[0] for t in range(T)])
        if matches(got, stale):
            fail(
                ex,
                "every step starts from h0: the state is not carried forward. Feed each step "
                "the state the previous step produced (h = step(xs[t], h, params)).",
            )
        shifted = np.concatenate([h0[None], expected[:-1]])
        if matches(got, shifted):
            fail(
                ex,
                "off by one in time: you returned h_0 … h_{T-1}. Store the state after each "
                "step, so that hs[t] is the state that has read xs[t].",
            )
        expect_close(ex, f"hs for T={T}, N={N}", got, expected)
    passed(ex, "rnn_forward matches rnnbook.scratch.rnn_forward on 2 random sequences.")


# --------------------------------------------------------------------------- exercise 2.3


def check_activation_grads(
    sigmoid_grad: Callable[[np.ndarray], np.ndarray],
    tanh_grad: Callable[[np.ndarray], np.ndarray],
    relu_grad: Callable[[np.ndarray], np.ndarray],
    leaky_relu_grad: Callable[[np.ndarray], np.ndarray],
    elu_grad: Callable[[np.ndarray], np.ndarray],
) -> None:
    """Check exercise 2.3: the derivatives of five activations, as functions of z.

    Each takes the pre-activation z (any shape) and returns f'(z) of the same shape. The
    leaky ReLU uses the lecture's slope 0.1, max(0.1 z, z); the ELU uses α = 1.
    Points are away from the kink z = 0, where conventions differ.
    """
    from rnnbook.scratch import activations as act

    ex = "2.3"
    z = np.concatenate([np.linspace(-4.0, -0.05, 9), np.linspace(0.05, 4.0, 9)]).reshape(3, 6)
    s, t = act.sigmoid(z), np.tanh(z)
    positive = (z > 0).astype(float)
    cases: list[tuple[str, Callable[[np.ndarray], np.ndarray], np.ndarray, list]] = [
        (
            "sigmoid_grad",
            sigmoid_grad,
            act.sigmoid_grad(z),
            [
                (-s * (1 - s), "has the wrong sign: σ'(z) = σ(z)(1 − σ(z)) is positive."),
                (s * (1 + s), "is σ(1 + σ); the derivative is σ(z)(1 − σ(z))."),
                (s, "returns σ(z) itself; the derivative is σ(z)(1 − σ(z))."),
                (1 - s, "returns 1 − σ(z); multiply by σ(z): σ'(z) = σ(z)(1 − σ(z))."),
            ],
        ),
        (
            "tanh_grad",
            tanh_grad,
            act.tanh_grad(z),
            [
                (1 - t, "forgot the square: tanh'(z) = 1 − tanh²(z)."),
                (t**2 - 1, "has the wrong sign: tanh'(z) = 1 − tanh²(z) is positive."),
                (1 + t**2, "uses a plus: tanh'(z) = 1 − tanh²(z)."),
                (1 - z**2, "squares z instead of tanh(z): tanh'(z) = 1 − tanh²(z)."),
            ],
        ),
        (
            "relu_grad",
            relu_grad,
            act.relu_grad(z),
            [
                (1 - positive, "is 1 on the wrong side: ReLU'(z) is 1 for z > 0, 0 for z < 0."),
                (np.maximum(z, 0), "returns ReLU(z) itself; the derivative is 0 or 1."),
            ],
        ),
        (
            "leaky_relu_grad",
            leaky_relu_grad,
            act.leaky_relu_grad(z, slope=0.1),
            [
                (
                    act.leaky_relu_grad(z, slope=0.01),
                    "uses slope 0.01; the lecture's leaky ReLU is max(0.1 z, z), slope 0.1.",
                ),
                (
                    np.where(z > 0, 0.1, 1.0),
                    "is on the wrong side: the slope is 1 for z > 0 and 0.1 for z < 0.",
                ),
                (
                    act.leaky_relu_grad(z, slope=0.0),
                    "is the plain ReLU derivative; for z < 0 the slope is 0.1, not 0.",
                ),
                (
                    np.where(z > 0, 1.0, 10.0),
                    "uses slope 10 for z < 0; the lecture's leaky ReLU has slope 0.1.",
                ),
            ],
        ),
        (
            "elu_grad",
            elu_grad,
            act.elu_grad(z, alpha=1.0),
            [
                (
                    np.where(z > 0, 1.0, np.expm1(np.minimum(z, 0))),
                    "returns α(e^z − 1), the ELU itself, for z < 0; its derivative is α e^z.",
                ),
                (
                    np.where(z > 0, 1.0, -np.exp(np.minimum(z, 0))),
                    "has the wrong sign for z < 0: ELU'(z) = α e^z > 0.",
                ),
                (
                    np.where(z > 0, 0.0, np.exp(np.minimum(z, 0))),
                    "is 0 for z > 0; there ELU(z) = z, so the derivative is 1.",
                ),
            ],
        ),
    ]
    for name, fn, expected, mistakes in cases:
        got = call(ex, fn, z.copy())
        expect_shape(ex, f"{name}(z)", np.asarray(got), z.shape)
        got = np.asarray(got, dtype=float)
        if np.allclose(got, expected, rtol=1e-6, atol=1e-9):
            continue
        for candidate, message in mistakes:
            if matches(got, candidate):
                fail(ex, f"{name} {message}")
        expect_close(ex, f"{name}(z)", got, expected)
    passed(ex, "all five derivatives match rnnbook.scratch.activations.")


# --------------------------------------------------------------------------- exercise 2.4

_SHAPE_KEYS = ("xs", "h0", "W_xh", "W_hh", "b_h", "hs", "W_hy", "b_y", "logits")


def _true_shapes(T: int, N: int, D: int, H: int, V: int) -> dict[str, tuple[int, ...]]:
    """The shapes, read off arrays that the package really builds and computes."""
    from rnnbook.scratch import init_rnn_params, rnn_forward

    params = init_rnn_params(D, H, rng=0, output_size=V)
    xs = np.zeros((T, N, D))
    h0 = np.zeros((N, H))
    hs, _ = rnn_forward(xs, h0, params)
    logits = hs @ params["W_hy"].T + params["b_y"]
    arrays = {"xs": xs, "h0": h0, "hs": hs, "logits": logits}
    arrays.update({k: params[k] for k in ("W_xh", "W_hh", "b_h", "W_hy", "b_y")})
    return {k: tuple(arrays[k].shape) for k in _SHAPE_KEYS}


def check_rnn_shapes(rnn_shapes: Callable[..., Mapping[str, tuple[int, ...]]]) -> None:
    """Check exercise 2.4: ``rnn_shapes(T, N, D, H, V) -> dict`` of predicted shapes.

    The dict maps each of xs, h0, W_xh, W_hh, b_h, hs, W_hy, b_y, logits to a shape tuple.
    The truth is read from arrays built by :func:`rnnbook.scratch.init_rnn_params` and
    :func:`rnnbook.scratch.rnn_forward`.
    """
    ex = "2.4"
    # All five sizes differ, so every mix-up gives a different tuple.
    for T, N, D, H, V in [(7, 2, 5, 3, 11), (4, 6, 9, 8, 2)]:
        got = call(ex, rnn_shapes, T, N, D, H, V)
        if not isinstance(got, Mapping):
            fail(ex, f"return a dict of shapes, got {type(got).__name__}.")
        missing = [k for k in _SHAPE_KEYS if k not in got]
        if missing:
            fail(ex, f"the dict lacks {missing}; expected keys {list(_SHAPE_KEYS)}.")
        truth = _true_shapes(T, N, D, H, V)
        sizes = f"(T={T}, N={N}, D={D}, H={H}, V={V})"
        for key in _SHAPE_KEYS:
            try:
                shape = tuple(int(s) for s in got[key])
            except TypeError:
                fail(ex, f"{key}: give the shape as a tuple of ints, got {got[key]!r}.")
            want = truth[key]
            if shape == want:
                continue
            hint = ""
            if len(want) == 2 and shape == want[::-1] and key.startswith("W"):
                hint = " Weights are stored (out_features, in_features)."
            elif len(want) == 3 and shape == (want[1], want[0], want[2]):
                hint = " Sequences are time-major: (T, N, ·), not batch-first."
            elif key == "logits" and shape == truth["hs"]:
                hint = " The output layer maps each H-vector to V scores, one per token."
            elif key == "b_h" and shape == (N, H):
                hint = " A bias is one vector per layer, shared by the batch."
            fail(ex, f"{key} {sizes} has shape {want}, you predicted {shape}.{hint}")
    passed(ex, "all nine shapes are right.")


# --------------------------------------------------------------------------- exercise 2.5


def _rnn_count(D: int, H: int, V: int) -> int:
    """Parameters of the shared RNN, counted from the arrays init_rnn_params creates."""
    from rnnbook.scratch import init_rnn_params

    params = init_rnn_params(D, H, rng=0, output_size=V)
    return int(sum(np.asarray(p).size for p in params.values()))


def check_parameter_counts(count_parameters: Callable[..., tuple[int, int]]) -> None:
    """Check exercise 2.5: ``count_parameters(D, H, V, T) -> (shared, unrolled)``.

    ``shared`` counts the RNN's W_xh, W_hh, b_h, W_hy, b_y; ``unrolled`` counts a
    feed-forward network unrolled over T positions with its own copy of all five arrays at
    every position.
    """
    ex = "2.5"
    for D, H, V, T in [(4, 3, 4, 5), (27, 64, 27, 50), (10, 7, 13, 500)]:
        got = call(ex, count_parameters, D, H, V, T)
        if not (isinstance(got, tuple) and len(got) == 2):
            fail(ex, f"return a pair (shared, unrolled), got {got!r}.")
        shared, unrolled = (int(v) for v in got)
        truth = _rnn_count(D, H, V)
        where = f"(D={D}, H={H}, V={V}, T={T})"
        shared_mistakes = {
            truth - H - V: "the biases b_h and b_y are missing.",
            truth - H: "the hidden bias b_h is missing.",
            truth - V: "the output bias b_y is missing.",
            truth - H * H + H * D: "W_hh maps the state to the state: it is H×H, not H×D.",
            truth - V * H - V: "the output layer W_hy, b_y is missing.",
            truth * T: "the RNN shares its parameters: its count does not grow with T.",
        }
        if shared != truth:
            fail(
                ex,
                f"shared {where} should be {truth}, got {shared}: "
                + shared_mistakes.get(shared, "count every entry of W_xh, W_hh, b_h, W_hy, b_y."),
            )
        if unrolled != truth * T:
            if unrolled == truth:
                hint = "each of the T positions has its own copy, so multiply by T."
            elif unrolled == truth * (T - 1):
                hint = "there are T positions, not T − 1."
            else:
                hint = "T positions, each with its own W_xh, W_hh, b_h, W_hy, b_y."
            fail(ex, f"unrolled {where} should be {truth * T}, got {unrolled}: {hint}")
    passed(ex, "both counts are right for three network sizes.")


# --------------------------------------------------------------------------- exercise 2.6


def check_concat_weights(concat_weights: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> None:
    """Check exercise 2.6: ``concat_weights(W_hh, W_xh) -> W`` of shape (H, H + D).

    W·[h_{t−1}; x_t] must equal W_hh h_{t−1} + W_xh x_t, the state coming first as in the
    lecture's W·[h_{t−1}, x_t].
    """
    ex = "2.6"
    rng = np.random.default_rng(2026)
    for D, H in [(3, 3), (5, 2)]:
        W_hh, W_xh = rng.normal(size=(H, H)), rng.normal(size=(H, D))
        try:
            got = np.asarray(call(ex, concat_weights, W_hh.copy(), W_xh.copy()))
        except ValueError as error:
            fail(
                ex,
                f"your function raised ValueError ({error}) for W_hh {W_hh.shape} and "
                f"W_xh {W_xh.shape}. Both have H rows: join them side by side, along axis 1.",
            )
        want = np.concatenate([W_hh, W_xh], axis=1)
        if got.shape == want.shape and np.allclose(got, want):
            h, x = rng.normal(size=H), rng.normal(size=D)
            expect_close(ex, "W @ [h; x]", got @ np.concatenate([h, x]), W_hh @ h + W_xh @ x)
            continue
        if matches(got, np.concatenate([W_xh, W_hh], axis=1)):
            fail(
                ex,
                "the blocks are in the order [W_xh, W_hh]; the state comes first: "
                "W = [W_hh, W_xh] multiplies [h_{t-1}; x_t].",
            )
        if matches(got, want.T):
            fail(
                ex,
                "W is transposed: it maps the (H + D)-vector [h; x] to H numbers, "
                f"so its shape is {(H, H + D)}.",
            )
        if D == H and matches(got, np.concatenate([W_hh, W_xh], axis=0)):
            fail(
                ex,
                f"W has shape {got.shape}: you stacked the blocks vertically (axis 0). "
                f"Put them side by side (axis 1) to get {(H, H + D)}.",
            )
        expect_close(ex, "W", got, want)
    passed(ex, "W·[h; x] equals W_hh h + W_xh x.")
