"""What one repeat of an experiment measured: a small frozen value for each kind of experiment.

A page reads a run's outcome by attribute, ``run.outcome.best_epoch`` or ``run.outcome.rows``,
and the type says which attributes there are. Each type has a ``tag`` under which it is stored
in the run cache (:mod:`nnbook.runs.experiments`): :meth:`Outcome.to_dict` writes the tag with the
fields, and :func:`from_dict` reads the same type back, or raises ``ValueError`` for anything
else (the cache then computes the run again).

Every outcome checks its fields when it is made, from a computation or from the cache: the
types, and the ranges (accuracies are fractions in [0, 1], epochs count from 1, times and
slopes are finite numbers). A value edited by hand into a cache file is refused there, not
served.

A training run whose weights stop being finite has no accuracy: its outcome is a
:class:`Diverged` (the epoch, the hyper-parameter to blame and why), never a :class:`Training`
with the accuracy of a network of NaNs. A size of a sweep that diverged is a row with
``diverged_at`` set and no accuracy. The timing outcomes keep the rows of
:mod:`nnbook.studies.speed` as that module documents them (dicts, one per network or mini-batch
size), which is also what :mod:`nnbook.figures.timings` draws.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from numbers import Real
from typing import ClassVar


def _number(name: str, value, low: float | None = None, high: float | None = None,
            optional: bool = False) -> None:
    """A finite real number (no bool, no string) in [low, high]; or None if ``optional``."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    number = float(value)
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(f"{name} must lie in [{low}, {high}]; got {value!r}")


def _fraction(name: str, value, optional: bool = False) -> None:
    _number(name, value, 0.0, 1.0, optional)


