"""What every widget is made of: the :class:`Widget`, its ids, its data, its script and styles.

The book's interactive figures play in the reader's browser with no kernel. A Jupyter Book page
is static HTML, so the numbers are computed in Python when the page is built (with ``nnbook``,
like everything else on the site) and the browser only *shows* them: each widget function
returns a :class:`Widget`, a piece of self-contained HTML that a notebook, and therefore myst-nb,
displays as a ``text/html`` output. A widget's HTML is

- its markup, already showing the starting state;
- a ``<style>`` element (:func:`style`) whose rules apply only to the widget's own classes;
- its data as JSON in a ``<script type="application/json" class="nnbook-data">`` element
  (:func:`data_script`, made safe by :func:`json_for_script`);
- its script (:func:`script`), which finds its own elements from its outer element and looks
  only inside them.

The scripts and styles are files in ``nnbook/widgets/assets/`` (shipped with the package),
read by :func:`asset` and embedded in every widget that uses them:

===========================  ==================================================================
file                         used by
===========================  ==================================================================
``neuron-player.js/.css``    :func:`nnbook.widgets.chapter3.neuron_player`
``softmax.js``               :func:`nnbook.widgets.chapter3.softmax_sliders` (the softmax itself)
``softmax-sliders.js/.css``  :func:`nnbook.widgets.chapter3.softmax_sliders`
``explorer-math.js``         both explorers: the sums the browser forms (tested with Node.js)
``explorer-controls.js``     both explorers: sliders, players, readouts, score
``explorer-curves.js``       :func:`nnbook.widgets.explorer.curves`
``explorer-surface.js``      :func:`nnbook.widgets.explorer.surface`
``explorer.css``             both explorers
===========================  ==================================================================

Each file may begin with a ``/* ... */`` comment that says what it is; the comment is for the
file's readers and is not embedded. A stylesheet may hold ``$name`` placeholders, filled in by
:func:`style` (colours from :data:`nnbook.figures.style.PALETTE`).

What the HTML promises:

- **Right without a script.** The markup already shows the starting state, so a viewer that
  does not run scripts (a notebook opened untrusted) still shows correct numbers.
- **Nothing from the network.** No external script, stylesheet or font: the site works offline.
- **Several on one page.** Every widget gets its own element id (:func:`new_id`), its script
  finds its own elements through ``document.currentScript`` (or that id) and looks only inside
  them, and its styles apply only to its own classes.
- **Light and dark themes.** No background of its own: text and axes use ``currentColor``,
  lines the theme's variables where it has them, data the colour-blind-safe
  :data:`nnbook.figures.style.PALETTE`. On paper the widgets are hidden; the page's static
  figures show the same things.

The helpers for the numbers a widget embeds live here too: rounding for JSON
(:func:`round_significant`, :func:`round_decimals`), axis ticks (:func:`nice_step`,
:func:`ticks`) and the check of a list of numbers (:func:`series`).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import itertools
import json
import math
import string
from typing import Any

import numpy as np

__all__ = ["Widget", "new_id", "json_for_script", "data_script", "script", "asset_names", "asset",
           "style", "round_significant", "round_decimals", "nice_step", "ticks", "series"]

_serial = itertools.count(1)


class Widget:
    """A piece of HTML that a notebook (and a Jupyter Book page) displays as itself.

    ``html`` is the markup; Jupyter shows it through :meth:`_repr_html_`. ``repr()`` is a one-line
    description, which is what a plain-text console shows. ``id`` is the id of its outer element.
    """

    def __init__(self, html: str, id: str, description: str):
        self.html, self.id, self.description = html, id, description

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<{self.description}: HTML that plays in a browser>"


# ---------------------------------------------------------------------------------------------
# Ids, data and scripts
# ---------------------------------------------------------------------------------------------


def new_id(kind: str, data: Any) -> str:
    """An element id for a new widget: ``nnbook-<kind>-<digest of its data>-<serial number>``.

    The serial number makes ids unique within one kernel (one page); the digest keeps the
    widgets of different pages apart when several pages share one document (a single-page
    build). Both are deterministic, so rebuilding a page gives the same HTML.
    """
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:8]
    return f"nnbook-{kind}-{digest}-{next(_serial)}"


def json_for_script(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no '<', '>' or '&' left to end it early."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def data_script(data: Any) -> str:
    """The element that carries a widget's data, which its script reads with ``JSON.parse``."""
    return (f'<script type="application/json" class="nnbook-data">{json_for_script(data)}'
            f"</script>")


