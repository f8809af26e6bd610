"""The shapes real AcadHomepage pages take, each arriving whole through import-acadhomepage."""

from __future__ import annotations

import html
import re
import shutil

import pytest
import yaml

from chalicelib.cli import main
from chalicelib.importers.acadhomepage import import_acadhomepage
from chalicelib.site.content import load_site
from chalicelib.site.render import render_home_page
from tests.conftest import FIXTURES

SITE = FIXTURES / "acadhomepage-site"
OWNER = "author: {name: Ann Lee}\n"


def imported(about: str, config: str = OWNER, files: dict | None = None):
    result = import_acadhomepage(about, config, read_relative=(files or {}).get)
    load_site(result.text.encode())
    return result


def convert(about: str, config: str = OWNER, files: dict | None = None) -> dict:
    return yaml.safe_load(imported(about, config, files).text)


def page_text(about: str, config: str = OWNER) -> str:
    """The words a visitor of the imported page reads."""
    site = load_site(imported(about, config).text.encode())
    page = render_home_page(site, None)
    body = re.sub(r"<(script|style|head)\b.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


# --- comments and Liquid --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "about",
    [
        "Hi.\n<!--\n# 💬 Invited Talks\n- *2021.06*, Lorem ipsum talk\n-->\n",
        "Hi.\n<!--- - *2021.12*: Lorem ipsum accepted. -->\n",
        "Hi. <!-- Lorem ipsum --> \n",
        "Hi.\n[//]: # (Lorem ipsum hidden line)\n",
        "Hi.\n<!-- Lorem ipsum never closed\n",
        "Hi. {: .notice}\n",
    ],
    ids=[
        "multi-line-section",
        "three-dashes",
        "inline",
        "markdown-comment",
        "unclosed",
        "kramdown-attributes",
    ],
)
def test_commented_out_text_never_comes_back(about):
    converted = convert(about)
    assert converted["sections"] == ["about"]
    assert converted["about"] == "<div><p>Hi.</p></div>"
    assert "-->" not in page_text(about)


def test_a_stray_comment_closer_never_shows():
    about = "Hi.\n<!-- Lorem --> ipsum -->\n"
    assert convert(about)["about"] == "<div><p>Hi.\nipsum</p></div>"
    assert "-->" not in page_text(about)


def test_included_files_are_read_next_to_the_page_and_other_liquid_goes():
    about = (
        "{% if site.x %}\n{% assign u = 'a' |\n  append: 'b' %}\n{% endif %}\nHi.\n\n"
        "{% include_relative includes/news.md %}\n"
    )
    files = {"includes/news.md": "# 🔥 News\n- *2024.01*: One.\n"}
    converted = convert(about, files=files)
    assert converted["about"] == "<div><p>Hi.</p></div>"
    assert converted["news"] == [{"date": "2024.01", "text": "One."}]


def test_an_include_that_cannot_be_read_is_reported_with_its_line():
    result = imported("Hi.\n{% include_relative missing.md %}\n")
    assert result.unread == (
        "about.md:2: the included file 'missing.md' (not found next to the page)",
    )


