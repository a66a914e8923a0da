"""Data figures for the chapter pages: digits, activation functions, the cost valley, accuracies,
and chapter 2's look at backpropagation: the errors of each neuron and how long a gradient takes.

Every function returns a new :class:`matplotlib.figure.Figure` built directly (not through
pyplot), so nothing is registered globally: a page shows the figure it gets back exactly once,
and the figure is freed when the page drops it. Nothing is shown, printed or saved here.

All figures share one house style (:data:`_RC`): an opaque white background with dark text, so
they read the same in the site's light and dark themes, and fonts of at least 10 pt at the
size a page displays them (about 700 px wide). The style is applied only while a figure is
being built, whatever the reader's own matplotlib settings are.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from scipy.special import expit

from nnbook.speed import fit_power_law

__all__ = [
    "digits",
    "digit_parts",
    "sigmoid_and_step",
    "valley",
    "accuracy_by_epoch",
    "accuracy_bars",
    "neuron_errors",
    "minibatch_speedup",
    "gradient_cost",
]

# --------------------------------------------------------------------------------------------
# House style, shared with nnbook.diagrams
# --------------------------------------------------------------------------------------------

INK = "#222222"  # text and outlines: dark on the opaque white background
GREY = "#888888"
# Okabe & Ito's colour-blind-safe palette (without its yellow, too pale on white).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

_RC: dict[str, Any] = {
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


def _house_style(function: F) -> F:
    """Build the figure under the house style, then restore the caller's matplotlib settings."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with matplotlib.rc_context(_RC):
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _new_figure(width: float, height: float, layout: str | None = "constrained") -> Figure:
    """A figure of ``width`` x ``height`` inches with an opaque white background."""
    return Figure(figsize=(width, height), facecolor="white", layout=layout)


def _as_fraction(value: Any, name: str) -> float:
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


def _percent(fraction: float) -> str:
    """0.95423 -> '95.42 %'."""
    return f"{100 * fraction:.2f} %"


# --------------------------------------------------------------------------------------------
# MNIST digits
# --------------------------------------------------------------------------------------------

def _as_images(images: Any, name: str = "images") -> np.ndarray:
    """``images`` as an (n, 784) float array with values in [0, 1], or a ValueError."""
    array = np.asarray(images, dtype=float)
    if array.ndim == 1:
        array = array[np.newaxis, :]
    if array.ndim != 2 or array.shape[1] != 784 or array.shape[0] == 0:
        raise ValueError(
            f"{name} must have shape (n, 784) or (784,), one flattened 28x28 digit per row; "
            f"got shape {np.shape(images)}"
        )
    if not np.all(np.isfinite(array)) or array.min() < 0 or array.max() > 1:
        raise ValueError(
            f"{name} must hold pixel values in [0, 1] (0 white, 1 black); "
            f"got values from {np.nanmin(array):g} to {np.nanmax(array):g}"
        )
    return array


