"""Save a trained network to a file and load it back.

The file format
---------------
A network is stored as a NumPy ``.npz`` archive: a zip file holding one ``.npy`` file per array.
Nothing in it is executable and nothing is pickled; :func:`load` opens it with
``allow_pickle=False``, so a file that holds Python objects is refused, never run. The archive
holds exactly these arrays, for a network with L = ``len(sizes)`` layers:

``meta``
    uint8, shape (k,): a JSON object encoded as UTF-8, with the keys

    * ``"format"``: always ``"nnbook.network"``;
    * ``"version"``: the format version, an integer; this is version 1;
    * ``"sizes"``: neurons per layer, input first, e.g. ``[784, 30, 10]``;
    * ``"cost"``: the cost's name, ``"quadratic"``, ``"cross-entropy"``, ...;
    * ``"activation"``: the hidden neurons' activation, ``"sigmoid"``, ``"tanh"``, ...;
    * ``"output_activation"``: the output neurons' activation, ``"softmax"``, ``"sigmoid"``, ...
      (often the same as ``"activation"``);
    * ``"dtype"``: the parameters' dtype, ``"float64"`` or ``"float32"``;
    * ``"nnbook"``: the version of nnbook that wrote the file (for information only).

``w0``, ``w1``, ..., ``w{L-2}``
    The weights, ``w{l}`` of shape ``(sizes[l+1], sizes[l])`` and the dtype above: row j,
    column k is the weight from neuron k of one layer to neuron j of the next, as in
    ``Network.weights[l]``.
``b0``, ``b1``, ..., ``b{L-2}``
    The biases, ``b{l}`` of shape ``(sizes[l+1],)``, as in ``Network.biases[l]``.

A reader rejects a file whose ``version`` is newer than the one it knows; a later version of
nnbook that changes the layout will write a new version number and still read version 1.

Reading a file without nnbook takes numpy and the standard library only::

    import json
    import numpy as np

    with np.load("net.npz", allow_pickle=False) as f:
        meta = json.loads(f["meta"].tobytes().decode("utf-8"))
        layers = range(len(meta["sizes"]) - 1)
        weights = [f[f"w{l}"] for l in layers]
        biases = [f[f"b{l}"] for l in layers]

    # the output for images x of shape (m, sizes[0]), for sigmoid neurons throughout:
    a = x
    for w, b in zip(weights, biases):
        a = 1 / (1 + np.exp(-(a @ w.T + b)))

Any zip tool lists the members (``meta.npy``, ``w0.npy``, ...), and each ``.npy`` file is a short
text header followed by the raw values.

Chapter 6's convolutional networks
----------------------------------
:func:`save_convnet` and :func:`load_convnet` store a :class:`nnbook.convnet.Network` the same way
(an .npz of plain arrays, read with ``allow_pickle=False``, written atomically), under a second
format name. Its ``meta`` has the keys

* ``"format"``: always ``"nnbook.convnet"``; ``"version"``: 1 (a newer one is refused);
* ``"layers"``: one object per layer, in order: ``{"kind": "conv", "image_shape": [c, rows, cols],
  "n_filters", "filter_size", "pool_size", "activation"}``, ``{"kind": "fc", "n_in", "n_out",
  "activation", "p_dropout"}`` or ``{"kind": "softmax", "n_in", "n_out", "p_dropout"}``;
* ``"dtype"``, ``"init"`` and ``"dropout"`` (the network's options), and ``"nnbook"``.

and the arrays ``w{i}``, ``b{i}`` of layer i: convolutional weights (n_filters, c, f, f), others
(n_out, n_in); biases (n_filters,) or (n_out,).

Writing is atomic: the archive is written to a temporary file in the target's folder and renamed
over the target only when complete, so an interrupted :func:`save` never leaves a half-written
network under the real name (nor a temporary file behind).

Reading checks before it trusts: every member of the archive must be a ``.npy`` array whose
header (read first, on its own) declares a dtype of numbers and a shape whose size is exactly
what the member holds, and no member may be larger than :data:`MAX_BYTES`; ``meta`` is at most
:data:`MAX_META_BYTES` of JSON. Only then are the values read. Whatever is wrong with a file, a
reader raises one error type, :class:`NetworkFileError` (a ``ValueError``), whose message names
the file and the problem.
"""

from __future__ import annotations

import json
import math
import os
import zipfile
import zlib
from pathlib import Path
from typing import Union

