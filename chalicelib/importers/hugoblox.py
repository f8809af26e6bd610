"""A Hugo Blox (Wowchemy, Hugo Academic) site folder -> acadpage content (pure).

The owner is `content/authors/admin/_index.md` (its front matter: name, role, organizations,
social links; its body the about text) or `data/authors/*.yaml`; each
`content/publication(s)/*/index.md` becomes a publication from its front matter (title, authors
with `admin` as the owner, date, publication, abstract, featured, `url_*` buttons and `links`),
and a paper folder with only a `cite.bib` from that file.
"""

from __future__ import annotations

import re

import yaml

from chalicelib.importers import Imported, ImportProblem, converted_content
from chalicelib.importers.acadhomepage.fragment import fragment_html
from chalicelib.importers.acadhomepage.page import PageReading, plain
from chalicelib.importers.acadhomepage.source import Line
from chalicelib.importers.bibtex import import_bibtex
from chalicelib.importers.folder import SiteFolder, listed, year_of
from chalicelib.importers.hugoparts import (
    HugoReading,
    education,
    interests,
    served_folders,
    site_link,
    talks,
    text_and_links,
)
from chalicelib.importers.hugowidgets import SHORTCODE_CALL, home_widgets
from chalicelib.importers.jekyll import front_matter, jekyll_yaml
from chalicelib.site.fields import is_link

# the parts of content/ the import reads; the others are named in the report
READ = {"authors", "author", "publication", "publications", "event", "talk", "home"}
PLACES = {"talks": "content/event", "education": "content/authors/admin/_index.md"}
AUTHOR_PAGES = ("content/authors/admin/_index.md", "content/author/admin/_index.md")
PAPER_FOLDERS = ("content/publication", "content/publications")
# url_* front matter keys -> the content's link keys
URL_KEYS = {
    "url_pdf": "pdf",
    "url_code": "code",
    "url_dataset": "Dataset",
    "url_poster": "poster",
    "url_project": "project",
    "url_slides": "slides",
    "url_source": "Source",
    "url_video": "video",
}
EMAIL = re.compile(r"[^@\s/:]+@[^@\s/:]+\.[^@\s/:]+")
# social icons -> acadpage's profile link keys
ICONS = {
    "github": "github",
    "twitter": "twitter",
    "x-twitter": "twitter",
    "linkedin": "linkedin",
    "orcid": "orcid",
    "google-scholar": "googlescholar",
    "graduation-cap": "googlescholar",
    "researchgate": "researchgate",
    "envelope": "email",
    "at-symbol": "email",
}


def import_hugoblox(folder: SiteFolder) -> Imported:
    """Content YAML for a Hugo Blox site, with the import's report."""
    page = PageReading()  # the report, and the pictures and links the about text shows
    address = _text(_setting(folder, "baseurl")).rstrip("/")
    reading = HugoReading(folder, address, page, served_folders(_setting(folder, "permalinks")))
    profile, about, avatar, author = _owner(folder, page)
    papers = _papers(folder, profile["name"], reading)
    site = {"title": _text(_setting(folder, "title")) or profile["name"]}
    if papers:
        page.structured.append(f"content/publication: publications ({len(papers)})")
    about = "\n\n".join(part for part in (about, interests(author)) if part)
    dated = {"talks": talks(reading), "education": education(author)}
    dated = {kind: entries for kind, entries in dated.items() if entries}
    widgets = home_widgets(reading, set(dated))
    parts = {"about": about, **widgets.content, "publications": papers, **dated}
    parts = {kind: value for kind, value in parts.items() if value}
    if not parts:
        raise ImportProblem("the site shows nothing to import: no author page or publications")
    sections = [
        *(["about"] if about else []),
        *widgets.sections,
        *(kind for kind in ("publications", *dated) if kind in parts),
    ]
    page.structured.extend(f"{PLACES[kind]}: {kind} ({len(dated[kind])})" for kind in dated)
    page.notes.extend(_not_read(folder))
    document = {"site": site, "profile": profile, "sections": sections, **parts}
    return Imported(
        converted_content(document, "the Hugo Blox site"),
        tuple(page.notes),
        structured=(*page.structured, *widgets.structured),
        kept_raw=tuple(widgets.kept_raw),
        media=(
            *([(avatar, avatar.rpartition("/")[2])] if avatar else []),
            *((_picture_source(folder, path), key) for path, key in page.media.items()),
            *reading.files.items(),
        ),
        remote_images=tuple(page.remote_images),
    )


