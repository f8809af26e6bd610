"""What `acadpage lab status` shows: for each site and source, the last success, the age of the
numbers shown, the next due time; and whether Scholar is paused, until when (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from chalicelib.citations.pacing import NEVER, RULES, PacerState, PacingRules, ProfileClock
from chalicelib.citations.state import CitationState, choose_display, iso_time


def _time(moment: datetime | None) -> str | None:
    return iso_time(moment) if moment is not None and moment > NEVER else None


def scholar_pause(pacer: PacerState, now: datetime) -> dict:
    """Whether the stack asks Scholar: paused until when and why, and the last request."""
    paused = pacer.paused_until is not None and now < pacer.paused_until
    return {
        "paused": paused,
        "paused_until": _time(pacer.paused_until) if paused else None,
        "reason": pacer.pause_reason if paused else "",
        "last_request_at": _time(pacer.last_request_at),
        "probe_next": pacer.probe,
    }


def site_status(
    site_id: str,
    sources: Sequence[str],
    state: CitationState | None,
    clock: ProfileClock | None,
    pacer: PacerState,
    now: datetime,
    *,
    stale_after_days: int = 14,
    rules: PacingRules = RULES,
) -> dict:
    """One member's line per source: last success, numbers' age, next due (never in a pause)."""
    statuses = state.status.sources if state is not None and state.status is not None else {}
    snapshots = state.snapshots if state is not None else {}
    shown = choose_display(state, now, stale_after_days)
    rows = {}
    for source in sources:
        status = statuses.get(source)
        snapshot = snapshots.get(source)
        success = status.last_success_at if status else None
        if source == "scholar":
            fresh = clock.fresh_at if clock is not None else None
            if snapshot is not None and (fresh is None or snapshot.fetched_at > fresh):
                fresh = snapshot.fetched_at
            due = ProfileClock(site_id, "", fresh, clock.failed_at if clock else None).due_at(rules)
            if pacer.paused_until is not None and due < pacer.paused_until:
                due = pacer.paused_until
        else:
            due = success + timedelta(seconds=rules.open_after_s) if success else now
        age = (now - snapshot.fetched_at).total_seconds() / 86400 if snapshot else None
        rows[source] = {
            "last_success_at": _time(success),
            "numbers_fetched_at": _time(snapshot.fetched_at) if snapshot else None,
            "numbers_age_days": None if age is None else round(age, 2),
            "next_due_at": _time(max(due, now)),
            "outcome": status.outcome if status else None,
        }
    return {
        "site": site_id,
        "shown": shown.snapshot.source if shown is not None else None,
        "shown_age_days": shown.age_days if shown is not None else None,
        "sources": rows,
    }


def lab_lines(document: Mapping) -> list[str]:
    """The status document as lines a person reads in a terminal."""
    pause = document["scholar"]
    if pause["paused"]:
        head = f"Scholar: paused until {pause['paused_until']} ({pause['reason'] or 'blocked'})"
    else:
        head = f"Scholar: running; last request {pause['last_request_at'] or 'never'}"
    lines = [head, f"{len(document['sites'])} site(s)"]
    for site in document["sites"]:
        shown = site["shown"] or "nothing yet"
        lines.append(f"{site['site']}: shows {shown}")
        for source, row in site["sources"].items():
            age = row["numbers_age_days"]
            lines.append(
                f"  {source}: last success {row['last_success_at'] or 'never'}, numbers "
                f"{'none' if age is None else f'{age:g} days old'}, next due {row['next_due_at']}"
            )
    return lines
