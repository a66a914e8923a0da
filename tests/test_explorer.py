"""Tests for nnbook.widgets.explorer: curves and surfaces over frames computed by the build.

The browser's arithmetic (``assets/explorer-math.js``) is run with Node.js and compared with
:func:`nnbook.widgets.explorer.combine`, the numpy twin that also draws the starting state.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from nnbook.activations import sigmoid
from nnbook.widgets import explorer as e
from nnbook.widgets.core import asset

from test_widget_core import assert_valid_javascript, embedded, needs_node, run_js

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import check_site  # noqa: E402

MATH_JS = asset("explorer-math.js")  # the browser's arithmetic, as the pages embed it
X = np.linspace(0, 1, 21)
GRID = np.linspace(0, 1, 7)


def neuron_widget(**kwargs):
    w = e.Slider("w", [1, 5, 10, 50], start=5)
    b = e.Slider("b", [-20, -5, -2, 0, 1], start=-2)
    h = e.Slider("h", [-1, 0, 0.5, 2], start=0.5)
    components = {"a": (("w", "b"), lambda w, b: sigmoid(w * X + b)),
                  "s": (("w", "b"), lambda w, b: -b / w),
                  "step": (("b",), lambda b: (X > -b / 10).astype(float)),
                  "step2": (("b",), lambda b: (X > -b / 10).astype(float))}
    series = [e.Series("neuron", [(1, "a")]),
              e.Series("weighted", [("h", "a"), ("-h", "step"), (0.25, None), (2, "step2")]),
              e.Series("squashed", [("h", "a"), ("b", None)], activation="sigmoid")]
    defaults = dict(y_range=(-2, 2), markers=[[(1, "s")]],
                    readouts=[e.Readout("s", [(1, "s")], 2)],
                    players=[e.Player.through(w)])
    defaults.update(kwargs)
    return e.curves(X, [w, b, h], components, series, **defaults)


def tower_widget():
    h = e.Slider("h", [0, 1, 5, 10], start=1)
    b = e.Slider("b", [-15, -7.5, -1.5, 0], start=-1.5)
    s = e.Slider("s", [0.2, 0.5], start=0.5)
    components = {"bx": (("s",), lambda s: sigmoid(100 * (GRID - s))),
                  "by": (("s",), lambda s: sigmoid(100 * (GRID - s)), "y"),
                  "wave": ((), lambda: np.outer(np.cos(GRID), np.sin(GRID)))}
    out = e.Surface("tower", [("h", "bx"), ("h", "by"), ("b", None), (0.5, "wave")],
                    activation="sigmoid")
    return e.surface(GRID, GRID, [h, b, s], components, out, z_range=(0, 1),
                     players=[e.Player("grow", [{"h": v, "b": -1.5 * v} for v in (0, 1, 10)])])


def numpy_frames(data: dict) -> dict:
    components = data["components"]
    return {name: {"deps": c["deps"], "along": c["along"],
                   "frames": np.array(components[c.get("same_as", name)]["data"]).reshape(
                       -1, *([c["size"]] if c["size"] > 1 else []))}
            for name, c in components.items()}


def reshaped(data: dict, surface: bool) -> dict:
    """Frames as numpy wants them: (frames, ny, nx) for full surface components."""
    frames = numpy_frames(data)
    if surface:
        ny, nx = len(data["y"]), len(data["x"])
        for spec in frames.values():
            if spec["along"] == "grid":
                spec["frames"] = spec["frames"].reshape(-1, ny, nx)
    return frames


# ---------------------------------------------------------------------------------------------
# What the build embeds and draws
# ---------------------------------------------------------------------------------------------


def test_frames_are_evaluated_for_every_combination_of_a_components_sliders():
    data = embedded(neuron_widget())
    a = np.array(data["components"]["a"]["data"]).reshape(4, 5, X.size)
    for i, w in enumerate([1, 5, 10, 50]):
        for j, b in enumerate([-20, -5, -2, 0, 1]):
            np.testing.assert_allclose(a[i, j], sigmoid(w * X + b), atol=0.5 * 10 ** -e.DECIMALS)
    assert data["components"]["step"]["deps"] == ["b"]
    assert len(data["components"]["step"]["data"]) == 5 * X.size
    assert data["components"]["s"]["along"] == "scalar"


def test_a_component_equal_to_an_earlier_one_is_embedded_once():
    s1, s2 = e.Slider("s1", [0.2, 0.5, 0.8], 0.2), e.Slider("s2", [0.2, 0.5, 0.8], 0.8)
    s3 = e.Slider("s3", [0.1, 0.5, 0.8], 0.8)
    step = lambda s: (X >= s).astype(float)  # noqa: E731
    widget = e.curves(X, [s1, s2, s3], {"a1": (("s1",), step), "a2": (("s2",), step),
                                        "a3": (("s3",), step)},
                      [e.Series("bump", [(1, "a1"), (-1, "a2"), (0.5, "a3")])], y_range=(-1, 2))
    components = embedded(widget)["components"]
    assert components["a2"] == {"deps": ["s2"], "along": "grid", "size": X.size, "same_as": "a1"}
    assert "data" in components["a3"]  # other values: not the same frames
    path = re.search(r'class="nnbook-series" d="([^"]+)"', widget.html).group(1)
    assert path.count("L") == X.size - 1


def test_sliders_start_at_the_value_nearest_start():
    data = embedded(neuron_widget())
    starts = {s["name"]: data["values"][s["name"]][s["index"]] for s in data["sliders"]}
    assert starts == {"w": 5, "b": -2, "h": 0.5}


def test_markup_draws_the_starting_curves_and_numbers():
    widget = neuron_widget()
    data = embedded(widget)
    paths = re.findall(r'class="nnbook-series" d="([^"]+)"', widget.html)
    assert len(paths) == 3
    first = [float(v) for v in re.findall(r"[ML][\d.]+ ([-\d.]+)", paths[0])]
    plot = data["plot"]
    expected = sigmoid(5 * X - 2)
    heights = plot["bottom"] - (plot["bottom"] - plot["top"]) * (expected - plot["y0"]) / (
        plot["y1"] - plot["y0"])
    np.testing.assert_allclose(first, heights, atol=0.06)
    assert re.search(r'data-field="readout-0">0\.40<', widget.html)
    marker = re.search(r'class="nnbook-marker" d="M([\d.]+) ', widget.html)
    left, right = plot["left"], plot["right"]
    assert float(marker.group(1)) == pytest.approx(left + (right - left) * 0.4, abs=0.06)


def test_player_steps_are_slider_positions():
    data = embedded(neuron_widget())
    assert data["players"][0]["steps"] == [{"w": 0}, {"w": 1}, {"w": 2}, {"w": 3}]
    data = embedded(tower_widget())
    assert data["players"][0]["steps"] == [{"h": 0, "b": 3}, {"h": 1, "b": 2}, {"h": 3, "b": 0}]


def test_score_is_the_mean_absolute_difference_at_the_points():
    h = [e.Slider(f"h{j}", [-1, 0, 1], start=1) for j in range(2)]
    halves = {"u0": ((), lambda: (X < 0.5).astype(float)), "u1": ((), lambda: (X >= 0.5) * 1.0),
              "t": ((), lambda: X)}
    widget = e.curves(X, h, halves, [e.Series("out", [("h0", "u0"), ("h1", "u1")]),
                                     e.Series("target", [(1, "t")])],
                      y_range=(-1, 1), score=e.Score("deviation", 0, 1, range(0, 20), 0.6))
    expected = np.mean(np.abs(1 - X[:20]))
    assert re.search(rf'data-field="score">{expected:.2f}<', widget.html)
    assert 'data-field="verdict">Success!<' in widget.html


def test_the_embedded_data_cannot_end_its_script_early():
    widget = e.curves(X, [e.Slider("w", [0, 1])], {"a": (("w",), lambda w: w * X)},
                      [e.Series("</script><b>", [(1, "a")])], y_range=(0, 1))
    data_script = re.search(r'class="nnbook-data">(.*?)</script>', widget.html, re.S).group(1)
    assert "</script>" not in data_script and "<b>" not in data_script
    assert embedded(widget)["series"][0]["label"] == "</script><b>"


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("change, message", [
    (dict(components={"a": (("v",), lambda v: X)}), "depends on 'v', which is not a slider"),
    (dict(components={"a": (("w",), lambda w: X[:3])}), r"has shape \(3,\)"),
    (dict(components={"a": (("w",), lambda w: X + (np.inf if w else 0))}), "not finite"),
    (dict(series=[e.Series("s", [("v", "a")])]), "names no slider"),
    (dict(series=[e.Series("s", [(1, "z")])]), "'z' is not a component"),
    (dict(series=[e.Series("s", [(1, "a")], activation="tanh")]), "activation must be"),
    (dict(series=[]), "at least one series"),
    (dict(readouts=[e.Readout("r", [(1, "a")])]), "scalar components only"),
    (dict(players=[e.Player("p", [{"w": 0.5}])]), "not one of its values"),
    (dict(players=[e.Player("p", [{"q": 1}])]), "names the slider 'q'"),
    (dict(y_range=(1, 0)), "low < high"),
    (dict(score=e.Score("s", 0, 3, [0], 0.4)), "must index the series"),
    (dict(score=e.Score("s", 0, 0, [99], 0.4)), "indices into x"),
    (dict(sliders=[e.Slider("w", [1, 0])]), "increase strictly"),
    (dict(sliders=[e.Slider("w", [0, 1]), e.Slider("w", [0, 1])]), "distinct"),
    (dict(sliders=[e.Slider("w", [0, 1], choices=["one"])]), "one text per value"),
])
def test_bad_descriptions_are_refused_with_a_clear_message(change, message):
    arguments = dict(sliders=[e.Slider("w", [0, 1])], components={"a": (("w",), lambda w: w * X)},
                     series=[e.Series("s", [(1, "a")])], y_range=(0, 1))
    arguments.update(change)
    with pytest.raises(ValueError, match=message):
        e.curves(X, arguments.pop("sliders"), arguments.pop("components"),
                 arguments.pop("series"), **arguments)


def test_too_many_frames_are_refused():
    many = e.Slider("w", np.arange(e.MAX_NUMBERS // X.size + 1))
    with pytest.raises(ValueError, match="MAX_NUMBERS"):
        e.curves(X, [many], {"a": (("w",), lambda w: w * X)}, [e.Series("s", [(1, "a")])],
                 y_range=(0, 1))


def test_surface_components_must_fit_the_grid():
    with pytest.raises(ValueError, match=r"row of 7 \(x\) or 7 \(y\) values"):
        e.surface(GRID, GRID, [e.Slider("h", [0, 1])], {"a": (("h",), lambda h: np.ones(5))},
                  e.Surface("s", [(1, "a")]), z_range=(0, 1))
    with pytest.raises(TypeError, match="must be a Surface"):
        e.surface(GRID, GRID, [], {}, e.Series("s", [(1, None)]), z_range=(0, 1))


# ---------------------------------------------------------------------------------------------
# The browser's arithmetic, run by Node.js
# ---------------------------------------------------------------------------------------------


@needs_node
def test_scripts_are_valid_javascript(tmp_path):
    for widget in (neuron_widget(), tower_widget()):
        assert_valid_javascript(widget, tmp_path)


@needs_node
@pytest.mark.parametrize("seed", range(4))
def test_the_browsers_curves_agree_with_numpy(seed):
    data = embedded(neuron_widget())
    assert "same_as" in data["components"]["step2"]
    rng = np.random.default_rng(seed)
    index = {name: int(rng.integers(len(v))) for name, v in data["values"].items()}
    frames, values = numpy_frames(data), {k: np.array(v) for k, v in data["values"].items()}
    program = MATH_JS + f"""
