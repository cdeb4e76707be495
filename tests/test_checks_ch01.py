"""The chapter 01 checkers accept right answers and name each plausible mistake."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pytest

from rnnbook.checks import CheckFailed, ch01


def _fails(message: str, checker, *answer) -> None:
    with pytest.raises(CheckFailed, match=re.escape(message)):
        checker(*answer)


# --------------------------------------------------------------------------- 1.1


def tokenize(text):
    return re.findall(r"[^\W_]+", text.lower())


def _ascii_only(text):
    """A tokeniser that strips accents: 'Noël' -> 'noel'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", plain.lower())


def build_vocabulary(tokens):
    return {w: i for i, w in enumerate(sorted(set(tokens)))}


def encode(tokens, vocab):
    for w in tokens:
        if w not in vocab:
            raise ValueError(f"unknown word {w!r}")
    return np.array([vocab[w] for w in tokens])


def test_vocabulary_accepts_right_answer(capsys):
    ch01.check_vocabulary(tokenize, build_vocabulary, encode)
    assert "✔ Exercise 1.1" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("tok", "vocab", "enc", "message"),
    [
        (lambda s: s.lower().split(), build_vocabulary, encode, "kept punctuation: ['spell.']"),
        (
            lambda s: re.findall(r"\w+|[^\w\s]", s.lower()),
            build_vocabulary,
            encode,
            "kept punctuation: ['.']",
        ),  # fmt: skip
        (lambda s: re.findall(r"\w+", s), build_vocabulary, encode, "kept capitals: ['Harry',"),
        (
            lambda s: re.findall(r"[a-z]+", s.lower()),
            build_vocabulary,
            encode,
            "dropped the numbers ['3', '12', '1991']",
        ),
        (
            lambda s: re.findall(r"[a-z0-9]+", s.lower()),
            build_vocabulary,
            encode,
            "the accented words ['noël', 'à', 'zürich', 'café', 'crème', 'plaît'] were cut",
        ),
        (_ascii_only, build_vocabulary, encode, "'é' and 'ü' are letters too"),
        (
            lambda s: re.findall(r"\w+", s.lower().replace("'", "")),
            build_vocabulary,
            encode,
            "returned 'hermiones': deleting the apostrophe glued two words together",
        ),
        (
            lambda s: re.findall(r"[\w']+", s.lower()),
            build_vocabulary,
            encode,
            'kept punctuation: ["hermione\'s"]',
        ),
        (
            lambda s: re.sub(r"[^\w\s]", "", s.lower()).split(),
            build_vocabulary,
            encode,
            "returned 'voulezvous': deleting the punctuation glued two words together",
        ),  # fmt: skip
        (
            tokenize,
            lambda ts: {w: i for i, w in enumerate(dict.fromkeys(ts))},
            encode,
            "ids should follow alphabetical order",
        ),  # fmt: skip
        (
            tokenize,
            lambda ts: {w: i + 1 for i, w in enumerate(sorted(set(ts)))},
            encode,
            "the ids start at 1",
        ),  # fmt: skip
        (
            tokenize,
            lambda ts: {w: i for i, w in enumerate(sorted(ts))},
            encode,
            "Did a repeated word get an id of its own?",
        ),  # fmt: skip
        (tokenize, build_vocabulary, lambda ts, v: [v[w] + 1 for w in ts], "off by +1"),
        (
            tokenize,
            build_vocabulary,
            lambda ts, v: [v[w] for w in dict.fromkeys(ts)],
            "expected (12,): one id per token, repeated words included",
        ),  # fmt: skip
        (
            tokenize,
            build_vocabulary,
            lambda ts, v: [v[w] for w in ts],
            "encode raised KeyError for the unknown word 'met'",
        ),  # fmt: skip
        (
            tokenize,
            build_vocabulary,
            lambda ts, v: [v.get(w, -1) for w in ts],
            "should raise ValueError: 'met' is not in the vocabulary",
        ),  # fmt: skip
    ],
)
def test_vocabulary_names_mistakes(tok, vocab, enc, message):
    _fails(message, ch01.check_vocabulary, tok, vocab, enc)


def test_vocabulary_stub_says_not_implemented():
    def stub(text):
        raise NotImplementedError("Exercise 1.1")

    _fails("`stub` is not implemented yet", ch01.check_vocabulary, stub, build_vocabulary, encode)


# --------------------------------------------------------------------------- 1.2


def one_hot(ids, V):
    ids = np.asarray(ids, dtype=int)
    if ids.size and (ids.min() < 0 or ids.max() >= V):
        raise ValueError(f"ids must be in 0..{V - 1}, got {ids}")
    X = np.zeros((len(ids), V))
    X[np.arange(len(ids)), ids] = 1.0
    return X


