"""Checkers for chapter 06, *Long short-term memory*.

Each checker runs the reader's answer on cases built to expose one plausible mistake at a
time and names that mistake when it sees it:

========  ==================================  ===========================================
exercise  checker                             mistakes it recognises
========  ==================================  ===========================================
6.1       :func:`check_lstm_gates`            the blocks read in any other order (each
                                              gate traced to the block it came from, told
                                              apart from a tuple returned in another
                                              order), interleaved gates (reshape(N, H, 4)),
                                              tanh on every block, σ on every
                                              block (g not through tanh), σ on g and tanh
                                              on o (the activations swapped), a split
                                              along the rows instead of the columns,
                                              outputs in another order or number
6.2       :func:`check_lstm_step`             the concatenation in the order [x, h],
                                              the forget gate missing (c = c_prev +
                                              i⊙g), f and i swapped, tanh of the cell
                                              missing (h = o⊙c), h from the old cell
                                              c_prev, the candidate g through σ, the
                                              bias missing, the blocks read i, f, o, g,
                                              (c, h) returned instead of (h, c), a
                                              shape error inside the function, a stub
                                              or wrong lstm_gates (sent back to 6.1)
6.3       :func:`check_lstm_step_backward`    dx and dh_prev swapped (the split of the
                                              concatenated gradient da @ W, or the
                                              return order), dx and dh_prev split as if
                                              x came first, dW transposed (hx.T @ da),
                                              dW's columns in the order [x, h_prev], db
                                              not summed over the batch, averaged, or
                                              summed over the gates, the inputs changed
                                              in place; in the cell: the path through h
                                              missing from dc_total (everywhere, or in
                                              dc_prev only), the carried cell gradient
                                              without f_t, σ' written σ(1 + σ) or left
                                              out, tanh' missing in the g block, the o
                                              block from c instead of tanh c, the blocks
                                              stacked f, i, g, o or i, f, o, g;
                                              otherwise, when dx, dh_prev, dW and db all
                                              follow from one wrong da (read back from
                                              dW), the wrong gate block by name and,
                                              within it, the wrong term (dc for dc_total,
                                              o or tanh missing in dc_total, c for c_prev,
                                              i and g mixed up, σ' and tanh' mixed up,
                                              dc_total for dh in the o block); a float32
                                              answer is compared with float32's precision;
                                              a wrong lstm_gates (sent back to 6.1)
6.4       :func:`check_largest_hidden_size`   the largest H for a count without the
                                              factor 4, with the other number of
                                              biases, with W_hh as 4H·D, without
                                              biases or with 3 gates; one too many
                                              (the first H over the budget), one too
                                              few, < where ≤ is meant, not an int
6.6       :func:`check_lstm_backward`         the cell gradient not carried between
                                              steps, the carried cell gradient without
                                              f_t, dh_next not added, da stacked f, i, g,
                                              o or i, f, o, g, weight gradients assigned
                                              (=) instead of accumulated (+=), h_t for
                                              h_(t−1) in dW_h, c_t for c_(t−1), inputs or
                                              cache changed in place; built on 6.3's
                                              step: the one matrix built [W_x, W_h],
                                              its dW split as if x came first, a wrong
                                              lstm_step_backward (sent back to 6.3)
6.7       :func:`check_belt_gradient`         f^44 or f^46, o or tanh' missing, tanh'
                                              at c_0 or written 1 − c² or tanh, f^45 alone;
                                              for f_half the linear approximation, the
                                              44th or 46th root, (1/2)^45, 1/90
6.8       :func:`check_forget_bias_experiment` predictions σ^44, (1 − σ)^45, 45σ, b^45;
                                              measurements outside the seeds' spread,
                                              the bias set on another gate's block
========  ==================================  ===========================================

Exercise 6.8's measurement is checked against the range the same setup spans over 12 seeds
(a factor 3 either side), not against one value: the reader's seed is their own.

Exercises 6.2, 6.3 and 6.4 ask for what the chapter does not show (the step with one
matrix on [h_{t−1}, x_t], its backward step, the inverse of the parameter count), so that
no answer can be copied from the chapter.

The references are the package's own :func:`rnnbook.scratch.lstm_step_forward` and
:func:`~rnnbook.scratch.lstm_step_backward`; the parameter counts are confirmed against
``torch.nn.LSTM`` and :func:`~rnnbook.scratch.init_lstm_params`. Gates are stacked in
torch's order i, f, g, o; rows are examples and weights are stored (out, in): W_x (4H, D),
W_h (4H, H), b (4H,), so a = x @ W_x.T + h_prev @ W_h.T + b has shape (N, 4H).
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral

import numpy as np

from rnnbook.checks._feedback import (
    Hint,
    blame_helper,
    call,
    call_with_shapes,
    check_outputs,
    distinct,
    fail,
    first_difference,
    matches,
    outputs_match,
    passed,
    retired,
    tolerance,
)

__all__ = [
    "check_belt_gradient",
    "check_forget_bias_experiment",
    "check_gradient_check",
    "check_lstm_backward",
    "check_lstm_gates",
    "check_largest_hidden_size",
    "check_lstm_step",
    "check_lstm_step_backward",
]

_STEP_LAYOUT = (
    "Rows are examples and W is stored (out, in) = (4H, H + D): stack the state and the "
    "input side by side, np.concatenate([h_prev, x], axis=1) of shape (N, H + D); the "
    "pre-activations are that @ W.T + b, shape (N, 4H), split into four (N, H) blocks "
    "along axis 1."
)
"""The reminder that follows a shape error inside the reader's LSTM step."""


_GATES = "ifgo"

Arrays = dict[str, np.ndarray]


def _random_params(rng: np.random.Generator, D: int, H: int) -> Arrays:
    """Random LSTM parameters W_x (4H, D), W_h (4H, H) and a non-zero bias b (4H,)."""
    return {
        "W_x": rng.normal(scale=0.7, size=(4 * H, D)),
        "W_h": rng.normal(scale=0.7, size=(4 * H, H)),
        "b": rng.normal(scale=0.5, size=(4 * H,)),
    }


def _blocks(a: np.ndarray) -> Arrays:
    """The four (N, H) blocks of a (N, 4H), named by the gate they belong to."""
    return dict(zip(_GATES, np.split(a, 4, axis=1), strict=True))


def _gates(a: np.ndarray) -> Arrays:
    """i, f, o = σ(block), g = tanh(block), from a stacked [i, f, g, o]."""
    from rnnbook.scratch import sigmoid

    blocks = _blocks(a)
    return {k: np.tanh(z) if k == "g" else sigmoid(z) for k, z in blocks.items()}


# --------------------------------------------------------------------------- exercise 6.1


def _gate_mistakes(a: np.ndarray) -> list[tuple[str, Arrays]]:
    """Gates of plausible wrong splits and activations, each with its diagnosis."""
    from rnnbook.scratch import sigmoid

    z = _blocks(a)
    N, H = a.shape[0], a.shape[1] // 4
    interleaved = a.reshape(N, H, 4)
    return [
        (
            "the gates are interleaved: a.reshape(N, H, 4) takes every fourth column for "
            "one gate, but the four gates lie in four contiguous blocks of H columns; "
            "a.reshape(N, 4, H) (or np.split(a, 4, axis=1)) separates them.",
            {
                "i": sigmoid(interleaved[..., 0]),
                "f": sigmoid(interleaved[..., 1]),
                "g": np.tanh(interleaved[..., 2]),
                "o": sigmoid(interleaved[..., 3]),
            },
        ),
        (
            "the blocks are read in the order i, f, o, g: torch stacks the gates i, f, g, o, "
            "so the candidate g is the third block, a[:, 2H:3H], and the output gate o the "
            "fourth, a[:, 3H:].",
            {"g": np.tanh(z["o"]), "o": sigmoid(z["g"])},
        ),
        (
            "the blocks are read in the order f, i, g, o: torch stacks the gates i, f, g, o, "
            "so the input gate i is the first block, a[:, :H], and the forget gate f the "
            "second, a[:, H:2H].",
            {"i": sigmoid(z["f"]), "f": sigmoid(z["i"])},
        ),
        (
            "tanh is applied to every block: the gates i, f and o are σ(·), values in (0, 1) "
            "that scale what passes; only the candidate g = tanh(·) lies in (−1, 1).",
            {k: np.tanh(v) for k, v in z.items()},
        ),
        (
            "σ is applied to every block: the candidate g, the value written into the cell, "
            "is tanh(a_g), in (−1, 1), so that the cell can be pushed down as well as up.",
            {"g": sigmoid(z["g"])},
        ),
        (
            "the activations of g and o are swapped: the output gate o = σ(a_o) is a gate, "
            "in (0, 1); the candidate g = tanh(a_g) is a value, in (−1, 1).",
            {"g": sigmoid(z["g"]), "o": np.tanh(z["o"])},
        ),
    ]


