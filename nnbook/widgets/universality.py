"""Chapter 4's interactive figures: the constructions of :mod:`nnbook.studies.universality`
on sliders.

Each function returns a :class:`nnbook.widgets.core.Widget` built with
:mod:`nnbook.widgets.explorer`: every curve and surface is computed here, by
:mod:`nnbook.studies.universality`, for every position of the sliders it depends on; the browser
adds them up with the output weights the reader chooses.
The starting values are the original's where it gives them (a neuron with w = 8, b = -4; steps
at 0.4 and 0.6; a tower with h = 0.3, b = -0.5; ...).

======================  ===========================================================
function                what the reader does
======================  ===========================================================
:func:`neuron`          change w and b of one hidden neuron: sigma(w x + b)
:func:`step_forming`    play: w grows from 8 to 1000 with the step held at s = 0.4
:func:`step_position`   move a step (w = 1000) by its position s = -b / w
:func:`two_steps`       two steps and their output weights: w_1 a_1 + w_2 a_2
:func:`bump`            a pair of steps with output weights h and -h
:func:`two_bumps`       two such pairs
:func:`five_bumps`      five bumps of fixed width, heights by slider or by dragging
:func:`design`          the design challenge: match sigma^-1 o f with five bumps
:func:`surface_neuron`  sigma(w_1 x + b) over the (x, y) plane; play w_1 growing
:func:`surface_step`    a step in x or in y
:func:`surface_bump`    an x-bump or a y-bump
:func:`xy_bump`         an x-bump plus a y-bump
:func:`tower`           the output neuron sigma(h (x-bump + y-bump) + b); play h growing
:func:`two_towers`      two towers and their output weights
:func:`ramping`         a neuron with the chapter's non-sigmoid activation s(z)
======================  ===========================================================
"""

from __future__ import annotations

import numpy as np

from nnbook.studies import universality as u
from nnbook.widgets.core import Widget
from nnbook.widgets.explorer import Player, Readout, Score, Series, Slider, Surface, curves, surface

__all__ = ["neuron", "step_forming", "step_position", "two_steps", "bump", "two_bumps",
           "five_bumps", "design", "surface_neuron", "surface_step", "surface_bump",
           "xy_bump", "tower", "two_towers", "ramping", "X", "BUMP_EDGES"]

X = np.arange(101) / 100  # where the curves are drawn: x = i / 100, i = 0, ..., 100
GRID = np.linspace(0.0, 1.0, 41)  # the surfaces' grid in x and in y
POSITIONS = np.round(np.arange(0.0, 1.0001, 0.02), 2)  # where a step can be put
HEIGHTS = np.round(np.arange(-3.0, 3.0001, 0.05), 2)  # the heights a bump can be given
BUMP_EDGES = np.linspace(0.0, 1.0, 6)  # five bumps of width 0.2
BIG_W = 1000.0  # the weight that makes a neuron a step


def _step_components(names: dict[str, str]) -> dict:
    """A component per slider: the step at that slider's position (and the position itself)."""
    components = {}
    for slider, component in names.items():
        components[component] = ((slider,), lambda s: u.step(X, s, BIG_W))
        components[f"{component}_at"] = ((slider,), lambda s: s)
    return components


def neuron() -> Widget:
    """Sliders for w and b of one hidden neuron, its output sigma(w x + b), and s = -b/w."""
    w = Slider("w", [1, 2, 3, 4, 6, 8, 10, 15, 20, 30, 50, 100], start=8, digits=0)
    b = Slider("b", [-60, -50, -40, -30, -20, -15, -10, -8, -6, -5, -4, -3, -2, -1, 0, 1, 2,
                     4], start=-4, digits=0)
    return curves(
        X, [w, b], {"a": (("w", "b"), lambda w, b: u.neuron(X, w, b)),
                    "s": (("w", "b"), lambda w, b: u.step_position(w, b))},
        [Series("σ(wx + b)", [(1, "a")])], y_range=(0, 1), y_label="output",
        title="One hidden neuron", markers=[[(1, "s")]],
        readouts=[Readout("step position s = −b/w", [(1, "s")], 2)])


