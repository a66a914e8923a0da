"""Saving and loading networks: exact round trips, atomic writes, and every malformed file refused."""

import io
import json
import os
import zipfile

import numpy as np
import pytest

from nnbook import activations
from nnbook.runs import serialize
from nnbook.network import Network
from nnbook.runs.serialize import load, save
from nnbook.train import update_mini_batch


def trained(sizes, cost="quadratic", activation="sigmoid", dtype=np.float64, seed=0):
    """A network whose parameters have moved away from their initial values by a few SGD steps."""
    net = Network(sizes, cost=cost, activation=activation, init="scaled", rng=seed, dtype=dtype)
    rng = np.random.default_rng(seed + 1)
    x = rng.random((20, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], 20)
    for _ in range(3):
        update_mini_batch(net, x, y, eta=0.01)
    return net


def same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def meta(**changes):
    m = {"format": "nnbook.network", "version": 1, "sizes": [3, 2], "cost": "quadratic",
         "activation": "sigmoid", "output_activation": "sigmoid", "dtype": "float64"}
    m.update(changes)
    return {k: v for k, v in m.items() if v is not None}


def meta_array(m):
    return np.frombuffer(json.dumps(m).encode(), dtype=np.uint8)


def good_arrays(dtype=np.float64):
    rng = np.random.default_rng(0)
    return {"w0": rng.standard_normal((2, 3)).astype(dtype), "b0": rng.standard_normal(2).astype(dtype)}


def craft(path, m=None, **arrays):
    """Write an .npz by hand: ``m`` (a dict) becomes the meta array unless it is None."""
    if m is not None:
        arrays = {"meta": meta_array(m), **arrays}
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return path


# ---- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("sizes", [[2, 1], [3, 4, 2], [784, 30, 10], [5, 4, 3, 2]])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cost, activation", [
    ("quadratic", "sigmoid"), ("quadratic", "tanh"), ("quadratic", "relu"),
    ("quadratic", "identity"), ("cross-entropy", "sigmoid"),
])
def test_round_trip_restores_everything_bit_for_bit(tmp_path, sizes, dtype, cost, activation):
    net = trained(sizes, cost, activation, dtype)
    path = save(net, tmp_path / "net.npz")
    assert path == tmp_path / "net.npz" and path.is_file()
    back = load(path)
    assert isinstance(back, Network)
    assert back.sizes == net.sizes
    assert back.dtype == np.dtype(dtype)
    assert back.cost is net.cost
    assert back.activation.name == activation
    assert back.output_activation.name == activation
    for a, b in zip(net.parameters(), back.parameters()):
        assert same_bits(a, b)
        assert b.flags.writeable and b.flags.c_contiguous
    x = np.random.default_rng(3).random((4, sizes[0])).astype(dtype)
    assert same_bits(net.feedforward(x), back.feedforward(x))


