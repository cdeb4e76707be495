"""One training loop for every model of the book, with evaluation and checkpoints.

Data conventions
----------------
* Ordinary batches: ``train_data`` is any iterable of tuples (a list, a ``DataLoader``);
  the **last** element of each tuple is the target and the others are passed to the model
  in order, ``model(*inputs)``. If the model returns a tuple (as the language model and the
  forecaster do, ``(prediction, state)``), its first element is the prediction.
  The loss is ``loss(prediction, target)``; the metrics are ``metric(prediction, target)``.
* Truncated BPTT (``bptt=L``): ``train_data`` is one array ``(T_total, N)`` of token ids
  holding ``N`` parallel streams (``rnnbook.data.batchify``). The loop cuts it into chunks
  ``x = data[t : t + L]``, ``y = data[t + 1 : t + 1 + L]`` in order, calls
  ``model(x, state)`` and carries the returned state, detached, into the next chunk, so
  gradients flow back at most ``L`` steps while the state remembers the whole stream.
* numpy arrays are accepted wherever tensors are (floating ones become torch's default dtype).

Every update clips the global gradient norm: ``g <- g * clip_norm / ||g||`` when
``||g|| > clip_norm``.
"""

import copy
import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from rnnbook.data import batchify  # re-exported: the stream layout that bptt expects
from rnnbook.nn.models import detach_state
from rnnbook.progress import progress_bar

__all__ = [
    "Checkpoint",
    "History",
    "batchify",
    "cross_entropy",
    "default_device",
    "evaluate",
    "fit",
    "load_checkpoint",
    "save_checkpoint",
    "seed_everything",
]

Metric = Callable[[Tensor, Tensor], float]


def default_device() -> torch.device:
    """CUDA when a GPU is present, otherwise the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def seed_everything(seed: int) -> None:
    """Seed torch's generators (CPU and CUDA) and numpy's and Python's global generators.

    Initialisation, dropout and shuffling in torch then repeat, and so does code that draws
    from ``np.random.*`` or ``random.*`` directly. The package's own numpy code does not use
    the global generator: ``rnnbook.scratch`` takes an explicit ``rng`` and ``rnnbook.data`` a
    ``seed`` argument, each drawing from its own ``numpy.random.Generator``, so their draws
    depend on that argument alone.
    ``seed`` must be in ``[0, 2**32)`` (numpy's limit); pass ``rnnbook.seeding.seed(k)``.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**32:
        raise ValueError(f"expected a seed in [0, 2**32), received {seed!r}")
    torch.manual_seed(seed)
    np.random.seed(seed)  # noqa: NPY002 (the legacy global generator is what this seeds)
    random.seed(seed)


def cross_entropy(logits: Tensor, target: Tensor, ignore_index: int = -100) -> Tensor:
    """Mean cross-entropy of logits ``(..., C)`` against class ids ``(...)``, any leading shape.

    ``L = -mean_i log softmax(logits_i)[target_i]`` over positions whose target is not
    ``ignore_index`` (padding).
    """
    if logits.shape[:-1] != target.shape:
        raise ValueError(
            f"expected logits of shape {tuple(target.shape)} + (C,) for targets of shape "
            f"{tuple(target.shape)}, received {tuple(logits.shape)}"
        )
    return nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=ignore_index
    )


@dataclass
class History:
    """What :func:`fit` measured: per-epoch values and the training loss of every step.

    ``epochs["train_loss"]``, ``epochs["val_loss"]`` and ``epochs["val_<metric>"]`` are lists
    with one value per epoch; ``steps`` holds the loss of every update. ``history[key]`` is
    ``history.epochs[key]``. ``best_epoch`` (0-based) has the lowest validation loss.
    """

    epochs: dict[str, list[float]] = field(default_factory=dict)
    steps: list[float] = field(default_factory=list)
    best_epoch: int | None = None

    def __getitem__(self, key: str) -> list[float]:
        return self.epochs[key]

    def log(self, **values: float) -> None:
        """Append one epoch's values."""
        for key, value in values.items():
            self.epochs.setdefault(key, []).append(float(value))

    def to_dict(self) -> dict:
        return {"epochs": self.epochs, "steps": self.steps, "best_epoch": self.best_epoch}

    @classmethod
    def from_dict(cls, d: dict) -> "History":
        return cls(epochs=d["epochs"], steps=d["steps"], best_epoch=d["best_epoch"])


