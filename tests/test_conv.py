"""The kernels of nnbook.conv against naive loops (tests/oracles.py); every layer's gradient
against finite differences; shape and argument errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnbook import activations, conv
from nnbook.convnet import ConvPoolLayer, FullyConnectedLayer, Network, SoftmaxLayer
from nnbook.gradcheck import central_difference, relative_error

from oracles import (naive_conv2d, naive_conv2d_backward, naive_maxpool2d,
                     naive_maxpool2d_backward)


@st.composite
def conv_case(draw):
    m, c, k = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    f = draw(st.integers(1, 4))
    rows, cols = draw(st.integers(f, f + 5)), draw(st.integers(f, f + 5))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((m, c, rows, cols))
    w = rng.standard_normal((k, c, f, f))
    delta = rng.standard_normal((m, k, rows - f + 1, cols - f + 1))
    return x, w, rng.standard_normal(k), delta


@settings(max_examples=40, deadline=None)
@given(conv_case())
def test_conv2d_matches_the_naive_loops(case):
    x, w, b, _ = case
    np.testing.assert_allclose(conv.conv2d(x, w, b), naive_conv2d(x, w, b), atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(conv_case())
def test_conv2d_backward_matches_the_naive_loops(case):
    x, w, _, delta = case
    dw, dx = conv.conv2d_backward(x, w, delta)
    ndw, ndx = naive_conv2d_backward(x, w, delta)
    np.testing.assert_allclose(dw, ndw, atol=1e-11)
    np.testing.assert_allclose(dx, ndx, atol=1e-11)


def test_im2col_and_col2im_are_adjoint():
    # <im2col(x), c> == <x, col2im(c)> for every x and c: col2im is the transpose of im2col.
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 7, 6, 2))  # (channels, rows, cols, m): example last
    cols = conv.im2col(x, 3, np.empty((3 * 9, 5 * 4 * 2)))
    c = rng.standard_normal(cols.shape)
    back = conv.col2im(c, 3, np.empty_like(x), np.empty((3, 3, 7, 4, 2)))
    assert np.isclose(np.sum(cols * c), np.sum(x * back))
    # column (i, j, e), row (c, r, s) is x[c, i + r, j + s, e]
    assert cols[(1 * 3 + 2) * 3 + 0, (2 * 4 + 1) * 2 + 1] == x[1, 2 + 2, 1 + 0, 1]


def test_im2col_in_phase_order_holds_the_same_columns_reordered():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 9, 9, 3))  # a 4 x 4 filter: 6 x 6 maps, pooled 2 x 2 -> 3 x 3
    by_position = conv.im2col(x, 4, np.empty((32, 36 * 3)))
    phased = conv.im2col_phased(x, 4, 2, np.empty((32, 36 * 3)), np.empty((2, 5, 5, 3, 3, 3)))
    # position order (i, j, e) with (i, j) = (2u + a, 2v + b); phase order (a, b, u, v, e)
    expected = by_position.reshape(32, 3, 2, 3, 2, 3).transpose(0, 2, 4, 1, 3, 5).reshape(32, -1)
    np.testing.assert_array_equal(phased, expected)


@pytest.mark.parametrize("shape, columns", [((1000, 200), 10), ((300, 1000), 10),
                                            ((40, 500), 640), ((10, 100), 10), ((20, 25), 5760)])
@pytest.mark.parametrize("decay", [1.0, 0.9])
def test_the_fused_weight_step_is_decay_w_minus_a_b_transpose_in_every_blocking(shape, columns, decay):
    """weight_step blocks the product in several ways (rows with the decay as gemm's beta,
    columns of the sum, or one call); each must give w -> decay w - A B^T."""
    rng = np.random.default_rng(5)
    w = rng.standard_normal(shape)
    a, b = rng.standard_normal((shape[0], columns)), rng.standard_normal((shape[1], columns))
    expected = decay * w - conv.weight_gradient(a, b, np.empty(shape))
    conv.weight_step(w, a, b, decay)
    np.testing.assert_allclose(w, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("shape", [(1000, 30), (30, 1000), (200, 640), (5, 7)])
def test_the_thin_product_is_a_matrix_product(shape):
    rng = np.random.default_rng(6)
    a, b = rng.standard_normal(shape), np.asfortranarray(rng.standard_normal((shape[1], 10)))
    np.testing.assert_allclose(conv.thin_matmul(a, b, np.empty((shape[0], 10))), a @ b,
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity"])
def test_the_in_place_neurons_are_the_activations(name):
    act = activations.get(name)
    z = np.linspace(-30, 30, 121)
    a = z.copy()
    conv.NEURONS[name][0](a)
    np.testing.assert_allclose(a, act.fn(z), rtol=1e-12, atol=1e-15)
    g = np.ones_like(z)
    conv.NEURONS[name][1](g, a, np.empty_like(z))
    keep = np.abs(z) > 1e-9  # ReLU's kink
    np.testing.assert_allclose(g[keep], act.prime(z)[keep], rtol=1e-9, atol=1e-15)


@st.composite
def pool_case(draw):
    m, k, p = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    # Few distinct values, so that blocks often hold ties.
    z = rng.integers(0, 3, size=(m, k, p * h, p * w)).astype(np.float64)
    return z, rng.standard_normal((m, k, h, w)), p


@settings(max_examples=60, deadline=None)
@given(pool_case())
def test_maxpool_and_its_backward_match_the_naive_loops_with_ties(case):
    z, grad, p = case
    np.testing.assert_array_equal(conv.maxpool2d(z, p), naive_maxpool2d(z, p))
    np.testing.assert_allclose(conv.maxpool2d_backward(z, grad, p),
                               naive_maxpool2d_backward(z, grad, p), atol=1e-14)


def test_maxpool_backward_shares_a_tied_block_equally_and_conserves_the_error():
    z = np.zeros((1, 1, 2, 4))
    z[0, 0, :, 2:] = [[1, 5], [5, 2]]  # left block: four zeros tie; right block: two 5s tie
    dz = conv.maxpool2d_backward(z, np.array([[[[4.0, 2.0]]]]))
    np.testing.assert_array_equal(dz[0, 0], [[1, 1, 0, 1], [1, 1, 1, 0]])
    assert dz.sum() == 6.0


def test_a_one_by_one_pool_is_the_identity():
    z = np.random.default_rng(1).standard_normal((2, 3, 4, 5))
    np.testing.assert_array_equal(conv.maxpool2d(z, 1), z)
    np.testing.assert_array_equal(conv.maxpool2d_backward(z, z, 1), z)


# ---- shape errors -----------------------------------------------------------------------------


def test_a_filter_larger_than_the_image_is_refused():
    with pytest.raises(ValueError, match=r"filter_size=7 is larger than the image.*6 x 6"):
        ConvPoolLayer((1, 6, 6), 4, filter_size=7)
    with pytest.raises(ValueError, match="filter_size=5 is larger"):
        conv.conv2d(np.zeros((1, 1, 4, 4)), np.zeros((2, 1, 5, 5)))


def test_pooling_that_does_not_divide_the_map_is_refused():
    with pytest.raises(ValueError, match=r"pool_size=2 must divide.*23 x 23"):
        ConvPoolLayer((1, 27, 27), 4, filter_size=5, pool_size=2)
    with pytest.raises(ValueError, match=r"pool_size=3 must divide.*4 x 6"):
        conv.maxpool2d(np.zeros((1, 1, 4, 6)), 3)


def test_inputs_of_the_wrong_rank_are_refused():
    with pytest.raises(ValueError, match=r"x must have shape \(m, channels, rows, cols\); got "
                                         r"shape \(28, 28\) \(rank 2, expected 4\)"):
        conv.conv2d(np.zeros((28, 28)), np.zeros((2, 1, 5, 5)))
    with pytest.raises(ValueError, match="z must have shape"):
        conv.maxpool2d(np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"w must have 1 channels.*got w of shape \(2, 3, 5, 5\)"):
        conv.conv2d(np.zeros((1, 1, 8, 8)), np.zeros((2, 3, 5, 5)))
    with pytest.raises(ValueError, match=r"delta must have shape \(1, 2, 4, 4\)"):
        conv.conv2d_backward(np.zeros((1, 1, 8, 8)), np.zeros((2, 1, 5, 5)), np.zeros((1, 2, 3, 3)))


@pytest.mark.parametrize("make, match", [
    (lambda: ConvPoolLayer((28, 28), 20), r"image_shape must be \(channels, rows, cols\)"),
    (lambda: ConvPoolLayer((1, 28, 28), 0), "n_filters must be a positive integer; got 0"),
    (lambda: ConvPoolLayer((1, 28, 28), 20, filter_size=2.5), "filter_size must be a positive"),
    (lambda: ConvPoolLayer((1, 28, 28), 20, pool_size=0), "pool_size must be a positive"),
    (lambda: ConvPoolLayer((1, 28, 28), 20, p_dropout=0.5), "p_dropout must be 0 for a ConvPool"),
    (lambda: ConvPoolLayer((1, 28, 28), 20, activation="softmax"), "activation must be one of"),
    (lambda: FullyConnectedLayer(784, -3), "n_out must be a positive integer; got -3"),
    (lambda: FullyConnectedLayer(784, 30, p_dropout=1.0), r"p_dropout must be a number in \[0, 1\)"),
    (lambda: FullyConnectedLayer(784, 30, activation="swish"), "activation must be one of"),
    (lambda: SoftmaxLayer(100, 10, p_dropout=-0.1), r"p_dropout must be a number in \[0, 1\)"),
])
def test_bad_layer_arguments_are_named(make, match):
    with pytest.raises(ValueError, match=match):
        make()


# ---- gradients of every layer against finite differences ----------------------------------------


def numeric_gradient(net, x, y, masks=None, h=1e-6):
    def cost():
        return net.total_cost(x, y, masks=masks)
    grads = []
    for p in net.parameters():
        g = np.empty_like(p)
        for index in np.ndindex(p.shape):
            g[index] = central_difference(cost, p, index, h)
        grads.append(g)
    return grads


def small_net(act, dropout="inverted", p=(0.0, 0.0), seed=0):
    layers = [ConvPoolLayer((2, 11, 8), 3, filter_size=3, pool_size=3, activation=act),
              ConvPoolLayer((3, 3, 2), 4, filter_size=2, pool_size=1, activation=act),
              FullyConnectedLayer(8, 5, act, p_dropout=p[0]),
              SoftmaxLayer(5, 3, p_dropout=p[1])]
    net = Network(layers, rng=seed, dtype=np.float64, dropout=dropout)
    rng = np.random.default_rng(seed + 1)
    for q in net.parameters():  # move away from the softmax's zero start
        q += 0.3 * rng.standard_normal(q.shape)
    return net


@pytest.mark.parametrize("act", [activations.sigmoid, activations.tanh, activations.relu,
                                 activations.identity])
def test_every_layer_gradient_matches_finite_differences(act):
    net = small_net(act)
    rng = np.random.default_rng(5)
    x, y = rng.random((3, 2 * 11 * 8)), rng.integers(0, 3, 3)
    analytic = net.gradient(x, y)
    numeric = numeric_gradient(net, x, y)
    assert len(analytic) == 8
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        assert relative_error(a, n) < 1e-6, (i, relative_error(a, n))
    assert max(np.abs(a).max() for a in analytic) > 1e-3  # not trivially zero


@pytest.mark.parametrize("dropout", ["inverted", "network3"])
def test_gradients_with_dropout_masks_match_finite_differences(dropout):
    net = small_net(activations.sigmoid, dropout, p=(0.3, 0.5), seed=2)
    rng = np.random.default_rng(7)
    x, y = rng.random((4, 2 * 11 * 8)), rng.integers(0, 3, 4)
    kept = 1 / 0.7 if dropout == "inverted" else 1.0
    masks = [None, None, (rng.random((4, 8)) >= 0.3) * kept,
             (rng.random((4, 5)) >= 0.5) * (2.0 if dropout == "inverted" else 1.0)]
    for m in (masks, None):  # None: the test-time network, network3 scaling included
        analytic = net.gradient(x, y, masks=m)
        numeric = numeric_gradient(net, x, y, masks=m)
        assert relative_error(analytic, numeric) < 1e-6
    # A dropped input receives no error and teaches its weights nothing.
    gw = net.gradient(x, y, masks=masks)[4]  # the fully connected layer's weights
    dropped_everywhere = ~masks[2].astype(bool).any(axis=0)
    assert np.all(gw[:, dropped_everywhere] == 0)


@pytest.mark.parametrize("act", [activations.sigmoid, activations.relu])
def test_a_pooled_conv_layer_after_another_has_exact_gradients(act):
    # The second layer needs its input gradient: it pools a phase-ordered copy of z and routes
    # the error back to position order (CP40's path), unlike the first.
    net = Network([ConvPoolLayer((2, 11, 11), 3, 2, 2, act),
                   ConvPoolLayer((3, 5, 5), 4, 2, 2, act),
                   SoftmaxLayer(16, 3)], rng=3, dtype=np.float64)
    rng = np.random.default_rng(4)
    for q in net.parameters():
        q += 0.3 * rng.standard_normal(q.shape)
    x, y = rng.random((3, 2 * 11 * 11)), rng.integers(0, 3, 3)
    assert "zp" in net.layers[1].buffers(3, True)
    analytic = net.gradient(x, y)
    assert relative_error(analytic, numeric_gradient(net, x, y)) < 1e-6
    assert max(np.abs(a).max() for a in analytic[:2]) > 1e-3  # reaches the first layer


def test_gradient_of_a_conv_layer_over_blank_tied_blocks_is_exact():
    # A blank image gives the second conv layer identical patches (sigmoid(b) everywhere), so
    # each of its pooling blocks is a four-way tie; the error must be counted once, not four times.
    net = Network([ConvPoolLayer((1, 10, 10), 2, 3, 2, activations.sigmoid),
                   ConvPoolLayer((2, 4, 4), 3, 3, 2, activations.sigmoid),
                   SoftmaxLayer(3, 3)], rng=0, dtype=np.float64)
    net.weights[2] += np.random.default_rng(1).standard_normal(net.weights[2].shape)
    x = np.zeros((2, 100))
    x[1, :3] = 1.0  # a little ink in one image
    y = np.array([0, 2])
    net.feedforward(x)
    z2 = net.layers[1].buffers(2, False)["z"]  # (filters, 2, 2, m): the maps before pooling
    assert np.all(z2[:, :, :, 0] == z2[:, :1, :1, 0])  # the blank image: all tied
    assert relative_error(net.gradient(x, y), numeric_gradient(net, x, y)) < 1e-7


# ---- a layer on its own: forward(x), backward(delta), its parameters and gradients ----------------


def _layer_check(layer, x, seed=0):
    """Central differences of C = sum(a * r) for a fixed random r, against layer.backward(r)."""
    rng = np.random.default_rng(seed)
    layer.initialize(rng, np.float64, input_gradient=True)
    for q in layer.parameters():
        q += 0.3 * rng.standard_normal(q.shape)
    r = rng.standard_normal(layer.forward(x, train=True).shape)

    def cost():
        return float(np.sum(layer.forward(x, train=True) * r))

    layer.forward(x, train=True)
    dx = layer.backward(r.copy()).copy()
    analytic = [layer.nabla_w.copy(), layer.nabla_b.copy(), dx]
    numeric = []
    for p in layer.parameters() + [x]:
        numeric.append(np.array([central_difference(cost, p, i, 1e-6) for i in np.ndindex(p.shape)]
                                ).reshape(p.shape))
    return analytic, numeric


@pytest.mark.parametrize("act", [activations.sigmoid, activations.tanh, activations.relu])
@pytest.mark.parametrize("pool", [1, 2])
def test_a_conv_pool_layer_alone_has_the_gradients_of_its_output(act, pool):
    layer = ConvPoolLayer((2, 7, 7), 3, filter_size=2, pool_size=pool, activation=act)
    x = np.random.default_rng(1).random((2, 7, 7, 3))  # (channels, rows, cols, m)
    analytic, numeric = _layer_check(layer, x)
    assert [a.shape for a in analytic] == [(3, 2, 2, 2), (3,), (2, 7, 7, 3)]
    for a, n in zip(analytic, numeric):
        assert relative_error(a, n) < 1e-6


@pytest.mark.parametrize("act", [activations.sigmoid, activations.identity])
def test_a_fully_connected_layer_alone_has_the_gradients_of_its_output(act):
    layer = FullyConnectedLayer(6, 4, act)
    x = np.random.default_rng(2).random((6, 5))  # (n_in, m): one example per column
    analytic, numeric = _layer_check(layer, x)
    assert layer.parameters() == [layer.w, layer.b] and layer.w.shape == (4, 6)
    for a, n in zip(analytic, numeric):
        assert relative_error(a, n) < 1e-6
    # the book's column form: a = f(w x + b)
    np.testing.assert_allclose(layer.forward(x), act.fn(layer.w @ x + layer.b[:, None]))


def test_a_softmax_layer_outputs_probabilities_and_its_error_is_a_minus_y():
    layer = SoftmaxLayer(6, 4)
    layer.initialize(np.random.default_rng(0), np.float64)
    assert not layer.w.any() and not layer.b.any()  # zero start, as in the original
    layer.w += np.random.default_rng(1).standard_normal(layer.w.shape)
    x = np.random.default_rng(2).random((6, 3))
    a = layer.forward(x).copy()
    np.testing.assert_allclose(a.sum(axis=0), 1)
    labels = np.array([0, 3, 1])
    expected = a.copy()
    expected[labels, [0, 1, 2]] -= 1
    np.testing.assert_allclose(layer.output_error(labels), expected)


def test_a_layer_belongs_to_one_network():
    layers = [FullyConnectedLayer(4, 3), SoftmaxLayer(3, 2)]
    net = Network(layers, rng=0)
    assert net.parameters() == [p for layer in layers for p in layer.parameters()]
    assert all(p is q for p, q in zip(net.weights, [layers[0].w, layers[1].w]))
    with pytest.raises(ValueError, match=r"layers\[0\] already belongs to a network"):
        Network(layers, rng=1)
