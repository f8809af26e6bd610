"""An academicpages site folder -> acadpage content (pure).

`_pages/about.md` and the `author:` block of `_config.yml` are read as AcadHomepage's (the two
share their theme); each `_publications/*.md` the site's publications page shows becomes a
publication from its front matter (title, date, venue, paperurl, slidesurl, bibtexurl, the
authors from `authors:` or the citation line, excerpt, abstract, category as the group) and its
page's text (the abstract, `[[pdf]](...)` links); one the page lists as a talk becomes a talk.
Each `_talks/*.md` becomes a talk and each `_teaching/*.md` a line of a Teaching section. The
template's own demo items are left out, and the report says so.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass, replace

from chalicelib.importers import Imported, ImportProblem
from chalicelib.importers.acadhomepage.config import owner_names
from chalicelib.importers.acadhomepage.page import plain
from chalicelib.importers.citation_names import ReadNames, authors_line, citation_authors
from chalicelib.importers.folder import (
    Gathered,
    SiteFolder,
    collection_pages,
    date_text,
    gathered,
    jekyll_base,
    merged,
    shown,
    year_of,
)
from chalicelib.importers.jekyll import jekyll_yaml
from chalicelib.importers.paper_page import page_text
from chalicelib.site.fields import MAX_MARKDOWN_CHARS, is_link, markdown_cost

__all__ = ["citation_authors", "import_academicpages"]

CATEGORIES = {
    "manuscripts": "Journal Articles",
    "conferences": "Conference Papers",
    "books": "Books",
}
# what the abstracts of all papers may take of a content file's markdown
ABSTRACTS_BUDGET = MAX_MARKDOWN_CHARS // 2
LINK_KEYS = (("slidesurl", "slides"), ("bibtexurl", "bibtex"))
# The items academicpages' own repository ships as examples, by collection: a site that still
# has them shows the template's text, not its owner's.
DEMO_TITLES = {
    "_publications": {
        "Paper Title Number 1",
        "Paper Title Number 2",
        "Paper Title Number 3",
        "Paper Title Number 4",
        "Paper Title Number 5, with math $$E=mc^2$$",
    },
    "_talks": {
        "Talk 1 on Relevant Topic in Your Field",
        "Tutorial 1 on Relevant Topic in Your Field",
        "Talk 2 on Relevant Topic in Your Field",
        "Conference Proceeding talk 3 on Relevant Topic in Your Field",
    },
    "_teaching": {"Teaching experience 1", "Teaching experience 2"},
}
PUBLICATIONS_PAGES = ("_pages/publications.md", "_pages/publications.html")
# `{% if post.type contains "press" %}`, `{% if post.category == 'books' %}`
PAGE_FILTER = re.compile(
    r"\{%-?\s*(?:if|elsif)\s+post\.(?P<key>\w+)\s+(?P<op>contains|==)\s+"
    r"(?P<quote>[\"'])(?P<value>[^\"'\n]{1,80})(?P=quote)"
)
PAGE_LOOP = re.compile(r"\{%-?\s*for\s+post\s+in\s+site\.publications\b")
# what shows a post: its include (`archive-single.html`), not `base_path`'s
SHOWS_POST = re.compile(r"\{%-?\s*include\s+(?!base_path\b)")
PAGE_HEADING = re.compile(r"<h[1-6][^>]*>(?P<html>.*?)</h[1-6]>|^#{1,6}\s+(?P<md>.+)$", re.M)


@dataclass(frozen=True)
class PageList:
    """One list of the site's publications page: the items whose `key` holds `value`."""

    key: str
    op: str
    value: str
    heading: str

    def holds(self, front: dict) -> bool:
        found = front.get(self.key)
        if self.op == "==" or not isinstance(found, list | str):
            return str(found) == self.value
        return self.value in found  # Liquid's contains: a substring, or a member of a list


