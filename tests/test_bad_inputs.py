"""No silent wrong numbers: what nnbook answers to bad input, damaged files and a hostile setup.

One section per class of trouble: a run that diverges; a damaged or unwritable run cache and two
processes wanting the same run; bad data and hyper-parameters given to either network; a crafted
network file; bad command-line arguments and environment values. (Downloads are tested with the
local mirrors of test_data.py.) Each test fails on code that answers with a number, a traceback
or nothing at all.
"""

import errno
import json
import os
import subprocess
import sys
import textwrap
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nnbook import checks, convnet, network
from nnbook.runs import cache as run_cache, experiments, files as run_files, kinds, outcomes, precompute
from nnbook.runs import serialize
from nnbook.runs.experiments import Experiment
from nnbook.train import TrainingDiverged, sgd
from test_convnet import toy_data  # 12 x 12 images whose label is the row of a bright bar

REPOSITORY = Path(__file__).resolve().parents[1]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NNBOOK_CACHE", str(tmp_path / "runs"))
    return tmp_path / "runs"


def register(monkeypatch, name, kind, settings):
    exp = Experiment(name, name, kind, dict(settings, repeats=1, seed=3), {})
    monkeypatch.setitem(experiments.CATALOGUE, name, exp)
    return exp


# Chapter 3's first try on 1,000 images: eta = 10, lmbda = 1000, a weight decay factor of -9.
DIVERGES = dict(sizes=[784, 10], cost="cross-entropy", init="scaled", eta=10.0, lmbda=1000.0,
                mini_batch_size=10, epochs=2, n_train=1000, evaluation="validation",
                n_evaluation=100)
TINY = dict(sizes=[784, 5, 10], cost="quadratic", init="large", eta=3.0, mini_batch_size=10,
            epochs=1, n_train=500, evaluation="validation", n_evaluation=200)


# ---- a run that diverges ----------------------------------------------------------------------


@pytest.mark.usefixtures("mnist_dir")
def test_a_diverged_run_is_stored_as_diverged_and_never_given_an_accuracy(cache, monkeypatch):
    register(monkeypatch, "test.diverges", "sgd", DIVERGES)
    result = experiments.run("test.diverges", "full")
    run = result.runs[0]
    assert isinstance(run.outcome, outcomes.Diverged), run.outcome  # not Training(0.1, ...)
    assert run.diverged.epoch == 1 and run.diverged.cause == "lmbda"
    assert "weight decay factor 1 - eta lmbda / n is -9" in run.diverged.reason
    assert run.diverged.describe() == "diverged at epoch 1 (lmbda too large)"
    assert run.history.diverged_at == 1 and run.history.evaluation_accuracy == []
    with pytest.raises(ValueError, match=r"test.diverges #1 diverged at epoch 1 .*no accuracy"):
        _ = run.accuracy
    with pytest.raises(ValueError, match="every run of test.diverges diverged"):
        _ = result.best
    stored = json.loads(run.path.read_text())
    assert stored["outcome"]["tag"] == "diverged" and "accuracy" not in stored["outcome"]
    assert not run.path.with_suffix(".npz").exists()  # a network of NaNs is not kept
    monkeypatch.setattr(kinds, "compute", lambda *a, **k: pytest.fail("computed again"))
    assert experiments.run("test.diverges", "full").runs[0].outcome == run.outcome


@pytest.mark.usefixtures("mnist_dir")
def test_a_sweep_keeps_the_sizes_that_diverged(cache, monkeypatch):
    # lmbda = lmbda_per_image * n: the same decay factor, 1 - 10 * 100 = -999, at every size
    register(monkeypatch, "test.sweep", "sgd_sweep",
             dict(sizes=[784, 10], cost="cross-entropy", init="scaled", eta=10.0, mini_batch_size=10,
                  lmbda_per_image=100.0, examples=400, n_train=None, n_trains=[100, 200],
                  evaluation="validation", n_evaluation=100))
    sweep = experiments.run("test.sweep", "full").runs[0].outcome
    assert [(r.n_train, r.accuracy) for r in sweep.rows] == [(100, None), (200, None)]
    assert all(r.diverged_at is not None for r in sweep.rows)
    with pytest.raises(ValueError, match="trained on 100 images diverged at epoch"):
        sweep.accuracy_at(100)


