"""Put the setup cell for Colab and Binder before the first code cell of every notebook.

A chapter or exercise opened on Colab has only the notebook: the book's package
``rnnbook`` is not installed. The setup cell installs it there, with the pinned versions of
``requirements.txt`` (the tools that only build and test the book are left out), and on
your own machine, where ``rnnbook`` is importable, it does nothing: one ``find_spec``.

The cell is the same in every notebook (``tests/test_setup_cell.py`` checks it). It is

* tagged ``remove-cell``: the web page, which cannot run it, does not show it;
* collapsed in notebook interfaces (``jupyter.source_hidden`` for JupyterLab and Binder,
  ``cellView: form`` with an ``@title`` line for Colab), so it shows as one titled line;
* identified by its cell id ``rnnbook-setup``, so running this tool again replaces it
  (after a change of the repository URL, say) instead of adding a second one.

The repository it clones is ``repository.url`` / ``repository.branch`` of ``_config.yml``.

    python tools/add_setup_cell.py              # book/, solutions/ and exercises/
    python tools/add_setup_cell.py NB.ipynb ... # these notebooks only
    python tools/add_setup_cell.py --check      # exit 1 if a notebook lacks the current cell
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("book", "solutions", "exercises")
CELL_ID = "rnnbook-setup"
TITLE = "# @title Setup for Colab and Binder (does nothing on your own machine)"
TAGS = ["remove-cell"]
# requirements.txt lines that start with these names build or test the book; a hosted
# notebook does not need them (and must not replace the service's own Jupyter kernel).
TOOLING = ("jupyter", "sphinx", "ipykernel", "pytest", "nbval", "expecttest", "ruff", "playwright")

TEMPLATE = """{title}
# Colab and Binder start without the book's package `rnnbook`: this cell clones the book and
# installs it with the pinned versions of its requirements.txt. Anywhere else it does nothing.


def _install_rnnbook_if_hosted() -> None:
    import importlib.util
    import os
    import subprocess
    import sys

    hosted = "google.colab" in sys.modules or any(k.startswith("BINDER_") for k in os.environ)
    if not hosted or importlib.util.find_spec("rnnbook") is not None:
        return
    repo = os.path.expanduser("~/rnnbook")
    if not os.path.isdir(repo):
        url = "{url}"
        git = ["git", "clone", "--quiet", "--depth=1", "--branch={branch}", url, repo]
        subprocess.run(git, check=True)
    tooling = tuple("{tooling}".split())
    with open(os.path.join(repo, "requirements.txt")) as f:
        pins = [line.split("#")[0].strip() for line in f]
    pins = [p for p in pins if p and not p.startswith(tooling)]
    pip = [sys.executable, "-m", "pip", "install", "--quiet", *pins, repo]
    subprocess.run(pip, check=True)
    importlib.invalidate_caches()
    print("rnnbook installed; if the service asks you to restart the session, do so.")


_install_rnnbook_if_hosted()
del _install_rnnbook_if_hosted"""


def repository(config: Path = ROOT / "_config.yml") -> tuple[str, str]:
    """The repository URL and branch that ``config`` (the book's ``_config.yml``) names."""
    settings = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    repo = settings.get("repository") or {}
    url, branch = repo.get("url"), repo.get("branch") or "main"
    if not url or not str(url).startswith("https://"):
        raise ValueError(f"{config}: repository.url must be an https:// URL, got {url!r}")
    return str(url), str(branch)


def setup_source(url: str, branch: str) -> str:
    """The setup cell's source for the repository at ``url`` on ``branch``."""
    for name, value in (("url", url), ("branch", branch)):
        if any(c in value for c in "\"'\\\n ") or not value:
            raise ValueError(f"{name} {value!r} cannot go into the cell")
    return TEMPLATE.format(title=TITLE, url=url, branch=branch, tooling=" ".join(TOOLING))


def setup_cell(source: str) -> nbformat.NotebookNode:
    """The setup cell (a code cell with id ``rnnbook-setup``) holding ``source``."""
    cell = nbformat.v4.new_code_cell(source=source)
    cell.id = CELL_ID
    cell.metadata = {"cellView": "form", "jupyter": {"source_hidden": True}, "tags": list(TAGS)}
    return cell


def is_setup_cell(cell: nbformat.NotebookNode) -> bool:
    """True for a setup cell of this tool, current or stale."""
    return cell.get("id") == CELL_ID or (
        cell.cell_type == "code" and cell.source.startswith("# @title Setup for Colab")
    )


def with_setup_cell(nb: nbformat.NotebookNode, cell: nbformat.NotebookNode) -> bool:
    """Make ``cell`` the first code cell of ``nb`` (replacing any earlier setup cell).

    Returns True when ``nb`` changed.
    """
    old = [c for c in nb.cells if is_setup_cell(c)]
    first_code = next((c for c in nb.cells if c.cell_type == "code"), None)
    if len(old) == 1 and first_code is old[0] and _same(old[0], cell):
        return False
    nb.cells = [c for c in nb.cells if not is_setup_cell(c)]
    index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(index, nbformat.from_dict(cell))
    return True


def _same(a: nbformat.NotebookNode, b: nbformat.NotebookNode) -> bool:
    return a.source == b.source and a.metadata == b.metadata and a.get("id") == b.get("id")


def notebooks(paths: list[Path]) -> list[Path]:
    """The notebooks named by ``paths``, or those of book/, solutions/ and exercises/."""
    if paths:
        return paths
    return [p for folder in FOLDERS for p in sorted((ROOT / folder).glob("*.ipynb"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="fail if a notebook is stale")
    args = parser.parse_args(argv)
    cell = setup_cell(setup_source(*repository()))
    stale = []
    for path in notebooks(args.paths):
        nb = nbformat.read(path, as_version=4)
        if with_setup_cell(nb, cell):
            stale.append(path)
            if not args.check:
                nbformat.validate(nb)
                nbformat.write(nb, path)
                print(f"updated {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    if args.check and stale:
        names = ", ".join(str(p.relative_to(ROOT)) for p in stale)
        print(f"setup cell missing or stale (run tools/add_setup_cell.py): {names}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
