"""Every item an AcadHomepage import structures checks itself: a project is no paper unless it
names its authors, a dated entry shows what its list item showed, and text between papers keeps
its place."""

from __future__ import annotations

import yaml

from chalicelib.importers.acadhomepage import import_acadhomepage
from chalicelib.site.content import load_site

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
