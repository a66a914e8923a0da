"""Tests for nnbook.widgets.core: the assets are found (also in an installed package) and every
widget embeds its own scripts and styles; ids, data and script wrappers; ticks, rounding and the
check of a list of numbers.

The helpers at the top (Node.js, the scripts and data of a widget's HTML) are shared by the
tests of each chapter's widgets."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import numpy as np
import pytest

from nnbook.figures.style import PALETTE
from nnbook.widgets import chapter3, core
from nnbook.widgets import universality as uw

NODE = shutil.which("node")
if NODE is None and os.environ.get("NNBOOK_REQUIRE_NODE"):
    raise RuntimeError("NNBOOK_REQUIRE_NODE is set but Node.js (`node`) is not installed: the "
                       "tests that run the widgets' scripts cannot run")
# Tests that run the pages' scripts need Node.js; CI sets NNBOOK_REQUIRE_NODE so that they
# never skip there.
needs_node = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

ASSETS = Path(core.__file__).with_name("assets")
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def embedded(widget: core.Widget) -> dict:
    """The JSON a widget embeds, parsed back out of its HTML."""
    found = re.findall(r'<script type="application/json" class="nnbook-data">(.*?)</script>',
                       widget.html, flags=re.S)
    assert len(found) == 1
    return json.loads(found[0])


def scripts(widget: core.Widget) -> list[str]:
    """The widget's executable scripts (not its JSON data)."""
    return re.findall(r"<script>(.*?)</script>", widget.html, flags=re.S)


def styles(widget: core.Widget) -> list[str]:
    return re.findall(r"<style>(.*?)</style>", widget.html, flags=re.S)


