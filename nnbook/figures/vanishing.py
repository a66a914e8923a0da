"""Errors and gradients that vanish: how small backpropagation's delta gets, neuron by neuron.

Chapter 2's look inside a network: the size of every neuron's error delta^l_j before and after
training, over many orders of magnitude (a saturated neuron's all but vanishes). Chapter 5's
unstable gradient: the gradients dC/db of the first neurons of each hidden layer, and the width
of the window of inputs in which a factor w sigma'(z) of the gradient is at least 1 in size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from nnbook.figures.style import (GREY, INK, PALETTE, check_finite, check_values,
                                  house_style, light_grid, new_figure)

__all__ = ["neuron_errors", "neuron_gradients", "interval_width", "ERROR_FLOOR"]

ERROR_FLOOR = 1e-12
"""The bottom of :func:`neuron_errors`'s logarithmic axes; smaller errors are marked on it."""


def _one_example_errors(errors: Any, name: str) -> list[np.ndarray]:
    """``errors`` (one array per layer, shape (n,) or (1, n)) as a list of 1-D float arrays."""
    if isinstance(errors, (str, bytes)) or not isinstance(errors, Sequence) or not errors:
        raise ValueError(
            f"{name} must be a non-empty list with one array of errors per layer, such as the "
            f"deltas of Network.errors(x, y) for one example; got {errors!r}"
        )
    layers = []
    for i, delta in enumerate(errors):
        try:
            array = np.asarray(delta, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name}[{i}] must be an array of numbers; got {delta!r}") from None
        if array.ndim == 2 and array.shape[0] == 1:
            array = array[0]
        if array.ndim != 1 or array.size == 0:
            raise ValueError(
                f"{name}[{i}] must hold the errors of one example, shape (n,) or (1, n); "
                f"got shape {array.shape}"
            )
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name}[{i}] must hold finite numbers; got {array}")
        layers.append(array)
    return layers


