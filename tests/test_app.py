"""The page routes through the real Chalice app, over an embedded AWS seeded with the example."""

from __future__ import annotations

import logging

import pytest

from chalicelib import runtime
from chalicelib.homepage import base_path_of
from tests.conftest import EXAMPLES, LOCAL_BUCKET

CONTENT_KEY = "content/site.yaml"


def put_content(name: str, body: bytes) -> None:
    runtime.s3_client().put_object(Bucket=LOCAL_BUCKET, Key=f"content/{name}", Body=body)


def expire_content_cache() -> None:
    """Move the page service's clock past the content TTL."""
    homepage = runtime.homepage()
    start = homepage.clock()
    homepage.clock = lambda: start + homepage.content_ttl_s + homepage.citation_ttl_s + 1


def test_home_page_shows_every_seed_section(client):
    response = client.http.get("/")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    html = response.body.decode()
    for anchor in ("about-me", "news", "publications", "honors-and-awards", "educations",
                   "invited-talks", "internships"):  # fmt: skip
        assert f'<section id="{anchor}"' in html
        assert f'href="#{anchor}"' in html  # listed in the top navigation bar
    assert '<aside class="sidebar"' in html and "Lorem ipsum College" in html
    assert '<article class="paper-box">' in html and '<div class="badge">CVPR 2016</div>' in html
    assert "<strong>Kaiming He</strong>, Xiangyu Zhang" in html
    assert html.count("Lorem ipsum dolor sit amet") >= 10


def test_page_carries_cache_headers_and_answers_304(client):
    first = client.http.get("/")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert first.headers["Cache-Control"] == (
        "public, max-age=60, s-maxage=300, stale-while-revalidate=86400"
    )
    again = client.http.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.body == b""
    assert again.headers["ETag"] == etag


def test_head_answers_headers_without_body(client):
    response = client.http.request("HEAD", "/")
    assert response.status_code == 200 and response.body == b""
    assert response.headers["ETag"] == client.http.get("/").headers["ETag"]


@pytest.mark.parametrize("path", ["/about", "/about/", "/about.html"])
def test_old_about_addresses_redirect_home(client, path):
    response = client.http.get(path)
    assert response.status_code == 301 and response.headers["Location"] == "/"


@pytest.mark.parametrize("path", ["/fr", "/nothing/here", "/zh-HANS-CN-x"])
def test_unknown_addresses_get_a_404_page(client, path):
    response = client.http.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"There is no page at this address." in response.body


def test_default_language_is_served_at_root_and_its_code(client):
    assert client.http.get("/en").body == client.http.get("/").body


def test_translation_is_served_at_its_language(client):
    zh = (EXAMPLES / "site.yaml").read_text().replace("language: en", "language: zh")
    put_content("site.zh.yaml", zh.replace("Lorem ipsum College", "洛伦大学").encode())
    response = client.http.get("/zh")
    assert response.status_code == 200
    html = response.body.decode()
    assert '<html lang="zh">' in html and "洛伦大学" in html
    assert '<link rel="alternate" hreflang="en" href="https://lorem-ipsum.example.org/">' in html


def test_editing_content_in_s3_changes_the_page_after_the_ttl(client):
    before = client.http.get("/").body.decode()
    edited = (EXAMPLES / "site.yaml").read_text().replace("Lorem ipsum College", "Edited College")
    put_content("site.yaml", edited.encode())
    assert client.http.get("/").body.decode() == before  # inside the TTL: the cached page
    expire_content_cache()
    assert "Edited College" in client.http.get("/").body.decode()


def test_bad_content_keeps_the_last_good_page_and_logs(client, caplog):
    good = client.http.get("/").body
    put_content("site.yaml", b"site:\n  title: [broken\n")
    expire_content_cache()
    with caplog.at_level(logging.ERROR, logger="acadpage"):
        response = client.http.get("/")
    assert response.status_code == 200 and response.body == good
    assert '"event": "content_invalid"' in caplog.text
    assert "site.yaml:2: YAML syntax error" in caplog.text


def test_never_good_content_answers_503_with_a_plain_reason(client):
    put_content("site.yaml", b"site:\n  title: T\nprofile:\n  name: N\n  year: x\n")
    response = client.http.get("/")
    assert response.status_code == 503
    html = response.body.decode()
    assert "site.yaml:5 profile.year: unknown field" in html
    assert "Traceback" not in html


def test_missing_content_answers_503(client):
    runtime.s3_client().delete_object(Bucket=LOCAL_BUCKET, Key=CONTENT_KEY)
    response = client.http.get("/")
    assert response.status_code == 503
    assert b"No content has been published yet: site.yaml is missing." in response.body


def test_missing_bucket_answers_503(client, monkeypatch):
    s3 = runtime.s3_client()
    for item in s3.list_objects_v2(Bucket=LOCAL_BUCKET)["Contents"]:
        s3.delete_object(Bucket=LOCAL_BUCKET, Key=item["Key"])
    s3.delete_bucket(Bucket=LOCAL_BUCKET)
    response = client.http.get("/")
    assert response.status_code == 503 and b"is missing" in response.body


def test_thousand_requests_in_one_ttl_make_one_s3_and_one_dynamodb_call(client):
    calls = {"s3": 0, "dynamodb": 0}

    def count(service):
        def hook(**_):
            calls[service] += 1

        return hook

    runtime.s3_client().meta.events.register("before-call.s3.*", count("s3"))
    runtime.dynamodb_client().meta.events.register("before-call.dynamodb.*", count("dynamodb"))
    homepage = runtime.homepage()
    homepage.clock = lambda: 1000.0  # every request falls inside one TTL window
    for _ in range(1000):
        assert client.http.get("/").status_code == 200
    assert calls["s3"] == 1
    assert calls["dynamodb"] <= 1


def test_media_is_served_with_its_content_type(client):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    runtime.s3_client().put_object(Bucket=LOCAL_BUCKET, Key="media/photo.png", Body=png)
    response = client.http.get("/media/photo.png", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png" and response.body == png
    svg = client.http.get("/media/avatar.svg", headers={"Accept": "*/*"})
    assert svg.headers["Content-Type"] == "image/svg+xml" and svg.body.startswith(b"<svg")
    assert "sandbox" in svg.headers["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["missing.png", "script.js", "..%2Fcontent%2Fsite.yaml", "x"])
def test_media_outside_the_image_files_is_404(client, name):
    assert client.http.get(f"/media/{name}").status_code == 404


@pytest.mark.parametrize(
    ("public_path", "route_path", "prefix"),
    [
        ("/api/", "/", "/api"),  # execute-api address, stage "api"
        ("/api/zh", "/zh", "/api"),
        ("/", "/", ""),  # custom domain, no base path
        ("/home/zh", "/zh", "/home"),  # custom domain with a base path mapping
        ("/zh", None, ""),  # chalice local
    ],
)
def test_base_path_is_what_api_gateway_put_before_the_route(public_path, route_path, prefix):
    assert base_path_of(public_path, route_path) == prefix


def test_links_carry_the_base_path(seeded):
    html = runtime.homepage().page(None, base_path="/api").body
    assert 'src="/api/media/avatar.svg"' in html


def test_a_translation_follows_changes_of_the_default_file(client):
    assert "https://lorem-ipsum.example.org/" in client.http.get("/zh").body.decode()
    moved = (EXAMPLES / "site.yaml").read_text().replace("lorem-ipsum.example.org", "moved.example")
    put_content("site.yaml", moved.encode())
    expire_content_cache()
    html = client.http.get("/zh").body.decode()
    assert '<link rel="alternate" hreflang="en" href="https://moved.example/">' in html
