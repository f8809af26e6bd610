"""One citation refresh: fetch each configured source, judge what came back, publish what is sound.

Fetchers are passed in (source -> callable of the source's id), so the schedule, the command line
and tests decide how sources are reached; `source_fetchers` builds the real ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from chalicelib.citations.model import CitationSnapshot
from chalicelib.citations.state import CitationState, choose_display
from chalicelib.errors import UserError
from chalicelib.settings import Settings

SOURCE_IDS = {
    "scholar": "scholar_id",
    "openalex": "openalex_id",
    "semanticscholar": "semanticscholar_id",
}
SOURCE_VARIABLES = {
    "scholar": "ACADPAGE_SCHOLAR_ID",
    "openalex": "ACADPAGE_OPENALEX_ID",
    "semanticscholar": "ACADPAGE_SEMANTICSCHOLAR_ID",
}
MAX_DROP = 0.20  # a total falling by more than this is held back, not published
NEWER_STORED = "not published: a newer snapshot of this source is already stored"


class FetchResult(Protocol):
    """What a fetcher returns (chalicelib.citations.fetchers.FetchOutcome has this shape)."""

    kind: str  # ok | blocked | not_found | layout_changed | network_error
    snapshot: CitationSnapshot | None
    detail: str
    pages: int


Fetcher = Callable[[str], FetchResult]


@dataclass(frozen=True)
class SourceResult:
    """How one source's refresh went: its outcome, and whether its numbers were published."""

    source: str
    kind: str
    published: bool
    held_back: str = ""  # why numbers that came back fine were not published; "" otherwise
    detail: str = ""
    pages: int = 0
    snapshot: CitationSnapshot | None = field(default=None, repr=False)


@dataclass(frozen=True)
class RefreshReport:
    """Every source's result, and the stats files written after a publish."""

    results: tuple[SourceResult, ...]
    stats_keys: tuple[str, ...] = ()

    @property
    def published(self) -> bool:
        """True when at least one source's numbers were published."""
        return any(result.published for result in self.results)


def configured_sources(settings: Settings, only: str | None = None) -> list[tuple[str, str]]:
    """(source, id) for each source with an id set, Scholar first; `only` keeps one of them."""
    return [
        (source, getattr(settings, name))
        for source, name in SOURCE_IDS.items()
        if getattr(settings, name) and only in (None, source)
    ]


def hold_back_reason(fetched: CitationSnapshot, stored: CitationSnapshot | None) -> str:
    """Why numbers that came back fine must not replace the stored ones; "" when they may."""
    if stored is None or stored.citations <= 0:
        return ""
    if fetched.citations <= 0:
        return f"the total fell to {fetched.citations} from {stored.citations}"
    if fetched.citations < stored.citations * (1 - MAX_DROP):
        drop = round(100 * (stored.citations - fetched.citations) / stored.citations)
        return f"the total fell {drop}%, from {stored.citations} to {fetched.citations}"
    before, after = len(stored.publications), len(fetched.publications)
    if before and after < before * (1 - MAX_DROP):
        return f"the publication list shrank from {before} to {after} rows"
    return ""


def keep_unfetched_rows(fetched: CitationSnapshot, stored: CitationSnapshot) -> CitationSnapshot:
    """A truncated fetch completed with the stored rows it did not reach (their last counts)."""
    fetched_ids = {paper.id for paper in fetched.publications}
    rest = tuple(paper for paper in stored.publications if paper.id not in fetched_ids)
    return replace(fetched, publications=fetched.publications + rest)


def refresh_citations(
    settings: Settings,
    store,
    fetchers: Mapping[str, Fetcher],
    *,
    now: datetime,
    stats_writer=None,
    progress: Callable[[str], None] | None = None,
    only: str | None = None,
    accept_drop: bool = False,
) -> RefreshReport:
    """Refresh every configured source; source failures are recorded, storage errors raise."""
    state = store.load_current(settings.profile_id)
    stored = dict(state.snapshots) if state is not None else {}
    results = []
    for source, source_id in configured_sources(settings, only):
        if progress is not None:
            progress(f"{source}: fetching {source_id}")
        result = _refresh_source(
            settings, store, source, fetchers[source], source_id, stored.get(source), accept_drop
        )
        store.record_attempt(
            settings.profile_id,
            source,
            at=now,
            kind=result.kind,
            detail=result.detail,
            published=result.published,
            held_back_reason=result.held_back,
        )
        if result.published:
            stored[source] = result.snapshot
        results.append(result)
    stats_keys: tuple[str, ...] = ()
    if stats_writer is not None and any(result.published for result in results):
        shown = choose_display(CitationState(stored, None, ""), now, settings.stale_after_days)
        if shown is not None:
            stats_keys = stats_writer.write_gs_data(shown.snapshot)
    return RefreshReport(tuple(results), stats_keys)


