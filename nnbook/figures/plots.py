"""Data figures for the chapter pages: digits, activation functions, the cost valley, accuracies,
chapter 2's look at backpropagation (the errors of each neuron and how long a gradient takes),
chapter 3's learning curves, softmax outputs, overfitted fits, Gaussians and rotated digits, and
chapter 5's sigma', gradients of single neurons and widths of the window of inputs.

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
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogFormatter, MaxNLocator
from numpy.polynomial import Polynomial
from scipy.special import expit, softmax

from nnbook.activations import get as _activation
from nnbook.studies.speed import fit_power_law

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
    "curves",
    "neuron_learning",
    "softmax_bars",
    "polynomial_fit",
    "gaussians",
    "activations",
    "accuracy_vs_size",
    "digit_rotation",
    "sigma_prime",
    "neuron_gradients",
    "interval_width",
]

# --------------------------------------------------------------------------------------------
# House style, shared with nnbook.figures.diagrams
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


def _finite(value: Any, name: str, positive: bool = False) -> float:
    """``value`` as a finite (and, if asked, positive) float, or a ValueError naming ``name``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or (positive and number <= 0):
        kind = "a finite positive number" if positive else "a finite number"
        raise ValueError(f"{name} must be {kind}; got {value!r}")
    return number


def _positive(value: Any, name: str) -> float:
    """``value`` as a finite positive float, or a ValueError naming ``name``."""
    return _finite(value, name, positive=True)


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


def _reference_lines(ax: Axes, reference: Mapping[str, Any], percent: bool = True,
                     positive: bool = False) -> None:
    """Dashed horizontal lines at numbers to compare against, labelled for the legend.

    With ``percent`` the numbers are fractions (such as the original book's accuracies), drawn
    at 100 times their value and labelled e.g. "original: 95.42 %"; otherwise they are drawn as
    given (positive ones only, if ``positive``: for a logarithmic axis) and labelled "name: 0.32".
    """
    styles = ("--", ":", "-.")
    for i, (label, value) in enumerate(reference.items()):
        name = f"reference[{label!r}]"
        if percent:
            fraction = _as_fraction(value, name)
            y, text = 100 * fraction, _percent(fraction)
        else:
            y = _positive(value, name) if positive else _finite(value, name)
            text = f"{y:.4g}"
        ax.axhline(y, color=INK, linewidth=1.2, linestyle=styles[i % len(styles)],
                   label=f"{label}: {text}")


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
    :func:`nnbook.studies.speed.minibatch_speedup` drawn as a curve on a logarithmic axis of mini-batch
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
    :func:`nnbook.studies.speed.gradient_cost`, one point per network, against its number of weights
    and biases P. Through each method's points runs the power law time = c P^s fitted by
    :func:`nnbook.studies.speed.fit_power_law` (the fit the experiment ``ch2.gradient_cost`` reports),
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


# --------------------------------------------------------------------------------------------
# Chapter 3: learning curves, softmax, overfitting, initialisation, other neurons
# --------------------------------------------------------------------------------------------

def _mapping(value: Any, name: str, what: str) -> Mapping[Any, Any]:
    """``value`` if it is a non-empty mapping, or a ValueError naming ``name``."""
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f"{name} must be a non-empty mapping {what}; got {value!r}")
    return value


def _integer(value: Any, name: str, minimum: int | None = None) -> int:
    """``value`` as an int (at least ``minimum``), or a ValueError naming ``name``."""
    if (isinstance(value, bool) or not isinstance(value, (int, np.integer))
            or (minimum is not None and value < minimum)):
        at_least = "" if minimum is None else f" >= {minimum}"
        raise ValueError(f"{name} must be an integer{at_least}; got {value!r}")
    return int(value)


def _values(values: Any, name: str, what: str = "numbers") -> np.ndarray:
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


def _percent_ticks(ax: Axes) -> None:
    """Write the y axis's ticks as percentages: 85 -> '85 %'."""
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g} %"))


def _light_grid(ax: Axes, axis: str = "both") -> None:
    """The faint grid of the house style, behind the data."""
    ax.grid(True, axis=axis, color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)


