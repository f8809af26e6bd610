"""Papers of an about page -> structured publications (pure).

A paper is a box (`paper-box`, `paper-box-top`, `paper-box-bottom`, or a bare `paper-box-text`
div, its inside written in markdown or in HTML) or a list item (one line, `- [Title](url), A, **B**,
**Venue**`, or several: title, authors, venue and links on their own lines). Sub-headings group
the papers under them.
"""

from __future__ import annotations

import re

from chalicelib.importers.acadhomepage.dated import BULLET, HTML_ONLY, SUB_HEADING, keep_raw
from chalicelib.importers.acadhomepage.page import PageReading, media_key, plain, strip_tags
from chalicelib.importers.acadhomepage.source import Line
from chalicelib.site.content import PAPER_ID, PAPER_LINK_LABELS
from chalicelib.site.fields import is_url

PAPER_BOX = re.compile(r"class=['\"]paper-box[\w-]*['\"]")
BOX_TEXT = re.compile(r"class=['\"]paper-box-text['\"]")
BADGE = re.compile(r"<(?P<tag>div|span)\s+class=['\"]badge['\"]\s*>(?P<venue>.*?)</(?P=tag)>", re.S)
IMAGE = re.compile(r"<img\s[^>]*?src=['\"](?P<src>[^'\"]+)['\"][^>]*>", re.S)
MD_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)[^)]*\)")
CITATION_SPAN = re.compile(
    r"(?:<(?:strong|b)>\s*)?<span\s+class=['\"]show_paper_citations['\"]\s+data=['\"]"
    r"(?P<id>[^'\"]+)['\"]\s*>\s*</span>(?:\s*</(?:strong|b)>)?"
)
MD_LINK = re.compile(r"\[(?P<label>(?:[^\[\]]|\\\[|\\\]|\[[^\]]*\])*)\]\((?P<url>[^)\s]+)\)")
LEADING_LINK = re.compile(r"^\[(?P<title>(?:[^\[\]]|\[[^\]]*\])+?)\]\((?P<url>[^)\s]+)\)")
LEADING_BOLD = re.compile(r"^(\*{2,3}|__)(?P<title>.+?)\1")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
MARKS = re.compile(
    r"(?:\s*(?:\\\*|\*|†|‡|#|\$\^?\{?(?:\\dagger|\\ddagger|\*|\\ast|#)\}?\$|\^\*|\^†))+$"
)
BUTTON_WORDS = re.compile(
    r"^(?:(?:paper|pdf|code|project|page|video|slides?|poster|arxiv|doi|bibtex|bib|html|demo|"
    r"website|data(?:set)?|blog|talk|github|supp\w*|abs|link|openreview|model|media|press|"
    r"huggingface|hf|colab)\b|\W)+",
    re.I,
)
# A venue before the title: `CVPR 2024`, **[CVPR 2024]**, [CVPR 2024], <b>CVPR 2024</b>
VENUE_PREFIX = re.compile(
    r"^(?:`+(?P<code>[^`]+)`+|(?:\*\*|<b>|<strong>)\[?(?P<venue>[^*\]<]+)\]?(?:\*\*|</b>|</strong>)"
    r"|\[(?P<bracket>[^\]]+)\](?!\())\s*[:：-]?\s*(?=\[|\*\*)"
)
# After a venue prefix, a title without a link: "Title. A, **B**"
PLAIN_TITLE = re.compile(r"^(?P<title>[^\[\]*]{8,}?)\.\s+(?=\S)")
EMPTY_LINK = re.compile(r"\[(?P<label>(?:[^\[\]]|\[[^\]]*\])*)\]\(\s*\)")
BRACKETED = re.compile(r"\[.*\]")
AUTHOR_REMARK = re.compile(
    r"\s*\[(?P<remark>\s*[*_]*(?:the\s+)?(?:co-?)?(?:corresponding|equal|first|senior|"
    r"joint)[^\]]*)\](?P<after>\s*(?:,|$|\s+and\s))",
    re.I,
)
TRAILING_VENUE = re.compile(
    r"^(?P<name>[^.]{2,}?)\.\s+(?P<venue>[^,]*\b(?:19|20)\d{2}\b[^,]*?)\.?$"
)
STATUS_WORDS = re.compile(
    r"^(?:accepted|published|to appear|in press|oral|spotlight|poster|under review|submitted)", re.I
)
VENUE_WORDS = re.compile(
    r"arxiv|preprint|journal|conference|proceedings|transactions|workshop|symposium|letters|"
    r"under review|accepted|submitted|in press",
    re.I,
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


def read_papers(lines: list[Line], page: PageReading) -> tuple[list[dict], list[Line]]:
    """(publications, lines that are not papers) of a publications section."""
    papers: list[dict] = []
    raw: list[Line] = []
    group = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.text.strip()
        if is_paper_start(stripped):
            end = box_end(lines, index)
            paper = paper_from_box(lines[index:end], page)
            if paper:
                papers.append({**paper, **({"group": group} if group else {})})
            else:
                raw.extend(lines[index:end])
            index = end
            continue
        heading = SUB_HEADING.match(line.text)
        bullet = BULLET.match(line.text)
        if heading:
            group = plain(strip_tags(heading.group("text")))
            index += 1
        elif bullet and not bullet.group("indent"):
            end = _item_end(lines, index)
            paper = paper_from_item(lines[index:end], page)
            if paper:
                papers.append({**paper, **({"group": group} if group else {})})
            else:
                for kept in lines[index:end]:
                    keep_raw(raw, kept)
            index = end
        elif _is_title_line(stripped):
            end = _paragraph_end(lines, index)
            paper = paper_from_paragraphs(lines[index:end], page)
            if paper:
                papers.append({**paper, **({"group": group} if group else {})})
                index = end
            else:
                keep_raw(raw, line)
                index += 1
        else:
            if not HTML_ONLY.match(stripped):
                keep_raw(raw, line)
            index += 1
    return papers, raw


def _is_title_line(text: str) -> bool:
    """A whole line in bold, or a link leading its line: how a paper written as paragraphs opens."""
    bold = LEADING_BOLD.match(text)
    if bold and bold.end() >= len(text.rstrip(" \\")):
        return True
    link = MD_LINK.match(text)
    return bool(link) and not _is_link_label(link) and len(link.group("label").split()) >= 3


def _paragraph_end(lines: list[Line], start: int) -> int:
    """The index after a paper written as short paragraphs, up to the next paper or heading."""
    index = start + 1
    while index < len(lines):
        text = lines[index].text.strip()
        if SUB_HEADING.match(text) or is_paper_start(text) or BULLET.match(lines[index].text):
            break
        if _is_title_line(text):
            break
        index += 1
    return index


def paper_from_paragraphs(lines: list[Line], page: PageReading) -> dict | None:
    """A paper as paragraphs (title, authors, venue, links), or None when it is not one."""
    texts = [line.text.strip() for line in lines if line.text.strip()]
    if len(texts) < 2 or not re.search(r",|\band\b|\*\*|<u>", _without_links(texts[1])):
        return None
    _note_remote_images(lines, page)
    paper = _from_lines(texts, page, lines[0].place)
    return paper if paper.get("title") and paper.get("authors") else None


def _has_links_only(text: str) -> bool:
    without = MD_IMAGE.sub("", MD_LINK.sub("", CITATION_SPAN.sub("", text)))
    return not re.sub(r"[\s|\\,\[\]]", "", without)


def _item_end(lines: list[Line], start: int) -> int:
    """The index after a list item: its lazy continuation lines and indented sub-bullets."""
    index = start + 1
    while index < len(lines):
        text = lines[index].text
        bullet = BULLET.match(text)
        if not text.strip() or (bullet and not bullet.group("indent")):
            break
        if SUB_HEADING.match(text) or is_paper_start(text):
            break
        index += 1
    return index


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
    if len(texts) == 1 or all(BULLET.match(text) for text in texts[1:]):
        paper = _compact(texts[0], page)
        if paper and len(texts) > 1:
            paper["description"] = [BULLET.match(t).group("text").strip() for t in texts[1:]]
        return paper
    if not (LEADING_LINK.match(first) or LEADING_BOLD.match(first)):
        return None
    paper = _from_lines(texts, page, lines[0].place)
    return paper if paper.get("title") else None


def paper_from_box(lines: list[Line], page: PageReading) -> dict | None:
    """A featured paper from a paper box; None (the box is kept raw) when it has no title."""
    _note_remote_images(lines, page)
    html = "\n".join(line.text for line in lines)
    start = BOX_TEXT.search(html)
    inside = html[start.end() :] if start else html
    inside = inside.split(">", 1)[1] if start and ">" in inside else inside
    texts = [text.strip() for text in _html_as_lines(inside).split("\n")]
    texts = [t for t in texts if _shows_something(t)]
    if not texts:
        page.unread.append(f"{lines[0].place}: a paper box without a title; kept as it is")
        return None
    paper = _from_lines(texts, page, lines[0].place)
    if not paper.get("title"):
        page.unread.append(f"{lines[0].place}: a paper box without a title; kept as it is")
        return None
    badge = BADGE.search(html)
    if badge:
        label = plain(strip_tags(badge.group("venue")))
        if label and "venue" not in paper:
            _set_venue(paper, label)
        elif label and label != paper.get("venue"):
            paper["badge"] = label
    image = IMAGE.search(html[: start.start()] if start else html)
    if image:
        media = media_key(image.group("src"), lines[0].place, page)
        if media:
            paper["image"] = media
    paper["featured"] = True
    return _ordered(paper)


def _shows_something(text: str) -> bool:
    return bool(text) and (bool(MD_LINK.search(text)) or not HTML_ONLY.match(text))


def _html_as_lines(html: str) -> str:
    """Hand-written HTML inside a box as markdown-like lines: links, bold, line breaks."""
    html = re.sub(r"<br\s*/?>|</p>|<p\b[^>]*>|</?div\b[^>]*>", "\n", html, flags=re.I)
    html = re.sub(
        r"<a\s[^>]*?href=['\"](?P<url>[^'\"]+)['\"][^>]*>(?P<label>.*?)</a>",
        lambda m: f"[{m.group('label')}]({m.group('url')})",
        html,
        flags=re.S | re.I,
    )
    html = re.sub(r"<li\b[^>]*>", "\n- ", html, flags=re.I)
    return re.sub(r"</?(?:ul|ol|li)\b[^>]*>", "\n", html, flags=re.I)


def _from_lines(texts: list[str], page: PageReading, place: str) -> dict:
    """A paper from its lines: the title first, then authors, venue, links and bullets."""
    texts = [EMPTY_LINK.sub(r"\g<label>", text) for text in texts]
    paper: dict = {}
    links: dict = {}
    description: list[str] = []
    title_line = texts[0]
    rest = _set_title(paper, title_line)
    if not rest:  # a plain title: links on its line are the paper's
        _add_links(links, title_line)
    todo = ([rest] if rest.strip(" ,.|\\") else []) + texts[1:]
    for text in todo:
        bullet = BULLET.match(text)
        if bullet:
            description.append(bullet.group("text").strip())
            continue
        citation = CITATION_SPAN.search(text)
        if citation and PAPER_ID.match(citation.group("id")):
            paper["scholar_id"] = citation.group("id")
        _add_links(links, text)
        remaining = "" if _has_links_only(text) else _without_links(text)
        if not remaining:
            continue
        if "authors" not in paper and not _looks_like_venue(remaining):
            remaining, note = _split_note(remaining)
            paper["authors"] = authors(remaining, page, description)
            description.extend([note] if note else [])
        elif "venue" not in paper and not BRACKETED.fullmatch(remaining):
            _set_venue(paper, _venue_text(remaining))
        else:
            description.append(remaining)
    if links:
        paper["links"] = {k: v for k, v in links.items() if v != paper.get("link")} or None
    if description:
        paper["description"] = description
    return _ordered(paper)


def _ordered(paper: dict) -> dict:
    """The paper's fields in the content's order; links the page would refuse are left out."""
    if paper.get("link") and not _followable(paper["link"]):
        del paper["link"]
    if paper.get("links"):
        paper["links"] = {k: v for k, v in paper["links"].items() if _followable(v)}
    order = ("title", "link", "authors", "venue", "year", "badge", "image", "featured")
    keys = [*order, *(key for key in paper if key not in order)]
    return {key: paper[key] for key in keys if paper.get(key) not in (None, "", [], {})}


def _followable(url: str) -> bool:
    """An http(s) or mailto URL, or a path on the site (what the content accepts)."""
    return is_url(url) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url)


