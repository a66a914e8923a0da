"""Chapter 4's constructions: steps, bumps, the N-bump lookup table, towers, windows of failure."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnbook.studies import universality as u
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
    # tanh steps go from -1 to 1, and the bumps are divided by c - a = 2 to keep their heights.
    np.testing.assert_allclose(u.bumps(x, edges, heights, activation="tanh"),
                               [0.6, -1.2, 0.3, 0.0], atol=1e-12)
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


# ---- two inputs: steps, bumps, towers ---------------------------------------------------------

G = np.linspace(0, 1, 21)          # 0.05 apart: every point is 0.025 from the edges below


def test_step_2d_steps_in_one_input_only():
    x, y = G, G[:11]
    sx = u.step_2d(x, y, 0.52, axis="x")
    sy = u.step_2d(x, y, 0.23, axis="y")
    assert sx.shape == sy.shape == (11, 21)
    np.testing.assert_array_equal(sx, np.tile(u.step(x, 0.52), (11, 1)))
    np.testing.assert_array_equal(sy, np.tile(u.step(y, 0.23)[:, None], (1, 21)))
    assert sx[0, 10] < 1e-6 and sx[0, 11] > 1 - 1e-6
    assert sy[4, 0] < 1e-6 and sy[5, 0] > 1 - 1e-6


def test_bump_2d_is_a_strip():
    b = u.bump_2d(G, G, 0.325, 0.675, 0.6, axis="y")
    inside = (G > 0.325) & (G < 0.675)
    np.testing.assert_allclose(b[inside], 0.6, atol=1e-9)
    np.testing.assert_allclose(b[~inside], 0.0, atol=1e-9)
    np.testing.assert_allclose(u.bump_2d(G, G, 0.325, 0.675, 0.6, axis="x"), b.T)


@pytest.mark.parametrize("m, expected", [(1, -0.5), (2, -1.5), (3, -2.5), (5, -4.5)])
def test_tower_bias_is_minus_m_plus_a_half_times_h(m, expected):
    assert u.tower_bias(m, 1.0) == expected
    assert u.tower_bias(m, 10.0) == pytest.approx(10 * expected)


def test_a_tower_for_large_h():
    t = u.tower(G, G, (0.325, 0.675), (0.325, 0.675), h=30.0)
    inside = (G > 0.325) & (G < 0.675)
    box = inside[:, None] & inside[None, :]
    assert t.shape == (21, 21)
    # sigma(h/2) inside, at most sigma(-h/2) on the strips and sigma(-3h/2) elsewhere.
    np.testing.assert_allclose(t[box], expit_(15.0), rtol=1e-6)
    assert np.all(t[~box] <= expit_(-15.0) * (1 + 1e-6))
    assert t[10, 10] > 0.999 and t[0, 0] < 1e-15
    # output_weight scales it; the default bias is -3h/2.
    np.testing.assert_allclose(u.tower(G, G, (0.325, 0.675), (0.325, 0.675), 30.0,
                                       output_weight=0.7), 0.7 * t)
    np.testing.assert_allclose(u.tower(G, G, (0.325, 0.675), (0.325, 0.675), 30.0, bias=-45.0), t)


def test_small_h_is_not_a_tower():
    # h = 0.3: centre sigma(0.15), strips sigma(-0.15), outside sigma(-0.45) -- a gentle mound.
    t = u.tower(G, G, (0.325, 0.675), (0.325, 0.675), h=0.3)
    assert t[10, 10] == pytest.approx(expit_(0.15))
    assert t[10, 0] == pytest.approx(expit_(-0.15))
    assert t[0, 0] == pytest.approx(expit_(-0.45))
    assert t.max() - t.min() < 0.2


def test_a_wrong_bias_gives_no_tower():
    # With bias -h/2 the strips are as high as the tower: a cross, not a tower.
    t = u.tower(G, G, (0.325, 0.675), (0.325, 0.675), h=30.0, bias=-15.0)
    assert t[10, 10] > 0.999 and t[10, 0] > 0.5


def test_a_three_input_tower_uses_bias_minus_five_h_over_two():
    g = np.linspace(0.05, 0.95, 10)
    points = np.stack(np.meshgrid(g, g, g, indexing="ij"), axis=-1).reshape(-1, 3)
    box = [(0.3, 0.6), (0.2, 0.5), (0.4, 0.8)]
    inside = np.all([(points[:, i] > lo) & (points[:, i] < hi)
                     for i, (lo, hi) in enumerate(box)], axis=0)
    t = u.tower_nd(points, box, h=30.0)
    assert inside.sum() > 0 and (~inside).sum() > 0
    assert np.all(t[inside] > 0.999) and np.all(t[~inside] < 1e-6)
    # The two-input bias -3h/2 is too low for three inputs: points in two of the three slabs
    # light up as well.
    wrong = u.tower_nd(points, box, h=30.0, bias=u.tower_bias(2, 30.0))
    assert np.sum(wrong > 0.5) > inside.sum()
    # tower_nd on a grid is the two-input tower.
    pts = np.stack(np.meshgrid(G, G), axis=-1).reshape(-1, 2)
    np.testing.assert_allclose(u.tower_nd(pts, [(0.325, 0.675), (0.1, 0.4)], 5.0).reshape(21, 21),
                               u.tower(G, G, (0.325, 0.675), (0.1, 0.4), 5.0))


def test_many_towers_approximate_a_function_of_two_inputs():
    def f2(x, y):
        return 0.5 + 0.3 * np.sin(6 * x) * np.cos(4 * y)

    g = (np.arange(100) + 0.5) / 100     # at least 0.005 from every cell edge for n = 5, 10, 20
    target = f2(*np.meshgrid(g, g))
    errors = [np.abs(u.tower_network(f2, n, x=g, y=g) - target) for n in (5, 10, 20)]
    worst = [e.max() for e in errors]
    assert all(b < 0.6 * a for a, b in zip(worst, worst[1:])), worst
    assert worst[-1] < 0.05
    # The weighted input is the lookup table of sigma^-1 o f2, up to the strips' leak: each of
    # the 6 other towers in the cell's row and column adds about sigma(-h/2) v = 4.5e-5 v.
    weighted = u.tower_network(f2, 4, x=[0.125, 0.625], y=[0.375], weighted=True)
    np.testing.assert_allclose(weighted, u.inverse_sigmoid(f2(np.array([[0.125, 0.625]]), 0.375)),
                               atol=5e-4)


# ---- windows of failure -----------------------------------------------------------------------

def test_one_shift_is_the_bump_network():
    net = u.BumpNetwork.fit(u.goal, 10, w=300.0)
    np.testing.assert_allclose(u.shifted_approximation(u.goal, 10, 1, 300.0, X), net.output(X),
                               atol=1e-12)


def test_shifted_approximations_each_carry_one_mth():
    # With ideal steps, each A_k is 1/M of sigma^-1(f) at its cell's centre; at x = 0.01
    # (inside the first cell of every shift for N = 10, M = 2: cells [0, 0.1) and [0, 0.05)).
    weighted = u.shifted_approximation(u.goal, 10, 2, 1e7, np.array([0.01]), weighted=True)
    expected = (u.inverse_sigmoid(u.goal(0.05)) + u.inverse_sigmoid(u.goal(0.025))) / 2
    assert weighted[0] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("w", [300.0, 1000.0])
def test_shifted_approximations_reduce_the_worst_case_error(w):
    rows = u.failure_errors(u.goal, 10, [1, 2, 4], w)
    assert [r["M"] for r in rows] == [1, 2, 4]
    worst = [r["max"] for r in rows]
    assert worst[1] < 0.6 * worst[0] and worst[2] < 0.9 * worst[1], worst
    assert rows[2]["mean"] < rows[0]["mean"]


def test_shifted_approximations_shrink_the_error_inside_the_windows_of_failure():
    # Points within half a step width (0.05 to 0.95 of the way) of an inner edge of A_0: there
    # the single approximation is mid-step; with M shifts only one of the M terms is.
    n, w = 10, 300.0
    x = np.linspace(0, 1, 4001)
    window = np.min(np.abs(x[:, None] - np.arange(1, n) / n), axis=1) < u.step_width(w) / 2
    assert 0.05 < window.mean() < 0.2
    errors = [np.abs(u.shifted_approximation(u.goal, n, m, w, x) - u.goal(x))[window].max()
              for m in (1, 2, 4)]
    assert errors[1] < 0.6 * errors[0] and errors[2] < 0.8 * errors[1], errors


# ---- bad arguments ----------------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: u.inverse_sigmoid([0.5, 1.0]), "y must lie strictly between 0 and 1.*1.0"),
    (lambda: u.step(X, 0.5, w=0.0), "w must be positive; got 0.0"),
    (lambda: u.step(X, 0.5, w=-5.0), "w must be positive"),
    (lambda: u.step_position(0.0, 1.0), "w must not be 0"),
    (lambda: u.neuron(X, float("nan"), 0.0), "w must be a finite number"),
    (lambda: u.step(X, "a"), "s must be a finite number; got 'a'"),
    (lambda: u.step_width(10.0, low=0.9, high=0.1), "0 < low < high < 1"),
    (lambda: u.step(X, 0.5, activation="relu"), "distinct finite limits"),
    (lambda: u.step(X, 0.5, activation="identity"), "distinct finite limits"),
    (lambda: u.step(X, 0.5, activation="softplus"), "activation must be one of"),
    (lambda: u.step(X, 0.5, activation="softmax"), "element-wise"),
    (lambda: u.step(X, 0.5, activation=3), "activation must be a name"),
    (lambda: u.bumps(X, [0, 0.5, 1], [1.0]), "edges must have len\\(heights\\) \\+ 1 = 2"),
    (lambda: u.bumps(X, [0, 0.5, 0.4], [1.0, 2.0]), "edges must increase strictly"),
    (lambda: u.lookup_heights(u.goal, 0), "n must be an integer >= 1; got 0"),
    (lambda: u.lookup_heights(u.goal, 2.5), "n must be an integer"),
    (lambda: u.lookup_heights(lambda x: 2 * x, 4), "range.*y must lie strictly between"),
    (lambda: u.lookup_heights(u.goal, 4, "sigmoid_like"), "not monotone"),
    (lambda: u.lookup_heights(0.5, 4), "f must be a function"),
    (lambda: u.BumpNetwork.fit(u.goal, 5, margin=-0.1), "margin must be >= 0"),
    (lambda: u.approximation_errors(u.goal, [5, 0]), "ns entry must be an integer >= 1; got 0"),
    (lambda: u.design_score([0.0] * 4), "heights must have 5 entries.*got 4"),
    (lambda: u.design_score([0.0] * 5, x=[0.5, 1.5]), "x must lie in \\[0, 1\\]; got 1.5"),
    (lambda: u.step_2d(G, G, 0.5, axis="z"), "axis must be 'x' or 'y'; got 'z'"),
    (lambda: u.tower_bias(0, 1.0), "m must be an integer >= 1; got 0"),
    (lambda: u.tower(G, G, (0.7, 0.3), (0.1, 0.2), 1.0), "lo < hi"),
    (lambda: u.tower_nd(np.zeros((4, 3)), [(0, 1), (0, 1)], 1.0), "3 pairs"),
    (lambda: u.shifted_approximation(u.goal, 10, 0, 100.0, X), "m_shifts must be an integer"),
    (lambda: u.failure_errors(u.goal, 10, [1, -2], 100.0), "ms entry must be an integer"),
])
def test_bad_arguments_raise_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def expit_(z):
    return 1 / (1 + math.exp(-z))


# --------------------------------------------------------------------------------------------
# ReLU networks (the chapter's problem)


def test_relu_network_interpolates_at_the_knots_and_is_straight_between():
    net = u.relu_network(u.goal, 8)
    knots = np.arange(9) / 8
    np.testing.assert_allclose(net.output(knots), u.goal(knots), atol=1e-12)
    between = np.linspace(knots[2], knots[3], 7)
    np.testing.assert_allclose(np.diff(net.output(between), 2), 0.0, atol=1e-12)


def test_relu_network_is_max_of_zero_units_with_the_slope_changes_as_weights():
    net = u.relu_network(lambda x: x ** 2, 4)
    # chords of x^2 at 0, 1/4, 1/2, 3/4, 1 have slopes 1/4, 3/4, 5/4, 7/4: changes 1/4, 1/2, ...
    np.testing.assert_allclose(net.output_weights, [0.25, 0.5, 0.5, 0.5])
    np.testing.assert_allclose(net.knots, [0, 0.25, 0.5, 0.75])
    assert net.output_bias == 0.0


def test_relu_errors_fall_like_one_over_n_squared():
    rows = u.relu_errors(lambda x: np.sin(3 * x), [4, 8, 16, 32])
    errors = [row["max"] for row in rows]
    assert all(a > b for a, b in zip(errors, errors[1:]))
    assert errors[0] / errors[-1] > 40  # 8x more units: about 64x smaller
    assert errors[-1] <= 9 / (8 * 32 ** 2) + 1e-12  # max|f''| / (8 n^2)
    goal_rows = u.relu_errors(u.goal, [10, 100])
    assert goal_rows[1]["max"] < goal_rows[0]["max"] / 10


def test_relu_network_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n"):
        u.relu_network(u.goal, 0)
    with pytest.raises(ValueError, match="output_weights must have one entry per knot"):
        u.ReLUNetwork([0.0, 0.5], [1.0], 0.0)
