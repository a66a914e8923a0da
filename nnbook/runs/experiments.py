"""Named, seeded, cached experiments: the one entry point the book's pages use for anything slow.

Every experiment of the book is listed in :mod:`nnbook.runs.catalogue` under a name such as
``"ch1.net30"``, with the original's settings (the ``full`` profile) and smaller ones for smoke
builds (``fast``). A page asks for ``run("ch1.net30")`` and gets every repeat of it; each repeat
is computed once, by the function of its kind (:mod:`nnbook.runs.kinds`), and then served from
the run cache (:mod:`nnbook.runs.cache`), whose key holds the experiment's settings, the repeat,
a hash of the training code and the checksum of the data. Change the training code and its runs
are computed afresh; change a figure, a page or nothing at all and a rebuild trains nothing.

A run's ``outcome`` is the typed value of its kind (:mod:`nnbook.runs.outcomes`), in memory and,
with its type's tag, in the cache.

Runs that are missing can be computed ahead of a book build, in parallel and with progress, on
this machine's cores or on a Dask cluster: :func:`nnbook.runs.precompute.precompute`
(``python -m nnbook precompute``).
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnbook import convnet
from nnbook.network import Network
from nnbook.runs import kinds, outcomes, profile as profiles, progress, serialize
from nnbook.runs.cache import REQUIRE_ENV, RunNotCached, cached_only, read, run_path, write
from nnbook.runs.catalogue import CATALOGUE, Experiment, get  # noqa: F401 (re-exported)
from nnbook.train import History

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

    def network(self) -> Network | convnet.Network:
        """The trained network, as stored when the run finished (:mod:`nnbook.runs.serialize`)."""
        saved = self.path.with_suffix(".npz") if self.path is not None else None
        if saved is None or not saved.is_file():
            raise ValueError(f"run {self.experiment} #{self.repeat} has no stored network "
                             f"(it trains none, or it diverged)")
        return (serialize.load_convnet if "architecture" in self.settings else serialize.load)(saved)


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


# ---- stored runs -----------------------------------------------------------------------------


def _load(path: Path, expected: type[outcomes.Outcome]) -> Run | None:
    """The run stored at ``path``; ``None`` if it is missing, unreadable or not an ``expected``."""
    d = read(path)
    if d is None:
        return None
    try:
        outcome = outcomes.from_dict(d["outcome"], expected)
        history = History.from_dict(d["history"]) if d.get("history") is not None else None
        return Run(d["experiment"], d["repeat"], d["settings"], outcome, d["seconds"], history, path)
    except (ValueError, KeyError, TypeError):
        return None  # compute it again


def files(run: Run, net: Network | convnet.Network | None, path: Path) -> dict[str, bytes]:
    """The files that store ``run`` (and its trained network, unless it diverged) under the name
    of ``path``: ``{"<name>.json": ..., "<name>.npz": ...}``, as bytes, the same on any machine
    for the same run but for the measured ``seconds``."""
    out = {}
    if net is not None and all(np.isfinite(p).all() for p in net.parameters()):
        with tempfile.TemporaryDirectory() as tmp:
            save = serialize.save_convnet if isinstance(net, convnet.Network) else serialize.save
            out[path.with_suffix(".npz").name] = save(net, Path(tmp) / "net.npz").read_bytes()
    d = {"experiment": run.experiment, "repeat": run.repeat, "settings": run.settings,
         "outcome": run.outcome.to_dict(), "seconds": run.seconds,
         "history": run.history.to_dict() if run.history is not None else None,
         "numpy": np.__version__}
    out[path.name] = json.dumps(d, indent=1).encode()
    return out


# ---- running ----------------------------------------------------------------------------------


def compute(name: str, repeat: int = 0, profile: str | None = None,
            callback=None) -> tuple[Run, dict[str, bytes]]:
    """Compute one repeat of experiment ``name``, whether or not it is cached, and return it
    with the files that store it (:func:`files`), written nowhere: the caller writes them
    (:func:`run_one` into its cache; precompute's workers send them to the process that does)."""
    exp = get(name)
    s = exp.settings(profile)
    start = time.perf_counter()
    computed = kinds.compute(exp, s, repeat, callback)
    run = Run(name, repeat, s, computed.outcome, time.perf_counter() - start, computed.history)
    return run, files(run, computed.network, run_path(name, s, repeat))


def run_one(name: str, repeat: int = 0, profile: str | None = None, *, cache: bool = True,
            callback=None) -> Run:
    """One repeat of experiment ``name``: from the cache if it is there, else computed and stored.

    With ``NNBOOK_REQUIRE_CACHED=1`` a repeat that is not stored raises
    :class:`~nnbook.runs.cache.RunNotCached` instead of being computed. Every repeat served is
    noted in the run log, if one is kept (:func:`nnbook.runs.progress.record`).
    """
    exp = get(name)
    p = profiles.current(profile)
    s = exp.settings(p)
    path = run_path(name, s, repeat)
    only_cached = cache and cached_only()  # read first: a bad value is an error in every build
    if cache and (stored := _load(path, kinds.kind_of(exp).outcome)) is not None:
        _note(stored, p, cached=True)
        return stored
    if only_cached:
        raise RunNotCached(
            f"run {name} #{repeat + 1} ({p} profile) is not in the run "
            f"cache {path.parent}, and {REQUIRE_ENV} is set, so it is not trained here. "
            f"Train it first (python -m nnbook precompute {name} --profile "
            f"{p}) or copy in the cache that holds it.")
    run, stored_files = compute(name, repeat, p, callback)
    if cache:
        write(path.parent, stored_files)
        run.path = path
    _note(run, p, cached=False)
    return run


def _note(run: Run, profile: str, cached: bool) -> None:
    progress.record({"experiment": run.experiment, "repeat": run.repeat, "profile": profile,
                     "cached": cached, "seconds": run.seconds})


def run(name: str, profile: str | None = None, *, cache: bool = True,
        progress_bar: bool | None = None) -> Result:
    """Every repeat of experiment ``name`` in ``profile`` (default: ``$NNBOOK_PROFILE`` or full).

    Repeats that are not cached are trained here, with a progress bar over their epochs (or
    repeats) when ``progress_bar`` is true; ``None`` decides by ``NNBOOK_PROGRESS``
    (:func:`nnbook.runs.progress.enabled`: on in a notebook or a terminal, off in the book build).
    """
    exp = get(name)
    p = profiles.current(profile)
    s = exp.settings(p)
    missing = [r for r in range(s["repeats"]) if not (cache and is_cached(name, r, p))]
    shown = None
    if missing and not (cache and cached_only()) and progress.enabled(progress_bar):
        per_repeat = steps(name, p)
        total = len(missing) * (per_repeat or 1)
        unit = "repeat" if per_repeat is None else "epoch" if exp.kind in ("sgd", "convnet") \
            else "step"
        shown = progress.bar(total, f"training {name} ({p})", unit)
    runs = []
    try:
        for r in range(s["repeats"]):
            if shown is None or r not in missing:
                runs.append(run_one(name, r, p, cache=cache))
                continue
            done = shown.n

            def advance(step, history, done=done):
                shown.update(done + step - shown.n)

            shown.set_postfix_str(f"run {missing.index(r) + 1} of {len(missing)}")
            runs.append(run_one(name, r, p, cache=cache, callback=advance))
            shown.update(done + (per_repeat or 1) - shown.n)  # kinds without steps, or cut short
    finally:
        if shown is not None:
            shown.close()
    return Result(exp, p, s, runs)


def is_cached(name: str, repeat: int, profile: str | None = None) -> bool:
    """Whether the repeat is stored (its ``.json`` exists; it is read, and checked, when used)."""
    return run_path(name, get(name).settings(profile), repeat).is_file()


def steps(name: str, profile: str | None = None) -> int | None:
    """How many progress reports one repeat makes (its epochs, the sizes of a sweep), or None."""
    exp = get(name)
    return kinds.kind_of(exp).steps(exp.settings(profile))

