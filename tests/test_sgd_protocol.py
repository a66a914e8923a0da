"""The one training loop, nnbook.train.sgd, with both kinds of network: the same History, the
same options, determinism, divergence reported once, streams, and chapter 6's fused step
against the readable gradient + step (the fully connected one's: test_fused_step.py)."""

import numpy as np
import pytest

from nnbook import activations, convnet, network, train
from nnbook.expand import ShiftedStream
from nnbook.train import History, TrainingDiverged, check_divergence, sgd, update_mini_batch
from test_convnet import toy_data  # 12 x 12 images whose label is the row of a bright bar


def fc(seed=0, dtype=np.float64, **kw):
    return network.Network([144, 20, 10], cost="cross-entropy", init="scaled", rng=seed,
                           dtype=dtype, **kw)


def conv(seed=0, dtype=np.float32, p=0.0, act=activations.relu):
    return convnet.Network([convnet.ConvPoolLayer((1, 12, 12), 4, 5, 2, act),
                            convnet.FullyConnectedLayer(64, 16, act, p_dropout=p),
                            convnet.SoftmaxLayer(16, 10, p_dropout=p)], rng=seed, dtype=dtype)


KINDS = {"fully connected": fc, "convolutional": conv}


def same(a, b):
    return all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


@pytest.mark.parametrize("make", KINDS.values(), ids=KINDS.keys())
def test_both_networks_train_in_the_same_loop_and_return_the_same_history(make):
    net = make()
    h = sgd(net, toy_data(200), 4, 10, 0.5 if make is fc else 0.1, evaluation_data=toy_data(100, 1),
            test_data=toy_data(100, 2), monitor_evaluation_cost=True, monitor_training_accuracy=True,
            rng=3)
    assert type(h) is History and h.epochs == 4 and h.eta == [h.eta[0]] * 4
    assert len(h.evaluation_accuracy) == len(h.test_accuracy) == len(h.evaluation_cost) == 4
    assert h.best_accuracy > 0.5 and h.training_accuracy[-1] > 0.5  # chance: 0.1
    assert h.evaluation_cost[-1] < h.evaluation_cost[0]
    assert h.evaluation_accuracy[-1] == net.accuracy(*toy_data(100, 1))
    assert h.test_accuracy[-1] == net.accuracy(toy_data(100, 2).images, toy_data(100, 2).labels)


@pytest.mark.parametrize("make", KINDS.values(), ids=KINDS.keys())
@pytest.mark.parametrize("options", [{}, {"mu": 0.5}, {"regularization": "L1", "lmbda": 0.5},
                                     {"lmbda": 2.0}, {"shuffle": False}])
def test_same_seeds_same_weights_other_seed_other_weights(make, options):
    runs = []
    for seed in (7, 7, 8):
        net = make(seed=1)
        sgd(net, toy_data(40), 2, 10, 0.05, rng=seed, **options)
        runs.append(net)
    assert same(runs[0], runs[1])
    assert same(runs[0], runs[2]) == (options.get("shuffle") is False)


@pytest.mark.parametrize("make", KINDS.values(), ids=KINDS.keys())
def test_options_change_the_run(make):
    def run(**options):
        net = make(seed=1)
        sgd(net, toy_data(40), 2, 10, 0.05, rng=7, **options)
        return net

    plain = run()
    for options in ({"mu": 0.5}, {"lmbda": 2.0}, {"lmbda": 2.0, "regularization": "L1"}):
        assert not same(plain, run(**options)), options
    assert same(plain, run(mu=0.0, lmbda=0.0, regularization="L1"))  # switched off: nothing


@pytest.mark.parametrize("make, eta", [(lambda: network.Network([144, 20, 10], activation="identity",
                                                               rng=0), 1e30),
                                       (lambda: conv(act=activations.identity), 1e30)],
                         ids=KINDS.keys())
def test_divergence_is_reported_once_without_a_warning(make, eta):
    # filterwarnings = error: an overflow warning on the way would fail the test.
    calls = []
    with pytest.raises(TrainingDiverged, match=r"^training diverged in epoch 1: .*than eta=1e\+30\.$"):
        sgd(make(), toy_data(), 3, 10, eta, rng=0, callback=lambda *a: calls.append(a))
    assert calls == []
    h = sgd(make(), toy_data(), 3, 10, eta, rng=0, evaluation_data=toy_data(), test_data=toy_data(),
            allow_divergence=True, callback=lambda *a: calls.append(a))
    assert h.diverged_at == 1 and h.evaluation_accuracy == h.test_accuracy == [] and calls == []


def test_the_divergence_check():
    net = fc()
    assert check_divergence(net, "step 4", 0.5) is False
    net.biases[-1][0] = np.nan
    assert check_divergence(net, "step 4", 0.5, allow=True) is True
    with pytest.raises(TrainingDiverged, match=r"diverged in step 4: .*than eta=0.5 or a smaller "
                                               r"lmbda than 2.0\.$"):
        check_divergence(net, "step 4", 0.5, 2.0)


