"""Command line: ``python -m nnbook precompute`` and ``python -m nnbook fetch-data``."""

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
    parser = argparse.ArgumentParser(prog="python -m nnbook", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("precompute", help="train every run the book needs that is not cached yet")
    p.add_argument("experiments", nargs="*", help="experiment names or prefixes (default: all), e.g. ch1")
    p.add_argument("--profile", choices=("full", "fast"), help="default: $NNBOOK_PROFILE or full")
    p.add_argument("--jobs", type=int, help="worker processes (default: every core)")
    p.add_argument("--list", action="store_true", help="list the runs that would be computed, and stop")
    sub.add_parser("fetch-data", help="download and verify MNIST into the data folder")
    args = parser.parse_args(argv)

    if args.command == "fetch-data":
        from nnbook.data import fetch_mnist

        print(fetch_mnist(progress=True))
        return 0

    from nnbook.runs import experiments, precompute

    names = sorted(experiments.CATALOGUE)
    if args.experiments:
        names = [n for n in names if any(n == e or n.startswith(e.rstrip(".") + ".") for e in args.experiments)]
        if not names:
            parser.error(f"no experiment matches {' '.join(args.experiments)}")
    profile = experiments.profiles.current(args.profile)
    if args.list:
        for name, repeat in precompute.tasks(names, profile):
            print(f"{name} #{repeat + 1}")
        return 0
    n = precompute.precompute(names, profile, jobs=args.jobs, report=_show)
    print(f"{n} run(s) computed for the {profile} profile; cache: {experiments.cache_dir()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
