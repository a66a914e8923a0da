"""MNIST: find or download the original files, verify them, parse them, split them 50k/10k/10k.

The data are the four gzip-compressed IDX files of the MNIST database (LeCun, Cortes and Burges,
http://yann.lecun.com/exdb/mnist/). An IDX file is a 4-byte magic number -- two zero bytes, a
dtype code (0x08 for unsigned bytes) and the number of dimensions -- then one big-endian int32 per
dimension, then the values in C order. Images are ``(n, 28, 28)`` grey levels 0-255 and labels
``(n,)`` digits 0-9.

Every file is checked against the SHA-256 of its *decompressed* content (one of the usual .gz
archives was recompressed, so the archive bytes prove nothing) before it is parsed: a damaged or
substituted file is never trained on. Files are looked for in :func:`data_dir` and, when missing,
downloaded from :data:`MIRRORS` atomically (temporary file, verify, rename). Nothing is unpickled.
A download gives up on a mirror that does not answer, that stalls (less than 16 KiB in
``timeout`` seconds) or that takes longer than ``deadline`` seconds for one file, and tries the
next; its temporary file is removed on every exit Python sees, and one left by a killed process
is removed by the next download into the folder once it is a day old. Files are written 0644.

As in the book, the first 50,000 official training images are for training, the last 10,000 for
validation, and the official 10,000 test images for testing.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import math
import os
import sys
import tempfile
import time
import urllib.request
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Union

import numpy as np
import numpy.typing as npt

from nnbook import checks

PathLike = Union[str, os.PathLike]
Progress = Callable[[str, int, Union[int, None]], None]

MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
"""Base URLs holding the four original .gz files, tried in order."""

_FILES = "the MNIST files"  # what a data folder is for, in error messages

FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)

SHA256: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte.gz": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte.gz": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte.gz": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
"""SHA-256 of each file's decompressed content (the raw IDX bytes), keyed by the .gz name."""

TIMEOUT = 30.0
"""Seconds to wait for a mirror to connect or answer, and the window of the stall check."""

DEADLINE = 600.0
"""Seconds one file's download may take in all, however steadily it arrives."""

VALIDATION_SIZE = 10_000
_STALL_BYTES = 16 * 1024  # a transfer that delivers less than this in TIMEOUT seconds has stalled
_STALE_SECONDS = 24 * 3600  # a temporary file this old was left by a killed download
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_CHUNK = 1 << 16
_FIX = ("set NNBOOK_DATA to a folder holding the four MNIST files ({}), or get network access "
        "and call again with download=True".format(", ".join(FILES)))


class MNISTNotFoundError(FileNotFoundError):
    """The MNIST files are not in the folder and may not (or could not) be downloaded."""


class DownloadError(OSError):
    """No mirror delivered a file that verifies."""


class ChecksumError(ValueError):
    """A file's decompressed content does not have the expected SHA-256."""


class IDXFormatError(ValueError):
    """A file is not a readable gzip-compressed IDX file, or not the MNIST content it should be."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """Images and their labels, one example per row.

    ``images`` has shape ``(m, n_pixels)`` and ``labels`` shape ``(m,)``. Both are stored as
    read-only views, so a cached data set cannot be changed by accident. Slicing gives a
    ``Dataset`` (``ds[:1000]``, ``ds[perm]``), and ``x, y = ds`` unpacks images and labels.
    """

    images: np.ndarray
    labels: np.ndarray

    def __post_init__(self) -> None:
        images, labels = _read_only(self.images), _read_only(self.labels)
        if images.ndim != 2:
            raise ValueError(f"images must have shape (m, n_pixels), one example per row; "
                             f"got shape {images.shape}")
        if labels.ndim != 1:
            raise ValueError(f"labels must have shape (m,); got shape {labels.shape}")
        if len(images) != len(labels):
            raise ValueError(f"images and labels must have the same length; "
                             f"got {len(images)} images and {len(labels)} labels")
        object.__setattr__(self, "images", images)
        object.__setattr__(self, "labels", labels)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: slice | np.ndarray | Sequence[int]) -> Dataset:
        if isinstance(index, (int, np.integer)):
            raise TypeError("a Dataset index must select rows (a slice or an index array), "
                            "not one integer; use ds[i:i+1], or ds.images[i] and ds.labels[i]")
        return Dataset(self.images[index], self.labels[index])

    def __iter__(self) -> Iterator[np.ndarray]:
        yield self.images
        yield self.labels

    def __repr__(self) -> str:
        return (f"Dataset(images={self.images.dtype} {self.images.shape}, "
                f"labels={self.labels.dtype} {self.labels.shape})")


class MNIST(NamedTuple):
    """The book's split: first 50,000 training images, last 10,000 of them, official test set."""

    training: Dataset
    validation: Dataset
    test: Dataset


