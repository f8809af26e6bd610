"""A refresh: every attempt recorded, only sound numbers published, good numbers never lost."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
import requests

from chalicelib.citations.gs_data import gs_documents
from chalicelib.citations.guard import h_index_of
from chalicelib.citations.model import CitationSnapshot, PaperCitations
from chalicelib.citations.refresh import (
    SourceResult,
    accept_held_back,
    describe_result,
    refresh_citations,
    source_fetchers,
)
from chalicelib.citations.state import choose_display
from chalicelib.citations.stats_files import StatsWriter
from chalicelib.citations.store import CitationStore, CitationStoreError
from chalicelib.errors import UserError
from chalicelib.settings import Settings
from tests.test_citation_store import CallLog, long_profile
from tests.test_citation_views import NOW, snapshot_of

PROFILE = "P1RwlvoAAAAJ"
SETTINGS = Settings(scholar_id=PROFILE, openalex_id="A5023888391", semanticscholar_id="2262347")
BUCKET = "acadpage-site"
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Outcome:
    """What a fetcher returns, in the shape of chalicelib.citations.fetchers.FetchOutcome."""

    kind: str
    snapshot: CitationSnapshot | None = None
    detail: str = ""
    pages: int = 1
    truncated: bool = False


class FakeFetcher:
    """Answers with the outcomes given, in turn, and notes the ids it was asked for."""

    def __init__(self, *outcomes: Outcome | Exception):
        self.outcomes = list(outcomes)
        self.asked: list[str] = []

    def __call__(self, source_id: str) -> Outcome:
        self.asked.append(source_id)
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def consistent(snapshot: CitationSnapshot) -> CitationSnapshot:
    """`snapshot` with its total, h, i10 and per-year bars made to agree with its rows."""
    counts = [p.citations for p in snapshot.publications if not p.duplicate]
    total = sum(counts)
    return replace(
        snapshot,
        citations=total,
        h_index=h_index_of(counts),
        i10_index=sum(1 for count in counts if count >= 10),
        cites_per_year=((2023, total // 2), (2024, total - total // 2)),
    )


def self_consistent(source: str, citations: int, rows: int, own_id: str) -> CitationSnapshot:
    """A snapshot whose `rows` rows add up to `citations`, with h and i10 to match."""
    snapshot = snapshot_of(source, citations=citations, publications=rows, profile_id=own_id)
    base, extra = divmod(citations, rows) if rows else (0, 0)
    papers = tuple(
        replace(paper, citations=base + (1 if index < extra else 0))
        for index, paper in enumerate(snapshot.publications)
    )
    return consistent(replace(snapshot, publications=papers))


def ok(source: str, citations: int = 120, rows: int = 3, **changes) -> Outcome:
    """A successful, self-consistent fetch of `source`, under the source's own profile id."""
    own_id = {"scholar": PROFILE, "openalex": "A5023888391", "semanticscholar": "2262347"}[source]
    snapshot = self_consistent(source, citations, rows, own_id)
    return Outcome("ok", replace(snapshot, **changes), f"{source} fetched")


def fetchers(**by_source: Outcome | Exception | FakeFetcher) -> dict[str, FakeFetcher]:
    made = {
        source: FakeFetcher(Outcome("not_found", detail="no such author"))
        for source in SETTINGS_SOURCES
    }
    for source, answer in by_source.items():
        made[source] = answer if isinstance(answer, FakeFetcher) else FakeFetcher(answer)
    return made


SETTINGS_SOURCES = ("scholar", "openalex", "semanticscholar")


@pytest.fixture
def s3(aws):
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    return client


def refresh(store, fetcher_map, *, now=NOW, settings=SETTINGS, **options):
    return refresh_citations(settings, store, fetcher_map, now=now, **options)


def stored(store) -> dict[str, CitationSnapshot]:
    state = store.load_current(PROFILE)
    return dict(state.snapshots) if state else {}


# --- what gets published --------------------------------------------------------------------------


