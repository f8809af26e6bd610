"""`acadpage lab status`: each member's sources with their last success, the age of the numbers
shown and the next due time, and Scholar's pause across the stack, read from the table."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3

from chalicelib.citations.lab_status import scholar_pause, site_status
from chalicelib.citations.pacer_store import PacerStore
from chalicelib.citations.pacing import PacerState, ProfileClock
from tests.test_citation_views import snapshot_of
from tests.test_cli_citations import PROFILE, TABLE, run, table_store, workspace  # noqa: F401

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_scholar_is_due_20_hours_after_its_numbers_but_never_within_a_pause():
    snapshot = snapshot_of("scholar", profile_id=PROFILE, days_old=2, now=NOW)
    from chalicelib.citations.state import CitationState

    state = CitationState({"scholar": snapshot}, None, "v1")
    running = site_status("s1", ["scholar", "openalex"], state, None, PacerState(), NOW)
    assert running["sources"]["scholar"]["next_due_at"] == "2026-03-02T12:00:00Z"  # overdue: now
    assert running["sources"]["scholar"]["numbers_age_days"] == 2
    assert running["sources"]["openalex"]["next_due_at"] == "2026-03-02T12:00:00Z"  # never yet
    paused = PacerState(paused_until=NOW + timedelta(hours=5), pause_reason="HTTP 429")
    during = site_status("s1", ["scholar"], state, None, paused, NOW)
    assert during["sources"]["scholar"]["next_due_at"] == "2026-03-02T17:00:00Z"
    fresh = ProfileClock("s1", PROFILE, fresh_at=NOW - timedelta(hours=1))
    assert (
        site_status("s1", ["scholar"], state, fresh, PacerState(), NOW)["sources"]["scholar"][
            "next_due_at"
        ]
        == "2026-03-03T07:00:00Z"
    )
    assert scholar_pause(paused, NOW) == {
        "paused": True,
        "paused_until": "2026-03-02T17:00:00Z",
        "reason": "HTTP 429",
        "last_request_at": None,
        "probe_next": False,
    }


def test_lab_status_reads_the_pause_and_each_source_from_the_table(workspace, capsys):  # noqa: F811
    now = datetime.now(UTC).replace(microsecond=0)
    store = table_store()
    store.save_snapshot(snapshot_of("scholar", profile_id=PROFILE, now=now))
    store.record_attempt(PROFILE, "scholar", at=now, kind="ok", published=True)
    pacer = PacerStore(boto3.client("dynamodb", region_name="us-east-1"), TABLE)
    until = now + timedelta(hours=23)
    pacer.take_lease("test", now, 60)
    pacer.save_state("test", PacerState(last_request_at=now, paused_until=until,
                                        pause_reason="HTTP 429", probe=True))  # fmt: skip

    code, out, err = run(capsys, "lab", "status")

    assert (code, err) == (0, [])
    assert out[0] == f"Scholar: paused until {until:%Y-%m-%dT%H:%M:%SZ} (HTTP 429)"
    assert out[2] == "default: shows scholar"
    assert out[3].startswith(f"  scholar: last success {now:%Y-%m-%dT%H:%M:%SZ}, numbers 0 days")
    assert out[3].endswith(f"next due {until:%Y-%m-%dT%H:%M:%SZ}")
    code, out, err = run(capsys, "lab", "status", "--json")
    document = json.loads("\n".join(out))
    assert document["scholar"]["paused"] and document["sites"][0]["site"] == "default"


def test_status_json_adds_the_schedule_only_on_a_stack_whose_tick_ran(client):
    before = json.loads(client.http.get("/status.json").body)
    assert "schedule" not in before  # one site, the daily refresh: the document as before

    from chalicelib import runtime

    pacer = PacerStore(runtime.dynamodb_client(), runtime.settings().table)
    now = datetime.now(UTC)
    pacer.take_lease("test", now, 60)
    pacer.save_state("test", PacerState(last_request_at=now, paused_until=now + timedelta(hours=3),
                                        pause_reason="HTTP 429", probe=True))  # fmt: skip
    runtime.reset()  # a citation TTL later: the page reads the pacer at most once per TTL

    document = json.loads(client.http.get("/status.json").body)

    schedule = document["schedule"]
    assert schedule["scholar"]["paused"] and schedule["scholar"]["reason"] == "HTTP 429"
    until = schedule["scholar"]["paused_until"]
    assert schedule["sources"]["scholar"]["next_due_at"] == until
    assert schedule["shown"] == document["displayed"]["source"]  # the seeded numbers


def test_lab_status_lists_every_registered_member(workspace, capsys):  # noqa: F811
    from chalicelib.aws.registry import SiteRecord, record_item
    from chalicelib.lab.siteid import SiteId

    client = boto3.client("dynamodb", region_name="us-east-1")
    record = SiteRecord(SiteId("ann"), scholar_id="AAAAAAAAAAAA")
    client.put_item(TableName=TABLE, Item=record_item(record))

    code, out, err = run(capsys, "lab", "status")

    assert (code, err) == (0, [])
    assert out[1] == "2 site(s)"
    assert "ann: shows nothing yet" in out
