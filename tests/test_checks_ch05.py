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


def _fixed_threshold(threshold):
    def clip(grads, max_value):
        for g in grads.values():
            np.clip(g, -threshold, threshold, out=g)

    return clip


def _value_with_default(grads, max_value=1.0):
    for g in grads.values():
        np.clip(g, -1.0, 1.0, out=g)  # the default, whatever max_value is passed


@pytest.mark.parametrize("threshold", [1.0, 0.5, 5.0])
def test_clip_by_value_names_an_ignored_max_value(threshold):
    # before: a fixed threshold of 1 left the small-gradient case unchanged and was told to
    # clip in place, a wrong cause
    _expect(
        ch05.check_clip_by_value,
        _fixed_threshold(threshold),
        f"clip_by_value ignores max_value: it gives the same result for max_value = 0.5 and "
        f"max_value = 2 (it clips at ±{threshold:g} whatever max_value is)",
    )


def test_clip_by_value_names_an_ignored_max_value_with_a_default():
    _expect(ch05.check_clip_by_value, _value_with_default, "clip_by_value ignores max_value")


def test_clip_by_value_ignored_max_value_in_a_new_dict():
    def new_dict(grads, max_value):
        return {k: np.clip(g, -1.0, 1.0) for k, g in grads.items()}

    _expect(ch05.check_clip_by_value, new_dict, "clip_by_value ignores max_value")


def test_clip_by_value_accepts_assignment_into_the_arrays(capsys):
    def float32_safe(grads, max_value):
        for g in grads.values():
            g[...] = np.clip(g, -max_value, max_value)

    ch05.check_clip_by_value(float32_safe)
    assert "✔ Exercise 5.2" in capsys.readouterr().out


# --------------------------------------------------------------------------- 5.6


def test_bound_steps_accepts_right_answer(capsys):
    ch05.check_bound_steps(55, 10, None, 1.25)
    assert "✔ Exercise 5.6" in capsys.readouterr().out


def test_bound_steps_accepts_whole_floats_and_numpy_numbers(capsys):
    ch05.check_bound_steps(55.0, np.int64(10), None, np.float32(1.25))
    assert "✔ Exercise 5.6" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((54, 10, None, 1.25), "steps_a = 54 is one step short: (γσ_max)^54 = 0.00100476"),
        ((31, 10, None, 1.25), "steps_a = 31: γ alone was used"),
        ((24, 10, None, 1.25), "the logarithms have different bases"),
        ((125, 10, None, 1.25), "the logarithms have different bases"),
        ((None, 10, None, 1.25), "steps_a is None, but γσ_max = 0.8 · 1.1 = 0.88 < 1"),
        ((-54, 10, None, 1.25), "the inequality turns round"),
        ((54.04, 10, None, 1.25), "steps_a = 54.04 is not a whole number"),
        (("55", 10, None, 1.25), "steps_a should be a whole number of steps (or None)"),
        ((55, 9, None, 1.25), "steps_b = 9 is one step short"),
        ((55, 5, None, 1.25), "steps_b = 5: γ alone was used"),
        ((55, None, None, 1.25), "the sigmoid's derivative σ(a)(1 − σ(a)) is at most 1/4"),
        ((55, 10, 55, 1.25), "a unit at zero has tanh'(0) = 1"),
        ((55, 10, 73, 1.25), "steps_c = 73, but here γσ_max = 1 · 1.1 = 1.1 ≥ 1"),
        ((55, 10, float("inf"), 1.25), "steps_c is inf: when the bound never falls"),
        ((55, 10, None, 1.0), "σ_max > 1 is not enough when γ < 1"),
        ((55, 10, None, 0.8), "that is γ itself"),
        ((55, 10, None, 1.1), "sigma_growth = 1.1 is not the threshold"),
        ((55, 10, None, "1.25"), "sigma_growth should be a number"),
    ],
)
def test_bound_steps_names_mistake(answer, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch05.check_bound_steps(*answer)


# --------------------------------------------------------------------------- 5.7

_RUNS = [3, 4, 5]


def _ratio(scale, run_seed, *, tanh=True, squared=False, inverted=False, steps=30):
    xs, params = ch05.scaled_rnn(scale, run_seed)
    from rnnbook.scratch import rnn_forward

    H = params["W_hh"].shape[0]
    states, _ = rnn_forward(xs, None, params)
    hs = np.concatenate([np.zeros((1, H)), states[:, 0]])
    delta = np.ones(H) / np.sqrt(H)
    first = np.linalg.norm(delta)
    for k in range(len(hs) - 1, len(hs) - 1 - steps, -1):
        delta = params["W_hh"].T @ (delta * (1 - hs[k] ** 2 if tanh else 1.0))
    ratio = np.linalg.norm(delta) / first
    ratio = ratio**2 if squared else ratio
    return 1 / ratio if inverted else ratio


def _ratios(**mistake):
    return {c: [_ratio(c, s, **mistake) for s in _RUNS] for c in ch05.SCALES}


def _boundary(ratios):
    return next(c for c in ch05.SCALES if np.exp(np.log(ratios[c]).mean()) > 1)


def test_scale_experiment_accepts_right_answer(capsys):
    ratios = _ratios()
    ch05.check_scale_experiment(ratios, _RUNS, _boundary(ratios))
    assert "✔ Exercise 5.7: your ratios reproduce" in capsys.readouterr().out


def test_scale_experiment_accepts_float32_and_arrays(capsys):
    ratios = {c: np.asarray(v, dtype=np.float32) for c, v in _ratios().items()}
    ch05.check_scale_experiment(ratios, np.array(_RUNS), _boundary(_ratios()))
    assert "✔ Exercise 5.7" in capsys.readouterr().out


def test_scale_experiment_scaled_rnn_shares_w_across_scales():
    xs_a, a = ch05.scaled_rnn(1.0, 7)
    xs_b, b = ch05.scaled_rnn(2.0, 7)
    np.testing.assert_array_equal(xs_a, xs_b)
    np.testing.assert_allclose(2 * a["W_hh"], b["W_hh"])
    assert xs_a.shape == (30, 1, 4) and a["W_xh"].shape == (32, 4)
    with pytest.raises(ValueError, match="must be positive"):
        ch05.scaled_rnn(1.0, 7, H=0)


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ({"inverted": True}, "the ratio is inverted"),
        ({"squared": True}, "these are squared ratios"),
        ({"tanh": False}, "the tanh derivative is missing"),
        ({"steps": 29}, "the ratio is one step short"),
    ],
)
def test_scale_experiment_names_mistake(mistake, message):
    ratios = _ratios(**mistake)
    _expect(lambda r: ch05.check_scale_experiment(r, _RUNS, 2.0), ratios, message)


