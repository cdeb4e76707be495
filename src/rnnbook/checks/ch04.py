"""Checkers for chapter 04, *Backpropagation through time*.

Each checker runs the reader's answer on cases built to expose one plausible mistake at a
time and names that mistake when it sees it:

========  ================================  ===========================================
exercise  checker                           mistakes it recognises
========  ================================  ===========================================
4.1       :func:`check_step_jacobian`       tanh' missing (W_hh alone), the derivative
                                            scaling columns (W_hh diag(1 − h²)), W_hh
                                            transposed, the whole Jacobian transposed,
                                            1 − tanh²(h) (tanh applied twice), (1 − h)²
                                            or 1 − h, the vector 1 − h² instead of an
                                            (H, H) matrix
4.2       :func:`check_step_backward`       tanh' missing, dW_hh from h instead of
                                            h_prev, dh_prev through W_hhᵀ, dW_hh or
                                            dW_xh transposed, db_h not summed or summed
                                            over the wrong axis, outputs in another
                                            order, a wrong number of outputs, a shape
                                            error (ValueError) inside the function
4.3       :func:`check_bptt`                the gradient from the future not carried,
                                            carried through W_hhᵀ, only the last step's
                                            upstream gradient used, weight gradients of
                                            one step only (first or last), the loop
                                            running forward in time, h_prev off by one
                                            (hs[t], or hs[t - 1] wrapping round to the
                                            last state at t = 0), dh0 zero, da of the
                                            first step or the gradient of h_1 returned
                                            as dh0, outputs in another order or number
4.4       :func:`check_gradient_tools`      forward instead of centred difference, the
                                            factor 2 missing, x left changed, loops that
                                            work for 1-D x only, a flattened result;
                                            relative error without the denominator,
                                            with max instead of the sum, failing or NaN
                                            when both gradients are zero
4.5       :func:`check_truncated_grads`     state not carried across chunks, gradient
                                            flowing across chunks (full BPTT), the last
                                            partial chunk dropped, only the last
                                            chunk's gradients, not a dict, missing
                                            keys, wrong shapes
========  ================================  ===========================================

The references are the package's own :func:`rnnbook.scratch.rnn_step_forward`,
:func:`~rnnbook.scratch.rnn_step_backward`, :func:`~rnnbook.scratch.rnn_forward`,
:func:`~rnnbook.scratch.rnn_backward`, :func:`~rnnbook.scratch.numerical_gradient` and
:func:`~rnnbook.scratch.relative_error`. Rows are examples, weights are stored (out, in).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from rnnbook.checks._feedback import (
    call,
    call_with_shapes,
    check_outputs,
    expect_close,
    expect_shape,
    fail,
    matches,
    passed,
)

__all__ = [
    "check_bptt",
    "check_gradient_tools",
    "check_step_backward",
    "check_step_jacobian",
    "check_truncated_grads",
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
    """Plausible wrong Jacobians of one step, each with its diagnosis."""
    d = 1.0 - h**2
    return [
        (
            "the tanh derivative is missing: W_hh alone is the Jacobian of the pre-activation "
            "a_t; h_t = tanh(a_t) multiplies row i by tanh'(a_t[i]) = 1 − h_t[i]².",
            W_hh,
        ),
        (
            "the derivative scales the columns, W_hh diag(1 − h²): entry (i, j) is "
            "(1 − h_t[i]²) W_hh[i, j], so it scales row i, diag(1 − h_t²) W_hh.",
            W_hh * d,
        ),
        (
            "W_hh is transposed: entry (i, j) is ∂h_t[i]/∂h_(t−1)[j] = (1 − h_t[i]²) W_hh[i, j]; "
            "use W_hh as stored, diag(1 − h_t²) W_hh.",
            d[:, None] * W_hh.T,
        ),
        (
            "your matrix is the transpose of the Jacobian: row i holds the derivatives of "
            "h_t[i], column j those with respect to h_(t−1)[j], so J = diag(1 − h_t²) W_hh.",
            (d[:, None] * W_hh).T,
        ),
        (
            "tanh is applied twice: h is already tanh(a_t), so tanh'(a_t) = 1 − h², "
            "not 1 − tanh(h)².",
            (1.0 - np.tanh(h) ** 2)[:, None] * W_hh,
        ),
        (
            "the square is misplaced: tanh'(a_t) = 1 − h², not (1 − h)².",
            ((1.0 - h) ** 2)[:, None] * W_hh,
        ),
        (
            "the square is missing: tanh'(a_t) = 1 − h², not 1 − h.",
            (1.0 - h)[:, None] * W_hh,
        ),
    ]


def check_step_jacobian(step_jacobian: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> None:
    """Check exercise 4.1: ``step_jacobian(h, W_hh) -> J``, the Jacobian ∂h_t/∂h_(t−1).

    h is one sequence's new state h_t = tanh(W_hh h_(t−1) + W_xh x_t + b_h), shape (H,);
    J = diag(1 − h_t²) W_hh has shape (H, H), J[i, j] = ∂h_t[i]/∂h_(t−1)[j]. The reference
    formula is itself confirmed against a centred-difference Jacobian of
    :func:`rnnbook.scratch.rnn_step_forward`.
    """
    from rnnbook.scratch import numerical_gradient, rnn_step_forward

    ex = "4.1"
    rng = np.random.default_rng(2041)
    for D, H in [(2, 4), (3, 3)]:
        params = _random_params(rng, D, H)
        x, h_prev = rng.normal(size=(1, D)), rng.uniform(-1.0, 1.0, size=(1, H))

        def step(v: np.ndarray, x: np.ndarray = x, params: dict = params) -> np.ndarray:
            return rnn_step_forward(x, v[None], params)[0][0]

        h, W_hh = step(h_prev[0]), params["W_hh"]
        expected = (1.0 - h**2)[:, None] * W_hh
        numeric = np.stack(
            [numerical_gradient(lambda v, i=i: step(v)[i], h_prev[0].copy()) for i in range(H)]
        )
        if not np.allclose(expected, numeric, atol=1e-8):
            raise RuntimeError("ch04: the reference Jacobian disagrees with finite differences")
        got = np.asarray(call(ex, step_jacobian, h.copy(), W_hh.copy()))
        if got.shape != (H, H):
            vector = (
                " You returned the vector 1 − h_t², tanh' alone: put it on the diagonal and "
                "multiply, diag(1 − h_t²) W_hh."
                if matches(got, 1.0 - h**2)
                else ""
            )
            fail(
                ex,
                f"the Jacobian ∂h_t/∂h_(t−1) is an (H, H) matrix, here {(H, H)}: entry (i, j) "
                f"is ∂h_t[i]/∂h_(t−1)[j]. Yours has shape {got.shape}.{vector}",
            )
        if matches(got, expected):
            continue
        for message, candidate in _jacobian_mistakes(h, W_hh):
            if matches(got, candidate):
                fail(ex, message)
        expect_close(ex, f"the Jacobian for H={H}", got, expected)
    passed(ex, "step_jacobian equals diag(1 − h²) W_hh and the finite-difference Jacobian.")


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


def _carry(
    dhs: np.ndarray, hs: np.ndarray, W_back: np.ndarray, carry: bool = True, forward: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """das[t] = (dhs[t] + what step t+1 sent back) ⊙ (1 − hs[t]²); also the last sent value."""
    das, sent = np.empty_like(hs), np.zeros_like(hs[0])
    for t in range(len(hs)) if forward else reversed(range(len(hs))):
        das[t] = (dhs[t] + (sent if carry else 0.0)) * (1.0 - hs[t] ** 2)
        sent = das[t] @ W_back
    return das, sent


def _weight_grads(das: np.ndarray, xs: np.ndarray, h_prevs: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "dW_xh": np.einsum("tni,tnj->ij", das, xs),
        "dW_hh": np.einsum("tni,tnj->ij", das, h_prevs),
        "db_h": das.sum(axis=(0, 1)),
    }


def _bptt_mistakes(
    dhs: np.ndarray,
    xs: np.ndarray,
    h0: np.ndarray,
    hs: np.ndarray,
    W_xh: np.ndarray,
    W_hh: np.ndarray,
) -> list[tuple[str, dict[str, np.ndarray]]]:
    """Outputs of plausible wrong BPTT implementations, each with its diagnosis."""
    h_prevs = np.concatenate([h0[None], hs[:-1]])

    def outputs(das: np.ndarray, dh0: np.ndarray) -> dict[str, np.ndarray]:
        return {"dxs": das @ W_xh, "dh0": dh0, **_weight_grads(das, xs, h_prevs)}

    das, _ = _carry(dhs, hs, W_hh)
    last_only = np.zeros_like(dhs)
    last_only[-1] = dhs[-1]
    one_step = (
        "the weight gradients hold the {} step's contribution only: the same weights act at "
        "every step, so add (+=) the contributions of all T steps."
    )
    return [
        (
            "the gradient from the future is not carried: the gradient of hs[t] is dhs[t] plus "
            "what step t+1 sends back, da_(t+1) @ W_hh; add it before the tanh derivative.",
            outputs(*_carry(dhs, hs, W_hh, carry=False)),
        ),
        (
            "the carried gradient goes through W_hh transposed: the forward is "
            "h_prev @ W_hh.T, so step t+1 sends back da_(t+1) @ W_hh.",
            outputs(*_carry(dhs, hs, W_hh.T)),
        ),
        (
            "only the last step's upstream gradient dhs[T - 1] is used: every state has a loss "
            "of its own, so add dhs[t] at every step t.",
            outputs(*_carry(last_only, hs, W_hh)),
        ),
        (
            "the loop runs forward in time: step t needs the gradient that step t+1 sends "
            "back, so walk t = T - 1, …, 0.",
            outputs(*_carry(dhs, hs, W_hh, forward=True)),
        ),
        (one_step.format("first"), _weight_grads(das[:1], xs[:1], h_prevs[:1])),
        (one_step.format("last"), _weight_grads(das[-1:], xs[-1:], h_prevs[-1:])),
        (
            "h_prev is off by one: dW_hh pairs da_t with hs[t], the state step t produced; "
            "it needs the state the step read, hs[t - 1], and h0 at t = 0.",
            {"dW_hh": _weight_grads(das, xs, hs)["dW_hh"]},
        ),
        (
            "at t = 0, h_prev = hs[t - 1] is hs[-1], the last state (Python wraps negative "
            "indices); the first step's previous state is h0.",
            {"dW_hh": _weight_grads(das, xs, np.roll(hs, 1, axis=0))["dW_hh"]},
        ),
        (
            "dh0 is zero: return the gradient the first step sends back to h0, dh0 = da_0 @ W_hh.",
            {"dh0": np.zeros_like(h0)},
        ),
        (
            "dh0 is da of the first step: push it through W_hh once more, dh0 = da_0 @ W_hh.",
            {"dh0": das[0]},
        ),
        (
            "dh0 is the gradient of h_1 = hs[0], not of h0: push it through the first step, "
            "dh0 = (dh ⊙ (1 − hs[0]²)) @ W_hh.",
            {"dh0": dhs[0] + das[1] @ W_hh},
        ),
    ]


def check_bptt(bptt: Callable[..., tuple]) -> None:
    """Check exercise 4.3: ``bptt(dhs, xs, h0, hs, W_xh, W_hh)``.

    dhs (T, N, H) is the upstream gradient of every state h_1 … h_T, xs (T, N, D), h0 (N, H)
    and hs (T, N, H) the states of the forward pass. Returns ``(dxs, dh0, dW_xh, dW_hh,
    db_h)``. Compared with :func:`rnnbook.scratch.rnn_backward` on the cache of
    :func:`rnnbook.scratch.rnn_forward` (whose bias b_h the reader does not need).
    """
    from rnnbook.scratch import rnn_backward, rnn_forward

    ex = "4.3"
    rng = np.random.default_rng(2043)
    for T, N, D, H in [(5, 2, 3, 4), (4, 3, 5, 2)]:
        params = _random_params(rng, D, H)
        xs, h0 = rng.normal(size=(T, N, D)), rng.uniform(-1.0, 1.0, size=(N, H))
        hs, cache = rnn_forward(xs, h0, params)
        dhs = rng.normal(size=(T, N, H))
        W_xh, W_hh = params["W_xh"], params["W_hh"]
        got = call_with_shapes(ex, bptt, _BACKWARD_LAYOUT, dhs, xs, h0, hs, W_xh, W_hh)
        dxs, dh0, grads = rnn_backward(dhs, cache)
        expected = {"dxs": dxs, "dh0": dh0, **{f"d{k}": grads[k] for k in _KEYS}}
        mistakes = _bptt_mistakes(dhs, xs, h0, hs, W_xh, W_hh)
        check_outputs(ex, got, expected, mistakes, f"(T={T}, N={N}, D={D}, H={H})")
    passed(ex, "all five gradients match rnnbook.scratch.rnn_backward on 2 random sequences.")


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
    try:
        got = call(ex, centred_difference, _smooth, x, eps)
    except (ArithmeticError, IndexError, TypeError, ValueError) as error:
        shape_hint = (
            " It works for 1-D x only: loop over every entry with np.ndindex(x.shape) so "
            "that any shape works."
            if x.ndim > 1
            else ""
        )
        fail(
            ex,
            f"centred_difference raised {type(error).__name__} ({error}) for x of shape "
            f"{x.shape}, called as centred_difference(f, x, {eps}).{shape_hint}",
        )
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
    with np.errstate(divide="ignore", invalid="ignore"):
        try:
            value = np.asarray(call(ex, relative_error, a.copy(), b.copy()), dtype=float)
        except ZeroDivisionError:
            fail(
                ex,
                "relative_error raised ZeroDivisionError when both gradients are zero: "
                "‖a‖ + ‖b‖ = 0 there; return 0.0 in that case (the two are equal).",
            )
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

    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
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
