"""Reading OpenAlex and Semantic Scholar author records into citation snapshots."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.citations.model import PaperCitations
from chalicelib.citations.open_sources import (
    SourceFormatError,
    openalex_snapshot,
    semanticscholar_snapshot,
    valid_openalex_id,
    valid_semanticscholar_id,
)
from chalicelib.errors import UserError

FIXTURES = Path(__file__).parent / "fixtures"
FETCHED_AT = datetime(2026, 2, 1, 6, 0, tzinfo=UTC)

OPENALEX_WORKS = [
    {
        "id": "https://openalex.org/W2741809807",
        "display_name": "The state of OA: a large-scale analysis",
        "publication_year": 2018,
        "cited_by_count": 1500,
        "authorships": [
            {"author": {"display_name": "Heather Piwowar"}},
            {"author": {"display_name": "Jason Priem"}},
        ],
        "primary_location": {"source": {"display_name": "PeerJ"}},
    },
    {
        "id": "https://openalex.org/W3000000001",
        "display_name": "A preprint without a venue",
        "publication_year": None,
        "cited_by_count": 0,
        "authorships": [],
        "primary_location": None,
    },
]


@pytest.fixture
def openalex_author() -> dict:
    return json.loads((FIXTURES / "openalex" / "author_A5023888391.json").read_text("utf-8"))


@pytest.fixture
def semanticscholar_author() -> dict:
    path = FIXTURES / "semanticscholar" / "author_2262347_with_papers.json"
    return json.loads(path.read_text("utf-8"))


# --- OpenAlex -----------------------------------------------------------------------------


def test_openalex_author_gives_totals_indices_and_citations_per_year(openalex_author):
    snapshot = openalex_snapshot(openalex_author, None, FETCHED_AT)

    assert snapshot.source == "openalex"
    assert snapshot.profile_id == "A5023888391"
    assert snapshot.fetched_at == FETCHED_AT
    assert (snapshot.citations, snapshot.h_index, snapshot.i10_index) == (3890, 17, 20)
    assert snapshot.name == "Jason Priem"
    assert snapshot.affiliation == "OurResearch"
    assert snapshot.cites_per_year == (
        (2012, 98),
        (2013, 260),
        (2014, 317),
        (2015, 358),
        (2016, 236),
        (2017, 303),
        (2018, 321),
        (2019, 369),
        (2020, 431),
        (2021, 354),
        (2022, 317),
        (2023, 317),
        (2024, 314),
        (2025, 80),
    )
    assert snapshot.publications == ()
    assert snapshot.citations_since is None


def test_openalex_works_become_publications(openalex_author):
    snapshot = openalex_snapshot(openalex_author, OPENALEX_WORKS, FETCHED_AT)

    assert snapshot.publications == (
        PaperCitations(
            id="W2741809807",
            title="The state of OA: a large-scale analysis",
            citations=1500,
            authors="Heather Piwowar, Jason Priem",
            venue="PeerJ",
            year=2018,
        ),
        PaperCitations(id="W3000000001", title="A preprint without a venue", citations=0),
    )
    assert snapshot.paper_counts() == {"W2741809807": 1500, "W3000000001": 0}


def _without(record: dict, *path: str) -> dict:
    changed = copy.deepcopy(record)
    target = changed
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return changed


def _with(record: dict, value: object, *path: str | int) -> dict:
    changed = copy.deepcopy(record)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda a: _without(a, "cited_by_count"),
            "OpenAlex author: cited_by_count: expected a value, got nothing (field missing)",
        ),
        (
            lambda a: _without(a, "summary_stats"),
            "OpenAlex author: summary_stats: expected a value, got nothing (field missing)",
        ),
        (
            lambda a: _with(a, None, "summary_stats"),
            "OpenAlex author: summary_stats: expected an object, got None",
        ),
        (
            lambda a: _with(a, "17", "summary_stats", "h_index"),
            "OpenAlex author: summary_stats: h_index: expected a whole number >= 0, got '17'",
        ),
        (
            lambda a: _with(a, -1, "summary_stats", "i10_index"),
            "OpenAlex author: summary_stats: i10_index: expected a whole number >= 0, got -1",
        ),
        (
            lambda a: _with(a, {"year": 2020}, "counts_by_year"),
            "OpenAlex author: counts_by_year: expected a list, got {'year': 2020}",
        ),
        (
            lambda a: _without(a, "counts_by_year", 3, "cited_by_count"),
            "OpenAlex author: counts_by_year[3]: cited_by_count: expected a value, "
            "got nothing (field missing)",
        ),
        (
            lambda a: _with(a, 12, "id"),
            "OpenAlex author: id: expected a non-empty string, got 12",
        ),
        (
            lambda a: [a],
            "OpenAlex author: expected an object, got [{'id': 'https://openalex.org/A502388...",
        ),
    ],
    ids=[
        "no-total",
        "no-summary",
        "null-summary",
        "h-index-text",
        "negative-i10",
        "per-year-not-list",
        "per-year-entry-short",
        "id-not-text",
        "not-an-object",
    ],
)
def test_a_malformed_openalex_author_names_the_field(openalex_author, change, message):
    with pytest.raises(SourceFormatError) as error:
        openalex_snapshot(change(openalex_author), None, FETCHED_AT)

    assert str(error.value) == message
    assert isinstance(error.value, UserError)


@pytest.mark.parametrize(
    ("works", "message"),
    [
        (["W1"], "OpenAlex works[0]: expected an object, got 'W1'"),
        (
            [OPENALEX_WORKS[0], {"id": "https://openalex.org/W2"}],
            "OpenAlex works[1]: cited_by_count: expected a value, got nothing (field missing)",
        ),
    ],
    ids=["work-not-object", "work-without-count"],
)
def test_a_malformed_openalex_work_names_its_index(openalex_author, works, message):
    with pytest.raises(SourceFormatError) as error:
        openalex_snapshot(openalex_author, works, FETCHED_AT)

    assert str(error.value) == message


# --- Semantic Scholar ---------------------------------------------------------------------


def test_semanticscholar_author_gives_totals_and_counts_i10_from_papers(semanticscholar_author):
    snapshot = semanticscholar_snapshot(semanticscholar_author, FETCHED_AT)

    assert snapshot.source == "semanticscholar"
    assert snapshot.profile_id == "2262347"
    assert snapshot.name == "A. Turing"
    assert (snapshot.citations, snapshot.h_index, snapshot.i10_index) == (12415, 23, 26)
    assert snapshot.cites_per_year == ()
    assert len(snapshot.publications) == 60
    assert snapshot.publications[1] == PaperCitations(
        id="947efa54175145240c1a33f62321f23db43571e7",
        title="Systems of Logic Based on Ordinals",
        citations=328,
        authors="A. Turing",
        venue="Alan Turing's Systems of Logic",
        year=2012,
    )
    assert max(snapshot.paper_counts().values()) == 8596
    assert sum(paper.year is None for paper in snapshot.publications) == 1


def test_semanticscholar_author_without_papers_has_no_publications_and_i10_zero(
    semanticscholar_author,
):
    snapshot = semanticscholar_snapshot(_without(semanticscholar_author, "papers"), FETCHED_AT)

    assert (snapshot.citations, snapshot.h_index, snapshot.i10_index) == (12415, 23, 0)
    assert snapshot.publications == ()


def test_a_semanticscholar_paper_with_a_null_count_counts_zero(semanticscholar_author):
    author = _with(semanticscholar_author, None, "papers", 1, "citationCount")

    snapshot = semanticscholar_snapshot(author, FETCHED_AT)

    assert snapshot.publications[1].citations == 0
    assert snapshot.i10_index == 25


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda a: _without(a, "authorId"),
            "Semantic Scholar author: authorId: expected a value, got nothing (field missing)",
        ),
        (
            lambda a: _with(a, 12.5, "hIndex"),
            "Semantic Scholar author: hIndex: expected a whole number >= 0, got 12.5",
        ),
        (
            lambda a: _with(a, True, "citationCount"),
            "Semantic Scholar author: citationCount: expected a whole number >= 0, got True",
        ),
        (
            lambda a: _with(a, "many", "papers"),
            "Semantic Scholar author: papers: expected a list, got 'many'",
        ),
        (
            lambda a: _without(a, "papers", 4, "paperId"),
            "Semantic Scholar author: papers[4]: paperId: expected a value, "
            "got nothing (field missing)",
        ),
    ],
    ids=["no-id", "h-index-float", "count-bool", "papers-not-list", "paper-without-id"],
)
def test_a_malformed_semanticscholar_author_names_the_field(
    semanticscholar_author, change, message
):
    with pytest.raises(SourceFormatError) as error:
        semanticscholar_snapshot(change(semanticscholar_author), FETCHED_AT)

    assert str(error.value) == message


# --- ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("author_id", "valid"),
    [
        ("A5023888391", True),
        ("0000-0001-6187-6610", True),
        ("0000-0002-1694-233X", True),
        ("a5023888391", False),
        ("A", False),
        ("W2741809807", False),
        ("https://openalex.org/A5023888391", False),
        ("0000-0001-6187-661", False),
        ("A5023888391/../works", False),
        ("", False),
    ],
)
def test_valid_openalex_id(author_id, valid):
    assert valid_openalex_id(author_id) is valid


@pytest.mark.parametrize(
    ("author_id", "valid"),
    [
        ("2262347", True),
        ("1", True),
        ("", False),
        ("2262347a", False),
        ("-1", False),
        ("2262347/papers", False),
        ("2262347\n", False),
    ],
)
def test_valid_semanticscholar_id(author_id, valid):
    assert valid_semanticscholar_id(author_id) is valid
