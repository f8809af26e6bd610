"""Rendering: escaping of every text field and the citation spans AcadHomepage pages carry."""

from __future__ import annotations

from datetime import UTC, datetime

import yaml

from chalicelib.citations.model import CitationDisplay, CitationSnapshot, PaperCitations
from chalicelib.site.content import load_site
from chalicelib.site.render import fill_citation_spans, render_home_page
from tests.conftest import EXAMPLES

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"


def snapshot_display(total=1234, paper=56) -> CitationDisplay:
    snapshot = CitationSnapshot(
        source="scholar",
        profile_id="DhtAFkwAAAAJ",
        fetched_at=datetime(2026, 11, 20, tzinfo=UTC),
        citations=total,
        h_index=9,
        i10_index=8,
        publications=(
            PaperCitations("DhtAFkwAAAAJ:ALROH1vI_8AC", "ResNet", paper),
            PaperCitations("DhtAFkwAAAAJ:DUPLICATE", "ResNet again", 999, duplicate=True),
        ),
    )
    return CitationDisplay(snapshot, "Google Scholar", age_days=4, stale=False)


def test_every_text_field_comes_out_escaped():
    content = {
        "site": {"title": PAYLOAD, "description": PAYLOAD, "base_url": "https://e.org"},
        "profile": {
            "name": PAYLOAD,
            "bio": PAYLOAD,
            "location": PAYLOAD,
            "employer": PAYLOAD,
            "author_names": [PAYLOAD],
            "github": PAYLOAD,
        },
        "sections": [
            "about",
            "news",
            "publications",
            {"type": "awards", "title": PAYLOAD, "icon": PAYLOAD},
            {"id": "free", "title": PAYLOAD, "markdown": PAYLOAD},
        ],
        "about": PAYLOAD,
        "news": [{"date": PAYLOAD, "text": PAYLOAD}],
        "awards": [{"date": PAYLOAD, "text": PAYLOAD}],
        "publications": [
            {
                "title": PAYLOAD,
                "authors": [PAYLOAD, "B"],
                "venue": PAYLOAD,
                "featured": True,
                "image": "x.png",
                "links": [{"label": PAYLOAD, "url": 'https://e.org/?q="><script>'}],
                "description": [PAYLOAD],
            },
            {"title": PAYLOAD, "venue": PAYLOAD, "links": {PAYLOAD: "https://e.org"}},
        ],
    }
    site = load_site(yaml.safe_dump(content, allow_unicode=True).encode())
    html = render_home_page(site, snapshot_display())
    assert "<script>alert" not in html and "<script>" not in html
    assert "<img src=x onerror" not in html and 'onerror="' not in html  # markdown: sanitized
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # plain text fields: shown, escaped


def test_citation_spans_are_filled_on_the_server():
    html = (
        '<span id="total_cit">260000+</span> '
        '<span class="show_paper_citations" data="DhtAFkwAAAAJ:ALROH1vI_8AC"></span>'
        '<span class="show_paper_citations" data="DhtAFkwAAAAJ:DUPLICATE"></span>'
        '<span class="other">kept</span>'
    )
    assert fill_citation_spans(html, snapshot_display()) == (
        '<span id="total_cit">1,234</span> '
        '<span class="show_paper_citations" data="DhtAFkwAAAAJ:ALROH1vI_8AC">| Citations: 56</span>'
        '<span class="show_paper_citations" data="DhtAFkwAAAAJ:DUPLICATE"></span>'
        '<span class="other">kept</span>'
    )


def test_without_citations_the_spans_show_nothing_and_the_page_renders():
    site = load_site((EXAMPLES / "site.yaml").read_bytes())
    html = render_home_page(site, None)
    assert '<span id="total_cit"></span>' in html
    assert "260000+" not in html
    assert "Citations:" not in html


def test_without_citations_a_total_its_author_wrote_stays_until_numbers_exist():
    html = (
        '<span id="total_cit">4700+</span> <span class="show_paper_citations" data="a:b">x</span>'
    )
    assert fill_citation_spans(html, None) == (
        '<span id="total_cit">4700+</span> <span class="show_paper_citations" data="a:b"></span>'
    )
    assert fill_citation_spans(html, snapshot_display()).startswith('<span id="total_cit">1,234<')


def test_page_shows_numbers_and_per_paper_counts_from_the_snapshot():
    site = load_site((EXAMPLES / "site.yaml").read_bytes())
    html = render_home_page(site, snapshot_display(total=551074, paper=215540))
    assert '<span id="total_cit">551,074</span>' in html
    assert "Citations: 215,540" in html
    assert "updated 4 days ago" in html