def script(widget_id: str, body: str) -> str:
    """The widget's script: ``body`` runs with ``root`` bound to the widget's outer element.

    ``document.currentScript`` (the script element itself, a child of the root) finds the root
    on a page and in JupyterLab; the classic notebook runs output scripts without it, hence the
    lookup by id as a fallback. Wrapping the body in a function also keeps its variables out of
    the page's global scope, so two widgets of the same kind do not share them.
    """
    fallback = f"document.getElementById({json.dumps(widget_id)})"
    return (f"<script>(function (root) {{\n{body}\n}})(document.currentScript "
            f"? document.currentScript.parentNode : {fallback});</script>")


# ---------------------------------------------------------------------------------------------
# Assets: the scripts and stylesheets in nnbook/widgets/assets/
# ---------------------------------------------------------------------------------------------


@functools.cache
def asset_names() -> tuple[str, ...]:
    """The names of the scripts and stylesheets in ``nnbook/widgets/assets/``, sorted."""
    folder = importlib.resources.files(__package__).joinpath("assets")
    return tuple(sorted(entry.name for entry in folder.iterdir()
                        if entry.is_file() and entry.name.endswith((".js", ".css"))))


@functools.cache
def asset(name: str) -> str:
    """The text of the asset file ``name`` (``"explorer-math.js"``), without its opening comment.

    Read once per process with :mod:`importlib.resources`, so it works from a wheel as well as
    from a source checkout. A leading ``/* ... */`` comment (the file's description for its
    readers) is left out: what is returned is what the pages embed.
    """
    if name not in asset_names():
        raise ValueError(f"name must be one of the widget assets {list(asset_names())}; "
                         f"got {name!r}")
    text = (importlib.resources.files(__package__).joinpath("assets", name)
            .read_text(encoding="utf-8"))
    if text.startswith("/*"):
        text = text[text.index("*/\n") + len("*/\n"):]
    return text


def style(name: str, **values: str) -> str:
    """A ``<style>`` element holding the stylesheet ``name`` with its ``$placeholders`` filled.

    Every placeholder in the file must be given (a ``KeyError`` names a missing one), so a
    stylesheet never reaches a page with a ``$`` left in it.
    """
    return f"<style>\n{string.Template(asset(name)).substitute(values)}</style>"


# ---------------------------------------------------------------------------------------------
# Numbers: rounding for JSON, axis ticks, checked lists
# ---------------------------------------------------------------------------------------------


def round_significant(values: Any, digits: int) -> list[float]:
    """``values`` rounded to ``digits`` significant digits, as plain floats for JSON."""
    return [float(f"{value:.{digits}g}") for value in values]


def round_decimals(values: np.ndarray, decimals: int) -> list[float]:
    """The array ``values``, flattened and rounded to ``decimals`` places, as plain floats."""
    return [float(v) for v in np.round(values.ravel(), decimals)]


def nice_step(span: float, most: int) -> float:
    """A round tick spacing (1, 2, 2.5 or 5 times a power of ten) giving at most ``most`` gaps."""
    raw = span / most
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))


def ticks(lo: float, hi: float, step: float) -> list[float]:
    """The multiples of ``step`` from ``lo`` to ``hi`` (both included, to within rounding).

    Each tick is ``k * step`` rounded to ten decimals, so 0.1 * 3 is shown as 0.3; an integer
    ``step`` gives integer ticks.
    """
    first = math.ceil(lo / step - 1e-9)
    return [round(k * step, 10) for k in range(first, int(math.floor(hi / step + 1e-9)) + 1)]


def series(values: Any, name: str, what: str) -> np.ndarray:
    """``values`` as a 1-D array of at least two finite floats, or a ValueError naming ``name``.

    ``what`` says what the numbers are ("numbers, one per step"), for the message.
    """
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a list of {what}; got {values!r}") from None
    if array.ndim != 1 or array.size < 2:
        raise ValueError(f"{name} must be a list of at least two {what}; got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers; got {array!r}")
    return array
