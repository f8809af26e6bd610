"""Whether fetched numbers may be published: their own consistency and the profile's recent
history decide, never the last refresh alone (pure).

`judge` is the one entry point: the scheduled refresh, `acadpage refresh` and any other caller
that brings numbers pass them through it. docs/citations.md lists the rules and thresholds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from chalicelib.citations.model import CitationSnapshot
from chalicelib.citations.state import HistoryPoint, utc

HISTORY_DAYS = 30  # falls and jumps are measured against the highest value of this window
MAX_FALL = 0.20  # a total, row count, h- or i10-index more than this below the high is held
JUMP_FACTOR = 2.0  # a total or row count more than this times the high ...
JUMP_MARGIN = 100  # ... and more than this above it is held
ROWS_TOLERANCE = 0.10  # rows may add up to the total give or take this share ...
ROWS_SLACK = 10  # ... plus this many citations, plus the counts of merged (struck) rows
INDEX_TOLERANCE = 0.10  # h and i10 may differ from the rows' by this share ...
INDEX_SLACK = 2  # ... or by this many, whichever is more
BARS_TOLERANCE = 0.10  # the per-year bars may add up to this share more than the total


@dataclass(frozen=True)
class Verdict:
    """The snapshot that would be published and, when it must not be, why."""

    snapshot: CitationSnapshot
    reason: str = ""

    @property
    def publishable(self) -> bool:
        """True when nothing speaks against publishing the snapshot."""
        return not self.reason


@dataclass(frozen=True)
class Baseline:
    """The highest numbers the source published in the recent window (the stored ones included)."""

    citations: int = 0
    h_index: int = 0
    i10_index: int = 0
    publications: int = 0
    since: date | None = None


def judge(
    fetched: CitationSnapshot,
    stored: CitationSnapshot | None,
    history: Sequence[HistoryPoint] = (),
    *,
    now: datetime,
    accepted_at: datetime | None = None,
) -> Verdict:
    """Whether `fetched` may replace `stored`, judged against the recent `history` of the source.

    History before `accepted_at` (the owner last accepted held-back numbers) does not count.
    A partial fetch is completed with the stored rows it did not reach when the stored snapshot
    is partial too; it never replaces a complete one.
    """
    baseline = recent_high(stored, history, now=now, accepted_at=accepted_at)
    reason = (
        _zeros(fetched, baseline)
        or consistency_problem(fetched)
        or _partial_over_complete(fetched, stored)
        or _fall_or_jump(fetched, baseline)
    )
    snapshot = fetched
    if fetched.partial and stored is not None and stored.partial:
        snapshot = keep_unfetched_rows(fetched, stored)
    return Verdict(snapshot, reason)


def recent_high(
    stored: CitationSnapshot | None,
    history: Sequence[HistoryPoint],
    *,
    now: datetime,
    accepted_at: datetime | None = None,
) -> Baseline:
    """The highest of each number over the last HISTORY_DAYS days and the stored snapshot."""
    start = utc(now).date() - timedelta(days=HISTORY_DAYS)
    if accepted_at is not None:
        start = max(start, utc(accepted_at).date())
    points = [point for point in history if point.day >= start]
    if stored is not None:
        rows = None if stored.partial else len(stored.publications)
        points.append(
            HistoryPoint(
                utc(stored.fetched_at).date(),
                stored.citations,
                stored.h_index,
                stored.i10_index,
                rows,
            )
        )
    if not points:
        return Baseline()
    return Baseline(
        citations=max(point.citations for point in points),
        h_index=max(point.h_index for point in points),
        i10_index=max(point.i10_index for point in points),
        publications=max(point.publications or 0 for point in points),
        since=min(point.day for point in points),
    )


def h_index_of(counts: Sequence[int]) -> int:
    """The h-index of a list of citation counts."""
    ranked = sorted(counts, reverse=True)
    return sum(1 for rank, count in enumerate(ranked, start=1) if count >= rank)


def consistency_problem(snapshot: CitationSnapshot) -> str:
    """Why a snapshot's numbers disagree with each other; "" when they agree."""
    counted = [paper.citations for paper in snapshot.publications if not paper.duplicate]
    merged = sum(paper.citations for paper in snapshot.publications if paper.duplicate)
    total, rows_sum = snapshot.citations, sum(counted)
    slack = ROWS_TOLERANCE * total + ROWS_SLACK + merged
    if rows_sum > total + slack:
        return f"the rows add up to {rows_sum} citations, far more than the total of {total}"
    if not snapshot.partial and rows_sum < total - slack:
        return (
            f"the {len(counted)} rows add up to only {rows_sum} of the total of {total} "
            "citations, although the list is complete"
        )
    for name, reported, from_rows in (
        ("h-index", snapshot.h_index, h_index_of(counted)),
        ("i10-index", snapshot.i10_index, sum(1 for count in counted if count >= 10)),
    ):
        allowed = max(INDEX_SLACK, INDEX_TOLERANCE * max(reported, from_rows))
        # The rows of a partial fetch are the most-cited ones: they bound the indices from below.
        if from_rows - reported > allowed or (
            not snapshot.partial and reported - from_rows > allowed
        ):
            return f"the {name} is {reported} but the rows give {from_rows}"
    bars = sum(count for _, count in snapshot.cites_per_year)
    if bars > total * (1 + BARS_TOLERANCE) + ROWS_SLACK:
        return f"the per-year bars add up to {bars} citations, more than the total of {total}"
    return ""


def keep_unfetched_rows(fetched: CitationSnapshot, stored: CitationSnapshot) -> CitationSnapshot:
    """A partial fetch completed with the stored rows it did not reach (their last counts)."""
    fetched_ids = {paper.id for paper in fetched.publications}
    rest = tuple(paper for paper in stored.publications if paper.id not in fetched_ids)
    return replace(fetched, publications=fetched.publications + rest)


def _zeros(fetched: CitationSnapshot, baseline: Baseline) -> str:
    if fetched.citations > 0 or baseline.citations <= 0:
        return ""
    return (
        f"the source answered 0 citations where it had {baseline.citations}; if the profile "
        "was merged or deleted, look up its new id"
    )


def _partial_over_complete(fetched: CitationSnapshot, stored: CitationSnapshot | None) -> str:
    if not fetched.partial or stored is None or stored.partial:
        return ""
    return (
        f"the fetch is partial ({len(fetched.publications)} rows) and never replaces the "
        f"complete list of {len(stored.publications)} rows"
    )


def _fall_or_jump(fetched: CitationSnapshot, baseline: Baseline) -> str:
    since = f"since {baseline.since.isoformat()}" if baseline.since else ""
    rows = None if fetched.partial else len(fetched.publications)
    for name, value, high in (
        ("total", fetched.citations, baseline.citations),
        ("publication list", rows, baseline.publications),
        ("h-index", fetched.h_index, baseline.h_index),
        ("i10-index", fetched.i10_index, baseline.i10_index),
    ):
        if value is None or high <= 0:
            continue
        if value < high * (1 - MAX_FALL):
            fall = round(100 * (high - value) / high)
            return f"the {name} fell {fall}%, to {value} from the high of {high} {since}".rstrip()
        if name in ("total", "publication list") and (
            value > high * JUMP_FACTOR and value - high > JUMP_MARGIN
        ):
            return f"the {name} jumped to {value} from the high of {high} {since}".rstrip()
    return ""
