"""Explorers: sliders and players over curves and surfaces computed when the page is built.

Chapter 4's argument is made with pictures that move: a slider changes a neuron's weight and the
reader watches its output turn into a step. A Jupyter Book page is static HTML, so here, as for
every widget (:mod:`nnbook.widgets.core`), each curve is computed in Python by ``nnbook`` while
the page is built and the browser only shows it.

An explorer is described by

- **sliders** (:class:`Slider`): each steps through a fixed list of values;
- **components**: named arrays, each a function of the values of *some* of the sliders. The
  function (usually a call into :mod:`nnbook.studies.universality`) is evaluated by the build
  for every combination of those sliders' values -- a *frame* -- and the frames are embedded in
  the page;
- **outputs** (:class:`Series` for curves, :class:`Surface` for 3-D views, :class:`Readout` for
  numbers): a weighted sum of components,

  .. math:: \\text{output} = s\\Big(\\sum_k c_k \\, \\text{component}_k\\Big),

  where each coefficient c_k is a number or the current value of a slider (an output weight h,
  a bias b) and s is nothing or the sigmoid. This is exactly the shape of the chapter's networks:
  the build computes what the hidden neurons output, the browser forms the weighted sum that
  the output neuron sees (and, for the towers, applies its sigmoid).

Keeping the browser to sums is what keeps the pages small: a bump is two steps, each a function
of one slider, so two sliders of 41 positions need 2 x 41 frames, not 41 x 41.

**Players** (:class:`Player`) move one or several sliders through a sequence of positions, in
place of the original's videos. A **score** (:class:`Score`) shows the mean absolute difference
between two outputs at chosen points, with a success message below a threshold: the design
challenge of chapter 4.

The browser's arithmetic is a few lines of script (``assets/explorer-math.js``) that the tests
run with Node.js against :func:`combine`, the same sum in numpy, which also draws the starting
state into the markup, so a curve explorer shows correct curves even where scripts do not run.
Surfaces are drawn by the script on a ``<canvas>`` (drag to turn them); the page's static
figures show the same constructions on paper.

Each explorer embeds ``assets/explorer-math.js``, then ``assets/explorer-controls.js`` (sliders,
players, readouts, score), then its kind's drawing (``assets/explorer-curves.js`` or
``assets/explorer-surface.js``), and the styles of ``assets/explorer.css``.
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

from nnbook import activations
from nnbook.figures.style import PALETTE
from nnbook.widgets.core import (Widget, asset, data_script, new_id, nice_step, round_decimals,
                                 script, style, ticks)

__all__ = ["Slider", "Player", "Series", "Surface", "Readout", "Score", "curves", "surface",
           "combine", "MAX_NUMBERS"]

MAX_NUMBERS = 120_000  # at most this many embedded numbers per explorer (about 0.7 MB of JSON)
DECIMALS = 4  # embedded frames are rounded to this many decimal places
COLORS = PALETTE[:5]  # the palette's black would vanish in the dark theme
SURFACE_COLORS = ("#0b3a66", "#2f8fc4", "#9fd3c7", "#f0c05a")  # low to high: dark blue to sand

Coefficient = Union[float, str]  # a number, or a slider's name, or "-" and a slider's name
Term = tuple[Coefficient, Union[str, None]]  # (coefficient, component name or None for 1)


@dataclass(frozen=True)
class Slider:
    """A slider stepping through ``values``; it starts at the value nearest ``start``.

    ``label`` is the text before it (plain text, e.g. "w" or "h₁"); ``digits`` the decimals
    shown for its value; ``choices``, if given, the text shown for each value instead (a
    direction switch: values (0, 1), choices ("x", "y")).
    """

    name: str
    values: Sequence[float]
    start: float | None = None
    label: str | None = None
    digits: int = 2
    choices: Sequence[str] | None = None


@dataclass(frozen=True)
class Player:
    """A Play button that moves sliders through ``steps``, one every ``interval_ms``.

    Each step maps slider names to values (each must be one of that slider's values, to within
    1e-9 of its spread). A single slider can be played through all its values with
    ``Player.through(slider)``.
    """

    label: str
    steps: Sequence[Mapping[str, float]]
    interval_ms: int = 60

    @staticmethod
    def through(slider: Slider, label: str = "Play", interval_ms: int = 60) -> Player:
        return Player(label, [{slider.name: v} for v in slider.values], interval_ms)


@dataclass(frozen=True)
class Series:
    """A curve: ``activation(sum of coefficient x component)``, drawn in the colour ``color``."""

    label: str
    terms: Sequence[Term]
    activation: str | None = None
    dashed: bool = False
    color: int | None = None


@dataclass(frozen=True)
class Surface:
    """A surface over the (x, y) grid: ``activation(sum of coefficient x component)``."""

    label: str
    terms: Sequence[Term]
    activation: str | None = None


@dataclass(frozen=True)
class Readout:
    """A number shown under the controls: ``label = value``, from scalar components."""

    label: str
    terms: Sequence[Term]
    digits: int = 3


@dataclass(frozen=True)
class Score:
    """Mean of |series a - series b| at the grid points ``points``; ``success`` below
    ``threshold``."""

    label: str
    a: int
    b: int
    points: Sequence[int]
    threshold: float
    success: str = "Success!"
    digits: int = 2


# ---------------------------------------------------------------------------------------------
# Checking and evaluating the description
# ---------------------------------------------------------------------------------------------


def _grid(values: Any, name: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a list of numbers; got {values!r}") from None
    if array.ndim != 1 or array.size < 2 or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be a 1-D list of at least two finite numbers; "
                         f"got shape {array.shape}")
    if np.any(np.diff(array) <= 0):
        raise ValueError(f"{name} must increase strictly; got {array.tolist()}")
    return array


def _check_sliders(sliders: Sequence[Slider]) -> dict[str, dict]:
    checked: dict[str, dict] = {}
    for s in sliders:
        if not isinstance(s, Slider):
            raise TypeError(f"sliders must be Slider objects; got {type(s).__name__}")
        if not s.name.isidentifier() or s.name in checked:
            raise ValueError(f"each slider needs a distinct identifier-like name; got {s.name!r}")
        values = _grid(s.values, f"slider {s.name!r}: values")
        start = values[0] if s.start is None else s.start
        index = int(np.argmin(np.abs(values - start)))
        if s.choices is not None and len(s.choices) != values.size:
            raise ValueError(f"slider {s.name!r}: choices must have one text per value "
                             f"({values.size}); got {len(s.choices)}")
        checked[s.name] = {"values": values, "index": index, "slider": s}
    return checked


def _position(sliders: dict[str, dict], name: str, value: float, where: str) -> int:
    if name not in sliders:
        raise ValueError(f"{where} names the slider {name!r}, which does not exist; "
                         f"sliders: {sorted(sliders)}")
    values = sliders[name]["values"]
    i = int(np.argmin(np.abs(values - value)))
    if abs(values[i] - value) > 1e-9 * (values[-1] - values[0]):
        raise ValueError(f"{where} sets slider {name!r} to {value!r}, which is not one of its "
                         f"values")
    return i


def _coefficient_slider(coefficient: Coefficient) -> str | None:
    if isinstance(coefficient, str):
        return coefficient[1:] if coefficient.startswith("-") else coefficient
    return None


def _frames(sliders: dict[str, dict], components: Mapping[str, tuple], shape: tuple[int, ...]
            ) -> dict[str, dict]:
    """Evaluate every component for every combination of the sliders it depends on.

    ``shape`` is the grid's shape: ``(nx,)`` for curves, ``(ny, nx)`` for surfaces. A
    component may return a scalar, an array of the grid's shape, or (surfaces only) an array of
    length nx (the same for every y) or -- declared with a third item ``"y"`` -- of length ny.
    """
    out = {}
    for name, spec in components.items():
        if not (isinstance(spec, tuple) and len(spec) in (2, 3) and callable(spec[1])):
            raise ValueError(f"component {name!r} must be (slider names, function) or "
                             f"(slider names, function, 'y'); got {spec!r}")
        deps, function = tuple(spec[0]), spec[1]
        along_y = len(spec) == 3 and spec[2] == "y"
        for dep in deps:
            if dep not in sliders:
                raise ValueError(f"component {name!r} depends on {dep!r}, which is not a "
                                 f"slider; sliders: {sorted(sliders)}")
        values = []
        for combo in itertools.product(*(sliders[d]["values"] for d in deps)):
            value = np.asarray(function(*combo), dtype=float)
            if not np.all(np.isfinite(value)):
                raise ValueError(f"component {name!r} is not finite at "
                                 f"{dict(zip(deps, combo))}")
            values.append(value)
        first = values[0].shape
        if any(v.shape != first for v in values):
            raise ValueError(f"component {name!r} must have the same shape in every frame")
        if first == ():
            along = "scalar"
        elif first == shape:
            along = "grid"
        elif len(shape) == 2 and first == (shape[0 if along_y else 1],):
            along = "y" if along_y else "x"
        else:
            raise ValueError(f"component {name!r} has shape {first}; expected a scalar or "
                             f"the grid's shape {shape}" + (
                                 f" or a row of {shape[1]} (x) or {shape[0]} (y) values"
                                 if len(shape) == 2 else ""))
        out[name] = {"deps": list(deps), "along": along, "frames": np.stack(values)}
    return out


def _check_terms(terms: Sequence[Term], sliders: dict, frames: dict, where: str,
                 scalar: bool = False) -> list[list]:
    checked = []
    if not terms:
        raise ValueError(f"{where} needs at least one term")
    for term in terms:
        if not (isinstance(term, tuple) and len(term) == 2):
            raise ValueError(f"{where}: each term must be (coefficient, component); got {term!r}")
        coefficient, component = term
        name = _coefficient_slider(coefficient)
        if name is not None and name not in sliders:
            raise ValueError(f"{where}: coefficient {coefficient!r} names no slider; "
                             f"sliders: {sorted(sliders)}")
        if name is None and not (isinstance(coefficient, (int, float))
                                 and math.isfinite(coefficient)):
            raise ValueError(f"{where}: a coefficient must be a finite number or a slider's "
                             f"name; got {coefficient!r}")
        if component is not None and component not in frames:
            raise ValueError(f"{where}: {component!r} is not a component; "
                             f"components: {sorted(frames)}")
        if scalar and component is not None and frames[component]["along"] != "scalar":
            raise ValueError(f"{where}: a readout takes scalar components only; "
                             f"{component!r} is an array")
        checked.append([coefficient if name else float(coefficient), component])
    return checked


def _check_activation(activation: str | None, where: str) -> str | None:
    if activation not in (None, "sigmoid"):
        raise ValueError(f"{where}: activation must be None or 'sigmoid'; got {activation!r}")
    return activation


def combine(terms: Sequence[Sequence], activation: str | None, frames: Mapping[str, dict],
            values: Mapping[str, np.ndarray], index: Mapping[str, int],
            shape: tuple[int, ...]) -> np.ndarray:
    """The output ``activation(sum_k c_k component_k)`` at the slider positions ``index``.

    The numpy twin of the browser's ``combine`` in ``assets/explorer-math.js``: ``frames`` and
    ``values`` are the embedded data (components' frames, sliders' values), ``shape`` the grid's
    shape (``()`` for a readout). Returns an array of that shape.
    """
    total = np.zeros(shape)
    for coefficient, component in terms:
        if isinstance(coefficient, str):
            name = _coefficient_slider(coefficient)
            c = values[name][index[name]] * (-1 if coefficient.startswith("-") else 1)
        else:
            c = coefficient
        if component is None:
            total = total + c
            continue
        spec = frames[component]
        k = 0
        for dep in spec["deps"]:
            k = k * len(values[dep]) + index[dep]
        frame = np.asarray(spec["frames"])[k]
        if spec["along"] == "y":
            frame = frame[:, None]
        total = total + c * frame
    return activations.sigmoid(total) if activation == "sigmoid" else total


# ---------------------------------------------------------------------------------------------
# The HTML: what both kinds share
# ---------------------------------------------------------------------------------------------

# The curve plot, in SVG user units.
WIDTH, HEIGHT = 560, 300
PLOT = {"left": 56, "right": 548, "top": 12, "bottom": 262}


def _fixed(value: float, digits: int) -> str:
    """``value`` with ``digits`` decimals, and no minus sign on a zero ("-0.00" is "0.00")."""
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def _axis_ticks(lo: float, hi: float) -> list[float]:
    """Round ticks from ``lo`` to ``hi``: at most six gaps."""
    return ticks(lo, hi, nice_step(hi - lo, 6))


def _range(value: Any, name: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be (low, high); got {value!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must be two finite numbers, low < high; got {value!r}")
    return lo, hi


def _prepare(sliders: Sequence[Slider], components: Mapping[str, tuple],
             players: Sequence[Player], readouts: Sequence[Readout], shape: tuple[int, ...]
             ) -> tuple[dict, dict, dict]:
    """Check the description shared by both kinds; returns (sliders, frames, data)."""
    checked = _check_sliders(sliders)
    frames = _frames(checked, components, shape)
    count = sum(spec["frames"].size for spec in frames.values())
    if count > MAX_NUMBERS:
        sizes = {name: spec["frames"].size for name, spec in frames.items()}
        raise ValueError(f"the frames hold {count:,} numbers, more than MAX_NUMBERS = "
                         f"{MAX_NUMBERS:,}; use fewer slider positions or a coarser grid "
                         f"(numbers per component: {sizes})")
    player_data = []
    for p in players:
        if not isinstance(p, Player) or not p.steps:
            raise ValueError(f"players must be Player objects with at least one step; got {p!r}")
        steps = [{name: _position(checked, name, value, f"player {p.label!r}")
                  for name, value in step.items()} for step in p.steps]
        player_data.append({"label": p.label, "steps": steps,
                            "interval_ms": int(p.interval_ms)})
    readout_data = [{"label": r.label, "digits": int(r.digits),
                     "terms": _check_terms(r.terms, checked, frames, f"readout {r.label!r}",
                                           scalar=True), "activation": None}
                    for r in readouts]
    data = {
        "sliders": [{"name": name, "index": s["index"], "digits": int(s["slider"].digits),
                     "choices": list(s["slider"].choices) if s["slider"].choices else None}
                    for name, s in checked.items()],
        "values": {name: [float(v) for v in s["values"]] for name, s in checked.items()},
        "components": _embedded_components(frames, checked),
        "players": player_data,
        "readouts": readout_data,
    }
    # Evaluate from the rounded numbers, as the browser will.
    for spec in frames.values():
        spec["frames"] = np.round(spec["frames"], DECIMALS)
    return checked, frames, data


def _embedded_components(frames: dict, checked: dict) -> dict:
    """The components as embedded: deps, along, values per frame and the rounded frames.

    A component whose frames equal an earlier one's (a step at s_1 and a step at s_2, when both
    sliders have the same values) is embedded as ``{"same_as": <earlier name>}`` instead of a
    second copy; the browser reads the earlier one's numbers.
    """
    embedded: dict[str, dict] = {}
    seen: list[tuple[str, list, np.ndarray]] = []
    for name, spec in frames.items():
        rounded = np.round(spec["frames"], DECIMALS)
        grids = [checked[d]["values"].tolist() for d in spec["deps"]]
        entry = {"deps": spec["deps"], "along": spec["along"],
                 "size": int(np.prod(rounded.shape[1:], dtype=int))}
        twin = next((other for other, other_grids, other_frames in seen
                     if other_grids == grids and other_frames.shape == rounded.shape
                     and frames[other]["along"] == spec["along"]
                     and np.array_equal(other_frames, rounded)), None)
        if twin is None:
            entry["data"] = round_decimals(rounded, DECIMALS)
            seen.append((name, grids, rounded))
        else:
            entry["same_as"] = twin
        embedded[name] = entry
    return embedded


def _start(checked: dict) -> tuple[dict, dict]:
    values = {name: s["values"] for name, s in checked.items()}
    index = {name: s["index"] for name, s in checked.items()}
    return values, index


def _controls_html(widget_id: str, checked: dict, data: dict, reset: bool) -> str:
    rows = []
    for name, s in checked.items():
        slider, value = s["slider"], s["values"][s["index"]]
        label = html.escape(slider.label or name)
        shown = slider.choices[s["index"]] if slider.choices else _fixed(value, slider.digits)
        element = f"{widget_id}-{name}"
        rows.append(f'<label for="{element}">{label}</label>'
                    f'<input id="{element}" type="range" data-slider="{name}" min="0" '
                    f'max="{s["values"].size - 1}" step="1" value="{s["index"]}" '
                    f'aria-label="{label}">'
                    f'<span class="nnbook-value" data-field="slider-{name}">'
                    f'{html.escape(shown)}</span>')
    buttons = [f'<button type="button" data-player="{i}">{html.escape(p["label"])}</button>'
               for i, p in enumerate(data["players"])]
    if reset:
        buttons.append('<button type="button" class="nnbook-reset">Reset</button>')
    parts = ['<div class="nnbook-sliders">' + "\n".join(rows) + "</div>"] if rows else []
    if buttons:
        parts.append('<div class="nnbook-buttons">' + "".join(buttons) + "</div>")
    return "\n".join(parts)


def _readouts_html(data: dict, frames: dict, values: dict, index: dict,
                   score_text: str | None) -> str:
    items = []
    for i, r in enumerate(data["readouts"]):
        value = float(combine(r["terms"], None, frames, values, index, ()))
        items.append(f'<span>{html.escape(r["label"])} = '
                     f'<span data-field="readout-{i}">{_fixed(value, r["digits"])}</span></span>')
    if score_text is not None:
        items.append(score_text)
    return '<div class="nnbook-readouts">' + "".join(items) + "</div>" if items else ""


def _wrap(kind: str, widget_id: str, title: str | None, body: str, data: dict) -> str:
    """The explorer's outer element: styles, title, ``body``, data and the scripts for ``kind``."""
    heading = f'<div class="nnbook-title">{html.escape(title)}</div>\n' if title else ""
    scripts = (asset("explorer-math.js") + asset("explorer-controls.js") + "\n"
               + asset(f"explorer-{kind}.js"))
    return (f'<div class="nnbook-widget nnbook-explorer nnbook-{kind}" id="{widget_id}">\n'
            + style("explorer.css", accent=COLORS[0], success=COLORS[2])
            + f"\n{heading}{body}\n" + data_script(data) + "\n"
            + script(widget_id, scripts) + "\n</div>")


