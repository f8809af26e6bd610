"""OpenAlex and Semantic Scholar API responses -> citation model (pure: no network, no clock)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.citations.model import CitationSnapshot, PaperCitations
from chalicelib.errors import UserError
from chalicelib.settings import ORCID

_OPENALEX_AUTHOR = re.compile(r"^A\d+$")
_SEMANTICSCHOLAR_AUTHOR = re.compile(r"^\d+$")
_MISSING = object()


class SourceFormatError(UserError):
    """An API answer lacks a field we need, or the field has the wrong type."""


def valid_openalex_id(author_id: str) -> bool:
    """Whether `author_id` is an OpenAlex author id (A123...) or an ORCID (0000-0002-1825-009X)."""
    return bool(_OPENALEX_AUTHOR.fullmatch(author_id) or ORCID.fullmatch(author_id))


def valid_semanticscholar_id(author_id: str) -> bool:
    """Whether `author_id` is a Semantic Scholar author id (digits only)."""
    return bool(_SEMANTICSCHOLAR_AUTHOR.fullmatch(author_id))


def openalex_short_id(url_or_id: str) -> str:
    """ "A5023888391" from "https://openalex.org/A5023888391" (an id without a URL is kept)."""
    return url_or_id.rstrip("/").rsplit("/", 1)[-1]


def openalex_deleted(author_json: object) -> bool:
    """Whether an OpenAlex author record is the "Deleted Author" left behind by a merge or
    deletion: it answers 200 with zero works and zero citations."""
    if not isinstance(author_json, dict):
        return False
    name = str(author_json.get("display_name") or "").strip().casefold()
    empty = not author_json.get("works_count") and not author_json.get("cited_by_count")
    return name == "deleted author" and empty


def semanticscholar_papers(listing: object, offset: int) -> tuple[list, int | None]:
    """The papers of one /author/{id}/papers page and the next offset (None on the last page)."""
    place = f"Semantic Scholar papers from offset {offset}"
    page = _mapping(listing, place)
    data = _list(_field(page, "data", place), f"{place}: data")
    following = page.get("next")
    if following is None:
        return data, None
    if isinstance(following, bool) or not isinstance(following, int) or following <= offset:
        raise SourceFormatError(
            f"{place}: next: expected an offset after {offset}, got {_shown(following)}"
        )
    return data, following


def openalex_snapshot(
    author_json: dict, works: list | None, fetched_at: datetime
) -> CitationSnapshot:
    """The snapshot an OpenAlex author record (and optionally its works) describes."""
    place = "OpenAlex author"
    author = _mapping(author_json, place)
    stats = _mapping(_field(author, "summary_stats", place), f"{place}: summary_stats")
    per_year = _list(
        _field(author, "counts_by_year", place, default=[]), f"{place}: counts_by_year"
    )
    cites_per_year = sorted(
        (
            _whole(entry, "year", f"{place}: counts_by_year[{index}]"),
            _whole(entry, "cited_by_count", f"{place}: counts_by_year[{index}]"),
        )
        for index, entry in enumerate(per_year)
    )
    institutions = author.get("last_known_institutions") or []
    affiliation = ""
    if isinstance(institutions, list) and institutions and isinstance(institutions[0], dict):
        affiliation = str(institutions[0].get("display_name") or "")
    return CitationSnapshot(
        source="openalex",
        profile_id=openalex_short_id(_text(_field(author, "id", place), f"{place}: id")),
        fetched_at=fetched_at,
        citations=_whole(author, "cited_by_count", place),
        h_index=_whole(stats, "h_index", f"{place}: summary_stats"),
        i10_index=_whole(stats, "i10_index", f"{place}: summary_stats"),
        name=str(author.get("display_name") or ""),
        affiliation=affiliation,
        cites_per_year=tuple(cites_per_year),
        publications=tuple(_openalex_work(work, index) for index, work in enumerate(works or [])),
    )


def semanticscholar_snapshot(
    author_json: dict, fetched_at: datetime, papers_json: list | None = None
) -> CitationSnapshot:
    """The snapshot a Semantic Scholar author record describes; i10 is counted from its papers.

    `papers_json` (the pages of /author/{id}/papers) replaces the record's own `papers` list.
    Semantic Scholar reports no i10-index, so an answer without `papers` gets i10_index 0.
    """
    place = "Semantic Scholar author"
    author = _mapping(author_json, place)
    listed = papers_json if papers_json is not None else author.get("papers") or []
    papers = [
        _semanticscholar_paper(paper, index)
        for index, paper in enumerate(_list(listed, f"{place}: papers"))
    ]
    affiliations = author.get("affiliations") or []
    return CitationSnapshot(
        source="semanticscholar",
        profile_id=_text(_field(author, "authorId", place), f"{place}: authorId"),
        fetched_at=fetched_at,
        citations=_whole(author, "citationCount", place),
        h_index=_whole(author, "hIndex", place),
        i10_index=sum(1 for paper in papers if paper.citations >= 10),
        name=str(author.get("name") or ""),
        affiliation=str(affiliations[0]) if isinstance(affiliations, list) and affiliations else "",
        publications=tuple(papers),
    )


def _openalex_work(work: Any, index: int) -> PaperCitations:
    """One OpenAlex work as a publication with its citation count."""
    place = f"OpenAlex works[{index}]"
    work = _mapping(work, place)
    year = work.get("publication_year")
    source = (work.get("primary_location") or {}).get("source") or {}
    authors = [
        (authorship.get("author") or {}).get("display_name") or ""
        for authorship in work.get("authorships") or []
        if isinstance(authorship, dict)
    ]
    return PaperCitations(
        id=openalex_short_id(_text(_field(work, "id", place), f"{place}: id")),
        title=str(work.get("display_name") or work.get("title") or ""),
        citations=_whole(work, "cited_by_count", place),
        authors=", ".join(name for name in authors if name),
        venue=str(source.get("display_name") or "") if isinstance(source, dict) else "",
        year=year if isinstance(year, int) and not isinstance(year, bool) else None,
    )


def _semanticscholar_paper(paper: Any, index: int) -> PaperCitations:
    """One Semantic Scholar paper as a publication with its citation count."""
    place = f"Semantic Scholar author: papers[{index}]"
    paper = _mapping(paper, place)
    year = paper.get("year")
    authors = [
        str(author.get("name") or "")
        for author in paper.get("authors") or []
        if isinstance(author, dict)
    ]
    return PaperCitations(
        id=_text(_field(paper, "paperId", place), f"{place}: paperId"),
        title=str(paper.get("title") or ""),
        # Semantic Scholar sends null for a paper it has no count for yet.
        citations=_whole(paper, "citationCount", place, null_is_zero=True),
        authors=", ".join(name for name in authors if name),
        venue=str(paper.get("venue") or ""),
        year=year if isinstance(year, int) and not isinstance(year, bool) else None,
    )


def _field(mapping: dict, name: str, place: str, default: Any = _MISSING) -> Any:
    """mapping[name], or a SourceFormatError naming `place` and the missing field."""
    if name in mapping:
        return mapping[name]
    if default is _MISSING:
        raise SourceFormatError(f"{place}: {name}: expected a value, got nothing (field missing)")
    return default


def _mapping(value: Any, place: str) -> dict:
    """`value` if it is a JSON object; otherwise a SourceFormatError."""
    if not isinstance(value, dict):
        raise SourceFormatError(f"{place}: expected an object, got {_shown(value)}")
    return value


def _list(value: Any, place: str) -> list:
    """`value` if it is a JSON array; otherwise a SourceFormatError."""
    if not isinstance(value, list):
        raise SourceFormatError(f"{place}: expected a list, got {_shown(value)}")
    return value


def _whole(mapping: Any, name: str, place: str, null_is_zero: bool = False) -> int:
    """mapping[name] if it is a whole number >= 0; otherwise a SourceFormatError naming it."""
    value = _field(_mapping(mapping, place), name, place)
    if value is None and null_is_zero:
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise SourceFormatError(f"{place}: {name}: expected a whole number >= 0, got {_shown(value)}")


def _text(value: Any, place: str) -> str:
    """`value` if it is a non-empty string; otherwise a SourceFormatError."""
    if isinstance(value, str) and value:
        return value
    raise SourceFormatError(f"{place}: expected a non-empty string, got {_shown(value)}")


def _shown(value: Any) -> str:
    """A short rendering of a bad value for an error message."""
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def headline_over_stored(
    fetched: CitationSnapshot, stored: CitationSnapshot | None
) -> CitationSnapshot:
    """A batch's headline numbers with the stored rows (their last counts) and completeness.

    A batch answers no works or papers; Semantic Scholar's i10-index, counted from papers,
    is then the stored one.
    """
    if stored is None:
        return replace(fetched, partial=True)
    i10 = stored.i10_index if fetched.source == "semanticscholar" else fetched.i10_index
    return replace(
        fetched,
        i10_index=i10,
        publications=stored.publications,
        partial=stored.partial,
        cites_per_year=fetched.cites_per_year or stored.cites_per_year,
    )
