"""The benchmark scripts still run and report what they claim. Speed is never asserted here: the
timings depend on the machine and on what else it is doing (see benchmarks/README.md)."""

import importlib.util
import math
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "engines.py"


@pytest.fixture(scope="module")
def engines():
    """benchmarks/engines.py as a module (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("engines", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being built
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_flops_counted_from_the_architecture(engines):
    # 6.2: conv 1x28x28 -> 20 maps of 24x24 (25 multiply-adds each), FC 2880 -> 100, softmax 100 -> 10.
    conv, fc, softmax = 25 * 20 * 24 * 24, 2880 * 100, 100 * 10
    macs = 2 * conv + 3 * fc + 3 * softmax  # the first layer needs no input gradient
    parameters = (25 * 20 + 20) + (2880 * 100 + 100) + (100 * 10 + 10)
    assert engines.num_parameters(engines.SPECS["6.2"]) == parameters == 289_630
    assert engines.flops_per_example(engines.SPECS["6.2"]) == 2 * macs + 2 * parameters // 10
    # 6.3's second conv-pool layer sees 20 maps of 12x12 and gives 40 maps of 8x8, pooled to 4x4.
    assert engines.layer_shapes(engines.SPECS["6.3"])[1:3] == [
        ("conv", 20 * 25, 40, 8 * 8), ("fc", 40 * 4 * 4, 100, 1)]


def test_projection_counts_repeats_and_expanded_data(engines):
    projection = engines.chapter6_hours({"6.4": 3600.0}, eval_share=0)
    hours = projection["hours"]
    assert hours["6.4"] == pytest.approx(3 * 60)       # best of 3, 60 epochs of an hour
    assert hours["6.5"] == pytest.approx(3 * 60 * 5)   # the same net on 250,000 images
    # 6.11 is not measured: scaled from 6.4 by FLOPs, 3 runs of 40 epochs; 6.12 adds 5 runs.
    flops = engines.flops_per_example
    scale = flops(engines.SPECS["6.11"]) / flops(engines.SPECS["6.4"])
    assert hours["6.11"] == pytest.approx(3 * 40 * 5 * scale)
    assert hours["6.12"] == pytest.approx(5 * 40 * 5 * scale)
    assert "6.11 from 6.4" in projection["estimated"]
    # Nothing measured has no conv-pool layer or one, so these are left out.
    assert set(projection["missing"]) == {"6.1", "6.2", "6.2x"}
    assert projection["total"] == pytest.approx(sum(hours.values()))


def test_fully_connected_networks_are_counted_like_chapter_6s(engines):
    # [784, 30, 10]: two layers of weights; the first needs no input gradient.
    macs = 2 * 784 * 30 + 3 * 30 * 10
    parameters = 784 * 30 + 30 + 30 * 10 + 10
    assert engines.num_parameters(engines.SPECS["ch1-30"]) == parameters
    assert engines.flops_per_example(engines.SPECS["ch1-30"]) == 2 * macs + 2 * parameters // 10
    # Chapter 3 counts lmbda per training image, chapter 6 per mini-batch (network3).
    assert engines.SPECS["ch3-l2"].weight_decay(50_000) == pytest.approx(5.0 / 50_000)
    assert engines.SPECS["6.4"].weight_decay(50_000) == pytest.approx(0.1 * 10 / 50_000)
    # Dropout acts on the hidden neurons (chapter 3) or on every fully connected layer's inputs
    # but the first layer's (6.11).
    assert engines.dropped_layers(engines.SPECS["ch3-dropout"]) == [False, True]
    assert engines.dropped_layers(engines.SPECS["6.11"]) == [False, False, True, True, True]
    assert engines.dropped_layers(engines.SPECS["6.4"]) == [False] * 4


def test_main_runs_nnbook_alone(engines, mnist_dir, capsys):
    report = engines.main(["--images", "20", "--networks", "6.1", "--engines", "nnbook",
                           "--repeats", "1", "--peak-size", "128"])
    out = capsys.readouterr().out
    (row,) = report["rows"]
    assert row["network"] == "6.1"
    for key in ["nnbook_s", "mflop", "gflops", "peak_share", "nnbook_mb", "nnbook_train_mb"]:
        assert isinstance(row[key], float) and math.isfinite(row[key]) and row[key] > 0, key
    assert 0 <= row["nnbook_accuracy"] <= 1
    assert row["gflops"] == pytest.approx(row["flops_counted"] * 50_000 / row["nnbook_s"] / 1e9)
    for key in ["torch_s", "jax-step_s", "jax-scan_s", "torch_ratio", "jax_ratio", "parallel"]:
        assert row[key] is None, key
    assert math.isfinite(report["peak"]["numpy_1"]) and report["peak"]["numpy_1"] > 0
    assert [met for _, met, _ in report["targets"]] == [None, None, None, None]
    assert out.count("| network | layers | nnbook s/epoch | PyTorch eager |") == 1
    assert "\n| 6.1 | FC100 - SM10 (sigmoid) | " in out
    assert "AMD" in out or "Intel" in out or "model" not in out  # the CPU is named


def test_missing_engines_are_named_with_the_command_that_installs_them(engines, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in ("torch", "jax") else real(name, *a))
    missing = engines.missing_engines(list(engines.ENGINES))
    assert set(missing) == {"torch", "jax-step", "jax-scan"}
    assert "pip install torch==2.13.0" in missing["torch"]
    assert "pip install jax" in missing["jax-scan"]


def test_bad_arguments_are_refused(engines, capsys):
    for argv in (["--networks", "6.99"], ["--engines", "tensorflow"], ["--images", "5"],
                 ["--repeats", "0"]):
        with pytest.raises(SystemExit) as exit_info:
            engines.parse_args(argv)
        assert exit_info.value.code == 2, argv
    smoke = engines.parse_args(["--smoke"])
    assert (smoke.images, smoke.repeats) == (100, 1)
    assert smoke.networks == engines.SMOKE_NETWORKS.split(",")


def test_jax_kernels_match_jax_own_gradients(engines):
    jax = pytest.importorskip("jax", reason="the JAX engine is optional: pip install -e '.[bench]'")
    import jax.numpy as jnp
    import numpy as np
    from jax import lax

    conv, pool = engines.jax_kernels()
    rng = np.random.default_rng(0)
    a = jnp.asarray(rng.standard_normal((3, 2, 12, 12)))
    w = jnp.asarray(rng.standard_normal((4, 2, 5, 5)))
    g = jnp.asarray(rng.standard_normal((3, 4, 4, 4)))

    def plain(a, w):
        z = lax.conv_general_dilated(a, w, (1, 1), "VALID",
                                     dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return lax.reduce_window(z, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

    def ours(a, w):
        return pool(conv(a, w))

    np.testing.assert_allclose(ours(a, w), plain(a, w), rtol=1e-5, atol=1e-5)
    mine = jax.grad(lambda a, w: jnp.sum(ours(a, w) * g), argnums=(0, 1))(a, w)
    theirs = jax.grad(lambda a, w: jnp.sum(plain(a, w) * g), argnums=(0, 1))(a, w)
    for m, t in zip(mine, theirs):
        np.testing.assert_allclose(m, t, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("engine", ["torch", "jax-step", "jax-scan"])
def test_each_peer_learns(engines, mnist_dir, engine):
    pytest.importorskip("torch" if engine == "torch" else "jax",
                        reason="the peers are optional: pip install -e '.[bench]'")
    from nnbook.data import load_mnist

    mnist = load_mnist(download=False)
    x, y = mnist.training.images[:2_000], mnist.training.labels[:2_000]
    spec = engines.SPECS["ch3-l2"]
    if engine == "torch":
        epoch, accuracy, _ = engines._torch_trainer(spec, x, y, seed=0)
    else:
        epoch, accuracy, _ = engines._jax_trainer(spec, x, y, seed=0, scan=engine == "jax-scan")
    test = mnist.test.images[:1_000], mnist.test.labels[:1_000]
    before = accuracy(*test)
    for _ in range(3):
        epoch(len(x))
    after = accuracy(*test)
    assert after > 0.7 > 0.2 > before, (before, after)  # from chance to clearly learning