def test_one_hot_accepts_right_answer(capsys):
    ch01.check_one_hot(one_hot)
    assert "✔ Exercise 1.2" in capsys.readouterr().out


def _unchecked(ids, V):
    X = np.zeros((len(ids), V))
    X[np.arange(len(ids)), ids] = 1.0
    return X


def _no_size_check(ids, V):
    ids = np.asarray(ids, dtype=int)
    if ids.min() < 0 or ids.max() >= V:
        raise ValueError("id out of range")
    return _unchecked(ids, V)


def _array_methods(ids, V):
    if ids.min() < 0 or ids.max() >= V:
        raise ValueError("id out of range")
    return _unchecked(ids, V)


def _float_empty(ids, V):
    ids = np.asarray(ids)
    if ((ids < 0) | (ids >= V)).any():
        raise ValueError("id out of range")
    return np.eye(V)[ids]


def _mutating_one_hot(ids, V):
    X = one_hot(ids, V)
    if isinstance(ids, np.ndarray):
        ids[:] = 0
    return X


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda ids, V: one_hot(ids, V).T, "You built the transpose"),
        (lambda ids, V: one_hot(ids, V)[:-1], "a word is missing or extra"),
        (lambda ids, V: one_hot(ids, V).astype(np.int64), "has dtype int64"),
        (lambda ids, V: one_hot(ids, V).astype(bool), "has dtype bool"),
        (lambda ids, V: 2 * one_hot(ids, V), "has the value 2 at row 0, column 2"),
        (lambda ids, V: np.roll(one_hot(ids, V), 1, axis=1), "in column 3, expected column 2"),
        (lambda ids, V: np.roll(one_hot(ids, V), 1, axis=1), "off by one?"),
        (
            lambda ids, V: np.cumsum(one_hot(ids, V), axis=0).clip(0, 1),
            "row 1 of one_hot([2, 0, 2, 1], V=5) has 2 ones",
        ),  # fmt: skip
        (_unchecked, "one_hot([0, 5, 1], V=5) raised IndexError"),
        (
            lambda ids, V: _unchecked(ids, V) if np.max(ids, initial=0) < V else one_hot(ids, V),
            "numpy would wrap it to 4",
        ),  # fmt: skip
        (lambda ids, V: list(one_hot(ids, V)), "should return a numpy array, got list"),
        (_no_size_check, "An empty sentence has no smallest or largest id"),
        (_array_methods, "ids may be a plain list"),
        (_float_empty, "Give the dtype: ids = np.asarray(ids, dtype=int)"),
        (_mutating_one_hot, "changed its argument ids"),
        (lambda ids, V: one_hot(ids, V).reshape(-1) if len(ids) == 0 else one_hot(ids, V),
         "expected (0, 4): an empty sentence has no rows"),
    ],
)  # fmt: skip
def test_one_hot_names_mistakes(wrong, message):
    _fails(message, ch01.check_one_hot, wrong)


# --------------------------------------------------------------------------- 1.3

RIGHT = {
    "digit recognition": "one-to-one",
    "image captioning": "one-to-many",
    "spam filtering": "many-to-one",
    "part-of-speech tagging": "many-to-many-equal",
    "speech to text": "many-to-many-different",
    "melody from a genre": "one-to-many",
    "frame-level video labelling": "many-to-many-equal",
    "weather forecast": "many-to-one",
    "gene annotation": "many-to-many-equal",
    "summarisation": "many-to-many-different",
}


def test_rnn_types_cover_every_task_with_a_known_type():
    assert set(RIGHT) == set(ch01.TASKS)
    assert set(RIGHT.values()) == set(ch01.RNN_TYPES)


def test_rnn_types_accepts_right_answer_and_spelling_variants(capsys):
    ch01.check_rnn_types(RIGHT)
    loose = {k: v.upper().replace("-", " ") for k, v in RIGHT.items()}
    ch01.check_rnn_types(loose)
    assert capsys.readouterr().out.count("✔ Exercise 1.3") == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"part-of-speech tagging": "many-to-one"},
         "'part-of-speech tagging' is many-to-many-equal, not many-to-one: one tag per word"),
        ({"spam filtering": "many-to-many-equal"},
         "'spam filtering' is many-to-one, not many-to-many-equal"),
        ({"speech to text": "many-to-many-equal"},
         "'speech to text' is many-to-many-different, not many-to-many-equal"),
        ({"image captioning": "many-to-one"}, "'image captioning' is one-to-many"),
        ({"weather forecast": "one-to-many", "gene annotation": "many-to-one"}, "2 of 10 wrong"),
        ({"summarisation": "sequence-to-sequence"}, "'sequence-to-sequence' (for 'summarisation')"
         " is not one of the five types"),
    ],
)  # fmt: skip
def test_rnn_types_names_mistakes(changes, message):
    _fails(message, ch01.check_rnn_types, {**RIGHT, **changes})


