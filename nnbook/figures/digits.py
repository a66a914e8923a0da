"""MNIST digits as images: grids of digits, a digit and its four quarters, a rotated copy.

Pixel values in [0, 1] are drawn with 0 white and 1 black, as the book encodes them, in the
house style of :mod:`nnbook.figures.style`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from nnbook.figures.style import check_finite, house_style, new_figure

__all__ = ["digits", "digit_parts", "digit_rotation"]


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


@house_style
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
    fig = new_figure(width, height, layout=None)
    for i in range(n):
        row, col = divmod(i, ncols)
        left = col * cell + (cell - side) / 2
        bottom = height - (row + 1) * (side + room)
        ax = fig.add_axes((left / width, bottom / height, side / width, side / height))
        _show_digit(ax, images[i])
        if labels is not None:
            ax.set_title(str(labels[i]), fontsize=10, pad=3)
    return fig


@house_style
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

    fig = new_figure(6.0, 3.3)
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


@house_style
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
    degrees = check_finite(degrees, "degrees")
    rotated = rotate(pixels, degrees)

    fig = new_figure(4.2, 2.4)
    before, after = fig.subplots(1, 2)
    _show_digit(before, pixels[0], frame=True)
    before.set_title("original")
    _show_digit(after, rotated[0], frame=True)
    after.set_title(f"rotated by {degrees:g}°")
    return fig
