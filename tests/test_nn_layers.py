"""rnnbook.nn layers against torch.nn layers (float64): outputs, states and every gradient."""

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnbook.nn import GRU, LSTM, RNN, GRUCell
from rnnbook.nn.layers import FusedGRU, FusedLSTM, FusedRNN

T, N, D, H = 6, 4, 3, 5
LAYERS = [(RNN, torch.nn.RNN), (LSTM, torch.nn.LSTM), (GRU, torch.nn.GRU)]


def _pair(ours_cls, theirs_cls, **kwargs):
    torch.manual_seed(0)
    theirs = theirs_cls(D, H, **kwargs).double()
    ours = ours_cls(D, H, **kwargs).double()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    ours.load_state_dict(theirs.state_dict())
    theirs.load_state_dict(ours.state_dict())
    return ours, theirs


def _as_tuple(state):
    return state if isinstance(state, tuple) else (state,)


@pytest.mark.parametrize(("ours_cls", "theirs_cls"), LAYERS)
@pytest.mark.parametrize("num_layers", [1, 2, 3])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("padded", [False, True])
def test_layer_matches_torch(ours_cls, theirs_cls, num_layers, bidirectional, padded):
    ours, theirs = _pair(ours_cls, theirs_cls, num_layers=num_layers, bidirectional=bidirectional)
    g = torch.Generator().manual_seed(1)
    lengths = torch.tensor([T, 2, 5, 1]) if padded else None
    x = torch.randn(T, N, D, generator=g, dtype=torch.double)
    if padded:  # junk in the padding must not matter
        pad = torch.arange(T)[:, None] >= lengths[None, :]
        x[pad] = 1e3 * torch.randn(int(pad.sum()), D, generator=g, dtype=torch.double)
    x.requires_grad_()
    layers_dirs = num_layers * (2 if bidirectional else 1)
    h0 = tuple(
        torch.randn(layers_dirs, N, H, generator=g, dtype=torch.double, requires_grad=True)
        for _ in range(2 if ours_cls is LSTM else 1)
    )
    state0 = h0 if ours_cls is LSTM else h0[0]

    out_ours, hn_ours = ours(x, state0, lengths=lengths)
    if padded:
        packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
        out_theirs, hn_theirs = theirs(packed, state0)
        out_theirs, _ = pad_packed_sequence(out_theirs, total_length=T)
        assert out_ours[~torch.arange(T)[:, None].lt(lengths)].abs().max() == 0
    else:
        out_theirs, hn_theirs = theirs(x, state0)
    results_ours = [out_ours, *_as_tuple(hn_ours)]
    results_theirs = [out_theirs, *_as_tuple(hn_theirs)]
    for a, b in zip(results_ours, results_theirs, strict=True):
        assert a.shape == b.shape
        assert (a - b).abs().max() < 1e-12

    weights = [torch.randn(r.shape, generator=g, dtype=torch.double) for r in results_ours]
    wrt_ours = [x, *h0, *ours.parameters()]
    wrt_theirs = [x, *h0, *theirs.parameters()]
    grads_ours = torch.autograd.grad(
        sum((w * r).sum() for w, r in zip(weights, results_ours, strict=True)), wrt_ours
    )
    grads_theirs = torch.autograd.grad(
        sum((w * r).sum() for w, r in zip(weights, results_theirs, strict=True)), wrt_theirs
    )
    for a, b in zip(grads_ours, grads_theirs, strict=True):
        assert (a - b).abs().max() < 1e-10


@pytest.mark.parametrize(("ours_cls", "theirs_cls"), LAYERS)
@pytest.mark.parametrize("bias", [True, False])
def test_batch_first_with_lengths_zero_state_and_float32(ours_cls, theirs_cls, bias):
    ours, theirs = _pair(ours_cls, theirs_cls, batch_first=True, num_layers=2, bias=bias)
    lengths = torch.tensor([T, 2, 5, 1])
    x = torch.randn(N, T, D, dtype=torch.double)
    out_ours, _ = ours(x)
    out_theirs, _ = theirs(x)
    assert out_ours.shape == (N, T, H)
    assert (out_ours - out_theirs).abs().max() < 1e-12
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out_packed, hn_theirs = theirs(packed)
    out_packed, _ = pad_packed_sequence(out_packed, batch_first=True, total_length=T)
    out_ours, hn_ours = ours(x, lengths=lengths)
    assert (out_ours - out_packed).abs().max() < 1e-12
    for a, b in zip(_as_tuple(hn_ours), _as_tuple(hn_theirs), strict=True):
        assert (a - b).abs().max() < 1e-12
    out32, _ = ours.float()(x.float())
    assert out32.dtype == torch.float32
    assert (out32.double() - out_theirs).abs().max() < 1e-5


