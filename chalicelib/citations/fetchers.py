"""The only module that talks to citation sources over the internet; it is given its session."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import quote

import requests

from chalicelib.citations.answers import Answer, api_json, repeats_earlier_rows, scholar_failure
from chalicelib.citations.model import CitationSnapshot
from chalicelib.citations.open_sources import (
    SourceFormatError,
    openalex_deleted,
    openalex_snapshot,
    semanticscholar_papers,
    semanticscholar_snapshot,
    valid_openalex_id,
    valid_semanticscholar_id,
)
from chalicelib.citations.scholar import ScholarPage, is_block_url, merge_pages, read_response
from chalicelib.errors import UserError
from chalicelib.settings import SCHOLAR_ID

_API_KEY_IN_URL = re.compile(r"(api_key=)[^&\s'\"]+")
SCHOLAR_PAGE_SIZE = 100
# Scholar serves a profile only to something that looks like a browser.
SCHOLAR_HEADERS = {
    "User-Agent": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/134.0.0.0 Safari/537.36"
    ),
    "Accept": (
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
    ),
    "Accept-Language": "en-US,en;q=0.9",
}
API_HEADERS = {"Accept": "application/json", "User-Agent": "acadpage (academic homepage)"}
OPENALEX_WORK_FIELDS = (
    "id,display_name,publication_year,cited_by_count,authorships,primary_location"
)
SEMANTICSCHOLAR_PAPER_FIELDS = "title,year,venue,citationCount,authors"
SEMANTICSCHOLAR_PAGE_SIZE = 1000  # the most /author/{id}/papers gives per request
SEMANTICSCHOLAR_MAX_PAGES = 9  # the API serves offsets below 10,000
SEMANTICSCHOLAR_FIELDS = (
    "name,affiliations,citationCount,hIndex,paperCount,"
    "papers.title,papers.year,papers.venue,papers.citationCount,papers.authors"
)


@dataclass(frozen=True)
class FetchOutcome:
    """How one fetch went: a snapshot only when `kind` is "ok"; `detail` is a plain sentence.

    `pages` counts the requests made; `truncated` says an "ok" fetch stopped at its page
    bound, so the least-cited publications are missing (the header numbers are complete).
    """

    kind: str
    snapshot: CitationSnapshot | None
    detail: str
    pages: int
    truncated: bool = False


def fetch_scholar(
    session: requests.Session,
    user_id: str,
    *,
    now: datetime,
    base_url: str = "https://scholar.google.com",
    delay_s: float = 2.0,
    max_pages: int = 30,
    timeout_s: float = 20,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[int, int], None] | None = None,
    proxy: str = "",
) -> FetchOutcome:
    """Every page of a Scholar profile as one snapshot, or why there is none (never part of one).

    A profile longer than `max_pages` pages is an "ok" outcome marked `truncated`: rows come
    most-cited first and the header numbers cover the whole profile.
    """
    if not SCHOLAR_ID.fullmatch(user_id):
        raise UserError(
            "Google Scholar user id: expected the 12 letters, digits, '-' or '_' after "
            f"'user=' in the profile URL (like 'P1RwlvoAAAAJ'), got {user_id!r}"
        )
    if max_pages < 1:
        raise ValueError(f"fetch_scholar: max_pages: expected 1 or more, got {max_pages!r}")
    pages: list[ScholarPage] = []
    seen: set[str] = set()
    rows = 0
    for number in range(1, max_pages + 1):
        if number > 1:
            sleep(delay_s)
        page, failure = fetch_scholar_page(
            session, user_id, number, base_url=base_url, timeout_s=timeout_s, proxy=proxy
        )
        if page is not None and repeats_earlier_rows(page, seen, number):
            page, failure = None, repeated_rows(user_id, number)
        if page is None:
            return failure
        pages.append(page)
        seen.update(paper.id for paper in page.publications)
        rows = sum(len(each.publications) for each in pages)
        if progress is not None:
            progress(number, rows)
        if page.ended_early:
            return FetchOutcome(
                "ok",
                replace(merge_pages(user_id, pages, now), partial=True),
                f"Google Scholar page {number} of profile {user_id} ended early (no "
                f"'Show more' button): {rows} publications, a partial list.",
                number,
                truncated=True,
            )
        if not page.has_more:
            return FetchOutcome(
                "ok",
                merge_pages(user_id, pages, now),
                f"Google Scholar profile {user_id}: {rows} publications from {number} page(s).",
                number,
            )
    return FetchOutcome(
        "ok",
        replace(merge_pages(user_id, pages, now), partial=True),
        f"Google Scholar profile {user_id}: stopped at the limit of {max_pages} page(s) "
        f"with {rows} publications; the less-cited rest was not fetched.",
        max_pages,
        truncated=True,
    )


def fetch_scholar_page(
    session: requests.Session,
    user_id: str,
    number: int,
    *,
    base_url: str = "https://scholar.google.com",
    timeout_s: float = 20,
    proxy: str = "",
) -> tuple[ScholarPage | None, FetchOutcome]:
    """Page `number` of a Scholar profile (one request): the page, or None and why not."""
    proxies = {"https": proxy, "http": proxy} if proxy else None
    answer = http_answer(
        session,
        f"{base_url.rstrip('/')}/citations",
        params={
            "user": user_id,
            "hl": "en",
            "pagesize": str(SCHOLAR_PAGE_SIZE),
            "cstart": str((number - 1) * SCHOLAR_PAGE_SIZE),
        },
        headers=SCHOLAR_HEADERS,
        timeout_s=timeout_s,
        proxies=proxies,
    )
    where = f"Google Scholar page {number} of profile {user_id}"
    if answer.error:
        return None, FetchOutcome("network_error", None, f"{where} failed: {answer.error}.", number)
    page = read_response(answer.status_code, answer.url, answer.text)
    if page.status == "ok" and any(is_block_url(hop) for hop in answer.hops):
        page = ScholarPage(status="blocked")
    if page.status != "ok":
        return None, FetchOutcome(page.status, None, scholar_failure(where, page, answer), number)
    return page, FetchOutcome("ok", None, "", number)


def repeated_rows(user_id: str, number: int) -> FetchOutcome:
    """The failure of a later page that brings nothing new (Scholar ignoring `cstart`)."""
    return FetchOutcome(
        "layout_changed",
        None,
        f"Google Scholar page {number} of profile {user_id} repeats earlier rows or has none "
        "although more were promised; Scholar may have changed how pages are requested.",
        number,
    )


def fetch_openalex(
    session: requests.Session,
    author_id: str,
    *,
    now: datetime,
    api_key: str = "",
    base_url: str = "https://api.openalex.org",
    timeout_s: float = 20,
    max_work_pages: int = 10,
) -> FetchOutcome:
    """An OpenAlex author's numbers and works as one snapshot, or why there is none.

    Works come 200 per page, most-cited first; past `max_work_pages` pages the outcome is
    "ok" and `truncated`. A failing works page fails the whole fetch, as for Scholar.
    """
    if not valid_openalex_id(author_id):
        raise UserError(
            "OpenAlex author id: expected 'A' and digits (like 'A5023888391') or an ORCID "
            f"(like '0000-0002-1825-0097'), got {author_id!r}"
        )
    base = base_url.rstrip("/")
    key = {"api_key": api_key} if api_key else {}
    lookup = author_id if author_id.startswith("A") else f"orcid:{author_id}"
    answer = http_answer(session, f"{base}/authors/{lookup}", params=key, timeout_s=timeout_s)
    kind, author, detail = api_json("OpenAlex", f"author {author_id}", answer)
    if author is None:
        return FetchOutcome(kind, None, detail, 1)
    if openalex_deleted(author):
        return FetchOutcome(
            "not_found",
            None,
            f"OpenAlex author {author_id} is a 'Deleted Author' with no works: OpenAlex merged "
            "or removed it. Look up the author's new id on openalex.org (search the name or "
            "ORCID) and set ACADPAGE_OPENALEX_ID to it.",
            1,
        )
    try:
        short_id = openalex_snapshot(author, None, now).profile_id
    except SourceFormatError as error:
        return FetchOutcome("layout_changed", None, f"{error}.", 1)
    works: list[Any] = []
    cursor: str | None = "*"
    work_pages = 0
    while cursor and work_pages < max_work_pages:
        work_pages += 1
        answer = http_answer(
            session,
            f"{base}/works",
            params={
                "filter": f"author.id:{short_id}",
                "sort": "cited_by_count:desc",
                "per-page": "200",
                "cursor": cursor,
                "select": OPENALEX_WORK_FIELDS,
                **key,
            },
            timeout_s=timeout_s,
        )
        page_name = f"works page {work_pages} of author {author_id}"
        kind, listing, detail = api_json("OpenAlex", page_name, answer)
        if listing is None:
            return FetchOutcome(kind, None, detail, 1 + work_pages)
        results = listing.get("results")
        if not isinstance(results, list):
            return FetchOutcome(
                "layout_changed",
                None,
                f"OpenAlex {page_name}: results: expected a list, got {type(results).__name__}.",
                1 + work_pages,
            )
        works.extend(results)
        next_cursor = (listing.get("meta") or {}).get("next_cursor")
        cursor = next_cursor if results and isinstance(next_cursor, str) else None
    try:
        snapshot = openalex_snapshot(author, works, now)
    except SourceFormatError as error:
        return FetchOutcome("layout_changed", None, f"{error}.", 1 + work_pages)
    truncated = cursor is not None
    ending = "; the least-cited rest was not fetched" if truncated else ""
    return FetchOutcome(
        "ok",
        snapshot,
        f"OpenAlex author {author_id}: {len(works)} works{ending}.",
        1 + work_pages,
        truncated=truncated,
    )


def fetch_semanticscholar(
    session: requests.Session,
    author_id: str,
    *,
    now: datetime,
    api_key: str = "",
    base_url: str = "https://api.semanticscholar.org/graph/v1",
    timeout_s: float = 20,
) -> FetchOutcome:
    """A Semantic Scholar author's numbers and papers as one snapshot, or why there is none."""
    if not valid_semanticscholar_id(author_id):
        raise UserError(
            f"Semantic Scholar author id: expected digits only (like '2262347'), got {author_id!r}"
        )
    author_url = f"{base_url.rstrip('/')}/author/{quote(author_id)}"
    headers = {"x-api-key": api_key} if api_key else {}
    answer = http_answer(
        session,
        author_url,
        params={"fields": SEMANTICSCHOLAR_FIELDS},
        headers=headers,
        timeout_s=timeout_s,
    )
    kind, author, detail = api_json("Semantic Scholar", f"author {author_id}", answer)
    if author is None:
        return FetchOutcome(kind, None, detail, 1)
    total = author.get("paperCount")
    listed = author.get("papers")
    papers, pages, cut = None, 1, False
    if isinstance(total, int) and isinstance(listed, list) and total > len(listed):
        # The record lists only some papers of a prolific author: page through the rest.
        fetched = _semanticscholar_pages(session, author_url, author_id, headers, timeout_s)
        if isinstance(fetched, FetchOutcome):
            return fetched
        papers, pages, cut = fetched
    try:
        snapshot = semanticscholar_snapshot(author, now, papers)
    except SourceFormatError as error:
        return FetchOutcome("layout_changed", None, f"{error}.", pages)
    count = len(snapshot.publications)
    truncated = cut or (isinstance(total, int) and total > count)
    ending = f" of {total}" if truncated else ""
    return FetchOutcome(
        "ok",
        snapshot,
        f"Semantic Scholar author {author_id}: {count}{ending} papers.",
        pages,
        truncated=truncated,
    )


