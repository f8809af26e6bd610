"""Many authors per request: OpenAlex's OR filter and Semantic Scholar's POST /author/batch,
answered by a server on 127.0.0.1 from the real single-author responses."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import requests

from chalicelib.citations.batch_fetchers import (
    OPENALEX_BATCH,
    SEMANTICSCHOLAR_BATCH,
    fetch_openalex_authors,
    fetch_semanticscholar_authors,
)
from tests.conftest import FIXTURES
from tests.httpserver import LocalHTTPServer, Reply

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
OPENALEX = json.loads((FIXTURES / "openalex" / "author_A5023888391.json").read_text())
S2 = json.loads((FIXTURES / "semanticscholar" / "author_2262347_with_papers.json").read_text())
JSON = {"Content-Type": "application/json"}


def openalex_answer(request) -> Reply:
    attribute, _, ids = request.query["filter"][0].partition(":")
    key = "id" if attribute == "ids.openalex" else "orcid"
    prefix = "https://openalex.org/" if key == "id" else "https://orcid.org/"
    # the real author record under each asked id, except an id OpenAlex does not know
    results = [{**OPENALEX, key: prefix + i} for i in ids.split("|") if i != "A999"]
    return Reply(200, JSON, json.dumps({"meta": {"count": len(results)}, "results": results}))


def s2_answer(request) -> Reply:
    asked = json.loads(request.body)["ids"]
    author = {k: v for k, v in S2.items() if k != "papers"}
    return Reply(200, JSON, json.dumps([None if i == "999" else {**author, "authorId": i}
                                        for i in asked]))  # fmt: skip


@pytest.fixture
def server():
    with LocalHTTPServer({"/authors": openalex_answer, "/author/batch": s2_answer}) as running:
        yield running


def test_openalex_asks_for_many_authors_in_one_request_with_the_api_key(server):
    ids = ["A5023888391", "A17", "A999"]
    with requests.Session() as session:
        outcomes = fetch_openalex_authors(session, ids, now=NOW, api_key="k3y", base_url=server.url)
    [request] = server.requests
    assert request.query["filter"] == ["ids.openalex:A5023888391|A17|A999"]
    assert request.query["api_key"] == ["k3y"]
    assert {i: o.kind for i, o in outcomes.items()} == {
        "A5023888391": "ok", "A17": "ok", "A999": "not_found"
    }  # fmt: skip
    snapshot = outcomes["A17"].snapshot
    assert (snapshot.profile_id, snapshot.citations) == ("A17", OPENALEX["cited_by_count"])
    assert snapshot.h_index == OPENALEX["summary_stats"]["h_index"]
    assert outcomes["A17"].truncated  # headline numbers only: no works in a batch


def test_openalex_asks_for_orcids_by_their_own_filter(server):
    with requests.Session() as session:
        outcomes = fetch_openalex_authors(
            session, ["0000-0001-6187-6610", "A17"], now=NOW, base_url=server.url
        )
    filters = sorted(request.query["filter"][0] for request in server.requests)
    assert filters == ["ids.openalex:A17", "orcid:0000-0001-6187-6610"]
    assert outcomes["0000-0001-6187-6610"].kind == "ok"


def test_semanticscholar_posts_up_to_1000_ids_and_reads_null_as_not_found(server):
    ids = [str(n) for n in range(1, SEMANTICSCHOLAR_BATCH)] + ["999"]
    with requests.Session() as session:
        outcomes = fetch_semanticscholar_authors(
            session, ids, now=NOW, api_key="s2k", base_url=server.url
        )
    [request] = server.requests
    assert request.method == "POST" and request.headers["x-api-key"] == "s2k"
    assert "citationCount" in request.query["fields"][0]
    assert len(json.loads(request.body)["ids"]) == 1000
    assert outcomes["999"].kind == "not_found"
    assert outcomes["5"].snapshot.citations == S2["citationCount"]
    assert outcomes["5"].snapshot.profile_id == "5"


@pytest.mark.parametrize(
    ("status", "kind"), [(429, "blocked"), (403, "blocked"), (500, "network_error")]
)
def test_a_refused_batch_is_the_same_failure_for_each_of_its_ids(status, kind):
    refused = Reply(status, JSON, "{}")
    routes = {"/authors": refused, "/author/batch": refused}
    with LocalHTTPServer(routes) as server, requests.Session() as session:
        openalex = fetch_openalex_authors(session, ["A1", "A2"], now=NOW, base_url=server.url)
        s2 = fetch_semanticscholar_authors(session, ["1", "2"], now=NOW, base_url=server.url)
    assert {o.kind for o in (*openalex.values(), *s2.values())} == {kind}
    assert "HTTP" in openalex["A1"].detail


def test_a_batch_answer_of_the_wrong_length_changes_nothing():
    short = Reply(200, JSON, json.dumps([{"authorId": "1", "citationCount": 1, "hIndex": 1}]))
    with LocalHTTPServer({"/author/batch": short}) as server, requests.Session() as session:
        outcomes = fetch_semanticscholar_authors(session, ["1", "2"], now=NOW, base_url=server.url)
    assert {o.kind for o in outcomes.values()} == {"layout_changed"}
    assert "expected a list of 2 entries" in outcomes["1"].detail


@pytest.mark.parametrize(
    ("fetch", "limit"),
    [
        (fetch_openalex_authors, OPENALEX_BATCH),
        (fetch_semanticscholar_authors, SEMANTICSCHOLAR_BATCH),
    ],
)
def test_a_batch_over_the_limit_is_refused_before_any_request(fetch, limit):
    with pytest.raises(ValueError, match=f"expected 1 to {limit} ids, got {limit + 1}"):
        fetch(None, [f"A{n}" for n in range(limit + 1)], now=NOW)
