"""The vanilla (Elman) RNN in numpy: forward and backward of one step and of a sequence.

One step, for a batch of N rows (weights stored (out, in), as in torch):

    h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h)          (or ReLU with nonlinearity="relu")

and an output layer that reads every hidden state:

    ŷ_t = softmax(W_hy h_t + b_y)

Shapes: x (N, D), h (N, H), a sequence xs (T, N, D) gives hs (T, N, H). Parameters live in a
dict: W_xh (H, D), W_hh (H, H), b_h (H,) and, for the output layer, W_hy (V, H), b_y (V,).
Every backward pass returns ``grads`` with the keys and shapes of the parameters it used.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._ops import sum_outer
from ._validate import as_array, check_params, expect_shape, make_rng

NONLINEARITIES = ("tanh", "relu")


class RNNStepCache(NamedTuple):
    """What one forward step keeps for its backward pass."""

    x: np.ndarray  # (N, D)
    h_prev: np.ndarray  # (N, H)
    h: np.ndarray  # (N, H)
    params: dict
    nonlinearity: str


class RNNCache(NamedTuple):
    """What a forward pass over a sequence keeps for BPTT."""

    xs: np.ndarray  # (T, N, D)
    h0: np.ndarray  # (N, H)
    hs: np.ndarray  # (T, N, H)
    params: dict
    nonlinearity: str


def init_rnn_params(
    input_size: int,
    hidden_size: int,
    rng: np.random.Generator | int | None = None,
    output_size: int | None = None,
) -> dict[str, np.ndarray]:
    """Create RNN parameters, weights uniform in ±1/√H (torch's default), biases zero.

    Args:
        input_size: D. hidden_size: H.
        rng: a numpy Generator or an integer seed (None means seed 0).
        output_size: V; if given, adds the output layer W_hy (V, H) and b_y (V,).

    Returns:
        {"W_xh": (H, D), "W_hh": (H, H), "b_h": (H,)} plus "W_hy", "b_y" if requested.
    """
    rng = make_rng(rng)
    k = 1.0 / np.sqrt(hidden_size)
    params = {
        "W_xh": rng.uniform(-k, k, (hidden_size, input_size)),
        "W_hh": rng.uniform(-k, k, (hidden_size, hidden_size)),
        "b_h": np.zeros(hidden_size),
    }
    if output_size is not None:
        params["W_hy"] = rng.uniform(-k, k, (output_size, hidden_size))
        params["b_y"] = np.zeros(output_size)
    return params


def _check_rnn(params: dict, nonlinearity: str) -> tuple[int, int]:
    """Validate the recurrent parameters; return (D, H)."""
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"nonlinearity must be one of {NONLINEARITIES}, received {nonlinearity!r}")
    if "W_xh" not in params or np.ndim(params["W_xh"]) != 2:
        raise ValueError("RNN params: expected 'W_xh' of shape (H, D)")
    hidden, inputs = np.shape(params["W_xh"])
    shapes = {"W_xh": (hidden, inputs), "W_hh": (hidden, hidden), "b_h": (hidden,)}
    check_params(params, shapes, "RNN")
    return inputs, hidden


def _activate(a: np.ndarray, nonlinearity: str) -> np.ndarray:
    return np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0.0)


def _activation_backward(dh: np.ndarray, h: np.ndarray, nonlinearity: str) -> np.ndarray:
    """da = dh ⊙ f'(a), with tanh'(a) = 1 − h² and ReLU'(a) = [h > 0] read off the output h."""
    return dh * (1.0 - h**2) if nonlinearity == "tanh" else dh * (h > 0)


def rnn_step_forward(
    x: np.ndarray, h_prev: np.ndarray, params: dict, nonlinearity: str = "tanh"
) -> tuple[np.ndarray, RNNStepCache]:
    """One step h = tanh(W_xh x + W_hh h_prev + b_h).

    Args:
        x: (N, D) inputs at this step. h_prev: (N, H) previous hidden state.
        params: W_xh (H, D), W_hh (H, H), b_h (H,).
        nonlinearity: "tanh" (default) or "relu".

    Returns:
        h: (N, H) the new hidden state; cache for :func:`rnn_step_backward`.
    """
    inputs, hidden = _check_rnn(params, nonlinearity)
    x = as_array("x", x)
    expect_shape("x", x, (None, inputs), "(N, D)")
    h_prev = as_array("h_prev", h_prev)
    expect_shape("h_prev", h_prev, (x.shape[0], hidden), "(N, H)")
    a = x @ params["W_xh"].T + h_prev @ params["W_hh"].T + params["b_h"]
    h = _activate(a, nonlinearity)
    return h, RNNStepCache(x, h_prev, h, params, nonlinearity)


def rnn_step_backward(dh: np.ndarray, cache: RNNStepCache) -> tuple[np.ndarray, np.ndarray, dict]:
    """Backward of one step, given dh = ∂L/∂h of shape (N, H).

    With da = dh ⊙ tanh'(a): dx = da W_xh, dh_prev = da W_hh, dW_xh = daᵀ x,
    dW_hh = daᵀ h_prev, db_h = Σ_rows da.

    Returns:
        dx (N, D), dh_prev (N, H), grads {"W_xh", "W_hh", "b_h"}.
    """
    dh = as_array("dh", dh)
    expect_shape("dh", dh, cache.h.shape, "(N, H)")
    x, h_prev, h, params, nonlinearity = cache
    da = _activation_backward(dh, h, nonlinearity)
    grads = {"W_xh": da.T @ x, "W_hh": da.T @ h_prev, "b_h": da.sum(axis=0)}
    return da @ params["W_xh"], da @ params["W_hh"], grads


def rnn_forward(
    xs: np.ndarray, h0: np.ndarray | None, params: dict, nonlinearity: str = "tanh"
) -> tuple[np.ndarray, RNNCache]:
    """Run the RNN over a sequence: h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h), t = 1..T.

    Only the recurrence is sequential: the input's share W_xh x_t + b_h of every step is
    computed for all t at once, in one matrix product, before the loop.

    Args:
        xs: (T, N, D) inputs, time-major.
        h0: (N, H) initial state, or None for zeros. Passing the previous chunk's final state
            ``hs[-1]`` carries the state across chunks in truncated BPTT.
        params: W_xh (H, D), W_hh (H, H), b_h (H,).
        nonlinearity: "tanh" (default) or "relu".

    Returns:
        hs: (T, N, H) every hidden state; the final state is hs[-1].
        cache: an :class:`RNNCache` for :func:`rnn_backward`.
    """
    inputs, hidden = _check_rnn(params, nonlinearity)
    xs = as_array("xs", xs)
    expect_shape("xs", xs, (None, None, inputs), "(T, N, D)")
    h0 = np.zeros((xs.shape[1], hidden)) if h0 is None else as_array("h0", h0)
    expect_shape("h0", h0, (xs.shape[1], hidden), "(N, H)")
    x_part = xs @ params["W_xh"].T + params["b_h"]  # (T, N, H)
    hs = np.empty_like(x_part)
    h = h0
    for t in range(len(xs)):
        h = hs[t] = _activate(x_part[t] + h @ params["W_hh"].T, nonlinearity)
    return hs, RNNCache(xs, h0, hs, params, nonlinearity)


def rnn_backward(
    dhs: np.ndarray, cache: RNNCache
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backpropagation through time.

    dhs[t] = ∂L/∂h_t from the loss at step t (e.g. via the output layer). Walking back from
    t = T, the gradient reaching h_t is dhs[t] plus what step t+1 sends back through W_hh:

        da_t = (dhs[t] + da_{t+1} W_hh) ⊙ tanh'(a_t)

    The loop only carries this recursion. The same weights act at every step, so their
    gradients are sums over t, computed after the loop: dW_xh = Σ_t da_tᵀ x_t,
    dW_hh = Σ_t da_tᵀ h_{t−1}, db_h = Σ_t Σ_rows da_t, and dx_t = da_t W_xh.

    Args:
        dhs: (T, N, H) upstream gradients of every hidden state. cache: from rnn_forward.

    Returns:
        dxs (T, N, D), dh0 (N, H), grads {"W_xh", "W_hh", "b_h"} summed over time.
    """
    xs, h0, hs, params, nonlinearity = cache
    dhs = as_array("dhs", dhs)
    expect_shape("dhs", dhs, hs.shape, "(T, N, H)")
    das = np.empty_like(hs)
    dh_next = np.zeros_like(h0)  # gradient that step t+1 sends back to h_t
    for t in reversed(range(len(hs))):
        das[t] = _activation_backward(dhs[t] + dh_next, hs[t], nonlinearity)
        dh_next = das[t] @ params["W_hh"]
    h_prevs = np.concatenate([h0[None], hs[:-1]])  # h_{t−1} for every t
    grads = {
        "W_xh": sum_outer(das, xs),
        "W_hh": sum_outer(das, h_prevs),
        "b_h": das.sum(axis=(0, 1)),
    }
    return das @ params["W_xh"], dh_next, grads


class OutputCache(NamedTuple):
    """What the output layer keeps for its backward pass."""

    hs: np.ndarray  # (..., H)
    W_hy: np.ndarray  # (V, H)


def output_forward(hs: np.ndarray, params: dict) -> tuple[np.ndarray, OutputCache]:
    """Logits of the output layer, z_t = W_hy h_t + b_y, for every step at once.

    ŷ_t = softmax(z_t) (see :func:`rnnbook.scratch.softmax`); the loss usually takes the
    logits directly (:func:`rnnbook.scratch.cross_entropy`).

    Args:
        hs: (..., H) hidden states, e.g. (T, N, H). params: W_hy (V, H), b_y (V,).

    Returns:
        logits (..., V); cache for :func:`output_backward`.
    """
    if "W_hy" not in params or np.ndim(params["W_hy"]) != 2:
        raise ValueError("output params: expected 'W_hy' of shape (V, H) and 'b_y' of shape (V,)")
    vocab, hidden = np.shape(params["W_hy"])
    check_params(params, {"W_hy": (vocab, hidden), "b_y": (vocab,)}, "output")
    hs = as_array("hs", hs)
    if hs.shape[-1] != hidden:
        raise ValueError(f"hs: expected shape (..., H) = (..., {hidden}), received {hs.shape}")
    return hs @ params["W_hy"].T + params["b_y"], OutputCache(hs, params["W_hy"])


def output_backward(
    dlogits: np.ndarray, cache: OutputCache
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Backward of the output layer: dhs = dz W_hy, dW_hy = Σ dzᵀ h, db_y = Σ dz.

    Args:
        dlogits: (..., V), the gradient of the loss with respect to the logits.

    Returns:
        dhs (..., H) and grads {"W_hy": (V, H), "b_y": (V,)}.
    """
    dlogits = as_array("dlogits", dlogits)
    expected = (*cache.hs.shape[:-1], cache.W_hy.shape[0])
    if dlogits.shape != expected:
        raise ValueError(f"dlogits: expected shape (..., V) = {expected}, received {dlogits.shape}")
    grads = {
        "W_hy": sum_outer(dlogits, cache.hs),
        "b_y": dlogits.reshape(-1, dlogits.shape[-1]).sum(axis=0),
    }
    return dlogits @ cache.W_hy, grads