def assert_valid_javascript(widget: core.Widget, folder) -> None:
    """Node.js parses every script of the widget (``node --check``)."""
    for i, script in enumerate(scripts(widget)):
        path = folder / f"{widget.id}-{i}.js"
        path.write_text(script)
        done = subprocess.run([NODE, "--check", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def run_js(program: str):
    """Run ``program`` with Node.js and parse what it prints as JSON."""
    done = subprocess.run([NODE, "-e", program], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


# ---------------------------------------------------------------------------------------------
# Assets
# ---------------------------------------------------------------------------------------------

EXPECTED_ASSETS = ("explorer-controls.js", "explorer-curves.js", "explorer-math.js",
                   "explorer-surface.js", "explorer.css", "neuron-player.css",
                   "neuron-player.js", "softmax-sliders.css", "softmax-sliders.js", "softmax.js")


def test_every_asset_is_found_and_holds_code():
    assert core.asset_names() == EXPECTED_ASSETS
    for name in EXPECTED_ASSETS:
        text, file = core.asset(name), (ASSETS / name).read_text()
        assert len(text) > 200 and text.endswith("\n") and not text.startswith("\n"), name
        # The file's opening comment is for its readers, not embedded in the pages.
        assert file.startswith("/* ") and file.endswith(text) and not text.startswith("/*")


def test_asset_is_read_once():
    assert core.asset("explorer-math.js") is core.asset("explorer-math.js")


@pytest.mark.parametrize("bad", ["nope.js", "../core.py", "assets/softmax.js", ""])
def test_asset_rejects_names_that_are_not_assets(bad):
    with pytest.raises(ValueError, match=r"name must be one of the widget assets \[.*softmax\.js"):
        core.asset(bad)


def test_pyproject_ships_every_asset_as_package_data():
    """A non-editable install (a wheel) has only the files package-data lists."""
    patterns = tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["package-data"]["nnbook"]
    for name in core.asset_names():
        assert any(fnmatch.fnmatch(f"widgets/assets/{name}", p) for p in patterns), name


def test_style_fills_every_placeholder():
    for name, values in [("neuron-player.css", {"accent": PALETTE[1]}),
                         ("softmax-sliders.css", {"accent": PALETTE[0]}),
                         ("explorer.css", {"accent": PALETTE[0], "success": PALETTE[2]})]:
        element = core.style(name, **values)
        assert element.startswith("<style>\n") and element.endswith("}\n</style>")
        assert "$" not in element
        for colour in values.values():
            assert colour in element
    with pytest.raises(KeyError, match="success"):
        core.style("explorer.css", accent="#000000")


@needs_node
@pytest.mark.parametrize("name", [n for n in EXPECTED_ASSETS if n.endswith(".js")])
def test_every_script_asset_is_valid_javascript(name, tmp_path):
    path = tmp_path / name
    path.write_text(core.asset(name))
    done = subprocess.run([NODE, "--check", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def tiny_run() -> dict:
    return {"w": [0.6, 0.5, 0.4], "b": [0.9, 0.8, 0.7], "output": [0.8, 0.7, 0.6],
            "cost": [0.3, 0.2, 0.1]}


# Each widget the pages use, with the assets it must embed (scripts in this order) and its CSS.
EMBEDS = [
    (lambda: chapter3.neuron_player({"run": tiny_run()}), ["neuron-player.js"],
     "neuron-player.css"),
    (lambda: chapter3.softmax_sliders([2.5, -1, 3.2, 0.5]), ["softmax.js", "softmax-sliders.js"],
     "softmax-sliders.css"),
    (uw.neuron, ["explorer-math.js", "explorer-controls.js", "explorer-curves.js"],
     "explorer.css"),
    (lambda: uw.design(0), ["explorer-math.js", "explorer-controls.js", "explorer-curves.js"],
     "explorer.css"),
    (uw.tower, ["explorer-math.js", "explorer-controls.js", "explorer-surface.js"],
     "explorer.css"),
]


@pytest.mark.parametrize("build, names, css", EMBEDS,
                         ids=["neuron_player", "softmax_sliders", "curves", "design", "surface"])
def test_each_widget_embeds_its_scripts_and_styles(build, names, css):
    widget = build()
    (body,) = scripts(widget)
    positions = [body.find(core.asset(name)) for name in names]
    assert all(p >= 0 for p in positions), dict(zip(names, positions))
    assert positions == sorted(positions)
    others = [n for n in core.asset_names() if n.endswith(".js") and n not in names]
    assert not any(core.asset(n) in body for n in others)
    (sheet,) = styles(widget)
    # The stylesheet up to its first placeholder is embedded as it is.
    assert core.asset(css).split("$")[0] in sheet


# ---------------------------------------------------------------------------------------------
# Widget, ids, data, script
# ---------------------------------------------------------------------------------------------


def test_widget_displays_its_html_and_describes_itself():
    widget = core.Widget("<div>x</div>", "an-id", "thing")
    assert widget._repr_html_() == "<div>x</div>" and widget.id == "an-id"
    assert repr(widget) == "<thing: HTML that plays in a browser>"


def test_new_ids_share_the_digest_of_the_data_and_differ_in_the_serial():
    first, second = core.new_id("kind", {"a": [1, 2]}), core.new_id("kind", {"a": [1, 2]})
    other = core.new_id("kind", {"a": [1, 3]})
    pattern = re.compile(r"nnbook-kind-([0-9a-f]{8})-(\d+)")
    (d1, n1), (d2, n2), (d3, _) = (pattern.fullmatch(i).groups() for i in (first, second, other))
    assert d1 == d2 != d3
    assert int(n2) == int(n1) + 1


def test_json_for_script_cannot_end_its_element_and_reads_back():
    data = {"label": "</script><b>&amp;", "x": [0.5, -1]}
    text = core.json_for_script(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == data
    assert core.data_script(data) == (
        f'<script type="application/json" class="nnbook-data">{text}</script>')
    with pytest.raises(ValueError):
        core.json_for_script({"x": float("nan")})


@needs_node
def test_script_binds_root_to_the_element_with_the_widgets_id():
    wrapped = core.script("w-1", "result.push(root.id);")
    body = re.fullmatch(r"<script>(.*)</script>", wrapped, flags=re.S)[1]
    # Without document.currentScript (the classic notebook), the root is found by its id.
    program = ("var result = [], document = {currentScript: null, getElementById: "
               "function (id) { return {id: id}; }};\n" + body
               + "\nconsole.log(JSON.stringify(result));")
    assert run_js(program) == ["w-1"]


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("span, most, step", [(1.0, 6, 0.2), (1.0, 5, 0.2), (6.0, 6, 1.0),
                                              (0.37, 5, 0.1), (300, 4, 100), (2.0, 8, 0.25)])
def test_nice_step_is_round_and_gives_at_most_most_gaps(span, most, step):
    assert core.nice_step(span, most) == pytest.approx(step)
    assert span / core.nice_step(span, most) <= most + 1e-9


def test_ticks_are_the_multiples_of_the_step_in_the_range():
    assert core.ticks(0, 1, 0.2) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert core.ticks(-3, 3, 1.0) == [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]
    assert core.ticks(-0.1, 1.1, 0.2) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert core.ticks(0, 0.3, 0.1) == [0.0, 0.1, 0.2, 0.3]  # 3 * 0.1 is shown as 0.3
    steps = core.ticks(0, 300, 100)
    assert steps == [0, 100, 200, 300] and all(isinstance(t, int) for t in steps)


def test_rounding_for_json():
    assert core.round_significant(np.array([1.23456789, -0.000123456789, 98765.4321]), 5) == \
        [1.2346, -0.00012346, 98765.0]
    rounded = core.round_decimals(np.array([[0.123456, -2.0], [1 / 3, 7.77777]]), 4)
    assert rounded == [0.1235, -2.0, 0.3333, 7.7778]
    assert all(type(v) is float for v in rounded)


@pytest.mark.parametrize("bad, message", [
    ("ab", "xs must be a list of numbers"),
    ([1.0], "at least two numbers; got shape"),
    ([[1.0, 2.0]], "at least two numbers; got shape"),
    ([1.0, np.inf], "xs must hold finite numbers"),
])
def test_series_rejects_what_is_not_a_list_of_numbers(bad, message):
    with pytest.raises(ValueError, match=message):
        core.series(bad, "xs", "numbers")
    np.testing.assert_array_equal(core.series((1, 2.5), "xs", "numbers"), [1.0, 2.5])
