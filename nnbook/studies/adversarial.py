"""Adversarial examples: images changed imperceptibly that a trained network gets wrong (chapter 6).

Chapter 6 recalls Szegedy et al. (2013): a network that classifies images well can be made to
misclassify almost any of them by a change of the pixels too small for a person to notice. Our
own convolutional networks (:class:`nnbook.convnet.Network`) show it with the *fast gradient sign
method* of Goodfellow, Shlens and Szegedy (2014). For an image x with the right digit y, let
C = -ln a^L_y be the log-likelihood cost of that one image (chapter 3). Moving every pixel by
epsilon in the direction that increases C,

    x' = clip(x + epsilon sign(dC/dx), 0, 1),                                              (1)

raises C by about epsilon sum_i |dC/dx_i| to first order, the most any change of at most
epsilon per pixel can: with 784 pixels a small epsilon adds up to a large change of C
(:func:`fgsm`). The gradient dC/dx with respect to the *input* is backpropagation carried one
step further than training needs, through the first layer to the pixels (:func:`input_gradient`).
:func:`robustness` measures the accuracy of the network on such images as epsilon grows, beside
its accuracy under random changes of the same size, which hurt far less: the damage comes from
the direction, not the size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnbook import convnet
from nnbook.checks import check_rate
from nnbook.convnet import ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer

_BATCH = 250  # images per forward and backward pass


# ---- argument checks ----------------------------------------------------------------------------

def _check_net(net) -> None:
    if not isinstance(net, convnet.Network):
        raise ValueError(f"net must be an nnbook.convnet.Network; got {type(net).__name__}")


def _examples(net, images, labels) -> tuple[np.ndarray, np.ndarray]:
    """``images`` as rows (m, n_in) of the network's dtype, checked finite; ``labels`` checked."""
    return net.check_examples(images, labels, "the", allow_empty=True)


