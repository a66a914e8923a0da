"""Interactive pieces for the book's pages that play in the reader's browser, with no kernel.

The original book has a few small interactive figures. A Jupyter Book page is static HTML, so
here the numbers are computed in Python when the page is built (with ``nnbook``, like everything
else on the site) and the browser only *shows* them: each function returns a :class:`Widget`,
a piece of self-contained HTML (markup, a ``<style>`` block, the data as JSON and a short
script of our own) that a notebook, and therefore myst-nb, displays as a ``text/html`` output.

- :func:`neuron_player` -- chapter 3's single neuron learning: for each recorded run, a Play
  button and a step slider that replay its weight, bias, output and cost step by step and draw
  the cost curve up to the current step.
- :func:`softmax_sliders` -- chapter 3's softmax layer: one slider per weighted input z_j and
  one bar per output a_j, recomputed in the browser as a slider moves.

What the HTML promises:

- **Right without a script.** The markup already shows the starting state (step 0 of each run;
  the softmax of the starting z, computed by :data:`nnbook.activations.softmax`), so a viewer
  that does not run scripts (a notebook opened untrusted) still shows correct numbers.
- **Nothing from the network.** No external script, stylesheet or font: the site works offline.
- **Several on one page.** Every widget gets its own element id (a digest of its data and a
  serial number), its script finds its own elements through ``document.currentScript`` (or
  that id) and looks only inside them, and its styles apply only to its own classes.
- **Light and dark themes.** No background of its own: text and axes use ``currentColor``,
  lines the theme's variables where it has them, data the colour-blind-safe
  :data:`nnbook.figures.plots.PALETTE`. On paper the widgets are hidden; the page's static figures
  show the same runs.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nnbook.activations import softmax as _softmax
from nnbook.figures.style import PALETTE

__all__ = ["Widget", "neuron_player", "softmax_sliders"]

RUN_KEYS = ("w", "b", "output", "cost")  # what neuron_player needs for every step of a run
SIGNIFICANT_DIGITS = 5  # the embedded data is rounded to this many significant digits
STEP_MS = 20  # a running player shows one gradient step every STEP_MS milliseconds
Z_LIMIT, Z_STEP = 5.0, 0.1  # the softmax sliders run from -Z_LIMIT to Z_LIMIT in steps of Z_STEP

_serial = itertools.count(1)


class Widget:
    """A piece of HTML that a notebook (and a Jupyter Book page) displays as itself.

    ``html`` is the markup; Jupyter shows it through :meth:`_repr_html_`. ``repr()`` is a one-line
    description, which is what a plain-text console shows. ``id`` is the id of its outer element.
    """

    def __init__(self, html: str, id: str, description: str):
        self.html, self.id, self.description = html, id, description

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<{self.description}: HTML that plays in a browser>"


# ---------------------------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------------------------


def _new_id(kind: str, data: Any) -> str:
    """An element id for a new widget: ``nnbook-<kind>-<digest of its data>-<serial number>``.

    The serial number makes ids unique within one kernel (one page); the digest keeps the
    widgets of different pages apart when several pages share one document (a single-page
    build). Both are deterministic, so rebuilding a page gives the same HTML.
    """
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:8]
    return f"nnbook-{kind}-{digest}-{next(_serial)}"


def _rounded(values: np.ndarray) -> list[float]:
    """Values rounded to SIGNIFICANT_DIGITS significant digits, as plain floats for JSON."""
    return [float(f"{value:.{SIGNIFICANT_DIGITS}g}") for value in values]


def _json_for_script(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no '<', '>' or '&' left to end it early."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _script(widget_id: str, body: str) -> str:
    """The widget's script: ``body`` runs with ``root`` bound to the widget's outer element.

    ``document.currentScript`` (the script element itself, a child of the root) finds the root
    on a page and in JupyterLab; the classic notebook runs output scripts without it, hence the
    lookup by id as a fallback.
    """
    fallback = f"document.getElementById({json.dumps(widget_id)})"
    return (f"<script>(function (root) {{\n{body}\n}})(document.currentScript "
            f"? document.currentScript.parentNode : {fallback});</script>")


def _series(values: Any, name: str, what: str) -> np.ndarray:
    """``values`` as a 1-D array of at least two finite floats, or a ValueError naming ``name``."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a list of {what}; got {values!r}") from None
    if array.ndim != 1 or array.size < 2:
        raise ValueError(f"{name} must be a list of at least two {what}; got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers; got {array!r}")
    return array


def _nice_step(span: float, most: int) -> float:
    """A round tick spacing (1, 2, 2.5 or 5 times a power of ten) giving at most ``most`` gaps."""
    raw = span / most
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))


