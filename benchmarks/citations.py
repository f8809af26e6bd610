"""Figures of the citation path: parsing Scholar pages and refreshing a large profile."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from benchmarks.page import p50_ms
from tests.httpserver import LocalHTTPServer, RecordedRequest, Reply
from tests.scholar_pages import profile_page, profile_pages

ROWS_PER_PAGE = 100
PAGES = 20
DYNAMODB_WRITES = {"PutItem", "UpdateItem", "BatchWriteItem", "DeleteItem"}


def parse_100_rows_ms() -> float:
    """Parse one 100-row profile page."""
    from chalicelib.citations.scholar import parse_profile_page

    page = profile_page(0, ROWS_PER_PAGE, more=True)
    assert len(parse_profile_page(page).publications) == ROWS_PER_PAGE
    return p50_ms(lambda: parse_profile_page(page), 100)


def refresh_2000_pubs() -> tuple[float, int, int]:
    """(CPU seconds, DynamoDB write requests, rows stored) of one refresh of a 2,000-row profile
    served from 127.0.0.1 in 20 pages, into an embedded DynamoDB."""
    import requests
    from moto import mock_aws

    from chalicelib.citations.refresh import refresh_citations, source_fetchers
    from chalicelib.citations.store import CitationStore, create_table
    from chalicelib.settings import load_settings

    # rows, total, h and i10 that agree, so the guard publishes them
    pages = [page.encode() for page in profile_pages([1] * (PAGES * ROWS_PER_PAGE))]

    def answer(request: RecordedRequest) -> Reply:
        return Reply(
            200, {"Content-Type": "text/html"}, pages[int(request.query["cstart"][0]) // 100]
        )

    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                      AWS_DEFAULT_REGION="us-east-1")  # fmt: skip
    writes = 0

    def count_write(event_name: str, **_) -> None:
        nonlocal writes
        writes += event_name.rsplit(".", 1)[-1] in DYNAMODB_WRITES

    with LocalHTTPServer({"/citations": answer}) as server, mock_aws():
        import boto3

        settings = load_settings({
            "ACADPAGE_TABLE": "bench", "ACADPAGE_SCHOLAR_ID": "amIMrIEAAAAJ",
            "ACADPAGE_SCHOLAR_URL": server.url, "ACADPAGE_SCHOLAR_DELAY": "0",
        })  # fmt: skip
        client = boto3.client("dynamodb")
        create_table(client, "bench")
        client.meta.events.register("before-call.dynamodb.*", count_write)
        store = CitationStore(client, "bench")
        now = datetime.now(UTC)
        with requests.Session() as session:
            start = time.thread_time()  # this thread only: the page server runs in another
            report = refresh_citations(settings, store, source_fetchers(settings, session, now=now),
                                       now=now)  # fmt: skip
            cpu = time.thread_time() - start
        assert report.published, report
        rows = len(store.load_current(settings.profile_id).snapshots["scholar"].publications)
    return cpu, writes, rows


def figures():
    """Every citation figure, as (name, value, unit)."""
    yield "parse_100_rows_ms", parse_100_rows_ms(), "ms"
    cpu, writes, rows = refresh_2000_pubs()
    assert rows == PAGES * ROWS_PER_PAGE, rows
    yield "refresh_2000_pubs_cpu_s", cpu, "s"
    yield "refresh_2000_pubs_dynamodb_writes", writes, "requests"
