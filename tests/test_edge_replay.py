"""Every route through the packaged stack's distribution, replayed as AWS would serve it
(tests/edge_replay.py): a browser's own Accept headers, the policies' forwarding, API Gateway's
binary rule, and images read from the bucket through Origin Access Control after `push`."""

from __future__ import annotations

import copy
import json
import shutil

import boto3
import pytest

from chalicelib import runtime
from chalicelib.aws.edge import MEDIA_CACHE_CONTROL
from chalicelib.cli import main
from tests.conftest import EXAMPLES, ROOT
from tests.edge_replay import (
    ACCOUNT,
    BROWSER_IMAGE_ACCEPT,
    BROWSER_PAGE_ACCEPT,
    DISTRIBUTION_DOMAIN,
    Distribution,
    resolve,
    stack_names,
)
from tests.packaging import PACKAGED_PROFILE, functions

pytestmark = pytest.mark.skipif(not shutil.which("node"), reason="needs node (Debian's nodejs)")

BUCKET = "acadpage-prod-contentbucket-1a2b3c"
TABLE = "acadpage-prod-CitationTable-1A2B3C"
SITE = f"https://{DISTRIBUTION_DOMAIN}"
# A few bytes of each kind, as `init` or a user saves a photo.
IMAGES = {
    "avatar.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)),
    "avatar.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "avatar.webp": b"RIFF\x24\x01\x00\x00WEBPVP8 " + bytes(range(256)),
    "favicon.ico": b"\x00\x00\x01\x00\x01\x00\x10\x10" + bytes(range(256)),
}


def page_environment(template: dict) -> dict[str, str]:
    """The page function's environment as the deployed stack resolves it."""
    names = {**stack_names(template, BUCKET), "CitationTable": TABLE}
    variables = functions(template)["APIHandler"]["Properties"]["Environment"]["Variables"]
    return {name: str(value) for name, value in resolve(variables, names).items()}


def push(project, site_file) -> None:
    argv = ["push", str(site_file), "--stage", "prod", "--project-dir", str(project)]
    assert main(argv) == 0


@pytest.fixture(scope="module")
def edge(template, expanded, tmp_path_factory):
    """The stack's distribution in front of the page function, after `push` of a site whose
    photo, favicon and paper image are a JPEG, PNG, WebP, ICO and SVG (one embedded AWS for the
    module: the requests only read it)."""
    from moto import mock_aws

    with mock_aws(), pytest.MonkeyPatch.context() as monkeypatch:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            monkeypatch.setenv(name, "testing")
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        for name, value in page_environment(template).items():
            monkeypatch.setenv(name, value)
        yield pushed_site(template, expanded, tmp_path_factory.mktemp("edge"))
    runtime.reset()


def pushed_site(template: dict, expanded: dict, tmp_path) -> Distribution:
    """The stack's bucket and table, the example's numbers, and the site pushed three times."""
    from app import app as page_function
    from chalicelib.aws.embedded import seed_embedded_aws
    from chalicelib.citations.store import create_table

    runtime.reset()
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    create_table(boto3.client("dynamodb"), TABLE)
    seed_embedded_aws(runtime.settings(), s3, boto3.client("dynamodb"), EXAMPLES)
    s3.delete_objects(
        Bucket=BUCKET,
        Delete={
            "Objects": [
                {"Key": o["Key"]}
                for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="media/")["Contents"]
            ]
        },
    )
    project = tmp_path / "project"
    (project / ".chalice").mkdir(parents=True)
    shutil.copy(ROOT / ".chalice" / "config.json", project / ".chalice" / "config.json")
    (project / ".acadpage").mkdir()
    record = {"bucket": BUCKET, "table": TABLE, "region": "us-east-1", "profile": PACKAGED_PROFILE}
    (project / ".acadpage" / "prod.json").write_text(json.dumps(record))
    site = tmp_path / "site"
    shutil.copytree(EXAMPLES, site)
    for name, body in IMAGES.items():
        (site / "media" / name).write_bytes(body)
    text = (site / "site.yaml").read_text().replace("favicon: favicon.svg", "favicon: favicon.ico")
    # no base_url: the page takes its address from the distribution's header
    text = text.replace("  base_url: https://lorem-ipsum.example.org\n", "")
    for photo in ("avatar.png", "avatar.webp", "avatar.jpg"):  # each push adds one image
        (site / "site.yaml").write_text(text.replace("avatar: avatar.svg", f"avatar: {photo}"))
        push(project, site / "site.yaml")
    runtime.reset()
    return Distribution(template, expanded, BUCKET, s3, page_function)


