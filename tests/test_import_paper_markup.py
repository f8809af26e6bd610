"""Shapes of papers seen on AcadHomepage sites the importer had not met: badges inside and after
a paper's links, authors linked to their homepages, a remark beside the title, a box that names
its title by class, and headings nested over the papers. Each is structured and checks itself."""

from __future__ import annotations

import time

import pytest
import yaml

from chalicelib.importers.acadhomepage import import_acadhomepage
from chalicelib.importers.acadhomepage.selfcheck import paper_problem
from chalicelib.importers.acadhomepage.tree import paper_from_fragment
from chalicelib.site.content import ContentError, load_site
from chalicelib.site.render import render_home_page

OWNER = "author: {name: Ann Lee}\n"
STARS = "https://img.shields.io/github/stars/ann/owls?style=social"


def imported(about: str):
    result = import_acadhomepage(about, OWNER)
    load_site(result.text.encode())  # every import is a valid content file
    return result


def papers(about: str) -> list[dict]:
    return yaml.safe_load(imported(about).text)["publications"]


def test_a_stars_badge_inside_a_worded_link_adds_no_words_and_the_paper_is_structured():
    about = (
        "# Publications\n"
        "- [Owls at Night: Seeing in the Dark](https://x.org/owls), **Ann Lee**, Bo Chen. "
        "*CVPR 2024*\n"
        f"  [**Paper**](https://x.org/p) | [**Code** ![]({STARS})](https://github.com/ann/owls)\n"
    )
    result = imported(about)
    (paper,) = yaml.safe_load(result.text)["publications"]
    assert paper["title"] == "Owls at Night: Seeing in the Dark"
    assert paper["authors"] == ["Ann Lee", "Bo Chen"]
    assert paper["links"]["code"] == "https://github.com/ann/owls"
    assert "github.com" not in " ".join(paper["links"])  # the picture's address is no label
    assert result.kept_raw == ()
    assert STARS in result.remote_images  # the report lists the picture left out


def test_a_badge_link_after_the_last_author_is_a_link_not_part_of_a_name():
    badge = f"[![]({STARS}&label=Code+Stars)](https://github.com/ann/owls)"
    for after in (". ", " ", ""):
        about = (
            "# Publications\n"
            f"- [Owls at Night: Seeing in the Dark](https://x.org/owls), **Ann Lee**, "
            f"Bo Chen{after}{badge}\n"
        )
        (paper,) = papers(about)
        assert paper["authors"] == ["Ann Lee", "Bo Chen"], after
        assert paper["links"] == {"Code Stars": "https://github.com/ann/owls"}, after


def test_authors_linked_to_their_homepages_keep_their_links_on_the_page():
    about = (
        "# Publications\n"
        "- ***Owls at Night: Seeing in the Dark*** **(Oral)** \\\\\n"
        "  **Ann Lee**\\*, [Bo Chen](https://bo.example)\\*, [Cy Dee](https://cy.example) \\\\\n"
        "  CVPR, 2024. [[paper](https://x.org/p)]\n"
    )
    result = imported(about)
    (paper,) = yaml.safe_load(result.text)["publications"]
    assert paper["authors"] == ["Ann Lee*", "Bo Chen*", "Cy Dee"]
    assert paper["author_links"] == {
        "Bo Chen": "https://bo.example",
        "Cy Dee": "https://cy.example",
    }
    assert paper["badge"] == "Oral" and paper["year"] == 2024
    assert result.kept_raw == ()
    page = render_home_page(load_site(result.text.encode()), None)
    assert '<a href="https://bo.example">Bo Chen</a><sup>*</sup>' in page


def test_author_links_must_name_an_author_and_link_somewhere():
    base = "site: {title: T}\nprofile: {name: Ann Lee}\npublications:\n  - title: Owls\n"
    for links, expected in (
        ("{Zed Zee: 'https://z.example'}", "expected the name of one of the authors"),
        ("{Bo Chen: 'javascript:alert(1)'}", "expected"),
        ("[Bo Chen]", "a mapping"),
    ):
        text = f"{base}    authors: [Ann Lee, Bo Chen*]\n    author_links: {links}\n"
        try:
            load_site(text.encode(), "site.yaml")
        except ContentError as error:
            assert "site.yaml:6 publications[0].author_links" in str(error), str(error)
            assert expected in str(error)
        else:
            raise AssertionError(f"{links} was accepted")


