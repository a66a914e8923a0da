"""The per-example backpropagation kept for timing: it must compute exactly what the matrix form does."""

import numpy as np
import pytest

from nnbook import activations
from nnbook.network import Network
from nnbook.studies.reference import backprop_per_example, update_mini_batch_per_example
from nnbook.train import update_mini_batch

# (cost, hidden neurons, output neurons; None: the default output for the cost)
CASES = [
    ("quadratic", "sigmoid", None),
    ("quadratic", "tanh", None),
    ("quadratic", "relu", None),
    ("quadratic", "identity", None),
    ("cross-entropy", "sigmoid", None),
    # chapter 3: softmax output layers, and other hidden neurons under other outputs
    ("log-likelihood", "sigmoid", None),
    ("log-likelihood", "tanh", None),
    ("log-likelihood", "relu", None),
    ("cross-entropy", "tanh", "sigmoid"),
    ("quadratic", "relu", "identity"),
]


def _problem(cost, activation, output, m, seed=1):
    rng = np.random.default_rng(seed)
    net = Network([6, 5, 4, 3], cost=cost, activation=activation, output_activation=output,
                  rng=seed + 10)
    x = rng.standard_normal((m, 6))
    y = rng.integers(0, 3, size=m)
    return net, x, y


@pytest.mark.parametrize("m", [1, 2, 7, 30])
@pytest.mark.parametrize("cost,activation,output", CASES)
def test_per_example_backprop_equals_the_matrix_form(cost, activation, output, m):
    net, x, y = _problem(cost, activation, output, m)
    got_b, got_w = backprop_per_example(net, x, y)
    want_b, want_w = net.backprop(x, y)
    assert [g.shape for g in got_b] == [b.shape for b in net.biases]
    assert [g.shape for g in got_w] == [w.shape for w in net.weights]
    assert all(np.abs(g).max() > 1e-3 for g in got_w)  # every layer learns: not trivially zero
    for got, want in zip(got_b + got_w, want_b + want_w):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_real_valued_targets_and_a_custom_activation():
    class Softsign(activations.Activation):
        name = "softsign"

        def fn(self, z):
            return z / (1 + np.abs(z))

        def prime(self, z):
            return 1 / (1 + np.abs(z)) ** 2

    rng = np.random.default_rng(4)
    net = Network([3, 4, 2], activation=Softsign(), rng=5)
    x, y = rng.standard_normal((5, 3)), rng.random((5, 2))
    for got, want in zip(sum(backprop_per_example(net, x, y), []), sum(net.backprop(x, y), [])):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_float32_networks_stay_float32():
    net = Network([6, 5, 3], rng=0, dtype=np.float32)
    x = np.random.default_rng(1).random((4, 6), dtype=np.float32)
    y = np.array([0, 2, 1, 1])
    got_b, got_w = backprop_per_example(net, x, y)
    assert all(g.dtype == np.float32 for g in got_b + got_w)
    want_b, want_w = net.backprop(x, y)
    for got, want in zip(got_b + got_w, want_b + want_w):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("cost,activation,output", CASES)
def test_update_mini_batch_per_example_takes_the_same_step(cost, activation, output):
    matrix, x, y = _problem(cost, activation, output, 10)
    looped, _, _ = _problem(cost, activation, output, 10)
    before = [p.copy() for p in looped.parameters()]
    for _ in range(3):
        update_mini_batch(matrix, x, y, eta=0.5)
        update_mini_batch_per_example(looped, x, y, eta=0.5)
    assert not all(np.array_equal(p, q) for p, q in zip(looped.parameters(), before))
    for p, q in zip(looped.parameters(), matrix.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)


def test_arguments_are_checked_like_the_networks():
    net = Network([6, 3], rng=0)
    with pytest.raises(ValueError, match=r"x must have shape \(m, 6\); got \(6,\)"):
        backprop_per_example(net, np.zeros(6), np.array([0]))
    with pytest.raises(ValueError, match=r"x must hold at least one example; got shape \(0, 6\)"):
        backprop_per_example(net, np.zeros((0, 6)), np.zeros(0, int))
    with pytest.raises(ValueError, match="y must have 2 labels"):
        backprop_per_example(net, np.zeros((2, 6)), np.array([0]))
    with pytest.raises(ValueError, match="eta must be a finite number > 0; got 0"):
        update_mini_batch_per_example(net, np.zeros((1, 6)), np.array([0]), eta=0)
    with pytest.raises(ValueError, match="assumes sigmoid output neurons"):
        backprop_per_example(Network([6, 3], cost="cross-entropy", activation="tanh", rng=0),
                             np.zeros((1, 6)), np.array([0]))
