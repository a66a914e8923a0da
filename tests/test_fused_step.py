"""The fully connected network's fused step, Network.update_mini_batch, against the readable
one, nnbook.train.update_mini_batch (gradient, then gradient_step): the same weights and biases
for every cost and neuron it supports, with and without L2, dropout, labels or real targets and
mini-batches of changing size; and sgd's History unchanged by taking it."""

import copy
import pickle

import numpy as np
import pytest

from nnbook import activations, costs
from nnbook.network import Network
from nnbook.runs import serialize
from nnbook.train import sgd, update_mini_batch

# (cost, hidden neurons, output neurons): every combination the network accepts
COMBINATIONS = [
    ("quadratic", "sigmoid", None), ("quadratic", "tanh", None), ("quadratic", "relu", None),
    ("quadratic", "identity", None), ("quadratic", "relu", "sigmoid"), ("quadratic", "sigmoid", "tanh"),
    ("cross-entropy", "sigmoid", None), ("cross-entropy", "relu", "sigmoid"),
    ("cross-entropy", "tanh", "sigmoid"),
    ("log-likelihood", "sigmoid", None), ("log-likelihood", "tanh", None),
    ("log-likelihood", "relu", None), ("log-likelihood", "identity", None),
]
SIZES = [6, 5, 4, 3]  # two hidden layers: BP2 twice
ETA, LMBDA, N = 0.1, 3.0, 20


def twins(sizes=SIZES, **kw):
    net = Network(sizes, init="scaled", rng=1, **kw)
    return net, copy.deepcopy(net)


def mini_batch(rng, m, real, sizes=SIZES):
    x = rng.standard_normal((m, sizes[0]))
    y = rng.random((m, sizes[-1])) if real else rng.integers(0, sizes[-1], m)
    return x, y


def assert_same(fused, readable, start=None, rtol=1e-12, atol=1e-12):
    for p, q in zip(fused.parameters(), readable.parameters()):
        np.testing.assert_allclose(p, q, rtol=rtol, atol=atol)
    if start is not None:  # every weight and bias moved
        assert not any(np.array_equal(p, q) for p, q in zip(fused.parameters(), start))


@pytest.mark.parametrize("real", [False, True], ids=["labels", "real targets"])
@pytest.mark.parametrize("dropout", [False, True], ids=["", "dropout"])
@pytest.mark.parametrize("lmbda", [0.0, LMBDA], ids=["", "L2"])
@pytest.mark.parametrize("cost, activation, output", COMBINATIONS)
def test_the_fused_step_is_the_readable_step(cost, activation, output, lmbda, dropout, real):
    fused, readable = twins(cost=cost, activation=activation, output_activation=output)
    start = [p.copy() for p in fused.parameters()]
    rng = np.random.default_rng(0)
    for step, m in enumerate([5, 5, 3, 5, 1]):  # a last, shorter mini-batch, then back
        x, y = mini_batch(rng, m, real)
        masks = fused.dropout_masks(m, 0.5, step) if dropout else None
        fused.update_mini_batch(x, y, ETA, lmbda, N, masks)
        update_mini_batch(readable, x, y, ETA, lmbda, N, masks=masks)
    assert_same(fused, readable, start)


@pytest.mark.parametrize("cost", ["quadratic", "cross-entropy", "log-likelihood"])
def test_a_network_without_hidden_layer(cost):
    fused, readable = twins([6, 3], cost=cost)
    rng = np.random.default_rng(1)
    for m in (4, 2, 4):
        x, y = mini_batch(rng, m, False, [6, 3])
        fused.update_mini_batch(x, y, ETA, LMBDA, N)
        update_mini_batch(readable, x, y, ETA, LMBDA, N)
    assert_same(fused, readable)


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.int64, np.uint64])
def test_labels_of_any_integer_type(dtype):
    fused, readable = twins(cost="cross-entropy")
    x, y = mini_batch(np.random.default_rng(2), 6, False)
    fused.update_mini_batch(x, y.astype(dtype), ETA)
    update_mini_batch(readable, x, y, ETA)
    assert_same(fused, readable)


