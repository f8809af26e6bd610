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
from chalicelib.importers.acadhomepage.references import (
    NameRun,
    plain_text,
    reference_paper,
    without_address,
)
from chalicelib.site.authors import MARKS
from chalicelib.site.fields import is_url

BREAKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "details", "summary",
}  # fmt: skip
STRONG = {"strong", "b", "u"}
EMPHASIS = {"em", "i"}
QUOTED = re.compile(r"[\"“](?P<title>[^\"”]{12,}?)[,.]?[\"”][ \t]*[.,]?")
# a label before the names or the title: code, or a short bracketed text
LEAD_LABEL = re.compile(r"\[[^\[\]]{1,40}\]|[^\w\s]{0,3}")
BRACKETED_TITLE = re.compile(r"^\s*\[(?P<title>[^\[\]]{12,})\](?!\()")
SEPARATORS = re.compile(r"^[\s|,.;:·/\\\[\]()]*$")
NOT_TEXT = {"script", "style", "img", "svg"}
# the end of text after which a name starts: a separator
NAME_ENDED = re.compile(r"(?:[,;、，&]|\band)$")
# A label beside a title: `(Oral)`, `[Spotlight]`
REMARK = re.compile(r"[(\[]\s*(?P<label>[^()\[\],]{1,30}?)\s*[)\]]")
# A title written as text: `Owls at Night. Ann Lee, Bo Chen (CVPR 2024)`
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
    links: dict[str, str] = {}
    head = lines[at][:index]
    labels = 0  # `I-J-9`, `[CVPR'26]`: labels before the names or the title
    while labels < len(head) and (
        head[labels].kind == "code" or LEAD_LABEL.fullmatch(head[labels].text.strip())
    ):
        labels += 1
    if "authors" not in paper and _names_before(head[labels:]):  # `A, **B**, [Title](url)`
        _read_authors(head[labels:], paper, links)
        head = head[:labels]
    before = " ".join(p.text for p in head).strip()
    label = " ".join(before.strip(" []()`:：-–—|&").split())
    rest = [lines[at][index + 1 :], *lines[at + 1 :]]
    description = []
    for line in lines[:at]:  # above the title: the venue (a journal's name), or a label
        text = plain_text("".join(p.text for p in line))
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
    venue, address = without_address(paper.get("venue", ""))
    if address:  # `Atmospheric Research. https://doi.org/...`: the address shows as text
        paper["venue"] = venue
        description.append(html.escape(address))
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
    text = "".join(p.text for p in line if p.kind != "link")  # links: buttons after it
    bold = " ".join(p.text for p in line if p.kind == "bold")
    paper = reference_paper(text, bold)
    if paper:
        line[:] = [Piece("title", ""), *(p for p in line if p.kind == "link")]
        return 0, 0, paper
    first = line[0] if line else None
    plain = PLAIN_TITLE.match(first.text) if first and first.kind == "text" else None
    if plain and re.search(r",|\band\b", first.text[plain.end() :]):
        line[0] = Piece("text", first.text[plain.end() :])
        line.insert(0, Piece("title", plain.group("title")))
        return 0, 0, {"title": plain.group("title").strip()}
    return None


def _marked_title(lines: list[list[Piece]]) -> tuple[int, int, dict] | None:
    for at, line in enumerate(lines[:3]):
        names, shown = NameRun(), False  # what stands before the piece, kept as it grows
        for index, piece in enumerate(line):
            words = piece.text.split()
            if piece.kind == "link" and len(words) >= 3 and not _is_button(piece):
                title = piece.text.strip().strip('"“”').strip()
                if title.endswith(".") and not title.endswith(".."):  # `<a>Title.</a>`
                    title = title[:-1].rstrip()
                return at, index, {"title": title, "link": piece.href}
            if piece.kind == "bold" and len(words) >= 4:
                return at, index, {"title": piece.text.strip().strip('"“”').strip()}
            # `A, **B**, *Owls at Night: Seeing in the Dark*, Journal`: emphasis after names
            italic = piece.kind == "em" and len(words) >= 5 and not YEAR.search(piece.text)
            if italic and names.are_names():
                return at, index, {"title": piece.text.strip(' "“”,.')}
            found = _text_title_in(piece, names, shown) if piece.kind == "text" else None
            if found:
                before, title, after = found
                line[index : index + 1] = [Piece("text", before), title, Piece("text", after)]
                return at, index + 1, {"title": title.text.strip()}
            if piece.kind != "link":
                names.add(piece.text)
            shown = shown or bool(piece.text.strip())
    return None


def _text_title_in(piece: Piece, names: NameRun, shown: bool) -> tuple[str, Piece, str] | None:
    """(text before, the title, text after) of a title written in quotes (`"Owls at Night,"`,
    first or after names, as IEEE writes it) or in brackets leading its line (`[Owls at
    Night], A, B`); None when there is none."""
    quoted = QUOTED.search(piece.text)
    if quoted:
        before = piece.text[: quoted.start()]
        if not before.strip() or names.with_text(before).are_names():
            return before, Piece("title", quoted.group("title")), piece.text[quoted.end() :]
    bracketed = BRACKETED_TITLE.match(piece.text) if not shown else None
    words = bracketed.group("title").split() if bracketed else []
    if len(words) >= 4 and not YEAR.search(bracketed.group("title")):
        title = Piece("title", bracketed.group("title"))
        return "", title, piece.text[bracketed.end() :]
    return None


def _names_before(pieces: list[Piece]) -> bool:
    """Whether the pieces before a title are a list of authors."""
    names = NameRun()
    for piece in pieces:
        if piece.kind != "link":
            names.add(piece.text)
    return names.are_names()


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
        paper["venue"] = plain_text(text)
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
    opens = True  # whether a name starts here: nothing before, or a separator
    for piece in line:
        if piece.kind == "link" and (_is_button(piece) or not opens):
            _add_link(links, piece)  # `Bo Chen. [Code Stars](...)`: the names have ended
        elif venue or _starts_venue(piece, names):
            venue.append(piece)
        else:
            if piece.kind == "link":  # a name linking to its owner's homepage
                author_links[plain_text(piece.text).rstrip(MARKS).strip()] = piece.href
            names.append(piece)
            ended = piece.text.rstrip()
            if ended:
                opens = piece.kind != "link" and bool(NAME_ENDED.search(ended[-8:]))
    text = "".join(p.text for p in names)
    authors = [plain_text(name) for name in NAME_SEPARATOR.split(text)]
    paper["authors"] = [re.sub(r"^and\s+", "", name) for name in authors if name.strip(" .")]
    bold = [plain_text(n) for p in names if p.kind == "bold" for n in NAME_SEPARATOR.split(p.text)]
    paper["_marked"] = [name.rstrip("*†‡#") for name in bold if name.strip(" .*†‡#")]
    tail = plain_text("".join(p.text for p in venue))
    if tail:
        paper["venue"] = tail
    if author_links:
        paper["author_links"] = author_links


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


def _html(line: list[Piece]) -> str:
    """A description line as inline HTML: its links kept, other markup as text."""
    parts = [p.html if p.kind == "link" else html.escape(p.text) for p in line]
    return " ".join("".join(parts).split())
