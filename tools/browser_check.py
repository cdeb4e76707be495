"""Open every page of the built book in headless Chromium and check what a reader sees.

Serves ``_build/html`` on 127.0.0.1, blocks every request to another host (the book must
read offline), and opens each page in Debian's Chromium through Playwright (no browser is
downloaded: ``executable_path`` points at the system's Chromium). For each page it checks:

* no JavaScript error: nothing logged with ``console.error``, no uncaught exception, no
  local file missing (HTTP 4xx/5xx) and no request to another host;
* every image loaded (``naturalWidth > 0``) and has alt text that is not a file name;
* maths typeset: MathJax containers present where the page has maths, no MathJax error,
  no raw ``$$``, ``\\begin{``, ``\\(`` or ``$...\\cmd...$`` left in the text outside code;
* no unrendered MyST: no ``{glue``, ``{footcite``, ``{numref`` or any other role
  left as text, no directive fence left as text;
* every internal link and anchor resolves (the file exists and holds the ``id``);
* every toggle opens (``<details>`` dropdowns, sphinx-togglebutton admonitions);
* tables fit or scroll (a table wider than the text column sits in a scrolling box);

and the search page finds "LSTM". It saves a full-page screenshot of each page under
``--screenshots`` (default ``_build/screenshots``).

    python tools/browser_check.py [_build/html] [--screenshots DIR] [--chromium PATH]

Exit status 0 when every page passes, 1 otherwise, 2 when the browser cannot be started.
"""

from __future__ import annotations

import argparse
import functools
import html.parser
import http.server
import posixpath
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHROMIUM = "/usr/bin/chromium"
SEARCH_TERM = "LSTM"
# Pages that are not part of the reading path but are still opened and checked.
SKIP_DIRS = ("_static", "_sources", "_images", "_downloads")

# MyST that did not render: a role ({glue:text}`key`, {footcite}`key`, {numref}`fig`), a
# directive fence left as text, or a substitution.
UNRENDERED = [
    (re.compile(r"\{(?:glue|footcite|numref|cite|ref|eq|doc|term|download)[^}]*\}"), "role"),
    (re.compile(r"\{[a-z][\w:.-]*\}`"), "role"),
    (re.compile(r"```\s*\{[a-z]"), "directive fence"),
    (re.compile(r":::\s*\{[a-z]"), "directive fence"),
    (re.compile(r"\{\{\s*[\w.]+\s*\}\}"), "substitution"),
]
# TeX that MathJax did not typeset.
RAW_TEX = [
    (re.compile(r"\$\$"), "$$"),
    (re.compile(r"\\begin\{"), "\\begin{"),
    (re.compile(r"\\\(|\\\["), "\\( or \\["),
    (re.compile(r"\$[^$\n]{0,80}\\[A-Za-z]+[^$\n]{0,80}\$"), "$...\\command...$"),
]
IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|svg|webp)$", re.IGNORECASE)
REFRESH = re.compile(
    r"<meta\s+http-equiv=[\"']?refresh[\"']?\s+content=[\"']\d+;\s*url=([^\"']+)[\"']",
    re.IGNORECASE,
)


@dataclass
class PageResult:
    """What the browser found on one page: counts of what it checked and the failures."""

    page: str
    errors: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def fail(self, message: str) -> None:
        self.errors.append(message)


# ---------------------------------------------------------------- pure helpers (tested)


def pages_of(html_dir: Path) -> list[str]:
    """Every HTML page of the built site, as paths relative to ``html_dir`` (sorted).

    Theme assets and copied sources (``_static``, ``_sources`` …) are not pages.
    """
    if not html_dir.is_dir():
        raise ValueError(f"{html_dir} is not a directory; build the book first")
    pages = []
    for path in sorted(html_dir.rglob("*.html")):
        rel = path.relative_to(html_dir)
        if rel.parts[0] in SKIP_DIRS:
            continue
        pages.append(rel.as_posix())
    return pages


def unrendered_markup(text: str) -> list[str]:
    """The MyST roles, directives and substitutions left as text in ``text``."""
    found, seen = [], set()
    for pattern, kind in UNRENDERED:
        for match in pattern.finditer(text):
            if match.start() not in seen:  # two patterns may match the same role
                seen.add(match.start())
                found.append(f"{kind} {match.group(0)[:40]!r}")
    return sorted(set(found))


def raw_tex(text: str) -> list[str]:
    """The TeX delimiters and commands left untypeset in ``text`` (code excluded by caller)."""
    found = []
    for pattern, kind in RAW_TEX:
        match = pattern.search(text)
        if match:
            start = max(0, match.start() - 20)
            found.append(f"{kind} in {text[start : match.end() + 20]!r}")
    return found


