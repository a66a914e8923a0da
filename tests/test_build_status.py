"""The build's own record (book/_ext/build_status.py): durations as a reader reads them, the
runs behind each page, the commit being built."""

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("sphinx")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))

from build_status import commit, duration, page_runs  # noqa: E402


@pytest.mark.parametrize("seconds, text", [
    (None, "–"), (0.4, "0.4 s"), (9.94, "9.9 s"), (42.4, "42 s"), (185, "3 min 05 s"),
    (7620, "2 h 07 min"), (3 * 86400, "72 h 00 min"),
])
def test_durations(seconds, text):
    assert duration(seconds) == text


def test_a_page_counts_each_run_once_and_the_last_record_wins():
    log = [
        {"experiment": "ch1.net30", "repeat": 0, "cached": False, "seconds": 10.0},
        {"experiment": "ch1.net30", "repeat": 1, "cached": True, "seconds": 11.0},
        {"experiment": "ch1.net30", "repeat": 0, "cached": True, "seconds": 10.0},
    ]
    env = SimpleNamespace(nnbook_runs={"book/chapter1": log})
    runs = page_runs(env, "book/chapter1")
    assert [(r["repeat"], r["cached"]) for r in runs] == [(0, True), (1, True)]
    assert page_runs(env, "book/chapter2") == []
    assert page_runs(SimpleNamespace(), "book/chapter1") == []


def test_the_commit_comes_from_the_configuration_ci_or_git(tmp_path, monkeypatch):
    def app(configured=""):
        return SimpleNamespace(config=SimpleNamespace(build_status_commit=configured),
                               confdir=str(tmp_path))

    monkeypatch.delenv("GITHUB_SHA", raising=False)
    assert commit(app()) == ("", False)  # not a git checkout
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "a.txt").write_text("one")
    subprocess.run([*git, "-C", str(tmp_path), "add", "a.txt"], check=True)
    subprocess.run([*git, "-C", str(tmp_path), "commit", "-qm", "one"], check=True)
    head = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    assert commit(app()) == (head, False)
    (tmp_path / "a.txt").write_text("two")
    assert commit(app()) == (head, True)  # the working tree differs from the commit
    monkeypatch.setenv("GITHUB_SHA", "f" * 40)
    assert commit(app())[0] == "f" * 40
    assert commit(app("0" * 40))[0] == "0" * 40