def _show_digit(ax: Axes, pixels: np.ndarray, frame: bool = False) -> None:
    """Draw 784 pixels as a 28x28 digit, 0 white and 1 black, without ticks."""
    ax.imshow(pixels.reshape(28, 28), cmap="gray_r", vmin=0.0, vmax=1.0,
              interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(frame)
        spine.set_color("#aaaaaa")


@_house_style
def digits(images: Any, labels: Sequence[Any] | None = None, ncols: int = 10,
           scale: float = 1.0) -> Figure:
    """A grid of MNIST digits, one axes per digit, read left to right and top to bottom.

    Serves chapter 1's opening digits ("504192"), its 10 x 10 sample of training digits, the
    "2 and 1" of the darkness baseline and the hard digits the network gets wrong.

    Parameters
    ----------
    images : array of shape (n, 784), or (784,) for a single digit
        Pixel intensities in [0, 1], drawn with 0 white and 1 black, as the book encodes them.
    labels : optional sequence of n labels (str or int)
        Written small above each digit (e.g. the true class, or "true 4, net 9").
    ncols : int
        Digits per row (fewer if there are fewer digits).
    scale : float
        Multiplies the figure size; each digit is about 0.7 inch across at ``scale=1``.
    """
    images = _as_images(images)
    n = images.shape[0]
    if labels is not None:
        labels = list(labels)
        if len(labels) != n:
            raise ValueError(f"labels must have one entry per image ({n}); got {len(labels)}")
    if isinstance(ncols, bool) or not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer; got {ncols!r}")
    if not scale > 0:
        raise ValueError(f"scale must be positive; got {scale!r}")

    ncols = min(int(ncols), n)
    nrows = math.ceil(n / ncols)
    # Layout in inches: each digit is `side` across, in a cell wide enough for its label
    # (about 0.08 inch per character at 10 pt) and with room above for the label's lines.
    side = 0.7 * scale
    texts = [str(label).split("\n") for label in labels] if labels is not None else [[""]]
    longest = max(len(line) for lines in texts for line in lines)
    cell = max(side, 0.08 * longest + 0.1) + 0.06
    room = 0.05 + 0.19 * max(len(lines) for lines in texts) if labels is not None else 0.06
    width, height = ncols * cell, nrows * (side + room)
    fig = _new_figure(width, height, layout=None)
    for i in range(n):
        row, col = divmod(i, ncols)
        left = col * cell + (cell - side) / 2
        bottom = height - (row + 1) * (side + room)
        ax = fig.add_axes((left / width, bottom / height, side / width, side / height))
        _show_digit(ax, images[i])
        if labels is not None:
            ax.set_title(str(labels[i]), fontsize=10, pad=3)
    return fig


@_house_style
def digit_parts(image: Any) -> Figure:
    """One digit beside its four quarters, each kept in place on an otherwise blank canvas.

    Serves chapter 1's argument for a hidden layer: a hidden neuron might detect one part of a
    digit (say its top-left quarter), and the output neuron for "0" could fire when the neurons
    for all four parts do.
    """
    pixels = _as_images(image, name="image")
    if pixels.shape[0] != 1:
        raise ValueError(f"image must be one digit of shape (784,); got shape {np.shape(image)}")
    square = pixels[0].reshape(28, 28)

    fig = _new_figure(6.0, 3.3)
    grid = fig.add_gridspec(2, 3, width_ratios=(2, 1, 1))
    whole = fig.add_subplot(grid[:, 0])
    _show_digit(whole, square, frame=True)
    whole.set_title("the whole digit")
    quarters = {"top left": (0, 0), "top right": (0, 1),
                "bottom left": (1, 0), "bottom right": (1, 1)}
    for name, (row, col) in quarters.items():
        part = np.zeros_like(square)
        rows = slice(14 * row, 14 * row + 14)
        cols = slice(14 * col, 14 * col + 14)
        part[rows, cols] = square[rows, cols]
        ax = fig.add_subplot(grid[row, 1 + col])
        _show_digit(ax, part, frame=True)
        ax.set_title(name, fontsize=10)
    return fig


# --------------------------------------------------------------------------------------------
# Functions of one and two variables
# --------------------------------------------------------------------------------------------

@_house_style
def sigmoid_and_step() -> Figure:
    """The sigmoid sigma(z) = 1 / (1 + e^-z) beside the step function of a perceptron.

    Serves chapter 1's "Sigmoid neurons": the sigmoid is a smoothed-out step, so a sigmoid neuron
    behaves like a perceptron when |z| is large and changes its output gradually in between.
    The step outputs 0 for z <= 0 and 1 for z > 0 (filled dot: the value at z = 0).
    """
    z = np.linspace(-5.0, 5.0, 401)
    fig = _new_figure(7.0, 3.0)
    sig_ax, step_ax = fig.subplots(1, 2, sharey=True)

    sig_ax.plot(z, expit(z), color=PALETTE[0])
    sig_ax.set_title("sigmoid function")
    sig_ax.set_ylabel(r"$\sigma(z)$")

    step_ax.plot([-5.0, 0.0], [0.0, 0.0], color=PALETTE[0], solid_capstyle="butt")
    step_ax.plot([0.0, 5.0], [1.0, 1.0], color=PALETTE[0], solid_capstyle="butt")
    step_ax.plot([0.0], [0.0], "o", color=PALETTE[0], markersize=6)
    step_ax.plot([0.0], [1.0], "o", color=PALETTE[0], markerfacecolor="white", markersize=6)
    step_ax.set_title("step function")
    step_ax.set_ylabel("output")
    step_ax.yaxis.set_tick_params(labelleft=True)

    for ax in (sig_ax, step_ax):
        ax.set_xlabel("$z$")
        ax.set_xlim(-5, 5)
        ax.set_ylim(-0.08, 1.08)
        ax.set_yticks([0, 0.5, 1])
        ax.axhline(0.5, color="#dddddd", linewidth=0.8, zorder=0)
        ax.axvline(0.0, color="#dddddd", linewidth=0.8, zorder=0)
    return fig


@_house_style
def valley(ball: bool = False) -> Figure:
    """The cost surface C(v1, v2) = v1^2 + v2^2 as a 3-D valley.

    Serves chapter 1's "Learning with gradient descent". With ``ball=True`` a ball sits on the
    slope and an arrow shows one gradient-descent step, Delta v = -eta grad C (here eta = 0.3,
    so the ball covers 60 % of the way to the bottom), labelled with the formula.
    """
    v = np.linspace(-1.0, 1.0, 41)
    v1, v2 = np.meshgrid(v, v)
    fig = _new_figure(5.6, 4.2, layout=None)
    ax = fig.add_subplot(projection="3d", computed_zorder=False)
    fig.subplots_adjust(left=0.0, right=0.97, bottom=0.03, top=1.03)
    ax.plot_surface(v1, v2, v1**2 + v2**2, cmap="viridis", rstride=2, cstride=2,
                    linewidth=0.3, edgecolor="#ffffff55", alpha=0.9, zorder=1)
    ax.set_xlabel("$v_1$")
    ax.set_ylabel("$v_2$")
    ax.set_zlabel("$C$")
    ax.set_xticks([-1, 0, 1])
    ax.set_yticks([-1, 0, 1])
    ax.set_zticks([0, 1, 2])
    ax.view_init(elev=28, azim=-60)

    if ball:
        eta = 0.3
        start = np.array([-0.8, -0.45])  # on the left wall, so the step runs across the page
        end = start - eta * 2 * start  # grad C = (2 v1, 2 v2)
        lift = 0.06  # draw the ball and arrow a little above the surface so they stay visible
        z0, z1 = start @ start + lift, end @ end + lift
        ax.quiver(start[0], start[1], z0, *(end - start), z1 - z0, color=PALETTE[1],
                  linewidth=2.5, arrow_length_ratio=0.3, zorder=3)
        ax.scatter([start[0]], [start[1]], [z0], s=220, color=PALETTE[1],
                   edgecolors=INK, depthshade=False, zorder=4)
        ax.text(start[0], start[1], z0 + 0.35, r"$\Delta v = -\eta \nabla C$", color=INK,
                fontsize=12, zorder=5, bbox={"facecolor": "white", "edgecolor": "none",
                                             "alpha": 0.8, "pad": 1.5})
    return fig


# --------------------------------------------------------------------------------------------
# Accuracies
# --------------------------------------------------------------------------------------------

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


def _reference_lines(ax: Axes, reference: Mapping[str, Any]) -> None:
    """Dashed horizontal lines at the original book's accuracies, labelled for the legend."""
    styles = ("--", ":", "-.")
    for i, (label, value) in enumerate(reference.items()):
        fraction = _as_fraction(value, f"reference[{label!r}]")
        ax.axhline(100 * fraction, color=INK, linewidth=1.2, linestyle=styles[i % len(styles)],
                   label=f"{label}: {_percent(fraction)}")


@_house_style
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
        lines whose legend entry reads e.g. "original: 95.42 %".
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

    fig = _new_figure(6.5, 3.8)
    ax = fig.add_subplot()
    epochs_max = 1
    for i, (label, runs) in enumerate(curves.items()):
        runs = _as_runs(label, runs)
        epochs_max = max(epochs_max, *(run.size for run in runs))
        colour = PALETTE[i % len(PALETTE)]
        best = int(np.argmax([run.max() for run in runs]))
        for r, run in enumerate(runs):
            epochs = np.arange(1, run.size + 1)
            if r == best:
                name = label if len(runs) == 1 else f"{label} (best of {len(runs)} runs)"
                ax.plot(epochs, 100 * run, color=colour, linewidth=2.2, label=name, zorder=3)
            else:
                ax.plot(epochs, 100 * run, color=colour, linewidth=0.9, alpha=0.55, zorder=2)
    if reference:
        _reference_lines(ax, reference)

    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (%)")
    ax.set_xlim(1, max(epochs_max, 2))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    ax.grid(True, color="#e5e5e5", linewidth=0.8)
    ax.legend(loc="best")
    return fig


@_house_style
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
    ours = {label: _as_fraction(v, f"ours[{label!r}]") for label, v in ours.items()}
    reference = {label: _as_fraction(v, f"reference[{label!r}]")
                 for label, v in (reference or {}).items()}
    labels = list(ours) + [label for label in reference if label not in ours]

    paired = bool(reference)
    height = 0.38 if paired else 0.6
    fig = _new_figure(6.5, 0.9 + len(labels) * (0.75 if paired else 0.45))
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
# Backpropagation: its errors and its speed (chapter 2)
# --------------------------------------------------------------------------------------------

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


@_house_style
def neuron_errors(before: Sequence[Any], after: Sequence[Any],
                  labels: Sequence[str] = ("fresh network", "trained network"),
                  first_layer: int = 2) -> Figure:
    """The size |delta^l_j| of the error of every neuron, layer by layer, before and after training.

    Serves chapter 2's "A look inside": for one training image, the errors backpropagation
    computes in a freshly initialised network (orange) and in a trained one (blue), one bar
    pair per neuron and one panel per layer, on logarithmic axes from 1e-12 up, because the
    errors of a single layer range over many orders of magnitude. Errors smaller than 1e-12
    (those of strongly saturated neurons) fall below the axis and show no bar.

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
    fig = _new_figure(7.5, 0.6 + 2.2 * len(before))
    axes = fig.subplots(len(before), 1, squeeze=False)[:, 0]
    for i, ax in enumerate(axes):
        layer = first_layer + i
        j = np.arange(before[i].size)
        for shift, label, deltas, colour in [(-0.2, labels[0], before, PALETTE[1]),
                                             (0.2, labels[1], after, PALETTE[0])]:
            ax.bar(j + shift, np.abs(deltas[i]), width=0.4, color=colour,
                   label=label if i == 0 else None)
        ax.set_yscale("log")
        ax.set_ylim(1e-12, top)
        ax.set_xticks(j[::2] if j.size > 10 else j)
        ax.set_xlim(-0.7, j.size - 0.3)
        ax.set_xlabel(f"neuron $j$ of layer {layer}")
        ax.set_ylabel(rf"$|\delta^{{{layer}}}_j|$")
        ax.grid(True, axis="y", color="#e5e5e5", linewidth=0.8)
        ax.set_axisbelow(True)
    # Above the panels, so that no bar hides behind the legend.
    fig.legend(loc="outside upper center", ncols=2)
    return fig


def _positive(value: Any, name: str) -> float:
    """``value`` as a finite positive float, or a ValueError naming ``name``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be a finite positive number; got {value!r}")
    return number


def _as_rows(rows: Any, at_least: int = 1) -> list[Any]:
    """``rows`` as a list of at least ``at_least`` measurements, or a ValueError."""
    if (isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Sequence)
            or len(rows) < at_least):
        raise ValueError(
            f"rows must be a list of at least {at_least} row(s), one dict per measurement; "
            f"got {rows!r}"
        )
    return list(rows)