_CACHE: dict[Path, MNIST] = {}


def data_dir() -> Path:
    """The folder MNIST is read from: ``$NNBOOK_DATA`` if set, else a per-user cache folder.

    The cache folder is ``$XDG_CACHE_HOME/nnbook/mnist``, by default ``~/.cache/nnbook/mnist``.
    Raises ValueError, naming the variable, if that path (or a folder above it) is a file.
    """
    if os.environ.get("NNBOOK_DATA"):
        return checks.check_folder("NNBOOK_DATA", Path(os.environ["NNBOOK_DATA"]).expanduser(), _FILES)
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return checks.check_folder("XDG_CACHE_HOME", Path(cache).expanduser() / "nnbook" / "mnist", _FILES)


def load_mnist(data_dir: PathLike | None = None, *, download: bool = True,
               progress: bool | Progress | None = None) -> MNIST:
    """Load MNIST as float32 images in [0, 1], ``(m, 784)``, and int64 labels, ``(m,)``.

    Every file is verified before it is parsed. The result is cached per folder for the life of
    the process (and its arrays are read-only), so calling this from many cells costs one load.

    Parameters
    ----------
    data_dir : folder holding the four .gz files; default :func:`data_dir`.
    download : fetch missing files from :data:`MIRRORS` (see :func:`fetch_mnist`) if true.
    progress : download progress display, as for :func:`fetch_mnist`.

    Returns
    -------
    MNIST
        ``training`` (the first 50,000 official training images), ``validation`` (the last
        10,000 of them) and ``test`` (the official 10,000), each a :class:`Dataset`.

    Raises
    ------
    MNISTNotFoundError : files missing and ``download`` false.
    DownloadError : a missing file could not be fetched from any mirror.
    ChecksumError, IDXFormatError : a file is damaged or is not the expected MNIST file.
    """
    folder = _folder(data_dir)
    key = folder.resolve()
    if key not in _CACHE:
        missing = [name for name in FILES if not (folder / name).is_file()]
        if missing and not download:
            raise MNISTNotFoundError(
                f"MNIST files not found in {folder}: missing {', '.join(missing)}; downloading "
                f"is off (download=False). To fix this, {_FIX}.")
        report = _reporter(progress)
        for name in missing:
            _download(name, folder, MIRRORS, report, TIMEOUT, DEADLINE)
        train_x, train_y, test_x, test_y = (_read_verified(folder / name) for name in FILES)
        train = _to_dataset(train_x, train_y, folder / FILES[0], folder / FILES[1])
        if len(train) <= VALIDATION_SIZE:
            raise IDXFormatError(f"{folder / FILES[0]}: {len(train)} training images, too few "
                                 f"to hold out {VALIDATION_SIZE} for validation")
        _CACHE[key] = MNIST(training=train[:-VALIDATION_SIZE],
                            validation=train[-VALIDATION_SIZE:],
                            test=_to_dataset(test_x, test_y, folder / FILES[2], folder / FILES[3]))
    return _CACHE[key]