def test_scale_experiment_names_unreproducible_runs():
    ratios = _ratios()
    # the right measurement, but labelled with other seeds than the ones run
    _expect(
        lambda r: ch05.check_scale_experiment(r, [0, 1, 2], _boundary(r)),
        ratios,
        "does not reproduce: the network scaled_rnn(0.5, 0) gives",
    )


@pytest.mark.parametrize(
    ("ratios", "message"),
    [
        ([1.0, 2.0], "ratios should be a dict"),
        ({0.5: [1, 1, 1], 1.0: [1, 1, 1]}, "ratios has no entry for the scale(s) [2.0, 3.0]"),
        ({c: [1.0, 1.0] for c in ch05.SCALES}, "ratios[0.5] holds 2 values; expected one per"),
    ],
)
def test_scale_experiment_names_a_malformed_answer(ratios, message):
    _expect(lambda r: ch05.check_scale_experiment(r, _RUNS, 2.0), ratios, message)


def test_scale_experiment_names_a_wrong_boundary():
    ratios = _ratios()
    right = _boundary(ratios)
    wrong = 3.0 if right != 3.0 else 2.0
    _expect(
        lambda r: ch05.check_scale_experiment(r, _RUNS, wrong),
        ratios,
        f"but your own ratios put it at c = {right:g}: their geometric means are",
    )


def test_scale_experiment_boundary_from_the_arithmetic_mean_gets_a_hint():
    # seeds 5, 6, 7: one large run lifts the arithmetic mean at c = 2 above 1, the
    # geometric mean stays below it
    runs = [5, 6, 7]
    ratios = {c: [_ratio(c, s) for s in runs] for c in ch05.SCALES}
    assert np.mean(ratios[2.0]) > 1 > np.exp(np.log(ratios[2.0]).mean())
    _expect(
        lambda r: ch05.check_scale_experiment(r, runs, 2.0),
        ratios,
        "That is where the arithmetic mean first exceeds 1",
    )
