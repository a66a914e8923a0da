"""Convolution and max-pooling for chapter 6: fast numpy kernels and the naive loops they must match.

Shapes follow nnbook's convention: images ``(m, channels, rows, cols)``, one example first;
a bank of filters ``(n_filters, channels, f, f)``. Convolutions are "valid" with stride 1, as in
the book: an image of H x W pixels and an f x f filter give a feature map of
(H - f + 1) x (W - f + 1). (Like every neural-network library, and like the book's equation
(125), the "convolution" is a cross-correlation: the filter is not flipped.)

The forward pass, for filter k, example x and output position (i, j),

    z[x, k, i, j] = sum_{c, r, s} w[k, c, r, s] a[x, c, i + r, j + s]                     (1)

is one matrix product. :func:`im2col` copies every f x f patch of the input into one column of
a matrix ``cols`` of shape (channels * f * f, m * H' * W'), with rows ordered (c, r, s) like the
flattened filter and columns ordered (x, i, j); then ``z = w.reshape(n_filters, -1) @ cols``.
The copy is a single ``np.copyto`` from a strided view of the input (no Python loop), and the
product is one BLAS call for the whole mini-batch.

Backpropagation through (1), with delta[x, k, i, j] = dC/dz[x, k, i, j]:

    dC/dw[k, c, r, s] = sum_{x, i, j} delta[x, k, i, j] a[x, c, i + r, j + s]            (2)
    dC/da[x, c, p, q] = sum_{k, r, s} w[k, c, r, s] delta[x, k, p - r, q - s]            (3)

(2) is ``delta @ cols.T``, one product. (3) is ``w.T @ delta``, one product giving one column
per output position, followed by :func:`col2im`, which adds each of the f * f rows (r, s) of
that matrix back onto the window of the input it came from: f * f strided additions of whole
arrays, not a loop over pixels.

Max-pooling keeps the largest value of each non-overlapping p x p block:

    pooled[x, k, u, v] = max_{0 <= a, b < p} z[x, k, p u + a, p v + b]                   (4)

computed by viewing z as (m, k, H/p, p, W/p, p) and reducing over the two block axes. Its
derivative passes the error of each pooled unit back to the position that held the maximum,
and 0 to the others:

    dC/dz[x, k, p u + a, p v + b] = dC/dpooled[x, k, u, v] * [z[...] is the block's max] / t   (5)

where t is the number of positions of the block that tie for the maximum (almost always 1).
Ties are not rare here: a blank corner of an MNIST digit gives identical patches, hence
identical values of z, across a whole block. Splitting the error equally among tied positions
keeps the weight gradient exact there (the tied positions have identical patches, so the split
shares add up to one patch's worth, which is what a finite difference measures); sending the
whole error to every tied position, as a plain "equals the max" mask does, would count it t times.

The ``naive_*`` functions are **test oracles**: four or six nested Python loops written straight
from equations (1)-(5), slow on purpose and kept only so the tests can compare the fast kernels
against something obviously right. Nothing else in nnbook calls them.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided


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


# ---- im2col and col2im --------------------------------------------------------------------------


def patches(x: np.ndarray, f: int) -> np.ndarray:
    """A read-only strided view of every f x f patch of ``x`` (m, c, H, W), no copy.

    Its shape is (c, f, f, m, H', W') with H' = H - f + 1, W' = W - f + 1, and
    ``patches(x, f)[c, r, s, x_, i, j] == x[x_, c, i + r, j + s]``: reshaped to
    (c * f * f, m * H' * W') it is the ``cols`` matrix of equation (1).
    """
    m, c, rows, cols = x.shape
    sm, sc, sr, ss = x.strides
    shape = (c, f, f, m, rows - f + 1, cols - f + 1)
    return as_strided(x, shape=shape, strides=(sc, sr, ss, sm, sr, ss), writeable=False)


def im2col(x, f: int, out: np.ndarray | None = None) -> np.ndarray:
    """Every f x f patch of the images ``x`` (m, c, H, W) as a column: shape (c f f, m H' W').

    Rows are ordered (channel, filter row, filter column), like ``w.reshape(n_filters, -1)``;
    columns (example, output row, output column). Written with one copy into ``out`` if given
    (it must have that shape and x's dtype), else into a new array.
    """
    x = _check_images(x)
    view = patches(x, f)
    if out is None:
        out = np.empty((view.shape[0] * f * f, int(np.prod(view.shape[3:]))), dtype=x.dtype)
    np.copyto(out.reshape(view.shape), view)
    return out


def col2im(dcols: np.ndarray, x_shape, f: int, out: np.ndarray | None = None) -> np.ndarray:
    """The adjoint of :func:`im2col`: add each column of ``dcols`` back onto its patch.

    ``dcols`` has shape (c f f, m H' W'); returns an array of shape ``x_shape`` = (m, c, H, W) with
    ``out[x, c, i + r, j + s] += dcols[(c, r, s), (x, i, j)]`` summed over every (r, s, i, j):
    equation (3) once ``dcols = w.T @ delta``. f * f strided additions, one per filter position
    (r, s), each over the whole mini-batch. ``out`` (of shape ``x_shape``, any strides) is
    overwritten if given.
    """
    m, c, rows, cols = x_shape
    oh, ow = rows - f + 1, cols - f + 1
    d = dcols.reshape(c, f, f, m, oh, ow).transpose(3, 0, 1, 2, 4, 5)  # (m, c, f, f, oh, ow)
    if out is None:
        out = np.zeros(x_shape, dtype=dcols.dtype)
    else:
        out[...] = 0
    for r in range(f):
        for s in range(f):
            window = out[:, :, r:r + oh, s:s + ow]
            np.add(window, d[:, :, r, s], out=window)
    return out


# ---- convolution ---------------------------------------------------------------------------------


def conv2d(x, w, b=None) -> np.ndarray:
    """Equation (1): the valid, stride-1 convolution of images ``x`` (m, c, H, W) with filters
    ``w`` (k, c, f, f), plus an optional bias per filter ``b`` (k,): shape (m, k, H', W')."""
    x = _check_images(x)
    w = _check_filters(x, w)
    k, f = w.shape[0], w.shape[2]
    m, _, rows, cols = x.shape
    z = w.reshape(k, -1) @ im2col(x, f)  # (k, m H' W')
    z = z.reshape(k, m, rows - f + 1, cols - f + 1).transpose(1, 0, 2, 3)
    if b is not None:
        z = z + np.asarray(b).reshape(1, k, 1, 1)
    return np.ascontiguousarray(z)


def conv2d_backward(x, w, delta) -> tuple[np.ndarray, np.ndarray]:
    """Equations (2) and (3): ``(dC/dw, dC/dx)`` given ``delta`` = dC/dz of shape (m, k, H', W').

    (The bias gradient is ``delta.sum(axis=(0, 2, 3))``.)
    """
    x = _check_images(x)
    w = _check_filters(x, w)
    k, f = w.shape[0], w.shape[2]
    m, _, rows, cols = x.shape
    expected = (m, k, rows - f + 1, cols - f + 1)
    delta = np.asarray(delta)
    if delta.shape != expected:
        raise ValueError(f"delta must have shape {expected}; got {delta.shape}")
    d = delta.transpose(1, 0, 2, 3).reshape(k, -1)  # (k, m H' W')
    dw = (d @ im2col(x, f).T).reshape(w.shape)  # (2)
    dx = col2im(w.reshape(k, -1).T @ d, x.shape, f)  # (3)
    return dw, dx


# ---- max-pooling ---------------------------------------------------------------------------------


def _blocks(z: np.ndarray, p: int) -> np.ndarray:
    """z (a, b, H, W), any strides, viewed as (a, b, H/p, p, W/p, p)."""
    a, b, rows, cols = z.shape
    s0, s1, s2, s3 = z.strides
    return as_strided(z, shape=(a, b, rows // p, p, cols // p, p),
                      strides=(s0, s1, p * s2, s2, p * s3, s3), writeable=False)


def _expand(pooled: np.ndarray) -> np.ndarray:
    """pooled (a, b, h, w) viewed as (a, b, h, 1, w, 1), to broadcast against :func:`_blocks`."""
    return pooled[:, :, :, None, :, None]


def maxpool_into(z: np.ndarray, p: int, out: np.ndarray) -> np.ndarray:
    """Equation (4) on the last two axes of ``z`` (a, b, H, W), written into ``out`` (a, b, H/p, W/p).

    Both may have any strides (the network pools feature maps stored filter-first into
    an example-first buffer this way, without a transposing copy).
    """
    np.max(_blocks(z, p), axis=(3, 5), out=out)
    return out


def maxpool_backward_into(z: np.ndarray, pooled: np.ndarray, grad: np.ndarray, p: int,
                          out: np.ndarray, ties: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Equation (5): route ``grad`` = dC/dpooled back through :func:`maxpool_into`.

    ``z`` (a, b, H, W) is the pooled input and ``pooled`` its block maxima; ``out`` (shaped like
    z) receives dC/dz. ``ties`` (bool, shaped like ``_blocks(z)``) and ``counts`` (shaped like
    ``pooled``, float) are work buffers. Four numpy calls, whatever the size.
    """
    np.equal(_blocks(z, p), _expand(pooled), out=ties)  # 1 where z is its block's max
    np.add.reduce(ties, axis=(3, 5), dtype=counts.dtype, out=counts)  # t of (5)
    np.divide(grad, counts, out=counts)
    np.multiply(ties, _expand(counts), out=_blocks_writeable(out, p))
    return out


def _blocks_writeable(z: np.ndarray, p: int) -> np.ndarray:
    a, b, rows, cols = z.shape
    s0, s1, s2, s3 = z.strides
    return as_strided(z, shape=(a, b, rows // p, p, cols // p, p),
                      strides=(s0, s1, p * s2, s2, p * s3, s3))


def _check_pool(z, p: int) -> np.ndarray:
    z = _check_images(z, "z")
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p < 1:
        raise ValueError(f"pool_size must be a positive integer; got {p!r}")
    if z.shape[2] % p or z.shape[3] % p:
        raise ValueError(f"pool_size={p} must divide the feature maps evenly; got maps of "
                         f"{z.shape[2]} x {z.shape[3]} (z of shape {z.shape})")
    return z


def maxpool2d(z, pool_size: int = 2) -> np.ndarray:
    """Equation (4): the maximum of each pool_size x pool_size block of ``z`` (m, k, H, W)."""
    z = _check_pool(z, pool_size)
    m, k, rows, cols = z.shape
    out = np.empty((m, k, rows // pool_size, cols // pool_size), dtype=z.dtype)
    return maxpool_into(z, pool_size, out)


def maxpool2d_backward(z, grad, pool_size: int = 2) -> np.ndarray:
    """Equation (5): dC/dz given ``grad`` = dC/dpooled, for the pooling of ``z`` (m, k, H, W)."""
    z = _check_pool(z, pool_size)
    pooled = maxpool2d(z, pool_size)
    grad = np.asarray(grad, dtype=z.dtype)
    if grad.shape != pooled.shape:
        raise ValueError(f"grad must have the pooled shape {pooled.shape}; got {grad.shape}")
    ties = np.empty(_blocks(z, pool_size).shape, dtype=bool)
    counts = np.empty(pooled.shape, dtype=z.dtype)
    return maxpool_backward_into(z, pooled, grad, pool_size, np.empty_like(z), ties, counts)


# ---- test oracles: naive loops, straight from the equations --------------------------------------


def naive_conv2d(x, w, b=None) -> np.ndarray:
    """TEST ORACLE. Equation (1) by explicit loops over examples, filters and positions."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    m, c, rows, cols = x.shape
    k, _, f, _ = w.shape
    z = np.zeros((m, k, rows - f + 1, cols - f + 1))
    for e in range(m):
        for q in range(k):
            for i in range(rows - f + 1):
                for j in range(cols - f + 1):
                    z[e, q, i, j] = np.sum(w[q] * x[e, :, i:i + f, j:j + f])
            if b is not None:
                z[e, q] += b[q]
    return z


def naive_conv2d_backward(x, w, delta) -> tuple[np.ndarray, np.ndarray]:
    """TEST ORACLE. Equations (2) and (3) by explicit loops: each output position adds its
    error times the patch to dC/dw, and its error times the filter to dC/dx."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    delta = np.asarray(delta, dtype=np.float64)
    m, k, oh, ow = delta.shape
    f = w.shape[2]
    dw, dx = np.zeros_like(w), np.zeros_like(x)
    for e in range(m):
        for q in range(k):
            for i in range(oh):
                for j in range(ow):
                    dw[q] += delta[e, q, i, j] * x[e, :, i:i + f, j:j + f]
                    dx[e, :, i:i + f, j:j + f] += delta[e, q, i, j] * w[q]
    return dw, dx


def naive_maxpool2d(z, pool_size: int = 2) -> np.ndarray:
    """TEST ORACLE. Equation (4) by explicit loops over blocks."""
    z = np.asarray(z)
    m, k, rows, cols = z.shape
    p = pool_size
    out = np.zeros((m, k, rows // p, cols // p), dtype=z.dtype)
    for e in range(m):
        for q in range(k):
            for u in range(rows // p):
                for v in range(cols // p):
                    out[e, q, u, v] = z[e, q, p * u:p * u + p, p * v:p * v + p].max()
    return out


def naive_maxpool2d_backward(z, grad, pool_size: int = 2) -> np.ndarray:
    """TEST ORACLE. Equation (5) by explicit loops: each block's error goes to its maximum,
    shared equally among positions that tie for it."""
    z = np.asarray(z)
    grad = np.asarray(grad)
    m, k, rows, cols = z.shape
    p = pool_size
    dz = np.zeros(z.shape)
    for e in range(m):
        for q in range(k):
            for u in range(rows // p):
                for v in range(cols // p):
                    block = z[e, q, p * u:p * u + p, p * v:p * v + p]
                    winners = block == block.max()
                    dz[e, q, p * u:p * u + p, p * v:p * v + p] = (
                        winners * grad[e, q, u, v] / winners.sum())
    return dz
