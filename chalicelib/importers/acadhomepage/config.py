"""AcadHomepage's `_config.yml` -> the profile and site parts of the content (pure)."""

from __future__ import annotations

import collections
import re

from chalicelib.importers import ImportProblem
from chalicelib.importers.acadhomepage.page import PageReading, media_key, strip_tags
from chalicelib.importers.jekyll import jekyll_yaml
from chalicelib.settings import SCHOLAR_ID
from chalicelib.site.content import LANGUAGE
from chalicelib.site.origins import origin_problem
from chalicelib.site.profile_links import LINK_KINDS, link_url

SCHOLAR_USER = re.compile(r"[?&]user=(?P<id>[^&#]+)")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
SITE_KEYS = {
    "google_analytics_id": "analytics_id",
    "google_site_verification": "google_site_verification",
    "bing_site_verification": "bing_site_verification",
    "baidu_site_verification": "baidu_site_verification",
}
PROFILE_TEXT = ("avatar", "bio", "location", "employer")
# The template's own sample values: never the user's.
SAMPLE_SCHOLAR_IDS = {"d6u01FkAAAAJ"}
PLACEHOLDER = re.compile(r"YOUR_|your[_ -]?(?:google|scholar|id|name)|example\.com|xxxx", re.I)
# author keys that are no link (email and uri are profile links: LINK_KINDS has them)
NOT_LINKS = {"name", *PROFILE_TEXT}


def read_config(text: str, filename: str) -> dict:
    """The settings of a _config.yml, read as Jekyll reads it (an anchor defined twice is
    accepted); ImportProblem names the line of a syntax error."""
    config = jekyll_yaml(text, filename)
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise ImportProblem(
            f"{filename}: expected Jekyll settings (a mapping), got {type(config).__name__}"
        )
    return config


def config_text(raw) -> str:
    """A config value as stripped text; None and empty are ""."""
    return "" if raw is None else str(raw).strip()


def read_profile(config: dict, filename: str, page: PageReading) -> dict:
    """The profile: the author block, a real Scholar id only, usable links only."""
    author = config.get("author") or {}
    if not isinstance(author, dict):
        raise ImportProblem(f"{filename}: author: expected a mapping of author settings")
    name = _one_line(config_text(author.get("name")) or config_text(config.get("title")))
    profile: dict = {"name": name or "Your Name"}
    owners = [owner for owner in owner_names(name, page.owner_names) if owner != name]
    if owners:
        profile["author_names"] = [name, *owners] if name else owners
    for key in PROFILE_TEXT:
        value = _one_line(config_text(author.get(key)))
        if value and key == "avatar":
            value = media_key(value, f"{filename} author.avatar", page)
        if value:
            profile[key] = value
    raw_scholar = config_text(author.get("googlescholar"))
    scholar_id = _scholar_id(raw_scholar)
    if scholar_id in SAMPLE_SCHOLAR_IDS or (raw_scholar and not scholar_id):
        page.notes.append(
            f"{filename} author.googlescholar: {raw_scholar!r} is "
            + (
                "the template's sample Scholar id"
                if scholar_id
                else "a placeholder, not a Google Scholar user id"
            )
            + "; left out (set profile.google_scholar_id yourself)"
        )
        scholar_id = ""
    scholar_id = scholar_id or _papers_scholar_user(page)
    if scholar_id:
        profile["google_scholar_id"] = scholar_id
    _keep_paper_ids_of(scholar_id, page)
    if config.get("google_scholar_stats_use_cdn") is not None or config.get("repository"):
        page.notes.append(
            f"{filename}: google_scholar_stats_use_cdn and the stats branch are not needed: "
            "acadpage refreshes the citation numbers itself (see `acadpage refresh`)"
        )
    for kind in LINK_KINDS:
        value = config_text(author.get(kind))
        if not value or kind == "googlescholar":
            continue
        if PLACEHOLDER.search(value):
            page.notes.append(f"{filename} author.{kind}: {value!r} is a placeholder; left out")
            continue
        if link_url(kind, value) is None or (kind == "email" and not EMAIL.match(value)):
            page.notes.append(f"{filename} author.{kind}: {value!r} is not a usable link; left out")
            continue
        profile[kind] = value
    return profile


