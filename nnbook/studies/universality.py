"""The constructions of chapter 4's visual proof that a network can compute any function.

Nothing here is trained and nothing is random: every function builds a network by hand and
returns float64 arrays a figure or a widget can draw. The notation is the book's:

* a hidden neuron with weight w and bias b outputs s(w x + b); with a large w it is a **step**
  at s = -b / w (:func:`neuron`, :func:`step_position`, :func:`step`, :func:`step_width`);
* two steps at s_1 < s_2 with output weights +h and -h make a **bump** of height h on
  [s_1, s_2) (:func:`bump`, :func:`bumps`);
* N bumps on [j/N, (j+1)/N) with heights h_j = sigma^-1(f(centre_j)) make the hidden layer's
  weighted output a lookup table of sigma^-1 o f, so the output neuron sigma(.) approximates f
  (:func:`lookup_heights`, :class:`BumpNetwork`, :func:`approximation_errors`);
* the design challenge: five bumps whose heights a reader drags (:func:`design_score`);
* two inputs: steps in x or in y, bumps, and a **tower** made by thresholding the sum of an
  x-bump and a y-bump with output bias about -3h/2; in m dimensions the bias is (-m + 1/2) h
  (:func:`step_2d`, :func:`bump_2d`, :func:`tower`, :func:`tower_nd`, :func:`tower_bias`,
  :func:`tower_network`);
* any activation s with distinct finite limits s(-inf) = a and s(+inf) = c also gives steps
  (from a to c), so every construction takes an ``activation`` argument (:func:`sigmoid_like`
  is the chapter's example);
* the **windows of failure** around each step are shrunk by adding M approximations of
  sigma^-1 o f / M whose bumps are shifted by 1/(M N) (:func:`shifted_approximation`,
  :func:`failure_errors`).

* the chapter's problems: n rectified linear units interpolate f piecewise linearly
  (:class:`ReLUNetwork`, :func:`relu_network`, :func:`relu_errors`), although a ReLU is not a
  step.

``activation`` arguments accept an :class:`nnbook.activations.Activation`, a name ("sigmoid",
"tanh", "sigmoid_like") or any callable z -> s(z), evaluated element-wise on arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral, Real

import numpy as np
from scipy.special import expit, logit

from nnbook import activations
from nnbook.activations import Activation

# --------------------------------------------------------------------------------------------
# Validation and activations


def _real(name: str, value, *, positive: bool = False, nonzero: bool = False) -> float:
    """``value`` as a finite float, or a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(float(value)):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    number = float(value)
    if positive and not number > 0:
        raise ValueError(f"{name} must be positive; got {value!r}")
    if nonzero and number == 0:
        raise ValueError(f"{name} must not be 0; got {value!r}")
    return number


