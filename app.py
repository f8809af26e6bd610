"""acadpage's routes and schedule: read the request, call one function, wrap the answer."""

import os
from datetime import UTC, datetime

from chalice import Chalice, Response

from chalicelib import runtime
from chalicelib.homepage import etag_matches, request_address

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


@app.route("/", methods=["GET", "HEAD"])
def index():
    where = address()
    return page_response(runtime.homepage().page(None, where.base_path, where.root))


@app.route("/{lang}", methods=["GET", "HEAD"])
def localized(lang):
    where = address()
    return page_response(runtime.homepage().page(lang, where.base_path, where.root))


@app.route("/about", methods=["GET", "HEAD"])
@app.route("/about.html", methods=["GET", "HEAD"])
def about_redirect():
    return Response(body="", status_code=301, headers={"Location": f"{base_path()}/"})


@app.route("/media/{name}", methods=["GET", "HEAD"])
def media(name):
    from chalicelib.media import media_response

    request = app.current_request
    answer = media_response(runtime.content_store(), name, request.headers.get("if-none-match"))
    headers = {**answer.headers, "Content-Security-Policy": MEDIA_POLICY, **SECURITY_HEADERS}
    body = answer.body[:0] if request.method == "HEAD" else answer.body
    return Response(body=body, status_code=answer.status, headers=headers)


CITATION_CACHE_CONTROL = "public, max-age=300, s-maxage=300"
# Chalice reads the schedule when it loads the app for a deploy, with the stage's variables set.
REFRESH_SCHEDULE = os.environ.get("ACADPAGE_REFRESH_SCHEDULE", "cron(0 8 * * ? *)")


def citation_response(path: str) -> Response:
    """A badge, gs_data.json or status.json from the cached citation state; every answer, errors
    included, may be read by a page on another origin (AcadHomepage's script fetches it)."""
    from chalicelib.citations.endpoints import citation_answer

    status, content_type, body = citation_answer(
        path,
        runtime.homepage().citation_state,
        datetime.now,
        runtime.settings,
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


@app.schedule(REFRESH_SCHEDULE, name="refresh_citations")
def refresh_citations(event):
    report = runtime.run_refresh()
    return {"published": report.published, "stats": list(report.stats_keys)}


# For search engines and feed readers: /sitemap.xml, /robots.txt, /feed.xml, /favicon.ico.
# chalicelib.site.seo writes the documents; these handlers find the address and wrap the answer.
DOCUMENT_CACHE_CONTROL = "public, max-age=300, s-maxage=3600"


def site_root_and_sites():
    """The site's absolute address (`base_url`, else the request's trusted one) and its sites."""
    from chalicelib.site.seo import site_root

    sites = runtime.homepage().sites()
    base_url = sites[0].settings.base_url if sites else ""
    return site_root(base_url, address().root), sites


def document_response(body: str, content_type: str) -> Response:
    """A generated text document, cacheable like the page."""
    from chalicelib.homepage import PageResponse

    return page_response(
        PageResponse(200, body, content_type=content_type, cache_control=DOCUMENT_CACHE_CONTROL)
    )


@app.route("/sitemap.xml", methods=["GET", "HEAD"])
def sitemap():
    from chalicelib.site.seo import sitemap_xml

    root, sites = site_root_and_sites()
    if not sites:
        return page_response(runtime.homepage().not_found(base_path()))
    return document_response(sitemap_xml(sites, root), "application/xml; charset=utf-8")


@app.route("/robots.txt", methods=["GET", "HEAD"])
def robots():
    from chalicelib.site.seo import robots_txt

    root, _ = site_root_and_sites()
    return document_response(robots_txt(root), "text/plain; charset=utf-8")


@app.route("/feed.xml", methods=["GET", "HEAD"])
def feed():
    from chalicelib.site.seo import atom_feed

    root, sites = site_root_and_sites()
    if not sites:
        return page_response(runtime.homepage().not_found(base_path()))
    body = atom_feed(sites[0], root, datetime.now(UTC))
    return document_response(body, "application/atom+xml; charset=utf-8")


@app.route("/favicon.ico", methods=["GET", "HEAD"])
def favicon():
    from chalicelib.site.seo import favicon_location

    sites = runtime.homepage().sites()
    location = favicon_location(sites[0] if sites else None, base_path())
    if not location:
        return page_response(runtime.homepage().not_found(base_path()))
    headers = {"Location": location, "Cache-Control": DOCUMENT_CACHE_CONTROL, **SECURITY_HEADERS}
    return Response(body="", status_code=302, headers=headers)


@app.route("/{section}/{name}", methods=["GET", "HEAD"])
def not_found(section, name):
    return page_response(runtime.homepage().not_found(base_path()))
