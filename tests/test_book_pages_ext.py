"""_ext/rnnbook_pages.py: alt text from captions and launch links for notebooks."""

import importlib.util
from pathlib import Path

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("rnnbook_pages", ROOT / "_ext/rnnbook_pages.py")
ext = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ext)


def test_first_sentence_of_a_caption():
    caption = "Validation loss of three runs.\nEvery line is one run. The bold line is the mean."
    assert ext.first_sentence(caption) == "Validation loss of three runs."
    assert ext.first_sentence("One sentence without a stop") == "One sentence without a stop"
    assert ext.first_sentence("e.g. short", limit=250) == "e.g. short"
    long = "word " * 100
    assert len(ext.first_sentence(long, limit=50)) <= 50 and long.startswith("word")


def _doctree(rst: str) -> nodes.document:
    document = new_document("test", get_default_settings(Parser))
    Parser().parse(rst, document)
    return document


def test_figures_without_alt_get_the_first_sentence_of_their_caption():
    doctree = _doctree(
        ".. figure:: a.png\n\n   Loss against updates. Each line is a seed.\n\n"
        ".. figure:: b.png\n   :alt: Two bars.\n\n   A caption.\n\n"
        ".. image:: c.png\n"
    )
    ext.add_figure_alt(None, doctree)
    alts = [image.get("alt") for image in doctree.findall(nodes.image)]
    assert alts == ["Loss against updates.", "Two bars.", None]


def test_launch_urls_of_a_notebook():
    urls = ext.launch_urls("https://github.com/org/repo/", "main", "exercises/06_lstm.ipynb")
    assert urls == {
        "Colab": "https://colab.research.google.com/github/org/repo/blob/main/exercises/06_lstm.ipynb",
        "Binder": "https://mybinder.org/v2/gh/org/repo/main?urlpath=lab/tree/exercises/06_lstm.ipynb",
        "GitHub": "https://github.com/org/repo/blob/main/exercises/06_lstm.ipynb",
    }
    with pytest.raises(ValueError, match="github.com/ORG/REPO"):
        ext.launch_urls("https://gitlab.com/org/repo", "main", "x.ipynb")


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("exercises/06_lstm.ipynb", True),
        ("solutions/10_encoder_decoder.ipynb", True),
        ("exercises/NN_*.ipynb", False),
        ("rnnbook.nn", False),
    ],
)
def test_which_literals_name_a_notebook(text, matches):
    assert bool(ext.NOTEBOOK.match(text)) is matches
