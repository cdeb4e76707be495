"""The chapter 03 checkers accept right answers and name each plausible mistake."""

import math

import numpy as np
import pytest

from rnnbook.checks import CheckFailed, ch03

# --------------------------------------------------------------------------- 3.1


def _sentence(words, counts, vocab, k, *, bos=True, eos=True, denom="row", transpose=False,
              smooth=True, output="ln"):  # fmt: skip
    V = len(vocab)
    c = counts.T if transpose else counts
    ids = [vocab.index(w) for w in words]
    ids = ([vocab.bos_id] if bos else []) + ids + ([vocab.eos_id] if eos else [])
    total = 0.0
    for a, b in zip(ids[:-1], ids[1:], strict=True):
        kk = k if smooth else 0.0
        base = {
            "row": c[a].sum() + kk * V,
            "k": c[a].sum() + kk,
            "all": c.sum() + kk * V * V,
            "column": c[:, a].sum() + kk * V,
        }[denom]
        p = (c[a, b] + kk) / base
        total += math.log(p) if p > 0 else -math.inf
    return {"ln": total, "p": math.exp(total), "log2": total / math.log(2)}[output]


def _answer(**options):
    return lambda words, counts, vocab, k: _sentence(words, counts, vocab, k, **options)


def test_sentence_log_prob_accepts_the_right_answer(capsys):
    ch03.check_sentence_log_prob(_answer())
    assert "✔ Exercise 3.1" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"bos": False}, r"ln P\(w_1 \| <bos>\)"),
        ({"eos": False}, r"include ln P\(<eos> \| w_n\)"),
        ({"bos": False, "eos": False}, "neither <bos> nor <eos>"),
        ({"smooth": False}, "unsmoothed estimate"),
        ({"denom": "k"}, r"C\(a\) \+ k·V"),
        ({"denom": "all"}, "joint P"),
        ({"denom": "column"}, "column sum"),
        ({"transpose": True}, "read transposed"),
        ({"output": "p"}, "not its logarithm"),
        ({"output": "log2"}, "this is log2"),
    ],
)
def test_sentence_log_prob_names_the_mistake(options, message):
    with pytest.raises(CheckFailed, match=r"Exercise 3\.1: .*" + message):
        ch03.check_sentence_log_prob(_answer(**options))


def test_sentence_log_prob_reports_a_stub_and_an_array():
    def stub(*args):
        raise NotImplementedError

    with pytest.raises(CheckFailed, match="not implemented yet"):
        ch03.check_sentence_log_prob(stub)
    with pytest.raises(CheckFailed, match="one number"):
        ch03.check_sentence_log_prob(lambda w, c, v, k: np.zeros(3))


# --------------------------------------------------------------------------- 3.2


def _ppl_bpc(losses, ppl="exp_mean", bpc="mean_ln2"):
    mean = losses.mean()
    p = {
        "exp_mean": math.exp(mean),
        "exp_sum": math.exp(losses.sum()),
        "mean_exp": np.exp(losses).mean(),
        "two": 2.0**mean,
        "array": np.exp(losses.mean(axis=1)),
    }[ppl]
    b = {
        "mean_ln2": mean / math.log(2),
        "nats": mean,
        "sum": losses.sum() / math.log(2),
        "times": mean * math.log(2),
        "log10": mean / math.log(10),
    }[bpc]
    return p, b


def test_perplexity_and_bpc_accepts_the_right_answer(capsys):
    ch03.check_perplexity_and_bpc(_ppl_bpc)
    assert "✔ Exercise 3.2" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ppl": "exp_sum"}, r"\*mean\* loss, not of the sum"),
        ({"ppl": "mean_exp"}, "not the mean of exp"),
        ({"ppl": "two"}, "not 2 \\*\\* mean"),
        ({"ppl": "array"}, "one number, got an array"),
        ({"bpc": "nats"}, "divide the mean by ln 2"),
        ({"bpc": "sum"}, r"\*mean\* loss, not the sum, by ln 2"),
        ({"bpc": "times"}, "not by log2 e"),
        ({"bpc": "log10"}, "log10 is the wrong base"),
    ],
)
def test_perplexity_and_bpc_names_the_mistake(kwargs, message):
    with pytest.raises(CheckFailed, match=r"Exercise 3\.2: .*" + message):
        ch03.check_perplexity_and_bpc(lambda losses: _ppl_bpc(losses, **kwargs))


def test_perplexity_and_bpc_wants_a_pair():
    with pytest.raises(CheckFailed, match="pair"):
        ch03.check_perplexity_and_bpc(lambda losses: losses.mean())


