"""Scholar profile pages of any size, made from the real first page of a larger profile."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

FIRST_PAGE = (
    Path(__file__).resolve().parent
    / "fixtures"
    / "scholar"
    / "profile_amIMrIEAAAAJ_first_page.html"
)
_ROW = '<tr class="gsc_a_tr">'
_BODY = '<tbody id="gsc_a_b">'


@cache
def first_page_html() -> str:
    """The saved first page (100 rows, "show more" enabled)."""
    return FIRST_PAGE.read_text(encoding="utf-8")


def profile_page(first_row: int, rows: int, *, more: bool) -> str:
    """The real page's markup with `rows` generated rows numbered from `first_row`."""
    page = first_page_html()
    start = page.index(_ROW)
    template = page[start : page.index(_ROW, start + 1)]
    generated = "".join(
        template.replace("u5HHmVD_uO8C", f"row{number:09d}").replace(">131</a>", ">1</a>")
        for number in range(first_row, first_row + rows)
    )
    body_start = page.index(_BODY) + len(_BODY)
    body_end = page.index("</tbody>", body_start)
    page = page[:body_start] + generated + page[body_end:]
    if not more:
        page = page.replace('id="gsc_bpf_more" class=', 'id="gsc_bpf_more" disabled class=')
    return page


_HEADER_CELL = re.compile(r'(<td class="gsc_rsb_std">)\d+(</td>)')
_BAR = re.compile(r'(<span class="gsc_g_al">)(\d+)(</span>)')
_FIRST_PAGE_TOTAL = 425  # the saved page's own total, which its per-year bars add up to


def h_index(counts: Sequence[int]) -> int:
    """The h-index of some citation counts."""
    ranked = sorted(counts, reverse=True)
    return sum(1 for rank, count in enumerate(ranked, start=1) if count >= rank)


def profile_pages(
    counts: Sequence[int],
    *,
    per_page: int = 100,
    total: int | None = None,
    h: int | None = None,
    i10: int | None = None,
) -> list[str]:
    """A whole profile as Scholar serves it, page by page, from the real page's markup.

    Rows carry `counts` (most-cited first); the header numbers and per-year bars agree with
    them unless `total`, `h` or `i10` say otherwise.
    """
    total = sum(counts) if total is None else total
    h = h_index(counts) if h is None else h
    i10 = sum(1 for count in counts if count >= 10) if i10 is None else i10
    numbers = iter([total, total, h, h, i10, i10])
    page = first_page_html()
    header = _HEADER_CELL.sub(lambda m: f"{m.group(1)}{next(numbers)}{m.group(2)}", page)
    # the bars keep their shape, scaled so they add up to no more than the total
    header = _BAR.sub(
        lambda m: f"{m.group(1)}{int(m.group(2)) * total // _FIRST_PAGE_TOTAL}{m.group(3)}",
        header,
    )
    start = header.index(_ROW)
    template = header[start : header.index(_ROW, start + 1)]
    body_start = header.index(_BODY) + len(_BODY)
    body_end = header.index("</tbody>", body_start)
    pages = []
    for first in range(0, max(len(counts), 1), per_page):
        rows = "".join(
            template.replace("u5HHmVD_uO8C", f"row{number:09d}").replace(
                ">131</a>", f">{counts[number]}</a>"
            )
            for number in range(first, min(first + per_page, len(counts)))
        )
        html = header[:body_start] + rows + header[body_end:]
        if first + per_page >= len(counts):
            html = html.replace('id="gsc_bpf_more" class=', 'id="gsc_bpf_more" disabled class=')
        pages.append(html)
    return pages
