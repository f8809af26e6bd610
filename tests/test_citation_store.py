"""The citation table: one read for the page, small items, few writes, newer numbers never lost."""

from __future__ import annotations

import json
import random
import string
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib.citations.items import (
    CHUNK_PREFIX,
    HISTORY_PREFIX,
    STATUS_KEY,
    header_key,
    profile_key,
)
from chalicelib.citations.model import PaperCitations
from chalicelib.citations.state import HistoryPoint
from chalicelib.citations.store import CitationStore, CitationStoreError, create_table
from tests.conftest import CITATION_TABLE
from tests.test_citation_views import NOW, snapshot_of

TABLE = CITATION_TABLE
PROFILE = "P1RwlvoAAAAJ"
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
ITEM_LIMIT = 400 * 1024
DOCS = Path(__file__).resolve().parent.parent / "docs" / "citations.md"


class CallLog:
    """Every DynamoDB call a client makes, with its parameters, through botocore's event hooks."""

    def __init__(self, client):
        self.calls: list[tuple[str, dict]] = []
        client.meta.events.register("before-call.dynamodb", self._record)

    def _record(self, model, params, **_):
        self.calls.append((model.name, json.loads(params["body"] or b"{}")))

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def writes(self) -> int:
        return sum(name in WRITES for name in self.names())

    def clear(self) -> None:
        self.calls.clear()


def all_items(client) -> list[dict]:
    return client.scan(TableName=TABLE)["Items"]


def sort_keys(client) -> list[str]:
    return sorted(item["sk"]["S"] for item in all_items(client))


def long_profile(publications: int, *, source: str = "scholar", citations: int = 90_000):
    """A big profile with long titles, author lists and venues that hardly compress."""
    noise = random.Random(publications)

    def text(length: int) -> str:
        return "".join(noise.choices(string.ascii_letters + "  ,.-é", k=length))

    papers = tuple(
        PaperCitations(
            id=f"{PROFILE}:{n:012d}",
            title=text(200),
            citations=10_000 - n,
            authors=text(250),
            venue=text(100),
            year=1990 + n % 35,
        )
        for n in range(publications)
    )
    return replace(snapshot_of(source, citations=citations), publications=papers)


# --- what comes back ------------------------------------------------------------------------------


def test_a_saved_snapshot_loads_back_whole(store):
    snapshot = replace(
        snapshot_of("scholar", publications=30),
        fetched_at=datetime(2024, 4, 10, 12, 0, 1, 123456, tzinfo=UTC),
        citations_since=None,
        i10_index_since=None,
    )

    assert store.save_snapshot(snapshot) is True
    state = store.load_current(PROFILE)

    assert state.snapshots == {"scholar": snapshot}
    assert state.snapshots["scholar"].publications == snapshot.publications
    assert state.status is None


def test_each_source_keeps_its_own_snapshot(store):
    scholar = snapshot_of("scholar", citations=100)
    openalex = snapshot_of("openalex", citations=80, days_old=1)

    store.save_snapshot(scholar)
    store.save_snapshot(openalex)

    assert store.load_current(PROFILE).snapshots == {"scholar": scholar, "openalex": openalex}


def test_an_unknown_profile_has_no_state(store):
    assert store.load_current("nobody") is None


def test_older_refresh_never_overwrites_newer(store, dynamodb):
    newer = snapshot_of("scholar", citations=130, publications=5)
    older = snapshot_of("scholar", citations=120, publications=7, days_old=1)

    assert store.save_snapshot(newer) is True
    assert store.save_snapshot(older) is False

    assert store.load_current(PROFILE).snapshots["scholar"] == newer
    chunk_keys = [key for key in sort_keys(dynamodb) if key.startswith("CURRENT#PUBS#")]
    assert len(chunk_keys) == 1  # the refused refresh left no chunks behind


def test_saving_the_same_snapshot_twice_is_harmless(store):
    snapshot = snapshot_of("scholar", publications=4)

    assert store.save_snapshot(snapshot) is True
    assert store.save_snapshot(snapshot) is True

    assert store.load_current(PROFILE).snapshots["scholar"] == snapshot