def _not_read(folder: SiteFolder) -> list[str]:
    """A line for each part of content/ the import does not read (posts, projects, slides)."""
    counts: dict[str, int] = {}
    for path in folder.files("content"):
        part = path.split("/")[1]
        if part not in READ and path.endswith((".md", ".html")):
            counts[part] = counts.get(part, 0) + 1
    return [
        f"content/{part}: {count} page{'s' if count > 1 else ''} acadpage has no section for; "
        "not imported"
        for part, count in counts.items()
    ]


def _picture_source(folder: SiteFolder, path: str) -> str:
    """Where Hugo finds a picture the author page shows: beside the page, else in static/."""
    for author_page in AUTHOR_PAGES:
        base = author_page.rpartition("/")[0]
        if f"{base}/{path}" in folder.files(base):
            return f"{base}/{path}"
    return f"static/{path}"


def _owner(folder: SiteFolder, page: PageReading) -> tuple[dict, str, str, dict]:
    """(profile, about HTML, avatar path, the author's front matter) from the admin author page
    or data/authors."""
    for path in AUTHOR_PAGES:
        text = folder.read(path)
        if text is None:
            continue
        front, body = front_matter(text, path)
        profile = _profile(front, page.notes, path)
        base = path.rpartition("/")[0]
        avatar = next((p for p in folder.files(base) if re.search(r"/avatar\.\w+$", p)), "")
        if avatar:
            profile["avatar"] = avatar.rpartition("/")[2]
        body = SHORTCODE_CALL.sub("", body)  # Hugo shortcodes
        about = fragment_html([Line(path, line) for line in body.split("\n")], page)
        page.structured.append(f"{path}: profile and about")
        return profile, about, avatar, front
    for path in folder.files("data/authors"):
        if path.endswith((".yaml", ".yml")):
            data = jekyll_yaml(folder.read(path) or "", path)
            if isinstance(data, dict):
                page.structured.append(f"{path}: profile")
                about = data.get("bio") or ""
                return (
                    _profile(data, page.notes, path),
                    fragment_html([Line(path, str(about))], page),
                    "",
                    data,
                )
    page.notes.append("no content/authors/admin/_index.md: the profile has only a placeholder name")
    return {"name": "Your Name"}, "", "", {}


def _profile(front: dict, notes: list[str], path: str) -> dict:
    name = front.get("title") or front.get("name") or "Your Name"
    if isinstance(name, dict):  # data/authors: name: {display: ...}
        name = name.get("display") or " ".join(str(v) for v in name.values())
    profile: dict = {"name": str(name).strip()}
    role = str(front.get("role") or "").strip()
    if role:
        profile["bio"] = plain(role)
    places = front.get("organizations") or front.get("affiliations") or []
    if isinstance(places, list) and places and isinstance(places[0], dict):
        profile["employer"] = str(places[0].get("name") or "").strip()
    for link in listed(front.get("social") or front.get("links")):
        if not isinstance(link, dict):
            continue
        kind = ICONS.get(str(link.get("icon") or "").split("/")[-1])
        url = str(link.get("link") or link.get("url") or "").strip()
        if kind == "email":
            url = url.removeprefix("mailto:")
            if not EMAIL.fullmatch(url):  # Hugo's default `/#contact`, the page's contact form
                notes.append(f"{path} social envelope {url!r}: not an email address; left out")
                continue
        if kind and kind not in profile and (kind == "email" or is_link(url)):
            profile[kind] = url
        elif url:
            notes.append(f"{path} social {url!r}: no such profile link in acadpage; left out")
    email = str(front.get("email") or "").strip()
    if "email" not in profile and EMAIL.fullmatch(email):
        profile["email"] = email
    scholar = profile.pop("googlescholar", "")
    found = re.search(r"[?&]user=([\w-]{12})", scholar)
    if found:
        profile["google_scholar_id"] = found.group(1)
    return {key: value for key, value in profile.items() if value}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _setting(folder: SiteFolder, key: str) -> object:
    """A setting of the site's configuration (`title`, `baseURL`, `permalinks`), any case: text,
    or a mapping as YAML writes it; "" when not set."""
    for path in ("config/_default/hugo.yaml", "config/_default/config.yaml", "hugo.yaml"):
        text = folder.read(path)
        data = jekyll_yaml(text, path) if text else None
        if isinstance(data, dict):
            found = {str(k).lower(): v for k, v in data.items()}.get(key)
            if isinstance(found, str | dict):
                return found.strip() if isinstance(found, str) else found
    for path in ("config/_default/config.toml", "config.toml", "hugo.toml"):
        text = folder.read(path)
        found = re.search(rf'^{key}\s*=\s*"([^"]*)"', text or "", re.M | re.I)
        if found:
            return found.group(1).strip()
    return ""


