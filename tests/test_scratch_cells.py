"""The numpy RNN, LSTM (and variants) and GRU: gradient checks, torch equality, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnbook.scratch import (
    check_gradients,
    gru_backward,
    gru_forward,
    gru_step_backward,
    gru_step_forward,
    init_gru_params,
    init_lstm_params,
    init_rnn_params,
    lstm_backward,
    lstm_forward,
    lstm_step_backward,
    lstm_step_forward,
    output_backward,
    output_forward,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
)

T, N, D, H = 4, 3, 5, 4
P = 2  # the LSTM's projected hidden size
STEP_TOL, SEQUENCE_TOL = 1e-7, 1e-6
LSTM_VARIANTS = [(False, False), (True, False), (False, True), (True, True)]  # peephole, coupled


def randomised(params: dict, seed: int) -> dict:
    """The same keys and shapes, filled with N(0, 0.5²) values (non-zero biases included)."""
    rng = np.random.default_rng(seed)
    return {key: 0.5 * rng.standard_normal(value.shape) for key, value in params.items()}


def report(name: str, errors: dict[str, float], tol: float) -> None:
    worst = max(errors, key=errors.get)
    print(f"\ngradcheck {name}: worst relative error {errors[worst]:.2e} ({worst})")
    assert all(e < tol for e in errors.values()), f"{name}: {errors}"


def projections(seed: int, *shapes):
    """Random upstream gradients R: the loss Σ out ⊙ R makes every output entry count."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for shape in shapes]


# ----------------------------------------------------------------------------- gradient checks


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_step_gradients(nonlinearity):
    params = randomised(init_rnn_params(D, H), 1)
    rng = np.random.default_rng(2)
    arrays = {"x": rng.standard_normal((N, D)), "h_prev": rng.standard_normal((N, H)), **params}
    (R,) = projections(3, (N, H))

    def loss_and_grads():
        h, cache = rnn_step_forward(arrays["x"], arrays["h_prev"], params, nonlinearity)
        dx, dh_prev, grads = rnn_step_backward(R, cache)
        return float((h * R).sum()), {"x": dx, "h_prev": dh_prev, **grads}

    report(f"rnn_step ({nonlinearity})", check_gradients(loss_and_grads, arrays), STEP_TOL)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_sequence_gradients(nonlinearity):
    params = randomised(init_rnn_params(D, H), 1)
    rng = np.random.default_rng(2)
    arrays = {"xs": rng.standard_normal((T, N, D)), "h0": rng.standard_normal((N, H)), **params}
    (R,) = projections(3, (T, N, H))

    def loss_and_grads():
        hs, cache = rnn_forward(arrays["xs"], arrays["h0"], params, nonlinearity)
        dxs, dh0, grads = rnn_backward(R, cache)
        return float((hs * R).sum()), {"xs": dxs, "h0": dh0, **grads}

    report(f"rnn_forward ({nonlinearity})", check_gradients(loss_and_grads, arrays), SEQUENCE_TOL)


def test_output_layer_gradients():
    params = randomised(init_rnn_params(D, H, output_size=6), 1)
    params = {"W_hy": params["W_hy"], "b_y": params["b_y"]}
    arrays = {"hs": np.random.default_rng(2).standard_normal((T, N, H)), **params}
    (R,) = projections(3, (T, N, 6))

    def loss_and_grads():
        logits, cache = output_forward(arrays["hs"], params)
        dhs, grads = output_backward(R, cache)
        return float((logits * R).sum()), {"hs": dhs, **grads}

    report("output layer", check_gradients(loss_and_grads, arrays), STEP_TOL)


@pytest.mark.parametrize("proj_size", [0, P])
@pytest.mark.parametrize(("peephole", "coupled"), LSTM_VARIANTS)
def test_lstm_step_gradients(peephole, coupled, proj_size):
    params = randomised(
        init_lstm_params(D, H, peephole=peephole, coupled=coupled, proj_size=proj_size), 1
    )
    rng = np.random.default_rng(2)
    arrays = {
        "x": rng.standard_normal((N, D)),
        "h_prev": rng.standard_normal((N, proj_size or H)),
        "c_prev": rng.standard_normal((N, H)),
        **params,
    }
    Rh, Rc = projections(3, (N, proj_size or H), (N, H))

    def loss_and_grads():
        h, c, cache = lstm_step_forward(
            arrays["x"], arrays["h_prev"], arrays["c_prev"], params, peephole, coupled
        )
        dx, dh_prev, dc_prev, grads = lstm_step_backward(Rh, Rc, cache)
        loss = float((h * Rh).sum() + (c * Rc).sum())
        return loss, {"x": dx, "h_prev": dh_prev, "c_prev": dc_prev, **grads}

    name = f"lstm_step (peephole={peephole}, coupled={coupled}, proj_size={proj_size})"
    report(name, check_gradients(loss_and_grads, arrays), STEP_TOL)


