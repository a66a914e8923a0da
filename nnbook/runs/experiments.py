"""Named, seeded, cached experiments: the one entry point the book's pages use for anything slow.

Every experiment of the book is listed in :mod:`nnbook.runs.catalogue` under a name such as
``"ch1.net30"``, with the original's settings (the ``full`` profile) and smaller ones for smoke
builds (``fast``). A page asks for ``run("ch1.net30")`` and gets every repeat of it; each repeat
is computed once, by the function of its kind (:mod:`nnbook.runs.kinds`), and then served from
the run cache (:mod:`nnbook.runs.cache`), whose key holds the experiment's settings, the repeat,
a hash of the training code and the checksum of the data. Change the training code and its runs
are computed afresh; change a figure, a page or nothing at all and a rebuild trains nothing.

A run's ``outcome`` is the typed value of its kind (:mod:`nnbook.runs.outcomes`), in memory and,
with its type's tag, in the cache. A training run that diverged has the outcome
:class:`~nnbook.runs.outcomes.Diverged` and no accuracy: ``run.accuracy`` raises, saying at
which epoch and why, and ``run.diverged`` holds the outcome for a page to show instead.

Every stored run is checked when it is read (:func:`check_record`): an entry that is not a
valid record of this very run is reported once, as a :class:`~nnbook.runs.cache.CacheWarning`
naming its file, and computed again.

Runs that are missing can be computed ahead of a book build, in parallel and with progress, on
this machine's cores or on a Dask cluster: :func:`nnbook.runs.precompute.precompute`
(``python -m nnbook precompute``).
"""

from __future__ import annotations

import json
import math
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnbook import convnet
from nnbook.network import Network
from nnbook.runs import kinds, outcomes, profile as profiles, progress, serialize
from nnbook.runs.cache import (REQUIRE_ENV, CacheWarning, RunNotCached, cached_only, lock, read,
                               run_path, write)
from nnbook.runs.catalogue import CATALOGUE, Experiment, get  # noqa: F401 (re-exported)
from nnbook.train import History

# ---- results ----------------------------------------------------------------------------------


@dataclass
class Run:
    """One repeat of an experiment: what was measured, how long it took, where it is stored.

    ``outcome`` is the value of the experiment's kind (:mod:`nnbook.runs.outcomes`): for a
    training run a :class:`~nnbook.runs.outcomes.Training`, read as ``run.outcome.best_epoch``,
    or a :class:`~nnbook.runs.outcomes.Diverged` if its weights stopped being finite.
    ``files`` holds the run's files when the cache could not store them (kept in memory).
    """

    experiment: str
    repeat: int
    settings: dict
    outcome: outcomes.Outcome
    seconds: float
    history: History | None = None
    path: Path | None = None
    files: dict[str, bytes] | None = field(default=None, repr=False, compare=False)

    @property
    def diverged(self) -> outcomes.Diverged | None:
        """The outcome of a run whose weights stopped being finite (its epoch, cause and
        reason), or None for every other run."""
        return self.outcome if isinstance(self.outcome, outcomes.Diverged) else None

    @property
    def accuracy(self) -> float:
        """The run's headline accuracy: the peak over epochs for training runs.

        Raises ValueError for a run that diverged: it has no accuracy (a network of NaNs
        answers 0 for every image, and the share of zeros is not a measurement)."""
        if self.diverged is not None:
            raise ValueError(f"run {self.experiment} #{self.repeat + 1} {self.diverged.describe()}: "
                             f"it has no accuracy. {self.diverged.reason}")
        if not hasattr(self.outcome, "accuracy"):
            raise ValueError(f"run {self.experiment} #{self.repeat + 1} has no single accuracy: its "
                             f"outcome is a {type(self.outcome).__name__}")
        return self.outcome.accuracy

    def network(self) -> Network | convnet.Network:
        """The trained network, as stored when the run finished (:mod:`nnbook.runs.serialize`)."""
        load = serialize.load_convnet if "architecture" in self.settings else serialize.load
        if self.path is None and self.files:  # kept in memory: the cache could not store it
            kept = [data for name, data in self.files.items() if name.endswith(".npz")]
            if kept:
                with tempfile.TemporaryDirectory() as tmp:
                    saved = Path(tmp) / "net.npz"
                    saved.write_bytes(kept[0])
                    return load(saved)
        saved = self.path.with_suffix(".npz") if self.path is not None else None
        if saved is None or not saved.is_file():
            raise ValueError(f"run {self.experiment} #{self.repeat + 1} has no stored network "
                             f"(it trains none, or it diverged)")
        return load(saved)


@dataclass
class Result:
    """Every repeat of one experiment in one profile."""

    experiment: Experiment
    profile: str
    settings: dict
    runs: list[Run]

    @property
    def best(self) -> Run:
        """The repeat with the highest accuracy (the original's "best of three runs").

        A repeat that diverged has no accuracy and is not a candidate; if every repeat diverged,
        ValueError says so."""
        candidates = [r for r in self.runs if r.diverged is None]
        if not candidates:
            raise ValueError(f"every run of {self.experiment.name} diverged "
                             f"({self.runs[0].diverged.describe()} in the first): none has an accuracy")
        return max(candidates, key=lambda r: r.accuracy)

    @property
    def diverged(self) -> list[Run]:
        """The repeats whose weights stopped being finite."""
        return [r for r in self.runs if r.diverged is not None]

    @property
    def accuracies(self) -> list[float]:
        return [r.accuracy for r in self.runs]


# ---- stored runs -----------------------------------------------------------------------------


RECORD_FIELDS = {"experiment": True, "repeat": True, "settings": True, "outcome": True,
                 "seconds": True, "history": False, "numpy": False}
