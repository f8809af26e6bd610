"""The citation store: snapshots, publications, history and refresh status in one DynamoDB table.

Key design (see docs/citations.md): every item of a profile shares pk = PROFILE#<profile_id>; what
the page reads sorts under CURRENT#, so one Query returns it all; history sorts under HISTORY#.
"""

from __future__ import annotations

import hashlib
import json
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.aws_errors import describe_aws_error
from chalicelib.citation_views import (
    CitationState,
    HistoryPoint,
    RefreshStatus,
    SourceStatus,
    utc,
)
from chalicelib.citations import CitationSnapshot, PaperCitations
from chalicelib.errors import UserError

__all__ = [
    "CitationState",
    "CitationStore",
    "CitationStoreError",
    "HistoryPoint",
    "RefreshStatus",
    "SourceStatus",
    "create_table",
]

CURRENT = "CURRENT#"
HEADER_PREFIX = "CURRENT#SNAPSHOT#"
CHUNK_PREFIX = "CURRENT#PUBS#"
STATUS_KEY = "CURRENT#STATUS"
HISTORY_PREFIX = "HISTORY#"

PUBLICATIONS_PER_CHUNK = 250
# JSON bytes per chunk before compression: even incompressible rows stay far below 400 KB an item.
CHUNK_BYTES = 120_000
BATCH_SIZE = 25  # BatchWriteItem's limit
BATCH_ATTEMPTS = 8
DETAIL_CHARS = 500

# Fixed width, so DynamoDB compares these strings in time order.
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class CitationStoreError(UserError):
    """A DynamoDB call failed; the message names the operation and what to do about it."""


class _TornRead(Exception):
    """A read caught a refresh half-way: a header without all of its publication chunks."""


def _error_code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


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
            id=paper_id,
            title=title,
            citations=citations,
            authors=authors,
            venue=venue,
            year=year,
            duplicate=bool(duplicate),
        )
        for chunk in chunks
        for paper_id, title, citations, authors, venue, year, duplicate in json.loads(
            zlib.decompress(chunk)
        )
    )


def _text(value: str) -> dict:
    return {"S": value}


def _number(value: int) -> dict:
    return {"N": str(value)}


_OPTIONAL_NUMBERS = ("citations_since", "h_index_since", "i10_index_since", "since_year")


def _header_fields(snapshot: CitationSnapshot) -> dict:
    """The snapshot's attributes apart from keys, version and publications."""
    fields = {
        "source": _text(snapshot.source),
        "profile_id": _text(snapshot.profile_id),
        "fetched_at": _text(time_text(snapshot.fetched_at)),
        "citations": _number(snapshot.citations),
        "h_index": _number(snapshot.h_index),
        "i10_index": _number(snapshot.i10_index),
        "name": _text(snapshot.name),
        "affiliation": _text(snapshot.affiliation),
        "interests": {"L": [_text(interest) for interest in snapshot.interests]},
        "photo_url": _text(snapshot.photo_url),
        "cites_per_year": _text(json.dumps(sorted(snapshot.cites_per_year))),
        "publication_count": _number(len(snapshot.publications)),
    }
    for name in _OPTIONAL_NUMBERS:
        value = getattr(snapshot, name)
        if value is not None:
            fields[name] = _number(value)
    return fields


def snapshot_version(snapshot: CitationSnapshot, chunks: Sequence[str]) -> str:
    """An id for exactly this snapshot: its fetch time and a digest of everything in it."""
    digest = hashlib.sha256()
    digest.update(json.dumps(_header_fields(snapshot), sort_keys=True).encode())
    for chunk in chunks:
        digest.update(chunk.encode())
    return f"{utc(snapshot.fetched_at):%Y%m%dT%H%M%SZ}-{digest.hexdigest()[:10]}"


