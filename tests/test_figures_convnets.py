"""Tests for chapter 6's figures: the diagrams of nnbook.figures.convolution (receptive fields,
feature maps, max-pooling, a network's layers) and the data figures of nnbook.figures.convnets
(filters, digits, the progression, curves, adversarial examples, costs): what each draws, the
house style, and the argument checks."""

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
from nnbook.figures import convnets, convolution


@pytest.fixture(scope="module")
def pictures() -> np.ndarray:
    """Twelve made-up 'digits': random pixels in [0, 1], one per row."""
    return np.random.default_rng(0).uniform(size=(12, 784))


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
    digits = rng.uniform(size=(3, 784))
    return (
        convolution.receptive_field(), convolution.receptive_field(((20, 3), (21, 3))),
        convolution.feature_maps(), convolution.feature_maps(6),
        convolution.max_pooling(), convolution.max_pooling(rng.normal(size=(24, 24))),
        convolution.architecture([("input", "1×28×28"), ("conv-pool 20", "20×12×12"),
                                  ("conv-pool 40", "40×4×4"), ("fully connected", "100"),
                                  ("softmax", "10")]),
        convolution.architecture(convolution.architecture_of(convnet.architecture("6.11"))),
        convnets.filters(rng.normal(size=(20, 1, 5, 5))),
        convnets.filters(rng.normal(size=(2, 20, 5, 5))),
        convnets.misclassified(digits, [1, 2, 3], [7, 7, 7]),
        convnets.misclassified(np.zeros((0, 784)), [], []),
        convnets.shifted_copies(digits[0], {"up": digits[1], "down": digits[2]}),
        convnets.progression(["a", "b"], {"a": [0.98, 0.979], "b": [0.995]}, {"a": 0.978}),
        convnets.validation_curves({"a": [0.9, 0.95, 0.96]}, marks={"a": 2}, title="t"),
        convnets.adversarial([0, 0.1], {"attack": [0.99, 0.2]}),
        convnets.adversarial_examples(digits[:2], digits[1:], [1, 2], [1, 2], [1, 5]),
        convnets.experiment_costs(["a", "b"], [10.0, 200.0], [0.5, 3.0]),
    )


# --- house style and boundaries --------------------------------------------------------------

