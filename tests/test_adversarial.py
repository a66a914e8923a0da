"""Adversarial examples (the gradient of the cost with respect to the input, the fast gradient
sign method, robustness curves) and the scaling of a network of ReLUs, both of chapter 6."""

import dataclasses

import numpy as np
import pytest

from nnbook import activations
from nnbook.convnet import (ConvPoolLayer, FullyConnectedLayer, Network, SoftmaxLayer,
                            architecture)
from nnbook.gradcheck import central_difference, relative_error
from nnbook.studies.adversarial import Robustness, fgsm, input_gradient, robustness
from nnbook.studies.scaling import ScalingCheck, relu_output_scaling
from nnbook.train import sgd
from test_convnet import toy_data  # 12 x 12 images whose label is the row of a bright bar


def small(first="conv", dtype=np.float64, dropout="inverted", p=0.0, seed=1):
    """A small smooth network on 12 x 12 images (tanh and sigmoid: no kinks for differences),
    its softmax weights random rather than zero so that the output depends on the input."""
    if first == "conv":
        layers = [ConvPoolLayer((1, 12, 12), 3, 5, 2, activations.tanh),
                  FullyConnectedLayer(48, 8, activations.sigmoid, p_dropout=p),
                  SoftmaxLayer(8, 10, p_dropout=p)]
    else:
        layers = [FullyConnectedLayer(144, 8, activations.tanh, p_dropout=p),
                  SoftmaxLayer(8, 10, p_dropout=p)]
    net = Network(layers, rng=seed, dtype=dtype, dropout=dropout)
    net.weights[-1][...] = np.random.default_rng(seed).standard_normal(net.weights[-1].shape)
    return net


def numerical_input_gradient(net, x, labels, h=1e-5):
    """dC/dx of each row's own cost -ln a_y, pixel by pixel, by central differences."""
    grad = np.empty_like(x)
    for i in range(len(x)):
        row = x[i:i + 1].copy()
        y = labels[i:i + 1]
        for j in range(x.shape[1]):
            grad[i, j] = central_difference(lambda: net.total_cost(row, y), row, (0, j), h)
    return grad


# ---- the gradient with respect to the input ------------------------------------------------------


@pytest.mark.parametrize("first", ["conv", "fc"])
@pytest.mark.parametrize("dropout, p", [("inverted", 0.0), ("inverted", 0.5), ("network3", 0.5)])
def test_input_gradient_matches_central_differences(first, dropout, p):
    net = small(first, dropout=dropout, p=p)
    rng = np.random.default_rng(3)
    x, labels = rng.random((3, 144)), np.array([1, 5, 9])
    backprop = input_gradient(net, x, labels)
    numeric = numerical_input_gradient(net, x, labels)
    assert np.abs(numeric).max() > 1e-3  # a real gradient, not one that is zero everywhere
    assert relative_error(backprop, numeric) < 1e-7


def test_the_test_time_network_is_differentiated_for_either_dropout_scaling():
    # With p > 0 the two scalings are different test-time functions of the same parameters: a
    # gradient that ignored network3's (1 - p) would match one of them only.
    x, labels = np.random.default_rng(4).random((2, 144)), np.array([0, 7])
    inverted = input_gradient(small("fc", dropout="inverted", p=0.5), x, labels)
    network3 = input_gradient(small("fc", dropout="network3", p=0.5), x, labels)
    assert relative_error(inverted, network3) > 1e-2


def test_input_gradient_is_each_images_own_and_the_same_in_any_batch():
    net = small("conv")
    rng = np.random.default_rng(5)
    x, labels = rng.random((260, 144)), rng.integers(0, 10, 260)  # two batches of 250, 10
    together = input_gradient(net, x, labels)
    for i in (0, 249, 250, 259):
        alone = input_gradient(net, x[i:i + 1], labels[i:i + 1])
        np.testing.assert_allclose(together[i:i + 1], alone, rtol=1e-10, atol=1e-14)


def test_input_gradient_keeps_the_shape_of_the_images_and_the_networks_dtype():
    net = small("conv", dtype=np.float32)
    x, labels = np.random.default_rng(6).random((4, 1, 12, 12)), np.array([0, 1, 2, 3])
    g = input_gradient(net, x, labels)
    assert g.shape == (4, 1, 12, 12) and g.dtype == np.float32
    np.testing.assert_array_equal(g.reshape(4, 144), input_gradient(net, x.reshape(4, 144), labels))
    assert input_gradient(net, np.zeros((0, 144)), labels[:0]).shape == (0, 144)


