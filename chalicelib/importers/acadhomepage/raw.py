"""Page lines kept as they are -> markdown that is safe and self-contained on the page (pure).

Empty anchors go; the site's own images point at media/ (and are listed for copying); images on
other hosts are left out (the page loads nothing from elsewhere) and listed in the report; a link
that held only such an image keeps a label so it can still be followed.
"""

from __future__ import annotations

import re

from chalicelib.importers.acadhomepage.page import MD_IMAGE, PageReading, media_key, strip_tags
from chalicelib.importers.acadhomepage.sections import ANCHOR
from chalicelib.importers.acadhomepage.source import Line

HTML_IMAGE = re.compile(r"<img\b(?P<attrs>[^<>]*)>", re.I | re.S)
SRC = re.compile(r"\bsrc\s*=\s*(?P<q>['\"])(?P<src>.*?)(?P=q)", re.I | re.S)
ALT = re.compile(r"\balt\s*=\s*(?P<q>['\"])(?P<alt>.*?)(?P=q)", re.I | re.S)
EMPTY_MD_LINK = re.compile(r"\[\s*\]\((?P<url>[^)\s\[]+)\)")
EMPTY_HTML_LINK = re.compile(
    r"(<a\b[^<>]*\bhref=['\"](?P<url>[^'\"<>]+)['\"][^<>]*>)\s*(</a>)", re.I
)


def raw_markdown(lines: list[Line], page: PageReading) -> str:
    """The lines as one markdown text, images made local or left out; "" when nothing shows."""
    kept = [ANCHOR.sub("", line.text).rstrip() for line in lines]
    text = "\n".join(kept).strip("\n")
    if not strip_tags(text) and "<img" not in text.lower():
        return ""
    place = lines[0].place if lines else ""
    text = HTML_IMAGE.sub(lambda m: _html_image(m, place, page), text)
    text = MD_IMAGE.sub(lambda m: _md_image(m, place, page), text)
    text = EMPTY_MD_LINK.sub(lambda m: f"[{_label(m.group('url'))}]({m.group('url')})", text)
    text = EMPTY_HTML_LINK.sub(lambda m: m.group(1) + _label(m.group("url")) + m.group(3), text)
    return _dedent(text).strip()


def _html_image(found: re.Match, place: str, page: PageReading) -> str:
    src = SRC.search(found.group("attrs"))
    alt = ALT.search(found.group("attrs"))
    if not src:
        return alt.group("alt") if alt else ""
    key = media_key(src.group("src").strip(), place, page)
    if not key:
        return alt.group("alt") if alt else ""
    return found.group().replace(src.group(), f"src='media/{key}'")


def _md_image(found: re.Match, place: str, page: PageReading) -> str:
    key = media_key(found.group("src"), place, page)
    return f"![{found.group('alt')}](media/{key})" if key else found.group("alt")


def _label(url: str) -> str:
    return "GitHub" if "github.com" in url else "link"


def _dedent(text: str) -> str:
    """Text indented as a whole loses the indent (markdown would show it as code)."""
    lines = text.split("\n")
    widths = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(widths) if widths else 0
    return "\n".join(line[cut:] for line in lines)
