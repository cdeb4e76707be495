"""Sequence models built from the recurrent layers of :mod:`rnnbook.nn.layers`.

All models are time-major: token ids ``(T, N)`` or real features ``(T, N, D)``. The
recurrent part is chosen by ``cell`` in ``{"rnn", "lstm", "gru"}``. A recurrent state is a
tensor ``(num_layers * num_directions, N, H)``, or for the LSTM a pair ``(h, c)`` of them.

Every model keeps its constructor arguments in ``self.config`` so that
:func:`rnnbook.train.load_checkpoint` can rebuild it from a checkpoint.
"""

import math

import torch
from torch import Tensor, nn

from rnnbook.nn.layers import GRU, LSTM, RNN, FusedGRU, FusedLSTM, FusedRNN

__all__ = [
    "Forecaster",
    "LanguageModel",
    "Seq2Seq",
    "SequenceClassifier",
    "SequenceTagger",
    "detach_state",
    "inverse_sigmoid_decay",
    "make_recurrent",
]

State = Tensor | tuple[Tensor, Tensor]

_LAYERS = {"rnn": RNN, "lstm": LSTM, "gru": GRU}
_FUSED = {"rnn": FusedRNN, "lstm": FusedLSTM, "gru": FusedGRU}


def make_recurrent(
    cell: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    dropout: float = 0.0,
    bidirectional: bool = False,
    fused: bool = False,
) -> RNN | LSTM | GRU | FusedRNN | FusedLSTM | FusedGRU:
    """The recurrent layer named by ``cell`` (``"rnn"``, ``"lstm"`` or ``"gru"``), time-major.

    ``fused=True`` gives torch.nn's fused layer with the same parameters and interface
    (:class:`rnnbook.nn.layers.FusedLSTM`, ...): the fast path for experiments.
    """
    if cell not in _LAYERS:
        raise ValueError(f"expected cell in {sorted(_LAYERS)}, received {cell!r}")
    return (_FUSED if fused else _LAYERS)[cell](
        input_size,
        hidden_size,
        num_layers=num_layers,
        dropout=dropout if num_layers > 1 else 0.0,
        bidirectional=bidirectional,
    )