def test_dropout_between_layers_only_in_training():
    torch.manual_seed(0)
    layer = LSTM(D, H, num_layers=2, dropout=0.5).double()
    x = torch.randn(T, N, D, dtype=torch.double)
    layer.eval()
    assert torch.equal(layer(x)[0], layer(x)[0])
    layer.train()
    assert not torch.equal(layer(x)[0], layer(x)[0])
    single = LSTM(D, H, num_layers=1, dropout=0.5).double()
    assert torch.equal(single(x)[0], single(x)[0])  # no dropout after the last layer


def test_gru_reset_before_layer_is_its_cell_unrolled():
    torch.manual_seed(0)
    layer = GRU(D, H, reset_after=False).double()
    cell = GRUCell(D, H, reset_after=False).double()
    cell.load_state_dict({k.removesuffix("_l0"): v for k, v in layer.state_dict().items()})
    x = torch.randn(T, N, D, dtype=torch.double)
    h, outputs = None, []
    for x_t in x:
        h = cell(x_t, h)
        outputs.append(h)
    out, h_n = layer(x)
    assert (out - torch.stack(outputs)).abs().max() < 1e-12
    assert (h_n[0] - h).abs().max() < 1e-12


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
def test_wrong_inputs_raise(cls):
    layer = cls(D, H, num_layers=2)
    shapes = r"\(T, N, 3\) or, unbatched, \(T, 3\)"
    with pytest.raises(
        ValueError, match=rf"expected sequence of shape {shapes}, received \(6, 4, 2\)"
    ):
        layer(torch.randn(T, N, 2))
    with pytest.raises(ValueError, match=r"expected sequence .* received \(6, 2\)"):
        layer(torch.randn(T, 2))
    with pytest.raises(ValueError, match=r"expected sequence .* received \(3,\)"):
        layer(torch.randn(D))
    with pytest.raises(ValueError, match=r"expected sequence .* received \(1, 6, 4, 3\)"):
        layer(torch.randn(1, T, N, D))

    def call(x, h):
        return layer(x, (h, h) if cls is LSTM else h)

    with pytest.raises(ValueError, match=r"expected h0 of shape \(2, 4, 5\), received \(1, 4, 5\)"):
        call(torch.randn(T, N, D), torch.zeros(1, N, H))
    with pytest.raises(ValueError, match=r"expected h0 of shape \(2, 4, 5\), received \(2, 3, 5\)"):
        call(torch.randn(T, N, D), torch.zeros(2, N - 1, H))  # batch sizes differ
    with pytest.raises(ValueError, match=r"expected h0 of shape \(2, 4, 5\), received \(2, 5\)"):
        call(torch.randn(T, N, D), torch.zeros(2, H))  # batched input, unbatched state
    with pytest.raises(
        ValueError,
        match=r"expected h0 of shape \(2, 5\) for an unbatched sequence, received \(2, 1, 5\)",
    ):
        call(torch.randn(T, D), torch.zeros(2, 1, H))
    if cls is LSTM:
        with pytest.raises(ValueError, match=r"expected the LSTM state as a pair \(h0, c0\)"):
            layer(torch.randn(T, N, D), torch.zeros(2, N, H))
        with pytest.raises(ValueError, match=r"expected c0 of shape \(2, 4, 5\), received"):
            layer(torch.randn(T, N, D), (torch.zeros(2, N, H), torch.zeros(2, N, H + 1)))
    with pytest.raises(ValueError, match=r"expected at least one step and one sequence"):
        layer(torch.randn(0, N, D))
    with pytest.raises(ValueError, match=r"expected every length in \[1, 6\], received min 0"):
        layer(torch.randn(T, N, D), lengths=torch.tensor([6, 0, 2, 3]))
    with pytest.raises(ValueError, match=r"expected lengths of shape \(4,\), received \(3,\)"):
        layer(torch.randn(T, N, D), lengths=[6, 1, 2])
    batch_first = cls(D, H, batch_first=True)
    with pytest.raises(
        ValueError,
        match=r"expected sequence of shape \(N, T, 3\) or, unbatched, \(T, 3\), received \(4, 6, 2",
    ):
        batch_first(torch.randn(N, T, 2))


