"""`acadpage serve` in a real browser: a saved edit reloads the open page by itself, a bad save
puts its problems in a banner over the last good page, and the reload script breaks no CSP."""

from __future__ import annotations

import shutil

import pytest

from scripts.local_site import served_site
from tests.browser.conftest import DESKTOP
from tests.conftest import EXAMPLES
from tests.test_live import BAD_YAML, save

pytestmark = pytest.mark.browser


def test_saves_reload_the_open_page_and_bad_ones_show_a_banner(browser, tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(EXAMPLES, folder)
    good = (folder / "site.yaml").read_text()
    edited = good.replace("title: Lorem ipsum", "title: Saved in the editor", 1)
    errors: list[str] = []
    with served_site(folder, tmp_path / "serve.log", watch=True) as url:
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url + "/", wait_until="load")
        assert page.title() == "Lorem ipsum"

        with page.expect_navigation(timeout=10_000):  # no reload asked for: the page does it
            save(folder / "site.yaml", edited)
        assert page.title() == "Saved in the editor"

        with page.expect_navigation(timeout=10_000):
            save(folder / "site.yaml", BAD_YAML)
        banner = page.locator("#acadpage-problems")
        assert "site.yaml:1: YAML syntax error: the list opened with" in banner.inner_text()
        assert banner.is_visible()
        assert page.title() == "Saved in the editor"  # the last good page under the banner

        with page.expect_navigation(timeout=10_000):
            save(folder / "site.yaml", good)
        assert page.title() == "Lorem ipsum"
        assert page.locator("#acadpage-problems").count() == 0
        context.close()
    assert errors == []
