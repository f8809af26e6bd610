"""The pacing rule as pure decisions: state + now -> the next Scholar request, or why none."""

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.citations.pacing import (
    OpenProfile,
    PacerState,
    PacingRules,
    ProfileClock,
    ScholarAction,
    ScholarJob,
    after_scholar_request,
    next_scholar_action,
    open_batches,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
RULES = PacingRules()


def ago(**kwargs) -> datetime:
    return NOW - timedelta(**kwargs)


def test_the_stalest_profile_goes_first_and_never_fetched_ones_before_all():
    profiles = [
        ProfileClock("b", "BBBBBBBBBBBB", fresh_at=ago(days=3)),
        ProfileClock("a", "AAAAAAAAAAAA", fresh_at=ago(days=5)),
        ProfileClock("c", "CCCCCCCCCCCC"),
    ]
    action = next_scholar_action(PacerState(), profiles, NOW)
    assert (action.kind, action.site_id, action.page, action.at) == ("fetch", "c", 1, NOW)
    action = next_scholar_action(PacerState(), profiles[:2], NOW)
    assert action.site_id == "a"


def test_a_request_is_never_sooner_than_the_gap_after_the_last_one():
    profiles = [ProfileClock("a", "AAAAAAAAAAAA")]
    pacer = PacerState(last_request_at=ago(seconds=50))
    waiting = next_scholar_action(pacer, profiles, NOW)
    assert (waiting.kind, waiting.at) == ("wait", ago(seconds=50) + timedelta(seconds=120))
    within = next_scholar_action(pacer, profiles, NOW, wait_up_to_s=70)
    assert (within.kind, within.at) == ("fetch", ago(seconds=50) + timedelta(seconds=120))


def test_fresh_numbers_are_not_fetched_and_idle_says_when_the_next_is_due():
    fresh = ago(hours=2)
    action = next_scholar_action(PacerState(), [ProfileClock("a", "AAAAAAAAAAAA", fresh)], NOW)
    assert action == ScholarAction("idle", fresh + timedelta(seconds=RULES.refresh_after_s))
    assert next_scholar_action(PacerState(), [], NOW) == ScholarAction("idle", None)


def test_a_profile_that_failed_waits_a_day_before_it_is_tried_again():
    failed = ProfileClock("a", "AAAAAAAAAAAA", fresh_at=None, failed_at=ago(hours=1))
    other = ProfileClock("b", "BBBBBBBBBBBB", fresh_at=ago(days=2))
    assert next_scholar_action(PacerState(), [failed, other], NOW).site_id == "b"


def test_a_block_pauses_every_site_for_a_day_then_one_probe():
    profiles = [ProfileClock("a", "AAAAAAAAAAAA"), ProfileClock("b", "BBBBBBBBBBBB")]
    first = next_scholar_action(PacerState(), profiles, NOW)
    blocked = after_scholar_request(PacerState(), first, "blocked", at=NOW, detail="HTTP 429")
    assert blocked.paused_until == NOW + timedelta(hours=24) and blocked.probe
    for later in (timedelta(minutes=2), timedelta(hours=23, minutes=59)):
        assert next_scholar_action(blocked, profiles, NOW + later).kind == "paused"
    probe = next_scholar_action(blocked, profiles, NOW + timedelta(hours=24))
    assert (probe.kind, probe.probe) == ("fetch", True)
    again = after_scholar_request(blocked, probe, "blocked", at=NOW + timedelta(hours=24))
    assert again.paused_until == NOW + timedelta(hours=48)
    cleared = after_scholar_request(blocked, probe, "ok", at=NOW + timedelta(hours=24))
    assert cleared == PacerState(last_request_at=NOW + timedelta(hours=24))


def test_a_multi_page_profile_is_fetched_page_by_page_before_anyone_else():
    profiles = [ProfileClock("a", "AAAAAAAAAAAA"), ProfileClock("b", "BBBBBBBBBBBB")]
    first = next_scholar_action(PacerState(), profiles, NOW)
    pacer = after_scholar_request(PacerState(), first, "ok", at=NOW, more_pages=True)
    assert pacer.job == ScholarJob("a", "AAAAAAAAAAAA", 2, NOW)
    later = NOW + timedelta(seconds=120)
    second = next_scholar_action(pacer, profiles, later)
    assert (second.kind, second.site_id, second.page) == ("fetch", "a", 2)
    pacer = after_scholar_request(pacer, second, "ok", at=later, more_pages=True)
    assert pacer.job == ScholarJob("a", "AAAAAAAAAAAA", 3, NOW)
    done = after_scholar_request(pacer, second, "ok", at=later, more_pages=False)
    assert done.job is None


def test_a_job_left_too_long_starts_over_with_the_stalest_profile():
    pacer = PacerState(last_request_at=ago(hours=2), job=ScholarJob("a", "A" * 12, 3, ago(hours=2)))
    action = next_scholar_action(pacer, [ProfileClock("b", "B" * 12)], NOW)
    assert (action.site_id, action.page) == ("b", 1)


def test_the_rule_allows_5040_requests_a_week():
    assert 7 * 86400 // RULES.gap_s == 5040  # docs/fanout.md's capacity


def test_open_batches_take_due_ids_stalest_first_each_id_once_per_batch():
    profiles = [
        OpenProfile("s1", "A1", fresh_at=ago(days=2)),
        OpenProfile("s2", "A2", fresh_at=ago(hours=1)),  # the owner just sent them
        OpenProfile("s3", "A3"),
        OpenProfile("s4", "A1", fresh_at=ago(days=2)),  # two sites, one author
        OpenProfile("s5", "A5", fresh_at=ago(days=1)),
    ]
    batches = open_batches(profiles, NOW, size=2)
    assert [[p.site_id for p in batch] for batch in batches] == [["s3", "s1", "s4"], ["s5"]]


@pytest.mark.parametrize("size", [0, -1])
def test_open_batches_refuse_an_empty_batch_size(size):
    with pytest.raises(ValueError, match="size: expected 1 or more"):
        open_batches([], NOW, size=size)