def _ticks(top: float, step: float) -> list[float]:
    return [round(i * step, 10) for i in range(int(math.floor(top / step + 1e-9)) + 1)]


# ---------------------------------------------------------------------------------------------
# The single neuron learning
# ---------------------------------------------------------------------------------------------

# The cost chart, in SVG user units: the plot area inside a CHART_WIDTH x CHART_HEIGHT box.
CHART_WIDTH, CHART_HEIGHT = 360, 190
PLOT = {"left": 52, "right": 346, "top": 10, "bottom": 150}

_PLAYER_CSS = f"""
.nnbook-neuron-player {{ margin: 1em 0; }}
.nnbook-neuron-player .nnbook-player {{ border: 1px solid var(--pst-color-border, #c8c8c8);
  border-radius: 6px; padding: 0.5em 0.8em; margin: 0.6em 0; }}
.nnbook-neuron-player .nnbook-player-title {{ font-weight: 600; margin-bottom: 0.2em; }}
.nnbook-neuron-player .nnbook-player-body {{ display: flex; flex-wrap: wrap;
  align-items: center; gap: 0.5em 1.5em; }}
.nnbook-neuron-player svg {{ display: block; max-width: 100%; height: auto;
  overflow: visible; font-family: inherit; }}
.nnbook-neuron-player svg text {{ fill: currentColor; font-size: 12px; }}
.nnbook-neuron-player .nnbook-controls {{ display: flex; align-items: center; gap: 0.8em;
  flex-wrap: wrap; margin-top: 0.3em; }}
.nnbook-neuron-player .nnbook-controls input {{ flex: 1 1 12em; min-width: 8em;
  accent-color: {PALETTE[1]}; }}
.nnbook-neuron-player button {{ font: inherit; color: inherit; background: transparent;
  border: 1px solid currentColor; border-radius: 4px; padding: 0.15em 0.9em; min-width: 5em;
  cursor: pointer; }}
.nnbook-neuron-player .nnbook-readout {{ font-variant-numeric: tabular-nums; white-space: nowrap;
  min-width: 18em; }}
@media print {{ .nnbook-neuron-player {{ display: none; }} }}
"""

# For each player: draw step s (path of the cost up to s, the marker, the numbers) and run it.
_PLAYER_JS = """
var data = JSON.parse(root.querySelector("script.nnbook-data").textContent);
var plot = data.plot;
Array.prototype.forEach.call(root.querySelectorAll(".nnbook-player"), function (el, i) {
  var run = data.runs[i], last = run.cost.length - 1, step = 0, timer = null;
  var slider = el.querySelector("input.nnbook-step"), button = el.querySelector("button");
  var path = el.querySelector(".nnbook-cost-path"), dot = el.querySelector(".nnbook-cost-dot");
  var body = el.querySelector(".nnbook-body");
  function x(s) { return plot.left + (plot.right - plot.left) * s / run.xmax; }
  function y(c) { return plot.bottom - (plot.bottom - plot.top) * c / run.ymax; }
  function put(field, text) {
    Array.prototype.forEach.call(el.querySelectorAll("[data-field='" + field + "']"),
      function (node) { node.textContent = text; });
  }
  function show(s) {
    step = s;
    slider.value = s;
    var d = "M" + x(0).toFixed(1) + " " + y(run.cost[0]).toFixed(1);
    for (var k = 1; k <= s; k++) d += "L" + x(k).toFixed(1) + " " + y(run.cost[k]).toFixed(1);
    path.setAttribute("d", d);
    dot.setAttribute("cx", x(s).toFixed(1));
    dot.setAttribute("cy", y(run.cost[s]).toFixed(1));
    body.setAttribute("fill-opacity", (0.1 + 0.5 * run.output[s]).toFixed(3));
    put("step", String(s));
    put("w", run.w[s].toFixed(3));
    put("b", run.b[s].toFixed(3));
    put("output", run.output[s].toFixed(3));
    put("cost", run.cost[s].toFixed(4));
  }
  function pause() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    button.textContent = "Play";
  }
  function play() {
    if (step >= last) show(0);
    button.textContent = "Pause";
    timer = setInterval(function () {
      show(Math.min(step + 1, last));
      if (step >= last) pause();
    }, data.step_ms);
  }
  button.addEventListener("click", function () { if (timer === null) play(); else pause(); });
  slider.addEventListener("input", function () { pause(); show(Number(slider.value)); });
});
"""