def _count(name: str, value, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum``, or a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _array(name: str, value) -> np.ndarray:
    """``value`` as a float64 array of finite numbers."""
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers; got {value!r}") from None
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must hold finite numbers only; got {value!r}")
    return a


def _vector(name: str, value) -> np.ndarray:
    """``value`` as a non-empty 1-D float64 array of finite numbers."""
    a = _array(name, value)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array; got shape {a.shape}")
    return a


def _function(name: str, f) -> Callable:
    if not callable(f):
        raise ValueError(f"{name} must be a function of x; got {f!r}")
    return f


class SigmoidLike(Activation):
    """The chapter's example of a non-sigmoid activation with the same limits 0 and 1:

        s(z) = sigma(z) + 0.2 sin(10 z) exp(-|z|),

    a sigmoid with wiggles near z = 0 that die out as |z| grows. It is not monotone, but a
    large weight still turns it into a step from 0 to 1. Its derivative is
    s'(z) = sigma'(z) + 0.2 exp(-|z|) (10 cos(10 z) - sgn(z) sin(10 z)).
    """

    name = "sigmoid_like"

    def fn(self, z):
        z = np.asarray(z, dtype=np.float64)
        return expit(z) + 0.2 * np.sin(10 * z) * np.exp(-np.abs(z))

    def prime(self, z):
        z = np.asarray(z, dtype=np.float64)
        sig = expit(z)
        return sig * (1 - sig) + 0.2 * np.exp(-np.abs(z)) * (
            10 * np.cos(10 * z) - np.sign(z) * np.sin(10 * z))


sigmoid_like = SigmoidLike()

_NAMED = {**activations.ACTIVATIONS, "sigmoid_like": sigmoid_like, "sigmoid-like": sigmoid_like}


def _resolve(activation) -> Callable[[np.ndarray], np.ndarray]:
    """An element-wise function z -> s(z) returning float64 arrays."""
    if isinstance(activation, str):
        if activation not in _NAMED:
            raise ValueError(f"activation must be one of {sorted(_NAMED)}, an Activation or a "
                             f"function; got {activation!r}")
        activation = _NAMED[activation]
    if isinstance(activation, Activation):
        if not activation.elementwise:
            raise ValueError(f"activation must be element-wise; got {activation!r}")
        fn = activation.fn
    elif callable(activation):
        fn = activation
    else:
        raise ValueError(f"activation must be a name, an Activation or a function; "
                         f"got {activation!r}")
    return lambda z: np.asarray(fn(np.asarray(z, dtype=np.float64)), dtype=np.float64)


def _is_sigmoid(activation) -> bool:
    return activation == "sigmoid" or isinstance(activation, activations.Sigmoid)


def limits(activation="sigmoid") -> tuple[float, float]:
    """The limits (a, c) = (s(-inf), s(+inf)) of an activation, estimated at z = -/+1e6.

    Raises ValueError unless they are finite and distinct (s at 1e5 and 1e6 must agree to
    within 1e-3 of c - a): a large weight turns s into a step from a to c only then. ReLU and
    linear neurons fail this test, which is why the chapter's argument does not cover them.
    """
    s = _resolve(activation)
    z = np.array([-1e6, -1e5, 1e5, 1e6])
    with np.errstate(over="ignore"):
        v = s(z)
    a, a5, c5, c = (float(t) for t in v)
    if not (np.all(np.isfinite(v)) and abs(c - a) > 1e-9
            and abs(a - a5) <= 1e-3 * abs(c - a) and abs(c - c5) <= 1e-3 * abs(c - a)):
        raise ValueError(
            f"activation must have distinct finite limits at -inf and +inf for a large weight "
            f"to make a step; got s(-1e6) = {a:.6g}, s(-1e5) = {a5:.6g}, s(1e5) = {c5:.6g}, "
            f"s(1e6) = {c:.6g}")
    return a, c


# --------------------------------------------------------------------------------------------
# One input: the goal, steps and bumps


def goal(x):
    """The function the chapter approximates, equation (113):

        f(x) = 0.2 + 0.4 x^2 + 0.3 x sin(15 x) + 0.05 cos(50 x),

    which stays between about 0.095 and 0.853 on [0, 1], so sigma^-1(f(x)) exists there.
    """
    x = _array("x", x)
    return 0.2 + 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.05 * np.cos(50 * x)


def inverse_sigmoid(y):
    """sigma^-1(y) = ln(y / (1 - y)) for y in the open interval (0, 1)."""
    y = _array("y", y)
    if np.any((y <= 0) | (y >= 1)):
        bad = float(y[(y <= 0) | (y >= 1)].ravel()[0])
        raise ValueError(f"y must lie strictly between 0 and 1 (the sigmoid's range); "
                         f"got {bad!r}")
    return logit(y)


def inverse(y, activation="sigmoid"):
    """s^-1(y): the z with s(z) = y, for a monotone activation s and y strictly between its
    limits. sigma^-1 and tanh^-1 are exact; any other s is inverted by bisection, after
    checking that s is monotone on the interval searched (a non-monotone s, such as
    :func:`sigmoid_like`, has no inverse and raises ValueError).
    """
    y = _array("y", y)
    if _is_sigmoid(activation):
        return inverse_sigmoid(y)
    a, c = limits(activation)
    lo_y, hi_y = min(a, c), max(a, c)
    if np.any((y <= lo_y) | (y >= hi_y)):
        bad = float(y[(y <= lo_y) | (y >= hi_y)].ravel()[0])
        raise ValueError(f"y must lie strictly between the activation's limits {lo_y:.6g} and "
                         f"{hi_y:.6g}; got {bad!r}")
    if activation == "tanh" or isinstance(activation, activations.Tanh):
        return np.arctanh(y)
    s = _resolve(activation)
    sign = 1.0 if c > a else -1.0          # work with the increasing function sign * s
    t = sign * y
    half = 1.0                              # a bracket [-half, half] holding every solution
    while not (np.all(sign * s(np.array(-half)) < t) and np.all(sign * s(np.array(half)) > t)):
        half *= 2
        if half > 1e6:
            raise ValueError("could not bracket s^-1(y) within |z| <= 1e6")
    grid = sign * s(np.linspace(-half, half, 100_001))
    if np.any(np.diff(grid) < 0):
        raise ValueError(f"activation {activation!r} is not monotone, so s^-1 is not defined; "
                         f"use a sigmoid output neuron (output_activation='sigmoid')")
    lo, hi = np.full(y.shape, -half), np.full(y.shape, half)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        below = sign * s(mid) < t
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return 0.5 * (lo + hi)


def neuron(x, w, b, activation="sigmoid"):
    """One hidden neuron's output s(w x + b) for each input x (same shape as x)."""
    x = _array("x", x)
    w, b = _real("w", w), _real("b", b)
    return _resolve(activation)(w * x + b)


def step_position(w, b):
    """Where a neuron with a large weight steps: s = -b / w (w must not be 0)."""
    w, b = _real("w", w, nonzero=True), _real("b", b)
    return -b / w


def step(x, s, w=1000.0, activation="sigmoid"):
    """A neuron used as a step at s: weight w > 0 and bias b = -w s, output s(w x - w s).

    It rises from the activation's limit a = s(-inf) to c = s(+inf) (0 to 1 for the sigmoid)
    around x = s, over a width proportional to 1 / w (:func:`step_width`).
    """
    x = _array("x", x)
    s, w = _real("s", s), _real("w", w, positive=True)
    limits(activation)                      # a step needs distinct finite limits
    return _resolve(activation)(w * x - w * s)


def _normalised(activation):
    """u(z) = (s(z) - a) / (c - a), which goes from 0 to 1."""
    s = _resolve(activation)
    a, c = limits(activation)
    return lambda z: (s(z) - a) / (c - a)


def step_width(w, activation="sigmoid", low=0.05, high=0.95):
    """The width in x of a step's window: outside it the neuron's normalised output
    u = (s(w x + b) - a) / (c - a) is below ``low`` on the left and above ``high`` on the right.

    width = (z_high - z_low) / w, where z_low is the first z with u(z) >= low and z_high the
    last z with u(z) <= high. For the sigmoid this is exact,
    (sigma^-1(high) - sigma^-1(low)) / w, which is 2 ln 19 / w for 0.05 and 0.95; for any
    other activation z_low and z_high are found on a fine grid and refined by bisection (for a
    wiggly s the window includes every wiggle that leaves the bands).
    """
    w = _real("w", w, positive=True)
    low, high = _real("low", low), _real("high", high)
    if not 0 < low < high < 1:
        raise ValueError(f"low and high must satisfy 0 < low < high < 1; got low={low!r}, "
                         f"high={high!r}")
    if _is_sigmoid(activation):
        return float((logit(high) - logit(low)) / w)
    u = _normalised(activation)
    half = 8.0
    while not (u(np.array(-half)) < low and u(np.array(half)) > high):
        half *= 2
        if half > 1e6:
            raise ValueError("the activation does not settle within |z| <= 1e6")
    z = np.linspace(-half, half, 200_001)
    v = u(z)
    i = int(np.argmax(v >= low))                      # first grid point at or above low
    k = len(z) - 1 - int(np.argmax(v[::-1] <= high))  # last grid point at or below high

    def crossing(lo, hi, level):        # u(lo) < level <= u(hi)
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if u(np.array(mid)) < level else (lo, mid)
        return 0.5 * (lo + hi)

    z_low = crossing(z[i - 1], z[i], low)
    z_high = crossing(z[k], z[k + 1], high)
    return float((z_high - z_low) / w)


def bump(x, s1, s2, h, w=1000.0, activation="sigmoid"):
    """A pair of steps at s1 and s2 with output weights +h and -h: a bump of height h on
    [s1, s2) (a dip for h < 0; for s1 > s2 the bump is -h on [s2, s1)).

        h [step(x, s1) - step(x, s2)] / (c - a),

    where a and c are the activation's limits; c - a = 1 for the sigmoid, and for another
    activation the division makes the bump's height h.
    """
    s1, s2, h = _real("s1", s1), _real("s2", s2), _real("h", h)
    a, c = limits(activation)
    return h * (step(x, s1, w, activation) - step(x, s2, w, activation)) / (c - a)


def bumps(x, edges, heights, w=1000.0, activation="sigmoid"):
    """The sum of bumps between consecutive edges: sum_j bump(x, e_j, e_{j+1}, h_j).

    ``edges`` must increase strictly and have one more entry than ``heights``.
    """
    x = _array("x", x)
    edges, heights = _vector("edges", edges), _vector("heights", heights)
    if len(edges) != len(heights) + 1:
        raise ValueError(f"edges must have len(heights) + 1 = {len(heights) + 1} entries; "
                         f"got {len(edges)}")
    if np.any(np.diff(edges) <= 0):
        raise ValueError(f"edges must increase strictly; got {edges!r}")
    w = _real("w", w, positive=True)
    a, c = limits(activation)
    total = np.zeros_like(x)
    for j, h in enumerate(heights):
        total += h * (step(x, edges[j], w, activation) - step(x, edges[j + 1], w, activation))
    return total / (c - a)


# --------------------------------------------------------------------------------------------
# One input: N bumps as a lookup table of s^-1 o f


def _unit_grid(x, points: int = 2001) -> np.ndarray:
    return np.linspace(0.0, 1.0, points) if x is None else _vector("x", x)


def _values(f, x) -> np.ndarray:
    y = np.asarray(f(x), dtype=np.float64)
    if y.shape != x.shape:
        raise ValueError(f"f must return one value per x: shape {x.shape}; got {y.shape}")
    return y


def lookup_heights(f, n, activation="sigmoid"):
    """The N heights of the lookup table: h_j = s^-1(f(x_j)) at the centre x_j = (j + 1/2) / N
    of the j-th bump [j/N, (j+1)/N), so that an output neuron s(weighted output) gives f(x_j)
    there. For the sigmoid, h_j = sigma^-1(f(x_j)); ``activation`` is the *output* neuron's and
    must be invertible (see :func:`inverse`), and f must take values within its range.
    """
    f, n = _function("f", f), _count("n", n)
    centres = (np.arange(n) + 0.5) / n
    try:
        return inverse(_values(f, centres), activation)
    except ValueError as error:
        raise ValueError(f"f's values at the bump centres must lie in the output neuron's "
                         f"range: {error}") from None


class BumpNetwork:
    """One input, one hidden layer of 2N step neurons, one output neuron.

    Hidden neurons 2j and 2j+1 are steps at the edges e_j and e_{j+1} of bump j: weight w,
    biases -w e_j and -w e_{j+1}, output weights +h_j / (c - a) and -h_j / (c - a), where a and
    c are the hidden activation's limits (c - a = 1 for the sigmoid). The weighted output

        sum_k output_weights_k s(hidden_weights_k x + hidden_biases_k)

    is then about h_j on [e_j, e_{j+1}) and 0 outside the bumps, and the output neuron's
    s_out(weighted output + output_bias), with output_bias = 0, is about s_out(h_j) = f at
    the bump's centre.

    Built by :meth:`fit`. The hidden activation may be any with distinct finite limits; the
    output neuron is a sigmoid unless ``output_activation`` says otherwise, since its inverse
    must exist for the lookup table (the chapter's sigmoid-like s is not monotone, so has none).
    """

    def __init__(self, hidden_weights, hidden_biases, output_weights, output_bias, edges,
                 heights, activation="sigmoid", output_activation="sigmoid"):
        self.hidden_weights = _vector("hidden_weights", hidden_weights)
        self.hidden_biases = _vector("hidden_biases", hidden_biases)
        self.output_weights = _vector("output_weights", output_weights)
        k = len(self.hidden_weights)
        if len(self.hidden_biases) != k or len(self.output_weights) != k:
            raise ValueError(f"hidden_biases and output_weights must have {k} entries like "
                             f"hidden_weights; got {len(self.hidden_biases)} and "
                             f"{len(self.output_weights)}")
        self.output_bias = _real("output_bias", output_bias)
        self.edges, self.heights = _vector("edges", edges), _vector("heights", heights)
        self.activation, self.output_activation = activation, output_activation
        self._s, self._s_out = _resolve(activation), _resolve(output_activation)

    @classmethod
    def fit(cls, f, n, w=1000.0, activation="sigmoid", output_activation="sigmoid",
            margin=None) -> BumpNetwork:
        """The network whose N bumps on [j/N, (j+1)/N) have heights h_j from
        :func:`lookup_heights`, with steps of weight w.

        The two outer steps are moved ``margin`` outside [0, 1] (default half a bump width,
        1/(2N)), so that the network approximates f up to the ends of [0, 1] instead of
        stepping there; ``margin=0`` puts them at 0 and 1 as in the chapter's figures.
        """
        n = _count("n", n)
        w = _real("w", w, positive=True)
        margin = 0.5 / n if margin is None else _real("margin", margin)
        if margin < 0:
            raise ValueError(f"margin must be >= 0; got {margin!r}")
        a, c = limits(activation)
        heights = lookup_heights(f, n, output_activation)
        edges = np.arange(n + 1) / n
        steps = edges.copy()
        steps[0], steps[-1] = -margin, 1 + margin
        positions = np.column_stack([steps[:-1], steps[1:]]).ravel()       # (2N,)
        out = np.column_stack([heights, -heights]).ravel() / (c - a)       # (2N,)
        return cls(np.full(2 * n, w), -w * positions, out, 0.0, edges, heights,
                   activation, output_activation)

    def weighted_output(self, x):
        """sum_k output_weights_k s(hidden_weights_k x + hidden_biases_k), same shape as x."""
        x = _array("x", x)
        z = x[..., None] * self.hidden_weights + self.hidden_biases       # (..., 2N)
        return self._s(z) @ self.output_weights

    def output(self, x):
        """The network's output s_out(weighted_output(x) + output_bias), which approximates f."""
        return self._s_out(self.weighted_output(x) + self.output_bias)

    def error(self, f, x=None) -> dict:
        """max and mean of |output(x) - f(x)| over x (default 2001 points evenly on [0, 1])."""
        f = _function("f", f)
        x = _unit_grid(x)
        gap = np.abs(self.output(x) - _values(f, x))
        return {"max": float(gap.max()), "mean": float(gap.mean())}


def approximation_errors(f, ns, w=1000.0, activation="sigmoid", x=None) -> list[dict]:
    """For each N in ``ns``, the error of :meth:`BumpNetwork.fit(f, N, w) <BumpNetwork.fit>`:
    a list of {"n": N, "max": ..., "mean": ...}. The error falls as N grows while the steps'
    windows (width ~ 1/w) stay narrow beside the bumps (width 1/N).
    """
    ns = [_count("ns entry", n) for n in ns]
    return [{"n": n, **BumpNetwork.fit(f, n, w, activation).error(f, x)} for n in ns]


# --------------------------------------------------------------------------------------------
# The design challenge: five bumps, dragged by hand

DESIGN_THRESHOLD = 0.40
"""The design challenge succeeds when :func:`design_score` is below this (the original
page's code compares with 0.405)."""

DESIGN_BUMPS = 5


def design_target(x):
    """sigma^-1(f(x)) for the goal f of :func:`goal`: what the weighted output should match."""
    return inverse_sigmoid(goal(x))


def _design_grid() -> tuple[np.ndarray, np.ndarray]:
    i = np.arange(100)
    return i / 100, i // 20


def design_score(heights, x=None) -> float:
    """The design challenge's score: the mean over x of |sigma^-1(f(x)) - h_{floor(5x)}|.

    Five ideal bumps (w -> infinity) of heights h_0, ..., h_4 on [0, 0.2), [0.2, 0.4), ...,
    [0.8, 1.0): the weighted output at x is h_j with j = floor(5 x), and f is :func:`goal`.
    By default x = i / 100 for i = 0, 1, ..., 99 and j = i // 20 is computed from the integer
    i (exact, whereas floor(5 x) in floating point could land on the wrong side of an edge).
    For a given x, j = floor(5 x), with x = 1 counted in the last bump; x must lie in [0, 1].
    Success when the score is below :data:`DESIGN_THRESHOLD` = 0.40.
    """
    heights = _vector("heights", heights)
    if len(heights) != DESIGN_BUMPS:
        raise ValueError(f"heights must have {DESIGN_BUMPS} entries, one per bump; "
                         f"got {len(heights)}")
    if x is None:
        x, j = _design_grid()
    else:
        x = _vector("x", x)
        if np.any((x < 0) | (x > 1)):
            raise ValueError(f"x must lie in [0, 1]; got {float(x[(x < 0) | (x > 1)][0])!r}")
        j = np.minimum(np.floor(DESIGN_BUMPS * x).astype(int), DESIGN_BUMPS - 1)
    return float(np.mean(np.abs(design_target(x) - heights[j])))


def design_solution() -> np.ndarray:
    """The five heights with the smallest :func:`design_score` on its default grid: on each
    fifth, the median of sigma^-1(f(x)) over the 20 grid points there (a median minimises a
    sum of absolute deviations).
    """
    x, j = _design_grid()
    target = design_target(x)
    return np.array([np.median(target[j == k]) for k in range(DESIGN_BUMPS)])


# --------------------------------------------------------------------------------------------
# Two inputs (and m): steps, bumps and towers


def _axis(axis) -> str:
    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' or 'y'; got {axis!r}")
    return axis


def step_2d(x, y, s, w=1000.0, axis="x", activation="sigmoid"):
    """A neuron of two inputs with weight w on one of them and 0 on the other, bias -w s: a step
    at x = s (``axis="x"``: output s(w x - w s)) or at y = s (``axis="y"``), on the grid of
    ``x`` and ``y``. Returns shape (len(y), len(x)): row i is y[i], column k is x[k].
    """
    x, y = _vector("x", x), _vector("y", y)
    along = x[None, :] if _axis(axis) == "x" else y[:, None]
    return np.broadcast_to(step(along, s, w, activation), (len(y), len(x))).copy()


def bump_2d(x, y, s1, s2, h, w=1000.0, axis="x", activation="sigmoid"):
    """An x-bump (or y-bump) of height h: h [step at s1 - step at s2] / (c - a) on the grid of
    ``x`` and ``y``, shape (len(y), len(x)); it is h on the strip s1 <= x < s2 (or y).
    """
    x, y = _vector("x", x), _vector("y", y)
    along = x[None, :] if _axis(axis) == "x" else y[:, None]
    return np.broadcast_to(bump(along, s1, s2, h, w, activation), (len(y), len(x))).copy()


def tower_bias(m, h):
    """The output bias (-m + 1/2) h that turns m bumps of height h into a tower.

    Where a point is inside all m bumps the weighted input is m h + (-m + 1/2) h = h/2 > 0;
    where it is outside even one it is at most (m - 1) h + (-m + 1/2) h = -h/2 < 0. A sigmoid
    of that is close to 1 or 0 once h is large. For two inputs the bias is -3h/2.
    """
    m = _count("m", m)
    h = _real("h", h)
    return (-m + 0.5) * h


def _intervals(name: str, intervals, m: int) -> np.ndarray:
    a = _array(name, intervals)
    if a.shape != (m, 2) or np.any(a[:, 0] >= a[:, 1]):
        raise ValueError(f"{name} must be {m} pairs (lo, hi) with lo < hi; got {intervals!r}")
    return a


def tower_nd(points, intervals, h, w=1000.0, bias=None, output_weight=1.0,
             activation="sigmoid"):
    """A tower in m dimensions: output_weight * sigma(sum_i bump_i(x_i) + bias), where bump_i is
    a bump of height h on [lo_i, hi_i) in the i-th input and ``bias`` defaults to
    :func:`tower_bias` (m, h) = (-m + 1/2) h. ``points`` has shape (k, m), one point per row,
    ``intervals`` shape (m, 2); returns shape (k,). About output_weight inside the box, 0
    outside, for large h (the thresholding neuron is a sigmoid; ``activation`` is the hidden
    neurons').
    """
    points = _array("points", points)
    if points.ndim != 2 or points.shape[1] == 0:
        raise ValueError(f"points must have shape (k, m), one point per row; "
                         f"got {points.shape}")
    m = points.shape[1]
    box = _intervals("intervals", intervals, m)
    h = _real("h", h)
    bias = tower_bias(m, h) if bias is None else _real("bias", bias)
    output_weight = _real("output_weight", output_weight)
    z = sum(bump(points[:, i], box[i, 0], box[i, 1], h, w, activation) for i in range(m))
    return output_weight * expit(z + bias)


def tower(x, y, x_interval, y_interval, h, w=1000.0, bias=None, output_weight=1.0,
          activation="sigmoid"):
    """The two-input tower on the grid of ``x`` and ``y``, shape (len(y), len(x)):

        output_weight * sigma(x-bump + y-bump + bias),

    an x-bump of height h on ``x_interval`` plus a y-bump of height h on ``y_interval``
    (2h on the rectangle, h on the rest of the two strips, 0 elsewhere), thresholded by a
    sigmoid neuron with bias default :func:`tower_bias` (2, h) = -3h/2. As h grows it tends to
    output_weight times the rectangle's indicator; for small h it is a gentle mound on a
    plateau, not a tower.
    """
    x, y = _vector("x", x), _vector("y", y)
    box = _intervals("(x_interval, y_interval)", [x_interval, y_interval], 2)
    h = _real("h", h)
    bias = tower_bias(2, h) if bias is None else _real("bias", bias)
    output_weight = _real("output_weight", output_weight)
    z = (bump(x[None, :], box[0, 0], box[0, 1], h, w, activation)
         + bump(y[:, None], box[1, 0], box[1, 1], h, w, activation))
    return output_weight * expit(z + bias)


def tower_network(f2, n, h=20.0, w=1000.0, x=None, y=None, activation="sigmoid",
                  weighted=False):
    """Many towers approximating a function f2(x, y) with values in (0, 1) on the unit square.

    The network has two hidden layers: 2N x-steps and 2N y-steps (the bumps of N columns and N
    rows, outer steps moved half a cell outside [0, 1] as in :meth:`BumpNetwork.fit`), then one
    tower neuron per cell (i, j), sigma(x-bump_i + y-bump_j - 3h/2). The output neuron weights
    tower (i, j) by v_ij = sigma^-1(f2 at the cell's centre), so its weighted input is a lookup
    table of sigma^-1 o f2 and its output sigma(sum_ij v_ij T_ij) approximates f2.

    Returns the output on the grid of ``x`` and ``y`` (default 101 points each on [0, 1]),
    shape (len(y), len(x)), or the weighted input sum_ij v_ij T_ij when ``weighted`` is True.
    """
    f2 = _function("f2", f2)
    n = _count("n", n)
    h = _real("h", h, positive=True)
    x = np.linspace(0, 1, 101) if x is None else _vector("x", x)
    y = np.linspace(0, 1, 101) if y is None else _vector("y", y)
    centres = (np.arange(n) + 0.5) / n
    cx, cy = np.meshgrid(centres, centres)                  # (N, N): row j is y, column i is x
    values = np.asarray(f2(cx, cy), dtype=np.float64)
    if values.shape != cx.shape:
        raise ValueError(f"f2 must return one value per point: shape {cx.shape}; "
                         f"got {values.shape}")
    v = inverse_sigmoid(values)
    steps = np.arange(n + 1) / n
    steps[0], steps[-1] = -0.5 / n, 1 + 0.5 / n
    xb = np.stack([bump(x, steps[i], steps[i + 1], h, w, activation) for i in range(n)])
    yb = np.stack([bump(y, steps[j], steps[j + 1], h, w, activation) for j in range(n)])
    total = np.zeros((len(y), len(x)))
    bias = tower_bias(2, h)
    for j in range(n):                                      # one row of towers at a time
        towers = expit(xb[:, None, :] + yb[j][None, :, None] + bias)    # (N, len(y), len(x))
        total += np.tensordot(v[j], towers, axes=1)
    return total if weighted else expit(total)


# --------------------------------------------------------------------------------------------
# Fixing up the step functions: M shifted approximations


def shifted_approximation(f, n, m_shifts, w, x, activation="sigmoid", weighted=False):
    """sigma(sum_{k=0}^{M-1} A_k(x)), the fix for the windows of failure.

    A_k is an N-bump approximation of sigma^-1(f(x)) / M whose inner bump edges are shifted by
    k / (M N): at the edges k/(M N) + j/N inside (0, 1) (the first and last cells are shorter,
    and the outer steps sit half a bump width outside [0, 1] as in :meth:`BumpNetwork.fit`),
    with each cell's height sigma^-1(f(centre)) / M. A_0 alone (M = 1) is the BumpNetwork.
    Every x is inside a window of failure of at most one A_k, which then errs by at most 1/M
    of what a single approximation could. ``weighted=True`` returns the sum instead.
    """
    f, n, m_shifts = _function("f", f), _count("n", n), _count("m_shifts", m_shifts)
    w = _real("w", w, positive=True)
    x = _array("x", x)
    margin = 0.5 / n
    total = np.zeros_like(x)
    for k in range(m_shifts):
        inner = k / (m_shifts * n) + np.arange(n + 1) / n
        inner = inner[(inner > 0) & (inner < 1)]
        cells = np.concatenate([[0.0], inner, [1.0]])
        centres = 0.5 * (cells[:-1] + cells[1:])
        try:
            heights = inverse_sigmoid(_values(f, centres)) / m_shifts
        except ValueError as error:
            raise ValueError(f"f's values must lie in (0, 1): {error}") from None
        steps = np.concatenate([[-margin], inner, [1 + margin]])
        total += bumps(x, steps, heights, w, activation)
    return total if weighted else expit(total)


def failure_errors(f, n, ms, w, x=None, activation="sigmoid") -> list[dict]:
    """For each M in ``ms``, the error of :func:`shifted_approximation` (f, n, M, w) over x
    (default 2001 points on [0, 1]): a list of {"M": M, "max": ..., "mean": ...}. At a fixed,
    moderate w the worst-case error falls as M grows.
    """
    f = _function("f", f)
    x = _unit_grid(x)
    target = _values(f, x)
    rows = []
    for m in ms:
        gap = np.abs(shifted_approximation(f, n, _count("ms entry", m), w, x, activation)
                     - target)
        rows.append({"M": int(m), "max": float(gap.max()), "mean": float(gap.mean())})
    return rows


# --------------------------------------------------------------------------------------------
# The chapter's problems: rectified linear units


class ReLUNetwork:
    """One input, one hidden layer of n rectified linear units, one linear output neuron:

        g(x) = f(x_0) + sum_{k=0}^{n-1} c_k max(0, x - x_k),    x_k = k / n,

    hidden unit k has weight 1 and bias -x_k, and its output weight c_k is the change of slope
    at x_k, c_0 = m_0 and c_k = m_k - m_{k-1}, where m_k = n (f(x_{k+1}) - f(x_k)) is the
    slope of f's chord on [x_k, x_{k+1}]. So g is the piecewise-linear interpolant of f at the
    n + 1 knots: it equals f at every knot and is straight between them. Its error on [0, 1]
    is at most max|f''| / (8 n^2) for a twice-differentiable f, so it falls as n grows.

    A ReLU has no finite limit at +infinity, so it is not a step as the chapter's argument
    needs; this construction shows that ReLU networks can approximate any continuous function
    on [0, 1] all the same. Built by :meth:`fit`.
    """

    def __init__(self, knots, output_weights, output_bias):
        self.knots = _vector("knots", knots)
        self.output_weights = _vector("output_weights", output_weights)
        if len(self.knots) != len(self.output_weights):
            raise ValueError(f"output_weights must have one entry per knot "
                             f"({len(self.knots)}); got {len(self.output_weights)}")
        self.output_bias = _real("output_bias", output_bias)

    @classmethod
    def fit(cls, f, n) -> ReLUNetwork:
        """The interpolant of f at the knots k / n, k = 0, ..., n, with n hidden units."""
        f, n = _function("f", f), _count("n", n)
        knots = np.arange(n + 1) / n
        values = _values(f, knots)
        slopes = np.diff(values) * n                                       # m_0 ... m_{n-1}
        changes = np.diff(slopes, prepend=0.0)                             # c_0 ... c_{n-1}
        return cls(knots[:-1], changes, float(values[0]))

    def output(self, x):
        """g(x) = output_bias + sum_k output_weights_k max(0, x - knots_k), same shape as x."""
        x = _array("x", x)
        return self.output_bias + np.maximum(x[..., None] - self.knots, 0.0) @ self.output_weights

    def error(self, f, x=None) -> dict:
        """max and mean of |output(x) - f(x)| over x (default 2001 points evenly on [0, 1])."""
        f = _function("f", f)
        x = _unit_grid(x)
        gap = np.abs(self.output(x) - _values(f, x))
        return {"max": float(gap.max()), "mean": float(gap.mean())}


def relu_network(f, n) -> ReLUNetwork:
    """:meth:`ReLUNetwork.fit` (f, n): n rectified linear units interpolating f."""
    return ReLUNetwork.fit(f, n)


def relu_errors(f, ns, x=None) -> list[dict]:
    """For each n in ``ns``, the error of :func:`relu_network` (f, n): a list of
    {"n": n, "max": ..., "mean": ...}, falling roughly as 1 / n^2 for a smooth f.
    """
    f = _function("f", f)
    return [{"n": n, **ReLUNetwork.fit(f, n).error(f, x)}
            for n in (_count("ns entry", n) for n in ns)]
