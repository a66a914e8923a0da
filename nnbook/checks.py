"""Argument checks shared by every public entry point of nnbook.

Each returns the value in its canonical type or raises ``ValueError`` naming the argument and
echoing the bad value, the convention of the whole package (scikit-learn's style).

The data checks (:func:`check_images`, :func:`check_labels`, :func:`check_finite`) are the one
validation of examples for both kinds of network, the fully connected
:class:`nnbook.network.Network` and the convolutional :class:`nnbook.convnet.Network`: pixels
must be floating point (0-255 bytes are refused with a hint to scale them), there must be at
least one example, every value must be finite, and labels must be integers naming an output
neuron. They cost one pass over the data, so they run once per call (once per training run for
the training data), never once per mini-batch.

:func:`check_weight_decay` checks ``lmbda`` against divergence before training starts: L2
weight decay multiplies every weight by 1 - eta lmbda / n at each step (equation 93 of chapter
3), and once that factor is below -1 the weights grow without bound whatever the data say.
"""

from __future__ import annotations

import math
from numbers import Real
from pathlib import Path

import numpy as np


def check_real(name: str, value) -> float:
    """A real number as a float: ints and floats (numpy's too), never bools or strings."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Real, np.integer, np.floating)):
        raise ValueError(f"{name} must be a real number; got {value!r} ({type(value).__name__})")
    return float(value)


def check_positive_int(name: str, value, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < (0 if allow_zero else 1):
        kind = "a non-negative" if allow_zero else "a positive"
        raise ValueError(f"{name} must be {kind} integer; got {value!r}")
    return int(value)


def check_rate(name: str, value, allow_zero: bool) -> float:
    """A finite number > 0 (or >= 0 with ``allow_zero``): eta, lmbda, a step size."""
    try:
        v = check_real(name, value)
    except ValueError:
        raise ValueError(f"{name} must be a number; got {value!r}") from None
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}; got {value!r}")
    return v


def check_fraction(name: str, value, what: str) -> float:
    """A number in [0, 1): momentum's mu, dropout's probability."""
    try:
        v = check_real(name, value)
    except ValueError:
        raise ValueError(f"{name} must be a number in [0, 1); got {value!r}") from None
    if not 0.0 <= v < 1.0:  # also refuses NaN
        raise ValueError(f"{name} must be a number in [0, 1) ({what}); got {value!r}")
    return v


def check_patience(name: str, value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be None or a positive integer (a number of epochs "
                         f"without improvement); got {value!r}")
    return int(value)


def check_sizes(name: str, sizes) -> list[int]:
    """Neurons per layer, input first: at least two positive integers (no bools)."""
    try:
        values = list(sizes)
    except TypeError:
        values = None
    if (values is None or len(values) < 2 or isinstance(sizes, (str, bytes))
            or not all(not isinstance(n, (bool, np.bool_)) and isinstance(n, (int, np.integer))
                       and n > 0 for n in values)):
        raise ValueError(f"{name} must list at least two positive layer sizes, e.g. [784, 30, 10]; "
                         f"got {sizes!r}")
    return [int(n) for n in values]


# ---- examples ------------------------------------------------------------------------------------


def check_dtype(name: str, x: np.ndarray) -> np.ndarray:
    """``x`` if its values are floating point; otherwise a ValueError that says what to do.

    Integer images are most likely MNIST's 0-255 grey levels, which saturate every sigmoid: the
    message says how to scale them to [0, 1]. Only the dtype is looked at (no pass over the data).
    """
    if x.dtype.kind == "f":
        return x
    if x.dtype.kind in "iu":
        raise ValueError(f"{name} must be floating point, pixels in [0, 1]; got {x.dtype}. "
                         f"Scale grey levels 0-255 first: images.astype(np.float32) / 255")
    raise ValueError(f"{name} must be floating-point numbers (pixels in [0, 1]); got dtype {x.dtype}")


def check_finite(name: str, x: np.ndarray) -> np.ndarray:
    """``x`` if every value is a finite number; otherwise a ValueError locating the first bad one.

    A finite sum proves every value finite (a NaN or an infinity would carry into it), in one
    pass without an array of flags; only a sum that is not finite, because of a bad value or
    because large finite values overflowed, needs the look at each value.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(x, axis=None)
    if np.isfinite(total) or np.isfinite(x).all():
        return x
    bad = ~np.isfinite(x)
    first = np.unravel_index(int(np.argmax(bad)), x.shape)
    where = f"row {first[0]}" if x.ndim > 1 else f"entry {first[0]}"
    raise ValueError(f"{name} must hold finite numbers; {int(bad.sum())} values are NaN or "
                     f"infinite (the first in {where}: {float(x[first])})")


