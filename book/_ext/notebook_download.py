"""Sphinx extension: a real, readable ``.ipynb`` download on every notebook page.

For each page that myst-nb executed, this writes ``_build/html/_sources/<docname>.ipynb`` at the
end of the build and points the theme's download menu at it (the theme shows an ``.ipynb`` entry
when a page's ``ipynb_source`` context is set). The notebook is built from the executed copy
myst-nb leaves in ``_build/jupyter_execute/``, so it carries this build's outputs, and its
markdown is rewritten by ``notebook_export`` (pure functions, unit-tested) into plain Jupyter
markdown: glued values written out, figure and equation numbers filled in, directives turned
into quotes and collapsible blocks, citations spelled out.

The notebook's first cell installs nnbook at the commit that built it, where nnbook is missing,
and its header says how long the page takes to run in each profile: the runs the page asked for
in this build (recorded by ``build_status``), timed as they were when trained for this build's
profile and estimated by :func:`nnbook.runs.precompute.estimate` for the other, plus the time the
rest of the page took.

Each notebook page also gets a "launch in Colab" button. Colab opens notebooks from GitHub, so
the book's workflow publishes the exported notebooks, in the same folders as here, on a branch
of the repository (``notebooks``), and the button points there.

Anything the rewrite cannot resolve is reported as a warning, so ``-W`` builds fail on it.

Configuration (``sphinx: config:`` in ``_config.yml``):

``notebook_download_requirement``
    the pip requirement the first cell installs; ``{repository}`` and ``{commit}`` are replaced
    by the repository's address and the commit being built (its branch if there is no commit).
``notebook_download_colab_branch``
    the branch that holds the published notebooks; empty: no Colab button.
``notebook_download_site_url``
    the site's address, for links back to it; defaults to ``html_baseurl``.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from docutils.nodes import make_id
from docutils.parsers.rst import directives as rst_directives
from sphinx.application import Sphinx
from sphinx.directives.code import LiteralInclude, LiteralIncludeReader
from sphinx.util import logging

from build_status import commit, page_runs, repository_url
from notebook_export import Citation, Image, References, Running, Target, export_notebook

logger = logging.getLogger(__name__)

DEFAULT_REQUIREMENT = "nnbook[baselines] @ git+{repository}@{commit}"
COLAB = "https://colab.research.google.com/github"
_IMAGE_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml"}


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("notebook_download_requirement", DEFAULT_REQUIREMENT, "html", [str])
    app.add_config_value("notebook_download_colab_branch", "notebooks", "html", [str])
    app.add_config_value("notebook_download_site_url", "", "html", [str])
    # Before the theme builds its header buttons (priority 501).
    app.connect("html-page-context", _offer_download, priority=400)
    # After them, to add a launch button beside them.
    app.connect("html-page-context", _offer_colab, priority=550)
    # At the very end, so that nothing written during the build (the theme's own copy of the
    # executed notebook, Sphinx's copy of an .ipynb source) replaces the file.
    app.connect("build-finished", _write_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------


def _offer_download(app: Sphinx, pagename: str, templatename: str, context: dict, doctree):
    if doctree is not None and _executed_notebook(app, pagename) is not None:
        context["ipynb_source"] = pagename + ".ipynb"


def colab_url(app: Sphinx, docname: str) -> str | None:
    """Where Colab opens this page's published notebook; ``None`` if it cannot."""
    branch = app.config.notebook_download_colab_branch
    repo = repository_url(app)
    if not branch or not repo.startswith("https://github.com/"):
        return None
    org_repo = "/".join(repo.removeprefix("https://github.com/").split("/")[:2])
    return f"{COLAB}/{org_repo}/blob/{branch}/{docname}.ipynb"


def _offer_colab(app: Sphinx, pagename: str, templatename: str, context: dict, doctree):
    if doctree is None or _executed_notebook(app, pagename) is None:
        return
    url = colab_url(app, pagename)
    buttons = context.get("header_buttons")
    if url is None or buttons is None:
        return
    buttons.append({
        "type": "group",
        "tooltip": "Run this page as a notebook",
        "icon": "fas fa-rocket",
        "label": "launch-buttons",
        "buttons": [{
            "type": "link",
            "text": "Colab",
            "tooltip": "Open this page as a notebook in Google Colab",
            "icon": "_static/images/logo_colab.png",
            "url": url,
        }],
    })


def requirement(app: Sphinx) -> str:
    """The pip requirement of nnbook at the commit being built (``notebook_download_requirement``)."""
    sha, _ = commit(app)
    options = app.config.html_theme_options or {}
    at = sha or options.get("repository_branch") or "main"
    return app.config.notebook_download_requirement.format(repository=repository_url(app),
                                                            commit=at)


