"""The original's recorded curves: read as the original's prose reports them, and bad files refused."""

import json

import numpy as np
import pytest

from nnbook.runs import original


def test_overfitting_curves_match_the_numbers_in_the_original_prose():
    small = original.overfitting(1_000)
    assert small.epochs == 400
    # the original: the test accuracy peaks at 82.27 % and the training data reaches 100 %
    assert small.evaluation_accuracy.max() == pytest.approx(0.8227)
    assert small.training_accuracy[-1] == pytest.approx(1.0)
    full = original.overfitting(50_000)
    assert full.epochs == 30 and 0.9 < full.evaluation_accuracy[-1] < 1


def test_regularized_and_sweeps_hold_the_reported_peaks():
    assert original.regularized(1_000).evaluation_accuracy.max() == pytest.approx(0.8710)
    assert original.regularized(50_000).evaluation_accuracy.max() == pytest.approx(0.9649)
    net, svm = original.data_size_sweep("network"), original.data_size_sweep("svm")
    assert len(net) == len(svm) == len(original.SWEEP_SIZES)
    assert net[-1] == pytest.approx(0.9597) and svm[-1] == pytest.approx(0.9448)
    assert np.all(np.diff(net) > 0)


def test_weight_initialization_learning_rates_and_gradients_have_the_recorded_shapes():
    runs = original.weight_initialization(30)
    assert set(runs) == {"new", "old"} and runs["new"].shape == (30,)
    # the better initialisation starts ahead after the first epoch (the original's point)
    assert runs["new"][0] > runs["old"][0]
    costs = original.learning_rate_costs()
    assert sorted(costs) == [0.025, 0.25, 2.5]
    assert costs[0.25][-1] < costs[0.025][-1]  # the middle rate ends lowest of the two
    assert [g.shape for g in original.initial_gradients()] == [(6,), (6,)]
    norms = original.norms_during_training(4)
    assert norms.shape == (500, 4) and np.all(norms >= 0)
    # early layers learn more slowly: the first hidden layer's gradient is the smallest at the start
    assert norms[0, 0] < norms[0, -1]


@pytest.mark.parametrize("call", [
    lambda: original.overfitting(2_000), lambda: original.regularized(10),
    lambda: original.data_size_sweep("tree"), lambda: original.weight_initialization(50),
    lambda: original.norms_during_training(5)])
def test_settings_the_original_never_recorded_are_refused(call):
    with pytest.raises(ValueError):
        call()


def test_a_damaged_recorded_file_is_an_error_naming_it(tmp_path, monkeypatch):
    (tmp_path / "overfitting.json").write_text(json.dumps([[1.0] * 3] * 4))
    (tmp_path / "more_data.json").write_text("{not json")
    monkeypatch.setattr(original, "FOLDER", tmp_path)
    original._read.cache_clear()
    try:
        with pytest.raises(ValueError, match="overfitting.json"):
            original.overfitting(1_000)
        with pytest.raises(ValueError, match="more_data.json"):
            original.data_size_sweep()
    finally:
        original._read.cache_clear()