FUSED = [(RNN, FusedRNN), (LSTM, FusedLSTM), (GRU, FusedGRU)]


@pytest.mark.parametrize(("ours_cls", "fused_cls"), FUSED)
@pytest.mark.parametrize("batch_first", [False, True])
def test_fused_layer_is_the_loop_with_lengths(ours_cls, fused_cls, batch_first):
    ours, fused = _pair(
        ours_cls, fused_cls, num_layers=2, bidirectional=True, batch_first=batch_first
    )
    assert isinstance(fused, torch.nn.RNNBase)  # torch.nn's own kernel
    lengths = torch.tensor([T, 2, 5, 1])
    x = torch.randn((N, T, D) if batch_first else (T, N, D), dtype=torch.double)
    for kwargs in ({}, {"lengths": lengths}):
        x_ours, x_fused = x.clone().requires_grad_(), x.clone().requires_grad_()
        out_ours, hn_ours = ours(x_ours, **kwargs)
        out_fused, hn_fused = fused(x_fused, **kwargs)
        results = list(
            zip([out_ours, *_as_tuple(hn_ours)], [out_fused, *_as_tuple(hn_fused)], strict=True)
        )
        for a, b in results:
            assert a.shape == b.shape and (a - b).abs().max() < 1e-12
        weights = [torch.randn(a.shape, dtype=torch.double) for a, _ in results]
        grads_ours = torch.autograd.grad(
            sum((w * a).sum() for w, (a, _) in zip(weights, results, strict=True)),
            [x_ours, *ours.parameters()],
        )
        grads_fused = torch.autograd.grad(
            sum((w * b).sum() for w, (_, b) in zip(weights, results, strict=True)),
            [x_fused, *fused.parameters()],
        )
        for a, b in zip(grads_ours, grads_fused, strict=True):
            assert (a - b).abs().max() < 1e-10


@pytest.mark.parametrize("cls", [FusedRNN, FusedLSTM, FusedGRU])
def test_fused_wrong_inputs_raise(cls):
    layer = cls(D, H)
    with pytest.raises(ValueError, match=r"expected sequence of shape \(T, N, 3\) or, unbatched"):
        layer(torch.randn(T, N, 2))
    with pytest.raises(ValueError, match=r"expected h0 of shape \(1, 5\) for an unbatched seq"):
        layer(
            torch.randn(T, D),
            (torch.zeros(1, 1, H),) * 2 if cls is FusedLSTM else torch.zeros(1, 1, H),
        )
    with pytest.raises(ValueError, match=r"expected at least one step"):
        layer(torch.randn(0, N, D))
    with pytest.raises(ValueError, match=r"expected every length in \[1, 6\], received min 0"):
        layer(torch.randn(T, N, D), lengths=torch.tensor([6, 0, 2, 3]))
    with pytest.raises(ValueError, match=r"expected lengths of shape \(4,\), received \(3,\)"):
        layer(torch.randn(T, N, D), lengths=[6, 1, 2])


