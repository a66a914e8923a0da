"""The fully connected network of chapters 1-3 and 5.

Notation follows the book. Layer l has weights ``weights[l]`` of shape (n_l, n_{l-1}), so that
``weights[l][j, k]`` is w^l_jk, the weight from neuron k in layer l-1 to neuron j in layer l, and
biases ``biases[l]`` of shape (n_l,). (Python lists start at 0 for the first layer of weights.)

The book writes one example as a column vector: a^l = sigma(w^l a^{l-1} + b^l) (equation 25).
nnbook stacks a mini-batch of m examples as the *rows* of a matrix, so the same equation reads

    A^l = sigma(A^{l-1} (w^l)^T + b^l)        A^l has shape (m, n_l)

and one matrix product per layer processes the whole mini-batch (chapter 2's closing problem).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnbook import activations, costs, initializers
from nnbook.data import one_hot


class Network:
    """A fully connected feedforward network.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, input first: ``[784, 30, 10]`` is chapter 1's digit network.
    cost : cost class or name
        ``"quadratic"`` (chapter 1, the default) or ``"cross-entropy"``; see :mod:`nnbook.costs`.
    activation : Activation or name
        The neuron used in every layer; the sigmoid by default.
    init : "large", "scaled" or callable ``(shape, rng) -> array``
        Weight initialisation (:mod:`nnbook.initializers`); chapter 1 draws every weight from
        N(0, 1) ("large"). Biases are always drawn from N(0, 1); the input layer has none.
    rng : numpy Generator or seed
        The source of the initial weights and biases.
    dtype : numpy dtype
        float64 by default (finite-difference checks need it); float32 trains about twice as fast.
    """

    def __init__(self, sizes: Sequence[int], *, cost="quadratic", activation="sigmoid",
                 init="large", rng=None, dtype=np.float64):
        sizes = list(sizes)
        if len(sizes) < 2 or not all(isinstance(n, (int, np.integer)) and n > 0 for n in sizes):
            raise ValueError(
                f"sizes must list at least two positive layer sizes, e.g. [784, 30, 10]; got {sizes!r}"
            )
        self.sizes = [int(n) for n in sizes]
        self.cost = costs.get(cost)
        self.activation = activations.get(activation)
        self.dtype = np.dtype(dtype)
        rng = np.random.default_rng(rng)
        draw = initializers.get(init)
        shapes = list(zip(self.sizes[1:], self.sizes[:-1]))
        self.weights = [np.asarray(draw(shape, rng), dtype=self.dtype) for shape in shapes]
        self.biases = [initializers.biases(n, rng).astype(self.dtype) for n, _ in shapes]

    @property
    def num_layers(self) -> int:
        return len(self.sizes)

    def parameters(self) -> list[np.ndarray]:
        """All weights and biases, layer by layer: [w^2, b^2, w^3, b^3, ...]."""
        return [p for wb in zip(self.weights, self.biases) for p in wb]

    def num_parameters(self) -> int:
        return sum(p.size for p in self.parameters())

    def __repr__(self) -> str:
        return (f"Network({self.sizes}, cost={self.cost.name!r}, "
                f"activation={self.activation.name!r}, dtype={self.dtype.name})")

    # ---- input checks -------------------------------------------------------------------------

    def _inputs(self, x) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.sizes[0]:
            raise ValueError(
                f"x must have shape (m, {self.sizes[0]}); got {x.shape}: nnbook takes one example per row"
            )
        return x

    def _targets(self, y, m: int) -> np.ndarray:
        """Integer labels become one-hot rows; real targets must already have shape (m, n_L)."""
        y = np.asarray(y)
        n_out = self.sizes[-1]
        if y.ndim == 1 and np.issubdtype(y.dtype, np.integer):
            if y.shape[0] != m:
                raise ValueError(f"y must have {m} labels, one per row of x; got {y.shape[0]}")
            if y.size and (y.min() < 0 or y.max() >= n_out):
                raise ValueError(f"labels must lie in 0..{n_out - 1}; got values from {y.min()} to {y.max()}")
            return one_hot(y, n_out, self.dtype)
        if y.shape != (m, n_out):
            raise ValueError(
                f"y must be {m} integer labels or targets of shape ({m}, {n_out}); got {y.dtype} array of shape {y.shape}"
            )
        return y.astype(self.dtype, copy=False)

    # ---- the forward pass ---------------------------------------------------------------------

    def feedforward(self, x) -> np.ndarray:
        """The output activations a^L for each row of ``x``: shape (m, n_L). Equation (25)."""
        a = self._inputs(x)
        for w, b in zip(self.weights, self.biases):
            a = self.activation.fn(a @ w.T + b)  # (m, n_l)
        return a

    def forward(self, x) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The weighted inputs z^l and activations a^l of every layer, for each row of ``x``.

        Returns ``(zs, activations)``: ``zs[i]`` has shape (m, n_{i+1}) for the i-th weight layer,
        ``activations[0]`` is ``x`` itself and ``activations[i + 1] = f(zs[i])``.
        """
        a = self._inputs(x)
        zs, acts = [], [a]
        for w, b in zip(self.weights, self.biases):
            z = a @ w.T + b  # (m, n_l)
            a = self.activation.fn(z)
            zs.append(z)
            acts.append(a)
        return zs, acts

    # ---- backpropagation ----------------------------------------------------------------------

    def errors(self, x, y) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The error delta^l = dC_x/dz^l of every layer, for each row of ``x``: BP1 and BP2.

        Returns ``(deltas, activations)``: ``deltas[i]`` has shape (m, n_{i+1}), one row per
        example, for the i-th layer of weights; ``activations`` are those of :meth:`forward`.
        In the row form used here (the book writes one example as a column):

        * BP1: delta^L = cost.delta(z^L, a^L, y)          (quadratic cost: (a^L - y) * sigma'(z^L))
        * BP2: delta^l = (delta^{l+1} w^{l+1}) * sigma'(z^l)  (the book: ((w^{l+1})^T delta^{l+1}) . sigma'(z^l))
        """
        x = self._inputs(x)
        y = self._targets(y, x.shape[0])
        zs, acts = self.forward(x)
        deltas = [np.empty(0)] * len(self.weights)
        deltas[-1] = self.cost.delta(zs[-1], acts[-1], y, self.activation)  # BP1, (m, n_L)
        for l in range(len(self.weights) - 2, -1, -1):
            deltas[l] = (deltas[l + 1] @ self.weights[l + 1]) * self.activation.prime(zs[l])  # BP2
        return deltas, acts

    def backprop(self, x, y) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The gradient of the mean cost C = (1/m) sum_x C_x over the rows of ``x``: BP3 and BP4.

        Returns ``(nabla_b, nabla_w)``, shaped like ``biases`` and ``weights``. With the errors
        delta^l of :meth:`errors` stacked one example per row,

        * BP3: dC/db^l = the mean over the rows of delta^l
        * BP4: dC/dw^l = (delta^l)^T a^{l-1} / m           (the book: a^{l-1}_k delta^l_j, per example)

        so a whole mini-batch costs one matrix product per layer in each direction.
        """
        deltas, acts = self.errors(x, y)
        m = acts[0].shape[0]
        nabla_b = [delta.sum(axis=0) / m for delta in deltas]  # BP3, (n_l,)
        nabla_w = [delta.T @ a / m for delta, a in zip(deltas, acts)]  # BP4, (n_l, n_{l-1})
        return nabla_b, nabla_w

    def update_mini_batch(self, x, y, eta: float, lmbda: float = 0.0, n: int | None = None) -> None:
        """One step of gradient descent on the mini-batch ``(x, y)``, equations (20) and (21).

        w -> (1 - eta lmbda / n) w - eta dC/dw,   b -> b - eta dC/db,

        where dC/dw is the mean over the mini-batch (the book's (eta/m) sum_x) and the first
        factor is L2 weight decay (chapter 3, equation 93) with n the size of the training set.
        """
        nabla_b, nabla_w = self.backprop(x, y)
        decay = 1.0 - eta * lmbda / n if lmbda else 1.0
        for w, b, nw, nb in zip(self.weights, self.biases, nabla_w, nabla_b):
            if decay != 1.0:
                w *= decay
            w -= eta * nw
            b -= eta * nb

    # ---- evaluation ---------------------------------------------------------------------------

    def predict(self, x) -> np.ndarray:
        """The network's digit for each row of ``x``: the index of the most active output neuron."""
        return np.argmax(self.feedforward(x), axis=1)

    def accuracy(self, x, labels) -> float:
        """The fraction of rows of ``x`` whose prediction equals ``labels``."""
        labels = np.asarray(labels)
        predictions = self.predict(x)
        if labels.shape != predictions.shape:
            raise ValueError(f"labels must have shape {predictions.shape}; got {labels.shape}")
        return float(np.mean(predictions == labels))

    def total_cost(self, x, y, lmbda: float = 0.0, n: int | None = None) -> float:
        """The mean cost over the rows of ``x``, plus the L2 term (lmbda / 2n) sum w^2 (equation 87).

        ``n`` is the size of the *training* set (it defaults to the number of rows of ``x``).
        """
        x = self._inputs(x)
        y = self._targets(y, x.shape[0])
        cost = float(np.mean(self.cost.fn(self.feedforward(x), y)))
        if lmbda:
            n = x.shape[0] if n is None else n
            cost += 0.5 * lmbda / n * sum(float(np.sum(w * w)) for w in self.weights)
        return cost

    def SGD(self, training_data, epochs: int, mini_batch_size: int, eta: float, lmbda: float = 0.0,
            evaluation_data=None, **kwargs):
        """Train with mini-batch stochastic gradient descent; see :func:`nnbook.train.sgd`."""
        from nnbook.train import sgd

        return sgd(self, training_data, epochs, mini_batch_size, eta, lmbda,
                   evaluation_data=evaluation_data, **kwargs)
