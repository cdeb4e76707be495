"""Turning next-token distributions into sequences: sampling, greedy and beam search.

* :func:`sample` generates from a :class:`~rnnbook.nn.models.LanguageModel` (one-to-many),
  drawing each token from ``softmax(logits / temperature)``, optionally restricted to the
  ``top_k`` most likely tokens; ``temperature=0`` is greedy.
* :func:`greedy_decode` and :func:`beam_search` translate with a
  :class:`~rnnbook.nn.models.Seq2Seq`. Beam search keeps the ``beam_size`` best partial
  translations by total log-probability and ranks finished ones by
  ``log p(y) / len(y) ** length_penalty`` (length normalisation); with ``beam_size=1`` it
  returns exactly what :func:`greedy_decode` returns.

Sequences are returned as lists of token ids without the start token and without the
stop token.
"""

import torch
from torch import Tensor

from rnnbook.nn.models import LanguageModel, Seq2Seq

__all__ = ["beam_search", "greedy_decode", "sample", "sample_logits"]


def sample_logits(
    logits: Tensor,
    temperature: float = 1.0,
    top_k: int | None = None,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Draw one token per row of ``logits (N, V)`` -> ids ``(N,)``.

    ``p = softmax(logits / temperature)`` over the ``top_k`` largest logits (all if None);
    ``temperature == 0`` takes the argmax. The draw happens on the ``generator``'s device, so
    a seeded CPU generator gives the same tokens for a model on the GPU.
    """
    if temperature < 0:
        raise ValueError(f"expected temperature >= 0, received {temperature}")
    if temperature == 0:
        return logits.argmax(-1)
    if top_k is not None:
        if not 1 <= top_k <= logits.shape[-1]:
            raise ValueError(f"expected 1 <= top_k <= {logits.shape[-1]}, received {top_k}")
        kth = logits.topk(top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits / temperature, dim=-1)
    where = probs.device if generator is None else generator.device
    draw = torch.multinomial(probs.to(where), 1, generator=generator)
    return draw.squeeze(-1).to(logits.device)


@torch.no_grad()
def sample(
    model: LanguageModel,
    prefix: list[int] | Tensor,
    steps: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    num_samples: int = 1,
    stop_token: int | None = None,
    generator: torch.Generator | None = None,
) -> list[list[int]]:
    """Generate ``num_samples`` continuations of ``prefix`` (token ids, at least one).

    Each continuation has up to ``steps`` tokens and ends early at ``stop_token`` (not
    included). Pass a seeded ``generator`` for reproducible samples.
    """
    prefix = torch.as_tensor(prefix, dtype=torch.long)
    if prefix.dim() != 1 or len(prefix) == 0:
        raise ValueError(
            f"expected a non-empty 1-D prefix of ids, received shape {tuple(prefix.shape)}"
        )
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    tokens = prefix.to(device)[:, None].expand(-1, num_samples)  # (P, num_samples)
    logits, state = model(tokens)
    generated, done = [], torch.zeros(num_samples, dtype=torch.bool, device=device)
    for _ in range(steps):
        token = sample_logits(logits[-1], temperature, top_k, generator)
        generated.append(token)
        if stop_token is not None:
            done |= token == stop_token
            if done.all():
                break
        logits, state = model(token[None, :], state)
    model.train(was_training)
    rows = torch.stack(generated, 1).tolist() if generated else [[] for _ in range(num_samples)]
    return [row[: row.index(stop_token)] if stop_token in row else row for row in rows]


@torch.no_grad()
def greedy_decode(
    model: Seq2Seq, src: Tensor, src_lengths: Tensor | None, bos: int, eos: int, max_len: int
) -> list[list[int]]:
    """Translate a batch ``src (S, N)`` by taking the most likely token at every step."""
    was_training = model.training
    model.eval()
    memory, state, mask = model.encode(src, src_lengths)
    token = torch.full((src.shape[1],), bos, dtype=torch.long, device=src.device)
    outputs = []
    for _ in range(max_len):
        logits, state, _ = model.decode_step(token, state, memory, mask)
        token = logits.argmax(-1)
        outputs.append(token)
        if (torch.stack(outputs) == eos).any(0).all():
            break
    model.train(was_training)
    rows = torch.stack(outputs, 1).tolist()
    return [row[: row.index(eos)] if eos in row else row for row in rows]


def _select(state, index: Tensor):
    """Reorder the batch dimension (1) of a state to follow the surviving beams."""
    if isinstance(state, tuple):
        return tuple(s[:, index] for s in state)
    return state[:, index]


@torch.no_grad()
def beam_search(
    model: Seq2Seq,
    src: Tensor,
    src_lengths: Tensor | None,
    bos: int,
    eos: int,
    max_len: int,
    beam_size: int = 5,
    length_penalty: float = 1.0,
) -> list[list[int]]:
    """Translate each sentence of ``src (S, N)`` with beam search; returns the best of each.

    Finished hypotheses (ending in ``eos``) are ranked by ``log p / len ** length_penalty``,
    counting ``eos`` in the length. Each step keeps ``beam_size`` hypotheses alive: a
    hypothesis that ends is set aside and the next-best continuation takes its place. Search
    for a sentence stops when ``beam_size`` have finished or after ``max_len`` steps
    (unfinished beams then compete too).
    """
    if beam_size < 1:
        raise ValueError(f"expected beam_size >= 1, received {beam_size}")
    was_training = model.training
    model.eval()
    results = []
    for n in range(src.shape[1]):
        length = None if src_lengths is None else torch.as_tensor(src_lengths)[n : n + 1]
        memory, state, mask = model.encode(src[:, n : n + 1], length)
        beams = [([], 0.0)]  # alive hypotheses: (tokens, total log-probability)
        finished = []
        for _ in range(max_len):
            k = len(beams)
            token = torch.tensor([t[-1] if t else bos for t, _ in beams], device=src.device)
            logits, state, _ = model.decode_step(
                token, state, memory.expand(-1, k, -1), mask.expand(-1, k)
            )
            totals = torch.tensor([s for _, s in beams], device=src.device)
            scores = torch.log_softmax(logits, -1) + totals[:, None]  # (k, V)
            # 2k candidates, so that k stay alive even if up to k of them end in eos
            top = scores.flatten().topk(min(2 * beam_size, scores.numel()))
            alive, parents = [], []
            for rank, (score, flat) in enumerate(
                zip(top.values.tolist(), top.indices.tolist(), strict=True)
            ):
                parent, tok = divmod(flat, logits.shape[-1])
                hypothesis = ([*beams[parent][0], tok], score)
                if tok == eos:
                    if rank < beam_size:  # an ending counts only if it is among the k best
                        finished.append(hypothesis)
                elif len(alive) < beam_size:
                    alive.append(hypothesis)
                    parents.append(parent)
            beams = alive
            if len(finished) >= beam_size or not beams:
                break
            state = _select(state, torch.tensor(parents, device=src.device))
        candidates = finished if len(finished) >= beam_size else finished + beams
        tokens, _ = max(candidates, key=lambda c: c[1] / len(c[0]) ** length_penalty)
        results.append(tokens[:-1] if tokens[-1] == eos else tokens)
    model.train(was_training)
    return results
