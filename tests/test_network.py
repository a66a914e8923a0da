"""The chapter 1 network: backpropagation, one SGD step, determinism and argument checks."""

import warnings

import numpy as np
import pytest

from nnbook import activations, costs, gradcheck
from nnbook.data import one_hot
from nnbook.network import Network
from nnbook.train import TrainingDiverged, sgd, update_mini_batch


def per_example_backprop(net, x, y):
    """An independent oracle written as the book writes it: one column vector at a time.

    For each example: forward pass a^l = f(w^l a^{l-1} + b^l), then BP1-BP4 with column vectors,
    and the gradients summed over examples and divided by m at the end.
    """
    f = net.activation
    m = x.shape[0]
    y = one_hot(y, net.sizes[-1]) if y.ndim == 1 else y
    sum_b = [np.zeros((b.size, 1)) for b in net.biases]
    sum_w = [np.zeros(w.shape) for w in net.weights]
    for i in range(m):
        a = x[i].reshape(-1, 1)
        acts, zs = [a], []
        for w, b in zip(net.weights, net.biases):
            z = w @ a + b.reshape(-1, 1)
            a = f.fn(z)
            zs.append(z)
            acts.append(a)
        target = y[i].reshape(-1, 1)
        if net.cost is costs.QuadraticCost:
            delta = (acts[-1] - target) * f.prime(zs[-1])
        else:  # cross-entropy with sigmoid outputs
            delta = acts[-1] - target
        for l in range(len(net.weights) - 1, -1, -1):
            if l < len(net.weights) - 1:
                delta = (net.weights[l + 1].T @ delta) * f.prime(zs[l])
            sum_b[l] += delta
            sum_w[l] += delta @ acts[l].T
    return [s.ravel() / m for s in sum_b], [s / m for s in sum_w]


CASES = [
    ("quadratic", "sigmoid"),
    ("quadratic", "tanh"),
    ("quadratic", "identity"),
    ("quadratic", "relu"),
    ("cross-entropy", "sigmoid"),
]


@pytest.mark.parametrize("cost,activation", CASES)
def test_backprop_matches_central_differences(cost, activation):
    rng = np.random.default_rng(0)
    net = Network([4, 5, 3, 2], cost=cost, activation=activation, rng=1)
    x = rng.standard_normal((6, 4))
    y = rng.integers(0, 2, size=6)
    nabla_b, nabla_w = net.backprop(x, y)
    numeric_b, numeric_w = gradcheck.numerical_gradient(net, x, y, h=1e-6)
    for a, n in zip(nabla_w + nabla_b, numeric_w + numeric_b):
        assert a.shape == n.shape
        np.testing.assert_allclose(a, n, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("cost,activation", CASES)
def test_backprop_matches_per_example_oracle(cost, activation):
    rng = np.random.default_rng(1)
    net = Network([7, 6, 5, 3], cost=cost, activation=activation, rng=2)
    x = rng.random((9, 7))
    y = rng.integers(0, 3, size=9)
    nabla_b, nabla_w = net.backprop(x, y)
    ref_b, ref_w = per_example_backprop(net, x, y)
    for got, want in zip(nabla_b + nabla_w, ref_b + ref_w):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)


def test_one_sgd_step_worked_by_hand():
    # A single sigmoid neuron (sizes [1, 1]), w = 0.6, b = 0.9, input x = 1, target y = 0,
    # quadratic cost, eta = 0.15: chapter 3's first example.
    #   z = 0.6 * 1 + 0.9 = 1.5,  a = sigma(1.5) = 1 / (1 + e^-1.5) = 0.8175744762
    #   sigma'(1.5) = a (1 - a) = 0.8175744762 * 0.1824255238 = 0.1491464521
    #   delta = (a - y) sigma'(z) = 0.8175744762 * 0.1491464521 = 0.1219383324
    #   w <- 0.6 - 0.15 * delta * x = 0.5817092501,  b <- 0.9 - 0.15 * delta = 0.8817092501
    net = Network([1, 1], rng=0)
    net.weights[0][...] = 0.6
    net.biases[0][...] = 0.9
    update_mini_batch(net, np.array([[1.0]]), np.array([[0.0]]), eta=0.15)
    assert net.weights[0][0, 0] == pytest.approx(0.6 - 0.15 * 0.8175744762 * 0.1491464521, abs=1e-9)
    assert net.biases[0][0] == pytest.approx(0.9 - 0.15 * 0.8175744762 * 0.1491464521, abs=1e-9)
    assert net.weights[0][0, 0] == pytest.approx(0.5817092501, abs=1e-9)


