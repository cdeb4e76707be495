"""The chapter 04 checkers accept right answers and name each plausible mistake."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnnbook.checks import CheckFailed, ch04


def _expect(checker, answer, message: str) -> None:
    with pytest.raises(CheckFailed, match=re.escape(message)):
        checker(answer)


def _stub(*args, **kwargs):
    raise NotImplementedError("Exercise 4")


# --------------------------------------------------------------------------- 4.1


def _jacobian(h, W_hh):
    return np.diag(1 - h**2) @ W_hh


def test_jacobian_accepts_right_answer(capsys):
    ch04.check_step_jacobian(_jacobian)
    assert "✔ Exercise 4.1" in capsys.readouterr().out


def test_jacobian_stub_is_reported():
    _expect(ch04.check_step_jacobian, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda h, W: W, "the tanh derivative is missing"),
        (lambda h, W: W @ np.diag(1 - h**2), "the derivative scales the columns"),
        (lambda h, W: np.diag(1 - h**2) @ W.T, "W_hh is transposed"),
        (lambda h, W: _jacobian(h, W).T, "the transpose of the Jacobian"),
        (lambda h, W: np.diag(1 - np.tanh(h) ** 2) @ W, "tanh is applied twice"),
        (lambda h, W: np.diag((1 - h) ** 2) @ W, "the square is misplaced"),
        (lambda h, W: np.diag(1 - h) @ W, "the square is missing"),
        (lambda h, W: 1 - h**2, "You returned the vector 1 − h_t²"),
        (lambda h, W: W[0], "is an (H, H) matrix, here (4, 4)"),
        (lambda h, W: _jacobian(h, W) + 1e-3, "the Jacobian for H=4 is wrong"),
    ],
)
def test_jacobian_names_mistake(wrong, message):
    _expect(ch04.check_step_jacobian, wrong, message)


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


def _bptt_with(**mistake):
    return lambda *args: _bptt(*args, **mistake)


def test_bptt_accepts_right_answer(capsys):
    ch04.check_bptt(_bptt)
    assert "✔ Exercise 4.3" in capsys.readouterr().out


def test_bptt_stub_is_reported():
    _expect(ch04.check_bptt, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_bptt_with(carry=False), "the gradient from the future is not carried"),
        (_bptt_with(transpose=True), "the carried gradient goes through W_hh transposed"),
        (_bptt_with(last_only=True), "only the last step's upstream gradient"),
        (_bptt_with(forward=True), "the loop runs forward in time"),
        (_bptt_with(only_step=0), "hold the first step's contribution only"),
        (_bptt_with(only_step=-1), "hold the last step's contribution only"),
        (_bptt_with(h_prev="same"), "h_prev is off by one"),
        (_bptt_with(h_prev="wrap"), "hs[t - 1] is hs[-1], the last state"),
        (_bptt_with(dh0="zero"), "dh0 is zero"),
        (_bptt_with(dh0="da"), "dh0 is da of the first step"),
        (_bptt_with(dh0="dh"), "dh0 is the gradient of h_1 = hs[0], not of h0"),
        (lambda *a: _bptt(*a)[::-1], "the outputs are in another order (position 0 holds db_h"),
        (lambda *a: _bptt(*a)[:4], "got 4 values"),
        (lambda *a: (_bptt(*a)[0] + 1e-3, *_bptt(*a)[1:]), "dxs (T=5, N=2, D=3, H=4) is wrong"),
    ],
)
def test_bptt_names_mistake(wrong, message):
    _expect(ch04.check_bptt, wrong, message)


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
        (lambda f, x, *, eps=1e-5: _centred(f, x, eps), "called as centred_difference(f, x, 0.0"),
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
