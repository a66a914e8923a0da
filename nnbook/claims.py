"""The registry of what the original book reported, and how each claim compares with our runs.

Every number of the original that this edition sets beside its own is recorded once, here, with
the chapter, the setting it came from, the data set it was measured on and the original's value.
Chapter pages quote the original's numbers from this registry, and the reproduction report lists
every claim with our value, the profile that produced it and whether it is within tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnbook import experiments, profile as profiles

BOOK = "http://neuralnetworksanddeeplearning.com"


@dataclass(frozen=True)
class Claim:
    """One number reported by the original book.

    ``value`` is a fraction for accuracies (0.9542 for 95.42 %) and a plain number for counts.
    ``metric`` says how our runs of ``experiment`` are summarised to compare with it:
    ``"best"`` (the highest peak accuracy over all our repeats; the original's "best of three"),
    ``"final"`` (accuracy after the last epoch of the first repeat), ``"ratio"`` (a measured
    speed-up), ``"accuracy"`` (a baseline's
    accuracy), ``"parameters"`` (the number of weights and biases of ``sizes``) or ``"cited"``
    (a result the original quotes from the literature, which this edition does not re-run).
    """

    id: str
    chapter: int
    section: str
    setting: str
    value: float
    data: str  # "test", "validation" or "-"
    experiment: str | None
    metric: str
    tolerance: float
    url: str
    unit: str = "fraction"  # or "count", or "ratio" (a speed-up)

    def original(self) -> str:
        """The original's value as the book would write it."""
        return _format(self.value, self.unit)


def _format(value: float, unit: str) -> str:
    if unit == "fraction":
        return f"{value:.2%}"
    if unit == "ratio":
        return f"{value:.1f}×"
    return f"{value:,.0f}"


@dataclass(frozen=True)
class Comparison:
    claim: Claim
    ours: float | None  # None for a cited claim, which is not re-run
    profile: str
    full_settings: bool  # False when the fast profile shrank the experiment
    runs: int = 1  # how many repeats "ours" summarises

    @property
    def difference(self) -> float | None:
        return None if self.ours is None else self.ours - self.claim.value

    @property
    def within(self) -> bool | None:
        return None if self.ours is None else abs(self.difference) <= self.claim.tolerance

    def formatted(self) -> str:
        if self.ours is None:
            return "not re-run"
        value = _format(self.ours, self.claim.unit)
        return f"{value} (best of {self.runs} runs)" if self.claim.metric == "best" else value


_CH1 = f"{BOOK}/chap1.html"
_CH2 = f"{BOOK}/chap2.html"
CLAIMS: dict[str, Claim] = {c.id: c for c in [
    Claim("ch1.params30", 1, "Implementing our network", "weights and biases of [784, 30, 10]",
          23_860, "-", None, "parameters", 0, _CH1, unit="count"),
    Claim("ch1.net30", 1, "Implementing our network",
          "[784, 30, 10], quadratic cost, eta = 3.0, m = 10, 30 epochs; peak, best of 3 runs",
          0.9542, "test", "ch1.net30", "best", 0.01, _CH1),
    Claim("ch1.net100", 1, "Implementing our network",
          "[784, 100, 10], quadratic cost, eta = 3.0, m = 10, 30 epochs; peak, best of 3 runs",
          0.9659, "test", "ch1.net100", "best", 0.015, _CH1),
    Claim("ch1.eta_small", 1, "Implementing our network",
          "[784, 100, 10], eta = 0.001: accuracy after epoch 30", 0.2142, "test",
          "ch1.eta_small", "final", 0.15, _CH1),
    Claim("ch1.eta_large", 1, "Implementing our network",
          "[784, 30, 10], eta = 100: accuracy after epoch 30 (chance level)", 0.0982, "test",
          "ch1.eta_large", "final", 0.03, _CH1),
    Claim("ch1.random", 1, "Implementing our network", "random guessing", 0.10, "test",
          "ch1.random", "accuracy", 0.01, _CH1),
    Claim("ch1.darkness", 1, "Implementing our network",
          "average darkness: nearest mean darkness of each digit", 0.2225, "test",
          "ch1.darkness", "accuracy", 0.001, _CH1),
    Claim("ch1.svm", 1, "Implementing our network", "SVM, scikit-learn SVC defaults of 2014 (RBF, C = 1, gamma = 1/784)",
          0.9435, "test", "ch1.svm", "accuracy", 0.003, _CH1),
    Claim("ch1.svm_tuned", 1, "Implementing our network",
          "SVM with tuned parameters (A. Mueller's blog; a lower bound: \"above\")", 0.985, "test",
          None, "cited", 0, _CH1),
    Claim("ch1.record", 1, "Implementing our network",
          "the 2013 record (Wan, Zeiler, Zhang, LeCun, Fergus): 9,979 of 10,000", 0.9979, "test",
          None, "cited", 0, _CH1),
    Claim("ch2.minibatch_speedup", 2, "The code for backpropagation (problem)",
          "mini-batch gradient, fully matrix-based vs a loop over the examples: speed-up "
          "(the author's laptop; ours: [784, 30, 10], mini-batch 10, this build's machine)",
          2.0, "-", "ch2.minibatch_speedup", "ratio", 1.0, _CH2, unit="ratio"),
]}


def get(claim_id: str) -> Claim:
    try:
        return CLAIMS[claim_id]
    except KeyError:
        raise ValueError(f"no claim {claim_id!r}; known: {', '.join(sorted(CLAIMS))}") from None


def compare(claim_id: str, profile: str | None = None) -> Comparison:
    """Our value for claim ``claim_id``, computed (or read from the run cache) in ``profile``."""
    claim = get(claim_id)
    p = profiles.current(profile)
    if claim.metric == "cited":
        return Comparison(claim, None, p, True)
    if claim.metric == "parameters":
        from nnbook.network import Network

        sizes = [int(n) for n in claim.setting.split("[")[1].split("]")[0].split(",")]
        return Comparison(claim, Network(sizes, rng=0).num_parameters(), p, True)
    exp = experiments.get(claim.experiment)
    result = experiments.run(claim.experiment, p)
    if claim.metric == "best":
        ours = result.best.accuracy
    elif claim.metric == "final":
        ours = result.runs[0].metrics["final_accuracy"]
    elif claim.metric == "accuracy":
        ours = result.runs[0].accuracy
    elif claim.metric == "ratio":
        ours = result.runs[0].metrics["ratio"]
    else:
        raise ValueError(f"claim {claim.id} has an unknown metric {claim.metric!r}")
    return Comparison(claim, ours, p, exp.settings(p) == exp.settings("full"), len(result.runs))


def chapter(n: int) -> list[Claim]:
    """The claims of chapter ``n``, in registry order."""
    return [c for c in CLAIMS.values() if c.chapter == n]