# ---------------------------------------------------------------------------------------------
# The two kinds
# ---------------------------------------------------------------------------------------------


def curves(x: Any, sliders: Sequence[Slider], components: Mapping[str, tuple],
           series: Sequence[Series], *, y_range: tuple[float, float], title: str | None = None,
           x_label: str = "x", y_label: str = "", markers: Sequence[Sequence[Term]] = (),
           readouts: Sequence[Readout] = (), players: Sequence[Player] = (),
           score: Score | None = None, drag: Mapping[str, tuple[float, float]] | None = None,
           reset: bool = False) -> Widget:
    """Curves over ``x`` that follow the sliders.

    Parameters
    ----------
    x : increasing 1-D array
        Where the curves are drawn (the components' arrays have one value per x).
    sliders, components :
        See the module's docstring. ``components`` maps a name to ``(slider names, function)``;
        the function is called with those sliders' values, in that order.
    series : the curves, each a :class:`Series`; the first colour is the first series'.
    y_range : the y axis (values outside are drawn at its edge).
    markers : vertical dashed lines, each at x = the scalar ``sum of terms`` (a step's position).
    readouts, players, score, reset : numbers, Play buttons, a score line, a Reset button.
    drag : maps a slider's name to an x interval [lo, hi): dragging on the plot inside it sets
        that slider to its value nearest the pointer's height (the design challenge's bumps).
    """
    xs = _grid(x, "x")
    lo, hi = _range(y_range, "y_range")
    checked, frames, data = _prepare(sliders, components, players, readouts, (xs.size,))
    series_data = []
    for i, s in enumerate(series):
        color = COLORS[(i if s.color is None else s.color) % len(COLORS)]
        series_data.append({"label": s.label, "color": color, "dashed": bool(s.dashed),
                            "activation": _check_activation(s.activation, f"series {s.label!r}"),
                            "terms": _check_terms(s.terms, checked, frames,
                                                  f"series {s.label!r}")})
    if not series_data:
        raise ValueError("curves needs at least one series")
    marker_data = [{"terms": _check_terms(m, checked, frames, f"marker {i}", scalar=True),
                    "activation": None} for i, m in enumerate(markers)]
    drag_data = []
    for name, interval in (drag or {}).items():
        if name not in checked:
            raise ValueError(f"drag names the slider {name!r}, which does not exist")
        a, b = _range(interval, f"drag[{name!r}]")
        drag_data.append({"slider": name, "lo": a, "hi": b})
    plot = dict(PLOT, x0=float(xs[0]), x1=float(xs[-1]), y0=lo, y1=hi)
    data.update(x=[float(v) for v in xs], series=series_data, markers=marker_data,
                drag=drag_data, plot=plot, score=None)
    values, index = _start(checked)

    def px(v: float) -> float:
        return PLOT["left"] + (PLOT["right"] - PLOT["left"]) * (v - xs[0]) / (xs[-1] - xs[0])

    def py(v: float) -> float:
        t = min(1.05, max(-0.05, (v - lo) / (hi - lo)))
        return PLOT["bottom"] - (PLOT["bottom"] - PLOT["top"]) * t

    drawn = []
    svg = [f'<svg class="nnbook-plot" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'aria-label="{html.escape(title or "curves")}, redrawn as the sliders move">',
           '<g stroke="currentColor" fill="none" stroke-width="1">'
           f'<path d="M{PLOT["left"]} {PLOT["top"]}V{PLOT["bottom"]}H{PLOT["right"]}"/>']
    xticks, yticks = _axis_ticks(xs[0], xs[-1]), _axis_ticks(lo, hi)
    svg += [f'<path d="M{px(t):.1f} {PLOT["bottom"]}v5"/>' for t in xticks]
    svg += [f'<path d="M{PLOT["left"]} {py(t):.1f}h-5"/>' for t in yticks]
    if lo < 0 < hi:
        svg.append(f'<path d="M{PLOT["left"]} {py(0):.1f}H{PLOT["right"]}" opacity="0.3"/>')
    svg.append("</g>")
    svg += [f'<text x="{px(t):.1f}" y="{PLOT["bottom"] + 19}" text-anchor="middle">{t:g}</text>'
            for t in xticks]
    svg += [f'<text x="{PLOT["left"] - 8}" y="{py(t) + 4:.1f}" text-anchor="end">{t:g}</text>'
            for t in yticks]
    middle_x, middle_y = (PLOT["left"] + PLOT["right"]) / 2, (PLOT["top"] + PLOT["bottom"]) / 2
    svg.append(f'<text x="{middle_x}" y="{HEIGHT - 2}" text-anchor="middle">'
               f'{html.escape(x_label)}</text>')
    if y_label:
        svg.append(f'<text x="14" y="{middle_y}" text-anchor="middle" '
                   f'transform="rotate(-90 14 {middle_y})">{html.escape(y_label)}</text>')
    for m in marker_data:
        position = float(combine(m["terms"], None, frames, values, index, ()))
        d = (f'M{px(position):.1f} {PLOT["top"]}V{PLOT["bottom"]}'
             if xs[0] <= position <= xs[-1] else "")
        svg.append(f'<path class="nnbook-marker" d="{d}" stroke="currentColor" '
                   f'stroke-dasharray="4 4" opacity="0.7"/>')
    for s in series_data:
        y = combine(s["terms"], s["activation"], frames, values, index, (xs.size,))
        drawn.append(y)
        d = "".join(f'{"L" if k else "M"}{px(a):.1f} {py(b):.1f}' for k, (a, b) in
                    enumerate(zip(xs, y)))
        dash = ' stroke-dasharray="7 5"' if s["dashed"] else ""
        svg.append(f'<path class="nnbook-series" d="{d}" fill="none" stroke="{s["color"]}" '
                   f'stroke-width="2.5" stroke-linejoin="round"{dash}/>')
    svg.append("</svg>")

    score_text = None
    if score is not None:
        points = [int(p) for p in score.points]
        if not (0 <= score.a < len(series_data) and 0 <= score.b < len(series_data)):
            raise ValueError(f"score.a and score.b must index the series (0 to "
                             f"{len(series_data) - 1}); got {score.a}, {score.b}")
        if not points or min(points) < 0 or max(points) >= xs.size:
            raise ValueError(f"score.points must be indices into x (0 to {xs.size - 1})")
        data["score"] = {"a": score.a, "b": score.b, "points": points,
                         "threshold": float(score.threshold), "success": score.success,
                         "digits": int(score.digits)}
        value = float(np.mean(np.abs(drawn[score.a][points] - drawn[score.b][points])))
        verdict = score.success if value < score.threshold else ""
        score_text = (f'<span>{html.escape(score.label)} = <span data-field="score">'
                      f'{_fixed(value, score.digits)}</span></span> <span class="nnbook-verdict" '
                      f'data-field="verdict">{html.escape(verdict)}</span>')
    legend = "".join(
        f'<span><span class="nnbook-swatch" style="border-top-color: {s["color"]};'
        f'{" border-top-style: dashed;" if s["dashed"] else ""}"></span>'
        f'{html.escape(s["label"])}</span>' for s in series_data)
    widget_id = new_id("curves", {"title": title, "series": [s["label"] for s in series_data],
                                   "values": data["values"]})
    body = "\n".join(part for part in (
        "\n".join(svg), f'<div class="nnbook-legend">{legend}</div>',
        _controls_html(widget_id, checked, data, reset),
        _readouts_html(data, frames, values, index, score_text)) if part)
    return Widget(_wrap("curves", widget_id, title, body, data), widget_id,
                  f"curve explorer: {len(series_data)} curve(s), {len(checked)} slider(s)")


