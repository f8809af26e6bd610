"""Page lines -> the sanitized HTML fragment a visitor of the Jekyll site saw (pure).

The lines are rendered as kramdown renders them for Jekyll: raw HTML kept, `markdown="1"` blocks
read as markdown, entities decoded once. The site's own images point at media/; a citation badge
served by another host becomes acadpage's own badge; other pictures on other hosts keep their link,
with their label as its text. The fragment holds no blank line, so that, stored as a `markdown`
value, it is one HTML block that the page shows exactly as it is.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, unquote, urlsplit

from chalicelib.importers import ImportProblem
from chalicelib.importers.acadhomepage.page import PageReading, media_key, strip_tags
from chalicelib.importers.acadhomepage.source import Line
from chalicelib.site.fields import is_url
from chalicelib.site.markdown import HtmlTooDeep, markdown_block, markdown_inline

# An element whose inside kramdown reads as markdown: `<div class='x' markdown="1">`
MARKDOWN_BLOCK = re.compile(r"""<([a-zA-Z][\w-]*)\b[^<>]*\smarkdown=["']?(?:1|block|span)["']?""")
CLOSING_ONLY = re.compile(r"^\s*(?:</[a-zA-Z][\w-]*\s*>\s*)+$")
# the tags that decide how a picture is shown: a link opening or closing, a picture
LINK_OR_PICTURE = re.compile(r"<a\b[^>]*>|</a\s*>|<img\b[^>]*>", re.I)
# the class of the words that stand for a picture on another host (a stars badge's label)
PICTURE_LABEL = "picture-label"
# a link that is no address on the web, a mail address or an anchor of the page
SITE_LINK = re.compile(r'<a\b[^>]*?\bhref="(?P<href>(?!https?:|mailto:|#)[^"]+)"', re.I)
ATTRIBUTE = re.compile(r"""\b(?P<name>src|alt|title)="(?P<value>[^"]*)\"""")
# shields.io pictures of the owner's Scholar numbers: the endpoint on gs_data_shieldsio.json
# (labelled citations, h-index or i10-index), or a static "Citations-123" badge
CITATION_BADGE = re.compile(
    r"^https?://img\.shields\.io/(?:endpoint\?(?:.*[?&]label=(?P<label>citations|h-index|"
    r"i10-index)(?:&|$)|.*gs_data_shieldsio\.json)|badge/(?P<static>citations?)-)",
    re.I,
)


def fragment_html(lines: list[Line], page: PageReading) -> str:
    """The lines as the sanitized HTML a visitor saw; "" when nothing shows."""
    text = kramdown_text([line.text for line in lines])
    if not text.strip():
        return ""
    place = lines[0].place if lines else ""
    rendered = _rendered(markdown_block, text, place)
    rendered = _pictures(rendered, place, page)
    _note_site_links(rendered, place, page)
    return _one_block(rendered)


def inline_fragment(text: str, place: str, page: PageReading) -> str:
    """One line of markdown (a news item) as the sanitized inline HTML a visitor saw."""
    rendered = _rendered(markdown_inline, text, place)
    return " ".join(_pictures(rendered, place, page).split())


def _rendered(render, text: str, place: str) -> str:
    """Sanitized HTML of markdown; HTML nested past what a page holds is refused by its place."""
    try:
        return render(text)
    except HtmlTooDeep as error:
        raise ImportProblem(f"{place}: {error}") from None


def kramdown_text(texts: list[str]) -> str:
    """Markdown text in which CommonMark reads `markdown="1"` blocks as kramdown does."""
    out: list[str] = []
    open_blocks = 0
    for text in texts:
        opened = MARKDOWN_BLOCK.search(text)
        if CLOSING_ONLY.match(text) and open_blocks:
            out.append("")  # the markdown inside ends before the closing tag
            open_blocks -= text.count("</")
            open_blocks = max(open_blocks, 0)
        out.append(re.sub(r"(?<!\\)\\\\\s*$", "<br>", text))  # kramdown's `\\` line break
        if opened:
            out.append("")  # what follows the opening tag is markdown
            open_blocks += 1
    return _dedented("\n".join(out))


def _dedented(text: str) -> str:
    """Text indented as a whole loses the indent (markdown would show it as code)."""
    lines = text.split("\n")
    widths = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(widths) if widths else 0
    return "\n".join(line[cut:] for line in lines)


def _note_site_links(rendered: str, place: str, page: PageReading) -> None:
    """Links into the old site's files (`./pdf/x.pdf`) will not be found on acadpage's page."""
    for found in SITE_LINK.finditer(rendered):
        href = html.unescape(found.group("href"))
        note = (
            f"{place}: the link {href!r} points into the old site's files; copy the file into "
            "media/ and link it there, or link its full address"
        )
        if note not in page.notes:
            page.notes.append(note)


def _pictures(rendered: str, place: str, page: PageReading) -> str:
    """The HTML with each picture as the page can show it; one inside a link becomes its label
    (the link stays) unless the link has words of its own (`Code` and a stars badge), one
    outside a link its label linking to it."""
    pieces, last, link, worded = [], 0, "", False
    for found in LINK_OR_PICTURE.finditer(rendered):
        tag = found.group()
        if tag[:2].lower() == "<a":
            href = re.search(r'href="([^"]*)"', tag)
            link = html.unescape(href.group(1)) if href else "#"
            inside = rendered[found.end() : rendered.find("</a", found.end())]
            worded = bool(strip_tags(inside))
            continue
        if tag[:3].lower() == "</a":
            link = ""
            continue
        picture = _image(tag, place, page, linked=link or False)
        if worded and link and not picture.startswith("<img"):
            picture = ""  # the link's words say what it is; the picture was decoration
        pieces += [rendered[last : found.start()], picture]
        last = found.end()
    return "".join(pieces) + rendered[last:]


def _image(tag: str, place: str, page: PageReading, *, linked: str | bool) -> str:
    """A picture as the page can show it: local, acadpage's badge, or its label as a link
    (`linked`: the address of the link around it)."""
    attributes = {m.group("name"): html.unescape(m.group("value")) for m in ATTRIBUTE.finditer(tag)}
    src = attributes.get("src", "").strip()
    if not src:
        return html.escape(attributes.get("alt", ""))
    badge = CITATION_BADGE.match(src)
    if badge:  # acadpage serves the same numbers itself
        metric = (badge.group("label") or "citations").lower()
        return f'<img src="/badge/{metric}.svg" alt="{metric}">'

    if is_url(src) or src.startswith("//"):
        media_key(src, place, page)  # listed in the report as left out
        label = html.escape(_label(attributes, src, linked or src))
        label = f'<span class="{PICTURE_LABEL}">{label}</span>'
        return label if linked else f'<a href="{html.escape(src)}">{label}</a>'
    key = media_key(src, place, page)
    if not key:
        return html.escape(attributes.get("alt", ""))
    return tag.replace(f'src="{html.escape(src)}"', f'src="media/{key}"', 1)


def _label(attributes: dict[str, str], src: str, target: str) -> str:
    """The words a picture stands for: a static shields badge's text, its alt or title, a shields
    badge's label, else the address it leads to (the link's host, or the picture's own)."""
    badge = re.match(r"^https?://img\.shields\.io/badge/(?P<text>[^/?]+)", src)
    if badge:  # `Patent-pending-orange`: the words on the picture
        words = re.split(r"(?<!-)-(?!-)", unquote(badge.group("text")))[:-1] or [
            badge.group("text")
        ]
        return " ".join(word.replace("--", "-").replace("_", " ") for word in words).strip()
    for name in ("alt", "title"):
        if attributes.get(name, "").strip():
            return attributes[name].strip()
    query = parse_qs(urlsplit(src).query)
    if query.get("label"):
        return query["label"][0].replace("_", " ")
    address = urlsplit(target)
    if target != src and address.netloc:
        return address.netloc.removeprefix("www.")
    return f"{address.netloc}{address.path}" or target


def _one_block(rendered: str) -> str:
    """The HTML in one `<div>` without blank lines, so that markdown leaves it as it is (a blank
    line inside `<pre>` stays one, as a character reference)."""
    return "<div>" + re.sub(r"\n[ \t]*(?=\n)", "\n&#10;", rendered.strip()) + "</div>"
