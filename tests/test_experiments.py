"""The experiment catalogue, its run cache and the parallel precompute."""

import json

import numpy as np
import pytest

from nnbook.runs import experiments, precompute, profile
from nnbook.runs.experiments import Experiment

pytestmark = pytest.mark.usefixtures("mnist_dir")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NNBOOK_CACHE", str(tmp_path / "runs"))
    return tmp_path / "runs"


@pytest.fixture
def tiny(monkeypatch):
    """A cheap training experiment on the real data, registered for the test only."""
    exp = Experiment("test.tiny", "tiny", "sgd",
                     dict(sizes=[784, 5, 10], cost="quadratic", init="large", eta=3.0,
                          mini_batch_size=10, epochs=2, n_train=1000, evaluation="validation",
                          repeats=2, seed=3),
                     dict(epochs=1))
    monkeypatch.setitem(experiments.CATALOGUE, exp.name, exp)
    return exp


def test_profile_is_read_from_the_environment(monkeypatch):
    monkeypatch.delenv("NNBOOK_PROFILE", raising=False)
    assert profile.current() == "full"
    monkeypatch.setenv("NNBOOK_PROFILE", "fast")
    assert profile.current() == "fast"
    assert profile.current("full") == "full"
    monkeypatch.setenv("NNBOOK_PROFILE", "quick")
    with pytest.raises(ValueError, match="NNBOOK_PROFILE must be one of full, fast; got 'quick'"):
        profile.current()


def test_fast_settings_override_full(tiny):
    assert tiny.settings("full")["epochs"] == 2
    assert tiny.settings("fast")["epochs"] == 1
    assert tiny.settings("fast")["eta"] == 3.0


def test_every_experiment_has_valid_settings_in_both_profiles():
    for exp in experiments.CATALOGUE.values():
        for p in profile.PROFILES:
            s = exp.settings(p)
            assert s["repeats"] >= 1
            assert s.get("evaluation", "-") in ("test", "validation", "-")
            if exp.kind == "sgd":
                assert s["n_train"] <= 50_000 and s["epochs"] >= 1 and s["eta"] > 0


def test_every_experiment_has_a_work_estimate_and_a_step_count():
    for name in experiments.CATALOGUE:
        for p in profile.PROFILES:
            assert experiments.work(name, p) > 0
            steps = experiments.steps(name, p)
            assert steps is None or steps >= 1


def test_unknown_experiment():
    with pytest.raises(ValueError, match="no experiment named 'ch9.x'"):
        experiments.run("ch9.x")


def test_run_is_cached_and_served_from_the_cache(cache, tiny, monkeypatch):
    first = experiments.run("test.tiny", "full")
    assert len(first.runs) == 2 and first.profile == "full"
    assert len(list(cache.glob("test.tiny-*.json"))) == 2
    assert len(list(cache.glob("test.tiny-*.npz"))) == 2
    assert first.runs[0].history.evaluation_accuracy != first.runs[1].history.evaluation_accuracy
    assert first.best.accuracy == max(first.accuracies) > 0.15  # above chance after 2 epochs

    def no_training(*args, **kwargs):
        raise AssertionError("a cached run was computed again")

    monkeypatch.setattr(experiments, "_compute", no_training)
    again = experiments.run("test.tiny", "full")
    assert [r.history for r in again.runs] == [r.history for r in first.runs]
    assert again.runs[0].seconds == first.runs[0].seconds
    # the stored network gives the stored accuracy back
    net = again.best.network()
    from nnbook.data import load_mnist

    v = load_mnist().validation
    assert net.accuracy(v.images, v.labels) == pytest.approx(again.best.history.evaluation_accuracy[-1])


def test_same_seed_same_numbers(cache, tiny):
    a = experiments.run("test.tiny", "fast", cache=False)
    b = experiments.run("test.tiny", "fast", cache=False)
    assert a.accuracies == b.accuracies


def test_cache_key_changes_with_settings_source_and_repeat(tiny, monkeypatch):
    s = tiny.settings("full")
    key = experiments.run_key("test.tiny", s, 0)
    assert experiments.run_key("test.tiny", s, 1) != key
    assert experiments.run_key("test.tiny", dict(s, eta=0.5), 0) != key
    assert experiments.run_key("test.tiny", dict(s, repeats=5), 0) == key  # more repeats reuse runs
    monkeypatch.setattr(experiments, "source_hash", lambda: "changed")
    assert experiments.run_key("test.tiny", s, 0) != key


def test_source_hash_covers_the_package():
    assert len(experiments.source_hash()) == 64


def test_a_corrupt_cache_entry_is_computed_again(cache, tiny):
    run = experiments.run_one("test.tiny", 0, "fast")
    run.path.write_text("{ not json")
    again = experiments.run_one("test.tiny", 0, "fast")
    assert again.history == run.history
    assert json.loads(again.path.read_text())["repeat"] == 0


def test_no_temporary_files_are_left(cache, tiny):
    experiments.run("test.tiny", "fast")
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]


def test_precompute_runs_missing_runs_in_parallel_and_reports(cache):
    names = ["ch1.random", "ch1.darkness"]
    assert precompute.tasks(names, "fast") == [("ch1.random", 0), ("ch1.darkness", 0)]
    seen = []
    n = precompute.precompute(names, "fast", jobs=2, report=seen.append)
    assert n == 2
    assert precompute.tasks(names, "fast") == []
    assert seen[-1].done == 2 and seen[-1].fraction == pytest.approx(1.0)
    assert {p.finished for p in seen if p.finished} == {"ch1.random #1", "ch1.darkness #1"}
    assert precompute.precompute(names, "fast", jobs=2) == 0
    assert experiments.run("ch1.darkness", "fast").runs[0].accuracy == pytest.approx(0.2225, abs=1e-4)


def test_cli_lists_what_it_would_compute(cache, capsys):
    from nnbook.__main__ import main

    assert main(["precompute", "ch1.net30", "--profile", "fast", "--list"]) == 0
    assert capsys.readouterr().out.split("\n")[:3] == ["ch1.net30 #1", "ch1.net30 #2", "ch1.net30 #3"]
    with pytest.raises(SystemExit):
        main(["precompute", "ch7"])
