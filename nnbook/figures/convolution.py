"""Chapter 6's diagrams of a convolutional network: a local receptive field sliding over the
input, feature maps that each share one kernel and bias, max-pooling, and a network's layers
as a chain of boxes.

Neurons are drawn as the cells of a grid (row 0 at the top, column 0 at the left, counted
from 0 as numpy counts them), on a canvas of :mod:`nnbook.figures.primitives` where one unit is
one inch, in the house style of :mod:`nnbook.figures.style`. What a diagram highlights carries a
``gid`` (rectangles "field", "neuron", "previous", "map", "region", "unit"; the bold maxima of
max-pooling "max"), so that what it shows can be checked.
:func:`architecture_of` reads the list of boxes from a chapter 6 network; it only reads the
network's attributes, so nothing here imports the code that trains.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.textpath import TextToPath

from nnbook.figures import primitives as draw
from nnbook.figures.style import GREY, INK, PALETTE, check_integer, house_style

__all__ = ["receptive_field", "feature_maps", "max_pooling", "architecture", "architecture_of"]

FIELD = 5  # the side of a local receptive field, as in the book: 28 x 28 -> 24 x 24
FAINT = "#c8c8c8"  # the lines between cells
SOFT = "#444444"  # notes: softer than INK, still dark on white


# --------------------------------------------------------------------------------------------
# Grids of neurons
# --------------------------------------------------------------------------------------------

def _grid(ax: Axes, x0: float, top: float, rows: int, cols: int, cell: float,
          every: int = 1, color: str = FAINT, linewidth: float = 0.6,
          cropped: bool = False) -> None:
    """A ``rows`` x ``cols`` grid of square cells, its top-left corner at (x0, top).

    The lines are drawn every ``every`` cells, the border in INK. A ``cropped`` grid (the
    top-left corner of a bigger one) has no border on the right and at the bottom, where its
    lines run on for half a cell, so it reads as continuing.
    """
    more = 0.5 * cell if cropped else 0.0
    x1, y1 = x0 + cols * cell, top - rows * cell
    vertices, codes = [], []
    for r in range(0, rows + 1, every):
        vertices += [(x0, top - r * cell), (x1 + more, top - r * cell)]
        codes += [Path.MOVETO, Path.LINETO]
    for c in range(0, cols + 1, every):
        vertices += [(x0 + c * cell, top), (x0 + c * cell, y1 - more)]
        codes += [Path.MOVETO, Path.LINETO]
    ax.add_patch(PathPatch(Path(vertices, codes), fill=False, edgecolor=color,
                           linewidth=linewidth, zorder=1))
    corners = [(x0, y1 - more), (x0, top), (x1 + more, top)] if cropped else \
        [(x0, top), (x1, top), (x1, y1), (x0, y1), (x0, top)]
    ax.add_patch(PathPatch(Path(corners), fill=False, edgecolor=INK, linewidth=1.0, zorder=2))


def _cells(ax: Axes, x0: float, top: float, cell: float, row: int, col: int, size: int,
           color: str, gid: str, fill: float = 0.35, linestyle: Any = "-",
           linewidth: float = 2.0) -> Rectangle:
    """Highlight ``size`` x ``size`` cells from (row, col) of a grid placed as by :func:`_grid`."""
    rect = Rectangle((x0 + col * cell, top - (row + size) * cell), size * cell, size * cell,
                     facecolor=(color, fill) if fill else "none", edgecolor=color,
                     linewidth=linewidth, linestyle=linestyle, zorder=3, gid=gid)
    return ax.add_patch(rect)


def _join(ax: Axes, field: Rectangle, target: Rectangle, color: str) -> None:
    """Lines from the right-hand corners of ``field`` to the middle of ``target``'s left side."""
    x, y = field.get_x() + field.get_width(), field.get_y()
    head = (target.get_x(), target.get_y() + target.get_height() / 2)
    for corner in ((x, y), (x, y + field.get_height())):
        ax.plot(*zip(corner, head), color=color, linewidth=1.2, zorder=2.5)