@pytest.mark.parametrize("make", [lambda: network.Network([144, 10], rng=0),
                                  lambda: convnet.Network([convnet.FullyConnectedLayer(144, 10),
                                                           convnet.SoftmaxLayer(10, 10)], rng=0)],
                         ids=["fully connected", "convolutional"])
def test_a_network_whose_outputs_are_nan_has_no_accuracy(make):
    net = make()
    big = np.finfo(net.weights[0].dtype).max / 2
    net.weights[0][...] = np.where(np.arange(144) % 2, big, -big)  # finite, but inf - inf
    with np.errstate(over="ignore", invalid="ignore"):
        with pytest.raises(FloatingPointError, match=r"outputs are NaN for \d+ of 50 examples"):
            net.accuracy(*toy_data(50))  # not the share of zeros among the labels


@pytest.mark.usefixtures("mnist_dir")
def test_a_convolutional_run_that_diverges_is_stored_as_diverged(cache, monkeypatch):
    register(monkeypatch, "test.conv_diverges", "convnet",
             dict(architecture="6.1", eta=1e30, epochs=2, lmbda=0.0, mini_batch_size=10,
                  n_train=100, expanded=False, evaluation="validation", n_evaluation=100,
                  init="fan_in", dropout_scaling="inverted"))
    run = experiments.run("test.conv_diverges", "full").runs[0]  # no TrainingDiverged escapes
    assert run.diverged is not None and run.diverged.cause == "eta" and run.diverged.epoch == 1


@pytest.mark.parametrize("make", [lambda: network.Network([144, 10], cost="cross-entropy", rng=0),
                                  lambda: convnet.Network([convnet.FullyConnectedLayer(144, 10),
                                                           convnet.SoftmaxLayer(10, 10)], rng=0)],
                         ids=["fully connected", "convolutional"])
def test_divergence_names_its_cause(make):
    data = toy_data(100)
    # lmbda: refused before the first step, naming lmbda and the bound it must stay below
    with pytest.raises(ValueError, match=r"lmbda=1000.0 diverges with eta=10.0 and n=100 .* factor "
                                         r"1 - eta lmbda / n is -99.*below 20"):
        sgd(make(), data, 1, 10, 10.0, 1000.0)
    # recorded when asked: the cause is lmbda, not the learning rate
    h = sgd(make(), data, 30, 10, 10.0, 1000.0, allow_divergence=True, rng=0)
    assert h.diverged_at is not None and h.diverged_cause == "lmbda" and "below 20" in h.diverged_reason
    # a learning rate far too large is blamed on eta (linear neurons: nothing saturates)
    linear = network.Network([144, 20, 10], activation="identity", rng=0)
    with pytest.raises(TrainingDiverged,
                       match=r"epoch 1: .*smaller learning rate than eta=1e\+30\.$") as caught:
        sgd(linear, data, 3, 10, 1e30, rng=0)
    assert caught.value.cause == "eta"


# ---- a damaged, unwritable or shared run cache ---------------------------------------------------


def edit(field, value):
    def change(d):
        d[field] = value
    return change


def edit_outcome(field, value):
    def change(d):
        d["outcome"][field] = value
    return change


def edit_history(field, value):
    def change(d):
        d["history"][field] = value
    return change


@pytest.mark.usefixtures("mnist_dir")
@pytest.mark.parametrize("damage", [
    lambda d: "{}", lambda d: "null", lambda d: "[]", lambda d: "[" * 100_000, lambda d: '"run"',
    edit_outcome("accuracy", 1.7), edit_outcome("accuracy", "0.9"), edit_outcome("best_epoch", 0),
    edit_outcome("best_epoch", True), edit_outcome("final_accuracy", float("nan")),
    edit("seconds", -1), edit("seconds", "fast"), edit("repeat", 3), edit("experiment", "other"),
    edit("settings", {"eta": 100.0}), edit("extra", 1),
    edit_history("evaluation_accuracy", [2.0]), edit_history("evaluation_accuracy", None),
    edit_history("diverged_at", 0), edit_history("epochs_run", 3),
], ids=lambda f: getattr(f, "__qualname__", "edit"))
def test_an_invalid_cache_entry_is_reported_once_with_its_path_and_computed_again(
        cache, monkeypatch, damage):
    register(monkeypatch, "test.tiny", "sgd", TINY)
    good = experiments.run_one("test.tiny", 0, "full")
    record = json.loads(good.path.read_text())
    damaged = damage(record)
    good.path.write_text(damaged if isinstance(damaged, str) else json.dumps(record, allow_nan=True))
    with pytest.warns(run_cache.CacheWarning, match=f"invalid run cache entry {good.path}: .*"
                                                    f"computed again"):
        again = experiments.run_one("test.tiny", 0, "full")
    assert again.outcome == good.outcome and again.history == good.history
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reported once: the entry was replaced by a good one
        assert experiments.run_one("test.tiny", 0, "full").outcome == good.outcome


