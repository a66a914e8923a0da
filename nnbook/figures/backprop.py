"""Chapter 2's diagrams of backpropagation: how weights, biases and activations are named, the
cost as a function of the outputs, the demon that changes one weighted input, the errors delta
computed backwards from the cost, why a weight out of a quiet neuron learns slowly, and the
stages and paths along which a change in one weight reaches the cost.

Small networks are drawn in full (at most 8 neurons per layer and 6 layers), with
:mod:`nnbook.figures.primitives`, in the house style of :mod:`nnbook.figures.style`. Layers are
counted from 1 in the figures' labels, as in the book, and from 0 in the arguments, as in
nnbook's code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.text import Text

from nnbook.figures import primitives as draw
from nnbook.figures.primitives import Places, Point
from nnbook.figures.style import GREY, PALETTE, check_sizes, house_style

__all__ = ["weight_notation", "bias_activation_notation", "cost_of_outputs", "demon",
           "backward_errors", "slow_learning", "weight_paths", "weight_change", "STAGES"]


# --------------------------------------------------------------------------------------------
# Small networks, every neuron drawn
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
    return draw.columns(ax, [range(n) for n in sizes], _dx(len(sizes)), dy, _R, faces)


def _titles(ax: Axes, places: Places, titles: Sequence[str], above: bool,
            gap: float = 0.15) -> None:
    """One title per layer, over (or under) its column, ``gap`` inches clear of every neuron."""
    ys = [y for place in places for _, y in place.values()]
    y = max(ys) + _R + gap if above else min(ys) - _R - gap
    for place, title in zip(places, titles):
        if title:
            draw.write(ax, (next(iter(place.values()))[0], y), title,
                       va="bottom" if above else "top")


def _cost(ax: Axes, places: Places, x: float, colors: dict[int, str] | None = None,
          size: float = 0.5) -> FancyBboxPatch:
    """The cost $C$ as a box centred on (``x``, 0), with an arrow in from every output neuron.

    ``colors`` draws chosen output neurons' arrows in colour, keyed by neuron; the others are
    faint.
    """
    box = draw.box(ax, (x, 0.0), size, size, "$C$", fontsize=14)
    outputs = places[-1]
    heads = draw.fan((x - size / 2, 0.0), len(outputs), 0.14)
    for (j, centre), head in zip(outputs.items(), heads):
        color = (colors or {}).get(j)
        draw.arrow(ax, draw.rim(centre, head, _R), head, color=color or FAINT,
                   linewidth=1.6 if color else 1.0, head_size=10)
    return box


def _check_index(value: Any, name: str, size: int, what: str) -> int:
    """``value`` as an int in [0, size), or a ValueError naming ``name`` and saying why."""
    if (isinstance(value, bool) or not isinstance(value, (int, np.integer))
            or not 0 <= value < size):
        raise ValueError(f"{name} must be an integer from 0 to {size - 1} ({what}); "
                         f"got {value!r}")
    return int(value)


# --------------------------------------------------------------------------------------------
# Notation
# --------------------------------------------------------------------------------------------

@house_style
def weight_notation() -> Figure:
    """How a weight is named: $w^l_{jk}$ joins neuron k of layer l-1 to neuron j of layer l.

    Serves chapter 2's warm-up, where the notation for weights is introduced (the book's
    ``tikz16``): a 3-4-2 network with the weight $w^3_{24}$, from the fourth neuron of layer 2
    to the second neuron of layer 3, drawn thick and explained in a note. Layers are counted
    from 1 here, as in the book (nnbook's code counts from 0: this weight is
    ``weights[1][1, 3]``).
    """
    sizes = (3, 4, 2)
    fig, ax = draw.canvas()
    places = _small_network(ax, sizes)
    draw.connect(ax, places, [edge for edge in draw.every_edge(places) if edge != (1, 3, 1)])
    tail, head = places[1][3], places[2][1]
    draw.thick(ax, tail, head, "$w^3_{24}$", offset=(0.14, -0.3), fontsize=14)
    _titles(ax, places, ["layer 1", "layer 2", "layer 3"], above=True)
    draw.write(ax, (tail[0], tail[1] - _R - 0.08), "$k = 4$", va="top", color=PALETTE[1],
               fontsize=13)
    draw.write(ax, (head[0] + _R + 0.1, head[1]), "$j = 2$", ha="left", color=PALETTE[1],
               fontsize=13)
    note = (r"$w^l_{jk}$: the weight into neuron $j$ of layer $l$" "\n"
            r"from neuron $k$ of layer $l-1$." "\n"
            r"The receiving neuron $j$ comes first and the" "\n"
            r"sending neuron $k$ second, so the weights into" "\n"
            r"layer $l$ form a matrix $w^l$ whose row $j$" "\n"
            r"holds the weights into neuron $j$.")
    draw.write(ax, (head[0] + 1.05, places[1][0][1] + 0.2), note, ha="left", va="top",
               linespacing=1.5, bbox={"facecolor": LIGHT_ORANGE, "edgecolor": PALETTE[1],
                                      "boxstyle": "round,pad=0.4"})
    return draw.fit(fig, ax)


@house_style
def bias_activation_notation() -> Figure:
    """How biases and activations are named: $b^l_j$ and $a^l_j$ belong to neuron j of layer l.

    Serves chapter 2's warm-up, right after the weight notation (the book's ``tikz17``): a 3-4-2
    network with the bias $b^2_3$ of the third neuron of layer 2 and the activation $a^3_1$ of
    the first neuron of layer 3 labelled, each with an arrow to its neuron. Layers and neurons
    are counted from 1, as in the book.
    """
    sizes = (3, 4, 2)
    fig, ax = draw.canvas()
    places = _small_network(ax, sizes, faces={(1, 2): LIGHT_ORANGE, (2, 0): LIGHT_BLUE})
    draw.connect(ax, places, draw.every_edge(places))
    _titles(ax, places, ["layer 1", "layer 2", "layer 3"], above=True)
    bias, activation = places[1][2], places[2][0]
    for centre, label, at, color in [
            (bias, "$b^2_3$", (bias[0] + 0.65, bias[1] - 1.0), PALETTE[1]),
            (activation, "$a^3_1$", (activation[0] + 0.8, activation[1] + 0.55), PALETTE[0])]:
        draw.write(ax, at, label, color=color, fontsize=14)
        draw.arrow(ax, draw.rim(at, centre, 0.22), draw.rim(centre, at, _R), color=color)
    return draw.fit(fig, ax)


@house_style
def cost_of_outputs(sizes: Sequence[int] = (3, 4, 3)) -> Figure:
    """The cost of one example as a function of the network's outputs $a^L$ alone.

    Serves chapter 2's second assumption about the cost (the book's ``tikz18``): each output
    neuron's activation $a^L_j$ (numbered from 1, as in the book) runs into the cost $C$, while
    the target $y$ comes in from above, greyed, as a fixed parameter the network cannot change.
    The rest of the network is faint.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, input first; 2 to 6 layers of at most 8 neurons.
    """
    sizes = check_sizes(sizes, most=_MOST, layers=_LAYERS)
    n = len(sizes)
    fig, ax = draw.canvas()
    places = _small_network(ax, sizes, dy=0.85,  # room for a label above each output's arrow
                            faces={(n - 1, j): LIGHT_BLUE for j in range(sizes[-1])})
    draw.connect(ax, places, draw.every_edge(places), color=FAINT)
    cost, half = (places[-1][0][0] + 1.9, 0.0), 0.25
    draw.box(ax, cost, 2 * half, 2 * half, "$C$", fontsize=14)
    heads = draw.fan((cost[0] - half, 0.0), sizes[-1], 0.14)
    for (j, centre), head in zip(places[-1].items(), heads):
        draw.arrow(ax, draw.rim(centre, head, _R), head, label=f"$a^L_{{{j + 1}}}$", at=0.4,
                   color=PALETTE[0], label_color=PALETTE[0], linewidth=1.6, head_size=10)
    target = (cost[0], half + 0.55)
    draw.write(ax, (target[0], target[1] + 0.04), "$y$ (fixed)", va="bottom", color=GREY)
    draw.arrow(ax, target, (cost[0], half), color=GREY)
    draw.write(ax, (cost[0], -half - 0.15), "$C = C(a^L)$", va="top", color=PALETTE[0],
               fontsize=13)
    _titles(ax, places, [""] * (n - 1) + ["layer $L$"], above=False)
    return draw.fit(fig, ax)


# --------------------------------------------------------------------------------------------
# The errors delta
# --------------------------------------------------------------------------------------------

@house_style
def demon() -> Figure:
    """The demon: a change $\\Delta z^l_j$ to one neuron's weighted input changes the cost.

    Serves chapter 2's "The four fundamental equations", where the error $\\delta^l_j$ is
    motivated (the book's ``tikz19``): a demon adds $\\Delta z^l_j$ to the weighted input of
    neuron j in layer l; the change travels along every path downstream (coloured) and the cost
    changes by about $\\frac{\\partial C}{\\partial z^l_j} \\Delta z^l_j$, so
    $\\delta^l_j = \\partial C / \\partial z^l_j$ measures the error in that neuron.
    """
    sizes, layer, j = (3, 4, 4, 2), 1, 0
    fig, ax = draw.canvas()
    places = _small_network(ax, sizes, faces={(layer, j): LIGHT_ORANGE})
    paths = draw.downstream(sizes, layer, j)
    draw.connect(ax, places, [edge for edge in draw.every_edge(places) if edge not in paths],
                 color=FAINT)
    draw.connect(ax, places, paths, color=PALETTE[0], linewidth=1.4, zorder=1.2)
    x, y = places[layer][j]
    draw.write(ax, (x, y), "$j$")
    cost_x = places[-1][0][0] + 1.1
    _cost(ax, places, cost_x, colors={q: PALETTE[0] for q in range(sizes[-1])})
    at = (x - 0.75, y + 0.6)
    draw.write(ax, at, r"$+\Delta z^l_j$", color=PALETTE[1], fontsize=14, ha="right")
    draw.arrow(ax, (at[0] + 0.03, at[1] - 0.05), draw.rim((x, y), (at[0], at[1] - 0.05), _R),
               color=PALETTE[1], linewidth=1.8, head_size=14)
    draw.write(ax, (cost_x, -0.45), r"$\Delta C \approx \dfrac{\partial C}{\partial z^l_j}"
               r"\,\Delta z^l_j$", va="top", color=PALETTE[0], fontsize=13)
    _titles(ax, places, ["", "layer $l$", "", ""], above=False)
    return draw.fit(fig, ax)


def _delta(offset: int) -> str:
    """$\\delta^L$, $\\delta^{L-1}$, ...: the error of the layer ``offset`` before the output."""
    return r"$\delta^L$" if offset == 0 else rf"$\delta^{{L-{offset}}}$"


@house_style
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
    sizes = check_sizes(sizes, most=_MOST, layers=_LAYERS)
    fig, ax = draw.canvas()
    places = _small_network(ax, sizes)
    draw.connect(ax, places, draw.every_edge(places), color=FAINT)
    dx = _dx(len(sizes))
    last = (len(sizes) - 1) * dx
    _cost(ax, places, last + 1.1)

    row = (max(sizes) - 1) / 2 * _DY + _R + 0.55  # the errors' row, above the network
    for i in range(1, len(sizes)):
        draw.write(ax, (i * dx, row), _delta(len(sizes) - 1 - i), color=PALETTE[1], fontsize=15)
    bold = {"color": PALETTE[1], "linewidth": 2.6, "head_size": 18}
    for i in range(len(sizes) - 1, 1, -1):
        draw.arrow(ax, (i * dx - 0.42, row), ((i - 1) * dx + 0.45, row), **bold)
        draw.write(ax, ((i - 0.5) * dx, row + 0.2), "BP2", fontsize=10, color=PALETTE[1],
                   va="bottom")
    draw.arrow(ax, (last + 1.1, 0.25 + 0.05), (last + 0.3, row - 0.05), **bold)
    draw.write(ax, (last + 0.85, (row + 0.3) / 2 + 0.1), "BP1", fontsize=10, color=PALETTE[1],
               ha="left")
    bottom = -(max(sizes) - 1) / 2 * _DY - _R - 0.3
    draw.write(ax, (0.0, bottom), r"BP1:  $\delta^L = \nabla_a C \odot \sigma'(z^L)$" "\n"
               r"BP2:  $\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)$",
               ha="left", va="top", linespacing=1.8)
    return draw.fit(fig, ax)


@house_style
def slow_learning() -> Figure:
    """A weight out of a neuron with low activation learns slowly.

    Serves chapter 2's discussion after the four equations (the book's ``tikz20``): by BP4,
    $\\partial C / \\partial w = a_{\\rm in} \\delta_{\\rm out}$, so when the neuron feeding
    the weight has $a_{\\rm in} \\approx 0$ the gradient is small and gradient descent barely
    changes the weight.
    """
    fig, ax = draw.canvas()
    radius = 0.3
    left, right = (0.0, 0.0), (2.2, 0.0)
    draw.neuron(ax, left, radius=radius, face="#f2f2f2", edge=GREY)
    draw.neuron(ax, right, radius=radius)
    draw.arrow(ax, (radius, 0.0), (right[0] - radius, 0.0), color=PALETTE[1], linewidth=2.2,
               head_size=16)
    draw.write(ax, (1.1, 0.08), "$w$", va="bottom", color=PALETTE[1], fontsize=14)
    draw.write(ax, (left[0], radius + 0.12), r"$a_{\rm in} \approx 0$", va="bottom", fontsize=13)
    draw.write(ax, (right[0], radius + 0.12), r"$\delta_{\rm out}$", va="bottom", fontsize=13)
    draw.write(ax, (1.1, -radius - 0.25),
               r"$\dfrac{\partial C}{\partial w} = a_{\rm in}\,\delta_{\rm out} \approx 0$",
               va="top", fontsize=13)
    draw.write(ax, (1.1, -radius - 0.85), "so $w$ learns slowly", va="top", color=PALETTE[1])
    return draw.fit(fig, ax)


# --------------------------------------------------------------------------------------------
# The big picture: paths from one weight to the cost
# --------------------------------------------------------------------------------------------

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


@house_style
def weight_paths(sizes: Sequence[int] = (3, 4, 4, 3, 2), layer: int = 2, j: int = 1,
                 k: int = 1, path: Sequence[int] | None = None) -> Figure:
    """The big picture: a change $\\Delta w^l_{jk}$ in one weight reaches the cost along paths.

    Serves chapter 2's closing section, "Backpropagation: the big picture" (the book's
    ``tikz25`` and ``tikz27``; :func:`weight_change` draws the stages before). The weight from neuron k of layer ``layer - 1`` to neuron j of
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
        ``weights[layer - 1][j, k]``), as for the ``highlight`` of
        :func:`nnbook.figures.diagrams.network`. The figure's labels use the book's symbols
        ($l$ for ``layer``, $L$ for the output layer).
    path : optional sequence of int
        One neuron per layer after ``layer`` (so ``len(sizes) - 1 - layer`` of them), counted
        from 0: the single path to colour.
    """
    sizes, layer, j, k = _check_weight(sizes, layer, j, k)
    n = len(sizes)
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
        paths = draw.downstream(sizes, layer, j)
        faces = {(layer, j): LIGHT_ORANGE}
        reached = range(sizes[-1]) if layer < n - 1 else [j]  # the outputs that move
        ends = {q: PALETTE[0] for q in reached}
    else:
        paths = [(layer + t, a, b) for t, (a, b) in enumerate(zip(chosen, chosen[1:]))]
        faces = {(layer + t, q): LIGHT_BLUE for t, q in enumerate(chosen)}
        faces[layer, j] = LIGHT_ORANGE
        ends = {chosen[-1]: PALETTE[0]}

    fig, ax = draw.canvas()
    dy = 0.85 if path is not None else _DY  # room for the activations' labels
    places = _small_network(ax, sizes, dy=dy, faces=faces)
    changed = (layer - 1, k, j)
    draw.connect(ax, places, [edge for edge in draw.every_edge(places)
                              if edge not in paths and edge != changed], color=FAINT)
    draw.connect(ax, places, paths, color=PALETTE[0], linewidth=1.6, zorder=1.2)
    _changed_weight(ax, places, layer, j, k)
    cost_x = places[-1][0][0] + 1.1
    _cost(ax, places, cost_x, colors=ends)
    draw.write(ax, (cost_x, -0.4), r"$\Delta C$", va="top", color=PALETTE[0], fontsize=13)

    def superscript(i: int) -> str:
        return _superscript(i, n, layer)

    labels: list[Text] = []
    if path is not None:
        # the lines through each labelled neuron: the changed weight, the path, the arrow to C
        ends = [places[layer - 1][k]] + [places[layer + t][q] for t, q in enumerate(chosen)]
        ends.append((cost_x - 0.25, 0.0))
        labels = [_label_neuron(ax, places[layer + t][q],
                                f"$a^{{{superscript(layer + t)}}}_{index}$", [ends[t], ends[t + 2]])
                  for t, (q, index) in enumerate(zip(chosen, ["j"] + _path_letters(len(path))))]
    _path_titles(ax, places, layer, labels)
    return draw.fit(fig, ax)


def _check_weight(sizes: Any, layer: Any, j: Any, k: Any) -> tuple[list[int], int, int, int]:
    """The network and the changed weight of :func:`weight_paths`, checked; or a ValueError."""
    sizes = check_sizes(sizes, most=_MOST, layers=_LAYERS)
    n = len(sizes)
    if (isinstance(layer, bool) or not isinstance(layer, (int, np.integer))
            or not 1 <= layer < n):
        raise ValueError(f"layer must be an integer from 1 to {n - 1} (the layer the weight "
                         f"feeds; layer 0 is the input); got {layer!r}")
    j = _check_index(j, "j", sizes[layer], f"a neuron of layer {layer}")
    k = _check_index(k, "k", sizes[layer - 1], f"a neuron of layer {layer - 1}")
    return sizes, int(layer), j, k


def _superscript(i: int, n: int, layer: int) -> str:
    """Layer i's name relative to the changed weight's layer: l, l+1, ..., L for the output."""
    return "L" if i == n - 1 else "l" if i == layer else f"l{i - layer:+d}"


def _changed_weight(ax: Axes, places: Places, layer: int, j: int, k: int) -> None:
    """The changed weight, thick, labelled $\\Delta w^l_{jk}$ on its side clearer of neurons."""
    tail, head = places[layer - 1][k], places[layer][j]
    centres = np.array([xy for place in places for xy in place.values()])
    offset = max((draw.beside(tail, head, below) for below in (False, True)),
                 key=lambda off: np.min(np.hypot(*(centres - (np.add(tail, head) / 2 + off)).T)))
    draw.thick(ax, tail, head, r"$\Delta w^l_{jk}$", offset=offset, fontsize=13)


def _path_titles(ax: Axes, places: Places, layer: int, labels: Sequence[Text]) -> None:
    """Titles "layer $l-1$", "layer $l$", ... "layer $L$" under everything, ``labels`` too."""
    n = len(places)
    lowest = min(y for place in places for _, y in place.values()) - _R
    below = any(label.get_position()[1] < lowest for label in labels)
    _titles(ax, places, [f"layer ${_superscript(i, n, layer)}$" if i >= layer - 1 else ""
                         for i in range(n)], above=False, gap=0.5 if below else 0.15)


STAGES = ("weight", "activation", "next layer", "one neuron")


@house_style
def weight_change(sizes: Sequence[int] = (3, 4, 4, 3, 2), layer: int = 2, j: int = 1,
                  k: int = 1, stage: str = "weight", q: int | None = None) -> Figure:
    """The first steps of a change $\\Delta w^l_{jk}$ on its way to the cost, one per stage.

    Serves chapter 2's "Backpropagation: the big picture", before :func:`weight_paths` shows
    the whole picture (the book's ``tikz22`` to ``tikz24`` and ``tikz26``). The network, the
    changed weight and the cost are those of :func:`weight_paths`; ``stage`` says how far the
    change has gone:

    - ``"weight"``: only the weight has changed, drawn thick and labelled $\\Delta w^l_{jk}$;
    - ``"activation"``: the neuron it feeds, j of layer l, is shaded and labelled
      $\\Delta a^l_j$;
    - ``"next layer"``: neuron j's connections to every neuron of layer l + 1 are coloured and
      those neurons shaded: all their activations change, $\\Delta a^{l+1}$;
    - ``"one neuron"``: of those, only the connection to neuron ``q`` of layer l + 1, labelled
      $\\Delta a^{l+1}_q$.

    Parameters
    ----------
    sizes, layer, j, k
        As for :func:`weight_paths`. The last two stages need a layer after ``layer``.
    stage : str
        One of :data:`STAGES`.
    q : int, only with ``stage="one neuron"``
        The neuron of layer ``layer + 1``, counted from 0.
    """
    sizes, layer, j, k = _check_weight(sizes, layer, j, k)
    n = len(sizes)
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(map(repr, STAGES))}; got {stage!r}")
    if stage in STAGES[2:] and layer == n - 1:
        raise ValueError(f"stage {stage!r} follows the change into the layer after the "
                         f"weight's, so layer must be below the output layer ({n - 1}); got "
                         f"layer={layer}")
    if stage == "one neuron":
        if q is None:
            raise ValueError(f"q must name the neuron of layer {layer + 1} that stage "
                             f"'one neuron' follows; got None")
        q = _check_index(q, "q", sizes[layer + 1], f"a neuron of layer {layer + 1}")
    elif q is not None:
        raise ValueError(f"q is used only with stage 'one neuron'; got q={q!r} with "
                         f"stage={stage!r}")

    faces: dict[tuple[int, int], str] = {}
    coloured: list[draw.Edge] = []
    if stage != "weight":
        faces[layer, j] = LIGHT_ORANGE
    if stage == "next layer":
        coloured = [(layer, j, p) for p in range(sizes[layer + 1])]
    elif stage == "one neuron":
        coloured = [(layer, j, q)]
    faces.update({(layer + 1, p): LIGHT_BLUE for _, _, p in coloured})

    fig, ax = draw.canvas()
    places = _small_network(ax, sizes, dy=0.85, faces=faces)  # as weight_paths with a path
    changed = (layer - 1, k, j)
    draw.connect(ax, places, [edge for edge in draw.every_edge(places)
                              if edge not in coloured and edge != changed], color=FAINT)
    draw.connect(ax, places, coloured, color=PALETTE[0], linewidth=1.6, zorder=1.2)
    _changed_weight(ax, places, layer, j, k)
    _cost(ax, places, places[-1][0][0] + 1.1)

    labels: list[Text] = []
    if stage != "weight":
        # clear of the changed weight and of the coloured connections out of neuron j
        avoid = [places[layer - 1][k]] + [places[layer + 1][p] for _, _, p in coloured]
        labels.append(_label_neuron(ax, places[layer][j],
                                    f"$\\Delta a^{{{_superscript(layer, n, layer)}}}_j$",
                                    avoid, color=PALETTE[1]))
    if stage == "next layer":
        x, top = places[layer + 1][0]
        labels.append(draw.write(ax, (x, top + _R + 0.06),
                                 f"$\\Delta a^{{{_superscript(layer + 1, n, layer)}}}$",
                                 va="bottom", color=PALETTE[0], fontsize=13,
                                 bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3}))
    if stage == "one neuron":
        labels.append(_label_neuron(ax, places[layer + 1][q],
                                    f"$\\Delta a^{{{_superscript(layer + 1, n, layer)}}}_q$",
                                    [places[layer][j]]))
    _path_titles(ax, places, layer, labels)
    return draw.fit(fig, ax)


# where a neuron's label may go, in order of preference: (direction, ha, va)
_LABEL_SPOTS = [((0, 1), "center", "bottom"), ((0, -1), "center", "top"),
                ((1, 1), "left", "bottom"), ((-1, 1), "right", "bottom"),
                ((1, -1), "left", "top"), ((-1, -1), "right", "top")]


def _label_neuron(ax: Axes, centre: Point, label: str, avoid: Sequence[Point],
                  size: Point = (0.45, 0.32), color: str = PALETTE[0]) -> Text:
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
    return draw.write(ax, (float(anchor[0]), float(anchor[1])), label, ha=ha, va=va,
                      color=color, fontsize=13,
                      bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3})
