"""The layers of chapter 6's networks: convolution with max-pooling, fully connected, softmax.

Each layer owns its weights ``w`` and biases ``b`` (``parameters()``), like the original's
``network3`` and micrograd's modules. ``forward(x)`` computes the layer's output and keeps what
the backward pass needs; ``backward(delta)`` takes dC/da of the output, sets the gradients
``nabla_w`` and ``nabla_b`` and returns dC/dx of the input. The step p -> p - eta dC/dp is not
taken here: :mod:`nnbook.train` takes it.

A mini-batch of m examples is stored with the example index last, as the book writes one
example as a column: a convolutional layer's input and output as (channels, rows, cols, m), a
fully connected layer's as (neurons, m), so z = w x + b reads as in the book. (A network's public
methods take one example per row; :class:`nnbook.convnet.Network` converts.) The speed comes from
the kernels of :mod:`nnbook.conv`, which write into buffers each layer allocates once per
mini-batch size: at the book's mini-batch of 10 the time goes to the number of numpy calls.

``backward`` is two steps, :meth:`errors` (BP1-BP3 and the input's delta, keeping the weight
gradient's two factors) and BP4, ``nabla_w = A B^T``. The network's fast training step uses
:meth:`errors` and then :func:`nnbook.conv.weight_step`, which folds the product into the update.
"""

from __future__ import annotations

import math

import numpy as np

from nnbook import activations, conv
from nnbook.checks import check_fraction, check_positive_int

_BUFFER_SETS = 8  # mini-batch sizes whose buffers a layer keeps (many odd sizes: start again)


class Layer:
    """What every layer shares: parameters, gradients and buffers (subclasses define the rest).

    The network that owns a layer calls :meth:`initialize`; until then ``w`` and ``b`` are None.
    """

    w = b = nabla_w = nabla_b = None
    p_dropout = 0.0

    def initialize(self, rng, dtype, init: str = "fan_in", dropout: str = "inverted",
                   input_gradient: bool = True) -> None:
        """Draw w ~ N(0, std^2) (:meth:`init_std`; 0 for the softmax layer) and b ~ N(0, 1)
        (0 for the softmax layer), in that order from ``rng``. ``dropout`` is the network's
        scaling ("inverted" or "network3"); ``input_gradient`` False for the first layer, which
        needs no dC/dx."""
        std = self.init_std(init)
        n = self.weight_shape[0]
        w = rng.standard_normal(self.weight_shape) * std if std else np.zeros(self.weight_shape)
        b = rng.standard_normal(n) if std else np.zeros(n)
        self.w = np.ascontiguousarray(w, dtype=dtype)
        self.b = np.ascontiguousarray(b, dtype=dtype)
        self.nabla_w, self.nabla_b = np.zeros_like(self.w), np.zeros_like(self.b)
        self.network3_dropout = dropout == "network3"
        self.input_gradient = input_gradient
        self._buffers = {}

    def parameters(self) -> list[np.ndarray]:
        return [self.w, self.b]

    def buffers(self, m: int, train: bool) -> dict:
        """The work buffers for mini-batches of m, allocated on first use (:meth:`allocate`)."""
        key = (m, train)
        buf = self._buffers.get(key)
        if buf is None:
            if len(self._buffers) >= _BUFFER_SETS:
                self._buffers.clear()
            buf = self._buffers[key] = self.allocate(m, self.w.dtype, train and self.input_gradient)
        return buf

    def backward(self, delta: np.ndarray):
        """dC/da of the output -> dC/dx of the input (None for the first layer); sets
        ``nabla_b`` (:meth:`errors`) and ``nabla_w`` (BP4: A B^T, A the errors, B the inputs)."""
        dx = self.errors(delta)
        conv.weight_gradient(*self.factors, out=self.nabla_w.reshape(len(self.b), -1))
        return dx


