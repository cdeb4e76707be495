"""The chapter 06 checkers accept right answers and name each plausible mistake."""

from __future__ import annotations

import math
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


def _step(x, h_prev, c_prev, W, b, *, forget=True, swap_if=False, squash_c=True,
          old_c=False, g_act=np.tanh, bias=True, x_first=False, order="ifgo"):  # fmt: skip
    hx = np.concatenate([x, h_prev] if x_first else [h_prev, x], axis=1)
    a = hx @ W.T + (b if bias else 0.0)
    blocks = dict(zip(order, np.split(a, 4, axis=1), strict=True))
    i, f, g, o = (
        _sigmoid(blocks["i"]),
        _sigmoid(blocks["f"]),
        g_act(blocks["g"]),
        _sigmoid(blocks["o"]),
    )
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

    def step(x, h_prev, c_prev, W, b):
        H = h_prev.shape[1]
        params = {"W_x": W[:, H:], "W_h": W[:, :H], "b": b}
        return lstm_step_forward(x, h_prev, c_prev, params)[:2]

    ch06.check_lstm_step(step)
    assert "✔ Exercise 6.2" in capsys.readouterr().out


def test_lstm_step_stub_is_reported():
    _expect(ch06.check_lstm_step, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_step_with(x_first=True), "the concatenation is [x, h_prev]"),
        (_step_with(forget=False), "the forget gate is missing: c = c_prev + i ⊙ g"),
        (_step_with(swap_if=True), "f and i are swapped"),
        (_step_with(squash_c=False), "h = o ⊙ c: the cell goes through tanh"),
        (_step_with(old_c=True), "h is computed from the old cell c_prev"),
        (_step_with(g_act=_sigmoid), "the candidate g goes through σ"),
        (_step_with(bias=False), "the bias is missing"),
        (_step_with(order="ifog"), "the gate blocks are read in the order i, f, o, g"),
        (lambda *a: _step(*a)[::-1], "position 0 holds c, position 1 holds h); return (h, c)"),
        (lambda *a: _step(*a)[0], "return the tuple (h, c); got a value of type ndarray"),
        (lambda x, h, c, W, b: _step(x, h, c, W.T, b), "raised ValueError"),
        (lambda *a: (_step(*a)[0], _step(*a)[1] + 1e-3), "c (N=3, D=2, H=4) is wrong"),
    ],
)
def test_lstm_step_names_mistake(wrong, message):
    _expect(ch06.check_lstm_step, wrong, message)


def test_lstm_step_points_back_to_a_wrong_lstm_gates():
    # The issue's case: the step is right, but 6.1's gates are read in the wrong order.
    def lstm_gates(a):
        return _gates(a, order="ifog")

    def lstm_step(x, h_prev, c_prev, W, b):
        i, f, g, o = lstm_gates(np.concatenate([h_prev, x], axis=1) @ W.T + b)
        c = f * c_prev + i * g
        return o * np.tanh(c), c

    with pytest.raises(CheckFailed) as info:
        ch06.check_lstm_step(lstm_step)
    message = str(info.value)
    assert "`lstm_step` calls your `lstm_gates` from exercise 6.1, which is not right" in message
    assert "the blocks are read in the order i, f, o, g" in message


def test_lstm_step_blames_a_stub_lstm_gates():
    def lstm_gates(a):
        raise NotImplementedError("Exercise 6.1: the four gates")

    def lstm_step(x, h_prev, c_prev, W, b):
        i, f, g, o = lstm_gates(np.concatenate([h_prev, x], axis=1) @ W.T + b)
        return o * np.tanh(f * c_prev + i * g), f * c_prev + i * g

    _expect(
        ch06.check_lstm_step,
        lstm_step,
        "`lstm_step` calls `lstm_gates` (exercise 6.1), which is still a stub",
    )


def test_lstm_step_shape_error_names_the_layout():
    def lstm_step(x, h_prev, c_prev, W, b):
        a = x @ W.T + b  # forgot the state: (N, D) @ (H + D, 4H) fails
        return a, a

    _expect(ch06.check_lstm_step, lstm_step, "np.concatenate([h_prev, x], axis=1)")


