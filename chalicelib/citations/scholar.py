"""Google Scholar profile pages -> citation model (pure: no network, no clock)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from chalicelib.citations.model import CitationSnapshot, PaperCitations
from chalicelib.inputs import html_depth, whole_number
from chalicelib.settings import SCHOLAR_ID

SCHOLAR_ORIGIN = "https://scholar.google.com/"

# Lower-case markers of a captcha or "unusual traffic" interstitial instead of a profile.
_CAPTCHA_MARKERS = ("gs_captcha_ccl", "recaptcha", "unusual traffic")
# ... and of Google's sign-in page, which Scholar sends a browser it distrusts
_SIGN_IN_MARKERS = ("identifierid", "accounts.google.com/v3/signin", "accounts.google.com/signin",
                    "accounts.google.com/servicelogin")  # fmt: skip
_Z_INDEX = re.compile(r"z-index\s*:\s*(\d+)")
_YEAR = re.compile(r"\b(\d{4})\b")


@dataclass(frozen=True)
class ScholarPage:
    """What one Scholar profile page says; only `status` is meaningful unless it is "ok"."""

    status: str  # ok | blocked | not_found | layout_changed
    name: str = ""
    affiliation: str = ""
    interests: tuple[str, ...] = ()
    photo_url: str = ""
    citations_all: int = 0
    citations_since: int = 0
    h_index_all: int = 0
    h_index_since: int = 0
    i10_index_all: int = 0
    i10_index_since: int = 0
    since_year: int | None = None
    cites_per_year: tuple[tuple[int, int], ...] = ()
    publications: tuple[PaperCitations, ...] = ()
    has_more: bool = False
    user_id: str = ""  # the profile's 12-character id, as the page names itself
    # the page stops before its "Show more" button (cut in transit): later rows may be missing
    ended_early: bool = False


# A profile with every row shown is 2 MB and nests 17 elements deep; checked before parsing.
MAX_PAGE_CHARS = 16 * 1024 * 1024
MAX_PAGE_DEPTH = 400


class _LayoutChanged(Exception):
    """The page is a 200 answer whose markup is not the profile layout we know."""


def parse_profile_page(html: str) -> ScholarPage:
    """The profile, numbers and publication rows of one Scholar page, or why there are none."""
    if len(html) > MAX_PAGE_CHARS or html_depth(html) > MAX_PAGE_DEPTH:
        return ScholarPage(status="layout_changed")  # no Scholar page is as large or as deep
    tree = LexborHTMLParser(html)
    if tree.css_first("#gsc_prf_in") is None or tree.css_first("#gsc_rsb_st") is None:
        return ScholarPage(status="blocked" if block_kind(html) else "layout_changed")
    try:
        return _profile_page(tree)
    except _LayoutChanged:
        return ScholarPage(status="layout_changed")


def read_response(status_code: int, final_url: str, body: str) -> ScholarPage:
    """One HTTP answer from Scholar as a page; its status says whether it is usable."""
    if status_code == 404:
        return ScholarPage(status="not_found")
    if status_code != 200 or is_block_url(final_url):
        # Google throttles with 429, 403, 503 or a redirect to /sorry/ or a sign-in page
        # (which is also what an unknown user id gets): all mean "try again later".
        return ScholarPage(status="blocked")
    return parse_profile_page(body)


def is_block_url(url: str) -> bool:
    """Whether a URL is Google's rate-limit page ("/sorry/...") or a sign-in wall."""
    parts = urlsplit(url)
    path = parts.path.lower()
    return (
        (parts.hostname or "").lower() == "accounts.google.com"
        or path.startswith("/sorry")
        or "/servicelogin" in path
        or "/signin" in path
    )


def merge_pages(
    profile_id: str, pages: Sequence[ScholarPage], fetched_at: datetime
) -> CitationSnapshot:
    """One snapshot from the pages of a profile: header numbers from the first, rows from all."""
    if not pages:
        raise ValueError(f"merge_pages({profile_id!r}): expected at least one page, got none")
    for number, page in enumerate(pages, start=1):
        if page.status != "ok":
            raise ValueError(
                f"merge_pages({profile_id!r}): page {number}: expected status 'ok', "
                f"got {page.status!r}"
            )
    first = pages[0]
    return CitationSnapshot(
        source="scholar",
        profile_id=profile_id,
        fetched_at=fetched_at,
        citations=first.citations_all,
        h_index=first.h_index_all,
        i10_index=first.i10_index_all,
        citations_since=first.citations_since,
        h_index_since=first.h_index_since,
        i10_index_since=first.i10_index_since,
        since_year=first.since_year,
        name=first.name,
        affiliation=first.affiliation,
        interests=first.interests,
        photo_url=first.photo_url,
        cites_per_year=first.cites_per_year,
        publications=tuple(paper for page in pages for paper in page.publications),
    )


def scholar_page_json(page: ScholarPage) -> dict:
    """The page as plain JSON types, the shape `acadpage scholar-parse --json` prints."""
    return {
        "status": page.status,
        "name": page.name,
        "citations": {"all": page.citations_all, "since": page.citations_since},
        "h_index": {"all": page.h_index_all, "since": page.h_index_since},
        "i10_index": {"all": page.i10_index_all, "since": page.i10_index_since},
        "since_year": page.since_year,
        "cites_per_year": {str(year): count for year, count in page.cites_per_year},
        "publications": [
            {
                "id": paper.id,
                "title": paper.title,
                "authors": paper.authors,
                "venue": paper.venue,
                "year": paper.year,
                "citations": paper.citations,
                "duplicate": paper.duplicate,
            }
            for paper in page.publications
        ],
        "has_more": page.has_more,
    }