def fetch_mnist(data_dir: PathLike | None = None, *, mirrors: Sequence[str] = MIRRORS,
                progress: bool | Progress | None = None, timeout: float = TIMEOUT,
                deadline: float = DEADLINE) -> Path:
    """Make sure the four files are in the folder and verified; download the missing ones.

    Each missing file is fetched from the first of ``mirrors`` that delivers it intact, into a
    temporary file in the same folder that is verified, then renamed: an interrupted or bad
    download never sits under the real name. Existing files are verified, never overwritten.

    Parameters
    ----------
    data_dir : the folder, created if needed; default :func:`data_dir`.
    mirrors : base URLs tried in order; ``mirror + name`` is the file's URL.
    progress : ``None`` draws a bar on stderr if stderr is a terminal, ``True`` always, ``False``
        never; a callable is called as ``progress(name, done_bytes, total_bytes_or_None)``, and
        the last call for a downloaded file has ``done == total``.
    timeout : seconds to wait for a mirror to connect or send more data; a transfer that
        delivers less than 16 KiB in that many seconds has stalled and the next mirror is tried.
    deadline : seconds one file's download may take in all (a mirror that trickles steadily is
        given up on after this long); the next mirror is tried.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    DownloadError : no mirror delivered a file that verifies; says what each one did.
    ChecksumError, IDXFormatError : a file already in the folder is damaged (it is left alone).
    """
    folder = _folder(data_dir)
    report = _reporter(progress)
    timeout, deadline = _seconds("timeout", timeout), _seconds("deadline", deadline)
    if isinstance(mirrors, (str, bytes)):
        raise ValueError(f"mirrors must be a list of base URLs; got the string {mirrors!r}")
    for name in FILES:
        if (folder / name).is_file():
            _read_verified(folder / name)
        else:
            _download(name, folder, mirrors, report, timeout, deadline)
    return folder


