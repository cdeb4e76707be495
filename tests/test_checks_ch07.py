"""The chapter 07 checkers accept right answers and name each plausible mistake."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnnbook.checks import CheckFailed, ch07


def _expect(checker, answer, message: str) -> None:
    with pytest.raises(CheckFailed, match=re.escape(message)):
        checker(answer)


def _stub(*args, **kwargs):
    raise NotImplementedError("Exercise 7")


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


# --------------------------------------------------------------------------- 7.1


def _gru(x, h_prev, W_x, W_h, b_x, b_h, reset_after=True, *, lecture=False, reset=None,
         order="rzn", use_r=True, squash=True, b_hn="inside"):  # fmt: skip
    """A GRU step; ``reset`` ("after"/"before") overrides reset_after, the rest are mistakes."""
    H = h_prev.shape[1]
    after = reset_after if reset is None else reset == "after"
    blocks_x = dict(zip(order, np.split(x @ W_x.T + b_x, 3, axis=1), strict=True))
    blocks_h = dict(zip(order, np.split(W_h, 3), strict=True))
    bias_h = dict(zip(order, np.split(b_h, 3), strict=True))
    r = _sigmoid(blocks_x["r"] + h_prev @ blocks_h["r"].T + bias_h["r"]) if use_r else 1.0
    z = _sigmoid(blocks_x["z"] + h_prev @ blocks_h["z"].T + bias_h["z"])
    W_hn, b_hn_value = W_h[2 * H :], b_h[2 * H :]
    if after and b_hn == "inside":
        hidden = r * (h_prev @ W_hn.T + b_hn_value)
    elif after:
        hidden = r * (h_prev @ W_hn.T) + (b_hn_value if b_hn == "outside" else 0.0)
    else:
        hidden = (r * h_prev) @ W_hn.T + (0.0 if b_hn == "missing" else b_hn_value)
    pre_n = blocks_x["n"] + hidden
    n = np.tanh(pre_n) if squash else pre_n
    return z * n + (1 - z) * h_prev if lecture else (1 - z) * n + z * h_prev


def _gru_with(**mistake):
    return lambda *args, **kwargs: _gru(*args, **kwargs, **mistake)


def _gru_right_then(**mistake):
    """Right for reset_after=True, the mistake for reset_after=False."""

    def step(*args, reset_after=True):
        return _gru(*args, reset_after=reset_after, **({} if reset_after else mistake))

    return step


def test_gru_step_accepts_right_answer(capsys):
    ch07.check_gru_step(_gru)
    assert "✔ Exercise 7.1" in capsys.readouterr().out


def test_gru_step_accepts_the_package_function(capsys):
    from rnnbook.scratch import gru_step_forward

    def step(x, h_prev, W_x, W_h, b_x, b_h, reset_after=True):
        params = {"W_x": W_x, "W_h": W_h, "b_x": b_x, "b_h": b_h}
        return gru_step_forward(x, h_prev, params, reset_after)[0]

    ch07.check_gru_step(step)
    assert "✔ Exercise 7.1" in capsys.readouterr().out


def test_gru_step_stub_is_reported():
    _expect(ch07.check_gru_step, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_gru_with(lecture=True), "h = z ⊙ n + (1 − z) ⊙ h_prev: this is the other convention"),
        (_gru_with(lecture=True), "both are the same model with z flipped"),
        (_gru_with(reset="before"), "applied before W_h (to h_prev, Cho et al.'s form) although"),
        (_gru_with(reset="after"), "applied after W_h (torch's form) although reset_after=False"),
        (
            _gru_right_then(reset="after", b_hn="outside"),
            "applied after W_h (torch's form) although reset_after=False",
        ),
        (_gru_with(order="zrn"), "the gates are read in the order z, r, n"),
        (_gru_with(use_r=False), "the reset gate is not applied"),
        (_gru_with(squash=False), "tanh is missing on the candidate"),
        (_gru_with(b_hn="missing"), "b_hn, the n block of b_h (b_h[2H:]), is missing"),
        (
            _gru_right_then(b_hn="missing"),
            "is missing from the candidate: n = tanh(x_n + W_hn (r ⊙ h_prev) + b_hn).",
        ),
        (_gru_with(b_hn="outside"), "b_hn is added outside the reset gate"),
        (lambda x, h, W_x, *rest, **kw: _gru(x, h, W_x.T, *rest, **kw), "raised ValueError"),
        (lambda *a, **kw: (_gru(*a, **kw), None), "should be an array of shape (3, 4)"),
        (
            lambda *a, **kw: _gru(*a, **kw) + 1e-3,
            "h (N=3, D=2, H=4, reset_after=True) is wrong at index (0, 0)",
        ),
        (
            _gru_right_then(squash=False),
            "tanh is missing on the candidate: n = tanh(x_n + W_hn (r ⊙ h_prev) + b_hn)",
        ),
    ],
)
def test_gru_step_names_mistake(wrong, message):
    _expect(ch07.check_gru_step, wrong, message)


# --------------------------------------------------------------------------- 7.2


def _flip(W_x, W_h, b_x, b_h, *, blocks="z", weights=True, biases=True, in_place=False):
    H = W_h.shape[1]
    arrays = [W_x, W_h, b_x, b_h] if in_place else [W_x.copy(), W_h.copy(), b_x.copy(), b_h.copy()]
    for k, array in enumerate(arrays):
        if weights if k < 2 else biases:
            for block in blocks:
                start = "rzn".index(block) * H
                array[start : start + H] *= -1
    return tuple(arrays)


def _flip_with(**mistake):
    return lambda *args: _flip(*args, **mistake)


def _flip_bias_into_b_x(W_x, W_h, b_x, b_h):
    """Equivalent: all of the z bias, negated, in b_x; b_h's z entries zero."""
    W_x, W_h, b_x, b_h = _flip(W_x, W_h, b_x, b_h, biases=False)
    H = W_h.shape[1]
    b_x[H : 2 * H] = -(b_x[H : 2 * H] + b_h[H : 2 * H])
    b_h[H : 2 * H] = 0.0
    return W_x, W_h, b_x, b_h


