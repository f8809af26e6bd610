"""References written as text, read without a document tree (pure; CLI-only): APA's
`Tan, H., Lee, A. (2026). Title. Journal`, author-year `Lee A, Chen B (2024) Title. Journal`,
GB/T 7714's `Li, S., et al. Title[J]. Journal, 2026: 1.`; and what stands before a title read
as a list of names. Every pattern reads each text one way: no `\\s*` beside a lazy run."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.importers.acadhomepage.inline import NAME_SEPARATOR

# APA: `Tan, H., Guo, Z.*, & Li, M. (2026). Title. Journal, 394, 126171.`
APA = re.compile(  # one way to read each text: a `\s*` beside `[^()]+?` retried along a run
    r"^(?P<authors>[^()]+?)\((?P<date>(?P<year>(?:19|20)\d{2})[a-z]?(?:,\s*[^()]{1,30})?)\)"
    r"\.?\s+(?P<title>[^.?!\s][^.?!]{7,}[.?!])\s+(?P<venue>\S.*)$",
    re.S,
)
# GB/T 7714: `Li, S., Lee, A., et al. Title[J]. Journal, 2026, 253: 112194.`, `...Title[C]//Venue`
GBT = re.compile(
    r"^(?P<head>[^\[\]]+?)\[(?:J|C|D|M|R|P|S|N|A|Z|EB/OL)\](?://|\.)?(?P<venue>.*\S.*)$",
    re.S,
)
ET_AL = re.compile(r"(?<![^\s,])et {1,3}al\.")  # no `\s*` first: it retries along a run
# names written `Surname I` or `Surname IJ` (GB/T's own form): `Li S, Lee A. Title[J]...`
INITIALED = re.compile(r"[^\W\d][^\W\d'-]*(?:[ -][^\W\d][^\W\d'-]*)*\s+[A-Z]{1,3}[*†‡]*")
APA_NAME = re.compile(r"(?:&\s*)?([^\W\d][^,&]*?,\s*(?:[A-Z]\.\s*-?\s*)+[*†‡]*)")
# The words of a surname written in lower case: `Ludwig van Beethoven`, `Maria de la Cruz`
PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "la", "le", "y",
    "bin", "al",
}  # fmt: skip
# A reference written as text is read as APA up to this length (a long author list is a few
# hundred characters): its name pattern restarts at each letter, costing the square of the text.
MAX_REFERENCE_CHARS = 5_000


def reference_paper(text: str, bold: str) -> dict | None:
    """title, authors, `_marked` (the names in `bold`) and venue of a reference written as
    text, APA's or GB/T 7714's; None for other text."""
    if len(text) > MAX_REFERENCE_CHARS:
        return None
    apa = APA.match(text)
    names = _written_names(apa.group("authors"), plain=True) if apa else []
    if apa and names and "\n" not in apa.group("title"):
        title = apa.group("title").strip().removesuffix(".")
        venue = f"{plain_text(apa.group('venue'))} ({apa.group('date')})"
        return {"title": title, **_reference_authors(names, bold), "venue": venue}
    gbt = GBT.match(text)
    split = _gbt_authors(gbt.group("head")) if gbt else None
    if split:
        names, title = split
        venue = plain_text(gbt.group("venue").lstrip(" ./"))
        return {"title": title, **_reference_authors(names, bold), "venue": venue}
    return None


def _gbt_authors(head: str) -> tuple[list[str], str] | None:
    """(the names as written, the title) of a GB/T 7714 reference's text before its `[J]`."""
    cut = ET_AL.search(head)
    if cut:
        written, title = head[: cut.start()].rstrip(" ,"), head[cut.end() :]
        names = [*_written_names(written), "et al."]
    else:
        names, at = [], 0
        for found in APA_NAME.finditer(head):  # `Li, S., Lee, A.` up to the title
            if head[at : found.start()].strip(" ,&"):
                break
            names.append(found.group(1).strip(" &"))
            at = found.end()
        written, _, title = head[:at], None, head[at:]
        if not names:
            written, _, title = head.partition(". ")
            names = _written_names(written)
    title = title.strip(" .\n")
    if not names or len(title.split()) < 2 or "et al." in names[:-1]:
        return None
    return names, title


def _written_names(written: str, plain: bool = False) -> list[str]:
    """The names of an author list written `Li, S., Lee, A.` or `Li S, Lee A` (or, `plain`,
    any list of names: `汤欢, 傅慎明`); [] for others."""
    apa = [m.group(1).strip(" &") for m in APA_NAME.finditer(written)]
    if apa and not APA_NAME.sub("", written).strip(" ,&"):
        return apa
    names = [name.strip() for name in NAME_SEPARATOR.split(written) if name.strip(" .…")]
    if all(INITIALED.fullmatch(name) for name in names) or plain:
        return names if all(len(name.split()) <= 4 for name in names) else []
    return []


def _reference_authors(names: list[str], bold: str) -> dict:
    """`authors` and `_marked` (the bold ones) of a reference's names as written, each in the
    form the page's other lists write them (`Guo, Z.*` -> `Z. Guo*`)."""
    shown = [apa_name(name) if "," in name else name for name in names]
    marked = [
        n.rstrip("*†‡") for n, w in zip(shown, names, strict=True) if w.rstrip("*†‡ ") in bold
    ]
    return {"authors": shown, "_marked": marked}


def apa_name(written: str) -> str:
    """`Guo, Z.*` -> `Z. Guo*`: the name as the page's other lists write it, marks after it."""
    surname, _, initials = written.strip(" &").partition(",")
    marks = re.search(r"[*†‡]*$", initials).group()
    return f"{initials.strip(' *†‡')} {surname.strip()}{marks}"


@dataclass
class NameRun:
    """The text before a title, read as it grows: whether it is a list of authors (two names
    or more, or `et al.`), in time linear in the text however often it is asked."""

    closed: int = 0  # names ended by a separator
    open: bool = False  # a name after the last separator
    et_al: bool = False

    def add(self, text: str) -> None:
        *ended, last = NAME_SEPARATOR.split(text)
        for part in ended:
            self.closed += bool(self.open or part.strip(" .*†‡"))
            self.open = False
        self.open = self.open or bool(last.strip(" .*†‡"))
        self.et_al = self.et_al or bool(ET_AL.search(text))

    def with_text(self, text: str) -> NameRun:
        grown = NameRun(self.closed, self.open, self.et_al)
        grown.add(text)
        return grown

    def are_names(self) -> bool:
        return self.et_al or self.closed + self.open >= 2


def without_address(venue: str) -> tuple[str, str]:
    """(the venue, a web address written in it as text)."""
    found = re.search(r"(?:^|\s)(?:doi:\s?|https?://)\S+", venue)
    if not found:
        return venue, ""
    rest = f"{venue[: found.start()].rstrip(' .,;')} {venue[found.end() :]}"
    return plain_text(rest), found.group().strip().rstrip(".,;")


def plain_text(text: str) -> str:
    """Text without the brackets a removed link leaves (`[ ]`), edge separators and an edge
    parenthesis whose partner stands elsewhere (`Bo Chen (` before the venue)."""
    text = re.sub(r"\[\s*\]|\(\s*\)", "", text.replace("\xa0", " "))
    text = " ".join(text.split()).strip(" ,.;|")
    while text.endswith(("(", ")")) and text.count("(") != text.count(")"):
        text = text[:-1].strip(" ,.;|")
    while text.startswith(("(", ")")) and text.count("(") != text.count(")"):
        text = text[1:].strip(" ,.;|")
    return text
