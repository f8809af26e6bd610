"""The citation endpoints as AcadHomepage pages and shields.io read them, through the real app."""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from chalicelib import runtime
from chalicelib.citations.badges import SHIELDS_MIN_CACHE_SECONDS
from chalicelib.citations.endpoints import citation_answer, citation_endpoint
from chalicelib.citations.gs_data import gs_data
from chalicelib.citations.state import CitationState
from chalicelib.citations.store import CitationStoreError
from chalicelib.settings import Settings
from tests.conftest import EXAMPLES
from tests.test_citation_views import NOW, snapshot_of

REFERENCE = json.loads((EXAMPLES / "gs_data.json").read_text("utf-8"))
CITATION_PATHS = [
    "/badge/citations.json",
    "/badge/h-index.svg",
    "/gs_data.json",
    "/gs_data_shieldsio.json",
    "/status.json",
    "/google-scholar-stats/gs_data.json",
    "/google-scholar-stats/gs_data_shieldsio.json",
]
LOGGER = logging.getLogger("tests.citation_routes")
MISSING_PATHS = ["/google-scholar-stats/nothing.json", "/badge/nothing.json"]


@pytest.mark.parametrize("path", CITATION_PATHS + MISSING_PATHS)
def test_every_citation_answer_may_be_read_from_another_origin(client, path):
    response = client.http.get(path)

    assert response.status_code == (404 if path in MISSING_PATHS else 200)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_acadhomepage_paths_answer_what_the_top_level_paths_answer(client):
    for name in ("gs_data.json", "gs_data_shieldsio.json"):
        ours = client.http.get(f"/{name}")
        theirs = client.http.get(f"/google-scholar-stats/{name}")
        assert (theirs.status_code, theirs.body) == (200, ours.body)
    document = json.loads(client.http.get("/google-scholar-stats/gs_data.json").body)
    assert document["publications"].keys() == REFERENCE["publications"].keys()


def test_a_404_before_any_numbers_carries_the_cors_header(client):
    runtime.dynamodb_client().delete_table(TableName=runtime.settings().table)
    runtime.reset()

    response = client.http.get("/google-scholar-stats/gs_data.json")

    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.body) == {"error": "no citation numbers have been fetched yet"}


def test_an_error_while_answering_is_still_a_json_answer(caplog):
    def broken_table():
        raise CitationStoreError("reading the citations of profile 'x': throttled")

    answer = citation_answer("/gs_data.json", broken_table, datetime.now, Settings, LOGGER)

    assert answer == (
        503,
        "application/json",
        '{"error": "citation numbers are unavailable right now"}',
    )
    assert "throttled" in caplog.text


# --- publications keyed by Scholar's USER:PUBID, whoever's numbers are shown ----------------------

SETTINGS = Settings(stale_after_days=14)


def state_of(*snapshots) -> CitationState:
    return CitationState({s.source: s for s in snapshots}, None, "v1")


def test_open_source_numbers_keep_scholars_keys_with_counts_matched_by_title():
    scholar = snapshot_of("scholar", days_old=20)  # stale, so the fresh open source is shown
    openalex = snapshot_of("openalex", citations=200)
    renamed = tuple(replace(p, title=p.title.upper() + "!") for p in openalex.publications)
    openalex = replace(openalex, publications=(replace(renamed[0], citations=77), *renamed[1:]))

    _, _, body = citation_endpoint("/gs_data.json", state_of(scholar, openalex), NOW, SETTINGS)
    document = json.loads(body)

    assert document["citedby"] == 200
    assert list(document["publications"]) == [p.id for p in scholar.publications]
    assert all(key.startswith("P1RwlvoAAAAJ:") for key in document["publications"])
    first = scholar.publications[0].id
    assert document["publications"][first]["num_citations"] == 77
    assert document["scholar_id"] == "P1RwlvoAAAAJ"
    assert document["acadpage"] == {
        "source": "openalex",
        "label": "OpenAlex",
        "fetched_at": "2024-04-10T12:00:00Z",
        "publications_from": {"source": "scholar", "fetched_at": "2024-03-21T12:00:00Z"},
    }


