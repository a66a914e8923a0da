"""Costs and regularization terms: values, output errors delta^L, and the combinations refused."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnbook import activations, costs, regularizers
from nnbook.network import Network
from nnbook.train import update_mini_batch


# ---- the log-likelihood cost --------------------------------------------------------------------

def test_log_likelihood_is_minus_ln_of_the_right_output():
    a = np.array([[0.7, 0.2, 0.1], [0.25, 0.25, 0.5]])
    y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(costs.LogLikelihoodCost.fn(a, y), [-np.log(0.7), -np.log(0.5)],
                               rtol=1e-15)
    assert costs.get("log-likelihood") is costs.LogLikelihoodCost


def test_log_likelihood_is_finite_for_saturated_outputs_that_are_right():
    z = np.array([[1000.0, 0.0, -1000.0]])
    a = activations.softmax.fn(z)  # exactly [1, 0, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        right = costs.LogLikelihoodCost.fn(a, np.array([[1.0, 0.0, 0.0]]))
        wrong = costs.LogLikelihoodCost.fn(a, np.array([[0.0, 0.0, 1.0]]))
    assert right[0] == 0.0
    assert wrong[0] == np.inf  # the right class has probability 0: -ln 0


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, (3, 5), elements=st.floats(-30, 30)), st.lists(st.integers(0, 4), min_size=3, max_size=3))
def test_log_likelihood_delta_is_the_derivative_of_the_cost(z, labels):
    # delta^L = a - y (equation 84), against central differences of C_x(z) = -ln softmax(z)_y.
    y = np.eye(5)[labels]
    a = activations.softmax.fn(z)
    delta = costs.LogLikelihoodCost.delta(z, a, y, activations.softmax)
    np.testing.assert_array_equal(delta, a - y)
    h = 1e-6
    for k in range(5):
        dz = np.zeros_like(z)
        dz[:, k] = h
        up = costs.LogLikelihoodCost.fn(activations.softmax.fn(z + dz), y)
        down = costs.LogLikelihoodCost.fn(activations.softmax.fn(z - dz), y)
        np.testing.assert_allclose(delta[:, k], (up - down) / (2 * h), atol=1e-7)


def test_log_likelihood_delta_for_targets_that_do_not_sum_to_one():
    # -sum_j y_j ln a_j has derivative a sum(y) - y with respect to z.
    z = np.array([[0.2, -0.4, 1.0]])
    y = np.array([[0.5, 0.0, 1.0]])
    a = activations.softmax.fn(z)
    h = 1e-6
    numeric = [(costs.LogLikelihoodCost.fn(activations.softmax.fn(z + h * e), y)
                - costs.LogLikelihoodCost.fn(activations.softmax.fn(z - h * e), y))[0] / (2 * h)
               for e in np.eye(3)]
    np.testing.assert_allclose(costs.LogLikelihoodCost.delta(z, a, y, activations.softmax)[0],
                               numeric, rtol=1e-7)


def test_log_likelihood_delta_refuses_other_outputs():
    with pytest.raises(ValueError, match="LogLikelihoodCost.delta assumes softmax output neurons"):
        costs.LogLikelihoodCost.delta(np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((1, 2)),
                                      activations.sigmoid)


# ---- which output neurons each cost accepts ------------------------------------------------------

@pytest.mark.parametrize("kwargs,message", [
    (dict(cost="cross-entropy", activation="tanh"),
     "cost='cross-entropy' assumes sigmoid output neurons; got output_activation='tanh'"),
    (dict(cost="cross-entropy", output_activation="softmax"),
     "cost='cross-entropy' assumes sigmoid output neurons; got output_activation='softmax'"),
    (dict(cost="log-likelihood", output_activation="sigmoid"),
     "cost='log-likelihood' assumes softmax output neurons; got output_activation='sigmoid'"),
    (dict(cost="log-likelihood", activation="relu", output_activation="relu"),
     "cost='log-likelihood' assumes softmax output neurons; got output_activation='relu'"),
    (dict(cost="quadratic", output_activation="softmax"),
     "cost='quadratic' needs element-wise output neurons"),
    (dict(cost="log-likelihood", activation="softmax"),
     "activation is the neuron of the hidden layers and must act element-wise; got 'softmax'"),
    (dict(output_activation="softplus"), "activation must be one of"),
])
def test_incompatible_output_neurons_are_refused_when_the_network_is_built(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Network([3, 4, 2], rng=0, **kwargs)


def test_default_output_neurons():
    assert Network([3, 4, 2], cost="log-likelihood", rng=0).output_activation is activations.softmax
    tanh_ll = Network([3, 4, 2], cost="log-likelihood", activation="tanh", rng=0)
    assert tanh_ll.activation is activations.tanh and tanh_ll.output_activation is activations.softmax
    assert Network([3, 4, 2], activation="relu", rng=0).output_activation is activations.relu
    ce = Network([3, 4, 2], cost="cross-entropy", activation="relu", output_activation="sigmoid", rng=0)
    assert ce.activation_functions() == [activations.relu, activations.sigmoid]
    assert repr(ce) == ("Network([3, 4, 2], cost='cross-entropy', activation='relu', "
                        "output_activation='sigmoid', dtype=float64)")
    assert repr(Network([3, 2], rng=0)) == \
        "Network([3, 2], cost='quadratic', activation='sigmoid', dtype=float64)"
    # A cost instance is checked like its class.
    with pytest.raises(ValueError, match="assumes sigmoid output neurons"):
        Network([3, 2], cost=costs.CrossEntropyCost(), activation="tanh", rng=0)


# ---- regularization terms -----------------------------------------------------------------------

def test_regularization_terms_are_equations_87_and_95():
    weights = [np.array([[1.0, -2.0]]), np.array([[0.0], [3.0]])]
    assert regularizers.L2.fn(weights, 0.5, 10) == pytest.approx(0.5 * 0.5 / 10 * (1 + 4 + 0 + 9))
    assert regularizers.L1.fn(weights, 0.5, 10) == pytest.approx(0.5 / 10 * (1 + 2 + 0 + 3))
    np.testing.assert_array_equal(regularizers.L2.prime(weights[0], 0.5, 10), [[0.05, -0.1]])
    np.testing.assert_array_equal(regularizers.L1.prime(weights[1], 0.5, 10), [[0.0], [0.05]])


def test_l1_step_is_equation_97_with_sgn_0_equal_to_0():
    w = np.array([[0.3, -0.2, 0.0]])
    regularizers.L1.shrink(w, 0.5, 2.0, 10)  # eta lmbda / n = 0.1
    np.testing.assert_allclose(w, [[0.2, -0.1, 0.0]], rtol=1e-15)
    assert w[0, 2] == 0.0
    w = np.array([[0.3, -0.2, 0.0]])
    regularizers.L2.shrink(w, 0.5, 2.0, 10)
    np.testing.assert_allclose(w, [[0.27, -0.18, 0.0]], rtol=1e-15)


def test_total_cost_adds_the_chosen_term_with_the_given_n():
    net = Network([2, 2], rng=0)
    x, y = np.array([[0.5, -0.5]]), np.array([1])
    plain = net.total_cost(x, y)
    w = net.weights[0]
    assert net.total_cost(x, y, 3.0, 100) == pytest.approx(plain + 1.5 / 100 * np.sum(w * w))
    assert net.total_cost(x, y, 3.0, 100, "L1") == pytest.approx(plain + 3.0 / 100 * np.sum(np.abs(w)))
    assert net.total_cost(x, y, 3.0, regularization="L1") == pytest.approx(plain + 3.0 * np.sum(np.abs(w)))
    with pytest.raises(ValueError, match=r"regularization must be one of \['L1', 'L2'\]; got 'L3'"):
        net.total_cost(x, y, 3.0, 100, "L3")


@pytest.mark.parametrize("n", [None, 0, -5, True])
def test_regularization_needs_a_training_set_size(n):
    with pytest.raises(ValueError, match="n, the size of the training set, must be a positive number"):
        regularizers.L2.shrink(np.ones((1, 1)), 0.1, 1.0, n)
    net = Network([2, 2], rng=0)
    with pytest.raises(ValueError, match="n, the size of the training set"):
        update_mini_batch(net, np.zeros((1, 2)), np.array([0]), 0.1, lmbda=1.0, n=n)


@pytest.mark.parametrize("cost, output", [(costs.CrossEntropyCost, activations.sigmoid),
                                          (costs.LogLikelihoodCost, activations.softmax)])
def test_cost_from_z_equals_cost_from_a(cost, output):
    z = np.random.default_rng(0).normal(scale=3.0, size=(6, 4))
    y = np.eye(4)[[0, 1, 2, 3, 0, 1]]
    np.testing.assert_allclose(cost.fn_z(z, y), cost.fn(output.fn(z), y), rtol=1e-10)


def test_cross_entropy_of_a_confident_wrong_float32_output_is_finite():
    # sigma(40) rounds to exactly 1 in float32, so the cost computed from a is infinite;
    # computed from z it is the true value: ln(1 + e^40) for the first output, 3 + ln(1 + e^-3)
    # for the second.
    z = np.array([[40.0, -3.0]], dtype=np.float32)
    y = np.array([[0.0, 1.0]], dtype=np.float32)
    assert np.isinf(costs.CrossEntropyCost.fn(activations.sigmoid.fn(z), y)[0])
    assert costs.CrossEntropyCost.fn_z(z, y)[0] == pytest.approx(40.0 + np.log1p(np.exp(-40.0)) + 3.0 + np.log1p(np.exp(-3.0)), rel=1e-5)


def test_total_cost_of_a_saturated_float32_network_is_finite():
    from nnbook.network import Network

    net = Network([2, 2], cost="cross-entropy", rng=0, dtype=np.float32)
    net.weights[0][...] = [[50.0, 0.0], [0.0, 50.0]]
    net.biases[0][...] = 0.0
    x = np.array([[1.0, 0.0]], dtype=np.float32)
    assert np.isfinite(net.total_cost(x, np.array([1])))
