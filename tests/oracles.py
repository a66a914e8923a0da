"""Test oracles: convolution and max-pooling by naive loops, straight from equations (1)-(5) of
:mod:`nnbook.conv`, slow on purpose and kept only so the tests can compare the fast kernels
against something obviously right. Images one example first, (m, channels, rows, cols)."""

import numpy as np



def naive_conv2d(x, w, b=None) -> np.ndarray:
    """Equation (1) by explicit loops over examples, filters and positions."""
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
    """Equations (2) and (3) by explicit loops: each output position adds its
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
    """Equation (4) by explicit loops over blocks."""
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
    """Equation (5) by explicit loops: each block's error goes to its maximum,
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
