"""An about page's text -> the lines a visitor reads: front matter, comments, Liquid gone (pure).

Every line keeps the place it came from (`about.md:12`, `includes/news.md:3`) for the report.
`include_relative` tags are replaced by the files they name, read through a function the caller
gives, so this module does no I/O itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.errors import UserError
from chalicelib.importers import ImportProblem, yaml_values

# A function that returns the text of a file named relative to the page, or None when missing.
ReadRelative = Callable[[str], "str | None"]

INCLUDE = re.compile(r"\{%-?\s*include_relative\s+(?P<path>[^\s%]+)\s*-?%\}")
MD_COMMENT = re.compile(r"^\s*\[//\]:\s*#.*$")
# Each pattern stops at the next opener, so a run of openers never closed costs one pass.
LIQUID_TAG = re.compile(r"\{%(?:(?!\{%).)*?%\}", re.S)
OTHER_LIQUID_TAG = re.compile(r"\{%(?!-?\s*include_relative\s)(?:(?!\{%).)*?%\}", re.S)
LIQUID_COMMENT = re.compile(r"\{%-?[ \t]*comment[ \t]*-?%\}")
LIQUID_END_COMMENT = re.compile(r"\{%-?[ \t]*endcomment[ \t]*-?%\}")
LIQUID_OUTPUT = re.compile(r"\{\{(?:(?!\{\{).)*?\}\}", re.S)
# `{:target=...}`; the spaces before a `{#id}` are taken from the start of their run only, so a
# line of 100,000 spaces costs one pass, not 100,000.
KRAMDOWN_ATTRIBUTES = re.compile(r"\{:[^{}\n]*\}|(?<!\s)\s*\{#[A-Za-z][\w-]*\}\s*$")
# `{{ '/images/x.png' | relative_url }}`: the path, as Jekyll resolves it on the site's root
SITE_PATH = re.compile(
    r"""\{\{-?\s*(?P<q>['"])(?P<path>[^'"{}]*)(?P=q)\s*\|\s*(?:relative|absolute)_url\s*-?\}\}"""
)
BASE_ADDRESS = re.compile(r"\{\{-?\s*(?:site\.(?:baseurl|url)|base_path)\s*-?\}\}")
MAX_INCLUDE_DEPTH = 5


@dataclass(frozen=True)
class Line:
    """One line of the page as a visitor reads it, and where it came from."""

    place: str
    text: str


# The page with what it includes may hold this much text: a site's own includes are a few
# kilobytes; a file that includes another many times over (or itself) must stop, not multiply.
MAX_PAGE_CHARS = 4_000_000


@dataclass
class _Reading:
    """What reading one page needs: how to read an included file, where to report, and what
    has been included so far (the chain of files and the characters)."""

    read_relative: ReadRelative | None
    notes: list[str]
    unread: list[str]
    chain: tuple[str, ...] = ()
    chars: int = 0


def page_lines(
    text: str,
    filename: str,
    read_relative: ReadRelative | None,
    notes: list[str],
    unread: list[str],
) -> tuple[list[Line], dict]:
    """The page's visible lines (includes inlined) and its front matter."""
    if len(text) > MAX_PAGE_CHARS:
        raise ImportProblem(
            f"{filename}: {len(text):,} characters; the limit is {MAX_PAGE_CHARS:,} for a page"
        )
    body, first_line, front = _split_front_matter(text.replace("\r\n", "\n"), filename)
    reading = _Reading(read_relative, notes, unread, (filename,), len(text))
    return _lines(body, filename, first_line, reading), front


def _split_front_matter(text: str, filename: str) -> tuple[str, int, dict]:
    """(text after the front matter, its first line number, the front matter)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text, 1, {}
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            # the front matter starts on the file's line 2
            front = yaml_values("\n" + "\n".join(lines[1:index]), filename) or {}
            rest = "\n".join(lines[index + 1 :])
            return rest, index + 2, front if isinstance(front, dict) else {}
    raise ImportProblem(f"{filename}:1: the front matter opened by '---' is never closed")


def _lines(text: str, filename: str, first: int, reading: _Reading) -> list[Line]:
    text = _blank_liquid_comments(_blank_comments(text))
    text = text.replace("--!>", "").replace("-->", "")  # a closer whose opener was removed above
    text = _blank_out(OTHER_LIQUID_TAG, text)
    lines: list[Line] = []
    for offset, raw in enumerate(text.split("\n")):
        place = f"{filename}:{first + offset}"
        if MD_COMMENT.match(raw):
            continue
        lines.extend(_expand_includes(raw, place, filename, reading))
    return lines


def _expand_includes(raw: str, place: str, filename: str, reading: _Reading) -> list[Line]:
    """The line, or the lines of the files its include_relative tags name."""
    found = INCLUDE.search(raw)
    if not found:
        return [Line(place, _visible(raw, place, reading.notes))]
    before, after = raw[: found.start()], raw[found.end() :]
    path = found.group("path").strip("'\"")
    name = _joined(filename, path)
    included, why = _included(name, reading)
    inner: list[Line] = []
    if why:
        reading.unread.append(f"{place}: the included file {path!r} ({why})")
    else:
        body, first, _ = _split_front_matter(included.replace("\r\n", "\n"), path)
        outer = reading.chain
        reading.chain = (*outer, name)
        inner = _lines(body, name, first, reading)
        reading.chain = outer
    head = [Line(place, _visible(before, place, reading.notes))] if before.strip() else []
    tail = _expand_includes(after, place, filename, reading) if after else []
    return [*head, *inner, *[line for line in tail if line.text.strip()]]


def _included(name: str, reading: _Reading) -> tuple[str, str]:
    """(the included file's text, "") or ("", why it is not included)."""
    if reading.read_relative is None:
        return "", "give the site's folder to read it"
    if name in reading.chain:
        return "", "it includes itself; included once"
    if len(reading.chain) > MAX_INCLUDE_DEPTH:
        return "", f"includes nest more than {MAX_INCLUDE_DEPTH} deep"
    try:
        text = reading.read_relative(name)
    except UserError as refused:  # outside the site's folder, unreadable
        return "", str(refused)
    if text is None:
        return "", "not found next to the page"
    reading.chars += len(text)
    if reading.chars > MAX_PAGE_CHARS:
        return "", f"the page with its includes passes {MAX_PAGE_CHARS:,} characters"
    return text, ""


def _joined(filename: str, path: str) -> str:
    """The included file's name relative to the page's folder, as the page names it."""
    folder = filename.rpartition("/")[0]
    return f"{folder}/{path}" if folder else path


def _visible(line: str, place: str, notes: list[str]) -> str:
    """The line without Liquid, as Jekyll would output it: tags go, a `relative_url` path stays,
    the site's base address is empty (acadpage serves the site at its root), other outputs go."""
    line = KRAMDOWN_ATTRIBUTES.sub("", LIQUID_TAG.sub("", line))
    if "{{" not in line:
        return line
    line = SITE_PATH.sub(lambda m: m.group("path"), line)
    line = BASE_ADDRESS.sub("", line)
    if LIQUID_OUTPUT.search(line):
        notes.append(f"{place}: left out a value only Jekyll can compute (a Liquid {{{{ }}}})")
        line = LIQUID_OUTPUT.sub("", line)
    return line


def _blank_comments(text: str) -> str:
    """The text without HTML comments (an unclosed one runs to the end), each replaced by as
    many newlines as it held; one pass, however many `<!--` are never closed."""
    kept, start = [], 0
    while (opened := text.find("<!--", start)) >= 0:
        closed = text.find("-->", opened + 4)
        end = len(text) if closed < 0 else closed + 3
        kept += [text[start:opened], "\n" * text.count("\n", opened, end)]
        start = end
    return "".join([*kept, text[start:]])


def _blank_liquid_comments(text: str) -> str:
    """The text without Liquid's `{% comment %}...{% endcomment %}` blocks, which Jekyll shows
    nothing of (an unclosed one stays: Jekyll refuses to build it); one pass."""
    kept, start = [], 0
    while (opened := LIQUID_COMMENT.search(text, start)) is not None:
        closed = LIQUID_END_COMMENT.search(text, opened.end())
        if closed is None:
            break
        kept += [
            text[start : opened.start()],
            "\n" * text.count("\n", opened.start(), closed.end()),
        ]
        start = closed.end()
    return "".join([*kept, text[start:]])


def _blank_out(pattern: re.Pattern, text: str) -> str:
    """The text with every match replaced by as many newlines as it held (line numbers stay)."""
    return pattern.sub(lambda m: "\n" * m.group().count("\n"), text)
