"""Recurrent cells: one time step of the vanilla RNN, the LSTM and the GRU, in torch.

Parameters carry ``torch.nn``'s names and shapes: ``weight_ih (G*H, D)``, ``weight_hh (G*H, H)``,
``bias_ih (G*H,)``, ``bias_hh (G*H,)`` with the gates stacked in torch's order (LSTM i, f, g, o;
GRU r, z, n), so ``load_state_dict`` works in both directions with ``torch.nn.RNNCell``,
``LSTMCell`` and ``GRUCell``. Inputs are ``x (N, D)``, states ``(N, H)``; as in torch.nn, a
single unbatched step ``x (D,)`` with states ``(H,)`` gives states ``(H,)`` (see
:func:`as_batched`, which the layers share).

Each step is also a plain function of the input projection ``xw = W_ih x + b_ih`` computed
outside it: the layers of :mod:`rnnbook.nn.layers` compute ``xw`` for all time steps at once
and call the same functions in their time loop.
"""

import math
from collections.abc import Sequence
from typing import NamedTuple

import torch
from torch import Tensor, nn
from torch.autograd.function import once_differentiable
from torch.nn import functional as F

__all__ = [
    "Batched",
    "GRUCell",
    "LSTMCell",
    "LSTMPointwise",
    "RNNCell",
    "as_batched",
    "gru_step",
    "lstm_pointwise",
    "lstm_step",
    "rnn_step",
]


def rnn_step(xw: Tensor, h: Tensor, weight_hh: Tensor, bias_hh: Tensor | None, act) -> Tensor:
    """``h' = act(xw + W_hh h + b_hh)`` with ``xw = W_ih x + b_ih`` given, ``(N, H)``."""
    return act(xw + F.linear(h, weight_hh, bias_hh))


def lstm_step(
    xw: Tensor,
    h: Tensor,
    c: Tensor,
    weight_hh: Tensor,
    bias_hh: Tensor | None,
    weight_hr: Tensor | None = None,
    fused: bool = False,
) -> tuple[Tensor, Tensor]:
    """One LSTM step from the input projection ``xw (N, 4H)`` (gates i, f, g, o).

    ``[a_i, a_f, a_g, a_o] = xw + W_hh h + b_hh`` (one fused product for the four gates), then
    ``c' = σ(a_f) ⊙ c + σ(a_i) ⊙ tanh(a_g)`` and ``h' = σ(a_o) ⊙ tanh(c')``; with a projection
    ``weight_hr (P, H)`` (torch's ``proj_size = P``) ``h' = W_hr (σ(a_o) ⊙ tanh(c'))`` is
    ``(N, P)`` and ``weight_hh`` is ``(4H, P)``. The layers fold ``b_hh`` into ``xw`` and pass
    ``bias_hh=None``. ``fused=True`` runs the gate arithmetic as one autograd node with a
    hand-written backward (:class:`LSTMPointwise`): same values, fewer nodes to record.
    """
    if bias_hh is None:
        a = torch.addmm(xw, h, weight_hh.t())
    else:
        a = xw + F.linear(h, weight_hh, bias_hh)
    if fused and weight_hr is None:
        return lstm_pointwise(a, c)
    a_i, a_f, a_g, a_o = a.chunk(4, 1)
    c = torch.sigmoid(a_f) * c + torch.sigmoid(a_i) * torch.tanh(a_g)
    h = torch.sigmoid(a_o) * torch.tanh(c)
    return (h if weight_hr is None else F.linear(h, weight_hr)), c


_tanh_backward = torch.ops.aten.tanh_backward
_sigmoid_backward = torch.ops.aten.sigmoid_backward


