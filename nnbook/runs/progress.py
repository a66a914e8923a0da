"""Progress bars for training that happens where a reader is waiting, and a record of the runs.

A page or a downloaded notebook that asks for a run which is not in the run cache trains it on
the spot (:func:`nnbook.runs.experiments.run`). In the full profile that can take minutes per
call, so it shows a progress bar: tqdm's notebook bar (a widget) in Jupyter or Colab where
``ipywidgets`` is installed, its text bar on stderr elsewhere.

Whether a bar is drawn is decided here and nowhere else, by ``NNBOOK_PROGRESS``:

* ``0`` never (the book build sets it, so no bar ends up in a page);
* ``1`` always;
* unset: in a Jupyter kernel or when stderr is a terminal.

The book build also sets ``NNBOOK_RUN_LOG`` to a file for each page it executes; every run that
page asks for is then appended to that file, one JSON object per line (:func:`record`), so the
build can say which runs stand behind each page and how long they took to train.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

PROGRESS_ENV = "NNBOOK_PROGRESS"
RUN_LOG_ENV = "NNBOOK_RUN_LOG"


def enabled(progress: bool | None = None) -> bool:
    """Whether to draw a bar: ``progress`` if given, else as ``NNBOOK_PROGRESS`` says (see the
    module's docstring)."""
    if progress is not None:
        return bool(progress)
    value = os.environ.get(PROGRESS_ENV, "").strip().lower()
    if value in ("0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    if value:
        raise ValueError(f"{PROGRESS_ENV} must be 1 or 0; got {os.environ[PROGRESS_ENV]!r}")
    return "ipykernel" in sys.modules or bool(getattr(sys.stderr, "isatty", lambda: False)())


def bar(total: int, description: str, unit: str = "it"):
    """A tqdm bar of ``total`` steps of ``unit``: the notebook widget where ``ipywidgets`` can
    draw it, else the text bar. ``None`` if tqdm is not installed (then nothing is drawn)."""
    try:
        if importlib.util.find_spec("ipywidgets") is not None:
            from tqdm.auto import tqdm  # the widget in a notebook, text in a terminal
        else:  # tqdm.auto would warn that it cannot draw its widget, then fall back to this
            from tqdm.std import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc=description, unit=unit, leave=True)


def record(entry: dict) -> None:
    """Append ``entry`` to the run log named by ``NNBOOK_RUN_LOG``, if it is set."""
    name = os.environ.get(RUN_LOG_ENV)
    if not name:
        return
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry, sort_keys=True) + "\n")


def read_log(path: str | os.PathLike) -> list[dict]:
    """The entries of a run log (:func:`record`); lines that are not JSON objects are skipped."""
    entries: list[dict] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return entries
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries
