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
from chalicelib.importers.acadhomepage.page import plain
from chalicelib.importers.alfolio_template import SHIPPED_ABOUT, with_emoji, without_shipped
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
    sortable_date,
)
from chalicelib.importers.jekyll import front_matter, jekyll_yaml
from chalicelib.site.fields import is_media_key

# a button of al-folio's bib layout naming a file of the site's assets/pdf/ (`pdf={x.pdf},`)
SITE_FILE_FIELD = re.compile(
    r"(?im)(?P<head>^[ \t]*(?P<field>pdf|poster|slides|supp)[ \t]*=[ \t]*[{\"])"
    r"(?P<value>[^{}\"\n]*)(?P<tail>[}\"][ \t]*,?)"
)
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
    more = gathered()
    config = without_shipped(_mapping(folder, "_config.yml"), "_config.yml", more.notes)
    shared = without_shipped(_mapping(folder, "_data/socials.yml"), "_data/socials.yml", more.notes)
    socials = {**config, **shared}
    about_front, _ = front_matter(folder.read("_pages/about.md") or "", "_pages/about.md")
    author = _author(config, socials, about_front, more.notes)
    if not author["name"] and not _named_by_title(config):
        more.notes.append(
            "_config.yml: the owner's name is not set (first_name, last_name); the profile has "
            "a placeholder name: set profile.name"
        )
    config_text = yaml.safe_dump({**_plain_settings(config), "author": author}, allow_unicode=True)
    document, imported = jekyll_base(folder, "_pages/about.md", config_text)
    if _shows_news(about_front):
        _add_news(folder, more)
    elif folder.files("_news"):
        more.notes.append(
            f"_news: {len(folder.files('_news'))} items not imported: _pages/about.md does not "
            "show news (news: false)"
        )
    _add_papers(folder, more, _site_address(folder, config))
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
    """The owner's name: `first_name` ... `last_name`, or an older al-folio's `name`."""
    parts = (config.get(key) for key in ("first_name", "middle_name", "last_name"))
    name = " ".join(str(part).strip() for part in parts if part and str(part).strip())
    return name or str(config.get("name") or "").strip()


def _named_by_title(config: dict) -> bool:
    """True when the site's title stands for the name (al-folio shows it as the name)."""
    return str(config.get("title") or "").strip() not in ("", "blank")


def _shows_news(about_front: dict) -> bool:
    """Whether the about page lists the news: `news:` (older) or `announcements: enabled:`."""
    shown = about_front.get("announcements")
    if isinstance(shown, dict) and shown.get("enabled") is False:
        return False
    return about_front.get("news", True) is not False


def _site_address(folder: SiteFolder, config: dict) -> str:
    """Where the old site is served (`url` and `baseurl`, or its CNAME), or "" when unknown."""
    host = str(config.get("url") or "").strip().rstrip("/")
    if not host:
        cname = (folder.read("CNAME") or "").strip().split("\n")[0].strip()
        host = f"https://{cname}" if re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}", cname) else ""
    base = str(config.get("baseurl") or "").strip().strip("/")
    return f"{host}/{base}" if host and base else host


def _own(front: dict, key: str, notes: list[str]) -> str:
    """An about page's text setting, "" when it is the demo's (named in `notes`)."""
    text = str(front.get(key) or "").strip()
    if SHIPPED_ABOUT.search(plain(text)):
        notes.append(f"_pages/about.md {key}: {plain(text)!r} is al-folio's own example; left out")
        return ""
    return text


