"""The notebook download: MyST-only markdown rewritten for plain Jupyter, and the notebook
assembled from a page's executed copy (book/_ext/notebook_export.py)."""

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))

from notebook_export import (  # noqa: E402
    Citation,
    Image,
    MarkdownRewriter,
    References,
    Running,
    Target,
    export_notebook,
    format_glue_text,
    rewrite_markdown,
    roughly,
    setup_source,
)

NIELSEN = Citation(
    last_names=("Nielsen",),
    year="2015",
    reference="Nielsen, Michael A. (2015). *Neural Networks and Deep Learning*. "
              "Determination Press.",
)


def refs(**overrides) -> References:
    """A page that knows a few glued values, a figure, two equations and two exercises."""
    values = dict(
        glue={
            "acc": {"text/plain": "0.9573265518589309"},
            "n": {"text/plain": "50000"},
            "name": {"text/plain": "'sigmoid'"},
            "formula": {"text/latex": "$\\sigma(z)$", "text/plain": "<Formula>"},
            "curve": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"},
        },
        targets={
            "fig-sigmoid": Target("1", "Figure %s", "The sigmoid function."),
            "fig-later": Target("4", "Figure %s", "A later figure.",
                                url="https://site/book/chapter2.html#fig-later"),
            "ex-first": Target("1", "Exercise %s", "Exercise"),
            "page-ex-2": Target("2", "Exercise %s", "Exercise"),
            "sec-intro": Target("", "%s", "Introduction"),
        },
        equations={"quadratic-cost": "1", "update": "2"},
        citations={"nielsen2015": NIELSEN},
        documents={"book/chapter2": ("Chapter 2", "https://site/book/chapter2.html")},
        docname="book/chapter1",
        exercise_labels=["ex-first", "page-ex-2"],
    )
    values.update(overrides)
    return References(**values)


def rewrite(text: str, **overrides) -> str:
    return rewrite_markdown(text, refs(**overrides))


# Anything of these shapes left in the output would show as raw text in Jupyter.
MYST_LEFTOVERS = re.compile(r"\{[\w:.+-]+\}`|^\s*(`{3,}|~{3,}|:{3,})\{|^\s*\([^)\s]+\)=\s*$",
                            re.M)


# --- glued values -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, spec, expected", [
    ("0.9573265518589309", ".2%", "95.73%"),
    ("0.9573265518589309", ".3f", "0.957"),
    ("50000", ",d", "50,000"),
    ("50000", "", "50000"),
    ("'sigmoid'", "s", "sigmoid"),
    ("3", ".1f", "3.0"),
    ("not a literal", "", "not a literal"),
])
def test_format_glue_text(text, spec, expected):
    assert format_glue_text(text, spec) == expected


@pytest.mark.parametrize("text, spec", [("0.9573", ".2%"), ("50000", ",d"), ("'abc'", "s"),
                                        ("7", ""), ("2.5", "e")])
def test_format_glue_text_matches_myst_nb(text, spec):
    variables = pytest.importorskip("myst_nb.core.variables")
    assert format_glue_text(text, spec) == variables.format_plain_text(text, spec)


def test_glue_text_role_is_replaced_by_the_value_of_this_build():
    out = rewrite("It reached {glue:text}`acc:.2%` on {glue:text}`n:,d` images.")
    assert out == "It reached 95.73% on 50,000 images."


def test_glue_text_role_without_format_and_with_a_string_value():
    assert rewrite("Raw {glue:text}`acc`; {glue:text}`name`.") == "Raw 0.9573265518589309; sigmoid."


def test_glue_role_prefers_latex_then_plain_text():
    assert rewrite("Here {glue}`formula` and {glue:}`n`.") == "Here $\\sigma(z)$ and 50000."


def test_glue_text_role_from_another_page_uses_the_key():
    assert rewrite("{glue:text}`book/chapter2::acc:.1%`") == "95.7%"


def test_unknown_glue_name_is_reported_not_hidden():
    rewriter = MarkdownRewriter(refs())
    out = rewriter.rewrite("Value {glue:text}`missing:.2f`.")
    assert "missing" in out and "{glue" not in out
    assert rewriter.problems == ["no glued value named 'missing'"]