def alt_problem(alt: str | None, src: str) -> str | None:
    """Why ``alt`` is no alt text for the image at ``src``, or None when it is one.

    Sphinx gives an image without alt text its own path as alt, which a screen reader
    reads out as a file name; that counts as missing.
    """
    if alt is None or not alt.strip():
        return "no alt text"
    name = src.rsplit("/", 1)[-1].split("?")[0]
    if IMAGE_FILE.search(alt.strip()) or alt.strip().endswith(name):
        return f"alt text is a file name ({alt.strip()[-40:]!r})"
    return None


class _IdCollector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.ids.add(value)


def anchors_of(html_text: str) -> set[str]:
    """The ids (and ``<a name>``) a link's ``#fragment`` can point at in ``html_text``."""
    collector = _IdCollector()
    collector.feed(html_text)
    return collector.ids


def local_target(url: str, origin: str, html_dir: Path) -> tuple[Path, str] | None:
    """The file and fragment an internal ``url`` points at, or None for another host.

    ``origin`` is ``http://127.0.0.1:PORT`` of the local server; a path ending in ``/``
    means its ``index.html``.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = unquote(parts.path)
    if path.endswith("/"):
        path += "index.html"
    return html_dir / path.lstrip("/"), unquote(parts.fragment)


def broken_links(
    urls: list[str], origin: str, html_dir: Path, cache: dict[Path, set[str] | None]
) -> list[str]:
    """The internal links among ``urls`` whose file or ``#anchor`` does not exist.

    ``cache`` maps a file to its anchors (None for a file that is missing or not HTML) and
    is filled as files are read, so each target is parsed once per run.
    """
    broken = []
    for url in sorted(set(urls)):
        target = local_target(url, origin, html_dir)
        if target is None:
            continue
        path, fragment = target
        if path not in cache:
            if not path.is_file():
                cache[path] = None
            elif path.suffix == ".html":
                cache[path] = anchors_of(path.read_text(encoding="utf-8", errors="replace"))
            else:
                cache[path] = set()
        anchors = cache[path]
        rel = url[len(origin) :]
        if anchors is None and not path.is_file():
            broken.append(f"link to a missing file: {rel}")
        elif fragment and path.suffix == ".html" and fragment not in (anchors or set()):
            broken.append(f"link to a missing anchor: {rel}")
    return broken


def redirect_target(html_text: str) -> str | None:
    """The address a redirect page (``<meta http-equiv="refresh" content="0; url=...">``)
    sends the reader to, or None for a page with content."""
    match = REFRESH.search(html_text)
    return match.group(1).strip() if match else None


def screenshot_name(page: str) -> str:
    """The screenshot file name of ``page``: ``book/06_lstm.html`` -> ``book__06_lstm.png``."""
    return page.removesuffix(".html").replace("/", "__") + ".png"


def _join(page: str, target: str) -> str:
    """``target`` (relative to ``page``) as a path from the site's root."""
    base = page.rsplit("/", 1)[0] + "/" if "/" in page else ""
    return posixpath.normpath(base + target)


