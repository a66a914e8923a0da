"""Compute the runs that the book's pages need, ahead of the page build, on any executor.

A cold build of the full profile trains for hours; done inside the page build it would look
hung. :func:`precompute` lists every missing repeat of the chosen experiments as a task,
``(experiment, repeat)``, and maps the tasks onto an executor:

* **local worker processes** (the default), one per core, each with one BLAS thread: at
  mini-batch 10 the work is bound by per-call overhead, so independent runs use the cores better
  than threaded matrix products do;
* a **Dask cluster** (``scheduler="tcp://host:8786"``, or ``$NNBOOK_SCHEDULER``), so a reader
  with a cluster, or a cloud's Dask service, trains the book there. MNIST is sent to the workers
  once, as the four verified files, and each worker sends back the finished run's files as bytes.

Either way :func:`compute` is the task: it runs one repeat and returns the files that store it,
as bytes, without writing anything; this process writes them into its cache, atomically. Workers need no
shared disk, and the cache a cluster fills is the cache local workers would have filled.

For a CI job matrix, :func:`plan` deals every task of the book (cached or not) to ``n`` shards,
longest first onto the least-loaded shard, from estimated times (:func:`estimate`); shard ``k``
then computes the missing tasks of its share (``shard=(k, n)``). The shards' caches are merged
by copying their files into one folder.

Progress is reported the same way for every executor, through a ``report`` callback.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nnbook.checks import check_positive_int
from nnbook.runs import cache, experiments, kinds, profile as profiles

SCHEDULER_ENV = "NNBOOK_SCHEDULER"
_POLL = 0.2  # seconds between looks at the workers


@dataclass(frozen=True, order=True)
class Task:
    """One repeat of one experiment: the unit of work an executor runs."""

    experiment: str
    repeat: int

    @property
    def label(self) -> str:
        return f"{self.experiment} #{self.repeat + 1}"


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


@dataclass(frozen=True)
class Finished:
    """What a worker sends back: the task, how long it took, and the run's files as bytes."""

    task: Task
    seconds: float
    files: dict[str, bytes]


# ---- which tasks ----------------------------------------------------------------------------


def all_tasks(names=None, profile: str | None = None) -> list[Task]:
    """Every repeat of ``names`` (default: the whole catalogue), cached or not, in a fixed order."""
    names = sorted(experiments.CATALOGUE) if names is None else list(names)
    return [Task(name, r) for name in names
            for r in range(experiments.get(name).settings(profile)["repeats"])]


def tasks(names=None, profile: str | None = None) -> list[tuple[str, int]]:
    """The (experiment, repeat) pairs of ``names`` (default: all) that are not cached yet."""
    return [(t.experiment, t.repeat) for t in all_tasks(names, profile)
            if not experiments.is_cached(t.experiment, t.repeat, profile)]


RATES = {
    "weight": 1.3e-10,  # seconds per weight per training example (forward, backward, update)
    "layer": 1.95e-6,  # seconds per layer per training example (the numpy calls of a step)
    "evaluation": 0.2,  # an example evaluated for a monitor, as a fraction of a trained one
    "svm": 1.6e-7,  # seconds per squared training image of an RBF SVM, fit and prediction
    "layer_speed": 1.2e-8,  # seconds per image, step and neuron of chapter 5's float64 gradients
    "timing": 2.0,  # seconds of one of chapter 2's timing experiments
    "baseline": 0.5,  # seconds of random guessing or average darkness, with the data loaded
    "conv_flop": 5.5e-11,  # seconds per floating-point operation of a chapter 6 training step
    "conv_example": 4e-5,  # seconds per chapter 6 training example besides its operations
}
"""Time per unit of work on one core of the reference machine while its other core trains too
(how precompute runs), fitted to a cold full-profile precompute (benchmarks/README.md,
"Training the book"). Only the balance of the shards and the time-left display depend on them."""


