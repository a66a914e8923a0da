"""Finite-difference gradients: checking backpropagation against the definition of a derivative.

Chapter 2 explains why backpropagation is fast by comparing it with the obvious alternative:
nudge one parameter theta_j and watch the cost change. The *central difference*

    dC/dtheta_j  ~  (C(theta + h e_j) - C(theta - h e_j)) / 2h                          (*)

has error O(h^2) when C is smooth: in the Taylor series of C(theta + h e_j) - C(theta - h e_j) the
even terms cancel, leaving 2h C' + (h^3 / 3) C''' + ... . (The one-sided difference
(C(theta + h e_j) - C(theta)) / h keeps the h C'' / 2 term, so it is only O(h).) Rounding adds an
error of about eps |C| / h, where eps is the machine epsilon of the arithmetic. The two balance
near h ~ eps^(1/3): with float64 (eps ~ 2e-16) and h = 1e-5 both are around 1e-10, so (*) agrees
with an exact gradient to 8-10 significant digits. With float32 (eps ~ 1e-7) the best possible
agreement is about 1e-5 at h ~ 5e-3, too coarse to tell a right gradient from a slightly wrong
one, so every function here that takes differences refuses a network that is not float64.

Each partial derivative in (*) costs two forward passes over the data. A network with P
parameters therefore needs 2P forward passes for its gradient, against roughly the cost of two
for backpropagation: that is the chapter's argument, and :mod:`nnbook.studies.speed` measures it.

Comparisons use the *relative* error ||a - b|| / (||a|| + ||b||): a gradient whose entries are all
around 1e-6 (a saturated layer, say) would pass any absolute test, right or wrong, while the
relative error is about 1e-8 or less when two gradients agree and about 1e-2 or more when one of
them has a bug, whatever their scale.

Parameters are visited in place: each one is nudged, the cost evaluated, and the original value
written back, so the network is exactly as it was afterwards (bit for bit), even if the cost
raises.
"""

from __future__ import annotations

import math

import numpy as np

from nnbook import regularizers
from nnbook.checks import check_positive_int, check_rate


# ---- argument checks --------------------------------------------------------------------------

def _require_float64(net) -> None:
    dtypes = {p.dtype for p in net.parameters()} | {np.dtype(net.dtype)}
    if dtypes != {np.dtype(np.float64)}:
        got = ", ".join(sorted(d.name for d in dtypes))
        raise ValueError(
            f"net must be a float64 network for finite differences; got {got}: float32 rounding "
            f"(about 1e-7) swamps the differences. Build it with Network(..., dtype=np.float64)"
        )


def _options(lmbda, n, h=None, regularization="L2"):
    regularizers.get(regularization)
    lmbda = check_rate("lmbda", lmbda, allow_zero=True)
    if n is not None:
        n = check_positive_int("n", n)
    if h is not None:
        h = check_rate("h", h, allow_zero=False)
    return lmbda, n, h


def _data(net, x, y):
    """``x`` as given, ``y`` as targets of shape (m, n_L): converted once, not once per cost."""
    x = net.check_inputs(x)
    if x.shape[0] == 0:
        raise ValueError(f"x must hold at least one example; got shape {x.shape}")
    return x, net.check_targets(y, x.shape[0])


# ---- the two gradients ------------------------------------------------------------------------

def central_difference(cost, p: np.ndarray, index, h: float) -> float:
    """The central difference (*) of ``cost()`` with respect to ``p[index]``, restoring it after.

    The divisor is the step actually taken, (theta + h) - (theta - h), which differs from 2h
    by a rounding error when theta is not a multiple of h; using it removes that error.
    """
    old = p[index]
    up_value, down_value = old + h, old - h
    try:
        p[index] = up_value
        up = cost()
        p[index] = down_value
        down = cost()
    finally:
        p[index] = old
    return (up - down) / float(up_value - down_value)


