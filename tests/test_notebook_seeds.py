"""Every seed in the chapters and solutions goes through rnnbook.seeding (the RNNBOOK_SEED knob).

A bare integer seed in a notebook would stay fixed when RNNBOOK_SEED shifts the others, and
a lesson could then rest on that one draw again.
"""

import re
from pathlib import Path

import nbformat
import pytest

from rnnbook.seeding import SEED_ENV

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted([*(ROOT / "book").glob("*.ipynb"), *(ROOT / "solutions").glob("*.ipynb")])

# a literal number where a seed is given: default_rng(0), manual_seed(3), seed=5, rng=7, ...
BARE_SEED = re.compile(
    r"(default_rng|manual_seed|seed_everything|RandomState)\(\s*\d"
    r"|\b(seed|rng|random_state)\s*=\s*\d"
)


def bare_seeds(source: str) -> list[str]:
    """The lines of ``source`` that pass a literal integer as a seed."""
    return [line.strip() for line in source.splitlines() if BARE_SEED.search(line)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_bare_seeds(path):
    notebook = nbformat.read(path, as_version=4)
    found = [line for c in notebook.cells if c.cell_type == "code" for line in bare_seeds(c.source)]
    assert not found, (
        f"{path.name}: seeds must come from rnnbook.seeding.seed(k) so that {SEED_ENV} shifts "
        f"them; found: {found}"
    )


@pytest.mark.parametrize(
    ("line", "bare"),
    [
        ("rng = np.random.default_rng(0)", True),
        ("torch.manual_seed(3)", True),
        ("x, y = adding_problem(100, T=50, seed=123)", True),
        ("params = init_rnn_params(4, 3, rng=7)", True),
        ("rng = np.random.default_rng(seed(0))", False),
        ("torch.manual_seed(s)", False),
        ("x, y = adding_problem(100, T=50, seed=seed(123))", False),
        ("for s in seeds(5):", False),
    ],
)
def test_the_lint_tells_a_bare_seed_from_a_knob(line, bare):
    assert bool(bare_seeds(line)) == bare
