"""Badges: shields.io endpoint documents and our own SVG badges (pure)."""

from __future__ import annotations

import html
import re

from chalicelib.citations.model import CitationDisplay, CitationSnapshot

BADGE_METRICS = ("citations", "h-index", "i10-index")
BADGE_COLOR = "blue"
NO_NUMBERS_COLOR = "lightgrey"
NO_NUMBERS = "n/a"
STALE_COLOR = "lightgrey"  # numbers past the stale threshold, as the page's stale marker says
SHIELDS_MIN_CACHE_SECONDS = 300  # shields.io ignores anything shorter
CACHE_SECONDS = 3600
STALE_CACHE_SECONDS = SHIELDS_MIN_CACHE_SECONDS  # stale numbers: show a refresh soon


def metric_value(metric: str, snapshot: CitationSnapshot) -> int:
    """The number a badge metric shows: "citations", "h-index" or "i10-index"."""
    _check_metric(metric)
    if metric == "citations":
        return snapshot.citations
    return snapshot.h_index if metric == "h-index" else snapshot.i10_index


def _check_metric(metric: str) -> None:
    if metric not in BADGE_METRICS:
        raise ValueError(
            f"badge metric: expected one of {', '.join(BADGE_METRICS)}, got {metric!r}"
        )


def shown_value(value: int, display: CitationDisplay) -> str:
    """A badge message: the number, with its age when it is past the stale threshold."""
    return f"{value} ({display.age_days} days old)" if display.stale else str(value)


def badge_text(metric: str, display: CitationDisplay | None) -> tuple[str, str, str]:
    """A badge's label, message and color; "n/a" in grey without numbers, grey when stale."""
    _check_metric(metric)
    if display is None:
        return metric, NO_NUMBERS, NO_NUMBERS_COLOR
    message = shown_value(metric_value(metric, display.snapshot), display)
    return metric, message, STALE_COLOR if display.stale else BADGE_COLOR


def badge_cache_seconds(display: CitationDisplay | None, cache_seconds: int = CACHE_SECONDS) -> int:
    """How long shields.io may keep a badge: shorter for stale numbers, never below its 300 s."""
    chosen = STALE_CACHE_SECONDS if display is not None and display.stale else cache_seconds
    return max(SHIELDS_MIN_CACHE_SECONDS, int(chosen))


def shields_endpoint(
    metric: str, display: CitationDisplay | None, *, cache_seconds: int = CACHE_SECONDS
) -> dict:
    """A shields.io endpoint document for one metric, with only the keys its schema allows."""
    label, message, color = badge_text(metric, display)
    return {
        "schemaVersion": 1,
        "label": label,
        "message": message,
        "color": color,
        "cacheSeconds": badge_cache_seconds(display, cache_seconds),
    }


# shields.io's named colors, so the same names work on our own badges.
BADGE_COLORS = {
    "brightgreen": "#4c1",
    "green": "#97ca00",
    "yellowgreen": "#a4a61d",
    "yellow": "#dfb317",
    "orange": "#fe7d37",
    "red": "#e05d44",
    "blue": "#007ec6",
    "grey": "#555",
    "gray": "#555",
    "lightgrey": "#9f9f9f",
    "lightgray": "#9f9f9f",
}
_HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
_LABEL_FILL = "#555"
_CHAR_WIDTH = 7  # Verdana 11px averages a little under 7px per character
_TEXT_PADDING = 10


def badge_svg(label: str, message: str, color: str) -> str:
    """A flat badge as SVG text: escaped label and message, widths estimated from their length."""
    fill = BADGE_COLORS.get(color) or (color if _HEX_COLOR.match(color) else None)
    if fill is None:
        raise ValueError(f"badge color: expected a shields.io color name or #hex, got {color!r}")
    label_width = _CHAR_WIDTH * len(label) + _TEXT_PADDING
    message_width = _CHAR_WIDTH * len(message) + _TEXT_PADDING
    width = label_width + message_width
    spoken = html.escape(f"{label}: {message}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" '
        f'role="img" aria-label="{spoken}"><title>{spoken}</title>'
        f'<rect width="{width}" height="20" rx="3" fill="{fill}"/>'
        f'<rect width="{label_width}" height="20" rx="3" fill="{_LABEL_FILL}"/>'
        # squares off the label's right edge where it meets the message
        f'<rect x="{label_width - 4}" width="4" height="20" fill="{_LABEL_FILL}"/>'
        '<g fill="#fff" text-anchor="middle" '
        'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{label_width / 2:g}" y="14">{html.escape(label)}</text>'
        f'<text x="{label_width + message_width / 2:g}" y="14">{html.escape(message)}</text>'
        "</g></svg>"
    )
