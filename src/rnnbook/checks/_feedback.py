"""Feedback helpers shared by every chapter's checkers.

A checker calls the reader's function on cases it builds, compares the result with the
package's reference implementation and either prints a confirmation or raises
:class:`CheckFailed` with a message that says *what* is wrong: which exercise, which output,
which shape, which entry, expected versus received.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


class CheckFailed(AssertionError):
    """Raised by a checker when an answer is wrong. The message says what to fix."""


def fail(exercise: str, message: str) -> None:
    """Raise :class:`CheckFailed` for ``exercise`` ("1.2") with ``message``."""
    raise CheckFailed(f"Exercise {exercise}: {message}")


def passed(exercise: str, message: str = "all checks passed.") -> None:
    """Print the confirmation a reader sees when an answer is right."""
    print(f"\u2714 Exercise {exercise}: {message}")


def call(exercise: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the reader's ``fn``; turn an unfinished stub into a friendly failure."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        fail(
            exercise,
            f"`{getattr(fn, '__name__', fn)}` is not implemented yet: replace the "
            "`raise NotImplementedError(...)` line with your code.",
        )


def expect_shape(exercise: str, name: str, got: Any, expected: tuple[int, ...]) -> None:
    """Fail unless ``got`` is an array of shape ``expected``."""
    shape = getattr(got, "shape", None)
    if shape is None:
        fail(exercise, f"{name} should be an array of shape {expected}, got {type(got).__name__}.")
    if tuple(shape) != tuple(expected):
        fail(exercise, f"{name} has shape {tuple(shape)}, expected {tuple(expected)}.")


def expect_close(
    exercise: str,
    name: str,
    got: Any,
    expected: Any,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    hint: str = "",
) -> None:
    """Fail unless ``got`` matches ``expected`` in shape and value.

    The message names the first differing entry and both values, plus an optional hint about
    the likely mistake.
    """
    expected = np.asarray(expected)
    expect_shape(exercise, name, np.asarray(got), expected.shape)
    got = np.asarray(got, dtype=float)
    if not np.all(np.isfinite(got)):
        fail(exercise, f"{name} contains NaN or infinity.")
    bad = ~np.isclose(got, expected, rtol=rtol, atol=atol)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f" at index {index}" if index else ""
        message = (
            f"{name} is wrong{where}: expected {expected[index]:.6g}, "
            f"got {got[index]:.6g} ({int(bad.sum())} of {bad.size} entries differ)."
        )
        fail(exercise, message + (f" {hint}" if hint else ""))
