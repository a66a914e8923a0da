"""Chapter 6's networks: building, training, determinism, errors, the expanded-data stream,
saving and loading, ensembles, and a short run on real MNIST."""

import json
import tracemalloc

import numpy as np
import pytest

from nnbook import activations
from nnbook.convnet import (ARCHITECTURES, ConvPoolLayer, FullyConnectedLayer, Network,
                            SoftmaxLayer, architecture, ensemble_predict, network3_lmbda)
from nnbook.data import Dataset
from nnbook.expand import SHIFTS, ShiftedStream, shift
from nnbook.runs.serialize import load, load_convnet, save, save_convnet
from nnbook.train import History, TrainingDiverged, sgd


def tiny(dtype=np.float32, p=0.0, seed=0, act=activations.relu, **kw):
    """A small conv net on 12 x 12 images: CP4 -> (4, 4, 4) -> FC 64->16 -> softmax 16->10."""
    return Network([ConvPoolLayer((1, 12, 12), 4, 5, 2, act),
                    FullyConnectedLayer(64, 16, act, p_dropout=p),
                    SoftmaxLayer(16, 10, p_dropout=p)], rng=seed, dtype=dtype, **kw)


def toy_data(n=60, seed=0):
    """Images whose label is the row (0-9) of a bright bar: learnable in a few epochs."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    images = 0.1 * rng.random((n, 12, 12), dtype=np.float32)
    images[np.arange(n), labels + 1, 2:10] = 1.0
    return Dataset(images.reshape(n, 144), labels)


# ---- building -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ARCHITECTURES))
def test_every_chapter_6_architecture_builds_and_outputs_probabilities(name):
    net = architecture(name, rng=0)
    x = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    probs = net.feedforward(x)
    assert probs.shape == (3, 10) and probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)
    assert all(p.dtype == np.float32 for p in net.parameters())


def test_architectures_have_the_books_shapes():
    assert [type(l).__name__ for l in architecture("6.2x").layers] == ["ConvPoolLayer", "SoftmaxLayer"]
    net = architecture("6.11")
    assert [l.p_dropout for l in net.layers] == [0, 0, 0.5, 0.5, 0.5]
    assert net.layers[1].output_shape == (40, 4, 4)
    assert [w.shape for w in net.weights] == [(20, 1, 5, 5), (40, 20, 5, 5), (1000, 640),
                                              (1000, 1000), (10, 1000)]
    assert architecture("6.3t").layers[0].activation is activations.tanh
    assert architecture("6.7").layers[2].n_out == 1000
    with pytest.raises(ValueError, match=r"name must be one of \['6.1'.*got '6.12'"):
        architecture("6.12")


def test_flops_per_example_counts_the_matrix_products():
    net = architecture("6.2")
    conv = 20 * 24 * 24 * 25  # forward multiply-adds of CP20; no input gradient for layer 1
    fc, soft = 2880 * 100, 100 * 10
    expected = 2 * (2 * conv + 3 * fc + 3 * soft) + int(np.ceil(2 * net.num_parameters() / 10))
    assert net.flops_per_example() == expected


def test_initialisations_follow_the_chosen_convention():
    ours, orig = architecture("6.4", rng=0), architecture("6.4", rng=0, init="network3")
    assert np.isclose(ours.weights[2].std(), 1 / np.sqrt(640), rtol=0.05)
    assert np.isclose(orig.weights[2].std(), 1 / np.sqrt(100), rtol=0.05)
    assert np.isclose(ours.weights[1].std(), 1 / np.sqrt(20 * 25), rtol=0.05)
    assert np.isclose(orig.weights[1].std(), np.sqrt(4 / (40 * 25)), rtol=0.05)
    assert not ours.weights[-1].any() and not ours.biases[-1].any()  # softmax starts at zero


@pytest.mark.parametrize("layers, match", [
    ([], "layers must be a non-empty list"),
    ([FullyConnectedLayer(784, 10)], "the last layer, and only the last, must be a SoftmaxLayer"),
    ([SoftmaxLayer(784, 10), SoftmaxLayer(10, 10)], "only the last"),
    ([ConvPoolLayer((1, 28, 28), 20), SoftmaxLayer(2000, 10)],
     r"layers\[1\].n_in must be 2880, the output size of layers\[0\]; got 2000"),
    ([ConvPoolLayer((1, 28, 28), 20), ConvPoolLayer((20, 14, 14), 40), SoftmaxLayer(1000, 10)],
     r"layers\[1\].image_shape must be the output shape of layers\[0\], \(20, 12, 12\)"),
    (["conv", SoftmaxLayer(10, 10)], r"layers\[0\] must be a ConvPoolLayer"),
])
def test_layers_that_do_not_fit_are_refused(layers, match):
    with pytest.raises(ValueError, match=match):
        Network(layers)


def test_bad_network_options_are_refused():
    layers = [FullyConnectedLayer(784, 30), SoftmaxLayer(30, 10)]
    with pytest.raises(ValueError, match="init must be one of"):
        Network(layers, init="large")
    with pytest.raises(ValueError, match="dropout must be one of"):
        Network(layers, dropout="standard")
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        Network(layers, dtype=np.float16)


def test_images_of_the_wrong_shape_are_refused():
    net = architecture("6.2")
    with pytest.raises(ValueError, match=r"images must have shape \(m, 784\) or \(m, 1, 28, 28\).*"
                                         r"got \(784,\): nnbook takes one example per row"):
        net.feedforward(np.zeros(784, np.float32))
    with pytest.raises(ValueError, match=r"or \(m, 784\); got \(2, 1, 27, 27\)"):
        net.feedforward(np.zeros((2, 1, 27, 27), np.float32))
    four_d = np.random.default_rng(0).random((2, 1, 28, 28), dtype=np.float32)
    np.testing.assert_array_equal(net.feedforward(four_d), net.feedforward(four_d.reshape(2, 784)))


# ---- dropout ------------------------------------------------------------------------------------


def test_dropout_with_p_zero_is_the_identity():
    a = tiny(p=0.0)
    data = toy_data()
    sgd(a, data, 2, 10, 0.1, rng=3)
    b = Network([ConvPoolLayer((1, 12, 12), 4, 5, 2, activations.relu),
                 FullyConnectedLayer(64, 16, activations.relu), SoftmaxLayer(16, 10)], rng=0)
    sgd(b, data, 2, 10, 0.1, rng=3)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("dropout", ["inverted", "network3"])
def test_test_time_output_is_the_average_over_masks(dropout):
    # E over masks of the weighted input w.(x * mask) + b equals the test-time weighted input.
    net = Network([FullyConnectedLayer(50, 3, activations.identity, p_dropout=0.4),
                   SoftmaxLayer(3, 2)], rng=0, dtype=np.float64, dropout=dropout)
    x = np.random.default_rng(1).random((1, 50))
    net.feedforward(x)
    test_z = net.layers[0].buffers(1, False)["z"][:, 0].copy()
    many = np.repeat(x, 40000, axis=0)  # one fresh mask per row
    net._forward(many, True, net._draw_masks(len(many), np.random.default_rng(2)))
    train_z = net.layers[0].buffers(len(many), True)["z"]
    np.testing.assert_allclose(train_z.mean(axis=1), test_z, atol=0.015)
    assert train_z.std(axis=1).min() > 0.05  # the masks did vary


def test_dropout_masks_are_fresh_for_every_layer_and_step():
    net = Network([FullyConnectedLayer(20, 20, p_dropout=0.5),
                   FullyConnectedLayer(20, 20, p_dropout=0.5), SoftmaxLayer(20, 10, p_dropout=0.5)],
                  rng=0)
    rng = np.random.default_rng(0)
    first = [m.copy() for m in net._draw_masks(10, rng)]
    second = [m.copy() for m in net._draw_masks(10, rng)]
    assert not np.array_equal(first[1], first[2])  # same shape, different masks (unlike network3)
    assert not np.array_equal(first[0], second[0])
    assert set(np.unique(first[0])) == {0.0, 2.0}
    assert 0.4 < (first[0] == 0).mean() < 0.6


def test_dropout_masks_drawn_in_blocks_are_seeded_fresh_and_have_the_right_rate():
    def draws(seed, steps=250):  # crosses the boundaries of the blocks drawn ahead
        net = Network([FullyConnectedLayer(20, 20, p_dropout=0.3), SoftmaxLayer(20, 10)], rng=0)
        rng = np.random.default_rng(seed)
        return [net._draw_masks(10, rng)[0].copy() for _ in range(steps)]

    a, b = draws(5), draws(5)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert len({x.tobytes() for x in a}) == len(a)  # a fresh mask at every step
    masks = np.stack(a)
    assert set(np.unique(masks)) == {0.0, np.float32(1 / 0.7)}
    assert abs((masks == 0).mean() - 0.3) < 0.01
    assert not np.array_equal(draws(6)[0], a[0])


# ---- training -----------------------------------------------------------------------------------


def test_sgd_learns_the_toy_task_and_reports_the_best_epoch():
    data = toy_data(200)
    net = tiny()
    history = sgd(net, data, 6, 10, 0.1, evaluation_data=toy_data(100, 1),
                  test_data=toy_data(100, 2), rng=0)
    assert isinstance(history, History) and history.epochs == 6
    assert len(history.evaluation_accuracy) == len(history.test_accuracy) == 6
    assert history.best_accuracy > 0.9
    v = history.evaluation_accuracy
    last_best = max(i for i in range(6) if v[i] == max(v))
    assert history.test_accuracy_at_best == history.test_accuracy[last_best]
    assert History.from_dict(json.loads(json.dumps(history.to_dict()))) == history


def test_test_accuracy_at_best_takes_the_last_of_equal_bests_like_the_original():
    h = History(evaluation_accuracy=[0.9, 0.95, 0.93, 0.95, 0.94],
                test_accuracy=[0.1, 0.2, 0.3, 0.4, 0.5], eta=[0.1] * 5)
    assert h.test_accuracy_at_best == 0.4
    assert h.best_epoch == 2  # chapter 3's best epoch keeps the first of equal bests
    with pytest.raises(ValueError, match="this run had no test_data"):
        _ = History(evaluation_accuracy=[0.5]).test_accuracy_at_best
    with pytest.raises(ValueError, match="did not monitor evaluation accuracy"):
        _ = History(test_accuracy=[0.5]).test_accuracy_at_best


@pytest.mark.parametrize("p", [0.0, 0.5])
def test_the_same_seeds_give_the_same_weights(p):
    runs = []
    for _ in range(2):
        net = tiny(p=p, seed=4)
        sgd(net, toy_data(), 2, 10, 0.05, lmbda=0.1, rng=9)
        runs.append(net.parameters())
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)
    other = tiny(p=p, seed=4)
    sgd(other, toy_data(), 2, 10, 0.05, lmbda=0.1, rng=10)
    assert not np.array_equal(other.weights[0], runs[0][0])


def test_shuffle_false_keeps_the_datas_order_every_epoch():
    data = toy_data(30)
    a, b = tiny(seed=1), tiny(seed=1)
    sgd(a, data, 1, 10, 0.1, rng=0, shuffle=False)
    sgd(b, data, 1, 10, 0.1, rng=12345, shuffle=False)  # the seed does not matter
    np.testing.assert_array_equal(a.weights[0], b.weights[0])
    c = tiny(seed=1)
    for k in range(0, 30, 10):  # the same steps, by hand, in the data's order
        c.update_mini_batch(data.images[k:k + 10], data.labels[k:k + 10], 0.1, 0.0, 30)
    np.testing.assert_array_equal(a.weights[0], c.weights[0])


def test_one_step_matches_the_gradient_with_chapter_3s_and_network3s_lmbda():
    net = tiny(dtype=np.float64, seed=3)
    data = toy_data(10)
    grads = net.gradient(data.images.astype(np.float64), data.labels)
    before = [p.copy() for p in net.parameters()]
    eta, lmbda, n = 0.2, 0.5, 10  # one mini-batch of m = 10 is the whole training set
    for used, decay in ((lmbda, 1 - eta * lmbda / n),
                        (network3_lmbda(lmbda, 10), 1 - eta * lmbda * 10 / n)):
        for p, q in zip(net.parameters(), before):
            p[...] = q
        sgd(net, data, 1, 10, eta, used, rng=0)
        for p, q, g in zip(net.parameters(), before, grads):
            expected = (decay * q if q.ndim > 1 else q) - eta * g
            np.testing.assert_allclose(p, expected, rtol=1e-6, atol=1e-6)

    assert network3_lmbda(0.1, 10) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="mini_batch_size must be a positive integer; got 0"):
        network3_lmbda(0.1, 0)


@pytest.mark.parametrize("kw, match", [
    ({"epochs": -1}, "epochs must be a non-negative integer; got -1"),
    ({"mini_batch_size": 0}, "mini_batch_size must be a positive integer; got 0"),
    ({"eta": 0}, "eta must be a finite number > 0; got 0"),
    ({"eta": float("nan")}, "eta must be a finite number"),
    ({"lmbda": -1.0}, "lmbda must be a finite number >= 0; got -1.0"),
    ({"dropout": 0.5}, "dropout=0.5 is the fully connected network's option"),
    ({"shuffle": "yes"}, "shuffle must be True or False"),
])
def test_bad_hyper_parameters_are_named(kw, match):
    args = {"epochs": 1, "mini_batch_size": 10, "eta": 0.1, **kw}
    with pytest.raises(ValueError, match=match):
        sgd(tiny(), toy_data(), args.pop("epochs"), args.pop("mini_batch_size"), args.pop("eta"),
            **args)


def test_bad_training_data_is_refused():
    with pytest.raises(ValueError, match=r"training_data images must have shape \(m, 144\)"):
        sgd(tiny(), (np.zeros((5, 784), np.float32), np.zeros(5, int)), 1, 10, 0.1)
    with pytest.raises(ValueError, match=r"training_data labels must lie in 0..9; got values "
                                         r"from 0 to 12"):
        sgd(tiny(), (np.zeros((5, 144), np.float32), np.array([0, 1, 2, 3, 12])), 1, 10, 0.1)
    with pytest.raises(ValueError, match="evaluation_data must be a Dataset or a pair"):
        sgd(tiny(), toy_data(), 1, 10, 0.1, evaluation_data=3)


def test_a_diverging_run_stops_with_a_hint_or_is_recorded():
    data = toy_data()
    with pytest.raises(TrainingDiverged, match=r"epoch 1.*smaller learning rate than eta=1e\+30"):
        sgd(tiny(act=activations.identity), data, 3, 10, 1e30, rng=0)
    history = sgd(tiny(act=activations.identity), data, 3, 10, 1e30, rng=0,
                  evaluation_data=data, allow_divergence=True)
    assert history.diverged_at == 1 and history.evaluation_accuracy == []


def test_a_short_last_mini_batch_is_used():
    data = toy_data(25)
    net = tiny(dtype=np.float64)
    before = net.weights[-1].copy()
    sgd(net, data[20:], 1, 10, 0.1, rng=0)  # only a batch of 5
    assert not np.array_equal(before, net.weights[-1])


# ---- the expanded-data stream -------------------------------------------------------------------


def test_the_stream_holds_each_image_in_each_of_its_five_versions():
    data = toy_data(7)
    stream = ShiftedStream(data)
    assert len(stream) == 35
    images, labels = stream.examples(np.arange(35))
    for v in range(5):
        expected = data.images if v == 0 else shift(data.images, *SHIFTS[v - 1])
        np.testing.assert_array_equal(images[7 * v:7 * (v + 1)], expected)
        np.testing.assert_array_equal(labels[7 * v:7 * (v + 1)], data.labels)


def test_an_epoch_of_the_stream_visits_every_version_exactly_once_in_a_seeded_order():
    data = toy_data(40)
    stream = ShiftedStream(data)
    stream.chunk = 30  # several blocks per epoch
    all_images, _ = stream.examples(np.arange(200))
    order = np.random.default_rng(3).permutation(len(stream))
    seen = []
    batches = [(xb.copy(), yb) for xb, yb in stream.mini_batches(order, 10)]
    assert len(batches) == 20
    for xb, yb in batches:
        for row, label in zip(xb, yb):
            match = np.flatnonzero((all_images == row).all(axis=1))
            seen.append(match)
            assert all(data.labels[k % 40] == label for k in match)
    firsts = [m[0] for m in seen]
    np.testing.assert_array_equal(np.sort(firsts), np.arange(200))  # 5 x n, each once
    np.testing.assert_array_equal(firsts, order)  # in the order asked for


def test_training_on_the_stream_is_seeded_and_uses_five_n_examples_per_epoch():
    data = toy_data(30)
    runs = []
    for _ in range(2):
        net = tiny(seed=0)
        steps = []
        original = net.update_mini_batch
        net.update_mini_batch = lambda x, y, *a: (steps.append(len(x)), original(x, y, *a))
        sgd(net, ShiftedStream(data), 1, 10, 0.1, rng=5)
        assert sum(steps) == 150
        runs.append(net.weights[0].copy())
    np.testing.assert_array_equal(*runs)


def test_the_stream_never_holds_the_expanded_set():
    n = 3000
    images = np.random.default_rng(0).random((n, 784), dtype=np.float32)
    stream = ShiftedStream(Dataset(images, np.zeros(n, int)))
    order = np.random.default_rng(0).permutation(len(stream))
    tracemalloc.start()
    try:
        count = 0
        for xb, _ in stream.mini_batches(order, 10):
            count += len(xb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 5 * n
    expanded = 5 * n * 784 * 4  # 47 MB of float32
    assert peak < expanded / 5, peak  # less than the n images themselves: a few blocks


# ---- saving, loading, ensembles -------------------------------------------------------------------


def test_save_and_load_round_trip_bit_for_bit(tmp_path):
    net = architecture("6.11", rng=0, dropout="network3")
    sgd(net, _mnist_like(20), 1, 10, 0.01, rng=0)
    back = load_convnet(save_convnet(net, tmp_path / "net.npz"))
    assert [type(l) for l in back.layers] == [type(l) for l in net.layers]
    assert [repr(l) for l in back.layers] == [repr(l) for l in net.layers]
    assert back.dropout == "network3" and back.init == "fan_in"
    for a, b in zip(net.parameters(), back.parameters()):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    x = _mnist_like(5)[0]
    np.testing.assert_array_equal(net.feedforward(x), back.feedforward(x))


def _mnist_like(n):
    rng = np.random.default_rng(n)
    return rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n)


def test_a_newer_or_tampered_file_is_refused(tmp_path):
    path = save_convnet(architecture("6.2x", rng=0), tmp_path / "net.npz")
    with np.load(path) as f:
        arrays = dict(f)
    meta = json.loads(arrays["meta"].tobytes())

    def write(name, **changes):
        m = dict(meta, **changes)
        out = dict(arrays, meta=np.frombuffer(json.dumps(m).encode(), np.uint8))
        np.savez(tmp_path / name, **out)
        return tmp_path / name

    with pytest.raises(ValueError, match="format version 2 by a newer nnbook"):
        load_convnet(write("newer.npz", version=2))
    with pytest.raises(ValueError, match=r"w1 must have shape \(10, 2880\)"):
        arrays["w1"] = np.zeros((10, 100), np.float32)
        load_convnet(write("tampered.npz"))
    arrays["w1"] = np.full((10, 2880), np.nan, np.float32)
    with pytest.raises(ValueError, match="non-finite"):
        load_convnet(write("nan.npz"))
    with pytest.raises(ValueError, match="pool_size=5 must divide"):
        load_convnet(write("layers.npz", layers=[dict(meta["layers"][0], pool_size=5),
                                                 meta["layers"][1]]))
    with pytest.raises(ValueError, match="unknown format 'nnbook.network'.*use nnbook.runs.serialize.load"):
        load_convnet(write("other.npz", format="nnbook.network"))
    with pytest.raises(ValueError, match="unknown format 'nnbook.convnet'"):
        load(path)  # the chapter 1-3 reader refuses it too, and is unchanged
    np.savez(tmp_path / "pickled.npz", meta=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="pickled"):
        load_convnet(tmp_path / "pickled.npz")


def test_saving_a_chapter_3_network_is_unchanged(tmp_path):
    from nnbook.network import Network as FCNetwork
    net = FCNetwork([4, 3, 2], rng=0)
    assert load(save(net, tmp_path / "fc.npz")).sizes == [4, 3, 2]
    with pytest.raises(TypeError, match="nnbook.convnet.Network"):
        save_convnet(net, tmp_path / "x.npz")


def voter(labels):
    """A network that votes for fixed labels."""
    net = tiny(seed=0)
    net.predict = lambda images: np.asarray(labels)
    return net


def test_ensemble_votes_by_plurality_and_breaks_ties_toward_the_smallest_digit():
    nets = [voter([3, 7, 1, 9]), voter([3, 2, 1, 8]), voter([5, 2, 4, 7])]
    # image 0: 3 wins 2-1; image 1: 2 wins 2-1; image 2: 1 wins; image 3: a three-way tie
    # between 9, 8 and 7 goes to 7.
    np.testing.assert_array_equal(ensemble_predict(nets, np.zeros((4, 144))), [3, 2, 1, 7])
    two = [voter([7, 0]), voter([3, 0])]
    np.testing.assert_array_equal(ensemble_predict(two, np.zeros((2, 144))), [3, 0])
    single = tiny(seed=2)
    x = toy_data(9).images
    np.testing.assert_array_equal(ensemble_predict([single], x), single.predict(x))
    with pytest.raises(ValueError, match="nets must be a non-empty list"):
        ensemble_predict([], x)


# ---- real MNIST -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_short_run_on_real_mnist_beats_a_fully_connected_network(mnist):
    from nnbook.studies.speed import one_blas_thread
    train, validation = mnist.training[:8000], mnist.validation[:2000]
    with one_blas_thread():
        conv = architecture("6.4", rng=2)
        conv_history = sgd(conv, train, 2, 10, 0.1, evaluation_data=validation, rng=12)
        mlp = architecture("6.1", rng=2)
        mlp_history = sgd(mlp, train, 2, 10, 0.1, evaluation_data=validation, rng=12)
    # Measured: about 0.97 against 0.88; the floors leave room for other BLAS builds.
    assert conv_history.best_accuracy > 0.93
    assert conv_history.best_accuracy > mlp_history.best_accuracy + 0.04
