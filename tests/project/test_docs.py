"""The documents: a short README, links that lead somewhere, and docs/ that say how things are."""

import re
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
README = REPOSITORY / "README.md"
DOCS = sorted((REPOSITORY / "docs").glob("*.md"))
LINKED = [README, REPOSITORY / "INSTRUCTORS.md", *DOCS]

FENCED_CODE = re.compile(r"^```.*?^```", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)
COMMIT_HASH = re.compile(r"\bcommit\w*\b\W+(?:\w+\W+){0,2}?[0-9a-f]{7,40}\b", re.I)
HEX_TOKEN = re.compile(r"\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")
HISTORY = re.compile(r"before\s*/\s*now|^\|\s*(?:before|now)\s*\||\b(?:before|now)\s*:|\blever\s+\d+", re.I | re.M)


def prose(path: Path) -> str:
    """The text of a Markdown file without its code: fenced blocks and inline code spans removed."""
    return INLINE_CODE.sub("", FENCED_CODE.sub("", path.read_text("utf-8")))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor of the headings of ``path``; a repeated heading gets -1, -2, ... as on GitHub."""
    found: set[str] = set()
    counts: dict[str, int] = {}
    for heading in HEADING.findall(FENCED_CODE.sub("", path.read_text("utf-8"))):
        base = slug(heading)
        count = counts.get(base, 0)
        counts[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def relative_links(path: Path) -> list[str]:
    """The links of ``path`` that lead inside this repository (not to a web page or an address)."""
    return [
        target for target in LINK.findall(prose(path)) if not re.match(r"[a-z][a-z0-9+.-]*:", target, re.I)
    ]


def test_the_readme_is_at_most_250_lines():
    """Is README.md short enough for a newcomer to read through (at most 250 lines)?"""
    lines = len(README.read_text("utf-8").splitlines())
    assert lines <= 250, f"README.md has {lines} lines: move the details to docs/"


def test_the_readme_opens_with_the_two_commands():
    """Does README.md open, after its title, with `make demo` and `make test`?"""
    opening = README.read_text("utf-8").split("```", 2)[1]
    assert "make demo" in opening and "make test" in opening


def test_docs_holds_the_documents_the_readme_promises():
    """Are the design, architecture, isolation, performance and results documents in docs/?"""
    names = {path.name for path in DOCS}
    assert {"design.md", "architecture.md", "isolation.md", "performance.md", "results.md"} <= names


@pytest.mark.parametrize("document", LINKED, ids=lambda p: str(p.relative_to(REPOSITORY)))
def test_every_relative_link_leads_to_a_file_and_a_heading(document):
    """Does every relative link name an existing file, and every #anchor a heading of its file?"""
    broken = []
    for target in relative_links(document):
        file_part, _, anchor = target.partition("#")
        linked = (document.parent / file_part).resolve() if file_part else document
        if not linked.exists():
            broken.append(f"{target}: no file {linked}")
        elif anchor and (linked.suffix != ".md" or anchor not in anchors(linked)):
            broken.append(f"{target}: no heading #{anchor} in {linked.name}")
    assert not broken, f"{document.name}: " + "; ".join(broken)


def test_the_link_checker_sees_a_broken_link(tmp_path):
    """Would a link to a missing heading or a missing file be found?"""
    page = tmp_path / "page.md"
    page.write_text("# A `grade` command\n\n[here](#a-grade-command) [gone](#gone) [no](missing.md)\n")
    assert anchors(page) == {"a-grade-command"}
    assert relative_links(page) == ["#a-grade-command", "#gone", "missing.md"]


@pytest.mark.parametrize("document", DOCS, ids=lambda p: p.name)
def test_docs_say_how_things_are_not_how_they_came_to_be(document):
    """Is a document of docs/ free of commit hashes and of before/now history?"""
    text = document.read_text("utf-8")
    assert not COMMIT_HASH.findall(text), f"{document.name} names a commit: {COMMIT_HASH.findall(text)}"
    assert not HEX_TOKEN.findall(text), f"{document.name} holds a hash-like token: {HEX_TOKEN.findall(text)}"
    assert not HISTORY.findall(text), f"{document.name} tells history: {HISTORY.findall(text)}"


def test_the_history_check_catches_what_it_promises():
    """Would "commit 3f500fd", a hash alone, "Before/now" and "lever 12" be caught?"""
    assert COMMIT_HASH.search("measured at commit 3f500fd")
    assert COMMIT_HASH.search("the commits 3f500fd5e1b06b")
    assert not COMMIT_HASH.search("a commit status with the score (seed 2841093857)")
    assert HEX_TOKEN.search("main at f6b1346") and not HEX_TOKEN.search("seed 2841093857, a facade")
    assert HISTORY.search("Before/now: 17.46 s") and HISTORY.search("| now | autograder grade |")
    assert HISTORY.search("see lever 12") and not HISTORY.search("limits set before the worker starts")
