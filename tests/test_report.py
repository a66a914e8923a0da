"""The reproduction report: how claims are scored (medians, triples, measured tolerances, what is
not scored), the whole-curve comparison, and the report's figure."""

import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.patches import Rectangle

from nnbook.figures import report
from nnbook.runs import claims, curves, experiments, original, outcomes
from nnbook.train import History

BOOK = Path(__file__).resolve().parents[1] / "book"


def _result(name, accuracies=None, histories=None, profile="full", settings=None):
    """A Result of experiment ``name`` with one run per accuracy (or per history)."""
    exp = experiments.get(name)
    settings = settings if settings is not None else exp.settings(profile)
    histories = histories or [History(evaluation_accuracy=[a]) for a in accuracies]
    runs = []
    for i, h in enumerate(histories):
        acc = h.evaluation_accuracy
        outcome = outcomes.Training(max(acc) if acc else 0.1, None, acc[-1] if acc else 0.1)
        runs.append(experiments.Run(name, i, settings, outcome, 1.0, h))
    return experiments.Result(exp, profile, settings, runs)


# ---- the registry ----------------------------------------------------------------------------

def _anchors():
    """Every label and heading anchor of the book's pages, as a claim's ``label`` names them."""
    found = set()
    for page in BOOK.glob("*.md"):
        text = page.read_text()
        found |= set(re.findall(r"^\(([\w-]+)\)=$", text, re.M))
        for heading in re.findall(r"^#{2,3} (.+)$", text, re.M):
            slug = re.sub(r"\s+", "-", re.sub(r"[^\w\s-]", "", heading.lower()).strip())
            found.add(f"{page.name}#{slug}")
    return found


def test_chapters_1_to_5_register_every_number_with_both_sections():
    first_five = [c for c in claims.CLAIMS.values() if c.chapter in (1, 2, 3, 4, 5)]
    assert len(first_five) >= 60
    anchors = _anchors()
    for c in claims.CLAIMS.values():
        assert c.our_section() in anchors, c.id  # every row of the report links to our page
        # the original's section: an anchor, except in chapter 6 and the appendix (one section)
        assert c.url.startswith(claims.BOOK) and ("#" in c.url or c.chapter in (6, 7)), c.id
        if c.metric == "cited" or not c.scored:
            assert c.why(), c.id  # everything not re-run or not scored says why


def test_the_numbers_the_pages_were_missing_are_registered():
    assert claims.get("ch3.neuron_start").value == 0.82
    assert claims.get("ch3.neuron_end").value == 0.09
    assert claims.get("ch3.dropout_hinton_before").value == 0.984
    assert claims.get("ch3.simard_affine").value == 0.989
    assert (claims.get("ch5.width_max").value, claims.get("ch5.width_w").value) == (0.45, 6.9)
    ends = [claims.get(f"ch5.speed.4.l{j}_end").value for j in (1, 2, 3, 4)]
    recorded = original.norms_during_training(4)[-1]
    assert np.allclose(ends, recorded, rtol=0.01)  # the original's recorded run, three digits


def test_every_seeded_claim_has_at_least_three_samples_in_the_full_profile():
    # Without three samples there is no spread to take a tolerance from. Baselines, SVMs and
    # timings are deterministic or not scored; random guessing has a binomial spread of 0.3
    # points, below its one-point printed digit.
    for c in claims.CLAIMS.values():
        if c.tolerance is not None or c.experiment is None or c.metric == "parameters":
            continue
        exp = experiments.get(c.experiment)
        if exp.kind in ("svm", "svm_sweep", "darkness", "random"):
            continue
        repeats = exp.settings("full")["repeats"]
        assert repeats >= (9 if c.metric == "best_of_3" else 3), c.id


def test_values_are_printed_with_the_originals_digits():
    assert claims.get("ch1.net30").original() == "95.42%"
    assert claims.get("ch5.depth.2").original() == "96.90%"
    assert claims.get("ch3.bad_start_epoch1").original() == "10.30%"
    assert claims.get("ch3.strip.lmbda20").original() == "17.25%"
    assert claims.get("ch1.random").original() == "10%"
    assert claims.get("ch3.dropout_hinton").original() == "98.7%"
    assert claims.get("ch1.net30").step() == pytest.approx(1e-4)
    assert claims.get("ch3.dropout_hinton").step() == pytest.approx(1e-3)
    assert claims.get("ch5.speed.3.l2").step() == pytest.approx(1e-3)  # printed "0.060"


# ---- scoring -----------------------------------------------------------------------------------

