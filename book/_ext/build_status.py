"""Sphinx extension: what built this site, and what each page cost.

While the pages execute, it

- turns nnbook's progress bars off (``NNBOOK_PROGRESS=0``: a bar drawn while a page trains would
  end up in the page), and
- gives every page its own run log (``NNBOOK_RUN_LOG``, see :mod:`nnbook.runs.progress`): the
  page's kernel, started while Sphinx reads the page, inherits the variable, and every run the
  page asks for is written to the log, with whether it came from the run cache and how long it
  took to train. The logs are kept in the build environment (``env.nnbook_runs``), so an
  incremental build keeps the record of pages it did not execute again, and the notebook
  downloads (``notebook_download``) read which runs each page needs from there.

The ``{build-status}`` directive shows one part of the record, replaced at the end of the build,
once every page has run:

``summary``
    the commit, the build date, the profile, the training code's hash, the machine, and the total
    time of the pages and of the training behind them;
``pages``
    each executed page: myst-nb's execution statistics (time, method, outcome) and its runs,
    read from the run cache or trained during the build;
``packages``
    the versions of Python and of the packages that computed and built the book;
``data``
    the MNIST files, checked against the SHA-256 that nnbook expects.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import platform
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

PARTS = ("summary", "pages", "packages", "data")
PACKAGES = ("nnbook", "numpy", "scipy", "matplotlib", "scikit-learn", "threadpoolctl", "tqdm",
            "jupyter-book", "sphinx", "myst-nb", "myst-parser", "sphinx-book-theme",
            "pydata-sphinx-theme", "jupytext", "ipykernel", "nbclient")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("build_status_commit", "", "env", [str])
    app.add_node(BuildStatus)
    app.add_directive("build-status", BuildStatusDirective)
    app.add_post_transform(FillBuildStatus)
    app.connect("config-inited", _silence_progress)
    app.connect("source-read", _start_run_log)
    app.connect("doctree-read", _keep_run_log)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-updated", _status_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}


# --------------------------------------------------------------------------------------------
# While the pages run
# --------------------------------------------------------------------------------------------


def _silence_progress(app: Sphinx, config) -> None:
    os.environ["NNBOOK_PROGRESS"] = "0"


def _log_path(app: Sphinx, docname: str) -> Path:
    return Path(app.doctreedir, "nnbook-run-logs", docname + ".jsonl")


def _start_run_log(app: Sphinx, docname: str, source: list[str]) -> None:
    """Before a page is parsed (and, being a notebook, executed): a fresh log for its runs."""
    path = _log_path(app, docname)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    os.environ["NNBOOK_RUN_LOG"] = str(path)


def _keep_run_log(app: Sphinx, doctree) -> None:
    from nnbook.runs.progress import read_log

    env = app.env
    docname = env.docname
    os.environ.pop("NNBOOK_RUN_LOG", None)
    if not hasattr(env, "nnbook_runs"):
        env.nnbook_runs = {}
    env.nnbook_runs[docname] = read_log(_log_path(app, docname))


def _purge(app: Sphinx, env, docname: str) -> None:
    getattr(env, "nnbook_runs", {}).pop(docname, None)
    getattr(env, "nnbook_status_pages", set()).discard(docname)


def _merge(app: Sphinx, env, docnames, other) -> None:
    if not hasattr(env, "nnbook_runs"):
        env.nnbook_runs = {}
    env.nnbook_runs.update({d: runs for d, runs in getattr(other, "nnbook_runs", {}).items()
                            if d in docnames})
    if not hasattr(env, "nnbook_status_pages"):
        env.nnbook_status_pages = set()
    env.nnbook_status_pages |= getattr(other, "nnbook_status_pages", set()) & set(docnames)


def _status_pages(app: Sphinx, env) -> list[str]:
    """The status pages are written again whenever any page was read again."""
    return sorted(getattr(env, "nnbook_status_pages", set()))


def page_runs(env, docname: str) -> list[dict]:
    """The runs ``docname`` asked for when it last ran, one entry per run (the last one wins)."""
    unique: dict[tuple[str, int], dict] = {}
    for entry in getattr(env, "nnbook_runs", {}).get(docname, []):
        unique[(entry.get("experiment"), entry.get("repeat"))] = entry
    return list(unique.values())


# --------------------------------------------------------------------------------------------
# The directive
# --------------------------------------------------------------------------------------------


class BuildStatus(nodes.General, nodes.Element):
    """A placeholder for one part of the build status, filled in at the end of the build."""


class BuildStatusDirective(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        part = self.arguments[0]
        if part not in PARTS:
            raise self.error(f"build-status shows one of {', '.join(PARTS)}; got {part!r}")
        if not hasattr(self.env, "nnbook_status_pages"):
            self.env.nnbook_status_pages = set()
        self.env.nnbook_status_pages.add(self.env.docname)
        return [BuildStatus(part=part)]


class FillBuildStatus(SphinxPostTransform):
    """Replaces each placeholder once every page has been read and executed."""

    default_priority = 8

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(BuildStatus)):
            part = node["part"]
            node.replace_self(_PARTS[part](self.app, self.env.docname))


# --------------------------------------------------------------------------------------------
# What the build knows
# --------------------------------------------------------------------------------------------


def commit(app: Sphinx) -> tuple[str, bool]:
    """The commit being built and whether the working tree differs from it.

    ``build_status_commit`` if configured, else ``$GITHUB_SHA`` (CI), else ``git rev-parse
    HEAD`` in the book's folder; ``""`` if none of them says.
    """
    sha = app.config.build_status_commit or os.environ.get("GITHUB_SHA", "")
    changed = False
    try:
        if not sha:
            sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=app.confdir, check=True,
                                 capture_output=True, text=True).stdout.strip()
        changed = bool(subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=app.confdir,
            check=True, capture_output=True, text=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        pass
    return sha, changed


def repository_url(app: Sphinx) -> str:
    """The repository's web address (``repository: url`` in ``_config.yml``)."""
    options = app.config.html_theme_options or {}
    return (options.get("repository_url") or "").rstrip("/")


