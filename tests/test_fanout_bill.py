"""The bill `make bench` prints uses the prices docs/fanout.md lists, and prices what it counts."""

from __future__ import annotations

import re
from collections import Counter
from types import SimpleNamespace

import pytest

from benchmarks.fanout import PRICES, monthly_bill
from tests.conftest import ROOT

DOCS = (ROOT / "docs" / "fanout.md").read_text()
# docs/fanout.md's table row -> PRICES key, and the unit the row states its price per
ROWS = {
    "Lambda request": ("lambda_request", 1e6),
    "Lambda duration (x86)": ("lambda_gb_second", 1),
    "DynamoDB on-demand write request unit": ("dynamodb_write_unit", 1e6),
    "DynamoDB on-demand read request unit": ("dynamodb_read_unit", 1e6),
    "S3 Standard PUT": ("s3_put", 1000),
    "S3 Standard GET": ("s3_get", 1000),
    "API Gateway REST API request": ("api_gateway_request", 1e6),
    "CloudFront HTTPS request (US, Europe)": ("cloudfront_request", 10_000),
    "CloudFront data out (US, Europe, first 10 TB)": ("cloudfront_gb", 1),
}


@pytest.mark.parametrize(("row", "key_and_unit"), ROWS.items())
def test_the_bill_prices_are_the_documented_ones(row, key_and_unit):
    key, per = key_and_unit
    match = re.search(rf"^\| {re.escape(row)} \| ([0-9.]+) ", DOCS, re.MULTILINE)
    assert match, row
    assert float(match.group(1)) == pytest.approx(PRICES[key] * per)


def test_the_bill_scales_a_simulated_day_to_a_month_and_adds_the_page_views():
    day = SimpleNamespace(
        aws_requests={"s3": Counter(PutObject=1000)},
        lambda_invocations=Counter(scholar_tick=1440, open_batches=12),
        lambda_seconds=Counter(scholar_tick=21_600.0, open_batches=600.0),
        dynamodb_units=Counter(write=100_000, read=200_000),
    )
    bill = monthly_bill(day, 1, page_bytes=17_587)
    assert bill["s3_refresh"] == pytest.approx(30.4 * 1000 * 0.005 / 1000)
    assert bill["dynamodb_refresh"] == pytest.approx(30.4 * (0.0625 + 0.025))
    assert bill["lambda_refresh"] == pytest.approx(
        30.4 * (1452 * 0.2e-6 + 22_200 * 0.125 * 0.0000166667)
    )
    assert bill["api_gateway_pages"] == pytest.approx(10.5)
    assert bill["cloudfront_pages"] == 0  # 3 million views of 17.6 KB: within the free allowance
