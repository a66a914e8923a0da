"""Small helpers for the book's pages, which also work in a plain Jupyter notebook.

On the site, :func:`glue` hands a value to myst-nb so the prose can show it with
``{glue:text}``. In a downloaded notebook, where myst-nb is usually not installed, it shows the
value under its name instead, so a reader who re-runs a cell sees what was computed.
"""

from __future__ import annotations

import numpy as np

from nnbook.runs import profile as profiles

try:  # pragma: no cover - which branch runs depends on the environment
    from myst_nb import glue as _myst_glue
except ImportError:  # plain Jupyter: show the value instead
    _myst_glue = None


def _plain(value):
    """numpy scalars become Python numbers: numpy 2 reprs (np.float64(...)) break glue formats."""
    return value.item() if isinstance(value, np.generic) else value


def glue(name: str, value, display: bool = False):
    """Make ``value`` available to the page's prose under ``name``; return it."""
    value = _plain(value)
    if _myst_glue is not None:
        _myst_glue(name, value, display=display)
    else:
        from IPython.display import display as show

        show(value) if display or not isinstance(value, (int, float, str)) else show(f"{name} = {value}")
    return value


def profile() -> str:
    """The build profile of this page (``full`` or ``fast``)."""
    return profiles.current()


def percent(x: float, digits: int = 2) -> str:
    """0.9542 -> '95.42 %' as the book writes accuracies."""
    return f"{100 * x:.{digits}f} %"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 epoch', '3 epochs', '12,000 images': a number with its noun in the right number.

    ``plural`` is for nouns that do not simply add an s ('1 run is', with plural 'runs are').
    """
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"
