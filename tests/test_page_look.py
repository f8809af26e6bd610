"""The page's HTML and CSS as the server sends them: self-contained, small, accessible, readable."""

from __future__ import annotations

import importlib.util
import re
from itertools import pairwise

import pytest

from chalicelib.site.content import load_site
from chalicelib.site.render import render_error_page, render_home_page
from chalicelib.site.templates import TEMPLATES_DIR
from tests.conftest import EXAMPLES, ROOT

CSS = (TEMPLATES_DIR / "site.css").read_text(encoding="utf-8")
PAGE_BUDGET_BYTES = 24_000  # the example page, HTML with its CSS inlined
CSS_BUDGET_BYTES = 8_000
TAG = re.compile(r"<(\w+)\b([^>]*)>")
ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')


def example_text() -> str:
    return (EXAMPLES / "site.yaml").read_text(encoding="utf-8")


def render(text: str | None = None) -> str:
    return render_home_page(load_site((text or example_text()).encode()), None)


def tags(html: str, name: str) -> list[dict[str, str]]:
    """The attributes of every `<name ...>` tag."""
    return [dict(ATTRIBUTE.findall(attrs)) for tag, attrs in TAG.findall(html) if tag == name]


# --- self-contained and small -----------------------------------------------------------------


def test_example_page_with_its_css_stays_within_budget():
    assert len(render().encode()) <= PAGE_BUDGET_BYTES
    assert len(CSS.encode()) <= CSS_BUDGET_BYTES


def test_page_loads_nothing_from_another_host():
    html = render()
    assert "<script src" not in html and "<iframe" not in html
    assert "@import" not in CSS and "url(" not in CSS and "@font-face" not in CSS
    assert not [link for link in tags(html, "link") if link.get("rel") == "stylesheet"]
    for img in tags(html, "img"):
        assert img["src"].startswith("/media/"), img
    fetched = [link["href"] for link in tags(html, "link") if link.get("rel") == "icon"]
    assert fetched == ["/media/favicon.svg"]
    scripts = [attrs for tag, attrs in TAG.findall(html) if tag == "script"]
    assert scripts == [' type="application/ld+json"']  # data, never run


def test_css_is_inlined_once():
    html = render()
    assert html.count("<style>") == 1 and CSS.strip() in html


# --- structure and accessibility --------------------------------------------------------------


def test_page_has_lang_landmarks_and_one_h1():
    html = render()
    assert html.startswith('<!doctype html>\n<html lang="en">')
    for landmark in (
        '<header class="masthead">',
        '<nav class="masthead-inner" aria-label="Sections">',
        '<aside class="sidebar" aria-label="Profile">',
        '<main id="main"',
        '<footer class="page-footer">',
    ):
        assert html.count(landmark) == 1, landmark
    assert re.findall(r"<h1\b[^>]*>(.*?)</h1>", html) == ["Lorem ipsum"]
    assert '<a class="skip-link" href="#main">Skip to content</a>' in html


def test_headings_never_skip_a_level():
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", render())]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in pairwise(levels))


def test_every_image_has_alt_text():
    images = tags(render(), "img")
    assert len(images) == 2
    assert [img["alt"] for img in images] == [
        "Photo of Lorem ipsum",
        "Figure from Deep Residual Learning for Image Recognition",
    ]


def test_every_nav_link_points_at_a_section_on_the_page():
    html = render()
    nav = html.split('<ul class="nav-links">')[1].split("</ul>")[0]
    targets = re.findall(r'href="#([^"]+)"', nav)
    assert targets == [
        "about-me",
        "news",
        "publications",
        "honors-and-awards",
        "educations",
        "invited-talks",
        "internships",
    ]
    for target in targets:
        assert f'<section id="{target}"' in html


def test_focus_is_visible_and_motion_can_be_reduced():
    assert ":focus-visible{outline:3px solid var(--focus)" in CSS
    assert "@media (prefers-reduced-motion:reduce){html{scroll-behavior:auto}}" in CSS


def test_error_page_is_a_landmarked_page_that_search_engines_skip():
    html = render_error_page(404, "Not found", "There is no page at this address.")
    assert '<html lang="en">' in html and '<main id="main"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert "<h1>404 · Not found</h1>" in html


# --- sidebar icons ----------------------------------------------------------------------------


def sidebar_items(html: str) -> list[str]:
    sidebar = html.split('<ul class="author-links">')[1].split("</ul>")[0]
    return re.findall(r"<li>(.*?)</li>", sidebar)


def icon_path(item: str) -> str:
    svgs = re.findall(r"<svg ([^>]*)><path ([^>]*)/></svg>", item)
    assert len(svgs) == 1, item
    svg, path = dict(ATTRIBUTE.findall(svgs[0][0])), dict(ATTRIBUTE.findall(svgs[0][1]))
    assert svg["aria-hidden"] == "true" and svg["class"] == "icon"
    assert path["fill"] == "currentColor"
    return path["d"]