class _PlainLogFormatter(LogFormatter):
    """Log-axis ticks as plain numbers (0.6, not 6e-01), on the ticks LogFormatter labels."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return f"{x:g}" if super().__call__(x, pos) else ""


@_house_style
def curves(series: Mapping[str, Any], *, start: int = 1, xlabel: str = "epoch",
           ylabel: str = "", percent: bool = False, logy: bool = False,
           reference: Mapping[str, Any] | None = None, title: str | None = None) -> Figure:
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
    """
    series = _mapping(series, "series", "label -> list of per-epoch values")
    start = _integer(start, "start")
    if reference is not None:
        _mapping(reference, "reference", "label -> value")

    fig = _new_figure(6.5, 3.8)
    ax = fig.add_subplot()
    last = start
    for i, (label, values) in enumerate(series.items()):
        name = f"series[{label!r}]"
        values = _values(values, name, "per-epoch values")
        if percent:
            for value in (values.min(), values.max()):
                _as_fraction(value, name + " values")
            values = 100 * values
        if logy and values.min() <= 0:
            raise ValueError(f"{name} must be positive for a logarithmic axis (logy=True); "
                             f"got a smallest value of {values.min():g}")
        epochs = start + np.arange(values.size)
        last = max(last, int(epochs[-1]))
        ax.plot(epochs, values, color=PALETTE[i % len(PALETTE)], label=str(label))
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
        _percent_ticks(ax)
    ax.set_xlim(start, max(last, start + 1))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    if len(series) == 1 and not reference and not ylabel:
        ax.set_ylabel(str(next(iter(series))))
    else:
        ax.set_ylabel(ylabel)
        ax.legend(loc="best")
    if title:
        ax.set_title(title)
    _light_grid(ax)
    return fig


@_house_style
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
    outputs = _values(outputs, "outputs", "outputs, one per epoch")
    costs = _values(costs, "costs", "costs, one per epoch")
    if outputs.size != costs.size:
        raise ValueError(f"outputs and costs must have one entry per epoch each; got "
                         f"{outputs.size} outputs and {costs.size} costs")
    if outputs.min() < 0 or outputs.max() > 1:
        raise ValueError(f"outputs must be a sigmoid neuron's outputs, in [0, 1]; got values "
                         f"from {outputs.min():g} to {outputs.max():g}")
    if costs.min() < 0:
        raise ValueError(f"costs must be non-negative; got {costs.min():g}")

    fig = _new_figure(7.5, 3.2)
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
        _light_grid(ax)
    if title:
        fig.suptitle(title)
    return fig


@_house_style
def softmax_bars(z: Sequence[float]) -> Figure:
    """The outputs a_j = e^{z_j} / sum_k e^{z_k} of a softmax layer, as bars in percent.

    Serves chapter 3's "Softmax", in place of the original's sliders: each bar is one output,
    labelled with its value, and its weighted input z_j is written under it. The bars always
    add up to 100 %, however the z_j are chosen (the original starts from z = (2.5, -1, 3.2,
    0.5)); a page can draw the layer again after changing one z_j.
    """
    z = _values(z, "z", "weighted inputs")
    a = softmax(z)
    j = np.arange(1, z.size + 1)
    fig = _new_figure(max(4.5, 1.0 + 1.1 * z.size), 3.4)
    ax = fig.add_subplot()
    bars = ax.bar(j, 100 * a, width=0.6, color=PALETTE[0])
    for bar, value in zip(bars, 100 * a):
        ax.text(bar.get_x() + bar.get_width() / 2, value + 2, f"{value:.1f} %", ha="center",
                va="bottom", fontsize=10)
    ax.set_xticks(j, [f"$z_{{{i}}} = {value:.3g}$" for i, value in zip(j, z)])
    ax.set_xlim(0.4, z.size + 0.6)
    ax.set_ylim(0, 112)
    ax.set_yticks(range(0, 101, 25))
    _percent_ticks(ax)
    ax.set_ylabel("softmax output $a_j$")
    ax.tick_params(axis="x", length=0)
    _light_grid(ax, axis="y")
    return fig


