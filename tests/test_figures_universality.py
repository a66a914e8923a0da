"""Tests for nnbook.figures.universality: what each chapter 4 figure draws, and its argument checks."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.text import Text
from scipy.special import expit

from nnbook.figures import universality as up

X = np.linspace(0.0, 1.0, 201)
F = 0.2 + 0.4 * X**2 + 0.3 * X * np.sin(15 * X) + 0.05 * np.cos(50 * X)
ROWS = [{"n": n, "max": 1.0 / n, "mean": 0.2 / n} for n in (2, 5, 10, 20)]
GRID = np.linspace(0.0, 1.0, 21)
TOWER = np.outer(GRID > 0.4, GRID > 0.4).astype(float)  # (len(y), len(x))


def every_figure() -> list[Figure]:
    return [
        up.function_curves(X, {"f": F}, ylabel="$f(x)$", ylim=(0, 1)),
        up.approximations(X, F, {"N = 2": F + 0.1, "N = 5": F - 0.05}),
        up.errors(ROWS),
        up.errors({"w = 1": ROWS, "w = 2": ROWS[:2]}),
        up.surfaces(GRID, GRID, {"tower": TOWER}),
        up.activation_panels(np.linspace(-5, 5, 101), {"sigma": expit(np.linspace(-5, 5, 101))}),
        up.failure_window(X, expit(50 * (X - 0.4)), (0.35, 0.45)),
        up.shifted_bumps(X, F, [F / 2, F / 2]),
        up.tower_network(3),
        up.two_towers_network(),
    ]


def test_every_figure_is_a_plain_figure_on_opaque_white_with_fonts_of_10pt_or_more():
    for fig in every_figure():
        assert isinstance(fig, Figure)
        assert fig.canvas.manager is None  # built without pyplot
        assert to_rgba(fig.get_facecolor()) == (1.0, 1.0, 1.0, 1.0)
        fig.draw_without_rendering()
        sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text()]
        assert sizes and min(sizes) >= 10


def test_function_curves_draws_each_curve_with_the_values_given():
    fig = up.function_curves(X, {"f": F, "target": 2 * F}, ylabel="y", dashed=["target"])
    (ax,) = fig.axes
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["f", "target"]
    np.testing.assert_array_equal(lines[1].get_ydata(), 2 * F)
    assert lines[0].get_linestyle() == "-" and lines[1].get_linestyle() == "--"
    assert ax.get_xlim() == (0.0, 1.0) and ax.get_legend() is not None


def test_approximations_has_one_panel_per_approximation_over_the_target():
    fig = up.approximations(X, F, {"a": F, "b": F, "c": F, "d": F}, ncols=2)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["a", "b", "c", "d"]
    for ax in visible:
        target, network = ax.get_lines()
        np.testing.assert_array_equal(target.get_ydata(), F)
        assert target.get_linestyle() == "--"


def test_errors_plots_largest_and_mean_error_against_n_on_log_axes():
    fig = up.errors(ROWS)
    (ax,) = fig.axes
    worst, mean = ax.get_lines()
    np.testing.assert_array_equal(worst.get_xdata(), [2, 5, 10, 20])
    np.testing.assert_allclose(mean.get_ydata(), [0.1, 0.04, 0.02, 0.01])
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    by_m = up.errors([{"M": 1, "max": 0.3, "mean": 0.01}, {"M": 2, "max": 0.1, "mean": 0.005}],
                     by="M")
    assert by_m.axes[0].get_xlabel() == "$M$"


def test_errors_compares_families_each_in_its_own_colour():
    (ax,) = up.errors({"w = 1000": ROWS, "w = 100000": ROWS[:3]}).axes
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == [
        "largest error, w = 1000", "mean error, w = 1000",
        "largest error, w = 100000", "mean error, w = 100000"]
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()
    assert lines[1].get_linestyle() == "--"


def test_surfaces_draws_one_3d_panel_per_surface():
    fig = up.surfaces(GRID, GRID, {"one": TOWER, "two": 0.5 * TOWER}, zlim=(0, 1))
    assert [ax.name for ax in fig.axes] == ["3d", "3d"]
    assert [ax.get_title() for ax in fig.axes] == ["one", "two"]
    assert fig.axes[0].get_zlim() == (0.0, 1.0)


def test_activation_panels_marks_both_limits_of_each_activation():
    z = np.linspace(-8, 8, 161)
    fig = up.activation_panels(z, {"sigma": expit(z), "tanh": np.tanh(z)})
    assert len(fig.axes) == 2
    limits = sorted(round(line.get_ydata()[0], 3) for line in fig.axes[1].get_lines()[:2])
    assert limits == [-1.0, 1.0]


def test_failure_window_shades_the_window_and_zooms_on_it():
    whole, near = up.failure_window(X, expit(50 * (X - 0.4)), (0.35, 0.45), zoom=4).axes
    assert whole.get_xlim() == (0.0, 1.0)
    assert near.get_xlim() == pytest.approx((0.2, 0.6))
    assert len(whole.patches) == len(near.patches) == 1


def test_shifted_bumps_shows_one_row_the_parts_and_their_sum():
    parts = [F / 3, F / 3 + 0.01, F / 3 - 0.01]
    one, each, total = up.shifted_bumps(X, F, parts).axes
    assert len(each.get_lines()) == 1 + 3
    np.testing.assert_allclose(each.get_lines()[0].get_ydata(), F / 3)  # the target / M
    np.testing.assert_allclose(total.get_lines()[1].get_ydata(), np.sum(parts, axis=0))
    np.testing.assert_allclose(one.get_lines()[1].get_ydata(), 3 * parts[0])


def test_tower_network_writes_the_output_bias_for_m_inputs():
    for m, bias in ((2, "$-3h/2$"), (3, "$-5h/2$")):
        texts = [t.get_text() for t in up.tower_network(m).findobj(Text)]
        assert bias in texts
        assert sum(t in ("$+h$", "$-h$") for t in texts) == 2 * m


@pytest.mark.parametrize("towers", [1, 2, 3])
def test_two_towers_network_draws_one_boxed_tower_network_per_tower_into_one_output(towers):
    fig = up.two_towers_network(towers)
    (ax,) = fig.axes
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    assert len(circles) == 5 * towers + 1  # four steps and a tower neuron each, one output
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == towers
    for box in boxes:  # each box holds its four steps and its tower neuron, nothing else
        inside = [c for c in circles if box.get_bbox().contains(*c.center)]
        assert len(inside) == 5
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("$-3h/2$") == towers
    assert texts.count("$+h$") == texts.count("$-h$") == 2 * towers
    for step in ("$s_1$", "$s_2$", "$t_1$", "$t_2$"):
        assert texts.count(step) == towers
    assert [t for t in texts if t.startswith("$w_")] == [f"$w_{i}$" for i in
                                                         range(1, towers + 1)]
    assert [t for t in texts if t.startswith("tower")] == [f"tower {i}" for i in
                                                           range(1, towers + 1)]
    # per tower: 4 input arrows, 4 into the tower neuron, 1 to the output; then the output's
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == 9 * towers + 1


@pytest.mark.parametrize("towers", [0, 4, 2.0, True])
def test_two_towers_network_rejects_a_bad_number_of_towers(towers):
    with pytest.raises(ValueError, match="towers must be an integer from 1 to 3"):
        up.two_towers_network(towers)


@pytest.mark.parametrize("call, message", [
    (lambda: up.function_curves([0.0], {"f": [1.0]}, ylabel="y"), "x must be a 1-D array"),
    (lambda: up.function_curves([0.0, 0.5, 0.4], {"f": [1, 2, 3]}, ylabel="y"),
     "x must hold finite, increasing"),
    (lambda: up.function_curves(X, {}, ylabel="y"), "curves must be a non-empty mapping"),
    (lambda: up.function_curves(X, {"f": F[:-1]}, ylabel="y"), r"curves\['f'\] must have"),
    (lambda: up.function_curves(X, {"f": F}, ylabel="y", dashed=["g"]), "dashed must name"),
    (lambda: up.approximations(X, F[:5], {"a": F}), "target must have"),
    (lambda: up.approximations(X, F, {"a": F}, ncols=0), "ncols must be a positive integer"),
    (lambda: up.errors([{"n": 1}]), "rows must be a list of dicts"),
    (lambda: up.errors([]), "rows must hold at least one row"),
    (lambda: up.errors({}), "rows must hold at least one family"),
    (lambda: up.errors([{"n": 1, "max": 0.0, "mean": 0.1}]), "positive"),
    (lambda: up.surfaces(GRID, GRID, {"t": TOWER[:, :5]}), r"panels\['t'\] must have shape"),
    (lambda: up.failure_window(X, F, (0.5, 0.4)), "window must be an interval"),
    (lambda: up.failure_window(X, F, 0.4), "window must be a pair"),
    (lambda: up.failure_window(X, F, (0.3, 0.4), zoom=1), "zoom must be a number greater"),
    (lambda: up.shifted_bumps(X, F, [F]), "parts must be a sequence of at least two"),
    (lambda: up.tower_network(0), "m must be an integer from 1 to 5"),
    (lambda: up.tower_network(True), "m must be an integer from 1 to 5"),
])
def test_bad_arguments_raise_a_value_error_naming_them(call, message):
    with pytest.raises(ValueError, match=message):
        call()
