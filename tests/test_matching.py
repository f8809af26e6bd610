"""Papers find their own counts: titles matched to the stored Scholar rows, and publications
sections listed from the citation store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.aws.content_store import ObjectFetch
from chalicelib.citations.matching import (
    TitleIndex,
    is_owner_form,
    match_titles,
    normalize_title,
)
from chalicelib.citations.model import CitationSnapshot, PaperCitations
from chalicelib.citations.state import CitationState
from chalicelib.homepage import Homepage
from chalicelib.site.citation_links import publication_matches, resolve_site
from chalicelib.site.content import ContentError, load_site

NOW = datetime(2026, 1, 5, tzinfo=UTC)
ROWS = (
    PaperCitations("P1RwlvoAAAAJ:aaaaaaaaaaaa", "Deep Residual Learning for Image Recognition", 900,
                   "K He, X Zhang, S Ren, J Sun", "CVPR", 2016),
    PaperCitations("P1RwlvoAAAAJ:bbbbbbbbbbbb", "Mask R-CNN", 300, "K He, G Gkioxari", "ICCV",
                   2017),
    PaperCitations("P1RwlvoAAAAJ:cccccccccccc", "Focal Loss for Dense Object Detection", 200,
                   "TY Lin, P Goyal, K He", "ICCV", 2017),
    PaperCitations("P1RwlvoAAAAJ:dddddddddddd", "A Survey", 5, "K He", "arXiv", 2020),
    PaperCitations("P1RwlvoAAAAJ:eeeeeeeeeeee", "A survey", 7, "K He, Y Wu", "Journal", 2021),
    PaperCitations("P1RwlvoAAAAJ:ffffffffffff", "Mask R-CNN", 40, "K He", "TPAMI", 2018,
                   duplicate=True),
)  # fmt: skip


def titles_of(*titles: str) -> list[str]:
    return [match.outcome for match in match_titles(titles, ROWS)]


@pytest.mark.parametrize(
    "written",
    [
        "Deep Residual Learning for Image Recognition",
        "deep residual learning for image recognition",
        "Deep  Residual Learning for Image Recognition.",
        "Deep Residual Learning — for Image Recognition",
        "Déep Residual Léarning for Image Recognition",
        "  DEEP RESIDUAL LEARNING FOR IMAGE-RECOGNITION ",
        "Deep Residual Learning for Image Recognitio",  # one letter lost: near-identical
    ],
)
def test_a_title_matches_whatever_its_case_accents_punctuation_and_spacing(written):
    (match,) = match_titles([written], ROWS)
    assert (match.outcome, match.row.id) == ("matched", "P1RwlvoAAAAJ:aaaaaaaaaaaa")


@pytest.mark.parametrize(
    "written",
    [
        "Deep Residual Learning",  # a shorter, different title
        "Deep Residual Learning for Video Recognition",
        "Mask R-CNN 2",
        "",
    ],
)
def test_a_different_title_does_not_match(written):
    assert titles_of(written) == ["unmatched"]


def test_two_rows_with_one_title_are_ambiguous_and_name_both():
    (match,) = match_titles(["A SURVEY"], ROWS)
    assert match.outcome == "ambiguous" and match.row is None
    assert {row.id for row in match.candidates} == {
        "P1RwlvoAAAAJ:dddddddddddd",
        "P1RwlvoAAAAJ:eeeeeeeeeeee",
    }


def test_a_row_scholar_merged_into_another_is_no_candidate():
    (match,) = match_titles(["Mask R-CNN"], ROWS)
    assert (match.outcome, match.row.id) == ("matched", "P1RwlvoAAAAJ:bbbbbbbbbbbb")


def test_normalised_titles():
    assert (
        normalize_title("  Über-Fast: “Learning”\u00a0at Scale! ") == "uber fast learning at scale"
    )


@pytest.mark.parametrize(
    ("author", "owner", "same"),
    [
        ("K He", "Kaiming He", True),
        ("KM He", "Kaiming He", True),
        ("Kaiming He", "kaiming he", True),
        ("X He", "Kaiming He", False),
        ("K Hé", "Kaiming He", True),
        ("Kevin He", "Kaiming He", False),
        ("K Ho", "Kaiming He", False),
    ],
)
def test_owner_forms_in_author_lists(author, owner, same):
    assert is_owner_form(author, owner) is same


def test_matching_a_large_profile_stays_within_reason():
    rows = [PaperCitations(f"P1RwlvoAAAAJ:{n:012d}", f"Paper number {n} on topic {n * 7}", n)
            for n in range(500)]  # fmt: skip
    index = TitleIndex(rows)
    matches = [index.match(f"paper number {n} on topic {n * 7}!") for n in range(0, 500, 5)]
    assert all(m.row is not None and m.row.citations == n * 5 for n, m in enumerate(matches))


SITE = """\
site: {title: T}
profile: {name: Kaiming He, author_names: [Kaiming He, K He]}
sections:
  - publications
  - {type: publications, id: all, title: All, from: scholar, sort: SORT, limit: LIMIT}