def _column(rows: list[Any], key: str) -> np.ndarray:
    """The positive numbers ``row[key]`` of every row, or a ValueError naming the bad entry."""
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping) or key not in row:
            raise ValueError(f"rows[{i}] must be a mapping with a {key!r} entry; got {row!r}")
    return np.array([_positive(row[key], f"rows[{i}][{key!r}]") for i, row in enumerate(rows)])


@_house_style
def minibatch_speedup(rows: Sequence[Mapping[str, Any]],
                      reference: Mapping[str, Any] | None = None) -> Figure:
    """How many times faster the matrix form of backprop is than a loop, against the batch size.

    Serves chapter 2's problem on a fully matrix-based backpropagation: the rows of
    :func:`nnbook.speed.minibatch_speedup` drawn as a curve on a logarithmic axis of mini-batch
    sizes (each size a labelled tick), with a thin grey line at 1 (no speed-up).

    Parameters
    ----------
    rows : list of dicts
        Each with ``"mini_batch_size"`` and ``"speedup"`` (loop time / matrix time), both
        positive; drawn in the order given.
    reference : optional mapping label -> speed-up
        Speed-ups to compare against, such as the original's, drawn as dashed horizontal lines
        whose legend entry reads e.g. "original, m = 10: about 2× as fast".
    """
    rows = _as_rows(rows)
    sizes = _column(rows, "mini_batch_size")
    speedups = _column(rows, "speedup")
    if reference is not None and not isinstance(reference, Mapping):
        raise ValueError(f"reference must be a mapping label -> speed-up; got {reference!r}")
    reference = {label: _positive(value, f"reference[{label!r}]")
                 for label, value in (reference or {}).items()}

    fig = _new_figure(6.5, 3.6)
    ax = fig.add_subplot()
    ax.plot(sizes, speedups, "o-", color=PALETTE[0], label="ours: loop time / matrix time")
    styles = ("--", ":", "-.")
    for i, (label, value) in enumerate(reference.items()):
        ax.axhline(value, color=INK, linewidth=1.5, linestyle=styles[i % len(styles)],
                   label=f"{label}: about {value:g}× as fast")
    ax.axhline(1, color=GREY, linewidth=0.8)
    ax.set_xscale("log")
    ax.set_xticks(sizes, [f"{m:g}" for m in sizes])
    ax.set_xlabel("mini-batch size m")
    ax.set_ylabel("speed-up of the matrix form")
    ax.set_ylim(bottom=0)
    ax.grid(True, color="#e5e5e5", linewidth=0.8)
    ax.legend(loc="center right")
    return fig


