"""Tests for nnbook.widgets.chapter3: the HTML carries the data it was given, shows the right
starting state without a script, gives every widget its own ids, and rejects bad input. Where
Node.js is installed, the widgets' scripts are also checked for syntax and the browser's softmax
(``assets/softmax.js``) is compared with numpy's."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest

from nnbook import activations
from nnbook.network import Network
from nnbook.widgets import chapter3 as widgets
from nnbook.widgets.core import Widget, asset

from test_widget_core import assert_valid_javascript, embedded, needs_node, run_js, scripts


def neuron_run(w: float, b: float, eta: float, steps: int = 40) -> dict[str, list[float]]:
    """A real run of chapter 3's neuron (input 1, target 0, quadratic cost): w, b, a, C per step."""
    x, y = np.array([[1.0]]), np.array([[0.0]])
    neuron = Network([1, 1], cost="quadratic")
    neuron.weights[0][:], neuron.biases[0][:] = w, b
    run = {"w": [], "b": [], "output": [], "cost": []}

    def record(step=None, history=None):
        run["w"].append(neuron.weights[0].item())
        run["b"].append(neuron.biases[0].item())
        run["output"].append(neuron.feedforward(x).item())
        run["cost"].append(neuron.total_cost(x, y))

    record()
    neuron.SGD((x, y), epochs=steps, mini_batch_size=1, eta=eta, callback=record)
    return run


@pytest.fixture(scope="module")
def runs() -> dict[str, dict[str, list[float]]]:
    return {"good start": neuron_run(0.6, 0.9, 0.15),
            "bad start </script> & <b>": neuron_run(2.0, 2.0, 0.15, steps=25)}


def fields(widget: Widget, name: str) -> list[str]:
    """The text the markup shows in every element marked data-field=name (before any script)."""
    return [html.unescape(text) for text in
            re.findall(rf'<\w+[^<>]*\sdata-field="{name}"[^>]*>([^<]*)<', widget.html)]


def ids(widget: Widget) -> list[str]:
    return re.findall(r'\bid="([^"]+)"', widget.html)


# ---------------------------------------------------------------------------------------------
# neuron_player
# ---------------------------------------------------------------------------------------------


def test_player_embeds_every_run_to_five_significant_digits(runs):
    data = embedded(widgets.neuron_player(runs))
    assert [run["label"] for run in data["runs"]] == list(runs)  # the label with </script> too
    for record, run in zip(data["runs"], runs.values()):
        for key in ("w", "b", "output", "cost"):
            assert len(record[key]) == len(run[key])
            np.testing.assert_allclose(record[key], run[key], rtol=5e-5, atol=0)
        assert record["xmax"] == len(run["cost"]) - 1
        assert max(run["cost"]) <= record["ymax"] <= 2 * max(run["cost"])
        assert record["yticks"][0] == 0 and record["yticks"][-1] == pytest.approx(record["ymax"])
    assert data["step_ms"] == widgets.STEP_MS


def test_the_embedded_data_cannot_end_its_script_early(runs):
    player = widgets.neuron_player(runs)
    json_text = re.search(r'class="nnbook-data">(.*?)</script>', player.html, flags=re.S)[1]
    assert "<" not in json_text and ">" not in json_text and "&" not in json_text
    # The label is shown as text, escaped.
    assert "bad start &lt;/script&gt; &amp; &lt;b&gt;" in player.html


def test_player_markup_shows_step_0_of_each_run(runs):
    player = widgets.neuron_player(runs)
    starts = list(runs.values())
    assert fields(player, "w") == [f"{run['w'][0]:.3f}" for run in starts]
    assert fields(player, "b") == [f"{run['b'][0]:.3f}" for run in starts]
    assert fields(player, "output") == [f"{run['output'][0]:.3f}" for run in starts]
    assert fields(player, "cost") == [f"{run['cost'][0]:.4f}" for run in starts]
    assert fields(player, "step") == ["0", "0"]
    sliders = re.findall(r'<input class="nnbook-step" type="range" min="0" max="(\d+)"',
                         player.html)
    assert sliders == [str(len(run["cost"]) - 1) for run in starts]
    assert player.html.count("<button") == 2


def test_player_accepts_numpy_arrays(runs):
    as_arrays = {label: {key: np.array(values) for key, values in run.items()}
                 for label, run in runs.items()}
    assert embedded(widgets.neuron_player(as_arrays))["runs"] == \
        embedded(widgets.neuron_player(runs))["runs"]


def test_same_input_gives_the_same_html_apart_from_the_serial_number(runs):
    first, second = widgets.neuron_player(runs), widgets.neuron_player(runs)
    serial = re.compile(r"(nnbook-neuron-player-[0-9a-f]{8})-\d+")
    assert first.html != second.html
    assert serial.sub(r"\1", first.html) == serial.sub(r"\1", second.html)


def test_ids_are_unique_within_and_across_widgets(runs):
    made = [widgets.neuron_player(runs), widgets.neuron_player(runs),
            widgets.softmax_sliders([2.5, -1, 3.2, 0.5]),
            widgets.softmax_sliders([2.5, -1, 3.2, 0.5])]
    every_id = [i for widget in made for i in ids(widget)]
    assert len(every_id) == len(set(every_id)) == 2 + 2 * 5  # softmax: its own id and 4 sliders
    for widget in made:
        assert ids(widget)[0] == widget.id
        # The fallback lookup in the script names the widget's own id.
        assert json.dumps(widget.id) in scripts(widget)[0]


