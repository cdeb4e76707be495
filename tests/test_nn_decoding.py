"""Batched beam search: exhaustive search on a tiny vocabulary, greedy at beam 1, per sentence."""

import itertools

import pytest
import torch

from rnnbook.nn import Seq2Seq, beam_search, greedy_decode


def _tokens(T, N, seed=0, high=7):
    return torch.randint(0, high, (T, N), generator=torch.Generator().manual_seed(seed))


def _log_prob(model, src, tokens, bos):
    """log p(tokens | src) of one sentence by teacher forcing."""
    tgt_in = torch.tensor([bos, *tokens[:-1]])[:, None]
    logp = torch.log_softmax(model(src, None, tgt_in), -1)[:, 0]
    return logp[torch.arange(len(tokens)), torch.tensor(tokens)].sum().item()


def _exhaustive(model, src, vocab, eos, max_len, length_penalty, bos=0):
    """The best normalised hypothesis among all that end in eos or reach max_len."""
    words = [v for v in range(vocab) if v != eos]
    candidates = [[*p, eos] for n in range(max_len) for p in itertools.product(words, repeat=n)]
    candidates += [list(p) for p in itertools.product(words, repeat=max_len)]
    with torch.no_grad():
        best = max(
            candidates, key=lambda c: _log_prob(model, src, c, bos) / len(c) ** length_penalty
        )
    return best[:-1] if best[-1] == eos else best


@pytest.mark.parametrize("early_stopping", [True, False])
@pytest.mark.parametrize("length_penalty", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("attention", [False, "bahdanau"])
def test_wide_beam_equals_exhaustive_search_for_every_sentence(
    length_penalty, attention, early_stopping
):
    """A beam as wide as all hypotheses finds the best normalised score, sentence by sentence
    inside one batch (vocabulary of 3 with eos, 3 steps: 1 + 2 + 4 + 8 hypotheses)."""
    torch.manual_seed(3)
    vocab, eos, max_len, N = 3, 2, 3, 4
    model = Seq2Seq(5, vocab, embed_dim=3, hidden_size=5, attention=attention).eval()
    src, lengths = _tokens(4, N, high=5), torch.tensor([4, 2, 3, 1])
    found = beam_search(
        model, src, lengths, 0, eos, max_len, 27, length_penalty, early_stopping=early_stopping
    )
    for n in range(N):
        one = src[: lengths[n], n : n + 1]
        assert found[n] == _exhaustive(model, one, vocab, eos, max_len, length_penalty), n


def test_beam_search_finds_what_greedy_misses():
    """On random tiny models, a wide beam's log-probability is never below greedy's, and is
    above it for some sentences (the point of searching)."""
    torch.manual_seed(0)
    vocab, eos, max_len = 4, 3, 5
    model = Seq2Seq(6, vocab, embed_dim=4, hidden_size=6).eval()
    src = _tokens(5, 40, high=6)
    greedy = greedy_decode(model, src, None, 0, eos, max_len)
    beam, scores = beam_search(
        model, src, None, 0, eos, max_len, beam_size=8, length_penalty=0.0, return_scores=True
    )

    def total(n, tokens):
        full = tokens + [eos] if len(tokens) < max_len else tokens
        return _log_prob(model, src[:, n : n + 1], full, 0)

    with torch.no_grad():
        gains = [total(n, beam[n]) - total(n, greedy[n]) for n in range(40)]
        assert all(abs(total(n, beam[n]) - scores[n]) < 1e-4 for n in range(40))
    assert min(gains) > -1e-5 and max(gains) > 1e-3


@pytest.mark.parametrize(
    ("attention", "cell"), [(False, "gru"), ("bahdanau", "lstm"), ("luong", "gru")]
)
@pytest.mark.parametrize("beam_size", [1, 3])
def test_batched_beam_equals_one_sentence_at_a_time(attention, cell, beam_size):
    torch.manual_seed(1)
    model = Seq2Seq(7, 9, embed_dim=4, hidden_size=8, attention=attention, cell=cell)
    src, lengths = _tokens(6, 5), torch.tensor([6, 1, 3, 4, 2])
    batched = beam_search(model, src, lengths, 0, 1, 7, beam_size=beam_size)
    for n in range(5):
        alone = beam_search(model, src[: lengths[n], n : n + 1], None, 0, 1, 7, beam_size)
        assert batched[n] == alone[0]
    if beam_size == 1:
        assert batched == greedy_decode(model, src, lengths, 0, 1, 7)


def test_finished_hypotheses_are_kept_and_length_normalisation_applies():
    """A model that prefers to stop at once: raw log-probability picks the empty output,
    which finished at the first step and was kept; dividing by length ** 2 picks a longer one."""
    torch.manual_seed(0)
    model = Seq2Seq(3, 4, embed_dim=3, hidden_size=4).eval()
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.copy_(torch.tensor([0.0, 0.0, 0.0, 1.0]))  # eos = 3 likeliest
    src = _tokens(3, 2, high=3)
    short = beam_search(model, src, None, 0, 3, 6, beam_size=2, length_penalty=0.0)
    assert short == [[], []]
    longer, scores = beam_search(
        model, src, None, 0, 3, 6, beam_size=2, length_penalty=2.0, return_scores=True
    )
    # [] scores log p_eos / 1; [w] scores (log p_w + log p_eos) / 2**2, which is higher here
    assert all(len(s) == 1 for s in longer)
    p = torch.softmax(model.head.bias, 0)
    assert scores[0] == pytest.approx((torch.log(p[0]) + torch.log(p[3])).item() / 4, rel=1e-5)


def test_beam_search_rejects_bad_input():
    model = Seq2Seq(3, 4, embed_dim=3, hidden_size=4)
    src = _tokens(3, 2, high=3)
    with pytest.raises(ValueError, match="beam_size >= 1"):
        beam_search(model, src, None, 0, 3, 5, beam_size=0)
    with pytest.raises(ValueError, match=r"shape \(S, N\)"):
        beam_search(model, src[:, 0], None, 0, 3, 5)
    with pytest.raises(ValueError, match="max_len >= 1"):
        greedy_decode(model, src, None, 0, 3, 0)


@pytest.mark.parametrize("length_penalty", [0.0, 1.0])
def test_without_early_stopping_a_beam_never_scores_below_greedy(length_penalty):
    """Going on until no alive hypothesis can win only adds candidates: the winner's
    normalised score is never below early stopping's (same pruning, larger pool)."""
    torch.manual_seed(2)
    vocab, eos, max_len = 5, 4, 6
    model = Seq2Seq(6, vocab, embed_dim=4, hidden_size=6).eval()
    src = _tokens(5, 60, high=6)
    _, late = beam_search(
        model, src, None, 0, eos, max_len, 4, length_penalty, True, early_stopping=False
    )
    _, early = beam_search(
        model, src, None, 0, eos, max_len, 4, length_penalty, True, early_stopping=True
    )
    assert all(a >= b - 1e-6 for a, b in zip(late, early, strict=True))
    with pytest.raises(ValueError, match="length_penalty >= 0"):
        beam_search(model, src, None, 0, eos, max_len, 2, -1.0)
