"""Every item an AcadHomepage import structures checks itself: a project is no paper unless it
names its authors, a dated entry shows what its list item showed, and text between papers keeps
its place."""

from __future__ import annotations

import html
import re

import pytest
import yaml

from chalicelib.importers.acadhomepage import import_acadhomepage
from chalicelib.importers.acadhomepage.selfcheck import entry_problem
from chalicelib.site.content import load_site
from chalicelib.site.render import render_home_page

OWNER = "author: {name: Ann Lee}\n"


def imported(about: str, config: str = OWNER):
    result = import_acadhomepage(about, config)
    load_site(result.text.encode())  # every import is a valid content file
    return result


def _project_box(title: str, url: str, who: str) -> str:
    return (
        '<div class="paper-box-text">\n  <p>\n    <strong> [Owl Lab] &nbsp; </strong>'
        f'<a href="{url}">{title}</a>\n  </p>\n  <p>\n    {who}\n  </p>\n</div>\n\n'
    )


def test_a_project_that_names_no_authors_is_kept_as_written_and_a_paper_among_them_structured():
    about = (
        "# Industry Projects\n"
        + _project_box(
            "Owlcast 2.0: Advancing Night Vision for Every Forest",
            "https://x.org/r",
            "Owl Lab Team",
        )
        + _project_box(
            "Owl Rewards: Scaling Feedback for Night Vision",
            "https://x.org/p",
            "Bo Chen, <strong>Ann Lee</strong>, Cy Dee",
        )
    )
    result = imported(about)
    first, second = yaml.safe_load(result.text)["publications"]
    assert "Owlcast 2.0" in first["markdown"] and set(first) == {"markdown", "featured"}
    assert second["title"] == "Owl Rewards: Scaling Feedback for Night Vision"
    assert second["authors"] == ["Bo Chen", "Ann Lee", "Cy Dee"]
    assert result.kept_raw == (
        "about.md:2: item kept as written: it names no authors, and its heading does not say "
        "publications",
    )


def test_projects_of_which_none_names_authors_stay_one_section_as_written():
    about = "# Industry Projects\n" + _project_box(
        "Owlcast 2.0: Advancing Night Vision for Every Forest", "https://x.org/r", "Owl Lab Team"
    )
    result = imported(about)
    converted = yaml.safe_load(result.text)
    assert "publications" not in converted
    (section,) = converted["sections"]
    assert section["title"] == "Industry Projects" and "Owlcast 2.0" in section["markdown"]
    assert result.kept_raw == ("about.md:1: Industry Projects (a section kept as written)",)


def test_a_box_without_authors_under_a_publications_heading_is_still_a_paper():
    about = "# Publications\n" + _project_box(
        "Owlcast 2.0: Advancing Night Vision for Every Forest", "https://x.org/r", "Owl Lab Team"
    )
    (paper,) = yaml.safe_load(imported(about).text)["publications"]
    assert paper["title"] == "Owlcast 2.0: Advancing Night Vision for Every Forest"


NEWS_ITEM = (
    '<div><p><em>2024.05</em>: 3 papers accepted at <a href="https://x.org/c">CVPR</a>'
    " 2024.</p></div>"
)


def entries(about: str, kind: str = "news") -> tuple[list[dict], tuple[str, ...]]:
    result = imported(about)
    return yaml.safe_load(result.text)[kind], result.kept_raw


@pytest.mark.parametrize(
    ("entry", "check"),
    [
        ({"date": "3", "text": "papers accepted at CVPR 2024."}, "holds no year and no month"),
        ({"date": "2019.05", "text": "3 papers accepted at CVPR 2024."}, "not a date the page"),
        ({"date": "2024", "text": "2025 Owl Lab, 3 papers accepted at CVPR."}, "rest of its range"),
        ({"date": "2024.05", "text": "3 papers accepted."}, "words the page shows are lost"),
        (
            {"date": "2024.05", "text": "3 papers accepted at CVPR 2024, Seattle."},
            "words the page does not show are added",
        ),
        (
            {
                "date": "2024.05",
                "text": '3 papers accepted at <a href="https://x.org/b">CVPR</a> 2024.',
            },
            "its links differ",
        ),
    ],
    ids=["not-a-date", "absent-date", "half-a-range", "lost", "added", "links"],
)
def test_the_entry_check_names_what_fails(entry, check):
    assert check in entry_problem("news", entry, NEWS_ITEM)


