"""Fetching citations over HTTP, against a real server on 127.0.0.1 serving recorded answers."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from chalicelib.citations.fetchers import fetch_openalex, fetch_scholar, fetch_semanticscholar
from chalicelib.errors import UserError
from tests.httpserver import LocalHTTPServer, RecordedRequest, Reply
from tests.scholar_pages import profile_page

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 2, 1, 6, 0, tzinfo=UTC)
USER = "amIMrIEAAAAJ"
HTML = {"Content-Type": "text/html; charset=UTF-8"}
JSON = {"Content-Type": "application/json"}
FIRST_PAGE = (FIXTURES / "scholar" / "profile_amIMrIEAAAAJ_first_page.html").read_text("utf-8")
CAPTCHA_PAGE = (
    '<html><body><div id="gs_captcha_ccl"><h1>Please show you&#39;re not a robot</h1>'
    '<div class="g-recaptcha"></div></div></body></html>'
)


def later_page(first_row: int, rows: int, *, more: bool) -> str:
    """A later page of the profile: the real first page's markup with generated rows."""
    return profile_page(first_row, rows, more=more)


def scholar_pages(*pages: str):
    """A /citations route serving `pages` by their cstart (100 rows a page)."""

    def answer(request: RecordedRequest) -> Reply:
        number = int(request.query["cstart"][0]) // 100
        return Reply(200, HTML, pages[number]) if number < len(pages) else Reply(404)

    return answer


def endless_profile(request: RecordedRequest) -> Reply:
    """A profile that always has another page."""
    cstart = int(request.query["cstart"][0])
    return Reply(200, HTML, later_page(cstart, 3, more=True))


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server():
    with LocalHTTPServer() as local:
        yield local


@pytest.fixture
def session():
    with requests.Session() as local:
        local.trust_env = False  # proxies from the environment must not catch 127.0.0.1
        yield local


# --- Google Scholar -----------------------------------------------------------------------


def test_fetch_scholar_follows_every_page_politely(server, session):
    server.route(
        "/citations",
        scholar_pages(FIRST_PAGE, later_page(100, 100, more=True), later_page(200, 5, more=False)),
    )
    sleeps: list[float] = []
    progress: list[tuple[int, int]] = []

    outcome = fetch_scholar(
        session,
        USER,
        now=NOW,
        base_url=server.url,
        delay_s=2.5,
        sleep=sleeps.append,
        progress=lambda page, rows: progress.append((page, rows)),
    )

    assert outcome.kind == "ok"
    assert outcome.pages == 3
    assert outcome.truncated is False
    assert outcome.detail == "Google Scholar profile amIMrIEAAAAJ: 125 publications from 3 page(s)."
    snapshot = outcome.snapshot
    assert (snapshot.source, snapshot.profile_id, snapshot.fetched_at) == ("scholar", USER, NOW)
    assert (snapshot.citations, snapshot.h_index, snapshot.i10_index) == (425, 11, 11)
    assert len(snapshot.publications) == 125
    assert snapshot.publications[20].id == "amIMrIEAAAAJ:row000000100"
    assert snapshot.publications[-1].id == "amIMrIEAAAAJ:row000000204"
    assert sleeps == [2.5, 2.5]
    assert progress == [(1, 20), (2, 120), (3, 125)]
    assert [request.query for request in server.requests] == [
        {"user": [USER], "hl": ["en"], "pagesize": ["100"], "cstart": [cstart]}
        for cstart in ("0", "100", "200")
    ]


def test_fetch_scholar_sends_browser_headers(server, session):
    server.route("/citations", Reply(200, HTML, later_page(0, 2, more=False)))

    fetch_scholar(session, USER, now=NOW, base_url=server.url, sleep=lambda _: None)

    headers = server.requests[0].headers
    assert "Chrome/" in headers["User-Agent"]
    assert headers["User-Agent"].startswith("Mozilla/5.0 (")
    assert headers["Accept"].startswith("text/html")
    assert headers["Accept-Language"].startswith("en")


