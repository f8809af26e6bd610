"""The owner is highlighted however an author list writes the name (BibTeX, Scholar, by hand)."""

from __future__ import annotations

import pytest

from chalicelib.site.authors import read_authors, same_person
from chalicelib.site.content import load_site


@pytest.mark.parametrize(
    ("written", "owner", "same"),
    [
        ("Jason B. Ernst", "Jason Ernst", True),  # BibTeX's full name with a middle initial
        ("JB Ernst", "Jason Ernst", True),  # Scholar's initials
        ("J. Ernst", "Jason Ernst", True),
        ("jason ernst", "Jason Ernst", True),
        ("Kaiming He", "K He", True),
        ("W Zuo", "WENRUI ZUO", True),  # a profile written in capitals
        ("José García", "Jose Garcia", True),
        ("Jane Ernst", "Jason Ernst", False),  # another given name
        ("J. Ernstson", "Jason Ernst", False),
        ("Ernst", "Jason Ernst", False),  # a family name alone names no one
        ("Li Wang", "Lei Wang", False),
    ],
)
def test_same_person(written, owner, same):
    assert same_person(written, owner) is same


def test_a_bibtex_spelling_of_the_owner_is_highlighted():
    site = load_site(
        b"site: {title: T}\nprofile: {name: Jason Ernst}\nsections: [publications]\n"
        b"publications:\n  - {title: P, authors: [Jason B. Ernst*, Ada Lovelace]}\n"
    )

    authors = site.sections[0].publications[0].authors
    assert [(a.name, a.is_owner, a.mark) for a in authors] == [
        ("Jason B. Ernst", True, "*"),
        ("Ada Lovelace", False, ""),
    ]


def test_marks_are_split_before_matching():
    assert read_authors(("J. Ernst†",), ("Jason Ernst",))[0].is_owner