def test_an_entry_that_shows_what_its_item_shows_passes():
    entry = {
        "date": "2024.05",
        "text": '3 papers accepted at <a href="https://x.org/c">CVPR</a> 2024.',
    }
    assert entry_problem("news", entry, NEWS_ITEM) == ""


def test_an_entry_whose_date_is_no_date_is_kept_as_written_in_its_place_and_reported():
    news, kept = entries(
        "# 🔥 News\n- *2024.05*: New owls.\n- **3** papers accepted at [CVPR](https://x.org/c).\n"
        "- *2023.01*: Old owls.\n"
    )
    assert news == [
        {"date": "2024.05", "text": "New owls."},
        {
            "text": "<strong>3</strong> papers accepted at "
            '<a href="https://x.org/c" rel="noopener">CVPR</a>.'
        },
        {"date": "2023.01", "text": "Old owls."},
    ]
    assert kept == ("about.md:3: news entry kept as written: date '3' holds no year and no month",)


def test_a_date_range_cut_in_half_keeps_the_heading_as_written_with_its_details():
    internships, kept = entries(
        "# 💻 Internships\n### 2020 - 2022 Owl Lab\n- Built [owls](https://x.org/o)\n  at night\n",
        "internships",
    )
    assert internships == [
        {
            "text": "<strong>2020 - 2022 Owl Lab</strong>",
            "details": ['Built <a href="https://x.org/o" rel="noopener">owls</a> at night'],
        }
    ]
    assert kept == (
        "about.md:2: internships entry kept as written: date '2020' leaves the rest of its range "
        "in the text",
    )


def test_an_html_list_item_that_fails_is_reported_at_its_own_line():
    news, kept = entries(
        "# 🔥 News\n<ul>\n<li><b>[2024.01]</b> New owls.</li>\n<li>**7** owls seen.</li>\n</ul>\n"
    )
    assert news == [
        {"date": "2024.01", "text": "New owls."},
        {"text": "<strong>7</strong> owls seen."},
    ]
    assert kept == ("about.md:4: news entry kept as written: date '7' holds no year and no month",)


# Text between papers: a box, a paragraph, a list item, a paragraph, a list item, a paragraph
BOX = (
    "<div class='paper-box'><div class='paper-box-text' markdown=\"1\">\n\n"
    "[Owls at night in the forest](https://x.org/o)\n\n**Ann Lee**, Bo Chen\n</div></div>\n"
)
BETWEEN = (
    f"# 📝 Publications\n{BOX}\nThe papers below are about bats and their long flights.\n\n"
    "- [Bats at noon in the city](https://x.org/b), **Ann Lee**, **ICLR 2023**\n\n"
    "Two more that the reviewers liked a lot, see [the list](https://x.org/l).\n\n"
    "- [Moths at dusk in the field](https://x.org/m), **Ann Lee**, **CVPR 2022**\n\n"
    "Equal contribution is marked with a star in every list.\n"
)


def test_text_between_papers_stays_between_them_in_the_content():
    result = imported(BETWEEN)
    listed = yaml.safe_load(result.text)["publications"]
    shown = [(p.get("title") or _note(p), p.get("featured", False)) for p in listed]
    assert shown == [
        ("Owls at night in the forest", True),
        ("note: The papers below", True),
        ("Bats at noon in the city", False),
        ("note: Two more that th", False),
        ("Moths at dusk in the field", False),
        ("note: Equal contributi", False),
    ]
    assert result.kept_raw == (
        "about.md:9: text among the papers kept as written, in its place",
        "about.md:13: text among the papers kept as written, in its place",
        "about.md:17: text among the papers kept as written, in its place",
    )
    assert result.structured == ("about.md:1: publications (3, Publications)",)


def _note(paper: dict) -> str:
    assert paper["markdown"].startswith('<div class="paper-note">')
    return "note: " + re.sub(r"<[^>]+>", "", paper["markdown"])[:16]


