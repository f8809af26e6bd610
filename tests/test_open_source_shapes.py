"""Open sources read right: OpenAlex's deleted authors and Semantic Scholar's paged paper lists."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from chalicelib.citations.fetchers import fetch_openalex, fetch_semanticscholar
from chalicelib.citations.open_sources import SourceFormatError, semanticscholar_papers
from chalicelib.citations.refresh import refresh_citations, source_fetchers
from chalicelib.settings import Settings
from tests.httpserver import LocalHTTPServer, Reply
from tests.test_fetchers import NOW

FIXTURES = Path(__file__).parent / "fixtures"
JSON = {"Content-Type": "application/json"}
PROLIFIC = (FIXTURES / "semanticscholar" / "author_prolific.json").read_text("utf-8")


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text("utf-8")


@pytest.fixture
def server():
    with LocalHTTPServer() as local:
        yield local


@pytest.fixture
def session():
    with requests.Session() as opened:
        yield opened


def test_an_openalex_deleted_author_is_not_found_with_a_way_out(server, session):
    server.route("/authors/A5023888391", Reply(200, JSON, fixture("openalex/author_deleted.json")))

    outcome = fetch_openalex(session, "A5023888391", now=NOW, base_url=server.url)

    assert (outcome.kind, outcome.snapshot, outcome.pages) == ("not_found", None, 1)
    assert outcome.detail == (
        "OpenAlex author A5023888391 is a 'Deleted Author' with no works: OpenAlex merged or "
        "removed it. Look up the author's new id on openalex.org (search the name or ORCID) "
        "and set ACADPAGE_OPENALEX_ID to it."
    )
    assert [request.path for request in server.requests] == ["/authors/A5023888391"]


def test_a_deleted_openalex_author_never_replaces_its_numbers(server, session, store):
    settings = Settings(openalex_id="A5023888391")
    works = {"results": [], "meta": {"next_cursor": None}}
    server.route(
        "/authors/A5023888391", Reply(200, JSON, fixture("openalex/author_A5023888391.json"))
    )
    server.route("/works", Reply(200, JSON, json.dumps(works)))
    real = source_fetchers(settings, session, now=NOW, base_urls={"openalex": server.url})
    first = refresh_citations(settings, store, real, now=NOW)
    server.route("/authors/A5023888391", Reply(200, JSON, fixture("openalex/author_deleted.json")))

    later = NOW + timedelta(days=1)
    real = source_fetchers(settings, session, now=later, base_urls={"openalex": server.url})
    report = refresh_citations(settings, store, real, now=later)

    assert first.results[0].kind == "ok"
    assert (report.results[0].kind, report.results[0].published) == ("not_found", False)
    status = store.load_current("A5023888391").status.sources["openalex"]
    assert status.outcome == "not_found" and "Deleted Author" in status.detail


def test_semanticscholar_pages_through_the_papers_of_a_prolific_author(server, session):
    server.route(
        "/graph/v1/author/2262347",
        Reply(200, JSON, fixture("semanticscholar/author_prolific.json")),
    )
    pages = {
        "0": fixture("semanticscholar/author_prolific_papers_0.json"),
        "3": fixture("semanticscholar/author_prolific_papers_3.json"),
    }
    server.route(
        "/graph/v1/author/2262347/papers",
        lambda request: Reply(200, JSON, pages[request.query["offset"][0]]),
    )

    outcome = fetch_semanticscholar(session, "2262347", now=NOW, base_url=f"{server.url}/graph/v1")

    assert (outcome.kind, outcome.pages, outcome.truncated) == ("ok", 3, False)
    assert outcome.detail == "Semantic Scholar author 2262347: 5 papers."
    assert [p.citations for p in outcome.snapshot.publications] == [8596, 404, 386, 328, 288]
    assert outcome.snapshot.citations == 10002
    listed = [r.query for r in server.requests if r.path.endswith("/papers")]
    assert [(q["offset"], q["limit"]) for q in listed] == [(["0"], ["1000"]), (["3"], ["1000"])]
    assert listed[0]["fields"] == ["title,year,venue,citationCount,authors"]


def test_semanticscholar_keeps_nothing_when_a_papers_page_fails(server, session):
    server.route(
        "/graph/v1/author/2262347",
        Reply(200, JSON, fixture("semanticscholar/author_prolific.json")),
    )
    server.route("/graph/v1/author/2262347/papers", Reply(429, JSON, '{"message": "slow down"}'))

    outcome = fetch_semanticscholar(session, "2262347", now=NOW, base_url=f"{server.url}/graph/v1")

    assert (outcome.kind, outcome.snapshot) == ("blocked", None)
    assert outcome.detail == (
        "Semantic Scholar papers of author 2262347 from offset 0: refused with HTTP 429 "
        "(rate limit or API key)."
    )


@pytest.mark.parametrize(
    ("listing", "message"),
    [
        ({"offset": 0}, "Semantic Scholar papers from offset 0: data: expected a value, got "
                        "nothing (field missing)"),
        ({"offset": 0, "next": 0, "data": []}, "Semantic Scholar papers from offset 0: next: "
                                               "expected an offset after 0, got 0"),
        ({"offset": 0, "next": "3", "data": []}, "Semantic Scholar papers from offset 0: next: "
                                                 "expected an offset after 0, got '3'"),
    ],
)  # fmt: skip
def test_a_malformed_papers_page_names_the_field(listing, message):
    with pytest.raises(SourceFormatError) as error:
        semanticscholar_papers(listing, 0)
    assert str(error.value) == message
