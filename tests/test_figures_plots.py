"""Tests for the data plots of nnbook.figures (digits, functions, descent, training, vanishing,
timings): what each figure draws, the house style of nnbook.figures.style, and the argument
checks."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text
from scipy.special import expit, softmax

from nnbook.figures import descent, digits, functions, report, style, timings, training, vanishing
from nnbook.studies.speed import fit_power_law


@pytest.fixture
def images() -> np.ndarray:
    """Twelve made-up 'digits': random pixels in [0, 1], one per row."""
    return np.random.default_rng(0).uniform(0.0, 1.0, size=(12, 784))


# Rows shaped like those of nnbook.studies.speed.minibatch_speedup and nnbook.studies.speed.gradient_cost.
SPEEDUP_ROWS = [{"mini_batch_size": m, "speedup": s}
                for m, s in [(1, 0.9), (2, 3.1), (10, 9.6), (100, 14.1), (1000, 14.7)]]
COST_ROWS = [{"sizes": [n, n // 4, 10], "parameters": p,
              "backprop_seconds": 4e-9 * p, "finite_difference_seconds": 1e-8 * p**2}
             for n, p in [(200, 10_560), (400, 41_110), (800, 162_210), (1600, 644_410)]]


# Ten points like those of chapter 3's polynomial example, roughly on y = 2x.
POINTS_X = [0.7, 1.1, 1.6, 2.0, 2.4, 2.9, 3.4, 3.9, 4.4, 4.9]
POINTS_Y = [1.8, 2.4, 3.3, 3.9, 4.9, 5.6, 7.0, 7.6, 8.9, 10.0]


def every_figure() -> list[Figure]:
    rng = np.random.default_rng(1)
    pictures = rng.uniform(size=(3, 784))
    return [
        digits.digits(pictures, labels=[1, 2, 3]),
        digits.digit_parts(pictures[0]),
        functions.sigmoid_and_step(),
        descent.valley(ball=True),
        training.accuracy_by_epoch({"a": [[0.5, 0.6], [0.4, 0.7]]}, reference={"original": 0.6}),
        training.accuracy_bars({"a": 0.5}, reference={"a": 0.6}),
        vanishing.neuron_errors([rng.normal(size=(1, 4)), rng.normal(size=(1, 2))],
                                [rng.normal(size=(1, 4)), rng.normal(size=(1, 2))]),
        timings.minibatch_speedup(SPEEDUP_ROWS, reference={"original, m = 10": 2.0}),
        timings.gradient_cost(COST_ROWS),
        training.curves({"a": [0.5, 0.6], "b": [0.4, 0.7]}, percent=True,
                        reference={"original": 0.6}),
        training.curves({"cost": [2.0, 1.0, 0.5]}, logy=True, start=10),
        training.neuron_learning([0.8, 0.5, 0.2], [0.3, 0.1, 0.02], title="t"),
        functions.softmax_bars([2.5, -1, 3.2, 0.5]),
        functions.polynomial_fit(POINTS_X, POINTS_Y),
        functions.gaussians({"wide": 22.4, "narrow": 1.22}),
        functions.activations(),
        training.accuracy_vs_size({"net": [(100, 0.7), (1000, 0.9)]}, logx=True,
                                  reference={"svm": 0.94}),
        digits.digit_rotation(pictures[0]),
        functions.sigma_prime(),
        vanishing.neuron_gradients([[0.1, -0.2], [0.3, 0.4, -0.5]]),
        vanishing.neuron_gradients([[0.1, -0.2], [0.3]], original=[[0.2], [-0.1, 0.4]]),
        training.curves({"a": [0.5, 0.6], "b": [0.4, 0.7]}, percent=True,
                        original={"a": [0.55, 0.6, 0.65], "b": [0.3, 0.6, 0.7]}),
        training.accuracy_vs_size({"net": [(100, 0.7), (1000, 0.9)]},
                                  original={"net": [(100, 0.69), (1000, 0.89)]}),
        vanishing.interval_width([0.0, 4.0, 8.0], [0.0, 0.0, 0.44], best=(6.9, 0.45)),
        report.agreement({"points": [report.Row("a", 0.5, 1.0, samples=(0.2, 0.9)),
                                     report.Row("b", -3.0, 1.0, status="outside")],
                          "percent": [report.Row("c", 40.0, None, status="not comparable (fast)")]}),
    ]


# --- house style -----------------------------------------------------------------------------

def test_the_figures_import_nothing_that_trains_or_times():
    code = ("import sys\n"
            "import nnbook.figures.style, nnbook.figures.primitives\n"
            "from nnbook.figures import (backprop, descent, diagrams, digits, functions, report,\n"
            "                            timings, training, universality, vanishing)\n"
            "print(sorted(m for m in sys.modules if m.startswith(('nnbook.network',\n"
            "      'nnbook.train', 'nnbook.studies', 'nnbook.runs'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_every_figure_is_a_plain_figure_on_opaque_white_with_fonts_of_10pt_or_more():
    for fig in every_figure():
        assert isinstance(fig, Figure)
        assert fig.canvas.manager is None  # not created through pyplot, so never shown twice
        assert to_rgba(fig.get_facecolor()) == (1.0, 1.0, 1.0, 1.0)
        fig.draw_without_rendering()
        sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text()]
        assert sizes and min(sizes) >= 10


def test_the_house_style_ignores_and_restores_the_callers_settings():
    with matplotlib.rc_context({"text.color": "white", "axes.labelcolor": "white",
                                "font.size": 6}):
        fig = functions.sigmoid_and_step()
        assert matplotlib.rcParams["font.size"] == 6  # restored after the call
    ax = fig.axes[0]
    assert to_rgba(ax.xaxis.label.get_color()) == to_rgba(style.INK)
    assert ax.xaxis.label.get_fontsize() >= 10


# --- digits ----------------------------------------------------------------------------------

def test_digits_draws_one_axes_per_image_with_the_pixels_passed_in(images):
    fig = digits.digits(images, ncols=5)
    assert len(fig.axes) == 12
    for ax, pixels in zip(fig.axes, images):
        (image,) = ax.get_images()
        np.testing.assert_array_equal(image.get_array(), pixels.reshape(28, 28))
        assert image.get_cmap().name == "gray_r"
        assert image.get_clim() == (0.0, 1.0)
        assert not ax.get_xticks().size and not ax.get_yticks().size
    rows = {round(ax.get_position().y0, 6) for ax in fig.axes}
    cols = {round(ax.get_position().x0, 6) for ax in fig.axes}
    assert (len(rows), len(cols)) == (3, 5)


def test_digits_writes_each_label_above_its_digit_and_takes_one_flat_digit(images):
    fig = digits.digits(images[:6], labels=[5, 0, 4, 1, 9, "two"])
    assert [ax.get_title() for ax in fig.axes] == ["5", "0", "4", "1", "9", "two"]
    assert len(digits.digits(images[0]).axes) == 1


def test_digits_widens_its_cells_for_long_labels_so_they_do_not_overlap(images):
    short = digits.digits(images[:6], labels=list("abcdef"))
    long = digits.digits(images[:6], labels=["true 5, net 3"] * 6)
    assert long.get_figwidth() > short.get_figwidth()
    long.draw_without_rendering()
    boxes = [ax.title.get_window_extent() for ax in long.axes]
    assert all(left.x1 < right.x0 for left, right in zip(boxes, boxes[1:]))


@pytest.mark.parametrize("bad, message", [
    (np.zeros((3, 783)), r"images must have shape \(n, 784\)"),
    (np.zeros((28, 28)), r"images must have shape \(n, 784\)"),
    (np.zeros((0, 784)), r"images must have shape \(n, 784\)"),
    (np.full((2, 784), 255.0), r"images must hold pixel values in \[0, 1\]"),
])
def test_digits_rejects_images_of_the_wrong_shape_or_range(bad, message):
    with pytest.raises(ValueError, match=message):
        digits.digits(bad)


def test_digits_rejects_bad_labels_ncols_and_scale(images):
    with pytest.raises(ValueError, match="labels must have one entry per image"):
        digits.digits(images, labels=[1, 2])
    with pytest.raises(ValueError, match="ncols must be a positive integer"):
        digits.digits(images, ncols=0)
    with pytest.raises(ValueError, match="scale must be positive"):
        digits.digits(images, scale=0)


def test_digit_parts_shows_the_digit_and_four_quarters_that_add_up_to_it(images):
    fig = digits.digit_parts(images[0])
    assert len(fig.axes) == 5
    whole, *parts = [ax.get_images()[0].get_array() for ax in fig.axes]
    np.testing.assert_array_equal(whole, images[0].reshape(28, 28))
    np.testing.assert_allclose(sum(parts), whole)
    titles = [ax.get_title() for ax in fig.axes[1:]]
    assert titles == ["top left", "top right", "bottom left", "bottom right"]
    top_left = parts[0]
    assert top_left[:14, :14].any() and not top_left[14:, :].any() and not top_left[:, 14:].any()


def test_digit_parts_takes_exactly_one_digit(images):
    with pytest.raises(ValueError, match="image must be one digit"):
        digits.digit_parts(images[:2])


# --- sigmoid, step and valley ----------------------------------------------------------------

def test_sigmoid_and_step_plots_the_two_functions_over_minus_5_to_5():
    fig = functions.sigmoid_and_step()
    sigmoid_ax, step_ax = fig.axes
    assert "sigmoid" in sigmoid_ax.get_title() and "step" in step_ax.get_title()
    assert sigmoid_ax.get_xlabel() == step_ax.get_xlabel() == "$z$"
    curve = sigmoid_ax.get_lines()[0]
    z = curve.get_xdata()
    assert (z.min(), z.max()) == (-5.0, 5.0)
    np.testing.assert_allclose(curve.get_ydata(), expit(z))
    step = [line for line in step_ax.get_lines() if line.get_color() == curve.get_color()]
    for line in step:
        x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        assert np.all(y[x < 0] == 0) and np.all(y[x > 0] == 1)
    # at z = 0 a perceptron outputs 0: the filled dot is at 0, the hollow one at 1
    dots = {float(line.get_ydata()[0]): line.get_markerfacecolor() for line in step
            if line.get_marker() == "o"}
    assert to_rgba(dots[1.0]) == to_rgba("white") != to_rgba(dots[0.0])


def test_valley_is_a_3d_bowl_and_the_ball_adds_a_ball_an_arrow_and_a_label():
    plain, with_ball = descent.valley(), descent.valley(ball=True)
    for fig in (plain, with_ball):
        (ax,) = fig.axes
        assert ax.name == "3d"
        assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel()) == ("$v_1$", "$v_2$", "$C$")
    assert len(with_ball.axes[0].collections) == len(plain.axes[0].collections) + 2
    assert any("nabla C" in t.get_text() for t in with_ball.axes[0].texts)
    assert not plain.axes[0].texts


# --- accuracies ------------------------------------------------------------------------------

def test_accuracy_by_epoch_draws_every_run_in_percent_and_the_best_one_thick():
    runs = [[0.90, 0.93, 0.94], [0.91, 0.95, 0.93], [0.10, 0.10, 0.10]]
    fig = training.accuracy_by_epoch({"[784, 30, 10]": runs, "other": [[0.5, 0.6]]},
                                     reference={"original": 0.9542}, ylim=(0, 100), title="t")
    (ax,) = fig.axes
    lines = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    assert len(lines) == 4
    first_colour = lines[0].get_color()
    assert sum(line.get_color() == first_colour for line in lines) == 3
    thick = max(lines[:3], key=lambda line: line.get_linewidth())
    np.testing.assert_allclose(thick.get_ydata(), [91, 95, 93])  # the highest peak, 95 %
    np.testing.assert_array_equal(thick.get_xdata(), [1, 2, 3])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["[784, 30, 10] (best of 3 runs)", "other", "original: 95.42 %"]
    (dashed,) = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert dashed.get_ydata()[0] == pytest.approx(95.42)
    assert ax.get_ylim() == (0, 100) and ax.get_title() == "t"


@pytest.mark.parametrize("curves, message", [
    ({}, "curves must be a non-empty mapping"),
    ({"a": [[95.0, 96.0]]}, r"curves\['a'\] must hold accuracies as fractions in \[0, 1\]"),
    ({"a": [0.9, 0.91]}, r"curves\['a'\] must be a non-empty list of runs"),
    ({"a": []}, r"curves\['a'\] must be a non-empty list of runs"),
])
def test_accuracy_by_epoch_rejects_malformed_curves(curves, message):
    with pytest.raises(ValueError, match=message):
        training.accuracy_by_epoch(curves)


def test_accuracy_by_epoch_rejects_a_bad_reference_or_ylim():
    curves = {"a": [[0.5, 0.6]]}
    with pytest.raises(ValueError, match=r"reference\['original'\] must be a fraction"):
        training.accuracy_by_epoch(curves, reference={"original": 95.42})
    with pytest.raises(ValueError, match="ylim must be"):
        training.accuracy_by_epoch(curves, ylim=(90, 80))


def test_accuracy_bars_draws_percent_bars_in_order_and_annotates_them():
    ours = {"random": 0.1, "darkness": 0.2225, "network": 0.9542}
    fig = training.accuracy_bars(ours)
    (ax,) = fig.axes
    widths = [patch.get_width() for patch in ax.patches]
    np.testing.assert_allclose(widths, [10.0, 22.25, 95.42])
    assert [t.get_text() for t in ax.get_yticklabels()] == list(ours)
    assert {"10.00 %", "22.25 %", "95.42 %"} <= {t.get_text() for t in ax.texts}
    assert ax.get_xlim() == (0.0, 100.0)


def test_accuracy_bars_puts_the_originals_beside_ours_including_labels_only_it_has():
    fig = training.accuracy_bars({"svm": 0.9435}, reference={"svm": 0.9435, "tuned svm": 0.985})
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["svm", "tuned svm"]
    assert len(ax.patches) == 3
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["ours", "original"]
    with pytest.raises(ValueError, match=r"ours\['svm'\] must be a fraction"):
        training.accuracy_bars({"svm": 94.35})
    with pytest.raises(ValueError, match="ours must be a non-empty mapping"):
        training.accuracy_bars({})


# --- chapter 2: errors and timings of backpropagation ----------------------------------------

def test_neuron_errors_draws_each_layers_errors_as_bar_pairs_on_a_log_axis():
    rng = np.random.default_rng(2)
    before = [rng.normal(scale=0.1, size=(1, 30)), rng.normal(scale=0.1, size=(1, 10))]
    after = [rng.normal(scale=1e-6, size=(1, 30)), rng.normal(scale=1e-6, size=10)]  # (n,) too
    fig = vanishing.neuron_errors(before, after)
    assert len(fig.axes) == 2
    for layer, (ax, b, a) in enumerate(zip(fig.axes, before, after), start=2):
        assert ax.get_yscale() == "log"
        assert ax.get_xlabel() == f"neuron $j$ of layer {layer}"
        assert f"delta^{{{layer}}}_j" in ax.get_ylabel()
        fresh, trained = ax.containers
        n = np.size(a)
        np.testing.assert_allclose([bar.get_height() for bar in fresh], np.abs(b).ravel())
        np.testing.assert_allclose([bar.get_height() for bar in trained], np.abs(a).ravel())
        # bar j of each pair sits on either side of neuron j
        np.testing.assert_allclose([bar.get_x() + bar.get_width() / 2 for bar in fresh],
                                   np.arange(n) - 0.2)
        assert fresh[0].get_facecolor() != trained[0].get_facecolor()
        assert ax.get_ylim()[0] == pytest.approx(1e-12)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["fresh network",
                                                                  "trained network"]


def test_neuron_errors_takes_its_labels_and_the_number_of_the_first_layer():
    fig = vanishing.neuron_errors([[0.5, -0.2]], [[0.1, 0.01]], labels=("quadratic", "cross"),
                                  first_layer=3)
    (ax,) = fig.axes
    assert ax.get_xlabel() == "neuron $j$ of layer 3"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["quadratic", "cross"]
    # errors larger than 1 raise the top of the axis to the next power of ten
    assert vanishing.neuron_errors([[20.0]], [[0.1]]).axes[0].get_ylim()[1] == pytest.approx(100)


@pytest.mark.parametrize("before, after, message", [
    ([], [[0.1]], "before must be a non-empty list with one array of errors per layer"),
    ([[0.1]], [[0.1], [0.2]], "before and after must have the same number of layers"),
    ([[0.1, 0.2]], [[0.1]], r"before\[0\] and after\[0\] must have one error per neuron"),
    ([np.zeros((2, 3))], [np.zeros((2, 3))], r"before\[0\] must hold the errors of one example"),
    ([[0.1]], [[np.nan]], r"after\[0\] must hold finite numbers"),
])
def test_neuron_errors_rejects_lists_of_errors_that_do_not_match(before, after, message):
    with pytest.raises(ValueError, match=message):
        vanishing.neuron_errors(before, after)


def test_neuron_errors_rejects_bad_labels_and_first_layer():
    with pytest.raises(ValueError, match="labels must be two names"):
        vanishing.neuron_errors([[0.1]], [[0.2]], labels="fresh")
    with pytest.raises(ValueError, match="first_layer must be a positive integer"):
        vanishing.neuron_errors([[0.1]], [[0.2]], first_layer=0)


def test_minibatch_speedup_draws_the_rows_on_a_log_axis_with_the_original_as_reference():
    fig = timings.minibatch_speedup(SPEEDUP_ROWS, reference={"original, m = 10": 2.0})
    (ax,) = fig.axes
    assert ax.get_xscale() == "log" and ax.get_yscale() == "linear"
    curve = ax.get_lines()[0]
    np.testing.assert_array_equal(curve.get_xdata(), [r["mini_batch_size"] for r in SPEEDUP_ROWS])
    np.testing.assert_array_equal(curve.get_ydata(), [r["speedup"] for r in SPEEDUP_ROWS])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "10", "100", "1000"]
    (dashed,) = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert list(dashed.get_ydata()) == [2.0, 2.0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["ours: loop time / matrix time", "original, m = 10: about 2× as fast"]
    assert any(list(line.get_ydata()) == [1, 1] for line in ax.get_lines())  # no speed-up
    assert ax.get_ylim()[0] == 0
    plain = timings.minibatch_speedup(SPEEDUP_ROWS).axes[0]
    assert not [line for line in plain.get_lines() if line.get_linestyle() == "--"]


@pytest.mark.parametrize("rows, reference, message", [
    ([], None, "rows must be a list of at least 1 row"),
    ({"mini_batch_size": 1, "speedup": 1.0}, None, "rows must be a list"),
    ([{"mini_batch_size": 1}], None, r"rows\[0\] must be a mapping with a 'speedup' entry"),
    ([{"mini_batch_size": 0, "speedup": 1.0}], None,
     r"rows\[0\]\['mini_batch_size'\] must be a finite positive number; got 0"),
    (SPEEDUP_ROWS, {"original": -2}, r"reference\['original'\] must be a finite positive number"),
    (SPEEDUP_ROWS, 2.0, "reference must be a mapping label -> speed-up"),
])
def test_minibatch_speedup_rejects_malformed_rows_and_references(rows, reference, message):
    with pytest.raises(ValueError, match=message):
        timings.minibatch_speedup(rows, reference=reference)


def test_gradient_cost_plots_both_times_on_log_log_axes_with_their_fitted_power_laws():
    fig = timings.gradient_cost(COST_ROWS)
    (ax,) = fig.axes
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    params = [r["parameters"] for r in COST_ROWS]
    points = [line for line in ax.get_lines() if line.get_marker() == "o"]
    fits = [line for line in ax.get_lines() if line.get_linestyle() == "-"
            and line.get_marker() in ("None", None, "")]
    assert len(points) == len(fits) == 2
    for key, point, fit in zip(["finite_difference_seconds", "backprop_seconds"], points, fits):
        seconds = [r[key] for r in COST_ROWS]
        np.testing.assert_array_equal(point.get_xdata(), params)
        np.testing.assert_array_equal(point.get_ydata(), seconds)
        slope, intercept = fit_power_law(params, seconds)
        np.testing.assert_allclose(fit.get_ydata(), np.exp(intercept) * np.array(params)**slope)
        assert fit.get_color() == point.get_color()
    # the made-up times grow exactly like P^2 and P, and the legend gives those exponents
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [r"finite differences: time $\propto P^{2.00}$",
                      r"backpropagation: time $\propto P^{1.00}$"]


def test_gradient_cost_fits_exactly_the_power_law_the_experiment_reports():
    # noisy times, as measured: the figure fits them itself (figures import no timing code),
    # and must draw the very exponents nnbook.studies.speed.fit_power_law gives the page
    rng = np.random.default_rng(3)
    rows = [{**row, "backprop_seconds": row["backprop_seconds"] * rng.uniform(0.5, 2.0),
             "finite_difference_seconds": row["finite_difference_seconds"] * rng.uniform(0.5, 2.0)}
            for row in COST_ROWS]
    (ax,) = timings.gradient_cost(rows).axes
    params = np.array([r["parameters"] for r in rows], dtype=float)
    fits = [line for line in ax.get_lines() if line.get_marker() in ("None", None, "")]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for key, name, fit, text in zip(["finite_difference_seconds", "backprop_seconds"],
                                    ["finite differences", "backpropagation"], fits, legend):
        slope, intercept = fit_power_law(params, [r[key] for r in rows])
        np.testing.assert_array_equal(fit.get_ydata(), np.exp(intercept) * params**slope)
        assert text == rf"{name}: time $\propto P^{{{slope:.2f}}}$"


@pytest.mark.parametrize("rows, message", [
    (COST_ROWS[:1], "rows must be a list of at least 2 row"),
    ([COST_ROWS[0], {"parameters": 10}], r"rows\[1\] must be a mapping with a 'finite_difference"),
    ([COST_ROWS[0], {**COST_ROWS[1], "backprop_seconds": 0.0}],
     r"rows\[1\]\['backprop_seconds'\] must be a finite positive number"),
    ([COST_ROWS[0], COST_ROWS[0]], "rows must hold networks of at least two different sizes"),
])
def test_gradient_cost_rejects_rows_it_cannot_plot_or_fit(rows, message):
    with pytest.raises(ValueError, match=message):
        timings.gradient_cost(rows)


# --- chapter 3 -------------------------------------------------------------------------------

def tick_texts(ax, axis: str = "y") -> list[str]:
    """The labels of an axis's visible major ticks, as drawn."""
    ax.figure.draw_without_rendering()
    low, high = ax.get_ylim() if axis == "y" else ax.get_xlim()
    ticks = ax.yaxis.get_major_ticks() if axis == "y" else ax.xaxis.get_major_ticks()
    return [tick.label1.get_text() for tick in ticks
            if min(low, high) <= tick.get_loc() <= max(low, high)]


