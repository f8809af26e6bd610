"""What of a paper's own page (an academicpages `_publications/*.md` text) its entry shows (pure).

The page is the paper's own: its abstract, `[[pdf]](...)` buttons, a `Download paper here` link,
the recommended citation, and often sections with figures. The list entry takes the abstract (the
paragraphs under an `Abstract` heading, or those before the first heading) and the links that
stand alone or as buttons in it; the rest is counted, for the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING = re.compile(r"^#{1,6}\s+(?P<text>.*?)\s*#*\s*$")
RULE = re.compile(r"^\s*(?:-{3,}|={3,}|\*{3,})\s*$")
ABSTRACT = re.compile(r"^\W*abstract\b", re.I)
# `[[pdf]](/files/x.pdf)`: a button link
BUTTON_LINK = re.compile(r"\[\[(?P<label>[^\[\]\n]{1,40})\]\]\((?P<url>[^()\s]+)\)")
# a paragraph that is one link: `[Download paper here](url)`, `<a href='url'>...</a>`
LINK_ALONE = re.compile(
    r"\[(?P<label>[^\[\]\n]{1,60})\]\((?P<url>[^()\s]+)\)"
    r"|<a\s+href=[\"'](?P<href>[^\"'<>\s]+)[\"'][^<>]*>(?P<text>[^<>]{1,60})</a>",
    re.I,
)
KRAMDOWN_ATTRIBUTES = re.compile(r"\{:[^{}\n]*\}")
RECOMMENDED = re.compile(r"^(?:\*\*)?Recommended citation:", re.I)
NOT_TEXT = ("<", "!", "{%", "{{", "|", "-", "*", "+")


@dataclass
class PageText:
    """The abstract's paragraphs (markdown), its links (label, address), and how many of the
    page's other paragraphs are left out."""

    abstract: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    left_out: int = 0


def page_text(body: str) -> PageText:
    """The abstract and links a paper's page gives its list entry."""
    blocks = _blocks(body)
    headed = any(heading and ABSTRACT.match(heading) for heading, _ in blocks)
    found = PageText()
    for heading, text in blocks:
        text = " ".join(KRAMDOWN_ATTRIBUTES.sub("", text).split())
        if not text or RECOMMENDED.match(text):
            continue  # the paper shows its citation already
        alone = LINK_ALONE.fullmatch(text)
        if alone:
            found.links.append((alone["label"] or alone["text"], alone["url"] or alone["href"]))
            continue
        chosen = bool(heading and ABSTRACT.match(heading)) if headed else heading is None
        if not (chosen or ABSTRACT.match(text)):
            found.left_out += 1
            continue
        found.links += [(m["label"], m["url"]) for m in BUTTON_LINK.finditer(text)]
        text = " ".join(BUTTON_LINK.sub("", text).split())
        if text.startswith(NOT_TEXT):
            found.left_out += bool(text)
        elif text:
            found.abstract.append(text)
    return found


def _blocks(body: str) -> list[tuple[str | None, str]]:
    """(the heading above it, the paragraph) of each paragraph of the page."""
    blocks: list[tuple[str | None, str]] = []
    heading: str | None = None
    for paragraph in re.split(r"\n\s*\n", body):
        lines: list[str] = []
        for line in paragraph.split("\n"):
            found = HEADING.match(line)
            if found or RULE.match(line):
                if lines:
                    blocks.append((heading, " ".join(lines)))
                lines = []
                heading = found["text"] if found else heading
            elif line.strip():
                lines.append(line.strip())
        if lines:
            blocks.append((heading, " ".join(lines)))
    return blocks