def test_widget_displays_as_html_in_a_notebook(runs):
    player = widgets.neuron_player(runs)
    assert player._repr_html_() == player.html
    assert player.html.startswith(
        f'<div class="nnbook-widget nnbook-neuron-player" id="{player.id}">')
    assert repr(player) == "<neuron player: 2 run(s): HTML that plays in a browser>"
    assert "http" not in player.html  # nothing loaded from the network


@pytest.mark.parametrize("bad, message", [
    ({}, "non-empty mapping"),
    ([1, 2], "non-empty mapping"),
    ({"": {}}, "label must be a non-empty string"),
    ({1: {}}, "label must be a non-empty string"),
    ({"r": [0.1, 0.2]}, "must be a mapping"),
    ({"r": {"w": [1, 2], "b": [1, 2], "output": [0.5, 0.4]}},
     r"missing \['cost'\], unexpected \[\]"),
    ({"r": {"w": [1, 2], "b": [1, 2], "output": [0.5, 0.4], "cost": [1, 0], "eta": [1, 1]}},
     r"unexpected \['eta'\]"),
    ({"r": {"w": [1, 2], "b": [1, 2], "output": [0.5, 0.4], "cost": [1, 0, 0]}},
     "one entry per step"),
    ({"r": {"w": [1], "b": [1], "output": [0.5], "cost": [1]}}, "at least two"),
    ({"r": {"w": [1, 2], "b": [1, np.nan], "output": [0.5, 0.4], "cost": [1, 0]}}, "finite"),
    ({"r": {"w": [1, 2], "b": [1, 2], "output": [0.5, 1.2], "cost": [1, 0]}}, r"in \[0, 1\]"),
    ({"r": {"w": [1, 2], "b": [1, 2], "output": [0.5, 0.4], "cost": [1, -0.1]}}, "non-negative"),
    ({"r": {"w": "ab", "b": [1, 2], "output": [0.5, 0.4], "cost": [1, 0]}}, "list of numbers"),
    ({"r": {"w": [[1, 2]], "b": [1, 2], "output": [0.5, 0.4], "cost": [1, 0]}}, "shape"),
])
def test_player_rejects_bad_runs(bad, message):
    with pytest.raises(ValueError, match=message):
        widgets.neuron_player(bad)


# ---------------------------------------------------------------------------------------------
# softmax_sliders
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("z", [[2.5, -1.0, 3.2, 0.5], [0.0, 0.0], [-5, 5, 0.1, -0.3, 4.9, 1, 2]])
def test_softmax_markup_shows_the_softmax_of_z(z):
    sliders = widgets.softmax_sliders(z)
    a = activations.softmax(np.array(z, dtype=float))
    assert fields(sliders, "a\\d+") == [f"{value:.3f}" for value in a]
    assert fields(sliders, "z\\d+") == [f"{value:.1f}" for value in z]
    widths = re.findall(r'data-field="bar\d+"\s+style="width: ([0-9.]+)%"', sliders.html)
    np.testing.assert_allclose([float(w) for w in widths], 100 * a, atol=0.005)
    assert fields(sliders, "sum") == ["1.000"]
    values = re.findall(r'type="range" min="-5" max="5"\s+step="0.1" value="([-0-9.]+)"',
                        sliders.html)
    np.testing.assert_allclose([float(v) for v in values], z)


def test_softmax_sliders_for_the_chapter_start_where_the_page_says():
    sliders = widgets.softmax_sliders([2.5, -1, 3.2, 0.5])
    assert fields(sliders, "a\\d+") == ["0.315", "0.009", "0.633", "0.043"]


@pytest.mark.parametrize("bad, message", [
    ([1.0], "at least two"),
    ([[1.0, 2.0]], "shape"),
    (list(range(-5, 6)), "2 to 10 entries"),
    ([0.0, 5.1], r"lie in \[-5, 5\]"),
    ([0.0, -7], r"lie in \[-5, 5\]"),
    ([0.0, 0.25], "multiples of 0.1"),
    ([0.0, np.inf], "finite"),
    ("abc", "list of weighted inputs"),
])
def test_softmax_sliders_reject_bad_z(bad, message):
    with pytest.raises(ValueError, match=message):
        widgets.softmax_sliders(bad)


# ---------------------------------------------------------------------------------------------
# The scripts, run by Node.js
# ---------------------------------------------------------------------------------------------


@needs_node
def test_scripts_are_valid_javascript(runs, tmp_path):
    for widget in (widgets.neuron_player(runs), widgets.softmax_sliders([1, 2])):
        assert_valid_javascript(widget, tmp_path)


@needs_node
@pytest.mark.parametrize("z", [[2.5, -1.0, 3.2, 0.5], [0.0, 0.0, 0.0], [1000.0, 0.0, -1000.0],
                               [-5.0, 5.0, 4.9, -4.9, 0.1]])
def test_the_browsers_softmax_agrees_with_numpy(z):
    assert asset("softmax.js") in widgets.softmax_sliders([0, 0]).html
    a = run_js(asset("softmax.js") + f"console.log(JSON.stringify(softmax({json.dumps(z)})));")
    np.testing.assert_allclose(a, activations.softmax(np.array(z)), rtol=1e-12, atol=1e-300)
    assert sum(a) == pytest.approx(1.0, abs=1e-12)