# --------------------------------------------------------------------------- 6.3


def _step_backward(dh, dc, x, h_prev, c_prev, W, b, *, path=True, forget=True,
                   d_sigmoid=lambda s: s * (1 - s), d_tanh=True, o_from_c=False,
                   order="ifgo", split="hx", dW_layout="hx", db="sum", in_place=False,
                   dtype=None):  # fmt: skip
    """A reader's one-matrix backward step; the keywords make the plausible mistakes."""
    if dtype is not None:
        dh, dc, x, h_prev, c_prev, W, b = (
            v.astype(dtype) for v in (dh, dc, x, h_prev, c_prev, W, b)
        )
    H, D = h_prev.shape[1], x.shape[1]
    hx = np.concatenate([h_prev, x], axis=1)
    i, f, g, o = _gates(hx @ W.T + b)
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    if in_place:
        dc += dh * o * (1 - tanh_c**2)  # updates the caller's array
        dc_total = dc
    else:
        dc_total = dc + dh * o * (1 - tanh_c**2) if path else dc
    grads = {
        "i": dc_total * g * d_sigmoid(i),
        "f": dc_total * c_prev * d_sigmoid(f),
        "g": dc_total * i * ((1 - g**2) if d_tanh else 1.0),
        "o": dh * (c if o_from_c else tanh_c) * d_sigmoid(o),
    }
    da = np.concatenate([grads[k] for k in order], axis=1)
    dhx = da @ W
    dx, dh_prev = {"hx": (dhx[:, H:], dhx[:, :H]), "swap": (dhx[:, :H], dhx[:, H:]),
                   "x_first": (dhx[:, :D], dhx[:, D:])}[split]  # fmt: skip
    dW = {
        "hx": da.T @ hx,
        "transposed": hx.T @ da,
        "xh": da.T @ np.concatenate([x, h_prev], axis=1),
    }[dW_layout]
    db = {"sum": da.sum(axis=0), "none": da, "mean": da.mean(axis=0), "axis1": da.sum(axis=1)}[db]
    return dx, dh_prev, dc_total * f if forget else dc_total, dW, db


def _step_backward_with(**mistake):
    return lambda *args: _step_backward(*args, **mistake)


def _path_in_da_only(dh, dc, x, h_prev, c_prev, W, b):
    dx, dh_prev, _, dW, db = _step_backward(dh, dc, x, h_prev, c_prev, W, b)
    f = _gates(np.concatenate([h_prev, x], axis=1) @ W.T + b)[1]
    return dx, dh_prev, dc * f, dW, db


def test_lstm_step_backward_accepts_right_answer(capsys):
    ch06.check_lstm_step_backward(_step_backward)
    out = capsys.readouterr().out
    assert "✔ Exercise 6.3" in out
    assert "float32" not in out


def test_lstm_step_backward_accepts_the_package_split_into_blocks(capsys):
    from rnnbook.scratch import lstm_step_backward, lstm_step_forward

    def step_backward(dh, dc, x, h_prev, c_prev, W, b):
        H = h_prev.shape[1]
        params = {"W_h": W[:, :H], "W_x": W[:, H:], "b": b}
        cache = lstm_step_forward(x, h_prev, c_prev, params)[2]
        dx, dh_prev, dc_prev, grads = lstm_step_backward(dh, dc, cache)
        return dx, dh_prev, dc_prev, np.hstack([grads["W_h"], grads["W_x"]]), grads["b"]

    ch06.check_lstm_step_backward(step_backward)
    assert "✔ Exercise 6.3" in capsys.readouterr().out


def test_lstm_step_backward_accepts_float32_with_float32_tolerance(capsys):
    ch06.check_lstm_step_backward(_step_backward_with(dtype=np.float32))
    assert "a float32 answer, compared with float32's precision" in capsys.readouterr().out


def test_lstm_step_backward_names_a_mistake_in_float32():
    _expect(
        ch06.check_lstm_step_backward,
        _step_backward_with(dtype=np.float32, forget=False),
        "dc_prev = dc_total: the old cell enters",
    )