def _check_runs(runs: Any) -> dict[str, dict[str, np.ndarray]]:
    if not isinstance(runs, Mapping) or not runs:
        raise ValueError("runs must be a non-empty mapping from a label to a run ({'w': [...], "
                         f"'b': [...], 'output': [...], 'cost': [...]}}); got {runs!r}")
    checked = {}
    for label, run in runs.items():
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"each run's label must be a non-empty string; got {label!r}")
        if not isinstance(run, Mapping):
            raise ValueError(f"run {label!r} must be a mapping with keys {list(RUN_KEYS)}; "
                             f"got {type(run).__name__}")
        if set(run) != set(RUN_KEYS):
            missing = [k for k in RUN_KEYS if k not in run]
            extra = [k for k in run if k not in RUN_KEYS]
            raise ValueError(f"run {label!r} must have exactly the keys {list(RUN_KEYS)}; "
                             f"missing {missing}, unexpected {extra}")
        series = {key: _series(run[key], f"run {label!r}: {key}", "numbers, one per step")
                  for key in RUN_KEYS}
        lengths = {key: s.size for key, s in series.items()}
        if len(set(lengths.values())) != 1:
            raise ValueError(f"run {label!r}: w, b, output and cost need one entry per step "
                             f"each (entry 0 before any step); got lengths {lengths}")
        if series["output"].min() < 0 or series["output"].max() > 1:
            raise ValueError(f"run {label!r}: output must be a sigmoid neuron's output, in "
                             f"[0, 1]; got values from {series['output'].min():g} to "
                             f"{series['output'].max():g}")
        if series["cost"].min() < 0:
            raise ValueError(f"run {label!r}: cost must be non-negative; got "
                             f"{series['cost'].min():g}")
        checked[label] = series
    return checked


def _neuron_svg(run: dict[str, Any]) -> str:
    """A one-input neuron: x = 1, an arrow labelled w, the neuron (b under it), the output a.

    The neuron is shaded by its output (darker when a is near 1), as the player's script does.
    """
    opacity = f"{0.1 + 0.5 * run['output'][0]:.3f}"
    return f"""<svg class="nnbook-neuron" width="250" height="110" viewBox="0 0 250 110"
 role="img" aria-label="A neuron with one input x = 1, weight w and bias b, and output a">
<g stroke="currentColor" stroke-width="1.5"><path d="M44 55H104M167 55H234"/></g>
<g fill="currentColor"><path d="M112 55l-9 -4.5v9z"/><path d="M242 55l-9 -4.5v9z"/></g>
<text x="4" y="59">x = 1</text>
<text x="77" y="45" text-anchor="middle">w =
 <tspan data-field="w">{run['w'][0]:.3f}</tspan></text>
<circle class="nnbook-body" cx="140" cy="55" r="27" fill="{PALETTE[0]}"
 fill-opacity="{opacity}" stroke="currentColor" stroke-width="1.5"/>
<text x="140" y="60" text-anchor="middle">σ</text>
<text x="140" y="101" text-anchor="middle">b =
 <tspan data-field="b">{run['b'][0]:.3f}</tspan></text>
<text x="204" y="45" text-anchor="middle">a =
 <tspan data-field="output">{run['output'][0]:.3f}</tspan></text>
</svg>"""


