"""A paper read from the document tree of its fragment, not from its lines (pure; CLI-only).

The fragment (a paper box or a list item, as the visitor saw it) is walked into lines of pieces:
links, bold, emphasis, code and text, split where the page breaks a line. The title is the first
long link (or long bold run, or quoted text); what stands before it on its line is a venue label
(`[CVPR'26]`); the first run after it with commas or a bold name is the authors; a line with
emphasis or a year is the venue; lines of short links are the paper's links; the rest is kept
as description. The importer keeps the result only when it passes the self-check.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from chalicelib.importers.acadhomepage.fragment import PICTURE_LABEL
from chalicelib.importers.acadhomepage.inline import (
    BUTTON_WORDS,
    NAME_SEPARATOR,
    YEAR,
    add_link,
    link_key,
)
from chalicelib.site.authors import MARKS
from chalicelib.site.fields import is_url

BREAKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "details", "summary",
}  # fmt: skip
STRONG = {"strong", "b", "u"}
EMPHASIS = {"em", "i"}
QUOTED = re.compile(r"^\s*[\"“](?P<title>[^\"”]{12,})[\"”]\s*[.,]?\s*")
SEPARATORS = re.compile(r"^[\s|,.;:·/\\\[\]()]*$")
NOT_TEXT = {"script", "style", "img", "svg"}
# APA: `Tan, H., Guo, Z.*, & Li, M. (2026). Title. Journal, 394, 126171.`
APA = re.compile(  # one way to read each text: a `\s*` beside `[^()]+?` retried along a run
    r"^(?P<authors>[^()]+?)\((?P<date>(?P<year>(?:19|20)\d{2})[a-z]?(?:,\s*[^()]{1,30})?)\)"
    r"\.?\s+(?P<title>[^.?!\s][^.?!]{7,}[.?!])\s+(?P<venue>\S.*)$",
    re.S,
)
# GB/T 7714: `Li, S., Lee, A., et al. Title[J]. Journal, 2026, 253: 112194.`, `...Title[C]//Venue`
GBT = re.compile(
    r"^(?P<head>[^\[\]]+?)\[(?:J|C|D|M|R|P|S|N|A|Z|EB/OL)\](?://|\.)?(?P<venue>.*\S.*)$",
    re.S,
)
ET_AL = re.compile(r"(?<![^\s,])et {1,3}al\.")  # no `\s*` first: it retries along a run
# names written `Surname I` or `Surname IJ` (GB/T's own form): `Li S, Lee A. Title[J]...`
INITIALED = re.compile(r"[^\W\d][^\W\d'-]*(?:[ -][^\W\d][^\W\d'-]*)*\s+[A-Z]{1,3}[*†‡]*")
APA_NAME = re.compile(r"(?:&\s*)?([^\W\d][^,&]*?,\s*(?:[A-Z]\.\s*-?\s*)+[*†‡]*)")
# A reference written as text is read as APA up to this length (a long author list is a few
# hundred characters): its name pattern restarts at each letter, costing the square of the text.
MAX_REFERENCE_CHARS = 5_000
# A title written as text: `Owls at Night. Ann Lee, Bo Chen (CVPR 2024)`
# A label beside a title: `(Oral)`, `[Spotlight]`
REMARK = re.compile(r"[(\[]\s*(?P<label>[^()\[\],]{1,30}?)\s*[)\]]")
PLAIN_TITLE = re.compile(r"^\s*(?P<title>[^.\[\]*\s][^.\[\]*]{11,}?)\.\s+(?=\S)")


@dataclass
class Piece:
    """A run of text in one kind of markup: text, bold, emphasis, code or a link."""

    kind: str
    text: str
    href: str = ""
    html: str = ""
    picture: bool = False  # a link shown as a picture on another host (a stars badge)


def paper_from_fragment(fragment: str) -> dict | None:
    """A structured paper from a paper's fragment; None when no title stands out."""
    from selectolax.lexbor import LexborHTMLParser  # the importer is CLI-only

    tree = LexborHTMLParser(fragment)
    badge = tree.css_first("[class*=badge]:not(.paper-box-image)")
    badge_text = " ".join(badge.text().split()) if badge is not None else ""
    image = tree.css_first(".paper-box-image img[src^='media/']")
    for node in tree.css(".paper-box-image"):
        node.decompose()
    lines = [line for line in _lines(tree.body) if "".join(p.text for p in line).strip()]
    found = _title(lines)
    if found is None:
        return None
    at, index, paper = found
    before = " ".join(p.text for p in lines[at][:index]).strip()
    label = " ".join(before.strip(" []()`:：-–—|&").split())
    rest = [lines[at][index + 1 :], *lines[at + 1 :]]
    links: dict[str, str] = {}
    description = []
    for line in lines[:at]:  # above the title: the venue (a journal's name), or a label
        text = _plain("".join(p.text for p in line))
        if "venue" not in paper and YEAR.search(text) and len(text) <= 160:
            paper["venue"] = text
        else:
            description.append(_html(line))
    for line in rest:
        _read_line(line, paper, links, description)
    venue = paper.get("venue", "")
    if label:
        if venue and label.casefold() not in venue.casefold():
            paper["badge"] = label
        elif not venue:
            paper["venue"] = label
    if badge_text:
        if "venue" not in paper:
            paper["venue"] = badge_text
        elif badge_text.casefold() not in paper["venue"].casefold():
            paper["badge"] = paper.get("badge") or badge_text
    year = YEAR.findall(" ".join([paper.get("venue", ""), paper.get("badge", "")]))
    if year:
        paper["year"] = int(year[-1])
    if links:
        paper["links"] = links
    if description:
        paper["description"] = description
    if image is not None:
        paper["image"] = image.attributes.get("src", "").removeprefix("media/")
        paper["featured"] = True
    return paper


