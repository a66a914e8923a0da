"""Diagrams of neurons, networks and circuits: perceptrons and sigmoid neurons, layered networks
(with an elided big layer, a highlighted weight or dropped neurons), chapter 1's NAND half adder
and face detector, and chapter 5's chain of single neurons.

Each function returns a new :class:`matplotlib.figure.Figure` in the house style of
:mod:`nnbook.figures.style`, drawn with :mod:`nnbook.figures.primitives` on a canvas where one
unit is one inch, and cropped to the drawing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, PathPatch
from matplotlib.path import Path

from nnbook.figures import primitives as draw
from nnbook.figures.primitives import Point
from nnbook.figures.style import INK, PALETTE, check_integer, check_sizes, house_style

__all__ = ["perceptron", "network", "half_adder", "face_detector", "chain"]


# --------------------------------------------------------------------------------------------
# Single neurons
# --------------------------------------------------------------------------------------------

@house_style
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

    fig, ax = draw.canvas()
    radius, gap = 0.32, 0.6
    centre = (2.6, 0.0)
    inside = label if label is not None else (draw.as_label(bias) if bias is not None else None)
    draw.neuron(ax, centre, inside, radius=radius)
    if label is not None and bias is not None:
        draw.write(ax, (centre[0], -radius - 0.2), f"bias {draw.as_label(bias)}")
    for i, name in enumerate(inputs):
        y = ((len(inputs) - 1) / 2 - i) * gap
        draw.write(ax, (0.9, y), name, ha="right")
        draw.arrow(ax, (1.0, y), draw.rim(centre, (1.0, y), radius),
                   label=None if weights is None else draw.as_label(weights[i]), at=0.42)
    draw.arrow(ax, (centre[0] + radius, 0.0), (3.8, 0.0))
    draw.write(ax, (3.9, 0.0), output, ha="left")
    return draw.fit(fig, ax)


# --------------------------------------------------------------------------------------------
# Layered networks
# --------------------------------------------------------------------------------------------

def _check_labels(labels: Sequence[Any] | None, n: int, name: str) -> list[str] | None:
    """``labels`` as n strings, or a ValueError naming ``name``."""
    if labels is None:
        return None
    labels = [str(label) for label in labels]
    if len(labels) != n:
        raise ValueError(f"{name} must have {n} entries; got {len(labels)}")
    return labels


@house_style
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
    sizes = check_sizes(sizes)
    if isinstance(max_shown, Sequence):
        if len(max_shown) != len(sizes):
            raise ValueError(f"max_shown must be one int, or one per layer ({len(sizes)}); "
                             f"got {max_shown!r}")
        limits = [check_integer(m, "max_shown", minimum=2) for m in max_shown]
    else:
        limits = [check_integer(max_shown, "max_shown", minimum=2)] * len(sizes)
    input_labels = _check_labels(input_labels, sizes[0], "input_labels")
    output_labels = _check_labels(output_labels, sizes[-1], "output_labels")
    layer_titles = _check_labels(layer_titles, len(sizes), "layer_titles")
    columns = [draw.shown(n, limit) for n, limit in zip(sizes, limits)]
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
    radius = min(draw.RADIUS, 0.36 * dy)
    dx = min(1.6, 6.0 / (len(sizes) - 1))
    fig, ax = draw.canvas()
    places = draw.columns(ax, columns, dx, dy, radius, dropped=off)
    for i, column in enumerate(columns):
        if sizes[i] > limits[i]:
            top = (len(column) - 1) / 2 * dy
            draw.write(ax, (i * dx, top + radius + 0.1), f"{sizes[i]} neurons", va="bottom",
                       fontsize=10, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    draw.connect(ax, places, [(l, k, j) for l, k, j in draw.every_edge(places)
                              if (l, k) not in off and (l + 1, j) not in off])

    if input_labels is not None:
        for neuron, (x, y) in places[0].items():
            draw.write(ax, (x - radius - 0.08, y), input_labels[neuron], ha="right")
    if output_labels is not None:
        for neuron, (x, y) in places[-1].items():
            draw.write(ax, (x + radius + 0.08, y), output_labels[neuron], ha="left")
    if layer_titles is not None:
        bottom = -(tallest - 1) / 2 * dy - radius - 0.15
        for i, title in enumerate(layer_titles):
            draw.write(ax, (i * dx, bottom), title, va="top", linespacing=1.3)
    if highlight is not None:
        layer, j, k = highlight
        draw.thick(ax, places[layer - 1][k], places[layer][j], r"$w + \Delta w$", offset=(0.0, 0.2))
        out_x = (len(sizes) - 1) * dx + radius + 0.75
        for x, y in places[-1].values():
            draw.arrow(ax, (x + radius, y), (out_x, y))
        draw.write(ax, (out_x + 0.1, 0.0), r"output + $\Delta$output", ha="left", color=PALETTE[1])
    return draw.fit(fig, ax)


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
    draw.write(ax, (x - 0.07, y), "NAND", fontsize=10)
    return [(left, y + half / 2), (left, y - half / 2)], (tip + 2 * _BUBBLE, y)


def _wire(ax: Axes, start: Point, end: Point) -> None:
    """A straight wire of a circuit."""
    ax.plot(*zip(start, end), color=INK, linewidth=1.3, zorder=2)


def _dot(ax: Axes, xy: Point) -> None:
    """A junction dot where one signal feeds several wires."""
    ax.add_patch(Circle(xy, 0.04, color=INK, zorder=4))


@house_style
def half_adder(perceptrons: bool = False, input_layer: bool = False) -> Figure:
    """The circuit that adds two bits x1 and x2, built only from NAND gates.

    Serves chapter 1's argument that perceptrons can compute anything: NAND is universal, and a
    perceptron with weights -2, -2 and bias 3 is a NAND gate. With ``perceptrons=False`` the
    five gates are drawn as NAND symbols; with ``perceptrons=True`` each is a perceptron with
    bias 3 and weight -2 on each input (the carry gate's two inputs from the same gate are one
    arrow of weight -4). The circuit is the netlist ``_ADDER``, which the tests evaluate.

    With ``input_layer=True`` (perceptrons only) the inputs are drawn as an input layer of
    "input perceptrons": grey circles with no arrows in, each named by the value it emits. The
    inputs are otherwise dots at the ends of their wires.
    """
    if input_layer and not perceptrons:
        raise ValueError("input_layer=True draws the inputs as perceptrons, so it needs "
                         "perceptrons=True; got perceptrons=False")
    fig, ax = draw.canvas()
    radius = 0.27  # the perceptrons'
    # where each signal leaves its source: the inputs' dots (or input perceptrons), or a gate
    for name in ("x1", "x2"):
        x, y = _ADDER_PLACES[name]
        if input_layer:
            draw.neuron(ax, (x, y), f"${name[0]}_{name[1]}$", radius=radius, face="#f2f2f2")
            continue
        draw.write(ax, (x - 0.1, y), f"${name[0]}_{name[1]}$", ha="right")
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
            draw.write(ax, (end_x + 0.1, start[1]), text, ha="left")
        return draw.fit(fig, ax)

    for gate in _ADDER:
        draw.neuron(ax, _ADDER_PLACES[gate], draw.as_label(3), radius=radius)
    for gate, sources in _ADDER.items():
        centre = _ADDER_PLACES[gate]
        for source, count in Counter(sources).items():
            start = _ADDER_PLACES[source]
            if source in _ADDER or input_layer:
                start = draw.rim(start, centre, radius)
            at = 0.75 if gate == "carry" else 0.5  # the carry's label clears x2's arrow
            draw.arrow(ax, start, draw.rim(centre, start, radius),
                       label=draw.as_label(-2 * count), at=at)
    for gate, text in _ADDER_OUTPUTS.items():
        x, y = _ADDER_PLACES[gate]
        draw.arrow(ax, (x + radius, y), (end_x, y))
        draw.write(ax, (end_x + 0.1, y), text, ha="left")
    return draw.fit(fig, ax)


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


@house_style
def face_detector(detail: bool = False) -> Figure:
    """A face detector built from sub-networks that each answer a simpler question.

    Serves chapter 1's "Toward deep learning": the input image feeds sub-networks asking "Is
    there an eye in the top left?" and so on, and their answers feed one output, "Is it a
    face?". With ``detail=True`` the first question is itself answered from smaller ones (an
    eyebrow, eyelashes, an iris), the kind of layered breakdown a deep network can learn.
    """
    fig, ax = draw.canvas()
    width, height, gap = 1.55, 0.56, 0.78  # a question's box, and the rows' spacing
    question_x = 4.1 if detail else 2.5
    questions = [(question_x, (2 - i) * gap) for i in range(len(_FACE_QUESTIONS))]
    image = (0.55, 0.35 if detail else 0.0)
    output = (question_x + width / 2 + 1.1, 0.0)
    subs = [(2.3, questions[0][1] + 0.95 - s * 0.72) for s in range(len(_EYE_QUESTIONS))]

    draw.box(ax, image, 1.0, 0.9, "input\nimage")
    draw.box(ax, output, 1.0, 0.7, "Is it\na face?", face="#e6f4ee", edge=PALETTE[2])
    for question, centre in zip(_FACE_QUESTIONS, questions):
        draw.box(ax, centre, width, height, question, face="#e8f1fa", edge=PALETTE[0])
    if detail:
        for question, centre in zip(_EYE_QUESTIONS, subs):
            draw.box(ax, centre, 1.2, height, question, face="#fdf0e6", edge=PALETTE[1])

    # what the image feeds directly, top to bottom; then every question feeds the output
    fed = [(sub, 1.2) for sub in subs] + [(q, width) for q in questions[1:]] if detail \
        else [(q, width) for q in questions]
    tails = draw.fan((image[0] + 0.5, image[1]), len(fed), 0.3)
    for tail, (centre, w) in zip(tails, fed):
        draw.arrow(ax, tail, (centre[0] - w / 2, centre[1]))
    heads = draw.fan((output[0] - 0.5, output[1]), len(questions), 0.24)
    for centre, head in zip(questions, heads):
        draw.arrow(ax, (centre[0] + width / 2, centre[1]), head)
    if detail:
        eye = questions[0]
        for sub, head in zip(subs, draw.fan((eye[0] - width / 2, eye[1]), len(subs), 0.16)):
            draw.arrow(ax, (sub[0] + 0.6, sub[1]), head)
    return draw.fit(fig, ax)


# --------------------------------------------------------------------------------------------
# Chapter 5: the chain of single neurons
# --------------------------------------------------------------------------------------------

CHAIN_MOST = 7  # neurons in the longest chain that fits the page


@house_style
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

    fig, ax = draw.canvas()
    dx = 0.95
    draw.write(ax, (-0.05, 0.0), "input", ha="right")
    previous = (0.0, 0.0)
    for j in range(1, n + 1):
        centre = ((j - 1) * dx + 0.7, 0.0)
        draw.neuron(ax, centre, f"$b_{{{j}}}$")
        draw.arrow(ax, previous, (centre[0] - draw.RADIUS, 0.0), f"$w_{{{j}}}$")
        previous = (centre[0] + draw.RADIUS, 0.0)
    cost = (previous[0] + 0.65, 0.0)
    draw.box(ax, cost, 0.4, 0.4, "$C$")
    draw.arrow(ax, previous, (cost[0] - 0.2, 0.0))
    return draw.fit(fig, ax)
