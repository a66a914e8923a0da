"""Cost functions: the cost of one example, C_x = fn(a, y), and the output error delta^L (BP1).

Chapter 1 uses the quadratic cost; chapter 3 introduces the cross-entropy to avoid the learning
slowdown of saturated sigmoid outputs, and the log-likelihood cost for a softmax output layer.
As in the book, a cost is an object with two methods:

* ``fn(a, y)``: the cost of each example, given outputs ``a`` of shape (m, n_L) and targets
  ``y``; returns shape (m,).
* ``delta(z, a, y, activation)``: the output error delta^L = dC_x/dz^L of equation BP1, shape (m, n_L).

Targets ``y`` are integer labels of shape (m,), read as the one-hot rows the book writes y as,
or real targets of shape (m, n_L) (in [0, 1]). Labels stay labels: a - y is computed by
subtracting 1 at each row's label (:func:`minus_targets`), and only the cross-entropy's cost
value, which needs every y_j, builds the one-hot rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnbook.activations import Activation, Sigmoid, Softmax, sigmoid
from nnbook.data import one_hot


def minus_targets(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """a - y, a new array of shape (m, n_L), for real targets y or integer labels y (one-hot).

    For labels, y_j is 1 at j = label and 0 elsewhere, so a - y is a with 1 subtracted at each
    row's label: no one-hot matrix is built. (Entry (i, y_i) of the rows is entry i n_L + y_i
    of the flat array, the fastest way numpy offers to reach one entry per row.)
    """
    if y.ndim == 1:
        d = a.copy()
        d.reshape(-1)[np.arange(0, d.size, d.shape[1]) + y] -= 1
        return d
    return a - y


def _at_labels(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """a_y for each row: the entry of each row of ``a`` at its label."""
    return a[np.arange(len(y)), y]


class QuadraticCost:
    """The quadratic (mean squared error) cost, equation (6): C_x = ||y - a||^2 / 2.

    BP1 gives delta^L = (a - y) * sigma'(z^L): the factor sigma'(z^L) is what makes a saturated
    output neuron learn slowly.
    """

    name = "quadratic"

    @staticmethod
    def fn(a: np.ndarray, y: np.ndarray) -> np.ndarray:
        return 0.5 * np.sum(minus_targets(a, y) ** 2, axis=1)

    @staticmethod
    def delta(z, a, y, activation: Activation = sigmoid) -> np.ndarray:
        return minus_targets(a, y) * activation.prime(z)


class CrossEntropyCost:
    """The cross-entropy cost, equation (63): C_x = -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)].

    Terms 0 * ln 0 are taken as 0 (their limit), so a saturated output that is right costs
    nothing instead of NaN. With sigmoid outputs, BP1 simplifies to delta^L = a - y (equation 66):
    sigma'(z) cancels, which is the point of this cost. That simplification needs sigmoid outputs,
    so other output activations are refused.
    """

    name = "cross-entropy"

    @staticmethod
    def fn(a: np.ndarray, y: np.ndarray) -> np.ndarray:
        if y.ndim == 1:  # labels: every y_j appears in the sum, so make the rows
            y = one_hot(y, a.shape[1], a.dtype)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = -(np.where(y > 0, y * np.log(a), 0.0)
                      + np.where(y < 1, (1 - y) * np.log1p(-a), 0.0))
        return np.sum(np.nan_to_num(terms, nan=0.0, posinf=np.inf), axis=1)

    @staticmethod
    def fn_z(z: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The same cost from the weighted inputs z^L of sigmoid outputs, without rounding a to 0 or 1.

        With a = sigma(z), -y ln a - (1 - y) ln(1 - a) = ln(1 + e^z) - y z, which
        ``np.logaddexp`` evaluates for any z. In float32 a sigmoid rounds to exactly 1 once
        z > 17 or so, and :meth:`fn` would then report an infinite cost for a wrong output
        that is merely very confident; this form gives the finite value.
        """
        if y.ndim == 1:
            return np.sum(np.logaddexp(0, z), axis=1) - _at_labels(z, y)
        return np.sum(np.logaddexp(0, z) - y * z, axis=1)

    @staticmethod
    def delta(z, a, y, activation: Activation = sigmoid) -> np.ndarray:
        if not isinstance(activation, Sigmoid):
            raise ValueError(
                f"CrossEntropyCost.delta assumes sigmoid output neurons; got {activation!r}"
            )
        return minus_targets(a, y)