def test_lstm_step_backward_float64_gets_no_float32_tolerance():
    def answer(*args):
        *rest, db = _step_backward(*args)
        return (*rest, db * (1 + 1e-5))

    _expect(ch06.check_lstm_step_backward, answer, "db (N=3, D=2, H=4) is wrong")


def test_lstm_step_backward_stub_is_reported():
    _expect(ch06.check_lstm_step_backward, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        pytest.param(
            _step_backward_with(split="swap"),
            "dx and dh_prev are swapped: W's first H columns act on h_prev",
            id="split-swapped",
        ),
        pytest.param(
            lambda *a: (_step_backward(*a)[1], _step_backward(*a)[0], *_step_backward(*a)[2:]),
            "dx and dh_prev are swapped",
            id="return-order-swapped",
        ),
        pytest.param(
            _step_backward_with(split="x_first"),
            "dx and dh_prev are split from da @ W as if x came first",
            id="split-x-first",
        ),
        pytest.param(
            _step_backward_with(dW_layout="transposed"),
            "dW is transposed: it has the shape of W, (4H, H + D)",
            id="dW-transposed",
        ),
        pytest.param(
            _step_backward_with(dW_layout="xh"),
            "dW's columns are in the order [x, h_prev]",
            id="dW-x-first",
        ),
        pytest.param(
            _step_backward_with(db="none"),
            "db is not summed over the batch",
            id="db-not-summed",
        ),
        pytest.param(
            _step_backward_with(db="mean"), "db is the mean of da over the batch", id="db-mean"
        ),
        pytest.param(
            _step_backward_with(db="axis1"), "db is summed over the wrong axis", id="db-axis1"
        ),
        pytest.param(
            _step_backward_with(forget=False),
            "dc_prev = dc_total: the old cell enters",
            id="dc-prev-without-f",
        ),
        pytest.param(
            _step_backward_with(in_place=True),
            "lstm_step_backward changed its argument dc in place",
            id="input-mutated",
        ),
        pytest.param(
            _step_backward_with(path=False), "the path through h is missing", id="no-h-path"
        ),
        pytest.param(_path_in_da_only, "the path through h is missing", id="no-h-path-in-dc"),
        pytest.param(
            _step_backward_with(d_sigmoid=lambda s: s * (1 + s)),
            "σ' is written σ(1 + σ)",
            id="sigmoid-prime-plus",
        ),
        pytest.param(
            _step_backward_with(d_sigmoid=lambda s: 1.0),
            "the derivative of σ is missing",
            id="no-sigmoid-prime",
        ),
        pytest.param(
            _step_backward_with(d_tanh=False),
            "the derivative of tanh is missing in the g block",
            id="no-tanh-prime",
        ),
        pytest.param(
            _step_backward_with(o_from_c=True),
            "the o block uses c instead of tanh c",
            id="o-from-c",
        ),
        pytest.param(
            _step_backward_with(order="figo"),
            "the blocks of da are stacked f, i, g, o",
            id="order-figo",
        ),
        pytest.param(
            _step_backward_with(order="ifog"),
            "the blocks of da are stacked i, f, o, g",
            id="order-ifog",
        ),
        pytest.param(
            lambda *a: _step_backward(*a)[:4],
            "return the 5 arrays (dx, dh_prev, dc_prev, dW, db); got 4 values.",
            id="four-values",
        ),
        pytest.param(
            lambda dh, dc, x, h, c, W, b: _step_backward(dh, dc, x, h, c, W.T, b),
            "The inputs had shapes dh (3, 4), dc (3, 4), x (3, 2)",
            id="shape-error",
        ),
    ],
)
def test_lstm_step_backward_names_mistake(wrong, message):
    _expect(ch06.check_lstm_step_backward, wrong, message)


