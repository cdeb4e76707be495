"""A character-level language model in numpy: Karpathy's min-char-rnn, batched.

The model reads one character x_t (one-hot over a vocabulary of V characters) per step and
predicts the next one:

    h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h)        ŷ_t = softmax(W_hy h_t + b_y)

and is trained to minimise the mean cross-entropy −log ŷ_t[x_{t+1}] (nats per character;
divide by ln 2 for bits per character, exponentiate for perplexity). Compared with the
original script it processes N sequences at once (matrix–matrix products instead of
matrix–vector), uses a stable softmax, clips the gradient by its global norm and carries
the hidden state across chunks (truncated BPTT).

Data is a 1-D array of integer character codes in [0, V); the mapping between characters
and codes is the caller's (see ``rnnbook.data``). Batches are time-major (T, N).
"""

from __future__ import annotations

import numpy as np

from rnnbook.data.batching import batchify
from rnnbook.progress import progress_bar

from ._ops import sum_outer
from ._validate import as_array, check_params, expect_shape, make_rng
from .losses import cross_entropy, softmax
from .optim import Adagrad, Adam, clip_grad_norm
from .rnn import init_rnn_params, output_backward, output_forward

OPTIMIZERS = {"adam": (Adam, 5e-3), "adagrad": (Adagrad, 0.1)}  # class, default learning rate


def init_params(
    vocab_size: int, hidden_size: int = 100, rng: np.random.Generator | int | None = None
) -> dict[str, np.ndarray]:
    """Parameters W_xh (H, V), W_hh (H, H), b_h (H,), W_hy (V, H), b_y (V,)."""
    return init_rnn_params(vocab_size, hidden_size, rng, output_size=vocab_size)


def _check_codes(name: str, codes: np.ndarray, vocab_size: int) -> np.ndarray:
    codes = np.asarray(codes)
    if codes.size == 0:
        raise ValueError(f"{name} is empty (shape {codes.shape}); expected at least one code")
    if not np.issubdtype(codes.dtype, np.integer):
        raise ValueError(f"{name} must hold integer codes, received dtype {codes.dtype}")
    if codes.min() < 0 or codes.max() >= vocab_size:
        raise ValueError(
            f"{name} must hold codes in [0, {vocab_size}), received values in "
            f"[{codes.min()}, {codes.max()}]"
        )
    return codes


def _vocab_size(params: dict) -> int:
    if "W_hy" not in params:
        raise ValueError(f"char LM params need keys W_xh, W_hh, b_h, W_hy, b_y; got {list(params)}")
    return params["W_hy"].shape[0]