# --- papers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "paper"),
    [
        (
            "- `CVPR 2024` [Owls](https://x.org/o), Bo Chen, **Ann Lee**, Cy Dee",
            {
                "title": "Owls",
                "link": "https://x.org/o",
                "authors": ["Bo Chen", "Ann Lee", "Cy Dee"],
                "venue": "CVPR 2024",
                "year": 2024,
            },
        ),
        (
            "- [Owls](https://x.org/o), Ann Lee, Bo Chen, **NeurIPS**",
            {
                "title": "Owls",
                "link": "https://x.org/o",
                "authors": ["Ann Lee", "Bo Chen"],
                "venue": "NeurIPS",
            },
        ),
        (
            "- **Owls at Night**  \n<u>Ann Lee</u>\\*, Bo Chen\\*, and Cy Dee  \n"
            '***<font color = "#224B8D">IJCAI 2021</font>*** \\| [[Paper](https://x.org/p.pdf)]',
            {
                "title": "Owls at Night",
                "authors": ["Ann Lee*", "Bo Chen*", "Cy Dee"],
                "venue": "IJCAI 2021",
                "year": 2021,
                "links": {"Paper": "https://x.org/p.pdf"},
            },
        ),
        (
            "- **[CVPR 2024]** [Owls](https://x.org/o), Ann Lee",
            {
                "title": "Owls",
                "link": "https://x.org/o",
                "authors": ["Ann Lee"],
                "venue": "CVPR 2024",
                "year": 2024,
            },
        ),
        (
            "- [ICLR 2023] [Owls](https://x.org/o), Ann Lee",
            {
                "title": "Owls",
                "link": "https://x.org/o",
                "authors": ["Ann Lee"],
                "venue": "ICLR 2023",
                "year": 2023,
            },
        ),
        (
            "- A. Lee, **B. Chen**, C. Dee. Owls at night: a study. CVPR 2023. [pdf](https://x.org/p)",
            {
                "title": "Owls at night: a study",
                "authors": ["A. Lee", "B. Chen", "C. Dee"],
                "venue": "CVPR 2023",
                "year": 2023,
                "links": {"pdf": "https://x.org/p"},
            },
        ),
        (
            "- Owls at Dawn. **Ann Lee**, Bo Chen and Cy Dee. *NeurIPS 2022*.",
            {
                "title": "Owls at Dawn",
                "authors": ["Ann Lee", "Bo Chen", "Cy Dee"],
                "venue": "NeurIPS 2022",
                "year": 2022,
            },
        ),
        (
            "1. [Owls](https://x.org/o), Ann Lee, Bo Chen, *ICML 2023*",
            {
                "title": "Owls",
                "link": "https://x.org/o",
                "authors": ["Ann Lee", "Bo Chen"],
                "venue": "ICML 2023",
                "year": 2023,
            },
        ),
        (
            "- **Owls**, Ann Lee, Bo Chen. CVPR 2023. [[paper](https://x.org/p)]",
            {
                "title": "Owls",
                "authors": ["Ann Lee", "Bo Chen"],
                "venue": "CVPR 2023",
                "year": 2023,
                "links": {"paper": "https://x.org/p"},
            },
        ),
    ],
    ids=[
        "venue-in-backticks",
        "venue-last-in-bold",
        "multi-line-item",
        "venue-first-in-bold-brackets",
        "venue-first-in-brackets",
        "reference-authors-first",
        "reference-title-first",
        "numbered",
        "venue-after-a-full-stop",
    ],
)
def test_papers_as_list_items(item, paper):
    assert convert(f"# 📝 Publications\n{item}\n")["publications"] == [paper]


BOX_TEXT = (
    "<div class='paper-box-text' markdown=\"1\">\n\n[Owls](https://x.org/o)\n\n"
    "**Ann Lee**, Bo Chen\n\n</div>\n"
)
OWLS = {
    "title": "Owls",
    "link": "https://x.org/o",
    "authors": ["Ann Lee", "Bo Chen"],
    "featured": True,
}