def _snapshot(header: dict, chunks: dict[int, bytes]) -> CitationSnapshot:
    source = header["source"]["S"]
    expected = int(header["chunk_count"]["N"])
    if sorted(chunks) != list(range(expected)):
        raise _TornRead(
            f"the {source} snapshot {header['version']['S']} has {len(chunks)} of "
            f"{expected} publication chunks"
        )
    optional = {
        name: int(header[name]["N"]) if name in header else None for name in _OPTIONAL_NUMBERS
    }
    return CitationSnapshot(
        source=source,
        profile_id=header["profile_id"]["S"],
        fetched_at=parse_time(header["fetched_at"]["S"]),
        citations=int(header["citations"]["N"]),
        h_index=int(header["h_index"]["N"]),
        i10_index=int(header["i10_index"]["N"]),
        name=header["name"]["S"],
        affiliation=header["affiliation"]["S"],
        interests=tuple(value["S"] for value in header["interests"]["L"]),
        photo_url=header["photo_url"]["S"],
        cites_per_year=tuple(
            (year, count) for year, count in json.loads(header["cites_per_year"]["S"])
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
    return RefreshStatus(sources=sources, revision=int(item.get("revision", {"N": "0"})["N"]))


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
    """The page's state from the items under CURRENT#; None when the profile has none."""
    headers: dict[str, dict] = {}
    chunks: dict[tuple[str, str], dict[int, bytes]] = {}
    status_item = None
    for item in items:
        sort_key = item["sk"]["S"]
        if sort_key == STATUS_KEY:
            status_item = item
        elif sort_key.startswith(HEADER_PREFIX):
            headers[item["source"]["S"]] = item
        elif sort_key.startswith(CHUNK_PREFIX):
            source, version, index = sort_key[len(CHUNK_PREFIX) :].split("#")
            chunks.setdefault((source, version), {})[int(index)] = item["rows"]["B"]
    if not headers and status_item is None:
        return None
    snapshots = {
        source: _snapshot(header, chunks.get((source, header["version"]["S"]), {}))
        for source, header in headers.items()
    }
    status = _status(status_item) if status_item is not None else None
    parts = [f"{source}={headers[source]['version']['S']}" for source in sorted(headers)]
    parts.append(f"status={status.revision if status else 0}")
    version = hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
    return CitationState(snapshots=snapshots, status=status, version=version)


class CitationStore:
    """Reads and writes one profile's citations in a DynamoDB table, given a low-level client."""

    def __init__(
        self,
        client,
        table_name: str,
        *,
        page_size: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.client = client
        self.table_name = table_name
        self.page_size = page_size  # items per Query page; None leaves DynamoDB's 1 MB pages
        self.sleep = sleep

    @contextmanager
    def _operation(self, action: str) -> Iterator[None]:
        """Turn SDK errors met during `action` into a CitationStoreError naming it."""
        try:
            yield
        except ClientError as error:
            if _error_code(error) == "ResourceNotFoundException":
                raise CitationStoreError(
                    f"{action}: DynamoDB table {self.table_name!r} not found; "
                    "check ACADPAGE_TABLE (or --table) and the AWS region"
                ) from error
            raise CitationStoreError(describe_aws_error(error, action)) from error
        except BotoCoreError as error:
            raise CitationStoreError(describe_aws_error(error, action)) from error

    def load_current(self, profile_id: str) -> CitationState | None:
        """Everything the page shows about `profile_id`, in one Query; None before any refresh."""
        with self._operation(f"reading the citations of profile {profile_id!r}"):
            try:
                return state_from_items(self._current_items(profile_id, consistent=False))
            except _TornRead:
                # A refresh replaced the publications under our feet: read again, strongly.
                try:
                    return state_from_items(self._current_items(profile_id, consistent=True))
                except _TornRead as torn:
                    raise CitationStoreError(
                        f"reading the citations of profile {profile_id!r}: {torn}"
                    ) from torn

    def _current_items(self, profile_id: str, *, consistent: bool) -> list[dict]:
        return self._query(profile_id, CURRENT, consistent=consistent)

    def _query(self, profile_id: str, prefix: str, *, consistent: bool = False) -> list[dict]:
        request = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": _text(profile_key(profile_id)),
                ":prefix": _text(prefix),
            },
            "ConsistentRead": consistent,
        }
        if self.page_size:
            request["Limit"] = self.page_size
        items: list[dict] = []
        while True:
            response = self.client.query(**request)
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return items
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def save_snapshot(self, snapshot: CitationSnapshot) -> bool:
        """Store `snapshot` as its source's current one; False when a newer one is stored."""
        action = f"saving the {snapshot.source} snapshot of profile {snapshot.profile_id!r}"
        chunks = publication_chunks(snapshot.publications)
        version = snapshot_version(snapshot, chunks)
        partition = profile_key(snapshot.profile_id)
        chunk_keys = [chunk_key(snapshot.source, version, i) for i in range(len(chunks))]
        with self._operation(action):
            # Chunks first: a reader only follows a header to chunks that already exist.
            self._batch_write(
                action,
                [
                    {
                        "PutRequest": {
                            "Item": {
                                "pk": _text(partition),
                                "sk": _text(key),
                                "version": _text(version),
                                # Compressed: the page reads every chunk on each load.
                                "rows": {"B": zlib.compress(chunk.encode())},
                            }
                        }
                    }
                    for key, chunk in zip(chunk_keys, chunks, strict=True)
                ],
            )
            previous = self._put_header(snapshot, version, len(chunks))
            if previous is None:
                self._delete(action, partition, chunk_keys)  # ours lost: nobody will read them
                return False
            if previous and previous["version"]["S"] != version:
                stale = [
                    chunk_key(snapshot.source, previous["version"]["S"], i)
                    for i in range(int(previous["chunk_count"]["N"]))
                ]
                self._delete(action, partition, stale)
            self._put_history(snapshot)
        return True

    def _put_header(
        self, snapshot: CitationSnapshot, version: str, chunk_count: int
    ) -> dict | None:
        """Write the header unless a newer one is stored; the replaced header, None when refused."""
        item = {
            "pk": _text(profile_key(snapshot.profile_id)),
            "sk": _text(header_key(snapshot.source)),
            "version": _text(version),
            "chunk_count": _number(chunk_count),
            **_header_fields(snapshot),
        }
        try:
            response = self.client.put_item(
                TableName=self.table_name,
                Item=item,
                # Saving the very same snapshot again is harmless, so an equal version passes.
                ConditionExpression=(
                    "attribute_not_exists(sk) OR fetched_at < :fetched_at OR version = :version"
                ),
                ExpressionAttributeValues={
                    ":fetched_at": item["fetched_at"],
                    ":version": item["version"],
                },
                ReturnValues="ALL_OLD",
            )
        except ClientError as error:
            if _error_code(error) == "ConditionalCheckFailedException":
                return None
            raise
        return response.get("Attributes", {})

    def _put_history(self, snapshot: CitationSnapshot) -> None:
        day = utc(snapshot.fetched_at).date()
        self.client.put_item(
            TableName=self.table_name,
            Item={
                "pk": _text(profile_key(snapshot.profile_id)),
                "sk": _text(history_key(snapshot.source, day)),
                "day": _text(day.isoformat()),
                "fetched_at": _text(time_text(snapshot.fetched_at)),
                "citations": _number(snapshot.citations),
                "h_index": _number(snapshot.h_index),
                "i10_index": _number(snapshot.i10_index),
            },
        )

    def _delete(self, action: str, partition: str, sort_keys: Sequence[str]) -> None:
        self._batch_write(
            action,
            [
                {"DeleteRequest": {"Key": {"pk": _text(partition), "sk": _text(key)}}}
                for key in sort_keys
            ],
        )

    def _batch_write(self, action: str, requests: list[dict]) -> None:
        """BatchWriteItem in groups of 25, retrying what DynamoDB leaves unprocessed."""
        for start in range(0, len(requests), BATCH_SIZE):
            pending = {self.table_name: requests[start : start + BATCH_SIZE]}
            for attempt in range(BATCH_ATTEMPTS):
                pending = self.client.batch_write_item(RequestItems=pending).get(
                    "UnprocessedItems", {}
                )
                if not pending:
                    break
                self.sleep(min(0.05 * 2**attempt, 2.0))
            else:
                left = len(pending.get(self.table_name, []))
                raise CitationStoreError(
                    f"{action}: DynamoDB left {left} writes unprocessed after "
                    f"{BATCH_ATTEMPTS} tries (throttled); try again in a minute"
                )

    def record_attempt(
        self,
        profile_id: str,
        source: str,
        *,
        at: datetime,
        kind: str,
        detail: str = "",
        published: bool = False,
        held_back_reason: str = "",
    ) -> None:
        """Note one refresh attempt in the status record, with its success or held-back numbers."""
        names = {"#attempt": f"attempt_{source}"}
        values = {
            ":attempt": {
                "M": {
                    "at": _text(time_text(at)),
                    "kind": _text(kind),
                    "detail": _text(detail[:DETAIL_CHARS]),
                }
            },
            ":one": _number(1),
        }
        assignments = ["#attempt = :attempt"]
        removals = []
        if published:
            names.update({"#success": f"success_{source}", "#held": f"held_{source}"})
            values[":at"] = _text(time_text(at))
            assignments.append("#success = :at")
            removals.append("#held")
        elif held_back_reason:
            names["#held"] = f"held_{source}"
            values[":held"] = {
                "M": {"at": _text(time_text(at)), "reason": _text(held_back_reason[:DETAIL_CHARS])}
            }
            assignments.append("#held = :held")
        expression = "SET " + ", ".join(assignments) + " ADD revision :one"
        if removals:
            expression += " REMOVE " + ", ".join(removals)
        with self._operation(f"recording the {source} attempt of profile {profile_id!r}"):
            self.client.update_item(
                TableName=self.table_name,
                Key={"pk": _text(profile_key(profile_id)), "sk": _text(STATUS_KEY)},
                UpdateExpression=expression,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )

    def history(self, profile_id: str, source: str) -> list[HistoryPoint]:
        """One point per day a snapshot of `source` was saved, oldest first."""
        with self._operation(f"reading the {source} history of profile {profile_id!r}"):
            items = self._query(profile_id, f"{HISTORY_PREFIX}{source}#")
        return [
            HistoryPoint(
                day=date.fromisoformat(item["day"]["S"]),
                citations=int(item["citations"]["N"]),
                h_index=int(item["h_index"]["N"]),
                i10_index=int(item["i10_index"]["N"]),
            )
            for item in items
        ]


def create_table(client, table_name: str, *, wait: bool = True) -> bool:
    """Create the citation table (on-demand billing); False when it exists already."""
    action = f"creating DynamoDB table {table_name!r}"
    try:
        client.create_table(
            TableName=table_name,
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        if wait:
            client.get_waiter("table_exists").wait(
                TableName=table_name, WaiterConfig={"Delay": 2, "MaxAttempts": 60}
            )
    except ClientError as error:
        if _error_code(error) == "ResourceInUseException":
            return False
        raise CitationStoreError(describe_aws_error(error, action)) from error
    except BotoCoreError as error:
        raise CitationStoreError(describe_aws_error(error, action)) from error
    return True
