"""The refresh's one CloudWatch embedded-metric-format (EMF) log line per run (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from chalicelib.citations.state import utc

NAMESPACE = "acadpage"


def source_outcome(result) -> str:
    """One word or two on how a source went: published, held back, blocked, not_found, ..."""
    if result.published:
        return "published"
    if result.held_back:
        return "held back"
    return "not published" if result.kind == "ok" else result.kind


def refresh_metrics(
    stage: str,
    results: Sequence,
    *,
    now: datetime,
    failed: bool = False,
    problem: str = "",
) -> dict:
    """The EMF document of one refresh: SourcesPublished and RefreshFailed under Stage.

    `results` are the sources' SourceResults (none when the refresh raised or had no source);
    each source's outcome is a field of its own, next to the metrics.
    """
    document: dict = {
        "_aws": {
            "Timestamp": int(utc(now).timestamp() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [["Stage"]],
                    "Metrics": [
                        {"Name": "SourcesPublished", "Unit": "Count"},
                        {"Name": "RefreshFailed", "Unit": "Count"},
                    ],
                }
            ],
        },
        "Stage": stage,
        "SourcesPublished": sum(1 for result in results if result.published),
        "RefreshFailed": 1 if failed else 0,
        "event": "refresh",
    }
    for result in results:
        document[result.source] = source_outcome(result)
    if problem:
        document["problem"] = problem
    return document
