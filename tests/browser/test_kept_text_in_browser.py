"""Text an import keeps between papers or dated entries, as Chromium lays the page out: in its
place, and inside a list without a list bullet of its own (a kept paper item keeps its bullet)."""

from __future__ import annotations

import pytest

from chalicelib.site.content import load_site
from chalicelib.site.render import render_home_page
from tests.test_import_items_checked import BETWEEN, LABELLED, imported

pytestmark = pytest.mark.browser

KEPT_ITEM = "- In 2026 [[Owls](https://x.org/a)] and *more* owls, see {the} list\n"


def test_text_between_papers_is_laid_out_in_its_place_without_a_bullet(browser):
    page_html = render_home_page(load_site(imported(BETWEEN + KEPT_ITEM).text.encode()), None)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.route("**/*", lambda route: route.abort())  # nothing leaves the machine
    try:
        page.set_content(page_html, wait_until="domcontentloaded")
        laid_out = page.inner_text("#publications")
        bullets = page.evaluate(
            "() => [...document.querySelectorAll('.paper-list > li')].map(item => "
            "[item.innerText.slice(0, 12), getComputedStyle(item).listStyleType])"
        )
    finally:
        context.close()

    order = [
        "Owls at night",
        "about bats and their long flights",
        "Bats at noon",
        "reviewers liked a lot",
        "Moths at dusk",
        "marked with a star",
        "and more owls",
    ]
    at = [laid_out.index(words) for words in order]
    assert at == sorted(at)
    assert bullets == [
        ["Bats at noon", "disc"],
        ["Two more tha", "none"],
        ["Moths at dus", "disc"],
        ["Equal contri", "none"],
        ["In 2026 [Owl", "disc"],
    ]


def test_a_label_among_dated_entries_is_laid_out_without_a_bullet(browser):
    page_html = render_home_page(load_site(imported(LABELLED).text.encode()), None)
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda route: route.abort())
    try:
        page.set_content(page_html, wait_until="domcontentloaded")
        bullets = page.evaluate(
            "() => [...document.querySelectorAll('.dated-list > li')].map(item => "
            "[item.innerText.slice(0, 10), getComputedStyle(item).listStyleType])"
        )
    finally:
        context.close()

    assert bullets == [
        ["Editorial ", "none"],
        ["Journal of", "disc"],
        ["Reviewer", "none"],
        ["Bats Revie", "disc"],
        ["Moth Lette", "disc"],
    ]
