"""rnnbook.nn cells against torch.nn cells (float64) and against their own equations."""

import pytest
import torch

from rnnbook.nn import GRUCell, LSTMCell, RNNCell
from rnnbook.scratch import gru_step_forward, lstm_step_forward

D, H, N = 5, 4, 3


def _grads(outputs, tensors, seed=1):
    """Gradients of a random linear function of ``outputs`` w.r.t. ``tensors``."""
    g = torch.Generator().manual_seed(seed)
    loss = sum((o * torch.randn(o.shape, generator=g, dtype=o.dtype)).sum() for o in outputs)
    return torch.autograd.grad(loss, tensors)


def _pair(ours_cls, theirs_cls, **kwargs):
    torch.manual_seed(0)
    theirs = theirs_cls(D, H, **kwargs).double()
    ours = ours_cls(D, H, **kwargs).double()
    ours.load_state_dict(theirs.state_dict())
    theirs.load_state_dict(ours.state_dict())  # and back: same names and shapes
    return ours, theirs


@pytest.mark.parametrize(
    ("ours_cls", "theirs_cls", "kwargs"),
    [
        (RNNCell, torch.nn.RNNCell, {"nonlinearity": "tanh"}),
        (RNNCell, torch.nn.RNNCell, {"nonlinearity": "relu"}),
        (RNNCell, torch.nn.RNNCell, {"bias": False}),
        (GRUCell, torch.nn.GRUCell, {}),
        (LSTMCell, torch.nn.LSTMCell, {}),
        (LSTMCell, torch.nn.LSTMCell, {"bias": False}),
    ],
)
def test_cell_matches_torch(ours_cls, theirs_cls, kwargs):
    ours, theirs = _pair(ours_cls, theirs_cls, **kwargs)
    x = torch.randn(N, D, dtype=torch.double, requires_grad=True)
    h = torch.randn(N, H, dtype=torch.double, requires_grad=True)
    c = torch.randn(N, H, dtype=torch.double, requires_grad=True)
    if ours_cls is LSTMCell:
        out_ours, out_theirs, inputs = ours(x, (h, c)), theirs(x, (h, c)), [x, h, c]
    else:
        out_ours, out_theirs, inputs = (ours(x, h),), (theirs(x, h),), [x, h]
    for a, b in zip(out_ours, out_theirs, strict=True):
        assert (a - b).abs().max() < 1e-12
    g_ours = _grads(out_ours, [*inputs, *ours.parameters()])
    g_theirs = _grads(out_theirs, [*inputs, *theirs.parameters()])
    for a, b in zip(g_ours, g_theirs, strict=True):
        assert (a - b).abs().max() < 1e-10


def test_zero_state_default():
    ours, theirs = _pair(GRUCell, torch.nn.GRUCell)
    x = torch.randn(N, D, dtype=torch.double)
    assert torch.allclose(ours(x), theirs(x), atol=1e-12)


def test_coupled_lstm_is_lstm_with_input_gate_minus_forget():
    """σ(-a) = 1 - σ(a): a coupled cell equals a standard one whose i rows are -(f rows)."""
    torch.manual_seed(0)
    coupled = LSTMCell(D, H, coupled=True).double()
    assert coupled.weight_ih.shape == (3 * H, D)
    standard = LSTMCell(D, H).double()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            f, g, o = getattr(coupled, name).chunk(3, 0)
            getattr(standard, name).copy_(torch.cat([-f, f, g, o]))
    x, h, c = (torch.randn(N, k, dtype=torch.double) for k in (D, H, H))
    for a, b in zip(coupled(x, (h, c)), standard(x, (h, c)), strict=True):
        assert (a - b).abs().max() < 1e-12


def test_peephole_lstm_equations():
    torch.manual_seed(0)
    cell = LSTMCell(D, H, peephole=True).double()
    x, h, c = (torch.randn(N, k, dtype=torch.double) for k in (D, H, H))
    a = x @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh
    a_i, a_f, a_g, a_o = a.chunk(4, 1)
    i = torch.sigmoid(a_i + cell.peephole_i * c)
    f = torch.sigmoid(a_f + cell.peephole_f * c)
    c_new = f * c + i * torch.tanh(a_g)
    h_new = torch.sigmoid(a_o + cell.peephole_o * c_new) * torch.tanh(c_new)
    h_ours, c_ours = cell(x, (h, c))
    assert (h_ours - h_new).abs().max() < 1e-12 and (c_ours - c_new).abs().max() < 1e-12
    with torch.no_grad():  # zero peepholes: the standard LSTM
        for p in (cell.peephole_i, cell.peephole_f, cell.peephole_o):
            p.zero_()
    standard = LSTMCell(D, H).double()
    standard.load_state_dict(cell.state_dict(), strict=False)
    for a, b in zip(cell(x, (h, c)), standard(x, (h, c)), strict=True):
        assert (a - b).abs().max() < 1e-12


