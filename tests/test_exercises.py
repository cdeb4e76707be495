"""The exercise pipeline: exercises/ is generated from solutions/ and holds no answers;
no answer can be copied from its chapter; the reader's workspace is never overwritten."""

import ast
import builtins
import importlib.util
import io
import keyword
import os
import re
import sys
import textwrap
import tokenize
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


# ----------------------------------------------------------- transfer, not transcription

# A body shorter than this many tokens is a one-line formula (`return 1.0 - np.tanh(z) ** 2`
# has 11), the definition itself, which a chapter that uses the function has to show.
# Anything longer is an algorithm the exercise asks the reader to write.
MIN_TOKENS = 12
_KEEP = set(dir(builtins)) | {"np", "torch", "F", "nn"}


def _tokens(source: str) -> list[str] | None:
    """The tokens of ``source`` with comments, layout and local names dropped.

    Every name that is not a keyword, a builtin, a module (np, torch) or an attribute becomes
    ``_`` and every string ``'s'``, so renaming a variable or re-spacing a line does not hide
    a copy. None if ``source`` does not tokenize (a cell with IPython magics, say).
    """
    out: list[str] = []
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    previous = ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in skip or token.type == tokenize.ENDMARKER:
                continue
            text = token.string
            if token.type == tokenize.NAME and not keyword.iskeyword(text):
                if text not in _KEEP and previous != ".":
                    text = "_"
            elif token.type == tokenize.STRING:
                text = "'s'"
            out.append(text)
            previous = token.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return out


