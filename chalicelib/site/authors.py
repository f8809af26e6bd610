"""Author names of a publication: the owner found, contribution marks kept visible (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from chalicelib.citations.matching import normalize_title

# Trailing marks: `*` equal contribution, `†` `‡` corresponding author, `#` co-first.
# Marks after a name (equal contribution, corresponding); stripped with rstrip, not a `[...]+$`
# pattern, which retries from every character of a long run.
MARKS = "*†‡#⁎"


@dataclass(frozen=True)
class Author:
    """One author of a publication; `is_owner` is highlighted, `mark` shown after the name."""

    name: str
    is_owner: bool
    mark: str = ""
    url: str = ""  # their homepage, when the paper links the name


def read_authors(names: tuple[str, ...], owner_names: tuple[str, ...]) -> tuple[Author, ...]:
    """Authors with their marks split off; owners matched on the name without its mark, in any
    of the ways a name is written (`same_person`)."""
    authors = []
    for written in names:
        bare = written.rstrip(MARKS)
        mark = written[len(bare) :] if bare else ""
        name = bare.rstrip() if mark else written
        is_owner = any(same_person(name, owner) for owner in owner_names)
        authors.append(Author(name, is_owner, mark))
    return tuple(authors)


def same_person(written: str, owner: str) -> bool:
    """Whether an author list's name is the owner's as another spelling writes it: the same
    family name and first given name, either as an initial ("JB Ernst", "J. Ernst"), with a
    middle name more or less ("Jason B. Ernst" for "Jason Ernst"), case and accents aside."""
    if written.casefold() == owner.casefold():
        return True
    one, other = _person(written), _person(owner)
    if one is None or other is None or one[0] != other[0]:
        return False
    (first, initial), (other_first, other_initial) = one[1], other[1]
    if initial or other_initial:
        return first[0] == other_first[0]
    return first == other_first


@lru_cache(maxsize=4096)
def _person(name: str) -> tuple[str, tuple[str, bool]] | None:
    """(family name, (first given name, whether it is only initials)), folded; None for a
    name of one word."""
    parts = []
    for token in name.replace(".", ". ").split():
        letters = normalize_title(token).replace(" ", "")
        if letters:
            bare = token.rstrip(".")
            initials = len(letters) == 1 or (bare.isupper() and len(letters) <= 3)
            parts.append((letters, initials or (token.endswith(".") and len(letters) <= 2)))
    if len(parts) < 2:
        return None
    return parts[-1][0], parts[0]
