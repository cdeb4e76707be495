"""The book's standard for every chapter page, checked on the committed notebooks.

A chapter reads as a textbook, not as a test log:

* at least 2,000 words of prose and at least three captioned, code-drawn figures;
* the code a reader sees is code worth reading: ``glue()`` calls and assertions live in
  hidden guard cells (``remove-cell`` / ``remove-input``), no displayed cell carries a
  ``# fmt: skip``, and a displayed cell longer than 30 lines is collapsed (``hide-input``).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))
HIDDEN = {"remove-cell", "remove-input"}
MIN_WORDS, MIN_FIGURES, MAX_VISIBLE_LINES = 2_000, 3, 30

_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$|```.*?```", re.DOTALL)
_BOOKKEEPING = re.compile(r"\bglue\(|^\s*assert\b", re.MULTILINE)


def _notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", []))


def _displayed_code(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and not _tags(c) & HIDDEN]


def prose_words(nb) -> int:
    """Words of the markdown cells, maths and code blocks left out."""
    text = " ".join(_MATH.sub(" ", c.source) for c in nb.cells if c.cell_type == "markdown")
    return sum(1 for token in text.split() if re.search(r"[A-Za-z]", token))


def figures(nb) -> int:
    """Code cells that make a captioned figure."""
    return sum(
        1
        for c in nb.cells
        if c.cell_type == "code" and c.metadata.get("mystnb", {}).get("figure", {}).get("caption")
    )


@pytest.fixture(params=CHAPTERS, ids=lambda p: p.stem[:2])
def chapter(request):
    return request.param, _notebook(request.param)


def test_every_chapter_has_enough_prose(chapter):
    path, nb = chapter
    assert prose_words(nb) >= MIN_WORDS, f"{path.name}: {prose_words(nb)} words"


def test_every_chapter_has_three_figures(chapter):
    path, nb = chapter
    assert figures(nb) >= MIN_FIGURES, f"{path.name}: {figures(nb)} captioned figures"


def test_no_bookkeeping_in_displayed_code(chapter):
    path, nb = chapter
    shown = [c.get("id") for c in _displayed_code(nb) if _BOOKKEEPING.search(c.source)]
    assert not shown, f"{path.name}: glue()/assert in displayed cells {shown}"


def test_no_formatter_escapes_in_displayed_code(chapter):
    path, nb = chapter
    shown = [c.get("id") for c in _displayed_code(nb) if "fmt: skip" in c.source]
    assert not shown, f"{path.name}: '# fmt: skip' in displayed cells {shown}"


def test_long_displayed_cells_are_collapsed(chapter):
    path, nb = chapter
    long = [
        (c.get("id"), len(c.source.splitlines()))
        for c in _displayed_code(nb)
        if len(c.source.splitlines()) > MAX_VISIBLE_LINES and "hide-input" not in _tags(c)
    ]
    assert not long, f"{path.name}: displayed cells over {MAX_VISIBLE_LINES} lines {long}"


def test_the_measures_see_what_they_should():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("Two words $x + y = z$ and $$a b c$$ here."),
        nbformat.v4.new_code_cell("glue('k', 1.0)", metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_code_cell("x = 1\nassert x", metadata={}),
        nbformat.v4.new_code_cell("plot()", metadata={"mystnb": {"figure": {"caption": "A."}}}),
    ]
    assert prose_words(nb) == 4
    assert figures(nb) == 1
    assert [bool(_BOOKKEEPING.search(c.source)) for c in _displayed_code(nb)] == [True, False]