import numpy as np

from nnbook import __version__, activations, costs
from nnbook.runs.files import atomic_write, write_npz
from nnbook.network import Network
from nnbook import convnet

PathLike = Union[str, os.PathLike]

FORMAT = "nnbook.network"
"""The ``format`` field of every file :func:`save` writes."""

VERSION = 1
"""The format version :func:`save` writes and the newest one :func:`load` reads."""

MAX_BYTES = 1 << 32
"""The largest array member a reader accepts (4 GiB; the book's largest network is 7 MB)."""

MAX_META_BYTES = 1 << 16
"""The largest ``meta`` a reader accepts (64 KiB of JSON; the book's are a few hundred bytes)."""

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members, an empty zip
_NPY_MAGIC = b"\x93NUMPY"


class NetworkFileError(ValueError):
    """A file that :func:`load` or :func:`load_convnet` cannot read as a network; the message
    names the file and says what is wrong with it."""


class NetworkFileNotFound(NetworkFileError, FileNotFoundError):
    """There is no file at the path given to :func:`load` or :func:`load_convnet`."""


def save(net: Network, path: PathLike) -> Path:
    """Write ``net`` to ``path`` in the format described in this module's docstring.

    The file is written exactly at ``path`` (no suffix is added; ``.npz`` is the usual one), the
    folder is created if needed, and an existing file is replaced only once the new one is
    complete. Returns the path as a :class:`~pathlib.Path`.

    Raises
    ------
    TypeError : ``net`` is not a :class:`~nnbook.network.Network`, or ``path`` is not a path.
    ValueError : the network cannot be stored faithfully: its cost or activation is not one of
        nnbook's named ones (the file stores names, not code), or its parameters do not match
        its sizes and dtype, or are not finite (a diverged network; :func:`load` would refuse it).
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be an nnbook Network; got {type(net).__name__}")
    path = _path(path)
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "sizes": [int(n) for n in net.sizes],
        "cost": _cost_name(net.cost),
        "activation": _activation_name(net.activation, "net.activation"),
        "output_activation": _activation_name(net.output_activation, "net.output_activation"),
        "dtype": np.dtype(net.dtype).name,
        "nnbook": __version__,
    }
    _check_parameters(list(net.weights), list(net.biases), meta["sizes"], np.dtype(net.dtype),
                      "net")
    arrays = {"meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)}
    for l, (w, b) in enumerate(zip(net.weights, net.biases)):
        arrays[f"w{l}"] = w
        arrays[f"b{l}"] = b
    atomic_write(path, lambda f: write_npz(f, arrays))
    return path


def load(path: PathLike) -> Network:
    """Read a network written by :func:`save`: same sizes, cost, activations, dtype and parameters.

    Every weight and bias is restored bit for bit. The file is read with ``allow_pickle=False``
    and checked completely before a network is built.

    Raises
    ------
    NetworkFileError : (a ValueError) the file is not a network this nnbook can read; the message
        names the file and the problem: not an .npz archive, truncated or corrupt, a member that
        is not a .npy array or whose header does not match its size, pickled Python objects, a
        missing or unexpected array, an unknown format, a newer format version, a malformed
        ``meta``, an unknown cost or activation, parameters of the wrong shape or dtype, or
        parameters that are not finite. With no file at ``path``, the subclass
        :class:`NetworkFileNotFound`, which is also a FileNotFoundError.
    TypeError : ``path`` is not a path.
    """
    return _open(path, _read, "save")


def _open(path, read, writer: str):
    """Open the .npz archive at ``path`` without unpickling anything and return
    ``read(archive, path)``; every failure becomes a :class:`NetworkFileError` naming the file."""
    path = _path(path)
    try:
        with open(path, "rb") as fh:
            magic = fh.read(len(_NPY_MAGIC))
            if magic.startswith(_NPY_MAGIC):
                raise NetworkFileError(f"{path}: is a single .npy array, not an .npz archive "
                                       f"written by nnbook.runs.serialize.{writer}")
            if magic[:4] not in _ZIP_MAGIC:
                raise NetworkFileError(f"{path}: is not an .npz (zip) archive; a network file "
                                       f"written by nnbook.runs.serialize.{writer} starts with the "
                                       f"zip signature 'PK'")
            fh.seek(0)
            try:
                archive = zipfile.ZipFile(fh)
            except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError) as exc:
                raise NetworkFileError(f"{path}: cannot read the .npz archive ({exc}); the file "
                                       f"is truncated or corrupt") from exc
            with archive:
                return read(_Archive(archive, path), path)
    except NetworkFileError:
        raise
    except FileNotFoundError as exc:
        raise NetworkFileNotFound(f"{path}: no such file") from exc
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError,
            RecursionError, MemoryError, OSError, EOFError, UnicodeError, zipfile.BadZipFile,
            zlib.error) as exc:
        message = str(exc)
        raise NetworkFileError(message if message.startswith(f"{path}:")
                               else f"{path}: cannot be read as a network ({type(exc).__name__}: "
                                    f"{message[:200]})") from exc


class _Archive:
    """The arrays of an open .npz archive, each member's header checked before any value is read.

    ``files`` lists the arrays' names (the members without ``.npy``); ``shape(key)`` is a
    member's declared shape; ``archive[key]`` reads its values (``allow_pickle=False``).
    """

    def __init__(self, archive: zipfile.ZipFile, path: Path):
        self.archive, self.path = archive, path
        self.members: dict[str, tuple[zipfile.ZipInfo, tuple[int, ...]]] = {}
        for info in archive.infolist():
            name = info.filename
            if not name.endswith(".npy") or "/" in name or name[:-4] in self.members:
                raise NetworkFileError(f"{path}: member {name!r} is not a .npy array of its own; "
                                       f"a network file holds only the .npy arrays it lists")
            key = name[:-4]
            if info.file_size > (MAX_META_BYTES if key == "meta" else MAX_BYTES):
                raise NetworkFileError(f"{path}: array {key!r} is {info.file_size} bytes, more "
                                       f"than a network file's arrays may be")
            self.members[key] = (info, self._header(key, info))

    def _header(self, key: str, info: zipfile.ZipInfo) -> tuple[int, ...]:
        """Read and check the .npy header of member ``key``: a dtype of numbers, and a shape whose
        values fill the member exactly."""
        fmt = np.lib.format
        try:
            with self.archive.open(info) as member:
                version = fmt.read_magic(member)
                reader = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
                shape, _, dtype = reader(member)
                header = member.tell()
        except (ValueError, OSError, EOFError, SyntaxError, zipfile.BadZipFile, zlib.error) as exc:
            raise NetworkFileError(f"{self.path}: array {key!r} cannot be read ({exc}); the "
                                   f"file is truncated or corrupt") from exc
        if dtype.hasobject:
            raise NetworkFileError(f"{self.path}: array {key!r} holds Python objects (pickled "
                                   f"data), which nnbook never loads; a network file holds "
                                   f"numbers only")
        declared = math.prod(shape) * dtype.itemsize
        if header + declared != info.file_size:
            raise NetworkFileError(f"{self.path}: array {key!r} declares shape {shape} of "
                                   f"{dtype} ({declared} bytes), but its member holds "
                                   f"{info.file_size - header} bytes of values")
        return tuple(shape)

    @property
    def files(self) -> list[str]:
        return list(self.members)

    def shape(self, key: str) -> tuple[int, ...]:
        return self.members[key][1]

    def __getitem__(self, key: str) -> np.ndarray:
        with self.archive.open(self.members[key][0]) as member:
            return np.lib.format.read_array(member, allow_pickle=False)


# ---- reading ----------------------------------------------------------------------------------


def _read(npz, path: Path) -> Network:
    keys = set(npz.files)
    if "meta" not in keys:
        raise ValueError(f"{path}: not an nnbook network file: it has no 'meta' array "
                         f"(its arrays: {', '.join(sorted(keys)) or 'none'})")
    meta = _meta(_array(npz, "meta", path), path)
    sizes, dtype = meta["sizes"], meta["dtype"]
    layers = range(len(sizes) - 1)
    expected = {"meta"} | {f"w{l}" for l in layers} | {f"b{l}" for l in layers}
    if missing := sorted(expected - keys):
        raise ValueError(f"{path}: missing arrays {', '.join(missing)}; a network of sizes "
                         f"{sizes} needs w0..w{len(sizes) - 2} and b0..b{len(sizes) - 2}")
    if unexpected := sorted(keys - expected):
        raise ValueError(f"{path}: unexpected arrays {', '.join(unexpected)}; a network of "
                         f"sizes {sizes} has only meta, w0..w{len(sizes) - 2} and "
                         f"b0..b{len(sizes) - 2}")
    weights = [_array(npz, f"w{l}", path) for l in layers]
    biases = [_array(npz, f"b{l}", path) for l in layers]
    _check_parameters(weights, biases, sizes, dtype, str(path))
    net = _build(meta, path)
    # Fresh, writable, C-ordered copies in the native byte order; the values are unchanged.
    net.weights = [np.array(w, dtype=dtype, order="C") for w in weights]
    net.biases = [np.array(b, dtype=dtype, order="C") for b in biases]
    return net


def _array(npz, key: str, path: Path) -> np.ndarray:
    try:
        return npz[key]
    except NetworkFileError:
        raise
    except ValueError as exc:
        if "allow_pickle" in str(exc):
            raise ValueError(f"{path}: array {key!r} holds Python objects (pickled data), which "
                             f"nnbook never loads; a network file holds numbers only") from exc
        raise ValueError(f"{path}: array {key!r} cannot be read ({exc}); the file is "
                         f"corrupt") from exc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise ValueError(f"{path}: array {key!r} cannot be read ({exc}); the file is "
                         f"truncated or corrupt") from exc


def _header(raw: np.ndarray, path: Path, format: str, newest: int) -> dict:
    """Decode the ``meta`` array and check its format name and version (at most ``newest``).

    A file of nnbook's other format is refused with the name of the function that reads it.
    """
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise ValueError(f"{path}: 'meta' must be a 1-D uint8 array of UTF-8 JSON; got "
                         f"{raw.dtype} of shape {raw.shape}")
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"{path}: 'meta' is not UTF-8 JSON ({exc})") from exc
    except RecursionError:
        raise ValueError(f"{path}: 'meta' is JSON nested too deeply to be a network's "
                         f"description") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: 'meta' must be a JSON object; got {type(meta).__name__}")
    if meta.get("format") != format:
        readers = {FORMAT: "a chapter 1-3 network: use nnbook.runs.serialize.load",
                   CONV_FORMAT: "a chapter 6 network: use nnbook.runs.serialize.load_convnet"}
        hint = f" ({readers[meta['format']]})" if meta.get("format") in readers else ""
        raise ValueError(f"{path}: unknown format {meta.get('format')!r}; expected "
                         f"{format!r}{hint}")
    version = meta.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"{path}: format version must be a positive integer; got {version!r}")
    if version > newest:
        raise ValueError(f"{path}: written in format version {version} by a newer nnbook "
                         f"({meta.get('nnbook', 'unknown version')}); this nnbook ({__version__}) "
                         f"reads versions up to {newest}. Upgrade nnbook to load it")
    return meta


def _meta(raw: np.ndarray, path: Path) -> dict:
    """Decode and check the ``meta`` array: format, version, then every field version 1 has."""
    meta = _header(raw, path, FORMAT, VERSION)
    for key in ("sizes", "cost", "activation", "output_activation", "dtype"):
        if key not in meta:
            raise ValueError(f"{path}: 'meta' lacks the field {key!r}")
    sizes = meta["sizes"]
    if (not isinstance(sizes, list) or len(sizes) < 2
            or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in sizes)):
        raise ValueError(f"{path}: 'sizes' must list at least two positive integers; "
                         f"got {sizes!r}")
    for key in ("cost", "activation", "output_activation", "dtype"):
        if not isinstance(meta[key], str):
            raise ValueError(f"{path}: {key!r} must be a name (a string); got {meta[key]!r}")
    try:
        dtype = np.dtype(meta["dtype"])
    except TypeError:
        dtype = None
    if dtype is None or dtype.kind != "f":
        raise ValueError(f"{path}: 'dtype' must name a floating-point type such as 'float64'; "
                         f"got {meta['dtype']!r}")
    return dict(meta, dtype=dtype)


def _build(meta: dict, path: Path) -> Network:
    """A Network with the file's sizes, cost, activations and dtype (its parameters are replaced)."""
    try:
        return Network(meta["sizes"], cost=meta["cost"], activation=meta["activation"],
                       output_activation=meta["output_activation"], dtype=meta["dtype"], rng=0)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{path}: cannot build the network it describes: {exc}") from exc


