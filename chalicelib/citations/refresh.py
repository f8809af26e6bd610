"""One citation refresh: fetch each configured source, judge what came back, publish what is sound.

Fetchers are passed in (source -> callable of the source's id), so the schedule, the command line
and tests decide how sources are reached; `source_fetchers` builds the real ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Protocol

from chalicelib.citations.guard import HISTORY_DAYS, judge
from chalicelib.citations.model import CitationSnapshot
from chalicelib.citations.state import CitationState, choose_display, utc
from chalicelib.errors import UserError
from chalicelib.settings import Settings

SOURCE_IDS = {
    "scholar": "scholar_id",
    "openalex": "openalex_author",
    "semanticscholar": "semanticscholar_id",
}
NEWER_STORED = "not published: a newer snapshot of this source is already stored"
STATS_ROUNDS = 5  # rewrites of the stats files while racing refreshes keep changing the table


class FetchResult(Protocol):
    """What a fetcher returns (chalicelib.citations.fetchers.FetchOutcome has this shape)."""

    kind: str  # ok | blocked | not_found | layout_changed | network_error
    snapshot: CitationSnapshot | None
    detail: str
    pages: int
    truncated: bool  # partial: the fetch ended early or stopped at its page bound


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
    """Every source's result, the stats files written after a publish, and whether the numbers
    the page shows changed (only then is the edge's copy stale)."""

    results: tuple[SourceResult, ...]
    stats_keys: tuple[str, ...] = ()
    shown_changed: bool = False

    @property
    def published(self) -> bool:
        """True when at least one source's numbers were published."""
        return any(result.published for result in self.results)

    @property
    def failed(self) -> bool:
        """True when sources were tried and none came back sound: each was blocked, erred,
        found nothing or was held back by the guard. Numbers equal to the stored ones, or
        older than a racing refresh's, are no failure."""
        return bool(self.results) and not any(
            result.published or (result.kind == "ok" and not result.held_back)
            for result in self.results
        )


def configured_sources(settings: Settings, only: str | None = None) -> list[tuple[str, str]]:
    """(source, id) for each source with an id set, Scholar first; `only` keeps one of them."""
    return [
        (source, getattr(settings, SOURCE_IDS[source]))
        for source in settings.citation_sources
        if only in (None, source)
    ]


def refresh_citations(
    settings: Settings,
    store,
    fetchers: Mapping[str, Fetcher],
    *,
    now: datetime,
    stats_writer=None,
    progress: Callable[[str], None] | None = None,
    only: str | None = None,
    origin: str = "",
) -> RefreshReport:
    """Refresh every configured source; source failures are recorded, storage errors raise.

    `origin` (state.ORIGIN_LABELS) is kept with the numbers and the attempt: who brought them."""
    state = store.load_current(settings.profile_id)
    results = []
    for source, source_id in configured_sources(settings, only):
        if progress is not None:
            doing = "reading the saved pages of" if origin == "saved-page" else "fetching"
            progress(f"{source}: {doing} {source_id}")
        result = _fetch_source(source, fetchers[source], source_id, origin)
        if result.snapshot is not None:
            result = publish_guarded(
                settings, store, result.snapshot, state=state, now=now, fetched=result
            )
        else:
            store.record_attempt(
                settings.profile_id,
                source,
                at=now,
                kind=result.kind,
                detail=result.detail,
                held_back_reason=result.held_back,
                origin=origin,
            )
        results.append(result)
    return _report(settings, store, results, stats_writer, now=now, before=state)


def publish_guarded(
    settings: Settings,
    store,
    snapshot: CitationSnapshot,
    *,
    state: CitationState | None,
    now: datetime,
    fetched: SourceResult | None = None,
) -> SourceResult:
    """Judge `snapshot` (guard.judge), then save it or keep it held back, and record the attempt.

    The one way numbers reach the table: the refresh and any other caller use it.
    """
    # Every source's numbers live under the site's one profile id, whatever the source calls it.
    snapshot = replace(snapshot, profile_id=settings.profile_id)
    source = snapshot.source
    detail, pages = (fetched.detail, fetched.pages) if fetched is not None else ("", 0)
    stored = state.snapshots.get(source) if state is not None else None
    status = state.status.sources.get(source) if state and state.status else None
    history = store.history(
        settings.profile_id, source, since=utc(now).date() - timedelta(days=HISTORY_DAYS)
    )
    verdict = judge(
        snapshot, stored, history, now=now, accepted_at=status.accepted_at if status else None
    )
    result = SourceResult(source, "ok", False, verdict.reason, detail, pages, verdict.snapshot)
    if not verdict.publishable:
        store.save_held(verdict.snapshot)
    elif store.save_snapshot(verdict.snapshot):
        result = replace(result, published=True)
    else:
        result = replace(result, detail=NEWER_STORED)
    store.record_attempt(
        settings.profile_id,
        source,
        at=now,
        kind="ok",
        detail=result.detail,
        published=result.published,
        held_back_reason=result.held_back,
        held=verdict.snapshot if result.held_back else None,
        origin=snapshot.origin,
    )
    return result


def accept_held_back(
    settings: Settings, store, *, now: datetime, stats_writer=None, only: str | None = None
) -> RefreshReport:
    """Publish what was held back (for any reason), as the owner explicitly asked; no fetch."""
    state = store.load_current(settings.profile_id, consistent=True)
    statuses = state.status.sources if state is not None and state.status is not None else {}
    chosen = [
        name for name, status in statuses.items() if status.held_back and only in (None, name)
    ]
    if not chosen:
        where = f"for {only}" if only else "for any source"
        raise UserError(f"nothing is held back {where}; `acadpage status` shows each source")
    results = []
    for source in chosen:
        snapshot = store.load_held(settings.profile_id, source)
        held = statuses[source].held
        if snapshot is not None and (held is None or held.fetched_at != snapshot.fetched_at):
            snapshot = None  # kept from an earlier hold: not what the status shows
        if snapshot is None:
            results.append(
                SourceResult(
                    source,
                    "ok",
                    False,
                    detail="the held-back numbers were not kept; run `acadpage refresh` again",
                )
            )
            continue
        published = store.save_snapshot(snapshot)
        detail = "accepted the held-back numbers" if published else NEWER_STORED
        store.record_attempt(
            settings.profile_id,
            source,
            at=now,
            kind="ok",
            detail=detail,
            published=published,
            accepted=published,
            origin=snapshot.origin,
        )
        if published:
            store.drop_held(settings.profile_id, source)
        results.append(SourceResult(source, "ok", published, "", detail, 0, snapshot))
    return _report(settings, store, results, stats_writer, now=now, before=state)


def _report(
    settings: Settings,
    store,
    results: list[SourceResult],
    stats_writer,
    *,
    now: datetime,
    before: CitationState | None,
) -> RefreshReport:
    """The results, with the stats files written when any of them published."""
    if not any(result.published for result in results):
        return RefreshReport(tuple(results))
    if stats_writer is not None:
        stats_keys, after = write_stats_files(settings, store, stats_writer, now=now)
    else:
        stats_keys, after = (), store.load_current(settings.profile_id, consistent=True)
    changed = shown_numbers(before, now, settings) != shown_numbers(after, now, settings)
    return RefreshReport(tuple(results), stats_keys, changed)


def shown_numbers(state: CitationState | None, now: datetime, settings: Settings) -> tuple:
    """What the page, the badges and gs_data.json show of `state`, its fetch time left out."""
    shown = choose_display(state, now, settings.stale_after_days)
    if shown is None:
        return ()
    snapshot = replace(shown.snapshot, fetched_at=None, partial=False)
    return (snapshot, shown.stale)


def write_stats_files(
    settings: Settings, store, stats_writer, *, now: datetime
) -> tuple[tuple[str, ...], CitationState | None]:
    """Write the stats files from what the table holds now, again until it holds still: the
    keys written, and the table's state as last read (strongly).

    Racing refreshes may write in any order; each one reads the table (strongly) after its
    write and writes again if it changed, so the last write is always of the newest snapshots.
    """
    keys: tuple[str, ...] = ()
    state = store.load_current(settings.profile_id, consistent=True)
    for _ in range(STATS_ROUNDS):
        shown = choose_display(state, now, settings.stale_after_days)
        if shown is None:
            break
        keys = stats_writer.write_gs_data(shown, state.snapshots)
        again = store.load_current(settings.profile_id, consistent=True)
        if _snapshot_times(again) == _snapshot_times(state):
            return keys, again
        state = again
    return keys, state


def _snapshot_times(state: CitationState | None) -> tuple:
    snapshots = state.snapshots if state is not None else {}
    return tuple(sorted((source, s.fetched_at) for source, s in snapshots.items()))


def _fetch_source(source: str, fetcher: Fetcher, source_id: str, origin: str) -> SourceResult:
    """The fetch's outcome as a result; its snapshot set only when it brought numbers."""
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
    partial = outcome.truncated or outcome.snapshot.partial
    return SourceResult(
        source,
        "ok",
        False,
        detail=outcome.detail,
        pages=outcome.pages,
        snapshot=replace(outcome.snapshot, source=source, partial=partial, origin=origin),
    )


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

    return {
        "scholar": partial(
            fetchers.fetch_scholar,
            session,
            now=now,
            delay_s=settings.scholar_delay_s,
            max_pages=settings.scholar_max_pages,
            timeout_s=timeout_s,
            sleep=sleep,
            progress=scholar_progress,
            proxy=settings.scholar_proxy,
            **urls.get("scholar", {}),
        ),
        "openalex": partial(
            fetchers.fetch_openalex,
            session,
            now=now,
            api_key=settings.openalex_api_key,
            timeout_s=timeout_s,
            **urls.get("openalex", {}),
        ),
        "semanticscholar": partial(
            fetchers.fetch_semanticscholar,
            session,
            now=now,
            api_key=settings.semanticscholar_api_key,
            timeout_s=timeout_s,
            **urls.get("semanticscholar", {}),
        ),
    }


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
        return (
            f"{result.source}: held back, {result.held_back}; the stored numbers stay "
            "(`acadpage refresh --accept-drop` publishes the held ones)"
        )
    if result.kind == "ok":
        return f"{result.source}: {result.detail}"
    return f"{result.source}: {result.kind}: {result.detail}"
