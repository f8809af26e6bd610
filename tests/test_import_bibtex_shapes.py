"""Real BibTeX exports (NASA ADS, al-folio, Hugo Blox) arrive whole through import-bibtex."""

from __future__ import annotations

import re

import pytest
import yaml

from chalicelib.cli import main
from chalicelib.importers.bibtex import import_bibtex
from chalicelib.site.content import load_site
from chalicelib.site.render import render_home_page
from tests.conftest import FIXTURES

pytest.importorskip("pybtex")
BIBTEX = FIXTURES / "bibtex"
SITE = "site: {title: T}\nprofile: {name: Ann Lee}\nsections: [publications]\n"


def papers(text: str) -> list[dict]:
    return yaml.safe_load(import_bibtex(text, "x.bib").text)["publications"]


def test_a_nasa_ads_export_arrives_with_journal_names_and_math_as_characters():
    converted = yaml.safe_load(import_bibtex((BIBTEX / "ads.bib").read_text(), "ads.bib").text)
    assert converted["publications"] == [
        {
            "title": "A ∼10 Myr old disk around M☉ stars with α > 2",
            "link": "https://doi.org/10.3847/1538-4357/abcdef",
            "authors": ["A. J. Lee", "B. van Dyk", "C. O'Neil"],
            "venue": "Astrophysical Journal",
            "year": 2020,
            "links": {"arxiv": "https://arxiv.org/abs/2005.00001"},
        },
        {
            "title": "Owls in Gaia DR2",
            "authors": ["A. J. Lee"],
            "venue": "Monthly Notices of the Royal Astronomical Society",
            "year": 2019,
        },
        {"title": "Owl Census", "authors": ["Ann Lee"], "venue": "Night Institute", "year": 2018},
    ]


@pytest.mark.parametrize(
    ("macro", "journal"),
    [
        ("\\aj", "Astronomical Journal"),
        ("\\apj", "Astrophysical Journal"),
        ("\\apjl", "Astrophysical Journal Letters"),
        ("\\apjs", "Astrophysical Journal Supplement Series"),
        ("\\aap", "Astronomy and Astrophysics"),
        ("\\mnras", "Monthly Notices of the Royal Astronomical Society"),
        ("\\pasa", "Publications of the Astronomical Society of Australia"),
        ("\\pasp", "Publications of the Astronomical Society of the Pacific"),
        ("\\araa", "Annual Review of Astronomy and Astrophysics"),
        ("\\prd", "Physical Review D"),
        ("\\nat", "Nature"),
        ("\\jcap", "Journal of Cosmology and Astroparticle Physics"),
    ],
)
def test_aas_journal_macros_become_journal_names_never_arxiv(macro, journal):
    text = f"@article{{k, title={{T}}, author={{A, B}}, journal={{{macro}}}, year=2020,\n"
    text += "  eprint={2001.00001}, archivePrefix={arXiv}}\n"
    assert papers(text)[0]["venue"] == journal


def test_an_unknown_journal_macro_still_names_the_journal_and_dblp_eprints_link_arxiv():
    text = (
        "@article{k, title={T}, journal={\\owljournal}, year=2020, eprint={2001.00001},\n"
        "  eprinttype={arXiv}}\n"
    )
    (paper,) = papers(text)
    assert (paper["venue"], paper["link"]) == ("owljournal", "https://arxiv.org/abs/2001.00001")


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("{\\ensuremath{\\sim}}5 owls", "∼5 owls"),
        ("$\\alpha$-owls at 10$^{5}$ K", "α-owls at 105 K"),
        ("M$_\\odot$ owls", "M☉ owls"),
        ("{Owls} \\& {Bats}", "Owls & Bats"),
        ("\\textit{Gaia} {\\ensuremath{\\times}} 2", "Gaia × 2"),
    ],
)
def test_math_becomes_its_characters(title, shown):
    assert papers(f"@article{{k, title={{{title}}}, year=2020}}\n")[0]["title"] == shown


def test_a_title_with_unbalanced_braces_keeps_its_words():
    (paper,) = papers("@article{k, title = {Owls $at{$ night}}, year=2020}\n")
    assert paper["title"] == "Owls at night"


def test_string_macros_month_macros_and_braced_surnames():
    text = (
        "@string{owl = {Journal of Owls}}\n"
        "@article{k, title={T}, author={{Lee}, A.~J. and {de la Cruz}, Bo}, journal=owl,\n"
        "  year=2020, month=may}\n"
    )
    assert papers(text) == [
        {
            "title": "T",
            "authors": ["A. J. Lee", "Bo de la Cruz"],
            "venue": "Journal of Owls",
            "year": 2020,
        }
    ]