def test_flip_update_gate_accepts_right_answer(capsys):
    ch07.check_flip_update_gate(_flip)
    assert "✔ Exercise 7.2" in capsys.readouterr().out


def test_flip_update_gate_accepts_an_equivalent_bias_split(capsys):
    ch07.check_flip_update_gate(_flip_bias_into_b_x)
    assert "✔ Exercise 7.2" in capsys.readouterr().out


def test_flip_update_gate_stub_is_reported():
    _expect(ch07.check_flip_update_gate, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_flip_with(blocks="r"), "the r block (the first third, rows :H) is negated"),
        (_flip_with(blocks="n"), "the n block (the last third, rows 2H:) is negated"),
        (_flip_with(blocks="rzn"), "every row is negated"),
        (_flip_with(biases=False), "the z rows of the weights are negated but not the biases"),
        (_flip_with(weights=False), "the z entries of the biases are negated but not the weights"),
        (_flip_with(blocks=""), "the parameters come back unchanged"),
        (_flip_with(in_place=True), "flip_update_gate changed its input W_x in place"),
        (lambda *a: _flip(*a)[:3], "return the 4 arrays (W_x_new, W_h_new, b_x_new, b_h_new)"),
        (lambda *a: np.concatenate(_flip(*a)[2:]), "return the tuple (W_x_new,"),
        (lambda *a: (_flip(*a)[0].T, *_flip(*a)[1:]), "the returned W_x has shape (3, 12)"),
        (
            lambda *a: (_flip(*a)[0] * 1.1, *_flip(*a)[1:]),
            "h of the flipped GRU (N=6, D=3, H=4, reset_after=True) is wrong",
        ),
    ],
)
def test_flip_update_gate_names_mistake(wrong, message):
    _expect(ch07.check_flip_update_gate, wrong, message)


# --------------------------------------------------------------------------- 7.3


def _peephole(x, h_prev, c_prev, W_x, W_h, b, w_ci, w_cf, w_co, *, o_cell="new",
              if_cell="old", after_sigmoid=False, peepholes=True):  # fmt: skip
    a_i, a_f, a_g, a_o = np.split(x @ W_x.T + h_prev @ W_h.T + b, 4, axis=1)
    g = np.tanh(a_g)

    def gate(a, w, cell):
        if not peepholes:
            return _sigmoid(a)
        return _sigmoid(a) + w * cell if after_sigmoid else _sigmoid(a + w * cell)

    if if_cell == "new":  # a first cell from the plain gates, then the gates peek at it
        c_first = _sigmoid(a_f) * c_prev + _sigmoid(a_i) * g
        i, f = gate(a_i, w_ci, c_first), gate(a_f, w_cf, c_first)
    else:
        i, f = gate(a_i, w_ci, c_prev), gate(a_f, w_cf, c_prev)
    c = f * c_prev + i * g
    o = gate(a_o, w_co, c if o_cell == "new" else c_prev)
    return o * np.tanh(c), c


