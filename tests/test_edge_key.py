"""Through the distribution, the page learns its public address from CloudFront's header, which
it believes only with the stack's edge key: a request straight to API Gateway cannot forge it."""

from __future__ import annotations

import logging

import pytest

from chalicelib import runtime
from chalicelib.homepage import SiteAddress, from_the_edge, request_address
from chalicelib.settings import Settings, SettingsError, load_settings
from tests.test_addresses import (  # noqa: F401 (no_base_url is a fixture)
    API_DOMAIN,
    ATOM,
    CANONICAL,
    DISTRIBUTION,
    EVIL,
    FORGED,
    OG_URL,
    every_address_document,
    no_base_url,
    sitemap_locations,
)

# the last part of the stack's id, as the stack gives it to the page and the CloudFront Function
KEY = "51af3dc0-da77-11e4-872e-1234567db123"
CUSTOM = "https://www.example.org"


def through_the_edge(origin: str = DISTRIBUTION, key: str = KEY) -> dict:
    """The headers the CloudFront Function adds, over those a viewer forged."""
    return {**FORGED, "x-acadpage-site-origin": origin, "x-acadpage-edge-key": key}


@pytest.fixture
def keyed(request, monkeypatch):
    """The stack's page function: the edge key set, no configured origin (the cycle forbids it)."""
    request.getfixturevalue("no_base_url")
    monkeypatch.setenv("ACADPAGE_EDGE_KEY", KEY)
    monkeypatch.delenv("ACADPAGE_SITE_ORIGIN", raising=False)
    runtime.reset()


@pytest.fixture
def direct(keyed) -> dict[str, str]:
    """What the same URLs answer when asked straight at API Gateway, without any edge header."""
    return every_address_document({})


@pytest.mark.usefixtures("keyed")
@pytest.mark.parametrize("origin", [DISTRIBUTION, CUSTOM])
def test_with_the_edge_key_links_lose_the_stage_and_addresses_name_the_site(origin):
    bodies = every_address_document(through_the_edge(origin))
    assert sitemap_locations(bodies["/sitemap.xml"]) == [f"{origin}/", f"{origin}/zh"]
    assert bodies["/robots.txt"].endswith(f"Sitemap: {origin}/sitemap.xml\n")
    assert CANONICAL.findall(bodies["/"]) == [f"{origin}/"]
    assert OG_URL.findall(bodies["/zh"]) == [f"{origin}/zh"]
    assert 'src="/media/avatar.svg"' in bodies["/"] and 'href="/feed.xml"' in bodies["/"]
    assert "/api/" not in bodies["/"] and "/api/" not in bodies["/zh"]
    assert API_DOMAIN not in "".join(bodies.values())
    assert EVIL not in "".join(bodies.values())


def test_the_feed_names_itself_on_the_sites_domain(keyed):
    import xml.etree.ElementTree as ET

    from tests.test_addresses import get

    feed = ET.fromstring(get("/feed.xml", through_the_edge()))
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{DISTRIBUTION}/feed.xml"


@pytest.mark.parametrize(
    "key",
    [None, "", KEY.upper(), KEY[:-1], KEY + "0", f" {KEY}", "0" * 36, "é" * 36, "\ud800" * 36],
)
def test_without_the_right_key_the_header_is_ignored_and_the_answer_is_the_direct_one(direct, key):
    headers = through_the_edge(f"https://{EVIL}")
    if key is None:
        del headers["x-acadpage-edge-key"]
    else:
        headers["x-acadpage-edge-key"] = key
    # same bytes as a plain request: a cache keeps nothing the client chose
    assert every_address_document(headers) == direct


def test_a_forged_header_naming_the_real_site_gains_nothing_without_the_key(direct):
    assert every_address_document(through_the_edge(key="forged")) == direct
    assert f"https://{API_DOMAIN}/api/" in direct["/"]


@pytest.mark.parametrize(
    ("origin", "problem"),
    [
        (f"https://{EVIL}/path", "without a path"),
        ("https://ex.org\nDisallow: /", "without spaces or control characters"),
        ("javascript:alert(1)", "an http(s) address"),
        ("https://ex.org:99999", "a port from 1 to 65535"),
        ("https://me@ex.org", "without a user name"),
        ("", "an http(s) address"),
    ],
)
def test_a_bad_origin_with_the_right_key_is_logged_and_never_used(direct, caplog, origin, problem):
    with caplog.at_level(logging.ERROR, logger="acadpage"):
        assert every_address_document(through_the_edge(origin)) == direct
    logged = [r.getMessage() for r in caplog.records if "edge_origin_ignored" in r.getMessage()]
    assert logged and all(problem in line for line in logged)