def _lines(root) -> list[list[Piece]]:
    """The pieces of the tree, line by line, as the browser breaks them."""
    lines: list[list[Piece]] = [[]]

    def walk(node, kind: str) -> None:
        child = node.child
        while child is not None:
            tag = child.tag
            if tag == "-text":
                text = child.text_content or ""
                if text.strip() or (lines[-1] and text):
                    lines[-1].append(Piece(kind, text))
            elif tag in NOT_TEXT or tag == "-comment":
                pass
            elif tag == "a" and is_url(child.attributes.get("href") or ""):
                text = " ".join(child.text().split())
                picture = child.css_first(f".{PICTURE_LABEL}") is not None
                href = child.attributes["href"]
                lines[-1].append(Piece("link", text, href, child.html or "", picture))
            else:
                if tag in BREAKS and lines[-1]:
                    lines.append([])
                inner = "bold" if tag in STRONG or _is_title(child) else kind
                inner = "em" if tag in EMPHASIS else inner
                inner = "code" if tag == "code" else inner
                walk(child, inner)
                if tag in BREAKS and lines[-1]:
                    lines.append([])
            child = child.next

    if root is not None:
        walk(root, "text")
    return lines


def _title(lines: list[list[Piece]]) -> tuple[int, int, dict] | None:
    """(line, piece, the paper with its title and link) of the first piece that is a title; a
    reference written as text (`Title. A, B (CVPR)`, or APA's `A, B (2024). Title. Venue`)."""
    return _marked_title(lines) or (_text_title(lines[0]) if lines else None)


def _text_title(line: list[Piece]) -> tuple[int, int, dict] | None:
    text = "".join(p.text for p in line)
    apa = APA.match(text) if len(text) <= MAX_REFERENCE_CHARS else None
    if apa and "\n" not in apa.group("title"):
        written = APA_NAME.findall(apa.group("authors"))
        bold = " ".join(p.text for p in line if p.kind == "bold")
        names = [apa_name(name) for name in written]
        marked = [apa_name(name).rstrip("*†‡") for name in written if name.rstrip("*†‡ ") in bold]
        title = apa.group("title").strip().removesuffix(".")
        paper = {"title": title, "authors": names, "_marked": marked}
        paper["venue"] = f"{_plain(apa.group('venue'))} ({apa.group('date')})"
        line[:] = [Piece("title", "")]
        return 0, 0, paper
    gbt = GBT.match(text) if len(text) <= MAX_REFERENCE_CHARS else None
    split = _gbt_authors(gbt.group("head")) if gbt else None
    if split:
        names, title = split
        bold = " ".join(p.text for p in line if p.kind == "bold")
        marked = [name.rstrip("*†‡") for name in names if name.rstrip("*†‡ ") in bold]
        paper = {"title": title, "authors": [apa_name(n) if "," in n else n for n in names]}
        paper["_marked"] = [apa_name(n) if "," in n else n for n in marked]
        paper["venue"] = _plain(gbt.group("venue").lstrip(" ./"))
        line[:] = [Piece("title", "")]
        return 0, 0, paper
    first = line[0] if line else None
    plain = PLAIN_TITLE.match(first.text) if first and first.kind == "text" else None
    if plain and re.search(r",|\band\b", first.text[plain.end() :]):
        line[0] = Piece("text", first.text[plain.end() :])
        line.insert(0, Piece("title", plain.group("title")))
        return 0, 0, {"title": plain.group("title").strip()}
    return None


