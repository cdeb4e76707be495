"""tools/browser_check.py: its helpers, and the browser run on a small site with known faults."""

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("browser_check", ROOT / "tools/browser_check.py")
bc = importlib.util.module_from_spec(_spec)
sys.modules["browser_check"] = bc  # dataclasses look their module up there
_spec.loader.exec_module(bc)


def test_pages_are_html_files_outside_the_theme_folders(tmp_path):
    for name in ["index.html", "book/a.html", "_static/x.html", "_sources/b.html"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("<html></html>")
    assert bc.pages_of(tmp_path) == ["book/a.html", "index.html"]
    with pytest.raises(ValueError, match="build the book first"):
        bc.pages_of(tmp_path / "missing")


@pytest.mark.parametrize(
    "text",
    [
        "the loss is {glue:text}`loss:.3f` here",
        "as {footcite}`hochreiter1997long` showed",
        "see {numref}`fig-06-adding`",
        "```{exercise} title",
        ":::{dropdown} more",
    ],
)
def test_unrendered_myst_is_found(text):
    assert bc.unrendered_markup(text)


def test_plain_prose_and_set_braces_are_not_unrendered_myst():
    assert bc.unrendered_markup("a set {1, 2} and a dict {'a': 1}; f(x) = {x}") == []


@pytest.mark.parametrize(
    "text", ["$$h_t = 1$$", "\\begin{aligned} x \\end{aligned}", "\\(x_t\\)", "costs $\\alpha x$"]
)
def test_raw_tex_is_found(text):
    assert bc.raw_tex(text)


def test_prices_and_typeset_text_are_not_raw_tex():
    assert bc.raw_tex("it costs $5 and $6, and h_t = tanh(x)") == []


def test_alt_text_must_not_be_missing_or_a_file_name():
    src = "../_images/0aaf538197600a0ebe62dbd5b4d2f4fa.png"
    assert bc.alt_problem(None, src) == "no alt text"
    assert bc.alt_problem("  ", src) == "no alt text"
    assert "file name" in bc.alt_problem(src, src)
    assert "file name" in bc.alt_problem("figure.svg", "figure.svg")
    assert bc.alt_problem("Validation loss of three runs against the update.", src) is None


def test_anchors_and_broken_links(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.html").write_text('<h1 id="top">A</h1><a name="old"></a>')
    origin = "http://127.0.0.1:8000"
    urls = [
        f"{origin}/book/a.html#top",
        f"{origin}/book/a.html#old",
        f"{origin}/book/a.html#nowhere",
        f"{origin}/book/b.html",
        "https://github.com/rnnbook/rnnbook",  # another host: not checked, never fetched
    ]
    cache: dict = {}
    assert bc.broken_links(urls, origin, tmp_path, cache) == [
        "link to a missing anchor: /book/a.html#nowhere",
        "link to a missing file: /book/b.html",
    ]
    assert bc.anchors_of('<div id="x"><span id="y"></span></div>') == {"x", "y"}


def test_redirect_pages_and_screenshot_names():
    page = '<meta http-equiv="Refresh" content="0; url=book/intro.html" />'
    assert bc.redirect_target(page) == "book/intro.html"
    assert bc.redirect_target("<html><body>text</body></html>") is None
    assert bc.screenshot_name("book/06_lstm.html") == "book__06_lstm.png"


# A page with one of each fault the browser stage must catch, and a page without any.
BAD_PAGE = (
    """<!DOCTYPE html><html><head><title>bad</title>
<script src="https://cdn.example.org/lib.js"></script></head><body><article>
<img src="missing.png" alt="a chart">
<img src="ok.svg" alt="ok.svg">
<p>The loss is {glue:text}`loss:.3f` and $$x$$.</p>
<span class="math">\\(x_t\\)</span>
<a href="good.html#there">fine</a> <a href="good.html#nowhere">anchor</a>
<a href="gone.html">gone</a>
<table><tr><td style="white-space: nowrap">WIDE"""
    + "x" * 600
    + """</td></tr></table>
<script>undefinedFunction();</script>
</article></body></html>"""
)
GOOD_PAGE = """<!DOCTYPE html><html><head><title>good</title></head><body><article>
<h1 id="there">Good</h1>
<img src="ok.svg" alt="A green square.">
<details><summary>More</summary><p>hidden text</p></details>
<a href="bad.html">back</a>
</article></body></html>"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="green"/></svg>'  # noqa: E501


@pytest.mark.skipif(
    not Path(bc.CHROMIUM).exists() or importlib.util.find_spec("playwright") is None,
    reason="needs /usr/bin/chromium (apt-get install chromium chromium-driver) and playwright",
)
def test_the_browser_finds_every_planted_fault(tmp_path, capsys):
    site = tmp_path / "html"
    site.mkdir()
    (site / "bad.html").write_text(BAD_PAGE)
    (site / "good.html").write_text(GOOD_PAGE)
    (site / "ok.svg").write_text(SVG)
    status = bc.run(site, tmp_path / "shots", bc.CHROMIUM, ["bad.html", "good.html"], None)
    out = capsys.readouterr().out
    bad, good = out.split("\nok   good.html")
    assert status == 1
    for expected in [
        "image did not load: missing.png",
        "image ok.svg: alt text is a file name",
        "unrendered MyST: role '{glue:text}",
        "raw TeX left in the text: $$",
        "none typeset (MathJax did not run)",
        "link to a missing anchor: /good.html#nowhere",
        "link to a missing file: /gone.html",
        "table overflows instead of scrolling",
        "uncaught: undefinedFunction is not defined",
        "requested another host (the book must read offline): https://cdn.example.org/lib.js",
        "HTTP 404: /missing.png",
    ]:
        assert expected in bad, f"not reported: {expected}\n{out}"
    assert out.startswith("FAIL bad.html") and "Failed to load resource" not in out
    assert "1 toggles" in good.splitlines()[0] and "     - " not in good
    assert "browser: 1 passed, 1 failed" in out
    assert (tmp_path / "shots" / "good.png").stat().st_size > 0
    shutil.rmtree(tmp_path / "shots")
