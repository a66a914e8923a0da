"""Argument checks shared by every public entry point of nnbook.

Each returns the value in its canonical type or raises ``ValueError`` naming the argument and
echoing the bad value, the convention of the whole package (scikit-learn's style).
"""

from __future__ import annotations

import math

import numpy as np


def check_positive_int(name: str, value, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < (0 if allow_zero else 1):
        kind = "a non-negative" if allow_zero else "a positive"
        raise ValueError(f"{name} must be {kind} integer; got {value!r}")
    return int(value)


def check_rate(name: str, value, allow_zero: bool) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}") from None
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}; got {value!r}")
    return v


def check_fraction(name: str, value, what: str) -> float:
    """A number in [0, 1): momentum's mu, dropout's probability."""
    try:
        v = float(value)
    except (TypeError, ValueError):
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
