"""Models of rnnbook.nn.models and the decoders of rnnbook.nn.decoding."""

import itertools

import pytest
import torch

from rnnbook.nn import (
    Forecaster,
    LanguageModel,
    Seq2Seq,
    SequenceClassifier,
    SequenceTagger,
    beam_search,
    greedy_decode,
    sample,
    sample_logits,
)

V = 7


def _tokens(T, N, seed=0, high=V):
    return torch.randint(0, high, (T, N), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_language_model_state_carries_across_chunks(cell):
    torch.manual_seed(0)
    model = LanguageModel(V, embed_dim=4, hidden_size=6, num_layers=2, cell=cell).eval()
    tokens = _tokens(9, 3)
    whole, _ = model(tokens)
    first, state = model(tokens[:4])
    second, _ = model(tokens[4:], state)
    assert whole.shape == (9, 3, V)
    assert torch.allclose(torch.cat([first, second]), whole, atol=1e-6)
    restarted, _ = model(tokens[4:])
    assert not torch.allclose(restarted, second, atol=1e-3)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_classifier_ignores_padding(bidirectional):
    torch.manual_seed(0)
    model = SequenceClassifier(3, 6, vocab_size=V, bidirectional=bidirectional, num_layers=2)
    model.eval()
    lengths = torch.tensor([5, 2, 4])
    x = _tokens(5, 3)
    junk = x.clone()
    junk[2:, 1], junk[4:, 2] = 6, 6
    logits = model(x, lengths)
    assert logits.shape == (3, 3)
    assert torch.allclose(model(junk, lengths), logits, atol=1e-6)
    for n in range(3):  # each sequence alone, unpadded
        alone = model(x[: lengths[n], n : n + 1])
        assert torch.allclose(alone[0], logits[n], atol=1e-6)


def test_classifier_on_real_features_and_bad_arguments():
    model = SequenceClassifier(2, 5, input_size=4, cell="gru")
    assert model(torch.randn(6, 3, 4)).shape == (3, 2)
    with pytest.raises(ValueError, match="expected exactly one of vocab_size"):
        SequenceClassifier(2, 5)
    with pytest.raises(ValueError, match="expected cell in"):
        SequenceClassifier(2, 5, input_size=4, cell="transformer")
    with pytest.raises(ValueError, match=r"expected token ids .* received shape \(6, 3, 4\)"):
        SequenceClassifier(2, 5, vocab_size=V)(torch.randn(6, 3, 4))


def test_tagger_sees_the_future_only_when_bidirectional():
    torch.manual_seed(0)
    x = _tokens(6, 2)
    changed = x.clone()
    changed[4] = (x[4] + 1) % V
    for bidirectional in (False, True):
        tagger = SequenceTagger(5, 6, vocab_size=V, bidirectional=bidirectional).eval()
        a, b = tagger(x), tagger(changed)
        assert a.shape == (6, 2, 5)
        assert torch.allclose(a[:4], b[:4]) != bidirectional


def test_forecaster_forecast_rolls_forward():
    torch.manual_seed(0)
    model = Forecaster(input_size=2, hidden_size=5).eval()
    context = torch.randn(10, 3, 2)
    future = model.forecast(context, steps=4)
    assert future.shape == (4, 3, 2)
    y, state = model(context)
    assert torch.allclose(future[0], y[-1])
    step, _ = model(future[:1], state)
    assert torch.allclose(future[1], step[0], atol=1e-6)
    with pytest.raises(ValueError, match="output_size == input_size"):
        Forecaster(input_size=2, output_size=1).forecast(context, 3)


@pytest.mark.parametrize("attention", [False, True])
def test_seq2seq_respects_source_lengths(attention):
    torch.manual_seed(0)
    model = Seq2Seq(V, V + 1, embed_dim=4, hidden_size=6, attention=attention).eval()
    src, tgt = _tokens(5, 3), _tokens(4, 3, seed=1)
    lengths = torch.tensor([5, 2, 3])
    logits, weights = model(src, lengths, tgt, return_attention=True)
    assert logits.shape == (4, 3, V + 1)
    junk = src.clone()
    junk[2:, 1], junk[3:, 2] = 6, 6
    assert torch.allclose(model(junk, lengths, tgt), logits, atol=1e-6)
    if attention:
        assert weights.shape == (4, 3, 5)
        assert torch.allclose(weights.sum(-1), torch.ones(4, 3))
        assert weights[:, 1, 2:].abs().max() == 0 and weights[:, 2, 3:].abs().max() == 0


def test_sampling_is_seeded_and_top_k_restricts():
    torch.manual_seed(0)
    model = LanguageModel(V, embed_dim=4, hidden_size=6)
    draw = lambda seed: sample(  # noqa: E731
        model,
        [1, 2],
        12,
        temperature=1.5,
        num_samples=3,
        generator=torch.Generator().manual_seed(seed),
    )
    assert draw(0) == draw(0) and draw(0) != draw(1)
    assert all(len(s) == 12 for s in draw(0))
    greedy = sample(model, [1, 2], 12, temperature=0)
    assert sample(model, [1, 2], 12, top_k=1) == greedy
    logits = torch.randn(500, V)
    picks = sample_logits(
        logits, temperature=5.0, top_k=2, generator=torch.Generator().manual_seed(0)
    )
    allowed = logits.topk(2, -1).indices
    assert (picks[:, None] == allowed).any(-1).all()


def test_sample_stops_at_stop_token():
    torch.manual_seed(0)
    model = LanguageModel(V, embed_dim=4, hidden_size=6)
    with torch.no_grad():
        model.head.bias[3] = 50.0  # token 3 is almost certain
    out = sample(
        model, [1], 10, num_samples=4, stop_token=3, generator=torch.Generator().manual_seed(0)
    )
    assert out == [[], [], [], []]
    with pytest.raises(ValueError, match="non-empty 1-D prefix"):
        sample(model, [], 5)


@pytest.mark.parametrize(("attention", "cell"), [(False, "gru"), (True, "lstm")])
def test_beam_one_is_greedy(attention, cell):
    torch.manual_seed(0)
    model = Seq2Seq(V, V, embed_dim=4, hidden_size=8, attention=attention, cell=cell)
    src, lengths = _tokens(5, 6), torch.tensor([5, 1, 3, 4, 2, 5])
    greedy = greedy_decode(model, src, lengths, bos=0, eos=1, max_len=8)
    assert greedy == beam_search(model, src, lengths, bos=0, eos=1, max_len=8, beam_size=1)
    assert len(greedy) == 6 and all(1 not in s and len(s) <= 8 for s in greedy)


def _log_prob(model, src, tokens, bos):
    """log p(tokens | src) by teacher forcing, for the exhaustive search."""
    tgt_in = torch.tensor([bos, *tokens[:-1]])[:, None]
    logp = torch.log_softmax(model(src, None, tgt_in), -1)[:, 0]
    return logp[torch.arange(len(tokens)), torch.tensor(tokens)].sum().item()


@pytest.mark.parametrize("length_penalty", [0.0, 1.0])
def test_wide_beam_is_exhaustive_search(length_penalty):
    """With a beam as wide as all hypotheses, beam search finds the best normalised score."""
    torch.manual_seed(3)
    vocab, eos, max_len = 3, 2, 3
    model = Seq2Seq(4, vocab, embed_dim=3, hidden_size=5).eval()
    src = _tokens(4, 1, high=4)
    candidates = [[*p, eos] for k in range(max_len) for p in itertools.product(range(2), repeat=k)]
    candidates += [list(p) for p in itertools.product(range(vocab), repeat=max_len) if eos not in p]
    with torch.no_grad():
        best = max(candidates, key=lambda c: _log_prob(model, src, c, 0) / len(c) ** length_penalty)
    found = beam_search(
        model, src, None, 0, eos, max_len, beam_size=27, length_penalty=length_penalty
    )
    assert found == [best[:-1] if best[-1] == eos else best]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_cpu_generator_samples_a_gpu_model_like_a_cpu_one():
    torch.manual_seed(0)
    model = LanguageModel(V, embed_dim=4, hidden_size=6).double()
    generator = torch.Generator().manual_seed(0)
    on_cpu = sample(model, [1, 2], 12, num_samples=3, generator=generator)
    generator.manual_seed(0)
    assert sample(model.cuda(), [1, 2], 12, num_samples=3, generator=generator) == on_cpu


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_fused_models_share_state_dicts_with_the_loop(cell):
    x = _tokens(5, 3)
    lengths = torch.tensor([5, 2, 4])
    features = torch.randn(5, 3, 2)
    pairs = [
        (LanguageModel, dict(vocab_size=V, embed_dim=4, hidden_size=6, cell=cell), (x,)),
        (SequenceClassifier, dict(num_outputs=3, hidden_size=6, vocab_size=V, cell=cell), (x,)),
        (
            SequenceTagger,
            dict(num_outputs=3, hidden_size=6, vocab_size=V, cell=cell, bidirectional=True),
            (x, lengths),
        ),
        (Forecaster, dict(input_size=2, hidden_size=6, cell=cell), (features,)),
    ]
    for cls, kwargs, inputs in pairs:
        torch.manual_seed(0)
        loop = cls(**kwargs).eval()
        fused = cls(**kwargs, fused=True).eval()
        assert fused.config["fused"] and not loop.config["fused"]
        fused.load_state_dict(loop.state_dict())
        out_loop, out_fused = loop(*inputs), fused(*inputs)
        out_loop = out_loop[0] if isinstance(out_loop, tuple) else out_loop
        out_fused = out_fused[0] if isinstance(out_fused, tuple) else out_fused
        assert torch.allclose(out_loop, out_fused, atol=1e-5), cls.__name__