def _refresh_source(
    settings: Settings,
    store,
    source: str,
    fetcher: Fetcher,
    source_id: str,
    stored: CitationSnapshot | None,
    accept_drop: bool,
) -> SourceResult:
    try:
        outcome = fetcher(source_id)
    except Exception as error:  # one source's failure must not stop the others: it is recorded
        detail = str(error) if isinstance(error, UserError) else f"{type(error).__name__}: {error}"
        return SourceResult(source, "error", False, detail=detail)
    if outcome.kind != "ok":
        return SourceResult(source, outcome.kind, False, detail=outcome.detail, pages=outcome.pages)
    if outcome.snapshot is None:
        return SourceResult(
            source,
            "ok",
            False,
            "the fetch came back without numbers",
            outcome.detail,
            outcome.pages,
        )
    # Every source's numbers live under the site's one profile id, whatever the source calls it.
    snapshot = replace(outcome.snapshot, source=source, profile_id=settings.profile_id)
    if getattr(outcome, "truncated", False) and stored is not None:
        snapshot = keep_unfetched_rows(snapshot, stored)
    reason = "" if accept_drop else hold_back_reason(snapshot, stored)
    if reason:
        return SourceResult(source, "ok", False, reason, outcome.detail, outcome.pages, snapshot)
    if not store.save_snapshot(snapshot):
        return SourceResult(source, "ok", False, "", NEWER_STORED, outcome.pages, snapshot)
    return SourceResult(source, "ok", True, "", outcome.detail, outcome.pages, snapshot)


def source_fetchers(
    settings: Settings,
    session,
    *,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
    scholar_progress: Callable[[int, int], None] | None = None,
    base_urls: Mapping[str, str] | None = None,
    timeout_s: float = 20,
) -> dict[str, Fetcher]:
    """The real fetchers, bound to a requests session and the settings' keys, delays and proxy."""
    from chalicelib.citations import fetchers

    chosen = {**settings.source_urls, **{k: v for k, v in (base_urls or {}).items() if v}}
    urls = {source: {"base_url": url} for source, url in chosen.items()}

    def scholar(user_id: str) -> FetchResult:
        return fetchers.fetch_scholar(
            session,
            user_id,
            now=now,
            delay_s=settings.scholar_delay_s,
            max_pages=settings.scholar_max_pages,
            timeout_s=timeout_s,
            sleep=sleep,
            progress=scholar_progress,
            proxy=settings.scholar_proxy,
            **urls.get("scholar", {}),
        )

    def openalex(author_id: str) -> FetchResult:
        return fetchers.fetch_openalex(
            session,
            author_id,
            now=now,
            api_key=settings.openalex_api_key,
            timeout_s=timeout_s,
            **urls.get("openalex", {}),
        )

    def semanticscholar(author_id: str) -> FetchResult:
        return fetchers.fetch_semanticscholar(
            session,
            author_id,
            now=now,
            api_key=settings.semanticscholar_api_key,
            timeout_s=timeout_s,
            **urls.get("semanticscholar", {}),
        )

    return {"scholar": scholar, "openalex": openalex, "semanticscholar": semanticscholar}


def describe_result(result: SourceResult) -> str:
    """One line a person reads about a source's refresh."""
    if result.published and result.snapshot is not None:
        snapshot = result.snapshot
        return (
            f"{result.source}: published {snapshot.citations} citations, "
            f"h-index {snapshot.h_index}, i10-index {snapshot.i10_index} "
            f"({len(snapshot.publications)} publications)"
        )
    if result.held_back:
        return f"{result.source}: held back, {result.held_back}; the stored numbers stay"
    if result.kind == "ok":
        return f"{result.source}: {result.detail}"
    return f"{result.source}: {result.kind}: {result.detail}"


def sources_needed_message(only: str | None) -> str:
    """What to set when a refresh has no source to fetch."""
    if only is not None:
        return f"no {only} id configured: set {SOURCE_VARIABLES[only]}"
    first, second, third = SOURCE_VARIABLES.values()
    return f"no citation source configured: set {first}, {second} or {third}"