@pytest.mark.parametrize(
    "kwargs", [{"peephole": True}, {"coupled": True}, {"peephole": True, "coupled": True}]
)
def test_lstm_variants_gradcheck(kwargs):
    torch.manual_seed(0)
    cell = LSTMCell(3, 2, **kwargs).double()
    x, h, c = (torch.randn(2, k, dtype=torch.double, requires_grad=True) for k in (3, 2, 2))
    assert torch.autograd.gradcheck(lambda *t: cell(t[0], (t[1], t[2])), (x, h, c))
    assert all(p.grad is None for p in cell.parameters())
    sum(o.sum() for o in cell(x, (h, c))).backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in cell.parameters())


def test_gru_reset_before_equations():
    torch.manual_seed(0)
    cell = GRUCell(D, H, reset_after=False).double()
    x, h = torch.randn(N, D, dtype=torch.double), torch.randn(N, H, dtype=torch.double)
    W_r, W_z, W_n = cell.weight_hh.chunk(3, 0)
    b_r, b_z, b_n = cell.bias_hh.chunk(3, 0)
    x_r, x_z, x_n = (x @ cell.weight_ih.T + cell.bias_ih).chunk(3, 1)
    r = torch.sigmoid(x_r + h @ W_r.T + b_r)
    z = torch.sigmoid(x_z + h @ W_z.T + b_z)
    n = torch.tanh(x_n + (r * h) @ W_n.T + b_n)
    expected = (1 - z) * n + z * h
    assert (cell(x, h) - expected).abs().max() < 1e-12
    assert (GRUCell(D, H).double()(x, h) - expected).abs().max() > 1e-3  # the forms differ
    x.requires_grad_(), h.requires_grad_()
    assert torch.autograd.gradcheck(cell, (x, h))


def _call(cell, x, h):
    return cell(x, (h, h)) if isinstance(cell, LSTMCell) else cell(x, h)


@pytest.mark.parametrize("cls", [RNNCell, LSTMCell, GRUCell])
def test_wrong_sizes_raise(cls):
    cell = cls(D, H)
    shapes = r"\(N, 5\) or, unbatched, \(5,\)"
    with pytest.raises(ValueError, match=rf"expected input of shape {shapes}, received \(3, 6\)"):
        cell(torch.randn(N, D + 1))
    with pytest.raises(ValueError, match=r"expected input .* received \(2, 3, 5\)"):
        cell(torch.randn(2, N, D))  # a sequence is not a step
    with pytest.raises(ValueError, match=r"expected input .* received \(\)"):
        cell(torch.tensor(1.0))
    state = r"expected state( h)? of shape"
    with pytest.raises(ValueError, match=rf"{state} \(3, 4\), received \(3, 5\)"):
        _call(cell, torch.randn(N, D), torch.randn(N, H + 1))
    with pytest.raises(ValueError, match=rf"{state} \(3, 4\), received \(2, 4\)"):
        _call(cell, torch.randn(N, D), torch.randn(2, H))  # batch sizes differ
    with pytest.raises(ValueError, match=rf"{state} \(3, 4\), received \(4,\)"):
        _call(cell, torch.randn(N, D), torch.randn(H))  # batched input, unbatched state
    with pytest.raises(
        ValueError, match=rf"{state} \(4,\) for an unbatched input, received \(1, 4\)"
    ):
        _call(cell, torch.randn(D), torch.randn(1, H))


def test_lstm_cell_state_must_be_a_pair():
    with pytest.raises(ValueError, match=r"expected the LSTM state as a pair \(h, c\)"):
        LSTMCell(D, H)(torch.randn(N, D), torch.randn(N, H))


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        (RNNCell, {}),
        (GRUCell, {}),
        (GRUCell, {"reset_after": False}),
        (LSTMCell, {}),
        (LSTMCell, {"peephole": True, "coupled": True}),
    ],
)
def test_unbatched_step_is_a_batch_of_one(cls, kwargs):
    """``x (D,)``, state ``(H,)``: the batched step with N = 1, without the batch axis."""
    torch.manual_seed(0)
    cell = cls(D, H, **kwargs).double()
    x, h, c = (torch.randn(k, dtype=torch.double) for k in (D, H, H))
    state = (h, c) if cls is LSTMCell else h
    batched_state = (h[None], c[None]) if cls is LSTMCell else h[None]
    for single, batched in [
        (cell(x, state), cell(x[None], batched_state)),
        (cell(x), cell(x[None])),
    ]:
        for a, b in zip(_as_tuple(single), _as_tuple(batched), strict=True):
            assert a.shape == (H,) and torch.equal(a, b[0])


def _as_tuple(state):
    return state if isinstance(state, tuple) else (state,)


