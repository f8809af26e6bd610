"""The parts of one paper's lines: title, authors and their marks, venue and links (pure)."""

from __future__ import annotations

import re

from chalicelib.importers.acadhomepage.page import MD_IMAGE, PageReading, plain, strip_tags
from chalicelib.site.content import PAPER_LINK_LABELS
from chalicelib.site.fields import is_link

CITATION_SPAN = re.compile(
    r"(?:<(?:strong|b)>\s*)?<span\s+class=['\"]show_paper_citations['\"]\s+data=['\"]"
    r"(?P<id>[^'\"]+)['\"]\s*>\s*</span>(?:\s*</(?:strong|b)>)?"
)
# Brackets inside a label or a URL stop at the next `[`: a run of `[` costs one pass.
MD_LINK = re.compile(r"\[(?P<label>(?:[^\[\]]|\\\[|\\\]|\[[^\[\]]*\])*)\]\((?P<url>[^)\s\[]+)\)")
LEADING_LINK = re.compile(r"^\[(?P<title>(?:[^\[\]]|\[[^\[\]]*\])+?)\]\((?P<url>[^)\s\[]+)\)")
LEADING_BOLD = re.compile(r"^(\*{2,3}|__)(?P<title>.+?)\1")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
MARKS = re.compile(
    r"(?:\s*(?:\\\*|\*|†|‡|#|\$\^?\{?(?:\\dagger|\\ddagger|\*|\\ast|#)\}?\$|\^\*|\^†))+$"
)
# Between two author names; the spaces before `and` are taken from the start of their run only,
# so a run of 100,000 spaces costs one pass, not 100,000
NAME_SEPARATOR = re.compile(r",|;|(?<!\s)\s+(?:and|&)\s+|、|，")
MAX_MARKS_CHARS = 40  # marks after a name are a few characters: looked for in its end only
BUTTON_WORDS = re.compile(
    r"^(?:(?:paper|pdf|code|project|page|video|slides?|poster|arxiv|doi|bibtex|bib|html|demo|"
    r"website|data(?:set)?|blog|talk|github|supp\w*|abs|link|openreview|model|media|press|"
    r"huggingface|hf|colab)\b|\W)+",
    re.I,
)
EMPTY_LINK = re.compile(r"\[(?P<label>(?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*\)")
BRACKETED = re.compile(r"\[.*\]")
AUTHOR_REMARK = re.compile(
    r"(?<!\s)\s*\[(?P<remark>\s*[*_]*(?:the\s+)?(?:co-?)?(?:corresponding|equal|first|senior|"
    r"joint)[^\[\]]*)\](?P<after>\s*(?:,|$|\s+and\s))",
    re.I,
)
STATUS_WORDS = re.compile(
    r"^(?:accepted|published|to appear|in press|oral|spotlight|poster|under review|submitted)", re.I
)
# Words that name where a paper appeared or stands, never a person
VENUE_TERMS = (
    r"arxiv|preprint|journal|conference|proceedings|transactions|workshop|symposium|accepted|"
    r"submitted|in press"
)
VENUE_WORDS = re.compile(rf"{VENUE_TERMS}|letters|under review", re.I)


def has_links_only(text: str) -> bool:
    """True for a line of links and separators only (`[Paper](u) | [Code](v)`)."""
    without = MD_IMAGE.sub("", MD_LINK.sub("", CITATION_SPAN.sub("", text)))
    return not re.sub(r"[\s|\\,\[\]]", "", without)


def ordered(paper: dict) -> dict:
    """The paper's fields in the content's order; links the page would refuse are left out."""
    if paper.get("link") and not is_link(paper["link"]):
        del paper["link"]
    if paper.get("links"):
        paper["links"] = {k: v for k, v in paper["links"].items() if is_link(v)}
    order = ("title", "link", "authors", "venue", "year", "badge", "image", "featured")
    keys = [*order, *(key for key in paper if key not in order)]
    return {key: paper[key] for key in keys if paper.get(key) not in (None, "", [], {})}


def set_title(paper: dict, line: str) -> str:
    """Set the title (and its link) from the title line; return what follows it."""
    line = MD_IMAGE.sub("", line).strip()
    found = LEADING_LINK.match(line)
    if found:
        paper["title"] = plain(found.group("title"))
        paper["link"] = found.group("url")
        return line[found.end() :]
    bold = LEADING_BOLD.match(line)
    if bold:
        inner = bold.group("title")
        linked = LEADING_LINK.match(inner.strip())
        if linked:
            paper["link"] = linked.group("url")
            inner = linked.group("title")
        paper["title"] = plain(inner)
        return line[bold.end() :]
    paper["title"] = plain(without_links(line) or line)
    return ""


