"""What readers see: the source shown, gs_data.json, shields.io endpoints, badges, chart, status."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chalicelib.citations.badges import badge_svg, shields_endpoint
from chalicelib.citations.chart import citation_chart_svg
from chalicelib.citations.endpoints import citation_endpoint
from chalicelib.citations.gs_data import (
    GsDataError,
    gs_data,
    gs_data_shieldsio,
    snapshot_from_gs_data,
)
from chalicelib.citations.model import CitationSnapshot, PaperCitations
from chalicelib.citations.state import (
    CitationState,
    RefreshStatus,
    SourceStatus,
    choose_display,
    display_of,
    freshness_text,
)
from chalicelib.citations.status import status_document
from chalicelib.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "gs_data.json").read_text("utf-8"))
REFERENCE_SHIELDSIO = json.loads((FIXTURES / "gs_data_shieldsio.json").read_text("utf-8"))
NOW = datetime(2024, 4, 10, 12, 0, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"
# The keys shields.io's endpoint schema knows; it rejects any other.
SHIELDS_KEYS = {
    "schemaVersion",
    "label",
    "message",
    "color",
    "labelColor",
    "isError",
    "namedLogo",
    "logoSvg",
    "logoColor",
    "logoWidth",
    "style",
    "cacheSeconds",
}


def snapshot_of(
    source: str = "scholar",
    *,
    days_old: float = 0,
    citations: int = 120,
    publications: int = 3,
    profile_id: str = "P1RwlvoAAAAJ",
    now: datetime = NOW,
) -> CitationSnapshot:
    """A plausible snapshot of `source`, fetched `days_old` days before `now`."""
    papers = tuple(
        PaperCitations(
            id=f"P1RwlvoAAAAJ:paper{n:04d}" if source == "scholar" else f"W{n}",
            title=f"Paper number {n}",
            citations=max(0, citations // 2 - n),
            authors="A Author, B Author",
            venue="Journal of Examples",
            year=2015 + n % 10,
        )
        for n in range(publications)
    )
    return CitationSnapshot(
        source=source,
        profile_id=profile_id,
        fetched_at=now - timedelta(days=days_old),
        citations=citations,
        h_index=7,
        i10_index=5,
        citations_since=citations - 20,
        h_index_since=6,
        i10_index_since=4,
        since_year=2019,
        name="Ada Example",
        affiliation="University of Examples",
        interests=("Testing", "Storage"),
        photo_url="https://example.org/ada.jpg",
        cites_per_year=((2022, 30), (2023, 50), (2024, 40)),
        publications=papers,
    )


def state_of(*snapshots: CitationSnapshot, status: RefreshStatus | None = None) -> CitationState:
    return CitationState({s.source: s for s in snapshots}, status, "v1")


# --- which numbers are shown ----------------------------------------------------------------------


def test_display_prefers_fresh_scholar_over_fresher_open_sources():
    scholar = snapshot_of("scholar", days_old=5, citations=100)
    openalex = snapshot_of("openalex", days_old=0, citations=90)

    display = choose_display(state_of(scholar, openalex), NOW, stale_after_days=14)

    assert display.snapshot is scholar
    assert (display.source_label, display.age_days, display.stale) == ("Google Scholar", 5, False)


def test_display_falls_back_to_the_freshest_open_source_when_scholar_is_stale():
    scholar = snapshot_of("scholar", days_old=20)
    openalex = snapshot_of("openalex", days_old=3)
    semantic = snapshot_of("semanticscholar", days_old=1)

    display = choose_display(state_of(scholar, openalex, semantic), NOW, stale_after_days=14)

    assert display.snapshot is semantic
    assert (display.source_label, display.age_days, display.stale) == ("Semantic Scholar", 1, False)


def test_display_shows_the_freshest_numbers_marked_stale_when_all_are_stale():
    scholar = snapshot_of("scholar", days_old=20)
    openalex = snapshot_of("openalex", days_old=30)

    display = choose_display(state_of(scholar, openalex), NOW, stale_after_days=14)

    assert display.snapshot is scholar
    assert (display.age_days, display.stale) == (20, True)


def test_display_never_mixes_numbers_of_two_sources():
    scholar = snapshot_of("scholar", days_old=1, citations=500)
    openalex = snapshot_of("openalex", days_old=0, citations=400)

    display = choose_display(state_of(scholar, openalex), NOW, stale_after_days=14)

    assert display.snapshot == scholar  # every number, publications included, from one source


def test_an_imported_gs_data_counts_as_scholar():
    imported = snapshot_of("import", days_old=2)
    openalex = snapshot_of("openalex", days_old=0)

    display = choose_display(state_of(imported, openalex), NOW, stale_after_days=14)

    assert (display.snapshot.source, display.source_label) == ("import", "imported gs_data.json")


def test_stale_means_older_than_the_threshold_in_calendar_days():
    late_yesterday = datetime(2024, 4, 9, 23, 59, tzinfo=UTC)
    snapshot = snapshot_of("scholar", now=late_yesterday)

    assert choose_display(state_of(snapshot), NOW, stale_after_days=1).stale is False
    assert choose_display(state_of(snapshot), NOW, stale_after_days=0).stale is True
    assert choose_display(state_of(snapshot), NOW, stale_after_days=0).age_days == 1


@pytest.mark.parametrize("state", [None, CitationState({}, RefreshStatus(), "v0")])
def test_nothing_is_displayed_without_numbers(state):
    assert choose_display(state, NOW, stale_after_days=14) is None


@pytest.mark.parametrize(
    ("age_days", "text"),
    [
        (0, "updated today"),
        (1, "updated yesterday"),
        (2, "updated 2 days ago"),
        (40, "updated 40 days ago"),
    ],
)
def test_freshness_text(age_days, text):
    assert freshness_text(age_days) == text


# --- gs_data.json ---------------------------------------------------------------------------------


def test_gs_data_matches_acadhomepage_shape():
    document = gs_data(snapshot_of("scholar"))

    required = {
        "name",
        "citedby",
        "citedby5y",
        "hindex",
        "hindex5y",
        "i10index",
        "i10index5y",
        "cites_per_year",
        "publications",
        "updated",
        "scholar_id",
        "affiliation",
        "interests",
        "url_picture",
    }
    # one key of our own, `acadpage` (whose numbers these are), which AcadHomepage ignores
    assert required <= set(document) <= set(REFERENCE) | {"acadpage"}
    reference_paper = next(iter(REFERENCE["publications"].values()))
    for key, paper in document["publications"].items():
        assert set(paper) <= set(reference_paper)
        assert set(paper["bib"]) == set(reference_paper["bib"])
        assert paper["author_pub_id"] == key
        assert isinstance(paper["num_citations"], int)
    assert document["scholar_id"] == "P1RwlvoAAAAJ"
    assert document["cites_per_year"] == {"2022": 30, "2023": 50, "2024": 40}
    assert document["updated"] == "2024-04-10 12:00:00.000000"


def test_gs_data_of_the_reference_file_round_trips():
    snapshot = snapshot_from_gs_data(REFERENCE, "DhtAFkwAAAAJ")

    document = gs_data(snapshot)

    for key in set(document) - {"publications", "acadpage"}:
        assert document[key] == REFERENCE[key], key
    assert document["publications"].keys() == REFERENCE["publications"].keys()
    for key, paper in document["publications"].items():
        reference = REFERENCE["publications"][key]
        assert paper == {name: reference[name] for name in paper}, key


def test_gs_data_import_reads_numbers_time_and_rows():
    snapshot = snapshot_from_gs_data(REFERENCE, "DhtAFkwAAAAJ")

    assert (snapshot.source, snapshot.profile_id) == ("import", "DhtAFkwAAAAJ")
    assert (snapshot.citations, snapshot.h_index, snapshot.i10_index) == (551074, 68, 72)
    assert (snapshot.citations_since, snapshot.h_index_since, snapshot.since_year) == (
        489413,
        64,
        2019,
    )
    assert snapshot.fetched_at == datetime(2024, 3, 28, 8, 5, 19, 992692, tzinfo=UTC)
    assert len(snapshot.publications) == 74
    first = snapshot.publications[0]
    assert (first.id, first.citations, first.year) == ("DhtAFkwAAAAJ:ALROH1vI_8AC", 215540, 2016)
    assert first.title == "Deep Residual Learning for Image Recognition"


def test_gs_data_import_takes_a_given_time_over_updated():
    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)

    assert snapshot_from_gs_data(REFERENCE, "p", fetched_at=when).fetched_at == when


def _with(**changes) -> dict:
    document = json.loads(json.dumps(REFERENCE))
    for key, value in changes.items():
        if value is _DELETE:
            del document[key]
        else:
            document[key] = value
    return document


_DELETE = object()
_FIRST = "DhtAFkwAAAAJ:ALROH1vI_8AC"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "gs_data.json: expected a JSON object, got a list"),
        (_with(citedby="x"), "gs_data.json citedby: expected an integer, got 'x'"),
        (
            _with(citedby=_DELETE, publications=_DELETE),
            "gs_data.json citedby: expected an integer, got nothing (missing, and no "
            "publications to count it from)",
        ),
        (_with(hindex=-1), "gs_data.json hindex: expected an integer >= 0, got -1"),
        (_with(i10index=True), "gs_data.json i10index: expected an integer, got True"),
        (_with(citedby5y=1.5), "gs_data.json citedby5y: expected an integer, got 1.5"),
        (
            _with(updated="last week"),
            "gs_data.json updated: expected a time like '2024-03-28 08:05:19', got 'last week'",
        ),
        (
            _with(updated=_DELETE),
            "gs_data.json updated: expected a time like '2024-03-28 08:05:19', "
            "got nothing (missing)",
        ),
        (
            _with(cites_per_year={"20x5": 3}),
            "gs_data.json cites_per_year['20x5']: expected a year like '2016', got '20x5'",
        ),
        (
            _with(cites_per_year={"2015": "many"}),
            "gs_data.json cites_per_year['2015']: expected an integer, got 'many'",
        ),
        (_with(name=3), "gs_data.json name: expected text, got 3"),
        (
            _with(interests="Vision"),
            "gs_data.json interests: expected a list of text, got 'Vision'",
        ),
        (
            _with(publications=[{"bib": {}}]),
            "gs_data.json publications[0]: expected an author_pub_id, got nothing (missing)",
        ),
        (
            _with(publications={_FIRST: {"bib": {"title": "T"}, "num_citations": "7"}}),
            f"gs_data.json publications['{_FIRST}'].num_citations: expected an integer, got '7'",
        ),
        (
            _with(publications={_FIRST: {"bib": {"pub_year": "n.d."}, "num_citations": 1}}),
            f"gs_data.json publications['{_FIRST}'].bib.pub_year: "
            "expected a year like '2016', got 'n.d.'",
        ),
        (
            _with(publications={_FIRST: {"bib": {"title": None, "pub_year": 2016}}}),
            f"gs_data.json publications['{_FIRST}'].num_citations: "
            "expected an integer, got nothing (null)",
        ),
    ],
)
def test_gs_data_import_names_the_bad_field(document, message):
    with pytest.raises(GsDataError) as raised:
        snapshot_from_gs_data(document, "DhtAFkwAAAAJ")

    assert str(raised.value) == message


# --- shields.io endpoints and our own badges ------------------------------------------------------


@pytest.mark.parametrize("metric", ["citations", "h-index", "i10-index"])
@pytest.mark.parametrize("with_numbers", [True, False])
def test_badge_endpoints_follow_shields_schema_exactly(metric, with_numbers):
    display = choose_display(state_of(snapshot_of()), NOW, 14) if with_numbers else None

    document = shields_endpoint(metric, display)

    assert set(document) <= SHIELDS_KEYS
    assert {"schemaVersion", "label", "message"} <= set(document)
    assert document["schemaVersion"] == 1
    assert document["label"] == metric
    assert isinstance(document["message"], str) and document["message"]
    assert isinstance(document["cacheSeconds"], int) and document["cacheSeconds"] >= 300
    json.dumps(document)  # plain JSON values only


def test_badge_endpoints_show_the_displayed_numbers():
    display = choose_display(state_of(snapshot_of(citations=1234)), NOW, 14)

    assert [
        shields_endpoint(m, display)["message"] for m in ("citations", "h-index", "i10-index")
    ] == [
        "1234",
        "7",
        "5",
    ]


def test_badge_endpoint_without_numbers_is_a_grey_n_a_never_a_broken_badge():
    assert shields_endpoint("citations", None) == {
        "schemaVersion": 1,
        "label": "citations",
        "message": "n/a",
        "color": "lightgrey",
        "cacheSeconds": 3600,
    }


def test_shields_cache_is_never_shorter_than_shields_allows():
    assert shields_endpoint("h-index", None, cache_seconds=10)["cacheSeconds"] == 300


def test_gs_data_shieldsio_is_identical_to_acadhomepage_file():
    snapshot = snapshot_from_gs_data(REFERENCE, "DhtAFkwAAAAJ")
    display = display_of(snapshot, snapshot.fetched_at, 14)

    assert gs_data_shieldsio(display) == REFERENCE_SHIELDSIO
    assert list(gs_data_shieldsio(display)) == list(REFERENCE_SHIELDSIO)


def test_badge_svg_is_escaped_well_formed_and_labelled():
    svg = badge_svg("<cites>", 'a&b "c"', "blue")

    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == '<cites>: a&b "c"'
    assert root.find(f"{SVG}title").text == '<cites>: a&b "c"'
    assert [t.text for t in root.iter(f"{SVG}text")] == ["<cites>", 'a&b "c"']
    assert "#007ec6" in svg


def test_badge_svg_widens_with_its_text():
    short = ET.fromstring(badge_svg("citations", "9", "blue"))
    long = ET.fromstring(badge_svg("citations", "551074", "blue"))

    assert int(long.get("width")) - int(short.get("width")) == 5 * 7


@pytest.mark.parametrize("color", ["#abc", "#a1b2c3", "lightgrey"])
def test_badge_svg_accepts_shields_names_and_hex(color):
    ET.fromstring(badge_svg("h-index", "7", color))


def test_badge_svg_rejects_an_unknown_color():
    with pytest.raises(ValueError, match=r"badge color: expected a shields\.io color name or #hex"):
        badge_svg("h-index", "7", "red; stroke:url(x)")


# --- the chart ------------------------------------------------------------------------------------


def test_citation_chart_has_a_bar_label_and_value_per_year():
    svg = citation_chart_svg(((2023, 50), (2022, 30), (2024, 0)))

    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Citations per year"
    assert root.get("aria-label") == "Citations per year, 2022 to 2024; most in 2023: 50"
    bars = root.findall(f"{SVG}rect")
    assert [bar.find(f"{SVG}title").text for bar in bars] == [
        "2022: 30 citations",
        "2023: 50 citations",
        "2024: 0 citations",
    ]
    assert [int(bar.get("height")) for bar in bars] == [60, 100, 0]
    assert [t.text for t in root.findall(f"{SVG}text")] == ["2022", "2023", "2024"]


def test_citation_chart_widens_with_the_years():
    two = ET.fromstring(citation_chart_svg({2023: 1, 2024: 2}))
    ten = ET.fromstring(citation_chart_svg({year: 5 for year in range(2015, 2025)}))

    assert int(ten.get("width")) > int(two.get("width"))


def test_citation_chart_of_no_years_is_empty():
    assert citation_chart_svg(()) == ""


@pytest.mark.parametrize(
    "pairs", [((2023, "<b>"),), (("2023", 4),), ((2023, -1),), ((2023, True),)]
)
def test_citation_chart_takes_numbers_only(pairs):
    with pytest.raises(ValueError, match="cites_per_year"):
        citation_chart_svg(pairs)


# --- /status.json and the endpoints ---------------------------------------------------------------


def test_status_document_reports_every_source():
    scholar = replace(
        snapshot_of("scholar", days_old=3, citations=100), origin="owner-machine-schedule"
    )
    openalex = snapshot_of("openalex", days_old=0, citations=90)
    status = RefreshStatus(
        {
            "scholar": SourceStatus(
                "scholar",
                last_attempt_at=NOW - timedelta(hours=2),
                outcome="blocked",
                detail="HTTP 429",
                origin="aws-schedule",
                last_success_at=NOW - timedelta(days=3),
            ),
            "openalex": SourceStatus(
                "openalex",
                last_attempt_at=NOW - timedelta(hours=1),
                outcome="ok",
                last_success_at=NOW - timedelta(days=9),
                held_back_reason="the total fell 30%, from 90 to 63",
                held_back_at=NOW - timedelta(hours=1),
            ),
        },
        revision=4,
    )

    document = status_document(state_of(scholar, openalex, status=status), NOW, 14)

    assert document == {
        "version": "v1",
        "stale_after_days": 14,
        "displayed": {
            "source": "scholar",
            "label": "Google Scholar",
            "fetched_at": "2024-04-07T12:00:00Z",
            "origin": "owner-machine-schedule",
            "origin_label": "the schedule on the owner's machine",
            "age_days": 3,
            "freshness": "updated 3 days ago",
            "stale": False,
            "citations": 100,
            "h_index": 7,
            "i10_index": 5,
        },
        "last_attempt": {
            "source": "openalex",
            "at": "2024-04-10T11:00:00Z",
            "outcome": "ok",
            "detail": "",
        },
        "held_back": ["openalex"],
        "sources": {
            "scholar": {
                "last_attempt_at": "2024-04-10T10:00:00Z",
                "outcome": "blocked",
                "detail": "HTTP 429",
                "origin": "aws-schedule",
                "origin_label": "the schedule in AWS",
                "last_success_at": "2024-04-07T12:00:00Z",
                "held_back": False,
                "held_back_reason": "",
                "held_back_at": None,
                "held_back_numbers": None,
                "accepted_at": None,
                "stored_fetched_at": "2024-04-07T12:00:00Z",
                "stored_citations": 100,
                "stored_origin": "owner-machine-schedule",
                "stored_origin_label": "the schedule on the owner's machine",
            },
            "openalex": {
                "last_attempt_at": "2024-04-10T11:00:00Z",
                "outcome": "ok",
                "detail": "",
                "origin": None,
                "origin_label": None,
                "last_success_at": "2024-04-01T12:00:00Z",
                "held_back": True,
                "held_back_reason": "the total fell 30%, from 90 to 63",
                "held_back_at": "2024-04-10T11:00:00Z",
                "held_back_numbers": None,
                "accepted_at": None,
                "stored_fetched_at": "2024-04-10T12:00:00Z",
                "stored_citations": 90,
                "stored_origin": None,
                "stored_origin_label": None,
            },
        },
    }


def test_status_document_before_any_refresh():
    assert status_document(None, NOW) == {
        "version": None,
        "stale_after_days": 14,
        "displayed": None,
        "last_attempt": None,
        "held_back": [],
        "sources": {},
    }


SETTINGS = Settings(stale_after_days=14)


@pytest.mark.parametrize(
    ("path", "status", "content_type"),
    [
        ("/badge/citations.json", 200, "application/json"),
        ("/badge/h-index.json", 200, "application/json"),
        ("/badge/i10-index.svg", 200, "image/svg+xml"),
        ("/gs_data.json", 200, "application/json"),
        ("/gs_data_shieldsio.json", 200, "application/json"),
        ("/status.json", 200, "application/json"),
        ("/badge/g-index.json", 404, "application/json"),
        ("/badge/citations.png", 404, "application/json"),
    ],
)
def test_citation_endpoint_answers(path, status, content_type):
    answer = citation_endpoint(path, state_of(snapshot_of()), NOW, SETTINGS)

    assert answer[:2] == (status, content_type)
    if content_type == "application/json":
        json.loads(answer[2])
    else:
        ET.fromstring(answer[2])


def test_citation_endpoint_bodies_are_the_documents():
    state = state_of(snapshot_of(citations=321))

    assert (
        json.loads(citation_endpoint("/badge/citations.json", state, NOW, SETTINGS)[2])["message"]
        == "321"
    )
    assert json.loads(citation_endpoint("/gs_data.json", state, NOW, SETTINGS)[2])["citedby"] == 321
    assert json.loads(citation_endpoint("/gs_data_shieldsio.json", state, NOW, SETTINGS)[2]) == {
        "schemaVersion": 1,
        "label": "citations",
        "message": "321",
    }


def test_citation_endpoints_without_numbers_keep_badges_whole():
    assert (
        json.loads(citation_endpoint("/badge/h-index.json", None, NOW, SETTINGS)[2])["message"]
        == "n/a"
    )
    assert "n/a" in citation_endpoint("/badge/h-index.svg", None, NOW, SETTINGS)[2]
    assert citation_endpoint("/gs_data.json", None, NOW, SETTINGS) == (
        404,
        "application/json",
        '{"error": "no citation numbers have been fetched yet"}',
    )
