"""The stats files AcadHomepage pages read (stats/gs_data.json and its shields.io twin), in S3."""

from __future__ import annotations

import json
from collections.abc import Mapping

from chalicelib.aws.errors import aws_operation
from chalicelib.citations.gs_data import gs_documents
from chalicelib.citations.model import CitationDisplay, CitationSnapshot

GS_DATA = "gs_data.json"
GS_DATA_SHIELDSIO = "gs_data_shieldsio.json"
CACHE_SECONDS = 300  # short: readers see a refresh within minutes


class StatsWriter:
    """Writes JSON stats files under one prefix of a bucket, given an S3 client."""

    def __init__(self, client, bucket: str, prefix: str = "stats/"):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def write_json(self, name: str, document: dict) -> str:
        """Put `document` as JSON at prefix + name; returns the object key."""
        key = self.prefix + name
        with aws_operation(f"writing s3://{self.bucket}/{key}"):
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=json.dumps(document, ensure_ascii=False).encode(),
                ContentType="application/json",
                CacheControl=f"public, max-age={CACHE_SECONDS}",
            )
        return key

    def write_gs_data(
        self, display: CitationDisplay, snapshots: Mapping[str, CitationSnapshot]
    ) -> tuple[str, str]:
        """Write gs_data.json and gs_data_shieldsio.json of what is shown; returns their keys."""
        document, shieldsio = gs_documents(display, snapshots)
        return (
            self.write_json(GS_DATA, document or {}),
            self.write_json(GS_DATA_SHIELDSIO, shieldsio),
        )