def _set_title(paper: dict, line: str) -> str:
    """Set the title (and its link) from the title line; return what follows it."""
    line = MD_IMAGE.sub("", line).strip()
    found = LEADING_LINK.match(line)
    if found:
        paper["title"] = plain(strip_tags(found.group("title")))
        paper["link"] = found.group("url")
        return line[found.end() :]
    bold = LEADING_BOLD.match(line)
    if bold:
        inner = bold.group("title")
        linked = LEADING_LINK.match(inner.strip())
        if linked:
            paper["link"] = linked.group("url")
            inner = linked.group("title")
        paper["title"] = plain(strip_tags(inner))
        return line[bold.end() :]
    paper["title"] = plain(strip_tags(_without_links(line) or line))
    return ""


def _compact(text: str, page: PageReading) -> dict | None:
    """A paper from `[title](url), A, **B**, **CVPR 2020**` (a leading `VENUE` in backticks too)."""
    text = EMPTY_LINK.sub(r"\g<label>", text)
    paper: dict = {}
    venue = ""
    prefix = VENUE_PREFIX.match(text)
    named = prefix and (prefix.group("venue") or prefix.group("bracket") or "")
    if prefix and (prefix.group("code") or _looks_like_venue(f"**{named}**", end=True)):
        venue = (prefix.group("code") or named).strip()
        text = text[prefix.end() :]
    text = MD_IMAGE.sub("", text).strip()
    plain_title = PLAIN_TITLE.match(text) if venue else None
    if plain_title and not (LEADING_LINK.match(text) or LEADING_BOLD.match(text)):
        paper["title"] = plain(strip_tags(plain_title.group("title")))
        rest = text[plain_title.end() :]
    elif not (LEADING_LINK.match(text) or LEADING_BOLD.match(text)):
        return None
    else:
        rest = _set_title(paper, text)
    if not paper["title"]:
        return None
    links: dict = {}
    _add_links(links, rest)
    citation = CITATION_SPAN.search(rest)
    if citation and PAPER_ID.match(citation.group("id")):
        paper["scholar_id"] = citation.group("id")
    parts = [part.strip() for part in _without_links(rest, keep_bold=True).split(",")]
    parts = [part for part in parts if part.strip(" .")]
    if parts and not venue and _looks_like_venue(parts[-1], end=True):
        venue = _venue_text(parts.pop())
    trailing = TRAILING_VENUE.match(parts[-1]) if parts and not venue else None
    if trailing:  # "..., Bo Chen. CVPR 2023."
        parts[-1], venue = trailing.group("name"), _venue_text(trailing.group("venue"))
    if not parts and not venue and not links and "link" not in paper:
        return None
    if parts:
        paper["authors"] = authors(", ".join(parts), page)
    if venue:
        _set_venue(paper, venue)
    if links:
        paper["links"] = {k: v for k, v in links.items() if v != paper.get("link")}
    return _ordered(paper)


