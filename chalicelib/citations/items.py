"""The citation table's items as the store writes them: keys and compressed chunks (pure).

Key design (see docs/citations.md): every item of a profile shares pk = PROFILE#<profile_id>; what
the page reads sorts under CURRENT#, so one Query returns it all; history sorts under HISTORY#.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Sequence
from datetime import UTC, date, datetime

from chalicelib.citations.model import CitationSnapshot, PaperCitations
from chalicelib.citations.state import utc

CURRENT = "CURRENT#"
HEADER_PREFIX = "CURRENT#SNAPSHOT#"
CHUNK_PREFIX = "CURRENT#PUBS#"
STATUS_KEY = "CURRENT#STATUS"
HISTORY_PREFIX = "HISTORY#"
# A held-back snapshot lies outside CURRENT#, so the page never reads it; the status record
# carries its headline numbers.
HELD_HEADER_PREFIX = "HELD#SNAPSHOT#"
HELD_CHUNK_PREFIX = "HELD#PUBS#"
PUBLICATIONS_PER_CHUNK = 250
# JSON bytes per chunk before compression: even incompressible rows stay far below 400 KB an item.
CHUNK_BYTES = 120_000
DETAIL_CHARS = 500

# Fixed width, so DynamoDB compares these strings in time order.
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_TIME_TEXT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def time_text(moment: datetime) -> str:
    """A time as the store keeps it: UTC, fixed width, so text order is time order."""
    return utc(moment).strftime(_TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """A time the store kept, back as an aware UTC datetime.

    Checked against the stored shape, then read by fromisoformat: a tick reads thousands of
    clocks, and strptime costs 20 times as much."""
    if _TIME_TEXT.fullmatch(text) is None:
        raise ValueError(f"time {text!r}: expected the form 2026-03-02T08:00:00.000000Z")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def profile_key(profile_id: str) -> str:
    """The partition key of every item of one profile."""
    return f"PROFILE#{profile_id}"


def header_key(source: str, prefix: str = HEADER_PREFIX) -> str:
    """The sort key of a source's current (or held-back) snapshot, without publications."""
    return f"{prefix}{source}"


def chunk_key(source: str, version: str, index: int, prefix: str = CHUNK_PREFIX) -> str:
    """The sort key of one chunk of a snapshot version's publications."""
    return f"{prefix}{source}#{version}#{index:04d}"


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


def text_value(value: str) -> dict:
    """A DynamoDB string attribute."""
    return {"S": value}


def number_value(value: int) -> dict:
    """A DynamoDB number attribute."""
    return {"N": str(value)}


OPTIONAL_NUMBERS = ("citations_since", "h_index_since", "i10_index_since", "since_year")


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
    if snapshot.partial:
        fields["partial"] = {"BOOL": True}
    if snapshot.origin:
        fields["origin"] = text_value(snapshot.origin)
    for name in OPTIONAL_NUMBERS:
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


def header_item(
    partition: str,
    snapshot: CitationSnapshot,
    version: str,
    chunk_count: int,
    prefix: str = HEADER_PREFIX,
) -> dict:
    """The item, in the profile's `partition`, of a source's current (or held) snapshot: its
    numbers and where its chunks are."""
    return {
        "pk": text_value(partition),
        "sk": text_value(header_key(snapshot.source, prefix)),
        "version": text_value(version),
        "chunk_count": number_value(chunk_count),
        **header_fields(snapshot),
    }


def history_item(partition: str, snapshot: CitationSnapshot) -> dict:
    """The item, in the profile's `partition`, of one day's numbers of a source (the trend)."""
    day = utc(snapshot.fetched_at).date()
    return {
        "pk": text_value(partition),
        "sk": text_value(history_key(snapshot.source, day)),
        "day": text_value(day.isoformat()),
        "fetched_at": text_value(time_text(snapshot.fetched_at)),
        "citations": number_value(snapshot.citations),
        "h_index": number_value(snapshot.h_index),
        "i10_index": number_value(snapshot.i10_index),
        **({} if snapshot.partial else {"publications": number_value(len(snapshot.publications))}),
    }


def attempt_update(
    source: str,
    *,
    at: datetime,
    kind: str,
    detail: str = "",
    published: bool = False,
    held_back_reason: str = "",
    held: CitationSnapshot | None = None,
    accepted: bool = False,
    origin: str = "",
) -> tuple[str, dict, dict]:
    """The status record's UpdateExpression, names and values for one refresh attempt."""
    names = {"#attempt": f"attempt_{source}"}
    values = {
        ":attempt": {
            "M": {
                "at": text_value(time_text(at)),
                "kind": text_value(kind),
                "detail": text_value(detail[:DETAIL_CHARS]),
                **({"origin": text_value(origin)} if origin else {}),
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
        if accepted:
            names["#accepted"] = f"accepted_{source}"
            assignments.append("#accepted = :at")
    elif held_back_reason:
        names["#held"] = f"held_{source}"
        record = {
            "at": text_value(time_text(at)),
            "reason": text_value(held_back_reason[:DETAIL_CHARS]),
        }
        if held is not None:
            record.update(
                fetched_at=text_value(time_text(held.fetched_at)),
                citations=number_value(held.citations),
                h_index=number_value(held.h_index),
                i10_index=number_value(held.i10_index),
                publications=number_value(len(held.publications)),
                partial={"BOOL": held.partial},
            )
        values[":held"] = {"M": record}
        assignments.append("#held = :held")
    expression = "SET " + ", ".join(assignments) + " ADD revision :one"
    if removals:
        expression += " REMOVE " + ", ".join(removals)
    return expression, names, values


def whole_snapshot_item(partition: str, sort_key: str, snapshot: CitationSnapshot) -> dict:
    """A snapshot with its compressed chunks in one item (a Scholar fetch between two pages)."""
    chunks = publication_chunks(snapshot.publications)
    return {
        "pk": text_value(partition),
        "sk": text_value(sort_key),
        "version": text_value(snapshot_version(snapshot, chunks)),
        "chunk_count": number_value(len(chunks)),
        "chunks": {"L": [{"B": zlib.compress(chunk.encode())} for chunk in chunks]},
        **header_fields(snapshot),
    }
