"""A publications section -> its papers and the text between them, in the order written (pure).

Boxes, list items and papers written as paragraphs are found line by line and each is checked
against its fragment; sub-headings and label lines (`📃 Papers`) group the papers under them; the
text between papers is kept as written where it stood.
"""

from __future__ import annotations

import re

from chalicelib.importers.acadhomepage.dated import (
    BULLET,
    HTML_ONLY,
    SUB_HEADING,
    keep_raw,
)
from chalicelib.importers.acadhomepage.fragment import LINK_OR_PICTURE, fragment_html
from chalicelib.importers.acadhomepage.inline import LEADING_BOLD, MD_LINK, is_link_label
from chalicelib.importers.acadhomepage.page import PageReading, plain
from chalicelib.importers.acadhomepage.papers import (
    box_end,
    is_paper_start,
    paper_from_box,
    paper_from_item,
    paper_from_paragraphs,
)
from chalicelib.importers.acadhomepage.selfcheck import checked_paper, paper_problem
from chalicelib.importers.acadhomepage.source import Line
from chalicelib.importers.acadhomepage.tree import paper_from_fragment

# A line that opens with a link, after labels alone: `[**arXiv**] `CVPR` [Title](url)`
LABELS_THEN_LINK = re.compile(
    r"^\s*(?:(?:\[[^\[\]]{1,40}\]|`[^`]{1,40}`|\*\*[^*]{1,40}\*\*)\s*)*\["
)
# an HTML list item's opening tag, and how many lines one may run
HTML_ITEM = re.compile(r"<li\b", re.I)
MAX_ITEM_LINES = 40
# The text between papers, kept as written in its place, shows in this element (no list bullet)
TEXT_NOTE = '<div class="paper-note">'


def read_papers(lines: list[Line], page: PageReading, *, need_authors: bool = False) -> list[dict]:
    """The publications of a publications section, with the text between them kept as written
    in its place; [] when it holds no paper (`need_authors`: under another heading, where only
    an item that names its authors is a paper)."""
    papers: list[dict] = []
    text: list[Line] = []  # lines since the last paper that are none
    group = ""
    headings: dict[int, str] = {}  # the headings over the next paper, by level
    empty: tuple[int, Line] | None = None  # the last heading, while no paper stands under it
    index = 0
    while index < len(lines):
        line = lines[index].text
        heading = SUB_HEADING.match(line)
        label = not heading and _is_label_line(lines, index)  # `📃 Papers` over a list
        if label or (heading and not is_paper_start(line.strip())):
            level = len(line.lstrip()) - len(line.lstrip().lstrip("#")) if heading else 7
            if empty and empty[0] >= level:  # a heading over no paper (a note): kept as text
                group = _kept_heading(empty, headings, text)
            _keep_text(papers, text, group, page)  # the text above belongs to the group above
            headings = {n: h for n, h in headings.items() if n < level}
            headings[level] = plain(heading.group("text") if heading else line)
            group = _group(headings)
            empty = (level, lines[index])
            index += 1
            continue
        start, kept_before, marked_before = index, len(text), len(page.owner_names)
        read, index = _paper_at(lines, index, page, text)
        is_box = is_paper_start(lines[start].text.strip())
        paper = read
        if read or is_box or BULLET.match(lines[start].text):  # an item stays where it stands
            paper = checked_paper(
                read, lines[start:index], page, box=is_box, need_authors=need_authors
            )
        if paper is not read:  # the names the discarded reading marked mark no owner
            marked = paper.pop("_marked", []) if paper else []
            page.owner_names[marked_before:] = marked
        if paper:
            empty = None
            del text[kept_before:]  # the item stands where it stood, structured or as written
            _keep_text(papers, text, group, page)
            papers.append({**paper, "group": group} if group else paper)
    if not papers:
        return []
    if empty:
        group = _kept_heading(empty, headings, text)
    _keep_text(papers, text, group, page)
    return papers


def _kept_heading(empty: tuple[int, Line], headings: dict[int, str], text: list[Line]) -> str:
    """A heading over no paper (`### (* equal contribution)`) goes before the text under it, in
    the group of the headings above it; that group."""
    text.insert(0, empty[1])
    return _group(headings, above=empty[0])


def _group(headings: dict[int, str], above: int = 8) -> str:
    """The group the headings over a paper name (`Journal · Image Restoration`), those of a
    level `above` the one given only."""
    return " · ".join(headings[n] for n in sorted(headings) if n < above)


def is_text_note(paper: dict) -> bool:
    """True for the text between papers, kept as written among them."""
    return paper.get("markdown", "").startswith(TEXT_NOTE)


def _keep_text(papers: list[dict], text: list[Line], group: str, page: PageReading) -> None:
    """The text since the last paper, as written, where it stood: among the boxes while no
    compact paper came before it in its group (acadpage shows a group's boxes first), else in
    the list."""
    fragment = fragment_html(text, page) if text else ""
    if fragment:
        in_list = any(not p.get("featured") for p in papers if p.get("group", "") == group)
        note = TEXT_NOTE + fragment.removeprefix("<div>")
        papers.append(
            {"markdown": note}
            | ({} if in_list else {"featured": True})
            | ({"group": group} if group else {})
        )
        page.kept_raw.append(
            f"{text[0].place}: text among the papers kept as written, in its place"
        )
    text.clear()


