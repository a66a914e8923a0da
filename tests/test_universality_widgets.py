"""Tests for nnbook.widgets.universality: chapter 4's interactive figures.

The design challenge's score is computed in the reader's browser; here Node.js runs the page's
own arithmetic on the embedded data and the result is compared with
:func:`nnbook.studies.universality.design_score`.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnbook.runs import claims
from nnbook.studies import universality as u
from nnbook.widgets import universality as uw
from nnbook.widgets.core import asset

from test_explorer import numpy_frames
from test_widget_core import embedded, needs_node, run_js

ALL = [uw.neuron, uw.step_forming, uw.step_position, uw.two_steps, uw.bump, uw.two_bumps,
       uw.five_bumps, uw.design, uw.surface_neuron, uw.surface_step, uw.surface_bump,
       uw.xy_bump, uw.tower, uw.two_towers, uw.ramping]


def start(data: dict) -> dict[str, float]:
    return {s["name"]: data["values"][s["name"]][s["index"]] for s in data["sliders"]}


@pytest.mark.parametrize("build", ALL, ids=lambda f: f.__name__)
def test_every_widget_builds_and_stays_light(build):
    widget = build()
    assert widget.html.startswith('<div class="nnbook-widget nnbook-explorer')
    assert len(widget.html) < 160_000  # the chapter has fifteen of them


@pytest.mark.parametrize("build, expected", [
    (uw.neuron, {"w": 8, "b": -4}),
    (uw.two_steps, {"s1": 0.4, "s2": 0.6, "w1": 0.6, "w2": 1.2}),
    (uw.bump, {"s1": 0.4, "s2": 0.6, "h": 0.6}),
    (uw.two_bumps, {"s1": 0.4, "s2": 0.6, "s3": 0.7, "s4": 0.9, "h1": -1.2, "h2": 0.3}),
    (uw.surface_neuron, {"w1": 8, "b": -5}),
    (uw.surface_step, {"d": 0, "s": 0.5}),
    (uw.surface_bump, {"d": 0, "s1": 0.3, "s2": 0.7, "h": 0.6}),
    (uw.xy_bump, {"h": 0.3}),
    (uw.tower, {"h": 0.3, "b": -0.5}),
    (uw.two_towers, {"w1": 0.7, "w2": 0.5}),
    (uw.ramping, {"w": 6, "b": -3}),
])
def test_widgets_start_where_the_original_does(build, expected):
    assert start(embedded(build())) == pytest.approx(expected)


def test_the_neurons_frames_are_nnbooks_neuron():
    data = embedded(uw.neuron())
    frames = numpy_frames(data)["a"]["frames"]
    ws, bs = data["values"]["w"], data["values"]["b"]
    for i, j in [(0, 0), (5, 10), (len(ws) - 1, len(bs) - 1)]:
        np.testing.assert_allclose(frames[i * len(bs) + j], u.neuron(uw.X, ws[i], bs[j]),
                                   atol=1e-4)


def test_step_forming_keeps_the_step_at_0_4_while_w_grows():
    data = embedded(uw.step_forming())
    frames = numpy_frames(data)["a"]["frames"]
    at = int(np.flatnonzero(np.isclose(uw.X, 0.4))[0])
    np.testing.assert_allclose(frames[:, at], 0.5, atol=1e-4)
    assert data["values"]["w"][0] == 8 and data["values"]["w"][-1] == 1000
    assert frames[-1, at - 2] < 1e-4 and frames[-1, at + 2] > 1 - 1e-4  # a step by the end
    assert len(data["players"][0]["steps"]) == len(data["values"]["w"])


@needs_node
def test_the_direction_switch_turns_a_bump_in_x_into_a_bump_in_y():
    data = embedded(uw.surface_bump())
    grid = uw.GRID
    inside = ((grid >= 0.3) & (grid < 0.7)).astype(float)
    surfaces = []
    for d in (0, 1):
        index = {s["name"]: s["index"] for s in data["sliders"]} | {"d": d}
        program = asset("explorer-math.js") + f"""
var data = {json.dumps(data)}, index = {json.dumps(index)}, n = data.x.length;
console.log(JSON.stringify(combine(data, index, data.surface, n * n, n)));"""
        surfaces.append(np.array(run_js(program)).reshape(grid.size, grid.size))
    away = np.abs(grid - 0.3) > 0.03  # off the edges, where a step is at 1/2
    away = away & (np.abs(grid - 0.7) > 0.03)
    expected_x = np.broadcast_to(0.6 * inside, (grid.size, grid.size))  # rows are y
    np.testing.assert_allclose(surfaces[0][:, away], expected_x[:, away], atol=1e-3)
    np.testing.assert_allclose(surfaces[1][away, :], expected_x.T[away, :], atol=1e-3)


def test_the_tower_player_uses_the_towers_bias():
    data = embedded(uw.tower())
    values = data["values"]
    for step in data["players"][0]["steps"]:
        h, b = values["h"][step["h"]], values["b"][step["b"]]
        assert b == pytest.approx(u.tower_bias(2, h))
    assert values["h"][data["players"][0]["steps"][-1]["h"]] == 10


def test_design_starts_at_random_heights_from_the_seed():
    a, b, c = (start(embedded(uw.design(seed))) for seed in (1, 1, 2))
    assert a == b and a != c
    assert all(-1.5 <= v <= 1.5 for v in a.values())


def test_design_threshold_is_the_originals():
    data = embedded(uw.design(0))
    assert data["score"]["threshold"] == u.DESIGN_THRESHOLD
    assert u.DESIGN_THRESHOLD == claims.get("ch4.design_threshold").value
    assert data["score"]["points"] == list(range(100))


def browser_design_score(data: dict, heights) -> float:
    values = data["values"]
    index = {f"h{k}": int(np.argmin(np.abs(np.array(values[f"h{k}"]) - h)))
             for k, h in enumerate(heights)}
    program = asset("explorer-math.js") + f"""
var data = {json.dumps(data)}, index = {json.dumps(index)}, n = data.x.length;
var drawn = data.series.map(function (s) {{ return combine(data, index, s, n, n); }});
console.log(JSON.stringify(meanDeviation(drawn[data.score.a], drawn[data.score.b],
                                         data.score.points)));"""
    return run_js(program)


@needs_node
@pytest.mark.parametrize("seed", range(3))
def test_the_browsers_design_score_is_design_score(seed):
    data = embedded(uw.design(seed))
    rng = np.random.default_rng(seed)
    grid = np.array(data["values"]["h0"])
    for heights in (rng.choice(grid, 5), np.round(u.design_solution() / 0.05) * 0.05,
                    np.zeros(5)):
        # the target is embedded to 4 decimals, so the scores agree to about 1e-4
        assert browser_design_score(data, heights) == pytest.approx(
            u.design_score(heights), abs=2e-4)


@needs_node
def test_the_best_heights_the_sliders_allow_succeed_and_zero_heights_do_not():
    data = embedded(uw.design(0))
    best = np.round(u.design_solution() / 0.05) * 0.05
    assert browser_design_score(data, best) < u.DESIGN_THRESHOLD
    assert browser_design_score(data, np.zeros(5)) > u.DESIGN_THRESHOLD
