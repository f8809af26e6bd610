"""A simulated week of a stack of 5,000 sites (tests/fanout_sim.py) and its monthly bill.

The pacing figures are measured by the stand-in Scholar; the AWS requests are counted by
botocore's event hooks under moto; the bill prices those counts, and the page views the
issue names, at the list prices of docs/fanout.md (us-east-1, each with its source).
FANOUT_SITES and FANOUT_DAYS run a smaller stack or span (the figures then say so).
"""

from __future__ import annotations

import os
import time
from collections import Counter

SITES = int(os.environ.get("FANOUT_SITES", "5000"))
DAYS = float(os.environ.get("FANOUT_DAYS", "7"))
MONTH_DAYS = 30.4
PAGE_VIEWS = 3_000_000  # a month, for the whole stack
PAGE_MS = 50  # a page request's billed duration: its reads of S3 and DynamoDB, not its CPU
PAGE_MEMORY_GB = 0.5  # lambda_memory_size of .chalice/config.json
FANOUT_MEMORY_GB = 0.125  # the tick and the open batches: one request and a parse at a time
PAGE_READ_UNITS = 4  # one citation-state Query (header and chunks of a 100-row profile)

# docs/fanout.md, "Prices": us-east-1 list prices, each with its source there.
PRICES = {
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000166667,
    "dynamodb_write_unit": 0.625 / 1e6,
    "dynamodb_read_unit": 0.125 / 1e6,
    "s3_put": 0.005 / 1000,
    "s3_get": 0.0004 / 1000,
    "api_gateway_request": 3.50 / 1e6,
    "cloudfront_request": 0.0100 / 10_000,
    "cloudfront_gb": 0.085,
}
CLOUDFRONT_FREE_REQUESTS = 10_000_000  # CloudFront's always-free monthly allowance
CLOUDFRONT_FREE_GB = 1024


def monthly_bill(week, days: float, page_bytes: int) -> dict[str, float]:
    """USD a month by service: the refresh as simulated (scaled from `days`), and the page
    views, each `page_bytes` (the example page, uncompressed: the most CloudFront sends)."""
    per_month = MONTH_DAYS / days
    s3 = week.aws_requests.get("s3", Counter())
    fanout_seconds = sum(week.lambda_seconds.values())
    views_gb = PAGE_VIEWS * page_bytes / 1024**3
    bill = {
        "lambda_refresh": per_month * (
            sum(week.lambda_invocations.values()) * PRICES["lambda_request"]
            + fanout_seconds * FANOUT_MEMORY_GB * PRICES["lambda_gb_second"]
        ),
        "dynamodb_refresh": per_month * (
            week.dynamodb_units["write"] * PRICES["dynamodb_write_unit"]
            + week.dynamodb_units["read"] * PRICES["dynamodb_read_unit"]
        ),
        "s3_refresh": per_month * s3["PutObject"] * PRICES["s3_put"],
        # every view reaches the origin (no edge hit counted): the page function, its reads
        "api_gateway_pages": PAGE_VIEWS * PRICES["api_gateway_request"],
        "lambda_pages": PAGE_VIEWS * (
            PRICES["lambda_request"]
            + PAGE_MS / 1000 * PAGE_MEMORY_GB * PRICES["lambda_gb_second"]
        ),
        "dynamodb_pages": PAGE_VIEWS * PAGE_READ_UNITS / 2 * PRICES["dynamodb_read_unit"],
        "s3_pages": PAGE_VIEWS * PRICES["s3_get"],
        "cloudfront_pages": max(0, PAGE_VIEWS - CLOUDFRONT_FREE_REQUESTS)
        * PRICES["cloudfront_request"]
        + max(0.0, views_gb - CLOUDFRONT_FREE_GB) * PRICES["cloudfront_gb"],
    }  # fmt: skip
    return bill


def figures():
    """The week's figures, as (name, value, unit)."""
    from tests.fanout_sim import simulate

    started = time.perf_counter()
    week = simulate(sites=SITES, days=DAYS)
    scale = "" if (SITES, DAYS) == (5000, 7) else f" ({SITES} sites, {DAYS:g} days)"
    yield "fanout_simulation_wall_s", time.perf_counter() - started, "s" + scale
    yield "fanout_scholar_min_gap_s", week.min_gap_s, "s" + scale
    yield "fanout_scholar_blocks", week.blocks, "blocks" + scale
    yield "fanout_scholar_oldest_days", week.scholar_oldest_days, "days" + scale
    yield "fanout_open_oldest_hours", week.open_oldest_hours, "hours" + scale
    yield "fanout_scholar_requests", week.scholar_requests, "requests" + scale
    per_week = 7 / DAYS
    for service, operations in sorted(week.aws_requests.items()):
        total = round(sum(operations.values()) * per_week)
        yield f"fanout_aws_requests_week_{service}", total, "requests" + scale
    invocations = round(sum(week.lambda_invocations.values()) * per_week)
    yield "fanout_aws_requests_week_lambda", invocations, "invocations" + scale
    open_requests = round(sum(week.open_requests.values()) * per_week)
    yield "fanout_open_requests_week", open_requests, "requests" + scale
    from benchmarks.page import page_bytes

    bill = monthly_bill(week, DAYS, page_bytes()[0])
    for part, usd in bill.items():
        yield f"fanout_monthly_usd_{part}", usd, "USD"
    yield "fanout_monthly_usd", sum(bill.values()), "USD" + scale