class LogLikelihoodCost:
    """The log-likelihood cost of a softmax output layer, equation (80): C_x = -ln a_y.

    a_y is the output of the neuron for the right class y, read as the probability the network
    gives to it. With one-hot targets this is -sum_j y_j ln a_j, the form computed here (terms
    0 * ln 0 are taken as 0), so a saturated output that is right costs nothing instead of NaN,
    and one that gives the right class probability 0 costs +inf.

    With softmax outputs, BP1 becomes delta^L = a^L - y (a problem of chapter 3; equations 81
    and 82 are the gradients it gives): no f'(z), so no learning slowdown, as for the
    cross-entropy with sigmoid outputs.
    (For targets whose rows do not sum to 1, the derivative of -sum_j y_j ln a_j is
    a^L sum_j y_j - y; the code uses that form, which is a^L - y for one-hot rows exactly.)
    Other output activations are refused.
    """

    name = "log-likelihood"

    @staticmethod
    def fn(a: np.ndarray, y: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            if y.ndim == 1:
                return -np.log(_at_labels(a, y))
            terms = np.where(y > 0, -y * np.log(a), 0.0)
        return np.sum(terms, axis=1)

    @staticmethod
    def fn_z(z: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The same cost from the weighted inputs z^L of softmax outputs: -sum_j y_j (z_j - ln sum_k e^z_k).

        Evaluated with the largest z subtracted first, so it stays finite where a softmax output
        has rounded to 0.
        """
        shifted = z - np.max(z, axis=1, keepdims=True)
        log_a = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        if y.ndim == 1:
            return -_at_labels(log_a, y)
        return -np.sum(y * log_a, axis=1)

    @staticmethod
    def delta(z, a, y, activation: Activation = sigmoid) -> np.ndarray:
        if not isinstance(activation, Softmax):
            raise ValueError(
                f"LogLikelihoodCost.delta assumes softmax output neurons; got {activation!r}"
            )
        if y.ndim == 1:
            return minus_targets(a, y)  # one-hot rows sum to 1
        return a * np.sum(y, axis=1, keepdims=True) - y


COSTS = {c.name: c for c in (QuadraticCost, CrossEntropyCost, LogLikelihoodCost)}


def check_output(cost, activation: Activation) -> None:
    """Raise ValueError unless ``cost`` can compute BP1 for output neurons ``activation``.

    * cross-entropy: sigmoid outputs only (its delta^L = a - y, equation 66, is derived for them);
    * log-likelihood: softmax outputs only (its delta^L = a - y is derived for them);
    * quadratic: any element-wise activation (its delta^L = (a - y) * f'(z^L) needs f'); not
      the softmax, which has no element-wise derivative.

    A cost of your own is not checked: its ``delta`` decides.
    """
    kind = cost if isinstance(cost, type) else type(cost)  # a class, or an instance of one
    requirements: dict[type, Any] = {CrossEntropyCost: Sigmoid, LogLikelihoodCost: Softmax}
    required = requirements.get(kind)
    if required is not None and not isinstance(activation, required):
        raise ValueError(
            f"cost={cost.name!r} assumes {required.name} output neurons; got "
            f"output_activation={activation.name!r}"
            + (". Pass output_activation='sigmoid' to keep other hidden neurons"
               if required is Sigmoid else "")
        )
    if kind is QuadraticCost and not activation.elementwise:
        raise ValueError(
            f"cost='quadratic' needs element-wise output neurons (BP1 multiplies by f'(z^L)); got "
            f"output_activation={activation.name!r}: use cost='log-likelihood' with softmax outputs"
        )


def get(cost):
    """Return the cost class named ``cost`` ("quadratic", "cross-entropy", "log-likelihood"),
    or ``cost`` itself."""
    if isinstance(cost, str):
        try:
            return COSTS[cost]
        except KeyError:
            raise ValueError(f"cost must be one of {sorted(COSTS)}; got {cost!r}") from None
    if not (hasattr(cost, "fn") and hasattr(cost, "delta")):
        raise TypeError(f"cost must have fn(a, y) and delta(z, a, y, activation); got {cost!r}")
    return cost
