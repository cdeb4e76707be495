"""Checkers for chapter 02, *The recurrent neural network*.

Each checker runs the reader's answer on cases built to expose one plausible mistake at a
time and names that mistake when it sees it:

========  ===================================  ========================================
exercise  checker                              mistakes it recognises
========  ===================================  ========================================
2.1       :func:`check_rnn_step_columns`       the row layout's (N, H) result, b_h
                                               added along the examples axis (a
                                               ValueError, or wrong values when N = H),
                                               the two products in different layouts,
                                               transposed or swapped weights, missing
                                               bias, bias after the tanh, sigmoid/ReLU/
                                               no activation, a tuple returned, inputs
                                               overwritten; float32 answers accepted
2.2       :func:`check_rnn_forward_batch_first`  the step's (h, cache) pair not
                                               unpacked, a loop over the examples
                                               (axis 0, ValueError or IndexError),
                                               time-major (T, N, H) output, h not
                                               carried forward, h_0..h_{T-1}, h_0
                                               included, only the last state, a single
                                               sequence squeezed to (T, H), a list of
                                               states, inputs overwritten; float32
                                               answers accepted
2.3       :func:`check_activation_grads`       sign errors, σ(1 + σ), z(1 − z) from the
                                               pre-activation, 1 − tanh without the
                                               square, ReLU' on the wrong side or 1 at
                                               z = 0, wrong leaky slope, ELU' without α
                                               or written as α(e^z − 1), scalar code
                                               (`if z > 0`, math.exp) run on arrays, z
                                               overwritten in place
2.4       :func:`check_rnn_shapes`             weights written (in, out), batch-first
                                               sequences, logits of width H instead of V
2.5       :func:`check_parameter_counts`       missing biases, W_hh counted as H·D, the
                                               shared count multiplied by T, the
                                               unrolled count not multiplied by T,
                                               output layer left out (a tuple or a list
                                               is a pair)
2.6       :func:`check_augmented`              blocks out of order, the bias column
                                               missing or first, W̃ transposed, b_h not
                                               made a column (ValueError), the constant
                                               1 missing, first or 0 in augment
2.7       :func:`check_hand_rnn`               (pen and paper) no tanh, no recurrence,
                                               the pre-activation carried instead of
                                               the state, swapped weights, the bias
                                               missing at one or both steps, sigmoid
2.8       :func:`check_learning_rate`          (experiment; the checker repeats the
                                               runs) lists swapped, the knob unchanged,
                                               counts off by one, too few seeds, no
                                               prediction
========  ===================================  ========================================

Exercises 2.1, 2.2 and 2.6 ask for a variant of what the chapter shows (the column
layout, the batch-first layout, the bias folded into the matrix), so that no answer can
be copied from the chapter. Earlier versions of these exercises had other checkers; a
notebook that still calls one gets a message saying how to fetch the new exercise.

The references are the package's own implementations in :mod:`rnnbook.scratch`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from rnnbook.checks._feedback import (
    Hint,
    Where,
    call,
    expect_close,
    expect_shape,
    fail,
    matches,
    passed,
    retired,
    tolerance,
)

__all__ = [
    "HAND_RNN",
    "LEARNING_RATES",
    "check_activation_grads",
    "check_augmented",
    "check_hand_rnn",
    "check_learning_rate",
    "check_parameter_counts",
    "check_rnn_forward_batch_first",
    "check_rnn_shapes",
    "check_rnn_step_columns",
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


def _unchanged(ex: str, name: str, given: Mapping[str, Any], original: Mapping[str, Any]) -> None:
    """Fail if the reader's function ``name`` wrote into one of its arguments."""
    for arg, value in given.items():
        if isinstance(value, Mapping):
            _unchanged(ex, name, value, original[arg])
        elif not np.array_equal(np.asarray(value), np.asarray(original[arg])):
            fail(
                ex,
                f"`{name}` changed its argument {arg} in place (an in-place operation such "
                "as +=, np.tanh(a, out=a) or z[z > 0] = 1 writes into the caller's array). "
                "Compute a new array and leave the inputs as they were.",
            )