def _peephole_with(**mistake):
    return lambda *args: _peephole(*args, **mistake)


def _peephole_as_matrices(x, h_prev, c_prev, W_x, W_h, b, w_ci, w_cf, w_co):
    a_i, a_f, a_g, a_o = np.split(x @ W_x.T + h_prev @ W_h.T + b, 4, axis=1)
    i, f = _sigmoid(a_i + c_prev @ w_ci), _sigmoid(a_f + c_prev @ w_cf)
    c = f * c_prev + i * np.tanh(a_g)
    return _sigmoid(a_o + c @ w_co) * np.tanh(c), c


def test_peephole_step_accepts_right_answer(capsys):
    ch07.check_peephole_step(_peephole)
    assert "✔ Exercise 7.3" in capsys.readouterr().out


def test_peephole_step_accepts_the_package_function(capsys):
    from rnnbook.scratch import lstm_step_forward

    def step(x, h_prev, c_prev, W_x, W_h, b, w_ci, w_cf, w_co):
        params = {"W_x": W_x, "W_h": W_h, "b": b, "w_ci": w_ci, "w_cf": w_cf, "w_co": w_co}
        return lstm_step_forward(x, h_prev, c_prev, params, peephole=True)[:2]

    ch07.check_peephole_step(step)
    assert "✔ Exercise 7.3" in capsys.readouterr().out


def test_peephole_step_stub_is_reported():
    _expect(ch07.check_peephole_step, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_peephole_with(o_cell="old"), "the output gate peeks at the old cell c_prev"),
        (_peephole_with(if_cell="new"), "the input and forget gates peek at the new cell c_t"),
        (_peephole_with(after_sigmoid=True), "the peephole terms are added after the sigmoid"),
        (_peephole_with(peepholes=False), "the peepholes are ignored: this is a plain LSTM"),
        (_peephole_as_matrices, "raised ValueError"),
        (_peephole_as_matrices, "the peephole weights w_ci, w_cf, w_co are vectors (H,)"),
        (lambda *a: _peephole(*a)[::-1], "position 0 holds c, position 1 holds h); return (h, c)"),
        (lambda *a: _peephole(*a)[0], "return the tuple (h, c); got a value of type ndarray"),
        (lambda *a: _peephole(*a)[:1], "return the 2 arrays (h, c); got 1 values."),
        (lambda *a: (_peephole(*a)[0], _peephole(*a)[1] + 1e-3), "c (N=3, D=2, H=4) is wrong"),
    ],
)
def test_peephole_step_names_mistake(wrong, message):
    _expect(ch07.check_peephole_step, wrong, message)


# --------------------------------------------------------------------------- 7.4


def _count(D, H, *, gates=3, biases=2, W_hh_inputs=None):
    rows = gates * H
    return rows * (D + (H if W_hh_inputs is None else W_hh_inputs)) + biases * rows


def _count_with(**mistake):
    return lambda D, H: _count(D, H, **mistake)


def test_gru_parameter_count_accepts_right_answer(capsys):
    ch07.check_gru_parameter_count(_count)
    assert "✔ Exercise 7.4" in capsys.readouterr().out


def test_gru_parameter_count_accepts_numpy_integers(capsys):
    ch07.check_gru_parameter_count(lambda D, H: np.int64(_count(D, H)))
    assert "✔ Exercise 7.4" in capsys.readouterr().out


def test_gru_parameter_count_stub_is_reported():
    _expect(ch07.check_gru_parameter_count, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_count_with(gates=4), "this counts 4 gates, an LSTM's count"),
        (_count_with(biases=1), "one bias vector is counted, but torch's GRU has two"),
        (_count_with(gates=2), "this counts 2 blocks: the candidate n has its own rows too"),
        (_count_with(biases=0), "the biases are left out"),
        (lambda D, H: _count(D, H, W_hh_inputs=D), "W_hh is counted as 3H·D entries"),
        (lambda D, H: float(_count(D, H)), "gru_parameter_count(10, 4) should return an int"),
        (lambda D, H: True, "should return an int, got bool"),
        (lambda D, H: _count(D, H) + 1, "gru_parameter_count(10, 4) returned 193, expected 192."),
        (
            lambda D, H: _count(D, H) if D == 10 else _count(D, H, gates=4),
            "this counts 4 gates",
        ),
    ],
)
def test_gru_parameter_count_names_mistake(wrong, message):
    _expect(ch07.check_gru_parameter_count, wrong, message)


