"""The entries of a section: dated lines and publications, each read from its mapping (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import yaml

from chalicelib.site.authors import Author as Author  # the name readers of a Publication use
from chalicelib.site.authors import read_authors
from chalicelib.site.fields import LINK_EXPECTED, Fields, describe, is_link

PAPER_ID = re.compile(r"^[A-Za-z0-9_-]{12}:[A-Za-z0-9_-]+$")
PAPER_LINK_LABELS = {
    "pdf": "PDF",
    "code": "Code",
    "project": "Project",
    "video": "Video",
    "slides": "Slides",
    "poster": "Poster",
    "arxiv": "arXiv",
    "doi": "DOI",
    "bibtex": "BibTeX",
}


@dataclass(frozen=True)
class DatedEntry:
    """A news item, award, degree, talk or internship: a date and one line of markdown."""

    date: str
    html: str
    details_html: tuple[str, ...] = ()  # bullets under the entry (an internship's tasks)


@dataclass(frozen=True)
class PaperLink:
    """A link under a publication: pdf, code, project, video, slides..."""

    label: str
    url: str


@dataclass(frozen=True)
class Publication:
    """One paper; featured ones get the image paper box, the rest a compact line."""

    title: str
    authors: tuple[Author, ...]
    venue: str = ""
    year: int | None = None
    link: str = ""
    image: str = ""
    featured: bool = False
    scholar_id: str = ""  # USER:PUBID, for the per-paper citation count
    links: tuple[PaperLink, ...] = ()
    description_html: tuple[str, ...] = ()
    group: str = ""  # a sub-heading over this paper and the next ones of the same group
    badge: str = ""  # the image's badge when it is not the venue ("VLA model")
    html: str = ""  # a paper kept as its page wrote it (`markdown:`): shown as is, no fields

    @property
    def venue_label(self) -> str:
        """The venue with its year, unless the venue names the year already; or the year alone."""
        if self.venue and self.year is not None and str(self.year) not in self.venue:
            return f"{self.venue}, {self.year}"
        return self.venue or ("" if self.year is None else str(self.year))


def read_dated(fields: Fields) -> DatedEntry:
    """One dated entry: `date` as written and `text` as one line of markdown."""
    entry = DatedEntry(
        date=fields.text("date"),
        html=fields.markdown("text", required=True),
        details_html=fields.markdown_lines("details"),
    )
    fields.done()
    return entry


def read_publication(fields: Fields, owners: tuple[str, ...]) -> Publication:
    """One publication; authors who are one of `owners`, however written, are the owner."""
    if "markdown" in fields:
        return _read_kept_paper(fields)
    year = fields.integer("year")
    if year is not None and not 1000 <= year <= 9999:
        fields.expect("year", fields.values["year"], "a four-digit year")
    scholar_id = fields.identifier(
        "scholar_id", PAPER_ID, "'USER:PUBID' as in Scholar's citation_for_view"
    )
    names = fields.texts("authors")
    authors = read_authors(names, owners)
    authors = _linked(authors, _author_links(fields, {a.name for a in authors} | set(names)))
    publication = Publication(
        title=fields.text("title", required=True),
        authors=authors,
        venue=fields.text("venue"),
        year=year,
        link=fields.link("link"),
        image=fields.media("image"),
        featured=fields.boolean("featured"),
        scholar_id=scholar_id,
        links=_read_paper_links(fields),
        description_html=fields.markdown_lines("description"),
        group=fields.text("group"),
        badge=fields.text("badge"),
    )
    fields.done()
    return publication


def _read_kept_paper(fields: Fields) -> Publication:
    """A paper as its page wrote it (an import keeps what it could not check so): `markdown`,
    and where it stands (`featured` among the boxes, its `group`)."""
    publication = Publication(
        title="",
        authors=(),
        html=fields.markdown("markdown", block=True, required=True),
        featured=fields.boolean("featured"),
        group=fields.text("group"),
    )
    fields.done()
    return publication


def _author_links(fields: Fields, names: set[str]) -> dict[str, tuple[str, yaml.Node]]:
    """`author_links:` a mapping from an author's name, as `authors` writes it without its
    mark, to their homepage."""
    node = fields.node_of("author_links")
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        fields.expect("author_links", node, "a mapping such as 'Ann Lee: https://...'")
        return {}
    path = fields.where("author_links")
    links = {}
    for key, value in node.value:
        url = str(value.value).strip() if isinstance(value, yaml.ScalarNode) else ""
        if not is_link(url):
            fields.problems.add(
                value, f"{path}.{key.value}", f"expected {LINK_EXPECTED}, got {describe(value)}"
            )
        else:
            links[str(key.value).strip()] = (url, key)
    for name, (_, key) in links.items():
        if name not in names:
            fields.problems.add(key, f"{path}.{name}", "expected the name of one of the authors")
    return links


def _linked(authors: tuple[Author, ...], links: dict[str, tuple[str, yaml.Node]]) -> tuple:
    """The authors, each with the homepage `author_links` gives them."""
    if not links:
        return authors
    return tuple(replace(a, url=links[a.name][0]) if a.name in links else a for a in authors)


def _read_paper_links(fields: Fields) -> tuple[PaperLink, ...]:
    """`links:` as a mapping (`pdf: URL`) or a list of {label, url}."""
    node = fields.node_of("links")
    if node is None:
        return ()
    path = fields.where("links")
    links = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            url = str(value.value).strip() if isinstance(value, yaml.ScalarNode) else ""
            if not is_link(url):
                fields.problems.add(
                    value, f"{path}.{key.value}", f"expected {LINK_EXPECTED}, got {describe(value)}"
                )
                continue
            label = PAPER_LINK_LABELS.get(str(key.value).lower(), str(key.value))
            links.append(PaperLink(label, url))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            link = Fields(item, f"{path}[{i}]", fields.problems)
            label, url = link.text("label", required=True), link.link("url", required=True)
            link.done()
            if label and url:
                links.append(PaperLink(label, url))
    else:
        fields.expect(
            "links", node, "a mapping such as 'pdf: https://...' or a list of {label, url}"
        )
    return tuple(links)