def test_mini_batch_step_averages_the_examples():
    # Two examples whose gradients cancel exactly: a [1, 1] identity neuron with w = 1, b = 0
    # and inputs +1 and -1 both targeting 0: dC/dw = mean(x * (x - 0)) = 1, dC/db = mean(x) = 0.
    net = Network([1, 1], activation="identity", rng=0)
    net.weights[0][...] = 1.0
    net.biases[0][...] = 0.0
    update_mini_batch(net, np.array([[1.0], [-1.0]]), np.zeros((2, 1)), eta=0.5)
    assert net.weights[0][0, 0] == pytest.approx(0.5)
    assert net.biases[0][0] == pytest.approx(0.0)


def test_l2_weight_decay_matches_equation_93():
    rng = np.random.default_rng(3)
    net = Network([3, 2], rng=4)
    x, y = rng.random((5, 3)), rng.integers(0, 2, 5)
    w0 = net.weights[0].copy()
    nabla_b, nabla_w = net.backprop(x, y)
    update_mini_batch(net, x, y, eta=0.5, lmbda=5.0, n=100)
    np.testing.assert_allclose(net.weights[0], (1 - 0.5 * 5.0 / 100) * w0 - 0.5 * nabla_w[0])


def test_feedforward_is_the_books_column_formula():
    net = Network([3, 4, 2], rng=5)
    x = np.random.default_rng(6).random((1, 3))
    a = x.T
    for w, b in zip(net.weights, net.biases):
        a = 1 / (1 + np.exp(-(w @ a + b.reshape(-1, 1))))
    np.testing.assert_allclose(net.feedforward(x), a.T)


def test_initialisation_is_standard_normal_and_seeded():
    net = Network([784, 30, 10], rng=7)
    w = net.weights[0]
    assert w.shape == (30, 784) and net.biases[0].shape == (30,)
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02
    assert net.num_parameters() == 23_860
    same = Network([784, 30, 10], rng=7)
    assert all(np.array_equal(p, q) for p, q in zip(net.parameters(), same.parameters()))


def test_scaled_initialisation_has_std_one_over_sqrt_n_in():
    w = Network([1000, 50], init="scaled", rng=0).weights[0]
    assert abs(w.std() - 1 / np.sqrt(1000)) < 0.001


def _toy_data(seed=0, n=200):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 4))
    y = (x[:, 0] + x[:, 1] > x[:, 2] + x[:, 3]).astype(int)
    return x, y


def test_training_is_deterministic_given_the_seeds():
    data = _toy_data()
    runs = []
    for shuffle_seed in (1, 1, 2):
        net = Network([4, 5, 2], rng=0)
        sgd(net, data, 3, 10, 1.0, evaluation_data=data, rng=shuffle_seed)
        runs.append(net.parameters())
    assert all(np.array_equal(p, q) for p, q in zip(runs[0], runs[1]))
    assert not all(np.array_equal(p, q) for p, q in zip(runs[0], runs[2]))


def test_training_learns_a_separable_problem():
    data = _toy_data()
    net = Network([4, 8, 2], rng=0)
    before = net.accuracy(*data)
    history = sgd(net, data, 30, 10, 3.0, evaluation_data=data, monitor_training_cost=True, rng=0)
    assert len(history.evaluation_accuracy) == 30 == history.epochs
    assert history.best_accuracy > 0.9 > before
    assert history.training_cost[-1] < history.training_cost[0]