def test_glue_figure_directive_becomes_an_attachment_with_its_caption():
    rewriter = MarkdownRewriter(refs())
    out = rewriter.rewrite("```{glue:figure} curve\n:name: fig-sigmoid\n\nThe *curve*.\n```")
    assert "![curve](attachment:curve.png)" in out
    assert "**Figure 1.** The *curve*." in out
    assert rewriter.take_attachments() == {"curve.png": {"image/png": "iVBORw0KGgo="}}
    assert rewriter.attachments == {}


def test_glue_math_directive_keeps_the_equation_number():
    out = rewrite("```{glue:math} formula\n:label: update\n```")
    assert out == "$$\n\\sigma(z)\n\\tag{2}\n$$"


# --- cross-references, maths, citations --------------------------------------------------------


def test_numref_becomes_figure_number():
    assert rewrite("See {numref}`fig-sigmoid`.") == "See Figure 1."


@pytest.mark.parametrize("role, expected", [
    ("{numref}`Fig. %s <fig-sigmoid>`", "Fig. 1"),
    ("{numref}`figure {number}: {name} <fig-sigmoid>`", "figure 1: The sigmoid function."),
    ("{numref}`fig-later`", "[Figure 4](https://site/book/chapter2.html#fig-later)"),
    ("{ref}`sec-intro`", "Introduction"),
    ("{ref}`the start <sec-intro>`", "the start"),
    ("{doc}`chapter2`", "[Chapter 2](https://site/book/chapter2.html)"),
    ("{doc}`the next chapter <chapter2>`", "[the next chapter](https://site/book/chapter2.html)"),
])
def test_reference_roles(role, expected):
    assert rewrite(role) == expected


def test_eq_and_math_roles():
    out = rewrite("By {eq}`quadratic-cost`, {math}`C \\geq 0`.")
    assert out == "By (1), $C \\geq 0$."


@pytest.mark.parametrize("role, expected", [
    ("{cite}`nielsen2015`", "[Nielsen, 2015]"),
    ("{cite:p}`nielsen2015`", "[Nielsen, 2015]"),
    ("{cite:t}`nielsen2015`", "Nielsen [2015]"),
    ("{cite:year}`nielsen2015`", "2015"),
])
def test_citations_are_author_year(role, expected):
    assert rewrite(role) == expected


def test_citation_short_authors():
    assert Citation(("A", "B"), "2001", "").authors == "A and B"
    assert Citation(("A", "B", "C"), "2001", "").authors == "A et al."


def test_bibliography_lists_the_works_cited_on_the_page():
    out = rewrite("As {cite:t}`nielsen2015` shows.\n\n"
                  "```{bibliography}\n:filter: docname in docnames\n```")
    assert out.endswith("**References**\n\n- " + NIELSEN.reference)


def test_labelled_display_maths_gets_a_tag():
    out = rewrite("$$\nC = \\frac{1}{2n}\\sum_x \\|y - a\\|^2\n$$ (quadratic-cost)")
    assert out == "$$\nC = \\frac{1}{2n}\\sum_x \\|y - a\\|^2\n\\tag{1}\n$$"


def test_one_line_labelled_display_maths():
    assert rewrite("$$ w' = w - \\eta g $$ (update)") == "$$\nw' = w - \\eta g\n\\tag{2}\n$$"


def test_unlabelled_display_maths_is_kept():
    assert rewrite("$$\na^2 + b^2\n$$") == "$$\na^2 + b^2\n$$"


def test_math_directive_with_label():
    out = rewrite("```{math}\n:label: update\nw \\to w - \\eta \\nabla C\n```")
    assert out == "$$\nw \\to w - \\eta \\nabla C\n\\tag{2}\n$$"


def test_targets_and_comments_are_removed():
    out = rewrite("(sec-intro)=\n# Introduction\n% a note to ourselves\nText.")
    assert out == "# Introduction\nText."


