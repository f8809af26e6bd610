"""Papers of an about page -> structured publications (pure).

A paper is a box (`paper-box`, `paper-box-top`, `paper-box-bottom`, or a bare `paper-box-text`
div, its inside written in markdown or in HTML) or a list item (one line, `- [Title](url), A, **B**,
**Venue**`, or several: title, authors, venue and links on their own lines), or short
paragraphs. section_papers finds them in a section.
"""

from __future__ import annotations

import re

from chalicelib.importers.acadhomepage.dated import BULLET, HTML_ONLY
from chalicelib.importers.acadhomepage.inline import (
    BRACKETED,
    CITATION_SPAN,
    EMPTY_LINK,
    LEADING_BOLD,
    LEADING_LINK,
    MD_LINK,
    YEAR,
    add_links,
    authors,
    has_links_only,
    looks_like_venue,
    ordered,
    set_title,
    set_venue,
    split_note,
    venue_text,
    without_links,
)
from chalicelib.importers.acadhomepage.page import (
    MD_IMAGE,
    PageReading,
    media_key,
    plain,
    strip_tags,
)
from chalicelib.importers.acadhomepage.source import Line
from chalicelib.site.content import PAPER_ID
from chalicelib.site.fields import is_url

PAPER_BOX = re.compile(r"class=['\"](?:[^'\"]*\s)?paper-box(?:-[\w-]+)?(?:\s[^'\"]*)?['\"]")
BOX_TEXT = re.compile(r"class=['\"](?:[^'\"]*\s)?paper-box-text(?:\s[^'\"]*)?['\"][^>]*>")
BADGE = re.compile(
    r"<(?P<tag>div|span)\s[^>]*?class=['\"][^'\"]*\bbadge[^'\"]*['\"][^>]*>(?P<venue>.*?)</(?P=tag)>",
    re.S,
)
IMAGE = re.compile(r"<img\s[^<>]*?src=['\"](?P<src>[^'\"<>]+)['\"][^<>]*>", re.S)
# A venue before the title: `CVPR 2024`, **[CVPR 2024]**, [CVPR 2024], <b>CVPR 2024</b>
VENUE_PREFIX = re.compile(
    r"^(?:`+(?P<code>[^`]+)`+|(?:\*\*|<b>|<strong>)\[?(?P<venue>[^*\]<]+)\]?(?:\*\*|</b>|</strong>)"
    r"|\[(?P<bracket>[^\]]+)\](?!\())\s*[:：-]?\s*(?=\[|\*\*)"
)
# After a venue prefix, a title without a link: "Title. A, **B**"
PLAIN_TITLE = re.compile(r"^(?P<title>[^\[\]*]{8,}?)\.\s+(?=\S)")
# The end of a sentence, not of an initial ("A. Lee") or of "et al."
SENTENCE_END = re.compile(r"(?<![A-Z])(?<!\bal)\.\s+")
TRAILING_VENUE = re.compile(
    r"^(?P<name>[^.]{2,}?)\.\s+(?P<venue>[^,]*\b(?:19|20)\d{2}\b[^,]*?)\.?$"
)


def is_paper_start(text: str) -> bool:
    """True for the line that opens a paper box."""
    return bool(PAPER_BOX.search(text))


def box_end(lines: list[Line], start: int) -> int:
    """The index after the line that closes the box opened at `start`."""
    depth = 0
    for index in range(start, len(lines)):
        text = lines[index].text
        depth += len(re.findall(r"<div\b", text)) - len(re.findall(r"</div>", text))
        if depth <= 0:
            return index + 1
    return len(lines)


def paper_from_paragraphs(lines: list[Line], page: PageReading) -> dict | None:
    """A paper as paragraphs (title, authors, venue, links), or None when it is not one."""
    texts = [line.text.strip() for line in lines if line.text.strip()]
    if len(texts) < 2 or not re.search(r",|\band\b|\*\*|<u>", without_links(texts[1])):
        return None
    _note_remote_images(lines, page)
    paper = _from_lines(texts, page)
    return paper if paper.get("title") and paper.get("authors") else None