@house_style
def neuron_errors(before: Sequence[Any], after: Sequence[Any],
                  labels: Sequence[str] = ("fresh network", "trained network"),
                  first_layer: int = 2) -> Figure:
    """The size |delta^l_j| of the error of every neuron, layer by layer, before and after training.

    Serves chapter 2's "A look inside": for one training image, the errors backpropagation
    computes in a freshly initialised network (orange) and in a trained one (blue), one bar
    pair per neuron and one panel per layer, on logarithmic axes from 1e-12 up, because the
    errors of a single layer range over many orders of magnitude. An error smaller than
    :data:`ERROR_FLOOR` (that of a strongly saturated neuron, or exactly 0) would fall below the
    axis: it is drawn as a triangle pointing down, sitting on the floor in its bar's colour,
    and the legend says what the triangles mean.

    Parameters
    ----------
    before, after : lists with one array per layer
        The errors delta^l of one example, each of shape (n_l,) or (1, n_l), as returned (for a
        one-example batch) by :meth:`nnbook.network.Network.errors`; the two lists must match
        in the number of layers and of neurons. Signs are dropped: the bars show |delta^l_j|.
    labels : (str, str)
        The legend's names for ``before`` and ``after``.
    first_layer : int
        The book's number of the first layer in the lists: 2, the first hidden layer, for the
        full list of errors (the input layer, 1, has none).
    """
    before = _one_example_errors(before, "before")
    after = _one_example_errors(after, "after")
    if len(before) != len(after):
        raise ValueError(
            f"before and after must have the same number of layers; got {len(before)} and "
            f"{len(after)}"
        )
    for i, (b, a) in enumerate(zip(before, after)):
        if b.size != a.size:
            raise ValueError(
                f"before[{i}] and after[{i}] must have one error per neuron of the same layer; "
                f"got {b.size} and {a.size} errors"
            )
    if isinstance(labels, (str, bytes)) or len(labels) != 2:
        raise ValueError(f"labels must be two names, for before and after; got {labels!r}")
    if (isinstance(first_layer, bool) or not isinstance(first_layer, (int, np.integer))
            or first_layer < 1):
        raise ValueError(f"first_layer must be a positive integer; got {first_layer!r}")

    largest = max(float(np.max(np.abs(d))) for d in before + after)
    top = max(1.0, 10.0 ** math.ceil(math.log10(largest))) if largest > 0 else 1.0
    fig = new_figure(7.5, 0.6 + 2.2 * len(before))
    axes = fig.subplots(len(before), 1, squeeze=False)[:, 0]
    clipped = False
    for i, ax in enumerate(axes):
        layer = first_layer + i
        j = np.arange(before[i].size)
        for shift, label, deltas, colour in [(-0.2, labels[0], before, PALETTE[1]),
                                             (0.2, labels[1], after, PALETTE[0])]:
            sizes = np.abs(deltas[i])
            ax.bar(j + shift, sizes, width=0.4, color=colour, label=label if i == 0 else None)
            below = sizes < ERROR_FLOOR
            if below.any():
                clipped = True
                ax.plot(j[below] + shift, np.full(below.sum(), 2.5 * ERROR_FLOOR), "v",
                        color=colour, markeredgecolor=INK, markeredgewidth=0.6, markersize=7,
                        clip_on=False, zorder=3)
        ax.set_yscale("log")
        ax.set_ylim(ERROR_FLOOR, top)
        ax.set_xticks(j[::2] if j.size > 10 else j)
        ax.set_xlim(-0.7, j.size - 0.3)
        ax.set_xlabel(f"neuron $j$ of layer {layer}")
        ax.set_ylabel(rf"$|\delta^{{{layer}}}_j|$")
        ax.grid(True, axis="y", color="#e5e5e5", linewidth=0.8)
        ax.set_axisbelow(True)
    # Above the panels, so that no bar hides behind the legend.
    handles, names = axes[0].get_legend_handles_labels()
    if clipped:
        handles.append(Line2D([], [], linestyle="none", marker="v", color=GREY,
                              markeredgecolor=INK, markeredgewidth=0.6, markersize=7))
        names.append("below $10^{-12}$, drawn at the floor")
    fig.legend(handles, names, loc="outside upper center", ncols=3 if clipped else 2)
    return fig


@house_style
def neuron_gradients(neurons: Sequence[Any], original: Sequence[Any] | None = None) -> Figure:
    """The gradients dC/db^l_j of the first few neurons of each hidden layer, as bars.

    Serves chapter 5's first look at the vanishing gradient: one group of bars per hidden
    layer, left to right, in its own colour, each bar one neuron's dC/db (its error delta),
    up or down from zero. A layer whose bars are short has biases that barely move.

    Parameters
    ----------
    neurons : sequence of sequences of numbers
        ``neurons[l][j]`` is dC/db of neuron j of hidden layer l + 1, as returned by
        :func:`nnbook.studies.gradients.neuron_gradients` (the ``"neurons"`` of chapter 5's speed
        experiments). Layers may have different numbers of bars.
    original : optional sequence of sequences of numbers
        The original book's recorded gradients of the same kind
        (:func:`nnbook.runs.original.initial_gradients`), one list per hidden layer, as many
        layers as ``neurons``. Each layer's group then splits in two: our bars, filled, on the
        left, and the original's, hollow in the same colour, on the right (another network and
        another initialisation: the neurons do not correspond one to one).
    """
    layers = _gradient_layers(neurons, "neurons")
    theirs = None if original is None else _gradient_layers(original, "original")
    if theirs is not None and len(theirs) != len(layers):
        raise ValueError(f"original must have one list of gradients per hidden layer of neurons "
                         f"({len(layers)}); got {len(theirs)}")

    fig = new_figure(6.5, 3.0 if theirs is None else 3.4)
    ax = fig.add_subplot()
    groups = [(layers, 0.0, 0.8, True)] if theirs is None else [(layers, -0.21, 0.4, True),
                                                                 (theirs, 0.21, 0.4, False)]
    for bars, centre, span, filled in groups:
        width = span / max(grads.size for grads in bars)
        for l, grads in enumerate(bars):
            xs = l + centre + (np.arange(grads.size) - (grads.size - 1) / 2) * width
            colour = PALETTE[l % len(PALETTE)]
            ax.bar(xs, grads, width=0.85 * width, color=colour if filled else "white",
                   edgecolor=colour, linewidth=0 if filled else 1.3)
    if theirs is not None:
        # under the axes, where it cannot cover a bar
        fig.legend(handles=[Patch(facecolor=GREY, label="ours"),
                            Patch(facecolor="white", edgecolor=GREY, linewidth=1.3,
                                  label="original (2014)")],
                   loc="outside lower center", ncols=2)
    ax.axhline(0.0, color=INK, linewidth=0.8)
    ax.set_xticks(range(len(layers)), [f"hidden layer {l + 1}" for l in range(len(layers))])
    ax.set_xlim(-0.5, len(layers) - 0.5)
    ax.set_ylabel(r"$\partial C / \partial b^l_j$")
    light_grid(ax, "y")
    return fig


