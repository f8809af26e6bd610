"""/status.json: what is shown, how old it is, and every source's last attempt (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from chalicelib.citations.model import CitationDisplay, CitationSnapshot
from chalicelib.citations.state import (
    SOURCE_LABELS,
    CitationState,
    RefreshStatus,
    SourceStatus,
    choose_display,
    display_freshness,
    iso_time,
    origin_label,
)
from chalicelib.settings import NO_SOURCE


def _time_text(moment: datetime | None) -> str | None:
    return iso_time(moment) if moment is not None else None


def status_document(
    state: CitationState | None,
    now: datetime,
    stale_after_days: int = 14,
    *,
    configured: Sequence[str] | None = None,
) -> dict:
    """/status.json: what is shown, how old it is, and every source's last attempt and success.

    `configured` names the sources the deployment refreshes; with none, `problem` says so.
    """
    display = choose_display(state, now, stale_after_days)
    status = state.status if state is not None and state.status is not None else RefreshStatus()
    snapshots = state.snapshots if state is not None else {}
    names = sorted(set(status.sources) | set(snapshots), key=_source_order)
    last = status.last_attempt
    document = {
        "version": state.version if state is not None else None,
        "stale_after_days": stale_after_days,
        "displayed": _displayed(display),
        "last_attempt": None
        if last is None
        else {
            "source": last.source,
            "at": _time_text(last.last_attempt_at),
            "outcome": last.outcome,
            "detail": last.detail,
        },
        "held_back": [
            name for name in names if name in status.sources and status.sources[name].held_back
        ],
        "sources": {
            name: _source_document(status.sources.get(name), snapshots.get(name)) for name in names
        },
    }
    if configured is not None:
        document["configured_sources"] = list(configured)
        document["problem"] = "" if configured else NO_SOURCE
    return document


def _source_order(source: str) -> tuple[int, str]:
    order = list(SOURCE_LABELS)
    return (order.index(source) if source in order else len(order), source)


def _displayed(display: CitationDisplay | None) -> dict | None:
    if display is None:
        return None
    snapshot = display.snapshot
    return {
        "source": snapshot.source,
        "label": display.source_label,
        "fetched_at": _time_text(snapshot.fetched_at),
        "origin": snapshot.origin or None,
        "origin_label": origin_label(snapshot.origin),
        "age_days": display.age_days,
        "freshness": display_freshness(display),
        "stale": display.stale,
        "citations": snapshot.citations,
        "h_index": snapshot.h_index,
        "i10_index": snapshot.i10_index,
    }


def _source_document(status: SourceStatus | None, snapshot: CitationSnapshot | None) -> dict:
    status = status or SourceStatus(source="")
    return {
        "last_attempt_at": _time_text(status.last_attempt_at),
        "outcome": status.outcome or None,
        "detail": status.detail,
        "origin": status.origin or None,
        "origin_label": origin_label(status.origin),
        "last_success_at": _time_text(status.last_success_at),
        "held_back": status.held_back,
        "held_back_reason": status.held_back_reason,
        "held_back_at": _time_text(status.held_back_at),
        "held_back_numbers": None
        if status.held is None
        else {
            "fetched_at": _time_text(status.held.fetched_at),
            "citations": status.held.citations,
            "h_index": status.held.h_index,
            "i10_index": status.held.i10_index,
            "publications": status.held.publications,
            "partial": status.held.partial,
        },
        "accepted_at": _time_text(status.accepted_at),
        "stored_fetched_at": _time_text(snapshot.fetched_at) if snapshot else None,
        "stored_citations": snapshot.citations if snapshot else None,
        "stored_origin": (snapshot.origin or None) if snapshot else None,
        "stored_origin_label": origin_label(snapshot.origin) if snapshot else None,
    }
