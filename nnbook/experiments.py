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
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from nnbook import baselines, profile as profiles, speed
from nnbook.network import Network
from nnbook.train import History, sgd

# ---- the catalogue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Experiment:
    """An experiment: its name, a one-line title, what kind of run it is and its settings."""

    name: str
    title: str
    kind: str  # "sgd", "random", "darkness" or "svm"
    full: dict
    fast: dict = field(default_factory=dict)

    def settings(self, profile: str | None = None) -> dict:
        """The settings in ``profile`` (the current one by default): ``full``, updated by ``fast``."""
        s = dict(self.full)
        if profiles.current(profile) == "fast":
            s.update(self.fast)
        return s


CATALOGUE: dict[str, Experiment] = {}


def _register(name: str, title: str, kind: str, fast: dict | None = None, **full) -> None:
    full.setdefault("repeats", 1)
    full.setdefault("seed", 1)
    CATALOGUE[name] = Experiment(name, title, kind, full, fast or {})


# Chapter 1: network.py's settings (sigmoid, quadratic cost, N(0, 1) initialisation, m = 10),
# trained on the first 50,000 images and measured on the 10,000 test images after every epoch.
_CH1 = dict(cost="quadratic", init="large", mini_batch_size=10, epochs=30, n_train=50_000,
            evaluation="test")
_CH1_FAST = dict(n_train=10_000, epochs=10)
# The original reports the best of three runs; runs of these networks differ a lot (some get
# stuck with a saturated output neuron), so we train nine and show the spread.
_register("ch1.net30", "[784, 30, 10], eta = 3.0", "sgd", dict(_CH1_FAST, repeats=3),
          sizes=[784, 30, 10], eta=3.0, repeats=9, **_CH1)
_register("ch1.net100", "[784, 100, 10], eta = 3.0", "sgd", dict(_CH1_FAST, repeats=3),
          sizes=[784, 100, 10], eta=3.0, repeats=9, **_CH1)
_register("ch1.eta_small", "[784, 100, 10], eta = 0.001", "sgd", _CH1_FAST,
          sizes=[784, 100, 10], eta=0.001, **_CH1)
_register("ch1.eta_large", "[784, 30, 10], eta = 100", "sgd", _CH1_FAST,
          sizes=[784, 30, 10], eta=100.0, **_CH1)
_register("ch1.no_hidden", "[784, 10], eta = 3.0", "sgd", _CH1_FAST,
          sizes=[784, 10], eta=3.0, **_CH1)
_register("ch1.random", "random guessing", "random", evaluation="test")
_register("ch1.darkness", "average darkness", "darkness", n_train=50_000, evaluation="test")
_register("ch1.svm", "SVM, RBF kernel, C = 1, gamma = 1/784", "svm", dict(n_train=5_000),
          n_train=50_000, evaluation="test", C=1.0, gamma="auto")

# Chapter 2: timings. They depend on the machine, so each is measured once per nnbook version by
# whichever machine builds the book, and cached like any run so that the page and the report agree.
_register("ch2.gradient_cost", "full gradient: backprop vs finite differences", "speed_gradient",
          sizes_list=[[200, 50, 10], [400, 100, 10], [800, 200, 10], [1600, 400, 10]],
          mini_batch_size=10)
_register("ch2.minibatch_speedup", "mini-batch gradient: matrix form vs a loop over examples",
          "speed_minibatch", sizes=[784, 30, 10], batch_sizes=[1, 2, 5, 10, 20, 50, 100, 1000])


