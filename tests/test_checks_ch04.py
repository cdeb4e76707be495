"""The chapter 04 checkers accept right answers and name each plausible mistake."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnnbook.checks import CheckFailed, ch04
from rnnbook.scratch import rnn_backward, rnn_forward


def _expect(checker, answer, message: str) -> None:
    with pytest.raises(CheckFailed, match=re.escape(message)):
        checker(answer)


def _stub(*args, **kwargs):
    raise NotImplementedError("Exercise 4")


# --------------------------------------------------------------------------- 4.1


def _jacobians(h, W_hh):
    return np.stack([np.diag(1 - row**2) @ W_hh for row in h])


def test_jacobians_accept_right_answer(capsys):
    ch04.check_step_jacobians(_jacobians)
    assert "✔ Exercise 4.1" in capsys.readouterr().out


def test_jacobians_stub_is_reported():
    _expect(ch04.check_step_jacobians, _stub, "is not implemented yet")


def _each(jacobian):
    return lambda h, W: np.stack([jacobian(row, W) for row in h])


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_each(lambda h, W: W), "the tanh derivative is missing"),
        (lambda h, W: (1 - h**2)[:, None, :] * W, "the derivative scales the columns"),
        (_each(lambda h, W: np.diag(1 - h**2) @ W.T), "W_hh is transposed"),
        (lambda h, W: _jacobians(h, W).transpose(0, 2, 1), "each Jacobian is transposed"),
        (_each(lambda h, W: np.diag(1 - np.tanh(h) ** 2) @ W), "tanh is applied twice"),
        (_each(lambda h, W: np.diag((1 - h) ** 2) @ W), "the square is misplaced"),
        (_each(lambda h, W: np.diag(1 - h) @ W), "the square is missing"),
        (lambda h, W: np.diag(1 - h[0] ** 2) @ W, "You returned one (H, H) matrix"),
        (lambda h, W: 1 - h**2, "You returned one vector per sequence"),
        (lambda h, W: (1 - h**2)[:, :, None], "(N, H, H) = (3, 4, 4)"),
        (lambda h, W: np.stack([np.diag(1 - h[0] ** 2) @ W] * len(h)), "sequences [1, 2]"),
        (lambda h, W: (1 - h**2)[:, None] * W, "the derivative scales the columns"),
        (lambda h, W: _jacobians(h, W) + 1e-3, "J for N=3, H=4 is wrong"),
    ],
)
def test_jacobians_name_mistake(wrong, message):
    _expect(ch04.check_step_jacobians, wrong, message)


def test_jacobians_broadcast_error_is_explained():
    def step_jacobians(h, W_hh):
        return (1 - h**2) * W_hh  # (N, H) * (H, H): fails for N ≠ H

    _expect(ch04.check_step_jacobians, step_jacobians, "(1 − h²)[:, :, None] of shape (N, H, 1)")


# --------------------------------------------------------------------------- 4.2


def _step_backward(dh, x, h_prev, h, W_xh, W_hh, tanh=True):
    da = dh * (1 - h**2) if tanh else dh
    return da @ W_xh, da @ W_hh, da.T @ x, da.T @ h_prev, da.sum(axis=0)


def _replace(position, wrong):
    """The right step backward with output ``position`` computed by ``wrong(values)``."""

    def answer(dh, x, h_prev, h, W_xh, W_hh):
        outputs = list(_step_backward(dh, x, h_prev, h, W_xh, W_hh))
        da = dh * (1 - h**2)
        values = {"da": da, "x": x, "h_prev": h_prev, "h": h, "W_xh": W_xh, "W_hh": W_hh}
        outputs[position] = wrong(values)
        return tuple(outputs)

    return answer


def _reordered(*args):
    dx, dh_prev, dW_xh, dW_hh, db_h = _step_backward(*args)
    return dh_prev, dx, dW_xh, dW_hh, db_h


def test_step_backward_accepts_right_answer(capsys):
    ch04.check_step_backward(_step_backward)
    assert "✔ Exercise 4.2" in capsys.readouterr().out


def test_step_backward_stub_is_reported():
    _expect(ch04.check_step_backward, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda *a: _step_backward(*a, tanh=False), "the tanh derivative is missing"),
        (_replace(3, lambda v: v["da"].T @ v["h"]), "dW_hh uses h where it needs h_prev"),
        (_replace(1, lambda v: v["da"] @ v["W_hh"].T), "dh_prev uses W_hh transposed"),
        (_replace(3, lambda v: v["h_prev"].T @ v["da"]), "dW_hh is transposed"),
        (_replace(2, lambda v: v["x"].T @ v["da"]), "dW_xh is transposed"),
        (_replace(4, lambda v: v["da"]), "db_h is not summed"),
        (_replace(4, lambda v: v["da"].sum(axis=1)), "db_h is summed over the wrong axis"),
        (_reordered, "position 0 holds dh_prev, position 1 holds dx"),
        (lambda *a: _step_backward(*a)[:3], "return the 5 arrays"),
        (lambda *a: _step_backward(*a)[0], "got a value of type ndarray"),
        (_replace(0, lambda v: v["da"] @ v["W_xh"].T), "raised ValueError"),
        (_replace(4, lambda v: v["da"].sum(axis=0) + 1e-3), "db_h (N=3, D=4, H=5) is wrong"),
    ],
)
def test_step_backward_names_mistake(wrong, message):
    _expect(ch04.check_step_backward, wrong, message)


# --------------------------------------------------------------------------- 4.3


def _bptt(dhs, xs, h0, hs, W_xh, W_hh, *, carry=True, transpose=False, last_only=False,
          forward=False, only_step=None, h_prev="right", dh0="right"):  # fmt: skip
    """The chapter's left-to-right BPTT (with switchable mistakes); 4.3 and 4.5 use it."""
    T = len(xs)
    dxs, dW_xh, dW_hh = np.zeros_like(xs), np.zeros_like(W_xh), np.zeros_like(W_hh)
    db_h = np.zeros(W_hh.shape[0])
    dh_next = np.zeros_like(h0)
    for t in range(T) if forward else reversed(range(T)):
        upstream = dhs[t] if t == T - 1 or not last_only else 0.0
        dh = upstream + (dh_next if carry else 0.0)
        da = dh * (1 - hs[t] ** 2)
        prev = {"right": hs[t - 1] if t > 0 else h0, "same": hs[t], "wrap": hs[t - 1]}[h_prev]
        dxs[t] = da @ W_xh
        if only_step is None or t == only_step % T:
            dW_xh += da.T @ xs[t]
            dW_hh += da.T @ prev
            db_h += da.sum(axis=0)
        if t == 0:
            first_dh, first_da = dh, da
        dh_next = da @ (W_hh.T if transpose else W_hh)
    dh0 = {"right": dh_next, "zero": np.zeros_like(h0), "da": first_da, "dh": first_dh}[dh0]
    return dxs, dh0, dW_xh, dW_hh, db_h


