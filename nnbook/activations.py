"""Activation functions: the neuron's output a = f(z) and its derivative f'(z).

Chapter 1 uses the sigmoid everywhere; chapter 2 asks what changes for linear neurons; chapter 3
adds tanh and rectified linear units. Each activation is a small object with two methods, so a
network can hold one and backpropagation can ask it for f'(z) (the sigma'(z^l) of BP1 and BP2).

Chapter 3 also adds two that are not element-wise functions of z: the softmax output layer
(:class:`Softmax`), whose outputs depend on the whole row z^L, and dropout's :class:`Masked`
neurons, whose output is multiplied by a fixed factor per example.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
from scipy.special import expit


class Activation(ABC):
    """An activation function: ``fn(z)`` is f(z), ``prime(z)`` is f'(z), element-wise.

    ``elementwise`` is False for an activation whose output a_j depends on other entries of z
    than z_j (the softmax): it has no element-wise derivative, so it can only be an output layer
    whose cost computes delta^L without f'(z) (see :func:`nnbook.costs.check_output`).
    """

    name = "activation"
    elementwise = True

    @abstractmethod
    def fn(self, z: np.ndarray) -> np.ndarray:
        """f(z), element-wise."""

    @abstractmethod
    def prime(self, z: np.ndarray) -> np.ndarray:
        """f'(z), element-wise."""

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.fn(z)

    def __repr__(self) -> str:
        return self.name


class Sigmoid(Activation):
    """The sigmoid (logistic) function, sigma(z) = 1 / (1 + exp(-z)), equation (3) of the book.

    Computed with :func:`scipy.special.expit`, which never overflows: for large negative z the
    naive formula evaluates exp(+inf) and numpy warns, while expit returns 0 quietly. Chapter 1
    trains with eta = 100 on purpose, which drives z to thousands.

    Its derivative is sigma'(z) = sigma(z) (1 - sigma(z)), at most 1/4 (at z = 0).
    """

    name = "sigmoid"

    def fn(self, z):
        return expit(z)

    def prime(self, z):
        s = expit(z)
        return s * (1 - s)


class Tanh(Activation):
    """The hyperbolic tangent, tanh(z) = 2 sigma(2z) - 1, with tanh'(z) = 1 - tanh(z)^2."""

    name = "tanh"

    def fn(self, z):
        return np.tanh(z)

    def prime(self, z):
        t = np.tanh(z)
        return 1 - t * t


class ReLU(Activation):
    """The rectified linear unit, max(0, z); its derivative is taken as 1 for z > 0, else 0."""

    name = "relu"

    def fn(self, z):
        return np.maximum(z, 0)

    def prime(self, z):
        return (z > 0).astype(z.dtype)


class Identity(Activation):
    """A linear neuron, f(z) = z, with f'(z) = 1."""

    name = "identity"

    def fn(self, z):
        return z

    def prime(self, z):
        return np.ones_like(z)


class Softmax(Activation):
    """The softmax function of chapter 3, equation (78), applied to each row z of the input:

        a_j = e^{z_j} / sum_k e^{z_k}.

    The outputs of a row are positive and sum to 1, so they can be read as a probability
    distribution over the n_L classes. Adding a constant c to every z_k multiplies numerator and
    denominator by e^c and changes nothing; the code uses this to subtract each row's maximum
    first, so the largest exponent is e^0 = 1 and nothing overflows, even for z = 1000.

    Softmax is not element-wise: a_j depends on every z_k, and its derivative is the Jacobian
    da_j/dz_k = a_j (delta_jk - a_k) (:meth:`jacobian`), not a vector f'(z). With the
    log-likelihood cost the output error needs no derivative at all, delta^L = a^L - y,
    which is why a softmax layer comes with that cost.
    """

    name = "softmax"
    elementwise = False

    def fn(self, z):
        e = np.exp(z - np.max(z, axis=-1, keepdims=True))
        return e / np.sum(e, axis=-1, keepdims=True)

    def prime(self, z):
        raise ValueError(
            "softmax has no element-wise derivative f'(z): each output depends on the whole row z "
            "(see Softmax.jacobian). Use it only as the output layer with the log-likelihood "
            "cost, whose delta^L = a^L - y needs no f'(z)"
        )

    def jacobian(self, z) -> np.ndarray:
        """da_j/dz_k = a_j (delta_jk - a_k) for each row of ``z``: shape (..., n, n).

        Positive on the diagonal and negative off it (chapter 3's exercise: raising z_k raises
        a_k and lowers every other output).
        """
        a = self.fn(np.asarray(z))
        return a[..., :, None] * (np.eye(a.shape[-1], dtype=a.dtype) - a[..., None, :])


class Masked(Activation):
    """A neuron f whose output is multiplied by a fixed ``mask``: f(z) r, with derivative f'(z) r.

    Dropout (chapter 3) uses it for the hidden layers during training: r = 0 for a dropped
    neuron, so it neither passes anything forward nor receives any error backward, and
    r = 1/(1 - p) for a kept one ("inverted" dropout: the survivors are scaled up during
    training so that the trained network needs no rescaling at test time). ``mask`` has shape
    (m, n_l), one row per example, or (n_l,) to drop the same neurons for a whole mini-batch.
    """

    def __init__(self, f: Activation, mask: np.ndarray):
        if not f.elementwise:
            raise ValueError(f"only an element-wise activation can be masked; got {f!r}")
        self.f, self.mask = f, mask
        self.name = f"masked {f.name}"

    def fn(self, z):
        return self.f.fn(z) * self.mask

    def prime(self, z):
        return self.f.prime(z) * self.mask


sigmoid = Sigmoid()
tanh = Tanh()
relu = ReLU()
identity = Identity()
softmax = Softmax()

ACTIVATIONS = {a.name: a for a in (sigmoid, tanh, relu, identity, softmax)}


def get(activation: str | Activation) -> Activation:
    """Return the activation named ``activation`` ("sigmoid", "tanh", "relu", "identity", "softmax")."""
    if isinstance(activation, Activation):
        return activation
    try:
        return ACTIVATIONS[activation]
    except (KeyError, TypeError):
        raise ValueError(
            f"activation must be one of {sorted(ACTIVATIONS)} or an Activation; got {activation!r}"
        ) from None