def get(name: str) -> Experiment:
    try:
        return CATALOGUE[name]
    except KeyError:
        raise ValueError(f"no experiment named {name!r}; known: {', '.join(sorted(CATALOGUE))}") from None


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
        """The trained network, rebuilt from the stored final parameters."""
        if self.path is None or self.settings.get("sizes") is None:
            raise ValueError(f"run {self.experiment} #{self.repeat} has no stored network")
        net = _network(self.settings, rng=0)
        with np.load(self.path.with_suffix(".npz")) as f:
            for l in range(len(net.weights)):
                net.weights[l][...] = f[f"w{l}"]
                net.biases[l][...] = f[f"b{l}"]
        return net


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
    root = Path(__file__).resolve().parent
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


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load(path: Path) -> Run | None:
    try:
        d = json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # missing or unreadable: compute it again
    history = History.from_dict(d["history"]) if d.get("history") is not None else None
    return Run(d["experiment"], d["repeat"], d["settings"], d["metrics"], d["seconds"], history, path)


def _store(run: Run, path: Path, params: list[np.ndarray] | None) -> None:
    if params is not None:
        arrays = {f"{'wb'[i % 2]}{i // 2}": p for i, p in enumerate(params)}
        _atomic_write(path.with_suffix(".npz"), lambda f: np.savez(f, **arrays))
    d = {"experiment": run.experiment, "repeat": run.repeat, "settings": run.settings,
         "metrics": run.metrics, "seconds": run.seconds,
         "history": run.history.to_dict() if run.history is not None else None,
         "numpy": np.__version__}
    _atomic_write(path, lambda f: f.write(json.dumps(d, indent=1).encode()))
    run.path = path


# ---- running ----------------------------------------------------------------------------------


def _network(s: dict, rng) -> Network:
    return Network(s["sizes"], cost=s["cost"], init=s["init"], rng=rng, dtype=np.float32)


def _data(s: dict):
    if "evaluation" not in s:
        return None, None  # experiments that need no data (timings)
    from nnbook.data import load_mnist

    mnist = load_mnist()
    training = mnist.training[: s["n_train"]] if "n_train" in s else mnist.training
    return training, getattr(mnist, s["evaluation"])


def _compute(exp: Experiment, s: dict, repeat: int, callback=None):
    """Run one repeat; return (metrics, history, final parameters)."""
    init_seed, shuffle_seed = np.random.SeedSequence([s["seed"], repeat]).spawn(2)
    training, evaluation = _data(s)
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
    net = _network(s, np.random.default_rng(init_seed))
    history = sgd(net, training, s["epochs"], s["mini_batch_size"], s["eta"], s.get("lmbda", 0.0),
                  evaluation_data=evaluation, rng=np.random.default_rng(shuffle_seed),
                  allow_divergence=True, callback=callback)
    acc = history.evaluation_accuracy
    metrics = {"accuracy": max(acc) if acc else float("nan"),
               "best_epoch": history.best_epoch if acc else None,
               "final_accuracy": acc[-1] if acc else float("nan")}
    return metrics, history, net.parameters()


def run_one(name: str, repeat: int = 0, profile: str | None = None, *, cache: bool = True,
            callback=None) -> Run:
    """One repeat of experiment ``name``: from the cache if it is there, else computed and stored."""
    exp = get(name)
    s = exp.settings(profile)
    path = cache_dir() / f"{name}-{repeat}-{run_key(name, s, repeat)}.json"
    if cache and (stored := _load(path)) is not None:
        return stored
    start = time.perf_counter()
    metrics, history, params = _compute(exp, s, repeat, callback)
    run = Run(name, repeat, s, metrics, time.perf_counter() - start, history)
    if cache:
        _store(run, path, params)
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


def work(name: str, profile: str | None = None) -> float:
    """A rough cost estimate of one repeat, in multiply-adds, used to predict time left."""
    exp = get(name)
    s = exp.settings(profile)
    if exp.kind == "sgd":
        weights = sum(a * b for a, b in zip(s["sizes"][:-1], s["sizes"][1:]))
        return 3.0 * s["epochs"] * s["n_train"] * (weights + 3000)
    if exp.kind == "svm":
        return 2.0 * s["n_train"] ** 2 * 784
    if exp.kind.startswith("speed"):
        return 2e10  # a few seconds
    return 1e8
