"""Tests for the diagrams of nnbook.figures (diagrams, backprop, descent.ball_in_valley) and the
primitives they are drawn with: what each diagram draws, its house style, and its argument
checks."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch, PathPatch
from matplotlib.text import Text

from nnbook.figures import backprop, descent, diagrams, primitives
from nnbook.figures.style import PALETTE


def parts(fig: Figure, kind: type) -> list:
    """The patches of one kind drawn on a diagram's single axes."""
    (ax,) = fig.axes
    return [patch for patch in ax.patches if isinstance(patch, kind)]


def texts(fig: Figure) -> list[str]:
    return [text.get_text() for text in fig.axes[0].texts]


def connections(fig: Figure) -> int:
    return sum(len(c.get_segments()) for c in fig.axes[0].collections
               if isinstance(c, LineCollection))


def neuron_columns(fig: Figure) -> list[list[Circle]]:
    """A network diagram's circles grouped into columns (left to right), each top to bottom."""
    circles = sorted(parts(fig, Circle), key=lambda c: (round(c.center[0], 6), -c.center[1]))
    return [list(group) for _, group in
            itertools.groupby(circles, key=lambda c: round(c.center[0], 6))]


# --- house style and the shared helpers -------------------------------------------------------

def test_every_diagram_is_a_plain_figure_on_opaque_white_with_fonts_of_10pt_or_more():
    figures = [diagrams.perceptron(), diagrams.network([784, 15, 10], layer_titles="abc"),
               diagrams.network([3, 2], highlight=(1, 0, 0)), diagrams.half_adder(),
               diagrams.half_adder(perceptrons=True), diagrams.face_detector(detail=True),
               diagrams.chain(), diagrams.chain(7)]
    for fig in figures:
        _assert_house_style(fig, max_height=7.0)


def _assert_house_style(fig, max_height):
    """Not made through pyplot, opaque white, fonts of 10 pt or more, one data unit per inch."""
    assert fig.canvas.manager is None
    assert to_rgba(fig.get_facecolor()) == (1.0, 1.0, 1.0, 1.0)
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text()]
    assert sizes and min(sizes) >= 10
    # cropped to the drawing, one data unit per inch, so sizes match across diagrams
    (ax,) = fig.axes
    assert np.ptp(ax.get_xlim()) == pytest.approx(fig.get_figwidth())
    assert np.ptp(ax.get_ylim()) == pytest.approx(fig.get_figheight())
    assert 1.0 < fig.get_figwidth() < 9.0 and 0.5 < fig.get_figheight() < max_height


def test_the_crop_keeps_every_text_inside_the_figure():
    fig = diagrams.network([784, 15, 10], output_labels="0123456789",
                           layer_titles=("a long input layer title", "b", "c"))
    fig.draw_without_rendering()
    inside = fig.bbox
    for text in fig.axes[0].texts:
        box = text.get_window_extent()
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1
        assert inside.y0 <= box.y0 and box.y1 <= inside.y1


def test_rim_is_on_the_circle_facing_the_target():
    point = primitives.rim((1.0, 2.0), (4.0, 6.0), 0.5)
    assert point == pytest.approx((1.3, 2.4))


# --- perceptron ------------------------------------------------------------------------------

def test_perceptron_draws_one_neuron_an_arrow_per_input_and_one_out():
    fig = diagrams.perceptron()
    assert len(parts(fig, Circle)) == 1
    assert len(parts(fig, FancyArrowPatch)) == 4
    assert {"$x_1$", "$x_2$", "$x_3$", "output"} <= set(texts(fig))


def test_nand_perceptron_writes_its_weights_on_the_arrows_and_its_bias_inside():
    fig = diagrams.perceptron(inputs=("$x_1$", "$x_2$"), weights=(-2, -2), bias=3)
    (neuron,) = parts(fig, Circle)
    assert texts(fig).count("$-2$") == 2
    (inside,) = [t for t in fig.axes[0].texts if t.get_text() == "$3$"]
    assert inside.get_position() == pytest.approx(neuron.center)
    assert len(parts(fig, FancyArrowPatch)) == 3


def test_sigmoid_neuron_has_its_label_inside_and_its_bias_below():
    fig = diagrams.perceptron(label=r"$\sigma$", bias="$b$")
    (neuron,) = parts(fig, Circle)
    labels = {t.get_text(): t.get_position() for t in fig.axes[0].texts}
    assert labels[r"$\sigma$"] == pytest.approx(neuron.center)
    assert labels["bias $b$"][1] < neuron.center[1] - neuron.radius


def test_chapter_1_sigmoid_neuron_names_its_weights_bias_and_output():
    fig = diagrams.perceptron(weights=("$w_1$", "$w_2$", "$w_3$"), bias="$b$",
                              label=r"$\sigma$", output=r"$\sigma(w \cdot x + b)$")
    (neuron,) = parts(fig, Circle)
    arrows = parts(fig, FancyArrowPatch)
    assert len(arrows) == 3 + 1
    labels = {t.get_text(): np.array(t.get_position()) for t in fig.axes[0].texts}
    assert {"$x_1$", "$x_2$", "$x_3$", "$w_1$", "$w_2$", "$w_3$", "bias $b$"} <= set(labels)
    # each weight sits on its own input's arrow, top to bottom, and the output to the right
    assert labels["$w_1$"][1] > labels["$w_2$"][1] > labels["$w_3$"][1]
    assert labels[r"$\sigma(w \cdot x + b)$"][0] > neuron.center[0] + neuron.radius


def test_perceptron_rejects_a_weight_count_that_does_not_match_the_inputs():
    with pytest.raises(ValueError, match=r"weights must give one weight per input \(3\)"):
        diagrams.perceptron(weights=(1, 2))
    with pytest.raises(ValueError, match="inputs must name at least one input"):
        diagrams.perceptron(inputs=())