@pytest.mark.usefixtures("mnist_dir")
def test_leftover_temporary_files_older_than_a_day_are_removed_by_the_next_writer(cache, monkeypatch):
    register(monkeypatch, "test.tiny", "sgd", TINY)
    cache.mkdir(parents=True)
    old, fresh = cache / ".ch1.net30-0-abc.json.x1.tmp", cache / ".ch1.net30-0-abc.json.x2.tmp"
    for path in (old, fresh):
        path.write_bytes(b"half a run")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    experiments.run_one("test.tiny", 0, "full")
    assert not old.exists() and fresh.exists()  # a writer at work right now keeps its file
    # the same for a saved network, beside its target
    saved = cache.parent / "nets"
    saved.mkdir()
    stale = saved / ".net.npz.x3.tmp"
    stale.write_bytes(b"")
    os.utime(stale, (two_days_ago, two_days_ago))
    serialize.save(network.Network([4, 2], rng=0), saved / "net.npz")
    assert sorted(p.name for p in saved.iterdir()) == ["net.npz"]


@pytest.mark.usefixtures("mnist_dir")
def test_a_cache_that_cannot_be_written_keeps_the_finished_run_in_memory_and_says_so(
        cache, monkeypatch):
    register(monkeypatch, "test.tiny", "sgd", TINY)

    def full_disk(path, write):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(run_cache, "atomic_write", full_disk)
    with pytest.warns(run_cache.CacheWarning, match=r"cannot store run test.tiny #1 \(No space left "
                                                    r"on device\); its result is kept in memory"):
        run = experiments.run_one("test.tiny", 0, "full")
    assert run.outcome.accuracy > 0 and run.path is None
    monkeypatch.setattr(kinds, "compute", lambda *a, **k: pytest.fail("computed again"))
    assert experiments.run_one("test.tiny", 0, "full") is run  # served from memory, not retrained
    net = run.network()
    from nnbook.data import load_mnist

    v = load_mnist().validation[:200]
    assert net.accuracy(*v) == run.outcome.final_accuracy


@pytest.mark.usefixtures("mnist_dir")
def test_a_second_process_that_needs_the_same_run_waits_and_reads_it(cache):
    # This process holds the run's lock, as if it were computing it; a second process asks for
    # the run meanwhile and must wait, then read what this one stores, without computing it.
    name, profile = "ch1.darkness", "fast"
    exp = experiments.get(name)
    path = run_cache.run_path(name, exp.settings(profile), 0)
    guard = run_cache.claim(path)
    assert guard is not None
    script = textwrap.dedent(f"""
        from nnbook.runs import experiments, kinds
        def refuse(*args, **kwargs):
            raise SystemExit("the second process computed the run itself")
        kinds.compute = refuse
        print("asking", flush=True)
        print(experiments.run_one({name!r}, 0, {profile!r}).accuracy)
    """)
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    second = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert second.stdout.readline() == "asking\n"
        time.sleep(2)
        assert second.poll() is None  # waiting for the lock
        run, stored = experiments.compute(name, 0, profile)
        run_cache.write(path.parent, stored)
    finally:
        guard.release()
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert float(out) == run.accuracy