def import_academicpages(folder: SiteFolder) -> Imported:
    """Content YAML for an academicpages site, with the import's report."""
    document, imported = jekyll_base(folder, "_pages/about.md")
    more = gathered()
    marked = _add_publications(folder, more, _config(folder))
    _add_talks(folder, more)
    _add_teaching(folder, more)
    if not document["sections"] and not more.sections:
        raise ImportProblem("the site shows nothing to import: no about page, papers or talks")
    owners = owner_names(document["profile"].get("name", ""), marked)
    if owners:
        known = document["profile"].setdefault("author_names", [document["profile"]["name"]])
        known.extend(owner for owner in owners if owner not in known)
    # the theme shows `author.avatar` from images/
    pictures = set(folder.files("images"))
    media = tuple(
        (f"images/{path}", key) if f"images/{path}" in pictures else (path, key)
        for path, key in imported.media
    )
    return merged(document, replace(imported, media=media), more, "academicpages")


def _config(folder: SiteFolder) -> dict:
    text = folder.read("_config.yml")
    found = jekyll_yaml(text, "_config.yml") if text else None
    return found if isinstance(found, dict) else {}


def _entries(folder: SiteFolder, collection: str, more: Gathered) -> list[tuple[str, dict, str]]:
    """(path, front matter, body) of a collection's pages, newest first as the site lists them;
    the template's demo items left out and reported."""
    found = []
    for path, front, body in collection_pages(folder, collection):
        if _text(front.get("title")) in DEMO_TITLES.get(collection, ()):
            more.notes.append(
                f"{path}: left out: {_text(front.get('title'))!r} is the template's example "
                "item, not yours"
            )
        else:
            found.append((path, front, body))
    return sorted(found, key=lambda item: date_text(item[1].get("date")), reverse=True)


def _text(value: object) -> str:
    """A front-matter text as its page shows it: tags out, entities decoded once (Jekyll
    prints these fields into the HTML as they are written)."""
    return html.unescape(plain(str(value or ""))).strip()


def _page_lists(folder: SiteFolder, config: dict) -> list[PageList] | None:
    """The lists the site's publications page shows, in its order; None when it shows every
    publication (no page, or a loop without a condition)."""
    for name in PUBLICATIONS_PAGES:
        page = folder.read(name)
        if page and PAGE_LOOP.search(page):
            break
    else:
        return None
    categories = config.get("publication_category")
    if "publication_category" in page and isinstance(categories, dict) and categories:
        # the template's page: a list a category, under the category's title
        return [
            PageList("category", "==", str(key), _category_title(value) or str(key))
            for key, value in categories.items()
        ]
    lists = []
    loops = [found.start() for found in PAGE_LOOP.finditer(page)] + [len(page)]
    for start, end in itertools.pairwise(loops):
        if not SHOWS_POST.search(page, start, end):
            continue  # a loop that gathers (the tags), not one that shows
        condition = PAGE_FILTER.search(page, start, end)
        if condition is None:
            return None  # this loop shows every publication
        headings = list(PAGE_HEADING.finditer(page, 0, start))
        heading = headings[-1].group("html") or headings[-1].group("md") if headings else ""
        lists.append(
            PageList(condition["key"], condition["op"], condition["value"], _text(heading))
        )
    return lists or None


def _category_title(setting: object) -> str:
    return _text(setting.get("title")) if isinstance(setting, dict) else ""


