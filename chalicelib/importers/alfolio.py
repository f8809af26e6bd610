"""An al-folio site folder -> acadpage content (pure).

`_pages/about.md` is the about text, its front matter's `profile.image` the avatar; the owner's
name comes from `_config.yml` (`first_name`, `last_name`, and `scholar:` for the forms papers
highlight), the profile links from `_data/socials.yml` (or the older keys in `_config.yml`);
`_news/*.md` become news and `_bibliography/papers.bib` the publications.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import yaml

from chalicelib.importers import Imported, ImportProblem
from chalicelib.importers.bibtex import import_bibtex
from chalicelib.importers.folder import (
    Gathered,
    SiteFolder,
    collection_pages,
    gathered,
    jekyll_base,
    listed,
    merged,
    shown,
)
from chalicelib.importers.jekyll import front_matter, jekyll_yaml

# al-folio's socials -> the author keys AcadHomepage (and so acadpage's importer) reads
SOCIAL_KEYS = {
    "email": "email",
    "scholar_userid": "googlescholar",
    "github_username": "github",
    "orcid_id": "orcid",
    "linkedin_username": "linkedin",
    "x_username": "twitter",
    "twitter_username": "twitter",
    "research_gate_profile": "researchgate",
    "semanticscholar_id": "semanticscholar",
    "dblp_url": "dblp",
    "work_url": "uri",
}


def import_alfolio(folder: SiteFolder) -> Imported:
    """Content YAML for an al-folio site, with the import's report."""
    config = _mapping(folder, "_config.yml")
    socials = {**config, **_mapping(folder, "_data/socials.yml")}
    about_front, _ = front_matter(folder.read("_pages/about.md") or "", "_pages/about.md")
    author = _author(config, socials, about_front)
    config_text = yaml.safe_dump({**_plain_settings(config), "author": author}, allow_unicode=True)
    document, imported = jekyll_base(folder, "_pages/about.md", config_text)
    more = gathered()
    _add_news(folder, more)
    _add_papers(folder, more)
    names = _highlighted_names(config)
    if names:
        known = document["profile"].setdefault("author_names", [document["profile"]["name"]])
        known.extend(name for name in names if name not in known)
    if not document["sections"] and not more.sections:
        raise ImportProblem("the site shows nothing to import: no about page, news or papers")
    return merged(document, imported, more, "al-folio")


def _mapping(folder: SiteFolder, path: str) -> dict:
    text = folder.read(path)
    found = jekyll_yaml(text, path) if text else None
    return found if isinstance(found, dict) else {}


def _plain_settings(config: dict) -> dict:
    """The site settings AcadHomepage's reader takes (title, description, url, analytics)."""
    keys = ("title", "description", "url", "google_analytics", "lang")
    settings = {key: config[key] for key in keys if isinstance(config.get(key), str)}
    if "google_analytics" in settings:
        settings["google_analytics_id"] = settings.pop("google_analytics")
    if "title" not in settings or settings["title"].strip() in ("", "blank"):
        settings["title"] = _full_name(config)
    return settings


def _full_name(config: dict) -> str:
    parts = (config.get(key) for key in ("first_name", "middle_name", "last_name"))
    return " ".join(str(part).strip() for part in parts if part and str(part).strip())


def _author(config: dict, socials: dict, about_front: dict) -> dict:
    """An AcadHomepage `author:` block from al-folio's name, socials and profile picture."""
    author: dict = {"name": _full_name(config)}
    for key, kind in SOCIAL_KEYS.items():
        value = socials.get(key)
        if isinstance(value, str | int) and str(value).strip() and kind not in author:
            author[kind] = str(value).strip()
    profile = about_front.get("profile")
    image = profile.get("image") if isinstance(profile, dict) else None
    if isinstance(image, str) and image.strip():
        author["avatar"] = f"assets/img/{image.strip()}"
    return author


def _highlighted_names(config: dict) -> list[str]:
    """The forms of the owner's name al-folio highlights (`scholar:` `last_name`, `first_name`)."""
    scholar = config.get("scholar")
    if not isinstance(scholar, dict):
        return []
    lasts = [str(n) for n in listed(scholar.get("last_name"))]
    firsts = [str(n) for n in listed(scholar.get("first_name"))]
    return [f"{first} {last}" for last in lasts for first in firsts]


def _add_news(folder: SiteFolder, more: Gathered) -> None:
    items = []
    for path, front, body in collection_pages(folder, "_news"):
        inline = front.get("inline", True) is not False
        text = body.strip() if inline else str(front.get("title") or "").strip()
        if not text:
            continue
        when = front.get("date")
        items.append(
            (_sortable(when), {"date": _shown_date(when), "text": shown(text, path, more.page)})
        )
    if items:
        items.sort(key=lambda item: item[0], reverse=True)
        more.sections.append("news")
        more.content["news"] = [entry for _, entry in items]
        more.structured.append(f"_news: news ({len(items)} entries)")


def _sortable(value: object) -> str:
    return value.isoformat() if isinstance(value, date | datetime) else str(value or "")


def _shown_date(value: object) -> str:
    """The date as al-folio's news list shows it (`Jul 20, 2022`)."""
    text = str(value or "").strip()
    written = re.match(r"^\d{4}-\d{2}-\d{2}", text)
    if written and not isinstance(value, date):
        value = datetime.strptime(written.group(), "%Y-%m-%d")
    if isinstance(value, datetime | date):
        return value.strftime("%b %d, %Y").replace(" 0", " ")
    return text


def _add_papers(folder: SiteFolder, more: Gathered) -> None:
    path = "_bibliography/papers.bib"
    text = folder.read(path)
    if not text:
        return
    converted = import_bibtex(text, path)
    papers = yaml.safe_load(converted.text)["publications"]
    more.sections.append("publications")
    more.content["publications"] = papers
    more.structured.append(f"{path}: publications ({len(papers)})")
    more.notes.extend(note for note in converted.notes if "copy the image" not in note)
    more.media.extend(
        (f"assets/img/publication_preview/{paper['image']}", paper["image"])
        for paper in papers
        if paper.get("image")
    )
