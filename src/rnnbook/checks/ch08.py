"""Checkers for chapter 08, *Deep and bidirectional RNNs*.

Each checker runs the reader's answer on cases built to expose one plausible mistake at a
time and names that mistake when it sees it:

========  ======================================  ===========================================
exercise  checker                                 mistakes it recognises
========  ======================================  ===========================================
8.1       :func:`check_bidirectional_outputs`     the backward states not reversed back, the
                                                  order [backward, forward], the backward
                                                  RNN run on the unreversed xs, the two
                                                  halves concatenated along the time axis
                                                  (2T, N, H), params_f (or params_b) used
                                                  for both directions
8.2       :func:`check_stacked_forward`           every layer reading xs or the layers
                                                  applied in reverse order (a shape error,
                                                  ValueError, since D ≠ H), the first (or
                                                  another lower) layer's states returned,
                                                  every layer's states stacked
                                                  (L, T, N, H), each layer reading only the
                                                  last state of the layer below, repeated
8.3       :func:`check_reverse_padded`            the whole time axis reversed (the padding
                                                  moved to the front), lengths[n] − 1 or
                                                  lengths[n] + 1 steps reversed, nothing
                                                  reversed, xs modified in place, the batch
                                                  axis reversed, every axis reversed
                                                  (np.flip without an axis)
8.4       :func:`check_deep_rnn_parameter_count`  the later layers' input counted as H
                                                  instead of d·H, the directions not
                                                  multiplied (d = 1 always), one bias per
                                                  layer where torch has two, every layer's
                                                  input size D, only one layer counted, not
                                                  an int
========  ======================================  ===========================================

The references are built with the package's own :func:`rnnbook.scratch.rnn_forward` (a tanh
RNN started from h0 = 0; hs[t] is h_(t+1)) on parameters from
:func:`~rnnbook.scratch.init_rnn_params`; the parameter counts are confirmed against
``torch.nn.RNN``. Arrays are time-major: xs (T, N, D), states (T, N, H); a layer's
parameters are W_xh (H, D_in), W_hh (H, H), b_h (H,). Counting steps 1 … T, the backward
half of step t holds the state that has read x_T … x_t, so the two halves of a step describe
the same position of the sequence.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral

import numpy as np

from rnnbook.checks._feedback import (
    Hint,
    call,
    expect_close,
    expect_shape,
    fail,
    matches,
    passed,
)

__all__ = [
    "check_bidirectional_outputs",
    "check_deep_rnn_parameter_count",
    "check_reverse_padded",
    "check_stacked_forward",
]

Arrays = dict[str, np.ndarray]


def _states(xs: np.ndarray, params: Arrays) -> np.ndarray:
    """hs (T, N, H) of the tanh RNN ``params`` over ``xs``, from h0 = 0."""
    from rnnbook.scratch import rnn_forward

    return rnn_forward(xs, None, params)[0]


def _random_params(D: int, H: int, seed: int) -> Arrays:
    """RNN parameters from :func:`rnnbook.scratch.init_rnn_params` with a non-zero bias."""
    from rnnbook.scratch import init_rnn_params

    params = init_rnn_params(D, H, rng=seed)
    params["b_h"] = np.random.default_rng(seed).normal(scale=0.3, size=H)
    return params


def _copy(params: Arrays) -> Arrays:
    return {key: value.copy() for key, value in params.items()}


# --------------------------------------------------------------------------- exercise 8.1


def _bidirectional(
    xs: np.ndarray, params_f: Arrays, params_b: Arrays, *, flip_in: bool = True,
    flip_out: bool = True, backward_first: bool = False,
) -> np.ndarray:  # fmt: skip
    """[forward, backward] states; the keywords reproduce the mistakes of 8.1.

    ``flip_in``: run the backward RNN on xs[::-1]. ``flip_out``: reverse its states back.
    ``backward_first``: concatenate [backward, forward].
    """
    forward = _states(xs, params_f)
    backward = _states(xs[::-1] if flip_in else xs, params_b)
    backward = backward[::-1] if flip_out else backward
    halves = (backward, forward) if backward_first else (forward, backward)
    return np.concatenate(halves, axis=-1)


def _bidirectional_mistakes(
    xs: np.ndarray, params_f: Arrays, params_b: Arrays
) -> list[tuple[str, np.ndarray]]:
    """Outputs of plausible wrong bidirectional layers, each with its diagnosis."""
    unreversed = (
        "the backward RNN is run on xs itself: it must read the sequence from the end, "
        "so run it on xs[::-1] (from h0 = 0) and reverse its states back."
    )
    same = (
        "the same parameters are used for both directions: the forward RNN uses params_f "
        "and the backward RNN params_b, two separate RNNs."
    )
    return [
        (
            "the backward states are not reversed back: run on xs[::-1], its state at step t "
            "has read x_T … x_(T−t+1); reverse them (states[::-1]) so that step t holds the "
            "state that has read x_T … x_t, the same position as the forward state h_t.",
            _bidirectional(xs, params_f, params_b, flip_out=False),
        ),
        (
            "the halves are in the order [backward, forward]: put the forward states first, "
            "out[..., :H], and the backward states second, out[..., H:], as torch.nn.RNN "
            "with bidirectional=True does.",
            _bidirectional(xs, params_f, params_b, backward_first=True),
        ),
        (unreversed, _bidirectional(xs, params_f, params_b, flip_in=False, flip_out=False)),
        (unreversed, _bidirectional(xs, params_f, params_b, flip_in=False)),
        (same, _bidirectional(xs, params_f, params_f)),
        (same, _bidirectional(xs, params_b, params_b)),
    ]


def check_bidirectional_outputs(
    bidirectional_outputs: Callable[[np.ndarray, Arrays, Arrays], np.ndarray],
) -> None:
    """Check exercise 8.1: ``bidirectional_outputs(xs, params_f, params_b) -> out``.

    xs (T, N, D); params_f and params_b are the parameters of two tanh RNNs D → H; out
    (T, N, 2H). out[..., :H] are the forward RNN's states over xs and out[..., H:] the
    backward RNN's states over xs[::-1] reversed back, both from h0 = 0. Compared with
    :func:`rnnbook.scratch.rnn_forward` run in both directions.
    """
    ex = "8.1"
    rng = np.random.default_rng(2081)
    for T, N, D, H in [(5, 3, 2, 4), (6, 2, 4, 3)]:
        xs = rng.normal(size=(T, N, D))
        params_f, params_b = _random_params(D, H, 10 * T), _random_params(D, H, 10 * T + 1)
        expected = _bidirectional(xs, params_f, params_b)
        got = call(ex, bidirectional_outputs, xs.copy(), _copy(params_f), _copy(params_b))
        if getattr(got, "shape", None) == (2 * T, N, H):
            fail(
                ex,
                f"the output has shape (2T, N, H) = {(2 * T, N, H)}: the two directions are "
                "concatenated along the time axis. Concatenate them along the last axis, "
                f"np.concatenate([forward, backward], axis=-1), to get (T, N, 2H) = "
                f"{(T, N, 2 * H)}.",
            )
        name = f"out (T={T}, N={N}, D={D}, H={H})"
        expect_shape(ex, name, got, expected.shape)
        if matches(got, expected):
            continue
        for message, candidate in _bidirectional_mistakes(xs, params_f, params_b):
            if matches(got, candidate):
                fail(ex, message)
        expect_close(ex, name, got, expected)
    passed(
        ex,
        "the forward and backward states match rnnbook.scratch.rnn_forward run over xs and "
        "over xs[::-1] (reversed back) on 2 random cases.",
    )


# --------------------------------------------------------------------------- exercise 8.2


def _stack(xs: np.ndarray, layers: list[Arrays], *, last_only: bool = False) -> list[np.ndarray]:
    """The states of every layer, bottom first; ``last_only``: layer k reads only the last
    state of layer k − 1, repeated T times (the mistake of 8.2)."""
    inputs, all_states = xs, []
    for params in layers:
        states = _states(inputs, params)
        all_states.append(states)
        inputs = np.broadcast_to(states[-1], states.shape) if last_only else states
    return all_states


def check_stacked_forward(
    stacked_forward: Callable[[np.ndarray, list[Arrays]], np.ndarray],
) -> None:
    """Check exercise 8.2: ``stacked_forward(xs, layers) -> hs``.

    xs (T, N, D); layers is a list of parameter dicts, layers[0] maps D → H and the later
    ones H → H; every layer starts from h0 = 0 and layer k reads the states of layer k − 1.
    hs (T, N, H) are the top layer's states. Compared with
    :func:`rnnbook.scratch.rnn_forward` applied layer after layer; D ≠ H, so a layer that
    reads the wrong input raises a shape error.
    """
    ex = "8.2"
    rng = np.random.default_rng(2082)
    L = 3
    for T, N, D, H in [(5, 3, 2, 4), (4, 2, 5, 3)]:
        xs = rng.normal(size=(T, N, D))
        layers = [_random_params(D if k == 0 else H, H, 100 * T + k) for k in range(L)]
        all_states = _stack(xs, layers)
        wrong_input = Hint(
            ValueError,
            f"xs has shape {xs.shape}, layers[0]['W_xh'] {layers[0]['W_xh'].shape} and "
            f"layers[k]['W_xh'] {layers[1]['W_xh'].shape} for k ≥ 1. Only layer 0 reads xs: "
            "layer k's input must be layer k − 1's states (T, N, H), so apply the layers in "
            "order, layers[0] first, each to the previous layer's output.",
        )
        layers_copy = [_copy(params) for params in layers]
        got = call(ex, stacked_forward, xs.copy(), layers_copy, hints=[wrong_input])
        if getattr(got, "shape", None) == (L, T, N, H):
            fail(
                ex,
                f"the output has shape (L, T, N, H) = {(L, T, N, H)}: every layer's states "
                f"are stacked. Return only the top layer's states, (T, N, H) = {(T, N, H)}.",
            )
        name = f"hs (T={T}, N={N}, D={D}, H={H}, {L} layers)"
        expect_shape(ex, name, got, (T, N, H))
        if matches(got, all_states[-1]):
            continue
        for k, states in enumerate(all_states[:-1]):
            if matches(got, states):
                fail(
                    ex,
                    f"these are the states of layer {k}{' (the first)' if k == 0 else ''}: "
                    f"return the top layer's, layer {L - 1}, which has read the states of "
                    "every layer below it.",
                )
        if matches(got, _stack(xs, layers, last_only=True)[-1]):
            fail(
                ex,
                "each layer reads only the last state of the layer below, repeated at every "
                "step: layer k reads the whole sequence of layer k − 1's states, its step t "
                "the state at step t, hs_below (T, N, H).",
            )
        expect_close(ex, name, got, all_states[-1])
    passed(
        ex,
        f"the top layer's states match rnnbook.scratch.rnn_forward applied layer after layer "
        f"({L} layers) on 2 random cases.",
    )


# --------------------------------------------------------------------------- exercise 8.3

_JUNK = 99.0  # the padding's value: easy to spot wherever a wrong answer moves it


def _reversed_padded(xs: np.ndarray, lengths: np.ndarray, shift: int = 0) -> np.ndarray:
    """xs with the first lengths[n] + ``shift`` steps of every sequence n reversed."""
    out = xs.copy()
    for n, length in enumerate(lengths):
        steps = min(max(int(length) + shift, 0), len(xs))
        out[:steps, n] = xs[:steps, n][::-1]
    return out


def _padded_batch(rng: np.random.Generator, T: int, D: int, lengths: np.ndarray) -> np.ndarray:
    """Random xs (T, N, D) whose steps from lengths[n] on are filled with the junk value."""
    xs = rng.normal(size=(T, len(lengths), D))
    xs[np.arange(T)[:, None] >= lengths[None, :]] = _JUNK
    return xs


def _reverse_padded_mistakes(xs: np.ndarray, lengths: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Outputs of plausible wrong reversals, each with its diagnosis."""
    steps = "steps 0 … lengths[n] − 1 of sequence n"
    return [
        (
            "the whole time axis is reversed (xs[::-1]), so the padding of the shorter "
            f"sequences has moved to the front: reverse only {steps}, xs[:lengths[n], n]"
            "[::-1], and leave the padding at the end where it was.",
            xs[::-1],
        ),
        (
            f"lengths[n] − 1 steps are reversed instead of lengths[n]: reverse {steps}, "
            f"all of them, xs[:lengths[n], n][::-1] (off by one).",
            _reversed_padded(xs, lengths, shift=-1),
        ),
        (
            f"lengths[n] + 1 steps are reversed instead of lengths[n], so a padding step "
            f"moves to the front: reverse {steps} only, xs[:lengths[n], n][::-1] (off by one).",
            _reversed_padded(xs, lengths, shift=1),
        ),
        (
            f"the output equals xs: nothing is reversed. Reverse {steps}.",
            xs,
        ),
        (
            "the batch axis is reversed (axis 1, the sequences' order): xs is time-major, "
            f"(T, N, D), so reverse {steps} along axis 0, the time axis.",
            xs[:, ::-1],
        ),
        (
            "every axis is reversed, time, batch and features (np.flip without an axis): "
            f"reverse only {steps}, along the time axis.",
            np.flip(xs),
        ),
    ]


