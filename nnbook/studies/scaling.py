"""Scaling the weights of a network of rectified linear units (a problem of chapter 6).

A ReLU is positively homogeneous: max(0, c z) = c max(0, z) for c > 0. So in a network of ReLU
layers whose biases are all zero, multiplying every weight by c multiplies each layer's weighted
input and output by one more factor c:

    a^2 = max(0, c w^2 x) = c a^2_old,  a^3 = max(0, c w^3 a^2) = c^2 a^3_old,  ...,

and the output by c^(L-1), L the number of layers counting the input layer (one factor per layer
of weights). With biases the argument fails, since z = c w a + b does not scale. With a softmax
output layer the weighted input z^L scales by c^(L-1) instead, a softmax at "temperature"
c^-(L-1): the most probable output stays the most probable, but its probability moves towards 1
as c grows (and the outputs towards 1/n as c shrinks), so the network grows more confident
without classifying differently. :func:`relu_output_scaling` measures all of this on a random
network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnbook.checks import check_positive_int, check_rate
from nnbook.network import Network


@dataclass(frozen=True)
class ScalingCheck:
    """What scaling every weight by c does to a network of ReLUs (:func:`relu_output_scaling`).

    ``ratio`` is the median over the inputs of ||a^L(c w)|| / ||a^L(w)||, measured on the
    all-ReLU network (inputs whose output is 0 are left out; NaN if every output is 0);
    ``max_relative_error`` the largest |ratio_x / predicted - 1| over those inputs;
    ``predicted`` is c^(L-1). ``softmax_scales`` are the factors tried on the same network with a
    softmax output layer, ``max_probability`` the mean over the inputs of its largest output at
    each, and ``predictions_unchanged`` whether every input's most probable output at every
    one of those factors is the one at factor 1.
    """

    sizes: list[int]
    c: float
    ratio: float
    max_relative_error: float
    predicted: float
    softmax_scales: list[float]
    max_probability: list[float]
    predictions_unchanged: bool


def _scaled(net: Network, weights: list[np.ndarray], c: float) -> Network:
    net.weights = [c * w for w in weights]
    return net


def relu_output_scaling(sizes: Sequence[int], c: float, rng=None, n: int = 100, *,
                        bias_std: float = 0.0,
                        softmax_scales: Sequence[float] = (0.25, 0.5, 1.0, 2.0, 4.0)
                        ) -> ScalingCheck:
    """Multiply every weight of a random ReLU network by ``c`` and compare the outputs.

    The network is :class:`nnbook.network.Network` (``sizes``, ReLU neurons in every layer,
    the output layer included, float64) with weights N(0, 1/n_in) (``init="scaled"``) and
    biases 0, or N(0, ``bias_std``^2) to see the scaling fail. Its outputs a^L(w) and a^L(c w)
    on ``n`` random inputs, uniform on [0, 1) like pixels, give ``ratio``, which equals the
    ``predicted`` c^(L-1) (L = len(sizes)) up to rounding when the biases are 0.

    The same weights and biases with a softmax output layer (``cost="log-likelihood"``) are
    then scaled by each factor of ``softmax_scales``: a^L = softmax(s^(L-1) z^L) for zero
    biases, so the largest output probability grows with s while the most probable output
    stays put.

    Every random draw (the network's, then the biases, then the inputs) comes from ``rng``.
    """
    c = check_rate("c", c, allow_zero=False)
    n = check_positive_int("n", n)
    bias_std = check_rate("bias_std", bias_std, allow_zero=True)
    if isinstance(softmax_scales, (str, bytes)) or not isinstance(
            softmax_scales, (Sequence, np.ndarray)) or len(softmax_scales) == 0:
        raise ValueError(f"softmax_scales must be a non-empty list of numbers > 0; got "
                         f"{softmax_scales!r}")
    scales = [check_rate(f"softmax_scales[{i}]", s, allow_zero=False)
              for i, s in enumerate(softmax_scales)]
    rng = np.random.default_rng(rng)
    relu = Network(sizes, activation="relu", output_activation="relu", init="scaled", rng=rng,
                   dtype=np.float64)
    weights = [w.copy() for w in relu.weights]
    relu.biases = [bias_std * rng.standard_normal(b.shape) for b in relu.biases]
    x = rng.random((n, relu.sizes[0]))

    before = np.linalg.norm(relu.feedforward(x), axis=1)
    after = np.linalg.norm(_scaled(relu, weights, c).feedforward(x), axis=1)
    predicted = c ** (len(relu.sizes) - 1)
    alive = before > 0
    ratios = after[alive] / before[alive]
    ratio = float(np.median(ratios)) if alive.any() else float("nan")
    error = float(np.max(np.abs(ratios / predicted - 1))) if alive.any() else float("nan")

    softmax = Network(relu.sizes, cost="log-likelihood", activation="relu", rng=0,
                      dtype=np.float64)
    softmax.biases = [b.copy() for b in relu.biases]
    predictions = np.argmax(_scaled(softmax, weights, 1.0).feedforward(x), axis=1)
    max_probability, unchanged = [], True
    for s in scales:
        out = _scaled(softmax, weights, s).feedforward(x)
        max_probability.append(float(np.mean(np.max(out, axis=1))))
        unchanged = unchanged and bool(np.array_equal(np.argmax(out, axis=1), predictions))
    return ScalingCheck(sizes=list(relu.sizes), c=c, ratio=ratio, max_relative_error=error,
                        predicted=predicted, softmax_scales=scales,
                        max_probability=max_probability, predictions_unchanged=unchanged)
