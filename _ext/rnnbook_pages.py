"""A small Sphinx extension for the book's web pages (loaded from ``_config.yml``).

1. **Alt text for figures.** myst-nb takes an image's alt text from the cell metadata
   ``{"mystnb": {"image": {"alt": "..."}}}``; a figure cell that gives only a caption gets
   an ``<img>`` whose alt is its own file name (Sphinx's fallback), which a screen reader
   reads out as a hash. Where a figure's image has no alt of its own, it gets the first
   sentence of the caption.
2. **Launch links for notebooks named in the text.** A code literal naming a notebook of
   the repository, such as ``exercises/06_lstm.ipynb`` or ``solutions/06_lstm.ipynb``,
   is followed by links that open it on Colab or Binder, or show it on GitHub. The links
   are built from ``repository.url`` and ``repository.branch`` in ``_config.yml``; without
   a repository URL nothing is added.
3. **One copy of each inline script.** sphinx-thebe 0.3.1 adds its configuration script
   twice on some builds; the second ``const THEBE_JS_URL`` is a JavaScript error on every
   page. Identical scripts are kept once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
NOTEBOOK = re.compile(r"^(exercises|solutions|book)/[\w.-]+\.ipynb$")
COLAB = "https://colab.research.google.com/github/{org}/{repo}/blob/{branch}/{path}"
BINDER = "https://mybinder.org/v2/gh/{org}/{repo}/{branch}?urlpath=lab/tree/{path}"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")


def first_sentence(text: str, limit: int = 250) -> str:
    """The first sentence of ``text`` (whitespace collapsed), cut at ``limit`` characters."""
    text = " ".join(text.split())
    sentence = SENTENCE_END.split(text, maxsplit=1)[0]
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return sentence


def add_figure_alt(app: Sphinx, doctree: nodes.document) -> None:
    """Give every figure image without alt text the first sentence of its caption."""
    for figure in doctree.findall(nodes.figure):
        captions = [c for c in figure.findall(nodes.caption)]
        if not captions:
            continue
        alt = first_sentence(captions[0].astext())
        for image in figure.findall(nodes.image):
            if not image.get("alt") or image["alt"] == image.get("uri"):
                image["alt"] = alt


def launch_urls(repository_url: str, branch: str, path: str) -> dict[str, str]:
    """Colab, Binder and GitHub addresses of the notebook ``path`` of a GitHub repository.

    ``repository_url`` is ``https://github.com/ORG/REPO``; raises ValueError otherwise.
    """
    parts = urlsplit(repository_url.rstrip("/"))
    segments = [s for s in parts.path.split("/") if s]
    if parts.netloc != "github.com" or len(segments) != 2:
        raise ValueError(
            f"repository.url must be https://github.com/ORG/REPO, got {repository_url!r}"
        )
    org, repo = segments
    repo = repo.removesuffix(".git")
    fields = {"org": org, "repo": repo, "branch": branch, "path": path}
    return {
        "Colab": COLAB.format(**fields),
        "Binder": BINDER.format(**fields),
        "GitHub": f"https://github.com/{org}/{repo}/blob/{branch}/{path}",
    }


def add_launch_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Follow each code literal that names a notebook with its launch links."""
    options = app.config.html_theme_options or {}
    repository_url = options.get("repository_url")
    if not repository_url or app.builder.format != "html":
        return
    branch = options.get("repository_branch") or "main"
    root = Path(app.confdir)
    for literal in list(doctree.findall(nodes.literal)):
        path = literal.astext().strip()
        if not NOTEBOOK.match(path) or isinstance(literal.parent, nodes.reference):
            continue
        if not (root / path).is_file():
            LOGGER.warning(
                f"{path} is named in the text but is not in the repository",
                location=literal,
                type="rnnbook",
                subtype="launch",
            )
            continue
        literal["classes"].append("notebook-path")
        links = nodes.inline(classes=["launch-links"])
        links += nodes.Text(" (")
        for i, (name, url) in enumerate(launch_urls(repository_url, branch, path).items()):
            if i:
                links += nodes.Text(" · ")
            links += nodes.reference(name, name, refuri=url, classes=["external"])
        links += nodes.Text(")")
        literal.parent.insert(literal.parent.index(literal) + 1, links)


def dedupe_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Keep one copy of scripts that are identical (same file, same attributes).

    An inline script comes once with ``filename=None`` (added while the builder starts) and
    once with ``filename=""`` (re-added from the registry); both count as no file. Runs
    after the other handlers and edits the builder's own list in place.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (
            str(getattr(script, "filename", script) or ""),
            tuple(sorted(getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", add_figure_alt)
    app.connect("doctree-resolved", add_launch_links)
    app.connect("html-page-context", dedupe_scripts, priority=999)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