def check_images(name: str, x, n_in: int, *, shapes: str | None = None,
                 allow_empty: bool = False, finite: bool = True) -> np.ndarray:
    """Examples as rows ``(m, n_in)`` of floating-point values, checked; the array is not copied.

    Refuses, with a ValueError naming ``name``: another shape (``shapes`` describes the shapes
    the caller accepts, by default ``(m, n_in)``), a dtype that is not floating point
    (:func:`check_dtype`), no examples at all (unless ``allow_empty``) and, with ``finite``,
    any NaN or infinite value (:func:`check_finite`; one pass over the data).
    """
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != n_in:
        raise ValueError(f"{name} must have shape {shapes or f'(m, {n_in})'}; got {x.shape}: "
                         f"nnbook takes one example per row")
    check_dtype(name, x)
    if len(x) == 0 and not allow_empty:
        raise ValueError(f"{name} must hold at least one example; got shape {x.shape}")
    return check_finite(name, x) if finite else x


def check_labels(name: str, labels, m: int, n_out: int) -> np.ndarray:
    """Integer labels of shape ``(m,)``, each naming an output neuron (0..n_out - 1)."""
    y = np.asarray(labels)
    if y.shape != (m,) or y.dtype.kind not in "iu":
        raise ValueError(f"{name} must be {m} integer labels, shape ({m},), one per example; "
                         f"got {y.dtype} array of shape {y.shape}")
    if m and (y.min() < 0 or y.max() >= n_out):
        raise ValueError(f"{name} must lie in 0..{n_out - 1}; got values from {y.min()} "
                         f"to {y.max()}")
    return y


def check_outputs(outputs: np.ndarray) -> np.ndarray:
    """A network's outputs, if none is NaN; otherwise FloatingPointError.

    The argmax of a row of NaNs is 0, so a network of NaNs "answers" 0 for every image and
    would score the share of zeros in the data: a number that measures nothing. Weights that
    are finite but huge give NaN outputs too (inf - inf in a weighted sum).
    """
    if np.isnan(outputs).any():
        rows = int(np.isnan(outputs).any(axis=1).sum())
        raise FloatingPointError(f"the network's outputs are NaN for {rows} of {len(outputs)} "
                                 f"examples: its weights are not finite, or so large that the "
                                 f"weighted inputs overflow. It has no accuracy")
    return outputs


# ---- hyper-parameters against divergence --------------------------------------------------------


def weight_decay_factor(eta: float, lmbda: float, n: int) -> float:
    """The factor 1 - eta lmbda / n by which L2 weight decay multiplies every weight at each step."""
    return 1.0 - eta * lmbda / n


def largest_stable_lmbda(eta: float, n: int, mu: float = 0.0) -> float:
    """The lmbda at which weight decay stops being a decay: eta lmbda / n = 2 (1 + mu).

    Without momentum the factor 1 - eta lmbda / n then reaches -1; with momentum mu the decay
    term alone, v -> mu v - eta (lmbda / n) w, w -> w + v, oscillates with growing amplitude
    beyond it (the stability bound of the heavy-ball iteration on a quadratic of curvature
    lmbda / n).
    """
    return 2.0 * (1.0 + mu) * n / eta


def check_weight_decay(eta: float, lmbda: float, n: int, mu: float = 0.0) -> None:
    """Refuse an L2 ``lmbda`` so large that weight decay alone makes the weights grow without bound.

    Raises a ValueError naming lmbda (the cause, not the learning rate), with the factor and the
    largest lmbda that keeps it a decay for this eta and training-set size n.
    """
    if not lmbda:
        return
    limit = largest_stable_lmbda(eta, n, mu)
    if lmbda > limit:
        raise ValueError(
            f"lmbda={lmbda!r} diverges with eta={eta!r} and n={n} training examples: the weight "
            f"decay factor 1 - eta lmbda / n is {weight_decay_factor(eta, lmbda, n):.3g}, so every "
            f"step multiplies each weight by a number larger than 1 in size. Choose lmbda below "
            f"{limit:.3g}, or a smaller eta (lmbda scales with the size of the training set)")


def check_folder(source: str, folder: Path, what: str) -> Path:
    """``folder``, unless it, or the first of its parents that exists, is a file: then a
    ValueError naming ``source`` (the variable or argument it came from) and ``what`` the folder
    is for. A folder that does not exist yet is fine: it is made when something is written."""
    for parent in (folder, *folder.parents):
        if parent.exists():
            if not parent.is_dir():
                raise ValueError(f"{source} must name a folder for {what}; {parent} is a file, "
                                 f"not a folder")
            break
    return folder