def _offsets(offsets: Any) -> list[tuple[int, int]]:
    """``offsets`` as 1 to 3 (row, col) pairs of a 5 x 5 field inside 28 x 28, or a ValueError."""
    most = 28 - FIELD
    try:
        pairs = [tuple(pair) for pair in offsets]
    except TypeError:
        pairs = None
    if (not pairs or len(pairs) > 3 or any(len(pair) != 2 for pair in pairs)
            or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 0 <= v <= most
                   for pair in pairs for v in pair)):
        raise ValueError(f"offsets must list 1 to 3 (row, col) pairs of integers from 0 to {most} "
                         f"(where a 5 x 5 field fits in 28 x 28), e.g. ((0, 0), (0, 1)); "
                         f"got {offsets!r}")
    return [(int(r), int(c)) for r, c in pairs]


# --------------------------------------------------------------------------------------------
# Local receptive fields and feature maps
# --------------------------------------------------------------------------------------------

@house_style
def receptive_field(offsets: Sequence[tuple[int, int]] = ((0, 0), (0, 1))) -> Figure:
    """A 5 x 5 local receptive field of the input and the hidden neuron it feeds, per offset.

    Serves chapter 6's "Local receptive fields": one panel per offset, top to bottom. In each,
    the field whose top-left pixel is at (row, col) of the 28 x 28 input is highlighted, and
    lines join it to hidden neuron (row, col) of the 24 x 24 first hidden layer. From panel to
    panel the reader sees the field slide by one pixel and the hidden neuron move by one; each
    later panel also outlines, dashed, where the previous panel's field and neuron were.

    Only the top-left corner of the grids is drawn (12 x 12 of the input, 8 x 8 of the hidden
    layer, more if an offset needs it), with a note saying so, so that every cell stays legible.

    Parameters
    ----------
    offsets : sequence of 1 to 3 (row, col) pairs
        Each the field's top-left pixel, counted from 0; from 0 to 23.
    """
    offsets = _offsets(offsets)
    reach = max(max(r, c) for r, c in offsets) + FIELD + 2
    n = min(28, max(12, reach))  # input cells shown per side; the hidden layer shows n - 4
    m = n - FIELD + 1
    cell = 2.0 / n
    gap = 1.2
    hidden_x = n * cell + gap
    panel = n * cell + 0.95  # a panel's height, with its caption

    fig, ax = draw.canvas()
    titles = {"input neurons": n * cell / 2, "first hidden layer": hidden_x + m * cell / 2}
    for title, x in titles.items():
        draw.write(ax, (x, 0.12), title, va="bottom")
    for i, (row, col) in enumerate(offsets):
        top = -i * panel
        colour = PALETTE[i % len(PALETTE)]
        _grid(ax, 0.0, top, n, n, cell, cropped=n < 28)
        _grid(ax, hidden_x, top, m, m, cell, cropped=n < 28)
        if i:
            before = offsets[i - 1]
            _cells(ax, 0.0, top, cell, *before, FIELD, GREY, "previous", fill=0.0,
                   linestyle=(0, (3, 2)), linewidth=1.3)
            _cells(ax, hidden_x, top, cell, *before, 1, GREY, "previous", fill=0.0,
                   linestyle=(0, (2, 1.5)), linewidth=1.3)
        field = _cells(ax, 0.0, top, cell, row, col, FIELD, colour, "field")
        neuron = _cells(ax, hidden_x, top, cell, row, col, 1, colour, "neuron", fill=0.9)
        _join(ax, field, neuron, colour)
        draw.write(ax, ((hidden_x + m * cell) / 2, top - (n + 0.5) * cell - 0.1),
                   f"field at row {row}, column {col}  →  hidden neuron ({row}, {col})",
                   va="top", color=colour)
    if n < 28:
        bottom = -(len(offsets) - 1) * panel - n * cell - 0.5
        draw.write(ax, ((hidden_x + m * cell) / 2, bottom),
                   f"Shown: the top-left {n} × {n} of the 28 × 28 input neurons\n"
                   f"and the top-left {m} × {m} of the 24 × 24 hidden neurons.",
                   va="top", fontsize=10, color=SOFT, linespacing=1.3)
    return draw.fit(fig, ax)