def test_a_new_snapshot_deletes_the_publication_chunks_it_replaces(store, dynamodb):
    store.save_snapshot(long_profile(600))
    store.save_snapshot(replace(long_profile(300), fetched_at=NOW + timedelta(hours=1)))

    chunks = [key for key in sort_keys(dynamodb) if key.startswith("CURRENT#PUBS#")]
    versions = {key.split("#")[3] for key in chunks}
    assert len(versions) == 1 and len(chunks) == 2
    assert len(store.load_current(PROFILE).snapshots["scholar"].publications) == 300


# --- reads and writes it costs --------------------------------------------------------------------


def test_load_current_is_one_dynamodb_call(store, dynamodb):
    for source in ("scholar", "openalex", "semanticscholar"):
        store.save_snapshot(snapshot_of(source, publications=300))
        store.record_attempt(PROFILE, source, at=NOW, kind="ok", published=True)
    log = CallLog(dynamodb)

    state = store.load_current(PROFILE)

    assert log.names() == ["Query"]
    assert set(state.snapshots) == {"scholar", "openalex", "semanticscholar"}
    assert set(state.status.sources) == {"scholar", "openalex", "semanticscholar"}


def test_load_current_follows_every_page_of_a_long_answer(dynamodb):
    small_pages = CitationStore(dynamodb, TABLE, page_size=2)
    snapshot = long_profile(700)
    small_pages.save_snapshot(snapshot)
    small_pages.record_attempt(PROFILE, "scholar", at=NOW, kind="ok", published=True)
    log = CallLog(dynamodb)

    state = small_pages.load_current(PROFILE)

    assert log.names().count("Query") > 1
    assert state.snapshots["scholar"] == snapshot
    assert state.status.sources["scholar"].outcome == "ok"


def test_2000_publications_fit_in_item_limit_and_30_writes(store, dynamodb):
    log = CallLog(dynamodb)

    for hours, source in enumerate(("scholar", "openalex", "semanticscholar")):
        for refresh in range(2):  # the second refresh also deletes the first one's chunks
            snapshot = long_profile(2000, source=source, citations=90_000 + refresh)
            store.save_snapshot(
                replace(snapshot, fetched_at=NOW + timedelta(hours=hours + refresh))
            )
            store.record_attempt(PROFILE, source, at=NOW, kind="ok", published=True)

    per_refresh = log.writes() / 2
    assert per_refresh <= 30
    items = [body["Item"] for name, body in log.calls if name == "PutItem"] + [
        request["PutRequest"]["Item"]
        for name, body in log.calls
        if name == "BatchWriteItem"
        for request in body["RequestItems"][TABLE]
        if "PutRequest" in request
    ]
    largest = max(len(json.dumps(item, ensure_ascii=False).encode()) for item in items)
    assert largest < ITEM_LIMIT / 2
    assert len(store.load_current(PROFILE).snapshots["openalex"].publications) == 2000


class HalfDoneFirst:
    """A DynamoDB client that leaves half of its first batch write, and of its first batch
    read, unprocessed, as DynamoDB may."""

    def __init__(self, client):
        self.client = client
        self.batches = {"write": 0, "read": 0}

    def __getattr__(self, name):
        return getattr(self.client, name)

    def batch_write_item(self, RequestItems):
        self.batches["write"] += 1
        requests = RequestItems[TABLE]
        if self.batches["write"] == 1 and len(requests) > 1:
            half = len(requests) // 2
            self.client.batch_write_item(RequestItems={TABLE: requests[:half]})
            return {"UnprocessedItems": {TABLE: requests[half:]}}
        return self.client.batch_write_item(RequestItems=RequestItems)

    def batch_get_item(self, RequestItems):
        self.batches["read"] += 1
        request = RequestItems[TABLE]
        if self.batches["read"] == 1:
            half = len(request["Keys"]) // 2
            answer = self.client.batch_get_item(
                RequestItems={TABLE: {**request, "Keys": request["Keys"][:half]}}
            )
            answer["UnprocessedKeys"] = {TABLE: {**request, "Keys": request["Keys"][half:]}}
            return answer
        return self.client.batch_get_item(RequestItems=RequestItems)