def _citation(text: str, page: PageReading) -> dict | None:
    """A paper written as a reference: `A. Lee, **B. Chen**. Title. CVPR 2023. [pdf](url)`.

    The part holding the owner's bold name (or several commas) is the authors, the part with a
    year the venue, and the longest other part the title; None when no part is the authors."""
    links: dict = {}
    add_links(links, text)
    sentences = SENTENCE_END.split(without_links(text, keep_bold=True))
    parts = [part.strip() for part in sentences if part.strip(" .")]
    named = [i for i, p in enumerate(parts) if "**" in p or "<u>" in p or p.count(",") >= 2]
    if len(parts) < 3 or not named:
        return None
    who = named[0]
    dated = [i for i, p in enumerate(parts) if i != who and YEAR.search(p)]
    where = dated[-1] if dated else None
    rest = [i for i in range(len(parts)) if i not in (who, where)]
    if not rest:
        return None
    title = max(rest, key=lambda i: len(parts[i]))
    paper: dict = {"title": plain(parts[title]), "authors": authors(parts[who], page)}
    if where is not None:
        set_venue(paper, venue_text(parts[where]))
    extra = [parts[i] for i in rest if i != title]
    if extra:
        paper["description"] = extra
    if links:
        paper["links"] = links
    return ordered(paper)


def _note_remote_images(lines: list[Line], page: PageReading) -> None:
    """Pictures on other hosts (star badges) are left out of papers; the report lists them."""
    for line in lines:
        for found in (*MD_IMAGE.finditer(line.text), *IMAGE.finditer(line.text)):
            if is_url(found.group("src")):
                media_key(found.group("src"), line.place, page)


def paper_from_item(lines: list[Line], page: PageReading) -> dict | None:
    """A paper from a list item, or None when the item is not one."""
    _note_remote_images(lines, page)
    first = BULLET.match(lines[0].text).group("text")
    texts = [first, *(line.text.strip() for line in lines[1:])]
    texts = [text for text in texts if text]
    if not texts:  # an empty item (`- `) holds no paper
        return None
    if len(texts) == 1 or all(BULLET.match(text) for text in texts[1:]):
        paper = _compact(texts[0], page) or _citation(texts[0], page)
        if paper and len(texts) > 1:
            paper["description"] = [BULLET.match(t).group("text").strip() for t in texts[1:]]
        return paper
    if not (LEADING_LINK.match(first) or LEADING_BOLD.match(first)):
        return None
    paper = _from_lines(texts, page)
    return paper if paper.get("title") else None


def paper_from_box(lines: list[Line], page: PageReading) -> dict | None:
    """A featured paper from a paper box; None (the box is kept raw) when it has no title."""
    _note_remote_images(lines, page)
    html = "\n".join(line.text for line in lines)
    start = BOX_TEXT.search(html)
    inside = html[start.end() :] if start else html
    texts = [text.strip() for text in _html_as_lines(inside).split("\n")]
    texts = [t for t in texts if _shows_something(t)]
    if not texts:
        return None
    paper = _from_lines(texts, page)
    if not paper.get("title"):
        return None
    badge = BADGE.search(html)
    if badge:
        label = plain(badge.group("venue"))
        if label and "venue" not in paper:
            set_venue(paper, label)
        elif label and label.casefold() not in paper.get("venue", "").casefold():
            paper["badge"] = label
    image = IMAGE.search(html[: start.start()] if start else html)
    if image:
        media = media_key(image.group("src"), lines[0].place, page)
        if media:
            paper["image"] = media
    around = BADGE.sub("", html[: html.rfind("<", 0, start.start())]) if start else ""
    caption = " ".join(strip_tags(around).split())
    if caption:  # words around the picture (a journal label) stay on the page
        paper["description"] = [caption, *paper.get("description", [])]
    paper["featured"] = True
    return ordered(paper)


def _shows_something(text: str) -> bool:
    return bool(text) and (bool(MD_LINK.search(text)) or not HTML_ONLY.match(text))


