"""A site is a value: every key of a member's content, media and numbers comes from its SiteId,
the default site keeps today's keys, and a request reaches a member by path or by host name."""

from __future__ import annotations

import json

import pytest

from chalicelib import runtime
from chalicelib.aws.registry import RegistryError, SiteRecord, SiteRegistrar
from chalicelib.lab.hosts import member_domain
from chalicelib.lab.siteid import DEFAULT_SITE, SiteId, SiteIdError, site_keys
from chalicelib.sites import SizedCache
from tests.conftest import CITATION_TABLE, FIXTURES, LOCAL_BUCKET
from tests.test_edge_key import KEY

ALICE = SiteId("alice")
MEMBER_PAGE = """\
site:
  title: {name}'s page
profile:
  name: {name}
  avatar: face.png
sections: [about]
about: Research by {name}.
"""


@pytest.mark.parametrize(
    ("text", "shown"),
    [("", "''"), ("Alice", "'Alice'"), ("-alice", "'-alice'"), ("a_b", "'a_b'"),
     ("a" * 41, repr("a" * 41)), ("../x", "'../x'"), (7, "7")],
)  # fmt: skip
def test_a_site_id_is_a_lowercase_dns_label_and_the_error_names_the_place(text, shown):
    with pytest.raises(SiteIdError) as raised:
        SiteId.parse(text, "lab.yaml:4 members[0].site")
    assert str(raised.value) == (
        "lab.yaml:4 members[0].site: expected 1 to 40 lowercase letters, digits or '-', "
        f"not starting or ending with '-', got {shown}"
    )


def test_the_default_site_is_no_member():
    with pytest.raises(SiteIdError, match="'default' is the deployment's own site"):
        SiteId.member("default", "--site")


def test_the_default_site_keeps_todays_keys_and_a_member_lives_under_its_own_prefix():
    default = site_keys(DEFAULT_SITE)
    assert (default.content_prefix, default.media_prefix, default.stats_prefix) == (
        "content/", "media/", "stats/")  # fmt: skip
    assert default.citation_partition("DhtAFkwAAAAJ") == "PROFILE#DhtAFkwAAAAJ"
    alice = site_keys(ALICE)
    assert (alice.content_prefix, alice.media_prefix, alice.stats_prefix) == (
        "sites/alice/content/", "sites/alice/media/", "sites/alice/stats/")  # fmt: skip
    assert alice.citation_partition("DhtAFkwAAAAJ") == "SITE#alice#PROFILE#DhtAFkwAAAAJ"


def test_the_registry_keeps_sites_and_hosts_and_refuses_a_taken_host(dynamodb):
    registry = SiteRegistrar(dynamodb, CITATION_TABLE)
    registry.register(SiteRecord(ALICE, ("alice.example.org",), scholar_id="DhtAFkwAAAAJ"))
    registry.register(SiteRecord(SiteId("bob")))
    assert [record.site.name for record in registry.sites()] == ["alice", "bob"]
    assert registry.site_for_host("alice.example.org") == ALICE
    with pytest.raises(RegistryError) as raised:
        registry.register(SiteRecord(SiteId("bob"), ("alice.example.org",)))
    assert str(raised.value) == "host alice.example.org: already the address of site alice"
    registry.register(SiteRecord(ALICE, ("www.alice.example.org",)))  # a moved host is released
    assert registry.site_for_host("alice.example.org") is None
    registry.unregister(ALICE)
    assert registry.get(ALICE) is None and registry.site_for_host("www.alice.example.org") is None


def test_a_sized_cache_drops_the_least_recently_used_to_stay_within_its_bytes():
    built = []
    cache = SizedCache(lambda key: built.append(key) or [key], lambda value: 40, max_bytes=100)
    for key in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" arrives
        cache.get(key)
    assert len(cache) == 2 and cache.resident_bytes == 80
    cache.get("b")
    assert built == ["a", "b", "c", "b"]


def test_a_value_that_grows_is_weighed_again(monkeypatch):
    sizes = {"a": 10, "b": 10}
    cache = SizedCache(lambda key: key, sizes.__getitem__, max_bytes=100)
    cache.get("a")
    sizes["a"] = 95  # its page service rendered pages since
    cache.get("b")
    assert len(cache) == 1 and cache.resident_bytes == 10