publications:
  - title: deep residual learning for image recognition
    featured: true
  - title: Mask R-CNN
    scholar_id: P1RwlvoAAAAJ:zzzzzzzzzzzz
  - title: Something Scholar does not list
"""


def site_with(sort="year", limit=50, more=b""):
    return load_site(SITE.replace("SORT", sort).replace("LIMIT", str(limit)).encode() + more)


def test_a_publication_without_scholar_id_takes_the_id_of_its_one_matching_row():
    resolved = resolve_site(site_with(), ROWS)
    papers = resolved.sections[0].publications
    assert [paper.scholar_id for paper in papers] == [
        "P1RwlvoAAAAJ:aaaaaaaaaaaa",  # matched by title
        "P1RwlvoAAAAJ:zzzzzzzzzzzz",  # an explicit id always wins
        "",  # unmatched
    ]
    assert papers[0].title == "deep residual learning for image recognition"  # as written


def test_publication_matches_list_what_matched_and_what_did_not():
    matches = publication_matches(site_with(more=b"  - title: A survey\n"), ROWS)
    assert [(m.title, m.outcome) for m in matches] == [
        ("deep residual learning for image recognition", "matched"),
        ("Something Scholar does not list", "unmatched"),
        ("A survey", "ambiguous"),
    ]


@pytest.mark.parametrize(
    ("sort", "limit", "titles"),
    [
        ("year", 50, ["A survey", "A Survey", "Focal Loss for Dense Object Detection"]),
        ("citations", 2, ["Focal Loss for Dense Object Detection", "A survey"]),
        ("title", 2, ["A Survey", "A survey"]),
    ],
)  # fmt: skip
def test_a_section_from_scholar_lists_the_rows_the_file_does_not_already_have(sort, limit, titles):
    section = resolve_site(site_with(sort, limit), ROWS).sections[1]
    # the hand-written entries come first and take the place of the rows they match or name
    assert [paper.title for paper in section.publications[:3]] == [
        "deep residual learning for image recognition",
        "Mask R-CNN",
        "Something Scholar does not list",
    ]
    listed = section.publications[3:]
    assert [paper.title for paper in listed] == titles
    assert all(paper.scholar_id.startswith("P1RwlvoAAAAJ:") for paper in listed)


def test_listed_rows_highlight_the_owner_and_keep_venue_and_year():
    section = resolve_site(site_with("citations", 1), ROWS).sections[1]
    paper = section.publications[-1]
    assert (paper.title, paper.venue, paper.year) == (
        "Focal Loss for Dense Object Detection", "ICCV", 2017)  # fmt: skip
    assert [(a.name, a.is_owner) for a in paper.authors] == [
        ("TY Lin", False), ("P Goyal", False), ("K He", True)]  # fmt: skip


def test_without_stored_rows_a_section_from_scholar_shows_the_file_alone():
    site = site_with()
    assert resolve_site(site, ()) is site
    assert len(site.sections[1].publications) == 3


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{type: publications, from: dblp}",
         "sections[0].from: expected one of 'scholar', got 'dblp'"),
        ("{type: publications, from: scholar, sort: date}",
         "sections[0].sort: expected one of 'year', 'citations', 'title', got 'date'"),
        ("{type: publications, from: scholar, limit: 0}",
         "sections[0].limit: expected a whole number of 1 or more, got '0'"),
        ("{type: publications, from: scholar, limit: many}",
         "sections[0].limit: expected an integer, got 'many'"),
        ("{type: publications, sort: year}", "sections[0].sort: is an option of 'from: scholar'"),
        ("{type: news, from: scholar}", "sections[0].from: unknown field"),
    ],
)  # fmt: skip
def test_listing_options_are_checked_and_located(entry, message):
    text = f"site: {{title: T}}\nprofile: {{name: N}}\nsections:\n  - {entry}\nnews: []\n"
    with pytest.raises(ContentError) as raised:
        load_site(text.encode())
    assert f"site.yaml:4 {message}" in str(raised.value).splitlines()


class OneFileStore:
    """The content store's interface over one in-memory file."""

    def __init__(self, body: bytes):
        self.body, self.etag = body, '"1"'

    def fetch_content(self, filename: str, etag: str = "") -> ObjectFetch:
        if filename != "site.yaml":
            return ObjectFetch("missing")
        if etag == self.etag:
            return ObjectFetch("unchanged", etag=etag)
        return ObjectFetch("modified", self.body, self.etag)