def test_curves_draws_each_series_against_its_epochs_from_start():
    cost = [0.52, 0.51, 0.49, 0.50]
    fig = training.curves({"training cost": cost}, start=201, title="Cost on the training data")
    (ax,) = fig.axes
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [201, 202, 203, 204])
    np.testing.assert_array_equal(line.get_ydata(), cost)
    assert ax.get_xlim() == (201, 204)
    assert ax.get_yscale() == "linear" and ax.get_xlabel() == "epoch"
    # one series and no y label: the series names the axis and no legend is needed
    assert ax.get_ylabel() == "training cost" and ax.get_legend() is None
    assert ax.get_title() == "Cost on the training data"


def test_curves_in_percent_scales_fractions_and_labels_every_curve_and_reference():
    test, train = [0.80, 0.82, 0.8227], [0.9, 0.99, 1.0]
    fig = training.curves({"test": test, "training": train}, percent=True, ylabel="accuracy",
                          reference={"original": 0.8227}, xlabel="epoch of training")
    (ax,) = fig.axes
    solid = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    np.testing.assert_allclose(solid[0].get_ydata(), [80.0, 82.0, 82.27])
    np.testing.assert_allclose(solid[1].get_ydata(), [90.0, 99.0, 100.0])
    np.testing.assert_array_equal(solid[0].get_xdata(), [1, 2, 3])  # start=1 by default
    assert solid[0].get_color() != solid[1].get_color()
    (dashed,) = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert list(dashed.get_ydata()) == pytest.approx([82.27, 82.27])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["test", "training", "original: 82.27 %"]
    assert ax.get_ylabel() == "accuracy" and ax.get_xlabel() == "epoch of training"
    labels = tick_texts(ax)
    assert labels and all(label.endswith(" %") for label in labels)