def test_rnn_types_takes_the_function_and_names_a_stub(capsys):
    ch01.check_rnn_types(lambda: RIGHT)
    assert "✔ Exercise 1.3" in capsys.readouterr().out

    def classify_tasks():
        raise NotImplementedError("Exercise 1.3")

    _fails("`classify_tasks` is not implemented yet", ch01.check_rnn_types, classify_tasks)


def test_rnn_types_missing_and_extra_tasks():
    partial = {k: v for k, v in RIGHT.items() if k != "summarisation"}
    _fails("no answer for ['summarisation']", ch01.check_rnn_types, partial)
    _fails("unknown tasks ['translation']", ch01.check_rnn_types, {**RIGHT, "translation": "x"})


# --------------------------------------------------------------------------- 1.4


def fit_window(ids, width, pad_id=0):
    if width < 1:
        raise ValueError(f"width must be at least 1, got {width}")
    out = np.full(width, pad_id, dtype=np.int64)
    kept = np.asarray(ids)[:width]
    out[: len(kept)] = kept
    return out


def test_fit_window_accepts_right_answer(capsys):
    ch01.check_fit_window(fit_window)
    assert "✔ Exercise 1.4" in capsys.readouterr().out


def _pad_front(ids, width, pad_id=0):
    kept = ids[:width]
    return np.concatenate([np.full(width - len(kept), pad_id), kept])


def _float_window(ids, width, pad_id=0):
    out = np.zeros(width) + pad_id
    kept = ids[:width]
    out[: len(kept)] = kept
    return out


def _view_window(ids, width, pad_id=0):
    return ids[:width] if len(ids) >= width else fit_window(ids, width, pad_id)


def _mutating(ids, width, pad_id=0):
    ids[:] = 0
    return fit_window(ids, width, pad_id)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (_pad_front, "you padded at the front"),
        (lambda ids, w, pad_id=0: fit_window(ids[-w:], w, pad_id), "you kept the last 4 ids"),
        (lambda ids, w, pad_id=0: fit_window(ids, w, 0), "pad with pad_id=9"),
        (lambda ids, w, pad_id=0: fit_window(ids, w - 1, pad_id), "expected (6,)"),
        (lambda ids, w, pad_id=0: ids[:w], "returned shape (3,), expected (6,)"),
        (_mutating, "modified its input"),
        (_float_window, "returned dtype float64; ids are integers"),
        (_view_window, "returned a view of its input"),
        (lambda ids, w, pad_id=0: fit_window(ids, max(w, 1), pad_id), "width=0) should raise"),
    ],
)
def test_fit_window_names_mistakes(wrong, message):
    _fails(message, ch01.check_fit_window, wrong)


# --------------------------------------------------------------------------- 1.5


def window_lm_parameters(width, V, H):
    return width * V * H + H + V * H + V


def rnn_lm_parameters(V, H):
    return H * V + H * H + H + V * H + V


def test_parameter_counts_accepts_right_answer(capsys):
    ch01.check_parameter_counts(window_lm_parameters, rnn_lm_parameters)
    out = capsys.readouterr().out
    assert "✔ Exercise 1.5" in out
    assert f"{100 * 10_000 * 100 + 100 + 10_000 * 100 + 10_000:,}" in out


@pytest.mark.parametrize(
    ("window", "rnn", "message"),
    [
        (lambda w, V, H: w * V * H + H + H + 1, rnn_lm_parameters, "one output unit"),
        (lambda w, V, H: V * H + H + V * H + V, rnn_lm_parameters, "width·V·H, not V·H"),
        (lambda w, V, H: w * V * H + H, rnn_lm_parameters, "the output layer (V·H weights"),
        (lambda w, V, H: w * V * H + V * H + V, rnn_lm_parameters, "hidden-layer bias"),
        (lambda w, V, H: w * V * H + H + V * H, rnn_lm_parameters, "output biases (V values)"),
        (lambda w, V, H: w * V * H + H + 2 * V, rnn_lm_parameters, "you counted V weights"),
        (
            lambda w, V, H: float(window_lm_parameters(w, V, H)),
            rnn_lm_parameters,
            "an int",
        ),
        (window_lm_parameters, lambda V, H: H * V + H * H + 2 * H + 1, "one output unit"),
        (window_lm_parameters, lambda V, H: H * V + H + V * H + V, "W_hh (H x H) is missing"),
        (window_lm_parameters, lambda V, H: 2 * H * V + H + V * H + V, "not H·V"),
        (window_lm_parameters, lambda V, H: H * V + H * H + H, "W_hy (V, H), b_y (V,)"),
        (window_lm_parameters, lambda V, H: H * V + H * H + V * H + V, "b_h (H values)"),
        (window_lm_parameters, lambda V, H: H * V + H * H + H + V * H, "output bias b_y"),
        (
            window_lm_parameters,
            lambda V, H: H * V + H * H + 2 * H + V * H + V,
            "torch's nn.RNN",
        ),
        (window_lm_parameters, lambda V, H: 7, "returned 7, expected 140."),
    ],
)
def test_parameter_counts_name_mistakes(window, rnn, message):
    _fails(message, ch01.check_parameter_counts, window, rnn)


