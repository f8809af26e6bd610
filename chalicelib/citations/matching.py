"""Publication titles matched to the rows of a citation snapshot, so papers find their counts
(pure: titles in, row ids out; nothing here knows the content model)."""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib.citations.model import PaperCitations

# Near-identical only: a typo or a dropped word in a long title, never a different paper.
SIMILARITY_THRESHOLD = 0.95
NEAR_CANDIDATES = 10  # the titles sharing the most words, the only ones compared letter by letter


@dataclass(frozen=True)
class TitleMatch:
    """How one title fared: the row it matched, or the rows it could not choose between."""

    title: str
    outcome: str  # matched | unmatched | ambiguous
    row: PaperCitations | None = None
    candidates: tuple[PaperCitations, ...] = ()


def normalize_title(title: str) -> str:
    """A title with case, accents, punctuation and spacing taken out: what two spellings share."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    kept = [
        character if character.isalnum() else " "
        for character in decomposed
        if not unicodedata.combining(character)
    ]
    return " ".join("".join(kept).split())


class TitleIndex:
    """The rows of one snapshot, looked up by normalised title (built once per snapshot)."""

    def __init__(self, rows: Sequence[PaperCitations]):
        self.by_title: dict[str, list[PaperCitations]] = {}
        for row in rows:
            # a row Scholar merged into another has no count of its own to show
            key = normalize_title(row.title)
            if key and not row.duplicate:
                self.by_title.setdefault(key, []).append(row)
        self._with_word: dict[str, set[str]] = {}
        for key in self.by_title:
            for word in set(key.split()):
                self._with_word.setdefault(word, set()).add(key)

    def match(self, title: str) -> TitleMatch:
        """The one row whose title is this title's, else one near-identical, else why not."""
        key = normalize_title(title)
        exact = self.by_title.get(key, []) if key else []
        found = exact or [row for near in self._near(key) for row in self.by_title[near]]
        if len(found) == 1:
            return TitleMatch(title, "matched", found[0])
        if found:
            return TitleMatch(title, "ambiguous", candidates=tuple(found))
        return TitleMatch(title, "unmatched")

    def _near(self, key: str) -> list[str]:
        """Indexed titles at least SIMILARITY_THRESHOLD alike. Only the few sharing the most
        words, nearly all of them, and of a length that allows it are compared, cheap bounds
        first: a near-identical title differs by a typo or two, never by many words."""
        words = set(key.split())
        shared = Counter(other for word in words for other in self._with_word.get(word, ()))
        needed = max(1, len(words) - max(1, len(key) // 20))
        # SequenceMatcher caches what it learns about its second sequence: keep that one fixed
        matcher = difflib.SequenceMatcher(b=key, autojunk=False)
        near = []
        for other, count in shared.most_common(NEAR_CANDIDATES):
            # ratio <= 2*min(len)/(sum of lengths): skip titles whose length alone rules them out
            short, total = min(len(key), len(other)), len(key) + len(other)
            if count < needed or 2 * short < SIMILARITY_THRESHOLD * total:
                continue
            matcher.set_seq1(other)
            if (
                matcher.real_quick_ratio() >= SIMILARITY_THRESHOLD
                and matcher.quick_ratio() >= SIMILARITY_THRESHOLD
                and matcher.ratio() >= SIMILARITY_THRESHOLD
            ):
                near.append(other)
        return sorted(near)


def match_titles(titles: Sequence[str], rows: Sequence[PaperCitations]) -> tuple[TitleMatch, ...]:
    """Each title's match among the rows, in the order given."""
    index = TitleIndex(rows)
    return tuple(index.match(title) for title in titles)


def author_names(authors: str) -> tuple[str, ...]:
    """The names of a row's author list ("K He, X Zhang, ..."), Scholar's "..." left out."""
    names = (name.strip() for name in authors.split(","))
    return tuple(name for name in names if name and name.strip(".…") != "")


def is_owner_form(author: str, owner: str) -> bool:
    """Whether an author list's name is the owner's, written out or as Scholar abbreviates it
    ("K He" or "KM He" for "Kaiming He")."""
    written, full = normalize_title(author).split(), normalize_title(owner).split()
    if not written or not full:
        return False
    if written == full:
        return True
    given, family = written[:-1], written[-1]
    initials = "".join(given)
    return (
        family == full[-1]
        and len(full) > 1
        and bool(given)
        and all(len(part) <= 3 for part in given)  # initials, not another given name
        and initials[0] == full[0][0]
    )