def test_curves_on_a_log_axis_keep_their_values_and_write_plain_ticks():
    costs = {"eta = 0.025": [0.88, 0.6, 0.34], "eta = 2.5": [0.93, 1.14, 0.86]}
    fig = training.curves(costs, logy=True, ylabel="training cost", start=0,
                          reference={"lowest": 0.32})
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    lines = ax.get_lines()
    np.testing.assert_array_equal(lines[0].get_ydata(), costs["eta = 0.025"])
    np.testing.assert_array_equal(lines[1].get_xdata(), [0, 1, 2])
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "lowest: 0.32"
    labels = [label for label in tick_texts(ax) if label]
    assert labels and not any("e" in label or "times" in label for label in labels)


@pytest.mark.parametrize("args, message", [
    (({},), "series must be a non-empty mapping"),
    (({"a": []},), r"series\['a'\] must be a non-empty list of per-epoch values"),
    (({"a": [1.0, np.nan]},), r"series\['a'\] must hold finite numbers"),
    (({"a": [0.5, 95.0]}, {"percent": True}), r"series\['a'\] values must be a fraction"),
    (({"a": [1.0, 0.0]}, {"logy": True}), r"series\['a'\] must be positive for a log"),
    (({"a": [1.0]}, {"start": 1.5}), "start must be an integer"),
    (({"a": [1.0]}, {"reference": {"b": -1.0}, "logy": True}),
     r"reference\['b'\] must be a finite positive number"),
    (({"a": [0.5]}, {"reference": {"b": 82.0}, "percent": True}),
     r"reference\['b'\] must be a fraction"),
    (({"a": [1.0]}, {"reference": 0.5}), "reference must be a non-empty mapping"),
])
def test_curves_rejects_bad_arguments(args, message):
    series, kwargs = args[0], (args[1] if len(args) > 1 else {})
    with pytest.raises(ValueError, match=message):
        training.curves(series, **kwargs)