def test_unprocessed_batch_reads_are_retried_and_every_group_of_100_is_read(dynamodb):
    profiles = [f"A{n}" for n in range(150)]
    for n, profile in enumerate(profiles):
        moment = NOW - timedelta(minutes=n)
        CitationStore(dynamodb, TABLE).record_attempt(
            profile, "openalex", at=moment, kind="ok", published=True
        )
    pauses = []
    client = HalfDoneFirst(dynamodb)

    found = CitationStore(client, TABLE, sleep=pauses.append).successes_at(profiles, "openalex")

    assert found == {profile: NOW - timedelta(minutes=n) for n, profile in enumerate(profiles)}
    assert (client.batches["read"], pauses) == (3, [0.05])  # 100 keys (half again), then 50


def test_unprocessed_batch_writes_are_retried(dynamodb):
    pauses = []
    store = CitationStore(HalfDoneFirst(dynamodb), TABLE, sleep=pauses.append)
    snapshot = long_profile(1000)

    store.save_snapshot(snapshot)

    assert pauses == [0.05]
    assert CitationStore(dynamodb, TABLE).load_current(PROFILE).snapshots["scholar"] == snapshot


def test_a_read_that_catches_a_refresh_midway_reads_again(dynamodb):
    class TornOnce:
        """A DynamoDB client whose first Query misses the publication chunks, as a race could."""

        def __init__(self, client):
            self.client = client
            self.queries: list[bool] = []

        def __getattr__(self, name):
            return getattr(self.client, name)

        def query(self, **request):
            self.queries.append(request["ConsistentRead"])
            answer = self.client.query(**request)
            if len(self.queries) == 1:
                answer["Items"] = [i for i in answer["Items"] if "#PUBS#" not in i["sk"]["S"]]
            return answer

    snapshot = snapshot_of("scholar", publications=10)
    CitationStore(dynamodb, TABLE).save_snapshot(snapshot)
    torn = TornOnce(dynamodb)

    state = CitationStore(torn, TABLE).load_current(PROFILE)

    assert torn.queries == [False, True]
    assert state.snapshots["scholar"] == snapshot


def test_a_header_whose_chunks_are_missing_is_an_error_naming_it(store, dynamodb):
    store.save_snapshot(snapshot_of("scholar", publications=10))
    for key in sort_keys(dynamodb):
        if key.startswith("CURRENT#PUBS#"):
            dynamodb.delete_item(
                TableName=TABLE, Key={"pk": {"S": f"PROFILE#{PROFILE}"}, "sk": {"S": key}}
            )

    with pytest.raises(CitationStoreError) as raised:
        store.load_current(PROFILE)

    assert str(raised.value).startswith(
        f"reading the citations of profile '{PROFILE}': the scholar snapshot 20240410T120000Z-"
    )
    assert str(raised.value).endswith("has 0 of 1 publication chunks")


# --- version, status, history ---------------------------------------------------------------------


def test_version_changes_whenever_anything_shown_changes(store):
    store.save_snapshot(snapshot_of("scholar"))
    first = store.load_current(PROFILE).version
    assert store.load_current(PROFILE).version == first

    store.record_attempt(PROFILE, "openalex", at=NOW, kind="blocked", detail="HTTP 429")
    second = store.load_current(PROFILE).version
    store.save_snapshot(
        replace(snapshot_of("scholar", citations=121), fetched_at=NOW + timedelta(1))
    )
    third = store.load_current(PROFILE).version

    assert len({first, second, third}) == 3


