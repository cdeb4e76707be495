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


def call_with_shapes(
    exercise: str, fn: Callable[..., Any], layout: str, *args: np.ndarray, **kwargs: Any
) -> Any:
    """Call the reader's ``fn`` on copies of the arrays ``args``; explain a shape error.

    A ``ValueError`` raised inside ``fn`` becomes a failure that lists the input shapes,
    followed by ``layout``, the chapter's reminder of how the arrays are laid out.
    """
    try:
        return call(exercise, fn, *(arg.copy() for arg in args), **kwargs)
    except ValueError as error:
        shapes = ", ".join(str(arg.shape) for arg in args)
        fail(
            exercise,
            f"your function raised ValueError ({error}) for inputs of shapes {shapes}. " + layout,
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


def matches(got: Any, candidate: Any) -> bool:
    """True if ``got`` has the shape of ``candidate`` and the same values (``None``: never)."""
    return (
        candidate is not None
        and np.shape(got) == np.shape(candidate)
        and bool(np.allclose(got, candidate, rtol=1e-6, atol=1e-8))
    )


def check_outputs(
    exercise: str,
    got: Any,
    expected: dict[str, Any],
    mistakes: list[tuple[str, dict[str, Any]]],
    where: str,
) -> None:
    """Check a tuple of named outputs and name the mistake that explains a wrong one.

    ``mistakes`` pairs a diagnosis with the outputs that mistake would produce; a mistake
    lists only the outputs it changes. A mistake is named if it explains the whole tuple,
    or else if it explains one of the wrong outputs; outputs that sit in each other's
    places are reported as a wrong order.
    """
    names = list(expected)
    wanted = f"({', '.join(names)})"
    if not isinstance(got, tuple | list):
        fail(exercise, f"return the tuple {wanted}; got a value of type {type(got).__name__}.")
    if len(got) != len(names):
        fail(exercise, f"return the {len(names)} arrays {wanted}; got {len(got)} values.")
    outputs = dict(zip(names, (np.asarray(value) for value in got), strict=True))
    wrong = [name for name in names if not matches(outputs[name], expected[name])]
    if not wrong:
        return
    for message, candidate in mistakes:
        if all(matches(outputs[n], candidate.get(n, expected[n])) for n in names):
            fail(exercise, message)
    moved = [
        f"position {names.index(name)} holds {other}"
        for name in wrong
        for other in names
        if other != name and matches(outputs[name], expected[other])
    ]
    if moved:
        fail(exercise, f"the outputs are in another order ({', '.join(moved)}); return {wanted}.")
    for name in wrong:
        for message, candidate in mistakes:
            if matches(outputs[name], candidate.get(name)):
                fail(exercise, message)
        expect_close(exercise, f"{name} {where}", outputs[name], expected[name])
