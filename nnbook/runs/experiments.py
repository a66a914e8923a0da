"""Named, seeded, cached experiments: the one entry point the book's pages use for anything slow.

Every experiment of the book is listed in :mod:`nnbook.runs.catalogue` under a name such as
``"ch1.net30"``, with the original's settings (the ``full`` profile) and smaller ones for smoke
builds (``fast``). A page asks for ``run("ch1.net30")`` and gets every repeat of it; each repeat
is trained once and then served from an on-disk cache whose key holds the experiment's full
settings, the repeat's seed, a hash of nnbook's own source code and the checksum of the data.
Change any line of nnbook and every run is computed afresh; change nothing and a rebuild of the
book trains nothing.

How a repeat is computed depends on the experiment's kind (``"sgd"``, ``"svm_sweep"``,
``"layer_speed"``, ...): :data:`KINDS` maps each kind to one short function, registered below with
the :func:`kind` decorator, and to the type of value it returns (:mod:`nnbook.runs.outcomes`).
A run's ``outcome`` is that value, in memory and, with its type's tag, in the cache.

Runs that are missing can be computed ahead of a book build, in parallel and with progress, by
:func:`nnbook.runs.precompute.precompute` (``python -m nnbook precompute``).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from nnbook.runs import outcomes, profile as profiles, serialize
from nnbook.studies import baselines, speed
from nnbook.runs.files import atomic_write
from nnbook.runs.catalogue import CATALOGUE, Experiment, get  # noqa: F401 (re-exported)
from nnbook.network import Network
from nnbook.train import History, sgd

# ---- results ----------------------------------------------------------------------------------


@dataclass
class Run:
    """One repeat of an experiment: what was measured, how long it took, where it is stored.

    ``outcome`` is the value of the experiment's kind (:mod:`nnbook.runs.outcomes`): for a
    training run a :class:`~nnbook.runs.outcomes.Training`, read as ``run.outcome.best_epoch``.
    """

    experiment: str
    repeat: int
    settings: dict
    outcome: outcomes.Outcome
    seconds: float
    history: History | None = None
    path: Path | None = None

    @property
    def accuracy(self) -> float:
        """The run's headline accuracy: the peak over epochs for training runs."""
        if not hasattr(self.outcome, "accuracy"):
            raise ValueError(f"run {self.experiment} #{self.repeat} has no single accuracy: its "
                             f"outcome is a {type(self.outcome).__name__}")
        return self.outcome.accuracy

    def network(self) -> Network:
        """The trained network, as stored when the run finished (:mod:`nnbook.runs.serialize`)."""
        saved = self.path.with_suffix(".npz") if self.path is not None else None
        if saved is None or not saved.is_file():
            raise ValueError(f"run {self.experiment} #{self.repeat} has no stored network "
                             f"(it trains none, or it diverged)")
        return serialize.load(saved)


@dataclass
class Result:
    """Every repeat of one experiment in one profile."""

    experiment: Experiment
    profile: str
    settings: dict
    runs: list[Run]

    @property
    def best(self) -> Run:
        """The repeat with the highest accuracy (the original's "best of three runs")."""
        return max(self.runs, key=lambda r: r.accuracy)

    @property
    def accuracies(self) -> list[float]:
        return [r.accuracy for r in self.runs]


# ---- the cache --------------------------------------------------------------------------------