def _as_array(ex: str, name: str, got: Any, wanted: str) -> np.ndarray:
    """``got`` as an array, or the checker's own message when it is not one."""
    if isinstance(got, list | tuple):
        fail(
            ex,
            f"{name} is a {type(got).__name__} of {len(got)} entries; return one numpy array "
            f"{wanted} (np.stack turns a list of arrays into one).",
        )
    try:
        return np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        fail(ex, f"{name} should be a numpy array {wanted}, got {type(got).__name__}.")
    raise AssertionError  # unreachable: fail raises


# --------------------------------------------------------------------------- exercise 2.1

_COLUMNS = (
    "In this layout every example is a column: X (D, N), H_prev (H, N), so the weights "
    "multiply from the left, W_xh @ X is (H, D)·(D, N) = (H, N), and the bias must be a "
    "column, b_h[:, None] of shape (H, 1), to be added to every example."
)
"""The reminder that follows an error inside the reader's column-layout step."""


def _bias_broadcast(error: BaseException, place: Where | None) -> str | None:
    """The hint for a sum whose terms do not broadcast: the 1-D bias, or the two products.

    numpy names the shapes it could not combine. A 1-D shape among them is the bias b_h,
    added to (H, N) terms; two 2-D shapes are the two products, computed in different
    layouts (one of them still the chapter's rows).
    """
    shapes = re.findall(r"\(([\d,\s]*)\)", str(error))
    dims = [tuple(int(k) for k in shape.split(",") if k.strip()) for shape in shapes]
    if any(len(d) == 1 for d in dims) and (place is None or "b_h" in place.text):
        return (
            "b_h has shape (H,), and numpy lines a 1-D array up with the *last* axis, which "
            "here counts the N examples. Make the bias a column, params['b_h'][:, None] "
            "(shape (H, 1)), so that it is added to every example."
        )
    if len(dims) >= 2 and all(len(d) == 2 for d in dims):
        listed = " and ".join(str(d) for d in dims)
        return (
            f"the terms of the sum have shapes {listed}: they are in different layouts. "
            "With examples as columns, both products are (H, N): W_hh @ H_prev and "
            "W_xh @ X, the weights on the left, nothing transposed."
        )
    return None


def _column_mistakes(
    X: np.ndarray, H_prev: np.ndarray, p: Mapping[str, np.ndarray]
) -> list[tuple[str, np.ndarray | None]]:
    """Outputs of plausible wrong column-layout steps, each with its diagnosis."""
    from rnnbook.scratch.activations import relu, sigmoid

    W_xh, W_hh, b_h = p["W_xh"], p["W_hh"], p["b_h"]
    a = W_hh @ H_prev + W_xh @ X + b_h[:, None]
    square_in = W_xh.shape[0] == W_xh.shape[1]
    square_batch = H_prev.shape[0] == H_prev.shape[1]
    return [
        (
            "you returned one row per example, (N, H): that is the chapter's layout. Here "
            "examples are columns, so return W_hh @ H_prev + W_xh @ X + b_h[:, None] through "
            "tanh, shape (H, N).",
            np.tanh(a).T,
        ),
        (
            "b_h is added along the wrong axis: a 1-D array of shape (H,) lines up with the "
            "last axis, the N examples, so entry k of the bias went to example k. Make it a "
            "column, b_h[:, None], so that unit i gets b_h[i] in every example.",
            np.tanh(a - b_h[:, None] + b_h[None, :]) if square_batch else None,
        ),
        ("the bias b_h is missing: add it inside the tanh.", np.tanh(a - b_h[:, None])),
        (
            "the bias b_h is added after the tanh; it belongs inside: "
            "tanh(W_hh H_prev + W_xh X + b_h).",
            np.tanh(a - b_h[:, None]) + b_h[:, None],
        ),
        ("you used the sigmoid; the vanilla RNN squashes with tanh.", sigmoid(a)),
        ("you used ReLU; the vanilla RNN squashes with tanh.", relu(a)),
        ("no activation: apply tanh to W_hh H_prev + W_xh X + b_h.", a),
        (
            "W_hh is transposed: it is stored (out, in), and with examples as columns it "
            "multiplies from the left as it is, W_hh @ H_prev.",
            np.tanh(W_hh.T @ H_prev + W_xh @ X + b_h[:, None]),
        ),
        (
            "W_xh is transposed: it is stored (out, in) = (H, D), and with examples as "
            "columns it multiplies from the left as it is, W_xh @ X.",
            np.tanh(W_hh @ H_prev + W_xh.T @ X + b_h[:, None]) if square_in else None,
        ),
        (
            "W_hh and W_xh are swapped: W_hh multiplies the previous states H_prev, W_xh "
            "the inputs X.",
            np.tanh(W_xh @ H_prev + W_hh @ X + b_h[:, None]) if square_in else None,
        ),
    ]