def _semanticscholar_pages(
    session: requests.Session,
    author_url: str,
    author_id: str,
    headers: dict[str, str],
    timeout_s: float,
    max_pages: int = SEMANTICSCHOLAR_MAX_PAGES,
) -> tuple[list, int, bool] | FetchOutcome:
    """(papers, requests made, cut at the page bound) from /author/{id}/papers, or the failure."""
    papers: list = []
    offset: int | None = 0
    requests_made = 1
    while offset is not None and requests_made <= max_pages:
        requests_made += 1
        answer = http_answer(
            session,
            f"{author_url}/papers",
            params={
                "fields": SEMANTICSCHOLAR_PAPER_FIELDS,
                "offset": str(offset),
                "limit": str(SEMANTICSCHOLAR_PAGE_SIZE),
            },
            headers=headers,
            timeout_s=timeout_s,
        )
        what = f"papers of author {author_id} from offset {offset}"
        kind, listing, detail = api_json("Semantic Scholar", what, answer)
        if listing is None:
            return FetchOutcome(kind, None, detail, requests_made)
        try:
            data, offset = semanticscholar_papers(listing, offset)
        except SourceFormatError as error:
            return FetchOutcome("layout_changed", None, f"{error}.", requests_made)
        papers.extend(data)
    return papers, requests_made, offset is not None


def http_answer(
    session: requests.Session,
    url: str,
    *,
    params: dict[str, str],
    timeout_s: float,
    headers: dict[str, str] | None = None,
    proxies: dict[str, str] | None = None,
    json_body: object = None,
) -> Answer:
    """One GET (a POST of `json_body`, when given) following redirects, reduced to an Answer;
    network failures become its error."""
    try:
        response = session.request(
            "GET" if json_body is None else "POST",
            url,
            params=params,
            json=json_body,
            headers={**API_HEADERS, **(headers or {})},
            timeout=timeout_s,
            allow_redirects=True,
            proxies=proxies,
        )
    except requests.Timeout:
        return Answer(error=f"no answer within {timeout_s:g} s")
    except requests.RequestException as error:
        return Answer(error=f"{type(error).__name__} ({_without_secrets(error)})")
    return Answer(
        status_code=response.status_code,
        url=response.url,
        hops=tuple(hop.url for hop in response.history),
        # Both Scholar and the APIs send UTF-8, whatever the Content-Type header omits.
        text=response.content.decode("utf-8", errors="replace"),
    )


def _without_secrets(error: Exception) -> str:
    """An exception's text with any API key in a URL blanked out."""
    return _API_KEY_IN_URL.sub(r"\1***", str(error))