# --------------------------------------------------------------------------- 7.6


def _backward(dhs, xs, h0, W_x, W_h, b_x, b_h, mistake=""):
    """A learner's GRU backward over a sequence (reset after the product), with ``mistake``."""
    saved, h = [], h0
    for x in xs:
        x_r, x_z, x_n = np.split(x @ W_x.T + b_x, 3, axis=1)
        g_r, g_z, g_n = np.split(h @ W_h.T + b_h, 3, axis=1)
        if mistake == "reset before":
            H = h.shape[1]
            r = _sigmoid(x_r + g_r)
            g_n = (r * h) @ W_h[2 * H :].T + b_h[2 * H :]
            pre = (x_r + g_r, x_z + g_z, x_n + g_n)
        else:
            pre = (x_r + g_r, x_z + g_z, None)
        r, z = _sigmoid(pre[0]), _sigmoid(pre[1])
        n = np.tanh(x_n + g_n) if mistake == "reset before" else np.tanh(x_n + r * g_n)
        saved.append((x, h, r, z, g_n, n, pre))
        h = z * h + (1 - z) * n
    dW_x, dW_h, db_x, db_h = (np.zeros_like(a) for a in (W_x, W_h, b_x, b_h))
    dxs, dh_next = np.zeros_like(xs), np.zeros_like(h0)
    H = h0.shape[1]
    for t in reversed(range(len(xs))):
        x, h_prev, r, z, g_n, n, pre = saved[t]
        dh = dhs[t] + dh_next
        keep, write = (1 - z, z) if mistake == "swap" else (z, 1 - z)
        da = dh * write * (1 - n**2)
        s_r, s_z = r * (1 - r), z * (1 - z)
        if mistake == "sigma on pre":
            s_r, s_z = pre[0] * (1 - pre[0]), pre[1] * (1 - pre[1])
        da_z = dh * (h_prev - n) * s_z
        if mistake == "reset before":
            d_rh = da @ W_h[2 * H :]
            da_r = d_rh * h_prev * s_r
            d_in = np.concatenate([da_r, da_z, da], axis=1)
            d_rec = np.concatenate([da_r, da_z, da], axis=1)
            dW_h += np.concatenate([d_rec[:, : 2 * H].T @ h_prev, da.T @ (r * h_prev)])
            dh_next = dh * z + d_rh * r + d_rec[:, : 2 * H] @ W_h[: 2 * H]
        else:
            da_r = 0 * da if mistake == "no r" else da * g_n * s_r
            d_in = np.concatenate([da_r, da_z, da], axis=1)
            d_rec = np.concatenate([da_r, da_z, da * r], axis=1)
            dW_h += d_rec.T @ h_prev
            dh_next = (0 if mistake == "no direct" else dh * keep) + d_rec @ W_h
        dW_x += d_in.T @ x
        db_x += d_in.sum(axis=0)
        db_h += d_rec.sum(axis=0)
        dxs[t] = d_in @ W_x
    if mistake == "mutates":
        dhs *= 1.0
        dhs[0] += 0.0 * dhs[0] + 1e-3
    return dxs, dh_next, {"W_x": dW_x, "W_h": dW_h, "b_x": db_x, "b_h": db_h}


def _backward_with(mistake):
    return lambda *args: _backward(*args, mistake=mistake)


def test_gru_backward_accepts_a_right_answer(capsys):
    ch07.check_gru_backward(_backward)
    assert "✔ Exercise 7.6" in capsys.readouterr().out


def test_gru_backward_reference_equals_the_package():
    rng = np.random.default_rng(3)
    params = ch07._random_gru_params(rng, 3, 4)
    xs, h0, dhs = rng.normal(size=(5, 2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(5, 2, 4))
    ours = ch07._gru_backward_variant(dhs, xs, h0, params)
    package = ch07._gru_package_grads(dhs, xs, h0, params)
    for name in package:
        np.testing.assert_allclose(ours[name], package[name], rtol=1e-12, atol=1e-12)


def test_gru_backward_stub_is_reported():
    _expect(ch07.check_gru_backward, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ("no direct", "the direct path is missing"),
        ("swap", "z and 1 − z are swapped in the backward pass"),
        ("reset before", "gradients of the reset applied before the product"),
        ("no r", "the path through the reset gate is missing"),
        ("sigma on pre", "σ' is computed from the pre-activation"),
        ("mutates", "gru_backward changed its input dhs in place"),
    ],
)
def test_gru_backward_names_mistake(mistake, message):
    _expect(ch07.check_gru_backward, _backward_with(mistake), message)


