"""The references page's labels: by author and year, as the text cites (book/_ext)."""

import sys
from pathlib import Path

from pybtex.database import parse_string
from pybtex.plugin import find_plugin

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))

import author_year_labels  # noqa: E402

BIB = r"""
@misc{hastad, author = {H{\aa}stad, Johan}, title = {Parity}, year = {2014}}
@misc{two, author = {Glorot, Xavier and Bengio, Yoshua}, title = {Deep}, year = {2010}}
@misc{four, author = {Cire{\c{s}}an, Dan and Meier, Ueli and Gambardella, Luca and
                         Schmidhuber, J{\"u}rgen}, title = {Big}, year = {2010}}
@book{edited, editor = {Montavon, Gr{\'e}goire and Orr, Genevieve}, title = {Tricks},
             publisher = {Springer}, year = {2012}}
@misc{same1, author = {Bengio, Yoshua}, title = {A first one}, year = {2009}}
@misc{same2, author = {Bengio, Yoshua}, title = {B second one}, year = {2009}}
"""


def labels():
    entries = parse_string(BIB, "bibtex").entries
    return dict(zip(entries, author_year_labels.AuthorYearLabelStyle().format_labels(entries.values())))


def test_labels_read_like_the_citations_with_accents_decoded():
    got = labels()
    assert got["hastad"] == "Håstad 2014"
    assert got["two"] == "Glorot and Bengio 2010"
    assert got["four"] == "Cireşan et al. 2010"
    assert got["edited"] == "Montavon and Orr 2012"


def test_equal_labels_are_told_apart():
    got = labels()
    assert (got["same1"], got["same2"]) == ("Bengio 2009a", "Bengio 2009b")


def test_the_style_is_registered_for_sphinxcontrib_bibtex():
    author_year_labels.setup(app=None)
    style = find_plugin("pybtex.style.formatting", "author_year")()
    entries = parse_string(BIB, "bibtex").entries
    formatted = list(style.format_entries(entries.values()))
    assert [f.label for f in formatted][:2] == ["Bengio 2009a", "Bengio 2009b"]  # sorted by author
    assert "Håstad 2014" in [f.label for f in formatted]
