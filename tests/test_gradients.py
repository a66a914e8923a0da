"""Chapter 5's gradients: layer speeds against backprop and finite differences, the chain of
single neurons against a hand-written chain, and the two problems computed, not typed."""

import math

import numpy as np
import pytest

from nnbook.gradcheck import numerical_gradient
from nnbook.studies.gradients import (centred_biases, chain_gradient, identity_neuron, identity_parameters,
                              layer_speeds, max_width, neuron_gradients, random_chain_products,
                              training_speeds, wide_interval, width)
from nnbook.network import Network
from nnbook.train import TrainingDiverged, update_mini_batch

SIZES = [6, 5, 4, 3, 2]  # three hidden layers


def _problem(seed=0, m=8, sizes=SIZES, cost="cross-entropy"):
    rng = np.random.default_rng(seed)
    net = Network(sizes, cost=cost, init="scaled", rng=seed + 1)
    x = rng.uniform(0.0, 1.0, size=(m, sizes[0]))
    y = rng.integers(0, sizes[-1], size=m)
    return net, x, y


# ---- layer_speeds and neuron_gradients ------------------------------------------------------------

def test_layer_speeds_are_the_norms_of_backprops_hidden_bias_gradients():
    net, x, y = _problem()
    nabla_b, _ = net.backprop(x, y)
    speeds = layer_speeds(net, x, y)
    assert len(speeds) == 3  # hidden layers only: not the input, not the output
    assert all(type(s) is float for s in speeds)
    expected = [math.sqrt(float(np.sum(nb ** 2))) for nb in nabla_b[:-1]]
    np.testing.assert_allclose(speeds, expected, rtol=1e-14)
    assert speeds[0] > 0


def test_layer_speeds_agree_with_finite_differences():
    net, x, y = _problem(seed=3, sizes=[3, 4, 3, 2], m=5)
    numeric_b, _ = numerical_gradient(net, x, y)
    expected = [float(np.linalg.norm(g)) for g in numeric_b[:-1]]
    np.testing.assert_allclose(layer_speeds(net, x, y), expected, rtol=1e-7)


def test_layer_speeds_leave_the_network_unchanged():
    net, x, y = _problem()
    before = [p.copy() for p in net.parameters()]
    layer_speeds(net, x, y)
    neuron_gradients(net, x, y, k=2)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.parameters()))


def test_neuron_gradients_are_the_first_k_entries_of_each_hidden_layer():
    net, x, y = _problem()
    nabla_b, _ = net.backprop(x, y)
    bars = neuron_gradients(net, x, y, k=3)
    assert [b.shape for b in bars] == [(3,), (3,), (3,)]
    assert all(b.dtype == np.float64 for b in bars)
    for got, full in zip(bars, nabla_b[:-1]):
        np.testing.assert_array_equal(got, full[:3])
    everything = neuron_gradients(net, x, y, k=None)
    assert [b.shape for b in everything] == [(5,), (4,), (3,)]


def test_neuron_gradients_default_is_six_neurons():
    net, x, y = _problem(sizes=[4, 7, 6, 2])
    assert [b.shape for b in neuron_gradients(net, x, y)] == [(6,), (6,)]


@pytest.mark.parametrize("k, message", [(4, "at most 3"), (0, "positive integer"), (2.0, "positive integer")])
def test_neuron_gradients_rejects_bad_k(k, message):
    net, x, y = _problem()
    with pytest.raises(ValueError, match=message):
        neuron_gradients(net, x, y, k=k)


def test_a_network_without_hidden_layers_has_no_speeds():
    net, x, y = _problem(sizes=[6, 2])
    with pytest.raises(ValueError, match=r"at least one hidden layer; Network\(\[6, 2\]\)"):
        layer_speeds(net, x, y)
    with pytest.raises(ValueError, match="hidden layer"):
        training_speeds(net, x, y, steps=2, eta=0.1)


def test_early_layers_learn_more_slowly_on_mnist(mnist):
    """The book's observation (experiment 5.5) on the first 1,000 training images, one seed."""
    x, y = mnist.training[:1000]
    net = Network([784, 30, 30, 30, 30, 10], cost="cross-entropy", init="scaled", rng=0)
    speeds = layer_speeds(net, x.astype(np.float64), y)
    assert all(later > 2 * earlier for earlier, later in zip(speeds, speeds[1:])), speeds


# ---- training_speeds ----------------------------------------------------------------------------

@pytest.mark.parametrize("lmbda", [0.0, 5.0])
def test_training_speeds_records_before_each_step_and_trains_like_update_mini_batch(lmbda):
    net, x, y = _problem()
    twin, _, _ = _problem()  # same seed: identical parameters
    speeds = training_speeds(net, x, y, steps=4, eta=0.5, lmbda=lmbda)
    assert speeds.shape == (4, 3) and speeds.dtype == np.float64
    for row in speeds:
        np.testing.assert_array_equal(row, layer_speeds(twin, x, y))  # measured, then a step
        update_mini_batch(twin, x, y, 0.5, lmbda, n=len(x))
    for mine, theirs in zip(net.parameters(), twin.parameters()):
        np.testing.assert_array_equal(mine, theirs)
    assert not np.array_equal(speeds[0], speeds[-1])