def _chart_svg(run: dict[str, Any]) -> str:
    """Axes for the cost against the step, and the curve up to step 0 (the script extends it)."""
    left, right, top, bottom = PLOT["left"], PLOT["right"], PLOT["top"], PLOT["bottom"]

    def x(s: float) -> float:
        return left + (right - left) * s / run["xmax"]

    def y(c: float) -> float:
        return bottom - (bottom - top) * c / run["ymax"]

    parts = [f'<svg class="nnbook-chart" width="{CHART_WIDTH}" height="{CHART_HEIGHT}" '
             f'viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img" '
             f'aria-label="The cost after each gradient step, drawn up to the current step">',
             f'<g stroke="currentColor" stroke-width="1" fill="none">'
             f'<path d="M{left} {top}V{bottom}H{right}"/>']
    for tick in run["xticks"]:
        parts.append(f'<path d="M{x(tick):.1f} {bottom}v5"/>')
    for tick in run["yticks"]:
        parts.append(f'<path d="M{left} {y(tick):.1f}h-5"/>')
    parts.append("</g>")
    for tick in run["xticks"]:
        parts.append(f'<text x="{x(tick):.1f}" y="{bottom + 18}" text-anchor="middle">'
                     f'{tick:g}</text>')
    for tick in run["yticks"]:
        parts.append(f'<text x="{left - 8}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                     f'{tick:g}</text>')
    middle = (left + right) / 2
    parts.append(f'<text x="{middle}" y="{CHART_HEIGHT - 4}" text-anchor="middle">'
                 f'gradient step</text>')
    parts.append(f'<text x="12" y="{(top + bottom) / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 12 {(top + bottom) / 2})">cost C</text>')
    start = f"{x(0):.1f} {y(run['cost'][0]):.1f}"
    parts.append(f'<path class="nnbook-cost-path" d="M{start}" fill="none" '
                 f'stroke="{PALETTE[1]}" stroke-width="2" stroke-linejoin="round"/>')
    parts.append(f'<circle class="nnbook-cost-dot" cx="{x(0):.1f}" cy="{y(run["cost"][0]):.1f}" '
                 f'r="4" fill="{PALETTE[1]}"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def neuron_player(runs: Mapping[str, Mapping[str, Sequence[float]]]) -> Widget:
    """Players that replay recorded runs of chapter 3's single neuron, in the browser.

    Parameters
    ----------
    runs : mapping from a label to a run
        The label names the run ("quadratic cost, w = 0.6, b = 0.9"). A run is a mapping with
        the keys ``"w"``, ``"b"``, ``"output"`` and ``"cost"``, each a sequence with one entry
        per step: entry 0 is the neuron before training, entry i its weight, bias, output
        (in [0, 1]) and cost (non-negative) after i gradient steps.

    Returns
    -------
    Widget
        One player per run, in the order given: a drawing of the neuron with its current w, b
        and output a; the cost curve up to the current step; a Play/Pause button (one step
        every STEP_MS ms; Play at the end starts again) and a slider to move to any step.
        The numbers are embedded as JSON, rounded to SIGNIFICANT_DIGITS significant digits;
        the markup shows step 0.
    """
    checked = _check_runs(runs)
    records = []
    for label, series in checked.items():
        steps = series["cost"].size - 1
        top = float(series["cost"].max()) or 1.0
        y_step = _nice_step(top, 5)
        ymax = y_step * math.ceil(top / y_step - 1e-9)
        records.append({"label": label, **{key: _rounded(series[key]) for key in RUN_KEYS},
                        "xmax": steps, "ymax": ymax,
                        "xticks": _ticks(steps, max(1, round(_nice_step(steps, 4)))),
                        "yticks": _ticks(ymax, y_step)})
    data = {"plot": PLOT, "step_ms": STEP_MS, "runs": records}
    widget_id = _new_id("neuron-player", data)

    players = []
    for run in records:
        steps = run["xmax"]
        players.append(f"""<div class="nnbook-player">
<div class="nnbook-player-title">{html.escape(run['label'])}</div>
<div class="nnbook-player-body">
{_neuron_svg(run)}
{_chart_svg(run)}
</div>
<div class="nnbook-controls">
<button type="button">Play</button>
<input class="nnbook-step" type="range" min="0" max="{steps}" step="1" value="0"
 aria-label="gradient step, 0 to {steps}">
<span class="nnbook-readout">step <span data-field="step">0</span> of {steps},
 cost C = <span data-field="cost">{run['cost'][0]:.4f}</span></span>
</div>
</div>""")
    markup = (f'<div class="nnbook-widget nnbook-neuron-player" id="{widget_id}">\n'
              f"<style>{_PLAYER_CSS}</style>\n" + "\n".join(players) + "\n"
              f'<script type="application/json" class="nnbook-data">{_json_for_script(data)}'
              f"</script>\n" + _script(widget_id, _PLAYER_JS) + "\n</div>")
    return Widget(markup, widget_id, f"neuron player: {len(records)} run(s)")


# ---------------------------------------------------------------------------------------------
# Softmax sliders
# ---------------------------------------------------------------------------------------------

_SOFTMAX_CSS = f"""
.nnbook-softmax {{ margin: 1em 0; border: 1px solid var(--pst-color-border, #c8c8c8);
  border-radius: 6px; padding: 0.6em 0.9em; max-width: 44em; }}
.nnbook-softmax .nnbook-rows {{ display: grid; align-items: center; gap: 0.45em 0.9em;
  grid-template-columns: max-content minmax(8em, 1fr) max-content minmax(8em, 1.4fr); }}
.nnbook-softmax input {{ width: 100%; margin: 0; accent-color: {PALETTE[0]}; }}
.nnbook-softmax .nnbook-value {{ font-variant-numeric: tabular-nums; white-space: nowrap; }}
.nnbook-softmax .nnbook-track {{ height: 1.1em; border-radius: 3px;
  background: rgba(128, 128, 128, 0.18); overflow: hidden; }}
.nnbook-softmax .nnbook-bar {{ height: 100%; background: {PALETTE[0]}; }}
.nnbook-softmax .nnbook-sum {{ margin-top: 0.5em; font-variant-numeric: tabular-nums; }}
@media print {{ .nnbook-softmax {{ display: none; }} }}
"""

# The softmax of a list of numbers; the largest is subtracted first so nothing overflows.
_SOFTMAX_FUNCTION_JS = """function softmax(z) {
  var top = Math.max.apply(null, z);
  var e = z.map(function (v) { return Math.exp(v - top); });
  var total = e.reduce(function (s, v) { return s + v; }, 0);
  return e.map(function (v) { return v / total; });
}"""

_SOFTMAX_JS = _SOFTMAX_FUNCTION_JS + """
var sliders = root.querySelectorAll("input.nnbook-z");
function update() {
  var z = Array.prototype.map.call(sliders, function (s) { return Number(s.value); });
  var a = softmax(z), total = 0;
  for (var j = 0; j < z.length; j++) {
    total += a[j];
    root.querySelector("[data-field='z" + j + "']").textContent = z[j].toFixed(1);
    root.querySelector("[data-field='a" + j + "']").textContent = a[j].toFixed(3);
    root.querySelector("[data-field='bar" + j + "']").style.width = (100 * a[j]).toFixed(2) + "%";
  }
  root.querySelector("[data-field='sum']").textContent = total.toFixed(3);
}
Array.prototype.forEach.call(sliders, function (s) { s.addEventListener("input", update); });
"""


def softmax_sliders(z: Sequence[float]) -> Widget:
    """Sliders for the weighted inputs z_j of a softmax layer and bars for its outputs a_j.

    Each slider moves one z_j between -5 and 5 in steps of 0.1; the browser then recomputes
    a = softmax(z) (a few lines of script, equation (78)) and redraws the bars and their values,
    and the sum of the outputs, which stays 1. The markup shows the outputs for the given ``z``,
    computed here with :data:`nnbook.activations.softmax`.

    Parameters
    ----------
    z : sequence of 2 to 10 numbers
        The starting weighted inputs (chapter 3 uses (2.5, -1, 3.2, 0.5)); each must lie in
        [-5, 5] and be a multiple of 0.1, a position the slider can show.
    """
    values = _series(z, "z", "weighted inputs")
    if values.size > 10:
        raise ValueError(f"z must have 2 to 10 entries, one slider each; got {values.size}")
    if np.any(np.abs(values) > Z_LIMIT + 1e-9):
        raise ValueError(f"z must lie in [-{Z_LIMIT:g}, {Z_LIMIT:g}], the sliders' range; "
                         f"got {values.tolist()}")
    grid = np.round(values / Z_STEP)
    if np.any(np.abs(values - grid * Z_STEP) > 1e-9):
        raise ValueError(f"z must be multiples of {Z_STEP:g}, positions the sliders can show; "
                         f"got {values.tolist()}")
    a = _softmax(values)
    widget_id = _new_id("softmax", values.tolist())

    rows = []
    for j, (zj, aj) in enumerate(zip(values, a)):
        slider = f"{widget_id}-z{j + 1}"
        rows.append(f"""<label class="nnbook-value" for="{slider}">z<sub>{j + 1}</sub> =
 <span data-field="z{j}">{zj:.1f}</span></label>
<input class="nnbook-z" id="{slider}" type="range" min="{-Z_LIMIT:g}" max="{Z_LIMIT:g}"
 step="{Z_STEP:g}" value="{zj:.1f}">
<span class="nnbook-value">a<sub>{j + 1}</sub> = <span data-field="a{j}">{aj:.3f}</span></span>
<div class="nnbook-track" aria-hidden="true"><div class="nnbook-bar" data-field="bar{j}"
 style="width: {100 * aj:.2f}%"></div></div>""")
    terms = " + ".join(f"a<sub>{j + 1}</sub>" for j in range(values.size))
    markup = (f'<div class="nnbook-widget nnbook-softmax" id="{widget_id}">\n'
              f"<style>{_SOFTMAX_CSS}</style>\n"
              f'<div class="nnbook-rows">\n' + "\n".join(rows) + "\n</div>\n"
              f'<div class="nnbook-sum">{terms} = '
              f'<span data-field="sum">{float(np.sum(a)):.3f}</span></div>\n'
              + _script(widget_id, _SOFTMAX_JS) + "\n</div>")
    return Widget(markup, widget_id, f"softmax sliders: {values.size} inputs")
