"""Softmax and the cross-entropy loss, numerically stable for any finite logits."""

from __future__ import annotations

import numpy as np

from ._validate import as_array


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """log softmax(z)_k = z_k − m − log Σ_j e^{z_j − m}, with m = max_j z_j.

    Subtracting the maximum leaves the result unchanged and keeps every exponent ≤ 0, so
    logits of ±1e4 give exact, finite log-probabilities.
    """
    z = np.asarray(z)
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """softmax(z)_k = e^{z_k} / Σ_j e^{z_j}, computed as e^{z_k − m} / Σ_j e^{z_j − m}."""
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def cross_entropy(
    logits: np.ndarray, targets: np.ndarray, mask: np.ndarray | None = None
) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of integer targets under softmax(logits), and its gradient.

    L = −(1/M) Σ_positions mask · log softmax(logits)[target], where M = Σ mask is the number
    of real (unpadded) positions; ∂L/∂logits = mask · (softmax(logits) − onehot(target)) / M.

    Args:
        logits: (..., V) unnormalised scores, e.g. (T, N, V) for a batch of sequences.
        targets: (...) integer classes in [0, V), the shape of logits without its last axis.
        mask: optional (...) array, 1 (or True) at real positions and 0 at padding; padded
            positions add nothing to the loss or the gradient. ``None`` counts every position.

    Returns:
        loss: a float, the mean over real positions (in nats).
        dlogits: (..., V), the gradient of ``loss`` with respect to ``logits``.
    """
    logits = as_array("logits", logits)
    targets = np.asarray(targets)
    if logits.ndim < 1 or targets.shape != logits.shape[:-1]:
        raise ValueError(
            f"cross_entropy: targets must have the shape of logits without its last axis, "
            f"expected {logits.shape[:-1]}, received {targets.shape}"
        )
    if not np.issubdtype(targets.dtype, np.integer):
        raise ValueError(f"cross_entropy: targets must be integers, received dtype {targets.dtype}")
    vocab = logits.shape[-1]
    if targets.size and (targets.min() < 0 or targets.max() >= vocab):
        raise ValueError(
            f"cross_entropy: targets must lie in [0, {vocab}), received values in "
            f"[{targets.min()}, {targets.max()}]"
        )
    if mask is None:
        weights = np.ones(targets.shape)
    else:
        weights = as_array("mask", mask).astype(float)
        if weights.shape != targets.shape:
            raise ValueError(
                f"cross_entropy: mask must have the shape of targets, expected "
                f"{targets.shape}, received {weights.shape}"
            )
    count = weights.sum()
    if count <= 0:
        raise ValueError("cross_entropy: the mask selects no position; expected at least one")

    log_probs = log_softmax(logits)
    picked = np.take_along_axis(log_probs, targets[..., None], axis=-1)[..., 0]
    loss = -(weights * picked).sum() / count

    dlogits = np.exp(log_probs)
    np.put_along_axis(
        dlogits, targets[..., None], np.take_along_axis(dlogits, targets[..., None], -1) - 1, -1
    )
    dlogits *= (weights / count)[..., None]
    return float(loss), dlogits