def test_refresh_publishes_each_source_into_its_own_snapshot(store):
    report = refresh(
        store,
        fetchers(
            scholar=ok("scholar", 120),
            openalex=ok("openalex", 90),
            semanticscholar=ok("semanticscholar", 80),
        ),
    )

    assert [(r.source, r.kind, r.published, r.held_back) for r in report.results] == [
        ("scholar", "ok", True, ""),
        ("openalex", "ok", True, ""),
        ("semanticscholar", "ok", True, ""),
    ]
    numbers = {source: s.citations for source, s in stored(store).items()}
    assert numbers == {"scholar": 120, "openalex": 90, "semanticscholar": 80}


def test_refresh_stores_every_source_under_the_site_profile_id(store):
    refresh(store, fetchers(openalex=ok("openalex", 90)))

    assert stored(store)["openalex"].profile_id == SETTINGS.profile_id == PROFILE


def test_refresh_asks_each_fetcher_for_its_configured_id_scholar_first(store):
    asked = []

    def blocked(source_id: str) -> Outcome:
        asked.append(source_id)
        return Outcome("blocked")

    refresh(store, dict.fromkeys(SETTINGS_SOURCES, blocked))

    assert asked == [PROFILE, "A5023888391", "2262347"]


def test_refresh_skips_sources_without_an_id(store):
    made = fetchers(openalex=ok("openalex"))

    report = refresh(store, made, settings=Settings(openalex_id="A5023888391"))

    assert [r.source for r in report.results] == ["openalex"]
    assert made["scholar"].asked == [] and made["openalex"].asked == ["A5023888391"]


def test_refresh_of_one_source_leaves_the_others_alone(store):
    made = fetchers(scholar=ok("scholar"), openalex=ok("openalex"))

    report = refresh(store, made, only="openalex")

    assert [r.source for r in report.results] == ["openalex"]
    assert made["scholar"].asked == []


def test_refresh_keeps_last_good_numbers_when_scholar_blocks(store):
    refresh(store, fetchers(scholar=ok("scholar", 120)))
    good = stored(store)["scholar"]

    report = refresh(
        store,
        fetchers(scholar=Outcome("blocked", detail="Google Scholar asked for a CAPTCHA.")),
        now=NOW + timedelta(days=1),
    )

    assert report.results[0] == SourceResult(
        "scholar", "blocked", False, "", "Google Scholar asked for a CAPTCHA.", 1
    )
    assert stored(store)["scholar"] == good
    status = store.load_current(PROFILE).status.sources["scholar"]
    assert (status.outcome, status.detail) == ("blocked", "Google Scholar asked for a CAPTCHA.")
    assert (status.last_attempt_at, status.last_success_at) == (NOW + timedelta(days=1), NOW)


def test_refresh_holds_back_a_drop_of_more_than_20_percent(store):
    refresh(store, fetchers(scholar=ok("scholar", 1000)))

    report = refresh(
        store,
        fetchers(scholar=ok("scholar", 790, fetched_at=NOW + timedelta(days=1))),
        now=NOW + timedelta(days=1),
    )

    reason = "the total fell 21%, to 790 from the high of 1000 since 2024-04-10"
    assert (report.results[0].published, report.results[0].held_back) == (False, reason)
    assert stored(store)["scholar"].citations == 1000
    status = store.load_current(PROFILE).status.sources["scholar"]
    assert (status.held_back, status.held_back_reason) == (True, reason)


def test_refresh_publishes_a_drop_of_20_percent_or_less(store):
    refresh(store, fetchers(scholar=ok("scholar", 1000)))

    report = refresh(
        store, fetchers(scholar=ok("scholar", 800, fetched_at=NOW + timedelta(days=1)))
    )

    assert report.results[0].published is True
    assert stored(store)["scholar"].citations == 800


