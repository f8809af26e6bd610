"""A Hugo Blox import keeps what the site showed: one bad value costs that value only, talks, home
widgets, education and interests arrive or are named, a venue's markdown is read, and files
of the site that papers link are copied and reported."""

from __future__ import annotations

import shutil

import pytest
import yaml

from chalicelib.importers.pruned import without_invalid
from chalicelib.site.content import ContentError, load_site
from tests.conftest import FIXTURES
from tests.test_import_sites import run_import

pytest.importorskip("pybtex")

CONVERTED = """\
# acadpage content converted from a test.
site: {title: Ann Lee}
profile:
  name: Ann Lee
  email: /#contact
  github: annlee
sections: [about, publications]
about: I study owls.
publications:
  - title: Owls at Night
    year: 2019
    links: {pdf: "javascript:alert(1)", code: "https://x.org/code"}
  - venue: A paper without a title
  - title: Bats at Noon
    year: 20190
"""


def test_each_value_that_fails_validation_is_left_out_and_the_rest_kept():
    text, dropped = without_invalid(CONVERTED, "site.yaml")
    site = yaml.safe_load(text)
    load_site(text.encode())
    assert text.startswith("# acadpage content converted from a test.\n")
    assert site["profile"] == {"name": "Ann Lee", "github": "annlee"}
    assert site["publications"] == [
        {"title": "Owls at Night", "year": 2019, "links": {"code": "https://x.org/code"}},
        {"title": "Bats at Noon"},
    ]
    assert site["about"] == "I study owls."
    assert len(dropped) == 4
    assert "profile.email ('/#contact') left out: expected an email address" in dropped[-1]
    assert any(line.startswith("publications[1] ('an entry') left out:") for line in dropped)
    assert any("publications[0].links.pdf ('javascript:alert(1)')" in line for line in dropped)


def test_more_bad_values_than_one_report_lists_are_all_left_out():
    papers = "".join(f"  - title: Paper {n}\n    year: 2019{n}\n" for n in range(150))
    text, dropped = without_invalid(
        "site: {title: T}\nprofile: {name: N}\npublications:\n" + papers, "site.yaml"
    )
    assert len(yaml.safe_load(text)["publications"]) == 150 and len(dropped) == 150
    assert "year: 2019" not in text


def test_a_valid_file_is_kept_as_it_is_and_one_without_a_name_is_refused():
    valid = CONVERTED.replace("  email: /#contact\n", "").split("publications:\n")[0]
    valid = valid.replace("sections: [about, publications]", "sections: [about]")
    assert without_invalid(valid, "site.yaml") == (valid, ())
    with pytest.raises(ContentError, match=r"profile\.name"):
        without_invalid(valid.replace("  name: Ann Lee\n", ""), "site.yaml")


def hugo_site(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "hugoblox-site", site)
    return site


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_hugos_contact_link_as_the_email_costs_only_that_link(tmp_path, capsys):
    site = hugo_site(tmp_path)
    author = site / "content" / "authors" / "admin" / "_index.md"
    front = author.read_text().replace("link: 'mailto:ann@example.org'", "link: '/#contact'")
    author.write_text(front.replace("highlight_name: true", 'email: "ann@owls.example.org"'))
    code, out, err, converted = run_import(tmp_path, capsys, site)
    assert (code, err) == (0, "")
    assert converted["profile"]["email"] == "ann@owls.example.org"
    assert len(converted["publications"]) == 2
    assert any("social envelope '/#contact': not an email address; left out" in x for x in out)


