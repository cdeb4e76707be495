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
* Unbatched, as in torch.nn: ``x (T, D)`` whatever ``batch_first`` says, ``h0
  (num_layers * num_directions, H)``; ``output`` and ``h_n`` then have no batch axis either
  (``lengths``, if given, is ``(1,)``).
* The LSTM's ``proj_size = P > 0`` makes ``h`` (``h0``, ``h_n``, ``output``) of size ``P``
  (parameters ``weight_hr_l{k}``; see :class:`LSTM`).
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

from rnnbook.nn.cells import Batched, as_batched, gru_step, lstm_step, rnn_step

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


def batched_sequence(layer: nn.Module, x: Tensor, h0) -> Batched:
    """Check a layer's input and initial state; give them a batch axis if they have none.

    ``x`` is ``(T, N, D)`` (``(N, T, D)`` with ``batch_first``) or unbatched ``(T, D)`` whatever
    ``batch_first`` says; ``h0`` is ``(L·dirs, N, H)`` or unbatched ``(L·dirs, H)``, or None for
    zeros; for the LSTM (``layer.has_cell``) a pair ``(h0, c0)`` with ``h0`` of size
    ``proj_size`` when it is > 0. Serves this module's layers and the fused ones alike.
    """
    rows = layer.num_layers * (2 if layer.bidirectional else 1)
    H = layer.hidden_size
    if not layer.has_cell:
        states = [("h0", h0, (rows, None, H))]
    else:
        if h0 is not None and not (isinstance(h0, tuple | list) and len(h0) == 2):
            raise ValueError(
                f"expected the LSTM state as a pair (h0, c0), received {type(h0).__name__}"
            )
        h, c = (None, None) if h0 is None else h0
        states = [("h0", h, (rows, None, layer.proj_size or H)), ("c0", c, (rows, None, H))]
    batch = as_batched(
        x, "N, T" if layer.batch_first else "T, N", layer.input_size, "sequence", states
    )
    if 0 in batch.x.shape[:2]:
        raise ValueError(f"expected at least one step and one sequence, received {tuple(x.shape)}")
    return batch


