"""`acadpage import PATH`: academicpages, al-folio and Hugo Blox folders, a .bib and a
gs_data.json, each detected and read as its template lays a site out."""

from __future__ import annotations

import shutil

import pytest
import yaml

from chalicelib.cli import main
from chalicelib.importers.academicpages import citation_authors
from chalicelib.importers.jekyll import front_matter, jekyll_yaml
from chalicelib.site.content import load_site
from tests.conftest import FIXTURES

pytest.importorskip("pybtex")


def run_import(tmp_path, capsys, source) -> tuple[int, list[str], str, dict | None]:
    out = tmp_path / "out" / "site.yaml"
    out.parent.mkdir(exist_ok=True)
    code = main(["import", str(source), "-o", str(out)])
    stdout, stderr = capsys.readouterr()
    converted = yaml.safe_load(out.read_text()) if out.exists() else None
    if converted is not None:
        load_site(out.read_bytes())
    return code, stdout.splitlines(), stderr, converted


def test_an_academicpages_folder_arrives_with_its_papers_talks_and_teaching(tmp_path, capsys):
    code, out, err, site = run_import(tmp_path, capsys, FIXTURES / "academicpages-site")
    assert (code, err) == (0, "")
    assert out[0].endswith(": read as a site made with academicpages")
    assert (
        site["profile"]["name"] == "Ann Lee"
    )  # the config's repeated anchor is read as Jekyll does
    assert site["profile"]["google_scholar_id"] == "AbCdEfGhIjKl"
    assert site["sections"][:3] == ["about", "publications", "talks"]
    assert site["publications"] == [
        {
            "title": "Bats at Noon",
            "authors": ["Ann Lee", "Bo Chen", "Cy Dee"],
            "venue": "Conference of Bats",
            "year": 2015,
            "group": "Conference Papers",
        },
        {
            "title": "Owls at Night",
            "link": "https://x.org/owls.pdf",
            "authors": ["A. Lee", "B. Chen"],
            "venue": "Journal of Owls",
            "year": 2009,
            "links": {"slides": "http://annlee.github.io/files/slides1.pdf"},
            "description": [
                "This paper is about <em>owls</em>.",
                "The full abstract of the owls paper.",  # the paper's own page
            ],
            "group": "Journal Articles",
        },
    ]
    assert site["talks"] == [
        {
            "date": "2012.03.01",
            "text": "<strong>Talk on owls</strong>, Talk, Owl Society, Paris, France",
        }
    ]
    assert site["sections"][3]["markdown"] == (
        "- 2014.01.01: Owl Biology 101, Undergraduate course, Night University"
    )
    assert (tmp_path / "out" / "media" / "profile.png").is_file()


def test_an_al_folio_folder_arrives_with_its_news_papers_and_socials(tmp_path, capsys):
    code, out, err, site = run_import(tmp_path, capsys, FIXTURES / "alfolio-site")
    assert (code, err) == (0, "")
    assert out[0].endswith(": read as a site made with al-folio")
    assert site["profile"] == {
        "name": "Ann Lee",
        "avatar": "prof_pic.png",
        "google_scholar_id": "AbCdEfGhIjKl",
        "email": "ann@example.org",
        "github": "annlee",
        "author_names": ["Ann Lee", "A. Lee"],
    }
    assert site["news"] == [
        {"date": "Nov 7, 2015", "text": "A long announcement with details"},
        {
            "date": "Oct 22, 2015",
            "text": 'A simple inline announcement with a <a href="https://x.org/news" '
            'rel="noopener">link</a>.',
        },
    ]
    (paper,) = site["publications"]
    assert (paper["title"], paper["venue"], paper["badge"], paper["image"]) == (
        "Owls at Night",
        "Journal of Owls",
        "JOwl",
        "owls.png",
    )
    assert sorted(p.name for p in (tmp_path / "out" / "media").iterdir()) == [
        "owls.png",
        "prof_pic.png",
    ]


def test_a_hugo_blox_folder_arrives_with_its_author_and_papers(tmp_path, capsys):
    code, out, err, site = run_import(tmp_path, capsys, FIXTURES / "hugoblox-site")
    assert (code, err) == (0, "")
    assert out[0].endswith(": read as a site made with Hugo Blox")
    assert site["site"] == {"title": "Ann Lee | Owls"}
    assert site["profile"] == {
        "name": "Ann Lee",
        "bio": "Professor of Owl Studies",
        "employer": "Night University",
        "email": "ann@example.org",
        "github": "https://github.com/annlee",
        "google_scholar_id": "AbCdEfGhIjKl",
        "avatar": "avatar.png",
    }
    assert "{{<" not in site["about"] and "Download my resumé." in site["about"]
    owls, bats = site["publications"]
    assert owls == {
        "title": "Owls at Night",
        "authors": ["Ann Lee", "Bo Chen"],
        "venue": "Journal of Owls, 1(1)",
        "badge": "J. Owls",
        "year": 2019,
        "links": {
            "pdf": "https://x.org/owls.pdf",
            "code": "https://github.com/annlee/owls",
            "Dataset page": "https://x.org/owl-data",
            "doi": "https://doi.org/10.1000/owls",
        },
        "description": ["We study owls at night."],
        "featured": True,
    }
    assert (bats["title"], bats["venue"], bats["year"]) == (
        "Bats at Noon",
        "Conference of Bats",
        2017,
    )
    assert any("'/#contact': no such profile link" in line for line in out)


