"""Reading Google Scholar profile pages: real saved pages, and pages built from their markup."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.citations.scholar import (
    ScholarPage,
    merge_pages,
    parse_profile_page,
    read_response,
    scholar_page_json,
)
from chalicelib.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "scholar"
COMPLETE = FIXTURES / "profile_P1RwlvoAAAAJ_complete.html"
FIRST_PAGE = FIXTURES / "profile_amIMrIEAAAAJ_first_page.html"
FETCHED_AT = datetime(2026, 2, 1, 6, 0, tzinfo=UTC)
PROFILE_URL = "https://scholar.google.com/citations?user=P1RwlvoAAAAJ&hl=en&pagesize=100"

CAPTCHA_PAGE = (
    "<!doctype html><html><head><title>Google Scholar</title></head><body>"
    '<div id="gs_captcha_ccl"><h1>Please show you&#39;re not a robot</h1>'
    '<form id="gs_captcha_f"><div class="g-recaptcha" data-sitekey="k"></div></form>'
    "</div></body></html>"
)
SORRY_PAGE = (
    "<html><body><div>Our systems have detected unusual traffic from your computer network. "
    "This page checks to see if it's really you sending the requests.</div></body></html>"
)
SIGN_IN_PAGE = "<html><head><title>Sign in - Google Accounts</title></head><body></body></html>"


@pytest.fixture(scope="module")
def complete_html() -> str:
    return COMPLETE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def first_page_html() -> str:
    return FIRST_PAGE.read_text(encoding="utf-8")


def first_row_template(page_html: str) -> str:
    """The real markup of the first publication row of the amIMrIEAAAAJ page."""
    start = page_html.index('<tr class="gsc_a_tr">')
    return page_html[start : page_html.index('<tr class="gsc_a_tr">', start + 1)]


def make_row(
    template: str,
    pub_id: str,
    title: str,
    citations: str,
    year: str,
    *,
    struck: bool = False,
) -> str:
    """A publication row in Scholar's markup, made from the real first row of a page."""
    row = (
        template.replace("u5HHmVD_uO8C", pub_id)
        .replace(
            "Optimization of Data Structures and Trade-Offs with Concurrency Control in "
            "Multithread Software Structures Using Artificial Intelligence",
            title,
        )
        .replace(">131</a>", f">{citations}</a>")
        .replace('<span class="gs_oph">, 2024</span>', f'<span class="gs_oph">, {year}</span>')
        .replace('gs_ibl">2024</span>', f'gs_ibl">{year}</span>')
    )
    if struck:
        row = row.replace('class="gsc_a_ac gs_ibl"', 'class="gsc_a_ac gs_ibl gsc_a_acm"')
    return row


def with_rows(page_html: str, rows: list[str], *, more: bool) -> str:
    """The page with its publication rows replaced and its "show more" button set."""
    body_start = page_html.index('<tbody id="gsc_a_b">') + len('<tbody id="gsc_a_b">')
    body_end = page_html.index("</tbody>", body_start)
    page = page_html[:body_start] + "".join(rows) + page_html[body_end:]
    page = page.replace('id="gsc_bpf_more" disabled class=', 'id="gsc_bpf_more" class=')
    if not more:
        page = page.replace('id="gsc_bpf_more" class=', 'id="gsc_bpf_more" disabled class=')
    return page


def reindented(page_html: str) -> str:
    """The page with every tag and every text on its own line, indented by nesting depth."""
    depth = 0
    lines = []
    for piece in re.split(r"(<[^>]+>)", page_html):
        if not piece.strip():
            continue
        closing = piece.startswith("</")
        if closing:
            depth = max(depth - 1, 0)
        lines.append("  " * min(depth, 30) + piece.strip())
        opening = piece.startswith("<") and not closing and not piece.startswith("<!")
        if opening and not piece.endswith("/>") and not _VOID.match(piece):
            depth += 1
    return "\n".join(lines)


_VOID = re.compile(r"<(area|base|br|col|embed|hr|img|input|link|meta|source|wbr)\b", re.I)


# --- the real complete profile ------------------------------------------------------------