def numerical_gradient(net, x, y, *, lmbda: float = 0.0, n: int | None = None, h: float = 1e-5,
                       regularization: str = "L2") -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The gradient of ``net.total_cost(x, y, lmbda, n, regularization)`` by central differences,
    one parameter at a time.

    Parameters
    ----------
    net : Network
        A float64 network; its parameters are nudged in place and restored exactly.
    x, y : arrays
        Inputs of shape (m, n_in), one example per row; integer labels or targets (m, n_out).
    lmbda, n, regularization : float, int or None, "L2" or "L1"
        The term (lmbda / 2n) sum w^2 (L2) or (lmbda / n) sum |w| (L1) of
        :meth:`~nnbook.network.Network.total_cost`; ``n`` (the training-set size) defaults to
        the number of rows of ``x``. (|w| has a kink at w = 0: a difference across it
        measures neither side's slope, so check L1 away from zero weights.)
    h : float
        The step of the central difference (*); its error is O(h^2) plus rounding of order
        1e-16 |C| / h, smallest near h = 1e-5 in float64.

    Returns
    -------
    (nabla_b, nabla_w)
        Shaped like the biases and weights, as :meth:`~nnbook.network.Network.backprop` returns them.
        It costs 2 forward passes per parameter: use it on small networks, or
        :func:`directional_check` on large ones.
    """
    _require_float64(net)
    lmbda, n, h = _options(lmbda, n, h, regularization)
    x, y = _data(net, x, y)

    def cost() -> float:
        return net.total_cost(x, y, lmbda, n, regularization)

    def partials(p: np.ndarray) -> np.ndarray:
        g = np.empty_like(p)
        for index in np.ndindex(p.shape):
            g[index] = central_difference(cost, p, index, h)
        return g

    return [partials(b) for b in net.biases], [partials(w) for w in net.weights]


def analytic_gradient(net, x, y, *, lmbda: float = 0.0, n: int | None = None,
                      regularization: str = "L2") -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The gradient of the same ``total_cost`` by backpropagation: BP1-BP4 plus the regularization term.

    :meth:`~nnbook.network.Network.backprop` differentiates the mean cost C_0 over the rows of
    ``x``; the regularised cost C = C_0 + (lmbda / 2n) sum w^2 (equation 87) adds (lmbda / n) w
    to each weight's derivative (equation 88) and nothing to the biases'; with L1,
    C = C_0 + (lmbda / n) sum |w| (equation 95) adds (lmbda / n) sgn(w) (equation 96). ``n``
    defaults to the number of rows of ``x``, as in ``total_cost``. Works for any dtype.
    """
    lmbda, n, _ = _options(lmbda, n, None, regularization)
    x, y = _data(net, x, y)
    nabla_b, nabla_w = net.backprop(x, y)
    if lmbda:
        n = x.shape[0] if n is None else n
        prime = regularizers.get(regularization).prime
        nabla_w = [nw + prime(w, lmbda, n) for nw, w in zip(nabla_w, net.weights)]
    return list(nabla_b), list(nabla_w)


def directional_check(net, x, y, *, rng=None, h: float = 1e-5, lmbda: float = 0.0,
                      n: int | None = None, regularization: str = "L2") -> tuple[float, float]:
    """The derivative of the cost along one random direction, by differences and by backprop.

    Draws a unit vector v over all parameters at once (standard normal entries in the order of
    :meth:`~nnbook.network.Network.parameters`, scaled to norm 1) and returns

        (numeric, analytic) = ((C(theta + h v) - C(theta - h v)) / 2h,  grad C . v).

    Two forward passes and one backward pass, whatever the size of the network, so it checks a
    [784, 100, 10] network as cheaply as a tiny one; a wrong gradient almost surely disagrees
    along a random direction. Compare the two with :func:`relative_error`.
    The network must be float64; its parameters are restored exactly.
    """
    _require_float64(net)
    lmbda, n, h = _options(lmbda, n, h, regularization)
    x, y = _data(net, x, y)
    rng = np.random.default_rng(rng)
    params = net.parameters()
    v = [rng.standard_normal(p.shape) for p in params]
    norm = math.sqrt(sum(float(np.sum(d * d)) for d in v))
    v = [d / norm for d in v]

    saved = [p.copy() for p in params]
    try:
        for p, s, d in zip(params, saved, v):
            np.add(s, h * d, out=p)
        up = net.total_cost(x, y, lmbda, n, regularization)
        for p, s, d in zip(params, saved, v):
            np.subtract(s, h * d, out=p)
        down = net.total_cost(x, y, lmbda, n, regularization)
    finally:
        for p, s in zip(params, saved):
            p[...] = s
    numeric = (up - down) / (2 * h)

    nabla_b, nabla_w = analytic_gradient(net, x, y, lmbda=lmbda, n=n, regularization=regularization)
    grads = [g for pair in zip(nabla_w, nabla_b) for g in pair]  # the order of parameters()
    analytic = sum(float(np.sum(g * d)) for g, d in zip(grads, v))
    return float(numeric), float(analytic)


# ---- comparing them ---------------------------------------------------------------------------

def _flatten(a, name: str) -> list[np.ndarray]:
    if isinstance(a, (list, tuple)):
        return [piece for item in a for piece in _flatten(item, name)]
    arr = np.asarray(a)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise ValueError(f"{name} must be an array or a list of arrays of numbers; got {arr.dtype}")
    return [arr]


def relative_error(a, b) -> float:
    """||a - b|| / (||a|| + ||b||), the Euclidean norms over every entry; 0 when both are 0.

    ``a`` and ``b`` are arrays, or (nested) lists or tuples of arrays such as the
    ``(nabla_b, nabla_w)`` pairs returned here, compared piece by piece and flattened together;
    their pieces must have the same shapes. The result lies in [0, 1]: about 1e-8 or below for
    two float64 gradients that agree, 1 when one is zero and the other is not.
    """
    pa, pb = _flatten(a, "a"), _flatten(b, "b")
    shapes_a, shapes_b = [p.shape for p in pa], [p.shape for p in pb]
    if shapes_a != shapes_b:
        raise ValueError(f"a and b must have the same shapes; got {shapes_a} and {shapes_b}")
    fa = np.concatenate([p.ravel() for p in pa]).astype(np.float64) if pa else np.zeros(0)
    fb = np.concatenate([p.ravel() for p in pb]).astype(np.float64) if pb else np.zeros(0)
    scale = _norm(fa) + _norm(fb)
    return _norm(fa - fb) / max(scale, float(np.finfo(np.float64).tiny))


def _norm(v: np.ndarray) -> float:
    """The Euclidean norm, scaled first so that neither tiny entries underflow when squared
    nor huge ones overflow (numpy's norm returns 0 for [1e-310] and warns for [1e200])."""
    if v.size == 0:
        return 0.0
    with np.errstate(invalid="ignore"):  # NaN entries give a NaN norm, quietly
        biggest = float(np.max(np.abs(v)))
    if biggest == 0 or not math.isfinite(biggest):
        return biggest
    u = v / biggest
    return biggest * math.sqrt(float(u @ u))


def check(net, x, y, **kw) -> list[dict]:
    """Compare :func:`numerical_gradient` with :func:`analytic_gradient`, layer by layer.

    Keyword arguments (``lmbda``, ``n``, ``h``, ``regularization``) go to
    :func:`numerical_gradient`; all but ``h`` also to :func:`analytic_gradient`. Returns one row per layer and kind of parameter,
    weights then biases, in the order of :meth:`~nnbook.network.Network.parameters`::

        {"layer": l, "parameter": "weights" | "biases", "count": number of entries,
         "relative_error": ..., "max_abs_error": ...}

    ``layer`` is the book's layer number l, counting the input layer as layer 1: the first row
    is for w^2 (``net.weights[0]``), the last for w^L and b^L.
    """
    unknown = set(kw) - {"lmbda", "n", "h", "regularization"}
    if unknown:
        raise ValueError(f"check takes the keyword arguments lmbda, n, h and regularization; "
                         f"got {sorted(unknown)}")
    numeric_b, numeric_w = numerical_gradient(net, x, y, **kw)
    kw.pop("h", None)
    analytic_b, analytic_w = analytic_gradient(net, x, y, **kw)
    rows = []
    for i in range(len(net.weights)):
        for kind, num, ana in (("weights", numeric_w[i], analytic_w[i]),
                               ("biases", numeric_b[i], analytic_b[i])):
            rows.append({
                "layer": i + 2,
                "parameter": kind,
                "count": int(num.size),
                "relative_error": relative_error(num, ana),
                "max_abs_error": float(np.max(np.abs(num - ana))),
            })
    return rows
