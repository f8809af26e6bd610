"""AcadHomepage and BibTeX importers: their output validates and carries everything over."""

from __future__ import annotations

import html
import shutil

import pytest
import yaml

from chalicelib.cli import main
from chalicelib.importers import ImportProblem
from chalicelib.importers.acadhomepage import import_acadhomepage
from chalicelib.site.content import load_site
from tests.conftest import FIXTURES

ACADHOMEPAGE = FIXTURES / "acadhomepage"
BIBTEX = FIXTURES / "bibtex"
CONFIG = (ACADHOMEPAGE / "_config.yml").read_text()
LOREM = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Vivamus ornare aliquet ipsum, ac "
    "tempus justo dapibus sit amet."
)
RESNET_PROJECT = (
    "https://scholar.google.com/citations?view_op=view_citation&hl=zh-CN&user=d6u01FkAAAAJ"
    "&citation_for_view=d6u01FkAAAAJ:ALROH1vI_8AC"
)
RESNET_PDF = (
    "https://openaccess.thecvf.com/content_cvpr_2016/papers/"
    "He_Deep_Residual_Learning_CVPR_2016_paper.pdf"
)
BASE = "site: {title: T}\nprofile: {name: Kaiming He}\n"


def seed() -> dict:
    imported = import_acadhomepage((ACADHOMEPAGE / "about.md").read_text(), CONFIG)
    return yaml.safe_load(imported.text)


def convert(about: str, config: str = "author: {name: Kaiming He}\n") -> dict:
    imported = import_acadhomepage(about, config)
    load_site(imported.text.encode())
    return yaml.safe_load(imported.text)


# --- AcadHomepage: the seed page ----------------------------------------------------------------


def test_seed_converts_to_valid_content_with_its_sections_in_order():
    imported = import_acadhomepage((ACADHOMEPAGE / "about.md").read_text(), CONFIG)
    site = load_site(imported.text.encode(), "site.yaml")
    assert [section.kind for section in site.sections] == [
        "about",
        "news",
        "publications",
        "awards",
        "education",
        "talks",
    ]
    assert [section.icon for section in site.sections] == ["", "🔥", "📝", "🎖", "📖", "💬"]


def test_seed_profile_takes_the_non_empty_author_keys():
    assert seed()["site"] == {
        "title": "Lorem ipsum",
        "description": LOREM,
    }
    assert seed()["profile"] == {
        "name": "Lorem ipsum",
        "author_names": ["Lorem ipsum", "Kaiming He"],
        "avatar": "android-chrome-512x512.png",
        "bio": "Lorem ipsum College",
        "location": "Beijing, China",
        "email": "Lorem@ipsum.com",
    }


def test_seed_paper_box_becomes_a_featured_publication():
    featured, compact = seed()["publications"]
    assert featured == {
        "title": "Deep Residual Learning for Image Recognition",
        "link": RESNET_PDF,
        "authors": ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"],
        "venue": "CVPR 2016",
        "year": 2016,
        "image": "500x300.png",
        "featured": True,
        "links": {"project": RESNET_PROJECT},
        "description": [LOREM],
    }
    assert compact == {
        "title": LOREM.rstrip("."),
        "link": "https://github.com",
        "authors": ["A", "B", "C"],
        "venue": "CVPR 2020",
        "year": 2020,
    }


def test_seed_dated_entries_keep_their_dates_as_written():
    converted = seed()
    assert converted["news"] == [{"date": "2022.02", "text": f"&nbsp;🎉🎉 {LOREM}"}] * 2
    assert converted["awards"] == [
        {"date": "2021.10", "text": LOREM},
        {"date": "2021.09", "text": LOREM},
    ]
    assert converted["education"] == [
        {"date": "2019.06 - 2022.04 (now)", "text": LOREM},
        {"date": "2015.09 - 2019.06", "text": LOREM},
    ]
    assert converted["talks"] == [
        {"date": "2021.06", "text": LOREM},
        {
            "date": "2021.03",
            "text": f'{LOREM} | <a href="https://github.com/" rel="noopener">[video]</a>',
        },
    ]