def test_neuron_learning_draws_output_and_cost_against_the_epoch_from_0():
    outputs, costs = [0.82, 0.6, 0.3, 0.1], [0.34, 0.18, 0.05, 0.005]
    fig = training.neuron_learning(outputs, costs, title="quadratic cost")
    out_ax, cost_ax = fig.axes
    (out_line,), (cost_line,) = out_ax.get_lines(), cost_ax.get_lines()
    np.testing.assert_array_equal(out_line.get_xdata(), [0, 1, 2, 3])
    np.testing.assert_array_equal(out_line.get_ydata(), outputs)
    np.testing.assert_array_equal(cost_line.get_ydata(), costs)
    assert "output" in out_ax.get_ylabel() and "cost" in cost_ax.get_ylabel()
    assert out_ax.get_xlabel() == cost_ax.get_xlabel() == "epoch"
    assert out_ax.get_ylim() == (0, 1) and cost_ax.get_ylim()[0] == 0
    assert fig._suptitle.get_text() == "quadratic cost"


@pytest.mark.parametrize("outputs, costs, message", [
    ([0.5, 0.4], [0.1], "outputs and costs must have one entry per epoch each"),
    ([0.5, 1.5], [0.1, 0.1], r"outputs must be a sigmoid neuron's outputs, in \[0, 1\]"),
    ([0.5], [-0.1], "costs must be non-negative"),
    ([], [], "outputs must be a non-empty list"),
])
def test_neuron_learning_rejects_mismatched_or_impossible_values(outputs, costs, message):
    with pytest.raises(ValueError, match=message):
        training.neuron_learning(outputs, costs)


