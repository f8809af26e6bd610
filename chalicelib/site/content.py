"""Content file (YAML) -> validated site model, every problem located by line and field (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

import yaml

from chalicelib.errors import UserError
from chalicelib.inputs import excerpt
from chalicelib.settings import SCHOLAR_ID
from chalicelib.site.entries import PAPER_ID as PAPER_ID  # the importers' name for it
from chalicelib.site.entries import PAPER_LINK_LABELS as PAPER_LINK_LABELS
from chalicelib.site.entries import DatedEntry, Publication, read_dated, read_publication
from chalicelib.site.fields import Fields, Problems, is_url, url_scheme
from chalicelib.site.listing import PublicationListing, read_listing
from chalicelib.site.origins import normal_origin, origin_problem
from chalicelib.site.profile_links import LINK_KINDS, ProfileLink, link_url
from chalicelib.site.yamlnodes import (
    Problem,
    YamlProblems,
    check_safe,
    collector_paused,
    compose_yaml,
    decode_content,
)

Model = TypeVar("Model")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
ANCHOR = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
MAX_SECTIONS = 100  # a page with 100 sections is already unreadable; each costs a render
MAX_PROBLEMS = 100  # problems listed; the rest are counted, so a broken file gives a short report


class ContentError(UserError):
    """A content file has problems; the message lists each as `file:line field.path: what`."""

    def __init__(self, filename: str, problems: list[Problem]):
        self.filename = filename
        self.problems = problems
        super().__init__("\n".join(p.format(filename) for p in problems))


@dataclass(frozen=True)
class SiteSettings:
    """Site-wide settings: what search engines and browsers read."""

    title: str
    description: str = ""
    language: str = "en"
    translations: tuple[str, ...] = ()  # other languages, each in site.<lang>.yaml
    base_url: str = ""
    favicon: str = ""
    analytics_id: str = ""
    google_site_verification: str = ""
    bing_site_verification: str = ""
    baidu_site_verification: str = ""


@dataclass(frozen=True)
class Profile:
    """The owner, as the sidebar shows them."""

    name: str
    avatar: str = ""
    bio: str = ""
    location: str = ""
    employer: str = ""
    google_scholar_id: str = ""
    author_names: tuple[str, ...] = ()  # how the owner is written in author lists
    links: tuple[ProfileLink, ...] = ()


@dataclass(frozen=True)
class Section:
    """One section of the page, in the order given, listed in the top navigation bar."""

    kind: str
    id: str
    title: str
    icon: str = ""
    html: str = ""  # about and free markdown sections
    entries: tuple[DatedEntry, ...] = ()
    publications: tuple[Publication, ...] = ()
    listing: PublicationListing | None = None  # rows from the citation store, after these

    @property
    def paper_groups(self) -> tuple[tuple[str, tuple[Publication, ...]], ...]:
        """The publications by `group`, in the order each group first appears ("": no heading)."""
        groups: dict[str, list[Publication]] = {}
        for paper in self.publications:
            groups.setdefault(paper.group, []).append(paper)
        return tuple((group, tuple(papers)) for group, papers in groups.items())


@dataclass(frozen=True)
class Site:
    """A whole validated content file."""

    settings: SiteSettings
    profile: Profile
    sections: tuple[Section, ...]


# kind: (default title, default icon, default anchor id)
SECTION_KINDS: dict[str, tuple[str, str, str]] = {
    "about": ("About Me", "", "about-me"),
    "news": ("News", "🔥", "news"),
    "publications": ("Publications", "📝", "publications"),
    "awards": ("Honors and Awards", "🎖", "honors-and-awards"),
    "education": ("Educations", "📖", "educations"),
    "talks": ("Invited Talks", "💬", "invited-talks"),
    "internships": ("Internships", "💻", "internships"),
    "service": ("Academic Service", "📫", "academic-service"),
}
DATED_KINDS = ("news", "awards", "education", "talks", "internships", "service")


def media_url(value: str, media_root: str) -> str:
    """Where an image field is fetched: a URL as given, a media key below `media_root`."""
    if not value or is_url(value):
        return value
    return f"{media_root}/{value}"


def load_site(raw: bytes, filename: str = "site.yaml") -> Site:
    """The validated site of a content file's bytes; raises ContentError listing every problem."""
    with collector_paused():
        return load_document(raw, filename, _read_site)