def test_dropout_masks_of_one_row_for_the_whole_mini_batch():
    fused, readable = twins()
    x, y = mini_batch(np.random.default_rng(3), 5, False)
    masks = [np.array([2.0, 0, 2, 0, 2]), np.array([0, 2.0, 2, 2])]  # shape (n_l,)
    fused.update_mini_batch(x, y, ETA, 0.0, None, masks)
    update_mini_batch(readable, x, y, ETA, masks=masks)
    assert_same(fused, readable)
    assert np.array_equal(fused.weights[0][1], readable.weights[0][1])  # dropped: only decay


def test_float32_agrees_to_its_rounding():
    fused, readable = twins([784, 30, 10], dtype=np.float32)
    rng = np.random.default_rng(4)
    for _ in range(5):
        x = rng.random((10, 784), dtype=np.float32)
        y = rng.integers(0, 10, 10)
        fused.update_mini_batch(x, y, 3.0, LMBDA, 50_000)
        update_mini_batch(readable, x, y, 3.0, LMBDA, 50_000)
    assert all(p.dtype == np.float32 for p in fused.parameters())
    assert_same(fused, readable, rtol=1e-4, atol=1e-5)


class Softplus(activations.Activation):
    """ln(1 + e^z): a neuron the fused step does not know."""

    name = "softplus"

    def fn(self, z):
        return np.logaddexp(0, z)

    def prime(self, z):
        return activations.sigmoid.fn(z)


class HalfQuadratic(costs.QuadraticCost):
    """A cost of one's own: half the quadratic cost."""

    name = "half quadratic"

    @staticmethod
    def delta(z, a, y, activation=activations.sigmoid):
        return 0.5 * costs.QuadraticCost.delta(z, a, y, activation)


@pytest.mark.parametrize("kw", [{"activation": Softplus()}, {"cost": HalfQuadratic},
                                {"activation": Softplus(), "output_activation": "sigmoid"}])
def test_a_neuron_or_cost_of_ones_own_takes_the_readable_path(kw):
    fused, readable = twins(**kw)
    start = [p.copy() for p in fused.parameters()]
    rng = np.random.default_rng(5)
    for m in (4, 4):
        x, y = mini_batch(rng, m, False)
        masks = fused.dropout_masks(m, 0.5, m)
        fused.update_mini_batch(x, y, ETA, LMBDA, N, masks)
        update_mini_batch(readable, x, y, ETA, LMBDA, N, masks=masks)
    assert_same(fused, readable, start, rtol=0, atol=0)  # the very same arithmetic


def test_weights_replaced_or_not_c_ordered_are_stepped_in_place():
    fused, readable = twins()
    rng = np.random.default_rng(6)
    x, y = mini_batch(rng, 5, False)
    fused.update_mini_batch(x, y, ETA, LMBDA, N)
    update_mini_batch(readable, x, y, ETA, LMBDA, N)
    # as loading a saved network does: new arrays, one column-major, one a view of a larger one
    larger = np.zeros((2,) + fused.weights[1].shape)
    larger[1] = fused.weights[1]
    fused.weights = [np.asfortranarray(fused.weights[0]), larger[1], fused.weights[2].copy()]
    weights = fused.weights[:2]
    for _ in range(3):
        x, y = mini_batch(rng, 5, False)
        fused.update_mini_batch(x, y, ETA, LMBDA, N)
        update_mini_batch(readable, x, y, ETA, LMBDA, N)
    assert fused.weights[:2] == weights and weights[0].flags.f_contiguous
    assert not larger[0].any()  # nothing written beside the view
    assert_same(fused, readable)


