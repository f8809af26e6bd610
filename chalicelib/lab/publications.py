"""The lab's one publication list: every member's papers merged so a paper written by three
members appears once (matched by DOI, then Scholar id, then normalized title), with the lab's
per-year counts and de-duplicated totals (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chalicelib.citations.matching import normalize_title
from chalicelib.lab.siteid import SiteId
from chalicelib.site.content import Site
from chalicelib.site.entries import Publication

# a DOI as a link or a bare name carries it (https://doi.org/10.1145/..., doi:10.1145/...)
DOI = re.compile(r"(10\.\d{4,9}/\S+)", re.IGNORECASE)
MIN_TITLE_CHARS = 12  # shorter normalized titles ("Introduction") name no paper on their own


@dataclass(frozen=True)
class LabAuthor:
    """An author of a lab paper, and the member site they are (None: not a member)."""

    name: str
    member: SiteId | None = None


@dataclass(frozen=True)
class LabPaper:
    """One paper of the lab, however many members list it."""

    title: str
    authors: tuple[LabAuthor, ...]
    members: tuple[SiteId, ...]  # the members who list it, in lab.yaml's order
    year: int | None = None
    venue: str = ""
    link: str = ""
    doi: str = ""
    citations: int | None = None  # the largest count a member's numbers give it


@dataclass(frozen=True)
class LabPublications:
    """The merged list, newest first, with what the lab page sums from it."""

    papers: tuple[LabPaper, ...]

    @property
    def per_year(self) -> tuple[tuple[int, int], ...]:
        """(year, papers) for every year with a paper, oldest first."""
        counts: dict[int, int] = {}
        for paper in self.papers:
            if paper.year:
                counts[paper.year] = counts.get(paper.year, 0) + 1
        return tuple(sorted(counts.items()))

    @property
    def citations(self) -> int:
        """The citations of the lab's papers, each paper counted once."""
        return sum(paper.citations or 0 for paper in self.papers)

    def of_member(self, site: SiteId) -> tuple[LabPaper, ...]:
        """The papers `site` lists."""
        return tuple(paper for paper in self.papers if site in paper.members)

    def of_year(self, year: int) -> tuple[LabPaper, ...]:
        """The papers of one year."""
        return tuple(paper for paper in self.papers if paper.year == year)


def paper_doi(paper: Publication) -> str:
    """The DOI a paper's link or DOI link names, lowercased (DOIs ignore case), or ""."""
    for url in (*(link.url for link in paper.links if link.label == "DOI"), paper.link):
        if url and (found := DOI.search(url)) and ("doi" in url.lower() or url == found.group()):
            return found.group(1).rstrip(".,;").lower()
    return ""


def member_papers(site: Site) -> list[Publication]:
    """The papers a member's (resolved) site shows, each once; not those kept as an old page
    wrote them (`markdown:`), which have no title, year or authors to merge or list by."""
    seen: set[tuple[str, str]] = set()
    papers = []
    for section in site.sections:
        for paper in section.publications:
            if paper.html:
                continue
            key = (paper.scholar_id, normalize_title(paper.title))
            if key not in seen:
                seen.add(key)
                papers.append(paper)
    return papers


def merge_publications(
    members: Sequence[tuple[SiteId, Site, Mapping[str, int]]],
) -> LabPublications:
    """One list of every member's papers: `members` gives each member's site (resolved with
    its stored rows) and its paper counts by Scholar id."""
    names = _member_names(members)
    groups: list[list[tuple[SiteId, Publication, int | None]]] = []
    found: dict[tuple[str, str], int] = {}
    for site_id, site, counts in members:
        for paper in member_papers(site):
            keys = _match_keys(paper)
            group = next((found[key] for key in keys if key in found), None)
            if group is not None and _conflicts(groups[group], paper):
                group = None
            if group is None:
                group = len(groups)
                groups.append([])
            groups[group].append((site_id, paper, counts.get(paper.scholar_id)))
            for key in keys:
                found.setdefault(key, group)
    papers = [_lab_paper(group, names) for group in groups]
    papers.sort(key=lambda paper: (-(paper.year or 0), normalize_title(paper.title)))
    return LabPublications(tuple(papers))


def _match_keys(paper: Publication) -> list[tuple[str, str]]:
    keys = []
    if doi := paper_doi(paper):
        keys.append(("doi", doi))
    if paper.scholar_id:
        keys.append(("scholar", paper.scholar_id))
    title = normalize_title(paper.title)
    if len(title) >= MIN_TITLE_CHARS:
        keys.append(("title", title))
    return keys


def _conflicts(group: list, paper: Publication) -> bool:
    """Two different DOIs are two papers, even under one title (a preprint and its article)."""
    doi = paper_doi(paper)
    return bool(doi) and any(paper_doi(other) not in ("", doi) for _, other, _ in group)


def _member_names(members) -> dict[str, SiteId]:
    """Each way a member is written in author lists (their author_names, their name)."""
    names: dict[str, SiteId] = {}
    for site_id, site, _ in members:
        for name in (*site.profile.author_names, site.profile.name):
            names.setdefault(name.casefold(), site_id)
    return names


def _lab_paper(group: list[tuple[SiteId, Publication, int | None]], names) -> LabPaper:
    first = group[0][1]
    listed_by = tuple(dict.fromkeys(site_id for site_id, _, _ in group))
    owners = {
        author.name.casefold(): site_id
        for site_id, paper, _ in group
        for author in paper.authors
        if author.is_owner
    }
    authors = tuple(
        LabAuthor(
            author.name, owners.get(author.name.casefold()) or names.get(author.name.casefold())
        )
        for author in first.authors
    )
    counts = [count for _, _, count in group if count is not None]
    return LabPaper(
        title=first.title,
        authors=authors,
        members=listed_by,
        year=next((paper.year for _, paper, _ in group if paper.year), None),
        venue=next((paper.venue for _, paper, _ in group if paper.venue), ""),
        link=next((paper.link for _, paper, _ in group if paper.link), ""),
        doi=next((doi for _, paper, _ in group if (doi := paper_doi(paper))), ""),
        citations=max(counts) if counts else None,
    )