def check_rnn_step_columns(rnn_step_columns: Callable[..., Any]) -> None:
    """Check exercise 2.1: ``rnn_step_columns(X, H_prev, params) -> H_new``.

    The lecture's layout, one column per example: X (D, N), H_prev (H, N), params with
    W_xh (H, D), W_hh (H, H), b_h (H,); H_new (H, N) = tanh(W_hh H_prev + W_xh X + b_h),
    the bias added to every column. Compared with :func:`rnnbook.scratch.rnn_step_forward`
    run on the transposed (row) layout.
    """
    from rnnbook.scratch import rnn_step_forward as reference

    ex = "2.1"
    rng = np.random.default_rng(2021)
    hints = [
        Hint(ValueError, _bias_broadcast, message="broadcast"),
        Hint((ValueError, TypeError), _COLUMNS),
    ]
    # First N = D = H: a transposed, swapped or wrongly broadcast array still has a valid
    # shape there, so the mistake shows as a wrong value that can be named.
    for N, D, H in [(3, 3, 3), (2, 5, 3), (1, 1, 6)]:
        x, h_prev, params = _random_rnn(rng, N, D, H)
        X, H_prev = x.T.copy(), h_prev.T.copy()
        given = {"X": X.copy(), "H_prev": H_prev.copy(), "params": dict(params)}
        original = {"X": X, "H_prev": H_prev, "params": {k: v.copy() for k, v in params.items()}}
        got = call(ex, rnn_step_columns, *given.values(), hints=hints)
        _unchanged(ex, "rnn_step_columns", given, original)
        if isinstance(got, tuple):
            fail(ex, "return only the new states (an (H, N) array), not a tuple.")
        expected = reference(x, h_prev, params)[0].T
        rtol, atol = tolerance(got)  # a float32 answer is compared with float32's precision
        got = _as_array(ex, "the new states", got, f"of shape {(H, N)}")
        if matches(got, expected, rtol, atol):
            continue
        for message, candidate in _column_mistakes(X, H_prev, params):
            if matches(got, candidate, rtol, atol):
                fail(ex, message)
        expect_close(ex, f"the new states for N={N}, D={D}, H={H}", got, expected, rtol, atol)
    passed(
        ex,
        "rnn_step_columns matches rnnbook.scratch.rnn_step_forward, transposed, on 3 cases "
        "(to float64's precision, or float32's for a float32 answer).",
    )


# --------------------------------------------------------------------------- exercise 2.2


def _not_unpacked(error: BaseException, place: Where | None) -> str | None:
    """The hint for ``h = package_step(...)``: h becomes the pair (h, cache)."""
    if place is None:
        return None
    single = re.match(r"^\w+\s*=\s*\w*step\w*\(", place.text)
    if single or "tuple" in str(error) or "RNNStepCache" in str(error):
        return (
            "package_step returns a pair, (h, cache). Unpack it, h, _ = package_step(x, h, "
            "params); otherwise h is that pair, the next step receives it as h_prev, and "
            "the step fails inside the package."
        )
    return None


