"""Turn an executed MyST notebook page into a notebook that reads well outside the book.

The book's pages are MyST markdown notebooks. Their markdown uses syntax that only Sphinx
understands: roles such as ``{glue:text}`acc:.2%` `` or ``{numref}`fig-sigmoid` ``, directive
fences such as ```` ```{note} ````, targets such as ``(label)=`` and labelled display maths.
Opened in plain Jupyter or Colab, all of that shows up as raw text. This module rewrites it into
ordinary Jupyter markdown, using what the book build knows (glued values, figure and equation
numbers, citations), and assembles the downloadable notebook: a setup cell that installs nnbook
at the build's commit, a header cell that says how long the page runs, then the page's cells in
their original order with the outputs computed during the build.

Everything here is pure: strings and plain notebook dictionaries in, strings and dictionaries
out, with no Sphinx import, so that the rules can be tested on small examples
(``tests/test_notebook_export.py``). ``notebook_download.py`` collects the build's knowledge into
a :class:`References` and writes the result next to the site's page sources.
"""

from __future__ import annotations

import ast
import base64
import copy
import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Callable, Mapping, Sequence

__all__ = [
    "Citation",
    "Image",
    "MarkdownRewriter",
    "References",
    "Running",
    "Target",
    "export_notebook",
    "format_glue_text",
    "header_markdown",
    "rewrite_markdown",
    "roughly",
    "setup_source",
]


