"""What readers see of citations: the source shown, badges, gs_data.json, chart, status (pure)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from chalicelib.citations import CitationDisplay, CitationSnapshot, PaperCitations
from chalicelib.errors import UserError
from chalicelib.settings import SCHOLAR_ID, Settings

SOURCE_LABELS = {
    "scholar": "Google Scholar",
    "openalex": "OpenAlex",
    "semanticscholar": "Semantic Scholar",
    "import": "imported gs_data.json",
}
# An imported gs_data.json holds Scholar's numbers, so it counts as Scholar when choosing.
SCHOLAR_SOURCES = ("scholar", "import")
OPEN_SOURCES = ("openalex", "semanticscholar")

BADGE_METRICS = ("citations", "h-index", "i10-index")
BADGE_COLOR = "blue"
NO_NUMBERS_COLOR = "lightgrey"
NO_NUMBERS = "n/a"
SHIELDS_MIN_CACHE_SECONDS = 300  # shields.io ignores anything shorter

JSON_TYPE = "application/json"
SVG_TYPE = "image/svg+xml"


@dataclass(frozen=True)
class SourceStatus:
    """One source's last refresh attempt, its last published success and any held-back numbers."""

    source: str
    last_attempt_at: datetime | None = None
    outcome: str = ""  # the kind of the last attempt: ok, blocked, not_found, ...
    detail: str = ""
    last_success_at: datetime | None = None
    held_back_reason: str = ""
    held_back_at: datetime | None = None

    @property
    def held_back(self) -> bool:
        """True while fetched numbers wait, unpublished, for a look by the owner."""
        return bool(self.held_back_reason)


@dataclass(frozen=True)
class RefreshStatus:
    """The status record: every source's own status and a revision counting the updates."""

    sources: Mapping[str, SourceStatus] = field(default_factory=dict)
    revision: int = 0

    @property
    def last_attempt(self) -> SourceStatus | None:
        """The source attempted most recently, or None before any attempt."""
        attempted = [s for s in self.sources.values() if s.last_attempt_at is not None]
        return max(attempted, key=lambda s: s.last_attempt_at, default=None)


@dataclass(frozen=True)
class CitationState:
    """Everything the page shows about citations; `version` changes whenever any of it changes."""

    snapshots: Mapping[str, CitationSnapshot]
    status: RefreshStatus | None
    version: str


@dataclass(frozen=True)
class HistoryPoint:
    """One day's numbers of one source, kept for the trend."""

    day: date
    citations: int
    h_index: int
    i10_index: int


class GsDataError(UserError):
    """A gs_data.json that cannot be imported; the message names the field."""


def utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive time is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def age_in_days(fetched_at: datetime, now: datetime) -> int:
    """Whole UTC calendar days between a fetch and now (0 on the same day, never negative)."""
    return max(0, (utc(now).date() - utc(fetched_at).date()).days)


def display_of(snapshot: CitationSnapshot, now: datetime, stale_after_days: int) -> CitationDisplay:
    """How `snapshot` is shown at `now`: its label, age and whether it is stale."""
    age = age_in_days(snapshot.fetched_at, now)
    return CitationDisplay(
        snapshot=snapshot,
        source_label=SOURCE_LABELS.get(snapshot.source, snapshot.source),
        age_days=age,
        stale=age > stale_after_days,
    )


def choose_display(
    state: CitationState | None, now: datetime, stale_after_days: int
) -> CitationDisplay | None:
    """The snapshot the page shows: fresh Scholar, else the freshest fresh open source, else any."""
    if state is None or not state.snapshots:
        return None
    displays = [display_of(s, now, stale_after_days) for s in state.snapshots.values()]
    fresh = [d for d in displays if not d.stale]
    return (
        _freshest(d for d in fresh if d.snapshot.source in SCHOLAR_SOURCES)
        or _freshest(d for d in fresh if d.snapshot.source in OPEN_SOURCES)
        or _freshest(displays)
    )


def _freshest(displays: Iterable[CitationDisplay]) -> CitationDisplay | None:
    return max(displays, key=lambda d: utc(d.snapshot.fetched_at), default=None)


def freshness_text(age_days: int) -> str:
    """How old the numbers are: "updated today", "updated yesterday", "updated 5 days ago"."""
    if age_days <= 0:
        return "updated today"
    if age_days == 1:
        return "updated yesterday"
    return f"updated {age_days} days ago"