def _result(layer: nn.Module, batch: Batched, output: Tensor, h_n: tuple[Tensor, ...]):
    """``(output, h_n)`` as the caller passed ``x`` and ``h0`` (see :func:`batched_sequence`)."""
    h_n = tuple(batch.state(h, k) for k, h in enumerate(h_n))
    return batch.output(output), (h_n if layer.has_cell else h_n[0])


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
        proj_size: int = 0,
    ):
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"expected num_layers >= 1, received {num_layers}")
        if not 0 <= dropout < 1:
            raise ValueError(f"expected 0 <= dropout < 1, received {dropout}")
        if not 0 <= proj_size < hidden_size:
            raise ValueError(
                f"expected 0 <= proj_size < hidden_size = {hidden_size}, received {proj_size}"
            )
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, dropout
        self.bidirectional, self.proj_size = bidirectional, proj_size
        self.num_directions = 2 if bidirectional else 1
        G, H = self.gates, hidden_size
        out = proj_size or H  # the size of h: what the next layer and W_hh see
        for layer in range(num_layers):
            in_size = input_size if layer == 0 else out * self.num_directions
            for suffix in self._suffixes(layer):  # torch.nn's order of parameters
                self.register_parameter(
                    f"weight_ih{suffix}", nn.Parameter(torch.empty(G * H, in_size))
                )
                self.register_parameter(f"weight_hh{suffix}", nn.Parameter(torch.empty(G * H, out)))
                if bias:
                    self.register_parameter(f"bias_ih{suffix}", nn.Parameter(torch.empty(G * H)))
                    self.register_parameter(f"bias_hh{suffix}", nn.Parameter(torch.empty(G * H)))
                if proj_size:
                    self.register_parameter(
                        f"weight_hr{suffix}", nn.Parameter(torch.empty(proj_size, H))
                    )
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
            + (f", proj_size={self.proj_size}" if self.proj_size else "")
        )

    # -- one direction of one layer -------------------------------------------------------
    def _weights(self, suffix: str) -> dict[str, Tensor | None]:
        """One direction's parameters by torch.nn's names without suffix (None if absent)."""
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        return {name: getattr(self, f"{name}{suffix}", None) for name in names}

    def _project(self, x: Tensor, w: dict[str, Tensor | None]) -> Tensor:
        """``XW = X W_ih^T + b_ih`` for all steps at once: ``(T, N, D) -> (T, N, G*H)``."""
        return F.linear(x, w["weight_ih"], w["bias_ih"])

    def _step(
        self, xw: Tensor, state: tuple[Tensor, ...], w: dict[str, Tensor | None]
    ) -> tuple[Tensor, ...]:
        """One time step: projected input ``(N, G*H)`` and state -> new state."""
        raise NotImplementedError

    def _direction(
        self, x: Tensor, state: tuple[Tensor, ...], suffix: str, reverse: bool, mask: Tensor | None
    ) -> tuple[Tensor, tuple[Tensor, ...]]:
        """Run one direction over ``x (T, N, D)`` -> outputs ``(T, N, H)`` and final state."""
        w = self._weights(suffix)
        xw = self._project(x, w).unbind(0)  # unbind: one backward op, not T index ops
        T = x.shape[0]
        outputs = [None] * T
        for t in range(T - 1, -1, -1) if reverse else range(T):
            new = self._step(xw[t], state, w)
            if mask is None:
                state = new
                outputs[t] = new[0]
            else:  # padded steps keep the old state and output zeros
                state = tuple(torch.where(mask[t], n, s) for n, s in zip(new, state, strict=True))
                outputs[t] = torch.where(mask[t], new[0], 0.0)
        return torch.stack(outputs), state

    # -- the whole layer --------------------------------------------------------------------
    def _mask(self, lengths, T: int, N: int, device: torch.device) -> Tensor:
        """``(T, N, 1)`` boolean, True at real steps ``t < lengths[n]``."""
        lengths = check_lengths(lengths, T, N).to(device)
        return (torch.arange(T, device=device)[:, None] < lengths[None, :]).unsqueeze(-1)

    def forward(self, x: Tensor, h0=None, lengths=None):
        """``x (T, N, D)``, ``h0``, ``lengths (N,)`` -> ``output (T, N, dirs*H)``, ``h_n``.

        Unbatched ``x (T, D)`` and ``h0 (L·dirs, H)`` give ``output (T, dirs*H)`` and
        ``h_n (L·dirs, H)``, with or without ``batch_first``.
        """
        batch = batched_sequence(self, x, h0)
        x = batch.x.transpose(0, 1) if self.batch_first else batch.x
        T, N, _ = x.shape
        mask = None if lengths is None else self._mask(lengths, T, N, x.device)
        finals = []
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0:
                x = F.dropout(x, self.dropout, self.training)
            outputs = []
            for d, suffix in enumerate(self._suffixes(layer)):
                k = layer * self.num_directions + d
                out, state = self._direction(
                    x, tuple(s[k] for s in batch.states), suffix, reverse=d == 1, mask=mask
                )
                outputs.append(out)
                finals.append(state)
            x = torch.cat(outputs, -1) if len(outputs) > 1 else outputs[0]
        h_n = tuple(torch.stack(parts) for parts in zip(*finals, strict=True))
        output = x.transpose(0, 1) if self.batch_first else x
        return _result(self, batch, output, h_n)


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

    def _project(self, x, w):
        # fold b_hh into the hoisted projection: one bias add for all steps
        xw = super()._project(x, w)
        return xw if w["bias_hh"] is None else xw + w["bias_hh"]

    def _step(self, xw, state, w):
        act = torch.tanh if self.nonlinearity == "tanh" else torch.relu
        return (rnn_step(xw, state[0], w["weight_hh"], None, act),)


