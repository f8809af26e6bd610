"""Dated sections (news, awards, education, ...) -> dated entries, the rest kept raw (pure).

Entries come as markdown list items (`- *2022.02*: text`, `- 2024.05<TAB>text`, `- 2023 - text`),
as HTML list items (`<li><strong>[2026.02]</strong> text</li>`), or as a bold header line or a
sub-heading with bullets under it (an internship and its tasks), which become the entry's details.
"""

from __future__ import annotations

import re

from chalicelib.importers.acadhomepage.fragment import LINK_OR_PICTURE
from chalicelib.importers.acadhomepage.page import strip_tags
from chalicelib.importers.acadhomepage.source import Line

MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
ONE_DATE = (
    rf"(?:{MONTH}\s*)?(?:19|20)\d{{2}}(?:[./-]\d{{1,2}}){{0,2}}(?:年(?:\d{{1,2}}月)?(?:\d{{1,2}}日)?)?"
    rf"(?:\s*{MONTH})?"
)
RANGE_END = r"(?:" + ONE_DATE + r"|now|present|today|current|至今|现在)"
DATE = rf"{ONE_DATE}(?:\s*(?:-|–|—|~|to|至)\s*{RANGE_END})?(?:\s*\((?:now|present)\))?"
BARE_DATE = re.compile(rf"^(?P<date>{DATE})(?:\s*[:：,，]\s*|\t+\s*|\s+[-–—]\s+)(?P<text>\S.*)$")
SPACED_DATE = re.compile(
    r"^(?P<date>(?:19|20)\d{2}[./-]\d{1,2}(?:[./-]\d{1,2})?)\s+(?P<text>\S.*)$"
)
EMPHASIS_DATE = re.compile(
    r"^(\*{1,2}|_{1,2})(?P<date>[^*_]*\d[^*_]*)\1\s*[:：,，]?\s*(?P<text>.*)$"
)
BRACKET_DATE = re.compile(
    rf"^(?:<[a-z]+\b[^>]*>\s*)?[\[(（【](?P<date>{DATE})[\])）】](?:\s*</[a-z]+>)?"
    r"\s*[:：,，-]?\s*(?P<text>.*)$"
)
TAG_DATE = re.compile(
    rf"^<(?P<tag>[a-z]+)\b[^>]*>\s*(?P<date>{DATE})\s*[:：]?\s*</(?P=tag)>\s*[:：,，-]?\s*(?P<text>.*)$"
)
BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d{1,3}[.)])\s+(?P<text>.*)$")
SUB_HEADING = re.compile(r"^\s*#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
BOLD_LINE = re.compile(r"^\s*(?P<mark>\*{2,3}|__)(?P<text>.+)(?P=mark)\s*$")
HTML_ONLY = re.compile(r"^\s*(</?[a-zA-Z][^>]*>\s*)+$")
# `<details><summary>More</summary>` around older entries: a fold of the list, not an entry's text
FOLD = re.compile(r"(?:\s*(?:</?details\b[^>]*>|<summary\b[^>]*>[^<]{0,80}</summary>))+\s*", re.I)
# A thematic break (`---`, `___`, `* * *`): a line across the page, no text
RULE = re.compile(r"^ {0,3}([-_*])(?:[ \t]*\1){2,}[ \t]*$")
LIST_ITEM = re.compile(r"<li\b[^>]*>(?P<inner>.*?)</li>", re.S | re.I)


def split_date(text: str) -> dict:
    """{date, text} of one entry's text; without a date as written, {text} alone."""
    text = text.strip()
    for pattern in (EMPHASIS_DATE, BRACKET_DATE, TAG_DATE, BARE_DATE, SPACED_DATE):
        found = pattern.match(text)
        if found and found.group("text").strip():
            date = found.group("date").strip()
            if date[:1] in "[(【（" and date[-1:] in "])】）":
                date = date[1:-1].strip()
            return {"date": date, "text": found.group("text").strip()}
    return {"text": text}


def read_dated(lines: list[Line]) -> list[dict]:
    """The entries of markdown or HTML list items, in order, with the text between them as
    entries marked `_note`; each holds the lines it was read from under `_lines`, for its check
    against them. [] when no item is an entry."""
    if any(LIST_ITEM.search(line.text) or "<li" in line.text for line in lines):
        return _html_entries(lines)
    return _markdown_entries(lines)


def _markdown_entries(lines: list[Line]) -> list[dict]:
    entries: list[dict] = []
    raw: list[Line] = []
    header: dict | None = None  # an entry whose details the next top-level bullets are
    last: dict | None = None  # where a lazy continuation line belongs
    bullets = [BULLET.match(line.text) for line in lines]
    base = min((len(b.group("indent")) for b in bullets if b), default=0)
    for line in lines:
        text = line.text
        stripped = text.strip()
        if not stripped:
            last = None
            keep_raw(raw, line)
            continue
        shows = LINK_OR_PICTURE.search(stripped)  # a link or a picture on a line of its own
        if (
            (HTML_ONLY.match(stripped) and not shows)
            or FOLD.fullmatch(stripped)
            or RULE.match(stripped)
        ):
            continue
        bullet = BULLET.match(text)
        heading = SUB_HEADING.match(text)
        bold = BOLD_LINE.match(text)
        if bullet and (len(bullet.group("indent")) >= base + 2 or header) and entries:
            details = entries[-1].setdefault("details", [])
            details.append(bullet.group("text").strip())
            entries[-1]["_lines"].append(line)
            last = {"details": details}
        elif bullet:
            _add_note(entries, raw)
            last = {**split_date(bullet.group("text")), "_lines": [line]}
            entries.append(last)
            header = None
        elif heading or (bold and not stripped.startswith(("-", "+"))):
            inner = heading.group("text") if heading else bold.group("text").strip()
            entry = split_date(inner.strip())
            if "date" not in entry:
                entry = split_date(inner.strip("*_ "))
            if bold and not heading:
                entry["text"] = f"**{entry['text'].strip('*_ ')}**"
            _add_note(entries, raw)
            entries.append({**entry, "_lines": [line]})
            header = last = entries[-1]
        elif last is not None:
            _continue(last, stripped)
            entries[-1]["_lines"].append(line)
        else:
            keep_raw(raw, line)
            header = None
    _add_note(entries, raw)
    return _with_an_entry([entry for entry in entries if entry.get("text")])


def _add_note(entries: list[dict], raw: list[Line]) -> None:
    """The text since the last entry, as an entry of its own in its place (`_note`)."""
    if any(line.text.strip() for line in raw):
        entries.append({"text": " ".join(line.text.strip() for line in raw), "_note": True})
        entries[-1]["_lines"] = _trimmed(list(raw))
    raw.clear()


def _with_an_entry(entries: list[dict]) -> list[dict]:
    """The entries, or [] when all of them are text between entries."""
    return entries if any(not entry.get("_note") for entry in entries) else []


def keep_raw(raw: list[Line], line: Line) -> None:
    """Keep a line for the raw section; blank lines only between kept ones (they end blocks)."""
    if line.text.strip() or (raw and raw[-1].text.strip()):
        raw.append(line)


def _trimmed(raw: list[Line]) -> list[Line]:
    while raw and not raw[-1].text.strip():
        raw.pop()
    return raw


def _continue(entry: dict, text: str) -> None:
    """A lazy continuation line: it belongs to the item above."""
    if "details" in entry and "text" not in entry:
        entry["details"][-1] += " " + text
    else:
        entry["text"] = f"{entry.get('text', '')} {text}".strip()


def _html_entries(lines: list[Line]) -> list[dict]:
    joined = "\n".join(line.text for line in lines)
    entries: list[dict] = []
    done = 0  # where the text after the last item starts
    for found in [*LIST_ITEM.finditer(joined), None]:
        between = joined[done : found.start() if found else len(joined)]
        _add_note(entries, _text_lines(between, joined.count("\n", 0, done), lines))
        if found is None:
            break
        done = found.end()
        inner = re.sub(r"\s+", " ", found.group("inner")).strip()
        if inner:
            place = lines[joined.count("\n", 0, found.start())].place
            entries.append({**split_date(inner), "_lines": [Line(place, inner)]})
    return _with_an_entry(entries)


def _text_lines(html: str, first: int, lines: list[Line]) -> list[Line]:
    """HTML between list items as one line, at the page line where its text starts (`first`: the
    index of the page line it opens on); [] when it shows no text (a fold's "More" shows none)."""
    html = "\n".join("" if RULE.match(text) else text for text in html.split("\n"))  # no text
    for number, text in enumerate(html.split("\n")):
        if strip_tags(FOLD.sub(" ", text)):
            # a fold's tags go, its line breaks stay: they end the HTML blocks around them
            unfolded = FOLD.sub(lambda fold: "\n" * fold.group().count("\n") or " ", html)
            return [Line(lines[first + number].place, unfolded.strip())]
    return []