def test_parameter_counts_of_the_earlier_exercise_are_recognised():
    def window_net_parameters(width, V, H):
        return width * V * H + H + H + 1

    _fails(
        "make fresh EX=01", ch01.check_parameter_counts, window_net_parameters, rnn_lm_parameters
    )


# --------------------------------------------------------------------------- 1.6

SIZES = {
    "batch_entries": 12_800_000,
    "batch_ones": 800,
    "window_weights": 40_000_000,
    "rnn_weights": 1_010_000,
}


def test_batch_sizes_accept_right_answer(capsys):
    ch01.check_batch_sizes(SIZES)
    ch01.check_batch_sizes({k: float(v) for k, v in SIZES.items()})
    ch01.check_batch_sizes(lambda: SIZES)
    assert capsys.readouterr().out.count("✔ Exercise 1.6") == 3


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"batch_entries": 25 * 32 * 10_000}, "uses the mean length, 25"),
        ({"batch_entries": 40 * 10_000}, "that is one review"),
        ({"batch_entries": 40 * 32}, "the (T, N) array of ids"),
        ({"batch_ones": 40 * 32}, "padding included"),
        ({"batch_ones": 32}, "not one per review"),
        ({"window_weights": 40 * 10_000 * 100 * 32}, "weights do not depend on the batch size"),
        ({"window_weights": 25 * 10_000 * 100}, "it must take the longest review"),
        ({"window_weights": 10_000 * 100}, "that is one position"),
        ({"window_weights": 40 * 10_000 * 100 + 100}, "without the biases"),
        ({"rnn_weights": 1_000_000}, "W_hh (H x H) is missing"),
        ({"rnn_weights": 40 * 1_010_000}, "shared across the T steps"),
        ({"rnn_weights": 1_000_000 + 40 * 10_000}, "W_hh is shared across steps too"),
        ({"rnn_weights": 1_010_100}, "without the bias b_h"),
        ({"rnn_weights": 2_000_000}, "H·H weights, not V·H"),
        ({"rnn_weights": 1_234}, "rnn_weights = 1,234 is not right. Write out the shape"),
        ({"batch_ones": None}, "no answer for ['batch_ones']"),
        ({"batch_ones": "800 ones"}, "batch_ones should be a number"),
        ({"batch_ones": 800.5}, "a whole number"),
    ],
)
def test_batch_sizes_name_mistakes(changes, message):
    _fails(message, ch01.check_batch_sizes, {**SIZES, **changes})


# --------------------------------------------------------------------------- 1.7

SEEN, UNSEEN = [0.85, 0.86, 0.87], [0.84, 0.88, 0.85]


def test_window_positions_accept_a_measured_run(capsys):
    ch01.check_window_positions(0.9, 0.6, SEEN, UNSEEN)
    ch01.check_window_positions(0.9, 0.6, np.array(SEEN), tuple(UNSEEN))
    assert capsys.readouterr().out.count("✔ Exercise 1.7") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0.9, 0.6, [0.96, 0.97, 0.96], [0.51, 0.52, 0.50]), "these are the chapter's numbers"),
        ((0.9, 0.6, SEEN, [84.0, 88.0, 85.0]), "looks like percentages"),
        ((0.9, 0.6, SEEN, UNSEEN[:2]), "train over at least 3 seeds"),
        ((0.9, 0.6, SEEN, 0.85), "got one number"),
        ((0.9, 0.6, SEEN, [0.84, 0.99, 0.85]), "[0.99] lies outside"),
        ((0.9, 0.6, [0.6, 0.86, 0.87], UNSEEN), "seen = [0.6, 0.86, 0.87]"),
        ((None, 0.6, SEEN, UNSEEN), "write your prediction predicted_seen"),
        ((0.9, 60, SEEN, UNSEEN), "predicted_unseen = 60: predict a share"),
        ((0.9, 0.6, SEEN, [0.84, -0.1, 0.85]), "an accuracy lies between 0 and 1"),
    ],
)
def test_window_positions_name_mistakes(args, message):
    _fails(message, ch01.check_window_positions, *args)