def test_complete_profile_header_matches_the_saved_page(complete_html):
    page = parse_profile_page(complete_html)

    assert page.status == "ok"
    assert page.name == "WENRUI ZUO"
    assert page.affiliation == "The University of Edinburgh"
    assert page.interests == (
        "Web3",
        "Big Data Science",
        "Social Network Analysis",
        "NLP",
        "Machine Learning",
    )
    assert page.photo_url == (
        "https://scholar.googleusercontent.com/citations?view_op=view_photo"
        "&user=P1RwlvoAAAAJ&citpid=5"
    )
    assert (page.citations_all, page.citations_since) == (39, 38)
    assert (page.h_index_all, page.h_index_since) == (4, 4)
    assert (page.i10_index_all, page.i10_index_since) == (2, 2)
    assert page.since_year == 2021
    assert page.cites_per_year == ((2023, 4), (2024, 7), (2025, 25), (2026, 2))
    assert page.has_more is False


def test_complete_profile_rows_match_the_saved_page(complete_html):
    page = parse_profile_page(complete_html)

    assert [paper.id for paper in page.publications] == [
        "P1RwlvoAAAAJ:u5HHmVD_uO8C",
        "P1RwlvoAAAAJ:d1gkVwhDpl0C",
        "P1RwlvoAAAAJ:u-x6o8ySG0sC",
        "P1RwlvoAAAAJ:9yKSN-GCB0IC",
        "P1RwlvoAAAAJ:2osOgNQ5qMEC",
    ]
    assert [paper.citations for paper in page.publications] == [18, 10, 7, 4, 0]
    assert [paper.year for paper in page.publications] == [2023, 2024, 2023, 2024, 2025]
    first = page.publications[0]
    assert first.title == "Set in stone: Analysis of an immutable web3 social media platform"
    assert first.authors == "W Zuo, A Raman, RJ Mondragón, G Tyson"
    assert first.venue == "Proceedings of the ACM Web Conference 2023, 1865-1874"
    assert not any(paper.duplicate for paper in page.publications)


def test_a_row_with_an_empty_count_has_zero_citations(complete_html):
    last = parse_profile_page(complete_html).publications[-1]

    assert last.title == (
        "Understanding and Improving User-controlled Content Moderation Systems on Social Media"
    )
    assert last.venue == "Queen Mary University of London"
    assert last.citations == 0


def test_scholar_page_json_has_the_documented_shape(complete_html):
    data = scholar_page_json(parse_profile_page(complete_html))

    assert json.loads(json.dumps(data)) == data
    assert {key: value for key, value in data.items() if key != "publications"} == {
        "status": "ok",
        "name": "WENRUI ZUO",
        "citations": {"all": 39, "since": 38},
        "h_index": {"all": 4, "since": 4},
        "i10_index": {"all": 2, "since": 2},
        "since_year": 2021,
        "cites_per_year": {"2023": 4, "2024": 7, "2025": 25, "2026": 2},
        "has_more": False,
    }
    assert data["publications"][3] == {
        "id": "P1RwlvoAAAAJ:9yKSN-GCB0IC",
        "title": (
            "Promoting the Culture of Qinhuai River Lantern Shadow Puppetry with a Digital "
            "Archive and Immersive Experience"
        ),
        "authors": "Y Liu, RM Williams, G Xie, Y Wang, W Zuo",
        "venue": "arXiv preprint arXiv:2410.03532",
        "year": 2024,
        "citations": 4,
        "duplicate": False,
    }
    assert len(data["publications"]) == 5


# --- the real first page of a longer profile ----------------------------------------------


def test_first_page_of_a_longer_profile_matches_the_saved_page(first_page_html):
    page = parse_profile_page(first_page_html)

    assert page.status == "ok"
    assert page.name == "Bangar Raju Cherukuri"
    assert page.affiliation == "Senior .NET Web Developer"
    assert (page.citations_all, page.citations_since) == (425, 417)
    assert (page.h_index_all, page.h_index_since) == (11, 11)
    assert (page.i10_index_all, page.i10_index_since) == (11, 11)
    assert page.since_year == 2021
    assert page.cites_per_year == (
        (2020, 8),
        (2021, 20),
        (2022, 23),
        (2023, 26),
        (2024, 41),
        (2025, 95),
        (2026, 212),
    )
    assert page.has_more is True
    assert len(page.publications) == 20
    assert page.publications[0].id == "amIMrIEAAAAJ:u5HHmVD_uO8C"
    assert page.publications[-1].id == "amIMrIEAAAAJ:ufrVoPGSRksC"
    assert [paper.citations for paper in page.publications] == [
        131, 81, 33, 30, 27, 18, 14, 13, 13, 13, 12, 9, 8, 7, 5, 3, 3, 3, 1, 1
    ]  # fmt: skip