@pytest.mark.parametrize("make", KINDS.values(), ids=KINDS.keys())
def test_a_stream_trains_with_five_n_examples_per_epoch(make, monkeypatch):
    seen = []
    runs = []
    for _ in range(2):
        net = make(seed=0)
        original = net.gradient
        monkeypatch.setattr(net, "gradient", lambda x, y, masks: (
            seen.append((x.dtype, len(x))), original(x, y, masks))[1])
        # momentum takes the readable path for both kinds of network
        sgd(net, ShiftedStream(toy_data(30)), 1, 10, 0.05, mu=0.1, rng=5)
        runs.append(net)
    assert sum(k for _, k in seen) == 2 * 150
    assert {d for d, _ in seen} == {np.dtype(make().dtype)}  # cast to the network's dtype
    assert same(*runs)
    with pytest.raises(ValueError, match="monitor_training_\\* needs the training data in memory"):
        sgd(make(), ShiftedStream(toy_data(30)), 1, 10, 0.05, monitor_training_cost=True)


def test_labels_stay_integers_all_the_way(monkeypatch):
    seen = []
    net = fc()
    original = net.gradient
    monkeypatch.setattr(net, "gradient", lambda x, y, masks: (seen.append(y), original(x, y, masks))[1])
    sgd(net, toy_data(20), 1, 10, 0.5, mu=0.1, rng=0)  # momentum: the readable gradient
    step = net.update_mini_batch
    monkeypatch.setattr(net, "update_mini_batch", lambda x, y, *a: (seen.append(y), step(x, y, *a)))
    sgd(net, toy_data(20), 1, 10, 0.5, rng=0)  # the fused step
    assert len(seen) == 4 and all(y.ndim == 1 and y.dtype.kind == "i" for y in seen)


def two_conv(seed=0, dtype=np.float32, p=0.0):
    """CP3 -> CP4 (the second needs its input gradient: CP40's path) -> FC -> softmax."""
    act = activations.sigmoid
    return convnet.Network([convnet.ConvPoolLayer((1, 12, 12), 3, 3, 2, act),
                            convnet.ConvPoolLayer((3, 5, 5), 4, 2, 2, act),
                            convnet.FullyConnectedLayer(16, 8, act, p_dropout=p),
                            convnet.SoftmaxLayer(8, 10, p_dropout=p)], rng=seed, dtype=dtype)


@pytest.mark.parametrize("p", [0.0, 0.5])
@pytest.mark.parametrize("lmbda", [0.0, 3.0])
@pytest.mark.parametrize("make", [conv, two_conv])
def test_the_fused_step_is_the_readable_gradient_and_update(p, lmbda, make):
    data = toy_data(10, seed=4)
    fused, readable = make(seed=2, p=p), make(seed=2, p=p)
    rng = np.random.default_rng(0)
    for q in fused.parameters():  # away from the softmax layer's zero start
        q += 0.1 * rng.standard_normal(q.shape).astype(q.dtype)
    for q, r in zip(readable.parameters(), fused.parameters()):
        q[...] = r
    for step in range(3):
        masks = fused.dropout_masks(10, 0.0, np.random.default_rng(step)) if p else None
        copies = None if masks is None else [None if mk is None else mk.copy() for mk in masks]
        fused.update_mini_batch(data.images, data.labels, 0.3, lmbda, 50, masks)
        update_mini_batch(readable, data.images, data.labels, 0.3, lmbda, 50, masks=copies)
    changed = 0
    for q, r, start in zip(fused.parameters(), readable.parameters(), make(seed=2).parameters()):
        np.testing.assert_allclose(q, r, rtol=2e-5, atol=2e-6)
        changed += not np.array_equal(q, start)
    assert changed == len(fused.parameters())  # every parameter moved


def test_sgd_takes_the_fused_step_only_when_the_options_allow(monkeypatch):
    fused_calls, gradient_calls = [], []
    net = conv()
    monkeypatch.setattr(net, "update_mini_batch", lambda *a: fused_calls.append(a))
    original = net.gradient
    monkeypatch.setattr(net, "gradient", lambda *a: (gradient_calls.append(a), original(*a))[1])
    sgd(net, toy_data(20), 1, 10, 0.1, lmbda=1.0, rng=0)
    assert len(fused_calls) == 2 and gradient_calls == []
    assert fused_calls[0][2:5] == (0.1, 1.0, 20)  # eta, lmbda, n
    sgd(net, toy_data(20), 1, 10, 0.1, lmbda=0.0, regularization="L1", rng=0)  # L1 of nothing
    assert len(fused_calls) == 4 and gradient_calls == []
    sgd(net, toy_data(20), 1, 10, 0.1, lmbda=1.0, regularization="L1", rng=0)
    sgd(net, toy_data(20), 1, 10, 0.1, mu=0.5, rng=0)
    assert len(fused_calls) == 4 and len(gradient_calls) == 4


