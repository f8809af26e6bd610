"""Content file (YAML) -> validated site model, every problem located by line and field (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from chalicelib.errors import UserError
from chalicelib.settings import SCHOLAR_ID
from chalicelib.site.authors import Author, read_authors
from chalicelib.site.fields import Fields, Problems, describe, is_url
from chalicelib.site.markdown import markdown_block, markdown_inline
from chalicelib.site.profile_links import LINK_KINDS, ProfileLink, link_url
from chalicelib.site.yamlnodes import (
    Problem,
    YamlProblems,
    check_safe,
    compose_yaml,
    decode_content,
)

LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
ANCHOR = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
PAPER_ID = re.compile(r"^[A-Za-z0-9_-]{12}:[A-Za-z0-9_-]+$")


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
class DatedEntry:
    """A news item, award, degree, talk or internship: a date and one line of markdown."""

    date: str
    html: str
    details_html: tuple[str, ...] = ()  # bullets under the entry (an internship's tasks)


@dataclass(frozen=True)
class PaperLink:
    """A link under a publication: pdf, code, project, video, slides..."""

    label: str
    url: str


@dataclass(frozen=True)
class Publication:
    """One paper; featured ones get the image paper box, the rest a compact line."""

    title: str
    authors: tuple[Author, ...]
    venue: str = ""
    year: int | None = None
    link: str = ""
    image: str = ""
    featured: bool = False
    scholar_id: str = ""  # USER:PUBID, for the per-paper citation count
    links: tuple[PaperLink, ...] = ()
    description_html: tuple[str, ...] = ()
    group: str = ""  # a sub-heading over this paper and the next ones of the same group
    badge: str = ""  # the image's badge when it is not the venue ("VLA model")


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
PAPER_LINK_LABELS = {
    "pdf": "PDF",
    "code": "Code",
    "project": "Project",
    "video": "Video",
    "slides": "Slides",
    "poster": "Poster",
    "arxiv": "arXiv",
    "doi": "DOI",
    "bibtex": "BibTeX",
}


def media_url(value: str, media_root: str) -> str:
    """Where an image field is fetched: a URL as given, a media key below `media_root`."""
    if not value or is_url(value):
        return value
    return f"{media_root}/{value}"


def load_site(raw: bytes, filename: str = "site.yaml") -> Site:
    """The validated site of a content file's bytes; raises ContentError listing every problem."""
    try:
        root = compose_yaml(decode_content(raw))
    except YamlProblems as error:
        raise ContentError(filename, error.problems) from None
    if root is None:
        raise ContentError(filename, [Problem(None, "", "the file is empty")])
    unsafe = check_safe(root)
    if unsafe:
        raise ContentError(filename, unsafe)
    problems = Problems()
    site = _read_site(Fields(root, "", problems))
    if problems.items:
        raise ContentError(filename, problems.items)
    return site


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
                f"expected a language code such as 'en' or 'zh-CN', got {code!r}",
            )
    base_url = fields.link("base_url")
    if base_url and not base_url.startswith(("https://", "http://")):
        fields.expect("base_url", fields.values["base_url"], "an http(s) URL")
    settings = SiteSettings(
        title=fields.text("title", required=True),
        description=fields.text("description"),
        language=language,
        translations=translations,
        base_url=base_url.rstrip("/"),
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
    scholar_id = fields.text("google_scholar_id")
    if scholar_id and not SCHOLAR_ID.fullmatch(scholar_id):
        fields.expect(
            "google_scholar_id",
            fields.values["google_scholar_id"],
            "a 12-character Google Scholar user id",
        )
        scholar_id = ""
    links = []
    for kind, (label, _) in LINK_KINDS.items():
        value = fields.text(kind)
        if not value:
            continue
        url = link_url(kind, value)
        if url is None:
            fields.expect(kind, fields.values[kind], f"a full https URL for {label}")
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


def _read_sections(top: Fields, owner_names: tuple[str, ...]) -> tuple[Section, ...]:
    """Sections in the order of `sections` (or the default order), with their content."""
    listed = top.items("sections") if "sections" in top else None
    order = (
        listed if listed is not None else [(kind, None) for kind in SECTION_KINDS if kind in top]
    )
    sections: list[Section] = []
    shown: set[str] = set()
    for path, node in order:
        section = _read_section(top, path, node, owner_names)
        if section is None:
            continue
        if section.id in {s.id for s in sections}:
            top.problems.add(node, path, f"the anchor id {section.id!r} is used by two sections")
        shown.add(section.kind)
        sections.append(section)
    for kind in SECTION_KINDS:
        if kind in top and kind not in shown:
            node = top.values[kind]
            top.problems.add(
                node, kind, f"has content but no section shows it; add '{kind}' to sections"
            )
            top.read.add(kind)
    return tuple(sections)


def _read_section(top: Fields, path: str, node, owner_names) -> Section | None:
    """One section entry: a kind's name, or a mapping with `type` or with `markdown`."""
    if node is None:  # the default order: a kind's name only
        fields, kind = None, path
    elif isinstance(node, yaml.ScalarNode):
        fields, kind = None, str(node.value)
    else:
        fields = Fields(node, path, top.problems)
        kind = fields.text("type", "markdown" if "markdown" in fields else "")
    if kind not in (*SECTION_KINDS, "markdown"):
        wanted = ", ".join(repr(k) for k in (*SECTION_KINDS, "markdown"))
        top.problems.add(node, path, f"expected a section type ({wanted}), got {kind!r}")
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
        section = _with_content(
            section, html=markdown_block(fields.text("markdown", required=True))
        )
    elif kind == "about":
        section = _with_content(section, html=markdown_block(top.text("about")))
    elif kind == "publications":
        pubs = tuple(
            _read_publication(Fields(n, p, top.problems), owner_names)
            for p, n in top.items("publications")
        )
        section = _with_content(section, publications=pubs)
    else:
        entries = tuple(_read_dated(Fields(n, p, top.problems)) for p, n in top.items(kind))
        section = _with_content(section, entries=entries)
    if fields is not None:
        fields.done()
    return section


def _with_content(section: Section, **content) -> Section:
    return Section(section.kind, section.id, section.title, section.icon, **content)


def _read_dated(fields: Fields) -> DatedEntry:
    entry = DatedEntry(
        date=fields.text("date"),
        html=markdown_inline(fields.text("text", required=True)),
        details_html=tuple(markdown_inline(line) for line in fields.texts("details")),
    )
    fields.done()
    return entry


def _read_publication(fields: Fields, owner_names: tuple[str, ...]) -> Publication:
    year = fields.integer("year")
    if year is not None and not 1000 <= year <= 9999:
        fields.expect("year", fields.values["year"], "a four-digit year")
    scholar_id = fields.text("scholar_id")
    if scholar_id and not PAPER_ID.fullmatch(scholar_id):
        fields.expect(
            "scholar_id",
            fields.values["scholar_id"],
            "'USER:PUBID' as in Scholar's citation_for_view",
        )
        scholar_id = ""
    authors = read_authors(fields.texts("authors"), owner_names)
    publication = Publication(
        title=fields.text("title", required=True),
        authors=authors,
        venue=fields.text("venue"),
        year=year,
        link=fields.link("link"),
        image=fields.media("image"),
        featured=fields.boolean("featured"),
        scholar_id=scholar_id,
        links=_read_paper_links(fields),
        description_html=tuple(markdown_inline(line) for line in fields.texts("description")),
        group=fields.text("group"),
        badge=fields.text("badge"),
    )
    fields.done()
    return publication


def _read_paper_links(fields: Fields) -> tuple[PaperLink, ...]:
    """`links:` as a mapping (`pdf: URL`) or a list of {label, url}."""
    node = fields.node_of("links")
    if node is None:
        return ()
    path = fields.where("links")
    links = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            url = str(value.value).strip() if isinstance(value, yaml.ScalarNode) else ""
            if not _link_ok(url):
                fields.problems.add(
                    value,
                    f"{path}.{key.value}",
                    f"expected an http(s) URL or a path, got {describe(value)}",
                )
                continue
            label = PAPER_LINK_LABELS.get(str(key.value).lower(), str(key.value))
            links.append(PaperLink(label, url))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            link = Fields(item, f"{path}[{i}]", fields.problems)
            label, url = link.text("label", required=True), link.link("url", required=True)
            link.done()
            if label and url:
                links.append(PaperLink(label, url))
    else:
        fields.expect(
            "links", node, "a mapping such as 'pdf: https://...' or a list of {label, url}"
        )
    return tuple(links)


def _link_ok(url: str) -> bool:
    return bool(url) and (is_url(url) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url))
