"""Input checks shared by the numpy modules.

Every public function validates what it receives, so that a wrong shape or a NaN is reported
where it enters, with the expected and the received shape, instead of surfacing later as a
broadcasting surprise or a silently diverging loss.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def as_array(name: str, value: object) -> np.ndarray:
    """Return ``value`` as an ndarray; raise ValueError if it is non-finite or empty."""
    array = np.asarray(value)
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}); expected at least one element")
    expect_finite(name, array)
    return array


def expect_finite(name: str, array: np.ndarray) -> None:
    """Raise ValueError if ``array`` holds NaN or infinity, saying how many and where."""
    finite = np.isfinite(array)
    if not finite.all():
        bad = np.argwhere(~finite)
        first = tuple(int(i) for i in bad[0])
        raise ValueError(
            f"{name} contains {len(bad)} non-finite value(s) (NaN or inf), the first at "
            f"index {first}: {array[first]}"
        )


def expect_shape(name: str, array: np.ndarray, expected: tuple[int | None, ...], dims: str) -> None:
    """Raise ValueError unless ``array.shape`` matches ``expected``.

    ``dims`` names the axes, e.g. ``"(N, D)"``; ``None`` in ``expected`` accepts any size and
    is shown by its letter in the message.
    """
    letters = [d.strip() for d in dims.strip("()").split(",")]
    ok = array.ndim == len(expected) and all(
        e is None or e == s for e, s in zip(expected, array.shape, strict=False)
    )
    if not ok:
        wanted = ", ".join(
            str(letter if e is None else e) for letter, e in zip(letters, expected, strict=True)
        )
        raise ValueError(
            f"{name}: expected shape {dims} = ({wanted}{',' if len(expected) == 1 else ''}), "
            f"received {array.shape}"
        )


def check_params(
    params: Mapping[str, np.ndarray], shapes: Mapping[str, tuple[int, ...]], model: str
) -> None:
    """Check that ``params`` has every key of ``shapes`` with that shape and finite values."""
    missing = [key for key in shapes if key not in params]
    if missing:
        raise ValueError(
            f"{model} params: missing {missing}; expected keys {list(shapes)}, "
            f"received {list(params)}"
        )
    for key, shape in shapes.items():
        array = np.asarray(params[key])
        if array.shape != shape:
            raise ValueError(
                f"{model} params[{key!r}]: expected shape {shape}, received {array.shape}"
            )
        expect_finite(f"{model} params[{key!r}]", array)


def make_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """Accept a Generator or a seed (``None`` means seed 0, so results are reproducible)."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(0 if rng is None else rng)
