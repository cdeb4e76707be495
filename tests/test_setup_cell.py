"""The setup cell for Colab and Binder: in every notebook, current, and inert on this machine."""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = [
    p for d in ("book", "solutions", "exercises") for p in sorted((ROOT / d).glob("*.ipynb"))
]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


add_setup_cell = _load("add_setup_cell")
make_exercises = _load("make_exercises")
CELL = add_setup_cell.setup_cell(add_setup_cell.setup_source(*add_setup_cell.repository()))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_first_code_cell_is_the_current_setup_cell(path):
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert first.source == CELL.source and first.metadata == CELL.metadata, (
        f"{path.relative_to(ROOT)}: setup cell missing or stale; run tools/add_setup_cell.py"
    )
    assert first.get("id") == add_setup_cell.CELL_ID
    assert sum(add_setup_cell.is_setup_cell(c) for c in nb.cells) == 1


def _run_cell(monkeypatch, calls):
    """Execute the cell's source in a fresh namespace, recording subprocess.run calls."""
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    namespace: dict = {}
    exec(compile(CELL.source, "setup-cell", "exec"), namespace)  # noqa: S102
    return namespace


def test_the_cell_does_nothing_on_this_machine(monkeypatch):
    for key in [k for k in os.environ if k.startswith("BINDER_")]:
        monkeypatch.delenv(key)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    calls = []
    namespace = _run_cell(monkeypatch, calls)
    assert calls == []
    assert set(namespace) == {"__builtins__"}, "the cell must leave no names behind"


def test_on_a_hosted_service_with_rnnbook_installed_the_cell_does_nothing(monkeypatch):
    monkeypatch.setenv("BINDER_SERVICE_HOST", "10.0.0.1")
    calls = []
    _run_cell(monkeypatch, calls)
    assert calls == []


def test_on_a_hosted_service_without_rnnbook_the_cell_installs_pinned_requirements(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("BINDER_SERVICE_HOST", "10.0.0.1")
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "rnnbook" else find_spec(n, *a)
    )
    clone = tmp_path / "rnnbook"
    monkeypatch.setattr(os.path, "expanduser", lambda p: str(clone))
    calls = []

    def fake_run(cmd, **kwargs):
        calls.append(cmd)
        if cmd[:2] == ["git", "clone"]:
            clone.mkdir()
            shutil.copy(ROOT / "requirements.txt", clone / "requirements.txt")

    monkeypatch.setattr(subprocess, "run", fake_run)
    exec(compile(CELL.source, "setup-cell", "exec"), {})  # noqa: S102
    git, pip = calls
    url, branch = add_setup_cell.repository()
    assert git[:2] == ["git", "clone"] and url in git and f"--branch={branch}" in git
    assert pip[:4] == [sys.executable, "-m", "pip", "install"] and pip[-1] == str(clone)
    pins = pip[5:-1]
    assert all("==" in p for p in pins), pins
    names = {p.split("==")[0].lower() for p in pins}
    assert {"numpy", "torch", "matplotlib", "myst-nb", "faker", "music21"} <= names
    assert not names & {"jupyter-book", "jupyterlab", "sphinx", "ipykernel", "pytest", "ruff"}


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("y = 2"),
    ]
    return nb


def test_the_tool_inserts_once_before_the_first_code_cell_and_replaces_a_stale_cell():
    nb = _notebook()
    assert add_setup_cell.with_setup_cell(nb, CELL)
    assert [c.get("id") for c in nb.cells][1] == add_setup_cell.CELL_ID
    assert not add_setup_cell.with_setup_cell(nb, CELL), "a second run must change nothing"
    stale = add_setup_cell.setup_cell(add_setup_cell.setup_source("https://example.org/r", "dev"))
    assert add_setup_cell.with_setup_cell(nb, stale)
    assert sum(add_setup_cell.is_setup_cell(c) for c in nb.cells) == 1
    assert nb.cells[1].source == stale.source and len(nb.cells) == 4
    nbformat.validate(nb)


def test_the_exercise_generator_keeps_the_setup_cell():
    solution = _notebook()
    solution.cells.append(nbformat.v4.new_markdown_cell("## Exercise 1.1: one"))
    solution.cells.append(nbformat.v4.new_code_cell("### BEGIN SOLUTION\nz = 3\n### END SOLUTION"))
    add_setup_cell.with_setup_cell(solution, CELL)
    exercise = make_exercises.make_exercise(solution, "01_x.ipynb")
    first = next(c for c in exercise.cells if c.cell_type == "code")
    assert first.source == CELL.source and first.metadata == CELL.metadata
    assert "raises-exception" not in first.metadata["tags"]


@pytest.mark.parametrize(
    ("url", "branch"), [("https://github.com/a/b c", "main"), ("https://x/y", 'ma"in')]
)
def test_the_cell_refuses_values_that_would_break_its_code(url, branch):
    with pytest.raises(ValueError, match="cannot go into the cell"):
        add_setup_cell.setup_source(url, branch)
