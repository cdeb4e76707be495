"""The exercise pipeline: exercises/ is generated from solutions/ and holds no answers."""

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))

_spec = importlib.util.spec_from_file_location("make_exercises", ROOT / "tools/make_exercises.py")
make_exercises = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_exercises)


def test_every_chapter_has_solutions_and_exercises():
    for chapter in CHAPTERS:
        assert (ROOT / "solutions" / chapter.name).exists(), f"solutions/{chapter.name} missing"
        assert (ROOT / "exercises" / chapter.name).exists(), f"exercises/{chapter.name} missing"


def test_committed_exercises_equal_a_fresh_generation(tmp_path):
    fresh = make_exercises.generate(ROOT / "solutions", tmp_path)
    committed = sorted((ROOT / "exercises").glob("*.ipynb"))
    assert [p.name for p in committed] == [p.name for p in fresh], "run `make exercises`"
    for new, old in zip(fresh, committed, strict=True):
        assert new.read_bytes() == old.read_bytes(), f"{old.name} is stale: run `make exercises`"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_exercises_hold_no_solution_code(solution):
    exercise = nbformat.read(ROOT / "exercises" / solution.name, as_version=4)
    text = "\n".join(cell.source for cell in exercise.cells)
    assert make_exercises.BEGIN not in text and make_exercises.END not in text
    assert not any("solution" in c.metadata.get("tags", []) for c in exercise.cells)
    answers = nbformat.read(solution, as_version=4)
    written = [c.source for c in answers.cells if "solution" in c.metadata.get("tags", [])]
    for answer in written:
        assert answer not in text, f"a written answer of {solution.name} leaked"
    exercise_code = [c.source for c in exercise.cells if c.cell_type == "code"]
    for cell in answers.cells:
        for line in make_exercises.solution_lines(cell.source):
            # Short lines such as `return h` may legitimately appear elsewhere.
            if len(line) >= 20:
                assert not any(line in code for code in exercise_code), (
                    f"solution line leaked into exercises/{solution.name}: {line!r}"
                )


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_each_exercise_has_a_stub_or_answer_cell_and_a_check(solution):
    exercise = nbformat.read(ROOT / "exercises" / solution.name, as_version=4)
    stubs = [c for c in exercise.cells if "NotImplementedError('Exercise" in c.source]
    assert stubs, f"{solution.name} has no code exercise"
    for cell in stubs:
        assert "raises-exception" in cell.metadata.get("tags", [])
        assert re.search(r"NotImplementedError\('Exercise \d+\.\d+: \S", cell.source)
    checks = [c for c in exercise.cells if c.cell_type == "code" and "checks." in c.source]
    assert len(checks) >= len(stubs) > 0
    number = solution.name[:2].lstrip("0")
    headings = re.findall(rf"Exercise {number}\.\d+", "\n".join(c.source for c in exercise.cells))
    assert len(set(headings)) >= 3, f"{solution.name}: fewer than three exercises"


def test_strip_solution_keeps_indentation_and_code_outside():
    source = "def f(x):\n    y = 2\n    ### BEGIN SOLUTION\n    return x * y\n    ### END SOLUTION"
    stub = make_exercises.strip_solution(source, "Exercise 9.1: double")
    assert stub == "def f(x):\n    y = 2\n    raise NotImplementedError('Exercise 9.1: double')"


@pytest.mark.parametrize(
    "source",
    [
        "### BEGIN SOLUTION\nx = 1\n",
        "x = 1\n### END SOLUTION\n",
        "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n",
    ],
)
def test_unbalanced_markers_are_rejected(source):
    with pytest.raises(ValueError, match="SOLUTION"):
        make_exercises.strip_solution(source, "Exercise 9.1: x")


def test_solution_before_any_heading_is_rejected():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")]
    with pytest.raises(ValueError, match="before any 'Exercise N.k' heading"):
        make_exercises.make_exercise(nb, "x.ipynb")


def test_written_answers_are_replaced_and_checks_tagged():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Exercise 9.1: explain"),
        nbformat.v4.new_markdown_cell("Because gradients vanish.", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("checks.ch09.check_it(f)"),
    ]
    out = make_exercises.make_exercise(nb, "x.ipynb")
    assert out.cells[1].source == make_exercises.ANSWER_PLACEHOLDER
    assert out.cells[1].metadata["tags"] == ["answer"]
    assert "raises-exception" in out.cells[2].metadata["tags"]
    assert nb.cells[1].source == "Because gradients vanish.", "the source must not be mutated"


@pytest.mark.parametrize(
    "notebook",
    CHAPTERS + SOLUTIONS + sorted((ROOT / "exercises").glob("*.ipynb")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_notebooks_are_committed_without_outputs(notebook):
    """The build executes the notebooks; stored outputs would only bloat and go stale."""
    nb = nbformat.read(notebook, as_version=4)
    stale = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.outputs]
    assert not stale, f"{notebook.name}: cells {stale} hold outputs; clear them"


def test_every_chapter_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    listed = re.findall(r"file:\s*(\S+)", toc)
    for chapter in CHAPTERS:
        assert f"book/{chapter.stem}" in listed, f"{chapter.name} is missing from _toc.yml"