MOST_MAPS = 6


@house_style
def feature_maps(n_maps: int = 3) -> Figure:
    """The input and ``n_maps`` feature maps, each a 24 x 24 layer of neurons sharing one kernel.

    Serves chapter 6's "Shared weights and biases": the first hidden layer is several feature
    maps, stacked top to bottom. The same 5 x 5 field of the input (highlighted) feeds the
    neuron at the same place in every map, each map through its own 5 x 5 kernel $w^{(k)}$ and
    bias $b^{(k)}$, shared by all of that map's 24 x 24 neurons (written beside each map).

    Parameters
    ----------
    n_maps : int
        From 1 to :data:`MOST_MAPS` (the book draws 3).
    """
    n_maps = check_integer(n_maps, "n_maps", minimum=1)
    if n_maps > MOST_MAPS:
        raise ValueError(f"n_maps must be an integer from 1 to {MOST_MAPS} (the feature maps "
                         f"drawn); got {n_maps!r}")
    cell = 0.09  # the input: 28 cells, 2.5 inches
    gap = 0.3
    side = max(0.6, min(0.96, (3.4 - gap * (n_maps - 1)) / n_maps))  # a map's side
    map_cell = side / 24
    row, col = 4, 9  # the field drawn: inside the digit's usual area
    maps_x = 28 * cell + 1.3
    height = n_maps * side + (n_maps - 1) * gap
    input_top, maps_top = 28 * cell / 2, height / 2  # both centred on y = 0

    fig, ax = draw.canvas()
    _grid(ax, 0.0, input_top, 28, 28, cell, color="#dddddd", linewidth=0.4)
    field = _cells(ax, 0.0, input_top, cell, row, col, FIELD, INK, "field", fill=0.25)
    draw.write(ax, (14 * cell, max(input_top, maps_top) + 0.12), "input neurons (28 × 28)",
               va="bottom")
    draw.write(ax, (maps_x + side / 2 + 0.6, max(input_top, maps_top) + 0.12),
               f"first hidden layer: {n_maps} × 24 × 24", va="bottom")
    for k in range(n_maps):
        top = maps_top - k * (side + gap)
        colour = PALETTE[k % len(PALETTE)]
        _grid(ax, maps_x, top, 24, 24, map_cell, color="#e2e2e2", linewidth=0.3)
        outline = _cells(ax, maps_x, top, side, 0, 0, 1, colour, "map", fill=0.0, linewidth=1.6)
        outline.set_zorder(2)
        neuron = _cells(ax, maps_x, top, map_cell, row, col, 1, colour, "neuron", fill=1.0,
                        linewidth=1.0)
        _join(ax, field, neuron, colour)
        draw.write(ax, (maps_x + side + 0.15, top - side / 2),
                   f"feature map {k + 1}: one\nshared 5 × 5 kernel $w^{{({k + 1})}}$\n"
                   f"and one bias $b^{{({k + 1})}}$",
                   ha="left", fontsize=10, linespacing=1.35, color=INK)
    return draw.fit(fig, ax)


# --------------------------------------------------------------------------------------------
# Max-pooling
# --------------------------------------------------------------------------------------------

