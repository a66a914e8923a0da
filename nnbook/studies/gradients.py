"""Unstable gradients: how fast each layer learns, and why (chapter 5).

Chapter 5 measures the "speed of learning" of hidden layer l as the length of the gradient of the
cost with respect to that layer's biases, ||dC/db^l|| (:func:`layer_speeds`): backpropagation's
BP3 says dC/db^l_j = delta^l_j, so this is also the length of the error vector delta^l, averaged
over the examples. In a deep sigmoid network the early layers learn much more slowly than the
later ones (:func:`training_speeds`).

The book explains it with the simplest deep network, a chain of single sigmoid neurons

    x --w1--> (b1) --w2--> (b2) --w3--> (b3) --w4--> (b4) --> C,

where neuron j computes a_j = sigma(z_j), z_j = w_j a_{j-1} + b_j and a_0 = x. The chain rule gives
(equations 121 and 122)

    dC/db1 = sigma'(z1) w2 sigma'(z2) w3 sigma'(z3) w4 sigma'(z4) dC/da4,

one factor w_j sigma'(z_j) per later neuron (:func:`chain_gradient`). The sigmoid's derivative
sigma'(z) = sigma(z) (1 - sigma(z)) is at most 1/4, reached at z = 0, so while |w_j| < 1 each
factor satisfies |w_j sigma'(z_j)| < 1/4 and the product shrinks geometrically with depth: the
vanishing gradient (:func:`random_chain_products`). Large weights can make every factor larger
than 1 instead, the exploding gradient: with every w_j = 100 and biases that make every z_j = 0,
each factor is 100 * 1/4 = 25 (:func:`centred_biases`).

The chapter's first problem asks whether large weights can keep a factor |w sigma'(w a + b)| >= 1
for long: since sigma' <= 1/4 it needs |w| >= 4, and then only inputs a in a narrow interval
qualify, no wider than equation (123) (:func:`wide_interval`, :func:`width`, :func:`max_width`).
The second problem builds an "identity neuron" (:func:`identity_neuron`).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy.optimize import minimize_scalar

from nnbook.activations import sigmoid
from nnbook.checks import check_positive_int, check_rate
from nnbook.train import check_divergence, update_mini_batch


# ---- the speed of learning of each layer -------------------------------------------------------

def _hidden_bias_gradients(net, x, y) -> list[np.ndarray]:
    """dC/db^l for every hidden layer (BP3), from ``net.backprop``, in float64."""
    if len(net.sizes) < 3:
        raise ValueError(f"net must have at least one hidden layer; Network({net.sizes}) has none")
    nabla_b, _ = net.backprop(x, y)
    return [np.asarray(nb, dtype=np.float64) for nb in nabla_b[:-1]]


def layer_speeds(net, x, y) -> list[float]:
    """The speed of learning ||dC/db^l|| of every hidden layer l, first hidden layer first.

    C is the mean cost over the rows of ``x`` (without any regularization term, which does not
    involve the biases), so dC/db^l = (1/m) sum_x delta^{x,l} by BP3: the book's "speed" is the
    Euclidean length of the layer's average error vector. The input layer has no biases and the
    output layer is left out, as in the original (``generate_gradient.py``).

    Parameters
    ----------
    net : Network
        Any network with at least one hidden layer; it is not changed.
    x, y : arrays
        Inputs of shape (m, n_in), one example per row, and integer labels or targets (m, n_out).

    Returns
    -------
    list of float
        One number per hidden layer, computed in float64.
    """
    return [float(np.linalg.norm(g)) for g in _hidden_bias_gradients(net, x, y)]


def neuron_gradients(net, x, y, k: int | None = 6) -> list[np.ndarray]:
    """dC/db^l_j for the first ``k`` neurons j of every hidden layer l (all of them if ``k`` is None).

    These are the bars of the chapter's figure of the gradient at initialisation (the original
    draws the first 6 neurons of each hidden layer). Returns one float64 array of shape (k,)
    per hidden layer; ``k`` may not exceed the size of the smallest hidden layer.
    """
    gradients = _hidden_bias_gradients(net, x, y)
    if k is None:
        return gradients
    k = check_positive_int("k", k)
    smallest = min(net.sizes[1:-1])
    if k > smallest:
        raise ValueError(f"k must be at most {smallest}, the size of the smallest hidden layer of "
                         f"Network({net.sizes}); got {k}")
    return [g[:k].copy() for g in gradients]


def training_speeds(net, x, y, steps: int, eta: float, lmbda: float = 0.0) -> np.ndarray:
    """The speed of learning of every hidden layer during full-batch gradient descent on (x, y).

    Before each of ``steps`` steps it records :func:`layer_speeds`; the step is then one call of
    ``nnbook.train.update_mini_batch(net, x, y, eta, lmbda, n=len(x))``, the whole of ``x`` as one
    mini-batch:

        w -> (1 - eta lmbda / n) w - eta dC/dw,   b -> b - eta dC/db   (equations 20, 21 and 93).

    This is the original's experiment (``SGD(training_data, 1, 1000, 0.1, lmbda=5.0)`` repeated
    500 times on 1,000 images). ``net`` is trained in place: afterwards it holds the parameters
    after ``steps`` steps, while the last row of the result was measured before the last step.

    Returns
    -------
    np.ndarray of shape (steps, number of hidden layers)
        Row i holds the speeds before step i + 1; row 0 those at the starting parameters.

    Raises
    ------
    TrainingDiverged
        If the parameters stop being finite numbers; a smaller ``eta`` helps.
    """
    steps = check_positive_int("steps", steps, allow_zero=True)
    eta = check_rate("eta", eta, allow_zero=False)
    lmbda = check_rate("lmbda", lmbda, allow_zero=True)
    x = net.check_inputs(x)
    y = net.check_targets(y, x.shape[0])  # checked once, not once per step
    if len(net.sizes) < 3:
        raise ValueError(f"net must have at least one hidden layer; Network({net.sizes}) has none")
    speeds = np.empty((steps, len(net.sizes) - 2), dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps):
            speeds[step] = layer_speeds(net, x, y)
            update_mini_batch(net, x, y, eta, lmbda, n=x.shape[0])
            check_divergence(net, f"step {step + 1}", eta, lmbda)
    return speeds


# ---- a chain of single neurons -------------------------------------------------------------------

def _chain_arrays(weights, biases) -> tuple[np.ndarray, np.ndarray]:
    w = np.asarray(weights, dtype=np.float64)
    b = np.asarray(biases, dtype=np.float64)
    if w.ndim != 1 or w.size == 0:
        raise ValueError(f"weights must be a non-empty list of numbers, one per neuron of the "
                         f"chain; got shape {w.shape}")
    if b.shape != w.shape:
        raise ValueError(f"biases must hold one number per neuron, like weights {w.shape}; "
                         f"got shape {b.shape}")
    if not (np.isfinite(w).all() and np.isfinite(b).all()):
        raise ValueError("weights and biases must be finite numbers")
    return w, b


def _check_number(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    return v


def _chain_z(w: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The weighted inputs z_j = w_j a_{j-1} + b_j, a_0 = x, of chains stacked along the first
    axes: ``w`` and ``b`` have shape (..., L), ``x`` shape (...); returns shape (..., L).
    The loop runs along the chain; every chain of the stack is computed at once."""
    z = np.empty(np.broadcast_shapes(w.shape, b.shape, x.shape + (w.shape[-1],)))
    a = x
    for j in range(w.shape[-1]):
        z[..., j] = w[..., j] * a + b[..., j]
        a = sigmoid.fn(z[..., j])
    return z


