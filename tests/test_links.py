"""Links are checked the way a browser reads them: whatever it would run or send to another host
never passes a link field, and never reaches the page as an href or src."""

from __future__ import annotations

import html
import json
import re

import pytest

from chalicelib.site.content import load_site
from chalicelib.site.fields import is_link, url_scheme
from chalicelib.site.render import render_home_page
from tests.conftest import EXAMPLES
from tests.test_content import MINIMAL, problems_of

CONTROL = "a control character; of those, text may hold only tab and newline"
LINK = "an http(s) or mailto URL, or a path on this site such as '/cv.pdf'"
MEDIA = "an https URL or a media key such as 'avatar.png'"

# What a browser runs or sends elsewhere, written so the WHATWG URL parser finds it.
PAYLOADS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "\x01javascript:alert(1)",
    "\x1fjavascript:alert(1)",
    "javascript\t:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "\\/evil.example/x",
    "evil.example/x",
    "#top",
]

# (field, YAML template with {} for the value as a double-quoted string, place, what it wants)
FIELDS = [
    ("link", MINIMAL + "publications:\n  - title: A\n    link: {}\n",
     "site.yaml:7 publications[0].link", LINK),
    ("links mapping", MINIMAL + "publications:\n  - title: A\n    links: {{pdf: {}}}\n",
     "site.yaml:7 publications[0].links.pdf", LINK),
    ("links list",
     MINIMAL + "publications:\n  - title: A\n    links:\n      - {{label: PDF, url: {}}}\n",
     "site.yaml:8 publications[0].links[0].url", LINK),
    ("profile uri", MINIMAL + "  uri: {}\n", "site.yaml:5 profile.uri",
     "a full https URL for Homepage"),
    ("profile github", MINIMAL + "  github: {}\n", "site.yaml:5 profile.github",
     "a user name or a full https URL for GitHub"),
    ("avatar", MINIMAL + "  avatar: {}\n", "site.yaml:5 profile.avatar", MEDIA),
    ("image", MINIMAL + "publications:\n  - title: A\n    image: {}\n",
     "site.yaml:7 publications[0].image", MEDIA),
    ("favicon", MINIMAL.replace("  title: My page\n", "  title: My page\n  favicon: {}\n"),
     "site.yaml:3 site.favicon", MEDIA),
]  # fmt: skip

# A user name is a fine value for these: the site builds the URL and quotes the name.
USER_NAME_KINDS = {"profile github"}
NOT_SCHEMES = {"//evil.example/x", "/\\evil.example/x", "\\\\evil.example/x",
               "\\/evil.example/x", "evil.example/x", "#top"}  # fmt: skip


def expected_problem(payload: str, field: str, where: str, wanted: str) -> str | None:
    """The message for `payload` in `field`, or None when it is fine there (a user name)."""
    control = re.search(r"[\x00-\x08\x0b-\x1f\x7f]", payload)
    if control:
        return f"{where}: contains U+{ord(control.group()):04X}, {CONTROL}"
    if field in USER_NAME_KINDS and payload in NOT_SCHEMES:
        return None
    return f"{where}: expected {wanted}, got {payload!r}"


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(("field", "template", "where", "wanted"), FIELDS)
def test_no_link_field_takes_what_a_browser_would_run_or_send_elsewhere(
    field, template, where, wanted, payload
):
    text = template.format(json.dumps(payload))
    message = expected_problem(payload, field, where, wanted)
    if message is None:
        site = load_site(text.encode())
        url = site.profile.links[0].url
        assert url.startswith("https://github.com/") and url_scheme(url) == "https"
    else:
        assert problems_of(text) == [message]


@pytest.mark.parametrize(
    "good", ["https://example.org/a", "http://example.org", "mailto:ada@example.org", "/cv.pdf",
             "/files/paper.pdf?v=2#p3"],
)  # fmt: skip
@pytest.mark.parametrize(("field", "template", "where", "wanted"), FIELDS[:3])
def test_link_fields_take_web_and_mail_addresses_and_site_paths(
    field, template, where, wanted, good
):
    load_site(template.format(json.dumps(good)).encode())


@pytest.mark.parametrize(
    ("value", "scheme"),
    [("java\tscript:x", "javascript"), (" \x01javascript:x", "javascript"),
     ("HTTPS://x", "https"), ("/path", None), ("a b:c", None),
     ("\njava\nscript\n:x", "javascript")],
)  # fmt: skip
def test_the_scheme_is_read_as_a_browser_reads_it(value, scheme):
    assert url_scheme(value) == scheme


@pytest.mark.parametrize("value", ["https://ex.org/a\tb", "https://ex.org/\n", " /x"])
def test_a_link_with_characters_a_browser_drops_is_not_a_link(value):
    assert not is_link(value)


def hrefs_of(page: str) -> list[str]:
    """Every href and src value in a page, unescaped as the browser reads it."""
    return [html.unescape(v) for v in re.findall(r'(?:href|src)\s*=\s*"([^"]*)"', page)]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_such_href_reaches_the_page_through_markdown(payload):
    escaped = html.escape(payload, quote=True)
    yaml_text = MINIMAL + (
        "about: "
        + json.dumps(f'[a]({payload}) <a href="{escaped}">b</a> <img src="{escaped}">')
        + "\nnews:\n  - {text: "
        + json.dumps(f"[c]({payload})")
        + "}\n"
    )
    try:
        site = load_site(yaml_text.encode())
    except Exception as error:  # a control character is refused before any page exists
        assert "control character" in str(error)
        return
    page = render_home_page(site, None)
    # markdown may link to another host (as with https://), never to something a browser runs
    for value in hrefs_of(page):
        assert url_scheme(value) in (None, "http", "https", "mailto"), value
        assert "script" not in value.lower().replace("\t", "").replace("\n", ""), value


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_refused_link_never_reaches_the_served_page(client, payload):
    from tests.test_app import expire_content_cache, put_content

    good = client.http.get("/").body
    example = (EXAMPLES / "site.yaml").read_text()
    bad = example.replace("link: https://github.com", "link: " + json.dumps(payload), 1)
    assert bad != example
    put_content("site.yaml", bad.encode())
    expire_content_cache()
    response = client.http.get("/")
    assert response.status_code == 200 and response.body == good
