"""Smoke-test the built site in a real browser (headless Chromium), offline.

    python tools/check_site.py _build/html
    python tools/check_site.py _build/html --screenshot shots/          # also save PNGs
    python tools/check_site.py _build/html --screenshot shots/ --dark   # dark theme

The site is served from 127.0.0.1 (a free port, in a thread) and each top-level page
(``index.html`` and every ``.html`` file directly under ``book/``) is opened in Chromium. A page
fails when:

- any request it makes to the local server fails (a 404 for a script, stylesheet, font or
  image), or it would load a script, stylesheet, image or font from another host (the site must
  work without network);
- the browser console reports an uncaught exception or an error;
- the page has mathematics but MathJax did not typeset all of it (fewer ``mjx-container``
  elements than math blocks, raw ``\\(``, ``\\[`` or ``$$`` left in the text), or MathJax
  reports a TeX error (``mjx-merror``) or an undefined macro (shown in red);
- a local link or image in the page points to a file that does not exist, or a notebook download
  (``.ipynb``) linked from it is not a valid notebook;
- an interactive widget (``.nnbook-widget``) does not respond: ``tools/widget_probe.js``, added
  to the page by the local server for this check only, moves every slider of every widget to
  its other end and presses every Play button, and the widget's picture must change each time
  and its numbers with each slider.

All problems are listed, and the exit status is 1 if there are any. Standard library only; the
browser is Debian's ``chromium`` (``apt-get install chromium``).
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]
# Console lines that mean something went wrong on the page. Chromium logs every console message
# at INFO level, so the message text is all there is to go on.
CONSOLE_LINE = re.compile(r":CONSOLE(?::\d+)?\]\s*(?P<message>.*)$")
CONSOLE_PROBLEM = re.compile(
    r"Uncaught|Error|error|Failed to load|Refused to|net::ERR_|is not defined|Cannot read")
# Tags whose text is code or machinery, not prose, when looking for untypeset TeX.
NON_PROSE_TAGS = {"script", "style", "pre", "code", "textarea", "mjx-container", "noscript",
                  "template", "kbd", "samp"}
RAW_TEX = re.compile(r"\\\(|\\\[|\$\$")
# Tags that make the browser fetch a resource when the page loads.
LOADED_RESOURCES = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
                    ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")}
LOADED_LINK_RELS = {"stylesheet", "preload", "icon", "shortcut", "modulepreload", "manifest"}


# ---------------------------------------------------------------------------------------------
# Local server
# ---------------------------------------------------------------------------------------------


PROBE_PATH = "/__check_site_probe__.js"
PROBE = Path(__file__).with_name("widget_probe.js")
PROBE_QUERY = "check-site-probe"
PROBE_ID = "check-site-probe"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site and records every request's path and status.

    A page requested with ``?check-site-probe`` gets the widget probe's script added before
    ``</body>``; the probe itself is served from :data:`PROBE_PATH`.
    """

    log: list[tuple[str, int]]  # set on the subclass made by serve()
    lock: threading.Lock

    def log_message(self, format: str, *args) -> None:  # keep the output quiet
        pass

    def send_response(self, code: int, message: str | None = None) -> None:
        with self.lock:
            self.log.append((unquote(urlsplit(self.path).path), code))
        super().send_response(code, message)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == PROBE_PATH:
            self._send(PROBE.read_bytes(), "text/javascript")
        elif parts.query == PROBE_QUERY and parts.path.endswith(".html"):
            page = Path(self.translate_path(parts.path))
            if not page.is_file():
                self.send_error(404)
                return
            text = page.read_text(encoding="utf-8")
            tag = f'<script src="{PROBE_PATH}"></script>'
            text = text.replace("</body>", tag + "</body>", 1) if "</body>" in text else text + tag
            self._send(text.encode("utf-8"), "text/html; charset=utf-8")
        else:
            super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # The browser closes connections it no longer needs (a 404 for /favicon.ico, say);
        # a broken pipe then is expected and not worth a traceback.
        error = sys.exc_info()[1]
        if not isinstance(error, (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def serve(root: Path):
    """Start a threaded HTTP server for ``root`` on a free port; return (server, log, lock)."""
    log: list[tuple[str, int]] = []
    lock = threading.Lock()
    handler = type("Handler", (_Handler,), {"log": log, "lock": lock})
    server = _QuietServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, log, lock


# ---------------------------------------------------------------------------------------------
# HTML inspection
# ---------------------------------------------------------------------------------------------


class _PageParser(HTMLParser):
    """Collects what the checks need from one HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.math_elements = 0      # elements Sphinx marks as maths (class "math")
        self.mjx_containers = 0     # MathJax output
        self.mjx_errors: list[str] = []
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, url)
        self.loaded: list[tuple[str, str]] = []      # (tag, url) fetched on page load
        self.prose_tex: list[str] = []               # raw TeX found in prose
        self._skip_depth = 0
        self._stack: list[str] = []
        self._in_merror = 0
        self._merror_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        classes = attributes.get("class", "").split()
        if "math" in classes and tag in {"span", "div"}:
            self.math_elements += 1
        if tag == "mjx-container":
            self.mjx_containers += 1
        # A TeX error (mjx-merror), or an undefined macro, which MathJax shows in red.
        if tag == "mjx-merror" or (tag == "mtext" and attributes.get("mathcolor") == "red"):
            self._in_merror += 1
        for name in ("href", "src", "data"):
            if attributes.get(name):
                self.links.append((tag, name, attributes[name]))
        if (tag, "src") in LOADED_RESOURCES and attributes.get("src"):
            self.loaded.append((tag, attributes["src"]))
        if (tag, "data") in LOADED_RESOURCES and attributes.get("data"):
            self.loaded.append((tag, attributes["data"]))
        rels = set(attributes.get("rel", "").lower().split())
        if tag == "link" and rels & LOADED_LINK_RELS and attributes.get("href"):
            self.loaded.append((tag, attributes["href"]))
        if tag in {"br", "img", "meta", "link", "input", "hr", "source", "wbr", "col", "area",
                   "base", "embed", "param", "track"}:
            return  # void elements never get an end tag
        self._stack.append(tag)
        if tag in NON_PROSE_TAGS:
            self._skip_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"mjx-merror", "mtext"} and self._in_merror:
            self._in_merror -= 1
            if not self._in_merror:
                self.mjx_errors.append("".join(self._merror_text).strip())
                self._merror_text = []
        if tag not in self._stack:
            return
        while self._stack:
            popped = self._stack.pop()
            if popped in NON_PROSE_TAGS:
                self._skip_depth -= 1
            if popped == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._in_merror:
            self._merror_text.append(data)
        if self._skip_depth == 0 and RAW_TEX.search(data):
            self.prose_tex.append(" ".join(data.split())[:80])


def parse_html(text: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser


def is_external(url: str) -> bool:
    return bool(urlsplit(url).scheme in {"http", "https"} or url.startswith("//"))


def check_static(root: Path, page: Path, parsed: _PageParser) -> list[str]:
    """Problems visible in the HTML file itself: missing local files, network resources,
    broken notebook downloads."""
    problems = []
    for tag, url in parsed.loaded:
        if is_external(url) and urlsplit(url).hostname not in {"127.0.0.1", "localhost"}:
            problems.append(f"loads <{tag}> from the network: {url}")
    base = "/" + page.relative_to(root).as_posix()
    seen = set()
    for tag, attribute, url in parsed.links:
        parts = urlsplit(url)
        if parts.scheme or url.startswith(("#", "//")) or not parts.path:
            continue
        path = unquote(urlsplit(urljoin(base, parts.path)).path)
        if path in seen:
            continue
        seen.add(path)
        target = root / path.lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            problems.append(f"<{tag} {attribute}> points to a missing file: {url}")
        elif target.suffix == ".ipynb":
            problems.extend(check_notebook(target, url))
    return problems


def check_notebook(path: Path, url: str) -> list[str]:
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"notebook download {url} is not valid JSON: {exc}"]
    if notebook.get("nbformat") != 4 or not notebook.get("cells"):
        return [f"notebook download {url} is not a version 4 notebook with cells"]
    return []


# ---------------------------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------------------------


@dataclass
class BrowserResult:
    dom: str = ""
    console: list[str] = field(default_factory=list)
    failure: str = ""


def find_chromium(explicit: str | None) -> str:
    for candidate in [explicit, os.environ.get("CHROMIUM"), "chromium", "chromium-browser",
                      "google-chrome"]:
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    sys.exit("check_site: no Chromium found; install Debian's `chromium` or pass --chromium")


def run_browser(chromium: str, url: str, extra: list[str], budget_ms: int,
                timeout: float) -> BrowserResult:
    with tempfile.TemporaryDirectory(prefix="check-site-") as profile:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                   "--enable-logging=stderr", "--v=0",
                   f"--virtual-time-budget={budget_ms}", *extra, url]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return BrowserResult(failure=f"Chromium did not finish within {timeout:.0f} s")
    console = [match.group("message") for line in done.stderr.splitlines()
               if (match := CONSOLE_LINE.search(line))]
    result = BrowserResult(dom=done.stdout, console=console)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        result.failure = f"Chromium exited with status {done.returncode}:\n{tail}"
    return result


def check_page(chromium: str, root: Path, page: Path, base_url: str, log, lock,
               budget_ms: int, timeout: float, color_flags: list[str]) -> list[str]:
    relative = page.relative_to(root).as_posix()
    source = parse_html(page.read_text(encoding="utf-8"))
    problems = check_static(root, page, source)

    with lock:
        log.clear()
    result = run_browser(chromium, f"{base_url}{relative}?{PROBE_QUERY}",
                         ["--dump-dom", *color_flags],
                         budget_ms, timeout)
    with lock:
        requests = list(log)
    if result.failure:
        return problems + [result.failure]

    for path, status in requests:
        if status >= 400 and path != "/favicon.ico":
            problems.append(f"request failed with HTTP {status}: {path}")
    for message in result.console:
        if CONSOLE_PROBLEM.search(message):
            problems.append(f"console: {message}")

    dom = parse_html(result.dom)
    if source.math_elements:
        if dom.mjx_containers < source.math_elements:
            problems.append(f"MathJax typeset {dom.mjx_containers} of {source.math_elements} "
                            "maths elements")
        for text in dom.prose_tex[:5]:
            problems.append(f"untypeset TeX left in the page: {text!r}")
    for text in dom.mjx_errors[:5]:
        problems.append(f"MathJax error: {text!r}")
    if "nnbook-widget" in page.read_text(encoding="utf-8"):
        problems += check_widgets(result.dom)
    return problems


def check_widgets(dom: str) -> list[str]:
    """Problems in the widget probe's report, read from the page's dumped DOM."""
    match = re.search(rf'<pre id="{PROBE_ID}"[^>]*>(.*?)</pre>', dom, re.S)
    if not match:
        return ["the widget probe wrote no report (a script error, or the page took longer "
                "than the virtual time budget)"]
    report = json.loads(html.unescape(match.group(1)))
    if not report:
        return ["the page has widgets in its source, but none in the browser"]
    problems = []
    for widget in report:
        if not widget["sliders"] and not widget["players"]:
            problems.append(f"widget {widget['id']}: no slider and no Play button to try")
        for slider in widget["sliders"]:
            if not slider["moved"]:
                problems.append(f"widget {widget['id']}: moving slider {slider['label']!r} "
                                "changed nothing in its picture")
            if not slider["numbers"]:
                problems.append(f"widget {widget['id']}: moving slider {slider['label']!r} "
                                "changed none of its numbers")
        for player in widget["players"]:
            if not player["moved"]:
                problems.append(f"widget {widget['id']}: pressing {player['label']!r} "
                                "changed nothing in its picture")
    return problems


def screenshot(chromium: str, url: str, path: Path, budget_ms: int, timeout: float,
               window: str, color_flags: list[str]) -> str:
    result = run_browser(chromium, url, [f"--screenshot={path}", f"--window-size={window}",
                                         *color_flags], budget_ms, timeout)
    if result.failure:
        return result.failure
    return "" if path.is_file() else f"no screenshot written to {path}"


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def top_level_pages(root: Path, pages_dir: str) -> list[Path]:
    pages = sorted((root / pages_dir).glob("*.html"))
    index = root / "index.html"
    return ([index] if index.is_file() else []) + pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site, e.g. _build/html")
    parser.add_argument("--pages-dir", default="book",
                        help="folder (inside the site) whose .html files are checked "
                             "besides index.html (default: book)")
    parser.add_argument("--screenshot", type=Path, metavar="DIR",
                        help="also save a PNG of every page in DIR")
    parser.add_argument("--window-size", default="1280,2000",
                        help="browser window for screenshots, WIDTH,HEIGHT (default 1280,2000)")
    parser.add_argument("--dark", action="store_true",
                        help="ask pages for the dark colour scheme")
    parser.add_argument("--budget", type=int, default=20000,
                        help="virtual time, in ms, a page gets to load and typeset (default 20000)")
    parser.add_argument("--timeout", type=float, default=120,
                        help="wall-clock limit per browser run, in seconds (default 120)")
    parser.add_argument("--chromium", help="the browser executable (default: chromium)")
    args = parser.parse_args(argv)

    root = args.site.resolve()
    if not (root / "index.html").is_file() and not (root / args.pages_dir).is_dir():
        print(f"check_site: {root} does not look like a built site", file=sys.stderr)
        return 2
    pages = top_level_pages(root, args.pages_dir)
    if not pages:
        print(f"check_site: no pages found in {root}", file=sys.stderr)
        return 2
    chromium = find_chromium(args.chromium)
    color_flags = ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"] \
        if args.dark else ["--blink-settings=preferredColorScheme=1"]

    server, log, lock = serve(root)
    base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    failures: dict[str, list[str]] = {}
    try:
        for page in pages:
            relative = page.relative_to(root).as_posix()
            problems = check_page(chromium, root, page, base_url, log, lock, args.budget,
                                  args.timeout, color_flags)
            if args.screenshot:
                args.screenshot.mkdir(parents=True, exist_ok=True)
                png = args.screenshot / (relative.replace("/", "_").removesuffix(".html")
                                         + ("-dark" if args.dark else "") + ".png")
                error = screenshot(chromium, base_url + relative, png, args.budget,
                                   args.timeout, args.window_size, color_flags)
                if error:
                    problems.append(f"screenshot: {error}")
            status = "ok" if not problems else f"{len(problems)} problem(s)"
            print(f"{relative}: {status}", flush=True)
            if problems:
                failures[relative] = problems
    finally:
        server.shutdown()
        server.server_close()

    if failures:
        print(f"\ncheck_site: problems on {len(failures)} of {len(pages)} pages:",
              file=sys.stderr)
        for relative, problems in failures.items():
            print(f"\n{relative}", file=sys.stderr)
            for problem in problems:
                print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"check_site: {len(pages)} pages ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
