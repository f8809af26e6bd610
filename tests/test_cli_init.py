"""`acadpage init DIR`: a site folder from a Scholar profile (saved or fetched) or OpenAlex."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from chalicelib.cli import main
from chalicelib.site.content import load_site
from tests.conftest import FIXTURES, ROOT
from tests.httpserver import LocalHTTPServer, RecordedRequest, Reply
from tests.scholar_pages import first_page_html, profile_page

# The real pages saved from Scholar, shared by the project's test suites (a copy in tests/).
SHARED = ROOT.parent / "shared" / "fixtures"
SCHOLAR_PAGES = SHARED / "scholar" if (SHARED / "scholar").is_dir() else FIXTURES / "scholar"
COMPLETE_PAGE = SCHOLAR_PAGES / "profile_P1RwlvoAAAAJ_complete.html"
HTML = {"Content-Type": "text/html; charset=utf-8"}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4


def run(capsys, *argv: str) -> tuple[int, list[str], list[str]]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def written_site(folder: Path):
    return load_site((folder / "site.yaml").read_bytes(), "site.yaml")


def publications(site):
    return [paper for section in site.sections for paper in section.publications]


def test_init_from_a_saved_scholar_page_writes_a_site_that_validates(tmp_path, capsys):
    folder = tmp_path / "mysite"

    code, out, err = run(
        capsys, "init", str(folder), "--scholar-page", str(COMPLETE_PAGE), "--no-photo"
    )

    assert (code, err) == (0, [])
    site = written_site(folder)
    profile = site.profile
    assert (profile.name, profile.employer) == ("WENRUI ZUO", "The University of Edinburgh")
    assert profile.google_scholar_id == "P1RwlvoAAAAJ"
    assert ("googlescholar", "https://scholar.google.com/citations?user=P1RwlvoAAAAJ") in {
        (link.kind, link.url) for link in profile.links
    }
    assert profile.avatar == "avatar.svg"
    assert (folder / "media" / "avatar.svg").read_text().startswith("<svg")
    about = next(section for section in site.sections if section.kind == "about")
    assert "The University of Edinburgh" in about.html and "Social Network Analysis" in about.html
    papers = publications(site)
    assert [paper.scholar_id for paper in papers] == [
        "P1RwlvoAAAAJ:2osOgNQ5qMEC",  # 2025
        "P1RwlvoAAAAJ:d1gkVwhDpl0C",  # 2024, 10 citations
        "P1RwlvoAAAAJ:9yKSN-GCB0IC",  # 2024, 4 citations
        "P1RwlvoAAAAJ:u5HHmVD_uO8C",  # 2023, 18 citations
        "P1RwlvoAAAAJ:u-x6o8ySG0sC",  # 2023, 7 citations
    ]
    assert {paper.scholar_id for paper in papers if paper.featured} == {
        "P1RwlvoAAAAJ:u5HHmVD_uO8C",
        "P1RwlvoAAAAJ:d1gkVwhDpl0C",
        "P1RwlvoAAAAJ:u-x6o8ySG0sC",
    }
    stone = papers[3]
    assert stone.title == "Set in stone: Analysis of an immutable web3 social media platform"
    assert (stone.venue, stone.year) == (
        "Proceedings of the ACM Web Conference 2023, 1865-1874",
        2023,
    )
    assert [(author.name, author.is_owner) for author in stone.authors] == [
        ("W Zuo", True),
        ("A Raman", False),
        ("RJ Mondragón", False),
        ("G Tyson", False),
    ]
    text = (folder / "site.yaml").read_text()
    for kind in ("news", "education", "awards", "talks", "internships"):
        assert f"\n# {kind}:\n" in text  # commented examples, ready to uncomment
    assert out == [
        f"wrote {folder}/site.yaml: WENRUI ZUO, 5 publications (3 featured)",
        f"wrote {folder}/media/avatar.svg (the default avatar)",
        f"wrote {folder}/gs_data.json (the numbers `acadpage serve` shows)",
        "next:",
        f"  1. acadpage serve --content {folder}   # the page on http://127.0.0.1:8000, "
        "following your edits",
        "  2. acadpage bootstrap --stage dev   # your bucket and table on AWS, then "
        "`chalice deploy --stage dev`",
        f"  3. acadpage push {folder}/site.yaml --stage dev   # the page goes live",
    ]


def test_the_written_site_validates_and_its_numbers_load_for_serve(tmp_path, capsys):
    from chalicelib.citations.gs_data import snapshot_from_gs_data

    folder = tmp_path / "s"
    run(capsys, "init", str(folder), "--scholar-page", str(COMPLETE_PAGE), "--no-photo")

    assert main(["validate", str(folder / "site.yaml")]) == 0
    assert capsys.readouterr().out == "site.yaml: valid: 2 sections, 5 publications\n"
    numbers = json.loads((folder / "gs_data.json").read_text())
    snapshot = snapshot_from_gs_data(numbers, "P1RwlvoAAAAJ")
    assert (snapshot.citations, snapshot.h_index, len(snapshot.publications)) == (39, 4, 5)


def test_an_existing_site_is_never_overwritten_without_force(tmp_path, capsys):
    (tmp_path / "site.yaml").write_text("my own work\n")

    code, out, err = run(capsys, "init", str(tmp_path), "--scholar-page", str(COMPLETE_PAGE))

    assert (code, out) == (1, [])
    assert err == [f"acadpage: {tmp_path}/site.yaml: already exists; pass --force to replace it"]
    assert (tmp_path / "site.yaml").read_text() == "my own work\n"
    assert not (tmp_path / "media").exists()

    code, _, _ = run(
        capsys, "init", str(tmp_path), "--scholar-page", str(COMPLETE_PAGE), "--force", "--no-photo"
    )
    assert code == 0 and written_site(tmp_path).profile.name == "WENRUI ZUO"


SAVE_AGAIN = (
    'until the profile itself shows, then save it again (File > Save Page As, "Webpage, HTML only")'
)
SIGN_IN_PAGE = (
    "<html><head><title>Sign in - Google Accounts</title></head><body>"
    '<form action="https://accounts.google.com/v3/signin/_/AccountsSignInUi/data">'
    '<input type="email" id="identifierId"></form></body></html>'
)


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        ("<html><body>Our systems have detected unusual traffic</body></html>",
         "Scholar blocked this save: the file is a captcha or 'unusual traffic' page, not your "
         "profile; open your profile in the browser, answer the captcha (or wait an hour) "
         f"{SAVE_AGAIN}"),
        (SIGN_IN_PAGE,
         "Scholar blocked this save: the file is Google's sign-in page, not your profile; open "
         "your profile in the browser, sign in to Google (or open it in another browser) "
         f"{SAVE_AGAIN}"),
        ("<html><body><h1>My page</h1></body></html>",
         "expected a saved Google Scholar profile page, got a page acadpage does not know"),
    ],
)  # fmt: skip
def test_a_saved_file_that_is_no_profile_page_is_named_and_nothing_is_written(
    tmp_path, capsys, page, reason
):
    saved = tmp_path / "saved.html"
    saved.write_text(page)

    code, out, err = run(capsys, "init", str(tmp_path / "site"), "--scholar-page", str(saved))

    assert (code, out) == (1, [])
    assert err == [f"acadpage: {saved}: {reason}"]
    assert not (tmp_path / "site").exists()


def page_with(html: str, **replacements: str) -> str:
    for old, new in replacements.items():
        html = html.replace(old, new)
    return html


def with_photo(html: str, url: str) -> str:
    """The page with its profile photo at `url`."""
    return re.sub(r'(<img[^>]*?) src="[^"]*"( id="gsc_prf_pup-img")', rf'\1 src="{url}"\2', html)


def scholar_route(pages: list[str]):
    """/citations answering the page of each cstart, in order."""

    def answer(request: RecordedRequest) -> Reply:
        number = int(request.query["cstart"][0]) // 100
        return Reply(200, HTML, pages[number])

    return answer


@pytest.fixture
def server():
    with LocalHTTPServer() as local:
        yield local


@pytest.fixture
def no_proxy(monkeypatch):
    """requests must reach 127.0.0.1 directly, whatever proxy this shell names."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("ACADPAGE_SCHOLAR_DELAY", "0")