def test_a_box_that_names_its_title_by_class_reads_the_venue_beside_it_as_the_badge():
    about = (
        "# Publications\n"
        "<div class='paper-box'><div class='paper-box-image'><div><div class=\"badge\">ECCV 2026"
        "</div><img src='images/owl.png' width=\"100%\"></div></div>\n"
        "<div class='paper-box-text' markdown=\"1\">\n\n"
        '<div class="paper-title"><span class="paper-venue">ECCV 2026</span> Owls at Night: '
        "Seeing in the Dark</div>\n"
        '<div class="paper-authors"><strong>Ann Lee</strong>, Bo Chen</div>\n\n'
        '<div class="paper-links" markdown="1">\n'
        f"[**Paper**](https://x.org/p) | [**Code** ![]({STARS})](https://github.com/ann/owls)\n"
        "</div>\n"
        '<details markdown="1">\n<summary>Highlights</summary>\n\nOwls see well.\n\n</details>\n'
        "</div>\n</div>\n"
    )
    result = imported(about)
    (paper,) = yaml.safe_load(result.text)["publications"]
    assert paper["title"] == "Owls at Night: Seeing in the Dark"
    assert paper["authors"] == ["Ann Lee", "Bo Chen"]
    assert "ECCV 2026" in (paper.get("venue", ""), paper.get("badge", ""))
    assert paper.get("venue") != "Highlights"
    assert set(paper["links"]) == {"Paper", "code"}
    assert result.kept_raw == ()


def test_headings_nested_over_papers_all_show_and_a_heading_over_no_paper_stays_as_text():
    item = (
        "- [Owls at Night: Seeing in the Dark {}](https://x.org/{}), **Ann Lee**, Bo Chen, 2024\n"
    )
    about = (
        "# Publications\n"
        "### (* equal contribution)\n"
        "## Conference\n"
        "#### Night Vision\n" + item.format(1, 1) + "## Journal\n"
        "#### Night Vision\n" + item.format(2, 2) + "#### Day Vision\n" + item.format(3, 3)
    )
    result = imported(about)
    note, *rest = yaml.safe_load(result.text)["publications"]
    assert "equal contribution" in note["markdown"] and "group" not in note
    assert [p["group"] for p in rest] == [
        "Conference · Night Vision",
        "Journal · Night Vision",
        "Journal · Day Vision",
    ]


def test_gb_t_7714_references_are_read_in_both_name_forms_without_their_type_marks():
    about = (
        "# Publications\n"
        "- Li, S., **Lee, A.\\***, et al. Owls at Night: Seeing in the Dark[J]. Owl Journal, "
        "2026, 253: 112194.\n"
        "- **Lee A**, Chen B, Dee C. Bats at Noon: Hearing in the Light[C]//2025 IEEE "
        "Conference on Bats (BATS). IEEE, 2025: 11-18.\n"
    )
    result = imported(about)
    first, second = yaml.safe_load(result.text)["publications"]
    assert first["title"] == "Owls at Night: Seeing in the Dark"
    assert first["authors"] == ["S. Li", "A. Lee*", "et al."]
    assert first["venue"] == "Owl Journal, 2026, 253: 112194" and first["year"] == 2026
    assert second["title"] == "Bats at Noon: Hearing in the Light"
    assert second["authors"] == ["Lee A", "Chen B", "Dee C"]
    assert second["venue"].startswith("2025 IEEE Conference on Bats") and second["year"] == 2025
    assert result.kept_raw == ()


def test_an_apa_reference_dated_with_its_month_keeps_the_month():
    about = (
        "# Publications\n"
        "- **Lee, A.**, Chen, B., & Dee, C. (2024, December). Owls at Night: Seeing in the Dark. "
        "In Proceedings of Owls (pp. 1-8). IEEE.\n"
    )
    (paper,) = papers(about)
    assert paper["title"] == "Owls at Night: Seeing in the Dark"
    assert paper["authors"] == ["A. Lee", "B. Chen", "C. Dee"]
    assert paper["venue"].endswith("(2024, December)") and paper["year"] == 2024


def test_initials_alone_are_no_author_so_a_list_split_at_every_comma_fails_its_check():
    paper = {"title": "Owls at Night", "authors": ["Lee", "A.", "Chen", "B."]}
    fragment = "<div><p>Lee, A., Chen, B. (2024). Owls at Night.</p></div>"
    assert paper_problem(paper, fragment) == "author 'A.' is not a person's name"
    named = "<div><p>Owls at Night. Lee A, B. Chen, 李安</p></div>"
    assert paper_problem({**paper, "authors": ["Lee A", "B. Chen", "李安"]}, named) == ""