def _gradient_layers(neurons: Any, name: str) -> list[np.ndarray]:
    """``neurons`` (one list of gradients per hidden layer) as 1-D arrays, or a ValueError."""
    if isinstance(neurons, (str, bytes)) or not isinstance(neurons, Sequence) or not neurons:
        raise ValueError(f"{name} must be a non-empty list with one list of gradients per "
                         f"hidden layer; got {neurons!r}")
    return [check_values(grads, f"{name}[{l}]", "gradients dC/db, one per neuron")
            for l, grads in enumerate(neurons)]


@house_style
def interval_width(ws: Sequence[float], widths: Sequence[float],
                   best: tuple[float, float] | None = None) -> Figure:
    """The width of the interval of inputs a where |w sigma'(wa + b)| >= 1, against |w|.

    Serves chapter 5's problem on the window of inputs that avoids a vanishing gradient: the
    width is 0 for |w| < 4, rises to a maximum below one half and falls again. The widths are
    computed by :func:`nnbook.studies.gradients.width`, the widest point by
    :func:`nnbook.studies.gradients.max_width`.

    Parameters
    ----------
    ws : sequence of non-negative numbers, increasing
        The weights |w|; the x axis runs from 0 to the last of them.
    widths : sequence of non-negative numbers, one per weight
    best : optional (|w|, width)
        A point to mark with a dot, its legend giving both numbers ("widest: 0.450 at
        |w| = 6.91").
    """
    ws = check_values(ws, "ws", "weights |w|")
    widths = check_values(widths, "widths", "interval widths")
    if widths.size != ws.size:
        raise ValueError(f"widths must have one entry per weight in ws ({ws.size}); "
                         f"got {widths.size}")
    if ws.min() < 0 or np.any(np.diff(ws) <= 0) or ws[-1] == 0:
        raise ValueError(f"ws must be increasing weights |w| >= 0 ending above 0; got values "
                         f"from {ws[0]:g} to {ws[-1]:g}")
    if widths.min() < 0:
        raise ValueError(f"widths must be non-negative; got {widths.min():g}")
    if best is not None:
        try:
            w_best, width_best = best
        except (TypeError, ValueError):
            raise ValueError(f"best must be a pair (|w|, width); got {best!r}") from None
        w_best, width_best = check_finite(w_best, "best[0]"), check_finite(width_best, "best[1]")

    fig = new_figure(6.5, 3.2)
    ax = fig.add_subplot()
    ax.plot(ws, widths, color=PALETTE[0])
    if best is not None:
        ax.plot([w_best], [width_best], "o", color=PALETTE[1],
                label=f"widest: {width_best:.3f} at $|w| = {w_best:.2f}$")
        ax.legend(loc="upper right")
    ax.set_xlabel("$|w|$")
    ax.set_ylabel("width of the interval of $a$")
    ax.set_xlim(0, ws[-1])
    ax.set_ylim(bottom=0)
    light_grid(ax)
    return fig