class LSTMPointwise(torch.autograd.Function):
    """The LSTM's gate arithmetic as one autograd node with a hand-written backward.

    ``forward(a (N, 4H), c (N, H)) -> (h' (N, H), c' (N, H))`` with the pre-activations
    ``a = [a_i, a_f, a_g, a_o]``: ``c' = σ(a_f) ⊙ c + σ(a_i) ⊙ tanh(a_g)``,
    ``h' = σ(a_o) ⊙ tanh(c')``. Autograd would record about ten nodes for these lines and
    keep each one's inputs; here one node keeps the four gate values and ``tanh(c')``, and
    the backward is the chain rule written out (chapter 06's ``lstm_backward``)::

        dc' += dh' ⊙ o ⊙ (1 - tanh²c')        do = dh' ⊙ tanh c' ⊙ o(1 - o)
        di = dc' ⊙ g ⊙ i(1 - i)   df = dc' ⊙ c ⊙ f(1 - f)   dg = dc' ⊙ i ⊙ (1 - g²)
        dc = dc' ⊙ f

    The gate values it keeps are computed outside autograd, so this backward cannot itself be
    differentiated (``once_differentiable``: second derivatives raise an error; use
    ``fused=False`` in :func:`lstm_step` for those). Use it through :func:`lstm_pointwise`.
    """

    @staticmethod
    def forward(ctx, a: Tensor, c: Tensor) -> tuple[Tensor, Tensor]:
        H = c.shape[-1]
        s = torch.sigmoid(a)  # all four blocks: cheaper than cutting out g first
        i, f, o = s[:, :H], s[:, H : 2 * H], s[:, 3 * H :]
        g = torch.tanh(a[:, 2 * H : 3 * H])
        c_new = torch.addcmul(f * c, i, g)
        tanh_c = torch.tanh(c_new)
        h_new = o * tanh_c
        ctx.save_for_backward(i, f, g, o, c, tanh_c)
        return h_new, c_new

    @staticmethod
    @once_differentiable
    def backward(ctx, dh: Tensor, dc_new: Tensor) -> tuple[Tensor, Tensor]:
        i, f, g, o, c, tanh_c = ctx.saved_tensors
        # tanh_backward(d, y) = d ⊙ (1 - y²) and sigmoid_backward(d, y) = d ⊙ y(1 - y): one
        # kernel each, the same ones autograd runs for torch.tanh and torch.sigmoid
        dc = dc_new + _tanh_backward(dh * o, tanh_c)  # autograd passes zeros, not None
        da = torch.cat(
            (
                _sigmoid_backward(dc * g, i),  # d a_i
                _sigmoid_backward(dc * c, f),  # d a_f
                _tanh_backward(dc * i, g),  # d a_g
                _sigmoid_backward(dh * tanh_c, o),  # d a_o
            ),
            1,
        )
        return da, dc * f


def lstm_pointwise(a: Tensor, c: Tensor) -> tuple[Tensor, Tensor]:
    """``(h', c')`` from gate pre-activations ``a (N, 4H)`` and cell ``c (N, H)``, one node.

    Same values as the unfused lines in :func:`lstm_step`; see :class:`LSTMPointwise`.
    """
    if a.dim() != 2 or c.dim() != 2 or a.shape != (c.shape[0], 4 * c.shape[1]):
        raise ValueError(
            f"expected gates a of shape (N, 4H) and cell c of shape (N, H), received "
            f"{tuple(a.shape)} and {tuple(c.shape)}"
        )
    return LSTMPointwise.apply(a, c)


def gru_step(
    xw: Tensor, h: Tensor, weight_hh: Tensor, bias_hh: Tensor | None, reset_after: bool = True
) -> Tensor:
    """One GRU step from the input projection ``xw (N, 3H)`` (gates r, z, n).

    ``r = σ(x_r + W_hr h + b_hr)``, ``z = σ(x_z + W_hz h + b_hz)``, and the candidate
    ``n = tanh(x_n + r ⊙ (W_hn h + b_hn))`` (``reset_after``, torch's form) or
    ``n = tanh(x_n + W_hn (r ⊙ h) + b_hn)`` (Cho et al.); then ``h' = (1 - z) ⊙ n + z ⊙ h``.
    """
    x_r, x_z, x_n = xw.chunk(3, 1)
    H = h.shape[1]
    if reset_after:
        h_r, h_z, h_n = F.linear(h, weight_hh, bias_hh).chunk(3, 1)
        r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
        n = torch.tanh(x_n + r * h_n)
    else:
        b_rz, b_n = (None, None) if bias_hh is None else (bias_hh[: 2 * H], bias_hh[2 * H :])
        h_r, h_z = F.linear(h, weight_hh[: 2 * H], b_rz).chunk(2, 1)
        r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
        n = torch.tanh(x_n + F.linear(r * h, weight_hh[2 * H :], b_n))
    return n + z * (h - n)  # = (1 - z) n + z h


class Batched(NamedTuple):
    """An input and its states with a batch axis, and the way back (see :func:`as_batched`)."""

    x: Tensor
    states: tuple[Tensor, ...]
    unbatched: bool  # the caller passed no batch axis: remove it again from the results
    x_dim: int  # the batch axis of x (and of outputs shaped like it)
    state_dims: tuple[int, ...]  # the batch axis of each state

    def output(self, y: Tensor) -> Tensor:
        """``y`` shaped like ``x``, as the caller passed ``x`` (without batch axis if unbatched)."""
        return y.squeeze(self.x_dim) if self.unbatched else y

    def state(self, h: Tensor, k: int = 0) -> Tensor:
        """A state shaped like state ``k``, as the caller passed it."""
        return h.squeeze(self.state_dims[k]) if self.unbatched else h


