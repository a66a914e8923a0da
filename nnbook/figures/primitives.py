"""Drawing primitives for diagrams: a canvas measured in inches, neurons, arrows, boxes, text,
and the columns and connections of layered networks.

How a diagram is built, so that a chapter can add its own in a few lines:

- :func:`canvas` gives one axes covering the whole figure, measured in inches (one data unit
  is one inch), so sizes of circles, gaps and text are the same in every diagram.
- Small functions draw the parts: :func:`neuron` (a circle, optionally with text inside),
  :func:`arrow` (an arrow, optionally with a label beside it), :func:`box` (a rounded box of
  text) and :func:`write` (text); :func:`rim` ends an arrow exactly on a circle, :func:`fan`
  spreads arrows along a box's side, and :func:`as_label` writes numbers as mathtext.
- Layered networks: :func:`columns` draws the layers and returns each neuron's place;
  connections are named ``(l, k, j)`` (neuron k of layer l to neuron j of layer l + 1), listed
  by :func:`every_edge` or :func:`downstream` (those on a path from one neuron to the output)
  and drawn by :func:`connect`; :func:`thick` draws one highlighted weight, and
  :func:`dropped_neuron` a neuron switched off by dropout.
- :func:`fit` then crops the figure to what was drawn (text included) plus a small margin.

A diagram function draws in the house style of :mod:`nnbook.figures.style` (decorate it with
:func:`nnbook.figures.style.house_style`) and returns ``fit(fig, ax)``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch, PathPatch
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from nnbook.figures.style import GREY, INK, PALETTE, new_figure

__all__ = ["Point", "Places", "Edge", "RADIUS", "FONT", "canvas", "fit", "as_label", "write",
           "neuron", "rim", "arrow", "box", "fan", "shown", "columns", "dropped_neuron",
           "every_edge", "downstream", "connect", "beside", "thick"]


Point = tuple[float, float]

RADIUS = 0.22  # a neuron's radius, in inches
FONT = 11  # points


# --------------------------------------------------------------------------------------------
# Parts of any diagram
# --------------------------------------------------------------------------------------------

def canvas() -> tuple[Figure, Axes]:
    """A figure with one invisible axes filling it; call :func:`fit` when the drawing is done."""
    fig = new_figure(4.0, 3.0, layout=None)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    ax.set_aspect("equal")
    return fig, ax


def fit(fig: Figure, ax: Axes, pad: float = 0.08) -> Figure:
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


def as_label(value: Any) -> str:
    """A label: strings as given, numbers as mathtext (so -2 gets a true minus sign)."""
    if isinstance(value, str):
        return value
    return f"${float(value):g}$"


def write(ax: Axes, xy: Point, text: str, **kwargs: Any) -> Text:
    """Text centred on ``xy`` (alignment and size overridable)."""
    style = {"ha": "center", "va": "center", "fontsize": FONT, "color": INK, "zorder": 5}
    return ax.text(*xy, text, **{**style, **kwargs})


def neuron(ax: Axes, xy: Point, text: str | None = None, radius: float = RADIUS,
           edge: str = INK, linewidth: float = 1.4, face: str = "white",
           linestyle: Any = "-") -> Circle:
    """A neuron: a circle (white, or ``face``) with a dark rim, optionally ``text`` inside."""
    circle = Circle(xy, radius, facecolor=face, edgecolor=edge, linewidth=linewidth,
                    linestyle=linestyle, zorder=3)
    ax.add_patch(circle)
    if text:
        write(ax, xy, text)
    return circle


def rim(centre: Point, toward: Point, radius: float) -> Point:
    """The point on the circle (``centre``, ``radius``) facing ``toward``: where an arrow ends."""
    d = np.subtract(toward, centre)
    x, y = np.asarray(centre) + radius * d / np.hypot(*d)
    return float(x), float(y)


def arrow(ax: Axes, tail: Point, head: Point, label: str | None = None, at: float = 0.5,
          color: str = INK, linewidth: float = 1.3, head_size: float = 12.0,
          label_color: str | None = None, bend: float = 0.0) -> FancyArrowPatch:
    """An arrow from ``tail`` to ``head`` (exactly), with ``label`` above it at fraction ``at``.

    ``bend`` curves the arrow into an arc (matplotlib's ``arc3``): a positive bend bulges to the
    right of the tail-to-head direction, its middle ``bend / 2`` times the tail-head distance off
    the straight line. ``label`` is placed as for a straight arrow, so label a curved arrow with
    :func:`write` instead.
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
        write(ax, (x, y), label, color=label_color or INK,
              bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    return arrow


def box(ax: Axes, centre: Point, width: float, height: float, text: str,
        face: str = "#f2f2f2", edge: str = INK, fontsize: float = FONT) -> FancyBboxPatch:
    """A rounded box of ``width`` x ``height`` inches with ``text`` centred inside."""
    x, y = centre
    box = FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                         boxstyle="round,pad=0,rounding_size=0.08", facecolor=face,
                         edgecolor=edge, linewidth=1.3, zorder=3)
    ax.add_patch(box)
    write(ax, centre, text, linespacing=1.3, fontsize=fontsize)
    return box


def fan(xy: Point, n: int, half: float) -> list[Point]:
    """``n`` points spread over +-``half`` inches above and below ``xy``, top to bottom.

    Arrows leaving (or entering) one box from these points do not pile up their ends.
    """
    offsets = np.linspace(half, -half, n) if n > 1 else [0.0]
    return [(xy[0], xy[1] + float(dy)) for dy in offsets]


# --------------------------------------------------------------------------------------------
# Layered networks
# --------------------------------------------------------------------------------------------

Places = list[dict[int, Point]]  # places[l][j]: the centre of neuron j of layer l
Edge = tuple[int, int, int]  # (l, k, j): from neuron k of layer l to neuron j of layer l + 1


def shown(n: int, max_shown: int) -> list[int | None]:
    """The neurons drawn for a layer of ``n``, top to bottom; ``None`` marks the ellipsis.

    A layer of more than ``max_shown`` neurons shows its first ceil(max_shown / 2) and its last
    floor(max_shown / 2) neurons with an ellipsis between them.
    """
    if n <= max_shown:
        return list(range(n))
    head = (max_shown + 1) // 2
    return [*range(head), None, *range(n - (max_shown - head), n)]


def columns(ax: Axes, columns: Sequence[Sequence[int | None]], dx: float, dy: float,
            radius: float, faces: dict[tuple[int, int], str] | None = None,
            dropped: Collection[tuple[int, int]] = ()) -> Places:
    """Draw layers of neurons as columns ``dx`` apart, each centred on y = 0; return the places.

    ``columns[l]`` lists layer l's neurons top to bottom, ``None`` for an ellipsis (see
    :func:`shown`); neurons sit ``dy`` apart. ``faces`` fills chosen neurons, keyed (l, j);
    the neurons in ``dropped``, keyed the same way, are drawn by :func:`dropped_neuron`.
    """
    places: Places = []
    for i, column in enumerate(columns):
        x = i * dx
        top = (len(column) - 1) / 2 * dy
        place = {}
        for slot, j in enumerate(column):
            xy = (x, top - slot * dy)
            if j is None:
                write(ax, xy, r"$\vdots$", fontsize=14,
                      bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
            elif (i, j) in dropped:
                place[j] = xy
                dropped_neuron(ax, xy, radius)
            else:
                place[j] = xy
                neuron(ax, xy, radius=radius, face=(faces or {}).get((i, j), "white"))
        places.append(place)
    return places


def dropped_neuron(ax: Axes, xy: Point, radius: float) -> Circle:
    """A neuron switched off by dropout: a grey dashed circle, crossed out."""
    circle = neuron(ax, xy, radius=radius, edge=GREY, linewidth=1.2, linestyle=(0, (3, 2)))
    arm = 0.6 * radius  # the cross's half-width, inside the circle
    x, y = xy
    for sign in (1, -1):
        ax.plot([x - arm, x + arm], [y - sign * arm, y + sign * arm], color=GREY,
                linewidth=1.2, zorder=4, solid_capstyle="round")
    return circle


def every_edge(places: Places) -> list[Edge]:
    """Every connection between neighbouring layers' drawn neurons, layer by layer."""
    return [(l, k, j) for l in range(len(places) - 1) for k in places[l] for j in places[l + 1]]


def downstream(sizes: Sequence[int], layer: int, j: int) -> list[Edge]:
    """The connections on some path from neuron j of ``layer`` to the output layer.

    They are all of neuron j's outgoing connections, then every connection of later layers
    (each later neuron is reached from j through any neuron of the layer after ``layer``).
    """
    if layer == len(sizes) - 1:
        return []
    out = [(layer, j, q) for q in range(sizes[layer + 1])]
    return out + [(l, k, q) for l in range(layer + 1, len(sizes) - 1)
                  for k in range(sizes[l]) for q in range(sizes[l + 1])]


def connect(ax: Axes, places: Places, edges: Sequence[Edge], color: str = GREY,
            linewidth: float = 0.6, zorder: float = 1.0) -> LineCollection:
    """Draw ``edges`` (see :data:`Edge`) as one collection of straight lines, centre to centre."""
    segments = [(places[l][k], places[l + 1][j]) for l, k, j in edges]
    return ax.add_collection(LineCollection(segments, colors=color, linewidths=linewidth,
                                            zorder=zorder))


def beside(tail: Point, head: Point, below: bool = False) -> Point:
    """How far to move a label (about 0.6 x 0.3 inches) from a line's middle to clear the line.

    The label goes on the line's upper side (its lower side if ``below``), however steep.
    """
    along = np.subtract(head, tail)
    normal = np.array([-along[1], along[0]]) / np.hypot(*along)
    normal = -normal if (normal[1] < 0) != below else normal
    x, y = normal * (0.3 * abs(normal[0]) + 0.15 * abs(normal[1]) + 0.06)
    return float(x), float(y)


def thick(ax: Axes, tail: Point, head: Point, label: str | None = None,
          offset: Point | None = None, color: str = PALETTE[1], fontsize: float = FONT) -> None:
    """One connection drawn thick in ``color``, with ``label`` beside its middle.

    The label's centre is the middle plus ``offset``: by default, just above the line (see
    :func:`beside`).
    """
    ax.plot(*zip(tail, head), color=color, linewidth=2.8, zorder=1.5, solid_capstyle="round")
    if label is not None:
        mid = np.add(tail, head) / 2 + (beside(tail, head) if offset is None else offset)
        write(ax, (float(mid[0]), float(mid[1])), label, color=color, fontsize=fontsize,
              bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
