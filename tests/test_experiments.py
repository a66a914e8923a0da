"""The experiment catalogue, its run cache and the parallel precompute."""

import json

import numpy as np
import pytest

from nnbook.data import load_mnist
from nnbook.runs import (cache as run_cache, experiments, kinds, outcomes, precompute, profile,
                         progress)
from nnbook.runs.experiments import Experiment
from run_examples import SMALL

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


def test_every_experiment_has_a_time_estimate_and_a_step_count():
    for name in experiments.CATALOGUE:
        for p in profile.PROFILES:
            assert precompute.estimate(precompute.Task(name, 0), p) > 0
            steps = experiments.steps(name, p)
            assert steps is None or steps >= 1


def test_unknown_experiment():
    with pytest.raises(ValueError, match="no experiment named 'ch9.x'"):
        experiments.run("ch9.x")


def test_every_experiment_has_a_registered_kind():
    for exp in experiments.CATALOGUE.values():
        assert exp.kind in kinds.KINDS, exp.name


def test_unknown_kind(cache, monkeypatch):
    exp = Experiment("test.odd", "odd", "nope", dict(repeats=1, seed=1))
    monkeypatch.setitem(experiments.CATALOGUE, exp.name, exp)
    for call in (lambda: experiments.run("test.odd"), lambda: precompute.estimate(precompute.Task("test.odd", 0)),
                 lambda: experiments.steps("test.odd")):
        with pytest.raises(ValueError, match="experiment test.odd has an unknown kind 'nope'; known: "):
            call()


def test_a_registered_kind_is_run_and_cached_with_its_outcome(cache, monkeypatch):
    def constant(s, seeds, data, callback=None):
        assert data == (None, None)  # the settings name no data
        return kinds.Computed(outcomes.Baseline(s["value"]))

    monkeypatch.setitem(kinds.KINDS, "constant",
                        kinds.Kind("constant", constant, outcomes.Baseline, lambda s: None))
    monkeypatch.setitem(precompute.ESTIMATES, "constant", lambda s: 1.0)
    exp = Experiment("test.constant", "constant", "constant", dict(repeats=2, seed=1, value=0.25))
    monkeypatch.setitem(experiments.CATALOGUE, exp.name, exp)
    result = experiments.run("test.constant", "full")
    assert [r.outcome for r in result.runs] == [outcomes.Baseline(0.25)] * 2
    assert result.accuracies == [0.25, 0.25]
    stored = json.loads(result.runs[0].path.read_text())["outcome"]
    assert stored == {"tag": "baseline", "accuracy": 0.25}
    assert precompute.estimate(precompute.Task("test.constant", 0)) == 1.0


def test_every_kind_has_a_time_estimate():
    assert set(precompute.ESTIMATES) == set(kinds.KINDS)


def test_every_kind_has_a_small_example():
    assert set(SMALL) | {"sgd"} == set(kinds.KINDS)


@pytest.mark.parametrize("kind", sorted(SMALL))
def test_every_kind_computes_its_outcome_and_reads_it_back(cache, monkeypatch, kind):
    exp = Experiment(f"test.{kind}", kind, kind, dict(SMALL[kind], repeats=1, seed=2))
    monkeypatch.setitem(experiments.CATALOGUE, exp.name, exp)
    steps = []
    run = experiments.run_one(exp.name, 0, "full", callback=lambda step, history: steps.append(step))
    assert type(run.outcome) is kinds.KINDS[kind].outcome
    assert len(steps) == (experiments.steps(exp.name, "full") or 0)
    again = experiments.run_one(exp.name, 0, "full")
    assert again.outcome == run.outcome and again.seconds == run.seconds  # from the cache
    outcome = run.outcome
    if kind.endswith("_sweep"):
        assert [r.n_train for r in outcome.rows] == [100, 200]
        assert all(0.1 < r.accuracy <= 1 for r in outcome.rows)
        if kind == "sgd_sweep":  # 400 examples seen at each size, lmbda scaled with it
            assert [(r.epochs, r.lmbda) for r in outcome.rows] == [(4, 0.01), (2, 0.02)]
    elif kind == "layer_speed":
        assert len(outcome.initial) == 2 and len(outcome.neurons) == 2
        assert np.asarray(outcome.during).shape == (3, 2)
    elif kind == "speed_gradient":
        assert [r["sizes"] for r in outcome.rows] == [[20, 5, 2], [40, 10, 2]]
        assert np.isfinite([outcome.backprop_slope, outcome.finite_difference_slope]).all()
    elif kind == "speed_minibatch":
        assert outcome.ratio == outcome.rows[1]["speedup"]
    elif kind == "convnet":  # the test accuracy of the epoch of best validation accuracy
        history = run.history
        assert len(history.evaluation_accuracy) == len(history.test_accuracy) == 2
        assert outcome.accuracy == history.test_accuracy[outcome.best_epoch - 1]
        assert outcome.validation_accuracy == max(history.evaluation_accuracy) > 0.3
        net = run.network()  # stored in chapter 6's format, and it is the trained network
        test = load_mnist().test[:300]
        assert net.accuracy(test.images, test.labels) == history.test_accuracy[-1]
    else:
        assert 0 < run.accuracy < 1


