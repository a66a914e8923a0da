"""The run cache's key, and precompute on every executor: local processes, a real Dask
LocalCluster, the shards of a CI job matrix, and caches merged by copying files."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from distributed import LocalCluster  # the test extra installs it: this test never skips

import nnbook
from nnbook.runs import cache as run_cache, experiments, precompute

pytestmark = pytest.mark.usefixtures("mnist_dir")

PACKAGE = Path(nnbook.__file__).resolve().parent
TESTS = Path(__file__).resolve().parent

# Cheap experiments of the real catalogue (workers import the catalogue afresh, so they must be
# real ones): random guessing, average darkness, and four networks trained on 1,000 images.
CHEAP = ["ch1.random", "ch1.darkness", "ch3.strip.eta1", "ch3.strip.eta100", "ch3.strip.lmbda20",
         "ch3.strip.lmbda1000"]

BOOKKEEPING = {"nnbook", "nnbook.runs", "nnbook.studies", "nnbook.runs.cache",
               "nnbook.runs.catalogue", "nnbook.runs.experiments", "nnbook.runs.profile",
               "nnbook.runs.progress"}
"""nnbook modules a run may execute whose source is deliberately not in the cache key (see
:data:`nnbook.runs.cache.TRAINING_MODULES`)."""


def python(code: str, cwd: Path, **env) -> str:
    """Run ``code`` in a fresh Python in the folder ``cwd``; return what it printed."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env={**os.environ, **env}, cwd=cwd, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


# ---- the cache key --------------------------------------------------------------------------


def test_every_module_a_run_executes_is_hashed_or_bookkeeping(tmp_path):
    """One experiment of every kind, run in a fresh process: every nnbook module it imported is
    listed in TRAINING_MODULES or is bookkeeping. A kind that starts calling a new module fails
    here until the module is listed, so an edit to it cannot serve stale runs."""
    out = python(f"""
        import json, sys
        sys.path.insert(0, {str(TESTS)!r})
        from run_examples import SMALL, TINY_SGD
        from nnbook.runs import experiments
        from nnbook.runs.catalogue import Experiment
        for kind, settings in dict(SMALL, sgd=TINY_SGD).items():
            exp = Experiment("test." + kind, kind, kind, dict(settings, repeats=1, seed=1))
            experiments.CATALOGUE[exp.name] = exp
            experiments.run_one(exp.name, 0, "full", cache=False)
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "nnbook")))
    """, tmp_path)
    executed = set(json.loads(out))
    assert "nnbook.train" in executed and "nnbook.studies.baselines" in executed  # it ran them
    unlisted = executed - set(run_cache.TRAINING_MODULES) - BOOKKEEPING
    assert not unlisted, f"add these to nnbook.runs.cache.TRAINING_MODULES: {sorted(unlisted)}"


def test_no_figure_widget_or_page_module_is_in_the_key():
    for module in run_cache.TRAINING_MODULES:
        assert not module.startswith(("nnbook.figures", "nnbook.widgets")), module
        assert module not in ("nnbook.runs.claims", "nnbook.runs.pages", "nnbook.__main__")
        assert run_cache.module_file(module).is_file()


def _hash_of(package: Path) -> str:
    return python("from nnbook.runs import cache; print(cache.__file__, cache.training_code_hash())",
                  package.parent, PYTHONPATH=str(package.parent)).split()


def test_editing_a_figure_keeps_every_key_and_editing_training_changes_them(tmp_path):
    copy = tmp_path / "src" / "nnbook"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    where, original = _hash_of(copy)
    assert Path(where).is_relative_to(copy)  # the copy is what runs
    assert original == run_cache.training_code_hash()
    for edited in ("figures/style.py", "widgets/core.py", "runs/claims.py", "runs/experiments.py", "__main__.py"):
        with open(copy / edited, "a") as f:
            f.write("\n# a comment\n")
        assert _hash_of(copy)[1] == original, edited
    with open(copy / "train.py", "a") as f:
        f.write("\n# a comment\n")
    assert _hash_of(copy)[1] != original


# ---- NNBOOK_REQUIRE_CACHED ------------------------------------------------------------------


def test_a_missing_run_is_an_error_when_only_cached_runs_are_allowed(tmp_path, monkeypatch):
    monkeypatch.setenv("NNBOOK_CACHE", str(tmp_path))
    monkeypatch.setenv("NNBOOK_REQUIRE_CACHED", "1")
    with pytest.raises(run_cache.RunNotCached,
                       match=r"run ch1.darkness #1 \(fast profile\) is not in the run cache .*"
                             r"python -m nnbook precompute ch1.darkness --profile fast"):
        experiments.run("ch1.darkness", "fast")
    assert list(tmp_path.iterdir()) == []  # nothing was trained
    monkeypatch.setenv("NNBOOK_REQUIRE_CACHED", "0")
    trained = experiments.run("ch1.darkness", "fast").runs[0]
    monkeypatch.setenv("NNBOOK_REQUIRE_CACHED", "1")
    assert experiments.run("ch1.darkness", "fast").runs[0].outcome == trained.outcome
    monkeypatch.setenv("NNBOOK_REQUIRE_CACHED", "sometimes")
    with pytest.raises(ValueError, match="NNBOOK_REQUIRE_CACHED must be 1 or 0; got 'sometimes'"):
        experiments.run("ch1.darkness", "fast")


