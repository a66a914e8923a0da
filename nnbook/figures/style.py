"""The house style every figure of the book is drawn in, and the argument checks they share.

Every figure function returns a new :class:`matplotlib.figure.Figure` built directly (not through
pyplot), so nothing is registered globally: a page shows the figure it gets back exactly once,
and the figure is freed when the page drops it. Nothing is shown, printed or saved here.

The house style (:data:`RC`, applied by the :func:`house_style` decorator): an opaque white
background with dark text (:data:`INK`), so figures read the same in the site's light and dark
themes; the colour-blind-safe :data:`PALETTE`; and fonts of at least 10 pt at the size a page
displays them (about 700 px wide). The style is applied only while a figure is being built,
whatever the reader's own matplotlib settings are. :func:`new_figure` gives the opaque
figure, :func:`light_grid` and :func:`percent_ticks` the faint grid and the "85 %" ticks.

The ``check_*`` functions validate a figure's inputs: each returns the value in its canonical
type or raises a ValueError that names the argument and echoes the bad value.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

__all__ = [
    "INK",
    "GREY",
    "PALETTE",
    "RC",
    "house_style",
    "new_figure",
    "light_grid",
    "percent_ticks",
    "check_fraction",
    "check_finite",
    "check_positive",
    "check_integer",
    "check_values",
    "check_mapping",
    "check_sizes",
]


# --------------------------------------------------------------------------------------------
# Colours and fonts
# --------------------------------------------------------------------------------------------

INK = "#222222"  # text and outlines: dark on the opaque white background
GREY = "#888888"
# Okabe & Ito's colour-blind-safe palette (without its yellow, too pale on white).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

RC: dict[str, Any] = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "text.usetex": False,
    "mathtext.fontset": "dejavusans",
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": INK,
    "axes.titlecolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.facecolor": "white",
    "figure.facecolor": "white",
    "axes.grid": False,
    "legend.frameon": True,
    "legend.edgecolor": "#cccccc",
    "legend.facecolor": "white",
    "lines.linewidth": 1.8,
}

F = TypeVar("F", bound=Callable[..., Figure])


def house_style(function: F) -> F:
    """Build the figure under the house style, then restore the caller's matplotlib settings."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with matplotlib.rc_context(RC):
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def new_figure(width: float, height: float, layout: str | None = "constrained") -> Figure:
    """A figure of ``width`` x ``height`` inches with an opaque white background."""
    return Figure(figsize=(width, height), facecolor="white", layout=layout)


def light_grid(ax: Axes, axis: str = "both") -> None:
    """The faint grid of the house style, behind the data."""
    ax.grid(True, axis=axis, color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)


def percent_ticks(ax: Axes) -> None:
    """Write the y axis's ticks as percentages: 85 -> '85 %'."""
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g} %"))


# --------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------

def check_fraction(value: Any, name: str) -> float:
    """``value`` as a float in [0, 1], or a ValueError naming ``name``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number (a fraction in [0, 1]); got {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise ValueError(
            f"{name} must be a fraction in [0, 1] (0.9542, not 95.42); got {value!r}"
        )
    return number


def check_finite(value: Any, name: str, positive: bool = False) -> float:
    """``value`` as a finite (and, if asked, positive) float, or a ValueError naming ``name``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or (positive and number <= 0):
        kind = "a finite positive number" if positive else "a finite number"
        raise ValueError(f"{name} must be {kind}; got {value!r}")
    return number


def check_positive(value: Any, name: str) -> float:
    """``value`` as a finite positive float, or a ValueError naming ``name``."""
    return check_finite(value, name, positive=True)


def check_integer(value: Any, name: str, minimum: int | None = None) -> int:
    """``value`` as an int (at least ``minimum``), or a ValueError naming ``name``."""
    if (isinstance(value, bool) or not isinstance(value, (int, np.integer))
            or (minimum is not None and value < minimum)):
        at_least = "" if minimum is None else f" >= {minimum}"
        raise ValueError(f"{name} must be an integer{at_least}; got {value!r}")
    return int(value)


def check_values(values: Any, name: str, what: str = "numbers") -> np.ndarray:
    """``values`` as a non-empty 1-D array of finite floats, or a ValueError naming ``name``."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a list of {what}; got {values!r}") from None
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty list of {what}; got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers; got {values!r}")
    return array


def check_mapping(value: Any, name: str, what: str) -> Mapping[Any, Any]:
    """``value`` if it is a non-empty mapping, or a ValueError naming ``name``."""
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f"{name} must be a non-empty mapping {what}; got {value!r}")
    return value


def check_sizes(sizes: Any, most: int | None = None, layers: int | None = None) -> list[int]:
    """``sizes`` as a list of 2 to ``layers`` positive ints (each <= ``most``), or a ValueError."""
    try:
        sizes = list(sizes)
    except TypeError:
        pass
    if (not isinstance(sizes, list) or len(sizes) < 2 or any(
            isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 for n in sizes)):
        raise ValueError(f"sizes must list at least two positive layer sizes, e.g. [784, 15, 10]; "
                         f"got {sizes!r}")
    if most is not None and max(sizes) > most:
        raise ValueError(f"sizes must have at most {most} neurons per layer here, since this "
                         f"diagram draws every neuron; got {sizes!r}")
    if layers is not None and len(sizes) > layers:
        raise ValueError(f"sizes must list at most {layers} layers here, to fit the page; "
                         f"got {len(sizes)}: {sizes!r}")
    return [int(n) for n in sizes]