def test_softmax_bars_are_the_softmax_in_percent_and_sum_to_100():
    z = [2.5, -1.0, 3.2, 0.5]
    fig = functions.softmax_bars(z)
    (ax,) = fig.axes
    heights = np.array([bar.get_height() for bar in ax.patches])
    np.testing.assert_allclose(heights, 100 * softmax(z))
    assert heights.sum() == pytest.approx(100.0)
    # every bar is labelled with its value, and its z written under it
    assert {f"{h:.1f} %" for h in heights} <= {t.get_text() for t in ax.texts}
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "$z_{1} = 2.5$", "$z_{2} = -1$", "$z_{3} = 3.2$", "$z_{4} = 0.5$"]
    # adding a constant to every z changes nothing; a huge z does not overflow
    shifted = functions.softmax_bars(np.add(z, 1000.0)).axes[0]
    np.testing.assert_allclose([bar.get_height() for bar in shifted.patches], heights)
    with pytest.raises(ValueError, match="z must hold finite numbers"):
        functions.softmax_bars([1.0, np.inf])


def test_polynomial_fit_passes_through_every_point_and_draws_the_least_squares_line():
    fig = functions.polynomial_fit(POINTS_X, POINTS_Y)
    poly_ax, line_ax = fig.axes
    for ax in (poly_ax, line_ax):
        (points,) = [line for line in ax.get_lines() if line.get_marker() == "o"]
        np.testing.assert_array_equal(points.get_xdata(), POINTS_X)
        np.testing.assert_array_equal(points.get_ydata(), POINTS_Y)
    (poly,) = [line for line in poly_ax.get_lines() if line.get_marker() != "o"]
    x, y = np.asarray(poly.get_xdata()), np.asarray(poly.get_ydata())
    at_points = np.isin(x, POINTS_X)
    assert at_points.sum() == len(POINTS_X)  # the curve is computed exactly at every point
    np.testing.assert_allclose(y[at_points], POINTS_Y, atol=1e-8)
    assert "degree-9" in poly_ax.get_title() and "every point" in poly_ax.get_title()
    (line,) = [line for line in line_ax.get_lines() if line.get_marker() != "o"]
    slope, intercept = np.polyfit(POINTS_X, POINTS_Y, 1)
    lx = np.asarray(line.get_xdata())
    np.testing.assert_allclose(line.get_ydata(), slope * lx + intercept)
    assert f"{slope:.2f}x" in line_ax.get_title()
    # a lower degree is fitted by least squares and no longer passes through the points
    lower = functions.polynomial_fit(POINTS_X, POINTS_Y, degree=3).axes[0]
    assert "every point" not in lower.get_title()


@pytest.mark.parametrize("x, y, degree, message", [
    ([1, 2, 3], [1, 2], 2, "x and y must have one entry per point each"),
    ([1, 1, 3], [1, 2, 3], 2, "x must hold at least two distinct values"),
    ([1, 2, 3], [1, 2, 3], 3, "degree must be at most 2"),
    ([1, 2, 3], [1, 2, 3], 0, "degree must be an integer >= 1"),
    ([1, 2, 3], [1, np.nan, 3], 2, "y must hold finite numbers"),
])
def test_polynomial_fit_rejects_bad_points_and_degrees(x, y, degree, message):
    with pytest.raises(ValueError, match=message):
        functions.polynomial_fit(x, y, degree=degree)


def test_gaussians_are_normal_densities_with_area_1_and_the_given_std():
    stds = {"N(0, 1) weights": np.sqrt(501), "N(0, 1/n_in) weights": np.sqrt(1.5)}
    fig = functions.gaussians(stds, xlim=30)
    (ax,) = fig.axes
    lines = ax.get_lines()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(stds)
    for line, std in zip(lines, stds.values()):
        z, p = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        assert np.trapezoid(p, z) == pytest.approx(1.0, abs=1e-4)
        assert np.sqrt(np.trapezoid(z**2 * p, z)) == pytest.approx(std, rel=1e-3)
        assert np.trapezoid(z * p, z) == pytest.approx(0.0, abs=1e-9)  # centred on 0
        assert p.max() == pytest.approx(1 / (std * np.sqrt(2 * np.pi)), rel=1e-3)
    assert ax.get_xlim() == (-30, 30)
    # the axis reaches 0.4 even for a lone, flat curve, so it looks flat
    alone = functions.gaussians({"wide": np.sqrt(501)}).axes[0]
    assert alone.get_ylim()[1] >= 0.4
    tall = functions.gaussians({"tall": 0.5}).axes[0]
    assert tall.get_ylim()[1] > 1 / (0.5 * np.sqrt(2 * np.pi))


