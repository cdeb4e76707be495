"""Recurrent layers over whole sequences: stacked, optionally bidirectional, with lengths.

``RNN``, ``LSTM`` and ``GRU`` follow ``torch.nn``'s interface and parameter names
(``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}``, plus the suffix
``_reverse`` for the backward direction), so ``load_state_dict`` works in both directions::

    output, h_n = layer(x, h0=None, lengths=None)

* ``x``: ``(T, N, D)`` (``(N, T, D)`` with ``batch_first``).
* ``h0``: ``(num_layers * num_directions, N, H)``, zeros if None; for the LSTM a pair
  ``(h0, c0)``. Row ``k * num_directions + d`` belongs to layer ``k``, direction ``d``.
* ``output``: ``(T, N, num_directions * H)``, the top layer's hidden states, directions
  concatenated. ``h_n`` is shaped like ``h0`` and holds each sequence's final state.
* ``lengths``: ``(N,)`` true lengths, ``1 <= lengths[n] <= T``. Steps ``t >= lengths[n]``
  leave the state unchanged and give zeros in ``output``, exactly what
  ``pack_padded_sequence`` followed by ``pad_packed_sequence`` gives: the forward direction
  stops at each sequence's last step, the backward one starts there.

Speed: each layer and direction computes the input projection of all time steps in one
matrix product, ``XW = X W_ih^T + b`` of shape ``(T, N, G*H)``, so the time loop only adds
``W_hh h_{t-1}`` to one row block of it and applies the gate nonlinearities. On a GPU the
time loop is launch-bound; the opt-in remedy is ``torch.compile(layer, mode="reduce-overhead")``,
which replays the unrolled loop as CUDA graphs (``benchmarks/bench_lstm.py`` measures it).
"""

import math

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from rnnbook.nn.cells import check_input, check_state, gru_step, lstm_step, rnn_step

__all__ = ["GRU", "LSTM", "RNN", "FusedGRU", "FusedLSTM", "FusedRNN"]


def check_lengths(lengths, T: int, N: int) -> Tensor:
    """``lengths`` as a tensor ``(N,)``; a ValueError unless every length is in ``[1, T]``."""
    lengths = torch.as_tensor(lengths)
    if lengths.shape != (N,):
        raise ValueError(f"expected lengths of shape ({N},), received {tuple(lengths.shape)}")
    if lengths.min() < 1 or lengths.max() > T:
        raise ValueError(
            f"expected every length in [1, {T}], received min {int(lengths.min())} and "
            f"max {int(lengths.max())}"
        )
    return lengths