def test_best_of_three_is_scored_over_triples_and_counts_the_stuck_ones(monkeypatch):
    accuracies = [0.95, 0.80, 0.81, 0.80, 0.79, 0.81, 0.96, 0.50, 0.50]
    monkeypatch.setattr(experiments, "run", lambda name, profile=None: _result(name, accuracies))
    c = claims.compare("ch1.net100", "full")
    assert c.samples == (0.95, 0.81, 0.96) and c.ours == 0.95 and c.runs == 9
    assert c.stuck == 1  # 81 % is more than five points below the best triple's 96 %
    spread = np.std([0.95, 0.81, 0.96], ddof=1)
    assert c.spread == pytest.approx(spread) and c.tolerance == pytest.approx(2 * spread)
    assert c.status == claims.WITHIN  # 95.0 against 96.59: within the triples' wide spread
    assert "median of 3 triples" in c.formatted() and "1 stuck" in c.formatted()
    assert c.tolerance_source() == "2 SD of 3 triples"


def test_single_run_claims_take_the_median_of_the_seeds_and_their_spread(monkeypatch):
    peaks = [0.9540, 0.9560, 0.9500]
    monkeypatch.setattr(experiments, "run", lambda name, profile=None: _result(name, peaks))
    c = claims.compare("ch3.ce30", "full")
    assert c.ours == 0.9540 and len(c.samples) == 3
    assert c.tolerance == pytest.approx(2 * np.std(peaks, ddof=1))
    assert c.within and c.status == claims.WITHIN
    # the same seeds, far from the original: outside
    monkeypatch.setattr(experiments, "run",
                        lambda name, profile=None: _result(name, [p - 0.02 for p in peaks]))
    assert claims.compare("ch3.ce30", "full").status == claims.OUTSIDE


def test_a_tolerance_is_never_below_the_last_printed_digit():
    claim = claims.get("ch3.ce30")
    same = claims.measured(claim, [0.9549, 0.9549, 0.9549], True, "full", 3)
    assert same.spread == 0 and same.tolerance == pytest.approx(1e-4)
    assert same.tolerance_source() == "last digit"


def test_reduced_settings_are_not_comparable_never_a_miss(monkeypatch):
    monkeypatch.setattr(experiments, "run",
                        lambda name, profile=None: _result(name, [0.5], profile="fast"))
    c = claims.compare("ch3.ce30", "fast")
    assert not c.full_settings and c.ours == 0.5
    assert c.status == claims.NOT_COMPARABLE


def test_timings_are_shown_but_not_scored_and_literature_is_not_rerun():
    timing = claims.Comparison(claims.get("ch2.minibatch_speedup"), 9.4, "full", True)
    assert timing.status == claims.NOT_SCORED and "machine" in timing.claim.why()
    cited = claims.compare("ch1.record")
    assert cited.ours is None and cited.status == claims.NOT_RERUN


def test_bounds_are_one_sided():
    under = claims.get("ch3.l2_full_gap")  # "under 1 %"
    assert claims.Comparison(under, 0.002, "full", True, tolerance=0.001).within
    assert not claims.Comparison(under, 0.012, "full", True, tolerance=0.001).within
    over = claims.get("ch3.init_scaled30_final")  # "somewhat over 96 %"
    assert claims.Comparison(over, 0.975, "full", True, tolerance=0.001).within
    assert not claims.Comparison(over, 0.955, "full", True, tolerance=0.001).within


def test_a_diverged_run_has_no_accuracy_and_its_claim_says_why(monkeypatch):
    exp = experiments.get("ch3.strip.lmbda1000")
    settings = exp.settings("full")
    diverged = [experiments.Run(exp.name, i, settings,
                                outcomes.Diverged(1, "lmbda", "the weights grew without bound"),
                                1.0, History(eta=[10.0], diverged_at=1)) for i in range(5)]
    monkeypatch.setattr(experiments, "run", lambda name, profile=None: experiments.Result(
        exp, "full", settings, diverged))
    c = claims.compare("ch3.strip.lmbda1000", "full")
    assert c.ours is None and c.status == claims.NOT_SCORED and "diverge" in c.claim.why()
    # a scored claim whose runs all diverged at full settings is a miss, not "not comparable"
    monkeypatch.setattr(experiments, "run", lambda name, profile=None: experiments.Result(
        experiments.get("ch3.strip.eta1"), "full", settings, diverged))
    assert claims.compare("ch3.strip.eta1", "full").status == claims.OUTSIDE


def test_the_calculations_reproduce_the_originals_numbers():
    computed = [c for c in claims.CLAIMS.values() if c.metric.startswith("computed:")]
    assert len(computed) >= 10
    for c in computed:
        result = claims.compare(c.id)
        assert result.status == claims.WITHIN, (c.id, result.ours)
    assert claims.compare("ch3.neuron_bad_slow").ours > 150  # stays near 1 for 150+ steps
    assert claims.compare("ch5.width_max").ours == pytest.approx(0.45, abs=0.005)


