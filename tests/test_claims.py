"""The registry of the original's numbers."""

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
            if c.metric != "best_training":  # that one reads the training curve of a run
                assert experiments.get(c.experiment).full.get("evaluation", "-") == c.data


def test_original_values_are_formatted_as_the_book_writes_them():
    assert claims.get("ch1.net30").original() == "95.42%"
    assert claims.get("ch1.params30").original() == "23,860"
    assert claims.get("ch4.design_threshold").original() == "0.40"


def test_parameter_count_claim_is_reproduced_exactly():
    c = claims.compare("ch1.params30")
    assert c.ours == 23_860 and c.within and c.formatted() == "23,860"


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