def test_status_records_attempts_successes_and_held_back_numbers(store):
    later = NOW + timedelta(days=1)
    store.record_attempt(PROFILE, "scholar", at=NOW, kind="ok", detail="3 pages", published=True)
    store.record_attempt(PROFILE, "scholar", at=later, kind="blocked", detail="HTTP 429")
    store.record_attempt(
        PROFILE, "openalex", at=NOW, kind="ok", held_back_reason="the total fell 30%, from 10 to 7"
    )

    status = store.load_current(PROFILE).status

    scholar, openalex = status.sources["scholar"], status.sources["openalex"]
    assert (scholar.last_attempt_at, scholar.outcome, scholar.detail) == (
        later,
        "blocked",
        "HTTP 429",
    )
    assert (scholar.last_success_at, scholar.held_back) == (NOW, False)
    assert (openalex.held_back, openalex.held_back_reason) == (
        True,
        "the total fell 30%, from 10 to 7",
    )
    assert (openalex.held_back_at, openalex.last_success_at) == (NOW, None)
    assert status.last_attempt is scholar
    assert status.revision == 3


def test_a_published_success_clears_the_held_back_flag(store):
    store.record_attempt(PROFILE, "openalex", at=NOW, kind="ok", held_back_reason="fell")
    store.record_attempt(PROFILE, "openalex", at=NOW + timedelta(1), kind="ok", published=True)

    assert store.load_current(PROFILE).status.sources["openalex"].held_back is False


def test_history_keeps_one_point_per_source_per_day(store):
    day_one = datetime(2024, 4, 1, 6, 0, tzinfo=UTC)
    for fetched_at, citations in [
        (day_one, 100),
        (day_one + timedelta(hours=12), 105),
        (day_one + timedelta(days=1), 110),
    ]:
        store.save_snapshot(
            replace(snapshot_of("scholar", citations=citations), fetched_at=fetched_at)
        )
    store.save_snapshot(snapshot_of("openalex", citations=90))

    assert store.history(PROFILE, "scholar") == [
        HistoryPoint(date(2024, 4, 1), 105, 7, 5, 3),
        HistoryPoint(date(2024, 4, 2), 110, 7, 5, 3),
    ]
    assert store.history(PROFILE, "openalex") == [HistoryPoint(date(2024, 4, 10), 90, 7, 5, 3)]


# --- the table and its errors ---------------------------------------------------------------------


def test_create_table_is_on_demand_and_idempotent(dynamodb):
    assert create_table(dynamodb, TABLE) is False

    table = dynamodb.describe_table(TableName=TABLE)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]] == [
        ("pk", "HASH"),
        ("sk", "RANGE"),
    ]


def test_a_missing_table_is_an_error_naming_the_operation(aws):
    store = CitationStore(boto3.client("dynamodb", region_name="us-east-1"), "no-such-table")

    with pytest.raises(CitationStoreError) as raised:
        store.save_snapshot(snapshot_of("openalex"))

    assert str(raised.value) == (
        f"saving the openalex snapshot of profile '{PROFILE}': DynamoDB table 'no-such-table' "
        "not found; check ACADPAGE_TABLE (or --table) and the AWS region"
    )
    assert isinstance(raised.value.__cause__, ClientError)


def test_docs_show_the_keys_the_store_writes(store, dynamodb):
    store.save_snapshot(snapshot_of("scholar", publications=3))
    store.record_attempt(PROFILE, "scholar", at=NOW, kind="ok", published=True)
    patterns = [
        profile_key("<profile_id>"),
        header_key("<source>"),
        f"{CHUNK_PREFIX}<source>#<version>#<nnnn>",
        STATUS_KEY,
        f"{HISTORY_PREFIX}<source>#<YYYY-MM-DD>",
    ]
    docs = DOCS.read_text("utf-8")

    assert [pattern for pattern in patterns if f"`{pattern}`" not in docs] == []
    written = sort_keys(dynamodb)
    assert written[0].startswith("CURRENT#PUBS#scholar#20240410T120000Z-")
    assert written[0].endswith("#0000")
    assert written[1:] == [
        "CURRENT#SNAPSHOT#scholar",
        "CURRENT#STATUS",
        "HISTORY#scholar#2024-04-10",
    ]
