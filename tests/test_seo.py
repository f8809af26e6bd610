"""What search engines and feed readers get: metadata, JSON-LD, sitemap, robots.txt, Atom feed."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from chalicelib import runtime
from chalicelib.site import seo
from chalicelib.site.content import load_site
from chalicelib.site.render import Alternate, render_home_page
from tests.conftest import EXAMPLES, LOCAL_BUCKET

BASE_URL = "https://lorem-ipsum.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def example_text() -> str:
    return (EXAMPLES / "site.yaml").read_text(encoding="utf-8")


def example_site(text: str | None = None):
    return load_site((text or example_text()).encode())


def put_content(name: str, text: str) -> None:
    runtime.s3_client().put_object(Bucket=LOCAL_BUCKET, Key=f"content/{name}", Body=text.encode())


def graph_of(html: str) -> list[dict]:
    scripts = JSON_LD.findall(html)
    assert len(scripts) == 1
    return json.loads(scripts[0])["@graph"]


# --- JSON-LD --------------------------------------------------------------------------------


def test_structured_data_describes_the_owner_with_profile_links_as_same_as():
    graph = seo.structured_data(example_site(), f"{BASE_URL}/")["@graph"]
    page, person = graph[0], graph[1]
    assert page == {
        "@type": "ProfilePage",
        "name": "Lorem ipsum",
        "inLanguage": "en",
        "mainEntity": {"@id": f"{BASE_URL}/#person"},
        "url": f"{BASE_URL}/",
        "description": "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Vivamus ornare "
        "aliquet ipsum, ac tempus justo dapibus sit amet.",
    }
    assert person["@type"] == "Person" and person["@id"] == f"{BASE_URL}/#person"
    assert person["name"] == "Lorem ipsum"
    assert person["image"] == f"{BASE_URL}/media/avatar.svg"
    assert person["address"] == "Beijing, China"
    assert person["email"] == "mailto:Lorem@ipsum.com"
    assert person["sameAs"] == [
        "https://github.com/lorem-ipsum",
        "https://orcid.org/0000-0002-1825-0097",
        "https://scholar.google.com/citations?user=DhtAFkwAAAAJ",
    ]


def test_structured_data_has_a_scholarly_article_per_publication_with_the_owner_by_id():
    graph = seo.structured_data(example_site(), f"{BASE_URL}/")["@graph"]
    articles = [node for node in graph if node["@type"] == "ScholarlyArticle"]
    assert len(articles) == 2
    resnet = articles[0]
    assert resnet["headline"] == "Deep Residual Learning for Image Recognition"
    assert resnet["author"][0] == {"@id": f"{BASE_URL}/#person"}  # Kaiming He is the owner
    assert resnet["author"][1] == {"@type": "Person", "name": "Xiangyu Zhang"}
    assert resnet["datePublished"] == "2016"
    assert resnet["isPartOf"] == {"@type": "CreativeWork", "name": "CVPR 2016"}
    assert resnet["url"].startswith("https://openaccess.thecvf.com/")
    assert resnet["image"] == f"{BASE_URL}/media/500x300.svg"
    assert articles[1]["datePublished"] == "2020"


def test_structured_data_without_base_url_leaves_out_addresses_it_cannot_make_absolute():
    site = example_site(example_text().replace(f"  base_url: {BASE_URL}\n", ""))
    graph = seo.structured_data(site, "")["@graph"]
    person = graph[1]
    assert person["@id"] == "#person" and "url" not in person and "image" not in person
    assert "url" not in graph[0]


def test_script_json_cannot_close_its_script_element_and_reads_back_the_same():
    data = {"name": "</script><script>alert(1)</script> & <!-- \u2028"}
    text = seo.script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert "\\u003c/script\\u003e" in text
    assert json.loads(text) == data


def test_page_embeds_json_ld_safely_even_for_hostile_content():
    text = example_text().replace("name: Lorem ipsum", "name: Ann </script><b>x</b>", 1)
    html = render_home_page(example_site(text), None)
    assert "</script><b>" not in html
    person = graph_of(html)[1]
    assert person["name"] == "Ann </script><b>x</b>"


# --- page metadata ----------------------------------------------------------------------------


def test_page_head_has_description_canonical_open_graph_and_twitter_tags():
    html = render_home_page(example_site(), None)
    head = html.split("</head>")[0]
    for tag in (
        '<meta name="description" content="Lorem ipsum dolor sit amet,',
        f'<link rel="canonical" href="{BASE_URL}/">',
        '<meta property="og:type" content="profile">',
        '<meta property="og:title" content="Lorem ipsum">',
        f'<meta property="og:url" content="{BASE_URL}/">',
        f'<meta property="og:image" content="{BASE_URL}/media/avatar.svg">',
        '<meta property="og:locale" content="en">',
        '<meta name="twitter:card" content="summary">',
        f'<meta name="twitter:image" content="{BASE_URL}/media/avatar.svg">',
        '<link rel="alternate" type="application/atom+xml" title="Lorem ipsum: news" '
        'href="/feed.xml">',
        '<link rel="icon" href="/media/favicon.svg">',
    ):
        assert tag in head, tag


def test_translated_page_is_its_own_canonical_with_hreflang_alternates_and_x_default():
    zh = example_site(example_text().replace("language: en", "language: zh"))
    alternates = (Alternate("en", f"{BASE_URL}/"), Alternate("zh", f"{BASE_URL}/zh"))
    html = render_home_page(zh, None, alternates=alternates)
    assert f'<link rel="canonical" href="{BASE_URL}/zh">' in html
    assert '<meta property="og:locale" content="zh">' in html
    assert f'<link rel="alternate" hreflang="en" href="{BASE_URL}/">' in html
    assert f'<link rel="alternate" hreflang="zh" href="{BASE_URL}/zh">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{BASE_URL}/">' in html
    assert graph_of(html)[0]["inLanguage"] == "zh"


def test_without_base_url_the_page_names_no_absolute_address():
    site = example_site(example_text().replace(f"  base_url: {BASE_URL}\n", ""))
    html = render_home_page(site, None)
    assert 'rel="canonical"' not in html
    assert "og:url" not in html and "og:image" not in html and "twitter:image" not in html


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "en"), ("zh-CN", "zh_CN"), ("pt-BR", "pt_BR")]
)
def test_open_graph_locale_uses_an_underscore(language, expected):
    site = example_site(example_text().replace("language: en", f"language: {language}"))
    assert seo.page_seo(site, ()).locale == expected


# --- dates, roots ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2022.02", "2022-02-01T00:00:00Z"),
        ("2022-02-15", "2022-02-15T00:00:00Z"),
        ("2022/2/5", "2022-02-05T00:00:00Z"),
        ("2022", "2022-01-01T00:00:00Z"),
        ("2019.06 - 2022.04 (now)", "2019-06-01T00:00:00Z"),
        ("Feb 2022", "2022-02-01T00:00:00Z"),
        ("September, 2021", "2021-09-01T00:00:00Z"),
        ("2022.13", None),
        ("2022.02.30", None),
        ("20220", None),
        ("Smarch 2022", None),
        ("soon", None),
        ("", None),
    ],
)
def test_news_dates_become_rfc3339_times_when_they_can(date, expected):
    assert seo.rfc3339(date) == expected


@pytest.mark.parametrize(
    ("base_url", "request_root", "expected"),
    [
        (BASE_URL, "https://abc.execute-api.us-east-1.amazonaws.com/api", BASE_URL),
        ("", "https://abc.execute-api.us-east-1.amazonaws.com/api",
         "https://abc.execute-api.us-east-1.amazonaws.com/api"),
        ("", "/api", "/api"),
        ("", "", ""),
    ],
)  # fmt: skip
def test_site_root_is_base_url_else_the_requests_trusted_address(base_url, request_root, expected):
    assert seo.site_root(base_url, request_root) == expected


# --- sitemap and robots.txt -------------------------------------------------------------------


def test_sitemap_lists_the_one_page_of_a_single_language_site():
    site = example_site(example_text().replace("  translations: [zh]\n", ""))
    root = ET.fromstring(seo.sitemap_xml([site], BASE_URL))
    assert root.tag == f"{SITEMAP}urlset"
    assert [loc.text for loc in root.iter(f"{SITEMAP}loc")] == [f"{BASE_URL}/"]
    assert root.find(f".//{XHTML}link") is None


def test_sitemap_lists_every_language_with_hreflang_alternates():
    en = example_site()
    zh = example_site(example_text().replace("language: en", "language: zh"))
    root = ET.fromstring(seo.sitemap_xml([en, zh], BASE_URL))
    urls = root.findall(f"{SITEMAP}url")
    assert [url.find(f"{SITEMAP}loc").text for url in urls] == [f"{BASE_URL}/", f"{BASE_URL}/zh"]
    for url in urls:
        links = [(link.get("hreflang"), link.get("href")) for link in url.iter(f"{XHTML}link")]
        assert links == [
            ("en", f"{BASE_URL}/"),
            ("zh", f"{BASE_URL}/zh"),
            ("x-default", f"{BASE_URL}/"),
        ]


def test_robots_txt_allows_everything_and_points_at_the_sitemap():
    assert seo.robots_txt(BASE_URL) == (
        f"User-agent: *\nAllow: /\n\nSitemap: {BASE_URL}/sitemap.xml\n"
    )


# --- Atom feed ------------------------------------------------------------------------------


def test_feed_has_one_entry_per_news_item_dated_from_its_date():
    feed = ET.fromstring(seo.atom_feed(example_site(), BASE_URL, NOW))
    assert feed.find(f"{ATOM}title").text == "Lorem ipsum"
    assert feed.find(f"{ATOM}id").text == f"{BASE_URL}/"
    assert feed.find(f"{ATOM}updated").text == "2022-02-01T00:00:00Z"
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Lorem ipsum"
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == f"{BASE_URL}/feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    first = entries[0]
    assert first.find(f"{ATOM}updated").text == "2022-02-01T00:00:00Z"
    assert first.find(f"{ATOM}title").text.startswith("🎉🎉 Lorem ipsum dolor sit amet")
    assert len(first.find(f"{ATOM}title").text) <= seo.FEED_TITLE_LENGTH
    assert first.find(f"{ATOM}link").get("href") == f"{BASE_URL}/#news"
    assert first.find(f"{ATOM}content").get("type") == "html"
    assert first.find(f"{ATOM}content").text.startswith("&nbsp;🎉🎉 Lorem")
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(set(ids)) == 2 and all(i.startswith("urn:uuid:") for i in ids)


def test_feed_entry_ids_stay_the_same_when_news_is_added_on_top():
    before = ET.fromstring(seo.atom_feed(example_site(), BASE_URL, NOW))
    added = example_text().replace(
        "news:\n", 'news:\n  - date: "2023.01"\n    text: A new **paper**.\n', 1
    )
    after = ET.fromstring(seo.atom_feed(example_site(added), BASE_URL, NOW))
    old_ids = [e.find(f"{ATOM}id").text for e in before.findall(f"{ATOM}entry")]
    new_entries = after.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}id").text for e in new_entries[1:]] == old_ids
    assert new_entries[0].find(f"{ATOM}title").text == "A new paper."
    assert new_entries[0].find(f"{ATOM}content").text == "A new <strong>paper</strong>."
    assert after.find(f"{ATOM}updated").text == "2023-01-01T00:00:00Z"


def test_feed_without_any_dated_item_is_dated_now():
    undated = example_text().replace('date: "2022.02"', 'date: "someday"')
    feed = ET.fromstring(seo.atom_feed(example_site(undated), BASE_URL, NOW))
    assert feed.find(f"{ATOM}updated").text == "2024-05-06T07:08:09Z"
    assert {e.find(f"{ATOM}updated").text for e in feed.findall(f"{ATOM}entry")} == {
        "2024-05-06T07:08:09Z"
    }


def test_feed_escapes_markup_in_titles():
    text = example_text().replace("title: Lorem ipsum\n", "title: A & B <c>\n", 1)
    feed = ET.fromstring(seo.atom_feed(example_site(text), BASE_URL, NOW))
    assert feed.find(f"{ATOM}title").text == "A & B <c>"


# --- the routes -----------------------------------------------------------------------------


def test_sitemap_route_lists_the_languages_whose_content_is_published(client):
    put_content("site.zh.yaml", example_text().replace("language: en", "language: zh"))
    response = client.http.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.body)
    assert [loc.text for loc in root.iter(f"{SITEMAP}loc")] == [f"{BASE_URL}/", f"{BASE_URL}/zh"]


def test_sitemap_route_leaves_out_a_translation_that_is_not_published(client):
    runtime.s3_client().delete_object(Bucket=LOCAL_BUCKET, Key="content/site.zh.yaml")
    root = ET.fromstring(client.http.get("/sitemap.xml").body)
    assert [loc.text for loc in root.iter(f"{SITEMAP}loc")] == [f"{BASE_URL}/"]


def test_robots_route_points_at_the_sitemap(client):
    response = client.http.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.body.decode().endswith(f"Sitemap: {BASE_URL}/sitemap.xml\n")


def test_feed_route_serves_the_news_as_atom(client):
    response = client.http.get("/feed.xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert len(ET.fromstring(response.body).findall(f"{ATOM}entry")) == 2


def test_head_of_a_document_route_has_no_body(client):
    response = client.http.request("HEAD", "/feed.xml")
    assert response.status_code == 200 and response.body == b""


def test_favicon_ico_redirects_to_the_site_favicon(client):
    response = client.http.get("/favicon.ico")
    assert response.status_code == 302
    assert response.headers["Location"] == "/media/favicon.svg"


def test_favicon_ico_is_404_when_the_site_sets_none(client):
    put_content("site.yaml", example_text().replace("  favicon: favicon.svg\n", ""))
    assert client.http.get("/favicon.ico").status_code == 404


def test_document_routes_are_404_without_content(aws, local_settings):
    from chalice.test import Client

    from app import app
    from tests.conftest import ROOT

    runtime.s3_client().create_bucket(Bucket=LOCAL_BUCKET)
    with Client(app, stage_name="local", project_dir=str(ROOT)) as client:
        assert client.http.get("/sitemap.xml").status_code == 404
        assert client.http.get("/feed.xml").status_code == 404
        assert client.http.get("/favicon.ico").status_code == 404
        robots = client.http.get("/robots.txt", headers={"Host": "127.0.0.1:8000"})
        assert robots.body.decode() == "User-agent: *\nAllow: /\n"  # no address is known
