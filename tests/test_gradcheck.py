"""Finite-difference gradients against backpropagation, and the checker's own failure modes."""

import numpy as np
import pytest

from nnbook.gradcheck import (analytic_gradient, check, directional_check, numerical_gradient,
                              relative_error)
from nnbook.network import Network

# Every cost with every activation it accepts (the cross-entropy's BP1 assumes sigmoid outputs).
CASES = [
    ("quadratic", "sigmoid"),
    ("quadratic", "tanh"),
    ("quadratic", "relu"),
    ("quadratic", "identity"),
    ("cross-entropy", "sigmoid"),
]
SIZES = [4, 5, 3, 2]
H = 1e-5


def _problem(cost, activation, seed=0, m=6):
    """A small float64 network and mini-batch.

    ReLU has a kink at z = 0, where the central difference straddles two slopes and disagrees
    with either one-sided derivative. The check below makes sure no weighted input lies within
    100 h of 0 for ReLU, so every difference stays on one linear piece and the tight bound holds.
    """
    rng = np.random.default_rng(seed)
    net = Network(SIZES, cost=cost, activation=activation, rng=seed + 1)
    x = rng.standard_normal((m, SIZES[0]))
    y = rng.integers(0, SIZES[-1], size=m)
    if activation == "relu":
        zs, _ = net.forward(x)
        assert min(np.abs(z).min() for z in zs) > 100 * H, "pick another seed: a z is near the kink"
    return net, x, y


def _snapshot(net):
    return [p.copy() for p in net.parameters()]


def _unchanged(net, snapshot):
    return all(np.array_equal(p, q) for p, q in zip(net.parameters(), snapshot))


@pytest.mark.parametrize("lmbda", [0.0, 3.0])
@pytest.mark.parametrize("cost,activation", CASES)
def test_numerical_and_analytic_gradients_agree(cost, activation, lmbda):
    net, x, y = _problem(cost, activation)
    before = _snapshot(net)
    numeric = numerical_gradient(net, x, y, lmbda=lmbda, n=20)
    assert _unchanged(net, before), "numerical_gradient must restore every parameter exactly"
    analytic = analytic_gradient(net, x, y, lmbda=lmbda, n=20)
    for num, ana, params in zip(numeric, analytic, (net.biases, net.weights)):
        assert [g.shape for g in num] == [g.shape for g in ana] == [p.shape for p in params]
    assert relative_error(numeric, analytic) < 1e-7
    # The L2 term really is in there: without it, the gradients disagree clearly.
    if lmbda:
        plain = analytic_gradient(net, x, y)
        assert relative_error(numeric, plain) > 1e-3


def test_l2_term_uses_the_number_of_rows_when_n_is_not_given():
    net, x, y = _problem("quadratic", "sigmoid")
    _, with_default = analytic_gradient(net, x, y, lmbda=2.0)
    _, with_n = analytic_gradient(net, x, y, lmbda=2.0, n=len(x))
    _, plain = analytic_gradient(net, x, y)
    for a, b, c, w in zip(with_default, with_n, plain, net.weights):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a - c, 2.0 / len(x) * w, rtol=1e-12, atol=1e-15)
    numeric = numerical_gradient(net, x, y, lmbda=2.0)
    assert relative_error(numeric[1], with_default) < 1e-7


def test_central_difference_error_shrinks_like_h_squared():
    # A [1, 1] identity neuron with quadratic cost: C(w) = (w x + b - y)^2 / 2 is quadratic in w,
    # so the central difference is exact up to rounding, for any h.
    net = Network([1, 1], activation="identity", rng=0)
    x, y = np.array([[2.0]]), np.array([[0.5]])
    exact = analytic_gradient(net, x, y)
    for h in (1e-1, 1e-3, 1e-5):
        assert relative_error(numerical_gradient(net, x, y, h=h), exact) < 1e-9
    # With a sigmoid it is not quadratic: shrinking h 10-fold shrinks the error about 100-fold.
    net = Network([3, 2], rng=1)
    x, y = np.random.default_rng(2).standard_normal((4, 3)), np.array([0, 1, 1, 0])
    exact = analytic_gradient(net, x, y)
    e1 = relative_error(numerical_gradient(net, x, y, h=1e-1), exact)
    e2 = relative_error(numerical_gradient(net, x, y, h=1e-2), exact)
    assert 50 < e1 / e2 < 200