@pytest.mark.parametrize(
    ("box", "paper"),
    [
        (
            "<div class='paper-box-top'><div class='paper-box-image'><div>"
            "<div class=\"badge\">ICLR 2024</div><img src='images/o.png'></div></div>\n"
            + BOX_TEXT
            + "</div>\n",
            {**OWLS, "venue": "ICLR 2024", "year": 2024, "image": "o.png"},
        ),
        (
            "<div class='paper-box-bottom'><div class='paper-box-image'><img src='images/o.png'>"
            "</div>\n" + BOX_TEXT + "</div>\n",
            {**OWLS, "image": "o.png"},
        ),
        (BOX_TEXT, OWLS),
        (
            "<div class='paper-box'><div class='paper-box-text'><p><a href=\"https://x.org/o\">"
            "<b>Owls</b></a><br><u>Ann Lee</u>, Bo Chen<br><i>CVPR 2023</i></p></div></div>\n",
            {**OWLS, "venue": "CVPR 2023", "year": 2023},
        ),
        (
            '<div class="paper-box paper-box--wide" id="owls">\n'
            '  <div class="paper-box-label"><span>Owl Letters</span></div>\n'
            '  <div class="paper-box-image"><div class="paper-badge">ICLR</div></div>\n'
            '  <div class="paper-box-text">\n    <h3><a href="https://x.org/o" target="_blank">\n'
            "      Owls\n    </a></h3>\n"
            '    <div class="paper-authors"><strong>Ann Lee</strong>, Bo Chen</div>\n'
            '    <div class="paper-venue">ICLR 2024</div>\n  </div>\n</div>\n',
            {**OWLS, "venue": "ICLR 2024", "year": 2024, "description": ["Owl Letters"]},
        ),
    ],
    ids=[
        "paper-box-top",
        "paper-box-bottom",
        "bare-paper-box-text",
        "hand-written-html",
        "nested-divs-and-more-classes",
    ],
)
def test_paper_boxes_of_every_variant(box, paper):
    assert convert(f"# 📝 Publications\n\n{box}")["publications"] == [paper]


def test_papers_written_as_paragraphs():
    about = (
        "# 📝 Publications\n(*: equal contribution)\n\n**Owls at Night and Day**\n\n"
        "Bo Chen<sup>*</sup>, **Ann Lee**<sup>*</sup>\n\nICML 2019\n\n"
        "[Paper](https://x.org/p) | [Code](https://github.com/a/o) | [OwlData](https://x.org/d)\n\n"
        "[Bats at Dawn and Dusk](https://x.org/b)\n\nAnn Lee, Bo Chen\n"
    )
    converted = convert(about)
    assert converted["publications"] == [
        {
            "markdown": '<div class="paper-note"><p>(*: equal contribution)</p></div>',
            "featured": True,
        },
        {
            "title": "Owls at Night and Day",
            "authors": ["Bo Chen*", "Ann Lee*"],
            "venue": "ICML 2019",
            "year": 2019,
            "links": {
                "Paper": "https://x.org/p",
                "code": "https://github.com/a/o",
                "OwlData": "https://x.org/d",
            },
        },
        {
            "title": "Bats at Dawn and Dusk",
            "link": "https://x.org/b",
            "authors": ["Ann Lee", "Bo Chen"],
        },
    ]


def test_highlight_boxes_outside_the_publications_section_are_papers_too():
    about = (
        f"# ✨ Highlights\n\n{BOX_TEXT}\n# 📝 Publications\n- [Owls](https://x.org/o), Ann Lee\n"
    )
    about += "- [Bats](https://x.org/b), Ann Lee\n"
    converted = convert(about)
    assert converted["sections"] == [{"type": "publications", "title": "Highlights", "icon": "✨"}]
    listed = [
        (p["title"], p.get("featured", False), p.get("group")) for p in converted["publications"]
    ]
    assert listed == [
        ("Owls", True, None),
        ("Owls", False, "Publications"),
        ("Bats", False, "Publications"),
    ]


@pytest.mark.parametrize(
    ("venue_line", "venue"),
    [
        ('**<font color="red">ICLR 2024</font>**', "ICLR 2024"),
        ("*Measurement Science and Technology*, 2025, Published", None),
    ],
)
def test_venue_lines(venue_line, venue):
    about = "# 📝 Publications\n\n<div class='paper-box-text'>\n\n**Owls**\n\nAnn Lee, Bo Chen\n\n"
    about += f"{venue_line} \\| [Paper](https://x.org/p)\n</div>\n"
    paper = convert(about)["publications"][0]
    expected = venue or "Measurement Science and Technology, 2025, Published"
    assert (paper["venue"], paper["year"]) == (expected, int(re.search(r"20\d\d", expected)[0]))
    assert paper["links"] == {"Paper": "https://x.org/p"}