def _right_to_left(dhs, xs, h0, hs, W_xh, W_hh, *, down=False, prev="next", carry=True,
                   transpose=False, only_step=None, zero_dh0=False):  # fmt: skip
    """A reader's BPTT of the right-to-left RNN, with switchable mistakes."""
    T = len(xs)
    dxs, dW_xh, dW_hh = np.zeros_like(xs), np.zeros_like(W_xh), np.zeros_like(W_hh)
    db_h = np.zeros(len(W_hh))
    carried = np.zeros_like(h0)
    for t in reversed(range(T)) if down else range(T):
        if prev == "next":
            h_prev = hs[t + 1] if t + 1 < T else h0
        else:
            h_prev = hs[t - 1] if t > 0 or prev == "wrap" else h0
        dx, sent, dWx, dWh, db = _step_backward(
            dhs[t] + (carried if carry else 0.0), xs[t], h_prev, hs[t], W_xh, W_hh
        )
        dxs[t] = dx
        carried = sent if not transpose else (dhs[t] + carried) * (1 - hs[t] ** 2) @ W_hh.T
        if only_step is None or t == only_step % T:
            dW_xh, dW_hh, db_h = dW_xh + dWx, dW_hh + dWh, db_h + db
    return dxs, 0 * carried if zero_dh0 else carried, dW_xh, dW_hh, db_h


def _right_to_left_with(**mistake):
    return lambda *args: _right_to_left(*args, **mistake)