def test_the_chapter_6_figures_import_nothing_that_trains():
    code = ("import sys\n"
            "from nnbook.figures import convnets, convolution\n"
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
    for (_row, col), field, neuron in zip(offsets, fields, neurons):
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


# --- filters and digits ----------------------------------------------------------------------

def test_filters_draws_each_filter_on_its_own_symmetric_grey_scale():
    w = np.random.default_rng(2).normal(size=(20, 1, 5, 5))
    w[3] = 0.0  # a dead filter still draws
    fig = convnets.filters(w, ncols=10)
    assert len(fig.axes) == 20
    for i, ax in enumerate(fig.axes):
        (image,) = ax.get_images()
        np.testing.assert_array_equal(image.get_array(), w[i, 0])
        m = np.abs(w[i]).max() or 1.0
        assert image.get_clim() == (-m, m)
        assert image.get_cmap().name == "gray_r"
        assert not ax.get_xticks().size and not ax.get_yticks().size
        assert ax.get_title() == str(i + 1)
    assert len({round(ax.get_position().y0, 6) for ax in fig.axes}) == 2


def test_filters_of_several_channels_draw_one_row_per_filter_on_one_scale_each():
    w = np.random.default_rng(2).normal(size=(3, 4, 5, 5))
    fig = convnets.filters(w)
    assert len(fig.axes) == 12
    for k, ax in enumerate(fig.axes):
        i, c = divmod(k, 4)
        (image,) = ax.get_images()
        np.testing.assert_array_equal(image.get_array(), w[i, c])
        assert image.get_clim() == (-np.abs(w[i]).max(), np.abs(w[i]).max())
    assert len(convnets.filters(w[:, 0]).axes) == 3  # (n, k, k): one channel


@pytest.mark.parametrize("bad, message", [
    (np.zeros((20, 1, 5, 4)), "weights must have shape"), (np.zeros(20), "weights must have shape"),
    (np.full((2, 1, 5, 5), np.nan), "finite"), (np.zeros((30, 21, 5, 5)), "at most 20 channels"),
    ("filters", "weights must have shape"), (None, "weights must have shape"),
])
def test_filters_rejects_weights_it_cannot_draw(bad, message):
    with pytest.raises(ValueError, match=message):
        convnets.filters(bad)
    with pytest.raises(ValueError, match="ncols must be an integer >= 1"):
        convnets.filters(np.zeros((2, 1, 5, 5)), ncols=0)


def test_misclassified_writes_the_true_label_top_right_and_the_answer_bottom_right(pictures):
    labels, predicted = list(range(10)) + [3, 4], [5] * 11 + [9]
    fig = convnets.misclassified(pictures, labels, predicted, ncols=5)
    assert len(fig.axes) == 12
    assert len({round(ax.get_position().y0, 6) for ax in fig.axes}) == 3
    for ax, pixels, label, guess in zip(fig.axes, pictures, labels, predicted):
        np.testing.assert_array_equal(ax.get_images()[0].get_array(), pixels.reshape(28, 28))
        (true,) = [t for t in ax.texts if t.get_gid() == "true"]
        (answer,) = [t for t in ax.texts if t.get_gid() == "predicted"]
        assert (true.get_text(), answer.get_text()) == (str(label), str(guess))
        assert true.get_position()[0] > 1 and answer.get_position()[0] > 1  # to the right
        assert true.get_position()[1] > answer.get_position()[1]
        assert to_rgba(true.get_color()) != to_rgba(answer.get_color())
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["true label (top right)", "network's answer (bottom right)"]


def test_misclassified_copes_with_none_and_with_120_digits_in_any_shape(pictures):
    empty = convnets.misclassified(np.zeros((0, 784)), [], [])
    assert not empty.axes and "No misclassified digits." in [t.get_text() for t in empty.texts]
    assert not convnets.misclassified([], [], []).axes
    many = np.tile(pictures, (10, 1)).reshape(120, 1, 28, 28)
    fig = convnets.misclassified(many, [1] * 120, np.full(120, 7), ncols=11)
    assert len(fig.axes) == 120 and fig.get_figwidth() <= 7.0
    assert len({round(ax.get_position().x0, 6) for ax in fig.axes}) == 11
    assert len(convnets.misclassified(pictures[:2].reshape(2, 28, 28), [1, 2], [3, 4]).axes) == 2


@pytest.mark.parametrize("images, labels, predicted, message", [
    (np.zeros((2, 784)), [1], [1, 2], "labels must have one label per image"),
    (np.zeros((2, 784)), [1, 2], [1.5, 2], "predicted must hold integer"),
    (np.full((1, 784), 255.0), [1], [2], r"images must hold pixel values in \[0, 1\]"),
    (np.full((1, 784), np.nan), [1], [2], r"images must hold finite pixel values"),
    (np.zeros((1, 783)), [1], [2], r"images must be non-empty, with one digit per row"),
    (np.zeros((201, 784)), [1] * 201, [2] * 201, "at most 200"),
])
def test_misclassified_rejects_mismatched_or_malformed_inputs(images, labels, predicted, message):
    with pytest.raises(ValueError, match=message):
        convnets.misclassified(images, labels, predicted)


def test_shifted_copies_titles_each_copy_and_boxes_the_originals_ink_on_every_panel():
    image = np.zeros((28, 28))
    image[8:20, 10:16] = 1.0
    up, right = np.roll(image, -1, axis=0), np.roll(image, 1, axis=1)
    for shifted in ({"up": up, "right": right}, [("up", up.ravel()), ("right", right)]):
        fig = convnets.shifted_copies(image.ravel(), shifted)
        assert [ax.get_title() for ax in fig.axes] == ["original", "up", "right"]
        for ax, pixels in zip(fig.axes, (image, up, right)):
            np.testing.assert_array_equal(ax.get_images()[0].get_array(), pixels)
            (box,) = [p for p in ax.patches if p.get_gid() == "ink"]
            assert (box.get_x(), box.get_y(), box.get_width(), box.get_height()) == \
                (9.5, 7.5, 6, 12)


def test_shifted_copies_rejects_no_copies_and_malformed_digits():
    image = np.zeros(784)
    with pytest.raises(ValueError, match="shifted must be a mapping"):
        convnets.shifted_copies(image, {})
    with pytest.raises(ValueError, match=r"shifted\['up'\] must be one digit"):
        convnets.shifted_copies(image, {"up": np.zeros(783)})
    for bad in (np.zeros((2, 784)), "seven", None):
        with pytest.raises(ValueError, match="image must be one digit"):
            convnets.shifted_copies(bad, {"up": image})


# --- accuracies ------------------------------------------------------------------------------

NAMES = ["6.1", "6.2", "6.3", "ensemble"]
OURS = {"6.1": [0.9780, 0.9791], "6.2": [0.9881, 0.9873, 0.9870], "6.3": [0.9910],
        "ensemble": [0.9967, 0.9966]}
ORIGINAL = {"6.1": 0.9782, "6.2": 0.9870, "6.3": None}


def test_progression_plots_the_error_rate_in_percent_on_a_log_axis():
    fig = convnets.progression(NAMES, OURS, ORIGINAL, labels=["FC", "CP", "CP CP", "vote"])
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    by_label = {line.get_label(): line for line in ax.get_lines()}
    best = by_label["ours (best)"]
    np.testing.assert_allclose(best.get_ydata(), [100 * (1 - max(OURS[n])) for n in NAMES])
    runs = [line for line in ax.get_lines() if line.get_markerfacecolor() == "white"]
    np.testing.assert_allclose(np.concatenate([line.get_ydata() for line in runs]),
                               [100 * (1 - a) for n in NAMES for a in OURS[n]])
    original = by_label["original"]  # only where the original reports a value
    np.testing.assert_allclose(original.get_ydata(), [100 * (1 - 0.9782), 100 * (1 - 0.9870)])
    assert np.all(np.diff(original.get_xdata()) > 0)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "ours (each run)", "ours (best)", "original"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["FC", "CP", "CP CP", "vote"]
    low, high = ax.get_ylim()
    assert low < 0.33 and high > 2.2
    assert all(label.get_text().endswith(" %") for label in ax.get_yticklabels())


def test_progression_draws_no_original_marker_when_it_has_none():
    fig = convnets.progression(["x"], {"x": [0.99]}, {})
    assert "original" not in [line.get_label() for line in fig.axes[0].get_lines()]


@pytest.mark.parametrize("kwargs, message", [
    ({"ours": {**OURS, "6.1": [97.8]}}, r"ours\['6.1'\] must hold accuracies as fractions"),
    ({"ours": {"6.1": [0.9]}}, "ours must have an entry for every name; '6.2' is missing"),
    ({"ours": {**OURS, "6.3": [1.0]}}, "below 1"),
    ({"ours": {**OURS, "6.3": [np.nan]}}, "finite"),
    ({"ours": {**OURS, "6.3": []}}, "non-empty list"),
    ({"original": {"6.1": 97.82}}, r"original\['6.1'\] must be a fraction"),
    ({"names": ["6.1", "6.1"]}, "must not repeat"),
    ({"names": []}, "names must be a non-empty list"),
    ({"labels": ["a"]}, "labels must give one label per name"),
])
def test_progression_rejects_malformed_accuracies(kwargs, message):
    arguments = {"names": NAMES, "ours": OURS, "original": ORIGINAL, **kwargs}
    with pytest.raises(ValueError, match=message):
        convnets.progression(**arguments)


def test_validation_curves_draw_percent_per_epoch_zoomed_in_with_a_marked_epoch():
    tanh = [0.5] + [0.97 + 0.0004 * i for i in range(30)]
    fig = convnets.validation_curves({"sigmoid": [0.96, 0.975, 0.98], "tanh": tanh},
                                     marks={"tanh": 20})
    (ax,) = fig.axes
    sigmoid, curve = ax.get_lines()[:2]
    np.testing.assert_allclose(sigmoid.get_ydata(), [96.0, 97.5, 98.0])
    np.testing.assert_array_equal(sigmoid.get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(curve.get_ydata(), 100 * np.array(tanh))
    low, high = ax.get_ylim()
    assert 90 < low < 97 and 98.2 < high <= 100  # the 50 % of epoch 1 is below the view
    (mark,) = [line for line in ax.get_lines() if line.get_gid() == "mark"]
    assert list(mark.get_xdata()) == [20, 20] and mark.get_color() == curve.get_color()
    assert " epoch 20" in [t.get_text() for t in ax.texts]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["sigmoid", "tanh"]


@pytest.mark.parametrize("curves, marks, message", [
    ({}, None, "curves must be a non-empty mapping"),
    ({"a": [96.0]}, None, r"curves\['a'\] must hold accuracies as fractions"),
    ({"a": [0.9, np.nan]}, None, "finite"),
    ({"a": [0.9, 0.95]}, {"b": 1}, "marks must name curves; 'b'"),
    ({"a": [0.9, 0.95]}, {"a": 3}, r"marks\['a'\] must be an epoch of that curve, from 1 to 2"),
    ({"a": [0.9, 0.95]}, {"a": 0}, r"marks\['a'\] must be an integer >= 1"),
])
def test_validation_curves_reject_malformed_curves_and_marks(curves, marks, message):
    with pytest.raises(ValueError, match=message):
        convnets.validation_curves(curves, marks=marks)


# --- adversarial examples --------------------------------------------------------------------

def test_adversarial_plots_accuracy_in_percent_against_epsilon_beside_chance():
    eps = [0.0, 0.1, 0.2, 0.3]
    accuracies = {"fast-gradient sign": [0.99, 0.6, 0.1, 0.02],
                  "random sign noise": [0.99, 0.98, 0.96, 0.92]}
    fig = convnets.adversarial(eps, accuracies)
    (ax,) = fig.axes
    attack, noise, chance = ax.get_lines()
    np.testing.assert_allclose(attack.get_xdata(), eps)
    np.testing.assert_allclose(attack.get_ydata(), [99, 60, 10, 2])
    np.testing.assert_allclose(noise.get_ydata(), [99, 98, 96, 92])
    assert list(chance.get_ydata()) == [10, 10]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "fast-gradient sign", "random sign noise", "chance: 10 %"]
    assert ax.get_ylim() == (0, 103) and "ε" in ax.get_xlabel()


@pytest.mark.parametrize("eps, accuracies, message", [
    ([0.0, 0.1], {"a": [0.9]}, r"accuracies\['a'\] must have one accuracy per epsilon \(2\)"),
    ([0.1, 0.0], {"a": [0.9, 0.8]}, "epsilons must be non-negative and increasing"),
    ([-0.1, 0.0], {"a": [0.9, 0.8]}, "epsilons must be non-negative and increasing"),
    ([0.0, 0.1], {"a": [90, 80]}, r"accuracies\['a'\] must hold accuracies as fractions"),
    ([], {"a": []}, "epsilons must be a non-empty list"),
    ([0.0], {}, "accuracies must be a non-empty mapping"),
])
def test_adversarial_rejects_malformed_series(eps, accuracies, message):
    with pytest.raises(ValueError, match=message):
        convnets.adversarial(eps, accuracies)


def test_adversarial_examples_show_each_digit_before_and_after_with_the_answers(pictures):
    before, after = pictures[:3], pictures[3:6]
    fig = convnets.adversarial_examples(before, after, [7, 2, 1], [7, 2, 1], [3, 2, 8])
    assert len(fig.axes) == 6
    for col in range(3):
        top_ax, bottom_ax = fig.axes[col], fig.axes[3 + col]
        np.testing.assert_array_equal(top_ax.get_images()[0].get_array(),
                                      before[col].reshape(28, 28))
        np.testing.assert_array_equal(bottom_ax.get_images()[0].get_array(),
                                      after[col].reshape(28, 28))
        assert top_ax.get_title() == f"label {[7, 2, 1][col]}"
        assert top_ax.get_position().y0 > bottom_ax.get_position().y1
    assert [ax.get_xlabel() for ax in fig.axes] == [
        "net: 7", "net: 2", "net: 1", "net: 3\n✗ wrong", "net: 2", "net: 8\n✗ wrong"]
    wrong, right = fig.axes[3].xaxis.label, fig.axes[4].xaxis.label
    assert to_rgba(wrong.get_color()) == to_rgba(convnets.PREDICTED) != to_rgba(right.get_color())
    assert (fig.axes[0].get_ylabel(), fig.axes[3].get_ylabel()) == ("original", "perturbed")


def test_adversarial_examples_reject_mismatched_inputs(pictures):
    with pytest.raises(ValueError, match=r"perturbed must have one digit per image \(2\)"):
        convnets.adversarial_examples(pictures[:2], pictures[:3], [1, 2], [1, 2], [1, 2])
    with pytest.raises(ValueError, match="predicted_after must have one label per image"):
        convnets.adversarial_examples(pictures[:2], pictures[:2], [1, 2], [1, 2], [1])
    with pytest.raises(ValueError, match="at most 8 examples"):
        convnets.adversarial_examples(pictures[:9], pictures[:9], *[[1] * 9] * 3)


# --- costs -----------------------------------------------------------------------------------

def test_experiment_costs_draws_two_bar_panels_annotated_at_the_bar_ends():
    names = ["6.1", "6.2", "6.11"]
    fig = convnets.experiment_costs(names, [12.5, 103.0, 640.0], [0.2, 1.5, 31.0])
    seconds, hours = fig.axes
    np.testing.assert_allclose([p.get_width() for p in seconds.patches], [12.5, 103, 640])
    np.testing.assert_allclose([p.get_width() for p in hours.patches], [0.2, 1.5, 31])
    assert [t.get_text() for t in seconds.get_yticklabels()] == names
    assert seconds.yaxis_inverted()  # the first name on top
    assert [t.get_text() for t in seconds.texts] == ["12.5 s", "103 s", "640 s"]
    assert [t.get_text() for t in hours.texts] == ["0.2 h", "1.5 h", "31 h"]
    for ax in (seconds, hours):
        for bar, text in zip(ax.patches, ax.texts):
            assert text.get_position()[0] >= bar.get_width()
        assert ax.get_xlim()[1] > max(p.get_width() for p in ax.patches)


@pytest.mark.parametrize("seconds, hours, message", [
    ([1.0], [1.0, 2.0], "seconds_per_epoch must be 2 non-negative numbers"),
    ([1.0, 2.0], [1.0, -2.0], "core_hours must be 2 non-negative numbers"),
    ([1.0, np.nan], [1.0, 2.0], "seconds_per_epoch must hold finite numbers"),
])
def test_experiment_costs_rejects_mismatched_numbers(seconds, hours, message):
    with pytest.raises(ValueError, match=message):
        convnets.experiment_costs(["a", "b"], seconds, hours)
    with pytest.raises(ValueError, match="names must be a non-empty list"):
        convnets.experiment_costs([], [], [])