@pytest.mark.parametrize("proj_size", [0, P])
@pytest.mark.parametrize(("peephole", "coupled"), LSTM_VARIANTS)
def test_lstm_sequence_gradients(peephole, coupled, proj_size):
    """Every output h_t and the final cell state c_T count in the loss (``dc_T``)."""
    params = randomised(
        init_lstm_params(D, H, peephole=peephole, coupled=coupled, proj_size=proj_size), 1
    )
    rng = np.random.default_rng(2)
    arrays = {
        "xs": rng.standard_normal((T, N, D)),
        "h0": rng.standard_normal((N, proj_size or H)),
        "c0": rng.standard_normal((N, H)),
        **params,
    }
    R, Rc = projections(3, (T, N, proj_size or H), (N, H))

    def loss_and_grads():
        hs, cache = lstm_forward(
            arrays["xs"], arrays["h0"], arrays["c0"], params, peephole, coupled
        )
        dxs, dh0, dc0, grads = lstm_backward(R, cache, dc_T=Rc)
        loss = float((hs * R).sum() + (cache.cs[-1] * Rc).sum())
        return loss, {"xs": dxs, "h0": dh0, "c0": dc0, **grads}

    name = f"lstm_forward (peephole={peephole}, coupled={coupled}, proj_size={proj_size})"
    report(name, check_gradients(loss_and_grads, arrays), SEQUENCE_TOL)


def test_lstm_backward_through_chunks_equals_one_pass():
    """Truncated BPTT without truncation: chunk 2's dh0 and dc0 go back into chunk 1 as
    upstream gradients of its final h and (through ``dc_T``) its final c; the gradients then
    equal those of one pass over the whole sequence. Without ``dc_T`` they would not."""
    params = randomised(init_lstm_params(D, H, peephole=True), 1)
    rng = np.random.default_rng(2)
    xs, h0, c0 = rng.standard_normal((6, N, D)), rng.standard_normal((N, H)), np.zeros((N, H))
    (R,) = projections(3, (6, N, H))
    _, full = lstm_forward(xs, h0, c0, params, peephole=True)
    dxs_full, dh0_full, dc0_full, grads_full = lstm_backward(R, full)
    first_hs, first = lstm_forward(xs[:3], h0, c0, params, peephole=True)
    _, second = lstm_forward(xs[3:], first_hs[-1], first.cs[-1], params, peephole=True)
    dxs_2, dh_mid, dc_mid, grads_2 = lstm_backward(R[3:], second)
    R_1 = R[:3].copy()
    R_1[-1] += dh_mid
    dxs_1, dh0_1, dc0_1, grads_1 = lstm_backward(R_1, first, dc_T=dc_mid)
    np.testing.assert_allclose(np.concatenate([dxs_1, dxs_2]), dxs_full, rtol=0, atol=1e-12)
    np.testing.assert_allclose(dh0_1, dh0_full, rtol=0, atol=1e-12)
    np.testing.assert_allclose(dc0_1, dc0_full, rtol=0, atol=1e-12)
    for key in grads_full:
        np.testing.assert_allclose(grads_1[key] + grads_2[key], grads_full[key], atol=1e-12)
    assert np.abs(lstm_backward(R_1, first)[0] - dxs_1).max() > 1e-3  # dc_T matters


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_step_gradients(reset_after):
    params = randomised(init_gru_params(D, H), 1)
    rng = np.random.default_rng(2)
    arrays = {"x": rng.standard_normal((N, D)), "h_prev": rng.standard_normal((N, H)), **params}
    (R,) = projections(3, (N, H))

    def loss_and_grads():
        h, cache = gru_step_forward(arrays["x"], arrays["h_prev"], params, reset_after)
        dx, dh_prev, grads = gru_step_backward(R, cache)
        return float((h * R).sum()), {"x": dx, "h_prev": dh_prev, **grads}

    name = f"gru_step (reset_after={reset_after})"
    report(name, check_gradients(loss_and_grads, arrays), STEP_TOL)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_sequence_gradients(reset_after):
    params = randomised(init_gru_params(D, H), 1)
    rng = np.random.default_rng(2)
    arrays = {"xs": rng.standard_normal((T, N, D)), "h0": rng.standard_normal((N, H)), **params}
    (R,) = projections(3, (T, N, H))

    def loss_and_grads():
        hs, cache = gru_forward(arrays["xs"], arrays["h0"], params, reset_after)
        dxs, dh0, grads = gru_backward(R, cache)
        return float((hs * R).sum()), {"xs": dxs, "h0": dh0, **grads}

    name = f"gru_forward (reset_after={reset_after})"
    report(name, check_gradients(loss_and_grads, arrays), SEQUENCE_TOL)


