"""The book's experiments: every run a page shows, with the original's settings.

Each experiment has a name (``"ch1.net30"``), a kind that says how it is run (one of
:data:`nnbook.runs.experiments.KINDS`), its settings in the ``full`` profile (the original's) and
the changes the ``fast`` profile makes for smoke builds. :mod:`nnbook.runs.experiments` runs and
caches them; this module only says what they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nnbook.runs import profile as profiles


@dataclass(frozen=True)
class Experiment:
    """An experiment: its name, a one-line title, what kind of run it is and its settings."""

    name: str
    title: str
    kind: str  # a key of nnbook.runs.experiments.KINDS: "sgd", "sgd_sweep", "svm", ...
    full: dict
    fast: dict = field(default_factory=dict)

    def settings(self, profile: str | None = None) -> dict:
        """The settings in ``profile`` (the current one by default): ``full``, updated by ``fast``."""
        s = dict(self.full)
        if profiles.current(profile) == "fast":
            s.update(self.fast)
        return s


CATALOGUE: dict[str, Experiment] = {}


def _register(name: str, title: str, kind: str, fast: dict | None = None, **full) -> None:
    full.setdefault("repeats", 1)
    full.setdefault("seed", 1)
    CATALOGUE[name] = Experiment(name, title, kind, full, fast or {})


# Chapter 1: network.py's settings (sigmoid, quadratic cost, N(0, 1) initialisation, m = 10),
# trained on the first 50,000 images and measured on the 10,000 test images after every epoch.
_CH1 = dict(cost="quadratic", init="large", mini_batch_size=10, epochs=30, n_train=50_000,
            evaluation="test")
_CH1_FAST = dict(n_train=10_000, epochs=10)
# The original reports the best of three runs; runs of these networks differ a lot (some get
# stuck with a saturated output neuron), so we train nine and show the spread.
_register("ch1.net30", "[784, 30, 10], eta = 3.0", "sgd", dict(_CH1_FAST, repeats=3),
          sizes=[784, 30, 10], eta=3.0, repeats=9, **_CH1)
_register("ch1.net100", "[784, 100, 10], eta = 3.0", "sgd", dict(_CH1_FAST, repeats=3),
          sizes=[784, 100, 10], eta=3.0, repeats=9, **_CH1)
# The original reports one run of each learning rate. Ours is the median of several seeds (five
# for eta = 0.001, whose runs spread widely), and their spread sets the report's tolerance.
_register("ch1.eta_small", "[784, 100, 10], eta = 0.001", "sgd", dict(_CH1_FAST, repeats=1),
          sizes=[784, 100, 10], eta=0.001, repeats=5, **_CH1)
_register("ch1.eta_large", "[784, 30, 10], eta = 100", "sgd", dict(_CH1_FAST, repeats=1),
          sizes=[784, 30, 10], eta=100.0, repeats=3, **_CH1)
_register("ch1.no_hidden", "[784, 10], eta = 3.0", "sgd", _CH1_FAST,
          sizes=[784, 10], eta=3.0, **_CH1)
_register("ch1.random", "random guessing", "random", evaluation="test")
_register("ch1.darkness", "average darkness", "darkness", n_train=50_000, evaluation="test")
_register("ch1.svm", "SVM, RBF kernel, C = 1, gamma = 1/784", "svm", dict(n_train=5_000),
          n_train=50_000, evaluation="test", C=1.0, gamma="auto")

# Chapter 2: timings. They depend on the machine, so each is measured once per nnbook version by
# whichever machine builds the book, and cached like any run so that the page and the report agree.
_register("ch2.gradient_cost", "full gradient: backprop vs finite differences", "speed_gradient",
          sizes_list=[[200, 50, 10], [400, 100, 10], [800, 200, 10], [1600, 400, 10]],
          mini_batch_size=10)
_register("ch2.minibatch_speedup", "mini-batch gradient: matrix form vs a loop over examples",
          "speed_minibatch", sizes=[784, 30, 10], batch_sizes=[1, 2, 5, 10, 20, 50, 100, 1000])


# Chapter 3 (network2.py's settings: sigmoid neurons, m = 10; "large" is N(0, 1) initialisation,
# "scaled" is N(0, 1/n_in)). The original reports a single run of each; the runs whose numbers it
# quotes or whose curves it recorded are repeated with three seeds (_SEEDS) in the full profile,
# so that the report can give the median and measure the spread between seeds. The fast profile
# trains one of each.
_CE = dict(cost="cross-entropy", mini_batch_size=10, n_train=50_000)
_FAST = dict(n_train=10_000, epochs=10, repeats=1)
_SEEDS = 3
_FOUR = ["evaluation_cost", "evaluation_accuracy", "training_cost", "training_accuracy"]
_ACCURACIES = ["evaluation_accuracy", "training_accuracy"]
_register("ch3.ce30", "[784, 30, 10], cross-entropy", "sgd", _FAST, sizes=[784, 30, 10],
          init="large", eta=0.5, epochs=30, evaluation="test", repeats=_SEEDS, **_CE)
_register("ch3.ce100", "[784, 100, 10], cross-entropy", "sgd", _FAST, sizes=[784, 100, 10],
          init="large", eta=0.5, epochs=30, evaluation="test", repeats=_SEEDS, **_CE)
_register("ch3.overfit", "[784, 30, 10] on 1,000 images, 400 epochs", "sgd",
          dict(epochs=100, repeats=1), **dict(_CE, n_train=1_000), sizes=[784, 30, 10],
          init="large", eta=0.5, epochs=400, evaluation="test", monitor=_FOUR, repeats=_SEEDS)
_register("ch3.overfit_full", "[784, 30, 10] on 50,000 images, test and training accuracy", "sgd",
          _FAST, sizes=[784, 30, 10], init="large", eta=0.5, epochs=30, evaluation="test",
          monitor=_ACCURACIES, repeats=_SEEDS, **_CE)
_register("ch3.l2", "as ch3.overfit with L2, lmbda = 0.1", "sgd", dict(epochs=100, repeats=1),
          **dict(_CE, n_train=1_000), sizes=[784, 30, 10], init="large", eta=0.5, lmbda=0.1,
          epochs=400, evaluation="test", monitor=_FOUR, repeats=_SEEDS)
_register("ch3.l2_full", "[784, 30, 10], L2, lmbda = 5.0", "sgd", _FAST, sizes=[784, 30, 10],
          init="large", eta=0.5, lmbda=5.0, epochs=30, evaluation="test", monitor=_ACCURACIES,
          repeats=_SEEDS, **_CE)
_register("ch3.l1", "[784, 30, 10], L1, lmbda = 5.0", "sgd", _FAST, sizes=[784, 30, 10],
          init="large", eta=0.5, lmbda=5.0, regularization="L1", epochs=30, evaluation="test",
          monitor=_ACCURACIES, **_CE)
_register("ch3.l2_100", "[784, 100, 10], L2, lmbda = 5.0, eta = 0.5", "sgd", _FAST,
          sizes=[784, 100, 10], init="large", eta=0.5, lmbda=5.0, epochs=30,
          evaluation="validation", repeats=_SEEDS, **_CE)
_register("ch3.l2_100_long", "[784, 100, 10], L2, lmbda = 5.0, eta = 0.1, 60 epochs", "sgd", _FAST,
          sizes=[784, 100, 10], init="large", eta=0.1, lmbda=5.0, epochs=60,
          evaluation="validation", repeats=_SEEDS, **_CE)
# The data-size sweep: 1,500,000 examples seen at every size, lmbda scaled with the size.
_register("ch3.more_data", "[784, 30, 10] trained on 100 to 50,000 images", "sgd_sweep",
          dict(examples=150_000, repeats=1), sizes=[784, 30, 10], init="large", eta=0.5,
          lmbda_per_image=0.0001, examples=1_500_000, evaluation="validation",
          n_trains=[100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000],
          repeats=_SEEDS, **dict(_CE, n_train=None))
_register("ch3.more_data_svm", "SVM trained on 100 to 50,000 images", "svm_sweep",
          dict(n_trains=[100, 200, 500, 1_000, 2_000, 5_000]),
          n_trains=[100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000],
          evaluation="validation", C=1.0, gamma="auto")
for _hidden in (30, 100):
    for _init in ("large", "scaled"):
        _register(f"ch3.init_{_init}{_hidden}", f"[784, {_hidden}, 10], {_init} initialisation",
                  "sgd", _FAST, sizes=[784, _hidden, 10], init=_init, eta=0.1, lmbda=5.0,
                  epochs=30, evaluation="validation", repeats=_SEEDS, **_CE)
for _eta in (0.025, 0.25, 2.5):
    _register(f"ch3.eta.{_eta}", f"[784, 30, 10], eta = {_eta}, training cost", "sgd", _FAST,
              sizes=[784, 30, 10], init="scaled", eta=_eta, lmbda=5.0, epochs=30,
              evaluation="validation", monitor=["training_cost"], repeats=_SEEDS, **_CE)
_register("ch3.bad_start", "[784, 30, 10], eta = 10, lmbda = 1000", "sgd", _FAST,
          sizes=[784, 30, 10], init="scaled", eta=10.0, lmbda=1000.0, epochs=30,
          evaluation="validation", repeats=_SEEDS, **_CE)
for _name, _eta, _lmbda in [("lmbda1000", 10.0, 1000.0), ("lmbda20", 10.0, 20.0),
                            ("eta100", 100.0, 20.0), ("eta1", 1.0, 20.0)]:
    # The stripped-down networks: five seeds each (accuracies on 100 images are noisy), one in
    # the fast profile.
    _register(f"ch3.strip.{_name}", f"[784, 10] on 1,000 images, eta = {_eta}, lmbda = {_lmbda}",
              "sgd", dict(repeats=1), **dict(_CE, n_train=1_000), sizes=[784, 10], init="scaled",
              eta=_eta, lmbda=_lmbda, epochs=30, evaluation="validation", n_evaluation=100, repeats=5)
_register("ch3.early_stopping", "[784, 30, 10], stop after 10 epochs without improvement", "sgd",
          dict(n_train=10_000, epochs=30, early_stopping=5), sizes=[784, 30, 10], init="scaled",
          eta=0.5, lmbda=5.0, epochs=100, early_stopping=10, evaluation="validation", **_CE)
_register("ch3.schedule", "[784, 30, 10], halve eta after 10 epochs without improvement", "sgd",
          dict(n_train=10_000, epochs=40, schedule=3), sizes=[784, 30, 10], init="scaled",
          eta=0.5, lmbda=5.0, epochs=300, schedule=10, eta_floor=1 / 128,
          evaluation="validation", **_CE)
for _mu in (0.0, 0.5, 0.9):
    _register(f"ch3.momentum.{_mu}", f"[784, 30, 10], momentum mu = {_mu}", "sgd", _FAST,
              sizes=[784, 30, 10], init="scaled", eta=0.1, mu=_mu, lmbda=5.0, epochs=30,
              evaluation="validation", monitor=["evaluation_accuracy", "training_cost"], **_CE)
_register("ch3.softmax", "[784, 30, 10], softmax output and log-likelihood cost", "sgd", _FAST,
          **dict(_CE, cost="log-likelihood"), sizes=[784, 30, 10], init="scaled", eta=0.5,
          lmbda=5.0, epochs=30, evaluation="validation")
for _activation in ("tanh", "relu"):
    _register(f"ch3.{_activation}", f"[784, 30, 10], {_activation} hidden neurons, softmax output",
              "sgd", _FAST, **dict(_CE, cost="log-likelihood"), sizes=[784, 30, 10],
              activation=_activation, init="scaled", eta=0.1, lmbda=5.0, epochs=30,
              evaluation="validation")
_register("ch3.dropout", "[784, 100, 10], dropout 0.5 on the hidden layer", "sgd", _FAST,
          sizes=[784, 100, 10], init="scaled", eta=0.5, dropout=0.5, epochs=30,
          evaluation="validation", **_CE)


# Chapter 5 (network2.py's defaults: cross-entropy, N(0, 1/n_in) initialisation, sigmoid neurons).
# The fast profile trains the networks of every depth on all 50,000 images for 5 epochs: on
# 10,000 images for 10 epochs (with the same lmbda, five times the weight decay per step) the
# four-hidden-layer network stays at chance, which would tell the chapter's story wrongly.
for _k in (1, 2, 3, 4):
    _register(f"ch5.depth.{_k}", f"{_k} hidden layer(s) of 30 neurons", "sgd",
              dict(n_train=50_000, epochs=5, repeats=1),
              sizes=[784] + [30] * _k + [10], init="scaled", eta=0.1, lmbda=5.0, epochs=30,
              evaluation="validation", repeats=_SEEDS, **_CE)
# The speed of learning of each hidden layer: at initialisation (averaged over the first 1,000
# training images), then before each of 500 steps of full-batch gradient descent on them. One
# initialisation gives speeds far from another's (the original's single run set no seed), so
# the report takes the median of five seeds (three in the fast profile).
_SPEED = dict(cost="cross-entropy", init="scaled", n_train=1_000, eta=0.1, lmbda=5.0, steps=500,
              neurons=6)
for _k in (2, 3, 4):
    _register(f"ch5.speed.{_k}", f"{_k} hidden layers of 30: speed of learning per layer",
              "layer_speed", dict(steps=100, repeats=3), sizes=[784] + [30] * _k + [10],
              repeats=5, **_SPEED)
_register("ch5.speed_relu.4", "4 hidden layers of 30 ReLU neurons, softmax output", "layer_speed",
          dict(steps=100), sizes=[784, 30, 30, 30, 30, 10],
          **dict(_SPEED, cost="log-likelihood", activation="relu"))
_register("ch5.speed_large.4", "4 hidden layers of 30, N(0, 1) initialisation", "layer_speed",
          dict(steps=100), sizes=[784, 30, 30, 30, 30, 10], **dict(_SPEED, init="large"))

# Chapter 6 (network3.py's settings: softmax output with the log-likelihood cost, m = 10; the
# test accuracy at the epoch of best validation accuracy, best of three runs). lmbda is in the
# original's units (nnbook.convnet.network3_lmbda converts it); "expanded" adds the four one-pixel
# shifts of every training image (250,000 examples). Our choices where network3 has quirks: fan-in
# initialisation, inverted dropout, a new order of the mini-batches every epoch.
_CH6 = dict(mini_batch_size=10, n_train=50_000, evaluation="validation", expanded=False,
            lmbda=0.0, init="fan_in", dropout_scaling="inverted", repeats=3)
# The fast profile keeps every experiment, on 5,000 images (25,000 expanded) for three epochs (one
# on the expanded data, which is still more steps), measured on 2,000 validation and test images:
# about 3.5 minutes on one core.
_CH6_FAST = dict(n_train=5_000, n_evaluation=2_000, epochs=3, repeats=1)
for _name, _title, _eta, _epochs, _lmbda, _expanded in [
        ("6.1", "FC 100, sigmoid (a shallow baseline)", 0.1, 60, 0.0, False),
        ("6.2", "CP20, FC 100, sigmoid", 0.1, 60, 0.0, False),
        ("6.2x", "CP20, no fully connected layer, sigmoid", 0.1, 60, 0.0, False),
        ("6.3", "CP20, CP40, FC 100, sigmoid", 0.1, 60, 0.0, False),
        ("6.3t", "CP20, CP40, FC 100, tanh", 0.1, 60, 0.0, False),
        ("6.4", "CP20, CP40, FC 100, ReLU, lmbda = 0.1", 0.03, 60, 0.1, False),
        ("6.5", "as 6.4, expanded data", 0.03, 60, 0.1, True),
        ("6.6", "as 6.5 with FC 300", 0.03, 60, 0.1, True),
        ("6.7", "as 6.5 with FC 1000", 0.03, 60, 0.1, True),
        ("6.8", "CP20, CP40, FC 100, FC 100, ReLU, expanded", 0.03, 60, 0.1, True),
        ("6.9", "CP20, CP40, FC 300, FC 300, ReLU, expanded", 0.03, 60, 0.1, True),
        ("6.10", "CP20, CP40, FC 1000, FC 1000, ReLU, expanded", 0.03, 60, 0.1, True),
        ("6.11", "CP20, CP40, FC 1000, FC 1000, ReLU, dropout 0.5, expanded", 0.03, 40, 0.0, True)]:
    # 6.12 is the plurality vote of five 6.11 networks: 6.11 trains five (three in the fast
    # profile), and its claim takes the best of the first three, as the original reports it.
    _five = _name == "6.11"
    _register(f"ch6.{_name[2:]}", _title, "convnet",
              dict(_CH6_FAST, repeats=3 if _five else 1, epochs=1 if _expanded else 3),
              **dict(_CH6, architecture=_name, eta=_eta, epochs=_epochs, lmbda=_lmbda,
                     expanded=_expanded, repeats=5 if _five else 3))


def get(name: str) -> Experiment:
    try:
        return CATALOGUE[name]
    except KeyError:
        raise ValueError(f"no experiment named {name!r}; known: {', '.join(sorted(CATALOGUE))}") from None