# ---------------------------------------------------------------- the local server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # The browser drops connections it no longer needs (a page left while a font loads).
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(html_dir: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``html_dir`` on 127.0.0.1 (a free port) from a thread; return server and origin."""
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# ---------------------------------------------------------------- in the browser

# Text nodes outside code, scripts and typeset maths: what prose the reader sees.
JS_TEXT = """() => {
  const skip = new Set(['SCRIPT', 'STYLE', 'PRE', 'CODE', 'KBD', 'SAMP', 'TEXTAREA',
                        'NOSCRIPT', 'MJX-CONTAINER', 'MJX-ASSISTIVE-MML', 'TEMPLATE']);
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let e = node.parentElement; e; e = e.parentElement) {
        if (skip.has(e.tagName) || e.classList.contains('highlight')) {
          return NodeFilter.FILTER_REJECT;
        }
      }
      return NodeFilter.FILTER_ACCEPT;
    }
  });
  while (walker.nextNode()) out.push(walker.currentNode.nodeValue);
  return out.join(' ');
}"""

JS_WAIT_MATHJAX = """async () => {
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.promise) { await mj.startup.promise; }
  if (mj && mj.typesetPromise) { await mj.typesetPromise(); }
}"""

JS_IMAGES = """async () => {
  const images = [...document.images];
  for (const img of images) { img.loading = 'eager'; }
  await Promise.all(images.map(img => img.complete ? null :
    new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done);
                          setTimeout(done, 10000); })));
  return images.map(img => ({src: img.getAttribute('src') || '', alt: img.getAttribute('alt'),
                             width: img.naturalWidth, hidden: img.offsetParent === null}));
}"""

JS_MATHS = """() => ({
  source: document.querySelectorAll('.math, span.math, div.math').length,
  typeset: document.querySelectorAll('mjx-container').length,
  errors: [...document.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error')
          || e.textContent).slice(0, 5),
})"""

JS_LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"

# Tables wider than their column must sit in a box that scrolls sideways.
JS_TABLES = """() => {
  const bad = [];
  const article = document.querySelector('article') || document.body;
  const column = article.clientWidth;
  for (const table of article.querySelectorAll('table')) {
    if (table.scrollWidth <= column + 1) continue;
    let scrolls = false;
    for (let e = table.parentElement; e && e !== article; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (['auto', 'scroll'].includes(style.overflowX) && e.clientWidth <= column + 1) {
        scrolls = true; break;
      }
    }
    if (!scrolls) bad.push(table.scrollWidth + 'px in a ' + column + 'px column');
  }
  return {count: article.querySelectorAll('table').length, bad};
}"""

# Open every toggle; report those that stay closed. <details> (sphinx-design dropdowns,
# myst-nb's hidden cells) open through their <summary>; sphinx-togglebutton admonitions
# (exercise and solution dropdowns) drop their "toggle-hidden" class.
JS_TOGGLES = """async () => {
  const failures = [];
  let count = 0;
  for (const details of document.querySelectorAll('article details')) {
    const summary = details.querySelector(':scope > summary');
    if (!summary || details.open) continue;
    count += 1;
    summary.click();
    await new Promise(r => setTimeout(r, 50));
    if (!details.open) failures.push('details: ' + summary.textContent.trim().slice(0, 40));
  }
  for (const button of document.querySelectorAll('article button.toggle-button')) {
    const target = document.getElementById(button.dataset.target);
    if (!target || !target.classList.contains('toggle-hidden')) continue;
    count += 1;
    const title = target.querySelector(':scope > .admonition-title');
    (title || button).click();
    await new Promise(r => setTimeout(r, 50));
    if (target.classList.contains('toggle-hidden'))
      failures.push('toggle: ' + (title ? title.textContent.trim().slice(0, 40) : target.id));
  }
  return {count, failures};
}"""


def check_page(page, url: str, result: PageResult, origin: str, html_dir: Path, cache) -> None:
    """Load ``url`` in the Playwright ``page`` and record every check in ``result``."""
    response = page.goto(url, wait_until="load", timeout=60_000)
    if response is None or response.status >= 400:
        result.fail(f"page did not load (HTTP {response.status if response else '-'})")
        return
    page.evaluate(JS_WAIT_MATHJAX)

    images = page.evaluate(JS_IMAGES)
    result.counts["images"] = len(images)
    for img in images:
        if img["width"] == 0 and not img["hidden"]:
            result.fail(f"image did not load: {img['src']}")
        problem = alt_problem(img["alt"], img["src"])
        if problem:
            result.fail(f"image {img['src'].rsplit('/', 1)[-1][:24]}: {problem}")

    maths = page.evaluate(JS_MATHS)
    result.counts["maths"] = maths["typeset"]
    if maths["source"] and not maths["typeset"]:
        result.fail(f"{maths['source']} maths elements, none typeset (MathJax did not run)")
    for error in maths["errors"]:
        result.fail(f"MathJax error: {error}")

    text = page.evaluate(JS_TEXT)
    for problem in raw_tex(text):
        result.fail(f"raw TeX left in the text: {problem}")
    for problem in unrendered_markup(text):
        result.fail(f"unrendered MyST: {problem}")

    links = page.evaluate(JS_LINKS)
    result.counts["links"] = len(links)
    for problem in broken_links(links, origin, html_dir, cache):
        result.fail(problem)

    tables = page.evaluate(JS_TABLES)
    result.counts["tables"] = tables["count"]
    for problem in tables["bad"]:
        result.fail(f"table overflows instead of scrolling: {problem}")

    toggles = page.evaluate(JS_TOGGLES)
    result.counts["toggles"] = toggles["count"]
    for problem in toggles["failures"]:
        result.fail(f"toggle did not open: {problem}")


def check_search(page, origin: str, term: str = SEARCH_TERM) -> list[str]:
    """Search the site for ``term``; return the failures (none when a chapter is found)."""
    page.goto(f"{origin}/search.html?q={term}", wait_until="load", timeout=60_000)
    try:
        page.wait_for_function(
            "() => document.querySelectorAll('#search-results li').length > 0"
            " || /did not match|no documents|0 results/i.test("
            "document.querySelector('#search-results')?.textContent || '')",
            timeout=30_000,
        )
    except Exception:  # Playwright's TimeoutError
        return [f"search for {term!r} never finished"]
    hits = page.evaluate(
        "() => [...document.querySelectorAll('#search-results li a')].map(a => a.href)"
    )
    if not hits:
        return [f"search for {term!r} found nothing"]
    if not any("lstm" in hit.lower() for hit in hits):
        return [f"search for {term!r} found {len(hits)} pages, none about the LSTM"]
    return []


def _report(result: PageResult, summary: str) -> None:
    print(f"{'FAIL' if result.errors else 'ok  '} {result.page}  ({summary})", flush=True)
    for error in result.errors:
        print(f"     - {error}", flush=True)


def run(
    html_dir: Path,
    shots: Path | None,
    chromium: str,
    pages: list[str],
    search_term: str | None = SEARCH_TERM,
) -> int:
    """Check ``pages`` of ``html_dir``; print one line per page; return the exit status.

    ``search_term`` is looked up on ``search.html`` at the end (None: no search check).
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("error: playwright is not installed (pip install -r requirements.txt)")
        return 2
    server, origin = serve(html_dir)
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    results: list[PageResult] = []
    cache: dict[Path, set[str] | None] = {}
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=chromium, headless=True)
        except Exception as exc:
            print(f"error: cannot start {chromium}: {exc}".splitlines()[0])
            return 2
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        blocked: list[str] = []

        def only_local(route) -> None:
            if route.request.url.startswith(origin) or route.request.url.startswith("data:"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", only_local)
        page = context.new_page()
        events: list[str] = []
        page.on("console", lambda m: m.type == "error" and events.append(f"console: {m.text}"))
        page.on("pageerror", lambda exc: events.append(f"uncaught: {exc}"))
        page.on(
            "requestfailed",
            lambda r: (
                r.url.startswith(origin)
                and events.append(f"request failed ({r.failure}): {r.url[len(origin) :]}")
            ),
        )
        page.on(
            "response",
            lambda r: (
                r.status >= 400
                and r.url.startswith(origin)
                and events.append(f"HTTP {r.status}: {r.url[len(origin) :]}")
            ),
        )
        for name in pages:
            result = PageResult(name)
            results.append(result)
            target = redirect_target((html_dir / name).read_text(encoding="utf-8"))
            if target is not None:  # a redirect: its target must exist, nothing to render
                link = f"{origin}/{_join(name, target)}"
                for problem in broken_links([link], origin, html_dir, cache):
                    result.fail(f"redirect: {problem}")
                _report(result, f"redirects to {target}")
                continue
            events.clear()
            blocked.clear()
            try:
                check_page(page, f"{origin}/{name}", result, origin, html_dir, cache)
                if shots:
                    page.screenshot(path=str(shots / screenshot_name(name)), full_page=True)
            except Exception as exc:  # a crash on one page must not hide the others
                result.fail(f"check crashed: {type(exc).__name__}: {exc}".splitlines()[0])
            for event in events:
                if "Failed to load resource" in event:
                    continue  # reported with its address: "HTTP 404: ..." or the blocked host
                result.fail(event)
            for url in sorted(set(blocked)):
                result.fail(f"requested another host (the book must read offline): {url}")
            _report(result, ", ".join(f"{v} {k}" for k, v in result.counts.items()))
        search_errors = []
        if search_term is not None:
            search_errors = check_search(page, origin, search_term)
            print(f"{'FAIL' if search_errors else 'ok  '} search for {search_term!r}")
            for error in search_errors:
                print(f"     - {error}")
        browser.close()
    server.shutdown()
    checks = [not r.errors for r in results] + ([not search_errors] if search_term else [])
    failed = checks.count(False)
    elapsed = time.monotonic() - start
    where = f", screenshots in {shots}" if shots else ""
    search = " and the search" if search_term else ""
    print(f"{len(results)} pages{search} in {elapsed:.0f} s{where}")
    print(f"browser: {checks.count(True)} passed, {failed} failed")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir", nargs="?", type=Path, default=Path("_build/html"))
    parser.add_argument("--screenshots", type=Path, default=Path("_build/screenshots"))
    parser.add_argument("--no-screenshots", action="store_true")
    parser.add_argument("--chromium", default=CHROMIUM, help="the Chromium executable")
    parser.add_argument("--page", action="append", help="check only this page (repeatable)")
    args = parser.parse_args(argv)
    try:
        pages = args.page or pages_of(args.html_dir)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    shots = None if args.no_screenshots else args.screenshots
    return run(args.html_dir.resolve(), shots, args.chromium, pages)


if __name__ == "__main__":
    sys.exit(main())
