"""A helper shared by the backward passes."""

from __future__ import annotations

import numpy as np


def sum_outer(d: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Σ over all leading axes of the outer products d ⊗ v: (..., A), (..., B) → (A, B).

    This is a weight gradient: for y = W v, ∂L/∂W = Σ_rows (∂L/∂y) vᵀ, summed over the batch
    and, for a sequence, over time (the same W acts at every step).
    """
    return d.reshape(-1, d.shape[-1]).T @ v.reshape(-1, v.shape[-1])
