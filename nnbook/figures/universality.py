"""Figures for chapter 4, the visual argument that neural networks can compute any function.

The mathematics lives in :mod:`nnbook.studies.universality`; the functions here only draw what a page
computed with it (curves on [0, 1], surfaces over the unit square, tables of errors), plus the
network diagrams of the chapter that :mod:`nnbook.figures.diagrams` does not already draw (the
tower network in m dimensions, and two tower networks whose towers are weighted and added).

Every function returns a new :class:`matplotlib.figure.Figure`, built without pyplot, in the
house style of :mod:`nnbook.figures.style`: an opaque white background with dark text (so a figure
reads the same in the site's light and dark themes), the colour-blind-safe palette and fonts of
at least 10 pt; the tower networks are drawn with :mod:`nnbook.figures.primitives`. Arguments
are checked, and a bad one raises a ValueError that names it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from nnbook.figures import primitives as draw
from nnbook.figures.style import GREY, PALETTE, house_style, light_grid, new_figure

__all__ = [
    "function_curves",
    "approximations",
    "errors",
    "surfaces",
    "activation_panels",
    "failure_window",
    "shifted_bumps",
    "tower_network",
    "two_towers_network",
    "TOWERS_MOST",
]

# Surfaces are shaded from white to the first colour of the palette: low values pale, high
# values dark blue, readable on the white background.
_SURFACE_MAP = LinearSegmentedColormap.from_list("nnbook_surface", ["#f4f8fc", "#56B4E9",
                                                                     PALETTE[0], "#003a5c"])


# --------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------

def _grid(x: Any, name: str = "x") -> np.ndarray:
    """``x`` as a 1-D, finite, increasing float array of at least two points."""
    array = np.asarray(x, dtype=float)
    if array.ndim != 1 or array.size < 2:
        raise ValueError(f"{name} must be a 1-D array of at least two points; got shape "
                         f"{array.shape}")
    if not np.all(np.isfinite(array)) or np.any(np.diff(array) <= 0):
        raise ValueError(f"{name} must hold finite, increasing values")
    return array


def _curve(values: Any, n: int, name: str) -> np.ndarray:
    """``values`` as a 1-D float array of ``n`` values (NaN allowed: a gap in the curve)."""
    array = np.asarray(values, dtype=float)
    if array.shape != (n,):
        raise ValueError(f"{name} must have one value per point of x, shape ({n},); got shape "
                         f"{array.shape}")
    return array


def _named(mapping: Any, name: str, what: str) -> Mapping[str, Any]:
    if not isinstance(mapping, Mapping) or not mapping:
        raise ValueError(f"{name} must be a non-empty mapping of {what}; got {mapping!r}")
    return mapping


def _rows(rows: Any, key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``key``, "max" and "mean" columns of rows like those of approximation_errors."""
    try:
        rows = list(rows)
        keys = np.array([float(r[key]) for r in rows])
        worst = np.array([float(r["max"]) for r in rows])
        mean = np.array([float(r["mean"]) for r in rows])
    except (TypeError, KeyError, ValueError):
        raise ValueError(f"rows must be a list of dicts with keys {key!r}, 'max' and 'mean', "
                         f"as nnbook.studies.universality returns them; got {rows!r}") from None
    if not rows:
        raise ValueError("rows must hold at least one row; got none")
    return keys, worst, mean


def _unit_axes(ax: Axes, ylabel: str, ylim: tuple[float, float] | None = None) -> None:
    """An axes over x in [0, 1] with a light grid."""
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("$x$")
    ax.set_ylabel(ylabel)
    if ylim is not None:
        ax.set_ylim(*ylim)
    light_grid(ax)


# --------------------------------------------------------------------------------------------
# Curves of one variable
# --------------------------------------------------------------------------------------------

@house_style
def function_curves(x: Sequence[float], curves: Mapping[str, Any], *, ylabel: str,
                    ylim: tuple[float, float] | None = None, dashed: Sequence[str] = (),
                    title: str | None = None) -> Figure:
    """Functions of one variable on [0, 1], drawn on one axes.

    Serves the chapter's goal function f (with ``ylim=(0, 1)``, as the original plots it), the
    function sigma^-1 o f that the hidden layer's weighted output must match, and any weighted
    output set against it.

    Parameters
    ----------
    x : increasing 1-D array in [0, 1]
    curves : mapping of label -> array of len(x)
        Drawn in the palette's order. With more than one curve, a legend names them.
    ylabel : str
        The vertical axis's label, e.g. ``"$f(x)$"``.
    ylim : optional (low, high)
    dashed : labels of ``curves`` to draw dashed (a target, say)
    """
    x = _grid(x)
    curves = _named(curves, "curves", "label -> values")
    unknown = set(dashed) - set(curves)
    if unknown:
        raise ValueError(f"dashed must name curves that are drawn; got {sorted(unknown)!r}")
    fig = new_figure(6.0, 3.4)
    ax = fig.add_subplot()
    for i, (label, values) in enumerate(curves.items()):
        ax.plot(x, _curve(values, x.size, f"curves[{label!r}]"), label=label,
                color=PALETTE[i % len(PALETTE)], linestyle="--" if label in dashed else "-")
    _unit_axes(ax, ylabel, ylim)
    if len(curves) > 1:
        ax.legend(loc="best")
    if title:
        ax.set_title(title)
    return fig