def chain_gradient(weights, biases, x: float = 1.0) -> tuple[float, list[float]]:
    """dC/db1 divided by dC/da_L for a chain of L single sigmoid neurons, and its factors.

    Neuron j has weight ``weights[j - 1]`` (w_j, from the previous neuron, or from the input x
    for j = 1) and bias ``biases[j - 1]`` (b_j): a_j = sigma(z_j), z_j = w_j a_{j-1} + b_j,
    a_0 = x. Equations (121) and (122), for any length L:

        dC/db1 = sigma'(z1) * [w2 sigma'(z2)] * [w3 sigma'(z3)] * ... * [w_L sigma'(z_L)] * dC/da_L.

    Returns ``(gradient, factors)``: gradient = sigma'(z1) * prod_j w_j sigma'(z_j), the whole
    expression without dC/da_L (which depends on the cost), and ``factors``, the L - 1 numbers
    w_j sigma'(z_j) for j = 2, ..., L. Since sigma' <= 1/4, each factor has size at most |w_j| / 4.
    """
    w, b = _chain_arrays(weights, biases)
    z = _chain_z(w, b, np.asarray(_check_number("x", x)))
    factors = w[1:] * sigmoid.prime(z[1:])
    gradient = float(sigmoid.prime(z[0]) * np.prod(factors))
    return gradient, [float(f) for f in factors]