def sign_in_redirect(server: LocalHTTPServer) -> Reply:
    """Google's answer for an unknown id or a flagged client: off to a sign-in page."""
    server.route("/ServiceLogin", Reply(200, HTML, "<html><title>Sign in</title></html>"))
    return Reply.redirect("/ServiceLogin?continue=https://scholar.google.com/citations")


def sorry_redirect(server: LocalHTTPServer) -> Reply:
    """Google's rate-limit answer: off to /sorry/ and a captcha."""
    server.route("/sorry/index", Reply(429, HTML, "<html>unusual traffic</html>"))
    return Reply.redirect("/sorry/index?continue=https://scholar.google.com/citations")


@pytest.mark.parametrize(
    ("first_answer", "kind", "detail"),
    [
        (
            lambda server: Reply(429, HTML, "Too Many Requests"),
            "blocked",
            "Google Scholar page 1 of profile amIMrIEAAAAJ: Scholar refused with HTTP 429; "
            "try again later or set a proxy.",
        ),
        (
            lambda server: Reply(403, HTML, "Forbidden"),
            "blocked",
            "Google Scholar page 1 of profile amIMrIEAAAAJ: Scholar refused with HTTP 403; "
            "try again later or set a proxy.",
        ),
        (
            sorry_redirect,
            "blocked",
            "Google Scholar page 1 of profile amIMrIEAAAAJ: Scholar refused with HTTP 429; "
            "try again later or set a proxy.",
        ),
        (
            sign_in_redirect,
            "blocked",
            "Google Scholar page 1 of profile amIMrIEAAAAJ: Scholar refused with a redirect "
            "to 127.0.0.1/ServiceLogin; try again later or set a proxy.",
        ),
        (
            lambda server: Reply(200, HTML, CAPTCHA_PAGE),
            "blocked",
            "Google Scholar page 1 of profile amIMrIEAAAAJ: Scholar refused with a captcha "
            "page; try again later or set a proxy.",
        ),
        (
            lambda server: Reply(404, HTML, "<html>Not Found</html>"),
            "not_found",
            "Google Scholar page 1 of profile amIMrIEAAAAJ: Scholar has no such profile "
            "(HTTP 404).",
        ),
        (
            lambda server: Reply(200, HTML, "<html><body><h1>New Scholar</h1></body></html>"),
            "layout_changed",
            "Google Scholar page 1 of profile amIMrIEAAAAJ does not look like a profile page; "
            "Scholar may have changed its layout.",
        ),
    ],
    ids=["429", "403", "sorry", "service-login", "captcha", "404", "layout-changed"],
)
def test_fetch_scholar_reports_why_a_first_page_gave_nothing(
    server, session, first_answer, kind, detail
):
    server.route("/citations", first_answer(server))

    outcome = fetch_scholar(session, USER, now=NOW, base_url=server.url, sleep=lambda _: None)

    assert (outcome.kind, outcome.snapshot, outcome.pages) == (kind, None, 1)
    assert outcome.detail == detail


def test_fetch_scholar_keeps_nothing_when_a_later_page_is_blocked(server, session):
    server.route("/citations", [Reply(200, HTML, FIRST_PAGE), Reply(429, HTML, "slow down")])
    progress: list[tuple[int, int]] = []

    outcome = fetch_scholar(
        session,
        USER,
        now=NOW,
        base_url=server.url,
        sleep=lambda _: None,
        progress=lambda page, rows: progress.append((page, rows)),
    )

    assert (outcome.kind, outcome.snapshot, outcome.pages) == ("blocked", None, 2)
    assert outcome.detail.startswith("Google Scholar page 2 of profile amIMrIEAAAAJ:")
    assert progress == [(1, 20)]