@_house_style
def polynomial_fit(x: Sequence[float], y: Sequence[float], degree: int = 9) -> Figure:
    """Two models of the same points: a polynomial through them, and the best straight line.

    Serves chapter 3's "Overfitting and regularization" (the original's ``#polynomial_fit``
    and ``#linear_fit``): with ``degree = n - 1`` for n points (9 for the book's 10), the
    polynomial passes exactly through every point yet swings wildly between them; the
    least-squares line y = cx + d misses them slightly but may well generalise better. One
    figure with two panels side by side, sharing the y axis: the polynomial on the left, the
    line (its equation in the panel's title) on the right.

    Parameters
    ----------
    x, y : sequences of n finite numbers, with distinct x
    degree : int
        The polynomial's degree, from 1 to n - 1; it is fitted by least squares, so it passes
        through every point when ``degree = n - 1``. Off the points, the polynomial may leave
        the panel: the y axis spans the points, not the curve.
    """
    x = _values(x, "x", "x coordinates")
    y = _values(y, "y", "y coordinates")
    if x.size != y.size:
        raise ValueError(f"x and y must have one entry per point each; got {x.size} x and "
                         f"{y.size} y values")
    if x.size < 2 or np.unique(x).size != x.size:
        raise ValueError(f"x must hold at least two distinct values, one per point; got {x}")
    degree = _integer(degree, "degree", minimum=1)
    if degree > x.size - 1:
        raise ValueError(f"degree must be at most {x.size - 1} (one less than the number of "
                         f"points) for {x.size} points; got {degree}")

    poly = Polynomial.fit(x, y, degree)
    slope, intercept = np.polyfit(x, y, 1)
    pad = 0.06 * np.ptp(x)
    grid = np.union1d(np.linspace(x.min() - pad, x.max() + pad, 600), x)
    low, high = y.min(), y.max()
    margin = 0.25 * (high - low) if high > low else 1.0

    fig = _new_figure(7.5, 3.4)
    poly_ax, line_ax = fig.subplots(1, 2, sharey=True)
    exact = "through every point" if degree == x.size - 1 else "fitted by least squares"
    poly_ax.plot(grid, poly(grid), color=PALETTE[1])
    poly_ax.set_title(f"degree-{degree} polynomial\n{exact}")
    line_ax.plot(grid, slope * grid + intercept, color=PALETTE[0])
    sign = "-" if intercept < 0 else "+"
    equation = f"$y = {slope:.2f}x {sign} {abs(intercept):.2f}$"
    line_ax.set_title(f"least-squares straight line\n{equation}")
    for ax in (poly_ax, line_ax):
        ax.plot(x, y, "o", color=INK, markersize=6, zorder=3)
        ax.set_xlim(grid[0], grid[-1])
        ax.set_ylim(low - margin, high + margin)
        ax.set_xlabel("$x$")
        _light_grid(ax)
    poly_ax.set_ylabel("$y$")
    line_ax.yaxis.set_tick_params(labelleft=True)
    return fig


@_house_style
def gaussians(stds: Mapping[str, float], *, xlim: float = 30) -> Figure:
    """Normal densities N(0, std^2) on one axes, from -xlim to xlim.

    Serves chapter 3's "Weight initialization": with 500 of 1,000 inputs on and N(0, 1)
    weights and bias, z = sum_j w_j x_j + b has std sqrt(501), about 22.4, a very broad curve
    (the original's ``#wide_gaussian``); with weights N(0, 1/n_in) its std is sqrt(3/2), about
    1.22 (``#narrow_gaussian``).

    The y axis always reaches at least 0.4 (the peak of N(0, 1)), so that a broad curve looks
    flat even when drawn alone, and two figures drawn separately share a scale.

    Parameters
    ----------
    stds : mapping label -> standard deviation (positive)
    xlim : float
        The x axis spans [-xlim, xlim]. Each curve is computed far enough beyond (8 stds) that
        its drawn points hold all of its area.
    """
    stds = _mapping(stds, "stds", "label -> standard deviation")
    stds = {label: _positive(std, f"stds[{label!r}]") for label, std in stds.items()}
    xlim = _positive(xlim, "xlim")

    fig = _new_figure(6.5, 3.4)
    ax = fig.add_subplot()
    peak = 0.0
    for i, (label, std) in enumerate(stds.items()):
        # fine enough both across the visible range and across the curve's own peak
        z = np.union1d(np.linspace(-xlim, xlim, 801), np.linspace(-8 * std, 8 * std, 801))
        density = np.exp(-0.5 * (z / std) ** 2) / (std * math.sqrt(2 * math.pi))
        peak = max(peak, float(density.max()))
        ax.plot(z, density, color=PALETTE[i % len(PALETTE)], label=str(label))
    ax.set_xlim(-xlim, xlim)
    ax.set_ylim(0, max(0.4, 1.08 * peak))
    ax.set_xlabel("$z$")
    ax.set_ylabel("probability density")
    ax.legend(loc="best")
    _light_grid(ax)
    return fig