# --- network ---------------------------------------------------------------------------------

def test_network_draws_every_neuron_and_every_connection_of_a_small_net():
    fig = diagrams.network([3, 4, 3, 1])
    assert [len(column) for column in neuron_columns(fig)] == [3, 4, 3, 1]
    assert connections(fig) == 3 * 4 + 4 * 3 + 3 * 1
    assert not texts(fig)


def test_network_elides_big_layers_and_says_how_big_they_are():
    fig = diagrams.network([784, 15, 10])  # max_shown=8 everywhere
    assert [len(column) for column in neuron_columns(fig)] == [8, 8, 8]
    assert connections(fig) == 8 * 8 + 8 * 8
    assert texts(fig).count(r"$\vdots$") == 3
    assert {"784 neurons", "15 neurons", "10 neurons"} <= set(texts(fig))


def test_network_draws_chapter_1s_four_bit_output_layer_after_the_ten_digits():
    fig = diagrams.network([784, 15, 10, 4], max_shown=[8, 8, 10, 4],
                           output_labels=["bit 3", "bit 2", "bit 1", "bit 0"],
                           layer_titles=["input layer", "hidden layer", "digits", "bits"])
    columns = neuron_columns(fig)
    assert [len(column) for column in columns] == [8, 8, 10, 4]
    assert connections(fig) == 8 * 8 + 8 * 10 + 10 * 4  # every digit neuron feeds every bit
    labels = {t.get_text(): t.get_position() for t in fig.axes[0].texts}
    for bit, neuron in zip(["bit 3", "bit 2", "bit 1", "bit 0"], columns[-1]):
        assert labels[bit][1] == pytest.approx(neuron.center[1])  # beside its own neuron
        assert labels[bit][0] > neuron.center[0]


def test_network_takes_one_max_shown_per_layer_for_the_books_digit_network():
    fig = diagrams.network([784, 15, 10], max_shown=(8, 15, 10),
                           input_labels=[f"$x_{{{i}}}$" for i in range(1, 785)],
                           output_labels=[str(d) for d in range(10)],
                           layer_titles=("input layer", "hidden layer", "output layer"))
    columns = neuron_columns(fig)
    assert [len(column) for column in columns] == [8, 15, 10]
    labels = texts(fig)
    assert "784 neurons" in labels and "15 neurons" not in labels
    assert {"$x_{1}$", "$x_{4}$", "$x_{781}$", "$x_{784}$"} <= set(labels)
    assert "$x_{5}$" not in labels  # hidden by the ellipsis
    assert {str(d) for d in range(10)} <= set(labels)
    assert {"input layer", "hidden layer", "output layer"} <= set(labels)
    # each digit is written beside its own output neuron, 0 at the top
    position = {t.get_text(): t.get_position() for t in fig.axes[0].texts}
    for digit, neuron in enumerate(columns[2]):
        assert position[str(digit)][1] == pytest.approx(neuron.center[1])
        assert position[str(digit)][0] > neuron.center[0]


def test_network_highlight_draws_the_chosen_connection_thick_and_the_changed_output():
    fig = diagrams.network([5, 6, 6, 1], highlight=(1, 2, 1))
    (ax,) = fig.axes
    (thick,) = [line for line in ax.get_lines() if line.get_linewidth() > 2]
    columns = neuron_columns(fig)
    tail, head = columns[0][1].center, columns[1][2].center  # neuron 1 -> neuron 2
    np.testing.assert_allclose(np.column_stack(thick.get_data()), [tail, head])
    assert {r"$w + \Delta w$", r"output + $\Delta$output"} <= set(texts(fig))
    assert len(parts(fig, FancyArrowPatch)) == 1  # out of the single output neuron


@pytest.mark.parametrize("sizes", [[784], [784, 0, 10], [3.5, 2], [True, 2], "abc", 7])
def test_network_rejects_bad_sizes(sizes):
    with pytest.raises(ValueError, match="sizes must list at least two positive layer sizes"):
        diagrams.network(sizes)


@pytest.mark.parametrize("kwargs, message", [
    ({"max_shown": 1}, "max_shown must be an integer >= 2"),
    ({"max_shown": (8, 8)}, r"max_shown must be one int, or one per layer \(3\)"),
    ({"layer_titles": ("a", "b")}, "layer_titles must have 3 entries; got 2"),
    ({"output_labels": "012"}, "output_labels must have 10 entries; got 3"),
    ({"input_labels": ["x"]}, "input_labels must have 784 entries; got 1"),
    ({"highlight": (0, 1, 1)}, r"highlight must be \(layer, j, k\)"),
    ({"highlight": (1, 5, 0)}, r"highlight must be \(layer, j, k\)"),  # neuron 5 is elided
    ({"highlight": (1, 0)}, r"highlight must be \(layer, j, k\)"),
    ({"highlight": (1, 0, 0), "output_labels": "0123456789"}, "highlight or output_labels"),
])
def test_network_rejects_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        diagrams.network([784, 15, 10], **kwargs)


# --- half adder ------------------------------------------------------------------------------

def evaluate_adder(x1: int, x2: int, gate) -> dict[str, int]:
    """Run the drawn netlist, computing each gate from the values of its two inputs."""
    values = {"x1": x1, "x2": x2}
    for name, (a, b) in diagrams._ADDER.items():  # listed in an order that can be evaluated
        values[name] = gate(values[a], values[b])
    return values


