"""A structured item (a paper, a dated entry) checked against the fragment it was read from,
before it is kept (pure).

The item is rendered through acadpage's own template; it must show the same words and the same
links as the fragment a visitor of the original page saw. A paper's title must hold no markup and
no link, its authors must be people's names, and its year a four-digit year the fragment shows; a
dated entry's date must be a date the fragment shows. The first check that fails is named; the
importer then keeps the item as written instead.
"""

from __future__ import annotations

import collections
import re

import yaml

from chalicelib.importers.acadhomepage.dated import BULLET, MONTH, SUB_HEADING
from chalicelib.importers.acadhomepage.fragment import fragment_html, inline_fragment
from chalicelib.importers.acadhomepage.inline import VENUE_TERMS
from chalicelib.importers.acadhomepage.page import PageReading
from chalicelib.importers.acadhomepage.references import PARTICLES
from chalicelib.importers.acadhomepage.source import Line
from chalicelib.importers.acadhomepage.tree import paper_from_fragment
from chalicelib.site.authors import MARKS
from chalicelib.site.content import ContentError, load_site
from chalicelib.site.templates import environment

WORD = re.compile(r"[\u3400-\u9fff]|[^\W_]+")
TITLE_MARKUP = re.compile(r"\]\(|[\[\]`<>]|\*\*|__|https?://|\{\{|\{%")
# a venue may hold brackets as text (`[JCR Q1|SCI Q2]`), not a link's or an empty link's
VENUE_MARKUP = re.compile(r"\]\(|\[\s*\]|[<>`]|\*\*|__|https?://|\{\{|\{%")
NAME_LIST = re.compile(r",|;|\band\b|、|，")
YEAR_IN = re.compile(r"(?:19|20)\d{2}")
NAME_MARKUP = re.compile(r"[\[\]()`<>{}|:!?@=/\\*]|https?://|\d")
NOT_A_NAME = re.compile(rf"\b(?:{VENUE_TERMS}|ieee|acm|review|paper|code|project|vol|pp)\b", re.I)
INITIAL = re.compile(r"(?:[^\W\d_]\.-?)+")
# GB/T 7714's document type after a title (`[J]` journal, `[C]//` proceedings)
GBT_TYPE = re.compile(r"\[(?:J|C|D|M|R|P|S|N|A|Z|EB/OL)\](?://)?")
# Words acadpage's template adds to every paper (the count label of a linked citation span), and
# the words that join an author list, which the template joins with commas.
TEMPLATE_WORDS = {"citations"}
JOINING_WORDS = {"and", "und", "et"}
_SITE = {"site": {"title": "check"}, "profile": {"name": "check"}}
# What makes a date one: a year, or a month's name
DATE_WORD = re.compile(rf"(?:19|20)\d{{2}}|\b{MONTH}(?!\w)", re.I)
# Text between dated entries, kept as written in its place, shows in this element (no bullet)
ENTRY_NOTE = '<span class="entry-note">'
# What a one-line entry cannot show: a second paragraph, a table, a list, a heading, a quote
MORE_THAN_A_LINE = re.compile(r"</p>\s*<(?!/div>)|<(?:table|pre|blockquote|h[1-6]|li)\b", re.I)
# A text that opens with a year (past its tags): the end of a date range left out of the date
YEAR_FIRST = re.compile(r"(?:\s|<[^<>]*>)*(?:19|20)\d{2}(?!\d)")


def paper_problem(paper: dict, fragment: str) -> str:
    """The first check `paper` fails against the fragment it was read from; "" when none."""
    title = paper.get("title", "")
    if not title.strip() or TITLE_MARKUP.search(title):
        return f"title {title[:60]!r} holds markup or a link"
    if re.fullmatch(r"\s*[\"“].*[\"”]\s*", title):
        return f"title {title[:60]!r} keeps the quotes around it"
    for field in ("venue", "badge"):
        if VENUE_MARKUP.search(paper.get(field, "")):
            return f"{field} {paper[field][:60]!r} holds markup or a link"
        label = paper.get(field, "").strip().casefold()
        if label and title.casefold().startswith(label):  # `ECCV 2026 Owls at Night`
            return f"title {title[:60]!r} begins with its {field}"
    venue = paper.get("venue", "")
    named = [part for part in NAME_LIST.split(venue) if _is_name(part.strip(" .*†‡"))]
    if len(named) >= 2 and not YEAR_IN.search(venue):
        return f"venue {venue[:60]!r} reads as a list of names"
    cut = [line for line in paper.get("description", []) if line.lstrip()[:1] in (",", ";")]
    if cut:
        return f"description {cut[0][:40]!r} begins in the middle of a sentence"
    for name in paper.get("authors", []):
        bare = name.rstrip(MARKS).strip()
        if bare != "et al." and not _is_name(bare):
            return f"author {name[:40]!r} is not a person's name"
    long_labels = [label for label in paper.get("links", {}) if len(label.split()) >= 3]
    if long_labels and not paper.get("link"):  # a box whose first line is the journal
        return f"the title has no link, but the link {long_labels[0][:40]!r} reads as a title"
    shown = visible(fragment)
    year = paper.get("year")
    if year is not None and (not re.fullmatch(r"\d{4}", str(year)) or str(year) not in shown[0]):
        return f"year {year!r} is not a four-digit year the page shows"
    rendered = render_paper(paper)
    if rendered is None:
        return "the paper does not validate as content"
    return _difference(rendered, shown)


