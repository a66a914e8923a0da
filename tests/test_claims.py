"""The registry of the original's numbers."""

import dataclasses

import pytest

from nnbook.runs import claims, experiments


def test_every_claim_is_well_formed():
    for c in claims.CLAIMS.values():
        assert c.url.startswith(claims.BOOK)
        assert c.data in ("test", "validation", "training", "-")
        assert c.tolerance is None or c.tolerance >= 0
        assert c.relation in (claims.ABOUT, claims.BELOW, claims.ABOVE)
        if c.unit == "fraction":
            assert 0 < c.value <= 1
        if c.experiment is not None:
            assert c.experiment in experiments.CATALOGUE
            exp = experiments.get(c.experiment)
            if exp.kind == "convnet":  # validated on the validation data, reported on the test data
                assert c.data == "test"
            elif c.metric not in ("best_training", "training_gap", "parameters",
                                  "seconds_per_epoch"):  # training accuracy; a count; a time
                assert exp.full.get("evaluation", "-") == c.data


def test_every_claim_has_a_known_metric():
    for c in claims.CLAIMS.values():
        name, _, argument = c.metric.partition(":")
        assert name in ("cited", "parameters", "computed") or name in claims.SUMMARIES, c.id
        assert (c.experiment is None) == (name in ("cited", "computed")), c.id
        if name in ("row", "norm", "norm_end", "epoch", "mean_first", "batch_cost"):
            assert int(argument) >= 0
        if name == "computed":
            assert argument in claims.COMPUTED, c.id


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
    assert claims.Comparison(claim, 0.9500, "full", True, tolerance=0.01).within
    assert not claims.Comparison(claim, 0.9400, "full", True, tolerance=0.01).within
    assert claims.Comparison(claim, 0.9400, "full", True).difference == pytest.approx(-0.0142)
    # no tolerance given and none fixed: one unit of the original's last printed digit
    assert claims.Comparison(claim, 0.9543, "full", True).within
    assert not claims.Comparison(claim, 0.9545, "full", True).within


def test_unknown_claim():
    with pytest.raises(ValueError, match="no claim 'ch1.nothing'"):
        claims.get("ch1.nothing")


def test_darkness_claim_is_reproduced(tmp_path, monkeypatch, mnist_dir):
    monkeypatch.setenv("NNBOOK_CACHE", str(tmp_path))
    c = claims.compare("ch1.darkness", "full")
    assert c.full_settings and c.within and c.profile == "full"
    assert c.ours == pytest.approx(0.2225, abs=1e-4)


def test_best_of_several_runs_says_how_many():
    claim = claims.get("ch6.1")
    assert claims.Comparison(claim, 0.95, "full", True, runs=9).formatted() == "95.00% (best of 9 runs)"
    assert claims.Comparison(claim, 0.95, "full", True, runs=1).formatted() == "95.00%"


def _conv_result(tmp_path, accuracies, n_evaluation=300):
    """A chapter 6 result with one small stored network per accuracy (the nets are untrained, so
    their votes differ)."""
    from nnbook import convnet
    from nnbook.runs import outcomes, serialize

    exp = experiments.get("ch6.11")
    settings = dict(exp.full, n_evaluation=n_evaluation)
    runs = []
    for i, accuracy in enumerate(accuracies):
        path = tmp_path / f"run{i}.json"
        serialize.save_convnet(convnet.architecture("6.1", rng=i), path.with_suffix(".npz"))
        runs.append(experiments.Run("ch6.11", i, settings, outcomes.ConvTraining(accuracy, 0.99, 7),
                                    1.0, None, path))
    return experiments.Result(exp, "full", settings, runs)


def test_chapter6_best_of_the_first_three_and_the_ensemble_vote(tmp_path, monkeypatch):
    from nnbook import convnet
    from nnbook.data import load_mnist

    result = _conv_result(tmp_path, [0.991, 0.995, 0.993, 0.999, 0.990])
    monkeypatch.setattr(experiments, "run", lambda name, profile=None: result)
    best = claims.compare("ch6.11")
    assert best.ours == 0.995 and best.runs == 3  # the fourth run's 0.999 is not among the first three
    assert best.formatted() == "99.50% (best of 3 runs)"

    test = load_mnist().test[:300]
    vote = convnet.ensemble_predict([r.network() for r in result.runs], test.images)
    errors = int((vote != test.labels).sum())
    assert 0 < errors < 300  # untrained networks: some right, some wrong
    ensemble = claims.compare("ch6.12")
    assert ensemble.ours == pytest.approx(1 - errors / 300) and ensemble.formatted().endswith("(vote of 5 networks)")
    assert claims.compare("ch6.12_errors").ours == errors


def test_chapter6_claims_cover_the_table():
    table = ["6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8", "6.9", "6.10", "6.11", "6.12"]
    original = [claims.get(f"ch{n}").value for n in table]
    assert original == [0.9780, 0.9878, 0.9906, 0.9923, 0.9937, 0.9946, 0.9943, 0.9943, 0.9948,
                        0.9947, 0.9960, 0.9967]
    assert claims.get("ch6.12_errors").value == round(10_000 * (1 - 0.9967)) == 33
