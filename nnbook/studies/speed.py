"""The timings chapter 2 shows: why backpropagation is fast, and what the matrix form adds.

Timings depend on the machine, its BLAS and whatever else it is doing, so the chapter computes
them when the page is built instead of quoting ours; each function here finishes in a few
seconds with the sizes its docstring suggests. Two measurements:

* :func:`gradient_cost` -- one gradient by backpropagation versus by finite differences, for
  networks of growing width. Backprop costs about two passes through the network, so its time
  grows like the number of parameters P; finite differences need two forward passes *per
  parameter*, so their time grows like P^2. :func:`fit_power_law` fits those exponents.
* :func:`minibatch_speedup` -- the matrix form of backprop (:meth:`nnbook.network.Network.backprop`,
  the whole mini-batch in one product per layer) versus the original's loop over examples
  (:func:`nnbook.studies.reference.backprop_per_example`), the comparison of chapter 2's last problem.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from threadpoolctl import threadpool_limits

from nnbook.gradcheck import central_difference
from nnbook.network import Network
from nnbook.studies.reference import backprop_per_example
from nnbook.checks import check_positive_int

_clock = time.perf_counter  # the clock time_call reads (a fake one in the tests)
_MIN_MEASUREMENT = 0.02  # seconds: shorter measurements are mostly clock resolution and noise


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the body with the BLAS library limited to one thread.

    With several BLAS threads, the small matrix products timed here (a mini-batch of 10 rows)
    gain little, and on a machine that is busy with something else the threads wait for each
    other, so single measurements can come out ten or a hundred times too slow. One thread
    measures the arithmetic itself, as ``python -m nnbook precompute`` and
    ``benchmarks/epoch_time.py`` do.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _measure(fn: Callable[[], object], number: int) -> float:
    start = _clock()
    for _ in range(number):
        fn()
    return _clock() - start


def time_call(fn: Callable[[], object], *, repeat: int = 5, number: int | None = None) -> float:
    """Seconds per call of ``fn()``: the best of ``repeat`` measurements of ``number`` calls each.

    The minimum, not the mean, because everything that disturbs a measurement (other processes,
    caches, the garbage collector) only ever makes it slower. With ``number=None`` the number of
    calls per measurement is chosen so that one measurement takes at least 20 ms: it starts at
    1 and grows (at least doubling) until a measurement is long enough; that measurement counts
    as the first of the ``repeat``.
    """
    if not callable(fn):
        raise ValueError(f"fn must be callable with no arguments; got {fn!r}")
    repeat = check_positive_int("repeat", repeat)
    times = []
    if number is None:
        number = 1
        while True:
            elapsed = _measure(fn, number)
            if elapsed >= _MIN_MEASUREMENT:
                break
            # Aim a little past the target, so one more measurement usually suffices.
            estimate = number * 1.2 * _MIN_MEASUREMENT / elapsed if elapsed > 0 else 10 * number
            number = max(2 * number, math.ceil(estimate))
        times.append(elapsed)
    else:
        number = check_positive_int("number", number)
    while len(times) < repeat:
        times.append(_measure(fn, number))
    return min(times) / number


def _sizes_list(sizes_list) -> list[list[int]]:
    if isinstance(sizes_list, (str, bytes)) or not isinstance(sizes_list, Sequence) or not sizes_list:
        raise ValueError(f"sizes_list must be a non-empty list of layer sizes such as "
                         f"[[20, 5, 10], [40, 10, 10]]; got {sizes_list!r}")
    for sizes in sizes_list:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise ValueError(f"sizes_list must hold lists of layer sizes such as [20, 5, 10]; "
                             f"got {sizes!r}")
    return [list(s) for s in sizes_list]


def _mini_batch(net: Network, m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """m random inputs in [0, 1) (like pixel intensities) and their one-hot random labels."""
    x = rng.random((m, net.sizes[0]))
    y = net.check_targets(rng.integers(0, net.sizes[-1], size=m), m)
    return x, y


def gradient_cost(sizes_list, *, m: int = 10, sample: int = 50, repeat: int = 3,
                  rng=None) -> list[dict]:
    """Seconds for one gradient by backpropagation and by finite differences, network by network.

    For each ``sizes`` in ``sizes_list`` (e.g. ``[[20, 5, 10], [40, 10, 10], [80, 20, 10], ...]``)
    a float64 sigmoid network and a mini-batch of ``m`` random examples are drawn from ``rng``,
    and one row is returned::

        {"sizes": sizes, "parameters": P,
         "backprop_seconds": one net.backprop(x, y),
         "finite_difference_seconds": all P central differences (extrapolated, see below),
         "sample": k, "sample_seconds": the k central differences actually timed}

    Finite differences are not run over all P parameters: that would take minutes for the
    larger networks, which is the point being made. Each partial derivative costs the same, two
    forward passes (:func:`nnbook.gradcheck.numerical_gradient`), so the full cost is linear in
    the count: k = min(``sample``, P) parameters chosen at random (without replacement, from
    ``rng``) are timed, and ``finite_difference_seconds = sample_seconds * P / k`` exactly.

    Each time is the best of ``repeat`` measurements (:func:`time_call`), taken with one BLAS
    thread (:func:`one_blas_thread`).

    Small networks measure Python's fixed cost per call (tens of microseconds), not arithmetic,
    and flatten both curves. ``[[200, 50, 10], [400, 100, 10], [800, 200, 10], [1600, 400, 10]]``
    (10,560 to 644,410 parameters) is large enough for the slopes to approach 1 and 2, and
    takes about a second.
    """
    sizes_list = _sizes_list(sizes_list)
    m = check_positive_int("m", m)
    sample = check_positive_int("sample", sample)
    repeat = check_positive_int("repeat", repeat)
    rng = np.random.default_rng(rng)
    with one_blas_thread():
        return [_gradient_cost_row(sizes, m, sample, repeat, rng) for sizes in sizes_list]


def _gradient_cost_row(sizes, m: int, sample: int, repeat: int, rng: np.random.Generator) -> dict:
    net = Network(sizes, rng=rng, dtype=np.float64)
    x, y = _mini_batch(net, m, rng)
    params = net.parameters()
    total = net.num_parameters()
    k = min(sample, total)
    # Choose k of the P parameters (flat positions in parameters() order), then find each one's
    # array and its index within that array.
    flat = np.sort(rng.choice(total, size=k, replace=False))
    counts = np.array([p.size for p in params])
    ends = np.cumsum(counts)
    which = np.searchsorted(ends, flat, side="right")
    starts = ends - counts
    picks = [(params[j], np.unravel_index(int(f - starts[j]), params[j].shape))
             for f, j in zip(flat, which)]

    def cost() -> float:
        return net.total_cost(x, y)

    def sampled_differences() -> None:
        for p, index in picks:
            central_difference(cost, p, index, 1e-5)

    backprop_seconds = time_call(lambda: net.backprop(x, y), repeat=repeat)
    sample_seconds = time_call(sampled_differences, repeat=repeat)
    return {
        "sizes": list(net.sizes),
        "parameters": total,
        "backprop_seconds": backprop_seconds,
        "finite_difference_seconds": sample_seconds * total / k,
        "sample": k,
        "sample_seconds": sample_seconds,
    }


def fit_power_law(x, y) -> tuple[float, float]:
    """The least-squares line through (log x, log y): ``(slope, intercept)``, natural logarithms.

    If y = c x^s then log y = s log x + log c, so the slope is the exponent s and the intercept
    is log c. Applied to :func:`gradient_cost`, the slope of time against parameters is about 1
    for backpropagation and about 2 for finite differences once the networks are large enough
    for arithmetic, not Python's per-call overhead, to dominate.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise ValueError(f"x and y must be 1-D with the same length, at least 2; "
                         f"got shapes {x.shape} and {y.shape}")
    for name, v in (("x", x), ("y", y)):
        if not (np.all(np.isfinite(v)) and np.all(v > 0)):
            raise ValueError(f"{name} must hold finite positive numbers (their logarithms are fitted); got {v}")
    lx, ly = np.log(x), np.log(y)
    dx = lx - lx.mean()
    spread = float(dx @ dx)
    if spread == 0:
        raise ValueError(f"x must hold at least two different values; got {x}")
    slope = float(dx @ (ly - ly.mean())) / spread
    intercept = float(ly.mean() - slope * lx.mean())
    return slope, intercept


