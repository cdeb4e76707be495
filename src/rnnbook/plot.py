"""Figures shared by the chapters: learning curves and labelled heatmaps.

Every function draws on ``ax`` (a new figure if None) and returns the axes, so a chapter
can combine panels and add its own titles. Chapter-specific plots follow at the end.
"""

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from rnnbook.train import History

__all__ = ["heatmap", "learning_curves", "seed_runs"]


def learning_curves(
    history: History,
    keys: Sequence[str] = ("train_loss", "val_loss"),
    ax: Axes | None = None,
    logy: bool = False,
    steps: bool = False,
) -> Axes:
    """Per-epoch curves of ``history`` for each key it has (epochs numbered from 1).

    With ``steps=True`` the loss of every training update is drawn faintly behind, on the
    same epoch axis.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    present = [k for k in keys if k in history.epochs]
    if not present:
        raise ValueError(f"expected history keys among {list(history.epochs)}, received {keys}")
    if steps and history.steps:
        n_epochs = len(history.epochs[present[0]])
        x = np.linspace(0, n_epochs, len(history.steps) + 1)[1:]
        ax.plot(x, history.steps, color="0.75", lw=0.8, label="train loss (per step)")
    for key in present:
        values = history.epochs[key]
        ax.plot(
            np.arange(1, len(values) + 1), values, marker="o", ms=3, label=key.replace("_", " ")
        )
    if history.best_epoch is not None and "val_loss" in present:
        ax.axvline(history.best_epoch + 1, color="0.5", ls=":", lw=1, label="best epoch")
    ax.set_xlabel("epoch")
    ax.set_ylabel(present[0].split("_", 1)[-1] if len(present) == 1 else "value")
    if logy:
        ax.set_yscale("log")
    ax.legend(frameon=False)
    return ax


def seed_runs(
    x: Sequence[float],
    runs: Sequence[Sequence[float]],
    label: str,
    ax: Axes | None = None,
    color: str | None = None,
    **style,
) -> Axes:
    """One curve per seed, drawn thin, and their mean drawn bold with ``label``.

    ``runs`` is ``(seeds, len(x))``: every run of one experiment against the same ``x``.
    ``style`` goes to the mean's line (``marker="o"``, ``ls="--"``, ...).
    """
    runs = np.asarray(runs, dtype=float)
    if runs.ndim != 2 or runs.shape[1] != len(x):
        raise ValueError(
            f"expected runs of shape (seeds, {len(x)}) to match x, received {runs.shape}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    (line,) = ax.plot(x, runs.mean(axis=0), color=color, lw=2, label=label, **style)
    for run in runs:
        ax.plot(x, run, color=line.get_color(), lw=0.8, alpha=0.35)
    return ax


def heatmap(
    matrix: np.ndarray,
    row_labels: Sequence[str] | None = None,
    col_labels: Sequence[str] | None = None,
    ax: Axes | None = None,
    cmap: str = "viridis",
    colorbar: bool = True,
) -> Axes:
    """A matrix ``(R, C)`` as an image with optional tick labels (e.g. attention weights with
    target tokens as rows and source tokens as columns, or gate activations over time)."""
    matrix = np.asarray(matrix)
    if matrix.ndim != 2:
        raise ValueError(f"expected a 2-D matrix, received shape {matrix.shape}")
    for name, labels, size in (
        ("row", row_labels, matrix.shape[0]),
        ("col", col_labels, matrix.shape[1]),
    ):
        if labels is not None and len(labels) != size:
            raise ValueError(f"expected {size} {name} labels, received {len(labels)}")
    if ax is None:
        _, ax = plt.subplots(
            figsize=(max(3, 0.4 * matrix.shape[1] + 1.5), max(2.5, 0.4 * matrix.shape[0] + 1))
        )
    image = ax.imshow(matrix, cmap=cmap, aspect="auto")
    if row_labels is not None:
        ax.set_yticks(range(len(row_labels)), row_labels)
    if col_labels is not None:
        ax.set_xticks(range(len(col_labels)), col_labels, rotation=90)
    if colorbar:
        ax.figure.colorbar(image, ax=ax)
    return ax
