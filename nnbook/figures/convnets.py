"""Chapter 6's figures of data: learned filters, misclassified and shifted digits, the progression
of the chapter's networks, validation curves, adversarial examples and what the experiments cost.

Each function takes numbers (accuracies as fractions in [0, 1], drawn in percent; digits as
pixel values in [0, 1], drawn 0 white and 1 black) and returns a new
:class:`matplotlib.figure.Figure` in the house style of :mod:`nnbook.figures.style`. A digit is
a row of 784 pixels, a 28 x 28 array or a (1, 28, 28) image, so a page can pass a network's
inputs as they are. The diagrams of convolution and pooling are in
:mod:`nnbook.figures.convolution`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from nnbook.figures.style import (GREY, INK, PALETTE, check_fraction, check_integer,
                                  check_mapping, check_values, house_style, light_grid,
                                  new_figure, percent_ticks)

__all__ = ["filters", "misclassified", "shifted_copies", "progression", "validation_curves",
           "adversarial", "adversarial_examples", "experiment_costs"]

TRUE, PREDICTED = PALETTE[0], PALETTE[1]  # a digit's label, and the network's (wrong) answer


# --------------------------------------------------------------------------------------------
# Checks and tiles
# --------------------------------------------------------------------------------------------

def _as_images(images: Any, name: str, empty: bool = False) -> np.ndarray:
    """``images`` as an (n, 28, 28) array of pixels in [0, 1], or a ValueError naming ``name``.

    Rows of 784 pixels, (n, 28, 28) and (n, 1, 28, 28) are accepted; n = 0 only if ``empty``.
    """
    try:
        array = np.asarray(images, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of digits; got {images!r}") from None
    if empty and array.size == 0:
        return np.zeros((0, 28, 28))
    if array.ndim == 4 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim == 2 and array.shape[1] == 784:
        array = array.reshape(-1, 28, 28)
    if array.ndim != 3 or array.shape[1:] != (28, 28) or array.shape[0] == 0:
        raise ValueError(f"{name} must be non-empty, with one digit per row: shape (n, 784), "
                         f"(n, 28, 28) or (n, 1, 28, 28); got shape {np.shape(images)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite pixel values in [0, 1]; they hold NaN or "
                         f"infinity")
    if array.min() < 0 or array.max() > 1:
        raise ValueError(f"{name} must hold pixel values in [0, 1] (0 white, 1 black); got "
                         f"values from {array.min():g} to {array.max():g}")
    return array


def _as_image(image: Any, name: str) -> np.ndarray:
    """One digit (784 pixels, 28 x 28 or 1 x 28 x 28) as a 28 x 28 array, or a ValueError."""
    try:
        array = np.asarray(image, dtype=float)
    except (TypeError, ValueError):
        array = np.empty(0)
    if array.shape in ((784,), (28, 28)):
        array = array.reshape(1, 28, 28)
    if array.ndim != 3 or array.shape[0] != 1:
        raise ValueError(f"{name} must be one digit, of shape (784,), (28, 28) or (1, 28, 28); "
                         f"got shape {np.shape(image)}")
    return _as_images(array, name)[0]


def _as_labels(values: Any, n: int, name: str) -> list[str]:
    """``values`` as n labels (integers or strings), written as text, or a ValueError."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise ValueError(f"{name} must be a list of {n} labels; got {values!r}")
    labels = []
    for value in values:
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer, str)):
            raise ValueError(f"{name} must hold integer (or text) labels; got {value!r}")
        labels.append(str(value))
    if len(labels) != n:
        raise ValueError(f"{name} must have one label per image ({n}); got {len(labels)}")
    return labels