def test_fetch_scholar_stops_at_max_pages_and_keeps_what_it_read(server, session):
    server.route("/citations", endless_profile)

    outcome = fetch_scholar(
        session, USER, now=NOW, base_url=server.url, max_pages=2, sleep=lambda _: None
    )

    assert (outcome.kind, outcome.pages, outcome.truncated) == ("ok", 2, True)
    assert len(outcome.snapshot.publications) == 6
    assert outcome.detail == (
        "Google Scholar profile amIMrIEAAAAJ: stopped at the limit of 2 page(s) with "
        "6 publications; the less-cited rest was not fetched."
    )
    assert len(server.requests) == 2


def test_fetch_scholar_gives_up_when_scholar_ignores_the_page_offset(server, session):
    server.route("/citations", Reply(200, HTML, FIRST_PAGE))

    outcome = fetch_scholar(session, USER, now=NOW, base_url=server.url, sleep=lambda _: None)

    assert (outcome.kind, outcome.snapshot, outcome.pages) == ("layout_changed", None, 2)
    assert "repeats earlier rows" in outcome.detail


def test_fetch_scholar_times_out_as_a_network_error(server, session):
    server.route("/citations", Reply(200, HTML, FIRST_PAGE, delay_s=1.0))

    outcome = fetch_scholar(session, USER, now=NOW, base_url=server.url, timeout_s=0.2)

    assert (outcome.kind, outcome.snapshot, outcome.pages) == ("network_error", None, 1)
    assert outcome.detail == (
        "Google Scholar page 1 of profile amIMrIEAAAAJ failed: no answer within 0.2 s."
    )


def test_fetch_scholar_connection_refused_is_a_network_error(session):
    outcome = fetch_scholar(
        session, USER, now=NOW, base_url=f"http://127.0.0.1:{closed_port()}", timeout_s=2
    )

    assert (outcome.kind, outcome.snapshot) == ("network_error", None)
    assert outcome.detail.startswith(
        "Google Scholar page 1 of profile amIMrIEAAAAJ failed: ConnectionError ("
    )


def test_fetch_scholar_sends_requests_through_the_proxy(server, session):
    server.route("/citations", Reply(200, HTML, later_page(0, 2, more=False)))
    unreachable = f"http://127.0.0.1:{closed_port()}"

    outcome = fetch_scholar(
        session, USER, now=NOW, base_url=unreachable, proxy=server.url, sleep=lambda _: None
    )

    assert outcome.kind == "ok"
    assert server.requests[0].target.startswith(f"{unreachable}/citations?user=amIMrIEAAAAJ&")


@pytest.mark.parametrize(
    "user_id",
    ["", "amIMrIEAAAA", "amIMrIEAAAAJJ", "amIMrIEAAAA&", "../../etc/pa", "amIMrIEAAAAJ\n"],
    ids=["empty", "11-chars", "13-chars", "ampersand", "path", "newline"],
)
def test_fetch_scholar_rejects_a_malformed_user_id_before_any_request(server, session, user_id):
    with pytest.raises(UserError) as error:
        fetch_scholar(session, user_id, now=NOW, base_url=server.url)

    assert str(error.value) == (
        "Google Scholar user id: expected the 12 letters, digits, '-' or '_' after 'user=' in "
        f"the profile URL (like 'P1RwlvoAAAAJ'), got {user_id!r}"
    )
    assert server.requests == []


# --- OpenAlex -----------------------------------------------------------------------------

OPENALEX_AUTHOR = (FIXTURES / "openalex" / "author_A5023888391.json").read_text("utf-8")


def openalex_works(*pages: list[dict]):
    """A /works route serving `pages` in cursor order ("*", "c1", "c2", ...)."""

    def answer(request: RecordedRequest) -> Reply:
        cursor = request.query["cursor"][0]
        number = 0 if cursor == "*" else int(cursor[1:])
        following = f"c{number + 1}" if number + 1 < len(pages) else None
        listing = {"meta": {"next_cursor": following}, "results": pages[number]}
        return Reply(200, JSON, json.dumps(listing))

    return answer


def work(number: int, citations: int) -> dict:
    return {
        "id": f"https://openalex.org/W{number}",
        "title": f"Work {number}",
        "cited_by_count": citations,
    }