def test_steps_follow_the_kind():
    assert experiments.steps("ch1.net30", "full") == 30
    assert experiments.steps("ch3.more_data", "full") == 9  # one per training-set size
    assert experiments.steps("ch1.svm", "full") is None  # no progress reports


EXAMPLES = [
    outcomes.Training(0.95, 12, 0.94),
    outcomes.Training(0.3, None, 0.3),
    outcomes.Baseline(0.2225),
    outcomes.SizeSweep([outcomes.SweepRow(100, 0.6, 15_000, 0.01), outcomes.SweepRow(200, 0.7)]),
    outcomes.LayerSpeeds([0.07, 0.31], [[0.1, 0.2], [0.3, 0.4]], [[0.07, 0.31], [0.08, 0.3]]),
    outcomes.GradientCost([{"parameters": 10, "backprop_seconds": 0.1}], 1.1, 2.0),
    outcomes.MinibatchSpeedup([{"mini_batch_size": 10, "speedup": 3.0}], 3.0),
    outcomes.ConvTraining(0.9923, 0.9931, 37),
    outcomes.Diverged(1, "lmbda", "the weight decay factor is -9."),
    outcomes.SizeSweep([outcomes.SweepRow(100, None, 150, 0.1, diverged_at=2)]),
]


@pytest.mark.parametrize("outcome", EXAMPLES, ids=lambda o: type(o).__name__)
def test_outcomes_survive_the_cache_format(outcome):
    d = json.loads(json.dumps(outcome.to_dict()))
    assert d["tag"] == outcome.tag
    again = outcomes.from_dict(d, type(outcome))
    assert again == outcome and type(again) is type(outcome)


def test_every_outcome_type_is_tagged_once():
    assert set(outcomes.TYPES) == {k.outcome.tag for k in kinds.KINDS.values()} | {"diverged"}
    assert all(cls.tag == tag for tag, cls in outcomes.TYPES.items())


def test_a_sweep_gives_the_accuracy_at_a_size():
    sweep = EXAMPLES[3]
    assert sweep.accuracy_at(200) == 0.7
    assert sweep.accuracy_at(50_000) is None


@pytest.mark.parametrize("d, message", [
    ({"tag": "training", "accuracy": 0.9, "best_epoch": 3, "final_accuracy": 0.9}, "must be a Baseline"),
    ({"tag": "nothing", "accuracy": 0.9}, "tag among .*; got tag 'nothing'"),
    ({"accuracy": 0.9}, "got tag None"),
    ({"tag": "baseline", "accuracy": 0.9, "rows": []}, r"fields \['accuracy'\]; got \['accuracy', 'rows'\]"),
    ([0.9], "got tag None"),
])
def test_a_mismatched_outcome_is_refused(d, message):
    with pytest.raises(ValueError, match=message):
        outcomes.from_dict(d, outcomes.Baseline)


def test_a_sweep_with_bad_rows_is_refused():
    with pytest.raises(ValueError, match="not a valid SizeSweep outcome"):
        outcomes.from_dict({"tag": "size_sweep", "rows": [{"n": 100}]})


