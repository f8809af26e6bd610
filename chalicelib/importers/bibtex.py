"""A BibTeX file -> the `publications:` list of acadpage content (pure; parsed with pybtex).

Authors become "First Last", LaTeX accents and braces become plain text, the venue comes from the
journal or booktitle (al-folio's `abbr` is the badge), and links from the url, doi, pdf, code,
arxiv and al-folio's button fields. Problems name the entry and its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from chalicelib.importers import Imported, ImportProblem, dump_content
from chalicelib.importers.bibparse import read_entries
from chalicelib.importers.latex import journal_macro, latex_to_text
from chalicelib.site.fields import is_media_key

YEAR = re.compile(r"^\d{4}$")
# BibTeX field -> the content's link key, in the order links are shown.
LINK_FIELDS = (
    ("pdf", "pdf"),
    ("code", "code"),
    ("website", "project"),
    ("project", "project"),
    ("slides", "slides"),
    ("poster", "poster"),
    ("video", "video"),
    ("html", "HTML"),
    ("blog", "Blog"),
    ("supp", "Supplement"),
)
VENUE_FIELDS = ("journal", "booktitle", "series", "howpublished", "school", "institution")
TRUE = {"true", "yes", "1"}
NAME_MARKS = re.compile(r"[*†‡#]+")
# A BibTeX export of 4,000 papers; a real 316-entry file is 300 kB.
MAX_BIBTEX_CHARS = 4_000_000
# One field's text: the content's limit for a text value, checked before any LaTeX is decoded.
MAX_FIELD_CHARS = 100_000
MAX_PROBLEMS = 100
# A braced value with one level of inner braces (`{M{\\"u}ller}`); linear: disjoint branches.
BRACED = r"\{(?P<value>(?:[^{}]|\{[^{}]*\})*)\}"
AUTHOR_FIELD = re.compile(r"(?P<head>\bauthor\s*=\s*)" + BRACED, re.I)
# `Surname I.` / `Surname I. J.` / `van Berg J.-P.`: a name followed by initials only
SURNAME_INITIALS = re.compile(r"[^\W\d][\w'’-]*(?:\s+[^\W\d][\w'’-]*)*\s+(?:[A-Z]\.(?:\s*-?\s*))+")
INITIALS = re.compile(r"(?:[A-Z]\.(?:\s*-?\s*))+")
HREF = re.compile(r"<a\b[^<>]*?\bhref\s*=\s*[\"']?(?P<url>[^\"'\s>]+)", re.I)


def import_bibtex(text: str, filename: str = "refs.bib") -> Imported:
    """Content YAML with a `publications:` list for every entry of a BibTeX file."""
    return import_bibtex_files([(filename, text)], filename)


def import_bibtex_files(files: list[tuple[str, str]], source: str) -> Imported:
    """One `publications:` list from several BibTeX files (Hugo Blox's one `cite.bib` a paper);
    an entry that cannot be read is left out and reported, never the others with it."""
    size = sum(len(text) for _, text in files)
    if size > MAX_BIBTEX_CHARS:
        raise ImportProblem(
            f"{source}: {size:,} characters of BibTeX; the limit is {MAX_BIBTEX_CHARS:,} "
            "(about 4,000 entries): import it in parts"
        )
    notes: list[str] = []
    left_out: list[str] = []
    publications = []
    for filename, text in files:
        reading = read_entries(_people_lists_with_and(_percent_kept(text)), filename)
        left_out.extend(reading.left_out)
        notes.extend(reading.repaired)
        for line, key, entry in reading.entries:
            publication = _publication(entry, f"{filename}:{line} entry {key!r}", notes, left_out)
            if publication:
                publications.append(publication)
    if not publications:
        raise ImportProblem(
            "\n".join(_capped(left_out))
            or f"{source}: no entries found; expected @article{{key, ...}} and the like"
        )
    header = (
        f"Publications converted from {source}: put them under `publications:` in site.yaml\n"
        "(the format is described in docs/content.md)."
    )
    return Imported(
        dump_content({"publications": publications}, header),
        (*_capped(left_out), *_capped(notes)),
    )


def stray_cite_bibs(paths: list[str]) -> set[str]:
    """The `cite.bib` files beside Hugo paper folders (`publication/cite.bib` next to
    `publication/<paper>/cite.bib`): in no paper folder, they are shown by no page."""
    folders = {path.rpartition("/")[0] for path in paths if path.rpartition("/")[2] == "cite.bib"}
    holding_papers = {folder.rpartition("/")[0] for folder in folders if folder}
    return {
        path
        for path in paths
        if path.rpartition("/")[2] == "cite.bib" and path.rpartition("/")[0] in holding_papers
    }


def _capped(lines: list[str]) -> list[str]:
    """The first MAX_PROBLEMS lines of a report, and how many more there are."""
    shown = lines[:MAX_PROBLEMS]
    if len(lines) > MAX_PROBLEMS:
        shown.append(f"... and {len(lines) - MAX_PROBLEMS:,} more like these")
    return shown


def _percent_kept(text: str) -> str:
    """`%` inside a braced or quoted value is text (`20-60%`), not a comment as between fields."""
    if "%" not in text:
        return text
    out, depth, quoted = [], 0, False
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == '"' and depth == 1 and text[index - 1 : index] != "\\":
            quoted = not quoted
        elif char == "%" and (depth >= 2 or quoted) and text[index - 1 : index] != "\\":
            out.append("\\")
        elif char == "\n" and depth == 0:
            quoted = False
        out.append(char)
    return "".join(out)


def _people_lists_with_and(text: str) -> str:
    """`author = {Smith J., Doe A. B.}` or `{Smith, J., Doe, A.}`: people joined with ` and `."""

    def joined(found: re.Match) -> str:
        value = found.group("value")
        if re.search(r"\band\b", value) or value.count(",") < 1:
            return found.group()
        parts = [part.strip() for part in value.split(",")]
        if all(SURNAME_INITIALS.fullmatch(part) for part in parts):
            people = parts
        elif (
            len(parts) % 2 == 0
            and len(parts) > 2
            and all(INITIALS.fullmatch(part) for part in parts[1::2])
        ):
            people = [f"{a}, {b}" for a, b in zip(parts[::2], parts[1::2], strict=True)]
        else:
            return found.group()
        # the value's line breaks stay, so that the lines reported after it are the file's
        return found.group("head") + "{" + " and ".join(people) + "\n" * value.count("\n") + "}"

    return AUTHOR_FIELD.sub(joined, text)


def _publication(entry, where: str, notes: list[str], left_out: list[str]) -> dict | None:
    fields = {name.lower(): _href_or_value(value) for name, value in entry.fields.items()}
    for name, value in fields.items():
        if len(value) > MAX_FIELD_CHARS:
            left_out.append(
                f"{where}: {name} has {len(value):,} characters; the limit is "
                f"{MAX_FIELD_CHARS:,}; left out"
            )
            return None
    title = latex_to_text(fields.get("title", ""))
    if not title:
        left_out.append(f"{where}: no title; every publication needs one; left out")
        return None
    paper: dict = {"title": title}
    links = _links(fields)
    main = _main_link(fields)
    if main:
        paper["link"] = main
    authors = [
        _person_name(person)
        for person in entry.persons.get("author", entry.persons.get("editor", []))
    ]
    if authors:
        paper["authors"] = authors
    year = fields.get("year", "").strip()
    venue = _venue(fields, entry.type.lower())
    abbr = _clean_venue(fields.get("abbr", ""))
    if venue or abbr:
        paper["venue"] = venue or abbr
    if abbr and venue and abbr.casefold() != venue.casefold():
        paper["badge"] = abbr
    if YEAR.match(year):
        paper["year"] = int(year)
    elif year:
        notes.append(f"{where}: year {year!r} is not a four-digit year; left out")
    if fields.get("selected", "").strip().lower() in TRUE:
        paper["featured"] = True
    preview = fields.get("preview", "").strip()
    if preview and is_media_key(preview):
        paper["image"] = preview
        notes.append(f"{where}: copy the image {preview!r} into media/ next to site.yaml")
    shown = {key: url for key, url in links.items() if url != main}
    if shown:
        paper["links"] = shown
    description = [
        latex_to_text(fields[name]) for name in ("annotation", "abstract") if fields.get(name)
    ]
    if description:
        paper["description"] = description
    skipped = [name for name, _ in LINK_FIELDS if fields.get(name) and not _is_web(fields[name])]
    for name in skipped:
        notes.append(f"{where}: {name} {fields[name]!r} is not an http(s) URL; left out")
    return paper


def _href_or_value(value: str) -> str:
    """A field holding an HTML anchor (`<a href="URL">...</a>`) means the URL it points at."""
    found = HREF.search(value) if "<a" in value.lower() else None
    return found.group("url") if found else value


def _main_link(fields: dict) -> str:
    """Where the title points: the url, else the DOI, else the PDF, else arXiv."""
    doi = _doi_url(fields.get("doi", ""))
    for candidate in (fields.get("url", ""), doi, fields.get("pdf", ""), _arxiv_url(fields)):
        if _is_web(candidate):
            return candidate.strip()
    return ""


def _links(fields: dict) -> dict[str, str]:
    links: dict[str, str] = {}
    for name, key in LINK_FIELDS:
        value = fields.get(name, "").strip()
        if _is_web(value) and key not in links:
            links[key] = value
    arxiv = _arxiv_url(fields)
    if arxiv:
        links["arxiv"] = arxiv
    doi = _doi_url(fields.get("doi", ""))
    if doi:
        links["doi"] = doi
    return links


def _doi_url(doi: str) -> str:
    doi = doi.strip()
    if not doi:
        return ""
    return doi if _is_web(doi) else "https://doi.org/" + re.sub(r"^doi:\s*", "", doi, flags=re.I)


def _arxiv_url(fields: dict) -> str:
    """al-folio's `arxiv` field, or an `eprint` whose archive is arXiv."""
    eprint = fields.get("arxiv", "").strip()
    archive = fields.get("archiveprefix", "") or fields.get("eprinttype", "")
    if not eprint and archive.strip().lower() == "arxiv":
        eprint = fields.get("eprint", "").strip()
    if not eprint:
        return ""
    return eprint if _is_web(eprint) else f"https://arxiv.org/abs/{eprint}"


def _venue(fields: dict, kind: str) -> str:
    """The full venue: journal, booktitle, ... (the publisher of a book)."""
    names = (*VENUE_FIELDS, "publisher") if kind in ("book", "inbook", "booklet") else VENUE_FIELDS
    for name in names:
        venue = _clean_venue(journal_macro(fields.get(name, "")))
        if venue and not _is_web(venue):
            return venue
    return "arXiv" if _arxiv_url(fields) else ""


def _clean_venue(value: str) -> str:
    """A venue as text, without the trailing comma some exports leave."""
    return latex_to_text(value).strip(" ,;")


def _person_name(person) -> str:
    """ "First Middle von Last, Jr" as one would write it, marks (`*`) after it; "et al."."""
    parts: Iterable[str] = (
        *person.first_names,
        *person.middle_names,
        *person.prelast_names,
        *person.last_names,
    )
    name = " ".join(latex_to_text(part) for part in parts if part)
    if name == "others":
        return "et al."
    marks = "".join(NAME_MARKS.findall(name))
    name = re.sub(r"\s+", " ", NAME_MARKS.sub("", name)).strip()
    lineage = " ".join(latex_to_text(part) for part in person.lineage_names)
    return (f"{name}, {lineage}" if lineage else name) + marks


def _is_web(value: str) -> bool:
    return value.strip().startswith(("https://", "http://"))