def _add_publications(folder: SiteFolder, more: Gathered, config: dict) -> list[str]:
    """The papers and the talks of `_publications/`; the names the papers write in bold."""
    lists = _page_lists(folder, config)
    papers, talks, marked, spent = [], [], [], 0
    for path, front, body in _entries(folder, "_publications", more):
        shown_in = (
            next((page_list for page_list in lists if page_list.holds(front)), None)
            if lists is not None
            else None
        )
        if lists is not None and shown_in is None:
            held = ", ".join(
                f"{key} {front[key]!r}" if front.get(key) else f"no {key}"
                for key in sorted({page_list.key for page_list in lists})
            )
            more.notes.append(
                f"{path}: left out: the site's publications page does not show it ({held}: "
                "in none of its lists)"
            )
            continue
        if _is_talk(front, shown_in):
            talk = _talk(path, front, more, link=True)
            if talk:
                talks.append(talk)
                more.notes.append(f"{path}: a talk, not a paper: brought to the talks")
            continue
        paper = _paper(path, front, body, more, shown_in, config)
        if paper:
            marked += paper.pop("_marked")
            abstract = paper.pop("_abstract")
            spent += sum(markdown_cost(line) for line in abstract)
            if abstract and spent > ABSTRACTS_BUDGET:  # the file would pass its markdown limit
                paper["description"] = paper["description"][len(abstract) :]
                if not paper["description"]:
                    del paper["description"]
                more.notes.append(
                    f"{path}: its abstract is left out: the site's abstracts together pass "
                    f"{ABSTRACTS_BUDGET:,} characters, half of what a content file holds"
                )
            papers.append(paper)
    if papers:
        more.sections.append("publications")
        more.content["publications"] = papers
        more.structured.append(f"_publications: publications ({len(papers)})")
    if talks:
        more.content["talks"] = talks
        more.structured.append(f"_publications: talks ({len(talks)})")
    return marked


def _is_talk(front: dict, shown_in: PageList | None) -> bool:
    """A page the site lists as a talk: in the talks collection, of a talk type, or shown under
    a heading of talks."""
    kinds = " ".join(str(front.get(key) or "") for key in ("collection", "type"))
    heading = shown_in.heading if shown_in else ""
    return bool(re.search(r"\btalks?\b", f"{kinds} {heading}", re.I))


def _paper(
    path: str, front: dict, body: str, more: Gathered, shown_in: PageList | None, config: dict
) -> dict | None:
    """A publication from its page's front matter and text."""
    title = _text(front.get("title"))
    if not title:
        more.notes.append(f"{path}: left out: it has no title")
        return None
    paper: dict = {"title": title}
    link = _link(path, front, "paperurl", more) or _link(path, front, "link", more)
    if link:
        paper["link"] = link
    read = _authors(front, title)
    if read.names:
        paper["authors"] = read.names
    venue = _text(front.get("venue"))
    if venue:
        paper["venue"] = venue
    year = year_of(front.get("date"))
    if year:
        paper["year"] = year
    links = {key: found for name, key in LINK_KEYS if (found := _link(path, front, name, more))}
    description, body_links = _described(path, front, body, link, more)
    links.update({label: url for label, url in body_links.items() if label not in links})
    if links:
        paper["links"] = links
    abstract = list(description)
    if read.problem:
        citation = str(front.get("citation") or front.get("authors") or "").strip()
        if citation:
            description.append(shown(citation, path, more.page))
            more.kept_raw.append(
                f"{path}: citation kept as written in the description: its authors were not "
                f"read ({read.problem})"
            )
        else:
            more.notes.append(f"{path}: no authors: {read.problem}")
    if description:
        paper["description"] = description
    group = _group(front, shown_in, config)
    if group:
        paper["group"] = group
    return {**paper, "_marked": read.marked, "_abstract": abstract}


def _authors(front: dict, title: str) -> ReadNames:
    """The authors of `authors:` when the page has it, else of its citation line."""
    written = front.get("authors")
    if isinstance(written, list):
        written = ", ".join(str(name) for name in written)
    if written:
        read = authors_line(str(written))
        if not read.problem or not front.get("citation"):
            return read
    if front.get("citation"):
        return citation_authors(str(front["citation"]), title)
    return ReadNames([], [], "it has no `authors:` or `citation:` line")


def _group(front: dict, shown_in: PageList | None, config: dict) -> str:
    """The heading the site shows the paper under, else its category's title."""
    if shown_in and shown_in.heading:
        return shown_in.heading
    category = str(front.get("category") or "").strip()
    if not category:
        return ""
    titles = config.get("publication_category")
    configured = _category_title(titles.get(category)) if isinstance(titles, dict) else ""
    return configured or CATEGORIES.get(category, category.replace("_", " ").title())