def test_an_unknown_calculation_is_an_error(monkeypatch):
    odd = claims.Claim("ch9.odd", 9, "-", "-", 1.0, "-", None, "computed:nothing", None, claims.BOOK)
    monkeypatch.setitem(claims.CLAIMS, "ch9.odd", odd)
    with pytest.raises(ValueError, match="names no known calculation 'nothing'"):
        claims.compare("ch9.odd")


# ---- whole curves ------------------------------------------------------------------------------

def test_a_whole_curve_is_compared_epoch_by_epoch_with_the_median_of_the_seeds(monkeypatch):
    theirs = original.overfitting(50_000).evaluation_accuracy  # 30 epochs
    bump = np.zeros(30)
    bump[11] = 0.05
    # one seed far off at epoch 12, which the median over the seeds ignores: theirs - 0.01
    seeds = [theirs - 0.01 - bump, theirs - 0.01, theirs + 0.002]
    histories = [History(evaluation_accuracy=list(s), training_accuracy=list(s)) for s in seeds]
    monkeypatch.setattr(experiments, "run",
                        lambda name, profile=None: _result(name, histories=histories))
    cc = curves.compare("overfit_full.test_accuracy", "full")
    assert cc.runs == 3 and len(cc.points) == 30 and cc.full_settings
    assert cc.largest == pytest.approx(0.01) and cc.mean == pytest.approx(0.01)
    assert cc.signed_mean == pytest.approx(-0.01)


def test_a_curve_of_speeds_is_compared_by_ratio(monkeypatch):
    theirs = original.norms_during_training(2)
    during = theirs.copy()
    during[:, 0] *= 2.0
    during[7, 0] *= 5.0  # one step ten times the original's
    run = experiments.Run("ch5.speed.2", 0, experiments.get("ch5.speed.2").settings("full"),
                          outcomes.LayerSpeeds([0.1, 0.3], [[0.0], [0.0]], during.tolist()), 1.0)
    exp = experiments.get("ch5.speed.2")
    monkeypatch.setattr(experiments, "run", lambda name, profile=None: experiments.Result(
        exp, "full", exp.settings("full"), [run]))
    cc = curves.compare("speed.2.l1", "full")
    assert cc.largest == pytest.approx(10.0) and cc.largest_at == 8
    assert cc.mean == pytest.approx(10 ** ((499 * np.log10(2) + 1) / 500))


def test_a_shorter_fast_curve_compares_only_its_epochs_and_is_marked():
    theirs = original.overfitting(1_000).evaluation_accuracy
    cc = curves.CurveComparison(curves.get("overfit.test_accuracy"), theirs[:100] + 0.03,
                                theirs[:100], np.arange(1, 101), "fast", False, 1)
    assert cc.largest == pytest.approx(0.03) and not cc.full_settings


def test_every_curve_has_a_recorded_counterpart_and_a_section():
    anchors = _anchors()
    for c in curves.CURVES:
        assert len(c.theirs()) > 0 and c.experiment in experiments.CATALOGUE
        assert c.label in anchors, c.id
    with pytest.raises(ValueError, match="no curve 'nothing'"):
        curves.get("nothing")


# ---- the figure --------------------------------------------------------------------------------

def _bands(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_the_figure_draws_each_tolerance_band_around_the_original():
    fig = report.agreement({"pt": [report.Row("about", 0.5, 1.0),
                                   report.Row("below", -2.0, 1.0, relation="below"),
                                   report.Row("fast", 30.0, None, status="not comparable (fast)")]})
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    bands = _bands(ax)
    assert len(bands) == 2  # the unscored row has no band
    assert bands[0].get_x() == pytest.approx(-1.0) and bands[0].get_width() == pytest.approx(2.0)
    assert bands[1].get_x() == pytest.approx(low)  # one-sided: everything below + 1 is allowed
    assert bands[1].get_x() + bands[1].get_width() == pytest.approx(1.0)
    # the unscored row (30 points off) widens the axis at most fivefold, then sits at its edge
    assert high == pytest.approx(1.15 * report.SQUEEZE * 2.0)
    assert "+30" in " ".join(t.get_text() for t in ax.texts)


@pytest.mark.parametrize("rows, match", [
    ({}, "panels must map"),
    ({"x": [report.Row("a", 1.0, -1.0)]}, "tolerance must be >= 0"),
    ({"x": [report.Row("a", 1.0, 1.0, status="great")]}, "status must be one of"),
    ({"x": [report.Row("a", float("nan"))]}, "difference must be a finite number"),
    ({"x": ["a"]}, "must be a report.Row"),
])
def test_the_figure_refuses_bad_rows(rows, match):
    with pytest.raises(ValueError, match=match):
        report.agreement(rows)
