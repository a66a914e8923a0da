"""The per-example form of backpropagation, kept so that the matrix form's speed-up can be measured.

The original book's ``network.py`` computes a mini-batch gradient by looping over the examples,
one column vector x at a time: forward pass, BP1-BP4, and the gradients summed over the batch.
Chapter 2's closing problem asks for the *fully matrix-based* form instead, in which the whole
mini-batch goes through each layer in one matrix product; that is what
:meth:`nnbook.network.Network.backprop` does. This module is the slow form, written here so that
the chapter 2 page (via :func:`nnbook.studies.speed.minibatch_speedup`) and ``benchmarks/epoch_time.py``
can time the two side by side. It is never used for training.

Both compute the same number: the gradient of the mean cost (1/m) sum_x C_x over the mini-batch,
for whatever cost and activation the network holds.
"""

from __future__ import annotations

import numpy as np

from nnbook.checks import check_rate
from nnbook.data import one_hot


def backprop_per_example(net, x, y) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The gradient of the mean cost over the rows of ``x``, one example at a time.

    For each example, as column vectors (the book's equations, not the row form of
    :mod:`nnbook.network`):

    * forward: z^l = w^l a^{l-1} + b^l,  a^l = f^l(z^l)            shapes (n_l, 1)
    * BP1: delta^L = ``net.cost.delta(z^L, a^L, y, f^L)``
    * BP2: delta^l = ((w^{l+1})^T delta^{l+1}) * f^l'(z^l)
    * BP3, BP4: dC_x/db^l = delta^l,  dC_x/dw^l = delta^l (a^{l-1})^T

    and then the sums over the examples are divided by m. f^l is the network's ``activation``
    in the hidden layers and its ``output_activation`` in the last. Returns
    ``(nabla_b, nabla_w)`` shaped like ``net.biases`` and ``net.weights``, equal to
    ``net.backprop(x, y)`` up to rounding.
    """
    x = net.check_inputs(x)
    m = x.shape[0]
    if m == 0:
        raise ValueError(f"x must hold at least one example; got shape {x.shape}")
    y = net.check_targets(y, m)
    if y.ndim == 1:  # labels: one column vector y(x) each, as the original
        y = one_hot(y, net.sizes[-1], net.dtype)
    fs = net.activation_functions()
    sum_b = [np.zeros((b.size, 1), dtype=b.dtype) for b in net.biases]
    sum_w = [np.zeros_like(w) for w in net.weights]
    columns_b = [b.reshape(-1, 1) for b in net.biases]  # (n_l, 1)
    for i in range(m):
        a = x[i].reshape(-1, 1)  # (n_in, 1)
        activations, zs = [a], []
        for w, b, f in zip(net.weights, columns_b, fs):
            z = w @ a + b  # (n_l, 1)
            a = f.fn(z.T).T  # activations take rows: a softmax normalises over the n_l entries
            zs.append(z)
            activations.append(a)
        # Costs take one example per row, so the column vectors go in as (1, n_L) rows.
        delta = net.cost.delta(zs[-1].T, a.T, y[i:i + 1], fs[-1]).T  # BP1, (n_L, 1)
        for l in range(len(net.weights) - 1, -1, -1):
            if l < len(net.weights) - 1:
                delta = (net.weights[l + 1].T @ delta) * fs[l].prime(zs[l])  # BP2
            sum_b[l] += delta  # BP3
            sum_w[l] += delta @ activations[l].T  # BP4, (n_l, n_{l-1})
    return [s.reshape(-1) / m for s in sum_b], [s / m for s in sum_w]


def update_mini_batch_per_example(net, x, y, eta: float) -> None:
    """One gradient-descent step on the mini-batch, with the gradient of :func:`backprop_per_example`.

    w -> w - eta dC/dw and b -> b - eta dC/db, exactly as
    :func:`nnbook.train.update_mini_batch` without regularisation.
    """
    eta = check_rate("eta", eta, allow_zero=False)
    nabla_b, nabla_w = backprop_per_example(net, x, y)
    for w, b, nw, nb in zip(net.weights, net.biases, nabla_w, nabla_b):
        w -= eta * nw
        b -= eta * nb
