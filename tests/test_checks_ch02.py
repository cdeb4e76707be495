"""The chapter 02 checkers accept right answers and name each plausible mistake."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnnbook.checks import CheckFailed, ch02
from rnnbook.scratch import activations as act


def _expect(checker, answer, message: str) -> None:
    with pytest.raises(CheckFailed, match=re.escape(message)):
        checker(answer)


# --------------------------------------------------------------------------- 2.1


def _step(x, h_prev, p):
    return np.tanh(h_prev @ p["W_hh"].T + x @ p["W_xh"].T + p["b_h"])


def test_step_accepts_right_answer(capsys):
    ch02.check_rnn_step_forward(_step)
    assert "✔ Exercise 2.1" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda x, h, p: np.tanh(h @ p["W_hh"].T + x @ p["W_xh"].T), "b_h is missing"),
        (
            lambda x, h, p: np.tanh(h @ p["W_hh"].T + x @ p["W_xh"].T) + p["b_h"],
            "b_h is added after the tanh",
        ),
        (
            lambda x, h, p: np.tanh(h @ p["W_hh"] + x @ p["W_xh"] + p["b_h"]),
            "both weights are transposed",
        ),
        (
            lambda x, h, p: act.sigmoid(h @ p["W_hh"].T + x @ p["W_xh"].T + p["b_h"]),
            "you used the sigmoid",
        ),
        (
            lambda x, h, p: np.maximum(h @ p["W_hh"].T + x @ p["W_xh"].T + p["b_h"], 0),
            "you used ReLU",
        ),
        (lambda x, h, p: h @ p["W_hh"].T + x @ p["W_xh"].T + p["b_h"], "no activation"),
        (lambda x, h, p: np.tanh(h @ p["W_hh"] + x @ p["W_xh"].T + p["b_h"]), "W_hh is transposed"),
        (lambda x, h, p: np.tanh(h @ p["W_hh"].T + x @ p["W_xh"] + p["b_h"]), "W_xh is transposed"),
        (
            lambda x, h, p: np.tanh(x @ p["W_hh"].T + h @ p["W_xh"].T + p["b_h"]),
            "W_hh and W_xh are swapped",
        ),
        (lambda x, h, p: (_step(x, h, p), None), "not a tuple"),
        (lambda x, h, p: _step(x, h, p) + 1e-3, "h for N=3, D=4, H=4 is wrong"),
    ],
)
def test_step_names_mistake(wrong, message):
    _expect(ch02.check_rnn_step_forward, wrong, message)


def test_step_stub_is_reported():
    def stub(x, h, p):
        raise NotImplementedError("Exercise 2.1")

    _expect(ch02.check_rnn_step_forward, stub, "is not implemented yet")


# --------------------------------------------------------------------------- 2.2


def _forward(xs, h0, p):
    h, hs = h0, []
    for x in xs:
        h = _step(x, h, p)
        hs.append(h)
    return np.stack(hs)


def test_forward_accepts_right_answer(capsys):
    ch02.check_rnn_forward(_forward)
    assert "✔ Exercise 2.2" in capsys.readouterr().out


def _stale(xs, h0, p):
    return np.stack([_step(x, h0, p) for x in xs])


def _shifted(xs, h0, p):
    h, hs = h0, []
    for x in xs:
        hs.append(h)
        h = _step(x, h, p)
    return np.stack(hs)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_stale, "the state is not carried forward"),
        (_shifted, "off by one in time"),
        (lambda xs, h0, p: _forward(xs, h0, p).transpose(1, 0, 2), "batch-first (N, T, H)"),
        (lambda xs, h0, p: _forward(xs, h0, p)[-1], "you returned one state"),
        (
            lambda xs, h0, p: np.concatenate([h0[None], _forward(xs, h0, p)]),
            "includes the initial state h_0",
        ),
        (lambda xs, h0, p: (_forward(xs, h0, p), None), "not a tuple"),
    ],
)
def test_forward_names_mistake(wrong, message):
    _expect(ch02.check_rnn_forward, wrong, message)


# --------------------------------------------------------------------------- 2.3

RIGHT_GRADS = {
    "sigmoid_grad": lambda z: act.sigmoid(z) * (1 - act.sigmoid(z)),
    "tanh_grad": lambda z: 1 - np.tanh(z) ** 2,
    "relu_grad": lambda z: (z > 0).astype(float),
    "leaky_relu_grad": lambda z: np.where(z > 0, 1.0, 0.1),
    "elu_grad": lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0))),
}


def test_grads_accept_right_answer(capsys):
    ch02.check_activation_grads(**RIGHT_GRADS)
    assert "✔ Exercise 2.3" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "wrong", "message"),
    [
        ("sigmoid_grad", lambda z: -act.sigmoid(z) * (1 - act.sigmoid(z)), "wrong sign"),
        ("sigmoid_grad", lambda z: act.sigmoid(z) * (1 + act.sigmoid(z)), "is σ(1 + σ)"),
        ("tanh_grad", lambda z: 1 - np.tanh(z), "forgot the square"),
        ("tanh_grad", lambda z: 1 - z**2, "squares z instead of tanh(z)"),
        ("relu_grad", lambda z: (z < 0).astype(float), "is 1 on the wrong side"),
        ("leaky_relu_grad", lambda z: np.where(z > 0, 1.0, 0.01), "uses slope 0.01"),
        ("leaky_relu_grad", lambda z: np.where(z > 0, 0.1, 1.0), "is on the wrong side"),
        ("leaky_relu_grad", lambda z: (z > 0).astype(float), "is the plain ReLU derivative"),
        ("elu_grad", lambda z: np.where(z > 0, 1.0, np.exp(z) - 1), "the ELU itself"),
        ("elu_grad", lambda z: np.where(z > 0, 0.0, np.exp(z)), "is 0 for z > 0"),
        ("elu_grad", lambda z: np.where(z > 0, 1.0, 0.5 * np.exp(z)), "elu_grad(z) is wrong"),
        ("tanh_grad", lambda z: (1 - np.tanh(z) ** 2)[0], "tanh_grad(z) has shape (6,)"),
    ],
)
def test_grads_name_mistake(name, wrong, message):
    answers = dict(RIGHT_GRADS, **{name: wrong})
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch02.check_activation_grads(**answers)


# --------------------------------------------------------------------------- 2.4


def _shapes(T, N, D, H, V):
    return {
        "xs": (T, N, D),
        "h0": (N, H),
        "W_xh": (H, D),
        "W_hh": (H, H),
        "b_h": (H,),
        "hs": (T, N, H),
        "W_hy": (V, H),
        "b_y": (V,),
        "logits": (T, N, V),
    }


def test_shapes_accept_right_answer(capsys):
    ch02.check_rnn_shapes(_shapes)
    assert "✔ Exercise 2.4" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("key", "wrong", "message"),
    [
        ("W_xh", lambda T, N, D, H, V: (D, H), "stored (out_features, in_features)"),
        ("W_hy", lambda T, N, D, H, V: (H, V), "stored (out_features, in_features)"),
        ("hs", lambda T, N, D, H, V: (N, T, H), "time-major"),
        ("logits", lambda T, N, D, H, V: (T, N, H), "maps each H-vector to V scores"),
        ("b_h", lambda T, N, D, H, V: (N, H), "one vector per layer"),
        ("W_hh", lambda T, N, D, H, V: (H, D), "W_hh (T=7, N=2, D=5, H=3, V=11) has shape (3, 3)"),
    ],
)
def test_shapes_name_mistake(key, wrong, message):
    def answer(T, N, D, H, V):
        shapes = _shapes(T, N, D, H, V)
        shapes[key] = wrong(T, N, D, H, V)
        return shapes

    _expect(ch02.check_rnn_shapes, answer, message)


def test_shapes_missing_key():
    def answer(*sizes):
        shapes = _shapes(*sizes)
        del shapes["logits"]
        return shapes

    _expect(ch02.check_rnn_shapes, answer, "the dict lacks ['logits']")


# --------------------------------------------------------------------------- 2.5


def _rnn_count(D, H, V):
    return H * D + H * H + H + V * H + V


def test_counts_accept_right_answer(capsys):
    ch02.check_parameter_counts(lambda D, H, V, T: (_rnn_count(D, H, V), T * _rnn_count(D, H, V)))
    assert "✔ Exercise 2.5" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda D, H, V, T: (H * D + H * H + V * H, 0), "the biases b_h and b_y are missing"),
        (lambda D, H, V, T: (_rnn_count(D, H, V) - V, 0), "the output bias b_y is missing"),
        (lambda D, H, V, T: (H * D + H * D + H + V * H + V, 0), "it is H×H, not H×D"),
        (lambda D, H, V, T: (H * D + H * H + H, 0), "the output layer W_hy, b_y is missing"),
        (lambda D, H, V, T: (T * _rnn_count(D, H, V), 0), "does not grow with T"),
        (
            lambda D, H, V, T: (_rnn_count(D, H, V), _rnn_count(D, H, V)),
            "so multiply by T",
        ),
        (
            lambda D, H, V, T: (_rnn_count(D, H, V), (T - 1) * _rnn_count(D, H, V)),
            "not T − 1",
        ),
    ],
)
def test_counts_name_mistake(wrong, message):
    _expect(ch02.check_parameter_counts, wrong, message)


# --------------------------------------------------------------------------- 2.6


def _vstack_when_rectangular(W_hh, W_xh):
    # Right on the square case, so the checker reaches the rectangular one, where vstack fails.
    if W_hh.shape == W_xh.shape:
        return np.hstack([W_hh, W_xh])
    return np.vstack([W_hh, W_xh])


def test_concat_accepts_right_answer(capsys):
    ch02.check_concat_weights(lambda W_hh, W_xh: np.hstack([W_hh, W_xh]))
    assert "✔ Exercise 2.6" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda W_hh, W_xh: np.hstack([W_xh, W_hh]), "in the order [W_xh, W_hh]"),
        (lambda W_hh, W_xh: np.vstack([W_hh, W_xh]), "stacked the blocks vertically"),
        (lambda W_hh, W_xh: np.hstack([W_hh, W_xh]).T, "W is transposed"),
        (lambda W_hh, W_xh: W_hh + W_xh, "W has shape (3, 3), expected (3, 6)"),
        (_vstack_when_rectangular, "raised ValueError"),
    ],
)
def test_concat_names_mistake(wrong, message):
    _expect(ch02.check_concat_weights, wrong, message)
