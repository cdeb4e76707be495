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
8.6       :func:`check_grid_paths`                the states on a path counted one too many
                                                  or too few, with x_1 and ŷ_T, as every
                                                  state (T·L) or as one row (T); the paths
                                                  as C(T+L−2, L), C(T+L, L), C(T+L−1, L−1),
                                                  C(T+L−1, L), 2^(T+L−2), T·L or 1; not a
                                                  whole number
8.7       :func:`check_right_to_left`             fewer than three runs, percentages, values
                                                  outside [0, 1], a measurement that a rerun
                                                  does not reproduce (no torch seed, a
                                                  stale function), data modified in place,
                                                  tags read at the wrong positions (below
                                                  0.5), no better than left to right
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
    distinct,
    expect_close,
    expect_shape,
    fail,
    matches,
    passed,
)

__all__ = [
    "RIGHT_TO_LEFT_FLOOR",
    "check_bidirectional_outputs",
    "check_deep_rnn_parameter_count",
    "check_grid_paths",
    "check_reverse_padded",
    "check_right_to_left",
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


# --------------------------------------------------------------------------- exercise 8.6

_GRID_T, _GRID_L = 6, 3  # the case the exercise asks for


def _grid_states_mistakes(T: int, L: int) -> dict[int, str]:
    """Wrong counts of the states on a path, each with its diagnosis."""
    return {
        T + L: (
            "one state too many: a path from x_1 to ŷ_T enters the grid at h_1^(1) and leaves "
            "it at h_T^(L), moving T − 1 steps right and L − 1 steps up, so it visits "
            "1 + (T − 1) + (L − 1) = T + L − 1 states."
        ),
        T + L - 2: (
            "one state too few: count the moves (T − 1 to the right, L − 1 up) and add the "
            "state the path starts in, h_1^(1): T + L − 1 states."
        ),
        T + L + 1: (
            "x_1 and ŷ_T are counted as well: they are the ends of the path, not hidden "
            "states. Count only the states h_t^(ℓ) on it: T + L − 1."
        ),
        T * L: (
            "that is every state of the grid (T·L): a single path visits only one state per "
            "move, T − 1 moves right and L − 1 up, from h_1^(1): T + L − 1 states."
        ),
        T: (
            "that is the length of one row: the path must also climb the L − 1 layers above "
            "the first, one state per layer: T + L − 1 states."
        ),
    }


def _grid_paths_mistakes(T: int, L: int) -> dict[int, str]:
    """Wrong counts of the paths, each with its diagnosis."""
    from math import comb

    right, up = T - 1, L - 1
    return {
        comb(T + L - 2, L): (
            "C(T + L − 2, L) chooses L of the moves to go up, but a path climbs only L − 1 "
            "times (from layer 1 to layer L): choose which L − 1 of the T + L − 2 moves go "
            "up, C(T + L − 2, L − 1)."
        ),
        comb(T + L, L): (
            "C(T + L, L) counts paths in a grid one step and one layer too large: a path "
            f"makes T − 1 = {right} moves right and L − 1 = {up} up, so choose the {up} "
            f"upward moves among {right + up}: C(T + L − 2, L − 1)."
        ),
        comb(T + L - 1, L - 1): (
            "C(T + L − 1, L − 1) has one move too many: the moves are T − 1 to the right "
            "and L − 1 up, T + L − 2 in all; choose which L − 1 of them go up."
        ),
        comb(T + L - 1, L): (
            "C(T + L − 1, L) counts one move too many and one climb too many: choose the "
            "L − 1 upward moves among the T + L − 2 moves, C(T + L − 2, L − 1)."
        ),
        2 ** (T + L - 2): (
            "2^(T + L − 2) lets every move go either way, but every path makes exactly "
            "T − 1 moves right and L − 1 up; only the order is free: C(T + L − 2, L − 1)."
        ),
        T * L: (
            "T·L is the number of states, not of paths: a path is an order of T − 1 moves "
            "right and L − 1 up, and there are C(T + L − 2, L − 1) such orders."
        ),
        1: (
            "there is more than one: the path may climb at any step, so every order of the "
            "T − 1 moves right and L − 1 up is a path, C(T + L − 2, L − 1) of them."
        ),
    }


def _as_count(ex: str, name: str, value) -> int:
    """``value`` as an int, or a CheckFailed saying what was received instead."""
    if isinstance(value, bool) or not isinstance(value, Integral | float | np.floating):
        fail(ex, f"{name} should be a whole number, received {type(value).__name__} {value!r}.")
    if not float(value).is_integer():
        fail(ex, f"{name} should be a whole number, received {value!r}.")
    return int(value)


def check_grid_paths(states_on_path, number_of_paths) -> None:
    """Check exercise 8.6: the paths from x_1 to ŷ_T in a deep RNN, T = 6 and L = 3.

    Each path moves from a state to its right neighbour (the next step of the same layer)
    or to the state above (the same step of the next layer). Every path from x_1 to ŷ_T
    makes T − 1 moves right and L − 1 up from h_1^(1), so it visits T + L − 1 = 8 hidden
    states, and there are C(T + L − 2, L − 1) = C(7, 2) = 21 such paths. Both answers are
    whole numbers (an int, or a float such as 8.0).
    """
    from math import comb

    ex = "8.6"
    T, L = _GRID_T, _GRID_L
    states = _as_count(ex, "states_on_path", states_on_path)
    paths = _as_count(ex, "number_of_paths", number_of_paths)
    expected_states, expected_paths = T + L - 1, comb(T + L - 2, L - 1)
    if states != expected_states:
        hint = _grid_states_mistakes(T, L).get(states, "")
        fail(
            ex,
            f"states_on_path = {states} for T = {T}, L = {L} is not right: "
            + (hint or "count the moves a path makes, then the states it visits."),
        )
    if paths != expected_paths:
        hint = _grid_paths_mistakes(T, L).get(paths, "")
        fail(
            ex,
            f"number_of_paths = {paths} for T = {T}, L = {L} is not right: "
            + (hint or "a path is an order of T − 1 moves right and L − 1 moves up."),
        )
    passed(
        ex,
        f"a path from x_1 to ŷ_T visits T + L − 1 = {expected_states} states, and there are "
        f"C(T + L − 2, L − 1) = {expected_paths} of them: depth adds one nonlinearity to "
        "every path, and many more paths.",
    )


# --------------------------------------------------------------------------- exercise 8.7

RIGHT_TO_LEFT_FLOOR = 0.95
"""The least name accuracy a right-to-left tagger reaches (the reference: 1.000 in 6 runs)."""


def _fingerprint(data) -> tuple[np.ndarray, ...]:
    return tuple(np.array(a, copy=True) for a in (data.x, data.lengths, data.y))


def check_right_to_left(
    right_to_left_name_accuracy: Callable[..., float],
    data,
    measured,
    run_seeds,
) -> None:
    """Check exercise 8.7: ``right_to_left_name_accuracy(data, run_seed) -> float``.

    ``data`` is ``ambiguous_name_sentences(...)``; the function trains a unidirectional
    tagger on every sentence reversed within its length and returns its accuracy on the
    ambiguous name of the test sentences, a fraction in [0, 1]. ``measured`` holds its
    value for each of ``run_seeds`` (at least three). The checker reruns the function on
    the first seed and expects the same value (the run must be reproducible, so it must
    seed torch itself and leave ``data`` unchanged), then expects every measured value to
    be at least :data:`RIGHT_TO_LEFT_FLOOR`: read backwards, the tagger has read the whole
    right context when it reaches the name.
    """
    ex = "8.7"
    try:
        values = [float(v) for v in measured]
        run_seeds = list(run_seeds)
    except (TypeError, ValueError):
        fail(
            ex,
            f"measured should be a list of accuracies (floats), one per seed, received "
            f"{type(measured).__name__} {measured!r}.",
        )
    if len(values) < 3:
        fail(ex, f"measure at least three runs (seeds), received {len(values)} value(s).")
    if len(run_seeds) != len(values):
        fail(
            ex,
            f"measured has {len(values)} values but run_seeds {len(run_seeds)}: one "
            "measurement per seed, in the same order.",
        )
    if any(1 < v <= 100 for v in values) and all(0 <= v <= 100 for v in values):
        fail(
            ex,
            f"the values look like percentages ({values}): return the accuracy as a fraction "
            "in [0, 1], e.g. 0.98 rather than 98.",
        )
    if not all(0 <= v <= 1 for v in values):
        fail(ex, f"an accuracy lies in [0, 1], received {values}.")
    before = _fingerprint(data)
    again = call(ex, right_to_left_name_accuracy, data, run_seeds[0])
    if any(not np.array_equal(a, b) for a, b in zip(before, _fingerprint(data), strict=True)):
        fail(
            ex,
            "right_to_left_name_accuracy changed data.x, data.lengths or data.y in place: "
            "reverse into new arrays (the reversal of exercise 8.3 returns a copy), so that "
            "every later run reads the sentences the right way round.",
        )
    try:
        again = float(again)
    except (TypeError, ValueError):
        fail(ex, f"right_to_left_name_accuracy should return a float, got {again!r}.")
    if abs(again - values[0]) > 0.02:
        a, b = distinct(values[0], again)
        fail(
            ex,
            f"measured[0] = {a}, but rerunning right_to_left_name_accuracy(data, "
            f"{run_seeds[0]}) gives {b}: measure with the function as it is now, and make a "
            "run reproducible by calling torch.manual_seed(run_seed) before the model is "
            "built.",
        )
    low = min(values)
    if low < RIGHT_TO_LEFT_FLOOR:
        if low < 0.5:
            cause = (
                "far below even a left-to-right tagger: the tags are probably read at the "
                "wrong positions. Reverse the predicted tags back within each sentence's "
                "length before reading the tag of the name, and reverse the training tags "
                "y together with x."
            )
        else:
            cause = (
                "no better than a tagger reading left to right (about 0.74 here): check "
                "that the tagger reads each sentence reversed within its own length, with "
                "the padding left at the end, both in training and in testing."
            )
        fail(ex, f"the lowest of your runs scores {low:.3f} on the name; {cause}")
    passed(
        ex,
        f"every run scores at least {low:.3f} on the name (rerun of seed {run_seeds[0]}: "
        f"{again:.3f}): read backwards, the tagger has seen the whole right context when it "
        "tags the name.",
    )