def test_gaussians_rejects_bad_stds_and_xlim():
    with pytest.raises(ValueError, match=r"stds\['a'\] must be a finite positive number"):
        functions.gaussians({"a": 0.0})
    with pytest.raises(ValueError, match="stds must be a non-empty mapping"):
        functions.gaussians({})
    with pytest.raises(ValueError, match="xlim must be a finite positive number"):
        functions.gaussians({"a": 1.0}, xlim=-3)


def test_activations_draws_each_function_in_its_own_panel():
    fig = functions.activations()
    assert [ax.get_title() for ax in fig.axes] == ["sigmoid", "tanh", "rectified linear (ReLU)"]
    expected = [expit, np.tanh, lambda z: np.maximum(z, 0)]
    for ax, f in zip(fig.axes, expected):
        curve = ax.get_lines()[0]
        z = np.asarray(curve.get_xdata())
        assert (z.min(), z.max()) == (-5.0, 5.0)
        np.testing.assert_allclose(curve.get_ydata(), f(z))
        assert ax.get_xlabel() == "$z$"
    (ax,) = functions.activations(["identity"]).axes
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), ax.get_lines()[0].get_xdata())
    with pytest.raises(ValueError, match="names must hold only"):
        functions.activations(["sigmoid", "softmax"])
    with pytest.raises(ValueError, match="names must be a non-empty list"):
        functions.activations("relu")


def test_accuracy_vs_size_draws_percent_against_sizes_in_order_with_a_log_option():
    net = [(1000, 0.8885), (100, 0.6909), (50000, 0.9597)]  # out of order on purpose
    svm = [(100, 0.2507), (50000, 0.9448)]
    fig = training.accuracy_vs_size({"network": net, "SVM": svm}, reference={"x": 0.95})
    (ax,) = fig.axes
    network, support, reference = ax.get_lines()
    np.testing.assert_array_equal(network.get_xdata(), [100, 1000, 50000])
    np.testing.assert_allclose(network.get_ydata(), [69.09, 88.85, 95.97])
    np.testing.assert_allclose(support.get_ydata(), [25.07, 94.48])
    assert network.get_marker() == "o" and network.get_color() != support.get_color()
    assert reference.get_linestyle() == "--" and reference.get_ydata()[0] == pytest.approx(95)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["network", "SVM", "x: 95.00 %"]
    assert ax.get_xscale() == "linear"
    assert "50,000" in tick_texts(ax, "x") and tick_texts(ax)[-1].endswith(" %")
    logged = training.accuracy_vs_size({"network": net}, logx=True).axes[0]
    assert logged.get_xscale() == "log"
    assert {"100", "1,000", "10,000"} <= set(tick_texts(logged, "x"))


@pytest.mark.parametrize("series, message", [
    ({}, "series must be a non-empty mapping"),
    ({"a": [100, 0.9]}, r"series\['a'\] must be a non-empty list of \(n_train, accuracy\)"),
    ({"a": [(100, 90.0)]}, r"series\['a'\] accuracies must be a fraction"),
    ({"a": [(0, 0.9)]}, r"series\['a'\] training-set sizes must be a finite positive"),
])
def test_accuracy_vs_size_rejects_bad_series(series, message):
    with pytest.raises(ValueError, match=message):
        training.accuracy_vs_size(series)


def test_digit_rotation_shows_the_digit_and_its_copy_rotated_by_expand(images):
    from nnbook.expand import rotate

    digit = images[3]
    fig = digits.digit_rotation(digit, degrees=-20)
    before, after = [ax.get_images()[0].get_array() for ax in fig.axes]
    np.testing.assert_array_equal(before, digit.reshape(28, 28))
    np.testing.assert_allclose(after, rotate(digit[np.newaxis], -20)[0].reshape(28, 28))
    assert not np.allclose(before, after)
    assert [ax.get_title() for ax in fig.axes] == ["original", "rotated by -20°"]
    assert digits.digit_rotation(digit).axes[1].get_title() == "rotated by 15°"


def test_digit_rotation_rejects_several_digits_and_bad_angles(images):
    with pytest.raises(ValueError, match="image must be one digit"):
        digits.digit_rotation(images[:2])
    for bad in (np.nan, "15", True):
        with pytest.raises(ValueError, match="degrees must be a finite number"):
            digits.digit_rotation(images[0], degrees=bad)


# --- chapter 5 ----------------------------------------------------------------------------------

def test_sigma_prime_plots_the_sigmoids_derivative_and_marks_its_peak_of_one_quarter_at_0():
    fig = functions.sigma_prime()
    (ax,) = fig.axes
    curve, peak = ax.get_lines()
    z, values = curve.get_data()
    assert z[0] == -5 and z[-1] == 5
    np.testing.assert_allclose(values, expit(z) * (1 - expit(z)), rtol=1e-12)
    # the dashed line is at the computed largest value, which is 1/4, reached at z = 0
    assert peak.get_linestyle() == "--"
    assert peak.get_ydata()[0] == pytest.approx(0.25, abs=1e-12)
    assert z[np.argmax(values)] == pytest.approx(0.0, abs=1e-12)
    (label,) = [t.get_text() for t in ax.get_legend().get_texts()]
    assert label == "largest value: 0.25, at $z = 0$"
    assert ax.get_ylim() == (0, 0.3)


def test_neuron_gradients_draws_one_bar_per_neuron_grouped_and_coloured_by_layer():
    neurons = [[0.001, -0.002, 0.003], [0.02, -0.01], [0.3, 0.1, -0.2, 0.05]]
    fig = vanishing.neuron_gradients(neurons)
    (ax,) = fig.axes
    bars = ax.patches
    assert [bar.get_height() for bar in bars] == pytest.approx(
        [g for layer in neurons for g in layer])
    centres = [bar.get_x() + bar.get_width() / 2 for bar in bars]
    assert centres == sorted(centres)  # layer by layer, neuron by neuron, left to right
    start = 0
    for l, layer in enumerate(neurons):
        group = bars[start:start + len(layer)]
        start += len(layer)
        assert {to_rgba(bar.get_facecolor()) for bar in group} == {to_rgba(style.PALETTE[l])}
        # each group is centred on its layer's tick
        middle = np.mean([bar.get_x() + bar.get_width() / 2 for bar in group])
        assert middle == pytest.approx(l)
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "hidden layer 1", "hidden layer 2", "hidden layer 3"]


