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


def test_clip_and_step_catches_arguments_overwritten():
    def rebinds(params, grads, lr, max_norm):  # new arrays in the caller's dict
        norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
        for key in params:
            params[key] = params[key] - lr * min(1.0, max_norm / norm) * grads[key]
        return norm

    def clips_grads(params, grads, lr, max_norm):  # clips the caller's gradients in place
        norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
        for key in params:
            grads[key] *= min(1.0, max_norm / norm)
            params[key] -= lr * grads[key]
        return norm

    with pytest.raises(CheckFailed, match=r"Exercise 3\.5: params\['W_xh'\] is a new array"):
        ch03.check_clip_and_step(rebinds)
    with pytest.raises(CheckFailed, match=r"Exercise 3\.5: .*changed grads\['W_xh'\]"):
        ch03.check_clip_and_step(clips_grads)


# --------------------------------------------------------------------------- gaps (issue 10)


def test_sample_next_catches_every_row_drawn_from_the_first_row():
    def first_row(logits, T, rng, top_k=None):
        p = _softmax_t(logits[:1] / T, 1.0)[0]
        if top_k is not None:
            keep = np.argsort(-p)[:top_k]
            q = np.zeros_like(p)
            q[keep] = p[keep]
            p = q / q.sum()
        return rng.choice(len(p), size=len(logits), p=p)

    with pytest.raises(CheckFailed, match=r"Exercise 3\.4: .*first row's distribution"):
        ch03.check_sample_next(first_row)


def test_softmax_and_sampler_catch_logits_overwritten():
    def softmax_in_place(logits, T):
        logits /= T
        return _softmax_t(logits, 1.0)

    def sampler_in_place(logits, T, rng, top_k=None):
        logits /= T
        return _sample(logits, 1.0, rng, top_k)

    with pytest.raises(CheckFailed, match=r"Exercise 3\.3: .*changed its argument `logits`"):
        ch03.check_softmax_with_temperature(softmax_in_place)
    with pytest.raises(CheckFailed, match=r"Exercise 3\.4: .*changed its argument `logits`"):
        ch03.check_sample_next(sampler_in_place)


def test_shape_errors_get_the_checkers_own_message():
    def no_keepdims(logits, T):
        z = logits / T
        e = np.exp(z - z.max(axis=1))  # (N, V) - (N,): a broadcasting error
        return e / e.sum(axis=1)

    with pytest.raises(CheckFailed, match=r"(?s)Exercise 3\.3: .*keepdims=True"):
        ch03.check_softmax_with_temperature(no_keepdims)

    def per_pair(words, counts, vocab, k):  # the pairs' log-probabilities, not their sum
        ids = [vocab.bos_id, *(vocab.index(w) for w in words), vocab.eos_id]
        V = len(vocab)
        return np.array(
            [
                np.log((counts[a, b] + k) / (counts[a].sum() + k * V))
                for a, b in zip(ids[:-1], ids[1:], strict=True)
            ]
        )

    with pytest.raises(CheckFailed, match=r"Exercise 3\.1: .*shape \(5,\): add up the ln P"):
        ch03.check_sentence_log_prob(per_pair)


# --------------------------------------------------------------------------- 3.7

_UNITS = {
    "uniform_bpc": math.log2(96),
    "uniform_ppl": 96,
    "bpc_of_1_2_nats": 1.2 / math.log(2),
    "ppl_of_1_2_nats": math.exp(1.2),
    "nats_of_ppl_5": math.log(5),
    "bits_for_text": 2000,
}


def test_units_accepts_four_significant_digits(capsys):
    ch03.check_units({key: float(f"{value:.4g}") for key, value in _UNITS.items()})
    assert "✔ Exercise 3.7" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("uniform_bpc", math.log(96), "in nats"),
        ("uniform_bpc", 1 / 96, "probability of one character"),
        ("uniform_ppl", math.log2(96), "that is the bpc"),
        ("bpc_of_1_2_nats", 1.2 * math.log(2), "multiplied by ln 2"),
        ("bpc_of_1_2_nats", 1.2, "taken as bits"),
        ("ppl_of_1_2_nats", 2**1.2, r"that is 2 \*\* loss"),
        ("nats_of_ppl_5", math.log2(5), "in bits"),
        ("bits_for_text", 1000 * math.log(4), "in nats"),
        ("bits_for_text", 2.0, "bits of one character"),
        ("bits_for_text", 4000, "multiplies the perplexity"),
        ("uniform_bpc", 7.0, "is not right"),
        ("uniform_bpc", None, "fill in uniform_bpc"),
    ],
)
def test_units_names_the_slip(key, value, message):
    with pytest.raises(CheckFailed, match=r"Exercise 3\.7: .*" + message):
        ch03.check_units({**_UNITS, key: value})


# --------------------------------------------------------------------------- 3.8


def _measure(tau, how="bits", seed=0):
    log_p, start = ch03._names_bigram()
    return ch03._sample_bits(log_p, start, tau, 2000, 20, seed)[how]


@pytest.fixture(scope="module")
def measured():
    return {tau: _measure(tau, seed=k) for k, tau in enumerate(ch03.EXPERIMENT_TAUS)}


def test_temperature_experiment_accepts_an_independent_run(measured, capsys):
    ch03.check_temperature_experiment({0.5: "fewer", 1.5: "more"}, measured)
    assert "✔ Exercise 3.8" in capsys.readouterr().out
    ch03.check_temperature_experiment({0.5: "more", 1.5: "more"}, measured)
    assert "not as you predicted" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("how", "message"),
    [("nats", "looks like nats"), ("tau_model", "scores the samples with the distribution")],
)
def test_temperature_experiment_names_the_slip(measured, how, message):
    wrong = {**measured, 0.5: _measure(0.5, how=how)}
    with pytest.raises(CheckFailed, match=r"Exercise 3\.8: .*" + message):
        ch03.check_temperature_experiment({0.5: "fewer", 1.5: "more"}, wrong)


def test_temperature_experiment_rejects_sums_guesses_and_missing_predictions(measured):
    sums = {**measured, 1.0: 20 * measured[1.0]}
    with pytest.raises(CheckFailed, match="bits of a whole stream"):
        ch03.check_temperature_experiment({0.5: "fewer", 1.5: "more"}, sums)
    with pytest.raises(CheckFailed, match="should be within 0.05"):
        ch03.check_temperature_experiment({0.5: "fewer", 1.5: "more"}, {**measured, 1.5: 4.0})
    with pytest.raises(CheckFailed, match=r"predicted\[0.5\] should be 'fewer' or 'more'"):
        ch03.check_temperature_experiment({1.5: "more"}, measured)


def test_temperature_experiment_sends_a_wrong_sampler_back_to_3_4(measured):
    def greedy(logits, T, rng, top_k=None):
        return logits.argmax(axis=1)

    with pytest.raises(CheckFailed, match=r"Exercise 3\.8: your `sample_next` from exercise 3\.4"):
        ch03.check_temperature_experiment(
            {0.5: "fewer", 1.5: "more"}, {**measured, 0.5: 1.0}, sample_next=greedy
        )