def _papers(folder: SiteFolder, owner: str, reading: HugoReading) -> list[dict]:
    """Each paper folder's publication, newest first as Hugo Blox lists them."""
    found: list[tuple[str, dict]] = []
    for root in PAPER_FOLDERS:
        pages = [p for p in folder.files(root) if re.search(r"/[^/]+/index\.md$", p)]
        bibs = [p for p in folder.files(root) if p.endswith("/cite.bib")]
        with_page = {p.rpartition("/")[0] for p in pages}
        for path in pages:
            front, _ = front_matter(folder.read(path) or "", path)
            paper = _paper(front, owner, path, reading)
            if paper:
                found.append((str(front.get("date") or ""), paper))
        for path in bibs:
            if path.rpartition("/")[0] in with_page:
                continue
            if not re.fullmatch(rf"{re.escape(root)}/[^/]+/cite\.bib", path):
                reading.page.notes.append(
                    f"{path}: not read: not in a paper folder, so no page shows it"
                )
                continue
            try:
                converted = import_bibtex(folder.read(path) or "", path)
            except ImportProblem as problem:  # this paper's file only; the others still come
                reading.page.notes.extend(str(problem).splitlines())
                continue
            reading.page.notes.extend(converted.notes)
            for paper in yaml.safe_load(converted.text)["publications"]:
                found.append((str(paper.get("year") or ""), paper))
    found.sort(key=lambda item: item[0], reverse=True)
    return [paper for _, paper in found]


def _paper(front: dict, owner: str, path: str, reading: HugoReading) -> dict | None:
    title = plain(str(front.get("title") or "")).strip()
    if not title:
        return None
    paper: dict = {"title": title}
    authors = [
        owner if str(a).strip() == "admin" else plain(str(a)).strip()
        for a in listed(front.get("authors"))
    ]
    if authors:
        paper["authors"] = [a for a in authors if a]
    venue, venue_links = text_and_links(str(front.get("publication") or ""))
    if venue:
        paper["venue"] = venue
    short, _ = text_and_links(str(front.get("publication_short") or ""))
    if short and short != venue:
        paper["badge"] = short
    year = year_of(front.get("date"))
    if year:
        paper["year"] = year
    folder = path.rpartition("/")[0]
    links = {}
    for name, key in URL_KEYS.items():
        url = site_link(str(front.get(name) or ""), f"{path} {name}", folder, reading)
        if url:
            links[key] = url
    for link in listed(front.get("links")):
        if isinstance(link, dict):
            where = f"{path} links {link.get('name') or ''}".rstrip()
            url = site_link(str(link.get("url") or ""), where, folder, reading)
            if url:
                links[str(link.get("name") or "Link")] = url
    for label, url in venue_links:  # Hugo shows the venue as a link: it stays one
        if is_link(url) and label and label not in links:
            links[label] = url
    doi = str(front.get("doi") or "").strip()
    if doi:
        links["doi"] = doi if is_link(doi) else f"https://doi.org/{doi}"
    if links:
        paper["links"] = links
    abstract = str(front.get("summary") or front.get("abstract") or "").strip()
    if abstract:
        paper["description"] = [" ".join(abstract.split())]
    if front.get("featured") is True:
        paper["featured"] = True
    return paper