def test_training_speeds_first_row_is_the_speed_at_initialisation():
    net, x, y = _problem(seed=5)
    initial = layer_speeds(net, x, y)
    assert training_speeds(net, x, y, steps=3, eta=0.1)[0].tolist() == initial


def test_zero_steps_record_nothing_and_change_nothing():
    net, x, y = _problem()
    before = [p.copy() for p in net.parameters()]
    assert training_speeds(net, x, y, steps=0, eta=0.1).shape == (0, 3)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.parameters()))


def test_training_speeds_stops_when_the_weights_blow_up():
    net, x, y = _problem()
    # Weight decay with eta lmbda / n = 1e310 / 8 multiplies every weight by about -1e309: inf.
    with pytest.raises(TrainingDiverged, match=r"diverged in step 1.*smaller learning rate than eta=1e\+300"):
        training_speeds(net, x, y, steps=3, eta=1e300, lmbda=1e10)


@pytest.mark.parametrize("kwargs, message", [
    ({"steps": -1, "eta": 0.1}, "steps must be a non-negative integer; got -1"),
    ({"steps": 2.5, "eta": 0.1}, "steps must be a non-negative integer"),
    ({"steps": 2, "eta": 0.0}, "eta must be a finite number > 0; got 0.0"),
    ({"steps": 2, "eta": 0.1, "lmbda": -1.0}, "lmbda must be a finite number >= 0"),
])
def test_training_speeds_rejects_bad_arguments(kwargs, message):
    net, x, y = _problem()
    with pytest.raises(ValueError, match=message):
        training_speeds(net, x, y, **kwargs)


# ---- the chain of single neurons ------------------------------------------------------------------

def _sigma(z):
    return 1.0 / (1.0 + math.exp(-z))


def _chain_output(weights, biases, x):
    """a_L of a chain of single sigmoid neurons, written out independently of nnbook."""
    a = x
    for w, b in zip(weights, biases):
        a = _sigma(w * a + b)
    return a


def test_chain_gradient_is_the_derivative_of_the_chain():
    # With C = a_L, dC/da_L = 1 and chain_gradient's value is dC/db1 itself.
    weights, biases, x = [0.8, -1.3, 2.1, 0.6], [0.2, -0.4, 0.1, -0.7], 0.35
    h = 1e-6
    up = _chain_output(weights, [biases[0] + h] + biases[1:], x)
    down = _chain_output(weights, [biases[0] - h] + biases[1:], x)
    gradient, factors = chain_gradient(weights, biases, x)
    assert gradient == pytest.approx((up - down) / (2 * h), rel=1e-8)
    assert len(factors) == 3 and all(type(f) is float for f in factors)


def test_chain_factors_are_w_times_sigma_prime():
    weights, biases, x = [1.5, -0.5, 3.0], [0.3, 0.9, -1.2], 0.8
    z1 = weights[0] * x + biases[0]
    a1 = _sigma(z1)
    z2 = weights[1] * a1 + biases[1]
    z3 = weights[2] * _sigma(z2) + biases[2]
    sp = [_sigma(z) * (1 - _sigma(z)) for z in (z1, z2, z3)]
    gradient, factors = chain_gradient(weights, biases, x)
    assert factors == pytest.approx([weights[1] * sp[1], weights[2] * sp[2]], rel=1e-14)
    assert gradient == pytest.approx(sp[0] * factors[0] * factors[1], rel=1e-14)


def test_a_single_neuron_chain_has_no_factors():
    gradient, factors = chain_gradient([2.0], [-1.0], x=0.5)  # z1 = 0
    assert factors == [] and gradient == 0.25


def test_the_exploding_gradient_toy():
    """All w = 100 and biases that make every z = 0: each factor is 100 * sigma'(0) = 25."""
    weights, x = [100.0] * 5, 0.3
    biases = [-100.0 * x] + [-50.0] * 4  # a_0 = x, then a_j = sigma(0) = 1/2
    assert centred_biases(weights, x) == biases
    gradient, factors = chain_gradient(weights, biases, x)
    assert factors == [25.0] * 4
    assert gradient == 0.25 * 25.0 ** 4


def test_each_factor_is_at_most_a_quarter_of_its_weight():
    rng = np.random.default_rng(0)
    for _ in range(20):
        weights, biases = rng.normal(0, 3, size=6), rng.normal(0, 3, size=6)
        _, factors = chain_gradient(weights, biases, x=rng.uniform())
        assert all(abs(f) <= abs(w) / 4 for f, w in zip(factors, weights[1:]))


def test_random_chain_products_vanish_with_depth():
    medians = [np.median(random_chain_products(depth, 4000, rng=depth)) for depth in range(1, 7)]
    assert all(later < earlier / 3 for earlier, later in zip(medians, medians[1:])), medians
    assert medians[0] < 0.25  # even one factor is typically well below sigma'(0) = 1/4