# name -> (panel title, y label); the functions are nnbook.activations'
_ACTIVATION_PANELS = {
    "sigmoid": ("sigmoid", r"$\sigma(z) = 1/(1 + e^{-z})$"),
    "tanh": ("tanh", r"$\tanh(z)$"),
    "relu": ("rectified linear (ReLU)", r"$\max(0, z)$"),
    "identity": ("identity (linear)", "$z$"),
}


@_house_style
def activations(names: Sequence[str] = ("sigmoid", "tanh", "relu")) -> Figure:
    """Activation functions f(z) for z from -5 to 5, one panel each, side by side.

    Serves chapter 3's "Other models of artificial neuron": the sigmoid, tanh (the same shape
    rescaled to outputs in [-1, 1]: sigma(z) = (1 + tanh(z/2)) / 2) and the rectified linear
    unit max(0, z). Each curve is computed by :mod:`nnbook.activations`, the functions the
    networks use.

    Parameters
    ----------
    names : sequence of str
        Any of "sigmoid", "tanh", "relu" and "identity", in panel order.
    """
    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise ValueError(f"names must be a non-empty list of activation names, e.g. "
                         f"('sigmoid', 'tanh', 'relu'); got {names!r}")
    for name in names:
        if name not in _ACTIVATION_PANELS:
            raise ValueError(f"names must hold only {sorted(_ACTIVATION_PANELS)}; "
                             f"got {name!r}")

    z = np.linspace(-5.0, 5.0, 401)
    fig = _new_figure(0.5 + 2.5 * len(names), 3.0)
    axes = fig.subplots(1, len(names), squeeze=False)[0]
    for ax, name in zip(axes, names):
        title, formula = _ACTIVATION_PANELS[name]
        values = _activation(name).fn(z)
        ax.plot(z, values, color=PALETTE[0])
        ax.set_title(title)
        ax.set_xlabel("$z$")
        ax.set_ylabel(formula)
        ax.set_xlim(-5, 5)
        ax.set_xticks([-4, -2, 0, 2, 4])
        span = values.max() - values.min()
        ax.set_ylim(values.min() - 0.08 * span, values.max() + 0.08 * span)
        ax.axhline(0.0, color="#cccccc", linewidth=0.8, zorder=0)
        ax.axvline(0.0, color="#cccccc", linewidth=0.8, zorder=0)
    return fig


def _thousands(value: float, _: Any = None) -> str:
    """A tick for a count of images: 50000 -> '50,000'."""
    return f"{value:,.0f}"