def owner_names(name: str, marked: list[str]) -> list[str]:
    """The names the page marks (bold, underlined) that are the owner's: those of the config's
    name; without such, the ones the page marks most often (a student's bold name is not)."""
    counts = collections.Counter(mark for mark in marked if mark.strip())
    same = [mark for mark in counts if _same_person(mark, name)]
    if same or not counts:
        return same
    most = max(counts.values())
    return [mark for mark, count in counts.items() if count == most]


def _same_person(written: str, name: str) -> bool:
    """`Z. Guo`, `Guo Zhen` and `Zhen Guo` are one person: a surname in common, and the other
    parts' initials among the name's."""
    parts = re.findall(r"[^\W\d_]+", written.casefold())
    known = re.findall(r"[^\W\d_]+", name.casefold())
    if not parts or not known or not set(p for p in parts if len(p) > 1) & set(known):
        return False
    initials = {part[0] for part in known}
    return all(part in known or part[0] in initials for part in parts)


def _scholar_id(value: str) -> str:
    found = SCHOLAR_USER.search(value)
    candidate = found.group("id") if found else value
    return candidate if SCHOLAR_ID.fullmatch(candidate) else ""


def _papers_scholar_user(page: PageReading) -> str:
    """The Scholar user id the papers' citation ids share, when they all share one."""
    users = {
        paper["scholar_id"].split(":")[0]
        for paper in page.content.get("publications", [])
        if "scholar_id" in paper
    }
    if len(users) != 1 or users & SAMPLE_SCHOLAR_IDS:
        return ""
    page.notes.append("profile.google_scholar_id: taken from the papers' citation ids")
    return users.pop()


def _keep_paper_ids_of(scholar_id: str, page: PageReading) -> None:
    """Papers keep a citation id only when it is the profile's own (not the template's sample)."""
    for paper in page.content.get("publications", []):
        paper_id = paper.get("scholar_id", "")
        user = paper_id.split(":")[0]
        if paper_id and user != scholar_id:
            del paper["scholar_id"]
            page.notes.append(
                f"publication {paper['title'][:40]!r}: citation id {paper_id!r} is not of the "
                "profile's Scholar user"
                + (" (it is the template's sample)" if user in SAMPLE_SCHOLAR_IDS else "")
                + "; left out"
            )


def _one_line(value: str) -> str:
    """A config text for a plain-text field: `<br>` as a separator, other HTML removed."""
    value = re.sub(r"(?<!\s)\s*<br\s*/?>\s*", " · ", value, flags=re.I)
    return re.sub(r"\s+", " ", strip_tags(value)).strip(" ·")


def extra_links(config: dict, filename: str, page: PageReading) -> list[tuple[str, str]]:
    """(key, URL) of author keys acadpage has no profile key for: kept as links on the page."""
    author = config.get("author") or {}
    if not isinstance(author, dict):
        return []
    links = []
    for key, raw in author.items():
        value = config_text(raw)
        if key in LINK_KINDS or key in NOT_LINKS or not value:
            continue
        if value.startswith(("https://", "http://")) and not PLACEHOLDER.search(value):
            links.append((str(key).replace("_", " ").title(), value))
            page.notes.append(
                f"{filename} author.{key}: no such profile link in acadpage; kept in the "
                "Links section"
            )
    return links


def read_site(config: dict, front: dict, owner: str) -> dict:
    """The site settings: title, description, language, address and verification keys."""
    site: dict = {"title": _one_line(config_text(config.get("title"))) or owner or "Homepage"}
    description = _one_line(config_text(config.get("description")))
    if description:
        site["description"] = description
    language = config_text(front.get("lang")) or config_text(config.get("locale"))
    if language and not language.startswith("en") and LANGUAGE.match(language):
        site["language"] = language
    url = config_text(config.get("url")).rstrip("/")
    # acadpage serves a site at the root of its address, so Jekyll's `baseurl` path is not kept
    if url and not origin_problem(url):
        site["base_url"] = url
    for key, name in SITE_KEYS.items():
        value = config_text(config.get(key))
        if value:
            site[name] = value
    return site
