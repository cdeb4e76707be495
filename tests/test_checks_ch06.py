"""The chapter 06 checkers accept right answers and name each plausible mistake."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnnbook.checks import CheckFailed, ch06


def _expect(checker, answer, message: str) -> None:
    with pytest.raises(CheckFailed, match=re.escape(message)):
        checker(answer)


def _stub(*args, **kwargs):
    raise NotImplementedError("Exercise 6")


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


# --------------------------------------------------------------------------- 6.1


def _gates(a, *, order="ifgo", acts="ssts", axis=1):
    """Gates from a read in ``order``; ``acts`` gives i, f, g, o's activations (s or t)."""
    blocks = dict(zip(order, np.split(a, 4, axis=axis), strict=True))
    act = {"s": _sigmoid, "t": np.tanh}
    return tuple(act[acts[n]](blocks[k]) for n, k in enumerate("ifgo"))


def _gates_with(**mistake):
    return lambda a: _gates(a, **mistake)


def _gates_by_slices(a):
    H = a.shape[1] // 4
    i, f, g, o = (a[:, k * H : (k + 1) * H] for k in range(4))
    return _sigmoid(i), _sigmoid(f), np.tanh(g), _sigmoid(o)


def test_lstm_gates_accepts_right_answer(capsys):
    ch06.check_lstm_gates(_gates)
    assert "✔ Exercise 6.1" in capsys.readouterr().out


def test_lstm_gates_accepts_slices(capsys):
    ch06.check_lstm_gates(_gates_by_slices)
    assert "✔ Exercise 6.1" in capsys.readouterr().out


def test_lstm_gates_stub_is_reported():
    _expect(ch06.check_lstm_gates, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_gates_with(order="ifog"), "the blocks are read in the order i, f, o, g"),
        (_gates_with(order="figo"), "the blocks are read in the order f, i, g, o"),
        (_gates_with(acts="tttt"), "tanh is applied to every block"),
        (_gates_with(acts="ssss"), "σ is applied to every block"),
        (_gates_with(acts="ssst"), "the activations of g and o are swapped"),
        (_gates_with(axis=0), "the gates have shape (1, 12), expected (4, 3): a was split along"),
        (lambda a: _gates(a)[::-1], "position 0 holds o"),
        (lambda a: _gates(a)[:3], "return the 4 arrays (i, f, g, o); got 3 values."),
        (lambda a: np.stack(_gates(a)), "return the tuple (i, f, g, o); got a value of type"),
        (lambda a: tuple(v * 1.01 for v in _gates(a)), "i (N=4, H=3) is wrong at index (0, 0)"),
    ],
)
def test_lstm_gates_names_mistake(wrong, message):
    _expect(ch06.check_lstm_gates, wrong, message)


# --------------------------------------------------------------------------- 6.2


def _step(x, h_prev, c_prev, W_x, W_h, b, *, forget=True, swap_if=False, squash_c=True,
          old_c=False, g_act=np.tanh, bias=True):  # fmt: skip
    a = x @ W_x.T + h_prev @ W_h.T + (b if bias else 0.0)
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    i, f, g, o = _sigmoid(a_i), _sigmoid(a_f), g_act(a_g), _sigmoid(a_o)
    if swap_if:
        i, f = f, i
    c = (f if forget else 1.0) * c_prev + i * g
    read = c_prev if old_c else c
    h = o * (np.tanh(read) if squash_c else read)
    return h, c


def _step_with(**mistake):
    return lambda *args: _step(*args, **mistake)


def test_lstm_step_accepts_right_answer(capsys):
    ch06.check_lstm_step(_step)
    assert "✔ Exercise 6.2" in capsys.readouterr().out


def test_lstm_step_accepts_the_package_function(capsys):
    from rnnbook.scratch import lstm_step_forward

    def step(x, h_prev, c_prev, W_x, W_h, b):
        return lstm_step_forward(x, h_prev, c_prev, {"W_x": W_x, "W_h": W_h, "b": b})[:2]

    ch06.check_lstm_step(step)
    assert "✔ Exercise 6.2" in capsys.readouterr().out


def test_lstm_step_stub_is_reported():
    _expect(ch06.check_lstm_step, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_step_with(forget=False), "the forget gate is missing: c = c_prev + i ⊙ g"),
        (_step_with(swap_if=True), "f and i are swapped"),
        (_step_with(squash_c=False), "h = o ⊙ c: the cell goes through tanh"),
        (_step_with(old_c=True), "h is computed from the old cell c_prev"),
        (_step_with(g_act=_sigmoid), "the candidate g goes through σ"),
        (_step_with(bias=False), "the bias is missing"),
        (lambda *a: _step(*a)[::-1], "position 0 holds c, position 1 holds h); return (h, c)"),
        (lambda *a: _step(*a)[0], "return the tuple (h, c); got a value of type ndarray"),
        (lambda x, h, c, W_x, W_h, b: _step(x.T, h, c, W_x.T, W_h, b), "raised ValueError"),
        (lambda *a: (_step(*a)[0], _step(*a)[1] + 1e-3), "c (N=3, D=2, H=4) is wrong"),
    ],
)
def test_lstm_step_names_mistake(wrong, message):
    _expect(ch06.check_lstm_step, wrong, message)