def test_al_folio_fields_arrive():
    text = (
        "---\n---\n@article{k, abbr={ICLR}, title={Owls}, author={Lee, Ann* and Chen, Bo*},\n"
        "  journal={Owl Journal,}, year={2024}, selected={true}, preview={owls.png},\n"
        "  html={https://x.org/owls}, pdf={https://x.org/owls.pdf}, code={https://github.com/a/o},\n"
        "  abstract={We study owls.}, annotation={* Equal contribution.}, bibtex_show={true}}\n"
    )
    assert papers(text) == [
        {
            "title": "Owls",
            "link": "https://x.org/owls.pdf",
            "authors": ["Ann Lee*", "Bo Chen*"],
            "venue": "Owl Journal",
            "badge": "ICLR",
            "year": 2024,
            "featured": True,
            "image": "owls.png",
            "links": {"code": "https://github.com/a/o", "HTML": "https://x.org/owls"},
            "description": ["* Equal contribution.", "We study owls."],
        }
    ]


def test_an_abbr_alone_is_the_venue():
    text = "@inproceedings{k, abbr={NeurIPS}, title={Owls}, author={Lee, Ann}, year={2024}}"
    assert papers(text)[0]["venue"] == "NeurIPS" and "badge" not in papers(text)[0]


def test_a_percent_sign_inside_a_value_is_text():
    text = (
        "% a comment before the entry, with {braces}\n"
        "@article{k, title={Gains of 20-60% on {10%} of data},\n"
        '  author={Lee, Ann}, abstract="Up 5% and 97.25{\\%} more\n  words", year={2024}}'
    )
    paper = papers(text)[0]
    assert paper["title"] == "Gains of 20-60% on 10% of data"
    assert paper["description"] == ["Up 5% and 97.25% more words"]


def test_a_url_holding_an_html_anchor_gives_its_href():
    text = (
        "@article{k, title={Owls}, author={Lee, Ann}, year={2024},\n"
        '  url={<a href="https://x.org/owls">https://x.org/owls</a>},\n'
        "  pdf={<a href='https://x.org/owls.pdf' target=_blank>PDF</a>}}"
    )
    paper = papers(text)[0]
    assert paper["link"] == "https://x.org/owls"
    assert paper["links"] == {"pdf": "https://x.org/owls.pdf"}


def test_al_folio_button_fields_become_links():
    fields = ", ".join(
        f"{name}={{https://x.org/{name}}}"
        for name in ("blog", "code", "poster", "slides", "video", "supp", "website")
    )
    paper = papers(f"@article{{k, title={{Owls}}, author={{Lee, Ann}}, {fields}}}")[0]
    assert paper["links"] == {
        "code": "https://x.org/code",
        "project": "https://x.org/website",
        "slides": "https://x.org/slides",
        "poster": "https://x.org/poster",
        "video": "https://x.org/video",
        "Blog": "https://x.org/blog",
        "Supplement": "https://x.org/supp",
    }


def test_enquote_keeps_its_quotation_marks():
    text = r"@article{k, title={On \enquote{Owls {at} night}}, author={Lee, Ann}}"
    assert papers(text)[0]["title"] == "On “Owls at night”"


@pytest.mark.parametrize(
    ("authors", "people"),
    [
        ("Smith J., Doe A. B., van Berg J.-P.", ["Smith J.", "Doe A. B.", "van Berg J.-P."]),
        ("Smith, J., Doe, A. B.", ["J. Smith", "A. B. Doe"]),
        ("Smith, John and Doe, Ann", ["John Smith", "Ann Doe"]),
        ("Smith, Jr., John", ["John Smith, Jr."]),
    ],
)
def test_surname_initials_lists_are_read_as_people(authors, people):
    assert papers(f"@article{{k, title={{Owls}}, author={{{authors}}}}}")[0]["authors"] == people


def test_a_book_names_its_publisher_and_a_techreport_its_institution():
    text = (
        "@book{b, title={B}, author={A, B}, publisher={Owl Press,}, year=1956}\n"
        "@techreport{t, title={T}, author={A, B}, institution={MIT}, year=2001}\n"
    )
    assert [paper["venue"] for paper in papers(text)] == ["Owl Press", "MIT"]


def test_a_hugo_blox_folder_of_cite_bib_files_is_imported(tmp_path, capsys):
    out = tmp_path / "publications.yaml"
    assert main(["import-bibtex", str(BIBTEX / "hugo-blox"), "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}: 2 publications\n"
    titles = [paper["title"] for paper in yaml.safe_load(out.read_text())["publications"]]
    assert titles == ["Bats at Dawn", "Owls at Night"]


def test_an_empty_folder_is_refused(tmp_path, capsys):
    assert main(["import-bibtex", str(tmp_path), "-o", str(tmp_path / "p.yaml")]) == 1
    assert capsys.readouterr().err == f"acadpage: {tmp_path}: no .bib files in this folder\n"


@pytest.mark.parametrize("source", ["ads.bib", "refs.bib"])
def test_no_title_author_or_venue_keeps_a_backslash_or_a_brace(source):
    for paper in papers((BIBTEX / source).read_text()):
        for text in (paper["title"], paper.get("venue", ""), *paper.get("authors", [])):
            assert not re.search(r"[\\{}]", text), text


def test_the_year_shows_on_the_page_for_every_imported_paper():
    listed = import_bibtex((BIBTEX / "ads.bib").read_text(), "ads.bib").text
    page = render_home_page(load_site((SITE + listed).encode()), None)
    for year in ("2020", "2019", "2018"):
        assert re.search(rf"<strong>[^<]*, {year}</strong>", page)
