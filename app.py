"""acadpage's routes and schedule: read the request, call one function, wrap the answer."""

import os
from dataclasses import dataclass
from datetime import UTC, datetime

from chalice import Chalice, Response

from chalicelib import runtime
from chalicelib.homepage import PageResponse, etag_matches, request_address
from chalicelib.lab.siteid import SiteId, site_root_path

app = Chalice(app_name="acadpage")
app.api.binary_types.extend(["image/webp", "image/avif", "image/x-icon"])  # SVG is text

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
PAGE_POLICY = (
    "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
MEDIA_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


# CloudFront sets both on every request to the origin (a viewer's own values are overwritten):
# the site's public origin, and the stack's secret that proves the request came through it.
EDGE_HEADER = "X-Acadpage-Site-Origin"
EDGE_KEY_HEADER = "X-Acadpage-Edge-Key"


def address():
    """Where this request reached the site, from trusted parts only (never Host, X-Forwarded-*)."""
    request = app.current_request
    return request_address(
        runtime.settings(),
        request.headers.get(EDGE_HEADER),
        request.context,
        request.to_original_event().get("path"),
        request.headers.get(EDGE_KEY_HEADER),
    )


def base_path() -> str:
    """The prefix links need: `/api` on an execute-api address, nothing behind the distribution."""
    return address().base_path


@dataclass(frozen=True)
class Place:
    """The site a request is for, and where its pages are: base path and absolute root."""

    site: SiteId
    base_path: str
    root: str


def place(member: str | None = None) -> Place | PageResponse:
    """The site this request's trusted address names, or the member of `/people/<member>/` on
    the lab's own host; else the answer: a 404 when it names no site (an unknown host or
    member), a 503 when the registry cannot be read."""
    from chalicelib.sites import SiteUnavailable

    where, directory = address(), runtime.site_directory()
    try:
        site = directory.site_for_origin(where.origin)
        if member is not None and site is not None:
            site = directory.member(member) if site.is_default else None
    except SiteUnavailable:
        from chalicelib.site.render import render_error_page

        reason = "This site cannot be looked up right now; try again in a minute."
        return PageResponse(
            503, render_error_page(503, "Unavailable", reason, base_path=where.base_path)
        )
    if site is None:
        return runtime.homepage().not_found(where.base_path)
    prefix = site_root_path(site) if member is not None else ""
    return Place(site, where.base_path + prefix, where.root + prefix)


def page_response(page) -> Response:
    """A PageResponse as an HTTP answer: 304 when the client has it, no body for HEAD."""
    request = app.current_request
    headers = {
        "Content-Type": page.content_type,
        "Cache-Control": page.cache_control,
        "Content-Security-Policy": PAGE_POLICY,
        **SECURITY_HEADERS,
    }
    if page.etag:
        headers["ETag"] = page.etag
        if etag_matches(request.headers.get("if-none-match"), page.etag):
            return Response(body="", status_code=304, headers=headers)
    body = "" if request.method == "HEAD" else page.body
    return Response(body=body, status_code=page.status, headers=headers)


def site_page(lang: str | None, member: str | None = None) -> Response:
    """A site's page in `lang` (None: its default language), the lab page at the lab's own
    root, or the 404 page."""
    at = place(member)
    if isinstance(at, PageResponse):
        return page_response(at)
    if (lab := runtime.lab(at.site)) is not None:
        # the lab page has one language; /<lang> is no page of it
        if lang is not None:
            return page_response(runtime.homepage().not_found(at.base_path))
        return lab_page(at, lab)
    return page_response(runtime.homepage(at.site).page(lang, at.base_path, at.root))


def lab_page(at: Place, lab, year: str | None = None, member: str | None = None) -> Response:
    """The lab page, all papers or one year's or one member's; a 404 for what names nothing."""
    from chalicelib.lab.page import LabFilter

    shown = LabFilter.of_path(year, member)
    root = lab.base_url or at.root
    answer = runtime.lab_service().page(lab, shown, at.base_path, root) if shown else None
    return page_response(answer or runtime.homepage().not_found(at.base_path))


@app.route("/year/{year}", methods=["GET", "HEAD"])
def lab_year(year):
    return lab_filtered(year=year)


@app.route("/member/{member}", methods=["GET", "HEAD"])
def lab_member(member):
    return lab_filtered(member=member)


def lab_filtered(year: str | None = None, member: str | None = None) -> Response:
    """A filtered lab page: only on the lab's own site, only when it has a lab."""
    at = place()
    if isinstance(at, PageResponse):
        return page_response(at)
    if (lab := runtime.lab(at.site)) is None:
        return page_response(runtime.homepage().not_found(at.base_path))
    return lab_page(at, lab, year, member)


@app.route("/", methods=["GET", "HEAD"])
def index():
    return site_page(None)


@app.route("/{lang}", methods=["GET", "HEAD"])
def localized(lang):
    return site_page(lang)


@app.route("/people/{member}", methods=["GET", "HEAD"])
def member_index(member):
    return site_page(None, member)


@app.route("/people/{member}/{lang}", methods=["GET", "HEAD"])
def member_localized(member, lang):
    return site_page(lang, member)


@app.route("/about", methods=["GET", "HEAD"])
@app.route("/about.html", methods=["GET", "HEAD"])
def about_redirect():
    return Response(body="", status_code=301, headers={"Location": f"{base_path()}/"})


@app.route("/media/{name}", methods=["GET", "HEAD"])
def media(name):
    return media_file(name)


@app.route("/people/{member}/media/{name}", methods=["GET", "HEAD"])
def member_media(member, name):
    return media_file(name, member)


def media_file(name: str, member: str | None = None) -> Response:
    """A media file of the site this request is for."""
    from chalicelib.media import media_response

    request = app.current_request
    at = place(member)
    if isinstance(at, PageResponse):
        return page_response(at)
    store = runtime.content_store(at.site)
    answer = media_response(store, name, request.headers.get("if-none-match"))
    headers = {**answer.headers, "Content-Security-Policy": MEDIA_POLICY, **SECURITY_HEADERS}
    body = answer.body[:0] if request.method == "HEAD" else answer.body
    return Response(body=body, status_code=answer.status, headers=headers)


CITATION_CACHE_CONTROL = "public, max-age=300, s-maxage=300"
# Chalice reads the schedule when it loads the app for a deploy, with the stage's variables set.
REFRESH_SCHEDULE = os.environ.get("ACADPAGE_REFRESH_SCHEDULE", "cron(0 8 * * ? *)")


def citation_response(path: str, member: str | None = None) -> Response:
    """A badge, gs_data.json or status.json of the request's site from its cached citation
    state; every answer, errors included, may be read by a page on another origin
    (AcadHomepage's script fetches it)."""
    from chalicelib.citations.endpoints import citation_answer

    at = place(member)
    if isinstance(at, PageResponse):
        return page_response(at)
    status, content_type, body = citation_answer(
        path,
        runtime.homepage(at.site).citation_state,
        datetime.now,
        lambda: runtime.site_settings(at.site, fresh=False),
        runtime.logger,
        runtime.scholar_pacer,
    )
    headers = {"Content-Type": content_type, "Cache-Control": CITATION_CACHE_CONTROL,
               "Access-Control-Allow-Origin": "*", **SECURITY_HEADERS}  # fmt: skip
    if content_type.startswith("image/svg"):
        headers["Content-Security-Policy"] = MEDIA_POLICY
    if app.current_request.method == "HEAD":
        body = body[:0]
    return Response(body=body, status_code=status, headers=headers)


@app.route("/badge/{name}", methods=["GET", "HEAD"])
def badge(name):
    return citation_response(f"/badge/{name}")


@app.route("/gs_data.json", methods=["GET", "HEAD"])
@app.route("/gs_data_shieldsio.json", methods=["GET", "HEAD"])
@app.route("/status.json", methods=["GET", "HEAD"])
def citation_document():
    return citation_response(app.current_request.path)


@app.route("/google-scholar-stats/{name}", methods=["GET", "HEAD"])
def acadhomepage_stats(name):
    return citation_response(f"/google-scholar-stats/{name}")


@app.route("/people/{member}/badge/{name}", methods=["GET", "HEAD"])
def member_badge(member, name):
    return citation_response(f"/badge/{name}", member)


@app.route("/people/{member}/gs_data.json", methods=["GET", "HEAD"])
@app.route("/people/{member}/gs_data_shieldsio.json", methods=["GET", "HEAD"])
@app.route("/people/{member}/status.json", methods=["GET", "HEAD"])
def member_citation_document(member):
    return citation_response("/" + app.current_request.path.rsplit("/", 1)[1], member)


@app.route("/people/{member}/google-scholar-stats/{name}", methods=["GET", "HEAD"])
def member_acadhomepage_stats(member, name):
    return citation_response(f"/google-scholar-stats/{name}", member)


@app.schedule(REFRESH_SCHEDULE, name="refresh_citations")
def refresh_citations(event):
    report = runtime.run_refresh()
    return {"published": report.published, "stats": list(report.stats_keys)}


# The fan-out over a lab's sites (docs/fanout.md): both do nothing on a stack of one site, and
# the packaged stack enables their rules only with FanOut=on (docs/deploy.md).
@app.schedule("rate(1 minute)", name="scholar_tick")
def scholar_tick(event):
    report = runtime.run_scholar_tick()
    return None if report is None else {"kind": report.kind, "published": report.published}


@app.schedule("rate(2 hours)", name="open_batches")
def open_batches(event):
    report = runtime.run_open_batches()
    return None if report is None else {"published": report.published}


# For search engines and feed readers: /sitemap.xml, /robots.txt, /feed.xml, /favicon.ico.
# chalicelib.site.seo writes the documents; these handlers find the address and wrap the answer.
DOCUMENT_CACHE_CONTROL = "public, max-age=300, s-maxage=3600"


def site_root_and_sites(at: Place):
    """The site's absolute address (`base_url`, else the request's trusted one) and its sites."""
    from chalicelib.site.seo import site_root

    sites = runtime.homepage(at.site).sites()
    base_url = sites[0].settings.base_url if sites else ""
    return site_root(base_url, at.root), sites


def document_response(body: str, content_type: str) -> Response:
    """A generated text document, cacheable like the page."""
    return page_response(
        PageResponse(200, body, content_type=content_type, cache_control=DOCUMENT_CACHE_CONTROL)
    )


SITEMAP_TYPE = "application/xml; charset=utf-8"
FEED_TYPE = "application/atom+xml; charset=utf-8"


@app.route("/sitemap.xml", methods=["GET", "HEAD"])
def sitemap():
    return site_document(SITEMAP_TYPE)


@app.route("/people/{member}/sitemap.xml", methods=["GET", "HEAD"])
def member_sitemap(member):
    return site_document(SITEMAP_TYPE, member)


@app.route("/feed.xml", methods=["GET", "HEAD"])
def feed():
    return site_document(FEED_TYPE)


@app.route("/people/{member}/feed.xml", methods=["GET", "HEAD"])
def member_feed(member):
    return site_document(FEED_TYPE, member)


def site_document(content_type: str, member: str | None = None) -> Response:
    """The sitemap or the Atom feed of the request's site: a person's, or the lab's."""
    from chalicelib.site.seo import atom_feed, sitemap_xml

    at = place(member)
    if isinstance(at, PageResponse):
        return page_response(at)
    if (lab := runtime.lab(at.site)) is not None:
        return document_response(lab_document(at, lab, content_type), content_type)
    root, sites = site_root_and_sites(at)
    if not sites:
        return page_response(runtime.homepage().not_found(base_path()))
    if content_type == FEED_TYPE:
        return document_response(atom_feed(sites[0], root, datetime.now(UTC)), content_type)
    return document_response(sitemap_xml(sites, root), content_type)


def lab_document(at: Place, lab, content_type: str) -> str:
    """The lab's sitemap (its pages and every member's) or its feed of papers."""
    service, root = runtime.lab_service(), lab.base_url or at.root
    if content_type == FEED_TYPE:
        return service.feed(lab, at.base_path, root, datetime.now(UTC))
    return service.sitemap(lab, at.base_path, root)


@app.route("/robots.txt", methods=["GET", "HEAD"])
def robots():
    from chalicelib.site.seo import robots_txt

    at = place()
    if isinstance(at, PageResponse):
        return page_response(at)
    root, _ = site_root_and_sites(at)
    return document_response(robots_txt(root), "text/plain; charset=utf-8")


@app.route("/favicon.ico", methods=["GET", "HEAD"])
def favicon():
    from chalicelib.site.seo import favicon_location

    at = place()
    if isinstance(at, PageResponse):
        return page_response(at)
    sites = runtime.homepage(at.site).sites()
    location = favicon_location(sites[0] if sites else None, at.base_path)
    if not location:
        return page_response(runtime.homepage().not_found(at.base_path))
    headers = {"Location": location, "Cache-Control": DOCUMENT_CACHE_CONTROL, **SECURITY_HEADERS}
    return Response(body="", status_code=302, headers=headers)


@app.route("/{section}/{name}", methods=["GET", "HEAD"])
def not_found(section, name):
    return page_response(runtime.homepage().not_found(base_path()))
