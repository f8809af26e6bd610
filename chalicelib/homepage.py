"""The page path: content from S3 and citations from DynamoDB, each re-read at most once per TTL,
and the rendered page cached per content version, citation version and language."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib.aws.content_store import ContentStore, ContentStoreError
from chalicelib.citations.model import CitationDisplay
from chalicelib.citations.state import CitationState, choose_display, scholar_rows
from chalicelib.settings import Settings
from chalicelib.site import seo
from chalicelib.site.citation_links import resolve_site
from chalicelib.site.content import LANGUAGE, ContentError, Site, load_site
from chalicelib.site.origins import HOSTNAME, normal_origin, origin_problem
from chalicelib.site.render import Alternate, render_error_page, render_home_page

PAGE_CACHE_CONTROL = "public, max-age=60, s-maxage=300, stale-while-revalidate=86400"
ERROR_CACHE_CONTROL = "no-store"
HTML = "text/html; charset=utf-8"
DEFAULT_FILE = "site.yaml"
NO_CONTENT = "No content has been published yet"  # the problem of a site with no content file
_RENDERED_PAGES_KEPT = 32
# what a site weighs in memory, measured with tracemalloc by `make bench` (benchmarks/sites.py)
SITE_OVERHEAD_BYTES = 9_000
PARSED_BYTES_PER_CONTENT_BYTE = 14
BYTES_PER_CITATION_ROW = 700

# one DynamoDB read of the profile's citations (None without a table)
CitationLoader = Callable[[], CitationState | None]


@dataclass(frozen=True)
class PageResponse:
    """What a route answers: status, body, and the headers that matter for caching."""

    status: int
    body: str
    content_type: str = HTML
    etag: str = ""
    cache_control: str = ERROR_CACHE_CONTROL


class PageUnavailable(Exception):
    """There is no good content to show; the message says why, in plain words."""


@dataclass
class _ContentEntry:
    """The last content file read for one language, and when S3 was last asked about it."""

    etag: str = ""
    site: Site | None = None
    checked_at: float = float("-inf")
    problem: str = ""
    size: int = 0  # bytes of the file read, to weigh the parsed site
    loading: threading.Lock = field(default_factory=threading.Lock)  # one reader at a time


def _load_once(
    due: Callable[[], bool], lock: threading.Lock, load: Callable[[], None], *, have_value: bool
) -> None:
    """Single flight: one caller loads while the others wait for it when there is nothing to
    show yet, or go on with the last good value when there is."""
    if not lock.acquire(blocking=not have_value):
        return
    try:
        if due():  # the caller we waited for may have loaded it already
            load()
    finally:
        lock.release()


class Expiring:
    """A value loaded again once `ttl_s` has passed; a failed load keeps the previous value."""

    def __init__(self, load: Callable[[], Any], ttl_s: float, *, initial: Any = None, logger=None):
        self.load = load
        self.ttl_s = ttl_s
        self.value = initial
        self.loaded_at = float("-inf")
        self.logger = logger or logging.getLogger("acadpage")
        self._loading = threading.Lock()

    def get(self, now: float) -> Any:
        """The value, loading it first when it is older than the TTL at `now`."""
        if now - self.loaded_at >= self.ttl_s:
            due = lambda: now - self.loaded_at >= self.ttl_s  # noqa: E731
            _load_once(due, self._loading, lambda: self._reload(now), have_value=self.loaded)
        return self.value

    @property
    def loaded(self) -> bool:
        """True once a load has been tried: there is a value to go on with."""
        return self.loaded_at != float("-inf")

    def _reload(self, now: float) -> None:
        try:
            self.value = self.load()
        except Exception as error:  # a reader must keep working on the last value
            event = {"event": "load_failed", "what": getattr(self.load, "__name__", ""),
                     "error": str(error)}  # fmt: skip
            self.logger.error(json.dumps(event, ensure_ascii=False))
        self.loaded_at = now


@dataclass
class Homepage:
    """Serves the homepage per language from one warm container's caches."""

    store: ContentStore
    load_citations: CitationLoader
    content_ttl_s: float = 10.0
    citation_ttl_s: float = 60.0
    stale_after_days: int = 14
    clock: Callable[[], float] = time.monotonic
    utc_now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("acadpage"))
    member_path: str = ""  # a member's media come from /people/<id>/media/ at every address
    _content: dict[str, _ContentEntry] = field(default_factory=dict)
    _citations: Expiring | None = None
    _pages: dict[tuple, tuple[str, str]] = field(default_factory=dict)
    _resolved: dict[tuple, Site] = field(default_factory=dict)

    def page(
        self, language: str | None = None, base_path: str = "", site_root: str = ""
    ) -> PageResponse:
        """The homepage in `language` (None: the default one), or a 404 / 503 page; `site_root`
        is the site's absolute address as this request reached it (SiteAddress.root), if known."""
        try:
            default_site, default_etag = self._site(DEFAULT_FILE)
            filename = self._language_file(default_site, language)
            if filename is None:
                return self.not_found(base_path)
            site, etag = (
                (default_site, default_etag) if filename == DEFAULT_FILE else self._site(filename)
            )
        except PageUnavailable as reason:
            body = render_error_page(503, "Homepage unavailable", str(reason), base_path=base_path)
            return PageResponse(503, body)
        state = self.citation_state()  # read once: the key's version and the rows must agree
        display, citation_version = self._citation_display(state)
        age = display.age_days if display else -1
        # the default file's version too: a translation's alternates come from it
        key = (filename, etag, default_etag, citation_version, age, base_path, site_root)
        rendered = self._pages.get(key)
        if rendered is None:
            shown = self._resolved_site(filename, etag, site, state)
            html = self._render(default_site, shown, display, base_path, site_root)
            rendered = self._remember_page(key, html)
        body, page_etag = rendered
        return PageResponse(200, body, etag=page_etag, cache_control=PAGE_CACHE_CONTROL)

    def sites(self) -> list[Site]:
        """The current good site of every language, the default first (for sitemap and feed)."""
        try:
            default_site, _ = self._site(DEFAULT_FILE)
        except PageUnavailable:
            return []
        sites = [default_site]
        for language in default_site.settings.translations:
            try:
                sites.append(self._site(f"site.{language}.yaml")[0])
            except PageUnavailable:
                continue
        return sites

    def shown(self) -> tuple[Site, CitationDisplay | None, tuple] | None:
        """The site as its page shows it (store listings filled), its numbers, and their
        version; None when it has no good content (the lab page lists the member without)."""
        try:
            site, etag = self._site(DEFAULT_FILE)
        except PageUnavailable:
            return None
        state = self.citation_state()
        display, citation_version = self._citation_display(state)
        age = display.age_days if display else -1
        resolved = self._resolved_site(DEFAULT_FILE, etag, site, state)
        return resolved, display, (etag, citation_version, age)

    def missing(self) -> bool:
        """True when the site's own content file is not in storage (a lab's own site has
        lab.yaml instead)."""
        with contextlib.suppress(PageUnavailable):
            self._site(DEFAULT_FILE)
        entry = self._content[DEFAULT_FILE]
        return entry.site is None and entry.problem.startswith(NO_CONTENT)

    def resident_bytes(self) -> int:
        """About what this site's caches hold in memory (the bound of the per-site cache)."""
        content = sum(entry.size for entry in self._content.values())
        pages = sum(len(body) for body, _ in self._pages.values())
        state = self._citations.value if self._citations is not None else None
        rows = (
            sum(len(snapshot.publications) for snapshot in state.snapshots.values()) if state else 0
        )
        return (
            SITE_OVERHEAD_BYTES
            + content * PARSED_BYTES_PER_CONTENT_BYTE * (1 + len(self._resolved))
            + pages * 2
            + rows * BYTES_PER_CITATION_ROW
        )

    def not_found(self, base_path: str = "") -> PageResponse:
        """The 404 page."""
        message = "There is no page at this address."
        return PageResponse(404, render_error_page(404, "Not found", message, base_path=base_path))

    def _language_file(self, default_site: Site, language: str | None) -> str | None:
        """The content file for a language, or None when the site has no such translation."""
        if language is None or language == default_site.settings.language:
            return DEFAULT_FILE
        if LANGUAGE.fullmatch(language) and language in default_site.settings.translations:
            return f"site.{language}.yaml"
        return None

    def _site(self, filename: str) -> tuple[Site, str]:
        """The last good site of a content file, asking S3 (conditionally) once per TTL."""
        entry = self._content.setdefault(filename, _ContentEntry())
        now = self.clock()
        if now - entry.checked_at >= self.content_ttl_s:
            # Marked as checked only once read: a request arriving meanwhile waits for this read
            # (nothing good yet) or serves the last good site, never an entry half-filled.
            due = lambda: now - entry.checked_at >= self.content_ttl_s  # noqa: E731
            _load_once(
                due,
                entry.loading,
                lambda: self._check_content(filename, entry, now),
                have_value=entry.site is not None,
            )
        if entry.site is None:
            raise PageUnavailable(entry.problem or f"{filename} could not be read.")
        return entry.site, entry.etag

    def _check_content(self, filename: str, entry: _ContentEntry, now: float) -> None:
        try:
            self._refresh_content(filename, entry)
        finally:
            entry.checked_at = now

    def _refresh_content(self, filename: str, entry: _ContentEntry) -> None:
        try:
            fetched = self.store.fetch_content(filename, entry.etag if entry.site else "")
        except ContentStoreError as error:
            self._log("content_unreadable", file=filename, error=str(error))
            entry.problem = f"The content file {filename} could not be read from storage."
            return
        if fetched.state == "unchanged":
            return
        if fetched.state == "missing":
            self._log("content_missing", file=filename)
            entry.problem = f"{NO_CONTENT}: {filename} is missing."
            return
        try:
            entry.site = load_site(fetched.body, filename)
            entry.etag, entry.problem, entry.size = fetched.etag, "", len(fetched.body)
        except ContentError as error:
            # keep serving the last good site; only the log and a first-ever visitor see the error
            self._log(
                "content_invalid",
                file=filename,
                errors=[p.format(filename) for p in error.problems],
            )
            entry.problem = (
                f"The content file {filename} has problems: {error.problems[0].format(filename)}"
            )
        except Exception as error:  # a reading bug must not take the last good page down
            self._log("content_unreadable", file=filename, error=repr(error))
            entry.problem = f"The content file {filename} could not be read."

    def citation_state(self) -> CitationState | None:
        """The profile's citation state, read again at most once per citation TTL."""
        if self._citations is None:
            self._citations = Expiring(self.load_citations, self.citation_ttl_s, logger=self.logger)
        return self._citations.get(self.clock())

    def _citation_display(self, state: CitationState | None) -> tuple[CitationDisplay | None, str]:
        """What the page shows of the citations, and the version the rendered page depends on."""
        if state is None:
            return None, ""
        return choose_display(state, self.utc_now(), self.stale_after_days), state.version

    def _resolved_site(
        self, filename: str, etag: str, site: Site, state: CitationState | None
    ) -> Site:
        """The site with counts found by title and store listings filled: once per content and
        citation version, however many languages, base paths and ages are rendered from it."""
        key = (filename, etag, state.version if state is not None else "")
        resolved = self._resolved.get(key)
        if resolved is None:
            resolved = _keep(self._resolved, key, resolve_site(site, scholar_rows(state)))
        return resolved

    def _render(self, default_site: Site, site: Site, display, base_path: str, root: str) -> str:
        alternates = _alternates(default_site.settings, root or base_path)
        media = None  # our /media route, or a member's at /people/<id>/media at every address
        if self.member_path:
            media = base_path.removesuffix(self.member_path) + self.member_path + "/media"
        return render_home_page(site, display, base_path=base_path, alternates=alternates,
                                request_root=root, media_root=media)  # fmt: skip

    def _remember_page(self, key: tuple, html: str) -> tuple[str, str]:
        etag = '"' + hashlib.sha256(html.encode()).hexdigest()[:32] + '"'
        return _keep(self._pages, key, (html, etag))

    def _log(self, event: str, **fields) -> None:
        self.logger.error(json.dumps({"event": event, **fields}, ensure_ascii=False))