def test_run_is_cached_and_served_from_the_cache(cache, tiny, monkeypatch):
    first = experiments.run("test.tiny", "full")
    assert len(first.runs) == 2 and first.profile == "full"
    assert len(list(cache.glob("test.tiny-*.json"))) == 2
    assert len(list(cache.glob("test.tiny-*.npz"))) == 2
    assert first.runs[0].history.evaluation_accuracy != first.runs[1].history.evaluation_accuracy
    assert first.best.accuracy == max(first.accuracies) > 0.15  # above chance after 2 epochs
    for r in first.runs:
        acc = r.history.evaluation_accuracy
        assert r.outcome == outcomes.Training(max(acc), r.history.best_epoch, acc[-1])

    def no_training(*args, **kwargs):
        raise AssertionError("a cached run was computed again")

    monkeypatch.setattr(kinds, "compute", no_training)
    again = experiments.run("test.tiny", "full")
    assert [r.history for r in again.runs] == [r.history for r in first.runs]
    assert [r.outcome for r in again.runs] == [r.outcome for r in first.runs]
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


def test_cache_key_changes_with_settings_training_code_and_repeat(tiny, monkeypatch):
    s = tiny.settings("full")
    key = run_cache.run_key("test.tiny", s, 0)
    assert run_cache.run_key("test.tiny", s, 1) != key
    assert run_cache.run_key("test.tiny", dict(s, eta=0.5), 0) != key
    assert run_cache.run_key("test.tiny", dict(s, repeats=5), 0) == key  # more repeats reuse runs
    monkeypatch.setattr(run_cache, "training_code_hash", lambda: "changed")
    assert run_cache.run_key("test.tiny", s, 0) != key
    monkeypatch.undo()
    monkeypatch.setattr(run_cache, "numpy_version", lambda: "9.9")
    assert run_cache.run_key("test.tiny", s, 0) != key


def test_a_corrupt_cache_entry_is_computed_again(cache, tiny):
    run = experiments.run_one("test.tiny", 0, "fast")
    run.path.write_text("{ not json")
    with pytest.warns(run_cache.CacheWarning, match="not JSON"):
        again = experiments.run_one("test.tiny", 0, "fast")
    assert again.history == run.history
    assert json.loads(again.path.read_text())["repeat"] == 0


@pytest.mark.parametrize("change", [
    lambda d: d.update(outcome={"tag": "baseline", "accuracy": 0.5}),  # another kind's outcome
    lambda d: d["outcome"].pop("best_epoch"),  # a field missing
    lambda d: d.update(metrics=d.pop("outcome")),  # the format before outcomes had types
    lambda d: d.pop("seconds"),
    lambda d: d.update(history={"epochs_run": 3}),
])
def test_a_mismatched_cache_entry_is_computed_again(cache, tiny, change):
    run = experiments.run_one("test.tiny", 0, "fast")
    d = json.loads(run.path.read_text())
    change(d)
    run.path.write_text(json.dumps(d))
    with pytest.warns(run_cache.CacheWarning, match=f"invalid run cache entry {run.path}"):
        again = experiments.run_one("test.tiny", 0, "fast")
    assert again.outcome == run.outcome and again.history == run.history
    assert json.loads(again.path.read_text())["outcome"]["tag"] == "training"


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


def test_chapter6_runs_at_the_original_settings():
    # (eta, epochs, network3's lmbda, expanded data) of each row of the original's table
    table = {"6.1": (0.1, 60, 0.0, False), "6.2": (0.1, 60, 0.0, False),
             "6.2x": (0.1, 60, 0.0, False), "6.3": (0.1, 60, 0.0, False),
             "6.3t": (0.1, 60, 0.0, False), "6.4": (0.03, 60, 0.1, False),
             "6.5": (0.03, 60, 0.1, True), "6.6": (0.03, 60, 0.1, True),
             "6.7": (0.03, 60, 0.1, True), "6.8": (0.03, 60, 0.1, True),
             "6.9": (0.03, 60, 0.1, True), "6.10": (0.03, 60, 0.1, True),
             "6.11": (0.03, 40, 0.0, True)}
    for name, (eta, epochs, lmbda, expanded) in table.items():
        s = experiments.get(f"ch6.{name[2:]}").settings("full")
        assert (s["architecture"], s["eta"], s["epochs"], s["lmbda"], s["expanded"]) == \
            (name, eta, epochs, lmbda, expanded)
        assert (s["mini_batch_size"], s["n_train"], s["evaluation"]) == (10, 50_000, "validation")
        assert s.get("n_evaluation") is None  # all 10,000 validation and test images
        assert s["repeats"] == (5 if name == "6.11" else 3)  # 6.12 votes with five 6.11 networks
        fast = experiments.get(f"ch6.{name[2:]}").settings("fast")
        assert fast["n_train"] < s["n_train"] and fast["epochs"] < s["epochs"]