def test_accept_drop_publishes_the_held_back_numbers_without_fetching_and_clears_the_flag(store):
    refresh(store, fetchers(scholar=ok("scholar", 1000)))
    later = ok("scholar", 500, fetched_at=NOW + timedelta(days=1))
    refresh(store, fetchers(scholar=later), now=NOW + timedelta(days=1))

    report = accept_held_back(SETTINGS, store, now=NOW + timedelta(days=2))

    assert [(r.source, r.published) for r in report.results] == [("scholar", True)]
    assert stored(store)["scholar"] == later.snapshot
    status = store.load_current(PROFILE).status.sources["scholar"]
    assert (status.held_back, status.accepted_at) == (False, NOW + timedelta(days=2))
    assert store.load_held(PROFILE, "scholar") is None


def test_after_accepting_a_drop_the_next_refresh_judges_from_the_accepted_numbers(store):
    refresh(store, fetchers(scholar=ok("scholar", 1000)))
    later = ok("scholar", 500, fetched_at=NOW + timedelta(days=1))
    refresh(store, fetchers(scholar=later), now=NOW + timedelta(days=1))
    accept_held_back(SETTINGS, store, now=NOW + timedelta(days=1, hours=1))

    report = refresh(
        store,
        fetchers(scholar=ok("scholar", 505, fetched_at=NOW + timedelta(days=2))),
        now=NOW + timedelta(days=2),
    )

    assert report.results[0].published is True


def test_accept_drop_never_publishes_numbers_kept_from_an_earlier_hold(store):
    refresh(store, fetchers(scholar=ok("scholar", 1000)))
    refresh(store, fetchers(scholar=ok("scholar", 500, fetched_at=NOW + timedelta(days=1))))
    refresh(store, fetchers(scholar=Outcome("ok", None, "empty")), now=NOW + timedelta(days=2))

    report = accept_held_back(SETTINGS, store, now=NOW + timedelta(days=2))

    assert [(r.published, r.detail) for r in report.results] == [
        (False, "the held-back numbers were not kept; run `acadpage refresh` again")
    ]
    assert stored(store)["scholar"].citations == 1000


def test_accept_drop_with_nothing_held_back_says_so(store):
    refresh(store, fetchers(scholar=ok("scholar", 1000)))

    with pytest.raises(UserError, match="nothing is held back for any source"):
        accept_held_back(SETTINGS, store, now=NOW)


def test_refresh_never_writes_zeros_over_good_numbers(store):
    refresh(store, fetchers(openalex=ok("openalex", 90)))

    report = refresh(
        store, fetchers(openalex=ok("openalex", 0, rows=0, fetched_at=NOW + timedelta(1)))
    )

    assert report.results[1].held_back == (
        "the source answered 0 citations where it had 90; if the profile was merged or "
        "deleted, look up its new id"
    )
    assert stored(store)["openalex"].citations == 90


def test_refresh_publishes_zero_for_a_profile_that_never_had_citations(store):
    report = refresh(store, fetchers(scholar=ok("scholar", 0, rows=0)))

    assert report.results[0].published is True


def test_refresh_holds_back_a_publication_list_that_shrank(store):
    refresh(store, fetchers(scholar=ok("scholar", 100, rows=50)))

    report = refresh(
        store,
        fetchers(scholar=ok("scholar", 100, rows=30, fetched_at=NOW + timedelta(days=1))),
    )

    assert report.results[0].held_back == (
        "the publication list fell 40%, to 30 from the high of 50 since 2024-04-10"
    )
    assert len(stored(store)["scholar"].publications) == 50


def test_a_partial_fetch_over_a_partial_one_keeps_the_stored_rows_it_did_not_reach(store):
    first = ok("scholar", 100, rows=50)
    refresh(store, fetchers(scholar=replace(first, truncated=True)))
    first_rows = stored(store)["scholar"].publications
    fetched = tuple(replace(p, citations=p.citations + 1) for p in first_rows[:20])
    later = consistent(replace(first.snapshot, fetched_at=NOW + timedelta(1), publications=fetched))
    partial = Outcome("ok", replace(later, citations=120), "page bound", truncated=True)

    report = refresh(store, fetchers(scholar=partial))

    assert report.results[0].published is True
    assert stored(store)["scholar"].publications == fetched + first_rows[20:]
    assert stored(store)["scholar"].partial is True


