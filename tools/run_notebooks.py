"""Run every downloadable chapter notebook of a built site, top to bottom, as a reader would.

    python tools/run_notebooks.py _build/html [--cache DIR]

Run it with the Python of a fresh environment in which only this project is installed
(``pip install ".[baselines]" ipykernel nbclient``): the notebooks must not depend on the book's
toolchain. Each notebook runs in an empty temporary folder with an empty run cache, so every
result is computed again. Exits non-zero, naming the notebook and the cell, if any cell fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def run(path: Path, cache: Path) -> str | None:
    nb = nbformat.read(path, as_version=4)
    os.environ["NNBOOK_CACHE"] = str(cache)
    with tempfile.TemporaryDirectory() as cwd:
        client = NotebookClient(nb, timeout=3600, kernel_name="python3", resources={"metadata": {"path": cwd}})
        try:
            client.execute()
        except CellExecutionError as error:
            return str(error)[:3000]
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site, e.g. _build/html")
    parser.add_argument("--cache", type=Path, help="run cache for the notebooks (default: a new empty folder)")
    args = parser.parse_args()
    notebooks = sorted((args.site / "_sources").rglob("*.ipynb"))
    if not notebooks:
        print(f"no downloadable notebooks under {args.site / '_sources'}", file=sys.stderr)
        return 1
    failures = 0
    with tempfile.TemporaryDirectory() as fresh:
        cache = args.cache or Path(fresh)
        for path in notebooks:
            start = time.perf_counter()
            error = run(path, cache)
            took = time.perf_counter() - start
            name = path.relative_to(args.site)
            if error:
                failures += 1
                print(f"FAILED {name} ({took:.0f} s)\n{error}", file=sys.stderr)
            else:
                print(f"ok     {name} ({took:.0f} s)")
    print(f"{len(notebooks) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