def _paper_at(
    lines: list[Line], index: int, page: PageReading, raw: list[Line]
) -> tuple[dict | None, int]:
    """(the paper that starts at `index`: a box, a list item or paragraphs; the index after it).

    Lines that are no paper go to `raw`."""
    stripped = lines[index].text.strip()
    bullet = BULLET.match(lines[index].text)
    if is_paper_start(stripped):
        end = box_end(lines, index)
        paper = paper_from_box(lines[index:end], page)
        if not paper:
            raw.extend(lines[index:end])
        return paper, end
    if bullet and not bullet.group("indent"):
        end = _item_end(lines, index)
        paper = paper_from_item(lines[index:end], page)
        if not paper:
            for kept in lines[index:end]:
                keep_raw(raw, kept)
        return paper, end
    if _is_title_line(stripped):
        end = _paragraph_end(lines, index)
        paper = paper_from_paragraphs(lines[index:end], page)
        if paper:
            return paper, end
        keep_raw(raw, lines[index])
    elif HTML_ITEM.match(stripped):  # `<li>A, B. <a href=...>Title</a> Journal.</li>`
        end = _html_item_end(lines, index)
        paper = _tree_paper(lines[index:end], page)
        if paper:
            return paper, end
        keep_raw(raw, lines[index])
    elif not HTML_ONLY.match(stripped) or LINK_OR_PICTURE.search(stripped):
        paper = _tree_paper([lines[index]], page) if LABELS_THEN_LINK.match(stripped) else None
        if paper:
            return paper, index + 1
        keep_raw(raw, lines[index])
    return None, index + 1


def _html_item_end(lines: list[Line], start: int) -> int:
    """The index after an HTML list item: the line that closes it, or the next item's."""
    for index in range(start, min(start + MAX_ITEM_LINES, len(lines))):
        text = lines[index].text
        if index > start and HTML_ITEM.match(text.strip()):
            return index
        if "</li>" in text.lower():
            return index + 1
    return start + 1


def _tree_paper(item: list[Line], page: PageReading) -> dict | None:
    """A paper written as one line of its own (`[arXiv] [Title](url), A, **B**.`, its title
    link leading the line after labels alone) or as an HTML list item: kept when its tree
    reading links its title, names authors and shows what the lines show, else None (the
    lines stay as written)."""
    fragment = fragment_html(item, page)
    paper = paper_from_fragment(fragment) if fragment else None
    if not paper or not paper.get("link") or len(paper.get("authors", ())) < 2:
        return None
    marked = paper.pop("_marked", [])
    if paper_problem(paper, fragment):
        return None
    page.owner_names.extend(marked)
    return paper


def _is_label_line(lines: list[Line], index: int) -> bool:
    """A short line of words alone in its paragraph, right above a list of papers or a box."""
    text = lines[index].text.strip()
    if not text or len(text.split()) > 5 or BULLET.match(text) or "](" in text or "<" in text:
        return False
    before = lines[index - 1].text.strip() if index else ""
    after = lines[index + 1].text if index + 1 < len(lines) else ""
    if not after.strip() and index + 2 < len(lines):
        after = lines[index + 2].text
    return not before and bool(BULLET.match(after) or is_paper_start(after.strip()))


def _is_title_line(text: str) -> bool:
    """A whole line in bold, or a link leading its line: how a paper written as paragraphs opens."""
    bold = LEADING_BOLD.match(text)
    if bold and bold.end() >= len(text.rstrip(" \\")):
        return True
    link = MD_LINK.match(text)
    return bool(link) and not is_link_label(link) and len(link.group("label").split()) >= 3


def _paragraph_end(lines: list[Line], start: int) -> int:
    """The index after a paper written as short paragraphs, up to the next paper or heading."""
    index = start + 1
    while index < len(lines):
        text = lines[index].text.strip()
        if SUB_HEADING.match(text) or is_paper_start(text) or BULLET.match(lines[index].text):
            break
        if _is_title_line(text):
            break
        index += 1
    return index


def _ends_item(text: str) -> bool:
    """A heading, or a box that is not indented under the item."""
    return bool(SUB_HEADING.match(text)) or (is_paper_start(text) and not text.startswith("  "))


def _item_end(lines: list[Line], start: int) -> int:
    """The index after a list item: its lazy continuation lines, indented sub-bullets, and
    paragraphs indented under it after a blank line (a loose item: authors, venue, a box)."""
    index = start + 1
    while index < len(lines):
        text = lines[index].text
        bullet = BULLET.match(text)
        if not text.strip():
            following = next((line.text for line in lines[index:] if line.text.strip()), "")
            if not following.startswith("  ") or BULLET.match(following):
                break
        elif (bullet and not bullet.group("indent")) or _ends_item(text):
            break
        index += 1
    while index > start + 1 and not lines[index - 1].text.strip():
        index -= 1
    return index
