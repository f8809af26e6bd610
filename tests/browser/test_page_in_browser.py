"""The homepage as a visitor's browser shows it: layout, navigation, themes, focus, offline."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import DESKTOP, PHONE, save_screenshot

pytestmark = pytest.mark.browser

# WCAG relative luminance and contrast, computed in the page from computed colours
CONTRAST_JS = """([foreground, background]) => {
  const rgb = (css) => css.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (css) => {
    const [r, g, b] = rgb(css).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(foreground), lum(background)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def wait_until(page, predicate: str, arg=None, timeout_s: float = 5.0) -> None:
    """Poll a JS function until it is true (the page's CSP forbids Playwright's own polling)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(predicate, arg):
        assert time.monotonic() < deadline, f"still false after {timeout_s}s: {predicate}"
        page.wait_for_timeout(50)


def box(page, selector: str) -> dict:
    """The bounding box of the first element matching `selector`, relative to the viewport."""
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not rendered"
    return found


def style(page, selector: str, prop: str) -> str:
    """A computed style property of the first element matching `selector`."""
    return page.locator(selector).first.evaluate(
        "(el, prop) => getComputedStyle(el).getPropertyValue(prop)", prop
    )


def contrast(page, foreground: str, background: str) -> float:
    return page.evaluate(CONTRAST_JS, [foreground, background])


def test_desktop_shows_the_sidebar_left_of_the_content_and_keeps_it_in_view(visit):
    page = visit(DESKTOP).page
    save_screenshot(page, "desktop")
    save_screenshot(page, "desktop-full", full_page=True)

    sidebar, main = box(page, ".sidebar"), box(page, "main")
    assert sidebar["x"] + sidebar["width"] <= main["x"]
    assert style(page, ".sidebar", "position") == "sticky"
    page.mouse.wheel(0, 1500)
    wait_until(page, "() => window.scrollY >= 1000")
    scrolled = box(page, ".sidebar")
    assert 0 <= scrolled["y"] < DESKTOP["height"] / 2
    assert box(page, ".masthead")["y"] == 0


def test_phone_puts_the_profile_on_top_and_never_scrolls_sideways(visit):
    page = visit(PHONE).page
    save_screenshot(page, "phone")
    save_screenshot(page, "phone-full", full_page=True)

    widths = page.evaluate(
        "({page: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
        " viewport: window.innerWidth})"
    )
    assert widths["page"] <= widths["viewport"], widths
    assert widths["body"] <= widths["viewport"], widths
    sidebar, main = box(page, ".sidebar"), box(page, "main")
    assert sidebar["y"] + sidebar["height"] <= main["y"]
    assert main["width"] > PHONE["width"] * 0.85


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_nav_link_brings_its_section_into_view_below_the_top_bar(visit, viewport):
    page = visit(viewport).page
    links = page.locator(".nav-links a[href^='#']")
    targets = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(targets) == 7
    for target in targets:
        page.locator(f".nav-links a[href='{target}']").click()
        wait_until(page, "hash => location.hash === hash", target)
        # smooth scrolling: wait until the heading stops moving
        wait_until(
            page,
            """id => new Promise(done => {
                const top = () => document.getElementById(id).getBoundingClientRect().top;
                const first = top();
                requestAnimationFrame(() => requestAnimationFrame(() => done(top() === first)));
            })""",
            target[1:],
        )
        heading = box(page, f"{target} h2")
        bar = box(page, ".masthead")
        bar_bottom = bar["y"] + bar["height"] if bar["y"] >= 0 else 0
        scrolled_to_end = page.evaluate(
            "Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight"
        )
        assert heading["y"] >= bar_bottom - 1, f"{target} is hidden under the top bar"
        assert heading["y"] + heading["height"] <= viewport["height"], f"{target} is off screen"
        if not scrolled_to_end:
            assert heading["y"] < bar_bottom + 80, f"{target} is not at the top of the view"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_page_loads_everything_from_its_own_host_without_console_errors(visit, viewport):
    seen = visit(viewport)
    seen.page.mouse.wheel(0, 20000)  # lazy images below the fold load too
    seen.page.wait_for_load_state("networkidle")

    own_host = urlsplit(seen.page.url).netloc
    hosts = {urlsplit(url).netloc for url in seen.requests if not url.startswith("data:")}
    assert hosts == {own_host}, seen.requests
    assert seen.errors == []
    broken = seen.page.evaluate(
        "[...document.images].filter(img => !img.complete || img.naturalWidth === 0)"
        ".map(img => img.src)"
    )
    assert broken == []


def test_every_image_has_alt_text_and_every_icon_is_hidden_from_screen_readers(visit):
    page = visit(DESKTOP).page
    alts = page.locator("img").evaluate_all("imgs => imgs.map(img => img.getAttribute('alt'))")
    assert alts and all(alt and alt.strip() for alt in alts), alts
    icons = page.locator("svg.icon")
    assert icons.count() >= 5
    assert set(icons.evaluate_all("els => els.map(el => el.getAttribute('aria-hidden'))")) == {
        "true"
    }


def test_venue_badge_sits_over_the_top_left_corner_of_the_paper_image(visit):
    page = visit(DESKTOP).page
    page.locator(".paper-box").first.scroll_into_view_if_needed()
    badge, image = box(page, ".paper-box-image .badge"), box(page, ".paper-box-image img")
    assert badge["x"] <= image["x"] + 4 and badge["y"] <= image["y"] + 4
    assert badge["x"] + badge["width"] > image["x"] and badge["y"] + badge["height"] > image["y"]
    assert page.evaluate(
        """() => {
          const b = document.querySelector('.paper-box-image .badge').getBoundingClientRect();
          const hit = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
          return hit.classList.contains('badge');
        }"""
    ), "the badge is drawn under the image"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_dark_scheme_switches_to_the_dark_palette_with_readable_text(visit, viewport):
    page = visit(viewport, color_scheme="dark").page
    name = "desktop" if viewport is DESKTOP else "phone"
    save_screenshot(page, f"{name}-dark")

    background = style(page, "body", "background-color")
    text = style(page, "body", "color")
    assert page.evaluate(CONTRAST_JS, [background, "rgb(0, 0, 0)"]) < 1.5, background
    assert contrast(page, text, background) >= 7
    assert contrast(page, style(page, "main a", "color"), background) >= 4.5
    assert contrast(page, style(page, ".author-bio", "color"), background) >= 4.5
    badge = style(page, ".badge", "background-color")
    assert contrast(page, style(page, ".badge", "color"), badge) >= 4.5


def test_light_scheme_is_the_light_palette(visit):
    page = visit(DESKTOP, color_scheme="light").page
    background = style(page, "body", "background-color")
    assert background == "rgb(255, 255, 255)"
    assert contrast(page, style(page, "body", "color"), background) >= 7


def test_keyboard_focus_starts_at_a_visible_skip_link_and_is_outlined(visit):
    page = visit(DESKTOP).page
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    skip = box(page, ".skip-link")
    assert skip["x"] >= 0 and skip["y"] >= 0
    assert style(page, ".skip-link", "outline-style") == "solid"

    page.keyboard.press("Tab")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] == "solid" and outline[1] >= 2

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    wait_until(page, "() => location.hash === '#main'")


def test_print_hides_the_navigation(visit):
    page = visit(DESKTOP).page
    page.emulate_media(media="print")
    assert style(page, ".masthead", "display") == "none"
    assert style(page, ".layout", "display") == "block"
