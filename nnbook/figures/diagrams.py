"""Diagrams of neurons, networks and circuits, drawn with matplotlib.

Each public function returns a new :class:`matplotlib.figure.Figure` (built directly, never
through pyplot) in the house style of :mod:`nnbook.figures.plots`: an opaque white background, dark
ink and fonts of at least 10 pt.

How a diagram is built, so that later chapters can add their own in a few lines:

- :func:`_canvas` gives one axes covering the whole figure, measured in inches (one data unit
  is one inch), so sizes of circles, gaps and text are the same in every diagram.
- Small helpers draw the parts: :func:`_neuron` (a circle, optionally with text inside),
  :func:`_arrow` (an arrow, optionally with a label beside it), :func:`_box` (a rounded box
  of text), :func:`_text`, :func:`_nand_gate`, :func:`_wire` and :func:`_dot` for circuits;
  :func:`_rim` ends an arrow exactly on a circle, :func:`_fan` spreads arrows along a box's side.
- Layered networks: :func:`_columns` draws the layers and returns each neuron's place;
  connections are named ``(l, k, j)`` (neuron k of layer l to neuron j of layer l + 1), listed
  by :func:`_every_edge` or :func:`_downstream` (those on a path from one neuron to the output)
  and drawn by :func:`_connect`; :func:`_thick` draws one highlighted weight, and
  :func:`_dropped_neuron` a neuron switched off by dropout. Chapter 2's small
  networks add :func:`_small_network`, :func:`_titles`, :func:`_cost` (the box $C$ fed by the
  outputs) and :func:`_label_neuron` (a label on a side clear of given lines).
- :func:`_fit` then crops the figure to what was drawn (text included) plus a small margin.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch, PathPatch
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from nnbook.figures.plots import GREY, INK, PALETTE, _house_style, _new_figure

__all__ = ["perceptron", "network", "half_adder", "face_detector", "weight_notation",
           "bias_activation_notation", "backward_errors", "demon", "slow_learning",
           "weight_paths", "ball_in_valley", "chain"]

Point = tuple[float, float]

RADIUS = 0.22  # a neuron's radius, in inches
FONT = 11  # points


# --------------------------------------------------------------------------------------------
# Drawing helpers
# --------------------------------------------------------------------------------------------

def _canvas() -> tuple[Figure, Axes]:
    """A figure with one invisible axes filling it; call :func:`_fit` when the drawing is done."""
    fig = _new_figure(4.0, 3.0, layout=None)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    ax.set_aspect("equal")
    return fig, ax


def _fit(fig: Figure, ax: Axes, pad: float = 0.08) -> Figure:
    """Crop the figure to what is drawn on ``ax``, plus ``pad`` inches; 1 unit stays 1 inch."""
    ax.set_xlim(0.0, fig.get_figwidth())  # make data units inches while measuring
    ax.set_ylim(0.0, fig.get_figheight())
    fig.draw_without_rendering()
    # Texts and patches (ellipses include circles) bound every drawing here: lines always end
    # at a patch or a text.
    parts = [artist.get_window_extent() for artist in ax.get_children()
             if artist.get_visible() and artist is not ax.patch
             and isinstance(artist, (Text, Ellipse, FancyArrowPatch, FancyBboxPatch, PathPatch))
             and not (isinstance(artist, Text) and not artist.get_text())]
    # a text's background box (``bbox=``) is drawn too, and can reach beyond the text
    parts += [text.get_bbox_patch().get_window_extent() for text in ax.texts
              if text.get_visible() and text.get_text() and text.get_bbox_patch()]
    box = Bbox.union(parts).transformed(ax.transData.inverted())
    x0, y0, x1, y1 = box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad
    fig.set_size_inches(x1 - x0, y1 - y0)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return fig


def _fmt(value: Any) -> str:
    """A label: strings as given, numbers as mathtext (so -2 gets a true minus sign)."""
    if isinstance(value, str):
        return value
    return f"${float(value):g}$"


def _text(ax: Axes, xy: Point, text: str, **kwargs: Any) -> Text:
    """Text centred on ``xy`` (alignment and size overridable)."""
    style = {"ha": "center", "va": "center", "fontsize": FONT, "color": INK, "zorder": 5}
    return ax.text(*xy, text, **{**style, **kwargs})


def _neuron(ax: Axes, xy: Point, text: str | None = None, radius: float = RADIUS,
            edge: str = INK, linewidth: float = 1.4, face: str = "white",
            linestyle: Any = "-") -> Circle:
    """A neuron: a circle (white, or ``face``) with a dark rim, optionally ``text`` inside."""
    circle = Circle(xy, radius, facecolor=face, edgecolor=edge, linewidth=linewidth,
                    linestyle=linestyle, zorder=3)
    ax.add_patch(circle)
    if text:
        _text(ax, xy, text)
    return circle


def _rim(centre: Point, toward: Point, radius: float) -> Point:
    """The point on the circle (``centre``, ``radius``) facing ``toward``: where an arrow ends."""
    d = np.subtract(toward, centre)
    x, y = np.asarray(centre) + radius * d / np.hypot(*d)
    return float(x), float(y)


def _arrow(ax: Axes, tail: Point, head: Point, label: str | None = None, at: float = 0.5,
           color: str = INK, linewidth: float = 1.3, head_size: float = 12.0,
           label_color: str | None = None, bend: float = 0.0) -> FancyArrowPatch:
    """An arrow from ``tail`` to ``head`` (exactly), with ``label`` above it at fraction ``at``.

    ``bend`` curves the arrow into an arc (matplotlib's ``arc3``): a positive bend bulges to the
    right of the tail-to-head direction, its middle ``bend / 2`` times the tail-head distance off
    the straight line. ``label`` is placed as for a straight arrow, so label a curved arrow with
    :func:`_text` instead.
    """
    arrow = FancyArrowPatch(tail, head, arrowstyle="-|>", mutation_scale=head_size,
                            shrinkA=0, shrinkB=0, color=color, linewidth=linewidth, zorder=2,
                            connectionstyle=f"arc3,rad={bend}")
    ax.add_patch(arrow)
    if label is not None:
        along = np.subtract(head, tail)
        normal = np.array([-along[1], along[0]]) / np.hypot(*along)
        if normal[1] < 0:  # keep the label above the line (beside it, if it is vertical)
            normal = -normal
        x, y = np.asarray(tail) + at * along + 0.15 * normal
        _text(ax, (x, y), label, color=label_color or INK,
              bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    return arrow


def _box(ax: Axes, centre: Point, width: float, height: float, text: str,
         face: str = "#f2f2f2", edge: str = INK, fontsize: float = FONT) -> FancyBboxPatch:
    """A rounded box of ``width`` x ``height`` inches with ``text`` centred inside."""
    x, y = centre
    box = FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                         boxstyle="round,pad=0,rounding_size=0.08", facecolor=face,
                         edgecolor=edge, linewidth=1.3, zorder=3)
    ax.add_patch(box)
    _text(ax, centre, text, linespacing=1.3, fontsize=fontsize)
    return box


# --------------------------------------------------------------------------------------------
# Single neurons
# --------------------------------------------------------------------------------------------

@_house_style
def perceptron(inputs: Sequence[str] = ("$x_1$", "$x_2$", "$x_3$"),
               weights: Sequence[Any] | None = None, bias: Any = None,
               label: str | None = None, output: str = "output") -> Figure:
    """One neuron: inputs on the left, an arrow from each into the neuron, one arrow out.

    Serves chapter 1's first perceptron (three inputs), the NAND perceptron
    (``inputs=("$x_1$", "$x_2$"), weights=(-2, -2), bias=3``) and the sigmoid neuron
    (``label=r"$\\sigma$"``).

    Parameters
    ----------
    inputs : sequence of str
        One label per input, top to bottom.
    weights : optional sequence, one per input
        Numbers or strings written on the input arrows.
    bias : optional number or str
        Written inside the neuron, or as "bias ..." below it when ``label`` is inside.
    label : optional str
        Written inside the neuron.
    output : str
        Written at the end of the outgoing arrow.
    """
    inputs = list(inputs)
    if not inputs:
        raise ValueError("inputs must name at least one input; got none")
    if weights is not None and len(weights) != len(inputs):
        raise ValueError(f"weights must give one weight per input ({len(inputs)}); "
                         f"got {len(weights)}: {weights!r}")

    fig, ax = _canvas()
    radius, gap = 0.32, 0.6
    centre = (2.6, 0.0)
    inside = label if label is not None else (_fmt(bias) if bias is not None else None)
    _neuron(ax, centre, inside, radius=radius)
    if label is not None and bias is not None:
        _text(ax, (centre[0], -radius - 0.2), f"bias {_fmt(bias)}")
    for i, name in enumerate(inputs):
        y = ((len(inputs) - 1) / 2 - i) * gap
        _text(ax, (0.9, y), name, ha="right")
        _arrow(ax, (1.0, y), _rim(centre, (1.0, y), radius),
               label=None if weights is None else _fmt(weights[i]), at=0.42)
    _arrow(ax, (centre[0] + radius, 0.0), (3.8, 0.0))
    _text(ax, (3.9, 0.0), output, ha="left")
    return _fit(fig, ax)


# --------------------------------------------------------------------------------------------
# Layered networks
# --------------------------------------------------------------------------------------------

def _check_count(value: Any, name: str, minimum: int) -> int:
    """``value`` as an int >= ``minimum``, or a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _check_labels(labels: Sequence[Any] | None, n: int, name: str) -> list[str] | None:
    """``labels`` as n strings, or a ValueError naming ``name``."""
    if labels is None:
        return None
    labels = [str(label) for label in labels]
    if len(labels) != n:
        raise ValueError(f"{name} must have {n} entries; got {len(labels)}")
    return labels


def _check_sizes(sizes: Any, most: int | None = None, layers: int | None = None) -> list[int]:
    """``sizes`` as a list of 2 to ``layers`` positive ints (each <= ``most``), or a ValueError."""
    try:
        sizes = list(sizes)
    except TypeError:
        pass
    if (not isinstance(sizes, list) or len(sizes) < 2 or any(
            isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 for n in sizes)):
        raise ValueError(f"sizes must list at least two positive layer sizes, e.g. [784, 15, 10]; "
                         f"got {sizes!r}")
    if most is not None and max(sizes) > most:
        raise ValueError(f"sizes must have at most {most} neurons per layer here, since this "
                         f"diagram draws every neuron; got {sizes!r}")
    if layers is not None and len(sizes) > layers:
        raise ValueError(f"sizes must list at most {layers} layers here, to fit the page; "
                         f"got {len(sizes)}: {sizes!r}")
    return [int(n) for n in sizes]


def _shown(n: int, max_shown: int) -> list[int | None]:
    """The neurons drawn for a layer of ``n``, top to bottom; ``None`` marks the ellipsis.

    A layer of more than ``max_shown`` neurons shows its first ceil(max_shown / 2) and its last
    floor(max_shown / 2) neurons with an ellipsis between them.
    """
    if n <= max_shown:
        return list(range(n))
    head = (max_shown + 1) // 2
    return [*range(head), None, *range(n - (max_shown - head), n)]


Places = list[dict[int, Point]]  # places[l][j]: the centre of neuron j of layer l
Edge = tuple[int, int, int]  # (l, k, j): from neuron k of layer l to neuron j of layer l + 1


def _columns(ax: Axes, columns: Sequence[Sequence[int | None]], dx: float, dy: float,
             radius: float, faces: dict[tuple[int, int], str] | None = None,
             dropped: Collection[tuple[int, int]] = ()) -> Places:
    """Draw layers of neurons as columns ``dx`` apart, each centred on y = 0; return the places.

    ``columns[l]`` lists layer l's neurons top to bottom, ``None`` for an ellipsis (see
    :func:`_shown`); neurons sit ``dy`` apart. ``faces`` fills chosen neurons, keyed (l, j);
    the neurons in ``dropped``, keyed the same way, are drawn by :func:`_dropped_neuron`.
    """
    places: Places = []
    for i, column in enumerate(columns):
        x = i * dx
        top = (len(column) - 1) / 2 * dy
        place = {}
        for slot, neuron in enumerate(column):
            xy = (x, top - slot * dy)
            if neuron is None:
                _text(ax, xy, r"$\vdots$", fontsize=14,
                      bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
            elif (i, neuron) in dropped:
                place[neuron] = xy
                _dropped_neuron(ax, xy, radius)
            else:
                place[neuron] = xy
                _neuron(ax, xy, radius=radius, face=(faces or {}).get((i, neuron), "white"))
        places.append(place)
    return places


def _dropped_neuron(ax: Axes, xy: Point, radius: float) -> Circle:
    """A neuron switched off by dropout: a grey dashed circle, crossed out."""
    circle = _neuron(ax, xy, radius=radius, edge=GREY, linewidth=1.2, linestyle=(0, (3, 2)))
    arm = 0.6 * radius  # the cross's half-width, inside the circle
    x, y = xy
    for sign in (1, -1):
        ax.plot([x - arm, x + arm], [y - sign * arm, y + sign * arm], color=GREY,
                linewidth=1.2, zorder=4, solid_capstyle="round")
    return circle


def _every_edge(places: Places) -> list[Edge]:
    """Every connection between neighbouring layers' drawn neurons, layer by layer."""
    return [(l, k, j) for l in range(len(places) - 1) for k in places[l] for j in places[l + 1]]


def _downstream(sizes: Sequence[int], layer: int, j: int) -> list[Edge]:
    """The connections on some path from neuron j of ``layer`` to the output layer.

    They are all of neuron j's outgoing connections, then every connection of later layers
    (each later neuron is reached from j through any neuron of the layer after ``layer``).
    """
    if layer == len(sizes) - 1:
        return []
    out = [(layer, j, q) for q in range(sizes[layer + 1])]
    return out + [(l, k, q) for l in range(layer + 1, len(sizes) - 1)
                  for k in range(sizes[l]) for q in range(sizes[l + 1])]


def _connect(ax: Axes, places: Places, edges: Sequence[Edge], color: str = GREY,
             linewidth: float = 0.6, zorder: float = 1.0) -> LineCollection:
    """Draw ``edges`` (see :data:`Edge`) as one collection of straight lines, centre to centre."""
    segments = [(places[l][k], places[l + 1][j]) for l, k, j in edges]
    return ax.add_collection(LineCollection(segments, colors=color, linewidths=linewidth,
                                            zorder=zorder))


def _beside(tail: Point, head: Point, below: bool = False) -> Point:
    """How far to move a label (about 0.6 x 0.3 inches) from a line's middle to clear the line.

    The label goes on the line's upper side (its lower side if ``below``), however steep.
    """
    along = np.subtract(head, tail)
    normal = np.array([-along[1], along[0]]) / np.hypot(*along)
    normal = -normal if (normal[1] < 0) != below else normal
    x, y = normal * (0.3 * abs(normal[0]) + 0.15 * abs(normal[1]) + 0.06)
    return float(x), float(y)


def _thick(ax: Axes, tail: Point, head: Point, label: str | None = None,
           offset: Point | None = None, color: str = PALETTE[1], fontsize: float = FONT) -> None:
    """One connection drawn thick in ``color``, with ``label`` beside its middle.

    The label's centre is the middle plus ``offset``: by default, just above the line (see
    :func:`_beside`).
    """
    ax.plot(*zip(tail, head), color=color, linewidth=2.8, zorder=1.5, solid_capstyle="round")
    if label is not None:
        mid = np.add(tail, head) / 2 + (_beside(tail, head) if offset is None else offset)
        _text(ax, (float(mid[0]), float(mid[1])), label, color=color, fontsize=fontsize,
              bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})


@_house_style
def network(sizes: Sequence[int], max_shown: int | Sequence[int] = 8,
            input_labels: Sequence[Any] | None = None,
            output_labels: Sequence[Any] | None = None,
            layer_titles: Sequence[str] | None = None,
            highlight: tuple[int, int, int] | None = None,
            dropped: Sequence[tuple[int, int]] | None = None) -> Figure:
    """A layered, fully connected network, input layer on the left, every connection drawn.

    Serves chapter 1's network figures: a network of perceptrons (``[3, 4, 3, 1]``), the
    3-layer and 4-layer examples, the digit network ``[784, 15, 10]`` (with
    ``output_labels="0123456789"``), the exercise that adds a 4-bit output layer
    (``[784, 15, 10, 4]``), and, with ``highlight``, "a small change in one weight makes a small
    change in the output".

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, input first, as for :class:`nnbook.network.Network`.
    max_shown : int, or one int per layer
        Largest layer drawn in full. A bigger layer shows its first and last neurons
        (``max_shown`` in all) around a vertical ellipsis, with a note such as "784 neurons".
        The book's digit network is ``network([784, 15, 10], max_shown=(8, 15, 10))``.
    input_labels, output_labels : optional sequences
        One label per input (or output) neuron, written beside it; those of neurons hidden by
        the ellipsis are not drawn.
    layer_titles : optional sequence of str
        One title per layer, written under its column (e.g. "hidden layer").
    highlight : optional (layer, j, k)
        The connection from neuron k of layer ``layer - 1`` to neuron j of layer ``layer``
        (layers and neurons counted from 0 as in ``sizes``; in nnbook's weights this is
        ``weights[layer - 1][j, k]``), drawn thick and labelled $w + \\Delta w$; the outputs
        then lead to "output + $\\Delta$output". Both neurons must be shown.
    dropped : optional list of (layer, neuron)
        Neurons switched off by dropout (chapter 3's "Dropout": the same network with half its
        hidden neurons dropped), counted from 0 as in ``sizes``: each is drawn as a grey dashed,
        crossed-out circle and its connections, in and out, are not drawn. They must be shown
        neurons, and not an end of the ``highlight`` connection.
    """
    sizes = _check_sizes(sizes)
    if isinstance(max_shown, Sequence):
        if len(max_shown) != len(sizes):
            raise ValueError(f"max_shown must be one int, or one per layer ({len(sizes)}); "
                             f"got {max_shown!r}")
        limits = [_check_count(m, "max_shown", 2) for m in max_shown]
    else:
        limits = [_check_count(max_shown, "max_shown", 2)] * len(sizes)
    input_labels = _check_labels(input_labels, sizes[0], "input_labels")
    output_labels = _check_labels(output_labels, sizes[-1], "output_labels")
    layer_titles = _check_labels(layer_titles, len(sizes), "layer_titles")
    columns = [_shown(n, limit) for n, limit in zip(sizes, limits)]
    if highlight is not None:
        if output_labels is not None:
            raise ValueError("give highlight or output_labels, not both: both write beside the "
                             "outputs")
        if len(highlight) != 3:
            raise ValueError(f"highlight must be (layer, j, k); got {highlight!r}")
        layer, j, k = highlight
        if not (1 <= layer < len(sizes) and j in columns[layer] and k in columns[layer - 1]):
            raise ValueError(
                f"highlight must be (layer, j, k) with 1 <= layer < {len(sizes)}, j a shown "
                f"neuron of layer `layer` and k a shown neuron of layer `layer - 1`; "
                f"got {highlight!r}"
            )

    off = _check_dropped(dropped, columns)
    if highlight is not None and {(highlight[0], highlight[1]),
                                  (highlight[0] - 1, highlight[2])} & off:
        raise ValueError(f"highlight must join two neurons that are not dropped; got "
                         f"highlight={highlight!r} and dropped={dropped!r}")

    # Layout, in inches: columns dx apart, neurons dy apart, each column centred on y = 0.
    tallest = max(len(column) for column in columns)
    dy = min(0.45, 4.2 / max(tallest - 1, 1))
    radius = min(RADIUS, 0.36 * dy)
    dx = min(1.6, 6.0 / (len(sizes) - 1))
    fig, ax = _canvas()
    places = _columns(ax, columns, dx, dy, radius, dropped=off)
    for i, column in enumerate(columns):
        if sizes[i] > limits[i]:
            top = (len(column) - 1) / 2 * dy
            _text(ax, (i * dx, top + radius + 0.1), f"{sizes[i]} neurons", va="bottom",
                  fontsize=10, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    _connect(ax, places, [(l, k, j) for l, k, j in _every_edge(places)
                          if (l, k) not in off and (l + 1, j) not in off])

    if input_labels is not None:
        for neuron, (x, y) in places[0].items():
            _text(ax, (x - radius - 0.08, y), input_labels[neuron], ha="right")
    if output_labels is not None:
        for neuron, (x, y) in places[-1].items():
            _text(ax, (x + radius + 0.08, y), output_labels[neuron], ha="left")
    if layer_titles is not None:
        bottom = -(tallest - 1) / 2 * dy - radius - 0.15
        for i, title in enumerate(layer_titles):
            _text(ax, (i * dx, bottom), title, va="top", linespacing=1.3)
    if highlight is not None:
        layer, j, k = highlight
        _thick(ax, places[layer - 1][k], places[layer][j], r"$w + \Delta w$", offset=(0.0, 0.2))
        out_x = (len(sizes) - 1) * dx + radius + 0.75
        for x, y in places[-1].values():
            _arrow(ax, (x + radius, y), (out_x, y))
        _text(ax, (out_x + 0.1, 0.0), r"output + $\Delta$output", ha="left", color=PALETTE[1])
    return _fit(fig, ax)


def _check_dropped(dropped: Any, columns: Sequence[Sequence[int | None]]) -> set[tuple[int, int]]:
    """``dropped`` as a set of (layer, neuron) pairs of shown neurons, or a ValueError."""
    if dropped is None:
        return set()
    try:
        pairs = [tuple(pair) for pair in dropped]
    except TypeError:
        pairs = None
    if pairs is None or any(len(pair) != 2 for pair in pairs):
        raise ValueError(f"dropped must be a list of (layer, neuron) pairs; got {dropped!r}")
    for layer, neuron in pairs:
        if not (isinstance(layer, (int, np.integer)) and not isinstance(layer, bool)
                and 0 <= layer < len(columns) and isinstance(neuron, (int, np.integer))
                and not isinstance(neuron, bool) and neuron in columns[layer]):
            raise ValueError(f"dropped must list (layer, neuron) pairs of shown neurons, counted "
                             f"from 0 (layer < {len(columns)}); got ({layer!r}, {neuron!r})")
    return {(int(layer), int(neuron)) for layer, neuron in pairs}


# --------------------------------------------------------------------------------------------
# The NAND half adder
# --------------------------------------------------------------------------------------------

# Chapter 1's circuit adding two bits, as a netlist: every gate is a NAND of two signals.
# XOR needs four NANDs (nand1 ... sum); NAND-ing nand1 with itself gives the carry, x1 AND x2.
_ADDER: dict[str, tuple[str, str]] = {
    "nand1": ("x1", "x2"),
    "nand2": ("x1", "nand1"),
    "nand3": ("x2", "nand1"),
    "sum": ("nand2", "nand3"),
    "carry": ("nand1", "nand1"),
}
_ADDER_PLACES: dict[str, Point] = {
    # nand2 and nand3 sit a quarter-gate off the inputs' rows, so those wires run straight
    "x1": (0.0, 2.0), "x2": (0.0, 0.0), "nand1": (1.5, 1.0), "nand2": (3.0, 1.86),
    "nand3": (3.0, 0.14), "sum": (4.5, 1.0), "carry": (3.0, -1.2),
}
_ADDER_OUTPUTS = {"sum": r"sum: $x_1 \oplus x_2$", "carry": r"carry bit: $x_1 x_2$"}
_GATE_WIDTH, _GATE_HEIGHT, _BUBBLE = 0.8, 0.56, 0.06


def _nand_gate(ax: Axes, centre: Point) -> tuple[list[Point], Point]:
    """The NAND symbol (an AND's D-shape and a bubble); returns its (input ports, output)."""
    x, y = centre
    half = _GATE_HEIGHT / 2
    left, arc_x = x - _GATE_WIDTH / 2, x + _GATE_WIDTH / 2 - half
    arc = Path.arc(-90, 90)
    vertices = [(left, y - half), *(arc.vertices * half + (arc_x, y)), (left, y + half),
                (left, y - half)]
    codes = [Path.MOVETO, Path.LINETO, *arc.codes[1:], Path.LINETO, Path.CLOSEPOLY]
    ax.add_patch(PathPatch(Path(vertices, codes), facecolor="white", edgecolor=INK,
                           linewidth=1.4, zorder=3))
    tip = x + _GATE_WIDTH / 2
    ax.add_patch(Circle((tip + _BUBBLE, y), _BUBBLE, facecolor="white", edgecolor=INK,
                        linewidth=1.4, zorder=3))
    _text(ax, (x - 0.07, y), "NAND", fontsize=10)
    return [(left, y + half / 2), (left, y - half / 2)], (tip + 2 * _BUBBLE, y)


def _wire(ax: Axes, start: Point, end: Point) -> None:
    """A straight wire of a circuit."""
    ax.plot(*zip(start, end), color=INK, linewidth=1.3, zorder=2)


def _dot(ax: Axes, xy: Point) -> None:
    """A junction dot where one signal feeds several wires."""
    ax.add_patch(Circle(xy, 0.04, color=INK, zorder=4))


@_house_style
def half_adder(perceptrons: bool = False) -> Figure:
    """The circuit that adds two bits x1 and x2, built only from NAND gates.

    Serves chapter 1's argument that perceptrons can compute anything: NAND is universal, and a
    perceptron with weights -2, -2 and bias 3 is a NAND gate. With ``perceptrons=False`` the
    five gates are drawn as NAND symbols; with ``perceptrons=True`` each is a perceptron with
    bias 3 and weight -2 on each input (the carry gate's two inputs from the same gate are one
    arrow of weight -4). The circuit is the netlist ``_ADDER``, which the tests evaluate.
    """
    fig, ax = _canvas()
    # where each signal leaves its source: the inputs' dots, or a gate's output
    for name in ("x1", "x2"):
        x, y = _ADDER_PLACES[name]
        _text(ax, (x - 0.1, y), f"${name[0]}_{name[1]}$", ha="right")
        _dot(ax, (x, y))
    end_x = max(x for x, _ in _ADDER_PLACES.values()) + 0.9

    if not perceptrons:
        outputs: dict[str, Point] = {"x1": _ADDER_PLACES["x1"], "x2": _ADDER_PLACES["x2"]}
        ports: dict[str, list[Point]] = {}
        for gate in _ADDER:
            ports[gate], outputs[gate] = _nand_gate(ax, _ADDER_PLACES[gate])
        for gate, (first, second) in _ADDER.items():
            if first == second:  # one wire that forks just before the gate
                (x, y), fork = _ADDER_PLACES[gate], ports[gate][0]
                fork = (fork[0] - 0.25, y)
                _wire(ax, outputs[first], fork)
                _dot(ax, fork)
                for port in ports[gate]:
                    _wire(ax, fork, port)
                continue
            # the higher source feeds the upper port, so wires into a gate never cross
            for port, source in zip(ports[gate], sorted((first, second),
                                                        key=lambda s: -outputs[s][1])):
                _wire(ax, outputs[source], port)
        _dot(ax, outputs["nand1"])
        for gate, text in _ADDER_OUTPUTS.items():
            start = outputs[gate]
            _wire(ax, start, (end_x, start[1]))
            _text(ax, (end_x + 0.1, start[1]), text, ha="left")
        return _fit(fig, ax)

    radius = 0.27
    for gate in _ADDER:
        _neuron(ax, _ADDER_PLACES[gate], _fmt(3), radius=radius)
    for gate, sources in _ADDER.items():
        centre = _ADDER_PLACES[gate]
        for source, count in Counter(sources).items():
            start = _ADDER_PLACES[source]
            if source in _ADDER:
                start = _rim(start, centre, radius)
            at = 0.75 if gate == "carry" else 0.5  # the carry's label clears x2's arrow
            _arrow(ax, start, _rim(centre, start, radius), label=_fmt(-2 * count), at=at)
    for gate, text in _ADDER_OUTPUTS.items():
        x, y = _ADDER_PLACES[gate]
        _arrow(ax, (x + radius, y), (end_x, y))
        _text(ax, (end_x + 0.1, y), text, ha="left")
    return _fit(fig, ax)


# --------------------------------------------------------------------------------------------
# The face detector
# --------------------------------------------------------------------------------------------

_FACE_QUESTIONS = (
    "Is there an eye\nin the top left?",
    "Is there an eye\nin the top right?",
    "Is there a nose\nin the middle?",
    "Is there a mouth\nat the bottom?",
    "Is there hair\non top?",
)
_EYE_QUESTIONS = ("Is there\nan eyebrow?", "Are there\neyelashes?", "Is there\nan iris?")


def _fan(xy: Point, n: int, half: float) -> list[Point]:
    """``n`` points spread over +-``half`` inches above and below ``xy``, top to bottom.

    Arrows leaving (or entering) one box from these points do not pile up their ends.
    """
    offsets = np.linspace(half, -half, n) if n > 1 else [0.0]
    return [(xy[0], xy[1] + float(dy)) for dy in offsets]


@_house_style
def face_detector(detail: bool = False) -> Figure:
    """A face detector built from sub-networks that each answer a simpler question.

    Serves chapter 1's "Toward deep learning": the input image feeds sub-networks asking "Is
    there an eye in the top left?" and so on, and their answers feed one output, "Is it a
    face?". With ``detail=True`` the first question is itself answered from smaller ones (an
    eyebrow, eyelashes, an iris), the kind of layered breakdown a deep network can learn.
    """
    fig, ax = _canvas()
    width, height, gap = 1.55, 0.56, 0.78  # a question's box, and the rows' spacing
    question_x = 4.1 if detail else 2.5
    questions = [(question_x, (2 - i) * gap) for i in range(len(_FACE_QUESTIONS))]
    image = (0.55, 0.35 if detail else 0.0)
    output = (question_x + width / 2 + 1.1, 0.0)
    subs = [(2.3, questions[0][1] + 0.95 - s * 0.72) for s in range(len(_EYE_QUESTIONS))]

    _box(ax, image, 1.0, 0.9, "input\nimage")
    _box(ax, output, 1.0, 0.7, "Is it\na face?", face="#e6f4ee", edge=PALETTE[2])
    for question, centre in zip(_FACE_QUESTIONS, questions):
        _box(ax, centre, width, height, question, face="#e8f1fa", edge=PALETTE[0])
    if detail:
        for question, centre in zip(_EYE_QUESTIONS, subs):
            _box(ax, centre, 1.2, height, question, face="#fdf0e6", edge=PALETTE[1])

    # what the image feeds directly, top to bottom; then every question feeds the output
    fed = [(sub, 1.2) for sub in subs] + [(q, width) for q in questions[1:]] if detail \
        else [(q, width) for q in questions]
    tails = _fan((image[0] + 0.5, image[1]), len(fed), 0.3)
    for tail, (centre, w) in zip(tails, fed):
        _arrow(ax, tail, (centre[0] - w / 2, centre[1]))
    heads = _fan((output[0] - 0.5, output[1]), len(questions), 0.24)
    for centre, head in zip(questions, heads):
        _arrow(ax, (centre[0] + width / 2, centre[1]), head)
    if detail:
        eye = questions[0]
        for sub, head in zip(subs, _fan((eye[0] - width / 2, eye[1]), len(subs), 0.16)):
            _arrow(ax, (sub[0] + 0.6, sub[1]), head)
    return _fit(fig, ax)


# --------------------------------------------------------------------------------------------
# Chapter 2: notation, the errors delta, and the paths a change travels along
# --------------------------------------------------------------------------------------------

FAINT = "#c8c8c8"  # connections in the background
LIGHT_BLUE, LIGHT_ORANGE = "#e8f1fa", "#fdf0e6"  # fills matching PALETTE[0] and PALETTE[1]
_DY, _R = 0.62, 0.2  # chapter 2's small networks: neurons' spacing in a column, and radius
_MOST, _LAYERS = 8, 6  # the largest layer, and the most layers, they draw


def _dx(layers: int) -> float:
    """The spacing of a small network's columns: 1.5 inches, less if there are many."""
    return min(1.5, 7.0 / (layers - 1))


def _small_network(ax: Axes, sizes: Sequence[int], dy: float = _DY,
                   faces: dict[tuple[int, int], str] | None = None) -> Places:
    """Every neuron of a small network (no ellipsis), columns :func:`_dx` apart."""
    return _columns(ax, [range(n) for n in sizes], _dx(len(sizes)), dy, _R, faces)


def _titles(ax: Axes, places: Places, titles: Sequence[str], above: bool,
            gap: float = 0.15) -> None:
    """One title per layer, over (or under) its column, ``gap`` inches clear of every neuron."""
    ys = [y for place in places for _, y in place.values()]
    y = max(ys) + _R + gap if above else min(ys) - _R - gap
    for place, title in zip(places, titles):
        if title:
            _text(ax, (next(iter(place.values()))[0], y), title,
                  va="bottom" if above else "top")


def _cost(ax: Axes, places: Places, x: float, colors: dict[int, str] | None = None,
          size: float = 0.5) -> FancyBboxPatch:
    """The cost $C$ as a box centred on (``x``, 0), with an arrow in from every output neuron.

    ``colors`` draws chosen output neurons' arrows in colour, keyed by neuron; the others are
    faint.
    """
    box = _box(ax, (x, 0.0), size, size, "$C$", fontsize=14)
    outputs = places[-1]
    heads = _fan((x - size / 2, 0.0), len(outputs), 0.14)
    for (j, centre), head in zip(outputs.items(), heads):
        color = (colors or {}).get(j)
        _arrow(ax, _rim(centre, head, _R), head, color=color or FAINT,
               linewidth=1.6 if color else 1.0, head_size=10)
    return box


def _check_index(value: Any, name: str, size: int, what: str) -> int:
    """``value`` as an int in [0, size), or a ValueError naming ``name`` and saying why."""
    if (isinstance(value, bool) or not isinstance(value, (int, np.integer))
            or not 0 <= value < size):
        raise ValueError(f"{name} must be an integer from 0 to {size - 1} ({what}); "
                         f"got {value!r}")
    return int(value)


@_house_style
def weight_notation() -> Figure:
    """How a weight is named: $w^l_{jk}$ joins neuron k of layer l-1 to neuron j of layer l.

    Serves chapter 2's warm-up, where the notation for weights is introduced (the book's
    ``tikz16``): a 3-4-2 network with the weight $w^3_{24}$, from the fourth neuron of layer 2
    to the second neuron of layer 3, drawn thick and explained in a note. Layers are counted
    from 1 here, as in the book (nnbook's code counts from 0: this weight is
    ``weights[1][1, 3]``).
    """
    sizes = (3, 4, 2)
    fig, ax = _canvas()
    places = _small_network(ax, sizes)
    _connect(ax, places, [edge for edge in _every_edge(places) if edge != (1, 3, 1)])
    tail, head = places[1][3], places[2][1]
    _thick(ax, tail, head, "$w^3_{24}$", offset=(0.14, -0.3), fontsize=14)
    _titles(ax, places, ["layer 1", "layer 2", "layer 3"], above=True)
    _text(ax, (tail[0], tail[1] - _R - 0.08), "$k = 4$", va="top", color=PALETTE[1],
          fontsize=13)
    _text(ax, (head[0] + _R + 0.1, head[1]), "$j = 2$", ha="left", color=PALETTE[1],
          fontsize=13)
    note = (r"$w^l_{jk}$: the weight into neuron $j$ of layer $l$" "\n"
            r"from neuron $k$ of layer $l-1$." "\n"
            r"The receiving neuron $j$ comes first and the" "\n"
            r"sending neuron $k$ second, so the weights into" "\n"
            r"layer $l$ form a matrix $w^l$ whose row $j$" "\n"
            r"holds the weights into neuron $j$.")
    _text(ax, (head[0] + 1.05, places[1][0][1] + 0.2), note, ha="left", va="top",
          linespacing=1.5, bbox={"facecolor": LIGHT_ORANGE, "edgecolor": PALETTE[1],
                                 "boxstyle": "round,pad=0.4"})
    return _fit(fig, ax)


@_house_style
def bias_activation_notation() -> Figure:
    """How biases and activations are named: $b^l_j$ and $a^l_j$ belong to neuron j of layer l.

    Serves chapter 2's warm-up, right after the weight notation (the book's ``tikz17``): a 3-4-2
    network with the bias $b^2_3$ of the third neuron of layer 2 and the activation $a^3_1$ of
    the first neuron of layer 3 labelled, each with an arrow to its neuron. Layers and neurons
    are counted from 1, as in the book.
    """
    sizes = (3, 4, 2)
    fig, ax = _canvas()
    places = _small_network(ax, sizes, faces={(1, 2): LIGHT_ORANGE, (2, 0): LIGHT_BLUE})
    _connect(ax, places, _every_edge(places))
    _titles(ax, places, ["layer 1", "layer 2", "layer 3"], above=True)
    bias, activation = places[1][2], places[2][0]
    for centre, label, at, color in [
            (bias, "$b^2_3$", (bias[0] + 0.65, bias[1] - 1.0), PALETTE[1]),
            (activation, "$a^3_1$", (activation[0] + 0.8, activation[1] + 0.55), PALETTE[0])]:
        _text(ax, at, label, color=color, fontsize=14)
        _arrow(ax, _rim(at, centre, 0.22), _rim(centre, at, _R), color=color)
    return _fit(fig, ax)


def _delta(offset: int) -> str:
    """$\\delta^L$, $\\delta^{L-1}$, ...: the error of the layer ``offset`` before the output."""
    return r"$\delta^L$" if offset == 0 else rf"$\delta^{{L-{offset}}}$"


@_house_style
def backward_errors(sizes: Sequence[int] = (3, 4, 4, 2)) -> Figure:
    """The errors $\\delta^l$ computed backwards: from the cost to the output layer, then leftward.

    Serves chapter 2's "The backpropagation algorithm" (and the four equations before it): the
    forward connections are faint; above the network, bold arrows run right to left. The first,
    from the cost $C$, gives the output error $\\delta^L$ (BP1); each next one gives
    $\\delta^{l}$ from $\\delta^{l+1}$ (BP2). The input layer has no error. The two equations
    are written under the network.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, input first; 2 to 6 layers of at most 8 neurons.
    """
    sizes = _check_sizes(sizes, most=_MOST, layers=_LAYERS)
    fig, ax = _canvas()
    places = _small_network(ax, sizes)
    _connect(ax, places, _every_edge(places), color=FAINT)
    dx = _dx(len(sizes))
    last = (len(sizes) - 1) * dx
    _cost(ax, places, last + 1.1)

    row = (max(sizes) - 1) / 2 * _DY + _R + 0.55  # the errors' row, above the network
    for i in range(1, len(sizes)):
        _text(ax, (i * dx, row), _delta(len(sizes) - 1 - i), color=PALETTE[1], fontsize=15)
    bold = {"color": PALETTE[1], "linewidth": 2.6, "head_size": 18}
    for i in range(len(sizes) - 1, 1, -1):
        _arrow(ax, (i * dx - 0.42, row), ((i - 1) * dx + 0.45, row), **bold)
        _text(ax, ((i - 0.5) * dx, row + 0.2), "BP2", fontsize=10, color=PALETTE[1],
              va="bottom")
    _arrow(ax, (last + 1.1, 0.25 + 0.05), (last + 0.3, row - 0.05), **bold)
    _text(ax, (last + 0.85, (row + 0.3) / 2 + 0.1), "BP1", fontsize=10, color=PALETTE[1],
          ha="left")
    bottom = -(max(sizes) - 1) / 2 * _DY - _R - 0.3
    _text(ax, (0.0, bottom), r"BP1:  $\delta^L = \nabla_a C \odot \sigma'(z^L)$" "\n"
          r"BP2:  $\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)$",
          ha="left", va="top", linespacing=1.8)
    return _fit(fig, ax)


@_house_style
def demon() -> Figure:
    """The demon: a change $\\Delta z^l_j$ to one neuron's weighted input changes the cost.

    Serves chapter 2's "The four fundamental equations", where the error $\\delta^l_j$ is
    motivated (the book's ``tikz19``): a demon adds $\\Delta z^l_j$ to the weighted input of
    neuron j in layer l; the change travels along every path downstream (coloured) and the cost
    changes by about $\\frac{\\partial C}{\\partial z^l_j} \\Delta z^l_j$, so
    $\\delta^l_j = \\partial C / \\partial z^l_j$ measures the error in that neuron.
    """
    sizes, layer, j = (3, 4, 4, 2), 1, 0
    fig, ax = _canvas()
    places = _small_network(ax, sizes, faces={(layer, j): LIGHT_ORANGE})
    paths = _downstream(sizes, layer, j)
    _connect(ax, places, [edge for edge in _every_edge(places) if edge not in paths],
             color=FAINT)
    _connect(ax, places, paths, color=PALETTE[0], linewidth=1.4, zorder=1.2)
    x, y = places[layer][j]
    _text(ax, (x, y), "$j$")
    cost_x = places[-1][0][0] + 1.1
    _cost(ax, places, cost_x, colors={q: PALETTE[0] for q in range(sizes[-1])})
    at = (x - 0.75, y + 0.6)
    _text(ax, at, r"$+\Delta z^l_j$", color=PALETTE[1], fontsize=14, ha="right")
    _arrow(ax, (at[0] + 0.03, at[1] - 0.05), _rim((x, y), (at[0], at[1] - 0.05), _R),
           color=PALETTE[1], linewidth=1.8, head_size=14)
    _text(ax, (cost_x, -0.45), r"$\Delta C \approx \dfrac{\partial C}{\partial z^l_j}"
          r"\,\Delta z^l_j$", va="top", color=PALETTE[0], fontsize=13)
    _titles(ax, places, ["", "layer $l$", "", ""], above=False)
    return _fit(fig, ax)


@_house_style
def slow_learning() -> Figure:
    """A weight out of a neuron with low activation learns slowly.

    Serves chapter 2's discussion after the four equations (the book's ``tikz20``): by BP4,
    $\\partial C / \\partial w = a_{\\rm in} \\delta_{\\rm out}$, so when the neuron feeding
    the weight has $a_{\\rm in} \\approx 0$ the gradient is small and gradient descent barely
    changes the weight.
    """
    fig, ax = _canvas()
    radius = 0.3
    left, right = (0.0, 0.0), (2.2, 0.0)
    _neuron(ax, left, radius=radius, face="#f2f2f2", edge=GREY)
    _neuron(ax, right, radius=radius)
    _arrow(ax, (radius, 0.0), (right[0] - radius, 0.0), color=PALETTE[1], linewidth=2.2,
           head_size=16)
    _text(ax, (1.1, 0.08), "$w$", va="bottom", color=PALETTE[1], fontsize=14)
    _text(ax, (left[0], radius + 0.12), r"$a_{\rm in} \approx 0$", va="bottom", fontsize=13)
    _text(ax, (right[0], radius + 0.12), r"$\delta_{\rm out}$", va="bottom", fontsize=13)
    _text(ax, (1.1, -radius - 0.25),
          r"$\dfrac{\partial C}{\partial w} = a_{\rm in}\,\delta_{\rm out} \approx 0$",
          va="top", fontsize=13)
    _text(ax, (1.1, -radius - 0.85), "so $w$ learns slowly", va="top", color=PALETTE[1])
    return _fit(fig, ax)


def _path_letters(count: int) -> list[str]:
    """The indices of the ``count`` neurons on a path after neuron j, as chapter 2 names them.

    The first is q (layer l + 1); the last three, counting back from the output, are m, n, p
    (as in $a^L_m, a^{L-1}_n, a^{L-2}_p$); any between them r, s, ...
    """
    letters = []
    for i in range(count):
        from_end = count - 1 - i
        letters.append("m" if from_end == 0 else "q" if i == 0 else "np"[from_end - 1]
                       if from_end <= 2 else "rstu"[i - 1])
    return letters


@_house_style
def weight_paths(sizes: Sequence[int] = (3, 4, 4, 3, 2), layer: int = 2, j: int = 1,
                 k: int = 1, path: Sequence[int] | None = None) -> Figure:
    """The big picture: a change $\\Delta w^l_{jk}$ in one weight reaches the cost along paths.

    Serves chapter 2's closing section, "Backpropagation: the big picture" (the book's
    ``tikz22`` to ``tikz27``). The weight from neuron k of layer ``layer - 1`` to neuron j of
    ``layer`` is drawn thick. Without ``path``, every connection on a path from neuron j to the
    output is coloured: the change in $a^l_j$ moves every activation downstream, and with them
    $C$. With ``path``, only that one path is coloured and its activations are labelled
    $a^l_j, a^{l+1}_q, \\ldots, a^L_m$: its contribution to $\\Delta C$ is the product of the
    partial derivatives along it, and $\\Delta C$ sums over all paths.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, input first; 2 to 6 layers of at most 8 neurons.
    layer, j, k : int
        The weight changed, counted from 0 as in ``sizes`` and in nnbook's weights (it is
        ``weights[layer - 1][j, k]``), as for :func:`network`'s ``highlight``. The figure's
        labels use the book's symbols ($l$ for ``layer``, $L$ for the output layer).
    path : optional sequence of int
        One neuron per layer after ``layer`` (so ``len(sizes) - 1 - layer`` of them), counted
        from 0: the single path to colour.
    """
    sizes = _check_sizes(sizes, most=_MOST, layers=_LAYERS)
    n = len(sizes)
    if (isinstance(layer, bool) or not isinstance(layer, (int, np.integer))
            or not 1 <= layer < n):
        raise ValueError(f"layer must be an integer from 1 to {n - 1} (the layer the weight "
                         f"feeds; layer 0 is the input); got {layer!r}")
    j = _check_index(j, "j", sizes[layer], f"a neuron of layer {layer}")
    k = _check_index(k, "k", sizes[layer - 1], f"a neuron of layer {layer - 1}")
    if path is not None:
        try:
            path = list(path)
        except TypeError:
            raise ValueError(f"path must list one neuron per layer after layer {layer}; "
                             f"got {path!r}") from None
        if len(path) != n - 1 - layer:
            raise ValueError(f"path must list one neuron per layer after layer {layer} "
                             f"({n - 1 - layer}); got {len(path)}: {path!r}")
        path = [_check_index(q, "path", sizes[layer + 1 + t], f"a neuron of layer "
                             f"{layer + 1 + t}, for path[{t}]") for t, q in enumerate(path)]

    chosen = [j] + (path or [])  # neuron j, then the path's neurons
    if path is None:
        paths = _downstream(sizes, layer, j)
        faces = {(layer, j): LIGHT_ORANGE}
        reached = range(sizes[-1]) if layer < n - 1 else [j]  # the outputs that move
        ends = {q: PALETTE[0] for q in reached}
    else:
        paths = [(layer + t, a, b) for t, (a, b) in enumerate(zip(chosen, chosen[1:]))]
        faces = {(layer + t, q): LIGHT_BLUE for t, q in enumerate(chosen)}
        faces[layer, j] = LIGHT_ORANGE
        ends = {chosen[-1]: PALETTE[0]}

    fig, ax = _canvas()
    dy = 0.85 if path is not None else _DY  # room for the activations' labels
    places = _small_network(ax, sizes, dy=dy, faces=faces)
    changed = (layer - 1, k, j)
    _connect(ax, places, [edge for edge in _every_edge(places)
                          if edge not in paths and edge != changed], color=FAINT)
    _connect(ax, places, paths, color=PALETTE[0], linewidth=1.6, zorder=1.2)
    # the changed weight's label goes on the side of the line farther from every neuron
    tail, head = places[layer - 1][k], places[layer][j]
    centres = np.array([xy for place in places for xy in place.values()])
    offset = max((_beside(tail, head, below) for below in (False, True)), key=lambda off: np.min(
        np.hypot(*(centres - (np.add(tail, head) / 2 + off)).T)))
    _thick(ax, tail, head, r"$\Delta w^l_{jk}$", offset=offset, fontsize=13)
    cost_x = places[-1][0][0] + 1.1
    _cost(ax, places, cost_x, colors=ends)
    _text(ax, (cost_x, -0.4), r"$\Delta C$", va="top", color=PALETTE[0], fontsize=13)

    def superscript(i: int) -> str:
        return "L" if i == n - 1 else "l" if i == layer else f"l{i - layer:+d}"

    labels: list[Text] = []
    if path is not None:
        # the lines through each labelled neuron: the changed weight, the path, the arrow to C
        ends = [places[layer - 1][k]] + [places[layer + t][q] for t, q in enumerate(chosen)]
        ends.append((cost_x - 0.25, 0.0))
        labels = [_label_neuron(ax, places[layer + t][q],
                                f"$a^{{{superscript(layer + t)}}}_{index}$", [ends[t], ends[t + 2]])
                  for t, (q, index) in enumerate(zip(chosen, ["j"] + _path_letters(len(path))))]
    # the layers' titles go under everything, including labels written under a bottom neuron
    lowest = min(y for place in places for _, y in place.values()) - _R
    below = any(label.get_position()[1] < lowest for label in labels)
    _titles(ax, places, [f"layer ${superscript(i)}$" if i >= layer - 1 else ""
                         for i in range(n)], above=False, gap=0.5 if below else 0.15)
    return _fit(fig, ax)


# where a neuron's label may go, in order of preference: (direction, ha, va)
_LABEL_SPOTS = [((0, 1), "center", "bottom"), ((0, -1), "center", "top"),
                ((1, 1), "left", "bottom"), ((-1, 1), "right", "bottom"),
                ((1, -1), "left", "top"), ((-1, -1), "right", "top")]


def _label_neuron(ax: Axes, centre: Point, label: str, avoid: Sequence[Point],
                  size: Point = (0.45, 0.32)) -> Text:
    """Write ``label`` just outside a neuron, on a side clear of the lines toward ``avoid``.

    Tries above, below, then the four diagonals; a spot is clear when no line from the centre
    to a point of ``avoid`` crosses the label's box (about ``size`` inches).
    """
    width, height = size
    along = np.linspace(0.0, 1.0, 200)[:, None]
    lines = [np.asarray(centre) + along * np.subtract(end, centre) for end in avoid]
    for (dx, dy), ha, va in _LABEL_SPOTS:
        unit = np.array([dx, dy]) / np.hypot(dx, dy)
        anchor = np.asarray(centre) + unit * (_R + 0.04)
        left = {"center": anchor[0] - width / 2, "left": anchor[0], "right": anchor[0] - width}
        bottom = anchor[1] if va == "bottom" else anchor[1] - height
        x0, y0 = left[ha], bottom
        if not any(((x0 < points[:, 0]) & (points[:, 0] < x0 + width) & (y0 < points[:, 1])
                    & (points[:, 1] < y0 + height)).any() for points in lines):
            break
    else:
        (dx, dy), ha, va = _LABEL_SPOTS[0]
        anchor = np.asarray(centre) + np.array([0.0, _R + 0.04])
    return _text(ax, (float(anchor[0]), float(anchor[1])), label, ha=ha, va=va,
                 color=PALETTE[0], fontsize=13,
                 bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3})


# --------------------------------------------------------------------------------------------
# Chapter 3: gradient descent in a narrow valley, and momentum
# --------------------------------------------------------------------------------------------

# The valley C(v) = (v1^2 + _STEEP v2^2) / 2, drawn with one unit per inch: 4 times narrower
# across (v2) than along (v1). With eta * _STEEP = 1.85 > 1 each step across overshoots the
# floor, landing 0.85 times as far out on the other side, while along the floor it covers only
# eta = 0.12 of the remaining way.
_STEEP = 16.0
_VALLEY_ETA = 1.85 / _STEEP
_VALLEY_START = (-2.6, 0.45)
_VALLEY_STEPS = 8
# The slope of the momentum picture, h(x) = _SLOPE (x - _SLOPE_BOTTOM)^2, with the momentum
# update v -> mu v - eta h'(x), x -> x + v.
_SLOPE, _SLOPE_BOTTOM = 0.1, 4.6
_MU, _SLOPE_ETA, _SLOPE_START, _SLOPE_STEPS = 0.9, 0.4, 0.3, 4


def _valley_path() -> np.ndarray:
    """The points of plain gradient descent in the valley, v -> v - eta grad C: (steps + 1, 2)."""
    points = [np.array(_VALLEY_START)]
    for _ in range(_VALLEY_STEPS):
        v = points[-1]
        points.append(v - _VALLEY_ETA * np.array([v[0], _STEEP * v[1]]))
    return np.array(points)


def _slope_path() -> tuple[np.ndarray, np.ndarray]:
    """Positions x_t and velocities v_t of the ball rolling down h(x) with momentum."""
    x, v = [_SLOPE_START], [0.0]
    for _ in range(_SLOPE_STEPS):
        v.append(_MU * v[-1] - _SLOPE_ETA * 2 * _SLOPE * (x[-1] - _SLOPE_BOTTOM))
        x.append(x[-1] + v[-1])
    return np.array(x), np.array(v)


def _on_slope(x: float, radius: float) -> Point:
    """The centre of a ball of ``radius`` resting on the slope h at ``x``."""
    slope = 2 * _SLOPE * (x - _SLOPE_BOTTOM)
    normal = np.array([-slope, 1.0]) / np.hypot(slope, 1.0)
    cx, cy = np.array([x, _SLOPE * (x - _SLOPE_BOTTOM) ** 2]) + radius * normal
    return float(cx), float(cy)


@_house_style
def ball_in_valley(momentum: bool = False) -> Figure:
    """Why gradient descent can be slow, and the idea of momentum.

    Serves chapter 3's "Variations on stochastic gradient descent". With ``momentum=False``
    (the book's ``tikz33``): the contours of a long, narrow valley seen from above, and the
    steps of plain gradient descent, v -> v - eta grad C, from a ball on its side: the learning
    rate that makes reasonable progress along the valley overshoots across it, so the steps
    zig-zag from wall to wall and creep along the floor. The steps are computed, not sketched.

    With ``momentum=True``: a ball rolling down a slope, seen from the side, drawn at equal
    time steps of the momentum update v -> mu v - eta grad C, w -> w + v. The velocity v builds
    up, so the faded earlier positions lie further and further apart, and the arrow shows the
    ball's velocity now, pointing along the slope.
    """
    fig, ax = _canvas()
    if not momentum:
        for i, a in enumerate([3.6, 2.95, 2.3, 1.65, 1.0]):  # semi-axes along the floor
            shade = 0.93 - 0.07 * i  # deeper is darker
            ax.add_patch(Ellipse((0.0, 0.0), 2 * a, 2 * a / np.sqrt(_STEEP), linewidth=1.0,
                                 facecolor=(shade, shade + 0.03, 1.0), edgecolor=GREY,
                                 zorder=1))
        points = _valley_path()
        for tail, head in zip(points, points[1:]):
            _arrow(ax, tuple(tail), tuple(head), color=PALETTE[1], linewidth=1.8,
                   head_size=11)
        _neuron(ax, tuple(points[0]), radius=0.12, face=PALETTE[1], edge=INK, linewidth=1.0)
        ax.plot([0.0], [0.0], "+", color=INK, markersize=10, markeredgewidth=1.5, zorder=4)
        _text(ax, (0.13, 0.0), "minimum", ha="left", fontsize=10)
        _text(ax, (points[0][0] - 0.05, points[0][1] + 0.2), "start", va="bottom",
              fontsize=10)
        _text(ax, (0.0, -1.05), r"steps $\Delta v = -\eta \nabla C$ overshoot across the narrow"
              r" valley" "\n" "and make slow progress along it", va="top", linespacing=1.4)
        return _fit(fig, ax)

    xs = np.linspace(-0.3, 6.2, 300)
    ground = _SLOPE * (xs - _SLOPE_BOTTOM) ** 2
    bottom = -0.35
    # the ground's outline, closed (a closed Path ignores its last vertex: repeat the first)
    outline = [*zip(xs, ground), (xs[-1], bottom), (xs[0], bottom), (xs[0], ground[0])]
    ax.add_patch(PathPatch(Path(outline, closed=True), facecolor="#e9e5dc", edgecolor=INK,
                           linewidth=1.4, zorder=1))
    positions, velocities = _slope_path()
    radius = 0.17
    for x in positions[:-1]:  # the ball's earlier places, faded
        _neuron(ax, _on_slope(x, radius), radius=radius, face="#f5d2b8", edge=GREY,
                linewidth=1.0)
    now = _on_slope(positions[-1], radius)
    _neuron(ax, now, radius=radius, face=PALETTE[1], edge=INK, linewidth=1.2)
    slope = 2 * _SLOPE * (positions[-1] - _SLOPE_BOTTOM)
    along = np.array([1.0, slope]) / np.hypot(1.0, slope)
    tail = np.asarray(now) + (radius + 0.05) * along
    head = tail + velocities[-1] * along  # as long as the last step
    _arrow(ax, tuple(tail), tuple(head), color=PALETTE[0], linewidth=2.4, head_size=16)
    mid = (tail + head) / 2
    _text(ax, (float(mid[0]) + 0.1, float(mid[1]) + 0.22), "velocity $v$", ha="left",
          va="bottom", color=PALETTE[0])
    ghost = _on_slope(positions[-2], radius)
    _text(ax, (ghost[0] + radius + 0.12, ghost[1] + 0.12), "earlier steps", ha="left",
          va="bottom", fontsize=10)
    _text(ax, (3.1, 2.2), r"$v \rightarrow \mu v - \eta \nabla C$" "\n"
          r"$w \rightarrow w + v$", ha="left", va="top", linespacing=1.7, fontsize=13)
    return _fit(fig, ax)


# --------------------------------------------------------------------------------------------
# Chapter 5: the chain of single neurons
# --------------------------------------------------------------------------------------------

CHAIN_MOST = 7  # neurons in the longest chain that fits the page


@_house_style
def chain(n: int = 4) -> Figure:
    """The simplest deep network: ``n`` single sigmoid neurons in a row, then the cost.

    Serves chapter 5's vanishing-gradient argument: the input feeds neuron 1 through the arrow
    labelled $w_1$, neuron j (its bias $b_j$ written inside) feeds neuron j + 1 through $w_{j+1}$,
    and the last neuron feeds the box $C$, the cost. The gradient of $b_1$ is then the product
    of one factor $w_j \\sigma'(z_j)$ per neuron after the first.

    Parameters
    ----------
    n : int
        The number of neurons, from 1 to :data:`CHAIN_MOST` (the book draws 4).
    """
    if (isinstance(n, bool) or not isinstance(n, (int, np.integer))
            or not 1 <= n <= CHAIN_MOST):
        raise ValueError(f"n must be an integer from 1 to {CHAIN_MOST} (the number of neurons "
                         f"in the chain); got {n!r}")

    fig, ax = _canvas()
    dx = 0.95
    _text(ax, (-0.05, 0.0), "input", ha="right")
    previous = (0.0, 0.0)
    for j in range(1, n + 1):
        centre = ((j - 1) * dx + 0.7, 0.0)
        _neuron(ax, centre, f"$b_{{{j}}}$")
        _arrow(ax, previous, (centre[0] - RADIUS, 0.0), f"$w_{{{j}}}$")
        previous = (centre[0] + RADIUS, 0.0)
    cost = (previous[0] + 0.65, 0.0)
    _box(ax, cost, 0.4, 0.4, "$C$")
    _arrow(ax, previous, (cost[0] - 0.2, 0.0))
    return _fit(fig, ax)