var data = {json.dumps(data)}, index = {json.dumps(index)}, n = data.x.length;
console.log(JSON.stringify(data.series.map(function (s) {{ return combine(data, index, s, n, n); }})
  .concat([combine(data, index, data.readouts[0], 1, 1)])));"""
    browser = run_js(program)
    for s, got in zip(data["series"], browser):
        expected = e.combine(s["terms"], s["activation"], frames, values, index, (X.size,))
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    w, b = data["values"]["w"][index["w"]], data["values"]["b"][index["b"]]
    assert browser[-1][0] == pytest.approx(-b / w, abs=1e-4)


@needs_node
@pytest.mark.parametrize("seed", range(3))
def test_the_browsers_surface_agrees_with_numpy(seed):
    data = embedded(tower_widget())
    rng = np.random.default_rng(seed)
    index = {name: int(rng.integers(len(v))) for name, v in data["values"].items()}
    frames, values = reshaped(data, True), {k: np.array(v) for k, v in data["values"].items()}
    program = MATH_JS + f"""
var data = {json.dumps(data)}, index = {json.dumps(index)};
console.log(JSON.stringify(combine(data, index, data.surface, data.x.length * data.y.length,
                                   data.x.length)));"""
    got = np.array(run_js(program)).reshape(GRID.size, GRID.size)
    expected = e.combine(data["surface"]["terms"], "sigmoid", frames, values, index,
                         (GRID.size, GRID.size))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    # and both are the tower the description asks for (rows are y, columns x)
    h, b = values["h"][index["h"]], values["b"][index["b"]]
    s = values["s"][index["s"]]
    step = sigmoid(100 * (GRID - s))
    direct = sigmoid(h * step[None, :] + h * step[:, None] + b
                     + 0.5 * np.outer(np.cos(GRID), np.sin(GRID)))
    np.testing.assert_allclose(got, direct, atol=1e-3)


# ---------------------------------------------------------------------------------------------
# The site check's reading of the widget probe
# ---------------------------------------------------------------------------------------------


def probe_dom(report) -> str:
    text = json.dumps(report).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (f'<html><body><p>page</p><pre id="check-site-probe" tabindex="0">{text}</pre>'
            "</body></html>")


def test_check_site_accepts_widgets_that_respond():
    report = [{"id": "w1", "sliders": [{"label": "w", "moved": True, "numbers": True}],
               "players": [{"label": "Play", "moved": True}]}]
    assert check_site.check_widgets(probe_dom(report)) == []


@pytest.mark.parametrize("report, message", [
    ([{"id": "w1", "sliders": [{"label": "w", "moved": False, "numbers": True}], "players": []}],
     "moving slider 'w' changed nothing in its picture"),
    ([{"id": "w1", "sliders": [{"label": "w", "moved": True, "numbers": False}], "players": []}],
     "changed none of its numbers"),
    ([{"id": "w1", "sliders": [], "players": [{"label": "Play", "moved": False}]}],
     "pressing 'Play' changed nothing"),
    ([{"id": "w1", "sliders": [], "players": []}], "no slider and no Play button"),
    ([], "none in the browser"),
])
def test_check_site_reports_widgets_that_do_not_respond(report, message):
    problems = check_site.check_widgets(probe_dom(report))
    assert len(problems) == 1 and message in problems[0]


def test_check_site_reports_a_missing_probe_report():
    assert "no report" in check_site.check_widgets("<html><body></body></html>")[0]


def test_a_zero_is_shown_without_a_minus_sign():
    s = e.Slider("h", [-0.5, -0.001, 0.5], start=-0.001)
    widget = e.curves(X, [s], {"a": (("h",), lambda h: h * X)}, [e.Series("s", [("h", "a")])],
                      y_range=(-1, 1), readouts=[e.Readout("h", [("h", None)], 2)])
    assert 'data-field="slider-h">0.00<' in widget.html
    assert 'data-field="readout-0">0.00<' in widget.html


@needs_node
def test_the_browser_shows_a_zero_without_a_minus_sign():
    program = MATH_JS + """
console.log(JSON.stringify([fixed(-0.001, 2), fixed(-0.0, 1), fixed(-0.5, 2), fixed(0.25, 1)]));"""
    assert run_js(program) == ["0.00", "0.0", "-0.50", "0.3"]
