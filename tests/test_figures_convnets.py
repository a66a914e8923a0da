"""Tests for chapter 6's figures: the diagrams of nnbook.figures.convolution (receptive fields,
feature maps, max-pooling, a network's layers): what each draws, the house style, and the
argument checks."""

from __future__ import annotations

import functools
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.text import Text

from nnbook import convnet
from nnbook.figures import convolution


def gid(fig: Figure, name: str) -> list:
    """The patches of a diagram's single axes that carry the gid ``name``, in drawing order."""
    (ax,) = fig.axes
    return [patch for patch in ax.patches if patch.get_gid() == name]


def texts(fig: Figure) -> list[str]:
    return [text.get_text() for text in fig.axes[0].texts]


def top(rect) -> float:
    return rect.get_y() + rect.get_height()


@functools.cache
def every_figure() -> tuple[Figure, ...]:
    """One of each figure, the diagrams first (drawn once for the tests that share them)."""
    rng = np.random.default_rng(1)
    return (
        convolution.receptive_field(), convolution.receptive_field(((20, 3), (21, 3))),
        convolution.feature_maps(), convolution.feature_maps(6),
        convolution.max_pooling(), convolution.max_pooling(rng.normal(size=(24, 24))),
        convolution.architecture([("input", "1×28×28"), ("conv-pool 20", "20×12×12"),
                                  ("conv-pool 40", "40×4×4"), ("fully connected", "100"),
                                  ("softmax", "10")]),
        convolution.architecture(convolution.architecture_of(convnet.architecture("6.11"))),
    )


# --- house style and boundaries --------------------------------------------------------------

def test_the_chapter_6_figures_import_nothing_that_trains():
    code = ("import sys\n"
            "from nnbook.figures import convolution\n"
            "print(sorted(m for m in sys.modules if m.startswith(('nnbook.network',\n"
            "      'nnbook.train', 'nnbook.studies', 'nnbook.runs', 'nnbook.convnet',\n"
            "      'nnbook.layers'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_every_figure_is_plain_opaque_white_phone_wide_with_fonts_of_10pt_or_more():
    for fig in every_figure():
        assert isinstance(fig, Figure)
        assert fig.canvas.manager is None  # not made through pyplot
        assert to_rgba(fig.get_facecolor()) == (1.0, 1.0, 1.0, 1.0)
        assert fig.get_figwidth() <= 7.0 + 1e-9
        fig.draw_without_rendering()
        sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text()]
        assert sizes and min(sizes) >= 10


def test_the_diagrams_are_one_inch_per_unit_and_keep_every_text_inside():
    for fig in every_figure()[:8]:
        (ax,) = fig.axes
        assert np.ptp(ax.get_xlim()) == pytest.approx(fig.get_figwidth())
        assert np.ptp(ax.get_ylim()) == pytest.approx(fig.get_figheight())
        fig.draw_without_rendering()
        for text in ax.texts:
            box = text.get_window_extent()
            assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1, text.get_text()
            assert fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1, text.get_text()


# --- receptive fields and feature maps -------------------------------------------------------

@pytest.mark.parametrize("offsets", [((0, 0), (0, 1)), ((2, 3), (3, 3), (3, 4)), ((20, 23),)])
def test_receptive_field_highlights_a_5x5_field_at_each_offset_and_the_neuron_it_feeds(offsets):
    fig = convolution.receptive_field(offsets)
    fields, neurons = gid(fig, "field"), gid(fig, "neuron")
    assert len(fields) == len(neurons) == len(offsets)
    cell = neurons[0].get_width()
    hidden_left = neurons[0].get_x() - offsets[0][1] * cell
    for (row, col), field, neuron in zip(offsets, fields, neurons):
        assert field.get_width() == pytest.approx(5 * cell)
        assert field.get_height() == pytest.approx(5 * cell)
        assert field.get_x() == pytest.approx(col * cell)  # the input grid starts at x = 0
        assert neuron.get_x() - hidden_left == pytest.approx(col * cell)
        # the field and its neuron start on the same row of their panel
        assert top(field) == pytest.approx(top(neuron))
        assert field.get_facecolor()[:3] == neuron.get_facecolor()[:3]
    # the panels stack downwards, each with the rows moved as the offsets say
    tops = [top(f) + row * cell for (row, _), f in zip(offsets, fields)]
    assert all(a > b for a, b in zip(tops, tops[1:]))
    assert len(gid(fig, "previous")) == 2 * (len(offsets) - 1)
    for row, col in offsets:
        assert f"field at row {row}, column {col}  →  hidden neuron ({row}, {col})" in texts(fig)
    assert any("top-left" in t for t in texts(fig)) == (max(map(max, offsets)) < 5)


