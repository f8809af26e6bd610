"""Author names of a publication: the owner found, contribution marks kept visible (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Trailing marks: `*` equal contribution, `†` `‡` corresponding author, `#` co-first.
MARKS = re.compile(r"[*†‡#⁎]+$")


@dataclass(frozen=True)
class Author:
    """One author of a publication; `is_owner` is highlighted, `mark` shown after the name."""

    name: str
    is_owner: bool
    mark: str = ""


def read_authors(names: tuple[str, ...], owner_names: tuple[str, ...]) -> tuple[Author, ...]:
    """Authors with their marks split off; owners matched on the name without its mark."""
    owners = {name.casefold() for name in owner_names}
    authors = []
    for written in names:
        found = MARKS.search(written)
        name = written[: found.start()].rstrip() if found and found.start() else written
        mark = found.group() if found and found.start() else ""
        authors.append(Author(name, name.casefold() in owners, mark))
    return tuple(authors)
