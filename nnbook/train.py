"""Mini-batch stochastic gradient descent and the record it returns.

:func:`sgd` is the training loop of chapters 1 and 3: each epoch it shuffles the training data,
cuts it into mini-batches of ``mini_batch_size`` rows, takes one gradient step per mini-batch
(:meth:`nnbook.network.Network.update_mini_batch`) and then measures whatever was asked for on the
evaluation and training data. Everything measured comes back in a :class:`History`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np


class TrainingDiverged(ArithmeticError):
    """Raised when the weights stop being finite numbers during training."""


@dataclass
class History:
    """Per-epoch measurements of one training run; entry i is measured after epoch i + 1.

    Accuracies are fractions in [0, 1]; costs include the L2 term when training used one.
    ``diverged_at`` is the (1-based) epoch after which the parameters stopped being finite,
    for runs that asked to record divergence instead of stopping.
    """

    evaluation_cost: list[float] = field(default_factory=list)
    evaluation_accuracy: list[float] = field(default_factory=list)
    training_cost: list[float] = field(default_factory=list)
    training_accuracy: list[float] = field(default_factory=list)
    diverged_at: int | None = None

    @property
    def epochs(self) -> int:
        return max(len(self.evaluation_accuracy), len(self.evaluation_cost),
                   len(self.training_accuracy), len(self.training_cost))

    @property
    def best_epoch(self) -> int:
        """The 1-based epoch of the highest evaluation accuracy (the first, on ties)."""
        if not self.evaluation_accuracy:
            raise ValueError("this run did not monitor evaluation accuracy")
        return int(np.argmax(self.evaluation_accuracy)) + 1

    @property
    def best_accuracy(self) -> float:
        """The highest evaluation accuracy over all epochs (the book's "peak")."""
        return self.evaluation_accuracy[self.best_epoch - 1]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "History":
        return cls(**d)


def _check_positive_int(name: str, value, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < (0 if allow_zero else 1):
        kind = "a non-negative" if allow_zero else "a positive"
        raise ValueError(f"{name} must be {kind} integer; got {value!r}")
    return int(value)


def _check_rate(name: str, value, allow_zero: bool) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}") from None
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}; got {value!r}")
    return v


def _split(data, name: str):
    try:
        x, y = data
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (images, labels); got {type(data).__name__}") from None
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 2 or len(y) != len(x):
        raise ValueError(
            f"{name} must hold images of shape (m, n) and m labels; got {x.shape} and {np.shape(y)}"
        )
    return x, y


def sgd(net, training_data, epochs: int, mini_batch_size: int, eta: float, lmbda: float = 0.0, *,
        evaluation_data=None, monitor_evaluation_accuracy: bool = True,
        monitor_evaluation_cost: bool = False, monitor_training_accuracy: bool = False,
        monitor_training_cost: bool = False, rng=None, shuffle: bool = True,
        allow_divergence: bool = False, callback=None) -> History:
    """Train ``net`` by mini-batch stochastic gradient descent, equations (20)-(21) of chapter 1.

    Parameters
    ----------
    net : Network
        Trained in place.
    training_data : (images, labels)
        Images of shape (n, n_in), one example per row; integer labels of shape (n,) (or real
        targets of shape (n, n_out)).
    epochs, mini_batch_size, eta : int, int, float
        As in the book: passes over the data, examples per gradient step, learning rate.
    lmbda : float
        L2 regularisation parameter (chapter 3); 0 switches it off.
    evaluation_data : (images, labels), optional
        Measured after every epoch (the book's ``test_data`` in chapter 1).
    monitor_* : bool
        What to measure after every epoch. Evaluation accuracy is on by default.
    rng : numpy Generator or seed
        Shuffles the training data each epoch. Keep it separate from the generator that
        initialised the network, so that changing one does not change the other.
    shuffle : bool
        Reshuffle every epoch (the original's ``network.py``). ``False`` keeps a fixed order.
    allow_divergence : bool
        If the parameters stop being finite, stop and record the epoch in
        ``History.diverged_at`` instead of raising :class:`TrainingDiverged`.
    callback : callable, optional
        Called as ``callback(epoch, history)`` after each epoch (for progress bars).

    Returns
    -------
    History
    """
    x, y = _split(training_data, "training_data")
    epochs = _check_positive_int("epochs", epochs, allow_zero=True)
    mini_batch_size = _check_positive_int("mini_batch_size", mini_batch_size)
    eta = _check_rate("eta", eta, allow_zero=False)
    lmbda = _check_rate("lmbda", lmbda, allow_zero=True)
    if evaluation_data is not None:
        x_eval, y_eval = _split(evaluation_data, "evaluation_data")
    elif monitor_evaluation_cost:
        raise ValueError("monitor_evaluation_cost needs evaluation_data")
    rng = np.random.default_rng(rng)
    n = x.shape[0]
    net._inputs(x[:1])  # fail early on a shape mismatch, before any work
    x = x.astype(net.dtype, copy=False)
    y = net._targets(y, n)  # one-hot once, not once per mini-batch
    labels = np.argmax(y, axis=1)

    history = History()
    # Overflow is not warned about element by element: the parameters are checked after every
    # epoch, and divergence is reported once, clearly (or recorded, if the caller asked).
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, epochs + 1):
            if shuffle:
                order = rng.permutation(n)
                xs, ys = x[order], y[order]
            else:
                xs, ys = x, y
            for k in range(0, n, mini_batch_size):
                net.update_mini_batch(xs[k:k + mini_batch_size], ys[k:k + mini_batch_size], eta, lmbda, n)
            if not all(np.isfinite(p).all() for p in net.parameters()):
                if not allow_divergence:
                    raise TrainingDiverged(
                        f"training diverged in epoch {epoch}: the weights are no longer finite "
                        f"numbers. Try a smaller learning rate than eta={eta}."
                    )
                history.diverged_at = epoch
                break
            if evaluation_data is not None and monitor_evaluation_accuracy:
                history.evaluation_accuracy.append(net.accuracy(x_eval, y_eval))
            if monitor_evaluation_cost:
                history.evaluation_cost.append(net.total_cost(x_eval, y_eval, lmbda, n))
            if monitor_training_accuracy:
                history.training_accuracy.append(net.accuracy(x, labels))
            if monitor_training_cost:
                history.training_cost.append(net.total_cost(x, y, lmbda, n))
            if callback is not None:
                callback(epoch, history)
    return history

