"""Data expansion: exact pixel shifts, rotations about the centre, and expanded data sets."""

import numpy as np
import pytest

from nnbook.data import Dataset
from nnbook.expand import SHIFTS, expand, rotate, shift


def lit(row, col, side=28, dtype=np.float32):
    """One image, as a (1, side * side) row, with a single pixel at (row, col) set to 1."""
    image = np.zeros((side, side), dtype=dtype)
    image[row, col] = 1
    return image.reshape(1, -1)


def where_lit(images, side=28):
    return [tuple(int(v) for v in p) for p in np.argwhere(images.reshape(side, side) > 0.5)]


def random_images(m, seed=0, side=28):
    return np.random.default_rng(seed).random((m, side * side)).astype(np.float32)


def sorted_rows(images, labels):
    """Rows with their labels, in a canonical order: for comparing multisets of examples."""
    table = np.column_stack([labels.astype(np.float64), images.astype(np.float64)])
    return table[np.lexsort(table.T[::-1])]


# ---- shift ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dx, dy", [(1, 0), (-1, 0), (0, 1), (0, -1), (3, -2), (-5, 7)])
def test_shift_moves_a_single_pixel_exactly(dx, dy):
    out = shift(lit(10, 12), dx, dy)
    assert where_lit(out) == [(10 + dy, 12 + dx)]
    assert out.sum() == 1 and out.max() == 1  # moved, not interpolated
    assert out.dtype == np.float32 and out.shape == (1, 784)


@pytest.mark.parametrize("row, col, dx, dy", [
    (5, 27, 1, 0), (5, 0, -1, 0), (27, 5, 0, 1), (0, 5, 0, -1), (3, 3, 28, 0), (3, 3, 0, -40),
])
def test_shift_drops_pixels_at_the_border_instead_of_wrapping(row, col, dx, dy):
    out = shift(lit(row, col), dx, dy)
    assert not out.any()


def test_shift_fills_the_vacated_edge_with_zeros():
    out = shift(np.ones((2, 784), np.float32), 2, -1).reshape(2, 28, 28)
    assert not out[:, :, :2].any() and not out[:, -1, :].any()
    assert (out[:, :-1, 2:] == 1).all()


def test_shift_by_zero_is_the_identity_on_a_copy():
    images = random_images(3)
    out = shift(images, 0, 0)
    np.testing.assert_array_equal(out, images)
    assert out is not images and not np.shares_memory(out, images)


def test_shift_works_on_other_square_sizes_and_dtypes():
    out = shift(lit(1, 2, side=5, dtype=np.float64), 2, 3)
    assert where_lit(out, side=5) == [(4, 4)] and out.dtype == np.float64


# ---- rotate -----------------------------------------------------------------------------------


def test_rotate_by_zero_is_the_identity():
    images = random_images(4)
    out = rotate(images, 0)
    np.testing.assert_allclose(out, images, atol=1e-7)
    assert out.dtype == np.float32 and out is not images


def test_rotate_by_360_is_close_to_the_identity():
    images = random_images(4)
    np.testing.assert_allclose(rotate(images, 360.0), images, atol=1e-5)


def test_rotate_by_90_turns_a_bar_about_the_centre():
    bar = np.zeros((28, 28), np.float32)
    bar[13:15, 4:24] = 1  # horizontal, centred on (13.5, 13.5)
    out = rotate(bar.reshape(1, -1), 90).reshape(28, 28)
    np.testing.assert_allclose(out, bar.T, atol=1e-6)  # vertical, same place


def test_rotate_is_anticlockwise_as_displayed():
    top = lit(2, 13)  # near the top edge, just left of the centre column
    assert where_lit(rotate(top, 90)) == [(14, 2)]  # now near the left edge
    assert where_lit(rotate(top, -90)) == [(13, 25)]  # now near the right edge


def test_rotate_keeps_values_in_the_unit_interval():
    images = np.clip(random_images(20) * 1.5, 0, 1)
    images[:5] = 1.0
    for degrees in (7.3, 15, -33, 45, 180):
        out = rotate(images, degrees)
        assert out.min() >= 0 and out.max() <= 1
        assert not np.allclose(out, images)


