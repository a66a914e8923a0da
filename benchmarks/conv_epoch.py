"""Seconds per epoch of chapter 6's networks, nnbook against PyTorch's CPU build.

    python benchmarks/conv_epoch.py [--images 3000] [--networks 6.1,6.2,6.3,6.4,6.11]
                                    [--repeats 3] [--no-torch] [--no-nnbook] [--parallel]

For each network, one training epoch (50,000 images, mini-batch 10, float32, plain SGD with the
book's eta and L2) is timed on ``--images`` images already in memory and extrapolated to 50,000:
a warm-up mini-batch first, then ``--repeats`` epochs over those images, median. Every run is a
fresh process with ``--threads`` BLAS / PyTorch threads (default 1, as ``python -m nnbook
precompute`` runs its workers), so its peak resident memory is its own. Reported per network:
seconds per epoch, images per second, the achieved GFLOP/s and its share of this machine's float32
matrix-multiply peak (a large square product, measured in the same run with one thread and with
all threads), peak memory, and the ratio PyTorch time / nnbook time.

The reference is the same architecture in PyTorch (``pip install torch==2.13.0``, the CPU build;
skipped with a message when it is not installed): Conv2d -> MaxPool2d -> activation for each
conv-pool layer (network3's order: the activation acts on the pooled maps), Linear layers,
dropout on the inputs of the fully connected and softmax layers, cross-entropy on the logits
(log-softmax + negative log-likelihood, mean over the mini-batch), torch.optim.SGD with the same
eta and the L2 term as weight decay on the weights only, ``torch.set_num_threads(--threads)``,
eager mode (no torch.compile).

With ``--parallel`` it also runs two trainings of each network at once, in two processes, and
compares their time with one run alone (each training for at least ``--parallel-seconds``):
on a 2-core machine, independent runs (the book's repeats, the ensemble) should spread over the
cores and take little more than one. At the end it projects the training time of the whole
chapter at the book's settings from the nnbook times (:func:`chapter6_hours`).

FLOPs per example are counted here from the architecture (2 x multiply-adds: forward, the weight
gradient of every layer, the input gradient of every layer but the first, and one update of each
parameter per mini-batch shared by its examples) and used for both sides; nnbook's own count,
``net.flops_per_example()``, is shown next to it as a cross-check.
"""

from __future__ import annotations

import argparse
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
TORCH_PIN = "torch==2.13.0"


@dataclass(frozen=True)
class Spec:
    """One chapter 6 network as the benchmark sees it: layers, activation and training settings.

    ``layers`` holds ``("conv", n_filters)`` (5x5 filters, stride 1, then 2x2 max-pool),
    ``("fc", n_out)`` and ``("softmax", 10)``; shapes follow from the 1x28x28 input.
    ``dropout`` is applied to the inputs of every fully connected and softmax layer, as in 6.11.
    """

    name: str
    layers: tuple
    activation: str
    eta: float
    lmbda: float
    dropout: float = 0.0
    epochs: int = 60
    training_images: int = EPOCH_IMAGES

    def describe(self) -> str:
        parts = [f"CP{n}" if kind == "conv" else f"FC{n}" if kind == "fc" else f"SM{n}"
                 for kind, n in self.layers]
        extra = f", dropout {self.dropout:g}" if self.dropout else ""
        return f"{' - '.join(parts)} ({self.activation}{extra})"


