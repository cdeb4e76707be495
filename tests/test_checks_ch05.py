"""The chapter 05 checkers accept right answers and name each plausible mistake."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnnbook.checks import CheckFailed, ch05


def _expect(checker, answer, message: str) -> None:
    with pytest.raises(CheckFailed, match=re.escape(message)):
        checker(answer)


def _stub(*args, **kwargs):
    raise NotImplementedError("Exercise 5")


def _norm(grads):
    return float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))


# --------------------------------------------------------------------------- 5.1


def _clip_norm(grads, max_norm):
    norm = _norm(grads)
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm


def _per_array(grads, max_norm):
    norm = _norm(grads)
    for g in grads.values():
        own = np.sqrt(np.sum(g**2))
        if own > max_norm:
            g *= max_norm / own
    return norm


def _always(grads, max_norm):
    norm = _norm(grads)
    for g in grads.values():
        g *= max_norm / norm
    return norm


def _squared_compared(grads, max_norm):
    squared = _norm(grads) ** 2
    if squared > max_norm:
        for g in grads.values():
            g *= max_norm / np.sqrt(squared)
    return np.sqrt(squared)


def _squared_throughout(grads, max_norm):
    squared = _norm(grads) ** 2
    if squared > max_norm:
        for g in grads.values():
            g *= max_norm / squared
    return squared


def _inverted(grads, max_norm):
    norm = _norm(grads)
    if norm > max_norm:
        for g in grads.values():
            g *= norm / max_norm
    return norm


def _norm_after(grads, max_norm):
    _clip_norm(grads, max_norm)
    return _norm(grads)


def _new_dict(grads, max_norm):
    norm = _norm(grads)
    return {k: g * min(1.0, max_norm / norm) for k, g in grads.items()}


def _reassigned(grads, max_norm):
    norm = _norm(grads)
    if norm > max_norm:
        for k in grads:
            grads[k] = grads[k] * max_norm / norm
    return norm


def _rebound(grads, max_norm):
    norm = _norm(grads)
    if norm > max_norm:
        for g in grads.values():
            g = g * max_norm / norm  # rebinds g: the mistake under test
    return norm


def _nothing(grads, max_norm):
    _clip_norm(grads, max_norm)


def _clipped_dict(grads, max_norm):
    _clip_norm(grads, max_norm)
    return grads


def _by_value_for_norm(grads, max_norm):
    norm = _norm(grads)
    if norm > max_norm:
        for g in grads.values():
            np.clip(g, -max_norm, max_norm, out=g)
    return norm


def _halved(grads, max_norm):
    norm = _norm(grads)
    if norm > max_norm:
        for g in grads.values():
            g *= 0.5 * max_norm / norm
    return norm


def test_clip_by_norm_accepts_right_answer(capsys):
    ch05.check_clip_by_norm(_clip_norm)
    assert "✔ Exercise 5.1" in capsys.readouterr().out


def test_clip_by_norm_accepts_the_package_function(capsys):
    from rnnbook.scratch import clip_grad_norm

    ch05.check_clip_by_norm(clip_grad_norm)
    assert "✔ Exercise 5.1" in capsys.readouterr().out


def test_clip_by_norm_stub_is_reported():
    _expect(ch05.check_clip_by_norm, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_per_array, "each array was clipped by its own norm"),
        (_always, "grads was scaled up to norm max_norm although ‖g‖ = 0.5 ≤ max_norm = 0.8"),
        (_squared_compared, "not its square ‖g‖² = 9"),
        (_squared_throughout, "grads was scaled by max_norm / ‖g‖²"),
        (_inverted, "the factor is inverted"),
        (_norm_after, "the returned norm is the one after clipping, max_norm = 2"),
        (lambda g, m: _clip_norm(g, m) ** 2, "the returned value is the squared norm ‖g‖² = 36"),
        (_nothing, "clip_by_norm returned nothing"),
        (_clipped_dict, "clip_by_norm returned a dict"),
        (lambda g, m: (_clip_norm(g, m), g), "should return one number"),
        (_new_dict, "you returned a new dict and grads is unchanged"),
        (_rebound, "grads is unchanged after clip_by_norm (‖g‖ = 6, max_norm = 2)"),
        (_reassigned, 'grads["W_xh"] is a new array after clip_by_norm'),
        (_by_value_for_norm, "no longer points where g did"),
        (_halved, "The direction is kept, but the clipped gradient has norm 1; expected 2."),
        (lambda g, m: _clip_norm(g, m) + 1e-3, "the returned norm (‖g‖ = 6) is wrong"),
    ],
)
def test_clip_by_norm_names_mistake(wrong, message):
    _expect(ch05.check_clip_by_norm, wrong, message)


# --------------------------------------------------------------------------- 5.2


def _clip_value(grads, max_value):
    for g in grads.values():
        np.clip(g, -max_value, max_value, out=g)


def _upper_only(grads, max_value):
    for g in grads.values():
        np.minimum(g, max_value, out=g)


def _non_negative(grads, max_value):
    for g in grads.values():
        np.clip(g, 0.0, max_value, out=g)


def _scaled_by_own_norm(grads, max_value):
    for g in grads.values():
        g *= max_value / max(np.sqrt(np.sum(g**2)), max_value)


def _scaled_by_largest(grads, max_value):
    for g in grads.values():
        g *= max_value / max(np.abs(g).max(), max_value)


def _scaled_by_global_norm(grads, max_value):
    _clip_norm(grads, max_value)


def _value_new_dict(grads, max_value):
    return {k: np.clip(g, -max_value, max_value) for k, g in grads.items()}


def _value_reassigned(grads, max_value):
    for k in grads:
        grads[k] = np.clip(grads[k], -max_value, max_value)


def _value_too_wide(grads, max_value):
    _clip_value(grads, 2 * max_value)


def test_clip_by_value_accepts_right_answer(capsys):
    ch05.check_clip_by_value(_clip_value)
    assert "✔ Exercise 5.2" in capsys.readouterr().out


def test_clip_by_value_ignores_the_return_value(capsys):
    ch05.check_clip_by_value(lambda g, v: (_clip_value(g, v), g)[1])
    assert "✔ Exercise 5.2" in capsys.readouterr().out


def test_clip_by_value_stub_is_reported():
    _expect(ch05.check_clip_by_value, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_upper_only, "only the upper bound is applied: entries below −1 are left"),
        (_non_negative, "the entries were clipped into [0, 1]"),
        (_scaled_by_own_norm, "whole arrays were scaled, as in clipping by norm"),
        (_scaled_by_largest, "whole arrays were scaled, as in clipping by norm"),
        (_scaled_by_global_norm, "whole arrays were scaled, as in clipping by norm"),
        (_value_new_dict, "you returned a new dict and grads is unchanged after clip_by_value"),
        (lambda g, v: None, "grads is unchanged after clip_by_value (max_value = 1)"),
        (_value_reassigned, 'grads["W_xh"] is a new array after clip_by_value'),
        (_value_too_wide, 'grads["W_xh"] (max_value = 1) is wrong'),
    ],
)
def test_clip_by_value_names_mistake(wrong, message):
    _expect(ch05.check_clip_by_value, wrong, message)


# --------------------------------------------------------------------------- 5.3


def _jacobian_norms(hs, W_hh, *, ord=2, reverse=False, transpose=False, shift=0, tanh=True):
    T, H = len(hs) - 1, hs.shape[1]
    W = W_hh.T if transpose else W_hh
    P = np.eye(H)
    norms = [np.linalg.norm(P, ord)]
    for k in reversed(range(T)):
        d = 1 - hs[k + 1 + shift] ** 2 if tanh else np.ones(H)
        J = np.diag(d) @ W
        P = J @ P if reverse else P @ J
        norms.append(np.linalg.norm(P, ord))
    return np.array(norms[::-1])


def _jacobian_norms_with(**mistake):
    return lambda hs, W_hh: _jacobian_norms(hs, W_hh, **mistake)


def _frobenius_one_at_T(hs, W_hh):
    norms = _jacobian_norms(hs, W_hh, ord="fro")
    norms[-1] = 1.0
    return norms


def test_jacobian_norms_accepts_right_answer(capsys):
    ch05.check_jacobian_norms(_jacobian_norms)
    out = capsys.readouterr().out
    assert "✔ Exercise 5.3" in out
    assert "from k = T to k = 0 they go from 1 to" in out


def test_jacobian_norms_stub_is_reported():
    _expect(ch05.check_jacobian_norms, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_jacobian_norms_with(ord="fro"), "these are Frobenius norms"),
        (_frobenius_one_at_T, "these are Frobenius norms"),
        (_jacobian_norms_with(reverse=True), "the product is in the reversed order"),
        (_jacobian_norms_with(transpose=True), "W_hh is transposed in each Jacobian"),
        (_jacobian_norms_with(shift=-1), "the tanh derivative is taken at h_(j−1)"),
        (_jacobian_norms_with(tanh=False), "these are norms of powers of W_hh"),
        (lambda hs, W: _jacobian_norms(hs, W)[::-1], "the array is reversed"),
        (lambda hs, W: _jacobian_norms(hs, W)[:-1], "yours has 8. norms[T] = 1 is missing"),
        (lambda hs, W: _jacobian_norms(hs, W)[1:], "yours has 8. norms[0] = ‖∂h_T/∂h_0‖"),
        (lambda hs, W: np.ones(8), "one for every k = 0, …, T = 8; yours has 8."),
        (lambda hs, W: None, "jacobian_norms returned None"),
        (lambda hs, W: _jacobian_norms(hs, W)[:, None], "has shape (9, 1), expected (9,)"),
        (lambda hs, W: _jacobian_norms(hs, W) + 1e-3, "norms (T=8) is wrong at index (0,)"),
    ],
)
def test_jacobian_norms_names_mistake(wrong, message):
    _expect(ch05.check_jacobian_norms, wrong, message)


# --------------------------------------------------------------------------- 5.4


def _delta_norms(dhT, hs, W_hh, *, tanh=True, transpose=True, shift=0):
    delta = dhT
    norms = [np.linalg.norm(delta)]
    for k in range(len(hs) - 1, 0, -1):
        d = 1 - hs[k + shift] ** 2 if tanh else 1.0
        delta = (W_hh.T if transpose else W_hh) @ (delta * d)
        norms.append(np.linalg.norm(delta))
    return np.array(norms[::-1])


def _delta_norms_with(**mistake):
    return lambda dhT, hs, W_hh: _delta_norms(dhT, hs, W_hh, **mistake)


def _delta_norms_by_rows(dhT, hs, W_hh):
    deltas = [dhT]
    for k in range(len(hs) - 1, 0, -1):
        deltas.append((deltas[-1] * (1 - hs[k] ** 2)) @ W_hh)
    return np.linalg.norm(np.array(deltas[::-1]), axis=1)


def test_delta_norms_accepts_right_answer(capsys):
    ch05.check_delta_norms(_delta_norms)
    out = capsys.readouterr().out
    assert "✔ Exercise 5.4" in out
    assert "going back T = 8 steps" in out


def test_delta_norms_accepts_the_row_form(capsys):
    ch05.check_delta_norms(_delta_norms_by_rows)
    assert "✔ Exercise 5.4" in capsys.readouterr().out


def test_delta_norms_stub_is_reported():
    _expect(ch05.check_delta_norms, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_delta_norms_with(tanh=False), "the tanh derivative is missing"),
        (_delta_norms_with(transpose=False), "W_hh is used untransposed"),
        (_delta_norms_with(shift=-1), "the tanh derivative is taken at h_(k−1)"),
        (lambda *a: _delta_norms(*a)[::-1], "the array is reversed"),
        (lambda *a: _delta_norms(*a) ** 2, "these are squared norms"),
        (lambda *a: _delta_norms(*a)[:-1], "yours has 8. norms[T] = ‖dhT‖ is missing"),
        (lambda *a: _delta_norms(*a)[1:], "yours has 8. norms[0] = ‖δ_0‖ is missing"),
        (lambda *a: None, "delta_norms returned None"),
        (lambda *a: _delta_norms(*a) * 1.01, "norms (T=8) is wrong"),
    ],
)
def test_delta_norms_names_mistake(wrong, message):
    _expect(ch05.check_delta_norms, wrong, message)
