"""Weight sizes and the response to input noise of a trained network (chapter 3)."""

import numpy as np
import pytest

from nnbook.network import Network
from nnbook.studies.sensitivity import Sensitivity, noise_sensitivity, weight_rms


def small_net(scale=1.0, seed=0):
    net = Network([6, 5, 3], cost="cross-entropy", init="scaled", rng=seed)
    net.weights = [scale * w for w in net.weights]
    return net


def test_weight_rms_by_hand():
    net = small_net()
    net.weights = [np.full((5, 6), -2.0), np.array([[3.0, 4.0, 0, 0, 0]] * 3)]
    # layer 2: squares 9 + 16 = 25 in each row of five: mean 5, root mean square sqrt(5)
    assert weight_rms(net) == pytest.approx([2.0, np.sqrt(5.0)])


def test_no_noise_moves_nothing():
    x = np.random.default_rng(1).random((20, 6))
    s = noise_sensitivity(small_net(), x, 0.0, rng=2)
    assert s == Sensitivity(sigma=0.0, output_change=0.0, flipped=0.0, n=20)


def test_change_matches_a_direct_computation():
    net, x = small_net(), np.random.default_rng(1).random((30, 6))
    s = noise_sensitivity(net, x, 0.1, rng=5)
    e = 0.1 * np.random.default_rng(5).standard_normal(x.shape)
    expected = np.mean(np.linalg.norm(net.feedforward(x + e) - net.feedforward(x), axis=1))
    assert s.output_change == pytest.approx(expected, rel=1e-12)
    flips = np.mean(net.predict(x + e) != net.predict(x))
    assert s.flipped == pytest.approx(flips)


def test_larger_weights_respond_more_to_the_same_noise():
    x = np.random.default_rng(1).random((200, 6))
    gentle = noise_sensitivity(small_net(0.5), x, 0.05, rng=3)
    steep = noise_sensitivity(small_net(4.0), x, 0.05, rng=3)
    assert steep.output_change > 2 * gentle.output_change


def test_small_noise_response_is_linear_in_sigma():
    net, x = small_net(), np.random.default_rng(1).random((50, 6))
    one = noise_sensitivity(net, x, 1e-4, rng=7).output_change
    two = noise_sensitivity(net, x, 2e-4, rng=7).output_change
    assert two / one == pytest.approx(2.0, rel=1e-3)


@pytest.mark.parametrize("sigma", [-0.1, float("nan"), "a lot"])
def test_bad_sigma(sigma):
    with pytest.raises(ValueError, match="sigma must be"):
        noise_sensitivity(small_net(), np.zeros((2, 6)), sigma)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"x must have shape \(m, 6\)"):
        noise_sensitivity(small_net(), np.zeros((2, 5)), 0.1)
    with pytest.raises(ValueError, match="at least one input row"):
        noise_sensitivity(small_net(), np.zeros((0, 6)), 0.1)
    with pytest.raises(ValueError, match="net must be an nnbook.network.Network; got list"):
        weight_rms([np.ones((2, 2))])