def _recurrent_params(params: dict, vocab: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W_xh (H, V), W_hh (H, H), b_h (H,), checked."""
    if "W_xh" not in params or np.ndim(params["W_xh"]) != 2:
        raise ValueError("char LM params: expected 'W_xh' of shape (H, V)")
    hidden = np.shape(params["W_xh"])[0]
    shapes = {"W_xh": (hidden, vocab), "W_hh": (hidden, hidden), "b_h": (hidden,)}
    check_params(params, shapes, "char LM")
    return params["W_xh"], params["W_hh"], params["b_h"]


def _rnn_forward_codes(
    params: dict, codes: np.ndarray, h0: np.ndarray | None, vocab: int
) -> tuple[np.ndarray, np.ndarray]:
    """``rnn.rnn_forward`` over one-hot inputs, without building them.

    W_xh times the one-hot vector of code v is column v of W_xh, so the input's share of
    every step is a lookup, ``W_xh.T[codes]``: the same numbers as the product with the
    one-hot array, without its (T, N, V) size. Returns h0 (N, H) and hs (T, N, H).
    """
    W_xh, W_hh, b_h = _recurrent_params(params, vocab)
    hidden = len(b_h)
    if h0 is None:
        h0 = np.zeros((codes.shape[1], hidden))
    else:
        h0 = as_array("h0", h0)
        expect_shape("h0", h0, (codes.shape[1], hidden), "(N, H)")
    x_part = W_xh.T[codes] + b_h  # (T, N, H)
    hs = np.empty_like(x_part)
    h, W_hh_T = h0, W_hh.T
    for t in range(len(codes)):
        h = hs[t] = np.tanh(x_part[t] + h @ W_hh_T)
    return h0, hs


def _rnn_backward_codes(
    dhs: np.ndarray, codes: np.ndarray, h0: np.ndarray, hs: np.ndarray, params: dict
) -> dict[str, np.ndarray]:
    """``rnn.rnn_backward`` for one-hot inputs: dW_xh adds da_t into the columns of x_t."""
    W_hh = params["W_hh"]
    das = np.empty_like(hs)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(len(hs))):
        das[t] = (dhs[t] + dh_next) * (1.0 - hs[t] ** 2)
        dh_next = das[t] @ W_hh
    h_prevs = np.concatenate([h0[None], hs[:-1]])
    dW_xh_T = np.zeros(params["W_xh"].shape[::-1])  # (V, H)
    np.add.at(dW_xh_T, codes.ravel(), das.reshape(-1, das.shape[-1]))
    return {
        "W_xh": np.ascontiguousarray(dW_xh_T.T),
        "W_hh": sum_outer(das, h_prevs),
        "b_h": das.sum(axis=(0, 1)),
    }


def forward(
    params: dict, inputs: np.ndarray, targets: np.ndarray, h0: np.ndarray | None = None
) -> tuple[float, np.ndarray, tuple]:
    """Mean cross-entropy (nats per character) of ``targets`` given ``inputs``.

    Args:
        inputs, targets: (T, N) integer codes; targets[t] is the character after inputs[t].
        h0: (N, H) initial hidden state, or None for zeros.

    Returns:
        loss, the final hidden state h_T (N, H), and the cache for the backward pass.
    """
    vocab = _vocab_size(params)
    inputs = _check_codes("inputs", inputs, vocab)
    targets = _check_codes("targets", targets, vocab)
    if inputs.ndim != 2 or targets.shape != inputs.shape:
        raise ValueError(
            f"inputs and targets: expected two arrays of shape (T, N), received "
            f"{inputs.shape} and {targets.shape}"
        )
    h0, hs = _rnn_forward_codes(params, inputs, h0, vocab)  # one-hot inputs, as lookups
    logits, out_cache = output_forward(hs, params)
    loss, dlogits = cross_entropy(logits, targets)
    return loss, hs[-1], (inputs, h0, hs, out_cache, dlogits)


def loss_and_grads(
    params: dict, inputs: np.ndarray, targets: np.ndarray, h0: np.ndarray | None = None
) -> tuple[float, dict[str, np.ndarray], np.ndarray]:
    """Loss, its gradient for every parameter, and the final state, over one (T, N) batch.

    Args:
        params: from :func:`init_params`. inputs, targets: (T, N) integer codes.
        h0: (N, H) state carried from the previous chunk (not backpropagated into), or None.

    Returns:
        loss (mean nats per character), grads (keys of params), h_T (N, H).
    """
    loss, h_last, (inputs, h0, hs, out_cache, dlogits) = forward(params, inputs, targets, h0)
    dhs, out_grads = output_backward(dlogits, out_cache)
    rnn_grads = _rnn_backward_codes(dhs, inputs, h0, hs, params)
    return loss, {**rnn_grads, **out_grads}, h_last


def sample(
    params: dict,
    prefix: list[int] | np.ndarray,
    n: int,
    temperature: float = 1.0,
    rng: np.random.Generator | int | None = None,
    num_samples: int | None = None,
) -> np.ndarray:
    """Generate ``n`` codes after reading ``prefix``, drawing x_{t+1} ~ softmax(z_t / τ).

    A temperature τ < 1 sharpens the distribution (safer, more repetitive text), τ > 1
    flattens it (more surprising, more errors); τ → 0 approaches greedy decoding.

    Args:
        params: from :func:`init_params`. prefix: at least one code to start from.
        n: number of codes to generate. temperature: τ > 0. rng: Generator or seed.
        num_samples: draw this many continuations side by side, as one batch; None draws one.

    Returns:
        (n,) integer array of generated codes (the prefix is not included), or
        (num_samples, n) with ``num_samples``.
    """
    vocab = _vocab_size(params)
    prefix = _check_codes("prefix", np.atleast_1d(prefix), vocab)
    if prefix.ndim != 1:
        raise ValueError(f"prefix: expected a 1-D sequence of codes, received shape {prefix.shape}")
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, received {temperature}")
    if num_samples is not None and num_samples < 1:
        raise ValueError(f"num_samples must be positive or None, received {num_samples}")
    rng = make_rng(rng)
    rows = 1 if num_samples is None else num_samples
    W_xh, W_hh, b_h = _recurrent_params(params, vocab)
    W_hy, b_y = params["W_hy"], params["b_y"]
    x_part = W_xh.T + b_h  # (V, H): the input's share of a step, for each code
    h = np.zeros((rows, len(b_h)))
    for code in prefix:  # read the prefix
        h = np.tanh(x_part[np.full(rows, code)] + h @ W_hh.T)
    out = np.empty((rows, n), dtype=np.int64)
    for t in range(n):
        p = softmax((h @ W_hy.T + b_y) / temperature)  # (rows, V)
        u = rng.random((rows, 1))  # inverse CDF: the first code whose cumulative p reaches u
        out[:, t] = np.minimum((p.cumsum(axis=1) < u).sum(axis=1), vocab - 1)
        h = np.tanh(x_part[out[:, t]] + h @ W_hh.T)
    return out[0] if num_samples is None else out


def evaluate(params: dict, data: np.ndarray, batch_size: int = 32, seq_length: int = 100) -> float:
    """Mean cross-entropy (nats per character) of the model on ``data``, state carried."""
    streams = batchify(_check_codes("data", data, _vocab_size(params)), batch_size)
    total, count, h = 0.0, 0, None
    for start in range(0, len(streams) - 1, seq_length):
        inputs = streams[start : start + seq_length]
        targets = streams[start + 1 : start + seq_length + 1]
        inputs = inputs[: len(targets)]
        loss, h, _ = forward(params, inputs, targets, h)
        total += loss * targets.size
        count += targets.size
    return total / count


def train(
    data: np.ndarray,
    vocab_size: int,
    hidden_size: int = 100,
    seq_length: int = 25,
    batch_size: int = 32,
    num_steps: int = 1000,
    optimizer: str = "adam",
    lr: float | None = None,
    max_norm: float = 5.0,
    seed: int = 0,
    params: dict | None = None,
    progress: bool = True,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Train the char LM with truncated BPTT, clipping and Adam (or Adagrad).

    The stream is cut into ``batch_size`` columns (``rnnbook.data.batchify``). Each step
    takes the next chunk of ``seq_length`` characters of every column, starts from the hidden state
    the previous chunk ended in (no gradient flows into it), clips the global gradient norm
    to ``max_norm`` and updates. At the end of the data the state is reset and reading
    starts again at the beginning.

    Args:
        data: 1-D integer codes in [0, vocab_size). vocab_size: V.
        hidden_size: H. seq_length: T, the truncation length. batch_size: N.
        num_steps: number of parameter updates. optimizer: "adam" or "adagrad".
        lr: learning rate; None uses 5e-3 for Adam and 0.1 for Adagrad.
        max_norm: clipping threshold. seed: seeds the initial weights.
        params: start from these (updated in place) instead of a fresh initialisation.
        progress: show a tqdm progress bar.

    Returns:
        params and the history: (num_steps,) training loss of every step, in nats per char.
    """
    data = _check_codes("data", data, vocab_size)
    if data.ndim != 1:
        raise ValueError(f"data: expected a 1-D array of codes, received shape {data.shape}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}, received {optimizer!r}")
    streams = batchify(data, batch_size)
    if len(streams) < seq_length + 1:
        raise ValueError(
            f"data too short: {batch_size} streams of {len(streams)} codes each, expected at "
            f"least seq_length + 1 = {seq_length + 1}"
        )
    if params is None:
        params = init_params(vocab_size, hidden_size, seed)
    opt_class, default_lr = OPTIMIZERS[optimizer]
    opt = opt_class(params, lr=default_lr if lr is None else lr)

    history = np.empty(num_steps)
    start, h = 0, None
    bar = progress_bar(range(num_steps), desc="char LM", enabled=progress)
    for step in bar:
        if start + seq_length + 1 > len(streams):
            start, h = 0, None
        inputs = streams[start : start + seq_length]
        targets = streams[start + 1 : start + seq_length + 1]
        loss, grads, h = loss_and_grads(params, inputs, targets, h)
        clip_grad_norm(grads, max_norm)
        opt.step(grads)
        history[step] = loss
        start += seq_length
        if step % 50 == 0:
            bar.set_postfix(loss=f"{loss:.3f}")
    return params, history
