"""When the stack may ask Google Scholar, and for whom; which open-source ids are due (pure).

One Scholar request at most every `gap_s` for the whole stack, the stalest profile first, a
multi-page profile page by page; after a block nobody asks for `pause_s`, then one probe.
Every function here takes the state and `now` and returns the next action or the next state:
the tick that performs them (chalicelib.citations.fanout) does the I/O. docs/fanout.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # the freshness of numbers never fetched: due first


@dataclass(frozen=True)
class PacingRules:
    """The numbers of the pacing rule; docs/fanout.md says how to change each."""

    gap_s: float = 120.0  # between two Scholar requests of the whole stack
    pause_s: float = 24 * 3600.0  # no Scholar request after a block, sign-in page or 429
    refresh_after_s: float = 20 * 3600.0  # Scholar numbers younger than this are not fetched
    retry_after_s: float = 24 * 3600.0  # a profile whose fetch failed (not a block) waits this
    job_expires_s: float = 3600.0  # a multi-page fetch not continued within this starts over
    open_after_s: float = 20 * 3600.0  # open-source numbers younger than this are not fetched


RULES = PacingRules()


@dataclass(frozen=True)
class ScholarJob:
    """A multi-page Scholar fetch under way: the page the next request asks for."""

    site_id: str
    scholar_id: str
    next_page: int
    started_at: datetime


@dataclass(frozen=True)
class PacerState:
    """What the whole stack remembers about asking Scholar."""

    last_request_at: datetime | None = None
    paused_until: datetime | None = None
    pause_reason: str = ""
    probe: bool = False  # the next request is the one probe after a pause
    job: ScholarJob | None = None


@dataclass(frozen=True)
class ProfileClock:
    """One site's Scholar profile as the pacer sees it: how fresh its numbers are."""

    site_id: str
    scholar_id: str
    # the newest Scholar numbers, fetched here or sent by the owner
    fresh_at: datetime | None = None
    failed_at: datetime | None = None  # the last fetch that failed for this profile alone

    def due_at(self, rules: PacingRules) -> datetime:
        """When this profile may be fetched again."""
        due = NEVER if self.fresh_at is None else self.fresh_at + _s(rules.refresh_after_s)
        if self.failed_at is not None:
            due = max(due, self.failed_at + _s(rules.retry_after_s))
        return due


@dataclass(frozen=True)
class ScholarAction:
    """What the pacer does next: `fetch` a page at `at`, or `wait`, `paused`, `idle` until `at`."""

    kind: str  # fetch | wait | paused | idle
    at: datetime | None  # None for idle with nothing due ever (no profile)
    site_id: str = ""
    scholar_id: str = ""
    page: int = 1
    probe: bool = False


def next_scholar_action(
    pacer: PacerState,
    profiles: Sequence[ProfileClock],
    now: datetime,
    rules: PacingRules = RULES,
    *,
    wait_up_to_s: float = 0.0,
) -> ScholarAction:
    """The next Scholar request and its time, or why there is none before `now + wait_up_to_s`.

    A fetch's `at` is never sooner than `gap_s` after the last request; the caller sleeps
    until it. A fetch further off than `wait_up_to_s` is a `wait`, left to a later tick.
    """
    held = held_back_by_pacer(pacer, now, rules, wait_up_to_s=wait_up_to_s)
    if held is not None and held.kind == "paused":
        return held
    earliest = earliest_request(pacer, now, rules)
    job = live_job(pacer, now, rules)
    if job is not None:
        target = ScholarAction("fetch", earliest, job.site_id, job.scholar_id, job.next_page)
    else:
        stalest = stalest_profile(profiles, rules)
        if stalest is None:
            return ScholarAction("idle", None)
        due = stalest.due_at(rules)
        if due > earliest:
            return ScholarAction("idle", due)
        target = ScholarAction(
            "fetch", earliest, stalest.site_id, stalest.scholar_id, 1, probe=pacer.probe
        )
    if (earliest - now).total_seconds() > wait_up_to_s:
        return replace(target, kind="wait")
    return target