def _pixels(net, images, labels) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`_examples`, and the pixels must lie in [0, 1], where (1) clips them."""
    x, y = _examples(net, images, labels)
    if x.size and (x.min() < 0 or x.max() > 1):
        raise ValueError(f"images must have pixels in [0, 1]; got values from {x.min()} to "
                         f"{x.max()}")
    return x, y


def _epsilon(name: str, value) -> float:
    return check_rate(name, value, allow_zero=True)


# ---- the gradient of the cost with respect to the input ----------------------------------------

def _test_time_copy(net: convnet.Network) -> list:
    """New layers with the shapes, options and parameters of ``net``'s, whose first layer also
    computes dC/dx. ``net`` itself is not touched: its first layer was initialised without the
    input gradient (training never needs it), and its buffers stay its own."""
    layers = []
    for layer in net.layers:
        if isinstance(layer, ConvPoolLayer):
            layers.append(ConvPoolLayer(layer.image_shape, layer.n_filters, layer.filter_size,
                                        layer.pool_size, layer.activation))
        elif isinstance(layer, FullyConnectedLayer):
            layers.append(FullyConnectedLayer(layer.n_in, layer.n_out, layer.activation,
                                              layer.p_dropout))
        else:
            layers.append(SoftmaxLayer(layer.n_in, layer.n_out, layer.p_dropout))
    copy = convnet.Network(layers, rng=0, dtype=net.dtype, init=net.init, dropout=net.dropout)
    copy.weights = [np.array(w, dtype=net.dtype, order="C") for w in net.weights]
    copy.biases = [np.array(b, dtype=net.dtype, order="C") for b in net.biases]
    copy.layers[0].input_gradient = True  # before any pass: buffers are allocated on first use
    return copy.layers


def _batch_input_gradient(layers: list, x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """dC_x/dx for the rows of ``x`` (m, n_in), C_x = -ln a^L_y of each example: (m, n_in).

    The forward pass is the test-time network (no dropout masks; with ``dropout="network3"``
    the layers scale w x by (1 - p), and their backward pass the error likewise). It runs with
    the layers' training buffers, the only ones that keep what the backward pass needs.
    """
    m = x.shape[0]
    first = layers[0]
    if isinstance(first, ConvPoolLayer):
        a = x.reshape((m,) + first.image_shape).transpose(1, 2, 3, 0)  # (c, rows, cols, m)
    else:
        a = x.T  # (n_in, m), one example per column
    for i, layer in enumerate(layers):
        if isinstance(layer, ConvPoolLayer):
            a = layer.forward(a, True)
            if not isinstance(layers[i + 1], ConvPoolLayer):
                a = a.reshape(-1, m)  # flattened (channel, row, col) for the next layer
        else:
            a = layer.forward(a, True, None)
    # delta^L = a^L - y (equation 81 of chapter 3) for each example's own cost: scale 1, not 1/m
    delta = layers[-1].output_error(labels, 1.0)
    for layer in reversed(layers):
        if isinstance(layer, ConvPoolLayer) and delta.ndim == 2:
            delta = delta.reshape(layer.output_shape + (m,))
        delta = layer.errors(delta)  # BP1-BP3 and dC/dx of the layer's input; no BP4 needed
    if isinstance(first, ConvPoolLayer):
        return delta.transpose(3, 0, 1, 2).reshape(m, -1)  # a copy, out of the layer's buffer
    return delta.T.copy()


def input_gradient(net, images, labels) -> np.ndarray:
    """dC/dx for each image x, where C = -ln a^L_y is the log-likelihood cost of that image alone
    (y its label; not averaged over the images).

    Backpropagation (BP1, BP2) carries delta^L = a^L - y back through every layer, as in
    training, and then one step further, to the pixels: for a fully connected first layer
    dC/dx = w^T delta (BP2 without the f' of a previous layer), for a convolutional one
    dC/dx[c, p, q] = sum_{k, r, s} w[k, c, r, s] dC/dz[k, p - r, q - s] (equation 3 of
    :mod:`nnbook.conv`: ``col2im`` of w^T dC/dz). The network is the test-time one: no
    dropout, and with ``dropout="network3"`` each weighted input scaled by (1 - p), as
    :meth:`~nnbook.convnet.Network.feedforward` computes it.

    Parameters
    ----------
    net : nnbook.convnet.Network
        Any trained network; it is not changed (the work is done on a copy of its layers).
    images : array
        Rows (m, n_in) or, for a convolutional first layer, images (m, channels, rows, cols).
    labels : array of int
        The right digit of each image, shape (m,).

    Returns
    -------
    np.ndarray
        dC/dx in the network's dtype, with the shape of ``images``. Computed 250 images at a
        time, so a whole test set fits in memory.
    """
    _check_net(net)
    shape = np.shape(images)
    x, y = _examples(net, images, labels)
    gradient = np.empty(x.shape, dtype=net.dtype)
    if len(x):
        layers = _test_time_copy(net)
        for k in range(0, len(x), _BATCH):
            gradient[k:k + _BATCH] = _batch_input_gradient(layers, x[k:k + _BATCH],
                                                           y[k:k + _BATCH])
    return gradient.reshape(shape)


# ---- the fast gradient sign method --------------------------------------------------------------

def _perturb(x: np.ndarray, direction: np.ndarray, epsilon: float) -> np.ndarray:
    """clip(x + epsilon direction, 0, 1) in x's dtype; exactly x when epsilon is 0."""
    return np.clip(x + x.dtype.type(epsilon) * direction, 0, 1)


def fgsm(net, images, labels, epsilon: float) -> np.ndarray:
    """Adversarial images by the fast gradient sign method, equation (1):

        x' = clip(x + epsilon sign(dC/dx), 0, 1),   C = -ln a^L_y,

    with dC/dx from :func:`input_gradient`. Each pixel moves by at most epsilon (by exactly
    epsilon unless its derivative is 0, where sign gives 0, or the clip stops it at 0 or 1),
    in the direction that raises the cost of the right label. ``epsilon`` >= 0, in units of
    pixel intensity (MNIST pixels lie in [0, 1], so 0.1 is a tenth of the range); at 0 the
    images come back unchanged.

    Returns the perturbed images in the network's dtype, with the shape of ``images``, which
    must have pixels in [0, 1]. ``net`` is not changed.
    """
    _check_net(net)
    epsilon = _epsilon("epsilon", epsilon)
    shape = np.shape(images)
    x, y = _pixels(net, images, labels)
    return _perturb(x, np.sign(input_gradient(net, x, y)), epsilon).reshape(shape)


@dataclass(frozen=True)
class Robustness:
    """Accuracy under the fast gradient sign method and under random noise of the same size.

    ``accuracy[i]`` is the fraction of the images the network still classifies right after
    :func:`fgsm` with ``epsilons[i]``; ``noise_accuracy[i]`` the fraction after random changes
    of ±``epsilons[i]`` per pixel. At epsilon 0 both are the clean accuracy.
    """

    epsilons: list[float]
    accuracy: list[float]
    noise_accuracy: list[float]


def robustness(net, images, labels, epsilons: Sequence[float], rng=None) -> Robustness:
    """The accuracy of ``net`` on adversarial images and on randomly disturbed ones, for each
    epsilon of ``epsilons``.

    The adversarial images are :func:`fgsm`'s, clip(x + epsilon s, 0, 1) with s = sign(dC/dx);
    s does not depend on epsilon, so the gradient is computed once. The noisy images are
    clip(x + epsilon r, 0, 1), where r is +1 or -1 with equal probability, drawn from ``rng``,
    on the pixels that s moves (where s = 0, r = 0 too): before clipping, both changes have the
    same size in every norm, epsilon per moved pixel. One r is drawn for all the epsilons, as
    one s serves them all, so the noisy curve is a single random direction scaled up.

    Parameters
    ----------
    net : nnbook.convnet.Network
        Not changed.
    images, labels : arrays
        As for :func:`fgsm`: pixels in [0, 1], at least one image.
    epsilons : sequence of float
        Non-negative sizes of the change, e.g. [0, 0.05, 0.1, 0.2]; 0 gives the clean accuracy
        (the images are then unchanged, bit for bit).
    rng : numpy Generator or seed
        Draws the signs of the noise.

    Returns
    -------
    Robustness
        Plain lists of floats, one entry per epsilon, in the order given.
    """
    _check_net(net)
    if (isinstance(epsilons, (str, bytes)) or not isinstance(epsilons, (Sequence, np.ndarray))
            or np.ndim(epsilons) != 1 or len(epsilons) == 0):
        raise ValueError(f"epsilons must be a non-empty list of numbers >= 0; got {epsilons!r}")
    eps = [_epsilon(f"epsilons[{i}]", e) for i, e in enumerate(epsilons)]
    x, y = _pixels(net, images, labels)
    if len(x) == 0:
        raise ValueError("images must hold at least one image; got none")
    rng = np.random.default_rng(rng)
    s = np.sign(input_gradient(net, x, y))
    r = np.where(rng.random(x.shape) < 0.5, -1, 1).astype(x.dtype) * np.abs(s)
    accuracy = [net.accuracy(_perturb(x, s, e), y) for e in eps]
    noise_accuracy = [net.accuracy(_perturb(x, r, e), y) for e in eps]
    return Robustness(epsilons=eps, accuracy=accuracy, noise_accuracy=noise_accuracy)