def as_batched(
    x: Tensor,
    axes: str,
    size: int,
    what: str,
    states: Sequence[tuple[str, Tensor | None, tuple[int | None, ...]]] = (),
) -> Batched:
    """Check ``x`` and its states and give them a batch axis if the caller left it out.

    Args:
        x: the input, ``(*axes, size)`` with the batch axis ``N`` among ``axes`` (``"N"`` for a
            cell, ``"T, N"`` or ``"N, T"`` for a layer), or unbatched without that axis, which
            torch.nn accepts since 1.11: ``(size,)`` for a cell, ``(T, size)`` for a layer.
        axes, size, what: the leading axes, the feature size and the name in messages.
        states: ``(name, tensor or None, shape)`` with ``None`` at the batch axis of ``shape``,
            e.g. ``("h0", h0, (L, None, H))``. A state must be unbatched exactly when ``x`` is.

    Returns:
        A :class:`Batched`: ``x`` and the states with their batch axis (``N = 1`` when
        unbatched; a ``None`` state becomes zeros), and ``output``/``state`` to undo it.

    Raises:
        ValueError: naming the expected and the received shape.
    """
    names = [a.strip() for a in axes.split(",")]
    x_dim = names.index("N")
    unbatched_axes = [a for a in names if a != "N"]
    if x.dim() not in (len(names), len(names) + 1) or x.shape[-1] != size:
        batched_shape, single_shape = (
            "(" + ", ".join([*a, str(size)]) + ("," if not a else "") + ")"
            for a in (names, unbatched_axes)
        )
        raise ValueError(
            f"expected {what} of shape {batched_shape} or, unbatched, {single_shape}, "
            f"received {tuple(x.shape)}"
        )
    unbatched = x.dim() == len(names)
    N = 1 if unbatched else x.shape[x_dim]
    batched_states, state_dims = [], []
    for name, h, shape in states:
        dim = shape.index(None)
        full = tuple(N if s is None else s for s in shape)
        if h is None:
            h = x.new_zeros(full)
        else:
            expected = full[:dim] + full[dim + 1 :] if unbatched else full
            if tuple(h.shape) != expected:
                raise ValueError(
                    f"expected {name} of shape {expected}"
                    + (f" for an unbatched {what}" if unbatched else "")
                    + f", received {tuple(h.shape)}"
                )
            h = h.unsqueeze(dim) if unbatched else h
        batched_states.append(h)
        state_dims.append(dim)
    return Batched(
        x.unsqueeze(x_dim) if unbatched else x,
        tuple(batched_states),
        unbatched,
        x_dim,
        tuple(state_dims),
    )


class _Cell(nn.Module):
    """Shared parameters of a cell with ``gates`` stacked blocks."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, gates: int):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.weight_ih = nn.Parameter(torch.empty(gates * hidden_size, input_size))
        self.weight_hh = nn.Parameter(torch.empty(gates * hidden_size, hidden_size))
        self.bias_ih = nn.Parameter(torch.empty(gates * hidden_size)) if bias else None
        self.bias_hh = nn.Parameter(torch.empty(gates * hidden_size)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every parameter ~ U(-1/√H, 1/√H), as torch.nn initialises them."""
        bound = 1 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def _batched(self, x: Tensor, *states: Tensor | None, names=("state",)) -> Batched:
        """``x (N, D)`` or ``(D,)`` and states ``(N, H)`` or ``(H,)`` -> batched, zeros for None."""
        shape = (None, self.hidden_size)
        specs = [(name, h, shape) for name, h in zip(names, states, strict=True)]
        return as_batched(x, "N", self.input_size, "input", specs)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}"