class FakeBar:
    """Stands in for a tqdm bar: records what it was told."""

    made: list["FakeBar"] = []

    def __init__(self, total, description, unit):
        self.total, self.description, self.unit = total, description, unit
        self.n, self.postfixes, self.closed = 0, [], False
        FakeBar.made.append(self)

    def update(self, k):
        assert k >= 0, "a bar never goes back"
        self.n += k

    def set_postfix_str(self, text):
        self.postfixes.append(text)

    def close(self):
        self.closed = True


@pytest.fixture
def bars(monkeypatch):
    FakeBar.made = []
    monkeypatch.setattr(progress, "bar", FakeBar)
    return FakeBar.made


def test_training_in_a_page_shows_a_bar_over_the_missing_epochs(cache, tiny, bars, monkeypatch):
    monkeypatch.setenv("NNBOOK_PROGRESS", "1")
    experiments.run_one("test.tiny", 1, "full")  # one repeat cached already
    experiments.run("test.tiny", "full")
    (bar,) = bars
    assert (bar.total, bar.unit, bar.n, bar.closed) == (2, "epoch", 2, True)  # one repeat's epochs
    assert bar.description == "training test.tiny (full)"
    assert bar.postfixes == ["run 1 of 1"]
    experiments.run("test.tiny", "full")  # all cached: no bar
    assert len(bars) == 1


def test_no_bar_in_the_book_build_or_when_asked_for_none(cache, tiny, bars, monkeypatch):
    monkeypatch.setenv("NNBOOK_PROGRESS", "0")  # what the book build sets
    experiments.run("test.tiny", "fast")
    experiments.run("test.tiny", "full", progress_bar=False, cache=False)
    assert bars == []
    monkeypatch.setenv("NNBOOK_PROGRESS", "sometimes")
    with pytest.raises(ValueError, match="NNBOOK_PROGRESS must be 1 or 0; got 'sometimes'"):
        progress.enabled()
    monkeypatch.delenv("NNBOOK_PROGRESS")
    assert progress.enabled() is False  # pytest: no kernel, stderr captured
    assert progress.enabled(True) is True


def test_a_real_bar_counts_the_epochs(cache, tiny, capsys, monkeypatch):
    pytest.importorskip("tqdm")
    made = []

    def keep(*args, **kwargs):
        made.append(bar_of(*args, **kwargs))
        return made[-1]

    bar_of = progress.bar
    monkeypatch.setattr(progress, "bar", keep)
    experiments.run("test.tiny", "full", progress_bar=True)
    (bar,) = made
    assert type(bar).__module__ == "tqdm.std"  # no ipywidgets outside a notebook here
    assert (bar.n, bar.total) == (4, 4)
    assert "training test.tiny (full)" in capsys.readouterr().err


def test_the_run_log_records_each_run_a_page_asks_for(cache, tiny, tmp_path, monkeypatch):
    log = tmp_path / "log" / "page.jsonl"
    monkeypatch.setenv("NNBOOK_RUN_LOG", str(log))
    experiments.run_one("test.tiny", 0, "fast")
    experiments.run("test.tiny", "fast")
    entries = progress.read_log(log)
    assert [(e["experiment"], e["repeat"], e["profile"], e["cached"]) for e in entries] == [
        ("test.tiny", 0, "fast", False), ("test.tiny", 0, "fast", True),
        ("test.tiny", 1, "fast", False)]
    assert entries[0]["seconds"] == entries[1]["seconds"] > 0  # the cached run keeps its time
    with log.open("a") as f:
        f.write("not json\n[1]\n")
    assert len(progress.read_log(log)) == 3
    assert progress.read_log(tmp_path / "missing.jsonl") == []
