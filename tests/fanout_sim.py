"""A simulated stack of many sites on a virtual clock: the real tick and batch code, stand-in
Scholar, OpenAlex and Semantic Scholar servers on 127.0.0.1, and AWS either in memory
(tests/memory_aws.py: the stores' few DynamoDB and S3 calls, fast enough for 5,000 sites) or
under moto (tests/test_memory_aws.py runs both and asserts the same results).

The stand-in Scholar blocks its caller for 24 h when two requests come less than 60 s apart
(virtual time) and serves some profiles in several pages. Used by tests/test_fanout_week.py
(a few sites, a short span) and benchmarks/fanout.py (5,000 sites, a week).
"""

from __future__ import annotations

import inspect
import json
import random
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import pairwise

from chalicelib.citations.pacing import RULES, PacingRules, ProfileClock
from tests.conftest import FIXTURES
from tests.httpserver import LocalHTTPServer, RecordedRequest, Reply
from tests.memory_aws import MemoryDynamoDB, MemoryS3, item_bytes
from tests.scholar_pages import profile_pages

START = datetime(2026, 3, 2, tzinfo=UTC)
BLOCK_S = 24 * 3600
TOO_SOON_S = 60
SCHOLAR_ROWS = 40  # a one-page profile
LONG_ROWS = 250  # a three-page profile (100 rows a page)
TABLE = "fanout-sim"
# An invocation's Lambda seconds are modelled from what the simulation measures: its code's time
# here (the AWS stand-ins' own time taken out) stretched to a 128 MB function's CPU share (Lambda
# gives one vCPU at 1,769 MB, in proportion below), each AWS call's round trip (the stand-ins
# answer in microseconds; DynamoDB promises single-digit milliseconds), and the tick's sleep.
AWS_ROUND_TRIP_S = 0.010
LAMBDA_CPU_SHARE = 128 / 1769
BUCKET = "fanout-sim"


class VirtualClock:
    """Simulated time: sleeping moves it on at once."""

    def __init__(self, start: datetime):
        self.now = start
        self.slept_s = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.slept_s += seconds


@cache
def _pages(rows: int) -> tuple[str, ...]:
    return tuple(profile_pages([30 - min(i, 29) for i in range(rows)]))


@cache
def _parsed(rows: int) -> tuple:
    from chalicelib.citations.scholar import parse_profile_page

    return tuple(parse_profile_page(html) for html in _pages(rows))


class StandInScholar:
    """Google Scholar as a strict server: two requests < 60 s apart block the caller for 24 h."""

    def __init__(self, clock: VirtualClock, long_profiles: set[str]):
        self.clock = clock
        self.long_profiles = long_profiles
        self.times: list[datetime] = []
        self.blocked_until: datetime | None = None
        self.blocks = 0
        self.refused = 0

    def __call__(self, request: RecordedRequest) -> Reply:
        now = self.clock.now
        previous = self.times[-1] if self.times else None
        self.times.append(now)
        if self.blocked_until is not None and now < self.blocked_until:
            self.refused += 1
            return Reply(429, {"Content-Type": "text/html"}, "blocked")
        if previous is not None and (now - previous).total_seconds() < TOO_SOON_S:
            self.blocks += 1
            self.refused += 1
            self.blocked_until = now + timedelta(seconds=BLOCK_S)
            return Reply(429, {"Content-Type": "text/html"}, "blocked")
        user = request.query["user"][0]
        pages = _pages(LONG_ROWS if user in self.long_profiles else SCHOLAR_ROWS)
        number = int(request.query["cstart"][0]) // 100
        return Reply(200, {"Content-Type": "text/html"}, pages[number])

    def min_gap_s(self) -> float | None:
        gaps = [(b - a).total_seconds() for a, b in pairwise(self.times)]
        return min(gaps, default=None)


@cache
def _openalex_author() -> dict:
    return json.loads((FIXTURES / "openalex" / "author_A5023888391.json").read_text())


@cache
def _s2_author() -> dict:
    author = json.loads(
        (FIXTURES / "semanticscholar" / "author_2262347_with_papers.json").read_text()
    )
    return {key: value for key, value in author.items() if key != "papers"}


