"""Scholar profile pages of any size, made from the real first page of a larger profile."""

from __future__ import annotations

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