def test_the_gradient_is_aligned_with_the_parameters_for_both_networks():
    data = toy_data(5)
    for net in (fc(), conv(dtype=np.float64)):
        grads = net.gradient(data.images.astype(net.dtype), data.labels, None)
        assert [g.shape for g in grads] == [p.shape for p in net.parameters()]
    nabla_b, nabla_w = fc().backprop(data.images, data.labels)
    grads = fc().gradient(data.images, data.labels)
    assert all(np.array_equal(a, b) for a, b in zip(grads, [nabla_w[0], nabla_b[0], nabla_w[1], nabla_b[1]]))


def test_one_readable_step_with_l2_by_hand():
    data = toy_data(10)
    net, by_hand = fc(), fc()
    update_mini_batch(net, data.images, data.labels, 0.5, 2.0, 100)
    nabla_b, nabla_w = by_hand.backprop(data.images, data.labels)
    for w, b, nw, nb in zip(by_hand.weights, by_hand.biases, nabla_w, nabla_b):
        w[...] = (1 - 0.5 * 2.0 / 100) * w - 0.5 * nw
        b -= 0.5 * nb
    for p, q in zip(net.parameters(), by_hand.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-14, atol=1e-16)


@pytest.mark.parametrize("make, match", [
    (conv, "dropout=0.5 is the fully connected network's option"),
    (lambda: network.Network([144, 10], rng=0), r"dropout drops hidden neurons, and "
                                                 r"Network\(\[144, 10\]\) has no hidden layer"),
])
def test_dropout_is_an_option_of_the_fully_connected_network_only(make, match):
    with pytest.raises(ValueError, match=match):
        sgd(make(), toy_data(), 1, 10, 0.1, dropout=0.5)


@pytest.mark.parametrize("kw, match", [
    ({"training_data": toy_data(0)}, "training_data images must hold at least one example"),
    ({"test_data": (np.zeros((3, 144)), np.zeros(3))}, r"test_data labels must be 3 integer labels"),
    ({"shuffle": 1}, "shuffle must be True or False; got 1"),
])
def test_bad_arguments_are_named(kw, match):
    args = {"training_data": toy_data(), **kw}
    with pytest.raises(ValueError, match=match):
        sgd(conv(), args.pop("training_data"), 1, 10, 0.1, **args)


def test_the_readable_step_refuses_momentum_without_velocities():
    with pytest.raises(ValueError, match="momentum needs velocities: 4 arrays"):
        update_mini_batch(fc(), toy_data(2).images, toy_data(2).labels, 0.1, mu=0.5)
    with pytest.raises(ValueError, match=r"regularization must be one of \['L1', 'L2'\]; got 'l2'"):
        update_mini_batch(fc(), toy_data(2).images, toy_data(2).labels, 0.1, regularization="l2")


def test_no_second_loop_or_history_is_left():
    assert not hasattr(convnet, "sgd") and not hasattr(convnet, "ConvHistory")
    assert not hasattr(network, "sgd") and not hasattr(network, "History")
    assert train.History is History


@pytest.mark.parametrize("data", [(np.zeros((5, 144)), np.zeros(4, int)),
                                  (np.zeros((5, 12, 12)), np.zeros(5, int))])
def test_the_fully_connected_network_names_mismatched_training_data(data):
    with pytest.raises(ValueError, match=r"training_data must hold images of shape \(m, n\) and m "
                                         r"labels; got \(5, "):
        sgd(fc(), data, 1, 10, 0.1)


def test_any_decay_factor_is_allowed():
    # eta lmbda / n = 1: each step first sets the weights to 0, then takes the gradient step.
    # Chapter 3 trains with factors of 0 and below on purpose (its "bad start" and the strip of
    # weights whose sign flips every step), so sgd refuses none.
    data = toy_data(10)
    net = fc()
    before = [p.copy() for p in net.parameters()]
    grads = net.gradient(data.images.astype(np.float64), data.labels)
    sgd(net, data, 1, 10, 0.5, lmbda=20.0, shuffle=False)
    np.testing.assert_allclose(net.weights[0], -0.5 * grads[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(net.biases[0], before[1] - 0.5 * grads[1], rtol=1e-12)
    flipped = fc()
    sgd(flipped, data, 1, 10, 0.5, lmbda=40.0, shuffle=False)  # factor 1 - 0.5 * 40 / 10 = -1
    np.testing.assert_allclose(flipped.weights[0], -before[0] - 0.5 * grads[0], rtol=1e-12,
                               atol=1e-15)
