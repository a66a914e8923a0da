"""Run every downloadable chapter notebook of a built site, top to bottom, as a reader would.

    python tools/run_notebooks.py _build/html [--cache DIR] [--only chapter1] [--install REQ]

Run it with the Python of a fresh environment in which only this project is installed
(``pip install ".[baselines]" ipykernel nbclient``): the notebooks must not depend on the book's
toolchain. Or, as a hosted service such as Colab would, in an environment without nnbook
(``pip install ipykernel nbclient``): then each notebook's first cell installs nnbook itself,
from ``--install`` (a local path or wheel standing in for the commit the notebook names, passed
to the cell as ``NNBOOK_INSTALL``).

Each notebook runs in an empty temporary folder with an empty run cache, so every result is
computed again; the chapters run side by side, one kernel per core. Exits non-zero, naming the
notebook and the cell, if any cell fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def run(path: Path) -> str | None:
    nb = nbformat.read(path, as_version=4)
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
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only this notebook (its name without .ipynb; repeatable)")
    parser.add_argument("--install", metavar="REQUIREMENT",
                        help="what a notebook's first cell installs where nnbook is missing, "
                             "instead of the commit it names (e.g. '/path/to/nnbook[baselines]')")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="notebooks run at once, each kernel with one BLAS thread (default: every core)")
    args = parser.parse_args()
    notebooks = sorted(p for p in (args.site / "_sources").rglob("*.ipynb")
                       if not args.only or p.stem in args.only)
    if args.install:
        os.environ["NNBOOK_INSTALL"] = args.install
    if not notebooks:
        print(f"no downloadable notebooks under {args.site / '_sources'}", file=sys.stderr)
        return 1
    # Kernels inherit this: one BLAS thread each, so that notebooks running side by side do not
    # fight over the cores.
    os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = "1"
    # The chapters first, longest (the last) first; pages that gather other pages' results (the
    # reproduction report) after every chapter has finished, so that they find its runs cached.
    chapters = sorted((p for p in notebooks if p.stem.startswith("chapter")), reverse=True)
    others = [p for p in notebooks if p not in chapters]
    failures = 0
    with tempfile.TemporaryDirectory() as fresh:
        cache = args.cache or Path(fresh)
        os.environ["NNBOOK_CACHE"] = str(cache)

        def timed(path: Path) -> tuple[Path, str | None, float]:
            start = time.perf_counter()
            error = run(path)
            return path, error, time.perf_counter() - start

        for group in (chapters, others):
            with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
                for path, error, took in pool.map(timed, group):
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
