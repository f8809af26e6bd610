"""The refresh against a Scholar stand-in on 127.0.0.1: numbers nobody can poison."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import requests

from chalicelib.citations.refresh import (
    accept_held_back,
    refresh_citations,
    source_fetchers,
)
from chalicelib.citations.stats_files import StatsWriter
from chalicelib.citations.status import status_document
from chalicelib.settings import Settings
from tests.httpserver import LocalHTTPServer, RecordedRequest, Reply
from tests.scholar_pages import profile_pages
from tests.test_refresh import FakeFetcher, ok

USER = "amIMrIEAAAAJ"
SETTINGS = Settings(scholar_id=USER, scholar_delay_s=0, scholar_max_pages=30)
NOW = datetime(2026, 2, 1, 6, 0, tzinfo=UTC)
HTML = {"Content-Type": "text/html; charset=UTF-8"}
BUCKET = "acadpage-site"
# 150 rows, 425 citations, h-index 11, i10-index 12: the profile of the cases
PROFILE_COUNTS = [11] * 11 + [10] + [3] * 18 + [2] * 120
TOP_ROWS = 131  # the 12 rows that make h 11 and i10 12


class StandIn:
    """The Scholar stand-in: serves the pages it is given by their cstart; they can change."""

    def __init__(self, server: LocalHTTPServer):
        self.server = server
        self.pages: list[str] = []
        self.cut_page: int | None = None  # a page number served cut at 60% of its bytes
        self.endless = False
        server.route("/citations", self.answer)

    def serve(self, pages: list[str], *, cut_page: int | None = None, endless=False) -> None:
        self.pages, self.cut_page, self.endless = pages, cut_page, endless

    def answer(self, request: RecordedRequest) -> Reply:
        cstart = int(request.query["cstart"][0])
        if self.endless:  # a profile that always offers "Show more", with new rows every time
            page = profile_pages([1] * (cstart + 100), total=425)[cstart // 100]
            return Reply(200, HTML, page.replace(" disabled class=", " class="))
        number = cstart // 100
        page = self.pages[number]
        if number == self.cut_page:
            page = page[: int(len(page) * 0.6)]
        return Reply(200, HTML, page)


@pytest.fixture
def scholar():
    with LocalHTTPServer() as server:
        yield StandIn(server)


def refresh_from(scholar: StandIn, store, now: datetime, **options):
    with requests.Session() as session:
        real = source_fetchers(
            SETTINGS, session, now=now, base_urls={"scholar": scholar.server.url}, timeout_s=5
        )
        return refresh_citations(SETTINGS, store, real, now=now, **options)


def shown(store):
    return store.load_current(USER).snapshots["scholar"]


def first_good_refresh(scholar, store):
    scholar.serve(profile_pages(PROFILE_COUNTS))
    report = refresh_from(scholar, store, NOW)
    assert report.results[0].published is True
    assert (shown(store).citations, len(shown(store).publications)) == (425, 150)


def test_a_total_of_999_999_999_999_is_held_back_and_the_next_correct_refresh_publishes(
    scholar, store
):
    first_good_refresh(scholar, store)
    scholar.serve(profile_pages(PROFILE_COUNTS, total=999_999_999_999))

    poisoned = refresh_from(scholar, store, NOW + timedelta(days=1))

    assert poisoned.results[0].held_back == (
        "the 150 rows add up to only 425 of the total of 999999999999 citations, "
        "although the list is complete"
    )
    assert shown(store).citations == 425
    scholar.serve(profile_pages([*PROFILE_COUNTS[:-1], 3]))
    assert refresh_from(scholar, store, NOW + timedelta(days=2)).results[0].published is True
    assert shown(store).citations == 426


def test_a_total_of_999_999_999_999_is_held_back_even_on_the_first_refresh(scholar, store):
    scholar.serve(profile_pages(PROFILE_COUNTS, total=999_999_999_999))

    report = refresh_from(scholar, store, NOW)

    assert report.results[0].published is False
    assert store.load_current(USER).snapshots == {}


def test_3000_rows_from_endless_more_are_held_back_and_the_real_150_rows_publish(scholar, store):
    first_good_refresh(scholar, store)
    scholar.serve([], endless=True)

    endless = refresh_from(scholar, store, NOW + timedelta(days=1))

    assert endless.results[0].pages == 30
    assert endless.results[0].held_back == (
        "the rows add up to 3000 citations, far more than the total of 425"
    )
    assert len(shown(store).publications) == 150
    scholar.serve(profile_pages([*PROFILE_COUNTS[:-1], 3]))
    real = refresh_from(scholar, store, NOW + timedelta(days=2))
    assert real.results[0].published is True
    assert len(shown(store).publications) == 150


def test_h_11_to_0_and_i10_12_to_0_with_the_total_unchanged_are_held_back(scholar, store):
    first_good_refresh(scholar, store)
    scholar.serve(profile_pages(PROFILE_COUNTS, h=0, i10=0))

    report = refresh_from(scholar, store, NOW + timedelta(days=1))

    assert report.results[0].held_back == "the h-index is 0 but the rows give 11"
    assert (shown(store).h_index, shown(store).i10_index) == (11, 12)


def test_h_and_i10_falling_to_0_with_rows_to_match_are_held_back_by_the_history(scholar, store):
    first_good_refresh(scholar, store)
    scholar.serve(profile_pages([2] * 149 + [127]))  # 425 citations again, but h 2, i10 1

    report = refresh_from(scholar, store, NOW + timedelta(days=1))

    assert report.results[0].held_back == (
        "the h-index fell 82%, to 2 from the high of 11 since 2026-02-01"
    )


def falling_profile(step: int) -> list[int]:
    """The profile after `step` falls of 19%: the 12 top rows kept, the rest shrinking."""
    total, rows = round(425 * 0.81**step), round(150 * 0.81**step)
    rest, extra = divmod(total - TOP_ROWS, rows - 12)
    return PROFILE_COUNTS[:12] + [rest + (1 if n < extra else 0) for n in range(rows - 12)]


def test_five_refreshes_each_19_percent_lower_cannot_walk_the_numbers_down(scholar, store):
    first_good_refresh(scholar, store)
    results = []
    for step in range(1, 6):
        scholar.serve(profile_pages(falling_profile(step)))
        results.append(refresh_from(scholar, store, NOW + timedelta(days=step)).results[0])

    assert [result.published for result in results] == [True, False, False, False, False]
    assert [result.held_back.split(",")[0] for result in results[1:]] == [
        "the total fell 34%",
        "the total fell 47%",
        "the total fell 57%",
        "the total fell 65%",
    ]
    assert (shown(store).citations, len(shown(store).publications)) == (344, 122)


def test_a_page_2_cut_at_60_percent_is_partial_and_never_replaces_the_complete_rows(scholar, store):
    first_good_refresh(scholar, store)
    scholar.serve(profile_pages(PROFILE_COUNTS), cut_page=1)

    report = refresh_from(scholar, store, NOW + timedelta(days=1))

    assert report.results[0].detail.startswith(
        f"Google Scholar page 2 of profile {USER} ended early (no 'Show more' button)"
    )
    rows = len(report.results[0].snapshot.publications)
    assert 100 < rows < 150
    assert report.results[0].held_back == (
        f"the fetch is partial ({rows} rows) and never replaces the complete list of 150 rows"
    )
    assert len(shown(store).publications) == 150


def test_held_back_numbers_are_kept_shown_in_status_and_accepted_on_request(scholar, store):
    first_good_refresh(scholar, store)
    scholar.serve(profile_pages(falling_profile(3)))
    refresh_from(scholar, store, NOW + timedelta(days=1))

    entry = status_document(store.load_current(USER), NOW + timedelta(days=1))["sources"]
    assert entry["scholar"]["held_back_numbers"] == {
        "fetched_at": "2026-02-02T06:00:00Z",
        "citations": 226,
        "h_index": 11,
        "i10_index": 12,
        "publications": 80,
        "partial": False,
    }
    held = store.load_held(USER, "scholar")
    assert (held.citations, len(held.publications)) == (226, 80)

    accept_held_back(SETTINGS, store, now=NOW + timedelta(days=1, hours=1))

    assert (shown(store).citations, len(shown(store).publications)) == (226, 80)


# --- racing refreshes and the stats files ---------------------------------------------------------


class SlowWriter(StatsWriter):
    """A StatsWriter whose first write waits: older refreshes reach S3 last."""

    def __init__(self, client, delay_s: float):
        super().__init__(client, BUCKET, "stats/")
        self.delay_s = delay_s

    def write_gs_data(self, display, snapshots):
        time.sleep(self.delay_s)
        self.delay_s = 0
        return super().write_gs_data(display, snapshots)


def test_seven_racing_refreshes_leave_the_stats_files_as_new_as_the_table(store, aws):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    settings = Settings(scholar_id="P1RwlvoAAAAJ")
    # refresh n fetched n minutes after NOW; the older a refresh, the later its first S3 write
    outcomes = [ok("scholar", 120 + n, fetched_at=NOW + timedelta(minutes=n)) for n in range(7)]
    errors = []

    def run(n: int) -> None:
        try:
            refresh_citations(
                settings,
                store,
                {"scholar": FakeFetcher(outcomes[n])},
                now=NOW + timedelta(hours=1),
                stats_writer=SlowWriter(s3, delay_s=0.15 * (7 - n)),
            )
        except Exception as error:  # surfaced below, with the thread's failure
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    table = store.load_current("P1RwlvoAAAAJ", consistent=True).snapshots["scholar"]
    written = json.loads(s3.get_object(Bucket=BUCKET, Key="stats/gs_data.json")["Body"].read())
    assert written["citedby"] == table.citations
    assert written["updated"] == table.fetched_at.strftime("%Y-%m-%d %H:%M:%S.%f")


def test_the_stats_files_come_from_the_snapshot_in_the_table(store, aws):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    settings = Settings(scholar_id="P1RwlvoAAAAJ")
    newer = ok("scholar", 130, fetched_at=NOW + timedelta(minutes=5))
    refresh_citations(settings, store, {"scholar": FakeFetcher(newer)}, now=NOW)
    late = ok("scholar", 125, fetched_at=NOW)

    report = refresh_citations(
        settings,
        store,
        {"scholar": FakeFetcher(late)},
        now=NOW,
        stats_writer=StatsWriter(s3, BUCKET, "stats/"),
    )

    assert report.results[0].published is False  # lost the conditional write: no stats files
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)
