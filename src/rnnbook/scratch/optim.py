"""Gradient clipping and the optimisers SGD, Adagrad and Adam, on parameter dicts.

An optimiser holds a reference to the parameter dict and updates its arrays in place:

    opt = Adam(params, lr=1e-3)
    opt.step(grads)          # grads: same keys and shapes as params
"""

from __future__ import annotations

import numpy as np

from ._validate import expect_finite


def _check_grads(params: dict, grads: dict) -> None:
    if set(grads) != set(params):
        raise ValueError(
            f"grads must have the keys of params, expected {sorted(params)}, "
            f"received {sorted(grads)}"
        )
    for key, value in grads.items():
        if np.shape(value) != np.shape(params[key]):
            raise ValueError(
                f"grads[{key!r}]: expected shape {np.shape(params[key])}, "
                f"received {np.shape(value)}"
            )
        expect_finite(f"grads[{key!r}]", value)


def global_norm(grads: dict[str, np.ndarray]) -> float:
    """‖g‖ = √(Σ_arrays Σ_entries g²), the norm of all gradients seen as one vector."""
    return float(np.sqrt(sum(float(np.sum(g**2)) for g in grads.values())))


def clip_grad_norm(grads: dict[str, np.ndarray], max_norm: float) -> float:
    """Rescale all gradients together, in place, so that their global norm is ≤ max_norm.

    If ‖g‖ > max_norm then g ← g · max_norm / ‖g‖: the direction is kept, only the step
    shrinks. Returns ‖g‖ measured *before* clipping (useful to log explosions).
    """
    if max_norm <= 0:
        raise ValueError(f"max_norm must be positive, received {max_norm}")
    norm = global_norm(grads)
    if not np.isfinite(norm):
        raise ValueError(f"clip_grad_norm: the gradient norm is {norm}; expected a finite value")
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm


def clip_grad_value(grads: dict[str, np.ndarray], clip_value: float) -> None:
    """Clip every gradient entry, in place, into [−clip_value, clip_value].

    Unlike clipping by norm this changes the gradient's direction.
    """
    if clip_value <= 0:
        raise ValueError(f"clip_value must be positive, received {clip_value}")
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)


class SGD:
    """θ ← θ − lr · v with v ← μ v + g (plain SGD when momentum μ = 0)."""

    def __init__(self, params: dict[str, np.ndarray], lr: float = 0.1, momentum: float = 0.0):
        self.params, self.lr, self.momentum = params, lr, momentum
        self.velocity = {key: np.zeros_like(p) for key, p in params.items()}

    def step(self, grads: dict[str, np.ndarray]) -> None:
        """Update every parameter in place from ``grads`` (same keys and shapes)."""
        _check_grads(self.params, grads)
        for key, p in self.params.items():
            self.velocity[key] = self.momentum * self.velocity[key] + grads[key]
            p -= self.lr * self.velocity[key]


class Adagrad:
    """θ ← θ − lr · g / (√G + ε), with G ← G + g² the running sum of squared gradients.

    The optimiser of Karpathy's min-char-rnn: each weight gets its own, shrinking, step.
    """

    def __init__(self, params: dict[str, np.ndarray], lr: float = 0.1, eps: float = 1e-8):
        self.params, self.lr, self.eps = params, lr, eps
        self.sum_sq = {key: np.zeros_like(p) for key, p in params.items()}

    def step(self, grads: dict[str, np.ndarray]) -> None:
        """Update every parameter in place from ``grads`` (same keys and shapes)."""
        _check_grads(self.params, grads)
        for key, p in self.params.items():
            self.sum_sq[key] += grads[key] ** 2
            p -= self.lr * grads[key] / (np.sqrt(self.sum_sq[key]) + self.eps)


class Adam:
    """Adam (Kingma & Ba, 2015).

    m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,
    θ ← θ − lr · m̂ / (√v̂ + ε)  with the bias corrections m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ).
    """

    def __init__(
        self,
        params: dict[str, np.ndarray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ):
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m = {key: np.zeros_like(p) for key, p in params.items()}
        self.v = {key: np.zeros_like(p) for key, p in params.items()}
        self.t = 0

    def step(self, grads: dict[str, np.ndarray]) -> None:
        """Update every parameter in place from ``grads`` (same keys and shapes)."""
        _check_grads(self.params, grads)
        beta1, beta2 = self.betas
        self.t += 1
        for key, p in self.params.items():
            self.m[key] = beta1 * self.m[key] + (1 - beta1) * grads[key]
            self.v[key] = beta2 * self.v[key] + (1 - beta2) * grads[key] ** 2
            m_hat = self.m[key] / (1 - beta1**self.t)
            v_hat = self.v[key] / (1 - beta2**self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