def _step_backward_block(block, term):
    """The right step with the ``block`` gate's part of da replaced by ``term(v)``."""

    def answer(dh, dc, x, h_prev, c_prev, W, b):
        H = h_prev.shape[1]
        hx = np.concatenate([h_prev, x], axis=1)
        i, f, g, o = _gates(hx @ W.T + b)
        c = f * c_prev + i * g
        tanh_c = np.tanh(c)
        total = dc + dh * o * (1 - tanh_c**2)
        da = np.concatenate(
            [total * g * i * (1 - i), total * c_prev * f * (1 - f), total * i * (1 - g**2),
             dh * tanh_c * o * (1 - o)], axis=1)  # fmt: skip
        values = dict(dh=dh, dc=dc, c_prev=c_prev, i=i, f=f, g=g, o=o, c=c, tanh_c=tanh_c,
                      total=total)  # fmt: skip
        k = "ifgo".index(block)
        da[:, k * H : (k + 1) * H] = term(values)
        dhx = da @ W
        return dhx[:, H:], dhx[:, :H], total * f, da.T @ hx, da.sum(axis=0)

    return answer


@pytest.mark.parametrize(
    ("block", "term", "message"),
    [
        ("i", lambda v: v["total"] * v["i"] * (1 - v["i"]), "the factor g is missing"),
        ("f", lambda v: v["total"] * v["c"] * v["f"] * (1 - v["f"]), "uses the new cell c"),
        ("g", lambda v: v["total"] * v["i"] * v["g"] * (1 - v["g"]), "it uses σ' = g(1 − g)"),
        ("o", lambda v: v["total"] * v["tanh_c"] * v["o"] * (1 - v["o"]), "only dh reaches"),
        (
            "o",
            lambda v: 2 * v["dh"] * v["tanh_c"] * v["o"] * (1 - v["o"]),
            "dx, dh_prev, dW and db are wrong together, as a wrong da makes them (your dW = "
            "da.T @ [h_prev, x] gives your da back). da is wrong in the o block, columns "
            "12:16, the output gate's (the i, f, g blocks are right): at example 0, unit 0",
        ),
    ],
)
def test_lstm_step_backward_names_the_gate_and_term(block, term, message):
    _expect(ch06.check_lstm_step_backward, _step_backward_block(block, term), message)


def test_lstm_step_backward_points_back_to_a_wrong_lstm_gates():
    def lstm_gates(a):
        return _gates(a, order="ifog")

    def lstm_step_backward(dh, dc, x, h_prev, c_prev, W, b):
        lstm_gates(np.concatenate([h_prev, x], axis=1) @ W.T + b)
        dx, dh_prev, dc_prev, dW, db = _step_backward(dh, dc, x, h_prev, c_prev, W, b)
        return dx, dh_prev, dc_prev, dW, db * 0.5  # as if the wrong gates had been used

    _expect(
        ch06.check_lstm_step_backward,
        lstm_step_backward,
        "`lstm_step_backward` calls your `lstm_gates` from exercise 6.1, which is not right",
    )


def test_old_cell_backward_checker_says_how_to_fetch_the_new_exercise():
    _expect(ch06.check_lstm_cell_backward, _step_backward, "make fresh EX=06")


# --------------------------------------------------------------------------- 6.4


def _count(D, H, two_biases=True, *, gates=4, biases=None, W_hh_inputs=None):
    biases = (2 if two_biases else 1) if biases is None else biases
    rows = gates * H
    return rows * (D + (H if W_hh_inputs is None else W_hh_inputs)) + biases * rows


def _largest(D, budget, two_biases=True, *, less=False, first_over=False, **mistake):
    """A reader's largest_hidden_size; the keywords make the plausible mistakes."""
    H = 0
    while True:
        n = _count(D, H + 1, two_biases, **mistake)
        if n > budget or (less and n == budget):
            return H + 1 if first_over else H
        H += 1


def _largest_with(**mistake):
    return lambda D, budget, two_biases=True: _largest(D, budget, two_biases, **mistake)