def test_gradient_check_catches_a_wrong_backward():
    """A backward pass that forgets the recurrent path (dh_prev) must fail the check."""
    params = randomised(init_rnn_params(D, H), 1)
    rng = np.random.default_rng(2)
    arrays = {"xs": rng.standard_normal((T, N, D)), "h0": rng.standard_normal((N, H))}
    (R,) = projections(3, (T, N, H))

    def truncated_loss_and_grads():
        hs, _ = rnn_forward(arrays["xs"], arrays["h0"], params)
        h_prevs = np.concatenate([arrays["h0"][None], hs[:-1]])
        steps = [rnn_step_forward(arrays["xs"][t], h_prevs[t], params)[1] for t in range(T)]
        dxs = np.stack([rnn_step_backward(R[t], steps[t])[0] for t in range(T)])
        return float((hs * R).sum()), {"xs": dxs, "h0": np.zeros((N, H))}

    errors = check_gradients(truncated_loss_and_grads, arrays)
    assert errors["xs"] > 1e-3 and errors["h0"] == 1.0


# ------------------------------------------------------------------------- equality with torch


def torch_inputs(seed: int):
    rng = np.random.default_rng(seed)
    xs = torch.tensor(rng.standard_normal((T, N, D)), requires_grad=True)
    h0 = torch.tensor(rng.standard_normal((1, N, H)), requires_grad=True)
    c0 = torch.tensor(rng.standard_normal((1, N, H)), requires_grad=True)
    R = rng.standard_normal((T, N, H))
    return xs, h0, c0, R


def numpy_of(t: torch.Tensor) -> np.ndarray:
    return t.detach().numpy()


def assert_close(ours: np.ndarray, theirs: torch.Tensor, what: str) -> None:
    error = np.abs(ours - numpy_of(theirs)).max()
    assert error < 1e-10, f"{what}: max abs difference {error:.2e}"


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_equals_torch(nonlinearity):
    torch.manual_seed(0)
    net = torch.nn.RNN(D, H, nonlinearity=nonlinearity).double()
    xs, h0, _, R = torch_inputs(1)
    params = {
        "W_xh": numpy_of(net.weight_ih_l0),
        "W_hh": numpy_of(net.weight_hh_l0),
        "b_h": numpy_of(net.bias_ih_l0 + net.bias_hh_l0),
    }
    hs, cache = rnn_forward(numpy_of(xs), numpy_of(h0[0]), params, nonlinearity)
    out, h_n = net(xs, h0)
    assert_close(hs, out, "hs")
    assert_close(hs[-1], h_n[0], "final state")

    (out * torch.tensor(R)).sum().backward()
    dxs, dh0, grads = rnn_backward(R, cache)
    assert_close(dxs, xs.grad, "dxs")
    assert_close(dh0, h0.grad[0], "dh0")
    assert_close(grads["W_xh"], net.weight_ih_l0.grad, "W_xh")
    assert_close(grads["W_hh"], net.weight_hh_l0.grad, "W_hh")
    assert_close(grads["b_h"], net.bias_ih_l0.grad, "b_h")