@_house_style
def accuracy_vs_size(series: Mapping[str, Any], *, logx: bool = False,
                     reference: Mapping[str, Any] | None = None) -> Figure:
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
    """
    series = _mapping(series, "series", "label -> list of (n_train, accuracy) pairs")
    if reference is not None:
        _mapping(reference, "reference", "label -> fraction")

    fig = _new_figure(6.5, 3.8)
    ax = fig.add_subplot()
    for i, (label, pairs) in enumerate(series.items()):
        name = f"series[{label!r}]"
        try:
            points = np.asarray(pairs, dtype=float)
        except (TypeError, ValueError):
            points = np.empty((0,))
        if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] == 0:
            raise ValueError(f"{name} must be a non-empty list of (n_train, accuracy) pairs; "
                             f"got {pairs!r}")
        sizes = [_positive(n, f"{name} training-set sizes") for n in points[:, 0]]
        accuracies = [_as_fraction(a, f"{name} accuracies") for a in points[:, 1]]
        order = np.argsort(sizes, kind="stable")
        ax.plot(np.asarray(sizes)[order], 100 * np.asarray(accuracies)[order], "o-",
                color=PALETTE[i % len(PALETTE)], markersize=5, label=str(label))
    if reference:
        _reference_lines(ax, reference)
    if logx:
        ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.set_xlabel("training images")
    ax.set_ylabel("accuracy")
    _percent_ticks(ax)
    ax.legend(loc="lower right")
    _light_grid(ax)
    return fig


@_house_style
def digit_rotation(image: Any, degrees: float = 15) -> Figure:
    """A digit beside a copy rotated by ``degrees`` (anticlockwise), as in chapter 3.

    Serves "Artificially expanding the training data": the rotated "5" is still a 5, so adding
    such copies to the training set teaches the network what does not change a digit. The copy
    is made by :func:`nnbook.expand.rotate`, the function that expands the data.

    Parameters
    ----------
    image : array of shape (784,) (or (1, 784)), pixel values in [0, 1]
    degrees : float
        The angle, anticlockwise as displayed (negative: clockwise).
    """
    from nnbook.expand import rotate

    pixels = _as_images(image, name="image")
    if pixels.shape[0] != 1:
        raise ValueError(f"image must be one digit of shape (784,); got shape {np.shape(image)}")
    if isinstance(degrees, (bool, np.bool_)) or not isinstance(degrees, numbers.Real):
        raise ValueError(f"degrees must be a finite number; got {degrees!r}")
    degrees = _finite(degrees, "degrees")
    rotated = rotate(pixels, degrees)

    fig = _new_figure(4.2, 2.4)
    before, after = fig.subplots(1, 2)
    _show_digit(before, pixels[0], frame=True)
    before.set_title("original")
    _show_digit(after, rotated[0], frame=True)
    after.set_title(f"rotated by {degrees:g}°")
    return fig


# --------------------------------------------------------------------------------------------
# Chapter 5: the unstable gradient
# --------------------------------------------------------------------------------------------

@_house_style
def sigma_prime() -> Figure:
    """The derivative sigma'(z) = sigma(z)(1 - sigma(z)) of the sigmoid for z from -5 to 5.

    Serves chapter 5's "Why the gradient vanishes": every factor w_j sigma'(z_j) of the
    gradient carries a sigma', which is at most 1/4. The curve is computed by
    :mod:`nnbook.activations`, and so is its largest value, drawn as a dashed line whose legend
    gives that value and where it is reached (0.25 at z = 0, on a grid that contains 0).
    """
    z = np.linspace(-5.0, 5.0, 1001)
    values = _activation("sigmoid").prime(z)
    top = int(np.argmax(values))
    peak, at = float(values[top]), float(z[top]) + 0.0  # + 0.0 turns -0.0 into 0.0

    fig = _new_figure(6.5, 3.2)
    ax = fig.add_subplot()
    ax.plot(z, values, color=PALETTE[0])
    ax.axhline(peak, color=INK, linestyle="--", linewidth=1.0,
               label=f"largest value: {peak:.4g}, at $z = {at:.3g}$")
    ax.set_xlabel("$z$")
    ax.set_ylabel(r"$\sigma'(z)$")
    ax.set_xlim(-5, 5)
    ax.set_ylim(0, 0.3)
    ax.legend(loc="upper right")
    _light_grid(ax)
    return fig


@_house_style
def neuron_gradients(neurons: Sequence[Any]) -> Figure:
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
    """
    if isinstance(neurons, (str, bytes)) or not isinstance(neurons, Sequence) or not neurons:
        raise ValueError(f"neurons must be a non-empty list with one list of gradients per "
                         f"hidden layer; got {neurons!r}")
    layers = [_values(grads, f"neurons[{l}]", "gradients dC/db, one per neuron")
              for l, grads in enumerate(neurons)]

    fig = _new_figure(6.5, 3.0)
    ax = fig.add_subplot()
    width = 0.8 / max(grads.size for grads in layers)
    for l, grads in enumerate(layers):
        xs = l + (np.arange(grads.size) - (grads.size - 1) / 2) * width
        ax.bar(xs, grads, width=0.9 * width, color=PALETTE[l % len(PALETTE)])
    ax.axhline(0.0, color=INK, linewidth=0.8)
    ax.set_xticks(range(len(layers)), [f"hidden layer {l + 1}" for l in range(len(layers))])
    ax.set_xlim(-0.5, len(layers) - 0.5)
    ax.set_ylabel(r"$\partial C / \partial b^l_j$")
    _light_grid(ax, "y")
    return fig


@_house_style
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
    ws = _values(ws, "ws", "weights |w|")
    widths = _values(widths, "widths", "interval widths")
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
        w_best, width_best = _finite(w_best, "best[0]"), _finite(width_best, "best[1]")

    fig = _new_figure(6.5, 3.2)
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
    _light_grid(ax)
    return fig