def check_rnn_forward_batch_first(rnn_forward_batch_first: Callable[..., Any]) -> None:
    """Check exercise 2.2: ``rnn_forward_batch_first(xs, h0, params) -> hs``.

    The batch-first layout: xs (N, T, D), h0 (N, H); hs (N, T, H) holds h_1 … h_T, hs[:, t]
    being the state after reading xs[:, t]. Compared with :func:`rnnbook.scratch.rnn_forward`
    on the time-major transpose.
    """
    from rnnbook.scratch import rnn_forward as reference
    from rnnbook.scratch import rnn_step_forward as step

    ex = "2.2"
    rng = np.random.default_rng(2022)
    # T ≠ N, so a loop over axis 0 (the examples) fails or gives a wrong shape.
    for T, N, D, H in [(5, 2, 3, 4), (7, 3, 2, 5), (4, 1, 3, 2)]:
        _, h0, params = _random_rnn(rng, N, D, H)
        xs = rng.normal(size=(N, T, D))
        examples = Hint(
            ValueError,
            "A loop `for x in xs` walks over axis 0, which in this layout holds the N "
            "examples: each x is one whole sequence, (T, D). Time is axis 1: step t reads "
            "xs[:, t], shape (N, D).",
            message=rf"\({T},\s*\d+\)",
        )
        time_axis = Hint(
            IndexError,
            "xs[t] indexes axis 0, which in this layout holds the N examples, so t runs out "
            "of examples before it runs out of steps. Time is axis 1: step t reads xs[:, t], "
            "shape (N, D), for t in range(xs.shape[1]).",
            message="out of bounds for axis 0",
        )
        layout = Hint(
            ValueError,
            f"The inputs had shapes xs {xs.shape} (N, T, D) and h0 {h0.shape} (N, H): step t "
            "reads xs[:, t] of shape (N, D) and the state stays (N, H) throughout.",
        )
        hints = [examples, Hint((TypeError, ValueError), _not_unpacked), time_axis, layout]
        given = {"xs": xs.copy(), "h0": h0.copy(), "params": dict(params)}
        original = {"xs": xs, "h0": h0, "params": {k: v.copy() for k, v in params.items()}}
        got = call(ex, rnn_forward_batch_first, *given.values(), hints=hints)
        _unchanged(ex, "rnn_forward_batch_first", given, original)
        if isinstance(got, tuple):
            fail(ex, "return only the stacked hidden states hs (an array), not a tuple.")
        if isinstance(got, list):
            fail(
                ex,
                f"hs is a list of {len(got)} arrays; return one array of shape {(N, T, H)}: "
                "np.stack(states, axis=1) puts time on axis 1.",
            )
        rtol, atol = tolerance(got)
        got = _as_array(ex, "hs", got, f"of shape {(N, T, H)}")
        if N == 1 and got.shape == (T, H):
            fail(
                ex,
                f"hs has shape {got.shape} for a batch of one sequence: the batch axis was "
                f"squeezed away (np.squeeze, or indexing with [0]). Keep it: {(N, T, H)}, so "
                "that the code that reads hs[:, t] works for every N.",
            )
        expected = reference(xs.transpose(1, 0, 2), h0, params)[0].transpose(1, 0, 2)
        if got.shape == (T, N, H):
            fail(
                ex,
                f"hs has shape {got.shape}, time-major (T, N, H), the chapter's layout. Here "
                f"the batch comes first: stack the states along axis 1 to get {(N, T, H)}.",
            )
        if got.shape == (N, H):
            fail(
                ex,
                f"hs has shape {got.shape}: you returned one state; return all T states "
                f"stacked into {(N, T, H)}.",
            )
        if got.shape == (N, T + 1, H):
            fail(
                ex,
                f"hs has shape {got.shape}: it includes the initial state h_0; return only "
                f"h_1 … h_T, shape {(N, T, H)}.",
            )
        expect_shape(ex, "hs", got, (N, T, H))
        if matches(got, expected, rtol, atol):
            continue
        stale = np.stack([step(xs[:, t], h0, params)[0] for t in range(T)], axis=1)
        if matches(got, stale, rtol, atol):
            fail(
                ex,
                "every step starts from h0: the state is not carried forward. Feed each step "
                "the state the previous step produced (h, _ = package_step(xs[:, t], h, "
                "params)).",
            )
        shifted = np.concatenate([h0[:, None], expected[:, :-1]], axis=1)
        if matches(got, shifted, rtol, atol):
            fail(
                ex,
                "off by one in time: you returned h_0 … h_{T-1}. Store the state after each "
                "step, so that hs[:, t] is the state that has read xs[:, t].",
            )
        expect_close(ex, f"hs for T={T}, N={N}", got, expected, rtol, atol)
    passed(
        ex,
        "rnn_forward_batch_first matches rnnbook.scratch.rnn_forward on 3 random batches, "
        "one of them a single sequence.",
    )


# --------------------------------------------------------------------------- exercise 2.3


