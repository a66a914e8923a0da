"""Seconds per training epoch of the book's fully connected networks.

    OPENBLAS_NUM_THREADS=1 python benchmarks/epoch_time.py [--epochs 2] [--reference]

Times one epoch of mini-batch SGD (50,000 MNIST images, mini-batch 10, float32) for each network
of chapter 1, the way the book trains them, and reports the median over ``--epochs`` epochs.
With ``--reference`` it also times the per-example form the original's ``network.py`` uses (one
column vector at a time inside each mini-batch, :mod:`nnbook.studies.reference`), for comparison; that
form is kept for measurements like this one and never used for training.
Set one BLAS thread, as ``python -m nnbook precompute`` does for its workers: at mini-batch 10 the
work is bound by per-call overhead and a second thread does not help.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from nnbook.data import load_mnist, one_hot
from nnbook.network import Network
from nnbook.studies.reference import update_mini_batch_per_example
from nnbook.train import sgd

NETWORKS = {"ch1 [784, 30, 10]": [784, 30, 10], "ch1 [784, 100, 10]": [784, 100, 10]}


def reference_epoch(net: Network, x: np.ndarray, y: np.ndarray, eta: float, m: int, rng) -> None:
    """One epoch as the original's network.py runs it: shuffled mini-batches of ``m`` examples,
    each gradient computed one example at a time (:func:`nnbook.studies.reference.update_mini_batch_per_example`)."""
    order = rng.permutation(len(x))
    for k in range(0, len(x), m):
        batch = order[k:k + m]
        update_mini_batch_per_example(net, x[batch], y[batch], eta)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--reference", action="store_true", help="also time the per-example reference")
    args = parser.parse_args()
    training = load_mnist().training
    print("| network | nnbook (s/epoch) | per-example reference (s/epoch) |")
    print("|---|---|---|")
    for label, sizes in NETWORKS.items():
        net = Network(sizes, rng=0, dtype=np.float32)
        times = []
        for epoch in range(args.epochs):
            start = time.perf_counter()
            sgd(net, training, 1, 10, 3.0, rng=epoch)
            times.append(time.perf_counter() - start)
        reference = "-"
        if args.reference:
            ref = Network(sizes, rng=0, dtype=np.float32)
            y = one_hot(training.labels, 10, np.float32)
            start = time.perf_counter()
            reference_epoch(ref, training.images, y, 3.0, 10, np.random.default_rng(0))
            reference = f"{time.perf_counter() - start:.2f}"
        print(f"| {label} | {statistics.median(times):.2f} | {reference} |")


if __name__ == "__main__":
    main()