@pytest.mark.parametrize(("ours_cls", "theirs_cls"), LAYERS + [(FusedLSTM, torch.nn.LSTM)])
@pytest.mark.parametrize("batch_first", [False, True])
def test_unbatched_sequence_is_a_batch_of_one(ours_cls, theirs_cls, batch_first):
    """``x (T, D)``, ``h0 (L·dirs, H)``: torch's shapes out, whatever ``batch_first`` says."""
    kwargs = {"num_layers": 2, "bidirectional": True, "batch_first": batch_first}
    ours, theirs = _pair(ours_cls, theirs_cls, **kwargs)
    g = torch.Generator().manual_seed(1)
    x = torch.randn(T, D, generator=g, dtype=torch.double)
    h0 = [
        torch.randn(4, H, generator=g, dtype=torch.double)
        for _ in range(2 if theirs_cls is torch.nn.LSTM else 1)
    ]
    out, h_n = ours(x, _state(h0))
    out_theirs, hn_theirs = theirs(x, _state(h0))
    out_batched, hn_batched = ours(
        x[None] if batch_first else x[:, None], _state([h[:, None] for h in h0])
    )
    assert out.shape == out_theirs.shape == (T, 2 * H)
    assert (out - out_theirs).abs().max() < 1e-12
    assert torch.equal(out, out_batched[0] if batch_first else out_batched[:, 0])
    for a, b, c in zip(_as_tuple(h_n), _as_tuple(hn_theirs), _as_tuple(hn_batched), strict=True):
        assert a.shape == b.shape == (4, H)
        assert (a - b).abs().max() < 1e-12 and torch.equal(a, c[:, 0])
    out_zero, _ = ours(x, lengths=[T])  # h0 = zeros; lengths (1,), the batch of one
    assert (out_zero - theirs(x)[0]).abs().max() < 1e-12


def _state(parts):
    return tuple(parts) if len(parts) == 2 else parts[0]


@pytest.mark.parametrize("ours_cls", [LSTM, FusedLSTM])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("padded", [False, True])
def test_lstm_projection_matches_torch(ours_cls, num_layers, bidirectional, padded):
    """``proj_size``: h of size P, parameters ``weight_hr_l{k}``; outputs and every gradient."""
    P = 2
    ours, theirs = _pair(
        ours_cls, torch.nn.LSTM, num_layers=num_layers, bidirectional=bidirectional, proj_size=P
    )
    dirs = 2 if bidirectional else 1
    assert ours.weight_hr_l0.shape == (P, H) and ours.weight_hh_l0.shape == (4 * H, P)
    g = torch.Generator().manual_seed(1)
    lengths = torch.tensor([T, 2, 5, 1]) if padded else None
    x = torch.randn(T, N, D, generator=g, dtype=torch.double, requires_grad=True)
    h0 = torch.randn(num_layers * dirs, N, P, generator=g, dtype=torch.double, requires_grad=True)
    c0 = torch.randn(num_layers * dirs, N, H, generator=g, dtype=torch.double, requires_grad=True)
    out, (h_n, c_n) = ours(x, (h0, c0), lengths=lengths)
    if padded:
        packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
        out_theirs, (hn_theirs, cn_theirs) = theirs(packed, (h0, c0))
        out_theirs, _ = pad_packed_sequence(out_theirs, total_length=T)
    else:
        out_theirs, (hn_theirs, cn_theirs) = theirs(x, (h0, c0))
    assert out.shape == (T, N, dirs * P) and h_n.shape == h0.shape and c_n.shape == c0.shape
    results = [(out, out_theirs), (h_n, hn_theirs), (c_n, cn_theirs)]
    for a, b in results:
        assert (a - b).abs().max() < 1e-12
    weights = [torch.randn(a.shape, generator=g, dtype=torch.double) for a, _ in results]
    grads = [
        torch.autograd.grad(
            sum((w * r[side]).sum() for w, r in zip(weights, results, strict=True)),
            [x, h0, c0, *module.parameters()],
        )
        for side, module in enumerate((ours, theirs))
    ]
    for a, b in zip(*grads, strict=True):
        assert (a - b).abs().max() < 1e-10


def test_lstm_projection_size_is_checked():
    for proj_size in (-1, H, H + 1):
        with pytest.raises(ValueError, match=r"expected 0 <= proj_size < hidden_size = 5"):
            LSTM(D, H, proj_size=proj_size)
    layer = LSTM(D, H, proj_size=2)
    with pytest.raises(ValueError, match=r"expected h0 of shape \(1, 4, 2\), received \(1, 4, 5\)"):
        layer(torch.randn(T, N, D), (torch.zeros(1, N, H), torch.zeros(1, N, H)))
    assert "proj_size=2" in repr(layer)