def earliest_request(pacer: PacerState, now: datetime, rules: PacingRules = RULES) -> datetime:
    """The soonest the next request may go: `gap_s` after the last one, and not before now."""
    if pacer.last_request_at is None:
        return now
    return max(now, pacer.last_request_at + _s(rules.gap_s))


def held_back_by_pacer(
    pacer: PacerState, now: datetime, rules: PacingRules = RULES, *, wait_up_to_s: float = 0.0
) -> ScholarAction | None:
    """`paused` or `wait` when no request can go before now + wait_up_to_s, whoever is due;
    None when one could (a tick then looks at the profiles)."""
    if pacer.paused_until is not None and now < pacer.paused_until:
        return ScholarAction("paused", pacer.paused_until)
    earliest = earliest_request(pacer, now, rules)
    if (earliest - now).total_seconds() > wait_up_to_s:
        return ScholarAction("wait", earliest)
    return None


def stalest_profile(
    profiles: Iterable[ProfileClock], rules: PacingRules = RULES
) -> ProfileClock | None:
    """The profile due first (ties by site id, so the order is stable), or None without any."""
    return min(profiles, key=lambda p: (p.due_at(rules), p.site_id), default=None)


def live_job(pacer: PacerState, now: datetime, rules: PacingRules) -> ScholarJob | None:
    """The multi-page fetch to continue, unless it was left too long (then it starts over)."""
    job = pacer.job
    if job is None or now - job.started_at > _s(rules.job_expires_s):
        return None
    return job


def after_scholar_request(
    pacer: PacerState,
    action: ScholarAction,
    kind: str,
    *,
    at: datetime,
    more_pages: bool = False,
    rules: PacingRules = RULES,
    detail: str = "",
) -> PacerState:
    """The pacer after the request of `action` (made at `at`) answered with `kind`.

    A block pauses everyone for `pause_s` and makes the next request a probe; an "ok" page
    with more to come keeps the job; anything else ends it.
    """
    if kind == "blocked":
        until = at + _s(rules.pause_s)
        return PacerState(last_request_at=at, paused_until=until, pause_reason=detail, probe=True)
    job = None
    if kind == "ok" and more_pages:
        started = at
        if pacer.job is not None and pacer.job.scholar_id == action.scholar_id:
            started = pacer.job.started_at
        job = ScholarJob(action.site_id, action.scholar_id, action.page + 1, started)
    return PacerState(last_request_at=at, job=job)


@dataclass(frozen=True)
class OpenProfile:
    """One site's id at an open source and when that source last gave its numbers."""

    site_id: str
    source_id: str
    fresh_at: datetime | None = None


def open_batches(
    profiles: Iterable[OpenProfile],
    now: datetime,
    size: int,
    rules: PacingRules = RULES,
) -> list[list[OpenProfile]]:
    """The due profiles of one open source in batches of at most `size`, the stalest first.

    A profile whose numbers are younger than `open_after_s` (the owner just sent them, say)
    is left out; ids shared by several sites are asked for once, in the first batch naming them.
    """
    if size < 1:
        raise ValueError(f"open_batches: size: expected 1 or more, got {size!r}")
    due = sorted(
        (p for p in profiles if p.fresh_at is None or now - p.fresh_at >= _s(rules.open_after_s)),
        key=lambda p: (p.fresh_at or NEVER, p.site_id),
    )
    batches: list[list[OpenProfile]] = []
    ids_in_batch: list[set[str]] = []
    for profile in due:
        placed = next((i for i, ids in enumerate(ids_in_batch) if profile.source_id in ids), None)
        if placed is None:
            if not batches or len(ids_in_batch[-1]) >= size:
                batches.append([])
                ids_in_batch.append(set())
            placed = len(batches) - 1
            ids_in_batch[placed].add(profile.source_id)
        batches[placed].append(profile)
    return batches


def _s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)
