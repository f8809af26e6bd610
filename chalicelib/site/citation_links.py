"""The site as the page shows it with the stored Scholar rows: each publication's count found
by its title, and `from: scholar` sections filled (pure; run once per content and citation
version, not per request)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from chalicelib.citations.matching import (
    TitleIndex,
    TitleMatch,
    author_names,
    is_owner_form,
    normalize_title,
)
from chalicelib.citations.model import PaperCitations
from chalicelib.site.content import Section, Site
from chalicelib.site.entries import Author, Publication
from chalicelib.site.listing import PublicationListing


def resolve_site(site: Site, rows: Sequence[PaperCitations]) -> Site:
    """The site with Scholar ids found by title and store listings filled from `rows`."""
    if not rows:
        return site
    index = TitleIndex(rows)
    owners = site.profile.author_names
    sections = tuple(_resolve_section(section, index, rows, owners) for section in site.sections)
    return replace(site, sections=sections)


def publication_matches(site: Site, rows: Sequence[PaperCitations]) -> tuple[TitleMatch, ...]:
    """How each hand-written publication without a scholar_id fares against the rows (a paper
    shown by two sections counted once)."""
    index = TitleIndex(rows)
    papers = dict.fromkeys(
        paper
        for section in site.sections
        for paper in section.publications
        if not paper.scholar_id and not paper.html
    )
    return tuple(index.match(paper.title) for paper in papers)


def publication_of_row(row: PaperCitations, owner_names: Sequence[str]) -> Publication:
    """A stored row as a publication of the page, the owner's name highlighted."""
    authors = tuple(
        Author(name, any(is_owner_form(name, owner) for owner in owner_names))
        for name in author_names(row.authors)
    )
    return Publication(
        title=row.title, authors=authors, venue=row.venue, year=row.year, scholar_id=row.id
    )


def listed_rows(
    rows: Sequence[PaperCitations], listing: PublicationListing, taken: set[str]
) -> list[PaperCitations]:
    """The rows a listing shows, in its order and up to its limit, leaving out `taken` ids."""
    shown = [row for row in rows if not row.duplicate and row.id not in taken and row.title]
    if listing.sort == "year":
        shown.sort(key=lambda row: (-(row.year or 0), -row.citations))
    elif listing.sort == "citations":
        shown.sort(key=lambda row: -row.citations)
    else:
        shown.sort(key=lambda row: normalize_title(row.title))
    return shown[: listing.limit] if listing.limit else shown


def _resolve_section(section: Section, index: TitleIndex, rows, owners) -> Section:
    if not section.publications and section.listing is None:
        return section
    matches = [index.match(paper.title) for paper in section.publications]
    papers = tuple(
        # an explicit scholar_id always wins over the row the title matches
        replace(paper, scholar_id=match.row.id) if match.row and not paper.scholar_id else paper
        for paper, match in zip(section.publications, matches, strict=True)
    )
    if section.listing is not None:
        # a hand-written entry takes the place of the rows it names or its title matches
        taken = {paper.scholar_id for paper in papers if paper.scholar_id}
        for match in matches:
            taken.update(row.id for row in (match.row, *match.candidates) if row is not None)
        papers += tuple(
            publication_of_row(row, owners) for row in listed_rows(rows, section.listing, taken)
        )
    return replace(section, publications=papers)
