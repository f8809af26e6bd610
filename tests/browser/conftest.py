"""A real headless Chromium (Debian's, driven by Playwright) on the example site served locally.

The site runs as `acadpage serve` in a child process: the real Chalice app on 127.0.0.1 over an
embedded AWS, so nothing here shares moto or caches with the rest of the suite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scripts.local_site import SiteDidNotStart, served_site
from tests.skip_gate import INSTALL, chromium_path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def site_url(tmp_path_factory):
    """The example site served by `acadpage serve` on 127.0.0.1, as a base URL."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    try:
        with served_site(ROOT / "examples", log) as url:
            yield url
    except SiteDidNotStart as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, with nothing in the background that calls home."""
    executable = chromium_path()
    if executable is None:
        pytest.skip(f"no Chromium found: {INSTALL}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Visit:
    """An open page and what it did: every request's URL, console errors, uncaught exceptions."""

    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def visit(browser, site_url):
    """Opens the site's homepage at a viewport size and colour scheme; closes it afterwards."""
    contexts = []

    def open_page(viewport: dict, color_scheme: str = "light", path: str = "/") -> Visit:
        context = browser.new_context(viewport=viewport, color_scheme=color_scheme)
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page)
        local = urlsplit(site_url).netloc

        def route(intercepted):
            seen.requests.append(intercepted.request.url)
            if urlsplit(intercepted.request.url).netloc == local:
                intercepted.continue_()
            else:
                intercepted.abort()

        page.route("**/*", route)
        page.on(
            "console", lambda message: message.type == "error" and seen.errors.append(message.text)
        )
        page.on("pageerror", lambda error: seen.errors.append(str(error)))
        page.goto(site_url + path, wait_until="load")
        return seen

    yield open_page
    for context in contexts:
        context.close()


def save_screenshot(page, name: str, full_page: bool = False) -> Path:
    """A PNG under artifacts/screenshots/, for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