def test_text_between_papers_stays_between_them_on_the_page():
    page = render_home_page(load_site(imported(BETWEEN).text.encode()), None)
    body = re.sub(r"<(script|style|head)\b.*?</\1>", "", page, flags=re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    order = [
        "Owls at night",
        "about bats and their long flights",
        "Bats at noon",
        "reviewers liked a lot, see the list",
        "Moths at dusk",
        "marked with a star in every list",
    ]
    assert [text.index(words) for words in order] == sorted(text.index(w) for w in order)


def test_text_under_a_sub_heading_stays_in_its_group():
    about = (
        "# 📝 Publications\n## Journals\n"
        "- [Bats at noon in the city](https://x.org/b), **Ann Lee**, **ICLR 2023**\n\n"
        "The journal above is the one I like the most of all.\n\n## Conferences\n"
        "- [Moths at dusk in the field](https://x.org/m), **Ann Lee**, **CVPR 2022**\n"
    )
    listed = yaml.safe_load(imported(about).text)["publications"]
    assert [(p.get("title", "text"), p.get("group")) for p in listed] == [
        ("Bats at noon in the city", "Journals"),
        ("text", "Journals"),
        ("Moths at dusk in the field", "Conferences"),
    ]


# Text between dated entries: a label over the items it introduces, a paragraph between items
LABELLED = (
    "# 📫 Academic Service\n"
    '<details>\n<summary style="cursor: pointer;">\n<b>Editorial Board</b>\n</summary>\n<ul>\n'
    '<li>\n  <a href="https://x.org/j">Journal of Owls</a>, Owl Press\n</li>\n</ul>\n</details>\n\n'
    '<details>\n<summary style="cursor: pointer;">\n<b>Reviewer</b>\n</summary>\n<ul>\n'
    "<li> Bats Review, Bat Press</li>\n<li> Moth Letters, Moth Press</li>\n</ul>\n</details>\n"
)


def test_labels_over_html_lists_stay_over_their_items():
    result = imported(LABELLED)
    service = yaml.safe_load(result.text)["service"]
    assert service == [
        {"text": '<span class="entry-note"><b>Editorial Board</b></span>'},
        {"text": '<a href="https://x.org/j" rel="noopener">Journal of Owls</a>, Owl Press'},
        {"text": '<span class="entry-note"><b>Reviewer</b></span>'},
        {"text": "Bats Review, Bat Press"},
        {"text": "Moth Letters, Moth Press"},
    ]
    assert "(more)" not in result.text
    assert result.kept_raw == (
        "about.md:4: text among the service entries kept as written, in its place",
        "about.md:15: text among the service entries kept as written, in its place",
    )


def test_a_paragraph_between_news_items_stays_between_them():
    about = (
        "# 🔥 News\nThe newest first.\n\n- *2024.05*: New owls.\n\n"
        "Older news, from the *first* year:\n\n- *2023.01*: Old owls.\n"
    )
    news = yaml.safe_load(imported(about).text)["news"]
    assert news == [
        {"text": '<span class="entry-note">The newest first.</span>'},
        {"date": "2024.05", "text": "New owls."},
        {"text": '<span class="entry-note">Older news, from the <em>first</em> year:</span>'},
        {"date": "2023.01", "text": "Old owls."},
    ]


def test_text_between_entries_that_is_more_than_a_line_keeps_the_section_as_written():
    about = (
        "# 🔥 News\n- *2024.05*: New owls.\n\n| owls | bats |\n|---|---|\n| 3 | 4 |\n\n"
        "- *2023.01*: Old owls.\n"
    )
    result = imported(about)
    converted = yaml.safe_load(result.text)
    assert "news" not in converted
    (section,) = converted["sections"]
    assert section["title"] == "News" and "<table>" in section["markdown"]
    assert result.kept_raw == ("about.md:1: News (a section kept as written)",)


def test_a_rule_and_a_line_after_the_news_stay_after_them_without_the_rule_as_text():
    about = "# 🔥 News\n- *2024.05*: New owls.\n\n---\n\nMore on [the owl feed](https://x.org/f).\n"
    news, kept = entries(about)
    assert news == [
        {"date": "2024.05", "text": "New owls."},
        {
            "text": '<span class="entry-note">More on <a href="https://x.org/f" rel="noopener">'
            "the owl feed</a>.</span>"
        },
    ]
    assert kept == ("about.md:6: text among the news entries kept as written, in its place",)