def build_time() -> datetime:
    """Now, or ``$SOURCE_DATE_EPOCH`` when a reproducible build fixes the date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(tz=timezone.utc)


def duration(seconds: float | None) -> str:
    """Seconds as a reader reads them: ``"0.4 s"``, ``"42 s"``, ``"3 min 05 s"``, ``"2 h 07 min"``."""
    if seconds is None:
        return "–"
    if seconds < 10:
        return f"{seconds:.1f} s"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def _exec_data(env, docname: str) -> dict | None:
    data = getattr(env, "nb_metadata", {}).get(docname, {})
    return data.get("exec_data")


def _toc_order(env, root: str) -> list[str]:
    order: list[str] = []

    def visit(docname: str) -> None:
        if docname in order:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            visit(child)

    visit(root)
    return order + sorted(set(env.found_docs) - set(order))


def _executed_pages(app: Sphinx) -> list[str]:
    env = app.env
    return [d for d in _toc_order(env, app.config.root_doc)
            if _exec_data(env, d) is not None or getattr(env, "nnbook_runs", {}).get(d)]


def _all_runs(app: Sphinx) -> dict[tuple[str, int, str], dict]:
    """Every run behind the build, once each (a run two pages use is counted once)."""
    runs: dict[tuple[str, int, str], dict] = {}
    for docname in _executed_pages(app):
        for entry in page_runs(app.env, docname):
            key = (entry.get("experiment"), entry.get("repeat"), entry.get("profile"))
            if key not in runs or not entry.get("cached", True):
                runs[key] = entry
    return runs


# --------------------------------------------------------------------------------------------
# Nodes
# --------------------------------------------------------------------------------------------


def _cell(content) -> nodes.entry:
    entry = nodes.entry()
    if isinstance(content, nodes.Node):
        entry += content if isinstance(content, nodes.paragraph) else nodes.paragraph("", "", content)
    else:
        entry += nodes.paragraph(text=str(content))
    return entry


def _table(headers: list[str], rows: list[list], classes: list[str]) -> nodes.table:
    table = nodes.table(classes=["colwidths-auto", "nnbook-status", *classes])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for _ in headers:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for header in headers:
        row += _cell(header)
    head += row
    body = nodes.tbody()
    group += body
    for values in rows:
        row = nodes.row()
        for value in values:
            row += _cell(value)
        body += row
    return table


def _fields(items: list[tuple[str, Any]]) -> nodes.field_list:
    fields = nodes.field_list(classes=["nnbook-status"])
    for name, value in items:
        field = nodes.field()
        field += nodes.field_name(text=name)
        body = nodes.field_body()
        body += value if isinstance(value, nodes.paragraph) else (
            nodes.paragraph("", "", value) if isinstance(value, nodes.Node)
            else nodes.paragraph(text=str(value)))
        field += body
        fields += field
    return fields


def _link(text: str, uri: str) -> nodes.reference:
    return nodes.reference(text, text, refuri=uri, internal=False)


def _page_link(app: Sphinx, fromdoc: str, docname: str) -> nodes.Node:
    title = app.env.titles.get(docname)
    text = title.astext() if title is not None else docname
    try:
        uri = app.builder.get_relative_uri(fromdoc, docname)
    except Exception:  # a builder without pages (linkcheck): the title alone
        return nodes.Text(text)
    return nodes.reference(text, text, refuri=uri, internal=True)


def _literal(text: str) -> nodes.literal:
    return nodes.literal(text, text)


# --------------------------------------------------------------------------------------------
# The parts
# --------------------------------------------------------------------------------------------


def _summary(app: Sphinx, docname: str) -> list[nodes.Node]:
    from nnbook.runs import cache, profile

    sha, changed = commit(app)
    repo = repository_url(app)
    if sha:
        shown = _link(sha[:12], f"{repo}/commit/{sha}") if repo else _literal(sha[:12])
        commit_value = nodes.paragraph("", "", shown,
                                       nodes.Text(" with local changes" if changed else ""))
    else:
        commit_value = "unknown (not built from a git checkout)"
    runs = _all_runs(app)
    trained_here = [r for r in runs.values() if not r.get("cached", True)]
    pages = _executed_pages(app)
    page_seconds = sum((_exec_data(app.env, d) or {}).get("runtime") or 0 for d in pages)
    training = sum(r.get("seconds") or 0 for r in runs.values())
    cpu = _cpu_model()
    items = [
        ("Commit", commit_value),
        ("Built", build_time().strftime("%Y-%m-%d %H:%M UTC")),
        ("Profile", _literal(profile.current())),
        ("Training code", nodes.paragraph("", "", _literal(cache.training_code_hash()[:12]),
                                          nodes.Text(" (the hash in every run's cache key)"))),
        ("Machine", f"{cpu + ', ' if cpu else ''}{os.cpu_count()} cores, "
                    f"{platform.system()} {platform.machine()}"),
        ("Pages executed", f"{len(pages)}, in {duration(page_seconds)} together"),
        ("Runs behind the pages",
         f"{len(runs)}: {len(runs) - len(trained_here)} read from the run cache, "
         f"{len(trained_here)} trained during this build"),
        ("Training time of those runs", f"{duration(training)} of computing, as each run "
                                         f"recorded it when it was trained"),
    ]
    return [_fields(items)]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _pages(app: Sphinx, docname: str) -> list[nodes.Node]:
    rows = []
    for page in _executed_pages(app):
        data = _exec_data(app.env, page) or {}
        runs = page_runs(app.env, page)
        trained = sum(1 for r in runs if not r.get("cached", True))
        if data:
            outcome = "ran" if data.get("succeeded") else f"failed ({data.get('error') or 'error'})"
            how = f"{data.get('method', '?')}, {outcome}"
        else:
            how = "–"
        rows.append([
            _page_link(app, docname, page),
            duration(data.get("runtime")) if data else "–",
            how,
            f"{len(runs) - trained} / {trained}",
            duration(sum(r.get("seconds") or 0 for r in runs)) if runs else "–",
        ])
    return [_table(["Page", "Execution", "Method", "Runs cached / trained", "Training time"],
                   rows, ["nnbook-status-pages"])]


def _packages(app: Sphinx, docname: str) -> list[nodes.Node]:
    rows = [["Python", platform.python_version()]]
    for name in PACKAGES:
        try:
            rows.append([name, metadata.version(name)])
        except metadata.PackageNotFoundError:
            rows.append([name, "not installed"])
    return [_table(["Package", "Version"], rows, ["nnbook-status-packages"])]


def _data(app: Sphinx, docname: str) -> list[nodes.Node]:
    from nnbook.data import FILES, SHA256, data_dir

    folder = data_dir()
    rows = []
    for name in FILES:
        path = folder / name
        if not path.is_file():
            state = "not found"
        else:
            actual = hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest()
            state = "verified" if actual == SHA256[name] else f"does not match: {actual}"
        rows.append([_literal(name), _literal(SHA256[name]), state])
    return [_table(["File", "SHA-256 of the decompressed content", "This build's copy"], rows,
                   ["nnbook-status-data"])]


_PARTS = {"summary": _summary, "pages": _pages, "packages": _packages, "data": _data}