@pytest.mark.parametrize("link, expected", [
    ("[the figure](#fig-sigmoid)", "the figure"),
    ("[](#fig-sigmoid)", "Figure 1"),
    ("[](fig-later)", "[Figure 4](https://site/book/chapter2.html#fig-later)"),
    ("[next](chapter2.md)", "[next](https://site/book/chapter2.html)"),
    ("[next](chapter2.md#backprop)", "[next](https://site/book/chapter2.html#backprop)"),
    ("[Nielsen](http://neuralnetworksanddeeplearning.com)",
     "[Nielsen](http://neuralnetworksanddeeplearning.com)"),
    ("[a heading](#a-heading)", "a heading"),
])
def test_links(link, expected):
    assert rewrite(link) == expected


def test_substitution():
    assert rewrite("Profile: {{ profile }}.", substitutions={"profile": "fast"}) == "Profile: fast."


def test_roles_spread_over_two_lines_are_rewritten():
    assert rewrite("reached {glue:text}`acc:.1%`\nand {numref}`Figure\n{number} <fig-sigmoid>`") \
        == "reached 95.7%\nand Figure\n1"


# --- directives --------------------------------------------------------------------------------


def test_note_becomes_a_titled_blockquote():
    out = rewrite("```{note}\nGlued: {glue:text}`acc:.3f`.\n```")
    assert out == "> **Note**\n>\n> Glued: 0.957."


def test_colon_fenced_admonition_keeps_its_title():
    out = rewrite(":::{admonition} Why sigmoid?\n:class: tip\nIt is smooth.\n:::")
    assert out == "> **Why sigmoid?**\n>\n> It is smooth."


def test_dropdown_becomes_a_collapsed_details_block():
    out = rewrite("```{dropdown} Show the proof\nIt follows.\n```")
    assert out == "<details><summary><b>Show the proof</b></summary>\n\nIt follows.\n\n</details>"


def test_margin_becomes_a_plain_blockquote():
    assert rewrite("```{margin}\nAn aside.\n```") == "> An aside."


def test_exercises_are_numbered_in_document_order():
    text = ("```{exercise}\n:label: ex-first\n\nProve it.\n```\n\n"
            "```{exercise} Hard one\nAnd this.\n```")
    assert rewrite(text) == ("> **Exercise 1**\n>\n> Prove it.\n\n"
                             "> **Exercise 2** (Hard one)\n>\n> And this.")


def test_exercise_numbers_continue_across_cells_of_a_page():
    rewriter = MarkdownRewriter(refs())
    rewriter.rewrite("```{exercise}\nFirst.\n```")
    assert rewriter.rewrite("```{exercise}\nSecond.\n```").startswith("> **Exercise 2**")


def test_solution_is_collapsed_when_the_page_collapses_it():
    out = rewrite("```{solution} ex-first\n:class: dropdown\n\nDifferentiate.\n```")
    assert out == ("<details><summary><b>Solution to Exercise 1</b></summary>\n\n"
                   "Differentiate.\n\n</details>")


def test_hidden_exercise_is_dropped():
    assert rewrite("```{exercise}\n:hidden:\nSecret.\n```") == ""


def test_nested_directives_nest_blockquotes():
    out = rewrite("````{exercise}\n:label: ex-first\n\n```{hint}\nUse the chain rule.\n```\n````")
    assert out == "> **Exercise 1**\n>\n> > **Hint**\n> >\n> > Use the chain rule."


def test_figure_directive_embeds_the_image_and_numbers_the_caption():
    rewriter = MarkdownRewriter(refs(read_image=lambda path: Image("image/svg+xml", "<svg/>")))
    out = rewriter.rewrite("```{figure} diagrams/neuron.svg\n:name: fig-sigmoid\n:alt: A neuron\n\n"
                           "One neuron.\n```")
    assert out == "![A neuron](attachment:neuron.svg)\n\n**Figure 1.** One neuron."
    # Jupyter reads every attachment as base64, SVG included.
    assert rewriter.attachments == {"neuron.svg": {"image/svg+xml": "PHN2Zy8+"}}


def test_figure_without_image_reader_keeps_the_path():
    assert rewrite("```{figure} a.png\n```") == "![](a.png)"