class StandInOpenSources:
    """OpenAlex's /authors?filter=ids.openalex:A|B and Semantic Scholar's POST /author/batch."""

    def __init__(self, failing_openalex_batches: int = 0):
        self.requests: Counter = Counter()
        self.largest: Counter = Counter()
        self.failing_openalex_batches = failing_openalex_batches

    def openalex(self, request: RecordedRequest) -> Reply:
        self.requests["openalex"] += 1
        if self.failing_openalex_batches > 0:
            self.failing_openalex_batches -= 1
            return Reply(503, {"Content-Type": "text/plain"}, "unavailable")
        attribute, _, ids = request.query["filter"][0].partition(":")
        assert attribute == "ids.openalex", attribute
        asked = ids.split("|")
        self.largest["openalex"] = max(self.largest["openalex"], len(asked))
        results = [{**_openalex_author(), "id": f"https://openalex.org/{i}"} for i in asked]
        body = {"meta": {"count": len(results)}, "results": results}
        return Reply(200, {"Content-Type": "application/json"}, json.dumps(body))

    def semanticscholar(self, request: RecordedRequest) -> Reply:
        self.requests["semanticscholar"] += 1
        asked = json.loads(request.body)["ids"]
        self.largest["semanticscholar"] = max(self.largest["semanticscholar"], len(asked))
        body = [{**_s2_author(), "authorId": i} for i in asked]
        return Reply(200, {"Content-Type": "application/json"}, json.dumps(body))


@contextmanager
def partition_queries():
    """moto 5.2 answers every Query by sorting the whole table; with thousands of sites that
    alone would take days. Inside this, a Query on the table's key reads its one partition:
    the same items in the same order, only found directly."""
    from moto.dynamodb.models.table import Table

    original = Table.query
    signature = inspect.signature(original)

    def query(self, *args, **kwargs):
        asked = signature.bind(self, *args, **kwargs).arguments
        hash_key = asked.get("hash_key")
        if asked.get("index_name") or hash_key is None or not self.range_key_attr:
            return original(self, *args, **kwargs)
        partition = self.items.get(hash_key, {})
        self.all_items = lambda: sorted(partition.values(), key=lambda item: item.range_key)
        try:
            return original(self, *args, **kwargs)
        finally:
            del self.all_items

    Table.query = query
    try:
        yield
    finally:
        Table.query = original


@dataclass
class WeekResult:
    """What the simulated span measured."""

    min_gap_s: float | None
    blocks: int
    scholar_requests: int
    scholar_oldest_days: float
    open_oldest_hours: float
    aws_requests: dict[str, Counter]
    dynamodb_units: Counter  # request units, from item sizes (write 1 KB, read 4 KB steps)
    lambda_invocations: Counter
    lambda_seconds: Counter
    open_requests: Counter
    open_largest_batch: Counter
    laptop_sends: int
    scholar_times: list[datetime] = field(default_factory=list)
    refused: int = 0
    stored: tuple | None = None  # (the table's items, the bucket's objects) with keep_stored