@pytest.mark.parametrize("bad", [[], [(24, 0)], [(0, 0)] * 4, "ab", [(0.5, 1)], [(0, 0, 0)],
                                 [(True, 0)], 3])
def test_receptive_field_rejects_offsets_it_cannot_draw(bad):
    with pytest.raises(ValueError, match="offsets must list 1 to 3 .row, col. pairs"):
        convolution.receptive_field(bad)


@pytest.mark.parametrize("n_maps", [1, 3, 6])
def test_feature_maps_draws_each_map_fed_by_the_same_field_through_its_own_kernel(n_maps):
    fig = convolution.feature_maps(n_maps)
    maps, neurons, (field,) = gid(fig, "map"), gid(fig, "neuron"), gid(fig, "field")
    assert len(maps) == len(neurons) == n_maps
    for m, neuron in zip(maps, neurons):  # the neuron at the field's place in every map
        cell = m.get_width() / 24
        assert neuron.get_width() == pytest.approx(cell)
        assert (neuron.get_x() - m.get_x()) / cell == pytest.approx(9)
        assert (top(m) - top(neuron)) / cell == pytest.approx(4)
    assert field.get_width() == pytest.approx(5 * 0.09)
    notes = [t for t in texts(fig) if t.startswith("feature map")]
    assert len(notes) == n_maps
    assert all("shared 5 × 5 kernel" in t and "bias" in t for t in notes)
    assert len(fig.axes[0].get_lines()) == 2 * n_maps
    assert f"first hidden layer: {n_maps} × 24 × 24" in texts(fig)


@pytest.mark.parametrize("bad", [0, 7, 2.0, True, "3"])
def test_feature_maps_rejects_a_bad_number_of_maps(bad):
    with pytest.raises(ValueError, match="n_maps must be an integer"):
        convolution.feature_maps(bad)


# --- max-pooling -----------------------------------------------------------------------------

def test_max_pooling_joins_two_2x2_regions_to_their_units():
    fig = convolution.max_pooling()
    regions, units = gid(fig, "region"), gid(fig, "unit")
    assert len(regions) == len(units) == 2
    cell = units[0].get_width()
    for j, (region, unit) in enumerate(zip(regions, units)):
        assert region.get_width() == pytest.approx(2 * cell)
        assert region.get_x() == pytest.approx(2 * j * cell)
        assert top(region) == pytest.approx(top(unit))
    assert len([p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]) == 2
    assert not fig.axes[0].get_images()
    assert any("8 × 8 of the 24 × 24" in t for t in texts(fig))