def centred_biases(weights, x: float = 1.0) -> list[float]:
    """The biases that make every weighted input z_j of the chain zero, for the given weights.

    Then a_j = sigma(0) = 1/2 for every neuron, so b1 = -w1 x and b_j = -w_j / 2 for j >= 2. At
    z = 0 the sigmoid is steepest, sigma'(0) = 1/4, and each factor of :func:`chain_gradient` is
    w_j / 4: with every w_j = 100 that is 25, the book's exploding gradient.
    """
    w, _ = _chain_arrays(weights, np.zeros(np.shape(weights)))
    b = -0.5 * w
    b[0] = -w[0] * _check_number("x", x)
    return [float(v) for v in b]


def random_chain_products(depth: int, n_draws: int, rng=None) -> np.ndarray:
    """|prod_j w_j sigma'(z_j)| over ``depth`` factors, for ``n_draws`` random chains.

    Each chain has depth + 1 neurons, all weights w_j and biases b_j drawn from N(0, 1) and an
    input x uniform on [0, 1]; the product is that of the ``depth`` factors of
    :func:`chain_gradient`, j = 2, ..., depth + 1. With |w_j| usually below 1 and sigma' <= 1/4,
    a typical factor is well below 1/4, and the products shrink geometrically as ``depth`` grows:
    the vanishing gradient problem. Returns a float64 array of shape (n_draws,).
    """
    depth = check_positive_int("depth", depth)
    n_draws = check_positive_int("n_draws", n_draws)
    rng = np.random.default_rng(rng)
    w = rng.standard_normal((n_draws, depth + 1))
    b = rng.standard_normal((n_draws, depth + 1))
    x = rng.uniform(0.0, 1.0, size=n_draws)
    z = _chain_z(w, b, x)  # (n_draws, depth + 1)
    return np.abs(np.prod(w[:, 1:] * sigmoid.prime(z[:, 1:]), axis=1))


# ---- problem: how wide is the range of inputs where |w sigma'(w a + b)| >= 1? ----------------------

def _half_width_z(abs_w: np.ndarray) -> np.ndarray:
    """Z with |w| sigma'(z) >= 1 exactly when |z| <= Z, for |w| >= 4 (entries of ``abs_w``).

    sigma'(z) = s (1 - s) with s = sigma(z), and s (1 - s) >= 1/|w| holds for s between the roots
    s_pm = (1 pm sqrt(1 - 4/|w|)) / 2. As s_- = 1 - s_+ and s_+ s_- = 1/|w| (so s_+^2 = s_+ - 1/|w|),

        Z = ln(s_+ / (1 - s_+)) = ln(s_+ / s_-) = ln(|w| s_+ - 1) = ln(|w| (1 + sqrt(1 - 4/|w|)) / 2 - 1).
    """
    root = np.sqrt(1.0 - 4.0 / abs_w)
    return np.log(abs_w * ((1.0 + root) / 2.0) - 1.0)


def width(w):
    """The width of the set of inputs a with |w sigma'(w a + b)| >= 1: equation (123),

        (2/|w|) ln(|w| (1 + sqrt(1 - 4/|w|)) / 2 - 1)     for |w| >= 4, and 0 for |w| < 4.

    Since sigma' <= 1/4, no input qualifies when |w| < 4. For |w| >= 4 the condition holds for
    |w a + b| <= Z (see :func:`wide_interval`), an interval of a of width 2Z / |w| whatever the
    bias b. It is 0 at |w| = 4, rises to a maximum (:func:`max_width`) and falls again like
    2 ln|w| / |w|: a larger weight gives larger factors, but on a narrower range of inputs.

    ``w`` is a number (returns a float) or an array (returns an array of the same shape).
    """
    arr = np.asarray(w, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"w must hold finite numbers; got {w!r}")
    abs_w = np.abs(arr)
    result = np.zeros_like(abs_w)
    wide = abs_w >= 4.0
    result[wide] = 2.0 * _half_width_z(abs_w[wide]) / abs_w[wide]
    return float(result) if result.ndim == 0 else result