CP20, CP40 = ("conv", 20), ("conv", 40)
SOFTMAX = ("softmax", 10)
EXPANDED = 5 * EPOCH_IMAGES  # the training set plus its four one-pixel shifts
SPECS = {s.name: s for s in [
    Spec("6.1", (("fc", 100), SOFTMAX), "sigmoid", 0.1, 0.0),
    Spec("6.2", (CP20, ("fc", 100), SOFTMAX), "sigmoid", 0.1, 0.0),
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
DEFAULT_NETWORKS = "6.1,6.2,6.3,6.4,6.11"

# Runs of each experiment in the book's chapter 6 (best of 3; 6.12 is an ensemble of five 6.11
# nets; 6.3t is trained once for 20 and once for 60 epochs, counted here as 80 epochs once).
BOOK_RUNS = {"6.1": 3, "6.2": 3, "6.2x": 3, "6.3": 3, "6.3t": 1, "6.4": 3, "6.5": 3, "6.6": 3,
             "6.7": 3, "6.8": 3, "6.9": 3, "6.10": 3, "6.11": 3, "6.12": 5}

# Targets of issue 7.
TARGET_RATIO = 2.0        # PyTorch time / nnbook time, every network
TARGET_PEAK_SHARE = 0.40  # of the one-thread matmul peak, convolutional networks
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
    Pooling, activations and the softmax are elementwise and left out.
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


# ---------------------------------------------------------------------------------------------
# Worker side: each measurement runs in a fresh process (python conv_epoch.py --worker ...)


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


def _torch_trainer(spec: Spec, x, y, threads: int, seed: int):
    """A PyTorch model of ``spec`` and a function training one epoch over ``x, y``."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    act = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}[spec.activation]
    modules: list = []
    for kind, fan_in, n_out, _ in layer_shapes(spec):
        if kind == "conv":
            modules += [nn.Conv2d(fan_in // 25, n_out, 5), nn.MaxPool2d(2), act()]
            continue
        if not any(isinstance(m, nn.Flatten) for m in modules):
            modules.append(nn.Flatten())
        if spec.dropout:
            modules.append(nn.Dropout(spec.dropout))
        modules.append(nn.Linear(fan_in, n_out))
        if kind == "fc":
            modules.append(act())
    model = nn.Sequential(*modules)
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
    # network3's L2 term, 0.5 lmbda sum(w^2) / (n / m), has gradient lmbda m / n times w
    # (n the training images, as nnbook's sgd with lmbda = network3_lmbda(lmbda, m) counts them).
    decay = spec.lmbda * MINI_BATCH / len(x)
    optimizer = torch.optim.SGD([{"params": weights, "weight_decay": decay},
                                 {"params": biases, "weight_decay": 0.0}], lr=spec.eta)
    xt = torch.from_numpy(x.reshape(-1, 1, 28, 28))
    yt = torch.from_numpy(y.astype("int64"))
    generator = torch.Generator().manual_seed(seed)
    model.train()

    def step(xb, yb) -> None:
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(xb), yb).backward()
        optimizer.step()

    def epoch(n: int) -> None:
        order = torch.randperm(n, generator=generator)
        xs, ys = xt[order], yt[order]
        for k in range(0, n - MINI_BATCH + 1, MINI_BATCH):  # whole mini-batches only
            step(xs[k:k + MINI_BATCH], ys[k:k + MINI_BATCH])

    return epoch, {"torch_version": torch.__version__, "torch_threads": torch.get_num_threads(),
                   "parameters": sum(p.numel() for p in model.parameters())}


def _nnbook_trainer(spec: Spec, training, threads: int, seed: int):
    """nnbook's network ``spec.name`` (:func:`nnbook.convnet.architecture`) and one epoch of
    :func:`nnbook.train.sgd` over the first n images of ``training``, with network3's L2
    (:func:`nnbook.convnet.network3_lmbda`)."""
    import numpy as np
    from nnbook.convnet import architecture, network3_lmbda
    from nnbook.train import sgd

    net = architecture(spec.name, rng=np.random.default_rng(seed), dtype=np.float32)
    rng = np.random.default_rng(seed + 1)
    lmbda = network3_lmbda(spec.lmbda, MINI_BATCH)

    def epoch(n: int) -> None:
        sgd(net, training[:n], epochs=1, mini_batch_size=MINI_BATCH, eta=spec.eta,
            lmbda=lmbda, rng=rng)

    return epoch, {"flops_engine": int(net.flops_per_example())}


def run_worker(side: str, network: str, images: int, repeats: int, threads: int, seed: int,
               wait_for_go: bool) -> dict:
    """Time ``repeats`` epochs of ``images`` images in this process; the result as a dict."""
    spec = SPECS[network]
    if side == "torch":
        import torch  # noqa: F401  (imported before the baseline memory is read)
    else:
        import nnbook.convnet  # noqa: F401
    from threadpoolctl import threadpool_limits

    from nnbook.data import load_mnist

    training = load_mnist(download=False).training
    if images > len(training):
        raise ValueError(f"--images must be at most {len(training)}; got {images}")
    result: dict = {"side": side, "network": network, "images": images, "threads": threads}
    # Memory used by the network and its training (parameters, gradients, workspaces): the
    # peak from here on above the resident size with the library imported and the data loaded.
    rss_before = _memory_mb("VmRSS")
    reset = _reset_peak_memory()
    if side == "torch":
        epoch, info = _torch_trainer(spec, training.images[:images], training.labels[:images],
                                     threads, seed)
        limit = None
    else:
        limit = threadpool_limits(limits=threads, user_api="blas")
        epoch, info = _nnbook_trainer(spec, training, threads, seed)
    result.update(info)
    epoch(MINI_BATCH)  # warm-up: one mini-batch
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
    if limit is not None:
        limit.restore_original_limits()
    hwm = _memory_mb("VmHWM")
    result.update(seconds=seconds, max_rss_mb=_max_rss_mb(),
                  training_mb=(hwm - rss_before) if reset and hwm and rss_before else None)
    return result


def run_peak_worker(size: int, repeats: int) -> dict:
    """Best GFLOP/s of a float32 (size x size) @ (size x size) product: numpy's BLAS with one
    thread and with all threads, and PyTorch's the same way when it is installed."""
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
    out["all_threads"] = blas[0]["num_threads"] if blas else os.cpu_count()
    with threadpool_limits(limits=1, user_api="blas"):
        out["numpy_1"] = best(lambda: a @ b)
    out["numpy_all"] = best(lambda: a @ b)
    if importlib.util.find_spec("torch") is not None:
        import torch

        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        out["torch_1"] = best(lambda: ta @ tb)
        torch.set_num_threads(threads)
        out["torch_all"] = best(lambda: ta @ tb)
    return out


# ---------------------------------------------------------------------------------------------
# Parent side


def _worker_command(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", *args]


def _worker_env(threads: int | None) -> dict:
    env = dict(os.environ)
    if threads is not None:
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = str(threads)
    return env


@dataclass
class Job:
    side: str
    network: str
    images: int
    repeats: int
    threads: int
    seed: int = 0
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> None:
        self.process = subprocess.Popen(
            _worker_command("run", self.side, self.network, str(self.images), str(self.repeats),
                            str(self.threads), str(self.seed)),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=_worker_env(self.threads))

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
            raise RuntimeError(f"the {self.side} worker for {self.network} failed "
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


def measure_peak(size: int, repeats: int) -> dict:
    done = subprocess.run(_worker_command("peak", str(size), str(repeats)), capture_output=True,
                          text=True, env=_worker_env(None))
    if done.returncode != 0:
        raise RuntimeError(f"the matmul-peak worker failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def parallel_slowdown(side: str, network: str, args, timed: dict) -> float:
    """Wall time of two runs at once (two processes, one per core) over one run alone.

    Each run trains for at least ``args.parallel_seconds`` (more repeats of the same epoch
    when one epoch of ``args.images`` is shorter, since a short run measures mostly noise); the
    run alone is repeated right before the pair, so both see the same machine. The ratio of
    the slower of the pair to the run alone is returned: 1.0 means the second core came free.
    """
    per_repeat = statistics.median(timed["seconds"])
    repeats = max(args.repeats, math.ceil(args.parallel_seconds / per_repeat))
    alone = run_together([Job(side, network, args.images, repeats, args.threads, 1)])[0]
    pair = run_together([Job(side, network, args.images, repeats, args.threads, seed)
                         for seed in (1, 2)])
    return max(r["wall"] for r in pair) / alone["wall"]


def nnbook_engine_missing() -> str | None:
    """Why nnbook's convolutional engine cannot be benchmarked, or None if it can."""
    try:
        import nnbook.convnet as convnet
    except ImportError as error:
        return f"nnbook.convnet cannot be imported ({error})"
    missing = [n for n in ("architecture", "network3_lmbda", "Network") if not hasattr(convnet, n)]
    return f"nnbook.convnet lacks {', '.join(missing)}" if missing else None


def _per_epoch(result: dict) -> float:
    return statistics.median(result["seconds"]) * EPOCH_IMAGES / result["images"]


COLUMNS = [  # key, header, format
    ("network", "network", "{}"),
    ("layers", "layers", "{}"),
    ("nnbook_s", "nnbook s/epoch", "{:.2f}"),
    ("torch_s", "PyTorch s/epoch", "{:.2f}"),
    ("ratio", "PyTorch / nnbook", "{:.2f}×"),
    ("nnbook_ips", "nnbook img/s", "{:,.0f}"),
    ("torch_ips", "PyTorch img/s", "{:,.0f}"),
    ("mflop", "MFLOP/img", "{:.2f}"),
    ("nnbook_gflops", "nnbook GFLOP/s", "{:.1f}"),
    ("nnbook_peak_share", "nnbook % of 1-thread peak", "{:.0%}"),
    ("torch_gflops", "PyTorch GFLOP/s", "{:.1f}"),
    ("nnbook_mb", "nnbook peak RSS MB", "{:.0f}"),
    ("nnbook_train_mb", "nnbook training MB", "{:.0f}"),
    ("torch_mb", "PyTorch peak RSS MB", "{:.0f}"),
    ("torch_train_mb", "PyTorch training MB", "{:.0f}"),
    ("parallel", "2 runs on 2 cores / 1 alone", "{:.2f}"),
]
SPEED_COLUMNS = ["network", "layers", "nnbook_s", "torch_s", "ratio", "nnbook_ips", "torch_ips",
                 "mflop", "nnbook_gflops", "nnbook_peak_share", "torch_gflops"]
MEMORY_COLUMNS = ["network", "nnbook_mb", "nnbook_train_mb", "torch_mb", "torch_train_mb",
                  "parallel"]


def markdown(rows: list[dict], keys: list[str]) -> str:
    spec = {key: (header, fmt) for key, header, fmt in COLUMNS}
    lines = ["| " + " | ".join(spec[k][0] for k in keys) + " |",
             "|" + "---|" * len(keys)]
    for row in rows:
        cells = ["-" if row.get(k) is None else spec[k][1].format(row[k]) for k in keys]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def build_row(spec: Spec, nnbook: dict | None, torch: dict | None, peak_1: float) -> dict:
    flops = flops_per_example(spec)
    row = {key: None for key, _, _ in COLUMNS}
    row.update(network=spec.name, layers=spec.describe(), mflop=flops / 1e6,
               flops_counted=flops, flops_engine=None)
    for side, result in (("nnbook", nnbook), ("torch", torch)):
        if result is None:
            continue
        seconds = _per_epoch(result)
        row[f"{side}_s"] = seconds
        row[f"{side}_ips"] = EPOCH_IMAGES / seconds
        row[f"{side}_gflops"] = flops * EPOCH_IMAGES / seconds / 1e9
        row[f"{side}_mb"] = result["max_rss_mb"]
        row[f"{side}_train_mb"] = result["training_mb"]
    if nnbook is not None:
        row["flops_engine"] = nnbook.get("flops_engine")
        row["nnbook_peak_share"] = row["nnbook_gflops"] / peak_1
    if nnbook is not None and torch is not None:
        row["ratio"] = row["torch_s"] / row["nnbook_s"]
    return row


def check_targets(rows: list[dict]) -> list[tuple[str, bool | None, str]]:
    """``(target, met, detail)``; ``met`` is None when it could not be measured in this run."""
    out = []
    ratios = {r["network"]: r["ratio"] for r in rows if r["ratio"] is not None}
    detail = ", ".join(f"{n}: {v:.2f}×" for n, v in ratios.items()) or "no side-by-side run"
    out.append((f"every network at least {TARGET_RATIO:g}x faster than PyTorch CPU",
                all(v >= TARGET_RATIO for v in ratios.values()) if ratios else None, detail))
    conv = {r["network"]: r["nnbook_peak_share"] for r in rows
            if r["nnbook_peak_share"] is not None and "CP" in r["layers"]}
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
    ``estimated``; ``missing`` when there is none). Each epoch also evaluates 20,000 validation and test images, costed as
    ``eval_share`` training images (a forward pass is about a third of a training step). Runs
    per experiment are :data:`BOOK_RUNS` (6.12 is five more runs of 6.11).
    """
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


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=3000,
                        help="images timed per epoch, extrapolated to 50,000 (default 3000)")
    parser.add_argument("--networks", default=DEFAULT_NETWORKS,
                        help=f"comma-separated, from {', '.join(SPECS)} (default {DEFAULT_NETWORKS})")
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per run; median")
    parser.add_argument("--threads", type=int, default=1, help="BLAS / PyTorch threads per run")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch reference")
    parser.add_argument("--no-nnbook", action="store_true", help="skip nnbook (reference only)")
    parser.add_argument("--parallel", action="store_true",
                        help="also time two runs at once on two cores against one alone")
    parser.add_argument("--parallel-seconds", type=float, default=3.0,
                        help="least training time of each run in the --parallel measurement")
    parser.add_argument("--peak-size", type=int, default=2048,
                        help="side of the square float32 matmul that measures the peak")
    args = parser.parse_args(argv)
    args.networks = [n.strip() for n in args.networks.split(",") if n.strip()]
    unknown = [n for n in args.networks if n not in SPECS]
    if unknown or not args.networks:
        parser.error(f"--networks must name some of {', '.join(SPECS)}; got {unknown or 'none'}")
    for name in ("images", "repeats", "threads", "peak_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.images < MINI_BATCH:
        parser.error(f"--images must be at least one mini-batch ({MINI_BATCH})")
    return args


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark, print its report, and return it: ``rows`` (one dict per network, keys
    as in :data:`COLUMNS`, None where not measured), ``peak`` (GFLOP/s), ``targets``."""
    args = parse_args(argv)
    print(f"# nnbook convolutional benchmark: {platform.node()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}")
    print(f"nnbook commit {_revision()}")
    print(f"load before: {_uptime()}")
    print(f"{args.images} images per timed epoch, extrapolated to {EPOCH_IMAGES:,}; mini-batch "
          f"{MINI_BATCH}; float32; median of {args.repeats}; {args.threads} thread(s) per run\n")

    use_nnbook = not args.no_nnbook
    if use_nnbook and (why := nnbook_engine_missing()):
        print(f"nnbook side skipped: {why}")
        use_nnbook = False
    use_torch = not args.no_torch
    if use_torch and importlib.util.find_spec("torch") is None:
        print(f"PyTorch reference skipped: torch is not installed (for the comparison: "
              f"pip install {TORCH_PIN}, the CPU build)")
        use_torch = False

    peak = measure_peak(args.peak_size, 3)
    peak_1 = peak["numpy_1"]
    line = (f"float32 matmul peak ({args.peak_size}x{args.peak_size}, numpy {peak['blas']}): "
            f"{peak['numpy_1']:.1f} GFLOP/s on one thread, {peak['numpy_all']:.1f} on "
            f"{peak['all_threads']} threads")
    if "torch_1" in peak:
        line += f"; PyTorch {peak['torch_1']:.1f} and {peak['torch_all']:.1f}"
    print(line)

    rows = []
    for name in args.networks:
        spec = SPECS[name]
        results = {}
        for side, wanted in (("nnbook", use_nnbook), ("torch", use_torch)):
            if wanted:
                job = Job(side, name, args.images, args.repeats, args.threads)
                results[side] = run_together([job])[0]
        row = build_row(spec, results.get("nnbook"), results.get("torch"), peak_1)
        if args.parallel and results:
            side = "nnbook" if "nnbook" in results else "torch"
            row["parallel"] = parallel_slowdown(side, name, args, results[side])
            row["parallel_side"] = side
        rows.append(row)
        print(f"  {name}: " + ", ".join(f"{s} {_per_epoch(r):.2f} s/epoch"
                                         for s, r in results.items()), flush=True)

    print()
    print(markdown(rows, SPEED_COLUMNS))
    print()
    print(markdown(rows, MEMORY_COLUMNS))
    counts = [f"{r['network']}: {r['flops_counted'] / 1e6:.3f} counted here, "
              f"{r['flops_engine'] / 1e6:.3f} by net.flops_per_example()"
              for r in rows if r["flops_engine"] is not None]
    if counts:
        print("\nMFLOP per training example: " + "; ".join(counts))
    sides = {r.get("parallel_side") for r in rows} - {None}
    if sides:
        print(f"parallel column: {'/'.join(sorted(sides))} runs")

    targets = check_targets(rows)
    print("\nTargets:")
    for text, met, detail in targets:
        mark = "not measured" if met is None else "met" if met else "MISSED"
        print(f"- {text}: {mark} ({detail})")
    projection = chapter6_hours({r["network"]: r["nnbook_s"] for r in rows
                                 if r["nnbook_s"] is not None})
    if projection["hours"]:
        total = projection["total"]
        print(f"\nChapter 6 at the book's settings (every run, repeats and the ensemble "
              f"counted), nnbook: {total:.1f} h of training on one core, {total / 2:.1f} h "
              f"spread over two")
        slowdowns = [r["parallel"] for r in rows if r["parallel"] is not None]
        if slowdowns:
            factor = statistics.median(slowdowns)
            print(f"  with two runs at once slowed by the measured {factor:.2f}x: "
                  f"{total / 2 * factor:.1f} h")
        if projection["estimated"]:
            print(f"  scaled by FLOPs from a measured network: {', '.join(projection['estimated'])}")
        if projection["missing"]:
            print(f"  not counted (no similar network timed): {', '.join(projection['missing'])}")
    print(f"\nload after: {_uptime()}")
    return {"rows": rows, "peak": peak, "targets": targets, "projection": projection}


def _worker_main(argv: list[str]) -> None:
    kind, *rest = argv
    if kind == "peak":
        result = run_peak_worker(int(rest[0]), int(rest[1]))
    else:
        side, network, images, repeats, threads, seed = rest
        result = run_worker(side, network, int(images), int(repeats), int(threads), int(seed),
                            wait_for_go=True)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker_main(sys.argv[2:])
    else:
        main()
