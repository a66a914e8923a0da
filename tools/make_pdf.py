"""Make a PDF of the whole book from its HTML, with headless Chromium.

    python tools/make_pdf.py                     # after `jupyter-book build . --all`
    python tools/make_pdf.py --output book.pdf --no-build

It builds the single-page edition (``jupyter-book build . --builder singlehtml``), which reuses
the environment of the HTML build in ``_build/.doctrees``: no page is executed again, so the PDF
shows exactly the numbers and figures of the site built just before. It then serves that page
from 127.0.0.1, lets MathJax typeset it, and prints it to PDF (A4, numbered pages, a chapter per
new page: ``book/assets/print.css``), with the headings as the PDF's outline.

By default the PDF is written into the HTML site, as ``_build/html/nnbook.pdf``, where the front
page links to it. The script fails if the single-page build fails, if Chromium writes no PDF, if
the page requested a file that does not exist, or if MathJax left maths untypeset.

Needs Chromium (Debian's ``chromium``, or Google Chrome) and, like the book build, the ``book``
extra. Standard library only besides; ``pdfinfo`` (poppler-utils) is used to report the page
count when it is installed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_site import CHROMIUM_FLAGS, find_chromium, parse_html, serve  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PRINTED = "nnbook-print.html"  # the single page, copied to the top of the build: its links
# to _static/ and _images/ are written relative to the top, not to book/


def build_singlehtml(root: Path, strict: bool) -> Path:
    """Run the single-page build; return its folder."""
    command = ["jupyter-book", "build", str(root), "--builder", "singlehtml"]
    if strict:
        command += ["-W", "--keep-going"]
    done = subprocess.run(command, cwd=root)
    if done.returncode != 0:
        sys.exit(f"make_pdf: the single-page build failed (exit status {done.returncode})")
    return root / "_build" / "singlehtml"


def single_page(site: Path) -> Path:
    """The page that holds the whole book (the root document's page), copied to the top."""
    index = site / "index.html"
    target = None
    if index.is_file():
        match = re.search(r'url=([^"]+)"', index.read_text(encoding="utf-8"))
        target = site / match.group(1) if match else index
    if target is None or not target.is_file():
        sys.exit(f"make_pdf: no single-page build in {site}")
    printed = site / PRINTED
    shutil.copyfile(target, printed)
    return printed


def print_pdf(chromium: str, url: str, output: Path, budget_ms: int,
              timeout: float) -> tuple[str, str]:
    """Print ``url`` to ``output``; return (the page as printed, Chromium's error output if it
    failed)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="make-pdf-") as profile:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                   f"--virtual-time-budget={budget_ms}", "--run-all-compositor-stages-before-draw",
                   "--no-pdf-header-footer", "--generate-pdf-document-outline", "--dump-dom",
                   f"--print-to-pdf={output}", url]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "", f"Chromium did not finish within {timeout:.0f} s"
    if done.returncode != 0 or not output.is_file() or output.stat().st_size == 0:
        return "", "\n".join(done.stderr.strip().splitlines()[-5:]) or "no PDF written"
    if not output.read_bytes()[:5] == b"%PDF-":
        return "", f"{output} is not a PDF"
    return done.stdout, ""


def typeset_problems(page: Path, printed_dom: str) -> list[str]:
    """Maths MathJax did not typeset in the page as printed (the same check as check_site)."""
    source = parse_html(page.read_text(encoding="utf-8"))
    dom = parse_html(printed_dom)
    problems = []
    if dom.mjx_containers < source.math_elements:
        problems.append(f"MathJax typeset {dom.mjx_containers} of {source.math_elements} "
                        "maths elements")
    problems += [f"MathJax error: {text!r}" for text in dom.mjx_errors[:5]]
    problems += [f"untypeset TeX left in the page: {text!r}" for text in dom.prose_tex[:5]]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder (default: "
                        "this repository)")
    parser.add_argument("--output", type=Path, help="the PDF to write (default: "
                        "_build/html/nnbook.pdf under --root)")
    parser.add_argument("--no-build", action="store_true",
                        help="print the existing _build/singlehtml instead of building it")
    parser.add_argument("--no-strict", action="store_true",
                        help="let the single-page build pass with warnings")
    parser.add_argument("--chromium", help="the browser to print with (default: chromium, "
                        "chromium-browser or google-chrome on the PATH, or $CHROMIUM)")
    parser.add_argument("--budget", type=int, default=120_000,
                        help="virtual milliseconds the page may take to typeset (default: 120000)")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds before Chromium is given up on (default: 1800)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    output = (args.output or root / "_build" / "html" / "nnbook.pdf").resolve()
    chromium = find_chromium(args.chromium)

    start = time.perf_counter()
    site = root / "_build" / "singlehtml" if args.no_build else \
        build_singlehtml(root, strict=not args.no_strict)
    page = single_page(site)
    server, log, lock = serve(site)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{PRINTED}"
        printed, failure = print_pdf(chromium, url, output, args.budget, args.timeout)
        with lock:
            requested = list(log)
        problems = [] if failure else typeset_problems(page, printed)
    finally:
        server.shutdown()
        page.unlink(missing_ok=True)
    if failure:
        print(f"make_pdf: printing failed: {failure}", file=sys.stderr)
        return 1
    # The single page links the site's search index, which a single-page build does not have.
    problems += [f"request failed with HTTP {status}: {path}" for path, status in requested
                 if status >= 400 and path not in ("/favicon.ico", "/searchindex.js")]
    for problem in problems:
        print(f"make_pdf: {problem}", file=sys.stderr)
    pages = ""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(output)], capture_output=True, text=True).stdout
        match = re.search(r"^Pages:\s+(\d+)", info, re.M)
        pages = f", {match.group(1)} pages" if match else ""
    size = output.stat().st_size / 1e6
    print(f"wrote {os.path.relpath(output)} ({size:.1f} MB{pages}) in "
          f"{time.perf_counter() - start:.0f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