def test_literalinclude_uses_the_reader():
    calls = []

    def read(path, options):
        calls.append((path, dict(options)))
        return "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"

    out = rewrite("```{literalinclude} ../nnbook/activations.py\n:pyobject: sigmoid\n```",
                  read_include=read)
    assert out == "```python\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n```"
    assert calls == [("../nnbook/activations.py", {"pyobject": "sigmoid"})]


def test_code_block_directive_becomes_a_fence():
    assert rewrite("```{code-block} python\n:linenos:\nx = 1\n```") == "```python\nx = 1\n```"


def test_list_table_becomes_a_markdown_table():
    text = ("```{list-table} Results\n:header-rows: 1\n\n* - Network\n  - Accuracy\n"
            "* - 784-30-10\n  - {glue:text}`acc:.2%`\n```")
    assert rewrite(text) == ("*Results*\n\n| Network | Accuracy |\n|---|---|\n"
                             "| 784-30-10 | 95.73% |")


def test_toctree_is_dropped():
    assert rewrite("Before.\n\n```{toctree}\nchapter1\n```\n\nAfter.") == "Before.\n\nAfter."


def test_tabs_keep_their_content():
    out = rewrite("::::{tab-set}\n:::{tab-item} NumPy\nVectorised.\n:::\n::::")
    assert out == "> **NumPy**\n>\n> Vectorised."


def test_content_that_cannot_be_exported_is_reported():
    rewriter = MarkdownRewriter(refs())
    assert rewriter.rewrite("```{eval-rst}\n.. note:: RST\n```") == ""
    assert rewriter.problems == ["{eval-rst} content cannot be exported to the notebook"]


def test_unknown_directive_keeps_its_content_readable():
    out = rewrite("```{topic} In short\nNetworks learn.\n```")
    assert out == "> **In short**\n>\n> Networks learn."


def test_code_is_left_alone():
    text = ("Use `{glue:text}` like `{glue:text}`\\`acc\\``.\n\n"
            "```python\nglue('acc', 0.9)  # {numref}`fig-sigmoid`\n(label)=\n```")
    assert rewrite(text) == text


def test_inline_maths_is_left_alone():
    assert rewrite("Cost $C = \\sum_x [y](x)$.") == "Cost $C = \\sum_x [y](x)$."


def test_no_myst_syntax_survives_a_page():
    page = "\n".join([
        "(top)=", "# Title", "% comment",
        "Reached {glue:text}`acc:.2%` ({cite}`nielsen2015`),",
        "see {numref}`fig-sigmoid`, {eq}`update`.",
        "$$ x $$ (quadratic-cost)",
        "```{note}", "A {math}`x` note.", "```",
        ":::{admonition} Title", "Body.", ":::",
        "```{exercise}", ":label: ex-first", "", "Do it.", "```",
        "```{solution} ex-first", ":class: dropdown", "", "Done.", "```",
        "```{figure} a.png", ":name: fig-sigmoid", "", "Caption.", "```",
        "```{margin}", "Aside.", "```",
        "```{bibliography}", "```",
    ])
    rewriter = MarkdownRewriter(refs())
    out = rewriter.rewrite(page)
    assert not MYST_LEFTOVERS.search(out), out
    assert rewriter.problems == []


# --- notebooks ---------------------------------------------------------------------------------


