"""Generate the exercise notebooks in ``exercises/`` from the worked ones in ``solutions/``.

``solutions/NN_name.ipynb`` is the single source. In it:

* an exercise starts with a markdown heading ``## Exercise N.k: title``;
* inside a code cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` are
  the answer; the exercise gets ``raise NotImplementedError("Exercise N.k: title")`` in their
  place, at the indentation of the ``### BEGIN SOLUTION`` line;
* a markdown cell tagged ``solution`` is a written answer; the exercise gets an empty
  answer cell in its place.

Every code cell of the exercise that holds a stub or calls a checker (``checks.``) is tagged
``raises-exception``, so the exercise notebook still executes end to end (nbval, Jupyter
Book). Outputs and execution counts are cleared.

It writes ``exercises/`` and nothing else. The reader works in a separate, git-ignored
workspace (``work/``), which this script fills but never overwrites: ``--workspace`` copies
the exercise notebooks the workspace lacks, and ``--fresh NN`` moves the reader's notebook
of chapter NN to ``work/old/`` (with a time stamp) before copying a fresh one.

Usage::

    python tools/make_exercises.py                        # write exercises/
    python tools/make_exercises.py --check                # exit 1 if exercises/ is out of date
    python tools/make_exercises.py --workspace work       # add missing notebooks to work/
    python tools/make_exercises.py --workspace work --fresh 06   # a fresh copy of chapter 06
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import nbformat

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
HEADING = re.compile(r"^#+\s*Exercise\s+(\d+\.\d+)\s*[:.]?\s*(.*)$", re.MULTILINE)
ANSWER_PLACEHOLDER = "**Your answer:** *(double-click this cell and write your answer here)*"
RAISES = "raises-exception"
ROOT = Path(__file__).resolve().parent.parent


def strip_solution(source: str, exercise: str) -> str:
    """Replace every solution region of a code cell's ``source`` by a stub.

    ``exercise`` is the stub's message, e.g. ``"Exercise 1.2: one-hot encode the sentence"``.
    """
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker.startswith(BEGIN):
            if inside:
                raise ValueError(f"line {number}: {BEGIN!r} inside another solution region")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}raise NotImplementedError({exercise!r})")
        elif marker.startswith(END):
            if not inside:
                raise ValueError(f"line {number}: {END!r} without {BEGIN!r}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN!r} without {END!r}")
    return "\n".join(out)


def solution_lines(source: str) -> list[str]:
    """The stripped lines inside the solution regions of ``source``."""
    lines, inside = [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker.startswith(BEGIN):
            inside = True
        elif marker.startswith(END):
            inside = False
        elif inside and marker:
            lines.append(marker)
    return lines


def _add_tag(cell: nbformat.NotebookNode, tag: str) -> None:
    tags = cell.metadata.setdefault("tags", [])
    if tag not in tags:
        tags.append(tag)


def make_exercise(solution: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Return the exercise notebook generated from the ``solution`` notebook ``name``."""
    exercise = nbformat.from_dict(solution)  # a deep copy
    current: str | None = None
    for cell in exercise.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            headings = HEADING.findall(cell.source)
            if headings:
                number, title = headings[-1]
                current = f"Exercise {number}: {title.strip()}".rstrip(": ")
            if "solution" in tags:
                cell.source = ANSWER_PLACEHOLDER
                cell.metadata["tags"] = [t for t in tags if t != "solution"] + ["answer"]
            continue
        if cell.cell_type != "code":
            continue
        if BEGIN in cell.source:
            if current is None:
                raise ValueError(f"{name}: solution region before any 'Exercise N.k' heading")
            cell.source = strip_solution(cell.source, current)
            _add_tag(cell, RAISES)
        elif "checks." in cell.source:
            _add_tag(cell, RAISES)
        cell.outputs = []
        cell.execution_count = None
    return exercise


