"""The chapter 10 checkers accept right answers and name each plausible mistake."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnnbook.checks import CheckFailed, ch10


def _expect(checker, answer, message: str) -> None:
    with pytest.raises(CheckFailed, match=re.escape(message)):
        checker(answer)


def _stub(*args, **kwargs):
    raise NotImplementedError("Exercise 10")


# --------------------------------------------------------------------------- 10.1


def _pair(tgt, pad_id):
    out = tgt[1:].copy()
    out[out == pad_id] = -100
    return tgt[:-1].copy(), out


def test_teacher_forcing_pair(capsys):
    ch10.check_teacher_forcing_pair(_pair)
    assert "✔ Exercise 10.1" in capsys.readouterr().out
    _expect(ch10.check_teacher_forcing_pair, _stub, "is not implemented yet")


def _in_place(tgt, pad_id):
    tgt[tgt == pad_id] = -100
    return tgt[:-1], tgt[1:]


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda t, p: (t[1:], t[:-1]), "tgt_in and tgt_out are swapped"),
        (lambda t, p: (t[1:], _pair(t, p)[1]), "the decoder input is not shifted"),
        (lambda t, p: (t, np.where(t == p, -100, t)), "no shift at all"),
        (lambda t, p: (t[:-1], t[1:]), "padding is left in tgt_out"),
        (
            lambda t, p: (np.where(t[:-1] == p, -100, t[:-1]), _pair(t, p)[1]),
            "tgt_in contains -100",
        ),
        (_in_place, "modified tgt in place"),
        (lambda t, p: t[:-1], "return the pair (tgt_in, tgt_out)"),
    ],
)
def test_teacher_forcing_pair_mistakes(wrong, message):
    _expect(ch10.check_teacher_forcing_pair, wrong, message)


# --------------------------------------------------------------------------- 10.2


def _softmax(x, axis):
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.exp(x - np.max(x, axis=axis, keepdims=True))
        return z / z.sum(axis=axis, keepdims=True)


def _weights(scores, mask):
    return _softmax(np.where(mask, scores, -np.inf), 0)


def test_attention_weights(capsys):
    ch10.check_attention_weights(_weights)
    assert "✔ Exercise 10.2" in capsys.readouterr().out
    _expect(ch10.check_attention_weights, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda s, m: _softmax(np.where(m, s, -np.inf), 1), "over the batch axis (axis 1)"),
        (lambda s, m: _softmax(s, 1), "over the batch axis (axis 1) and padding is not masked"),
        (lambda s, m: _softmax(s, 0), "padded source positions are not masked"),
        (lambda s, m: _softmax(np.where(m, -np.inf, s), 0), "the mask is inverted"),
        (lambda s, m: _softmax(s, 0) * m, "zeroed after the softmax"),
        (lambda s, m: _weights(s, m).T, "alpha has shape (4, 6), expected (6, 4)"),
        (lambda s, m: _weights(s, m) + 1e-3, "alpha is wrong at index (0, 0)"),
    ],
)
def test_attention_weights_mistakes(wrong, message):
    _expect(ch10.check_attention_weights, wrong, message)


# --------------------------------------------------------------------------- 10.3


def _ce(logits, targets, pad_id, count_pad=False, reduce="mean", axis=-1, log=True):
    return ch10._nll(
        logits, targets, pad_id, count_pad=count_pad, reduce=reduce, axis=axis, log=log
    )


def test_masked_cross_entropy(capsys):
    ch10.check_masked_cross_entropy(_ce)
    assert "✔ Exercise 10.3" in capsys.readouterr().out

    def with_torch(logits, targets, pad_id):
        import torch

        return torch.nn.functional.cross_entropy(
            torch.as_tensor(logits).reshape(-1, logits.shape[-1]),
            torch.as_tensor(targets).reshape(-1),
            ignore_index=pad_id,
        ).item()

    ch10.check_masked_cross_entropy(with_torch)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"count_pad": True}, "padding is counted"),
        ({"reduce": "sum"}, "this is the sum"),
        ({"reduce": "per-sentence"}, "mean of per-sentence means"),
        ({"axis": 1}, "the softmax runs over the wrong axis"),
        ({"log": False}, "the probability is used instead of its logarithm"),
    ],
)
def test_masked_cross_entropy_mistakes(kw, message):
    _expect(ch10.check_masked_cross_entropy, lambda *a: _ce(*a, **kw), message)
    _expect(ch10.check_masked_cross_entropy, lambda *a: "x", "return one number")


# --------------------------------------------------------------------------- 10.4


def _beam(**kw):
    def search(next_log_probs, bos, eos, beam_size, max_len, alpha):
        return ch10._reference_beam(next_log_probs, bos, eos, beam_size, max_len, alpha, **kw)

    return search


def test_beam_search(capsys):
    ch10.check_beam_search(_beam())
    assert "✔ Exercise 10.4" in capsys.readouterr().out
    _expect(ch10.check_beam_search, _stub, "is not implemented yet")


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_beam(keep_finished=False), "finished hypotheses are dropped"),
        (_beam(normalise=False), "no length normalisation"),
        (_beam(stop_at_eos=False), "stays in the beam and goes on"),
        (lambda f, b, e, k, m, a: [e], "contains eos"),
        (lambda *a: "abc", "return a list of token ids"),
        (lambda f, b, e, k, m, a: [2], "expected"),
    ],
)
def test_beam_search_mistakes(wrong, message):
    _expect(ch10.check_beam_search, wrong, message)


# --------------------------------------------------------------------------- 10.5


def _bleu(hyps, refs):
    import sacrebleu

    return sacrebleu.corpus_bleu(hyps, [refs]).score


def test_bleu(capsys):
    ch10.check_bleu(_bleu)
    assert "✔ Exercise 10.5" in capsys.readouterr().out
    _expect(ch10.check_bleu, _stub, "is not implemented yet")


def _sentence_mean(hyps, refs):
    import sacrebleu

    return float(
        np.mean([sacrebleu.sentence_bleu(h, [r]).score for h, r in zip(hyps, refs, strict=True)])
    )


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda h, r: _bleu(r, h), "hypotheses and references are swapped"),
        (lambda h, r: _bleu(h, sorted(r)), "not in the order of the hypotheses"),
        (_sentence_mean, "mean of sentence BLEU scores"),
        (lambda h, r: _bleu(h, r) / 100, "expected"),
    ],
)
def test_bleu_mistakes(wrong, message):
    _expect(ch10.check_bleu, wrong, message)