def executed_notebook() -> dict:
    """A tiny page as myst-nb leaves it in _build/jupyter_execute, glue record included."""
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "jupytext": {"text_representation": {"format_name": "myst"}},
            "source_map": [10, 14, 20],
        },
        "cells": [
            {"cell_type": "markdown", "id": "a1", "metadata": {},
             "source": ["(top)=\n", "# Chapter\n", "\n", "It reached {glue:text}`acc:.1%`."]},
            {"cell_type": "code", "id": "b2", "execution_count": 1,
             "metadata": {"tags": ["remove-cell"], "execution": {"iopub.execute_input": "now"}},
             "source": "from myst_nb import glue\nglue('acc', 0.95, display=False)",
             "outputs": [{"output_type": "display_data",
                          "data": {"application/papermill.record/text/plain": "0.95"},
                          "metadata": {"scrapbook": {"name": "acc", "mime_prefix":
                                                     "application/papermill.record/"}}}]},
            {"cell_type": "code", "id": "c3", "execution_count": 2,
             "metadata": {"mystnb": {"figure": {"caption": "The {glue:text}`acc:.0%` curve.",
                                                "name": "fig-sigmoid"}}},
             "source": "plot()",
             "outputs": [{"output_type": "display_data", "metadata": {},
                          "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}}]},
            {"cell_type": "markdown", "id": "d4", "metadata": {}, "source": "(only-a-target)="},
            {"cell_type": "markdown", "id": "e5", "metadata": {},
             "source": "See {numref}`fig-sigmoid`."},
        ],
    }


REQUIREMENT = "nnbook[baselines] @ git+https://github.com/nnbook/nnbook@0123abc"
RUNNING = Running(REQUIREMENT, "fast", runs={"fast": 3, "full": 9},
                  training={"fast": 100.0, "full": 7180.0}, other_seconds=20.0)


def export(notebook=None, running=RUNNING):
    return export_notebook(
        notebook or executed_notebook(),
        refs(glue={"acc": {"text/plain": "0.95"}}),
        title="Chapter",
        page_url="https://site/book/chapter1.html",
        running=running,
        source_path="book/chapter1.md",
    )


def test_export_starts_with_a_setup_cell_then_a_header():
    exported, problems = export()
    assert problems == []
    setup, header = exported["cells"][:2]
    assert setup["cell_type"] == "code" and setup["outputs"] == []
    assert setup["source"] == setup_source(REQUIREMENT)
    assert '"nnbook[baselines] @ git+https://github.com/nnbook/nnbook@0123abc"' in setup["source"]
    assert header["cell_type"] == "markdown"
    assert "https://site/book/chapter1.html" in header["source"]
    assert "with the **fast** profile" in header["source"]
    # times are the estimates plus the rest of the page, in words
    assert "- **fast** (smaller data sets and fewer epochs): 3 runs to train, about 2 minutes" \
        in header["source"]
    assert "- **full** (the original book's settings): 9 runs to train, about 2 hours" \
        in header["source"]


def test_a_page_that_trains_nothing_says_so_and_an_unwatched_page_promises_no_time():
    exported, _ = export(running=Running(REQUIREMENT, "full", {"fast": 0, "full": 0},
                                         {"fast": 0.0, "full": 0.0}, 5.0))
    assert "- **fast** (smaller data sets and fewer epochs): it trains nothing; under a minute" \
        in exported["cells"][1]["source"]
    exported, _ = export(running=Running(REQUIREMENT))
    assert "How long it takes" not in exported["cells"][1]["source"]
    assert "profile" not in exported["cells"][1]["source"]


@pytest.mark.parametrize("seconds, words", [
    (5, "under a minute"), (61, "about 1 minute"), (150, "about 2 minutes"),
    (3599, "about 60 minutes"), (3600, "about 1 hour"), (9000, "about 2.5 hours"),
    (40 * 3600, "about 40 hours"), (74 * 3600, "about 3 days"),
])
def test_durations_in_words(seconds, words):
    assert roughly(seconds) == words


class FakeShell:
    """Stands in for IPython where the setup cell calls %pip."""

    def __init__(self):
        self.magics = []

    def run_line_magic(self, name, line, _stack_depth=1):
        frame = sys._getframe(1)
        self.magics.append((name, line.replace("{NNBOOK}", frame.f_globals["NNBOOK"])))


def run_setup(monkeypatch, installed: bool, environ: dict, profile=None):
    """Run the setup cell as IPython would (magics transformed), with nnbook installed or not."""
    transform = pytest.importorskip("IPython.core.inputtransformer2").TransformerManager()
    code = transform.transform_cell(setup_source(REQUIREMENT))
    if profile is not None:
        code = code.replace("PROFILE = None", f"PROFILE = {profile!r}")
    import importlib.util
    import os

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: (
        None if name == "nnbook" and not installed else real_find_spec(name, *a)))
    for key in ("NNBOOK_PROFILE", "NNBOOK_INSTALL", "KAGGLE_KERNEL_RUN_TYPE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    shell = FakeShell()
    namespace = {"get_ipython": lambda: shell}
    exec(compile(code, "setup", "exec"), namespace)
    return shell.magics, os.environ.get("NNBOOK_PROFILE"), namespace


def test_the_setup_cell_installs_this_commit_only_where_nnbook_is_missing(monkeypatch):
    magics, _, _ = run_setup(monkeypatch, installed=True, environ={})
    assert magics == []
    magics, _, _ = run_setup(monkeypatch, installed=False, environ={})
    assert magics == [("pip", f'install --quiet "{REQUIREMENT}"')]
    magics, _, _ = run_setup(monkeypatch, installed=False,
                             environ={"NNBOOK_INSTALL": "/tmp/nnbook-0.1.0-py3-none-any.whl"})
    assert magics == [("pip", 'install --quiet "/tmp/nnbook-0.1.0-py3-none-any.whl"')]


def test_the_setup_cell_runs_fast_in_a_hosted_runtime_unless_the_reader_chooses(monkeypatch):
    _, profile, namespace = run_setup(monkeypatch, True, {})
    assert profile is None and namespace["hosted"] is False  # here: $NNBOOK_PROFILE or full
    _, profile, _ = run_setup(monkeypatch, True, {"KAGGLE_KERNEL_RUN_TYPE": "Interactive"})
    assert profile == "fast"
    _, profile, _ = run_setup(monkeypatch, True, {"KAGGLE_KERNEL_RUN_TYPE": "Interactive",
                                                  "NNBOOK_PROFILE": "full"})
    assert profile == "full"  # the reader's environment wins
    _, profile, _ = run_setup(monkeypatch, True, {"KAGGLE_KERNEL_RUN_TYPE": "Interactive"},
                              profile="full")
    assert profile == "full"  # and so does the cell's PROFILE
    _, profile, namespace = run_setup(monkeypatch, True, {}, profile="fast")
    assert profile == "fast"


def test_export_keeps_cell_order_and_outputs():
    exported, _ = export()
    cells = exported["cells"][2:]
    assert [c["cell_type"] for c in cells] == ["markdown", "code", "code", "markdown", "markdown"]
    assert cells[0]["source"] == "# Chapter\n\nIt reached 95.0%."
    assert cells[2]["outputs"][0]["data"]["image/png"] == "iVBORw0KGgo="
    assert cells[2]["execution_count"] == 2
    assert cells[3]["source"] == "**Figure 1.** The 95% curve."  # the caption, after its figure
    assert cells[4]["source"] == "See Figure 1."


def test_export_drops_glue_records_and_collapses_hidden_cells():
    exported, _ = export()
    setup = exported["cells"][3]
    assert setup["source"].startswith("from myst_nb import glue")  # still runs top to bottom
    assert setup["outputs"] == []
    assert setup["metadata"] == {"tags": ["remove-cell"], "jupyter": {"source_hidden": True}}


def test_export_is_deterministic_and_leaves_its_input_alone():
    notebook = executed_notebook()
    before = json.dumps(notebook, sort_keys=True)
    first, _ = export(notebook)
    second, _ = export(notebook)
    assert json.dumps(notebook, sort_keys=True) == before
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert [c["id"] for c in first["cells"]] == [f"cell-{i}" for i in range(len(first["cells"]))]
    assert set(first["metadata"]) == {"kernelspec", "nnbook"}
    assert first["metadata"]["nnbook"] == {"page": "https://site/book/chapter1.html",
                                          "source": "book/chapter1.md"}


def test_exported_notebook_is_valid():
    nbformat = pytest.importorskip("nbformat")
    exported, _ = export()
    nbformat.validate(nbformat.from_dict(exported))


def test_export_reports_problems():
    notebook = executed_notebook()
    notebook["cells"].append({"cell_type": "markdown", "metadata": {},
                              "source": "{numref}`nowhere`"})
    _, problems = export(notebook)
    assert problems == ["no number for 'nowhere'"]