_ARRAY_HINTS = [
    Hint(
        ValueError,
        "`if z > 0` (or `max(0.1 * z, z)`, `and`, `or`) asks one yes-or-no question about "
        "the whole array z, and numpy cannot answer it for many entries at once. Work on "
        "all entries together: (z > 0).astype(float), np.where(z > 0, 1.0, 0.1) or "
        "np.maximum(0.1 * z, z).",
        message="truth value of an array",
    ),
    Hint(
        TypeError,
        "the math module's functions (math.exp, math.tanh) take one number; z is an array. "
        "Use numpy's, np.exp and np.tanh, which work entry by entry.",
        message="only (length-1|0-dimensional|size-1) arrays",
    ),
]
"""What an error raised by an activation derivative written for one number usually means."""


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
                (
                    z * (1 - z),
                    "computes z(1 − z) from the pre-activation z: the formula σ(1 − σ) takes "
                    "the sigmoid's output, so compute s = σ(z) = 1 / (1 + e^(−z)) first and "
                    "return s(1 − s).",
                ),
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
        given = z.copy()
        got = call(ex, fn, given, hints=_ARRAY_HINTS)
        _unchanged(ex, name, {"z": given}, {"z": z})
        expect_shape(ex, f"{name}(z)", np.asarray(got), z.shape)
        got = np.asarray(got, dtype=float)
        if np.allclose(got, expected, rtol=1e-6, atol=1e-9):
            continue
        for candidate, message in mistakes:
            if matches(got, candidate):
                fail(ex, f"{name} {message}")
        expect_close(ex, f"{name}(z)", got, expected)
    kink = np.array([-1.0, 0.0, 1.0])
    at_zero = np.asarray(call(ex, relu_grad, kink.copy(), hints=_ARRAY_HINTS), dtype=float)
    if at_zero.shape == kink.shape and at_zero[1] != 0.0:
        fail(
            ex,
            f"relu_grad(0) is {at_zero[1]:g}; the exercise fixes ReLU'(0) = 0 (the package and "
            "torch use the same convention). Test z > 0, not z >= 0.",
        )
    passed(ex, "all five derivatives match rnnbook.scratch.activations, ReLU'(0) = 0 included.")


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
        if not (isinstance(got, tuple | list) and len(got) == 2):
            fail(ex, f"return a pair (shared, unrolled), got {got!r}.")
        if not all(isinstance(v, int | np.integer) or float(v).is_integer() for v in got):
            fail(ex, f"the counts should be whole numbers, got {list(got)!r}.")
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


def _augmented_mistakes(
    W_hh: np.ndarray, W_xh: np.ndarray, b_h: np.ndarray
) -> list[tuple[str, np.ndarray]]:
    """Plausible wrong augmented matrices, each with its diagnosis."""
    b = b_h[:, None]
    return [
        (
            "the blocks are in the order [W_xh, W_hh, b_h]; the state comes first, as in "
            "the chapter: W̃ = [W_hh, W_xh, b_h] multiplies [h_{t-1}; x_t; 1].",
            np.concatenate([W_xh, W_hh, b], axis=1),
        ),
        (
            "the bias column comes first; it belongs to the constant 1, which comes last: "
            "W̃ = [W_hh, W_xh, b_h] multiplies [h_{t-1}; x_t; 1].",
            np.concatenate([b, W_hh, W_xh], axis=1),
        ),
        (
            "W̃ is transposed: it maps the (H + D + 1)-vector [h; x; 1] to H numbers, so it "
            "has H rows.",
            np.concatenate([W_hh, W_xh, b], axis=1).T,
        ),
        (
            "the bias column is missing: without it W̃ [h; x; 1] has no b_h. Append b_h as "
            "the last column, b_h[:, None].",
            np.concatenate([W_hh, W_xh], axis=1),
        ),
    ]


