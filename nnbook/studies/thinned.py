"""The thinned networks inside a network trained with dropout, and their average (chapter 3).

Dropout trains, at every mini-batch, a different *thinned* network: the full network with a
random fraction p of its hidden neurons removed. With "inverted" dropout
(:meth:`nnbook.network.Network.dropout_masks`) a thinned network's hidden layer l outputs

    a^l = m^l * sigma(z^l),   m^l_j = 0 with probability p, 1 / (1 - p) otherwise,           (1)

and the full network, every m^l_j = 1, is what is used after training. The usual explanation of
why this regularizes is that it trains a huge family of networks that share their weights, and
that the full network behaves like the average of the family. :func:`thinned_networks` looks at
a few members: each one's accuracy, how often two of them disagree, and the accuracy of their
averaged output activations,

    a^L_avg = (1 / K) sum_k a^L(mask k),                                                     (2)

beside the accuracy of the full network.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from nnbook.checks import check_fraction, check_positive_int
from nnbook.network import Network


@dataclass(frozen=True)
class Thinned:
    """A few thinned networks of one trained network, on one set of labelled images.

    ``accuracies`` holds each thinned network's accuracy; ``disagreement`` the mean, over pairs
    of thinned networks, of the fraction of images they classify differently (0 for a single
    one); ``average_accuracy`` the accuracy of their averaged outputs, equation (2);
    ``full_accuracy`` that of the full network.
    """

    p: float
    accuracies: list[float]
    disagreement: float
    average_accuracy: float
    full_accuracy: float


def thinned_networks(net: Network, images, labels, p: float, count: int, rng=None) -> Thinned:
    """Draw ``count`` thinned versions of ``net`` and score them on ``images`` and ``labels``.

    Each thinned network drops every hidden neuron with probability ``p``, one mask for all the
    images (so it is one network, as in a mini-batch of the original's dropout), and scales the
    survivors by 1 / (1 - p), equation (1). The masks come from ``rng``.
    """
    if not isinstance(net, Network):
        raise ValueError(f"net must be an nnbook.network.Network; got {type(net).__name__}")
    p = check_fraction("p", p, "the probability of dropping a hidden neuron")
    count = check_positive_int("count", count)
    x, y = net.check_examples(images, labels, "the")
    if y.ndim != 1:
        raise ValueError(f"labels must be integer digits of shape ({len(x)},); got shape {y.shape}")
    net.uses_dropout(p)  # refuses a network without hidden neurons
    rng = np.random.default_rng(rng)
    outputs = [net.forward(x, net.dropout_masks(1, p, rng))[1][-1] for _ in range(count)]  # (m, n_L)
    predictions = [np.argmax(a, axis=1) for a in outputs]
    pairs = [float(np.mean(u != v)) for u, v in combinations(predictions, 2)]
    return Thinned(
        p=p,
        accuracies=[float(np.mean(guess == y)) for guess in predictions],
        disagreement=float(np.mean(pairs)) if pairs else 0.0,
        average_accuracy=float(np.mean(np.argmax(np.mean(outputs, axis=0), axis=1) == y)),
        full_accuracy=net.accuracy(x, y),
    )