@_house_style
def gradient_cost(rows: Sequence[Mapping[str, Any]]) -> Figure:
    """Seconds per gradient, by finite differences and by backpropagation, on log-log axes.

    Serves chapter 2's "In what sense is backpropagation a fast algorithm?": the rows of
    :func:`nnbook.speed.gradient_cost`, one point per network, against its number of weights
    and biases P. Through each method's points runs the power law time = c P^s fitted by
    :func:`nnbook.speed.fit_power_law` (the fit the experiment ``ch2.gradient_cost`` reports),
    and the legend gives each exponent s: about 2 for finite differences, 1 for backprop.

    Parameters
    ----------
    rows : list of at least two dicts
        Each with ``"parameters"``, ``"backprop_seconds"`` and ``"finite_difference_seconds"``,
        all positive.
    """
    rows = _as_rows(rows, at_least=2)
    params = _column(rows, "parameters")
    if np.unique(params).size < 2:
        raise ValueError(
            f"rows must hold networks of at least two different sizes, to fit a power law; "
            f"got parameters {params.tolist()}"
        )
    fig = _new_figure(6.5, 4.0)
    ax = fig.add_subplot()
    for key, name, colour in [("finite_difference_seconds", "finite differences", PALETTE[1]),
                              ("backprop_seconds", "backpropagation", PALETTE[0])]:
        seconds = _column(rows, key)
        slope, intercept = fit_power_law(params, seconds)
        ax.plot(params, seconds, "o", color=colour,
                label=rf"{name}: time $\propto P^{{{slope:.2f}}}$")
        ax.plot(params, np.exp(intercept) * params**slope, "-", color=colour, linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of weights and biases P")
    ax.set_ylabel("seconds per gradient")
    ax.grid(True, which="major", color="#e5e5e5", linewidth=0.8)
    ax.legend(loc="center right")
    return fig