# --------------------------------------------------------------------------------------------
# What the build knows
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Something a cross-reference can point to: a figure, table, exercise, section, ...

    ``number`` is the number Sphinx gave it ("3" or "2.1"; empty when it has none),
    ``label_format`` how a bare ``{numref}`` shows it ("Figure %s"), ``title`` its caption or
    section title, and ``url`` a link to it on the site when it lives on another page (``None``
    for targets on the page being exported, which the notebook shows itself).
    """

    number: str = ""
    label_format: str = "%s"
    title: str = ""
    url: str | None = None


@dataclass(frozen=True)
class Citation:
    """One bibliography entry: ``last_names`` of its authors, ``year``, and ``reference``, the
    full entry as one line of markdown."""

    last_names: tuple[str, ...]
    year: str
    reference: str

    @property
    def authors(self) -> str:
        """Short author text for author-year citations: "A", "A and B" or "A et al."."""
        names = self.last_names
        if not names:
            return "Anonymous"
        if len(names) == 1:
            return names[0]
        if len(names) == 2:
            return f"{names[0]} and {names[1]}"
        return f"{names[0]} et al."


@dataclass(frozen=True)
class Image:
    """An image file to embed as a cell attachment: its MIME type and its data, base64-encoded
    (SVG may also be given as text)."""

    mime: str
    data: str


@dataclass
class References:
    """Everything the rewrite needs to know about the build, for one page.

    glue
        glued name -> MIME bundle (``{"text/plain": "0.97"}``), as myst-nb stored it.
    targets
        label -> :class:`Target`, for ``{numref}``, ``{ref}`` and ``[text](#label)`` links.
    equations
        equation label -> its number as shown on the site ("3" or "1.3").
    citations
        bibliography key -> :class:`Citation`.
    documents
        document name ("book/chapter1") -> (title, url on the site or None).
    docname
        the page being exported, to resolve relative ``{doc}`` and ``.md`` links.
    exercise_labels
        labels of the page's exercises in document order, as sphinx-exercise registered them
        (unlabelled exercises get generated labels), so the k-th ``{exercise}`` fence can be
        given its number through ``targets``.
    substitutions
        MyST ``{{ name }}`` substitutions.
    read_include
        ``(path, options) -> text`` for ``{literalinclude}``; ``None`` leaves a pointer to the site.
    read_image
        ``path -> Image`` for ``{figure}`` / ``{image}`` files; ``None`` keeps the path.
    eq_format
        how an equation reference looks; ``{number}`` is replaced.
    """

    glue: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    targets: Mapping[str, Target] = field(default_factory=dict)
    equations: Mapping[str, str] = field(default_factory=dict)
    citations: Mapping[str, Citation] = field(default_factory=dict)
    documents: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)
    docname: str = ""
    exercise_labels: Sequence[str] = ()
    substitutions: Mapping[str, str] = field(default_factory=dict)
    read_include: Callable[[str, Mapping[str, str]], str] | None = None
    read_image: Callable[[str], Image] | None = None
    eq_format: str = "({number})"


# --------------------------------------------------------------------------------------------
# Glued values
# --------------------------------------------------------------------------------------------


def format_glue_text(text: str, fmt_spec: str) -> str:
    """Format a glued ``text/plain`` value the way ``{glue:text}`name:fmt` `` does on the site.

    This follows myst-nb 1.4 (``myst_nb.core.variables.format_plain_text``): the stored text is
    read back as a Python literal when it is one (so ``'abc'`` loses its quotes), converted to
    ``int`` or ``float`` according to the format's type character, then formatted.
    """
    try:
        value: Any = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if fmt_spec == "":
        return str(value)
    kind = fmt_spec[-1]
    if kind == "s":
        value = str(value)
    elif kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    return format(value, fmt_spec)


_LATEX_DELIMITERS = re.compile(r"^\s*(\$\$|\$|\\\[|\\\()(?P<body>.*?)(\$\$|\$|\\\]|\\\))\s*$", re.S)


def _strip_latex_delimiters(text: str) -> str:
    match = _LATEX_DELIMITERS.match(text)
    return match.group("body").strip() if match else text.strip()


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------

# A fence opening: backticks or tildes (code or directive) or colons (directive only).
_FENCE_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[^{}\s]+)\}\s*(?P<argument>.*?)\s*$")
_TARGET_LINE = re.compile(r"^\s*\((?P<label>[^()\s]+)\)=\s*$")
_COMMENT_LINE = re.compile(r"^\s*%")
_BLOCK_BREAK = re.compile(r"^\s*\+\+\+(\s.*)?$")
_MATH_CLOSE = re.compile(r"^(?P<body>.*?)\$\$\s*(?:\((?P<label>[^()\s]+)\))?\s*$", re.S)
_OPTION_LINE = re.compile(r"^:(?P<key>[\w.-]+):(?:\s+(?P<value>.*?))?\s*$")

# One pass over a paragraph of prose finds, left to right, whichever comes first of: a code span
# (left alone), display or inline maths (left alone), a role, an image, a link, a substitution.
_INLINE = re.compile(
    r"(?P<code>(?P<ticks>`+)(?!`)[\s\S]*?(?<!`)(?P=ticks)(?!`))"
    r"|(?P<dmath>\$\$[\s\S]+?\$\$)"
    r"|(?P<imath>(?<![\\$])\$(?=\S)[^$]*?(?<=[^\s\\])\$(?!\$))"
    r"|(?P<role>\{(?P<rname>[A-Za-z][\w:.+-]*)\}(?P<rticks>`+)(?P<rcontent>[\s\S]*?)(?P=rticks))"
    r"|(?P<image>!\[(?P<ialt>[^\]]*)\]\((?P<isrc>[^()\s]+)(?:\s+\"[^\"]*\")?\))"
    r"|(?P<link>\[(?P<ltext>(?:[^\[\]]|\[[^\[\]]*\])*)\]"
    r"\((?P<ltarget>[^()\s]*)(?:\s+\"[^\"]*\")?\))"
    r"|(?P<subst>\{\{\s*(?P<sname>[\w.-]+)\s*\}\})"
)
_EXPLICIT_TITLE = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)

_ADMONITION_TITLES = {
    "admonition": "Note",
    "attention": "Attention",
    "caution": "Caution",
    "danger": "Danger",
    "error": "Error",
    "hint": "Hint",
    "important": "Important",
    "note": "Note",
    "seealso": "See also",
    "tip": "Tip",
    "todo": "To do",
    "warning": "Warning",
    "versionadded": "New",
    "versionchanged": "Changed",
    "deprecated": "Deprecated",
}
_QUOTES_WITHOUT_TITLE = {"margin", "sidebar", "epigraph", "pull-quote", "highlights", "aside"}
# Directives with nothing to show in a notebook (navigation, metadata, end markers).
_DROPPED = {"toctree", "tableofcontents", "contents", "index", "meta", "exercise-end",
            "solution-end"}
# Containers whose children carry the content: only the children are kept.
_TRANSPARENT = {"tab-set", "grid", "card-carousel", "div", "container"}
_CODE_DIRECTIVES = {"code", "code-block", "sourcecode", "code-cell", "ipython", "testcode"}
# Preferred representation of a glued value inside markdown (the site prefers HTML; a notebook
# reads markdown, LaTeX and images best).
_GLUE_BLOCK_PRIORITY = ("text/markdown", "text/latex", "image/svg+xml", "image/png",
                        "image/jpeg", "image/gif", "text/html", "text/plain")
_GLUE_INLINE_PRIORITY = ("text/markdown", "text/latex", "text/plain", "text/html",
                         "image/svg+xml", "image/png", "image/jpeg", "image/gif")
_IMAGE_SUFFIX = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
                 "image/svg+xml": ".svg"}


@dataclass
class _Directive:
    name: str
    argument: str
    options: dict[str, str]
    body: list[str]


def _is_closing_fence(line: str, fence: str) -> bool:
    stripped = line.strip()
    return (len(stripped) >= len(fence) and set(stripped) == {fence[0]})


def _split_options(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Split a directive's content into its options (``:key: value`` lines or a ``---`` YAML
    block at the top) and its body."""
    options: dict[str, str] = {}
    index = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            for line in lines[1:end]:
                key, sep, value = line.partition(":")
                if sep and key.strip() and not line.startswith((" ", "\t")):
                    options[key.strip()] = value.strip().strip("\"'")
            index = end + 1
    else:
        while index < len(lines):
            match = _OPTION_LINE.match(lines[index].strip())
            if not match:
                break
            options[match.group("key")] = match.group("value") or ""
            index += 1
    body = lines[index:]
    while body and not body[0].strip():
        body = body[1:]
    while body and not body[-1].strip():
        body = body[:-1]
    return options, body


def _blockquote(lines: list[str]) -> list[str]:
    return [f"> {line}" if line.strip() else ">" for line in lines]


def _trim_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


class MarkdownRewriter:
    """Rewrites the markdown cells of one page, in order.

    One instance per page: it counts exercises as it meets them (their numbers come in
    document order), remembers which works were cited (for a ``{bibliography}``), collects the
    images that must travel as cell attachments, and lists what it could not resolve in
    ``problems`` (the build reports those as warnings, which fail a ``-W`` build).
    """

    def __init__(self, refs: References | None = None):
        self.refs = refs if refs is not None else References()
        self.problems: list[str] = []
        self.cited: list[str] = []
        self.attachments: dict[str, dict[str, str]] = {}
        self._exercise_count = 0

    # -- public ---------------------------------------------------------------------------

    def rewrite(self, text: str) -> str:
        """Rewrite one markdown cell; attachments it needs are added to ``self.attachments``."""
        lines = self._blocks(text.splitlines())
        out = "\n".join(lines)
        out = re.sub(r"\n{3,}", "\n\n", out)
        return out.strip("\n")

    def take_attachments(self) -> dict[str, dict[str, str]]:
        """Return and forget the attachments collected since the last call."""
        attachments, self.attachments = self.attachments, {}
        return attachments

    def inline(self, text: str) -> str:
        """Rewrite the inline syntax (roles, links, substitutions) of a piece of prose."""
        return _INLINE.sub(self._inline_match, text)

    # -- blocks ---------------------------------------------------------------------------

    def _blocks(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        paragraph: list[str] = []  # prose lines, rewritten together so roles may wrap

        def flush() -> None:
            if paragraph:
                out.extend(self.inline("\n".join(paragraph)).split("\n"))
                paragraph.clear()

        i = 0
        while i < len(lines):
            line = lines[i]
            fence_match = _FENCE_OPEN.match(line)
            directive = None
            if fence_match:
                fence = fence_match.group("fence")
                info = fence_match.group("info")
                indent = fence_match.group("indent")
                directive = _DIRECTIVE_INFO.match(info.strip())
                if fence[0] == "`" and "`" in info:
                    fence_match = None  # an inline code span at the start of a line
                elif fence[0] == ":" and not directive:
                    fence_match = None  # colons only fence directives
            if fence_match:
                flush()
                end = i + 1
                while end < len(lines) and not _is_closing_fence(lines[end], fence):
                    end += 1
                content = [_dedent_line(raw, indent) for raw in lines[i + 1:end]]
                if directive:
                    options, body = _split_options(content)
                    rendered = self._directive(_Directive(
                        directive.group("name"), directive.group("argument"), options, body))
                    out.extend(indent + r if r else "" for r in rendered)
                else:
                    out.extend(lines[i:end + 1])  # an ordinary code block: left as it is
                i = end + 1
                continue
            if _TARGET_LINE.match(line) or _COMMENT_LINE.match(line) or _BLOCK_BREAK.match(line):
                i += 1
                continue
            if line.lstrip().startswith("$$"):
                consumed, rendered = self._display_math(lines, i)
                if consumed:
                    flush()
                    out.extend(rendered)
                    i += consumed
                    continue
            if line.strip():
                paragraph.append(line)
            else:
                flush()
                out.append(line)
            i += 1
        flush()
        return out

    def _display_math(self, lines: list[str], start: int) -> tuple[int, list[str]]:
        """A ``$$ ... $$`` block, possibly followed by ``(label)``: the label becomes a
        ``\\tag`` with the equation's number."""
        first = lines[start]
        indent = first[: len(first) - len(first.lstrip())]
        rest = first.lstrip()[2:]
        match = _MATH_CLOSE.match(rest)
        if match and (match.group("body").strip() or match.group("label")):
            body, label, end = [match.group("body").strip()], match.group("label"), start
        else:
            body = [rest] if rest.strip() else []
            end = start + 1
            while end < len(lines):
                match = _MATH_CLOSE.match(lines[end])
                if match:
                    break
                body.append(lines[end])
                end += 1
            else:
                return 0, []  # no closing $$: leave the text alone
            if match.group("body").strip():
                body.append(match.group("body"))
            label = match.group("label")
        return end - start + 1, self._math_block(body, label, indent)

    def _math_block(self, body: list[str], label: str | None, indent: str = "") -> list[str]:
        body = _trim_blank([line.rstrip() for line in body])
        body = textwrap.dedent("\n".join(body)).splitlines()
        if label:
            number = self.refs.equations.get(label)
            if number is None:
                self.problems.append(f"equation label {label!r} has no number")
            elif "\\tag" not in "\n".join(body):
                body = body + [f"\\tag{{{number}}}"]
        return [indent + "$$"] + [indent + line for line in body] + [indent + "$$"]

    # -- directives -----------------------------------------------------------------------

    def _directive(self, d: _Directive) -> list[str]:
        name = d.name
        if name in _DROPPED:
            return []
        if name in _TRANSPARENT:
            return self._body(d)
        if name in {"include", "eval-rst"}:
            self.problems.append(f"{{{name}}} content cannot be exported to the notebook")
            return []
        handler = getattr(self, "_d_" + re.sub(r"[^\w]", "_", name), None)
        if handler is not None:
            return handler(d)
        if name in _CODE_DIRECTIVES:
            return self._d_code(d)
        if name in _ADMONITION_TITLES:
            title = self.inline(d.argument) if (name == "admonition" and d.argument) else \
                _ADMONITION_TITLES[name]
            if name.startswith(("version", "deprecated")) and d.argument:
                title = f"{title} in version {d.argument}"
            return self._box(title, d)
        if name in _QUOTES_WITHOUT_TITLE:
            return self._box(self.inline(d.argument) if d.argument else None, d)
        if name.startswith("prf:"):
            kind = name.split(":", 1)[1].replace("-", " ").capitalize()
            title = f"{kind} ({self.inline(d.argument)})" if d.argument else kind
            return self._box(title, d)
        # Anything else (cards, tabs, topics, ...): its argument as a title, its body as text.
        title = self.inline(d.argument) if d.argument else None
        return self._box(title, d)

    def _body(self, d: _Directive) -> list[str]:
        return _trim_blank(self._blocks(d.body))

    def _box(self, title: str | None, d: _Directive, collapsed: bool | None = None,
             subtitle: str = "") -> list[str]:
        """A bold title over a blockquote; a collapsed ``<details>`` block for dropdowns."""
        body = self._body(d)
        classes = d.options.get("class", "").split()
        if collapsed is None:
            collapsed = "dropdown" in classes
        after = f" ({subtitle})" if subtitle else ""
        if collapsed:
            summary = f"<b>{title or 'Details'}</b>{after}"
            return ["", f"<details><summary>{summary}</summary>", "", *body, "",
                    "</details>", ""]
        lines = ([f"**{title}**{after}", ""] if title else []) + body
        return ["", *_blockquote(_trim_blank(lines)), ""]

    def _d_dropdown(self, d: _Directive) -> list[str]:
        return self._box(self.inline(d.argument) if d.argument else None, d, collapsed=True)

    def _d_exercise(self, d: _Directive) -> list[str]:
        label = d.options.get("label")
        position = self._exercise_count
        self._exercise_count += 1
        if not label and position < len(self.refs.exercise_labels):
            label = self.refs.exercise_labels[position]
        if "hidden" in d.options:
            return []
        number = ""
        if "nonumber" not in d.options and label:
            target = self.refs.targets.get(label)
            number = target.number if target else ""
            if not number:
                self.problems.append(f"exercise {label!r} has no number")
        title = f"Exercise {number}".strip()
        return self._box(title, d, subtitle=self.inline(d.argument) if d.argument else "")

    _d_exercise_start = _d_exercise

    def _d_solution(self, d: _Directive) -> list[str]:
        if "hidden" in d.options:
            return []
        target = self.refs.targets.get(d.argument.strip())
        if target is None or not target.number:
            self.problems.append(f"solution refers to unknown exercise {d.argument!r}")
            title = "Solution"
        else:
            title = f"Solution to Exercise {target.number}"
        return self._box(title, d)

    _d_solution_start = _d_solution

    def _d_code(self, d: _Directive) -> list[str]:
        language = d.argument.split()[0] if d.argument.strip() else ""
        lines = []
        if d.options.get("caption"):
            lines += [f"*{self.inline(d.options['caption'])}*", ""]
        return ["", *lines, *_code_fence(language, d.body), ""]

    def _d_literalinclude(self, d: _Directive) -> list[str]:
        path = d.argument.strip()
        language = d.options.get("language", "python" if path.endswith(".py") else "")
        if self.refs.read_include is None:
            return ["", f"*(Listing of `{path}`: see the page on the website.)*", ""]
        try:
            text = self.refs.read_include(path, d.options)
        except Exception as exc:  # the reader is Sphinx's; any failure is a problem to report
            self.problems.append(f"cannot include {path!r}: {exc}")
            return ["", f"*(Listing of `{path}`: see the page on the website.)*", ""]
        caption = d.options.get("caption")
        head = [f"*{self.inline(caption)}*", ""] if caption else []
        return ["", *head, *_code_fence(language, text.rstrip("\n").splitlines()), ""]

    def _d_math(self, d: _Directive) -> list[str]:
        return ["", *self._math_block(d.body, d.options.get("label")), ""]

    def _caption(self, label: str | None, caption: list[str], kind: str) -> list[str]:
        """``**Figure 3.** caption`` (or just the caption when the figure has no number)."""
        text = " ".join(line.strip() for line in self._blocks(caption) if line.strip())
        target = self.refs.targets.get(label) if label else None
        if target is not None and target.number:
            prefix = target.label_format.replace("%s", target.number)
            return [f"**{prefix}.** {text}".rstrip()]
        if label:
            self.problems.append(f"{kind} {label!r} has no number")
        return [f"*{text}*"] if text else []

    def _image_markdown(self, path: str, alt: str) -> str:
        if self.refs.read_image is None:
            return f"![{alt}]({path})"
        try:
            image = self.refs.read_image(path)
        except Exception as exc:
            self.problems.append(f"cannot read image {path!r}: {exc}")
            return f"![{alt}]({path})"
        name = self._attach(PurePosixPath(path).name, image.mime, image.data)
        return f"![{alt}](attachment:{name})"

    def _attach(self, name: str, mime: str, data: str) -> str:
        """Add an attachment; returns its name. Attachments are base64 whatever their type
        (Jupyter builds ``data:<mime>;base64,...`` URLs from them), so SVG text is encoded."""
        name = re.sub(r"[^\w.-]", "_", name)
        if mime == "image/svg+xml" and data.lstrip().startswith("<"):
            data = base64.b64encode(data.encode("utf-8")).decode("ascii")
        self.attachments[name] = {mime: data}
        return name

    def _d_figure(self, d: _Directive) -> list[str]:
        alt = d.options.get("alt", "")
        image = self._image_markdown(d.argument.strip(), alt)
        caption = self._caption(d.options.get("name"), d.body, "figure")
        return ["", image, "", *caption, ""]

    def _d_image(self, d: _Directive) -> list[str]:
        return ["", self._image_markdown(d.argument.strip(), d.options.get("alt", "")), ""]

    def _d_table(self, d: _Directive) -> list[str]:
        caption = self._caption(d.options.get("name"), [d.argument] if d.argument else [],
                                "table")
        return ["", *caption, "", *self._body(d), ""]

    def _d_list_table(self, d: _Directive) -> list[str]:
        rows: list[list[str]] = []
        for line in d.body:
            stripped = line.strip()
            if stripped.startswith("* - ") or stripped == "* -":
                rows.append([stripped[3:].strip()])
            elif stripped.startswith("- ") or stripped == "-":
                if not rows:
                    rows.append([])
                rows[-1].append(stripped[1:].strip())
            elif stripped and rows:
                rows[-1][-1] = (rows[-1][-1] + " " + stripped).strip()
        if not rows:
            return []
        width = max(len(row) for row in rows)
        cells = [[self.inline(c).replace("|", "\\|") for c in row] + [""] * (width - len(row))
                 for row in rows]
        header_rows = int(d.options.get("header-rows", "0") or 0)
        header = cells[0] if header_rows else [""] * width
        table = ["| " + " | ".join(header) + " |", "|" + "---|" * width]
        table += ["| " + " | ".join(row) + " |" for row in cells[1 if header_rows else 0:]]
        caption = self._caption(d.options.get("name"), [d.argument] if d.argument else [],
                                "table")
        return ["", *caption, "", *table, ""]

    def _d_raw(self, d: _Directive) -> list[str]:
        return ["", *d.body, ""] if d.argument.strip().lower() == "html" else []

    def _d_only(self, d: _Directive) -> list[str]:
        return self._body(d) if "html" in d.argument else []

    def _d_epigraph(self, d: _Directive) -> list[str]:
        return self._box(None, d)

    def _d_glossary(self, d: _Directive) -> list[str]:
        return self._body(d)

    def _d_bibliography(self, d: _Directive) -> list[str]:
        keys = list(self.refs.citations) if "all" in d.options else list(self.cited)
        entries = [self.refs.citations[key].reference for key in keys
                   if key in self.refs.citations]
        if not entries:
            return []
        return ["", "**References**", "", *[f"- {entry}" for entry in entries], ""]

    # glue directives

    def _glue_bundle(self, key: str) -> Mapping[str, Any] | None:
        key = key.split("::", 1)[-1].strip()
        bundle = self.refs.glue.get(key)
        if bundle is None:
            self.problems.append(f"no glued value named {key!r}")
        return bundle

    def _glue_block(self, key: str, alt: str = "") -> list[str]:
        bundle = self._glue_bundle(key)
        if bundle is None:
            return [f"*(value `{key}`: see the page on the website)*"]
        mime = next((m for m in _GLUE_BLOCK_PRIORITY if m in bundle), None)
        if mime is None:
            self.problems.append(f"glued value {key!r} has no displayable representation")
            return [f"*(value `{key}`: see the page on the website)*"]
        data = _as_text(bundle[mime])
        if mime.startswith("image/"):
            name = self._attach(key + _IMAGE_SUFFIX[mime], mime, data)
            return [f"![{alt or key}](attachment:{name})"]
        if mime == "text/latex":
            return self._math_block([_strip_latex_delimiters(data)], None)
        if mime == "text/plain":
            return _code_fence("", data.splitlines())
        return data.splitlines()

    def _d_glue(self, d: _Directive) -> list[str]:
        return ["", *self._glue_block(d.argument), ""]

    _d_glue_ = _d_glue
    _d_glue_any = _d_glue

    def _d_glue_figure(self, d: _Directive) -> list[str]:
        image = self._glue_block(d.argument, d.options.get("alt", ""))
        caption = self._caption(d.options.get("name"), d.body, "figure")
        return ["", *image, "", *caption, ""]

    def _d_glue_math(self, d: _Directive) -> list[str]:
        bundle = self._glue_bundle(d.argument)
        if bundle is None or "text/latex" not in bundle:
            if bundle is not None:
                self.problems.append(f"glued value {d.argument!r} has no text/latex")
            return [f"*(equation `{d.argument}`: see the page on the website)*"]
        body = [_strip_latex_delimiters(_as_text(bundle["text/latex"]))]
        return ["", *self._math_block(body, d.options.get("label")), ""]

    def _d_glue_md(self, d: _Directive) -> list[str]:
        bundle = self._glue_bundle(d.argument)
        if bundle is None or "text/markdown" not in bundle:
            if bundle is not None:
                self.problems.append(f"glued value {d.argument!r} has no text/markdown")
            return []
        return ["", *_as_text(bundle["text/markdown"]).splitlines(), ""]

    # -- inline ---------------------------------------------------------------------------

    def _inline_match(self, match: re.Match) -> str:
        if match.group("code") or match.group("dmath") or match.group("imath"):
            return match.group(0)
        if match.group("role"):
            return self._role(match.group("rname"), match.group("rcontent"))
        if match.group("image"):
            return match.group(0)
        if match.group("link") is not None and match.group("ltarget") is not None:
            return self._link(match.group("ltext"), match.group("ltarget"))
        name = match.group("sname")
        if name in self.refs.substitutions:
            return self.inline(str(self.refs.substitutions[name]))
        self.problems.append(f"unknown substitution {name!r}")
        return name

    def _role(self, name: str, content: str) -> str:
        handler = getattr(self, "_r_" + re.sub(r"[^\w]", "_", name), None)
        if handler is not None:
            return handler(content)
        if name.startswith("cite"):
            return self._cite(name, content)
        if name.startswith("prf:"):
            return self._r_numref(content)
        # Roles that show code-like names: py:func, func, class, mod, file, samp, ...
        title, target = _explicit_title(content)
        if title is not None:
            return title
        text = target.lstrip("~!")
        if name.split(":")[-1] in {"func", "meth", "class", "mod", "attr", "obj", "data",
                                   "exc", "file", "samp", "command", "program", "envvar"}:
            if content.startswith("~"):
                text = text.rsplit(".", 1)[-1]
            return f"`{text}`"
        return text

    def _r_glue_text(self, content: str) -> str:
        key, _, fmt = content.rpartition(":")
        if not key or key.endswith(":"):  # no format spec (or a doc::key without one)
            key, fmt = content, ""
        bundle = self._glue_bundle(key)
        if bundle is None:
            return f"`{key}`"
        if "text/plain" not in bundle:
            self.problems.append(f"glued value {key!r} has no text/plain")
            return f"`{key}`"
        try:
            return format_glue_text(_as_text(bundle["text/plain"]), fmt or "")
        except (ValueError, TypeError) as exc:
            self.problems.append(f"cannot format glued value {key!r} with {fmt!r}: {exc}")
            return _as_text(bundle["text/plain"])

    def _r_glue(self, content: str) -> str:
        bundle = self._glue_bundle(content)
        if bundle is None:
            return f"`{content}`"
        mime = next((m for m in _GLUE_INLINE_PRIORITY if m in bundle), None)
        if mime is None:
            self.problems.append(f"glued value {content!r} has no displayable representation")
            return f"`{content}`"
        data = _as_text(bundle[mime])
        if mime == "text/latex":
            return f"${_strip_latex_delimiters(data)}$"
        if mime.startswith("image/"):
            key = content.split("::", 1)[-1]
            return f"![{key}](attachment:{self._attach(key + _IMAGE_SUFFIX[mime], mime, data)})"
        return data.strip()

    _r_glue_ = _r_glue
    _r_glue_any = _r_glue

    def _r_glue_md(self, content: str) -> str:
        key, _, fmt = content.rpartition(":")
        if fmt not in {"commonmark", "gfm", "myst"}:
            key = content
        bundle = self._glue_bundle(key)
        if bundle is None or "text/markdown" not in bundle:
            if bundle is not None:
                self.problems.append(f"glued value {key!r} has no text/markdown")
            return f"`{key}`"
        return _as_text(bundle["text/markdown"]).strip()

    def _r_math(self, content: str) -> str:
        return f"${content}$"

    def _r_eq(self, content: str) -> str:
        label = content.strip()
        number = self.refs.equations.get(label)
        if number is None:
            self.problems.append(f"unknown equation {label!r}")
            return f"({label})"
        return self.refs.eq_format.replace("{number}", number)

    def _r_numref(self, content: str) -> str:
        title, label = _explicit_title(content)
        target = self.refs.targets.get(label)
        if target is None or not target.number:
            self.problems.append(f"no number for {label!r}")
            return title or label
        if title is None:
            text = target.label_format.replace("%s", target.number)
        else:
            text = (title.replace("%s", target.number).replace("{number}", target.number)
                    .replace("{name}", target.title))
        return f"[{text}]({target.url})" if target.url else text

    def _r_ref(self, content: str) -> str:
        title, label = _explicit_title(content)
        target = self.refs.targets.get(label)
        if target is None:
            self.problems.append(f"unknown reference target {label!r}")
            return title or label
        text = title if title is not None else (target.title or label)
        return f"[{text}]({target.url})" if target.url else text

    def _r_doc(self, content: str) -> str:
        title, path = _explicit_title(content)
        docname = _resolve_docname(self.refs.docname, path)
        known = self.refs.documents.get(docname)
        if known is None:
            self.problems.append(f"unknown document {path!r}")
            return title or path
        doc_title, url = known
        text = title if title is not None else doc_title
        return f"[{text}]({url})" if url else text

    def _r_download(self, content: str) -> str:
        title, target = _explicit_title(content)
        return title if title is not None else target

    def _r_term(self, content: str) -> str:
        title, target = _explicit_title(content)
        return title if title is not None else target

    def _r_abbr(self, content: str) -> str:
        match = re.match(r"^(?P<short>.*?)\s*\((?P<long>.*)\)\s*$", content, re.S)
        if not match:
            return content
        return f'<abbr title="{match.group("long")}">{match.group("short")}</abbr>'

    def _r_sub(self, content: str) -> str:
        return f"<sub>{content}</sub>"

    def _r_sup(self, content: str) -> str:
        return f"<sup>{content}</sup>"

    def _r_kbd(self, content: str) -> str:
        return f"<kbd>{content}</kbd>"

    def _r_code(self, content: str) -> str:
        return f"`{content}`"

    _r_literal = _r_code

    def _r_index(self, content: str) -> str:
        title, target = _explicit_title(content)
        return title if title is not None else target

    def _r_guilabel(self, content: str) -> str:
        return f"**{content.replace('&', '')}**"

    def _r_menuselection(self, content: str) -> str:
        return f"**{content.replace('-->', '→').replace('&', '')}**"

    def _cite(self, name: str, content: str) -> str:
        keys = [key.strip() for key in content.split(",") if key.strip()]
        found = []
        for key in keys:
            if key not in self.refs.citations:
                self.problems.append(f"unknown citation {key!r}")
                continue
            if key not in self.cited:
                self.cited.append(key)
            found.append(self.refs.citations[key])
        if not found:
            return f"[{content}]"
        # The same shapes as the site's author-year style: [Nielsen, 2015], Nielsen [2015].
        style = name.split(":", 1)[1] if ":" in name else "p"
        if style.startswith(("t", "ct")):
            return "; ".join(f"{c.authors} [{c.year}]" for c in found)
        if style.startswith("author"):
            return "; ".join(c.authors for c in found)
        if style.startswith("year"):
            return "; ".join(c.year for c in found)
        return "[" + "; ".join(f"{c.authors}, {c.year}" for c in found) + "]"

    def _link(self, text: str, target: str) -> str:
        text_out = self.inline(text)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) and not target.startswith("project:"):
            return f"[{text_out}]({target})"  # an external link (https:, mailto:, ...)
        target = target.removeprefix("project:")
        path, _, anchor = target.partition("#")
        if not path:
            return self._link_to_label(text_out, anchor)
        if not anchor and path in self.refs.targets:
            return self._link_to_label(text_out, path)  # MyST's [text](label)
        docname = _resolve_docname(self.refs.docname, path)
        if docname in self.refs.documents:
            doc_title, url = self.refs.documents[docname]
            if anchor and url:
                url = f"{url}#{anchor}"
            label_text = text_out or doc_title
            return f"[{label_text}]({url})" if url else label_text
        if path.endswith((".md", ".ipynb", ".rst")):
            self.problems.append(f"link to unknown document {path!r}")
            return text_out or path
        return f"[{text_out}]({target})"  # a file next to the page: left as it is

    def _link_to_label(self, text: str, label: str) -> str:
        if not label:
            return text
        target = self.refs.targets.get(label)
        if target is None:
            # A heading anchor on this page (myst_heading_anchors): Jupyter makes its own
            # anchors for headings, so the words themselves are what is left to show.
            return text or label
        if not text:
            text = (target.label_format.replace("%s", target.number)
                    if target.number else target.title or label)
        return f"[{text}]({target.url})" if target.url else text


def _as_text(data: Any) -> str:
    return "".join(data) if isinstance(data, list) else str(data)


def _dedent_line(line: str, indent: str) -> str:
    return line[len(indent):] if line.startswith(indent) else line.lstrip()


def _code_fence(language: str, lines: Sequence[str]) -> list[str]:
    longest = max((len(m) for line in lines for m in re.findall(r"`{3,}", line)), default=0)
    ticks = "`" * max(3, longest + 1)
    return [f"{ticks}{language}", *lines, ticks]


def _explicit_title(content: str) -> tuple[str | None, str]:
    """``title <target>`` -> (title, target); a bare ``target`` -> (None, target)."""
    match = _EXPLICIT_TITLE.match(content.strip())
    if match:
        return match.group("title"), match.group("target").strip()
    return None, content.strip()


def _resolve_docname(current: str, path: str) -> str:
    """Resolve a ``{doc}`` or link path, relative to the current page or to the root ("/")."""
    path = re.sub(r"\.(md|ipynb|rst)$", "", path)
    if path.startswith("/"):
        return path.lstrip("/")
    parts = list(PurePosixPath(current).parent.parts) if current else []
    for part in PurePosixPath(path).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def rewrite_markdown(text: str, refs: References | None = None) -> str:
    """Rewrite one piece of MyST markdown into plain Jupyter markdown (see the module doc)."""
    return MarkdownRewriter(refs).rewrite(text)


# --------------------------------------------------------------------------------------------
# Notebooks
# --------------------------------------------------------------------------------------------

_HIDDEN_SOURCE_TAGS = {"remove-input", "remove-cell", "hide-input", "hide-cell"}
_NO_OUTPUT_TAGS = {"remove-output", "remove-cell"}
_HIDDEN_OUTPUT_TAGS = {"hide-output", "hide-cell"}


@dataclass(frozen=True)
class Running:
    """What it takes to run a page as a notebook, as the build worked it out.

    ``requirement`` is the pip requirement that installs nnbook at the commit that built the
    notebook; ``built_profile`` the profile whose outputs the notebook carries; ``runs`` and
    ``training`` give, for each profile, how many runs the page needs and their seconds of
    training on one core when none of them is cached: as the runs recorded them for the built
    profile, estimated from their size (``nnbook.runs.precompute.estimate``) for the other;
    ``other_seconds`` how long the rest of the page's cells took in the build (``None`` if the
    build does not know which runs the page needs, in which case no time is promised).
    """

    requirement: str
    built_profile: str = ""
    runs: Mapping[str, int] = field(default_factory=dict)
    training: Mapping[str, float] = field(default_factory=dict)
    other_seconds: float | None = None


DEFAULT_REQUIREMENT = "nnbook[baselines] @ git+https://github.com/nnbook/nnbook"

INSTALL_ENV = "NNBOOK_INSTALL"
"""An environment variable that, when set, replaces the requirement the first cell installs
(a local path or wheel standing in for the commit, to test a notebook before it is published)."""


def setup_source(requirement: str) -> str:
    """The source of every notebook's first cell: install nnbook where it is missing, pick the
    profile (fast in a hosted runtime unless the reader says otherwise)."""
    return "\n".join([
        "# Run this cell first. Where nnbook (the library behind the book) is not installed, it",
        "# installs nnbook at the commit that built this notebook; then it chooses the profile.",
        "import importlib.util",
        "import os",
        "",
        "# The profile: \"fast\" (small data, few epochs) or \"full\" (the original's settings).",
        "# None keeps $NNBOOK_PROFILE if it is set; otherwise a hosted runtime (Colab, Kaggle)",
        "# runs \"fast\", and anywhere else runs \"full\".",
        "PROFILE = None",
        "",
        "if importlib.util.find_spec(\"nnbook\") is None:",
        f"    NNBOOK = os.environ.get({json.dumps(INSTALL_ENV)}, {json.dumps(requirement)})",
        "    %pip install --quiet \"{NNBOOK}\"",
        "    importlib.invalidate_caches()",
        "",
        "try:",
        "    import google.colab  # noqa: F401 (importable only in Colab)",
        "    hosted = True",
        "except ImportError:",
        "    hosted = \"KAGGLE_KERNEL_RUN_TYPE\" in os.environ",
        "if PROFILE is not None:",
        "    os.environ[\"NNBOOK_PROFILE\"] = PROFILE",
        "elif hosted:",
        "    os.environ.setdefault(\"NNBOOK_PROFILE\", \"fast\")",
        "",
        "from nnbook.runs.profile import current",
        "",
        "f\"This notebook runs the {current()} profile.\"",
    ])


def roughly(seconds: float) -> str:
    """An estimated duration in words: "under a minute", "about 7 minutes", "about 2.5 hours",
    "about 3 days"."""
    if seconds < 60:
        return "under a minute"
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    hours = seconds / 3600
    if hours < 48:
        shown = f"{hours:.1f}".rstrip("0").rstrip(".") if hours < 10 else f"{round(hours)}"
        return f"about {shown} hour{'s' if shown != '1' else ''}"
    return f"about {round(hours / 24)} days"


def _profile_line(profile: str, running: Running, what: str) -> str:
    n = running.runs.get(profile, 0)
    training = running.training.get(profile, 0.0)
    other = running.other_seconds or 0.0
    if n == 0:
        return f"- **{profile}** ({what}): it trains nothing; {roughly(other)} in all."
    runs = f"{n} run{'s' if n != 1 else ''} to train"
    return f"- **{profile}** ({what}): {runs}, {roughly(training + other)} in all."


def header_markdown(title: str, page_url: str | None, site_title: str,
                    running: Running) -> str:
    """The markdown cell after the setup cell: what the notebook is, which profile it runs and
    roughly how long that takes."""
    page = f"[{title}]({page_url})" if page_url else f"*{title}*"
    lines = [
        f"**About this notebook.** This is the page {page} of *{site_title}*, an executable "
        "edition of Michael Nielsen's book *Neural Networks and Deep Learning* "
        "(<http://neuralnetworksanddeeplearning.com>), as a notebook. It runs in Jupyter or "
        "Colab with Python 3.10 or newer; the first cell installs what it needs.",
        "",
    ]
    if running.other_seconds is not None:
        lines += [
            "**How long it takes.** The first cell chooses the *profile*, the size of every "
            "experiment: `fast` in a hosted runtime such as Colab, otherwise `$NNBOOK_PROFILE` "
            "or `full`; set `PROFILE` in that cell to choose yourself. Run from the top with "
            "nothing cached yet, the page needs roughly:",
            "",
            _profile_line("fast", running, "smaller data sets and fewer epochs"),
            _profile_line("full", running, "the original book's settings"),
            "",
            "For the profile the site was built with, these are the times its runs took when "
            "they were trained and the rest of the page took in the build; for the other, "
            "estimates from the size of each run, for one core. Training shows a progress bar, "
            "and every run is kept in a cache on disk, so running the page again is quick.",
            "",
        ]
    built = f" with the **{running.built_profile}** profile" if running.built_profile else ""
    lines += [
        "The outputs below (figures, tables, printed values) are the ones computed when the "
        f"website was built{built}, and the numbers in the text are written out as they were "
        "in that build; running the cells computes everything again.",
    ]
    return "\n".join(lines)


def export_notebook(
    notebook: Mapping[str, Any],
    refs: References | None = None,
    *,
    title: str = "",
    page_url: str | None = None,
    site_title: str = "Neural Networks and Deep Learning — executable edition",
    running: Running | None = None,
    source_path: str = "",
) -> tuple[dict[str, Any], list[str]]:
    """Build the downloadable notebook from an executed MyST notebook.

    Returns the new notebook (the input is not changed) and the list of problems met while
    rewriting its markdown. Cells keep their order and their outputs; glue records that only
    feed the text are dropped; cells the page hides stay (the notebook must run top to bottom)
    but are collapsed; a figure caption kept in a code cell's ``mystnb`` metadata becomes a
    markdown cell right after the figure. A header cell comes first. Cell ids are renumbered and
    timing metadata dropped, so the same build gives the same file.

    The first cell is code that installs nnbook where it is missing and picks the profile
    (:func:`setup_source`), the second says what the notebook is and how long it runs
    (:func:`header_markdown`); ``running`` holds what they need (by default, the latest nnbook
    from the repository's default branch, and no times).
    """
    running = running if running is not None else Running(DEFAULT_REQUIREMENT)
    rewriter = MarkdownRewriter(refs)
    source = copy.deepcopy(dict(notebook))
    cells: list[dict[str, Any]] = [
        {"cell_type": "code", "execution_count": None, "metadata": {},
         "outputs": [], "source": setup_source(running.requirement)},
        _markdown_cell(header_markdown(title or "Notebook", page_url, site_title, running)),
    ]
    for cell in source.get("cells", []):
        kind = cell.get("cell_type")
        text = _as_text(cell.get("source", ""))
        if kind == "markdown":
            rewritten = rewriter.rewrite(text)
            attachments = rewriter.take_attachments()
            if rewritten.strip():
                new = _markdown_cell(rewritten)
                if attachments:
                    new["attachments"] = attachments
                cells.append(new)
        elif kind == "code":
            new, caption_cell = _export_code_cell(cell, rewriter)
            cells.append(new)
            if caption_cell is not None:
                cells.append(caption_cell)
        elif kind == "raw":
            cells.append({"cell_type": "raw", "metadata": {}, "source": text})
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index}"
    metadata = {key: source.get("metadata", {})[key]
                for key in ("kernelspec", "language_info") if key in source.get("metadata", {})}
    metadata.setdefault("kernelspec", {"display_name": "Python 3", "language": "python",
                                       "name": "python3"})
    metadata["nnbook"] = {key: value for key, value in
                          (("page", page_url), ("source", source_path)) if value}
    result = {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    return result, rewriter.problems


def _markdown_cell(text: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _export_code_cell(cell: Mapping[str, Any], rewriter: MarkdownRewriter):
    metadata = dict(cell.get("metadata", {}))
    tags = list(metadata.get("tags", []))
    mystnb = metadata.pop("mystnb", None) or {}
    metadata.pop("execution", None)
    metadata.pop("myst", None)
    outputs = [] if _NO_OUTPUT_TAGS & set(tags) else [
        _clean_output(output) for output in cell.get("outputs", [])
        if not _is_glue_record(output)]
    jupyter = dict(metadata.get("jupyter", {}))
    if _HIDDEN_SOURCE_TAGS & set(tags):
        jupyter["source_hidden"] = True
    if _HIDDEN_OUTPUT_TAGS & set(tags):
        jupyter["outputs_hidden"] = True
    if jupyter:
        metadata["jupyter"] = jupyter
    new = {
        "cell_type": "code",
        "execution_count": cell.get("execution_count"),
        "metadata": metadata,
        "outputs": outputs,
        "source": _as_text(cell.get("source", "")),
    }
    figure = mystnb.get("figure") if isinstance(mystnb, Mapping) else None
    caption_cell = None
    if isinstance(figure, Mapping) and figure.get("caption"):
        caption = rewriter._caption(figure.get("name"), str(figure["caption"]).splitlines(),
                                    "figure")
        caption_cell = _markdown_cell("\n".join(caption))
    return new, caption_cell


def _is_glue_record(output: Mapping[str, Any]) -> bool:
    """A glue call with ``display=False``: data only for the text, not meant to be seen."""
    scrapbook = output.get("metadata", {}).get("scrapbook")
    return bool(scrapbook and scrapbook.get("mime_prefix"))


def _clean_output(output: Mapping[str, Any]) -> dict[str, Any]:
    output = dict(output)
    metadata = dict(output.get("metadata", {}) or {})
    metadata.pop("scrapbook", None)
    if output.get("output_type") in {"display_data", "execute_result"}:
        output["metadata"] = metadata
    return output
