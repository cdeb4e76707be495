"""Metrics of rnnbook.metrics on small cases worked out by hand."""

import math

import pytest
import torch

from rnnbook.metrics import (
    accuracy,
    bits_per_character,
    corpus_bleu,
    entity_f1,
    entity_spans,
    exact_match,
    perplexity,
    token_f1,
)


def test_perplexity_and_bits_per_character_of_a_uniform_model():
    V = 27  # a uniform guess over V symbols has loss ln V
    loss = torch.nn.functional.cross_entropy(torch.zeros(5, V), torch.arange(5)).item()
    assert perplexity(loss) == pytest.approx(V)
    assert bits_per_character(loss) == pytest.approx(math.log2(V))


def test_accuracy_from_logits_or_ids_ignoring_padding():
    logits = torch.tensor([[[2.0, 0.0], [0.0, 1.0]], [[0.0, 3.0], [5.0, 0.0]]])  # (T=2, N=2, C=2)
    target = torch.tensor([[0, 0], [1, -100]])
    assert accuracy(logits, target) == pytest.approx(2 / 3)
    assert accuracy(torch.tensor([1, 1, 0]), torch.tensor([1, 0, 0])) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match=r"expected predictions of shape \(3,\)"):
        accuracy(torch.zeros(4), torch.zeros(3, dtype=torch.long))


def test_entity_spans():
    tags = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC", "I-ORG", "O", "I-PER"]
    assert entity_spans(tags) == {
        ("PER", 0, 2),
        ("LOC", 3, 4),
        ("LOC", 4, 6),
        ("ORG", 6, 7),
        ("PER", 8, 9),
    }
    with pytest.raises(ValueError, match="expected tags 'O', 'B-X' or 'I-X', received 'X-PER'"):
        entity_spans(["X-PER"])


def test_token_and_entity_f1():
    reference = [["B-PER", "I-PER", "O", "B-LOC"], ["O", "B-ORG"]]
    predicted = [["B-PER", "O", "O", "B-LOC"], ["B-LOC", "B-ORG"]]
    # tokens: predicted non-O 4, true non-O 4, correct 3
    assert token_f1(predicted, reference) == pytest.approx(
        {"precision": 0.75, "recall": 0.75, "f1": 0.75}
    )
    # entities: predicted {PER 0-1, LOC 3-4, LOC 0-1', ORG 1-2'}, true {PER 0-2, LOC, ORG}
    scores = entity_f1(predicted, reference)
    assert scores["precision"] == pytest.approx(2 / 4)
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["f1"] == pytest.approx(2 * (1 / 2) * (2 / 3) / (1 / 2 + 2 / 3))
    with pytest.raises(ValueError, match="expected 2 predicted tags, received 1"):
        entity_f1([["O"]], [["O", "O"]])
    with pytest.raises(ValueError, match="received 1 predictions and 2 references"):
        token_f1([["O"]], [["O"], ["O"]])


def test_exact_match():
    assert exact_match([[1, 2], [3], "abc"], [[1, 2], [3, 4], "abc"]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="at least one sequence"):
        exact_match([], [])


def test_corpus_bleu():
    refs = ["the cat sat on the mat", "there is a dog in the garden"]
    assert corpus_bleu(refs, refs) == pytest.approx(100.0)
    partial = corpus_bleu(["the cat sat on a mat", "there is a cat in the garden"], refs)
    assert 0 < partial < 100
    as_tokens = corpus_bleu(
        [s.split() for s in ["the cat sat on a mat", "there is a cat in the garden"]],
        [r.split() for r in refs],
    )
    assert as_tokens == pytest.approx(partial)
    assert corpus_bleu(["zebra"] * 2, refs) == pytest.approx(0.0)