def _link(path: str, front: dict, key: str, more: Gathered) -> str:
    """A link field's address; one that is no link is reported, never dropped silently."""
    return _address(path, key, str(front.get(key) or "").strip(), more)


def _address(path: str, key: str, value: str, more: Gathered) -> str:
    if not value:
        return ""
    if not is_link(value):
        more.notes.append(f"{path}: {key}: {value[:80]!r} is not an http(s) address; left out")
        return ""
    if value.startswith("/"):
        more.notes.append(
            f"{path}: {key}: the link {value!r} points into the old site's files; copy the "
            "file into media/ and link it there, or link its full address"
        )
    return value


def _described(
    path: str, front: dict, body: str, link: str, more: Gathered
) -> tuple[list[str], dict[str, str]]:
    """(description lines, links) of the excerpt, the abstract and the page's abstract; the
    paper's own link, which its title shows already, left out."""
    found = page_text(body)
    texts = [str(front.get(key) or "") for key in ("excerpt", "abstract")] + found.abstract
    lines, seen = [], set()
    for text in texts:
        rendered = shown(" ".join(text.split()), path, more.page) if text.strip() else ""
        if rendered and plain(rendered) not in seen:
            seen.add(plain(rendered))
            lines.append(rendered)
    links: dict[str, str] = {}
    for label, url in found.links:
        if url != link and label.strip() and _address(path, "a link of its text", url, more):
            links.setdefault(html.unescape(label).strip(), url)
    if found.left_out:
        more.notes.append(
            f"{path}: {found.left_out} paragraphs of the paper's own page past its abstract "
            "(sections, pictures) are not brought; add what the list should show to its "
            "description"
        )
    return lines, links


def _talk(path: str, front: dict, more: Gathered, link: bool = False) -> dict | None:
    """A talks entry: the title (linked to the talk's page when asked), type, venue, place."""
    title = str(front.get("title") or "").strip()
    keys = ("venue", "location") if link else ("type", "venue", "location")
    parts = [str(front.get(key) or "").strip() for key in keys]
    address = (
        (_link(path, front, "paperurl", more) or _link(path, front, "link", more)) if link else ""
    )
    named = f"[**{title}**]({address})" if title and address else f"**{title}**" if title else ""
    text = ", ".join(part for part in [named, *parts] if part)
    if not text:
        return None
    return {"date": date_text(front.get("date")), "text": shown(text, path, more.page)}


def _add_talks(folder: SiteFolder, more: Gathered) -> None:
    talks = [
        talk
        for path, front, _ in _entries(folder, "_talks", more)
        if (talk := _talk(path, front, more))
    ]
    if talks:
        if "talks" not in more.sections:
            more.sections.append("talks")
        more.content["talks"] = sorted(
            [*more.content.get("talks", []), *talks], key=lambda talk: talk["date"], reverse=True
        )
        more.structured.append(f"_talks: talks ({len(talks)})")
    elif more.content.get("talks"):
        more.sections.append("talks")


def _add_teaching(folder: SiteFolder, more: Gathered) -> None:
    lines = []
    for _, front, _ in _entries(folder, "_teaching", more):
        parts = [_text(front.get(key)) for key in ("title", "type", "venue")]
        when = date_text(front.get("date"))
        text = ", ".join(part for part in parts if part)
        if text:
            lines.append(f"- {when}: {text}" if when else f"- {text}")
    if lines:
        markdown = "\n".join(re.sub(r"([*_`\[\]<&])", r"\\\1", line) for line in lines)
        more.sections.append(
            {"id": "teaching", "title": "Teaching", "icon": "🧑‍🏫", "markdown": markdown}
        )
        more.structured.append(f"_teaching: a Teaching section ({len(lines)} lines)")
