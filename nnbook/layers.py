"""The layers of chapter 6's networks: convolution with max-pooling, fully connected, softmax.

A layer object only *describes* a layer (its shapes, neurons and dropout probability) and knows
how to run it; :class:`nnbook.convnet.Network` owns the parameters and the work buffers and
passes them in. The code here is written for speed at the book's mini-batch of 10, where the
time goes to the number of numpy calls rather than to arithmetic: every array a step needs is
allocated once per mini-batch size, and each operation writes into it with ``out=``.

Inside a network, a mini-batch of m examples is stored **with the example index last**: the
activations of a convolutional layer as (channels, rows, cols, m) and those of a fully connected
layer as (neurons, m), one example per *column*, which is the book's own column form,
z^l = w^l a^{l-1} + b^l. With that layout the output of a convolution's matrix product is
already the next layer's input, a feature map flattened for a fully connected layer needs no
copy, and the patches that im2col copies are runs of m * cols contiguous numbers instead of one
row of one image. (The public methods of the network take and return one example per row.)

Neurons: each layer's activation is one of :mod:`nnbook.activations`' sigmoid, tanh, ReLU or
identity, applied in place, with its derivative computed from the layer's *output* a = f(z)
(sigma' = a (1 - a), tanh' = 1 - a^2, ReLU' = [a > 0]), so z need not be kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.lib.stride_tricks import as_strided
from scipy.linalg import get_blas_funcs

from nnbook import activations
from nnbook.conv import conv_output_shape
from nnbook.checks import check_fraction, check_positive_int


# ---- neurons, in place ------------------------------------------------------------------------


def _sigmoid(z):
    # sigma(z) = (1 + tanh(z / 2)) / 2: the same function as expit, about 5x faster on float32
    # arrays here (numpy's tanh is vectorised, scipy's expit is not), and it cannot overflow.
    np.multiply(z, 0.5, out=z)
    np.tanh(z, out=z)
    np.multiply(z, 0.5, out=z)
    np.add(z, 0.5, out=z)


def _sigmoid_prime(g, a, tmp):  # g *= a (1 - a)
    np.subtract(1, a, out=tmp)
    tmp *= a
    g *= tmp


def _tanh(z):
    np.tanh(z, out=z)


def _tanh_prime(g, a, tmp):  # g *= 1 - a^2
    np.multiply(a, a, out=tmp)
    np.subtract(1, tmp, out=tmp)
    g *= tmp


def _relu(z):
    np.maximum(z, 0, out=z)


def _relu_prime(g, a, tmp):  # g *= [a > 0]
    np.greater(a, 0, out=tmp)
    g *= tmp


def _nothing(*args):
    pass


_NEURONS = {"sigmoid": (_sigmoid, _sigmoid_prime), "tanh": (_tanh, _tanh_prime),
            "relu": (_relu, _relu_prime), "identity": (_nothing, _nothing)}


def _neuron(activation, name: str = "activation"):
    act = activations.get(activation)
    if act.name not in _NEURONS or type(act) is not type(activations.ACTIVATIONS[act.name]):
        raise ValueError(f"{name} must be one of nnbook.activations' sigmoid, tanh, relu or "
                         f"identity (the softmax is its own layer, SoftmaxLayer); got {act!r}")
    return act


# ---- thin matrix products ---------------------------------------------------------------------

SMALL_PRODUCT = 1_000_000
"""The most multiply-adds OpenBLAS hands to its "small matrix" kernels (M N K <= 100^3 on
x86-64), which work on the operands in place instead of first copying them into packed panels."""


def _thin_matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """out = a @ b, computed in blocks of at most :data:`SMALL_PRODUCT` multiply-adds each:
    blocks of rows of ``a`` when it is the taller operand, else blocks of columns of ``b``.

    At a mini-batch of 10, a fully connected layer's products w x and w^T delta have only 10
    columns: a general matrix product spends most of its time packing the whole weight matrix,
    which is used once. Split into blocks small enough for OpenBLAS's small-matrix kernels,
    the same products ran 1.3-1.9x faster here (1000 x 1000 weights: 420 -> 300 us forward,
    450 -> 270 us for w^T delta); so did the first conv layer's (20, 25) @ (25, 5760), 74 ->
    61 us. Every block is the same sum as before, so results agree to rounding; another BLAS
    just sees a few more calls.
    """
    (rows, inner), cols = a.shape, b.shape[1]
    if rows * inner * cols <= SMALL_PRODUCT:
        return np.matmul(a, b, out=out)
    if rows >= cols:
        step = max(1, SMALL_PRODUCT // (inner * cols))
        if not b.flags.c_contiguous:  # column-major b: see _SMALL_ROWS
            step = min(step, _SMALL_ROWS)
        for i in range(0, rows, step):
            np.matmul(a[i:i + step], b, out=out[i:i + step])
    else:
        step = max(1, SMALL_PRODUCT // (rows * inner))
        for j in range(0, cols, step):
            np.matmul(a, b[:, j:j + step], out=out[:, j:j + step])
    return out


_SMALL_ROWS = 100
"""Row blocks of :func:`_thin_matmul` have at most this many rows: with a column-major right
operand, OpenBLAS leaves its small-matrix kernels for blocks of more than 100 rows here (the
640 -> 1000 layer's w x: 141 us in blocks of 100 rows, 287 us in blocks of 156)."""

_LONG_BLOCK = 1000
"""WeightStep splits a weight gradient into column blocks only when each block still sums over
at least this many columns (short blocks gain nothing and cost calls)."""

_LONG_ROWS = 32
"""WeightStep updates a weight matrix in row blocks, with the decay folded into the product,
when each block still has at least this many rows of weights."""

_STRIDED_BUFFER = 1024
"""numpy's ufunc buffer size (elements) for col2im's strided additions: numpy 2.x copies strided
operands through its buffers (default 8192 elements) when their contiguous runs are shorter;
at or below about the run length it adds them in place, about twice as fast here."""


# ---- the weight gradient, or the step itself ------------------------------------------------


class WeightStep:
    """Stands in for a weight-gradient buffer during training: instead of storing the gradient
    A B^T (A: (n_out, P) errors, B: (n_in, P) inputs), apply w -> decay w - A B^T in place.

    The subtraction is folded into the matrix product (BLAS gemm with beta = 1, writing into w),
    which saves writing the gradient out and reading it back: at a mini-batch of 10 the weights
    of a large fully connected layer are touched fewer times, and that is what costs there.
    (The backward passes scale the output error by eta/m, so A B^T is eta dC/dw.)
    """

    def __init__(self, dtype, decay: float = 1.0):
        self.gemm = get_blas_funcs("gemm", dtype=np.dtype(dtype))
        self.decay = decay

    def apply(self, w2d: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
        rows, inner = w2d.shape
        columns = a.shape[1]
        if w2d.size * columns <= SMALL_PRODUCT or (
                w2d.flags.c_contiguous and SMALL_PRODUCT // (inner * columns) >= _LONG_ROWS):
            self._small_rows(w2d, a, b)
            return
        if self.decay != 1.0:
            w2d *= self.decay
        block = SMALL_PRODUCT // w2d.size
        if block >= _LONG_BLOCK and columns > block:
            # A few weights summed over many columns (the first conv layer: 20 x 25 weights,
            # 5,760 columns at m = 10): in blocks of columns small enough for OpenBLAS's
            # small-matrix kernels, each block's A B^T into a scratch array and subtracted.
            # 140 -> 66 us for CP20, against the one fused product with packing.
            pieces = -(-columns // block)
            size = -(-columns // pieces)
            part = np.empty_like(w2d)
            for j in range(0, columns, size):
                np.matmul(a[:, j:j + size], b[:, j:j + size].T, out=part)
                w2d -= part
            return
        # In BLAS's column-major terms w2d is w^T (n_in, n_out): w^T -> w^T - B A^T.
        b_op, trans_b = _fortran(b)
        at_op, trans_at = _fortran(a.T)
        out = self.gemm(-1.0, b_op, at_op, 1.0, w2d.T, trans_a=trans_b, trans_b=trans_at,
                        overwrite_c=1)
        if not np.may_share_memory(out, w2d):  # BLAS worked on a copy: write it back
            np.copyto(w2d, out.T)


    def _small_rows(self, w2d: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
        """w -> decay w - A B^T in blocks of rows of w, each at most :data:`SMALL_PRODUCT`
        multiply-adds, with the decay as gemm's beta.

        A fully connected layer's step at a mini-batch of 10 (w 1000 x 1000, A B^T of rank 10):
        OpenBLAS's small-matrix kernels scale each block of w by beta as they add to it, in one
        pass over the weights, where the packed path (and a separate ``w *= decay``) sweeps
        the whole matrix twice: 303 -> 250 us for the 1000 x 1000 layer. B is copied
        column-major once (n_in x m numbers), the layout these kernels take fastest.
        """
        rows, inner = w2d.shape
        step = max(1, SMALL_PRODUCT // (inner * a.shape[1]))
        b_op = np.asfortranarray(b)  # (n_in, P), column-major
        for i in range(0, rows, step):
            # In BLAS's column-major terms the block w2d[i:i+step] is w^T: w^T -> beta w^T - B A^T.
            wt = w2d[i:i + step].T
            out = self.gemm(-1.0, b_op, a[i:i + step].T, self.decay, wt, overwrite_c=1)
            if not np.may_share_memory(out, wt):  # BLAS worked on a copy: write it back
                np.copyto(wt, out)


def _fortran(x: np.ndarray) -> tuple[np.ndarray, int]:
    """(array, trans) with op(array) == x and the array column-major, so BLAS takes it as is."""
    if x.flags.f_contiguous:
        return x, 0
    if x.flags.c_contiguous:
        return x.T, 1
    return np.asfortranarray(x), 0


def _weight_gradient(gw, w2d: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    """dC/dw = A B^T into the buffer ``gw``, or, if ``gw`` is a :class:`WeightStep`, the step."""
    if isinstance(gw, WeightStep):
        gw.apply(w2d, a, b)
    else:
        np.matmul(a, b.T, out=gw.reshape(w2d.shape))


# ---- argument checks --------------------------------------------------------------------------


def _probability(value) -> float:
    return check_fraction("p_dropout", value, "the probability of dropping each input of "
                                               "the layer")


# ---- the layers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConvPoolLayer:
    """A convolutional layer followed by max-pooling: ``n_filters`` feature maps.

    For an input of shape ``image_shape`` = (channels, rows, cols) the layer computes, for each
    filter k, the valid stride-1 convolution of :mod:`nnbook.conv` (equation 1 there), keeps the
    maximum of each ``pool_size`` x ``pool_size`` block (equation 4), and then adds the filter's
    shared bias and applies the neuron:

        a[k, u, v] = f( max_{block (u, v)} sum_{c, r, s} w[k, c, r, s] x[c, i + r, j + s]  +  b[k] )

    Pooling before the bias and the neuron, as the original's ``network3`` does, gives the same
    result as pooling f(z + b) (f is increasing) for a quarter of the work. Output shape
    (n_filters, (rows - f + 1) / pool_size, (cols - f + 1) / pool_size); "CP20" of the book is
    ``ConvPoolLayer((1, 28, 28), 20)``, giving (20, 12, 12).

    Weights have shape (n_filters, channels, f, f), biases (n_filters,).
    """

    image_shape: tuple
    n_filters: int
    filter_size: int = 5
    pool_size: int = 2
    activation: activations.Activation = field(default=activations.sigmoid)
    p_dropout: float = 0.0

    def __post_init__(self):
        shape = self.image_shape
        if (not isinstance(shape, (tuple, list)) or len(shape) != 3
                or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > 0
                           for n in shape)):
            raise ValueError(f"image_shape must be (channels, rows, cols), three positive "
                             f"integers such as (1, 28, 28); got {shape!r}")
        object.__setattr__(self, "image_shape", tuple(int(n) for n in shape))
        object.__setattr__(self, "n_filters", check_positive_int("n_filters", self.n_filters))
        object.__setattr__(self, "filter_size", check_positive_int("filter_size", self.filter_size))
        object.__setattr__(self, "pool_size", check_positive_int("pool_size", self.pool_size))
        object.__setattr__(self, "activation", _neuron(self.activation))
        if _probability(self.p_dropout) != 0:
            raise ValueError(f"p_dropout must be 0 for a ConvPoolLayer; got {self.p_dropout!r}. "
                             f"Like the book, nnbook drops out only the inputs of fully "
                             f"connected and softmax layers")
        conv_output_shape(self.image_shape, self.filter_size, self.pool_size)

    kind = "conv"

    @property
    def input_size(self) -> int:
        return math.prod(self.image_shape)

    @property
    def output_shape(self) -> tuple[int, int, int]:
        return (self.n_filters,) + conv_output_shape(self.image_shape, self.filter_size,
                                                     self.pool_size)

    @property
    def output_size(self) -> int:
        return math.prod(self.output_shape)

    @property
    def weight_shape(self) -> tuple[int, int, int, int]:
        c, f = self.image_shape[0], self.filter_size
        return (self.n_filters, c, f, f)

    def init_std(self, init: str) -> float:
        """The standard deviation of the initial weights.

        ``"fan_in"``: 1/sqrt(channels f^2), one over the square root of the number of inputs of
        each neuron (chapter 3's choice). ``"network3"``: the original's
        sqrt(1 / (n_filters f^2 / pool_size^2)).
        """
        c, f, p = self.image_shape[0], self.filter_size, self.pool_size
        if init == "network3":
            return math.sqrt(1.0 / (self.n_filters * f * f / (p * p)))
        return 1.0 / math.sqrt(c * f * f)

    def macs(self) -> tuple[int, int]:
        """Multiply-adds per example: (forward, input gradient). The weight gradient costs as
        much as the forward pass."""
        _, rows, cols = self.image_shape
        f = self.filter_size
        positions = (rows - f + 1) * (cols - f + 1)
        forward = self.n_filters * positions * self.weight_shape[1] * f * f
        return forward, forward

    # -- buffers and passes (called by Network) --

    def buffers(self, m: int, dtype, need_input_grad: bool) -> dict:
        """Work buffers for mini-batches of m. A layer that needs no input gradient (the first)
        orders its columns by pooling phase; one that does keeps them in position order and
        pools a copy of z in phase order, ``zp``. See :meth:`forward`."""
        c, rows, cols = self.image_shape
        f, p, k = self.filter_size, self.pool_size, self.n_filters
        oh, ow = rows - f + 1, cols - f + 1
        h, v = oh // p, ow // p
        ws = {
            "cols": np.empty((c * f * f, oh * ow * m), dtype),
            "z": np.empty((k, oh, ow, m), dtype),
            "zmax": np.empty((k, h, v, m), dtype),
            "a": np.empty((k, h, v, m), dtype),
            "tmp": np.empty((k, h, v, m), dtype),
            "ties": np.empty((k, oh, ow, m), bool),
            "nties": np.empty((k, h, v, m), np.uint8 if p * p < 256 else np.int32),
        }
        if not need_input_grad and p > 1:
            ws["Z"] = np.empty((c, p + f - 1, p + f - 1, h, v, m), dtype)
        if need_input_grad:
            ws["dx"] = np.empty((c, rows, cols, m), dtype)
            ws["dcols"] = np.empty((c * f * f, oh * ow * m), dtype)
            ws["rowsum"] = np.empty((c, f, rows, ow, m), dtype)  # col2im's first stage
            if p > 1:
                ws["zp"] = np.empty((k, p, p, h, v, m), dtype)  # z in pooling-phase order
        return ws

    def forward(self, w, b, x, ws, train: bool, mask=None):
        """x: (channels, rows, cols, m), any strides. Returns a: (n_filters, rows', cols', m)."""
        c, rows, cols = self.image_shape
        f, p, k = self.filter_size, self.pool_size, self.n_filters
        m = x.shape[-1]
        oh, ow = rows - f + 1, cols - f + 1
        h, v = oh // p, ow // p
        s0, s1, s2, s3 = x.strides
        z, zmax = ws["z"], ws["zmax"]
        if "Z" in ws:
            # Columns in pooling-phase order (c, r, s | a, b, u, v, m), output position
            # (p u + a, p v + b): z comes out as (k, a, b, u, v, m) and the p^2 positions of
            # every pooling block are p^2 contiguous slabs, so pooling and its backward run
            # over long contiguous runs. Built in two copies: Z[c, t, q, u, v, m] =
            # x[c, p u + t, p v + q, m] (t, q < p + f - 1), then cols = Z[c, a + r, b + s].
            Z = ws["Z"]
            np.copyto(Z, as_strided(x, shape=Z.shape,
                                    strides=(s0, s1, s2, p * s1, p * s2, s3), writeable=False))
            z0, z1, z2, _, _, z5 = Z.strides
            phased = as_strided(Z, shape=(c, f, f, p, p, h * v * m),
                                strides=(z0, z1, z2, z1, z2, z5), writeable=False)
            np.copyto(ws["cols"].reshape(phased.shape), phased)
            _thin_matmul(w.reshape(k, -1), ws["cols"], z.reshape(k, -1))
            slabs = z.reshape(k, p * p, -1)
            views = [slabs[:, j] for j in range(p * p)]
            zmax = zmax.reshape(k, -1)
        else:
            patches = as_strided(x, shape=(c, f, f, oh, ow, m),
                                 strides=(s0, s1, s2, s1, s2, s3), writeable=False)
            np.copyto(ws["cols"].reshape(patches.shape), patches)  # im2col: one copy
            np.matmul(w.reshape(k, -1), ws["cols"], out=z.reshape(k, -1))  # (k, oh ow m)
            if "zp" in ws:
                # Position order keeps col2im cheap (see backward), but pooling z's strided
                # views runs over only m contiguous numbers. One copy of z,
                #     zp[k, a, b, u, v, m] = z[k, p u + a, p v + b, m],
                # makes the p^2 positions of every block p^2 contiguous slabs for the maxima
                # here and for the routing in backward (CP40 at m = 10, isolated: forward
                # maxima 16.5 us strided, 13 + 7 us copied; backward 56 us -> 23 + 14 us).
                zp = ws["zp"]
                np.copyto(zp, z.reshape(k, h, p, v, p, m).transpose(0, 2, 4, 1, 3, 5))
                slabs = zp.reshape(k, p * p, -1)
                views = [slabs[:, j] for j in range(p * p)]
                zmax = zmax.reshape(k, -1)
            else:
                views = [z[:, i::p, j::p, :] for i in range(p) for j in range(p)]
        if len(views) == 1:
            np.copyto(zmax, views[0])
        else:
            np.maximum(views[0], views[1], out=zmax)
            for v in views[2:]:
                np.maximum(zmax, v, out=zmax)
        a = ws["a"]
        np.add(ws["zmax"], b.reshape(k, 1, 1, 1), out=a)
        _NEURONS[self.activation.name][0](a)
        return a

    def backward(self, w, b, x, ws, g, gw, gb, need_input_grad: bool, mask=None):
        """g = dC/da (n_filters, rows', cols', m), overwritten. Writes dC/dw to gw and dC/db to
        gb; returns dC/dx (channels, rows, cols, m) if asked, else None."""
        c, rows, cols = self.image_shape
        f, p, k = self.filter_size, self.pool_size, self.n_filters
        m = g.shape[-1]
        oh, ow = rows - f + 1, cols - f + 1
        h, v = oh // p, ow // p
        _NEURONS[self.activation.name][1](g, ws["a"], ws["tmp"])  # dC/d(max + b)
        np.add.reduce(g.reshape(k, -1), axis=1, out=gb)
        # Max-pooling backward, equation (5) of nnbook.conv: ties share the error equally.
        z, ties, counts = ws["z"], ws["ties"], ws["tmp"]
        if "zp" in ws:
            z = ws["zp"]  # z in pooling-phase order, from forward
        if "Z" in ws or "zp" in ws:  # phase order: the block's positions are slabs of (k, p^2, -1)
            z6, ties6 = z.reshape(k, p * p, -1), ties.reshape(k, p * p, -1)
            zmax6 = ws["zmax"].reshape(k, 1, -1)
            g, counts = g.reshape(k, -1), counts.reshape(k, -1)
            tv = [ties6[:, j] for j in range(p * p)]
            expand = counts.reshape(k, 1, -1)
        else:
            z6, ties6 = z.reshape(k, h, p, v, p, m), ties.reshape(k, h, p, v, p, m)
            zmax6 = ws["zmax"][:, :, None, :, None, :]
            tv = [ties[:, i::p, j::p, :] for i in range(p) for j in range(p)]
            expand = counts[:, :, None, :, None, :]
        np.equal(z6, zmax6, out=ties6)
        if len(tv) == 1:
            counts[...] = g
        else:  # t of (5), counted in bytes (the bool masks viewed as 0/1) and cast once
            nties = ws["nties"].reshape(counts.shape)
            tv = [t.view(np.uint8) for t in tv]
            np.add(tv[0], tv[1], out=nties)
            for t in tv[2:]:
                np.add(nties, t, out=nties)
            np.divide(g, nties, out=counts)
        dz = z  # z is not needed any more: its buffer receives dC/dz
        np.multiply(ties6, expand, out=z6)
        if "zp" in ws:  # back to position order, the columns' order, for (2) and (3)
            dz = ws["z"]
            np.copyto(dz.reshape(k, h, p, v, p, m).transpose(0, 2, 4, 1, 3, 5), ws["zp"])
        dz2 = dz.reshape(k, -1)
        if not need_input_grad:
            _weight_gradient(gw, w.reshape(k, -1), dz2, ws["cols"])  # (2) of nnbook.conv
            return None
        dcols = ws["dcols"]
        np.matmul(w.reshape(k, -1).T, dz2, out=dcols)  # (3), before w changes
        _weight_gradient(gw, w.reshape(k, -1), dz2, ws["cols"])  # (2)
        # col2im, dx[c, i + r, j + s] += dcols[(c, r, s), (i, j)], in two stages of f window
        # additions each, first over r (rows), then over s (columns):
        #     rowsum[c, s, p, j] = sum_r dcols[(c, r, s), (p - r, j)]
        #     dx[c, p, q]        = sum_s rowsum[c, s, p, q - s]
        # The first stage adds whole (oh, ow, m) blocks, contiguous runs of oh * ow * m numbers
        # instead of ow * m; the second stage is f additions of (rows, ow, m) windows. With
        # numpy's ufunc buffer set small (_STRIDED_BUFFER) the strided operands are not copied
        # through its buffers: 225 -> 112 us per step for CP40's input gradient at m = 10.
        rowsum, dx = ws["rowsum"], ws["dx"]
        d6 = dcols.reshape(c, f, f, oh, ow, m)
        buffer_size = np.getbufsize()
        np.setbufsize(_STRIDED_BUFFER)
        try:
            rowsum[...] = 0
            for r in range(f):
                window = rowsum[:, :, r:r + oh]
                np.add(window, d6[:, r], out=window)
            dx[...] = 0
            for s in range(f):
                window = dx[:, :, s:s + ow]
                np.add(window, rowsum[:, s], out=window)
        finally:
            np.setbufsize(buffer_size)
        return dx


@dataclass(frozen=True)
class FullyConnectedLayer:
    """A fully connected layer of ``n_out`` neurons, a = f(w x + b), with dropout on its inputs.

    Weights have shape (n_out, n_in), so ``w[j, k]`` is the book's w_jk; biases (n_out,).

    ``p_dropout`` is the probability of dropping each *input* of the layer during training, a
    fresh random choice for every example of every mini-batch (the original's ``network3``
    places dropout the same way, so p_dropout = 0.5 on the first fully connected layer after a
    convolutional one drops pooled feature-map units). How the kept inputs are scaled is the
    network's ``dropout`` option: see :class:`nnbook.convnet.Network`.
    """

    n_in: int
    n_out: int
    activation: activations.Activation = field(default=activations.sigmoid)
    p_dropout: float = 0.0

    kind = "fc"

    def __post_init__(self):
        object.__setattr__(self, "n_in", check_positive_int("n_in", self.n_in))
        object.__setattr__(self, "n_out", check_positive_int("n_out", self.n_out))
        object.__setattr__(self, "activation", _neuron(self.activation))
        object.__setattr__(self, "p_dropout", _probability(self.p_dropout))

    @property
    def input_size(self) -> int:
        return self.n_in

    @property
    def output_size(self) -> int:
        return self.n_out

    @property
    def weight_shape(self) -> tuple[int, int]:
        return (self.n_out, self.n_in)

    def init_std(self, init: str) -> float:
        """``"fan_in"``: 1/sqrt(n_in), chapter 3's choice. ``"network3"``: the original's
        sqrt(1/n_out) (its author notes this is a slip and left it)."""
        return 1.0 / math.sqrt(self.n_out if init == "network3" else self.n_in)

    def macs(self) -> tuple[int, int]:
        return self.n_in * self.n_out, self.n_in * self.n_out

    def buffers(self, m: int, dtype, need_input_grad: bool) -> dict:
        ws = {"z": np.empty((self.n_out, m), dtype), "tmp": np.empty((self.n_out, m), dtype),
              "xd": np.empty((self.n_in, m), dtype, order="F")}  # the input, column-major
        if self.p_dropout:
            ws["mask"] = np.empty((self.n_in, m), dtype)
        if need_input_grad:
            ws["dx"] = np.empty((self.n_in, m), dtype)
        return ws

    def _input(self, x, ws, train: bool, mask):
        """The layer's input after dropout, x * mask (training) or x itself, column-major.

        The products w x and (in the step) w - delta x^T run 1.3-1.4x faster in OpenBLAS's
        small-matrix kernels with x stored column by column, one example's inputs contiguous
        (1000 x 1000 weights at m = 10: w x 307 -> 216 us): x is copied into that layout, the
        same copy as the dropout multiply when there is one.
        """
        if train and self.p_dropout:
            np.multiply(x, mask, out=ws["xd"])
            return ws["xd"]
        if x.flags.f_contiguous:
            return x
        np.copyto(ws["xd"], x)
        return ws["xd"]

    def _weighted_input(self, w, b, x, ws, train: bool, mask, scale_test: bool):
        x = self._input(x, ws, train, mask)
        z = ws["z"]
        _thin_matmul(w, x, z)  # (n_out, m): the book's w a + b, one column per example
        if scale_test and not train and self.p_dropout:
            z *= 1 - self.p_dropout  # network3's test-time scaling of w.x
        z += b[:, None]
        return z

    def forward(self, w, b, x, ws, train: bool, mask=None, scale_test: bool = False):
        """x: (n_in, m). Returns a: (n_out, m)."""
        z = self._weighted_input(w, b, x, ws, train, mask, scale_test)
        _NEURONS[self.activation.name][0](z)
        return z

    def backward(self, w, b, x, ws, g, gw, gb, need_input_grad: bool, mask=None,
                 scale_test: bool = False):
        """g = dC/da (n_out, m), overwritten. BP2-BP4 in column form:
        dC/dz = g * f'(z), dC/db = sum over examples, dC/dw = dC/dz x^T, dC/dx = w^T dC/dz."""
        _NEURONS[self.activation.name][1](g, ws["z"], ws["tmp"])
        return _linear_backward(self, w, x, ws, g, gw, gb, need_input_grad, mask, scale_test)


def _linear_backward(layer, w, x, ws, delta, gw, gb, need_input_grad, mask, scale_test):
    np.add.reduce(delta, axis=1, out=gb)  # BP3
    if (layer.p_dropout and mask is not None) or not x.flags.f_contiguous:
        x = ws["xd"]  # the input after dropout, column-major (see _input)
    if layer.p_dropout and mask is None and scale_test:
        delta = delta * (1 - layer.p_dropout)  # the test-time network's z = (1 - p) w.x + b
    if not need_input_grad:
        _weight_gradient(gw, w, delta, x)  # BP4
        return None
    dx = ws["dx"]
    _thin_matmul(w.T, delta, dx)  # BP2 (before the previous layer's f'), before w changes
    _weight_gradient(gw, w, delta, x)  # BP4
    if layer.p_dropout and mask is not None:
        dx *= mask  # a dropped input receives no error
    return dx


@dataclass(frozen=True)
class SoftmaxLayer:
    """The output layer: softmax neurons with the log-likelihood cost (chapter 3).

    a_j = e^{z_j} / sum_k e^{z_k} with z = w x + b, and C_x = -ln a_y for the right digit y;
    the output error is delta^L = a - y (y one-hot), equation (81)-(82) of the book. Weights
    (n_out, n_in) and biases (n_out,) start at zero, as in the original. ``p_dropout`` drops
    the layer's inputs, as for :class:`FullyConnectedLayer`.
    """

    n_in: int
    n_out: int = 10
    p_dropout: float = 0.0

    kind = "softmax"
    activation = activations.softmax

    def __post_init__(self):
        object.__setattr__(self, "n_in", check_positive_int("n_in", self.n_in))
        object.__setattr__(self, "n_out", check_positive_int("n_out", self.n_out))
        object.__setattr__(self, "p_dropout", _probability(self.p_dropout))

    input_size = FullyConnectedLayer.input_size
    output_size = FullyConnectedLayer.output_size
    weight_shape = FullyConnectedLayer.weight_shape
    macs = FullyConnectedLayer.macs
    buffers = FullyConnectedLayer.buffers
    _input = FullyConnectedLayer._input
    _weighted_input = FullyConnectedLayer._weighted_input

    def init_std(self, init: str) -> float:
        return 0.0

    def forward(self, w, b, x, ws, train: bool, mask=None, scale_test: bool = False):
        """x: (n_in, m). Returns the probabilities a: (n_out, m), each column summing to 1."""
        z = self._weighted_input(w, b, x, ws, train, mask, scale_test)
        z -= z.max(axis=0)  # no overflow: the largest exponent is e^0
        np.exp(z, out=z)
        z /= z.sum(axis=0)
        return z

    def backward(self, w, b, x, ws, labels, gw, gb, need_input_grad: bool, mask=None,
                 scale_test: bool = False, scale: float = 1.0):
        """delta^L = (a - y) * scale, from the integer ``labels``; then as a linear layer."""
        delta = ws["tmp"]
        np.copyto(delta, ws["z"])
        delta[labels, np.arange(delta.shape[1])] -= 1
        delta *= scale
        return _linear_backward(self, w, x, ws, delta, gw, gb, need_input_grad, mask, scale_test)
