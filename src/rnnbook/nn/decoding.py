"""Turning next-token distributions into sequences: sampling, greedy and beam search.

* :func:`sample` generates from a :class:`~rnnbook.nn.models.LanguageModel` (one-to-many),
  drawing each token from ``softmax(logits / temperature)``, optionally restricted to the
  ``top_k`` most likely tokens; ``temperature=0`` is greedy.
* :func:`greedy_decode` and :func:`beam_search` translate with a
  :class:`~rnnbook.nn.models.Seq2Seq`. Beam search keeps the ``beam_size`` best partial
  translations by total log-probability and ranks finished ones by
  ``log p(y) / len(y) ** length_penalty`` (length normalisation); with ``beam_size=1`` it
  returns exactly what :func:`greedy_decode` returns. It searches all sentences of a batch
  at once (sentences x beams are the rows of one decoder batch), not one after another.

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


def _check_src(src: Tensor, max_len: int) -> None:
    if src.dim() != 2 or src.dtype != torch.long or 0 in src.shape:
        raise ValueError(
            f"expected source ids of shape (S, N) and dtype long, received shape "
            f"{tuple(src.shape)} and dtype {src.dtype}"
        )
    if max_len < 1:
        raise ValueError(f"expected max_len >= 1, received {max_len}")


@torch.no_grad()
def greedy_decode(
    model: Seq2Seq, src: Tensor, src_lengths: Tensor | None, bos: int, eos: int, max_len: int
) -> list[list[int]]:
    """Translate a batch ``src (S, N)`` by taking the most likely token at every step."""
    _check_src(src, max_len)
    was_training = model.training
    model.eval()
    memory, state, mask = model.encode(src, src_lengths)
    keys = model.keys(memory)
    token = torch.full((src.shape[1],), bos, dtype=torch.long, device=src.device)
    outputs = []
    for _ in range(max_len):
        logits, state, _ = model.decode_step(token, state, memory, mask, keys)
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
    return_scores: bool = False,
    early_stopping: bool = True,
) -> list[list[int]] | tuple[list[list[int]], list[float]]:
    """Translate each sentence of ``src (S, N)`` with beam search; returns the best of each.

    All ``N`` sentences are searched at once: their ``beam_size`` hypotheses are the
    ``N * beam_size`` rows of one decoder batch (row ``n * beam_size + b`` is beam ``b`` of
    sentence ``n``), and each step is one ``topk`` over every sentence's
    ``beam_size * V`` continuations.

    Hypotheses are ranked by total log-probability while they grow. Each step takes the
    ``2 * beam_size`` best continuations of a sentence: one that ends in ``eos`` is set aside
    as finished if it ranks among the best ``beam_size``, and the best ``beam_size`` that go
    on stay alive, so a finished hypothesis never shrinks the beam. The winner maximises the
    length-normalised score ``log p(y) / len(y) ** length_penalty``, counting ``eos`` in the
    length (``length_penalty=0``: raw log-probability, which favours short outputs).

    When a sentence's search stops: with ``early_stopping=True`` (as fairseq and Hugging
    Face's ``early_stopping=True``) as soon as ``beam_size`` hypotheses have finished, or
    after ``max_len`` steps (unfinished beams then compete too); with ``beam_size=1`` this
    returns exactly what :func:`greedy_decode` returns. Early stopping can end the search on
    short hypotheses while a longer one, still alive, would have scored higher after
    normalisation. With ``early_stopping=False`` the search goes on until no alive hypothesis
    can beat the best finished one: since log-probabilities only fall, an alive hypothesis of
    total ``r`` ends with a normalised score of at most ``r / max_len ** length_penalty``.

    Returns token lists without ``eos``; with ``return_scores`` also each winner's
    normalised score.
    """
    _check_src(src, max_len)
    if beam_size < 1:
        raise ValueError(f"expected beam_size >= 1, received {beam_size}")
    if length_penalty < 0:
        raise ValueError(f"expected length_penalty >= 0, received {length_penalty}")
    was_training = model.training
    model.eval()
    device, (_, N), k = src.device, src.shape, beam_size
    memory, state, mask = model.encode(src, src_lengths)
    memory, mask = memory.repeat_interleave(k, 1), mask.repeat_interleave(k, 1)
    state = _select(state, torch.arange(N, device=device).repeat_interleave(k))
    keys = model.keys(memory)
    inf = float("inf")
    alive = torch.full((N, k), -inf, device=device)  # total log-probability of alive beams
    alive[:, 0] = 0.0  # one hypothesis to start with: the empty one
    history = torch.zeros((N, k, 0), dtype=torch.long, device=device)
    best = torch.full((N,), -inf, device=device)  # best normalised score of a finished one
    best_tokens = torch.zeros((N, max_len), dtype=torch.long, device=device)
    best_len = torch.zeros(N, dtype=torch.long, device=device)
    n_finished = torch.zeros(N, dtype=torch.long, device=device)
    done = torch.zeros(N, dtype=torch.bool, device=device)
    token = torch.full((N * k,), bos, dtype=torch.long, device=device)
    rows = torch.arange(N, device=device)
    for t in range(max_len):
        logits, state, _ = model.decode_step(token, state, memory, mask, keys)
        V = logits.shape[-1]
        scores = torch.log_softmax(logits.float(), -1).view(N, k, V) + alive[..., None]
        top, flat = scores.view(N, k * V).topk(min(2 * k, k * V), dim=1)  # (N, C) best first
        parent, tok = flat // V, flat % V
        rank = torch.arange(top.shape[1], device=device)
        ends = (tok == eos) & (top > -inf)
        finishing = ends & (rank < k) & ~done[:, None]
        normalised = (top / (t + 1) ** length_penalty).masked_fill(~finishing, -inf)
        step_best, where = normalised.max(1)
        improves = step_best > best
        if improves.any():
            chosen = parent[rows, where]
            best_tokens[improves, :t] = history[rows, chosen][improves]
            best_len[improves] = t
            best[improves] = step_best[improves]
        n_finished += finishing.sum(1)
        # the k best continuations that do not end stay alive (rank order kept)
        goes_on = tok != eos
        keep = (rank + (~goes_on) * top.shape[1]).argsort(1)[:, :k]
        alive = top.gather(1, keep).masked_fill(~goes_on.gather(1, keep), -inf)
        parent, token = parent.gather(1, keep), tok.gather(1, keep)
        history = torch.cat([history[rows[:, None], parent], token[..., None]], dim=2)
        if early_stopping:
            done |= n_finished >= k
        else:  # no alive hypothesis can still beat the best finished one
            done |= best >= alive.max(1).values / max_len**length_penalty
        done |= (alive == -inf).all(1)
        if done.all():
            break
        state = _select(state, (rows[:, None] * k + parent).flatten())
        token = token.flatten()
    # sentences with fewer than k finished: the alive beams compete too
    length = history.shape[2]
    open_best, open_arg = (alive / max(length, 1) ** length_penalty).max(1)
    use_open = (open_best > best) & ((n_finished < k) | (not early_stopping))
    results = []
    for n in range(N):
        if use_open[n]:
            results.append(history[n, open_arg[n]].tolist())
        else:
            results.append(best_tokens[n, : best_len[n]].tolist())
    model.train(was_training)
    if return_scores:
        return results, torch.where(use_open, open_best, best).tolist()
    return results
