"""Content fields that imported pages need: groups, badges, details, marks, the service section."""

from __future__ import annotations

import pytest

from chalicelib.site.content import ContentError, load_site
from chalicelib.site.render import render_home_page

BASE = "site: {title: T}\nprofile: {name: Ann Lee}\n"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "sections: [publications]\npublications:\n  - {title: a, group: [x]}\n",
            "site.yaml:5 publications[0].group: expected text, got a list",
        ),
        (
            "sections: [publications]\npublications:\n  - {title: a, badge: {x: 1}}\n",
            "site.yaml:5 publications[0].badge: expected text, got a mapping",
        ),
        (
            "sections: [service]\nservice:\n  - {text: a, details: {x: 1}}\n",
            "site.yaml:5 service[0].details: expected a list, got a mapping",
        ),
    ],
    ids=["group", "badge", "details"],
)
def test_bad_new_fields_are_located(extra, message):
    with pytest.raises(ContentError) as error:
        load_site((BASE + extra).encode())
    assert str(error.value) == message


def test_service_entries_show_their_details():
    text = BASE + "sections: [service]\nservice:\n  - {text: Reviewer, details: [CVPR, ICLR]}\n"
    page = render_home_page(load_site(text.encode()), None)
    assert '<span aria-hidden="true">📫</span> Academic Service</h2>' in page
    assert "<li>Reviewer<ul><li>CVPR</li><li>ICLR</li></ul></li>" in page


@pytest.mark.parametrize(
    ("written", "name", "mark", "owner"),
    [
        ("Ann Lee*", "Ann Lee", "*", True),
        ("Ann Lee†", "Ann Lee", "†", True),
        ("Ann Lee*†", "Ann Lee", "*†", True),
        ("Bo Chen#", "Bo Chen", "#", False),
        ("*", "*", "", False),
    ],
)
def test_author_marks_are_shown_and_ignored_when_matching_the_owner(written, name, mark, owner):
    text = (
        BASE
        + f"sections: [publications]\npublications:\n  - title: a\n    authors: ['{written}']\n"
    )
    (author,) = load_site(text.encode()).sections[0].publications[0].authors
    assert (author.name, author.mark, author.is_owner) == (name, mark, owner)


def test_a_badge_shows_on_the_image_and_the_venue_under_the_authors():
    text = BASE + (
        "sections: [publications]\npublications:\n"
        "  - {title: a, venue: MST, year: 2025, badge: Pose tracking, image: a.png,\n"
        "     featured: true}\n"
    )
    page = render_home_page(load_site(text.encode()), None)
    assert '<div class="badge">Pose tracking</div>' in page
    assert '<span class="paper-venue">MST, 2025</span>' in page


def test_a_media_picture_in_markdown_points_at_the_media_route():
    about = "<img src='media/owl.png' alt='Owl'> ![Bat](media/bat.png)"
    text = BASE + f'sections: [about]\nabout: "{about}"\n'
    page = render_home_page(load_site(text.encode()), None, base_path="/dev")
    assert 'src="/dev/media/owl.png"' in page
    assert 'src="/dev/media/bat.png"' in page
