"""Mini-batch stochastic gradient descent and the record it returns.

:func:`sgd` is the training loop of chapters 1 and 3: each epoch it shuffles the training data,
cuts it into mini-batches of ``mini_batch_size`` rows, takes one gradient step per mini-batch
(:meth:`nnbook.network.Network.update_mini_batch`) and then measures whatever was asked for on the
evaluation and training data. Everything measured comes back in a :class:`History`.

Chapter 3's additions are options of :func:`sgd`: L1 instead of L2 regularization, momentum
(the velocities live here, between steps), dropout (masks drawn here for each mini-batch, by
:func:`dropout_masks`), early stopping and a learning-rate schedule (:mod:`nnbook.schedules`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from nnbook import regularizers
from nnbook.checks import check_fraction, check_patience, check_positive_int, check_rate
from nnbook.schedules import EarlyStopping, HalvingSchedule


class TrainingDiverged(ArithmeticError):
    """Raised when the weights stop being finite numbers during training."""


@dataclass
class History:
    """Per-epoch measurements of one training run; entry i is measured after epoch i + 1.

    Accuracies are fractions in [0, 1]; costs include the L2 (or L1) term when training used
    one. ``eta`` is the learning rate used in each epoch (it changes only with a schedule).
    ``diverged_at`` is the (1-based) epoch after which the parameters stopped being finite,
    for runs that asked to record divergence instead of stopping; ``stopped_at`` the epoch after
    which early stopping or the learning-rate schedule ended training.
    """

    evaluation_cost: list[float] = field(default_factory=list)
    evaluation_accuracy: list[float] = field(default_factory=list)
    training_cost: list[float] = field(default_factory=list)
    training_accuracy: list[float] = field(default_factory=list)
    eta: list[float] = field(default_factory=list)
    diverged_at: int | None = None
    stopped_at: int | None = None

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


def dropout_masks(net, m: int, p: float, rng) -> list[np.ndarray]:
    """Dropout masks for a mini-batch of ``m`` examples: one array (m, n_l) per hidden layer.

    Each entry is drawn independently: 0 with probability ``p`` (the neuron is dropped for that
    example) and 1/(1 - p) otherwise, so the expected output of every hidden neuron is what it
    is without dropout ("inverted" dropout) and the trained network is used as it is. The book
    describes dropping one set of neurons for a whole mini-batch; drawing them per example, as
    Hinton et al. (2012) and the original's ``network3`` do, is the more common form.
    """
    rng = np.random.default_rng(rng)
    scale = np.dtype(net.dtype).type(1.0 / (1.0 - p))
    return [(rng.random((m, size)) >= p) * scale for size in net.sizes[1:-1]]


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
        regularization: str = "L2", mu: float = 0.0, dropout: float = 0.0,
        early_stopping: int | None = None, schedule: int | None = None,
        eta_floor: float = 1 / 128,
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
        Regularisation parameter (chapter 3); 0 switches it off.
    regularization : "L2" or "L1"
        Weight decay, w -> (1 - eta lmbda / n) w - eta dC_0/dw (equation 93), or L1,
        w -> w - (eta lmbda / n) sgn(w) - eta dC_0/dw with sgn(0) = 0 (equations 95-97); n is the
        size of the training set. Monitored costs include the same term, with the same n.
    mu : float in [0, 1)
        Momentum coefficient (equations 107-108): v -> mu v - eta dC/dp, p -> p + v for every
        weight and bias. 0 (the default) is plain gradient descent.
    dropout : float in [0, 1)
        The probability of dropping each hidden neuron, for each example of each mini-batch,
        during training only (inverted dropout: see :func:`dropout_masks`). The masks are drawn
        from ``rng``, after the epoch's shuffle, so a run is reproducible.
    early_stopping : int, optional
        Stop once this many epochs have passed without a new best evaluation accuracy
        (:class:`nnbook.schedules.EarlyStopping`); ``History.stopped_at`` records when.
    schedule, eta_floor : int, optional, and float
        Halve eta each time ``schedule`` epochs pass without a new best evaluation accuracy, and
        stop once it would fall below ``eta_floor`` times its starting value
        (:class:`nnbook.schedules.HalvingSchedule`). ``History.eta`` records each epoch's eta.
        Both rules need ``evaluation_data`` with its accuracy monitored.
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
    epochs = check_positive_int("epochs", epochs, allow_zero=True)
    mini_batch_size = check_positive_int("mini_batch_size", mini_batch_size)
    eta = check_rate("eta", eta, allow_zero=False)
    lmbda = check_rate("lmbda", lmbda, allow_zero=True)
    regularizers.get(regularization)
    mu = check_fraction("mu", mu, "mu >= 1 lets the velocity grow without bound")
    dropout = check_fraction("dropout", dropout, "the probability of dropping a hidden neuron")
    early_stopping = check_patience("early_stopping", early_stopping)
    schedule = check_patience("schedule", schedule)
    eta_floor = check_rate("eta_floor", eta_floor, allow_zero=False)
    if eta_floor > 1:
        raise ValueError(f"eta_floor must be a fraction of the starting eta, in (0, 1]; got {eta_floor!r}")
    if dropout and len(net.sizes) < 3:
        raise ValueError(f"dropout drops hidden neurons, and Network({net.sizes}) has no hidden layer")
    if evaluation_data is not None:
        x_eval, y_eval = _split(evaluation_data, "evaluation_data")
    elif monitor_evaluation_cost:
        raise ValueError("monitor_evaluation_cost needs evaluation_data")
    watch_accuracy = evaluation_data is not None and monitor_evaluation_accuracy
    for name, value in (("early_stopping", early_stopping), ("schedule", schedule)):
        if value is not None and not watch_accuracy:
            raise ValueError(f"{name}={value} watches the evaluation accuracy: it needs "
                             f"evaluation_data and monitor_evaluation_accuracy=True")
    rng = np.random.default_rng(rng)
    n = x.shape[0]
    net._inputs(x[:1])  # fail early on a shape mismatch, before any work
    x = x.astype(net.dtype, copy=False)
    y = net._targets(y, n)  # one-hot once, not once per mini-batch
    labels = np.argmax(y, axis=1)

    velocities = [np.zeros_like(p) for p in net.parameters()] if mu else None
    stopper = EarlyStopping(early_stopping) if early_stopping else None
    scheduler = HalvingSchedule(eta, schedule, eta_floor) if schedule else None
    history = History()
    # Overflow is not warned about element by element: the parameters are checked after every
    # epoch, and divergence is reported once, clearly (or recorded, if the caller asked).
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, epochs + 1):
            history.eta.append(eta)
            if shuffle:
                order = rng.permutation(n)
                xs, ys = x[order], y[order]
            else:
                xs, ys = x, y
            for k in range(0, n, mini_batch_size):
                xb, yb = xs[k:k + mini_batch_size], ys[k:k + mini_batch_size]
                masks = dropout_masks(net, len(xb), dropout, rng) if dropout else None
                net.update_mini_batch(xb, yb, eta, lmbda, n, regularization=regularization,
                                      mu=mu, velocities=velocities, masks=masks)
            if not all(np.isfinite(p).all() for p in net.parameters()):
                if not allow_divergence:
                    raise TrainingDiverged(
                        f"training diverged in epoch {epoch}: the weights are no longer finite "
                        f"numbers. Try a smaller learning rate than eta={eta}."
                    )
                history.diverged_at = epoch
                break
            if watch_accuracy:
                history.evaluation_accuracy.append(net.accuracy(x_eval, y_eval))
            if monitor_evaluation_cost:
                history.evaluation_cost.append(net.total_cost(x_eval, y_eval, lmbda, n, regularization))
            if monitor_training_accuracy:
                history.training_accuracy.append(net.accuracy(x, labels))
            if monitor_training_cost:
                history.training_cost.append(net.total_cost(x, y, lmbda, n, regularization))
            if stopper is not None and stopper.should_stop(history.evaluation_accuracy[-1]):
                history.stopped_at = epoch
            if scheduler is not None:
                next_eta = scheduler.next_eta(history.evaluation_accuracy[-1])
                if next_eta is None:
                    history.stopped_at = epoch
                else:
                    eta = next_eta
            if callback is not None:
                callback(epoch, history)
            if history.stopped_at is not None:
                break
    return history