def load_document(raw: bytes, filename: str, read: Callable[[Fields], Model]) -> Model:
    """What `read` makes of a YAML file's top mapping once the file parses and is safe; raises
    ContentError listing every problem (a site.yaml, a lab.yaml)."""
    try:
        text = decode_content(raw)
        root = compose_yaml(text)
    except YamlProblems as error:
        raise ContentError(filename, error.problems) from None
    if root is None:
        raise ContentError(filename, [Problem(None, "", "the file is empty")])
    problems = check_safe(root, anchored="&" in text)
    if not problems:
        found = Problems()
        document = read(Fields(root, "", found))
        problems = found.items
    if problems:
        raise ContentError(filename, _shortened(problems))
    return document


def _shortened(problems: list[Problem]) -> list[Problem]:
    """The first MAX_PROBLEMS problems, and how many more there are."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = Problem(None, "", f"and {len(problems) - MAX_PROBLEMS:,} more problems")
    return [*problems[:MAX_PROBLEMS], more]


def _read_site(top: Fields) -> Site:
    settings_node = top.node_of("site", required=True)
    profile_node = top.node_of("profile", required=True)
    settings = (
        _read_settings(Fields(settings_node, "site", top.problems)) if settings_node else None
    )
    profile = _read_profile(Fields(profile_node, "profile", top.problems)) if profile_node else None
    sections = _read_sections(top, profile.author_names if profile else ())
    top.done(also_known=("sections", *SECTION_KINDS))
    return Site(settings, profile, sections)  # type: ignore[arg-type]  # None only with problems


def _read_settings(fields: Fields) -> SiteSettings:
    language = fields.text("language", "en")
    translations = fields.texts("translations")
    for code in (language, *translations):
        if not LANGUAGE.fullmatch(code):
            node = fields.values.get("translations" if code in translations else "language")
            fields.problems.add(
                node,
                fields.where("language"),
                f"expected a language code such as 'en' or 'zh-CN', got {excerpt(code)}",
            )
    base_url = fields.text("base_url")
    if base_url and (problem := origin_problem(base_url)):
        fields.expect("base_url", fields.values["base_url"], problem)
        base_url = ""
    settings = SiteSettings(
        title=fields.text("title", required=True),
        description=fields.text("description"),
        language=language,
        translations=translations,
        base_url=normal_origin(base_url) if base_url else "",
        favicon=fields.media("favicon"),
        analytics_id=fields.text("analytics_id"),
        google_site_verification=fields.text("google_site_verification"),
        bing_site_verification=fields.text("bing_site_verification"),
        baidu_site_verification=fields.text("baidu_site_verification"),
    )
    fields.done()
    return settings


def _read_profile(fields: Fields) -> Profile:
    name = fields.text("name", required=True)
    scholar_id = fields.identifier(
        "google_scholar_id", SCHOLAR_ID, "a 12-character Google Scholar user id"
    )
    links = []
    for kind, (label, _) in LINK_KINDS.items():
        value = fields.text(kind)
        if not value:
            continue
        url = link_url(kind, value)
        if url is None or (url_scheme(value) is not None and not is_url(value)):
            wanted = "a user name or " if LINK_KINDS[kind][1] else ""
            fields.expect(kind, fields.values[kind], f"{wanted}a full https URL for {label}")
        elif kind == "email" and not re.match(r"^[^@\s]+@[^@\s]+$", value):
            fields.expect(kind, fields.values[kind], "an email address")
        else:
            links.append(ProfileLink(kind, label, url))
    if scholar_id and not any(link.kind == "googlescholar" for link in links):
        links.append(
            ProfileLink("googlescholar", "Google Scholar", link_url("googlescholar", scholar_id))
        )
    profile = Profile(
        name=name,
        avatar=fields.media("avatar"),
        bio=fields.text("bio"),
        location=fields.text("location"),
        employer=fields.text("employer"),
        google_scholar_id=scholar_id,
        author_names=fields.texts("author_names") or ((name,) if name else ()),
        links=tuple(links),
    )
    fields.done()
    return profile


def _read_sections(top: Fields, owners: tuple[str, ...]) -> tuple[Section, ...]:
    """Sections in the order of `sections` (or the default order), each content part read once."""
    listed = top.items("sections") if "sections" in top else None
    if listed is not None and len(listed) > MAX_SECTIONS:
        message = f"{len(listed):,} sections; the limit is {MAX_SECTIONS}"
        top.problems.add(top.values["sections"], "sections", message)
        top.read.update(SECTION_KINDS)  # their content is not read: nothing else to say of it
        return ()
    order = (
        listed if listed is not None else [(kind, None) for kind in SECTION_KINDS if kind in top]
    )
    sections: list[Section] = []
    shown: dict[str, str] = {}  # kind -> the path of the section showing it
    anchors: set[str] = set()
    read: dict[str, tuple] = {}  # kind -> its entries, read at the first section showing them
    for path, node in order:
        kind = _section_kind(top, path, node)
        # A list from the citation store shows other rows beside the file's own papers.
        if kind in shown and not _is_listing(node):
            message = f"{kind!r} is already shown by {shown[kind]}; each part can be shown once"
            top.problems.add(node, path, message)
            continue
        section = _read_section(top, path, node, kind, owners, read)
        if section is None:
            continue
        if section.id in anchors and _is_listing(node) and not _has_key(node, "id"):
            # beside the file's own publications, the store's list takes an anchor of its own
            section = replace(section, id=f"all-{section.id}")
        if section.id in anchors:
            message = f"the anchor id {excerpt(section.id)} is used by two sections"
            top.problems.add(node, path, message)
        anchors.add(section.id)
        if kind != "markdown" and not _is_listing(node):
            shown[kind] = path
        sections.append(section)
    for kind in SECTION_KINDS:
        if kind in top and kind not in shown and kind not in read:
            node = top.values[kind]
            top.problems.add(
                node, kind, f"has content but no section shows it; add '{kind}' to sections"
            )
            top.read.add(kind)
    return tuple(sections)


def _section_kind(top: Fields, path: str, node) -> str:
    """What a section entry shows: a kind's name, or a mapping's `type` (or `markdown`)."""
    if node is None:  # the default order: a kind's name only
        return path
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if isinstance(node, yaml.MappingNode):
        keys = {str(key.value): value for key, value in node.value}
        kind = keys.get("type")
        if isinstance(kind, yaml.ScalarNode):
            return str(kind.value).strip()
        return "markdown" if "markdown" in keys else ""
    return ""


def _is_listing(node) -> bool:
    """True for a section entry that lists the citation store's rows (`from: scholar`)."""
    return _has_key(node, "from")