def _misread_blocks(got: object, a: np.ndarray) -> str | None:
    """Name a split that reads the blocks of a in another order than i, f, g, o.

    Each returned gate is traced to the block of a and the activation it was computed from.
    When every activation suits the gate's place in the tuple (σ for i, f, o; tanh for g)
    but the blocks are permuted, the split read the blocks in another order, whatever the
    generic comparison would say (a σ gate read from another σ gate's block also looks like
    an output returned in the wrong place). None when the gates cannot all be traced, or when
    the activations follow the blocks (then the tuple is in another order, which
    :func:`check_outputs` names).
    """
    from rnnbook.scratch import sigmoid

    if not isinstance(got, tuple | list) or len(got) != 4:
        return None
    z = _blocks(a)
    columns = {"i": "a[:, :H]", "f": "a[:, H:2H]", "g": "a[:, 2H:3H]", "o": "a[:, 3H:]"}
    activations = {"σ": sigmoid, "tanh": np.tanh}
    role = {k: "tanh" if k == "g" else "σ" for k in _GATES}
    sources: dict[str, tuple[str, str]] = {}
    for k, value in zip(_GATES, got, strict=True):
        found = [
            (block, name)
            for block in _GATES
            for name, act in activations.items()
            if matches(value, act(z[block]))
        ]
        if len(found) != 1:
            return None
        sources[k] = found[0]
    blocks = [block for block, _ in sources.values()]
    if blocks == list(_GATES) or sorted(blocks) != sorted(_GATES):
        return None
    if not all(name == role[k] for k, (_, name) in sources.items()):
        return None
    order = [next(k for k, (src, _) in sources.items() if src == block) for block in _GATES]
    moved = [
        f"your {k} is {sources[k][1]}({columns[sources[k][0]]}), the "
        f"{_GATE_NAMES[sources[k][0]]}'s block"
        for k in _GATES
        if sources[k][0] != k
    ]
    message = (
        f"the blocks are read in the order {', '.join(order)}: {'; '.join(moved)}. Torch "
        f"stacks the gates i, f, g, o: i = σ({columns['i']}), f = σ({columns['f']}), "
        f"g = tanh({columns['g']}), o = σ({columns['o']})."
    )
    if sources["g"][0] == "g":  # only σ gates moved: a wrong return order looks the same
        message += (
            " (Returning the right gates in the order "
            f"{', '.join(order)} gives the same numbers; return (i, f, g, o) either way.)"
        )
    return message