def _keep(cache: dict, key: tuple, value: Any) -> Any:
    """`value` stored under `key`, the oldest entry dropped first: a warm container's caches
    stay bounded however many versions, languages and addresses it serves."""
    if len(cache) >= _RENDERED_PAGES_KEPT:
        cache.pop(next(iter(cache)), None)
    cache[key] = value
    return value


def _alternates(settings, request_root: str) -> tuple[Alternate, ...]:
    """Every language of the site with its address, the default one at `/`."""
    if not settings.translations:
        return ()
    root = seo.site_root(settings.base_url, request_root)
    default = Alternate(settings.language, f"{root}/")
    return (default, *(Alternate(code, f"{root}/{code}") for code in settings.translations))


@dataclass(frozen=True)
class SiteAddress:
    """Where a request reached the site: the origin absolute addresses start with (or "") and
    the prefix links need (`/api` on an execute-api address)."""

    origin: str = ""
    base_path: str = ""

    @property
    def root(self) -> str:
        """The site's address for this request: `https://host/api`, or only the prefix."""
        return f"{self.origin}{self.base_path}"


def request_address(
    settings: Settings,
    edge_header: str | None,
    context: dict,
    route_path: str | None,
    edge_key: str | None = None,
) -> SiteAddress:
    """The address of a request, never read from Host or X-Forwarded-* headers.

    The distribution's header names the site's public origin, and is believed only from the
    distribution: when the request carries the stack's edge key (a secret shared by the
    CloudFront Function and this function alone), or when it names the configured origin
    exactly (then the configured value is used). Otherwise the domain API Gateway reports (it
    sets `domainName` from the name it was reached at), else the local server's own address.
    """
    if settings.site_origin and _names_origin(edge_header or "", settings.site_origin):
        return SiteAddress(settings.site_origin, "")
    if origin := _edge_origin(settings, edge_header, edge_key):
        return SiteAddress(origin, "")
    base_path = base_path_of(str(context.get("path") or ""), route_path)
    domain = str(context.get("domainName") or "")
    if HOSTNAME.fullmatch(domain):
        return SiteAddress(f"https://{domain.lower()}", base_path)
    return SiteAddress(settings.local_origin, base_path)


