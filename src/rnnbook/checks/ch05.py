"""Checkers for chapter 05, *Vanishing and exploding gradients*.

Each checker runs the reader's answer on cases built to expose one plausible mistake at a
time and names that mistake when it sees it:

========  ================================  ===========================================
exercise  checker                           mistakes it recognises
========  ================================  ===========================================
5.1       :func:`check_clip_by_norm`        each array clipped by its own norm, scaling
                                            when below the threshold (up to max_norm),
                                            the squared norm compared or returned, the
                                            factor inverted (‖g‖ / max_norm), the norm
                                            after clipping returned, nothing returned,
                                            the arrays not changed in place (a new dict,
                                            or new arrays put in the dict), the
                                            direction changed
5.2       :func:`check_clip_by_value`       the upper bound only (negatives untouched),
                                            clipping into [0, v], whole arrays scaled
                                            (by their norm, the global norm or their
                                            largest entry) instead of each entry, the
                                            arrays not changed in place, max_value
                                            ignored (a fixed threshold: the result is the
                                            same for every max_value)
5.3       :func:`check_jacobian_norms`      the Frobenius instead of the spectral norm,
                                            the product in the reversed order
                                            (J_(k+1) ⋯ J_T), W_hh transposed in every
                                            J, tanh' taken at h_(j−1) (off by one),
                                            tanh' missing (powers of W_hh), the array
                                            reversed (norms[0] = 1), T instead of T + 1
                                            entries, saying which end is missing
5.4       :func:`check_delta_norms`         tanh' missing, W_hh untransposed, tanh'
                                            taken at h_(k−1), the array reversed,
                                            squared norms, T instead of T + 1 entries,
                                            saying which end is missing
5.6       :func:`check_bound_steps`         the bound's k rounded instead of rounded up,
                                            γ or σ_max alone instead of γσ_max, the
                                            sigmoid's γ taken as 1, mixed logarithm
                                            bases, a number of steps where γσ_max > 1
                                            (the bound never falls), γ = 0.8 kept for
                                            units at zero, growth at σ_max > 1 or
                                            σ_max > γ instead of σ_max > 1/γ
5.7       :func:`check_scale_experiment`    ratios not reproducible from the recipe, the
                                            ratio inverted (‖δ_T‖ / ‖δ_0‖), squared
                                            norms, tanh' missing, one step short
                                            (‖δ_1‖), a missing scale or run, the
                                            boundary read from the arithmetic mean or
                                            not from the measured ratios
========  ================================  ===========================================

The references are the package's own :func:`rnnbook.scratch.clip_grad_norm` and
:func:`~rnnbook.scratch.clip_grad_value`; the Jacobians ∂h_T/∂h_k of 5.3 and 5.4 are
confirmed against :func:`~rnnbook.scratch.rnn_backward` on the states of
:func:`~rnnbook.scratch.rnn_forward`. Gradients are dicts W_xh (H, D), W_hh (H, H),
b_h (H,); a sequence's states are stacked as hs (T + 1, H) with hs[0] = h_0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from rnnbook.checks._feedback import call, expect_close, expect_shape, fail, matches, passed

__all__ = [
    "SCALES",
    "check_bound_steps",
    "check_clip_by_norm",
    "check_clip_by_value",
    "check_delta_norms",
    "check_jacobian_norms",
    "check_scale_experiment",
    "scaled_rnn",
]

_KEYS = ("W_xh", "W_hh", "b_h")
_D, _H = 3, 4

Grads = dict[str, np.ndarray]


def _global_norm(grads: Mapping[str, np.ndarray]) -> float:
    return float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))


def _copy(grads: Mapping[str, np.ndarray]) -> Grads:
    return {k: np.array(v, dtype=float) for k, v in grads.items()}


def _random_grads(rng: np.random.Generator, scale: float, norm: float | None = None) -> Grads:
    """Gradients W_xh (H, D), W_hh (H, H), b_h (H,); rescaled to global norm ``norm``."""
    shapes = {"W_xh": (_H, _D), "W_hh": (_H, _H), "b_h": (_H,)}
    grads = {k: rng.normal(scale=scale, size=shape) for k, shape in shapes.items()}
    if norm is not None:
        grads = {k: g * norm / _global_norm(grads) for k, g in grads.items()}
    return grads


def _scaled(grads: Grads, factors: Mapping[str, float] | float) -> Grads:
    """Every array times a factor, one common factor or one per key."""
    if not isinstance(factors, Mapping):
        factors = dict.fromkeys(grads, factors)
    return {k: g * factors[k] for k, g in grads.items()}


def _check_in_place(
    ex: str,
    fn_name: str,
    grads: Mapping[str, Any],
    arrays: Grads,
    before: Grads,
    returned: Any,
    case: str,
    how: str,
    must_change: bool = True,
) -> None:
    """Fail if the reader replaced the dict's arrays, or left them alone where they must change."""
    replaced = [k for k in _KEYS if grads.get(k) is not arrays[k]]
    if replaced:
        fail(
            ex,
            f'grads["{replaced[0]}"] is a new array after {fn_name}: change the arrays '
            f"themselves, in place ({how}), so that everyone holding them — an optimiser, the "
            "training loop — sees the clipped values.",
        )
    if must_change and all(np.array_equal(arrays[k], before[k]) for k in _KEYS):
        new_dict = "you returned a new dict and " if isinstance(returned, Mapping) else ""
        fail(
            ex,
            f"{new_dict}grads is unchanged after {fn_name} ({case}): the update must be in "
            f"place, {how}. Rebinding `g = …` in the loop, or a new dict, leaves the caller's "
            "arrays as they were.",
        )


def _check_arrays(
    ex: str,
    arrays: Grads,
    expected: Grads,
    mistakes: list[tuple[str, Grads]],
    case: str,
    hint: str = "",
) -> None:
    """Compare the clipped arrays; name the mistake whose arrays they all equal."""
    if all(matches(arrays[k], expected[k]) for k in _KEYS):
        return
    for message, candidate in mistakes:
        if all(matches(arrays[k], candidate[k]) for k in _KEYS):
            fail(ex, message)
    for k in _KEYS:
        expect_close(ex, f'grads["{k}"] ({case})', arrays[k], expected[k], hint=hint)


# --------------------------------------------------------------------------- exercise 5.1


def _norm_mistakes(before: Grads, norm: float, max_norm: float) -> list[tuple[str, Grads]]:
    """Arrays left by plausible wrong norm clippings, each with its diagnosis."""
    own = {k: max_norm / max(_global_norm({k: g}), max_norm) for k, g in before.items()}
    squared = norm**2
    mistakes = [
        (
            "each array was clipped by its own norm: clipping by norm uses the global norm "
            f"‖g‖ = √(Σ over all arrays Σ g²) = {norm:g} and scales every array by the same "
            "factor max_norm / ‖g‖, which keeps the direction of the whole gradient.",
            _scaled(before, own),
        )
    ]
    if squared > max_norm:
        mistakes.append(
            (
                "grads was scaled by max_norm / ‖g‖²: the norm is the square root of the sum "
                f"of squares, ‖g‖ = √(Σ g²) = {norm:g}; without the square root you get "
                f"‖g‖² = {squared:g}.",
                _scaled(before, max_norm / squared),
            )
        )
    if norm > max_norm:
        mistakes.append(
            (
                "the factor is inverted: grads grew by ‖g‖ / max_norm; clipping multiplies by "
                "max_norm / ‖g‖ < 1, which brings the norm down to max_norm.",
                _scaled(before, norm / max_norm),
            )
        )
    elif squared > max_norm:
        mistakes.append(
            (
                f"grads was scaled although ‖g‖ = {norm:g} ≤ max_norm = {max_norm:g}: compare "
                f"the norm itself with max_norm, not its square ‖g‖² = {squared:g}, and clip "
                "only when ‖g‖ > max_norm.",
                _scaled(before, max_norm / norm),
            )
        )
    else:
        mistakes.append(
            (
                f"grads was scaled up to norm max_norm although ‖g‖ = {norm:g} ≤ max_norm = "
                f"{max_norm:g}: clip only when ‖g‖ > max_norm; below the threshold the "
                "gradient stays as it is.",
                _scaled(before, max_norm / norm),
            )
        )
    return mistakes


def _direction_hint(arrays: Grads, before: Grads, expected_norm: float) -> str:
    """Say whether the reader's clipped gradient kept g's direction, and its norm if so."""
    got = np.concatenate([np.ravel(arrays[k]) for k in _KEYS])
    old = np.concatenate([before[k].ravel() for k in _KEYS])
    scale = np.linalg.norm(got) * np.linalg.norm(old)
    if scale == 0 or not np.isclose(got @ old / scale, 1.0, rtol=0.0, atol=1e-9):
        return (
            "The clipped gradient no longer points where g did: scale every array by the "
            "same factor max_norm / ‖g‖."
        )
    return (
        f"The direction is kept, but the clipped gradient has norm "
        f"{np.linalg.norm(got):.6g}; expected {expected_norm:.6g}."
    )


def _check_returned_norm(ex: str, returned: Any, norm: float, max_norm: float) -> None:
    if returned is None:
        fail(
            ex,
            f"clip_by_norm returned nothing: return the norm ‖g‖ measured before clipping "
            f"(here {norm:g}), which the training loop logs to spot explosions.",
        )
    if isinstance(returned, Mapping):
        fail(
            ex,
            "clip_by_norm returned a dict: the arrays are clipped in place, and the function "
            "returns one number, the norm ‖g‖ measured before clipping.",
        )
    try:
        value = np.asarray(returned, dtype=float)
    except (TypeError, ValueError):
        value = None
    if value is None or value.shape != ():
        fail(ex, f"clip_by_norm should return one number, ‖g‖; got {type(returned).__name__}.")
    if np.isclose(value, norm, rtol=1e-6):
        return
    if np.isclose(value, norm**2, rtol=1e-6):
        fail(
            ex,
            f"the returned value is the squared norm ‖g‖² = {norm**2:g}: take the square root, "
            f"‖g‖ = √(Σ g²) = {norm:g}.",
        )
    if norm > max_norm and np.isclose(value, max_norm, rtol=1e-6):
        fail(
            ex,
            f"the returned norm is the one after clipping, max_norm = {max_norm:g}: return "
            f"‖g‖ measured before clipping, {norm:g}, which tells how large the gradient was.",
        )
    expect_close(ex, f"the returned norm (‖g‖ = {norm:g})", value, norm)


def check_clip_by_norm(clip_by_norm: Callable[[Grads, float], float]) -> None:
    """Check exercise 5.1: ``clip_by_norm(grads, max_norm) -> norm``.

    grads is a dict of arrays; if the global norm ‖g‖ = √(Σ over all arrays Σ g²) exceeds
    max_norm, every array is scaled in place by max_norm / ‖g‖ (the direction is kept);
    the norm measured before clipping is returned. Compared with
    :func:`rnnbook.scratch.clip_grad_norm` above and below the threshold.
    """
    from rnnbook.scratch import clip_grad_norm

    ex = "5.1"
    rng = np.random.default_rng(2051)
    for norm, max_norm in [(6.0, 2.0), (0.5, 0.8), (3.0, 5.0)]:
        grads = _random_grads(rng, 1.0, norm)
        arrays, before = dict(grads), _copy(grads)
        returned = call(ex, clip_by_norm, grads, max_norm)
        expected = _copy(before)
        clip_grad_norm(expected, max_norm)
        case = f"‖g‖ = {norm:g}, max_norm = {max_norm:g}"
        how = "g *= max_norm / norm for every array g"
        _check_in_place(
            ex, "clip_by_norm", grads, arrays, before, returned, case, how, norm > max_norm
        )
        hint = _direction_hint(arrays, before, min(norm, max_norm))
        mistakes = _norm_mistakes(before, norm, max_norm)
        _check_arrays(ex, arrays, expected, mistakes, case, hint)
        _check_returned_norm(ex, returned, norm, max_norm)
    passed(
        ex,
        "clip_by_norm scales all arrays in place by one factor when ‖g‖ > max_norm, keeps "
        "them below it, and returns ‖g‖ measured before clipping.",
    )


# --------------------------------------------------------------------------- exercise 5.2


def _value_mistakes(before: Grads, v: float) -> list[tuple[str, Grads]]:
    """Arrays left by plausible wrong value clippings, each with its diagnosis."""
    whole = (
        "whole arrays were scaled, as in clipping by norm: clipping by value clips every "
        f"entry on its own into [−{v:g}, {v:g}], np.clip(g, -v, v, out=g); entries inside "
        "the interval stay as they are."
    )
    by_norm = {k: v / max(_global_norm({k: g}), v) for k, g in before.items()}
    by_largest = {k: v / max(float(np.abs(g).max()), v) for k, g in before.items()}
    norm = _global_norm(before)
    return [
        (
            f"only the upper bound is applied: entries below −{v:g} are left as they are. "
            f"Clip into [−{v:g}, {v:g}], np.clip(g, -v, v, out=g).",
            {k: np.minimum(g, v) for k, g in before.items()},
        ),
        (
            f"the entries were clipped into [0, {v:g}], which zeroes every negative entry: "
            f"the interval is symmetric, [−{v:g}, {v:g}].",
            {k: np.clip(g, 0.0, v) for k, g in before.items()},
        ),
        (whole, _scaled(before, by_norm)),
        (whole, _scaled(before, by_largest)),
        (whole, _scaled(before, v / max(norm, v))),
    ]


def _check_uses_max_value(
    ex: str, clip_by_value: Callable[..., Any], rng: np.random.Generator
) -> None:
    """Fail if the result is the same for two thresholds: max_value is ignored.

    The probe's entries are large (scale 5), so that a fixed threshold anywhere from 0.01 to
    about 8 clips some of them. A function that changes nothing is left to the in-place checks.
    """
    grads = _random_grads(rng, 5.0)
    outputs = []
    for max_value in (0.5, 2.0):
        copy = _copy(grads)
        returned = call(ex, clip_by_value, copy, max_value)
        out = returned if isinstance(returned, Mapping) and set(_KEYS) <= set(returned) else copy
        try:
            outputs.append({k: np.asarray(out[k], dtype=float) for k in _KEYS})
        except (TypeError, ValueError):
            return  # not arrays: the checks below say what is wrong
    same = all(
        np.shape(outputs[0][k]) == np.shape(outputs[1][k])
        and np.array_equal(outputs[0][k], outputs[1][k])
        for k in _KEYS
    )
    changed = [
        np.asarray(outputs[0][k] != grads[k])
        if np.shape(outputs[0][k]) == grads[k].shape
        else np.zeros(1, dtype=bool)
        for k in _KEYS
    ]
    if not same or not any(np.any(c) for c in changed):
        return
    fixed = max(
        float(np.abs(outputs[0][k][c]).max())
        for k, c in zip(_KEYS, changed, strict=True)
        if c.any()
    )
    fail(
        ex,
        "clip_by_value ignores max_value: it gives the same result for max_value = 0.5 and "
        f"max_value = 2 (it clips at ±{fixed:g} whatever max_value is). Use the argument, "
        "np.clip(g, -max_value, max_value, out=g), not a fixed number or a default.",
    )


def check_clip_by_value(clip_by_value: Callable[[Grads, float], Any]) -> None:
    """Check exercise 5.2: ``clip_by_value(grads, max_value)``.

    Every entry of every array in the dict grads is clipped, in place, into
    [−max_value, max_value]; the return value is ignored. Compared with
    :func:`rnnbook.scratch.clip_grad_value`.
    """
    from rnnbook.scratch import clip_grad_value

    ex = "5.2"
    rng = np.random.default_rng(2052)
    _check_uses_max_value(ex, clip_by_value, rng)
    for scale, max_value in [(2.0, 1.0), (0.5, 0.25)]:
        grads = _random_grads(rng, scale)
        arrays, before = dict(grads), _copy(grads)
        returned = call(ex, clip_by_value, grads, max_value)
        expected = _copy(before)
        clip_grad_value(expected, max_value)
        case = f"max_value = {max_value:g}"
        how = "np.clip(g, -max_value, max_value, out=g) for every array g"
        _check_in_place(ex, "clip_by_value", grads, arrays, before, returned, case, how)
        _check_arrays(ex, arrays, expected, _value_mistakes(before, max_value), case)
    passed(ex, "clip_by_value clips every entry, in place, into [−max_value, max_value].")


# --------------------------------------------------------------------------- exercises 5.3, 5.4


def _sequence(
    rng: np.random.Generator, T: int, H: int, D: int = 3, gain: float = 1.2
) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """A tanh RNN run over one sequence: xs (T, 1, D), params, hs (T + 1, H), hs[0] = h_0."""
    from rnnbook.scratch import rnn_forward

    params = {
        "W_xh": rng.normal(scale=0.5, size=(H, D)),
        "W_hh": rng.normal(scale=gain / np.sqrt(H), size=(H, H)),
        "b_h": rng.normal(scale=0.2, size=(H,)),
    }
    xs, h0 = rng.normal(size=(T, 1, D)), rng.uniform(-0.5, 0.5, size=(1, H))
    states, _ = rnn_forward(xs, h0, params)
    return xs, params, np.concatenate([h0, states[:, 0]])


def _products(
    hs: np.ndarray, W: np.ndarray, derivative_at: int = 0, reverse: bool = False
) -> list[np.ndarray]:
    """P_k = J_T ⋯ J_(k+1) for k = 0, …, T, J_j = diag(1 − h_(j+derivative_at)²) W.

    ``reverse`` multiplies in the opposite order, J_(k+1) ⋯ J_T.
    """
    T, H = len(hs) - 1, hs.shape[1]
    products, P = [np.eye(H)], np.eye(H)
    for k in reversed(range(T)):
        J = (1.0 - hs[k + 1 + derivative_at] ** 2)[:, None] * W
        P = J @ P if reverse else P @ J
        products.append(P)
    return products[::-1]


def _verified_products(
    xs: np.ndarray, params: dict[str, np.ndarray], hs: np.ndarray
) -> list[np.ndarray]:
    """The products ∂h_T/∂h_k, confirmed against rnn_backward run from every h_k."""
    from rnnbook.scratch import rnn_backward, rnn_forward

    T, H = len(xs), hs.shape[1]
    products = _products(hs, params["W_hh"])
    for k in range(T):
        suffix = np.repeat(xs[k:], H, axis=1)  # H copies of the sequence, one per output
        _, cache = rnn_forward(suffix, np.repeat(hs[k][None], H, axis=0), params)
        dhs = np.zeros((T - k, H, H))
        dhs[-1] = np.eye(H)  # row i asks for the gradient of h_T[i]
        _, jacobian, _ = rnn_backward(dhs, cache)
        if not np.allclose(jacobian, products[k], atol=1e-10):
            raise RuntimeError("ch05: the reference Jacobian product disagrees with rnn_backward")
    return products


def _spectral(products: list[np.ndarray]) -> np.ndarray:
    return np.array([np.linalg.norm(P, 2) for P in products])


def _check_norms(
    ex: str,
    fn_name: str,
    got: Any,
    expected: np.ndarray,
    mistakes: list[tuple[str, np.ndarray]],
    without_last: str,
    without_first: str,
) -> None:
    """Compare the (T + 1,) norms; name a mistake whose values they equal, or a missing end."""
    T = len(expected) - 1
    if got is None:
        fail(ex, f"{fn_name} returned None: return the array of the T + 1 = {T + 1} norms.")
    got = np.asarray(got, dtype=float)
    if got.shape == (T,):
        if matches(got, expected[:-1]):
            which = without_last
        elif matches(got, expected[1:]):
            which = without_first
        else:
            which = ""
        fail(
            ex,
            f"there are T + 1 = {T + 1} norms, one for every k = 0, …, T = {T}; yours has {T}. "
            f"{which}".rstrip(),
        )
    expect_shape(ex, f"the result of {fn_name}", got, expected.shape)
    if matches(got, expected):
        return
    reversed_array = (
        f"the array is reversed: norms[k] belongs to h_k, so norms[0] is the norm for h_0, "
        f"T = {T} steps back, and norms[T] the one for h_T itself.",
        expected[::-1],
    )
    for message, candidate in [*mistakes, reversed_array]:
        if matches(got, candidate):
            fail(ex, message)
    expect_close(ex, f"norms (T={T})", got, expected)


