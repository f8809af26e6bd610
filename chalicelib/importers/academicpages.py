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
import re
from dataclasses import replace

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
from chalicelib.importers.publications_page import (
    PageList,
    category_title,
    page_lists,
    shown_text,
)
from chalicelib.site.fields import MAX_MARKDOWN_CHARS, is_link, is_url, markdown_cost

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


def import_academicpages(folder: SiteFolder) -> Imported:
    """Content YAML for an academicpages site, with the import's report."""
    document, imported = jekyll_base(folder, "_pages/about.md")
    config = _config(folder)
    more = gathered()
    more.site_address = _site_address(config)
    marked = _add_publications(folder, more, config)
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


def _site_address(config: dict) -> str:
    """The old site's address (`url` and `baseurl`), for links to the files it served."""
    address = f"{config.get('url') or ''}".strip().rstrip("/")
    address += "/" + f"{config.get('baseurl') or ''}".strip().strip("/")
    address = address.rstrip("/")
    return address if is_url(address) else ""


def _entries(folder: SiteFolder, collection: str, more: Gathered) -> list[tuple[str, dict, str]]:
    """(path, front matter, body) of a collection's pages, newest first as the site lists them;
    the template's demo items left out and reported."""
    found = []
    for path, front, body in collection_pages(folder, collection):
        if shown_text(front.get("title")) in DEMO_TITLES.get(collection, ()):
            more.notes.append(
                f"{path}: left out: {shown_text(front.get('title'))!r} is the template's example "
                "item, not yours"
            )
        else:
            found.append((path, front, body))
    return sorted(found, key=lambda item: date_text(item[1].get("date")), reverse=True)


def _add_publications(folder: SiteFolder, more: Gathered, config: dict) -> list[str]:
    """The papers and the talks of `_publications/`; the names the papers write in bold."""
    lists = page_lists(folder, config)
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
    title = shown_text(front.get("title"))
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
    venue = shown_text(front.get("venue"))
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
    configured = category_title(titles.get(category)) if isinstance(titles, dict) else ""
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
    if not value.startswith("/"):
        return value
    # a file the old site served (`/files/paper.pdf`): acadpage's media/ serves pictures only
    address = f"{more.site_address}{value}" if more.site_address else value
    kept = f"linked at the old site's {address}" if more.site_address else "kept as a path"
    more.notes.append(
        f"{path}: {key}: {value!r} is a file of the old site, {kept}; put the file online "
        "and link its address"
    )
    return address


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
    written = {str(front.get(key) or "").strip() for key in ("paperurl", "link")}
    for label, url in found.links:
        if url in written or not label.strip():
            continue  # the paper's own link, which its title shows
        address = _address(path, "a link of its text", url, more)
        if address and address != link:
            links.setdefault(html.unescape(label).strip(), address)
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
        parts = [shown_text(front.get(key)) for key in ("title", "type", "venue")]
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
