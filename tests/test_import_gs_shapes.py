"""gs_data.json files written by other crawlers than scholarly, and whose profile they are."""

from __future__ import annotations

import pytest

from chalicelib.citations.gs_data import (
    GsDataError,
    check_gs_data_owner,
    gs_data_owner,
    recounted_fields,
    snapshot_from_gs_data,
)

OWNER = "AbCdEfGhIjKl"
BASE = {"citedby": 12, "hindex": 2, "i10index": 1, "updated": "2025-01-02 03:04:05"}


@pytest.mark.parametrize(
    ("paper", "citations"),
    [
        ({"bib": {"title": "Owls", "pub_year": "2020"}, "num_citations": 7}, 7),
        ({"bib": {"title": "Owls", "pub_year": "2020"}, "cited_by": {"value": 7}}, 7),
        ({"title": "Owls", "year": "2020", "cited_by": {"value": 7, "link": "https://x"}}, 7),
        ({"title": "Owls", "year": "2020", "cited_by": {"value": None}}, 0),
    ],
    ids=["num_citations", "cited_by-in-bib-form", "cited_by-flat", "cited_by-empty"],
)
def test_each_papers_count_is_read_from_either_field(paper, citations):
    document = {**BASE, "publications": {f"{OWNER}:p1": paper}}
    (read,) = snapshot_from_gs_data(document, OWNER).publications
    assert (read.id, read.title, read.year, read.citations) == (
        f"{OWNER}:p1",
        "Owls",
        2020,
        citations,
    )


def test_a_listed_publications_form_is_keyed_by_its_ids():
    papers = [{"citation_id": f"{OWNER}:p1", "title": "Owls", "cited_by": {"value": 3}}]
    snapshot = snapshot_from_gs_data({**BASE, "publications": papers}, OWNER)
    assert [(p.id, p.citations) for p in snapshot.publications] == [(f"{OWNER}:p1", 3)]


@pytest.mark.parametrize("left_out", [("hindex",), ("hindex", "i10index"), ("citedby", "hindex")])
def test_totals_a_crawler_left_out_are_counted_from_the_rows(left_out):
    counts = [120, 40, 12, 9, 3, 0]
    papers = {f"{OWNER}:p{i}": {"title": f"P{i}", "num_citations": n} for i, n in enumerate(counts)}
    document = {**BASE, "citedby": 184, "hindex": 4, "i10index": 3, "publications": papers}
    for name in left_out:
        del document[name]
    snapshot = snapshot_from_gs_data(document, OWNER)
    assert (snapshot.citations, snapshot.h_index, snapshot.i10_index) == (184, 4, 3)
    assert len(snapshot.publications) == 6
    assert recounted_fields(document) == left_out


def test_a_total_without_rows_to_count_it_from_is_refused():
    document = {key: value for key, value in BASE.items() if key != "hindex"}
    with pytest.raises(GsDataError, match="hindex: expected an integer, got nothing"):
        snapshot_from_gs_data(document, OWNER)


def test_missing_per_year_and_five_year_fields_are_tolerated():
    snapshot = snapshot_from_gs_data(BASE, OWNER)
    assert (snapshot.citations, snapshot.h_index, snapshot.i10_index) == (12, 2, 1)
    assert (snapshot.citations_since, snapshot.since_year, snapshot.cites_per_year) == (
        None,
        None,
        (),
    )


@pytest.mark.parametrize(
    ("document", "owner"),
    [
        ({"scholar_id": OWNER}, OWNER),
        ({"publications": {f"{OWNER}:a": {}, f"{OWNER}:b": {}}}, OWNER),
        ({"publications": {f"{OWNER}:a": {}, "ZyXwVuTsRqPo:b": {}}}, ""),
        ({"scholar_id": "YOUR_GOOGLE_SCHOLAR_ID"}, ""),
        ([], ""),
    ],
    ids=["scholar_id", "publication-keys", "mixed-keys", "placeholder", "not-an-object"],
)
def test_the_files_own_scholar_user(document, owner):
    assert gs_data_owner(document) == owner


def test_a_file_of_another_scholar_user_is_refused():
    with pytest.raises(GsDataError) as raised:
        check_gs_data_owner({"scholar_id": OWNER}, "ZyXwVuTsRqPo")
    assert str(raised.value) == (
        f"gs_data.json scholar_id: the file holds the numbers of Scholar user '{OWNER}', but it "
        "would be imported under this site's profile 'ZyXwVuTsRqPo'; nothing was imported (pass "
        f"--scholar-id {OWNER} if this is your profile)"
    )
    check_gs_data_owner({"scholar_id": OWNER}, OWNER)
    check_gs_data_owner({"citedby": 1}, "ZyXwVuTsRqPo")