def _training_seconds(s: dict) -> float:
    """Each training example costs a pass over the weights and a fixed cost per layer; each
    example measured by a monitor costs a fraction of that (a forward pass, in large batches)."""
    sizes = s["sizes"]
    per_example = (RATES["weight"] * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
                   + RATES["layer"] * (len(sizes) - 1))
    n = s.get("n_train") or 50_000
    evaluated = sum((s.get("n_evaluation") or 10_000) if m.startswith("evaluation") else n
                    for m in s.get("monitor", ["evaluation_accuracy"]))
    return s["epochs"] * per_example * (n + RATES["evaluation"] * evaluated)


def _convnet_seconds(s: dict) -> float:
    """A chapter 6 example costs its operations (:meth:`nnbook.convnet.Network.flops_per_example`)
    and a fixed amount; each epoch also measures the validation and test images."""
    from nnbook import convnet

    flops = convnet.architecture(s["architecture"], rng=0).flops_per_example(s["mini_batch_size"])
    per_example = RATES["conv_flop"] * flops + RATES["conv_example"]
    n = s["n_train"] * (5 if s["expanded"] else 1)
    evaluated = 2 * (s.get("n_evaluation") or 10_000)
    return s["epochs"] * per_example * (n + RATES["evaluation"] * evaluated)


ESTIMATES = {
    "sgd": _training_seconds,
    "convnet": _convnet_seconds,
    "sgd_sweep": lambda s: len(s["n_trains"]) * _training_seconds(
        dict(s, epochs=1, n_train=s["examples"], monitor=[])),
    "svm": lambda s: RATES["svm"] * s["n_train"] ** 2,
    "svm_sweep": lambda s: RATES["svm"] * sum(n * n for n in s["n_trains"]),
    "layer_speed": lambda s: RATES["layer_speed"] * s["steps"] * s["n_train"] * sum(s["sizes"]),
    "random": lambda s: RATES["baseline"],
    "darkness": lambda s: RATES["baseline"],
    "speed_gradient": lambda s: RATES["timing"],
    "speed_minibatch": lambda s: RATES["timing"],
}
"""For each kind of experiment, the estimated seconds of one repeat from its settings."""


def estimate(task: Task, profile: str | None = None) -> float:
    """The estimated seconds of ``task`` on one core of the reference machine (:data:`ESTIMATES`)."""
    exp = experiments.get(task.experiment)
    kind = kinds.kind_of(exp).name  # an unknown kind is an error here too
    if kind not in ESTIMATES:
        raise ValueError(f"no time estimate for kind {kind!r}: add one to "
                         f"nnbook.runs.precompute.ESTIMATES")
    return ESTIMATES[kind](exp.settings(profile))