# ---- shards ---------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["full", "fast"])
def test_shards_cover_every_task_once_and_are_balanced(profile):
    everything = precompute.all_tasks(None, profile)
    for n in (1, 2, 3, 5):
        shards = precompute.plan(n, None, profile)
        assert len(shards) == n
        dealt = [t for shard in shards for t in shard]
        assert sorted(dealt) == sorted(everything) and len(set(dealt)) == len(dealt)
        loads = [sum(precompute.estimate(t, profile) for t in shard) for shard in shards]
        longest = max(precompute.estimate(t, profile) for t in everything)
        # longest-first onto the least loaded: no shard exceeds the mean by more than one task
        assert max(loads) <= sum(loads) / n + longest + 1e-9
        assert precompute.plan(n, None, profile) == shards  # the same plan in every job


def test_shard_arguments_are_checked():
    assert precompute.parse_shard("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "2", "a/b", "1/2/3"):
        with pytest.raises(ValueError, match="shard"):
            precompute.parse_shard(bad)
    with pytest.raises(ValueError, match="number of shards must be a positive integer; got 0"):
        precompute.plan(0)


def _files(folder: Path) -> dict[str, object]:
    """A cache folder's content: .npz files as bytes, .json files as data without the measured
    seconds (the one thing two computations of a run do not share)."""
    out = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file()):  # not the locks' folder
        if path.suffix == ".json":
            d = json.loads(path.read_text())
            assert d.pop("seconds") >= 0
            out[path.name] = d
        else:
            out[path.name] = path.read_bytes()
    return out


@pytest.fixture(scope="module")
def unsharded(tmp_path_factory, mnist_dir):
    """The cheap experiments precomputed by local processes into one cache."""
    folder = tmp_path_factory.mktemp("unsharded")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NNBOOK_CACHE", str(folder))
        assert precompute.precompute(CHEAP, "fast", jobs=2) == len(CHEAP)
    files = _files(folder)
    # three trained networks; ch3.strip.lmbda1000 diverges (its weight decay multiplies the
    # weights by 1 - eta lmbda / n = -9 at every step) and a diverged network is not stored
    assert sorted(n.split("-")[0] for n in files if n.endswith(".npz")) == [
        "ch3.strip.eta1", "ch3.strip.eta100", "ch3.strip.lmbda20"]
    return files


def test_shards_merged_by_copying_equal_an_unsharded_run(unsharded, tmp_path, monkeypatch):
    merged = tmp_path / "merged"
    merged.mkdir()
    for k in (1, 2):
        shard = tmp_path / f"shard{k}"
        monkeypatch.setenv("NNBOOK_CACHE", str(shard))
        planned = precompute.plan(2, CHEAP, "fast")[k - 1]
        assert precompute.precompute(CHEAP, "fast", jobs=2, shard=(k, 2)) == len(planned)
        assert precompute.precompute(CHEAP, "fast", jobs=2, shard=(k, 2)) == 0  # all there now
        for path in (p for p in shard.iterdir() if p.is_file()):  # merging caches is copying files
            shutil.copy2(path, merged / path.name)
    assert _files(merged) == unsharded
    monkeypatch.setenv("NNBOOK_CACHE", str(merged))
    assert precompute.tasks(CHEAP, "fast") == []
    monkeypatch.setenv("NNBOOK_REQUIRE_CACHED", "1")
    assert experiments.run("ch3.strip.eta1", "fast").runs[0].network() is not None


def test_the_cli_plans_and_lists_a_shard(capsys, monkeypatch, tmp_path):
    from nnbook.__main__ import main

    monkeypatch.setenv("NNBOOK_CACHE", str(tmp_path))
    assert main(["precompute", *CHEAP, "--profile", "fast", "--plan", "2", "--cores", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("shard ") == 2 and "shard 1/2:" in out and "about" in out
    listed = []
    for k in (1, 2):
        assert main(["precompute", *CHEAP, "--profile", "fast", "--shard", f"{k}/2", "--list"]) == 0
        listed += capsys.readouterr().out.split()
    assert sorted(n for n in listed if not n.startswith("#")) == sorted(CHEAP)
    with pytest.raises(SystemExit):
        main(["precompute", "--shard", "3/2"])


# ---- Dask -----------------------------------------------------------------------------------


def test_a_dask_cluster_fills_the_same_cache_as_local_processes(unsharded, tmp_path, monkeypatch):
    monkeypatch.setenv("NNBOOK_CACHE", str(tmp_path / "cluster"))
    seen = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40) as cluster:
        n = precompute.precompute(CHEAP, "fast", scheduler=cluster.scheduler_address,
                                  report=seen.append)
    assert n == len(CHEAP)
    assert _files(tmp_path / "cluster") == unsharded  # bit for bit, but the measured seconds
    assert {p.finished for p in seen if p.finished} == {f"{name} #1" for name in CHEAP}
    assert any(p.running for p in seen)  # epochs were reported from the workers
    assert seen[-1].done == len(CHEAP) and seen[-1].fraction == pytest.approx(1.0)