def _by_formula(D, budget, two_biases=True):
    # Solve 4H² + (4D + 8)H - budget = 0 (two biases) and round down.
    b = 4 * D + (8 if two_biases else 4)
    return int((-b + math.sqrt(b * b + 16 * budget)) // 8)


def test_largest_hidden_size_accepts_right_answers(capsys):
    for answer in (_largest, _by_formula, lambda *a, **k: np.int64(_largest(*a, **k))):
        ch06.check_largest_hidden_size(answer)
        assert "✔ Exercise 6.4" in capsys.readouterr().out


def test_largest_hidden_size_stub_is_reported():
    _expect(ch06.check_largest_hidden_size, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_largest_with(gates=1), "your count lacks the factor 4, a vanilla RNN's count"),
        (
            lambda D, budget, two_biases=True: _largest(D, budget, not two_biases),
            "your count has one bias vector, but torch's LSTM has two",
        ),
        (
            lambda D, budget, two_biases=True: _largest(D, budget, two_biases, W_hh_inputs=D),
            "your count has W_hh with 4H·D entries, as if it were (4H, D)",
        ),
        (_largest_with(biases=0), "your count leaves the biases out"),
        (_largest_with(biases=1), "your count ignores two_biases: it always has one bias"),
        (_largest_with(biases=2), "your count ignores two_biases: it always has two bias"),
        (_largest_with(gates=3), "your count has 3 gates, a GRU's"),
        (_largest_with(first_over=True), "returned 30, one too many: with H = 30 a layer has"),
        (
            lambda *a, **k: max(_largest(*a, **k) - 1, 0),
            "returned 28, one too few: H = 29 still fits",
        ),
        (_largest_with(less=True), "a budget met exactly fits. Compare with ≤, not <."),
        (lambda *a, **k: float(_largest(*a, **k)), "should return an int, got float"),
        (
            lambda *a, **k: _largest(*a, **k) + 2,
            "largest_hidden_size(10, 5000) returned 31, expected 29: with H = 29 an LSTM "
            "layer has 4H(D + H) + 8H = 4,756 parameters, the most within the budget; with "
            "H = 31 it has 5,332, over the budget of 5,000.",
        ),
    ],
)
def test_largest_hidden_size_names_mistake(wrong, message):
    _expect(ch06.check_largest_hidden_size, wrong, message)


def test_old_checker_says_how_to_fetch_the_new_exercise():
    _expect(ch06.check_lstm_parameter_count, _count, "make fresh EX=06")


# --------------------------------------------------------------------------- 6.1 (block order)


@pytest.mark.parametrize(
    ("order", "message"),
    [
        # Both swaps at once used to be reported as "the outputs are in another order".
        ("fiog", "the blocks are read in the order f, i, o, g: your i is σ(a[:, H:2H])"),
        ("igfo", "the blocks are read in the order i, g, f, o: your f is σ(a[:, 2H:3H])"),
        ("gifo", "the blocks are read in the order g, i, f, o"),
        ("figo", "Returning the right gates in the order f, i, g, o gives the same numbers"),
    ],
)
def test_lstm_gates_names_the_order_the_blocks_are_read_in(order, message):
    _expect(ch06.check_lstm_gates, _gates_with(order=order), message)


def test_lstm_gates_return_order_is_not_blamed_on_the_split():
    def answer(a):
        i, f, g, o = _gates(a)
        return i, f, o, g  # right gates, wrong places: the activations follow the blocks

    _expect(ch06.check_lstm_gates, answer, "the outputs are in another order")


def test_lstm_gates_names_interleaved_gates():
    def answer(a):
        z = a.reshape(a.shape[0], -1, 4)
        return _sigmoid(z[..., 0]), _sigmoid(z[..., 1]), np.tanh(z[..., 2]), _sigmoid(z[..., 3])

    _expect(ch06.check_lstm_gates, answer, "the gates are interleaved: a.reshape(N, H, 4)")


# --------------------------------------------------------------------------- 6.6


