"""Chapter 6's convolutional networks: build, evaluate, vote.

A :class:`Network` is a list of layers from :mod:`nnbook.layers` (re-exported here):
:class:`ConvPoolLayer`, :class:`FullyConnectedLayer` and a final :class:`SoftmaxLayer` with the
log-likelihood cost, like the original's ``network3``. :func:`nnbook.train.sgd` trains it, as it
trains every network of the book (``evaluation_data`` is the validation data, ``test_data`` the
test data; :attr:`nnbook.train.History.test_accuracy_at_best` is the number the chapter
reports). :func:`architecture` builds the networks of the chapter by name, and
:func:`ensemble_predict` lets several vote.

Where the original's code has quirks, nnbook chooses, and keeps the original's behaviour one
option away (each is described where it lives):

* weight initialisation: ``Network(init="fan_in")`` (ours) or ``"network3"``;
* dropout scaling: ``Network(dropout="inverted")`` (ours) or ``"network3"``;
* L2 regularisation: chapter 3's lmbda (ours), or the original's converted by
  :func:`network3_lmbda`;
* mini-batch order: ``sgd(shuffle=True)`` (ours) or ``False`` (a fixed order);
* dropout masks: nnbook draws a fresh mask for every layer at every step; the original appears to
  give layers whose inputs have the same shape the same mask. That is not reproduced.

Networks are float32 by default, which is what makes them fast; float64 (``dtype=np.float64``)
is for finite-difference gradient checks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from nnbook import activations, regularizers
from nnbook import conv
from nnbook.layers import ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer
from nnbook.checks import (check_images, check_labels, check_outputs, check_positive_int,
                           check_rate)

__all__ = ["ConvPoolLayer", "FullyConnectedLayer", "SoftmaxLayer", "Network", "network3_lmbda",
           "ensemble_predict", "architecture", "ARCHITECTURES"]

INITS = ("fan_in", "network3")
DROPOUTS = ("inverted", "network3")
_EVAL_BATCH = 250  # examples per forward pass when evaluating
_MASK_BLOCK_STEPS = 100  # dropout masks are drawn for up to this many steps at once,
_MASK_BLOCK_ENTRIES = 1 << 18  # and at most this many mask entries (1 MB of float32)


def _choice(name: str, value, allowed) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}; got {value!r}")
    return value


class Network:
    """A feedforward network of convolutional, fully connected and softmax layers.

    Parameters
    ----------
    layers : sequence of layers
        :class:`ConvPoolLayer` and :class:`FullyConnectedLayer` in any order that fits, ending
        with one :class:`SoftmaxLayer`. Each layer's input size must equal the previous layer's
        output size (a ConvPoolLayer's ``image_shape`` the previous one's output shape). The
        network initialises them (:meth:`nnbook.layers.Layer.initialize`) and they are its own:
        a layer owns its parameters, so it can belong to one network only.
    rng : numpy Generator or seed
        Draws the initial parameters, layer by layer (weights, then biases).
    dtype : float32 (default) or float64
    init : "fan_in" (default) or "network3"
        Initial weights N(0, std^2). "fan_in": std = 1/sqrt(inputs per neuron) for every layer,
        as chapter 3 recommends. "network3": the original's std = sqrt(1/n_out) for fully
        connected layers (its author's slip, which he noted and kept) and
        sqrt(pool^2 / (n_filters f^2)) for convolutional ones. Either way biases start N(0, 1),
        and the softmax layer's weights and biases start at 0, as in the original.
    dropout : "inverted" (default) or "network3"
        How a layer with ``p_dropout`` = p scales its inputs. "inverted": during training each
        kept input is multiplied by 1/(1 - p) and nothing changes at test time, as chapter 3's
        dropout does. "network3": the original's choice, kept inputs unscaled during training and
        the weighted input w.x (not the bias) multiplied by (1 - p) at test time. The two have
        the same expected weighted inputs, but not the same learning dynamics: with inverted
        dropout the gradient of a weight is 1/(1 - p) times larger, an effective learning rate
        1/(1 - p)^2 times larger for those weights.

    Attributes
    ----------
    layers : list of layers, each owning its parameters (``w``, ``b``) and gradients
    weights, biases : lists of the layers' arrays, one per layer
        Convolutional weights (n_filters, channels, f, f), others (n_out, n_in).
    """

    def __init__(self, layers: Sequence, *, rng=None, dtype=np.float32, init: str = "fan_in",
                 dropout: str = "inverted"):
        self.layers = _check_layers(layers)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"dtype must be float32 or float64; got {dtype!r}")
        self.init = _choice("init", init, INITS)
        self.dropout = _choice("dropout", dropout, DROPOUTS)
        for i, layer in enumerate(self.layers):
            if layer.w is not None:
                raise ValueError(f"layers[{i}] already belongs to a network: a layer owns its "
                                 f"parameters, so each network needs layers of its own")
        rng = np.random.default_rng(rng)
        for i, layer in enumerate(self.layers):
            layer.initialize(rng, self.dtype, self.init, self.dropout, input_gradient=i > 0)
        self._mask_block = None  # dropout masks drawn ahead, see _draw_masks

    # ---- description ----------------------------------------------------------------------

    @property
    def input_size(self) -> int:
        return self.layers[0].input_size

    def parameters(self) -> list[np.ndarray]:
        """All weights and biases, layer by layer: [w_0, b_0, w_1, b_1, ...]."""
        return [p for layer in self.layers for p in layer.parameters()]

    @property
    def weights(self) -> list[np.ndarray]:
        return [layer.w for layer in self.layers]

    @weights.setter
    def weights(self, arrays) -> None:
        for layer, w in zip(self.layers, arrays, strict=True):
            layer.w = w

    @property
    def biases(self) -> list[np.ndarray]:
        return [layer.b for layer in self.layers]

    @biases.setter
    def biases(self, arrays) -> None:
        for layer, b in zip(self.layers, arrays, strict=True):
            layer.b = b

    def num_parameters(self) -> int:
        return sum(p.size for p in self.parameters())

    def __repr__(self) -> str:
        return (f"Network({[_describe(l) for l in self.layers]}, dtype={self.dtype.name}, "
                f"init={self.init!r}, dropout={self.dropout!r})")

    def flops_per_example(self, mini_batch_size: int = 10) -> int:
        """Floating-point operations of one training example: 2 x the multiply-adds of the
        forward pass, the weight gradients and the input gradients (none for the first layer,
        which needs none), plus the update of every parameter shared among the
        ``mini_batch_size`` examples of a step. Pooling, neurons and dropout are not counted."""
        total = 0
        for i, layer in enumerate(self.layers):
            forward, backward = layer.macs()
            total += 2 * forward + (backward if i else 0)
        return int(2 * total + math.ceil(2 * self.num_parameters() / mini_batch_size))

    # ---- inputs ---------------------------------------------------------------------------

    def _images(self, images, name: str = "images", *, finite: bool = True,
                allow_empty: bool = True) -> np.ndarray:
        """Images as rows (m, n_in) of the network's dtype, checked by :func:`nnbook.checks.check_images`
        (floating point, and with ``finite`` every value finite: one pass, once per call)."""
        x = np.asarray(images)
        first = self.layers[0]
        shapes = (f"(m, {first.input_size}) or (m, {', '.join(map(str, first.image_shape))})"
                  if isinstance(first, ConvPoolLayer) else f"(m, {first.input_size})")
        if x.ndim == 4 and isinstance(first, ConvPoolLayer):
            if x.shape[1:] != first.image_shape:
                raise ValueError(f"{name} must have shape (m, {', '.join(map(str, first.image_shape))}) "
                                 f"or (m, {first.input_size}); got {x.shape}")
            x = x.reshape(len(x), -1)
        x = check_images(name, x, first.input_size, shapes=shapes, allow_empty=allow_empty,
                         finite=finite)
        return x.astype(self.dtype, copy=False)

    def _labels(self, labels, m: int, name: str = "labels") -> np.ndarray:
        y = check_labels(name, labels, m, self.layers[-1].n_out)
        return y.astype(np.intp, copy=False)

    # ---- the passes -----------------------------------------------------------------------

    def _forward(self, x: np.ndarray, train: bool, masks=None) -> np.ndarray:
        """x: rows (m, n_in) of the network's dtype. Each layer's forward, in order; returns the
        output probabilities (n_out, m). ``masks``: one (n_in, m) array or None per layer."""
        m = x.shape[0]
        first = self.layers[0]
        if isinstance(first, ConvPoolLayer):
            a = x.reshape((m,) + first.image_shape).transpose(1, 2, 3, 0)  # a strided view
        else:
            a = x.T  # (n_in, m), a view
        for i, layer in enumerate(self.layers):
            if isinstance(layer, ConvPoolLayer):
                a = layer.forward(a, train)
                if i + 1 < len(self.layers) and not isinstance(self.layers[i + 1], ConvPoolLayer):
                    a = a.reshape(-1, m)  # flattened (channel, row, col) for the next layer
            else:
                a = layer.forward(a, train, masks[i] if masks is not None else None)
        return a

    def _backward(self, labels: np.ndarray, scale: float, backward=None) -> None:
        """Backpropagate from the softmax output, delta^L = (a - y) scale, through every layer,
        last first: ``delta = backward(layer, delta)``, by default ``layer.backward(delta)``
        (the gradients in the layers' ``nabla_w`` and ``nabla_b``)."""
        delta = self.layers[-1].output_error(labels, scale)
        for layer in reversed(self.layers):
            if isinstance(layer, ConvPoolLayer) and delta.ndim == 2:
                delta = delta.reshape(layer.output_shape + (delta.shape[-1],))
            delta = layer.backward(delta) if backward is None else backward(layer, delta)

    def _draw_masks(self, m: int, rng: np.random.Generator) -> list | None:
        """Fresh dropout masks for one step: (n_in, m) per layer with p_dropout > 0, else None.
        A kept input's entry is 1/(1 - p) ("inverted") or 1 ("network3"), a dropped one's 0.

        An input is dropped when 16 random bits from ``rng``, read as an integer in
        [0, 2^16), fall below round(p 2^16): p is rounded to a multiple of 2^-16 (0.5 is
        exact). Masks are drawn for a block of steps at once, one call to the generator for the
        whole block instead of three numpy calls per layer and step, and handed out one step at
        a time; a new block is drawn when it runs out or when ``rng`` or m changes, so the
        masks are a function of the seed, fresh for every step and every layer.
        """
        if not any(layer.p_dropout for layer in self.layers):
            return None
        block = self._mask_block
        if block is None or block["rng"] is not rng or block["m"] != m or block["next"] == len(
                block["masks"][0]):
            block = self._mask_block = self._new_mask_block(m, rng)
        step = block["next"]
        block["next"] += 1
        masks = iter(block["masks"])
        return [next(masks)[step] if layer.p_dropout else None for layer in self.layers]

    def _new_mask_block(self, m: int, rng: np.random.Generator) -> dict:
        sizes = [layer.input_size * m for layer in self.layers if layer.p_dropout]
        steps = max(1, min(_MASK_BLOCK_STEPS, _MASK_BLOCK_ENTRIES // sum(sizes)))
        total = steps * sum(sizes)
        bits = rng.bit_generator.random_raw(-(-total // 4)).view(np.uint16)  # 4 per 64 bits
        masks, start = [], 0
        for layer in self.layers:
            if not layer.p_dropout:
                continue
            shape = (steps, layer.input_size, m)
            u = bits[start:start + math.prod(shape)].reshape(shape)
            start += u.size
            keep = np.greater_equal(u, min(round(layer.p_dropout * 65536), 65535))
            scale = 1 / (1 - layer.p_dropout) if self.dropout == "inverted" else 1
            masks.append(np.multiply(keep, self.dtype.type(scale), dtype=self.dtype))
        return {"rng": rng, "m": m, "next": 0, "masks": masks}

    def update_mini_batch(self, x: np.ndarray, labels: np.ndarray, eta: float, lmbda: float,
                          n: int, masks=None) -> None:
        """One step of gradient descent with L2 weight decay on a mini-batch, fused for speed:
        the same step as :func:`nnbook.train.update_mini_batch` (what :func:`nnbook.train.sgd`
        calls this for), w -> (1 - eta lmbda / n) w - eta dC/dw and b -> b - eta dC/db.

        The error is scaled by eta / m at the output, so backpropagation delivers eta dC/dp
        directly (the layers' ``nabla_b`` then hold eta dC/db), and each weight's step is
        folded into its gradient's matrix product (:func:`nnbook.conv.weight_step`), taken as
        soon as the layer has passed its error back (while its weights are still in cache).
        ``x``: rows of the network's dtype; ``labels``: integers, unchecked; ``masks`` as
        :meth:`dropout_masks` gives them.
        """
        decay = 1.0 - eta * lmbda / n if lmbda else 1.0

        def step(layer, delta):
            dx = layer.errors(delta)  # dC/dx first, with the weights before the step
            conv.weight_step(layer.w.reshape(len(layer.b), -1), *layer.factors, decay)
            layer.b -= layer.nabla_b
            return dx

        internal = None if masks is None else [None if mk is None else mk.T for mk in masks]
        self._forward(x, True, internal)
        self._backward(labels, self.dtype.type(eta) / x.shape[0], step)

    # ---- what nnbook.train.sgd asks of a network --------------------------------------------

    def check_examples(self, images, labels, name: str = "data", *,
                       allow_empty: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``(images, labels)`` as training takes them: rows of the network's dtype, labels
        checked and of numpy's index type.

        The one validation of a data set (:mod:`nnbook.checks`), shared with the fully connected
        network: floating-point images, at least one (unless ``allow_empty``), every pixel
        finite, integer labels naming an output neuron; once per call, not per mini-batch."""
        x = self._images(images, f"{name} images", allow_empty=allow_empty)
        return x, self._labels(labels, len(x), f"{name} labels")

    def uses_dropout(self, p: float) -> bool:
        """Whether training drops anything: the layers' ``p_dropout``. ``p`` (the fully
        connected network's dropout option of :func:`nnbook.train.sgd`) must be 0 here."""
        if p:
            raise ValueError(f"dropout={p} is the fully connected network's option: a "
                             f"convolutional network's dropout is the p_dropout of its layers")
        return any(layer.p_dropout for layer in self.layers)

    def dropout_masks(self, m: int, p: float, rng) -> list | None:
        """Fresh dropout masks for one step: one array (m, n_in) per layer with p_dropout > 0
        (views of a block drawn ahead, valid until the next call), None for the others; see
        :meth:`_draw_masks`. ``p`` is unused (see :meth:`uses_dropout`)."""
        masks = self._draw_masks(m, rng)
        return None if masks is None else [None if mk is None else mk.T for mk in masks]

    # ---- public evaluation ----------------------------------------------------------------

    def feedforward(self, images) -> np.ndarray:
        """The output probabilities for each image: shape (m, n_out), rows summing to 1.

        ``images`` are rows (m, 784) or, for a convolutional first layer, (m, 1, 28, 28). Test
        time: no dropout, and with ``dropout="network3"`` each weighted input is scaled by
        (1 - p)."""
        return self._outputs(self._images(images))

    def _outputs(self, x: np.ndarray) -> np.ndarray:
        out = np.empty((len(x), self.layers[-1].n_out), self.dtype)
        for k in range(0, len(x), _EVAL_BATCH):
            out[k:k + _EVAL_BATCH] = self._forward(x[k:k + _EVAL_BATCH], False).T
        return out

    def predict(self, images) -> np.ndarray:
        """The digit of each image: the most probable output (the lowest index on a tie)."""
        return np.argmax(self.feedforward(images), axis=1)

    def accuracy(self, images, labels) -> float:
        """The fraction of ``images`` whose prediction equals ``labels``.

        Checked first, once: at least one image, finite floating-point pixels, integer labels
        naming an output neuron. A network whose outputs are NaN has no accuracy:
        FloatingPointError (:func:`nnbook.checks.check_outputs`)."""
        x = self._images(images, allow_empty=False)
        y = self._labels(labels, len(x))
        outputs = check_outputs(self._outputs(x))
        return float(np.mean(np.argmax(outputs, axis=1) == y))

    def total_cost(self, images, labels, lmbda: float = 0.0, n: int | None = None,
                   regularization: str = "L2", *, masks=None) -> float:
        """The mean log-likelihood cost -ln a_y over the examples, plus the regularization term:
        (lmbda / 2n) sum w^2 for L2 (equation 86 of chapter 3) or (lmbda / n) sum |w| for L1,
        over every layer's weights, not the biases; n defaults to the number of examples.
        ``masks`` (one per layer, None or (m, n_in) of {0, scale}) evaluates the cost of a
        training step with those dropout masks, for gradient checks.
        """
        x = self._images(images)
        y = self._labels(labels, len(x))
        regularizer = regularizers.get(regularization)
        lmbda = check_rate("lmbda", lmbda, allow_zero=True)
        internal = self._masks(masks, len(x))
        with np.errstate(divide="ignore"):
            a = self._forward(x, internal is not None, internal)
            cost = float(-np.mean(np.log(a[y, np.arange(len(y))].astype(np.float64))))
        if lmbda:
            n = len(x) if n is None else check_positive_int("n", n)
            cost += regularizer.fn([w.astype(np.float64) for w in self.weights], lmbda, n)
        return cost

    def gradient(self, images, labels, masks=None) -> list[np.ndarray]:
        """dC/dp of the mean log-likelihood cost over the examples, by backpropagation: one
        array per parameter, in the order of :meth:`parameters` (no L2 term). ``masks`` as in
        :meth:`total_cost`. The shape and dtype of ``images`` are checked, not every value (this
        runs once per mini-batch)."""
        x = self._images(images, finite=False)
        y = self._labels(labels, len(x))
        internal = self._masks(masks, len(x))
        self._forward(x, True, internal)
        self._backward(y, 1.0 / len(x))
        return [g.copy() for layer in self.layers for g in (layer.nabla_w, layer.nabla_b)]

    def _masks(self, masks, m: int):
        if masks is None:
            return None
        if len(masks) != len(self.layers):
            raise ValueError(f"masks must hold one entry per layer ({len(self.layers)}); got "
                             f"{len(masks)}")
        internal = []
        for i, (layer, mask) in enumerate(zip(self.layers, masks)):
            if mask is None or not layer.p_dropout:
                if mask is not None:
                    raise ValueError(f"masks[{i}] must be None: layer {i} has p_dropout=0")
                internal.append(None)
                continue
            mask = np.asarray(mask, dtype=self.dtype)
            if mask.shape != (m, layer.input_size):
                raise ValueError(f"masks[{i}] must have shape ({m}, {layer.input_size}); got "
                                 f"{mask.shape}")
            internal.append(np.ascontiguousarray(mask.T))
        return internal if any(mk is not None for mk in internal) else None


def _describe(layer) -> str:
    if isinstance(layer, ConvPoolLayer):
        return (f"CP{layer.n_filters}({'x'.join(map(str, layer.image_shape))}, "
                f"{layer.activation.name})")
    name = "FC" if isinstance(layer, FullyConnectedLayer) else "softmax"
    drop = f", p_dropout={layer.p_dropout}" if layer.p_dropout else ""
    act = f", {layer.activation.name}" if isinstance(layer, FullyConnectedLayer) else ""
    return f"{name}({layer.n_in}->{layer.n_out}{act}{drop})"


def _check_layers(layers) -> list:
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence) or not layers:
        raise ValueError(f"layers must be a non-empty list of layers; got {layers!r}")
    kinds = (ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer)
    for i, layer in enumerate(layers):
        if not isinstance(layer, kinds):
            raise ValueError(f"layers[{i}] must be a ConvPoolLayer, FullyConnectedLayer or "
                             f"SoftmaxLayer; got {type(layer).__name__}")
        if isinstance(layer, SoftmaxLayer) != (i == len(layers) - 1):
            raise ValueError(f"the last layer, and only the last, must be a SoftmaxLayer; "
                             f"layers[{i}] is a {type(layer).__name__}")
    for i in range(1, len(layers)):
        before, after = layers[i - 1], layers[i]
        if isinstance(after, ConvPoolLayer):
            if not isinstance(before, ConvPoolLayer) or before.output_shape != after.image_shape:
                got = (before.output_shape if isinstance(before, ConvPoolLayer)
                       else f"{before.output_size} neurons")
                raise ValueError(f"layers[{i}].image_shape must be the output shape of "
                                 f"layers[{i - 1}], {got}; got {after.image_shape}")
        elif after.n_in != before.output_size:
            raise ValueError(f"layers[{i}].n_in must be {before.output_size}, the output size "
                             f"of layers[{i - 1}]; got {after.n_in}")
    return list(layers)


def network3_lmbda(lmbda: float, mini_batch_size: int) -> float:
    """The lmbda of :func:`nnbook.train.sgd` that reproduces the original ``network3``'s L2.

    The original adds 0.5 lmbda sum w^2 / (n/m) to each mini-batch's cost (n training examples,
    mini-batches of m), a decay w -> (1 - eta lmbda m / n) w per step: chapter 3's rule
    (equation 93) with lmbda m in place of lmbda. So chapter 6's lmbda = 0.1 at m = 10 is
    ``network3_lmbda(0.1, 10)`` = 1.0 here.
    """
    lmbda = check_rate("lmbda", lmbda, allow_zero=True)
    return lmbda * check_positive_int("mini_batch_size", mini_batch_size)


# ---- ensembles ----------------------------------------------------------------------------------


def ensemble_predict(nets: Sequence[Network], images) -> np.ndarray:
    """The plurality vote of ``nets`` for each image: shape (m,), integer labels.

    Each network votes for its most probable digit; the digit with the most votes wins. A tie
    between digits goes to the **smallest** of them (so two networks voting 3 and 7 give 3),
    the rule of the original's ``ensemble`` (numpy's argmax of the vote counts). With one
    network this is that network's :meth:`Network.predict`.
    """
    if isinstance(nets, Network) or not isinstance(nets, Sequence) or not nets:
        raise ValueError(f"nets must be a non-empty list of Networks; got {nets!r:.80}")
    for i, net in enumerate(nets):
        if not isinstance(net, Network):
            raise ValueError(f"nets[{i}] must be an nnbook.convnet.Network; got "
                             f"{type(net).__name__}")
    n_out = {net.layers[-1].n_out for net in nets}
    if len(n_out) != 1:
        raise ValueError(f"the networks must have the same number of outputs; got {sorted(n_out)}")
    votes = np.stack([net.predict(images) for net in nets])  # (k, m)
    m = votes.shape[1]
    counts = np.zeros((m, n_out.pop()), dtype=np.int64)
    np.add.at(counts, (np.broadcast_to(np.arange(m), votes.shape), votes), 1)
    return np.argmax(counts, axis=1)


# ---- the chapter's networks -------------------------------------------------------------------

ARCHITECTURES = {
    "6.1": "FC 784->100 sigmoid, softmax 100->10",
    "6.2": "CP20 sigmoid, FC 2880->100 sigmoid, softmax",
    "6.2x": "CP20 sigmoid, softmax 2880->10 (no fully connected layer)",
    "6.3": "CP20, CP40, FC 640->100, softmax; sigmoid",
    "6.3t": "as 6.3 with tanh",
    "6.4": "as 6.3 with ReLU",
    "6.5": "as 6.4 (trained on the expanded data)",
    "6.6": "as 6.4 with FC 300",
    "6.7": "as 6.4 with FC 1000",
    "6.8": "CP20, CP40, FC 640->100, FC 100->100, softmax; ReLU",
    "6.9": "as 6.8 with two FC 300",
    "6.10": "as 6.8 with two FC 1000",
    "6.11": "CP20, CP40, FC 640->1000, FC 1000->1000, softmax; ReLU; dropout 0.5 on the inputs "
            "of both FC layers and of the softmax layer",
}
"""The chapter 6 networks :func:`architecture` builds (training settings live elsewhere)."""


def architecture(name: str, *, rng=None, dtype=np.float32, init: str = "fan_in",
                 dropout: str = "inverted") -> Network:
    """The chapter 6 network called ``name`` (a key of :data:`ARCHITECTURES`), initialised.

    "6.5" is the same network as "6.4"; what differs is its training data. Other keyword
    arguments go to :class:`Network`.
    """
    if name not in ARCHITECTURES:
        raise ValueError(f"name must be one of {list(ARCHITECTURES)}; got {name!r}")
    act = {"6.1": activations.sigmoid, "6.2": activations.sigmoid,
           "6.2x": activations.sigmoid, "6.3": activations.sigmoid,
           "6.3t": activations.tanh}.get(name, activations.relu)
    cp20 = ConvPoolLayer((1, 28, 28), 20, 5, 2, act)
    cp40 = ConvPoolLayer((20, 12, 12), 40, 5, 2, act)
    if name == "6.1":
        layers = [FullyConnectedLayer(784, 100, act), SoftmaxLayer(100, 10)]
    elif name == "6.2":
        layers = [cp20, FullyConnectedLayer(20 * 12 * 12, 100, act), SoftmaxLayer(100, 10)]
    elif name == "6.2x":
        layers = [cp20, SoftmaxLayer(20 * 12 * 12, 10)]
    elif name in ("6.3", "6.3t", "6.4", "6.5", "6.6", "6.7"):
        width = {"6.6": 300, "6.7": 1000}.get(name, 100)
        layers = [cp20, cp40, FullyConnectedLayer(640, width, act), SoftmaxLayer(width, 10)]
    elif name in ("6.8", "6.9", "6.10"):
        width = {"6.8": 100, "6.9": 300, "6.10": 1000}[name]
        layers = [cp20, cp40, FullyConnectedLayer(640, width, act),
                  FullyConnectedLayer(width, width, act), SoftmaxLayer(width, 10)]
    else:  # 6.11
        layers = [cp20, cp40, FullyConnectedLayer(640, 1000, act, p_dropout=0.5),
                  FullyConnectedLayer(1000, 1000, act, p_dropout=0.5),
                  SoftmaxLayer(1000, 10, p_dropout=0.5)]
    return Network(layers, rng=rng, dtype=dtype, init=init, dropout=dropout)