def test_seed_about_keeps_its_text_and_turns_the_scholar_badge_into_acadpages():
    about = seed()["about"]
    assert about.startswith("<div><p>I have been very fortunate to study and live in many great")
    assert '<span id="total_cit">260000+</span>' in about
    assert "{{" not in about and "{%" not in about
    assert "anchor" not in about
    assert (
        "(You can also use google scholar badge <a href="
        '"https://scholar.google.com/citations?user=d6u01FkAAAAJ" rel="noopener">'
        '<img src="/badge/citations.svg" alt="citations"></a>).'
    ) in about


def test_seed_notes_say_what_to_do_by_hand():
    imported = import_acadhomepage((ACADHOMEPAGE / "about.md").read_text(), CONFIG)
    assert imported.notes == (
        "about.md:26: left out a value only Jekyll can compute (a Liquid {{ }})",
        "_config.yml author.googlescholar: "
        "'https://scholar.google.com/citations?user=YOUR_GOOGLE_SCHOLAR_ID' is a placeholder, "
        "not a Google Scholar user id; left out (set profile.google_scholar_id yourself)",
        "publication 'Deep Residual Learning for Image Recogni': citation id "
        "'d6u01FkAAAAJ:ALROH1vI_8AC' is not of the profile's Scholar user (it is the "
        "template's sample); left out",
        "_config.yml: google_scholar_stats_use_cdn and the stats branch are not needed: "
        "acadpage refreshes the citation numbers itself (see `acadpage refresh`)",
    )
    assert imported.media == (
        ("images/500x300.png", "500x300.png"),
        ("images/android-chrome-512x512.png", "android-chrome-512x512.png"),
    )


def test_import_then_preview_shows_everything_the_seed_shows(tmp_path, capsys):
    shutil.copy(ACADHOMEPAGE / "about.md", tmp_path / "about.md")
    shutil.copy(ACADHOMEPAGE / "_config.yml", tmp_path / "_config.yml")
    site = tmp_path / "site.yaml"
    argv = ["import-acadhomepage", tmp_path / "about.md", "--config", tmp_path / "_config.yml"]
    assert main([str(arg) for arg in [*argv, "-o", site]]) == 0
    assert capsys.readouterr().out.startswith(
        f"wrote {site}: 6 sections, 2 publications\nstructured:\n  about.md:22: about\n"
        "  about.md:29: news (2 entries"
    )
    # the images the import note asks to copy: until then validate names them, as push would
    assert main(["validate", str(site)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "acadpage: site.yaml profile.avatar: media file 'android-chrome-512x512.png' not found in "
        "media/ next to site.yaml",
        "site.yaml publications[0].image: media file '500x300.png' not found in media/ next to "
        "site.yaml",
    ]
    (tmp_path / "media").mkdir(exist_ok=True)
    for name in ("android-chrome-512x512.png", "500x300.png"):
        (tmp_path / "media" / name).write_bytes(b"\x89PNG\r\n\x1a\n")
    assert main(["validate", str(site)]) == 0
    assert main(["preview", str(site), "-o", str(tmp_path / "page.html")]) == 0
    page = html.unescape((tmp_path / "page.html").read_text())

    for heading in ("News", "Publications", "Honors and Awards", "Educations", "Invited Talks"):
        assert f"</span> {heading}</h2>" in page
    for date in ("2021.10", "2021.09", "2019.06 - 2022.04 (now)", "2015.09 - 2019.06"):
        assert f"<em>{date}</em>: {LOREM}" in page
    assert page.count(f"<em>2022.02</em>: \xa0🎉🎉 {LOREM}") == 2
    assert f"<em>2021.06</em>: {LOREM}" in page
    assert (
        f'<em>2021.03</em>: {LOREM} | <a href="https://github.com/" rel="noopener">[video]</a>'
        in page
    )
    assert '<div class="badge">CVPR 2016</div>' in page
    assert f'<a class="paper-title" href="{RESNET_PDF}">' in page
    assert (
        '<span class="paper-authors"><strong>Kaiming He</strong>, Xiangyu Zhang, Shaoqing Ren, '
        "Jian Sun</span>"
    ) in page
    assert f'<a href="{RESNET_PROJECT}">Project</a>' in page
    assert f"<li>{LOREM}</li>" in page
    assert '<a class="paper-title" href="https://github.com">' in page
    assert '<span class="paper-authors">A, B, C</span>, <strong>CVPR 2020</strong>' in page


def test_import_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "site.yaml"
    out.write_text("mine")
    argv = [
        "import-acadhomepage",
        ACADHOMEPAGE / "about.md",
        "--config",
        ACADHOMEPAGE / "_config.yml",
    ]
    assert main([str(arg) for arg in [*argv, "-o", out]]) == 1
    assert (
        capsys.readouterr().err == f"acadpage: {out}: already exists; pass --force to replace it\n"
    )
    assert out.read_text() == "mine"


# --- AcadHomepage: the forms real pages use -----------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "entry"),
    [
        ("# 🔥 News", "news"),
        ("# News", {"type": "news", "title": "News", "icon": ""}),
        ("# 📣 Latest news", {"type": "news", "title": "Latest news", "icon": "📣"}),
        ("# 🏆 Awards", {"type": "awards", "title": "Awards", "icon": "🏆"}),
        ("# 💻 Internships", "internships"),
        ("# 📝 Papers", {"type": "publications", "title": "Papers", "icon": "📝"}),
    ],
)
def test_headings_become_sections_with_their_emoji_as_icon(heading, entry):
    body = "- [T](https://x.org/t), A, B" if "Papers" in heading else "- *2020.01*: something"
    converted = convert(f"{heading}\n{body}\n")
    assert converted["sections"] == [entry]


