"""Whole curves: each of our per-epoch curves beside the one the original recorded.

The claims (:mod:`nnbook.runs.claims`) compare single numbers: a peak, an accuracy after one
epoch. The original's figure scripts also recorded whole curves (:mod:`nnbook.runs.original`):
test and training accuracy and cost after every epoch, the data-size sweep, the speed of learning
of each hidden layer before every step. This module sets our curve of the same quantity beside
each of them and measures how far apart they are over the whole run: the largest gap (and where)
and the mean gap.

Our curve is the median over our seeded runs, epoch by epoch. Accuracies and costs are compared
by their difference; speeds of learning, which span several orders of magnitude, by their ratio
(a gap of ``x2`` means one is twice the other). Only the epochs both curves have are compared; a
curve from the fast profile's shrunken settings is marked as not comparable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from nnbook.runs import experiments, original, outcomes, profile as profiles


@dataclass(frozen=True)
class Curve:
    """One recorded curve of the original and how to read ours from an experiment's runs.

    ``ours(run)`` gives one run's curve; ``theirs()`` the original's. ``scale`` is ``"linear"``
    (gaps are differences, in the curve's ``unit``: ``"fraction"`` or ``"cost"``) or ``"log"``
    (gaps are ratios). ``x`` names the curve's points: ``"epoch"``, ``"step"`` or ``"images"``
    (a sweep, whose points are :data:`nnbook.runs.original.SWEEP_SIZES`).
    """

    id: str
    chapter: int
    title: str
    experiment: str
    ours: Callable
    theirs: Callable[[], np.ndarray]
    unit: str = "fraction"
    scale: str = "linear"
    x: str = "epoch"
    label: str = ""


@dataclass(frozen=True)
class CurveComparison:
    """Our curve (the median over ``runs`` runs) against the original's, point by point."""

    curve: Curve
    ours: np.ndarray
    theirs: np.ndarray
    points: np.ndarray  # the epoch, step or training-set size of each compared point
    profile: str
    full_settings: bool
    runs: int

    @property
    def gaps(self) -> np.ndarray:
        """The gap at each point: ours - theirs, or log10(ours / theirs) on a log scale."""
        if self.curve.scale == "log":
            return np.log10(self.ours / self.theirs)
        return self.ours - self.theirs

    @property
    def largest(self) -> float:
        """The largest gap in size (a difference, or a factor >= 1 on a log scale)."""
        return self._in_units(np.max(np.abs(self.gaps)))

    @property
    def largest_at(self) -> int:
        """The epoch, step or size where the largest gap is."""
        return int(self.points[int(np.argmax(np.abs(self.gaps)))])

    @property
    def mean(self) -> float:
        """The mean size of the gap (on a log scale, the geometric mean factor)."""
        return self._in_units(np.mean(np.abs(self.gaps)))

    @property
    def signed_mean(self) -> float:
        """The mean signed gap: positive when ours lies above the original's on average."""
        return self._in_units(np.mean(self.gaps))

    def _in_units(self, gap) -> float:
        """A summary of the gaps in the curve's units: a factor on a log scale."""
        return 10 ** float(gap) if self.curve.scale == "log" else float(gap)


def _history(name: str) -> Callable:
    return lambda run: np.asarray(getattr(run.history, name), dtype=float)


def _layer(j: int) -> Callable:
    return lambda run: np.asarray(run.outcome.during, dtype=float)[:, j]


def _sweep(run) -> np.ndarray:
    at = {r.n_train: r.accuracy for r in run.outcome.rows}
    return np.array([at[n] for n in original.SWEEP_SIZES if n in at], dtype=float)


_OVER = "ch3-overfitting"
_L2 = "ch3-regularization"
def _recorded_initialization(hidden: int, key: str) -> np.ndarray:
    return original.weight_initialization(hidden)[key]


def _recorded_cost(eta: float) -> np.ndarray:
    return original.learning_rate_costs()[eta]


def _recorded_speed(k: int, j: int) -> np.ndarray:
    return original.norms_during_training(k)[:, j]


CURVES: list[Curve] = [
    Curve("overfit.test_accuracy", 3, "1,000 images, no regularization: test accuracy",
          "ch3.overfit", _history("evaluation_accuracy"),
          lambda: original.overfitting(1_000).evaluation_accuracy, label=_OVER),
    Curve("overfit.test_cost", 3, "1,000 images, no regularization: test cost", "ch3.overfit",
          _history("evaluation_cost"), lambda: original.overfitting(1_000).evaluation_cost,
          unit="cost", label=_OVER),
    Curve("overfit.training_cost", 3, "1,000 images, no regularization: training cost",
          "ch3.overfit", _history("training_cost"),
          lambda: original.overfitting(1_000).training_cost, unit="cost", label=_OVER),
    Curve("overfit.training_accuracy", 3, "1,000 images, no regularization: training accuracy",
          "ch3.overfit", _history("training_accuracy"),
          lambda: original.overfitting(1_000).training_accuracy, label=_OVER),
    Curve("overfit_full.test_accuracy", 3, "50,000 images, no regularization: test accuracy",
          "ch3.overfit_full", _history("evaluation_accuracy"),
          lambda: original.overfitting(50_000).evaluation_accuracy, label=_OVER),
    Curve("overfit_full.training_accuracy", 3,
          "50,000 images, no regularization: training accuracy", "ch3.overfit_full",
          _history("training_accuracy"), lambda: original.overfitting(50_000).training_accuracy,
          label=_OVER),
    # The L2 runs' test cost is left out: the original's code divides the L2 term of a cost by
    # the size of the set it is measured on (10,000 test images), ours by the training set's.
    Curve("l2.test_accuracy", 3, "1,000 images, L2 (lmbda = 0.1): test accuracy", "ch3.l2",
          _history("evaluation_accuracy"), lambda: original.regularized(1_000).evaluation_accuracy,
          label=_L2),
    Curve("l2.training_cost", 3, "1,000 images, L2 (lmbda = 0.1): training cost", "ch3.l2",
          _history("training_cost"), lambda: original.regularized(1_000).training_cost,
          unit="cost", label=_L2),
    Curve("l2.training_accuracy", 3, "1,000 images, L2 (lmbda = 0.1): training accuracy",
          "ch3.l2", _history("training_accuracy"),
          lambda: original.regularized(1_000).training_accuracy, label=_L2),
    Curve("l2_full.test_accuracy", 3, "50,000 images, L2 (lmbda = 5.0): test accuracy",
          "ch3.l2_full", _history("evaluation_accuracy"),
          lambda: original.regularized(50_000).evaluation_accuracy, label=_L2),
    Curve("l2_full.training_accuracy", 3, "50,000 images, L2 (lmbda = 5.0): training accuracy",
          "ch3.l2_full", _history("training_accuracy"),
          lambda: original.regularized(50_000).training_accuracy, label=_L2),
    Curve("more_data", 3, "data-size sweep, [784, 30, 10]: validation accuracy",
          "ch3.more_data", _sweep, lambda: original.data_size_sweep("network"), x="images",
          label="ch3-other-regularization"),
    Curve("more_data_svm", 3, "data-size sweep, SVM: validation accuracy",
          "ch3.more_data_svm", _sweep, lambda: original.data_size_sweep("svm"), x="images",
          label="ch3-other-regularization"),
    *[Curve(f"init.{init}{hidden}", 3,
            f"[784, {hidden}, 10], {name} initialisation: validation accuracy",
            f"ch3.init_{init}{hidden}", _history("evaluation_accuracy"),
            partial(_recorded_initialization, hidden, key),
            label="ch3-weight-initialization")
      for hidden in (30, 100)
      for init, key, name in (("scaled", "new", "N(0, 1/n_in)"), ("large", "old", "N(0, 1)"))],
    *[Curve(f"eta.{eta}", 3, f"[784, 30, 10], eta = {eta}: training cost", f"ch3.eta.{eta}",
            _history("training_cost"), partial(_recorded_cost, eta),
            unit="cost", label="ch3-hyper-parameters")
      for eta in original.LEARNING_RATES],
    *[Curve(f"speed.{k}.l{j + 1}", 5,
            f"{k} hidden layers: speed of learning of hidden layer {j + 1}", f"ch5.speed.{k}",
            _layer(j), partial(_recorded_speed, k, j), unit="norm",
            scale="log", x="step", label="ch5-vanishing")
      for k in (2, 3, 4) for j in range(k)],
]
"""Every recorded curve of the original's chapters 1-5 with our counterpart. (Chapter 5's bars of
the first six neurons are left out: other initialisations, so the neurons do not correspond.)"""


def get(curve_id: str) -> Curve:
    for c in CURVES:
        if c.id == curve_id:
            return c
    raise ValueError(f"no curve {curve_id!r}; known: {', '.join(c.id for c in CURVES)}")


def median_curve(curves: list[np.ndarray]) -> np.ndarray:
    """The median, point by point, over the common length of ``curves``."""
    n = min(len(c) for c in curves)
    return np.median(np.stack([np.asarray(c[:n], dtype=float) for c in curves]), axis=0)


def compare(curve_id: str, profile: str | None = None) -> CurveComparison:
    """Our curve ``curve_id`` (the median over our runs, from the run cache) against the
    original's."""
    curve = get(curve_id)
    p = profiles.current(profile)
    result = experiments.run(curve.experiment, p)
    ours = median_curve([curve.ours(r) for r in result.runs])
    theirs = np.asarray(curve.theirs(), dtype=float)
    if curve.x == "images":
        sweep = result.runs[0].outcome
        assert isinstance(sweep, outcomes.SizeSweep)
        measured = {r.n_train for r in sweep.rows}
        sizes = [n for n in original.SWEEP_SIZES if n in measured]
        keep = [original.SWEEP_SIZES.index(n) for n in sizes]
        theirs, points = theirs[keep], np.array(sizes)
    else:
        n = min(len(ours), len(theirs))
        ours, theirs = ours[:n], theirs[:n]
        points = np.arange(1, n + 1)  # epoch t, or the step before which it was measured
    full = result.settings == experiments.get(curve.experiment).settings("full")
    return CurveComparison(curve, ours, theirs, points, p, full, len(result.runs))


def compare_all(profile: str | None = None, chapter: int | None = None) -> list[CurveComparison]:
    """:func:`compare` for every curve (of ``chapter``, if given), in :data:`CURVES` order."""
    return [compare(c.id, profile) for c in CURVES if chapter is None or c.chapter == chapter]
