"""`acadpage refresh --from-page`: Scholar pages saved in the browser, published through the
scheduled refresh's own parser, guard and publish path."""

from __future__ import annotations

import os
import time
from dataclasses import replace

import boto3
import pytest

from chalicelib.citations.model import PaperCitations
from tests.scholar_pages import profile_pages
from tests.test_citation_views import snapshot_of
from tests.test_cli_citations import BUCKET, PROFILE, run, table_store, workspace  # noqa: F401
from tests.test_cli_init import COMPLETE_PAGE, SCHOLAR_PAGES

FIRST_PAGE = SCHOLAR_PAGES / "profile_amIMrIEAAAAJ_first_page.html"


def test_a_saved_page_is_published_as_a_refresh(workspace, capsys, monkeypatch):  # noqa: F811
    monkeypatch.setenv("ACADPAGE_BUCKET", BUCKET)
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)

    code, out, err = run(capsys, "refresh", "--from-page", str(COMPLETE_PAGE))

    # nothing is fetched: the progress line says what happens, and the status where they came from
    assert (code, err) == (0, [f"scholar: reading the saved pages of {PROFILE}"])
    assert out == [
        "scholar: published 39 citations, h-index 4, i10-index 2 (5 publications)",
        f"wrote s3://{BUCKET}/stats/gs_data.json and s3://{BUCKET}/stats/gs_data_shieldsio.json",
    ]
    state = table_store().load_current(PROFILE)
    stored = state.snapshots["scholar"]
    assert (stored.citations, stored.name, len(stored.publications)) == (39, "WENRUI ZUO", 5)
    assert stored.origin == "saved-page"
    status = state.status.sources["scholar"]
    assert (status.outcome, status.detail, status.origin) == (
        "ok",
        f"saved Scholar pages {COMPLETE_PAGE.name}: 5 publications.",
        "saved-page",
    )


def test_the_pages_of_show_more_make_one_snapshot(workspace, tmp_path, capsys):  # noqa: F811
    first, second = tmp_path / "page1.html", tmp_path / "page2.html"
    pages = profile_pages([20] * 11 + [1] * 119)  # 339 citations, h 11, i10 11; 100 rows a page
    first.write_text(pages[0])
    second.write_text(pages[1])

    code, out, _ = run(
        capsys, "refresh", "--scholar-id", "amIMrIEAAAAJ", "--from-page", str(first), str(second)
    )

    assert code == 0
    assert out == ["scholar: published 339 citations, h-index 11, i10-index 11 (130 publications)"]
    stored = table_store().load_current("amIMrIEAAAAJ").snapshots["scholar"]
    assert len({paper.id for paper in stored.publications}) == 130


def test_a_saved_page_goes_through_the_refresh_guard(workspace, capsys):  # noqa: F811
    table_store().save_snapshot(snapshot_of(citations=1000))

    code, out, _ = run(capsys, "refresh", "--from-page", str(COMPLETE_PAGE))

    assert code == 1
    assert out == [
        "scholar: held back, the total fell 96%, to 39 from the high of 1000 since 2024-04-10; "
        "the stored numbers stay (`acadpage refresh --accept-drop` publishes the held ones)"
    ]
    assert table_store().load_current(PROFILE).snapshots["scholar"].citations == 1000

    code, out, _ = run(capsys, "refresh", "--from-page", str(COMPLETE_PAGE), "--accept-drop")
    assert code == 0
    assert table_store().load_current(PROFILE).snapshots["scholar"].citations == 39


def test_a_first_page_alone_is_partial_and_never_replaces_the_stored_rows(workspace, capsys):  # noqa: F811
    rest = PaperCitations("amIMrIEAAAAJ:not-on-page-1", "A less cited paper", 1)
    stored = replace(snapshot_of(citations=420, profile_id="amIMrIEAAAAJ"), publications=(rest,))
    table_store().save_snapshot(stored)

    code, out, _ = run(
        capsys, "refresh", "--scholar-id", "amIMrIEAAAAJ", "--from-page", str(FIRST_PAGE)
    )

    assert code == 1
    assert out == [
        "scholar: held back, the fetch is partial (20 rows) and never replaces the complete list "
        "of 1 rows; the stored numbers stay (`acadpage refresh --accept-drop` publishes the held "
        "ones)"
    ]
    rows = table_store().load_current("amIMrIEAAAAJ").snapshots["scholar"].publications
    assert rows == (rest,)


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (None, "these pages are of Scholar profile amIMrIEAAAAJ, not of P1RwlvoAAAAJ"),
        ("<html>unusual traffic from your computer network</html>",
         "Scholar blocked this save: the file is a captcha or 'unusual traffic' page, not your "
         "profile; open your profile in the browser, answer the captcha"),
    ],
)  # fmt: skip
def test_a_page_that_is_not_this_profile_is_refused_before_anything_is_recorded(
    workspace,  # noqa: F811
    tmp_path,
    capsys,
    page,
    message,
):
    saved = FIRST_PAGE if page is None else tmp_path / "saved.html"
    if page is not None:
        saved.write_text(page)

    code, out, err = run(capsys, "refresh", "--from-page", str(saved))

    assert (code, out, len(err)) == (1, [], 1)
    assert err[0].startswith(f"acadpage: {saved}: {message}")
    assert table_store().load_current(PROFILE) is None


def test_saved_pages_are_scholar_pages_only(workspace, capsys):  # noqa: F811
    code, _, err = run(capsys, "refresh", "--source", "openalex", "--from-page", str(COMPLETE_PAGE))
    assert (code, err) == (1, ["acadpage: --from-page: saved pages are Scholar's, not openalex's"])


def test_with_no_profile_configured_the_saved_page_names_it(workspace, capsys, monkeypatch):  # noqa: F811
    monkeypatch.delenv("ACADPAGE_SCHOLAR_ID")

    code, out, _ = run(capsys, "refresh", "--stage", "dev", "--from-page", str(COMPLETE_PAGE))

    assert code == 0
    assert out == ["scholar: published 39 citations, h-index 4, i10-index 2 (5 publications)"]
    assert table_store().load_current(PROFILE).snapshots["scholar"].citations == 39


def test_a_first_page_with_more_rows_says_so_and_is_kept_as_partial(workspace, capsys):  # noqa: F811
    code, _, err = run(
        capsys, "refresh", "--scholar-id", "amIMrIEAAAAJ", "--from-page", str(FIRST_PAGE)
    )

    assert code == 0
    assert (
        f"note: {FIRST_PAGE}: Scholar has more rows than these pages hold (the page offers "
        "'Show more'): only 20 publications were read. For every row, save "
        "https://scholar.google.com/citations?user=amIMrIEAAAAJ&pagesize=100 (and &cstart=100, "
        "&cstart=200, ... for more than 100 papers) and give every file, the first page first"
    ) in err
    state = table_store().load_current("amIMrIEAAAAJ")
    assert state.snapshots["scholar"].partial
    assert state.status.sources["scholar"].detail.endswith(
        "Scholar has more rows than the pages hold."
    )


def test_saved_numbers_are_dated_when_the_page_was_saved(workspace, tmp_path, capsys):  # noqa: F811
    saved = tmp_path / "profile.html"
    saved.write_bytes(COMPLETE_PAGE.read_bytes())
    three_days_ago = time.time() - 3 * 86400
    os.utime(saved, (three_days_ago, three_days_ago))

    run(capsys, "refresh", "--from-page", str(saved))

    stored = table_store().load_current(PROFILE).snapshots["scholar"]
    assert abs(stored.fetched_at.timestamp() - three_days_ago) < 1
