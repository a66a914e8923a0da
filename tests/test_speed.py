"""The chapter 2 timings: structure and arithmetic only. No test here asserts how long anything took
(that depends on the machine); where a time matters, the clock or the timer is replaced by a fake."""

import math

import numpy as np
import pytest

from nnbook.studies import speed
from nnbook.network import Network


class FakeClock:
    """A clock that only moves when the timed function says so."""

    def __init__(self):
        self.now = 100.0
        self.calls = 0

    def __call__(self):
        return self.now

    def work(self, seconds):
        self.calls += 1
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(speed, "_clock", fake)
    return fake


# ---- time_call --------------------------------------------------------------------------------

def test_time_call_chooses_enough_calls_for_20_ms(clock):
    seconds = speed.time_call(lambda: clock.work(0.001), repeat=5)
    assert seconds == pytest.approx(0.001, rel=1e-9)
    # One call measured 1 ms, so the next measurement took 24 calls (20 ms plus a 20% margin);
    # it counts as the first of the five, and the other four take 24 calls each.
    assert clock.calls == 1 + 5 * 24


def test_time_call_at_least_doubles_until_long_enough(clock):
    durations = iter([0.0] * 3 + [0.03] * 100)  # the first calls look free: the clock did not move
    seconds = speed.time_call(lambda: clock.work(next(durations)), repeat=1)
    # 1 call: 0 s, so try 10 calls: 2 * 0 + 8 * 0.03 = 0.24 s, long enough (and the only one).
    assert clock.calls == 1 + 10
    assert seconds == pytest.approx(0.24 / 10)


def test_time_call_returns_the_best_measurement(clock):
    durations = iter([0.5, 0.2, 0.3, 0.4])
    seconds = speed.time_call(lambda: clock.work(next(durations)), repeat=4, number=1)
    assert seconds == pytest.approx(0.2)
    assert clock.calls == 4


def test_time_call_with_a_given_number(clock):
    assert speed.time_call(lambda: clock.work(0.002), repeat=3, number=7) == pytest.approx(0.002)
    assert clock.calls == 21


def test_time_call_on_the_real_clock():
    calls = []
    seconds = speed.time_call(lambda: calls.append(1), repeat=2)
    assert isinstance(seconds, float) and seconds > 0
    assert len(calls) >= 3


@pytest.mark.parametrize("kwargs,message", [
    (dict(repeat=0), "repeat must be a positive integer; got 0"),
    (dict(repeat=2.0), "repeat must be a positive integer; got 2.0"),
    (dict(number=0), "number must be a positive integer; got 0"),
])
def test_time_call_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        speed.time_call(lambda: None, **kwargs)
    with pytest.raises(ValueError, match="fn must be callable with no arguments; got 3"):
        speed.time_call(3)


# ---- one_blas_thread --------------------------------------------------------------------------

def test_one_blas_thread_limits_blas_while_timing():
    import threadpoolctl

    with speed.one_blas_thread():
        blas = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
        assert blas and all(i["num_threads"] == 1 for i in blas)


# ---- gradient_cost ----------------------------------------------------------------------------

def test_gradient_cost_rows():
    rows = speed.gradient_cost([[4, 3, 2], [8, 6, 2]], m=3, sample=20, repeat=1, rng=0)
    assert [r["sizes"] for r in rows] == [[4, 3, 2], [8, 6, 2]]
    assert [r["parameters"] for r in rows] == [4 * 3 + 3 + 3 * 2 + 2, 8 * 6 + 6 + 6 * 2 + 2]
    assert [r["sample"] for r in rows] == [20, 20]
    for r in rows:
        assert set(r) == {"sizes", "parameters", "backprop_seconds", "finite_difference_seconds",
                          "sample", "sample_seconds"}
        assert r["backprop_seconds"] > 0 and r["sample_seconds"] > 0
        assert r["finite_difference_seconds"] == r["sample_seconds"] * r["parameters"] / r["sample"]


def test_gradient_cost_samples_all_parameters_of_a_small_network():
    (row,) = speed.gradient_cost([[2, 2]], m=1, sample=200, repeat=1, rng=0)
    assert row["parameters"] == row["sample"] == 6
    assert row["finite_difference_seconds"] == pytest.approx(row["sample_seconds"])


def test_gradient_cost_extrapolates_two_forward_passes_per_parameter(monkeypatch):
    # Replace the timer by one that runs the timed function once and reports 0.5 s, and count
    # the cost evaluations that one run of the finite differences makes.
    timed = []

    def fake_time_call(fn, **kwargs):
        timed.append(fn)
        fn()
        return 0.5

    evaluations = []
    total_cost = Network.total_cost

    def counting_total_cost(self, *args, **kwargs):
        evaluations.append(1)
        return total_cost(self, *args, **kwargs)

    monkeypatch.setattr(speed, "time_call", fake_time_call)
    monkeypatch.setattr(Network, "total_cost", counting_total_cost)
    rows = speed.gradient_cost([[10, 4, 3], [3, 2]], m=5, sample=30, rng=1)
    assert len(timed) == 4  # backprop and the sample, per network
    big, small = rows
    assert big["parameters"] == 10 * 4 + 4 + 4 * 3 + 3 == 59
    assert big["sample"] == 30 and small["sample"] == small["parameters"] == 8
    assert big["backprop_seconds"] == big["sample_seconds"] == 0.5
    assert big["finite_difference_seconds"] == pytest.approx(0.5 * 59 / 30)
    assert small["finite_difference_seconds"] == pytest.approx(0.5)
    assert len(evaluations) == 2 * (30 + 8)


