"""Site model + citations -> HTML, through the one autoescaping Jinja2 environment (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from markupsafe import Markup

from chalicelib.citations.chart import citation_chart_svg
from chalicelib.citations.model import CitationDisplay
from chalicelib.citations.state import display_freshness
from chalicelib.site.content import Section, Site, media_url
from chalicelib.site.seo import page_seo
from chalicelib.site.templates import environment

_MEDIA_SRC = re.compile(r"""(\bsrc=["'])media/(?=[A-Za-z0-9_])""")
_SPAN = re.compile(r"<span\b([^>]*)>([^<]*)</span>")
_ATTRIBUTE = re.compile(r'([a-zA-Z_][\w-]*)="([^"]*)"')
SAMPLE_TOTAL = "260000+"  # the total AcadHomepage's sample page writes in its total_cit span


@dataclass(frozen=True)
class Alternate:
    """The same page in another language, for the language switch and hreflang."""

    language: str
    href: str


def fill_citation_spans(html: str, citations: CitationDisplay | None) -> str:
    """AcadHomepage's `total_cit` and `show_paper_citations` spans filled on the server.

    With no numbers a total keeps the text its author wrote (`4700+`), but AcadHomepage's sample
    "260000+" is never shown as real; the papers' spans are emptied.
    """
    counts = citations.snapshot.paper_counts() if citations else {}
    return _fill_spans(html, _total_text(citations), counts)


def _total_text(citations: CitationDisplay | None) -> str:
    return f"{citations.snapshot.citations:,}" if citations else ""


def _fill_spans(html: str, total: str, counts: dict[str, int]) -> str:
    def fill(match: re.Match[str]) -> str:
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if attributes.get("id") == "total_cit":
            written = match.group(2) if match.group(2).strip() != SAMPLE_TOTAL else ""
            return f"<span{match.group(1)}>{total or written}</span>"
        if "show_paper_citations" in attributes.get("class", "").split():
            count = counts.get(attributes.get("data", ""))
            text = f"| Citations: {count:,}" if count is not None else ""
            return f"<span{match.group(1)}>{text}</span>"
        return match.group(0)

    return _SPAN.sub(fill, html) if "<span" in html else html


def _media_sources(html: str, root: str) -> str:
    """Markdown's `media/x.png` pictures point at the media route, wherever the page is served."""
    return _MEDIA_SRC.sub(lambda m: f"{m.group(1)}{root}/", html) if "media/" in html else html


def render_home_page(
    site: Site,
    citations: CitationDisplay | None,
    *,
    base_path: str = "",
    alternates: tuple[Alternate, ...] = (),
    media_root: str | None = None,
    request_root: str = "",
) -> str:
    """The whole homepage as HTML; media come from our /media route unless `media_root` is given.

    `request_root` is the site's absolute address for this request (seo.site_root), if known."""
    root = f"{base_path}/media" if media_root is None else media_root
    counts = citations.snapshot.paper_counts() if citations else {}
    total = _total_text(citations)

    def shown(html: str) -> str:
        return _media_sources(_fill_spans(html, total, counts), root)

    sections = [
        (_kept_papers_shown(section, shown), Markup(shown(section.html)))
        for section in site.sections
    ]
    return (
        environment()
        .get_template("home.html")
        .render(
            site=site,
            settings=site.settings,
            profile=site.profile,
            sections=sections,
            citations=citations,
            paper_counts=counts,
            chart_svg=Markup(citation_chart_svg(citations.snapshot.cites_per_year))
            if citations
            else "",
            freshness=display_freshness(citations) if citations else "",
            base_path=base_path,
            alternates=alternates,
            seo=page_seo(site, alternates, request_root),
            media=lambda value: media_url(value, root),
        )
    )


def _kept_papers_shown(section: Section, shown) -> Section:
    """The section, its papers kept as written with their pictures and counts as shown."""
    if not any(paper.html for paper in section.publications):
        return section
    papers = tuple(
        replace(paper, html=Markup(shown(paper.html))) if paper.html else paper
        for paper in section.publications
    )
    return replace(section, publications=papers)


def render_error_page(status: int, title: str, message: str, *, base_path: str = "") -> str:
    """A plain, self-contained error page (404, 503...)."""
    return (
        environment()
        .get_template("error.html")
        .render(status=status, title=title, message=message, base_path=base_path)
    )
