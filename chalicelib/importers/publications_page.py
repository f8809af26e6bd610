"""Which of a Jekyll site's publications its publications page shows, and under which heading
(pure): academicpages' page lists `site.publications` in loops, each showing the items of a
condition (`{% if post.type contains "press" %}`) or of a `publication_category` of the config.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass

from chalicelib.importers.acadhomepage.page import plain
from chalicelib.importers.folder import SiteFolder

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


def page_lists(folder: SiteFolder, config: dict) -> list[PageList] | None:
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
            PageList("category", "==", str(key), category_title(value) or str(key))
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
            PageList(condition["key"], condition["op"], condition["value"], shown_text(heading))
        )
    return lists or None


def category_title(setting: object) -> str:
    return shown_text(setting.get("title")) if isinstance(setting, dict) else ""


def shown_text(value: object) -> str:
    """A front-matter text as its page shows it: tags out, entities decoded once (Jekyll
    prints these fields into the HTML as they are written)."""
    return html.unescape(plain(str(value or ""))).strip()
