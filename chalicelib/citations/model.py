"""The citation model: what a source says about a profile at one moment (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class PaperCitations:
    """One publication row of a profile and how often it is cited."""

    id: str  # "USER:PUBID" for Scholar, the source's own id otherwise
    title: str
    citations: int
    authors: str = ""
    venue: str = ""
    year: int | None = None
    duplicate: bool = False  # Scholar merged its count into another row: never count it twice


@dataclass(frozen=True)
class CitationSnapshot:
    """The numbers one source gave for one profile at `fetched_at` (UTC)."""

    source: str  # scholar | openalex | semanticscholar | import
    profile_id: str
    fetched_at: datetime
    citations: int
    h_index: int
    i10_index: int
    citations_since: int | None = None
    h_index_since: int | None = None
    i10_index_since: int | None = None
    since_year: int | None = None
    name: str = ""
    affiliation: str = ""
    interests: tuple[str, ...] = ()
    photo_url: str = ""
    cites_per_year: tuple[tuple[int, int], ...] = ()
    publications: tuple[PaperCitations, ...] = field(default=(), repr=False)
    # the fetch ended early or stopped at its page bound: only the most-cited rows are here
    partial: bool = False
    origin: str = ""  # who brought the numbers (state.ORIGIN_LABELS); "" when not recorded

    def paper_counts(self) -> dict[str, int]:
        """Citations per publication id, duplicates left out."""
        return {p.id: p.citations for p in self.publications if not p.duplicate}


@dataclass(frozen=True)
class CitationDisplay:
    """What the page shows: one source's snapshot and how fresh it is."""

    snapshot: CitationSnapshot
    source_label: str  # "Google Scholar", "OpenAlex", ...
    age_days: int
    stale: bool
