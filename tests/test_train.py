"""The one training loop: chapter 3's options (L1, momentum, dropout, early stopping, the eta
schedule) on the fully connected network; the loop's protocol, shared with chapter 6's network,
is tested in test_sgd_protocol.py."""

import numpy as np
import pytest

from nnbook import train
from nnbook.network import Network
from nnbook.train import History, sgd


def _toy_data(seed=0, n=200):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 4))
    y = (x[:, 0] + x[:, 1] > x[:, 2] + x[:, 3]).astype(int)
    return x, y


def _same(a, b):
    return all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


def _scripted_accuracy(monkeypatch, net, accuracies):
    """Make ``net.accuracy`` return ``accuracies`` in turn, and record the eta of every step
    (readable or fused)."""
    values = iter(accuracies)
    monkeypatch.setattr(net, "accuracy", lambda x, y: next(values))
    etas = []
    step = train.gradient_step

    def recording_step(net, grads, eta, *args, **kwargs):
        etas.append(eta)
        step(net, grads, eta, *args, **kwargs)

    monkeypatch.setattr(train, "gradient_step", recording_step)
    fused = net.update_mini_batch  # the step sgd takes without momentum or L1

    def recording_fused(x, y, eta, *args):
        etas.append(eta)
        fused(x, y, eta, *args)

    monkeypatch.setattr(net, "update_mini_batch", recording_fused)
    return etas


# ---- options that must change nothing when off ----------------------------------------------------

@pytest.mark.parametrize("options", [dict(mu=0.0), dict(dropout=0.0), dict(regularization="L2"),
                                     dict(early_stopping=None, schedule=None)])
def test_switched_off_options_give_plain_sgd_bit_for_bit(options):
    data = _toy_data()
    plain, other = Network([4, 6, 2], rng=0), Network([4, 6, 2], rng=0)
    h1 = sgd(plain, data, 3, 10, 1.0, 0.5, evaluation_data=data, rng=1)
    h2 = sgd(other, data, 3, 10, 1.0, 0.5, evaluation_data=data, rng=1, **options)
    assert _same(plain, other) and h1 == h2


def test_history_records_eta_and_round_trips_through_a_dict():
    data = _toy_data()
    h = sgd(Network([4, 3, 2], rng=0), data, 3, 10, 0.25, evaluation_data=data, rng=0)
    assert h.eta == [0.25] * 3 and h.stopped_at is None and h.diverged_at is None
    assert History.from_dict(h.to_dict()) == h
    # a record written before chapter 3 (no eta, no stopped_at) still loads
    old = {k: v for k, v in h.to_dict().items() if k not in ("eta", "stopped_at")}
    assert History.from_dict(old).eta == []


# ---- L1 and the monitored costs -------------------------------------------------------------------

@pytest.mark.parametrize("regularization", ["L1", "L2"])
def test_sgd_takes_the_regularized_step_with_the_training_set_size(regularization):
    # One mini-batch holding the whole training set, in order: one step of equation 93 or 97.
    x, y = _toy_data(n=40)
    net, by_hand = Network([4, 3, 2], rng=0), Network([4, 3, 2], rng=0)
    sgd(net, (x, y), 1, 40, 0.5, 4.0, regularization=regularization, shuffle=False)
    nabla_b, nabla_w = by_hand.backprop(x, y)
    for w, b, nw, nb in zip(by_hand.weights, by_hand.biases, nabla_w, nabla_b):
        term = w if regularization == "L2" else np.sign(w)
        w[...] = w - 0.5 * 4.0 / 40 * term - 0.5 * nw
        b -= 0.5 * nb
    for p, q in zip(net.parameters(), by_hand.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-14, atol=1e-16)


def test_monitored_costs_use_the_training_set_size_and_the_chosen_term():
    data = _toy_data()
    evaluation = _toy_data(seed=1, n=50)
    for regularization in ("L2", "L1"):
        net = Network([4, 3, 2], rng=0)
        h = sgd(net, data, 2, 10, 0.5, 3.0, regularization=regularization,
                evaluation_data=evaluation, monitor_evaluation_cost=True,
                monitor_training_cost=True, rng=0)
        assert h.evaluation_cost[-1] == net.total_cost(*evaluation, 3.0, 200, regularization)
        assert h.training_cost[-1] == net.total_cost(*data, 3.0, 200, regularization)
        # not the original's network2, which divided by the evaluated set's size (50 here)
        assert h.evaluation_cost[-1] < net.total_cost(*evaluation, 3.0, 50, regularization)


# ---- momentum -------------------------------------------------------------------------------------