def step_forming() -> Widget:
    """A player: the weight grows from 8 to 1000 while b = -0.4 w keeps the step at 0.4."""
    ws = np.round(np.geomspace(8, 1000, 41), 1)
    w = Slider("w", ws, start=8, digits=1)
    return curves(
        X, [w], {"a": (("w",), lambda w: u.neuron(X, w, -0.4 * w))},
        [Series("σ(wx − 0.4w)", [(1, "a")])], y_range=(0, 1), y_label="output",
        title="A neuron becoming a step (b = −0.4w)", players=[Player.through(w, "Play")])


def step_position() -> Widget:
    """A step (w = 1000) moved by its position s."""
    s = Slider("s", POSITIONS, start=0.4)
    return curves(
        X, [s], _step_components({"s": "a"}), [Series("step at s", [(1, "a")])],
        y_range=(0, 1), y_label="output", title="A step at s = −b/w (w = 1000)",
        markers=[[(1, "a_at")]])


def two_steps() -> Widget:
    """Two hidden steps at s_1 and s_2 and the weighted output w_1 a_1 + w_2 a_2."""
    s1, s2 = Slider("s1", POSITIONS, 0.4, "s₁"), Slider("s2", POSITIONS, 0.6, "s₂")
    w1, w2 = Slider("w1", HEIGHTS, 0.6, "w₁"), Slider("w2", HEIGHTS, 1.2, "w₂")
    return curves(
        X, [s1, w1, s2, w2], _step_components({"s1": "a1", "s2": "a2"}),
        [Series("weighted output w₁a₁ + w₂a₂", [("w1", "a1"), ("w2", "a2")])],
        y_range=(-3, 3), y_label="weighted output", title="Two hidden neurons",
        markers=[[(1, "a1_at")], [(1, "a2_at")]])


def bump() -> Widget:
    """Steps at s_1 and s_2 with output weights h and -h: a bump of height h."""
    s1, s2 = Slider("s1", POSITIONS, 0.4, "s₁"), Slider("s2", POSITIONS, 0.6, "s₂")
    h = Slider("h", HEIGHTS, 0.6)
    return curves(
        X, [s1, s2, h], _step_components({"s1": "a1", "s2": "a2"}),
        [Series("weighted output h a₁ − h a₂", [("h", "a1"), ("-h", "a2")])],
        y_range=(-3, 3), y_label="weighted output", title="A bump",
        markers=[[(1, "a1_at")], [(1, "a2_at")]])


def two_bumps() -> Widget:
    """Two bumps, on [s_1, s_2) of height h_1 and on [s_3, s_4) of height h_2."""
    s = [Slider(f"s{k}", POSITIONS, start, f"s{'₁₂₃₄'[k - 1]}")
         for k, start in zip((1, 2, 3, 4), (0.4, 0.6, 0.7, 0.9))]
    h1, h2 = Slider("h1", HEIGHTS, -1.2, "h₁"), Slider("h2", HEIGHTS, 0.3, "h₂")
    components = _step_components({f"s{k}": f"a{k}" for k in (1, 2, 3, 4)})
    return curves(
        X, [s[0], s[1], h1, s[2], s[3], h2], components,
        [Series("weighted output", [("h1", "a1"), ("-h1", "a2"), ("h2", "a3"), ("-h2", "a4")])],
        y_range=(-3, 3), y_label="weighted output", title="Two bumps")