# --- histogram ----------------------------------------------------------------------------


def test_years_without_a_bar_count_zero_and_the_others_keep_their_year(first_page_html):
    # Scholar draws no bar for a year without citations; drop the 2022 and 2024 bars.
    without_bars = re.sub(
        r'<a href="javascript:void\(0\)" class="gsc_g_a" style="[^"]*z-index:(5|3)">'
        r'<span class="gsc_g_al">\d+</span></a>',
        "",
        first_page_html,
    )
    assert without_bars.count('class="gsc_g_a"') == 5

    page = parse_profile_page(without_bars)

    assert page.cites_per_year == (
        (2020, 8),
        (2021, 20),
        (2022, 0),
        (2023, 26),
        (2024, 0),
        (2025, 95),
        (2026, 212),
    )


def test_a_newest_year_without_a_bar_counts_zero(complete_html):
    without_newest = complete_html.replace(
        '<a href="javascript:void(0)" class="gsc_g_a" style="right:8px;top:148px;height:12px;'
        'z-index:1"><span class="gsc_g_al">2</span></a>',
        "",
    )

    page = parse_profile_page(without_newest)

    assert page.cites_per_year == ((2023, 4), (2024, 7), (2025, 25), (2026, 0))


def test_a_profile_without_a_histogram_has_no_cites_per_year(complete_html):
    start = complete_html.index('<div class="gsc_g_hist_wrp"')
    end = complete_html.index('<div class="gsc_rsb_s gsc_prf_pnl" id="gsc_rsb_mnd"')
    page = parse_profile_page(complete_html[:start] + "</div>" + complete_html[end:])

    assert page.status == "ok"
    assert page.cites_per_year == ()
    assert page.citations_all == 39


# --- rows ---------------------------------------------------------------------------------


def test_a_struck_count_marks_the_row_as_a_duplicate(complete_html):
    struck = complete_html.replace(
        'class="gsc_a_ac gs_ibl">10</a>', 'class="gsc_a_ac gs_ibl gsc_a_acm">10</a>'
    )

    page = parse_profile_page(struck)

    flags = [(paper.id, paper.citations, paper.duplicate) for paper in page.publications]
    assert flags[1] == ("P1RwlvoAAAAJ:d1gkVwhDpl0C", 10, True)
    assert [duplicate for _, _, duplicate in flags] == [False, True, False, False, False]
    snapshot = merge_pages("P1RwlvoAAAAJ", [page], FETCHED_AT)
    assert "P1RwlvoAAAAJ:d1gkVwhDpl0C" not in snapshot.paper_counts()
    assert sum(snapshot.paper_counts().values()) == 29


def test_a_row_without_a_year_has_year_none(first_page_html):
    template = first_row_template(first_page_html)
    page_html = with_rows(
        first_page_html, [make_row(template, "noYearPub001", "Undated", "4", "")], more=False
    )

    (paper,) = parse_profile_page(page_html).publications

    assert paper.year is None
    assert paper.citations == 4
    assert paper.id == "amIMrIEAAAAJ:noYearPub001"


def test_the_row_id_is_read_from_data_href_when_href_is_a_script(complete_html):
    scripted = complete_html.replace(
        'href="/citations?view_op=view_citation&amp;hl=en&amp;user=P1RwlvoAAAAJ&amp;'
        'citation_for_view=P1RwlvoAAAAJ:u5HHmVD_uO8C"',
        'href="javascript:void(0)" data-href="/citations?view_op=view_citation&amp;hl=en&amp;'
        'user=P1RwlvoAAAAJ&amp;citation_for_view=P1RwlvoAAAAJ:u5HHmVD_uO8C"',
    )
    assert scripted != complete_html

    assert parse_profile_page(scripted).publications[0].id == "P1RwlvoAAAAJ:u5HHmVD_uO8C"