def _tiles(n: int, ncols: int, side: float, right: float = 0.06, above: float = 0.06,
           below: float = 0.06, head: float = 0.0, foot: float = 0.0,
           left: float = 0.0) -> tuple[Figure, list[Axes]]:
    """A figure of n square axes, ``side`` inches, ``ncols`` to a row, left to right, top down.

    Each tile has room ``right``, ``above`` and ``below`` it (for its labels); the figure has a
    band of ``head`` inches at the top, ``foot`` at the bottom and ``left`` on the left.
    """
    nrows = -(-n // ncols)
    width, tall = left + ncols * (side + right), above + side + below
    height = head + nrows * tall + foot
    fig = new_figure(width, height, layout=None)
    axes = []
    for i in range(n):
        row, col = divmod(i, ncols)
        x, y = left + col * (side + right), height - head - row * tall - above - side
        axes.append(fig.add_axes((x / width, y / height, side / width, side / height)))
    return fig, axes


def _bare(ax: Axes) -> None:
    """No ticks; a light frame."""
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#aaaaaa")


def _digit(ax: Axes, pixels: np.ndarray) -> None:
    """A 28 x 28 digit, 0 white and 1 black."""
    ax.imshow(pixels, cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest")
    _bare(ax)


# --------------------------------------------------------------------------------------------
# Filters and digits
# --------------------------------------------------------------------------------------------

@house_style
def filters(weights: Any, ncols: int = 10) -> Figure:
    """A convolutional layer's learned filters, each drawn as a small grey image.

    Serves chapter 6's picture of the first layer's 20 filters, the 5 x 5 patterns its feature
    maps detect. Each filter has its own symmetric scale, from white at minus its largest
    absolute weight, through mid-grey at 0, to black at plus it (darker means a more positive
    weight, as in the original); a note under the grid says so. Filters are numbered from 1.

    Parameters
    ----------
    weights : array of shape (n_filters, channels, k, k), or (n_filters, k, k)
        A ConvPoolLayer's ``w``. With one channel, the filters are drawn ``ncols`` to a row;
        with several (the second layer's), one row per filter and one column per input channel,
        on one scale per filter (pass a slice such as ``w[:8]`` to draw fewer).
    ncols : int
        Filters per row, when there is one channel.
    """
    try:
        w = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        w = np.empty(0)
    if w.ndim == 3:
        w = w[:, np.newaxis]
    if w.ndim != 4 or 0 in w.shape or w.shape[2] != w.shape[3]:
        raise ValueError(f"weights must have shape (n_filters, channels, k, k) or "
                         f"(n_filters, k, k), such as (20, 1, 5, 5); got shape {np.shape(weights)}")
    if not np.all(np.isfinite(w)):
        raise ValueError("weights must hold finite numbers; they hold NaN or infinity")
    n, channels = w.shape[:2]
    ncols = check_integer(ncols, "ncols", minimum=1)
    if n * channels > 400 or channels > 20:
        raise ValueError(f"weights must have at most 20 channels and 400 kernels in all, to fit "
                         f"the page; got shape {w.shape} (draw a slice, such as weights[:8])")
    scales = np.abs(w).reshape(n, -1).max(axis=1)
    scales[scales == 0] = 1.0

    if channels == 1:
        ncols = min(ncols, n)
        fig, axes = _tiles(n, ncols, 0.52, right=0.1, above=0.24, foot=0.3)
        kernels = [(i, w[i, 0]) for i in range(n)]
    else:
        side = min(0.4, 6.4 / channels - 0.04)  # at most 6.8 inches wide
        fig, axes = _tiles(n * channels, channels, side, right=0.04, above=0.04, head=0.28,
                           foot=0.3, left=0.35)
        kernels = [(i, w[i, c]) for i in range(n) for c in range(channels)]
    for ax, (i, kernel) in zip(axes, kernels):
        ax.imshow(kernel, cmap="gray_r", vmin=-scales[i], vmax=scales[i], interpolation="nearest")
        _bare(ax)
        if channels == 1:
            ax.set_title(str(i + 1), fontsize=10, pad=2, color="#555555")
    if channels > 1:
        for i in range(n):
            axes[i * channels].set_ylabel(str(i + 1), fontsize=10, rotation=0, labelpad=10,
                                          va="center", color="#555555")
        fig.text(0.5, 1 - 0.05 / fig.get_figheight(), "rows: filters; columns: input channels",
                 ha="center", va="top", fontsize=10)
    fig.text(0.5, 0.04 / fig.get_figheight(), "each filter on its own scale: "
             "white −max |w|, grey 0, black +max |w|", ha="center", va="bottom", fontsize=10,
             color="#555555")
    return fig


MOST_DIGITS = 200


@house_style
def misclassified(images: Any, labels: Sequence[Any], predicted: Sequence[Any],
                  ncols: int = 11) -> Figure:
    """The digits a network gets wrong, each with its true label and the network's answer.

    Serves chapter 6's grid of the test images its best network misclassifies: beside each
    digit, the true label at the top right (blue) and the network's prediction at the bottom
    right (vermilion), as in the original; a legend above the grid says which is which. With no
    images, the figure says there are none.

    Parameters
    ----------
    images : array of n digits, shape (n, 784), (n, 28, 28) or (n, 1, 28, 28); n may be 0
        Pixel values in [0, 1]. At most :data:`MOST_DIGITS`.
    labels, predicted : sequences of n labels (integers or strings)
    ncols : int
        Digits per row (fewer if there are fewer digits).
    """
    ncols = check_integer(ncols, "ncols", minimum=1)
    pixels = _as_images(images, "images", empty=True)
    n = len(pixels)
    labels = _as_labels(labels, n, "labels")
    predicted = _as_labels(predicted, n, "predicted")
    if n > MOST_DIGITS:
        raise ValueError(f"images must be at most {MOST_DIGITS} digits, to fit the page; got {n}")
    if n == 0:
        fig = new_figure(4.0, 0.6, layout=None)
        fig.text(0.5, 0.5, "No misclassified digits.", ha="center", va="center")
        return fig

    ncols = min(ncols, n)
    fig, axes = _tiles(n, ncols, 0.42, right=0.2, above=0.04, below=0.06, head=0.42)
    for ax, pixels_i, label, guess in zip(axes, pixels, labels, predicted):
        _digit(ax, pixels_i)
        ax.text(1.04, 1.0, label, transform=ax.transAxes, ha="left", va="top", fontsize=10,
                color=TRUE, gid="true")
        ax.text(1.04, 0.0, guess, transform=ax.transAxes, ha="left", va="bottom", fontsize=10,
                color=PREDICTED, gid="predicted")
    handles = [Line2D([], [], linestyle="none", marker="$7$", markersize=9, color=TRUE,
                      label="true label (top right)"),
               Line2D([], [], linestyle="none", marker="$9$", markersize=9, color=PREDICTED,
                      label="network's answer (bottom right)")]
    fig.legend(handles=handles, loc="upper center", ncols=2, frameon=False, fontsize=10,
               bbox_to_anchor=(0.5, 1.0), handletextpad=0.2, columnspacing=1.2,
               borderaxespad=0.2)
    return fig


@house_style
def shifted_copies(image: Any, shifted: Mapping[str, Any] | Sequence[tuple[str, Any]]) -> Figure:
    """A digit beside copies of it shifted by a pixel, each titled by its shift.

    Serves chapter 6's "expanding the training data": the 50,000 training digits are each
    shifted one pixel up, down, left and right. A dashed box around the original's ink (its
    non-zero pixels) is drawn in the same place on every panel, so the one-pixel shifts show.

    Parameters
    ----------
    image : one digit, shape (784,), (28, 28) or (1, 28, 28), pixels in [0, 1]
    shifted : mapping title -> digit, or a sequence of (title, digit) pairs
        The copies, 1 to 8, in the order given, e.g. ``{"up": ..., "down": ..., "left": ...,
        "right": ...}`` (made by :func:`nnbook.expand.shift`).
    """
    original = _as_image(image, "image")
    pairs = list(shifted.items()) if isinstance(shifted, Mapping) else shifted
    try:
        pairs = [(str(title), copy) for title, copy in pairs]
    except (TypeError, ValueError):
        pairs = []
    if not 1 <= len(pairs) <= 8:
        raise ValueError(f"shifted must be a mapping title -> digit, or a list of (title, digit) "
                         f"pairs, with 1 to 8 copies; got {shifted!r}")
    copies = [(title, _as_image(copy, f"shifted[{title!r}]")) for title, copy in pairs]

    fig, axes = _tiles(1 + len(copies), 1 + len(copies), 1.0, right=0.15, above=0.32)
    ink = np.argwhere(original > 0)
    for ax, (title, pixels) in zip(axes, [("original", original), *copies]):
        _digit(ax, pixels)
        ax.set_title(title, fontsize=11, pad=4)
        if ink.size:
            (r0, c0), (r1, c1) = ink.min(axis=0), ink.max(axis=0)
            ax.add_patch(Rectangle(
                (c0 - 0.5, r0 - 0.5), c1 - c0 + 1, r1 - r0 + 1, fill=False, edgecolor=PALETTE[1],
                linewidth=1.0, linestyle=(0, (3, 2)), gid="ink"))
    return fig


# --------------------------------------------------------------------------------------------
# Accuracies
# --------------------------------------------------------------------------------------------

def _fractions(values: Any, name: str) -> np.ndarray:
    """``values`` as a non-empty 1-D array of fractions in [0, 1], or a ValueError."""
    array = check_values(values, name, "accuracies (fractions in [0, 1])")
    if array.min() < 0 or array.max() > 1:
        raise ValueError(f"{name} must hold accuracies as fractions in [0, 1] (0.9542, not "
                         f"95.42); got values from {array.min():g} to {array.max():g}")
    return array


_NICE = (0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5, 10, 20, 30, 50, 100)
_FINE = tuple(sorted(_NICE + (0.04, 0.07, 0.15, 0.4, 0.7, 1.5, 4, 7, 15, 40, 70)))


@house_style
def progression(names: Sequence[str], ours: Mapping[str, Any], original: Mapping[str, Any],
                labels: Sequence[str] | None = None) -> Figure:
    """The chapter's progression: each network's test error, ours beside the original's.

    Serves chapter 6's summary of its experiments, from the fully connected baseline (about
    2.2 % error) to the ensemble (about 0.33 %). For each experiment, left to right: a hollow
    dot per run of ours, a filled dot for our best run (the lowest error) and a diamond for the
    original's reported value. The error rate, 100 (1 - accuracy) %, is drawn on a logarithmic
    axis, so the small errors at the end spread out as much as the big ones at the start.

    Parameters
    ----------
    names : sequence of str
        The experiments, in the order drawn; each a key of ``ours``.
    ours : mapping name -> list of test accuracies (fractions), one per run
    original : mapping name -> the original's accuracy (a fraction), or None
        Names missing here, or mapped to None, get no diamond.
    labels : optional sequence of str
        What to write under each experiment (default: its name).
    """
    if isinstance(names, (str, bytes)) or not isinstance(names, Sequence) or not names:
        raise ValueError(f"names must be a non-empty list of experiment names; got {names!r}")
    names = list(names)
    if len(set(names)) != len(names):
        raise ValueError(f"names must not repeat a name; got {names!r}")
    ours = check_mapping(ours, "ours", "name -> list of accuracies")
    if not isinstance(original, Mapping):
        raise ValueError(f"original must be a mapping name -> accuracy or None; got {original!r}")
    if labels is not None and (isinstance(labels, str) or len(labels) != len(names)):
        raise ValueError(f"labels must give one label per name ({len(names)}); got {labels!r}")
    runs, theirs = [], {}
    for i, name in enumerate(names):
        if name not in ours:
            raise ValueError(f"ours must have an entry for every name; {name!r} is missing")
        runs.append(_fractions(ours[name], f"ours[{name!r}]"))
        if original.get(name) is not None:
            theirs[i] = check_fraction(original[name], f"original[{name!r}]")
    errors = [100 * (1 - r) for r in runs]
    every = np.concatenate(errors + [100 * (1 - np.array(list(theirs.values())))])
    if every.min() <= 0:
        raise ValueError("ours and original must hold accuracies below 1: the error rate "
                         "(1 - accuracy) is drawn on a logarithmic axis")

    fig = new_figure(6.5, 4.0)
    ax = fig.add_subplot()
    for i, error in enumerate(errors):
        spread = np.linspace(-0.07, 0.07, error.size) if error.size > 1 else np.zeros(1)
        ax.plot(i - 0.12 + spread, error, "o", markersize=5, markerfacecolor="white",
                markeredgecolor=TRUE, markeredgewidth=1.0, alpha=0.8, zorder=3,
                label="ours (each run)" if i == 0 else None)
    x = np.arange(len(names))
    ax.plot(x - 0.12, [e.min() for e in errors], "o-", color=TRUE, markersize=8,
            markeredgecolor=INK, markeredgewidth=0.8, linewidth=1.0, zorder=4,
            label="ours (best)")
    if theirs:
        at = sorted(theirs)
        ax.plot(np.array(at) + 0.12, [100 * (1 - theirs[i]) for i in at], "D--",
                color=PREDICTED, markersize=7, linewidth=1.0, zorder=4, label="original")
    ax.set_yscale("log")
    low, high = every.min() / 1.25, every.max() * 1.25
    ax.set_ylim(low, high)
    ticks = [t for t in (_FINE if high / low < 12 else _NICE) if low <= t <= high]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g} %"))
    shown = [str(label) for label in (labels if labels is not None else names)]
    tilt = len(names) > 8 or max(len(s) for s in shown) > 6
    ax.set_xticks(x, shown, rotation=35 if tilt else 0, ha="right" if tilt else "center",
                  rotation_mode="anchor")
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.set_ylabel("test error (log scale)")
    light_grid(ax, "y")
    ax.legend(loc="upper right")
    return fig


@house_style
def validation_curves(curves: Mapping[str, Any], marks: Mapping[str, Any] | None = None,
                      title: str | None = None) -> Figure:
    """Validation accuracy (in percent) after each epoch, one line per network.

    Serves chapter 6's learning curves, such as the sigmoid and tanh networks side by side.
    The y axis is zoomed onto the curves: from a little below the 5th percentile of all the
    points (the first epochs' low accuracies may fall below it) to a little above the best.

    Parameters
    ----------
    curves : mapping label -> list of per-epoch validation accuracies (fractions in [0, 1])
        Entry i of a list is drawn at epoch i + 1.
    marks : optional mapping label -> epoch
        A dotted vertical line, in the curve's colour and labelled, at that epoch of that
        curve (say, epoch 20 of the tanh network).
    title : optional str
    """
    curves = check_mapping(curves, "curves", "label -> list of per-epoch accuracies")
    series = {label: _fractions(values, f"curves[{label!r}]") for label, values in curves.items()}
    if marks is not None:
        marks = check_mapping(marks, "marks", "label -> epoch")
        for label, epoch in marks.items():
            if label not in series:
                raise ValueError(f"marks must name curves; {label!r} is not one of "
                                 f"{list(series)}")
            check_integer(epoch, f"marks[{label!r}]", minimum=1)
            if epoch > series[label].size:
                raise ValueError(f"marks[{label!r}] must be an epoch of that curve, from 1 to "
                                 f"{series[label].size}; got {epoch!r}")

    fig = new_figure(6.5, 3.8)
    ax = fig.add_subplot()
    colours = {}
    styles = ("-", "--", ":")  # a new line style each time the palette comes round again
    for i, (label, values) in enumerate(series.items()):
        colours[label] = PALETTE[i % len(PALETTE)]
        # short curves get a marker at every epoch, so that a one-epoch run still shows
        ax.plot(np.arange(1, values.size + 1), 100 * values, color=colours[label],
                linestyle=styles[(i // len(PALETTE)) % len(styles)],
                marker="o" if values.size <= 10 else None, markersize=4, label=str(label))
    points = 100 * np.concatenate(list(series.values()))
    low, high = float(np.percentile(points, 5)), float(points.max())
    span = max(high - low, 0.5)
    ax.set_ylim(max(0.0, low - 0.1 * span), min(100.0, high + 0.15 * span))
    for label, epoch in (marks or {}).items():
        ax.axvline(epoch, color=colours[label], linestyle=":", linewidth=1.6, gid="mark")
        ax.text(epoch, 0.03, f" epoch {epoch}", transform=ax.get_xaxis_transform(),
                color=colours[label], fontsize=10, ha="left", va="bottom",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    longest = max(values.size for values in series.values())
    ax.set_xlim(1, max(longest, 2))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy")
    percent_ticks(ax)
    light_grid(ax)
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# Adversarial examples
# --------------------------------------------------------------------------------------------

@house_style
def adversarial(epsilons: Sequence[float], accuracies: Mapping[str, Any]) -> Figure:
    """Test accuracy (in percent) against the size of a perturbation of every pixel.

    Serves chapter 6's adversarial examples: a fast-gradient-sign perturbation of size epsilon
    (each pixel moved by +-epsilon, in the direction that raises the cost) against random signs
    of the same size, to show that the attack does far more harm than noise. A dotted line
    marks chance, 10 %.

    Parameters
    ----------
    epsilons : increasing sequence of non-negative numbers
        The perturbation sizes, in pixel units (pixels are in [0, 1]), e.g. 0 to 0.3.
    accuracies : mapping label -> list of accuracies (fractions), one per epsilon
        e.g. ``{"fast-gradient sign": [...], "random sign noise": [...]}``.
    """
    eps = check_values(epsilons, "epsilons", "perturbation sizes")
    if eps.min() < 0 or np.any(np.diff(eps) <= 0):
        raise ValueError(f"epsilons must be non-negative and increasing; got {epsilons!r}")
    accuracies = check_mapping(accuracies, "accuracies", "label -> list of accuracies")

    fig = new_figure(6.5, 3.8)
    ax = fig.add_subplot()
    for i, (label, values) in enumerate(accuracies.items()):
        values = _fractions(values, f"accuracies[{label!r}]")
        if values.size != eps.size:
            raise ValueError(f"accuracies[{label!r}] must have one accuracy per epsilon "
                             f"({eps.size}); got {values.size}")
        ax.plot(eps, 100 * values, "o-", markersize=5, color=PALETTE[i % len(PALETTE)],
                label=str(label))
    ax.axhline(10, color=GREY, linestyle=":", linewidth=1.4, label="chance: 10 %")
    span = eps[-1] - eps[0] if eps.size > 1 else 0.1
    ax.set_xlim(eps[0] - 0.03 * span, eps[-1] + 0.03 * span)
    ax.set_ylim(0, 103)
    ax.set_xlabel("perturbation size ε (pixels are in [0, 1])")
    ax.set_ylabel("test accuracy")
    percent_ticks(ax)
    light_grid(ax)
    ax.legend(loc="best")
    return fig


MOST_EXAMPLES = 8


@house_style
def adversarial_examples(images: Any, perturbed: Any, labels: Sequence[Any],
                         predicted_before: Sequence[Any],
                         predicted_after: Sequence[Any]) -> Figure:
    """Digits before and after an adversarial perturbation, with the network's answers.

    Serves chapter 6's adversarial examples: one column per example, the original digit on top
    (titled with its label) and the perturbed digit below; under each, the network's answer
    ("net: 7"), in vermilion and marked "✗ wrong" when it differs from the label.

    Parameters
    ----------
    images, perturbed : arrays of n digits each, shape (n, 784), (n, 28, 28) or (n, 1, 28, 28)
        Pixel values in [0, 1] (clip the perturbed digits); 1 to :data:`MOST_EXAMPLES` digits.
    labels, predicted_before, predicted_after : sequences of n labels
    """
    before = _as_images(images, "images")
    after = _as_images(perturbed, "perturbed")
    n = len(before)
    if len(after) != n:
        raise ValueError(f"perturbed must have one digit per image ({n}); got {len(after)}")
    if n > MOST_EXAMPLES:
        raise ValueError(f"images must be at most {MOST_EXAMPLES} examples, to fit the page; "
                         f"got {n}")
    labels = _as_labels(labels, n, "labels")
    answers = [_as_labels(predicted_before, n, "predicted_before"),
               _as_labels(predicted_after, n, "predicted_after")]

    fig, axes = _tiles(2 * n, n, 0.66, right=0.16, above=0.26, below=0.4, left=0.45)
    for col in range(n):
        top, bottom = axes[col], axes[n + col]
        top.set_title(f"label {labels[col]}", fontsize=10, pad=3)
        for row, (ax, pixels) in enumerate(((top, before[col]), (bottom, after[col]))):
            _digit(ax, pixels)
            answer = answers[row][col]
            wrong = answer != labels[col]
            ax.set_xlabel(f"net: {answer}" + ("\n✗ wrong" if wrong else ""), fontsize=10,
                          color=PREDICTED if wrong else INK, labelpad=3, linespacing=1.1,
                          va="top")
    for ax, name in ((axes[0], "original"), (axes[n], "perturbed")):
        ax.set_ylabel(name, fontsize=11, labelpad=8)
    return fig


# --------------------------------------------------------------------------------------------
# What the experiments cost
# --------------------------------------------------------------------------------------------

@house_style
def experiment_costs(names: Sequence[str], seconds_per_epoch: Sequence[float],
                     core_hours: Sequence[float]) -> Figure:
    """Two bar charts: each experiment's seconds per epoch, and the core-hours of all its runs.

    Serves chapter 6's account of what reproducing it costs. Experiments are listed top to
    bottom in the order given; each bar is annotated with its value.

    Parameters
    ----------
    names : sequence of str
    seconds_per_epoch, core_hours : sequences of non-negative numbers, one per name
    """
    if isinstance(names, (str, bytes)) or not isinstance(names, Sequence) or not names:
        raise ValueError(f"names must be a non-empty list of experiment names; got {names!r}")
    names = [str(name) for name in names]
    panels = []
    for values, name, unit, colour in ((seconds_per_epoch, "seconds_per_epoch", "s", PALETTE[0]),
                                       (core_hours, "core_hours", "h", PALETTE[2])):
        array = check_values(values, name, "non-negative numbers, one per name")
        if array.size != len(names) or array.min() < 0:
            raise ValueError(f"{name} must be {len(names)} non-negative numbers, one per name; "
                             f"got {values!r}")
        panels.append((array, unit, colour))

    fig = new_figure(6.6, 0.95 + 0.34 * len(names))
    axes = fig.subplots(1, 2, sharey=True)
    rows = np.arange(len(names))
    titles = ("seconds per epoch", "core-hours, all runs")
    for ax, (values, unit, colour), title in zip(axes, panels, titles):
        ax.barh(rows, values, height=0.6, color=colour)
        top = values.max() or 1.0
        for y, value in zip(rows, values):
            ax.text(value + 0.02 * top, y, f"{value:.3g} {unit}", va="center", ha="left",
                    fontsize=10)
        ax.set_xlim(0, 1.38 * top)
        ax.set_title(title, fontsize=11)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3))
        light_grid(ax, "x")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[0].set_yticks(rows, names)
    axes[0].invert_yaxis()
    axes[0].tick_params(axis="y", length=0)
    axes[1].tick_params(axis="y", length=0)
    return fig