def test_momentum_trains_and_is_reproducible():
    data = _toy_data()
    runs = []
    for _ in range(2):
        net = Network([4, 8, 2], init="scaled", rng=0)
        h = sgd(net, data, 20, 10, 0.3, mu=0.9, evaluation_data=data, rng=3)
        runs.append(net)
    assert _same(*runs)
    assert h.best_accuracy > 0.9
    plain = Network([4, 8, 2], init="scaled", rng=0)
    sgd(plain, data, 20, 10, 0.3, rng=3)
    assert not _same(plain, runs[0])


# ---- dropout --------------------------------------------------------------------------------------

def test_dropout_masks_drop_about_p_of_the_hidden_neurons():
    net = Network([4, 300, 200, 2], rng=0)
    masks = net.dropout_masks(50, 0.3, np.random.default_rng(0))
    assert [m.shape for m in masks] == [(50, 300), (50, 200)]  # hidden layers only
    for mask in masks:
        assert set(np.unique(mask)) == {0.0, 1 / 0.7}
        assert abs(np.mean(mask == 0) - 0.3) < 0.01  # 15,000 and 10,000 draws
    assert Network([4, 5, 2], rng=0, dtype=np.float32).dropout_masks(3, 0.5, 0)[0].dtype == np.float32


def test_sgd_dropout_is_drawn_from_its_rng_per_mini_batch(monkeypatch):
    data = _toy_data()
    seen = []
    net = Network([4, 20, 2], rng=0)
    step = net.update_mini_batch
    monkeypatch.setattr(net, "update_mini_batch", lambda x, y, eta, lmbda, n, masks: (
        seen.append(masks), step(x, y, eta, lmbda, n, masks)))
    sgd(net, data, 2, 10, 0.5, dropout=0.5, rng=7)
    assert len(seen) == 2 * 20 and all(len(m) == 1 and m[0].shape == (10, 20) for m in seen)
    dropped = np.mean([np.mean(m[0] == 0) for m in seen])
    assert abs(dropped - 0.5) < 0.03  # 8,000 draws
    assert not np.array_equal(seen[0][0], seen[1][0])  # fresh masks for every mini-batch


def test_dropout_is_reproducible_with_a_fixed_rng_and_changes_the_result():
    data = _toy_data()
    nets = [Network([4, 20, 2], rng=0) for _ in range(4)]
    for net, seed, p in zip(nets, (5, 5, 6, None), (0.5, 0.5, 0.5, 0.0)):
        sgd(net, data, 3, 10, 0.5, dropout=p, rng=5 if seed is None else seed)
    assert _same(nets[0], nets[1])
    assert not _same(nets[0], nets[2])  # other masks (and order)
    assert not _same(nets[0], nets[3])  # same order, no dropout


def test_dropout_is_for_training_only():
    data = _toy_data()
    net = Network([4, 20, 2], rng=0)
    sgd(net, data, 1, 10, 0.5, dropout=0.5, rng=0)
    x = data[0][:5]
    np.testing.assert_array_equal(net.feedforward(x), net.feedforward(x))  # no masks at test time
    zs, acts = net.forward(x)
    assert np.all(acts[1] != 0)


# ---- early stopping -------------------------------------------------------------------------------

def test_early_stopping_stops_exactly_after_n_epochs_without_improvement(monkeypatch):
    data = _toy_data(n=20)
    net = Network([4, 3, 2], rng=0)
    #            epoch:  1    2    3    4    5    6    7    8    9
    etas = _scripted_accuracy(monkeypatch, net, [.5, .6, .6, .6, .7, .6, .7, .6, .9])
    seen = []
    h = sgd(net, data, 100, 10, 0.5, evaluation_data=data, early_stopping=3, rng=0,
            callback=lambda epoch, history: seen.append((epoch, history.stopped_at)))
    # best .7 at epoch 5; 6, 7 (a tie) and 8 bring nothing new: stop after epoch 8.
    assert h.stopped_at == 8 and h.best_epoch == 5
    assert h.evaluation_accuracy == [.5, .6, .6, .6, .7, .6, .7, .6]
    assert len(etas) == 8 * 2  # two mini-batches per epoch, no training after the stop
    assert seen[-1] == (8, 8) and seen[-2] == (7, None)


def test_early_stopping_when_nothing_improves():
    # eta so small that the predictions never change: the first epoch is the best.
    data = _toy_data()
    h = sgd(Network([4, 3, 2], rng=0), data, 50, 10, 1e-12, evaluation_data=data,
            early_stopping=4, rng=0)
    assert len(set(h.evaluation_accuracy)) == 1
    assert h.stopped_at == 5 == h.epochs and h.best_epoch == 1