@house_style
def approximations(x: Sequence[float], target: Any, panels: Mapping[str, Any], *,
                   ylabel: str = "$f(x)$", target_label: str = "$f(x)$",
                   ylim: tuple[float, float] | None = None, ncols: int | None = None) -> Figure:
    """Small multiples: in each panel one approximation, drawn over the dashed ``target``.

    Serves the chapter's "more hidden neurons, better approximation": the output of the bump
    network with N = 2, 5, 20, ... bumps against the goal function, one panel per N, titled
    by the page (e.g. "N = 5 (10 hidden neurons)").
    """
    x = _grid(x)
    target = _curve(target, x.size, "target")
    panels = _named(panels, "panels", "title -> approximation values")
    n = len(panels)
    if ncols is None:
        ncols = min(n, 3)
    if isinstance(ncols, bool) or not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer; got {ncols!r}")
    nrows = -(-n // ncols)
    fig = new_figure(2.3 * ncols + 0.4, 2.4 * nrows + 0.4)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)
    for ax, (title, values) in zip(axes.flat, panels.items()):
        values = _curve(values, x.size, f"panels[{title!r}]")
        ax.plot(x, target, color=GREY, linestyle="--", linewidth=1.4, label=target_label)
        ax.plot(x, values, color=PALETTE[0], label="network")
        ax.set_title(title)
        _unit_axes(ax, ylabel if ax in axes[:, 0] else "", ylim)
        if ax not in axes[-1, :]:
            ax.set_xlabel("")
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    axes.flat[0].legend(loc="upper left")
    return fig


