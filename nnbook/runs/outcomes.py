"""What one repeat of an experiment measured: a small frozen value for each kind of experiment.

A page reads a run's outcome by attribute, ``run.outcome.best_epoch`` or ``run.outcome.rows``,
and the type says which attributes there are. Each type has a ``tag`` under which it is stored
in the run cache (:mod:`nnbook.runs.experiments`): :meth:`Outcome.to_dict` writes the tag with the
fields, and :func:`from_dict` reads the same type back, or raises ``ValueError`` for anything
else (the cache then computes the run again).

Accuracies are fractions in [0, 1]. The timing outcomes keep the rows of
:mod:`nnbook.studies.speed` as that module documents them (dicts, one per network or mini-batch
size), which is also what :mod:`nnbook.figures.timings` draws.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import ClassVar


@dataclass(frozen=True)
class Outcome:
    """The base of every outcome: its cache tag and the round trip through a plain dict."""

    tag: ClassVar[str] = ""

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
    accuracy: float
    best_epoch: int | None
    final_accuracy: float


@dataclass(frozen=True)
class ConvTraining(Outcome):
    """One training run of chapter 6, reported as the original reports it.

    ``accuracy`` is the test accuracy after the epoch of best validation accuracy (the 1-based
    ``best_epoch``; a later epoch that equals the best takes its place), ``validation_accuracy``
    that best validation accuracy.
    """

    tag: ClassVar[str] = "conv_training"
    accuracy: float
    validation_accuracy: float
    best_epoch: int


@dataclass(frozen=True)
class Baseline(Outcome):
    """A method without training epochs (random guessing, average darkness, an SVM)."""

    tag: ClassVar[str] = "baseline"
    accuracy: float


@dataclass(frozen=True)
class SweepRow:
    """One training-set size of a sweep. ``epochs`` and ``lmbda`` are set for networks only."""

    n_train: int
    accuracy: float
    epochs: int | None = None
    lmbda: float | None = None


@dataclass(frozen=True)
class SizeSweep(Outcome):
    """The same method trained on training sets of increasing size, one row per size."""

    tag: ClassVar[str] = "size_sweep"
    rows: list[SweepRow]

    @classmethod
    def from_fields(cls, d: dict) -> SizeSweep:
        return cls([SweepRow(**row) for row in d["rows"]])

    def accuracy_at(self, n_train: int) -> float | None:
        """The accuracy for ``n_train`` training images, or ``None`` if the sweep left it out."""
        return next((r.accuracy for r in self.rows if r.n_train == n_train), None)


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


@dataclass(frozen=True)
class MinibatchSpeedup(Outcome):
    """The matrix form's speed-up over a loop on the examples, per mini-batch size.

    ``rows`` are :func:`nnbook.studies.speed.minibatch_speedup`'s; ``ratio`` is the speed-up at
    a mini-batch of 10 (the original's setting), ``None`` if 10 was not measured.
    """

    tag: ClassVar[str] = "minibatch_speedup"
    rows: list[dict]
    ratio: float | None


TYPES: dict[str, type[Outcome]] = {t.tag: t for t in
                                   (Training, ConvTraining, Baseline, SizeSweep, LayerSpeeds, GradientCost,
                                    MinibatchSpeedup)}


def from_dict(d: dict, expected: type[Outcome] | None = None) -> Outcome:
    """The outcome that :meth:`Outcome.to_dict` wrote as ``d``.

    Raises ``ValueError`` if ``d`` has no known tag, is not of the ``expected`` type or does not
    hold exactly that type's fields.
    """
    if not isinstance(d, dict) or d.get("tag") not in TYPES:
        tag = d.get("tag") if isinstance(d, dict) else None
        raise ValueError(f"d must be an outcome with a tag among {', '.join(TYPES)}; got tag {tag!r}")
    cls = TYPES[d["tag"]]
    if expected is not None and cls is not expected:
        raise ValueError(f"d must be a {expected.__name__} outcome; got {cls.__name__}")
    values = {k: v for k, v in d.items() if k != "tag"}
    names = {f.name for f in fields(cls)}
    if set(values) != names:
        raise ValueError(f"a {cls.__name__} outcome has the fields {sorted(names)}; got {sorted(values)}")
    try:
        return cls.from_fields(values)
    except (TypeError, KeyError) as e:
        raise ValueError(f"d is not a valid {cls.__name__} outcome: {e}") from None