def solution_bodies(source: str) -> list[str]:
    """The code between each BEGIN/END SOLUTION pair of ``source``, dedented."""
    bodies, lines, inside = [], [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker.startswith(make_exercises.BEGIN):
            inside, lines = True, []
        elif marker.startswith(make_exercises.END):
            inside = False
            bodies.append(textwrap.dedent("\n".join(lines)))
        elif inside:
            lines.append(line)
    return bodies


def chapter_code(chapter: Path) -> list[str]:
    """The token strings of the chapter's code cells and of the code blocks in its text."""
    chunks = []
    for cell in nbformat.read(chapter, as_version=4).cells:
        source = cell.source
        if cell.cell_type == "markdown":
            source = "\n".join(re.findall(r"```(?:python|ipython3?)?\n(.*?)```", source, re.S))
        source = "\n".join(
            line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        tokens = _tokens(source)
        if tokens:
            chunks.append(" ".join(tokens))
    return chunks


def copied_bodies(solution: Path, chapter: Path) -> list[str]:
    """The solution bodies of ``solution`` that occur in ``chapter``, up to local names."""
    chunks = chapter_code(chapter)
    copied = []
    for cell in nbformat.read(solution, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for body in solution_bodies(cell.source):
            tokens = _tokens(body)
            if tokens is None or len(tokens) < MIN_TOKENS:
                continue
            if any(" ".join(tokens) in chunk for chunk in chunks):
                copied.append(body)
    return copied


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_no_answer_can_be_copied_from_its_chapter(solution):
    """Exercises ask for transfer: no solution's code occurs in the chapter it belongs to."""
    chapter = ROOT / "book" / solution.name
    assert chapter.exists(), f"no chapter for {solution.name}"
    copied = copied_bodies(solution, chapter)
    assert not copied, (
        f"{solution.name}: these answers appear in book/{chapter.name} (up to names and "
        "spacing); ask for a variant the chapter does not show:\n" + "\n---\n".join(copied)
    )


def _signatures(source: str) -> set[tuple[str, tuple[str, ...]]]:
    """(name, argument names) of every function that ``source`` defines."""
    source = "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {
        (node.name, tuple(a.arg for a in node.args.posonlyargs + node.args.args))
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
    }


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_no_exercise_asks_for_a_function_its_chapter_defines(solution):
    """An exercise whose function has the name and arguments of one the chapter defines
    asks for transcription, whatever the body: ask for a variant instead."""
    chapter = nbformat.read(ROOT / "book" / solution.name, as_version=4)
    shown = set().union(*(_signatures(c.source) for c in chapter.cells if c.cell_type == "code"))
    asked = set().union(
        *(
            _signatures(c.source)
            for c in nbformat.read(solution, as_version=4).cells
            if c.cell_type == "code" and make_exercises.BEGIN in c.source
        )
    )
    same = sorted(f"{name}({', '.join(args)})" for name, args in asked & shown)
    assert not same, f"{solution.name} asks for functions the chapter defines: {same}"


def test_the_copy_detector_sees_renamed_and_respaced_copies(tmp_path):
    chapter = nbformat.v4.new_notebook()
    chapter.cells = [
        nbformat.v4.new_code_cell(
            "def step(x, h_prev, params):\n"
            "    a = h_prev @ params['W_hh'].T + x @ params['W_xh'].T + params['b_h']\n"
            "    return np.tanh(a)  # one step"
        ),
        nbformat.v4.new_markdown_cell(
            "```python\nout = np.concatenate([p, q, np.ones((n, 1))])\n```"
        ),
    ]
    solution = nbformat.v4.new_notebook()
    solution.cells = [
        nbformat.v4.new_code_cell(
            "def f(x, h, p):\n    ### BEGIN SOLUTION\n"
            '    z = h@p["W_hh"].T+x@p["W_xh"].T+p["b_h"]\n    return np.tanh(z)\n'
            "    ### END SOLUTION"
        ),
        nbformat.v4.new_code_cell(
            "def g(a, b):\n    ### BEGIN SOLUTION\n"
            "    return np.concatenate([a, b, np.ones((len(a), 1))])\n    ### END SOLUTION"
        ),
        nbformat.v4.new_code_cell(
            "def k(z):\n    ### BEGIN SOLUTION\n    return np.tanh(z)\n    ### END SOLUTION"
        ),
    ]
    nbformat.write(chapter, tmp_path / "chapter.ipynb")
    nbformat.write(solution, tmp_path / "solution.ipynb")
    copied = copied_bodies(tmp_path / "solution.ipynb", tmp_path / "chapter.ipynb")
    # the renamed step is a copy; concatenate with len(a) differs from (n, 1); tanh is short
    assert copied == ['z = h@p["W_hh"].T+x@p["W_xh"].T+p["b_h"]\nreturn np.tanh(z)']


# ------------------------------------------------------------- the reader's workspace


def _make_repository(tmp_path: Path) -> Path:
    """A copy of the generator with two solution notebooks, in a repository of its own."""
    repo = tmp_path / "repo"
    (repo / "tools").mkdir(parents=True)
    (repo / "tools" / "make_exercises.py").write_bytes(
        (ROOT / "tools" / "make_exercises.py").read_bytes()
    )
    (repo / "solutions").mkdir()
    for solution in SOLUTIONS[:2]:
        (repo / "solutions" / solution.name).write_bytes(solution.read_bytes())
    return repo


def _run(repo: Path, *args: str) -> None:
    """Run the repository's copy of the generator, as `python tools/make_exercises.py ARGS`."""
    spec = importlib.util.spec_from_file_location("copy", repo / "tools" / "make_exercises.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    argv, cwd = sys.argv, Path.cwd()
    try:
        sys.argv = ["make_exercises.py", *args]
        os.chdir(repo)
        assert generator.main() == 0
    finally:
        sys.argv = argv
        os.chdir(cwd)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_generator_writes_exercises_only(tmp_path):
    repo = _make_repository(tmp_path)
    _run(repo)
    _run(repo, "--workspace", "work")
    answer = repo / "work" / SOLUTIONS[0].name
    answer.write_text(answer.read_text() + " ", encoding="utf-8")  # the reader's work
    before = _files(repo)
    _run(repo)  # make exercises
    _run(repo, "--check")  # the test stage that compares exercises/ with solutions/
    after = _files(repo)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert all(name.startswith("exercises/") or "__pycache__" in name for name in changed)
    assert after[f"work/{SOLUTIONS[0].name}"] == before[f"work/{SOLUTIONS[0].name}"]


def test_the_workspace_adds_missing_notebooks_and_overwrites_none(tmp_path):
    exercises, work = tmp_path / "exercises", tmp_path / "work"
    exercises.mkdir()
    for name in ("01_a.ipynb", "02_b.ipynb"):
        (exercises / name).write_text(f"exercise {name}", encoding="utf-8")
    added = make_exercises.sync_workspace(exercises, work)
    assert [p.name for p in added] == ["01_a.ipynb", "02_b.ipynb"]
    (work / "01_a.ipynb").write_text("my answers", encoding="utf-8")
    (exercises / "01_a.ipynb").write_text("a changed exercise", encoding="utf-8")
    (exercises / "03_c.ipynb").write_text("a new chapter", encoding="utf-8")
    added = make_exercises.sync_workspace(exercises, work)
    assert [p.name for p in added] == ["03_c.ipynb"]
    assert (work / "01_a.ipynb").read_text(encoding="utf-8") == "my answers"


def test_a_fresh_copy_keeps_the_old_notebook(tmp_path):
    exercises, work = tmp_path / "exercises", tmp_path / "work"
    exercises.mkdir()
    (exercises / "06_lstm.ipynb").write_text("fresh", encoding="utf-8")
    make_exercises.sync_workspace(exercises, work)
    (work / "06_lstm.ipynb").write_text("my answers", encoding="utf-8")
    target, kept = make_exercises.fresh_copy(exercises, work, "6")
    assert target.read_text(encoding="utf-8") == "fresh"
    assert kept.parent == work / "old" and kept.read_text(encoding="utf-8") == "my answers"
    _, kept_again = make_exercises.fresh_copy(exercises, work, "06")
    assert kept_again != kept and kept.exists()
    with pytest.raises(ValueError, match="no exercise notebook for chapter '11'"):
        make_exercises.fresh_copy(exercises, work, "11")


def test_the_workspace_is_git_ignored_and_make_lab_opens_the_repository_root():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "/work/" in ignored
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lab = makefile[makefile.index("\nlab:") :].split("\n\n")[0]
    assert "--workspace $(WORK)" in lab and "root_dir=" in lab and "/lab/tree/$(WORK)" in lab
    for target in ("test", "exercises"):
        recipe = makefile[makefile.index(f"\n{target}:") :].split("\n\n")[0]
        assert "WORK" not in recipe and "work" not in recipe, f"make {target} touches work/"
