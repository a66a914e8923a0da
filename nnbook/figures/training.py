"""How well networks learn: accuracies and costs epoch by epoch, accuracies side by side, a single
neuron learning, and accuracy against the size of the training set.

Chapter 1's runs and its comparison of classifiers; chapter 3's learning curves (overfitting,
regularization, initialisation, learning rates, early stopping, momentum), its single neuron
learning with the quadratic and the cross-entropy cost, and its accuracy against the number of
training images; chapter 5's deeper networks. Accuracies are passed as fractions in [0, 1] and
drawn in percent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogFormatter, MaxNLocator

from nnbook.figures.style import (INK, PALETTE, check_finite, check_fraction, check_integer,
                                  check_mapping, check_positive, check_values, house_style,
                                  light_grid, new_figure, percent_ticks)

__all__ = ["accuracy_by_epoch", "accuracy_bars", "curves", "neuron_learning", "accuracy_vs_size",
           "ORIGINAL_LABEL"]

ORIGINAL_LABEL = "original (2014)"
"""The legend's name for a curve drawn from the original book's recorded results."""

# How the original's curves are drawn: dashed and thinner than ours, in the colour of the curve of
# ours they belong to, so that the pair reads as one setting and the two runs stay apart.
_ORIGINAL_STYLE = {"linestyle": (0, (4, 2)), "linewidth": 1.3, "alpha": 0.9, "zorder": 2}


def _check_original(original: Any, series: Mapping[str, Any]) -> Mapping[str, Any]:
    """``original`` as a mapping whose labels are all labels of ``series``, or a ValueError."""
    original = check_mapping(original, "original", "label -> the original's values")
    unknown = [label for label in original if label not in series]
    if unknown:
        raise ValueError(
            f"original must use the labels of series, each drawn beside the curve of ours it "
            f"belongs to; got {unknown!r}, not among {list(series)!r}")
    return original


def _original_handle() -> Line2D:
    """One legend entry for all of the original's curves: a dashed line in the ink colour."""
    return Line2D([], [], color=INK, label=f"dashed: {ORIGINAL_LABEL}",
                  **{k: v for k, v in _ORIGINAL_STYLE.items() if k != "zorder"})


def _legend(fig: Figure, ax: Axes, extra: list[Any] | None = None, under: bool = False) -> None:
    """The legend: in the axes where it is short; under them, off the curves, from 4 entries
    (or if ``under``, as for curves drawn beside the original's, which fill the axes)."""
    handles, labels = ax.get_legend_handles_labels()
    for handle in extra or []:
        handles.append(handle)
        labels.append(handle.get_label())
    if under or len(handles) >= 4:
        fig.legend(handles, labels, loc="outside lower center", ncols=2)
    else:
        ax.legend(handles, labels, loc="best")


# --------------------------------------------------------------------------------------------
# Accuracies, by epoch and side by side
# --------------------------------------------------------------------------------------------

def _percent(fraction: float) -> str:
    """0.95423 -> '95.42 %'."""
    return f"{100 * fraction:.2f} %"


def _as_runs(label: str, runs: Any) -> list[np.ndarray]:
    """Validate one entry of ``curves``: a non-empty list of runs of fractions."""
    try:
        runs = [np.asarray(run, dtype=float) for run in runs]
    except (TypeError, ValueError):
        raise ValueError(
            f"curves[{label!r}] must be a list of runs, each a list of per-epoch accuracies; "
            f"got {runs!r}"
        ) from None
    if not runs or any(run.ndim != 1 or run.size == 0 for run in runs):
        raise ValueError(
            f"curves[{label!r}] must be a non-empty list of runs, each a non-empty list of "
            "per-epoch accuracies (wrap a single run in a list: {label: [run]})"
        )
    for run in runs:
        if not np.all(np.isfinite(run)) or run.min() < 0 or run.max() > 1:
            raise ValueError(
                f"curves[{label!r}] must hold accuracies as fractions in [0, 1] "
                f"(0.9542, not 95.42); got values from {run.min():g} to {run.max():g}"
            )
    return runs