def test_gru_backward_names_other_mistakes():
    def no_carry(dhs, *rest):  # every step sees only its own dhs[t]
        per_step = [_backward(dhs * (np.arange(len(dhs)) == t)[:, None, None], *rest)
                    for t in range(len(dhs))]  # fmt: skip
        dxs = sum(np.where((np.arange(len(dhs)) == t)[:, None, None], p[0], 0)
                  for t, p in enumerate(per_step))  # fmt: skip
        grads = {k: sum(p[2][k] for p in per_step) for k in per_step[0][2]}
        return dxs, per_step[0][1], grads

    _expect(ch07.check_gru_backward, no_carry, "is not carried back")
    _expect(ch07.check_gru_backward, lambda *a: _backward(*a)[:2], "return the triple")
    _expect(
        ch07.check_gru_backward,
        lambda *a: (*_backward(*a)[:2], list(_backward(*a)[2].values())),
        "grads should be a dict with the keys",
    )
    _expect(
        ch07.check_gru_backward,
        lambda *a: (_backward(*a)[0][0], *_backward(*a)[1:]),
        "dxs has shape (3, 2), expected (4, 3, 2)",
    )

    def wrong_b_h(*args):
        dxs, dh0, grads = _backward(*args)
        return dxs, dh0, {**grads, "b_h": grads["b_h"] * 0.9}

    _expect(ch07.check_gru_backward, wrong_b_h, "db_h")


def _grad_check(backward, *, step=1e-5, dtype=np.float64, skip=(), T=4):
    """A learner's gradient check of ``backward`` by centred differences."""
    from rnnbook.scratch import gru_forward

    rng = np.random.default_rng(5)
    N, D, H = 2, 3, 4
    arrays = {
        "xs": rng.normal(size=(T, N, D)),
        "h0": rng.normal(size=(N, H)),
        "W_x": rng.normal(size=(3 * H, D)),
        "W_h": rng.normal(size=(3 * H, H)),
        "b_x": rng.normal(size=3 * H),
        "b_h": rng.normal(size=3 * H),
    }
    arrays = {k: v.astype(dtype) for k, v in arrays.items()}
    dhs = rng.normal(size=(T, N, H)).astype(dtype)

    def loss():
        params = {k: arrays[k] for k in ("W_x", "W_h", "b_x", "b_h")}
        return float((gru_forward(arrays["xs"], arrays["h0"], params)[0] * dhs).sum())

    dxs, dh0, grads = backward(dhs, *(a.copy() for a in arrays.values()))
    analytic = {"xs": dxs, "h0": dh0, **grads}
    errors = {}
    for name, a in arrays.items():
        numeric = np.zeros_like(a)
        for k in np.ndindex(a.shape):
            if name in skip:
                break
            saved = a[k]
            a[k] = saved + step
            up = loss()
            a[k] = saved - step
            numeric[k] = (up - loss()) / (2 * step)
            a[k] = saved
        errors[name] = float(
            np.linalg.norm(analytic[name] - numeric)
            / (np.linalg.norm(analytic[name]) + np.linalg.norm(numeric) + 1e-300)
        )
        if name in skip:
            errors[name] = 0.0
    return errors


def test_gru_gradient_check_accepts_a_right_answer(capsys):
    ch07.check_gru_gradient_check(_grad_check)
    assert "✔ Exercise 7.6 (gradient check)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda b: _grad_check(b, step=1.0), "your check rejects a correct backward pass"),
        (lambda b: _grad_check(b, dtype=np.float32), "your check rejects a correct backward"),
        (
            lambda b: _grad_check(b, T=1, skip=("h0",)),
            "passes a backward pass that forgets the direct path",
        ),
        (lambda b: _grad_check(b, skip=("b_h",)), "misses a wrong gradient of b_h"),
        (lambda b: {"xs": 0.0}, "return a dict of relative errors with the keys"),
        (lambda b: [0.0] * 6, "return a dict of relative errors"),
        (_stub, "is not implemented yet"),
    ],
)
def test_gru_gradient_check_names_mistake(answer, message):
    _expect(ch07.check_gru_gradient_check, answer, message)


