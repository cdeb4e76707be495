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
        (_gru_with(lecture=True), "h = z ⊙ n + (1 − z) ⊙ h_prev: this is the lecture's"),
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
