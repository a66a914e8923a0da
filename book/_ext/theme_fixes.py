"""Sphinx extension: small fixes to how sphinx-book-theme 1.3 sits on pydata-sphinx-theme 0.17.

One search box. pydata-sphinx-theme 0.17 puts a search field in a header bar of its own unless
``navbar_persistent`` is set in ``html_theme_options``; sphinx-book-theme's empty default for it
lives in its theme.conf, which that check does not see. The page then shows two search fields,
one in that extra bar and one in the sidebar. Setting the option (to nothing) before the
builder reads it keeps the sidebar's field only (and the theme's search button on narrow
screens, where the sidebar is folded away).
"""

from __future__ import annotations

from typing import Any


def _one_search_box(app, config) -> None:
    options = config.html_theme_options if isinstance(config.html_theme_options, dict) else {}
    options.setdefault("navbar_persistent", [])
    config.html_theme_options = options


def setup(app) -> dict[str, Any]:
    app.connect("config-inited", _one_search_box)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
