"""The citation endpoints the app serves: badges, gs_data*.json and status.json (pure)."""

from __future__ import annotations

import json
import re
from datetime import datetime

from chalicelib.citations.badges import badge_svg, badge_text, shields_endpoint
from chalicelib.citations.gs_data import gs_data, gs_data_shieldsio
from chalicelib.citations.state import CitationState, choose_display
from chalicelib.citations.status import status_document
from chalicelib.settings import Settings

JSON_TYPE = "application/json"
SVG_TYPE = "image/svg+xml"

_BADGE_PATH = re.compile(r"^/badge/(citations|h-index|i10-index)\.(json|svg)$")


def citation_endpoint(
    path: str, state: CitationState | None, now: datetime, settings: Settings
) -> tuple[int, str, str]:
    """(status code, content type, body) for /badge/*.json|svg, /gs_data*.json and /status.json."""
    display = choose_display(state, now, settings.stale_after_days)
    badge = _BADGE_PATH.match(path)
    if badge:
        metric, kind = badge.groups()
        if kind == "svg":
            return 200, SVG_TYPE, badge_svg(*badge_text(metric, display))
        return 200, JSON_TYPE, _json(shields_endpoint(metric, display))
    if path == "/status.json":
        return 200, JSON_TYPE, _json(status_document(state, now, settings.stale_after_days))
    if path == "/gs_data_shieldsio.json":
        return 200, JSON_TYPE, _json(gs_data_shieldsio(display.snapshot if display else None))
    if path == "/gs_data.json":
        if display is None:
            return 404, JSON_TYPE, _json({"error": "no citation numbers have been fetched yet"})
        return 200, JSON_TYPE, _json(gs_data(display.snapshot))
    return 404, JSON_TYPE, _json({"error": f"no citation endpoint at {path}"})


def _json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False)
