"""The GRU in numpy, forward and backward by hand, in both reset conventions.

Gates stacked in torch's order r, z, n; input and hidden projections keep separate biases:

    [ax_r; ax_z; ax_n] = W_x x_t + b_x          [ah_r; ah_z; ah_n] = W_h h_{t−1} + b_h
    r = σ(ax_r + ah_r)                            reset gate
    z = σ(ax_z + ah_z)                            update gate
    n = tanh(ax_n + r ⊙ ah_n)                     reset_after=True  (torch.nn.GRU)
    n = tanh(ax_n + W_hn (r ⊙ h_{t−1}) + b_hn)    reset_after=False (Cho et al., 2014)
    h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}

W_hn is the last H rows of W_h and b_hn the last H entries of b_h. Both forms use torch's
update convention (z = 1 keeps the old state). Parameters: W_x (3H, D), W_h (3H, H),
b_x (3H,), b_h (3H,). Shapes: x (N, D), h (N, H); sequences xs (T, N, D) → hs (T, N, H).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._ops import sum_outer
from ._validate import as_array, check_params, expect_shape, make_rng
from .activations import sigmoid


class GRUStepCache(NamedTuple):
    """What one forward step keeps; the gate activations r, z and candidate n are (N, H)."""

    x: np.ndarray
    h_prev: np.ndarray
    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    hidden_n: np.ndarray  # W_hn h_prev + b_hn (reset after) or W_hn (r ⊙ h_prev) + b_hn
    h: np.ndarray
    params: dict
    reset_after: bool


class GRUCache(NamedTuple):
    """What a forward pass over a sequence keeps; hs, r, z, n, hidden_n are (T, N, H)."""

    xs: np.ndarray
    h0: np.ndarray
    hs: np.ndarray
    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    hidden_n: np.ndarray
    params: dict
    reset_after: bool


def init_gru_params(
    input_size: int, hidden_size: int, rng: np.random.Generator | int | None = None
) -> dict[str, np.ndarray]:
    """Create GRU parameters: weights uniform in ±1/√H (torch's default), biases zero.

    Args:
        input_size: D. hidden_size: H. rng: a numpy Generator or an integer seed (None: 0).

    Returns:
        {"W_x": (3H, D), "W_h": (3H, H), "b_x": (3H,), "b_h": (3H,)}.
    """
    rng = make_rng(rng)
    k = 1.0 / np.sqrt(hidden_size)
    return {
        "W_x": rng.uniform(-k, k, (3 * hidden_size, input_size)),
        "W_h": rng.uniform(-k, k, (3 * hidden_size, hidden_size)),
        "b_x": np.zeros(3 * hidden_size),
        "b_h": np.zeros(3 * hidden_size),
    }


def _check_gru(params: dict) -> tuple[int, int]:
    """Validate the parameters; return (D, H)."""
    if np.ndim(params.get("W_x")) != 2 or np.ndim(params.get("W_h")) != 2:
        raise ValueError("GRU params: expected 'W_x' of shape (3H, D) and 'W_h' (3H, H)")
    hidden = np.shape(params["W_h"])[1]
    inputs = np.shape(params["W_x"])[1]
    shapes = {
        "W_x": (3 * hidden, inputs),
        "W_h": (3 * hidden, hidden),
        "b_x": (3 * hidden,),
        "b_h": (3 * hidden,),
    }
    check_params(params, shapes, "GRU")
    return inputs, hidden


def _cell(x_part, h_prev, params, reset_after):
    """One step given the input's share x_part = W_x x + b_x; returns r, z, n, hidden_n, h."""
    H = h_prev.shape[1]
    W_h, b_h = params["W_h"], params["b_h"]
    x_r, x_z, x_n = np.split(x_part, 3, axis=1)
    h_rz = h_prev @ W_h[: 2 * H].T + b_h[: 2 * H]
    r = sigmoid(x_r + h_rz[:, :H])
    z = sigmoid(x_z + h_rz[:, H:])
    if reset_after:
        hidden_n = h_prev @ W_h[2 * H :].T + b_h[2 * H :]
        n = np.tanh(x_n + r * hidden_n)
    else:
        hidden_n = (r * h_prev) @ W_h[2 * H :].T + b_h[2 * H :]
        n = np.tanh(x_n + hidden_n)
    h = (1.0 - z) * n + z * h_prev
    return r, z, n, hidden_n, h


def _cell_backward(dh, h_prev, r, z, n, hidden_n, params, reset_after):
    """Backward of one step down to the two projections.

    Returns dx_part (N, 3H), the gradient of W_x x + b_x; dh_part (N, 3H), the gradient of
    the W_h product plus b_h (rows r, z, n); and dh_prev (N, H), the complete gradient of
    h_prev (directly through z ⊙ h_prev and through the gates and candidate).
    """
    H = h_prev.shape[1]
    W_h = params["W_h"]
    # h = (1 − z) ⊙ n + z ⊙ h_prev
    dn = dh * (1.0 - z)
    dz = dh * (h_prev - n)
    dh_prev = dh * z
    dx_n = dn * (1.0 - n**2)
    if reset_after:  # n = tanh(x_n + r ⊙ (W_hn h_prev + b_hn))
        dr = dx_n * hidden_n
        dh_n = dx_n * r
        dh_prev = dh_prev + dh_n @ W_h[2 * H :]
    else:  # n = tanh(x_n + W_hn (r ⊙ h_prev) + b_hn)
        dh_n = dx_n
        d_rh = dx_n @ W_h[2 * H :]
        dr = d_rh * h_prev
        dh_prev = dh_prev + d_rh * r
    d_rz = np.concatenate([dr * r * (1.0 - r), dz * z * (1.0 - z)], axis=1)
    dh_prev = dh_prev + d_rz @ W_h[: 2 * H]
    return np.concatenate([d_rz, dx_n], axis=1), np.concatenate([d_rz, dh_n], axis=1), dh_prev


def _weight_grads(dx_part, dh_part, x, h_prev, r, reset_after):
    """Parameter gradients from one step's (N, ·) or a sequence's (T, N, ·) arrays.

    The r and z rows of W_h multiply h_prev; the n rows multiply h_prev (reset after) or
    r ⊙ h_prev (reset before).
    """
    H = h_prev.shape[-1]
    n_input = h_prev if reset_after else r * h_prev
    leading = tuple(range(dx_part.ndim - 1))
    return {
        "W_x": sum_outer(dx_part, x),
        "W_h": np.concatenate(
            [sum_outer(dh_part[..., : 2 * H], h_prev), sum_outer(dh_part[..., 2 * H :], n_input)]
        ),
        "b_x": dx_part.sum(axis=leading),
        "b_h": dh_part.sum(axis=leading),
    }


def gru_step_forward(
    x: np.ndarray, h_prev: np.ndarray, params: dict, reset_after: bool = True
) -> tuple[np.ndarray, GRUStepCache]:
    """One GRU step (equations in the module docstring).

    Args:
        x: (N, D). h_prev: (N, H). params: W_x (3H, D), W_h (3H, H), b_x (3H,), b_h (3H,).
        reset_after: True applies the reset gate after W_h (torch.nn.GRU); False before it
            (Cho et al.).

    Returns:
        h (N, H); cache for :func:`gru_step_backward` (fields r, z, n hold the gates).
    """
    inputs, hidden = _check_gru(params)
    x = as_array("x", x)
    expect_shape("x", x, (None, inputs), "(N, D)")
    h_prev = as_array("h_prev", h_prev)
    expect_shape("h_prev", h_prev, (x.shape[0], hidden), "(N, H)")
    x_part = x @ params["W_x"].T + params["b_x"]
    r, z, n, hidden_n, h = _cell(x_part, h_prev, params, reset_after)
    return h, GRUStepCache(x, h_prev, r, z, n, hidden_n, h, params, reset_after)


def gru_step_backward(
    dh: np.ndarray, cache: GRUStepCache
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backward of one GRU step, given dh (N, H).

    Returns:
        dx (N, D), dh_prev (N, H), grads {"W_x", "W_h", "b_x", "b_h"}.
    """
    dh = as_array("dh", dh)
    expect_shape("dh", dh, cache.h.shape, "(N, H)")
    x, h_prev, r, z, n, hidden_n, h, params, reset_after = cache
    dx_part, dh_part, dh_prev = _cell_backward(dh, h_prev, r, z, n, hidden_n, params, reset_after)
    grads = _weight_grads(dx_part, dh_part, x, h_prev, r, reset_after)
    return dx_part @ params["W_x"], dh_prev, grads


def gru_forward(
    xs: np.ndarray, h0: np.ndarray | None, params: dict, reset_after: bool = True
) -> tuple[np.ndarray, GRUCache]:
    """Run the GRU over a sequence.

    The input's share W_x x_t + b_x of every step is computed before the loop, in one product.

    Args:
        xs: (T, N, D). h0: (N, H) initial state or None for zeros; pass the previous chunk's
            ``hs[-1]`` to carry state in truncated BPTT. params, reset_after: as for a step.

    Returns:
        hs (T, N, H) and a :class:`GRUCache` (gates ``cache.r``, ``.z``, ``.n``: (T, N, H)).
    """
    inputs, hidden = _check_gru(params)
    xs = as_array("xs", xs)
    expect_shape("xs", xs, (None, None, inputs), "(T, N, D)")
    h0 = np.zeros((xs.shape[1], hidden)) if h0 is None else as_array("h0", h0)
    expect_shape("h0", h0, (xs.shape[1], hidden), "(N, H)")
    x_part = xs @ params["W_x"].T + params["b_x"]  # (T, N, 3H)
    hs, r, z, n, hidden_n = (np.empty((len(xs), xs.shape[1], hidden)) for _ in range(5))
    h = h0
    for t in range(len(xs)):
        r[t], z[t], n[t], hidden_n[t], h = _cell(x_part[t], h, params, reset_after)
        hs[t] = h
    return hs, GRUCache(xs, h0, hs, r, z, n, hidden_n, params, reset_after)


def gru_backward(
    dhs: np.ndarray, cache: GRUCache
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backpropagation through time for the GRU.

    The loop carries dh backwards (through z ⊙ h_{t−1} directly, and through the gates and
    the candidate); weight gradients are sums over t, computed after the loop.

    Args:
        dhs: (T, N, H) upstream gradients of every hidden state. cache: from gru_forward.

    Returns:
        dxs (T, N, D), dh0 (N, H), grads {"W_x", "W_h", "b_x", "b_h"} summed over time.
    """
    xs, h0, hs, r, z, n, hidden_n, params, reset_after = cache
    dhs = as_array("dhs", dhs)
    expect_shape("dhs", dhs, hs.shape, "(T, N, H)")
    h_prevs = np.concatenate([h0[None], hs[:-1]])
    dx_parts = np.empty((*hs.shape[:2], 3 * hs.shape[2]))
    dh_parts = np.empty_like(dx_parts)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(len(hs))):
        dx_parts[t], dh_parts[t], dh_next = _cell_backward(
            dhs[t] + dh_next, h_prevs[t], r[t], z[t], n[t], hidden_n[t], params, reset_after
        )
    grads = _weight_grads(dx_parts, dh_parts, xs, h_prevs, r, reset_after)
    return dx_parts @ params["W_x"], dh_next, grads