def test_empty_links_and_bracketed_remarks_keep_their_words():
    box = (
        "<div class='paper-box-text'>\n\n[Owls]()\n\nAnn Lee, Bo Chen\n\n"
        "[[**Code-TBD**]]() [Oral (3.97%)]\n</div>\n"
    )
    paper = convert(f"# 📝 Publications\n{box}")["publications"][0]
    assert (paper["title"], paper["description"]) == ("Owls", ["[**Code-TBD**] [Oral (3.97%)]"])
    assert "link" not in paper and "venue" not in paper


def test_a_badge_that_is_not_the_venue_stays_as_the_badge():
    box = (
        "<div class='paper-box'><div class='paper-box-image'><div class=\"badge\">Pose tracking"
        "</div></div>\n<div class='paper-box-text'>\n\n**Owls**\n\nAnn Lee\n\n*MST*, 2025\n"
        "</div></div>\n"
    )
    paper = convert(f"# 📝 Publications\n{box}")["publications"][0]
    assert (paper["venue"], paper["badge"]) == ("MST, 2025", "Pose tracking")


@pytest.mark.parametrize(
    ("authors", "names", "owner"),
    [
        ("<u>Ann Lee</u>, Bo Chen", ["Ann Lee", "Bo Chen"], "Ann Lee"),
        ("<strong>A. Lee</strong>, Bo Chen", ["A. Lee", "Bo Chen"], "A. Lee"),
        ("Bo Chen, **Ann L.**", ["Bo Chen", "Ann L."], "Ann L."),
        (
            '**<span style="color:SkyBlue">Ann Lee\\*</span>**, Bo Chen\\*',
            ["Ann Lee*", "Bo Chen*"],
            "Ann Lee",
        ),
        ("Bo Chen$^\\dagger$, <u>Ann Lee</u>†", ["Bo Chen†", "Ann Lee†"], "Ann Lee"),
        ("Bo Chen*, Cy Dee and <u>Ann Lee</u>", ["Bo Chen*", "Cy Dee", "Ann Lee"], "Ann Lee"),
        ("**Ann Lee** [*the corresponding author*], Bo Chen", ["Ann Lee†", "Bo Chen"], "Ann Lee"),
    ],
    ids=["underline", "strong", "bold", "coloured-span", "dagger", "and-before-last", "remark"],
)
def test_owner_and_contribution_marks(authors, names, owner):
    about = f"# 📝 Publications\n\n<div class='paper-box-text'>\n\n**Owls**\n\n{authors}\n</div>\n"
    converted = convert(about, "author: {name: Someone Else}\n")
    assert converted["publications"][0]["authors"] == names
    assert owner in converted["profile"]["author_names"]


def test_marks_stay_visible_and_the_owner_is_found_without_them():
    about = "# 📝 Papers\n- [Owls](https://x.org/o), <u>Ann Lee</u>\\*, Bo Chen\\*, **ICLR**\n"
    text = page_text(about)
    assert re.search(r"Ann Lee\s*\*\s*,\s*Bo Chen\s*\*", text)
    site = load_site(imported(about).text.encode())
    author = site.sections[0].publications[0].authors[0]
    assert (author.name, author.is_owner, author.mark) == ("Ann Lee", True, "*")


# --- headings and sections -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("# <font id='news'>🔥 News</font>", "news"),
        ("# 新闻", "news"),
        ("# 论文", "publications"),
        ("# 荣誉与奖项", "awards"),
        ("# 教育经历", "education"),
        ("# 学术服务", "service"),
        ("# 📫 Academic Services", "service"),
        ("# 💻 Experience", "internships"),
        ("# 实习经历", "internships"),
        ("# 🧑‍🏫 Teaching Experience", "markdown"),
        ("## 🔥 News", "news"),
    ],
)
def test_headings_in_html_and_other_languages_map_to_sections(heading, kind):
    body = "- [Owls](https://x.org/o), Ann Lee" if kind == "publications" else "- *2020.01*: x"
    section = convert(f"{heading}\n{body}\n")["sections"][0]
    assert (section if isinstance(section, str) else section.get("type", "markdown")) == kind