def write_units(operation: str, params: dict) -> float:
    """Write request units of one call: 1 KB steps per item written."""
    if operation == "PutItem":
        return -(-item_bytes(params["Item"]) // 1024)
    if operation == "UpdateItem":  # the status record is about 1-2 KB, the pacer's state less
        return 2 if params["Key"]["sk"]["S"] == "CURRENT#STATUS" else 1
    if operation == "BatchWriteItem":
        return sum(
            -(-item_bytes(request["PutRequest"]["Item"]) // 1024) if "PutRequest" in request else 1
            for requests in params["RequestItems"].values()
            for request in requests
        )
    return 0


def read_units(operation: str, parsed: dict, consistent: bool) -> float:
    """Read request units of one answer: 4 KB steps, half for eventually consistent reads."""
    share = 1 if consistent else 0.5
    if operation == "Query":
        return max(1, -(-sum(item_bytes(i) for i in parsed.get("Items", [])) // 4096)) * share
    if operation == "GetItem":
        return max(1, -(-item_bytes(parsed.get("Item", {})) // 4096)) * share
    if operation == "BatchGetItem":
        return sum(
            max(1, -(-item_bytes(item) // 4096)) / 2
            for items in parsed.get("Responses", {}).values()
            for item in items
        )
    return 0


class CountedClient:
    """A DynamoDB or S3 client whose calls, once `counting`, are counted by service and
    operation, with DynamoDB's write and read units; the same for moto and the memory stand-in."""

    def __init__(self, client, service: str, requests: dict[str, Counter], units: Counter,
                 spent: Counter):  # fmt: skip
        self.client = client
        self.service = service
        self.requests = requests
        self.units = units
        self.spent = spent  # "seconds" inside the calls (the stand-ins' time, not the Lambda's)
        self.counting = False

    def __getattr__(self, name: str):
        method = getattr(self.client, name)
        if not self.counting or not callable(method):
            return method
        operation = "".join(part.capitalize() for part in name.split("_"))

        def counted(**params):
            self.requests[self.service][operation] += 1
            if self.service == "dynamodb":
                self.units["write"] += write_units(operation, params)
            started = time.perf_counter()
            answer = method(**params)
            self.spent["seconds"] += time.perf_counter() - started
            if self.service == "dynamodb":
                consistent = bool(params.get("ConsistentRead"))
                self.units["read"] += read_units(operation, answer, consistent)
            return answer

        return counted


@contextmanager
def aws_clients(kind: str):
    """(DynamoDB, S3) low-level clients: the in-memory stand-ins, or moto's."""
    if kind == "memory":
        yield MemoryDynamoDB(), MemoryS3()
        return
    if kind != "moto":
        raise ValueError(f"aws: expected 'memory' or 'moto', got {kind!r}")
    import boto3
    from moto import mock_aws

    with mock_aws(), partition_queries():
        yield (
            boto3.client("dynamodb", region_name="us-east-1"),
            boto3.client("s3", region_name="us-east-1"),
        )


def aws_meter(requests: dict[str, Counter], spent: Counter) -> tuple[float, int, float]:
    """(now, AWS calls so far, seconds inside them) to bill an invocation from."""
    calls = sum(sum(operations.values()) for operations in requests.values())
    return time.perf_counter(), calls, spent["seconds"]


def billed_s(before: tuple[float, int, float], after: tuple[float, int, float]) -> float:
    """An invocation's Lambda seconds (but its sleep), from the meter before and after it."""
    (started, calls_before, aws_before), (ended, calls, aws_s) = before, after
    code_s = ended - started - (aws_s - aws_before)
    return code_s / LAMBDA_CPU_SHARE + (calls - calls_before) * AWS_ROUND_TRIP_S


def stored_contents(dynamodb, s3) -> tuple[list[dict], dict[str, dict]]:
    """Every item of the table (by key) and every object of the bucket with its headers."""
    items, request = [], {"TableName": TABLE}
    while True:
        page = dynamodb.scan(**request)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    items.sort(key=lambda item: (item["pk"]["S"], item["sk"]["S"]))
    if isinstance(s3, MemoryS3):
        return items, s3.objects(BUCKET)
    objects = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for listed in page.get("Contents", []):
            got = s3.get_object(Bucket=BUCKET, Key=listed["Key"])
            objects[listed["Key"]] = {
                "Body": got["Body"].read(),
                "ContentType": got.get("ContentType"),
                "CacheControl": got.get("CacheControl"),
            }
    return items, objects


def scholar_id(number: int) -> str:
    return f"S{number:011d}"


def simulate(
    *,
    sites: int,
    days: float,
    laptop_every: int = 20,
    long_every: int = 50,
    open_every_h: int = 2,
    rules: PacingRules = RULES,
    seed: int = 7,
    failing_openalex_batches: int = 0,
    block_at: datetime | None = None,
    aws: str = "memory",
    keep_stored: bool = False,
) -> WeekResult:
    """Run the stack's schedules over `days` of virtual time; every figure is measured."""
    import requests

    from chalicelib.citations.fanout import (
        OPEN_BUDGET_S,
        Site,
        refresh_open_sources,
        scholar_tick,
    )
    from chalicelib.citations.pacer_store import PacerStore
    from chalicelib.citations.refresh import publish_guarded
    from chalicelib.citations.scholar import merge_pages
    from chalicelib.citations.stats_files import StatsWriter
    from chalicelib.citations.store import CitationStore, create_table
    from chalicelib.settings import load_settings

    randomness = random.Random(seed)
    clock = VirtualClock(START)
    long_profiles = {scholar_id(n) for n in range(sites) if n % long_every == long_every - 1}
    laptop_sites = {f"site{n:05d}" for n in range(sites) if n % laptop_every == 0}
    scholar = StandInScholar(clock, long_profiles)
    open_sources = StandInOpenSources(failing_openalex_batches)
    routes = {
        "/citations": scholar,
        "/authors": open_sources.openalex,
        "/author/batch": open_sources.semanticscholar,
    }
    aws_requests: dict[str, Counter] = defaultdict(Counter)
    units: Counter = Counter()
    spent: Counter = Counter()

    with (
        LocalHTTPServer(routes) as server,
        aws_clients(aws) as (raw_dynamodb, raw_s3),
        requests.Session() as session,
    ):
        base = load_settings(
            {
                "ACADPAGE_TABLE": TABLE,
                "ACADPAGE_BUCKET": BUCKET,
                "ACADPAGE_SCHOLAR_URL": server.url,
                "ACADPAGE_OPENALEX_URL": server.url,
                "ACADPAGE_SEMANTICSCHOLAR_URL": server.url + "/",
                "ACADPAGE_OPENALEX_API_KEY": "sim-key",
            }
        )
        dynamodb = CountedClient(raw_dynamodb, "dynamodb", aws_requests, units, spent)
        s3 = CountedClient(raw_s3, "s3", aws_requests, units, spent)
        create_table(dynamodb, TABLE, wait=False)
        s3.create_bucket(Bucket=BUCKET)
        store = CitationStore(dynamodb, TABLE)
        pacer_store = PacerStore(dynamodb, TABLE)
        roster = [
            Site(
                f"site{n:05d}",
                replace(
                    base,
                    scholar_id=scholar_id(n),
                    openalex_id=f"A{5000000000 + n}",
                    semanticscholar_id=str(1000000 + n),
                ),
            )
            for n in range(sites)
        ]
        by_site = {site.site_id: site for site in roster}

        def stats_writer_for(site: Site) -> StatsWriter:
            return StatsWriter(s3, BUCKET, f"sites/{site.site_id}/stats/")

        def scholar_snapshot(site: Site, moment: datetime):
            """The profile's numbers as its Scholar pages give them, fetched at `moment`."""
            rows = LONG_ROWS if site.settings.scholar_id in long_profiles else SCHOLAR_ROWS
            return merge_pages(site.settings.scholar_id, _parsed(rows), moment)

        # Steady state before the span: each profile fetched once in the last cycle, stalest
        # first, exactly as the pacer would have left it.
        server_profiles = [s for s in roster if s.site_id not in laptop_sites]
        cycle_requests = sum(
            3 if s.settings.scholar_id in long_profiles else 1 for s in server_profiles
        )
        cycle = timedelta(seconds=cycle_requests * rules.gap_s)
        fresh: dict[str, list[datetime]] = defaultdict(list)
        for index, site in enumerate(server_profiles):
            moment = START - cycle + cycle * index / len(server_profiles)
            pacer_store.save_clock(ProfileClock(site.site_id, site.settings.scholar_id, moment))
            store.save_snapshot(scholar_snapshot(site, moment))
            fresh[site.site_id].append(moment)

        def laptop_send(site: Site, moment: datetime) -> None:
            """The owner's scheduled refresh sends saved pages: no request reaches the stack's
            Scholar caller, the numbers go through the same guard."""
            snapshot = replace(scholar_snapshot(site, moment), origin="owner-machine-schedule")
            state = store.load_current(site.settings.profile_id)
            publish_guarded(site.settings, store, snapshot, state=state, now=moment)
            fresh[site.site_id].append(moment)

        for site_id in sorted(laptop_sites):
            # sent within the rule's window, as a daily laptop schedule leaves them
            moment = START - timedelta(seconds=randomness.uniform(0, rules.refresh_after_s))
            laptop_send(by_site[site_id], moment)
        dynamodb.counting = s3.counting = True  # the span's calls, not the steady state's

        invocations: Counter = Counter()
        seconds: Counter = Counter()
        open_fresh: dict[tuple[str, str], list[datetime]] = defaultdict(list)
        end = START + timedelta(days=days)
        next_open = START
        laptop_sends = 0
        minute = START
        while minute < end:
            if minute >= next_open:
                clock.now = minute
                before = aws_meter(aws_requests, spent)
                # the run's budget, counted in its modelled Lambda seconds, not this machine's
                report = refresh_open_sources(
                    roster,
                    store,
                    session,
                    now=minute,
                    settings=base,
                    rules=rules,
                    stats_writer_for=stats_writer_for,
                    deadline=OPEN_BUDGET_S,
                    clock=lambda before=before: billed_s(before, aws_meter(aws_requests, spent)),
                )
                invocations["open_batches"] += 1
                seconds["open_batches"] += billed_s(before, aws_meter(aws_requests, spent))
                for source, site_ids in report.published.items():
                    for site_id in site_ids:
                        open_fresh[(source, site_id)].append(minute)
                next_open = minute + timedelta(hours=open_every_h)
            if minute.hour == 7 and minute.minute == 0:
                # each laptop owner's scheduled refresh sends saved pages (not via the stack)
                for site_id in sorted(laptop_sites):
                    laptop_send(by_site[site_id], minute)
                    laptop_sends += 1
            if block_at is not None and block_at <= minute < block_at + timedelta(minutes=1):
                scholar.blocked_until = minute + timedelta(seconds=BLOCK_S)
            # EventBridge runs a rate(1 minute) rule within its minute, not on the second.
            clock.now = minute + timedelta(seconds=randomness.uniform(0, 20))
            slept_before = clock.slept_s
            before = aws_meter(aws_requests, spent)
            report = scholar_tick(
                roster,
                pacer_store,
                store,
                session,
                now=clock.now,
                owner=f"tick-{minute:%j%H%M}",
                rules=rules,
                sleep=clock.sleep,
                stats_writer_for=stats_writer_for,
            )
            invocations["scholar_tick"] += 1
            billed = billed_s(before, aws_meter(aws_requests, spent))
            billed += clock.slept_s - slept_before
            seconds["scholar_tick"] += billed
            if report.published:
                fresh[report.action.site_id].append(report.fresh_at)
            minute += timedelta(minutes=1)
        stored = stored_contents(raw_dynamodb, raw_s3) if keep_stored else None

    def oldest(times_by_key, keys) -> float:
        worst = 0.0
        for key in keys:
            times = sorted(times_by_key.get(key, []))
            if not times:
                return float("inf")
            gaps = [b - a for a, b in pairwise(times)]
            worst = max(
                [worst, (end - times[-1]).total_seconds(), *(gap.total_seconds() for gap in gaps)]
            )
        return worst

    open_keys = [
        (source, site.site_id) for site in roster for source in ("openalex", "semanticscholar")
    ]
    return WeekResult(
        min_gap_s=scholar.min_gap_s(),
        blocks=scholar.blocks,
        scholar_requests=len(scholar.times),
        scholar_oldest_days=oldest(fresh, [site.site_id for site in roster]) / 86400,
        open_oldest_hours=oldest(open_fresh, open_keys) / 3600,
        aws_requests=dict(aws_requests),
        dynamodb_units=units,
        lambda_invocations=invocations,
        lambda_seconds=seconds,
        open_requests=open_sources.requests,
        open_largest_batch=open_sources.largest,
        laptop_sends=laptop_sends,
        scholar_times=scholar.times,
        refused=scholar.refused,
        stored=stored,
    )
