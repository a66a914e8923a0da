"""Artificially expanding the training data: shifted and rotated copies of the digits.

Chapter 3 argues that more training data is one of the best regularisers, and that when real data
is scarce we can make more by applying to each image a change that does not change its digit: a
small rotation, or a shift by a pixel. (The original's ``expand_mnist.py``, used in chapter 6,
turns the 50,000 training images into 250,000 by adding the four one-pixel shifts of each.)

Images are rows of a float array, one image of ``side x side`` pixels per row (784 = 28 x 28 for
MNIST), with values in [0, 1], as :func:`nnbook.data.load_mnist` returns them. Row ``r`` of an
image is drawn ``r`` pixels from the top and column ``c`` is ``c`` pixels from the left edge.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from scipy import ndimage

from nnbook.data import Dataset

SHIFTS: tuple[tuple[int, int], ...] = ((1, 0), (-1, 0), (0, 1), (0, -1))
"""The one-pixel shifts :func:`expand` adds, as ``(dx, dy)``: right, left, down, up."""

_CHUNK = 4096  # images transformed at a time by expand: 12.5 MB of float32 temporaries


def shift(images, dx: int, dy: int) -> np.ndarray:
    """Move every image ``dx`` pixels to the right and ``dy`` pixels down (negative: left, up).

    Whole pixels only: each pixel value moves unchanged, pixels moved past an edge are dropped
    (nothing wraps around) and the pixels left vacant are 0 (black). Returns a new array of the
    shape and dtype of ``images``.

    Raises
    ------
    TypeError : ``images`` is not a float array, or ``dx``, ``dy`` are not integers.
    ValueError : ``images`` is not ``(m, side * side)`` with values in [0, 1].
    """
    images, side = _images(images, "images")
    dx, dy = _integer(dx, "dx"), _integer(dy, "dy")
    return _shift(images, dx, dy, side)


def rotate(images, degrees) -> np.ndarray:
    """Rotate every image by ``degrees`` about its centre, anticlockwise as displayed.

    ``degrees`` is one angle for all images or an array of one angle per image. The rotation is
    :func:`scipy.ndimage.rotate` with ``reshape=False`` (the image keeps its size; corners turned
    out of the frame are lost) and ``order=1`` (bilinear interpolation); the corners turned into
    the frame are 0, and the result is clipped to [0, 1]. Returns a new array of the shape and
    dtype of ``images``.

    The image is taken to be 0 outside its frame *and interpolated up to it* (scipy's
    ``mode="grid-constant"``), so a rotation by a tiny angle changes the image a tiny amount. With
    scipy's default ``mode="constant"`` an edge pixel whose source lands a hair outside the frame
    turns black, so rotating by 1e-9 degrees would wipe out most of the border.

    Raises
    ------
    TypeError : ``images`` is not a float array, or ``degrees`` is not a number or an array of them.
    ValueError : ``images`` is not ``(m, side * side)`` with values in [0, 1], or ``degrees`` is
        not finite or has the wrong length.
    """
    images, side = _images(images, "images")
    if isinstance(degrees, (bool, np.bool_)):
        raise TypeError(f"degrees must be a number or an array of numbers; got {degrees!r}")
    angles = np.asarray(degrees)
    if not (np.issubdtype(angles.dtype, np.integer) or np.issubdtype(angles.dtype, np.floating)):
        raise TypeError(f"degrees must be a number or an array of numbers; got {degrees!r}")
    if angles.ndim == 0:
        angles = np.full(len(images), float(angles))
    elif angles.shape != (len(images),):
        raise ValueError(f"degrees must be one angle or one per image, shape ({len(images)},); "
                         f"got shape {angles.shape}")
    if not np.all(np.isfinite(angles)):
        raise ValueError(f"degrees must be finite; got {degrees!r}")
    return _rotate(images, angles.astype(np.float64), side)


def expand(dataset: Dataset, *, rng, shifts: bool = True, max_degrees: float = 0.0,
           copies: int = 1) -> Dataset:
    """The images of ``dataset`` and transformed copies of them, with their labels, shuffled.

    For each original image the result holds the image itself; if ``shifts``, its four one-pixel
    shifts (:data:`SHIFTS`); and if ``max_degrees > 0``, ``copies`` rotations of it by angles drawn
    uniformly from [-max_degrees, max_degrees] (a new angle for every copy). Rotations are made
    only when ``max_degrees > 0``, so the defaults give the original's expansion: 5 n images,
    50,000 becoming 250,000. In general the result has
    ``(1 + 4 * shifts + copies * (max_degrees > 0)) * n`` rows, every copy carrying its original's
    label, in an order shuffled with ``rng``. The same ``rng`` seed gives the same result.

    The result is allocated once, and the copies are made a few thousand images at a time and
    written straight to their shuffled places, so expanding 50,000 float32 images to 250,000
    (780 MB) needs little more than those 780 MB.

    Parameters
    ----------
    dataset : Dataset
        Images ``(n, side * side)``, floats in [0, 1], and labels ``(n,)``.
    rng : numpy Generator or seed
        Draws the rotation angles and the order of the result.
    shifts : bool
        Add the four one-pixel shifts of each image.
    max_degrees : float
        The largest rotation, in degrees, 0 or more; 0 adds no rotations.
    copies : int
        The number of rotated copies of each image, 0 or more (used when ``max_degrees > 0``).

    Raises
    ------
    TypeError : ``dataset`` is not a Dataset, its images are not floats, or an option has the
        wrong type.
    ValueError : the images are not ``(n, side * side)`` in [0, 1], or an option is out of range.
    """
    if not isinstance(dataset, Dataset):
        raise TypeError(f"dataset must be an nnbook.data.Dataset; got {type(dataset).__name__} "
                        f"(wrap arrays as Dataset(images, labels))")
    images, side = _images(dataset.images, "dataset.images")
    labels = dataset.labels
    if not isinstance(shifts, (bool, np.bool_)):
        raise TypeError(f"shifts must be True or False; got {shifts!r}")
    if isinstance(max_degrees, (bool, np.bool_)) or not isinstance(max_degrees, numbers.Real):
        raise TypeError(f"max_degrees must be a number of degrees; got {max_degrees!r}")
    if not (math.isfinite(max_degrees) and max_degrees >= 0):
        raise ValueError(f"max_degrees must be finite and 0 or more; got {max_degrees!r}")
    copies = _integer(copies, "copies")
    if copies < 0:
        raise ValueError(f"copies must be 0 or more; got {copies}")
    rng = np.random.default_rng(rng)

    n = len(images)
    moves = SHIFTS if shifts else ()
    rotations = copies if max_degrees > 0 else 0
    blocks = 1 + len(moves) + rotations
    angles = rng.uniform(-max_degrees, max_degrees, size=(rotations, n))
    # Row k of the unshuffled stack [originals; shifts; rotations] goes to row where[k].
    where = rng.permutation(blocks * n)
    out_images = np.empty((blocks * n, images.shape[1]), dtype=images.dtype)
    out_labels = np.empty(blocks * n, dtype=labels.dtype)
    for block in range(blocks):
        out_labels[where[block * n:(block + 1) * n]] = labels
        for start in range(0, n, _CHUNK):
            stop = min(start + _CHUNK, n)
            chunk = images[start:stop]
            if block == 0:
                new = chunk
            elif block <= len(moves):
                new = _shift(chunk, *moves[block - 1], side)
            else:
                new = _rotate(chunk, angles[block - 1 - len(moves), start:stop], side)
            out_images[where[block * n + start:block * n + stop]] = new
    return Dataset(out_images, out_labels)


# ---- the transformations, on checked arguments -------------------------------------------------


def _shift(images: np.ndarray, dx: int, dy: int, side: int) -> np.ndarray:
    m = len(images)
    src = images.reshape(m, side, side)
    out = np.zeros((m, side, side), dtype=images.dtype)
    if abs(dx) < side and abs(dy) < side:
        (rows_from, rows_to), (cols_from, cols_to) = _span(dy, side), _span(dx, side)
        out[:, rows_to, cols_to] = src[:, rows_from, cols_from]
    return out.reshape(m, side * side)


def _span(d: int, side: int) -> tuple[slice, slice]:
    """The source and destination slices along one axis for a move of ``d`` pixels."""
    if d >= 0:
        return slice(0, side - d), slice(d, side)
    return slice(-d, side), slice(0, side + d)


def _rotate(images: np.ndarray, angles: np.ndarray, side: int) -> np.ndarray:
    m = len(images)
    src = images.reshape(m, side, side)
    out = np.empty((m, side, side), dtype=images.dtype)
    for i in range(m):
        ndimage.rotate(src[i], angles[i], reshape=False, order=1, mode="grid-constant",
                       output=out[i])
    np.clip(out, 0, 1, out=out)
    return out.reshape(m, side * side)


# ---- argument checks ----------------------------------------------------------------------------


def _images(images, name: str) -> tuple[np.ndarray, int]:
    """``images`` as an array of square images in [0, 1], and the side of one image."""
    images = np.asarray(images)
    if images.ndim != 2:
        raise ValueError(f"{name} must have shape (m, 784), one 28 x 28 image per row; got shape "
                         f"{images.shape} (for one image use images.reshape(1, -1))")
    side = math.isqrt(images.shape[1])
    if side == 0 or side * side != images.shape[1]:
        raise ValueError(f"{name} must hold square images, side * side pixels per row (784 for "
                         f"MNIST); got {images.shape[1]} pixels per row")
    if images.dtype.kind != "f":
        raise TypeError(f"{name} must be floating point with pixels in [0, 1]; got {images.dtype} "
                        f"(divide 0-255 grey levels by 255)")
    if images.size and not (images.min() >= 0 and images.max() <= 1):  # NaN fails both
        raise ValueError(f"{name} must have pixels in [0, 1]; got values from {images.min()} to "
                         f"{images.max()}")
    return images, side


def _integer(value, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer; got {value!r}")
    return int(value)


# ---- the expanded training set as a stream ----------------------------------------------------


class ShiftedStream:
    """The original's expanded training set, each image and its four one-pixel shifts, made on
    the fly: mini-batches of shifted images without ever holding the 5 n images.

    Example k (0 <= k < 5 n) is version ``k // n`` of image ``k % n``: version 0 is the image
    itself and version v >= 1 is ``shift(image, *SHIFTS[v - 1])``, so the stream holds the same
    5 n examples as :func:`expand` with its defaults (250,000 for the 50,000 training images).
    :meth:`mini_batches` walks them in any order: a permutation of range(5 n) visits every image
    in each of its 5 versions exactly once. Chapter 6's networks train on it through
    :func:`nnbook.train.sgd`, which draws a seeded order each epoch.

    Memory: the images given (not copied, if already a float array) and one block of
    ``chunk`` images at a time. Every pixel of a block is read from its source pixel in one
    gather (a pixel shifted in from outside the frame reads 0), so a block costs a few numpy
    calls, not one per image.
    """

    chunk = 500

    def __init__(self, dataset: Dataset):
        if not isinstance(dataset, Dataset):
            raise TypeError(f"dataset must be an nnbook.data.Dataset; got {type(dataset).__name__}")
        self.images, self.side = _images(dataset.images, "dataset.images")
        self.labels = dataset.labels
        side, pixels = self.side, self.side * self.side
        rows, cols = np.divmod(np.arange(pixels), side)
        sources, valid = [np.arange(pixels)], [np.ones(pixels, self.images.dtype)]
        for dx, dy in SHIFTS:  # output pixel (r, c) reads input pixel (r - dy, c - dx)
            r, c = rows - dy, cols - dx
            inside = (r >= 0) & (r < side) & (c >= 0) & (c < side)
            sources.append(np.where(inside, r * side + c, 0))
            valid.append(inside.astype(self.images.dtype))
        self._sources = np.stack(sources)  # (5, pixels): source pixel of each output pixel
        self._valid = np.stack(valid)  # (5, pixels): 0 where the pixel comes from outside

    versions = 1 + len(SHIFTS)

    def __len__(self) -> int:
        return self.versions * len(self.labels)

    def __repr__(self) -> str:
        return f"ShiftedStream({len(self.labels)} images x {self.versions} versions)"

    def examples(self, indices) -> tuple[np.ndarray, np.ndarray]:
        """The images (len(indices), pixels) and labels of examples ``indices`` of the stream."""
        indices = np.asarray(indices)
        if indices.ndim != 1 or not np.issubdtype(indices.dtype, np.integer):
            raise ValueError(f"indices must be a 1-D array of integers; got {indices.dtype} "
                             f"array of shape {indices.shape}")
        if indices.size and (indices.min() < 0 or indices.max() >= len(self)):
            raise ValueError(f"indices must lie in 0..{len(self) - 1}; got values from "
                             f"{indices.min()} to {indices.max()}")
        out = np.empty((len(indices), self.images.shape[1]), self.images.dtype)
        return self._gather(indices, out), self.labels[indices % len(self.labels)]

    def _gather(self, indices: np.ndarray, out: np.ndarray) -> np.ndarray:
        version, image = np.divmod(indices, len(self.labels))
        pixels = self.images.shape[1]
        where = self._sources[version]  # (k, pixels)
        where += (image * pixels)[:, None]
        np.take(self.images.reshape(-1), where, out=out)
        out *= self._valid[version]
        return out

    def mini_batches(self, order, mini_batch_size: int):
        """Yield (images, labels) for consecutive mini-batches of the examples in ``order``.

        The images of a mini-batch are a view of a block buffer that the next block overwrites:
        use each mini-batch before asking for the next.
        """
        order = np.asarray(order)
        per_chunk = max(1, self.chunk // mini_batch_size) * mini_batch_size
        buffer = np.empty((min(per_chunk, len(order)), self.images.shape[1]), self.images.dtype)
        n = len(self.labels)
        for start in range(0, len(order), per_chunk):
            rows = order[start:start + per_chunk]
            block = self._gather(rows, buffer[:len(rows)])
            labels = self.labels[rows % n]
            for k in range(0, len(rows), mini_batch_size):
                yield block[k:k + mini_batch_size], labels[k:k + mini_batch_size]