@pytest.mark.parametrize(
    "about",
    [
        "<span class='anchor' id='latest'></span>\n# 🔥 News\n- *2020.01*: x\n",
        "# 🔥 News\n<span class='anchor' id='latest'></span>\n- *2020.01*: x\n",
    ],
    ids=["before", "after"],
)
def test_anchors_before_or_after_a_heading_name_its_section(about):
    assert convert(about)["sections"] == [{"type": "news", "id": "latest"}]


def test_an_anchor_taken_by_an_earlier_section_is_never_used_twice():
    about = (
        "# Latest\n<span class='anchor' id='news'></span>\nSome text.\n\n# 🔥 News\n- *2020*: x\n"
    )
    sections = convert(about)["sections"]
    assert [s["id"] for s in sections] == ["news", "news-2"]


def test_a_headings_links_stay_on_the_page():
    about = (
        "# 📝 Publications <a href='https://scholar.google.com/citations?user=AbCdEfGhIjKl'>"
        "(Scholar)</a>\n- [Owls](https://x.org/o), Ann Lee\n"
    )
    converted = convert(about)
    assert converted["sections"][0]["title"] == "Publications (Scholar)"
    assert converted["publications"][0]["markdown"] == (
        '<div class="paper-note"><p><a href="https://scholar.google.com/citations?'
        'user=AbCdEfGhIjKl" rel="noopener">(Scholar)</a></p></div>'
    )


def test_a_page_written_in_chinese_sets_the_site_language():
    converted = convert("# 新闻\n- *2020.01*: 论文被接收\n\n# 教育经历\n- *2019*: 清华大学\n")
    assert converted["site"]["language"] == "zh"


def test_the_configs_locale_sets_the_site_language():
    assert convert("Hi.\n", "locale: zh-CN\nauthor: {name: A}\n")["site"]["language"] == "zh-CN"
    assert "language" not in convert("Hi.\n", "locale: en-US\nauthor: {name: A}\n")["site"]


def test_text_above_the_papers_is_kept_as_written_above_them():
    about = "# 📝 Publications\nMy full list is on Scholar.\n\n- [Owls](https://x.org/o), Ann Lee\n"
    result = imported(about)
    converted = yaml.safe_load(result.text)
    assert converted["sections"] == ["publications"]
    assert converted["publications"][0] == {
        "markdown": '<div class="paper-note"><p>My full list is on Scholar.</p></div>',
        "featured": True,
    }
    assert result.kept_raw == ("about.md:2: text among the papers kept as written, in its place",)


# --- dated entries -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "entry"),
    [
        ("- 2024.05\tMerit award", {"date": "2024.05", "text": "Merit award"}),
        ("- 2023.05 - Paper accepted", {"date": "2023.05", "text": "Paper accepted"}),
        ("- 2023.05: Paper accepted", {"date": "2023.05", "text": "Paper accepted"}),
        ("- 2022.09 - 2025.06, MSc, UCAS", {"date": "2022.09 - 2025.06", "text": "MSc, UCAS"}),
        ("- [2024.02] Talk at MIT", {"date": "2024.02", "text": "Talk at MIT"}),
        ("- **[2024.02]** Talk at MIT", {"date": "2024.02", "text": "Talk at MIT"}),
        ("- <span style='color:red'>[2024.02]</span> Talk", {"date": "2024.02", "text": "Talk"}),
        ("- Jan 2024: Talk at MIT", {"date": "Jan 2024", "text": "Talk at MIT"}),
    ],
    ids=["tab", "dash", "colon", "range", "brackets", "bold-brackets", "span", "month-name"],
)
def test_dated_entries_with_any_separator(line, entry):
    assert convert(f"# 🔥 News\n{line}\n")["news"] == [entry]