def test_lstm_equals_torch():
    torch.manual_seed(0)
    net = torch.nn.LSTM(D, H).double()
    xs, h0, c0, R = torch_inputs(1)
    params = {
        "W_x": numpy_of(net.weight_ih_l0),
        "W_h": numpy_of(net.weight_hh_l0),
        "b": numpy_of(net.bias_ih_l0 + net.bias_hh_l0),
    }
    hs, cache = lstm_forward(numpy_of(xs), numpy_of(h0[0]), numpy_of(c0[0]), params)
    out, (h_n, c_n) = net(xs, (h0, c0))
    assert_close(hs, out, "hs")
    assert_close(cache.cs[-1], c_n[0], "final cell state")

    (out * torch.tensor(R)).sum().backward()
    dxs, dh0, dc0, grads = lstm_backward(R, cache)
    assert_close(dxs, xs.grad, "dxs")
    assert_close(dh0, h0.grad[0], "dh0")
    assert_close(dc0, c0.grad[0], "dc0")
    assert_close(grads["W_x"], net.weight_ih_l0.grad, "W_x")
    assert_close(grads["W_h"], net.weight_hh_l0.grad, "W_h")
    assert_close(grads["b"], net.bias_ih_l0.grad, "b")


def test_lstm_projection_equals_torch():
    """``W_hr`` is torch.nn.LSTM's ``weight_hr_l0`` (``proj_size``): outputs and gradients."""
    torch.manual_seed(0)
    net = torch.nn.LSTM(D, H, proj_size=P).double()
    xs, _, c0, _ = torch_inputs(1)
    rng = np.random.default_rng(4)
    h0 = torch.tensor(rng.standard_normal((1, N, P)), requires_grad=True)
    R, Rc = rng.standard_normal((T, N, P)), rng.standard_normal((N, H))
    params = {
        "W_x": numpy_of(net.weight_ih_l0),
        "W_h": numpy_of(net.weight_hh_l0),
        "b": numpy_of(net.bias_ih_l0 + net.bias_hh_l0),
        "W_hr": numpy_of(net.weight_hr_l0),
    }
    hs, cache = lstm_forward(numpy_of(xs), numpy_of(h0[0]), numpy_of(c0[0]), params)
    out, (h_n, c_n) = net(xs, (h0, c0))
    assert hs.shape == (T, N, P)
    assert_close(hs, out, "hs")
    assert_close(cache.cs[-1], c_n[0], "final cell state")

    ((out * torch.tensor(R)).sum() + (c_n[0] * torch.tensor(Rc)).sum()).backward()
    dxs, dh0, dc0, grads = lstm_backward(R, cache, dc_T=Rc)
    assert_close(dxs, xs.grad, "dxs")
    assert_close(dh0, h0.grad[0], "dh0")
    assert_close(dc0, c0.grad[0], "dc0")
    for ours, theirs in [("W_x", "weight_ih_l0"), ("W_h", "weight_hh_l0"), ("b", "bias_ih_l0"),
                         ("W_hr", "weight_hr_l0")]:  # fmt: skip
        assert_close(grads[ours], getattr(net, theirs).grad, ours)


def test_gru_reset_after_equals_torch():
    torch.manual_seed(0)
    net = torch.nn.GRU(D, H).double()
    xs, h0, _, R = torch_inputs(1)
    params = {
        "W_x": numpy_of(net.weight_ih_l0),
        "W_h": numpy_of(net.weight_hh_l0),
        "b_x": numpy_of(net.bias_ih_l0),
        "b_h": numpy_of(net.bias_hh_l0),
    }
    hs, cache = gru_forward(numpy_of(xs), numpy_of(h0[0]), params, reset_after=True)
    out, _ = net(xs, h0)
    assert_close(hs, out, "hs")

    (out * torch.tensor(R)).sum().backward()
    dxs, dh0, grads = gru_backward(R, cache)
    assert_close(dxs, xs.grad, "dxs")
    assert_close(dh0, h0.grad[0], "dh0")
    for ours, theirs in [("W_x", "weight_ih_l0"), ("W_h", "weight_hh_l0"), ("b_x", "bias_ih_l0"),
                         ("b_h", "bias_hh_l0")]:  # fmt: skip
        assert_close(grads[ours], getattr(net, theirs).grad, ours)