def test_an_acadhomepage_folder_and_a_bib_file_are_detected(tmp_path, capsys):
    code, out, _, site = run_import(tmp_path, capsys, FIXTURES / "acadhomepage-site")
    assert code == 0 and out[0].endswith(": read as a site made with AcadHomepage")
    assert site["publications"][0]["title"] == "Owls at Night"
    shutil.rmtree(tmp_path / "out")
    out_file = tmp_path / "pubs.yaml"
    assert main(["import", str(FIXTURES / "bibtex" / "refs.bib"), "-o", str(out_file)]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith(": read as a BibTeX file")
    assert yaml.safe_load(out_file.read_text())["publications"][0]["title"].startswith("Deep")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("notes.txt", "expected a site folder, a .bib or a gs_data.json"),
        (
            "empty",
            "not a site folder acadpage knows (expected _pages/about.md of AcadHomepage, "
            "al-folio or academicpages, or content/ of Hugo Blox)",
        ),
    ],
)
def test_what_is_no_site_is_refused_with_what_was_expected(tmp_path, capsys, name, message):
    path = tmp_path / name
    path.mkdir() if name == "empty" else path.write_text("hi")
    assert main(["import", str(path), "-o", str(tmp_path / "s.yaml")]) == 1
    assert capsys.readouterr().err == f"acadpage: {path}: {message}\n"
    assert not (tmp_path / "s.yaml").exists()


def test_a_symlink_out_of_the_site_folder_is_not_followed(tmp_path, capsys):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "academicpages-site", site)
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "2020-01-01-leak.md").write_text("---\ntitle: Leaked Secret Paper\n---\n")
    (site / "_publications" / "leak").symlink_to(secret)
    code, out, _, converted = run_import(tmp_path, capsys, site)
    assert code == 0
    assert "Leaked Secret Paper" not in str(converted)
    assert out[-2:] == [
        "left out, as they lead outside the site's folder (not read):",
        "  _publications/leak",
    ]


def test_jekyll_accepts_an_anchor_defined_twice_and_the_later_one_wins():
    text = "a: &d {x: 1}\nb: *d\nc: &d {x: 2}\nd: *d\ne: '&d is text'  # &d in a comment\n"
    assert jekyll_yaml(text, "_config.yml") == {
        "a": {"x": 1},
        "b": {"x": 1},
        "c": {"x": 2},
        "d": {"x": 2},
        "e": "&d is text",
    }


def test_hugo_front_matter_may_be_toml():
    assert front_matter('+++\ntitle = "Owls"\n+++\nBody.\n', "index.md") == (
        {"title": "Owls"},
        "Body.\n",
    )


@pytest.mark.parametrize(
    ("citation", "authors"),
    [
        ("Lee, A., Chen, B., &amp; Dee, C. (2020). T. <i>J</i>.", ["A. Lee", "B. Chen", "C. Dee"]),
        (
            "Ann Lee, Bo Chen and Cy Dee (2020). &quot;T.&quot; <i>J</i>.",
            ["Ann Lee", "Bo Chen", "Cy Dee"],
        ),
        ("No year here.", []),
    ],
)
def test_academicpages_citation_lines_give_the_authors(citation, authors):
    assert citation_authors(citation).names == authors


@pytest.mark.parametrize(
    ("field", "written", "authors"),
    [
        ("authors", "authors: Bo Chen", ["Bo Chen"]),  # one author, not one a letter
        ("authors", "authors: true", ["True"]),
        ("links", "links: true", ["Ann Lee", "Bo Chen"]),
    ],
)
def test_a_hugo_blox_list_field_written_as_one_value_is_read_as_a_list_of_it(
    tmp_path, capsys, field, written, authors
):
    folder = tmp_path / "site"
    shutil.copytree(FIXTURES / "hugoblox-site", folder)
    paper = folder / "content" / "publication" / "owls-at-night" / "index.md"
    listed = {
        "authors": "authors:\n- admin\n- Bo Chen\n",
        "links": "links:\n- name: Dataset page\n  url: https://x.org/owl-data\n",
    }[field]
    assert listed in paper.read_text()
    paper.write_text(paper.read_text().replace(listed, written + "\n"))

    code, _, err, site = run_import(tmp_path, capsys, folder)

    assert (code, err) == (0, "")
    assert site["publications"][0]["authors"] == authors


def test_pictures_and_links_of_a_hugo_blox_about_text_are_copied_and_reported(tmp_path, capsys):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "hugoblox-site", site)
    author = site / "content" / "authors" / "admin"
    (author / "owl.png").write_bytes(b"\x89PNG owl")
    index = author / "_index.md"
    shown = "![An owl](owl.png) ![A badge](https://img.example.org/b.svg) [CV](./cv.pdf)"
    index.write_text(f"{index.read_text()}\n{shown}\n")
    code, out, err, converted = run_import(tmp_path, capsys, site)
    assert (code, err) == (0, "")
    assert 'src="media/owl.png"' in converted["about"]
    assert (tmp_path / "out" / "media" / "owl.png").read_bytes() == b"\x89PNG owl"
    assert "  image https://img.example.org/b.svg" in out
    assert any("the link './cv.pdf' points into the old site's files" in line for line in out)


def test_pictures_in_al_folio_news_are_copied_and_reported(tmp_path, capsys):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "alfolio-site", site)
    (site / "assets" / "img" / "nest.png").write_bytes(b"\x89PNG nest")
    (site / "_news" / "announcement_3.md").write_text(
        "---\ndate: 2016-01-01\ninline: true\n---\n"
        "A nest ![nest](/assets/img/nest.png) and ![A badge](https://img.example.org/n.svg)\n"
    )
    code, out, err, converted = run_import(tmp_path, capsys, site)
    assert (code, err) == (0, "")
    assert 'src="media/nest.png"' in converted["news"][0]["text"]
    assert (tmp_path / "out" / "media" / "nest.png").read_bytes() == b"\x89PNG nest"
    assert "  image https://img.example.org/n.svg" in out