@pytest.fixture
def lab(seeded, monkeypatch):
    """The example site as the default one, and member alice with her own page and numbers."""
    monkeypatch.setenv("ACADPAGE_EDGE_KEY", KEY)
    monkeypatch.setenv("ACADPAGE_MEMBER_HOSTS", "*.lab.example.org,alice.example.com")
    runtime.reset()
    s3 = runtime.s3_client()
    s3.put_object(Bucket=LOCAL_BUCKET, Key="sites/alice/content/site.yaml",
                  Body=MEMBER_PAGE.format(name="Alice").encode())  # fmt: skip
    s3.put_object(Bucket=LOCAL_BUCKET, Key="sites/alice/media/face.png", Body=b"\x89PNG alice",
                  ContentType="image/png")  # fmt: skip
    SiteRegistrar(runtime.dynamodb_client(), runtime.settings().table).register(
        SiteRecord(ALICE, ("alice.example.com",), scholar_id="AAAAAAAAAAAA")
    )
    return runtime.settings()


def get(path: str, headers: dict | None = None):
    from chalice.test import Client

    from app import app
    from tests.conftest import ROOT

    with Client(app, stage_name="local", project_dir=str(ROOT)) as client:
        return client.http.get(path, headers=headers or {})


def edge(host: str) -> dict:
    """What the CloudFront Function sends for a viewer who asked for `host`."""
    return {"x-acadpage-site-origin": f"https://{host}", "x-acadpage-edge-key": KEY}


def test_a_member_is_served_under_people_on_the_labs_own_host(lab):
    page = get("/people/alice").body.decode()
    assert "Alice&#39;s page" in page or "Alice's page" in page
    assert 'src="/people/alice/media/face.png"' in page
    assert get("/people/alice/media/face.png", {"accept": "image/png"}).body == b"\x89PNG alice"
    assert "Lorem ipsum" in get("/").body.decode()  # the default site is untouched


@pytest.mark.parametrize(
    "path",
    ["/people/bob", "/people/Alice", "/people/default", "/people/bob/media/face.png",
     "/people/bob/gs_data.json"],
)  # fmt: skip
def test_a_site_that_is_not_registered_is_a_404_that_reads_no_content(lab, path):
    assert get(path).status_code == 404


@pytest.mark.parametrize("host", ["alice.example.com", "alice.lab.example.org"])
def test_a_members_host_through_the_distribution_serves_their_page(lab, host):
    page = get("/", edge(host)).body.decode()
    assert "Research by Alice." in page
    assert f'<link rel="canonical" href="https://{host}/">' in page
    # behind the distribution /media/* is the lab's own bucket prefix: a member's come from theirs
    assert 'src="/people/alice/media/face.png"' in page
    assert get("/media/face.png", {**edge(host), "accept": "image/png"}).body == b"\x89PNG alice"


def test_the_host_is_believed_only_inside_the_keyed_edge_header(lab):
    forged = {"host": "alice.example.com", "x-forwarded-host": "alice.example.com"}
    assert "Lorem ipsum" in get("/", forged).body.decode()
    unkeyed = {"x-acadpage-site-origin": "https://alice.example.com"}
    assert "Lorem ipsum" in get("/", unkeyed).body.decode()


def test_a_label_under_the_site_domain_that_is_no_member_is_a_404(lab):
    assert get("/", edge("carol.lab.example.org")).status_code == 404
    assert "Lorem ipsum" in get("/", edge("lab.example.org")).body.decode()


def test_members_numbers_are_their_own(lab):
    from chalicelib.citations.gs_data import snapshot_from_gs_data

    document = json.loads((FIXTURES / "gs_data.json").read_text())
    snapshot = snapshot_from_gs_data(document, "AAAAAAAAAAAA")
    assert runtime.citation_store(ALICE).save_snapshot(snapshot)
    keys = {item["pk"]["S"] for item in runtime.dynamodb_client().scan(
        TableName=lab.table)["Items"]}  # fmt: skip
    assert "SITE#alice#PROFILE#AAAAAAAAAAAA" in keys
    assert "PROFILE#AAAAAAAAAAAA" not in keys
    alice = json.loads(get("/people/alice/gs_data.json").body)
    assert alice["citedby"] == document["citedby"]
    assert json.loads(get("/gs_data.json", edge("alice.example.com")).body) == alice
    assert get("/people/alice/badge/citations.svg").status_code == 200