@pytest.mark.usefixtures("mnist_dir")
def test_precompute_leaves_a_run_another_process_is_computing_to_it(cache):
    name, profile = "ch1.random", "fast"
    path = run_cache.run_path(name, experiments.get(name).settings(profile), 0)
    guard = run_cache.claim(path)
    script = textwrap.dedent(f"""
        from nnbook.runs import precompute
        print("asking", flush=True)
        print(precompute.precompute([{name!r}], {profile!r}, jobs=1))
    """)
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    second = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert second.stdout.readline() == "asking\n"
        time.sleep(3)
        assert second.poll() is None
        run_cache.write(path.parent, experiments.compute(name, 0, profile)[1])
    finally:
        guard.release()
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert out.strip() == "0"  # computed nothing itself
    assert experiments.is_cached(name, 0, profile)


def test_two_claims_on_one_run_exclude_each_other(tmp_path):
    path = tmp_path / "runs" / "x-0-abc.json"
    first = run_cache.claim(path)
    script = (f"from nnbook.runs import cache; from pathlib import Path; "
              f"print(cache.claim(Path({str(path)!r})) is None)")
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    held = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    first.release()
    free = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert (held.stdout.strip(), free.stdout.strip()) == ("True", "False")


# ---- bad data and hyper-parameters, the same answer from both networks --------------------------

FC = lambda: network.Network([144, 20, 10], rng=0)  # noqa: E731
CONV = lambda: convnet.Network([convnet.ConvPoolLayer((1, 12, 12), 4, 5, 2),  # noqa: E731
                                convnet.FullyConnectedLayer(64, 16), convnet.SoftmaxLayer(16, 10)],
                               rng=0)
NETWORKS = pytest.mark.parametrize("make", [FC, CONV], ids=["fully connected", "convolutional"])


def bad(data, **change):
    x, y = data
    x = np.array(x, dtype=np.float64)
    return change.get("images", lambda x: x)(x), change.get("labels", lambda y: y)(np.array(y))


def with_nan(x):
    x[3, 7] = np.nan
    return x


DATA_CASES = {  # what is wrong -> (training, evaluation), and the message expected
    "empty training set": (lambda d: (bad(d, images=lambda x: x[:0], labels=lambda y: y[:0]), d),
                           "training_data images must hold at least one example"),
    "empty evaluation set": (lambda d: (d, bad(d, images=lambda x: x[:0], labels=lambda y: y[:0])),
                             "evaluation_data images must hold at least one example"),
    "evaluation labels out of range": (lambda d: (d, bad(d, labels=lambda y: y + 10)),
                                       r"evaluation_data labels must lie in 0..9; got values from 10"),
    "negative training labels": (lambda d: (bad(d, labels=lambda y: y - 10), d),
                                 r"training_data labels must lie in 0..9"),
    "float labels": (lambda d: (d, bad(d, labels=lambda y: y.astype(float))),
                     r"evaluation_data labels must be 100 integer labels"),
    "NaN in an evaluation image": (lambda d: (d, bad(d, images=with_nan)),
                                   r"evaluation_data images must hold finite numbers; 1 values are "
                                   r"NaN or infinite \(the first in row 3"),
    "NaN in a training image": (lambda d: (bad(d, images=with_nan), d),
                                r"training_data images must hold finite numbers"),
    "infinite pixel": (lambda d: (bad(d, images=lambda x: x * np.inf), d),
                       r"training_data images must hold finite numbers"),
    "uint8 0-255 images": (lambda d: (bad(d, images=lambda x: (x * 255).astype(np.uint8)), d),
                           r"training_data images must be floating point, pixels in \[0, 1\]; got "
                           r"uint8\. Scale grey levels 0-255 first: .*/ 255"),
    "string images": (lambda d: (bad(d, images=lambda x: x.astype(str)), d),
                      r"training_data images must be floating-point numbers .*got dtype <U"),
    "object images": (lambda d: (bad(d, images=lambda x: x.astype(object)), d),
                      r"training_data images must be floating-point numbers .*got dtype object"),
    "boolean images": (lambda d: (d, bad(d, images=lambda x: x > 0.5)),
                       r"evaluation_data images must be floating-point numbers .*got dtype bool"),
}


@NETWORKS
@pytest.mark.parametrize("case", DATA_CASES, ids=list(DATA_CASES))
def test_both_networks_refuse_the_same_bad_data_before_training(make, case):
    corrupt, message = DATA_CASES[case]
    training, evaluation = corrupt(toy_data(100))
    net = make()
    before = [p.copy() for p in net.parameters()]
    with pytest.raises(ValueError, match=message):
        sgd(net, training, 2, 10, 0.1, evaluation_data=evaluation, rng=0)
    assert all(np.array_equal(p, q) for p, q in zip(before, net.parameters()))  # nothing trained


