"""Sphinx extension: label the bibliography by author and year, as the text cites it.

The chapters cite with sphinxcontrib-bibtex's ``author_year`` reference style, "Glorot and
Bengio (2010)", but the list of references on the references page is labelled by a pybtex
*label style*, and the default one (``alpha``) builds labels such as ``[CirecsanMGS10]`` from
the LaTeX of the names: a reader cannot match them to the citations, and accents come out
mangled. This registers a label style that writes the label the way the text cites:

* one author: ``Håstad 2014``;
* two authors: ``Glorot and Bengio 2010``;
* three or more: ``Cireşan et al. 2010``;

with the LaTeX of the names decoded (``H{\\aa}stad`` is ``Håstad``), editors standing in for
missing authors, and ``a``, ``b``, ... appended when two works would get the same label. The
formatting style ``author_year`` is pybtex's ``plain`` style (entries sorted by author, year and
title) with these labels; ``bibtex_default_style: author_year`` in ``_config.yml`` selects it.
"""

from __future__ import annotations

from collections import Counter

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


def _last_name(person) -> str:
    """A person's last name as plain text, LaTeX accents decoded."""
    return Text(*person.rich_last_names).render_as("text") if person.rich_last_names else str(person)


def author_year_label(entry) -> str:
    """'Håstad 2014', 'Glorot and Bengio 2010' or 'Cireşan et al. 2010' for one entry."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_last_name(p) for p in people]
    if not names:
        who = entry.fields.get("organization") or entry.fields.get("title") or entry.key
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    year = entry.fields.get("year")
    return f"{who} {year}" if year else who


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels by author and year; equal labels get a, b, ... in the order of the entries."""

    def format_labels(self, sorted_entries):
        labels = [author_year_label(entry) for entry in sorted_entries]
        total, seen = Counter(labels), Counter()
        for label in labels:
            if total[label] == 1:
                yield label
            else:
                yield label + chr(ord("a") + seen[label])
                seen[label] += 1


class AuthorYearStyle(PlainStyle):
    """pybtex's plain style, with :class:`AuthorYearLabelStyle` labels."""

    default_label_style = "author_year"


def setup(app):
    register_plugin("pybtex.style.labels", "author_year", AuthorYearLabelStyle)
    register_plugin("pybtex.style.formatting", "author_year", AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