def _seconds(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a number of seconds > 0; got {value!r}")
    return float(value)


def mnist_files(data_dir: PathLike | None = None) -> dict[str, bytes]:
    """The four verified .gz files as bytes, keyed by name: what a machine without them needs.

    Downloads what is missing first (:func:`fetch_mnist`). ``python -m nnbook precompute`` sends
    these bytes to the workers of a cluster, which install them with :func:`install_mnist_files`,
    so that MNIST is fetched once and the workers need neither a shared disk nor the internet.
    """
    folder = fetch_mnist(data_dir, progress=False)
    return {name: (folder / name).read_bytes() for name in FILES}


def install_mnist_files(files: dict[str, bytes], data_dir: PathLike | None = None) -> Path:
    """Write the files of :func:`mnist_files` into the data folder, each verified first.

    Files already in the folder are left as they are (:func:`load_mnist` verifies them when it
    reads them); missing ones are written atomically. Returns the folder.

    Raises
    ------
    ValueError : ``files`` does not hold exactly the four MNIST files.
    ChecksumError, IDXFormatError : one of them is not the expected file (nothing is written).
    """
    if not isinstance(files, dict) or sorted(files) != sorted(FILES):
        got = sorted(files) if isinstance(files, dict) else type(files).__name__
        raise ValueError(f"files must map the four MNIST file names to their bytes; got {got}")
    for name in FILES:
        _check_digest(_gunzip(files[name], name), name, name)
    folder = _folder(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        if not (folder / name).is_file():
            fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(files[name])
                os.chmod(temp, 0o644)  # mkstemp makes it private; MNIST is not secret
                os.replace(temp, folder / name)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
    return folder


def read_idx(path: PathLike) -> np.ndarray:
    """Parse one gzip-compressed IDX file into an array of its shape and (native) dtype.

    The IDX format, as the MNIST page describes it: a big-endian magic number whose first two
    bytes are zero, whose third byte is the type of the values (0x08 unsigned byte, 0x09 signed
    byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64) and whose fourth is the number of
    dimensions; then each dimension as a big-endian int32; then the values, big-endian, last
    index varying fastest (C order). The payload must hold exactly the product of the
    dimensions, so a cut or padded file is caught here. No checksum is checked.

    Raises
    ------
    IDXFormatError : not gzip, truncated or corrupt gzip, bad magic number, unknown type code,
        or a payload of the wrong length; the message names the file.
    FileNotFoundError : no such file.
    """
    path = Path(path)
    return _parse_idx(_gunzip(path.read_bytes(), str(path)), str(path))


def one_hot(labels: np.ndarray | Sequence[int], n_classes: int = 10,
            dtype: npt.DTypeLike = np.float64) -> np.ndarray:
    """Encode integer labels as rows of an ``(m, n_classes)`` array: 1 in column ``label``.

    This is the book's vector form y(x) of a digit, e.g. 3 -> (0, 0, 0, 1, 0, ..., 0), needed
    where a cost compares the output layer with a target vector.

    Raises
    ------
    ValueError : ``labels`` is not a 1-D integer array, or holds a value outside
        ``0..n_classes-1``.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a 1-D array of integers; "
                         f"got shape {labels.shape}, dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must lie in 0..{n_classes - 1} for n_classes={n_classes}; "
                         f"got values from {labels.min()} to {labels.max()}")
    encoded = np.zeros((len(labels), n_classes), dtype=dtype)
    encoded[np.arange(len(labels)), labels] = 1
    return encoded


def _folder(path: PathLike | None) -> Path:
    return data_dir() if path is None else checks.check_folder("data_dir", Path(path).expanduser(), _FILES)


def _read_only(array: np.ndarray) -> np.ndarray:
    view = np.asarray(array).view()
    view.flags.writeable = False
    return view


def _gunzip(compressed: bytes, label: str) -> bytes:
    try:
        return gzip.decompress(compressed)
    except (EOFError, OSError, zlib.error) as exc:
        raise IDXFormatError(f"{label}: cannot decompress ({exc}); the file is truncated "
                             f"or is not a gzip file") from exc


def _check_digest(raw: bytes, name: str, label: str, hint: str = "") -> None:
    actual = hashlib.sha256(raw).hexdigest()
    if actual != SHA256[name]:
        raise ChecksumError(f"{label}: SHA-256 of the decompressed content is {actual}, expected "
                            f"{SHA256[name]}; it is damaged or is not the MNIST file {name}{hint}")


def _parse_idx(raw: bytes, label: str) -> np.ndarray:
    if len(raw) < 4 or raw[:2] != b"\0\0":
        raise IDXFormatError(f"{label}: bad IDX magic number {raw[:4].hex()}; an IDX file "
                             f"starts with two zero bytes, a dtype code and the number of dims")
    code, ndim = raw[2], raw[3]
    if code not in _IDX_DTYPES:
        raise IDXFormatError(f"{label}: unknown IDX dtype code 0x{code:02x}; expected one of "
                             f"{', '.join(f'0x{c:02x}' for c in _IDX_DTYPES)} (0x08 = uint8)")
    start = 4 + 4 * ndim
    if len(raw) < start:
        raise IDXFormatError(f"{label}: header cut short: {ndim} dimensions need {start} bytes")
    shape = tuple(int(d) for d in np.frombuffer(raw, ">i4", ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[code])
    expected = math.prod(shape) * dtype.itemsize
    if len(raw) - start != expected:
        raise IDXFormatError(f"{label}: payload length mismatch: dimensions {shape} of {dtype} "
                             f"need {expected} bytes, the file holds {len(raw) - start}")
    return np.frombuffer(raw, dtype, offset=start).reshape(shape).astype(dtype.newbyteorder("="))


def _read_verified(path: Path) -> np.ndarray:
    raw = _gunzip(path.read_bytes(), str(path))
    _check_digest(raw, path.name, str(path), ". Delete it or replace it with a good copy")
    return _parse_idx(raw, str(path))


def _to_dataset(images: np.ndarray, labels: np.ndarray, images_path: Path,
                labels_path: Path) -> Dataset:
    if images.ndim != 3 or images.dtype != np.uint8:
        raise IDXFormatError(f"{images_path}: expected uint8 images (n, rows, cols); "
                             f"got {images.dtype} {images.shape}")
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise IDXFormatError(f"{labels_path}: expected uint8 labels (n,); "
                             f"got {labels.dtype} {labels.shape}")
    if len(images) != len(labels):
        raise IDXFormatError(f"{images_path} holds {len(images)} images but {labels_path} "
                             f"holds {len(labels)} labels")
    if np.any(labels > 9):
        raise IDXFormatError(f"{labels_path}: labels must lie in 0..9; found {labels.max()}")
    pixels = images.reshape(len(images), -1).astype(np.float32)
    pixels /= 255
    pixels.flags.writeable = False
    return Dataset(pixels, labels.astype(np.int64))


def _download(name: str, folder: Path, mirrors: Sequence[str], report: Progress,
              timeout: float, deadline: float) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder, name)
    failures = []
    for base in mirrors:
        url = base if base.endswith("/") else base + "/"
        url += name
        try:
            _download_one(url, folder / name, report, timeout, deadline)
            return
        except (OSError, ValueError, http.client.HTTPException) as exc:
            failures.append(f"  {url}: {exc}")
    tried = "\n".join(failures) or "  (no mirrors given)"
    raise DownloadError(f"could not download {name} into {folder}; mirrors tried:\n{tried}\n"
                        f"To fix this, {_FIX}.")


def _remove_stale(folder: Path, name: str) -> None:
    """Remove the temporary files of downloads of ``name`` that a killed process left behind."""
    now = time.time()
    for temp in folder.glob(f".{name}.*.part"):
        try:
            if now - temp.stat().st_mtime > _STALE_SECONDS:
                temp.unlink()
        except OSError:
            continue


def _download_one(url: str, target: Path, report: Progress, timeout: float,
                  deadline: float) -> None:
    """Fetch ``url`` into ``target`` through a temporary file, verified before it is renamed.

    Each read waits at most ``timeout`` seconds (the socket's timeout). Between reads: the
    transfer has stalled if less than 16 KiB arrived in the last ``timeout`` seconds, and has
    run out of time ``deadline`` seconds after the request; either raises DownloadError. Reads
    take what has arrived (``read1``), so a mirror sending one byte a second is still watched.
    """
    start = time.monotonic()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        try:
            done = 0
            mark_time, mark_done = start, 0  # when the stall check last saw 16 KiB arrive
            read = getattr(response, "read1", response.read)
            with os.fdopen(fd, "wb") as out:
                report(target.name, done, total)
                while chunk := read(_CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    report(target.name, done, total)
                    now = time.monotonic()
                    if now - start > deadline:
                        raise DownloadError(f"gave up after the deadline of {deadline:g} s with "
                                            f"{done} bytes received")
                    if done - mark_done >= _STALL_BYTES:
                        mark_time, mark_done = now, done
                    elif now - mark_time > timeout:
                        raise DownloadError(f"the transfer stalled: {done - mark_done} bytes in "
                                            f"the last {now - mark_time:.1f} s")
            if total is None:
                report(target.name, done, done)
            elif done != total:
                raise DownloadError(f"connection closed after {done} of {total} bytes")
            _check_digest(_gunzip(Path(temp).read_bytes(), target.name), target.name, target.name)
            os.chmod(temp, 0o644)  # mkstemp makes it private; MNIST is not secret
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


def _reporter(progress: bool | Progress | None) -> Progress:
    if progress is None:
        progress = bool(getattr(sys.stderr, "isatty", lambda: False)())
    if progress is True:
        return _stderr_bar
    if progress is False:
        return lambda name, done, total: None
    if callable(progress):
        return progress
    raise TypeError(f"progress must be None, True, False or a callable; got {progress!r}")


def _stderr_bar(name: str, done: int, total: int | None) -> None:
    if total:
        filled = "#" * (30 * done // total)
        line = f"\r{name} [{filled:<30}] {done / total:4.0%} of {total / 1e6:.1f} MB"
    else:
        line = f"\r{name} {done / 1e6:.1f} MB"
    sys.stderr.write(line + ("\n" if done == total else ""))
    sys.stderr.flush()