def test_init_from_scholar_fetches_every_page_and_the_photo(tmp_path, capsys, server, no_proxy):
    first = with_photo(profile_page(0, 100, more=True), f"{server.url}/photo?user=amIMrIEAAAAJ")
    server.route("/citations", scholar_route([first, profile_page(100, 30, more=False)]))
    server.route("/photo", Reply(200, {"Content-Type": "image/jpeg"}, JPEG))
    folder = tmp_path / "site"

    code, out, err = run(
        capsys, "init", str(folder), "--scholar", "amIMrIEAAAAJ", "--scholar-url", server.url
    )

    assert code == 0, err
    assert err == [
        "scholar: page 1 fetched, 100 rows so far",
        "scholar: page 2 fetched, 130 rows so far",
    ]
    site = written_site(folder)
    assert site.profile.name == "Bangar Raju Cherukuri"
    assert site.profile.avatar == "avatar.jpg"
    assert (folder / "media" / "avatar.jpg").read_bytes() == JPEG
    assert (
        out[1]
        == f"wrote {folder}/media/avatar.jpg (the photo from {server.url}/photo?user=amIMrIEAAAAJ)"
    )
    papers = publications(site)
    assert len(papers) == 130 and len({paper.scholar_id for paper in papers}) == 130
    assert all(paper.scholar_id.startswith("amIMrIEAAAAJ:") for paper in papers)
    assert [request.query["cstart"] for request in server.requests[:2]] == [["0"], ["100"]]
    (photo_request,) = [request for request in server.requests if request.path == "/photo"]
    assert photo_request.headers["User-Agent"].startswith("Mozilla/5.0")