def looks_like_venue(text: str, end: bool = False) -> bool:
    """A venue line: one emphasised span (then perhaps `, 2026, Accepted`), or a `<font>` one."""
    inner = strip_tags(text)
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


def split_note(line: str) -> tuple[str, str]:
    """An author line and its closing remark in parentheses, `(* Corresponding Author)`."""
    found = re.search(r"(?<!\s)\s*\((?P<note>[^()]*[A-Za-z]{3}[^()]*)\)\s*\.?$", line)
    if not found or "," in found.group("note"):
        return line, ""
    note = found.group("note").replace("\\*", "*").strip()
    return line[: found.start()], f"({note})"


def venue_text(text: str) -> str:
    """A venue as plain text, its markup and separators removed."""
    text = re.sub(r"\\?\[\s*\\?\]|\(\s*\)", "", text)  # what an emptied `\[[Code](u)\]` leaves
    return plain(text).strip(" ,.|") or text


def set_venue(paper: dict, venue: str) -> None:
    """Set the venue, and the year it names."""
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
    parts = NAME_SEPARATOR.split(marked)
    names = []
    for part in parts:
        bold = "**" in part or "__" in part
        name = re.sub(r"\*\*|__", "", part).replace("⁎", "*").strip()
        name = re.sub(r"^and\s+", "", name).strip().lstrip(".;: ").rstrip(";: ")
        name = re.sub(r"(?<=[a-z]{2})\.$", "", name) if not name.endswith("al.") else name
        name = name.replace("$^\\dagger$", "†").replace("$^\\ddagger$", "‡").replace("$^*$", "*")
        if not name:
            continue
        mark = MARKS.search(name, max(len(name) - MAX_MARKS_CHARS, 0))
        bare = name[: mark.start()].strip() if mark else name
        if mark:
            name = bare + re.sub(r"[\s\\$^{}]", "", mark.group()).replace("ast", "*")
        names.append(name)
        if bold and bare and bare.strip("."):
            page.owner_names.append(bare)
    return names


def _remark_mark(found: re.Match, notes: list[str] | None) -> str:
    remark = plain(found.group("remark"))
    mark = "*" if re.search(r"equal|共同|同等", remark, re.I) else "†"
    line = f"{mark} {remark}"
    if notes is not None and line not in notes:
        notes.append(line)
    return mark + found.group("after")


def add_links(links: dict, line: str) -> None:
    """Paper links (`[**Code**](url)`) by label; known labels become the content's keys."""
    for found in MD_LINK.finditer(line):
        label_text = found.group("label")
        image = MD_IMAGE.search(label_text)
        url = found.group("url")
        if not is_link(url) or url in links.values():
            continue
        label = re.sub(r"[*\\\[\]]", "", MD_IMAGE.sub("", label_text)).strip()
        if not label:
            alt = image.group("alt").strip() if image else ""
            label = alt or ("GitHub" if "github.com" in url else "Link")
        add_link(links, label, url)


def link_key(label: str) -> str:
    """The content's key for a link label: a known button (`PDF`) as its key, another as written."""
    folded = label.casefold()
    return folded if folded in PAPER_LINK_LABELS else label


def add_link(links: dict, label: str, url: str) -> None:
    """The link under its label's key; a label used already gets ` +` until the key is free."""
    key = link_key(label)
    while key in links:
        key = f"{key} +"
    links[key] = url


def without_links(line: str, keep_bold: bool = False) -> str:
    """The line's text once its links, images, citation spans and separators are taken out."""
    text = CITATION_SPAN.sub("", line)
    text = MD_LINK.sub(lambda m: "" if is_link_label(m) else m.group(), text)
    text = MD_IMAGE.sub("", text)
    text = re.sub(r"\\\||\s\|\s|\[\s*\]|&nbsp;", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" |,")
    if not keep_bold and not re.sub(r"[*_\s]", "", strip_tags(text)):
        return ""
    return text


def is_link_label(found: re.Match) -> bool:
    """True for a button-like link (`[Paper]`, `[**Code**]`, a picture); False for a name."""
    label = found.group("label")
    if MD_IMAGE.search(label) or not label.strip():
        return True
    words = re.sub(r"[*\\\[\]_]", "", label).strip()
    return bool(BUTTON_WORDS.search(words)) or label.strip().startswith(("[", "*"))
