"""Command line: ``python -m nnbook precompute``, ``fetch-data`` and ``cache-key``.

``precompute`` trains what the book's pages need on this machine's cores, on a Dask cluster
(``--scheduler``) or as one shard of a CI job matrix (``--shard K/N``; ``--plan N`` shows the
shards); ``cache-key`` prints the hash of the training code that every run's cache key holds.
"""

from __future__ import annotations

import argparse
import sys


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s" if m else f"{s}s"


def _show(progress, stream=sys.stderr) -> None:
    """One line per finished run, and an updating status line on a terminal."""
    status = (f"[{progress.done}/{progress.total} runs] {progress.fraction:6.1%} · "
              f"elapsed {_duration(progress.elapsed)} · about {_duration(progress.remaining)} left")
    tty = stream.isatty()
    if progress.finished:
        stream.write(("\r\033[K" if tty else "") + f"done {progress.finished} in {_duration(progress.seconds)}  {status}\n")
    elif tty:
        busy = ", ".join(f"{l} epoch {e}/{n}" for l, (e, n) in sorted(progress.running.items()))
        stream.write("\r\033[K" + (status + "  " + busy)[:200])
    stream.flush()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnbook", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    from nnbook import __version__

    parser.add_argument("--version", action="version", version=f"nnbook {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("precompute", help="train every run the book needs that is not cached yet")
    p.add_argument("experiments", nargs="*", help="experiment names or prefixes (default: all), e.g. ch1")
    p.add_argument("--profile", choices=("full", "fast"), help="default: $NNBOOK_PROFILE or full")
    p.add_argument("--jobs", type=int, help="local worker processes (default: every core)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="train on the Dask cluster of this scheduler, e.g. tcp://host:8786 "
                        "(default: $NNBOOK_SCHEDULER; unset: local processes)")
    p.add_argument("--shard", metavar="K/N", help="compute only shard K of N (a CI job matrix)")
    p.add_argument("--plan", type=int, metavar="N",
                   help="print how the runs split into N shards, with estimated times, and stop")
    p.add_argument("--cores", type=int, default=4,
                   help="cores per shard's machine, for --plan's time estimates (default: 4)")
    p.add_argument("--list", action="store_true", help="list the runs that would be computed, and stop")
    sub.add_parser("fetch-data", help="download and verify MNIST into the data folder")
    sub.add_parser("cache-key", help="print the hash of the training code (part of every run's key)")
    args = parser.parse_args(argv)

    if args.command == "fetch-data":
        from nnbook.data import fetch_mnist

        print(fetch_mnist(progress=True))
        return 0

    from nnbook.runs import cache, experiments, precompute

    if args.command == "cache-key":
        print(cache.training_code_hash())
        return 0

    names = sorted(experiments.CATALOGUE)
    if args.experiments:
        names = [n for n in names if any(n == e or n.startswith(e.rstrip(".") + ".") for e in args.experiments)]
        if not names:
            parser.error(f"no experiment matches {' '.join(args.experiments)}")
    profile = experiments.profiles.current(args.profile)
    try:
        shard = precompute.parse_shard(args.shard) if args.shard else None
        if args.plan is not None:
            _print_plan(precompute.plan(args.plan, names, profile), profile, args.cores)
            return 0
    except ValueError as exc:
        parser.error(str(exc))
    if args.list:
        chosen = precompute.plan(shard[1], names, profile)[shard[0] - 1] if shard else None
        for name, repeat in precompute.tasks(names, profile):
            if chosen is None or precompute.Task(name, repeat) in chosen:
                print(f"{name} #{repeat + 1}")
        return 0
    n = precompute.precompute(names, profile, jobs=args.jobs, scheduler=args.scheduler,
                              shard=shard, report=_show)
    where = f" (shard {args.shard})" if shard else ""
    print(f"{n} run(s) computed for the {profile} profile{where}; cache: {cache.cache_dir()}",
          file=sys.stderr)
    return 0


def _print_plan(shards, profile: str, cores: int) -> None:
    """Each shard's runs and estimated time: the runs spread over ``cores`` cores, longest first."""
    from nnbook.runs import precompute

    for k, tasks in enumerate(shards, 1):
        seconds = [precompute.estimate(t, profile) for t in tasks]
        loads = [0.0] * max(1, cores)
        for s in sorted(seconds, reverse=True):
            loads[loads.index(min(loads))] += s
        print(f"shard {k}/{len(shards)}: {len(tasks)} runs, {_duration(sum(seconds))} of "
              f"training, about {_duration(max(loads))} on {cores} cores")
        for t, s in zip(tasks, seconds):
            print(f"  {t.label:<28} {_duration(s):>8}")


if __name__ == "__main__":
    sys.exit(main())