def test_gru_reset_before_differs_from_torch_only_in_the_candidate():
    """Cho et al.'s form, checked against the equation written independently in torch."""
    params = randomised(init_gru_params(D, H), 1)
    xs, h0, _, _ = torch_inputs(1)
    hs, _ = gru_forward(numpy_of(xs), numpy_of(h0[0]), params, reset_after=False)
    p = {key: torch.tensor(value) for key, value in params.items()}
    h = h0[0]
    for x in xs:
        r = torch.sigmoid(x @ p["W_x"][:H].T + p["b_x"][:H] + h @ p["W_h"][:H].T + p["b_h"][:H])
        z = torch.sigmoid(
            x @ p["W_x"][H : 2 * H].T + p["b_x"][H : 2 * H]
            + h @ p["W_h"][H : 2 * H].T + p["b_h"][H : 2 * H]
        )  # fmt: skip
        n = torch.tanh(x @ p["W_x"][2 * H :].T + p["b_x"][2 * H :]
                       + (r * h) @ p["W_h"][2 * H :].T + p["b_h"][2 * H :])  # fmt: skip
        h = (1 - z) * n + z * h
    assert_close(hs[-1], h, "final state")
    hs_after, _ = gru_forward(numpy_of(xs), numpy_of(h0[0]), params, reset_after=True)
    assert np.abs(hs_after - hs).max() > 1e-3  # the two conventions are different functions


@pytest.mark.parametrize(("peephole", "coupled"), LSTM_VARIANTS[1:])
def test_lstm_variants_equal_their_equations(peephole, coupled):
    """Peephole and coupled forward passes against the equations written gate by gate."""
    params = randomised(init_lstm_params(D, H, peephole=peephole, coupled=coupled), 1)
    xs, h0, c0, _ = torch_inputs(1)
    hs, cache = lstm_forward(
        numpy_of(xs), numpy_of(h0[0]), numpy_of(c0[0]), params, peephole, coupled
    )
    p = {key: torch.tensor(value) for key, value in params.items()}
    names = ["f", "g", "o"] if coupled else ["i", "f", "g", "o"]
    W = dict(zip(names, p["W_x"].split(H), strict=True))
    U = dict(zip(names, p["W_h"].split(H), strict=True))
    b = dict(zip(names, p["b"].split(H), strict=True))
    zero = torch.zeros(H, dtype=torch.float64)
    w_ci, w_cf, w_co = (p.get(k, zero) for k in ("w_ci", "w_cf", "w_co"))
    h, c = h0[0], c0[0]
    for x in xs:
        f = torch.sigmoid(x @ W["f"].T + h @ U["f"].T + b["f"] + w_cf * c)
        i = 1 - f if coupled else torch.sigmoid(x @ W["i"].T + h @ U["i"].T + b["i"] + w_ci * c)
        c = f * c + i * torch.tanh(x @ W["g"].T + h @ U["g"].T + b["g"])
        o = torch.sigmoid(x @ W["o"].T + h @ U["o"].T + b["o"] + w_co * c)
        h = o * torch.tanh(c)
    assert_close(hs[-1], h, "final hidden state")
    assert_close(cache.cs[-1], c, "final cell state")


# --------------------------------------------------------------------- truncated BPTT and state


def test_state_carried_across_chunks_equals_one_pass():
    rng = np.random.default_rng(0)
    xs, h0, c0 = rng.standard_normal((6, N, D)), rng.standard_normal((N, H)), np.zeros((N, H))
    rnn = randomised(init_rnn_params(D, H), 1)
    full, _ = rnn_forward(xs, h0, rnn)
    first, _ = rnn_forward(xs[:3], h0, rnn)
    second, _ = rnn_forward(xs[3:], first[-1], rnn)
    np.testing.assert_allclose(np.concatenate([first, second]), full, rtol=0, atol=1e-14)

    lstm = randomised(init_lstm_params(D, H, peephole=True), 1)
    full, _ = lstm_forward(xs, h0, c0, lstm, peephole=True)
    first, cache = lstm_forward(xs[:3], h0, c0, lstm, peephole=True)
    second, _ = lstm_forward(xs[3:], first[-1], cache.cs[-1], lstm, peephole=True)
    np.testing.assert_allclose(np.concatenate([first, second]), full, rtol=0, atol=1e-14)

    gru = randomised(init_gru_params(D, H), 1)
    full, _ = gru_forward(xs, h0, gru)
    first, _ = gru_forward(xs[:3], h0, gru)
    second, _ = gru_forward(xs[3:], first[-1], gru)
    np.testing.assert_allclose(np.concatenate([first, second]), full, rtol=0, atol=1e-14)


