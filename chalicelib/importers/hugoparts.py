"""What a Hugo Blox site shows besides its author and papers (pure): talks (`content/event`), the
home page's widgets (`content/home/*.md`), the author's education and interests, and the links
to files of the site (`url_pdf: /publication/x/paper.pdf`) and markdown in a paper's venue."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from chalicelib.importers.acadhomepage.page import PageReading, plain
from chalicelib.importers.folder import SiteFolder, date_text, listed, sortable_date
from chalicelib.importers.jekyll import front_matter
from chalicelib.site.fields import is_link, is_media_key, is_url

EVENT_FOLDERS = ("content/event", "content/talk")
# Wowchemy's permalinks: a talk page `/talk/x/` is the folder content/event/x
SERVED_AS = {"talk": "event", "talks": "event"}
# home widgets -> the section of dated entries they become
TALK_PAGE = re.compile(r"/[^/]+/index\.md$|/[^_/][^/]*\.md$")  # a page bundle, or one file
MARKDOWN_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


@dataclass
class HugoReading:
    """What the parts read add to the import: files to copy and report lines."""

    folder: SiteFolder
    base_url: str  # the old site's address (`baseURL`), for links to files it alone serves
    page: PageReading
    # a section's folder -> where the site serves its pages (`permalinks: event: /talk/:slug/`)
    served_as: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # the site's file path -> media key


def served_folders(permalinks: object) -> dict[str, str]:
    """`permalinks:` of the site's configuration as section -> served folder, for the simple
    `/talk/:slug/` form (Wowchemy serves content/event/x at /talk/x/)."""
    found = {}
    for section, pattern in permalinks.items() if isinstance(permalinks, dict) else []:
        simple = re.fullmatch(r"/?([\w-]+)/:slug/?", str(pattern))
        if simple:
            found[str(section)] = simple.group(1)
    return found


def text_and_links(markdown: str) -> tuple[str, list[tuple[str, str]]]:
    """A one-line markdown value (a venue) as the text Hugo shows, and the links it holds."""
    links = [(plain(label), url) for label, url in MARKDOWN_LINK.findall(markdown)]
    text = MARKDOWN_LINK.sub(lambda found: found.group(1), markdown)
    return html.unescape(" ".join(plain(text).split())), links


def site_link(url: str, where: str, page_folder: str, reading: HugoReading) -> str:
    """A link of a page as acadpage can keep it: an address as it is; a file of the site copied
    into media/ and linked at the old site's address (acadpage's media serve pictures only);
    "" for what cannot be brought, with a report line either way."""
    url = url.strip()
    if is_url(url) or url.startswith("mailto:"):
        return url
    scheme = ":" in url.split("/", 1)[0]  # javascript:, data: and the like are no site path
    if not url or scheme or url.startswith(("#", "//")) or not is_link("/" + url.lstrip("/")):
        if url:
            reading.page.notes.append(f"{where} {url!r}: not a link; left out")
        return ""
    source = _site_file(url, page_folder, reading.folder)
    served = _served_path(url, page_folder, reading.served_as)
    address = f"{reading.base_url}/{served}" if reading.base_url else ""
    if source:
        key = _file_key(source, reading)
        kept = f"linked at the old site's {address}" if address else "the link left out"
        reading.page.notes.append(
            f"{where} {url!r}: {source} copied to media/{key}, {kept}; acadpage serves only "
            "pictures from media/, so put the file online and link its address"
        )
    elif address:
        reading.page.notes.append(
            f"{where} {url!r}: not in the site's folder; linked at the old site's {address}"
        )
    else:
        reading.page.notes.append(f"{where} {url!r}: not in the site's folder; left out")
    return address


def _served_path(url: str, page_folder: str, served_as: dict[str, str]) -> str:
    """The path the old site served a link at: from its root, or beside its page."""
    if url.startswith("/"):
        return url.lstrip("/")
    parts = page_folder.split("/")[1:]  # content/publication/x -> publication/x
    if parts and parts[0] in served_as:
        parts[0] = served_as[parts[0]]
    if url.split("/", 1)[0] in {"publication", "talk", "event", "uploads", "files"}:
        return url  # written from the site's root, as Hugo then also finds it
    return "/".join([*parts, url])


def _site_file(url: str, page_folder: str, folder: SiteFolder) -> str:
    """The file of the site tree a link names (as Hugo serves it: content, then static), or ""."""
    path = url.split("?", 1)[0].split("#", 1)[0].strip("/")
    first, _, rest = path.partition("/")
    beside = [] if url.startswith("/") else [f"{page_folder}/{path}"]  # a page bundle's file
    candidates = [*beside, f"content/{path}", f"static/{path}"]
    if first in SERVED_AS:
        candidates.append(f"content/{SERVED_AS[first]}/{rest}")
    for candidate in candidates:
        base = candidate.rpartition("/")[0]
        if not base or ".." in candidate.split("/"):
            continue
        names = folder.files(base)
        for name in (candidate, f"{candidate}.pdf"):
            if name in names:
                return name
    return ""


def _file_key(source: str, reading: HugoReading) -> str:
    if source in reading.files:
        return reading.files[source]
    key = PurePosixPath(source).name
    if key in reading.files.values() or not is_media_key(key):
        key = re.sub(r"[^A-Za-z0-9_.-]", "-", source.removeprefix("content/").replace("/", "-"))
    reading.files[source] = key
    return key


def talks(reading: HugoReading) -> list[dict]:
    """Each talk page of `content/event` as a dated entry, newest first as Hugo lists them."""
    found = []
    for root in EVENT_FOLDERS:
        for path in reading.folder.files(root):
            if not TALK_PAGE.search(path):
                continue
            front, _ = front_matter(reading.folder.read(path) or "", path)
            entry = _talk(front, path, reading)
            if entry:
                found.append((sortable_date(front.get("date")), entry))
    found.sort(key=lambda item: item[0], reverse=True)
    return [entry for _, entry in found]


def _talk(front: dict, path: str, reading: HugoReading) -> dict | None:
    title = plain(str(front.get("title") or "")).strip()
    if not title:
        return None
    folder = path.rpartition("/")[0]
    title_link = site_link(str(front.get("event_url") or ""), f"{path} event_url", folder, reading)
    event = escaped(plain(str(front.get("event") or "")))
    link = site_link(str(front.get("url") or ""), f"{path} url", folder, reading) or title_link
    parts = [md_link(f"**{escaped(title)}**", link) if link else f"**{escaped(title)}**"]
    parts += [f"*{event}*" if event else "", escaped(str(front.get("location") or "").strip())]
    text = ", ".join(part for part in parts if part)
    buttons = []
    for name in ("url_pdf", "url_slides", "url_video", "url_code", "url_poster"):
        url = site_link(str(front.get(name) or ""), f"{path} {name}", folder, reading)
        if url:
            buttons.append(md_link(name.removeprefix("url_"), url))
    if buttons:
        text += " " + " ".join(f"\\[{button}\\]" for button in buttons)
    return {"date": date_text(front.get("date")), "text": text}


def md_link(label: str, url: str) -> str:
    """A markdown link whose address holds no bracket or space to end it early."""
    return f"[{label}]({url.replace('(', '%28').replace(')', '%29').replace(' ', '%20')})"


def escaped(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def education(front: dict) -> list[dict]:
    """The author page's `education.courses` as dated entries (year, course, institution)."""
    courses = front.get("education")
    courses = courses.get("courses") if isinstance(courses, dict) else courses
    entries = []
    for course in listed(courses):
        if not isinstance(course, dict):
            continue
        parts = [str(course.get(key) or "").strip() for key in ("course", "institution")]
        text = ", ".join(escaped(part) for part in parts if part)
        if text:
            entries.append({"date": str(course.get("year") or "").strip(), "text": text})
    return [{key: value for key, value in entry.items() if value} for entry in entries]


def interests(front: dict) -> str:
    """The author page's interests as the about widget lists them, as HTML."""
    names = [str(name).strip() for name in listed(front.get("interests")) if str(name).strip()]
    if not names:
        return ""
    items = "".join(f"<li>{html.escape(name)}</li>" for name in names)
    return f"<p><strong>Interests</strong></p>\n<ul>{items}</ul>"
