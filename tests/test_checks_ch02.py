"""The chapter 02 checkers accept right answers and name each plausible mistake."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from rnnbook.checks import CheckFailed, ch02
from rnnbook.scratch import activations as act
from rnnbook.scratch import rnn_step_forward


def _expect(checker, answer, message: str) -> None:
    with pytest.raises(CheckFailed, match=re.escape(message)):
        checker(answer)


# --------------------------------------------------------------------------- 2.1


def _step(x, h_prev, p):
    return np.tanh(h_prev @ p["W_hh"].T + x @ p["W_xh"].T + p["b_h"])


def _columns(X, H, p):
    return np.tanh(p["W_hh"] @ H + p["W_xh"] @ X + p["b_h"][:, None])


def test_columns_accept_right_answer(capsys):
    ch02.check_rnn_step_columns(_columns)
    assert "✔ Exercise 2.1" in capsys.readouterr().out


def _bias_as_row(X, H, p):
    return np.tanh(p["W_hh"] @ H + p["W_xh"] @ X + p["b_h"])


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda X, H, p: _step(X.T, H.T, p), "you returned one row per example, (N, H)"),
        (_bias_as_row, "b_h is added along the wrong axis"),
        (lambda X, H, p: np.tanh(p["W_hh"] @ H + p["W_xh"] @ X), "b_h is missing"),
        (
            lambda X, H, p: np.tanh(p["W_hh"] @ H + p["W_xh"] @ X) + p["b_h"][:, None],
            "b_h is added after the tanh",
        ),
        (lambda X, H, p: act.sigmoid(np.arctanh(_columns(X, H, p))), "you used the sigmoid"),
        (lambda X, H, p: np.arctanh(_columns(X, H, p)), "no activation"),
        (
            lambda X, H, p: np.tanh(p["W_hh"].T @ H + p["W_xh"] @ X + p["b_h"][:, None]),
            "W_hh is transposed",
        ),
        (
            lambda X, H, p: np.tanh(p["W_hh"] @ H + p["W_xh"].T @ X + p["b_h"][:, None]),
            "W_xh is transposed",
        ),
        (
            lambda X, H, p: np.tanh(p["W_xh"] @ H + p["W_hh"] @ X + p["b_h"][:, None]),
            "W_hh and W_xh are swapped",
        ),
        (lambda X, H, p: (_columns(X, H, p), None), "not a tuple"),
        (lambda X, H, p: _columns(X, H, p) + 1e-3, "the new states for N=3, D=3, H=3 is wrong"),
    ],
)
def test_columns_name_mistake(wrong, message):
    _expect(ch02.check_rnn_step_columns, wrong, message)


def test_columns_bias_broadcast_error_is_explained():
    # N = D = H in the first case, so the mistake gives wrong values there; test the error of
    # the second case (N = 2, H = 3) on its own by answering the first case right.
    def answer(X, H, p):
        if X.shape[1] == H.shape[0]:
            return _columns(X, H, p)
        return np.tanh(p["W_hh"] @ H + p["W_xh"] @ X + p["b_h"])

    with pytest.raises(CheckFailed) as info:
        ch02.check_rnn_step_columns(answer)
    message = str(info.value)
    assert "raised ValueError (operands could not be broadcast" in message
    assert 'return np.tanh(p["W_hh"] @ H + p["W_xh"] @ X + p["b_h"])' in message
    assert "Make the bias a column, params['b_h'][:, None]" in message


def test_columns_accept_a_float32_answer(capsys):
    ch02.check_rnn_step_columns(lambda X, H, p: _columns(X, H, p).astype(np.float32))
    assert "✔ Exercise 2.1" in capsys.readouterr().out


def test_columns_float32_is_still_checked():
    with pytest.raises(CheckFailed, match="is wrong"):
        ch02.check_rnn_step_columns(lambda X, H, p: (_columns(X, H, p) + 1e-3).astype(np.float32))


def test_columns_mixed_layouts_are_not_blamed_on_the_bias():
    # The products in two layouts, (N, H) + (H, N): numpy's broadcast error is raised on the
    # line that holds b_h, but the bias is not the cause.
    def answer(X, H, p):
        if X.shape[1] == H.shape[0]:
            return _columns(X, H, p)
        return np.tanh(H.T @ p["W_hh"].T + p["W_xh"] @ X + p["b_h"][:, None])

    with pytest.raises(CheckFailed) as info:
        ch02.check_rnn_step_columns(answer)
    message = str(info.value)
    assert "the terms of the sum have shapes (2, 3) and (3, 2)" in message
    assert "Make the bias a column" not in message


def test_columns_an_answer_that_writes_into_its_inputs_is_caught():
    def answer(X, H, p):
        out = _columns(X, H, p)
        H *= 0.0  # "reuse" the buffer
        return out

    _expect(ch02.check_rnn_step_columns, answer, "`rnn_step_columns` changed its argument H_prev")


def test_columns_a_close_miss_prints_digits_that_differ():
    with pytest.raises(CheckFailed) as info:
        ch02.check_rnn_step_columns(lambda X, H, p: _columns(X, H, p) * (1 + 3e-6))
    expected, got = re.search(r"expected (\S+), got (\S+) \(", str(info.value)).groups()
    assert expected != got


def test_columns_stub_is_reported():
    def rnn_step_columns(X, H, p):
        raise NotImplementedError("Exercise 2.1: one step, one column per example")

    _expect(ch02.check_rnn_step_columns, rnn_step_columns, "`rnn_step_columns` is not implemented")


# --------------------------------------------------------------------------- 2.2


def _batch_first(xs, h0, p):
    h, hs = h0, []
    for t in range(xs.shape[1]):
        h, _ = rnn_step_forward(xs[:, t], h, p)
        hs.append(h)
    return np.stack(hs, axis=1)


def test_batch_first_accepts_right_answer(capsys):
    ch02.check_rnn_forward_batch_first(_batch_first)
    assert "✔ Exercise 2.2" in capsys.readouterr().out


def _stale(xs, h0, p):
    return np.stack([_step(xs[:, t], h0, p) for t in range(xs.shape[1])], axis=1)


def _mutating_batch_first(xs, h0, p):
    hs = _batch_first(xs, h0, p)
    xs[:] = 0.0
    return hs


def test_batch_first_indexing_time_on_axis_0_is_explained():
    def answer(xs, h0, p):
        h, hs = h0, []
        for t in range(xs.shape[1]):
            h, _ = rnn_step_forward(xs[t], h, p)
            hs.append(h)
        return np.stack(hs, axis=1)

    _expect(ch02.check_rnn_forward_batch_first, answer, "Time is axis 1: step t reads xs[:, t]")


def test_batch_first_other_shape_errors_get_the_layout():
    def answer(xs, h0, p):
        return np.tanh(xs @ p["W_xh"] + h0[:, None] @ p["W_hh"].T)

    with pytest.raises(CheckFailed) as info:
        ch02.check_rnn_forward_batch_first(answer)
    assert "The inputs had shapes xs (2, 5, 3) (N, T, D) and h0 (2, 4) (N, H)" in str(info.value)


def test_batch_first_accepts_a_float32_answer(capsys):
    ch02.check_rnn_forward_batch_first(lambda xs, h0, p: _batch_first(xs, h0, p).astype("f4"))
    assert "✔ Exercise 2.2" in capsys.readouterr().out


def _shifted(xs, h0, p):
    h, hs = h0, []
    for t in range(xs.shape[1]):
        hs.append(h)
        h = _step(xs[:, t], h, p)
    return np.stack(hs, axis=1)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_stale, "the state is not carried forward"),
        (_shifted, "off by one in time"),
        (lambda xs, h0, p: _batch_first(xs, h0, p).transpose(1, 0, 2), "time-major (T, N, H)"),
        (lambda xs, h0, p: _batch_first(xs, h0, p)[:, -1], "you returned one state"),
        (
            lambda xs, h0, p: np.concatenate([h0[:, None], _batch_first(xs, h0, p)], axis=1),
            "includes the initial state h_0",
        ),
        (lambda xs, h0, p: (_batch_first(xs, h0, p), None), "not a tuple"),
        (lambda xs, h0, p: _batch_first(xs, h0, p).squeeze(), "the batch axis was squeezed"),
        (lambda xs, h0, p: list(_batch_first(xs, h0, p).transpose(1, 0, 2)), "hs is a list of 5"),
        (lambda xs, h0, p: [_step(xs[:, 0], h0, p), h0[0]], "hs is a list of 2 arrays"),
        (_mutating_batch_first, "changed its argument xs in place"),
        (lambda xs, h0, p: "hs", "hs should be a numpy array of shape (2, 5, 4), got str"),
    ],
)
def test_batch_first_names_mistake(wrong, message):
    _expect(ch02.check_rnn_forward_batch_first, wrong, message)


def test_batch_first_step_pair_not_unpacked():
    # The first attempt: the package's step used as if it returned h alone.
    def rnn_forward_batch_first(xs, h0, params):
        h, hs = h0, []
        for t in range(xs.shape[1]):
            h = rnn_step_forward(xs[:, t], h, params)
            hs.append(h)
        return np.stack(hs, axis=1)

    with pytest.raises(CheckFailed) as info:
        ch02.check_rnn_forward_batch_first(rnn_forward_batch_first)
    message = str(info.value)
    assert "h = rnn_step_forward(xs[:, t], h, params)" in message  # the reader's line
    assert "package_step returns a pair, (h, cache). Unpack it" in message


def test_batch_first_loop_over_examples():
    def rnn_forward_batch_first(xs, h0, params):
        h, hs = h0, []
        for x in xs:
            h, _ = rnn_step_forward(x, h, params)
            hs.append(h)
        return np.stack(hs, axis=1)

    _expect(
        ch02.check_rnn_forward_batch_first,
        rnn_forward_batch_first,
        "A loop `for x in xs` walks over axis 0, which in this layout holds the N examples",
    )


def test_batch_first_helper_stub_is_blamed():
    def step(x, h, params):
        raise NotImplementedError("Exercise 2.1: one step, one column per example")

    def rnn_forward_batch_first(xs, h0, params):
        return np.stack([step(xs[:, t], h0, params) for t in range(xs.shape[1])], axis=1)

    _expect(
        ch02.check_rnn_forward_batch_first,
        rnn_forward_batch_first,
        "`rnn_forward_batch_first` calls `step` (exercise 2.1), which is still a stub",
    )


def test_old_checkers_say_how_to_fetch_the_new_exercise():
    _expect(ch02.check_rnn_step_forward, _step, "make fresh EX=02")
    with pytest.raises(AttributeError):
        ch02.check_no_such_thing  # noqa: B018


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
        ("sigmoid_grad", lambda z: z * (1 - z), "computes z(1 − z) from the pre-activation z"),
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


def test_grads_relu_at_zero_is_zero():
    answers = dict(RIGHT_GRADS, relu_grad=lambda z: (z >= 0).astype(float))
    with pytest.raises(CheckFailed, match=re.escape("relu_grad(0) is 1; the exercise fixes")):
        ch02.check_activation_grads(**answers)


def _relu_grad_in_place(z):
    z[z > 0] = 1.0
    z[z <= 0] = 0.0
    return z


def _tanh_grad_in_place(z):
    np.tanh(z, out=z)
    return 1 - z**2


@pytest.mark.parametrize(
    ("name", "wrong"), [("relu_grad", _relu_grad_in_place), ("tanh_grad", _tanh_grad_in_place)]
)
def test_grads_that_overwrite_z_are_caught(name, wrong):
    answers = dict(RIGHT_GRADS, **{name: wrong})
    with pytest.raises(CheckFailed, match=re.escape(f"`{name}` changed its argument z")):
        ch02.check_activation_grads(**answers)


def _relu_grad_for_one_number(z):
    if z > 0:
        return 1.0
    return 0.0


@pytest.mark.parametrize(
    ("name", "wrong", "message"),
    [
        ("relu_grad", _relu_grad_for_one_number, "`if z > 0` (or `max(0.1 * z, z)`"),
        ("leaky_relu_grad", lambda z: max(0.1 * z, z), "np.maximum(0.1 * z, z)"),
        ("sigmoid_grad", lambda z: 1 / (1 + math.exp(-z)), "math module's functions"),
    ],
)
def test_grads_scalar_code_on_arrays_is_explained(name, wrong, message):
    answers = dict(RIGHT_GRADS, **{name: wrong})
    with pytest.raises(CheckFailed, match=re.escape(message)) as info:
        ch02.check_activation_grads(**answers)
    assert "raised" in str(info.value) and "at line" in str(info.value)


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


def test_counts_accept_a_list_for_the_pair(capsys):
    ch02.check_parameter_counts(lambda D, H, V, T: [_rnn_count(D, H, V), T * _rnn_count(D, H, V)])
    assert "✔ Exercise 2.5" in capsys.readouterr().out


def test_counts_must_be_whole_numbers():
    _expect(
        ch02.check_parameter_counts,
        lambda D, H, V, T: (_rnn_count(D, H, V) + 0.5, 0),
        "the counts should be whole numbers",
    )


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


def _augmented(W_hh, W_xh, b_h):
    return np.hstack([W_hh, W_xh, b_h[:, None]])


def _augment(h_prev, x):
    return np.hstack([h_prev, x, np.ones((len(x), 1))])


def test_augmented_accepts_right_answer(capsys):
    ch02.check_augmented(_augmented, _augment)
    assert "✔ Exercise 2.6" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda W_hh, W_xh, b: np.hstack([W_xh, W_hh, b[:, None]]), "in the order [W_xh, W_hh"),
        (lambda W_hh, W_xh, b: np.hstack([b[:, None], W_hh, W_xh]), "the bias column comes first"),
        (lambda W_hh, W_xh, b: _augmented(W_hh, W_xh, b).T, "W̃ is transposed"),
        (lambda W_hh, W_xh, b: np.hstack([W_hh, W_xh]), "the bias column is missing"),
        (lambda W_hh, W_xh, b: np.concatenate([W_hh, W_xh, b], axis=1), "b_h[:, None]"),
        (lambda W_hh, W_xh, b: _augmented(W_hh, W_xh, 2 * b), "W̃ for D=3, H=3 is wrong"),
    ],
)
def test_augmented_names_mistake(wrong, message):
    _expect(lambda answer: ch02.check_augmented(answer, _augment), wrong, message)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda h, x: np.hstack([x, h, np.ones((len(x), 1))]), "augment puts x before h_prev"),
        (lambda h, x: np.hstack([np.ones((len(x), 1)), h, x]), "augment puts the 1 first"),
        (lambda h, x: np.hstack([h, x]), "augment has no constant 1"),
        (lambda h, x: np.hstack([h, x, np.zeros((len(x), 1))]), "a column of zeros"),
        (lambda h, x: np.hstack([h, x, np.ones(len(x))]), "np.ones((N, 1))"),
    ],
)
def test_augment_names_mistake(wrong, message):
    _expect(lambda answer: ch02.check_augmented(_augmented, answer), wrong, message)


# --------------------------------------------------------------------------- 2.7


def test_hand_rnn_accepts_three_decimals(capsys):
    ch02.check_hand_rnn(0.905, -0.301)
    ch02.check_hand_rnn(math.tanh(1.5), math.tanh(-2 * math.tanh(1.5) + 1.5))
    assert capsys.readouterr().out.count("✔ Exercise 2.7") == 2


@pytest.mark.parametrize(
    ("h1", "h2", "message"),
    [
        (1.5, -1.5, "no tanh"),
        (0.905, 0.905, "h_2 = h_1: step 2 also adds w_hh h_1"),
        (0.905, -0.905, "step 2 used the pre-activation 1.5 of step 1"),
        (-0.905, -0.984, "w_xh and w_hh are swapped"),
        (0.762, -0.480, "the bias b = 0.5 is missing"),
        (0.818, 0.466, "that is the sigmoid"),
        (0.905, -0.670, "step 2 lost the bias"),
        (0.5, 0.1, "h1 = 0.5000 is not right"),
        (0.905, 0.1, "h1 is right, h2 = 0.1000 is not"),
        (None, None, "h1 should be a number"),
        ("0.905", -0.301, "h1 should be a number"),
    ],
)
def test_hand_rnn_names_mistake(h1, h2, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch02.check_hand_rnn(h1, h2)


# --------------------------------------------------------------------------- 2.8

SEEDS = [3, 4, 5]


@pytest.fixture(scope="module")
def lr_runs():
    fast, slow = ch02.LEARNING_RATES
    return (
        [ch02._steps_to_spell(fast, s) for s in SEEDS],
        [ch02._steps_to_spell(slow, s) for s in SEEDS],
    )


def test_learning_rate_accepts_the_measured_runs(lr_runs, capsys):
    fast, slow = lr_runs
    assert all(s > 2 * f for f, s in zip(fast, slow, strict=True))  # the lesson holds here
    ch02.check_learning_rate(40, SEEDS, fast, slow)
    ch02.check_learning_rate(40, tuple(np.array(SEEDS)), np.array(fast), list(slow))
    assert capsys.readouterr().out.count("✔ Exercise 2.8") == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p, s, f, sl: (p, s, sl, f), "the two lists are swapped"),
        (lambda p, s, f, sl: (p, s, f, f), "steps_slow equals steps_fast"),
        (lambda p, s, f, sl: (p, s, f, [v + 1 for v in sl]), "is one more than the runs give"),
        (lambda p, s, f, sl: (p, s, f, [sl[0], sl[1], f[2]]), "did the knob change?"),
        (lambda p, s, f, sl: (p, s, f, [sl[0], sl[1], sl[2] + 7]), "steps_slow for seed 5 is"),
        (lambda p, s, f, sl: (None, s, f, sl), "write your prediction"),
        (lambda p, s, f, sl: (p, s[:2], f[:2], sl[:2]), "run over at least 3 seeds"),
        (lambda p, s, f, sl: (p, s, f, sl[:2]), "steps_slow has 2 counts for 3 seeds"),
        (lambda p, s, f, sl: (p, s, f, 48), "should hold one count per seed"),
        (lambda p, s, f, sl: (p, "abc", f, sl), "run_seeds should be a list of integer seeds"),
    ],
)
def test_learning_rate_names_mistake(lr_runs, change, message):
    args = change(40, SEEDS, *lr_runs)
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch02.check_learning_rate(*args)