def _has_key(node, key: str) -> bool:
    return isinstance(node, yaml.MappingNode) and any(k.value == key for k, _ in node.value)


def _read_section(
    top: Fields, path: str, node, kind: str, owners: tuple[str, ...], read: dict
) -> Section | None:
    """One section entry: a kind's name, or a mapping with `type` or with `markdown`."""
    plain = node is None or isinstance(node, yaml.ScalarNode)
    fields = None if plain else Fields(node, path, top.problems)
    if fields is not None:
        fields.text("type")  # read by _section_kind; checked as text here
    if kind not in (*SECTION_KINDS, "markdown"):
        wanted = ", ".join(repr(k) for k in (*SECTION_KINDS, "markdown"))
        top.problems.add(node, path, f"expected a section type ({wanted}), got {excerpt(kind)}")
        return None
    if kind == "markdown" and fields is None:
        top.problems.add(node, path, "expected a mapping with id, title and markdown")
        return None
    title, icon, anchor = SECTION_KINDS.get(kind, ("", "", ""))
    if fields is not None:
        required = kind == "markdown"
        title = fields.text("title", title, required=required)
        icon = fields.text("icon", icon)
        anchor = fields.text("id", anchor, required=required)
        if anchor and not ANCHOR.fullmatch(anchor):
            fields.expect("id", fields.values["id"], "an anchor id of letters, digits, '-' and '_'")
    section = Section(kind, anchor, title, icon)
    if kind == "markdown":
        section = replace(section, html=fields.markdown("markdown", block=True, required=True))
    elif kind == "about":
        section = replace(section, html=top.markdown("about", block=True))
    elif kind == "publications":
        if kind not in read:
            read[kind] = tuple(
                read_publication(Fields(n, p, top.problems), owners)
                for p, n in top.items("publications")
            )
        listing = read_listing(fields) if fields is not None else None
        section = replace(section, publications=read[kind], listing=listing)
    else:
        entries = tuple(read_dated(Fields(n, p, top.problems)) for p, n in top.items(kind))
        section = replace(section, entries=entries)
    if fields is not None:
        fields.done()
    return section