def test_right_to_left_accepts_right_answer(capsys):
    ch04.check_bptt_right_to_left(_right_to_left)
    assert "✔ Exercise 4.3" in capsys.readouterr().out


def test_right_to_left_stub_is_reported():
    _expect(ch04.check_bptt_right_to_left, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_bptt, "this is the chapter's bptt, for an RNN that reads left to right"),
        (_right_to_left_with(down=True), "the loop runs from t = T − 1 down to 0"),
        (_right_to_left_with(prev="previous"), "h_prev is hs[t − 1], the left-to-right habit"),
        (_right_to_left_with(prev="wrap"), "Python's hs[-1] wraps round"),
        (_right_to_left_with(carry=False), "the gradient from the other steps is not carried"),
        (_right_to_left_with(transpose=True), "goes through W_hh transposed"),
        (_right_to_left_with(only_step=0), "the step at t = 0 only"),
        (_right_to_left_with(only_step=-1), "the step at t = T − 1 only"),
        (_right_to_left_with(zero_dh0=True), "dh0 is zero"),
        (lambda *a: _right_to_left(*a)[::-1], "the outputs are in another order"),
        (lambda *a: _right_to_left(*a)[:4], "got 4 values"),
        (
            lambda *a: (_right_to_left(*a)[0] + 1e-3, *_right_to_left(*a)[1:]),
            "dxs (T=5, N=2, D=3, H=4) is wrong",
        ),
    ],
)
def test_right_to_left_names_mistake(wrong, message):
    _expect(ch04.check_bptt_right_to_left, wrong, message)


def test_right_to_left_one_based_loop():
    # The first attempt: the time loop numbered 1 … T, as in the equations.
    def bptt_right_to_left(dhs, xs, h0, hs, W_xh, W_hh):
        T = len(xs)
        dxs = np.zeros_like(xs)
        dW_xh, dW_hh, db_h = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros(len(W_hh))
        carried = np.zeros_like(h0)
        for t in range(1, T + 1):
            h_prev = hs[t + 1] if t + 1 < T else h0
            dxs[t], carried, dWx, dWh, db = _step_backward(
                dhs[t] + carried, xs[t], h_prev, hs[t], W_xh, W_hh
            )
        return dxs, carried, dW_xh, dW_hh, db_h

    with pytest.raises(CheckFailed) as info:
        ch04.check_bptt_right_to_left(bptt_right_to_left)
    message = str(info.value)
    assert "raised IndexError (index 5 is out of bounds for axis 0 with size 5)" in message
    assert "    dhs[t] + carried, xs[t], h_prev, hs[t], W_xh, W_hh" in message  # the reader's line
    assert "Python numbers the T steps 0 … T − 1" in message


def test_right_to_left_no_state_after_the_last():
    def bptt_right_to_left(dhs, xs, h0, hs, W_xh, W_hh):
        out = None
        for t in range(len(xs)):
            out = _step_backward(dhs[t], xs[t], hs[t + 1], hs[t], W_xh, W_hh)
        return out

    _expect(ch04.check_bptt_right_to_left, bptt_right_to_left, "there is no hs[T]")


def test_right_to_left_blames_the_stub_helper():
    def step_backward(dh, x, h_prev, h, W_xh, W_hh):
        raise NotImplementedError("Exercise 4.2: one step backward")

    def bptt_right_to_left(dhs, xs, h0, hs, W_xh, W_hh):
        return step_backward(dhs[0], xs[0], h0, hs[0], W_xh, W_hh)

    _expect(
        ch04.check_bptt_right_to_left,
        bptt_right_to_left,
        "`bptt_right_to_left` calls `step_backward` (exercise 4.2), which is still a stub: "
        "solve exercise 4.2 first",
    )


