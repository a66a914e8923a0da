"""How fast gradients are computed: chapter 2's timings, drawn.

The rows measured by :mod:`nnbook.studies.speed` (seconds per gradient by backpropagation and by
finite differences; the speed-up of the matrix form of backpropagation over a loop), passed in
by the page. Nothing here measures or trains: drawing a timing needs only the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from nnbook.figures.style import GREY, INK, PALETTE, check_positive, house_style, new_figure

__all__ = ["minibatch_speedup", "gradient_cost"]


def _as_rows(rows: Any, at_least: int = 1) -> list[Any]:
    """``rows`` as a list of at least ``at_least`` measurements, or a ValueError."""
    if (isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Sequence)
            or len(rows) < at_least):
        raise ValueError(
            f"rows must be a list of at least {at_least} row(s), one dict per measurement; "
            f"got {rows!r}"
        )
    return list(rows)


def _column(rows: list[Any], key: str) -> np.ndarray:
    """The positive numbers ``row[key]`` of every row, or a ValueError naming the bad entry."""
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping) or key not in row:
            raise ValueError(f"rows[{i}] must be a mapping with a {key!r} entry; got {row!r}")
    return np.array([check_positive(row[key], f"rows[{i}][{key!r}]") for i, row in enumerate(rows)])


def _power_law(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The least-squares line through (log x, log y): ``(slope, intercept)``, natural logarithms.

    If y = c x^s then log y = s log x + log c, so the slope is the exponent s and the intercept
    is log c. The same arithmetic as :func:`nnbook.studies.speed.fit_power_law`, the fit the
    experiment ``ch2.gradient_cost`` reports, so the figure's exponents agree with the page's
    numbers; here x and y are already checked (positive, x of at least two values).
    """
    lx, ly = np.log(x), np.log(y)
    dx = lx - lx.mean()
    slope = float(dx @ (ly - ly.mean())) / float(dx @ dx)
    intercept = float(ly.mean() - slope * lx.mean())
    return slope, intercept


@house_style
def minibatch_speedup(rows: Sequence[Mapping[str, Any]],
                      reference: Mapping[str, Any] | None = None) -> Figure:
    """How many times faster the matrix form of backprop is than a loop, against the batch size.

    Serves chapter 2's problem on a fully matrix-based backpropagation: the rows of
    :func:`nnbook.studies.speed.minibatch_speedup` drawn as a curve on a logarithmic axis of
    mini-batch sizes (each size a labelled tick), with a thin grey line at 1 (no speed-up).

    Parameters
    ----------
    rows : list of dicts
        Each with ``"mini_batch_size"`` and ``"speedup"`` (loop time / matrix time), both
        positive; drawn in the order given.
    reference : optional mapping label -> speed-up
        Speed-ups to compare against, such as the original's, drawn as dashed horizontal lines
        whose legend entry reads e.g. "original, m = 10: about 2× as fast".
    """
    rows = _as_rows(rows)
    sizes = _column(rows, "mini_batch_size")
    speedups = _column(rows, "speedup")
    if reference is not None and not isinstance(reference, Mapping):
        raise ValueError(f"reference must be a mapping label -> speed-up; got {reference!r}")
    reference = {label: check_positive(value, f"reference[{label!r}]")
                 for label, value in (reference or {}).items()}

    fig = new_figure(6.5, 3.6)
    ax = fig.add_subplot()
    ax.plot(sizes, speedups, "o-", color=PALETTE[0], label="ours: loop time / matrix time")
    styles = ("--", ":", "-.")
    for i, (label, value) in enumerate(reference.items()):
        ax.axhline(value, color=INK, linewidth=1.5, linestyle=styles[i % len(styles)],
                   label=f"{label}: about {value:g}× as fast")
    ax.axhline(1, color=GREY, linewidth=0.8)
    ax.set_xscale("log")
    ax.set_xticks(sizes, [f"{m:g}" for m in sizes])
    ax.set_xlabel("mini-batch size m")
    ax.set_ylabel("speed-up of the matrix form")
    ax.set_ylim(bottom=0)
    ax.grid(True, color="#e5e5e5", linewidth=0.8)
    ax.legend(loc="center right")
    return fig


@house_style
def gradient_cost(rows: Sequence[Mapping[str, Any]]) -> Figure:
    """Seconds per gradient, by finite differences and by backpropagation, on log-log axes.

    Serves chapter 2's "In what sense is backpropagation a fast algorithm?": the rows of
    :func:`nnbook.studies.speed.gradient_cost`, one point per network, against its number of
    weights and biases P. Through each method's points runs the power law time = c P^s fitted
    by least squares in logarithms (:func:`_power_law`, the fit of
    :func:`nnbook.studies.speed.fit_power_law` that the experiment ``ch2.gradient_cost``
    reports), and the legend gives each exponent s: about 2 for finite differences, 1 for
    backprop.

    Parameters
    ----------
    rows : list of at least two dicts
        Each with ``"parameters"``, ``"backprop_seconds"`` and ``"finite_difference_seconds"``,
        all positive.
    """
    rows = _as_rows(rows, at_least=2)
    params = _column(rows, "parameters")
    if np.unique(params).size < 2:
        raise ValueError(
            f"rows must hold networks of at least two different sizes, to fit a power law; "
            f"got parameters {params.tolist()}"
        )
    fig = new_figure(6.5, 4.0)
    ax = fig.add_subplot()
    for key, name, colour in [("finite_difference_seconds", "finite differences", PALETTE[1]),
                              ("backprop_seconds", "backpropagation", PALETTE[0])]:
        seconds = _column(rows, key)
        slope, intercept = _power_law(params, seconds)
        ax.plot(params, seconds, "o", color=colour,
                label=rf"{name}: time $\propto P^{{{slope:.2f}}}$")
        ax.plot(params, np.exp(intercept) * params**slope, "-", color=colour, linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of weights and biases P")
    ax.set_ylabel("seconds per gradient")
    ax.grid(True, which="major", color="#e5e5e5", linewidth=0.8)
    ax.legend(loc="center right")
    return fig