class ConvPoolLayer(Layer):
    """A convolutional layer followed by max-pooling: ``n_filters`` feature maps.

    For an input of shape ``image_shape`` = (channels, rows, cols) the layer computes, for each
    filter k, the valid stride-1 convolution of :mod:`nnbook.conv` (equation 1 there), keeps the
    maximum of each ``pool_size`` x ``pool_size`` block (equation 4), and then adds the filter's
    shared bias and applies the neuron f:

        a[k, u, v] = f( max_{block (u, v)} sum_{c, r, s} w[k, c, r, s] x[c, i + r, j + s]  +  b[k] )

    Pooling before the bias and the neuron, as the original's ``network3`` does, gives the same
    result as pooling f(z + b) (f is increasing) for a quarter of the work. Output shape
    (n_filters, (rows - f + 1) / pool_size, (cols - f + 1) / pool_size); "CP20" of the book is
    ``ConvPoolLayer((1, 28, 28), 20)``, giving (20, 12, 12). Weights (n_filters, channels, f, f),
    biases (n_filters,).
    """

    kind = "conv"

    def __init__(self, image_shape, n_filters: int, filter_size: int = 5, pool_size: int = 2,
                 activation=activations.sigmoid, p_dropout: float = 0.0):
        shape = image_shape
        if (not isinstance(shape, (tuple, list)) or len(shape) != 3
                or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > 0
                           for n in shape)):
            raise ValueError(f"image_shape must be (channels, rows, cols), three positive "
                             f"integers such as (1, 28, 28); got {shape!r}")
        self.image_shape = tuple(int(n) for n in shape)
        self.n_filters = check_positive_int("n_filters", n_filters)
        self.filter_size = check_positive_int("filter_size", filter_size)
        self.pool_size = check_positive_int("pool_size", pool_size)
        self.activation = conv.neuron(activation)
        if _probability(p_dropout) != 0:
            raise ValueError(f"p_dropout must be 0 for a ConvPoolLayer; got {p_dropout!r}. "
                             f"Like the book, nnbook drops out only the inputs of fully "
                             f"connected and softmax layers")
        conv.conv_output_shape(self.image_shape, self.filter_size, self.pool_size)

    def __repr__(self) -> str:
        return (f"ConvPoolLayer({self.image_shape}, {self.n_filters}, filter_size="
                f"{self.filter_size}, pool_size={self.pool_size}, activation={self.activation})")

    @property
    def input_size(self) -> int:
        return math.prod(self.image_shape)

    @property
    def output_shape(self) -> tuple[int, int, int]:
        return (self.n_filters,) + conv.conv_output_shape(self.image_shape, self.filter_size,
                                                          self.pool_size)

    @property
    def output_size(self) -> int:
        return math.prod(self.output_shape)

    @property
    def weight_shape(self) -> tuple[int, int, int, int]:
        return (self.n_filters, self.image_shape[0], self.filter_size, self.filter_size)

    def init_std(self, init: str) -> float:
        """``"fan_in"``: 1/sqrt(channels f^2), one over the square root of the number of inputs
        of each neuron (chapter 3's choice). ``"network3"``: the original's
        sqrt(1 / (n_filters f^2 / pool_size^2))."""
        c, f, p = self.image_shape[0], self.filter_size, self.pool_size
        if init == "network3":
            return math.sqrt(1.0 / (self.n_filters * f * f / (p * p)))
        return 1.0 / math.sqrt(c * f * f)

    def macs(self) -> tuple[int, int]:
        """Multiply-adds per example: (forward, input gradient). The weight gradient costs as
        much as the forward pass."""
        _, rows, cols = self.image_shape
        f = self.filter_size
        forward = self.n_filters * (rows - f + 1) * (cols - f + 1) * self.weight_shape[1] * f * f
        return forward, forward

    def allocate(self, m: int, dtype, input_gradient: bool) -> dict:
        """Buffers for mini-batches of m. A layer that needs no input gradient (the first)
        builds its columns in pooling-phase order (scratch ``Z``); one that does keeps them in
        position order, which keeps col2im cheap, and pools a phase-ordered copy of z, ``zp``."""
        (c, rows, cols), f, p, k = self.image_shape, self.filter_size, self.pool_size, self.n_filters
        oh, ow = rows - f + 1, cols - f + 1
        pooled = (k, oh // p, ow // p, m)
        buf = {"cols": np.empty((c * f * f, oh * ow * m), dtype),
               "z": np.empty((k, oh, ow, m), dtype), "ties": np.empty((k, oh, ow, m), bool),
               "zmax": np.empty(pooled, dtype), "a": np.empty(pooled, dtype),
               "tmp": np.empty(pooled, dtype),
               "nties": np.empty(pooled, np.uint8 if p * p < 256 else np.int32)}
        if p > 1 and not input_gradient:
            buf["Z"] = np.empty((c, p + f - 1, p + f - 1) + pooled[1:], dtype)  # im2col_phased
        elif p > 1:
            buf["zp"] = np.empty((k, p, p) + pooled[1:], dtype)  # z in pooling-phase order
        if input_gradient:
            buf["dx"] = np.empty((c, rows, cols, m), dtype)
            buf["dcols"] = np.empty((c * f * f, oh * ow * m), dtype)
            buf["rowsum"] = np.empty((c, f, rows, ow, m), dtype)
        return buf

    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        """x (channels, rows, cols, m), any strides -> a (n_filters, rows', cols', m):
        z = w * x (equation 1), pooled (4), a = f(pooled + b)."""
        buf = self.buf = self.buffers(x.shape[-1], train)
        k, w = self.n_filters, self.w.reshape(self.n_filters, -1)
        if "Z" in buf:  # columns in phase order, so z comes out in phase order
            conv.im2col_phased(x, self.filter_size, self.pool_size, buf["cols"], buf["Z"])
            self.phases = conv.thin_matmul(w, buf["cols"], buf["z"].reshape(k, -1))  # (1)
        else:  # columns in position order, pooled from a phase-ordered copy of z
            conv.im2col(x, self.filter_size, buf["cols"])
            np.matmul(w, buf["cols"], out=buf["z"].reshape(k, -1))  # (1)
            self.phases = conv.to_phases(buf["z"], self.pool_size, buf.get("zp"))
        conv.maxpool(self.phases, buf["zmax"])  # (4)
        np.add(buf["zmax"], self.b.reshape(k, 1, 1, 1), out=buf["a"])
        conv.NEURONS[self.activation.name][0](buf["a"])  # a = f(max + b)
        return buf["a"]

    def errors(self, delta: np.ndarray):
        """delta = dC/da (n_filters, rows', cols', m), overwritten. Sets ``nabla_b`` and the
        factors of (2), dC/dz and the columns; returns dC/dx (3), or None for the first layer."""
        buf, k = self.buf, self.n_filters
        conv.NEURONS[self.activation.name][1](delta, buf["a"], buf["tmp"])  # dC/d(max + b)
        np.add.reduce(delta.reshape(k, -1), axis=1, out=self.nabla_b)
        conv.maxpool_backward(self.phases.reshape(k, -1), buf["zmax"], delta, buf["ties"],
                              buf["nties"], buf["tmp"])  # (5): dC/dz, written over z
        if "zp" in buf:  # back to position order, the columns' order
            conv.from_phases(buf["zp"], buf["z"])
        self.factors = (buf["z"].reshape(k, -1), buf["cols"])  # (2): dC/dw = dz cols^T
        if "dx" not in buf:
            return None
        np.matmul(self.w.reshape(k, -1).T, self.factors[0], out=buf["dcols"])  # (3)
        return conv.col2im(buf["dcols"], self.filter_size, buf["dx"], buf["rowsum"])


class _Linear(Layer):
    """z = w x' + b for inputs x (n_in, m), x' = x * mask with dropout (fully connected and
    softmax layers). Weights (n_out, n_in), so ``w[j, k]`` is the book's w_jk; biases (n_out,).

    ``p_dropout`` is the probability of dropping each *input* of the layer during training, a
    fresh choice for every example of every mini-batch (the mask of :meth:`forward`). How kept
    inputs are scaled is the network's ``dropout`` option (:class:`nnbook.convnet.Network`):
    "inverted" masks hold 1/(1 - p) and the test-time layer is unchanged; "network3" masks hold
    1 and the test-time layer computes z = (1 - p) w x + b.
    """

    def __init__(self, n_in: int, n_out: int, p_dropout: float = 0.0):
        self.n_in = check_positive_int("n_in", n_in)
        self.n_out = check_positive_int("n_out", n_out)
        self.p_dropout = _probability(p_dropout)

    input_size = property(lambda self: self.n_in)
    output_size = property(lambda self: self.n_out)
    weight_shape = property(lambda self: (self.n_out, self.n_in))

    def macs(self) -> tuple[int, int]:
        return self.n_in * self.n_out, self.n_in * self.n_out

    def allocate(self, m: int, dtype, input_gradient: bool) -> dict:
        buf = {"z": np.empty((self.n_out, m), dtype), "tmp": np.empty((self.n_out, m), dtype),
               "xd": np.empty((self.n_in, m), dtype, order="F")}  # the input, column-major
        if self.p_dropout:
            buf["mask"] = np.empty((self.n_in, m), dtype)
        if input_gradient:
            buf["dx"] = np.empty((self.n_in, m), dtype)
        return buf

    def weighted_input(self, x: np.ndarray, train: bool, mask) -> np.ndarray:
        """z = w (x * mask) + b, (n_out, m). ``mask`` (n_in, m) during training with dropout,
        else None (the test-time layer).

        The input is copied column-major (one example's inputs contiguous), the same copy as
        the dropout multiply when there is one: w x and the step w - delta x^T run 1.3-1.4x
        faster in OpenBLAS's small-matrix kernels that way (1000 x 1000: 307 -> 216 us).
        """
        buf = self.buf = self.buffers(x.shape[-1], train)
        if mask is not None and self.p_dropout:
            x = np.multiply(x, mask, out=buf["xd"])
        elif not x.flags.f_contiguous:
            np.copyto(buf["xd"], x)
            x = buf["xd"]
        self.x, self.mask = x, mask if self.p_dropout else None
        z = conv.thin_matmul(self.w, x, buf["z"])  # the book's w a, one column per example
        if self.network3_dropout and self.p_dropout and self.mask is None:
            z *= 1 - self.p_dropout  # network3's test-time scaling of w x
        z += self.b[:, None]
        return z

    def errors(self, delta: np.ndarray):
        """delta = dC/dz (n_out, m). BP3: ``nabla_b`` = sum over the examples; the factors of
        BP4, dC/dw = delta x^T; returns BP2's w^T delta (dC/dx before the previous layer's
        f'), 0 where an input was dropped, or None for the first layer."""
        np.add.reduce(delta, axis=1, out=self.nabla_b)  # BP3
        if self.network3_dropout and self.p_dropout and self.mask is None:
            delta = delta * (1 - self.p_dropout)  # the test-time z = (1 - p) w x + b
        self.factors = (delta, self.x)
        if "dx" not in self.buf:
            return None
        dx = conv.thin_matmul(self.w.T, delta, self.buf["dx"])  # BP2
        if self.mask is not None:
            dx *= self.mask  # a dropped input receives no error
        return dx


class FullyConnectedLayer(_Linear):
    """A fully connected layer of ``n_out`` neurons, a = f(w x + b), with dropout on its inputs.

    (The original's ``network3`` places dropout the same way, so p_dropout = 0.5 on the first
    fully connected layer after a convolutional one drops pooled feature-map units.)
    """

    kind = "fc"

    def __init__(self, n_in: int, n_out: int, activation=activations.sigmoid,
                 p_dropout: float = 0.0):
        super().__init__(n_in, n_out, p_dropout)
        self.activation = conv.neuron(activation)

    def __repr__(self) -> str:
        return (f"FullyConnectedLayer({self.n_in}, {self.n_out}, activation={self.activation}, "
                f"p_dropout={self.p_dropout})")

    def init_std(self, init: str) -> float:
        """``"fan_in"``: 1/sqrt(n_in), chapter 3's choice. ``"network3"``: the original's
        sqrt(1/n_out) (its author notes this is a slip and left it)."""
        return 1.0 / math.sqrt(self.n_out if init == "network3" else self.n_in)

    def forward(self, x: np.ndarray, train: bool = False, mask=None) -> np.ndarray:
        """x (n_in, m) -> a = f(w x + b), (n_out, m)."""
        z = self.weighted_input(x, train, mask)
        conv.NEURONS[self.activation.name][0](z)
        return z

    def errors(self, delta: np.ndarray):
        """delta = dC/da (n_out, m), overwritten: dC/dz = delta * f'(z), then as a linear layer."""
        conv.NEURONS[self.activation.name][1](delta, self.buf["z"], self.buf["tmp"])
        return super().errors(delta)


class SoftmaxLayer(_Linear):
    """The output layer: softmax neurons with the log-likelihood cost (chapter 3).

    a_j = e^{z_j} / sum_k e^{z_k} with z = w x + b, and C_x = -ln a_y for the right digit y;
    the output error is delta^L = dC/dz = a - y (y one-hot), equations (81)-(82) of the book:
    :meth:`output_error`, which :meth:`backward` takes in place of dC/da. Weights (n_out, n_in)
    and biases (n_out,) start at zero, as in the original. ``p_dropout`` drops the layer's inputs.
    """

    kind = "softmax"
    activation = activations.softmax

    def __init__(self, n_in: int, n_out: int = 10, p_dropout: float = 0.0):
        super().__init__(n_in, n_out, p_dropout)

    def __repr__(self) -> str:
        return f"SoftmaxLayer({self.n_in}, {self.n_out}, p_dropout={self.p_dropout})"

    def init_std(self, init: str) -> float:
        return 0.0

    def forward(self, x: np.ndarray, train: bool = False, mask=None) -> np.ndarray:
        """x (n_in, m) -> the probabilities a (n_out, m), each column summing to 1."""
        z = self.weighted_input(x, train, mask)
        z -= z.max(axis=0)  # no overflow: the largest exponent is e^0
        np.exp(z, out=z)
        z /= z.sum(axis=0)
        return z

    def output_error(self, labels: np.ndarray, scale: float = 1.0) -> np.ndarray:
        """delta^L = (a - y) * scale, (n_out, m), from the integer ``labels``: the error of the
        mean cost over m examples for scale = 1/m."""
        delta = self.buf["tmp"]
        np.copyto(delta, self.buf["z"])
        delta[labels, np.arange(delta.shape[1])] -= 1
        delta *= scale
        return delta


def _probability(value) -> float:
    return check_fraction("p_dropout", value, "the probability of dropping each input of the layer")
