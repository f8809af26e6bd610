"""The refresh of many sites: the Scholar tick (one paced request) and the open-source batches.

Decisions come from chalicelib.citations.pacing (pure); this module performs them: it takes the
pacer's lease, sleeps until the request's time, asks Scholar once, and stores what came back
through the same guard and history as a one-site refresh (refresh.publish_guarded).
docs/fanout.md describes the mechanism, its numbers and its cost.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.citations.batch_fetchers import (
    OPENALEX_BATCH,
    SEMANTICSCHOLAR_BATCH,
    fetch_openalex_authors,
    fetch_semanticscholar_authors,
)
from chalicelib.citations.fetchers import FetchOutcome, fetch_scholar_page, repeated_rows
from chalicelib.citations.open_sources import headline_over_stored
from chalicelib.citations.pacing import (
    RULES,
    OpenProfile,
    PacingRules,
    ProfileClock,
    ScholarAction,
    after_scholar_request,
    held_back_by_pacer,
    next_scholar_action,
    open_batches,
)
from chalicelib.citations.refresh import SourceResult, publish_guarded, write_stats_files
from chalicelib.citations.scholar import merge_pages
from chalicelib.citations.state import SCHOLAR_SOURCES, choose_display
from chalicelib.settings import Settings

ORIGIN = "aws-schedule"  # who brings these numbers, as the status names it (state.ORIGIN_LABELS)
LEASE_S = 150.0  # longer than a tick's wait (WAIT_UP_TO_S) and request (20 s) together
# EventBridge starts a rate(1 minute) rule within about 20 s of its minute, so ticks come 40 to
# 80 s apart: a tick that waits up to 80 s always makes the next request exactly `gap_s` after
# the last. A 60 s wait let some requests slip to the next tick (4 of 65 in a simulated 2.4 h,
# up to 9 s late), and 5,000 profiles leave no slack for that in a week.
WAIT_UP_TO_S = 80.0
# An open-batches run starts no batch after this many seconds: Lambda's 15 minutes hold the last
# one (Semantic Scholar's 1,000 ids take about 80 s to publish at 10 ms a DynamoDB call).
OPEN_BUDGET_S = 720.0
CANDIDATES = 20  # profiles an owner refreshed are skipped; at most this many per tick
OPEN_SOURCES = {
    "openalex": ("openalex_id", OPENALEX_BATCH, fetch_openalex_authors),
    "semanticscholar": ("semanticscholar_id", SEMANTICSCHOLAR_BATCH, fetch_semanticscholar_authors),
}


@dataclass(frozen=True)
class Site:
    """One site of the stack: its id and the settings naming its profiles (and the table key)."""

    site_id: str
    settings: Settings
    store: object = None  # the site's own citation store (its partition); None: the shared one


def _store_of(site: Site, shared):
    """The citation store `site`'s numbers live in."""
    return site.store if site.store is not None else shared


@dataclass(frozen=True)
class TickReport:
    """What one Scholar tick did: its action, the answer's kind and whether it published."""

    action: ScholarAction | None  # None when another tick held the lease
    kind: str = ""
    published: bool = False
    detail: str = ""
    fresh_at: datetime | None = None  # the published numbers' time (their first page's)


def scholar_tick(
    sites: Sequence[Site],
    pacer_store,
    citation_store,
    session,
    *,
    now: datetime,
    owner: str,
    rules: PacingRules = RULES,
    wait_up_to_s: float = WAIT_UP_TO_S,
    sleep: Callable[[float], None] = time.sleep,
    stats_writer_for: Callable[[Site], object] | None = None,
    timeout_s: float = 20,
) -> TickReport:
    """At most one Scholar request for the whole stack, when and for whom the pacer says."""
    pacer = pacer_store.take_lease(owner, now, LEASE_S)
    if pacer is None:
        return TickReport(None, detail="another tick holds the pacer's lease")
    try:
        held = held_back_by_pacer(pacer, now, rules, wait_up_to_s=wait_up_to_s)
        if held is not None:  # no request this tick, whoever is due: the clocks are not read
            pacer_store.release_lease(owner)
            return TickReport(held)
        by_id = {site.site_id: site for site in sites if site.settings.scholar_id}
        if pacer.job is not None and by_id.get(pacer.job.site_id) is None:
            pacer = replace(pacer, job=None)  # the site left the stack mid-fetch: start over
        clocks = _clocks(by_id, pacer_store.profile_clocks())
        action = _choose(
            pacer, clocks, by_id, citation_store, pacer_store, now, rules, wait_up_to_s
        )
        if action.kind != "fetch":
            pacer_store.release_lease(owner)
            return TickReport(action)
        at = max(now, action.at)
        if at > now:
            sleep((at - now).total_seconds())
        pacer_store.note_request(owner, at)
        report, state, clock = _request(
            action,
            by_id[action.site_id],
            clocks[action.site_id],
            pacer,
            pacer_store,
            _store_of(by_id[action.site_id], citation_store),
            session,
            at=at,
            rules=rules,
            timeout_s=timeout_s,
            stats_writer_for=stats_writer_for,
        )
        if clock is not None:
            pacer_store.save_clock(clock)
        pacer_store.save_state(owner, state)
        return report
    except BaseException:
        pacer_store.release_lease(owner)
        raise