def test_random_chain_products_shape_and_seed():
    a = random_chain_products(3, 50, rng=7)
    assert a.shape == (50,) and a.dtype == np.float64 and (a >= 0).all()
    np.testing.assert_array_equal(a, random_chain_products(3, 50, rng=np.random.default_rng(7)))
    assert not np.array_equal(a, random_chain_products(3, 50, rng=8))


@pytest.mark.parametrize("call, message", [
    (lambda: chain_gradient([1.0, 2.0], [0.0]), r"biases must hold one number per neuron.*\(2,\).*\(1,\)"),
    (lambda: chain_gradient([], []), "weights must be a non-empty list"),
    (lambda: chain_gradient([1.0, math.nan], [0.0, 0.0]), "finite"),
    (lambda: chain_gradient([1.0], [0.0], x="a"), "x must be a number; got 'a'"),
    (lambda: random_chain_products(0, 10), "depth must be a positive integer; got 0"),
    (lambda: random_chain_products(2, 0), "n_draws must be a positive integer; got 0"),
])
def test_chain_functions_reject_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---- problem: the range of inputs where |w sigma'(w a + b)| >= 1 -------------------------------

def _measured_width(w, b, n=400_001):
    """The width of {a : |w sigma'(w a + b)| >= 1}, counted on a fine grid around the centre."""
    a = np.linspace(-b / w - 1.0, -b / w + 1.0, n)
    s = 1.0 / (1.0 + np.exp(-(w * a + b)))
    return np.count_nonzero(np.abs(w * s * (1 - s)) >= 1.0) * (a[1] - a[0])


def test_no_interval_below_four():
    ws = np.array([0.0, 1.0, -2.5, 3.999, -3.999])
    np.testing.assert_array_equal(width(ws), 0.0)
    assert all(wide_interval(w) is None for w in ws)
    assert width(4.0) == 0.0 and wide_interval(4.0, b=1.0) == (-0.25, -0.25)


@pytest.mark.parametrize("w, b", [(5.0, 0.0), (6.9, -2.0), (-8.0, 1.5), (20.0, 3.0)])
def test_width_matches_a_direct_count_and_the_interval(w, b):
    lo, hi = wide_interval(w, b)
    assert width(w) > 0
    assert hi - lo == pytest.approx(width(w), rel=1e-12)
    assert width(w) == pytest.approx(_measured_width(w, b), abs=2e-5)
    for a in (lo, hi):  # the ends are where the factor is exactly 1 in size
        s = 1.0 / (1.0 + math.exp(-(w * a + b)))
        assert abs(w * s * (1 - s)) == pytest.approx(1.0, rel=1e-9)


def test_width_is_even_in_w_and_takes_arrays():
    ws = np.linspace(4.0, 30.0, 27)
    np.testing.assert_array_equal(width(ws), width(-ws))
    assert isinstance(width(5.0), float) and width(ws).shape == ws.shape


def test_the_widest_interval_is_found_numerically():
    w_star, best = max_width()
    assert 6.0 < w_star < 8.0 and 0.4 < best < 0.5
    assert best == width(w_star) == width(-w_star)
    grid = np.linspace(4.0, 100.0, 200_001)
    assert width(grid).max() <= best + 1e-12
    assert best - width(grid).max() < 1e-8  # and the grid comes close to it


def test_width_rejects_non_finite_w():
    with pytest.raises(ValueError, match="w must hold finite numbers"):
        width([5.0, math.inf])
    with pytest.raises(ValueError, match="w must be a finite number"):
        wide_interval(math.nan)


# ---- problem: the identity neuron ------------------------------------------------------------------

def test_identity_neuron_is_the_formula():
    x = np.array([0.0, 0.25, 1.0])
    expected = 3.0 / (1.0 + np.exp(-(2.0 * x - 1.0))) - 0.5
    np.testing.assert_allclose(identity_neuron(2.0, -1.0, 3.0, x, offset=-0.5), expected, rtol=1e-15)
    assert identity_neuron(2.0, -1.0, 3.0, 0.5) == 1.5


@pytest.mark.parametrize("w1", [0.1, 0.01])
def test_identity_neuron_approximates_x_on_the_unit_interval(w1):
    p = identity_parameters(w1)
    x = np.linspace(0.0, 1.0, 1001)
    error = np.abs(identity_neuron(p.w1, p.b, p.w2, x, p.offset) - x).max()
    assert error <= w1 ** 2 / 96 * (1 + 1e-6)  # the Taylor bound: |x - w1^2 Delta^3 / 12 - x|
    assert error > w1 ** 2 / 96 * 0.99
    assert error < 2e-4


def test_without_the_offset_the_output_is_x_plus_a_constant():
    w1, b, w2, offset = identity_parameters(0.01)
    x = np.linspace(0.0, 1.0, 101)
    np.testing.assert_allclose(identity_neuron(w1, b, w2, x) - x, -offset, atol=1e-5)


def test_identity_parameters_rejects_a_non_positive_w1():
    with pytest.raises(ValueError, match="w1 must be a finite number > 0; got 0"):
        identity_parameters(0)