# --- gs_data.json (the file AcadHomepage's crawler writes and its pages read) ---------------------


def scholar_user_id(snapshot: CitationSnapshot) -> str:
    """The Google Scholar user id behind a Scholar or imported snapshot, or "" when unknown."""
    if snapshot.source not in SCHOLAR_SOURCES:
        return ""
    owners = {p.id.split(":", 1)[0] for p in snapshot.publications if ":" in p.id}
    if len(owners) == 1 and SCHOLAR_ID.fullmatch(next(iter(owners))):
        return owners.pop()
    return snapshot.profile_id if SCHOLAR_ID.fullmatch(snapshot.profile_id) else ""


def gs_data(snapshot: CitationSnapshot) -> dict:
    """The snapshot as AcadHomepage's gs_data.json: same keys, publications keyed by their id."""
    document: dict = {"container_type": "Author"}
    optional_text = {
        "scholar_id": scholar_user_id(snapshot),
        "url_picture": snapshot.photo_url,
        "affiliation": snapshot.affiliation,
    }
    document.update({key: value for key, value in optional_text.items() if value})
    document["name"] = snapshot.name
    if snapshot.interests:
        document["interests"] = list(snapshot.interests)
    document["citedby"] = snapshot.citations
    document["publications"] = {p.id: _gs_publication(p) for p in snapshot.publications}
    numbers = {
        "citedby5y": snapshot.citations_since,
        "hindex": snapshot.h_index,
        "hindex5y": snapshot.h_index_since,
        "i10index": snapshot.i10_index,
        "i10index5y": snapshot.i10_index_since,
    }
    document.update({key: value for key, value in numbers.items() if value is not None})
    document["cites_per_year"] = {
        str(year): count for year, count in sorted(snapshot.cites_per_year)
    }
    document["updated"] = utc(snapshot.fetched_at).strftime("%Y-%m-%d %H:%M:%S.%f")
    return document


def _gs_publication(paper: PaperCitations) -> dict:
    bib = {"title": paper.title}
    if paper.year is not None:
        bib["pub_year"] = str(paper.year)
    return {
        "container_type": "Publication",
        "bib": bib,
        "author_pub_id": paper.id,
        "num_citations": paper.citations,
    }


def gs_data_shieldsio(snapshot: CitationSnapshot | None) -> dict:
    """AcadHomepage's gs_data_shieldsio.json: the total citations as a shields.io endpoint."""
    message = str(snapshot.citations) if snapshot is not None else NO_NUMBERS
    return {"schemaVersion": 1, "label": "citations", "message": message}


_GS_PLACE = "gs_data.json"


def snapshot_from_gs_data(
    document: object, profile_id: str, fetched_at: datetime | None = None
) -> CitationSnapshot:
    """A snapshot (source "import") from a gs_data.json; raises GsDataError naming the bad field."""
    if not isinstance(document, dict):
        raise GsDataError(f"{_GS_PLACE}: expected a JSON object, got {_shown(document)}")
    citations = _gs_count(document, "citedby")
    h_index = _gs_count(document, "hindex")
    i10_index = _gs_count(document, "i10index")
    since = {name: _gs_count(document, name, required=False) for name in _GS_SINCE}
    when = utc(fetched_at) if fetched_at is not None else _gs_updated(document)
    return CitationSnapshot(
        source="import",
        profile_id=profile_id,
        fetched_at=when,
        citations=citations,
        h_index=h_index,
        i10_index=i10_index,
        citations_since=since["citedby5y"],
        h_index_since=since["hindex5y"],
        i10_index_since=since["i10index5y"],
        # Scholar's "since" column covers the last five calendar years before the current one.
        since_year=when.year - 5 if any(v is not None for v in since.values()) else None,
        name=_gs_text(document, "name"),
        affiliation=_gs_text(document, "affiliation"),
        interests=_gs_interests(document.get("interests")),
        photo_url=_gs_text(document, "url_picture"),
        cites_per_year=_gs_cites_per_year(document.get("cites_per_year")),
        publications=_gs_publications(document.get("publications")),
    )


_GS_SINCE = ("citedby5y", "hindex5y", "i10index5y")


