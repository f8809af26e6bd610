"""The authors a citation line names, read only when the reading accounts for every name (pure).

academicpages keeps a paper's authors in the `citation` line its generators write (`Ann Lee,
Bo Chen, "Title." Venue, 2017.`, `Lee, A., & Chen, B. (2009). Title.`, `Ann Lee and Bo Chen. In
Proceedings of ...`) or in an `authors:` key (`Lee A., <b>Chen B.</b>`); the owner is marked by
`<b>`. A reading that loses a word of the names, or gives something that is no person's name,
is refused with the reason, and the caller keeps the line as written.
"""

from __future__ import annotations

import collections
import html
import re
from typing import NamedTuple

from chalicelib.importers.acadhomepage.page import strip_tags
from chalicelib.importers.acadhomepage.references import MAX_REFERENCE_CHARS, PARTICLES

BOLD_OPEN, BOLD_CLOSE = "\x01", "\x02"
# The title's start: a quote, an APA year in parentheses
TITLE_START = re.compile(r"[\"“]|\((?:19|20)\d{2}[a-z]?\)")
# The end of the names' sentence: a period after a word of two letters or more (not an initial)
SENTENCE_END = re.compile(r"(?<=[^\W\d_]{2})\.(?=\s|$)")
INITIALS = re.compile(r"(?:[A-Z]\.?\s*-?\s*){1,4}")
# `Zachara J.`, `Knappett P. S. K.`: a surname before its initials
SURNAME_FIRST = re.compile(
    r"(?P<surname>[^\W\d][\w'’-]*(?:\s[^\W\d][\w'’-]*){0,3}) (?P<initials>(?:[A-Z]\.\s?-?){1,4})"
)
ET_AL = re.compile(r",?\s*\bet\s+al\.?$")
AND = re.compile(r"\s+(?:and|&)\s+|^(?:and|&)\s+")
NAME_WORD = re.compile(r"[^\W\d_]+")
NOT_A_NAME = re.compile(r"[\d:;()\[\]{}<>/@=+|]")


class ReadNames(NamedTuple):
    """The names read (marks after them kept), those written in bold, and why none were read."""

    names: list[str]
    marked: list[str]
    problem: str = ""


def citation_authors(citation: str, title: str = "") -> ReadNames:
    """The authors a citation line names before its title, its quoted title or its year."""
    text = _text(citation)
    if len(text) > MAX_REFERENCE_CHARS:  # no citation is this long; its patterns would be slow
        return ReadNames([], [], "the citation is longer than any citation")
    ends = [
        found.start() for found in (TITLE_START.search(text), SENTENCE_END.search(text)) if found
    ]
    bare_title = " ".join(html.unescape(title).split()).casefold()
    at_title = text.casefold().find(bare_title) if len(bare_title) > 3 else -1
    ends += [at_title] if at_title >= 0 else []
    end = min(ends, default=len(text))
    if not text[end:].strip(" ."):
        return ReadNames([], [], "no title, quote or year follows the names")
    return names_of(text[:end])


def authors_line(line: str) -> ReadNames:
    """The authors an `authors:` line lists: `Lee A., <b>Chen B.</b>`."""
    text = _text(line)
    if len(text) > MAX_REFERENCE_CHARS:
        return ReadNames([], [], "the line is longer than any list of authors")
    return names_of(text)


def _text(line: str) -> str:
    """The line as text, entities decoded once as the page shows them, bold kept as marks."""
    marked = re.sub(r"<(?:b|strong)\b[^<>]*>", BOLD_OPEN, line, flags=re.I)
    marked = re.sub(r"</(?:b|strong)\s*>", BOLD_CLOSE, marked, flags=re.I)
    text = html.unescape(strip_tags(marked))
    return " ".join(text.split())


def names_of(part: str) -> ReadNames:
    """The names of a list (`A, B and C`, APA `Lee, A., & Chen, B.`), checked to account for
    every word of it."""
    part = part.strip(" ,;:")
    part = re.sub(r"(?<=[^\W\d_]{2})\.$", "", part)  # the sentence's period, not an initial's
    et_al = ET_AL.search(part.replace(BOLD_CLOSE, ""))
    if et_al:
        part = ET_AL.sub("", part.replace(BOLD_CLOSE, "")).strip(" ,")
    pieces = [
        piece.strip()
        for comma in part.split(",")
        for piece in AND.split(comma.strip())
        if piece.strip(" " + BOLD_OPEN + BOLD_CLOSE)
    ]
    bare = [_unmarked(piece) for piece in pieces]
    if _all_pairs(bare):  # APA: every second piece is the initials of the one before
        pairs = range(0, len(pieces), 2)
        names = [f"{bare[i + 1]} {bare[i]}" for i in pairs]
        marked = [names[n] for n, i in enumerate(pairs) if BOLD_OPEN in pieces[i] + pieces[i + 1]]
    else:
        names = [_given_first(name) for name in bare]
        marked = [names[n] for n, piece in enumerate(pieces) if BOLD_OPEN in piece]
    problem = _unaccounted(_unmarked(part), names)
    if problem:
        return ReadNames([], [], problem)
    return ReadNames(names + (["et al."] if et_al else []), marked)


def _unmarked(text: str) -> str:
    return text.replace(BOLD_OPEN, "").replace(BOLD_CLOSE, "").strip()


def _all_pairs(pieces: list[str]) -> bool:
    return (
        len(pieces) % 2 == 0
        and all(INITIALS.fullmatch(piece) for piece in pieces[1::2])
        and not any(INITIALS.fullmatch(piece) for piece in pieces[::2])
    )


def _given_first(name: str) -> str:
    """`Zachara J.` -> `J. Zachara`: a whole name written surname first, as the others are."""
    found = SURNAME_FIRST.fullmatch(name)
    return f"{found.group('initials').strip()} {found.group('surname')}" if found else name


def _unaccounted(part: str, names: list[str]) -> str:
    """Why the names are not a reading of the part: a word lost or added, or no person's name."""
    if not names:
        return "no names before the title"
    for name in names:
        words = name.split()
        lower = [word for word in words if word[0].islower() and word not in PARTICLES]
        if NOT_A_NAME.search(name) or not 1 <= len(words) <= 6 or lower:
            return f"{name[:40]!r} is not a person's name"
    written = collections.Counter(NAME_WORD.findall(AND.sub(" ", part)))
    if written != collections.Counter(NAME_WORD.findall(" ".join(names))):
        return "the names read leave out words of the citation's names"
    return ""