def test_right_to_left_blames_a_wrong_helper():
    def step_backward(dh, x, h_prev, h, W_xh, W_hh):
        return _step_backward(dh, x, h_prev, h, W_xh, W_hh, tanh=False)

    def bptt_right_to_left(dhs, xs, h0, hs, W_xh, W_hh):
        T = len(xs)
        dxs = np.zeros_like(xs)
        dW_xh, dW_hh, db_h = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros(len(W_hh))
        carried = np.zeros_like(h0)
        for t in range(T):
            h_prev = hs[t + 1] if t + 1 < T else h0
            dxs[t], carried, dWx, dWh, db = step_backward(
                dhs[t] + carried, xs[t], h_prev, hs[t], W_xh, W_hh
            )
            dW_xh, dW_hh, db_h = dW_xh + dWx, dW_hh + dWh, db_h + db
        return dxs, carried, dW_xh, dW_hh, db_h

    with pytest.raises(CheckFailed) as info:
        ch04.check_bptt_right_to_left(bptt_right_to_left)
    message = str(info.value)
    assert "calls your `step_backward` from exercise 4.2, which is not right yet" in message
    assert "the tanh derivative is missing" in message


# --------------------------------------------------------------------------- 4.4


def _centred(f, x, eps=1e-5, restore=True, divide=2):
    grad = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        saved = x[k]
        x[k] = saved + eps
        up = f(x)
        x[k] = saved - eps
        down = f(x)
        if restore:
            x[k] = saved
        grad[k] = (up - down) / (divide * eps)
    return grad


