"""The content model: what a valid file gives, and the exact message for each kind of bad input."""

from __future__ import annotations

import pytest

from chalicelib.site.content import ContentError, load_site
from tests.conftest import EXAMPLES

MINIMAL = """\
site:
  title: My page
profile:
  name: Ada Lovelace
"""


def problems_of(text: str | bytes) -> list[str]:
    raw = text.encode() if isinstance(text, str) else text
    with pytest.raises(ContentError) as caught:
        load_site(raw, "site.yaml")
    return str(caught.value).splitlines()


def test_example_reproduces_every_seed_section():
    site = load_site((EXAMPLES / "site.yaml").read_bytes())
    kinds = [section.kind for section in site.sections]
    assert kinds == ["about", "news", "publications", "awards", "education", "talks", "internships"]
    news, papers = site.sections[1], site.sections[2].publications
    assert len(news.entries) == 2 and news.entries[0].date == "2022.02"
    featured = papers[0]
    assert featured.featured and featured.venue == "CVPR 2016" and featured.year == 2016
    assert featured.scholar_id == "DhtAFkwAAAAJ:ALROH1vI_8AC"
    assert [a.name for a in featured.authors if a.is_owner] == ["Kaiming He"]
    assert [link.label for link in featured.links] == ["Project"]
    assert '<span id="total_cit">' in site.sections[0].html


def test_minimal_file_gets_defaults():
    site = load_site(MINIMAL.encode())
    assert site.settings.language == "en"
    assert site.profile.author_names == ("Ada Lovelace",)
    assert site.sections == ()


def test_dates_stay_as_written_not_as_numbers():
    site = load_site((MINIMAL + "news:\n  - date: 2022.10\n    text: hi\n").encode())
    assert site.sections[0].entries[0].date == "2022.10"


def test_sections_follow_the_given_order_with_overrides():
    text = MINIMAL + (
        "sections:\n"
        "  - news\n"
        "  - {type: about, title: Bio, icon: '👋', id: bio}\n"
        "  - {id: teaching, title: Teaching, markdown: 'I teach *CS101*.'}\n"
        "about: Hello\n"
        "news:\n  - {date: '2024.01', text: New job}\n"
    )
    site = load_site(text.encode())
    assert [(s.kind, s.id, s.title) for s in site.sections] == [
        ("news", "news", "News"),
        ("about", "bio", "Bio"),
        ("markdown", "teaching", "Teaching"),
    ]
    assert site.sections[2].html == "<p>I teach <em>CS101</em>.</p>\n"