def test_history_round_trips_through_a_dict():
    data = _toy_data()
    h = sgd(Network([4, 3, 2], rng=0), data, 2, 10, 1.0, evaluation_data=data, rng=0)
    assert type(h).from_dict(h.to_dict()) == h


def test_float32_network_trains_in_float32():
    data = _toy_data()
    net = Network([4, 3, 2], rng=0, dtype=np.float32)
    sgd(net, data, 1, 10, 1.0, rng=0)
    assert all(p.dtype == np.float32 for p in net.parameters())


def test_huge_learning_rate_completes_quietly():
    # Chapter 1 trains with eta = 100 on purpose: the sigmoids saturate, but the run must finish,
    # record its accuracy and not flood the log with overflow warnings.
    data = _toy_data()
    net = Network([4, 30, 2], rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = sgd(net, data, 5, 10, 100.0, evaluation_data=data, rng=0)
    assert len(history.evaluation_accuracy) == 5
    assert history.diverged_at is None


def test_divergence_raises_or_is_recorded():
    data = _toy_data()
    with pytest.raises(TrainingDiverged, match=r"smaller learning rate than eta=1e\+30"):
        sgd(Network([4, 3, 2], activation="identity", rng=0), data, 3, 10, 1e30, rng=0)
    history = sgd(Network([4, 3, 2], activation="identity", rng=0), data, 3, 10, 1e30,
                  evaluation_data=data, rng=0, allow_divergence=True)
    assert history.diverged_at == 1 and history.evaluation_accuracy == []


@pytest.mark.parametrize("sizes", [[784], [], [784, 0, 10], [784, -3], [784, 2.5], "784"])
def test_bad_sizes(sizes):
    with pytest.raises(ValueError, match="sizes must list at least two positive layer sizes"):
        Network(sizes)


def test_bad_input_shape_names_the_expected_shape():
    net = Network([784, 30, 10], rng=0)
    with pytest.raises(ValueError, match=r"x must have shape \(m, 784\); got \(784, 1\)"):
        net.feedforward(np.zeros((784, 1)))


def test_bad_labels():
    net = Network([4, 3, 2], rng=0)
    x = np.zeros((3, 4))
    with pytest.raises(ValueError, match="labels must lie in 0..1"):
        net.backprop(x, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="y must have 3 labels"):
        net.backprop(x, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"targets of shape \(3, 2\)"):
        net.backprop(x, np.zeros((3, 3)))


@pytest.mark.parametrize("kwargs,message", [
    (dict(eta=0), "eta must be a finite number > 0"),
    (dict(eta=-1.0), "eta must be a finite number > 0"),
    (dict(eta=float("nan")), "eta must be a finite number > 0"),
    (dict(eta="fast"), "eta must be a number"),
    (dict(mini_batch_size=0), "mini_batch_size must be a positive integer"),
    (dict(mini_batch_size=2.5), "mini_batch_size must be a positive integer"),
    (dict(epochs=-1), "epochs must be a non-negative integer"),
    (dict(lmbda=-0.1), "lmbda must be a finite number >= 0"),
])
def test_bad_hyper_parameters(kwargs, message):
    args = dict(epochs=1, mini_batch_size=10, eta=1.0, lmbda=0.0) | kwargs
    with pytest.raises(ValueError, match=message):
        sgd(Network([4, 3, 2], rng=0), _toy_data(), **args)


def test_bad_training_data():
    with pytest.raises(ValueError, match=r"training_data must be a Dataset or a pair \(images, labels\); got ndarray"):
        sgd(Network([4, 3, 2], rng=0), np.zeros((5, 4)), 1, 10, 1.0)
    with pytest.raises(ValueError, match=r"training_data images must have shape \(m, 4\)"):
        sgd(Network([4, 3, 2], rng=0), (np.zeros((5, 3)), np.zeros(5, int)), 1, 10, 1.0)


def test_unknown_cost_activation_and_init():
    with pytest.raises(ValueError, match="cost must be one of"):
        Network([2, 2], cost="hinge")
    with pytest.raises(ValueError, match="activation must be one of"):
        Network([2, 2], activation="softplus")
    with pytest.raises(ValueError, match="init must be one of"):
        Network([2, 2], init="xavier")


def test_cross_entropy_refuses_non_sigmoid_outputs():
    # Refused when the network is built (chapter 3's contract), not at the first backprop.
    with pytest.raises(ValueError, match="cost='cross-entropy' assumes sigmoid output neurons; "
                                         "got output_activation='tanh'"):
        Network([2, 2], cost="cross-entropy", activation="tanh", rng=0)
    # Its delta still refuses other neurons when called directly.
    with pytest.raises(ValueError, match="assumes sigmoid output neurons"):
        costs.CrossEntropyCost.delta(np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((1, 2)),
                                     activations.tanh)


def test_sigmoid_is_overflow_safe():
    z = np.array([-1e4, -800.0, 0.0, 800.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = activations.sigmoid.fn(z)
        p = activations.sigmoid.prime(z)
    np.testing.assert_allclose(s, [0, 0, 0.5, 1, 1])
    np.testing.assert_allclose(p, [0, 0, 0.25, 0, 0])


def test_cross_entropy_is_finite_for_saturated_correct_outputs():
    a = np.array([[1.0, 0.0]])
    y = np.array([[1.0, 0.0]])
    assert costs.CrossEntropyCost.fn(a, y)[0] == 0.0
    assert np.isinf(costs.CrossEntropyCost.fn(np.array([[0.0, 0.0]]), y)[0])


def test_errors_are_the_per_example_derivatives_of_the_cost():
    # delta^l_j = dC_x / dz^l_j: nudge z^l_j of one example by h (through its bias, for a
    # batch of one) and watch that example's cost.
    rng = np.random.default_rng(8)
    net = Network([3, 4, 2], rng=9)
    x, y = rng.random((1, 3)), np.array([1])
    deltas, acts = net.errors(x, y)
    assert [d.shape for d in deltas] == [(1, 4), (1, 2)] and acts[0] is not None
    h = 1e-6
    for l, b in enumerate(net.biases):
        for j in range(b.size):
            b[j] += h
            up = net.total_cost(x, y)
            b[j] -= 2 * h
            down = net.total_cost(x, y)
            b[j] += h
            assert deltas[l][0, j] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-10)


# ---- chapter 3: every allowed cost and neuron, with and without regularization -------------------

ELEMENTWISE = ["sigmoid", "tanh", "relu", "identity"]
# (cost, hidden activation, output activation) for every combination a Network accepts.
ALLOWED = ([("quadratic", hidden, out) for hidden in ELEMENTWISE for out in ELEMENTWISE]
           + [("cross-entropy", hidden, "sigmoid") for hidden in ELEMENTWISE]
           + [("log-likelihood", hidden, "softmax") for hidden in ELEMENTWISE])
H = 1e-5


def _away_from_kinks(cost, hidden, output, m=5):
    """A [4, 5, 3, 3] float64 network and a mini-batch in which no weighted input of a ReLU
    layer and no weight lies within 100 h of 0, where ReLU and |w| have kinks that a central
    difference would straddle. Seeds are tried in order, so the choice is deterministic."""
    for seed in range(100):
        rng = np.random.default_rng(seed)
        net = Network([4, 5, 3, 3], cost=cost, activation=hidden, output_activation=output,
                      rng=seed + 1000)
        x = rng.standard_normal((m, 4))
        y = rng.integers(0, 3, size=m)
        zs, _ = net.forward(x)
        fs = net.activation_functions()
        kinked = [z for z, f in zip(zs, fs) if f.name == "relu"]
        if all(np.abs(z).min() > 100 * H for z in kinked) and \
                all(np.abs(w).min() > 100 * H for w in net.weights):
            return net, x, y
    raise AssertionError("no seed keeps the inputs away from the kinks")


@pytest.mark.parametrize("regularization,lmbda", [("L2", 0.0), ("L2", 3.0), ("L1", 3.0)])
@pytest.mark.parametrize("cost,hidden,output", ALLOWED)
def test_backprop_agrees_with_gradcheck_for_every_allowed_network(cost, hidden, output,
                                                                   regularization, lmbda):
    from nnbook import gradcheck

    net, x, y = _away_from_kinks(cost, hidden, output)
    kw = dict(lmbda=lmbda, n=20, regularization=regularization)
    numeric = gradcheck.numerical_gradient(net, x, y, h=H, **kw)
    analytic = gradcheck.analytic_gradient(net, x, y, **kw)
    assert gradcheck.relative_error(numeric, analytic) < 1e-7
    if lmbda:  # the term is really there: (lmbda / n) w or (lmbda / n) sgn(w)
        _, plain_w = net.backprop(x, y)
        term = (lmbda / 20) * (net.weights[0] if regularization == "L2" else np.sign(net.weights[0]))
        np.testing.assert_allclose(numeric[1][0] - plain_w[0], term, atol=1e-8)


def test_softmax_network_outputs_distributions_and_backprop_uses_the_output_neuron():
    net, x, y = _away_from_kinks("log-likelihood", "tanh", "softmax")
    a = net.feedforward(x)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-14)
    zs, acts = net.forward(x)
    np.testing.assert_array_equal(acts[1], np.tanh(zs[0]))
    np.testing.assert_array_equal(acts[-1], activations.softmax.fn(zs[-1]))
    deltas, _ = net.errors(x, y)
    np.testing.assert_array_equal(deltas[-1], acts[-1] - one_hot(y, 3))  # BP1: a - y


def test_l1_step_matches_equation_97():
    rng = np.random.default_rng(3)
    net = Network([3, 2], rng=4)
    net.weights[0][0, 0] = 0.0  # sgn(0) = 0: only the gradient moves it
    x, y = rng.random((5, 3)), rng.integers(0, 2, 5)
    w0 = net.weights[0].copy()
    _, nabla_w = net.backprop(x, y)
    update_mini_batch(net, x, y, eta=0.5, lmbda=5.0, n=100, regularization="L1")
    np.testing.assert_allclose(net.weights[0], w0 - 0.5 * 5.0 / 100 * np.sign(w0) - 0.5 * nabla_w[0],
                               rtol=1e-15)
    assert net.weights[0][0, 0] == -0.5 * nabla_w[0][0, 0]


def test_update_mini_batch_refuses_unknown_regularization():
    net = Network([3, 2], rng=0)
    with pytest.raises(ValueError, match=r"regularization must be one of \['L1', 'L2'\]; got 'l2'"):
        update_mini_batch(net, np.zeros((1, 3)), np.array([0]), 0.1, regularization="l2")


# ---- momentum -------------------------------------------------------------------------------------

def _velocities(net):
    return [np.zeros_like(p) for p in net.parameters()]


@pytest.mark.parametrize("cost,hidden,output", [("quadratic", "sigmoid", "sigmoid"),
                                                ("log-likelihood", "relu", "softmax")])
def test_momentum_with_mu_0_is_plain_gradient_descent_bit_for_bit(cost, hidden, output):
    net, x, y = _away_from_kinks(cost, hidden, output, m=8)
    plain = Network([4, 5, 3, 3], cost=cost, activation=hidden, output_activation=output, rng=0)
    for p, q in zip(plain.parameters(), net.parameters()):
        p[...] = q
    velocities = _velocities(net)
    for _ in range(5):
        update_mini_batch(plain, x, y, 0.7)
        update_mini_batch(net, x, y, 0.7, mu=0.0, velocities=velocities)
    assert all(np.array_equal(p, q) for p, q in zip(plain.parameters(), net.parameters()))
    assert any(np.abs(v).max() > 0 for v in velocities)


def test_momentum_with_mu_0_and_l2_is_plain_weight_decay_up_to_rounding():
    net, x, y = _away_from_kinks("cross-entropy", "sigmoid", "sigmoid", m=8)
    plain = Network([4, 5, 3, 3], cost="cross-entropy", rng=0)
    for p, q in zip(plain.parameters(), net.parameters()):
        p[...] = q
    velocities = _velocities(net)
    for _ in range(5):
        update_mini_batch(plain, x, y, 0.7, lmbda=5.0, n=50)
        update_mini_batch(net, x, y, 0.7, lmbda=5.0, n=50, mu=0.0, velocities=velocities)
    for p, q in zip(plain.parameters(), net.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-13, atol=1e-15)


def test_momentum_step_is_equations_107_and_108():
    # Two steps by hand on a [1, 1] identity neuron with quadratic cost, x = 1, y = 0:
    # C = (w + b)^2 / 2 (+ the L2 term lmbda w^2 / 2n), so dC/dw = w + b + (lmbda / n) w and
    # dC/db = w + b. With w = 1, b = 0.5, eta = 0.1, mu = 0.5, lmbda / n = 0.2:
    #   step 1: gw = 1.7, gb = 1.5;  v = (-0.17, -0.15);  w = 0.83,  b = 0.35
    #   step 2: gw = 1.18 + 0.166 = 1.346, gb = 1.18
    #           v = (0.5 * -0.17 - 0.1346, 0.5 * -0.15 - 0.118) = (-0.2196, -0.193)
    #           w = 0.6104,  b = 0.157
    net = Network([1, 1], activation="identity", rng=0)
    net.weights[0][...] = 1.0
    net.biases[0][...] = 0.5
    velocities = _velocities(net)
    for _ in range(2):
        update_mini_batch(net, np.array([[1.0]]), np.array([[0.0]]), 0.1, lmbda=2.0, n=10,
                              mu=0.5, velocities=velocities)
    assert velocities[0][0, 0] == pytest.approx(-0.2196) and velocities[1][0] == pytest.approx(-0.193)
    assert net.weights[0][0, 0] == pytest.approx(0.6104) and net.biases[0][0] == pytest.approx(0.157)


def test_momentum_rolls_down_a_long_narrow_bowl_faster():
    # Least squares with a linear neuron: the cost is a quadratic bowl whose curvatures differ
    # by a factor of about 100 (inputs of scale 1 and 0.1). Plain gradient descent crawls along
    # the flat direction, momentum (mu = 0.9, same eta) gets to the bottom.
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 2)) * [1.0, 0.1]
    y = (x @ [2.0, -3.0] + 0.5 + 0.01 * rng.standard_normal(200)).reshape(-1, 1)
    solution, *_ = np.linalg.lstsq(np.c_[x, np.ones(200)], y, rcond=None)

    def distance(net):
        return np.linalg.norm(np.r_[net.weights[0].ravel(), net.biases[0]] - solution.ravel())

    nets = {}
    for mu in (0.0, 0.9):
        net = Network([2, 1], activation="identity", rng=1)
        velocities = _velocities(net) if mu else None
        for _ in range(300):
            update_mini_batch(net, x, y, 1.0, mu=mu, velocities=velocities)
        nets[mu] = net
    assert distance(nets[0.9]) < 1e-3 < 1e-1 < distance(nets[0.0])


