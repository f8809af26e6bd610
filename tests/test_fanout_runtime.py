"""The scheduled entry points of the fan-out: a stack of one site is left to its daily refresh;
a stack of several ticks Scholar once and batches the open sources, failing when all fail."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib import runtime
from chalicelib.citations.fanout import Site
from chalicelib.citations.pacer_store import PacerStore
from tests.conftest import CITATION_TABLE
from tests.fanout_sim import StandInOpenSources, StandInScholar, VirtualClock
from tests.httpserver import LocalHTTPServer, Reply

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def stack(dynamodb, monkeypatch):
    monkeypatch.setenv("ACADPAGE_TABLE", CITATION_TABLE)
    monkeypatch.setenv("ACADPAGE_SCHOLAR_ID", "P1RwlvoAAAAJ")
    monkeypatch.setenv("ACADPAGE_OPENALEX_ID", "A5023888391")
    monkeypatch.setenv("ACADPAGE_BUCKET", "fanout-site")
    runtime.reset()
    runtime.s3_client().create_bucket(Bucket="fanout-site")
    return dynamodb


def test_a_stack_of_one_site_keeps_its_daily_refresh_and_runs_no_tick(stack):
    assert runtime.run_scholar_tick(now=NOW) is None
    assert runtime.run_open_batches(now=NOW) is None
    assert PacerStore(stack, CITATION_TABLE).read_state() is None  # the tick never ran


def serve_two_sites(monkeypatch, server_url: str) -> None:
    """The stack's sources answer at `server_url`; its registry lists two sites."""
    for source in ("SCHOLAR", "OPENALEX", "SEMANTICSCHOLAR"):
        monkeypatch.setenv(f"ACADPAGE_{source}_URL", server_url)
    runtime.settings.cache_clear()
    base = runtime.settings()
    sites = [
        Site("ann", replace(base, scholar_id="AAAAAAAAAAAA", openalex_id="A1")),
        Site("bob", replace(base, scholar_id="BBBBBBBBBBBB", openalex_id="A2")),
    ]
    monkeypatch.setattr(runtime, "stack_sites", lambda: sites)


def test_a_stack_of_two_sites_asks_scholar_once_a_tick(stack, monkeypatch):
    clock = VirtualClock(NOW)
    scholar = StandInScholar(clock, long_profiles=set())
    with LocalHTTPServer({"/citations": scholar}) as server:
        serve_two_sites(monkeypatch, server.url)
        first = runtime.run_scholar_tick(now=NOW, sleep=clock.sleep)
        second = runtime.run_scholar_tick(now=NOW, sleep=clock.sleep)
    assert (first.action.kind, first.action.site_id, first.published) == ("fetch", "ann", True)
    assert second.action.kind == "wait"  # the next request is 120 s away, past this tick
    assert len(scholar.times) == 1
    stats = runtime.s3_client().list_objects_v2(Bucket="fanout-site")["Contents"]
    assert {item["Key"] for item in stats} == {
        "sites/ann/stats/gs_data.json",
        "sites/ann/stats/gs_data_shieldsio.json",
    }  # the member's own stats files


def test_open_batches_fail_the_invocation_only_when_every_batch_failed(stack, monkeypatch):
    refused = Reply(503, {"Content-Type": "text/plain"}, "down")
    with LocalHTTPServer({"/authors": refused}) as server:
        serve_two_sites(monkeypatch, server.url)
        with pytest.raises(runtime.OpenBatchesFailedError, match="every open-source batch"):
            runtime.run_open_batches(now=NOW)
    answers = StandInOpenSources()
    with LocalHTTPServer({"/authors": answers.openalex}) as server:
        serve_two_sites(monkeypatch, server.url)
        report = runtime.run_open_batches(now=NOW)
    assert report.requests["openalex"] == 1
    assert [request.path for request in server.requests] == ["/authors"]
    assert sorted(report.published["openalex"]) == ["ann", "bob"]


def test_a_multi_page_fetch_of_a_site_that_left_the_stack_starts_over(stack, monkeypatch):
    from chalicelib.citations.pacing import PacerState, ScholarJob

    clock = VirtualClock(NOW)
    scholar = StandInScholar(clock, long_profiles=set())
    pacer = PacerStore(stack, CITATION_TABLE)
    pacer.take_lease("old", NOW, 1)
    gone = ScholarJob("carol", "CCCCCCCCCCCC", 2, NOW)
    pacer.save_state("old", PacerState(last_request_at=NOW, job=gone))
    later = NOW.replace(minute=5)
    with LocalHTTPServer({"/citations": scholar}) as server:
        serve_two_sites(monkeypatch, server.url)
        report = runtime.run_scholar_tick(now=later, sleep=clock.sleep)
    assert (report.action.site_id, report.action.page) == ("ann", 1)
    assert pacer.read_state().job is None


def test_the_fan_out_makes_only_calls_its_stack_role_grants_and_reads_no_content(
    stack, monkeypatch
):
    """What tests/test_iam.py's NAMED_NOT_RUN says, measured: with sites from the registry
    itself, the tick and the batches call only what their roles grant, and no s3:GetObject."""
    from chalicelib.aws.registry import SiteRecord, SiteRegistrar
    from chalicelib.lab.siteid import SiteId
    from tests.test_iam import granted, stack_policy

    registrar = SiteRegistrar(runtime.dynamodb_client(), CITATION_TABLE)
    for name, scholar_id in (("ann", "AAAAAAAAAAAA"), ("bob", "BBBBBBBBBBBB")):
        registrar.register(SiteRecord(SiteId(name), scholar_id=scholar_id, openalex_id="A1"))
    called = []
    for client in (runtime.s3_client(), runtime.dynamodb_client()):

        def note(model, prefix=client.meta.service_model.signing_name, **_):
            called.append(f"{prefix}:{model.name}")

        client.meta.events.register("before-call", note)
    clock = VirtualClock(NOW)
    scholar, answers = StandInScholar(clock, long_profiles=set()), StandInOpenSources()
    routes = {"/citations": scholar, "/authors": answers.openalex}
    with LocalHTTPServer(routes) as server:
        for source in ("SCHOLAR", "OPENALEX", "SEMANTICSCHOLAR"):
            monkeypatch.setenv(f"ACADPAGE_{source}_URL", server.url)
        runtime.settings.cache_clear()
        tick = runtime.run_scholar_tick(now=NOW, sleep=clock.sleep)
        tick_calls, called[:] = set(called), []
        batches = runtime.run_open_batches(now=NOW)
    assert tick.published and batches.published["openalex"]
    for function, calls in (("scholar_tick", tick_calls), ("open_batches", set(called))):
        assert calls <= granted(stack_policy(function)), function
        assert "s3:GetObject" not in calls, function