def test_step_and_sequence_agree():
    rng = np.random.default_rng(0)
    xs, h0 = rng.standard_normal((T, N, D)), rng.standard_normal((N, H))
    params = randomised(init_lstm_params(D, H, coupled=True), 1)
    hs, cache = lstm_forward(xs, h0, None, params, coupled=True)
    h, c = h0, np.zeros((N, H))
    for t in range(T):
        h, c, step = lstm_step_forward(xs[t], h, c, params, coupled=True)
        np.testing.assert_allclose(step.f, cache.f[t], rtol=0, atol=1e-14)
    np.testing.assert_allclose(h, hs[-1], rtol=0, atol=1e-14)


def test_initialisation_is_seeded_and_shaped():
    a, b = init_lstm_params(D, H, 7, peephole=True), init_lstm_params(D, H, 7, peephole=True)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert {k: v.shape for k, v in a.items()} == {
        "W_x": (4 * H, D), "W_h": (4 * H, H), "b": (4 * H,),
        "w_ci": (H,), "w_cf": (H,), "w_co": (H,),
    }  # fmt: skip
    assert init_lstm_params(D, H, coupled=True)["W_x"].shape == (3 * H, D)
    projected = init_lstm_params(D, H, proj_size=P)
    assert projected["W_h"].shape == (4 * H, P) and projected["W_hr"].shape == (P, H)
    assert set(init_rnn_params(D, H, output_size=7)) == {"W_xh", "W_hh", "b_h", "W_hy", "b_y"}
    assert set(init_gru_params(D, H)) == {"W_x", "W_h", "b_x", "b_h"}
    assert not np.array_equal(init_gru_params(D, H, 1)["W_h"], init_gru_params(D, H, 2)["W_h"])


# --------------------------------------------------------------------------------- bad input


def test_wrong_input_size_names_both_shapes():
    params = init_rnn_params(D, H)
    with pytest.raises(
        ValueError, match=r"x: expected shape \(N, D\) = \(N, 5\), received \(3, 4\)"
    ):
        rnn_step_forward(np.zeros((N, 4)), np.zeros((N, H)), params)
    with pytest.raises(ValueError, match=r"h_prev: expected shape .*\(3, 4\), received \(2, 4\)"):
        rnn_step_forward(np.zeros((N, D)), np.zeros((2, H)), params)
    with pytest.raises(ValueError, match=r"xs: expected shape \(T, N, D\).*received \(3, 5\)"):
        rnn_forward(np.zeros((N, D)), None, params)
    with pytest.raises(ValueError, match=r"c0: expected shape \(N, H\) = \(3, 4\), received"):
        lstm_forward(np.zeros((T, N, D)), None, np.zeros((N, H + 1)), init_lstm_params(D, H))
    with pytest.raises(ValueError, match=r"h0: expected shape"):
        gru_forward(np.zeros((T, N, D)), np.zeros((N + 1, H)), init_gru_params(D, H))


def test_wrong_upstream_gradient_shape():
    hs, cache = gru_forward(np.zeros((T, N, D)), None, init_gru_params(D, H))
    with pytest.raises(ValueError, match=r"dhs: expected shape \(T, N, H\) = \(4, 3, 4\)"):
        gru_backward(np.zeros((T - 1, N, H)), cache)
    _, _, step = lstm_step_forward(np.zeros((N, D)), np.zeros((N, H)), np.zeros((N, H)),
                                   init_lstm_params(D, H))  # fmt: skip
    with pytest.raises(ValueError, match=r"dc: expected shape"):
        lstm_step_backward(np.zeros((N, H)), np.zeros((N, H + 2)), step)
    hs, cache = lstm_forward(np.zeros((T, N, D)), None, None, init_lstm_params(D, H))
    with pytest.raises(ValueError, match=r"dc_T: expected shape \(N, H\) = \(3, 4\)"):
        lstm_backward(np.zeros_like(hs), cache, dc_T=np.zeros((N, H + 1)))


