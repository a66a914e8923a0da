"""How one repeat of an experiment is computed: a registry of run kinds.

Every experiment of :mod:`nnbook.runs.catalogue` has a kind (``"sgd"``, ``"svm_sweep"``,
``"layer_speed"``, ...). :data:`KINDS` maps each kind to one short function, registered below
with the :func:`kind` decorator, to the type of value it returns (:mod:`nnbook.runs.outcomes`),
to its step count (for progress) and to an estimate of its time. :func:`compute` runs one
repeat: it derives the repeat's two seeds, loads the data the settings name and calls the kind.

This module and what it imports decide what a run computes, so its source is part of every
run's cache key (:data:`nnbook.runs.cache.TRAINING_MODULES`); the bookkeeping around it
(:mod:`nnbook.runs.experiments`, :mod:`nnbook.runs.precompute`) is not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnbook import convnet
from nnbook.expand import ShiftedStream
from nnbook.network import Network
from nnbook.runs import outcomes
from nnbook.runs.catalogue import Experiment
from nnbook.studies import baselines, speed
from nnbook.train import History, divergence_cause, sgd

_SGD_OPTIONS = ("lmbda", "regularization", "mu", "dropout", "early_stopping", "schedule", "eta_floor")


def _network(s: dict, rng, dtype=np.float32) -> Network:
    neurons = {k: s[k] for k in ("activation", "output_activation") if k in s}
    return Network(s["sizes"], cost=s["cost"], init=s["init"], rng=rng, dtype=dtype, **neurons)


def load_data(s: dict):
    """The training and evaluation sets an experiment's settings name (None where it names none)."""
    if "evaluation" not in s and "n_train" not in s:
        return None, None  # experiments that need no data (timings)
    from nnbook.data import load_mnist

    mnist = load_mnist()
    training = mnist.training[: s.get("n_train")]
    evaluation = getattr(mnist, s["evaluation"])[: s.get("n_evaluation")] if "evaluation" in s else None
    return training, evaluation


def _diverged(history: History) -> outcomes.Diverged | None:
    """The outcome of a run whose weights stopped being finite, or None if they did not."""
    if history.diverged_at is None:
        return None
    return outcomes.Diverged(history.diverged_at, history.diverged_cause, history.diverged_reason)


def _train(s: dict, training, evaluation, init_rng, shuffle_rng, callback=None):
    """Train one network as the settings say; return (outcome, history, network).

    A run that diverges is recorded (``allow_divergence``), and its outcome is a
    :class:`~nnbook.runs.outcomes.Diverged`: a network of NaNs is never measured, since the
    argmax of NaN outputs is 0 and its "accuracy" would be the share of zeros in the data."""
    net = _network(s, init_rng)
    monitor = s.get("monitor", ["evaluation_accuracy"])
    history = sgd(net, training, s["epochs"], s["mini_batch_size"], s["eta"],
                  evaluation_data=evaluation,
                  **{f"monitor_{m}": m in monitor for m in
                     ("evaluation_accuracy", "evaluation_cost", "training_accuracy", "training_cost")},
                  **{k: s[k] for k in _SGD_OPTIONS if k in s},
                  rng=shuffle_rng, allow_divergence=True, callback=callback)
    acc = history.evaluation_accuracy
    if (diverged := _diverged(history)) is not None:
        outcome = diverged
    elif acc:
        outcome = outcomes.Training(max(acc), history.best_epoch, acc[-1])
    else:  # not monitored per epoch: measure once, at the end
        try:
            with np.errstate(invalid="ignore"):  # NaN outputs are caught just below
                final = net.accuracy(*evaluation)
            outcome = outcomes.Training(final, None, final)
        except FloatingPointError:  # weights still finite, but the outputs are NaN
            why = divergence_cause(s["eta"], s.get("lmbda", 0.0), len(training),
                                   s.get("regularization", "L2"), s.get("mu", 0.0))
            history.diverged_at, history.diverged_cause, history.diverged_reason = (
                len(history.eta), why.cause, why.reason)
            outcome = _diverged(history)
    return outcome, history, net


# ---- kinds of experiment ----------------------------------------------------------------------
#
# An experiment's kind says how one repeat is computed. Each kind is one function below, registered
# with @kind together with the type of outcome it returns and how many progress steps it reports.


@dataclass(frozen=True)
class Seeds:
    """The two independent seeds of one repeat: one for initialisation, one for shuffling."""

    init: np.random.SeedSequence
    shuffle: np.random.SeedSequence


@dataclass(frozen=True)
class Computed:
    """What a kind's function returns: the outcome, and the history and network if it trained one."""

    outcome: outcomes.Outcome
    history: History | None = None
    network: Network | convnet.Network | None = None


@dataclass(frozen=True)
class Kind:
    """A kind of experiment: how to compute one repeat, and what it returns.

    ``compute(settings, seeds, data, callback)`` returns a :class:`Computed` whose outcome is an
    ``outcome``; ``data`` is the (training, evaluation) pair of the settings (``None`` where they
    name none) and ``callback(step, history)`` is called after each of ``steps(settings)``
    steps. How long a repeat takes is precompute's business (its ``ESTIMATES``), kept out of
    this module so that a better estimate never changes a run's cache key.
    """

    name: str
    compute: Callable
    outcome: type[outcomes.Outcome]
    steps: Callable[[dict], int | None]


KINDS: dict[str, Kind] = {}


def kind(name: str, outcome: type[outcomes.Outcome], *,
         steps: Callable[[dict], int | None] = lambda s: None):
    """Register the decorated function as the way to compute experiments of kind ``name``."""
    def register(compute):
        KINDS[name] = Kind(name, compute, outcome, steps)
        return compute
    return register


def kind_of(exp: Experiment) -> Kind:
    """The registered kind of ``exp``; a ``ValueError`` if there is none."""
    try:
        return KINDS[exp.kind]
    except KeyError:
        raise ValueError(f"experiment {exp.name} has an unknown kind {exp.kind!r}; "
                         f"known: {', '.join(sorted(KINDS))}") from None


