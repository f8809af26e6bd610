"""The warm container's shared objects, built on first use (never at import) and reset by tests."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from functools import cache

from chalicelib.settings import Settings, load_settings

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


@cache
def content_store():
    """Content and media in the configured bucket."""
    from chalicelib.content_store import ContentStore

    config = settings()
    return ContentStore(s3_client(), config.bucket, config.content_prefix, config.media_prefix)


@cache
def citation_store():
    """The citation table, or None when no table is configured."""
    from chalicelib.citation_store import CitationStore

    config = settings()
    return CitationStore(dynamodb_client(), config.table) if config.table else None


def current_citations():
    """The citation state of this site's profile: one DynamoDB call, or None without a table."""
    store = citation_store()
    return store.load_current(settings().profile_id) if store else None


def citation_display():
    """(what the page shows of the citations, its version) from the citation table."""
    from chalicelib.citation_views import choose_display

    state = current_citations()
    if state is None:
        return None, ""
    display = choose_display(state, datetime.now(UTC), settings().stale_after_days)
    return display, state.version


@cache
def homepage():
    """The page service with its caches: one per warm container."""
    from chalicelib.homepage import Homepage

    config = settings()
    return Homepage(
        store=content_store(),
        load_citations=citation_display,
        content_ttl_s=config.content_ttl_s,
        citation_ttl_s=config.citation_ttl_s,
        logger=logger,
    )


def reset() -> None:
    """Forget every client, setting and cache (tests, and a new environment)."""
    for built in (settings, s3_client, dynamodb_client, content_store, citation_store, homepage):
        built.cache_clear()
