"""Chapter 3's activations: the softmax output layer and dropout's masked neurons."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnbook import activations
from nnbook.activations import Masked, softmax

# Rows of weighted inputs z: up to 6 examples of 1 to 8 neurons, |z| up to 1e3.
ROWS = arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 8)),
              elements=st.floats(-1e3, 1e3, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(ROWS)
def test_softmax_rows_are_probability_distributions(z):
    a = softmax.fn(z)
    assert a.shape == z.shape
    assert np.all(a >= 0) and np.all(a <= 1)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-12)
    # The largest input gets the largest output (the "soft" maximum).
    rows = np.arange(z.shape[0])
    np.testing.assert_array_equal(a[rows, np.argmax(z, axis=1)], a.max(axis=1))


@settings(max_examples=200, deadline=None)
@given(ROWS, st.floats(-1e3, 1e3))
def test_softmax_ignores_a_constant_added_to_a_row(z, c):
    np.testing.assert_allclose(softmax.fn(z + c), softmax.fn(z), rtol=1e-9, atol=1e-300)


@settings(max_examples=200, deadline=None)
@given(ROWS, st.data())
def test_softmax_is_monotonic(z, data):
    # Raising z_k raises a_k and lowers (or leaves) every other output: chapter 3's exercise.
    i = data.draw(st.integers(0, z.shape[0] - 1))
    k = data.draw(st.integers(0, z.shape[1] - 1))
    bump = data.draw(st.floats(1e-3, 10.0))
    before = softmax.fn(z)[i]
    raised = z.copy()
    raised[i, k] += bump
    after = softmax.fn(raised)[i]
    assert after[k] >= before[k]
    others = np.arange(z.shape[1]) != k
    assert np.all(after[others] <= before[others])


def test_softmax_does_not_overflow():
    z = np.array([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, 1000.0], [-1e300, 0.0, 1e300]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = softmax.fn(z)
    np.testing.assert_array_equal(a[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(a[1], [1 / 3] * 3)
    np.testing.assert_array_equal(a[2], [0.0, 0.0, 1.0])


def test_softmax_is_equation_78_for_small_inputs():
    z = np.array([[2.5, -1.0, 3.2, 0.5]])  # the original's slider values
    e = np.exp(z)
    np.testing.assert_allclose(softmax.fn(z), e / e.sum(), rtol=1e-15)
    np.testing.assert_allclose(softmax(z[0]), (e / e.sum())[0], rtol=1e-15)  # a single row
    assert softmax.fn(z.astype(np.float32)).dtype == np.float32


def test_softmax_jacobian_matches_finite_differences_and_has_the_signs_of_exercise_8():
    z = np.array([0.3, -1.2, 2.0, 0.7])
    jac = softmax.jacobian(z)
    h = 1e-6
    numeric = np.empty((4, 4))
    for k in range(4):
        dz = np.zeros(4)
        dz[k] = h
        numeric[:, k] = (softmax.fn(z + dz) - softmax.fn(z - dz)) / (2 * h)
    np.testing.assert_allclose(jac, numeric, rtol=1e-7, atol=1e-12)
    assert np.all(np.diag(jac) > 0) and np.all(jac[~np.eye(4, dtype=bool)] < 0)
    assert softmax.jacobian(np.zeros((5, 3))).shape == (5, 3, 3)


def test_softmax_has_no_elementwise_derivative():
    assert not softmax.elementwise and activations.sigmoid.elementwise
    with pytest.raises(ValueError, match="softmax has no element-wise derivative"):
        softmax.prime(np.zeros((1, 3)))
    assert activations.get("softmax") is softmax


def test_masked_neuron_scales_output_and_derivative():
    z = np.array([[0.5, -1.0, 2.0], [0.1, 0.2, -0.3]])
    mask = np.array([[0.0, 2.0, 2.0], [2.0, 0.0, 2.0]])
    f = Masked(activations.tanh, mask)
    np.testing.assert_array_equal(f.fn(z), np.tanh(z) * mask)
    np.testing.assert_array_equal(f.prime(z), (1 - np.tanh(z) ** 2) * mask)
    assert f.name == "masked tanh" and f.elementwise
    with pytest.raises(ValueError, match="only an element-wise activation can be masked"):
        Masked(softmax, mask)
