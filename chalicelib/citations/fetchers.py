"""The only module that talks to citation sources over the internet; it is given its session."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from chalicelib.citations.model import CitationSnapshot
from chalicelib.citations.open_sources import (
    SourceFormatError,
    openalex_snapshot,
    semanticscholar_snapshot,
    valid_openalex_id,
    valid_semanticscholar_id,
)
from chalicelib.citations.scholar import ScholarPage, is_block_url, merge_pages, read_response
from chalicelib.errors import UserError
from chalicelib.settings import SCHOLAR_ID

_API_KEY_IN_URL = re.compile(r"(api_key=)[^&\s'\"]+")
KINDS = ("ok", "blocked", "not_found", "layout_changed", "network_error")
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


@dataclass(frozen=True)
class _Answer:
    """One HTTP answer reduced to what classification needs, or the network error instead."""

    status_code: int = 0
    url: str = ""
    hops: tuple[str, ...] = ()  # URLs of the redirects followed on the way
    text: str = ""
    error: str = ""


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
    proxies = {"https": proxy, "http": proxy} if proxy else None
    pages: list[ScholarPage] = []
    seen: set[str] = set()
    rows = 0
    for number in range(1, max_pages + 1):
        if number > 1:
            sleep(delay_s)
        answer = _get(
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
            return FetchOutcome("network_error", None, f"{where} failed: {answer.error}.", number)
        page = read_response(answer.status_code, answer.url, answer.text)
        if page.status == "ok" and any(is_block_url(hop) for hop in answer.hops):
            page = ScholarPage(status="blocked")
        if page.status == "ok" and _repeats(page, seen, number):
            return FetchOutcome(
                "layout_changed",
                None,
                f"{where} repeats earlier rows or has none although more were promised; "
                "Scholar may have changed how pages are requested.",
                number,
            )
        if page.status != "ok":
            return FetchOutcome(page.status, None, _scholar_failure(where, page, answer), number)
        pages.append(page)
        seen.update(paper.id for paper in page.publications)
        rows = sum(len(each.publications) for each in pages)
        if progress is not None:
            progress(number, rows)
        if not page.has_more:
            return FetchOutcome(
                "ok",
                merge_pages(user_id, pages, now),
                f"Google Scholar profile {user_id}: {rows} publications from {number} page(s).",
                number,
            )
    return FetchOutcome(
        "ok",
        merge_pages(user_id, pages, now),
        f"Google Scholar profile {user_id}: stopped at the limit of {max_pages} page(s) "
        f"with {rows} publications; the less-cited rest was not fetched.",
        max_pages,
        truncated=True,
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
    answer = _get(session, f"{base}/authors/{lookup}", params=key, timeout_s=timeout_s)
    kind, author, detail = _api_json("OpenAlex", f"author {author_id}", answer)
    if author is None:
        return FetchOutcome(kind, None, detail, 1)
    try:
        short_id = openalex_snapshot(author, None, now).profile_id
    except SourceFormatError as error:
        return FetchOutcome("layout_changed", None, f"{error}.", 1)
    works: list[Any] = []
    cursor: str | None = "*"
    work_pages = 0
    while cursor and work_pages < max_work_pages:
        work_pages += 1
        answer = _get(
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
        kind, listing, detail = _api_json("OpenAlex", page_name, answer)
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
    answer = _get(
        session,
        f"{base_url.rstrip('/')}/author/{quote(author_id)}",
        params={"fields": SEMANTICSCHOLAR_FIELDS},
        headers={"x-api-key": api_key} if api_key else {},
        timeout_s=timeout_s,
    )
    kind, author, detail = _api_json("Semantic Scholar", f"author {author_id}", answer)
    if author is None:
        return FetchOutcome(kind, None, detail, 1)
    try:
        snapshot = semanticscholar_snapshot(author, now)
    except SourceFormatError as error:
        return FetchOutcome("layout_changed", None, f"{error}.", 1)
    listed = len(snapshot.publications)
    total = author.get("paperCount")
    truncated = isinstance(total, int) and total > listed
    ending = f" of {total}" if truncated else ""
    return FetchOutcome(
        "ok",
        snapshot,
        f"Semantic Scholar author {author_id}: {listed}{ending} papers.",
        1,
        truncated=truncated,
    )


def _get(
    session: requests.Session,
    url: str,
    *,
    params: dict[str, str],
    timeout_s: float,
    headers: dict[str, str] | None = None,
    proxies: dict[str, str] | None = None,
) -> _Answer:
    """One GET following redirects, reduced to an _Answer; network failures become its error."""
    try:
        response = session.get(
            url,
            params=params,
            headers={**API_HEADERS, **(headers or {})},
            timeout=timeout_s,
            allow_redirects=True,
            proxies=proxies,
        )
    except requests.Timeout:
        return _Answer(error=f"no answer within {timeout_s:g} s")
    except requests.RequestException as error:
        return _Answer(error=f"{type(error).__name__} ({_without_secrets(error)})")
    return _Answer(
        status_code=response.status_code,
        url=response.url,
        hops=tuple(hop.url for hop in response.history),
        # Both Scholar and the APIs send UTF-8, whatever the Content-Type header omits.
        text=response.content.decode("utf-8", errors="replace"),
    )


def _api_json(source: str, what: str, answer: _Answer) -> tuple[str, Any, str]:
    """(kind, decoded JSON or None, detail) for one API answer."""
    where = f"{source} {what}"
    if answer.error:
        return "network_error", None, f"{where} could not be fetched: {answer.error}."
    status = answer.status_code
    if status in (401, 403, 429):
        return "blocked", None, f"{where}: refused with HTTP {status} (rate limit or API key)."
    if status == 404:
        return "not_found", None, f"{where}: not found (HTTP 404)."
    if status != 200:
        return "network_error", None, f"{where}: the server answered HTTP {status}."
    try:
        value = json.loads(answer.text)
    except ValueError:
        return "layout_changed", None, f"{where}: expected JSON, got {answer.text[:40]!r}."
    if not isinstance(value, dict):
        return (
            "layout_changed",
            None,
            f"{where}: expected a JSON object, got {type(value).__name__}.",
        )
    return "ok", value, ""


def _repeats(page: ScholarPage, seen: set[str], number: int) -> bool:
    """Whether a later page brings nothing new: Scholar ignoring `cstart` would loop forever."""
    if number == 1:
        return False
    if not page.publications:
        return page.has_more
    return page.publications[0].id in seen


def _scholar_failure(where: str, page: ScholarPage, answer: _Answer) -> str:
    """The sentence saying why a Scholar page gave no numbers."""
    if page.status == "not_found":
        return f"{where}: Scholar has no such profile (HTTP 404)."
    if page.status == "layout_changed":
        return f"{where} does not look like a profile page; Scholar may have changed its layout."
    if answer.status_code != 200:
        reason = f"HTTP {answer.status_code}"
    elif any(is_block_url(url) for url in (*answer.hops, answer.url)):
        final = urlsplit(answer.url)
        reason = f"a redirect to {final.hostname}{final.path}"
    else:
        reason = "a captcha page"
    return f"{where}: Scholar refused with {reason}; try again later or set a proxy."


def _without_secrets(error: Exception) -> str:
    """An exception's text with any API key in a URL blanked out."""
    return _API_KEY_IN_URL.sub(r"\1***", str(error))