def test_the_callers_network_is_unchanged_and_trains_as_before():
    data = toy_data(60)
    net, twin = small("conv", dtype=np.float32, p=0.5), small("conv", dtype=np.float32, p=0.5)
    x, labels = data
    input_gradient(net, x, labels)
    fgsm(net, x, labels, 0.1)
    robustness(net, x, labels, [0.0, 0.1], rng=0)
    assert net.layers[0].input_gradient is False
    for p, q in zip(net.parameters(), twin.parameters()):
        np.testing.assert_array_equal(p, q)
    np.testing.assert_array_equal(net.feedforward(x), twin.feedforward(x))
    sgd(net, data, 1, 10, 0.1, rng=7, monitor_evaluation_accuracy=False)
    sgd(twin, data, 1, 10, 0.1, rng=7, monitor_evaluation_accuracy=False)
    for p, q in zip(net.parameters(), twin.parameters()):
        np.testing.assert_array_equal(p, q)


# ---- the fast gradient sign method --------------------------------------------------------------


def test_fgsm_moves_each_pixel_by_epsilon_along_the_gradients_sign_within_the_unit_box():
    net = small("conv", dtype=np.float32)
    x, labels = toy_data(40)
    x = np.asarray(x, dtype=np.float32)
    sign = np.sign(input_gradient(net, x, labels))
    for epsilon in (0.05, 0.3):
        adversarial = fgsm(net, x, labels, epsilon)
        assert adversarial.dtype == np.float32 and adversarial.shape == x.shape
        assert adversarial.min() >= 0 and adversarial.max() <= 1
        change = adversarial - x
        assert np.abs(change).max() <= epsilon * (1 + 1e-6)
        assert np.all(change * sign >= 0)  # never against the gradient
        inside = (x + epsilon * sign >= 0) & (x + epsilon * sign <= 1) & (sign != 0)
        np.testing.assert_allclose(np.abs(change[inside]), epsilon, rtol=1e-5)
    np.testing.assert_array_equal(fgsm(net, x, labels, 0.0), x)  # epsilon 0: unchanged


def test_fgsm_raises_each_images_cost_and_the_opposite_step_lowers_it():
    net = small("conv")
    rng = np.random.default_rng(8)
    x, labels = 0.1 + 0.8 * rng.random((5, 144)), rng.integers(0, 10, 5)  # no clipping at 1e-3
    sign = np.sign(input_gradient(net, x, labels))
    up = fgsm(net, x, labels, 1e-3)
    for i in range(5):
        cost = net.total_cost(x[i:i + 1], labels[i:i + 1])
        assert net.total_cost(up[i:i + 1], labels[i:i + 1]) > cost
        assert net.total_cost(x[i:i + 1] - 1e-3 * sign[i:i + 1], labels[i:i + 1]) < cost


@pytest.mark.parametrize("call, match", [
    (lambda n, x, y: fgsm(n, x, y, -0.1), r"epsilon must be a finite number >= 0; got -0.1"),
    (lambda n, x, y: fgsm(n, x, y, float("nan")), r"epsilon must be a finite number >= 0; got nan"),
    (lambda n, x, y: fgsm(n, x, y, "a"), r"epsilon must be a number; got 'a'"),
    (lambda n, x, y: fgsm(n, x[:, :100], y, 0.1), r"images must have shape \(m, 144\)"),
    (lambda n, x, y: fgsm(n, x.reshape(3, 1, 16, 9), y, 0.1), r"images must have shape"),
    (lambda n, x, y: fgsm(n, x, np.array([1, 2, 10]), 0.1), r"labels must lie in 0..9; .* to 10"),
    (lambda n, x, y: fgsm(n, x, np.array([-1, 2, 3]), 0.1), r"labels must lie in 0..9"),
    (lambda n, x, y: fgsm(n, x, y[:2], 0.1), r"labels must be 3 integer labels"),
    (lambda n, x, y: fgsm(n, x, y.astype(float), 0.1), r"labels must be 3 integer labels"),
    (lambda n, x, y: fgsm(n, 2 * x + 0.5, y, 0.1), r"images must have pixels in \[0, 1\]"),
    (lambda n, x, y: input_gradient(n, np.full_like(x, np.nan), y), r"images must hold finite numbers"),
    (lambda n, x, y: input_gradient(object(), x, y), r"net must be an nnbook.convnet.Network"),
    (lambda n, x, y: robustness(n, x, y, [], rng=0), r"epsilons must be a non-empty list"),
    (lambda n, x, y: robustness(n, x, y, 0.1, rng=0), r"epsilons must be a non-empty list"),
    (lambda n, x, y: robustness(n, x, y, np.array(0.1), rng=0), r"epsilons must be a non-empty"),
    (lambda n, x, y: robustness(n, x, y, [0, -1], rng=0), r"epsilons\[1\] must be a finite"),
    (lambda n, x, y: robustness(n, x[:0], y[:0], [0.1], rng=0), r"at least one image"),
])
def test_bad_arguments_are_refused_with_their_names(call, match):
    net = small("conv", dtype=np.float32)
    x, labels = np.random.default_rng(9).random((3, 144)), np.array([1, 2, 3])
    with pytest.raises(ValueError, match=match):
        call(net, x, labels)


# ---- on a network trained on real MNIST ------------------------------------------------------