def test_fetch_openalex_reads_the_author_and_every_works_page(server, session):
    server.route("/authors/A5023888391", Reply(200, JSON, OPENALEX_AUTHOR))
    server.route("/works", openalex_works([work(1, 50), work(2, 40)], [work(3, 1)]))

    outcome = fetch_openalex(session, "A5023888391", now=NOW, api_key="k3y", base_url=server.url)

    assert (outcome.kind, outcome.pages, outcome.truncated) == ("ok", 3, False)
    assert outcome.detail == "OpenAlex author A5023888391: 3 works."
    snapshot = outcome.snapshot
    assert (snapshot.source, snapshot.citations, snapshot.h_index, snapshot.i10_index) == (
        "openalex",
        3890,
        17,
        20,
    )
    assert snapshot.paper_counts() == {"W1": 50, "W2": 40, "W3": 1}
    author_request, first_works, second_works = server.requests
    assert author_request.query == {"api_key": ["k3y"]}
    assert first_works.query["filter"] == ["author.id:A5023888391"]
    assert first_works.query["api_key"] == ["k3y"]
    assert first_works.query["per-page"] == ["200"]
    assert [first_works.query["cursor"], second_works.query["cursor"]] == [["*"], ["c1"]]


def test_fetch_openalex_looks_up_an_orcid_and_sends_no_empty_key(server, session):
    server.route("/authors/orcid:0000-0001-6187-6610", Reply(200, JSON, OPENALEX_AUTHOR))
    server.route("/works", openalex_works([]))

    outcome = fetch_openalex(session, "0000-0001-6187-6610", now=NOW, base_url=server.url)

    assert outcome.kind == "ok"
    assert outcome.snapshot.profile_id == "A5023888391"
    assert "api_key" not in server.requests[0].query
    assert server.requests[1].query["filter"] == ["author.id:A5023888391"]


def test_fetch_openalex_stops_at_max_work_pages(server, session):
    server.route("/authors/A5023888391", Reply(200, JSON, OPENALEX_AUTHOR))
    server.route("/works", openalex_works([work(1, 9)], [work(2, 8)], [work(3, 7)]))

    outcome = fetch_openalex(session, "A5023888391", now=NOW, base_url=server.url, max_work_pages=2)

    assert (outcome.kind, outcome.pages, outcome.truncated) == ("ok", 3, True)
    assert list(outcome.snapshot.paper_counts()) == ["W1", "W2"]


@pytest.mark.parametrize(
    ("author_reply", "kind", "detail"),
    [
        (
            Reply(429, JSON, "{}"),
            "blocked",
            "OpenAlex author A5023888391: refused with HTTP 429 (rate limit or API key).",
        ),
        (
            Reply(403, JSON, "{}"),
            "blocked",
            "OpenAlex author A5023888391: refused with HTTP 403 (rate limit or API key).",
        ),
        (Reply(404, JSON, "{}"), "not_found", "OpenAlex author A5023888391: not found (HTTP 404)."),
        (
            Reply(200, HTML, "<html>maintenance</html>"),
            "layout_changed",
            "OpenAlex author A5023888391: expected JSON, got '<html>maintenance</html>'.",
        ),
        (
            Reply(200, JSON, '{"id": "https://openalex.org/A5023888391"}'),
            "layout_changed",
            "OpenAlex author: summary_stats: expected a value, got nothing (field missing).",
        ),
        (
            Reply(502, HTML, "Bad Gateway"),
            "network_error",
            "OpenAlex author A5023888391: the server answered HTTP 502.",
        ),
    ],
    ids=["429", "403", "404", "not-json", "no-summary", "502"],
)
def test_fetch_openalex_reports_why_it_gave_nothing(server, session, author_reply, kind, detail):
    server.route("/authors/A5023888391", author_reply)

    outcome = fetch_openalex(session, "A5023888391", now=NOW, base_url=server.url)

    assert (outcome.kind, outcome.snapshot, outcome.detail) == (kind, None, detail)


