"""Draw the landing page's picture, ``book/images/unrolled_rnn.svg``, with the package.

The picture is the book's own diagram of an RNN unrolled over time
(``rnnbook.diagrams.draw_unrolled``), so it uses the notation of the chapters. The SVG is
written without a date and with a fixed id salt, so running this again with the pinned
matplotlib rewrites the same file.

    python tools/make_cover.py
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from rnnbook.diagrams import draw_unrolled  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "book" / "images" / "unrolled_rnn.svg"


def main() -> None:
    plt.rcParams["svg.hashsalt"] = "rnnbook"
    fig = draw_unrolled(T=4, show_folded=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
