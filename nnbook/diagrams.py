"""Diagrams of neurons, networks and circuits, drawn with matplotlib.

Each public function returns a new :class:`matplotlib.figure.Figure` (built directly, never
through pyplot) in the house style of :mod:`nnbook.plotting`: an opaque white background, dark
ink and fonts of at least 10 pt.

How a diagram is built, so that later chapters can add their own in a few lines:

- :func:`_canvas` gives one axes covering the whole figure, measured in inches (one data unit
  is one inch), so sizes of circles, gaps and text are the same in every diagram.
- Small helpers draw the parts: :func:`_neuron` (a circle, optionally with text inside),
  :func:`_arrow` (an arrow, optionally with a label beside it), :func:`_box` (a rounded box
  of text), :func:`_text`, :func:`_nand_gate`, :func:`_wire` and :func:`_dot` for circuits;
  :func:`_rim` ends an arrow exactly on a circle, :func:`_fan` spreads arrows along a box's side.
- :func:`_fit` then crops the figure to what was drawn (text included) plus a small margin.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, PathPatch
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from nnbook.plotting import GREY, INK, PALETTE, _house_style, _new_figure

__all__ = ["perceptron", "network", "half_adder", "face_detector"]

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
    # Texts and patches bound every drawing here: lines always end at a patch or a text.
    parts = [artist.get_window_extent() for artist in ax.get_children()
             if artist.get_visible() and artist is not ax.patch
             and isinstance(artist, (Text, Circle, FancyArrowPatch, FancyBboxPatch, PathPatch))
             and not (isinstance(artist, Text) and not artist.get_text())]
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
            edge: str = INK, linewidth: float = 1.4) -> Circle:
    """A neuron: a white circle with a dark rim, optionally with ``text`` inside."""
    circle = Circle(xy, radius, facecolor="white", edgecolor=edge, linewidth=linewidth, zorder=3)
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
           label_color: str | None = None) -> FancyArrowPatch:
    """An arrow from ``tail`` to ``head`` (exactly), with ``label`` above it at fraction ``at``."""
    arrow = FancyArrowPatch(tail, head, arrowstyle="-|>", mutation_scale=head_size,
                            shrinkA=0, shrinkB=0, color=color, linewidth=linewidth, zorder=2)
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
         face: str = "#f2f2f2", edge: str = INK) -> FancyBboxPatch:
    """A rounded box of ``width`` x ``height`` inches with ``text`` centred inside."""
    x, y = centre
    box = FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                         boxstyle="round,pad=0,rounding_size=0.08", facecolor=face,
                         edgecolor=edge, linewidth=1.3, zorder=3)
    ax.add_patch(box)
    _text(ax, centre, text, linespacing=1.3)
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


def _shown(n: int, max_shown: int) -> list[int | None]:
    """The neurons drawn for a layer of ``n``, top to bottom; ``None`` marks the ellipsis.

    A layer of more than ``max_shown`` neurons shows its first ceil(max_shown / 2) and its last
    floor(max_shown / 2) neurons with an ellipsis between them.
    """
    if n <= max_shown:
        return list(range(n))
    head = (max_shown + 1) // 2
    return [*range(head), None, *range(n - (max_shown - head), n)]


@_house_style
def network(sizes: Sequence[int], max_shown: int | Sequence[int] = 8,
            input_labels: Sequence[Any] | None = None,
            output_labels: Sequence[Any] | None = None,
            layer_titles: Sequence[str] | None = None,
            highlight: tuple[int, int, int] | None = None) -> Figure:
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
    """
    try:
        sizes = list(sizes)
    except TypeError:
        pass
    if (not isinstance(sizes, list) or len(sizes) < 2 or any(
            isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 for n in sizes)):
        raise ValueError(f"sizes must list at least two positive layer sizes, e.g. [784, 15, 10]; "
                         f"got {sizes!r}")
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

    # Layout, in inches: columns dx apart, neurons dy apart, each column centred on y = 0.
    tallest = max(len(column) for column in columns)
    dy = min(0.45, 4.2 / max(tallest - 1, 1))
    radius = min(RADIUS, 0.36 * dy)
    dx = min(1.6, 6.0 / (len(sizes) - 1))
    places: list[dict[int, Point]] = []
    fig, ax = _canvas()
    for i, column in enumerate(columns):
        x = i * dx
        top = (len(column) - 1) / 2 * dy
        place = {}
        for slot, neuron in enumerate(column):
            xy = (x, top - slot * dy)
            if neuron is None:
                _text(ax, xy, r"$\vdots$", fontsize=14,
                      bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
            else:
                place[neuron] = xy
                _neuron(ax, xy, radius=radius)
        places.append(place)
        if sizes[i] > limits[i]:
            _text(ax, (x, top + radius + 0.1), f"{sizes[i]} neurons", va="bottom", fontsize=10,
                  bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})

    for before, after in zip(places, places[1:]):
        ax.add_collection(LineCollection(
            [(a, b) for a in before.values() for b in after.values()],
            colors=GREY, linewidths=0.6, zorder=1))

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
        tail, head = places[layer - 1][k], places[layer][j]
        ax.plot(*zip(tail, head), color=PALETTE[1], linewidth=2.8, zorder=1.5,
                solid_capstyle="round")
        mid = np.add(tail, head) / 2
        _text(ax, (mid[0], mid[1] + 0.2), r"$w + \Delta w$", color=PALETTE[1],
              bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        out_x = (len(sizes) - 1) * dx + radius + 0.75
        for x, y in places[-1].values():
            _arrow(ax, (x + radius, y), (out_x, y))
        _text(ax, (out_x + 0.1, 0.0), r"output + $\Delta$output", ha="left", color=PALETTE[1])
    return _fit(fig, ax)


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