def running(app: Sphinx, docname: str, needs: str) -> Running:
    """What running ``docname`` takes: the runs it asked for in this build, timed as they were
    when trained (for this build's profile) or estimated from their size by
    :func:`nnbook.runs.precompute.estimate` (for the other), and the measured time of the rest
    of the page."""
    from nnbook.runs import precompute
    from nnbook.runs.profile import PROFILES, current

    env = app.env
    if docname not in getattr(env, "nnbook_runs", {}):
        return Running(needs)  # the build did not watch this page run: no times
    built = current()
    entries = page_runs(env, docname)
    names = sorted({e["experiment"] for e in entries if e.get("experiment")})
    runs, training = {}, {}
    for profile in PROFILES:
        if profile == built:
            runs[profile] = len(entries)
            training[profile] = sum(e.get("seconds") or 0.0 for e in entries)
        else:
            tasks = precompute.all_tasks(names, profile)
            runs[profile] = len(tasks)
            training[profile] = sum(precompute.estimate(task, profile) for task in tasks)
    exec_data = getattr(env, "nb_metadata", {}).get(docname, {}).get("exec_data") or {}
    trained_here = sum(e.get("seconds") or 0.0 for e in entries if not e.get("cached", True))
    other = max(0.0, (exec_data.get("runtime") or 0.0) - trained_here)
    return Running(needs, built, runs, training, other)


