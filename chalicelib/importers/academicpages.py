"""An academicpages site folder -> acadpage content (pure).

`_pages/about.md` and the `author:` block of `_config.yml` are read as AcadHomepage's (the two
share their theme); each `_publications/*.md` becomes a publication from its front matter (title,
date, venue, paperurl, slidesurl, bibtexurl, citation for the authors, excerpt, category as the
group), each `_talks/*.md` a talk and each `_teaching/*.md` a line of a Teaching section.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from chalicelib.importers import Imported, ImportProblem
from chalicelib.importers.acadhomepage.page import PageReading, plain, strip_tags
from chalicelib.importers.acadhomepage.tree import APA_NAME, MAX_REFERENCE_CHARS, apa_name
from chalicelib.importers.folder import (
    Gathered,
    SiteFolder,
    collection_pages,
    date_text,
    gathered,
    jekyll_base,
    merged,
    shown,
    year_of,
)
from chalicelib.site.fields import is_link

CATEGORIES = {
    "manuscripts": "Journal Articles",
    "conferences": "Conference Papers",
    "books": "Books",
}
LINK_KEYS = (("slidesurl", "slides"), ("bibtexurl", "bibtex"))


def import_academicpages(folder: SiteFolder) -> Imported:
    """Content YAML for an academicpages site, with the import's report."""
    document, imported = jekyll_base(folder, "_pages/about.md")
    more = gathered()
    _add_publications(folder, more)
    _add_talks(folder, more)
    _add_teaching(folder, more)
    if not document["sections"] and not more.sections:
        raise ImportProblem("the site shows nothing to import: no about page, papers or talks")
    # the theme shows `author.avatar` from images/
    pictures = set(folder.files("images"))
    media = tuple(
        (f"images/{path}", key) if f"images/{path}" in pictures else (path, key)
        for path, key in imported.media
    )
    return merged(document, replace(imported, media=media), more, "academicpages")


def _entries(folder: SiteFolder, collection: str) -> list[tuple[str, dict, str]]:
    """(path, front matter, body) of a collection's pages, newest first as the site lists them."""
    found = collection_pages(folder, collection)
    return sorted(found, key=lambda item: date_text(item[1].get("date")), reverse=True)


def _add_publications(folder: SiteFolder, more: Gathered) -> None:
    found = _entries(folder, "_publications")
    papers = [_paper(path, front, more.page) for path, front, _ in found]
    papers = [paper for paper in papers if paper]
    if papers:
        more.sections.append("publications")
        more.content["publications"] = papers
        more.structured.append(f"_publications: publications ({len(papers)})")


def _paper(path: str, front: dict, page: PageReading) -> dict | None:
    """A publication from its page's front matter; its authors from the `citation` line."""
    title = plain(str(front.get("title") or "")).strip()
    if not title:
        return None
    paper: dict = {"title": title}
    if is_link(str(front.get("paperurl") or "")):
        paper["link"] = str(front["paperurl"])
    authors = citation_authors(str(front.get("citation") or ""))
    if authors:
        paper["authors"] = authors
    venue = plain(str(front.get("venue") or "")).strip()
    if venue:
        paper["venue"] = venue
    year = year_of(front.get("date"))
    if year:
        paper["year"] = year
    links = {
        key: str(front[name]) for name, key in LINK_KEYS if is_link(str(front.get(name) or ""))
    }
    if links:
        paper["links"] = links
    excerpt = str(front.get("excerpt") or "").strip()
    if excerpt:
        paper["description"] = [shown(excerpt, path, page)]
    category = str(front.get("category") or "").strip()
    if category:
        paper["group"] = CATEGORIES.get(category, category.replace("_", " ").title())
    return paper


def citation_authors(citation: str) -> list[str]:
    """The authors of a citation line: the names before its `(2023)`, as `Surname, I.` pairs
    (APA) or as names between commas and `and`."""
    text = html.unescape(strip_tags(citation))
    if len(text) > MAX_REFERENCE_CHARS:  # no citation is this long; its patterns would be slow
        return []
    found = re.match(r"^(?P<names>[^()]+?)\s*\((?:19|20)\d{2}[a-z]?\)", text)
    if not found:
        return []
    names = found.group("names").strip(" ,")
    pairs = APA_NAME.findall(names)
    if pairs and len("".join(pairs)) >= len(re.sub(r"[\s,&]|\band\b", "", names)):
        return [apa_name(pair) for pair in pairs]
    parts = re.split(r",\s*(?:and\s+|&\s*)?|\s+and\s+|\s+&\s+", names)
    return [part.strip() for part in parts if part.strip()]


def _add_talks(folder: SiteFolder, more: Gathered) -> None:
    talks = []
    for path, front, _ in _entries(folder, "_talks"):
        parts = [str(front.get(key) or "").strip() for key in ("type", "venue", "location")]
        title = str(front.get("title") or "").strip()
        text = ", ".join(part for part in [f"**{title}**" if title else "", *parts] if part)
        if text:
            talks.append(
                {"date": date_text(front.get("date")), "text": shown(text, path, more.page)}
            )
    if talks:
        more.sections.append("talks")
        more.content["talks"] = talks
        more.structured.append(f"_talks: talks ({len(talks)})")


def _add_teaching(folder: SiteFolder, more: Gathered) -> None:
    lines = []
    for _, front, _ in _entries(folder, "_teaching"):
        parts = [str(front.get(key) or "").strip() for key in ("title", "type", "venue")]
        when = date_text(front.get("date"))
        text = ", ".join(part for part in parts if part)
        if text:
            lines.append(f"- {when}: {text}" if when else f"- {text}")
    if lines:
        markdown = "\n".join(re.sub(r"([*_`\[\]])", r"\\\1", line) for line in lines)
        more.sections.append(
            {"id": "teaching", "title": "Teaching", "icon": "🧑‍🏫", "markdown": markdown}
        )
        more.structured.append(f"_teaching: a Teaching section ({len(lines)} lines)")