"""The fields of a run record (the ``.json`` of a stored run), and whether each is required."""


def check_record(d: dict, name: str, repeat: int, settings: dict,
                 expected: type[outcomes.Outcome]) -> tuple[outcomes.Outcome, History | None, float]:
    """The outcome, history and seconds of the record ``d``, checked against the schema of a run
    record of repeat ``repeat`` of experiment ``name`` with ``settings``.

    The schema: exactly the fields of :data:`RECORD_FIELDS`; ``experiment``, ``repeat`` and
    ``settings`` those of this run; ``outcome`` an ``expected`` outcome (or
    :class:`~nnbook.runs.outcomes.Diverged` for a training run) with every field of its type and
    in its range (:func:`nnbook.runs.outcomes.from_dict`); ``history`` None or a valid
    :class:`~nnbook.train.History` that agrees with the outcome (the same divergence; for a
    training run measured every epoch, the same peak, epoch of the peak and last accuracy);
    ``seconds`` a finite number >= 0. Raises ValueError saying what is wrong.
    """
    if unknown := sorted(set(d) - set(RECORD_FIELDS)):
        raise ValueError(f"unknown fields {unknown}")
    if missing := sorted(k for k, required in RECORD_FIELDS.items() if required and k not in d):
        raise ValueError(f"missing fields {missing}")
    if d["experiment"] != name or d["repeat"] != repeat or isinstance(d["repeat"], bool):
        raise ValueError(f"it stores {d['experiment']!r} #{d['repeat']!r}, not {name!r} #{repeat}")
    if d["settings"] != json.loads(json.dumps(settings)):
        raise ValueError("its settings are not the experiment's")
    seconds = d["seconds"]
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not (
            math.isfinite(seconds) and seconds >= 0):
        raise ValueError(f"seconds must be a finite number >= 0; got {seconds!r}")
    if "numpy" in d and not isinstance(d["numpy"], str):
        raise ValueError(f"numpy must be a version string; got {d['numpy']!r}")
    outcome = outcomes.from_dict(d["outcome"], expected)
    history = History.from_dict(d["history"]) if d.get("history") is not None else None
    if history is not None:
        diverged_at = outcome.epoch if isinstance(outcome, outcomes.Diverged) else None
        if history.diverged_at != diverged_at:
            raise ValueError(f"its outcome and its history disagree on the divergence "
                             f"({diverged_at} and {history.diverged_at})")
        acc = history.evaluation_accuracy
        if isinstance(outcome, outcomes.Training) and outcome.best_epoch is not None and (
                not acc or (outcome.accuracy, outcome.best_epoch, outcome.final_accuracy)
                != (max(acc), history.best_epoch, acc[-1])):
            raise ValueError("its outcome is not the peak, epoch of the peak and last accuracy "
                             "of its history")
    return outcome, history, float(seconds)


def _load(path: Path, name: str, repeat: int, settings: dict, expected: type[outcomes.Outcome],
          report: bool = True) -> Run | None:
    """The run stored at ``path``; ``None`` if there is none or the entry is invalid, which is
    reported (``report``) as a :class:`~nnbook.runs.cache.CacheWarning` naming the file."""
    try:
        d = read(path)
        if d is None:
            return None
        outcome, history, seconds = check_record(d, name, repeat, settings, expected)
    except ValueError as exc:
        if report:
            warnings.warn(f"invalid run cache entry {path}: {exc}; the run is computed again",
                          CacheWarning, stacklevel=3)
        return None
    return Run(name, repeat, d["settings"], outcome, seconds, history, path)


_KEPT: dict[Path, Run] = {}
"""Runs that the cache could not store (read-only, full), kept for the life of the process."""


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
    if not cache:
        run = compute(name, repeat, p, callback)[0]
        _note(run, p, cached=False)
        return run
    path = run_path(name, s, repeat)
    expected = kinds.kind_of(exp).outcome
    only_cached = cached_only()  # read first: a bad value is an error in every build
    if path in _KEPT:
        return _KEPT[path]
    if (stored := _load(path, name, repeat, s, expected)) is not None:
        _note(stored, p, cached=True)
        return stored
    if only_cached:
        raise RunNotCached(
            f"run {name} #{repeat + 1} ({p} profile) is not in the run "
            f"cache {path.parent}, and {REQUIRE_ENV} is set, so it is not trained here. "
            f"Train it first (python -m nnbook precompute {name} --profile "
            f"{p}) or copy in the cache that holds it.")
    with lock(path):
        # Another process may have computed it while this one waited for the lock.
        if (stored := _load(path, name, repeat, s, expected, report=False)) is not None:
            _note(stored, p, cached=True)
            return stored
        run, stored_files = compute(name, repeat, p, callback)
        try:
            write(path.parent, stored_files)
        except OSError as exc:
            run.files = stored_files
            _KEPT[path] = run
            warnings.warn(f"the run cache {path.parent} cannot store run {name} #{repeat + 1} "
                          f"({exc.strerror or exc}); its result is kept in memory for this process "
                          f"only. Set NNBOOK_CACHE to a writable folder to keep it",
                          CacheWarning, stacklevel=2)
        else:
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
    """Whether the repeat is stored as a valid record (an invalid one is reported, and is not)."""
    exp = get(name)
    s = exp.settings(profile)
    return _load(run_path(name, s, repeat), name, repeat, s, kinds.kind_of(exp).outcome) is not None


def steps(name: str, profile: str | None = None) -> int | None:
    """How many progress reports one repeat makes (its epochs, the sizes of a sweep), or None."""
    exp = get(name)
    return kinds.kind_of(exp).steps(exp.settings(profile))

