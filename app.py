"""acadpage's routes and schedule: read the request, call one function, wrap the answer."""

from chalice import Chalice, Response

from chalicelib import runtime
from chalicelib.homepage import base_path_of, etag_matches

app = Chalice(app_name="acadpage")
app.api.binary_types.extend(["image/webp", "image/avif", "image/x-icon", "image/svg+xml"])

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
PAGE_POLICY = (
    "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
MEDIA_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def base_path() -> str:
    """The prefix links need: `/api` on an execute-api address, a domain's base path mapping."""
    request = app.current_request
    return base_path_of(request.context.get("path", ""), request.to_original_event().get("path"))


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
    return page_response(runtime.homepage().page(None, base_path()))


@app.route("/{lang}", methods=["GET", "HEAD"])
def localized(lang):
    return page_response(runtime.homepage().page(lang, base_path()))


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


@app.route("/{section}/{name}", methods=["GET", "HEAD"])
def not_found(section, name):
    return page_response(runtime.homepage().not_found(base_path()))