def check_jacobian_norms(jacobian_norms: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> None:
    """Check exercise 5.3: ``jacobian_norms(hs, W_hh) -> norms``.

    hs (T + 1, H) holds the states h_0, …, h_T of one sequence of a tanh RNN,
    h_t = tanh(W_hh h_(t−1) + W_xh x_t + b_h). norms (T + 1,) holds
    norms[k] = ‖∂h_T/∂h_k‖₂, the spectral norm of J_T J_(T−1) ⋯ J_(k+1) with
    J_j = diag(1 − h_j²) W_hh, and norms[T] = 1. The products are confirmed against
    :func:`rnnbook.scratch.rnn_backward`.
    """
    ex = "5.3"
    T, H = 8, 5
    xs, params, hs = _sequence(np.random.default_rng(2053), T, H)
    W_hh = params["W_hh"]
    products = _verified_products(xs, params, hs)
    expected = _spectral(products)
    frobenius = np.array([np.linalg.norm(P) for P in products])
    frobenius_message = (
        "these are Frobenius norms (np.linalg.norm(J) without ord): ‖∂h_T/∂h_k‖₂ is the "
        "spectral norm, the largest singular value, np.linalg.norm(J, 2) — the most the "
        "product stretches a unit vector."
    )
    mistakes = [
        (frobenius_message, np.concatenate([frobenius[:-1], [1.0]])),
        (frobenius_message, frobenius),
        (
            "the product is in the reversed order, J_(k+1) ⋯ J_T: by the chain rule the last "
            "step comes first, ∂h_T/∂h_k = J_T J_(T−1) ⋯ J_(k+1); going back in time, "
            "multiply on the right, P = P @ J_(k+1).",
            _spectral(_products(hs, W_hh, reverse=True)),
        ),
        (
            "W_hh is transposed in each Jacobian: J_j = ∂h_j/∂h_(j−1) = diag(1 − h_j²) W_hh, "
            "entry (i, l) = (1 − h_j[i]²) W_hh[i, l], as in exercise 4.1.",
            _spectral(_products(hs, W_hh.T)),
        ),
        (
            "the tanh derivative is taken at h_(j−1), one step off: J_j = ∂h_j/∂h_(j−1) = "
            "diag(1 − h_j²) W_hh uses the state step j produced, hs[j].",
            _spectral(_products(hs, W_hh, derivative_at=-1)),
        ),
        (
            "the tanh derivative is missing: these are norms of powers of W_hh. Each step's "
            "Jacobian is J_j = diag(1 − h_j²) W_hh, and its factors 1 − h_j² ≤ 1 shrink the "
            "gradient further.",
            _spectral([np.linalg.matrix_power(W_hh, T - k) for k in range(T + 1)]),
        ),
    ]
    got = call(ex, jacobian_norms, hs.copy(), W_hh.copy())
    _check_norms(
        ex,
        "jacobian_norms",
        got,
        expected,
        mistakes,
        "norms[T] = 1 is missing: ∂h_T/∂h_T is the identity, whose norm is 1.",
        f"norms[0] = ‖∂h_T/∂h_0‖, the product of all T = {T} Jacobians, is missing: hs[0] is "
        "h_0, so k starts at 0.",
    )
    passed(
        ex,
        f"the spectral norms of ∂h_T/∂h_k match rnnbook.scratch.rnn_backward; from k = T to "
        f"k = 0 they go from 1 to {expected[0]:.2g}.",
    )


def _deltas(
    dhT: np.ndarray, hs: np.ndarray, W: np.ndarray, derivative_at: int = 0, tanh: bool = True
) -> np.ndarray:
    """δ_T = dhT, δ_(k−1) = W (δ_k ⊙ (1 − h_(k+derivative_at)²)); rows δ_0, …, δ_T."""
    deltas = [dhT]
    for k in range(len(hs) - 1, 0, -1):
        d = 1.0 - hs[k + derivative_at] ** 2 if tanh else 1.0
        deltas.append(W @ (deltas[-1] * d))
    return np.array(deltas[::-1])


def check_delta_norms(delta_norms: Callable[..., np.ndarray]) -> None:
    """Check exercise 5.4: ``delta_norms(dhT, hs, W_hh) -> norms``.

    dhT (H,) is ∂E/∂h_T for a loss at the last step only, hs (T + 1, H) the states as in
    5.3. norms (T + 1,) holds ‖δ_k‖ = ‖∂E/∂h_k‖ for k = 0, …, T, by the backward recursion
    δ_T = dhT, δ_(k−1) = W_hhᵀ (δ_k ⊙ (1 − h_k²)). The δ_k are confirmed equal to
    dhT (J_T ⋯ J_(k+1)), whose products are checked against
    :func:`rnnbook.scratch.rnn_backward`.
    """
    ex = "5.4"
    T, H = 8, 5
    rng = np.random.default_rng(2054)
    xs, params, hs = _sequence(rng, T, H)
    W_hh, dhT = params["W_hh"], rng.normal(size=H)
    deltas = _deltas(dhT, hs, W_hh.T)
    if not np.allclose(deltas, [dhT @ P for P in _verified_products(xs, params, hs)]):
        raise RuntimeError("ch05: the reference recursion disagrees with the Jacobian products")
    expected = np.linalg.norm(deltas, axis=1)
    mistakes = [
        (
            "the tanh derivative is missing: δ_(k−1) = W_hhᵀ (δ_k ⊙ (1 − h_k²)); the gradient "
            "passes through the tanh of step k before it reaches W_hh.",
            np.linalg.norm(_deltas(dhT, hs, W_hh.T, tanh=False), axis=1),
        ),
        (
            "W_hh is used untransposed: the gradient flows back through the transpose, "
            "δ_(k−1) = W_hhᵀ (δ_k ⊙ (1 − h_k²)), which is (delta * (1 - hs[k]**2)) @ W_hh.",
            np.linalg.norm(_deltas(dhT, hs, W_hh), axis=1),
        ),
        (
            "the tanh derivative is taken at h_(k−1), one step off: δ_k reaches h_(k−1) "
            "through step k, whose derivative is 1 − h_k², the state that step produced.",
            np.linalg.norm(_deltas(dhT, hs, W_hh.T, derivative_at=-1), axis=1),
        ),
        (
            "these are squared norms: ‖δ_k‖ = √(Σ δ_k²), np.linalg.norm(delta).",
            expected**2,
        ),
    ]
    got = call(ex, delta_norms, dhT.copy(), hs.copy(), W_hh.copy())
    _check_norms(
        ex,
        "delta_norms",
        got,
        expected,
        mistakes,
        "norms[T] = ‖dhT‖ is missing: the recursion starts from δ_T = dhT, stored at index T.",
        f"norms[0] = ‖δ_0‖ is missing: the recursion runs T = {T} steps back, down to "
        "δ_0 = ∂E/∂h_0.",
    )
    passed(
        ex,
        f"the norms ‖∂E/∂h_k‖ match dhT (J_T ⋯ J_(k+1)); going back T = {T} steps, "
        f"‖δ‖ goes from {expected[-1]:.3g} to {expected[0]:.3g}.",
    )


# --------------------------------------------------------------------------- exercise 5.6

_LIMIT = 1e-3


def _steps_below(rate: float, limit: float = _LIMIT) -> int | None:
    """The smallest d ≥ 0 with rate**d < limit; None when rate ≥ 1 (the bound never falls)."""
    if rate >= 1:
        return None
    d = max(0, int(np.floor(np.log(limit) / np.log(rate))))
    while rate**d >= limit:  # floor, then step up: exact where the quotient is an integer
        d += 1
    return d


def _as_steps(ex: str, name: str, value: Any) -> int | None:
    """The reader's number of steps as an int (None kept); other types fail with a message."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        fail(ex, f"{name} should be a whole number of steps (or None); got {value!r}.")
    if not np.isfinite(value):
        fail(ex, f"{name} is {value}: when the bound never falls below 1e-3, write None.")
    if float(value) != round(float(value)):
        fail(
            ex,
            f"{name} = {value:g} is not a whole number: the bound is checked after whole "
            "steps d = 0, 1, 2, …; give the smallest d with (γσ_max)^d < 1e-3.",
        )
    return int(round(float(value)))


def _check_steps(
    ex: str, name: str, got: int | None, gamma: float, sigma: float, wrong: dict[int | None, str]
) -> None:
    rate = gamma * sigma
    expected = _steps_below(rate)
    if got == expected:
        return
    if got in wrong:
        fail(ex, f"{name} = {got}: {wrong[got]}")
    if expected is None:
        fail(
            ex,
            f"{name} = {got}, but here γσ_max = {gamma:g} · {sigma:g} = {rate:g} ≥ 1: the "
            "bound (γσ_max)^d never shrinks, so no number of steps brings it below 1e-3. "
            "Write None. (The gradient may still vanish; the bound just does not promise it.)",
        )
    if got is None:
        fail(
            ex,
            f"{name} is None, but γσ_max = {gamma:g} · {sigma:g} = {rate:g} < 1: the bound "
            "falls geometrically and passes below 1e-3 after some number of steps.",
        )
    if got > 0 and got == expected - 1:
        fail(
            ex,
            f"{name} = {got} is one step short: (γσ_max)^{got} = {rate**got:.8f} is still "
            f"≥ 1e-3. Solve d > ln(1e-3) / ln(γσ_max) = "
            f"{np.log(_LIMIT) / np.log(rate):.4f} and round up.",
        )
    fail(
        ex,
        f"{name} = {got} is not the smallest d with (γσ_max)^d < 1e-3 for γ = {gamma:g}, "
        f"σ_max = {sigma:g}: at d = {got} the bound is {rate ** max(got, 0):.6g}. Solve "
        "d > ln(1e-3) / ln(γσ_max) (the logarithm of a number below 1 is negative: the "
        "inequality turns round when you divide by it).",
    )


def check_bound_steps(steps_a: Any, steps_b: Any, steps_c: Any, sigma_growth: Any) -> None:
    """Check exercise 5.6, the bound ‖∂h_t/∂h_k‖₂ ≤ (γσ_max)^(t−k) worked by hand.

    steps_a, steps_b, steps_c: the smallest number of steps d with (γσ_max)^d < 1e-3 for
    (a) tanh with γ = 0.8, σ_max = 1.1 (55); (b) the sigmoid, γ = 1/4, σ_max = 2 (10);
    (c) tanh units that may sit at zero, γ = 1, σ_max = 1.1 (None: the bound never falls).
    sigma_growth: for γ = 0.8, the σ_max above which the bound allows growth, 1/γ = 1.25.
    """
    ex = "5.6"
    got_a = _as_steps(ex, "steps_a", steps_a)
    got_b = _as_steps(ex, "steps_b", steps_b)
    got_c = _as_steps(ex, "steps_c", steps_c)
    gamma_only = "γ alone was used; the bound is (γσ_max)^d, with σ_max = {s:g} in the product."
    _check_steps(
        ex,
        "steps_a",
        got_a,
        0.8,
        1.1,
        {
            _steps_below(0.8): gamma_only.format(s=1.1),
            24: "the logarithms have different bases: ln(1e-3) / ln(0.88) and "
            "log10(1e-3) / log10(0.88) agree, but log10(1e-3) / ln(0.88) does not.",
            125: "the logarithms have different bases: ln(1e-3) / ln(0.88) and "
            "log10(1e-3) / log10(0.88) agree, but ln(1e-3) / log10(0.88) does not.",
        },
    )
    _check_steps(
        ex,
        "steps_b",
        got_b,
        0.25,
        2.0,
        {
            _steps_below(0.25): gamma_only.format(s=2),
            None: "the sigmoid's derivative σ(a)(1 − σ(a)) is at most 1/4 (at a = 0), not 1 "
            "like tanh's: γ = 1/4, so γσ_max = 0.5 < 1 and the bound falls.",
        },
    )
    _check_steps(
        ex,
        "steps_c",
        got_c,
        1.0,
        1.1,
        {
            _steps_below(0.88): "γ = 0.8 holds only while every unit stays off zero "
            "(|h| ≥ 0.45); a unit at zero has tanh'(0) = 1, so here γ = 1 and "
            "γσ_max = 1.1 > 1: the bound never falls. Write None.",
        },
    )
    if isinstance(sigma_growth, bool) or not isinstance(
        sigma_growth, int | float | np.integer | np.floating
    ):
        fail(ex, f"sigma_growth should be a number (a value of σ_max); got {sigma_growth!r}.")
    value = float(sigma_growth)
    if not np.isclose(value, 1.25, rtol=1e-3):
        if np.isclose(value, 1.0):
            why = (
                "σ_max > 1 is not enough when γ < 1: the bound is (γσ_max)^d, which grows "
                "only when γσ_max > 1, that is σ_max > 1/γ."
            )
        elif np.isclose(value, 0.8):
            why = "that is γ itself: γσ_max > 1 means σ_max > 1/γ, the reciprocal."
        else:
            why = "the bound (γσ_max)^d grows when γσ_max > 1: solve for σ_max with γ = 0.8."
        fail(ex, f"sigma_growth = {value:g} is not the threshold: {why}")
    passed(
        ex,
        "(a) 55 steps, (b) 10 steps, (c) never: with a unit at zero (γ = 1) and σ_max = 1.1 "
        "the bound allows growth; it allows growth exactly when σ_max > 1/γ = 1.25.",
    )


# --------------------------------------------------------------------------- exercise 5.7

SCALES = (0.5, 1.0, 2.0, 3.0)
"""The scales c of W_hh = c W that exercise 5.7 measures."""


def scaled_rnn(
    scale: float, run_seed: int, H: int = 32, D: int = 4, T: int = 30
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The network of exercise 5.7: xs (T, 1, D), params W_xh (H, D), W_hh (H, H), b_h (H,).

    W_hh = scale · W with W ~ N(0, 1/H); W_xh ~ N(0, 1/D); b_h = 0; xs ~ N(0, 1), all drawn
    in that order from ``np.random.default_rng(run_seed)``, so W and the inputs are the same
    for every scale.
    """
    if H < 1 or D < 1 or T < 1:
        raise ValueError(f"H, D and T must be positive; got H={H}, D={D}, T={T}")
    rng = np.random.default_rng(run_seed)
    W = rng.normal(scale=1 / np.sqrt(H), size=(H, H))
    W_xh = rng.normal(scale=1 / np.sqrt(D), size=(H, D))
    xs = rng.normal(size=(T, 1, D))
    return xs, {"W_xh": W_xh, "W_hh": scale * W, "b_h": np.zeros(H)}


def _scale_ratios(scale: float, run_seed: int) -> dict[str, float]:
    """‖δ_0‖ / ‖δ_T‖ for dhT = 1/√H, with the variants of plausible mistakes."""
    from rnnbook.scratch import rnn_forward

    xs, params = scaled_rnn(scale, run_seed)
    W, H = params["W_hh"], len(params["b_h"])
    states, _ = rnn_forward(xs, None, params)
    hs = np.concatenate([np.zeros((1, H)), states[:, 0]])
    dhT = np.ones(H) / np.sqrt(H)
    deltas = _deltas(dhT, hs, W.T)
    no_tanh = _deltas(dhT, hs, W.T, tanh=False)
    norms = np.linalg.norm(deltas, axis=1)
    ratio = float(norms[0] / norms[-1])
    return {
        "right": ratio,
        "inverted": 1 / ratio,
        "squared": ratio**2,
        "no tanh": float(np.linalg.norm(no_tanh[0]) / np.linalg.norm(no_tanh[-1])),
        "short": float(norms[1] / norms[-1]),
    }


_RATIO_MISTAKES = {
    "inverted": "the ratio is inverted: measure how much of the gradient reaches h_0, "
    "‖δ_0‖ / ‖δ_T‖ = norms[0] / norms[T], not norms[T] / norms[0].",
    "squared": "these are squared ratios: use the norms ‖δ_k‖ = √(Σ δ_k²), not their squares.",
    "no tanh": "the tanh derivative is missing: these ratios come from powers of W_hhᵀ alone; "
    "each step back multiplies by diag(1 − h_k²) as well (exercise 5.4).",
    "short": "the ratio is one step short, ‖δ_1‖ / ‖δ_T‖: go back all T = 30 steps, to "
    "δ_0 = ∂E/∂h_0, norms[0].",
}


def check_scale_experiment(
    ratios: Mapping[float, Any], run_seeds: Any, boundary: Any, rtol: float = 1e-3
) -> None:
    """Check exercise 5.7: the gradient ratio ‖∂E/∂h_0‖ / ‖∂E/∂h_T‖ against the scale c.

    ratios maps every scale c in :data:`SCALES` to the ratios measured on the networks
    :func:`scaled_rnn` (c, s) for each s in run_seeds, in that order, with T = 30 and
    dhT = 1/√H. The checker reruns every network (float64) and accepts the reader's values
    within ``rtol`` (1e-3, wide enough for float32). boundary is the smallest scale whose
    geometric mean ratio over the runs exceeds 1, read from the reader's own ratios.
    """
    ex = "5.7"
    if not isinstance(ratios, Mapping):
        fail(
            ex, f"ratios should be a dict {{scale: [ratio per run]}}; got {type(ratios).__name__}."
        )
    try:
        run_seeds = [int(s) for s in run_seeds]
    except (TypeError, ValueError):
        fail(ex, f"run_seeds should be a list of integer seeds; got {run_seeds!r}.")
    if not run_seeds:
        fail(
            ex, "run_seeds is empty: measure at least one run per scale (the exercise asks for 3)."
        )
    keys = {float(k): k for k in ratios}
    missing = [c for c in SCALES if c not in keys]
    if missing:
        fail(ex, f"ratios has no entry for the scale(s) {missing}: measure every c in {SCALES}.")
    measured = {}
    for c in SCALES:
        values = np.asarray(ratios[keys[c]], dtype=float).ravel()
        if values.shape != (len(run_seeds),):
            fail(
                ex,
                f"ratios[{c:g}] holds {values.size} values; expected one per run seed, "
                f"{len(run_seeds)}.",
            )
        measured[c] = values
    for c in SCALES:
        for i, s in enumerate(run_seeds):
            reference = _scale_ratios(c, s)
            got = measured[c][i]
            if np.isclose(got, reference["right"], rtol=rtol, atol=0):
                continue
            for name, message in _RATIO_MISTAKES.items():
                if np.isclose(got, reference[name], rtol=rtol, atol=0):
                    fail(ex, f"ratios[{c:g}][{i}]: {message}")
            fail(
                ex,
                f"ratios[{c:g}][{i}] = {got:.6g} does not reproduce: the network "
                f"scaled_rnn({c:g}, {s}) gives ‖δ_0‖ / ‖δ_T‖ = {reference['right']:.6g} with "
                "dhT = np.ones(H) / np.sqrt(H). Use that network, T = 30 steps, and the seeds "
                "in run_seeds in their order.",
            )
    geometric = {c: float(np.exp(np.log(measured[c]).mean())) for c in SCALES}
    expected = next((c for c in SCALES if geometric[c] > 1), None)
    if boundary is None or expected is None:
        if boundary is not expected:
            fail(ex, f"boundary should be {expected}: the geometric means are {geometric}.")
    elif not isinstance(boundary, int | float | np.integer | np.floating) or not np.isclose(
        float(boundary), expected
    ):
        means = ", ".join(f"c = {c:g}: {g:.3g}" for c, g in geometric.items())
        arithmetic = next((c for c in SCALES if measured[c].mean() > 1), None)
        hint = (
            " That is where the arithmetic mean first exceeds 1; one large run dominates it, "
            "so average the logarithms (the geometric mean)."
            if arithmetic is not None and np.isclose(float(boundary), arithmetic)
            else ""
        )
        fail(
            ex,
            f"boundary = {boundary!r}, but your own ratios put it at c = {expected:g}: "
            f"their geometric means are {means}.{hint}",
        )
    passed(
        ex,
        f"your ratios reproduce; over {len(run_seeds)} runs the geometric mean goes from "
        f"{geometric[SCALES[0]]:.1e} at c = {SCALES[0]:g} to {geometric[SCALES[-1]]:.1e} at "
        f"c = {SCALES[-1]:g}, and first exceeds 1 at c = {expected:g}.",
    )
