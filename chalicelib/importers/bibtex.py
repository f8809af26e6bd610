"""A BibTeX file -> the `publications:` list of acadpage content (pure; parsed with pybtex).

Authors become "First Last", LaTeX accents and braces become plain text, the venue comes from the
journal or booktitle (al-folio's `abbr` is the badge), and links from the url, doi, pdf, code,
arxiv and al-folio's button fields. Problems name the entry and its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from chalicelib.importers import Imported, ImportProblem, dump_content
from chalicelib.importers.latex import journal_macro, latex_to_text
from chalicelib.inputs import shortened
from chalicelib.site.fields import is_media_key

ENTRY_START = re.compile(r"@\s*(?P<type>\w+)\s*[{(]\s*(?P<key>[^,\s{}()]+)\s*,")
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
# What @string macros may hand out in all, so `@string{b = a # a}` doubling 20 times (a 500-byte
# file that was half a gigabyte) stops at once.
MAX_MACRO_CHARS = 1_000_000
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
    """One `publications:` list from several BibTeX files (Hugo Blox's one `cite.bib` a paper)."""
    size = sum(len(text) for _, text in files)
    if size > MAX_BIBTEX_CHARS:
        raise ImportProblem(
            f"{source}: {size:,} characters of BibTeX; the limit is {MAX_BIBTEX_CHARS:,} "
            "(about 4,000 entries): import it in parts"
        )
    notes: list[str] = []
    problems: list[str] = []
    publications = []
    for filename, text in files:
        lines = _entry_lines(text)
        entries = _parse(text, filename, lines)
        for key, entry in entries.items():
            where = f"{filename}:{lines.get(key, '?')} entry {key!r}"
            publication = _publication(entry, where, notes, problems)
            if publication:
                publications.append(publication)
    if problems:
        raise ImportProblem(_listed(problems))
    if not publications:
        raise ImportProblem(
            f"{source}: no entries found; expected @article{{key, ...}} and the like"
        )
    header = (
        f"Publications converted from {source}: put them under `publications:` in site.yaml\n"
        "(the format is described in docs/content.md)."
    )
    return Imported(dump_content({"publications": publications}, header), tuple(notes))


def _listed(problems: list[str]) -> str:
    """The first MAX_PROBLEMS problems, and how many more there are."""
    shown = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        shown.append(f"... and {len(problems) - MAX_PROBLEMS:,} more problems")
    return "\n".join(shown)


def _parse(text: str, filename: str, lines: dict[str, int]):
    """pybtex's entries; every syntax error, repeated key or repeated field is reported."""
    try:
        from pybtex import errors
        from pybtex.database.input.bibtex import Parser
    except ModuleNotFoundError:
        raise ImportProblem(
            "reading BibTeX needs pybtex: pip install -e '.[cli]' (make test installs it)"
        ) from None
    text = _people_lists_with_and(_percent_kept(text))
    parser = Parser()
    parser.macros = _bounded_macros(parser.macros)
    with errors.capture() as captured:
        try:
            data = parser.parse_string(text)
        except Exception as error:  # pybtex raises plain PybtexError subclasses on bad input
            captured.append(error)
            data = None
    if captured or data is None:
        last = _entry_lines(text, last=True)
        raise ImportProblem(
            _listed([_describe(error, filename, lines, last) for error in captured])
        )
    return data.entries


def _bounded_macros(macros):
    """pybtex's @string table, refusing to hand out more than MAX_MACRO_CHARS in all."""
    from pybtex.exceptions import PybtexError

    class BoundedMacros(type(macros)):
        handed_out = 0

        def __getitem__(self, name):
            value = super().__getitem__(name)
            self.handed_out += len(value)
            if self.handed_out > MAX_MACRO_CHARS:
                raise PybtexError(
                    f"@string macros expand to more than {MAX_MACRO_CHARS:,} characters "
                    f"(at {name!r}); a macro that repeats itself grows without end"
                )
            return value

    return BoundedMacros(macros)


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
        return found.group("head") + "{" + " and ".join(people) + "}"

    return AUTHOR_FIELD.sub(joined, text)


def _describe(error: Exception, filename: str, lines: dict, last: dict) -> str:
    """One located line for a pybtex error: the file, line and entry it concerns."""
    message = shortened(re.sub(r"^syntax error in line \d+: ", "syntax error: ", str(error)))
    line = getattr(error, "lineno", None)
    context = error.get_context() if hasattr(error, "get_context") else ""
    started = ENTRY_START.search(context or "")
    repeated = re.match(r"repeated bibliography entry: (\S+)", message)
    named = repeated or re.match(r"entry with key (\S+) ", message)
    key = started.group("key") if started else named.group(1) if named else ""
    starts = (last if repeated else lines).get(key)
    if line is None:
        line = starts
    elif starts and starts != line:
        message += f" (the entry starts on line {starts})"
    where = f"{filename}:{line}" if line else filename
    return f"{where} entry {key!r}: {message}" if key else f"{where}: {message}"


def _entry_lines(text: str, last: bool = False) -> dict[str, int]:
    """The line each entry key starts on (its first occurrence, or its last with `last`)."""
    lines: dict[str, int] = {}
    for found in ENTRY_START.finditer(text):
        if found.group("type").lower() in ("string", "preamble", "comment"):
            continue
        if last or found.group("key") not in lines:
            lines[found.group("key")] = text.count("\n", 0, found.start()) + 1
    return lines


def _publication(entry, where: str, notes: list[str], problems: list[str]) -> dict | None:
    fields = {name.lower(): _href_or_value(value) for name, value in entry.fields.items()}
    for name, value in fields.items():
        if len(value) > MAX_FIELD_CHARS:
            problems.append(
                f"{where}: {name} has {len(value):,} characters; the limit is {MAX_FIELD_CHARS:,}"
            )
            return None
    title = latex_to_text(fields.get("title", ""))
    if not title:
        problems.append(f"{where}: no title; every publication needs one")
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