class _Recurrent(nn.Module):
    """Parameters, validation and the layer/direction/time loops shared by the three layers."""

    gates = 1  # stacked gate blocks in the weights: RNN 1, LSTM 4, GRU 3
    has_cell = False  # the LSTM's state is a pair (h, c)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
    ):
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"expected num_layers >= 1, received {num_layers}")
        if not 0 <= dropout < 1:
            raise ValueError(f"expected 0 <= dropout < 1, received {dropout}")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, dropout
        self.bidirectional = bidirectional
        self.num_directions = 2 if bidirectional else 1
        G, H = self.gates, hidden_size
        for layer in range(num_layers):
            in_size = input_size if layer == 0 else H * self.num_directions
            for suffix in self._suffixes(layer):
                self.register_parameter(
                    f"weight_ih{suffix}", nn.Parameter(torch.empty(G * H, in_size))
                )
                self.register_parameter(f"weight_hh{suffix}", nn.Parameter(torch.empty(G * H, H)))
                if bias:
                    self.register_parameter(f"bias_ih{suffix}", nn.Parameter(torch.empty(G * H)))
                    self.register_parameter(f"bias_hh{suffix}", nn.Parameter(torch.empty(G * H)))
        self.reset_parameters()

    def _suffixes(self, layer: int) -> list[str]:
        return [f"_l{layer}", f"_l{layer}_reverse"][: self.num_directions]

    def reset_parameters(self) -> None:
        """Every parameter ~ U(-1/√H, 1/√H), as torch.nn initialises them."""
        bound = 1 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def extra_repr(self) -> str:
        return (
            f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
            f"bidirectional={self.bidirectional}, dropout={self.dropout}, "
            f"batch_first={self.batch_first}"
        )

    # -- one direction of one layer -------------------------------------------------------
    def _project(self, x: Tensor, suffix: str) -> Tensor:
        """``XW = X W_ih^T + b_ih`` for all steps at once: ``(T, N, D) -> (T, N, G*H)``."""
        return F.linear(
            x, getattr(self, f"weight_ih{suffix}"), getattr(self, f"bias_ih{suffix}", None)
        )

    def _step(self, xw: Tensor, state: tuple[Tensor, ...], suffix: str) -> tuple[Tensor, ...]:
        """One time step: projected input ``(N, G*H)`` and state -> new state."""
        raise NotImplementedError

    def _direction(
        self, x: Tensor, state: tuple[Tensor, ...], suffix: str, reverse: bool, mask: Tensor | None
    ) -> tuple[Tensor, tuple[Tensor, ...]]:
        """Run one direction over ``x (T, N, D)`` -> outputs ``(T, N, H)`` and final state."""
        xw = self._project(x, suffix).unbind(0)  # unbind: one backward op, not T index ops
        T = x.shape[0]
        outputs = [None] * T
        for t in range(T - 1, -1, -1) if reverse else range(T):
            new = self._step(xw[t], state, suffix)
            if mask is None:
                state = new
                outputs[t] = new[0]
            else:  # padded steps keep the old state and output zeros
                state = tuple(torch.where(mask[t], n, s) for n, s in zip(new, state, strict=True))
                outputs[t] = torch.where(mask[t], new[0], 0.0)
        return torch.stack(outputs), state

    # -- the whole layer --------------------------------------------------------------------
    def _initial_state(self, x: Tensor, h0) -> tuple[Tensor, ...]:
        N = x.shape[1]
        shape = (self.num_layers * self.num_directions, N, self.hidden_size)
        if h0 is None:
            zeros = x.new_zeros(shape)
            return (zeros, zeros) if self.has_cell else (zeros,)
        if self.has_cell:
            if not (isinstance(h0, tuple | list) and len(h0) == 2):
                raise ValueError(
                    f"expected the LSTM state as a pair (h0, c0), received {type(h0).__name__}"
                )
            check_state(h0[0], shape, "h0")
            check_state(h0[1], shape, "c0")
            return tuple(h0)
        check_state(h0, shape, "h0")
        return (h0,)

    def _mask(self, lengths, T: int, N: int, device: torch.device) -> Tensor:
        """``(T, N, 1)`` boolean, True at real steps ``t < lengths[n]``."""
        lengths = check_lengths(lengths, T, N).to(device)
        return (torch.arange(T, device=device)[:, None] < lengths[None, :]).unsqueeze(-1)

    def forward(self, x: Tensor, h0=None, lengths=None):
        """``x (T, N, D)``, ``h0``, ``lengths (N,)`` -> ``output (T, N, dirs*H)``, ``h_n``."""
        check_input(x, "N, T" if self.batch_first else "T, N", self.input_size, "sequence")
        if self.batch_first:
            x = x.transpose(0, 1)
        T, N, _ = x.shape
        if T == 0 or N == 0:
            raise ValueError(
                f"expected at least one step and one sequence, received {tuple(x.shape)}"
            )
        state0 = self._initial_state(x, h0)
        mask = None if lengths is None else self._mask(lengths, T, N, x.device)
        finals = []
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0:
                x = F.dropout(x, self.dropout, self.training)
            outputs = []
            for d, suffix in enumerate(self._suffixes(layer)):
                k = layer * self.num_directions + d
                out, state = self._direction(
                    x, tuple(s[k] for s in state0), suffix, reverse=d == 1, mask=mask
                )
                outputs.append(out)
                finals.append(state)
            x = torch.cat(outputs, -1) if len(outputs) > 1 else outputs[0]
        h_n = tuple(torch.stack(parts) for parts in zip(*finals, strict=True))
        output = x.transpose(0, 1) if self.batch_first else x
        return output, (h_n if self.has_cell else h_n[0])


