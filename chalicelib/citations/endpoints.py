"""The citation endpoints the app serves: badges, gs_data*.json and status.json (pure)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from chalicelib.citations.badges import badge_svg, badge_text, shields_endpoint
from chalicelib.citations.gs_data import gs_documents
from chalicelib.citations.lab_status import scholar_pause, site_status
from chalicelib.citations.pacing import PacerState
from chalicelib.citations.state import CitationState, choose_display
from chalicelib.citations.status import status_document
from chalicelib.settings import Settings

JSON_TYPE = "application/json"
SVG_TYPE = "image/svg+xml"

_BADGE_PATH = re.compile(r"^/badge/(citations|h-index|i10-index)\.(json|svg)$")
# AcadHomepage's include asks for <base>google-scholar-stats/gs_data.json: both paths answer.
ACADHOMEPAGE_PREFIX = "/google-scholar-stats"


def citation_endpoint(
    path: str,
    state: CitationState | None,
    now: datetime,
    settings: Settings,
    pacer: PacerState | None = None,
) -> tuple[int, str, str]:
    """(status code, content type, body) for /badge/*.json|svg, /gs_data*.json and /status.json.

    `pacer` (on a stack whose Scholar tick runs) adds to /status.json each source's next due
    time and whether Scholar is paused for the whole stack (docs/fanout.md)."""
    display = choose_display(state, now, settings.stale_after_days)
    if path.startswith(ACADHOMEPAGE_PREFIX + "/"):
        path = path[len(ACADHOMEPAGE_PREFIX) :]
    badge = _BADGE_PATH.match(path)
    if badge:
        metric, kind = badge.groups()
        if kind == "svg":
            return 200, SVG_TYPE, badge_svg(*badge_text(metric, display))
        return 200, JSON_TYPE, _json(shields_endpoint(metric, display))
    if path == "/status.json":
        document = status_document(
            state, now, settings.stale_after_days, configured=settings.citation_sources
        )
        if pacer is not None:
            schedule = site_status(
                settings.profile_id,
                settings.citation_sources,
                state,
                None,
                pacer,
                now,
                stale_after_days=settings.stale_after_days,
            )
            document["schedule"] = {"scholar": scholar_pause(pacer, now), **schedule}
        return 200, JSON_TYPE, _json(document)
    document, shieldsio = gs_documents(display, state.snapshots if state is not None else {})
    if path == "/gs_data_shieldsio.json":
        return 200, JSON_TYPE, _json(shieldsio)
    if path == "/gs_data.json":
        if document is None:
            return 404, JSON_TYPE, _json({"error": "no citation numbers have been fetched yet"})
        return 200, JSON_TYPE, _json(document)
    return 404, JSON_TYPE, _json({"error": f"no citation endpoint at {path}"})


def citation_answer(
    path: str, load_state, clock, load_settings, logger, load_pacer=None
) -> tuple[int, str, str]:
    """citation_endpoint's answer, or a JSON error when reading the state or settings failed.

    `load_pacer` is asked only for /status.json."""
    try:
        pacer = load_pacer() if load_pacer is not None and path == "/status.json" else None
        return citation_endpoint(path, load_state(), clock(UTC), load_settings(), pacer)
    except Exception as error:  # the answer must still be JSON a page on another origin reads
        logger.error(json.dumps({"event": "citation_endpoint_failed", "path": path,
                                 "error": str(error)}, ensure_ascii=False))  # fmt: skip
        return 503, JSON_TYPE, _json({"error": "citation numbers are unavailable right now"})


def _json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False)
