"""Fail if a built chapter shows Markdown that did not render: a table's pipes in a paragraph.

The strict Sphinx build does not notice a table that a cell displays but the Markdown parser
leaves as text, so after ``jupyter-book build`` this scans the HTML of every chapter.

    python tools/check_rendered.py [_build/html]
"""

import re
import sys
from pathlib import Path

UNRENDERED_TABLE = re.compile(r"<p>\|[^<]*\|\s*\n\|[-—–:| ]+\|")


def main(html_dir: Path) -> int:
    pages = sorted((html_dir / "book").glob("*.html"))
    if not pages:
        sys.stderr.write(f"error: no chapters under {html_dir / 'book'}; build the book first\n")
        return 1
    bad = [page for page in pages if UNRENDERED_TABLE.search(page.read_text(encoding="utf-8"))]
    for page in bad:
        print(f"error: {page} shows a Markdown table as text", file=sys.stderr)
    if not bad:
        print(f"{len(pages)} pages: every displayed table rendered")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "_build/html")))