def test_an_indented_heading_and_list_keep_their_entries_apart():
    about = (
        "Hi.\n\n  ## <i class='fa fa-trophy'></i> Awards\n\n"
        "  - <span class='accent'>2023.03</span>: Evangelist\n  - 2021: Synergy\n    - a detail\n"
    )
    assert convert(about)["awards"] == [
        {"date": "2023.03", "text": "Evangelist"},
        {"date": "2021", "text": "Synergy", "details": ["a detail"]},
    ]


def test_news_as_an_html_list():
    about = (
        "# 📢 News\n<div style='max-height: 250px'>\n  <ul>\n"
        "    <li><strong>[2026.02]</strong> Paper accepted by CVPR</li>\n"
        "    <li><b>2025.10:</b> Joined the lab</li>\n  </ul>\n</div>\n"
    )
    assert convert(about)["news"] == [
        {"date": "2026.02", "text": "Paper accepted by CVPR"},
        {"date": "2025.10", "text": "Joined the lab"},
    ]


def test_bold_header_lines_with_sub_bullets_become_entries_with_details():
    about = (
        "# 💻 Internships\n***2023.06-2023.08*, Research intern, Owl Labs**\n- Built a thing\n"
        "- Wrote a report\n\n**TA, Night University**\n  - Matrix theory\n"
    )
    assert convert(about)["internships"] == [
        {
            "date": "2023.06-2023.08",
            "text": "<strong>Research intern, Owl Labs</strong>",
            "details": ["Built a thing", "Wrote a report"],
        },
        {"text": "<strong>TA, Night University</strong>", "details": ["Matrix theory"]},
    ]
    assert re.search(r"Owl Labs\s+Built a thing\s+Wrote a report", page_text(about))


def test_sub_headings_with_bullets_become_entries_with_details():
    about = "# 📫 Service\n### Reviewer\n- CVPR 2024\n- ICLR 2025\n"
    assert convert(about)["service"] == [
        {"text": "Reviewer", "details": ["CVPR 2024", "ICLR 2025"]}
    ]


# --- images, config and the folder ---------------------------------------------------------------


def test_other_hosts_pictures_keep_their_link_with_their_label_or_address_as_text():
    about = (
        "Hi <a href='https://scholar.google.com/citations?user=AbCdEfGhIjKl'>"
        '<img src="https://img.shields.io/endpoint?url=x&label=reads"></a> '
        "![](https://x.org/i.png) <a href='https://x.org/d'><img src='https://x.org/b.svg'></a> "
        "![DOI](https://img.shields.io/badge/DOI-10.1%2Fx--y-blue)\n"
    )
    result = imported(about)
    assert result.remote_images == (
        "https://img.shields.io/endpoint?url=x&label=reads",
        "https://x.org/i.png",
        "https://x.org/b.svg",
        "https://img.shields.io/badge/DOI-10.1%2Fx--y-blue",
    )
    assert yaml.safe_load(result.text)["about"] == (
        '<div><p>Hi <a href="https://scholar.google.com/citations?user=AbCdEfGhIjKl" '
        'rel="noopener"><span class="picture-label">reads</span></a> '
        '<a href="https://x.org/i.png"><span class="picture-label">x.org/i.png</span></a> '
        '<a href="https://x.org/d" rel="noopener"><span class="picture-label">x.org</span></a> '
        '<a href="https://img.shields.io/badge/DOI-10.1%2Fx--y-blue">'
        '<span class="picture-label">DOI 10.1/x-y</span></a></p></div>'
    )


