"""The non-neural baselines of chapter 1: random guessing, average darkness and an SVM.

Each takes a training set and a test set as ``(images, labels)`` pairs and returns the fraction of
test images classified correctly, so that the page can set them beside the networks' accuracies.
"""

from __future__ import annotations

import numpy as np


def random_guessing(test_labels, rng=None, n_classes: int = 10) -> float:
    """Accuracy of guessing a digit uniformly at random: about 1/10."""
    test_labels = np.asarray(test_labels)
    guesses = np.random.default_rng(rng).integers(0, n_classes, size=test_labels.shape)
    return float(np.mean(guesses == test_labels))


def darkness(images) -> np.ndarray:
    """The total darkness of each image: the sum of its pixel values (0 is white, 1 black)."""
    return np.asarray(images, dtype=np.float64).sum(axis=1)


def average_darkness_means(training_data, n_classes: int = 10) -> np.ndarray:
    """The mean darkness of the training images of each digit, shape (n_classes,)."""
    images, labels = training_data
    d, labels = darkness(images), np.asarray(labels)
    counts = np.bincount(labels, minlength=n_classes)
    if np.any(counts == 0):
        raise ValueError(f"training_data must contain every digit 0..{n_classes - 1}; counts are {counts.tolist()}")
    return np.bincount(labels, weights=d, minlength=n_classes) / counts


def average_darkness(training_data, test_data) -> float:
    """Chapter 1's darkness classifier: guess the digit whose mean training darkness is nearest.

    The original reports 2,225 of 10,000 test images right (22.25 %).
    """
    means = average_darkness_means(training_data)
    images, labels = test_data
    guesses = np.argmin(np.abs(darkness(images)[:, None] - means[None, :]), axis=1)
    return float(np.mean(guesses == np.asarray(labels)))


def svm(training_data, test_data, *, C: float = 1.0, gamma="auto") -> float:
    """A support vector machine with an RBF kernel, scikit-learn's ``SVC``.

    The original used ``svm.SVC()`` with the defaults of scikit-learn 0.19: C = 1 and
    gamma = 1 / n_features ("auto"). Later versions changed the default to "scale", so gamma is
    passed explicitly here. Fitting 50,000 images takes several minutes.
    """
    try:
        from sklearn.svm import SVC
    except ImportError:
        raise ImportError(
            "the SVM baseline needs scikit-learn: pip install 'nnbook[baselines]'"
        ) from None
    x, y = training_data
    x_test, y_test = test_data
    clf = SVC(C=C, gamma=gamma)
    clf.fit(np.asarray(x, dtype=np.float64), np.asarray(y))
    return float(np.mean(clf.predict(np.asarray(x_test, dtype=np.float64)) == np.asarray(y_test)))
