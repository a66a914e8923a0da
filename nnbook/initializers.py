"""Weight initialisers, each drawing an array of ``shape`` = (n_out, n_in) from ``rng``.

* :func:`large`: every weight from N(0, 1), as in chapter 1's ``network.py``.
* :func:`scaled`: weights from N(0, 1/n_in), chapter 3's improvement, which keeps the weighted
  input z = sum_j w_j x_j + b of a neuron with many inputs from saturating.

Biases are drawn from N(0, 1) by both schemes (see :func:`biases`), as in the original.
"""

from __future__ import annotations

import numpy as np


def large(shape: tuple[int, int], rng) -> np.ndarray:
    """Weights from the standard normal N(0, 1)."""
    return np.random.default_rng(rng).standard_normal(shape)


def scaled(shape: tuple[int, int], rng) -> np.ndarray:
    """Weights from N(0, 1/n_in): standard deviation 1/sqrt(n_in), n_in = shape[1]."""
    return np.random.default_rng(rng).standard_normal(shape) / np.sqrt(shape[1])


def biases(n: int, rng) -> np.ndarray:
    """Biases from N(0, 1)."""
    return np.random.default_rng(rng).standard_normal(n)


INITIALIZERS = {"large": large, "scaled": scaled}


def get(init):
    """Return the initialiser named ``init`` ("large", "scaled"), or ``init`` if callable."""
    if callable(init):
        return init
    try:
        return INITIALIZERS[init]
    except (KeyError, TypeError):
        raise ValueError(f"init must be one of {sorted(INITIALIZERS)} or a callable; got {init!r}") from None
