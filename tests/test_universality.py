"""Chapter 4's constructions: steps, bumps, the N-bump lookup table, towers, windows of failure."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnbook import universality as u
from nnbook.activations import sigmoid

X = np.linspace(0, 1, 2001)


# ---- steps ------------------------------------------------------------------------------------

def test_a_large_weight_does_not_overflow():
    x = np.linspace(-5, 5, 101)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = u.neuron(x, 1000.0, -400.0)
        z = u.step(x, 0.4, w=1e6)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(z))
    assert y[0] == 0.0 and y[-1] == 1.0


def test_neuron_is_sigmoid_of_the_weighted_input():
    x = np.array([0.0, 0.25, 1.0])
    np.testing.assert_allclose(u.neuron(x, 8.0, -4.0), 1 / (1 + np.exp(-(8 * x - 4))))
    np.testing.assert_allclose(u.neuron(x, 8.0, -4.0, activation="tanh"), np.tanh(8 * x - 4))


def test_step_position_is_minus_b_over_w():
    assert u.step_position(100.0, -40.0) == pytest.approx(0.4)
    assert u.step_position(-2.0, 1.0) == pytest.approx(0.5)
    # The step's output crosses one half exactly at s = -b/w.
    s = u.step_position(100.0, -40.0)
    assert u.neuron(np.array(s), 100.0, -40.0) == pytest.approx(0.5)
    x = np.linspace(0, 1, 1001)
    y = u.step(x, 0.4, w=1000.0)
    assert np.all(y[x < 0.39] < 1e-4) and np.all(y[x > 0.41] > 1 - 1e-4)


@pytest.mark.parametrize("w", [10.0, 100.0, 999.0])
def test_sigmoid_step_width_is_2_ln_19_over_w(w):
    assert u.step_width(w) == pytest.approx(2 * math.log(19) / w, rel=1e-12)
    # The numerical route (a plain callable is not recognised as the sigmoid) agrees.
    assert u.step_width(w, lambda z: sigmoid(z)) == pytest.approx(2 * math.log(19) / w, rel=1e-6)
    # And the width is what the step really does: 0.05 and 0.95 at its ends.
    half = u.step_width(w) / 2
    assert u.step(np.array([0.5 - half, 0.5 + half]), 0.5, w) == pytest.approx([0.05, 0.95])


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "sigmoid_like"])
def test_step_width_shrinks_as_the_weight_grows(activation):
    widths = [u.step_width(w, activation) for w in (5.0, 50.0, 500.0, 5000.0)]
    assert all(b < a for a, b in zip(widths, widths[1:]))
    # Exactly as 1/w: the shape in z = w x + b does not change.
    np.testing.assert_allclose(np.array(widths) * [5, 50, 500, 5000], widths[0] * 5, rtol=1e-6)


def test_tanh_step_is_half_as_wide_as_the_sigmoid_step():
    # tanh(z) = 2 sigma(2z) - 1: the same step, twice as steep in z.
    assert u.step_width(100.0, "tanh") == pytest.approx(math.log(19) / 100, rel=1e-6)


def test_a_step_goes_between_the_activation_limits():
    x = np.array([-1.0, 2.0])
    np.testing.assert_allclose(u.step(x, 0.5, activation="tanh"), [-1.0, 1.0])
    np.testing.assert_allclose(u.step(x, 0.5, activation="sigmoid_like"), [0.0, 1.0], atol=1e-12)
    assert u.limits("tanh") == (-1.0, 1.0)
    assert u.limits(u.sigmoid_like) == pytest.approx((0.0, 1.0))


def test_sigmoid_like_is_the_chapters_function():
    z = np.array([-1.0, 0.0, 0.3, 2.0])
    expected = 1 / (1 + np.exp(-z)) + 0.2 * np.sin(10 * z) * np.exp(-np.abs(z))
    np.testing.assert_allclose(u.sigmoid_like(z), expected)
    h = 1e-6
    numeric = (u.sigmoid_like.fn(z + h) - u.sigmoid_like.fn(z - h)) / (2 * h)
    np.testing.assert_allclose(u.sigmoid_like.prime(z), numeric, rtol=1e-6)


# ---- bumps ------------------------------------------------------------------------------------

@settings(max_examples=50, deadline=None)
@given(st.floats(0.05, 0.45), st.floats(0.1, 0.4), st.floats(-3, 3).filter(lambda h: abs(h) > 0.1),
       st.sampled_from(["sigmoid", "tanh", "sigmoid_like"]))
def test_bump_has_height_h_on_its_support_and_zero_outside(s1, length, h, activation):
    s2 = s1 + length
    w = 1e4
    x = np.linspace(0, 1, 1001)
    y = u.bump(x, s1, s2, h, w, activation)
    inside = (x > s1 + 0.01) & (x < s2 - 0.01)
    outside = (x < s1 - 0.01) | (x > s2 + 0.01)
    np.testing.assert_allclose(y[inside], h, atol=1e-6 * abs(h))
    np.testing.assert_allclose(y[outside], 0.0, atol=1e-6 * abs(h))


def test_bumps_add_up_consecutive_bumps():
    edges, heights = [0.0, 0.2, 0.5, 1.0], [0.6, -1.2, 0.3]
    x = np.array([0.1, 0.35, 0.7, 1.5])
    np.testing.assert_allclose(u.bumps(x, edges, heights), [0.6, -1.2, 0.3, 0.0], atol=1e-12)
    separate = sum(u.bump(X, edges[j], edges[j + 1], heights[j]) for j in range(3))
    np.testing.assert_allclose(u.bumps(X, edges, heights), separate, atol=1e-12)


# ---- the N-bump network -----------------------------------------------------------------------

def test_goal_and_inverse_sigmoid():
    assert u.goal(0.0) == pytest.approx(0.25)
    x = 0.3
    assert u.goal(x) == pytest.approx(
        0.2 + 0.4 * x**2 + 0.3 * x * math.sin(15 * x) + 0.05 * math.cos(50 * x))
    y = np.array([0.1, 0.5, 0.9])
    np.testing.assert_allclose(sigmoid(u.inverse_sigmoid(y)), y)
    assert u.inverse_sigmoid(0.5) == 0.0


def test_lookup_heights_are_sigma_inverse_of_f_at_the_bump_centres():
    h = u.lookup_heights(u.goal, 4)
    np.testing.assert_allclose(h, u.inverse_sigmoid(u.goal(np.array([1, 3, 5, 7]) / 8)))
    # For tanh output neurons: tanh^-1 of f.
    np.testing.assert_allclose(u.lookup_heights(u.goal, 4, "tanh"),
                               np.arctanh(u.goal(np.array([1, 3, 5, 7]) / 8)))


def test_bump_network_layout():
    net = u.BumpNetwork.fit(u.goal, 5, w=1000.0)
    assert net.hidden_weights.shape == net.hidden_biases.shape == net.output_weights.shape == (10,)
    np.testing.assert_allclose(net.edges, [0, 0.2, 0.4, 0.6, 0.8, 1.0])
    positions = -net.hidden_biases / net.hidden_weights
    np.testing.assert_allclose(positions, [-0.1, 0.2, 0.2, 0.4, 0.4, 0.6, 0.6, 0.8, 0.8, 1.1])
    np.testing.assert_allclose(net.output_weights[::2], net.heights)
    np.testing.assert_allclose(net.output_weights[1::2], -net.heights)
    assert net.output_bias == 0.0
    # On each bump's centre the output is f there, to within the steps' tails.
    centres = (np.arange(5) + 0.5) / 5
    np.testing.assert_allclose(net.weighted_output(centres), net.heights, atol=1e-12)
    np.testing.assert_allclose(net.output(centres), u.goal(centres), atol=1e-12)
    # margin=0 puts the outer steps at 0 and 1, where the output is only half a step.
    book = u.BumpNetwork.fit(u.goal, 5, w=1000.0, margin=0)
    assert book.weighted_output(0.0) == pytest.approx(book.heights[0] / 2)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "sigmoid_like"])
def test_error_falls_as_n_grows(activation):
    rows = u.approximation_errors(u.goal, [5, 10, 20, 50], w=1000.0, activation=activation)
    assert [r["n"] for r in rows] == [5, 10, 20, 50]
    worst = [r["max"] for r in rows]
    mean = [r["mean"] for r in rows]
    assert all(b < 0.7 * a for a, b in zip(worst, worst[1:])), worst
    assert all(b < 0.7 * a for a, b in zip(mean, mean[1:])), mean
    assert worst[-1] < 0.06


def test_too_small_a_weight_spoils_the_lookup_table():
    # With w = 20 the steps are wider than the bumps of N = 50: no better than N = 5 at w = 1000.
    sharp = u.BumpNetwork.fit(u.goal, 50, w=1000.0).error(u.goal)["max"]
    blurred = u.BumpNetwork.fit(u.goal, 50, w=20.0).error(u.goal)["max"]
    assert blurred > 3 * sharp


# ---- the design challenge ---------------------------------------------------------------------

def test_design_solution_succeeds_and_zero_heights_fail():
    best = u.design_solution()
    assert best.shape == (5,)
    assert u.design_score(best) < u.DESIGN_THRESHOLD
    assert u.design_score(np.zeros(5)) > u.DESIGN_THRESHOLD
    # It is the minimum: moving any one height never helps, and moving it far makes it worse.
    for j in range(5):
        for delta in (-0.5, -0.01, 0.01, 0.5):
            moved = best.copy()
            moved[j] += delta
            assert u.design_score(moved) >= u.design_score(best) - 1e-12
            if abs(delta) == 0.5:
                assert u.design_score(moved) > u.design_score(best) + 0.01


def test_design_score_by_hand():
    # The score is a plain mean of 100 absolute deviations, bump j = i // 20.
    heights = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
    i = np.arange(100)
    target = np.log(u.goal(i / 100) / (1 - u.goal(i / 100)))
    by_hand = np.mean(np.abs(target - heights[i // 20]))
    assert u.design_score(heights) == pytest.approx(by_hand, rel=1e-12)
    # The same grid given explicitly gives the same score: floor(5x) lands on the right bump.
    assert u.design_score(heights, x=np.arange(100) / 100) == pytest.approx(by_hand, rel=1e-12)
    np.testing.assert_allclose(u.design_target(i / 100), target)
