"""A refresh that cannot silently do nothing, and its one embedded-metric line per run."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest

from chalicelib import runtime
from chalicelib.citations.endpoints import citation_endpoint
from chalicelib.citations.store import CitationStoreError
from chalicelib.cli import main
from chalicelib.settings import NO_SOURCE
from tests.httpserver import LocalHTTPServer, Reply
from tests.test_schedule import EXPECTED, PROFILE_PAGE

NOW = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def scholar(monkeypatch, seeded):
    """The seeded local stage, its refresh pointed at a Scholar stand-in on 127.0.0.1."""
    with LocalHTTPServer({}) as server:
        monkeypatch.setenv("ACADPAGE_SCHOLAR_URL", server.url)
        monkeypatch.setenv("ACADPAGE_SCHOLAR_DELAY", "0")
        runtime.reset()
        yield server


def metric_lines(text: str) -> list[dict]:
    """The EMF documents among the lines of `text`."""
    documents = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    return [document for document in documents if "_aws" in document]


def emf(stage: str, published: int, failed: int, **fields) -> dict:
    return {
        "_aws": {
            "Timestamp": int(NOW.timestamp() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": "acadpage",
                    "Dimensions": [["Stage"]],
                    "Metrics": [
                        {"Name": "SourcesPublished", "Unit": "Count"},
                        {"Name": "RefreshFailed", "Unit": "Count"},
                    ],
                }
            ],
        },
        "Stage": stage,
        "SourcesPublished": published,
        "RefreshFailed": failed,
        "event": "refresh",
        **fields,
    }


def test_a_refresh_writes_one_emf_line_with_each_sources_outcome(scholar, monkeypatch):
    scholar.route("/citations", Reply(200, {"Content-Type": "text/html"}, PROFILE_PAGE))
    monkeypatch.setenv("ACADPAGE_STAGE", "prod")
    monkeypatch.setenv("ACADPAGE_OPENALEX_ID", "A5023888391")
    monkeypatch.setenv("ACADPAGE_OPENALEX_URL", scholar.url)  # answers 404: not_found
    runtime.reset()
    stream = io.StringIO()

    report = runtime.run_refresh(now=NOW, metrics_stream=stream)

    assert report.published is True
    assert [json.loads(line) for line in stream.getvalue().splitlines()] == [
        emf("prod", 1, 0, scholar="published", openalex="not_found")
    ]


@pytest.mark.parametrize(
    ("reply", "outcome"),
    [
        (Reply(429, {"Content-Type": "text/html"}, "Too Many Requests"), "blocked"),
        (Reply(200, {"Content-Type": "text/html"}, "<html>no profile here</html>"), None),
    ],
)
def test_a_refresh_in_which_no_source_came_back_sound_fails(scholar, monkeypatch, reply, outcome):
    scholar.route("/citations", reply)
    monkeypatch.setenv("ACADPAGE_STAGE", "dev")
    runtime.reset()
    stream = io.StringIO()

    with pytest.raises(runtime.RefreshFailedError, match=r"^citation refresh failed: "):
        runtime.run_refresh(now=NOW, metrics_stream=stream)

    (line,) = metric_lines(stream.getvalue())
    assert (line["SourcesPublished"], line["RefreshFailed"]) == (0, 1)
    assert outcome is None or line["scholar"] == outcome


def test_a_refresh_held_back_by_the_guard_fails(scholar, monkeypatch):
    scholar.route("/citations", Reply(200, {"Content-Type": "text/html"}, PROFILE_PAGE))
    monkeypatch.setenv("ACADPAGE_STAGE", "dev")
    runtime.reset()
    runtime.run_refresh(now=NOW, metrics_stream=io.StringIO())
    # the same profile with most of its citations gone: the guard keeps the stored numbers
    dropped = PROFILE_PAGE.replace(">" + str(EXPECTED.citations_all) + "<", ">1<", 1)
    scholar.route("/citations", Reply(200, {"Content-Type": "text/html"}, dropped))
    stream = io.StringIO()

    with pytest.raises(runtime.RefreshFailedError, match="held back"):
        runtime.run_refresh(now=NOW, metrics_stream=stream)

    assert metric_lines(stream.getvalue()) == [emf("dev", 0, 1, scholar="held back")]


def test_a_refresh_with_the_same_numbers_again_succeeds_and_changes_nothing_shown(
    scholar, monkeypatch
):
    scholar.route("/citations", Reply(200, {"Content-Type": "text/html"}, PROFILE_PAGE))
    monkeypatch.setenv("ACADPAGE_STAGE", "dev")
    runtime.reset()
    first = runtime.run_refresh(now=NOW, metrics_stream=io.StringIO())
    stream = io.StringIO()

    again = runtime.run_refresh(now=NOW.replace(hour=9), metrics_stream=stream)

    assert (first.shown_changed, again.shown_changed, again.failed) == (True, False, False)
    (line,) = metric_lines(stream.getvalue())
    assert (line["SourcesPublished"], line["RefreshFailed"], line["scholar"]) == (1, 0, "published")


def test_a_refresh_that_raises_says_so_in_its_emf_line(aws, monkeypatch):
    monkeypatch.setenv("ACADPAGE_STAGE", "prod")
    monkeypatch.setenv("ACADPAGE_TABLE", "no-such-table")
    monkeypatch.setenv("ACADPAGE_BUCKET", "no-such-bucket")
    monkeypatch.setenv("ACADPAGE_SCHOLAR_ID", "P1RwlvoAAAAJ")
    runtime.reset()
    stream = io.StringIO()

    with pytest.raises(CitationStoreError):
        runtime.run_refresh(now=NOW, metrics_stream=stream)

    assert metric_lines(stream.getvalue()) == [emf("prod", 0, 1)]


def test_the_emf_line_goes_to_stdout_alone_on_its_line(scholar, monkeypatch, capsys):
    scholar.route("/citations", Reply(200, {"Content-Type": "text/html"}, PROFILE_PAGE))
    monkeypatch.setenv("ACADPAGE_STAGE", "prod")
    runtime.reset()

    runtime.run_refresh(now=NOW)

    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["SourcesPublished"] == 1


# --- no source configured -------------------------------------------------------------------------


@pytest.fixture
def no_source(seeded, monkeypatch):
    """The seeded local stage with every source id emptied, as the deploy guide leaves them."""
    for name in ("ACADPAGE_SCHOLAR_ID", "ACADPAGE_OPENALEX_ID", "ACADPAGE_SEMANTICSCHOLAR_ID"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("ACADPAGE_STAGE", "dev")
    runtime.reset()


def test_the_scheduled_refresh_without_a_source_says_how_to_set_one(no_source, caplog):
    # Chalice's app log is this logger; once the app is loaded it may not propagate.
    runtime.logger.addHandler(caplog.handler)
    stream = io.StringIO()
    try:
        report = runtime.run_refresh(now=NOW, metrics_stream=stream)
    finally:
        runtime.logger.removeHandler(caplog.handler)

    assert report.results == ()
    assert NO_SOURCE in caplog.text
    assert metric_lines(stream.getvalue()) == [emf("dev", 0, 0, problem=NO_SOURCE)]
    assert NO_SOURCE.startswith("no citation source configured, so no numbers are refreshed")
    assert "ACADPAGE_SCHOLAR_ID" in NO_SOURCE and ".chalice/config.json" in NO_SOURCE


def test_status_json_without_a_source_says_so(no_source):
    status, _, body = citation_endpoint(
        "/status.json", runtime.current_citations(), NOW, runtime.settings()
    )

    assert status == 200
    document = json.loads(body)
    assert (document["configured_sources"], document["problem"]) == ([], NO_SOURCE)


def test_status_json_with_a_source_has_no_problem(client):
    status = json.loads(client.http.get("/status.json").body)

    assert (status["configured_sources"], status["problem"]) == (["scholar"], "")


def test_acadpage_status_without_a_source_says_so_first(aws, monkeypatch, tmp_path, capsys):
    import boto3

    from chalicelib.citations.store import create_table

    monkeypatch.chdir(tmp_path)
    for name in ("ACADPAGE_SCHOLAR_ID", "ACADPAGE_OPENALEX_ID", "ACADPAGE_SEMANTICSCHOLAR_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ACADPAGE_TABLE", "citations")
    create_table(boto3.client("dynamodb", region_name="us-east-1"), "citations")

    code = main(["status"])

    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out == [NO_SOURCE, "profile default: no citation numbers stored"]
