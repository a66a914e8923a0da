"""Sphinx extension: drop duplicate ``<script>`` tags from every page.

With Sphinx 7.4, an inline script that an extension adds while the builder starts (Jupyter
Book's togglebutton and thebe settings, for instance) reaches the page twice: once from the
builder (file name ``None``) and once from Sphinx's registry (file name ``""``). The two do not
compare equal, so both are written. The second copy of thebe's ``const THEBE_JS_URL = ...``
then throws "Identifier 'THEBE_JS_URL' has already been declared" in the browser console on
every page, which hides real errors from ``tools/check_site.py``.

This keeps the first of any scripts that are the same once ``None`` and ``""`` are treated alike.
"""

from __future__ import annotations

from typing import Any


def _script_key(script: Any) -> tuple:
    filename = getattr(script, "filename", script) or ""
    priority = getattr(script, "priority", 500)
    attributes = getattr(script, "attributes", {}) or {}
    return (str(filename), priority, tuple(sorted(attributes.items())))


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app) -> dict[str, Any]:
    # Late, so that scripts added by other html-page-context handlers are seen too.
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
