"""Gradient descent, pictured: a ball in a valley of the cost.

Chapter 1's cost C(v1, v2) = v1^2 + v2^2 as a 3-D valley, with one step of gradient descent;
chapter 3's long, narrow valley, where plain steps zig-zag, and the ball rolling down a slope
with momentum. The steps drawn are computed, not sketched. The flat diagrams are built from
:mod:`nnbook.figures.primitives`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, PathPatch
from matplotlib.path import Path

from nnbook.figures import primitives as draw
from nnbook.figures.primitives import Point
from nnbook.figures.style import GREY, INK, PALETTE, house_style, new_figure

__all__ = ["valley", "ball_in_valley"]


@house_style
def valley(ball: bool = False) -> Figure:
    """The cost surface C(v1, v2) = v1^2 + v2^2 as a 3-D valley.

    Serves chapter 1's "Learning with gradient descent". With ``ball=True`` a ball sits on the
    slope and an arrow shows one gradient-descent step, Delta v = -eta grad C (here eta = 0.3,
    so the ball covers 60 % of the way to the bottom), labelled with the formula.
    """
    v = np.linspace(-1.0, 1.0, 41)
    v1, v2 = np.meshgrid(v, v)
    fig = new_figure(5.6, 4.2, layout=None)
    ax = fig.add_subplot(projection="3d", computed_zorder=False)
    fig.subplots_adjust(left=0.0, right=0.97, bottom=0.03, top=1.03)
    ax.plot_surface(v1, v2, v1**2 + v2**2, cmap="viridis", rstride=2, cstride=2,
                    linewidth=0.3, edgecolor="#ffffff55", alpha=0.9, zorder=1)
    ax.set_xlabel("$v_1$")
    ax.set_ylabel("$v_2$")
    ax.set_zlabel("$C$")
    ax.set_xticks([-1, 0, 1])
    ax.set_yticks([-1, 0, 1])
    ax.set_zticks([0, 1, 2])
    ax.view_init(elev=28, azim=-60)

    if ball:
        eta = 0.3
        start = np.array([-0.8, -0.45])  # on the left wall, so the step runs across the page
        end = start - eta * 2 * start  # grad C = (2 v1, 2 v2)
        lift = 0.06  # draw the ball and arrow a little above the surface so they stay visible
        z0, z1 = start @ start + lift, end @ end + lift
        ax.quiver(start[0], start[1], z0, *(end - start), z1 - z0, color=PALETTE[1],
                  linewidth=2.5, arrow_length_ratio=0.3, zorder=3)
        ax.scatter([start[0]], [start[1]], [z0], s=220, color=PALETTE[1],
                   edgecolors=INK, depthshade=False, zorder=4)
        ax.text(start[0], start[1], z0 + 0.35, r"$\Delta v = -\eta \nabla C$", color=INK,
                fontsize=12, zorder=5, bbox={"facecolor": "white", "edgecolor": "none",
                                             "alpha": 0.8, "pad": 1.5})
    return fig


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


@house_style
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
    fig, ax = draw.canvas()
    if not momentum:
        for i, a in enumerate([3.6, 2.95, 2.3, 1.65, 1.0]):  # semi-axes along the floor
            shade = 0.93 - 0.07 * i  # deeper is darker
            ax.add_patch(Ellipse((0.0, 0.0), 2 * a, 2 * a / np.sqrt(_STEEP), linewidth=1.0,
                                 facecolor=(shade, shade + 0.03, 1.0), edgecolor=GREY,
                                 zorder=1))
        points = _valley_path()
        for tail, head in zip(points, points[1:]):
            draw.arrow(ax, tuple(tail), tuple(head), color=PALETTE[1], linewidth=1.8,
                       head_size=11)
        draw.neuron(ax, tuple(points[0]), radius=0.12, face=PALETTE[1], edge=INK, linewidth=1.0)
        ax.plot([0.0], [0.0], "+", color=INK, markersize=10, markeredgewidth=1.5, zorder=4)
        draw.write(ax, (0.13, 0.0), "minimum", ha="left", fontsize=10)
        draw.write(ax, (points[0][0] - 0.05, points[0][1] + 0.2), "start", va="bottom",
                   fontsize=10)
        draw.write(ax, (0.0, -1.05), r"steps $\Delta v = -\eta \nabla C$ overshoot across the"
                   r" narrow valley" "\n" "and make slow progress along it", va="top",
                   linespacing=1.4)
        return draw.fit(fig, ax)

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
        draw.neuron(ax, _on_slope(x, radius), radius=radius, face="#f5d2b8", edge=GREY,
                    linewidth=1.0)
    now = _on_slope(positions[-1], radius)
    draw.neuron(ax, now, radius=radius, face=PALETTE[1], edge=INK, linewidth=1.2)
    slope = 2 * _SLOPE * (positions[-1] - _SLOPE_BOTTOM)
    along = np.array([1.0, slope]) / np.hypot(1.0, slope)
    tail = np.asarray(now) + (radius + 0.05) * along
    head = tail + velocities[-1] * along  # as long as the last step
    draw.arrow(ax, tuple(tail), tuple(head), color=PALETTE[0], linewidth=2.4, head_size=16)
    mid = (tail + head) / 2
    draw.write(ax, (float(mid[0]) + 0.1, float(mid[1]) + 0.22), "velocity $v$", ha="left",
               va="bottom", color=PALETTE[0])
    ghost = _on_slope(positions[-2], radius)
    draw.write(ax, (ghost[0] + radius + 0.12, ghost[1] + 0.12), "earlier steps", ha="left",
               va="bottom", fontsize=10)
    draw.write(ax, (3.1, 2.2), r"$v \rightarrow \mu v - \eta \nabla C$" "\n"
               r"$w \rightarrow w + v$", ha="left", va="top", linespacing=1.7, fontsize=13)
    return draw.fit(fig, ax)