@NETWORKS
@pytest.mark.parametrize("case, message", [
    ("empty", "must hold at least one example"), ("nan", "must hold finite numbers"),
    ("uint8", r"got uint8\. Scale"), ("labels", "must lie in 0..9"), ("float labels", "integer labels"),
])
def test_accuracy_refuses_what_it_cannot_measure(make, case, message):
    x, y = toy_data(50)
    x = {"empty": x[:0], "nan": np.where(np.arange(144) == 5, np.nan, x),
         "uint8": (x * 255).astype(np.uint8)}.get(case, x)
    y = {"empty": y[:0], "labels": y + 10, "float labels": y.astype(float)}.get(case, y)
    with pytest.raises(ValueError, match=message):
        make().accuracy(x, y)  # never 0.0, 0.1 or NaN


@NETWORKS
def test_predict_refuses_nan_and_byte_images(make):
    x, _ = toy_data(5)
    with pytest.raises(ValueError, match="finite"):
        make().predict(np.full_like(x, np.nan))
    with pytest.raises(ValueError, match="uint8"):
        make().predict((x * 255).astype(np.uint8))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_finite_values_are_accepted_even_where_their_sum_overflows(dtype):
    big = np.finfo(dtype).max
    x = np.full((4, 3), big, dtype)
    x[0, 0] = -big  # a sum that overflows either way
    assert checks.check_finite("x", x) is x
    for bad in (np.nan, np.inf, -np.inf):
        y = x.copy()
        y[2, 1] = bad
        with pytest.raises(ValueError, match=r"x must hold finite numbers; 1 values are NaN or "
                                             r"infinite \(the first in row 2"):
            checks.check_finite("x", y)
    y = np.zeros(5, dtype)
    y[[1, 3]] = (np.inf, -np.inf)  # their sum is NaN
    with pytest.raises(ValueError, match=r"2 values are NaN or infinite \(the first in entry 1"):
        checks.check_finite("y", y)


@NETWORKS
@pytest.mark.parametrize("options, message", [
    (dict(eta="3"), "eta must be a number; got '3'"),
    (dict(eta=True), "eta must be a number; got True"),
    (dict(eta=np.bool_(True)), "eta must be a number"),
    (dict(lmbda="0.1"), "lmbda must be a number; got '0.1'"),
    (dict(lmbda=False), "lmbda must be a number; got False"),
    (dict(lmbda=1e9), r"lmbda=1000000000.0 diverges with eta=0.1 and n=100"),
    (dict(mu=True), r"mu must be a number in \[0, 1\); got True"),
    (dict(epochs=True), "epochs must be a non-negative integer; got True"),
    (dict(mini_batch_size=10.0), "mini_batch_size must be a positive integer; got 10.0"),
])
def test_hyper_parameters_must_be_real_numbers_in_range(make, options, message):
    args = dict(epochs=1, mini_batch_size=10, eta=0.1)
    args.update(options)
    with pytest.raises(ValueError, match=message):
        sgd(make(), toy_data(100), rng=0, **args)


def test_layer_sizes_are_integers_not_bools():
    with pytest.raises(ValueError, match=r"sizes must list at least two positive layer sizes.*True"):
        network.Network([144, True, 10])
    with pytest.raises(ValueError, match=r"sizes must list .*'784'"):
        network.Network(["784", 10])
    with pytest.raises(ValueError, match="n_out must be a positive integer; got True"):
        convnet.FullyConnectedLayer(144, True)


# ---- a crafted network file -----------------------------------------------------------------------


def npz(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def npy(array=None, header=None, payload=b""):
    """The bytes of a .npy member: ``array`` written by numpy, or a ``header`` dict and raw bytes."""
    import io

    buffer = io.BytesIO()
    if array is not None:
        np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
    else:
        np.lib.format.write_array_header_1_0(buffer, header)
        buffer.write(payload)
    return buffer.getvalue()


def meta_bytes(**fields):
    meta = dict(format="nnbook.network", version=1, sizes=[2, 1], cost="quadratic",
                activation="sigmoid", output_activation="sigmoid", dtype="float64", nnbook="0")
    meta.update(fields)
    return npy(np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))


