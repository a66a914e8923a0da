"""Command line: ``python -m nnbook precompute``, ``fetch-data`` and ``cache-key``.

``precompute`` trains what the book's pages need on this machine's cores, on a Dask cluster
(``--scheduler``) or as one shard of a CI job matrix (``--shard K/N``; ``--plan N`` shows the
shards); ``fetch-data`` downloads MNIST (``--mirror URL``, ``--timeout S``, ``--deadline S``);
``cache-key`` prints the hash of the training code that every run's cache key holds.

A bad argument or environment variable (NNBOOK_PROFILE, NNBOOK_CACHE, NNBOOK_DATA) is answered
with one line on stderr and exit status 2; a download or a run that fails, with its message and
exit status 1. Neither prints a traceback.
"""

from __future__ import annotations

import argparse
import math
import sys
import urllib.parse


class _Parser(argparse.ArgumentParser):
    """argparse, answering a bad argument with one line (no usage block) and exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0; got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0; got {text!r}")
    return value


def _url(text: str) -> str:
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https", "file") or not (parts.netloc or parts.scheme == "file"):
        raise argparse.ArgumentTypeError(f"must be an http(s) or file URL of a folder holding the "
                                         f"four MNIST files; got {text!r}")
    return text


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
    parser = _Parser(prog="python -m nnbook", description=__doc__,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    from nnbook import __version__

    parser.add_argument("--version", action="version", version=f"nnbook {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("precompute", help="train every run the book needs that is not cached yet")
    p.add_argument("experiments", nargs="*", help="experiment names or prefixes (default: all), e.g. ch1")
    p.add_argument("--profile", choices=("full", "fast"), help="default: $NNBOOK_PROFILE or full")
    p.add_argument("--jobs", type=_positive_int, help="local worker processes (default: every core)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="train on the Dask cluster of this scheduler, e.g. tcp://host:8786 "
                        "(default: $NNBOOK_SCHEDULER; unset: local processes)")
    p.add_argument("--shard", metavar="K/N", help="compute only shard K of N (a CI job matrix)")
    p.add_argument("--plan", type=_positive_int, metavar="N",
                   help="print how the runs split into N shards, with estimated times, and stop")
    p.add_argument("--cores", type=_positive_int, default=4,
                   help="cores per shard's machine, for --plan's time estimates (default: 4)")
    p.add_argument("--list", action="store_true", help="list the runs that would be computed, and stop")
    f = sub.add_parser("fetch-data", help="download and verify MNIST into the data folder")
    f.add_argument("--mirror", action="append", type=_url, metavar="URL",
                   help="base URL to download from, tried before the built-in mirrors "
                        "(repeat for several)")
    f.add_argument("--timeout", type=_seconds, metavar="S",
                   help="seconds to wait for a mirror to answer, and a transfer that delivers "
                        "less than 16 KiB in that time has stalled (default: 30)")
    f.add_argument("--deadline", type=_seconds, metavar="S",
                   help="seconds one file's download may take in all (default: 600)")
    sub.add_parser("cache-key", help="print the hash of the training code (part of every run's key)")
    args = parser.parse_args(argv)
    try:
        return _run(parser, args)
    except _Failure as exc:
        start = "\n" if sys.stderr.isatty() else ""  # below a progress bar left unfinished
        print(f"{start}{parser.prog}: error: {exc}", file=sys.stderr)
        return 1


class _Failure(Exception):
    """A command that failed for a reason outside the program (a download, a missing run)."""


def _environment(parser, args) -> None:
    """Check every environment variable the command reads, up front: a bad value is a usage
    error (one line, exit status 2), not a traceback from deep inside the command."""
    from nnbook import data
    from nnbook.runs import cache, profile

    try:
        if args.command in ("fetch-data", "precompute"):
            data.data_dir()
        if args.command == "precompute":
            profile.current(args.profile)
            cache.cache_dir()
    except ValueError as exc:
        parser.error(str(exc))


def _run(parser, args) -> int:
    _environment(parser, args)
    from nnbook import data

    if args.command == "fetch-data":
        mirrors = tuple(args.mirror or ()) + data.MIRRORS
        try:
            print(data.fetch_mnist(mirrors=mirrors, progress=None,  # a bar on a terminal
                                   timeout=args.timeout or data.TIMEOUT,
                                   deadline=args.deadline or data.DEADLINE))
        except (data.DownloadError, data.ChecksumError, data.IDXFormatError, OSError) as exc:
            raise _Failure(exc) from None
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
    try:
        n = precompute.precompute(names, profile, jobs=args.jobs, scheduler=args.scheduler,
                                  shard=shard, report=_show)
    except (data.DownloadError, data.ChecksumError, data.IDXFormatError,
            data.MNISTNotFoundError) as exc:
        raise _Failure(exc) from None
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
