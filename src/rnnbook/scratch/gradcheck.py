"""Numerical gradient checking: the proof that a hand-written backward pass is right.

The centred difference (f(x + h) − f(x − h)) / 2h has error O(h²), so in float64 with
h = 1e-5 an exact analytic gradient agrees with it to a relative error of about 1e-9 or
better, while a wrong one is off by far more than 1e-6.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """∂f/∂x by centred differences, one entry at a time.

    ∂f/∂x_k ≈ (f(x + h e_k) − f(x − h e_k)) / 2h. ``x`` is perturbed in place (and restored),
    so ``f`` may either use its argument or read ``x`` through a closure.

    Args:
        f: maps the array x to a scalar. x: a float array of any shape. h: the step.

    Returns:
        An array of x's shape.
    """
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"numerical_gradient: x must be a float array, received dtype {x.dtype}")
    grad = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        saved = x[k]
        x[k] = saved + h
        f_plus = f(x)
        x[k] = saved - h
        f_minus = f(x)
        x[k] = saved
        grad[k] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖), in [0, 1]; 0 when both are zero.

    Dividing by the sizes of both makes the error independent of the gradient's scale.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"relative_error: shapes differ, {a.shape} and {b.shape}")
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)


def check_gradients(
    loss_and_grads: Callable[[], tuple[float, Mapping[str, np.ndarray]]],
    arrays: Mapping[str, np.ndarray],
    h: float = 1e-5,
) -> dict[str, float]:
    """Compare analytic gradients with numerical ones for every array; worst error per array.

    Args:
        loss_and_grads: a function of no arguments that runs the forward pass on the current
            contents of ``arrays``, reduces the outputs to a scalar loss, runs the backward
            pass and returns ``(loss, grads)`` with ``grads[name]`` = ∂loss/∂arrays[name].
        arrays: every input, initial state and parameter to check, by name (float64 arrays;
            they are perturbed in place and restored).
        h: the finite-difference step.

    Returns:
        {name: relative_error(analytic, numerical)} for every name in ``arrays``.

    Example: for the RNN, with a random projection R so that every output matters,
    ``loss = Σ hs ⊙ R`` and ``dhs = R``::

        def loss_and_grads():
            hs, cache = rnn_forward(arrays["xs"], arrays["h0"], params)
            dxs, dh0, grads = rnn_backward(R, cache)
            return float((hs * R).sum()), {"xs": dxs, "h0": dh0, **grads}
    """
    _, analytic = loss_and_grads()
    missing = [name for name in arrays if name not in analytic]
    if missing:
        raise ValueError(f"check_gradients: loss_and_grads returned no gradient for {missing}")
    errors = {}
    for name, x in arrays.items():
        numeric = numerical_gradient(lambda _: loss_and_grads()[0], x, h)
        errors[name] = relative_error(analytic[name], numeric)
    return errors