GOOD = {"w0.npy": npy(np.zeros((1, 2))), "b0.npy": npy(np.zeros(1))}


@pytest.mark.parametrize("members, message", [
    ({"meta": b'{"format": "nnbook.network"}', **GOOD}, r"member 'meta' is not a .npy array"),
    ({"meta.npy": meta_bytes(), **GOOD, "notes.txt": b"hello"},
     r"member 'notes.txt' is not a .npy array of its own"),
    ({"meta.npy": meta_bytes(), **GOOD, "sub/w0.npy": GOOD["w0.npy"]}, r"member 'sub/w0.npy'"),
    ({"meta.npy": npy(np.frombuffer(b"[" * 10_000 + b"]" * 10_000, dtype=np.uint8)), **GOOD},
     r"'meta' is JSON nested too deeply"),
    ({"meta.npy": meta_bytes(), "b0.npy": GOOD["b0.npy"],
      "w0.npy": npy(header={"descr": "<f8", "fortran_order": False, "shape": (10**6, 10**6)},
                    payload=b"\0" * 16)},
     r"array 'w0' declares shape \(1000000, 1000000\) of float64 \(8000000000000 bytes\), but its "
     r"member holds 16 bytes"),
    ({"meta.npy": meta_bytes(sizes=[10**6, 10**6]), **GOOD},
     r"w0 must have shape \(1000000, 1000000\) for sizes"),
    ({"meta.npy": meta_bytes(), **GOOD, "w0.npy": b"not a npy header at all"},
     r"array 'w0' cannot be read"),
    ({"meta.npy": meta_bytes(), "w0.npy": npy(header={"descr": "|O", "fortran_order": False,
                                                       "shape": (1, 2)}, payload=b"\0" * 16),
      "b0.npy": GOOD["b0.npy"]}, r"array 'w0' holds Python objects"),
], ids=["meta not a npy", "text member", "member in a folder", "nested meta", "huge declared shape",
        "huge sizes in meta", "not a npy", "object dtype"])
def test_a_crafted_network_file_is_one_clear_error_naming_it(tmp_path, members, message):
    path = npz(tmp_path / "crafted.npz", members)
    with pytest.raises(serialize.NetworkFileError, match=f"crafted.npz: {message}"):
        serialize.load(path)


def test_a_crafted_convnet_file_describing_huge_layers_allocates_nothing(tmp_path):
    layers = [{"kind": "fc", "n_in": 10**6, "n_out": 10**6, "activation": "sigmoid", "p_dropout": 0.0},
              {"kind": "softmax", "n_in": 10**6, "n_out": 10, "p_dropout": 0.0}]
    meta = dict(format="nnbook.convnet", version=1, layers=layers, dtype="float32", init="fan_in",
                dropout="inverted", nnbook="0")
    members = {"meta.npy": npy(np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)),
               **{f"{k}{i}.npy": npy(np.zeros(2, np.float32)) for k in "wb" for i in range(2)}}
    path = npz(tmp_path / "conv.npz", members)
    with pytest.raises(serialize.NetworkFileError, match=r"conv.npz: w0 must have shape "
                                                         r"\(1000000, 1000000\) for layer 0; got \(2,\)"):
        serialize.load_convnet(path)


def test_every_failure_of_the_loader_is_one_error_type(tmp_path):
    with pytest.raises(serialize.NetworkFileError, match="nope.npz"):
        serialize.load(tmp_path / "nope.npz")
    with pytest.raises(FileNotFoundError):  # still what a missing file has always raised
        serialize.load(tmp_path / "nope.npz")
    folder = tmp_path / "folder.npz"
    folder.mkdir()
    with pytest.raises(serialize.NetworkFileError, match="folder.npz"):
        serialize.load_convnet(folder)
    text = tmp_path / "text.npz"
    text.write_text("hello")
    with pytest.raises(serialize.NetworkFileError, match="text.npz: is not an .npz"):
        serialize.load(text)


# ---- the command line and the environment ---------------------------------------------------------


def cli(argv, capsys):
    from nnbook.__main__ import main

    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    return stopped.value.code, err