def _write_downloads(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        # (singlehtml numbers figures differently, and its single page offers no downloads)
        return
    import nbformat  # installed with myst-nb

    needs = requirement(app)
    for docname in sorted(app.env.found_docs):
        executed = _executed_notebook(app, docname)
        if executed is None:
            continue
        notebook = json.loads(executed.read_text(encoding="utf-8"))
        refs = _references(app, docname, notebook, executed)
        page_url = _page_url(app, docname)
        exported, problems = export_notebook(
            notebook,
            refs,
            title=app.env.titles[docname].astext() if docname in app.env.titles else docname,
            page_url=page_url,
            site_title=app.config.html_title or app.config.project,
            running=running(app, docname, needs),
            source_path=_source_path(app, docname),
        )
        for problem in problems:
            logger.warning("notebook download: %s", problem, location=docname,
                           type="notebook_download")
        try:
            nbformat.validate(nbformat.from_dict(exported))
        except nbformat.ValidationError as exc:
            logger.warning("notebook download: invalid notebook: %s", exc, location=docname,
                           type="notebook_download")
        target = Path(app.outdir, "_sources", docname + ".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(exported, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        target.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------------------------
# What the build knows about one page
# --------------------------------------------------------------------------------------------


def _executed_notebook(app: Sphinx, docname: str) -> Path | None:
    """The notebook myst-nb wrote for this page in this build, if the page is a notebook."""
    if "kernelspec" not in app.env.metadata.get(docname, {}):
        return None
    config = getattr(app.env, "mystnb_config", None)
    folder = Path(config.output_folder) if config is not None else \
        Path(app.outdir).parent / "jupyter_execute"
    path = folder / (docname + ".ipynb")
    return path if path.is_file() else None


def _site_url(app: Sphinx) -> str:
    url = app.config.notebook_download_site_url or app.config.html_baseurl or ""
    return url if not url or url.endswith("/") else url + "/"


def _page_url(app: Sphinx, docname: str, anchor: str = "") -> str | None:
    site = _site_url(app)
    if not site:
        return None
    url = site + app.builder.get_target_uri(docname)
    return f"{url}#{anchor}" if anchor else url


def _source_path(app: Sphinx, docname: str) -> str:
    source = Path(app.env.doc2path(docname))
    try:
        return source.relative_to(app.confdir).as_posix()
    except ValueError:
        return source.name


def _references(app: Sphinx, docname: str, notebook: dict, executed: Path) -> References:
    env = app.env
    return References(
        glue=_glue(notebook, executed),
        targets=_targets(app, docname),
        equations=_equations(app),
        citations=_citations(app),
        documents={name: (env.titles[name].astext() if name in env.titles else name,
                          _page_url(app, name))
                   for name in env.found_docs},
        docname=docname,
        exercise_labels=_exercise_labels(app, docname),
        substitutions=dict(getattr(app.config, "myst_substitutions", {}) or {}),
        read_include=lambda path, options: _read_include(app, docname, path, options),
        read_image=lambda path: _read_image(app, docname, path),
        eq_format=app.config.math_eqref_format or "({number})",
    )


def _glue(notebook: dict, executed: Path) -> dict[str, dict]:
    """Glued values: myst-nb moves them out of the notebook into ``<docname>.glue.json``; any
    left in the notebook's outputs (glued with ``display=True``) count too."""
    glue: dict[str, dict] = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            scrapbook = (output.get("metadata") or {}).get("scrapbook")
            if scrapbook and "name" in scrapbook:
                prefix = scrapbook.get("mime_prefix", "")
                glue[scrapbook["name"]] = {key[len(prefix):] if key.startswith(prefix) else key:
                                           value for key, value in output.get("data", {}).items()}
    stored = executed.with_name(executed.stem + ".glue.json")
    if stored.is_file():
        for name, output in json.loads(stored.read_text(encoding="utf-8")).items():
            glue[name] = output.get("data", {})
    return glue


def _targets(app: Sphinx, docname: str) -> dict[str, Target]:
    """Every label of the project, with the number and title the site shows for it."""
    env = app.env
    std = env.domaindata["std"]
    formats = app.config.numfig_format
    targets: dict[str, Target] = {}
    for label, value in std["anonlabels"].items():
        target_doc, label_id = value[0], value[1]
        if not target_doc:
            continue
        title = std["labels"].get(label, ("", "", ""))[2]
        number, label_format = "", "%s"
        for figtype, numbers in env.toc_fignumbers.get(target_doc, {}).items():
            if label_id in numbers:
                number = ".".join(map(str, numbers[label_id]))
                label_format = formats.get(figtype, "%s")
                break
        else:
            section = env.toc_secnumbers.get(target_doc, {}).get("#" + label_id)
            if section:
                number = ".".join(map(str, section))
                label_format = formats.get("section", "%s")
        url = None if target_doc == docname else _page_url(app, target_doc, label_id)
        targets[label] = Target(number=number, label_format=label_format, title=title, url=url)
    return targets


def _equations(app: Sphinx) -> dict[str, str]:
    """Equation label -> the number the site shows, computed as Sphinx's math domain does."""
    env = app.env
    config = app.config
    numbers: dict[str, str] = {}
    for label, (target_doc, number) in env.get_domain("math").equations.items():
        if config.math_numfig and config.numfig:
            node_id = make_id("equation-%s" % label)
            parts = env.toc_fignumbers.get(target_doc, {}).get("displaymath", {}).get(node_id, ())
            text = ".".join(map(str, parts))
            numbers[label] = config.math_numsep.join(text.rsplit(".", 1))
        else:
            numbers[label] = str(number)
    return numbers


def _exercise_labels(app: Sphinx, docname: str) -> list[str]:
    registry = getattr(app.env, "sphinx_exercise_registry", {}) or {}
    entries = [(info["node"].get("serial_number", 0), label)
               for label, info in registry.items()
               if info.get("docname") == docname
               and info.get("type") in ("exercise", "exercise-start")]
    return [label for _, label in sorted(entries)]


def _citations(app: Sphinx) -> dict[str, Citation]:
    cached = getattr(app, "_notebook_download_citations", None)
    if cached is not None:
        return cached
    citations: dict[str, Citation] = {}
    bibfiles = getattr(app.config, "bibtex_bibfiles", None) or []
    if bibfiles:
        from pybtex.database import parse_file  # installed with sphinxcontrib-bibtex

        for bibfile in bibfiles:
            data = parse_file(str(Path(app.confdir, bibfile)))
            for key, entry in data.entries.items():
                citations[key] = _citation(entry)
    app._notebook_download_citations = citations
    return citations


def _citation(entry) -> Citation:
    def clean(text: str) -> str:
        return text.replace("{", "").replace("}", "").strip()

    people = entry.persons.get("author") or entry.persons.get("editor") or []
    last_names = tuple(clean(" ".join(person.last_names)) for person in people)
    authors = " and ".join(clean(str(person)) for person in people)
    fields = entry.fields
    year = clean(fields.get("year", "n.d."))
    parts = [f"{authors} ({year})." if authors else f"({year})."]
    if fields.get("title"):
        parts.append(f"*{clean(fields['title'])}*.")
    venue = fields.get("journal") or fields.get("booktitle") or fields.get("publisher")
    if venue:
        parts.append(f"{clean(venue)}.")
    if fields.get("url"):
        parts.append(f"<{clean(fields['url'])}>")
    return Citation(last_names=last_names, year=year, reference=" ".join(parts))


def _resolve_file(app: Sphinx, docname: str, path: str) -> Path:
    if path.startswith("/"):
        return Path(app.srcdir, path.lstrip("/"))
    return Path(app.env.doc2path(docname)).parent / path


def _read_include(app: Sphinx, docname: str, path: str, options: dict[str, str]) -> str:
    converted: dict[str, Any] = {}
    for key, value in options.items():
        convert = LiteralInclude.option_spec.get(key)
        if convert is None:
            continue
        converted[key] = convert(value or None) if convert is rst_directives.flag \
            else convert(value)
    filename = _resolve_file(app, docname, path)
    text, _ = LiteralIncludeReader(str(filename), converted, app.config).read()
    return text


def _read_image(app: Sphinx, docname: str, path: str) -> Image:
    filename = _resolve_file(app, docname, path)
    mime = _IMAGE_MIME.get(filename.suffix.lower())
    if mime is None:
        raise ValueError(f"unsupported image type {filename.suffix!r}")
    return Image(mime, base64.b64encode(filename.read_bytes()).decode("ascii"))