def _clocks(by_id: dict[str, Site], stored: dict[str, ProfileClock]) -> dict[str, ProfileClock]:
    """Each site's clock; a new site, or one whose Scholar id changed, has never been fetched."""
    clocks = {}
    for site_id, site in by_id.items():
        clock = stored.get(site_id)
        if clock is None or clock.scholar_id != site.settings.scholar_id:
            clock = ProfileClock(site_id, site.settings.scholar_id)
        clocks[site_id] = clock
    return clocks


def _choose(pacer, clocks, by_id, citation_store, pacer_store, now, rules, wait_up_to_s):
    """The pacer's action, after skipping profiles whose owner sent fresher numbers."""
    for _ in range(CANDIDATES):
        action = next_scholar_action(
            pacer, list(clocks.values()), now, rules, wait_up_to_s=wait_up_to_s
        )
        if action.kind != "fetch" or action.page > 1:
            return action
        clock = clocks[action.site_id]
        sent = _store_of(by_id[action.site_id], citation_store).numbers_fetched_at(
            by_id[action.site_id].settings.profile_id, SCHOLAR_SOURCES
        )
        if sent is None or (clock.fresh_at is not None and sent <= clock.fresh_at):
            return action
        # The owner's machine sent Scholar numbers (laptop refresh, saved pages, gs_data).
        clocks[action.site_id] = replace(clock, fresh_at=sent)
        pacer_store.save_clock(clocks[action.site_id])
    return ScholarAction("idle", now + timedelta(seconds=rules.gap_s))


def _request(
    action,
    site,
    clock,
    pacer,
    pacer_store,
    citation_store,
    session,
    *,
    at,
    rules,
    timeout_s,
    stats_writer_for,
):
    """Make the one request; (report, next pacer state, the site's new clock or None)."""
    config = site.settings
    so_far = pacer_store.load_job() if action.page > 1 else None
    page, failure = fetch_scholar_page(
        session,
        action.scholar_id,
        action.page,
        base_url=config.scholar_url,
        timeout_s=timeout_s,
        proxy=config.scholar_proxy,
    )
    if page is not None and action.page > 1:
        seen = {paper.id for paper in so_far.publications} if so_far else set()
        if so_far is None or not page.publications or page.publications[0].id in seen:
            page, failure = None, repeated_rows(action.scholar_id, action.page)
    if page is None:
        state = after_scholar_request(
            pacer, action, failure.kind, at=at, rules=rules, detail=failure.detail
        )
        citation_store.record_attempt(
            config.profile_id,
            "scholar",
            at=at,
            kind=failure.kind,
            detail=failure.detail,
            origin=ORIGIN,
        )
        failed = None if failure.kind == "blocked" else replace(clock, failed_at=at)
        return TickReport(action, failure.kind, detail=failure.detail), state, failed
    started = pacer.job.started_at if so_far is not None and pacer.job else at
    snapshot = merge_pages(action.scholar_id, [page], started)
    if so_far is not None:
        snapshot = replace(so_far, publications=so_far.publications + snapshot.publications)
    more = page.has_more and not page.ended_early and action.page < config.scholar_max_pages
    state = after_scholar_request(pacer, action, "ok", at=at, more_pages=more, rules=rules)
    if more:
        pacer_store.save_job(snapshot)
        return TickReport(action, "ok", detail=f"page {action.page}, more to come"), state, None
    snapshot = replace(snapshot, partial=page.ended_early or page.has_more, origin=ORIGIN)
    result = publish_guarded(
        config,
        citation_store,
        snapshot,
        state=citation_store.load_current(config.profile_id),
        now=at,
        fetched=SourceResult("scholar", "ok", False, pages=action.page),
    )
    if result.published and stats_writer_for is not None:
        write_stats_files(config, citation_store, stats_writer_for(site), now=at)
    clock = replace(clock, fresh_at=started, failed_at=None)
    if not result.published:
        clock = replace(clock, failed_at=at)  # held back: the owner looks before we ask again
    detail = result.held_back or result.detail
    report = TickReport(action, "ok", result.published, detail, started)
    return report, state, clock


