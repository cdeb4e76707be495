"""Recurrent cells: one time step of the vanilla RNN, the LSTM and the GRU, in torch.

Parameters carry ``torch.nn``'s names and shapes: ``weight_ih (G*H, D)``, ``weight_hh (G*H, H)``,
``bias_ih (G*H,)``, ``bias_hh (G*H,)`` with the gates stacked in torch's order (LSTM i, f, g, o;
GRU r, z, n), so ``load_state_dict`` works in both directions with ``torch.nn.RNNCell``,
``LSTMCell`` and ``GRUCell``. Inputs are ``x (N, D)``, states ``(N, H)``.

Each step is also a plain function of the input projection ``xw = W_ih x + b_ih`` computed
outside it: the layers of :mod:`rnnbook.nn.layers` compute ``xw`` for all time steps at once
and call the same functions in their time loop.
"""

import math

import torch
from torch import Tensor, nn
from torch.nn import functional as F

__all__ = ["GRUCell", "LSTMCell", "RNNCell", "gru_step", "lstm_step", "rnn_step"]


def rnn_step(xw: Tensor, h: Tensor, weight_hh: Tensor, bias_hh: Tensor | None, act) -> Tensor:
    """``h' = act(xw + W_hh h + b_hh)`` with ``xw = W_ih x + b_ih`` given, ``(N, H)``."""
    return act(xw + F.linear(h, weight_hh, bias_hh))


def lstm_step(
    xw: Tensor, h: Tensor, c: Tensor, weight_hh: Tensor, bias_hh: Tensor | None
) -> tuple[Tensor, Tensor]:
    """One LSTM step from the input projection ``xw (N, 4H)`` (gates i, f, g, o).

    ``[a_i, a_f, a_g, a_o] = xw + W_hh h + b_hh`` (one fused product for the four gates), then
    ``c' = σ(a_f) ⊙ c + σ(a_i) ⊙ tanh(a_g)`` and ``h' = σ(a_o) ⊙ tanh(c')``.
    The layers fold ``b_hh`` into ``xw`` and pass ``bias_hh=None``.
    """
    if bias_hh is None:
        a = torch.addmm(xw, h, weight_hh.t())
    else:
        a = xw + F.linear(h, weight_hh, bias_hh)
    a_i, a_f, a_g, a_o = a.chunk(4, 1)
    c = torch.sigmoid(a_f) * c + torch.sigmoid(a_i) * torch.tanh(a_g)
    return torch.sigmoid(a_o) * torch.tanh(c), c


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


def check_input(x: Tensor, axes: str, size: int, what: str) -> None:
    """Raise ValueError unless ``x`` has the leading ``axes`` (``"T, N"``) and last size ``size``.

    The message shows the layout the caller passes, so a ``batch_first`` layer reports
    ``(N, T, D)`` and the shape as it was received.
    """
    if x.dim() != len(axes.split(",")) + 1 or x.shape[-1] != size:
        raise ValueError(f"expected {what} of shape ({axes}, {size}), received {tuple(x.shape)}")


def check_state(h: Tensor, shape: tuple[int, ...], what: str) -> None:
    if tuple(h.shape) != shape:
        raise ValueError(f"expected {what} of shape {shape}, received {tuple(h.shape)}")


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

    def _prepare(self, x: Tensor, h: Tensor | None) -> Tensor:
        check_input(x, "N", self.input_size, "input")
        if h is None:
            return x.new_zeros(x.shape[0], self.hidden_size)
        check_state(h, (x.shape[0], self.hidden_size), "state")
        return h

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}"


class RNNCell(_Cell):
    """Vanilla RNN step ``h' = act(W_ih x + b_ih + W_hh h + b_hh)``, act = tanh or relu.

    ``forward(x (N, D), h=None (N, H)) -> h' (N, H)``; ``h=None`` means zeros.
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh"
    ):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"expected nonlinearity 'tanh' or 'relu', received {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias, gates=1)
        self.nonlinearity = nonlinearity

    def forward(self, x: Tensor, h: Tensor | None = None) -> Tensor:
        h = self._prepare(x, h)
        act = torch.tanh if self.nonlinearity == "tanh" else torch.relu
        return rnn_step(
            F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh, act
        )


class LSTMCell(_Cell):
    """LSTM step, ``forward(x (N, D), state=None) -> (h', c')``, each ``(N, H)``.

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
        h, c = (None, None) if state is None else state
        h, c = self._prepare(x, h), self._prepare(x, c)
        xw = F.linear(x, self.weight_ih, self.bias_ih)
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
    """GRU step, ``forward(x (N, D), h=None) -> h' (N, H)`` (gates r, z, n).

    ``reset_after=True`` is ``torch.nn.GRUCell``; ``False`` applies the reset gate before
    ``W_hn`` as Cho et al. did (same parameters, different function). See :func:`gru_step`.
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, reset_after: bool = True
    ):
        super().__init__(input_size, hidden_size, bias, gates=3)
        self.reset_after = reset_after

    def forward(self, x: Tensor, h: Tensor | None = None) -> Tensor:
        h = self._prepare(x, h)
        xw = F.linear(x, self.weight_ih, self.bias_ih)
        return gru_step(xw, h, self.weight_hh, self.bias_hh, self.reset_after)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, reset_after={self.reset_after}"