def _gbt_authors(head: str) -> tuple[list[str], str] | None:
    """(the names as written, the title) of a GB/T 7714 reference's text before its `[J]`."""
    cut = ET_AL.search(head)
    if cut:
        written, title = head[: cut.start()].rstrip(" ,"), head[cut.end() :]
        names = [*_written_names(written), "et al."]
    else:
        names, at = [], 0
        for found in APA_NAME.finditer(head):  # `Li, S., Lee, A.` up to the title
            if head[at : found.start()].strip(" ,&"):
                break
            names.append(found.group(1).strip(" &"))
            at = found.end()
        written, _, title = head[:at], None, head[at:]
        if not names:
            written, _, title = head.partition(". ")
            names = _written_names(written)
    title = title.strip(" .\n")
    if not names or len(title.split()) < 2 or "et al." in names[:-1]:
        return None
    return names, title


def _written_names(written: str) -> list[str]:
    """The names of an author list written `Li, S., Lee, A.` or `Li S, Lee A`; [] for others."""
    apa = [m.group(1).strip(" &") for m in APA_NAME.finditer(written)]
    if apa and not APA_NAME.sub("", written).strip(" ,&"):
        return apa
    names = [name.strip() for name in re.split(r",|&", written) if name.strip()]
    return names if all(INITIALED.fullmatch(name) for name in names) else []


def apa_name(written: str) -> str:
    """`Guo, Z.*` -> `Z. Guo*`: the name as the page's other lists write it, marks after it."""
    surname, _, initials = written.strip(" &").partition(",")
    marks = re.search(r"[*†‡]*$", initials).group()
    return f"{initials.strip(' *†‡')} {surname.strip()}{marks}"


def _marked_title(lines: list[list[Piece]]) -> tuple[int, int, dict] | None:
    for at, line in enumerate(lines[:3]):
        for index, piece in enumerate(line):
            words = piece.text.split()
            if piece.kind == "link" and len(words) >= 3 and not _is_button(piece):
                title = piece.text.strip().strip('"“”').strip()
                return at, index, {"title": title, "link": piece.href}
            if piece.kind == "bold" and len(words) >= 4:
                return at, index, {"title": piece.text.strip().strip('"“”').strip()}
            quoted = QUOTED.match(piece.text) if piece.kind == "text" else None
            if quoted:
                line[index] = Piece("text", piece.text[quoted.end() :])
                line.insert(index, Piece("title", quoted.group("title")))
                return at, index, {"title": quoted.group("title").strip()}
    return None


def _is_button(piece: Piece) -> bool:
    """A link under the paper (`Code`, a stars badge), not its title or an author."""
    words = re.sub(r"[*\\\[\]_]", "", piece.text).strip()
    return piece.picture or not words or bool(BUTTON_WORDS.fullmatch(words))


def _is_title(node) -> bool:
    """An element its class names a title (`<div class="paper-title">`), not a subtitle."""
    classes = (node.attributes.get("class") or "").lower().replace("_", "-").split()
    return any(re.fullmatch(r"(?:\w+-)*title", name) for name in classes)


def _read_line(line: list[Piece], paper: dict, links: dict, description: list[str]) -> None:
    """One line after the title: the authors, the venue, links or a description line."""
    text = "".join(p.text for p in line if p.kind != "link").strip()
    buttons = [p for p in line if p.kind == "link" and _is_button(p)]
    if all(p.kind == "link" or SEPARATORS.match(p.text) for p in line):
        for piece in line:
            if piece.kind == "link":
                _add_link(links, piece)
        return
    remark = REMARK.fullmatch(_plain_edges(text)) if not buttons else None
    if remark and "badge" not in paper:  # `**(Oral)**` beside the title
        paper["badge"] = remark.group("label")
        return
    if "authors" not in paper and line and _is_author_line(line):
        _read_authors(line, paper, links)
        return
    emphasised = sum(len(p.text.strip()) for p in line if p.kind in ("em", "bold", "code"))
    titled_link = any(p.kind == "link" and not _is_button(p) for p in line)
    # a venue line: short, and mostly emphasised or naming a year
    venue_like = len(text) <= 160 and (emphasised * 2 >= len(text) or bool(YEAR.search(text)))
    if "venue" not in paper and venue_like and not titled_link:
        paper["venue"] = _plain(text)
        for piece in buttons:
            _add_link(links, piece)
        return
    description.append(_html(line))