# --------------------------------------------------------------------------- 3.3


def _softmax_t(logits, T, mistake=None):
    if mistake == "times":
        z = logits * T
    elif mistake == "ignore":
        z = logits
    else:
        z = logits / T
    if mistake == "axis0":
        e = np.exp(z - z.max(axis=0, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)
    if mistake == "unstable":
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)
    if mistake == "after":
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True) / T
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_softmax_with_temperature_accepts_the_right_answer(capsys):
    ch03.check_softmax_with_temperature(_softmax_t)
    assert "✔ Exercise 3.3" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ("times", "multiplied the logits by T"),
        ("ignore", "temperature is ignored"),
        ("axis0", "over the last axis"),
        ("unstable", "subtract each row's maximum"),
        ("after", "each row must sum to one"),
    ],
)
def test_softmax_with_temperature_names_the_mistake(mistake, message):
    with pytest.raises(CheckFailed, match=r"Exercise 3\.3: .*" + message):
        ch03.check_softmax_with_temperature(lambda z, T: _softmax_t(z, T, mistake))


# --------------------------------------------------------------------------- 3.4


def _sample(logits, T, rng, top_k=None, mistake=None):
    if mistake == "greedy":
        return logits.argmax(axis=1)
    z = logits * T if mistake == "times" else logits if mistake == "ignore_T" else logits / T
    if top_k is not None and mistake != "ignore_k":
        k = top_k + 1 if mistake == "k_plus_1" else top_k
        order = np.argsort(z if mistake == "smallest" else -z, axis=1)[:, k:]
        z = z.copy()
        np.put_along_axis(z, order, -np.inf, axis=1)
    p = _softmax_t(z, 1.0)
    r = np.random.default_rng() if mistake == "global_rng" else rng
    u = r.random((len(p), 1))
    return np.minimum((u > p.cumsum(axis=1)).sum(axis=1), p.shape[1] - 1)


def test_sample_next_accepts_the_right_answer(capsys):
    ch03.check_sample_next(_sample)
    assert "✔ Exercise 3.4" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ("greedy", "greedy decoding"),
        ("times", r"softmax\(z · T\)"),
        ("ignore_T", "temperature is ignored"),
        ("ignore_k", "outside the 2 most likely"),
        ("smallest", r"\*least\* likely"),
        ("k_plus_1", "you kept 3 tokens: off by one"),
        ("global_rng", "use the `rng` argument"),
    ],
)
def test_sample_next_names_the_mistake(mistake, message):
    def answer(logits, T, rng, top_k=None):
        return _sample(logits, T, rng, top_k, mistake)

    with pytest.raises(CheckFailed, match=r"Exercise 3\.4: .*" + message):
        ch03.check_sample_next(answer)


def test_sample_next_rejects_wrong_shapes():
    with pytest.raises(CheckFailed, match="shape"):
        ch03.check_sample_next(lambda logits, T, rng, top_k=None: np.zeros((5,), dtype=int))


# --------------------------------------------------------------------------- 3.5


def _clip_and_step(params, grads, lr, max_norm, mistake=None):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    for key, g in grads.items():
        if mistake == "per_array":
            n = np.sqrt(np.sum(g**2))
            g = g * min(1.0, max_norm / n)
        elif mistake == "value":
            g = np.clip(g, -max_norm, max_norm)
        elif mistake == "always":
            g = g * max_norm / norm
        elif mistake not in ("no_clip",):
            g = g * min(1.0, max_norm / norm)
        if mistake == "ascent":
            params[key] += lr * g
        elif mistake == "copy":
            params = {**params, key: params[key] - lr * g}
        else:
            params[key] -= lr * g
    if mistake == "after":
        return min(norm, max_norm)
    return None if mistake == "none" else norm


def test_clip_and_step_accepts_the_right_answer(capsys):
    ch03.check_clip_and_step(_clip_and_step)
    assert "✔ Exercise 3.5" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ("no_clip", "was not clipped"),
        ("per_array", r"\*global\* norm"),
        ("value", "clipping by value"),
        ("always", "clip only when"),
        ("ascent", r"moved \*up\* the gradient"),
        ("copy", "update the arrays in place"),
        ("after", r"\*before\* clipping; you returned it after"),
        ("none", "return the gradient norm"),
    ],
)
def test_clip_and_step_names_the_mistake(mistake, message):
    with pytest.raises(CheckFailed, match=r"Exercise 3\.5: .*" + message):
        ch03.check_clip_and_step(lambda p, g, lr, m: _clip_and_step(p, g, lr, m, mistake=mistake))