def _seq_backward(dhs, cache, *, carry_dc=True, forget=True, add_dh_next=True, order="ifgo",
                  accumulate=True, h_now=False, in_place=False, stacked_weights=False):  # fmt: skip
    """A reader's lstm_backward over a sequence; the keywords make the plausible mistakes."""
    xs, h0, c0, hs, cs = cache.xs, cache.h0, cache.c0, cache.hs, cache.cs
    W_x, W_h = cache.params["W_x"], cache.params["W_h"]
    grads = {k: np.zeros_like(v) for k, v in cache.params.items()}
    dxs = np.zeros_like(xs)
    dh_next, dc_next = np.zeros_like(h0), np.zeros_like(c0)
    for t in reversed(range(len(xs))):
        i, f, g, o, c = cache.i[t], cache.f[t], cache.g[t], cache.o[t], cs[t]
        c_prev = c0 if t == 0 else cs[t - 1]
        h_prev = hs[t] if h_now else (h0 if t == 0 else hs[t - 1])
        if in_place:
            dhs[t] += dh_next
            dh = dhs[t]
        else:
            dh = dhs[t] + dh_next if add_dh_next else dhs[t]
        dc = (dc_next if carry_dc else 0.0) + dh * o * (1 - np.tanh(c) ** 2)
        blocks = {
            "i": dc * g * i * (1 - i),
            "f": dc * c_prev * f * (1 - f),
            "g": dc * i * (1 - g**2),
            "o": dh * np.tanh(c) * o * (1 - o),
        }
        da = np.concatenate([blocks[k] for k in order], axis=1)
        dc_next = dc * f if forget else dc
        step = {"W_x": da.T @ xs[t], "W_h": da.T @ h_prev, "b": da.sum(axis=0)}
        for k in grads:
            grads[k] = grads[k] + step[k] if accumulate else step[k]
        dxs[t] = da @ W_x
        dh_next = da @ W_h
    return dxs, dh_next, dc_next, grads


def _seq_backward_with(**mistake):
    return lambda dhs, cache: _seq_backward(dhs, cache, **mistake)


def test_lstm_backward_accepts_right_answer(capsys):
    ch06.check_lstm_backward(_seq_backward)
    assert "✔ Exercise 6.6" in capsys.readouterr().out


def test_lstm_backward_accepts_the_package(capsys):
    from rnnbook.scratch import lstm_backward

    ch06.check_lstm_backward(lstm_backward)
    assert "✔ Exercise 6.6" in capsys.readouterr().out


def _lstm_backward_on_steps(lstm_step_backward, *, x_first=False):
    """A reader's lstm_backward built on exercise 6.3's one-matrix ``lstm_step_backward``."""

    def lstm_backward(dhs, cache):
        p = cache.params
        D, H = cache.xs.shape[2], cache.h0.shape[1]
        W = np.concatenate([p["W_x"], p["W_h"]] if x_first else [p["W_h"], p["W_x"]], axis=1)
        grads = {k: np.zeros_like(v) for k, v in p.items()}
        dxs = np.zeros_like(cache.xs)
        dh_next, dc = np.zeros_like(cache.h0), np.zeros_like(cache.c0)
        for t in reversed(range(len(dhs))):
            c_prev = cache.c0 if t == 0 else cache.cs[t - 1]
            h_prev = cache.h0 if t == 0 else cache.hs[t - 1]
            dxs[t], dh_next, dc, dW, db = lstm_step_backward(
                dhs[t] + dh_next, dc, cache.xs[t], h_prev, c_prev, W, p["b"]
            )
            grads["W_h"] += dW[:, D:] if x_first else dW[:, :H]
            grads["W_x"] += dW[:, :D] if x_first else dW[:, H:]
            grads["b"] += db
        return dxs, dh_next, dc, grads

    return lstm_backward


def test_lstm_backward_accepts_an_answer_built_on_the_step_of_6_3(capsys):
    def lstm_step_backward(dh, dc, x, h_prev, c_prev, W, b):
        return _step_backward(dh, dc, x, h_prev, c_prev, W, b)

    ch06.check_lstm_backward(_lstm_backward_on_steps(lstm_step_backward))
    assert "✔ Exercise 6.6" in capsys.readouterr().out


def test_lstm_backward_names_the_one_matrix_built_x_first():
    _expect(
        ch06.check_lstm_backward,
        _lstm_backward_on_steps(_step_backward, x_first=True),
        "the one matrix is built [W_x, W_h]",
    )


def test_lstm_backward_names_dW_split_x_first():
    def lstm_backward(dhs, cache):
        dxs, dh0, dc0, grads = _lstm_backward_on_steps(_step_backward)(dhs, cache)
        D = cache.xs.shape[2]
        dW = np.concatenate([grads["W_h"], grads["W_x"]], axis=1)
        return dxs, dh0, dc0, {"W_x": dW[:, :D], "W_h": dW[:, D:], "b": grads["b"]}

    _expect(ch06.check_lstm_backward, lstm_backward, "the step's dW is split as if x came first")