def test_early_stopping_that_never_fires_leaves_stopped_at_none():
    data = _toy_data()
    h = sgd(Network([4, 8, 2], rng=0), data, 5, 10, 3.0, evaluation_data=data,
            early_stopping=10, rng=0)
    assert h.epochs == 5 and h.stopped_at is None


# ---- the learning-rate schedule -------------------------------------------------------------------

def test_schedule_halves_eta_on_stalls_and_stops_at_the_floor(monkeypatch):
    data = _toy_data(n=20)
    net = Network([4, 3, 2], rng=0)
    etas = _scripted_accuracy(monkeypatch, net, [0.5] * 100)  # nothing improves after epoch 1
    h = sgd(net, data, 100, 10, 0.8, evaluation_data=data, schedule=2, eta_floor=1 / 8, rng=0)
    assert h.eta == [0.8, 0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.1, 0.1]
    assert h.stopped_at == 9
    assert etas == [eta for eta in h.eta for _ in range(2)]  # what the steps really used


def test_schedule_with_improvements_keeps_eta(monkeypatch):
    data = _toy_data(n=20)
    net = Network([4, 3, 2], rng=0)
    _scripted_accuracy(monkeypatch, net, [0.1 * k for k in range(1, 7)])
    h = sgd(net, data, 6, 10, 0.8, evaluation_data=data, schedule=1, rng=0)
    assert h.eta == [0.8] * 6 and h.stopped_at is None


def test_schedule_and_early_stopping_together(monkeypatch):
    data = _toy_data(n=20)
    net = Network([4, 3, 2], rng=0)
    _scripted_accuracy(monkeypatch, net, [0.5] * 100)
    h = sgd(net, data, 100, 10, 1.0, evaluation_data=data, schedule=2, early_stopping=5, rng=0)
    assert h.eta == [1.0, 1.0, 1.0, 0.5, 0.5, 0.25] and h.stopped_at == 6


# ---- bad values -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,message", [
    (dict(mu=-0.1), r"mu must be a number in \[0, 1\) \(mu >= 1 lets the velocity grow"),
    (dict(mu=1.0), r"mu must be a number in \[0, 1\)"),
    (dict(mu=float("nan")), r"mu must be a number in \[0, 1\)"),
    (dict(mu="fast"), r"mu must be a number in \[0, 1\); got 'fast'"),
    (dict(dropout=1.0), r"dropout must be a number in \[0, 1\) \(the probability of dropping"),
    (dict(dropout=-0.5), r"dropout must be a number in \[0, 1\)"),
    (dict(early_stopping=0), "early_stopping must be None or a positive integer"),
    (dict(early_stopping=2.5), "early_stopping must be None or a positive integer"),
    (dict(early_stopping=True), "early_stopping must be None or a positive integer"),
    (dict(early_stopping="10"), "early_stopping must be None or a positive integer"),
    (dict(schedule=-1), "schedule must be None or a positive integer"),
    (dict(eta_floor=0), "eta_floor must be a finite number > 0"),
    (dict(eta_floor=2.0), r"eta_floor must be a fraction of the starting eta, in \(0, 1\]"),
    (dict(regularization="L3"), r"regularization must be one of \['L1', 'L2'\]; got 'L3'"),
    (dict(regularization=None), r"regularization must be one of \['L1', 'L2'\]; got None"),
])
def test_bad_chapter_3_options(kwargs, message):
    data = _toy_data()
    with pytest.raises(ValueError, match=message):
        sgd(Network([4, 3, 2], rng=0), data, 1, 10, 1.0, evaluation_data=data, **kwargs)


@pytest.mark.parametrize("option", ["early_stopping", "schedule"])
def test_stopping_rules_need_an_evaluation_accuracy(option):
    data = _toy_data()
    with pytest.raises(ValueError, match=f"{option}=3 watches the evaluation accuracy"):
        sgd(Network([4, 3, 2], rng=0), data, 1, 10, 1.0, **{option: 3})
    with pytest.raises(ValueError, match="needs evaluation_data and monitor_evaluation_accuracy"):
        sgd(Network([4, 3, 2], rng=0), data, 1, 10, 1.0, evaluation_data=data,
            monitor_evaluation_accuracy=False, **{option: 3})


def test_dropout_needs_a_hidden_layer():
    with pytest.raises(ValueError, match=r"dropout drops hidden neurons, and Network\(\[4, 2\]\) has no"):
        sgd(Network([4, 2], rng=0), _toy_data(), 1, 10, 1.0, dropout=0.5)