@pytest.mark.parametrize(
    "shape",
    ["{}x", "Lee, A. {}(2024). x", "Lee, A. (2024). {}x", "Li, S., et al. {}Title[J]. V", "T{}."],
)
def test_a_reference_written_as_text_is_read_in_linear_time_whatever_its_spaces(shape):
    def seconds(spaces: int) -> float:
        fragment = f"<div><p>{shape.format(' ' * spaces)}</p></div>"
        started = time.process_time()
        paper_from_fragment(fragment)
        return time.process_time() - started

    small, large = min(seconds(500) for _ in range(3)), min(seconds(4_000) for _ in range(3))
    assert large < 8 * small * 3 + 0.01  # 4,900 spaces took 35 s when two patterns shared them


def test_a_paper_written_as_one_line_of_its_own_is_a_paper_and_a_note_with_a_link_stays_text():
    about = (
        "# Publications\n"
        "The full list is on my [Google Scholar page](https://scholar.google.com/x), and "
        "[Owl Notes for Night Vision](https://x.org/n), with Bo Chen, Cy Dee.\n\n"
        "[**arXiv**] [Owls at Night: Seeing in the Dark](https://x.org/owls), Bo Chen, "
        "**Ann Lee**, Cy Dee.\n\n"
        "- [Bats at Noon: Hearing in the Light](https://x.org/bats), **Ann Lee**, Bo Chen, 2024\n"
    )
    result = imported(about)
    note, paper, listed = yaml.safe_load(result.text)["publications"]
    assert "Google Scholar page" in note["markdown"]
    assert paper["title"] == "Owls at Night: Seeing in the Dark"
    assert paper["authors"] == ["Bo Chen", "Ann Lee", "Cy Dee"]
    assert paper["venue"] == "arXiv"
    assert listed["title"] == "Bats at Noon: Hearing in the Light"


def test_a_liquid_comment_block_shows_nothing_and_an_unclosed_one_stays():
    about = (
        "# Publications\n{% comment %}\n"
        "- [Deep Owls: A Template Paper](https://x.org/t), Ann Lee, Bo Chen, 2016\n"
        "{%- endcomment -%}\n"
        "- [Owls at Night: Seeing in the Dark](https://x.org/owls), **Ann Lee**, Bo Chen, 2024\n"
    )
    (paper,) = papers(about)
    assert paper["title"] == "Owls at Night: Seeing in the Dark"
    assert "Template" not in imported(about).text


def test_a_web_address_written_after_the_venue_stays_as_text_under_the_paper():
    about = (
        "# Publications\n"
        "- Lee A, Chen B, Dee C (2024) Owls at night over the northern forests. Owl Research. "
        "https://doi.org/10.1000/owl.1\n"
        '  <button><a href="https://x.org/owl">Link</a></button>\n'
        "- 李安, 陈波, 丁成 (2023) 夜间猫头鹰的视觉研究与应用. 鸟类学报 35(1), 37–50.\n"
    )
    result = imported(about)
    first, second = yaml.safe_load(result.text)["publications"]
    assert first["authors"] == ["Lee A", "Chen B", "Dee C"]
    assert first["venue"] == "Owl Research (2024)"
    assert first["description"] == ["https://doi.org/10.1000/owl.1"]
    assert first["links"] == {"Link": "https://x.org/owl"}
    assert second["authors"] == ["李安", "陈波", "丁成"]
    assert second["title"] == "夜间猫头鹰的视觉研究与应用"
    assert result.kept_raw == ()


@pytest.mark.parametrize(
    ("item", "title"),
    [
        (  # names before a linked title, a code label first
            "`J-9` **Ann Lee**, Bo Chen, Cy Dee, [Owls at Night: Seeing in the Dark]"
            "(https://x.org/owls), Owl Transactions, 2024.",
            "Owls at Night: Seeing in the Dark",
        ),
        (  # an italic title after the names, `et al.`
            "`C-6` Bo Chen, **Ann Lee**, et al. *Owls at Night: Seeing in the Dark*, "
            "Owl Conference, 2024.",
            "Owls at Night: Seeing in the Dark",
        ),
        (  # IEEE: the title in quotes, its comma inside them
            '**A. Lee**, B. Chen, and C. Dee, "Owls at Night: Seeing in the Dark," in '
            "**_Owl Transactions_**, 2024.",
            "Owls at Night: Seeing in the Dark",
        ),
        (  # a title in brackets, no link
            "[Owls at Night: Seeing in the Dark], Bo Chen, **Ann Lee**, Owl Journal, 2024.",
            "Owls at Night: Seeing in the Dark",
        ),
        (  # a venue holding brackets as text
            "Bo Chen, **Ann Lee**, <a href='https://x.org/owls'>Owls at Night: Seeing in the "
            "Dark</a>, Owl Transactions (*OT*), 2024. [JCR Q1\\|CCF B]",
            "Owls at Night: Seeing in the Dark",
        ),
    ],
)
def test_titles_after_the_names_in_quotes_brackets_or_emphasis_are_read(item, title):
    result = imported(f"# Publications\n- {item}\n")
    (paper,) = yaml.safe_load(result.text)["publications"]
    assert paper["title"] == title
    assert len(paper["authors"]) >= 2 and "2024" in (paper.get("venue", "") + str(paper["year"]))
    assert result.kept_raw == ()


