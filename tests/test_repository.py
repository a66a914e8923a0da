"""Checks on the repository itself: the pinned toolchain, the table of contents, the workflows,
and the rule that no result is typed into the book's prose."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_jupyter_book_is_pinned_to_the_1x_line():
    text = (ROOT / "pyproject.toml").read_text()
    assert '"jupyter-book==1.0.4.post1"' in text


def _toc_files(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("file", "root"):
                yield value
            else:
                yield from _toc_files(value)
    elif isinstance(node, list):
        for item in node:
            yield from _toc_files(item)


def test_toc_lists_only_pages_that_exist():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = list(_toc_files(toc))
    assert "book/report" in files
    for f in files:
        assert (ROOT / f"{f}.md").is_file(), f"_toc.yml lists {f}, which does not exist"


def test_workflows_are_valid():
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which("check-jsonschema")
    assert exe, "check-jsonschema is part of the test extra: pip install -e '.[test]'"
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows
    result = subprocess.run([exe, "--builtin-schema", "vendor.github-workflows", *workflows],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _prose(text: str):
    """The markdown lines of a MyST notebook page, outside code cells, with their numbers."""
    in_code = False
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(r"^```\{code-cell\}", line):
            in_code = True
        elif in_code and re.match(r"^```\s*$", line):
            in_code = False
        elif not in_code:
            yield number, line


PERCENT = re.compile(r"\d+(\.\d+)?\s?(%|percent)")


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "book").glob("*.md")))
def test_no_result_is_typed_into_prose(page):
    """A percentage in prose must come from a glue role (ours, or the original's from the registry)."""
    typed = [f"{page}:{n}: {line.strip()}"
             for n, line in _prose((ROOT / "book" / page).read_text())
             if PERCENT.search(re.sub(r"\{glue:text\}`[^`]*`", "", line))]
    assert not typed, "typed percentages:\n" + "\n".join(typed)


def test_citation_file_is_valid_cff_and_matches_the_package():
    """CITATION.cff validates against the Citation File Format 1.2.0 schema and names the
    package's version (the acknowledgements page shows this file)."""
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which("check-jsonschema")
    assert exe, "check-jsonschema is part of the test extra: pip install -e '.[test]'"
    result = subprocess.run([exe, "--builtin-schema", "vendor.citation-file-format",
                             str(ROOT / "CITATION.cff")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)[1]
    assert cff["version"] == version
    assert "CITATION.cff" in (ROOT / "book" / "acknowledgements.md").read_text()


def test_faq_quotes_the_readmes_measured_build_times():
    """The FAQ quotes the README's build times rather than measuring them again: every number in
    its build-time section must appear in the README's table of profiles."""
    faq = (ROOT / "book" / "faq.md").read_text()
    section = faq.split("(faq-build-time)=", 1)[1].split("\n## ", 2)[1]
    readme = (ROOT / "README.md").read_text()
    profiles = readme.split("### Profiles", 1)[1].split("\n### ", 1)[0]
    quoted = re.findall(r"\b\d[\d,.]*(?: to \d+)?\s(?:s\b|minutes?|hours|core-minutes|cores?)", section)
    assert len(quoted) >= 6, quoted
    for number in quoted:
        assert number in profiles, f"the FAQ quotes {number!r}, which the README's table does not say"
