"""The original book's recorded curves: the per-epoch results its figures were drawn from.

Michael Nielsen's figure scripts saved what they measured as JSON (``fig/*.json`` of his
repository, MIT licence; copied unchanged into ``nnbook/runs/recorded/`` with the notice). This
module reads them into typed values, so a page can draw the original's whole curve beside ours and
the reproduction report can compare curves, not only their peaks. The single numbers the original
wrote in its prose stay in :mod:`nnbook.runs.claims`.

Accuracies are returned as fractions: the scripts stored counts of correct images (out of 10,000
evaluation images, or out of the training set) and the data-size sweep stored percentages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).with_name("recorded")
SOURCE = "https://github.com/mnielsen/neural-networks-and-deep-learning/tree/master/fig"

SWEEP_SIZES = (100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000)
"""The training-set sizes of the original's data-size sweep (chapter 3)."""

LEARNING_RATES = (0.025, 0.25, 2.5)
"""The three learning rates of the original's learning-rate comparison (chapter 3)."""

EVALUATION_IMAGES = 10_000


@dataclass(frozen=True)
class Curves:
    """Per-epoch costs and accuracies of one recorded training run (one value per epoch)."""

    evaluation_cost: np.ndarray
    evaluation_accuracy: np.ndarray  # fraction of the 10,000 test images
    training_cost: np.ndarray
    training_accuracy: np.ndarray  # fraction of the training images

    @property
    def epochs(self) -> int:
        return len(self.evaluation_accuracy)


@cache
def _read(name: str):
    path = FOLDER / name
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"the original's recorded results {path} cannot be read: {exc}") from exc


def _array(values, length: int, name: str) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    if a.shape[:1] != (length,) or not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: expected {length} finite values, found shape {a.shape}")
    return a


def _curves(name: str, epochs: int, n_train: int) -> Curves:
    data = _read(name)
    if not (isinstance(data, list) and len(data) == 4):
        raise ValueError(f"{name}: expected four per-epoch lists")
    test_cost, test_correct, training_cost, training_correct = (
        _array(values, epochs, name) for values in data)
    return Curves(test_cost, test_correct / EVALUATION_IMAGES, training_cost,
                  training_correct / n_train)


def overfitting(n_train: int) -> Curves:
    """Chapter 3's unregularised [784, 30, 10] cross-entropy net, eta = 0.5, mini-batches of 10:
    400 epochs on 1,000 images or 30 epochs on 50,000 (``n_train``)."""
    if n_train == 1_000:
        return _curves("overfitting.json", 400, n_train)
    if n_train == 50_000:
        return _curves("overfitting_full.json", 30, n_train)
    raise ValueError(f"n_train: the original recorded 1000 or 50000 images, not {n_train!r}")


def regularized(n_train: int) -> Curves:
    """The same net with L2 regularisation: lmbda = 0.1 for 400 epochs on 1,000 images, or
    lmbda = 5.0 for 30 epochs on 50,000 (``n_train``)."""
    if n_train == 1_000:
        return _curves("regularized.json", 400, n_train)
    if n_train == 50_000:
        return _curves("regularized_full.json", 30, n_train)
    raise ValueError(f"n_train: the original recorded 1000 or 50000 images, not {n_train!r}")


def data_size_sweep(model: str = "network") -> np.ndarray:
    """Validation accuracy at each of :data:`SWEEP_SIZES` training images, for the [784, 30, 10]
    network (``model="network"``) or the SVM baseline (``model="svm"``)."""
    names = {"network": "more_data.json", "svm": "more_data_svm.json"}
    if model not in names:
        raise ValueError(f"model: expected one of {sorted(names)}, got {model!r}")
    return _array(_read(names[model]), len(SWEEP_SIZES), names[model]) / 100


def weight_initialization(hidden: int) -> dict[str, np.ndarray]:
    """Validation accuracy per epoch (30 epochs) of the [784, ``hidden``, 10] net with the
    1/sqrt(n_in) initialisation (``"new"``) and with standard normal weights (``"old"``)."""
    if hidden not in (30, 100):
        raise ValueError(f"hidden: the original recorded 30 or 100 neurons, not {hidden!r}")
    name = f"weight_initialization_{hidden}.json"
    data = _read(name)
    keys = {"new": "default_weight_initialization", "old": "large_weight_initialization"}
    return {ours: _array(data[theirs][1], 30, name) / EVALUATION_IMAGES
            for ours, theirs in keys.items()}


def learning_rate_costs() -> dict[float, np.ndarray]:
    """Training cost per epoch (30 epochs) for each of :data:`LEARNING_RATES`."""
    data = _read("multiple_eta.json")
    return {eta: _array(run[2], 30, "multiple_eta.json")
            for eta, run in zip(LEARNING_RATES, data, strict=True)}


def initial_gradients() -> list[np.ndarray]:
    """Chapter 5's bars: dC/db of the first six neurons of each hidden layer of a [784, 30, 30, 10]
    network at initialisation, one array per hidden layer."""
    return [_array(layer, 6, "initial_gradient.json") for layer in _read("initial_gradient.json")]


def norms_during_training(hidden_layers: int) -> np.ndarray:
    """Chapter 5's speed of learning over training: the length of each hidden layer's bias
    gradient before each of 500 full-batch steps, shape (500, ``hidden_layers``)."""
    if hidden_layers not in (2, 3, 4):
        raise ValueError(f"hidden_layers: the original recorded 2, 3 or 4, not {hidden_layers!r}")
    name = f"norms_during_training_{hidden_layers}_layers.json"
    norms = _array(_read(name), 500, name)
    if norms.shape != (500, hidden_layers):
        raise ValueError(f"{name}: expected shape (500, {hidden_layers}), found {norms.shape}")
    return norms