def _looks_like_venue(text: str, end: bool = False) -> bool:
    """A venue line: one emphasised span (then perhaps `, 2026, Accepted`), or a `<font>` one."""
    inner = re.sub(r"<[^<>]+>", "", text).strip()
    whole = re.fullmatch(r"(\*{1,3}|_{1,3})(?P<v>[^*_]+)\1(?P<after>[\s,.\w()-]*)", inner)
    if whole:
        after = whole.group("after").strip(" ,.")
        if after and not (YEAR.search(after) or STATUS_WORDS.search(after)):
            return False
        venue = whole.group("v")
        return not end or bool(
            YEAR.search(inner) or VENUE_WORDS.search(inner) or re.search(r"[A-Z]{2,}", venue)
        )
    return bool(re.match(r"^(?:\*{1,3})?<font\b", text.strip()))


def _split_note(line: str) -> tuple[str, str]:
    """An author line and its closing remark in parentheses, `(* Corresponding Author)`."""
    found = re.search(r"\s*\((?P<note>[^()]*[A-Za-z]{3}[^()]*)\)\s*\.?$", line)
    if not found or "," in found.group("note"):
        return line, ""
    note = found.group("note").replace("\\*", "*").strip()
    return line[: found.start()], f"({note})"


def _venue_text(text: str) -> str:
    return plain(strip_tags(text)).strip(" ,.|") or text


