"""Compute the runs that the book's pages need, ahead of the page build, on every core.

A cold build of the full profile trains for a long time; done inside the page build it would
look hung. :func:`precompute` runs every missing repeat of the chosen experiments in parallel
worker processes (one BLAS thread each: at mini-batch 10 the work is bound by per-call overhead,
so independent runs use the cores better than threaded matrix products do) and reports progress
through a callback. The command ``python -m nnbook precompute`` shows it as a progress display.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass

from nnbook.runs import experiments

_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass
class Progress:
    """A snapshot of a precompute: handed to the ``report`` callback after every event."""

    total: int  # runs to compute
    done: int  # runs finished
    fraction: float  # estimated fraction of all work done, 0..1
    elapsed: float  # seconds since the start
    remaining: float | None  # estimated seconds left, once something has finished
    running: dict  # task label -> (epoch, epochs) for runs under way
    finished: str | None = None  # label of the run that just finished, if any
    seconds: float | None = None  # how long that run took


def tasks(names=None, profile: str | None = None) -> list[tuple[str, int]]:
    """The (experiment, repeat) pairs of ``names`` (default: all) that are not cached yet."""
    names = sorted(experiments.CATALOGUE) if names is None else list(names)
    missing = []
    for name in names:
        for r in range(experiments.get(name).settings(profile)["repeats"]):
            if not experiments.is_cached(name, r, profile):
                missing.append((name, r))
    return missing


def _worker(name: str, repeat: int, profile: str, events) -> tuple[str, int, float]:
    label = f"{name} #{repeat + 1}"

    def callback(epoch, history):
        events.put((label, epoch))

    run = experiments.run_one(name, repeat, profile, callback=callback)
    return name, repeat, run.seconds


def precompute(names=None, profile: str | None = None, *, jobs: int | None = None,
               report=None) -> int:
    """Compute every missing run of ``names`` in ``profile``; return how many were computed.

    ``jobs`` worker processes are used (default: every core). ``report(progress)`` is called
    with a :class:`Progress` whenever a run starts an epoch or finishes.
    """
    profile = experiments.profiles.current(profile)
    todo = tasks(names, profile)
    if not todo:
        return 0
    work = {t: experiments.work(t[0], profile) for t in todo}
    epochs = {t: experiments.steps(t[0], profile) for t in todo}
    todo.sort(key=lambda t: -work[t])  # longest first packs the cores best
    total_work = sum(work.values())
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))

    saved = {v: os.environ.get(v) for v in _THREAD_VARIABLES}
    os.environ.update({v: "1" for v in _THREAD_VARIABLES})
    ctx = multiprocessing.get_context("spawn")
    start = time.perf_counter()
    done_work, done = 0.0, 0
    running: dict[str, tuple[int, int | None]] = {}
    label = {t: f"{t[0]} #{t[1] + 1}" for t in todo}
    by_label = {v: k for k, v in label.items()}

    def snapshot(finished=None, seconds=None) -> Progress:
        partial = sum(work[by_label[l]] * (e / n) for l, (e, n) in running.items() if n)
        fraction = (done_work + partial) / total_work
        elapsed = time.perf_counter() - start
        remaining = elapsed * (1 - fraction) / fraction if fraction > 0 else None
        return Progress(len(todo), done, fraction, elapsed, remaining, dict(running), finished, seconds)

    try:
        with ctx.Manager() as manager, ProcessPoolExecutor(jobs, mp_context=ctx) as pool:
            events = manager.Queue()
            pending = set()
            for t in todo:
                pending.add(pool.submit(_worker, t[0], t[1], profile, events))
            while pending:
                finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                try:
                    while True:
                        l, epoch = events.get_nowait()
                        running[l] = (epoch, epochs[by_label[l]])
                        if report:
                            report(snapshot())
                except queue.Empty:
                    pass
                for future in finished:
                    name, repeat, seconds = future.result()  # re-raises a worker's error
                    t = (name, repeat)
                    running.pop(label[t], None)
                    done += 1
                    done_work += work[t]
                    if report:
                        report(snapshot(label[t], seconds))
    finally:
        for v, old in saved.items():
            if old is None:
                os.environ.pop(v, None)
            else:
                os.environ[v] = old
    return len(todo)
