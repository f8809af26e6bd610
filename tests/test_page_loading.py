"""Loading content on the page path: once for concurrent first requests, and never a 500."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib import runtime
from tests.conftest import EXAMPLES, LOCAL_BUCKET

REQUESTS = 32


def put_content(body: bytes) -> None:
    runtime.s3_client().put_object(Bucket=LOCAL_BUCKET, Key="content/site.yaml", Body=body)


def count_content_reads(delay_s: float = 0.0) -> list[str]:
    """Every GetObject of the page's S3 client, each slowed down so requests overlap it."""
    calls: list[str] = []

    def before_get(params, **_):
        calls.append(params["url_path"])
        time.sleep(delay_s)

    runtime.s3_client().meta.events.register("before-call.s3.GetObject", before_get)
    return calls


def concurrent_pages(count: int = REQUESTS) -> list:
    """`count` requests for the home page, all let go at the same moment."""
    homepage = runtime.homepage()
    start = threading.Barrier(count)

    def request(_):
        start.wait()
        return homepage.page()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(request, range(count)))


def test_concurrent_first_requests_wait_for_one_load(seeded):
    reads = count_content_reads(delay_s=0.2)
    responses = concurrent_pages()
    assert [response.status for response in responses] == [200] * REQUESTS
    assert reads == ["/content/site.yaml"]
    assert len({response.etag for response in responses}) == 1


def test_requests_during_a_reload_get_the_last_good_page(seeded):
    homepage = runtime.homepage()
    good = homepage.page()
    put_content((EXAMPLES / "site.yaml").read_bytes().replace(b"Lorem ipsum", b"Changed"))
    reads = count_content_reads(delay_s=0.3)
    start = homepage.clock()
    homepage.clock = lambda: start + homepage.content_ttl_s + 1
    responses = concurrent_pages()
    assert reads == ["/content/site.yaml"]
    assert all(response.status == 200 for response in responses)
    # whoever read it sees the new page; the others did not wait and kept the good one
    assert {response.body for response in responses} <= {good.body, homepage.page().body}
    assert good.body in {response.body for response in responses}


def test_concurrent_first_requests_for_bad_content_all_get_the_reason(seeded):
    put_content(b"site:\n  title: [broken\n")
    reads = count_content_reads(delay_s=0.2)
    responses = concurrent_pages()
    assert reads == ["/content/site.yaml"]
    assert {response.status for response in responses} == {503}
    assert all("site.yaml:2: YAML syntax error" in response.body for response in responses)


@pytest.mark.parametrize("year", ["0777", "02016", "1:30", "9" * 5000])
def test_an_unreadable_integer_gives_503_first_and_keeps_the_good_page_after(seeded, year, caplog):
    bad = (EXAMPLES / "site.yaml").read_bytes().replace(b"year: 2016", f"year: {year}".encode())
    assert bad != (EXAMPLES / "site.yaml").read_bytes()
    homepage = runtime.homepage()
    good = homepage.page()
    put_content(bad)
    start = homepage.clock()
    homepage.clock = lambda: start + homepage.content_ttl_s + 1
    with caplog.at_level(logging.ERROR, logger="acadpage"):
        kept = homepage.page()
    assert kept.status == 200 and kept.body == good.body
    assert "expected an integer" in caplog.text
    runtime.reset()
    first = runtime.homepage().page()
    assert first.status == 503 and "expected an integer" in first.body


def test_concurrent_first_requests_wait_for_one_citation_read(seeded):
    queries: list[str] = []

    def before_query(**_):
        queries.append("Query")
        time.sleep(0.2)

    assert runtime.homepage().sites()  # the content is read: only the citations are not yet
    runtime.dynamodb_client().meta.events.register("before-call.dynamodb.Query", before_query)
    responses = concurrent_pages()
    assert queries == ["Query"]
    assert [response.status for response in responses] == [200] * REQUESTS
    # every page shows the numbers: none was rendered while the read was under way
    assert len({response.body for response in responses}) == 1
    assert runtime.homepage().citation_state() is not None
