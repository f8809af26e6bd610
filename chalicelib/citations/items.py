"""The citation table's items: keys, compressed publication chunks, and the state read back (pure).

Key design (see docs/citations.md): every item of a profile shares pk = PROFILE#<profile_id>; what
the page reads sorts under CURRENT#, so one Query returns it all; history sorts under HISTORY#.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from chalicelib.citations.model import CitationSnapshot, PaperCitations
from chalicelib.citations.state import (
    CitationState,
    HistoryPoint,
    RefreshStatus,
    SourceStatus,
    utc,
)

CURRENT = "CURRENT#"
HEADER_PREFIX = "CURRENT#SNAPSHOT#"
CHUNK_PREFIX = "CURRENT#PUBS#"
STATUS_KEY = "CURRENT#STATUS"
HISTORY_PREFIX = "HISTORY#"

PUBLICATIONS_PER_CHUNK = 250
# JSON bytes per chunk before compression: even incompressible rows stay far below 400 KB an item.
CHUNK_BYTES = 120_000
DETAIL_CHARS = 500

# Fixed width, so DynamoDB compares these strings in time order.
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


_logger = logging.getLogger("acadpage")
# What a stored item can hold that no encoder here writes: a missing attribute, a wrong type,
# text where a number belongs, a chunk that does not decompress or parse.
_MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError, zlib.error)


class TornRead(Exception):
    """A read caught a refresh half-way: a header without all of its publication chunks."""


def _count(value: object) -> int:
    """A stored count: a whole number >= 0 (DynamoDB's N text, or a JSON number)."""
    if isinstance(value, str):
        if not value.isdigit():
            raise ValueError(f"expected a count >= 0, got {value!r}")
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a count >= 0, got {value!r}")
    return value


def _number(item: dict, name: str) -> int:
    return _count(item[name]["N"])


def time_text(moment: datetime) -> str:
    """A time as the store keeps it: UTC, fixed width, so text order is time order."""
    return utc(moment).strftime(_TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """A time the store kept, back as an aware UTC datetime."""
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC)


def profile_key(profile_id: str) -> str:
    """The partition key of every item of one profile."""
    return f"PROFILE#{profile_id}"


def header_key(source: str) -> str:
    """The sort key of a source's current snapshot (numbers without publications)."""
    return f"{HEADER_PREFIX}{source}"


def chunk_key(source: str, version: str, index: int) -> str:
    """The sort key of one chunk of a snapshot version's publications."""
    return f"{CHUNK_PREFIX}{source}#{version}#{index:04d}"


def history_key(source: str, day: date) -> str:
    """The sort key of a source's numbers on one day."""
    return f"{HISTORY_PREFIX}{source}#{day.isoformat()}"


def publication_chunks(publications: Sequence[PaperCitations]) -> list[str]:
    """Publications as compact JSON arrays, each small enough for one item."""
    chunks: list[str] = []
    rows: list[str] = []
    size = 0
    for paper in publications:
        row = json.dumps(
            [
                paper.id,
                paper.title,
                paper.citations,
                paper.authors,
                paper.venue,
                paper.year,
                int(paper.duplicate),
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        row_size = len(row.encode()) + 1
        if rows and (len(rows) >= PUBLICATIONS_PER_CHUNK or size + row_size > CHUNK_BYTES):
            chunks.append("[" + ",".join(rows) + "]")
            rows, size = [], 0
        rows.append(row)
        size += row_size
    if rows:
        chunks.append("[" + ",".join(rows) + "]")
    return chunks


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


def text_value(value: str) -> dict:
    """A DynamoDB string attribute."""
    return {"S": value}


def number_value(value: int) -> dict:
    """A DynamoDB number attribute."""
    return {"N": str(value)}


_OPTIONAL_NUMBERS = ("citations_since", "h_index_since", "i10_index_since", "since_year")


def header_fields(snapshot: CitationSnapshot) -> dict:
    """The snapshot's attributes apart from keys, version and publications."""
    fields = {
        "source": text_value(snapshot.source),
        "profile_id": text_value(snapshot.profile_id),
        "fetched_at": text_value(time_text(snapshot.fetched_at)),
        "citations": number_value(snapshot.citations),
        "h_index": number_value(snapshot.h_index),
        "i10_index": number_value(snapshot.i10_index),
        "name": text_value(snapshot.name),
        "affiliation": text_value(snapshot.affiliation),
        "interests": {"L": [text_value(interest) for interest in snapshot.interests]},
        "photo_url": text_value(snapshot.photo_url),
        "cites_per_year": text_value(json.dumps(sorted(snapshot.cites_per_year))),
        "publication_count": number_value(len(snapshot.publications)),
    }
    for name in _OPTIONAL_NUMBERS:
        value = getattr(snapshot, name)
        if value is not None:
            fields[name] = number_value(value)
    return fields


def snapshot_version(snapshot: CitationSnapshot, chunks: Sequence[str]) -> str:
    """An id for exactly this snapshot: its fetch time and a digest of everything in it."""
    digest = hashlib.sha256()
    digest.update(json.dumps(header_fields(snapshot), sort_keys=True).encode())
    for chunk in chunks:
        digest.update(chunk.encode())
    return f"{utc(snapshot.fetched_at):%Y%m%dT%H%M%SZ}-{digest.hexdigest()[:10]}"


def _snapshot(header: dict, chunks: dict[int, bytes]) -> CitationSnapshot:
    source = header["source"]["S"]
    expected = _number(header, "chunk_count")
    if sorted(chunks) != list(range(expected)):
        raise TornRead(
            f"the {source} snapshot {header['version']['S']} has {len(chunks)} of "
            f"{expected} publication chunks"
        )
    optional = {
        name: _number(header, name) if name in header else None for name in _OPTIONAL_NUMBERS
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
        **optional,
    )


def _status(item: dict) -> RefreshStatus:
    sources: dict[str, SourceStatus] = {}
    for name, value in item.items():
        kind, _, source = name.partition("_")
        if kind not in ("attempt", "success", "held") or not source:
            continue
        sources.setdefault(source, SourceStatus(source=source))
        sources[source] = _with_status_field(sources[source], kind, value)
    return RefreshStatus(sources=sources, revision=_count(item.get("revision", {"N": "0"})["N"]))


def _with_status_field(status: SourceStatus, kind: str, value: dict) -> SourceStatus:
    if kind == "success":
        return replace(status, last_success_at=parse_time(value["S"]))
    fields = value["M"]
    if kind == "attempt":
        return replace(
            status,
            last_attempt_at=parse_time(fields["at"]["S"]),
            outcome=fields["kind"]["S"],
            detail=fields["detail"]["S"],
        )
    return replace(
        status, held_back_at=parse_time(fields["at"]["S"]), held_back_reason=fields["reason"]["S"]
    )


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


def chunk_items(
    partition: str, version: str, keys: Sequence[str], chunks: Sequence[str]
) -> list[dict]:
    """The items of one snapshot version's publication chunks, compressed: the page reads all."""
    return [
        {
            "pk": text_value(partition),
            "sk": text_value(key),
            "version": text_value(version),
            "rows": {"B": zlib.compress(chunk.encode())},
        }
        for key, chunk in zip(keys, chunks, strict=True)
    ]


def header_item(snapshot: CitationSnapshot, version: str, chunk_count: int) -> dict:
    """The item of a source's current snapshot: its numbers and where its chunks are."""
    return {
        "pk": text_value(profile_key(snapshot.profile_id)),
        "sk": text_value(header_key(snapshot.source)),
        "version": text_value(version),
        "chunk_count": number_value(chunk_count),
        **header_fields(snapshot),
    }


def history_item(snapshot: CitationSnapshot) -> dict:
    """The item of one day's numbers of a source, kept for the trend."""
    day = utc(snapshot.fetched_at).date()
    return {
        "pk": text_value(profile_key(snapshot.profile_id)),
        "sk": text_value(history_key(snapshot.source, day)),
        "day": text_value(day.isoformat()),
        "fetched_at": text_value(time_text(snapshot.fetched_at)),
        "citations": number_value(snapshot.citations),
        "h_index": number_value(snapshot.h_index),
        "i10_index": number_value(snapshot.i10_index),
    }


def history_point(item: dict) -> HistoryPoint:
    """One history item read back."""
    return HistoryPoint(
        day=date.fromisoformat(item["day"]["S"]),
        citations=int(item["citations"]["N"]),
        h_index=int(item["h_index"]["N"]),
        i10_index=int(item["i10_index"]["N"]),
    )


def attempt_update(
    source: str,
    *,
    at: datetime,
    kind: str,
    detail: str = "",
    published: bool = False,
    held_back_reason: str = "",
) -> tuple[str, dict, dict]:
    """The status record's UpdateExpression, names and values for one refresh attempt."""
    names = {"#attempt": f"attempt_{source}"}
    values = {
        ":attempt": {
            "M": {
                "at": text_value(time_text(at)),
                "kind": text_value(kind),
                "detail": text_value(detail[:DETAIL_CHARS]),
            }
        },
        ":one": number_value(1),
    }
    assignments = ["#attempt = :attempt"]
    removals = []
    if published:
        names.update({"#success": f"success_{source}", "#held": f"held_{source}"})
        values[":at"] = text_value(time_text(at))
        assignments.append("#success = :at")
        removals.append("#held")
    elif held_back_reason:
        names["#held"] = f"held_{source}"
        values[":held"] = {
            "M": {
                "at": text_value(time_text(at)),
                "reason": text_value(held_back_reason[:DETAIL_CHARS]),
            }
        }
        assignments.append("#held = :held")
    expression = "SET " + ", ".join(assignments) + " ADD revision :one"
    if removals:
        expression += " REMOVE " + ", ".join(removals)
    return expression, names, values