@pytest.mark.parametrize(
    "photo",
    [
        Reply(404, {"Content-Type": "text/plain"}, "gone"),
        Reply(200, {"Content-Type": "image/jpeg"}, "<html>not an image</html>"),
    ],
)
def test_a_photo_that_cannot_be_fetched_gives_the_default_avatar(
    tmp_path, capsys, server, no_proxy, photo
):
    page = with_photo(profile_page(0, 3, more=False), f"{server.url}/photo")
    server.route("/citations", Reply(200, HTML, page))
    server.route("/photo", photo)

    code, out, _ = run(
        capsys, "init", str(tmp_path), "--scholar", "amIMrIEAAAAJ", "--scholar-url", server.url
    )

    assert code == 0
    assert out[0].startswith("photo not ") and out[0].endswith("using the default avatar")
    assert f"wrote {tmp_path}/media/avatar.svg (the default avatar)" in out
    assert written_site(tmp_path).profile.avatar == "avatar.svg"
    assert (tmp_path / "media" / "avatar.svg").read_text().count(">B</text>") == 1  # the initial
    assert not (tmp_path / "media" / "avatar.jpg").exists()


def test_a_blocked_scholar_says_to_save_the_page_instead(tmp_path, capsys, server, no_proxy):
    server.route("/citations", Reply(429, HTML, "slow down"))

    code, out, err = run(
        capsys,
        "init",
        str(tmp_path / "s"),
        "--scholar",
        "amIMrIEAAAAJ",
        "--scholar-url",
        server.url,
    )

    assert (code, out) == (1, [])
    assert err == [
        "acadpage: Google Scholar page 1 of profile amIMrIEAAAAJ: Scholar refused with HTTP 429; "
        "try again later or set a proxy. Save your profile page from the browser and run "
        f"`acadpage init {tmp_path}/s --scholar-page FILE`."
    ]
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("title", [
    'A "quoted" title: with # and \\ and a colon',
    "Line\u2028separator and tab\t and emoji 🎉 and ünïcödé",
    "- starts like a list item",
    "yes",
    "null",
])  # fmt: skip
def test_whatever_a_profile_says_the_file_validates_and_reads_back_exactly(tmp_path, capsys, title):
    html = first_page_html()
    row_title = re.search(r'class="gsc_a_at"[^>]*>([^<]*)<', html).group(1)
    page = tmp_path / "page.html"
    escaped = title.replace("&", "&amp;").replace("<", "&lt;")
    page.write_text(page_with(html, **{row_title: escaped, "Bangar Raju": f"{escaped} Bangar"}))

    code, _, err = run(
        capsys, "init", str(tmp_path / "s"), "--scholar-page", str(page), "--no-photo"
    )

    assert code == 0, err
    site = written_site(tmp_path / "s")
    expected = " ".join(title.split())  # Scholar's text, whitespace folded as the parser does
    assert site.profile.name == f"{expected} Bangar Cherukuri"
    assert expected in [paper.title for paper in publications(site)]


def openalex_routes(server, works: list[dict]) -> None:
    author = (FIXTURES / "openalex" / "author_A5023888391.json").read_text("utf-8")
    server.route("/authors/orcid:0000-0001-6187-6610", Reply(200, {}, author))
    server.route("/authors/A5023888391", Reply(200, {}, author))
    listing = {"meta": {"next_cursor": None}, "results": works}
    server.route("/works", Reply(200, {"Content-Type": "application/json"}, json.dumps(listing)))