def test_an_unknown_heading_becomes_a_markdown_section():
    converted = convert("Hello.\n\n# 🧑‍🏫 Teaching\n- CS 101, *spring*\n")
    assert converted["sections"] == [
        "about",
        {
            "id": "teaching",
            "title": "Teaching",
            "icon": "🧑‍🏫",
            "markdown": "<div><ul>\n<li>CS 101, <em>spring</em></li>\n</ul></div>",
        },
    ]


@pytest.mark.parametrize(
    ("line", "entry"),
    [
        ("- *2022.02*: Paper accepted.", {"date": "2022.02", "text": "Paper accepted."}),
        ("- *2021.10* Best paper.", {"date": "2021.10", "text": "Best paper."}),
        ("- *2019 - now*, PhD, MIT", {"date": "2019 - now", "text": "PhD, MIT"}),
        ("- **2023.05**: Bold date.", {"date": "2023.05", "text": "Bold date."}),
        ("- Undated item", {"text": "Undated item"}),
    ],
)
def test_dated_list_items(line, entry):
    assert convert(f"# 🔥 News\n{line}\n")["news"] == [entry]


def test_news_wrapped_in_a_scrolling_div_keeps_its_items():
    about = "# 🔥 News\n<div style='height: 200px; overflow: auto'>\n- *2022.01*: One\n</div>\n"
    assert convert(about)["news"] == [{"date": "2022.01", "text": "One"}]


@pytest.mark.parametrize(
    ("line", "paper"),
    [
        (
            "- [Title, with comma](https://x.org/p), **Ann Lee**, Bo Li, **ICLR 2023**",
            {
                "title": "Title, with comma",
                "link": "https://x.org/p",
                "authors": ["Ann Lee", "Bo Li"],
                "venue": "ICLR 2023",
                "year": 2023,
            },
        ),
        (
            "- `NeurIPS 2021` [T](https://x.org/t), Ann Lee | [**Code**](https://github.com/a/b)",
            {
                "title": "T",
                "link": "https://x.org/t",
                "authors": ["Ann Lee"],
                "venue": "NeurIPS 2021",
                "year": 2021,
                "links": {"code": "https://github.com/a/b"},
            },
        ),
    ],
)
def test_one_line_papers(line, paper):
    assert convert(f"# 📝 Publications\n{line}\n")["publications"] == [paper]