def plan(n: int, names=None, profile: str | None = None) -> list[list[Task]]:
    """Deal every task of ``names`` to ``n`` shards so that they end near together.

    Longest first onto the least-loaded shard (ties: the task order, then the lowest shard), so
    the plan depends only on the catalogue and the profile, never on what is cached: every job
    of a matrix computes the same plan and takes its own share.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"the number of shards must be a positive integer; got {n!r}")
    shards: list[list[Task]] = [[] for _ in range(n)]
    loads = [0.0] * n
    for task in sorted(all_tasks(names, profile), key=lambda t: (-estimate(t, profile), t)):
        k = min(range(n), key=lambda i: (loads[i], i))
        shards[k].append(task)
        loads[k] += estimate(task, profile)
    return shards


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> (2, 4): shard k of n, 1 <= k <= n."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"a shard is written K/N, e.g. 2/4; got {text!r}") from None
    if not 1 <= k <= n:
        raise ValueError(f"shard K/N needs 1 <= K <= N; got {text!r}")
    return k, n


# ---- the task -------------------------------------------------------------------------------


def compute(task: Task, profile: str, events=None, mnist: dict[str, bytes] | None = None) -> Finished:
    """Run one repeat and return its files (the task that every executor runs); nothing is
    written here. ``events`` receives ``(label, epoch)`` after each epoch; ``mnist``, the bytes
    of :func:`nnbook.data.mnist_files`, is installed first where the data is missing."""
    from nnbook.studies.speed import one_blas_thread

    if mnist is not None:
        from nnbook.data import install_mnist_files

        install_mnist_files(mnist)

    def callback(epoch, history):
        if events is not None:
            events.put((task.label, epoch))

    with one_blas_thread():
        run, files = experiments.compute(task.experiment, task.repeat, profile, callback)
    return Finished(task, run.seconds, files)


# ---- executors ------------------------------------------------------------------------------


class LocalProcesses:
    """Worker processes on this machine (each task limits BLAS to one thread, see :func:`compute`)."""

    def __init__(self, jobs: int):
        self.jobs = jobs

    def __enter__(self):
        ctx = multiprocessing.get_context("spawn")
        self._manager = ctx.Manager()
        self.events = self._manager.Queue()
        self._pool = ProcessPoolExecutor(self.jobs, mp_context=ctx)
        return self

    def __exit__(self, *exc):
        self._pool.shutdown(cancel_futures=True)
        self._manager.shutdown()

    def submit(self, task: Task, profile: str):
        return self._pool.submit(compute, task, profile, self.events)

    def drain(self) -> list:
        out = []
        try:
            while True:
                out.append(self.events.get_nowait())
        except queue.Empty:
            return out


class DaskEvents:
    """A worker's end of the progress queue of :class:`DaskCluster`: a distributed Queue found
    by name on first use (a Queue object itself must not travel inside a task: unpickling it
    waits on the scheduler, which deadlocks a scheduler running in this process)."""

    def __init__(self, name: str):
        self.name = name
        self._queue: Any = None  # a distributed.Queue, made on first use

    def __getstate__(self):
        return {"name": self.name}

    def __setstate__(self, state):
        self.name, self._queue = state["name"], None

    def put(self, item) -> None:
        if self._queue is None:
            from distributed import Queue

            self._queue = Queue(self.name)
        self._queue.put(item)


class DaskCluster:
    """The workers of a running Dask scheduler (``distributed``, the ``cluster`` extra)."""

    def __init__(self, address: str):
        self.address = address

    def __enter__(self):
        try:
            from distributed import Client, Queue
        except ImportError:
            raise ImportError("training on a Dask cluster needs the distributed package: "
                              "pip install 'nnbook[cluster]'") from None
        from nnbook.data import mnist_files

        self._client = Client(self.address)
        self._events = Queue(f"nnbook-progress-{time.time_ns()}", client=self._client)
        # MNIST once, before any task starts: the workers install it where it is missing.
        self._mnist = self._client.scatter(mnist_files(), broadcast=True)
        return self

    def __exit__(self, *exc):
        self._client.close()

    def submit(self, task: Task, profile: str):
        return self._client.submit(compute, task, profile, DaskEvents(self._events.name),
                                   self._mnist, pure=False,
                                   key=f"nnbook-{task.experiment}-{task.repeat}-{time.time_ns()}")

    def drain(self) -> list:
        return self._events.get(batch=True)


# ---- precompute -----------------------------------------------------------------------------


def precompute(names=None, profile: str | None = None, *, jobs: int | None = None,
               scheduler: str | None = None, shard: tuple[int, int] | None = None,
               report=None) -> int:
    """Compute every missing run of ``names`` in ``profile``; return how many were computed here.

    ``jobs`` local worker processes are used (default: every core), or the Dask scheduler at
    ``scheduler`` (default ``$NNBOOK_SCHEDULER``; none means local processes). ``shard=(k, n)``
    computes only shard k of :func:`plan`'s n. ``report(progress)`` is called with a
    :class:`Progress` whenever a run starts an epoch or finishes. Runs are written into
    :func:`nnbook.runs.cache.cache_dir` as they finish, so an interrupted precompute keeps them.

    Each run's lock (:func:`nnbook.runs.cache.claim`) is held while it is computed: a run that
    another process is computing (a second precompute, a book build) is waited for and read,
    not computed twice. A run the cache cannot store (read-only, full) is written to a new
    temporary folder instead, with a :class:`~nnbook.runs.cache.CacheWarning` naming it.
    """
    profile = profiles.current(profile)
    if jobs is not None:
        jobs = check_positive_int("jobs", jobs)
    chosen = plan(shard[1], names, profile)[shard[0] - 1] if shard else all_tasks(names, profile)
    todo = [t for t in chosen if not experiments.is_cached(t.experiment, t.repeat, profile)]
    if not todo:
        return 0
    scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if scheduler is None:
        from nnbook.data import fetch_mnist

        fetch_mnist(progress=False)  # once, here, before any worker looks for it
    work = {t: max(estimate(t, profile), 1e-3) for t in todo}
    epochs = {t.label: experiments.steps(t.experiment, profile) for t in todo}
    todo.sort(key=lambda t: -work[t])  # longest first packs the workers best
    total_work = sum(work.values())
    by_label = {t.label: t for t in todo}
    folder = cache.cache_dir()
    start = time.perf_counter()
    done_work, done, computed = 0.0, 0, 0
    running: dict[str, tuple[int, int | None]] = {}
    fallback: Path | None = None

    def snapshot(finished=None, seconds=None) -> Progress:
        partial = sum(work[by_label[l]] * (e / n) for l, (e, n) in running.items() if n)
        fraction = min(1.0, (done_work + partial) / total_work)
        elapsed = time.perf_counter() - start
        remaining = elapsed * (1 - fraction) / fraction if fraction > 0 else None
        return Progress(len(todo), done, fraction, elapsed, remaining, dict(running), finished,
                        seconds)

    def path(t: Task) -> Path:
        return cache.run_path(t.experiment, experiments.get(t.experiment).settings(profile), t.repeat)

    def store(finished: Finished) -> None:
        nonlocal fallback
        try:
            cache.write(folder, finished.files)
        except OSError as exc:
            fallback = fallback or Path(tempfile.mkdtemp(prefix="nnbook-runs-"))
            cache.write(fallback, finished.files)
            warnings.warn(f"the run cache {folder} cannot store {finished.task.label} "
                          f"({exc.strerror or exc}); its files are in {fallback} instead: copy "
                          f"them into the cache once it can be written", cache.CacheWarning,
                          stacklevel=2)

    held = {t: cache.claim(path(t)) for t in todo}  # None: another process is computing it
    batch = [t for t in todo if held[t] is not None]
    elsewhere = [t for t in todo if held[t] is None]
    executor = (DaskCluster(scheduler) if scheduler
                else LocalProcesses(max(1, min(jobs or os.cpu_count() or 1, len(todo)))))
    with executor:
        while batch or elsewhere:
            pending = [executor.submit(t, profile) for t in batch]
            while pending:
                time.sleep(_POLL)
                for label, epoch in executor.drain():
                    running[label] = (epoch, epochs[label])
                    if report:
                        report(snapshot())
                for future in [f for f in pending if f.done()]:
                    pending.remove(future)
                    finished = future.result()  # re-raises a worker's error
                    store(finished)
                    guard = held.pop(finished.task)
                    assert guard is not None  # only runs whose lock was held were started
                    guard.release()
                    running.pop(finished.task.label, None)
                    done, computed = done + 1, computed + 1
                    done_work += work[finished.task]
                    if report:
                        report(snapshot(finished.task.label, finished.seconds))
            # The runs other processes were computing: wait for each, and take over any that
            # is still missing once its lock is free (its process stopped without storing it).
            batch = []
            for t in elsewhere:
                guard = cache.claim(path(t), wait=True)
                assert guard is not None  # waiting never gives up
                if experiments.is_cached(t.experiment, t.repeat, profile):
                    guard.release()
                    done += 1
                    done_work += work[t]
                    if report:
                        report(snapshot(f"{t.label} (by another process)", 0.0))
                else:
                    held[t] = guard
                    batch.append(t)
            elsewhere = []
    return computed