def citation_state(version: str, rows=ROWS) -> CitationState:
    snapshot = CitationSnapshot("scholar", "P1RwlvoAAAAJ", NOW, 1500, 10, 10, publications=rows)
    return CitationState({"scholar": snapshot}, None, version)


def test_the_page_shows_the_count_of_a_paper_found_by_title_and_matches_once_per_version():
    store = OneFileStore(SITE.replace("SORT", "year").replace("LIMIT", "1").encode())
    states = [citation_state("v1")]
    clock = [0.0]
    page = Homepage(store, lambda: states[0], clock=lambda: clock[0], utc_now=lambda: NOW)

    html = page.page().body
    assert "Citations: 900" in html  # deep residual learning, found by its title
    assert "Citations: 300" not in html  # Mask R-CNN's explicit scholar_id wins over its title
    resolved = page._resolved_site("site.yaml", '"1"', None, states[0])
    page.page("en", base_path="/api")  # another rendering of the same versions
    assert page._resolved_site("site.yaml", '"1"', None, states[0]) is resolved
    assert len(page._resolved) == 1

    new_row = PaperCitations("P1RwlvoAAAAJ:gggggggggggg", "A new paper", 3, "K He", "", 2026)
    states[0] = citation_state("v2", (*ROWS[:1], new_row))
    clock[0] += 3600
    html = page.page().body
    assert "A new paper" in html  # listed from the store, no edit needed
    assert len(page._resolved) == 2


def test_a_section_from_scholar_beside_the_publications_takes_an_anchor_of_its_own():
    """As `init` writes it commented out: uncommented as is, it validates."""
    site = load_site(
        b"site: {title: T}\nprofile: {name: N}\npublications: [{title: A}]\n"
        b"sections:\n  - publications\n"
        b"  - {type: publications, from: scholar, title: All publications, sort: year}\n"
    )

    assert [section.id for section in site.sections] == ["publications", "all-publications"]


def test_a_section_from_scholar_alone_keeps_the_publications_anchor():
    site = load_site(
        b"site: {title: T}\nprofile: {name: N}\nsections: [{type: publications, from: scholar}]\n"
    )

    assert [section.id for section in site.sections] == ["publications"]
