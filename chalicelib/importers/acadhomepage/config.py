"""AcadHomepage's `_config.yml` -> the profile and site parts of the content (pure)."""

from __future__ import annotations

import re

import yaml

from chalicelib.importers import ImportProblem
from chalicelib.importers.acadhomepage.page import PageReading, config_text, media_key
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


def read_config(text: str, filename: str) -> dict:
    try:
        config = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{filename}:{mark.line + 1}" if mark else filename
        raise ImportProblem(f"{where}: YAML syntax error: {error.problem}") from None
    except yaml.YAMLError as error:
        raise ImportProblem(f"{filename}: YAML syntax error: {error}") from None
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise ImportProblem(
            f"{filename}: expected Jekyll settings (a mapping), got {type(config).__name__}"
        )
    return config


def read_profile(config: dict, filename: str, page: PageReading) -> dict:
    author = config.get("author") or {}
    if not isinstance(author, dict):
        raise ImportProblem(f"{filename}: author: expected a mapping of author settings")
    profile: dict = {
        "name": config_text(author.get("name")) or config_text(config.get("title")) or "Your Name"
    }
    if page.owner_names:
        profile["author_names"] = page.owner_names
    for key in PROFILE_TEXT:
        value = config_text(author.get(key))
        if value and key == "avatar":
            value = media_key(value, f"{filename} author.avatar", page)
        if value:
            profile[key] = value
    scholar_id = _scholar_id(config_text(author.get("googlescholar")))
    if not scholar_id and author.get("googlescholar"):
        page.notes.append(
            f"{filename} author.googlescholar: {author['googlescholar']!r} holds no Google Scholar "
            "user id; left out"
        )
    scholar_id = scholar_id or _papers_scholar_user(page)
    if scholar_id:
        profile["google_scholar_id"] = scholar_id
    for kind in LINK_KINDS:
        value = config_text(author.get(kind))
        if not value or kind == "googlescholar":
            continue
        if link_url(kind, value) is None or (kind == "email" and not EMAIL.match(value)):
            page.notes.append(f"{filename} author.{kind}: {value!r} is not a usable link; left out")
            continue
        profile[kind] = value
    return profile


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
    if len(users) != 1:
        return ""
    page.notes.append("profile.google_scholar_id: taken from the papers' citation ids")
    return users.pop()


def read_site(config: dict, front: dict, owner: str) -> dict:
    site: dict = {"title": config_text(config.get("title")) or owner or "Homepage"}
    description = config_text(config.get("description"))
    if description:
        site["description"] = description
    language = config_text(front.get("lang"))
    if language and language != "en" and LANGUAGE.match(language):
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
