"""The scheduled refresh, invoked as Lambda would, then read back from the page and the badges."""

from __future__ import annotations

import json

import pytest

from chalicelib import runtime
from chalicelib.citations.scholar import parse_profile_page
from tests.conftest import EXAMPLES, FIXTURES, LOCAL_BUCKET
from tests.httpserver import LocalHTTPServer, Reply

PROFILE_PAGE = (FIXTURES / "scholar" / "profile_P1RwlvoAAAAJ_complete.html").read_text()
EXPECTED = parse_profile_page(PROFILE_PAGE)


@pytest.fixture
def scholar(monkeypatch, client):
    """A Scholar stand-in on 127.0.0.1 that the refresh is pointed at."""
    with LocalHTTPServer({}) as server:
        monkeypatch.setenv("ACADPAGE_SCHOLAR_URL", server.url)
        monkeypatch.setenv("ACADPAGE_SCHOLAR_DELAY", "0")
        runtime.reset()
        yield server


def with_paper_from_the_profile() -> None:
    """The example site, its featured paper pointed at a row of the served profile."""
    paper_id = EXPECTED.publications[0].id
    text = (EXAMPLES / "site.yaml").read_text().replace("DhtAFkwAAAAJ:ALROH1vI_8AC", paper_id)
    runtime.s3_client().put_object(Bucket=LOCAL_BUCKET, Key="content/site.yaml", Body=text.encode())


def run_schedule(client):
    event = client.events.generate_cw_event(
        source="aws.events",
        detail_type="Scheduled Event",
        detail={},
        resources=["arn:aws:events:us-east-1:123456789012:rule/acadpage-refresh"],
    )
    return client.lambda_.invoke("refresh_citations", event).payload


def test_scheduled_refresh_feeds_the_page_and_the_badges(client, scholar):
    scholar.route("/citations", Reply(200, {"Content-Type": "text/html"}, PROFILE_PAGE))
    with_paper_from_the_profile()

    assert run_schedule(client) == {
        "published": True,
        "stats": ["stats/gs_data.json", "stats/gs_data_shieldsio.json"],
    }
    assert scholar.requests[0].query["user"] == ["DhtAFkwAAAAJ"]

    runtime.reset()
    html = client.http.get("/").body.decode()
    total = EXPECTED.citations_all
    assert f'<dd id="citations-total">{total:,}</dd>' in html
    assert f'<dd id="citations-h-index">{EXPECTED.h_index_all}</dd>' in html
    assert f'<span id="total_cit">{total:,}</span>' in html
    assert f"Citations: {EXPECTED.publications[0].citations:,}" in html
    assert "From Google Scholar" in html and "updated today" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="citation-chart"' in html

    badge = json.loads(client.http.get("/badge/citations.json").body)
    assert badge["schemaVersion"] == 1 and badge["message"] == str(total)
    assert client.http.get("/badge/h-index.svg").body.startswith(b"<svg")
    gs_data = json.loads(client.http.get("/gs_data.json").body)
    assert gs_data["citedby"] == total and gs_data["hindex"] == EXPECTED.h_index_all
    stored = runtime.s3_client().get_object(Bucket=LOCAL_BUCKET, Key="stats/gs_data.json")
    assert json.loads(stored["Body"].read())["citedby"] == total


def test_blocked_refresh_keeps_the_numbers_fails_the_invocation_and_says_so(client, scholar):
    scholar.route("/citations", Reply(200, {"Content-Type": "text/html"}, PROFILE_PAGE))
    run_schedule(client)
    scholar.route("/citations", Reply(429, {"Content-Type": "text/html"}, "Too Many Requests"))

    # a failed invocation: Lambda retries it, then hands it to the failure queue
    with pytest.raises(runtime.RefreshFailedError, match=r"no source published: scholar: blocked"):
        run_schedule(client)

    runtime.reset()
    html = client.http.get("/").body.decode()
    assert f'<dd id="citations-total">{EXPECTED.citations_all:,}</dd>' in html
    status = json.loads(client.http.get("/status.json").body)
    assert "blocked" in json.dumps(status)