@kind("sgd", outcomes.Training, steps=lambda s: s["epochs"])
def _sgd(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """Train one network by :func:`nnbook.train.sgd`; its peak, best and last epoch."""
    training, evaluation = data
    outcome, history, net = _train(s, training, evaluation, np.random.default_rng(seeds.init),
                                   np.random.default_rng(seeds.shuffle), callback)
    return Computed(outcome, history, net)


@kind("convnet", outcomes.ConvTraining, steps=lambda s: s["epochs"])
def _convnet(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """Train one of chapter 6's networks (:func:`nnbook.convnet.architecture`) as the original did.

    Validation and test accuracy are measured after every epoch; the outcome is the test accuracy
    at the epoch of best validation accuracy. ``lmbda`` is in the original's units (its L2 term
    per mini-batch), converted by :func:`nnbook.convnet.network3_lmbda`; ``expanded`` trains on
    the training images and their four one-pixel shifts (:class:`nnbook.expand.ShiftedStream`).
    A run whose parameters stop being finite is a :class:`~nnbook.runs.outcomes.Diverged`, never
    stored with an accuracy.
    """
    from nnbook.data import load_mnist

    training, validation = data
    test = load_mnist().test[: s.get("n_evaluation")]
    net = convnet.architecture(s["architecture"], rng=np.random.default_rng(seeds.init),
                               init=s["init"], dropout=s["dropout_scaling"])
    history = sgd(net, ShiftedStream(training) if s["expanded"] else training, s["epochs"],
                  s["mini_batch_size"], s["eta"],
                  convnet.network3_lmbda(s["lmbda"], s["mini_batch_size"]),
                  evaluation_data=validation, test_data=test,
                  rng=np.random.default_rng(seeds.shuffle), allow_divergence=True, callback=callback)
    if (diverged := _diverged(history)) is not None:
        return Computed(diverged, history, net)
    v = np.asarray(history.evaluation_accuracy)
    best = int(np.flatnonzero(v == v.max())[-1])  # the epoch test_accuracy_at_best reads
    outcome = outcomes.ConvTraining(history.test_accuracy_at_best, float(v[best]), best + 1)
    return Computed(outcome, history, net)


@kind("sgd_sweep", outcomes.SizeSweep, steps=lambda s: len(s["n_trains"]))
def _sgd_sweep(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """One network per training-set size, each seeing the same number of examples.

    A network trained on n images runs ``examples // n`` epochs with ``lmbda = lmbda_per_image * n``
    (the same weight decay per step at every size); accuracy is measured once, at the end. A size
    whose network diverges is a row with ``diverged_at`` and no accuracy.
    """
    training, evaluation = data
    init_rng, shuffle_rng = np.random.default_rng(seeds.init), np.random.default_rng(seeds.shuffle)
    rows = []
    for n in s["n_trains"]:
        settings = dict(s, epochs=max(1, s["examples"] // n), lmbda=s["lmbda_per_image"] * n,
                        monitor=[])
        trained, _, _ = _train(settings, training[:n], evaluation, init_rng, shuffle_rng)
        if isinstance(trained, outcomes.Diverged):
            rows.append(outcomes.SweepRow(n, None, settings["epochs"], settings["lmbda"],
                                          diverged_at=trained.epoch))
        else:
            rows.append(outcomes.SweepRow(n, trained.accuracy, settings["epochs"], settings["lmbda"]))
        if callback is not None:
            callback(len(rows), None)
    return Computed(outcomes.SizeSweep(rows))


@kind("svm_sweep", outcomes.SizeSweep)
def _svm_sweep(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """An SVM per training-set size (the first n training images)."""
    training, evaluation = data
    return Computed(outcomes.SizeSweep(
        [outcomes.SweepRow(n, baselines.svm(training[:n], evaluation, C=s["C"], gamma=s["gamma"]))
         for n in s["n_trains"]]))


@kind("layer_speed", outcomes.LayerSpeeds)
def _layer_speed(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """Chapter 5's speed of learning of each hidden layer, at initialisation and while learning.

    Measured on the training images of the settings, in float64: at initialisation, for the first
    ``neurons`` neurons of each layer, then before each of ``steps`` full-batch gradient steps.
    """
    from nnbook.studies import gradients

    x, y = data[0]
    net = _network(s, np.random.default_rng(seeds.init), dtype=np.float64)
    initial = gradients.layer_speeds(net, x, y)
    neurons = [g.tolist() for g in gradients.neuron_gradients(net, x, y, k=s["neurons"])]
    during = gradients.training_speeds(net, x, y, s["steps"], s["eta"], s["lmbda"])
    return Computed(outcomes.LayerSpeeds([float(v) for v in initial], neurons,
                                         np.asarray(during).tolist()))


@kind("random", outcomes.Baseline)
def _random(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """Guessing a digit uniformly at random for each evaluation image."""
    return Computed(outcomes.Baseline(baselines.random_guessing(data[1].labels, seeds.init)))


@kind("darkness", outcomes.Baseline)
def _darkness(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """Chapter 1's average-darkness classifier."""
    return Computed(outcomes.Baseline(baselines.average_darkness(*data)))


@kind("svm", outcomes.Baseline)
def _svm(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """A support vector machine (scikit-learn's SVC) with the settings' ``C`` and ``gamma``."""
    return Computed(outcomes.Baseline(baselines.svm(*data, C=s["C"], gamma=s["gamma"])))


@kind("speed_gradient", outcomes.GradientCost)
def _speed_gradient(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """Time one gradient by backprop and by finite differences; fit how each grows with size."""
    rows = speed.gradient_cost(s["sizes_list"], m=s["mini_batch_size"], rng=seeds.init)
    params = [r["parameters"] for r in rows]

    def slope(column):
        return speed.fit_power_law(params, [r[column] for r in rows])[0]

    return Computed(outcomes.GradientCost(rows, slope("backprop_seconds"),
                                          slope("finite_difference_seconds")))


@kind("speed_minibatch", outcomes.MinibatchSpeedup)
def _speed_minibatch(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """Time a mini-batch gradient in matrix form and as a loop over its examples."""
    rows = speed.minibatch_speedup(s["sizes"], s["batch_sizes"], rng=seeds.init)
    at_10 = [r["speedup"] for r in rows if r["mini_batch_size"] == 10]
    return Computed(outcomes.MinibatchSpeedup(rows, at_10[0] if at_10 else None))


def compute(exp: Experiment, s: dict, repeat: int, callback=None) -> Computed:
    """Run one repeat of ``exp`` with settings ``s`` by the function of its kind.

    The repeat's seeds are ``SeedSequence([s["seed"], repeat]).spawn(2)``: one initialises, one
    shuffles, so the same settings and repeat give the same numbers on any machine."""
    compute = kind_of(exp).compute
    init_seed, shuffle_seed = np.random.SeedSequence([s["seed"], repeat]).spawn(2)
    return compute(s, Seeds(init_seed, shuffle_seed), load_data(s), callback)
