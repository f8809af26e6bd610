"""Absolute addresses come from the content, the configured distribution or API Gateway's own
report of the domain: never from a header a client sets (Host, X-Forwarded-*)."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest

from chalicelib import runtime
from chalicelib.homepage import SiteAddress, request_address
from chalicelib.settings import Settings, SettingsError, load_settings
from chalicelib.site.content import ContentError, load_site
from chalicelib.site.origins import origin_problem
from tests.conftest import EXAMPLES, LOCAL_BUCKET

API_DOMAIN = "abc123.execute-api.us-east-1.amazonaws.com"
DISTRIBUTION = "https://d111111abcdef8.cloudfront.net"
EXAMPLE_BASE_URL = "https://lorem-ipsum.example.org"
EVIL = "evil.example"
FORGED = {"host": f"{EVIL}:99999", "x-forwarded-proto": "http", "x-forwarded-host": EVIL}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)">')
OG_URL = re.compile(r'<meta property="og:url" content="([^"]*)">')
OG_IMAGE = re.compile(r'<meta property="og:image" content="([^"]*)">')


def api_event(path: str, headers: dict | None = None, *, domain: str = API_DOMAIN) -> dict:
    """A REST API proxy event as API Gateway sends it for the `api` stage at `domain`."""
    resource = {"/": "/", "/sitemap.xml": "/sitemap.xml", "/robots.txt": "/robots.txt",
                "/feed.xml": "/feed.xml"}.get(path, "/{lang}")  # fmt: skip
    context = {"httpMethod": "GET", "resourcePath": resource, "path": f"/api{path}", "stage": "api"}
    if domain:
        context["domainName"] = domain
    return {
        "resource": resource,
        "path": path,
        "httpMethod": "GET",
        "headers": {"accept": "text/html", **(headers or {})},
        "multiValueQueryStringParameters": None,
        "pathParameters": {"lang": path.strip("/")} if resource == "/{lang}" else None,
        "stageVariables": None,
        "requestContext": context,
        "body": None,
        "isBase64Encoded": False,
    }


def get(path: str, headers: dict | None = None, **where) -> str:
    from app import app

    answer = app(api_event(path, headers, **where), None)
    assert answer["statusCode"] == 200, answer
    return answer["body"]


@pytest.fixture
def no_base_url(seeded):
    """The example site (and its translation) published without `site.base_url`."""
    for name in ("site.yaml", "site.zh.yaml"):
        text = (EXAMPLES / name).read_text().replace(f"  base_url: {EXAMPLE_BASE_URL}\n", "")
        assert "base_url" not in text
        runtime.s3_client().put_object(Bucket=LOCAL_BUCKET, Key=f"content/{name}", Body=text)
    runtime.reset()


def sitemap_locations(body: str) -> list[str]:
    return [loc.text for loc in ET.fromstring(body).iter(f"{SITEMAP}loc")]


def every_address_document(headers: dict) -> dict[str, str]:
    return {path: get(path, headers) for path in ("/", "/zh", "/sitemap.xml", "/robots.txt",
                                                  "/feed.xml")}  # fmt: skip


# --- without base_url, straight to API Gateway ------------------------------------------------


def test_documents_take_the_domain_api_gateway_reports_not_the_host_header(no_base_url):
    bodies = every_address_document(FORGED)
    root = f"https://{API_DOMAIN}/api"
    assert sitemap_locations(bodies["/sitemap.xml"]) == [f"{root}/", f"{root}/zh"]
    assert bodies["/robots.txt"].endswith(f"Sitemap: {root}/sitemap.xml\n")
    feed = ET.fromstring(bodies["/feed.xml"])
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{root}/feed.xml"
    assert CANONICAL.findall(bodies["/"]) == [f"{root}/"]
    assert OG_URL.findall(bodies["/zh"]) == [f"{root}/zh"]
    assert OG_IMAGE.findall(bodies["/"]) == [f"{root}/media/avatar.svg"]
    assert not [path for path, body in bodies.items() if EVIL in body or "http://abc" in body]


def test_the_same_url_answers_the_same_bytes_whatever_the_client_headers(no_base_url):
    # what a shared cache keeps for a URL can then not be chosen by the client who filled it
    plain = every_address_document({})
    assert every_address_document(FORGED) == plain
    assert every_address_document({"x-acadpage-site-origin": f"https://{EVIL}"}) == plain


def test_a_custom_domain_on_api_gateway_is_the_root_without_the_stage(no_base_url):
    from app import app

    event = api_event("/robots.txt", FORGED, domain="www.example.org")
    event["requestContext"]["path"] = "/robots.txt"  # a base path mapping of "/"
    assert app(event, None)["body"].endswith("Sitemap: https://www.example.org/sitemap.xml\n")


def test_the_local_server_uses_its_own_address(no_base_url, monkeypatch):
    monkeypatch.setenv("ACADPAGE_LOCAL_ORIGIN", "http://127.0.0.1:8000")
    runtime.reset()
    robots = get("/robots.txt", FORGED, domain="")
    assert robots.endswith("Sitemap: http://127.0.0.1:8000/api/sitemap.xml\n")


def test_serve_tells_the_app_its_own_address():
    from chalicelib.cli.serve import local_origin

    assert local_origin("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert local_origin("0.0.0.0", 9000) == "http://127.0.0.1:9000"


def test_without_any_trusted_address_documents_stay_relative(no_base_url):
    assert get("/robots.txt", FORGED, domain="") == "User-agent: *\nAllow: /\n"
    assert sitemap_locations(get("/sitemap.xml", FORGED, domain="")) == ["/api/", "/api/zh"]


# --- through the distribution ------------------------------------------------------------------


@pytest.fixture
def distribution(no_base_url, monkeypatch):
    monkeypatch.setenv("ACADPAGE_SITE_ORIGIN", DISTRIBUTION)
    runtime.reset()


EDGE = {"x-acadpage-site-origin": DISTRIBUTION}


def test_through_the_distribution_links_lose_the_stage_and_addresses_name_it(distribution):
    bodies = every_address_document({**EDGE, **FORGED})
    assert sitemap_locations(bodies["/sitemap.xml"]) == [f"{DISTRIBUTION}/", f"{DISTRIBUTION}/zh"]
    assert bodies["/robots.txt"].endswith(f"Sitemap: {DISTRIBUTION}/sitemap.xml\n")
    assert CANONICAL.findall(bodies["/"]) == [f"{DISTRIBUTION}/"]
    assert OG_URL.findall(bodies["/zh"]) == [f"{DISTRIBUTION}/zh"]
    assert 'src="/media/avatar.svg"' in bodies["/"]
    assert 'href="/feed.xml"' in bodies["/"]
    assert "/api/" not in bodies["/"] and "/api/" not in bodies["/zh"]
    assert API_DOMAIN not in "".join(bodies.values())


@pytest.mark.parametrize(
    "header",
    [f"https://{EVIL}", DISTRIBUTION + ".evil.example", "", DISTRIBUTION.upper() + "x"],
)
def test_a_distribution_header_that_is_not_the_configured_origin_is_ignored(distribution, header):
    bodies = every_address_document({"x-acadpage-site-origin": header})
    assert sitemap_locations(bodies["/sitemap.xml"])[0] == f"https://{API_DOMAIN}/api/"
    assert 'src="/api/media/avatar.svg"' in bodies["/"]
    assert EVIL not in "".join(bodies.values())


def test_without_a_configured_distribution_the_header_means_nothing(no_base_url):
    bodies = every_address_document(EDGE)
    assert CANONICAL.findall(bodies["/"]) == [f"https://{API_DOMAIN}/api/"]
    assert DISTRIBUTION not in "".join(bodies.values())


def test_base_url_still_wins_over_the_distribution(seeded, monkeypatch):
    monkeypatch.setenv("ACADPAGE_SITE_ORIGIN", DISTRIBUTION)
    runtime.reset()
    assert get("/robots.txt", EDGE).endswith(f"Sitemap: {EXAMPLE_BASE_URL}/sitemap.xml\n")


@pytest.mark.parametrize(
    ("context", "header", "expected"),
    [
        ({"path": "/api/zh", "domainName": API_DOMAIN}, None,
         SiteAddress(f"https://{API_DOMAIN}", "/api")),
        ({"path": "/api/zh", "domainName": API_DOMAIN}, DISTRIBUTION,
         SiteAddress(DISTRIBUTION, "")),
        ({"path": "/api/zh", "domainName": API_DOMAIN}, DISTRIBUTION.upper() + "/",
         SiteAddress(DISTRIBUTION, "")),
        ({"path": "/api/zh", "domainName": API_DOMAIN}, DISTRIBUTION + "/x",
         SiteAddress(f"https://{API_DOMAIN}", "/api")),
        ({"path": "/api/zh", "domainName": "bad host/<x>"}, None, SiteAddress("", "/api")),
        ({"path": "/zh"}, None, SiteAddress("", "")),
    ],
)  # fmt: skip
def test_request_address(context, header, expected):
    settings = Settings(site_origin=DISTRIBUTION)
    assert request_address(settings, header, context, "/zh") == expected


# --- what base_url and the origin settings may be -----------------------------------------------


def site_with_base_url(value: str) -> str:
    text = (EXAMPLES / "site.yaml").read_text()
    return text.replace("base_url: https://lorem-ipsum.example.org", f"base_url: {value}")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"https://ex.org\\nDisallow: /"',
         "an http(s) address without spaces or control characters"),
        ("https://ex.org/blog", "the site's address alone (https://host), without a path, query "
         "or fragment"),
        ("https://ex.org?x=1", "the site's address alone (https://host), without a path, query "
         "or fragment"),
        ("https://ex.org#top", "the site's address alone (https://host), without a path, query "
         "or fragment"),
        ("https://me:secret@ex.org", "an address without a user name or password (https://host)"),
        ("https://ex.org:99999", "a port from 1 to 65535"),
        ("https://ex.org:0", "a port from 1 to 65535"),
        ('"https://ex.org:"', "a port from 1 to 65535"),
        ("https://", "an address with a host name such as www.example.org"),
        ("https://ex_ample.org", "an address with a host name such as www.example.org"),
        ("ftp://ex.org", "an http(s) address such as https://www.example.org"),
        ("javascript:alert(1)", "an http(s) address such as https://www.example.org"),
    ],
)  # fmt: skip
def test_a_base_url_that_is_not_a_bare_origin_is_a_located_error(value, expected):
    with pytest.raises(ContentError) as raised:
        load_site(site_with_base_url(value).encode())
    [problem] = raised.value.problems
    line = site_with_base_url(value).splitlines().index(f"  base_url: {value}") + 1
    assert problem.format("site.yaml").startswith(
        f"site.yaml:{line} site.base_url: expected {expected}, got "
    )


@pytest.mark.parametrize(
    ("value", "stored"),
    [("https://ex.org", "https://ex.org"), ("https://Ex.ORG/", "https://ex.org"),
     ("http://127.0.0.1:8000", "http://127.0.0.1:8000")],
)  # fmt: skip
def test_a_bare_origin_is_a_good_base_url(value, stored):
    assert load_site(site_with_base_url(value).encode()).settings.base_url == stored


def test_a_newline_in_base_url_never_adds_a_robots_line(seeded):
    text = site_with_base_url('"https://ex.org\\nDisallow: /"')
    runtime.s3_client().put_object(Bucket=LOCAL_BUCKET, Key="content/site.yaml", Body=text)
    runtime.reset()
    assert "Disallow" not in get("/robots.txt")


@pytest.mark.parametrize("variable", ["ACADPAGE_SITE_ORIGIN", "ACADPAGE_LOCAL_ORIGIN"])
@pytest.mark.parametrize("value", ["https://d1.cloudfront.net/api", "d1.cloudfront.net",
                                   "https://x.org:70000"])  # fmt: skip
def test_the_origin_settings_must_be_bare_origins(variable, value):
    with pytest.raises(SettingsError, match=f"^{variable}: expected "):
        load_settings({variable: value})


def test_origin_problem_accepts_bare_origins():
    assert origin_problem("https://www.example.org") == ""
    assert origin_problem("https://www.example.org:8443/") == ""


# --- media 304 -----------------------------------------------------------------------------------


def test_a_media_304_sends_the_resources_etag_not_the_clients():
    import boto3
    from botocore.stub import Stubber

    from chalicelib.aws.content_store import ContentStore
    from chalicelib.media import media_response

    s3 = boto3.client("s3", region_name="us-east-1")
    stub = Stubber(s3)
    stub.add_client_error(
        "get_object",
        service_error_code="304",
        http_status_code=304,
        response_meta={"HTTPHeaders": {"etag": '"real"'}},
        expected_params={"Bucket": "b", "Key": "media/avatar.svg", "IfNoneMatch": '"x", "real"'},
    )
    with stub:
        answer = media_response(ContentStore(s3, "b", "content/", "media/"), "avatar.svg",
                                '"x", "real"')  # fmt: skip
    assert answer.status == 304
    assert answer.headers["ETag"] == '"real"'


def test_a_media_304_through_the_app_names_the_stored_etag(client):
    etag = runtime.s3_client().head_object(Bucket=LOCAL_BUCKET, Key="media/avatar.svg")["ETag"]
    again = client.http.get("/media/avatar.svg", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
    assert io.BytesIO(again.body).read() == b""


@pytest.mark.parametrize(
    ("url", "baseurl", "expected"),
    [("https://ann.github.io", "/homepage", "https://ann.github.io"),
     ("https://ann.github.io/", "", "https://ann.github.io"),
     ("https://ann.github.io/site", "", None)],
)  # fmt: skip
def test_an_imported_site_gets_a_valid_base_url_or_none(url, baseurl, expected):
    import yaml

    from chalicelib.importers.acadhomepage import import_acadhomepage

    config = f"title: T\nurl: {url}\nbaseurl: '{baseurl}'\nauthor: {{name: Ann Lee}}\n"
    imported = import_acadhomepage("Hi.\n", config)
    load_site(imported.text.encode())  # valid as written
    assert yaml.safe_load(imported.text)["site"].get("base_url") == expected
