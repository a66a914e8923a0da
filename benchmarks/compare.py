"""Seconds per training epoch of this checkout against another one (a baseline), alternated.

    python benchmarks/compare.py --baseline ../nnbook-old [--rounds 5] [--networks ch1-30,6.4]

For each network, ``--rounds`` times: one run of the baseline, then one of this checkout, each
a fresh process pinned to one core, with one BLAS thread and its own checkout first on
``PYTHONPATH``, so drift in the machine's speed hits both sides alike. Chapter 6's networks are timed by each checkout's own
``benchmarks/engines.py`` worker (one epoch of mini-batch SGD extrapolated from images in
memory, 3,000 unless :data:`IMAGES` says otherwise); chapter 1's by the same loop as
``epoch_time.py`` (50,000 images, mini-batch 10, float32), whose calls both versions share.
Each process times 3 epochs and keeps the fastest, the least disturbed by other work on a shared
machine. Prints a table: the median over the rounds of each side and their ratio, the median
and range of the per-round ratios, and the fastest round of each side and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
CH1 = {"ch1-30": [784, 30, 10], "ch1-100": [784, 100, 10]}
IMAGES = {"6.1": 20_000, "6.2": 5_000}  # chapter 6 networks: images timed per epoch (else 3,000)
EPOCH = 50_000

CH1_SNIPPET = """
import json, statistics, sys, time
import numpy as np
from nnbook.data import load_mnist
from nnbook.network import Network
from nnbook.train import sgd
training = load_mnist(download=False).training
net = Network(json.loads(sys.argv[1]), rng=0, dtype=np.float32)
times = []
for epoch in range(3):
    start = time.perf_counter()
    sgd(net, training, 1, 10, 3.0, rng=epoch)
    times.append(time.perf_counter() - start)
print(json.dumps({"seconds": min(times)}))
"""


def _pin() -> None:
    """Pin this (child) process to the last core it may use, before it imports anything."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})


def run(checkout: Path, network: str) -> float:
    """Seconds per epoch of ``network`` with the nnbook of ``checkout``, in a fresh process
    pinned to one core."""
    env = dict(os.environ, PYTHONPATH=str(checkout), OPENBLAS_NUM_THREADS="1",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    if network in CH1:
        out = subprocess.run([sys.executable, "-c", CH1_SNIPPET, json.dumps(CH1[network])],
                             cwd=checkout, env=env, capture_output=True, text=True, check=True,
                             preexec_fn=_pin)
        return json.loads(out.stdout.strip().splitlines()[-1])["seconds"]
    images = IMAGES.get(network, 3_000)
    script = checkout / "benchmarks" / "engines.py"
    if script.exists():
        command = [sys.executable, str(script), "--worker", "run", "nnbook", network, str(images),
                   "3", "1"]
    else:  # a checkout from before engines.py, whose worker took a thread count too
        command = [sys.executable, str(checkout / "benchmarks" / "conv_epoch.py"), "--worker",
                   "run", "nnbook", network, str(images), "3", "1", "1"]
    worker = subprocess.Popen(command, cwd=checkout, env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, preexec_fn=_pin)
    if worker.stdout.readline().strip() != "ready":
        raise RuntimeError(f"the worker for {network} in {checkout} did not start")
    out, _ = worker.communicate("go\n")
    if worker.returncode:
        raise RuntimeError(f"the worker for {network} in {checkout} failed")
    return min(json.loads(out.strip().splitlines()[-1])["seconds"]) * EPOCH / images


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, required=True, help="the other checkout")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--networks", default="ch1-30,ch1-100,6.1,6.2,6.3,6.4,6.11")
    args = parser.parse_args()
    baseline = args.baseline.resolve()
    print("| network | baseline s/epoch | this s/epoch | ratio of medians | median ratio per "
          "round (range) | baseline fastest | this fastest | ratio of fastest |")
    print("|---|---|---|---|---|---|---|---|")
    for network in args.networks.split(","):
        old, new = [], []
        for _ in range(args.rounds):
            old.append(run(baseline, network))
            new.append(run(HERE, network))
        ratios = [b / a for a, b in zip(old, new)]
        print(f"| {network} | {statistics.median(old):.3f} | {statistics.median(new):.3f} | "
              f"{statistics.median(new) / statistics.median(old):.3f} | "
              f"{statistics.median(ratios):.3f} ({min(ratios):.3f}-{max(ratios):.3f}) | "
              f"{min(old):.3f} | {min(new):.3f} | {min(new) / min(old):.3f} |", flush=True)


if __name__ == "__main__":
    main()