def _unit_bumps(x: np.ndarray, ideal: bool) -> dict:
    """Component k: bump k of height 1 on [k/5, (k+1)/5) -- with w = 1000, or ideal (w -> oo,
    bump k holding the grid points i // 20 == k, the rule of :func:`universality.design_score`).
    """
    if ideal:
        bump_of = np.minimum(np.rint(x * 100).astype(int) // 20, 4)
        return {f"u{k}": ((), lambda k=k: (bump_of == k).astype(float)) for k in range(5)}
    return {f"u{k}": ((), lambda k=k: u.bump(x, BUMP_EDGES[k], BUMP_EDGES[k + 1], 1.0, BIG_W))
            for k in range(5)}


def _height_sliders(starts) -> list[Slider]:
    return [Slider(f"h{k}", HEIGHTS, float(start), f"h{'₁₂₃₄₅'[k]}") for k, start in
            enumerate(starts)]


def five_bumps() -> Widget:
    """Five bumps on [0, 0.2), ..., [0.8, 1): set their heights with the sliders or by dragging."""
    heights = _height_sliders([0.6, -0.4, 1.1, 0.3, -0.8])
    return curves(
        X, heights, _unit_bumps(X, ideal=False),
        [Series("weighted output", [(f"h{k}", f"u{k}") for k in range(5)])],
        y_range=(-3, 3), y_label="weighted output",
        title="Five bumps (drag on the plot, or use the sliders)",
        drag={f"h{k}": (BUMP_EDGES[k], BUMP_EDGES[k + 1]) for k in range(5)})


def design(rng=None) -> Widget:
    """The design challenge: five bump heights against sigma^-1 o f, scored in the browser.

    The score is :func:`nnbook.studies.universality.design_score`: the mean of
    |sigma^-1(f(x)) - h_{floor(5x)}| over x = 0, 0.01, ..., 0.99 (the first 100 points of
    :data:`X`), with ideal bumps, computed in the browser from the embedded curves;
    below :data:`nnbook.studies.universality.DESIGN_THRESHOLD` the page says so. The heights
    start at random multiples of 0.05 in [-1.5, 1.5] drawn from ``rng`` (a seed or Generator);
    Reset returns to them.
    """
    rng = np.random.default_rng(rng)
    starts = np.round(rng.uniform(-1.5, 1.5, 5) / 0.05) * 0.05 + 0.0  # + 0.0: no "-0.00"
    components = _unit_bumps(X, ideal=True)
    components["target"] = ((), lambda: u.design_target(np.clip(X, 0, 1)))
    return curves(
        X, _height_sliders(starts), components,
        [Series("weighted output", [(f"h{k}", f"u{k}") for k in range(5)]),
         Series("σ⁻¹∘f, to match", [(1, "target")], dashed=True)],
        y_range=(-3, 3), y_label="weighted output", title="The design challenge",
        score=Score("average deviation", 0, 1, range(100), u.DESIGN_THRESHOLD,
                    success="Success: below the threshold!"),
        drag={f"h{k}": (BUMP_EDGES[k], BUMP_EDGES[k + 1]) for k in range(5)}, reset=True)


def surface_neuron() -> Widget:
    """sigma(w_1 x + w_2 y + b) with w_2 = 0, over the plane; Play grows w_1 with b = -w_1/2."""
    ws = [1, 2, 3, 4, 6, 8, 10, 15, 20, 30, 50, 100]
    bs = sorted({-w / 2 for w in ws} | {-40, -30, -20, -12, -8, -6, -5, -3.5, -2.5, -1.5, 0, 1,
                                         2, 4})
    w = Slider("w1", ws, start=8, label="w₁", digits=0)
    b = Slider("b", bs, start=-5, digits=1)
    return surface(
        GRID, GRID, [w, b], {"a": (("w1", "b"), lambda w, b: u.neuron(GRID, w, b)),
                             "s": (("w1", "b"), lambda w, b: u.step_position(w, b))},
        Surface("σ(w₁x + b)", [(1, "a")]), z_range=(0, 1),
        title="A neuron with two inputs (w₂ = 0)",
        readouts=[Readout("step at x = −b/w₁", [(1, "s")], 2)],
        players=[Player("Play: w₁ grows, b = −w₁/2", [{"w1": v, "b": -v / 2} for v in ws],
                        interval_ms=250)])


def _direction() -> Slider:
    return Slider("d", [0, 1], start=0, label="direction", choices=("x", "y"))


def _directed_steps(names: dict[str, str]) -> dict:
    """For each position slider, the step at its position in x (direction d = 0) or in y (d = 1):
    component ``<name>x`` is (1 - d) times the step in x, ``<name>y`` is d times the step in y.
    """
    components = {}
    for slider, name in names.items():
        components[f"{name}x"] = (("d", slider), lambda d, s: (1 - d) * u.step(GRID, s, BIG_W))
        components[f"{name}y"] = (("d", slider), lambda d, s: d * u.step(GRID, s, BIG_W), "y")
    return components


def surface_step() -> Widget:
    """A step (w = 1000) in x or in y, at position s: a direction switch and a slider."""
    s = Slider("s", POSITIONS, start=0.5)
    return surface(
        GRID, GRID, [_direction(), s], _directed_steps({"s": "a"}),
        Surface("step", [(1, "ax"), (1, "ay")]), z_range=(0, 1),
        title="A step in x or in y (weight 1000 on one input, 0 on the other)")


def surface_bump() -> Widget:
    """An x-bump or a y-bump of height h on [s_1, s_2): a direction switch and sliders."""
    s1, s2 = Slider("s1", POSITIONS, 0.3, "s₁"), Slider("s2", POSITIONS, 0.7, "s₂")
    h = Slider("h", np.round(np.arange(-1, 1.0001, 0.05), 2), 0.6)
    return surface(
        GRID, GRID, [_direction(), s1, s2, h], _directed_steps({"s1": "a1", "s2": "a2"}),
        Surface("bump", [("h", "a1x"), ("-h", "a2x"), ("h", "a1y"), ("-h", "a2y")]),
        z_range=(-1, 1), title="A bump of height h, in x or in y")


def _box_components() -> dict:
    """The x-bump and the y-bump of height 1 on [0.3, 0.7), the chapter's square."""
    return {"bx": ((), lambda: u.bump(GRID, 0.3, 0.7, 1.0, BIG_W)),
            "by": ((), lambda: u.bump(GRID, 0.3, 0.7, 1.0, BIG_W), "y")}


def xy_bump() -> Widget:
    """An x-bump plus a y-bump, both of height h: h on the strips, 2h where they cross."""
    h = Slider("h", np.round(np.arange(0, 0.5001, 0.01), 2), 0.3)
    return surface(GRID, GRID, [h], _box_components(),
                   Surface("x-bump + y-bump", [("h", "bx"), ("h", "by")]), z_range=(0, 1),
                   title="An x-bump plus a y-bump, each of height h")


def tower() -> Widget:
    """The output neuron sigma(h x-bump + h y-bump + b); Play raises h to 10 with b = -3h/2."""
    hs = np.round(np.arange(0, 10.0001, 0.1), 1)
    h = Slider("h", hs, 0.3, digits=1)
    b = Slider("b", np.round(np.arange(-16, 2.0001, 0.05), 2), -0.5)
    return surface(
        GRID, GRID, [h, b], _box_components(),
        Surface("output σ(h x-bump + h y-bump + b)", [("h", "bx"), ("h", "by"), ("b", None)],
                activation="sigmoid"), z_range=(0, 1), title="Building a tower",
        players=[Player("Play: h grows, b = −3h/2",
                        [{"h": v, "b": u.tower_bias(2, v)} for v in hs[::2]], 80)])


def two_towers() -> Widget:
    """Two towers (h = 20) whose outputs are weighted by w_1 and w_2 and added."""
    w1 = Slider("w1", np.round(np.arange(-1, 1.0001, 0.05), 2), 0.7, "w₁")
    w2 = Slider("w2", np.round(np.arange(-1, 1.0001, 0.05), 2), 0.5, "w₂")
    components = {"t1": ((), lambda: u.tower(GRID, GRID, (0.1, 0.4), (0.5, 0.9), 20.0)),
                  "t2": ((), lambda: u.tower(GRID, GRID, (0.55, 0.9), (0.1, 0.45), 20.0))}
    return surface(GRID, GRID, [w1, w2], components,
                   Surface("w₁ tower₁ + w₂ tower₂", [("w1", "t1"), ("w2", "t2")]),
                   z_range=(-1, 1), title="Two towers, weighted and added")


def ramping() -> Widget:
    """A neuron with the chapter's activation s(z) = sigma(z) + 0.2 sin(10z) e^-|z|: s(wx + b).

    Play ramps w from 1 to 100 with b = -w/2, the step at 0.5.
    """
    ws = [1, 2, 3, 4, 6, 8, 10, 15, 20, 30, 40, 60, 80, 100]
    bs = sorted({-w / 2 for w in ws} | {-10, -4, -2, 0, 2})
    w = Slider("w", ws, start=6, digits=0)
    b = Slider("b", bs, start=-3, digits=1)
    return curves(
        X, [w, b], {"a": (("w", "b"), lambda w, b: u.neuron(X, w, b,
                                                                  u.sigmoid_like))},
        [Series("s(wx + b)", [(1, "a")])], y_range=(-0.1, 1.1), y_label="output",
        title="A neuron with the activation s(z)",
        players=[Player("Play: w grows, b = −w/2", [{"w": v, "b": -v / 2} for v in ws], 250)])