def entry_problem(kind: str, entry: dict, fragment: str) -> str:
    """The first check a dated entry of `kind` fails against the fragment it was read from."""
    shown = visible(fragment)
    date = entry.get("date")
    if date is not None and not DATE_WORD.search(date):
        return f"date {date!r} holds no year and no month"
    if date is not None and set(words_of(date)) - set(words_of(shown[0])):
        return f"date {date!r} is not a date the page shows"
    if date is not None and YEAR_FIRST.match(entry["text"]):  # `2020 - 2022 Lab` cut after 2020
        return f"date {date!r} leaves the rest of its range in the text"
    rendered = rendered_alone(kind, entry)
    if rendered is None:
        return "the entry does not validate as content"
    return _difference(rendered, shown)


def _difference(rendered: str, shown: tuple[str, list[str]]) -> str:
    """How an item rendered by acadpage differs from the (words, links) its page showed; ""."""
    words, links = visible(rendered)
    shown_words, shown_links = shown
    shown_words = GBT_TYPE.sub(" ", shown_words)  # a reference's `[J]`: its syntax, not words
    # a word the page repeats may show once, and the other way round (a year in the badge and
    # after the venue): what counts is that no word is lost and none is made up
    lost = set(words_of(shown_words)) - set(words_of(words)) - JOINING_WORDS
    added = set(words_of(words)) - set(words_of(shown_words)) - TEMPLATE_WORDS
    if lost:
        return f"words the page shows are lost ({', '.join(sorted(lost)[:4])})"
    if added:
        return f"words the page does not show are added ({', '.join(sorted(added)[:4])})"
    if _absolute(links) != _absolute(shown_links):
        return "its links differ from the page's"
    return ""


def _is_name(name: str) -> bool:
    """A person's name: up to six words, not initials alone (`M.` is none)."""
    words = name.split()
    return (
        bool(words)
        and len(words) <= 6
        and any(character.isalpha() for character in name)
        and not all(INITIAL.fullmatch(word) for word in words)
        and not NAME_MARKUP.search(name)
        and not NOT_A_NAME.search(name)
    )


def words_of(text: str) -> collections.Counter:
    """The words of a text as a multiset: CJK characters one by one, other scripts by word."""
    return collections.Counter(WORD.findall(text.casefold()))


def _absolute(links: list[str]) -> set[str]:
    return {link.rstrip("/") for link in links if link.startswith(("http://", "https://"))}


# LaTeX marks kramdown leaves as text, which a structured paper shows as their symbols
LATEX_MARK = re.compile(r"\$\^?\{?\\?(?P<name>dagger|ddagger|ast|\*|#)\}?\$")
LATEX_SYMBOLS = {"dagger": "†", "ddagger": "‡", "ast": "*", "*": "*", "#": "#"}


def visible(fragment: str) -> tuple[str, list[str]]:
    """(the text a visitor reads, the links they can follow) of an HTML fragment."""
    from selectolax.lexbor import LexborHTMLParser  # the importer is CLI-only

    tree = LexborHTMLParser(fragment)
    for hidden in tree.css("script, style"):
        hidden.decompose()
    links = [node.attributes.get("href") or "" for node in tree.css("a[href]")]
    body = tree.body
    text = body.text(separator=" ") if body is not None else ""
    return LATEX_MARK.sub(lambda m: LATEX_SYMBOLS[m.group("name")], text), links


def render_paper(paper: dict) -> str | None:
    """The paper as acadpage's page shows it; None when it is no valid publication."""
    return rendered_alone("publications", {k: v for k, v in paper.items() if k != "group"})


def rendered_alone(kind: str, item: dict) -> str | None:
    """One item as acadpage's page shows it in a section of `kind`; None when it is invalid."""
    document = {**_SITE, "sections": [kind], kind: [item]}
    try:
        site = load_site(yaml.safe_dump(document, allow_unicode=True).encode(), "check.yaml")
    except ContentError:
        return None
    macros = environment().get_template("sections.html").module
    shown = str(macros.render_section(site.sections[0], "", {}, lambda value: f"media/{value}"))
    return re.sub(r"<h2\b.*?</h2>", "", shown, count=1, flags=re.S)  # the check's own heading