def test_a_thousand_row_page_parses_every_row(first_page_html):
    template = first_row_template(first_page_html)
    rows = [
        make_row(template, f"gen{number:09d}", f"Paper {number}", str(2000 - number), "2019")
        for number in range(1000)
    ]

    page = parse_profile_page(with_rows(first_page_html, rows, more=True))

    assert len(page.publications) == 1000
    assert len({paper.id for paper in page.publications}) == 1000
    assert page.publications[999].id == "amIMrIEAAAAJ:gen000000999"
    assert page.publications[999].title == "Paper 999"
    assert page.publications[999].citations == 1001
    assert page.has_more is True


# --- markup tolerance ---------------------------------------------------------------------


@pytest.mark.parametrize("fixture", [COMPLETE, FIRST_PAGE], ids=lambda path: path.stem)
def test_a_reindented_copy_parses_to_the_same_result(fixture):
    original = fixture.read_text(encoding="utf-8")
    copy = reindented(original)
    assert copy.count("\n") > 500

    assert parse_profile_page(copy) == parse_profile_page(original)


def test_the_show_more_button_missing_means_no_more_pages(first_page_html):
    without_button = re.sub(
        r'<button type="button" id="gsc_bpf_more".*?</button>', "", first_page_html
    )

    assert parse_profile_page(without_button).has_more is False


# --- pages that are not a usable profile --------------------------------------------------


@pytest.mark.parametrize(
    ("html", "status"),
    [
        (CAPTCHA_PAGE, "blocked"),
        (SORRY_PAGE, "blocked"),
        ("<html><body><script src='https://www.google.com/recaptcha/api.js'></script>", "blocked"),
        ("<html><body><h1>Google Scholar</h1><p>Welcome</p></body></html>", "layout_changed"),
        ("", "layout_changed"),
    ],
    ids=["scholar-captcha", "unusual-traffic", "recaptcha-script", "other-page", "empty"],
)
def test_pages_without_a_profile_are_blocked_or_layout_changed(html, status):
    page = parse_profile_page(html)

    assert page == ScholarPage(status=status)


def test_a_profile_mentioning_unusual_traffic_in_a_title_is_still_ok(complete_html):
    titled = complete_html.replace("Set in stone", "Unusual traffic and recaptcha in web3")

    page = parse_profile_page(titled)

    assert page.status == "ok"
    assert page.publications[0].title.startswith("Unusual traffic and recaptcha")


def test_a_citation_table_with_missing_cells_is_a_layout_change(complete_html):
    broken = complete_html.replace('<td class="gsc_rsb_std">38</td>', "", 1)

    assert parse_profile_page(broken).status == "layout_changed"


# --- classify_response --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status_code", "final_url", "body", "kind"),
    [
        (429, PROFILE_URL, "", "blocked"),
        (403, PROFILE_URL, "<html>Forbidden</html>", "blocked"),
        (503, PROFILE_URL, SORRY_PAGE, "blocked"),
        (
            200,
            "https://www.google.com/sorry/index?continue=https://scholar.google.com/",
            SORRY_PAGE,
            "blocked",
        ),
        (
            200,
            "https://accounts.google.com/ServiceLogin?continue=https://scholar.google.com/",
            SIGN_IN_PAGE,
            "blocked",
        ),
        (
            200,
            "https://accounts.google.com/v3/signin/identifier?continue=x",
            SIGN_IN_PAGE,
            "blocked",
        ),
        (200, PROFILE_URL, CAPTCHA_PAGE, "blocked"),
        (404, PROFILE_URL, "<html>Not found</html>", "not_found"),
        (200, PROFILE_URL, "<html><body>A new Scholar</body></html>", "layout_changed"),
    ],
    ids=[
        "429",
        "403",
        "503",
        "redirect-to-sorry",
        "redirect-to-service-login",
        "redirect-to-sign-in",
        "captcha",
        "404",
        "unknown-page",
    ],
)
def test_classify_response(status_code, final_url, body, kind):
    assert read_response(status_code, final_url, body).status == kind


