"""The lab page: members by group with their photo, role, links and numbers, the merged
publication list with its filters, the per-year chart; its sitemap, feed and structured data
(pure)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from chalicelib.citations.chart import citation_chart_svg
from chalicelib.lab.model import GROUPS, Lab, Member
from chalicelib.lab.publications import LabPaper, LabPublications
from chalicelib.lab.siteid import SITE_ID, SiteId
from chalicelib.site.profile_links import ProfileLink
from chalicelib.site.render import environment
from chalicelib.site.seo import script_json

FEED_PAPERS = 50
YEAR = re.compile(r"[0-9]{4}")  # not str.isdigit: it takes superscript and other digits


@dataclass(frozen=True)
class MemberView:
    """A member as the lab page shows them (from their own site and numbers)."""

    member: Member
    name: str
    href: str  # their page
    photo: str = ""
    links: tuple[ProfileLink, ...] = ()
    citations: int | None = None
    h_index: int | None = None


@dataclass(frozen=True)
class LabFilter:
    """Which publications a lab page lists: all, one member's, or one year's."""

    member: SiteId | None = None
    year: int | None = None

    @classmethod
    def of_path(cls, year: str | None = None, member: str | None = None) -> LabFilter | None:
        """The filter of `/year/<year>` or `/member/<member>`, or None when the text names no
        year (four ASCII digits) or no site id."""
        site = SiteId(member) if member is not None and SITE_ID.fullmatch(member) else None
        number = int(year) if year is not None and YEAR.fullmatch(year) else None
        if (site is None) != (member is None) or (number is None) != (year is None):
            return None
        return cls(site, number)

    def path(self) -> str:
        """The page's path below the lab's root."""
        if self.member is not None:
            return f"/member/{self.member.name}"
        return f"/year/{self.year}" if self.year is not None else "/"

    def papers(self, publications: LabPublications) -> tuple[LabPaper, ...]:
        """The papers this page lists."""
        if self.member is not None:
            return publications.of_member(self.member)
        if self.year is not None:
            return publications.of_year(self.year)
        return publications.papers


def render_lab_page(
    lab: Lab,
    members: Sequence[MemberView],
    publications: LabPublications,
    shown: LabFilter = LabFilter(),
    *,
    base_path: str = "",
    root: str = "",
) -> str:
    """The lab page as HTML; `root` is the lab's absolute address for this request, if known."""
    by_site = {view.member.site: view for view in members}
    groups = [
        (title, [view for view in members if view.member.group == group])
        for group, title in GROUPS.items()
    ]
    url = f"{root or base_path}{shown.path()}" if shown.path() != "/" else f"{root or base_path}/"
    return (
        environment()
        .get_template("lab.html")
        .render(
            lab=lab,
            groups=[(title, views) for title, views in groups if views],
            members=by_site,
            papers=shown.papers(publications),
            publications=publications,
            shown=shown,
            filter_member=by_site.get(shown.member) if shown.member else None,
            chart_svg=Markup(citation_chart_svg(publications.per_year, "papers")),
            base_path=base_path,
            canonical=url if url.startswith(("https://", "http://")) else "",
            structured_data=Markup(script_json(lab_structured_data(lab, members, root))),
        )
    )


def lab_structured_data(lab: Lab, members: Sequence[MemberView], root: str) -> dict:
    """schema.org JSON-LD: the lab as a research organization with its members as people."""
    data: dict = {"@context": "https://schema.org", "@type": "ResearchOrganization",
                  "name": lab.title}  # fmt: skip
    if lab.description:
        data["description"] = lab.description
    if root:
        data["url"] = f"{root}/"
    people = []
    for view in members:
        person = {"@type": "Person", "name": view.name}
        if view.href.startswith(("https://", "http://")):
            person["url"] = view.href
        if view.member.role:
            person["jobTitle"] = view.member.role
        people.append(person)
    if people:
        data["member"] = people
    return data


def lab_pages(members: Sequence[MemberView], publications: LabPublications) -> list[str]:
    """The path of every page of the lab: its root, each member's and each year's."""
    years = [f"/year/{year}" for year, _ in reversed(publications.per_year)]
    return ["/", *(f"/member/{view.member.site.name}" for view in members), *years]


def lab_sitemap(
    members: Sequence[MemberView],
    publications: LabPublications,
    root: str,
    member_roots: Sequence[str],
) -> str:
    """The lab's sitemap: its own pages and every member's page."""
    addresses = [root + path for path in lab_pages(members, publications)]
    addresses += [f"{address}/" for address in member_roots]
    urls = "".join(
        f"\n  <url>\n    <loc>{escape(address)}</loc>\n  </url>" for address in addresses
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}\n</urlset>\n'
    )


def lab_feed(lab: Lab, publications: LabPublications, root: str, now: datetime) -> str:
    """An Atom feed of the lab's newest papers, each dated by the start of its year."""
    papers = publications.papers[:FEED_PAPERS]
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    updated = max((f"{paper.year:04d}-01-01T00:00:00Z" for paper in papers if paper.year),
                  default=stamp)  # fmt: skip
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(lab.language)}>',
        f"  <title>{escape(lab.title)}</title>",
        f"  <id>{escape(root)}/</id>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(root + "/feed.xml")}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(root + "/")}/>',
        f"  <updated>{updated}</updated>",
        f"  <author><name>{escape(lab.title)}</name></author>",
    ]
    for paper in papers:
        key = f"{root}/\n{paper.doi or paper.title}"
        link = paper.link or (f"https://doi.org/{paper.doi}" if paper.doi else root + "/")
        authors = ", ".join(author.name for author in paper.authors)
        dated = f"{paper.year:04d}-01-01T00:00:00Z" if paper.year else updated
        parts.append(
            "  <entry>\n"
            f"    <id>urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}</id>\n"
            f"    <title>{escape(paper.title)}</title>\n"
            f"    <updated>{dated}</updated>\n"
            f'    <link rel="alternate" type="text/html" href={quoteattr(link)}/>\n'
            f"    <summary>{escape(' · '.join(filter(None, (authors, paper.venue))))}</summary>\n"
            "  </entry>"
        )
    parts.append("</feed>\n")
    return "\n".join(parts)
