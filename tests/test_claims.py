"""The registry of the original's numbers."""

import dataclasses

import pytest

from nnbook.runs import claims, experiments


def test_every_claim_is_well_formed():
    for c in claims.CLAIMS.values():
        assert c.url.startswith(claims.BOOK)
        assert c.data in ("test", "validation", "training", "-")
        assert c.tolerance >= 0
        if c.unit == "fraction":
            assert 0 < c.value <= 1
        if c.experiment is not None:
            assert c.experiment in experiments.CATALOGUE
            if c.metric not in ("best_training", "parameters"):  # a training curve; a count
                assert experiments.get(c.experiment).full.get("evaluation", "-") == c.data


def test_every_claim_has_a_known_metric():
    for c in claims.CLAIMS.values():
        name, _, argument = c.metric.partition(":")
        assert name in ("cited", "parameters") or name in claims.SUMMARIES, c.id
        assert (c.experiment is None) == (name == "cited"), c.id
        if name in ("row", "norm"):
            assert int(argument) >= 0


def test_original_values_are_formatted_as_the_book_writes_them():
    assert claims.get("ch1.net30").original() == "95.42%"
    assert claims.get("ch1.params30").original() == "23,860"
    assert claims.get("ch4.design_threshold").original() == "0.40"


def test_parameter_count_claim_is_reproduced_exactly(monkeypatch):
    def no_running(*args, **kwargs):
        raise AssertionError("a parameter count ran an experiment")

    monkeypatch.setattr(experiments, "run", no_running)
    for profile in ("full", "fast"):
        c = claims.compare("ch1.params30", profile)
        assert c.ours == 23_860 and c.within and c.formatted() == "23,860" and c.full_settings


def test_parameter_count_is_read_from_the_catalogue(monkeypatch):
    exp = experiments.get("ch1.net30")
    monkeypatch.setitem(experiments.CATALOGUE, "ch1.net30",
                        experiments.Experiment(exp.name, exp.title, exp.kind,
                                               dict(exp.full, sizes=[784, 100, 10]), exp.fast))
    assert claims.compare("ch1.params30").ours == 784 * 100 + 100 + 100 * 10 + 10


def test_unknown_metric(monkeypatch):
    claim = claims.get("ch1.darkness")
    odd = dataclasses.replace(claim, id="ch1.odd", metric="median")
    monkeypatch.setitem(claims.CLAIMS, "ch1.odd", odd)
    with pytest.raises(ValueError, match="claim ch1.odd has an unknown metric 'median'; known: cited"):
        claims.compare("ch1.odd")


def test_comparison_tolerance():
    claim = claims.get("ch1.net30")
    assert claims.Comparison(claim, 0.9500, "full", True).within
    assert not claims.Comparison(claim, 0.9400, "full", True).within
    assert claims.Comparison(claim, 0.9400, "full", True).difference == pytest.approx(-0.0142)


def test_unknown_claim():
    with pytest.raises(ValueError, match="no claim 'ch1.nothing'"):
        claims.get("ch1.nothing")


def test_darkness_claim_is_reproduced(tmp_path, monkeypatch, mnist_dir):
    monkeypatch.setenv("NNBOOK_CACHE", str(tmp_path))
    c = claims.compare("ch1.darkness", "full")
    assert c.full_settings and c.within and c.profile == "full"
    assert c.ours == pytest.approx(0.2225, abs=1e-4)


def test_best_of_several_runs_says_how_many():
    claim = claims.get("ch1.net30")
    assert claims.Comparison(claim, 0.95, "full", True, runs=9).formatted() == "95.00% (best of 9 runs)"
    assert claims.Comparison(claim, 0.95, "full", True, runs=1).formatted() == "95.00%"
