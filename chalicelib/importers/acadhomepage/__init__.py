"""An AcadHomepage site (`_pages/about.md` and `_config.yml`) -> acadpage content YAML (pure).

The page is read as a visitor sees it (comments, front matter and Liquid removed, included files
inlined), split at its headings, and each section becomes the kind its heading means, in any
language: news, publications, awards, ... What cannot become structured fields is kept as sanitized
markdown in a section of its own, never dropped; the report says what went where.
"""

from __future__ import annotations

import re

from chalicelib.importers import Imported, ImportProblem, converted_content
from chalicelib.importers.acadhomepage.config import (
    extra_links,
    read_config,
    read_profile,
    read_site,
)
from chalicelib.importers.acadhomepage.dated import read_dated
from chalicelib.importers.acadhomepage.fragment import fragment_html
from chalicelib.importers.acadhomepage.page import PageReading
from chalicelib.importers.acadhomepage.papers import is_paper_start
from chalicelib.importers.acadhomepage.section_papers import is_text_note, read_papers
from chalicelib.importers.acadhomepage.sections import (
    Block,
    page_language,
    section_kind,
    split_icon,
    split_sections,
)
from chalicelib.importers.acadhomepage.selfcheck import ENTRY_NOTE, checked_entry
from chalicelib.importers.acadhomepage.source import Line, ReadRelative, page_lines
from chalicelib.site.content import ANCHOR, DATED_KINDS, SECTION_KINDS


def import_acadhomepage(
    about_md: str,
    config_yml: str,
    about_name: str = "about.md",
    config_name: str = "_config.yml",
    read_relative: ReadRelative | None = None,
    *,
    require_text: bool = True,
) -> Imported:
    """Content YAML for an AcadHomepage about page and site config, with the import's report
    (`require_text=False`: a page that shows nothing still gives the settings and profile)."""
    page = PageReading()
    config = _config_or_nothing(config_yml, config_name, page)
    lines, front = page_lines(about_md, about_name, read_relative, page.notes, page.unread)
    blocks = split_sections(lines)
    _add_about(page, blocks.pop(0))
    for block in blocks:
        _read_block(block, page)
    profile = read_profile(config, config_name, page)
    _add_extra_links(page, extra_links(config, config_name, page))
    if not page.sections and require_text:
        raise ImportProblem(f"{about_name}: nothing to import: the page shows no text")
    site = read_site(config, front, profile.get("name", ""))
    language = page_language([block.title for block in blocks])
    if language and "language" not in site:
        site["language"] = language
        page.notes.append(f"site.language: {language!r}, the language of the page's headings")
    document = {"site": site, "profile": profile, "sections": page.sections, **page.content}
    return Imported(
        converted_content(document, f"AcadHomepage's {about_name} and {config_name}"),
        tuple(page.notes),
        structured=tuple(page.structured),
        kept_raw=tuple(page.kept_raw),
        unread=tuple(page.unread),
        media=tuple(page.media.items()),
        remote_images=tuple(page.remote_images),
    )


def _config_or_nothing(text: str, filename: str, page: PageReading) -> dict:
    """The site settings; a config that cannot be read is reported and the page imported alone."""
    try:
        return read_config(text, filename)
    except ImportProblem as problem:
        page.unread.append(f"{problem}; the profile has only a placeholder name")
        return {}


def _read_block(block: Block, page: PageReading) -> None:
    icon, title = split_icon(block.title)
    kind = section_kind(title, _taken(page))
    if kind == "about":
        _add_about(page, block, title, icon)
        return
    if kind == "markdown" and _papers_belong(title, block.lines):
        kind = "publications"
    if kind == "publications":
        _add_papers(page, block, title, icon)
        return
    if kind not in DATED_KINDS:
        _add_markdown(page, title, icon, block.anchor, block.lines, block.place)
        return
    reported = len(page.kept_raw)
    checked = [checked_entry(kind, entry, page) for entry in read_dated(block.lines)]
    entries = [entry for entry in checked if entry is None or entry]  # {}: a note showing nothing
    if not entries or None in entries:  # text among the entries more than a line: as written
        del page.kept_raw[reported:]
        _add_markdown(page, title, icon, block.anchor, block.lines, block.place)
        return
    _add_typed(page, kind, title, icon, block.anchor)
    page.content[kind] = entries
    dated = sum(not entry["text"].startswith(ENTRY_NOTE) for entry in entries)
    page.structured.append(f"{block.place}: {kind} ({dated} entries, {title})")