# --------------------------------------------------------------------------- 6.3


def _cell_backward(dh, dc, c_prev, i, f, g, o, c, *, path=True, forget=True,
                   d_sigmoid=lambda s: s * (1 - s), d_tanh=True, o_from_c=False,
                   order="ifgo"):  # fmt: skip
    tanh_c = np.tanh(c)
    dc_total = dc + dh * o * (1 - tanh_c**2) if path else dc
    grads = {
        "i": dc_total * g * d_sigmoid(i),
        "f": dc_total * c_prev * d_sigmoid(f),
        "g": dc_total * i * ((1 - g**2) if d_tanh else 1.0),
        "o": dh * (c if o_from_c else tanh_c) * d_sigmoid(o),
    }
    da = np.concatenate([grads[k] for k in order], axis=1)
    return da, dc_total * f if forget else dc_total


def _cell_backward_with(**mistake):
    return lambda *args: _cell_backward(*args, **mistake)


def _path_in_da_only(dh, dc, c_prev, i, f, g, o, c):
    da, _ = _cell_backward(dh, dc, c_prev, i, f, g, o, c)
    return da, dc * f


def test_lstm_cell_backward_accepts_right_answer(capsys):
    ch06.check_lstm_cell_backward(_cell_backward)
    assert "✔ Exercise 6.3" in capsys.readouterr().out


def test_lstm_cell_backward_stub_is_reported():
    _expect(ch06.check_lstm_cell_backward, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_cell_backward_with(path=False), "the path through h is missing"),
        (_path_in_da_only, "the path through h is missing"),
        (_cell_backward_with(forget=False), "dc_prev = dc_total: the old cell enters"),
        (_cell_backward_with(d_sigmoid=lambda s: s * (1 + s)), "σ' is written σ(1 + σ)"),
        (_cell_backward_with(d_sigmoid=lambda s: 1.0), "the derivative of σ is missing"),
        (_cell_backward_with(d_tanh=False), "the derivative of tanh is missing in the g block"),
        (_cell_backward_with(o_from_c=True), "the o block uses c instead of tanh c"),
        (_cell_backward_with(order="figo"), "the blocks of da are stacked f, i, g, o"),
        (_cell_backward_with(order="ifog"), "the blocks of da are stacked i, f, o, g"),
        (
            lambda *a: _cell_backward(*a)[::-1],
            "position 0 holds dc_prev, position 1 holds da); return (da, dc_prev)",
        ),
        (lambda *a: _cell_backward(*a)[:1], "return the 2 arrays (da, dc_prev); got 1 values."),
        (lambda *a: (_cell_backward(*a)[0] * 1.01, _cell_backward(*a)[1]), "da (N=3, H=4)"),
    ],
)
def test_lstm_cell_backward_names_mistake(wrong, message):
    _expect(ch06.check_lstm_cell_backward, wrong, message)


# --------------------------------------------------------------------------- 6.4


def _count(D, H, two_biases=True, *, gates=4, biases=None, W_hh_inputs=None):
    biases = (2 if two_biases else 1) if biases is None else biases
    rows = gates * H
    return rows * (D + (H if W_hh_inputs is None else W_hh_inputs)) + biases * rows


def _count_with(**mistake):
    return lambda D, H, two_biases=True: _count(D, H, two_biases, **mistake)


def _w_hh_as_hd(D, H, two_biases=True):
    return _count(D, H, two_biases, W_hh_inputs=D)


def _numpy_count(D, H, two_biases=True):
    return np.int64(_count(D, H, two_biases))


def test_lstm_parameter_count_accepts_right_answer(capsys):
    ch06.check_lstm_parameter_count(_count)
    assert "✔ Exercise 6.4" in capsys.readouterr().out


def test_lstm_parameter_count_accepts_numpy_integers(capsys):
    ch06.check_lstm_parameter_count(_numpy_count)
    assert "✔ Exercise 6.4" in capsys.readouterr().out


def test_lstm_parameter_count_stub_is_reported():
    _expect(ch06.check_lstm_parameter_count, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_count_with(gates=1), "the factor 4 is missing: this is a vanilla RNN's count"),
        (_count_with(biases=1), "one bias vector is counted, but torch's LSTM has two"),
        (_count_with(biases=2), "two bias vectors are counted although two_biases=False"),
        (lambda D, H, two_biases=True: _count(D, H, not two_biases), "one bias vector"),
        (_w_hh_as_hd, "W_hh is counted as 4H·D entries, as if it were (4H, D)"),
        (_count_with(biases=0), "the biases are left out"),
        (_count_with(gates=3), "this counts 3 gates, a GRU's count"),
        (lambda D, H, two_biases=True: float(_count(D, H, two_biases)), "should return an int"),
        (lambda D, H, two_biases=True: _count(D, H, two_biases) + 1, "returned 337, expected 336"),
    ],
)
def test_lstm_parameter_count_names_mistake(wrong, message):
    _expect(ch06.check_lstm_parameter_count, wrong, message)