# --------------------------------------------------------------------------- 7.7


def _budget(lstm, gru):
    return lambda: ch07.check_equal_budget(lstm, gru)


def test_equal_budget_accepts_right_answers(capsys):
    ch07.check_equal_budget(82_944, 150)
    ch07.check_equal_budget(82_944.0, np.int64(150))
    assert capsys.readouterr().out.count("✔ Exercise 7.7") == 2


@pytest.mark.parametrize(
    ("lstm", "gru", "message"),
    [
        (82_432, 150, "one bias vector is counted"),
        (81_920, 150, "the biases are left out"),
        (4 * 128 * 160 + 8 * 32, 150, "4H entries each, not 4D"),
        (3 * 128 * 160 + 6 * 128, 150, "that is the GRU's count for H = 128"),
        (82_945, 150, "lstm_count is 82945, expected 82944"),
        (82_944, 151, "more than the LSTM's 82,944"),
        (82_944, 160, "more than the LSTM's"),
        (82_944, 148, "a GRU with H' = 149 still fits"),
        (82_944, 150.5, "gru_hidden should be a whole number"),
        (82_944, "150", "gru_hidden should be a number"),
        (82_944, True, "gru_hidden should be a number"),
    ],
)
def test_equal_budget_names_mistake(lstm, gru, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch07.check_equal_budget(lstm, gru)


def test_equal_budget_names_the_four_thirds_rule():
    with pytest.raises(CheckFailed, match=re.escape("scaling H by 4/3")):
        ch07.check_equal_budget(82_944, 171)


# --------------------------------------------------------------------------- 7.8


def _reach(b_z, run_seed, *, dtype=None, bias_hh=False, T=50):
    import torch

    torch.manual_seed(run_seed)
    dtype = dtype or torch.float64
    gru = torch.nn.GRU(4, 16, dtype=dtype)
    with torch.no_grad():
        gru.bias_ih_l0[16:32] = b_z
        if not bias_hh:
            gru.bias_hh_l0[16:32] = 0.0
    x = torch.randn(T, 1, 4, dtype=dtype)
    h0 = torch.zeros(1, 1, 16, dtype=dtype, requires_grad=True)
    gru(x, h0)[1].sum().backward()
    return h0.grad.norm().item()


def _predicted():
    return {b: 4.0 * _sigmoid(b) ** 50 for b in (0, 2, 4)}


def _measured(fn=_reach):
    return {b: [fn(b, s) for s in (0, 1, 2)] for b in (0, 2, 4)}


def test_update_gate_experiment_accepts_a_right_answer(capsys):
    ch07.check_update_gate_experiment(_reach, _predicted(), _measured())
    assert "✔ Exercise 7.8" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("fn", "predicted", "measured", "message"),
    [
        (lambda b, s: _reach(b, s, bias_hh=True), None, None, "the protocol gives"),
        (lambda b, s: _reach(b, s, T=20), None, None, "the protocol gives"),
        (lambda b, s: _reach(-b, s), None, None, "the protocol gives"),
        (lambda b, s: None, None, None, "should return a finite number"),
        (_reach, {b: _sigmoid(b) ** 50 for b in (0, 2, 4)}, None, "That is σ(b)^T"),
        (_reach, {b: 1.0 for b in (0, 2, 4)}, None, "expected √H σ(b)^T"),
        (_reach, {0: 1.0, 2: 1.0}, None, "predicted should be a dict with the keys 0, 2, 4"),
        (_reach, None, {b: [_reach(b, 0)] * 3 for b in (0, 2, 4)}, "the same value 3 times"),
        (_reach, None, {b: [_reach(b, 0)] for b in (0, 2, 4)}, "at least 3 runs"),
        (_reach, None, {b: [1.0, 1.1, 1.2] for b in (0, 2, 4)}, "outside the range"),
        (_stub, None, None, "is not implemented yet"),
    ],
)
def test_update_gate_experiment_names_mistake(fn, predicted, measured, message):
    predicted = _predicted() if predicted is None else predicted
    measured = _measured() if measured is None else measured
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch07.check_update_gate_experiment(fn, predicted, measured)