def test_a_loose_list_item_keeps_its_indented_paragraphs_and_box_as_one_paper():
    about = (
        "# Publications\n"
        "- **Owls at Night: Seeing in the Dark** [[Available online](https://x.org/owls)]\n\n"
        "    **Ann Lee**, Bo Chen, Cy Dee\n\n"
        "    Owl Journal, 2026\n\n"
        "    <div class='paper-box'><div class='paper-box-text' markdown=\"1\">\n"
        "    We look at owls in the dark, and find that they see well at night.\n"
        "    </div></div>\n\n"
        "- **Bats at Noon: Hearing in the Light**, **Ann Lee**, Bo Chen, 2024\n"
    )
    result = imported(about)
    owls, bats = yaml.safe_load(result.text)["publications"]
    assert "Owls at Night" in str(owls) and "see well at night" in str(owls)
    assert owls.get("authors", ["Ann Lee", "Bo Chen", "Cy Dee"]) == ["Ann Lee", "Bo Chen", "Cy Dee"]
    assert bats["title"] == "Bats at Noon: Hearing in the Light"


def test_under_a_projects_heading_a_product_or_a_place_is_no_paper():
    about = (
        "# Projects\n"
        "<div class='paper-box'><div class='paper-box-text' markdown=\"1\">\n\n"
        "[Owls at Night: Seeing in the Dark](https://x.org/owls)\n\n"
        "**Ann Lee**, Bo Chen\n</div></div>\n\n"
        "Related Support:\n"
        "- [Owlbot Two](https://robots.example/owlbot) Intelligent Bionic Owl Robot\n"
        "- Various farmlands, orchards and greenhouses at the [Owl Institute for Night "
        "Studies](https://owls.example)\n"
    )
    result = imported(about)
    titled = [p["title"] for p in yaml.safe_load(result.text)["publications"] if "title" in p]
    assert titled == ["Owls at Night: Seeing in the Dark"]
    assert any("not marked as the owner" in line for line in result.kept_raw)


def test_a_link_written_on_lines_of_its_own_between_papers_or_news_is_kept():
    badge = (
        '<a href="https://github.com/ann/owls">\n'
        '<img src="https://img.shields.io/github/stars/ann/owls" alt="GitHub stars">\n</a>\n'
    )
    about = (
        "# News\n- *2024.05*: Owls released.\n" + badge + "- *2024.01*: Bats released.\n"
        "# Publications\n"
        "[Owls at Night: Seeing in the Dark](https://x.org/owls)\n\n" + badge + "\n"
        "- [Bats at Noon: Hearing in the Light](https://x.org/bats), **Ann Lee**, Bo Chen, 2024\n"
    )
    text = imported(about).text
    assert text.count("https://github.com/ann/owls") == 2


def test_an_author_line_of_many_links_is_read_in_linear_time():
    def seconds(links: int) -> float:
        line = "A, B, Bo Chen " + "[x y z](http://a.b) " * links
        about = f"# Publications\n- [Owls at Night in the Forest](http://a.b)\n  {line}\n"
        started = time.process_time()
        import_acadhomepage(about, OWNER)
        return time.process_time() - started

    small, large = min(seconds(500) for _ in range(2)), min(seconds(16_000) for _ in range(2))
    assert large < 32 * small * 2.5  # 32 times the links: 31 times the time, 142 as a square


def test_papers_written_as_html_list_items_are_papers_and_other_items_stay_text():
    about = (
        "# Publications\n<ol reversed>\n"
        "  <li>A. Lee, B. Chen, C. Dee.\n"
        '    <a href="https://x.org/owls">\n      Owls at Night: Seeing in the Dark.\n    </a>\n'
        "    Owl Journal. 2026, 401, 128801. </li>\n"
        "  <li>More papers are on my Scholar page.</li>\n"
        '  <li>B. Chen, A. Lee. <a href="https://x.org/bats">Bats at Noon: Hearing in the '
        "Light.</a> Bat Journal. 2024.</li>\n</ol>\n"
    )
    result = imported(about)
    owls, note, bats = yaml.safe_load(result.text)["publications"]
    assert owls["title"] == "Owls at Night: Seeing in the Dark"
    assert owls["authors"] == ["A. Lee", "B. Chen", "C. Dee"]
    assert "2026" in owls["venue"]
    assert "Scholar page" in note["markdown"]
    assert bats["title"] == "Bats at Noon: Hearing in the Light"
