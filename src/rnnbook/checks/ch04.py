"""Checkers for chapter 04, *Backpropagation through time*.

Each checker runs the reader's answer on cases built to expose one plausible mistake at a
time and names that mistake when it sees it:

========  ==================================  =========================================
exercise  checker                             mistakes it recognises
========  ==================================  =========================================
4.1       :func:`check_step_jacobians`        tanh' missing (W_hh alone), the
                                              derivative scaling columns, W_hh
                                              transposed, each Jacobian transposed,
                                              1 − tanh²(h), (1 − h)² or 1 − h, one
                                              (H, H) matrix or one vector per
                                              sequence, some sequences' Jacobians
                                              built from another sequence's state, a
                                              broadcasting error
4.2       :func:`check_step_backward`         tanh' missing, dW_hh from h instead of
                                              h_prev, dh_prev through W_hhᵀ, dW_hh or
                                              dW_xh transposed, db_h not summed or
                                              summed over the wrong axis, outputs in
                                              another order, a wrong number of
                                              outputs, a shape error inside the
                                              function
4.3       :func:`check_bptt_right_to_left`    the chapter's left-to-right bptt copied,
                                              the loop running T − 1 … 0, h_prev =
                                              hs[t − 1] (with or without the wrap at
                                              t = 0), no state after the last
                                              (hs[T]), a 1-based time loop
                                              (IndexError), the gradient not carried
                                              or carried through W_hhᵀ, weight
                                              gradients of one step, dh0 zero, a stub
                                              or wrong step_backward (sent back to
                                              4.2), outputs in another order or number
4.4       :func:`check_gradient_tools`        forward instead of centred difference,
                                              the factor 2 missing, x left changed,
                                              loops that work for 1-D x only, a
                                              flattened result; relative error
                                              without the denominator, divided by ‖a‖
                                              alone or by the max, failing or NaN
                                              when both gradients are zero
4.5       :func:`check_truncated_grads`       state not carried across chunks,
                                              gradient flowing across chunks (full
                                              BPTT), the last partial chunk dropped,
                                              only the last chunk's gradients, the
                                              package's (hs, cache) or (dxs, dh0,
                                              grads) not unpacked, not a dict,
                                              missing keys, wrong shapes
4.7       :func:`check_linear_rnn`            (derivation) only the immediate term, a
                                              power of w off by one, h_k for h_{k-1},
                                              the powers of w left out, t − k + 1 or
                                              t − k − 1 Jacobian factors
4.8       :func:`check_truncation_experiment`  (experiment) values that the same run
                                              cannot give: W_xh compared instead of
                                              W_hh, the error divided by ‖full‖ alone,
                                              the plain ‖difference‖; a wrong helper
                                              is sent back to 4.4 or 4.5
========  ==================================  =========================================

Exercises 4.1 and 4.3 ask for what the chapter does not show (the Jacobians of a batch,
the backward pass of an RNN that reads right to left), so that no answer can be copied
from the chapter.

The references are the package's own :func:`rnnbook.scratch.rnn_step_forward`,
:func:`~rnnbook.scratch.rnn_step_backward`, :func:`~rnnbook.scratch.rnn_forward`,
:func:`~rnnbook.scratch.rnn_backward`, :func:`~rnnbook.scratch.numerical_gradient` and
:func:`~rnnbook.scratch.relative_error`. Rows are examples, weights are stored (out, in).
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Mapping

import numpy as np

from rnnbook.checks._feedback import (
    Hint,
    Where,
    blame_helper,
    call,
    call_with_shapes,
    check_outputs,
    expect_by_hand,
    expect_close,
    expect_shape,
    fail,
    matches,
    outputs_match,
    passed,
    retired,
)

__all__ = [
    "check_bptt_right_to_left",
    "check_gradient_tools",
    "check_step_backward",
    "check_step_jacobians",
    "check_linear_rnn",
    "check_truncated_grads",
    "check_truncation_experiment",
    "truncation_case",
]

_BACKWARD_LAYOUT = (
    "Rows are examples and weights are stored (out, in): the forward is "
    "a = x @ W_xh.T + h_prev @ W_hh.T, so its backward multiplies da @ W_xh and "
    "da @ W_hh, and the weight gradients are da.T @ x and da.T @ h_prev."
)
"""The reminder that follows a shape error inside the reader's backward pass."""


_KEYS = ("W_xh", "W_hh", "b_h")


def _random_params(rng: np.random.Generator, D: int, H: int) -> dict[str, np.ndarray]:
    """Random RNN parameters W_xh (H, D), W_hh (H, H) and a non-zero bias b_h (H,)."""
    return {
        "W_xh": rng.normal(scale=0.7, size=(H, D)),
        "W_hh": rng.normal(scale=0.7, size=(H, H)),
        "b_h": rng.normal(scale=0.5, size=(H,)),
    }


# --------------------------------------------------------------------------- exercise 4.1


