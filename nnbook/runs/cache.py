"""The run cache: where a finished run is stored, under which key, and how it is read back.

A run is stored as ``<experiment>-<repeat>-<key>.json`` (what it measured) and, if it trained a
network, ``<same name>.npz`` (the network, :mod:`nnbook.runs.serialize`), in :func:`cache_dir`.
The key (:func:`run_key`) is a hash of everything the run's result depends on:

* the experiment's name, its resolved settings (the profile already applied) and the repeat;
* the training code: the modules a run executes, listed in :data:`TRAINING_MODULES`, hashed by
  :func:`training_code_hash`. Editing a figure, a widget, a page, the claims or this bookkeeping
  changes no key, so it retrains nothing; editing the training loop changes every key;
* the checksum of the MNIST files and numpy's major.minor version (a new numpy may round
  differently).

Files are written atomically, the network first, so a run whose ``.json`` exists is complete.
Caches are plain folders of such files: two caches are merged by copying one's files into the
other (a file of the same name holds the same run). Every entry is checked when it is read,
against the schema of a run record (:mod:`nnbook.runs.experiments`): a file that cannot be read
or is not a valid record is reported once, as a :class:`CacheWarning` naming its path, and
computed again, never trusted. Temporary files that a killed writer left behind are removed by
the next writer once they are a day old.

Two processes that need the same missing run (two builds, a build and a notebook) do not both
train it: the first holds the run's lock (:func:`lock`, a file lock in :data:`LOCKS`) while it
computes, and the second waits for it and then reads the stored run. A cache that cannot be
written (read-only, or a full disk) does not lose a finished run: the caller keeps it in memory
and says so, with a :class:`CacheWarning`.

With ``NNBOOK_REQUIRE_CACHED=1`` a run that is not in the cache is an error
(:class:`RunNotCached`) instead of being trained where it was asked for: a book build that
should only read the runs a CI job matrix trained fails clearly, naming the missing run.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from nnbook import checks
from nnbook.runs.files import STALE_SECONDS, atomic_write, remove_stale

CACHE_ENV = "NNBOOK_CACHE"
REQUIRE_ENV = "NNBOOK_REQUIRE_CACHED"

TRAINING_MODULES = (
    # the book's maths
    "nnbook.activations", "nnbook.checks", "nnbook.conv", "nnbook.convnet", "nnbook.costs",
    "nnbook.data", "nnbook.expand", "nnbook.gradcheck", "nnbook.initializers", "nnbook.layers",
    "nnbook.network", "nnbook.regularizers", "nnbook.schedules", "nnbook.train",
    # what the run kinds call besides
    "nnbook.studies.baselines", "nnbook.studies.gradients", "nnbook.studies.reference",
    "nnbook.studies.speed",
    # the run kinds, what they return, and how a trained network is stored
    "nnbook.runs.kinds", "nnbook.runs.outcomes", "nnbook.runs.serialize", "nnbook.runs.files",
)
"""The modules whose source makes up the cache key: every module a run may execute, except the
bookkeeping around it (the package's ``__init__`` files, :mod:`nnbook.runs.cache`,
:mod:`~nnbook.runs.experiments`, :mod:`~nnbook.runs.catalogue` and :mod:`~nnbook.runs.profile`,
whose effect on a run is its settings, which are in the key already, and
:mod:`~nnbook.runs.progress`, which only shows and logs a run's progress). A test runs one
experiment of every kind in a fresh process and fails if it executed any other nnbook module."""


class RunNotCached(LookupError):
    """A run was asked for that is not in the cache, and ``NNBOOK_REQUIRE_CACHED`` forbids training it."""


class CacheWarning(UserWarning):
    """A cache entry was invalid (and is computed again), or a finished run could not be stored."""


def cache_dir() -> Path:
    """``$NNBOOK_CACHE`` if set, else ``$XDG_CACHE_HOME/nnbook/runs`` (``~/.cache/nnbook/runs``).

    Raises ValueError if that path exists and is not a folder (a file, say), naming the variable.
    """
    if os.environ.get(CACHE_ENV):
        folder, source = Path(os.environ[CACHE_ENV]).expanduser(), CACHE_ENV
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        folder, source = Path(base) / "nnbook" / "runs", "XDG_CACHE_HOME"
    return checks.check_folder(source, folder, "the run cache")


def cached_only() -> bool:
    """Whether ``NNBOOK_REQUIRE_CACHED`` is set to a true value (1, true, yes)."""
    value = os.environ.get(REQUIRE_ENV, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise ValueError(f"{REQUIRE_ENV} must be 1 or 0; got {os.environ[REQUIRE_ENV]!r}")


def module_file(module: str) -> Path:
    """The source file of ``module`` (found without importing it)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ValueError(f"module {module!r} is not installed")
    return Path(spec.origin)


@lru_cache(maxsize=1)
def training_code_hash() -> str:
    """SHA-256 over the source of :data:`TRAINING_MODULES`, each under its module name."""
    h = hashlib.sha256()
    for module in sorted(TRAINING_MODULES):
        h.update(module.encode() + b"\0" + module_file(module).read_bytes() + b"\0")
    return h.hexdigest()


def data_checksum() -> str:
    """A hash of the MNIST files' checksums: runs on other data are other runs."""
    from nnbook.data import SHA256

    return hashlib.sha256(json.dumps(SHA256, sort_keys=True).encode()).hexdigest()


def numpy_version() -> str:
    """numpy's major.minor version, e.g. ``"2.4"``."""
    return ".".join(np.__version__.split(".")[:2])


def run_key(name: str, settings: dict, repeat: int) -> str:
    """The key of one repeat: see the module's docstring for what it holds."""
    keyed = {k: v for k, v in settings.items() if k != "repeats"}  # more repeats reuse runs
    blob = json.dumps({"experiment": name, "settings": keyed, "repeat": repeat,
                       "training_code": training_code_hash(), "data": data_checksum(),
                       "numpy": numpy_version()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def run_path(name: str, settings: dict, repeat: int) -> Path:
    """Where the ``.json`` of one repeat is stored (its network, if any, beside it as ``.npz``)."""
    return cache_dir() / f"{name}-{repeat}-{run_key(name, settings, repeat)}.json"


def read(path: Path) -> dict | None:
    """The stored record at ``path``; ``None`` if there is no file.

    Raises ValueError, saying what is wrong (the caller names the path), if the file cannot be
    read or is not a JSON object. The record's fields are checked by the caller
    (:func:`nnbook.runs.experiments.check_record`).
    """
    try:
        text = Path(path).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(f"it cannot be read ({exc.strerror or exc})") from None
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly nested JSON
        raise ValueError(f"it is not JSON ({str(exc)[:80]})") from None
    if not isinstance(record, dict):
        raise ValueError(f"a run record is a JSON object; got {type(record).__name__}")
    return record


def write(folder: Path, files: dict[str, bytes]) -> None:
    """Write a run's files (name -> bytes) into ``folder`` atomically, the ``.json`` last.

    Temporary files older than :data:`STALE_SECONDS` that a killed writer left in ``folder``
    are removed first. Raises OSError if the folder cannot be written (read-only, full).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale(folder, ".*.tmp", STALE_SECONDS)
    for name in sorted(files, key=lambda n: n.endswith(".json")):
        data = files[name]
        atomic_write(folder / name, lambda f: f.write(data))


LOCKS = Path(tempfile.gettempdir()) / "nnbook-locks"
"""Where the locks of runs being computed live (:func:`claim`): one empty file per run ever
computed on this machine, named by a hash of the run's path."""


class _NoLock:
    """What :func:`claim` gives for a folder that cannot hold a lock: nothing to release."""

    def release(self) -> None:
        pass


def claim(path: Path, wait: bool = False) -> FileLock | _NoLock | None:
    """The lock of the run stored at ``path``, acquired: the caller computes the run and then
    calls ``release()``. None if another process holds it and ``wait`` is false; with ``wait``,
    waits until it is free. The lock is a file of :data:`LOCKS` named after the run's path, so
    the cache stays a folder of runs only; if no lock file can be made there, the lock given
    locks nothing.
    """
    name = hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:32]
    try:
        LOCKS.mkdir(parents=True, exist_ok=True)
        guard = FileLock(LOCKS / f"{name}.lock")
        guard.acquire(timeout=-1 if wait else 0)
    except Timeout:
        return None
    except OSError:
        return _NoLock()
    return guard


@contextmanager
def lock(path: Path) -> Iterator[bool]:
    """Hold the lock of the run stored at ``path`` while the body runs; wait for it if another
    process holds it (it is computing the same run, and the caller should look again for the
    stored run once it has the lock).

    Yields True while the lock is held, or False if the cache folder cannot hold a lock (it is
    read-only): the run is then computed without one.
    """
    guard = claim(path, wait=True)
    assert guard is not None  # waiting never gives up
    try:
        yield not isinstance(guard, _NoLock)
    finally:
        guard.release()
