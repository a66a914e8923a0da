"""The fully connected network of chapters 1-3 and 5.

Notation follows the book. Layer l has weights ``weights[l]`` of shape (n_l, n_{l-1}), so that
``weights[l][j, k]`` is w^l_jk, the weight from neuron k in layer l-1 to neuron j in layer l, and
biases ``biases[l]`` of shape (n_l,). (Python lists start at 0 for the first layer of weights.)

The book writes one example as a column vector: a^l = sigma(w^l a^{l-1} + b^l) (equation 25).
nnbook stacks a mini-batch of m examples as the *rows* of a matrix, so the same equation reads

    A^l = sigma(A^{l-1} (w^l)^T + b^l)        A^l has shape (m, n_l)

and one matrix product per layer processes the whole mini-batch (chapter 2's closing problem).

Chapter 3 adds options, all off by default so that the chapter 1 and 2 network is unchanged: a
different output neuron (``output_activation``, e.g. a softmax layer), the log-likelihood cost,
L1 regularization, momentum and dropout (options of :func:`nnbook.train.sgd`, which asks the
network for the gradient of each mini-batch, :meth:`Network.gradient`, and takes the step itself;
or, when the run has no momentum and no L1, takes the same step fused for speed,
:meth:`Network.update_mini_batch`, which the tests hold to the readable one).

Labels stay integers: a cost reads y as the one-hot row the book writes, without building it
(:func:`nnbook.costs.minus_targets`); real targets of shape (m, n_L) work too.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.linalg import get_blas_funcs
from scipy.special import expit

from nnbook import activations, checks, costs, initializers, regularizers


class Network:
    """A fully connected feedforward network.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, input first: ``[784, 30, 10]`` is chapter 1's digit network.
    cost : cost class or name
        ``"quadratic"`` (chapter 1, the default), ``"cross-entropy"`` or ``"log-likelihood"``
        (chapter 3); see :mod:`nnbook.costs`.
    activation : Activation or name
        The neuron of the hidden layers (and, by default, of the output layer): ``"sigmoid"``
        (the default), ``"tanh"``, ``"relu"`` or ``"identity"``.
    output_activation : Activation or name, optional
        The neuron of the output layer. By default ``"softmax"`` with the log-likelihood cost
        and ``activation`` otherwise. The cross-entropy cost needs sigmoid outputs and the
        log-likelihood cost softmax outputs; other combinations raise ValueError here, when
        the network is built (:func:`nnbook.costs.check_output`).
    init : "large", "scaled" or callable ``(shape, rng) -> array``
        Weight initialisation (:mod:`nnbook.initializers`); chapter 1 draws every weight from
        N(0, 1) ("large"). Biases are always drawn from N(0, 1); the input layer has none.
    rng : numpy Generator or seed
        The source of the initial weights and biases.
    dtype : numpy dtype
        float64 by default (finite-difference checks need it); float32 trains about twice as fast.
    """

    _step_buffers: tuple | None = None  # update_mini_batch's work arrays, made on its first call

    def __init__(self, sizes: Sequence[int], *, cost="quadratic", activation="sigmoid",
                 output_activation=None, init="large", rng=None, dtype=np.float64):
        self.sizes = checks.check_sizes("sizes", sizes)
        self.cost = costs.get(cost)
        self.activation = activations.get(activation)
        if not self.activation.elementwise:
            raise ValueError(
                f"activation is the neuron of the hidden layers and must act element-wise; got "
                f"{self.activation.name!r}. For a softmax output layer pass output_activation='softmax'"
            )
        if output_activation is None:
            output_activation = "softmax" if self.cost is costs.LogLikelihoodCost else self.activation
        self.output_activation = activations.get(output_activation)
        costs.check_output(self.cost, self.output_activation)
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
        output = ("" if self.output_activation is self.activation
                  else f", output_activation={self.output_activation.name!r}")
        return (f"Network({self.sizes}, cost={self.cost.name!r}, "
                f"activation={self.activation.name!r}{output}, dtype={self.dtype.name})")

    def activation_functions(self, masks=None) -> list[activations.Activation]:
        """The activation function f of each layer of weights, in order: ``activation`` in the
        hidden layers, ``output_activation`` in the last one.

        ``masks`` (dropout, chapter 3) holds one array per hidden layer, of shape (m, n_l) or
        (n_l,): hidden layer l then outputs f(z) * masks[l] (:class:`nnbook.activations.Masked`).
        """
        hidden = [self.activation] * (len(self.weights) - 1)
        if masks is not None:
            if len(masks) != len(hidden):
                raise ValueError(f"masks must hold one array per hidden layer ({len(hidden)}); "
                                 f"got {len(masks)}")
            hidden = [activations.Masked(f, mask) for f, mask in zip(hidden, masks)]
        return hidden + [self.output_activation]

    # ---- input checks -------------------------------------------------------------------------

    def check_inputs(self, x, name: str = "x", *, finite: bool = False) -> np.ndarray:
        """``x`` as an array of shape (m, n_1) of floating-point values, or a ValueError.

        The shape and dtype cost nothing to check, and are checked on every call, mini-batches
        included; with ``finite`` every value is checked too (one pass over ``x``), which the
        public evaluation methods do once per call (:func:`nnbook.checks.check_images`).
        """
        return checks.check_images(name, x, self.sizes[0], allow_empty=True, finite=finite)

    def check_targets(self, y, m: int, name: str = "y") -> np.ndarray:
        """Integer labels (m,), checked and kept as they are; or real targets of shape (m, n_L)."""
        y = np.asarray(y)
        n_out = self.sizes[-1]
        if y.ndim == 1 and y.dtype.kind in "iu":
            if y.shape[0] != m:
                raise ValueError(f"{name} must have {m} labels, one per row of x; got {y.shape[0]}")
            labels = y.tolist()  # checked in Python: faster than two numpy reductions on a mini-batch
            if labels and (min(labels) < 0 or max(labels) >= n_out):
                raise ValueError(f"labels must lie in 0..{n_out - 1}; got values from {min(labels)} "
                                 f"to {max(labels)}")
            return y
        if y.shape != (m, n_out) or y.dtype.kind not in "fiu":
            raise ValueError(
                f"{name} must be {m} integer labels or real targets of shape ({m}, {n_out}); got "
                f"{y.dtype} array of shape {y.shape}"
            )
        return y.astype(self.dtype, copy=False)

    # ---- the forward pass ---------------------------------------------------------------------

    def feedforward(self, x) -> np.ndarray:
        """The output activations a^L for each row of ``x``: shape (m, n_L). Equation (25).

        ``x`` is checked once: floating point, finite (:meth:`check_inputs`)."""
        return self._feedforward(self.check_inputs(x, finite=True))

    def _feedforward(self, a: np.ndarray) -> np.ndarray:
        for w, b, f in zip(self.weights, self.biases, self.activation_functions()):
            a = f.fn(a @ w.T + b)  # (m, n_l)
        return a

    def forward(self, x, masks=None) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The weighted inputs z^l and activations a^l of every layer, for each row of ``x``.

        Returns ``(zs, activations)``: ``zs[i]`` has shape (m, n_{i+1}) for the i-th weight layer,
        ``activations[0]`` is ``x`` itself and ``activations[i + 1] = f(zs[i])``, with f the
        layer's activation function (:meth:`activation_functions`; ``masks`` are dropout's).
        """
        a = self.check_inputs(x)
        zs, acts = [], [a]
        for w, b, f in zip(self.weights, self.biases, self.activation_functions(masks)):
            z = a @ w.T + b  # (m, n_l)
            a = f.fn(z)
            zs.append(z)
            acts.append(a)
        return zs, acts

    # ---- backpropagation ----------------------------------------------------------------------

    def errors(self, x, y, masks=None) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The error delta^l = dC_x/dz^l of every layer, for each row of ``x``: BP1 and BP2.

        Returns ``(deltas, activations)``: ``deltas[i]`` has shape (m, n_{i+1}), one row per
        example, for the i-th layer of weights; ``activations`` are those of :meth:`forward`.
        In the row form used here (the book writes one example as a column), with f the
        activation function of each layer (``fs``; sigma everywhere in chapters 1 and 2):

        * BP1: delta^L = cost.delta(z^L, a^L, y, f)       (quadratic cost: (a^L - y) * f'(z^L))
        * BP2: delta^l = (delta^{l+1} w^{l+1}) * f'(z^l)  (the book: ((w^{l+1})^T delta^{l+1}) . sigma'(z^l))
        """
        x = self.check_inputs(x)
        y = self.check_targets(y, x.shape[0])
        fs = self.activation_functions(masks)
        zs, acts = self.forward(x, masks)
        deltas = [np.empty(0)] * len(self.weights)
        deltas[-1] = self.cost.delta(zs[-1], acts[-1], y, fs[-1])  # BP1, (m, n_L)
        for l in range(len(self.weights) - 2, -1, -1):
            deltas[l] = (deltas[l + 1] @ self.weights[l + 1]) * fs[l].prime(zs[l])  # BP2
        return deltas, acts

    def backprop(self, x, y, masks=None) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The gradient of the mean cost C = (1/m) sum_x C_x over the rows of ``x``: BP3 and BP4.

        Returns ``(nabla_b, nabla_w)``, shaped like ``biases`` and ``weights``. With the errors
        delta^l of :meth:`errors` stacked one example per row,

        * BP3: dC/db^l = the mean over the rows of delta^l
        * BP4: dC/dw^l = (delta^l / m)^T a^{l-1}           (the book: a^{l-1}_k delta^l_j, per example)

        so a whole mini-batch costs one matrix product per layer in each direction.
        """
        deltas, acts = self.errors(x, y, masks)
        m = acts[0].shape[0]
        nabla_b = [delta.sum(axis=0) / m for delta in deltas]  # BP3, (n_l,)
        nabla_w = [(delta / m).T @ a for delta, a in zip(deltas, acts)]  # BP4, (n_l, n_{l-1})
        return nabla_b, nabla_w

    def gradient(self, x, y, masks=None) -> list[np.ndarray]:
        """dC/dp for every parameter p, in the order of :meth:`parameters`: [dC/dw^2, dC/db^2, ...].

        The same numbers as :meth:`backprop`, arranged as :func:`nnbook.train.sgd` takes them
        from any network; the step p -> p - eta dC/dp is taken there.
        """
        nabla_b, nabla_w = self.backprop(x, y, masks)
        return [g for pair in zip(nabla_w, nabla_b) for g in pair]

    # ---- the fused training step --------------------------------------------------------------

    def update_mini_batch(self, x, y, eta: float, lmbda: float = 0.0, n: int | None = None,
                          masks=None) -> None:
        """One step of gradient descent with L2 weight decay on the mini-batch ``(x, y)``:

            w^l -> (1 - eta lmbda / n) w^l - eta dC/dw^l,    b^l -> b^l - eta dC/db^l

        with dC/dp of the mean cost over the m rows of ``x`` by BP1-BP4 (:meth:`errors`,
        :meth:`backprop`). It is the fused form of the readable step,
        :func:`nnbook.train.update_mini_batch` (:meth:`gradient`, then
        :func:`nnbook.train.gradient_step`), and the tests check the two against each other step
        for step; :func:`nnbook.train.sgd` takes it when the run has no momentum and no L1.
        The arithmetic is the same, arranged for few numpy calls:

        * the output error is scaled by eta / m as it is made, (eta / m) delta^L, so BP2 carries
          the factor down, BP3's column sums are eta dC/db^l and BP4's product
          ((eta / m) delta^l)^T a^{l-1} is eta dC/dw^l, ready to subtract;
        * that product, the weight decay and the subtraction are one BLAS call (gemm, which
          computes C -> beta C + alpha A B in place: beta = 1 - eta lmbda / n, alpha = -1);
        * z^l, a^l, delta^l and the sums go into arrays made once per mini-batch size and kept
          with the network (not saved with it), the activations computed in place;
        * integer labels are subtracted at their flat index, as :func:`nnbook.costs.minus_targets`
          does;
        * delta^{l-1} (BP2) is computed before w^l takes its step, as in the readable form.

        ``x`` (rows of the network's dtype) and ``y`` (integer labels or real targets (m, n_L))
        are taken as :meth:`check_examples` returns them and not checked again here: sgd checks
        the whole set once. ``masks`` are dropout's (:meth:`dropout_masks`). A cost or an
        activation of your own takes the readable path.
        """
        m = len(x)
        neurons = (self.cost, self.activation, self.output_activation)
        cache = self._step_buffers
        if cache is None or cache[0] != neurons:
            cache = self._step_buffers = (neurons, self._fused_kinds(), {})
        kinds, buffers = cache[1], cache[2].get(m)
        if kinds is None or not m or (lmbda and (n is None or not n > 0)) or (
                masks is not None and len(masks) != len(self.weights) - 1):
            from nnbook.train import gradient_step

            gradient_step(self, self.gradient(x, y, masks), eta, lmbda, n)  # errors named there
            return
        if buffers is None:
            buffers = cache[2][m] = _StepBuffers(self.sizes, m, self.dtype)
        hidden, output, cost = kinds
        weights, biases = self.weights, self.biases
        zs, fzs, outs, deltas, temps = (buffers.zs, buffers.fzs, buffers.outs, buffers.deltas,
                                        buffers.temps)
        last = len(weights) - 1
        scale = eta / m
        # Forward: z^l = a^{l-1} (w^l)^T + b^l and a^l = f(z^l), times the mask with dropout.
        inputs = [x]
        a = x
        for l in range(last):
            z = np.matmul(a, weights[l].T, out=zs[l])
            z += biases[l]
            fz = _activate(hidden, z, fzs[l])
            a = fz if masks is None else np.multiply(fz, masks[l], out=outs[l])
            inputs.append(a)
        z = np.matmul(a, weights[last].T, out=zs[last])
        z += biases[last]
        if output == "softmax":
            column = buffers.column
            a = np.subtract(z, np.maximum.reduce(z, axis=1, keepdims=True, out=column), out=fzs[last])
            np.exp(a, out=a)
            a /= np.add.reduce(a, axis=1, keepdims=True, out=column)
        else:
            a = _activate(output, z, fzs[last])
        # BP1 times eta / m: (eta / m) (a^L - y), times f'(z^L) for the quadratic cost.
        delta = deltas[last]
        if y.ndim == 1:
            np.multiply(a, scale, out=delta)
            # (unsafe: uint64 labels add to the int64 row offsets in float64; exact for labels)
            buffers.flat[np.add(buffers.rows, y, out=buffers.index, casting="unsafe")] -= scale
        elif cost == "log-likelihood":  # a^L sum_j y_j - y: rows of y need not sum to 1
            np.multiply(a, np.add.reduce(y, axis=1, keepdims=True, out=buffers.column), out=delta)
            delta -= y
            delta *= scale
        else:
            np.subtract(a, y, out=delta)
            delta *= scale
        if cost == "quadratic":
            _times_prime(delta, output, z, a, temps[last])
        # Backward, layer by layer: BP2 for the layer below (with w^l before its step), then
        # BP3 and BP4 as the step itself.
        decay = 1.0 - eta * lmbda / n if lmbda and n else 1.0
        for l in range(last, -1, -1):
            delta, w = deltas[l], weights[l]
            if l:
                below = np.matmul(delta, w, out=deltas[l - 1])  # BP2
                _times_prime(below, hidden, zs[l - 1], fzs[l - 1], temps[l - 1])
                if masks is not None:
                    below *= masks[l - 1]
            # BP4 and the step in one BLAS call, in its column-major terms (w^T is w's memory):
            # w^T -> decay w^T - (a^{l-1})^T ((eta / m) delta^l).
            wt = w.T
            if buffers.gemm(-1.0, inputs[l].T, delta.T, decay, wt, trans_b=1,
                            overwrite_c=1) is not wt:  # BLAS worked on a copy: w is not C-ordered
                if decay != 1.0:
                    w *= decay
                w -= np.matmul(delta.T, inputs[l], out=buffers.products[l])
            biases[l] -= np.add.reduce(delta, axis=0, out=buffers.sums[l])  # BP3: eta dC/db

    def _fused_kinds(self):
        """What :meth:`update_mini_batch` computes in place: (hidden, output, cost) names, or
        None for a cost or an activation it does not know (the readable path then)."""
        hidden = _IN_PLACE.get(type(self.activation))
        output = _IN_PLACE.get(type(self.output_activation))
        if type(self.output_activation) is activations.Softmax:
            output = "softmax"
        cost = {costs.QuadraticCost: "quadratic", costs.CrossEntropyCost: "cross-entropy",
                costs.LogLikelihoodCost: "log-likelihood"}.get(self.cost)
        if hidden is None or output is None or cost is None:
            return None
        return hidden, output, cost

    def __getstate__(self) -> dict:
        """The network without the fused step's work arrays (:meth:`update_mini_batch`)."""
        state = self.__dict__.copy()
        state.pop("_step_buffers", None)
        return state

    # ---- what nnbook.train.sgd asks of a network ----------------------------------------------

    def check_examples(self, x, y, name: str = "data", *,
                       allow_empty: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``(x, y)`` as training takes them: rows of the network's dtype, labels checked.

        The one validation of a data set, once per call of :func:`nnbook.train.sgd`, shared with
        the convolutional network (:mod:`nnbook.checks`): floating-point images (0-255 bytes are
        refused with a hint to scale them), at least one example, every value finite, and
        integer labels naming an output neuron (or finite real targets of shape (m, n_L)).
        ``name`` goes into the error message ("training_data images must ..."); ``allow_empty``
        accepts a set of no examples.
        """
        x = np.asarray(x)
        if x.ndim != 2 or np.ndim(y) == 0 or len(y) != len(x):
            raise ValueError(f"{name} must hold images of shape (m, n) and m labels; got "
                             f"{x.shape} and {np.shape(y)}")
        x = checks.check_images(f"{name} images", x, self.sizes[0], allow_empty=allow_empty)
        y = np.asarray(y)
        if y.ndim == 1:
            y = checks.check_labels(f"{name} labels", y, len(x), self.sizes[-1])
        else:
            y = checks.check_finite(f"{name} targets", self.check_targets(y, len(x), f"{name} targets"))
        return x.astype(self.dtype, copy=False), y

    def uses_dropout(self, p: float) -> bool:
        """Whether training with dropout probability ``p`` (chapter 3) drops anything."""
        if p and len(self.sizes) < 3:
            raise ValueError(f"dropout drops hidden neurons, and Network({self.sizes}) has no hidden layer")
        return bool(p)

    def dropout_masks(self, m: int, p: float, rng) -> list[np.ndarray]:
        """Dropout masks for a mini-batch of ``m`` examples: one array (m, n_l) per hidden layer.

        Each entry is drawn independently: 0 with probability ``p`` (the neuron is dropped for that
        example) and 1/(1 - p) otherwise, so the expected output of every hidden neuron is what it
        is without dropout ("inverted" dropout) and the trained network is used as it is. The book
        describes dropping one set of neurons for a whole mini-batch; drawing them per example, as
        Hinton et al. (2012) and the original's ``network3`` do, is the more common form.
        """
        rng = np.random.default_rng(rng)
        scale = self.dtype.type(1.0 / (1.0 - p))
        return [(rng.random((m, size)) >= p) * scale for size in self.sizes[1:-1]]

    # ---- evaluation ---------------------------------------------------------------------------

    def predict(self, x) -> np.ndarray:
        """The network's digit for each row of ``x``: the index of the most active output neuron."""
        return np.argmax(self.feedforward(x), axis=1)

    def accuracy(self, x, labels) -> float:
        """The fraction of rows of ``x`` whose prediction equals ``labels``.

        Checked first, once: at least one example, finite floating-point values, integer
        labels naming an output neuron (a label no neuron can give would make the fraction a
        silent undercount). A network whose outputs are NaN has no accuracy: FloatingPointError
        (:func:`nnbook.checks.check_outputs`)."""
        x = checks.check_images("x", x, self.sizes[0])
        labels = checks.check_labels("labels", labels, len(x), self.sizes[-1])
        outputs = checks.check_outputs(self._feedforward(x))
        return float(np.mean(np.argmax(outputs, axis=1) == labels))

    def total_cost(self, x, y, lmbda: float = 0.0, n: int | None = None,
                   regularization: str = "L2") -> float:
        """The mean cost over the rows of ``x``, plus the regularization term.

        C = (1/m) sum_x C_x + (lmbda / 2n) sum_w w^2   (``"L2"``, equation 87)
                            + (lmbda / n) sum_w |w|    (``"L1"``, equation 95, instead)

        ``n`` is the size of the *training* set; it defaults to the number of rows of ``x``.
        :func:`nnbook.train.sgd` always passes the training set's n, also when it measures the
        cost of the evaluation data: the term is part of the cost being minimised, whatever set
        it is measured on. (The original's ``network2.total_cost`` divided by the size of the
        set evaluated instead, so its L2 term on 10,000 validation images was 5 times that on
        50,000 training images; we do not reproduce that.)
        """
        regularizer = regularizers.get(regularization)
        x = self.check_inputs(x, finite=True)
        y = self.check_targets(y, x.shape[0])
        zs, acts = self.forward(x)
        # From z^L where the cost allows it (cross-entropy, log-likelihood): exact even where the
        # output has rounded to 0 or 1. Costs are checked against the output activation when the
        # network is built, so fn_z is only used with the activation it assumes.
        fn_z = getattr(self.cost, "fn_z", None)
        per_example = fn_z(zs[-1], y) if fn_z is not None else self.cost.fn(acts[-1], y)
        cost = float(np.mean(per_example))
        if lmbda:
            cost += regularizer.fn(self.weights, lmbda, x.shape[0] if n is None else n)
        return cost

    def SGD(self, training_data, epochs: int, mini_batch_size: int, eta: float, lmbda: float = 0.0,
            evaluation_data=None, **kwargs):
        """Train with mini-batch stochastic gradient descent; see :func:`nnbook.train.sgd`."""
        from nnbook.train import sgd

        return sgd(self, training_data, epochs, mini_batch_size, eta, lmbda,
                   evaluation_data=evaluation_data, **kwargs)


# ---- the fused step's pieces ---------------------------------------------------------------------

_IN_PLACE = {activations.Sigmoid: "sigmoid", activations.Tanh: "tanh", activations.ReLU: "relu",
             activations.Identity: "identity"}
"""The element-wise activations :meth:`Network.update_mini_batch` computes in place, by kind."""


def _activate(kind: str, z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """f(z) written into ``out`` (the identity returns z itself)."""
    if kind == "sigmoid":
        return expit(z, out=out)
    if kind == "tanh":
        return np.tanh(z, out=out)
    if kind == "relu":
        return np.maximum(z, 0, out=out)
    return z


def _times_prime(delta: np.ndarray, kind: str, z: np.ndarray, fz: np.ndarray,
                 temp: np.ndarray) -> None:
    """delta *= f'(z) in place, from fz = f(z) where f' is a function of f: sigma (1 - sigma),
    1 - tanh^2; relu' is z > 0 and the identity's 1 changes nothing."""
    if kind == "sigmoid":
        delta *= fz
        delta *= np.subtract(1, fz, out=temp)
    elif kind == "tanh":
        delta *= np.subtract(1, np.multiply(fz, fz, out=temp), out=temp)
    elif kind == "relu":
        delta *= np.greater(z, 0, out=temp)


class _StepBuffers:
    """The work arrays of :meth:`Network.update_mini_batch` for mini-batches of m examples."""

    def __init__(self, sizes: list[int], m: int, dtype: np.dtype):
        def rows() -> list[np.ndarray]:
            return [np.empty((m, k), dtype) for k in sizes[1:]]

        self.zs, self.fzs, self.outs, self.deltas, self.temps = rows(), rows(), rows(), rows(), rows()
        self.products = [np.empty((k, j), dtype) for k, j in zip(sizes[1:], sizes[:-1])]
        self.sums = [np.empty(k, dtype) for k in sizes[1:]]
        self.column = np.empty((m, 1), dtype)
        self.rows = np.arange(0, m * sizes[-1], sizes[-1], dtype=np.intp)  # entry (i, 0), flat
        self.index = np.empty(m, np.intp)
        self.flat = self.deltas[-1].reshape(-1)
        self.gemm = get_blas_funcs("gemm", dtype=dtype)
