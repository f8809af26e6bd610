"""The warm container's shared objects, built on first use (never at import) and reset by tests."""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from functools import cache

from chalicelib.lab.siteid import DEFAULT_SITE, SiteId, site_root_path
from chalicelib.settings import NO_SOURCE, Settings, SettingsError, load_settings

logger = logging.getLogger("acadpage")


@cache
def settings() -> Settings:
    """The settings of this deployment, from the environment."""
    return load_settings(os.environ)


@cache
def s3_client():
    """The S3 client, created on first use."""
    import boto3

    return boto3.client("s3")


@cache
def dynamodb_client():
    """The DynamoDB client, created on first use."""
    import boto3

    return boto3.client("dynamodb")


def content_store(site: SiteId = DEFAULT_SITE):
    """Content and media of `site` in the deployment's bucket."""
    from chalicelib.aws.content_store import ContentStore

    config = settings()
    keys = config.keys(site)
    return ContentStore(s3_client(), config.bucket, keys.content_prefix, keys.media_prefix)


def citation_store(site: SiteId = DEFAULT_SITE):
    """The citation table as `site` keys it, or None when no table is configured."""
    from chalicelib.citations.store import CitationStore

    config = settings()
    keys = config.keys(site)
    return (
        CitationStore(dynamodb_client(), config.table, partition=keys.citation_partition)
        if config.table
        else None
    )


@cache
def registry():
    """The member sites of this deployment (in the citation table), or None without a table."""
    from chalicelib.aws.registry import SiteRegistry

    config = settings()
    return SiteRegistry(dynamodb_client(), config.table) if config.table else None


def scholar_pacer():
    """The Scholar pacer's state for /status.json, or None on a stack without the tick: read
    at most once per citation TTL, like the numbers beside it (a failed read keeps the last)."""
    import time

    return _pacer_state().get(time.monotonic()) if settings().table else None


@cache
def _pacer_state():
    from chalicelib.citations.pacer_store import PacerStore
    from chalicelib.homepage import Expiring

    config = settings()
    store = PacerStore(dynamodb_client(), config.table)
    return Expiring(store.read_state, config.citation_ttl_s, logger=logger)


def site_profile(site: SiteId) -> str:
    """The profile `site`'s numbers are kept under (the profile_id of its settings, through the
    page path's cache), or "" for a member no longer registered."""
    try:
        return site_settings(site, fresh=False).profile_id
    except SettingsError:
        return ""


def current_citations(site: SiteId = DEFAULT_SITE):
    """The citation state of `site`'s profile: one DynamoDB call, or None without a table."""
    store = citation_store(site)
    profile = site_profile(site)
    return store.load_current(profile) if store and profile else None


@cache
def site_directory():
    """Which site a request is for: the registry's answers, remembered for the content TTL (the
    registry is built at its first question: a single site's requests never ask one)."""
    from chalicelib.sites import SiteDirectory

    config = settings()
    if not config.table:
        return SiteDirectory(lambda site: None, lambda host: None, config.member_hosts)
    return SiteDirectory(lambda site: registry().get(site),
                         lambda host: registry().site_for_host(host),
                         config.member_hosts, config.content_ttl_s)  # fmt: skip


def site_settings(site: SiteId, *, fresh: bool = True) -> Settings:
    """The settings `site` is refreshed and shown with: the deployment's, with a member's
    profiles (read from the registry, or through the page path's cache when not `fresh`)."""
    config = settings()
    if site.is_default:
        return config
    from chalicelib.aws.registry import member_settings

    if not fresh:
        record = site_directory().record(site)
    else:
        sites = registry()
        record = sites.get(site) if sites is not None else None
    if record is None:
        raise SettingsError(f"site {site}: not registered (`acadpage site add {site}` first)")
    return member_settings(config, record)