def _augment_mistakes(h_prev: np.ndarray, x: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Plausible wrong stacked inputs, each with its diagnosis."""
    ones = np.ones((len(x), 1))
    return [
        (
            "augment puts x before h_prev; the state comes first: [h_{t-1}; x_t; 1].",
            np.concatenate([x, h_prev, ones], axis=1),
        ),
        (
            "augment puts the 1 first; it comes last: [h_{t-1}; x_t; 1].",
            np.concatenate([ones, h_prev, x], axis=1),
        ),
        (
            "augment has no constant 1: append a column of ones, np.ones((N, 1)), so that "
            "the last column of W̃ (the bias) is added to every example.",
            np.concatenate([h_prev, x], axis=1),
        ),
        (
            "augment appends a column of zeros: the constant must be 1, so that the last "
            "column of W̃ (the bias) is added once.",
            np.concatenate([h_prev, x, 0 * ones], axis=1),
        ),
    ]


_AUGMENT_HINTS = [
    Hint(
        ValueError,
        "np.concatenate joins arrays with the same number of dimensions, whose sizes agree "
        "on every axis but the one they are joined along. b_h has shape (H,): make it a "
        "column, b_h[:, None] (shape (H, 1)), before joining it to the (H, ·) weights; the "
        "column of ones for a batch of N rows is np.ones((N, 1)).",
        message="dimension|must match|same number",
    ),
]


def check_augmented(
    augmented_weights: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
    augment: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> None:
    """Check exercise 2.6: ``augmented_weights(W_hh, W_xh, b_h)`` and ``augment(h_prev, x)``.

    W̃ = [W_hh, W_xh, b_h] has shape (H, H + D + 1); augment returns the rows
    [h_{t−1}, x_t, 1], shape (N, H + D + 1), so that augment(h_prev, x) @ W̃ᵀ equals
    h_prev W_hhᵀ + x W_xhᵀ + b_h, the pre-activation of
    :func:`rnnbook.scratch.rnn_step_forward`.
    """
    ex = "2.6"
    rng = np.random.default_rng(2026)
    for N, D, H in [(4, 3, 3), (2, 5, 2)]:
        x, h_prev, params = _random_rnn(rng, N, D, H)
        W_hh, W_xh, b_h = params["W_hh"], params["W_xh"], params["b_h"]
        got = np.asarray(
            call(ex, augmented_weights, W_hh.copy(), W_xh.copy(), b_h.copy(), hints=_AUGMENT_HINTS)
        )
        want = np.concatenate([W_hh, W_xh, b_h[:, None]], axis=1)
        if not matches(got, want):
            for message, candidate in _augmented_mistakes(W_hh, W_xh, b_h):
                if matches(got, candidate):
                    fail(ex, message)
            expect_close(ex, f"W̃ for D={D}, H={H}", got, want)
        stacked = np.asarray(call(ex, augment, h_prev.copy(), x.copy(), hints=_AUGMENT_HINTS))
        rows = np.concatenate([h_prev, x, np.ones((N, 1))], axis=1)
        if not matches(stacked, rows):
            for message, candidate in _augment_mistakes(h_prev, x):
                if matches(stacked, candidate):
                    fail(ex, message)
            expect_close(ex, f"augment(h_prev, x) for N={N}, D={D}, H={H}", stacked, rows)
        a = h_prev @ W_hh.T + x @ W_xh.T + b_h  # the pre-activation of rnn_step_forward
        expect_close(ex, "augment(h_prev, x) @ W̃.T", stacked @ got.T, a)
    passed(ex, "augment(h_prev, x) @ W̃.T equals h_prev @ W_hh.T + x @ W_xh.T + b_h.")


# --------------------------------------------------------------------------- exercise 2.7

#: The one-unit RNN of exercise 2.7: h_t = tanh(w_hh h_{t-1} + w_xh x_t + b), h_0 = 0.
HAND_RNN = {"w_xh": 1.0, "w_hh": -2.0, "b": 0.5, "h0": 0.0, "xs": (1.0, 1.0)}


def _hand_run(
    w_xh: float, w_hh: float, b: float, h0: float, xs: tuple[float, ...], f=np.tanh
) -> tuple[float, float]:
    h, states = h0, []
    for x in xs:
        h = float(f(w_hh * h + w_xh * x + b))
        states.append(h)
    return states[0], states[1]


def check_hand_rnn(h1: Any, h2: Any) -> None:
    """Check exercise 2.7 (pen and paper): the states h_1, h_2 of :data:`HAND_RNN`.

    Answers are accepted to within 0.002, so three decimals suffice (h_2 computed from a
    rounded h_1 included).
    """
    from rnnbook.scratch.activations import sigmoid

    ex = "2.7"
    for name, value in (("h1", h1), ("h2", h2)):
        if value is None or isinstance(value, str):
            fail(ex, f"{name} should be a number (three decimals are enough), got {value!r}.")
        try:
            float(value)
        except (TypeError, ValueError):
            fail(ex, f"{name} should be a number, got {type(value).__name__}.")
    got = (float(h1), float(h2))
    p = HAND_RNN
    right = _hand_run(**p)
    if all(abs(g - r) <= 2e-3 for g, r in zip(got, right, strict=True)):
        passed(
            ex,
            f"h_1 = {right[0]:.4f} and h_2 = {right[1]:.4f}: the same input x = 1 gives two "
            "different states, because h_2 also reads h_1 through w_hh.",
        )
        return
    w_xh, w_hh, b, h0, xs = p["w_xh"], p["w_hh"], p["b"], p["h0"], p["xs"]
    a1 = w_xh * xs[0] + b
    mistakes = [
        (
            _hand_run(**p, f=lambda a: a),
            "no tanh: h_t is tanh of the pre-activation, not the pre-activation itself",
        ),
        ((right[0], right[0]), "h_2 = h_1: step 2 also adds w_hh h_1 = -2 h_1 to the sum"),
        (
            (right[0], float(np.tanh(w_hh * a1 + w_xh * xs[1] + b))),
            "step 2 used the pre-activation 1.5 of step 1; it reads the state h_1 = tanh(1.5)",
        ),
        (
            _hand_run(w_xh=w_hh, w_hh=w_xh, b=b, h0=h0, xs=xs),
            "w_xh and w_hh are swapped: w_xh = 1 multiplies the input x_t, w_hh = -2 the "
            "previous state h_{t-1}",
        ),
        (_hand_run(w_xh, w_hh, 0.0, h0, xs), "the bias b = 0.5 is missing inside the tanh"),
        (_hand_run(**p, f=sigmoid), "that is the sigmoid; the recurrence squashes with tanh"),
        (
            (right[0], float(np.tanh(w_hh * right[0] + w_xh * xs[1]))),
            "step 2 lost the bias: b = 0.5 is added at every step",
        ),
    ]
    for candidate, message in mistakes:
        if all(abs(g - c) <= 2e-3 for g, c in zip(got, candidate, strict=True)):
            fail(ex, f"{message}.")
    if abs(got[0] - right[0]) > 2e-3:
        fail(
            ex,
            f"h1 = {got[0]:.4f} is not right: h_1 = tanh(w_hh h_0 + w_xh x_1 + b) with h_0 = 0.",
        )
    fail(
        ex,
        f"h1 is right, h2 = {got[1]:.4f} is not: h_2 = tanh(w_hh h_1 + w_xh x_2 + b), with your "
        "h_1 inside.",
    )


# --------------------------------------------------------------------------- exercise 2.8

#: The learning rates of exercise 2.8: the chapter's, and the one the reader tries.
LEARNING_RATES = (0.05, 0.01)


def _steps_to_spell(lr: float, seed: int, max_steps: int = 1000) -> int | None:
    """Adam steps until the "hello" model of chapter 02 (H = 3) first predicts "ello".

    The model starts from ``init_rnn_params(4, 3, rng=seed, output_size=4)``; the count is
    the number of Adam steps (learning rate ``lr``) taken before the argmax of the scores
    spells "ello", 0 if it does from the start, ``None`` if not within ``max_steps``.
    """
    from rnnbook.data.toy import hello_example
    from rnnbook.scratch import (
        Adam,
        cross_entropy,
        init_rnn_params,
        output_backward,
        output_forward,
        rnn_backward,
        rnn_forward,
    )

    vocab, inputs, targets = hello_example()
    xs = vocab.one_hot(inputs)[:, None, :]
    params = init_rnn_params(4, 3, rng=seed, output_size=4)
    optimizer = Adam(params, lr=lr)
    for k in range(max_steps + 1):
        hs, cache = rnn_forward(xs, None, params)
        logits, out_cache = output_forward(hs, params)
        _, dlogits = cross_entropy(logits, targets[:, None])
        if (logits[:, 0].argmax(-1) == targets).all():
            return k
        if k == max_steps:
            return None
        dhs, grads = output_backward(dlogits, out_cache)
        grads.update(rnn_backward(dhs, cache)[2])
        optimizer.step(grads)
    return None


def _span(values: list[float]) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:.1f}" if f"{lo:.1f}" == f"{hi:.1f}" else f"{lo:.1f} to {hi:.1f}"


def check_learning_rate(predicted: Any, run_seeds: Any, steps_fast: Any, steps_slow: Any) -> None:
    """Check exercise 2.8 (experiment): steps to spell "ello" at lr 0.05 and at lr 0.01.

    ``predicted`` is the reader's prediction (made before the run) of the mean number of
    steps at lr = 0.01; ``run_seeds`` the seeds of the runs (at least three);
    ``steps_fast`` and ``steps_slow`` the measured steps at lr = 0.05 and 0.01, one per
    seed. The checker repeats each run (a fraction of a second) and compares.
    """
    ex = "2.8"
    if predicted is None or isinstance(predicted, str):
        fail(ex, "write your prediction (a number of steps) before you run the experiment.")
    try:
        run_seeds = [int(s) for s in run_seeds]
    except (TypeError, ValueError):
        fail(ex, f"run_seeds should be a list of integer seeds, got {run_seeds!r}.")
    if len(run_seeds) < 3:
        fail(ex, f"run over at least 3 seeds; got {len(run_seeds)}.")
    measured = {}
    for name, values in (("steps_fast", steps_fast), ("steps_slow", steps_slow)):
        if isinstance(values, int | float | np.number):
            fail(ex, f"{name} should hold one count per seed, got one number.")
        try:
            values = list(values)
        except TypeError:
            fail(ex, f"{name} should be a list of counts, one per seed, got {values!r}.")
        if len(values) != len(run_seeds):
            fail(ex, f"{name} has {len(values)} counts for {len(run_seeds)} seeds.")
        measured[name] = values
    fast, slow = LEARNING_RATES
    truth = {
        "steps_fast": [_steps_to_spell(fast, s) for s in run_seeds],
        "steps_slow": [_steps_to_spell(slow, s) for s in run_seeds],
    }
    if (
        measured["steps_fast"] == truth["steps_slow"]
        and measured["steps_slow"] == truth["steps_fast"]
    ):
        fail(ex, f"the two lists are swapped: steps_fast is lr = {fast}, steps_slow lr = {slow}.")
    if measured["steps_slow"] == measured["steps_fast"]:
        fail(ex, f"steps_slow equals steps_fast: run the second list with lr = {slow}.")
    for name, lr in (("steps_fast", fast), ("steps_slow", slow)):
        got, want = measured[name], truth[name]
        if got == want:
            continue
        if all(
            g is not None and w is not None and g == w + 1 for g, w in zip(got, want, strict=True)
        ):
            fail(
                ex,
                f"{name} = {got} is one more than the runs give, {want}: count the Adam steps "
                "taken before the first prediction that spells 'ello' (0 if the untrained "
                "model already does).",
            )
        k = next(i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w)
        hint = ""
        if name == "steps_slow" and got[k] == truth["steps_fast"][k]:
            hint = f" That is the count at lr = {fast}: did the knob change?"
        fail(
            ex,
            f"{name} for seed {run_seeds[k]} is {got[k]}, but the same run (lr = {lr}, "
            f"init_rnn_params(4, 3, rng={run_seeds[k]}, output_size=4)) spells 'ello' after "
            f"{want[k]} Adam steps.{hint}",
        )
    ratio = [s / max(f, 1) for f, s in zip(truth["steps_fast"], truth["steps_slow"], strict=True)]
    mean_slow = float(np.mean(truth["steps_slow"]))
    passed(
        ex,
        f"your runs reproduce: at lr = {slow} the model needs {mean_slow:.0f} steps on average "
        f"(you predicted {float(predicted):.0f}), {_span(ratio)} times as many as at "
        f"lr = {fast}. Adam moves each weight by about lr per step, so a "
        "fifth of the step size needs several times as many steps.",
    )


__getattr__ = retired(
    {"check_rnn_step_forward": "2.1", "check_rnn_forward": "2.2", "check_concat_weights": "2.6"},
    "02",
)