@pytest.mark.parametrize("lmbda", [0.0, 3.0])
@pytest.mark.parametrize("cost,activation", CASES)
def test_directional_check_agrees(cost, activation, lmbda):
    net, x, y = _problem(cost, activation)
    before = _snapshot(net)
    numeric, analytic = directional_check(net, x, y, rng=3, lmbda=lmbda, n=20)
    assert _unchanged(net, before)
    assert isinstance(numeric, float) and isinstance(analytic, float)
    assert abs(analytic) > 1e-4  # a real derivative, not 0 = 0
    assert relative_error(numeric, analytic) < 1e-7


def test_directional_check_direction_is_a_seeded_unit_vector():
    net, x, y = _problem("quadratic", "sigmoid")
    assert directional_check(net, x, y, rng=5) == directional_check(net, x, y, rng=5)
    assert directional_check(net, x, y, rng=5) != directional_check(net, x, y, rng=6)
    # grad C . v for the same seed's v, rebuilt here: standard normal in parameters() order, norm 1.
    rng = np.random.default_rng(5)
    v = [rng.standard_normal(p.shape) for p in net.parameters()]
    v = [d / np.sqrt(sum(np.sum(e * e) for e in v)) for d in v]
    nabla_b, nabla_w = net.backprop(x, y)
    grads = [g for pair in zip(nabla_w, nabla_b) for g in pair]
    expected = sum(np.sum(g * d) for g, d in zip(grads, v))
    assert directional_check(net, x, y, rng=5)[1] == pytest.approx(expected, rel=1e-12)


def test_directional_check_on_a_chapter_one_sized_network():
    net = Network([784, 30, 10], rng=0)
    rng = np.random.default_rng(1)
    x, y = rng.random((10, 784)), rng.integers(0, 10, 10)
    numeric, analytic = directional_check(net, x, y, rng=2)
    assert relative_error(numeric, analytic) < 1e-6


def test_check_rows_name_the_books_layers():
    net, x, y = _problem("quadratic", "sigmoid")
    rows = check(net, x, y)
    # [4, 5, 3, 2]: w^2 is 5x4, b^2 has 5; w^3 is 3x5, b^3 has 3; w^4 is 2x3, b^4 has 2.
    assert [(r["layer"], r["parameter"], r["count"]) for r in rows] == [
        (2, "weights", 20), (2, "biases", 5),
        (3, "weights", 15), (3, "biases", 3),
        (4, "weights", 6), (4, "biases", 2),
    ]
    assert sum(r["count"] for r in rows) == net.num_parameters()
    for r in rows:
        assert set(r) == {"layer", "parameter", "count", "relative_error", "max_abs_error"}
        assert 0 <= r["relative_error"] < 1e-7
        assert 0 <= r["max_abs_error"] < 1e-9
        assert isinstance(r["relative_error"], float) and isinstance(r["max_abs_error"], float)


def test_check_passes_its_options_on():
    net, x, y = _problem("quadratic", "tanh")
    rows = check(net, x, y, lmbda=5.0, n=10, h=1e-4)
    assert all(r["relative_error"] < 1e-6 for r in rows)
    with pytest.raises(ValueError, match=r"check takes the keyword arguments lmbda, n, h and "
                                         r"regularization; got \[.eps.\]"):
        check(net, x, y, eps=1e-4)


def test_a_slightly_wrong_gradient_is_caught(monkeypatch):
    net, x, y = _problem("cross-entropy", "sigmoid")
    right = net.backprop

    def wrong(x, y):
        nabla_b, nabla_w = right(x, y)
        nabla_w[1] = nabla_w[1] * 1.01  # a 1% error in w^3 only
        return nabla_b, nabla_w

    monkeypatch.setattr(net, "backprop", wrong)
    rows = {(r["layer"], r["parameter"]): r for r in check(net, x, y)}
    # ||0.01 g|| / (||g|| + ||1.01 g||) = 0.01 / 2.01, about 5e-3.
    assert rows[3, "weights"]["relative_error"] == pytest.approx(0.01 / 2.01, rel=1e-4)
    assert rows[3, "weights"]["relative_error"] > 1e-4
    assert all(r["relative_error"] < 1e-7 for key, r in rows.items() if key != (3, "weights"))
    numeric, analytic = directional_check(net, x, y, rng=0)
    assert relative_error(numeric, analytic) > 1e-4


