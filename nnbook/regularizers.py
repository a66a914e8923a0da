"""Regularization terms added to the cost: L2 (weight decay) and L1, chapter 3.

The regularized cost is C = C_0 + lmbda R(w) / n, with C_0 the unregularized cost, n the size
of the *training* set and R a penalty on the weights only (never the biases). Each regularizer
is an object with three methods, used by :class:`nnbook.network.Network` and
:mod:`nnbook.gradcheck`:

* ``fn(weights, lmbda, n)``: the term added to the cost, a float;
* ``prime(w, lmbda, n)``: its derivative with respect to one weight matrix, added to dC_0/dw;
* ``shrink(w, eta, lmbda, n)``: the part of a gradient-descent step that comes from the term,
  applied to ``w`` in place, before the step -eta dC_0/dw.
"""

from __future__ import annotations

import numpy as np


def _per_example(lmbda: float, n) -> float:
    """lmbda / n, refusing a missing or non-positive n (the training-set size)."""
    if n is None or isinstance(n, bool) or not n > 0:
        raise ValueError(f"n, the size of the training set, must be a positive number when "
                         f"lmbda > 0; got {n!r}")
    return lmbda / n


class L2:
    """L2 regularization ("weight decay"), equation (87): C = C_0 + (lmbda / 2n) sum_w w^2.

    dC/dw = dC_0/dw + (lmbda / n) w (equation 88), so a gradient step becomes

        w -> (1 - eta lmbda / n) w - eta dC_0/dw                          (equation 93)

    the weights shrink by a constant factor before the usual step.
    """

    name = "L2"

    @staticmethod
    def fn(weights, lmbda: float, n) -> float:
        return 0.5 * _per_example(lmbda, n) * sum(float(np.sum(w * w)) for w in weights)

    @staticmethod
    def prime(w: np.ndarray, lmbda: float, n) -> np.ndarray:
        return _per_example(lmbda, n) * w

    @staticmethod
    def shrink(w: np.ndarray, eta: float, lmbda: float, n) -> None:
        w *= 1.0 - eta * _per_example(lmbda, n)


class L1:
    """L1 regularization, equation (95): C = C_0 + (lmbda / n) sum_w |w|.

    dC/dw = dC_0/dw + (lmbda / n) sgn(w) (equation 96), with sgn(0) = 0, so a gradient step is

        w -> w - (eta lmbda / n) sgn(w) - eta dC_0/dw                     (equation 97)

    the weights shrink towards 0 by a constant amount, not a constant fraction as with L2.
    |w| has no derivative at w = 0; taking sgn(0) = 0 leaves a zero weight where it is.
    """

    name = "L1"

    @staticmethod
    def fn(weights, lmbda: float, n) -> float:
        return _per_example(lmbda, n) * sum(float(np.sum(np.abs(w))) for w in weights)

    @staticmethod
    def prime(w: np.ndarray, lmbda: float, n) -> np.ndarray:
        return _per_example(lmbda, n) * np.sign(w)

    @staticmethod
    def shrink(w: np.ndarray, eta: float, lmbda: float, n) -> None:
        w -= eta * _per_example(lmbda, n) * np.sign(w)


REGULARIZERS = {r.name: r for r in (L2, L1)}


def get(regularization: str):
    """Return the regularizer named ``regularization``: "L2" or "L1"."""
    try:
        return REGULARIZERS[regularization]
    except (KeyError, TypeError):
        raise ValueError(
            f"regularization must be one of {sorted(REGULARIZERS)}; got {regularization!r}"
        ) from None