def test_a_members_address_with_a_final_slash_is_their_page(lab):
    assert "Research by Alice." in get("/people/alice/").body.decode()


def test_a_registry_that_cannot_be_read_answers_503_not_another_site(lab, monkeypatch):
    from botocore.exceptions import ClientError

    def fails(**_):
        raise ClientError({"Error": {"Code": "InternalServerError"}}, "GetItem")

    monkeypatch.setattr(runtime.dynamodb_client(), "get_item", fails)
    for path, headers in (("/people/alice", {}), ("/", edge("alice.example.com"))):
        answer = get(path, headers)
        assert answer.status_code == 503 and b"cannot be looked up" in answer.body


def test_a_registry_answer_already_known_outlives_a_failed_lookup(lab, monkeypatch):
    from botocore.exceptions import ClientError

    assert get("/people/alice").status_code == 200
    directory = runtime.site_directory()
    start = directory.record.clock()
    directory.record.clock = lambda: start + 3600

    def fails(**_):
        raise ClientError({"Error": {"Code": "InternalServerError"}}, "GetItem")

    monkeypatch.setattr(runtime.dynamodb_client(), "get_item", fails)
    assert get("/people/alice").status_code == 200


@pytest.mark.parametrize(
    ("profiles", "key"),
    [({"scholar_id": "AAAAAAAAAAAA", "openalex_id": "A5023888391"}, "AAAAAAAAAAAA"),
     ({"openalex_id": "A5023888391", "orcid": "0000-0002-1825-0097"}, "A5023888391"),
     ({"orcid": "0000-0002-1825-0097"}, "0000-0002-1825-0097"), ({}, "default")],
)  # fmt: skip
def test_a_members_numbers_have_one_key_for_the_page_and_the_refresh(lab, profiles, key):
    SiteRegistrar(runtime.dynamodb_client(), lab.table).register(
        SiteRecord(SiteId("ben"), **profiles)
    )
    runtime.reset()
    ben = SiteId("ben")
    assert runtime.site_settings(ben).profile_id == key == runtime.site_profile(ben)


@pytest.mark.parametrize(
    ("hosts", "domain"),
    [("*.lab.example.org,alice.example.com", "lab.example.org"),
     ("alice.example.com", ""), ("", ""), ("*.Lab.Example.org.", "lab.example.org")],
)  # fmt: skip
def test_the_site_domain_is_the_wildcard_of_the_member_host_names(hosts, domain):
    from chalicelib.settings import load_settings

    assert member_domain(load_settings({"ACADPAGE_MEMBER_HOSTS": hosts}).member_hosts) == domain


def test_a_member_host_name_that_is_none_is_named():
    from chalicelib.settings import SettingsError, load_settings

    with pytest.raises(SettingsError) as raised:
        load_settings({"ACADPAGE_MEMBER_HOSTS": "*.lab.example.org,https://x"})
    assert str(raised.value) == (
        "ACADPAGE_MEMBER_HOSTS: expected host names such as *.lab.example.org or "
        "alice.example.org, got 'https://x'"
    )


def test_a_member_asked_for_before_they_existed_is_live_one_content_ttl_after_push(lab):
    # the worst case of "a new member is live within 60 s": a container that answered 404 for
    # them, and read their missing page, just before `site add` and `push`
    assert get("/people/zoe").status_code == 404
    SiteRegistrar(runtime.dynamodb_client(), lab.table).register(SiteRecord(SiteId("zoe")))
    runtime.s3_client().put_object(Bucket=LOCAL_BUCKET, Key="sites/zoe/content/site.yaml",
                                   Body=MEMBER_PAGE.format(name="Zoe").encode())  # fmt: skip
    directory = runtime.site_directory()
    start = directory.record.clock()
    directory.record.clock = lambda: start + lab.content_ttl_s - 0.5
    assert get("/people/zoe").status_code == 404  # still the remembered answer
    directory.record.clock = lambda: start + lab.content_ttl_s
    assert "Research by Zoe." in get("/people/zoe").body.decode()
    assert lab.content_ttl_s <= 10