def test_the_configured_origin_still_counts_without_a_key(keyed, monkeypatch):
    # `chalice deploy` behind a CDN of one's own: ACADPAGE_SITE_ORIGIN, matched exactly
    monkeypatch.setenv("ACADPAGE_SITE_ORIGIN", CUSTOM)
    runtime.reset()
    bodies = every_address_document({"x-acadpage-site-origin": CUSTOM})
    assert CANONICAL.findall(bodies["/"]) == [f"{CUSTOM}/"]


def test_without_a_configured_key_no_key_is_right(keyed, monkeypatch):
    monkeypatch.delenv("ACADPAGE_EDGE_KEY")
    runtime.reset()
    for key in ("", KEY):
        bodies = every_address_document(through_the_edge(key=key))
        assert CANONICAL.findall(bodies["/"]) == [f"https://{API_DOMAIN}/api/"]


@pytest.mark.parametrize(
    ("header", "key", "expected"),
    [
        (DISTRIBUTION, KEY, SiteAddress(DISTRIBUTION, "")),
        (DISTRIBUTION.upper() + "/", KEY, SiteAddress(DISTRIBUTION, "")),
        (f" {CUSTOM} ", KEY, SiteAddress(CUSTOM, "")),
        (DISTRIBUTION, "wrong", SiteAddress(f"https://{API_DOMAIN}", "/api")),
        (DISTRIBUTION, None, SiteAddress(f"https://{API_DOMAIN}", "/api")),
        (None, KEY, SiteAddress(f"https://{API_DOMAIN}", "/api")),
        (DISTRIBUTION + "/x", KEY, SiteAddress(f"https://{API_DOMAIN}", "/api")),
    ],
)  # fmt: skip
def test_request_address_with_the_edge_key(header, key, expected):
    settings = Settings(edge_key=KEY)
    context = {"path": "/api/zh", "domainName": API_DOMAIN}
    assert request_address(settings, header, context, "/zh", key) == expected


def test_the_key_is_compared_in_constant_time(monkeypatch):
    import hmac

    compared, real = [], hmac.compare_digest

    def compare_digest(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr("chalicelib.homepage.hmac.compare_digest", compare_digest)
    assert from_the_edge(Settings(edge_key=KEY), KEY) is True
    assert from_the_edge(Settings(edge_key=KEY), "x" * 36) is False
    assert compared == [(KEY.encode(), KEY.encode()), (b"x" * 36, KEY.encode())]


# --- the setting ---------------------------------------------------------------------------------


def test_the_stacks_id_is_a_good_edge_key():
    assert load_settings({"ACADPAGE_EDGE_KEY": KEY}).edge_key == KEY


@pytest.mark.parametrize(
    ("value", "got"),
    [
        ("short-key", "got 9 characters"),
        ("k" * 257, "got 257 characters"),
        ("secret key with spaces inside of it", "got other characters"),
        ("s3cr3t:" + "x" * 30, "got other characters"),
    ],
)
def test_a_bad_edge_key_is_a_settings_error_that_never_shows_it(value, got):
    with pytest.raises(SettingsError) as raised:
        load_settings({"ACADPAGE_EDGE_KEY": value})
    message = str(raised.value)
    assert message.startswith("ACADPAGE_EDGE_KEY: expected 32 to 256 letters, digits")
    assert message.endswith(got)
    assert value not in message


def test_the_edge_key_stays_out_of_the_settings_repr():
    assert KEY not in repr(load_settings({"ACADPAGE_EDGE_KEY": KEY}))


def test_the_deploy_guide_says_how_the_origin_learns_its_address_and_why_it_holds():
    import app
    from tests.conftest import ROOT

    guide = (ROOT / "docs" / "deploy.md").read_text()
    section = guide.split("## At the edge")[1].split("\n## ")[0]
    for name in (app.EDGE_HEADER, app.EDGE_KEY_HEADER, "ACADPAGE_EDGE_KEY", "edge_origin_ignored"):
        assert f"`{name}" in section, name
    assert "**Why the address cannot be forged.**" in section
    assert "API Gateway has no cache in this stack" in section