@pytest.mark.parametrize("x1, x2", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_the_drawn_circuit_adds_two_bits_with_nands_and_with_perceptrons(x1, x2):
    nand = evaluate_adder(x1, x2, lambda a, b: int(not (a and b)))
    perceptron = evaluate_adder(x1, x2, lambda a, b: int(-2 * a - 2 * b + 3 > 0))
    for values in (nand, perceptron):
        assert values["sum"] == x1 ^ x2
        assert values["carry"] == x1 & x2


def test_half_adder_draws_five_nand_gates_and_labels_both_outputs():
    fig = diagrams.half_adder()
    assert len(parts(fig, PathPatch)) == 5
    labels = texts(fig)
    assert labels.count("NAND") == 5
    assert {r"sum: $x_1 \oplus x_2$", r"carry bit: $x_1 x_2$", "$x_1$", "$x_2$"} <= set(labels)


def test_half_adder_of_perceptrons_has_bias_3_and_weight_minus_2_per_input():
    fig = diagrams.half_adder(perceptrons=True)
    assert len(parts(fig, Circle)) == 5 + 2  # five perceptrons, two input dots
    labels = texts(fig)
    assert labels.count("$3$") == 5
    assert labels.count("$-2$") == 8 and labels.count("$-4$") == 1  # the carry's doubled input
    assert len(parts(fig, FancyArrowPatch)) == 9 + 2  # nine inputs (one doubled), two outputs
    assert r"sum: $x_1 \oplus x_2$" in labels and r"carry bit: $x_1 x_2$" in labels


def test_half_adder_can_draw_its_inputs_as_input_perceptrons_with_no_inputs():
    fig = diagrams.half_adder(perceptrons=True, input_layer=True)
    circles = parts(fig, Circle)
    assert len(circles) == 5 + 2  # five perceptrons, two input perceptrons (and no dots)
    assert all(c.radius == pytest.approx(0.27) for c in circles)
    inputs = [c for c in circles if c.get_facecolor() != to_rgba("white")]
    assert len(inputs) == 2
    labels = {t.get_text(): t.get_position() for t in fig.axes[0].texts}
    for name, circle in zip(("$x_1$", "$x_2$"), sorted(inputs, key=lambda c: -c.center[1])):
        assert labels[name] == pytest.approx(circle.center)  # named by the value it emits
    arrows = [ends(a) for a in parts(fig, FancyArrowPatch)]
    assert len(arrows) == 9 + 2
    for circle in inputs:
        assert not any(on_rim(head, circle) for _, head in arrows)  # nothing goes in
    # x1 feeds two perceptrons and x2 two more, each arrow leaving the input's rim
    assert sum(on_rim(tail, c) for tail, _ in arrows for c in inputs) == 4


def test_half_adder_draws_input_perceptrons_only_among_perceptrons():
    with pytest.raises(ValueError, match="input_layer=True .* needs perceptrons=True"):
        diagrams.half_adder(input_layer=True)


# --- face detector ---------------------------------------------------------------------------

def flat(strings: list[str]) -> set[str]:
    return {" ".join(s.split()) for s in strings}


QUESTIONS = {"Is there an eye in the top left?", "Is there an eye in the top right?",
             "Is there a nose in the middle?", "Is there a mouth at the bottom?",
             "Is there hair on top?"}
EYE = {"Is there an eyebrow?", "Are there eyelashes?", "Is there an iris?"}


def test_face_detector_feeds_five_questions_from_the_image_into_one_output():
    fig = diagrams.face_detector()
    labels = flat(texts(fig))
    assert QUESTIONS | {"Is it a face?", "input image"} <= labels
    assert not EYE & labels
    assert len(parts(fig, FancyBboxPatch)) == 7
    assert len(parts(fig, FancyArrowPatch)) == 5 + 5


def test_face_detector_detail_answers_the_eye_question_from_three_smaller_ones():
    fig = diagrams.face_detector(detail=True)
    assert QUESTIONS | EYE <= flat(texts(fig))
    assert len(parts(fig, FancyBboxPatch)) == 10
    # image -> 3 small questions -> the eye; image -> the 4 other questions; 5 -> the output
    assert len(parts(fig, FancyArrowPatch)) == 3 + 3 + 4 + 5


# --- chapter 2 -------------------------------------------------------------------------------

CHAPTER_2 = {
    "weight_notation": backprop.weight_notation,
    "bias_activation_notation": backprop.bias_activation_notation,
    "backward_errors": backprop.backward_errors,
    "backward_errors (8, 8, 8, 8, 8, 8)": lambda: backprop.backward_errors((8,) * 6),
    "demon": backprop.demon,
    "slow_learning": backprop.slow_learning,
    "weight_paths": backprop.weight_paths,
    "weight_paths path": lambda: backprop.weight_paths(path=[2, 0]),
    "weight_paths wide": lambda: backprop.weight_paths((2, 8, 3, 5, 4, 1), layer=1, j=7, k=0,
                                                       path=[0, 4, 3, 0]),
    "cost_of_outputs": backprop.cost_of_outputs,
    "cost_of_outputs (2, 8)": lambda: backprop.cost_of_outputs((2, 8)),
    **{f"weight_change {stage}": (lambda stage=stage: backprop.weight_change(
        stage=stage, q=0 if stage == "one neuron" else None)) for stage in backprop.STAGES},
    "weight_change wide": lambda: backprop.weight_change((2, 8, 3, 5, 4, 1), layer=1, j=7, k=0,
                                                         stage="next layer"),
    # chapter 3's, which keep the same style
    "network dropped": lambda: diagrams.network([6, 6, 6, 2], dropped=[(1, 1), (2, 0)],
                                                layer_titles=("in", "h1", "h2", "out")),
    "ball_in_valley": descent.ball_in_valley,
    "ball_in_valley momentum": lambda: descent.ball_in_valley(momentum=True),
}
BLUE, ORANGE = to_rgba(PALETTE[0]), to_rgba(PALETTE[1])


def coloured_segments(fig: Figure, colour) -> list[np.ndarray]:
    """The connections drawn in ``colour`` (one (2, 2) array of endpoints each)."""
    return [np.asarray(segment) for c in fig.axes[0].collections
            if isinstance(c, LineCollection) and len(c.get_segments())
            and tuple(c.get_colors()[0]) == to_rgba(colour) for segment in c.get_segments()]


def thick_lines(fig: Figure) -> list[np.ndarray]:
    return [np.column_stack(line.get_data()) for line in fig.axes[0].get_lines()
            if line.get_linewidth() > 2]


def ends(arrow: FancyArrowPatch) -> tuple[np.ndarray, np.ndarray]:
    tail, head = arrow._posA_posB  # where the arrow was asked to start and end
    return np.asarray(tail), np.asarray(head)


def on_rim(point, circle: Circle) -> bool:
    return bool(np.isclose(np.hypot(*np.subtract(point, circle.center)), circle.radius))


def extent(fig: Figure, text: Text) -> tuple[float, float, float, float]:
    """A text's box in data units (inches): x0, y0, x1, y1."""
    fig.draw_without_rendering()
    box = text.get_window_extent().transformed(fig.axes[0].transData.inverted())
    return box.x0, box.y0, box.x1, box.y1


def crosses(segment: np.ndarray, box: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = box
    points = segment[0] + np.linspace(0, 1, 400)[:, None] * (segment[1] - segment[0])
    return bool(((x0 < points[:, 0]) & (points[:, 0] < x1)
                 & (y0 < points[:, 1]) & (points[:, 1] < y1)).any())


@pytest.mark.parametrize("name", CHAPTER_2)
def test_chapter_2_diagrams_keep_the_house_style_and_every_text_inside(name):
    fig = CHAPTER_2[name]()
    _assert_house_style(fig, max_height=7.5)
    (ax,) = fig.axes
    fig.draw_without_rendering()
    for text in ax.texts:
        for box in [text.get_window_extent()] + ([text.get_bbox_patch().get_window_extent()]
                                                 if text.get_bbox_patch() else []):
            assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1, text.get_text()
            assert fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1, text.get_text()


def test_weight_notation_highlights_w3_24_from_neuron_4_of_layer_2_to_neuron_2_of_layer_3():
    fig = backprop.weight_notation()
    columns = neuron_columns(fig)
    assert [len(column) for column in columns] == [3, 4, 2]
    (thick,) = thick_lines(fig)
    # counted from 1 as in the book: neuron 4 of layer 2 -> neuron 2 of layer 3
    np.testing.assert_allclose(thick, [columns[1][3].center, columns[2][1].center])
    assert connections(fig) == 3 * 4 + 4 * 2 - 1  # the rest, in grey
    labels = texts(fig)
    assert {"$w^3_{24}$", "$k = 4$", "$j = 2$", "layer 1", "layer 2", "layer 3"} <= set(labels)
    (note,) = [t for t in labels if "$w^l_{jk}$" in t]
    assert "receiving neuron $j$" in note and "sending neuron $k$" in note
    position = {t.get_text(): np.asarray(t.get_position()) for t in fig.axes[0].texts}
    # each index is written next to its own neuron, and the titles over their columns
    assert np.hypot(*(position["$k = 4$"] - columns[1][3].center)) < 0.4
    assert np.hypot(*(position["$j = 2$"] - columns[2][1].center)) < 0.4
    for title, column in zip(["layer 1", "layer 2", "layer 3"], columns):
        assert position[title][0] == pytest.approx(column[0].center[0])
        assert position[title][1] > column[0].center[1] + column[0].radius


def test_bias_activation_notation_points_b2_3_and_a3_1_at_their_neurons():
    fig = backprop.bias_activation_notation()
    columns = neuron_columns(fig)
    assert [len(column) for column in columns] == [3, 4, 2]
    assert connections(fig) == 3 * 4 + 4 * 2
    position = {t.get_text(): np.asarray(t.get_position()) for t in fig.axes[0].texts}
    targets = {"$b^2_3$": columns[1][2], "$a^3_1$": columns[2][0]}  # counted from 1
    arrows = parts(fig, FancyArrowPatch)
    assert len(arrows) == 2
    for label, neuron in targets.items():
        (arrow,) = [a for a in arrows if np.hypot(*(ends(a)[0] - position[label])) < 0.3]
        assert on_rim(ends(arrow)[1], neuron)
        assert neuron.get_facecolor() != to_rgba("white")  # the labelled neurons are tinted


def test_bias_activation_notation_arrows_miss_every_other_neuron():
    fig = backprop.bias_activation_notation()
    for arrow in parts(fig, FancyArrowPatch):
        tail, head = ends(arrow)
        for circle in parts(fig, Circle):
            if on_rim(head, circle):
                continue
            points = tail + np.linspace(0, 1, 400)[:, None] * (head - tail)
            assert np.hypot(*(points - circle.center).T).min() > circle.radius


@pytest.mark.parametrize("sizes", [(3, 4, 4, 2), (2, 3), (5, 2, 6, 3, 1)])
def test_backward_errors_runs_bold_arrows_right_to_left_from_the_cost(sizes):
    fig = backprop.backward_errors(sizes)
    assert [len(column) for column in neuron_columns(fig)] == list(sizes)
    n = len(sizes)
    faint = coloured_segments(fig, backprop.FAINT)
    assert len(faint) == connections(fig) == sum(a * b for a, b in zip(sizes, sizes[1:]))
    labels = texts(fig)
    deltas = [t for t in labels if t.startswith(r"$\delta^")]
    expected = [r"$\delta^L$"] + [rf"$\delta^{{L-{m}}}$" for m in range(1, n - 1)]
    assert sorted(deltas) == sorted(expected)  # one per layer but the input layer
    assert labels.count("BP2") == n - 2 and labels.count("BP1") == 1
    bold = [a for a in parts(fig, FancyArrowPatch) if a.get_linewidth() > 2]
    assert len(bold) == n - 1
    (cost,) = parts(fig, FancyBboxPatch)
    left, right = cost.get_x(), cost.get_x() + cost.get_width()
    from_cost = [a for a in bold if left <= ends(a)[0][0] <= right]
    assert len(from_cost) == 1  # BP1 starts at C
    for arrow in bold:
        tail, head = ends(arrow)
        assert head[0] < tail[0]  # backwards
        assert head[1] >= tail[1] - 1e-9  # up from C to the errors' row, or along it
    # every output neuron feeds C (thin, forward arrows)
    assert len(parts(fig, FancyArrowPatch)) == n - 1 + sizes[-1]


@pytest.mark.parametrize("sizes, message", [
    ((3,), "sizes must list at least two positive layer sizes"),
    ((3, 9, 2), "at most 8 neurons per layer"),
    ((2,) * 7, "at most 6 layers"),
    ((3, 0, 2), "sizes must list at least two positive layer sizes"),
])
def test_backward_errors_rejects_sizes_it_cannot_draw(sizes, message):
    with pytest.raises(ValueError, match=message):
        backprop.backward_errors(sizes)


def downstream(segments: list[np.ndarray], start) -> set[tuple]:
    """The segments on a left-to-right path from ``start``, found by walking the drawing."""
    reached, found = {tuple(np.round(start, 6))}, set()
    for segment in sorted(segments, key=lambda s: min(s[0][0], s[1][0])):  # layer by layer
        left, right = sorted((tuple(np.round(p, 6)) for p in segment))
        if left in reached:
            reached.add(right)
            found.add((left, right))
    return found


def as_keys(segments: list[np.ndarray]) -> set[tuple]:
    return {tuple(sorted(tuple(np.round(p, 6)) for p in s)) for s in segments}


def test_demon_marks_one_neuron_feeds_it_delta_z_and_colours_everything_downstream():
    fig = backprop.demon()
    columns = neuron_columns(fig)
    assert [len(column) for column in columns] == [3, 4, 4, 2]
    (marked,) = [c for column in columns for c in column if c.get_facecolor() != to_rgba("white")]
    assert marked is columns[1][0]
    blue, faint = coloured_segments(fig, PALETTE[0]), coloured_segments(fig, backprop.FAINT)
    assert len(blue) == 4 + 4 * 2  # neuron j's 4 connections out, then all 4 x 2 after
    assert as_keys(blue) == downstream(blue + faint, marked.center)
    assert len(blue) + len(faint) == 3 * 4 + 4 * 4 + 4 * 2
    labels = texts(fig)
    assert r"$+\Delta z^l_j$" in labels and "layer $l$" in labels
    assert any(r"\Delta C \approx" in t and r"\partial z^l_j" in t for t in labels)
    arrows = parts(fig, FancyArrowPatch)
    assert sum(on_rim(ends(a)[1], marked) for a in arrows) == 1  # the demon's nudge
    assert sum(a.get_edgecolor() == BLUE for a in arrows) == 2  # both outputs move C


def test_slow_learning_draws_a_weight_from_a_low_activation_neuron():
    fig = backprop.slow_learning()
    left, right = sorted(parts(fig, Circle), key=lambda c: c.center[0])
    (arrow,) = parts(fig, FancyArrowPatch)
    tail, head = ends(arrow)
    assert on_rim(tail, left) and on_rim(head, right)
    labels = texts(fig)
    assert {r"$a_{\rm in} \approx 0$", r"$\delta_{\rm out}$", "$w$",
            "so $w$ learns slowly"} <= set(labels)
    assert any(r"a_{\rm in}\,\delta_{\rm out} \approx 0" in t and r"\partial w" in t
               for t in labels)
    position = {t.get_text(): t.get_position() for t in fig.axes[0].texts}
    assert abs(position[r"$a_{\rm in} \approx 0$"][0] - left.center[0]) < 1e-9


WEIGHTS = [((3, 4, 4, 3, 2), 2, 1, 1), ((3, 4, 4, 3, 2), 1, 3, 0), ((2, 8, 3, 5, 4, 1), 1, 7, 0),
           ((3, 4, 4, 3, 2), 4, 0, 2), ((4, 2), 1, 1, 3)]


@pytest.mark.parametrize("sizes, layer, j, k", WEIGHTS)
def test_weight_paths_colours_exactly_the_connections_downstream_of_neuron_j(sizes, layer, j, k):
    fig = backprop.weight_paths(sizes, layer, j, k)
    columns = neuron_columns(fig)
    assert [len(column) for column in columns] == list(sizes)
    (thick,) = thick_lines(fig)
    np.testing.assert_allclose(thick, [columns[layer - 1][k].center, columns[layer][j].center])
    blue, faint = coloured_segments(fig, PALETTE[0]), coloured_segments(fig, backprop.FAINT)
    later = sizes[layer + 1:]
    # j reaches every neuron of the next layer, and from there every later connection
    expected = (later[0] + sum(a * b for a, b in zip(later, later[1:]))) if later else 0
    assert len(blue) == expected
    assert as_keys(blue) == downstream(blue + faint, columns[layer][j].center)
    assert len(blue) + len(faint) + 1 == sum(a * b for a, b in zip(sizes, sizes[1:]))
    into_cost = [a for a in parts(fig, FancyArrowPatch) if a.get_edgecolor() == BLUE]
    # the change reaches C through every output; if j is an output, through j alone
    assert len(into_cost) == (sizes[-1] if later else 1)
    labels = set(texts(fig))
    assert {r"$\Delta w^l_{jk}$", r"$\Delta C$", "layer $L$"} <= labels
    assert ("layer $l$" in labels) == bool(later)  # the weight's layer is L if it is the last


@pytest.mark.parametrize("sizes, layer, j, k, path", [
    ((3, 4, 4, 3, 2), 2, 1, 1, [2, 0]),
    ((2, 8, 3, 5, 4, 1), 1, 7, 0, [0, 4, 3, 0]),
    ((3, 4, 4, 3, 2), 1, 0, 2, [3, 1, 1]),
    ((3, 4, 4, 3, 2), 4, 0, 2, []),
])
def test_weight_paths_with_a_path_colours_only_it_and_labels_its_activations(
        sizes, layer, j, k, path):
    fig = backprop.weight_paths(sizes, layer, j, k, path=path)
    columns = neuron_columns(fig)
    chain = [columns[layer][j].center] + [columns[layer + 1 + t][q].center
                                          for t, q in enumerate(path)]
    blue = coloured_segments(fig, PALETTE[0])
    assert as_keys(blue) == as_keys([np.array(pair) for pair in zip(chain, chain[1:])])
    into_cost = [a for a in parts(fig, FancyArrowPatch) if a.get_edgecolor() == BLUE]
    assert len(into_cost) == 1 and on_rim(ends(into_cost[0])[0], columns[-1][path[-1] if path
                                                                          else j])
    # one activation label per neuron on the path, named as in the chapter's sum over paths:
    # a^l_j, a^{l+1}_q, ..., a^{L-2}_p, a^{L-1}_n, a^L_m
    labels = [t for t in fig.axes[0].texts if t.get_text().startswith("$a^")]
    assert len(labels) == len(chain)
    assert labels[0].get_text() == ("$a^{l}_j$" if layer < len(sizes) - 1 else "$a^{L}_j$")
    if path:
        assert labels[-1].get_text() == "$a^{L}_m$"
    if len(path) > 1:
        assert labels[1].get_text() == "$a^{l+1}_q$"
    if len(path) > 2:
        assert labels[-2].get_text().endswith("_n$")
    indices = [label.get_text()[-2] for label in labels]
    assert len(set(indices)) == len(indices)  # no two neurons share a name
    # each label sits next to its own neuron and clear of the coloured path and changed weight
    lines = blue + thick_lines(fig)
    for label, centre in zip(labels, chain):
        box = extent(fig, label)
        nearest = np.clip(centre, box[:2], box[2:])
        assert np.hypot(*(nearest - centre)) < 0.3
        assert not any(crosses(line, box) for line in lines), label.get_text()
        for circle in parts(fig, Circle):
            gap = np.hypot(*(np.clip(circle.center, box[:2], box[2:]) - circle.center))
            assert gap > circle.radius - 1e-9, label.get_text()


@pytest.mark.parametrize("kwargs, message", [
    ({"layer": 0}, r"layer must be an integer from 1 to 4 .*got 0"),
    ({"layer": 5}, "layer must be an integer from 1 to 4"),
    ({"layer": True}, "layer must be an integer from 1 to 4"),
    ({"j": 4}, r"j must be an integer from 0 to 3 \(a neuron of layer 2\); got 4"),
    ({"k": -1}, r"k must be an integer from 0 to 3 \(a neuron of layer 1\); got -1"),
    ({"k": 1.0}, "k must be an integer"),
    ({"path": [0]}, r"path must list one neuron per layer after layer 2 \(2\); got 1"),
    ({"path": [0, 2]}, r"path must be an integer from 0 to 1 \(a neuron of layer 4, for "
                       r"path\[1\]\); got 2"),
    ({"path": 3}, "path must list one neuron per layer after layer 2"),
    ({"sizes": (3, 4, 4, 3, 9)}, "at most 8 neurons per layer"),
])
def test_weight_paths_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        backprop.weight_paths(**kwargs)


@pytest.mark.parametrize("sizes", [(3, 4, 3), (2, 5, 1), (3, 8)])
def test_cost_of_outputs_feeds_each_output_activation_and_a_fixed_target_into_c(sizes):
    fig = backprop.cost_of_outputs(sizes)
    columns = neuron_columns(fig)
    assert [len(column) for column in columns] == list(sizes)
    assert connections(fig) == sum(a * b for a, b in zip(sizes, sizes[1:]))  # all faint
    assert coloured_segments(fig, backprop.FAINT) and not coloured_segments(fig, PALETTE[0])
    (cost,) = parts(fig, FancyBboxPatch)
    box = cost.get_bbox()
    blue = [ends(a) for a in parts(fig, FancyArrowPatch) if a.get_edgecolor() == BLUE]
    assert len(blue) == sizes[-1]
    for (tail, head), neuron in zip(sorted(blue, key=lambda e: -e[0][1]), columns[-1]):
        assert on_rim(tail, neuron) and head[0] == pytest.approx(box.x0)  # output -> C
    (grey,) = [ends(a) for a in parts(fig, FancyArrowPatch) if a.get_edgecolor() != BLUE]
    assert grey[1][1] == pytest.approx(box.y1)  # y comes in from above
    labels = texts(fig)
    assert [label for label in labels if label.startswith("$a^L_")] == [
        f"$a^L_{{{j}}}$" for j in range(1, sizes[-1] + 1)]
    assert {"$y$ (fixed)", "$C = C(a^L)$", "$C$", "layer $L$"} <= set(labels)


def test_cost_of_outputs_rejects_sizes_it_cannot_draw():
    with pytest.raises(ValueError, match="at most 8 neurons per layer"):
        backprop.cost_of_outputs((3, 9))
    with pytest.raises(ValueError, match="sizes must list at least two"):
        backprop.cost_of_outputs((3,))


@pytest.mark.parametrize("sizes, layer, j, k", [((3, 4, 4, 3, 2), 2, 1, 1),
                                                ((2, 8, 3, 5, 4, 1), 1, 7, 0)])
@pytest.mark.parametrize("stage", backprop.STAGES)
def test_weight_change_follows_the_change_one_stage_at_a_time(sizes, layer, j, k, stage):
    q = 2 if stage == "one neuron" else None
    fig = backprop.weight_change(sizes, layer, j, k, stage=stage, q=q)
    columns = neuron_columns(fig)
    assert [len(column) for column in columns] == list(sizes)
    (thick,) = thick_lines(fig)
    np.testing.assert_allclose(thick, [columns[layer - 1][k].center, columns[layer][j].center])
    blue, faint = coloured_segments(fig, PALETTE[0]), coloured_segments(fig, backprop.FAINT)
    assert len(blue) + len(faint) + 1 == sum(a * b for a, b in zip(sizes, sizes[1:]))
    reached = {"weight": [], "activation": [], "next layer": list(range(sizes[layer + 1])),
               "one neuron": [q]}[stage]
    assert as_keys(blue) == as_keys([np.array([columns[layer][j].center,
                                               columns[layer + 1][p].center]) for p in reached])
    shaded = {(i, p) for i, column in enumerate(columns) for p, c in enumerate(column)
              if c.get_facecolor() != to_rgba("white")}
    assert shaded == ({(layer, j)} if stage != "weight" else set()) | {(layer + 1, p)
                                                                        for p in reached}
    # nothing has reached the cost yet: its arrows are all faint
    assert not [a for a in parts(fig, FancyArrowPatch) if a.get_edgecolor() == BLUE]
    changes = [t for t in fig.axes[0].texts if t.get_text().startswith(r"$\Delta a")]
    expected = {"weight": [], "activation": [r"$\Delta a^{l}_j$"],
                "next layer": [r"$\Delta a^{l}_j$", r"$\Delta a^{l+1}$"],
                "one neuron": [r"$\Delta a^{l}_j$", r"$\Delta a^{l+1}_q$"]}[stage]
    assert [t.get_text() for t in changes] == expected
    lines = blue + thick_lines(fig)
    for label in changes:  # clear of the changed weight and of the coloured connections
        assert not any(crosses(line, extent(fig, label)) for line in lines), label.get_text()
    assert {r"$\Delta w^l_{jk}$", "layer $l$", "layer $L$"} <= set(texts(fig))


@pytest.mark.parametrize("kwargs, message", [
    ({"stage": "cost"}, r"stage must be one of 'weight', 'activation', 'next layer', "
                        r"'one neuron'; got 'cost'"),
    ({"stage": "next layer", "layer": 4}, r"layer must be below the output layer \(4\)"),
    ({"stage": "one neuron"}, "q must name the neuron of layer 3"),
    ({"stage": "one neuron", "q": 3}, r"q must be an integer from 0 to 2 \(a neuron of layer 3\)"),
    ({"stage": "activation", "q": 0}, "q is used only with stage 'one neuron'"),
    ({"layer": 0}, "layer must be an integer from 1 to 4"),
    ({"j": 4}, r"j must be an integer from 0 to 3 \(a neuron of layer 2\); got 4"),
    ({"sizes": (3, 4, 4, 3, 9)}, "at most 8 neurons per layer"),
])
def test_weight_change_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        backprop.weight_change(**kwargs)


# --- chapter 3: dropout, and gradient descent in a valley --------------------------------------

def is_dashed(circle: Circle) -> bool:
    return circle.get_linestyle() not in ("-", "solid")


def touches(segment: np.ndarray, circle: Circle) -> bool:
    return any(np.allclose(end, circle.center) for end in segment)


def test_network_draws_dropped_neurons_dashed_and_crossed_out_without_connections():
    dropped = [(1, 1), (1, 2), (1, 4), (2, 0), (2, 3), (2, 5)]  # half of each hidden layer
    fig = diagrams.network([6, 6, 6, 2], dropped=dropped)
    columns = neuron_columns(fig)
    assert [len(column) for column in columns] == [6, 6, 6, 2]  # still drawn, all of them
    off = [columns[layer][j] for layer, j in dropped]
    on = [circle for column in columns for circle in column if circle not in off]
    assert all(is_dashed(circle) for circle in off)
    assert not any(is_dashed(circle) for circle in on)
    # every connection between two kept neurons, none touching a dropped one
    segments = [np.asarray(segment) for c in fig.axes[0].collections
                if isinstance(c, LineCollection) for segment in c.get_segments()]
    assert len(segments) == 6 * 3 + 3 * 3 + 3 * 2
    assert not any(touches(segment, circle) for segment in segments for circle in off)
    # a cross of two short lines inside each dropped circle
    crosses = [np.column_stack(line.get_data()) for line in fig.axes[0].get_lines()]
    assert len(crosses) == 2 * len(off)
    for circle in off:
        inside = [cross for cross in crosses
                  if np.all(np.hypot(*(cross - circle.center).T) < circle.radius)]
        assert len(inside) == 2
    # without dropped, the same network is unchanged: every neuron solid, every connection
    full = diagrams.network([6, 6, 6, 2])
    assert connections(full) == 6 * 6 + 6 * 6 + 6 * 2
    assert not any(is_dashed(circle) for column in neuron_columns(full) for circle in column)


def test_network_dropped_works_with_elided_layers_and_highlight():
    fig = diagrams.network([784, 30, 10], dropped=[(1, 0), (1, 27)])
    columns = neuron_columns(fig)
    assert is_dashed(columns[1][0]) and is_dashed(columns[1][-3])  # neuron 27 of 26..29
    assert connections(fig) == 8 * 6 + 6 * 8
    fig = diagrams.network([3, 4, 1], highlight=(1, 0, 2), dropped=[(1, 3)])
    assert connections(fig) == 3 * 3 + 3 * 1 and len(thick_lines(fig)) == 1


@pytest.mark.parametrize("dropped, message", [
    ([(1, 5)], r"dropped must list \(layer, neuron\) pairs of shown neurons"),  # elided
    ([(3, 0)], r"dropped must list \(layer, neuron\) pairs of shown neurons"),
    ([(1, -1)], r"dropped must list \(layer, neuron\) pairs of shown neurons"),
    ([(True, 0)], r"dropped must list \(layer, neuron\) pairs of shown neurons"),
    ([1, 2], r"dropped must be a list of \(layer, neuron\) pairs"),
    ([(1, 2, 3)], r"dropped must be a list of \(layer, neuron\) pairs"),
])
def test_network_rejects_bad_dropped_neurons(dropped, message):
    with pytest.raises(ValueError, match=message):
        diagrams.network([784, 15, 10], dropped=dropped)


def test_network_will_not_highlight_a_connection_of_a_dropped_neuron():
    for dropped in ([(0, 2)], [(1, 0)]):
        with pytest.raises(ValueError, match="highlight must join two neurons that are not "
                                             "dropped"):
            diagrams.network([3, 4, 1], highlight=(1, 0, 2), dropped=dropped)


def test_ball_in_valley_draws_real_gradient_descent_steps_zigzagging_across_the_valley():
    fig = descent.ball_in_valley()
    arrows = parts(fig, FancyArrowPatch)
    steps = [ends(arrow) for arrow in arrows]
    assert len(steps) >= 5
    # consecutive steps: each starts where the last one ended, at the ball for the first
    for (_, head), (tail, _) in zip(steps, steps[1:]):
        np.testing.assert_allclose(tail, head)
    (ball,) = parts(fig, Circle)
    np.testing.assert_allclose(steps[0][0], ball.center)
    # each step is -eta grad C of one quadratic valley centred on the ellipses' centre: the
    # same fraction of each coordinate every step, far larger across the valley (v2) than along
    centre = np.asarray(parts(fig, Ellipse)[0].center)
    tails = np.array([tail for tail, _ in steps]) - centre
    moves = np.array([head - tail for tail, head in steps])
    along, across = -moves[:, 0] / tails[:, 0], -moves[:, 1] / tails[:, 1]
    np.testing.assert_allclose(along, along[0])
    np.testing.assert_allclose(across, across[0])
    assert 0 < along[0] < 0.3 and 1 < across[0] < 2  # overshoots across, yet converges
    assert np.all(np.diff(np.sign(tails[:, 1])) != 0)  # from one wall to the other
    assert np.all(np.diff(np.abs(tails[:, 0])) < 0)  # slowly along the floor
    # the ellipses are contours of that valley: narrow across, as the step sizes say
    ellipses = [e for e in parts(fig, Ellipse) if not isinstance(e, Circle)]
    for ellipse in ellipses:
        assert ellipse.width / ellipse.height == pytest.approx(np.sqrt(across[0] / along[0]))
    assert any("nabla C" in text for text in texts(fig))


def test_ball_in_valley_with_momentum_rolls_a_ball_faster_and_faster_down_a_slope():
    fig = descent.ball_in_valley(momentum=True)
    balls = sorted(parts(fig, Circle), key=lambda c: c.center[0])
    assert len(balls) >= 3
    gaps = np.hypot(*np.diff([ball.center for ball in balls], axis=0).T)
    assert np.all(np.diff(gaps) > 0)  # the ball gathers speed: equal time steps, longer gaps
    assert np.all(np.diff([ball.center[1] for ball in balls]) < 0)  # downhill
    now = balls[-1]
    assert to_rgba(now.get_facecolor()) == ORANGE  # the ball now; the earlier ones faded
    (arrow,) = parts(fig, FancyArrowPatch)
    tail, head = ends(arrow)
    direction = (head - tail) / np.hypot(*(head - tail))
    last_move = np.subtract(balls[-1].center, balls[-2].center)
    assert direction[0] > 0 and direction[1] < 0  # on, down the slope
    assert np.hypot(*(tail - now.center)) < 2 * now.radius  # starting at the ball
    (ground,) = parts(fig, PathPatch)
    assert not ground.get_path().contains_point(now.center)  # on top of it, not in it
    labels = texts(fig)
    assert "velocity $v$" in labels
    assert any(r"\mu v - \eta \nabla C" in label for label in labels)
    assert np.dot(direction, last_move / np.hypot(*last_move)) > 0.9


# --- chapter 5: the chain of single neurons -----------------------------------------------------

@pytest.mark.parametrize("n", [1, 4, 7])
def test_chain_draws_n_neurons_in_a_row_joined_by_labelled_arrows_into_the_cost(n):
    fig = diagrams.chain(n)
    circles = sorted(parts(fig, Circle), key=lambda c: c.center[0])
    assert len(circles) == n
    assert len({c.center[1] for c in circles}) == 1  # one row
    assert len(parts(fig, FancyBboxPatch)) == 1  # the cost
    assert len(parts(fig, FancyArrowPatch)) == n + 1  # input -> 1 -> ... -> n -> C
    labels = texts(fig)
    assert labels.count("input") == 1 and labels.count("$C$") == 1
    assert sorted(t for t in labels if t.startswith("$b_")) == sorted(
        f"$b_{{{j}}}$" for j in range(1, n + 1))
    assert sorted(t for t in labels if t.startswith("$w_")) == sorted(
        f"$w_{{{j}}}$" for j in range(1, n + 1))
    # bias j is written inside neuron j, counting from the left
    for j, circle in enumerate(circles, start=1):
        (inside,) = [t for t in fig.axes[0].texts if t.get_text() == f"$b_{{{j}}}$"]
        assert inside.get_position() == pytest.approx(circle.center)


@pytest.mark.parametrize("n", [0, 8, 2.0, True, "4"])
def test_chain_rejects_a_bad_number_of_neurons(n):
    with pytest.raises(ValueError, match=r"n must be an integer from 1 to 7"):
        diagrams.chain(n)