def _count(name: str, value, optional: bool = False, low: int = 1) -> None:
    """An integer >= ``low`` (an epoch, a number of images); or None if ``optional``."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")


def _numbers(name: str, values, depth: int = 1, low: float | None = 0.0) -> None:
    """A list (of lists, ``depth`` deep) of finite numbers >= ``low``."""
    if not isinstance(values, list):
        raise ValueError(f"{name} must be a list; got {type(values).__name__}")
    for i, v in enumerate(values):
        if depth > 1:
            _numbers(f"{name}[{i}]", v, depth - 1, low)
        else:
            _number(f"{name}[{i}]", v, low)


def _rows(name: str, rows) -> None:
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ValueError(f"{name} must be a list of rows (objects); got {rows!r:.60}")


@dataclass(frozen=True)
class Outcome:
    """The base of every outcome: its cache tag and the round trip through a plain dict."""

    tag: ClassVar[str] = ""
    may_diverge: ClassVar[bool] = False  # True for the outcomes of training runs

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """Raise ``ValueError`` if a field has the wrong type or is out of its range."""

    def to_dict(self) -> dict:
        """The fields as JSON-ready values, with ``"tag"`` naming the type."""
        return {"tag": self.tag, **asdict(self)}

    @classmethod
    def from_fields(cls, d: dict) -> Outcome:
        """The value from its fields (``d`` without the tag); nested values override this."""
        return cls(**d)


@dataclass(frozen=True)
class Training(Outcome):
    """One training run: the peak evaluation accuracy, the epoch of the peak, the last epoch's.

    ``best_epoch`` is 1-based, and ``None`` when the run did not measure accuracy after every
    epoch (then both accuracies are the one measurement taken at the end).
    """

    tag: ClassVar[str] = "training"
    may_diverge: ClassVar[bool] = True
    accuracy: float
    best_epoch: int | None
    final_accuracy: float

    def check(self) -> None:
        _fraction("accuracy", self.accuracy)
        _count("best_epoch", self.best_epoch, optional=True)
        _fraction("final_accuracy", self.final_accuracy)
        if self.final_accuracy > self.accuracy:
            raise ValueError(f"final_accuracy {self.final_accuracy!r} is above the peak accuracy "
                             f"{self.accuracy!r}")


@dataclass(frozen=True)
class ConvTraining(Outcome):
    """One training run of chapter 6, reported as the original reports it.

    ``accuracy`` is the test accuracy after the epoch of best validation accuracy (the 1-based
    ``best_epoch``; a later epoch that equals the best takes its place), ``validation_accuracy``
    that best validation accuracy.
    """

    tag: ClassVar[str] = "conv_training"
    may_diverge: ClassVar[bool] = True
    accuracy: float
    validation_accuracy: float
    best_epoch: int

    def check(self) -> None:
        _fraction("accuracy", self.accuracy)
        _fraction("validation_accuracy", self.validation_accuracy)
        _count("best_epoch", self.best_epoch)


CAUSES = ("eta", "lmbda")
"""The hyper-parameters a divergence is blamed on (:func:`nnbook.train.divergence_cause`)."""


@dataclass(frozen=True)
class Diverged(Outcome):
    """A training run whose weights stopped being finite numbers: it has no accuracy.

    ``epoch`` is the 1-based epoch after which the weights were found not finite, ``cause`` the
    hyper-parameter to blame (``"eta"`` or ``"lmbda"``) and ``reason`` why, in a sentence. The
    accuracies measured before that epoch, if any, are in the run's history.
    """

    tag: ClassVar[str] = "diverged"
    epoch: int
    cause: str
    reason: str

    def check(self) -> None:
        _count("epoch", self.epoch)
        if self.cause not in CAUSES:
            raise ValueError(f"cause must be one of {', '.join(CAUSES)}; got {self.cause!r}")
        if not isinstance(self.reason, str) or not self.reason:
            raise ValueError(f"reason must be a sentence; got {self.reason!r}")

    def describe(self) -> str:
        """"diverged at epoch N (lmbda too large)": what a page shows instead of an accuracy."""
        return f"diverged at epoch {self.epoch} ({self.cause} too large)"


@dataclass(frozen=True)
class Baseline(Outcome):
    """A method without training epochs (random guessing, average darkness, an SVM)."""

    tag: ClassVar[str] = "baseline"
    accuracy: float

    def check(self) -> None:
        _fraction("accuracy", self.accuracy)


@dataclass(frozen=True)
class SweepRow:
    """One training-set size of a sweep. ``epochs`` and ``lmbda`` are set for networks only.

    A network that diverged has ``diverged_at`` (its epoch) and no ``accuracy`` (None)."""

    n_train: int
    accuracy: float | None
    epochs: int | None = None
    lmbda: float | None = None
    diverged_at: int | None = None

    def __post_init__(self) -> None:
        _count("n_train", self.n_train)
        _count("epochs", self.epochs, optional=True)
        _number("lmbda", self.lmbda, 0.0, optional=True)
        _count("diverged_at", self.diverged_at, optional=True)
        _fraction("accuracy", self.accuracy, optional=self.diverged_at is not None)
        if self.diverged_at is not None and self.accuracy is not None:
            raise ValueError(f"a row that diverged (at epoch {self.diverged_at}) has no accuracy; "
                             f"got {self.accuracy!r}")


@dataclass(frozen=True)
class SizeSweep(Outcome):
    """The same method trained on training sets of increasing size, one row per size."""

    tag: ClassVar[str] = "size_sweep"
    rows: list[SweepRow]

    def check(self) -> None:
        if not isinstance(self.rows, list) or not all(isinstance(r, SweepRow) for r in self.rows):
            raise ValueError(f"rows must be a list of SweepRow; got {self.rows!r:.60}")

    @classmethod
    def from_fields(cls, d: dict) -> SizeSweep:
        _rows("rows", d["rows"])
        return cls([SweepRow(**row) for row in d["rows"]])

    def accuracy_at(self, n_train: int) -> float | None:
        """The accuracy for ``n_train`` training images, or ``None`` if the sweep left it out.

        Raises ValueError if the network trained on ``n_train`` images diverged: it has no
        accuracy, and None would read as "not measured"."""
        row = next((r for r in self.rows if r.n_train == n_train), None)
        if row is not None and row.diverged_at is not None:
            raise ValueError(f"the network trained on {n_train} images diverged at epoch "
                             f"{row.diverged_at}: it has no accuracy")
        return None if row is None else row.accuracy


@dataclass(frozen=True)
class LayerSpeeds(Outcome):
    """Chapter 5's speed of learning of each hidden layer (the length of its bias gradient).

    ``initial[l]`` is hidden layer l + 1's speed at initialisation; ``neurons[l]`` the gradients
    of the first few neurons of that layer; ``during[t][l]`` its speed before step t + 1 of
    gradient descent, one row per step.
    """

    tag: ClassVar[str] = "layer_speeds"
    initial: list[float]
    neurons: list[list[float]]
    during: list[list[float]]

    def check(self) -> None:
        _numbers("initial", self.initial)
        _numbers("neurons", self.neurons, depth=2, low=None)  # gradients: either sign
        _numbers("during", self.during, depth=2)


@dataclass(frozen=True)
class GradientCost(Outcome):
    """Seconds for one gradient by backprop and by finite differences, per network size.

    ``rows`` are :func:`nnbook.studies.speed.gradient_cost`'s; the slopes are the exponents of
    the power laws fitted to seconds against the number of parameters (about 1 and 2).
    """

    tag: ClassVar[str] = "gradient_cost"
    rows: list[dict]
    backprop_slope: float
    finite_difference_slope: float

    def check(self) -> None:
        _rows("rows", self.rows)
        _number("backprop_slope", self.backprop_slope)
        _number("finite_difference_slope", self.finite_difference_slope)


@dataclass(frozen=True)
class MinibatchSpeedup(Outcome):
    """The matrix form's speed-up over a loop on the examples, per mini-batch size.

    ``rows`` are :func:`nnbook.studies.speed.minibatch_speedup`'s; ``ratio`` is the speed-up at
    a mini-batch of 10 (the original's setting), ``None`` if 10 was not measured.
    """

    tag: ClassVar[str] = "minibatch_speedup"
    rows: list[dict]
    ratio: float | None

    def check(self) -> None:
        _rows("rows", self.rows)
        _number("ratio", self.ratio, 0.0, optional=True)


TYPES: dict[str, type[Outcome]] = {t.tag: t for t in
                                   (Training, ConvTraining, Diverged, Baseline, SizeSweep, LayerSpeeds,
                                    GradientCost, MinibatchSpeedup)}


def from_dict(d: dict, expected: type[Outcome] | None = None) -> Outcome:
    """The outcome that :meth:`Outcome.to_dict` wrote as ``d``.

    Raises ``ValueError`` if ``d`` has no known tag, is not of the ``expected`` type (a
    :class:`Diverged` is accepted where a training run's outcome is expected) or does not hold
    exactly that type's fields, each of its type and in its range.
    """
    if not isinstance(d, dict) or d.get("tag") not in TYPES:
        tag = d.get("tag") if isinstance(d, dict) else None
        raise ValueError(f"d must be an outcome with a tag among {', '.join(TYPES)}; got tag {tag!r}")
    cls = TYPES[d["tag"]]
    if expected is not None and cls is not expected and not (cls is Diverged and expected.may_diverge):
        raise ValueError(f"d must be a {expected.__name__} outcome; got {cls.__name__}")
    values = {k: v for k, v in d.items() if k != "tag"}
    names = {f.name for f in fields(cls)}
    if set(values) != names:
        raise ValueError(f"a {cls.__name__} outcome has the fields {sorted(names)}; got {sorted(values)}")
    try:
        return cls.from_fields(values)
    except (TypeError, KeyError, ValueError) as e:
        raise ValueError(f"d is not a valid {cls.__name__} outcome: {e}") from None