def test_float32_networks_are_refused():
    net = Network([3, 2], rng=0, dtype=np.float32)
    x, y = np.zeros((2, 3)), np.array([0, 1])
    for fn in (numerical_gradient, directional_check, check):
        with pytest.raises(ValueError, match="net must be a float64 network for finite differences; got float32"):
            fn(net, x, y)
    # A float64 network whose weights were swapped for float32 arrays is refused too.
    net = Network([3, 2], rng=0)
    net.weights[0] = net.weights[0].astype(np.float32)
    with pytest.raises(ValueError, match="got float32, float64"):
        numerical_gradient(net, x, y)
    # The analytic gradient has no differences in it, so any dtype will do.
    net = Network([3, 2], rng=0, dtype=np.float32)
    nabla_b, nabla_w = analytic_gradient(net, x.astype(np.float32), y, lmbda=1.0)
    assert nabla_w[0].dtype == np.float32


@pytest.mark.parametrize("kwargs,message", [
    (dict(h=0.0), "h must be a finite number > 0; got 0.0"),
    (dict(h=-1e-5), "h must be a finite number > 0"),
    (dict(lmbda=-1.0), "lmbda must be a finite number >= 0; got -1.0"),
    (dict(n=0), "n must be a positive integer; got 0"),
    (dict(n=2.5), "n must be a positive integer; got 2.5"),
])
def test_bad_options(kwargs, message):
    net, x, y = _problem("quadratic", "sigmoid")
    with pytest.raises(ValueError, match=message):
        numerical_gradient(net, x, y, **kwargs)


def test_bad_data():
    net = Network([3, 2], rng=0)
    with pytest.raises(ValueError, match=r"x must have shape \(m, 3\); got \(3,\)"):
        numerical_gradient(net, np.zeros(3), np.array([0]))
    with pytest.raises(ValueError, match=r"x must hold at least one example; got shape \(0, 3\)"):
        analytic_gradient(net, np.zeros((0, 3)), np.zeros(0, int))
    with pytest.raises(ValueError, match="labels must lie in 0..1"):
        directional_check(net, np.zeros((1, 3)), np.array([2]))


def test_relative_error_values():
    a = np.array([3.0, 4.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(a, np.zeros(2)) == 1.0
    assert relative_error(a, -a) == 1.0
    assert relative_error(a, 2 * a) == pytest.approx(5 / 15)
    assert relative_error(1.0, 1.0 + 1e-9) == pytest.approx(1e-9 / 2, rel=1e-6)
    # Scale-free: the same relative disagreement at any scale gives the same number.
    assert relative_error(1e-12 * a, 1.01e-12 * a) == pytest.approx(relative_error(a, 1.01 * a))
    # The smallest positive numbers do not divide by zero.
    tiny = np.finfo(np.float64).tiny
    assert relative_error(np.array([tiny]), np.array([0.0])) == 1.0
    # Nor do the largest overflow when squared.
    huge = 1e300
    assert relative_error(np.array([huge, huge]), np.array([huge, 0.0])) == pytest.approx(1 / (1 + np.sqrt(2)))
    assert np.isnan(relative_error(np.array([np.nan]), np.array([1.0])))


def test_relative_error_flattens_lists_together():
    a = [np.array([3.0]), np.array([[0.0, 4.0]])]
    b = [np.array([0.0]), np.array([[0.0, 0.0]])]
    assert relative_error(a, b) == 1.0
    # Pieces are pooled, not averaged: ||(1, 0, 0) - (0, 0, 0)|| / ... over both pieces at once.
    c = [np.array([3.0]), np.array([[0.0, 4.0]])]
    d = [np.array([3.0]), np.array([[0.0, 3.0]])]
    assert relative_error(c, d) == pytest.approx(1 / (5 + np.sqrt(18)))
    # (nabla_b, nabla_w) pairs, nested.
    assert relative_error((c, [np.ones(2)]), (d, [np.ones(2)])) == pytest.approx(
        1 / (np.sqrt(27) + np.sqrt(20)))
    assert relative_error([], []) == 0.0


def test_relative_error_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match=r"a and b must have the same shapes; got \[\(2,\)\] and \[\(3,\)\]"):
        relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="a and b must have the same shapes"):
        relative_error([np.zeros(2)], [np.zeros(2), np.zeros(1)])
    with pytest.raises(ValueError, match="b must be an array or a list of arrays of numbers"):
        relative_error(np.zeros(1), np.array(["x"]))
