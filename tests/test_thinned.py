"""The thinned networks of dropout and their average (chapter 3)."""

import numpy as np
import pytest

from nnbook.network import Network
from nnbook.studies.thinned import Thinned, thinned_networks


def data(seed=0, m=300):
    rng = np.random.default_rng(seed)
    return rng.random((m, 6)), rng.integers(0, 3, m)


def net(sizes=(6, 8, 5, 3), seed=0):
    return Network(list(sizes), cost="cross-entropy", init="scaled", rng=seed, dtype=np.float64)


def removed(network, masks):
    """An independent oracle: the thinned network built by hand, dropped neurons deleted.

    A neuron whose mask is 0 has its outgoing weights set to 0; a surviving neuron's outgoing
    weights are multiplied by its mask value 1 / (1 - p), which scales its output the same way.
    """
    thin = Network(network.sizes, cost="cross-entropy", rng=0, dtype=np.float64)
    thin.biases = [b.copy() for b in network.biases]
    thin.weights = [w.copy() for w in network.weights]
    for layer, mask in enumerate(masks):
        thin.weights[layer + 1] = thin.weights[layer + 1] * mask.reshape(1, -1)
    return thin


def test_each_thinned_network_is_the_network_with_neurons_removed():
    x, y = data()
    network = net()
    result = thinned_networks(network, x, y, 0.5, 3, rng=7)
    rng = np.random.default_rng(7)
    for accuracy in result.accuracies:
        masks = network.dropout_masks(1, 0.5, rng)
        assert accuracy == pytest.approx(removed(network, masks).accuracy(x, y))


def test_average_and_disagreement_by_hand():
    x, y = data(1)
    network = net()
    result = thinned_networks(network, x, y, 0.3, 4, rng=2)
    rng = np.random.default_rng(2)
    outs = [removed(network, network.dropout_masks(1, 0.3, rng)).feedforward(x) for _ in range(4)]
    assert result.average_accuracy == pytest.approx(np.mean(np.mean(outs, 0).argmax(1) == y))
    guesses = [o.argmax(1) for o in outs]
    pairs = [np.mean(guesses[i] != guesses[j]) for i in range(4) for j in range(i + 1, 4)]
    assert result.disagreement == pytest.approx(np.mean(pairs))
    assert result.full_accuracy == network.accuracy(x, y)


def test_dropping_nothing_gives_the_full_network_every_time():
    x, y = data(2)
    network = net()
    result = thinned_networks(network, x, y, 0.0, 3, rng=0)
    full = network.accuracy(x, y)
    assert result == Thinned(p=0.0, accuracies=[full] * 3, disagreement=0.0,
                             average_accuracy=full, full_accuracy=full)


def test_thinned_networks_differ_from_each_other():
    x, y = data(3, m=500)
    network = net(seed=4)
    network.weights = [4 * w for w in network.weights]  # outputs that depend on the input
    result = thinned_networks(network, x, y, 0.5, 5, rng=1)
    assert result.disagreement > 0
    assert len(set(result.accuracies)) > 1


def test_bad_arguments():
    x, y = data()
    with pytest.raises(ValueError, match=r"p must be a number in \[0, 1\)"):
        thinned_networks(net(), x, y, 1.0, 2)
    with pytest.raises(ValueError, match="count must be a positive integer; got 0"):
        thinned_networks(net(), x, y, 0.5, 0)
    with pytest.raises(ValueError, match="no hidden layer"):
        thinned_networks(net((6, 3)), x, y, 0.5, 2)
    with pytest.raises(ValueError, match="labels must be integer digits"):
        thinned_networks(net(), x, np.eye(3)[y], 0.5, 2)
    with pytest.raises(ValueError, match="net must be an nnbook.network.Network"):
        thinned_networks("net", x, y, 0.5, 2)