def test_classify_response_accepts_a_profile_page(complete_html):
    assert read_response(200, PROFILE_URL, complete_html).status == "ok"


# --- merge_pages --------------------------------------------------------------------------


def test_merge_pages_keeps_the_first_header_and_every_row_in_order(first_page_html):
    template = first_row_template(first_page_html)
    later_rows = [make_row(template, f"later{n:07d}", f"Later {n}", "1", "2020") for n in range(3)]
    first = parse_profile_page(first_page_html)
    later = parse_profile_page(with_rows(first_page_html, later_rows, more=False))

    snapshot = merge_pages("amIMrIEAAAAJ", [first, later], FETCHED_AT)

    assert snapshot.source == "scholar"
    assert snapshot.profile_id == "amIMrIEAAAAJ"
    assert snapshot.fetched_at == FETCHED_AT
    assert (snapshot.citations, snapshot.h_index, snapshot.i10_index) == (425, 11, 11)
    assert (snapshot.citations_since, snapshot.h_index_since, snapshot.i10_index_since) == (
        417,
        11,
        11,
    )
    assert snapshot.since_year == 2021
    assert snapshot.name == "Bangar Raju Cherukuri"
    assert snapshot.cites_per_year == first.cites_per_year
    assert len(snapshot.publications) == 23
    assert snapshot.publications[19].id == "amIMrIEAAAAJ:ufrVoPGSRksC"
    assert snapshot.publications[20].id == "amIMrIEAAAAJ:later0000000"
    assert snapshot.publications[22].id == "amIMrIEAAAAJ:later0000002"


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        ([], "merge_pages('amIMrIEAAAAJ'): expected at least one page, got none"),
        (
            [ScholarPage(status="blocked")],
            "merge_pages('amIMrIEAAAAJ'): page 1: expected status 'ok', got 'blocked'",
        ),
    ],
    ids=["no-pages", "blocked-page"],
)
def test_merge_pages_refuses_what_is_not_a_complete_fetch(pages, message):
    with pytest.raises(ValueError) as error:
        merge_pages("amIMrIEAAAAJ", pages, FETCHED_AT)

    assert str(error.value) == message


# --- acadpage scholar-parse ---------------------------------------------------------------


def test_scholar_parse_json_prints_scholar_page_json(capsys, complete_html):
    assert main(["scholar-parse", str(COMPLETE), "--json"]) == 0

    printed = capsys.readouterr().out
    assert json.loads(printed) == scholar_page_json(parse_profile_page(complete_html))
    assert printed.startswith('{\n  "status": "ok",\n  "name": "WENRUI ZUO",')


def test_scholar_parse_prints_a_summary(capsys):
    assert main(["scholar-parse", str(FIRST_PAGE)]) == 0

    assert capsys.readouterr().out.splitlines() == [
        "status: ok",
        "name: Bangar Raju Cherukuri",
        "citations: 425 (all), 417 (since 2021)",
        "h-index: 11 (all), 11 (since 2021)",
        "i10-index: 11 (all), 11 (since 2021)",
        "rows: 20, of which duplicates: 0",
        "more pages: yes",
    ]


def test_scholar_parse_of_a_captcha_page_says_blocked_and_fails(capsys, tmp_path):
    saved = tmp_path / "captcha.html"
    saved.write_text(CAPTCHA_PAGE, encoding="utf-8")

    assert main(["scholar-parse", str(saved)]) == 1

    assert capsys.readouterr().out == "status: blocked\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.html", None, "acadpage: {path}: no such file\n"),
        (
            "latin1.html",
            "<html>Mondrag\xf3n</html>".encode("latin-1"),
            "acadpage: {path}: expected UTF-8 text, got byte 0xf3 at offset 13\n",
        ),
    ],
    ids=["missing-file", "not-utf-8"],
)
def test_scholar_parse_reports_an_unreadable_file_in_one_line(
    capsys, tmp_path, name, content, message
):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    assert main(["scholar-parse", str(path)]) == 1

    assert capsys.readouterr().err == message.format(path=path)
