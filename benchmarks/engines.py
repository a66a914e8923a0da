"""Seconds per training epoch of the book's networks: nnbook against PyTorch and JAX on the CPU.

    python benchmarks/engines.py [--networks ch1-30,6.4,...] [--images N] [--repeats 3]
                                 [--engines nnbook,torch,jax-step,jax-scan] [--parallel] [--smoke]

For each network, one training epoch (mini-batch 10, float32, plain SGD with the book's eta, cost,
L2 and dropout) is timed by four engines, each in a fresh process pinned to one core with one
thread:

* ``nnbook``: :func:`nnbook.train.sgd` on the network the book trains;
* ``torch``: the same architecture in PyTorch, eager mode (``pip install torch==2.13.0``, the CPU
  build), ``torch.optim.SGD``;
* ``jax-step``: JAX with one jitted training step per mini-batch, the epoch's shuffled data on the
  device and the step's slice taken inside the compiled step;
* ``jax-scan``: JAX with the whole epoch compiled as one ``lax.scan`` over its mini-batches.

The JAX forms write the backward passes of a convolution and of max-pooling themselves
(``jax.custom_vjp``): the convolution's as two convolutions in the standard NCHW / OIHW layout
(inside a ``lax.scan`` body, the gradients that ``jax.grad`` derives can put XLA's CPU compiler
on a slow path, non-standard layouts run as naive loops), the pooling's as a mask of each
block's maximum (see benchmarks/README.md for what each form measured). PyTorch and JAX are optional (``pip install -e ".[bench]"``); an engine that is not
installed is skipped with a message.

Every engine starts from the same initial weights (:func:`initial_parameters`), trains
``--repeats`` epochs over ``--images`` images already in memory after a warm-up (one mini-batch,
or for JAX one compiled epoch), and reports the median epoch, extrapolated to 50,000 images, and
its accuracy on 2,000 test images afterwards: every engine must learn, or its time means
nothing. With ``--rounds`` above 1 the engines take turns, round after round, each run a fresh
process, and each engine's time is the median over the rounds: drift in the machine's speed
then hits every engine alike. The CPU, its float32 matrix-multiply peak on one thread (a large square product,
measured in the same run) and the library versions are printed with the table.

``--parallel`` also times two nnbook runs of each network at once on two cores against one alone.
``--smoke`` runs two networks on a few mini-batches, to check that every engine still runs;
its times mean nothing.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

EPOCH_IMAGES = 50_000  # one epoch of the book's training set
MINI_BATCH = 10
TEST_IMAGES = 2_000  # the learning check after the timed epochs
ENGINES = ("nnbook", "torch", "jax-step", "jax-scan")
ENGINE_NAMES = {"nnbook": "nnbook", "torch": "PyTorch eager", "jax-step": "JAX jit step",
                "jax-scan": "JAX epoch scan"}
INSTALL = {"torch": "pip install torch==2.13.0 (the CPU build)", "jax": "pip install jax"}


@dataclass(frozen=True)
class Spec:
    """One network of the book as the benchmark sees it: layers, neurons, cost and settings.

    ``layers`` holds ``("conv", n_filters)`` (5x5 filters, stride 1, then 2x2 max-pooling, then
    the activation, as the original's network3 orders them), ``("fc", n_out)`` (hidden) and an
    output layer ``("softmax", 10)`` (log-likelihood cost) or ``("sigmoid", 10)`` (quadratic or
    cross-entropy cost); shapes follow from the 1x28x28 input. ``dropout`` drops the inputs of
    every fully connected and output layer but the network's first layer (6.11's dropout, and
    chapter 3's on the hidden neurons). ``l2`` says how ``lmbda`` is counted: ``"network2"``
    (chapter 3: w -> (1 - eta lmbda / n) w) or ``"network3"`` (chapter 6: lmbda m / n in place
    of lmbda / n). ``images`` is how many images an epoch is timed on by default.
    """

    name: str
    layers: tuple
    activation: str
    eta: float
    lmbda: float
    dropout: float = 0.0
    epochs: int = 60
    training_images: int = EPOCH_IMAGES
    cost: str = "log-likelihood"
    init: str = "scaled"  # "large": every weight N(0, 1), as chapter 1; else N(0, 1/fan_in)
    l2: str = "network3"
    images: int = 3_000

    @property
    def chapter6(self) -> bool:
        return self.name.startswith("6.")

    def describe(self) -> str:
        if not self.chapter6:
            sizes = [784] + [n for _, n in self.layers]
            extra = f", L2 {self.lmbda:g}" if self.lmbda else ""
            extra += f", dropout {self.dropout:g}" if self.dropout else ""
            return f"{sizes} ({self.cost}{extra})"
        parts = [f"CP{n}" if kind == "conv" else f"FC{n}" if kind == "fc" else f"SM{n}"
                 for kind, n in self.layers]
        extra = f", dropout {self.dropout:g}" if self.dropout else ""
        return f"{' - '.join(parts)} ({self.activation}{extra})"

    def weight_decay(self, n: int) -> float:
        """The L2 term's gradient per unit weight, lmbda / n or lmbda m / n: the step is
        w -> w - eta (dC_0/dw + weight_decay w)."""
        per_image = self.lmbda / n
        return per_image * MINI_BATCH if self.l2 == "network3" else per_image


CP20, CP40 = ("conv", 20), ("conv", 40)
SOFTMAX, SIGMOID = ("softmax", 10), ("sigmoid", 10)
EXPANDED = 5 * EPOCH_IMAGES  # the training set plus its four one-pixel shifts
_FC = dict(activation="sigmoid", l2="network2", images=20_000, epochs=30)
SPECS = {s.name: s for s in [
    # Chapter 1 (network.py): quadratic cost, N(0, 1) weights, eta = 3.0.
    Spec("ch1-30", (("fc", 30), SIGMOID), eta=3.0, lmbda=0.0, cost="quadratic", init="large", **_FC),
    Spec("ch1-100", (("fc", 100), SIGMOID), eta=3.0, lmbda=0.0, cost="quadratic", init="large",
         **_FC),
    # Chapter 3 (network2.py): cross-entropy, L2 and dropout.
    Spec("ch3-ce", (("fc", 30), SIGMOID), eta=0.5, lmbda=0.0, cost="cross-entropy", init="large",
         **_FC),
    Spec("ch3-l2", (("fc", 30), SIGMOID), eta=0.5, lmbda=5.0, cost="cross-entropy", init="large",
         **_FC),
    Spec("ch3-l2-100", (("fc", 100), SIGMOID), eta=0.5, lmbda=5.0, cost="cross-entropy",
         init="large", **_FC),
    Spec("ch3-dropout", (("fc", 100), SIGMOID), eta=0.5, lmbda=0.0, dropout=0.5,
         cost="cross-entropy", **_FC),
    # Chapter 6 (network3.py): softmax and log-likelihood, lmbda counted per mini-batch.
    Spec("6.1", (("fc", 100), SOFTMAX), "sigmoid", 0.1, 0.0, images=20_000),
    Spec("6.2", (CP20, ("fc", 100), SOFTMAX), "sigmoid", 0.1, 0.0, images=5_000),
    Spec("6.2x", (CP20, SOFTMAX), "sigmoid", 0.1, 0.0),
    Spec("6.3", (CP20, CP40, ("fc", 100), SOFTMAX), "sigmoid", 0.1, 0.0),
    Spec("6.3t", (CP20, CP40, ("fc", 100), SOFTMAX), "tanh", 0.1, 0.0, epochs=80),
    Spec("6.4", (CP20, CP40, ("fc", 100), SOFTMAX), "relu", 0.03, 0.1),
    Spec("6.5", (CP20, CP40, ("fc", 100), SOFTMAX), "relu", 0.03, 0.1, training_images=EXPANDED),
    Spec("6.6", (CP20, CP40, ("fc", 300), SOFTMAX), "relu", 0.03, 0.1, training_images=EXPANDED),
    Spec("6.7", (CP20, CP40, ("fc", 1000), SOFTMAX), "relu", 0.03, 0.1, training_images=EXPANDED),
    Spec("6.8", (CP20, CP40, ("fc", 100), ("fc", 100), SOFTMAX), "relu", 0.03, 0.1,
         training_images=EXPANDED),
    Spec("6.9", (CP20, CP40, ("fc", 300), ("fc", 300), SOFTMAX), "relu", 0.03, 0.1,
         training_images=EXPANDED),
    Spec("6.10", (CP20, CP40, ("fc", 1000), ("fc", 1000), SOFTMAX), "relu", 0.03, 0.1,
         training_images=EXPANDED),
    Spec("6.11", (CP20, CP40, ("fc", 1000), ("fc", 1000), SOFTMAX), "relu", 0.03, 0.0, 0.5,
         epochs=40, training_images=EXPANDED),
]}
DEFAULT_NETWORKS = "ch1-30,ch1-100,ch3-ce,ch3-l2,ch3-dropout,6.1,6.2,6.3,6.4,6.11"
SMOKE_NETWORKS = "ch3-dropout,6.11"

# Runs of each experiment in the book's chapter 6 (best of 3; 6.12 is an ensemble of five 6.11
# nets; 6.3t is trained once for 20 and once for 60 epochs, counted here as 80 epochs once).
BOOK_RUNS = {"6.1": 3, "6.2": 3, "6.2x": 3, "6.3": 3, "6.3t": 1, "6.4": 3, "6.5": 3, "6.6": 3,
             "6.7": 3, "6.8": 3, "6.9": 3, "6.10": 3, "6.11": 3, "6.12": 5}

# Targets.
TARGET_TORCH = 2.0        # PyTorch eager time / nnbook time, every network
TARGET_JAX = 1.3          # the faster JAX form's time / nnbook time, every network
TARGET_PEAK_SHARE = 0.45  # of the one-thread matmul peak, convolutional networks
TARGET_PARALLEL = 1.25    # two runs on two cores / one run alone ("little more than one")


# ---------------------------------------------------------------------------------------------
# Counting


def layer_shapes(spec: Spec) -> list[tuple[str, int, int, int]]:
    """``(kind, fan_in, n_out, positions)`` per layer: a conv-pool layer is a product of
    ``fan_in = channels * 25`` inputs by ``n_out`` filters at ``positions`` output pixels."""
    channels, side = 1, 28
    flat = None
    out = []
    for kind, n in spec.layers:
        if kind == "conv":
            if flat is not None:
                raise ValueError(f"{spec.name}: a conv layer after a fully connected one")
            conv_side = side - 4
            out.append((kind, channels * 25, n, conv_side * conv_side))
            channels, side = n, conv_side // 2
        else:
            n_in = flat if flat is not None else channels * side * side
            out.append((kind, n_in, n, 1))
            flat = n
    return out


def flops_per_example(spec: Spec, mini_batch_size: int = MINI_BATCH) -> int:
    """2 x multiply-adds of one training example, counted from the architecture alone.

    Forward, weight gradient and input gradient each cost ``fan_in * n_out * positions``
    multiply-adds per layer (the first layer needs no input gradient); one SGD update costs one
    multiply-add per parameter per mini-batch, shared by its ``mini_batch_size`` examples.
    Pooling, activations and the cost are elementwise and left out.
    """
    macs = 0
    params = 0
    for i, (_, fan_in, n_out, positions) in enumerate(layer_shapes(spec)):
        product = fan_in * n_out * positions
        macs += product * (2 if i == 0 else 3)
        params += fan_in * n_out + n_out
    return 2 * macs + (2 * params) // mini_batch_size


def num_parameters(spec: Spec) -> int:
    return sum(fan_in * n_out + n_out for _, fan_in, n_out, _ in layer_shapes(spec))


def initial_parameters(spec: Spec, seed: int) -> list[tuple]:
    """``(w, b)`` per layer as float32 numpy arrays, for the PyTorch and JAX engines: conv
    weights (n_out, channels, 5, 5), fully connected (n_out, fan_in); weights N(0, 1/fan_in)
    (N(0, 1) for ``init="large"``), biases N(0, 1) for the sigmoid networks and 0 otherwise."""
    import numpy as np

    rng = np.random.default_rng(seed)
    out = []
    for kind, fan_in, n_out, _ in layer_shapes(spec):
        shape = (n_out, fan_in // 25, 5, 5) if kind == "conv" else (n_out, fan_in)
        scale = 1.0 if spec.init == "large" else 1 / math.sqrt(fan_in)
        w = (rng.standard_normal(shape) * scale).astype(np.float32)
        b = (rng.standard_normal(n_out) if spec.activation == "sigmoid" and not spec.chapter6
             else np.zeros(n_out)).astype(np.float32)
        out.append((w, b))
    return out


def dropped_layers(spec: Spec) -> list[bool]:
    """Whether dropout acts on the inputs of each layer (see :class:`Spec`)."""
    return [bool(spec.dropout) and kind != "conv" and i > 0
            for i, (kind, _) in enumerate(spec.layers)]


# ---------------------------------------------------------------------------------------------
# Worker side: each measurement runs in a fresh process (python engines.py --worker ...)


def _memory_mb(field_name: str) -> float | None:
    """A field of /proc/self/status (VmRSS, VmHWM) in MB; None where /proc is missing."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _reset_peak_memory() -> bool:
    """Reset VmHWM to the current resident size (Linux: write 5 to /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def _max_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _nnbook_trainer(spec: Spec, training, seed: int):
    """nnbook's network for ``spec`` and one epoch of :func:`nnbook.train.sgd` over the first
    n images of ``training``; returns ``(epoch, accuracy, info)``. Chapter 6's networks come
    from :func:`nnbook.convnet.architecture` with network3's L2
    (:func:`nnbook.convnet.network3_lmbda`), the others are :class:`nnbook.network.Network`."""
    import numpy as np

    from nnbook.train import sgd

    rng = np.random.default_rng(seed + 1)
    if spec.chapter6:
        from nnbook.convnet import architecture, network3_lmbda

        net = architecture(spec.name, rng=np.random.default_rng(seed), dtype=np.float32)
        lmbda = network3_lmbda(spec.lmbda, MINI_BATCH)
        info = {"flops_engine": int(net.flops_per_example())}
    else:
        from nnbook.network import Network

        sizes = [784] + [n for _, n in spec.layers]
        net = Network(sizes, cost=spec.cost, activation=spec.activation, init=spec.init,
                      rng=seed, dtype=np.float32)
        lmbda = spec.lmbda
        info = {}

    # Chapter 6's dropout is part of its layers; chapter 3's is an option of the training.
    options = {} if spec.chapter6 else {"dropout": spec.dropout}

    # The same initial weights as the other engines, so that their accuracies compare.
    for p, value in zip(net.parameters(), (v for wb in initial_parameters(spec, seed) for v in wb)):
        p[...] = value.reshape(p.shape)

    def epoch(n: int) -> None:
        sgd(net, training[:n], epochs=1, mini_batch_size=MINI_BATCH, eta=spec.eta,
            lmbda=lmbda, rng=rng, **options)

    return epoch, net.accuracy, info


def _torch_trainer(spec: Spec, x, y, seed: int):
    """A PyTorch model of ``spec`` (eager) and a function training one epoch over ``x, y``."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    act = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}[spec.activation]
    modules: list = []
    for (kind, fan_in, n_out, _), drop in zip(layer_shapes(spec), dropped_layers(spec)):
        if kind == "conv":
            modules += [nn.Conv2d(fan_in // 25, n_out, 5), nn.MaxPool2d(2), act()]
            continue
        if not any(isinstance(m, nn.Flatten) for m in modules):
            modules.append(nn.Flatten())
        if drop:
            modules.append(nn.Dropout(spec.dropout))
        modules.append(nn.Linear(fan_in, n_out))
        if kind == "fc":
            modules.append(act())
    model = nn.Sequential(*modules)
    layers = [m for m in model if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        for layer, (w, b) in zip(layers, initial_parameters(spec, seed)):
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.copy_(torch.from_numpy(b))
    weights = [layer.weight for layer in layers]
    biases = [layer.bias for layer in layers]
    decay = spec.weight_decay(len(x))
    optimizer = torch.optim.SGD([{"params": weights, "weight_decay": decay},
                                 {"params": biases, "weight_decay": 0.0}], lr=spec.eta)
    shape = (-1, 1, 28, 28) if spec.layers[0][0] == "conv" else (-1, 784)
    xt = torch.tensor(x.reshape(shape))  # a copy: the loaded images are read-only
    yt = torch.from_numpy(y.astype("int64"))
    generator = torch.Generator().manual_seed(seed)

    def cost(z, yb):
        if spec.cost == "log-likelihood":
            return F.cross_entropy(z, yb)
        target = F.one_hot(yb, 10).to(z.dtype)
        if spec.cost == "cross-entropy":  # sum over the output neurons, mean over the mini-batch
            return F.binary_cross_entropy_with_logits(z, target, reduction="sum") / len(yb)
        return 0.5 * ((torch.sigmoid(z) - target) ** 2).sum() / len(yb)  # quadratic

    def step(xb, yb) -> None:
        optimizer.zero_grad(set_to_none=True)
        cost(model(xb), yb).backward()
        optimizer.step()

    def epoch(n: int) -> None:
        model.train()
        order = torch.randperm(n, generator=generator)
        xs, ys = xt[order], yt[order]
        for k in range(0, n - MINI_BATCH + 1, MINI_BATCH):  # whole mini-batches only
            step(xs[k:k + MINI_BATCH], ys[k:k + MINI_BATCH])

    def accuracy(images, labels) -> float:
        model.eval()
        with torch.no_grad():
            z = model(torch.tensor(images.reshape(shape)))
        return float((z.argmax(1).numpy() == labels).mean())

    return epoch, accuracy, {"parameters": sum(p.numel() for p in model.parameters())}


@functools.cache
def jax_kernels():
    """``(conv, pool)`` for the JAX engines: a 'VALID' convolution of NCHW inputs with OIHW
    kernels, and 2x2 max-pooling, each with its backward pass written out (``jax.custom_vjp``)."""
    import jax
    import jax.numpy as jnp
    from jax import lax

    dims = ("NCHW", "OIHW", "NCHW")

    def correlate(a, w):
        return lax.conv_general_dilated(a, w, (1, 1), "VALID", dimension_numbers=dims)

    @jax.custom_vjp
    def conv(a, w):
        return correlate(a, w)

    def conv_forward(a, w):
        return correlate(a, w), (a, w)

    def conv_backward(saved, g):
        a, w = saved
        # dC/da: the full correlation of g with the flipped kernels, channels swapped.
        padded = jnp.pad(g, ((0, 0), (0, 0), (4, 4), (4, 4)))
        da = correlate(padded, jnp.flip(w, (2, 3)).transpose(1, 0, 2, 3))
        # dC/dw: a correlation of the inputs with g, the mini-batch taking the channels' place.
        dw = correlate(a.transpose(1, 0, 2, 3), g.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)
        return da, dw

    conv.defvjp(conv_forward, conv_backward)

    @jax.custom_vjp
    def pool(z):  # 2x2 max-pooling
        m, c, h, v = z.shape
        return z.reshape(m, c, h // 2, 2, v // 2, 2).max(axis=(3, 5))

    def pool_forward(z):
        pooled = pool(z)
        return pooled, (z, pooled)

    def pool_backward(saved, g):
        # dC/dz: g routed to the position of each block's maximum (jax.grad's own route, through
        # the reduction, is several times slower on the CPU).
        z, pooled = saved
        m, c, h, v = z.shape
        blocks = z.reshape(m, c, h // 2, 2, v // 2, 2)
        chosen = blocks == pooled[:, :, :, None, :, None]
        return ((chosen * g[:, :, :, None, :, None]).reshape(z.shape),)

    pool.defvjp(pool_forward, pool_backward)
    return conv, pool


def _jax_trainer(spec: Spec, x, y, seed: int, scan: bool):
    """The network of ``spec`` in JAX and a function training one epoch over ``x, y``: one
    jitted step per mini-batch, or (``scan``) the whole epoch as one compiled ``lax.scan``."""
    import jax
    import jax.numpy as jnp
    import numpy as np
    from jax import lax

    conv, pool = jax_kernels()
    act = {"sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh, "relu": jax.nn.relu}[spec.activation]
    dropped = dropped_layers(spec)
    keep = 1.0 - spec.dropout

    def forward(params, a, key=None):
        if spec.layers[0][0] == "conv":
            a = a.reshape(-1, 1, 28, 28)
        for i, ((kind, _), (w, b)) in enumerate(zip(spec.layers, params)):
            if kind == "conv":
                a = act(pool(conv(a, w) + b[None, :, None, None]))
                continue
            a = a.reshape(a.shape[0], -1)
            if dropped[i] and key is not None:  # inverted dropout
                a = a * jax.random.bernoulli(jax.random.fold_in(key, i), keep, a.shape) / keep
            z = a @ w.T + b
            a = act(z) if kind == "fc" else z
        return z

    def cost(params, xb, yb, key):
        z = forward(params, xb, key)
        if spec.cost == "log-likelihood":
            return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(z), yb[:, None], 1))
        target = jax.nn.one_hot(yb, 10, dtype=z.dtype)
        if spec.cost == "cross-entropy":
            return jnp.sum(jax.nn.softplus(z) - target * z) / xb.shape[0]
        return 0.5 * jnp.sum((jax.nn.sigmoid(z) - target) ** 2) / xb.shape[0]

    decay = spec.weight_decay(len(x))
    eta = spec.eta

    def update(params, xb, yb, key):
        grads = jax.grad(cost)(params, xb, yb, key)
        return [(w - eta * (gw + decay * w), b - eta * gb)
                for (w, b), (gw, gb) in zip(params, grads)]

    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in initial_parameters(spec, seed)]
    images = jnp.asarray(x)
    labels = jnp.asarray(y.astype(np.int32))
    key = jax.random.PRNGKey(seed)
    rng = np.random.default_rng(seed)
    state = {"params": params, "epoch": 0}

    if scan:
        @jax.jit
        def run_epoch(params, order, key):
            steps = order.shape[0] // MINI_BATCH
            xs = images[order].reshape(steps, MINI_BATCH, -1)
            ys = labels[order].reshape(steps, MINI_BATCH)

            def body(params, batch):
                xb, yb, k = batch
                return update(params, xb, yb, jax.random.fold_in(key, k)), None

            params, _ = lax.scan(body, params, (xs, ys, jnp.arange(steps)))
            return params
    else:
        @jax.jit
        def step(params, xs, ys, k, key):
            xb = lax.dynamic_slice_in_dim(xs, k * MINI_BATCH, MINI_BATCH)
            yb = lax.dynamic_slice_in_dim(ys, k * MINI_BATCH, MINI_BATCH)
            return update(params, xb, yb, jax.random.fold_in(key, k))

        gather = jax.jit(lambda order: (images[order], labels[order]))

    def epoch(n: int, keep: bool = True) -> None:
        """Train one epoch over the first n images; ``keep=False`` compiles and runs it, then
        puts the parameters back (the warm-up)."""
        order = jnp.asarray(rng.permutation(n)[: n - n % MINI_BATCH].astype(np.int32))
        epoch_key = jax.random.fold_in(key, state["epoch"])
        state["epoch"] += 1
        params = state["params"]
        if scan:
            params = run_epoch(params, order, epoch_key)
        else:
            xs, ys = gather(order)
            for k in range(order.shape[0] // MINI_BATCH):
                params = step(params, xs, ys, k, epoch_key)
        jax.block_until_ready(params)
        if keep:
            state["params"] = params

    predict = jax.jit(lambda params, a: jnp.argmax(forward(params, a), axis=1))

    def accuracy(test_images, test_labels) -> float:
        return float(np.mean(np.asarray(predict(state["params"], jnp.asarray(test_images)))
                             == test_labels))

    return epoch, accuracy, {}


def run_worker(engine: str, network: str, images: int, repeats: int, seed: int,
               wait_for_go: bool) -> dict:
    """Time ``repeats`` epochs of ``images`` images in this process; the result as a dict."""
    spec = SPECS[network]
    if engine == "torch":
        import torch  # noqa: F401  (imported before the baseline memory is read)
    elif engine.startswith("jax"):
        import jax  # noqa: F401
    else:
        import nnbook.convnet  # noqa: F401
    from threadpoolctl import threadpool_limits

    from nnbook.data import load_mnist

    mnist = load_mnist(download=False)
    training = mnist.training
    if images > len(training):
        raise ValueError(f"--images must be at most {len(training)}; got {images}")
    test_x, test_y = mnist.test.images[:TEST_IMAGES], mnist.test.labels[:TEST_IMAGES]
    result: dict = {"engine": engine, "network": network, "images": images}
    # Memory used by the network and its training (parameters, gradients, workspaces): the
    # peak from here on above the resident size with the library imported and the data loaded.
    rss_before = _memory_mb("VmRSS")
    reset = _reset_peak_memory()
    limit = threadpool_limits(limits=1, user_api="blas")
    x, y = training.images[:images], training.labels[:images]
    if engine == "torch":
        epoch, accuracy, info = _torch_trainer(spec, x, y, seed)
    elif engine.startswith("jax"):
        epoch, accuracy, info = _jax_trainer(spec, x, y, seed, scan=engine == "jax-scan")
    else:
        epoch, accuracy, info = _nnbook_trainer(spec, training, seed)
    result.update(info)
    # Warm-up: one mini-batch; for JAX one whole epoch, which compiles for the epoch's shapes
    # and is then undone, so that every engine has trained as much when its accuracy is taken.
    if engine.startswith("jax"):
        epoch(images, keep=False)
    else:
        epoch(MINI_BATCH)
    if wait_for_go:  # the parent starts several workers together once all are ready
        print("ready", flush=True)
        sys.stdin.readline()
    seconds = []
    start = time.perf_counter()
    for _ in range(repeats):
        t = time.perf_counter()
        epoch(images)
        seconds.append(time.perf_counter() - t)
    result["wall"] = time.perf_counter() - start
    limit.restore_original_limits()
    hwm = _memory_mb("VmHWM")
    result.update(seconds=seconds, max_rss_mb=_max_rss_mb(),
                  training_mb=(hwm - rss_before) if reset and hwm and rss_before else None,
                  accuracy=accuracy(test_x, test_y))
    return result


def run_peak_worker(size: int, repeats: int) -> dict:
    """Best GFLOP/s of a float32 (size x size) @ (size x size) product on one thread: numpy's
    BLAS, and PyTorch's when it is installed."""
    import numpy as np
    from threadpoolctl import threadpool_info, threadpool_limits

    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    flops = 2.0 * size ** 3

    def best(fn) -> float:
        fn()
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return flops / min(times) / 1e9

    out = {"size": size}
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    out["blas"] = f"{blas[0]['internal_api']} {blas[0]['version']}" if blas else "unknown"
    with threadpool_limits(limits=1, user_api="blas"):
        out["numpy_1"] = best(lambda: a @ b)
    if importlib.util.find_spec("torch") is not None:
        import torch

        torch.set_num_threads(1)
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        out["torch_1"] = best(lambda: ta @ tb)
    return out


# ---------------------------------------------------------------------------------------------
# Parent side


def _worker_command(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", *args]


def _worker_env() -> dict:
    """The environment of a worker: one thread for every library, JAX on the CPU."""
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"
    env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false "
                        "intra_op_parallelism_threads=1").strip()
    env.setdefault("JAX_PLATFORMS", "cpu")
    return env


def _pinned(core: int | None):
    """A function that pins the calling (child) process to ``core``, run before it imports
    anything; None where there is no core or no affinity to set."""
    if core is None or not hasattr(os, "sched_setaffinity"):
        return None
    return lambda: os.sched_setaffinity(0, {core})


def cores() -> list[int]:
    """The cores this process may run on (all of them where affinity is not supported)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


@dataclass
class Job:
    engine: str
    network: str
    images: int
    repeats: int
    core: int | None = None  # the one core the worker is pinned to
    seed: int = 0
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> None:
        self.process = subprocess.Popen(
            _worker_command("run", self.engine, self.network, str(self.images), str(self.repeats),
                            str(self.seed)),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=_worker_env(), preexec_fn=_pinned(self.core))

    def wait_ready(self) -> None:
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            self.finish()  # raises with the worker's error

    def go(self) -> None:
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def finish(self) -> dict:
        out, err = self.process.communicate()
        if self.process.returncode != 0:
            raise RuntimeError(f"the {self.engine} worker for {self.network} failed "
                               f"(exit {self.process.returncode}):\n{err.strip()}")
        return json.loads(out.strip().splitlines()[-1])


def run_together(jobs: list[Job]) -> list[dict]:
    """Start the jobs, wait until each has loaded its data and warmed up, then let them all
    time their epochs at the same moment."""
    for job in jobs:
        job.start()
    try:
        for job in jobs:
            job.wait_ready()
        for job in jobs:
            job.go()
        return [job.finish() for job in jobs]
    finally:
        for job in jobs:
            if job.process.poll() is None:
                job.process.kill()


def measure_peak(size: int, repeats: int, core: int | None) -> dict:
    done = subprocess.run(_worker_command("peak", str(size), str(repeats)), capture_output=True,
                          text=True, env=_worker_env(), preexec_fn=_pinned(core))
    if done.returncode != 0:
        raise RuntimeError(f"the matmul-peak worker failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def parallel_slowdown(network: str, images: int, args, timed: dict) -> float:
    """Wall time of two nnbook runs at once (two processes, one per core) over one run alone.

    Each run trains for at least ``args.parallel_seconds`` (more repeats of the same epoch
    when one epoch of ``images`` is shorter, since a short run measures mostly noise); the
    run alone is repeated right before the pair, so both see the same machine. The ratio of
    the slower of the pair to the run alone is returned: 1.0 means the second core came free.
    """
    per_repeat = statistics.median(timed["seconds"])
    repeats = max(args.repeats, math.ceil(args.parallel_seconds / per_repeat))
    two = cores()[-2:]
    alone = run_together([Job("nnbook", network, images, repeats, two[-1], 1)])[0]
    pair = run_together([Job("nnbook", network, images, repeats, core, seed)
                         for core, seed in zip(two, (1, 2))])
    return max(r["wall"] for r in pair) / alone["wall"]


def missing_engines(wanted: list[str]) -> dict[str, str]:
    """Why each engine of ``wanted`` cannot run here: engine -> message."""
    out = {}
    for engine in wanted:
        package = "jax" if engine.startswith("jax") else engine
        if package == "nnbook":
            continue
        if importlib.util.find_spec(package) is None:
            out[engine] = f"{package} is not installed (for the comparison: {INSTALL[package]})"
    return out


def combine(runs: list[dict]) -> dict:
    """One engine's result over several rounds: the last run's, with ``seconds`` the median
    epoch of each round (so :func:`per_epoch` gives the median over the rounds) and
    ``rounds`` each round's seconds per 50,000 images."""
    if len(runs) == 1:
        return runs[0]
    return dict(runs[-1], seconds=[statistics.median(r["seconds"]) for r in runs],
                rounds=[per_epoch(r) for r in runs])


def per_epoch(result: dict) -> float:
    return statistics.median(result["seconds"]) * EPOCH_IMAGES / result["images"]


def build_row(spec: Spec, results: dict[str, dict], peak_1: float) -> dict:
    """One network's measurements: seconds per epoch and accuracy of each engine, each engine's
    time over nnbook's, nnbook's GFLOP/s and share of the one-thread peak, memory."""
    flops = flops_per_example(spec)
    row: dict = {"network": spec.name, "layers": spec.describe(), "mflop": flops / 1e6,
                 "flops_counted": flops, "flops_engine": None, "parallel": None}
    for engine in ENGINES:
        result = results.get(engine)
        row[f"{engine}_s"] = per_epoch(result) if result else None
        row[f"{engine}_accuracy"] = result["accuracy"] if result else None
        row[f"{engine}_mb"] = result["max_rss_mb"] if result else None
        row[f"{engine}_train_mb"] = result["training_mb"] if result else None
    nnbook = row["nnbook_s"]
    row["gflops"] = flops * EPOCH_IMAGES / nnbook / 1e9 if nnbook else None
    row["peak_share"] = row["gflops"] / peak_1 if nnbook else None
    for engine in ENGINES[1:]:
        row[f"{engine}_ratio"] = row[f"{engine}_s"] / nnbook if nnbook and row[f"{engine}_s"] else None
    jax = [row[f"{e}_s"] for e in ("jax-step", "jax-scan") if row[f"{e}_s"]]
    row["jax_ratio"] = min(jax) / nnbook if nnbook and jax else None
    if results.get("nnbook"):
        row["flops_engine"] = results["nnbook"].get("flops_engine")
    return row


def _cell(value, fmt: str) -> str:
    return "-" if value is None else fmt.format(value)


def speed_table(rows: list[dict]) -> str:
    lines = ["| network | layers | nnbook s/epoch | PyTorch eager | JAX jit step | JAX epoch scan "
             "| nnbook GFLOP/s | % of 1-thread peak |", "|" + "---|" * 8]
    for r in rows:
        cells = [r["network"], r["layers"], _cell(r["nnbook_s"], "{:.3f}")]
        for engine in ENGINES[1:]:
            s, ratio = r[f"{engine}_s"], r[f"{engine}_ratio"]
            cells.append("-" if s is None else f"{s:.3f}" + ("" if ratio is None
                                                             else f" ({ratio:.2f}x)"))
        cells += [_cell(r["gflops"], "{:.1f}"), _cell(r["peak_share"], "{:.0%}")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def check_table(rows: list[dict]) -> str:
    lines = ["| network | " + " | ".join(f"{ENGINE_NAMES[e]} accuracy" for e in ENGINES)
             + " | nnbook peak RSS MB | nnbook training MB | 2 runs on 2 cores / 1 alone |",
             "|" + "---|" * (len(ENGINES) + 4)]
    for r in rows:
        cells = [r["network"]] + [_cell(r[f"{e}_accuracy"], "{:.1%}") for e in ENGINES]
        cells += [_cell(r["nnbook_mb"], "{:.0f}"), _cell(r["nnbook_train_mb"], "{:.0f}"),
                  _cell(r["parallel"], "{:.2f}")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def check_targets(rows: list[dict]) -> list[tuple[str, bool | None, str]]:
    """``(target, met, detail)``; ``met`` is None when it could not be measured in this run."""
    out = []
    for key, target, text in (("torch_ratio", TARGET_TORCH, "PyTorch eager"),
                              ("jax_ratio", TARGET_JAX, "the faster JAX form")):
        ratios = {r["network"]: r[key] for r in rows if r[key] is not None}
        detail = ", ".join(f"{n}: {v:.2f}x" for n, v in ratios.items()) or "not measured"
        out.append((f"every network at least {target:g}x faster than {text}",
                    all(v >= target for v in ratios.values()) if ratios else None, detail))
    conv = {r["network"]: r["peak_share"] for r in rows
            if r["peak_share"] is not None and "CP" in r["layers"]}
    detail = ", ".join(f"{n}: {v:.0%}" for n, v in conv.items()) or "no convolutional network timed"
    out.append((f"convolutional networks at {TARGET_PEAK_SHARE:.0%} or more of the one-thread "
                f"matmul peak", all(v >= TARGET_PEAK_SHARE for v in conv.values()) if conv else None,
                detail))
    par = {r["network"]: r["parallel"] for r in rows if r["parallel"] is not None}
    detail = ", ".join(f"{n}: {v:.2f}" for n, v in par.items()) or "run with --parallel"
    out.append((f"two runs on two cores take at most {TARGET_PARALLEL:g}x one run alone",
                all(v <= TARGET_PARALLEL for v in par.values()) if par else None, detail))
    return out


def _conv_layers(spec: Spec) -> int:
    return sum(kind == "conv" for kind, _ in spec.layers)


def chapter6_hours(seconds_per_epoch: dict[str, float], eval_share: float = 20_000 / 3) -> dict:
    """Projected training hours of each chapter 6 experiment at the book's settings, on one core.

    ``seconds_per_epoch`` holds measured seconds per 50,000-image epoch by network. A network
    that was not measured takes the time of a measured identical network (6.5 is 6.4 on more
    data), or else is estimated from the measured one with the same number of conv-pool layers
    and the nearest FLOP count (the same activation among equals), scaled by FLOPs (listed in
    ``estimated``; ``missing`` when there is none). Each epoch also evaluates 20,000 validation
    and test images, costed as ``eval_share`` training images (a forward pass is about a third
    of a training step). Runs per experiment are :data:`BOOK_RUNS` (6.12 is five more runs of
    6.11). Networks of other chapters in ``seconds_per_epoch`` are ignored.
    """
    seconds_per_epoch = {n: s for n, s in seconds_per_epoch.items() if SPECS[n].chapter6}
    hours, estimated, missing = {}, [], []
    for name, runs in BOOK_RUNS.items():
        spec = SPECS["6.11" if name == "6.12" else name]
        seconds = seconds_per_epoch.get(spec.name)
        same = [n for n in seconds_per_epoch if (SPECS[n].layers, SPECS[n].activation,
                                                 SPECS[n].dropout)
                == (spec.layers, spec.activation, spec.dropout)]
        if seconds is None and same:  # the same network (6.5 is 6.4 on more data)
            seconds = seconds_per_epoch[same[0]]
        if seconds is None:
            flops = flops_per_example(spec)
            similar = [n for n in seconds_per_epoch
                       if _conv_layers(SPECS[n]) == _conv_layers(spec)]
            if not similar:
                missing.append(name)
                continue
            base = min(similar, key=lambda n: (abs(math.log(flops_per_example(SPECS[n]) / flops)),
                                               SPECS[n].activation != spec.activation))
            seconds = seconds_per_epoch[base] * flops / flops_per_example(SPECS[base])
            estimated.append(f"{name} from {base}")
        per_image = seconds / EPOCH_IMAGES
        hours[name] = runs * spec.epochs * (spec.training_images + eval_share) * per_image / 3600
    return {"hours": hours, "estimated": estimated, "missing": missing,
            "total": sum(hours.values())}


def _revision() -> str:
    """The repository's commit, marked when nnbook/ has uncommitted changes."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "nnbook"],
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"
    return (head or "unknown") + (" + uncommitted changes in nnbook/" if dirty else "")


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        one, five, fifteen = os.getloadavg()
        return f"load average: {one:.2f}, {five:.2f}, {fifteen:.2f}"


def cpu_model() -> str:
    """The CPU's model name and its widest vector instructions, from /proc/cpuinfo."""
    name, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    name = value.strip()
                elif key.strip() == "flags":
                    flags = set(value.split())
                    break
    except OSError:
        pass
    vector = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else None
    return f"{name}{f' ({vector})' if vector else ''}"


def versions() -> str:
    """The versions of the libraries behind each engine."""
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for package in ("numpy", "nnbook", "torch", "jax", "jaxlib"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            pass
    return ", ".join(parts)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--networks", default=None,
                        help=f"comma-separated, from {', '.join(SPECS)} (default {DEFAULT_NETWORKS})")
    parser.add_argument("--images", type=int, default=None,
                        help="images timed per epoch, extrapolated to 50,000 (default: 20,000 for "
                             "fully connected networks, 5,000 for 6.2, 3,000 for the others)")
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per run; median")
    parser.add_argument("--rounds", type=int, default=1,
                        help="runs of every engine, taking turns; the median over the rounds")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help=f"comma-separated, from {', '.join(ENGINES)} (default: all)")
    parser.add_argument("--parallel", action="store_true",
                        help="also time two nnbook runs at once on two cores against one alone")
    parser.add_argument("--parallel-seconds", type=float, default=3.0,
                        help="least training time of each run in the --parallel measurement")
    parser.add_argument("--peak-size", type=int, default=2048,
                        help="side of the square float32 matmul that measures the peak")
    parser.add_argument("--smoke", action="store_true",
                        help=f"check that every engine runs: networks {SMOKE_NETWORKS}, 100 "
                             "images, 1 repeat, a small peak product (the times mean nothing)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.networks = args.networks or SMOKE_NETWORKS
        args.images, args.repeats, args.rounds = args.images or 100, 1, 1
        args.peak_size = min(args.peak_size, 256)
    args.networks = [n.strip() for n in (args.networks or DEFAULT_NETWORKS).split(",") if n.strip()]
    unknown = [n for n in args.networks if n not in SPECS]
    if unknown or not args.networks:
        parser.error(f"--networks must name some of {', '.join(SPECS)}; got {unknown or 'none'}")
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    wrong = [e for e in args.engines if e not in ENGINES]
    if wrong or not args.engines:
        parser.error(f"--engines must name some of {', '.join(ENGINES)}; got {wrong or 'none'}")
    for name in ("repeats", "rounds", "peak_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.images is not None and not MINI_BATCH <= args.images <= EPOCH_IMAGES:
        parser.error(f"--images must be between one mini-batch ({MINI_BATCH}) and {EPOCH_IMAGES:,}")
    return args


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark, print its report, and return it: ``rows`` (one dict per network, None
    where not measured), ``peak`` (GFLOP/s), ``targets``, ``projection``, ``skipped``."""
    args = parse_args(argv)
    core = cores()[-1]
    print(f"# nnbook against PyTorch and JAX: {cpu_model()}, {os.cpu_count()} cores; every run "
          f"pinned to core {core}, one thread")
    print(f"python {platform.python_version()}; {versions()}")
    print(f"nnbook commit {_revision()}")
    print(f"load before: {_uptime()}")
    rounds = f", median over {args.rounds} rounds" if args.rounds > 1 else ""
    print(f"mini-batch {MINI_BATCH}; float32; median of {args.repeats} epoch(s){rounds}, "
          f"extrapolated to {EPOCH_IMAGES:,} images"
          + (" (smoke: the times mean nothing)" if args.smoke else ""))
    skipped = missing_engines(args.engines)
    for engine, why in skipped.items():
        print(f"{ENGINE_NAMES[engine]} skipped: {why}")
    engines = [e for e in args.engines if e not in skipped]

    peak = measure_peak(args.peak_size, 3, core)
    peak_1 = peak["numpy_1"]
    line = (f"float32 matmul peak on one thread ({args.peak_size}x{args.peak_size}, pinned like "
            f"the runs): numpy ({peak['blas']}) {peak['numpy_1']:.1f} GFLOP/s")
    if "torch_1" in peak:
        line += f", PyTorch {peak['torch_1']:.1f}"
    print(line + "\n", flush=True)

    rows = []
    for name in args.networks:
        spec = SPECS[name]
        images = args.images or spec.images
        rounds: dict[str, list[dict]] = {engine: [] for engine in engines}
        for _ in range(args.rounds):
            for engine in engines:
                rounds[engine].append(run_together([Job(engine, name, images, args.repeats,
                                                        core)])[0])
        results = {engine: combine(runs) for engine, runs in rounds.items()}
        row = build_row(spec, results, peak_1)
        if args.parallel and "nnbook" in results:
            row["parallel"] = parallel_slowdown(name, images, args, results["nnbook"])
        rows.append(row)
        print(f"  {name} ({images:,} images): " + "; ".join(
            f"{e} {per_epoch(r):.3f} s/epoch"
            + (f" (rounds {min(r['rounds']):.3f}-{max(r['rounds']):.3f})" if "rounds" in r else "")
            + f", {r['accuracy']:.1%}" for e, r in results.items()), flush=True)

    print()
    print(speed_table(rows))
    print()
    print(check_table(rows))
    counts = [f"{r['network']}: {r['flops_counted'] / 1e6:.3f} counted here, "
              f"{r['flops_engine'] / 1e6:.3f} by net.flops_per_example()"
              for r in rows if r["flops_engine"] is not None]
    if counts:
        print("\nMFLOP per training example: " + "; ".join(counts))

    targets = check_targets(rows)
    print("\nTargets:")
    for text, met, detail in targets:
        mark = "not measured" if met is None else "met" if met else "MISSED"
        print(f"- {text}: {mark} ({detail})")
    projection = chapter6_hours({r["network"]: r["nnbook_s"] for r in rows
                                 if r["nnbook_s"] is not None})
    if projection["hours"] and not args.smoke:
        total = projection["total"]
        print(f"\nChapter 6 at the book's settings (every run, repeats and the ensemble "
              f"counted), nnbook: {total:.1f} h of training on one core, {total / 2:.1f} h "
              f"spread over two")
        if projection["estimated"]:
            print(f"  scaled by FLOPs from a measured network: {', '.join(projection['estimated'])}")
        if projection["missing"]:
            print(f"  not counted (no similar network timed): {', '.join(projection['missing'])}")
    print(f"\nload after: {_uptime()}")
    return {"rows": rows, "peak": peak, "targets": targets, "projection": projection,
            "skipped": skipped}


def _worker_main(argv: list[str]) -> None:
    kind, *rest = argv
    if kind == "peak":
        result = run_peak_worker(int(rest[0]), int(rest[1]))
    else:
        engine, network, images, repeats, seed = rest
        result = run_worker(engine, network, int(images), int(repeats), int(seed),
                            wait_for_go=True)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker_main(sys.argv[2:])
    else:
        main()
