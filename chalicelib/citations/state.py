"""The citation state a reader sees: sources' status, and which snapshot is shown (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from chalicelib.citations.model import CitationDisplay, CitationSnapshot

SOURCE_LABELS = {
    "scholar": "Google Scholar",
    "openalex": "OpenAlex",
    "semanticscholar": "Semantic Scholar",
    "import": "imported gs_data.json",
}
# Who brought a source's numbers: the owner sees where each number last came from, and when.
ORIGIN_LABELS = {
    "aws-schedule": "the schedule in AWS",
    "owner-machine": "`acadpage refresh` on the owner's machine",
    "owner-machine-schedule": "the schedule on the owner's machine",
    "saved-page": "a Scholar page saved in the browser",
    "gs-data-file": "`acadpage import-gs-data`",
}
# An imported gs_data.json holds Scholar's numbers, so it counts as Scholar when choosing.
SCHOLAR_SOURCES = ("scholar", "import")
OPEN_SOURCES = ("openalex", "semanticscholar")


@dataclass(frozen=True)
class HeldNumbers:
    """The headline numbers of a snapshot that was held back, kept for the owner to judge."""

    fetched_at: datetime
    citations: int
    h_index: int
    i10_index: int
    publications: int
    partial: bool = False


@dataclass(frozen=True)
class SourceStatus:
    """One source's last refresh attempt, its last published success and any held-back numbers."""

    source: str
    last_attempt_at: datetime | None = None
    outcome: str = ""  # the kind of the last attempt: ok, blocked, not_found, ...
    detail: str = ""
    origin: str = ""  # who made the last attempt (ORIGIN_LABELS); "" when not recorded
    last_success_at: datetime | None = None
    held_back_reason: str = ""
    held_back_at: datetime | None = None
    held: HeldNumbers | None = None  # what was held back, when the record says
    accepted_at: datetime | None = None  # the owner last published held-back numbers

    @property
    def held_back(self) -> bool:
        """True while fetched numbers wait, unpublished, for a look by the owner."""
        return bool(self.held_back_reason)


@dataclass(frozen=True)
class RefreshStatus:
    """The status record: every source's own status and a revision counting the updates."""

    sources: Mapping[str, SourceStatus] = field(default_factory=dict)
    revision: int = 0

    @property
    def last_attempt(self) -> SourceStatus | None:
        """The source attempted most recently, or None before any attempt."""
        attempted = [s for s in self.sources.values() if s.last_attempt_at is not None]
        return max(attempted, key=lambda s: s.last_attempt_at, default=None)


@dataclass(frozen=True)
class CitationState:
    """Everything the page shows about citations; `version` changes whenever any of it changes."""

    snapshots: Mapping[str, CitationSnapshot]
    status: RefreshStatus | None
    version: str


@dataclass(frozen=True)
class HistoryPoint:
    """One day's numbers of one source, kept for the trend."""

    day: date
    citations: int
    h_index: int
    i10_index: int
    publications: int | None = None  # rows of a complete fetch; None when unknown or partial


def utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive time is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso_time(moment: datetime) -> str:
    """A time as readers' JSON gives it: ISO 8601 in UTC, with "Z" ("2024-04-10T12:00:00Z")."""
    return utc(moment).isoformat().replace("+00:00", "Z")


def age_in_days(fetched_at: datetime, now: datetime) -> int:
    """Whole UTC calendar days between a fetch and now (0 on the same day, never negative)."""
    return max(0, (utc(now).date() - utc(fetched_at).date()).days)


def display_label(snapshot: CitationSnapshot) -> str:
    """Whose numbers these are, as the page says it: a saved page is named as one."""
    label = SOURCE_LABELS.get(snapshot.source, snapshot.source)
    return f"a {label} page saved in the browser" if snapshot.origin == "saved-page" else label


def display_of(snapshot: CitationSnapshot, now: datetime, stale_after_days: int) -> CitationDisplay:
    """How `snapshot` is shown at `now`: its label, age and whether it is stale."""
    age = age_in_days(snapshot.fetched_at, now)
    return CitationDisplay(
        snapshot=snapshot,
        source_label=display_label(snapshot),
        age_days=age,
        stale=age > stale_after_days,
    )


def choose_display(
    state: CitationState | None, now: datetime, stale_after_days: int
) -> CitationDisplay | None:
    """The snapshot the page shows: fresh Scholar, else the freshest fresh open source, else any."""
    if state is None or not state.snapshots:
        return None
    displays = [display_of(s, now, stale_after_days) for s in state.snapshots.values()]
    fresh = [d for d in displays if not d.stale]
    return (
        _freshest(d for d in fresh if d.snapshot.source in SCHOLAR_SOURCES)
        or _freshest(d for d in fresh if d.snapshot.source in OPEN_SOURCES)
        or _freshest(displays)
    )


def _freshest(displays: Iterable[CitationDisplay]) -> CitationDisplay | None:
    return max(displays, key=lambda d: utc(d.snapshot.fetched_at), default=None)


def origin_label(origin: str) -> str | None:
    """Where numbers came from, as a person reads it; None when the record does not say."""
    return ORIGIN_LABELS.get(origin, origin) if origin else None


def freshness_text(age_days: int, verb: str = "updated") -> str:
    """How old the numbers are: "updated today", "updated yesterday", "updated 5 days ago"."""
    if age_days <= 0:
        return f"{verb} today"
    if age_days == 1:
        return f"{verb} yesterday"
    return f"{verb} {age_days} days ago"


def display_freshness(display: CitationDisplay) -> str:
    """How old the shown numbers are; a saved page's are as old as the save ("saved today")."""
    verb = "saved" if display.snapshot.origin == "saved-page" else "updated"
    return freshness_text(display.age_days, verb)


def scholar_rows(state: CitationState | None) -> tuple:
    """The publication rows of the stored Scholar snapshot (or of an imported gs_data.json)."""
    snapshots = state.snapshots if state is not None else {}
    snapshot = snapshots.get("scholar") or snapshots.get("import")
    return snapshot.publications if snapshot is not None else ()