def _feature_map(feature_map: Any) -> np.ndarray:
    """``feature_map`` as a finite 2-D float array of even sides, or a ValueError."""
    try:
        array = np.asarray(feature_map, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"feature_map must be a 2-D array of numbers, such as a 24 x 24 "
                         f"feature map; got {feature_map!r}") from None
    if array.ndim != 2 or array.shape[0] < 2 or array.shape[1] < 2 or array.shape[0] % 2 \
            or array.shape[1] % 2:
        raise ValueError(f"feature_map must be a 2-D array with an even number (at least 2) of "
                         f"rows and of columns, such as 24 x 24; got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError("feature_map must hold finite numbers; it holds NaN or infinity")
    return array


def _decimals(values: np.ndarray) -> int | None:
    """The most decimals (2, 1 or 0) that write every value in 4 characters; None if none do."""
    for decimals in (2, 1, 0):
        if max(len(f"{abs(v):.{decimals}f}") + (v < 0) for v in values.ravel()) <= 4:
            return decimals
    return None


def _number(value: float, decimals: int | None) -> str:
    """A cell's value, with a true minus sign and no "-0.0"."""
    text = f"{value:.2g}" if decimals is None else f"{value:.{decimals}f}"
    return text.lstrip("-").replace("-", "−") if float(text) == 0 else text.replace("-", "−")


@house_style
def max_pooling(feature_map: Any = None) -> Figure:
    """A feature map's 2 x 2 regions, each pooled into one unit: its maximum.

    Serves chapter 6's "Pooling layers": the 24 x 24 feature map on the left, its 2 x 2 regions
    outlined, and the 12 x 12 map of max-pooling units on the right. Only the top-left corner
    is drawn (8 x 8 cells and the 4 x 4 units they pool into), with a note saying so. The first
    two regions are highlighted, each joined to its unit.

    Parameters
    ----------
    feature_map : optional 2-D array, such as 24 x 24 activations
        If given, every cell is shaded by its value (darker is larger, on one scale for both
        grids) and written out; the largest value of each region is written in bold, and each
        unit holds its region's maximum. Its sides must be even.
    """
    values = None if feature_map is None else _feature_map(feature_map)
    rows, cols = (24, 24) if values is None else values.shape
    k_rows, k_cols = min(8, rows), min(8, cols)
    cell = 0.42
    pooled_x = k_cols * cell + 1.3
    top = 0.0

    fig, ax = draw.canvas()
    if values is not None:
        corner = values[:k_rows, :k_cols]
        pooled = corner.reshape(k_rows // 2, 2, k_cols // 2, 2).max(axis=(1, 3))
        low, high = float(corner.min()), float(corner.max())
        scale = (high - low) or 1.0
        decimals = _decimals(corner)
        # the cell of each region holding its maximum (the first, if several tie)
        blocks = corner.reshape(k_rows // 2, 2, k_cols // 2, 2).transpose(0, 2, 1, 3)
        winners = {(2 * i + a // 2, 2 * j + a % 2) for (i, j), a in
                   np.ndenumerate(blocks.reshape(k_rows // 2, k_cols // 2, 4).argmax(axis=2))}
        for x0, grid, gid in ((0.0, corner, "map"), (pooled_x, pooled, "pooled")):
            r, c = grid.shape
            ax.imshow(grid, cmap="Greys", vmin=low - 0.1 * scale, vmax=high, origin="upper",
                      interpolation="nearest", extent=(x0, x0 + c * cell, top - r * cell, top),
                      zorder=0.5, gid=gid)
            for (i, j), value in np.ndenumerate(grid):
                dark = (grid[i, j] - low) / scale > 0.55
                bold = gid == "map" and (i, j) in winners
                draw.write(ax, (x0 + (j + 0.5) * cell, top - (i + 0.5) * cell),
                           _number(value, decimals),
                           fontsize=10, color="white" if dark else INK,
                           fontweight="bold" if bold else "normal", gid="max" if bold else None)
    cropped = (k_rows, k_cols) != (rows, cols)
    _grid(ax, 0.0, top, k_rows, k_cols, cell, cropped=cropped)
    _grid(ax, 0.0, top, k_rows, k_cols, cell, every=2, color=INK, linewidth=1.6)
    _grid(ax, pooled_x, top, k_rows // 2, k_cols // 2, cell, cropped=cropped)
    for n, (i, j) in enumerate(((0, 0), (0, 1))):
        if 2 * j >= k_cols:
            break
        colour = PALETTE[n]
        fill = 0.0 if values is not None else 0.3
        _cells(ax, 0.0, top, cell, 2 * i, 2 * j, 2, colour, "region", fill=fill, linewidth=3.0)
        _cells(ax, pooled_x, top, cell, i, j, 1, colour, "unit", fill=fill, linewidth=3.0)
        # an arc over the grids, from the top of the region to the top of its unit
        draw.arrow(ax, ((2 * j + 1) * cell, top), (pooled_x + (j + 0.5) * cell, top),
                   color=colour, linewidth=1.6, bend=-0.22 + 0.04 * n)

    more = 0.5 * cell if cropped else 0.0  # how far the lines of a cropped grid run on
    under = top - k_rows * cell - more - 0.08
    draw.write(ax, (k_cols * cell / 2, under), "hidden neurons (a feature map)", va="top")
    draw.write(ax, (pooled_x + k_cols * cell / 4, top - k_rows * cell / 2 - more - 0.08),
               "max-pooling units", va="top")
    note = (f"Shown: the top-left {k_rows} × {k_cols} of the {rows} × {cols} feature map "
            f"and the\n"
            f"top-left {k_rows // 2} × {k_cols // 2} of the {rows // 2} × {cols // 2} "
            f"pooled map. Each unit is the maximum of a 2 × 2 region.")
    if (rows, cols) == (k_rows, k_cols):
        note = "Each max-pooling unit is the maximum of a 2 × 2 region."
    draw.write(ax, ((pooled_x + k_cols * cell / 2) / 2, under - 0.38), note,
               va="top", fontsize=10, color=SOFT, linespacing=1.3)
    return draw.fit(fig, ax)


# --------------------------------------------------------------------------------------------
# A network's layers
# --------------------------------------------------------------------------------------------

def _layers(layers: Any) -> list[tuple[str, str]]:
    """``layers`` as a non-empty list of (label, detail) string pairs, or a ValueError."""
    example = '[("input", "1×28×28"), ("conv-pool 20", "20×12×12"), ("softmax", "10")]'
    try:
        pairs = [tuple(pair) for pair in layers]
    except TypeError:
        pairs = None
    if (isinstance(layers, (str, bytes)) or not pairs
            or any(len(pair) != 2 or not all(isinstance(s, str) for s in pair) or not pair[0]
                   for pair in pairs)):
        raise ValueError(f"layers must be a non-empty list of (label, detail) pairs of strings, "
                         f"each label non-empty, e.g. {example}; got {layers!r}")
    return [(label, detail) for label, detail in pairs]


ROW_WIDTH = 6.8  # inches: a chain wider than this wraps onto the next row


@house_style
def architecture(layers: Sequence[tuple[str, str]]) -> Figure:
    """A network as a left-to-right chain of boxes, one per layer, input first.

    Serves chapter 6's networks: each box holds a layer's label (its lines split at "\\n"),
    with its detail, such as the shape of its output, written under it; arrows join the boxes.
    A chain too wide for a phone's screen continues on a second row, left to right again.
    :func:`architecture_of` gives the list for an ``nnbook.convnet.Network``.

    Parameters
    ----------
    layers : list of (label, detail) pairs of strings
        e.g. ``[("input", "1×28×28"), ("conv-pool 20", "20×12×12"), ("conv-pool 40",
        "40×4×4"), ("fully connected", "100"), ("softmax", "10")]``. A detail may be "".
    """
    layers = _layers(layers)
    gap, height = 0.3, 0.3 + 0.2 * max(label.count("\n") + 1 for label, _ in layers)
    measure = TextToPath()
    widths = [max(0.8, 0.22 + max(measure.get_text_width_height_descent(
        line, FontProperties(size=draw.FONT), ismath=False)[0] for line in label.split("\n")) / 72)
        for label, _ in layers]
    # as few rows as fit ROW_WIDTH, with as many boxes in each (the last row may have fewer)
    for n_rows in range(1, len(layers) + 1):
        per_row = -(-len(layers) // n_rows)
        rows = [list(range(i, min(i + per_row, len(layers))))
                for i in range(0, len(layers), per_row)]
        if all(sum(widths[i] for i in row) + gap * (len(row) - 1) <= ROW_WIDTH for row in rows):
            break
    step = height + 0.75  # from one row's boxes to the next's

    fig, ax = draw.canvas()
    centres = {}
    for r, row in enumerate(rows):
        x = 0.0
        for i in row:
            centres[i] = (x + widths[i] / 2, -r * step)
            x += widths[i] + gap
    for i, (label, detail) in enumerate(layers):
        x, y = centres[i]
        face = "#e8f1fa" if i else "#f2f2f2"
        draw.box(ax, (x, y), widths[i], height, label, face=face,
                 edge=PALETTE[0] if i else INK)
        if detail:
            draw.write(ax, (x, y - height / 2 - 0.07), detail, va="top", fontsize=10,
                       color=SOFT)
        if i == 0:
            continue
        (x0, y0), w0 = centres[i - 1], widths[i - 1]
        if y0 == y:
            draw.arrow(ax, (x0 + w0 / 2, y), (x - widths[i] / 2, y))
        else:  # from the end of one row, down and back, to the start of the next
            mid = y0 - height / 2 - 0.36
            turn, start = x0 + w0 / 2 + 0.15, x - widths[i] / 2 - 0.2
            path = Path([(x0 + w0 / 2, y0), (turn, y0), (turn, mid), (start, mid), (start, y)])
            ax.add_patch(PathPatch(path, fill=False, edgecolor=INK, linewidth=1.3, zorder=2))
            draw.arrow(ax, (x - widths[i] / 2 - 0.2, y), (x - widths[i] / 2, y))
    return draw.fit(fig, ax)


_ACTIVATION_NAMES = {"relu": "ReLU", "tanh": "tanh", "sigmoid": "sigmoid", "identity": "linear"}


def architecture_of(net: Any) -> list[tuple[str, str]]:
    """The (label, detail) pairs :func:`architecture` draws for an ``nnbook.convnet.Network``.

    The input first (its shape, e.g. "1×28×28"), then one pair per layer: "conv-pool 20" with
    its activation and the shape of its pooled output ("20×12×12"), "fully connected" with its
    activation and its number of neurons, "softmax" and its number of outputs; "dropout 0.5" is
    added to the label of a layer whose inputs are dropped out (``p_dropout`` > 0).

    The network is only read (its ``layers``, and each layer's ``kind``, ``image_shape``,
    ``n_filters``, ``output_shape``, ``n_in``, ``n_out``, ``activation.name`` and
    ``p_dropout``), so the figures need not import the code that trains.
    """
    layers = getattr(net, "layers", None)
    if not isinstance(layers, Sequence) or not layers:
        raise ValueError(f"net must be an nnbook.convnet.Network, with a non-empty list of "
                         f"layers; got {net!r}")
    out: list[tuple[str, str]] = []
    for i, layer in enumerate(layers):
        kind = getattr(layer, "kind", None)
        if kind not in ("conv", "fc", "softmax"):
            raise ValueError(f"net.layers[{i}] must be a ConvPoolLayer, FullyConnectedLayer or "
                             f"SoftmaxLayer of nnbook.layers; got {layer!r}")
        if i == 0:
            shape = layer.image_shape if kind == "conv" else (layer.n_in,)
            out.append(("input", "×".join(str(n) for n in shape)))
        extras = []
        if kind != "softmax":
            name = layer.activation.name
            extras.append(_ACTIVATION_NAMES.get(name, name))
        p = float(getattr(layer, "p_dropout", 0.0))
        if p > 0:
            extras.append(f"dropout {p:g}")
        if kind == "conv":
            label = f"conv-pool {layer.n_filters}"
            detail = "×".join(str(n) for n in layer.output_shape)
        else:
            label = "fully connected" if kind == "fc" else "softmax"
            detail = str(layer.n_out)
        out.append(("\n".join([label, ", ".join(extras)]) if extras else label, detail))
    return out