@pytest.mark.parametrize(
    ("path", "accept", "content_type"),
    [
        ("/", BROWSER_PAGE_ACCEPT, "text/html; charset=utf-8"),
        ("/zh", BROWSER_PAGE_ACCEPT, "text/html; charset=utf-8"),
        ("/badge/citations.json", "*/*", "application/json"),
        ("/badge/h-index.svg", BROWSER_IMAGE_ACCEPT, "image/svg+xml"),
        ("/gs_data.json", "*/*", "application/json"),
        ("/gs_data_shieldsio.json", "*/*", "application/json"),
        ("/google-scholar-stats/gs_data.json", "*/*", "application/json"),
        ("/status.json", "application/json", "application/json"),
        ("/sitemap.xml", "*/*", "application/xml; charset=utf-8"),
        ("/feed.xml", "*/*", "application/atom+xml; charset=utf-8"),
        ("/robots.txt", "*/*", "text/plain; charset=utf-8"),
    ],
)
def test_the_pages_and_documents_come_from_the_api_with_the_sites_address(
    edge, path, accept, content_type
):
    answer = edge.request("GET", path, {"Accept": accept, "Accept-Encoding": "gzip, br"})

    assert (answer.status, answer.origin) == (200, "api"), answer.body[:300]
    assert answer.headers["content-type"].startswith(content_type)
    assert answer.forwarded["x-acadpage-site-origin"] == SITE
    assert "host" not in answer.forwarded
    assert answer.headers["strict-transport-security"].startswith("max-age=")
    if path in ("/", "/sitemap.xml", "/robots.txt"):
        assert f"{SITE}/" in answer.body.decode()


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("avatar.jpg", "image/jpeg"),
        ("avatar.png", "image/png"),
        ("avatar.webp", "image/webp"),
        ("favicon.ico", "image/x-icon"),
        ("500x300.svg", "image/svg+xml"),
    ],
)
def test_a_pushed_image_is_served_from_the_bucket_with_its_bytes_and_type(edge, name, content_type):
    answer = edge.request("GET", f"/media/{name}", {"Accept": BROWSER_IMAGE_ACCEPT})

    assert (answer.status, answer.origin) == (200, "s3"), answer.body[:200]
    assert answer.body == (IMAGES.get(name) or (EXAMPLES / "media" / name).read_bytes())
    assert answer.headers["content-type"] == content_type
    assert answer.headers["cache-control"] == MEDIA_CACHE_CONTROL
    assert answer.forwarded == {}  # nothing of the viewer's reaches the bucket
    # as the app's own media route: no sniffing, and an SVG opened alone runs nothing
    import app

    assert answer.headers["content-security-policy"] == app.MEDIA_POLICY
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_the_page_shows_the_pushed_photo_and_its_address_is_served(edge):
    html = edge.request("GET", "/", {"Accept": BROWSER_PAGE_ACCEPT}).body.decode()

    assert 'src="/media/avatar.jpg"' in html
    assert edge.request("GET", "/media/avatar.jpg", {"Accept": BROWSER_IMAGE_ACCEPT}).status == 200


def test_the_favicon_redirects_to_the_image_the_bucket_serves(edge):
    answer = edge.request("GET", "/favicon.ico", {"Accept": BROWSER_IMAGE_ACCEPT})
    assert answer.status == 302
    target = edge.request("GET", answer.headers["location"], {"Accept": BROWSER_IMAGE_ACCEPT})
    assert (target.status, target.headers["content-type"]) == (200, "image/x-icon")


@pytest.mark.parametrize(
    ("path", "status", "origin"),
    [
        ("/xx", 404, "api"),  # no such language
        ("/papers/nothing", 404, "api"),
        ("/a/b/c/d", 404, "api"),  # no route: API Gateway's own answer, made a 404
        ("/media/missing.png", 403, "s3"),  # the bucket lets no one list it
    ],
)
def test_unknown_paths_are_refused(edge, path, status, origin):
    answer = edge.request("GET", path, {"Accept": BROWSER_PAGE_ACCEPT})
    assert (answer.status, answer.origin) == (status, origin)


def test_a_revalidation_gets_304_and_head_gets_no_body(edge):
    first = edge.request("GET", "/", {"Accept": BROWSER_PAGE_ACCEPT})
    again = edge.request(
        "GET", "/", {"Accept": BROWSER_PAGE_ACCEPT, "If-None-Match": first.headers["etag"]}
    )
    assert (again.status, again.body) == (304, b"")
    head = edge.request("HEAD", "/", {"Accept": BROWSER_PAGE_ACCEPT})
    assert (head.status, head.body) == (200, b"")
    image = edge.request("HEAD", "/media/avatar.png", {"Accept": BROWSER_IMAGE_ACCEPT})
    assert (image.status, image.body, image.headers["content-type"]) == (200, b"", "image/png")


def test_the_bucket_lets_this_distribution_read_media_and_nothing_else(edge):
    assert edge.bucket_policy_allows("s3:GetObject", "media/avatar.png")
    for key in ("content/site.yaml", "stats/gs_data.json", "media", "history/x"):
        assert not edge.bucket_policy_allows("s3:GetObject", key), key
    assert not edge.bucket_policy_allows("s3:PutObject", "media/avatar.png")
    assert not edge.bucket_policy_allows("s3:ListBucket", "")
    other = f"arn:aws:cloudfront::{ACCOUNT}:distribution/EOTHERDISTRIB"
    assert not edge.bucket_policy_allows("s3:GetObject", "media/avatar.png", other)


def test_images_through_the_api_would_fail_as_the_issue_saw(edge, template, expanded):
    # The same deployment without the /media/* behaviour: CloudFront drops Accept, and the app
    # refuses a binary answer to a request without it. The replay reproduces the bug it guards.
    old = copy.deepcopy(template)
    config = old["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    config.pop("CacheBehaviors")
    replayed = Distribution(old, expanded, BUCKET, edge.s3, edge.page_handler)

    answer = replayed.request("GET", "/media/avatar.png", {"Accept": BROWSER_IMAGE_ACCEPT})

    assert (answer.status, answer.origin) == (400, "api")
    assert b"Accept header" in answer.body