def test_a_changed_cost_or_neuron_is_taken_into_account():
    fused, readable = twins()
    rng = np.random.default_rng(7)
    for cost in ("quadratic", "cross-entropy"):
        fused.cost = readable.cost = costs.get(cost)
        x, y = mini_batch(rng, 5, False)
        fused.update_mini_batch(x, y, ETA, LMBDA, N)
        update_mini_batch(readable, x, y, ETA, LMBDA, N)
        assert_same(fused, readable)


def test_bad_arguments_are_refused_as_by_the_readable_step():
    net = Network([6, 5, 4, 3], rng=0)
    x, y = mini_batch(np.random.default_rng(8), 5, False)
    with pytest.raises(ValueError, match="n, the size of the training set, must be a positive"):
        net.update_mini_batch(x, y, ETA, LMBDA)
    with pytest.raises(ValueError, match=r"masks must hold one array per hidden layer \(2\); got 1"):
        net.update_mini_batch(x, y, ETA, 0.0, N, [np.ones(5)])


def test_the_work_arrays_are_neither_pickled_nor_saved(tmp_path):
    net, readable = twins()
    rng = np.random.default_rng(9)
    x, y = mini_batch(rng, 5, False)
    net.update_mini_batch(x, y, ETA, LMBDA, N)
    update_mini_batch(readable, x, y, ETA, LMBDA, N)
    assert vars(net).get("_step_buffers") is not None  # made by the first step
    back = pickle.loads(pickle.dumps(net))
    assert "_step_buffers" not in vars(back) and "_step_buffers" not in vars(copy.deepcopy(net))
    loaded = serialize.load(serialize.save(net, tmp_path / "net.npz"))
    assert len(loaded.parameters()) == len(net.parameters()) == 6
    for other in (back, loaded, net):  # each keeps training as the readable twin does
        twin = copy.deepcopy(readable)
        x, y = mini_batch(np.random.default_rng(10), 5, False)
        other.update_mini_batch(x, y, ETA, LMBDA, N)
        update_mini_batch(twin, x, y, ETA, LMBDA, N)
        assert_same(other, twin)


def _toy(n, seed, sizes=(20, 10, 4)):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, sizes[-1], n)
    centres = np.random.default_rng(0).standard_normal((sizes[-1], sizes[0]))
    return centres[labels] + 0.8 * rng.standard_normal((n, sizes[0])), labels


@pytest.mark.parametrize("kw", [
    {"cost": "quadratic", "eta": 3.0},
    {"cost": "cross-entropy", "eta": 0.5, "lmbda": 5.0},
    {"cost": "log-likelihood", "eta": 0.3, "lmbda": 1.0, "dropout": 0.5},
], ids=["quadratic", "cross-entropy L2", "log-likelihood L2 dropout"])
def test_sgd_with_the_fused_step_gives_the_same_history(kw):
    kw = dict(kw)
    cost = kw.pop("cost")
    histories, nets = [], []
    for fused in (True, False):
        net = Network([20, 10, 4], cost=cost, rng=3)
        steps = []
        if fused:
            step = net.update_mini_batch
            net.update_mini_batch = lambda *a: (steps.append(len(a[0])), step(*a))
        else:
            net.update_mini_batch = None  # sgd then takes gradient and gradient_step
        histories.append(sgd(net, _toy(205, 1), 3, 10, rng=4, evaluation_data=_toy(100, 2),
                             monitor_evaluation_cost=True, monitor_training_accuracy=True, **kw))
        nets.append(net)
        if fused:
            assert steps == ([10] * 20 + [5]) * 3  # the last, shorter mini-batch too
    fused, readable = histories
    assert fused.evaluation_accuracy == readable.evaluation_accuracy
    assert fused.training_accuracy == readable.training_accuracy
    np.testing.assert_allclose(fused.evaluation_cost, readable.evaluation_cost, rtol=1e-12)
    assert_same(*nets)
    assert readable.training_accuracy[-1] > 0.5  # it learned something (chance: 0.25)
