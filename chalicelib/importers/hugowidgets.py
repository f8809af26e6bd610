"""The widgets of a Hugo Blox home page (`content/home/*.md`) -> acadpage sections (pure): an
`accomplishments` list, an `experience` list, a news body of `**2024.07** text` lines, and a
body of text as a section kept as written; each widget not imported is named in the report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chalicelib.importers.acadhomepage.fragment import fragment_html
from chalicelib.importers.acadhomepage.page import plain
from chalicelib.importers.acadhomepage.source import Line
from chalicelib.importers.folder import date_text, shown
from chalicelib.importers.hugoparts import HugoReading, escaped, md_link, site_link
from chalicelib.importers.jekyll import front_matter

# what a widget is by its file's name or its title -> the section of dated entries it becomes
KINDS = {
    "news": "news",
    "award": "awards",
    "awards": "awards",
    "accomplishments": "awards",
    "service": "service",
    "experience": "internships",
    "education": "education",
    "talks": "talks",
}
# widgets whose content comes from elsewhere (the author page, the paper and talk folders)
SHOWN_ELSEWHERE = {"about", "pages", "collection", "featured", "portfolio", "hero"}
SHORTCODE_CALL = re.compile(r"\{\{[<%].*?[%>]\}\}", re.S)
SHORTCODE = re.compile(r"\{\{[<%]\s*(\w[\w-]*)")
DATED_LINE = re.compile(
    r"^(?:<br\s*/?>\s*)*\*\*(?P<date>[\d./ ~-]{4,24})\*\*(?:\s|&nbsp;|&#160;)*(?P<text>.+)$"
)


@dataclass
class Widgets:
    """The sections the home page's widgets give, in the page's order, and their report."""

    sections: list = field(default_factory=list)
    content: dict = field(default_factory=dict)
    structured: list[str] = field(default_factory=list)
    kept_raw: list[str] = field(default_factory=list)


def home_widgets(reading: HugoReading, taken: set[str]) -> Widgets:
    """The widgets of `content/home` in their `weight` order; `taken` holds the section types
    already filled (a second news widget is kept as written)."""
    widgets = Widgets()
    pages = []
    for path in reading.folder.files("content/home"):
        if path.endswith(".md") and path.count("/") == 2 and not path.endswith("/index.md"):
            front, body = front_matter(reading.folder.read(path) or "", path)
            pages.append((_weight(front.get("weight")), path, front, body))
    for _, path, front, body in sorted(pages, key=lambda page: page[:2]):
        _add_widget(path, front, body.strip(), reading, widgets, taken)
    return widgets


def _weight(value: object) -> float:
    try:
        return float(str(value))
    except ValueError:
        return 1000.0


def _add_widget(path, front: dict, body: str, reading: HugoReading, widgets, taken) -> None:
    widget = str(front.get("widget") or "").strip()
    name = path.rpartition("/")[2].removesuffix(".md")
    title = plain(str(front.get("title") or "")).strip() or name.replace("_", " ").title()
    if front.get("active") is False:
        reading.page.notes.append(f"{path}: a hidden widget (active: false); not imported")
        return
    if widget in SHOWN_ELSEWHERE or name.startswith("publication"):
        return  # the author page, papers and talks are read from their own folders
    kind = KINDS.get(name) or KINDS.get(title.lower()) or KINDS.get(widget)
    entries = _entries(path, front, body, reading)
    if kind and entries and kind not in taken:
        taken.add(kind)
        widgets.sections.append({"type": kind, "title": title})
        widgets.content[kind] = entries
        widgets.structured.append(f"{path}: {title} ({len(entries)} entries)")
        return
    shown = _shown(body, path, reading)
    if not entries and not shown:
        reading.page.notes.append(
            f"{path}: a {widget or 'home page'!r} widget that acadpage has no section for; "
            "not imported"
        )
        return
    text = shown or "\n".join(_line(entry) for entry in entries)
    anchor = re.sub(r"[^a-z0-9_-]+", "-", title.lower()).strip("-") or "section"
    widgets.sections.append({"id": anchor, "title": title, "markdown": text})
    widgets.kept_raw.append(f"{path}: {title}, as its page writes it")


def _shown(body: str, path: str, reading: HugoReading) -> str:
    """A widget's body as the HTML its page showed, without Hugo's shortcodes (named)."""
    codes = sorted(set(SHORTCODE.findall(body)))
    if codes:
        reading.page.notes.append(f"{path}: Hugo shortcodes left out: {', '.join(codes)}")
    body = SHORTCODE_CALL.sub("", body)
    return fragment_html([Line(path, line) for line in body.split("\n")], reading.page)


def _line(entry: dict) -> str:
    return f"- {entry['date']}: {entry['text']}" if entry.get("date") else f"- {entry['text']}"


def _entries(path: str, front: dict, body: str, reading: HugoReading) -> list[dict]:
    """The widget's items (`item:`, `experience:`), else its body when each line is a dated one."""
    items = front.get("item") or front.get("experience")
    if isinstance(items, list):
        found = [_item(item, f"{path} item {i + 1}", reading) for i, item in enumerate(items)]
        return [entry for entry in found if entry]
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    matched = [DATED_LINE.match(line) for line in lines]
    if not lines or not all(matched):
        return []
    page = reading.page  # each line as its page showed it: pictures copied, site links named
    return [
        {"date": found["date"].strip(), "text": shown(found["text"].strip(), path, page)}
        for found in matched
    ]


def _item(item: object, where: str, reading: HugoReading) -> dict | None:
    """An accomplishment or a job: title (linked), organization or company, location, dates."""
    if not isinstance(item, dict):
        return None
    title = escaped(plain(str(item.get("title") or "")))
    if not title:
        return None
    folder = where.rpartition("/")[0]
    url = site_link(str(item.get("url") or ""), f"{where} url", folder, reading)
    parts = [md_link(f"**{title}**", url) if url else f"**{title}**"]
    place = escaped(plain(str(item.get("organization") or item.get("company") or "")))
    place_url = str(item.get("organization_url") or item.get("company_url") or "")
    place_url = site_link(place_url, f"{where} url", folder, reading) if place else ""
    parts.append(md_link(place, place_url) if place_url else place)
    parts.append(escaped(str(item.get("location") or "").strip()))
    start, end = date_text(item.get("date_start")), date_text(item.get("date_end"))
    entry = {"date": f"{start} - {end}" if start and end else start or end}
    entry["text"] = ", ".join(part for part in parts if part)
    description = str(item.get("description") or "").strip()
    if description:
        entry["details"] = [p.strip() for p in re.split(r"<br\s*/?>|\n", description) if p.strip()]
    return {key: value for key, value in entry.items() if value}