def _add_papers(page: PageReading, block: Block, title: str, icon: str) -> None:
    """The papers of a block, with the text between them in its place; under another heading
    than publications (projects), a block none of whose items is a paper stays as written."""
    elsewhere = section_kind(title, set()) != "publications"  # projects, highlights
    reported = len(page.kept_raw)
    papers = read_papers(block.lines, page, need_authors=elsewhere)
    items = [paper for paper in papers if not is_text_note(paper)]
    if not items or (elsewhere and all("markdown" in paper for paper in items)):
        del page.kept_raw[reported:]  # the section as it was, as a whole
        _add_markdown(page, title, icon, block.anchor, block.lines, block.place)
        return
    if "publications" in _taken(page):
        _merge_papers(page, papers, title)
        page.structured.append(f"{block.place}: {len(items)} more publications ({title})")
    else:
        _add_typed(page, "publications", title, icon, block.anchor)
        page.content["publications"] = papers
        page.structured.append(f"{block.place}: publications ({len(items)}, {title})")


def _add_about(page: PageReading, block: Block, title: str = "", icon: str = "") -> None:
    """The about text: the page before its first heading, or the section an "About" heads."""
    about = fragment_html(block.lines, page)
    if not about:
        return
    _add_typed(page, "about", title, icon, block.anchor)
    page.content["about"] = about
    if title:
        page.structured.append(f"{block.place}: about ({title})")
    else:  # the text before any heading starts where its first line does
        first = next((line.place for line in block.lines if line.text.strip()), block.place)
        page.structured.append(f"{first}: about")


def _taken(page: PageReading) -> set[str]:
    return {entry if isinstance(entry, str) else entry.get("type", "") for entry in page.sections}


def _holds_papers(lines: list[Line]) -> bool:
    return any(is_paper_start(line.text) for line in lines)


def _papers_belong(title: str, lines: list[Line]) -> bool:
    """Papers under a publications heading, and paper boxes under any other heading."""
    meaning = section_kind(title, set())
    if meaning == "publications":
        return True
    return _holds_papers(lines)  # boxes under any heading: each is checked before it is kept


def _merge_papers(page: PageReading, papers: list[dict], title: str) -> None:
    """Papers of a second publications-like section, under its heading; a paper the page shows
    twice (a highlight and the full list) stays twice, as the visitor saw it."""
    for paper in papers:
        paper.setdefault("group", title)
        page.content["publications"].append(paper)


def _add_typed(page: PageReading, kind: str, title: str, icon: str, anchor: str) -> None:
    default_title, default_icon, default_id = SECTION_KINDS[kind]
    entry: dict = {"type": kind}
    if title and (title != default_title or icon != default_icon):
        entry.update(title=title, icon=icon)
    taken = _ids(page)
    if anchor and anchor != default_id and ANCHOR.fullmatch(anchor) and anchor not in taken:
        entry["id"] = anchor
    elif default_id in taken:  # a section before it already has this anchor
        entry["id"] = _unique(default_id, taken)
    page.sections.append(kind if len(entry) == 1 else entry)


def _unique(anchor: str, taken: set[str]) -> str:
    base, number = anchor, 2
    while anchor in taken:
        anchor, number = f"{base}-{number}", number + 1
    return anchor


def _add_markdown(page, title, icon, anchor, lines, place) -> None:
    """A section of its own for what the page says that has no structured form."""
    markdown = fragment_html(lines, page)
    if not markdown:
        return
    anchor = _unique(anchor if anchor and ANCHOR.fullmatch(anchor) else _slug(title), _ids(page))
    entry = {"id": anchor, "title": title or anchor, **({"icon": icon} if icon else {})}
    entry["markdown"] = markdown
    page.sections.append(entry)
    page.kept_raw.append(f"{place}: {title or anchor} (a section kept as written)")


def _ids(page: PageReading) -> set[str]:
    """The sections' anchors so far: a typed section without an `id` has its kind's."""
    return {_anchor_of(entry) for entry in page.sections}


def _anchor_of(entry: str | dict) -> str:
    if isinstance(entry, str):
        return SECTION_KINDS[entry][2]
    return entry["id"] if "id" in entry else SECTION_KINDS[entry["type"]][2]


def _slug(title: str) -> str:
    anchor = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-") or "section"
    return anchor if anchor[0].isalpha() else f"section-{anchor}"


def _add_extra_links(page: PageReading, links: list[tuple[str, str]]) -> None:
    """Links of _config.yml that acadpage's profile has no key for, kept in a section."""
    if not links:
        return
    lines = [Line("_config.yml", f"- [{label}]({url})") for label, url in links]
    _add_markdown(page, "Links", "🔗", "links", lines, "_config.yml author")