def checked_paper(
    paper: dict | None, lines: list[Line], page: PageReading, box: bool, *, need_authors: bool
) -> dict:
    """The paper read from the item's lines, else from its document tree, when it shows what
    the lines show; else the item as written, in its place (a `box` among the boxes), and why.

    `need_authors`: under a heading that does not say publications (projects, highlights), an
    item is a paper only when it names people as its authors; a product or a team's project is
    kept as written."""
    bullet = BULLET.match(lines[0].text)
    if bullet:  # a list item: its text, the list around it is acadpage's; its lines unindented
        offset = bullet.start("text")
        lines = [Line(lines[0].place, bullet.group("text"))] + [
            Line(line.place, _unindented(line.text, offset)) for line in lines[1:]
        ]
    fragment = fragment_html(lines, page)

    def problem_of(reading: dict) -> str:
        if need_authors:
            why = _not_people(reading, page)
            if why:
                return f"{why}, and its heading does not say publications"
        return paper_problem(reading, fragment)

    problem = problem_of(paper) if paper else "no title stands out"
    if not problem or not fragment:
        return paper or {}
    from_tree = paper_from_fragment(fragment)
    marked = from_tree.pop("_marked", []) if from_tree else []
    if from_tree:  # the closer reading: its problem is the one to report
        problem = problem_of(from_tree)
        if not problem:
            return {**from_tree, "_marked": marked}
    page.kept_raw.append(f"{lines[0].place}: item kept as written: {problem}")
    return {"markdown": fragment, "featured": True} if box else {"markdown": fragment}


def _not_people(reading: dict, page: PageReading) -> str:
    """Why an item under a heading that does not say publications (projects, support) does
    not read as the owner's paper: no authors, names in lower case (`orchards`), or one name
    that the page does not mark as the owner (`[Robot](url) Quadruped Platform`); "" else."""
    names = [name.rstrip(MARKS).strip() for name in reading.get("authors", [])]
    if not names:
        return "it names no authors"
    if not all(_capitalized(name) for name in names):
        return "its authors are not written as names"
    marked = reading.get("_marked") or [name for name in names if name in page.owner_names]
    if len(names) < 2 and not marked:
        return "it names one author, not marked as the owner"
    return ""


def _capitalized(name: str) -> bool:
    """Every word of a name capitalized (CJK aside), but particles (`van der`, `de la`)."""
    words = [word for word in name.split() if word.lower() not in PARTICLES]
    return bool(words) and all(not word[0].isalpha() or not word[0].islower() for word in words)


def _unindented(text: str, offset: int) -> str:
    """A list item's line without the indent that puts it inside the item."""
    return text[min(offset, len(text) - len(text.lstrip(" "))) :]


def checked_entry(kind: str, entry: dict, page: PageReading) -> dict | None:
    """A dated entry as inline HTML when it shows what its list item showed; else the item as
    written (its date left in its text), and the report says why. Text between entries is an
    entry of its own, in its place; None when it is more than a line (the section then stays as
    written)."""
    lines = entry.pop("_lines")
    if entry.get("_note"):
        return _note_entry(kind, lines, page)
    head, *rest = lines
    place = head.place
    bullet = BULLET.match(head.text)
    if bullet:  # a list item: its text, the list around it is acadpage's
        lines = [Line(place, bullet.group("text")), *rest]
    shown = {**entry, "text": inline_fragment(entry["text"], place, page)}
    if entry.get("details"):
        shown["details"] = [inline_fragment(line, place, page) for line in entry["details"]]
    problem = entry_problem(kind, shown, fragment_html(lines, page))
    if not problem:
        return shown
    page.kept_raw.append(f"{place}: {kind} entry kept as written: {problem}")
    return _as_written(lines, page)


def _as_written(lines: list[Line], page: PageReading) -> dict:
    """A list item's text (a heading's in bold) with its sub-items as details, split nowhere."""
    heading = SUB_HEADING.match(lines[0].text)
    text = [f"**{heading.group('text')}**" if heading else lines[0].text.strip()]
    details: list[str] = []
    for line in lines[1:]:
        bullet = BULLET.match(line.text)
        if bullet:
            details.append(bullet.group("text").strip())
        elif details:  # a lazy continuation of the sub-item above
            details[-1] += " " + line.text.strip()
        else:
            text.append(line.text.strip())
    place = lines[0].place
    entry = {"text": inline_fragment(" ".join(text), place, page)}
    if details:
        entry["details"] = [inline_fragment(detail, place, page) for detail in details]
    return entry


def _note_entry(kind: str, lines: list[Line], page: PageReading) -> dict | None:
    """Text between dated entries as an undated entry without a bullet, when it is one line of
    text that shows what the page showed ({} when it shows none); None otherwise (paragraphs,
    a table, markup a line would show as text)."""
    fragment = fragment_html(lines, page)
    shown = " ".join(visible(fragment)[0].split())
    if not shown:  # markup that shows no text
        return {}
    text = inline_fragment(" ".join(line.text.strip() for line in lines), lines[0].place, page)
    note = {"text": f"{ENTRY_NOTE}{text}</span>"}
    if MORE_THAN_A_LINE.search(fragment) or " ".join(visible(text)[0].split()) != shown:
        return None
    page.kept_raw.append(
        f"{lines[0].place}: text among the {kind} entries kept as written, in its place"
    )
    return note