def cache_dir() -> Path:
    """``$NNBOOK_CACHE`` if set, else ``$XDG_CACHE_HOME/nnbook/runs`` (``~/.cache/nnbook/runs``)."""
    if os.environ.get("NNBOOK_CACHE"):
        return Path(os.environ["NNBOOK_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nnbook" / "runs"


@lru_cache(maxsize=1)
def source_hash() -> str:
    """A SHA-256 over every ``.py`` file of the nnbook package: any code change changes it."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent  # the nnbook package
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _data_checksum() -> str:
    from nnbook.data import SHA256

    return hashlib.sha256(json.dumps(SHA256, sort_keys=True).encode()).hexdigest()


def run_key(name: str, settings: dict, repeat: int) -> str:
    """The cache key of one repeat: experiment, settings, repeat, nnbook's source, the data."""
    keyed = {k: v for k, v in settings.items() if k != "repeats"}
    blob = json.dumps({"experiment": name, "settings": keyed, "repeat": repeat,
                       "source": source_hash(), "data": _data_checksum()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def _load(path: Path, expected: type[outcomes.Outcome]) -> Run | None:
    """The run stored at ``path``; ``None`` if it is missing, unreadable or not an ``expected``."""
    try:
        d = json.loads(path.read_text())
        outcome = outcomes.from_dict(d["outcome"], expected)
        history = History.from_dict(d["history"]) if d.get("history") is not None else None
        return Run(d["experiment"], d["repeat"], d["settings"], outcome, d["seconds"], history, path)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # compute it again


def _store(run: Run, path: Path, net: Network | None) -> None:
    if net is not None and all(np.isfinite(p).all() for p in net.parameters()):
        serialize.save(net, path.with_suffix(".npz"))
    d = {"experiment": run.experiment, "repeat": run.repeat, "settings": run.settings,
         "outcome": run.outcome.to_dict(), "seconds": run.seconds,
         "history": run.history.to_dict() if run.history is not None else None,
         "numpy": np.__version__}
    atomic_write(path, lambda f: f.write(json.dumps(d, indent=1).encode()))
    run.path = path


# ---- running ----------------------------------------------------------------------------------


_SGD_OPTIONS = ("lmbda", "regularization", "mu", "dropout", "early_stopping", "schedule", "eta_floor")


def _network(s: dict, rng, dtype=np.float32) -> Network:
    neurons = {k: s[k] for k in ("activation", "output_activation") if k in s}
    return Network(s["sizes"], cost=s["cost"], init=s["init"], rng=rng, dtype=dtype, **neurons)


def _data(s: dict):
    """The training and evaluation sets an experiment's settings name (None where it names none)."""
    if "evaluation" not in s and "n_train" not in s:
        return None, None  # experiments that need no data (timings)
    from nnbook.data import load_mnist

    mnist = load_mnist()
    training = mnist.training[: s.get("n_train")]
    evaluation = getattr(mnist, s["evaluation"])[: s.get("n_evaluation")] if "evaluation" in s else None
    return training, evaluation


def _train(s: dict, training, evaluation, init_rng, shuffle_rng, callback=None):
    """Train one network as the settings say; return (outcome, history, network)."""
    net = _network(s, init_rng)
    monitor = s.get("monitor", ["evaluation_accuracy"])
    history = sgd(net, training, s["epochs"], s["mini_batch_size"], s["eta"],
                  evaluation_data=evaluation,
                  **{f"monitor_{m}": m in monitor for m in
                     ("evaluation_accuracy", "evaluation_cost", "training_accuracy", "training_cost")},
                  **{k: s[k] for k in _SGD_OPTIONS if k in s},
                  rng=shuffle_rng, allow_divergence=True, callback=callback)
    acc = history.evaluation_accuracy
    if acc:
        outcome = outcomes.Training(max(acc), history.best_epoch, acc[-1])
    else:  # not monitored per epoch: measure once, at the end
        final = net.accuracy(*evaluation)
        outcome = outcomes.Training(final, None, final)
    return outcome, history, net


# ---- kinds of experiment ----------------------------------------------------------------------
#
# An experiment's kind says how one repeat is computed. Each kind is one function below, registered
# with @kind together with the type of outcome it returns and its cost estimate for precompute.


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
    network: Network | None = None


@dataclass(frozen=True)
class Kind:
    """A kind of experiment: how to compute one repeat, what it returns, what it costs.

    ``compute(settings, seeds, data, callback)`` returns a :class:`Computed` whose outcome is an
    ``outcome``; ``data`` is the (training, evaluation) pair of the settings (``None`` where they
    name none) and ``callback(step, history)`` is called after each of ``steps(settings)``
    steps. ``work(settings)`` is a rough cost of one repeat in multiply-adds.
    """

    name: str
    compute: Callable
    outcome: type[outcomes.Outcome]
    work: Callable[[dict], float]
    steps: Callable[[dict], int | None]


KINDS: dict[str, Kind] = {}


def kind(name: str, outcome: type[outcomes.Outcome], *, work: Callable[[dict], float],
         steps: Callable[[dict], int | None] = lambda s: None):
    """Register the decorated function as the way to compute experiments of kind ``name``."""
    def register(compute):
        KINDS[name] = Kind(name, compute, outcome, work, steps)
        return compute
    return register


def kind_of(exp: Experiment) -> Kind:
    """The registered kind of ``exp``; a ``ValueError`` if there is none."""
    try:
        return KINDS[exp.kind]
    except KeyError:
        raise ValueError(f"experiment {exp.name} has an unknown kind {exp.kind!r}; "
                         f"known: {', '.join(sorted(KINDS))}") from None


def _training_work(s: dict) -> float:
    """About three passes (forward, backward, update) over the weights for each example seen."""
    weights = sum(a * b for a, b in zip(s["sizes"][:-1], s["sizes"][1:]))
    return 3.0 * s["epochs"] * (s["n_train"] or 50_000) * (weights + 3000)


@kind("sgd", outcomes.Training, work=_training_work, steps=lambda s: s["epochs"])
def _sgd(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """Train one network by :func:`nnbook.train.sgd`; its peak, best and last epoch."""
    training, evaluation = data
    outcome, history, net = _train(s, training, evaluation, np.random.default_rng(seeds.init),
                                   np.random.default_rng(seeds.shuffle), callback)
    return Computed(outcome, history, net)


def _sweep_work(s: dict) -> float:
    return _training_work(dict(s, epochs=1, n_train=s["examples"])) * len(s["n_trains"])


@kind("sgd_sweep", outcomes.SizeSweep, work=_sweep_work, steps=lambda s: len(s["n_trains"]))
def _sgd_sweep(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """One network per training-set size, each seeing the same number of examples.

    A network trained on n images runs ``examples // n`` epochs with ``lmbda = lmbda_per_image * n``
    (the same weight decay per step at every size); accuracy is measured once, at the end.
    """
    training, evaluation = data
    init_rng, shuffle_rng = np.random.default_rng(seeds.init), np.random.default_rng(seeds.shuffle)
    rows = []
    for n in s["n_trains"]:
        settings = dict(s, epochs=max(1, s["examples"] // n), lmbda=s["lmbda_per_image"] * n,
                        monitor=[])
        trained, _, _ = _train(settings, training[:n], evaluation, init_rng, shuffle_rng)
        rows.append(outcomes.SweepRow(n, trained.accuracy, settings["epochs"], settings["lmbda"]))
        if callback is not None:
            callback(len(rows), None)
    return Computed(outcomes.SizeSweep(rows))


@kind("svm_sweep", outcomes.SizeSweep,
      work=lambda s: 2.0 * sum(n * n for n in s["n_trains"]) * 784)
def _svm_sweep(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """An SVM per training-set size (the first n training images)."""
    training, evaluation = data
    return Computed(outcomes.SizeSweep(
        [outcomes.SweepRow(n, baselines.svm(training[:n], evaluation, C=s["C"], gamma=s["gamma"]))
         for n in s["n_trains"]]))


@kind("layer_speed", outcomes.LayerSpeeds, work=lambda s: 3.0 * s["steps"] * s["n_train"] * 25_000)
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


@kind("random", outcomes.Baseline, work=lambda s: 1e8)
def _random(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """Guessing a digit uniformly at random for each evaluation image."""
    return Computed(outcomes.Baseline(baselines.random_guessing(data[1].labels, seeds.init)))


@kind("darkness", outcomes.Baseline, work=lambda s: 1e8)
def _darkness(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """Chapter 1's average-darkness classifier."""
    return Computed(outcomes.Baseline(baselines.average_darkness(*data)))


@kind("svm", outcomes.Baseline, work=lambda s: 2.0 * s["n_train"] ** 2 * 784)
def _svm(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """A support vector machine (scikit-learn's SVC) with the settings' ``C`` and ``gamma``."""
    return Computed(outcomes.Baseline(baselines.svm(*data, C=s["C"], gamma=s["gamma"])))


_TIMING_WORK = 2e10  # a few seconds


@kind("speed_gradient", outcomes.GradientCost, work=lambda s: _TIMING_WORK)
def _speed_gradient(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """Time one gradient by backprop and by finite differences; fit how each grows with size."""
    rows = speed.gradient_cost(s["sizes_list"], m=s["mini_batch_size"], rng=seeds.init)
    params = [r["parameters"] for r in rows]

    def slope(column):
        return speed.fit_power_law(params, [r[column] for r in rows])[0]

    return Computed(outcomes.GradientCost(rows, slope("backprop_seconds"),
                                          slope("finite_difference_seconds")))


@kind("speed_minibatch", outcomes.MinibatchSpeedup, work=lambda s: _TIMING_WORK)
def _speed_minibatch(s: dict, seeds: Seeds, data, callback=None) -> Computed:
    """Time a mini-batch gradient in matrix form and as a loop over its examples."""
    rows = speed.minibatch_speedup(s["sizes"], s["batch_sizes"], rng=seeds.init)
    at_10 = [r["speedup"] for r in rows if r["mini_batch_size"] == 10]
    return Computed(outcomes.MinibatchSpeedup(rows, at_10[0] if at_10 else None))


def _compute(exp: Experiment, s: dict, repeat: int, callback=None) -> Computed:
    """Run one repeat of ``exp`` with settings ``s`` by the function of its kind."""
    compute = kind_of(exp).compute
    init_seed, shuffle_seed = np.random.SeedSequence([s["seed"], repeat]).spawn(2)
    return compute(s, Seeds(init_seed, shuffle_seed), _data(s), callback)


def run_one(name: str, repeat: int = 0, profile: str | None = None, *, cache: bool = True,
            callback=None) -> Run:
    """One repeat of experiment ``name``: from the cache if it is there, else computed and stored."""
    exp = get(name)
    s = exp.settings(profile)
    path = cache_dir() / f"{name}-{repeat}-{run_key(name, s, repeat)}.json"
    if cache and (stored := _load(path, kind_of(exp).outcome)) is not None:
        return stored
    start = time.perf_counter()
    computed = _compute(exp, s, repeat, callback)
    run = Run(name, repeat, s, computed.outcome, time.perf_counter() - start, computed.history)
    if cache:
        _store(run, path, computed.network)
    return run


def run(name: str, profile: str | None = None, *, cache: bool = True) -> Result:
    """Every repeat of experiment ``name`` in ``profile`` (default: ``$NNBOOK_PROFILE`` or full)."""
    exp = get(name)
    p = profiles.current(profile)
    s = exp.settings(p)
    runs = [run_one(name, r, p, cache=cache) for r in range(s["repeats"])]
    return Result(exp, p, s, runs)


def is_cached(name: str, repeat: int, profile: str | None = None) -> bool:
    s = get(name).settings(profile)
    return (cache_dir() / f"{name}-{repeat}-{run_key(name, s, repeat)}.json").is_file()


def steps(name: str, profile: str | None = None) -> int | None:
    """How many progress reports one repeat makes (its epochs, the sizes of a sweep), or None."""
    exp = get(name)
    return kind_of(exp).steps(exp.settings(profile))


def work(name: str, profile: str | None = None) -> float:
    """A rough cost estimate of one repeat, in multiply-adds, used to predict time left."""
    exp = get(name)
    return kind_of(exp).work(exp.settings(profile))