def test_max_pooling_shows_each_unit_is_the_maximum_of_its_region():
    values = np.random.default_rng(3).permutation(576).reshape(24, 24) / 100 - 2.0
    fig = convolution.max_pooling(values)
    corner, pooled = [image.get_array() for image in fig.axes[0].get_images()]
    np.testing.assert_array_equal(corner, values[:8, :8])
    expected = [[max(values[2 * i + a, 2 * j + b] for a in (0, 1) for b in (0, 1))
                 for j in range(4)] for i in range(4)]
    np.testing.assert_array_equal(pooled, expected)
    # the largest value of each region is the one written in bold, in its cell
    (ax,) = fig.axes
    cell = gid(fig, "unit")[0].get_width()
    bold = [t for t in ax.texts if t.get_gid() == "max"]
    assert len(bold) == 16 and all(t.get_fontweight() == "bold" for t in bold)
    places = {(int(round(-t.get_position()[1] / cell - 0.5)), int(round(t.get_position()[0] / cell
                                                                          - 0.5))) for t in bold}
    assert {(int(np.argmax(values[r:r + 2, c:c + 2]) // 2 + r),
             int(np.argmax(values[r:r + 2, c:c + 2]) % 2 + c))
            for r in range(0, 8, 2) for c in range(0, 8, 2)} == places
    # negative values take a character, so they are written to one decimal, with a true minus
    assert f"{values[0, 0]:.1f}".replace("-", "−") in texts(fig)


def test_max_pooling_draws_a_small_map_whole_and_writes_no_minus_zero():
    values = np.array([[0.0, -0.001, 0.5, 0.25], [1.0, 0.75, -0.5, 0.125]])
    fig = convolution.max_pooling(values)
    _, pooled = [image.get_array() for image in fig.axes[0].get_images()]
    np.testing.assert_array_equal(pooled, [[1.0, 0.5]])
    assert "Each max-pooling unit is the maximum of a 2 × 2 region." in texts(fig)
    assert texts(fig)[:2] == ["0.0", "0.0"] and "−0.5" in texts(fig)  # -0.001 is no "−0.0"


@pytest.mark.parametrize("bad, message", [
    (np.zeros((24, 23)), "an even number"), (np.zeros(24), "an even number"),
    (np.full((2, 2), np.nan), "finite numbers"), ("abc", "2-D array of numbers"),
])
def test_max_pooling_rejects_a_feature_map_it_cannot_pool(bad, message):
    with pytest.raises(ValueError, match=f"feature_map must .*{message}"):
        convolution.max_pooling(bad)


# --- a network's layers ----------------------------------------------------------------------

LENET = [("input", "1×28×28"), ("conv-pool 20", "20×12×12"), ("conv-pool 40", "40×4×4"),
         ("fully connected", "100"), ("softmax", "10")]


def test_architecture_draws_one_box_per_layer_joined_left_to_right():
    fig = convolution.architecture(LENET)
    boxes = [p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == 5
    assert len({round(b.get_y(), 6) for b in boxes}) == 1  # one row
    lefts = [b.get_x() for b in boxes]
    assert lefts == sorted(lefts)
    arrows = [p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == 4
    for label, detail in LENET:
        assert label in texts(fig) and detail in texts(fig)


def test_architecture_wraps_a_long_chain_onto_a_second_row_that_fits_a_phone():
    layers = convolution.architecture_of(convnet.architecture("6.11"))
    fig = convolution.architecture(layers)
    boxes = [p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]
    rows = sorted({round(b.get_y(), 6) for b in boxes}, reverse=True)
    assert len(boxes) == 6 and len(rows) == 2
    assert fig.get_figwidth() <= 7.0
    first = [b for b in boxes if round(b.get_y(), 6) == rows[0]]
    assert len(first) == 3  # the earliest layers on the top row
    assert len([p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]) == 5


def test_architecture_of_reads_the_chapters_networks():
    assert convolution.architecture_of(convnet.architecture("6.3")) == [
        ("input", "1×28×28"), ("conv-pool 20\nsigmoid", "20×12×12"),
        ("conv-pool 40\nsigmoid", "40×4×4"), ("fully connected\nsigmoid", "100"),
        ("softmax", "10")]
    assert convolution.architecture_of(convnet.architecture("6.1"))[:2] == [
        ("input", "784"), ("fully connected\nsigmoid", "100")]
    dropout = convolution.architecture_of(convnet.architecture("6.11"))
    assert dropout[3] == ("fully connected\nReLU, dropout 0.5", "1000")
    assert dropout[-1] == ("softmax\ndropout 0.5", "10")
    assert convolution.architecture_of(convnet.architecture("6.3t"))[1][0] == "conv-pool 20\ntanh"


@pytest.mark.parametrize("bad", [[], "abc", [("a",)], [("", "x")], [("a", 3)], 5])
def test_architecture_rejects_layers_that_are_not_label_detail_pairs(bad):
    with pytest.raises(ValueError, match=r"layers must be a non-empty list of \(label, detail\)"):
        convolution.architecture(bad)


def test_architecture_of_rejects_what_is_not_a_chapter_6_network():
    with pytest.raises(ValueError, match="net must be an nnbook.convnet.Network"):
        convolution.architecture_of(object())
    net = convnet.architecture("6.2")
    net.layers = [net.layers[0], object()]
    with pytest.raises(ValueError, match=r"net.layers\[1\] must be a ConvPoolLayer"):
        convolution.architecture_of(net)