def run_refresh(site: SiteId = DEFAULT_SITE, *, now: datetime | None = None, metrics_stream=None):
    """One refresh of `site`: every configured source into the table, stats files to the bucket.

    Writes one CloudWatch embedded-metric line per run to stdout (or `metrics_stream`), also
    when the refresh raises or no source is configured. A refresh in which no source came back
    sound raises RefreshFailedError after that line, so Lambda counts a failed invocation and
    its failure queue keeps it.
    """
    from chalicelib.citations.metrics import refresh_metrics
    from chalicelib.citations.refresh import RefreshReport

    moment = now or datetime.now(UTC)
    stage, report, problem = "default", RefreshReport(()), ""
    try:
        config = site_settings(site)
        stage = config.stage or "default"
        if not config.citation_sources:
            problem = NO_SOURCE
            # an error, not a warning: Chalice keeps its app log at ERROR outside debug mode
            logger.error(json.dumps({"event": "refresh", "problem": problem}))
        else:
            report = _refresh_now(config, moment, site)
    except Exception:
        _emit(refresh_metrics(stage, (), now=moment, failed=True), metrics_stream)
        raise
    metrics = refresh_metrics(
        stage, report.results, now=moment, failed=report.failed, problem=problem
    )
    _emit(metrics, metrics_stream)
    if report.failed:
        raise RefreshFailedError(report)
    return report


class RefreshFailedError(RuntimeError):
    """Every configured source was tried and none came back sound; names each one's outcome."""

    def __init__(self, report):
        from chalicelib.citations.refresh import describe_result

        lines = "; ".join(describe_result(result) for result in report.results)
        super().__init__(f"citation refresh failed: no source published: {lines}")
        self.report = report


def _emit(document: dict, stream=None) -> None:
    # EMF wants the JSON alone on its line, so it bypasses the logger's level/time prefix.
    stream = stream or sys.stdout
    stream.write(json.dumps(document, ensure_ascii=False) + "\n")
    stream.flush()


def _refresh_now(config: Settings, moment: datetime, site: SiteId):
    """Fetch, guard and publish every configured source; stats files follow a publish."""
    import requests

    from chalicelib.citations.refresh import refresh_citations, source_fetchers
    from chalicelib.citations.stats_files import StatsWriter

    store = citation_store(site)
    if store is None:
        raise SettingsError("ACADPAGE_TABLE: expected the citation table's name, got nothing")
    with requests.Session() as session:
        report = refresh_citations(
            config,
            store,
            source_fetchers(config, session, now=moment),
            now=moment,
            stats_writer=StatsWriter(s3_client(), config.bucket, config.keys(site).stats_prefix),
            origin="aws-schedule",
        )
    for result in report.results:
        fields = {"source": result.source, "kind": result.kind, "published": result.published,
                  "held_back": result.held_back, "detail": result.detail}  # fmt: skip
        logger.warning(json.dumps({"event": "refresh", **fields}, ensure_ascii=False))
    if report.shown_changed:
        clear_citations_at_the_edge(config, site)
    return report


def stack_sites() -> list:
    """The stack's sites: the deployment's own and every member the registry lists, each with
    its settings and its citation store (its partition)."""
    from chalicelib.citations.fanout import Site

    members = registry().sites() if registry() is not None else []
    return [
        Site(site.name, site_settings(site), citation_store(site))
        for site in [DEFAULT_SITE, *(record.site for record in members)]
    ]


def _stats_writer_for(site):
    from chalicelib.citations.stats_files import StatsWriter

    config = settings()
    prefix = config.keys(SiteId(site.site_id)).stats_prefix
    return StatsWriter(s3_client(), config.bucket, prefix)


def run_scholar_tick(*, now: datetime | None = None, sleep=None):
    """One tick of the stack's Scholar pacer (docs/fanout.md); None on a stack of one site,
    whose daily refresh fetches Scholar as it always did."""
    import time
    import uuid

    import requests

    from chalicelib.citations.fanout import scholar_tick
    from chalicelib.citations.pacer_store import PacerStore

    sites = stack_sites()
    if len(sites) < 2:
        return None
    config = settings()
    with requests.Session() as session:
        report = scholar_tick(
            sites, PacerStore(dynamodb_client(), config.table), citation_store(), session,
            now=now or datetime.now(UTC), owner=uuid.uuid4().hex, sleep=sleep or time.sleep,
            stats_writer_for=_stats_writer_for,
        )  # fmt: skip
    action = report.action
    fields = {
        "event": "scholar_tick",
        "action": action.kind if action else "busy",
        "site": action.site_id if action else "",
        "page": action.page if action else 0,
        "kind": report.kind,
        "published": report.published,
        "detail": report.detail,
    }
    logger.warning(json.dumps(fields, ensure_ascii=False))
    return report