@pytest.mark.parametrize("neurons, message", [
    ([], "neurons must be a non-empty list"),
    ("abc", "neurons must be a non-empty list"),
    ([[0.1, 0.2], []], r"neurons\[1\] must be a non-empty list"),
    ([[0.1, np.nan]], r"neurons\[0\] must hold finite numbers"),
    ([[0.1], ["x"]], r"neurons\[1\] must be a list"),
])
def test_neuron_gradients_rejects_malformed_gradients(neurons, message):
    with pytest.raises(ValueError, match=message):
        vanishing.neuron_gradients(neurons)


def test_interval_width_plots_the_widths_given_and_marks_the_widest_point():
    from nnbook.studies import gradients

    ws = np.linspace(0.0, 30.0, 301)
    widths = gradients.width(ws)
    w_best, width_best = gradients.max_width()
    fig = vanishing.interval_width(ws, widths, best=(w_best, width_best))
    (ax,) = fig.axes
    curve, dot = ax.get_lines()
    np.testing.assert_array_equal(curve.get_xdata(), ws)
    np.testing.assert_array_equal(curve.get_ydata(), widths)
    assert (dot.get_xdata()[0], dot.get_ydata()[0]) == (w_best, width_best)
    (label,) = [t.get_text() for t in ax.get_legend().get_texts()]
    assert label == f"widest: {width_best:.3f} at $|w| = {w_best:.2f}$"
    assert ax.get_xlim() == (0, 30) and ax.get_ylim()[0] == 0
    assert ax.get_ylim()[1] > width_best  # the dot is inside the axes


def test_interval_width_without_best_draws_only_the_curve_and_no_legend():
    fig = vanishing.interval_width([1.0, 5.0, 9.0], [0.0, 0.4, 0.42])
    (ax,) = fig.axes
    assert len(ax.get_lines()) == 1 and ax.get_legend() is None
    assert ax.get_xlim() == (0, 9)


@pytest.mark.parametrize("ws, widths, best, message", [
    ([0.0, 5.0], [0.0], None, r"widths must have one entry per weight in ws \(2\); got 1"),
    ([5.0, 1.0], [0.0, 0.1], None, "ws must be increasing"),
    ([-1.0, 5.0], [0.0, 0.1], None, "ws must be increasing weights"),
    ([0.0], [0.0], None, "ending above 0"),
    ([0.0, 5.0], [0.0, -0.1], None, "widths must be non-negative"),
    ([0.0, 5.0], [0.0, np.inf], None, "widths must hold finite numbers"),
    ([0.0, 5.0], [0.0, 0.1], 6.9, r"best must be a pair \(\|w\|, width\)"),
    ([0.0, 5.0], [0.0, 0.1], (6.9, "wide"), r"best\[1\] must be a finite number"),
])
def test_interval_width_rejects_bad_arguments(ws, widths, best, message):
    with pytest.raises(ValueError, match=message):
        vanishing.interval_width(ws, widths, best=best)


# --- the original's recorded curves beside ours --------------------------------------------------

def test_curves_draws_the_originals_whole_curve_dashed_in_the_colour_of_ours():
    ours = [0.82, 0.83]  # a shorter run than the original's
    theirs = [0.80, 0.81, 0.815, 0.82, 0.822]
    fig = training.curves({"test accuracy": ours}, start=3, percent=True, ylabel="accuracy",
                          original={"test accuracy": theirs})
    (ax,) = fig.axes
    solid, dashed = ax.get_lines()
    np.testing.assert_array_equal(solid.get_xdata(), [3, 4])
    np.testing.assert_array_equal(dashed.get_xdata(), [3, 4, 5, 6, 7])  # from start, in full
    np.testing.assert_allclose(dashed.get_ydata(), [80.0, 81.0, 81.5, 82.0, 82.2])
    assert solid.get_linestyle() == "-" and dashed.get_linestyle() == "--"
    assert dashed.get_linewidth() < solid.get_linewidth()
    assert to_rgba(dashed.get_color()) == to_rgba(solid.get_color())
    assert ax.get_xlim() == (3, 7)  # the axis covers the original's longer run
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "test accuracy", training.ORIGINAL_LABEL]


def test_curves_with_several_series_name_the_originals_once_and_keep_the_legend_off_the_axes():
    costs = {"eta = 0.025": [0.9, 0.7, 0.6], "eta = 0.25": [0.6, 0.5, 0.45],
             "eta = 2.5": [1.3, 1.1, 1.2]}
    recorded = {"eta = 0.025": [0.8, 0.6, 0.5, 0.45], "eta = 2.5": [0.9, 0.8, 0.85, 0.8]}
    fig = training.curves(costs, ylabel="cost", original=recorded, original_start=0)
    (ax,) = fig.axes
    lines = ax.get_lines()
    assert len(lines) == 5  # three of ours, two of the original's
    dashed = [line for line in lines if line.get_linestyle() == "--"]
    np.testing.assert_array_equal(dashed[0].get_xdata(), [0, 1, 2, 3])  # original_start
    np.testing.assert_array_equal(dashed[1].get_ydata(), recorded["eta = 2.5"])
    assert to_rgba(dashed[1].get_color()) == to_rgba(style.PALETTE[2])  # eta = 2.5's colour
    assert ax.get_xlim()[0] == 0
    # four entries: under the axes, not over a curve
    assert ax.get_legend() is None
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        *costs, f"dashed: {training.ORIGINAL_LABEL}"]


def test_curves_with_two_series_and_the_originals_put_the_legend_under_the_axes():
    fig = training.curves({"with L2": [0.84, 0.85], "without": [0.82, 0.83]}, percent=True,
                          original={"with L2": [0.83, 0.86], "without": [0.81, 0.82]})
    assert fig.axes[0].get_legend() is None  # three entries, yet not over the curves
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "with L2", "without", f"dashed: {training.ORIGINAL_LABEL}"]


