"""`{type: publications, from: scholar, sort: year, limit: 50}`: a section that lists the
profile's publications from the citation store, read from the section entry (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.site.fields import Fields

LISTING_SOURCES = ("scholar",)
LISTING_SORTS = ("year", "citations", "title")
LISTING_OPTIONS = ("from", "sort", "limit")


@dataclass(frozen=True)
class PublicationListing:
    """Which stored rows a publications section lists, in which order, and how many."""

    source: str = "scholar"
    sort: str = "year"  # year: newest first; citations: most cited first; title: A to Z
    limit: int | None = None  # None: every row


def read_listing(fields: Fields) -> PublicationListing | None:
    """The listing a publications section entry asks for, or None when it has no `from`."""
    if "from" not in fields:
        for name in LISTING_OPTIONS[1:]:
            if name in fields:
                fields.read.add(name)
                fields.problems.add(
                    fields.values[name], fields.where(name), "is an option of 'from: scholar'"
                )
        return None
    source = fields.choice("from", LISTING_SOURCES, "scholar")
    sort = fields.choice("sort", LISTING_SORTS, "year")
    limit = fields.integer("limit")
    if limit is not None and limit < 1:
        fields.expect("limit", fields.values["limit"], "a whole number of 1 or more")
        limit = None
    return PublicationListing(source, sort, limit)
