"""academicpages sites as their visitors saw them: the authors of every citation shape its
generators write, only what the publications page shows, no template demo, no byte-order mark
or entity shown as text, and the paper's own page brought as its description and links."""

from __future__ import annotations

import shutil

import pytest
import yaml

from chalicelib.cli import main
from chalicelib.cli.files import read_text
from chalicelib.importers.citation_names import authors_line, citation_authors
from chalicelib.site.content import load_site
from tests.conftest import FIXTURES


def imported(tmp_path, capsys, files: dict[str, str]) -> tuple[dict, list[str]]:
    """The content and report of the fixture site with `files` added (or replaced)."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "academicpages-site", site)
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out" / "site.yaml"
    out.parent.mkdir()
    assert main(["import", str(site), "-o", str(out)]) == 0
    report = capsys.readouterr().out.splitlines()
    load_site(out.read_bytes())  # what was written validates
    return yaml.safe_load(out.read_text(encoding="utf-8")), report


def paper(front: str, body: str = "") -> str:
    return f"---\ncollection: publications\ndate: 2021-05-01\n{front}\n---\n{body}"


def titled(site: dict, title: str) -> dict:
    return next(entry for entry in site["publications"] if entry.get("title") == title)


@pytest.mark.parametrize(
    ("citation", "names", "marked"),
    [
        # pubsFromBib.py: ` First Last, ` each, then the quoted title, venue, year
        (
            " Ann Lee,  Bo Chen, &quot;Owls at dusk.&quot; Owl Letters, 2017.",
            ["Ann Lee", "Bo Chen"],
            [],
        ),
        # the names, then the venue's sentence; the owner in bold
        (
            "Cy Dee, <b>Ann Lee</b> and Bo Chen. In Proceedings of Owls (OWL) 2020.",
            ["Cy Dee", "Ann Lee", "Bo Chen"],
            ["Ann Lee"],
        ),
        # a comma list mixing `Surname I.` and `I. Surname`: whole names, none lost
        (
            "Dee C., A. Lee, B. Chen, E. Fox. (2020). Owls at dusk. Owl Letters.",
            ["C. Dee", "A. Lee", "B. Chen", "E. Fox"],
            [],
        ),
        # APA with `et al.`, which stays
        (
            "Dee, C., Lee, A., Fox, E. F., et al. (2019). Owls. Owl Letters, 3(2).",
            ["C. Dee", "A. Lee", "E. F. Fox", "et al."],
            [],
        ),
    ],
)
def test_every_citation_shape_gives_all_its_authors(citation, names, marked):
    read = citation_authors(citation, "Owls at dusk")
    assert (read.names, read.marked, read.problem) == (names, marked, "")


def test_an_authors_line_names_the_owner_in_bold():
    read = authors_line("Dee C., <b>Lee A.</b>")
    assert (read.names, read.marked) == (["C. Dee", "A. Lee"], ["A. Lee"])


@pytest.mark.parametrize(
    "citation",
    [
        "submitted to Owl Letters, first author.",  # no names: nothing follows
        "Ann Lee, the owl lab of Night University (2020). Owls.",  # no person's name
    ],
)
def test_a_citation_whose_names_do_not_check_out_gives_no_authors(citation):
    read = citation_authors(citation, "Owls")
    assert read.names == [] and read.problem


def test_authors_come_from_the_authors_key_or_the_citation_and_the_owner_is_highlighted(
    tmp_path, capsys
):
    site, report = imported(
        tmp_path,
        capsys,
        {
            "_publications/a.md": paper(
                "title: Owls at dusk\nauthors: Dee C., <b>Lee A.</b>\n"
                "citation: ' Cy Dee,  Ann Lee, &quot;Owls at dusk.&quot; Owl Letters, 2021.'"
            ),
            "_publications/b.md": paper(
                'title: Owls at dawn\ncitation: "<b>Ann Lee</b> and Bo Chen. In Owl Days 2021."'
            ),
            "_publications/c.md": paper(
                'title: Owls at noon\ncitation: "submitted to Owl Letters, first author."'
            ),
        },
    )
    assert titled(site, "Owls at dusk")["authors"] == ["C. Dee", "A. Lee"]
    assert titled(site, "Owls at dawn")["authors"] == ["Ann Lee", "Bo Chen"]
    assert "A. Lee" in site["profile"]["author_names"]  # bold in `authors:`: the owner
    noon = titled(site, "Owls at noon")
    assert "authors" not in noon
    assert noon["description"] == ["submitted to Owl Letters, first author."]
    assert (
        "  _publications/c.md: citation kept as written in the description: its authors were "
        "not read (no title, quote or year follows the names)"
    ) in report


def test_a_byte_order_mark_is_dropped_and_a_link_that_is_none_is_reported(tmp_path, capsys):
    bom = "\ufeff"
    site, report = imported(
        tmp_path,
        capsys,
        {
            "_publications/a.md": bom
            + paper(
                f"title: {bom}Owls at dusk\nvenue: '{bom}Owl Letters'\n"
                f"paperurl: '{bom}http://x.org/owls.pdf'\nslidesurl: 'owls slides.pdf'"
            ),
        },
    )
    owls = titled(site, "Owls at dusk")
    assert (owls["venue"], owls["link"]) == ("Owl Letters", "http://x.org/owls.pdf")
    assert "links" not in owls
    assert (
        "note: _publications/a.md: slidesurl: 'owls slides.pdf' is not an http(s) address; left out"
    ) in report


def test_the_file_reader_drops_a_byte_order_mark(tmp_path):
    (tmp_path / "a.md").write_bytes("\ufeff---\ntitle: Owls\n".encode())
    assert read_text(tmp_path / "a.md") == "---\ntitle: Owls\n"


def test_entities_jekyll_prints_as_html_show_as_their_characters(tmp_path, capsys):
    site, _ = imported(
        tmp_path,
        capsys,
        {
            "_publications/a.md": paper(
                "title: \"Owls&apos; dusk\"\nvenue: 'Workshop &quot;Owls &amp; Bats&quot;'"
            ),
            "_teaching/t.md": '---\ntitle: "Owls&apos; course"\ndate: 2020-01-01\n---\n',
        },
    )
    assert titled(site, "Owls' dusk")["venue"] == 'Workshop "Owls & Bats"'
    teaching = next(s for s in site["sections"] if isinstance(s, dict))
    assert "Owls' course" in teaching["markdown"].replace("\\", "")


PUBLICATIONS_PAGE = """---
title: Publications
---
{% for post in site.publications %}{% for tag in post.tags %}{% endfor %}{% endfor %}
{% include base_path %}
<h3>Articles</h3>
{% for post in site.publications reversed %}
  {% if post.type contains "articles" %}{% include archive-single.html %}{% endif %}
{% endfor %}
<h3>Talks</h3>
{% for post in site.publications reversed %}
  {% if post.type contains "invitedtalks" %}{% include archive-single.html %}{% endif %}
{% endfor %}
"""


def test_only_what_the_publications_page_shows_is_a_paper_and_talks_go_to_talks(tmp_path, capsys):
    site, report = imported(
        tmp_path,
        capsys,
        {
            "_pages/publications.md": PUBLICATIONS_PAGE,
            "_publications/a.md": paper("title: Owls at dusk\ntype: articles"),
            "_publications/b.md": paper(
                "title: Owl talk\ncollection: talks\ntype: talks,invitedtalks\n"
                "venue: Owl Society\npaperurl: https://owls.example.org/talk"
            ),
            "_publications/c.md": paper("title: Hidden owls\ntype: hide"),
        },
    )
    assert [entry["title"] for entry in site["publications"]] == ["Owls at dusk"]
    assert titled(site, "Owls at dusk")["group"] == "Articles"
    assert site["talks"][0] == {
        "date": "2021.05.01",
        "text": '<a href="https://owls.example.org/talk" rel="noopener">'
        "<strong>Owl talk</strong></a>, Owl Society",
    }
    assert "note: _publications/b.md: a talk, not a paper: brought to the talks" in report
    assert (
        "note: _publications/c.md: left out: the site's publications page does not show it "
        "(type 'hide': in none of its lists)"
    ) in report


def test_the_templates_demo_items_are_left_out_and_reported(tmp_path, capsys):
    demo = '---\ntitle: "Talk 1 on Relevant Topic in Your Field"\ndate: 2012-03-01\n---\n'
    site, report = imported(tmp_path, capsys, {"_talks/2012-03-01-talk-1.md": demo})
    assert "Relevant Topic" not in str(site)
    assert (
        "note: _talks/2012-03-01-talk-1.md: left out: 'Talk 1 on Relevant Topic in Your "
        "Field' is the template's example item, not yours"
    ) in report


def test_the_papers_own_page_gives_its_abstract_and_links(tmp_path, capsys):
    site, report = imported(
        tmp_path,
        capsys,
        {
            "_publications/a.md": paper(
                "title: Owls at dusk\npaperurl: https://x.org/dusk.pdf",
                "### Abstract:\nOwls hunt at dusk. [[pdf]](https://x.org/dusk-full.pdf)\n\n"
                "<center><img src='/images/owl.png'></center>\n\n"
                "[Download paper here](https://x.org/dusk.pdf)\n\n"
                "Recommended citation: Lee, A. (2021). Owls at dusk.\n",
            ),
            "_publications/b.md": paper(
                "title: Owls at dawn\nabstract: 'Owls sleep at dawn.'",
                "Abstract: Owls &apos;rest&apos;.\n\n[Code](https://x.org/code)\n",
            ),
        },
    )
    dusk, dawn = titled(site, "Owls at dusk"), titled(site, "Owls at dawn")
    assert (dusk["description"], dusk["links"]) == (
        ["Owls hunt at dusk."],
        {"pdf": "https://x.org/dusk-full.pdf"},
    )
    assert dawn["description"] == ["Owls sleep at dawn.", "Abstract: Owls 'rest'."]
    assert dawn["links"] == {"Code": "https://x.org/code"}
    assert (
        "note: _publications/a.md: 1 paragraphs of the paper's own page past its abstract "
        "(sections, pictures) are not brought; add what the list should show to its description"
    ) in report


def test_abstracts_past_half_the_content_limit_are_left_out_and_the_site_still_imports(
    tmp_path, capsys
):
    abstract = "Owls hunt at dusk. " * 150  # 2,850 characters: 40 of them pass 100,000
    papers = {
        f"_publications/{n}.md": paper(f"title: Owls {n}\nabstract: '{abstract}'")
        for n in range(40)
    }
    site, report = imported(tmp_path, capsys, papers)  # and it validates
    described = [entry for entry in site["publications"] if "description" in entry]
    left_out = [line for line in report if "its abstract is left out" in line]
    # the 40 and the fixture's paper with an excerpt: each keeps its abstract or is reported
    assert 30 <= len(described) < 40 and len(described) + len(left_out) == 41


def test_a_link_to_a_file_of_the_old_site_points_at_the_old_sites_address(tmp_path, capsys):
    site, report = imported(
        tmp_path,
        capsys,
        {"_publications/a.md": paper("title: Owls at dusk", "Owls. [[pdf]](/files/dusk.pdf)\n")},
    )
    assert titled(site, "Owls at dusk")["links"] == {
        "pdf": "https://annlee.github.io/files/dusk.pdf"  # the config's `url`
    }
    assert (
        "note: _publications/a.md: a link of its text: '/files/dusk.pdf' is a file of the old "
        "site, linked at the old site's https://annlee.github.io/files/dusk.pdf; put the file "
        "online and link its address"
    ) in report