def block_kind(html: str) -> str:
    """How Scholar refused, for a page without the profile: "captcha" (a captcha or "unusual
    traffic" notice), "sign-in" (Google's sign-in page), or "" when it is neither."""
    lowered = html.lower()
    if any(marker in lowered for marker in _CAPTCHA_MARKERS):
        return "captcha"
    return "sign-in" if any(marker in lowered for marker in _SIGN_IN_MARKERS) else ""


def _profile_page(tree: LexborHTMLParser) -> ScholarPage:
    """A page known to have the profile header, parsed; raises _LayoutChanged."""
    numbers, since_year = _citation_table(tree)
    more = tree.css_first("#gsc_bpf_more")
    return ScholarPage(
        status="ok",
        name=_text(tree.css_first("#gsc_prf_in")),
        affiliation=_affiliation(tree),
        interests=tuple(_text(node) for node in tree.css("#gsc_prf_int a")),
        photo_url=_photo_url(tree),
        citations_all=numbers[0],
        citations_since=numbers[1],
        h_index_all=numbers[2],
        h_index_since=numbers[3],
        i10_index_all=numbers[4],
        i10_index_since=numbers[5],
        since_year=since_year,
        cites_per_year=_cites_per_year(tree),
        publications=tuple(_publication(row) for row in tree.css("tr.gsc_a_tr")),
        has_more=more is not None and "disabled" not in more.attributes,
        user_id=_user_id(tree),
        ended_early=more is None,
    )


def _citation_table(tree: LexborHTMLParser) -> tuple[list[int], int | None]:
    """The six numbers of the "Cited by" table (all, since; per metric) and the since-year."""
    cells = [_text(cell) for cell in tree.css("#gsc_rsb_st td.gsc_rsb_std")]
    if len(cells) != 6:
        raise _LayoutChanged
    numbers = [_count(cell) for cell in cells]
    since_year = None
    for header in tree.css("#gsc_rsb_st th"):
        match = _YEAR.search(_text(header))
        if match:
            since_year = int(match.group(1))
    return numbers, since_year


def _cites_per_year(tree: LexborHTMLParser) -> tuple[tuple[int, int], ...]:
    """Citations per year from the histogram; a year with a label but no bar had none.

    Bars are listed left to right but only for years with citations; each bar's z-index
    counts from the right (the newest year has 1), so it names the label it stands on.
    """
    labels = [whole_number(_text(label)) for label in tree.css(".gsc_g_t")]
    years = [year for year in labels if year is not None]
    counts = dict.fromkeys(years, 0)
    for bar in tree.css("a.gsc_g_a"):
        match = _Z_INDEX.search(bar.attributes.get("style") or "")
        position = len(years) - int(match.group(1)) if match else -1
        if not 0 <= position < len(years):
            raise _LayoutChanged
        counts[years[position]] = _count(_text(bar.css_first(".gsc_g_al")))
    return tuple(counts.items())


def _publication(row: LexborNode) -> PaperCitations:
    """One `tr.gsc_a_tr` row as a publication with its citation count."""
    link = row.css_first("a.gsc_a_at")
    if link is None:
        raise _LayoutChanged
    href = link.attributes.get("href") or ""
    if "citation_for_view" not in href:
        href = link.attributes.get("data-href") or href
    grays = row.css("td.gsc_a_t div.gs_gray")
    count = row.css_first("td.gsc_a_c a")
    year = _text(row.css_first("td.gsc_a_y span"))
    return PaperCitations(
        id=parse_qs(urlsplit(href).query).get("citation_for_view", [""])[0],
        title=_text(link),
        citations=_count(_text(count)),
        authors=_text(grays[0]) if grays else "",
        # The venue cell ends with a hidden ", YEAR" span; its own text is the venue alone.
        venue=" ".join(grays[1].text(deep=False).split()) if len(grays) > 1 else "",
        year=whole_number(year),
        duplicate=count is not None
        and "gsc_a_acm" in (count.attributes.get("class") or "").split(),
    )


def _user_id(tree: LexborHTMLParser) -> str:
    """The profile's user id, from the page's canonical address or its first row's id."""
    canonical = tree.css_first('link[rel="canonical"]')
    href = (canonical.attributes.get("href") or "") if canonical is not None else ""
    user = parse_qs(urlsplit(href).query).get("user", [""])[0]
    if not user:
        link = tree.css_first("a.gsc_a_at")
        href = (link.attributes.get("href") or "") if link is not None else ""
        user = parse_qs(urlsplit(href).query).get("citation_for_view", [""])[0].split(":")[0]
    return user if SCHOLAR_ID.fullmatch(user) else ""


def _affiliation(tree: LexborHTMLParser) -> str:
    """The free-text affiliation line under the name (not the email or interests line)."""
    for line in tree.css("#gsc_prf_i .gsc_prf_il"):
        if line.attributes.get("id") is None:
            return _text(line)
    return ""


def _photo_url(tree: LexborHTMLParser) -> str:
    """The absolute URL of the profile photo, or "" for Scholar's placeholder avatar."""
    image = tree.css_first("#gsc_prf_pup-img")
    source = (image.attributes.get("src") or "") if image is not None else ""
    if not source or "avatar_scholar" in source:
        return ""
    return urljoin(SCHOLAR_ORIGIN, source)


def _text(node: LexborNode | None) -> str:
    """A node's text with runs of whitespace (re-indented markup) folded to one space."""
    return " ".join(node.text().split()) if node is not None else ""


def _count(text: str) -> int:
    """A shown count ("1,234", "" or "12*") as an integer; empty means zero."""
    digits = re.sub(r"[^0-9]", "", text)  # ASCII only: int() refuses superscripts and ①
    if len(digits) > 18:
        raise _LayoutChanged  # no count has as many digits
    return int(digits) if digits else 0
