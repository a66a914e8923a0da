"""The reproduction report's figures: our numbers against the original's, with tolerance bars.

One figure per chapter. Each claim is a row: the original's value is the vertical line at zero,
the band around it is the tolerance (how far a faithful re-run may land; one-sided for a claim
the original states as a bound, "under 1 %"), and the dot is our value's difference from the
original's, small dots our individual seeds (or, for a best of three, each triple's best). A dot
inside its band agrees with the original. Rows whose settings were shrunk by the fast profile
are drawn hollow and grey: they are shown, not scored.

The page passes plain numbers (:class:`Row`), in the units of each panel: percentage points for
accuracies, percent of the original's value for everything else. Nothing here runs anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from nnbook.figures.style import GREY, INK, PALETTE, check_finite, house_style, light_grid, new_figure

__all__ = ["Row", "STATUS_STYLE", "agreement"]

# How each status is drawn: (face colour, edge colour, legend text).
STATUS_STYLE = {
    "within": (PALETTE[0], PALETTE[0], "ours, within tolerance"),
    "outside": (PALETTE[1], PALETTE[1], "ours, outside tolerance"),
    "not comparable (fast)": ("white", GREY, "ours, reduced settings (not scored)"),
}
BAND = "#cfe3f1"  # the tolerance band: a pale version of the palette's blue


@dataclass(frozen=True)
class Row:
    """One claim of a panel: our difference from the original's value and its tolerance.

    ``difference`` is ours minus the original's, ``tolerance`` how far it may be (None: not
    measured, no band), both in the panel's unit; ``relation`` is ``"about"``, ``"below"`` (ours
    may be any amount lower) or ``"above"``; ``samples`` the difference of each seed or triple;
    ``status`` one of :data:`STATUS_STYLE`.
    """

    label: str
    difference: float
    tolerance: float | None = None
    relation: str = "about"
    samples: Sequence[float] = field(default_factory=tuple)
    status: str = "within"


def _check_row(row, where: str) -> Row:
    if not isinstance(row, Row):
        raise ValueError(f"{where} must be a report.Row; got {row!r}")
    check_finite(row.difference, f"{where}.difference")
    if row.tolerance is not None:
        check_finite(row.tolerance, f"{where}.tolerance")
        if row.tolerance < 0:
            raise ValueError(f"{where}.tolerance must be >= 0; got {row.tolerance!r}")
    if row.relation not in ("about", "below", "above"):
        raise ValueError(f"{where}.relation must be 'about', 'below' or 'above'; "
                         f"got {row.relation!r}")
    if row.status not in STATUS_STYLE:
        raise ValueError(f"{where}.status must be one of {sorted(STATUS_STYLE)}; "
                         f"got {row.status!r}")
    for s in row.samples:
        check_finite(s, f"{where}.samples")
    return row


SQUEEZE = 5.0
"""Unscored rows may widen the axis to at most this many times what the scored rows need;
beyond it they are drawn at the edge, with their value written beside them."""


def _limit(rows: list[Row]) -> float:
    """Half the width of the axis: room for every scored row, its samples and its band, and
    for the unscored rows as long as they do not squeeze the scored ones out of sight."""
    def span(some):
        values = [abs(r.difference) for r in some] + [abs(s) for r in some for s in r.samples]
        return max(values + [r.tolerance for r in some if r.tolerance is not None] + [1e-12])

    scored = [r for r in rows if r.status != "not comparable (fast)"]
    unscored = [r for r in rows if r.status == "not comparable (fast)"]
    if not scored:
        return 1.15 * span(unscored)
    need = span(scored)
    return 1.15 * max(need, min(span(unscored), SQUEEZE * need) if unscored else need)


@house_style
def agreement(panels: Mapping[str, Sequence[Row]], title: str | None = None) -> Figure:
    """Our value against the original's for every claim, with its tolerance band.

    Parameters
    ----------
    panels : mapping axis label -> list of :class:`Row`
        One panel per entry, stacked, each with its own unit (for instance
        ``"accuracy: ours - original (percentage points)"``); rows are drawn top to bottom in
        the order given. Empty panels are left out.
    title : optional str
        A title above the first panel.
    """
    if not isinstance(panels, Mapping) or not any(panels.values()):
        raise ValueError(f"panels must map an axis label to a non-empty list of rows; "
                         f"got {panels!r}")
    checked = {str(name): [_check_row(r, f"panels[{name!r}][{i}]") for i, r in enumerate(rows)]
               for name, rows in panels.items() if rows}
    heights = [len(rows) + 1.6 for rows in checked.values()]
    fig = new_figure(7.0, 0.3 * sum(heights) + 0.9)
    axes = fig.subplots(len(checked), 1, squeeze=False,
                        gridspec_kw={"height_ratios": heights})[:, 0]
    for ax, (name, rows) in zip(axes, checked.items()):
        limit = _limit(rows)
        y = np.arange(len(rows))[::-1]
        for yi, row in zip(y, rows):
            if row.tolerance is not None:
                low = -limit if row.relation == "below" else -row.tolerance
                high = limit if row.relation == "above" else row.tolerance
                ax.barh(yi, high - low, left=low, height=0.62, color=BAND, edgecolor="none",
                        zorder=1)
            clipped = [float(np.clip(s, -limit, limit)) for s in row.samples]
            ax.plot(clipped, [yi] * len(clipped), "o", markersize=3, color=GREY, zorder=2)
            face, edge, _ = STATUS_STYLE[row.status]
            d = float(np.clip(row.difference, -limit, limit))
            marker = "o" if d == row.difference else (">" if d > 0 else "<")
            ax.plot([d], [yi], marker, markersize=7, markerfacecolor=face, markeredgecolor=edge,
                    markeredgewidth=1.5, zorder=3)
            if marker != "o":  # off the axis: drawn at its edge, with its value beside it
                ax.annotate(f"{row.difference:+.3g}", (d, yi), xytext=(-9 if d > 0 else 9, 0),
                            textcoords="offset points", ha="right" if d > 0 else "left",
                            va="center", fontsize=10, color=INK, zorder=4,
                            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white",
                                  "edgecolor": "none"})
        ax.axvline(0.0, color=INK, linewidth=1.0, zorder=2)
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_yticks(y)
        ax.set_yticklabels([r.label for r in rows])
        ax.set_xlabel(name)
        light_grid(ax, axis="x")
    handles = [Line2D([], [], color=INK, linewidth=1.0, label="the original's value"),
               Patch(color=BAND, label="tolerance")]
    statuses = {r.status for rows in checked.values() for r in rows}
    handles += [Line2D([], [], linestyle="none", marker="o", markersize=7, markerfacecolor=face,
                       markeredgecolor=edge, markeredgewidth=1.5, label=text)
                for status, (face, edge, text) in STATUS_STYLE.items() if status in statuses]
    if any(r.samples for rows in checked.values() for r in rows):
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=3, color=GREY,
                              label="our seeds (or triples)"))
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=10)
    if title:
        axes[0].set_title(title)
    return fig
