"""What the site-folder importers share: the folder as two functions, and one merged result (pure).

An importer is given `SiteFolder` (its files read by the caller, confined to the folder) and
returns `Imported`; the about page and `_config.yml` of a Jekyll site go through the AcadHomepage
importer (academicpages and al-folio grew from the same theme), and the parts it does not know
(a `_publications/` folder, `_news/`) are added to its document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import yaml

from chalicelib.importers import Imported, converted_content
from chalicelib.importers.acadhomepage import import_acadhomepage
from chalicelib.importers.acadhomepage.fragment import inline_fragment
from chalicelib.importers.acadhomepage.page import PageReading
from chalicelib.importers.jekyll import front_matter
from chalicelib.site.content import SECTION_KINDS


@dataclass(frozen=True)
class SiteFolder:
    """A site's folder: `read("a/b.md")` gives a file's text or None; `files("a")` the paths of
    the files below a folder, sorted."""

    read: Callable[[str], str | None]
    files: Callable[[str], list[str]]


@dataclass
class Gathered:
    """What a site-folder importer adds to the document of the site's about page."""

    content: dict
    sections: list
    structured: list[str]
    notes: list[str]
    media: list[tuple[str, str]]
    # what the lines `shown` renders name: their pictures (the site's, on other hosts) and links
    page: PageReading = field(default_factory=PageReading)
    kept_raw: list[str] = field(default_factory=list)  # "place: what was kept as written"
    site_address: str = ""  # the old site's address, for links to the files it served


def listed(value: object) -> list:
    """A front-matter value as a list: a list as it is, one value (`authors: Jane Doe`) as a
    list of it, nothing as none, so that no value of another type is iterated."""
    return value if isinstance(value, list) else [value] if value else []


def gathered() -> Gathered:
    """An empty collection of additions."""
    return Gathered({}, [], [], [], [])


def jekyll_base(
    folder: SiteFolder, about_path: str, config_text: str | None = None
) -> tuple[dict, Imported]:
    """(document, report) of a Jekyll site's about page and _config.yml (or the settings given
    as `config_text`); an about page that shows nothing still gives the settings and profile."""
    base = about_path.rpartition("/")[0]
    imported = import_acadhomepage(
        folder.read(about_path) or "",
        folder.read("_config.yml") or "" if config_text is None else config_text,
        about_path,
        "_config.yml",
        read_relative=lambda name: folder.read(f"{base}/{name}" if base else name),
        require_text=False,
    )
    document = yaml.safe_load(imported.text)
    document.setdefault("sections", [])
    return document, imported


def collection_pages(folder: SiteFolder, collection: str) -> list[tuple[str, dict, str]]:
    """(path, front matter, body) of each page of a Jekyll collection (`_news`, `_talks`)."""
    pages = []
    for path in folder.files(collection):
        if path.endswith((".md", ".markdown", ".html")):
            front, body = front_matter(folder.read(path) or "", path)
            pages.append((path, front, body))
    return pages


def merged(document: dict, imported: Imported, more: Gathered, source: str) -> Imported:
    """The document with the additions, as content YAML, and the report of both."""
    for section in more.sections:
        if isinstance(section, str) and section in document.get("sections", []):
            continue
        document.setdefault("sections", []).append(section)
    for kind, entries in more.content.items():
        if kind in document:  # the about page had this part too: the folder's entries follow
            document[kind] = [*document[kind], *entries]
        else:
            document[kind] = entries
    return replace(
        imported,
        text=converted_content(_ordered(document), f"the {source} site"),
        notes=(*imported.notes, *more.notes, *more.page.notes),
        structured=(*imported.structured, *more.structured),
        kept_raw=(*imported.kept_raw, *more.kept_raw),
        media=(*imported.media, *more.media, *more.page.media.items()),
        remote_images=tuple(dict.fromkeys([*imported.remote_images, *more.page.remote_images])),
    )


def _ordered(document: dict) -> dict:
    order = ["site", "profile", "sections", *SECTION_KINDS]
    return {key: document[key] for key in [*order, *document] if key in document}


def date_text(value: object) -> str:
    """A front matter date as the page showed it: `2024-05-01` -> `2024.05.01`, `2024` as is."""
    if isinstance(value, datetime | date):
        return value.strftime("%Y.%m.%d")
    text = str(value or "").strip()
    found = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    return ".".join(found.groups()) if found else text


def sortable_date(value: object) -> str:
    """A front matter date as text that sorts by time (`2024-05-01`, a datetime's ISO form)."""
    return value.isoformat() if isinstance(value, date | datetime) else str(value or "")


def year_of(value: object) -> int | None:
    """The four-digit year a date names, or None."""
    found = re.search(r"\b(1[89]\d\d|20\d\d)\b", date_text(value))
    return int(found.group(1)) if found else None


def shown(text: str, where: str, page: PageReading) -> str:
    """A line of markdown or HTML as the inline HTML its page showed; its pictures and links
    into the old site go to `page`, for the images to copy and the report."""
    return inline_fragment(text, where, page)