@pytest.mark.parametrize(
    "src",
    [
        "https://img.shields.io/endpoint?url=https%3A%2F%2Fx.org%2Fgs_data_shieldsio.json",
        "https://img.shields.io/endpoint?url=&logo=Google%20Scholar&label=citations",
        "https://img.shields.io/badge/Citations-4700-blue",
    ],
    ids=["gs-data-endpoint", "liquid-url-removed", "static-count"],
)
def test_a_citation_badge_from_another_host_becomes_acadpages_own(src):
    link = "https://scholar.google.com/citations?user=AbCdEfGhIjKl"
    about = f"See <a href='{link}'><img src='{src}'></a>.\n"
    assert yaml.safe_load(imported(about).text)["about"] == (
        '<div><p>See <a href="https://scholar.google.com/citations?user=AbCdEfGhIjKl" '
        'rel="noopener"><img src="/badge/citations.svg" alt="citations"></a>.</p></div>'
    )


def test_h_index_and_i10_badges_become_acadpages_own():
    about = (
        "<img src='https://img.shields.io/endpoint?url=&label=h-index'> "
        "<img src='https://img.shields.io/endpoint?url=&label=i10-index'>\n"
    )
    about_html = yaml.safe_load(imported(about).text)["about"]
    assert '<img src="/badge/h-index.svg" alt="h-index">' in about_html
    assert '<img src="/badge/i10-index.svg" alt="i10-index">' in about_html


@pytest.mark.parametrize(
    "url", ["files/paper.pdf", "//other.example/x", "/\\other.example", "javascript:alert(1)"]
)
def test_a_paper_with_a_link_the_content_refuses_is_kept_as_written_and_the_link_named(url):
    about = (
        f"# 📝 Publications\n- [Owls at Night]({url}), **Ann Lee**, **CVPR 2020** "
        f"[code]({url}) [pdf](https://x.org/o.pdf)\n"
    )
    result = imported(about)
    (paper,) = yaml.safe_load(result.text)["publications"]
    assert list(paper) == ["markdown"]
    assert "Owls at Night" in paper["markdown"] and "https://x.org/o.pdf" in paper["markdown"]
    assert 'href="javascript' not in paper["markdown"]
    assert result.kept_raw[0].startswith("about.md:2: item kept as written: ")
    if not url.startswith("javascript"):
        assert any("points into the old site's files" in note for note in result.notes)


@pytest.mark.parametrize(
    ("googlescholar", "note"),
    [
        (
            "https://scholar.google.com/citations?user=YOUR_GOOGLE_SCHOLAR_ID",
            "is a placeholder, not a Google Scholar user id",
        ),
        (
            "https://scholar.google.com/citations?user=d6u01FkAAAAJ",
            "is the template's sample Scholar id",
        ),
    ],
)
def test_placeholder_scholar_ids_are_never_taken_as_the_users(googlescholar, note):
    about = (
        "# 📝 Publications\n- [Owls](https://x.org/o), Ann Lee "
        "<span class='show_paper_citations' data='d6u01FkAAAAJ:ALROH1vI_8AC'></span>\n"
    )
    result = imported(about, f"author:\n  name: Ann Lee\n  googlescholar: {googlescholar}\n")
    converted = yaml.safe_load(result.text)
    assert "google_scholar_id" not in converted["profile"]
    assert "scholar_id" not in converted["publications"][0]
    assert any(note in line for line in result.notes)
    assert any("(it is the template's sample); left out" in line for line in result.notes)


def test_config_details_arrive():
    result = imported("Hi.\n", (SITE / "_config.yml").read_text())
    converted = yaml.safe_load(result.text)
    assert converted["profile"] == {
        "name": "Ann Lee",
        "avatar": "ann.png",
        "bio": "PhD student · Night Institute",
        "google_scholar_id": "AbCdEfGhIjKl",
        "github": "annlee",
    }
    assert converted["sections"][-1] == {
        "id": "links",
        "title": "Links",
        "icon": "🔗",
        "markdown": '<div><ul>\n<li><a href="https://www.zhihu.com/people/annlee" rel="noopener">'
        "Zhihu</a></li>\n</ul></div>",
    }
    assert "_config.yml author.orcid: 'https://orcid.org/xxxx' is a placeholder; left out" in (
        result.notes
    )