@dataclass(frozen=True)
class OpenReport:
    """How the open-source batches went: per source, requests made and failed, the sites
    whose numbers were published, and how many were held back."""

    requests: dict[str, int]
    failed_batches: dict[str, int]
    published: dict[str, list[str]]
    held_back: dict[str, int]

    @property
    def all_failed(self) -> bool:
        """True when batches were asked for and every one of them failed."""
        return sum(self.requests.values()) > 0 and self.failed_batches == self.requests


def refresh_open_sources(
    sites: Sequence[Site],
    citation_store,
    session,
    *,
    now: datetime,
    settings: Settings,
    rules: PacingRules = RULES,
    stats_writer_for: Callable[[Site], object] | None = None,
    deadline: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> OpenReport:
    """Every due site's OpenAlex and Semantic Scholar numbers, many ids per request.

    A failed batch is recorded for its sites and the next one goes on; past `deadline` (a
    `clock()` value) no new batch starts: the next run takes the rest, stalest first.
    """
    report = OpenReport({}, {}, {}, {})
    changed: dict[str, Site] = {}  # sites whose stats files show an open source's numbers
    for source, (id_field, size, fetch) in OPEN_SOURCES.items():
        with_id = {site.site_id: site for site in sites if getattr(site.settings, id_field)}
        # Due by the last publish: a failed or held-back profile is asked for again next run.
        done = _successes_at(with_id.values(), citation_store, source)
        profiles = [
            OpenProfile(site_id, getattr(site.settings, id_field), done.get(site_id))
            for site_id, site in with_id.items()
        ]
        for name in ("requests", "failed_batches", "held_back"):
            getattr(report, name)[source] = 0
        report.published[source] = []
        for batch in open_batches(profiles, now, size, rules):
            if deadline is not None and clock() > deadline:
                break
            ids = list(dict.fromkeys(profile.source_id for profile in batch))
            outcomes = _fetch_batch(fetch, session, ids, now, settings, source)
            report.requests[source] += 1
            report.failed_batches[source] += not any(o.kind == "ok" for o in outcomes.values())
            for profile in batch:
                site = with_id[profile.site_id]
                result, restat = _publish_open(
                    site, source, outcomes[profile.source_id], _store_of(site, citation_store), now
                )
                report.held_back[source] += bool(result.held_back)
                if result.published:
                    report.published[source].append(profile.site_id)
                    if restat:
                        changed[profile.site_id] = with_id[profile.site_id]
    if stats_writer_for is not None:
        for site in changed.values():
            store = _store_of(site, citation_store)
            write_stats_files(site.settings, store, stats_writer_for(site), now=now)
    return report


def _successes_at(sites, shared, source: str) -> dict[str, datetime]:
    """When `source` last published for each site, one batched read per citation store."""
    by_store: dict[int, tuple[object, list[Site]]] = {}
    for site in sites:
        store = _store_of(site, shared)
        by_store.setdefault(id(store), (store, []))[1].append(site)
    done: dict[str, datetime] = {}
    for store, group in by_store.values():
        found = store.successes_at([site.settings.profile_id for site in group], source)
        done.update({site.site_id: found[site.settings.profile_id]
                     for site in group if site.settings.profile_id in found})  # fmt: skip
    return done


def _fetch_batch(fetch, session, ids, now, settings: Settings, source: str) -> dict:
    """One batch's outcome per id; a batch that raised is an "error" for each of its ids."""
    try:
        return fetch(
            session,
            ids,
            now=now,
            api_key=_api_key(settings, source),
            base_url=settings.source_urls[source],
        )
    except Exception as error:  # one batch's failure never stops the others
        failure = FetchOutcome("error", None, f"{type(error).__name__}: {error}", 1)
        return dict.fromkeys(ids, failure)


def _publish_open(site: Site, source: str, outcome, citation_store, now: datetime):
    """One site's headline numbers from a batch through the guard (or its failure recorded),
    and whether its stats files may change: not while they show fresh Scholar numbers."""
    profile_id = site.settings.profile_id
    if outcome.snapshot is None:
        citation_store.record_attempt(
            profile_id, source, at=now, kind=outcome.kind, detail=outcome.detail, origin=ORIGIN
        )
        return SourceResult(source, outcome.kind, False, detail=outcome.detail), False
    stored = citation_store.load_current(profile_id)
    shown = choose_display(stored, now, site.settings.stale_after_days)
    restat = shown is None or shown.stale or shown.snapshot.source not in SCHOLAR_SOURCES
    before = stored.snapshots.get(source) if stored is not None else None
    snapshot = headline_over_stored(replace(outcome.snapshot, source=source, origin=ORIGIN), before)
    fetched = SourceResult(source, "ok", False, detail=outcome.detail, pages=1)
    result = publish_guarded(
        site.settings, citation_store, snapshot, state=stored, now=now, fetched=fetched
    )
    return result, restat


def _api_key(settings: Settings, source: str) -> str:
    return settings.openalex_api_key if source == "openalex" else settings.semanticscholar_api_key