def _shown(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _whole_number(value: object, place: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise GsDataError(f"{_GS_PLACE} {place}: expected an integer, got {_shown(value)}")
    if value < 0:
        raise GsDataError(f"{_GS_PLACE} {place}: expected an integer >= 0, got {value}")
    return value


def _gs_count(document: dict, name: str, *, required: bool = True) -> int | None:
    if name not in document:
        if required:
            raise GsDataError(f"{_GS_PLACE} {name}: expected an integer, got nothing (missing)")
        return None
    return _whole_number(document[name], name)


def _gs_text(document: Mapping, name: str, place: str = "") -> str:
    value = document.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise GsDataError(f"{_GS_PLACE} {place or name}: expected text, got {_shown(value)}")
    return value


def _gs_updated(document: dict) -> datetime:
    wanted = "expected a time like '2024-03-28 08:05:19'"
    if "updated" not in document:
        raise GsDataError(f"{_GS_PLACE} updated: {wanted}, got nothing (missing)")
    value = document["updated"]
    if not isinstance(value, str):
        raise GsDataError(f"{_GS_PLACE} updated: {wanted}, got {_shown(value)}")
    try:
        return utc(datetime.fromisoformat(value.strip()))
    except ValueError:
        raise GsDataError(f"{_GS_PLACE} updated: {wanted}, got {value!r}") from None


def _gs_interests(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise GsDataError(f"{_GS_PLACE} interests: expected a list of text, got {_shown(value)}")
    for index, interest in enumerate(value):
        if not isinstance(interest, str):
            raise GsDataError(
                f"{_GS_PLACE} interests[{index}]: expected text, got {_shown(interest)}"
            )
    return tuple(value)


def _gs_year(value: object, place: str) -> int:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}", text.strip()):
        raise GsDataError(f"{_GS_PLACE} {place}: expected a year like '2016', got {_shown(value)}")
    return int(text)


def _gs_cites_per_year(value: object) -> tuple[tuple[int, int], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise GsDataError(
            f"{_GS_PLACE} cites_per_year: expected an object of year: count, got {_shown(value)}"
        )
    pairs = []
    for year, count in value.items():
        place = f"cites_per_year[{year!r}]"
        pairs.append((_gs_year(year, place), _whole_number(count, place)))
    return tuple(sorted(pairs))


def _gs_publications(value: object) -> tuple[PaperCitations, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise GsDataError(
            f"{_GS_PLACE} publications: expected an object keyed by publication id, "
            f"got {_shown(value)}"
        )
    return tuple(_gs_paper(key, entry) for key, entry in value.items())


def _gs_paper(key: str, entry: object) -> PaperCitations:
    place = f"publications[{key!r}]"
    if not isinstance(entry, dict):
        raise GsDataError(f"{_GS_PLACE} {place}: expected an object, got {_shown(entry)}")
    bib = entry.get("bib", {})
    if not isinstance(bib, dict):
        raise GsDataError(f"{_GS_PLACE} {place}.bib: expected an object, got {_shown(bib)}")
    year = bib.get("pub_year")
    return PaperCitations(
        id=key,
        title=_gs_text(bib, "title", f"{place}.bib.title"),
        citations=_whole_number(entry.get("num_citations"), f"{place}.num_citations"),
        authors=_gs_text(bib, "author", f"{place}.bib.author"),
        venue=_gs_text(bib, "citation", f"{place}.bib.citation"),
        year=None if year in (None, "") else _gs_year(year, f"{place}.bib.pub_year"),
    )


# --- badges ---------------------------------------------------------------------------------------


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


def badge_text(metric: str, display: CitationDisplay | None) -> tuple[str, str, str]:
    """A badge's label, message and color; "n/a" in grey when there are no numbers."""
    _check_metric(metric)
    if display is None:
        return metric, NO_NUMBERS, NO_NUMBERS_COLOR
    return metric, str(metric_value(metric, display.snapshot)), BADGE_COLOR


def shields_endpoint(
    metric: str, display: CitationDisplay | None, *, cache_seconds: int = 3600
) -> dict:
    """A shields.io endpoint document for one metric, with only the keys its schema allows."""
    label, message, color = badge_text(metric, display)
    return {
        "schemaVersion": 1,
        "label": label,
        "message": message,
        "color": color,
        "cacheSeconds": max(SHIELDS_MIN_CACHE_SECONDS, int(cache_seconds)),
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


# --- the chart ------------------------------------------------------------------------------------

_BAR_WIDTH = 26
_BAR_GAP = 8
_CHART_HEIGHT = 100
_TOP_PADDING = 6
_LABEL_HEIGHT = 16


def citation_chart_svg(cites_per_year: Mapping[int, int] | Iterable[tuple[int, int]]) -> str:
    """An accessible inline SVG bar chart of citations per year; "" when there are no years."""
    counts = _year_counts(cites_per_year)
    if not counts:
        return ""
    width = len(counts) * (_BAR_WIDTH + _BAR_GAP) + _BAR_GAP
    height = _TOP_PADDING + _CHART_HEIGHT + _LABEL_HEIGHT
    peak_year, peak = max(counts, key=lambda pair: pair[1])
    summary = html.escape(
        f"Citations per year, {counts[0][0]} to {counts[-1][0]}; most in {peak_year}: {peak:,}"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="citation-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{summary}">',
        "<title>Citations per year</title>",
    ]
    for index, (year, count) in enumerate(counts):
        x = _BAR_GAP + index * (_BAR_WIDTH + _BAR_GAP)
        bar_height = round(_CHART_HEIGHT * count / peak) if peak else 0
        if count and not bar_height:
            bar_height = 1  # a year with citations never looks empty
        y = _TOP_PADDING + _CHART_HEIGHT - bar_height
        parts.append(
            f'<rect class="bar" x="{x}" y="{y}" width="{_BAR_WIDTH}" height="{bar_height}" '
            f'fill="#4a7ebb"><title>{html.escape(f"{year}: {count:,} citations")}</title></rect>'
            f'<text x="{x + _BAR_WIDTH / 2:g}" y="{height - 4}" text-anchor="middle" '
            f'font-size="10" fill="currentColor">{year}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _year_counts(cites_per_year: Mapping[int, int] | Iterable[tuple[int, int]]) -> list:
    pairs = cites_per_year.items() if isinstance(cites_per_year, Mapping) else cites_per_year
    counts = []
    for year, count in pairs:
        for name, value in (("year", year), ("count", count)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"cites_per_year {name}: expected an integer >= 0, got {value!r}")
        counts.append((year, count))
    return sorted(counts)


# --- /status.json and the endpoints the app serves ------------------------------------------------


def _time_text(moment: datetime | None) -> str | None:
    return utc(moment).isoformat().replace("+00:00", "Z") if moment is not None else None


def status_document(state: CitationState | None, now: datetime, stale_after_days: int = 14) -> dict:
    """/status.json: what is shown, how old it is, and every source's last attempt and success."""
    display = choose_display(state, now, stale_after_days)
    status = state.status if state is not None and state.status is not None else RefreshStatus()
    snapshots = state.snapshots if state is not None else {}
    names = sorted(set(status.sources) | set(snapshots), key=_source_order)
    last = status.last_attempt
    return {
        "version": state.version if state is not None else None,
        "stale_after_days": stale_after_days,
        "displayed": _displayed(display),
        "last_attempt": None
        if last is None
        else {
            "source": last.source,
            "at": _time_text(last.last_attempt_at),
            "outcome": last.outcome,
            "detail": last.detail,
        },
        "held_back": [
            name for name in names if name in status.sources and status.sources[name].held_back
        ],
        "sources": {
            name: _source_document(status.sources.get(name), snapshots.get(name)) for name in names
        },
    }


def _source_order(source: str) -> tuple[int, str]:
    order = list(SOURCE_LABELS)
    return (order.index(source) if source in order else len(order), source)


def _displayed(display: CitationDisplay | None) -> dict | None:
    if display is None:
        return None
    snapshot = display.snapshot
    return {
        "source": snapshot.source,
        "label": display.source_label,
        "fetched_at": _time_text(snapshot.fetched_at),
        "age_days": display.age_days,
        "freshness": freshness_text(display.age_days),
        "stale": display.stale,
        "citations": snapshot.citations,
        "h_index": snapshot.h_index,
        "i10_index": snapshot.i10_index,
    }


def _source_document(status: SourceStatus | None, snapshot: CitationSnapshot | None) -> dict:
    status = status or SourceStatus(source="")
    return {
        "last_attempt_at": _time_text(status.last_attempt_at),
        "outcome": status.outcome or None,
        "detail": status.detail,
        "last_success_at": _time_text(status.last_success_at),
        "held_back": status.held_back,
        "held_back_reason": status.held_back_reason,
        "held_back_at": _time_text(status.held_back_at),
        "stored_fetched_at": _time_text(snapshot.fetched_at) if snapshot else None,
        "stored_citations": snapshot.citations if snapshot else None,
    }


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