@pytest.mark.parametrize("mu", [-0.1, 1.0, 1.5, float("nan")])
def test_momentum_step_refuses_mu_outside_0_1(mu):
    net = Network([2, 1], rng=0)
    with pytest.raises(ValueError, match=r"mu must be a number in \[0, 1\)"):
        update_mini_batch(net, np.zeros((1, 2)), np.array([0]), 0.1, mu=mu, velocities=_velocities(net))


def test_momentum_needs_velocities():
    net = Network([2, 1], rng=0)
    with pytest.raises(ValueError, match="momentum needs velocities: 2 arrays shaped like"):
        update_mini_batch(net, np.zeros((1, 2)), np.array([0]), 0.1, mu=0.5)
    with pytest.raises(ValueError, match="momentum needs velocities"):
        update_mini_batch(net, np.zeros((1, 2)), np.array([0]), 0.1, mu=0.5, velocities=[np.zeros(1)])


# ---- dropout masks in the forward and backward passes -----------------------------------------

def _masked_cost(net, x, y, masks):
    _, acts = net.forward(x, masks)
    return float(np.mean(net.cost.fn(acts[-1], net.check_targets(y, len(x)))))


@pytest.mark.parametrize("cost,hidden,output", [("quadratic", "sigmoid", "sigmoid"),
                                                ("log-likelihood", "tanh", "softmax")])
