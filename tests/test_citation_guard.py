"""The guard's rules one by one, on snapshots made to measure (pure: no store, no network)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from chalicelib.citations.guard import consistency_problem, h_index_of, judge, recent_high
from chalicelib.citations.model import PaperCitations
from chalicelib.citations.state import HistoryPoint
from tests.test_citation_views import NOW, snapshot_of
from tests.test_refresh import consistent


def made_of(counts, **changes):
    """A consistent snapshot whose rows have `counts`, then `changes` applied."""
    papers = tuple(
        PaperCitations(id=f"P1RwlvoAAAAJ:p{n:04d}", title=f"Paper {n}", citations=count)
        for n, count in enumerate(counts)
    )
    return replace(consistent(replace(snapshot_of(), publications=papers)), **changes)


ROWS = [30, 20, 15, 12, 10, 5, 3, 3, 1, 1]  # 100 citations, h 5, i10 5


def test_a_snapshot_made_to_measure_is_consistent():
    snapshot = made_of(ROWS)
    assert (snapshot.citations, snapshot.h_index, snapshot.i10_index) == (100, 5, 5)
    assert consistency_problem(snapshot) == ""


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"citations": 123}, "the 10 rows add up to only 100 of the total of 123 citations, "
                             "although the list is complete"),
        ({"citations": 122}, ""),  # 10% of the total and 10 citations of slack
        ({"citations": 82}, ""),
        ({"citations": 81}, "the rows add up to 100 citations, far more than the total of 81"),
        ({"citations": 123, "partial": True}, ""),  # a partial list may add up to less
        ({"h_index": 8}, "the h-index is 8 but the rows give 5"),
        ({"h_index": 7}, ""),  # 2 either way
        ({"h_index": 0}, "the h-index is 0 but the rows give 5"),
        ({"h_index": 9, "partial": True}, ""),  # unreached rows may raise it
        ({"h_index": 2, "partial": True}, "the h-index is 2 but the rows give 5"),
        ({"i10_index": 0}, "the i10-index is 0 but the rows give 5"),
        ({"cites_per_year": ((2023, 60), (2024, 61))},
         "the per-year bars add up to 121 citations, more than the total of 100"),
        ({"cites_per_year": ((2023, 60), (2024, 60))}, ""),
    ],
)  # fmt: skip
def test_consistency_rules(changes, problem):
    assert consistency_problem(made_of(ROWS, **changes)) == problem


def test_merged_rows_explain_a_total_below_the_rows():
    merged = made_of(ROWS, citations=70, cites_per_year=((2024, 70),))
    papers = list(merged.publications)
    papers[0] = replace(papers[0], duplicate=True)  # Scholar struck its 30: counted elsewhere
    assert consistency_problem(replace(merged, publications=tuple(papers))) == ""


def test_h_index_of_counts():
    assert [h_index_of(c) for c in ([], [0], [1], [5, 5, 5], [10, 9, 8, 1])] == [0, 0, 1, 3, 3]


def history(*points):
    return [
        HistoryPoint(NOW.date() - timedelta(days=age), c, h, i, p) for age, c, h, i, p in points
    ]


def test_the_high_is_taken_over_the_last_30_days_and_the_stored_snapshot():
    points = history((31, 900, 9, 9, 20), (30, 500, 6, 6, 12), (3, 200, 5, 5, 10))
    high = recent_high(made_of(ROWS), points, now=NOW)
    assert (high.citations, high.h_index, high.publications, high.since) == (
        500,
        6,
        12,
        date(2024, 3, 11),
    )


def test_history_before_an_accepted_drop_does_not_count():
    points = history((10, 500, 6, 6, 12), (1, 100, 5, 5, 10))
    high = recent_high(None, points, now=NOW, accepted_at=NOW - timedelta(days=2))
    assert high.citations == 100


@pytest.mark.parametrize(
    ("points", "reason"),
    [
        ([(5, 124, 5, 5, 10)], ""),  # 19% below the high
        ([(5, 125, 5, 5, 10)], ""),  # 20% exactly is published
        ([(5, 126, 5, 5, 10)], "the total fell 21%, to 100 from the high of 126 since 2024-04-05"),
        ([(5, 100, 5, 5, 13)],
         "the publication list fell 23%, to 10 from the high of 13 since 2024-04-05"),
        ([(5, 100, 7, 5, 10)], "the h-index fell 29%, to 5 from the high of 7 since 2024-04-05"),
        ([(5, 100, 5, 7, 10)], "the i10-index fell 29%, to 5 from the high of 7 since 2024-04-05"),
        ([(5, 49, 5, 5, 10)], ""),  # doubled, but by no more than 100 citations
        ([(40, 10, 1, 1, 2)], ""),  # older than the window
    ],
)  # fmt: skip
def test_falls_and_jumps_against_the_recent_high(points, reason):
    verdict = judge(made_of(ROWS, fetched_at=NOW), None, history(*points), now=NOW)
    assert verdict.reason == reason


def test_a_total_more_than_doubled_and_100_above_the_high_is_held_back():
    jumped = made_of([*ROWS, 200], fetched_at=NOW)  # 300 citations over a high of 100
    verdict = judge(jumped, made_of(ROWS, fetched_at=NOW - timedelta(days=1)), now=NOW)
    assert verdict.reason == "the total jumped to 300 from the high of 100 since 2024-04-09"


def test_zeros_where_there_were_numbers_are_held_back():
    verdict = judge(made_of([], fetched_at=NOW), made_of(ROWS), now=NOW)
    assert verdict.reason == (
        "the source answered 0 citations where it had 100; if the profile was merged or "
        "deleted, look up its new id"
    )


def test_a_partial_fetch_publishes_over_nothing_and_over_a_partial_one_keeping_its_rows():
    partial = made_of(ROWS[:5], fetched_at=NOW, partial=True, citations=100, h_index=5)
    assert judge(partial, None, now=NOW).publishable
    before = made_of(ROWS, fetched_at=NOW - timedelta(days=1), partial=True)
    verdict = judge(partial, before, now=NOW)
    assert verdict.publishable
    assert len(verdict.snapshot.publications) == 10


def test_the_doc_states_the_thresholds_the_guard_uses():
    from chalicelib.citations import guard
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "citations.md").read_text("utf-8")
    assert f"{guard.MAX_FALL:.0%} of the {guard.HISTORY_DAYS}-day high" in doc
    assert f"×{guard.JUMP_FACTOR:g} and +{guard.JUMP_MARGIN}" in doc
    assert f"{guard.ROWS_TOLERANCE:.0%} of the total + {guard.ROWS_SLACK} citations" in doc
    assert f"{guard.INDEX_TOLERANCE:.0%} or {guard.INDEX_SLACK}, whichever is more" in doc
    assert f"{guard.BARS_TOLERANCE:.0%} + {guard.ROWS_SLACK} citations" in doc