def _reference_lines(ax: Axes, reference: Mapping[str, Any], percent: bool = True,
                     positive: bool = False,
                     colours: Mapping[str, str] | None = None) -> list[float]:
    """Dashed horizontal lines at numbers to compare against, labelled for the legend.

    With ``percent`` the numbers are fractions (such as the original book's accuracies), drawn
    at 100 times their value and labelled e.g. "original: 95.42 %"; otherwise they are drawn as
    given (positive ones only, if ``positive``: for a logarithmic axis) and labelled "name: 0.32".
    A reference whose label contains a key of ``colours`` is drawn in that colour (the colour of
    the curve it belongs to), the others in the ink colour. Returns the heights drawn.
    """
    heights = []
    styles = ("--", ":", "-.")
    for i, (label, value) in enumerate(reference.items()):
        name = f"reference[{label!r}]"
        if percent:
            fraction = check_fraction(value, name)
            y, text = 100 * fraction, _percent(fraction)
        else:
            y = check_positive(value, name) if positive else check_finite(value, name)
            text = f"{y:.4g}"
        colour = next((c for key, c in (colours or {}).items() if str(key) in str(label)), INK)
        ax.axhline(y, color=colour, linewidth=1.4, linestyle=styles[i % len(styles)],
                   label=f"{label}: {text}")
        heights.append(y)
    return heights


@house_style
def accuracy_by_epoch(curves: Mapping[str, Any], reference: Mapping[str, Any] | None = None,
                      ylim: tuple[float, float] | None = None,
                      title: str | None = None) -> Figure:
    """Accuracy (in percent) after each epoch, for one or more settings and several runs each.

    Serves chapter 1's experiments ([784, 30, 10] and [784, 100, 10], eta = 3.0, best of three
    runs) and later chapters' learning curves.

    Parameters
    ----------
    curves : mapping label -> list of runs
        Each run is a sequence of per-epoch accuracies as fractions in [0, 1]; epoch 1 is the
        accuracy after the first epoch. All runs of a label share one colour; the best run (the
        highest peak) is drawn thick and named in the legend, the others thin.
    reference : optional mapping label -> fraction
        Numbers to compare against, such as the original book's, drawn as dashed horizontal
        lines whose legend entry reads e.g. "original: 95.42 %". A reference whose label
        contains a curve's label ("original, [784, 30, 10]") is drawn in that curve's colour.
        Unless ``ylim`` is given, the axis leaves room above the highest line, so that lines
        near the top stay apart from the frame and from each other.
    ylim : optional (low, high) in percent
    title : optional str
    """
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError(
            f"curves must be a non-empty mapping label -> list of runs; got {curves!r}")
    if reference is not None and not isinstance(reference, Mapping):
        raise ValueError(f"reference must be a mapping label -> fraction; got {reference!r}")
    if ylim is not None and (len(ylim) != 2 or not ylim[0] < ylim[1]):
        raise ValueError(f"ylim must be (low, high) in percent with low < high; got {ylim!r}")

    fig = new_figure(6.5, 3.8)
    ax = fig.add_subplot()
    epochs_max = 1
    colours = {}
    lowest, highest = 100.0, 0.0
    for i, (label, runs) in enumerate(curves.items()):
        runs = _as_runs(label, runs)
        lowest = min(lowest, *(100 * run.min() for run in runs))
        highest = max(highest, *(100 * run.max() for run in runs))
        epochs_max = max(epochs_max, *(run.size for run in runs))
        colour = colours[label] = PALETTE[i % len(PALETTE)]
        best = int(np.argmax([run.max() for run in runs]))
        for r, run in enumerate(runs):
            epochs = np.arange(1, run.size + 1)
            if r == best:
                name = label if len(runs) == 1 else f"{label} (best of {len(runs)} runs)"
                ax.plot(epochs, 100 * run, color=colour, linewidth=2.2, label=name, zorder=3)
            else:
                ax.plot(epochs, 100 * run, color=colour, linewidth=0.9, alpha=0.55, zorder=2)
    if reference:
        heights = _reference_lines(ax, reference, colours=colours)
        lowest, highest = min(lowest, *heights), max(highest, *heights)

    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (%)")
    ax.set_xlim(1, max(epochs_max, 2))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if ylim is not None:
        ax.set_ylim(*ylim)
    else:  # a tenth of the range as headroom above the highest curve or line
        span = max(highest - lowest, 1.0)
        ax.set_ylim(lowest - 0.05 * span, highest + 0.1 * span)
    if title:
        ax.set_title(title)
    ax.grid(True, color="#e5e5e5", linewidth=0.8)
    _legend(fig, ax)
    return fig