@pytest.mark.parametrize("argv, message", [
    (["precompute", "--jobs", "0"], "argument --jobs: must be a positive integer; got '0'"),
    (["precompute", "--jobs", "-3"], "argument --jobs: must be a positive integer; got '-3'"),
    (["precompute", "--cores", "0"], "argument --cores: must be a positive integer"),
    (["precompute", "--plan", "-1"], "argument --plan: must be a positive integer"),
    (["fetch-data", "--timeout", "0"], r"argument --timeout: must be a number of seconds > 0"),
    (["fetch-data", "--timeout", "inf"], r"argument --timeout: must be a number of seconds > 0"),
    (["fetch-data", "--mirror", "mirror.example.org"], "argument --mirror: must be an http"),
])
def test_a_bad_argument_gets_one_line_and_status_2(argv, message, capsys):
    code, err = cli(argv, capsys)
    assert code == 2 and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("command, variable, value, message", [
    ("precompute", "NNBOOK_PROFILE", "fastt", "NNBOOK_PROFILE must be one of full, fast; got 'fastt'"),
    ("precompute", "NNBOOK_CACHE", "FILE", "NNBOOK_CACHE must name a folder for the run cache; "
                                           "{file} is a file"),
    ("precompute", "NNBOOK_CACHE", "FILE/runs", "NNBOOK_CACHE must name a folder for the run "
                                                "cache; {file} is a file"),
    ("precompute", "NNBOOK_DATA", "FILE", "NNBOOK_DATA must name a folder for the MNIST files; "
                                          "{file} is a file"),
    ("fetch-data", "NNBOOK_DATA", "FILE", "NNBOOK_DATA must name a folder for the MNIST files; "
                                          "{file} is a file"),
])
def test_a_bad_environment_value_gets_one_line_and_status_2(command, variable, value, message,
                                                            tmp_path, monkeypatch, capsys):
    command = ["precompute", "--list"] if command == "precompute" else [command]
    file = tmp_path / "a-file"
    file.write_text("")
    monkeypatch.setenv(variable, value.replace("FILE", str(file)))
    code, err = cli(command, capsys)
    assert code == 2 and message.format(file=file) in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_the_library_refuses_the_same_values(tmp_path, monkeypatch):
    from nnbook import data

    file = tmp_path / "a-file"
    file.write_text("")
    monkeypatch.setenv("NNBOOK_CACHE", str(file))
    with pytest.raises(ValueError, match="NNBOOK_CACHE must name a folder"):
        run_cache.cache_dir()
    monkeypatch.setenv("NNBOOK_DATA", str(file))
    with pytest.raises(ValueError, match="NNBOOK_DATA must name a folder"):
        data.load_mnist()
    with pytest.raises(ValueError, match="data_dir must name a folder"):
        data.fetch_mnist(file)
    for jobs in (0, -3, True, 2.0):
        with pytest.raises(ValueError, match="jobs must be a positive integer"):
            precompute.precompute(["ch1.random"], "fast", jobs=jobs)


def test_a_bad_environment_value_gets_no_traceback_from_a_real_interpreter(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY), NNBOOK_PROFILE="fastt")
    done = subprocess.run([sys.executable, "-m", "nnbook", "precompute", "--list"], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr == "python -m nnbook: error: NNBOOK_PROFILE must be one of full, fast; got 'fastt'\n"


def test_temporary_files_of_an_interrupted_write_are_removed(tmp_path):
    def interrupted(f):
        f.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_files.atomic_write(tmp_path / "x.json", interrupted)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("variable, folder_for", [("NNBOOK_DATA", "the MNIST files"),
                                                  ("NNBOOK_CACHE", "the run cache")])
def test_a_folder_variable_that_names_a_file_is_refused_by_name(tmp_path, monkeypatch, variable,
                                                                folder_for):
    from nnbook import data

    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    where = {"NNBOOK_DATA": data.data_dir, "NNBOOK_CACHE": run_cache.cache_dir}[variable]
    for path in (a_file, a_file / "below" / "it"):  # the file itself, or a folder under it
        monkeypatch.setenv(variable, str(path))
        with pytest.raises(ValueError, match=f"{variable} must name a folder for {folder_for}; "
                                             f"{a_file} is a file"):
            where()
    monkeypatch.setenv(variable, str(tmp_path / "not" / "made" / "yet"))
    assert where() == tmp_path / "not" / "made" / "yet"  # made when something is written