@house_style
def errors(rows: Sequence[Mapping[str, Any]] | Mapping[str, Sequence[Mapping[str, Any]]], *,
           by: str = "n", xlabel: str | None = None) -> Figure:
    """The largest and the mean error of a family of approximations, on logarithmic axes.

    Serves the chapter's tables of errors: ``rows`` as returned by
    ``universality.approximation_errors`` (``by="n"``, the number of bumps) or
    ``universality.failure_errors`` (``by="M"``, the number of shifted copies). Several
    families (say, two first-layer weights) can be compared by passing a mapping of label ->
    rows: each family gets a colour, its largest error a solid line and its mean a dashed one.
    """
    families = dict(rows) if isinstance(rows, Mapping) else {"": rows}
    if not families:
        raise ValueError("rows must hold at least one family of rows; got an empty mapping")
    fig = new_figure(5.8, 3.5)
    ax = fig.add_subplot()
    ticks: set[float] = set()
    for i, (label, family) in enumerate(families.items()):
        keys, worst, mean = _rows(family, by)
        if np.any(keys <= 0) or np.any(worst <= 0) or np.any(mean <= 0):
            raise ValueError(f"rows must hold positive {by!r}, 'max' and 'mean' values, for "
                             "logarithmic axes")
        suffix = f", {label}" if label else ""
        colour = (PALETTE[1], PALETTE[0]) if len(families) == 1 else (PALETTE[i],) * 2
        ax.plot(keys, worst, marker="o", color=colour[0], label="largest error" + suffix)
        ax.plot(keys, mean, marker="s", color=colour[1], label="mean error" + suffix,
                linestyle="-" if len(families) == 1 else "--")
        ticks.update(keys.tolist())
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(sorted(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.set_xlabel(xlabel or f"${by}$")
    ax.set_ylabel(r"error $|\,$output $- f(x)\,|$")
    ax.legend(loc="best")
    light_grid(ax)
    return fig


# --------------------------------------------------------------------------------------------
# Surfaces over the unit square
# --------------------------------------------------------------------------------------------

@house_style
def surfaces(x: Sequence[float], y: Sequence[float], panels: Mapping[str, Any], *,
             zlabel: str = "output", zlim: tuple[float, float] | None = None,
             elev: float = 28.0, azim: float = -60.0) -> Figure:
    """One 3-D surface per panel, each a function on the grid ``x`` times ``y``.

    Serves the two-input half of the chapter: a tower (the output neuron thresholding an
    x-bump plus a y-bump), and many towers approximating a function of two variables. Each
    panel's values have shape (len(y), len(x)), row i belonging to y[i], as
    ``universality.tower`` returns them.
    """
    x = _grid(x)
    y = _grid(y, "y")
    panels = _named(panels, "panels", "title -> (len(y), len(x)) arrays")
    grids = {}
    for title, values in panels.items():
        z = np.asarray(values, dtype=float)
        if z.shape != (y.size, x.size):
            raise ValueError(f"panels[{title!r}] must have shape (len(y), len(x)) = "
                             f"({y.size}, {x.size}); got shape {z.shape}")
        grids[title] = z
    n = len(grids)
    fig = new_figure(3.6 * n + 0.4, 3.8, layout=None)
    X, Y = np.meshgrid(x, y)
    low = min(float(np.nanmin(z)) for z in grids.values())
    high = max(float(np.nanmax(z)) for z in grids.values())
    for i, (title, z) in enumerate(grids.items()):
        ax = fig.add_subplot(1, n, i + 1, projection="3d")
        ax.plot_surface(X, Y, z, cmap=_SURFACE_MAP, vmin=low, vmax=high if high > low else low + 1,
                        rstride=1, cstride=1, linewidth=0, antialiased=True, shade=True)
        ax.set_xlabel("$x$", labelpad=-2)
        ax.set_ylabel("$y$", labelpad=-2)
        ax.set_zlabel(zlabel, labelpad=-1)
        ax.set_xlim(x[0], x[-1])
        ax.set_ylim(y[0], y[-1])
        if zlim is not None:
            ax.set_zlim(*zlim)
        ax.view_init(elev=elev, azim=azim)
        ax.tick_params(pad=-2)
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            axis.set_pane_color((0.97, 0.97, 0.97, 1.0))
            axis.set_major_locator(MaxNLocator(3))
        ax.set_title(title, pad=0)
    fig.subplots_adjust(left=0.0, right=0.96, bottom=0.04, top=0.92, wspace=0.08)
    return fig


# --------------------------------------------------------------------------------------------
# Activation functions, windows of failure, shifted bumps
# --------------------------------------------------------------------------------------------

@house_style
def activation_panels(z: Sequence[float], panels: Mapping[str, Any]) -> Figure:
    """Activation functions side by side, one panel each, with their limits as dotted lines.

    Serves "beyond sigmoid neurons": sigma(z) beside the chapter's s(z), a bumpy function that
    still has distinct limits at minus and plus infinity. The limits are read off the ends of
    ``z`` (take z wide enough for them to have settled).
    """
    z = _grid(z, "z")
    panels = _named(panels, "panels", "label -> values")
    n = len(panels)
    fig = new_figure(3.4 * n + 0.3, 2.9)
    axes = fig.subplots(1, n, squeeze=False, sharey=True)[0]
    for i, (ax, (label, values)) in enumerate(zip(axes, panels.items())):
        values = _curve(values, z.size, f"panels[{label!r}]")
        for limit in (values[0], values[-1]):
            ax.axhline(limit, color=GREY, linestyle=":", linewidth=1.0)
        ax.plot(z, values, color=PALETTE[i % len(PALETTE)])
        ax.set_xlim(z[0], z[-1])
        ax.set_xlabel("$z$")
        ax.set_title(label)
        light_grid(ax)
    return fig


@house_style
def failure_window(x: Sequence[float], output: Any, window: tuple[float, float], *,
                   zoom: float = 4.0, ylabel: str = "hidden neuron's output") -> Figure:
    """A step that is not quite a step: the whole of [0, 1], and a zoom on its window of failure.

    Serves "Fixing up the step functions". ``window`` is the interval of x over which the
    neuron's output climbs from near its low limit to near its high limit (what
    ``universality.step_width`` measures); it is shaded in both panels. The right panel spans
    ``zoom`` window widths around it. Give ``x`` fine enough to resolve the window.
    """
    x = _grid(x)
    output = _curve(output, x.size, "output")
    try:
        lo, hi = (float(v) for v in window)
    except (TypeError, ValueError):
        raise ValueError(f"window must be a pair (low, high); got {window!r}") from None
    if not x[0] <= lo < hi <= x[-1]:
        raise ValueError(f"window must be an interval (low, high) inside x's range; got {window!r}")
    if not zoom > 1:
        raise ValueError(f"zoom must be a number greater than 1; got {zoom!r}")
    fig = new_figure(7.0, 3.0)
    whole, near = fig.subplots(1, 2, width_ratios=(1.4, 1.0))
    centre, half = (lo + hi) / 2, zoom * (hi - lo) / 2
    for ax in (whole, near):
        ax.axvspan(lo, hi, color=PALETTE[1], alpha=0.18, linewidth=0, label="window of failure")
        ax.plot(x, output, color=PALETTE[0])
        ax.set_xlabel("$x$")
        light_grid(ax)
    whole.set_xlim(x[0], x[-1])
    whole.set_ylabel(ylabel)
    whole.set_title("the whole interval")
    whole.legend(loc="lower right")
    near.set_xlim(centre - half, centre + half)
    near.set_title("zoomed in on the window")
    return fig


@house_style
def shifted_bumps(x: Sequence[float], target: Any, parts: Sequence[Any], *,
                  ylabel: str = r"$\sigma^{-1} \circ f(x)$") -> Figure:
    """The M-fold fix for windows of failure, in three panels.

    Serves "Fixing up the step functions": ``parts`` are M weighted outputs, each a row of bumps
    approximating sigma^-1 o f / M, the k-th with its bumps shifted by k / M of a bump's width.
    Left: the first of them scaled by M, a plain approximation of ``target`` with its windows
    of failure. Middle: the M parts, over target / M. Right: their sum, a staircase with M
    times as many, M times smaller steps, which follows ``target`` more closely.
    """
    x = _grid(x)
    target = _curve(target, x.size, "target")
    if isinstance(parts, (str, bytes)) or not isinstance(parts, Sequence) or len(parts) < 2:
        raise ValueError(f"parts must be a sequence of at least two weighted outputs; got "
                         f"{type(parts).__name__}")
    parts = [_curve(p, x.size, f"parts[{i}]") for i, p in enumerate(parts)]
    m = len(parts)
    fig = new_figure(7.4, 3.0)
    one, each, total = fig.subplots(1, 3, sharey=True)
    for ax, scale in ((one, 1), (each, m), (total, 1)):
        ax.plot(x, target / scale, color=GREY, linestyle="--", linewidth=1.4,
                label="target" if scale == 1 else f"target / {m}")
    one.plot(x, m * parts[0], color=PALETTE[0], label="one row of bumps")
    one.set_title("one row of bumps")
    for k, p in enumerate(parts):
        each.plot(x, p, color=PALETTE[k % len(PALETTE)], linewidth=1.4)
    each.set_title(f"{m} shifted rows, each 1/{m}")
    total.plot(x, np.sum(parts, axis=0), color=PALETTE[0], label="their sum")
    total.set_title("their sum")
    _unit_axes(one, ylabel)
    _unit_axes(each, "")
    _unit_axes(total, "")
    one.legend(loc="upper left")
    return fig


# --------------------------------------------------------------------------------------------
# The tower network in m dimensions
# --------------------------------------------------------------------------------------------

@house_style
def tower_network(m: int = 3) -> Figure:
    """The network that computes a tower in m input dimensions (the original draws m = 3).

    Each input x_i feeds two hidden neurons, large weights making them steps at s_i and t_i
    (the step points are written inside). Their outputs go to the output neuron with weights
    +h and -h, so each pair contributes an h-high bump in x_i; the output neuron's bias
    (-m + 1/2) h is written inside it, and with h large it fires only where all m bumps
    overlap. Connections of zero weight (x_i to the other pairs) are left out.
    """
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or not 1 <= m <= 5:
        raise ValueError(f"m must be an integer from 1 to 5 (inputs to draw); got {m!r}")
    m = int(m)
    fig, ax = draw.canvas()
    radius, gap = 0.3, 0.72  # hidden neurons' radius and spacing, in inches
    hidden_x, output_x = 1.6, 3.6
    rows = 2 * m
    top = (rows - 1) / 2 * gap
    bias = f"-{2 * m - 1}h/2" if m > 1 else "-h/2"
    output = (output_x, 0.0)
    draw.neuron(ax, output, rf"${bias}$", radius=0.42)
    for i in range(m):
        pair = [(hidden_x, top - (2 * i + k) * gap) for k in (0, 1)]
        centre_y = (pair[0][1] + pair[1][1]) / 2
        draw.write(ax, (0.0, centre_y), f"$x_{i + 1}$", ha="right")
        for point, step, sign in zip(pair, ("s", "t"), ("+h", "-h")):
            draw.neuron(ax, point, f"${step}_{i + 1}$", radius=radius)
            draw.arrow(ax, (0.08, centre_y), draw.rim(point, (0.08, centre_y), radius))
            draw.arrow(ax, draw.rim(point, output, radius), draw.rim(output, point, 0.42),
                       label=f"${sign}$", at=0.3)
    draw.arrow(ax, (output_x + 0.42, 0.0), (output_x + 1.1, 0.0))
    draw.write(ax, (output_x + 1.18, 0.0), "output", ha="left")
    draw.write(ax, (hidden_x, top + radius + 0.12), "steps", va="bottom", color=GREY)
    return draw.fit(fig, ax)


# --------------------------------------------------------------------------------------------
# Two towers, weighted and added
# --------------------------------------------------------------------------------------------

TOWERS_MOST = 3  # sub-networks that fit the page


@house_style
def two_towers_network(towers: int = 2) -> Figure:
    """Sub-networks that each compute a tower over x and y, their towers weighted and added.

    Serves "Many input variables", where two tower networks are set side by side (the
    original's ``#the_two_towers``). Each sub-network, in its own box, has four hidden
    neurons, steps in x at $s_1$ and $s_2$ and in y at $t_1$ and $t_2$ (each box with its own
    step points), feeding its tower neuron with weights +h, -h, +h, -h; the tower neuron's bias
    -3h/2 is written inside it. The tower neurons form a second hidden layer, and the output
    neuron receives tower i weighted by $w_i$. Both inputs feed every box; connections of zero
    weight (x to a step in y, and y to a step in x) are left out.

    Parameters
    ----------
    towers : int
        The number of sub-networks, from 1 to :data:`TOWERS_MOST` (the chapter draws 2).
    """
    if (isinstance(towers, bool) or not isinstance(towers, (int, np.integer))
            or not 1 <= towers <= TOWERS_MOST):
        raise ValueError(f"towers must be an integer from 1 to {TOWERS_MOST} (the number of "
                         f"tower sub-networks to draw); got {towers!r}")
    towers = int(towers)
    fig, ax = draw.canvas()
    radius, gap, box_gap = 0.25, 0.62, 0.6  # hidden neurons: radius, spacing; between boxes
    hidden_x, tower_x, output_x = 1.7, 3.4, 5.1
    height = 3 * gap + 2 * radius + 0.3  # of a box around four hidden neurons
    top = ((towers - 1) * (height + box_gap)) / 2  # the first box's centre
    inputs = {"x": (0.0, 0.45), "y": (0.0, -0.45)}
    for name, (x, y) in inputs.items():
        draw.write(ax, (x, y), f"${name}$", ha="right")
    output = (output_x, 0.0)
    draw.neuron(ax, output, radius=0.3)
    for i in range(towers):
        centre_y = top - i * (height + box_gap)
        box_left, box_right = hidden_x - radius - 0.25, tower_x + 0.4 + 0.2
        ax.add_patch(FancyBboxPatch((box_left, centre_y - height / 2), box_right - box_left,
                                    height, boxstyle="round,pad=0,rounding_size=0.1",
                                    facecolor="white", edgecolor=PALETTE[0], linewidth=1.0,
                                    zorder=0.5))
        draw.write(ax, (box_left + 0.05, centre_y + height / 2 + 0.04), f"tower {i + 1}",
                   ha="left", va="bottom", fontsize=10, color=PALETTE[0])
        tower = (tower_x, centre_y)
        draw.neuron(ax, tower, "$-3h/2$", radius=0.4)
        rows = [centre_y + (1.5 - r) * gap for r in range(4)]
        for r, (y, step, sign) in enumerate(zip(rows, ("$s_1$", "$s_2$", "$t_1$", "$t_2$"),
                                                ("$+h$", "$-h$", "$+h$", "$-h$"))):
            point = (hidden_x, y)
            draw.neuron(ax, point, step, radius=radius)
            source = inputs["x" if r < 2 else "y"]
            tail = (source[0] + 0.08, source[1])
            draw.arrow(ax, tail, draw.rim(point, tail, radius), head_size=10)
            draw.arrow(ax, draw.rim(point, tower, radius), draw.rim(tower, point, 0.4),
                       label=sign, at=0.35, head_size=10)
        draw.arrow(ax, draw.rim(tower, output, 0.4), draw.rim(output, tower, 0.3),
                   label=f"$w_{i + 1}$", at=0.45, color=PALETTE[1], label_color=PALETTE[1],
                   linewidth=1.6)
    draw.arrow(ax, (output_x + 0.3, 0.0), (output_x + 0.9, 0.0))
    draw.write(ax, (output_x + 0.98, 0.0), "output", ha="left")
    return draw.fit(fig, ax)