def check_reverse_padded(reverse_padded: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> None:
    """Check exercise 8.3: ``reverse_padded(xs, lengths) -> reversed_xs``.

    xs (T, N, D) holds N sequences of lengths (N,), padded at the end; reversed_xs, a new
    array of the same shape, holds steps 0 … lengths[n] − 1 of every sequence n in reverse
    order and the padding unchanged at the end. xs must not be modified. This is the input
    a backward RNN must read in a padded batch; ``torch.nn.utils.rnn`` does the same for
    packed sequences.
    """
    ex = "8.3"
    rng = np.random.default_rng(2083)
    for T, D, lengths in [(6, 2, [6, 1, 4, 3]), (5, 3, [2, 5, 1])]:
        lengths = np.array(lengths)
        xs = _padded_batch(rng, T, D, lengths)
        given = xs.copy()
        got = call(ex, reverse_padded, given, lengths.copy())
        if not np.array_equal(given, xs):
            fail(
                ex,
                "reverse_padded changed its input xs in place: start from a copy, "
                "out = xs.copy(), and write the reversed steps into out.",
            )
        name = f"the output (T={T}, N={len(lengths)}, D={D}, lengths={lengths.tolist()})"
        expected = _reversed_padded(xs, lengths)
        expect_shape(ex, name, got, xs.shape)
        if matches(got, expected):
            continue
        for message, candidate in _reverse_padded_mistakes(xs, lengths):
            if matches(got, candidate):
                fail(ex, message)
        expect_close(
            ex,
            name,
            got,
            expected,
            hint=f"The padding is filled with {_JUNK:g}; it should stay where it is.",
        )
    passed(
        ex,
        "each sequence's steps are reversed within its length, the padding stays at the end "
        "and xs is unchanged, on 2 padded batches (lengths T, 1 and in between).",
    )


# --------------------------------------------------------------------------- exercise 8.4


def _count(
    D: int, H: int, num_layers: int, bidirectional: bool, *, later_input: str = "dH",
    directions: bool = True, biases: int = 2, layers: int | None = None,
) -> int:  # fmt: skip
    """Parameters of torch.nn.RNN; the keywords reproduce the mistakes of 8.4.

    ``later_input``: the input size of layers ≥ 1, "dH", "H" or "D". ``directions``: multiply
    by d. ``biases``: bias vectors per layer and direction. ``layers``: the layers counted.
    """
    d = 2 if bidirectional and directions else 1
    inputs = {"dH": d * H, "H": H, "D": D}[later_input]
    total = 0
    for k in range(num_layers if layers is None else layers):
        total += d * (H * (D if k == 0 else inputs) + H * H + biases * H)
    return total


def _count_mistakes(D: int, H: int, num_layers: int, bidirectional: bool) -> list[tuple[str, int]]:
    """Counts of plausible wrong formulas, each with its diagnosis."""
    case = (D, H, num_layers, bidirectional)
    return [
        (
            "the later layers' input is counted as H: in a bidirectional RNN, layer k ≥ 1 "
            "reads both directions' states of layer k − 1 concatenated, d·H = 2H values, so "
            "its W_ih is (H, 2H) in each direction.",
            _count(*case, later_input="H"),
        ),
        (
            "the directions are not multiplied: with bidirectional=True every layer has two "
            "RNNs, forward and backward, each with its own W_ih, W_hh, b_ih, b_hh; multiply "
            "by d = 2.",
            _count(*case, directions=False),
        ),
        (
            "one bias vector per layer and direction is counted, but torch.nn.RNN has two, "
            "bias_ih and bias_hh (H each): 2H biases per layer and direction.",
            _count(*case, biases=1),
        ),
        (
            "every layer's input size is D: only layer 0 reads the input x (W_ih (H, D)); "
            "layer k ≥ 1 reads layer k − 1's states, d·H values, so its W_ih is (H, d·H).",
            _count(*case, later_input="D"),
        ),
        (
            "only one layer is counted: torch.nn.RNN with num_layers layers has num_layers "
            "sets of weights, layer 0 with input size D and the later ones with d·H.",
            _count(*case, layers=1),
        ),
    ]


def check_deep_rnn_parameter_count(
    deep_rnn_parameter_count: Callable[[int, int, int, bool], int],
) -> None:
    """Check exercise 8.4: ``deep_rnn_parameter_count(D, H, num_layers, bidirectional) -> int``.

    The number of parameters of ``torch.nn.RNN(D, H, num_layers,
    bidirectional=bidirectional)``: with d = 2 if bidirectional else 1, layer 0 has
    d·(H·D + H·H + 2H) and every later layer d·(H·(d·H) + H·H + 2H). The reference is
    confirmed against ``torch.nn.RNN``.
    """
    import torch

    ex = "8.4"
    cases = [(D, H, L, bi) for D, H in [(10, 4), (3, 7)] for L in (1, 2, 3) for bi in (False, True)]
    for case in cases:
        D, H, num_layers, bidirectional = case
        expected = _count(*case)
        rnn = torch.nn.RNN(D, H, num_layers, bidirectional=bidirectional)
        if sum(p.numel() for p in rnn.parameters()) != expected:
            raise RuntimeError("ch08: the reference count disagrees with torch.nn.RNN")
        got = call(ex, deep_rnn_parameter_count, *case)
        call_text = f"deep_rnn_parameter_count({D}, {H}, {num_layers}, {bidirectional})"
        if isinstance(got, bool) or not isinstance(got, Integral):
            fail(ex, f"{call_text} should return an int, got {type(got).__name__}.")
        if got == expected:
            continue
        for message, candidate in _count_mistakes(*case):
            if got == candidate:
                fail(ex, f"{call_text} returned {got}, expected {expected}: {message}")
        fail(ex, f"{call_text} returned {got}, expected {expected}.")
    passed(
        ex,
        "the counts match torch.nn.RNN for 1, 2 and 3 layers, one and two directions; for "
        f"D = 10, H = 4 a 2-layer bidirectional RNN has {_count(10, 4, 2, True)} parameters.",
    )