def generate(solutions: Path, exercises: Path) -> list[Path]:
    """Write one exercise notebook per solution notebook; return the paths written."""
    exercises.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(solutions.glob("*.ipynb")):
        solution = nbformat.read(path, as_version=4)
        target = exercises / path.name
        nbformat.write(make_exercise(solution, path.name), target)
        written.append(target)
    return written


def sync_workspace(exercises: Path, work: Path) -> list[Path]:
    """Copy into ``work`` every exercise notebook it lacks; return the paths added.

    A notebook already in ``work`` is never touched, whatever its content: it holds the
    reader's answers.
    """
    work.mkdir(parents=True, exist_ok=True)
    added = []
    for source in sorted(exercises.glob("*.ipynb")):
        target = work / source.name
        try:
            with target.open("xb") as out:  # "x": fails rather than overwrite
                out.write(source.read_bytes())
        except FileExistsError:
            continue
        added.append(target)
    return added


def fresh_copy(exercises: Path, work: Path, chapter: str) -> tuple[Path, Path | None]:
    """Put a fresh copy of chapter ``chapter``'s exercise notebook ("06") into ``work``.

    The reader's notebook, if there is one, is moved to ``work/old/NAME-YYYYMMDD-HHMMSS.ipynb``
    first, never deleted. Returns the fresh notebook's path and where the old one went.
    """
    found = sorted(exercises.glob(f"{chapter.zfill(2)}_*.ipynb"))
    if len(found) != 1:
        names = ", ".join(p.name[:2] for p in sorted(exercises.glob("*.ipynb")))
        raise ValueError(f"no exercise notebook for chapter {chapter!r}; chapters: {names}")
    source = found[0]
    target = work / source.name
    kept = None
    if target.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        (work / "old").mkdir(parents=True, exist_ok=True)
        kept = work / "old" / f"{source.stem}-{stamp}.ipynb"
        counter = 1
        while kept.exists():
            kept = work / "old" / f"{source.stem}-{stamp}-{counter}.ipynb"
            counter += 1
        target.rename(kept)
    work.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target, kept


def _show(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", type=Path, default=ROOT / "solutions")
    parser.add_argument("--out", type=Path, default=ROOT / "exercises")
    parser.add_argument("--check", action="store_true", help="fail if --out is out of date")
    parser.add_argument(
        "--workspace",
        type=Path,
        help="copy the exercise notebooks this folder lacks into it (never overwrites)",
    )
    parser.add_argument(
        "--fresh",
        metavar="NN",
        help="with --workspace: a fresh copy of chapter NN's notebook (the old one is kept)",
    )
    args = parser.parse_args()
    if args.fresh is not None and args.workspace is None:
        parser.error("--fresh needs --workspace")
    if args.workspace is not None:
        work = args.workspace if args.workspace.is_absolute() else Path.cwd() / args.workspace
        if args.fresh is not None:
            try:
                target, kept = fresh_copy(args.out, work, args.fresh)
            except ValueError as error:
                print(f"error: {error}", file=sys.stderr)
                return 1
            if kept is not None:
                print(f"kept your notebook as {_show(kept)}")
            print(f"fresh copy: {_show(target)}")
        for path in sync_workspace(args.out, work):
            print(f"added {_show(path)}")
        print(f"Your exercises are in {_show(work)}/; make test and make exercises never touch it.")
        return 0
    if not args.check:
        for path in generate(args.solutions, args.out):
            print(f"wrote {_show(path)}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = {p.name: p.read_bytes() for p in generate(args.solutions, Path(tmp))}
    committed = {p.name: p.read_bytes() for p in sorted(args.out.glob("*.ipynb"))}
    stale = sorted(n for n in fresh.keys() | committed.keys() if fresh.get(n) != committed.get(n))
    if stale:
        print("out of date (run `make exercises`): " + ", ".join(stale), file=sys.stderr)
        return 1
    print("exercises/ is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
