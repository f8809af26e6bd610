"""An AcadHomepage import can never make a page worse: sections arrive as the visitor saw them,
and a structured paper is kept only when it shows what its fragment shows."""

from __future__ import annotations

import html
import re

import pytest
import yaml

from chalicelib.importers.acadhomepage import import_acadhomepage
from chalicelib.importers.acadhomepage.selfcheck import paper_problem
from chalicelib.site.content import load_site
from chalicelib.site.render import render_home_page

OWNER = "author: {name: Ann Lee}\n"
OWLS = "Owls at night in the forest"


def imported(about: str, config: str = OWNER):
    result = import_acadhomepage(about, config)
    load_site(result.text.encode())  # every import is a valid content file
    return result


def papers(about: str, config: str = OWNER) -> list[dict]:
    return yaml.safe_load(imported(about, config).text)["publications"]


def page_text(about: str) -> str:
    page = render_home_page(load_site(imported(about).text.encode()), None)
    body = re.sub(r"<(script|style|head)\b.*?</\1>", "", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


STRUCTURED = {
    "venue-label-before-the-title": (
        "<div class='paper-box-text'>\n  <p>\n    <strong> [CVPR'26] &nbsp; </strong>"
        f'<a href="https://x.org/o">{OWLS}</a>\n  </p>\n  <p>\n    Bo Chen, '
        "<strong>Ann Lee</strong>\n  </p>\n</div>\n",
        {"title": OWLS, "link": "https://x.org/o", "authors": ["Bo Chen", "Ann Lee"]},
    ),
    "apa": (
        f"- Tan, H., <strong>Lee, A.</strong>*, & Li, M. (2026). {OWLS}. Journal of Owls, 394, "
        "126171.\n",
        {"title": OWLS, "authors": ["H. Tan", "A. Lee*", "M. Li"], "year": 2026},
    ),
    "title-authors-venue-on-one-line": (
        f"- {OWLS}. Ann Lee, Bo Chen (**CVPR 2024** | [Paper](https://x.org/p))\n",
        {"title": OWLS, "authors": ["Ann Lee", "Bo Chen"], "venue": "CVPR 2024", "year": 2024},
    ),
    "journal-first-in-a-box": (
        "<div class='paper-box'><div class='paper-box-text' markdown=\"1\">\n\n*Journal of Owls* "
        f"2024\n\n[{OWLS}](https://x.org/o)\n\n**Ann Lee**, Bo Chen\n</div></div>\n",
        {"title": OWLS, "authors": ["Ann Lee", "Bo Chen"], "venue": "Journal of Owls 2024"},
    ),
    "escaped-brackets-around-a-button": (
        f"- [{OWLS}](https://x.org/o), **Ann Lee**, Bo Chen, **CVPR 2024** "
        "\\[[**Code**](https://github.com/a/o)\\]\n",
        {"venue": "CVPR 2024", "links": {"code": "https://github.com/a/o"}},
    ),
    "bold-italic-owner": (
        f"- [{OWLS}](https://x.org/o), ***Ann Lee***, Bo Chen, **CVPR 2024**\n",
        {"authors": ["Ann Lee", "Bo Chen"]},
    ),
    "quoted-title": (
        f'- "{OWLS}", **Ann Lee**, Bo Chen, *CVPR 2024*\n',
        {"title": OWLS, "authors": ["Ann Lee", "Bo Chen"]},
    ),
    "venue-with-its-rank-after-the-authors": (
        f"- [{OWLS}](https://x.org/o). **Ann Lee**, and Bo Chen, *in the Proceedings of the AAAI "
        "Conference* (CCF A), 2026.\n",
        {
            "authors": ["Ann Lee", "Bo Chen"],
            "venue": "in the Proceedings of the AAAI Conference (CCF A), 2026",
            "year": 2026,
        },
    ),
    "kramdown-line-break-and-a-status-after-the-names": (
        "<div class='paper-box'><div class='paper-box-text' markdown=\"1\">\n\n"
        f"[{OWLS}](https://x.org/o) \\\\\nBo Chen, **Ann Lee**\\*, Cy Dee **Under Review**\n"
        "</div></div>\n",
        {"authors": ["Bo Chen", "Ann Lee*", "Cy Dee"], "venue": "Under Review"},
    ),
    "a-stars-badge-inside-the-title-link": (
        "<div class='paper-box'><div class='paper-box-text' markdown=\"1\">\n\n"
        "[![Star](https://img.shields.io/github/stars/a/o.svg?style=social&label=Star) <br> "
        f"{OWLS}](https://x.org/o)<br>\n**Ann Lee**, Bo Chen\n</div></div>\n",
        {"link": "https://x.org/o", "authors": ["Ann Lee", "Bo Chen"]},
    ),
    "year-only-in-the-badge": (
        "<div class='paper-box'><div class='paper-box-image'><div><div class=\"badge\">IEEE TPAMI "
        "2023</div><img src='images/a.png'></div></div>\n<div class='paper-box-text' "
        f'markdown="1">\n\n[{OWLS}](https://x.org/o)\n\n**Ann Lee**, Bo Chen\n</div></div>\n',
        {"venue": "IEEE TPAMI 2023", "year": 2023, "image": "a.png", "featured": True},
    ),
}


@pytest.mark.parametrize("item, expected", STRUCTURED.values(), ids=STRUCTURED.keys())
def test_each_shape_of_paper_is_structured_without_markup(item, expected):
    (paper,) = papers(f"# 📝 Publications\n{item}")
    assert {key: paper.get(key) for key in expected} == expected
    assert not re.search(r"[\[\]*`<>]|\]\(", paper["title"])
    assert not paper_problem(paper, _fragment_of(item))


def _fragment_of(item: str) -> str:
    from chalicelib.importers.acadhomepage.fragment import fragment_html
    from chalicelib.importers.acadhomepage.page import PageReading
    from chalicelib.importers.acadhomepage.source import Line

    lines = [Line("about.md:1", text) for text in re.sub(r"^- ", "", item).split("\n")]
    return fragment_html(lines, PageReading())


def test_an_item_that_fails_its_check_is_kept_as_written_in_its_place_and_reported():
    about = (
        "# 📝 Publications\n"
        f"- [{OWLS}](https://x.org/o), **Ann Lee**, **CVPR 2024**\n"
        "- In 2026 [[Owls](https://x.org/a)] and *more* owls, see {the} list\n"
        f"- [Bats at noon in the city](https://x.org/b), **Ann Lee**, **ICLR 2023**\n"
    )
    result = imported(about)
    listed = yaml.safe_load(result.text)["publications"]
    assert [paper.get("title", "kept") for paper in listed] == [
        OWLS,
        "kept",
        "Bats at noon in the city",
    ]
    assert listed[1] == {
        "markdown": '<div><p>In 2026 [<a href="https://x.org/a" rel="noopener">Owls</a>] and '
        "<em>more</em> owls, see {the} list</p></div>"
    }
    (line,) = result.kept_raw
    assert line.startswith("about.md:3: item kept as written: ")
    text = page_text(about)
    assert text.index(OWLS) < text.index("and more owls, see {the} list") < text.index("Bats at")


@pytest.mark.parametrize(
    ("paper", "check"),
    [
        ({"title": "[CVPR] [Owls](https://x.org)", "authors": ["Ann Lee"]}, "title"),
        ({"title": OWLS, "authors": ["*in the Proceedings of AAAI"]}, "author"),
        ({"title": OWLS, "authors": ["2026."]}, "author"),
        ({"title": OWLS, "authors": ["*Ann Lee"]}, "author"),
        ({"title": OWLS, "authors": ["Ann Lee"], "year": 2019}, "year"),
        ({"title": OWLS, "authors": ["Ann Lee"], "venue": "CVPR []"}, "venue"),
        ({"title": f'"{OWLS}"', "authors": ["Ann Lee"]}, "quotes"),
        ({"title": OWLS}, "words the page shows are lost"),
        ({"title": OWLS, "authors": ["Ann Lee", "Bo Chen", "Cy Dee"]}, "added"),
        ({"title": OWLS, "authors": ["Ann Lee", "Bo Chen"], "link": "https://x.org/b"}, "links"),
    ],
    ids=[
        "markup",
        "venue",
        "year",
        "star",
        "absent-year",
        "brackets",
        "quotes",
        "lost",
        "added",
        "links",
    ],
)
def test_the_self_check_names_what_fails(paper, check):
    fragment = f'<div><p><a href="https://x.org/o">{OWLS}</a>, <b>Ann Lee</b>, Bo Chen</p></div>'
    assert check in paper_problem(paper, fragment)


def test_a_paper_that_shows_what_its_fragment_shows_passes():
    fragment = f'<div><p><a href="https://x.org/o">{OWLS}</a>, <b>Ann Lee</b>, Bo Chen</p></div>'
    paper = {"title": OWLS, "link": "https://x.org/o", "authors": ["Ann Lee", "Bo Chen"]}
    assert paper_problem(paper, fragment) == ""


def test_boxes_under_any_heading_are_papers():
    about = (
        "## ⚙️ Research Project\n<div class='paper-box'><div class='paper-box-text' markdown=\"1\">"
        f"\n\n[{OWLS}](https://x.org/o)\n\n**Ann Lee**, Bo Chen\n\n*CVPR 2024*\n</div></div>\n"
    )
    converted = yaml.safe_load(imported(about).text)
    assert converted["sections"] == [
        {"type": "publications", "title": "Research Project", "icon": "⚙️"}
    ]
    assert converted["publications"][0]["title"] == OWLS


def test_a_label_line_over_a_list_heads_its_papers_in_place():
    about = (
        "# 📝 Publications\n📃 Papers\n\n"
        f"- [{OWLS}](https://x.org/o), **Ann Lee**, Bo Chen, **CVPR 2024**\n"
    )
    (paper,) = papers(about)
    assert paper["group"] == "📃 Papers"


def test_a_bold_student_is_not_the_owner_but_the_configs_name_is():
    about = (
        "# 📝 Publications\n- [Owls at night](https://x.org/o), **Cy Dee**, **A. Lee**, **CVPR**\n"
        "- [Bats at noon](https://x.org/b), Bo Chen, **Ann Lee**, **ICLR 2023**\n"
    )
    profile = yaml.safe_load(imported(about).text)["profile"]
    assert profile["author_names"] == ["Ann Lee", "A. Lee"]


def test_without_the_owners_name_in_the_config_the_most_marked_name_is_the_owner():
    about = (
        "# 📝 Publications\n- [Owls at night](https://x.org/o), **Cy Dee**, **Ann Lee**, **CVPR**\n"
        "- [Bats at noon](https://x.org/b), Bo Chen, **Ann Lee**, **ICLR 2023**\n"
    )
    profile = yaml.safe_load(imported(about, "author: {name: 李安}\n").text)["profile"]
    assert profile["author_names"] == ["李安", "Ann Lee"]


@pytest.mark.parametrize(
    ("about", "shown"),
    [
        ("Hi.\n<script>var owls = 1; document.write('x');</script>\n", "<div><p>Hi.</p></div>"),
        ("Hi &amp; bye, R&amp;D.\n", "<div><p>Hi &amp; bye, R&amp;D.</p></div>"),
        (
            "Hi.\n\n<img src=\"{{ '/images/x.png' | relative_url }}\">\n",
            '<div><p>Hi.</p>\n<img src="media/x.png"></div>',
        ),
        (
            '<div markdown="1">\n**Owls** and [bats](https://x.org/b)\n</div>\n',
            '<div><div>\n<p><strong>Owls</strong> and <a href="https://x.org/b" rel="noopener">'
            "bats</a></p>\n</div></div>",
        ),
        (
            "Cited <span id='total_cit'>4700+</span> times.\n",
            '<div><p>Cited <span id="total_cit">4700+</span> times.</p></div>',
        ),
    ],
    ids=["script", "entities-once", "relative-url", "markdown-1-block", "static-total"],
)
def test_a_section_arrives_as_kramdown_showed_it(about, shown):
    assert yaml.safe_load(imported(about).text)["about"] == shown


def test_news_folded_in_details_keep_their_order_and_the_fold_is_no_entry_text():
    about = (
        "# 🔥 News\n- *2024.05*: New.\n<details><summary>More</summary>\n\n"
        "- *2023.01*: Old.\n\n</details>\n"
    )
    assert yaml.safe_load(imported(about).text)["news"] == [
        {"date": "2024.05", "text": "New."},
        {"date": "2023.01", "text": "Old."},
    ]


def test_a_static_total_keeps_its_text_on_the_page_until_numbers_exist():
    assert "Cited 4700+ times." in page_text("Cited <span id='total_cit'>4700+</span> times.\n")


def test_a_link_into_the_old_sites_files_is_named_in_the_report():
    result = imported("Read [my thesis](./pdf/thesis.pdf).\n")
    assert result.notes == (
        "about.md:1: the link './pdf/thesis.pdf' points into the old site's files; copy the file "
        "into media/ and link it there, or link its full address",
    )


def test_a_kept_paper_shows_on_the_page_with_its_pictures_from_media():
    content = (
        "site: {title: T}\nprofile: {name: N}\nsections: [publications]\npublications:\n"
        '  - markdown: \'<div class="paper-box"><img src="media/a.png"> Owls</div>\'\n'
        "    featured: true\n"
        "  - {title: Bats, authors: [N]}\n"
    )
    page = render_home_page(load_site(content.encode()), None, media_root="/m")
    assert '<div class="paper-kept"><div class="paper-box"><img src="/m/a.png"> Owls</div>' in page
    assert len(re.findall(r'"@type":\s*"ScholarlyArticle"', page)) == 1