def test_rotate_takes_one_angle_per_image():
    images = random_images(3)
    out = rotate(images, [0, 90, -12.5])
    for i, degrees in enumerate([0, 90, -12.5]):
        np.testing.assert_array_equal(out[i], rotate(images[i:i + 1], degrees)[0])


# ---- argument checks --------------------------------------------------------------------------


@pytest.mark.parametrize("images, error, message", [
    (np.zeros(784, np.float32), ValueError, r"images must have shape \(m, 784\).*got shape \(784,\)"),
    (np.zeros((2, 28, 28), np.float32), ValueError, r"images must have shape \(m, 784\)"),
    (np.zeros((2, 783), np.float32), ValueError, "images must hold square images.*got 783 pixels"),
    (np.zeros((2, 784), np.uint8), TypeError, "images must be floating point.*got uint8"),
    (np.full((2, 784), 255.0), ValueError, r"images must have pixels in \[0, 1\]; got values from 255.0"),
    (np.full((2, 784), -0.5), ValueError, r"pixels in \[0, 1\]"),
    (np.full((2, 784), np.nan), ValueError, r"pixels in \[0, 1\]"),
])
def test_bad_images_are_refused(images, error, message):
    with pytest.raises(error, match=message):
        shift(images, 1, 0)
    with pytest.raises(error, match=message):
        rotate(images, 10)


@pytest.mark.parametrize("dx, dy, message", [
    (1.0, 0, "dx must be an integer; got 1.0"),
    (0, "1", "dy must be an integer; got '1'"),
    (True, 0, "dx must be an integer; got True"),
])
def test_shift_wants_whole_pixels(dx, dy, message):
    with pytest.raises(TypeError, match=message):
        shift(random_images(1), dx, dy)


@pytest.mark.parametrize("degrees, error, message", [
    (np.nan, ValueError, "degrees must be finite"),
    ([0, np.inf], ValueError, "degrees must be finite"),
    ([1, 2, 3], ValueError, r"degrees must be one angle or one per image, shape \(2,\); got shape \(3,\)"),
    ("ten", TypeError, "degrees must be a number"),
    (True, TypeError, "degrees must be a number"),
])
def test_rotate_checks_its_angles(degrees, error, message):
    with pytest.raises(error, match=message):
        rotate(random_images(2), degrees)


def tiny_dataset(n=7, seed=0):
    return Dataset(random_images(n, seed), np.arange(n) % 3)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(dataset=(random_images(2), np.zeros(2, int))), TypeError,
     "dataset must be an nnbook.data.Dataset; got tuple"),
    (dict(shifts="yes"), TypeError, "shifts must be True or False; got 'yes'"),
    (dict(max_degrees="15"), TypeError, "max_degrees must be a number of degrees"),
    (dict(max_degrees=-1.0), ValueError, "max_degrees must be finite and 0 or more; got -1.0"),
    (dict(max_degrees=np.inf), ValueError, "max_degrees must be finite and 0 or more; got inf"),
    (dict(copies=-1), ValueError, "copies must be 0 or more; got -1"),
    (dict(copies=2.0), TypeError, "copies must be an integer; got 2.0"),
    (dict(dataset=Dataset(np.zeros((2, 784), np.uint8), np.zeros(2, int))), TypeError,
     "dataset.images must be floating point"),
])
def test_expand_checks_its_arguments(kwargs, error, message):
    kwargs = {"dataset": tiny_dataset(), "rng": 0, **kwargs}
    with pytest.raises(error, match=message):
        expand(**kwargs)


# ---- expand -----------------------------------------------------------------------------------