@house_style
def accuracy_bars(ours: Mapping[str, Any], reference: Mapping[str, Any] | None = None) -> Figure:
    """Horizontal bars of accuracies in percent, ours beside the original book's where given.

    Serves chapter 1's comparison of classifiers (random guessing, average darkness, the SVM,
    the network) and the reproduction report. Bars are listed top to bottom in the order given;
    a label found only in ``reference`` gets only the original's bar. Each bar is annotated
    with its value to two decimals.

    Parameters
    ----------
    ours : mapping label -> fraction in [0, 1]
    reference : optional mapping label -> fraction in [0, 1]
    """
    if not isinstance(ours, Mapping) or not ours:
        raise ValueError(f"ours must be a non-empty mapping label -> fraction; got {ours!r}")
    if reference is not None and not isinstance(reference, Mapping):
        raise ValueError(f"reference must be a mapping label -> fraction; got {reference!r}")
    ours = {label: check_fraction(v, f"ours[{label!r}]") for label, v in ours.items()}
    reference = {label: check_fraction(v, f"reference[{label!r}]")
                 for label, v in (reference or {}).items()}
    labels = list(ours) + [label for label in reference if label not in ours]

    paired = bool(reference)
    height = 0.38 if paired else 0.6
    fig = new_figure(6.5, 0.9 + len(labels) * (0.75 if paired else 0.45))
    ax = fig.add_subplot()
    rows = np.arange(len(labels))
    # (legend name, values, bar colour, colour of a value written inside the bar, offset)
    series = [("ours", ours, PALETTE[0], "white", -height / 2 if paired else 0.0)]
    if paired:
        series.append(("original", reference, "#c4c4c4", INK, height / 2))
    for name, values, colour, ink, offset in series:
        present = [i for i, label in enumerate(labels) if label in values]
        widths = [100 * values[labels[i]] for i in present]
        bars = ax.barh(rows[present] + offset, widths, height=height, color=colour, label=name)
        for bar, width in zip(bars, widths):
            inside = width > 20
            ax.text(width - 1 if inside else width + 1, bar.get_y() + bar.get_height() / 2,
                    f"{width:.2f} %", ha="right" if inside else "left", va="center",
                    fontsize=10, color=ink if inside else INK)
    ax.set_yticks(rows, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("accuracy (%)")
    ax.tick_params(axis="y", length=0)
    ax.grid(True, axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    if paired:
        fig.legend(loc="outside lower center", ncols=2)
    return fig


# --------------------------------------------------------------------------------------------
# Per-epoch curves, a single neuron learning, and the size of the training set
# --------------------------------------------------------------------------------------------

class _PlainLogFormatter(LogFormatter):
    """Log-axis ticks as plain numbers (0.6, not 6e-01), on the ticks LogFormatter labels."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return f"{x:g}" if super().__call__(x, pos) else ""


@house_style
def curves(series: Mapping[str, Any], *, start: int = 1, xlabel: str = "epoch",
           ylabel: str = "", percent: bool = False, logy: bool = False,
           reference: Mapping[str, Any] | None = None, title: str | None = None,
           original: Mapping[str, Any] | None = None,
           original_start: int | None = None) -> Figure:
    """One or more per-epoch curves (costs or accuracies) on one axes.

    Serves chapter 3's overfitting, regularization, initialisation and learning-rate figures:
    the training cost, the test accuracy, the test cost and the training accuracy of a run,
    one curve or several overlaid.

    Parameters
    ----------
    series : mapping label -> list of per-epoch values
        Entry i of each list is drawn at x = ``start + i``, each series in its own colour.
    start : int
        The epoch of every list's first entry: passing ``history.training_cost[200:]`` with
        ``start=201`` draws epochs 201 to 400 (nnbook's histories record epoch 1 first).
    xlabel, ylabel : str
        The axes' labels. With a single series, no reference and no ``ylabel``, the series'
        label becomes the y label and no legend is drawn; otherwise a legend names every curve.
    percent : bool
        The values (and the reference values) are fractions in [0, 1], drawn as percentages
        with ticks such as "85 %".
    logy : bool
        A logarithmic y axis; every value must then be positive.
    reference : optional mapping label -> value
        Numbers to compare against (fractions if ``percent``), drawn as dashed horizontal lines
        whose legend entry gives the value, e.g. "original: 82.27 %".
    title : optional str
    original : optional mapping label -> list of per-epoch values
        The original book's recorded curves (:mod:`nnbook.runs.original`), each under the label
        of the curve of ours it belongs to, drawn dashed and thinner in that curve's colour, in
        full even where ours is shorter. With one series the legend calls it "original (2014)";
        with several, one entry "dashed: original (2014)" stands for all of them.
    original_start : optional int
        The epoch of the first entry of each of the original's lists; ``start`` by default.
    """
    series = check_mapping(series, "series", "label -> list of per-epoch values")
    start = check_integer(start, "start")
    if reference is not None:
        check_mapping(reference, "reference", "label -> value")
    if original is not None:
        original = _check_original(original, series)
    original_start = start if original_start is None else check_integer(original_start,
                                                                         "original_start")

    def checked(values: Any, name: str) -> np.ndarray:
        values = check_values(values, name, "per-epoch values")
        if percent:
            for value in (values.min(), values.max()):
                check_fraction(value, name + " values")
            values = 100 * values
        if logy and values.min() <= 0:
            raise ValueError(f"{name} must be positive for a logarithmic axis (logy=True); "
                             f"got a smallest value of {values.min():g}")
        return values

    fig = new_figure(6.5, 3.8)
    ax = fig.add_subplot()
    last = start
    first = start
    for i, (label, values) in enumerate(series.items()):
        values = checked(values, f"series[{label!r}]")
        epochs = start + np.arange(values.size)
        last = max(last, int(epochs[-1]))
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(epochs, values, color=colour, label=str(label), zorder=3)
        if original and label in original:
            theirs = checked(original[label], f"original[{label!r}]")
            epochs = original_start + np.arange(theirs.size)
            first, last = min(first, original_start), max(last, int(epochs[-1]))
            name = ORIGINAL_LABEL if len(series) == 1 else f"_{label}, {ORIGINAL_LABEL}"
            ax.plot(epochs, theirs, color=colour, label=name, **_ORIGINAL_STYLE)
    if reference:
        _reference_lines(ax, reference, percent=percent, positive=logy)

    if logy:
        ax.set_yscale("log")
        # plain numbers (0.6, not 6 x 10^-1), and the minor ticks labelled too when the curves
        # span less than a decade or so, as costs often do
        ax.yaxis.set_major_formatter(_PlainLogFormatter(labelOnlyBase=False))
        ax.yaxis.set_minor_formatter(_PlainLogFormatter(labelOnlyBase=False,
                                                        minor_thresholds=(2, 0.5)))
    if percent:
        percent_ticks(ax)
    ax.set_xlim(first, max(last, first + 1))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    if len(series) == 1 and not reference and not original and not ylabel:
        ax.set_ylabel(str(next(iter(series))))
    else:
        ax.set_ylabel(ylabel)
        several = bool(original) and len(series) > 1
        _legend(fig, ax, [_original_handle()] if several else None, under=several)
    if title:
        ax.set_title(title)
    light_grid(ax)
    return fig


@house_style
def neuron_learning(outputs: Sequence[float], costs: Sequence[float], *,
                    title: str | None = None) -> Figure:
    """A single neuron learning: its output (left) and its cost (right) after each epoch.

    Serves chapter 3's opening experiment, in place of the original's animations: one sigmoid
    neuron with one input, x = 1, trained by gradient descent to output 0, with the quadratic
    or the cross-entropy cost. Started from a badly wrong output, its quadratic cost stays flat
    for many epochs (the neuron is saturated); the cross-entropy cost falls at once.

    Parameters
    ----------
    outputs, costs : sequences of the same length
        Entry i is the neuron's output (in [0, 1]) and its cost after i gradient steps, drawn at
        epoch i: entry 0 is the starting point, before any step.
    title : optional str
        Written above both panels (e.g. "quadratic cost, w = b = 2").
    """
    outputs = check_values(outputs, "outputs", "outputs, one per epoch")
    costs = check_values(costs, "costs", "costs, one per epoch")
    if outputs.size != costs.size:
        raise ValueError(f"outputs and costs must have one entry per epoch each; got "
                         f"{outputs.size} outputs and {costs.size} costs")
    if outputs.min() < 0 or outputs.max() > 1:
        raise ValueError(f"outputs must be a sigmoid neuron's outputs, in [0, 1]; got values "
                         f"from {outputs.min():g} to {outputs.max():g}")
    if costs.min() < 0:
        raise ValueError(f"costs must be non-negative; got {costs.min():g}")

    fig = new_figure(7.5, 3.2)
    out_ax, cost_ax = fig.subplots(1, 2)
    epochs = np.arange(outputs.size)
    out_ax.plot(epochs, outputs, color=PALETTE[0])
    out_ax.set_ylim(0, 1)
    out_ax.set_ylabel("output $a$")
    cost_ax.plot(epochs, costs, color=PALETTE[1])
    cost_ax.set_ylim(0, max(1.05 * costs.max(), 1e-3))
    cost_ax.set_ylabel("cost $C$")
    for ax in (out_ax, cost_ax):
        ax.set_xlabel("epoch")
        ax.set_xlim(0, max(epochs[-1], 1))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        light_grid(ax)
    if title:
        fig.suptitle(title)
    return fig


def _thousands(value: float, _: Any = None) -> str:
    """A tick for a count of images: 50000 -> '50,000'."""
    return f"{value:,.0f}"


@house_style
def accuracy_vs_size(series: Mapping[str, Any], *, logx: bool = False,
                     reference: Mapping[str, Any] | None = None,
                     original: Mapping[str, Any] | None = None) -> Figure:
    """Accuracy (in percent) against the number of training images, one curve per classifier.

    Serves chapter 3's "Artificially expanding the training data": the network trained on 100
    to 50,000 images (the original's ``more_data.png``, and ``more_data_log.png`` with
    ``logx=True``), and beside it the SVM (``more_data_comparison.png``).

    Parameters
    ----------
    series : mapping label -> list of (n_train, accuracy) pairs
        n_train a positive number of images, accuracy a fraction in [0, 1]. Each curve is drawn
        through its points in order of n_train, with a dot at each.
    logx : bool
        A logarithmic x axis, on which the original's curve is still rising at 50,000.
    reference : optional mapping label -> fraction
        Accuracies to compare against, drawn as dashed horizontal lines ("label: 94.48 %").
    original : optional mapping label -> list of (n_train, accuracy) pairs
        The original book's recorded sweep (:func:`nnbook.runs.original.data_size_sweep`), each
        under the label of the curve of ours it belongs to, drawn dashed with hollow dots in
        that curve's colour and named "label, original (2014)" in the legend.
    """
    series = check_mapping(series, "series", "label -> list of (n_train, accuracy) pairs")
    if reference is not None:
        check_mapping(reference, "reference", "label -> fraction")
    if original is not None:
        original = _check_original(original, series)

    def points(pairs: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
        try:
            array = np.asarray(pairs, dtype=float)
        except (TypeError, ValueError):
            array = np.empty((0,))
        if array.ndim != 2 or array.shape[1] != 2 or array.shape[0] == 0:
            raise ValueError(f"{name} must be a non-empty list of (n_train, accuracy) pairs; "
                             f"got {pairs!r}")
        sizes = np.array([check_positive(n, f"{name} training-set sizes") for n in array[:, 0]])
        accuracies = np.array([check_fraction(a, f"{name} accuracies") for a in array[:, 1]])
        order = np.argsort(sizes, kind="stable")
        return sizes[order], 100 * accuracies[order]

    fig = new_figure(6.5, 3.8)
    ax = fig.add_subplot()
    for i, (label, pairs) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(*points(pairs, f"series[{label!r}]"), "o-", color=colour, markersize=5,
                label=str(label), zorder=3)
        if original and label in original:
            ax.plot(*points(original[label], f"original[{label!r}]"), marker="o", markersize=5,
                    markerfacecolor="white", color=colour, label=f"{label}, {ORIGINAL_LABEL}",
                    **_ORIGINAL_STYLE)
    if reference:
        _reference_lines(ax, reference)
    if logx:
        ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.set_xlabel("training images")
    ax.set_ylabel("accuracy")
    percent_ticks(ax)
    if len(ax.get_legend_handles_labels()[0]) >= 4:
        fig.legend(loc="outside lower center", ncols=2)
    else:
        ax.legend(loc="lower right")
    light_grid(ax)
    return fig
