"""The LSTM in numpy, with its two classic variants, forward and backward by hand.

Standard LSTM (Hochreiter & Schmidhuber; torch.nn.LSTM), gates stacked in torch's order
i, f, g, o:

    [a_i; a_f; a_g; a_o] = W_x x_t + W_h h_{t−1} + b
    i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
    c_t = f ⊙ c_{t−1} + i ⊙ g
    h_t = o ⊙ tanh(c_t)

Variants, chosen with keyword flags that may be combined:

* ``peephole=True`` (Gers & Schmidhuber): the gates look at the cell through diagonal
  weights, f and i at c_{t−1}, o at the new c_t:
  a_i += w_ci ⊙ c_{t−1},  a_f += w_cf ⊙ c_{t−1},  a_o += w_co ⊙ c_t.
* ``coupled=True``: one gate decides both forgetting and writing, i = 1 − f, so
  c_t = f ⊙ c_{t−1} + (1 − f) ⊙ g. The input-gate rows are dropped: gates stacked f, g, o.
* a projection, ``proj_size = P`` with 0 < P < H (Sak et al., 2014; torch.nn.LSTM's
  ``proj_size``): the hidden state is projected to a smaller size,
  h_t = W_hr (o ⊙ tanh(c_t)), so h is (N, P), W_h is (G·H, P) and only the cell keeps
  size H. :func:`init_lstm_params` takes ``proj_size``; the other functions recognise the
  projection by the parameter ``"W_hr"``.

Parameters: W_x (G·H, D), W_h (G·H, H), b (G·H,) with G = 4 (G = 3 when coupled); with
peepholes also w_ci (H,) (not when coupled), w_cf (H,), w_co (H,); with a projection
W_hr (P, H) and W_h (G·H, P). Shapes: x (N, D), h and c (N, H) (h (N, P) with a projection);
sequences xs (T, N, D) → hs (T, N, H).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._ops import sum_outer
from ._validate import as_array, check_params, expect_shape, make_rng
from .activations import sigmoid


class LSTMStepCache(NamedTuple):
    """What one forward step keeps; the gate activations i, f, g, o are (N, H) each."""

    x: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    i: np.ndarray  # equals 1 − f when coupled
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    params: dict
    peephole: bool
    coupled: bool


class LSTMCache(NamedTuple):
    """What a forward pass over a sequence keeps: inputs, states and gates, all stacked.

    cs, i, f, g, o are (T, N, H), hs too ((T, N, P) with a projection): ``cs[-1]`` is the
    final cell state and ``f[t]`` the forget gate at step t (handy for plotting gate
    activations).
    """

    xs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    hs: np.ndarray
    cs: np.ndarray
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    params: dict
    peephole: bool
    coupled: bool


def lstm_param_shapes(
    input_size: int,
    hidden_size: int,
    peephole: bool = False,
    coupled: bool = False,
    proj_size: int = 0,
) -> dict[str, tuple[int, ...]]:
    """The parameter names and shapes of an LSTM with the given variant flags."""
    if not 0 <= proj_size < hidden_size:
        raise ValueError(
            f"LSTM: expected 0 <= proj_size < hidden_size = {hidden_size}, received {proj_size}"
        )
    rows = (3 if coupled else 4) * hidden_size
    shapes = {"W_x": (rows, input_size), "W_h": (rows, proj_size or hidden_size), "b": (rows,)}
    if peephole:
        gates = ("f", "o") if coupled else ("i", "f", "o")
        shapes.update({f"w_c{gate}": (hidden_size,) for gate in gates})
    if proj_size:
        shapes["W_hr"] = (proj_size, hidden_size)
    return shapes


def init_lstm_params(
    input_size: int,
    hidden_size: int,
    rng: np.random.Generator | int | None = None,
    peephole: bool = False,
    coupled: bool = False,
    proj_size: int = 0,
) -> dict[str, np.ndarray]:
    """Create LSTM parameters: weights uniform in ±1/√H (torch's default), biases zero.

    Args:
        input_size: D. hidden_size: H. rng: a numpy Generator or an integer seed (None: 0).
        peephole, coupled: the variant (see the module docstring).
        proj_size: P, the size of the projected hidden state (0: no projection).

    Returns:
        {"W_x": (G·H, D), "W_h": (G·H, H), "b": (G·H,)} plus the peephole vectors, G = 4 or 3;
        with a projection W_h is (G·H, P) and "W_hr" (P, H) is added.
    """
    rng = make_rng(rng)
    k = 1.0 / np.sqrt(hidden_size)
    shapes = lstm_param_shapes(input_size, hidden_size, peephole, coupled, proj_size)
    return {
        key: np.zeros(shape) if key == "b" else rng.uniform(-k, k, shape)
        for key, shape in shapes.items()
    }


def _check_lstm(params: dict, peephole: bool, coupled: bool) -> tuple[int, int, int]:
    """Validate parameters against the variant flags; return (D, H, size of h)."""
    if np.ndim(params.get("W_x")) != 2 or np.ndim(params.get("W_h")) != 2:
        raise ValueError("LSTM params: expected 'W_x' of shape (G·H, D) and 'W_h' (G·H, H)")
    if "W_hr" in params and np.ndim(params["W_hr"]) != 2:
        raise ValueError(
            f"LSTM params: expected 'W_hr' of shape (P, H), received {np.shape(params['W_hr'])}"
        )
    if "W_hr" in params:  # a projection: W_hr (P, H)
        proj, hidden = np.shape(params["W_hr"])
    else:
        proj, hidden = 0, np.shape(params["W_h"])[1]
    inputs = np.shape(params["W_x"])[1]
    check_params(params, lstm_param_shapes(inputs, hidden, peephole, coupled, proj), "LSTM")
    return inputs, hidden, proj or hidden


def _cell(x_part, h_prev, c_prev, params, peephole, coupled):
    """One step given the input's share x_part = W_x x + b; returns i, f, g, o, c, h."""
    a = x_part + h_prev @ params["W_h"].T
    if coupled:
        a_f, a_g, a_o = np.split(a, 3, axis=1)
    else:
        a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    if peephole:
        a_f = a_f + params["w_cf"] * c_prev
        if not coupled:
            a_i = a_i + params["w_ci"] * c_prev
    f = sigmoid(a_f)
    i = 1.0 - f if coupled else sigmoid(a_i)
    g = np.tanh(a_g)
    c = f * c_prev + i * g
    if peephole:
        a_o = a_o + params["w_co"] * c
    o = sigmoid(a_o)
    h = o * np.tanh(c)
    if "W_hr" in params:  # the projection h = W_hr (o ⊙ tanh(c))
        h = h @ params["W_hr"].T
    return i, f, g, o, c, h


def _cell_backward(dh, dc, c_prev, i, f, g, o, c, params, peephole, coupled):
    """Backward of one step down to the pre-activations.

    Returns da (N, G·H), the gradient of a = W_x x + W_h h_prev + b, dc_prev (N, H) and the
    gradients of the peepholes and the projection W_hr (an empty dict without them).
    """
    extra_grads = {}
    tanh_c = np.tanh(c)
    if "W_hr" in params:  # h = W_hr m with m = o ⊙ tanh(c): ∂L/∂W_hr = dhᵀ m, ∂L/∂m = dh W_hr
        extra_grads["W_hr"] = dh.T @ (o * tanh_c)
        dh = dh @ params["W_hr"]
    da_o = dh * tanh_c * o * (1.0 - o)  # h = o ⊙ tanh(c), σ' = σ(1 − σ)
    dc = dc + dh * o * (1.0 - tanh_c**2)
    if peephole:  # a_o = … + w_co ⊙ c
        dc = dc + da_o * params["w_co"]
        extra_grads["w_co"] = (da_o * c).sum(axis=0)
    # c = f ⊙ c_prev + i ⊙ g
    df = dc * c_prev
    di = dc * g
    da_g = dc * i * (1.0 - g**2)
    dc_prev = dc * f
    if coupled:  # i = 1 − f sends −di to f
        da_f = (df - di) * f * (1.0 - f)
        da = np.concatenate([da_f, da_g, da_o], axis=1)
    else:
        da_f = df * f * (1.0 - f)
        da_i = di * i * (1.0 - i)
        da = np.concatenate([da_i, da_f, da_g, da_o], axis=1)
    if peephole:  # a_f (and a_i) = … + w_c· ⊙ c_prev
        dc_prev = dc_prev + da_f * params["w_cf"]
        extra_grads["w_cf"] = (da_f * c_prev).sum(axis=0)
        if not coupled:
            dc_prev = dc_prev + da_i * params["w_ci"]
            extra_grads["w_ci"] = (da_i * c_prev).sum(axis=0)
    return da, dc_prev, extra_grads


def lstm_step_forward(
    x: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    params: dict,
    peephole: bool = False,
    coupled: bool = False,
) -> tuple[np.ndarray, np.ndarray, LSTMStepCache]:
    """One LSTM step (equations in the module docstring).

    Args:
        x: (N, D). h_prev, c_prev: (N, H) (h_prev (N, P) with a projection).
        params: see :func:`init_lstm_params`.
        peephole, coupled: the variant; must match the parameters.

    Returns:
        h (N, H) (or (N, P)), c (N, H), cache for :func:`lstm_step_backward` (its fields
        i, f, g, o hold the gate activations).
    """
    inputs, hidden, h_size = _check_lstm(params, peephole, coupled)
    x = as_array("x", x)
    expect_shape("x", x, (None, inputs), "(N, D)")
    h_prev = as_array("h_prev", h_prev)
    expect_shape("h_prev", h_prev, (x.shape[0], h_size), "(N, H)")
    c_prev = as_array("c_prev", c_prev)
    expect_shape("c_prev", c_prev, (x.shape[0], hidden), "(N, H)")
    x_part = x @ params["W_x"].T + params["b"]
    i, f, g, o, c, h = _cell(x_part, h_prev, c_prev, params, peephole, coupled)
    return h, c, LSTMStepCache(x, h_prev, c_prev, i, f, g, o, c, params, peephole, coupled)


def lstm_step_backward(
    dh: np.ndarray, dc: np.ndarray, cache: LSTMStepCache
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backward of one LSTM step.

    Args:
        dh: (N, H) gradient of the loss with respect to this step's h ((N, P) with a
            projection), from the output and from the next step together.
        dc: (N, H) the gradient arriving along the cell state from the next step only
            (zeros after the last step). The path through ``h_t = o_t * tanh(c_t)`` is added
            here, so the full gradient with respect to ``c_t`` is ``dc`` plus that term.

    Returns:
        dx (N, D), dh_prev (N, H) (or (N, P)), dc_prev (N, H), grads with the keys of the
        parameters.
    """
    dh = as_array("dh", dh)
    expect_shape("dh", dh, cache.h_prev.shape, "(N, H)")
    dc = as_array("dc", dc)
    expect_shape("dc", dc, cache.c.shape, "(N, H)")
    x, h_prev, c_prev, i, f, g, o, c, params, peephole, coupled = cache
    da, dc_prev, grads = _cell_backward(dh, dc, c_prev, i, f, g, o, c, params, peephole, coupled)
    grads.update({"W_x": da.T @ x, "W_h": da.T @ h_prev, "b": da.sum(axis=0)})
    return da @ params["W_x"], da @ params["W_h"], dc_prev, grads


def lstm_forward(
    xs: np.ndarray,
    h0: np.ndarray | None,
    c0: np.ndarray | None,
    params: dict,
    peephole: bool = False,
    coupled: bool = False,
) -> tuple[np.ndarray, LSTMCache]:
    """Run the LSTM over a sequence.

    The input's share W_x x_t + b of every step is computed before the loop, in one product.

    Args:
        xs: (T, N, D). h0, c0: (N, H) initial states, or None for zeros (h0 (N, P) with a
            projection).
        params, peephole, coupled: as in :func:`lstm_step_forward`.

    Returns:
        hs: (T, N, H) every hidden state ((T, N, P) with a projection).
        cache: an :class:`LSTMCache`. The final states, to carry into the next chunk in
            truncated BPTT, are ``hs[-1]`` and ``cache.cs[-1]``; the gate activations are
            ``cache.i``, ``.f``, ``.g``, ``.o``, each (T, N, H).
    """
    inputs, hidden, h_size = _check_lstm(params, peephole, coupled)
    xs = as_array("xs", xs)
    expect_shape("xs", xs, (None, None, inputs), "(T, N, D)")
    h0 = np.zeros((xs.shape[1], h_size)) if h0 is None else as_array("h0", h0)
    expect_shape("h0", h0, (xs.shape[1], h_size), "(N, H)")
    c0 = np.zeros((xs.shape[1], hidden)) if c0 is None else as_array("c0", c0)
    expect_shape("c0", c0, (xs.shape[1], hidden), "(N, H)")
    x_part = xs @ params["W_x"].T + params["b"]  # (T, N, G·H)
    hs = np.empty((len(xs), xs.shape[1], h_size))
    cs, i, f, g, o = (np.empty((len(xs), xs.shape[1], hidden)) for _ in range(5))
    h, c = h0, c0
    for t in range(len(xs)):
        i[t], f[t], g[t], o[t], c, h = _cell(x_part[t], h, c, params, peephole, coupled)
        hs[t], cs[t] = h, c
    return hs, LSTMCache(xs, h0, c0, hs, cs, i, f, g, o, params, peephole, coupled)


def lstm_backward(
    dhs: np.ndarray, cache: LSTMCache, dc_T: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Backpropagation through time for the LSTM.

    The loop carries dh and dc backwards; the cell state passes gradient on additively,
    dc_{t−1} = dc_t ⊙ f_t (+ peephole terms), which is why LSTMs remember over long spans.
    Weight gradients are sums over t, computed after the loop from the stacked da_t:
    dW_x = Σ_t da_tᵀ x_t, dW_h = Σ_t da_tᵀ h_{t−1}, db = Σ_t Σ_rows da_t.

    Args:
        dhs: (T, N, H) upstream gradients of every hidden state ((T, N, P) with a projection);
            ``dhs[-1]`` includes whatever reaches the final state h_T from later.
        cache: from lstm_forward.
        dc_T: (N, H) upstream gradient of the final cell state c_T, or None for zeros. A loss
            that reads c_T, or truncated BPTT that carries the gradient of the next chunk's
            initial cell state (that chunk's ``dc0``) back into this one, passes it here.

    Returns:
        dxs (T, N, D), dh0 (N, H) (or (N, P)), dc0 (N, H), grads summed over time.
    """
    xs, h0, c0, hs, cs, i, f, g, o, params, peephole, coupled = cache
    dhs = as_array("dhs", dhs)
    expect_shape("dhs", dhs, hs.shape, "(T, N, H)")
    if dc_T is None:
        dc_T = np.zeros_like(c0)
    dc_T = as_array("dc_T", dc_T)
    expect_shape("dc_T", dc_T, c0.shape, "(N, H)")
    c_prevs = np.concatenate([c0[None], cs[:-1]])
    das = np.empty((*hs.shape[:2], params["W_h"].shape[0]))
    grads: dict[str, np.ndarray] = {}
    dh_next, dc_next = np.zeros_like(h0), dc_T
    for t in reversed(range(len(hs))):
        das[t], dc_next, extra_grads = _cell_backward(
            dhs[t] + dh_next, dc_next, c_prevs[t], i[t], f[t], g[t], o[t], cs[t],
            params, peephole, coupled,
        )  # fmt: skip
        dh_next = das[t] @ params["W_h"]
        for key, value in extra_grads.items():
            grads[key] = grads.get(key, 0.0) + value
    h_prevs = np.concatenate([h0[None], hs[:-1]])
    grads.update(
        {"W_x": sum_outer(das, xs), "W_h": sum_outer(das, h_prevs), "b": das.sum(axis=(0, 1))}
    )
    return das @ params["W_x"], dh_next, dc_next, grads