def test_the_site_folder_is_imported_with_its_includes_and_images(tmp_path, capsys):
    site = tmp_path / "annlee.github.io"
    shutil.copytree(SITE, site)
    out = tmp_path / "content" / "site.yaml"
    out.parent.mkdir()
    assert main(["import-acadhomepage", str(site), "-o", str(out)]) == 0
    report = capsys.readouterr().out
    assert report.startswith(
        f"wrote {out}: 4 sections, 1 publications\n"
        "structured:\n"
        "  about.md:13: about\n"
        "  includes/news.md:1: news (1 entries, News)\n"
        "  about.md:17: publications (1, Publications)\n"
        "kept as written:\n"
        "  _config.yml author: Links (a section kept as written)\n"
        "images:\n"
        f"  copied 2 images into {out.parent / 'media'}\n"
        "pictures on other hosts, shown as their label linking to them (the page loads nothing "
        "from other hosts):\n"
        "  image https://img.shields.io/github/stars/annlee/owls\n"
    )
    assert (out.parent / "media" / "owl.png").read_bytes() == (site / "images/owl.png").read_bytes()
    assert (out.parent / "media" / "ann.png").is_file()
    converted = yaml.safe_load(out.read_text())
    assert converted["publications"][0]["image"] == "owl.png"
    assert converted["publications"][0]["links"] == {
        "code": "https://github.com/annlee/owls",
        "Stars": "https://github.com/annlee/owls",
    }


def test_a_folder_without_an_about_page_is_refused(tmp_path, capsys):
    assert main(["import-acadhomepage", str(tmp_path), "-o", str(tmp_path / "s.yaml")]) == 1
    assert capsys.readouterr().err == (
        f"acadpage: {tmp_path}: no _pages/about.md here; is it an AcadHomepage site?\n"
    )
    assert not (tmp_path / "s.yaml").exists()


# --- the page shows what was imported ------------------------------------------------------------


def test_the_year_shows_for_every_paper_that_has_one(tmp_path):
    content = (
        "site: {title: T}\nprofile: {name: N}\nsections: [publications]\npublications:\n"
        "  - {title: A, venue: Journal of Owls, year: 2021}\n"
        "  - {title: B, venue: CVPR 2020, year: 2020}\n"
        "  - {title: C, year: 2019}\n"
        "  - {title: D, venue: Nature, year: 2018, featured: true}\n"
    )
    page = render_home_page(load_site(content.encode()), None)
    assert "<strong>Journal of Owls, 2021</strong>" in page
    assert "<strong>CVPR 2020</strong>" in page
    assert "<strong>2019</strong>" in page
    assert '<span class="badge">Nature, 2018</span>' in page


def test_groups_show_as_sub_headings_in_order():
    content = (
        "site: {title: T}\nprofile: {name: N}\nsections: [publications]\npublications:\n"
        "  - {title: A, group: Preprints}\n  - {title: B, group: Journals}\n"
        "  - {title: C, group: Preprints}\n"
    )
    page = render_home_page(load_site(content.encode()), None)
    titles = re.findall(r'<h3 class="paper-group">(.*?)</h3>|class="paper-title">(\w)<', page)
    assert [a or b for a, b in titles] == ["Preprints", "A", "C", "Journals", "B"]


def test_the_css_keeps_hand_written_inline_html_inline():
    css = (FIXTURES.parent.parent / "templates" / "site.css").read_text()
    assert ".paper-box-text>*" not in css
    rules = re.findall(r"([^{}]*)\{display:block", css)
    assert not any(
        selector.strip().endswith((">*", " *")) for rule in rules for selector in rule.split(",")
    )
