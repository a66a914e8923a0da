"""The kernels of chapter 6's layers: im2col and col2im, max-pooling, thin and fused matrix
products, neurons in place. Every fast array operation of :mod:`nnbook.layers` is here.

Convolutions are "valid" with stride 1, as in the book: an image of H x W pixels and an f x f
filter give a feature map of (H - f + 1) x (W - f + 1). (Like every neural-network library, and
like the book's equation (125), the "convolution" is a cross-correlation: the filter is not
flipped.) For filter k, example e and output position (i, j),

    z[k, i, j, e] = sum_{c, r, s} w[k, c, r, s] x[c, i + r, j + s, e]                     (1)

Inside a network a mini-batch of m examples is stored **with the example index last**: images
and feature maps as (channels, rows, cols, m), the activations of a fully connected layer as
(neurons, m), one example per column, which is the book's own column form z = w a + b. With that
layout the output of a convolution's matrix product is already the next layer's input, and the
patches :func:`im2col` copies are runs of m * cols contiguous numbers. (The public functions at
the end, :func:`conv2d` and friends, take one example first, as the rest of nnbook does.)

(1) is one matrix product. :func:`im2col` copies every f x f patch of the input into one column
of a matrix ``cols`` of shape (channels f f, positions m), rows ordered (c, r, s) like the
flattened filter; then ``z = w.reshape(n_filters, -1) @ cols``. With delta = dC/dz,

    dC/dw[k, c, r, s] = sum_{i, j, e} delta[k, i, j, e] x[c, i + r, j + s, e]            (2)
    dC/dx[c, p, q, e] = sum_{k, r, s} w[k, c, r, s] delta[k, p - r, q - s, e]            (3)

(2) is ``delta @ cols.T`` (:func:`weight_gradient`). (3) is ``w.T @ delta``, one product giving
one column per output position, followed by :func:`col2im`, which adds each column back onto
the window of the input it came from.

Max-pooling keeps the largest value of each non-overlapping p x p block:

    pooled[k, u, v, e] = max_{0 <= a, b < p} z[k, p u + a, p v + b, e]                   (4)

Its derivative passes the error of each pooled unit back to the position that held the maximum:

    dC/dz[k, p u + a, p v + b, e] = dC/dpooled[k, u, v, e] [z is the block's max] / t     (5)

where t is the number of positions of the block that tie for the maximum. Ties are not rare: a
blank corner of an MNIST digit gives identical patches, hence identical z, across a block.
Splitting the error equally keeps the weight gradient exact there; sending the whole error to
every tied position would count it t times. The pooling kernels work on z in *pooling-phase
order*, (k, a, b, u, v, e) (:func:`to_phases`): the p^2 positions of every block are then p^2
contiguous slabs, and (4) and (5) run over long contiguous runs instead of strided views.

At the book's mini-batch of 10 the time goes to the number of numpy calls rather than to
arithmetic, so every kernel writes into buffers allocated once (``out=``). The tests compare
each kernel with naive loops written straight from (1)-(5).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided
from scipy.linalg import get_blas_funcs

from nnbook import activations


# ---- shape checks -------------------------------------------------------------------------------


def conv_output_shape(image_shape, filter_size: int, pool_size: int = 1,
                      name: str = "image_shape") -> tuple[int, int]:
    """The (rows, cols) of the pooled feature maps of a valid, stride-1 convolution.

    Raises ValueError, naming ``name``, when the filter is larger than the image or the pooling
    does not divide the feature map evenly.
    """
    _, rows, cols = image_shape
    if filter_size > rows or filter_size > cols:
        raise ValueError(f"filter_size={filter_size} is larger than the image: {name}="
                         f"{tuple(image_shape)} has {rows} x {cols} pixels, so a valid "
                         f"convolution needs filter_size <= {min(rows, cols)}")
    out_rows, out_cols = rows - filter_size + 1, cols - filter_size + 1
    if out_rows % pool_size or out_cols % pool_size:
        raise ValueError(f"pool_size={pool_size} must divide the feature maps evenly: a "
                         f"{filter_size} x {filter_size} filter on {name}={tuple(image_shape)} "
                         f"gives {out_rows} x {out_cols} maps, and {pool_size} does not divide "
                         f"{out_rows if out_rows % pool_size else out_cols}")
    return out_rows // pool_size, out_cols // pool_size


# ---- neurons, in place --------------------------------------------------------------------------
# Each activation of nnbook.activations that a layer may use, applied in place, with its
# derivative computed from the layer's *output* a = f(z) (sigma' = a (1 - a), tanh' = 1 - a^2,
# ReLU' = [a > 0]), so z need not be kept.


def sigmoid_(z):
    # sigma(z) = (1 + tanh(z / 2)) / 2: the same function as expit, about 5x faster on float32
    # arrays here (numpy's tanh is vectorised, scipy's expit is not), and it cannot overflow.
    np.multiply(z, 0.5, out=z)
    np.tanh(z, out=z)
    np.multiply(z, 0.5, out=z)
    np.add(z, 0.5, out=z)


def sigmoid_prime_(g, a, tmp):  # g *= a (1 - a)
    np.subtract(1, a, out=tmp)
    tmp *= a
    g *= tmp


def tanh_(z):
    np.tanh(z, out=z)


def tanh_prime_(g, a, tmp):  # g *= 1 - a^2
    np.multiply(a, a, out=tmp)
    np.subtract(1, tmp, out=tmp)
    g *= tmp


def relu_(z):
    np.maximum(z, 0, out=z)


def relu_prime_(g, a, tmp):  # g *= [a > 0]
    np.greater(a, 0, out=tmp)
    g *= tmp


def _nothing(*args):
    pass


NEURONS = {"sigmoid": (sigmoid_, sigmoid_prime_), "tanh": (tanh_, tanh_prime_),
           "relu": (relu_, relu_prime_), "identity": (_nothing, _nothing)}
"""In-place kernels ``(f(z), g *= f'(z) from a = f(z))`` for each activation a layer may use."""


def neuron(activation, name: str = "activation"):
    """The activation object of :mod:`nnbook.activations` named or given, checked to have
    in-place kernels in :data:`NEURONS`."""
    act = activations.get(activation)
    if act.name not in NEURONS or type(act) is not type(activations.ACTIVATIONS[act.name]):
        raise ValueError(f"{name} must be one of nnbook.activations' sigmoid, tanh, relu or "
                         f"identity (the softmax is its own layer, SoftmaxLayer); got {act!r}")
    return act


# ---- thin and fused matrix products -------------------------------------------------------------

SMALL_PRODUCT = 1_000_000
"""The most multiply-adds OpenBLAS hands to its "small matrix" kernels (M N K <= 100^3 on
x86-64), which work on the operands in place instead of first copying them into packed panels."""

_SMALL_ROWS = 100
"""Row blocks of :func:`thin_matmul` have at most this many rows: with a column-major right
operand, OpenBLAS leaves its small-matrix kernels for blocks of more than 100 rows here (the
640 -> 1000 layer's w x: 141 us in blocks of 100 rows, 287 us in blocks of 156)."""

_LONG_BLOCK = 1000
"""weight_step splits a weight gradient into column blocks only when each block still sums over
at least this many columns (short blocks gain nothing and cost calls)."""

_LONG_ROWS = 32
"""weight_step updates a weight matrix in row blocks, with the decay folded into the product,
when each block still has at least this many rows of weights."""

_STRIDED_BUFFER = 1024
"""numpy's ufunc buffer size (elements) for col2im's strided additions: numpy 2.x copies strided
operands through its buffers (default 8192 elements) when their contiguous runs are shorter;
at or below about the run length it adds them in place, about twice as fast here."""


def thin_matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """out = a @ b, computed in blocks of at most :data:`SMALL_PRODUCT` multiply-adds each:
    blocks of rows of ``a`` when it is the taller operand, else blocks of columns of ``b``.

    At a mini-batch of 10, a fully connected layer's products w x and w^T delta have only 10
    columns: a general matrix product spends most of its time packing the whole weight matrix,
    which is used once. Split into blocks small enough for OpenBLAS's small-matrix kernels,
    the same products ran 1.3-1.9x faster here (1000 x 1000 weights: 420 -> 300 us forward,
    450 -> 270 us for w^T delta); so did the first conv layer's (20, 25) @ (25, 5760), 74 ->
    61 us. Every block is the same sum as before, so results agree to rounding.
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


def weight_gradient(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """dC/dw = A B^T into ``out`` (n_out, n_in): A the errors (n_out, P), B the inputs (n_in, P),
    P the examples (times the positions, for a convolution): BP4, or (2)."""
    return np.matmul(a, b.T, out=out)


_GEMM: dict = {}


def weight_step(w2d: np.ndarray, a: np.ndarray, b: np.ndarray, decay: float = 1.0) -> None:
    """w -> decay w - A B^T in place: a gradient step with the gradient's product fused in.

    The fused form of ``w *= decay; w -= weight_gradient(a, b)`` (A already scaled by eta), used
    by :meth:`nnbook.convnet.Network.update_mini_batch`: the subtraction is folded into the
    matrix product (BLAS gemm with beta = 1, writing into w), which saves writing the gradient
    out and reading it back. At a mini-batch of 10 the weights of a large fully connected layer
    are touched fewer times, and that is what costs there.
    """
    gemm = _GEMM.get(w2d.dtype)
    if gemm is None:
        gemm = _GEMM[w2d.dtype] = get_blas_funcs("gemm", dtype=w2d.dtype)
    rows, inner = w2d.shape
    columns = a.shape[1]
    if w2d.size * columns <= SMALL_PRODUCT or (
            w2d.flags.c_contiguous and SMALL_PRODUCT // (inner * columns) >= _LONG_ROWS):
        _step_in_row_blocks(gemm, w2d, a, b, decay)
        return
    if decay != 1.0:
        w2d *= decay
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
    out = gemm(-1.0, b_op, at_op, 1.0, w2d.T, trans_a=trans_b, trans_b=trans_at, overwrite_c=1)
    if not np.may_share_memory(out, w2d):  # BLAS worked on a copy: write it back
        np.copyto(w2d, out.T)


def _step_in_row_blocks(gemm, w2d: np.ndarray, a: np.ndarray, b: np.ndarray,
                        decay: float) -> None:
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
        out = gemm(-1.0, b_op, a[i:i + step].T, decay, wt, overwrite_c=1)
        if not np.may_share_memory(out, wt):  # BLAS worked on a copy: write it back
            np.copyto(wt, out)


def _fortran(x: np.ndarray) -> tuple[np.ndarray, int]:
    """(array, trans) with op(array) == x and the array column-major, so BLAS takes it as is."""
    if x.flags.f_contiguous:
        return x, 0
    if x.flags.c_contiguous:
        return x.T, 1
    return np.asfortranarray(x), 0


# ---- im2col and col2im (example last) -----------------------------------------------------------


def im2col(x: np.ndarray, f: int, out: np.ndarray) -> np.ndarray:
    """The columns of (1): out[(c, r, s), (i, j, e)] = x[c, i + r, j + s, e].

    ``x`` (channels, rows, cols, m) may have any strides; ``out`` has shape
    (channels f f, rows' cols' m). One copy from a strided view of x, no Python loop.
    """
    c, rows, cols, m = x.shape
    s0, s1, s2, s3 = x.strides
    patches = as_strided(x, shape=(c, f, f, rows - f + 1, cols - f + 1, m),
                         strides=(s0, s1, s2, s1, s2, s3), writeable=False)
    np.copyto(out.reshape(patches.shape), patches)
    return out


def im2col_phased(x: np.ndarray, f: int, p: int, out: np.ndarray,
                  scratch: np.ndarray) -> np.ndarray:
    """The columns of (1) in pooling-phase order: column (a, b, u, v, e) is output position
    (p u + a, p v + b), so ``w @ out`` is z in phase order, (k, p, p, h, v, m), ready for
    :func:`maxpool` without a copy (a layer that needs no input gradient, the first).

    Built in two copies: scratch[c, t, q, u, v, e] = x[c, p u + t, p v + q, e]
    (t, q < p + f - 1; ``scratch`` of that shape), then out = scratch[c, a + r, b + s].
    """
    c, _, _, m = x.shape
    h, v = scratch.shape[3:5]
    s0, s1, s2, s3 = x.strides
    np.copyto(scratch, as_strided(x, shape=scratch.shape,
                                  strides=(s0, s1, s2, p * s1, p * s2, s3), writeable=False))
    z0, z1, z2, _, _, z5 = scratch.strides
    phased = as_strided(scratch, shape=(c, f, f, p, p, h * v * m),
                        strides=(z0, z1, z2, z1, z2, z5), writeable=False)
    np.copyto(out.reshape(phased.shape), phased)
    return out


def col2im(dcols: np.ndarray, f: int, out: np.ndarray, rowsum: np.ndarray) -> np.ndarray:
    """The adjoint of :func:`im2col`: out[c, i + r, j + s, e] += dcols[(c, r, s), (i, j, e)]
    summed over (r, s, i, j), which is (3) once ``dcols = w.T @ delta``.

    ``out`` (channels, rows, cols, m) is overwritten; ``rowsum`` (channels, f, rows, cols', m) is
    scratch. Two stages of f window additions each, first over r, then over s:

        rowsum[c, s, p, j] = sum_r dcols[(c, r, s), (p - r, j)]
        out[c, p, q]       = sum_s rowsum[c, s, p, q - s]

    The first stage adds whole (rows', cols', m) blocks, contiguous runs of rows' cols' m
    numbers; with numpy's ufunc buffer set small (:data:`_STRIDED_BUFFER`) the strided operands
    are not copied through its buffers: 225 -> 112 us for CP40's input gradient at m = 10.
    """
    c, rows, cols, m = out.shape
    oh, ow = rows - f + 1, cols - f + 1
    d6 = dcols.reshape(c, f, f, oh, ow, m)
    buffer_size = np.getbufsize()
    np.setbufsize(_STRIDED_BUFFER)
    try:
        rowsum[...] = 0
        for r in range(f):
            window = rowsum[:, :, r:r + oh]
            np.add(window, d6[:, r], out=window)
        out[...] = 0
        for s in range(f):
            window = out[:, :, s:s + ow]
            np.add(window, rowsum[:, s], out=window)
    finally:
        np.setbufsize(buffer_size)
    return out


# ---- max-pooling (example last, pooling-phase order) --------------------------------------------


def to_phases(z: np.ndarray, p: int, out: np.ndarray | None = None) -> np.ndarray:
    """z (k, p h, p v, m) in pooling-phase order: out[k, a, b, u, v, e] = z[k, p u + a, p v + b, e].

    One copy into ``out`` (k, p, p, h, v, m); for p = 1 the two orders are the same, and z itself
    is returned, reshaped.
    """
    k, rows, cols, m = z.shape
    if p == 1:
        return z.reshape(k, 1, 1, rows, cols, m)
    if out is None:
        out = np.empty((k, p, p, rows // p, cols // p, m), z.dtype)
    np.copyto(out, z.reshape(k, rows // p, p, cols // p, p, m).transpose(0, 2, 4, 1, 3, 5))
    return out


def from_phases(zp: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The inverse of :func:`to_phases`: ``out`` (k, p h, p v, m) from ``zp`` (k, p, p, h, v, m)."""
    k, p, _, h, v, m = zp.shape
    np.copyto(out.reshape(k, h, p, v, p, m).transpose(0, 2, 4, 1, 3, 5), zp)
    return out


def maxpool(zp: np.ndarray, out: np.ndarray) -> np.ndarray:
    """(4): out[k, u, v, e] = max_{a, b} zp[k, a, b, u, v, e] for z in phase order (k, p, p,
    h, v, m), a running maximum over the p^2 contiguous slabs."""
    k = zp.shape[0]
    slabs = zp.reshape(k, -1, out[0].size)
    flat = out.reshape(k, -1)
    if slabs.shape[1] == 1:
        np.copyto(flat, slabs[:, 0])
        return out
    np.maximum(slabs[:, 0], slabs[:, 1], out=flat)
    for j in range(2, slabs.shape[1]):
        np.maximum(flat, slabs[:, j], out=flat)
    return out


def maxpool_backward(zp: np.ndarray, pooled: np.ndarray, grad: np.ndarray, ties: np.ndarray,
                     nties: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """(5): dC/dz in phase order, written over ``zp`` (which held z) and returned.

    ``pooled`` = maxpool(zp), ``grad`` = dC/dpooled, both (k, h, v, m). Scratch: ``ties`` (bool,
    shaped like zp), ``nties`` (an integer type, shaped like pooled), ``counts`` (like pooled).
    The number t of tied positions is counted in bytes (the bool masks viewed as 0/1), cast once.
    """
    k = zp.shape[0]
    z6, ties6 = zp.reshape(k, -1, pooled[0].size), ties.reshape(k, -1, pooled[0].size)
    flat = counts.reshape(k, -1)
    np.equal(z6, pooled.reshape(k, 1, -1), out=ties6)
    if z6.shape[1] == 1:
        np.copyto(flat, grad.reshape(k, -1))
    else:
        t = [ties6[:, j].view(np.uint8) for j in range(z6.shape[1])]
        n = nties.reshape(k, -1)
        np.add(t[0], t[1], out=n)
        for tj in t[2:]:
            np.add(n, tj, out=n)
        np.divide(grad.reshape(k, -1), n, out=flat)
    np.multiply(ties6, flat.reshape(k, 1, -1), out=z6)
    return zp


# ---- the same operations one example first: conv2d, maxpool2d and their derivatives -------------


def _check_images(x, name: str = "x") -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"{name} must have shape (m, channels, rows, cols); got shape {x.shape} "
                         f"(rank {x.ndim}, expected 4)")
    return x


def _check_filters(x: np.ndarray, w) -> np.ndarray:
    w = np.asarray(w)
    if w.ndim != 4 or w.shape[2] != w.shape[3]:
        raise ValueError(f"w must have shape (n_filters, channels, f, f); got shape {w.shape}")
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"w must have {x.shape[1]} channels, as x of shape {x.shape} has; got "
                         f"w of shape {w.shape}")
    conv_output_shape(x.shape[1:], w.shape[2], 1, name="x.shape[1:]")
    return w


def _last(x: np.ndarray) -> np.ndarray:
    return x.transpose(1, 2, 3, 0)  # (m, c, H, W) -> (c, H, W, m), a view


def _first(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x.transpose(3, 0, 1, 2))  # (c, H, W, m) -> (m, c, H, W)


def conv2d(x, w, b=None) -> np.ndarray:
    """Equation (1) for images ``x`` (m, c, H, W) and filters ``w`` (k, c, f, f), plus an
    optional bias per filter ``b`` (k,): shape (m, k, H', W'). :func:`im2col` and one product."""
    x = _check_images(x)
    w = _check_filters(x, w)
    k, f = w.shape[0], w.shape[2]
    m, c, rows, cols = x.shape
    oh, ow = rows - f + 1, cols - f + 1
    columns = im2col(_last(x), f, np.empty((c * f * f, oh * ow * m), x.dtype))
    z = (w.reshape(k, -1) @ columns).reshape(k, oh, ow, m)
    if b is not None:
        z = z + np.asarray(b).reshape(k, 1, 1, 1)
    return _first(z)


def conv2d_backward(x, w, delta) -> tuple[np.ndarray, np.ndarray]:
    """Equations (2) and (3): ``(dC/dw, dC/dx)`` given ``delta`` = dC/dz of shape (m, k, H', W'),
    by :func:`weight_gradient` and :func:`col2im`. (The bias gradient is
    ``delta.sum(axis=(0, 2, 3))``.)"""
    x = _check_images(x)
    w = _check_filters(x, w)
    k, f = w.shape[0], w.shape[2]
    m, c, rows, cols = x.shape
    oh, ow = rows - f + 1, cols - f + 1
    delta = np.asarray(delta)
    if delta.shape != (m, k, oh, ow):
        raise ValueError(f"delta must have shape {(m, k, oh, ow)}; got {delta.shape}")
    dtype = np.result_type(x, w, delta)
    columns = im2col(_last(x).astype(dtype), f, np.empty((c * f * f, oh * ow * m), dtype))
    d = np.ascontiguousarray(_last(delta), dtype=dtype).reshape(k, -1)  # (k, H' W' m)
    dw = weight_gradient(d, columns, np.empty((k, c * f * f), dtype)).reshape(w.shape)  # (2)
    dx = np.empty((c, rows, cols, m), dtype)
    col2im(w.reshape(k, -1).T.astype(dtype) @ d, f, dx, np.empty((c, f, rows, ow, m), dtype))  # (3)
    return dw, _first(dx)


def _check_pool(z, p: int) -> np.ndarray:
    z = _check_images(z, "z")
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p < 1:
        raise ValueError(f"pool_size must be a positive integer; got {p!r}")
    if z.shape[2] % p or z.shape[3] % p:
        raise ValueError(f"pool_size={p} must divide the feature maps evenly; got maps of "
                         f"{z.shape[2]} x {z.shape[3]} (z of shape {z.shape})")
    return z


def _pooling(z, p: int):
    """z (m, k, H, W) in phase order (k, p, p, H/p, W/p, m), a new array, and its maxima."""
    m, k, rows, cols = z.shape
    zp = np.array(to_phases(np.ascontiguousarray(_last(z)), p,
                            np.empty((k, p, p, rows // p, cols // p, m), z.dtype)))
    return zp, maxpool(zp, np.empty((k, rows // p, cols // p, m), z.dtype))


def maxpool2d(z, pool_size: int = 2) -> np.ndarray:
    """Equation (4): the maximum of each pool_size x pool_size block of ``z`` (m, k, H, W),
    by :func:`to_phases` and :func:`maxpool`."""
    z = _check_pool(z, pool_size)
    return _first(_pooling(z, pool_size)[1])


def maxpool2d_backward(z, grad, pool_size: int = 2) -> np.ndarray:
    """Equation (5): dC/dz given ``grad`` = dC/dpooled, for the pooling of ``z`` (m, k, H, W),
    by :func:`maxpool_backward` and :func:`from_phases`."""
    z = _check_pool(z, pool_size)
    zp, pooled = _pooling(z, pool_size)
    grad = np.asarray(grad, dtype=z.dtype)
    if grad.shape != _first(pooled).shape:
        raise ValueError(f"grad must have the pooled shape {_first(pooled).shape}; got {grad.shape}")
    g = np.ascontiguousarray(_last(grad))
    nties = np.empty(pooled.shape, np.int32)
    dz = maxpool_backward(zp, pooled, g, np.empty(zp.shape, bool), nties, np.empty_like(pooled))
    m, k, rows, cols = z.shape
    return _first(from_phases(dz, np.empty((k, rows, cols, m), z.dtype)))