@pytest.mark.parametrize(
    "source", [("--openalex", "A5023888391"), ("--orcid", "0000-0001-6187-6610")]
)
def test_init_from_openalex_or_an_orcid(tmp_path, capsys, server, no_proxy, source):
    works = [
        {"id": "https://openalex.org/W1", "display_name": "The state of OA", "cited_by_count": 900,
         "publication_year": 2018, "primary_location": {"source": {"display_name": "PeerJ"}},
         "authorships": [{"author": {"display_name": "Heather Piwowar"}},
                         {"author": {"display_name": "Jason Priem"}}]},
        {"id": "https://openalex.org/W2", "display_name": "Altmetrics: a manifesto",
         "cited_by_count": 50, "publication_year": 2010, "authorships": []},
    ]  # fmt: skip
    openalex_routes(server, works)

    code, _, err = run(capsys, "init", str(tmp_path), *source, "--openalex-url", server.url)

    assert code == 0, err
    site = written_site(tmp_path)
    assert (site.profile.name, site.profile.employer) == ("Jason Priem", "OurResearch")
    assert site.profile.google_scholar_id == ""
    assert not (tmp_path / "gs_data.json").exists()  # OpenAlex ids are no Scholar numbers
    papers = publications(site)
    assert [(paper.title, paper.venue, paper.year, paper.scholar_id) for paper in papers] == [
        ("The state of OA", "PeerJ", 2018, ""),
        ("Altmetrics: a manifesto", "", 2010, ""),
    ]
    assert [(a.name, a.is_owner) for a in papers[0].authors] == [
        ("Heather Piwowar", False),
        ("Jason Priem", True),
    ]
    if source[0] == "--orcid":
        assert ("orcid", "https://orcid.org/0000-0001-6187-6610") in {
            (link.kind, link.url) for link in site.profile.links
        }


# --- the first hour of a new user (issue: commands that agree, words that are true) -------------


def test_dir_after_the_saved_pages_is_the_site_folder(tmp_path, capsys):
    folder = tmp_path / "mysite"

    code, _, err = run(
        capsys, "init", "--scholar-page", str(COMPLETE_PAGE), str(folder), "--no-photo"
    )

    assert (code, err) == (0, [])
    assert written_site(folder).profile.name == "WENRUI ZUO"


def test_without_dir_init_says_how_to_name_it(tmp_path, capsys):
    code, _, err = run(capsys, "init", "--scholar-page", str(COMPLETE_PAGE))

    assert (code, err) == (
        1,
        ["acadpage: DIR: name the site's folder, e.g. "
         "`acadpage init mysite --scholar-page profile.html`"],
    )  # fmt: skip


def test_a_first_page_that_offers_more_rows_is_not_taken_silently(tmp_path, capsys):
    first = SCHOLAR_PAGES / "profile_amIMrIEAAAAJ_first_page.html"

    code, out, err = run(
        capsys, "init", str(tmp_path / "s"), "--scholar-page", str(first), "--no-photo"
    )

    assert code == 0 and "20 publications" in out[0]
    assert err == [
        f"note: {first}: Scholar has more rows than these pages hold (the page offers "
        "'Show more'): only 20 publications were read. For every row, save "
        "https://scholar.google.com/citations?user=amIMrIEAAAAJ&pagesize=100 (and &cstart=100, "
        "&cstart=200, ... for more than 100 papers) and give every file, the first page first"
    ]


def test_the_served_page_names_the_saved_page_and_its_date(tmp_path, capsys, aws, local_settings):
    """Not "From imported gs_data.json, updated today": the numbers are a saved page's."""
    from chalicelib import runtime
    from chalicelib.aws.embedded import seed_embedded_aws

    saved = tmp_path / "profile.html"
    saved.write_bytes(COMPLETE_PAGE.read_bytes())
    os.utime(saved, (time.time() - 3 * 86400,) * 2)
    run(capsys, "init", str(tmp_path / "site"), "--scholar-page", str(saved), "--no-photo")

    seed_embedded_aws(
        local_settings, runtime.s3_client(), runtime.dynamodb_client(), tmp_path / "site"
    )
    runtime.reset()
    html = runtime.homepage().page(None).body

    source = re.search(r'<p class="citation-source[^"]*">(.*?)</p>', html, re.S).group(1)
    assert " ".join(source.split()).startswith(
        "From a Google Scholar page saved in the browser, saved 3 days ago ("
    )
