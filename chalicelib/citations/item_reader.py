"""The citation table's items read back: the state the page shows, and what was held back (pure).

A malformed item (a count of -5 or 1.5, text for a number, a missing attribute) is read like a
missing one and logged: no stored item can keep the page from rendering.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from chalicelib.citations.items import (
    CHUNK_PREFIX,
    HEADER_PREFIX,
    HELD_CHUNK_PREFIX,
    HELD_HEADER_PREFIX,
    OPTIONAL_NUMBERS,
    STATUS_KEY,
    parse_time,
)
from chalicelib.citations.model import CitationSnapshot, PaperCitations
from chalicelib.citations.state import (
    CitationState,
    HeldNumbers,
    HistoryPoint,
    RefreshStatus,
    SourceStatus,
)
from chalicelib.inputs import excerpt, whole_number

_logger = logging.getLogger("acadpage")


# What a stored item can hold that no encoder here writes: a missing attribute, a wrong type,
# text where a number belongs, a chunk that does not decompress or parse.
_MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError, zlib.error)


class TornRead(Exception):
    """A read caught a refresh half-way: a header without all of its publication chunks."""


def _count(value: object) -> int:
    """A stored count: a whole number >= 0 (DynamoDB's N text, or a JSON number)."""
    if isinstance(value, str):
        count = whole_number(value)
        if count is None:
            raise ValueError(f"expected a count >= 0, got {excerpt(value)}")
        return count
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a count >= 0, got {value!r}")
    return value


def _number(item: dict, name: str) -> int:
    return _count(item[name]["N"])


def _publications(chunks: Sequence[bytes]) -> tuple[PaperCitations, ...]:
    return tuple(
        PaperCitations(
            id=_text(paper_id),
            title=_text(title),
            citations=_count(citations),
            authors=_text(authors),
            venue=_text(venue),
            year=None if year is None else _count(year),
            duplicate=bool(duplicate),
        )
        for chunk in chunks
        for paper_id, title, citations, authors, venue, year, duplicate in json.loads(
            zlib.decompress(chunk)
        )
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def _snapshot(header: dict, chunks: dict[int, bytes]) -> CitationSnapshot:
    source = header["source"]["S"]
    expected = _number(header, "chunk_count")
    if sorted(chunks) != list(range(expected)):
        raise TornRead(
            f"the {source} snapshot {header['version']['S']} has {len(chunks)} of "
            f"{expected} publication chunks"
        )
    optional = {
        name: _number(header, name) if name in header else None for name in OPTIONAL_NUMBERS
    }
    return CitationSnapshot(
        source=source,
        profile_id=_text(header["profile_id"]["S"]),
        fetched_at=parse_time(header["fetched_at"]["S"]),
        citations=_number(header, "citations"),
        h_index=_number(header, "h_index"),
        i10_index=_number(header, "i10_index"),
        name=_text(header["name"]["S"]),
        affiliation=_text(header["affiliation"]["S"]),
        interests=tuple(_text(value["S"]) for value in header["interests"]["L"]),
        photo_url=_text(header["photo_url"]["S"]),
        cites_per_year=tuple(
            (_count(year), _count(count))
            for year, count in json.loads(header["cites_per_year"]["S"])
        ),
        publications=_publications([chunks[index] for index in range(expected)]),
        partial=bool(header.get("partial", {}).get("BOOL")),
        origin=_text(header["origin"]["S"]) if "origin" in header else "",
        **optional,
    )


def _status(item: dict) -> RefreshStatus:
    sources: dict[str, SourceStatus] = {}
    for name, value in item.items():
        kind, _, source = name.partition("_")
        if kind not in ("attempt", "success", "held", "accepted") or not source:
            continue
        sources.setdefault(source, SourceStatus(source=source))
        sources[source] = _with_status_field(sources[source], kind, value)
    return RefreshStatus(sources=sources, revision=_count(item.get("revision", {"N": "0"})["N"]))


def _with_status_field(status: SourceStatus, kind: str, value: dict) -> SourceStatus:
    if kind == "success":
        return replace(status, last_success_at=parse_time(value["S"]))
    if kind == "accepted":
        return replace(status, accepted_at=parse_time(value["S"]))
    fields = value["M"]
    if kind == "attempt":
        return replace(
            status,
            last_attempt_at=parse_time(fields["at"]["S"]),
            outcome=fields["kind"]["S"],
            detail=fields["detail"]["S"],
            origin=fields["origin"]["S"] if "origin" in fields else "",
        )
    held = None
    if "citations" in fields:
        held = HeldNumbers(
            fetched_at=parse_time(fields["fetched_at"]["S"]),
            citations=_number(fields, "citations"),
            h_index=_number(fields, "h_index"),
            i10_index=_number(fields, "i10_index"),
            publications=_number(fields, "publications"),
            partial=bool(fields.get("partial", {}).get("BOOL")),
        )
    return replace(
        status,
        held_back_at=parse_time(fields["at"]["S"]),
        held_back_reason=fields["reason"]["S"],
        held=held,
    )


def held_snapshot_from_items(items: Sequence[dict]) -> CitationSnapshot | None:
    """The held-back snapshot in the items under HELD#, or None when there is none."""
    header = next((i for i in items if i["sk"]["S"].startswith(HELD_HEADER_PREFIX)), None)
    if header is None:
        return None
    chunks: dict[int, bytes] = {}
    for item in items:
        sort_key = item["sk"]["S"]
        if (
            sort_key.startswith(HELD_CHUNK_PREFIX)
            and item["version"]["S"] == (header["version"]["S"])
        ):
            chunks[int(sort_key.rsplit("#", 1)[1])] = item["rows"]["B"]
    return _snapshot(header, chunks)


def state_from_items(items: Sequence[dict]) -> CitationState | None:
    """The page's state from the items under CURRENT#; None when the profile has none.

    An item no encoder here could have written (a count of -5 or 1.5, a missing attribute) is
    logged and read as missing: the page shows the other sources, or no numbers, never a 500."""
    headers: dict[str, dict] = {}
    chunks: dict[tuple[str, str], dict[int, bytes]] = {}
    status_item = None
    for item in items:
        try:
            sort_key = item["sk"]["S"]
            if sort_key == STATUS_KEY:
                status_item = item
            elif sort_key.startswith(HEADER_PREFIX):
                headers[_text(item["source"]["S"])] = item
            elif sort_key.startswith(CHUNK_PREFIX):
                source, version, index = sort_key[len(CHUNK_PREFIX) :].split("#")
                chunks.setdefault((source, version), {})[int(index)] = item["rows"]["B"]
        except _MALFORMED as error:
            _log_malformed(item, error)
    if not headers and status_item is None:
        return None
    snapshots = {}
    for source, header in list(headers.items()):
        try:
            snapshots[source] = _snapshot(header, chunks.get((source, header["version"]["S"]), {}))
        except _MALFORMED as error:
            _log_malformed(header, error)
            del headers[source]
    status = None
    try:
        status = _status(status_item) if status_item is not None else None
    except _MALFORMED as error:
        _log_malformed(status_item, error)
    parts = [f"{source}={headers[source]['version']['S']}" for source in sorted(headers)]
    parts.append(f"status={status.revision if status else 0}")
    version = hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
    return CitationState(snapshots=snapshots, status=status, version=version)


def _log_malformed(item: dict, error: Exception) -> None:
    sort_key = item.get("sk", {}).get("S", "") if isinstance(item, dict) else ""
    event = {"event": "citation_item_malformed", "sk": sort_key, "error": repr(error)}
    _logger.error(json.dumps(event, ensure_ascii=False))


def history_points(items: Sequence[dict]) -> list[HistoryPoint]:
    """The history items read back; a malformed one is logged and left out, like a missing day."""
    points = []
    for item in items:
        try:
            points.append(
                HistoryPoint(
                    day=date.fromisoformat(item["day"]["S"]),
                    citations=_number(item, "citations"),
                    h_index=_number(item, "h_index"),
                    i10_index=_number(item, "i10_index"),
                    publications=_number(item, "publications") if "publications" in item else None,
                )
            )
        except _MALFORMED as error:
            _log_malformed(item, error)
    return points


def snapshot_from_item(item: dict) -> CitationSnapshot:
    """A snapshot kept whole in one item, as `items.whole_snapshot_item` writes it."""
    chunks = {index: value["B"] for index, value in enumerate(item["chunks"]["L"])}
    return _snapshot(item, chunks)