@pytest.fixture(scope="module")
def trained(mnist):
    """Chapter 6's CP20 + softmax network ("6.2x") after one epoch on 5,000 training images
    (about 0.8 test accuracy, in about a second), and 500 test images."""
    from nnbook.studies.speed import one_blas_thread
    with one_blas_thread():
        net = architecture("6.2x", rng=0)
        sgd(net, mnist.training[:5000], 1, 10, 0.1, rng=1, monitor_evaluation_accuracy=False)
    return net, mnist.test[:500]


@pytest.mark.slow
def test_fast_gradient_sign_images_fool_a_trained_network_and_random_noise_does_not(trained):
    from nnbook.studies.speed import one_blas_thread
    net, (x, labels) = trained
    clean = net.accuracy(x, labels)
    assert clean > 0.7  # a network worth fooling
    epsilons = [0.0, 0.05, 0.1, 0.25]
    with one_blas_thread():
        result = robustness(net, x, labels, epsilons, rng=2)
    assert isinstance(result, Robustness)
    assert result.epsilons == epsilons
    assert all(type(v) is float for field in (result.epsilons, result.accuracy,
                                              result.noise_accuracy) for v in field)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.accuracy = []
    # epsilon 0 is the clean accuracy exactly, for both kinds of change
    assert result.accuracy[0] == clean and result.noise_accuracy[0] == clean
    # Measured: FGSM 0.79 -> 0.44, 0.15, 0.00; noise 0.81, 0.79, 0.73 (within 0.07 of clean).
    assert all(a >= b - 0.01 for a, b in zip(result.accuracy, result.accuracy[1:]))
    assert result.accuracy[-1] < clean - 0.4
    assert all(n > clean - 0.15 for n in result.noise_accuracy)
    for a, n in zip(result.accuracy[2:], result.noise_accuracy[2:]):
        assert a < n - 0.25  # the direction does the damage, not the size
    # the same seed draws the same noise
    assert robustness(net, x[:100], labels[:100], [0.1], rng=2) == robustness(
        net, x[:100], labels[:100], [0.1], rng=2)


# ---- scaling the weights of a network of ReLUs -------------------------------------------------


@pytest.mark.parametrize("sizes, c", [([5, 3], 3.0), ([10, 20, 5], 0.7), ([20, 30, 30, 10], 1.5),
                                      ([784, 30, 30, 30, 10], 3.0)])
def test_zero_bias_relu_output_scales_by_c_to_the_number_of_weight_layers(sizes, c):
    check = relu_output_scaling(sizes, c, rng=0)
    assert isinstance(check, ScalingCheck) and check.sizes == sizes and check.c == c
    assert check.predicted == c ** (len(sizes) - 1)
    assert check.ratio == pytest.approx(check.predicted, rel=1e-6)
    assert check.max_relative_error < 1e-6
    # one factor of c more or fewer would be far off: the test can tell the exponent
    for wrong in (c ** (len(sizes) - 2), c ** len(sizes)):
        assert abs(check.ratio / wrong - 1) > 0.2


def test_with_biases_the_output_does_not_scale_by_the_power():
    check = relu_output_scaling([10, 20, 20, 5], 3.0, rng=0, bias_std=1.0)
    assert abs(check.ratio / check.predicted - 1) > 0.05
    assert check.max_relative_error > 0.05


def test_a_softmax_output_grows_more_confident_without_changing_its_choice():
    check = relu_output_scaling([20, 30, 30, 10], 2.0, rng=1,
                                softmax_scales=[0.1, 0.5, 1.0, 2.0, 4.0])
    assert check.softmax_scales == [0.1, 0.5, 1.0, 2.0, 4.0]
    p = check.max_probability
    assert all(a < b for a, b in zip(p, p[1:]))  # more peaked as the weights grow
    assert p[0] < 0.11 and p[-1] > 0.9  # near uniform (1/10) for small c, near certain for large
    assert check.predictions_unchanged


@pytest.mark.parametrize("kw, match", [
    ({"c": 0.0}, r"c must be a finite number > 0; got 0.0"),
    ({"c": -2.0}, r"c must be a finite number > 0"),
    ({"c": float("nan")}, r"c must be a finite number > 0; got nan"),
    ({"n": 0}, r"n must be a positive integer; got 0"),
    ({"bias_std": -1.0}, r"bias_std must be a finite number >= 0"),
    ({"softmax_scales": []}, r"softmax_scales must be a non-empty list"),
    ({"softmax_scales": [1.0, 0.0]}, r"softmax_scales\[1\] must be a finite number > 0"),
    ({"sizes": [5]}, r"sizes must list at least two positive layer sizes"),
])
def test_bad_scaling_arguments_are_refused(kw, match):
    args = {"sizes": [5, 4, 3], "c": 2.0, **kw}
    with pytest.raises(ValueError, match=match):
        relu_output_scaling(args.pop("sizes"), args.pop("c"), rng=0, **args)