def test_gradient_cost_leaves_the_sampled_choice_to_rng(monkeypatch):
    picked = []
    partial = speed.central_difference

    def recording_partial(cost, p, index, h):
        picked.append((p.shape, tuple(int(i) for i in index)))
        return partial(cost, p, index, h)

    monkeypatch.setattr(speed, "central_difference", recording_partial)
    monkeypatch.setattr(speed, "time_call", lambda fn, **kwargs: (fn(), 1.0)[1])
    runs = []
    for seed in (3, 3, 4):
        picked.clear()
        speed.gradient_cost([[6, 5, 4]], m=2, sample=10, rng=seed)
        runs.append(list(picked))
    assert runs[0] == runs[1] != runs[2]
    assert len(set(runs[0])) == 10  # without replacement
    shapes = {(5, 6), (5,), (4, 5), (4,)}
    assert all(shape in shapes and all(0 <= i < n for i, n in zip(index, shape))
               for shape, index in runs[0])


@pytest.mark.parametrize("args,kwargs,message", [
    (([],), {}, "sizes_list must be a non-empty list of layer sizes"),
    (("784",), {}, "sizes_list must be a non-empty list of layer sizes"),
    (([784, 30, 10],), {}, "sizes_list must hold lists of layer sizes such as \\[20, 5, 10\\]; got 784"),
    (([[784]],), {}, "sizes must list at least two positive layer sizes"),
    (([[4, 2]],), dict(m=0), "m must be a positive integer; got 0"),
    (([[4, 2]],), dict(sample=0), "sample must be a positive integer; got 0"),
    (([[4, 2]],), dict(repeat=-1), "repeat must be a positive integer; got -1"),
])
def test_gradient_cost_bad_arguments(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        speed.gradient_cost(*args, **kwargs)


# ---- fit_power_law ----------------------------------------------------------------------------

def test_fit_power_law_recovers_a_known_exponent():
    x = np.array([165, 520, 1830, 6850, 26490])
    slope, intercept = speed.fit_power_law(x, 3e-7 * x ** 1.7)
    assert slope == pytest.approx(1.7, rel=1e-12)
    assert intercept == pytest.approx(math.log(3e-7), rel=1e-12)
    slope, intercept = speed.fit_power_law([1, 10], [5, 500])
    assert (slope, intercept) == (pytest.approx(2.0), pytest.approx(math.log(5)))
    assert isinstance(slope, float) and isinstance(intercept, float)


def test_fit_power_law_is_least_squares_in_logs():
    # log x = 0, 1, 2 and log y = 0, 2, 1: the least-squares line has slope 1/2, intercept 1/2.
    x, y = np.exp([0.0, 1.0, 2.0]), np.exp([0.0, 2.0, 1.0])
    assert speed.fit_power_law(x, y) == (pytest.approx(0.5), pytest.approx(0.5))


@pytest.mark.parametrize("x,y,message", [
    ([1, 2, 3], [1, 2], "x and y must be 1-D with the same length, at least 2"),
    ([1], [1], "x and y must be 1-D with the same length, at least 2"),
    ([[1, 2]], [[1, 2]], "x and y must be 1-D"),
    ([1, 0], [1, 2], "x must hold finite positive numbers"),
    ([1, 2], [1, -2], "y must hold finite positive numbers"),
    ([1, 2], [1, float("nan")], "y must hold finite positive numbers"),
    ([3, 3], [1, 2], "x must hold at least two different values"),
])
def test_fit_power_law_bad_arguments(x, y, message):
    with pytest.raises(ValueError, match=message):
        speed.fit_power_law(x, y)


# ---- minibatch_speedup ------------------------------------------------------------------------

def test_minibatch_speedup_rows():
    rows = speed.minibatch_speedup([5, 4, 3], [1, 4], repeat=1, rng=0)
    assert [r["mini_batch_size"] for r in rows] == [1, 4]
    for r in rows:
        assert set(r) == {"mini_batch_size", "matrix_seconds", "per_example_seconds", "speedup"}
        assert r["matrix_seconds"] > 0 and r["per_example_seconds"] > 0
        assert r["speedup"] == r["per_example_seconds"] / r["matrix_seconds"]


def test_minibatch_speedup_times_both_forms_on_the_same_batch(monkeypatch):
    seen = []

    def fake_time_call(fn, **kwargs):
        nabla_b, nabla_w = fn()
        seen.append(nabla_w)
        return 0.25 if len(seen) % 2 else 1.0

    monkeypatch.setattr(speed, "time_call", fake_time_call)
    rows = speed.minibatch_speedup([5, 4, 3], [2, 6], rng=0)
    assert [r["speedup"] for r in rows] == [4.0, 4.0]
    for matrix, looped in (seen[0:2], seen[2:4]):
        for a, b in zip(matrix, looped):
            np.testing.assert_allclose(a, b, rtol=1e-12)
    assert not np.allclose(seen[0][0], seen[2][0])  # a fresh batch for each size


@pytest.mark.parametrize("batch_sizes,message", [
    ([], "batch_sizes must be a non-empty list of mini-batch sizes"),
    (10, "batch_sizes must be a non-empty list of mini-batch sizes"),
    ([10, 0], "batch_sizes entries must be a positive integer; got 0"),
])
def test_minibatch_speedup_bad_arguments(batch_sizes, message):
    with pytest.raises(ValueError, match=message):
        speed.minibatch_speedup([5, 4, 3], batch_sizes)