# ---- checks shared by save and load -----------------------------------------------------------


def _check_parameters(weights: list, biases: list, sizes: list[int], dtype: np.dtype,
                      where: str) -> None:
    if len(weights) != len(sizes) - 1 or len(biases) != len(sizes) - 1:
        raise ValueError(f"{where}: sizes {sizes} need {len(sizes) - 1} weight matrices and bias "
                         f"vectors; got {len(weights)} and {len(biases)}")
    for l, (w, b) in enumerate(zip(weights, biases)):
        for name, array, shape in ((f"w{l}", w, (sizes[l + 1], sizes[l])),
                                   (f"b{l}", b, (sizes[l + 1],))):
            if not isinstance(array, np.ndarray) or array.shape != shape:
                got = array.shape if isinstance(array, np.ndarray) else type(array).__name__
                raise ValueError(f"{where}: {name} must have shape {shape} for sizes {sizes}; "
                                 f"got {got}")
            if array.dtype.kind != "f" or array.dtype.itemsize != dtype.itemsize:
                raise ValueError(f"{where}: {name} must be {dtype.name}; got {array.dtype}")
            if not np.all(np.isfinite(array)):
                raise ValueError(f"{where}: {name} holds non-finite values (NaN or infinity); "
                                 f"the network diverged. Train again with a smaller learning rate")


