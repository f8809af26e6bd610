"""The citations-per-year bar chart as inline SVG (pure)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

_BAR_WIDTH = 26
_BAR_GAP = 8
_CHART_HEIGHT = 100
_TOP_PADDING = 6
_LABEL_HEIGHT = 16


def citation_chart_svg(
    cites_per_year: Mapping[int, int] | Iterable[tuple[int, int]], noun: str = "citations"
) -> str:
    """An accessible inline SVG bar chart of citations (or another `noun`) per year; "" when
    there are no years."""
    counts = _year_counts(cites_per_year)
    if not counts:
        return ""
    width = len(counts) * (_BAR_WIDTH + _BAR_GAP) + _BAR_GAP
    height = _TOP_PADDING + _CHART_HEIGHT + _LABEL_HEIGHT
    peak_year, peak = max(counts, key=lambda pair: pair[1])
    summary = html.escape(
        f"{noun.capitalize()} per year, {counts[0][0]} to {counts[-1][0]}; "
        f"most in {peak_year}: {peak:,}"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="citation-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{summary}">',
        f"<title>{html.escape(noun.capitalize())} per year</title>",
    ]
    for index, (year, count) in enumerate(counts):
        x = _BAR_GAP + index * (_BAR_WIDTH + _BAR_GAP)
        bar_height = round(_CHART_HEIGHT * count / peak) if peak else 0
        if count and not bar_height:
            bar_height = 1  # a year with citations never looks empty
        y = _TOP_PADDING + _CHART_HEIGHT - bar_height
        parts.append(
            f'<rect class="bar" x="{x}" y="{y}" width="{_BAR_WIDTH}" height="{bar_height}" '
            f'fill="#4a7ebb"><title>{html.escape(f"{year}: {count:,} {noun}")}</title></rect>'
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