def minibatch_speedup(sizes, batch_sizes, *, repeat: int = 3, rng=None) -> list[dict]:
    """Seconds per mini-batch gradient, matrix form versus one example at a time.

    For each m in ``batch_sizes``, a mini-batch of m random examples for one float64 sigmoid
    network of shape ``sizes`` (drawn from ``rng``) is timed through
    :meth:`~nnbook.network.Network.backprop` (one matrix product per layer for the whole batch)
    and :func:`nnbook.studies.reference.backprop_per_example` (a loop over the m examples, as in the
    original's ``network.py``). Rows::

        {"mini_batch_size": m, "matrix_seconds": ..., "per_example_seconds": ...,
         "speedup": per_example_seconds / matrix_seconds}

    At m = 1 the two do the same arithmetic, so the ratio shows overhead only; it grows with m.
    Timed with one BLAS thread (:func:`one_blas_thread`), best of ``repeat``.
    ``minibatch_speedup([784, 30, 10], [1, 10, 100, 1000])`` takes about a second.
    """
    if isinstance(batch_sizes, (str, bytes)) or not isinstance(batch_sizes, Sequence) or not batch_sizes:
        raise ValueError(f"batch_sizes must be a non-empty list of mini-batch sizes such as "
                         f"[1, 10, 100]; got {batch_sizes!r}")
    batch_sizes = [check_positive_int("batch_sizes entries", m) for m in batch_sizes]
    repeat = check_positive_int("repeat", repeat)
    rng = np.random.default_rng(rng)
    net = Network(sizes, rng=rng, dtype=np.float64)
    rows = []
    with one_blas_thread():
        for m in batch_sizes:
            x, y = _mini_batch(net, m, rng)
            matrix = time_call(lambda: net.backprop(x, y), repeat=repeat)
            per_example = time_call(lambda: backprop_per_example(net, x, y), repeat=repeat)
            rows.append({
                "mini_batch_size": m,
                "matrix_seconds": matrix,
                "per_example_seconds": per_example,
                "speedup": per_example / matrix,
            })
    return rows
