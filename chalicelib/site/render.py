"""Site model + citations -> HTML, through one autoescaping Jinja2 environment (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from chalicelib.citations.chart import citation_chart_svg
from chalicelib.citations.model import CitationDisplay
from chalicelib.citations.state import display_freshness
from chalicelib.site.content import Section, Site, media_url
from chalicelib.site.seo import page_seo

# templates/ sits beside app.py both in the repository and in the deployment zip (vendor/templates).
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
# The templates compiled by `make package` (scripts/compile_templates.py), so that a cold start
# loads them instead of compiling them; without it (or for a changed template) Jinja compiles.
COMPILED_DIR = TEMPLATES_DIR / "compiled"
_MEDIA_SRC = re.compile(r"""(\bsrc=["'])media/(?=[A-Za-z0-9_])""")
_SPAN = re.compile(r"<span\b([^>]*)>([^<]*)</span>")
_ATTRIBUTE = re.compile(r'([a-zA-Z_][\w-]*)="([^"]*)"')
SAMPLE_TOTAL = "260000+"  # the total AcadHomepage's sample page writes in its total_cit span


@dataclass(frozen=True)
class Alternate:
    """The same page in another language, for the language switch and hreflang."""

    language: str
    href: str


class _TemplateFiles(FileSystemLoader):
    """templates/, each file named `templates/<name>` rather than by this machine's path: Jinja
    keys compiled code by that name, so what `make package` compiles is found in Lambda too."""

    def get_source(self, environment, template):
        source, _, uptodate = super().get_source(environment, template)
        return source, f"templates/{template}", uptodate


class _PackagedBytecode(FileSystemBytecodeCache):
    """The compiled templates shipped in the package, read only (Lambda's code is read-only).

    Jinja checks each entry against its template's source and its own Python version, so a
    changed template or another Python simply compiles again."""

    def dump_bytecode(self, bucket) -> None:
        """Never written at run time."""


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The one Jinja2 environment: autoescaped, strict about missing names, templates cached."""
    return _environment(_PackagedBytecode(str(COMPILED_DIR)))


def _environment(
    bytecode_cache: FileSystemBytecodeCache, templates: Path = TEMPLATES_DIR
) -> Environment:
    env = Environment(
        loader=_TemplateFiles(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        bytecode_cache=bytecode_cache,
    )
    env.filters["thousands"] = lambda number: f"{number:,}"
    return env


def compile_templates(directory: Path = COMPILED_DIR, templates: Path = TEMPLATES_DIR) -> list[str]:
    """Compile every template into `directory` for the package; returns the names compiled."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("__jinja2_*.cache"):
        stale.unlink()
    env = _environment(FileSystemBytecodeCache(str(directory)), templates)
    names = [name for name in env.list_templates() if name.endswith((".html", ".css"))]
    for name in names:
        env.get_template(name)
    return names


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