def test_lstm_backward_stub_is_reported():
    _expect(ch06.check_lstm_backward, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_seq_backward_with(carry_dc=False), "the cell gradient is not carried between steps"),
        (_seq_backward_with(forget=False), "the carried cell gradient lacks the factor f_t"),
        (_seq_backward_with(add_dh_next=False), "dh_next is not added"),
        (_seq_backward_with(order="figo"), "the blocks of da are stacked f, i, g, o"),
        (_seq_backward_with(order="ifog"), "the blocks of da are stacked i, f, o, g"),
        (_seq_backward_with(accumulate=False), "accumulate with +=, not ="),
        (_seq_backward_with(h_now=True), "dW_h uses h_t where step t read h_(t−1)"),
        (_seq_backward_with(in_place=True), "lstm_backward changed its argument dhs in place"),
        (lambda *a: _seq_backward(*a)[:3], "return the tuple (dxs, dh0, dc0, grads); got 3"),
        (
            lambda *a: (*_seq_backward(*a)[:3], {"W": 0}),
            "grads should be a dict with the keys 'W_x', 'W_h' and 'b'",
        ),
        (
            lambda *a: (_seq_backward(*a)[0] * 1.01, *_seq_backward(*a)[1:]),
            "dxs (T=5, N=3) is wrong at index (0, 0, 0)",
        ),
    ],
)
def test_lstm_backward_names_mistake(wrong, message):
    _expect(ch06.check_lstm_backward, wrong, message)


def test_lstm_backward_names_a_mutated_cache():
    def answer(dhs, cache):
        cache.cs[0] *= 0.0  # a reader who reuses the cache as scratch space
        return _seq_backward(dhs, cache)

    _expect(ch06.check_lstm_backward, answer, "changed its argument cache.cs in place")


def test_lstm_backward_points_back_to_a_wrong_step_backward():
    def lstm_step_backward(dh, dc, x, h_prev, c_prev, W, b):
        return _step_backward(dh, dc, x, h_prev, c_prev, W, b, forget=False)  # 6.3's mistake

    _expect(
        ch06.check_lstm_backward,
        _lstm_backward_on_steps(lstm_step_backward),
        "`lstm_backward` calls your `lstm_step_backward` from exercise 6.3, which is not right",
    )


_ERRORS = {"xs": 2e-10, "h0": 1e-10, "c0": 3e-10, "W_x": 1e-10, "W_h": 4e-10, "b": 1e-11}


def test_gradient_check_accepts_small_errors(capsys):
    ch06.check_gradient_check(_ERRORS)
    assert "✔ Exercise 6.6: your gradient check covers all six arrays" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("errors", "message"),
    [
        ({k: v for k, v in _ERRORS.items() if k not in ("h0", "c0")}, "leaves out h0, c0"),
        ({**_ERRORS, "W_h": 0.03}, "the relative error for W_h is 3.0e-02"),
        (dict.fromkeys(_ERRORS, 0.0), "every relative error is exactly 0"),
        ([1e-9], "errors should be the dict check_gradients returns, got list"),
    ],
)
def test_gradient_check_names_mistake(errors, message):
    _expect(ch06.check_gradient_check, errors, message)


# --------------------------------------------------------------------------- 6.7

_F, _O, _C0, _T = 0.95, 0.8, 5.0, 45


def _belt(*, power=_T, o=_O, at=None, tanh_prime=lambda c: 1 - np.tanh(c) ** 2):
    c_T = _F**power * _C0
    return o * tanh_prime(c_T if at is None else at) * _F**power


_HALF = 0.5 ** (1 / 45)


def test_belt_gradient_accepts_right_answers(capsys):
    ch06.check_belt_gradient(_belt(), _HALF)
    assert "✔ Exercise 6.7" in capsys.readouterr().out
    ch06.check_belt_gradient(round(_belt(), 6), round(_HALF, 6))  # pen and paper: 6 digits
    ch06.check_belt_gradient(np.float32(_belt()), np.float32(_HALF))
    assert capsys.readouterr().out.count("✔ Exercise 6.7") == 2