@pytest.mark.parametrize("shifts, max_degrees, copies, blocks", [
    (True, 0.0, 1, 5),  # the defaults: the original's expansion, no rotations
    (True, 15.0, 1, 6),
    (True, 15.0, 3, 8),
    (False, 15.0, 2, 3),
    (False, 0.0, 4, 1),
    (True, 15.0, 0, 5),
])
def test_expand_sizes_and_labels(shifts, max_degrees, copies, blocks):
    data = tiny_dataset(n=7)
    out = expand(data, rng=1, shifts=shifts, max_degrees=max_degrees, copies=copies)
    assert isinstance(out, Dataset)
    assert len(out) == blocks * 7 and out.images.shape == (blocks * 7, 784)
    assert out.images.dtype == np.float32 and out.labels.dtype == data.labels.dtype
    np.testing.assert_array_equal(np.bincount(out.labels), blocks * np.bincount(data.labels))
    assert out.images.min() >= 0 and out.images.max() <= 1


def test_expand_defaults_give_the_originals_and_their_four_shifts_each_with_its_label():
    data = tiny_dataset(n=9)
    out = expand(data, rng=2)
    images = [data.images] + [shift(data.images, dx, dy) for dx, dy in SHIFTS]
    expected = sorted_rows(np.concatenate(images), np.tile(data.labels, 5))
    np.testing.assert_array_equal(sorted_rows(*out), expected)


def test_rotate_by_a_tiny_angle_keeps_the_border():
    images = random_images(2)
    np.testing.assert_allclose(rotate(images, 1e-9), images, atol=1e-6)
    np.testing.assert_allclose(rotate(images, -1e-9), images, atol=1e-6)


def test_expand_rotated_copies_carry_their_labels():
    """With a negligible angle every rotated copy is its original; labels must follow."""
    data = Dataset(random_images(6), np.arange(6))
    out = expand(data, rng=3, shifts=False, max_degrees=1e-9, copies=2)
    assert len(out) == 18
    for image, label in zip(*out):
        np.testing.assert_allclose(image, data.images[label], atol=1e-6)


def test_expand_really_rotates():
    data = tiny_dataset(n=5)
    out = expand(data, rng=4, shifts=False, max_degrees=30.0, copies=3)
    originals = {row.tobytes() for row in data.images}
    rotated = [row for row in out.images if row.tobytes() not in originals]
    assert len(rotated) == 15  # every copy differs from every original


def test_expand_shuffles_reproducibly_with_its_rng():
    data = tiny_dataset(n=20)
    a = expand(data, rng=5, max_degrees=10.0)
    b = expand(data, rng=np.random.default_rng(5), max_degrees=10.0)
    c = expand(data, rng=6, max_degrees=10.0)
    np.testing.assert_array_equal(a.images, b.images)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert not np.array_equal(a.images, c.images)
    assert not np.array_equal(a.images[:20], data.images)  # not originals-first


def test_expand_processes_in_chunks_without_changing_the_result(monkeypatch):
    import nnbook.expand as module

    data = tiny_dataset(n=11)
    whole = expand(data, rng=7, max_degrees=20.0, copies=2)
    monkeypatch.setattr(module, "_CHUNK", 3)
    chunked = expand(data, rng=7, max_degrees=20.0, copies=2)
    np.testing.assert_array_equal(whole.images, chunked.images)
    np.testing.assert_array_equal(whole.labels, chunked.labels)


def test_expand_of_an_empty_dataset_is_empty():
    out = expand(Dataset(np.zeros((0, 784), np.float32), np.zeros(0, np.int64)), rng=0)
    assert len(out) == 0 and out.images.shape == (0, 784)


def test_expanding_real_mnist_keeps_the_label_counts(mnist):
    data = mnist.training[:1000]
    out = expand(data, rng=0)
    assert len(out) == 5000 and out.images.dtype == np.float32
    np.testing.assert_array_equal(np.bincount(out.labels, minlength=10),
                                  5 * np.bincount(data.labels, minlength=10))
    assert out.images.min() >= 0 and out.images.max() <= 1
    originals = {row.tobytes(): label for row, label in zip(*data)}
    found = [(originals[row.tobytes()], label) for row, label in zip(*out)
             if row.tobytes() in originals]
    assert len(found) == 1000  # every original once, among 4,000 shifted copies
    assert all(a == b for a, b in found)  # with its own label