def _to(value: Any, device: torch.device) -> Any:
    """Tensors and numpy arrays (floats as torch's default dtype) on ``device``."""
    if isinstance(value, np.ndarray):
        value = torch.as_tensor(value)
        if value.is_floating_point():
            value = value.to(torch.get_default_dtype())
    return value.to(device) if isinstance(value, Tensor) else value


def _batches(data, bptt: int | None, device: torch.device):
    """Yield ``(inputs, target, carries_state)`` from either data convention."""
    if bptt is None:
        for batch in data:
            if not isinstance(batch, (tuple, list)) or len(batch) < 2:
                raise ValueError(
                    "expected batches that are tuples (inputs..., target), received "
                    f"{type(batch).__name__}"
                )
            yield [_to(b, device) for b in batch[:-1]], _to(batch[-1], device)
        return
    if not isinstance(data, Tensor | np.ndarray) or data.ndim != 2:
        raise ValueError(
            "with bptt, expected one array of token ids (T_total, N) (see rnnbook.data.batchify), "
            f"received {type(data).__name__} of shape {tuple(getattr(data, 'shape', ()))}"
        )
    data = _to(data, device)
    for t in range(0, len(data) - 1, bptt):
        length = min(bptt, len(data) - 1 - t)
        yield [data[t : t + length]], data[t + 1 : t + 1 + length]


def _num_batches(data, bptt: int | None) -> int | None:
    if bptt is not None:
        return math.ceil((len(data) - 1) / bptt)
    return len(data) if hasattr(data, "__len__") else None


def _run(model, inputs, state, bptt):
    """Prediction and next state of one batch (the state only with truncated BPTT)."""
    output = model(*inputs, state) if bptt is not None else model(*inputs)
    if isinstance(output, tuple):
        return output[0], output[1]
    return output, None


@torch.no_grad()
def evaluate(
    model: nn.Module,
    data: Iterable,
    loss: Callable[[Tensor, Tensor], Tensor] = cross_entropy,
    *,
    metrics: dict[str, Metric] | None = None,
    bptt: int | None = None,
    device: torch.device | str | None = None,
) -> dict[str, float]:
    """Mean loss and metrics of ``model`` over ``data``, in eval mode: ``{"loss": ..., name: ...}``.

    Batch values are averaged with weights equal to the number of target elements (so the
    loss of a language model is per token). Data conventions as in :func:`fit`.
    """
    device = torch.device(device) if device is not None else next(model.parameters()).device
    was_training = model.training
    model.eval()
    metrics = metrics or {}
    totals = dict.fromkeys(["loss", *metrics], 0.0)
    count, state = 0, None
    for inputs, target in _batches(data, bptt, device):
        prediction, state = _run(model, inputs, state, bptt)
        weight = target.numel()
        totals["loss"] += loss(prediction, target).item() * weight
        for name, metric in metrics.items():
            totals[name] += float(metric(prediction, target)) * weight
        count += weight
    model.train(was_training)
    if count == 0:
        raise ValueError("evaluate: expected at least one batch, received an empty data set")
    return {name: total / count for name, total in totals.items()}


