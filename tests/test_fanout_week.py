"""The refresh of many sites, simulated on a virtual clock through the real tick and batch code
(stand-in Scholar/OpenAlex/Semantic Scholar on 127.0.0.1, AWS in memory: tests/test_memory_aws.py
runs a simulation on moto too and finds the same): a few sites over a few hours here, kept small
for CI; `make bench` runs 5,000 sites for a week (benchmarks/fanout.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.citations.pacing import PacingRules
from tests.fanout_sim import START, simulate

# Profiles due again after an hour, so a few hours show many rounds of the same rule.
HOURLY = PacingRules(refresh_after_s=3600)


@pytest.fixture(scope="module")
def hours():
    return simulate(sites=12, days=4 / 24, laptop_every=4, long_every=3, rules=HOURLY)


def test_requests_are_never_closer_than_two_minutes_and_scholar_never_blocks(hours):
    assert hours.min_gap_s is not None and hours.min_gap_s >= 120
    assert hours.blocks == 0 and hours.refused == 0
    # 9 profiles fetched by the stack (3 of them in 3 pages), each at least 3 times
    assert hours.scholar_requests >= 3 * (6 + 3 * 3)


def test_every_profile_is_refreshed_within_its_rule_and_laptop_numbers_count(hours):
    # an hour's wait, then at most one round of all due requests (15 x 2 min) before it
    assert hours.scholar_oldest_days * 24 <= 1 + 15 * 2 / 60 + 0.1
    assert hours.laptop_sends == 0  # none at 07:00 in this span: they were sent before it
    assert hours.open_oldest_hours <= 24


def test_open_sources_go_in_batches_not_one_request_per_site(hours):
    assert hours.open_requests == {"openalex": 1, "semanticscholar": 1}
    assert hours.open_largest_batch == {"openalex": 12, "semanticscholar": 12}


def test_a_block_seen_by_any_site_pauses_scholar_for_all_then_one_probe():
    block = START + timedelta(minutes=30)
    run = simulate(sites=3, days=25.2 / 24, laptop_every=100, long_every=100, rules=HOURLY,
                   block_at=block)  # fmt: skip
    refused = next(t for t in run.scholar_times if t >= block)
    after = [t for t in run.scholar_times if t > refused]
    assert run.refused == 1 and run.blocks == 0
    assert after and after[0] - refused >= timedelta(hours=24)
    assert after[0] - refused < timedelta(hours=24, minutes=2)  # the probe, then on as before
    assert len(after) > 1 and run.min_gap_s >= 120


def test_a_failed_batch_blocks_neither_the_other_batches_nor_the_next_run():
    run = simulate(sites=60, days=2.5 / 24, laptop_every=100, long_every=100, rules=HOURLY,
                   failing_openalex_batches=1)  # fmt: skip
    # first run: batch 1 of OpenAlex (50 ids) failed, batch 2 and Semantic Scholar went on;
    # the next run (2 h later) asked again for the 50 only
    assert run.open_requests == {"openalex": 3, "semanticscholar": 1}
    assert run.open_oldest_hours <= 2.5
    assert run.min_gap_s >= 120 and run.scholar_requests > 0
