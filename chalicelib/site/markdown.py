"""Markdown to sanitized HTML: CommonMark with raw HTML allowed, then cleaned (pure)."""

from __future__ import annotations

from functools import lru_cache

# What content may use: the seed's paper-box divs, citation spans, images, and ordinary markup.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "div", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre",
    "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "span": {"data"},  # AcadHomepage's <span class='show_paper_citations' data='USER:PUBID'>
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt  # imported on first render, not on the warm page path

    return MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def sanitize_html(html: str) -> str:
    """HTML with scripts, event handlers and javascript: URLs removed."""
    import nh3

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )


def markdown_block(text: str) -> str:
    """Sanitized HTML for a markdown document (paragraphs, lists, raw HTML blocks)."""
    return sanitize_html(_parser().render(text)) if text.strip() else ""


def markdown_inline(text: str) -> str:
    """Sanitized HTML for one line of markdown, without a wrapping paragraph."""
    return sanitize_html(_parser().renderInline(text.strip())) if text.strip() else ""