def _cost_name(cost) -> str:
    name = getattr(cost, "name", None)
    registered = costs.COSTS.get(name) if isinstance(name, str) else None
    if registered is None or not (cost is registered or type(cost) is registered):
        raise ValueError(f"net.cost must be one of nnbook's named costs ({sorted(costs.COSTS)}) "
                         f"to be saved, since the file stores its name; got {cost!r}")
    return name


def _activation_name(activation, label: str) -> str:
    name = getattr(activation, "name", None)
    registered = activations.ACTIVATIONS.get(name) if isinstance(name, str) else None
    if registered is None or type(activation) is not type(registered):
        raise ValueError(f"{label} must be one of nnbook's named activations "
                         f"({sorted(activations.ACTIVATIONS)}) to be saved, since the file "
                         f"stores its name; got {activation!r}")
    return name


def _path(path) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}")
    return Path(path)


# ---- chapter 6's convolutional networks --------------------------------------------------------

CONV_FORMAT = "nnbook.convnet"
"""The ``format`` field of every file :func:`save_convnet` writes."""

CONV_VERSION = 1
"""The format version :func:`save_convnet` writes and the newest one :func:`load_convnet` reads."""


def _layer_meta(layer) -> dict:
    if isinstance(layer, convnet.ConvPoolLayer):
        return {"kind": "conv", "image_shape": list(layer.image_shape),
                "n_filters": layer.n_filters, "filter_size": layer.filter_size,
                "pool_size": layer.pool_size, "activation": layer.activation.name}
    if isinstance(layer, convnet.FullyConnectedLayer):
        return {"kind": "fc", "n_in": layer.n_in, "n_out": layer.n_out,
                "activation": layer.activation.name, "p_dropout": layer.p_dropout}
    return {"kind": "softmax", "n_in": layer.n_in, "n_out": layer.n_out,
            "p_dropout": layer.p_dropout}


