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

Usage::

    python tools/make_exercises.py            # write exercises/
    python tools/make_exercises.py --check    # exit 1 if exercises/ is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", type=Path, default=ROOT / "solutions")
    parser.add_argument("--out", type=Path, default=ROOT / "exercises")
    parser.add_argument("--check", action="store_true", help="fail if --out is out of date")
    args = parser.parse_args()
    if not args.check:
        for path in generate(args.solutions, args.out):
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
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