def test_lstm_projection_is_checked():
    with pytest.raises(ValueError, match=r"expected 0 <= proj_size < hidden_size = 4"):
        init_lstm_params(D, H, proj_size=H)
    params = init_lstm_params(D, H, proj_size=P)
    with pytest.raises(ValueError, match=r"h0: expected shape \(N, H\) = \(3, 2\)"):
        lstm_forward(np.zeros((T, N, D)), np.zeros((N, H)), None, params)
    with pytest.raises(ValueError, match=r"params\['W_h'\]: expected shape \(16, 2\)"):
        lstm_forward(np.zeros((T, N, D)), None, None, {**params, "W_h": np.zeros((4 * H, H))})
    with pytest.raises(ValueError, match=r"expected 'W_hr' of shape \(P, H\)"):
        lstm_forward(np.zeros((T, N, D)), None, None, {**params, "W_hr": np.zeros(H)})


def test_parameters_must_match_the_variant():
    with pytest.raises(ValueError, match=r"missing \['w_ci', 'w_cf', 'w_co'\]"):
        lstm_forward(np.zeros((T, N, D)), None, None, init_lstm_params(D, H), peephole=True)
    with pytest.raises(ValueError, match=r"params\['W_x'\]: expected shape \(12, 5\), received"):
        lstm_forward(np.zeros((T, N, D)), None, None, init_lstm_params(D, H), coupled=True)
    params = init_gru_params(D, H)
    params["b_h"] = np.zeros(H)
    with pytest.raises(
        ValueError, match=r"params\['b_h'\]: expected shape \(12,\), received \(4,\)"
    ):
        gru_step_forward(np.zeros((N, D)), np.zeros((N, H)), params)
    with pytest.raises(ValueError, match="nonlinearity"):
        rnn_forward(np.zeros((T, N, D)), None, init_rnn_params(D, H), nonlinearity="sigmoid")


def test_non_finite_values_are_reported():
    xs = np.zeros((T, N, D))
    xs[2, 1, 3] = np.nan
    with pytest.raises(ValueError, match=r"xs contains 1 non-finite value.*index \(2, 1, 3\)"):
        rnn_forward(xs, None, init_rnn_params(D, H))
    params = init_lstm_params(D, H)
    params["W_h"][0, 0] = np.inf
    with pytest.raises(ValueError, match=r"params\['W_h'\] contains 1 non-finite"):
        lstm_forward(np.zeros((T, N, D)), None, None, params)
    hs, cache = rnn_forward(np.zeros((T, N, D)), None, init_rnn_params(D, H))
    with pytest.raises(ValueError, match="dhs contains"):
        rnn_backward(np.full(hs.shape, np.inf), cache)
    bad_state = np.zeros((N, H))
    bad_state[0, 1] = np.nan
    with pytest.raises(ValueError, match=r"c0 contains 1 non-finite"):
        lstm_forward(np.zeros((T, N, D)), None, bad_state, init_lstm_params(D, H))
    with pytest.raises(ValueError, match=r"h0 contains 1 non-finite"):
        gru_forward(np.zeros((T, N, D)), bad_state, init_gru_params(D, H))
    with pytest.raises(ValueError, match=r"h_prev contains 1 non-finite"):
        rnn_step_forward(np.zeros((N, D)), bad_state, init_rnn_params(D, H))
    with pytest.raises(ValueError, match=r"c_prev contains 1 non-finite"):
        lstm_step_forward(np.zeros((N, D)), np.zeros((N, H)), bad_state, init_lstm_params(D, H))


def test_empty_sequence_is_rejected():
    with pytest.raises(ValueError, match=r"xs is empty \(shape \(0, 3, 5\)\)"):
        gru_forward(np.zeros((0, N, D)), None, init_gru_params(D, H))


@pytest.mark.filterwarnings("error")
def test_saturated_gates_stay_finite():
    """Huge pre-activations saturate σ and tanh without overflow warnings or NaN."""
    params = init_lstm_params(D, H, peephole=True)
    hs, cache = lstm_forward(np.full((T, N, D), 1e4), None, None, params, peephole=True)
    assert np.isfinite(hs).all() and np.isfinite(lstm_backward(np.ones_like(hs), cache)[0]).all()