def detach_state(state: State | None) -> State | None:
    """The state cut from the graph that produced it (truncated BPTT between chunks)."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def _top_layer_final(h_n: State, num_directions: int) -> Tensor:
    """Final hidden state of the top layer, directions concatenated: ``(N, dirs * H)``."""
    h = h_n[0] if isinstance(h_n, tuple) else h_n
    return torch.cat(list(h[-num_directions:]), dim=-1)


class _Encoder(nn.Module):
    """Token embedding (if ``vocab_size``) or identity on real features, then recurrent layers."""

    def __init__(
        self,
        vocab_size,
        input_size,
        embed_dim,
        hidden_size,
        cell,
        num_layers,
        bidirectional,
        dropout,
        fused=False,
    ):
        super().__init__()
        if (vocab_size is None) == (input_size is None):
            raise ValueError(
                "expected exactly one of vocab_size (token ids) and input_size (real features), "
                f"received vocab_size={vocab_size}, input_size={input_size}"
            )
        self.embedding = None if vocab_size is None else nn.Embedding(vocab_size, embed_dim)
        features = input_size if vocab_size is None else embed_dim
        self.rnn = make_recurrent(
            cell, features, hidden_size, num_layers, dropout, bidirectional, fused
        )
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: Tensor, lengths: Tensor | None) -> tuple[Tensor, State]:
        if self.embedding is not None:
            if x.dim() != 2 or x.dtype != torch.long:
                raise ValueError(
                    f"expected token ids of shape (T, N) and dtype long, received shape "
                    f"{tuple(x.shape)} and dtype {x.dtype}"
                )
            x = self.dropout(self.embedding(x))
        output, h_n = self.rnn(x, lengths=lengths)
        return self.dropout(output), h_n


class LanguageModel(nn.Module):
    """Next-token model: embedding -> recurrent layers -> projection to vocabulary logits.

    ``forward(tokens (T, N), state=None) -> (logits (T, N, V), state)``. The returned state
    is passed back in on the next chunk of the same streams (truncated BPTT; see
    :func:`rnnbook.train.fit` with ``bptt``), after :func:`detach_state`. ``fused=True``
    uses torch.nn's fused layer (same parameters; see :func:`make_recurrent`).
    """

    def __init__(
        self,
        vocab_size: int,
        embed_dim: int = 64,
        hidden_size: int = 256,
        num_layers: int = 1,
        cell: str = "lstm",
        dropout: float = 0.0,
        fused: bool = False,
    ):
        super().__init__()
        self.config = dict(
            vocab_size=vocab_size,
            embed_dim=embed_dim,
            hidden_size=hidden_size,
            num_layers=num_layers,
            cell=cell,
            dropout=dropout,
            fused=fused,
        )
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn = make_recurrent(cell, embed_dim, hidden_size, num_layers, dropout, fused=fused)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens: Tensor, state: State | None = None) -> tuple[Tensor, State]:
        """tokens ``(T, N)`` long -> logits ``(T, N, V)`` and the final state."""
        if tokens.dim() != 2 or tokens.dtype != torch.long:
            raise ValueError(
                f"expected token ids of shape (T, N) and dtype long, received shape "
                f"{tuple(tokens.shape)} and dtype {tokens.dtype}"
            )
        output, state = self.rnn(self.dropout(self.embedding(tokens)), state)
        return self.head(self.dropout(output)), state


class _EncoderWithHead(nn.Module):
    """An encoder (embedding or real features -> recurrent layers) and a linear head.

    Shared by :class:`SequenceClassifier` and :class:`SequenceTagger`, which differ only in
    which hidden states reach the head. ``num_outputs`` is the number of classes or tags.
    Give ``vocab_size`` for token-id inputs ``(T, N)`` (embedded to ``embed_dim``) or
    ``input_size`` for real inputs ``(T, N, D)``. ``fused=True`` uses torch.nn's fused layer
    (same parameters and state dict; see :func:`make_recurrent`).
    """

    def __init__(
        self,
        num_outputs: int,
        hidden_size: int = 64,
        *,
        vocab_size: int | None = None,
        input_size: int | None = None,
        embed_dim: int = 32,
        cell: str = "lstm",
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        fused: bool = False,
    ):
        super().__init__()
        self.config = dict(
            num_outputs=num_outputs,
            hidden_size=hidden_size,
            vocab_size=vocab_size,
            input_size=input_size,
            embed_dim=embed_dim,
            cell=cell,
            num_layers=num_layers,
            bidirectional=bidirectional,
            dropout=dropout,
            fused=fused,
        )
        self.encoder = _Encoder(
            vocab_size,
            input_size,
            embed_dim,
            hidden_size,
            cell,
            num_layers,
            bidirectional,
            dropout,
            fused,
        )
        self.num_directions = 2 if bidirectional else 1
        self.head = nn.Linear(self.num_directions * hidden_size, num_outputs)


class SequenceClassifier(_EncoderWithHead):
    """Many-to-one: one label per sequence from the final hidden state of the top layer.

    ``forward(x, lengths=None)`` returns logits ``(N, num_outputs)``; with ``lengths (N,)``
    each sequence's state is read at its own last step, so padding never reaches the
    prediction. With ``bidirectional`` the final states of both directions are concatenated.
    """

    def forward(self, x: Tensor, lengths: Tensor | None = None) -> Tensor:
        """x ``(T, N)`` ids or ``(T, N, D)`` features, lengths ``(N,)`` -> logits ``(N, C)``."""
        _, h_n = self.encoder(x, lengths)
        return self.head(self.encoder.dropout(_top_layer_final(h_n, self.num_directions)))


class SequenceTagger(_EncoderWithHead):
    """Many-to-many of equal length: one tag per input step (e.g. named entities).

    ``forward(x, lengths=None)`` returns logits ``(T, N, num_outputs)``. With
    ``bidirectional`` each tag sees the whole sentence, left and right. Padded steps give
    logits that the loss must ignore (targets ``-100`` there).
    """

    def forward(self, x: Tensor, lengths: Tensor | None = None) -> Tensor:
        """x ``(T, N)`` ids or ``(T, N, D)`` features -> logits ``(T, N, num_outputs)``."""
        output, _ = self.encoder(x, lengths)
        return self.head(output)


class Forecaster(nn.Module):
    """Real-valued series: at every step predict the next value, ``y_t ≈ x_{t+1}``.

    ``forward(x (T, N, D), state=None) -> (y (T, N, output_size), state)``;
    :meth:`forecast` rolls the model forward on its own predictions.
    """

    def __init__(
        self,
        input_size: int = 1,
        hidden_size: int = 64,
        output_size: int | None = None,
        cell: str = "lstm",
        num_layers: int = 1,
        dropout: float = 0.0,
        fused: bool = False,
    ):
        super().__init__()
        output_size = input_size if output_size is None else output_size
        self.config = dict(
            input_size=input_size,
            hidden_size=hidden_size,
            output_size=output_size,
            cell=cell,
            num_layers=num_layers,
            dropout=dropout,
            fused=fused,
        )
        self.rnn = make_recurrent(cell, input_size, hidden_size, num_layers, dropout, fused=fused)
        self.head = nn.Linear(hidden_size, output_size)

    def forward(self, x: Tensor, state: State | None = None) -> tuple[Tensor, State]:
        """x ``(T, N, D)`` -> predictions ``(T, N, output_size)`` and the final state."""
        output, state = self.rnn(x, state)
        return self.head(output), state

    @torch.no_grad()
    def forecast(self, context: Tensor, steps: int) -> Tensor:
        """Read ``context (T, N, D)``, then predict ``steps`` values autoregressively.

        Returns ``(steps, N, D)``; needs ``output_size == input_size``.
        """
        if self.config["output_size"] != self.config["input_size"]:
            raise ValueError(
                "forecast feeds predictions back as inputs: expected output_size == input_size, "
                f"received {self.config['output_size']} and {self.config['input_size']}"
            )
        y, state = self(context)
        step = y[-1:]
        predictions = [step]
        for _ in range(steps - 1):
            step, state = self(step, state)
            predictions.append(step)
        return torch.cat(predictions)


_ATTENTION = {False: None, True: "bahdanau", "bahdanau": "bahdanau", "luong": "luong"}


class Seq2Seq(nn.Module):
    """Encoder–decoder for token sequences, optionally with additive attention.

    The encoder reads ``src (S, N)`` with ``src_lengths (N,)`` (padding never reaches its
    final state); the decoder starts from that final state, the context vector. Attention
    scores every encoder output ``h_j`` against a decoder state ``s`` by
    ``e_j = v · tanh(W_q s + W_k h_j)`` (padded ``j`` masked out), takes ``α = softmax(e)``
    and reads the context ``c = Σ_j α_j h_j``. Where it sits is ``attention``:

    * ``False``: no attention; the decoder sees the source only through its initial state.
    * ``True`` or ``"bahdanau"`` (Bahdanau et al. 2015): the query is the state *before* the
      step, ``s_(t-1)``; the context is fed into the recurrence with the previous token and
      used by the output projection, so every step waits for the previous one.
    * ``"luong"`` (Luong et al. 2015, "concat" score without input feeding): the query is the
      state *after* the step, ``s_t``; the context is used by the output projection only, so
      under teacher forcing the decoder's recurrence runs over all steps at once and the
      attention of all steps is one batched computation.

    ``forward(src, src_lengths, tgt_in (T, N))`` returns logits ``(T, N, V_tgt)`` (plus
    attention weights ``(T, N, S)`` with ``return_attention``). ``tgt_in`` is the target
    shifted right: ``<bos> y_1 … y_(T-1)``. In training mode the decoder is fed the true
    previous token with probability ``teacher_forcing`` (attribute or keyword; 1: teacher
    forcing, 0: free running on its own argmax predictions, in between: scheduled sampling,
    drawn per sentence and step from torch's global generator); in eval mode it is always
    teacher-forced, so a validation loss is comparable across training schemes. Decoding one
    step at a time (:mod:`rnnbook.nn.decoding`) uses :meth:`encode` and :meth:`decode_step`.
    ``fused=True`` runs the encoder and decoder on torch.nn's fused layers (same parameters;
    see :func:`make_recurrent`). ``residual=True`` adds a projection of each source
    embedding to the encoder output at that position (a residual connection,
    ``memory_j = h_j + W_e x_j``), so that attention reads the token itself as well as its
    context: what copying a token (a digit of a year) needs.
    """

    def __init__(
        self,
        src_vocab_size: int,
        tgt_vocab_size: int,
        embed_dim: int = 64,
        hidden_size: int = 128,
        num_layers: int = 1,
        cell: str = "gru",
        attention: bool | str = False,
        dropout: float = 0.0,
        fused: bool = False,
        residual: bool = False,
    ):
        super().__init__()
        if attention not in _ATTENTION:
            raise ValueError(f"expected attention in {list(_ATTENTION)}, received {attention!r}")
        self.config = dict(
            src_vocab_size=src_vocab_size,
            tgt_vocab_size=tgt_vocab_size,
            embed_dim=embed_dim,
            hidden_size=hidden_size,
            num_layers=num_layers,
            cell=cell,
            attention=attention,
            dropout=dropout,
            fused=fused,
            residual=residual,
        )
        self.attention = _ATTENTION[attention]
        self.teacher_forcing = 1.0
        self.encoder = _Encoder(
            src_vocab_size, None, embed_dim, hidden_size, cell, num_layers, False, dropout, fused
        )
        self.tgt_embedding = nn.Embedding(tgt_vocab_size, embed_dim)
        context = hidden_size if self.attention else 0
        feed = hidden_size if self.attention == "bahdanau" else 0
        self.decoder = make_recurrent(
            cell, embed_dim + feed, hidden_size, num_layers, dropout, fused=fused
        )
        self.dropout = nn.Dropout(dropout)
        if self.attention:
            self.query = nn.Linear(hidden_size, hidden_size, bias=False)  # W_q
            self.key = nn.Linear(hidden_size, hidden_size)  # W_k
            self.score = nn.Linear(hidden_size, 1, bias=False)  # v
        self.head = nn.Linear(hidden_size + context, tgt_vocab_size)
        # memory h_j + W_e x_j: what attention reads at j is partly the token x_j itself
        self.src_projection = nn.Linear(embed_dim, hidden_size, bias=False) if residual else None

    def encode(
        self, src: Tensor, src_lengths: Tensor | None = None
    ) -> tuple[Tensor, State, Tensor]:
        """src ``(S, N)`` -> memory ``(S, N, H)``, final state, real-step mask ``(S, N)``."""
        memory, state = self.encoder(src, src_lengths)
        S, N = src.shape
        lengths = torch.full((N,), S) if src_lengths is None else torch.as_tensor(src_lengths)
        mask = torch.arange(S, device=src.device)[:, None] < lengths.to(src.device)[None, :]
        if self.src_projection is not None:
            embedded = self.encoder.dropout(self.encoder.embedding(src))
            memory = memory + self.src_projection(embedded) * mask[..., None]
        return memory, state, mask

    def attend(
        self, queries: Tensor, memory: Tensor, mask: Tensor, keys: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        """Contexts ``(..., N, H)`` and weights ``(..., N, S)`` for decoder states ``queries``.

        ``queries`` is ``(N, H)`` (one step) or ``(T, N, H)`` (all steps). For each query
        ``s``, ``e_j = v · tanh(W_q s + W_k h_j)`` for every source position ``j`` of
        ``memory (S, N, H)``; positions where ``mask (S, N)`` is False get ``e_j = -inf``
        (weight 0); ``α = softmax_j(e)``; the context is ``Σ_j α_j h_j``. ``keys`` is
        ``W_k h_j`` precomputed (:meth:`keys`), as a decoder loop does once per sentence.
        """
        if not self.attention:
            raise ValueError("attend needs a model built with attention")
        keys = self.keys(memory) if keys is None else keys  # (S, N, H)
        q = self.query(queries).unsqueeze(-3)  # (..., 1, N, H)
        e = self.score(torch.tanh(q + keys)).squeeze(-1)  # (..., S, N)
        alpha = e.masked_fill(~mask, float("-inf")).softmax(dim=-2)
        context = (alpha.unsqueeze(-1) * memory).sum(-3)  # (..., N, H)
        return context, alpha.transpose(-1, -2)

    def keys(self, memory: Tensor) -> Tensor | None:
        """``W_k h_j`` for every encoder output of ``memory (S, N, H)`` (None without attention)."""
        return self.key(memory) if self.attention else None

    def decode_step(
        self,
        token: Tensor,
        state: State,
        memory: Tensor,
        mask: Tensor,
        keys: Tensor | None = None,
    ) -> tuple[Tensor, State, Tensor | None]:
        """One step: previous tokens ``(N,)`` -> logits ``(N, V)``, state, attention ``(N, S)``.

        ``keys`` (optional) is :meth:`keys` of ``memory``, computed once for all steps.
        """
        x = self.dropout(self.tgt_embedding(token))
        if self.attention is None:
            out, state = self.decoder(x.unsqueeze(0), state)
            return self.head(self.dropout(out[0])), state, None
        if self.attention == "bahdanau":
            s = (state[0] if isinstance(state, tuple) else state)[-1]  # top layer (N, H)
            context, alpha = self.attend(s, memory, mask, keys)
            out, state = self.decoder(torch.cat([x, context], -1).unsqueeze(0), state)
        else:
            out, state = self.decoder(x.unsqueeze(0), state)
            context, alpha = self.attend(out[0], memory, mask, keys)
        return self.head(self.dropout(torch.cat([out[0], context], -1))), state, alpha

    def forward(
        self,
        src: Tensor,
        src_lengths: Tensor | None,
        tgt_in: Tensor,
        return_attention: bool = False,
        teacher_forcing: float | None = None,
    ) -> Tensor | tuple[Tensor, Tensor | None]:
        """``tgt_in (T, N)`` starts with BOS -> logits ``(T, N, V_tgt)`` (see the class doc)."""
        if tgt_in.dim() != 2 or tgt_in.dtype != torch.long or tgt_in.shape[1] != src.shape[1]:
            raise ValueError(
                f"expected tgt_in of token ids (T, N={src.shape[1]}) and dtype long, received "
                f"shape {tuple(tgt_in.shape)} and dtype {tgt_in.dtype}"
            )
        p = self.teacher_forcing if teacher_forcing is None else float(teacher_forcing)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"expected 0 <= teacher_forcing <= 1, received {p}")
        mixing = self.training and p < 1.0
        memory, state, mask = self.encode(src, src_lengths)
        if self.attention != "bahdanau" and not mixing:  # all steps at once
            out, _ = self.decoder(self.dropout(self.tgt_embedding(tgt_in)), state)
            weights = None
            if self.attention == "luong":
                context, weights = self.attend(out, memory, mask)
                out = torch.cat([out, context], -1)
            logits = self.head(self.dropout(out))
            return (logits, weights) if return_attention else logits
        if not mixing:  # bahdanau, teacher-forced: embed before and project after the loop
            inputs, keys = self.dropout(self.tgt_embedding(tgt_in)), self.keys(memory)
            outs, contexts, weights = [], [], []
            for x in inputs:
                s = (state[0] if isinstance(state, tuple) else state)[-1]
                context, alpha = self.attend(s, memory, mask, keys)
                out, state = self.decoder(torch.cat([x, context], -1).unsqueeze(0), state)
                outs.append(out[0])
                contexts.append(context)
                weights.append(alpha)
            logits = self.head(
                self.dropout(torch.cat([torch.stack(outs), torch.stack(contexts)], -1))
            )
            return (logits, torch.stack(weights)) if return_attention else logits
        steps, weights, keys = [], [], self.keys(memory)
        for t in range(len(tgt_in)):
            token = tgt_in[t]
            if mixing and t > 0:
                own = steps[-1].argmax(-1)  # the model's own previous prediction
                if p > 0.0:
                    own = torch.where(torch.rand(own.shape, device=own.device) < p, token, own)
                token = own
            logits, state, alpha = self.decode_step(token, state, memory, mask, keys)
            steps.append(logits)
            weights.append(alpha)
        logits = torch.stack(steps)
        if not return_attention:
            return logits
        return logits, (torch.stack(weights) if self.attention else None)


def inverse_sigmoid_decay(step: int | Tensor, k: float) -> float:
    """Scheduled sampling's teacher-forcing probability ``k / (k + exp(step / k))``.

    Bengio et al. (2015): starts near 1 (``k >= 1``) and decays to 0; larger ``k`` decays
    later. ``step`` counts updates or epochs, whichever the schedule is written in.
    """
    if k < 1:
        raise ValueError(f"expected k >= 1, received {k}")
    step = float(step)
    if step < 0:
        raise ValueError(f"expected step >= 0, received {step}")
    return k / (k + math.exp(min(step / k, 700.0)))