def _layer_from_meta(d) -> object:
    if not isinstance(d, dict):
        raise ValueError(f"each layer must be a JSON object; got {d!r:.60}")
    d = dict(d)
    kind = d.pop("kind", None)
    cls = {"conv": convnet.ConvPoolLayer, "fc": convnet.FullyConnectedLayer,
           "softmax": convnet.SoftmaxLayer}.get(kind)
    if cls is None:
        raise ValueError(f"unknown layer kind {kind!r}; expected 'conv', 'fc' or 'softmax'")
    if "image_shape" in d and isinstance(d["image_shape"], list):
        d["image_shape"] = tuple(d["image_shape"])
    return cls(**d)


def save_convnet(net, path: PathLike) -> Path:
    """Write the convolutional network ``net`` to ``path`` (format ``"nnbook.convnet"``, described
    in this module's docstring), atomically. Returns the path.

    Raises TypeError if ``net`` is not a :class:`nnbook.convnet.Network`, ValueError if its
    parameters are not finite or do not match its layers.
    """
    if not isinstance(net, convnet.Network):
        raise TypeError(f"net must be an nnbook.convnet.Network; got {type(net).__name__}")
    path = _path(path)
    meta = {"format": CONV_FORMAT, "version": CONV_VERSION,
            "layers": [_layer_meta(layer) for layer in net.layers],
            "dtype": net.dtype.name, "init": net.init, "dropout": net.dropout,
            "nnbook": __version__}
    _check_conv_parameters(net, net.weights, net.biases, "net")
    arrays = {"meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)}
    for i, (w, b) in enumerate(zip(net.weights, net.biases)):
        arrays[f"w{i}"], arrays[f"b{i}"] = w, b
    atomic_write(path, lambda f: write_npz(f, arrays))
    return path


def load_convnet(path: PathLike):
    """Read a network written by :func:`save_convnet`: same layers, options and parameters, bit
    for bit. The file is read with ``allow_pickle=False`` and checked completely first.

    Raises :class:`NetworkFileError` (a ValueError) naming the file and the problem: not an
    .npz, corrupt, a member that is not a .npy array or whose header does not match its size,
    pickled objects, another format, a newer version, a malformed ``meta``, missing or extra
    arrays, wrong shapes or dtypes, non-finite values; :class:`NetworkFileNotFound` (also a
    FileNotFoundError) if there is no file.
    """
    return _open(path, _read_convnet, "save_convnet")


def _read_convnet(npz, path: Path):
    keys = set(npz.files)
    if "meta" not in keys:
        raise ValueError(f"{path}: not an nnbook network file: it has no 'meta' array")
    meta = _header(_array(npz, "meta", path), path, CONV_FORMAT, CONV_VERSION)
    for key in ("layers", "dtype", "init", "dropout"):
        if key not in meta:
            raise ValueError(f"{path}: 'meta' lacks the field {key!r}")
    if not isinstance(meta["layers"], list) or not meta["layers"]:
        raise ValueError(f"{path}: 'layers' must be a non-empty list; got {meta['layers']!r:.60}")
    try:
        layers = [_layer_from_meta(d) for d in meta["layers"]]
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{path}: cannot build the network it describes: {exc}") from exc
    count = len(layers)
    expected = {"meta"} | {f"w{i}" for i in range(count)} | {f"b{i}" for i in range(count)}
    if missing := sorted(expected - keys):
        raise ValueError(f"{path}: missing arrays {', '.join(missing)} for {count} layers")
    if unexpected := sorted(keys - expected):
        raise ValueError(f"{path}: unexpected arrays {', '.join(unexpected)}; a network of "
                         f"{count} layers has only meta, w0..w{count - 1} and b0..b{count - 1}")
    # The layers' sizes against the arrays' declared shapes, before a network of those sizes is
    # built: a meta describing huge layers over small arrays allocates nothing.
    for i, layer in enumerate(layers):
        for name, shape in ((f"w{i}", tuple(layer.weight_shape)), (f"b{i}", (layer.weight_shape[0],))):
            if npz.shape(name) != shape:
                raise ValueError(f"{path}: {name} must have shape {shape} for layer {i}; got "
                                 f"{npz.shape(name)}")
    try:
        net = convnet.Network(layers, rng=0, dtype=np.dtype(meta["dtype"]), init=meta["init"],
                              dropout=meta["dropout"])
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{path}: cannot build the network it describes: {exc}") from exc
    weights = [_array(npz, f"w{i}", path) for i in range(count)]
    biases = [_array(npz, f"b{i}", path) for i in range(count)]
    _check_conv_parameters(net, weights, biases, str(path))
    net.weights = [np.array(w, dtype=net.dtype, order="C") for w in weights]
    net.biases = [np.array(b, dtype=net.dtype, order="C") for b in biases]
    return net


def _check_conv_parameters(net, weights, biases, where: str) -> None:
    for i, (layer, w, b) in enumerate(zip(net.layers, weights, biases)):
        for name, array, shape in ((f"w{i}", w, layer.weight_shape),
                                   (f"b{i}", b, (layer.weight_shape[0],))):
            if not isinstance(array, np.ndarray) or array.shape != tuple(shape):
                got = array.shape if isinstance(array, np.ndarray) else type(array).__name__
                raise ValueError(f"{where}: {name} must have shape {tuple(shape)} for layer {i}; "
                                 f"got {got}")
            if array.dtype.kind != "f" or array.dtype.itemsize != net.dtype.itemsize:
                raise ValueError(f"{where}: {name} must be {net.dtype.name}; got {array.dtype}")
            if not np.all(np.isfinite(array)):
                raise ValueError(f"{where}: {name} holds non-finite values (NaN or infinity); "
                                 f"the network diverged. Train again with a smaller learning rate")