def _is_author_line(line: list[Piece]) -> bool:
    text = "".join(p.text for p in line if p.kind != "link")
    return bool(re.search(r",|\band\b|、", text)) or any(p.kind == "bold" for p in line)


def _read_authors(line: list[Piece], paper: dict, links: dict) -> None:
    """The names up to the first emphasis or year (the venue after them on the same line)."""
    names: list[Piece] = []
    venue: list[Piece] = []
    author_links: dict[str, str] = {}
    for piece in line:
        if piece.kind == "link" and (_is_button(piece) or not _opens_name(names)):
            _add_link(links, piece)  # `Bo Chen. [Code Stars](...)`: the names have ended
        elif venue or _starts_venue(piece, names):
            venue.append(piece)
        else:
            if piece.kind == "link":  # a name linking to its owner's homepage
                author_links[_plain(piece.text).rstrip(MARKS).strip()] = piece.href
            names.append(piece)
    text = "".join(p.text for p in names)
    authors = [_plain(name) for name in NAME_SEPARATOR.split(text)]
    paper["authors"] = [re.sub(r"^and\s+", "", name) for name in authors if name.strip(" .")]
    bold = [_plain(n) for p in names if p.kind == "bold" for n in NAME_SEPARATOR.split(p.text)]
    paper["_marked"] = [name.rstrip("*†‡#") for name in bold if name.strip(" .")]
    tail = _plain("".join(p.text for p in venue))
    if tail:
        paper["venue"] = tail
    if author_links:
        paper["author_links"] = author_links


def _opens_name(names: list[Piece]) -> bool:
    """Whether what follows starts an author's name: nothing before it, or a separator."""
    text = "".join(p.text for p in names).rstrip()
    return not text or bool(re.search(r"(?:[,;、，&]|\band)$", text))


def _starts_venue(piece: Piece, names: list[Piece]) -> bool:
    """Emphasis, code, a year after names, or bold after the last name (`Bo Chen **Accepted**`)."""
    if piece.kind in ("em", "code"):
        return True
    if names and YEAR.search(piece.text):
        return True
    return piece.kind == "bold" and _after_last_name(names)


def _after_last_name(names: list[Piece]) -> bool:
    """True when a list of names has ended: a name stands after its last comma, unseparated."""
    text = "".join(p.text for p in names)
    if "," not in text:
        return False
    last = text.rsplit(",", 1)[1]
    # string ends, not a `\s+$` pattern, which retries from every character of a long run
    ended = last.rstrip()
    name = ended.rstrip("*†‡").rstrip()
    if ended == last or not name or not (name[-1].isalnum() or name[-1] == "_"):
        return False
    return not re.search(r"\band$", ended)


def _add_link(links: dict, piece: Piece) -> None:
    """A button under the paper; one address under two labels (`Code`, a stars badge) stays so."""
    label = " ".join(piece.text.split()) or "Link"
    if links.get(link_key(label)) != piece.href:
        add_link(links, label, piece.href)


def _plain_edges(text: str) -> str:
    return " ".join(text.split()).strip(" ,.;|\\")


def _plain(text: str) -> str:
    """Text without the brackets a removed link leaves (`[ ]`), edge separators and an edge
    parenthesis whose partner stands elsewhere (`Bo Chen (` before the venue)."""
    text = re.sub(r"\[\s*\]|\(\s*\)", "", text.replace("\xa0", " "))
    text = " ".join(text.split()).strip(" ,.;|")
    while text.endswith(("(", ")")) and text.count("(") != text.count(")"):
        text = text[:-1].strip(" ,.;|")
    while text.startswith(("(", ")")) and text.count("(") != text.count(")"):
        text = text[1:].strip(" ,.;|")
    return text


def _html(line: list[Piece]) -> str:
    """A description line as inline HTML: its links kept, other markup as text."""
    parts = [p.html if p.kind == "link" else html.escape(p.text) for p in line]
    return " ".join("".join(parts).split())
