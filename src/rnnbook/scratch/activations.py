"""Activation functions and their derivatives.

Each elementwise activation ``f`` comes with ``f_grad(z) = f'(z)``, the derivative evaluated
at the same pre-activation ``z``; a backward pass multiplies it with the upstream gradient:
``dz = f_grad(z) * dy``. Inputs of any shape are accepted; outputs have the same shape
(except maxout, which reduces the last axis).
"""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^{−z}), computed without overflow for any z.

    For z ≥ 0 we use 1 / (1 + e^{−z}); for z < 0 the equal form e^{z} / (1 + e^{z}). Both
    only ever exponentiate −|z| ≤ 0, so ``sigmoid(±1000)`` is exactly 1 or 0, silently.
    """
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z: np.ndarray) -> np.ndarray:
    """σ'(z) = σ(z)(1 − σ(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: np.ndarray) -> np.ndarray:
    """tanh(z) = (e^{z} − e^{−z}) / (e^{z} + e^{−z}) = 2σ(2z) − 1."""
    return np.tanh(z)


def tanh_grad(z: np.ndarray) -> np.ndarray:
    """tanh'(z) = 1 − tanh²(z); at most 1, reached at z = 0."""
    return 1.0 - np.tanh(z) ** 2


def relu(z: np.ndarray) -> np.ndarray:
    """ReLU(z) = max(0, z)."""
    return np.maximum(z, 0.0)


def relu_grad(z: np.ndarray) -> np.ndarray:
    """ReLU'(z) = 1 if z > 0 else 0 (we take 0 at the kink z = 0)."""
    return (np.asarray(z) > 0).astype(float)


def leaky_relu(z: np.ndarray, slope: float = 0.01) -> np.ndarray:
    """Leaky ReLU(z) = z if z > 0 else slope·z."""
    z = np.asarray(z)
    return np.where(z > 0, z, slope * z)


def leaky_relu_grad(z: np.ndarray, slope: float = 0.01) -> np.ndarray:
    """Leaky ReLU'(z) = 1 if z > 0 else slope."""
    return np.where(np.asarray(z) > 0, 1.0, slope)


def elu(z: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """ELU(z) = z if z > 0 else α(e^{z} − 1); exponentiates only min(z, 0), so no overflow."""
    z = np.asarray(z)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_grad(z: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """ELU'(z) = 1 if z > 0 else α e^{z}."""
    z = np.asarray(z)
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def maxout(z: np.ndarray, pieces: int) -> np.ndarray:
    """Maxout over groups of ``pieces`` consecutive pre-activations.

    z has shape (..., M·pieces), holding for each of the M units the ``pieces`` linear
    functions w_j·x + b_j; unit m outputs max_j z[..., m·pieces + j]. Returns (..., M).
    """
    z = np.asarray(z)
    if pieces < 1 or z.shape[-1] % pieces:
        raise ValueError(
            f"maxout: the last axis must be a multiple of pieces={pieces}, received {z.shape}"
        )
    return z.reshape(*z.shape[:-1], -1, pieces).max(axis=-1)


def maxout_grad(z: np.ndarray, pieces: int) -> np.ndarray:
    """∂maxout/∂z as a 0/1 mask of z's shape marking the winning piece of every unit.

    The gradient flows only through the maximum: ``dz = maxout_grad(z, k) * np.repeat(dy,
    k, axis=-1)``. Ties go to the first maximal piece.
    """
    z = np.asarray(z)
    groups = z.reshape(*z.shape[:-1], -1, pieces)
    winners = groups.argmax(axis=-1)[..., None]
    mask = np.zeros_like(groups, dtype=float)
    np.put_along_axis(mask, winners, 1.0, axis=-1)
    return mask.reshape(z.shape)
