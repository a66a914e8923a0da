"""Activation functions: the neuron's output a = f(z) and its derivative f'(z).

Chapter 1 uses the sigmoid everywhere; chapter 2 asks what changes for linear neurons; chapter 3
adds tanh and rectified linear units. Each activation is a small object with two methods, so a
network can hold one and backpropagation can ask it for f'(z) (the sigma'(z^l) of BP1 and BP2).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
from scipy.special import expit


class Activation(ABC):
    """An activation function: ``fn(z)`` is f(z), ``prime(z)`` is f'(z), element-wise."""

    name = "activation"

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


sigmoid = Sigmoid()
tanh = Tanh()
relu = ReLU()
identity = Identity()

ACTIVATIONS = {a.name: a for a in (sigmoid, tanh, relu, identity)}


def get(activation: str | Activation) -> Activation:
    """Return the activation named ``activation`` ("sigmoid", "tanh", "relu", "identity")."""
    if isinstance(activation, Activation):
        return activation
    try:
        return ACTIVATIONS[activation]
    except (KeyError, TypeError):
        raise ValueError(
            f"activation must be one of {sorted(ACTIVATIONS)} or an Activation; got {activation!r}"
        ) from None
