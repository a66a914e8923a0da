"""Functions of one variable, drawn: the sigmoid and the step, activation functions and sigma',
softmax outputs, normal densities, and a polynomial against a straight line.

Chapter 1's sigmoid beside the perceptron's step; chapter 3's activation functions, softmax
layer, Gaussians of weight initialisation and overfitted polynomial; chapter 5's sigma'. The
activation functions are computed by :mod:`nnbook.activations`, the functions the networks use.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from numpy.polynomial import Polynomial
from scipy.special import expit, softmax

from nnbook.activations import get as _activation
from nnbook.figures.style import (INK, PALETTE, check_integer, check_mapping, check_positive,
                                  check_values, house_style, light_grid, new_figure,
                                  percent_ticks)

__all__ = ["sigmoid_and_step", "activations", "sigma_prime", "softmax_bars", "gaussians",
           "polynomial_fit"]


@house_style
def sigmoid_and_step() -> Figure:
    """The sigmoid sigma(z) = 1 / (1 + e^-z) beside the step function of a perceptron.

    Serves chapter 1's "Sigmoid neurons": the sigmoid is a smoothed-out step, so a sigmoid neuron
    behaves like a perceptron when |z| is large and changes its output gradually in between.
    The step outputs 0 for z <= 0 and 1 for z > 0 (filled dot: the value at z = 0).
    """
    z = np.linspace(-5.0, 5.0, 401)
    fig = new_figure(7.0, 3.0)
    sig_ax, step_ax = fig.subplots(1, 2, sharey=True)

    sig_ax.plot(z, expit(z), color=PALETTE[0])
    sig_ax.set_title("sigmoid function")
    sig_ax.set_ylabel(r"$\sigma(z)$")

    step_ax.plot([-5.0, 0.0], [0.0, 0.0], color=PALETTE[0], solid_capstyle="butt")
    step_ax.plot([0.0, 5.0], [1.0, 1.0], color=PALETTE[0], solid_capstyle="butt")
    step_ax.plot([0.0], [0.0], "o", color=PALETTE[0], markersize=6)
    step_ax.plot([0.0], [1.0], "o", color=PALETTE[0], markerfacecolor="white", markersize=6)
    step_ax.set_title("step function")
    step_ax.set_ylabel("output")
    step_ax.yaxis.set_tick_params(labelleft=True)

    for ax in (sig_ax, step_ax):
        ax.set_xlabel("$z$")
        ax.set_xlim(-5, 5)
        ax.set_ylim(-0.08, 1.08)
        ax.set_yticks([0, 0.5, 1])
        ax.axhline(0.5, color="#dddddd", linewidth=0.8, zorder=0)
        ax.axvline(0.0, color="#dddddd", linewidth=0.8, zorder=0)
    return fig


# name -> (panel title, y label); the functions are nnbook.activations'
_ACTIVATION_PANELS = {
    "sigmoid": ("sigmoid", r"$\sigma(z) = 1/(1 + e^{-z})$"),
    "tanh": ("tanh", r"$\tanh(z)$"),
    "relu": ("rectified linear (ReLU)", r"$\max(0, z)$"),
    "identity": ("identity (linear)", "$z$"),
}


@house_style
def activations(names: Sequence[str] = ("sigmoid", "tanh", "relu")) -> Figure:
    """Activation functions f(z) for z from -5 to 5, one panel each, side by side.

    Serves chapter 3's "Other models of artificial neuron": the sigmoid, tanh (the same shape
    rescaled to outputs in [-1, 1]: sigma(z) = (1 + tanh(z/2)) / 2) and the rectified linear
    unit max(0, z). Each curve is computed by :mod:`nnbook.activations`, the functions the
    networks use.

    Parameters
    ----------
    names : sequence of str
        Any of "sigmoid", "tanh", "relu" and "identity", in panel order.
    """
    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise ValueError(f"names must be a non-empty list of activation names, e.g. "
                         f"('sigmoid', 'tanh', 'relu'); got {names!r}")
    for name in names:
        if name not in _ACTIVATION_PANELS:
            raise ValueError(f"names must hold only {sorted(_ACTIVATION_PANELS)}; "
                             f"got {name!r}")

    z = np.linspace(-5.0, 5.0, 401)
    fig = new_figure(0.5 + 2.5 * len(names), 3.0)
    axes = fig.subplots(1, len(names), squeeze=False)[0]
    for ax, name in zip(axes, names):
        title, formula = _ACTIVATION_PANELS[name]
        values = _activation(name).fn(z)
        ax.plot(z, values, color=PALETTE[0])
        ax.set_title(title)
        ax.set_xlabel("$z$")
        ax.set_ylabel(formula)
        ax.set_xlim(-5, 5)
        ax.set_xticks([-4, -2, 0, 2, 4])
        span = values.max() - values.min()
        ax.set_ylim(values.min() - 0.08 * span, values.max() + 0.08 * span)
        ax.axhline(0.0, color="#cccccc", linewidth=0.8, zorder=0)
        ax.axvline(0.0, color="#cccccc", linewidth=0.8, zorder=0)
    return fig


@house_style
def sigma_prime() -> Figure:
    """The derivative sigma'(z) = sigma(z)(1 - sigma(z)) of the sigmoid for z from -5 to 5.

    Serves chapter 5's "Why the gradient vanishes": every factor w_j sigma'(z_j) of the
    gradient carries a sigma', which is at most 1/4. The curve is computed by
    :mod:`nnbook.activations`, and so is its largest value, drawn as a dashed line whose legend
    gives that value and where it is reached (0.25 at z = 0, on a grid that contains 0).
    """
    z = np.linspace(-5.0, 5.0, 1001)
    values = _activation("sigmoid").prime(z)
    top = int(np.argmax(values))
    peak, at = float(values[top]), float(z[top]) + 0.0  # + 0.0 turns -0.0 into 0.0

    fig = new_figure(6.5, 3.2)
    ax = fig.add_subplot()
    ax.plot(z, values, color=PALETTE[0])
    ax.axhline(peak, color=INK, linestyle="--", linewidth=1.0,
               label=f"largest value: {peak:.4g}, at $z = {at:.3g}$")
    ax.set_xlabel("$z$")
    ax.set_ylabel(r"$\sigma'(z)$")
    ax.set_xlim(-5, 5)
    ax.set_ylim(0, 0.3)
    ax.legend(loc="upper right")
    light_grid(ax)
    return fig


@house_style
def softmax_bars(z: Sequence[float]) -> Figure:
    """The outputs a_j = e^{z_j} / sum_k e^{z_k} of a softmax layer, as bars in percent.

    Serves chapter 3's "Softmax", in place of the original's sliders: each bar is one output,
    labelled with its value, and its weighted input z_j is written under it. The bars always
    add up to 100 %, however the z_j are chosen (the original starts from z = (2.5, -1, 3.2,
    0.5)); a page can draw the layer again after changing one z_j.
    """
    z = check_values(z, "z", "weighted inputs")
    a = softmax(z)
    j = np.arange(1, z.size + 1)
    fig = new_figure(max(4.5, 1.0 + 1.1 * z.size), 3.4)
    ax = fig.add_subplot()
    bars = ax.bar(j, 100 * a, width=0.6, color=PALETTE[0])
    for bar, value in zip(bars, 100 * a):
        ax.text(bar.get_x() + bar.get_width() / 2, value + 2, f"{value:.1f} %", ha="center",
                va="bottom", fontsize=10)
    ax.set_xticks(j, [f"$z_{{{i}}} = {value:.3g}$" for i, value in zip(j, z)])
    ax.set_xlim(0.4, z.size + 0.6)
    ax.set_ylim(0, 112)
    ax.set_yticks(range(0, 101, 25))
    percent_ticks(ax)
    ax.set_ylabel("softmax output $a_j$")
    ax.tick_params(axis="x", length=0)
    light_grid(ax, axis="y")
    return fig


@house_style
def gaussians(stds: Mapping[str, float], *, xlim: float = 30) -> Figure:
    """Normal densities N(0, std^2) on one axes, from -xlim to xlim.

    Serves chapter 3's "Weight initialization": with 500 of 1,000 inputs on and N(0, 1)
    weights and bias, z = sum_j w_j x_j + b has std sqrt(501), about 22.4, a very broad curve
    (the original's ``#wide_gaussian``); with weights N(0, 1/n_in) its std is sqrt(3/2), about
    1.22 (``#narrow_gaussian``).

    The y axis always reaches at least 0.4 (the peak of N(0, 1)), so that a broad curve looks
    flat even when drawn alone, and two figures drawn separately share a scale.

    Parameters
    ----------
    stds : mapping label -> standard deviation (positive)
    xlim : float
        The x axis spans [-xlim, xlim]. Each curve is computed far enough beyond (8 stds) that
        its drawn points hold all of its area.
    """
    stds = check_mapping(stds, "stds", "label -> standard deviation")
    stds = {label: check_positive(std, f"stds[{label!r}]") for label, std in stds.items()}
    xlim = check_positive(xlim, "xlim")

    fig = new_figure(6.5, 3.4)
    ax = fig.add_subplot()
    peak = 0.0
    for i, (label, std) in enumerate(stds.items()):
        # fine enough both across the visible range and across the curve's own peak
        z = np.union1d(np.linspace(-xlim, xlim, 801), np.linspace(-8 * std, 8 * std, 801))
        density = np.exp(-0.5 * (z / std) ** 2) / (std * math.sqrt(2 * math.pi))
        peak = max(peak, float(density.max()))
        ax.plot(z, density, color=PALETTE[i % len(PALETTE)], label=str(label))
    ax.set_xlim(-xlim, xlim)
    ax.set_ylim(0, max(0.4, 1.08 * peak))
    ax.set_xlabel("$z$")
    ax.set_ylabel("probability density")
    ax.legend(loc="best")
    light_grid(ax)
    return fig


@house_style
def polynomial_fit(x: Sequence[float], y: Sequence[float], degree: int = 9) -> Figure:
    """Two models of the same points: a polynomial through them, and the best straight line.

    Serves chapter 3's "Overfitting and regularization" (the original's ``#polynomial_fit``
    and ``#linear_fit``): with ``degree = n - 1`` for n points (9 for the book's 10), the
    polynomial passes exactly through every point yet swings wildly between them; the
    least-squares line y = cx + d misses them slightly but may well generalise better. One
    figure with two panels side by side, sharing the y axis: the polynomial on the left, the
    line (its equation in the panel's title) on the right.

    Parameters
    ----------
    x, y : sequences of n finite numbers, with distinct x
    degree : int
        The polynomial's degree, from 1 to n - 1; it is fitted by least squares, so it passes
        through every point when ``degree = n - 1``. Off the points, the polynomial may leave
        the panel: the y axis spans the points, not the curve.
    """
    x = check_values(x, "x", "x coordinates")
    y = check_values(y, "y", "y coordinates")
    if x.size != y.size:
        raise ValueError(f"x and y must have one entry per point each; got {x.size} x and "
                         f"{y.size} y values")
    if x.size < 2 or np.unique(x).size != x.size:
        raise ValueError(f"x must hold at least two distinct values, one per point; got {x}")
    degree = check_integer(degree, "degree", minimum=1)
    if degree > x.size - 1:
        raise ValueError(f"degree must be at most {x.size - 1} (one less than the number of "
                         f"points) for {x.size} points; got {degree}")

    poly = Polynomial.fit(x, y, degree)
    slope, intercept = np.polyfit(x, y, 1)
    pad = 0.06 * np.ptp(x)
    grid = np.union1d(np.linspace(x.min() - pad, x.max() + pad, 600), x)
    low, high = y.min(), y.max()
    margin = 0.25 * (high - low) if high > low else 1.0

    fig = new_figure(7.5, 3.4)
    poly_ax, line_ax = fig.subplots(1, 2, sharey=True)
    exact = "through every point" if degree == x.size - 1 else "fitted by least squares"
    poly_ax.plot(grid, poly(grid), color=PALETTE[1])
    poly_ax.set_title(f"degree-{degree} polynomial\n{exact}")
    line_ax.plot(grid, slope * grid + intercept, color=PALETTE[0])
    sign = "-" if intercept < 0 else "+"
    equation = f"$y = {slope:.2f}x {sign} {abs(intercept):.2f}$"
    line_ax.set_title(f"least-squares straight line\n{equation}")
    for ax in (poly_ax, line_ax):
        ax.plot(x, y, "o", color=INK, markersize=6, zorder=3)
        ax.set_xlim(grid[0], grid[-1])
        ax.set_ylim(low - margin, high + margin)
        ax.set_xlabel("$x$")
        light_grid(ax)
    poly_ax.set_ylabel("$y$")
    line_ax.yaxis.set_tick_params(labelleft=True)
    return fig