@pytest.mark.parametrize(
    ("dE", "f_half", "message"),
    [
        (_belt(power=44), _HALF, "there are 45 factors f between c_0 and c_45"),
        (_belt() / _F, _HALF, "so f^45, not f^44"),
        (_belt(power=46), _HALF, "not 46"),
        (_belt(o=1.0), _HALF, "the factor o is missing"),
        (_belt(tanh_prime=lambda c: 1.0), _HALF, "the derivative of tanh is missing"),
        (_belt(at=_C0), _HALF, "tanh' is taken at c_0"),
        (_belt(tanh_prime=lambda c: 1 - c**2), _HALF, "not 1 − c²"),
        (_belt(tanh_prime=np.tanh), _HALF, "the derivative of tanh is 1 − tanh²(c), not tanh"),
        (_F**_T, _HALF, "f^45 is the belt's factor alone"),
        (0.07, _HALF, "dE_dc0 = 0.07, expected 0.0627253"),
        (_belt(), 1 - 0.5 / 45, "first-order approximation"),
        (_belt(), 0.5 ** (1 / 44), "f^44 = 1/2 has one factor too few"),
        (_belt(), 0.5**45, "the 45th root of 1/2"),
        (_belt(), 0.99, "f_half = 0.99, expected 0.984715"),
        ("0.06", _HALF, "dE_dc0 should be a number, got str"),
        (_belt(), [0.98], "f_half should be a number, got list"),
    ],
)
def test_belt_gradient_names_mistake(dE, f_half, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch06.check_belt_gradient(dE, f_half)


# --------------------------------------------------------------------------- 6.8


def _sig(b):
    return 1 / (1 + math.exp(-b))


_PRED = {b: _sig(b) ** 45 for b in (0.0, 1.0, 3.0, 5.0)}


def _measure(*, block=1, which=2):
    from rnnbook.scratch import init_lstm_params, lstm_backward, lstm_forward

    out = {}
    for b_f in (0.0, 1.0, 3.0, 5.0):
        rng = np.random.default_rng(11)
        params = init_lstm_params(4, 16, rng=rng)
        params["b"][block * 16 : (block + 1) * 16] = b_f
        hs, cache = lstm_forward(rng.normal(size=(45, 32, 4)), None, None, params)
        dhs = np.zeros_like(hs)
        dhs[-1] = 1.0
        out[b_f] = float(np.abs(lstm_backward(dhs, cache)[which]).mean())
    return out


def test_forget_bias_experiment_accepts_a_run(capsys):
    ch06.check_forget_bias_experiment(_PRED, _measure())
    assert "✔ Exercise 6.8" in capsys.readouterr().out


def test_forget_bias_experiment_accepts_int_keys(capsys):
    ch06.check_forget_bias_experiment(
        {int(k): v for k, v in _PRED.items()}, {int(k): v for k, v in _measure().items()}
    )
    assert "✔ Exercise 6.8" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("predicted", "measured", "message"),
    [
        ({b: _sig(b) ** 44 for b in _PRED}, None, "σ(b_f)^44 has one factor too few"),
        ({b: (1 - _sig(b)) ** 45 for b in _PRED}, None, "uses 1 − f"),
        ({b: _sig(b) * 45 for b in _PRED}, None, "the factors multiply"),
        ({0.0: 1.0}, None, "predicted should have the keys [0.0, 1.0, 3.0, 5.0]"),
        ([1, 2, 3, 4], None, "predicted should be a dict {b_f: value}, got list"),
        (_PRED, "input", "matches the bias set on the input gate's block, b[0H:1H]"),
        (_PRED, {0.0: 1e-10, 1.0: 1e-4, 3.0: 0.5, 5.0: 50.0}, "measured[5] = 50, but this setup"),
    ],
)
def test_forget_bias_experiment_names_mistake(predicted, measured, message):
    if measured is None:
        measured = _measure()
    elif measured == "input":
        measured = _measure(block=0)
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch06.check_forget_bias_experiment(predicted, measured)