def check_lstm_gates(lstm_gates: Callable[[np.ndarray], tuple]) -> None:
    """Check exercise 6.1: ``lstm_gates(a) -> (i, f, g, o)``.

    a (N, 4H) holds the pre-activations stacked [a_i, a_f, a_g, a_o] along the columns
    (torch's order); i, f, o = σ(·) and g = tanh(·) of their blocks, each (N, H). The
    reference is :func:`rnnbook.scratch.lstm_step_forward` run with W_x = I, W_h = 0, b = 0
    and zero states, whose cache holds the gates of a.
    """
    from rnnbook.scratch import lstm_step_forward

    ex = "6.1"
    rng = np.random.default_rng(2061)
    # N = 4 first: a split along the rows then gives blocks of a wrong shape, not an error.
    for N, H in [(4, 3), (2, 5)]:
        a = rng.normal(scale=1.5, size=(N, 4 * H))
        zeros = np.zeros((N, H))
        params = {"W_x": np.eye(4 * H), "W_h": np.zeros((4 * H, H)), "b": np.zeros(4 * H)}
        cache = lstm_step_forward(a, zeros, zeros, params)[2]
        expected = {"i": cache.i, "f": cache.f, "g": cache.g, "o": cache.o}
        got = call(ex, lstm_gates, a.copy())
        if isinstance(got, tuple | list) and any(np.shape(v) == (N // 4, 4 * H) for v in got):
            fail(
                ex,
                f"the gates have shape {(N // 4, 4 * H)}, expected {(N, H)}: a was split along "
                "its rows. Rows are examples; the four gates lie side by side in the columns, "
                "so split along axis 1, np.split(a, 4, axis=1).",
            )
        if not outputs_match(got, expected):
            reading = _misread_blocks(got, a)
            if reading:
                fail(ex, reading)
        check_outputs(ex, got, expected, _gate_mistakes(a), f"(N={N}, H={H})")
    passed(
        ex,
        "lstm_gates splits a into i, f, g, o (torch's order) with σ on i, f, o and tanh on g, "
        "as rnnbook.scratch.lstm_step_forward does.",
    )


# --------------------------------------------------------------------------- exercise 6.2


def _cell(
    i: np.ndarray, f: np.ndarray | float, g: np.ndarray, o: np.ndarray, c_prev: np.ndarray
) -> Arrays:
    """c = f ⊙ c_prev + i ⊙ g and h = o ⊙ tanh(c) from the given gates."""
    c = f * c_prev + i * g
    return {"h": o * np.tanh(c), "c": c}


def _read(a: np.ndarray, order: str, c_prev: np.ndarray) -> Arrays:
    """(h, c) when the blocks of a (N, 4H) are read as the gates named by ``order``."""
    from rnnbook.scratch import sigmoid

    blocks = dict(zip(order, np.split(a, 4, axis=1), strict=True))
    gates = {k: np.tanh(z) if k == "g" else sigmoid(z) for k, z in blocks.items()}
    return _cell(gates["i"], gates["f"], gates["g"], gates["o"], c_prev)


def _step_mistakes(
    x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, W: np.ndarray, b: np.ndarray
) -> list[tuple[str, Arrays]]:
    """Outputs of plausible wrong LSTM steps on [h_prev, x], each with its diagnosis."""
    from rnnbook.scratch import sigmoid

    a = np.concatenate([h_prev, x], axis=1) @ W.T + b
    gates = _gates(a)
    i, f, g, o = (gates[k] for k in _GATES)
    c = f * c_prev + i * g
    xh = np.concatenate([x, h_prev], axis=1)
    return [
        (
            "the concatenation is [x, h_prev]; W's first H columns act on the state, so "
            "stack the state first: np.concatenate([h_prev, x], axis=1) @ W.T.",
            _read(xh @ W.T + b, _GATES, c_prev) if xh.shape[1] == W.shape[1] else None,
        ),
        (
            "the forget gate is missing: c = c_prev + i ⊙ g only ever adds to the cell. "
            "The forget gate scales the old cell first, c = f ⊙ c_prev + i ⊙ g.",
            _cell(i, 1.0, g, o, c_prev),
        ),
        (
            "f and i are swapped: the forget gate f scales the old cell and the input gate i "
            "the candidate, c = f ⊙ c_prev + i ⊙ g.",
            _cell(f, i, g, o, c_prev),
        ),
        (
            "h = o ⊙ c: the cell goes through tanh before the output gate, h = o ⊙ tanh(c), "
            "which keeps h in (−1, 1) however large c grows.",
            {"h": o * c},
        ),
        (
            "h is computed from the old cell c_prev: update the cell first, then read it "
            "out, h = o ⊙ tanh(c) with the new c.",
            {"h": o * np.tanh(c_prev)},
        ),
        (
            "the candidate g goes through σ: g = tanh(a_g), in (−1, 1), so that the cell can "
            "be pushed down as well as up; only i, f and o are σ(·).",
            _cell(i, f, sigmoid(_blocks(a)["g"]), o, c_prev),
        ),
        (
            "the bias is missing: the pre-activations are a = [h_prev, x] @ W.T + b.",
            _read(a - b, _GATES, c_prev),
        ),
        (
            "the gate blocks are read in the order i, f, o, g: torch stacks i, f, g, o, so "
            "the candidate g is the third block of a and the output gate o the fourth. (If "
            "your step calls lstm_gates, fix it in exercise 6.1.)",
            _read(a, "ifog", c_prev),
        ),
    ]


def check_lstm_step(lstm_step: Callable[..., tuple]) -> None:
    """Check exercise 6.2: ``lstm_step(x, h_prev, c_prev, W, b) -> (h, c)``, one matrix.

    x (N, D), h_prev and c_prev (N, H), W (4H, H + D) acting on the concatenation
    [h_prev, x] (state first), b (4H,): a = [h_prev, x] Wᵀ + b; i, f, g, o as in 6.1;
    c = f ⊙ c_prev + i ⊙ g and h = o ⊙ tanh(c), both (N, H). Compared with
    :func:`rnnbook.scratch.lstm_step_forward` with W_h = W[:, :H] and W_x = W[:, H:].
    """
    from rnnbook.scratch import lstm_step_forward

    ex = "6.2"
    rng = np.random.default_rng(2062)
    for N, D, H in [(3, 2, 4), (2, 5, 3)]:
        params = _random_params(rng, D, H)
        W = np.concatenate([params["W_h"], params["W_x"]], axis=1)  # (4H, H + D)
        x = rng.normal(size=(N, D))
        h_prev, c_prev = rng.uniform(-1.0, 1.0, size=(N, H)), rng.normal(size=(N, H))
        h, c, _ = lstm_step_forward(x, h_prev, c_prev, params)
        got = call_with_shapes(ex, lstm_step, _STEP_LAYOUT, x, h_prev, c_prev, W, params["b"])
        expected = {"h": h, "c": c}
        if not outputs_match(got, expected):
            blame_helper(ex, lstm_step, "lstm_gates", "6.1", check_lstm_gates)
        mistakes = _step_mistakes(x, h_prev, c_prev, W, params["b"])
        check_outputs(ex, got, expected, mistakes, f"(N={N}, D={D}, H={H})")
    passed(ex, "h and c match rnnbook.scratch.lstm_step_forward on 2 random cases.")


# --------------------------------------------------------------------------- exercise 6.3


def _upstream(
    dh: np.ndarray, dc: np.ndarray, c_prev: np.ndarray, gates: Arrays, c: np.ndarray, path: bool
) -> tuple[Arrays, np.ndarray]:
    """The gradients at the activated gates and dc_total; ``path``: add the way through h."""
    i, g, o = gates["i"], gates["g"], gates["o"]
    dc_total = dc + dh * o * (1.0 - np.tanh(c) ** 2) if path else dc
    grads = {"i": dc_total * g, "f": dc_total * c_prev, "g": dc_total * i, "o": dh * np.tanh(c)}
    return grads, dc_total


def _stack(
    upstream: Arrays, local: dict[str, np.ndarray | float], order: str = _GATES
) -> np.ndarray:
    """da: each gate's gradient times its activation's derivative, blocks side by side."""
    return np.concatenate([upstream[k] * local[k] for k in order], axis=1)


def _local(gates: Arrays) -> Arrays:
    """The derivatives of the activations from their values: σ' = σ(1 − σ), tanh' = 1 − g²."""
    return {k: 1.0 - v**2 if k == "g" else v * (1.0 - v) for k, v in gates.items()}


def _backward(
    dh: np.ndarray, dc: np.ndarray, c_prev: np.ndarray, gates: Arrays, c: np.ndarray
) -> Arrays:
    """The reference da (N, 4H) and dc_prev (N, H) of one cell."""
    upstream, dc_total = _upstream(dh, dc, c_prev, gates, c, path=True)
    return {"da": _stack(upstream, _local(gates)), "dc_prev": dc_total * gates["f"]}


def _backward_mistakes(
    dh: np.ndarray, dc: np.ndarray, c_prev: np.ndarray, gates: Arrays, c: np.ndarray
) -> list[tuple[str, Arrays]]:
    """Outputs of plausible wrong cell backward passes, each with its diagnosis."""
    upstream, dc_total = _upstream(dh, dc, c_prev, gates, c, path=True)
    cut, _ = _upstream(dh, dc, c_prev, gates, c, path=False)
    local = _local(gates)
    f = gates["f"]
    path_message = (
        "the path through h is missing: c_t reaches the loss through h_t = o ⊙ tanh(c_t) as "
        "well, so dc_total = dc + dh ⊙ o ⊙ (1 − tanh²c) and dc_prev = dc_total ⊙ f."
    )
    sigma = "σ' = σ(1 − σ), computed from the gate itself: i ⊙ (1 − i), f ⊙ (1 − f), o ⊙ (1 − o)"
    return [
        (path_message, {"da": _stack(cut, local), "dc_prev": dc * f}),
        (path_message, {"dc_prev": dc * f}),
        (
            "dc_prev = dc_total: the old cell enters c = f ⊙ c_prev + i ⊙ g through the "
            "forget gate, so dc_prev = dc_total ⊙ f.",
            {"dc_prev": dc_total},
        ),
        (
            f"σ' is written σ(1 + σ): {sigma}.",
            {"da": _stack(upstream, {**local, **{k: gates[k] * (1.0 + gates[k]) for k in "ifo"}})},
        ),
        (
            f"the derivative of σ is missing in the i, f and o blocks: {sigma}.",
            {"da": _stack(upstream, {**local, **dict.fromkeys("ifo", 1.0)})},
        ),
        (
            "the derivative of tanh is missing in the g block: g = tanh(a_g), so "
            "da_g = dg ⊙ (1 − g²).",
            {"da": _stack(upstream, {**local, "g": 1.0})},
        ),
        (
            "the o block uses c instead of tanh c: h = o ⊙ tanh(c), so do = dh ⊙ tanh(c).",
            {"da": _stack({**upstream, "o": dh * c}, local)},
        ),
        (
            "the blocks of da are stacked f, i, g, o: they follow the order of a, torch's "
            "i, f, g, o.",
            {"da": _stack(upstream, local, "figo")},
        ),
        (
            "the blocks of da are stacked i, f, o, g: they follow the order of a, torch's "
            "i, f, g, o.",
            {"da": _stack(upstream, local, "ifog")},
        ),
    ]


_GATE_NAMES = {"i": "input gate", "f": "forget gate", "g": "candidate", "o": "output gate"}


def _term_mistakes(
    dh: np.ndarray, dc: np.ndarray, c_prev: np.ndarray, gates: Arrays, c: np.ndarray
) -> dict[str, list[tuple[str, np.ndarray]]]:
    """Per gate block of da, plausible wrong terms, each with its diagnosis."""
    i, f, g, o = (gates[k] for k in _GATES)
    tanh_c = np.tanh(c)
    total = dc + dh * o * (1.0 - tanh_c**2)
    path = (
        "it uses dc where it needs the total gradient at the cell, dc_total = dc + dh ⊙ o ⊙ "
        "(1 − tanh²c): c_t reaches the loss through h_t as well."
    )
    no_o = "dc_total = dc + dh ⊙ o ⊙ (1 − tanh²c) lacks the factor o: h = o ⊙ tanh(c)."
    tanh_of_c = "tanh' at the cell is 1 − tanh²(c), not 1 − c²: h = o ⊙ tanh(c)."
    sigma = "σ'(a) = σ(1 − σ), computed from the gate itself, {0} ⊙ (1 − {0})."
    return {
        "i": [
            (path, dc * g * i * (1 - i)),
            (no_o, (dc + dh * (1 - tanh_c**2)) * g * i * (1 - i)),
            (tanh_of_c, (dc + dh * o * (1 - c**2)) * g * i * (1 - i)),
            ("the derivative of σ is missing: " + sigma.format("i"), total * g),
            (
                "the factor g is missing: i multiplies g in c = f ⊙ c_prev + i ⊙ g, so "
                "di = dc_total ⊙ g, then times σ'.",
                total * i * (1 - i),
            ),
            (
                "it uses i where c = f ⊙ c_prev + i ⊙ g has g: di = dc_total ⊙ g.",
                total * i * i * (1 - i),
            ),
        ],
        "f": [
            (path, dc * c_prev * f * (1 - f)),
            (no_o, (dc + dh * (1 - tanh_c**2)) * c_prev * f * (1 - f)),
            (tanh_of_c, (dc + dh * o * (1 - c**2)) * c_prev * f * (1 - f)),
            ("the derivative of σ is missing: " + sigma.format("f"), total * c_prev),
            (
                "it uses the new cell c where the forget gate scales the old one: "
                "c = f ⊙ c_prev + i ⊙ g, so df = dc_total ⊙ c_prev.",
                total * c * f * (1 - f),
            ),
        ],
        "g": [
            (path, dc * i * (1 - g**2)),
            (no_o, (dc + dh * (1 - tanh_c**2)) * i * (1 - g**2)),
            (tanh_of_c, (dc + dh * o * (1 - c**2)) * i * (1 - g**2)),
            (
                "the derivative of tanh is missing: g = tanh(a_g), so da_g = dg ⊙ (1 − g²).",
                total * i,
            ),
            (
                "it uses σ' = g(1 − g) for the candidate; g = tanh(a_g), so its derivative "
                "is 1 − g².",
                total * i * g * (1 - g),
            ),
            (
                "it uses g where c = f ⊙ c_prev + i ⊙ g has i: dg = dc_total ⊙ i.",
                total * g * (1 - g**2),
            ),
        ],
        "o": [
            (
                "it uses dc_total where only dh reaches the output gate: o acts on "
                "h = o ⊙ tanh(c) alone, so do = dh ⊙ tanh(c).",
                total * tanh_c * o * (1 - o),
            ),
            ("the derivative of σ is missing: " + sigma.format("o"), dh * tanh_c),
            (
                "it uses tanh' = 1 − o² for the output gate; o = σ(a_o), so its derivative "
                "is o(1 − o).",
                dh * tanh_c * (1 - o**2),
            ),
        ],
    }


def _explain_backward(
    dh: np.ndarray,
    dc: np.ndarray,
    c_prev: np.ndarray,
    gates: Arrays,
    c: np.ndarray,
    rtol: float = 1e-6,
    atol: float = 1e-8,
) -> Callable[[np.ndarray, np.ndarray], str]:
    """Describe a wrong da (N, 4H) by its gate blocks, and a wrong block by its wrong term."""
    H = dh.shape[1]
    terms = _term_mistakes(dh, dc, c_prev, gates, c)

    def explain(got: np.ndarray, expected: np.ndarray) -> str:
        got, expected = got.astype(float), expected.astype(float)
        columns = {k: slice(n * H, (n + 1) * H) for n, k in enumerate(_GATES)}
        wrong = [
            k
            for k in _GATES
            if not matches(got[:, columns[k]], expected[:, columns[k]], rtol, atol)
        ]
        k = wrong[0]
        block = columns[k]
        where = (
            f"da is wrong in the {k} block, columns {block.start}:{block.stop}, the "
            f"{_GATE_NAMES[k]}'s"
        )
        right = [g for g in _GATES if g not in wrong]
        if not right:
            others = " (and in the other three)"
        else:
            plural = "s are" if len(right) > 1 else " is"
            others = f" (the {', '.join(right)} block{plural} right)"
        for message, candidate in terms[k]:
            if matches(got[:, block], candidate, rtol, atol):
                return f"{where}{others}: {message}"
        (row, unit), count = first_difference(got[:, block], expected[:, block], rtol, atol)
        want, have = distinct(expected[row, block.start + unit], got[row, block.start + unit])
        return (
            f"{where}{others}: at example {row}, unit {unit} (column {block.start + unit}) "
            f"expected {want}, got {have}; {count} of {got[:, block].size} entries of "
            "the block differ."
        )

    return explain


_STEP_GRADS = ("dx", "dh_prev", "dc_prev", "dW", "db")
"""The outputs of exercise 6.3's step, in the order it returns them."""

_BACKWARD_LAYOUT = (
    "Rows are examples: hx = np.concatenate([h_prev, x], axis=1) is (N, H + D) and W is "
    "(4H, H + D), so a = hx @ W.T + b and da are (N, 4H); da @ W, the gradient at hx, is "
    "(N, H + D) with h_prev's H columns first; dW = da.T @ hx has W's shape and db = "
    "da.sum(axis=0) b's."
)
"""The reminder that follows a shape error inside the reader's backward step."""


def _step_backward_reference(
    dh: np.ndarray,
    dc: np.ndarray,
    x: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
) -> Arrays:
    """Exercise 6.3's outputs from the package, W (4H, H + D) split into W_h | W_x.

    :func:`rnnbook.scratch.lstm_step_forward` and :func:`~rnnbook.scratch.lstm_step_backward`
    run with W_h = W[:, :H] and W_x = W[:, H:]; dW = [dW_h, dW_x] side by side, (4H, H + D).
    """
    from rnnbook.scratch import lstm_step_backward, lstm_step_forward

    H = h_prev.shape[1]
    params = {"W_h": W[:, :H], "W_x": W[:, H:], "b": b}
    cache = lstm_step_forward(x, h_prev, c_prev, params)[2]
    dx, dh_prev, dc_prev, grads = lstm_step_backward(dh, dc, cache)
    dW = np.concatenate([grads["W_h"], grads["W_x"]], axis=1)
    return dict(zip(_STEP_GRADS, (dx, dh_prev, dc_prev, dW, grads["b"]), strict=True))


def _through_matrix(da: np.ndarray, x: np.ndarray, h_prev: np.ndarray, W: np.ndarray) -> Arrays:
    """dx, dh_prev, dW and db that a da (N, 4H) sends through a = [h_prev, x] Wᵀ + b."""
    H = h_prev.shape[1]
    dhx = da @ W
    hx = np.concatenate([h_prev, x], axis=1)
    return {"dx": dhx[:, H:], "dh_prev": dhx[:, :H], "dW": da.T @ hx, "db": da.sum(axis=0)}


def _step_backward_mistakes(
    dh: np.ndarray,
    dc: np.ndarray,
    x: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    W: np.ndarray,
    gates: Arrays,
    c: np.ndarray,
) -> list[tuple[str, Arrays]]:
    """Outputs of plausible wrong one-matrix backward steps, each with its diagnosis."""
    D, H = x.shape[1], h_prev.shape[1]
    da = _backward(dh, dc, c_prev, gates, c)["da"]
    dhx = da @ W
    hx, xh = np.concatenate([h_prev, x], axis=1), np.concatenate([x, h_prev], axis=1)
    split = (
        "W's first H columns act on h_prev (the state comes first in [h_prev, x], as in "
        "exercise 6.2), so the gradient at the concatenation, da @ W, splits into dh_prev = "
        "(da @ W)[:, :H] and dx = (da @ W)[:, H:]"
    )
    mistakes = [
        (
            f"dx and dh_prev are swapped: {split}. Return them in the order (dx, dh_prev, "
            "dc_prev, dW, db).",
            {"dx": dhx[:, :H], "dh_prev": dhx[:, H:]},
        ),
        (
            f"dx and dh_prev are split from da @ W as if x came first in the concatenation: "
            f"{split}.",
            {"dx": dhx[:, :D], "dh_prev": dhx[:, D:]} if D != H else {},
        ),
        (
            "dW is transposed: it has the shape of W, (4H, H + D), stored (out, in), so "
            "dW = da.T @ hx, not hx.T @ da.",
            {"dW": hx.T @ da},
        ),
        (
            "dW's columns are in the order [x, h_prev]: W's first H columns act on h_prev, "
            "so dW = da.T @ np.concatenate([h_prev, x], axis=1), the state first.",
            {"dW": da.T @ xh},
        ),
        (
            "db is not summed over the batch: every example adds the same b, so its gradient "
            "is the sum of the rows of da, db = da.sum(axis=0), of shape (4H,).",
            {"db": da},
        ),
        (
            "db is the mean of da over the batch: the loss adds the examples' losses, so db "
            "is their sum, da.sum(axis=0), like dW = da.T @ hx (no 1/N).",
            {"db": da.mean(axis=0)},
        ),
        (
            "db is summed over the wrong axis: da.sum(axis=1) adds the gates of one example; "
            "b has one entry per gate unit, so sum over the examples, da.sum(axis=0).",
            {"db": da.sum(axis=1)},
        ),
    ]
    for message, cell in _backward_mistakes(dh, dc, c_prev, gates, c):
        outputs = _through_matrix(cell["da"], x, h_prev, W) if "da" in cell else {}
        if "dc_prev" in cell:
            outputs["dc_prev"] = cell["dc_prev"]
        mistakes.append((message, outputs))
    return mistakes


def _snap(
    got: tuple, expected: Arrays, mistakes: list[tuple[str, Arrays]], rtol: float, atol: float
) -> tuple:
    """``got`` with each low-precision output that is right (or a named mistake's) made exact.

    A float32 answer carries float32's rounding; :func:`check_outputs` compares in float64's
    precision. An output that matches the reference (or one mistake's output) within
    ``rtol``/``atol`` is replaced by it, so that only what is really wrong stays wrong.
    """
    snapped = []
    for name, value in zip(expected, got, strict=True):
        candidates = [expected[name], *(m[name] for _, m in mistakes if name in m)]
        snapped.append(next((v for v in candidates if matches(value, v, rtol, atol)), value))
    return tuple(snapped)


def _explain_step(
    got: Arrays,
    expected_da: np.ndarray,
    x: np.ndarray,
    h_prev: np.ndarray,
    W: np.ndarray,
    explain_da: Callable[[np.ndarray, np.ndarray], str],
    rtol: float,
    atol: float,
) -> Callable[[str, np.ndarray, np.ndarray], str | None]:
    """Name a wrong da when the reader's dx, dh_prev, dW and db all follow from one da.

    With N ≤ H + D and [h_prev, x] of full row rank, dW = daᵀ [h_prev, x] determines da:
    da = (dW pinv([h_prev, x]))ᵀ. If that da also gives the reader's dx, dh_prev and db, the
    matrix product is right and the mistake lies in da; its gate block and term are named.
    """
    hx = np.concatenate([h_prev, x], axis=1)

    def explain(name: str, value: np.ndarray, expected: np.ndarray) -> str | None:
        if name == "dc_prev" or np.shape(got["dW"]) != W.shape:
            return None
        da = (np.asarray(got["dW"], dtype=float) @ np.linalg.pinv(hx)).T
        implied = _through_matrix(da, x, h_prev, W)
        if not all(matches(got[k], implied[k], rtol, atol) for k in implied):
            return None
        return (
            "dx, dh_prev, dW and db are wrong together, as a wrong da makes them (your dW "
            f"= da.T @ [h_prev, x] gives your da back). {explain_da(da, expected_da)}"
        )

    return explain


def check_lstm_step_backward(lstm_step_backward: Callable[..., tuple]) -> None:
    """Check exercise 6.3: ``lstm_step_backward(dh, dc, x, h_prev, c_prev, W, b)``.

    The backward step of exercise 6.2's one-matrix LSTM: a = [h_prev, x] Wᵀ + b with
    W (4H, H + D) acting on the concatenation, state first; x (N, D), h_prev and c_prev
    (N, H), b (4H,). dh (N, H) is the whole ∂E/∂h_t, dc (N, H) what reaches c_t along the
    belt. Returns ``(dx, dh_prev, dc_prev, dW, db)`` of the shapes of x, h_prev, c_prev, W
    and b. The reference is :func:`rnnbook.scratch.lstm_step_backward` in float64, with W
    split into the package's blocks W_h = W[:, :H] and W_x = W[:, H:]; a float32 answer is
    compared with float32's precision. The arguments must come back unchanged.
    """
    ex = "6.3"
    rng = np.random.default_rng(2063)
    single = False
    for N, D, H in [(3, 2, 4), (2, 5, 3)]:
        params = _random_params(rng, D, H)
        W, b = np.concatenate([params["W_h"], params["W_x"]], axis=1), params["b"]
        x = rng.normal(size=(N, D))
        h_prev, c_prev = rng.uniform(-1.0, 1.0, size=(N, H)), rng.normal(size=(N, H))
        dh, dc = rng.normal(size=(N, H)), rng.normal(size=(N, H))
        expected = _step_backward_reference(dh, dc, x, h_prev, c_prev, W, b)
        a = np.concatenate([h_prev, x], axis=1) @ W.T + b
        gates = _gates(a)
        c = gates["f"] * c_prev + gates["i"] * gates["g"]
        cell = _backward(dh, dc, c_prev, gates, c)
        ours = {**_through_matrix(cell["da"], x, h_prev, W), "dc_prev": cell["dc_prev"]}
        if not all(np.allclose(ours[k], expected[k]) for k in _STEP_GRADS):
            raise RuntimeError("ch06: the reference backward disagrees with lstm_step_backward")
        inputs = {"dh": dh, "dc": dc, "x": x, "h_prev": h_prev, "c_prev": c_prev, "W": W, "b": b}
        given = {k: v.copy() for k, v in inputs.items()}
        shapes = ", ".join(f"{k} {v.shape}" for k, v in inputs.items())
        hint = Hint(ValueError, f"The inputs had shapes {shapes}. {_BACKWARD_LAYOUT}")
        got = call(ex, lstm_step_backward, *given.values(), hints=[hint])
        changed = [k for k in inputs if not np.array_equal(given[k], inputs[k])]
        if changed:
            fail(
                ex,
                f"lstm_step_backward changed its argument {changed[0]} in place: a backward "
                "step must leave its inputs as it found them (lstm_backward in exercise 6.6 "
                "reuses them). Compute new arrays, dc_total = dc + ..., instead of updating "
                "an input with +=.",
            )
        mistakes = _step_backward_mistakes(dh, dc, x, h_prev, c_prev, W, gates, c)
        if isinstance(got, tuple | list) and len(got) == len(_STEP_GRADS):
            rtol, atol = max(tolerance(v) for v in got)
            single = single or rtol > 1e-6
            got = _snap(tuple(got), expected, mistakes, rtol, atol)
            if not outputs_match(got, expected):
                blame_helper(ex, lstm_step_backward, "lstm_gates", "6.1", check_lstm_gates)
            named = dict(zip(_STEP_GRADS, got, strict=True))
            explain_da = _explain_backward(dh, dc, c_prev, gates, c, rtol, atol)
            explain = _explain_step(named, cell["da"], x, h_prev, W, explain_da, rtol, atol)
        else:
            explain = None
        where = f"(N={N}, D={D}, H={H})"
        check_outputs(ex, got, expected, mistakes, where, explain=explain)
    precision = " (a float32 answer, compared with float32's precision)" if single else ""
    passed(
        ex,
        "dx, dh_prev, dc_prev, dW and db match rnnbook.scratch.lstm_step_backward with W "
        f"split into W_h = W[:, :H] and W_x = W[:, H:], on 2 random steps{precision}; the "
        "inputs came back unchanged.",
    )


# --------------------------------------------------------------------------- exercise 6.4


def _count(D: int, H: int, biases: int, gates: int = 4, W_hh_inputs: int | None = None) -> int:
    """gates·H rows of weights over D + W_hh_inputs columns (default H), plus the biases."""
    rows = gates * H
    return rows * (D + (H if W_hh_inputs is None else W_hh_inputs)) + biases * rows


def _largest(count: Callable[[int], int], budget: int) -> int:
    """The largest H ≥ 0 with count(H) ≤ budget (count grows with H)."""
    H = 0
    while count(H + 1) <= budget:
        H += 1
    return H


def _count_mistakes(D: int, two_biases: bool) -> list[tuple[str, Callable[[int], int]]]:
    """Counts of plausible wrong formulas, each with its diagnosis."""
    biases = 2 if two_biases else 1
    wrong_biases = (
        (
            "your count has one bias vector, but torch's LSTM has two, bias_ih and bias_hh, "
            "4H entries each: 4H(D + H) + 8H when two_biases=True."
        )
        if two_biases
        else (
            "your count has two bias vectors although two_biases=False: with one bias b "
            "(4H,), as in rnnbook.scratch, a layer has 4H(D + H) + 4H parameters."
        )
    )
    return [
        (
            "your count lacks the factor 4, a vanilla RNN's count. The LSTM has four gates "
            "i, f, g, o, each with its own H rows in W_ih (4H, D), W_hh (4H, H) and the "
            "biases.",
            lambda H: _count(D, H, biases, gates=1),
        ),
        (wrong_biases, lambda H: _count(D, H, 3 - biases)),
        (
            "your count has W_hh with 4H·D entries, as if it were (4H, D): it maps h_(t−1), "
            "of size H, to the gates, so it has shape (4H, H); only W_ih (4H, D) depends "
            "on D.",
            lambda H: _count(D, H, biases, W_hh_inputs=D),
        ),
        (
            "your count ignores two_biases: it always has one bias vector, but torch's "
            "LSTM, the default (two_biases=True), has two, bias_ih and bias_hh: "
            "4H(D + H) + 8H.",
            lambda H: _count(D, H, 1),
        ),
        (
            "your count ignores two_biases: it always has two bias vectors, but with "
            "two_biases=False there is one, b (4H,): 4H(D + H) + 4H.",
            lambda H: _count(D, H, 2),
        ),
        (
            "your count leaves the biases out: torch.nn.LSTM has bias_ih and bias_hh, 4H "
            "each, and rnnbook.scratch one b (4H,); they count as parameters too.",
            lambda H: _count(D, H, 0),
        ),
        (
            "your count has 3 gates, a GRU's: the LSTM has four, i, f, g, o, so 4H(D + H) "
            "weights plus the biases.",
            lambda H: _count(D, H, biases, gates=3),
        ),
    ]


def check_largest_hidden_size(largest_hidden_size: Callable[..., int]) -> None:
    """Check exercise 6.4: ``largest_hidden_size(D, budget, two_biases=True) -> H``.

    The largest H whose LSTM layer with input size D has at most ``budget`` parameters:
    4H(D + H) + 8H with torch's two bias vectors (bias_ih, bias_hh), 4H(D + H) + 4H with
    one (two_biases=False); 0 if not even H = 1 fits. The count is confirmed against
    ``torch.nn.LSTM`` and :func:`rnnbook.scratch.init_lstm_params`.
    """
    import torch

    from rnnbook.scratch import init_lstm_params

    ex = "6.4"
    for D, H in [(3, 7), (10, 4), (6, 13)]:
        torch_count = sum(p.numel() for p in torch.nn.LSTM(D, H).parameters())
        scratch_count = sum(p.size for p in init_lstm_params(D, H).values())
        if (torch_count, scratch_count) != (_count(D, H, 2), _count(D, H, 1)):
            raise RuntimeError("ch06: the reference count disagrees with torch or rnnbook.scratch")
    # Together these cases tell every mistake below from the others and from an answer
    # that is one too large or too small everywhere (a wrong bias count shifts H by at most
    # one, and only in some cases).
    cases = [(10, 5_000, True), (10, 5_000, False), (32, 20_000, True), (3, 336, True)]
    cases += [(300, 1_000_000, False), (8, 100, True), (16, 3_000, True), (5, 700, False)]
    cases += [(50, 150, True)]  # not even H = 1 fits
    answers, expected, wrong = [], [], [[] for _ in _count_mistakes(1, True)]
    for D, budget, two_biases in cases:
        kwargs = {} if two_biases else {"two_biases": False}
        got = call(ex, largest_hidden_size, D, budget, **kwargs)
        case = f"largest_hidden_size({D}, {budget}{', two_biases=False' if kwargs else ''})"
        if isinstance(got, bool) or not isinstance(got, Integral):
            fail(ex, f"{case} should return an int, got {type(got).__name__} ({got!r}).")
        answers.append(int(got))
        biases = 2 if two_biases else 1
        expected.append(_largest(lambda H, D=D, biases=biases: _count(D, H, biases), budget))
        for k, (_, count) in enumerate(_count_mistakes(D, two_biases)):
            wrong[k].append(_largest(count, budget))
    if answers == expected:
        passed(
            ex,
            "the largest hidden sizes match the counts of torch.nn.LSTM (two biases) and "
            "rnnbook.scratch.init_lstm_params (one bias); with D = 10 and 5,000 parameters, "
            f"H = {expected[0]}.",
        )
        return
    k = next(k for k, (a, e) in enumerate(zip(answers, expected, strict=True)) if a != e)
    D, budget, two_biases = cases[k]
    got, right = answers[k], expected[k]
    biases = 2 if two_biases else 1
    formula = "4H(D + H) + 8H" if two_biases else "4H(D + H) + 4H"
    case = f"largest_hidden_size({D}, {budget}{'' if two_biases else ', two_biases=False'})"
    for (message, _), their in zip(_count_mistakes(D, two_biases), wrong, strict=True):
        if answers == their:
            fail(ex, f"{case} returned {got}, expected {right}: {message}")
    if all(a == e + 1 for a, e in zip(answers, expected, strict=True)):
        fail(
            ex,
            f"{case} returned {got}, one too many: with H = {got} a layer has {formula} = "
            f"{_count(D, got, biases):,} parameters, over the budget of {budget:,}. Return "
            "the largest H that fits, not the first that does not.",
        )
    exact = [
        _count(c[0], e, 2 if c[2] else 1) == c[1] for c, e in zip(cases, expected, strict=True)
    ]
    missed = [a != e for a, e in zip(answers, expected, strict=True)]
    if all(m <= x for m, x in zip(missed, exact, strict=True)) and got == right - 1:
        fail(
            ex,
            f"{case} returned {got}, expected {right}: with H = {right} a layer has exactly "
            f"{formula} = {budget:,} parameters, and a budget met exactly fits. Compare "
            "with ≤, not <.",
        )
    if all(a == max(e - 1, 0) for a, e in zip(answers, expected, strict=True)):
        fail(
            ex,
            f"{case} returned {got}, one too few: H = {right} still fits, {formula} = "
            f"{_count(D, right, biases):,} ≤ {budget:,} (a budget met exactly fits).",
        )
    if got > 0:
        used = _count(D, got, biases)
        side = "over" if used > budget else "within"
        theirs = f"; with H = {got} it has {used:,}, {side} the budget of {budget:,}"
    else:
        theirs = ""
    fail(
        ex,
        f"{case} returned {got}, expected {right}: with H = {right} an LSTM layer has "
        f"{formula} = {_count(D, right, biases):,} parameters, the most within the "
        f"budget{theirs}.",
    )


# --------------------------------------------------------------------------- exercise 6.6

_GRAD_NAMES = ("dxs", "dh0", "dc0", "dW_x", "dW_h", "db")


def _sequence_backward(
    dhs: np.ndarray,
    cache: object,
    *,
    carry_dc: bool = True,
    forget: bool = True,
    add_dh_next: bool = True,
    order: str = _GATES,
    accumulate: bool = True,
    h_now: bool = False,
    c_now: bool = False,
) -> Arrays:
    """BPTT through the LSTM from a cache of lstm_forward; the flags make plausible mistakes.

    carry_dc=False starts every step's cell gradient from zero, forget=False carries
    dc_total instead of dc_total ⊙ f, add_dh_next=False uses dhs[t] alone, order stacks da
    in another order, accumulate=False keeps only the last step's (t = 0) weight gradients,
    h_now / c_now use h_t / c_t where step t read h_(t−1) / c_(t−1).
    """
    xs, h0, c0, hs, cs = cache.xs, cache.h0, cache.c0, cache.hs, cache.cs
    W_x, W_h = cache.params["W_x"], cache.params["W_h"]
    h_prevs = hs if h_now else np.concatenate([h0[None], hs[:-1]])
    c_prevs = cs if c_now else np.concatenate([c0[None], cs[:-1]])
    dxs = np.zeros(xs.shape)
    dW_x, dW_h, db = np.zeros(W_x.shape), np.zeros(W_h.shape), np.zeros(W_x.shape[0])
    dh_next, dc_next = np.zeros(h0.shape), np.zeros(c0.shape)
    for t in reversed(range(len(xs))):
        gates = {k: getattr(cache, k)[t] for k in _GATES}
        dh = dhs[t] + dh_next if add_dh_next else dhs[t]
        upstream, dc_total = _upstream(
            dh, dc_next if carry_dc else 0.0 * dc_next, c_prevs[t], gates, cs[t], path=True
        )
        da = _stack(upstream, _local(gates), order)
        dc_next = dc_total * gates["f"] if forget else dc_total
        step = (da.T @ xs[t], da.T @ h_prevs[t], da.sum(axis=0))
        if accumulate:
            dW_x, dW_h, db = dW_x + step[0], dW_h + step[1], db + step[2]
        else:
            dW_x, dW_h, db = step
        dxs[t] = da @ W_x
        dh_next = da @ W_h
    values = (dxs, dh_next, dc_next, dW_x, dW_h, db)
    return dict(zip(_GRAD_NAMES, values, strict=True))


def _sequence_by_steps(dhs: np.ndarray, cache: object, *, x_first: bool = False) -> Arrays:
    """BPTT built on exercise 6.3's one-matrix step, with W and its dW read state first.

    x_first=True is the reader who takes the one matrix to be [W_x, W_h]: W is built with
    W_x's columns first, and the step's dW is split back as dW_x = dW[:, :D], dW_h =
    dW[:, D:]; the step itself still reads W's first H columns as the state's.
    """
    xs, h0, c0, hs, cs = cache.xs, cache.h0, cache.c0, cache.hs, cache.cs
    p = cache.params
    D, H = xs.shape[2], h0.shape[1]
    W = np.concatenate([p["W_x"], p["W_h"]] if x_first else [p["W_h"], p["W_x"]], axis=1)
    dxs, dW, db = np.zeros(xs.shape), np.zeros(W.shape), np.zeros(W.shape[0])
    dh_next, dc_next = np.zeros(h0.shape), np.zeros(c0.shape)
    for t in reversed(range(len(xs))):
        h_prev, c_prev = (h0, c0) if t == 0 else (hs[t - 1], cs[t - 1])
        step = _step_backward_reference(dhs[t] + dh_next, dc_next, xs[t], h_prev, c_prev, W, p["b"])
        dxs[t], dh_next, dc_next = step["dx"], step["dh_prev"], step["dc_prev"]
        dW, db = dW + step["dW"], db + step["db"]
    dW_x, dW_h = (dW[:, :D], dW[:, D:]) if x_first else (dW[:, H:], dW[:, :H])
    values = (dxs, dh_next, dc_next, dW_x, dW_h, db)
    return dict(zip(_GRAD_NAMES, values, strict=True))


def _sequence_mistakes(dhs: np.ndarray, cache: object) -> list[tuple[str, Arrays]]:
    """Outputs of plausible wrong loops over time, each with its diagnosis."""
    right = _sequence_backward(dhs, cache)
    dW = np.concatenate([right["dW_h"], right["dW_x"]], axis=1)  # the one matrix's gradient
    D = cache.xs.shape[2]
    return [
        (
            "the cell gradient is not carried between steps: each step starts from dc = 0, "
            "so only the path through h reaches the cell. Carry dc_prev = dc_total ⊙ f_t "
            "from step t to step t − 1, as you carry dh_prev.",
            _sequence_backward(dhs, cache, carry_dc=False),
        ),
        (
            "the carried cell gradient lacks the factor f_t: c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t, "
            "so the gradient passed back along the belt is dc_total ⊙ f_t, not dc_total.",
            _sequence_backward(dhs, cache, forget=False),
        ),
        (
            "dh_next is not added: h_t reaches the loss through its own output (dhs[t]) and "
            "through step t + 1's gates (da_(t+1) @ W_h), so dh = dhs[t] + dh_next.",
            _sequence_backward(dhs, cache, add_dh_next=False),
        ),
        (
            "the blocks of da are stacked f, i, g, o: they follow the rows of W_x and W_h, "
            "torch's i, f, g, o.",
            _sequence_backward(dhs, cache, order="figo"),
        ),
        (
            "the blocks of da are stacked i, f, o, g: they follow the rows of W_x and W_h, "
            "torch's i, f, g, o.",
            _sequence_backward(dhs, cache, order="ifog"),
        ),
        (
            "the weight gradients hold the first step's share only: every step uses the "
            "same W_x, W_h and b, so their gradients are sums over t; accumulate with +=, "
            "not =.",
            {
                k: v
                for k, v in _sequence_backward(dhs, cache, accumulate=False).items()
                if k.startswith("dW") or k == "db"
            },
        ),
        (
            "dW_h uses h_t where step t read h_(t−1): dW_h = Σ_t da_tᵀ h_(t−1), with h0 at "
            "t = 0 (hs[t − 1] otherwise).",
            {"dW_h": _sequence_backward(dhs, cache, h_now=True)["dW_h"]},
        ),
        (
            "the forget gate's gradient uses c_t where step t read c_(t−1): df = dc_total ⊙ "
            "c_(t−1), with c0 at t = 0 (cs[t − 1] otherwise).",
            _sequence_backward(dhs, cache, c_now=True),
        ),
        (
            "the one matrix is built [W_x, W_h]: your lstm_step_backward from exercise 6.3 "
            "reads W's first H columns as acting on h_prev, so W = np.concatenate([W_h, "
            "W_x], axis=1), and its dW splits back into dW_h = dW[:, :H] and dW_x = "
            "dW[:, H:].",
            _sequence_by_steps(dhs, cache, x_first=True),
        ),
        (
            "the step's dW is split as if x came first: W = [W_h, W_x] has the state's H "
            "columns first, so dW_h = dW[:, :H] and dW_x = dW[:, H:].",
            {"dW_x": dW[:, :D], "dW_h": dW[:, D:]},
        ),
    ]


def _sequence_case(rng: np.random.Generator, T: int, N: int, D: int, H: int) -> tuple:
    """A random float64 sequence, its forward cache and upstream gradients."""
    from rnnbook.scratch import lstm_forward

    params = _random_params(rng, D, H)
    xs = rng.normal(size=(T, N, D))
    h0, c0 = rng.uniform(-1.0, 1.0, size=(N, H)), rng.normal(size=(N, H))
    hs, cache = lstm_forward(xs, h0, c0, params)
    return cache, rng.normal(size=hs.shape)


def _snapshot(dhs: np.ndarray, cache: object) -> Arrays:
    """Copies of every array the reader's lstm_backward receives."""
    arrays = {"dhs": dhs, **{f"cache.{k}": getattr(cache, k) for k in cache._fields}}
    arrays.update({f"cache.params['{k}']": v for k, v in cache.params.items()})
    return {k: np.array(v, copy=True) for k, v in arrays.items() if isinstance(v, np.ndarray)}


def check_lstm_backward(lstm_backward: Callable[..., tuple]) -> None:
    """Check exercise 6.6: ``lstm_backward(dhs, cache) -> (dxs, dh0, dc0, grads)``.

    dhs (T, N, H) holds ∂E/∂h_t from each step's own output; cache is the
    :class:`rnnbook.scratch.LSTMCache` of :func:`~rnnbook.scratch.lstm_forward` (xs, h0, c0,
    hs, cs, the gates i, f, g, o (T, N, H) and params). Returns dxs (T, N, D), dh0 and dc0
    (N, H) and grads {"W_x": (4H, D), "W_h": (4H, H), "b": (4H,)}. Compared in float64 with
    :func:`rnnbook.scratch.lstm_backward`; the arguments must come back unchanged.
    """
    from rnnbook.scratch import lstm_backward as reference

    ex = "6.6"
    rng = np.random.default_rng(2066)
    for T, N, D, H in [(5, 3, 2, 4), (4, 2, 5, 3)]:
        cache, dhs = _sequence_case(rng, T, N, D, H)
        dxs, dh0, dc0, grads = reference(dhs, cache)
        values = (dxs, dh0, dc0, grads["W_x"], grads["W_h"], grads["b"])
        expected = dict(zip(_GRAD_NAMES, values, strict=True))
        ours, by_steps = _sequence_backward(dhs, cache), _sequence_by_steps(dhs, cache)
        if not all(np.allclose(v[k], expected[k]) for v in (ours, by_steps) for k in _GRAD_NAMES):
            raise RuntimeError("ch06: the reference loop disagrees with lstm_backward")
        dhs_given = dhs.copy()
        given = cache._replace(
            params={k: v.copy() for k, v in cache.params.items()},
            **{k: getattr(cache, k).copy() for k in ("xs", "h0", "c0", "hs", "cs", *_GATES)},
        )
        before = _snapshot(dhs, cache)
        got = call(ex, lstm_backward, dhs_given, given)
        changed = [
            k for k, v in _snapshot(dhs_given, given).items() if not np.array_equal(v, before[k])
        ]
        if changed:
            fail(
                ex,
                f"lstm_backward changed its argument {changed[0]} in place: a backward pass "
                "must leave its inputs as it found them (the caller may reuse them). Compute "
                "new arrays, dh = dhs[t] + dh_next, instead of updating an input with +=.",
            )
        if not isinstance(got, tuple | list) or len(got) != 4:
            kind = f"{len(got)} values" if isinstance(got, tuple | list) else type(got).__name__
            fail(ex, f"return the tuple (dxs, dh0, dc0, grads); got {kind}.")
        if not isinstance(got[3], dict) or set(got[3]) != {"W_x", "W_h", "b"}:
            fail(
                ex,
                "grads should be a dict with the keys 'W_x', 'W_h' and 'b', got "
                f"{sorted(got[3]) if isinstance(got[3], dict) else type(got[3]).__name__}.",
            )
        flat = (*got[:3], got[3]["W_x"], got[3]["W_h"], got[3]["b"])
        if not outputs_match(flat, expected):
            blame_helper(ex, lstm_backward, "lstm_step_backward", "6.3", check_lstm_step_backward)
        check_outputs(ex, flat, expected, _sequence_mistakes(dhs, cache), f"(T={T}, N={N})")
    passed(
        ex,
        "dxs, dh0, dc0 and the weight gradients match rnnbook.scratch.lstm_backward on 2 "
        "random sequences (float64), and the inputs came back unchanged.",
    )


def check_gradient_check(errors: dict) -> None:
    """Check exercise 6.6's gradient check: ``errors`` = check_gradients(...) of the reader.

    ``errors`` maps every checked array to its relative error; it must cover the inputs xs,
    the initial states h0 and c0 and the parameters W_x, W_h and b, each below 1e-6 (a right
    backward pass in float64 gives about 1e-9 or less).
    """
    ex = "6.6"
    names = ("xs", "h0", "c0", "W_x", "W_h", "b")
    if not isinstance(errors, dict):
        fail(ex, f"errors should be the dict check_gradients returns, got {type(errors).__name__}.")
    missing = [k for k in names if k not in errors]
    if missing:
        fail(
            ex,
            f"the gradient check leaves out {', '.join(missing)}: check every array the loss "
            "depends on, inputs, initial states and parameters alike, so put all six in "
            "`arrays`.",
        )
    values = {k: _number(ex, f"errors[{k!r}]", errors[k]) for k in names}
    if all(v == 0.0 for v in values.values()):
        fail(
            ex,
            "every relative error is exactly 0: the numerical gradient was compared with "
            "itself, or loss_and_grads ignores the perturbed arrays. Return your "
            "lstm_backward's gradients, and read the arrays from `arrays` in the forward pass.",
        )
    worst = max(values, key=values.__getitem__)
    if values[worst] > 1e-6:
        fail(
            ex,
            f"the relative error for {worst} is {values[worst]:.1e}: the analytic and the "
            "numerical gradients disagree, so lstm_backward is wrong for it (in float64 a "
            "right backward pass gives about 1e-9). Are the arrays float64?",
        )
    passed(
        ex, f"your gradient check covers all six arrays; worst relative error {values[worst]:.0e}."
    )


# --------------------------------------------------------------------------- exercise 6.7

BELT_T, BELT_F, BELT_O, BELT_C0 = 45, 0.95, 0.8, 5.0
"""Exercise 6.7's unit: T steps with i = 0, constant f and o, c_0, and E = h_T."""


def _number(ex: str, name: str, value: object) -> float:
    """``value`` as a float, or the checker's message if it is not one number."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        if isinstance(value, np.ndarray) and value.size == 1:
            return float(value)
        fail(ex, f"{name} should be a number, got {type(value).__name__} ({value!r}).")
    if not np.isfinite(float(value)):
        fail(ex, f"{name} should be a finite number, got {value!r}.")
    return float(value)


def _close(got: float, want: float, rtol: float = 1e-4) -> bool:
    return abs(got - want) <= rtol * abs(want)


def check_belt_gradient(dE_dc0: float, f_half: float) -> None:
    """Check exercise 6.7: the gradient that reaches c_0 along the belt, and f for one half.

    One unit runs T = 45 steps with its input gate closed (i_t = 0), a constant forget gate
    f = 0.95 and output gate o = 0.8 (gates held fixed), from c_0 = 5; the loss is E = h_T.
    Then c_T = f^T c_0 and ∂E/∂c_0 = o (1 − tanh² c_T) f^T. ``f_half`` is the constant
    forget gate with f^T = 1/2. Both within a relative 1e-4 (four significant digits).
    """
    ex = "6.7"
    dE_dc0 = _number(ex, "dE_dc0", dE_dc0)
    f_half = _number(ex, "f_half", f_half)
    T, f, o, c0 = BELT_T, BELT_F, BELT_O, BELT_C0
    c_T = f**T * c0
    tanh_prime = 1.0 - np.tanh(c_T) ** 2
    want = o * tanh_prime * f**T
    mistakes = [
        (
            o * tanh_prime * f ** (T - 1),
            "there are 45 factors f between c_0 and c_45 "
            "(c_t = f c_(t−1) for t = 1, …, 45), so f^45, not f^44",
        ),
        (
            o * (1.0 - np.tanh(f ** (T - 1) * c0) ** 2) * f ** (T - 1),
            "there are 45 "
            "factors f between c_0 and c_45 (c_t = f c_(t−1) for t = 1, …, 45), not 44",
        ),
        (
            o * tanh_prime * f ** (T + 1),
            "there are 45 factors f between c_0 and c_45, not 46",
        ),
        (
            o * (1.0 - np.tanh(f ** (T + 1) * c0) ** 2) * f ** (T + 1),
            "there are 45 factors f between c_0 and c_45, not 46",
        ),
        (
            tanh_prime * f**T,
            "the factor o is missing: h_T = o ⊙ tanh(c_T), so ∂h_T/∂c_T = o (1 − tanh² c_T)",
        ),
        (
            o * f**T,
            "the derivative of tanh is missing: ∂h_T/∂c_T = o (1 − tanh² c_T), "
            f"and with c_T = f^45 c_0 ≈ {c_T:.3f} the factor 1 − tanh² c_T is {tanh_prime:.4f}",
        ),
        (
            o * (1.0 - np.tanh(c0) ** 2) * f**T,
            "tanh' is taken at c_0; h_T reads the last "
            f"cell, c_T = f^45 c_0 ≈ {c_T:.4f}, so the factor is 1 − tanh²(c_T)",
        ),
        (o * (1.0 - c_T**2) * f**T, "tanh'(c) is 1 − tanh²(c), not 1 − c²"),
        (o * np.tanh(c_T) * f**T, "the derivative of tanh is 1 − tanh²(c), not tanh(c)"),
        (
            f**T,
            "f^45 is the belt's factor alone; E = h_T = o tanh(c_T) adds "
            "∂h_T/∂c_T = o (1 − tanh² c_T)",
        ),
    ]
    if not _close(dE_dc0, want):
        for value, message in mistakes:
            if _close(dE_dc0, value):
                fail(ex, f"dE_dc0 = {dE_dc0:.6g}, expected {want:.6g}: {message}.")
        fail(
            ex,
            f"dE_dc0 = {dE_dc0:.6g}, expected {want:.6g} (to four significant digits). "
            "Write the chain along the belt: ∂E/∂c_0 = ∂h_T/∂c_T · ∂c_T/∂c_(T−1) ⋯ "
            "∂c_1/∂c_0.",
        )
    half = 0.5 ** (1.0 / T)
    half_mistakes = [
        (
            1.0 - 0.5 / T,
            "1 − 1/(2·45) is a first-order approximation; solve f^45 = 1/2 "
            "exactly: f = (1/2)^(1/45) = exp(ln(1/2) / 45)",
        ),
        (0.5 ** (1.0 / (T - 1)), "f^44 = 1/2 has one factor too few: f^45 = 1/2"),
        (0.5 ** (1.0 / (T + 1)), "f^46 = 1/2 has one factor too many: f^45 = 1/2"),
        (
            0.5**T,
            "(1/2)^45 is the factor with f = 1/2; the question asks for the f with "
            "f^45 = 1/2, the 45th root of 1/2",
        ),
        (0.5 / T, "f^45 = 1/2 is a power, not a product: f = (1/2)^(1/45)"),
    ]
    if not _close(f_half, half):
        for value, message in half_mistakes:
            if _close(f_half, value):
                fail(ex, f"f_half = {f_half:.6g}, expected {half:.6g}: {message}.")
        fail(ex, f"f_half = {f_half:.6g}, expected {half:.6g}: solve f^45 = 1/2 for f.")
    passed(
        ex,
        f"∂E/∂c_0 = o (1 − tanh² c_T) f^45 = {want:.4f} with c_T = {c_T:.4f}; half the "
        f"gradient survives 45 steps only for f ≥ {half:.5f}.",
    )


# --------------------------------------------------------------------------- exercise 6.8

BIAS_VALUES = (0.0, 1.0, 3.0, 5.0)
"""The forget biases b_f of exercise 6.8."""

_EXPERIMENT = {"D": 4, "H": 16, "N": 32, "T": 45}


def _belt_gradient(b_f: float, rng: np.random.Generator, block: int = 1) -> float:
    """Exercise 6.8's measurement: mean |∂E/∂c_0| at initialisation with forget bias b_f.

    An LSTM with D = 4, H = 16 from :func:`rnnbook.scratch.init_lstm_params` (drawing from
    ``rng``), the bias of the gate block ``block`` (1: the forget gate) set to b_f, reads
    N = 32 sequences of T = 45 standard normal inputs (drawn next from ``rng``) from zero
    states; E = Σ h_T. Returns the mean over the N × H entries of |∂E/∂c_0|.
    """
    from rnnbook.scratch import init_lstm_params, lstm_backward, lstm_forward

    D, H, N, T = (_EXPERIMENT[k] for k in "DHNT")
    params = init_lstm_params(D, H, rng=rng)
    params["b"][block * H : (block + 1) * H] = b_f
    hs, cache = lstm_forward(rng.normal(size=(T, N, D)), None, None, params)
    dhs = np.zeros_like(hs)
    dhs[-1] = 1.0
    return float(np.abs(lstm_backward(dhs, cache)[2]).mean())


def _ranges(block: int = 1, runs: int = 12) -> dict[float, tuple[float, float]]:
    """(min, max) of :func:`_belt_gradient` over ``runs`` seeds, per forget bias."""
    out = {}
    for b_f in BIAS_VALUES:
        values = [_belt_gradient(b_f, np.random.default_rng(7000 + s), block) for s in range(runs)]
        out[b_f] = (min(values), max(values))
    return out


def _by_bias(ex: str, name: str, values: object) -> dict[float, float]:
    """``values`` as {b_f: number} with exactly the keys of BIAS_VALUES."""
    if not isinstance(values, dict):
        fail(ex, f"{name} should be a dict {{b_f: value}}, got {type(values).__name__}.")
    keys = sorted(float(k) for k in values)
    if keys != sorted(BIAS_VALUES):
        fail(ex, f"{name} should have the keys {list(BIAS_VALUES)}, got {sorted(values)}.")
    return {float(k): _number(ex, f"{name}[{k}]", v) for k, v in values.items()}


def check_forget_bias_experiment(predicted: dict, measured: dict) -> None:
    """Check exercise 6.8: predicted σ(b_f)^45 and measured mean |∂E/∂c_0| per b_f.

    ``predicted[b_f]`` must be σ(b_f)^45 (relative 1e-4). ``measured[b_f]`` must be
    consistent with :func:`_belt_gradient`: within a factor 3 of the range it spans over 12
    seeds (the spread across seeds is a factor of up to about 40 at b_f = 0, which is why a
    single run is checked against a range and not a value).
    """
    from rnnbook.scratch import sigmoid

    ex = "6.8"
    predicted = _by_bias(ex, "predicted", predicted)
    measured = _by_bias(ex, "measured", measured)
    T = _EXPERIMENT["T"]
    for b_f in BIAS_VALUES:
        s = float(sigmoid(np.array(b_f)))
        got = predicted[b_f]
        if _close(got, s**T):
            continue
        wrong = [
            (s ** (T - 1), "σ(b_f)^44 has one factor too few: 45 forget gates f_1 … f_45"),
            (s ** (T + 1), "σ(b_f)^46 has one factor too many: 45 forget gates f_1 … f_45"),
            ((1 - s) ** T, "(1 − σ(b_f))^45 uses 1 − f; the belt keeps f_t ⊙ c_(t−1)"),
            (s * T, "σ(b_f)·45: the factors multiply, σ(b_f)^45"),
            (b_f**T, "b_f^45 skips the sigmoid: the gate is σ(b_f)"),
        ]
        for value, message in wrong:
            if _close(got, value):
                fail(ex, f"predicted[{b_f:g}] = {got:.6g}, expected {s**T:.6g}: {message}.")
        fail(ex, f"predicted[{b_f:g}] = {got:.6g}, expected σ({b_f:g})^45 = {s**T:.6g}.")
    ranges = _ranges()
    outside = [
        b_f for b_f in BIAS_VALUES if not ranges[b_f][0] / 3 <= measured[b_f] <= 3 * ranges[b_f][1]
    ]
    if outside:
        b_f = outside[0]
        lo, hi = ranges[b_f]
        for block, gate in ((0, "input gate"), (2, "candidate"), (3, "output gate")):
            other = _ranges(block, runs=4)
            if all(other[b][0] / 3 <= measured[b] <= 3 * other[b][1] for b in outside):
                fail(
                    ex,
                    f"measured[{b_f:g}] = {measured[b_f]:.3g} matches the bias set on the "
                    f"{gate}'s block, b[{block}H:{block + 1}H]: the forget gate is the "
                    "second block, b[H:2H].",
                )
        fail(
            ex,
            f"measured[{b_f:g}] = {measured[b_f]:.3g}, but this setup gives {lo:.3g} to "
            f"{hi:.3g} over 12 seeds (accepted: a factor 3 either side). Check the setup: "
            "D = 4, H = 16 from init_lstm_params, b[H:2H] = b_f, N = 32 sequences of T = 45 "
            "normal inputs from zero states, dhs zero except dhs[-1] = 1, and the mean of "
            "|dc0| (the third output of lstm_backward).",
        )
    passed(
        ex,
        "your measurements lie within the spread of this setup over 12 seeds; the belt "
        "alone predicts "
        + ", ".join(f"{predicted[b]:.1e}" for b in BIAS_VALUES)
        + " for b_f = 0, 1, 3, 5.",
    )


__getattr__ = retired(
    {"check_lstm_parameter_count": "6.4", "check_lstm_cell_backward": "6.3"}, "06"
)