def _forward_difference(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[k] = eps
        grad[k] = (f(x + step) - f(x)) / eps
    return grad


def _rows_only(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for i in range(len(x)):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (f(up) - f(down)) / (2 * eps)
    return grad


def _vector_only(f, x, eps=1e-5):
    grad = np.zeros(len(x))
    for i in range(len(x)):
        step = np.zeros(len(x))
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def _relative(a, b):
    total = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if total == 0 else float(np.linalg.norm(a - b) / total)


def test_gradient_tools_accept_right_answer(capsys):
    ch04.check_gradient_tools(_centred, _relative)
    out = capsys.readouterr().out
    assert "✔ Exercise 4.4" in out
    assert "a forward difference's" in out


def test_gradient_tools_stub_is_reported():
    with pytest.raises(CheckFailed, match="is not implemented yet"):
        ch04.check_gradient_tools(_centred, _stub)
    with pytest.raises(CheckFailed, match="is not implemented yet"):
        ch04.check_gradient_tools(_stub, _relative)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_forward_difference, "this is the forward difference"),
        (lambda f, x, eps=1e-5: _centred(f, x, eps, divide=1), "the result is twice too large"),
        (lambda f, x, eps=1e-5: _centred(f, x, eps, restore=False), "x changed"),
        (_rows_only, "x[i] is a whole row, so your loop works for 1-D x only"),
        (_vector_only, "It works for 1-D x only"),
        (
            lambda f, x, *, eps=1e-5: _centred(f, x, eps),
            "the checker called centred_difference(f, x, 0.001)",
        ),
        (lambda f, x, eps=1e-5: _centred(f, x, eps).ravel(), "the gradient has x's shape"),
        (lambda f, x, eps=1e-5: _centred(f, x, eps) + 1e-3, "for x of shape (6,) is wrong"),
    ],
)
def test_centred_difference_names_mistake(wrong, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch04.check_gradient_tools(wrong, _relative)


def _relative_by_division(a, b):
    return float(np.linalg.norm(a - b)) / float(np.linalg.norm(a) + np.linalg.norm(b))


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda a, b: float(np.linalg.norm(a - b)), "is the plain ‖a − b‖"),
        (
            lambda a, b: np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b)),
            "divides by max(‖a‖, ‖b‖)",
        ),
        (
            lambda a, b: float(np.linalg.norm(a - b) / np.linalg.norm(a)),
            "relative_error divides by ‖a‖ alone",
        ),
        (
            lambda a, b: np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)),
            "returned nan when both gradients are zero",
        ),
        (_relative_by_division, "raised ZeroDivisionError"),
        (lambda a, b: np.abs(a - b) / (np.abs(a) + np.abs(b) + 1), "should return one number"),
        (lambda a, b: 2 * _relative(a, b), "relative_error(a, b) is wrong"),
    ],
)
def test_relative_error_names_mistake(wrong, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch04.check_gradient_tools(_centred, wrong)


# --------------------------------------------------------------------------- 4.5


def _rnn(xs, h, p):
    hs = []
    for x in xs:
        h = np.tanh(x @ p["W_xh"].T + h @ p["W_hh"].T + p["b_h"])
        hs.append(h)
    return np.stack(hs)


def _chunk_grads(xs, h0, p, dhs):
    hs = _rnn(xs, h0, p)
    _, _, dW_xh, dW_hh, db_h = _bptt(dhs, xs, h0, hs, p["W_xh"], p["W_hh"])
    return {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h}


def _truncated(xs, h0, p, R, tau, *, carry=True, cut=True, last=True, add=True):
    T = len(xs)
    if not cut:
        return _chunk_grads(xs, h0, p, R)
    total = {k: np.zeros_like(v) for k, v in p.items()}
    h = h0
    for start in range(0, T if last else T - T % tau, tau):
        chunk = slice(start, start + tau)
        grads = _chunk_grads(xs[chunk], h if carry else h0, p, R[chunk])
        total = {k: (total[k] if add else 0) + grads[k] for k in total}
        h = _rnn(xs[chunk], h, p)[-1]
    return total


def _truncated_with(**mistake):
    return lambda *args: _truncated(*args, **mistake)


def test_truncated_accepts_right_answer(capsys):
    ch04.check_truncated_grads(_truncated)
    assert "✔ Exercise 4.5" in capsys.readouterr().out


def test_truncated_stub_is_reported():
    _expect(ch04.check_truncated_grads, _stub, "is not implemented yet")


def _without_bias(*args):
    grads = _truncated(*args)
    del grads["b_h"]
    return grads


def _transposed_W_xh(*args):
    grads = _truncated(*args)
    grads["W_xh"] = grads["W_xh"].T
    return grads


def _truncated_unpacked(xs, h0, p, R, tau, *, mistake):
    """A reader's truncated_grads with the package, each ``mistake`` an unpacking slip."""
    grads = {k: np.zeros_like(p[k]) for k in ("W_xh", "W_hh", "b_h")}
    h = h0
    for start in range(0, len(xs), tau):
        chunk = slice(start, start + tau)
        if mistake == "forward":
            out = rnn_forward(xs[chunk], h, p)  # the pair (hs, cache), kept whole
            chunk_grads = rnn_backward(R[chunk], out[1])[2]
            h = out[-1]  # the cache, not the last state
        else:
            hs, cache = rnn_forward(xs[chunk], h, p)
            if mistake == "two names":
                _, chunk_grads = rnn_backward(R[chunk], cache)
            else:  # "tuple"
                chunk_grads = rnn_backward(R[chunk], cache)
            h = hs[-1]
        for key in grads:
            grads[key] += chunk_grads[key]
    return grads


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ("forward", "The error came from inside `rnn_forward`"),
        ("two names", "The number of names on the left must match"),
        ("tuple", "A tuple was indexed with a key"),
    ],
)
def test_truncated_unpacking_slips_are_explained(mistake, message):
    def truncated_grads(xs, h0, p, R, tau):
        return _truncated_unpacked(xs, h0, p, R, tau, mistake=mistake)

    with pytest.raises(CheckFailed, match=re.escape(message)) as info:
        ch04.check_truncated_grads(truncated_grads)
    assert "rnn_forward returns the pair (hs, cache)" in str(info.value)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_truncated_with(carry=False), "every chunk starts from h0"),
        (_truncated_with(cut=False), "the gradient flows across chunk boundaries"),
        (_truncated_with(last=False), "the chunks are [0, 4), [4, 8), [8, 10)"),
        (_truncated_with(add=False), "only the last chunk's gradients are returned"),
        (_without_bias, "the dict lacks ['b_h']"),
        (_transposed_W_xh, 'grads["W_xh"] (T=10, tau=4) has shape (3, 4), expected (4, 3)'),
        (lambda *a: tuple(_truncated(*a).values()), "return a dict with keys"),
        (
            lambda xs, h0, p, R, tau: _truncated(xs, h0, p, R, min(tau, 4)),
            "With tau ≥ T there is one chunk, so this is full BPTT.",
        ),
    ],
)
def test_truncated_names_mistake(wrong, message):
    _expect(ch04.check_truncated_grads, wrong, message)


# --------------------------------------------------------------------------- 4.7

_LINEAR = {"dE_dw": 3.0, "dE_du": 4.0, "n_factors": 5}