def test_config_keeps_only_usable_links_and_a_real_scholar_id():
    config = (
        "title: My page\nurl: https://me.example.org\n"
        "author:\n  name: Ann Lee\n  googlescholar: https://scholar.google.com/citations?user=AbCdEfGhIjKl\n"
        "  github: annlee\n  dblp: annlee\n  email: not-an-email\n  twitter:\n"
    )
    converted = convert("Hi.\n", config)
    assert converted["profile"] == {
        "name": "Ann Lee",
        "google_scholar_id": "AbCdEfGhIjKl",
        "github": "annlee",
    }
    assert converted["site"] == {"title": "My page", "base_url": "https://me.example.org"}


def test_front_matter_never_closed_is_refused_with_its_line():
    with pytest.raises(ImportProblem) as error:
        import_acadhomepage("---\ntitle: x\n", "")
    assert str(error.value) == "about.md:1: the front matter opened by '---' is never closed"


@pytest.mark.parametrize(
    ("config", "unread"),
    [
        (
            "author: [\n",
            "_config.yml:2: YAML syntax error: did not find expected node content at line 2, "
            "column 1, while parsing a flow node started at line 2, column 1; the profile has "
            "only a placeholder name",
        ),
        (  # the guards of content files: no alias bomb, no recursion, no custom tag
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{k}: &{k} [{', '.join([f'*{p}'] * 10)}]\n"
                for p, k in zip("abcde", "bcdef", strict=True)
            ),
            "_config.yml:6: aliases (*name) expand this to more than 150,000 values; the profile "
            "has only a placeholder name",
        ),
        (
            "a: " + "[" * 500 + "]" * 500 + "\n",
            "_config.yml:1 a" + "[0]" * 40 + ": lists and mappings nest more than "
            "40 deep here; content needs 5 at most; the profile has only a placeholder name",
        ),
        (
            "a: !!python/object:os.system x\n",
            "_config.yml:1 a: the tag '!!python/object:os.system' is not allowed; use plain "
            "values; the profile has only a placeholder name",
        ),
        (
            "- a list\n",
            "_config.yml: expected Jekyll settings (a mapping), got list; the profile has only "
            "a placeholder name",
        ),
    ],
)
def test_unreadable_config_is_reported_and_the_page_still_imported(config, unread):
    imported = import_acadhomepage("Hi, I study owls.\n", config)
    assert imported.unread == (unread,)
    assert yaml.safe_load(imported.text)["about"] == "<div><p>Hi, I study owls.</p></div>"


def test_a_paper_box_without_a_title_is_kept_in_place_and_reported():
    about = "# 📝 Publications\n<div class='paper-box'><img src='images/a.png'>\n</div>\n"
    imported = import_acadhomepage(about, "")
    assert imported.kept_raw == ("about.md:2: item kept as written: no title stands out",)
    assert yaml.safe_load(imported.text)["publications"] == [
        {
            "markdown": '<div><div class="paper-box"><img src="media/a.png">\n</div></div>',
            "featured": True,
        }
    ]


def test_a_page_with_nothing_to_show_is_refused():
    with pytest.raises(ImportProblem) as error:
        import_acadhomepage("<!-- only a comment -->\n{% include x %}\n", "")
    assert str(error.value) == "about.md: nothing to import: the page shows no text"


# --- BibTeX ---------------------------------------------------------------------------------------


def bibtex(tmp_path, capsys, source) -> tuple[int, str, str, dict | None]:
    out = tmp_path / "publications.yaml"
    code = main(["import-bibtex", str(source), "-o", str(out)])
    stdout, stderr = capsys.readouterr()
    return code, stdout, stderr, yaml.safe_load(out.read_text()) if out.exists() else None