BAD_CONTENT = [
    pytest.param(
        MINIMAL + "publications:\n  - title: A\n  - title: B\n  - title: C\n    year: n.d.\n",
        "site.yaml:9 publications[2].year: expected an integer, got 'n.d.'",
        id="wrong-type",
    ),
    pytest.param(
        "site:\n  title: T\nprofile:\n  bio: x\n",
        "site.yaml:4 profile.name: required field is missing",
        id="missing-required",
    ),
    pytest.param(
        MINIMAL.replace("  name:", "  nmae: x\n  name:"),
        "site.yaml:4 profile.nmae: unknown field; did you mean 'name'?",
        id="unknown-key",
    ),
    pytest.param(
        MINIMAL + "publicatons: []\n",
        "site.yaml:5 publicatons: unknown field; did you mean 'publications'?",
        id="unknown-top-level-key",
    ),
    pytest.param(
        "site:\n  title: [unclosed\nprofile:\n  name: x\n",
        "site.yaml:2: YAML syntax error: the list opened with '[' at line 2, column 10 is not "
        "closed (did not find expected ',' or ']' at line 3, column 8)",
        id="syntax-error",
    ),
    pytest.param(
        MINIMAL + "news:\n  - date: !!python/object/apply:os.system ['echo hi']\n    text: x\n",
        "site.yaml:6 news[0].date: the tag '!!python/object/apply:os.system' is not allowed; "
        "use plain values",
        id="python-tag",
    ),
    pytest.param(
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
        "site.yaml:2 b[0]: anchors and aliases (&name / *name) are not allowed in content files",
        id="alias-bomb",
    ),
    pytest.param(
        MINIMAL.encode() + b"about: caf\xe9\n",
        "site.yaml:5: not UTF-8 text (byte 0xe9 at column 11); save the file as UTF-8",
        id="not-utf8",
    ),
    pytest.param(
        MINIMAL + "about: |\n" + "  x\n" * 300_000,
        "site.yaml: the file is 1,200,062 bytes; the limit is 1,048,576 (1 MB)",
        id="over-1mb",
    ),
    pytest.param(
        MINIMAL.replace("title: My page", "title: [a, b]"),
        "site.yaml:2 site.title: expected text, got a list",
        id="list-for-text",
    ),
    pytest.param(
        MINIMAL + "publications:\n  - title: A\n    link: 'javascript:alert(1)'\n",
        "site.yaml:7 publications[0].link: expected an http(s) or mailto URL, or a path on "
        "this site such as '/cv.pdf', got 'javascript:alert(1)'",
        id="javascript-url",
    ),
    pytest.param(
        MINIMAL + "publications:\n  - title: A\n    image: ../secret.png\n",
        "site.yaml:7 publications[0].image: expected an https URL or a media key such as "
        "'avatar.png', got '../secret.png'",
        id="media-key-escape",
    ),
    pytest.param(
        MINIMAL + "publications:\n  - title: A\n    scholar_id: nope\n",
        "site.yaml:7 publications[0].scholar_id: expected 'USER:PUBID' as in Scholar's "
        "citation_for_view, got 'nope'",
        id="bad-paper-id",
    ),
    pytest.param(
        MINIMAL + "sections: [news, blog]\nnews: []\n",
        "site.yaml:5 sections[1]: expected a section type ('about', 'news', 'publications', "
        "'awards', 'education', 'talks', 'internships', 'service', 'markdown'), got 'blog'",
        id="unknown-section",
    ),
    pytest.param(
        MINIMAL + "sections: [news]\nnews: []\nawards: []\n",
        "site.yaml:7 awards: has content but no section shows it; add 'awards' to sections",
        id="content-not-shown",
    ),
    pytest.param(
        MINIMAL.replace("title: My page", "title: My page\n  language: english"),
        "site.yaml:3 site.language: expected a language code such as 'en' or 'zh-CN', "
        "got 'english'",
        id="bad-language",
    ),
    pytest.param("", "site.yaml: the file is empty", id="empty"),
    pytest.param("- a\n- b\n", "site.yaml:1: expected a mapping of fields, got a list", id="list"),
]


@pytest.mark.parametrize(("text", "message"), BAD_CONTENT)
def test_bad_content_gives_one_located_message(text, message):
    assert message in problems_of(text)


def test_every_problem_is_listed_not_just_the_first():
    text = "site:\n  title: [x]\nprofile:\n  name: 3.5\n  emial: a@b.c\n"
    assert problems_of(text) == [
        "site.yaml:2 site.title: expected text, got a list",
        "site.yaml:5 profile.emial: unknown field; did you mean 'email'?",
    ]


def test_html_and_script_in_markdown_are_sanitized():
    text = MINIMAL + (
        "about: |\n"
        "  <script>alert(1)</script><div class='paper-box' onclick='x()'>box</div>\n\n"
        "  <a href='javascript:alert(2)'>a</a> <img src=x onerror=alert(3)>\n"
        "news:\n  - {date: '2024', text: '<b onmouseover=alert(4)>hi</b><iframe src=x>'}\n"
    )
    site = load_site(text.encode())
    html = site.sections[0].html + site.sections[1].entries[0].html
    for bad in ("<script", "onclick", "javascript:", "onerror", "onmouseover", "<iframe"):
        assert bad not in html
    assert '<div class="paper-box">box</div>' in html