def _html_as_lines(html: str) -> str:
    """Hand-written HTML inside a box as markdown-like lines: links, bold, line breaks."""
    html = re.sub(
        r"<a\s[^<>]*?href=['\"](?P<url>[^'\"<>]+)['\"][^<>]*>(?P<label>(?:(?!<a\s).)*?)</a>",
        lambda m: f"[{' '.join(m.group('label').split())}]({m.group('url')})",
        html,
        flags=re.S | re.I,
    )
    html = re.sub(
        r"<br\s*/?>|</?p\b[^>]*>|</?div\b[^>]*>|</?h[1-6]\b[^>]*>", "\n", html, flags=re.I
    )
    html = re.sub(r"<li\b[^>]*>", "\n- ", html, flags=re.I)
    return re.sub(r"</?(?:ul|ol|li)\b[^>]*>", "\n", html, flags=re.I)


def _from_lines(texts: list[str], page: PageReading) -> dict:
    """A paper from its lines: the title first, then authors, venue, links and bullets."""
    texts = [EMPTY_LINK.sub(r"\g<label>", text) for text in texts]
    paper: dict = {}
    links: dict = {}
    description: list[str] = []
    title_line = texts[0]
    rest = set_title(paper, title_line)
    if not rest:  # a plain title: links on its line are the paper's
        add_links(links, title_line)
    todo = ([rest] if rest.strip(" ,.|\\") else []) + texts[1:]
    for text in todo:
        bullet = BULLET.match(text)
        if bullet:
            description.append(bullet.group("text").strip())
            continue
        citation = CITATION_SPAN.search(text)
        if citation and PAPER_ID.match(citation.group("id")):
            paper["scholar_id"] = citation.group("id")
        add_links(links, text)
        remaining = "" if has_links_only(text) else without_links(text)
        if not remaining:
            continue
        if "authors" not in paper and not looks_like_venue(remaining):
            remaining, note = split_note(remaining)
            paper["authors"] = authors(remaining, page, description)
            description.extend([note] if note else [])
        elif "venue" not in paper and not BRACKETED.fullmatch(remaining):
            set_venue(paper, venue_text(remaining))
        else:
            description.append(remaining)
    if links:
        paper["links"] = {k: v for k, v in links.items() if v != paper.get("link")} or None
    if description:
        paper["description"] = description
    return ordered(paper)


def _compact(text: str, page: PageReading) -> dict | None:
    """A paper from `[title](url), A, **B**, **CVPR 2020**` (a leading `VENUE` in backticks too)."""
    text = EMPTY_LINK.sub(r"\g<label>", text)
    paper: dict = {}
    venue = ""
    prefix = VENUE_PREFIX.match(text)
    named = prefix and (prefix.group("venue") or prefix.group("bracket") or "")
    if prefix and (prefix.group("code") or looks_like_venue(f"**{named}**", end=True)):
        venue = (prefix.group("code") or named).strip()
        text = text[prefix.end() :]
    text = MD_IMAGE.sub("", text).strip()
    plain_title = PLAIN_TITLE.match(text) if venue else None
    if plain_title and not (LEADING_LINK.match(text) or LEADING_BOLD.match(text)):
        paper["title"] = plain(plain_title.group("title"))
        rest = text[plain_title.end() :]
    elif not (LEADING_LINK.match(text) or LEADING_BOLD.match(text)):
        return None
    else:
        rest = set_title(paper, text)
    if not paper["title"]:
        return None
    links: dict = {}
    add_links(links, rest)
    citation = CITATION_SPAN.search(rest)
    if citation and PAPER_ID.match(citation.group("id")):
        paper["scholar_id"] = citation.group("id")
    parts = [part.strip() for part in without_links(rest, keep_bold=True).split(",")]
    parts = [part for part in parts if part.strip(" .")]
    if parts and not venue and looks_like_venue(parts[-1], end=True):
        venue = venue_text(parts.pop())
    trailing = TRAILING_VENUE.match(parts[-1]) if parts and not venue else None
    if trailing:  # "..., Bo Chen. CVPR 2023."
        parts[-1], venue = trailing.group("name"), venue_text(trailing.group("venue"))
    if not parts and not venue and not links and "link" not in paper:
        return None
    if parts:
        paper["authors"] = authors(", ".join(parts), page)
    if venue:
        set_venue(paper, venue)
    if links:
        paper["links"] = {k: v for k, v in links.items() if v != paper.get("link")}
    return ordered(paper)