def _set_venue(paper: dict, venue: str) -> None:
    paper["venue"] = venue
    year = YEAR.search(venue)
    if year:
        paper["year"] = int(year.group())


def authors(line: str, page: PageReading, notes: list[str] | None = None) -> list[str]:
    """Author names as written, marks (`*`, `†`) kept; the owner's (bold, underlined) noted.

    A remark after a name (`**Me** [*the corresponding author*]`) becomes a mark on the name
    and, once, a line in `notes`."""
    line = AUTHOR_REMARK.sub(lambda m: _remark_mark(m, notes), line)
    marked = re.sub(r"</?(?:strong|b|u)>|<span\b[^>]*>|</span>|<font\b[^>]*>|</font>", "**", line)
    marked = strip_tags(marked)
    marked = re.sub(r"\\\*", "⁎", marked)  # an escaped star is a mark, not emphasis
    parts = re.split(r",|;|\s+and\s+|\s+&\s+|、|，", marked)
    names = []
    for part in parts:
        bold = "**" in part or "__" in part
        name = re.sub(r"\*\*|__", "", part).replace("⁎", "*").strip()
        name = re.sub(r"^and\s+", "", name).strip().lstrip(".;: ").rstrip(";: ")
        name = re.sub(r"(?<=[a-z]{2})\.$", "", name) if not name.endswith("al.") else name
        name = name.replace("$^\\dagger$", "†").replace("$^\\ddagger$", "‡").replace("$^*$", "*")
        if not name:
            continue
        mark = MARKS.search(name)
        bare = name[: mark.start()].strip() if mark else name
        if mark:
            name = bare + re.sub(r"[\s\\$^{}]", "", mark.group()).replace("ast", "*")
        names.append(name)
        if bold and bare and bare not in page.owner_names and bare.strip("."):
            page.owner_names.append(bare)
    return names


