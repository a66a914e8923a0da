"""Mini-batch stochastic gradient descent, for every network of the book, and the record it returns.

:func:`sgd` is the one training loop: each epoch it shuffles the training data, cuts it into
mini-batches of ``mini_batch_size`` examples, takes one gradient step per mini-batch and then
measures whatever was asked for. Everything measured comes back in a :class:`History`.

It trains the fully connected :class:`nnbook.network.Network` of chapters 1-5 and the
convolutional :class:`nnbook.convnet.Network` of chapter 6 alike. What it asks of a network
``net`` is small:

* ``net.parameters()``: the weights and biases, ``[w, b, w, b, ...]``, updated in place;
* ``net.gradient(x, y, masks)``: dC/dp of the mean cost over the mini-batch, one array per
  parameter, in the order of ``parameters()`` (the regularization term is added here);
* ``net.check_examples(x, y, name)``: examples as the network takes them (rows of its dtype,
  integer labels checked), ``net.uses_dropout(p)`` and ``net.dropout_masks(m, p, rng)``;
* ``net.accuracy(x, labels)`` and ``net.total_cost(x, y, lmbda, n, regularization)`` for the
  measurements.

The step itself, p -> p - eta dC/dp with chapter 3's variations, is :func:`gradient_step`. A
network may also offer ``net.update_mini_batch(x, y, eta, lmbda, n, masks)``, the same L2 step
fused into its backward pass for speed (both of the book's networks do); :func:`sgd` uses it
when the run asks for nothing else (no momentum, no L1), and the tests check it against
:func:`update_mini_batch` step for step.

Chapter 3's additions are options of :func:`sgd`: L1 instead of L2 regularization, momentum
(the velocities live here, between steps), dropout (masks drawn for each mini-batch), early
stopping and a learning-rate schedule (:mod:`nnbook.schedules`). Chapter 6 adds test data
measured after every epoch and the number it reports, :attr:`History.test_accuracy_at_best`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from nnbook import regularizers
from nnbook.checks import (check_fraction, check_patience, check_positive_int, check_rate,
                           check_weight_decay, largest_stable_lmbda, weight_decay_factor)
from nnbook.schedules import EarlyStopping, HalvingSchedule


class TrainingDiverged(ArithmeticError):
    """Raised when the weights stop being finite numbers during training.

    ``where`` says when ("epoch 3", "step 12"); ``cause`` names the hyper-parameter to blame,
    ``"eta"`` or ``"lmbda"``, and ``reason`` says why (:func:`divergence_cause`).
    """

    def __init__(self, message: str, where: str = "", cause: str = "eta", reason: str = ""):
        super().__init__(message)
        self.where, self.cause, self.reason = where, cause, reason


@dataclass(frozen=True)
class Divergence:
    """Why a run diverged: the hyper-parameter to blame (``"eta"`` or ``"lmbda"``) and a sentence."""

    cause: str
    reason: str


def divergence_cause(eta: float, lmbda: float = 0.0, n: int | None = None,
                     regularization: str = "L2", mu: float = 0.0) -> Divergence:
    """Which hyper-parameter made the weights stop being finite, and why.

    L2 weight decay multiplies every weight by 1 - eta lmbda / n at each step (equation 93 of
    chapter 3; with momentum mu the bound is eta lmbda / n = 2 (1 + mu)). Beyond the bound of
    :func:`nnbook.checks.largest_stable_lmbda` the decay alone makes the weights grow without
    limit, whatever the gradient does: the cause is lmbda, and a smaller learning rate would only
    hide it. Otherwise the steps themselves were too large: the cause is eta. Without ``n`` the
    two cannot be told apart, and both are named.
    """
    if lmbda and n is not None and regularization == "L2" and lmbda > largest_stable_lmbda(eta, n, mu):
        return Divergence("lmbda", (
            f"lmbda={lmbda} is too large for eta={eta} and n={n} training examples: the weight "
            f"decay factor 1 - eta lmbda / n is {weight_decay_factor(eta, lmbda, n):.3g}, so "
            f"every step multiplies each weight by a number larger than 1 in size. Choose lmbda "
            f"below {largest_stable_lmbda(eta, n, mu):.3g} (or a smaller eta)."))
    if lmbda and n is None:
        return Divergence("eta", f"Try a smaller learning rate than eta={eta} or a smaller lmbda "
                                 f"than {lmbda}.")
    return Divergence("eta", f"Try a smaller learning rate than eta={eta}.")


def check_divergence(net, where: str, eta: float, lmbda: float = 0.0,
                     allow: bool = False, *, n: int | None = None, mu: float = 0.0,
                     regularization: str = "L2") -> bool:
    """The divergence check of every training loop: are ``net``'s parameters still finite?

    Returns False while they are. Once they are not, raises :class:`TrainingDiverged` naming
    ``where`` ("epoch 3", "step 12") and the cause (:func:`divergence_cause`; pass the training
    set's size ``n`` so that lmbda can be told from eta), or returns True if the caller
    ``allow``\\ s divergence and records it itself (chapter 1 shows a learning rate that fails on
    purpose).
    """
    if all(np.isfinite(p).all() for p in net.parameters()):
        return False
    if allow:
        return True
    why = divergence_cause(eta, lmbda, n, regularization, mu)
    raise TrainingDiverged(f"training diverged in {where}: the weights are no longer finite "
                           f"numbers. {why.reason}", where, why.cause, why.reason)


@dataclass
class History:
    """Per-epoch measurements of one training run; entry i is measured after epoch i + 1.

    Accuracies are fractions in [0, 1]; costs include the L2 (or L1) term when training used
    one. ``evaluation_*`` are measured on ``evaluation_data`` (validation data, or chapter 1's
    test data), ``test_accuracy`` on ``test_data`` (chapter 6 measures both). ``eta`` is the
    learning rate used in each epoch (it changes only with a schedule). ``diverged_at`` is the
    (1-based) epoch after which the parameters stopped being finite, for runs that asked to
    record divergence instead of stopping, ``diverged_cause`` the hyper-parameter to blame
    (``"eta"`` or ``"lmbda"``) and ``diverged_reason`` why (:func:`divergence_cause`);
    ``stopped_at`` the epoch after which early stopping or the learning-rate schedule ended
    training.
    """

    evaluation_cost: list[float] = field(default_factory=list)
    evaluation_accuracy: list[float] = field(default_factory=list)
    training_cost: list[float] = field(default_factory=list)
    training_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    eta: list[float] = field(default_factory=list)
    diverged_at: int | None = None
    diverged_cause: str | None = None
    diverged_reason: str | None = None
    stopped_at: int | None = None

    @property
    def epochs(self) -> int:
        return max(len(self.evaluation_accuracy), len(self.evaluation_cost),
                   len(self.training_accuracy), len(self.training_cost), len(self.test_accuracy))

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

    @property
    def test_accuracy_at_best(self) -> float:
        """Chapter 6's number: the test accuracy after the epoch of best evaluation (validation)
        accuracy, where, as in the original's ``network3``, a later epoch that *equals* the
        best so far takes its place."""
        if not self.test_accuracy:
            raise ValueError("this run had no test_data")
        v = np.asarray(self.evaluation_accuracy)
        if v.size == 0:
            raise ValueError("this run did not monitor evaluation accuracy")
        return self.test_accuracy[int(np.flatnonzero(v == v.max())[-1])]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "History":
        """The History that :meth:`to_dict` wrote as ``d``, checked: a ValueError for anything
        that is not one (unknown keys, accuracies outside [0, 1], a cost that is negative or NaN,
        an epoch that is not a positive integer, a divergence without its cause)."""
        if not isinstance(d, dict):
            raise ValueError(f"a History must be a JSON object; got {type(d).__name__}")
        known = {f.name for f in fields(cls)}
        if unknown := sorted(set(d) - known):
            raise ValueError(f"a History has no fields {unknown}")
        for name in ("evaluation_accuracy", "training_accuracy", "test_accuracy",
                     "evaluation_cost", "training_cost", "eta"):
            values = d.get(name, [])
            if not isinstance(values, list) or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in values):
                raise ValueError(f"History.{name} must be a list of numbers >= 0; got {values!r:.80}")
            if name.endswith("accuracy") and any(v > 1 for v in values):
                raise ValueError(f"History.{name} must hold fractions in [0, 1]; got {values!r:.80}")
            if (name.endswith("accuracy") or name == "eta") and not all(map(math.isfinite, values)):
                raise ValueError(f"History.{name} must hold finite numbers; got {values!r:.80}")
        for name in ("diverged_at", "stopped_at"):
            v = d.get(name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
                raise ValueError(f"History.{name} must be None or an epoch (an integer >= 1); got {v!r}")
        diverged = d.get("diverged_at") is not None
        for name in ("diverged_cause", "diverged_reason"):
            v = d.get(name)
            if v is not None and not isinstance(v, str):
                raise ValueError(f"History.{name} must be None or a string; got {v!r}")
        if d.get("diverged_cause") is not None and not diverged:
            raise ValueError("History.diverged_cause is set but diverged_at is not")
        return cls(**d)


# ---- the step ------------------------------------------------------------------------------------


def gradient_step(net, grads, eta: float, lmbda: float = 0.0, n: int | None = None,
                  regularizer=regularizers.L2, mu: float = 0.0, velocities=None) -> None:
    """One step of gradient descent, given ``grads`` = dC_0/dp in the order of ``net.parameters()``.

    Every weight w and bias b (equations 20 and 21 of chapter 1, with chapter 3's weight decay):

        w -> (1 - eta lmbda / n) w - eta dC_0/dw,   b -> b - eta dC_0/db

    where the mean over the mini-batch is already in dC_0/dp (the book's (eta/m) sum_x) and n is
    the size of the training set. ``regularizer=regularizers.L1`` instead takes
    w -> w - (eta lmbda / n) sgn(w) - eta dC_0/dw (equation 97). With ``velocities`` (one array
    per parameter, zeros to start with, updated in place) the step is momentum's, equations
    (107)-(108), with the regularizer's term added to the weights' gradient:

        v -> mu v - eta dC/dp,   p -> p + v.
    """
    params = net.parameters()
    if velocities is not None:
        for i, (p, v, g) in enumerate(zip(params, velocities, grads)):
            if lmbda and i % 2 == 0:  # a weight: dC/dw = dC_0/dw + the regularizer's term
                g = g + regularizer.prime(p, lmbda, n)
            v *= mu
            v -= eta * g  # (107)
            p += v  # (108)
        return
    for w, b, nw, nb in zip(params[0::2], params[1::2], grads[0::2], grads[1::2]):
        if lmbda:
            regularizer.shrink(w, eta, lmbda, n)  # weight decay (93), or L1's step (97)
        w -= eta * nw
        b -= eta * nb


def update_mini_batch(net, x, y, eta: float, lmbda: float = 0.0, n: int | None = None, *,
                      regularization: str = "L2", mu: float = 0.0, velocities=None,
                      masks=None) -> None:
    """One step of gradient descent on the mini-batch ``(x, y)``: backpropagation's gradient,
    ``net.gradient(x, y, masks)``, then :func:`gradient_step`.

    The readable form of what :func:`sgd` does for each mini-batch. ``mu`` needs ``velocities``
    (arrays shaped like ``net.parameters()``, zeros to start with); ``masks`` are dropout's.
    """
    regularizer = regularizers.get(regularization)
    mu = check_fraction("mu", mu, "mu >= 1 lets the velocity grow without bound")
    params = net.parameters()
    if mu and (velocities is None or len(velocities) != len(params)):
        raise ValueError(f"momentum needs velocities: {len(params)} arrays shaped like "
                         f"net.parameters(), zeros to start with; got {velocities!r:.60}")
    grads = net.gradient(x, y, masks)
    gradient_step(net, grads, eta, lmbda, n, regularizer, mu, velocities)


# ---- the data --------------------------------------------------------------------------------------


def _pair(data, name: str):
    try:
        x, y = data
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a Dataset or a pair (images, labels); got "
                         f"{type(data).__name__}") from None
    return x, y


class _Rows:
    """Examples in memory as a source of mini-batches, like a stream (``len`` and
    ``mini_batches``): a mini-batch is gathered from the rows of ``order``, ``chunk`` rows at a
    time into one buffer, so no shuffled copy of the data is made."""

    chunk = 200
    """Rows gathered at a time: 200 images of 784 float32 values (630 kB) stay in a core's
    cache until their mini-batches are used (an epoch of [784, 30, 10] took about 7 % less time
    than with blocks of 1,000 rows)."""

    def __init__(self, x: np.ndarray, y: np.ndarray):
        self.x, self.y = x, y

    def __len__(self) -> int:
        return len(self.x)

    def mini_batches(self, order: np.ndarray, mini_batch_size: int):
        per_chunk = max(1, self.chunk // mini_batch_size) * mini_batch_size
        buffer = np.empty((min(per_chunk, len(order)),) + self.x.shape[1:], self.x.dtype)
        for start in range(0, len(order), per_chunk):
            rows = order[start:start + per_chunk]
            block = buffer[:len(rows)]
            np.take(self.x, rows, axis=0, out=block)
            y = self.y[rows]
            for k in range(0, len(rows), mini_batch_size):
                yield block[k:k + mini_batch_size], y[k:k + mini_batch_size]


def _training_source(net, training_data):
    if hasattr(training_data, "mini_batches") and hasattr(training_data, "__len__"):
        # A stream, e.g. nnbook.expand.ShiftedStream: the examples it is made from are checked.
        if hasattr(training_data, "images") and hasattr(training_data, "labels"):
            net.check_examples(training_data.images, training_data.labels, "training_data")
        return training_data
    x, y = _pair(training_data, "training_data")
    return _Rows(*net.check_examples(x, y, "training_data"))


# ---- the loop ------------------------------------------------------------------------------------


def sgd(net, training_data, epochs: int, mini_batch_size: int, eta: float, lmbda: float = 0.0, *,
        regularization: str = "L2", mu: float = 0.0, dropout: float = 0.0,
        early_stopping: int | None = None, schedule: int | None = None,
        eta_floor: float = 1 / 128,
        evaluation_data=None, test_data=None, monitor_evaluation_accuracy: bool = True,
        monitor_evaluation_cost: bool = False, monitor_training_accuracy: bool = False,
        monitor_training_cost: bool = False, rng=None, shuffle: bool = True,
        allow_divergence: bool = False, callback=None) -> History:
    """Train ``net`` by mini-batch stochastic gradient descent, equations (20)-(21) of chapter 1.

    Parameters
    ----------
    net : nnbook.network.Network or nnbook.convnet.Network
        Trained in place.
    training_data : Dataset, (images, labels), or a stream
        Images as rows (n, n_in) (or (n, 1, 28, 28) for a convolutional network); integer labels
        of shape (n,) (or, for the fully connected network, real targets of shape (n, n_out)).
        Or an object with ``len()`` and ``mini_batches(order, mini_batch_size)`` yielding
        (images, labels), such as :class:`nnbook.expand.ShiftedStream`.
    epochs, mini_batch_size, eta : int, int, float
        As in the book: passes over the data, examples per gradient step, learning rate. A last
        mini-batch shorter than ``mini_batch_size`` is used too.
    lmbda : float
        Regularisation parameter (chapter 3); 0 switches it off.
    regularization : "L2" or "L1"
        Weight decay, w -> (1 - eta lmbda / n) w - eta dC_0/dw (equation 93), or L1,
        w -> w - (eta lmbda / n) sgn(w) - eta dC_0/dw with sgn(0) = 0 (equations 95-97); n is the
        size of the training set. Monitored costs include the same term, with the same n.
        (Chapter 6's original code decays by eta lmbda m / n per step: its lmbda is
        :func:`nnbook.convnet.network3_lmbda` here.)
    mu : float in [0, 1)
        Momentum coefficient (equations 107-108): v -> mu v - eta dC/dp, p -> p + v for every
        weight and bias. 0 (the default) is plain gradient descent.
    dropout : float in [0, 1)
        The fully connected network's dropout: the probability of dropping each hidden neuron,
        for each example of each mini-batch, during training only (inverted dropout: see
        :meth:`nnbook.network.Network.dropout_masks`). A convolutional network's layers carry
        their own ``p_dropout`` instead. Masks are drawn from a generator spawned from ``rng``,
        so adding dropout does not change the order of the data.
    early_stopping : int, optional
        Stop once this many epochs have passed without a new best evaluation accuracy
        (:class:`nnbook.schedules.EarlyStopping`); ``History.stopped_at`` records when.
    schedule, eta_floor : int, optional, and float
        Halve eta each time ``schedule`` epochs pass without a new best evaluation accuracy, and
        stop once it would fall below ``eta_floor`` times its starting value
        (:class:`nnbook.schedules.HalvingSchedule`). ``History.eta`` records each epoch's eta.
        Both rules need ``evaluation_data`` with its accuracy monitored.
    evaluation_data, test_data : Dataset or (images, labels), optional
        Measured after every epoch: evaluation data as the ``monitor_*`` flags say (the book's
        validation data, or ``test_data`` in chapter 1), test data's accuracy always.
    monitor_* : bool
        What to measure after every epoch. Evaluation accuracy is on by default.
    rng : numpy Generator or seed
        Orders the mini-batches each epoch (and, through a generator spawned from it, draws
        dropout's masks). Keep it separate from the generator that initialised the network, so
        that changing one does not change the other.
    shuffle : bool
        True: a new random order every epoch (the original's ``network.py``). False: one order
        kept for every epoch, the data's own (or, for a stream, one random order drawn once, as
        the original shuffled its expanded file once).
    allow_divergence : bool
        If the parameters stop being finite, stop and record the epoch in
        ``History.diverged_at`` (and its cause in ``diverged_cause`` and ``diverged_reason``)
        instead of raising :class:`TrainingDiverged`. Without it, an L2 ``lmbda`` whose weight
        decay alone would make the weights grow (:func:`nnbook.checks.check_weight_decay`) is
        refused before training starts.
    callback : callable, optional
        Called as ``callback(epoch, history)`` after each epoch (for progress bars).

    Raises
    ------
    ValueError
        For any argument out of its range, named and echoed: data that are not floating point
        (0-255 bytes with a hint to scale them), empty, not finite, or with labels that name no
        output neuron (training, evaluation and test data alike, checked once per call by the
        network's ``check_examples``); hyper-parameters that are not real numbers (bools and
        strings are refused); an L2 lmbda that diverges with this eta and n.
    TrainingDiverged
        If the parameters stop being finite and ``allow_divergence`` is false; its message,
        ``cause`` and ``reason`` name the hyper-parameter to blame.

    Returns
    -------
    History
    """
    epochs = check_positive_int("epochs", epochs, allow_zero=True)
    mini_batch_size = check_positive_int("mini_batch_size", mini_batch_size)
    eta = check_rate("eta", eta, allow_zero=False)
    lmbda = check_rate("lmbda", lmbda, allow_zero=True)
    regularizer = regularizers.get(regularization)
    mu = check_fraction("mu", mu, "mu >= 1 lets the velocity grow without bound")
    dropout = check_fraction("dropout", dropout, "the probability of dropping a hidden neuron")
    early_stopping = check_patience("early_stopping", early_stopping)
    schedule = check_patience("schedule", schedule)
    eta_floor = check_rate("eta_floor", eta_floor, allow_zero=False)
    if eta_floor > 1:
        raise ValueError(f"eta_floor must be a fraction of the starting eta, in (0, 1]; got {eta_floor!r}")
    if not isinstance(shuffle, (bool, np.bool_)):
        raise ValueError(f"shuffle must be True or False; got {shuffle!r}")
    uses_dropout = net.uses_dropout(dropout)
    source = _training_source(net, training_data)
    n = len(source)
    if n == 0:
        raise ValueError("training_data must hold at least one example")
    if not allow_divergence and regularizer is regularizers.L2:
        check_weight_decay(eta, lmbda, n, mu)  # a divergence certain before the first step
    evaluation = test = None
    if evaluation_data is not None:
        evaluation = net.check_examples(*_pair(evaluation_data, "evaluation_data"), "evaluation_data")
    elif monitor_evaluation_cost:
        raise ValueError("monitor_evaluation_cost needs evaluation_data")
    if test_data is not None:
        test = net.check_examples(*_pair(test_data, "test_data"), "test_data")
    watch_accuracy = evaluation is not None and monitor_evaluation_accuracy
    for name, value in (("early_stopping", early_stopping), ("schedule", schedule)):
        if value is not None and not watch_accuracy:
            raise ValueError(f"{name}={value} watches the evaluation accuracy: it needs "
                             f"evaluation_data and monitor_evaluation_accuracy=True")
    if monitor_training_accuracy or monitor_training_cost:
        if not isinstance(source, _Rows):
            raise ValueError("monitor_training_* needs the training data in memory, not a stream")
        x, y = source.x, source.y
        labels = y if y.ndim == 1 else np.argmax(y, axis=1)  # real targets: their largest entry

    order_rng = np.random.default_rng(rng)
    dropout_rng = order_rng.spawn(1)[0] if uses_dropout else None
    fixed = None if shuffle else (np.arange(n) if isinstance(source, _Rows) else order_rng.permutation(n))
    cast = not isinstance(source, _Rows)  # a stream's images may be float32: cast each mini-batch
    velocities = [np.zeros_like(p) for p in net.parameters()] if mu else None
    # The fused step of a network that has one, when the run asks for nothing it lacks.
    fused = getattr(net, "update_mini_batch", None)
    if mu or (lmbda and regularizer is not regularizers.L2):
        fused = None
    stopper = EarlyStopping(early_stopping) if early_stopping else None
    scheduler = HalvingSchedule(eta, schedule, eta_floor) if schedule else None
    history = History()
    # Overflow is not warned about element by element: the parameters are checked after every
    # epoch, and divergence is reported once, clearly (or recorded, if the caller asked).
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(1, epochs + 1):
            history.eta.append(eta)
            order = fixed if fixed is not None else order_rng.permutation(n)
            for xb, yb in source.mini_batches(order, mini_batch_size):
                if cast:
                    xb = xb.astype(net.dtype, copy=False)
                masks = net.dropout_masks(len(xb), dropout, dropout_rng) if uses_dropout else None
                if fused is not None:
                    fused(xb, yb, eta, lmbda, n, masks)
                else:
                    grads = net.gradient(xb, yb, masks)
                    gradient_step(net, grads, eta, lmbda, n, regularizer, mu, velocities)
            diverged = check_divergence(net, f"epoch {epoch}", eta, lmbda, allow_divergence, n=n,
                                        mu=mu, regularization=regularization)
            try:
                if not diverged:
                    if watch_accuracy:
                        history.evaluation_accuracy.append(net.accuracy(*evaluation))
                    if monitor_evaluation_cost:
                        history.evaluation_cost.append(
                            net.total_cost(evaluation[0], evaluation[1], lmbda, n, regularization))
                    if test is not None:
                        history.test_accuracy.append(net.accuracy(*test))
                    if monitor_training_accuracy:
                        history.training_accuracy.append(net.accuracy(x, labels))
                    if monitor_training_cost:
                        history.training_cost.append(net.total_cost(x, y, lmbda, n, regularization))
            except FloatingPointError:  # finite weights so large that the outputs are NaN
                if not allow_divergence:
                    why = divergence_cause(eta, lmbda, n, regularization, mu)
                    raise TrainingDiverged(f"training diverged in epoch {epoch}: the network's "
                                           f"outputs are no longer numbers. {why.reason}",
                                           f"epoch {epoch}", why.cause, why.reason) from None
                diverged = True
            if diverged:  # recorded; nothing measured in this epoch is kept
                for measured in (history.evaluation_accuracy, history.evaluation_cost,
                                 history.test_accuracy, history.training_accuracy,
                                 history.training_cost):
                    del measured[epoch - 1:]
                why = divergence_cause(eta, lmbda, n, regularization, mu)
                history.diverged_at, history.diverged_cause, history.diverged_reason = (
                    epoch, why.cause, why.reason)
                break
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
