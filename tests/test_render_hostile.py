"""Sanitized HTML as a browser and a feed reader re-read it: every inline field of the example
site, given markup that would re-nest the page or a character XML refuses, leaves every section
inside <main>, and the feed and sitemap parse as XML."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

from chalicelib.inputs import FORBIDDEN_CHARACTER
from chalicelib.site.content import load_site
from chalicelib.site.render import render_home_page
from chalicelib.site.seo import atom_feed, sitemap_xml
from tests.conftest import ROOT

EXAMPLE = yaml.safe_load((ROOT / "examples" / "site.yaml").read_text())
PAYLOADS = [
    "<div><li>x</li></div>",
    "</li></ul></section></main><p>after",
    "<table><tr><td>x",
    "<details><summary>s</summary>x",
    "<h2>x</h2><blockquote>q",
    '<span title="&#1;">x</span>',
    '<a href="https://example.org" title="&#x1f;&#127;">x</a>',
    "x&#0;y&#xFFFE;",
]
# Every one-line markdown field of the example: (list, field); entries' `text` and paper parts.
DATED = ("news", "awards", "education", "talks", "internships")
INLINE_FIELDS = [(kind, "text") for kind in DATED] + [
    ("publications", "description"),
    ("news", "details"),
]


def rendered(document: dict) -> tuple[str, str, str]:
    site = load_site(yaml.safe_dump(document, allow_unicode=True).encode(), "site.yaml")
    feed = atom_feed(site, "https://example.org", datetime(2026, 1, 1, tzinfo=UTC))
    return render_home_page(site, None), feed, sitemap_xml([site], "https://example.org")


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(("kind", "field"), INLINE_FIELDS)
def test_an_inline_field_cannot_close_the_page_early_or_break_its_xml(kind, field, payload):
    document = yaml.safe_load(yaml.safe_dump(EXAMPLE))
    entry = document[kind][0]
    entry[field] = [payload] if field in ("description", "details") else payload
    html, feed, sitemap = rendered(document)
    tree = LexborHTMLParser(html)
    sections = tree.css("section")
    assert sections and len(tree.css("main section")) == len(sections)
    assert len(tree.css("main")) == 1
    assert not FORBIDDEN_CHARACTER.search(html + feed + sitemap)
    ElementTree.fromstring(feed)
    ElementTree.fromstring(sitemap)


def test_block_fields_keep_their_blocks():
    document = yaml.safe_load(yaml.safe_dump(EXAMPLE))
    document["about"] = "<div class='paper-box'><ul><li>kept</li></ul></div>"
    html, _, _ = rendered(document)
    assert "<ul><li>kept</li></ul>" in html