def test_sidebar_shows_an_inline_svg_icon_for_each_line():
    items = sidebar_items(render())
    labels = [re.sub(r"<[^>]+>", "", item) for item in items]
    assert labels == ["Beijing, China", "Email", "GitHub", "ORCID", "Google Scholar"]
    assert len({icon_path(item) for item in items}) == 5


PROFILE_VALUES = {
    "email": "someone@example.org",
    "googlescholar": "d6u01FkAAAAJ",
    "github": "someone",
    "orcid": "0000-0002-1825-0097",
    "linkedin": "someone",
    "twitter": "someone",
    "dblp": "https://dblp.org/pid/00/0000.html",
    "researchgate": "someone",
    "uri": "https://someone.example.org",
    "keybase": "someone",
    "steam": "someone",
}


def icon_of(kind: str) -> str:
    """The icon path the sidebar draws for one profile link of `kind`."""
    text = f"site:\n  title: T\nprofile:\n  name: N\n  {kind}: {PROFILE_VALUES[kind]}\n"
    [item] = sidebar_items(render_home_page(load_site(text.encode()), None))
    return icon_path(item)


def test_each_common_profile_kind_has_its_own_icon_and_the_rest_share_a_link_icon():
    own = {kind: icon_of(kind) for kind in list(PROFILE_VALUES)[:-2]}
    generic = icon_of("keybase")
    assert len(set(own.values())) == len(own)
    assert generic not in own.values()
    assert icon_of("steam") == generic
    location = sidebar_items(render())[0]
    assert icon_path(location) not in {generic, *own.values()}


# --- colours --------------------------------------------------------------------------------


def palette(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):(#[0-9a-fA-F]{3,6})", block))


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


LIGHT = palette(CSS.split("\n")[0])
DARK = palette(CSS.split("@media (prefers-color-scheme:dark)")[1].split("}}")[0])
TEXT_PAIRS = [  # (text, background): normal-size text needs 4.5:1 (WCAG AA)
    ("fg", "bg"),
    ("muted", "bg"),
    ("link", "bg"),
    ("fg", "surface"),
    ("muted", "surface"),
    ("link", "surface"),
    ("badge-fg", "badge-bg"),
    ("warn", "bg"),
]


def test_contrast_is_computed_as_wcag_defines_it():
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(("text", "background"), TEXT_PAIRS)
def test_text_colours_meet_wcag_aa_in_both_themes(theme, text, background):
    colours = LIGHT if theme == "light" else DARK
    ratio = contrast(colours[text], colours[background])
    assert ratio >= 4.5, f"{theme}: --{text} on --{background} is {ratio:.2f}:1"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_focus_ring_stands_out_from_the_background(theme):
    colours = LIGHT if theme == "light" else DARK
    assert contrast(colours["focus"], colours["bg"]) >= 3  # WCAG 1.4.11, non-text


def test_both_themes_define_the_same_colours():
    assert set(DARK) == set(LIGHT) and len(LIGHT) >= 10
    assert luminance(DARK["bg"]) < 0.02 < 0.9 < luminance(LIGHT["bg"])


def test_print_stylesheet_hides_navigation_and_prints_in_black_on_white():
    print_rules = CSS.split("@media print{")[1]
    assert ".masthead,.skip-link,.page-footer{display:none}" in print_rules
    assert palette(print_rules)["bg"] == "#fff" and palette(print_rules)["fg"] == "#000"


# --- paper boxes --------------------------------------------------------------------------------


def test_featured_paper_puts_its_venue_badge_over_its_image():
    html = render()
    box = html.split('<article class="paper-box">')[1].split("</article>")[0]
    image = box.split('<div class="paper-box-image">')[1].split("</div>\n")[0]
    assert image.index('<div class="badge">CVPR 2016</div>') < image.index("<img ")


def test_featured_paper_without_image_shows_its_badge_in_the_text():
    text = example_text().replace("    image: 500x300.svg\n", "")
    box = render(text).split('<article class="paper-box">')[1].split("</article>")[0]
    assert "paper-box-image" not in box and "<img" not in box
    assert '<span class="badge">CVPR 2016</span>' in box


# --- the audit ----------------------------------------------------------------------------------


def load_audit_script():
    spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_audit_serves_the_example_at_the_address_it_audits(tmp_path):
    content = load_audit_script().content_served_at(EXAMPLES, "http://127.0.0.1:4321", tmp_path)
    served = load_site((content / "site.yaml").read_bytes())
    assert served.settings.base_url == "http://127.0.0.1:4321"
    assert (content / "media" / "avatar.svg").is_file()
    original = load_site((EXAMPLES / "site.yaml").read_bytes())
    assert served.profile == original.profile and served.sections == original.sections


def test_readme_shows_the_audit_command_and_its_four_scores():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    page = readme.split("## The page")[1]
    assert "make audit" in page
    assert "| performance | accessibility | best-practices | seo |" in page
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\naudit: " in makefile and "-m scripts.audit" in makefile
    assert set(load_audit_script().CATEGORIES) == {
        "performance",
        "accessibility",
        "best-practices",
        "seo",
    }
