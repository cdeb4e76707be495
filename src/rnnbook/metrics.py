"""Evaluation metrics shared by the chapters.

Language models report the mean negative log-likelihood per token in nats (the value of
``torch.nn.functional.cross_entropy``); :func:`perplexity` and :func:`bits_per_character`
convert it. Taggers are scored per token and per entity (BIO tags), translators by exact
match and corpus BLEU (computed by ``sacrebleu``, not by hand).
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch

__all__ = [
    "Spread",
    "accuracy",
    "bits_per_character",
    "corpus_bleu",
    "entity_f1",
    "entity_spans",
    "exact_match",
    "perplexity",
    "token_f1",
]


@dataclass(frozen=True)
class Spread:
    """One measurement repeated over several seeds: the values, their mean and range.

    ``Spread([0.91, 0.97, 0.95])`` formats as ``0.943 (0.910–0.970)`` with ``f"{s:.3f}"``
    (mean, then min–max) and as ``94% (91–97%)`` with ``f"{s:.0%}"``. The book states what
    holds across the range, so its guards test ``s.min`` or ``s.max``, not one run.
    """

    values: tuple[float, ...]

    def __init__(self, values: Iterable[float]):
        values = tuple(float(v) for v in values)
        if not values:
            raise ValueError("Spread: expected at least one value, received none")
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"Spread: expected finite values, received {values}")
        object.__setattr__(self, "values", values)

    @property
    def mean(self) -> float:
        return math.fsum(self.values) / len(self.values)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __format__(self, spec: str) -> str:
        if spec.endswith("%"):
            low, high = format(self.min, spec)[:-1], format(self.max, spec)
            return f"{self.mean:{spec}} ({low}–{high})"
        return f"{self.mean:{spec}} ({self.min:{spec}}–{self.max:{spec}})"

    def __str__(self) -> str:
        return format(self, ".3g")


def perplexity(mean_nll: float) -> float:
    """Perplexity ``exp(L)`` of a mean negative log-likelihood ``L`` per token, in nats."""
    return math.exp(mean_nll)


def bits_per_character(mean_nll: float) -> float:
    """Bits per character ``L / ln 2`` of a mean negative log-likelihood per character in nats."""
    return mean_nll / math.log(2)


def accuracy(output: torch.Tensor, target: torch.Tensor, ignore_index: int = -100) -> float:
    """Fraction of positions where the prediction equals ``target``.

    ``output`` is either logits ``(..., C)`` (the prediction is their argmax) or predicted
    class indices of the same shape as ``target`` ``(...)``. Positions whose target is
    ``ignore_index`` (padding) are not counted.
    """
    prediction = output.argmax(-1) if output.dim() == target.dim() + 1 else output
    if prediction.shape != target.shape:
        raise ValueError(
            f"accuracy: expected predictions of shape {tuple(target.shape)} (or logits with one "
            f"more dimension), received {tuple(output.shape)}"
        )
    keep = target != ignore_index
    if not keep.any():
        raise ValueError("accuracy: expected at least one target that is not ignore_index")
    return (prediction[keep] == target[keep]).float().mean().item()


def _check_paired(name: str, predicted: Sequence, reference: Sequence) -> None:
    if len(predicted) != len(reference):
        raise ValueError(
            f"{name}: expected as many predictions as references, received {len(predicted)} "
            f"predictions and {len(reference)} references"
        )
    if len(reference) == 0:
        raise ValueError(f"{name}: expected at least one sequence, received none")


def _scores(correct: int, n_predicted: int, n_true: int) -> dict[str, float]:
    precision = correct / n_predicted if n_predicted else 0.0
    recall = correct / n_true if n_true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def token_f1(
    predicted: Sequence[Sequence[str]], reference: Sequence[Sequence[str]], outside: str = "O"
) -> dict[str, float]:
    """Micro-averaged token-level precision, recall and F1 over the tags that are not ``outside``.

    A token counts as predicted (true) when its predicted (reference) tag is not ``outside``;
    it is correct when both tags are equal. Returns ``{"precision", "recall", "f1"}``.
    """
    _check_paired("token_f1", predicted, reference)
    correct = n_predicted = n_true = 0
    for i, (pred, ref) in enumerate(zip(predicted, reference, strict=True)):
        if len(pred) != len(ref):
            raise ValueError(
                f"token_f1: sentence {i}: expected {len(ref)} predicted tags, received {len(pred)}"
            )
        for p, r in zip(pred, ref, strict=True):
            n_predicted += p != outside
            n_true += r != outside
            correct += p == r != outside
    return _scores(correct, n_predicted, n_true)


def entity_spans(tags: Sequence[str]) -> set[tuple[str, int, int]]:
    """Entities ``(type, start, end)`` (end exclusive) of one BIO-tagged sentence.

    ``B-X`` opens an entity of type ``X``; ``I-X`` continues it; an ``I-X`` that does not
    follow a ``B-X``/``I-X`` opens a new entity (the lenient conlleval convention).
    """
    spans = set()
    kind, start = None, 0
    for t, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        if prefix not in ("B", "I", "O") or (prefix != "O" and not label):
            raise ValueError(f"entity_spans: expected tags 'O', 'B-X' or 'I-X', received {tag!r}")
        continues = prefix == "I" and label == kind
        if kind is not None and not continues:
            spans.add((kind, start, t))
            kind = None
        if prefix == "B" or (prefix == "I" and not continues):
            kind, start = label, t
    return spans


def entity_f1(
    predicted: Sequence[Sequence[str]], reference: Sequence[Sequence[str]]
) -> dict[str, float]:
    """Entity-level precision, recall and F1 over BIO-tagged sentences.

    An entity is correct only if its type, start and end all match a reference entity.
    Returns ``{"precision", "recall", "f1"}``.
    """
    _check_paired("entity_f1", predicted, reference)
    correct = n_predicted = n_true = 0
    for i, (pred, ref) in enumerate(zip(predicted, reference, strict=True)):
        if len(pred) != len(ref):
            raise ValueError(
                f"entity_f1: sentence {i}: expected {len(ref)} predicted tags, received {len(pred)}"
            )
        p, r = entity_spans(pred), entity_spans(ref)
        correct += len(p & r)
        n_predicted += len(p)
        n_true += len(r)
    return _scores(correct, n_predicted, n_true)


def exact_match(predicted: Sequence[Sequence], reference: Sequence[Sequence]) -> float:
    """Fraction of predicted sequences (strings or token lists) equal to their reference."""
    _check_paired("exact_match", predicted, reference)
    hits = sum(list(p) == list(r) for p, r in zip(predicted, reference, strict=True))
    return hits / len(reference)


def corpus_bleu(
    hypotheses: Sequence[str | Sequence[str]], references: Sequence[str | Sequence[str]]
) -> float:
    """Corpus BLEU (0–100) of hypotheses against one reference each, computed by ``sacrebleu``.

    Each sentence is a string or a list of tokens (joined with spaces). Uses sacrebleu's
    default ``13a`` tokenisation and exponential smoothing.
    """
    import sacrebleu

    _check_paired("corpus_bleu", hypotheses, references)

    def text(sentence):
        return sentence if isinstance(sentence, str) else " ".join(sentence)

    hyps = [text(h) for h in hypotheses]
    refs = [text(r) for r in references]
    return sacrebleu.corpus_bleu(hyps, [refs]).score