def test_linear_rnn_accepts_the_right_numbers(capsys):
    ch04.check_linear_rnn(_LINEAR)
    assert "✔ Exercise 4.7" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("dE_dw", 2.0, "only the immediate term h_2"),
        ("dE_dw", 1.5, "one factor w too many"),
        ("dE_dw", 5.5, "uses h_k where h_"),
        ("dE_dw", 4.0, "factors w that carry each term"),
        ("dE_du", 3.0, "only the immediate term x_3"),
        ("dE_du", 6.0, "factors w that carry each term"),
        ("dE_du", 2.0, "one factor w too many"),
        ("n_factors", 6, "one too many"),
        ("n_factors", 4, "one too few"),
        ("dE_dw", 3.5, "is not right"),
        ("n_factors", None, "fill in n_factors"),
    ],
)
def test_linear_rnn_names_the_slip(key, value, message):
    with pytest.raises(CheckFailed, match=r"Exercise 4\.7: .*" + message):
        ch04.check_linear_rnn({**_LINEAR, key: value})


# --------------------------------------------------------------------------- 4.8


def _run_truncation(truncated, error, key="W_hh"):
    measured = {}
    for scale in ch04.TRUNCATION_SCALES:
        xs, h0, params, R = ch04.truncation_case(scale)
        full = truncated(xs, h0, params, R, ch04.TRUNCATION_T)[key]
        measured[scale] = [
            error(truncated(xs, h0, params, R, tau)[key], full) for tau in ch04.TRUNCATION_TAUS
        ]
    return measured


def test_truncation_experiment_accepts_a_run_and_reports_the_prediction(capsys):
    measured = _run_truncation(ch04._truncated, _relative)
    assert np.mean(measured[2.0]) > np.mean(measured[0.5]) + 0.3  # the lesson, with margin
    ch04.check_truncation_experiment("large", measured)
    out = capsys.readouterr().out
    assert "✔ Exercise 4.8" in out and "as you predicted" in out
    ch04.check_truncation_experiment("small", measured)
    assert "not as you predicted" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("key", "error", "message"),
    [
        ("W_xh", _relative, "errors of ∂E/∂W_xh"),
        ("W_hh", lambda a, b: float(np.linalg.norm(a - b) / np.linalg.norm(b)), "‖full‖ alone"),
        ("W_hh", lambda a, b: float(np.linalg.norm(a - b)), "plain ‖truncated − full‖"),
    ],
)
def test_truncation_experiment_names_the_slip(key, error, message):
    measured = _run_truncation(ch04._truncated, error, key=key)
    with pytest.raises(CheckFailed, match=r"Exercise 4\.8: .*" + message):
        ch04.check_truncation_experiment("large", measured)


def test_truncation_experiment_sends_wrong_helpers_back():
    def no_carry(xs, h0, params, R, tau):
        return ch04._truncated(xs, h0, params, R, tau, carry_state=False)

    measured = _run_truncation(no_carry, _relative)
    with pytest.raises(
        CheckFailed, match=r"Exercise 4\.8: your `truncated_grads` from exercise 4\.5"
    ):
        ch04.check_truncation_experiment("large", measured, truncated_grads=no_carry)

    def by_max(a, b):
        return float(np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b)))

    measured = _run_truncation(ch04._truncated, by_max)
    with pytest.raises(
        CheckFailed, match=r"Exercise 4\.8: your `relative_error` from exercise 4\.4"
    ):
        ch04.check_truncation_experiment("large", measured, relative_error=by_max)


def test_truncation_experiment_rejects_malformed_answers():
    measured = _run_truncation(ch04._truncated, _relative)
    with pytest.raises(CheckFailed, match="'small' or 'large'"):
        ch04.check_truncation_experiment("longer", measured)
    with pytest.raises(CheckFailed, match="no entry for the scale 2.0"):
        ch04.check_truncation_experiment("large", {0.5: measured[0.5]})
    with pytest.raises(CheckFailed, match="should hold 5 errors"):
        ch04.check_truncation_experiment("large", {**measured, 0.5: measured[0.5][:3]})
    with pytest.raises(ValueError, match="positive scale"):
        ch04.truncation_case(0.0)