def fit(
    model: nn.Module,
    train_data: Iterable,
    val_data: Iterable | None = None,
    loss: Callable[[Tensor, Tensor], Tensor] = cross_entropy,
    *,
    epochs: int = 1,
    optimizer: torch.optim.Optimizer | None = None,
    lr: float = 1e-3,
    clip_norm: float | None = 1.0,
    bptt: int | None = None,
    metrics: dict[str, Metric] | None = None,
    patience: int | None = None,
    device: torch.device | str | None = None,
    progress: bool = True,
    seed: int | None = None,
) -> History:
    """Train ``model`` on ``train_data`` for ``epochs`` epochs and return the :class:`History`.

    Args:
        loss: ``loss(prediction, target) -> scalar``; default :func:`cross_entropy`
            (use ``torch.nn.functional.mse_loss`` for forecasting).
        optimizer: defaults to ``Adam(model.parameters(), lr)``.
        clip_norm: clip the global gradient norm to this value (None: no clipping).
        bptt: truncation length; switches to the stream convention of the module docstring.
        metrics: ``{name: metric(prediction, target) -> float}`` measured on ``val_data``.
        patience: stop after this many epochs without a lower validation loss; the weights
            of the best epoch are restored at the end whenever ``val_data`` is given.
        device: defaults to :func:`default_device`; the model is moved there.
        progress: show a progress bar over all training steps.
        seed: seed torch first (initialised weights are not affected; dropout and shuffling are).
    """
    if seed is not None:
        seed_everything(seed)
    device = torch.device(device) if device is not None else default_device()
    model.to(device)
    optimizer = optimizer or torch.optim.Adam(model.parameters(), lr=lr)
    history = History()
    best_loss, best_state, stale = math.inf, None, 0
    per_epoch = _num_batches(train_data, bptt)
    with progress_bar(total=per_epoch and per_epoch * epochs, enabled=progress) as bar:
        for epoch in range(epochs):
            model.train()
            total, count, state = 0.0, 0, None
            for inputs, target in _batches(train_data, bptt, device):
                prediction, state = _run(model, inputs, detach_state(state), bptt)
                batch_loss = loss(prediction, target)
                optimizer.zero_grad()
                batch_loss.backward()
                if clip_norm is not None:
                    nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
                optimizer.step()
                history.steps.append(batch_loss.item())
                total += history.steps[-1] * target.numel()
                count += target.numel()
                bar.update()
                bar.set_postfix(epoch=epoch + 1, loss=f"{history.steps[-1]:.4f}", refresh=False)
            if count == 0:
                raise ValueError("fit: expected at least one training batch, received none")
            values = {"train_loss": total / count}
            if val_data is not None:
                scores = evaluate(model, val_data, loss, metrics=metrics, bptt=bptt, device=device)
                values |= {f"val_{name}": value for name, value in scores.items()}
            history.log(**values)
            if val_data is None:
                continue
            if values["val_loss"] < best_loss:
                best_loss, stale, history.best_epoch = values["val_loss"], 0, epoch
                best_state = copy.deepcopy(model.state_dict())
            else:
                stale += 1
            if patience is not None and stale >= patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history


@dataclass
class Checkpoint:
    """What :func:`load_checkpoint` returns: the model (loaded), the optimizer (loaded, if one
    was given), the rebuilt vocabulary, the history and any extra values that were saved."""

    model: nn.Module
    optimizer: torch.optim.Optimizer | None
    vocab: Any
    history: History | None
    extra: dict


def save_checkpoint(
    path: str | Path,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    vocab: Any = None,
    history: History | None = None,
    **extra: Any,
) -> None:
    """Save model weights (and its ``config``, if it has one), optimizer state, the
    vocabulary (as ``vocab.to_dict()``), the history and ``extra`` plain values to ``path``."""
    torch.save(
        {
            "model_class": type(model).__name__,
            "model_config": getattr(model, "config", None),
            "model_state": model.state_dict(),
            "optimizer_state": optimizer.state_dict() if optimizer is not None else None,
            "vocab": vocab.to_dict() if vocab is not None else None,
            "history": history.to_dict() if history is not None else None,
            "extra": extra,
        },
        path,
    )


def load_checkpoint(
    path: str | Path,
    model: nn.Module | None = None,
    optimizer: torch.optim.Optimizer | None = None,
    device: torch.device | str | None = None,
) -> Checkpoint:
    """Load a checkpoint written by :func:`save_checkpoint`.

    Without ``model``, the model is rebuilt from its saved class name and ``config`` (any model
    of :mod:`rnnbook.nn.models`); with one, the weights are loaded into it. The vocabulary is
    rebuilt with ``rnnbook.data.Vocab.from_dict``. Tensors are mapped to ``device`` (default
    CPU).
    """
    saved = torch.load(path, map_location=device or "cpu", weights_only=True)
    if model is None:
        from rnnbook.nn import models

        cls = getattr(models, saved["model_class"], None)
        if cls is None or saved["model_config"] is None:
            raise ValueError(
                f"cannot rebuild a {saved['model_class']} from the checkpoint: expected a model "
                "of rnnbook.nn.models; pass model= to load the weights into your own"
            )
        model = cls(**saved["model_config"])
    model.load_state_dict(saved["model_state"])
    if device is not None:
        model.to(device)
    if optimizer is not None:
        if saved["optimizer_state"] is None:
            raise ValueError("expected an optimizer state in the checkpoint, found none")
        optimizer.load_state_dict(saved["optimizer_state"])
    vocab = None
    if saved["vocab"] is not None:
        from rnnbook.data import Vocab

        vocab = Vocab.from_dict(saved["vocab"])
    history = History.from_dict(saved["history"]) if saved["history"] is not None else None
    return Checkpoint(model, optimizer, vocab, history, saved["extra"])
