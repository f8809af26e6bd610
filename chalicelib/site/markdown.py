"""Markdown to sanitized HTML: CommonMark with raw HTML allowed, then cleaned (pure)."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.inputs import FORBIDDEN_CHARACTER, html_depth

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
# What a one-line field (news, an award, a paper's details) may hold: it is placed inside a
# <li>, <p> or <span>, where a <div> or <li> would make the browser close the page's own list,
# section and <main> early.
INLINE_TAGS = {
    "a", "abbr", "b", "br", "code", "del", "em", "i", "img", "kbd", "s", "small", "span",
    "strong", "sub", "sup", "u",
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}
# The sanitizer's HTML parser slows down with the square of the nesting depth (200,000 unclosed
# <div>s took minutes); real content nests a few levels, tables and lists inside divs a dozen.
MAX_HTML_DEPTH = 100


class HtmlTooDeep(ValueError):
    """Markdown whose HTML nests more than MAX_HTML_DEPTH elements deep."""


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt  # imported on first render, not on the warm page path

    # maxNesting 10, not 20: each unclosed `[` costs the parser a scan per nesting level, and
    # content nests lists, quotes and emphasis a few levels deep at most.
    options = {"html": True, "maxNesting": 10}
    return MarkdownIt("commonmark", options).enable("table").enable("strikethrough")


@lru_cache(maxsize=2)
def _cleaner(inline: bool = False):
    import nh3  # as the parser: loaded with the first content file

    # One cleaner for each placement: building its rules took most of a short field's time.
    return nh3.Cleaner(
        tags=INLINE_TAGS if inline else ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )


def _sanitized(html: str, inline: bool = False) -> str:
    """HTML with scripts, event handlers and javascript: URLs removed (and, `inline`, every
    block element, its text kept); no control character the sanitizer decoded from an entity
    (`&#1;`), which no page shows and XML refuses. Raises HtmlTooDeep before the sanitizer
    meets deep nesting."""
    depth = html_depth(html)
    if depth > MAX_HTML_DEPTH:
        raise HtmlTooDeep(f"its HTML nests {depth:,} elements deep; the limit is {MAX_HTML_DEPTH}")
    return FORBIDDEN_CHARACTER.sub("\ufffd", _cleaner(inline).clean(html))


def markdown_block(text: str) -> str:
    """Sanitized HTML for a markdown document (paragraphs, lists, raw HTML blocks)."""
    return _sanitized(_parser().render(text)) if text.strip() else ""


def markdown_inline(text: str) -> str:
    """Sanitized HTML for one line of markdown, without a wrapping paragraph: inline elements
    only, so it can stand inside a list item or a paragraph."""
    return _sanitized(_parser().renderInline(text.strip()), inline=True) if text.strip() else ""