def test_a_partial_fetch_never_replaces_a_complete_list(store):
    refresh(store, fetchers(scholar=ok("scholar", 100, rows=50)))
    rows = stored(store)["scholar"].publications[:20]
    later = replace(ok("scholar", 100).snapshot, fetched_at=NOW + timedelta(1), publications=rows)

    report = refresh(store, fetchers(scholar=Outcome("ok", later, "page bound", truncated=True)))

    assert report.results[0].held_back == (
        "the fetch is partial (20 rows) and never replaces the complete list of 50 rows"
    )
    assert len(stored(store)["scholar"].publications) == 50


def test_an_ok_fetch_without_numbers_publishes_nothing(store):
    report = refresh(store, fetchers(scholar=Outcome("ok", None, "empty")))

    assert (report.results[0].published, report.results[0].held_back) == (
        False,
        "the fetch came back without numbers",
    )


def test_an_older_refresh_finishing_late_publishes_nothing(store):
    refresh(store, fetchers(scholar=ok("scholar", 130)))

    report = refresh(
        store, fetchers(scholar=ok("scholar", 125, fetched_at=NOW - timedelta(hours=1)))
    )

    assert (report.results[0].published, report.results[0].detail) == (
        False,
        "not published: a newer snapshot of this source is already stored",
    )
    assert stored(store)["scholar"].citations == 130


# --- failures -------------------------------------------------------------------------------------


def test_refresh_records_every_attempt_in_the_status(store):
    refresh(
        store,
        fetchers(
            scholar=Outcome("layout_changed", detail="no citation table"),
            openalex=Outcome("network_error", detail="timed out"),
            semanticscholar=ok("semanticscholar"),
        ),
    )

    sources = store.load_current(PROFILE).status.sources
    assert {name: (s.outcome, s.detail) for name, s in sources.items()} == {
        "scholar": ("layout_changed", "no citation table"),
        "openalex": ("network_error", "timed out"),
        "semanticscholar": ("ok", "semanticscholar fetched"),
    }
    assert [s.last_success_at for s in sources.values()] == [None, None, NOW]


def test_refresh_survives_a_fetcher_that_raises(store):
    report = refresh(
        store,
        fetchers(scholar=RuntimeError("parser bug"), openalex=ok("openalex")),
    )

    assert report.results[0] == SourceResult(
        "scholar", "error", False, "", "RuntimeError: parser bug"
    )
    assert report.results[1].published is True


def test_refresh_raises_on_storage_errors(aws):
    missing = CitationStore(boto3.client("dynamodb", region_name="us-east-1"), "no-such-table")

    with pytest.raises(CitationStoreError, match="DynamoDB table 'no-such-table' not found"):
        refresh(missing, fetchers(scholar=ok("scholar")))


# --- stats files ----------------------------------------------------------------------------------


def test_refresh_writes_stats_files_after_a_publish(store, s3):
    writer = StatsWriter(s3, BUCKET, "stats/")

    report = refresh(store, fetchers(scholar=ok("scholar", 120)), stats_writer=writer)

    assert report.stats_keys == ("stats/gs_data.json", "stats/gs_data_shieldsio.json")
    state = store.load_current(PROFILE)
    documents = gs_documents(choose_display(state, NOW, 14), state.snapshots)
    for key, document in zip(report.stats_keys, documents, strict=True):
        obj = s3.get_object(Bucket=BUCKET, Key=key)
        assert json.loads(obj["Body"].read()) == document
        assert obj["ContentType"] == "application/json"
        assert obj["CacheControl"] == "public, max-age=300"