def test_curves_takes_the_originals_recorded_results_as_the_reader_returns_them():
    from nnbook.runs import original

    norms = original.norms_during_training(3)
    ours = {f"hidden layer {j + 1}": norms[:100, j] * 1.1 for j in range(3)}
    fig = training.curves(ours, start=0, logy=True, xlabel="step",
                          original={f"hidden layer {j + 1}": norms[:, j] for j in range(3)})
    dashed = [line for line in fig.axes[0].get_lines() if line.get_linestyle() == "--"]
    assert [line.get_xdata()[-1] for line in dashed] == [499, 499, 499]
    overfit = original.overfitting(1_000)
    fig = training.curves({"test accuracy": overfit.evaluation_accuracy[:10]}, percent=True,
                          original={"test accuracy": overfit.evaluation_accuracy})
    assert fig.axes[0].get_xlim() == (1, 400)


@pytest.mark.parametrize("kwargs, message", [
    ({"original": {"training cost": [0.5]}}, r"original must use the labels of series.*"
                                              r"'training cost'"),
    ({"original": {}}, "original must be a non-empty mapping"),
    ({"original": [0.5, 0.6]}, "original must be a non-empty mapping"),
    ({"original": {"a": []}}, r"original\['a'\] must be a non-empty list"),
    ({"original": {"a": [[0.5, 0.6]]}}, r"original\['a'\] must be a non-empty list"),
    ({"original": {"a": [0.5, 82.0]}, "percent": True}, r"original\['a'\] values must be a"),
    ({"original": {"a": [0.5, 0.0]}, "logy": True}, r"original\['a'\] must be positive"),
    ({"original": {"a": [0.5]}, "original_start": 0.5}, "original_start must be an integer"),
])
def test_curves_refuses_original_curves_it_cannot_draw_beside_ours(kwargs, message):
    with pytest.raises(ValueError, match=message):
        training.curves({"a": [0.5, 0.6]}, **kwargs)


def test_accuracy_vs_size_draws_the_originals_sweep_dashed_with_hollow_dots():
    net = [(100, 0.67), (1000, 0.87), (50000, 0.95)]
    recorded = [(100, 0.69), (1000, 0.89), (50000, 0.96)]
    fig = training.accuracy_vs_size({"network": net}, logx=True,
                                    original={"network": recorded})
    (ax,) = fig.axes
    ours, theirs = ax.get_lines()
    np.testing.assert_allclose(theirs.get_ydata(), [69.0, 89.0, 96.0])
    assert theirs.get_linestyle() == "--" and ours.get_linestyle() == "-"
    assert to_rgba(theirs.get_markerfacecolor()) == to_rgba("white")
    assert to_rgba(theirs.get_color()) == to_rgba(ours.get_color())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "network", f"network, {training.ORIGINAL_LABEL}"]
    with pytest.raises(ValueError, match="original must use the labels of series"):
        training.accuracy_vs_size({"network": net}, original={"SVM": recorded})
    with pytest.raises(ValueError, match=r"original\['network'\] accuracies must be a fraction"):
        training.accuracy_vs_size({"network": net}, original={"network": [(100, 69.0)]})


def test_neuron_gradients_draws_the_originals_bars_hollow_beside_ours():
    ours = [[0.001, -0.002, 0.003], [0.02, -0.01, 0.03]]
    theirs = [[0.004, 0.001, -0.002, 0.003, 0.0, 0.001], [0.05, -0.02, 0.04, 0.01, 0.02, 0.03]]
    fig = vanishing.neuron_gradients(ours, original=theirs)
    (ax,) = fig.axes
    filled = [bar for bar in ax.patches if to_rgba(bar.get_facecolor()) != to_rgba("white")]
    hollow = [bar for bar in ax.patches if to_rgba(bar.get_facecolor()) == to_rgba("white")]
    assert [bar.get_height() for bar in filled] == pytest.approx(sum(ours, []))
    assert [bar.get_height() for bar in hollow] == pytest.approx(sum(theirs, []))
    for l in range(2):
        mine, recorded = filled[3 * l:3 * l + 3], hollow[6 * l:6 * l + 6]
        # the layer's colour as an outline; ours left of the layer's tick, the original's right
        assert {to_rgba(bar.get_edgecolor()) for bar in recorded} == {to_rgba(style.PALETTE[l])}
        assert max(bar.get_x() + bar.get_width() for bar in mine) < l
        assert min(bar.get_x() for bar in recorded) > l
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["ours", "original (2014)"]
    with pytest.raises(ValueError, match=r"original must have one list of gradients per hidden "
                                         r"layer of neurons \(2\); got 1"):
        vanishing.neuron_gradients(ours, original=theirs[:1])
    with pytest.raises(ValueError, match=r"original\[1\] must hold finite numbers"):
        vanishing.neuron_gradients(ours, original=[[0.1], [np.inf]])


def test_neuron_errors_marks_errors_below_the_axis_floor_on_the_floor():
    before = [[0.1, 1e-15, 0.0], [0.2, 0.3]]
    after = [[1e-3, 1e-4, 1e-20], [0.01, 1e-5]]
    fig = vanishing.neuron_errors(before, after)
    hidden, output = fig.axes
    (fresh_marks, trained_marks) = hidden.get_lines()
    # neurons 1 and 2 of the fresh network (shifted left), neuron 2 of the trained one (right)
    np.testing.assert_allclose(fresh_marks.get_xdata(), [0.8, 1.8])
    np.testing.assert_allclose(trained_marks.get_xdata(), [2.2])
    assert fresh_marks.get_marker() == "v"
    floor = hidden.get_ylim()[0]
    assert all(floor < y < 10 * floor for y in fresh_marks.get_ydata())  # visible, at the floor
    assert output.get_lines() == []  # nothing below the floor there
    assert [t.get_text() for t in fig.legends[0].get_texts()][-1].startswith("below $10^{-12}$")


def test_accuracy_by_epoch_colours_each_reference_like_its_curve_and_leaves_room_above_it():
    fig = training.accuracy_by_epoch(
        {"[784, 30, 10]": [[0.90, 0.93]], "[784, 100, 10]": [[0.80, 0.85]]},
        reference={"original, [784, 30, 10]": 0.9542, "original, [784, 100, 10]": 0.9659,
                   "chance": 0.1})
    (ax,) = fig.axes
    lines = ax.get_lines()
    thirty, hundred = lines[0], lines[1]
    ref30, ref100, chance = lines[2:]
    assert to_rgba(ref30.get_color()) == to_rgba(thirty.get_color())
    assert to_rgba(ref100.get_color()) == to_rgba(hundred.get_color())
    assert to_rgba(chance.get_color()) == to_rgba(style.INK)
    low, high = ax.get_ylim()
    assert low < 10 and high > 96.59 + 0.05 * (high - low)  # the top line is clear of the frame
