"""Writing files so that a reader never sees half of one.

:func:`atomic_write` is the one way nnbook writes a file that something else will read later (the
run cache, saved networks): the content goes to a temporary file in the target's own folder, and
only a complete file is renamed over the target. ``os.replace`` is atomic when both names are on
the same file system, which is why the temporary file lives next to the target and not in /tmp.

:func:`write_npz` writes arrays as numpy's ``.npz`` format with fixed timestamps, so that the same
arrays always give the same bytes (``numpy.savez`` stamps each member with the current time): a
run computed twice, here or on another machine, is then stored as the same file.
"""

from __future__ import annotations

import os
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Union

import numpy as np

PathLike = Union[str, os.PathLike]


def atomic_write(path: PathLike, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write(f)`` on a binary file that becomes ``path`` only once ``write`` has returned.

    The folder is created if needed. If ``write`` (or anything after it) raises, the temporary
    file is removed, ``path`` is left as it was (absent, or its previous content) and the
    exception propagates: every exit that Python sees, KeyboardInterrupt included. The
    temporary file is named ``.<name>.<random>.tmp``; one that a killed process left behind
    (a signal Python cannot answer) is removed by the next write of the same name once it is
    :data:`STALE_SECONDS` old. The file is readable by everyone (0644), like any saved file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(path.parent, f".{path.name}.*.tmp", STALE_SECONDS)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a cache or a saved network is not secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


STALE_SECONDS = 24 * 3600
"""A temporary file older than this (in seconds) was left by a writer that was killed."""


def remove_stale(folder: PathLike, pattern: str, age: float = STALE_SECONDS) -> list[Path]:
    """Remove the files of ``folder`` matching ``pattern`` that were last modified more than
    ``age`` seconds ago: the temporary files of writers that were killed. Returns them.

    A file that vanishes meanwhile (another process cleaning up) or cannot be removed is left
    to the next writer; this never raises for one file.
    """
    now, removed = time.time(), []
    for path in Path(folder).glob(pattern):
        try:
            if now - path.stat().st_mtime > age and path.is_file():
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip member can carry


def write_npz(f: BinaryIO, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` to the binary file ``f`` as an uncompressed ``.npz`` (what
    ``numpy.savez(f, **arrays)`` writes, readable by ``numpy.load``), deterministically: members
    in the order given, each stamped 1980-01-01. Object arrays are refused (no pickles)."""
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH)
            with archive.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