def _author(config: dict, socials: dict, about_front: dict, notes: list[str]) -> dict:
    """An AcadHomepage `author:` block from al-folio's name, socials and profile picture."""
    author: dict = {"name": _full_name(config)}
    for key, kind in SOCIAL_KEYS.items():
        value = socials.get(key)
        if isinstance(value, str | int) and str(value).strip() and kind not in author:
            author[kind] = str(value).strip()
    profile = about_front.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    image = profile.get("image")
    if isinstance(image, str) and image.strip():
        author["avatar"] = f"assets/img/{image.strip()}"
    subtitle = [plain(part) for part in _own(about_front, "subtitle", notes).split("|")]
    if len(subtitle) == 2 and all(subtitle):  # `Position | Affiliation`, as al-folio's demo
        author["bio"], author["employer"] = subtitle
    elif any(subtitle):
        author["bio"] = " ".join(" | ".join(subtitle).split())
    address = _own(profile, "more_info", notes) or _own(profile, "address", notes)
    lines = re.split(r"</p>|<br\s*/?>|\n", address)
    place = [plain(line).strip(" ,") for line in lines]
    if any(place):
        author["location"] = ", ".join(line for line in place if line)
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
        text = with_emoji(text, path, more.notes)
        when = front.get("date")
        items.append(
            (sortable_date(when), {"date": _shown_date(when), "text": shown(text, path, more.page)})
        )
    if items:
        items.sort(key=lambda item: item[0], reverse=True)
        more.sections.append("news")
        more.content["news"] = [entry for _, entry in items]
        more.structured.append(f"_news: news ({len(items)} entries)")


def _shown_date(value: object) -> str:
    """The date as al-folio's news list shows it (`Jul 20, 2022`)."""
    text = str(value or "").strip()
    written = re.match(r"^\d{4}-\d{2}-\d{2}", text)
    if written and not isinstance(value, date):
        value = datetime.strptime(written.group(), "%Y-%m-%d")
    if isinstance(value, datetime | date):
        return value.strftime("%b %d, %Y").replace(" 0", " ")
    return text


def _newest_first(paper: dict) -> int:
    year = paper.get("year")
    return -year if isinstance(year, int) else 0


def _add_papers(folder: SiteFolder, more: Gathered, address: str) -> None:
    """The bibliography in al-folio's order (newest year first, as jekyll-scholar groups it);
    the files its buttons name in assets/pdf/ copied into media/ and linked on the old site."""
    path = "_bibliography/papers.bib"
    text = folder.read(path)
    if not text:
        return
    pdfs = set(folder.files("assets/pdf"))
    found: list[str] = []

    def site_file(match: re.Match) -> str:
        field, name = match.group("field"), match.group("value").strip()
        if "://" in name or not name:
            return match.group()
        source = f"assets/pdf/{name.lstrip('/').removeprefix('assets/pdf/')}"
        key = source.rpartition("/")[2]
        elsewhere = [pdf for pdf in pdfs if pdf.endswith(f"/{key}")]
        state = f"copied to media/{key}"
        if source not in pdfs and len(elsewhere) == 1:  # the old site linked a file it lacked
            state = f"not in assets/pdf/ (so the old link failed); {elsewhere[0]} {state}"
        copy = source if source in pdfs else elsewhere[0] if len(elsewhere) == 1 else ""
        if copy and is_media_key(key):
            found.append(copy)
        else:
            state = "not found in assets/pdf/"
        kept = f"linked at the old site's {address}/{source}" if address else "the link left out"
        more.notes.append(
            f"{path} {field} {name!r}: {state}, {kept}; acadpage serves only pictures from "
            "media/, so put the file online and link its address"
        )
        return f"{match.group('head')}{address}/{source}{match.group('tail')}" if address else ""

    converted = import_bibtex(SITE_FILE_FIELD.sub(site_file, text), path)
    papers = yaml.safe_load(converted.text)["publications"]
    papers.sort(key=_newest_first)  # a stable sort: the file's order within a year
    more.sections.append("publications")
    more.content["publications"] = papers
    more.structured.append(f"{path}: publications ({len(papers)})")
    more.notes.extend(note for note in converted.notes if "copy the image" not in note)
    more.media.extend((source, source.rpartition("/")[2]) for source in dict.fromkeys(found))
    more.media.extend(
        (f"assets/img/publication_preview/{paper['image']}", paper["image"])
        for paper in papers
        if paper.get("image")
    )