def _jacobian_mistakes(h: np.ndarray, W_hh: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Plausible wrong batches of Jacobians (N, H, H), each with its diagnosis."""
    d = 1.0 - h**2  # (N, H)
    N = len(h)

    def rows(scale: np.ndarray, W: np.ndarray = W_hh) -> np.ndarray:
        return scale[:, :, None] * W

    return [
        (
            "the tanh derivative is missing: W_hh alone is the Jacobian of the pre-activation "
            "a_t; h_t = tanh(a_t) multiplies row i of sequence n's Jacobian by "
            "tanh'(a_t[n, i]) = 1 − h[n, i]².",
            np.broadcast_to(W_hh, (N, *W_hh.shape)),
        ),
        (
            "the derivative scales the columns: (1 − h²)[:, None, :] * W_hh puts h[n, j] on "
            "column j. Entry (n, i, j) is (1 − h[n, i]²) W_hh[i, j], so the derivative runs "
            "along the rows: (1 − h²)[:, :, None] * W_hh.",
            d[:, None, :] * W_hh,
        ),
        (
            "W_hh is transposed: entry (n, i, j) is ∂h_t[n, i]/∂h_(t−1)[n, j] = "
            "(1 − h[n, i]²) W_hh[i, j]; use W_hh as stored.",
            rows(d, W_hh.T),
        ),
        (
            "each Jacobian is transposed: J[n] has row i for h_t[n, i] and column j for "
            "h_(t−1)[n, j], so J[n] = diag(1 − h[n]²) W_hh.",
            rows(d).transpose(0, 2, 1),
        ),
        (
            "tanh is applied twice: h is already tanh(a_t), so tanh'(a_t) = 1 − h², "
            "not 1 − tanh(h)².",
            rows(1.0 - np.tanh(h) ** 2),
        ),
        ("the square is misplaced: tanh'(a_t) = 1 − h², not (1 − h)².", rows((1.0 - h) ** 2)),
        ("the square is missing: tanh'(a_t) = 1 − h², not 1 − h.", rows(1.0 - h)),
    ]


def check_step_jacobians(step_jacobians: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> None:
    """Check exercise 4.1: ``step_jacobians(h, W_hh) -> J``, one Jacobian per sequence.

    h (N, H) holds the new states h_t = tanh(h_(t−1) W_hhᵀ + x_t W_xhᵀ + b_h) of N
    sequences; J (N, H, H) with J[n] = diag(1 − h[n]²) W_hh, so that
    J[n, i, j] = ∂h_t[n, i]/∂h_(t−1)[n, j]. The reference is confirmed against
    centred-difference Jacobians of :func:`rnnbook.scratch.rnn_step_forward`.
    """
    from rnnbook.scratch import numerical_gradient, rnn_step_forward

    ex = "4.1"
    rng = np.random.default_rng(2041)
    hints = [
        Hint(
            ValueError,
            "(1 − h²) has shape (N, H) and W_hh (H, H): to scale row i of each sequence's "
            "Jacobian, give the derivative a trailing axis, (1 − h²)[:, :, None] of shape "
            "(N, H, 1), which broadcasts against W_hh to (N, H, H).",
            message="broadcast",
        )
    ]
    # N, H differ, so a Jacobian of one sequence, a batch-wide product or a transposed
    # batch has a wrong shape; the second case has N = H, where only values tell.
    for N, D, H in [(3, 2, 4), (3, 3, 3)]:
        params = _random_params(rng, D, H)
        x, h_prev = rng.normal(size=(N, D)), rng.uniform(-1.0, 1.0, size=(N, H))
        h, W_hh = rnn_step_forward(x, h_prev, params)[0], params["W_hh"]
        expected = (1.0 - h**2)[:, :, None] * W_hh
        for n in range(N):

            def row(
                v: np.ndarray, i: int, x_n: np.ndarray = x[n : n + 1], p: dict = params
            ) -> float:
                return float(rnn_step_forward(x_n, v[None], p)[0][0, i])

            numeric = np.stack(
                [numerical_gradient(lambda v, i=i: row(v, i), h_prev[n].copy()) for i in range(H)]
            )
            if not np.allclose(expected[n], numeric, atol=1e-8):
                raise RuntimeError("ch04: the reference Jacobian disagrees with finite differences")
        got = np.asarray(call(ex, step_jacobians, h.copy(), W_hh.copy(), hints=hints))
        if got.shape != (N, H, H):
            if got.shape == (H, H):
                detail = (
                    " You returned one (H, H) matrix: the Jacobians of the N sequences differ, "
                    "since each has its own h[n]."
                )
            elif got.shape == (N, H):
                detail = (
                    " You returned one vector per sequence: put 1 − h[n]² on the diagonal of "
                    "a matrix, diag(1 − h[n]²) W_hh, for every n."
                )
            else:
                detail = ""
            fail(
                ex,
                f"return one (H, H) Jacobian per sequence, an array of shape (N, H, H) = "
                f"{(N, H, H)}; yours has shape {got.shape}.{detail}",
            )
        if matches(got, expected):
            continue
        for message, candidate in _jacobian_mistakes(h, W_hh):
            if matches(got, candidate):
                fail(ex, message)
        bad = [n for n in range(N) if not matches(got[n], expected[n])]
        if len(bad) < N:
            fail(
                ex,
                f"the Jacobians of sequences {bad} are wrong, those of the others right: "
                "J[n] must use the state of sequence n, h[n].",
            )
        expect_close(ex, f"J for N={N}, H={H}", got, expected)
    passed(ex, "step_jacobians equals diag(1 − h[n]²) W_hh for every sequence.")


# --------------------------------------------------------------------------- exercise 4.2


def _step_mistakes(
    dh: np.ndarray,
    x: np.ndarray,
    h_prev: np.ndarray,
    h: np.ndarray,
    W_xh: np.ndarray,
    W_hh: np.ndarray,
) -> list[tuple[str, dict[str, np.ndarray]]]:
    """Outputs of plausible wrong step backward passes, each with its diagnosis."""
    da = dh * (1.0 - h**2)
    return [
        (
            "the tanh derivative is missing: backpropagate through the tanh first, "
            "da = dh ⊙ (1 − h²), and use da in every product.",
            {
                "dx": dh @ W_xh,
                "dh_prev": dh @ W_hh,
                "dW_xh": dh.T @ x,
                "dW_hh": dh.T @ h_prev,
                "db_h": dh.sum(axis=0),
            },
        ),
        (
            "dW_hh uses h where it needs h_prev: W_hh multiplies the previous state, so "
            "dW_hh = da.T @ h_prev (off by one step).",
            {"dW_hh": da.T @ h},
        ),
        (
            "dh_prev uses W_hh transposed: the forward is h_prev @ W_hh.T, so dh_prev = da @ W_hh.",
            {"dh_prev": da @ W_hh.T},
        ),
        (
            "dW_hh is transposed: row i of the gradient belongs to hidden unit i, as in W_hh, "
            "so dW_hh = da.T @ h_prev.",
            {"dW_hh": h_prev.T @ da},
        ),
        (
            f"dW_xh is transposed: a gradient has the shape of its weight, {W_xh.shape} = "
            "(H, D); compute da.T @ x.",
            {"dW_xh": x.T @ da},
        ),
        (
            "db_h is not summed: the bias is shared by the N rows of the batch, so sum da "
            "over axis 0.",
            {"db_h": da},
        ),
        (
            "db_h is summed over the wrong axis: sum da over the batch (axis 0) to get one "
            "entry per hidden unit, shape (H,).",
            {"db_h": da.sum(axis=1)},
        ),
    ]


def check_step_backward(step_backward: Callable[..., tuple]) -> None:
    """Check exercise 4.2: ``step_backward(dh, x, h_prev, h, W_xh, W_hh)``.

    dh, h_prev, h (N, H), x (N, D), W_xh (H, D), W_hh (H, H); h is the state the step
    computed. Returns ``(dx, dh_prev, dW_xh, dW_hh, db_h)`` of shapes (N, D), (N, H),
    (H, D), (H, H), (H,). Compared with :func:`rnnbook.scratch.rnn_step_backward`.
    """
    from rnnbook.scratch import rnn_step_backward, rnn_step_forward

    ex = "4.2"
    rng = np.random.default_rng(2042)
    # N, D and H all differ, so a transposed weight gradient or a wrong sum has a wrong shape.
    for N, D, H in [(3, 4, 5), (4, 2, 3)]:
        params = _random_params(rng, D, H)
        x, h_prev = rng.normal(size=(N, D)), rng.uniform(-1.0, 1.0, size=(N, H))
        h, cache = rnn_step_forward(x, h_prev, params)
        dh = rng.normal(size=(N, H))
        W_xh, W_hh = params["W_xh"], params["W_hh"]
        got = call_with_shapes(ex, step_backward, _BACKWARD_LAYOUT, dh, x, h_prev, h, W_xh, W_hh)
        dx, dh_prev, grads = rnn_step_backward(dh, cache)
        expected = {"dx": dx, "dh_prev": dh_prev, **{f"d{k}": grads[k] for k in _KEYS}}
        mistakes = _step_mistakes(dh, x, h_prev, h, W_xh, W_hh)
        check_outputs(ex, got, expected, mistakes, f"(N={N}, D={D}, H={H})")
    passed(ex, "all five gradients match rnnbook.scratch.rnn_step_backward on 2 random cases.")


# --------------------------------------------------------------------------- exercise 4.3


def _right_to_left(
    dhs: np.ndarray,
    xs: np.ndarray,
    h0: np.ndarray,
    hs: np.ndarray,
    W_xh: np.ndarray,
    W_hh: np.ndarray,
    *,
    order: str = "up",
    prev: str = "next",
    carry: bool = True,
    W_back: np.ndarray | None = None,
    steps: slice = slice(None),
) -> dict[str, np.ndarray]:
    """BPTT of the right-to-left RNN; the keywords make the plausible mistakes.

    ``order``: "up" walks t = 0 … T − 1 (right), "down" walks T − 1 … 0. ``prev``: "next"
    reads h_prev = hs[t + 1] (h0 at t = T − 1, right), "previous" hs[t − 1] (h0 at t = 0),
    "wrap" hs[t − 1] with Python's wrap-around at t = 0. ``steps`` keeps the weight
    gradients of some steps only.
    """
    T = len(xs)
    W_back = W_hh if W_back is None else W_back
    das, h_prevs = np.zeros_like(hs), np.zeros_like(hs)
    sent = np.zeros_like(h0)
    for t in range(T) if order == "up" else reversed(range(T)):
        if prev == "next":
            h_prevs[t] = hs[t + 1] if t + 1 < T else h0
        else:
            h_prevs[t] = hs[t - 1] if (t > 0 or prev == "wrap") else h0
        das[t] = (dhs[t] + (sent if carry else 0.0)) * (1.0 - hs[t] ** 2)
        sent = das[t] @ W_back
    kept = np.zeros(T, dtype=bool)
    kept[steps] = True
    return {
        "dxs": das @ W_xh,
        "dh0": sent,
        "dW_xh": np.einsum("tni,tnj->ij", das[kept], xs[kept]),
        "dW_hh": np.einsum("tni,tnj->ij", das[kept], h_prevs[kept]),
        "db_h": das[kept].sum(axis=(0, 1)),
    }


def _right_to_left_mistakes(
    *arrays: np.ndarray,
) -> list[tuple[str, dict[str, np.ndarray]]]:
    """Outputs of plausible wrong BPTTs of the right-to-left RNN, each with its diagnosis."""
    one_step = (
        "the weight gradients hold the contribution of the step at t = {} only: the same "
        "weights act at every step, so add (+=) the contributions of all T steps."
    )
    T = len(arrays[1])
    right = _right_to_left(*arrays)
    return [
        (
            "this is the chapter's bptt, for an RNN that reads left to right: it walks "
            "t = T − 1 … 0 and pairs hs[t] with hs[t − 1]. This RNN read xs[T − 1] first and "
            "xs[0] last, so its backward pass starts at t = 0 and walks up to T − 1, and the "
            "state before hs[t] is hs[t + 1] (h0 for t = T − 1).",
            _right_to_left(*arrays, order="down", prev="previous"),
        ),
        (
            "the loop runs from t = T − 1 down to 0, the way the chapter's bptt runs for a "
            "left-to-right RNN. This RNN took its last step at t = 0, so the backward pass "
            "starts there: walk t = 0, 1, …, T − 1, each step receiving what the step at "
            "t − 1 sent back.",
            _right_to_left(*arrays, order="down"),
        ),
        (
            "h_prev is hs[t − 1], the left-to-right habit: this RNN computed hs[t] from "
            "hs[t + 1] (from h0 at t = T − 1), so dW_hh pairs da_t with hs[t + 1].",
            {"dW_hh": _right_to_left(*arrays, prev="previous")["dW_hh"]},
        ),
        (
            "h_prev is hs[t − 1], and at t = 0 Python's hs[-1] wraps round to the last "
            "state: this RNN computed hs[t] from hs[t + 1] (from h0 at t = T − 1).",
            {"dW_hh": _right_to_left(*arrays, prev="wrap")["dW_hh"]},
        ),
        (
            "the gradient from the other steps is not carried: hs[t] also fed the step that "
            "read xs[t − 1], which sends back da @ W_hh; add it to dhs[t] before the tanh "
            "derivative.",
            _right_to_left(*arrays, carry=False),
        ),
        (
            "the carried gradient goes through W_hh transposed: the forward is "
            "h_prev @ W_hh.T, so a step sends back da @ W_hh.",
            _right_to_left(*arrays, W_back=arrays[5].T),
        ),
        (one_step.format(0), _right_to_left(*arrays, steps=slice(0, 1))),
        (one_step.format("T − 1"), _right_to_left(*arrays, steps=slice(T - 1, T))),
        (
            "dh0 is zero: h0 fed the first step this RNN took, at t = T − 1, and receives "
            "what the last step of your backward loop sends back, da @ W_hh.",
            {"dh0": np.zeros_like(right["dh0"])},
        ),
    ]


def _index_hint(error: BaseException, place: Where | None) -> str | None:
    """Explain an IndexError on the time axis of the right-to-left BPTT."""
    if place is not None and re.search(r"t\s*\+\s*1", place.text):
        return (
            "At t = T − 1 there is no hs[T]: the step at T − 1 was the first this RNN took, "
            "and it read h0. Use h_prev = hs[t + 1] if t + 1 < T else h0."
        )
    return (
        "An index ran past the end of the time axis: Python numbers the T steps 0 … T − 1, "
        "so a loop over range(1, T + 1) reads index T, one past the last. Loop over range(T)."
    )


def check_bptt_right_to_left(bptt_right_to_left: Callable[..., tuple]) -> None:
    """Check exercise 4.3: ``bptt_right_to_left(dhs, xs, h0, hs, W_xh, W_hh)``.

    The RNN reads xs (T, N, D) from the end: hs[T − 1] = step(xs[T − 1], h0) and
    hs[t] = step(xs[t], hs[t + 1]). dhs (T, N, H) is ∂E/∂hs; returns
    ``(dxs, dh0, dW_xh, dW_hh, db_h)``. Compared with :func:`rnnbook.scratch.rnn_backward`
    run on the time-reversed sequence.
    """
    from rnnbook.scratch import rnn_backward, rnn_forward

    ex = "4.3"
    rng = np.random.default_rng(2043)
    hints = [Hint(IndexError, _index_hint, message="out of bounds|out of range")]
    for T, N, D, H in [(5, 2, 3, 4), (4, 3, 5, 2)]:
        params = _random_params(rng, D, H)
        xs, h0 = rng.normal(size=(T, N, D)), rng.uniform(-1.0, 1.0, size=(N, H))
        reversed_hs, cache = rnn_forward(xs[::-1], h0, params)
        hs = reversed_hs[::-1].copy()
        dhs = rng.normal(size=(T, N, H))
        W_xh, W_hh = params["W_xh"], params["W_hh"]
        got = call_with_shapes(
            ex, bptt_right_to_left, _BACKWARD_LAYOUT, dhs, xs, h0, hs, W_xh, W_hh, hints=hints
        )
        dxs, dh0, grads = rnn_backward(dhs[::-1].copy(), cache)
        expected = {"dxs": dxs[::-1], "dh0": dh0, **{f"d{k}": grads[k] for k in _KEYS}}
        arrays = (dhs, xs, h0, hs, W_xh, W_hh)
        if not all(np.allclose(expected[k], v) for k, v in _right_to_left(*arrays).items()):
            raise RuntimeError("ch04: the right-to-left reference disagrees with rnn_backward")
        if not outputs_match(got, expected):
            blame_helper(ex, bptt_right_to_left, "step_backward", "4.2", check_step_backward)
        mistakes = _right_to_left_mistakes(*arrays)
        check_outputs(ex, got, expected, mistakes, f"(T={T}, N={N}, D={D}, H={H})")
    passed(
        ex,
        "all five gradients match rnnbook.scratch.rnn_backward on the reversed sequence, "
        "for 2 random batches.",
    )


# --------------------------------------------------------------------------- exercise 4.4


def _smooth(x: np.ndarray) -> float:
    """f(x) = Σ sin(x) x³: smooth, with curvature large enough to show a forward difference."""
    return float(np.sum(np.sin(x) * x**3))


def _one_sided(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float) -> np.ndarray:
    """The forward difference (f(x + eps e_k) − f(x)) / eps, one entry at a time."""
    grad = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[k] = eps
        grad[k] = (f(x + step) - f(x)) / eps
    return grad


def _by_rows(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float) -> np.ndarray:
    """What a loop over range(len(x)) gives for 2-D x: whole rows perturbed at once."""
    grad = np.zeros_like(x)
    for i in range(len(x)):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def _check_centred(ex: str, centred_difference: Callable[..., np.ndarray], x: np.ndarray) -> None:
    from rnnbook.scratch import numerical_gradient

    eps, before = 1e-3, x.copy()
    shape_hint = (
        " It works for 1-D x only: loop over every entry with np.ndindex(x.shape) so that "
        "any shape works."
        if x.ndim > 1
        else ""
    )
    hint = Hint(
        (ArithmeticError, IndexError, TypeError, ValueError),
        f"x had shape {x.shape}; the checker called centred_difference(f, x, {eps}).{shape_hint}",
    )
    got = call(ex, centred_difference, _smooth, x, eps, hints=[hint])
    if not np.allclose(x, before, rtol=0.0, atol=1e-10):
        fail(
            ex,
            "x changed during centred_difference: restore each entry after its two "
            "evaluations (x[k] = saved), or perturb a copy.",
        )
    got = np.asarray(got)
    if got.shape != x.shape:
        fail(
            ex,
            f"centred_difference returned shape {got.shape} for x of shape {x.shape}: the "
            "gradient has x's shape. Loop over np.ndindex(x.shape) and fill grad[k].",
        )
    expected = numerical_gradient(_smooth, x.copy(), eps)
    if matches(got, expected):
        return
    mistakes = [
        (
            "this is the forward difference (f(x + eps) − f(x)) / eps, whose error is O(eps); "
            "use the centred (f(x + eps) − f(x − eps)) / (2 eps), whose error is O(eps²).",
            _one_sided(_smooth, x, eps),
        ),
        (
            "the result is twice too large: divide by 2 eps, the distance between x + eps and "
            "x − eps.",
            2 * expected,
        ),
        (
            f"for x of shape {x.shape}, x[i] is a whole row, so your loop works for 1-D x "
            "only. Loop over every entry with np.ndindex(x.shape).",
            _by_rows(_smooth, x, eps) if x.ndim > 1 else None,
        ),
    ]
    for message, candidate in mistakes:
        if matches(got, candidate):
            fail(ex, message)
    expect_close(ex, f"centred_difference(f, x) for x of shape {x.shape}", got, expected)


def _error_value(
    ex: str, relative_error: Callable[..., float], a: np.ndarray, b: np.ndarray
) -> float:
    """Call the reader's relative_error and turn the result into one float."""
    zero = Hint(
        ZeroDivisionError,
        "Both gradients were zero, so ‖a‖ + ‖b‖ = 0: return 0.0 in that case (the two are equal).",
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.asarray(call(ex, relative_error, a.copy(), b.copy(), hints=[zero]), dtype=float)
    if value.shape != ():
        fail(ex, f"relative_error should return one number, got shape {value.shape}.")
    return float(value)


def check_gradient_tools(
    centred_difference: Callable[..., np.ndarray],
    relative_error: Callable[[np.ndarray, np.ndarray], float],
) -> None:
    """Check exercise 4.4: ``centred_difference(f, x, eps=1e-5)`` and ``relative_error(a, b)``.

    centred_difference returns ∂f/∂x of a scalar f at a float array x of any shape, moving
    one entry at a time by ±eps and leaving x as it was; relative_error is
    ‖a − b‖ / (‖a‖ + ‖b‖), 0.0 when both are zero. Compared with
    :func:`rnnbook.scratch.numerical_gradient` and :func:`rnnbook.scratch.relative_error`.
    """
    from rnnbook.scratch import numerical_gradient
    from rnnbook.scratch import relative_error as reference

    ex = "4.4"
    rng = np.random.default_rng(2044)
    x = rng.uniform(0.5, 2.0, size=6)
    for case in (x, rng.uniform(0.5, 2.0, size=(3, 4))):
        _check_centred(ex, centred_difference, case.copy())
    exact = np.cos(x) * x**3 + 3 * x**2 * np.sin(x)
    centred_error = reference(numerical_gradient(_smooth, x.copy(), 1e-3), exact)
    forward_error = reference(_one_sided(_smooth, x, 1e-3), exact)

    a, b = rng.normal(size=(3, 4)), 3.0 * rng.normal(size=(3, 4))  # ‖a‖ < ‖b‖
    got = _error_value(ex, relative_error, a, b)
    expected = reference(a, b)
    difference = float(np.linalg.norm(a - b))
    if not np.isclose(got, expected, rtol=1e-6):
        if np.isclose(got, difference, rtol=1e-6):
            fail(
                ex,
                "relative_error is the plain ‖a − b‖: divide by ‖a‖ + ‖b‖ so that the error "
                "does not depend on the gradients' scale.",
            )
        if np.isclose(got, difference / np.linalg.norm(a), rtol=1e-6):
            fail(
                ex,
                "relative_error divides by ‖a‖ alone. Then it depends on which gradient you "
                "pass first, relative_error(a, b) ≠ relative_error(b, a), and it is infinite "
                "when a = 0, say a backward pass that returns zeros where it should not. The "
                "book divides by the sum ‖a‖ + ‖b‖, which treats both alike and is at most 1.",
            )
        if np.isclose(got, difference / max(np.linalg.norm(a), np.linalg.norm(b)), rtol=1e-6):
            fail(
                ex,
                "relative_error divides by max(‖a‖, ‖b‖); the book's definition divides by "
                "the sum ‖a‖ + ‖b‖.",
            )
        expect_close(ex, "relative_error(a, b)", got, expected)
    zeros = np.zeros((3, 4))
    got = _error_value(ex, relative_error, zeros, zeros)
    if got != 0.0:
        fail(
            ex,
            f"relative_error returned {got} when both gradients are zero: ‖a‖ + ‖b‖ = 0 "
            "there; return 0.0 in that case (the two are equal).",
        )
    passed(
        ex,
        f"centred_difference matches numerical_gradient for 1-D and 2-D x; at eps = 1e-3 its "
        f"relative error to the exact gradient is {centred_error:.1e}, a forward difference's "
        f"{forward_error:.1e}. relative_error matches rnnbook.scratch.relative_error.",
    )


# --------------------------------------------------------------------------- exercise 4.5


def _truncated(
    xs: np.ndarray,
    h0: np.ndarray,
    params: dict[str, np.ndarray],
    R: np.ndarray,
    tau: int,
    carry_state: bool = True,
    last_chunk: bool = True,
    sum_chunks: bool = True,
) -> dict[str, np.ndarray]:
    """Truncated BPTT with rnn_forward/rnn_backward per chunk; the flags make the mistakes."""
    from rnnbook.scratch import rnn_backward, rnn_forward

    end = len(xs) if last_chunk else len(xs) - len(xs) % tau
    total = {k: np.zeros_like(params[k]) for k in _KEYS}
    h = h0
    for start in range(0, end, tau):
        chunk = slice(start, start + tau)
        hs, cache = rnn_forward(xs[chunk], h if carry_state else h0, params)
        _, _, grads = rnn_backward(R[chunk], cache)
        total = {k: (total[k] if sum_chunks else 0.0) + grads[k] for k in _KEYS}
        h = hs[-1]
    return total


_RETURNS = (
    "rnn_forward returns the pair (hs, cache) and rnn_backward the triple "
    "(dxs, dh0, grads): unpack them, hs, cache = rnn_forward(...) and "
    "_, _, grads = rnn_backward(...)."
)


def _package_got_a_tuple(error: BaseException, place: Where | None) -> str | None:
    """Explain an error inside rnn_forward/rnn_backward: usually a tuple passed on unpacked."""
    if place is None or place.inside not in ("rnn_forward", "rnn_backward", "check_lengths"):
        return None
    return (
        f"The error came from inside `{place.inside}`, which usually means it received one "
        f"of the package's tuples where it expects an array or a cache. {_RETURNS}"
    )


_UNPACK_HINTS = [
    Hint(
        ValueError,
        f"The number of names on the left must match what the function returns. {_RETURNS}",
        message="values to unpack",
    ),
    Hint(
        TypeError,
        f"A tuple was indexed with a key: grads is the third of the values rnn_backward "
        f"returns. {_RETURNS}",
        message="tuple indices",
    ),
    Hint((TypeError, ValueError, AttributeError, IndexError), _package_got_a_tuple),
]
"""What an error in truncated_grads usually means: a result of the package not unpacked."""


def check_truncated_grads(truncated_grads: Callable[..., Mapping[str, np.ndarray]]) -> None:
    """Check exercise 4.5: ``truncated_grads(xs, h0, params, R, tau) -> grads``.

    xs (T, N, D), h0 (N, H), params {W_xh, W_hh, b_h}, R (T, N, H); the loss is
    L = Σ_t Σ hs[t] ⊙ R[t]. The sequence is cut into chunks of tau steps (the last one
    possibly shorter); the state is carried from chunk to chunk but no gradient crosses a
    boundary. grads holds W_xh, W_hh, b_h summed over the chunks. The reference runs
    :func:`rnnbook.scratch.rnn_forward` and :func:`rnnbook.scratch.rnn_backward` per chunk.
    """
    from rnnbook.scratch import rnn_backward, rnn_forward

    ex = "4.5"
    rng = np.random.default_rng(2045)
    N, D, H = 2, 3, 4
    for T, tau in [(10, 4), (6, 6), (6, 9)]:
        params = _random_params(rng, D, H)
        xs, h0 = rng.normal(size=(T, N, D)), rng.uniform(-1.0, 1.0, size=(N, H))
        R = rng.normal(size=(T, N, H))
        got = call(
            ex,
            truncated_grads,
            xs.copy(),
            h0.copy(),
            {k: v.copy() for k, v in params.items()},
            R.copy(),
            tau,
            hints=_UNPACK_HINTS,
        )
        if not isinstance(got, Mapping):
            fail(ex, f"return a dict with keys {list(_KEYS)}, got {type(got).__name__}.")
        missing = [k for k in _KEYS if k not in got]
        if missing:
            fail(ex, f"the dict lacks {missing}; expected keys {list(_KEYS)}.")
        expected = _truncated(xs, h0, params, R, tau)
        chunks = ", ".join(f"[{s}, {min(s + tau, T)})" for s in range(0, T, tau))
        mistakes = [
            (
                "every chunk starts from h0: carry the forward state across chunks (chunk k "
                "starts from the last state of chunk k − 1); only the gradient is cut.",
                _truncated(xs, h0, params, R, tau, carry_state=False),
            ),
            (
                f"the gradient flows across chunk boundaries: with tau={tau} < T={T} these "
                "are the full-BPTT gradients. Run the backward of each chunk on its own and "
                "drop the gradient it returns for the chunk's initial state.",
                rnn_backward(R, rnn_forward(xs, h0, params)[1])[2],
            ),
            (
                f"the last, partial chunk is left out: for T={T} and tau={tau} the chunks "
                f"are {chunks}, the last one possibly shorter than tau.",
                _truncated(xs, h0, params, R, tau, last_chunk=False),
            ),
            (
                "only the last chunk's gradients are returned: add up the gradients of all chunks.",
                _truncated(xs, h0, params, R, tau, sum_chunks=False),
            ),
        ]
        hint = "With tau ≥ T there is one chunk, so this is full BPTT." if tau >= T else ""
        for key in _KEYS:
            name = f'grads["{key}"] (T={T}, tau={tau})'
            value = np.asarray(got[key])
            expect_shape(ex, name, value, params[key].shape)
            if matches(value, expected[key]):
                continue
            for message, candidate in mistakes:
                if matches(value, candidate[key]):
                    fail(ex, message)
            expect_close(ex, name, value, expected[key], hint=hint)
    passed(
        ex,
        "truncated_grads matches rnn_forward/rnn_backward run per chunk (T=10, tau=4) and "
        "equals full BPTT when tau ≥ T.",
    )


# --------------------------------------------------------------------------- exercise 4.7

LINEAR_RNN = {"w": 0.5, "u": 1.0, "xs": (2.0, 1.0, 3.0), "t": 7, "k": 2}
"""The numbers of exercise 4.7: h_t = w h_{t-1} + u x_t from h_0 = 0, E = h_3; and the
Jacobian factors of ∂h_t/∂h_k for t = 7, k = 2."""


def _linear_answers() -> dict[str, tuple[float, list[tuple[str, float]]]]:
    """The three answers of 4.7 with the values of plausible slips, each with a diagnosis."""
    w, u, xs = LINEAR_RNN["w"], LINEAR_RNN["u"], LINEAR_RNN["xs"]
    h = [0.0]
    for x in xs:
        h.append(w * h[-1] + u * x)  # h[0] = h_0, ..., h[3] = h_3
    T, t, k = len(xs), LINEAR_RNN["t"], LINEAR_RNN["k"]
    steps = range(1, T + 1)
    return {
        "dE_dw": (sum(w ** (T - j) * h[j - 1] for j in steps), [
            ("that is only the immediate term h_2 (the w of step 3): w is used at every "
             "step, so add the terms of steps 2 and 1, each carried to h_3 by a factor w "
             "per step.", h[T - 1]),
            ("each term has one factor w too many: the term of step k is w^(3−k) h_(k−1), "
             "so step 3's own term has no factor w.",
             sum(w ** (T - j + 1) * h[j - 1] for j in steps)),
            ("that uses h_k where h_(k−1) belongs: the w of step k multiplies the state "
             "that step reads, h_(k−1).", sum(w ** (T - j) * h[j] for j in steps)),
            ("the factors w that carry each term to h_3 are missing: ∂h_3/∂h_k = w^(3−k).",
             sum(h[j - 1] for j in steps)),
        ]),
        "dE_du": (sum(w ** (T - j) * xs[j - 1] for j in steps), [
            ("that is only the immediate term x_3: u is used at every step, so add "
             "w^(3−k) x_k for k = 1, 2 as well.", xs[-1]),
            ("the factors w that carry each term to h_3 are missing: the sum is "
             "Σ_k w^(3−k) x_k.", sum(xs)),
            ("each term has one factor w too many: step 3's own term is x_3, with no w.",
             sum(w ** (T - j + 1) * xs[j - 1] for j in steps)),
        ]),
        "n_factors": (float(t - k), [
            (f"one too many: ∂h_{t}/∂h_{k} = J_{t} J_{t - 1} ⋯ J_{k + 1}, one Jacobian per "
             f"step from k + 1 to t, so t − k of them.", float(t - k + 1)),
            (f"one too few: the product J_{t} ⋯ J_{k + 1} runs from j = k + 1 to j = t, "
             "t − k factors.", float(t - k - 1)),
        ]),
    }  # fmt: skip


def check_linear_rnn(answers: Mapping[str, float]) -> None:
    """Exercise 4.7 (derivation): ``answers`` maps ``dE_dw``, ``dE_du`` and ``n_factors``
    to the numbers worked out by hand for the one-unit linear RNN of :data:`LINEAR_RNN`."""
    ex = "4.7"

    def one_number(key: str, value: object) -> float:
        got = np.asarray(value, dtype=float)
        if got.shape != ():
            fail(ex, f"{key} should be one number, got an array of shape {got.shape}.")
        return float(got)

    expect_by_hand(
        ex,
        answers,
        _linear_answers(),
        one_number,
        rel_tol=1e-6,
        otherwise="is not right. Write h_1, h_2, h_3 in terms of w, u and the inputs, then add "
        "one term per use of the weight.",
    )
    passed(ex, "dE/dw, dE/du and the number of Jacobian factors are right: every use of a "
               "weight adds a term, carried to h_3 by one factor w per step.")  # fmt: skip


# --------------------------------------------------------------------------- exercise 4.8

TRUNCATION_SCALES, TRUNCATION_TAUS, TRUNCATION_T = (0.5, 2.0), (1, 2, 4, 8, 16), 32


def truncation_case(scale: float) -> tuple[np.ndarray, np.ndarray, dict, np.ndarray]:
    """The fixed case of exercise 4.8: ``(xs (32, 4, 3), h0 (4, 16), params, R (32, 4, 16))``.

    ``params`` holds ``W_xh (16, 3)``, ``W_hh (16, 16)`` and ``b_h (16,)``; ``W_hh`` is
    ``scale`` times a random orthogonal matrix, so every singular value equals ``scale``.
    """
    if scale <= 0:
        raise ValueError(f"expected a positive scale, received {scale!r}")
    rng = np.random.default_rng(2048)
    N, D, H = 4, 3, 16
    params = _random_params(rng, D, H)
    q, _ = np.linalg.qr(rng.normal(size=(H, H)))
    params["W_hh"] = scale * q
    xs, R = rng.normal(size=(TRUNCATION_T, N, D)), rng.normal(size=(TRUNCATION_T, N, H))
    return xs, np.zeros((N, H)), params, R


def _send_back(
    ex: str, fn: Callable | None, name: str, helper_ex: str, checker: Callable[..., None]
) -> None:
    """Fail, pointing back to ``helper_ex``, if the reader's ``fn`` fails its own checker."""
    from rnnbook.checks._feedback import CheckFailed

    if fn is None:
        return
    args = fn if isinstance(fn, tuple) else (fn,)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            checker(*args)
    except CheckFailed as error:
        reason = str(error).split(": ", 1)[-1]
        fail(ex, f"your `{name}` from exercise {helper_ex} is not right yet, so neither are "
                 f"the measurements. Check {helper_ex} says: {reason}")  # fmt: skip


def _truncation_errors(scale: float, key: str = "W_hh", how: str = "relative") -> list[float]:
    """The truncation errors of 4.8 for one scale (and the values of plausible slips)."""
    xs, h0, params, R = truncation_case(scale)
    full = _truncated(xs, h0, params, R, TRUNCATION_T)[key]
    errors = []
    for tau in TRUNCATION_TAUS:
        cut = _truncated(xs, h0, params, R, tau)[key]
        difference = float(np.linalg.norm(cut - full))
        errors.append({
            "relative": difference / (np.linalg.norm(cut) + np.linalg.norm(full)),
            "by_full": difference / float(np.linalg.norm(full)),
            "absolute": difference,
        }[how])  # fmt: skip
    return errors


def check_truncation_experiment(
    predicted: str,
    measured: Mapping[float, list[float]],
    truncated_grads: Callable | None = None,
    relative_error: Callable | None = None,
) -> None:
    """Exercise 4.8 (experiment): how far truncated BPTT's ``∂E/∂W_hh`` is from the full one.

    ``predicted`` is "small" or "large": the recurrent weights (scale 0.5 or 2.0) that need
    the longer truncation, written before the run. ``measured[scale]`` lists the
    relative errors (exercise 4.4) of the truncated gradient (exercise 4.5) at
    τ = 1, 2, 4, 8, 16 against τ = T = 32, on ``truncation_case(scale)``. The run is
    deterministic, so the checker repeats it and expects the same numbers (rtol 1e-6).
    """
    ex = "4.8"
    if predicted not in ("small", "large"):
        fail(ex, f"predicted should be 'small' or 'large', got {predicted!r}. Write the "
                 "prediction before you run.")  # fmt: skip
    if not isinstance(measured, Mapping):
        fail(ex, f"measured should be a dict keyed by the scale, got {type(measured).__name__}.")
    for scale in TRUNCATION_SCALES:
        if measured.get(scale) is None:
            fail(ex, f"measured has no entry for the scale {scale}.")
        got = np.asarray(measured[scale], dtype=float)
        if got.shape != (len(TRUNCATION_TAUS),):
            fail(ex, f"measured[{scale}] should hold {len(TRUNCATION_TAUS)} errors, one per "
                     f"τ in {TRUNCATION_TAUS}; got shape {got.shape}.")  # fmt: skip
        expected = _truncation_errors(scale)
        if np.allclose(got, expected, rtol=1e-6, atol=1e-12):
            continue
        _send_back(ex, truncated_grads, "truncated_grads", "4.5", check_truncated_grads)
        _send_back(ex, relative_error, "relative_error", "4.4",
                   lambda f: check_gradient_tools(_numerical, f))  # fmt: skip
        slips = [
            ("these are the errors of ∂E/∂W_xh; the experiment compares ∂E/∂W_hh.",
             _truncation_errors(scale, key="W_xh")),
            ("the error is divided by ‖full‖ alone; use the relative error of exercise 4.4, "
             "‖a − b‖ / (‖a‖ + ‖b‖).", _truncation_errors(scale, how="by_full")),
            ("that is the plain ‖truncated − full‖; divide by ‖truncated‖ + ‖full‖ "
             "(exercise 4.4's relative error).", _truncation_errors(scale, how="absolute")),
        ]  # fmt: skip
        for message, values in slips:
            if np.allclose(got, values, rtol=1e-6, atol=1e-12):
                fail(ex, f"measured[{scale}]: {message}")
        fail(ex, f"measured[{scale}] = {np.round(got, 4).tolist()}, but the same run gives "
                 f"{np.round(expected, 4).tolist()} (τ = {TRUNCATION_TAUS}, against "
                 f"τ = {TRUNCATION_T}, on truncation_case({scale})).")  # fmt: skip
    worse = "large" if np.mean(measured[2.0]) > np.mean(measured[0.5]) else "small"
    verdict = "as you predicted" if predicted == worse else "not as you predicted"
    passed(ex, f"your errors match the checker's run; the {worse} weights need the longer "
               f"truncation, {verdict}.")  # fmt: skip


def _numerical(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """A correct centred difference, so that 4.4's checker judges relative_error alone."""
    from rnnbook.scratch import numerical_gradient

    return numerical_gradient(f, x, eps)


__getattr__ = retired({"check_step_jacobian": "4.1", "check_bptt": "4.3"}, "04")