def wide_interval(w: float, b: float = 0.0) -> tuple[float, float] | None:
    """The interval of inputs a where |w sigma'(w a + b)| >= 1, as (lo, hi); None if |w| < 4.

    The condition is |z| <= Z for z = w a + b (``_half_width_z``), i.e. a between (-b - Z) / w and
    (-b + Z) / w. The bias only moves the interval (b = 0 centres it on a = 0); its width,
    hi - lo = :func:`width`, depends on w alone: no choice of b makes it wider. At |w| = 4 the
    interval is the single point a = -b / w, where z = 0.
    """
    w = _check_number("w", w)
    b = _check_number("b", b)
    if abs(w) < 4.0:
        return None
    z = float(_half_width_z(np.array(abs(w))))
    ends = sorted(((-b - z) / w, (-b + z) / w))
    return ends[0], ends[1]


def max_width() -> tuple[float, float]:
    """The widest interval of :func:`width` over all weights, found numerically: (|w|, width).

    Maximises equation (123) over |w| >= 4 with a bounded scalar search (scipy's
    ``minimize_scalar``) on [4, 100]; the width is 0 at 4 and decreasing beyond its single peak,
    so the search finds the global maximum. The book reports |w| ~ 6.9 and a width ~ 0.45.
    """
    found = minimize_scalar(lambda v: -width(v), bounds=(4.0, 100.0), method="bounded",
                            options={"xatol": 1e-10})
    if not found.success:  # pragma: no cover - the bounded search always converges here
        raise RuntimeError(f"the search for the widest interval failed: {found.message}")
    return float(found.x), width(float(found.x))


# ---- problem: an identity neuron -----------------------------------------------------------------

class IdentityParameters(NamedTuple):
    """Parameters of :func:`identity_neuron` making it approximately x on [0, 1]."""

    w1: float
    b: float
    w2: float
    offset: float


def identity_neuron(w1: float, b: float, w2: float, x, offset: float = 0.0):
    """A sigmoid neuron with input weight w1 and bias b whose output is weighted by w2:

        w2 sigma(w1 x + b) + offset,

    for a number or an array ``x`` (returned as a float or an array). ``offset`` is a constant
    that the bias of whichever neuron receives the output absorbs; it is 0 in the book's
    statement of the problem. See :func:`identity_parameters` for why it is needed.
    """
    w1, b, w2, offset = (_check_number(name, v) for name, v in
                         (("w1", w1), ("b", b), ("w2", w2), ("offset", offset)))
    arr = np.asarray(x, dtype=np.float64)
    out = w2 * sigmoid.fn(w1 * arr + b) + offset
    return float(out) if out.ndim == 0 else out


def identity_parameters(w1: float = 0.01) -> IdentityParameters:
    """(w1, b, w2, offset) with ``identity_neuron(w1, b, w2, x, offset)`` close to x on [0, 1].

    The book's hint: write x = 1/2 + Delta with |Delta| <= 1/2, take b = -w1/2 so that
    w1 x + b = w1 Delta, and expand the sigmoid for small w1 Delta,

        sigma(w1 Delta) = 1/2 + w1 Delta / 4 - (w1 Delta)^3 / 48 + O((w1 Delta)^5).

    With w2 = 4 / w1 the neuron's output is w2 sigma(w1 Delta) = 2 / w1 + Delta - w1^2 Delta^3 / 12 + ...:
    the input Delta, plus a constant. Subtracting that constant, offset = 1/2 - 2 / w1, leaves
    x - w1^2 Delta^3 / 12, within w1^2 / 96 of x on [0, 1] (about 1e-6 for w1 = 0.01).

    Without the offset no choice of (w1, b, w2) does well: at x = 0 the output w2 sigma(b) must
    be near 0 while its slope w1 w2 sigma'(b) is near 1, so the curve cannot be both small and
    straight; a numerical search finds no uniform error over [0, 1] below about 0.056. The
    neuron is therefore an identity "up to rescaling by a weight factor" and a constant, which
    in a network the next neuron's bias takes up.
    """
    w1 = check_rate("w1", w1, allow_zero=False)
    w2 = 4.0 / w1
    return IdentityParameters(w1=w1, b=-w1 / 2.0, w2=w2, offset=0.5 - w2 / 2.0)
