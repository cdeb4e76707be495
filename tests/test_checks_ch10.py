"""The chapter 10 checkers accept right answers and name each plausible mistake."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch

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


# --------------------------------------------------------------------------- 10.7

_LN = math.log
_RIGHT = (["A", "C"], _LN(0.2), ["B"], _LN(0.225), ["B", "C"], _LN(0.216) / 3)


def _answer(**changes):
    names = ("greedy_output", "greedy_log_p", "beam_output_0", "beam_log_p_0",
             "beam_output_1", "beam_score_1")  # fmt: skip
    return tuple(changes.get(n, v) for n, v in zip(names, _RIGHT, strict=True))


def test_beam_by_hand_accepts_right_answer(capsys):
    ch10.check_beam_by_hand(*_RIGHT)
    assert "✔ Exercise 10.7" in capsys.readouterr().out


def test_beam_by_hand_accepts_rounded_float32_and_strings(capsys):
    ch10.check_beam_by_hand("A C", np.float32(-1.609), ("b",), -1.492, "B C", np.float32(-0.511))
    assert "✔ Exercise 10.7" in capsys.readouterr().out


def test_beam_by_hand_table_gives_the_stated_answers():
    # the checker's expected answers come from 10.4's reference beam search on BY_HAND
    answers = ch10._by_hand_answers()
    assert answers["greedy"][0] == ["A", "C"] and answers["beam 0"][0] == ["B"]
    assert answers["beam 1"][0] == ["B", "C"]
    assert math.isclose(answers["beam 1"][2], _LN(0.216) / 3)
    for table in ch10.BY_HAND.values():
        assert math.isclose(sum(table.values()), 1.0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"greedy_output": ["A"]}, "after A greedy takes the most likely next word"),
        ({"greedy_output": ["B", "C"]}, "greedy takes the most likely word at each step"),
        ({"greedy_output": ["A", "C", "<eos>"]}, "greedy_output contains <eos>"),
        ({"greedy_output": [1, 3]}, "greedy_output should be a list of words"),
        ({"greedy_log_p": 0.2}, "greedy_log_p = 0.2000: this is the probability"),
        ({"greedy_log_p": math.log10(0.2)}, "this is a base-10 logarithm"),
        ({"greedy_log_p": -_LN(0.2)}, "the sign is wrong"),
        ({"greedy_log_p": _LN(0.2) / 3}, "this is the length-normalised score"),
        ({"greedy_log_p": -1.7}, "greedy_log_p = -1.7000 is not right"),
        ({"greedy_log_p": "-1.609"}, "greedy_log_p should be a number"),
        ({"beam_output_0": ["B", "C"]}, "the finished hypothesis B <eos> was dropped"),
        ({"beam_output_0": ["A", "C"]}, "beam_output_0 = greedy's output"),
        ({"beam_output_0": ["A"]}, "follow the chapter's rules step by step"),
        ({"beam_log_p_0": _LN(0.216)}, "that is the log-probability of B C"),
        ({"beam_log_p_0": 0.225}, "this is the probability 0.45 · 0.5"),
        ({"beam_log_p_0": math.log10(0.225)}, "this is a base-10 logarithm"),
        ({"beam_log_p_0": -_LN(0.225)}, "the sign is wrong"),
        ({"beam_output_1": ["B"]}, "that is the winner without length normalisation"),
        ({"beam_output_1": ["A", "C"]}, "beam_output_1 = greedy's output"),
        ({"beam_score_1": _LN(0.216)}, "this is the raw log-probability"),
        ({"beam_score_1": _LN(0.216) / 2}, "<eos> is not counted in the length"),
        ({"beam_score_1": 0.6}, "this is exp of the score"),
        ({"beam_score_1": math.log10(0.216) / 3}, "this is a base-10 logarithm"),
        ({"beam_score_1": -_LN(0.216) / 3}, "the sign is wrong"),
    ],
)
def test_beam_by_hand_names_mistake(changes, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch10.check_beam_by_hand(*_answer(**changes))


# --------------------------------------------------------------------------- 10.8

_RUNS = [3, 4, 5]


def _on_padding(run_seed, *, mask=False, reduce="mean"):
    model, src, lengths = ch10.padding_model(run_seed)
    with torch.no_grad():
        memory, state, real = model.encode(src, lengths)
        _, alpha = model.attend(state[-1], memory, real if mask else torch.ones_like(real))
    on_pad = (alpha * ~real.T).sum(1)
    if reduce == "sum":
        return float(on_pad.sum())
    if reduce == "real":
        return float(1 - on_pad.mean())
    if reduce == "padded only":
        return float(on_pad[(~real).any(0)].mean())
    return float(on_pad.mean())


def _share():
    _, src, lengths = ch10.padding_model(0)
    return float((src.shape[0] - lengths).sum() / src.numel())


def test_padding_experiment_accepts_right_answer(capsys):
    unmasked = [_on_padding(s) for s in _RUNS]
    masked = [_on_padding(s, mask=True) for s in _RUNS]
    ch10.check_padding_experiment(unmasked, masked, _share(), _RUNS)
    assert "✔ Exercise 10.8: your numbers reproduce" in capsys.readouterr().out


def test_padding_experiment_accepts_float32_and_arrays(capsys):
    unmasked = np.array([_on_padding(s) for s in _RUNS], dtype=np.float32)
    ch10.check_padding_experiment(unmasked, np.zeros(3, np.float32), np.float32(_share()), _RUNS)
    assert "✔ Exercise 10.8" in capsys.readouterr().out


def test_padding_model_is_seeded_and_padded():
    a, src, lengths = ch10.padding_model(7)
    b, _, _ = ch10.padding_model(7)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)
    assert src.shape == (9, 12) and int(lengths.max()) == 9 and int(lengths.min()) == 1
    assert not a.training


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"reduce": "real"}, "this is the weight on the real positions"),
        ({"reduce": "sum"}, "are summed over the sentences"),
        ({"reduce": "padded only"}, "the average runs over the padded sentences only"),
        ({"mask": True}, "unmasked[0] = 0: the model's mask was used"),
    ],
)
def test_padding_experiment_names_mistake(kw, message):
    unmasked = [_on_padding(s, **kw) for s in _RUNS]
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch10.check_padding_experiment(unmasked, [0.0] * 3, _share(), _RUNS)


def test_padding_experiment_names_unreproducible_runs():
    unmasked = [_on_padding(s) for s in _RUNS]
    with pytest.raises(CheckFailed, match=re.escape("does not reproduce: padding_model(0) puts")):
        ch10.check_padding_experiment(unmasked, [0.0] * 3, _share(), [0, 1, 2])


def test_padding_experiment_names_nonzero_masked_weight():
    unmasked = [_on_padding(s) for s in _RUNS]
    with pytest.raises(CheckFailed, match=re.escape("masked[0] = 0.3: with the model's mask")):
        ch10.check_padding_experiment(unmasked, [0.3, 0.0, 0.0], _share(), _RUNS)


@pytest.mark.parametrize(
    ("share", "message"),
    [
        (lambda s, n: n, "the share of sentences that hold padding"),
        (lambda s, n: 1 - s, "this is the share of real positions"),
        (lambda s, n: 0.5, "padded_share = 0.5, expected"),
        (lambda s, n: "0.29", "padded_share should be a number"),
    ],
)
def test_padding_experiment_names_wrong_share(share, message):
    _, src, lengths = ch10.padding_model(0)
    n = float((lengths < src.shape[0]).float().mean())
    unmasked = [_on_padding(s) for s in _RUNS]
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch10.check_padding_experiment(unmasked, [0.0] * 3, share(_share(), n), _RUNS)


def test_padding_experiment_names_share_over_lengths():
    _, src, lengths = ch10.padding_model(0)
    wrong = float(((src.shape[0] - lengths) / lengths).float().mean())
    unmasked = [_on_padding(s) for s in _RUNS]
    with pytest.raises(CheckFailed, match=re.escape("divides the padding by each sentence's")):
        ch10.check_padding_experiment(unmasked, [0.0] * 3, wrong, _RUNS)


@pytest.mark.parametrize(
    ("unmasked", "masked", "message"),
    [
        ([0.3, 0.3], [0.0] * 3, "unmasked holds 2 values; expected one per run seed, 3"),
        ([0.3] * 3, ["zero"] * 3, "masked should be a list of numbers"),
    ],
)
def test_padding_experiment_names_a_malformed_answer(unmasked, masked, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ch10.check_padding_experiment(unmasked, masked, _share(), _RUNS)
