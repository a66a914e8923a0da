"""The benchmark scripts still run and report what they claim. Speed is never asserted here: the
timings depend on the machine and on what else it is doing (see benchmarks/README.md)."""

import importlib.util
import math
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "conv_epoch.py"


@pytest.fixture(scope="module")
def conv_epoch():
    """benchmarks/conv_epoch.py as a module (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("conv_epoch", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being built
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_flops_counted_from_the_architecture(conv_epoch):
    # 6.2: conv 1x28x28 -> 20 maps of 24x24 (25 multiply-adds each), FC 2880 -> 100, softmax 100 -> 10.
    conv, fc, softmax = 25 * 20 * 24 * 24, 2880 * 100, 100 * 10
    macs = 2 * conv + 3 * fc + 3 * softmax  # the first layer needs no input gradient
    parameters = (25 * 20 + 20) + (2880 * 100 + 100) + (100 * 10 + 10)
    assert conv_epoch.num_parameters(conv_epoch.SPECS["6.2"]) == parameters == 289_630
    assert conv_epoch.flops_per_example(conv_epoch.SPECS["6.2"]) == 2 * macs + 2 * parameters // 10
    # 6.3's second conv-pool layer sees 20 maps of 12x12 and gives 40 maps of 8x8, pooled to 4x4.
    assert conv_epoch.layer_shapes(conv_epoch.SPECS["6.3"])[1:3] == [
        ("conv", 20 * 25, 40, 8 * 8), ("fc", 40 * 4 * 4, 100, 1)]


def test_projection_counts_repeats_and_expanded_data(conv_epoch):
    projection = conv_epoch.chapter6_hours({"6.4": 3600.0}, eval_share=0)
    hours = projection["hours"]
    assert hours["6.4"] == pytest.approx(3 * 60)       # best of 3, 60 epochs of an hour
    assert hours["6.5"] == pytest.approx(3 * 60 * 5)   # the same net on 250,000 images
    # 6.11 is not measured: scaled from 6.4 by FLOPs, 3 runs of 40 epochs; 6.12 adds 5 runs.
    flops = conv_epoch.flops_per_example
    scale = flops(conv_epoch.SPECS["6.11"]) / flops(conv_epoch.SPECS["6.4"])
    assert hours["6.11"] == pytest.approx(3 * 40 * 5 * scale)
    assert hours["6.12"] == pytest.approx(5 * 40 * 5 * scale)
    assert "6.11 from 6.4" in projection["estimated"]
    # Nothing measured has no conv-pool layer or one, so these are left out.
    assert set(projection["missing"]) == {"6.1", "6.2", "6.2x"}
    assert projection["total"] == pytest.approx(sum(hours.values()))


def test_main_runs_one_network_without_torch(conv_epoch, mnist_dir, capsys):
    report = conv_epoch.main(["--images", "20", "--networks", "6.1", "--no-torch",
                              "--repeats", "1", "--peak-size", "128"])
    out = capsys.readouterr().out
    (row,) = report["rows"]
    assert row["network"] == "6.1"
    assert {key for key, _, _ in conv_epoch.COLUMNS} <= set(row)
    measured = ["nnbook_s", "nnbook_ips", "mflop", "nnbook_gflops", "nnbook_peak_share",
                "nnbook_mb", "nnbook_train_mb"]
    for key in measured:
        assert isinstance(row[key], float) and math.isfinite(row[key]) and row[key] > 0, key
    assert row["nnbook_ips"] == pytest.approx(50_000 / row["nnbook_s"])
    for key in ["torch_s", "torch_ips", "torch_gflops", "torch_mb", "ratio", "parallel"]:
        assert row[key] is None, key
    for key in ["numpy_1", "numpy_all"]:
        assert math.isfinite(report["peak"][key]) and report["peak"][key] > 0
    assert [met for _, met, _ in report["targets"]][::2] == [None, None]  # no torch, no --parallel
    header = "| network | layers | nnbook s/epoch | PyTorch s/epoch |"
    assert out.count(header) == 1
    assert "\n| 6.1 | FC100 - SM10 (sigmoid) | " in out