def surface(x: Any, y: Any, sliders: Sequence[Slider], components: Mapping[str, tuple],
            output: Surface, *, z_range: tuple[float, float], title: str | None = None,
            labels: tuple[str, str] = ("x", "y"), readouts: Sequence[Readout] = (),
            players: Sequence[Player] = (), reset: bool = False,
            azimuth: float = -0.6, elevation: float = 0.55) -> Widget:
    """A surface over the grid ``x`` by ``y`` that follows the sliders; drag it to turn it.

    Components return arrays of shape ``(len(y), len(x))`` (row i at y[i]), or a row of
    ``len(x)`` values that is the same for every y, or -- with ``(names, function, "y")`` -- a
    column of ``len(y)`` values that is the same for every x, or scalars for readouts.
    ``azimuth`` and ``elevation`` (radians) set the starting view.
    """
    xs, ys = _grid(x, "x"), _grid(y, "y")
    lo, hi = _range(z_range, "z_range")
    if not isinstance(output, Surface):
        raise TypeError(f"output must be a Surface; got {type(output).__name__}")
    checked, frames, data = _prepare(sliders, components, players, readouts,
                                     (ys.size, xs.size))
    data.update(x=[float(v) for v in xs], y=[float(v) for v in ys], z0=lo, z1=hi,
                labels=list(labels), colors=list(SURFACE_COLORS),
                view={"azimuth": float(azimuth), "elevation": float(elevation)}, score=None,
                surface={"label": output.label,
                         "activation": _check_activation(output.activation, "surface"),
                         "terms": _check_terms(output.terms, checked, frames, "surface")})
    values, index = _start(checked)
    widget_id = new_id("surface", {"title": title, "values": data["values"]})
    body = "\n".join(part for part in (
        f'<canvas role="img" aria-label="{html.escape(output.label)}: a 3-D surface over '
        f'{html.escape(labels[0])} and {html.escape(labels[1])}; drag to turn it"></canvas>'
        f'<p class="nnbook-noscript">The 3-D view is drawn by a script; in a notebook, trust '
        f"it to see the surface.</p>",
        _controls_html(widget_id, checked, data, reset),
        _readouts_html(data, frames, values, index, None)) if part)
    return Widget(_wrap("surface", widget_id, title, body, data), widget_id,
                  f"surface explorer: {len(checked)} slider(s)")
