"""Named, seeded, cached experiments: the one entry point the book's pages use for anything slow.

Every experiment of the book is registered here under a name such as ``"ch1.net30"``, with the
original's settings (the ``full`` profile) and smaller ones for smoke builds (``fast``). A page
asks for ``run("ch1.net30")`` and gets every repeat of it; each repeat is trained once and then
served from an on-disk cache whose key holds the experiment's full settings, the repeat's seed, a
hash of nnbook's own source code and the checksum of the data. Change any line of nnbook and every
run is computed afresh; change nothing and a rebuild of the book trains nothing.

Runs that are missing can be computed ahead of a book build, in parallel and with progress, by
:func:`precompute` (``python -m nnbook precompute``).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from nnbook.runs import profile as profiles, serialize
from nnbook.studies import baselines, speed
from nnbook.runs.files import atomic_write
from nnbook.runs.catalogue import CATALOGUE, Experiment, get  # noqa: F401 (re-exported)
from nnbook.network import Network
from nnbook.train import History, sgd

# ---- results ----------------------------------------------------------------------------------


@dataclass
class Run:
    """One repeat of an experiment: what was measured, how long it took, where it is stored."""

    experiment: str
    repeat: int
    settings: dict
    metrics: dict
    seconds: float
    history: History | None = None
    path: Path | None = None

    @property
    def accuracy(self) -> float:
        """The run's headline accuracy: the peak over epochs for training runs."""
        return self.metrics["accuracy"]

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


def _load(path: Path) -> Run | None:
    try:
        d = json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # missing or unreadable: compute it again
    history = History.from_dict(d["history"]) if d.get("history") is not None else None
    return Run(d["experiment"], d["repeat"], d["settings"], d["metrics"], d["seconds"], history, path)


def _store(run: Run, path: Path, net: Network | None) -> None:
    if net is not None and all(np.isfinite(p).all() for p in net.parameters()):
        serialize.save(net, path.with_suffix(".npz"))
    d = {"experiment": run.experiment, "repeat": run.repeat, "settings": run.settings,
         "metrics": run.metrics, "seconds": run.seconds,
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
    """Train one network as the settings say; return (metrics, history, network)."""
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
        metrics = {"accuracy": max(acc), "best_epoch": history.best_epoch, "final_accuracy": acc[-1]}
    else:  # not monitored per epoch: measure once, at the end
        final = net.accuracy(*evaluation)
        metrics = {"accuracy": final, "best_epoch": None, "final_accuracy": final}
    return metrics, history, net


def _compute(exp: Experiment, s: dict, repeat: int, callback=None):
    """Run one repeat; return (metrics, history, the trained network or None)."""
    init_seed, shuffle_seed = np.random.SeedSequence([s["seed"], repeat]).spawn(2)
    training, evaluation = _data(s)
    if exp.kind == "sgd":
        metrics, history, net = _train(s, training, evaluation, np.random.default_rng(init_seed),
                                       np.random.default_rng(shuffle_seed), callback)
        return metrics, history, net
    if exp.kind == "sgd_sweep":  # one network per training-set size, same number of examples seen
        init_rng, shuffle_rng = np.random.default_rng(init_seed), np.random.default_rng(shuffle_seed)
        rows = []
        for n in s["n_trains"]:
            settings = dict(s, epochs=max(1, s["examples"] // n), lmbda=s["lmbda_per_image"] * n,
                            monitor=[])
            metrics, _, _ = _train(settings, training[:n], evaluation, init_rng, shuffle_rng)
            rows.append({"n_train": n, "epochs": settings["epochs"], "lmbda": settings["lmbda"],
                         "accuracy": metrics["accuracy"]})
            if callback is not None:
                callback(len(rows), None)
        return {"rows": rows}, None, None
    if exp.kind == "layer_speed":
        from nnbook.studies import gradients

        x, y = training
        net = _network(s, np.random.default_rng(init_seed), dtype=np.float64)
        initial = gradients.layer_speeds(net, x, y)
        neurons = [g.tolist() for g in gradients.neuron_gradients(net, x, y, k=s["neurons"])]
        during = gradients.training_speeds(net, x, y, s["steps"], s["eta"], s["lmbda"])
        return {"initial": [float(v) for v in initial], "neurons": neurons,
                "during": np.asarray(during).tolist()}, None, None
    if exp.kind == "svm_sweep":
        rows = [{"n_train": n, "accuracy": baselines.svm(training[:n], evaluation, C=s["C"], gamma=s["gamma"])}
                for n in s["n_trains"]]
        return {"rows": rows}, None, None
    if exp.kind == "random":
        return {"accuracy": baselines.random_guessing(evaluation.labels, init_seed)}, None, None
    if exp.kind == "darkness":
        return {"accuracy": baselines.average_darkness(training, evaluation)}, None, None
    if exp.kind == "svm":
        return {"accuracy": baselines.svm(training, evaluation, C=s["C"], gamma=s["gamma"])}, None, None
    if exp.kind == "speed_gradient":
        rows = speed.gradient_cost(s["sizes_list"], m=s["mini_batch_size"], rng=init_seed)
        params = [r["parameters"] for r in rows]
        return {"rows": rows,
                "backprop_slope": speed.fit_power_law(params, [r["backprop_seconds"] for r in rows])[0],
                "finite_difference_slope": speed.fit_power_law(
                    params, [r["finite_difference_seconds"] for r in rows])[0]}, None, None
    if exp.kind == "speed_minibatch":
        rows = speed.minibatch_speedup(s["sizes"], s["batch_sizes"], rng=init_seed)
        at_10 = [r["speedup"] for r in rows if r["mini_batch_size"] == 10]
        return {"rows": rows, "ratio": at_10[0] if at_10 else None}, None, None
    raise ValueError(f"experiment {exp.name} has an unknown kind {exp.kind!r}")


def run_one(name: str, repeat: int = 0, profile: str | None = None, *, cache: bool = True,
            callback=None) -> Run:
    """One repeat of experiment ``name``: from the cache if it is there, else computed and stored."""
    exp = get(name)
    s = exp.settings(profile)
    path = cache_dir() / f"{name}-{repeat}-{run_key(name, s, repeat)}.json"
    if cache and (stored := _load(path)) is not None:
        return stored
    start = time.perf_counter()
    metrics, history, net = _compute(exp, s, repeat, callback)
    run = Run(name, repeat, s, metrics, time.perf_counter() - start, history)
    if cache:
        _store(run, path, net)
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
    """How many progress reports one repeat makes: its epochs, or the sizes of a sweep."""
    s = get(name).settings(profile)
    return len(s["n_trains"]) if "n_trains" in s else s.get("epochs")


def work(name: str, profile: str | None = None) -> float:
    """A rough cost estimate of one repeat, in multiply-adds, used to predict time left."""
    exp = get(name)
    s = exp.settings(profile)
    if exp.kind in ("sgd", "sgd_sweep"):
        weights = sum(a * b for a, b in zip(s["sizes"][:-1], s["sizes"][1:]))
        examples = (s["examples"] * len(s["n_trains"]) if exp.kind == "sgd_sweep"
                    else s["epochs"] * (s["n_train"] or 50_000))
        return 3.0 * examples * (weights + 3000)
    if exp.kind == "svm":
        return 2.0 * s["n_train"] ** 2 * 784
    if exp.kind == "svm_sweep":
        return 2.0 * sum(n * n for n in s["n_trains"]) * 784
    if exp.kind == "layer_speed":
        return 3.0 * s["steps"] * s["n_train"] * 25_000
    if exp.kind.startswith("speed"):
        return 2e10  # a few seconds
    return 1e8