def test_a_publish_reads_what_the_page_shows_once_after_writing_its_stats_files(
    store, s3, dynamodb
):
    writer = StatsWriter(s3, BUCKET, "stats/")
    log = CallLog(dynamodb)

    report = refresh(store, fetchers(scholar=ok("scholar", 120)), stats_writer=writer)

    assert report.shown_changed
    # the state and the history before the guard; the state before and after the stats files,
    # the last read also telling whether the shown numbers changed
    assert log.names().count("Query") == 4


def test_refresh_writes_stats_of_the_displayed_source(store, s3):
    refresh(store, fetchers(scholar=ok("scholar", 120)))
    later = NOW + timedelta(days=30)  # Scholar is stale by then and blocked

    refresh(
        store,
        fetchers(scholar=Outcome("blocked"), openalex=ok("openalex", 95, fetched_at=later)),
        now=later,
        stats_writer=StatsWriter(s3, BUCKET, "stats/"),
    )

    body = s3.get_object(Bucket=BUCKET, Key="stats/gs_data_shieldsio.json")["Body"].read()
    assert json.loads(body)["message"] == "95"


def test_refresh_writes_no_stats_when_nothing_was_published(store, s3):
    report = refresh(
        store, fetchers(scholar=Outcome("blocked")), stats_writer=StatsWriter(s3, BUCKET, "stats/")
    )

    assert report.stats_keys == ()
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)


# --- the write budget -----------------------------------------------------------------------------


def test_a_refresh_of_three_2000_publication_sources_takes_at_most_30_writes(store, dynamodb):
    def big(source: str, hours: int) -> Outcome:
        snapshot = consistent(long_profile(2000, source=source))
        return Outcome("ok", replace(snapshot, fetched_at=NOW + timedelta(hours=hours)))

    refresh(store, fetchers(**{s: big(s, 0) for s in SETTINGS_SOURCES}))
    log = CallLog(dynamodb)

    report = refresh(store, fetchers(**{s: big(s, 1) for s in SETTINGS_SOURCES}))

    assert all(result.published for result in report.results)
    assert log.writes() <= 30
    assert log.writes() == 15  # the figure docs/citations.md gives


# --- the rules, one by one ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "line"),
    [
        (
            SourceResult("scholar", "ok", True, snapshot=snapshot_of(citations=39)),
            "scholar: published 39 citations, h-index 7, i10-index 5 (3 publications)",
        ),
        (
            SourceResult("openalex", "ok", False, "the total fell 30%, from 10 to 7"),
            "openalex: held back, the total fell 30%, from 10 to 7; the stored numbers stay "
            "(`acadpage refresh --accept-drop` publishes the held ones)",
        ),
        (
            SourceResult("scholar", "blocked", False, detail="HTTP 429."),
            "scholar: blocked: HTTP 429.",
        ),
    ],
)
def test_each_result_reads_as_one_line(result, line):
    assert describe_result(result) == line


# --- with the real fetchers, against a local server -----------------------------------------------


def test_refresh_with_the_real_fetchers_against_a_local_server(store):
    from tests.httpserver import LocalHTTPServer, Reply

    page = (FIXTURES / "scholar" / "profile_P1RwlvoAAAAJ_complete.html").read_text("utf-8")
    html = {"Content-Type": "text/html; charset=utf-8"}
    with (
        LocalHTTPServer({"/citations": Reply(200, html, page)}) as server,
        requests.Session() as session,
    ):
        real = source_fetchers(
            Settings(scholar_id=PROFILE, scholar_delay_s=0),
            session,
            now=NOW,
            base_urls={"scholar": server.url},
            timeout_s=5,
        )
        report = refresh(store, real, settings=Settings(scholar_id=PROFILE))

    assert (report.results[0].kind, report.results[0].published) == ("ok", True)
    shown = stored(store)["scholar"]
    assert (shown.citations, shown.h_index, shown.i10_index, len(shown.publications)) == (
        39,
        4,
        2,
        5,
    )
    assert all(isinstance(p, PaperCitations) for p in shown.publications)