class LSTM(_Recurrent):
    """Stacked LSTM (gates i, f, g, o); state ``(h, c)``. Same interface as ``torch.nn.LSTM``.

    ``c_t = σ(f_t) ⊙ c_{t-1} + σ(i_t) ⊙ tanh(g_t)``, ``h_t = σ(o_t) ⊙ tanh(c_t)`` with
    ``[i; f; g; o]_t = XW_t + W_hh h_{t-1}`` and both biases folded into ``XW``.

    ``proj_size = P > 0`` (Sak et al., 2014; torch.nn's ``proj_size``) projects the hidden
    state to a smaller size, ``h_t = W_hr (σ(o_t) ⊙ tanh(c_t))`` with ``weight_hr_l{k} (P, H)``:
    ``h`` and the output are of size ``P`` (``h0`` is ``(L·dirs, N, P)``, ``W_hh`` is
    ``(4H, P)``, the next layer's input ``dirs·P``), while the cell ``c`` keeps size ``H``.

    ``layer.fused_gates = True`` runs the gate arithmetic as one autograd node with a
    hand-written backward (:class:`rnnbook.nn.cells.LSTMPointwise`) instead of the plain lines
    of :func:`rnnbook.nn.cells.lstm_step`: same values; Appendix A times both (on a CPU the
    difference is within the noise, so the readable lines are the default).
    """

    gates, has_cell = 4, True
    fused_gates = False  # True: the gate arithmetic as one autograd node (cells.LSTMPointwise)

    def _project(self, x, w):
        xw = super()._project(x, w)
        return xw if w["bias_hh"] is None else xw + w["bias_hh"]

    def _step(self, xw, state, w):
        h, c = state
        return lstm_step(xw, h, c, w["weight_hh"], None, w["weight_hr"], fused=self.fused_gates)


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

    def _step(self, xw, state, w):
        return (gru_step(xw, state[0], w["weight_hh"], w["bias_hh"], self.reset_after),)


class _Fused:
    """torch.nn's fused layer behind this module's interface: ``forward(x, h0, lengths)``.

    The book's experiments train these once a chapter has shown that ``RNN``, ``LSTM`` and
    ``GRU`` above equal ``torch.nn``: same parameters and names (state dicts load both
    ways), but one fused kernel per layer (oneDNN on a CPU, cuDNN on a GPU) instead of a
    Python loop over time. With ``lengths`` the batch is packed, which gives the same
    outputs and final states as the masked loop.
    """

    has_cell = False

    def forward(self, x: Tensor, h0=None, lengths=None):
        batch = batched_sequence(self, x, h0)
        x, state = batch.x, batch.states if self.has_cell else batch.states[0]
        if lengths is None:
            output, h_n = super().forward(x, state)
        else:
            N, T = x.shape[:2] if self.batch_first else x.shape[1::-1]
            lengths = check_lengths(lengths, T, N).cpu()
            packed = nn.utils.rnn.pack_padded_sequence(
                x, lengths, batch_first=self.batch_first, enforce_sorted=False
            )
            output, h_n = super().forward(packed, state)
            output, _ = nn.utils.rnn.pad_packed_sequence(
                output, batch_first=self.batch_first, total_length=T
            )
        h_n = h_n if self.has_cell else (h_n,)
        return _result(self, batch, output, h_n)


class FusedRNN(_Fused, nn.RNN):
    """``torch.nn.RNN`` taking ``lengths``; interchangeable with :class:`RNN`."""


class FusedLSTM(_Fused, nn.LSTM):
    """``torch.nn.LSTM`` taking ``lengths``; interchangeable with :class:`LSTM`."""

    has_cell = True


class FusedGRU(_Fused, nn.GRU):
    """``torch.nn.GRU`` taking ``lengths``; interchangeable with :class:`GRU`."""