class OpenBatchesFailedError(RuntimeError):
    """Every open-source batch of a run failed: the invocation fails, its queue keeps it."""


def run_open_batches(*, now: datetime | None = None, budget_s: float | None = None):
    """The due open-source batches of every site (docs/fanout.md); None on a stack of one site.

    Starts no new batch after `budget_s` (fanout.OPEN_BUDGET_S unless given); raises
    OpenBatchesFailedError when every batch failed."""
    import time

    import requests

    from chalicelib.citations.fanout import OPEN_BUDGET_S, refresh_open_sources

    sites = stack_sites()
    if len(sites) < 2:
        return None
    with requests.Session() as session:
        report = refresh_open_sources(
            sites, citation_store(), session, now=now or datetime.now(UTC), settings=settings(),
            stats_writer_for=_stats_writer_for,
            deadline=time.monotonic() + (OPEN_BUDGET_S if budget_s is None else budget_s),
        )  # fmt: skip
    fields = {
        "event": "open_batches",
        "requests": report.requests,
        "failed_batches": report.failed_batches,
        "held_back": report.held_back,
        "published": {source: len(ids) for source, ids in report.published.items()},
    }
    logger.warning(json.dumps(fields))
    if report.all_failed:
        raise OpenBatchesFailedError(f"every open-source batch failed: {fields}")
    return report


@cache
def cloudfront_client():
    """The CloudFront client, created on first use (only the refresh invalidates)."""
    import boto3

    return boto3.client("cloudfront")


def clear_citations_at_the_edge(config: Settings, site: SiteId = DEFAULT_SITE) -> str:
    """Invalidate the badge and gs_data paths after a publish; the id, or "" (logged) if not."""
    if not config.distribution_id:
        return ""
    from chalicelib.aws.edge import citation_paths, invalidate
    from chalicelib.errors import UserError

    paths = citation_paths(site)
    try:
        invalidation = invalidate(cloudfront_client(), config.distribution_id, paths)
    except UserError as error:  # the numbers are stored; the edge catches up within its TTL
        logger.error(json.dumps({"event": "edge_invalidation_failed", "error": str(error)}))
        return ""
    event = {"event": "edge_invalidated", "id": invalidation, "paths": list(paths)}
    logger.warning(json.dumps(event))
    return invalidation


@cache
def site_pages():
    """Every site's page service, built on first use and kept within the site cache's bytes."""
    from chalicelib.homepage import Homepage
    from chalicelib.sites import SizedCache

    return SizedCache(_site_homepage, Homepage.resident_bytes, settings().site_cache_bytes)


def _site_homepage(site: SiteId):
    from chalicelib.homepage import Homepage

    config = settings()
    return Homepage(
        store=content_store(site),
        load_citations=lambda: current_citations(site),
        content_ttl_s=config.content_ttl_s,
        citation_ttl_s=config.citation_ttl_s,
        stale_after_days=config.stale_after_days,
        logger=logger,
        member_path=site_root_path(site),
    )


def homepage(site: SiteId = DEFAULT_SITE):
    """The page service of `site` with its caches (the deployment's own site by default)."""
    return site_pages().get(site)


@cache
def lab_service():
    """The lab page of this deployment's own site, with its caches."""
    from chalicelib.labpage import LabService

    return LabService(content_store(), homepage, settings().content_ttl_s, logger=logger)


def lab(site: SiteId = DEFAULT_SITE):
    """The lab `site` is: the deployment's own site's lab.yaml when it has no site.yaml; None
    for a member's site or a site with its own page."""
    return lab_service().lab() if site.is_default and homepage().missing() else None


def reset() -> None:
    """Forget every client, setting and cache (tests, and a new environment)."""
    for built in (settings, s3_client, dynamodb_client, registry, site_directory, site_pages,
                  lab_service, cloudfront_client, _pacer_state):  # fmt: skip
        built.cache_clear()