def test_bibtex_entries_become_publications(tmp_path, capsys):
    pytest.importorskip("pybtex")
    code, out, err, converted = bibtex(tmp_path, capsys, BIBTEX / "refs.bib")
    assert (code, err) == (0, "")
    assert converted["publications"] == [
        {
            "title": "Deep Residual Learning for Image Recognition",
            "link": "https://doi.org/10.1109/CVPR.2016.90",
            "authors": ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"],
            "venue": "Proceedings of the IEEE Conference on Computer Vision and Pattern "
            "Recognition (CVPR)",
            "badge": "CVPR",
            "year": 2016,
            "featured": True,
            "image": "resnet.png",
            "links": {"code": "https://github.com/KaimingHe/deep-residual-networks"},
        },
        {
            "title": "Schrödinger's Cats & GANs",
            "link": "https://jmlr.org/papers/v22/mueller21a.html",
            "authors": ["Jörg Müller", "Jan van der Berg", "Martin Luther King, Jr.", "et al."],
            "venue": "Journal of Machine Learning Research",
            "year": 2021,
            "links": {"pdf": "https://jmlr.org/papers/volume22/mueller21a/mueller21a.pdf"},
        },
        {
            "title": "Attention Is All You Need",
            "link": "https://arxiv.org/abs/1706.03762",
            "authors": ["Ashish Vaswani", "Noam Shazeer"],
            "venue": "arXiv",
            "year": 2017,
        },
        {"title": "On Things", "authors": ["Jane Doe"], "venue": "École Polytechnique"},
    ]
    assert out.splitlines() == [
        f"wrote {tmp_path / 'publications.yaml'}: 4 publications",
        "note: refs.bib:4 entry 'he2016deep': copy the image 'resnet.png' into media/ next to "
        "site.yaml",
        "note: refs.bib:35 entry 'doe2020': year 'to appear' is not a four-digit year; left out",
        "note: refs.bib:35 entry 'doe2020': pdf 'thesis.pdf' is not an http(s) URL; left out",
    ]
    load_site((BASE + (tmp_path / "publications.yaml").read_text()).encode())


def test_broken_bibtex_loses_only_its_broken_entry_and_names_each_line(tmp_path, capsys):
    pytest.importorskip("pybtex")
    code, out, err, converted = bibtex(tmp_path, capsys, BIBTEX / "broken.bib")
    assert (code, err) == (0, "")
    assert [paper["title"] for paper in converted["publications"]] == [
        "A Good Entry",
        "Second",  # a field given twice keeps its last value, as al-folio (bibtex-ruby) shows it
        "The Same Key Again",
    ]
    assert out.splitlines()[1:] == [
        "note: broken.bib:7 entry 'unclosed2021': syntax error on line 12: '}' expected; left out",
        "note: broken.bib:12 entry 'twice2022': title again on line 14; its last value is kept, "
        "as al-folio shows it",
        "note: broken.bib:18 entry 'good2020': the key of the entry on line 1 again; both are "
        "kept, as al-folio shows both",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "@article{x, author = {A, B}}\n",
            "x.bib:1 entry 'x': no title; every publication needs one; left out",
        ),
        ("no entries here\n", "x.bib: no entries found; expected @article{key, ...} and the like"),
    ],
)
def test_bibtex_without_usable_entries(tmp_path, capsys, text, message):
    pytest.importorskip("pybtex")
    source = tmp_path / "x.bib"
    source.write_text(text)
    code, _, err, _ = bibtex(tmp_path, capsys, source)
    assert (code, err) == (1, f"acadpage: {message}\n")


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Deep {Residual} Learning", "Deep Residual Learning"),
        (r"M{\"u}ller and \'{E}cole", "Müller and École"),
        (r"\textbf{Bold} and \emph{it}", "Bold and it"),
        (r"50\% of {$\alpha$}-GANs", "50% of α-GANs"),
    ],
)
def test_latex_becomes_plain_text(latex, text):
    pytest.importorskip("pybtex")
    from chalicelib.importers.latex import latex_to_text

    assert latex_to_text(latex) == text
