"""Chapter 3's interactive figures: a single neuron learning, and a softmax layer on sliders.

Both are :class:`nnbook.widgets.core.Widget` objects: HTML that plays in the reader's browser
from numbers computed here, when the page is built (see :mod:`nnbook.widgets.core` for what
every widget's HTML promises: right without a script, offline, several on a page, both themes).

- :func:`neuron_player` -- chapter 3's single neuron learning: for each recorded run, a Play
  button and a step slider that replay its weight, bias, output and cost step by step and draw
  the cost curve up to the current step (script and styles: ``assets/neuron-player.js`` and
  ``.css``). The markup shows step 0 of each run.
- :func:`softmax_sliders` -- chapter 3's softmax layer: one slider per weighted input z_j and
  one bar per output a_j, recomputed in the browser as a slider moves (``assets/softmax.js``,
  the softmax itself, and ``assets/softmax-sliders.js`` and ``.css``). The markup shows the
  softmax of the starting z, computed by :data:`nnbook.activations.softmax`.

On paper the widgets are hidden; the page's static figures show the same runs.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nnbook import activations
from nnbook.figures.style import PALETTE
from nnbook.widgets.core import (Widget, asset, data_script, new_id, nice_step,
                                 round_significant, script, series, style, ticks)

__all__ = ["neuron_player", "softmax_sliders"]

RUN_KEYS = ("w", "b", "output", "cost")  # what neuron_player needs for every step of a run
SIGNIFICANT_DIGITS = 5  # the embedded data is rounded to this many significant digits
STEP_MS = 20  # a running player shows one gradient step every STEP_MS milliseconds
Z_LIMIT, Z_STEP = 5.0, 0.1  # the softmax sliders run from -Z_LIMIT to Z_LIMIT in steps of Z_STEP


# ---------------------------------------------------------------------------------------------
# The single neuron learning
# ---------------------------------------------------------------------------------------------

# The cost chart, in SVG user units: the plot area inside a CHART_WIDTH x CHART_HEIGHT box.
CHART_WIDTH, CHART_HEIGHT = 360, 190
PLOT = {"left": 52, "right": 346, "top": 10, "bottom": 150}


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
        numbers = {key: series(run[key], f"run {label!r}: {key}", "numbers, one per step")
                   for key in RUN_KEYS}
        lengths = {key: s.size for key, s in numbers.items()}
        if len(set(lengths.values())) != 1:
            raise ValueError(f"run {label!r}: w, b, output and cost need one entry per step "
                             f"each (entry 0 before any step); got lengths {lengths}")
        if numbers["output"].min() < 0 or numbers["output"].max() > 1:
            raise ValueError(f"run {label!r}: output must be a sigmoid neuron's output, in "
                             f"[0, 1]; got values from {numbers['output'].min():g} to "
                             f"{numbers['output'].max():g}")
        if numbers["cost"].min() < 0:
            raise ValueError(f"run {label!r}: cost must be non-negative; got "
                             f"{numbers['cost'].min():g}")
        checked[label] = numbers
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
    for label, numbers in checked.items():
        steps = numbers["cost"].size - 1
        top = float(numbers["cost"].max()) or 1.0
        y_step = nice_step(top, 5)
        ymax = y_step * math.ceil(top / y_step - 1e-9)
        records.append({"label": label,
                        **{key: round_significant(numbers[key], SIGNIFICANT_DIGITS)
                           for key in RUN_KEYS},
                        "xmax": steps, "ymax": ymax,
                        "xticks": ticks(0, steps, max(1, round(nice_step(steps, 4)))),
                        "yticks": ticks(0, ymax, y_step)})
    data = {"plot": PLOT, "step_ms": STEP_MS, "runs": records}
    widget_id = new_id("neuron-player", data)

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
              + style("neuron-player.css", accent=PALETTE[1]) + "\n"
              + "\n".join(players) + "\n" + data_script(data) + "\n"
              + script(widget_id, "\n" + asset("neuron-player.js")) + "\n</div>")
    return Widget(markup, widget_id, f"neuron player: {len(records)} run(s)")


# ---------------------------------------------------------------------------------------------
# Softmax sliders
# ---------------------------------------------------------------------------------------------


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
    values = series(z, "z", "weighted inputs")
    if values.size > 10:
        raise ValueError(f"z must have 2 to 10 entries, one slider each; got {values.size}")
    if np.any(np.abs(values) > Z_LIMIT + 1e-9):
        raise ValueError(f"z must lie in [-{Z_LIMIT:g}, {Z_LIMIT:g}], the sliders' range; "
                         f"got {values.tolist()}")
    grid = np.round(values / Z_STEP)
    if np.any(np.abs(values - grid * Z_STEP) > 1e-9):
        raise ValueError(f"z must be multiples of {Z_STEP:g}, positions the sliders can show; "
                         f"got {values.tolist()}")
    a = activations.softmax(values)
    widget_id = new_id("softmax", values.tolist())

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
              + style("softmax-sliders.css", accent=PALETTE[0]) + "\n"
              + '<div class="nnbook-rows">\n' + "\n".join(rows) + "\n</div>\n"
              f'<div class="nnbook-sum">{terms} = '
              f'<span data-field="sum">{float(np.sum(a)):.3f}</span></div>\n'
              + script(widget_id, asset("softmax.js") + asset("softmax-sliders.js")) + "\n</div>")
    return Widget(markup, widget_id, f"softmax sliders: {values.size} inputs")
