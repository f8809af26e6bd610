"""A stored item no refresh could have written is read as missing, logged, and the page renders."""

from __future__ import annotations

import json
import logging
import zlib

import pytest

from chalicelib import runtime
from chalicelib.citations.items import (
    CHUNK_PREFIX,
    HEADER_PREFIX,
    STATUS_KEY,
    header_key,
    profile_key,
)
from tests.conftest import CITATION_TABLE
from tests.test_citation_views import snapshot_of

PROFILE = "P1RwlvoAAAAJ"
HEADER = {"pk": {"S": profile_key(PROFILE)}, "sk": {"S": header_key("scholar")}}

# (what is done to the scholar header: SET expression and its values, or a REMOVE)
CORRUPT_HEADERS = [
    pytest.param(
        "SET cites_per_year = :v", {":v": {"S": "[[2020, -5]]"}}, id="negative-year-count"
    ),
    pytest.param("SET cites_per_year = :v", {":v": {"S": "[[2020, 1.5]]"}}, id="fraction-count"),
    pytest.param("SET cites_per_year = :v", {":v": {"S": "not json"}}, id="cites-not-json"),
    pytest.param("SET citations = :v", {":v": {"N": "-5"}}, id="negative-total"),
    pytest.param("SET citations = :v", {":v": {"N": "1.5"}}, id="fraction-total"),
    pytest.param("SET citations = :v", {":v": {"S": "many"}}, id="text-total"),
    pytest.param("SET h_index = :v", {":v": {"BOOL": True}}, id="bool-h-index"),
    pytest.param("SET fetched_at = :v", {":v": {"S": "yesterday"}}, id="bad-time"),
    pytest.param("REMOVE citations", None, id="missing-total"),
    pytest.param("REMOVE interests", None, id="missing-interests"),
]


def corrupt(dynamodb, expression: str, values: dict | None, key: dict = HEADER) -> None:
    request = {"TableName": CITATION_TABLE, "Key": key, "UpdateExpression": expression}
    if values:
        request["ExpressionAttributeValues"] = values
    dynamodb.update_item(**request)


@pytest.mark.parametrize(("expression", "values"), CORRUPT_HEADERS)
def test_a_corrupt_header_reads_as_missing_and_keeps_the_other_sources(
    store, dynamodb, caplog, expression, values
):
    store.save_snapshot(snapshot_of("scholar"))
    store.save_snapshot(snapshot_of("openalex", citations=99))
    corrupt(dynamodb, expression, values)
    with caplog.at_level(logging.ERROR, logger="acadpage"):
        state = store.load_current(PROFILE)
    assert sorted(state.snapshots) == ["openalex"]
    assert state.snapshots["openalex"].citations == 99
    assert '"event": "citation_item_malformed"' in caplog.text
    assert header_key("scholar") in caplog.text


def test_a_corrupt_publication_chunk_reads_as_missing(store, dynamodb, caplog):
    store.save_snapshot(snapshot_of("scholar"))
    items = dynamodb.scan(TableName=CITATION_TABLE)["Items"]
    chunk = next(item for item in items if item["sk"]["S"].startswith(CHUNK_PREFIX))
    rows = json.dumps([["P1RwlvoAAAAJ:x", "A title", -3, "", "", 2020, 0]]).encode()
    dynamodb.update_item(
        TableName=CITATION_TABLE,
        Key={"pk": chunk["pk"], "sk": chunk["sk"]},
        UpdateExpression="SET #rows = :v",
        ExpressionAttributeNames={"#rows": "rows"},
        ExpressionAttributeValues={":v": {"B": zlib.compress(rows)}},
    )
    with caplog.at_level(logging.ERROR, logger="acadpage"):
        state = store.load_current(PROFILE)
    assert state.snapshots == {}
    assert "citation_item_malformed" in caplog.text


def test_a_corrupt_status_record_reads_as_no_status(store, dynamodb, caplog):
    store.save_snapshot(snapshot_of("scholar"))
    store.record_attempt(PROFILE, "scholar", at=snapshot_of().fetched_at, kind="ok")
    status_key = {"pk": {"S": profile_key(PROFILE)}, "sk": {"S": STATUS_KEY}}
    corrupt(dynamodb, "SET revision = :v", {":v": {"N": "-1"}}, status_key)
    with caplog.at_level(logging.ERROR, logger="acadpage"):
        state = store.load_current(PROFILE)
    assert state.status is None and sorted(state.snapshots) == ["scholar"]
    assert STATUS_KEY in caplog.text


@pytest.mark.parametrize(("expression", "values"), CORRUPT_HEADERS)
def test_the_page_renders_over_a_corrupt_citation_item(client, expression, values):
    dynamodb = runtime.dynamodb_client()
    settings = runtime.settings()
    items = dynamodb.scan(TableName=settings.table)["Items"]
    header = next(item for item in items if item["sk"]["S"].startswith(HEADER_PREFIX))
    key = {"pk": header["pk"], "sk": header["sk"]}
    assert client.http.get("/").status_code == 200
    runtime.reset()  # a cold container: the corrupt item is what it reads first
    request = {"TableName": settings.table, "Key": key, "UpdateExpression": expression}
    if values:
        request["ExpressionAttributeValues"] = values
    dynamodb.update_item(**request)
    response = client.http.get("/")
    assert response.status_code == 200
    assert b"Kaiming He" in response.body
