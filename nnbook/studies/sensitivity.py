"""How large a trained network's weights are, and how much its output moves when its input is
jostled a little (chapter 3, "why does regularization help?").

The usual story of why L2 regularization reduces overfitting runs through two steps: the
regularized network ends up with smaller weights, and a network with small weights responds
only gently to small changes of its input, so it cannot follow the noise of a few training
images. Both steps can be measured on a trained network.

The size of the weights of layer l is their root mean square,

    rms(w^l) = sqrt( (1 / (n_l n_{l-1})) sum_jk (w^l_jk)^2 ),                              (1)

(:func:`weight_rms`). The response to noise compares the output activations a^L(x) of each
input x with those of x + e, where every pixel of e is drawn from N(0, sigma^2):

    change = mean over x of || a^L(x + e) - a^L(x) ||_2,                                   (2)

together with the fraction of inputs whose predicted digit (the most active output neuron)
is not the same for x and x + e (:func:`noise_sensitivity`). To first order a^L(x + e) - a^L(x)
is the Jacobian of the network times e, and each layer contributes a factor w^l, which is why
smaller weights give a smaller change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnbook.checks import check_rate
from nnbook.network import Network


@dataclass(frozen=True)
class Sensitivity:
    """The response of a network to input noise of standard deviation ``sigma``.

    ``output_change`` is the mean over the inputs of ||a^L(x + e) - a^L(x)||_2, equation (2);
    ``flipped`` the fraction of inputs whose predicted digit changes; ``n`` the number of inputs.
    """

    sigma: float
    output_change: float
    flipped: float
    n: int


def _check_network(net) -> Network:
    if not isinstance(net, Network):
        raise ValueError(f"net must be an nnbook.network.Network; got {type(net).__name__}")
    return net


def weight_rms(net: Network) -> list[float]:
    """The root-mean-square weight of every layer of ``net``, equation (1), from the first
    hidden layer to the output layer. Biases are left out, as L2 regularization leaves them."""
    net = _check_network(net)
    return [float(np.sqrt(np.mean(np.square(w)))) for w in net.weights]


def noise_sensitivity(net: Network, x, sigma: float, rng=None) -> Sensitivity:
    """How much the output of ``net`` moves when N(0, ``sigma``^2) noise is added to each pixel.

    ``x`` holds one input per row, shape (m, n_in). The noise e is drawn from ``rng`` with the
    shape of ``x``, once, and the network's outputs a^L(x) and a^L(x + e) are compared as in
    equation (2). With ``sigma = 0`` nothing moves: the change and ``flipped`` are 0.
    """
    net = _check_network(net)
    sigma = check_rate("sigma", sigma, allow_zero=True)
    x = net.check_inputs(x).astype(net.dtype, copy=False)
    if len(x) == 0:
        raise ValueError("x must hold at least one input row; got an empty array")
    rng = np.random.default_rng(rng)
    noisy = x + (sigma * rng.standard_normal(x.shape)).astype(net.dtype, copy=False)
    before, after = net.feedforward(x), net.feedforward(noisy)  # (m, n_L) each
    change = float(np.mean(np.linalg.norm(after - before, axis=1)))
    flipped = float(np.mean(np.argmax(after, axis=1) != np.argmax(before, axis=1)))
    return Sensitivity(sigma=sigma, output_change=change, flipped=flipped, n=len(x))