def test_talks_home_widgets_and_the_education_arrive_and_the_rest_is_named(tmp_path, capsys):
    site = hugo_site(tmp_path)
    author = site / "content" / "authors" / "admin" / "_index.md"
    author.write_text(
        author.read_text().replace(
            "social:",
            "education:\n  courses:\n  - course: PhD in Owls\n    institution: Night U\n"
            "    year: 2010\nsocial:",
        )
    )
    config = site / "config" / "_default" / "hugo.yaml"
    config.write_text(config.read_text() + "permalinks:\n  event: '/talk/:slug/'\n")
    talk = site / "content" / "event" / "owl-talk"
    write(
        talk / "index.md",
        "---\ntitle: Owls *after* dark\nevent: Owl Congress\nlocation: Oslo\n"
        'date: "2021-05-04T10:00:00Z"\nurl_slides: slides.pdf\n---\n',
    )
    (talk / "slides.pdf").write_bytes(b"%PDF owl slides")
    old = "---\ntitle: Old\ndate: 2015-01-02\n---\n"
    write(site / "content" / "event" / "old" / "index.md", old)
    home = site / "content" / "home"
    write(
        home / "news.md",
        "---\nwidget: blank\nweight: 2\ntitle: News\n---\n"
        "<br> **2024.07** &nbsp;🎉 A new [paper](https://x.org/p).\n<br> **2023.01** Started.\n",
    )
    write(
        home / "award.md",
        "---\nwidget: accomplishments\nweight: 3\ntitle: Prizes\nitem:\n"
        "- title: Best Owl\n  organization: Owl Society\n  organization_url: https://owls.org\n"
        "  date_start: '2022-07-13'\n  description: Top owl. <br>Twice.\n---\n",
    )
    write(home / "contact.md", "---\nwidget: contact\nweight: 9\n---\n")
    write(home / "skills.md", "---\nwidget: featurette\nactive: false\n---\n")
    write(site / "content" / "post" / "hello.md", "---\ntitle: Hello\n---\nHi.\n")

    code, out, err, converted = run_import(tmp_path, capsys, site)

    assert (code, err) == (0, "")
    assert converted["sections"] == [
        "about",
        {"type": "news", "title": "News"},
        {"type": "awards", "title": "Prizes"},
        "publications",
        "talks",
        "education",
    ]
    assert converted["news"] == [
        {"date": "2024.07", "text": '🎉 A new <a href="https://x.org/p" rel="noopener">paper</a>.'},
        {"date": "2023.01", "text": "Started."},
    ]
    assert converted["awards"] == [
        {
            "date": "2022.07.13",
            "text": "**Best Owl**, [Owl Society](https://owls.org)",
            "details": ["Top owl.", "Twice."],
        }
    ]
    new, old = converted["talks"]
    assert new["date"] == "2021.05.04" and old == {"date": "2015.01.02", "text": "**Old**"}
    assert new["text"].startswith("**Owls after dark**, *Owl Congress*, Oslo \\[[slides](")
    assert "https://annlee.example.org/talk/owl-talk/slides.pdf" in new["text"]  # its permalink
    assert (tmp_path / "out" / "media" / "slides.pdf").read_bytes() == b"%PDF owl slides"
    assert converted["education"] == [{"date": "2010", "text": "PhD in Owls, Night U"}]
    assert "<li>Owls</li>" in converted["about"]
    assert "note: content/home/contact.md: a 'contact' widget that acadpage has no section " in (
        "\n".join(out)
    )
    assert any(line.startswith("note: content/home/skills.md: a hidden widget") for line in out)
    assert "note: content/post: 1 page acadpage has no section for; not imported" in out


def test_a_venue_in_markdown_shows_its_text_and_keeps_its_link(tmp_path, capsys):
    site = hugo_site(tmp_path)
    paper = site / "content" / "publication" / "owls-at-night" / "index.md"
    paper.write_text(
        paper.read_text().replace(
            'publication: "*Journal of Owls, 1*(1)"',
            "publication: In *[Owl Conf 2024](https://owls.example.org/2024)* **Oral**",
        )
    )
    code, _, err, converted = run_import(tmp_path, capsys, site)
    assert (code, err) == (0, "")
    owls = converted["publications"][0]
    assert owls["venue"] == "In Owl Conf 2024 Oral"
    assert owls["links"]["Owl Conf 2024"] == "https://owls.example.org/2024"


def test_files_of_the_site_a_paper_links_are_copied_and_each_link_reported(tmp_path, capsys):
    site = hugo_site(tmp_path)
    moths = site / "content" / "publication" / "moths"
    write(
        moths / "index.md",
        "---\ntitle: Moths\ndate: 2020-01-01\nurl_pdf: '/publication/moths/moths'\n"
        "url_poster: /publication/moths/poster.pdf\nurl_code: 'javascript:alert(1)'\n"
        "links:\n- name: Website\n  url: /moths\n---\n",
    )
    (moths / "moths.pdf").write_bytes(b"%PDF moths")
    code, out, err, converted = run_import(tmp_path, capsys, site)
    assert (code, err) == (0, "")
    paper = next(p for p in converted["publications"] if p["title"] == "Moths")
    assert paper["links"] == {
        "pdf": "https://annlee.example.org/publication/moths/moths",
        "poster": "https://annlee.example.org/publication/moths/poster.pdf",
        "Website": "https://annlee.example.org/moths",
    }
    assert (tmp_path / "out" / "media" / "moths.pdf").read_bytes() == b"%PDF moths"
    report = "\n".join(out)
    copied = "url_pdf '/publication/moths/moths': content/publication/moths/moths.pdf copied"
    assert copied in report
    assert "url_poster '/publication/moths/poster.pdf': not in the site's folder; linked" in report
    assert "url_code 'javascript:alert(1)': not a link; left out" in report
    assert "links Website '/moths': not in the site's folder" in report