def test_a_paper_no_open_source_row_matches_keeps_its_last_scholar_count():
    scholar = snapshot_of("scholar", days_old=20)
    openalex = replace(snapshot_of("openalex", citations=200), publications=())

    document = gs_data(openalex, scholar)

    assert {k: v["num_citations"] for k, v in document["publications"].items()} == (
        scholar.paper_counts()
    )


def test_without_any_scholar_snapshot_no_open_source_ids_pose_as_scholar_keys():
    document = gs_data(snapshot_of("semanticscholar"), None)

    assert document["publications"] == {}
    assert document["acadpage"]["publications_from"] is None


# --- badges say when numbers are old --------------------------------------------------------------


@pytest.mark.parametrize(("days_old", "stale"), [(14, False), (15, True), (977, True)])
def test_badges_json_svg_and_the_page_agree_on_stale_numbers(days_old, stale):
    state = state_of(snapshot_of("scholar", days_old=days_old, citations=551074))
    settings = SETTINGS

    _, _, document = citation_endpoint("/badge/citations.json", state, NOW, settings)
    _, _, svg = citation_endpoint("/badge/citations.svg", state, NOW, settings)
    _, _, shieldsio = citation_endpoint("/gs_data_shieldsio.json", state, NOW, settings)
    _, _, status = citation_endpoint("/status.json", state, NOW, settings)
    badge, twin = json.loads(document), json.loads(shieldsio)

    assert json.loads(status)["displayed"]["stale"] is stale
    assert set(badge) == {"schemaVersion", "label", "message", "color", "cacheSeconds"}
    title = ET.fromstring(svg).find("{http://www.w3.org/2000/svg}title").text
    if stale:
        message = f"551074 ({days_old} days old)"
        assert (badge["message"], badge["color"]) == (message, "lightgrey")
        assert badge["cacheSeconds"] == SHIELDS_MIN_CACHE_SECONDS
        assert twin == {"schemaVersion": 1, "label": "citations", "message": message,
                        "color": "lightgrey", "cacheSeconds": 300}  # fmt: skip
        assert 'fill="#9f9f9f"' in svg and title == f"citations: {message}"
    else:
        assert (badge["message"], badge["color"], badge["cacheSeconds"]) == (
            "551074",
            "blue",
            3600,
        )
        assert twin == {"schemaVersion": 1, "label": "citations", "message": "551074"}
        assert 'fill="#007ec6"' in svg and title == "citations: 551074"


def test_the_page_marks_the_same_numbers_stale_that_the_badges_grey(client):
    # The example's gs_data.json is from 2024-03-28: long past the 14-day threshold.
    page = client.http.get("/").body.decode()
    badge = json.loads(client.http.get("/badge/citations.json").body)

    assert "These numbers may be out of date." in page
    assert badge["color"] == "lightgrey" and badge["message"].startswith("551074 (")
    assert badge["message"].endswith(" days old)")


def test_stale_numbers_shorten_the_cache_but_never_below_shields_minimum():
    from chalicelib.citations.badges import shields_endpoint
    from chalicelib.citations.state import display_of

    stale = display_of(snapshot_of(days_old=30), NOW, 14)
    fresh = display_of(snapshot_of(days_old=1), NOW, 14)
    assert shields_endpoint("citations", stale, cache_seconds=60)["cacheSeconds"] == 300
    assert shields_endpoint("citations", fresh, cache_seconds=60)["cacheSeconds"] == 300
    assert shields_endpoint("citations", fresh)["cacheSeconds"] == 3600
    assert shields_endpoint("citations", stale)["cacheSeconds"] == 300
    assert timedelta(days=14) < NOW - stale.snapshot.fetched_at