def test_fetch_openalex_keeps_nothing_when_a_works_page_fails(server, session):
    server.route("/authors/A5023888391", Reply(200, JSON, OPENALEX_AUTHOR))
    server.route("/works", Reply(429, JSON, "{}"))

    outcome = fetch_openalex(session, "A5023888391", now=NOW, base_url=server.url)

    assert (outcome.kind, outcome.snapshot, outcome.pages) == ("blocked", None, 2)
    assert outcome.detail == (
        "OpenAlex works page 1 of author A5023888391: refused with HTTP 429 "
        "(rate limit or API key)."
    )


def test_fetch_openalex_rejects_a_malformed_id_before_any_request(server, session):
    with pytest.raises(UserError) as error:
        fetch_openalex(session, "A50/../works", now=NOW, base_url=server.url)

    assert str(error.value) == (
        "OpenAlex author id: expected 'A' and digits (like 'A5023888391') or an ORCID "
        "(like '0000-0002-1825-0097'), got 'A50/../works'"
    )
    assert server.requests == []


def test_a_network_error_never_shows_the_api_key(session):
    outcome = fetch_openalex(
        session,
        "A5023888391",
        now=NOW,
        api_key="s3cret",
        base_url=f"http://127.0.0.1:{closed_port()}",
    )

    assert outcome.kind == "network_error"
    assert "s3cret" not in outcome.detail
    assert "api_key=***" in outcome.detail


# --- Semantic Scholar ---------------------------------------------------------------------

S2_AUTHOR = (FIXTURES / "semanticscholar" / "author_2262347_with_papers.json").read_text("utf-8")


def test_fetch_semanticscholar_reads_the_author_with_papers(server, session):
    server.route("/graph/v1/author/2262347", Reply(200, JSON, S2_AUTHOR))

    outcome = fetch_semanticscholar(
        session, "2262347", now=NOW, api_key="k3y", base_url=f"{server.url}/graph/v1"
    )

    assert (outcome.kind, outcome.pages, outcome.truncated) == ("ok", 1, False)
    assert outcome.detail == "Semantic Scholar author 2262347: 60 papers."
    assert (outcome.snapshot.citations, outcome.snapshot.h_index) == (12415, 23)
    assert outcome.snapshot.i10_index == 26
    (request,) = server.requests
    assert request.headers["x-api-key"] == "k3y"
    fields = request.query["fields"][0].split(",")
    assert {"citationCount", "hIndex", "papers.citationCount", "papers.title"} <= set(fields)


def test_fetch_semanticscholar_sends_no_key_header_without_a_key(server, session):
    server.route("/graph/v1/author/2262347", Reply(200, JSON, S2_AUTHOR))

    fetch_semanticscholar(session, "2262347", now=NOW, base_url=f"{server.url}/graph/v1")

    assert "x-api-key" not in {name.lower() for name in server.requests[0].headers}


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (Reply(429, JSON, '{"message": "Too Many Requests"}'), "blocked"),
        (Reply(403, JSON, '{"message": "Forbidden"}'), "blocked"),
        (Reply(404, JSON, '{"error": "Author not found"}'), "not_found"),
        (Reply(200, JSON, "[1, 2]"), "layout_changed"),
        (Reply(200, JSON, '{"authorId": "2262347"}'), "layout_changed"),
    ],
    ids=["429", "403", "404", "list", "no-counts"],
)
def test_fetch_semanticscholar_reports_why_it_gave_nothing(server, session, reply, kind):
    server.route("/graph/v1/author/2262347", reply)

    outcome = fetch_semanticscholar(session, "2262347", now=NOW, base_url=f"{server.url}/graph/v1")

    assert (outcome.kind, outcome.snapshot) == (kind, None)


def test_fetch_semanticscholar_rejects_a_malformed_id_before_any_request(server, session):
    with pytest.raises(UserError) as error:
        fetch_semanticscholar(session, "2262347/papers", now=NOW, base_url=server.url)

    assert str(error.value) == (
        "Semantic Scholar author id: expected digits only (like '2262347'), got '2262347/papers'"
    )
    assert server.requests == []
