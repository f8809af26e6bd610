"""BibTeX text -> its entries, a broken entry costing only itself (pure; pybtex's scanner).

pybtex's own Parser either stops at the first error or keeps the part of a broken entry read
before it; here an entry with a syntax error is left out and reported by its line, and reading
goes on at the next `@`, as BibTeX does. An undefined bare word (`bibtex_show = true`) is its
own text, and a field given twice keeps its last value, as bibtex-ruby (al-folio's Jekyll) reads
them, so the entries are the ones the old page showed; each such repair is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from chalicelib.importers import ImportProblem
from chalicelib.inputs import shortened

# BibTeX's people fields, read as lists of names joined by `and`.
PEOPLE_FIELDS = ("author", "editor")
# What @string macros may hand out in all, so `@string{b = a # a}` doubling 20 times (a 500-byte
# file that was half a gigabyte) stops at once.
MAX_MACRO_CHARS = 1_000_000
NEXT_FIELD = re.compile(r"\s*(?P<name>[A-Za-z][\w-]*)\s*=")


@dataclass
class Reading:
    """A BibTeX file's entries as (the line it starts on, key, pybtex Entry), what was left out
    and what was repaired, each "file:line entry 'key': what"."""

    entries: list = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)


def read_entries(text: str, filename: str) -> Reading:
    """Every readable entry of `text`; @string macros expand within MAX_MACRO_CHARS."""
    try:
        from pybtex.exceptions import PybtexError

        scanner = _scanner_class()(text, filename)
    except ModuleNotFoundError:
        raise ImportProblem(
            "reading BibTeX needs pybtex: pip install -e '.[cli]' (make test installs it)"
        ) from None
    try:
        return _read(scanner, filename)
    except PybtexError as error:  # the macro budget: nothing of this file is trusted
        raise ImportProblem(f"{filename}: {shortened(str(error))}") from None


def _read(scanner, filename: str) -> Reading:
    from pybtex.exceptions import PybtexError

    reading = Reading()
    seen: dict[str, int] = {}
    for command, body, line, field_lines in scanner:
        kind = command.lower()
        if kind in ("string", "preamble"):
            continue
        key, fields = body
        where = f"{filename}:{line} entry {key!r}"
        try:
            entry = _entry(command, fields, field_lines, where, reading.repaired)
        except PybtexError as error:  # whatever else pybtex refuses in an entry: it alone
            reading.left_out.append(f"{where}: {shortened(str(error))}; left out")
            continue
        if key in seen:
            reading.repaired.append(
                f"{where}: the key of the entry on line {seen[key]} again; both are kept, "
                "as al-folio shows both"
            )
        seen.setdefault(key, line)
        reading.entries.append((line, key, entry))
    for line, key, error in scanner.errors:
        name = f" entry {key!r}" if key else ""
        reading.left_out.append(f"{filename}:{line}{name}: {_message(error, line)}; left out")
    for line, key, name in scanner.commas:
        reading.repaired.append(
            f"{filename}:{line} entry {key!r}: no ',' before {name}; read as if it were there"
        )
    bare: dict[tuple[str, str], list[int]] = {}
    for line, key, name, word in scanner.bare:
        if key is not None:  # a bare word in an @string is its text there as well
            bare.setdefault((name, word), []).append(line)
    for (name, word), lines in bare.items():
        more = f" and {len(lines) - 3:,} more" if len(lines) > 3 else ""
        reading.repaired.append(
            f"{filename}:{', '.join(map(str, lines[:3]))}{more}: {name} = {word}: no @string "
            f"defines {word!r}; read as the text {word!r}"
        )
    return reading


def _message(error, line: int) -> str:
    """pybtex's message, with the line it was found on when the entry starts on another."""
    found = getattr(error, "lineno", None)
    on = f" on line {found}" if found and found != line else ""
    message = error.args[0] if error.args else str(error)
    return shortened(f"{error.error_type}{on}: {message}")


def _entry(kind: str, fields: list, lines: list[int], where: str, repaired: list[str]):
    """A pybtex Entry of the fields; a field given twice keeps its last value."""
    from pybtex.bibtex.utils import split_name_list
    from pybtex.database import Entry
    from pybtex.textutils import normalize_whitespace

    values: dict[str, tuple[str, str]] = {}
    for (name, parts), line in zip(fields, lines, strict=True):
        lowered = name.lower()
        if lowered in values:
            repaired.append(
                f"{where}: {name} again on line {line}; its last value is kept, "
                "as al-folio shows it"
            )
            del values[lowered]
        values[lowered] = (name, normalize_whitespace("".join(parts)))
    entry = Entry(kind)
    for lowered, (name, value) in values.items():
        if lowered in PEOPLE_FIELDS:
            for person in split_name_list(value):
                entry.add_person(_person(person, f"{where}: {lowered}", repaired), lowered)
        else:
            entry.fields[name] = value
    return entry


def _person(name: str, where: str, repaired: list[str]):
    """A pybtex Person; a name it cannot split (`A, B, C, D`: more commas than `Last, Jr,
    First`) is kept as written rather than as parts in the wrong places."""
    from pybtex import errors
    from pybtex.database import Person

    with errors.capture() as captured:
        person = Person(name)
    if not captured:
        return person
    repaired.append(f"{where} {name!r}: {shortened(str(captured[0]))}; kept as written")
    return Person(last="{" + name + "}")


@cache
def _scanner_class():
    """pybtex's scanner, keeping what it found wrong instead of stopping or keeping a part."""
    from pybtex.database.input.bibtex import LowLevelParser, SkipEntry, month_names

    class Scanner(LowLevelParser):
        def __init__(self, text: str, filename: str):
            super().__init__(text, macros=_bounded_macros(month_names), filename=filename)
            self.errors: list = []  # (line, entry key or None, the syntax error)
            self.bare: list = []  # (line, entry key, field, the undefined word)
            self.commas: list = []  # (line, entry key, the field a comma is missing before)
            self.field_lines: list[int] = []
            self.entry_line = 1

        def handle_error(self, error):
            self.errors.append((self.entry_line, self.current_entry_key, error))

        def parse_command(self):
            self.entry_line, self.field_lines, errors = self.lineno, [], len(self.errors)
            command, body = super().parse_command()
            if len(self.errors) > errors:  # a syntax error inside: the entry is left out
                raise SkipEntry
            return command, body, self.entry_line, self.field_lines

        def parse_entry_fields(self):
            while True:
                self.current_field_name, self.current_value = None, []
                self.parse_field()
                if self.current_field_name and self.current_value:
                    self.current_fields.append((self.current_field_name, self.current_value))
                if self.optional([self.COMMA]):
                    continue
                after = NEXT_FIELD.match(self.text, self.pos) if self.current_field_name else None
                if not after:
                    return
                # `author = {...}` and on the next line `year = ...`: only a comma is missing
                self.commas.append((self.lineno, self.current_entry_key, after.group("name")))

        def parse_field(self):
            name = self.optional([self.NAME])
            if name:
                self.current_field_name = name.value
                self.field_lines.append(self.lineno)
                self.required([self.EQUALS])
                self.parse_value()

        def substitute_macro(self, name):
            try:
                return self.macros[name]
            except KeyError:
                found = (self.lineno, self.current_entry_key, self.current_field_name, name)
                self.bare.append(found)
                return name

    return Scanner


def _bounded_macros(names: dict):
    """The @string table, refusing to hand out more than MAX_MACRO_CHARS in all."""
    from pybtex.exceptions import PybtexError
    from pybtex.utils import CaseInsensitiveDict

    class BoundedMacros(CaseInsensitiveDict):
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

    return BoundedMacros(names)
