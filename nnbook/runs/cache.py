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
other (a file of the same name holds the same run). Every reader of a cache file treats a file
it cannot read as missing, so a damaged file is computed again, never trusted.

With ``NNBOOK_REQUIRE_CACHED=1`` a run that is not in the cache is an error
(:class:`RunNotCached`) instead of being trained where it was asked for: a book build that
should only read the runs a CI job matrix trained fails clearly, naming the missing run.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from nnbook.runs.files import atomic_write

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
whose effect on a run is its settings, which are in the key already). A test runs one
experiment of every kind in a fresh process and fails if it executed any other nnbook module."""


class RunNotCached(LookupError):
    """A run was asked for that is not in the cache, and ``NNBOOK_REQUIRE_CACHED`` forbids training it."""


def cache_dir() -> Path:
    """``$NNBOOK_CACHE`` if set, else ``$XDG_CACHE_HOME/nnbook/runs`` (``~/.cache/nnbook/runs``)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nnbook" / "runs"


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
    """The stored record at ``path``, or ``None`` if it is missing or unreadable."""
    try:
        record = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def write(folder: Path, files: dict[str, bytes]) -> None:
    """Write a run's files (name -> bytes) into ``folder`` atomically, the ``.json`` last."""
    for name in sorted(files, key=lambda n: n.endswith(".json")):
        data = files[name]
        atomic_write(Path(folder) / name, lambda f: f.write(data))
