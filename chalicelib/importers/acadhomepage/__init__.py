"""An AcadHomepage site (`_pages/about.md` and `_config.yml`) -> acadpage content YAML (pure).

about.md is Jekyll markdown: front matter, Liquid tags, `# <emoji> Title` sections, dated list
items (`- *2022.02*: text`), featured papers as `<div class='paper-box'>` blocks and other papers as
one-line list items. What cannot be carried over is left out and listed in the notes.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import yaml

from chalicelib.importers import Imported, ImportProblem, dump_content
from chalicelib.importers.acadhomepage.config import read_config, read_profile, read_site
from chalicelib.importers.acadhomepage.page import PageReading, media_key, plain, strip_tags
from chalicelib.site.content import PAPER_ID, PAPER_LINK_LABELS, SECTION_KINDS
from chalicelib.site.fields import is_url

HEADING = re.compile(r"^#\s+(?P<title>.+?)\s*#*\s*$")
LIQUID_TAG = re.compile(r"\{%.*?%\}")
LIQUID_OUTPUT = re.compile(r"\{\{.*?\}\}")
ANCHOR_SPAN = re.compile(
    r"<span\s+class=['\"]anchor['\"]\s+id=['\"](?P<id>[^'\"]*)['\"]\s*>\s*</span>"
)
DATED = re.compile(r"^[-*+]\s+\*{1,2}(?P<date>[^*]*\d[^*]*)\*{1,2}\s*[:,]?\s*(?P<text>.*)$")
BULLET = re.compile(r"^[-*+]\s+(?P<text>.*)$")
MD_LINK = re.compile(r"\[(?P<label>(?:[^\[\]]|\\\[|\\\]|\[[^\]]*\])*)\]\((?P<url>[^)\s]+)\)")
LEADING_LINK = re.compile(r"^\[(?P<title>.+?)\]\((?P<url>[^)\s]+)\)")
PAPER_BOX = re.compile(r"class=['\"]paper-box['\"]")
BADGE = re.compile(r"<div\s+class=['\"]badge['\"]\s*>(?P<venue>.*?)</div>", re.S)
IMAGE = re.compile(r"<img\s[^>]*?src=['\"](?P<src>[^'\"]+)['\"]", re.S)
CITATION_SPAN = re.compile(r"show_paper_citations['\"]\s+data=['\"](?P<id>[^'\"]+)['\"]")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
BOLD = re.compile(r"^\s*(\*\*|__)(?P<text>.+?)\1\s*$")
HTML_ONLY = re.compile(r"^\s*(</?[a-zA-Z][^>]*>\s*)+$")

# Words in an AcadHomepage heading -> the section type they become (first match wins).
HEADING_KINDS = (
    ("news", "news"),
    ("publication", "publications"),
    ("paper", "publications"),
    ("honor", "awards"),
    ("award", "awards"),
    ("education", "education"),
    ("talk", "talks"),
    ("intern", "internships"),
)


def import_acadhomepage(
    about_md: str, config_yml: str, about_name: str = "about.md", config_name: str = "_config.yml"
) -> Imported:
    """Content YAML for an AcadHomepage about page and site config, with notes on what changed."""
    config = read_config(config_yml, config_name)
    lines, front = _strip_front_matter(about_md, about_name)
    page = PageReading()
    blocks = _split_sections(lines)
    about_lines = blocks.pop(0)[1] if blocks and blocks[0][0] is None else []
    about = _clean_about(about_lines, about_name, page)
    if about:
        page.sections.append("about")
        page.content["about"] = about
    for heading, body in blocks:
        _read_section(heading, body, about_name, page)
    profile = read_profile(config, config_name, page)
    site = read_site(config, front, profile.get("name", ""))
    document = {"site": site, "profile": profile, "sections": page.sections, **page.content}
    for source in dict.fromkeys(page.media):
        page.notes.append(
            f"copy {source} of the AcadHomepage site to media/{PurePosixPath(source).name} "
            "next to the content file"
        )
    header = (
        f"acadpage content converted from AcadHomepage's {about_name} and {config_name}.\n"
        "Check it with `acadpage validate`; the format is described in docs/content.md."
    )
    return Imported(dump_content(document, header), tuple(page.notes))


def _strip_front_matter(text: str, filename: str) -> tuple[list[tuple[int, str]], dict]:
    """(line number, line) pairs after the Jekyll front matter, and the front matter itself."""
    lines = text.replace("\r\n", "\n").split("\n")
    numbered = list(enumerate(lines, 1))
    if not lines or lines[0].strip() != "---":
        return numbered, {}
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            try:
                front = yaml.safe_load("\n".join(lines[1:index])) or {}
            except yaml.YAMLError:
                raise ImportProblem(f"{filename}:2: the front matter is not valid YAML") from None
            return numbered[index + 1 :], front if isinstance(front, dict) else {}
    raise ImportProblem(f"{filename}:1: the front matter opened by '---' is never closed")


def _split_sections(lines: list[tuple[int, str]]) -> list[tuple[tuple[int, str] | None, list]]:
    """[(heading, body lines)], the first with heading None for the text before any heading."""
    blocks: list[tuple[tuple[int, str] | None, list]] = [(None, [])]
    for number, line in lines:
        if LIQUID_TAG.fullmatch(line.strip()):
            continue
        line = LIQUID_TAG.sub("", line).rstrip()
        heading = HEADING.match(line)
        if heading:
            blocks.append(((number, heading.group("title")), []))
        else:
            blocks[-1][1].append((number, line))
    return blocks


def _clean_about(lines: list[tuple[int, str]], filename: str, page: PageReading) -> str:
    """The about text without anchors and Liquid output, which no longer means anything."""
    kept = []
    for number, line in lines:
        line = ANCHOR_SPAN.sub("", line)
        if LIQUID_OUTPUT.search(line):
            line = _drop_liquid_output(line)
            page.notes.append(
                f"{filename}:{number}: removed HTML that needs Jekyll (a Liquid {{{{ }}}})"
            )
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def _drop_liquid_output(line: str) -> str:
    """The line without the parenthesis, tag or expression that holds Liquid output."""
    line = re.sub(r"\s*\([^()]*\{\{[^()]*\)", "", line)
    line = re.sub(r"<[^<>]*\{\{[^<>]*>", "", line)
    line = re.sub(r"<a\s[^>]*>\s*</a>", "", line)
    return LIQUID_OUTPUT.sub("", line)


def _split_title(heading: str) -> tuple[str, str]:
    """(icon, title) of a heading such as '🔥 News': a leading word without letters is the icon."""
    first, _, rest = heading.partition(" ")
    if rest and not any(char.isalnum() for char in first):
        return first, rest.strip()
    return "", heading.strip()


def _section_kind(title: str, taken: set[str]) -> str:
    lowered = title.casefold()
    for word, kind in HEADING_KINDS:
        if word in lowered and kind not in taken:
            return kind
    return "markdown"


def _read_section(heading: tuple[int, str], body: list, filename: str, page: PageReading) -> None:
    number, text = heading
    icon, title = _split_title(text)
    taken = {entry if isinstance(entry, str) else entry.get("type", "") for entry in page.sections}
    kind = _section_kind(title, taken)
    if kind == "markdown":
        anchor = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-") or f"section-{number}"
        if not anchor[0].isalpha():
            anchor = f"section-{anchor}"
        entry = {"id": anchor, "title": title, **({"icon": icon} if icon else {})}
        entry["markdown"] = "\n".join(line for _, line in body).strip() or title
        page.sections.append(entry)
        return
    default_title, default_icon, _ = SECTION_KINDS[kind]
    if title == default_title and icon == default_icon:
        page.sections.append(kind)
    else:
        page.sections.append({"type": kind, "title": title, "icon": icon})
    if kind == "publications":
        page.content[kind] = _read_publications(body, filename, page)
    else:
        page.content[kind] = _read_dated(body, filename, page)


def _read_dated(body: list, filename: str, page: PageReading) -> list[dict]:
    """Dated entries from `- *date*: text` items; plain items keep no date."""
    entries: list[dict] = []
    for number, line in body:
        stripped = line.strip()
        dated = DATED.match(stripped)
        bullet = BULLET.match(stripped)
        if not stripped or HTML_ONLY.match(stripped):
            continue
        if dated:
            entries.append(
                {"date": dated.group("date").strip(), "text": dated.group("text").strip()}
            )
        elif bullet:
            entries.append({"text": bullet.group("text").strip()})
        elif entries and line.startswith((" ", "\t")):
            entries[-1]["text"] += " " + stripped
        else:
            page.notes.append(f"{filename}:{number}: left out (not a list item): {stripped[:60]}")
    return [entry for entry in entries if entry["text"]]


def _read_publications(body: list, filename: str, page: PageReading) -> list[dict]:
    """Featured papers from paper-box divs, the rest from one-line list items."""
    papers: list[dict] = []
    index = 0
    while index < len(body):
        number, line = body[index]
        stripped = line.strip()
        if PAPER_BOX.search(stripped):
            end = _box_end(body, index)
            papers.append(_paper_box(body[index:end], filename, page))
            index = end
            continue
        index += 1
        if not stripped or HTML_ONLY.match(stripped):
            continue
        bullet = BULLET.match(stripped)
        paper = _compact_paper(bullet.group("text"), page) if bullet else None
        if paper:
            papers.append(paper)
        elif stripped.startswith("#"):
            page.notes.append(f"{filename}:{number}: sub-heading left out: {stripped.lstrip('# ')}")
        else:
            page.notes.append(f"{filename}:{number}: left out (not a paper): {stripped[:60]}")
    return papers


def _box_end(body: list, start: int) -> int:
    """The index after the line that closes the paper box opened at `start`."""
    depth = 0
    for index in range(start, len(body)):
        line = body[index][1]
        depth += len(re.findall(r"<div\b", line)) - len(re.findall(r"</div>", line))
        if depth <= 0:
            return index + 1
    return len(body)


def _paper_box(lines: list, filename: str, page: PageReading) -> dict:
    """One featured paper from a paper-box div."""
    text = "\n".join(line for _, line in lines)
    paper: dict = {}
    title_seen = False
    authors: list[str] = []
    links: dict = {}
    description: list[str] = []
    in_text = False
    for _, line in lines:
        stripped = line.strip()
        if "paper-box-text" in stripped:
            in_text = True
            continue
        if not in_text or not stripped or HTML_ONLY.match(stripped):
            continue
        bullet = BULLET.match(stripped)
        if not title_seen:
            title_seen = True
            _set_title(paper, stripped)
        elif bullet:
            description.append(bullet.group("text").strip())
        elif MD_LINK.match(stripped) or CITATION_SPAN.search(stripped):
            links.update(_links(stripped))
        elif not authors:
            authors = _authors(stripped, page)
        else:
            description.append(strip_tags(stripped))
    if not title_seen:
        first = lines[0][0]
        raise ImportProblem(f"{filename}:{first}: a paper-box without a title line")
    badge = BADGE.search(text)
    image = IMAGE.search(text)
    citation = CITATION_SPAN.search(text)
    paper["authors"] = authors
    if badge:
        _set_venue(paper, strip_tags(badge.group("venue")))
    if image:
        media = media_key(image.group("src"), f"{filename}:{lines[0][0]}", page)
        if media:
            paper["image"] = media
    paper["featured"] = True
    if citation and PAPER_ID.match(citation.group("id")):
        paper["scholar_id"] = citation.group("id")
    if links:
        paper["links"] = links
    if description:
        paper["description"] = description
    return {key: value for key, value in paper.items() if value not in ("", [], {})}


def _set_title(paper: dict, line: str) -> None:
    found = LEADING_LINK.match(line)
    if found:
        paper["title"] = plain(found.group("title"))
        paper["link"] = found.group("url")
    else:
        paper["title"] = plain(strip_tags(line))


def _set_venue(paper: dict, venue: str) -> None:
    paper["venue"] = venue
    year = YEAR.search(venue)
    if year:
        paper["year"] = int(year.group())


def _compact_paper(text: str, page: PageReading) -> dict | None:
    """A paper from `[title](url), A, **B**, **CVPR 2020**` (a leading `VENUE` in backticks too)."""
    paper: dict = {}
    venue = ""
    code = re.match(r"^`(?P<venue>[^`]+)`\s*", text)
    if code:
        venue, text = code.group("venue").strip(), text[code.end() :]
    found = LEADING_LINK.match(text)
    if not found:
        return None
    paper["title"] = plain(found.group("title"))
    paper["link"] = found.group("url")
    rest = text[found.end() :]
    links = _links(rest)
    rest = MD_LINK.sub("", CITATION_SPAN.sub("", rest))
    # Links were taken out above; what separated them ("|", "\\|") goes too.
    parts = [part.strip(" |\\") for part in strip_tags(rest).split(",")]
    parts = [part for part in parts if part]
    if parts and BOLD.match(parts[-1]) and YEAR.search(parts[-1]):
        venue = venue or BOLD.match(parts.pop()).group("text").strip()
    paper["authors"] = _authors(", ".join(parts), page) if parts else []
    if venue:
        _set_venue(paper, venue)
    if links:
        paper["links"] = links
    return {key: value for key, value in paper.items() if value not in ("", [], {})}


def _authors(line: str, page: PageReading) -> list[str]:
    """Author names from a comma-separated line; bold ones are the owner's spellings."""
    names = []
    for part in strip_tags(line, keep_bold=True).split(","):
        part = part.strip()
        if not part:
            continue
        bold = "**" in part or "__" in part
        name = re.sub(r"\*\*|__|\\\*|\*", "", part).strip()
        if not name:
            continue
        names.append(name)
        if bold and name not in page.owner_names:
            page.owner_names.append(name)
    return names


def _links(line: str) -> dict:
    """Paper links (`[**Code**](url)`) by label; known labels become the content's keys."""
    links = {}
    for found in MD_LINK.finditer(line):
        label = re.sub(r"[*\\\[\]]", "", found.group("label")).strip()
        url = found.group("url")
        if not label or not (is_url(url) or url.startswith("/")):
            continue
        key = label.casefold() if label.casefold() in PAPER_LINK_LABELS else label
        links[key] = url
    return links
