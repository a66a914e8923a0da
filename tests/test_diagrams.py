"""Tests for nnbook.diagrams: what each diagram draws, its house style, and its argument checks."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, PathPatch
from matplotlib.text import Text

from nnbook import diagrams


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
               diagrams.half_adder(perceptrons=True), diagrams.face_detector(detail=True)]
    for fig in figures:
        assert fig.canvas.manager is None  # not created through pyplot
        assert to_rgba(fig.get_facecolor()) == (1.0, 1.0, 1.0, 1.0)
        sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text()]
        assert sizes and min(sizes) >= 10
        # cropped to the drawing, one data unit per inch, so sizes match across diagrams
        (ax,) = fig.axes
        assert np.ptp(ax.get_xlim()) == pytest.approx(fig.get_figwidth())
        assert np.ptp(ax.get_ylim()) == pytest.approx(fig.get_figheight())
        assert 1.0 < fig.get_figwidth() < 9.0 and 0.5 < fig.get_figheight() < 7.0


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
    point = diagrams._rim((1.0, 2.0), (4.0, 6.0), 0.5)
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