def from_the_edge(settings: Settings, key: str | None) -> bool:
    """True when a request carries the stack's edge key: only the distribution can send it."""
    if not settings.edge_key or not key:
        return False
    # constant time: how long a wrong key takes to refuse says nothing about the right one
    return hmac.compare_digest(key.encode("utf-8", "replace"), settings.edge_key.encode())


def _edge_origin(settings: Settings, header: str | None, key: str | None) -> str:
    """The origin the distribution's header names, on a request that carries the edge key."""
    if not from_the_edge(settings, key):
        return ""
    value = (header or "").strip()
    if problem := origin_problem(value):
        # the distribution itself sent it: a stack to fix, not a visitor to ignore quietly
        event = {"event": "edge_origin_ignored", "expected": problem, "got": value[:200]}
        logging.getLogger("acadpage").error(json.dumps(event, ensure_ascii=False))
        return ""
    return normal_origin(value)


def _names_origin(header: str, origin: str) -> bool:
    """True when a header names `origin`, written as the stack may write it (`https://D1/`)."""
    value = header.strip()
    return not origin_problem(value) and normal_origin(value) == origin


def base_path_of(public_path: str, route_path: str | None) -> str:
    """What API Gateway put before the route: `/api/zh` seen as `/zh` gives `/api`."""
    if not route_path or not public_path.endswith(route_path.rstrip("/") or "/"):
        return ""
    return public_path[: len(public_path) - len(route_path.rstrip("/") or "/")].rstrip("/")


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """True when a request's If-None-Match names `etag` (or is `*`)."""
    if not if_none_match or not etag:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags
