"""Every seed the book uses, and the one knob that shifts them all.

A chapter never writes a bare number into ``default_rng``, ``manual_seed`` or a data
loader; it writes ``seed(k)``. With the environment variable ``RNNBOOK_SEED`` unset (or 0)
``seed(k) == k``, so the book's own seeds are the numbers on the page. With
``RNNBOOK_SEED=s`` every seed moves to ``k + 1000 * s``: fresh draws for every data set,
initialisation and shuffle at once, which is how the book checks that its lessons do not
rest on one lucky run. Book seeds are therefore kept in ``0 <= k < 1000``.

A result that depends on training is measured over ``seeds(n)`` and reported with its
spread (:class:`rnnbook.metrics.Spread`).
"""

import os

__all__ = ["SEED_ENV", "SEED_STRIDE", "seed", "seed_shift", "seeds"]

SEED_ENV = "RNNBOOK_SEED"
SEED_STRIDE = 1000  # book seeds live in [0, SEED_STRIDE); each shift moves them past all of them


def seed_shift() -> int:
    """The value of ``RNNBOOK_SEED``: 0 when unset, otherwise a non-negative integer."""
    raw = os.environ.get(SEED_ENV, "").strip()
    if not raw:
        return 0
    try:
        shift = int(raw)
    except ValueError:
        raise ValueError(
            f"expected {SEED_ENV} to be a non-negative integer, received {raw!r}"
        ) from None
    if shift < 0:
        raise ValueError(f"expected {SEED_ENV} to be a non-negative integer, received {shift}")
    return shift


def seed(k: int = 0) -> int:
    """The book's seed number ``k`` (``0 <= k < 1000``), shifted: ``k + 1000 * RNNBOOK_SEED``."""
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < SEED_STRIDE:
        raise ValueError(f"expected a book seed 0 <= k < {SEED_STRIDE}, received {k!r}")
    return k + SEED_STRIDE * seed_shift()


def seeds(n: int, start: int = 0) -> list[int]:
    """``n`` consecutive book seeds ``[seed(start), ..., seed(start + n - 1)]``: one per run."""
    if n < 1:
        raise ValueError(f"expected at least one seed, received n={n}")
    return [seed(k) for k in range(start, start + n)]
