"""Seq2Seq: attention variants, masking, fused layers, teacher forcing and scheduled sampling."""

import math

import pytest
import torch

from rnnbook.nn import Seq2Seq
from rnnbook.nn.models import inverse_sigmoid_decay

V = 7


def _tokens(T, N, seed=0, high=V):
    return torch.randint(0, high, (T, N), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("attention", [False, True, "bahdanau", "luong"])
@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_fused_seq2seq_equals_the_loop(attention, cell):
    torch.manual_seed(0)
    loop = Seq2Seq(V, V + 1, embed_dim=4, hidden_size=6, attention=attention, cell=cell)
    fused = Seq2Seq(
        V, V + 1, embed_dim=4, hidden_size=6, attention=attention, cell=cell, fused=True
    )
    fused.load_state_dict(loop.state_dict())
    src, tgt, lengths = _tokens(5, 3), _tokens(4, 3, seed=1), torch.tensor([5, 2, 3])
    assert torch.allclose(loop(src, lengths, tgt), fused(src, lengths, tgt), atol=1e-5)


@pytest.mark.parametrize(("attention", "residual"), [("bahdanau", False), ("luong", False),
                                                     ("bahdanau", True)])  # fmt: skip
def test_attention_ignores_padding_and_sums_to_one(attention, residual):
    torch.manual_seed(0)
    model = Seq2Seq(
        V, V + 1, embed_dim=4, hidden_size=6, attention=attention, residual=residual
    ).eval()
    src, tgt, lengths = _tokens(5, 3), _tokens(4, 3, seed=1), torch.tensor([5, 2, 3])
    logits, weights = model(src, lengths, tgt, return_attention=True)
    junk = src.clone()
    junk[2:, 1], junk[3:, 2] = 6, 6
    assert torch.allclose(model(junk, lengths, tgt), logits, atol=1e-6)
    assert weights.shape == (4, 3, 5)
    assert torch.allclose(weights.sum(-1), torch.ones(4, 3))
    assert weights[:, 1, 2:].abs().max() == 0 and weights[:, 2, 3:].abs().max() == 0


def test_luong_attention_all_at_once_equals_step_by_step():
    """Teacher forcing computes the luong decoder in one pass; decode_step must agree."""
    torch.manual_seed(0)
    model = Seq2Seq(V, V + 1, embed_dim=4, hidden_size=6, attention="luong").eval()
    src, tgt, lengths = _tokens(5, 3), _tokens(4, 3, seed=1), torch.tensor([5, 2, 3])
    logits, weights = model(src, lengths, tgt, return_attention=True)
    memory, state, mask = model.encode(src, lengths)
    for t in range(4):
        step, state, alpha = model.decode_step(tgt[t], state, memory, mask)
        assert torch.allclose(step, logits[t], atol=1e-6)
        assert torch.allclose(alpha, weights[t], atol=1e-6)


def test_bahdanau_attention_is_written_out():
    """e_j = v . tanh(W_s s_(t-1) + W_h h_j), alpha = softmax over real j, c = sum alpha_j h_j."""
    torch.manual_seed(0)
    model = Seq2Seq(V, V, embed_dim=4, hidden_size=6, attention="bahdanau").eval()
    src, lengths = _tokens(5, 2), torch.tensor([5, 3])
    memory, state, mask = model.encode(src, lengths)
    context, alpha = model.attend(state[-1], memory, mask)
    for n in range(2):
        h = memory[: lengths[n], n]  # (S_n, H)
        e = torch.tanh(state[-1, n] @ model.query.weight.T + model.key(h)) @ model.score.weight[0]
        a = torch.softmax(e, 0)
        assert torch.allclose(alpha[n, : lengths[n]], a, atol=1e-6)
        assert torch.allclose(context[n], a @ h, atol=1e-6)


def test_teacher_forcing_probability_controls_what_the_decoder_reads():
    torch.manual_seed(0)
    model = Seq2Seq(V, V, embed_dim=4, hidden_size=6, attention="bahdanau")
    src, tgt, lengths = _tokens(5, 8), _tokens(6, 8, seed=1), torch.full((8,), 5)
    forced = model(src, lengths, tgt, teacher_forcing=1.0)
    # free running: the decoder reads its own argmax, so the gold tokens after step 0 are unused
    free = model(src, lengths, tgt, teacher_forcing=0.0)
    other = tgt.clone()
    other[1:] = (other[1:] + 1) % V
    assert torch.allclose(model(src, lengths, other, teacher_forcing=0.0), free)
    assert not torch.allclose(free, forced)
    own = torch.cat([tgt[:1], free[:-1].argmax(-1)])
    assert torch.allclose(model(src, lengths, own, teacher_forcing=1.0), free, atol=1e-6)
    # in eval mode forward is always teacher-forced
    model.eval()
    assert torch.allclose(model(src, lengths, tgt, teacher_forcing=0.0), forced, atol=1e-6)
    # scheduled sampling is seeded by torch's generator; the attribute is the default
    model.train()
    model.teacher_forcing = 0.5
    torch.manual_seed(1)
    a = model(src, lengths, tgt)
    torch.manual_seed(1)
    assert torch.equal(a, model(src, lengths, tgt))
    assert not torch.allclose(a, forced) and not torch.allclose(a, free)
    with pytest.raises(ValueError, match="0 <= teacher_forcing <= 1"):
        model(src, lengths, tgt, teacher_forcing=1.5)


def test_free_running_trains_without_attention_too():
    torch.manual_seed(0)
    model = Seq2Seq(V, V, embed_dim=4, hidden_size=6)
    src, tgt = _tokens(5, 4), _tokens(6, 4, seed=1)
    logits = model(src, None, tgt, teacher_forcing=0.0)
    logits.sum().backward()
    assert model.encoder.embedding.weight.grad.abs().sum() > 0


def test_inverse_sigmoid_decay():
    assert inverse_sigmoid_decay(0, 1.0) == pytest.approx(0.5)
    values = [inverse_sigmoid_decay(i, 10.0) for i in range(0, 200, 10)]
    assert values[0] == pytest.approx(10 / 11) and all(
        a > b for a, b in zip(values, values[1:], strict=False)
    )
    assert inverse_sigmoid_decay(10 * math.log(10.0), 10.0) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="k >= 1"):
        inverse_sigmoid_decay(3, 0.5)


def test_seq2seq_rejects_bad_arguments():
    with pytest.raises(ValueError, match="expected attention in"):
        Seq2Seq(V, V, attention="dot")
    model = Seq2Seq(V, V, embed_dim=4, hidden_size=6)
    with pytest.raises(ValueError, match="tgt_in of token ids"):
        model(_tokens(5, 3), None, _tokens(4, 2))
    with pytest.raises(ValueError, match="needs a model built with attention"):
        model.attend(torch.zeros(3, 6), torch.zeros(5, 3, 6), torch.ones(5, 3, dtype=torch.bool))


def test_residual_memory_adds_the_projected_source_embeddings():
    torch.manual_seed(0)
    model = Seq2Seq(V, V, embed_dim=4, hidden_size=6, attention="bahdanau", residual=True).eval()
    src, lengths = _tokens(5, 3), torch.tensor([5, 2, 3])
    memory, _, mask = model.encode(src, lengths)
    states, _ = model.encoder(src, lengths)
    expected = states + model.src_projection(model.encoder.embedding(src)) * mask[..., None]
    assert torch.allclose(memory, expected, atol=1e-6)
    assert memory[2:, 1].abs().max() == 0  # padding stays zero