class RNNCell(_Cell):
    """Vanilla RNN step ``h' = act(W_ih x + b_ih + W_hh h + b_hh)``, act = tanh or relu.

    ``forward(x (N, D), h=None (N, H)) -> h' (N, H)``; ``h=None`` means zeros. Unbatched:
    ``x (D,)``, ``h (H,)`` -> ``h' (H,)``.
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh"
    ):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"expected nonlinearity 'tanh' or 'relu', received {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias, gates=1)
        self.nonlinearity = nonlinearity

    def forward(self, x: Tensor, h: Tensor | None = None) -> Tensor:
        batch = self._batched(x, h)
        act = torch.tanh if self.nonlinearity == "tanh" else torch.relu
        xw = F.linear(batch.x, self.weight_ih, self.bias_ih)
        return batch.state(rnn_step(xw, batch.states[0], self.weight_hh, self.bias_hh, act))


class LSTMCell(_Cell):
    """LSTM step, ``forward(x (N, D), state=None) -> (h', c')``, each ``(N, H)``; unbatched
    ``x (D,)`` with ``h, c (H,)`` -> ``h', c' (H,)``.

    Standard form (gates i, f, g, o, as ``torch.nn.LSTMCell``)::

        i = σ(W_i [x; h] + b_i)   f = σ(W_f [x; h] + b_f)   g = tanh(W_g [x; h] + b_g)
        c' = f ⊙ c + i ⊙ g        o = σ(W_o [x; h] + b_o)   h' = o ⊙ tanh(c')

    ``peephole=True`` lets the gates look at the cell (Gers & Schmidhuber): ``p_i ⊙ c`` and
    ``p_f ⊙ c`` are added inside i and f, ``p_o ⊙ c'`` inside o, with diagonal peephole
    weights ``peephole_i``, ``peephole_f``, ``peephole_o`` of shape ``(H,)``.
    ``coupled=True`` lets one gate decide both forgetting and writing, ``i = 1 - f``
    (``c' = f ⊙ c + (1 - f) ⊙ g``): the weights then hold only the gates f, g, o (``3H`` rows),
    as in ``rnnbook.scratch``. Both variants change the parameters, so only the standard
    form loads torch.nn's ``state_dict``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        peephole: bool = False,
        coupled: bool = False,
    ):
        super().__init__(input_size, hidden_size, bias, gates=3 if coupled else 4)
        self.peephole, self.coupled = peephole, coupled
        if peephole:
            for gate in ("f", "o") if coupled else ("i", "f", "o"):
                self.register_parameter(f"peephole_{gate}", nn.Parameter(torch.empty(hidden_size)))
            self.reset_parameters()

    def forward(
        self, x: Tensor, state: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor]:
        if state is not None and not (isinstance(state, tuple | list) and len(state) == 2):
            raise ValueError(
                f"expected the LSTM state as a pair (h, c), received {type(state).__name__}"
            )
        batch = self._batched(x, *(state or (None, None)), names=("state h", "state c"))
        h, c = self._step(F.linear(batch.x, self.weight_ih, self.bias_ih), *batch.states)
        return batch.state(h), batch.state(c, 1)

    def _step(self, xw: Tensor, h: Tensor, c: Tensor) -> tuple[Tensor, Tensor]:
        """``(N, G*H)``, ``(N, H)``, ``(N, H)`` -> ``h', c'``, the variant's equations."""
        if not (self.peephole or self.coupled):
            return lstm_step(xw, h, c, self.weight_hh, self.bias_hh)
        gates = xw + F.linear(h, self.weight_hh, self.bias_hh)
        if self.coupled:
            a_f, a_g, a_o = gates.chunk(3, 1)
        else:
            a_i, a_f, a_g, a_o = gates.chunk(4, 1)
        if self.peephole:
            a_f = a_f + self.peephole_f * c
            if not self.coupled:
                a_i = a_i + self.peephole_i * c
        f = torch.sigmoid(a_f)
        i = 1 - f if self.coupled else torch.sigmoid(a_i)
        c = f * c + i * torch.tanh(a_g)
        o = torch.sigmoid(a_o + self.peephole_o * c if self.peephole else a_o)
        return o * torch.tanh(c), c

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, peephole={self.peephole}, coupled={self.coupled}"


class GRUCell(_Cell):
    """GRU step, ``forward(x (N, D), h=None) -> h' (N, H)`` (gates r, z, n); unbatched
    ``x (D,)``, ``h (H,)`` -> ``h' (H,)``.

    ``reset_after=True`` is ``torch.nn.GRUCell``; ``False`` applies the reset gate before
    ``W_hn`` as Cho et al. did (same parameters, different function). See :func:`gru_step`.
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, reset_after: bool = True
    ):
        super().__init__(input_size, hidden_size, bias, gates=3)
        self.reset_after = reset_after

    def forward(self, x: Tensor, h: Tensor | None = None) -> Tensor:
        batch = self._batched(x, h)
        xw = F.linear(batch.x, self.weight_ih, self.bias_ih)
        h = gru_step(xw, batch.states[0], self.weight_hh, self.bias_hh, self.reset_after)
        return batch.state(h)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, reset_after={self.reset_after}"