def test_backprop_with_dropout_masks_is_the_gradient_of_the_thinned_network(cost, hidden, output):
    from nnbook import gradcheck

    net, x, y = _away_from_kinks(cost, hidden, output, m=6)
    rng = np.random.default_rng(5)
    masks = [(rng.random((6, n)) >= 0.5) * 2.0 for n in (5, 3)]
    nabla_b, nabla_w = net.backprop(x, y, masks)
    numeric = []
    for p in net.parameters():
        g = np.empty_like(p)
        for i in np.ndindex(p.shape):
            g[i] = gradcheck.central_difference(lambda: _masked_cost(net, x, y, masks), p, i, H)
        numeric.append(g)
    analytic = [g for pair in zip(nabla_w, nabla_b) for g in pair]
    assert gradcheck.relative_error(numeric, analytic) < 1e-7
    # Without the masks the gradient is clearly different.
    unmasked_b, unmasked_w = net.backprop(x, y)
    assert gradcheck.relative_error(nabla_w + nabla_b, unmasked_w + unmasked_b) > 1e-2


def test_a_neuron_dropped_for_the_whole_mini_batch_gets_and_gives_nothing():
    net = Network([4, 5, 3], rng=0)
    x, y = np.random.default_rng(1).random((6, 4)), np.arange(6) % 3
    mask = np.array([2.0, 0.0, 2.0, 2.0, 0.0])  # (n_l,): the same neurons for every example
    nabla_b, nabla_w = net.backprop(x, y, [mask])
    for j in (1, 4):
        assert np.all(nabla_w[0][j] == 0) and nabla_b[0][j] == 0  # its incoming weights, bias
        assert np.all(nabla_w[1][:, j] == 0)  # its outgoing weights
    _, acts = net.forward(x, [mask])
    assert np.all(acts[1][:, [1, 4]] == 0)


def test_masks_of_ones_change_nothing_bit_for_bit():
    net, x, y = _away_from_kinks("quadratic", "sigmoid", "sigmoid", m=6)
    other = Network([4, 5, 3, 3], rng=0)
    for p, q in zip(other.parameters(), net.parameters()):
        p[...] = q
    ones = [np.ones((6, 5)), np.ones((6, 3))]
    update_mini_batch(net, x, y, 0.5, masks=ones)
    update_mini_batch(other, x, y, 0.5)
    assert all(np.array_equal(p, q) for p, q in zip(net.parameters(), other.parameters()))


def test_masks_must_match_the_hidden_layers():
    net = Network([4, 5, 3, 3], rng=0)
    with pytest.raises(ValueError, match=r"masks must hold one array per hidden layer \(2\); got 1"):
        net.forward(np.zeros((1, 4)), [np.ones((1, 5))])
