"""Vocab: building, encode/decode round trips, unknown tokens, serialisation."""

import numpy as np
import pytest

from rnnbook.data import HARRY_POTTER, HELLO, HELLO_VOCAB, SPECIALS, Vocab, hello_example, tokenize


def test_specials_first_and_build_sorted_independent_of_order():
    a = Vocab.build(["banana", "cab"])
    b = Vocab.build(["cab", "banana"])
    assert a == b
    assert a.tokens[:4] == SPECIALS and a.pad_id == 0
    assert a.tokens[4:] == ("a", "b", "c", "n")


def test_min_freq_drops_rare_tokens():
    v = Vocab.build([["a", "a", "b"], ["a", "c", "c"]], min_freq=2)
    assert "a" in v and "c" in v and "b" not in v
    with pytest.raises(ValueError, match="min_freq"):
        Vocab.build(["abc"], min_freq=0)


@pytest.mark.parametrize("text", [HELLO, HARRY_POTTER, "déjà vu, naïve café\n\t"])
def test_round_trip_characters(text):
    v = Vocab.build([text])
    ids = v.encode(text)
    assert ids.dtype == np.int64 and ids.shape == (len(text),)
    assert "".join(v.decode(ids)) == text
    assert v.decode_text(v.encode(text, bos=True, eos=True)) == text


def test_round_trip_words_with_bos_eos():
    words = tokenize(HARRY_POTTER)
    assert words[:2] == ["Harry", "Potter"] and words[-1] == "."
    v = Vocab.build([words])
    ids = v.encode(words, bos=True, eos=True)
    assert ids[0] == v.bos_id and ids[-1] == v.eos_id and len(ids) == len(words) + 2
    assert v.decode(ids, strip_specials=True) == words


def test_unknown_token_raises_naming_it_or_maps_to_unk():
    v = Vocab.build([["cat", "sat"]])
    with pytest.raises(ValueError, match="'dog'"):
        v.encode(["cat", "dog"])
    ids = v.encode(["cat", "dog"], unknown="unk")
    assert ids.tolist() == [v.index("cat"), v.unk_id]
    with pytest.raises(ValueError, match="unknown must be"):
        v.encode(["cat"], unknown="skip")


def test_no_specials_hello_vocab():
    vocab, inputs, targets = hello_example()
    assert vocab.tokens == HELLO_VOCAB and len(vocab) == 4
    assert inputs.tolist() == [0, 1, 2, 2] and targets.tolist() == [1, 2, 2, 3]
    onehot = vocab.one_hot(inputs)
    assert onehot.shape == (4, 4) and (onehot.sum(axis=1) == 1).all()
    assert onehot[np.arange(4), inputs].all()
    with pytest.raises(ValueError, match="<unk>"):
        vocab.encode("help", unknown="unk")  # no <unk> in this vocabulary


def test_bad_construction_and_ids():
    with pytest.raises(ValueError, match="duplicates"):
        Vocab(["a", "b", "a"])
    with pytest.raises(ValueError, match="special"):
        Vocab(["a", "<pad>"])
    with pytest.raises(ValueError, match="subset"):
        Vocab(["a"], specials=("<eos>", "<pad>"))
    v = Vocab(["a"])
    with pytest.raises(ValueError, match="out of range"):
        v.decode([5])
    with pytest.raises(ValueError, match="1-D"):
        v.decode([[4]])


def test_dict_and_json_round_trip(tmp_path):
    v = Vocab.build(["naïve café"], specials=("<pad>", "<unk>"))
    assert Vocab.from_dict(v.to_dict()) == v
    path = tmp_path / "vocab.json"
    v.save(path)
    w = Vocab.load(path)
    assert w == v and w.tokens == v.tokens and w.specials == ("<pad>", "<unk>")
    with pytest.raises(ValueError, match="keys"):
        Vocab.from_dict({"tokens": ["a"]})