@pytest.mark.parametrize("peephole", [False, True])
@pytest.mark.parametrize("coupled", [False, True])
def test_lstm_variants_equal_the_numpy_cells(peephole, coupled):
    """The torch variants and rnnbook.scratch implement the same equations and layout."""
    torch.manual_seed(0)
    cell = LSTMCell(D, H, peephole=peephole, coupled=coupled).double()
    params = {
        "W_x": cell.weight_ih.detach().numpy(),
        "W_h": cell.weight_hh.detach().numpy(),
        "b": (cell.bias_ih + cell.bias_hh).detach().numpy(),
    }
    if peephole:
        for gate in ("f", "o") if coupled else ("i", "f", "o"):
            params[f"w_c{gate}"] = getattr(cell, f"peephole_{gate}").detach().numpy()
    x, h, c = (torch.randn(N, k, dtype=torch.double) for k in (D, H, H))
    h_np, c_np, _ = lstm_step_forward(
        x.numpy(), h.numpy(), c.numpy(), params, peephole=peephole, coupled=coupled
    )
    h_t, c_t = cell(x, (h, c))
    assert abs(h_t.detach().numpy() - h_np).max() < 1e-12
    assert abs(c_t.detach().numpy() - c_np).max() < 1e-12


@pytest.mark.parametrize("reset_after", [False, True])
def test_gru_forms_equal_the_numpy_cells(reset_after):
    """Both GRU forms: the torch cell and rnnbook.scratch agree, outputs and layout."""
    torch.manual_seed(0)
    cell = GRUCell(D, H, reset_after=reset_after).double()
    params = {
        "W_x": cell.weight_ih.detach().numpy(),
        "W_h": cell.weight_hh.detach().numpy(),
        "b_x": cell.bias_ih.detach().numpy(),
        "b_h": cell.bias_hh.detach().numpy(),
    }
    x, h = torch.randn(N, D, dtype=torch.double), torch.randn(N, H, dtype=torch.double)
    h_np, _ = gru_step_forward(x.numpy(), h.numpy(), params, reset_after=reset_after)
    assert abs(cell(x, h).detach().numpy() - h_np).max() < 1e-12


def _gates_and_cell(N=3, H=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(N, 4 * H, generator=g, dtype=torch.double, requires_grad=True)
    c = torch.randn(N, H, generator=g, dtype=torch.double, requires_grad=True)
    return a, c


def test_lstm_pointwise_gradcheck():
    from rnnbook.nn.cells import LSTMPointwise

    a, c = _gates_and_cell()
    assert torch.autograd.gradcheck(LSTMPointwise.apply, (a, c))
    out = LSTMPointwise.apply(a, c)
    (da,) = torch.autograd.grad(out[0].sum(), a, create_graph=True)
    with pytest.raises(RuntimeError, match="once_differentiable|does not require grad"):
        torch.autograd.grad(da.sum(), a)


def test_lstm_pointwise_equals_unfused_step():
    """Values and gradients of the fused step equal the plain lines of lstm_step."""
    from rnnbook.nn.cells import lstm_step

    N, H = 5, 6
    g = torch.Generator().manual_seed(2)
    xw, h, c, w = (
        torch.randn(*shape, generator=g, dtype=torch.double, requires_grad=True)
        for shape in ((N, 4 * H), (N, H), (N, H), (4 * H, H))
    )
    plain = lstm_step(xw, h, c, w, None)
    fused = lstm_step(xw, h, c, w, None, fused=True)
    for p, f in zip(plain, fused, strict=True):
        torch.testing.assert_close(f, p, rtol=0, atol=1e-12)
    inputs = (xw, h, c, w)
    weights = [torch.randn(N, H, generator=g, dtype=torch.double) for _ in range(2)]
    grads_plain = torch.autograd.grad(
        sum((o * v).sum() for o, v in zip(plain, weights, strict=True)), inputs
    )
    grads_fused = torch.autograd.grad(
        sum((o * v).sum() for o, v in zip(fused, weights, strict=True)), inputs
    )
    for p, f in zip(grads_plain, grads_fused, strict=True):
        torch.testing.assert_close(f, p, rtol=0, atol=1e-12)


def test_lstm_pointwise_only_h_or_only_c_used():
    """A loss on h alone or on c alone: autograd passes zeros for the other gradient."""
    from rnnbook.nn.cells import lstm_pointwise

    for k in (0, 1):
        a, c = _gates_and_cell(seed=k)
        assert torch.autograd.gradcheck(lambda a, c, k=k: lstm_pointwise(a, c)[k], (a, c))


def test_lstm_pointwise_rejects_bad_shapes():
    from rnnbook.nn.cells import lstm_pointwise

    with pytest.raises(ValueError, match=r"\(N, 4H\)"):
        lstm_pointwise(torch.zeros(3, 10), torch.zeros(3, 4))


def test_lstm_layer_fused_gates_equal_plain():
    from rnnbook.nn import LSTM

    torch.manual_seed(0)
    layer = LSTM(3, 5, num_layers=2, bidirectional=True).double()
    x = torch.randn(7, 4, 3, dtype=torch.double, requires_grad=True)
    results = []
    for fused in (True, False):
        layer.fused_gates = fused
        out, (h, c) = layer(x, lengths=torch.tensor([7, 3, 5, 1]))
        loss = out.pow(2).sum() + h.sum() + c.sum()
        results.append((out, *torch.autograd.grad(loss, [x, *layer.parameters()])))
    for f, p in zip(*results, strict=True):
        torch.testing.assert_close(f, p, rtol=0, atol=1e-12)