class RNN(_Recurrent):
    """Stacked vanilla RNN: ``h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)``, act tanh or relu.

    Same interface as ``torch.nn.RNN``; see the module docstring.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
    ):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"expected nonlinearity 'tanh' or 'relu', received {nonlinearity!r}")
        super().__init__(
            input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional
        )
        self.nonlinearity = nonlinearity

    def _project(self, x, suffix):
        # fold b_hh into the hoisted projection: one bias add for all steps
        xw = super()._project(x, suffix)
        return xw + getattr(self, f"bias_hh{suffix}") if self.bias else xw

    def _step(self, xw, state, suffix):
        act = torch.tanh if self.nonlinearity == "tanh" else torch.relu
        return (rnn_step(xw, state[0], getattr(self, f"weight_hh{suffix}"), None, act),)


class LSTM(_Recurrent):
    """Stacked LSTM (gates i, f, g, o); state ``(h, c)``. Same interface as ``torch.nn.LSTM``.

    ``c_t = σ(f_t) ⊙ c_{t-1} + σ(i_t) ⊙ tanh(g_t)``, ``h_t = σ(o_t) ⊙ tanh(c_t)`` with
    ``[i; f; g; o]_t = XW_t + W_hh h_{t-1}`` and both biases folded into ``XW``.
    """

    gates, has_cell = 4, True

    def _project(self, x, suffix):
        xw = super()._project(x, suffix)
        return xw + getattr(self, f"bias_hh{suffix}") if self.bias else xw

    def _step(self, xw, state, suffix):
        return lstm_step(xw, state[0], state[1], getattr(self, f"weight_hh{suffix}"), None)


class GRU(_Recurrent):
    """Stacked GRU (gates r, z, n). Same interface as ``torch.nn.GRU``.

    ``reset_after=True`` (default) equals ``torch.nn.GRU``; ``False`` is the form of Cho et al.
    with the reset gate applied before ``W_hn`` (see :func:`rnnbook.nn.cells.gru_step`).
    """

    gates = 3

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        reset_after: bool = True,
    ):
        super().__init__(
            input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional
        )
        self.reset_after = reset_after

    def _step(self, xw, state, suffix):
        w_hh, b_hh = getattr(self, f"weight_hh{suffix}"), getattr(self, f"bias_hh{suffix}", None)
        return (gru_step(xw, state[0], w_hh, b_hh, self.reset_after),)


class _Fused:
    """torch.nn's fused layer behind this module's interface: ``forward(x, h0, lengths)``.

    The book's experiments train these once a chapter has shown that ``RNN``, ``LSTM`` and
    ``GRU`` above equal ``torch.nn``: same parameters and names (state dicts load both
    ways), but one fused kernel per layer (oneDNN on a CPU, cuDNN on a GPU) instead of a
    Python loop over time. With ``lengths`` the batch is packed, which gives the same
    outputs and final states as the masked loop.
    """

    def forward(self, x: Tensor, h0=None, lengths=None):
        check_input(x, "N, T" if self.batch_first else "T, N", self.input_size, "sequence")
        if 0 in x.shape[:2]:
            raise ValueError(
                f"expected at least one step and one sequence, received {tuple(x.shape)}"
            )
        if lengths is None:
            return super().forward(x, h0)
        N, T = x.shape[:2] if self.batch_first else x.shape[1::-1]
        lengths = check_lengths(lengths, T, N).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(
            x, lengths, batch_first=self.batch_first, enforce_sorted=False
        )
        output, h_n = super().forward(packed, h0)
        output, _ = nn.utils.rnn.pad_packed_sequence(
            output, batch_first=self.batch_first, total_length=T
        )
        return output, h_n


class FusedRNN(_Fused, nn.RNN):
    """``torch.nn.RNN`` taking ``lengths``; interchangeable with :class:`RNN`."""


class FusedLSTM(_Fused, nn.LSTM):
    """``torch.nn.LSTM`` taking ``lengths``; interchangeable with :class:`LSTM`."""


class FusedGRU(_Fused, nn.GRU):
    """``torch.nn.GRU`` taking ``lengths``; interchangeable with :class:`GRU`."""