def _remark_mark(found: re.Match, notes: list[str] | None) -> str:
    remark = plain(strip_tags(found.group("remark")))
    mark = "*" if re.search(r"equal|共同|同等", remark, re.I) else "†"
    line = f"{mark} {remark}"
    if notes is not None and line not in notes:
        notes.append(line)
    return mark + found.group("after")


def _add_links(links: dict, line: str) -> None:
    """Paper links (`[**Code**](url)`) by label; known labels become the content's keys."""
    for found in MD_LINK.finditer(line):
        label_text = found.group("label")
        image = MD_IMAGE.search(label_text)
        url = found.group("url")
        if not (is_url(url) or url.startswith("/")) or url in links.values():
            continue
        label = re.sub(r"[*\\\[\]]", "", MD_IMAGE.sub("", label_text)).strip()
        if not label:
            alt = image.group("alt").strip() if image else ""
            label = alt or ("GitHub" if "github.com" in url else "Link")
        key = label.casefold() if label.casefold() in PAPER_LINK_LABELS else label
        while key in links:
            key = f"{key} +"
        links[key] = url


def _without_links(line: str, keep_bold: bool = False) -> str:
    """The line's text once its links, images, citation spans and separators are taken out."""
    text = CITATION_SPAN.sub("", line)
    text = MD_LINK.sub(lambda m: "" if _is_link_label(m) else m.group(), text)
    text = MD_IMAGE.sub("", text)
    text = re.sub(r"\\\||\s\|\s|\[\s*\]|&nbsp;", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" |,")
    if not keep_bold and not re.sub(r"<[^<>]+>|[*_\s]", "", text):
        return ""
    return text


def _is_link_label(found: re.Match) -> bool:
    """True for a button-like link (`[Paper]`, `[**Code**]`, a picture); False for a name."""
    label = found.group("label")
    if MD_IMAGE.search(label) or not label.strip():
        return True
    words = re.sub(r"[*\\\[\]_]", "", label).strip()
    return bool(BUTTON_WORDS.search(words)) or label.strip().startswith(("[", "*"))