@pytest.mark.parametrize("kwargs", [
    dict(cost="log-likelihood"),  # softmax outputs by default
    dict(cost="log-likelihood", activation="tanh"),
    dict(cost="log-likelihood", activation="relu", output_activation="softmax"),
    dict(cost="cross-entropy", activation="tanh", output_activation="sigmoid"),
    dict(cost="quadratic", activation="relu", output_activation="identity"),
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_round_trip_keeps_a_separate_output_activation(tmp_path, kwargs, dtype):
    net = Network([6, 5, 4, 3], init="scaled", rng=2, dtype=dtype, **kwargs)
    x = np.random.default_rng(3).random((10, 6)).astype(dtype)
    update_mini_batch(net, x, np.arange(10) % 3, eta=0.05)
    back = load(save(net, tmp_path / "net.npz"))
    assert back.cost is net.cost and back.dtype == np.dtype(dtype)
    assert back.activation.name == net.activation.name
    assert back.output_activation.name == net.output_activation.name
    assert repr(back) == repr(net)
    for a, b in zip(net.parameters(), back.parameters()):
        assert same_bits(a, b)
    assert same_bits(net.feedforward(x), back.feedforward(x))


def test_the_output_activation_is_stored_by_name(tmp_path):
    net = Network([4, 3, 2], cost="log-likelihood", activation="tanh", rng=0)
    with np.load(save(net, tmp_path / "net.npz"), allow_pickle=False) as f:
        m = json.loads(f["meta"].tobytes().decode("utf-8"))
    assert (m["cost"], m["activation"], m["output_activation"]) == (
        "log-likelihood", "tanh", "softmax")


def test_awkward_values_survive_exactly(tmp_path):
    """-0.0, subnormals and the largest float keep their bits (a text format would not)."""
    net = Network([2, 3], rng=0)
    net.weights[0][...] = [[-0.0, 5e-324], [np.finfo(float).max, -np.finfo(float).tiny],
                           [1 / 3, -2.0 ** -1074]]
    back = load(save(net, tmp_path / "net.npz"))
    assert same_bits(net.weights[0], back.weights[0])
    assert np.signbit(back.weights[0][0, 0])


def test_a_loaded_network_trains_and_does_not_share_memory(tmp_path):
    net = trained([4, 3, 2])
    back = load(save(net, tmp_path / "net.npz"))
    x, y = np.eye(4), np.array([0, 1, 1, 0])
    update_mini_batch(back, x, y, eta=0.5)
    update_mini_batch(net, x, y, eta=0.5)
    for a, b in zip(net.parameters(), back.parameters()):
        assert same_bits(a, b)


def test_the_file_is_readable_with_numpy_alone_as_documented(tmp_path):
    net = trained([6, 4, 3], cost="cross-entropy", dtype=np.float32)
    path = save(net, tmp_path / "net.npz")
    assert sorted(zipfile.ZipFile(path).namelist()) == sorted(
        ["meta.npy", "w0.npy", "b0.npy", "w1.npy", "b1.npy"])
    with np.load(path, allow_pickle=False) as f:
        m = json.loads(f["meta"].tobytes().decode("utf-8"))
        weights = [f[f"w{l}"] for l in range(len(m["sizes"]) - 1)]
        biases = [f[f"b{l}"] for l in range(len(m["sizes"]) - 1)]
    assert m["format"] == "nnbook.network" and m["version"] == 1
    assert m["sizes"] == [6, 4, 3] and m["dtype"] == "float32"
    assert (m["cost"], m["activation"], m["output_activation"]) == (
        "cross-entropy", "sigmoid", "sigmoid")
    x = np.random.default_rng(1).random((5, 6)).astype(np.float32)
    a = x
    for w, b in zip(weights, biases):  # the docstring's recipe
        a = 1 / (1 + np.exp(-(a @ w.T + b)))
    np.testing.assert_allclose(a, net.feedforward(x), rtol=1e-6)


def test_save_accepts_str_paths_creates_folders_and_replaces_files(tmp_path):
    first, second = trained([3, 2], seed=1), trained([3, 2], seed=2)
    target = tmp_path / "a" / "b" / "net.npz"
    save(first, str(target))
    save(second, target)
    assert same_bits(load(str(target)).weights[0], second.weights[0])
    assert sorted(p.name for p in target.parent.iterdir()) == ["net.npz"]


# ---- atomic writes ----------------------------------------------------------------------------


def test_a_failed_save_leaves_no_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    old = trained([3, 2], seed=1)
    target = save(old, tmp_path / "net.npz")
    before = target.read_bytes()

    def half_then_crash(f, arrays):
        f.write(b"PK\x03\x04 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(serialize, "write_npz", half_then_crash)
    with pytest.raises(OSError, match="disk full"):
        save(trained([3, 2], seed=2), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]

    with pytest.raises(OSError, match="disk full"):
        save(old, tmp_path / "new.npz")
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]


def test_the_same_network_is_saved_as_the_same_bytes(tmp_path):
    first = save(trained([3, 2], seed=4), tmp_path / "a.npz").read_bytes()
    second = save(trained([3, 2], seed=4), tmp_path / "b.npz").read_bytes()
    assert first == second  # no timestamps: a run computed twice is stored as the same file
    assert first != save(trained([3, 2], seed=5), tmp_path / "c.npz").read_bytes()
    with np.load(tmp_path / "a.npz", allow_pickle=False) as f:  # still numpy's format
        assert sorted(f.files) == ["b0", "meta", "w0"]


def test_an_interrupted_save_leaves_nothing_behind(tmp_path, monkeypatch):
    def interrupted(f, arrays):
        raise KeyboardInterrupt

    monkeypatch.setattr(serialize, "write_npz", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save(trained([3, 2]), tmp_path / "net.npz")
    assert list(tmp_path.iterdir()) == []


# ---- what save refuses ------------------------------------------------------------------------


def test_save_refuses_a_diverged_network_and_writes_nothing(tmp_path):
    net = trained([3, 2])
    net.biases[0][1] = np.nan
    with pytest.raises(ValueError, match=r"net: b0 holds non-finite values .*smaller learning rate"):
        save(net, tmp_path / "net.npz")
    net.biases[0][1] = 0.0
    net.weights[0][0, 0] = -np.inf
    with pytest.raises(ValueError, match="net: w0 holds non-finite"):
        save(net, tmp_path / "net.npz")
    assert list(tmp_path.iterdir()) == []


def test_save_refuses_what_it_cannot_store(tmp_path):
    with pytest.raises(TypeError, match="net must be an nnbook Network; got dict"):
        save({"weights": []}, tmp_path / "net.npz")
    with pytest.raises(TypeError, match="path must be a str or os.PathLike; got int"):
        save(trained([3, 2]), 3)

    class MyCost:
        name = "mine"

        @staticmethod
        def fn(a, y):
            return np.zeros(len(a))

        @staticmethod
        def delta(z, a, y, activation):
            return a - y

    with pytest.raises(ValueError, match="net.cost must be one of nnbook's named costs"):
        save(Network([3, 2], cost=MyCost, rng=0), tmp_path / "net.npz")

    class Softplus(activations.Activation):
        name = "softplus"

        def fn(self, z):
            return np.logaddexp(0, z)

        def prime(self, z):
            return 1 / (1 + np.exp(-z))

    with pytest.raises(ValueError, match="net.activation must be one of nnbook's named activations"):
        save(Network([3, 2, 2], activation=Softplus(), output_activation="sigmoid", rng=0),
             tmp_path / "net.npz")
    with pytest.raises(ValueError, match="net.output_activation must be one of nnbook's named"):
        save(Network([3, 2], output_activation=Softplus(), rng=0), tmp_path / "net.npz")

    net = trained([3, 2])
    net.weights[0] = net.weights[0].T
    with pytest.raises(ValueError, match=r"net: w0 must have shape \(2, 3\) for sizes \[3, 2\]"):
        save(net, tmp_path / "net.npz")
    net = trained([3, 2])
    net.biases[0] = net.biases[0].astype(np.float32)
    with pytest.raises(ValueError, match="net: b0 must be float64; got float32"):
        save(net, tmp_path / "net.npz")
    assert list(tmp_path.iterdir()) == []


# ---- what load refuses ------------------------------------------------------------------------


def test_a_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        load(tmp_path / "nope.npz")


def test_a_file_that_is_not_an_npz(tmp_path):
    text = tmp_path / "net.npz"
    text.write_text("w0,b0\n1,2\n")
    with pytest.raises(ValueError, match=r"net.npz: is not an .npz \(zip\) archive"):
        load(text)
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match=r"empty.npz: is not an .npz \(zip\) archive"):
        load(empty)
    npy = tmp_path / "w.npy"
    np.save(npy, np.zeros(3))
    with pytest.raises(ValueError, match="w.npy: is a single .npy array, not an .npz archive"):
        load(npy)


def test_a_pickle_file_is_refused_without_being_unpickled(tmp_path):
    import pickle

    marker = tmp_path / "ran"
    path = tmp_path / "net.npz"
    path.write_bytes(pickle.dumps(Trap(marker)))
    with pytest.raises(ValueError, match="is not an .npz"):
        load(path)
    assert not marker.exists()


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_a_truncated_file(tmp_path, cut):
    path = save(trained([10, 8, 4]), tmp_path / "net.npz")
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(ValueError, match=r"net.npz: cannot read the .npz archive .*truncated or corrupt"):
        load(path)


def test_a_corrupt_array_fails_its_checksum(tmp_path):
    net = trained([10, 8, 4])
    path = save(net, tmp_path / "net.npz")
    data = bytearray(path.read_bytes())
    at = data.find(net.weights[0].tobytes())
    assert at > 0
    data[at + 5] ^= 0x10  # one flipped bit in a weight: still a finite number
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"net.npz: array 'w0' cannot be read .*CRC.*truncated or corrupt"):
        load(path)


class Trap:
    """Unpickling this would call os.mkdir(marker): proof of whether anything was unpickled."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return os.mkdir, (self.marker,)


@pytest.mark.parametrize("where", ["meta", "w0"])
def test_object_arrays_are_refused_and_never_unpickled(tmp_path, where):
    marker = tmp_path / "ran"
    arrays = {"meta": meta_array(meta()), **good_arrays()}
    arrays[where] = np.array([Trap(marker)], dtype=object)
    path = tmp_path / "net.npz"
    with open(path, "wb") as f:
        np.savez(f, **arrays)  # numpy pickles the object array into the .npy
    with pytest.raises(ValueError, match=f"net.npz: array '{where}' holds Python objects "
                                         r"\(pickled data\), which nnbook never loads"):
        load(path)
    assert not marker.exists()


def test_a_foreign_npz_without_meta(tmp_path):
    path = craft(tmp_path / "x.npz", None, weights=np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"x.npz: not an nnbook network file: it has no 'meta' "
                                         r"array \(its arrays: weights\)"):
        load(path)


@pytest.mark.parametrize("drop", ["w0", "b0"])
def test_missing_arrays(tmp_path, drop):
    arrays = good_arrays()
    del arrays[drop]
    path = craft(tmp_path / "net.npz", meta(), **arrays)
    with pytest.raises(ValueError, match=f"net.npz: missing arrays {drop}; a network of sizes "
                                         r"\[3, 2\] needs w0..w0 and b0..b0"):
        load(path)


def test_missing_layers_for_the_sizes(tmp_path):
    path = craft(tmp_path / "net.npz", meta(sizes=[3, 2, 2]), **good_arrays())
    with pytest.raises(ValueError, match="net.npz: missing arrays b1, w1"):
        load(path)


def test_unexpected_arrays(tmp_path):
    path = craft(tmp_path / "net.npz", meta(), **good_arrays(), w1=np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"net.npz: unexpected arrays w1; a network of sizes \[3, 2\]"):
        load(path)


@pytest.mark.parametrize("key, value, message", [
    ("w0", np.zeros((3, 2)), r"w0 must have shape \(2, 3\) for sizes \[3, 2\]; got \(3, 2\)"),
    ("w0", np.zeros(6), r"w0 must have shape \(2, 3\) for sizes \[3, 2\]; got \(6,\)"),
    ("b0", np.zeros((2, 1)), r"b0 must have shape \(2,\) for sizes \[3, 2\]; got \(2, 1\)"),
    ("b0", np.zeros(3), r"b0 must have shape \(2,\)"),
])
def test_wrong_shapes_for_the_sizes(tmp_path, key, value, message):
    arrays = good_arrays()
    arrays[key] = value
    path = craft(tmp_path / "net.npz", meta(), **arrays)
    with pytest.raises(ValueError, match="net.npz: " + message):
        load(path)


@pytest.mark.parametrize("key, value, message", [
    ("w0", np.zeros((2, 3), np.float32), "w0 must be float64; got float32"),
    ("b0", np.zeros(2, np.int64), "b0 must be float64; got int64"),
    ("b0", np.array([1.0, np.nan]), "b0 holds non-finite values"),
    ("w0", np.full((2, 3), np.inf), "w0 holds non-finite values"),
])
def test_wrong_dtypes_and_non_finite_parameters(tmp_path, key, value, message):
    arrays = good_arrays()
    arrays[key] = value
    path = craft(tmp_path / "net.npz", meta(), **arrays)
    with pytest.raises(ValueError, match="net.npz: " + message):
        load(path)


@pytest.mark.parametrize("changes, message", [
    ({"format": "keras.model"}, "unknown format 'keras.model'; expected 'nnbook.network'"),
    ({"format": None}, "unknown format None"),
    ({"version": 2, "nnbook": "9.0"}, r"written in format version 2 by a newer nnbook \(9.0\); "
                                      r"this nnbook \(.*\) reads versions up to 1. Upgrade nnbook"),
    ({"version": 0}, "format version must be a positive integer; got 0"),
    ({"version": "1"}, "format version must be a positive integer; got '1'"),
    ({"version": True}, "format version must be a positive integer; got True"),
    ({"cost": None}, "'meta' lacks the field 'cost'"),
    ({"dtype": None}, "'meta' lacks the field 'dtype'"),
    ({"sizes": [3]}, r"'sizes' must list at least two positive integers; got \[3\]"),
    ({"sizes": [3, 0]}, r"'sizes' must list at least two positive integers; got \[3, 0\]"),
    ({"sizes": "3,2"}, "'sizes' must list at least two positive integers"),
    ({"cost": 1}, "'cost' must be a name"),
    ({"dtype": "int32"}, "'dtype' must name a floating-point type such as 'float64'; got 'int32'"),
    ({"dtype": "bogus"}, "'dtype' must name a floating-point type"),
    ({"cost": "hinge"}, "cannot build the network it describes: cost must be one of"),
    ({"activation": "swish", "output_activation": "swish"},
     "cannot build the network it describes: activation must be one of"),
    ({"output_activation": "swish"},
     "cannot build the network it describes: activation must be one of"),
    ({"cost": "cross-entropy", "output_activation": "tanh"},
     "cannot build the network it describes: cost='cross-entropy' assumes sigmoid output"),
    ({"cost": "log-likelihood"},
     "cannot build the network it describes: cost='log-likelihood' assumes softmax output"),
    ({"activation": "softmax"}, "cannot build the network it describes: activation is the "
                                "neuron of the hidden layers and must act element-wise"),
])
def test_malformed_or_foreign_meta(tmp_path, changes, message):
    path = craft(tmp_path / "net.npz", meta(**changes), **good_arrays())
    with pytest.raises(ValueError, match="net.npz: " + message):
        load(path)


@pytest.mark.parametrize("raw, message", [
    (np.frombuffer(b"{not json", np.uint8), r"'meta' is not UTF-8 JSON"),
    (np.frombuffer(b"\xff\xfe", np.uint8), r"'meta' is not UTF-8 JSON"),
    (np.frombuffer(b"[1, 2]", np.uint8), "'meta' must be a JSON object; got list"),
    (np.zeros(4), r"'meta' must be a 1-D uint8 array of UTF-8 JSON; got float64 of shape \(4,\)"),
    (np.array(json.dumps(meta())), "'meta' must be a 1-D uint8 array"),
])
def test_unreadable_meta(tmp_path, raw, message):
    path = craft(tmp_path / "net.npz", None, meta=raw, **good_arrays())
    with pytest.raises(ValueError, match="net.npz: " + message):
        load(path)


def test_load_refuses_a_non_path():
    with pytest.raises(TypeError, match="path must be a str or os.PathLike; got BytesIO"):
        load(io.BytesIO(b""))


def test_the_module_documents_its_format():
    doc = serialize.__doc__
    for word in ("allow_pickle=False", '"nnbook.network"', '"version"', "w0", "b0", "meta",
                 "json.loads", "UTF-8"):
        assert word in doc
    assert serialize.VERSION == 1 and serialize.FORMAT == "nnbook.network"


def test_load_names_the_reader_of_a_chapter_6_network(tmp_path):
    from nnbook.convnet import architecture
    from nnbook.runs.serialize import save_convnet

    path = save_convnet(architecture("6.1", rng=0), tmp_path / "conv.npz")
    with pytest.raises(ValueError, match=r"unknown format 'nnbook.convnet'.*load_convnet"):
        serialize.load(path)
