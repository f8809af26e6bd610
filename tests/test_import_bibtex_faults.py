"""A fault in one BibTeX entry or file costs that entry at most, never the import; LaTeX's
accents, quotes and layout commands read as the typeset page shows them."""

from __future__ import annotations

import shutil
import time

import pytest
import yaml

from chalicelib.cli import main
from chalicelib.importers import ImportProblem
from chalicelib.importers.bibtex import import_bibtex
from chalicelib.importers.latex import latex_to_text
from tests.conftest import FIXTURES

pytest.importorskip("pybtex")
BIBTEX = FIXTURES / "bibtex"


def run(tmp_path, capsys, *args) -> tuple[int, list[str], str, dict | None]:
    out = tmp_path / "out.yaml"
    code = main([*args, "-o", str(out)])
    stdout, stderr = capsys.readouterr()
    return (
        code,
        stdout.splitlines(),
        stderr,
        yaml.safe_load(out.read_text()) if out.exists() else None,
    )


def test_an_al_folio_file_with_bare_words_a_repeated_field_and_broken_entries(tmp_path, capsys):
    code, out, err, converted = run(
        tmp_path, capsys, "import-bibtex", str(BIBTEX / "alfolio-faults.bib")
    )
    assert (code, err) == (0, "")
    assert converted["publications"] == [
        {
            "title": "Owls at Dusk: a “Field” Guide",
            "authors": ["Ana Nuñez", "Jan Müller", "Luc François"],
            "venue": "Journal of Owls",
            "badge": "JOwl",
            "year": 2024,
            "featured": True,  # `selected = true`, unbraced, as al-folio reads it
        },
        {
            "title": "Moths at z∼1 Lux",
            "authors": ["Eva Šimon", "Pia Díaz"],
            "venue": "Proceedings of Night Studies",
            "year": 2023,
        },
        {"title": "Bats à la Carte", "authors": ["Ann Lee"], "venue": "Bat Letters", "year": 2021},
    ]
    assert out[1:] == [
        "note: alfolio-faults.bib:27 entry 'broken2022': syntax error on line 32: '}' expected; "
        "left out",
        "note: alfolio-faults.bib:6 entry 'owls2024': keywords again on line 16; its last value "
        "is kept, as al-folio shows it",
        "note: alfolio-faults.bib:36 entry 'bats2021': no ',' before year; read as if it were "
        "there",
        "note: alfolio-faults.bib:8, 20: bibtex_show = true: no @string defines 'true'; read as "
        "the text 'true'",
        "note: alfolio-faults.bib:9: selected = true: no @string defines 'true'; read as the "
        "text 'true'",
    ]


def test_a_repeated_field_keeps_its_last_value_and_a_repeated_key_both_entries():
    text = (
        "@article{a, title={First}, title={Second}, year=2020}\n"
        "@article{a, title={Another paper}, year=2021}\n"
    )
    imported = import_bibtex(text, "x.bib")
    titles = [p["title"] for p in yaml.safe_load(imported.text)["publications"]]
    assert titles == ["Second", "Another paper"]
    assert imported.notes == (
        "x.bib:1 entry 'a': title again on line 1; its last value is kept, as al-folio shows it",
        "x.bib:2 entry 'a': the key of the entry on line 1 again; both are kept, as al-folio "
        "shows both",
    )


@pytest.mark.parametrize(
    ("broken", "reported"),
    [
        ("@article{b, title={Never closed, year=2020}\n", "syntax error on line 3: '}' expected"),
        ("@article{b, title={B} year}\n", "syntax error: '}' expected"),
        ("@article{b, title={B}, year=2020 # }\n", "syntax error: field value expected"),
        ("@article{b, title={B}}}\n", None),  # a stray brace after an entry is between entries
        ("@article{b, title = }\n", "syntax error: field value expected"),
        ("@{b, title={B}}\n", "syntax error: a valid name expected"),
        ("@article b, title={B}}\n", "syntax error: '(' or '{' expected"),
    ],
)
def test_a_syntax_error_loses_only_its_entry_and_names_its_line(broken, reported):
    text = "@article{a, title={Before}}\n" + broken + "@article{c, title={After}}\n"
    imported = import_bibtex(text, "x.bib")
    titles = [p["title"] for p in yaml.safe_load(imported.text)["publications"]]
    assert titles[0] == "Before" and titles[-1] == "After"
    if reported:
        assert len(titles) == 2
        assert imported.notes == (f"x.bib:2{_entry(broken)}: {reported}; left out",)


def _entry(broken: str) -> str:
    """The entry's name in a report: none when the error comes before its key."""
    return " entry 'b'" if broken.startswith("@article{") else ""


def test_a_file_whose_only_entry_is_broken_is_refused_with_its_line():
    with pytest.raises(ImportProblem) as raised:
        import_bibtex("@article{a,\n title={Never closed\n}\n", "x.bib")
    assert str(raised.value) == (
        "x.bib:1 entry 'a': syntax error on line 4: premature end of file; left out"
    )


def test_a_hugo_publication_folder_loses_only_its_broken_paper_and_skips_a_stray_file(
    tmp_path, capsys
):
    code, out, err, converted = run(
        tmp_path, capsys, "import-bibtex", str(BIBTEX / "hugo-blox-faults")
    )
    assert (code, err) == (0, "")
    assert [p["title"] for p in converted["publications"]] == ["Moths and Lamps", "Owls in Winter"]
    assert converted["publications"][0]["venue"] == "Night Workshop"
    assert out == [
        "not read: content/publication/cite.bib: beside the paper folders, in none of them, so "
        "no page shows it",
        f"wrote {tmp_path / 'out.yaml'}: 2 publications",
        "note: content/publication/crows-2018/cite.bib:1 entry 'crows2018': syntax error on "
        "line 6: premature end of file; left out",
        "note: content/publication/moths-2020/cite.bib:4 entry 'moths2020': no ',' before "
        "booktitle; read as if it were there",
    ]


def test_a_hugo_blox_site_reads_only_paper_folders_and_survives_a_broken_cite_bib(tmp_path, capsys):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "hugoblox-site", site)
    papers = site / "content" / "publication"
    shutil.copy(papers / "bats-at-noon" / "cite.bib", papers / "cite.bib")
    (papers / "crows").mkdir()
    (papers / "crows" / "cite.bib").write_text("@article{crows, title={Never closed}\n")
    code, out, err, converted = run(tmp_path, capsys, "import", str(site))
    assert (code, err) == (0, "")
    assert [p["title"] for p in converted["publications"]] == ["Owls at Night", "Bats at Noon"]
    notes = [line for line in out if line.startswith("note: content/publication/")]
    assert notes == [
        "note: content/publication/cite.bib: not read: not in a paper folder, so no page shows it",
        "note: content/publication/crows/cite.bib:1 entry 'crows': syntax error on line 2: "
        "premature end of file; left out",
    ]


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ("{{Nu{\\~n}ez}}", "Nuñez"),
        ("Nu\\~{n}ez", "Nuñez"),
        ("Nu\\~nez", "Nuñez"),
        ('M{\\"o}ller', "Möller"),
        ('M\\"{o}ller', "Möller"),
        ('M\\"oller', "Möller"),
        ("\\'{E}cole d'\\'et\\'e", "École d'été"),
        ("\\`{a} la \\`a", "à la à"),
        ("Fran\\c{c}ois, Fran{\\c c}ois", "François, François"),
        ("\\v{S}koda {\\v s}", "Škoda š"),
        ("Erd\\H{o}s, \\k{a}, \\={a}, \\.{z}, \\r{u}, \\u{g}", "Erdős, ą, ā, ż, ů, ğ"),
        ("na\\\"{\\i}ve, \\'{\\i}, {\\o}, {\\ss}, {\\l}, {\\aa}", "naïve, í, ø, ß, ł, å"),
        ("z\\raisebox{-0.5ex}\\textasciitilde1", "z∼1"),
        ("a\\hspace{2mm}b \\textcolor{red}{hot} \\kern-0.1em c", "ab hot c"),
        ("Go ``Online''?", "Go “Online”?"),
        ("a `quoted' word, it's", "a ‘quoted’ word, it's"),
        ("pages 1--12 --- and so on", "pages 1–12 — and so on"),
        ("\\textquotedblleft x\\textquotedblright", "“x”"),
        ("A~tie", "A tie"),
    ],
)
def test_latex_accents_quotes_and_layout_read_as_the_page_shows_them(latex, text):
    assert latex_to_text(latex) == text


def test_many_broken_entries_cost_linear_time_and_a_short_report():
    def seconds(copies: int) -> float:
        text = "".join(f"@article{{k{n}, title={{T{n}}} year}}\n" for n in range(copies))
        text += "@article{good, title={Good}}\n"
        started = time.process_time()
        imported = import_bibtex(text)
        assert len(imported.notes) == 101  # 100 entries named and a count
        return time.process_time() - started

    small, large = min(seconds(500) for _ in range(3)), min(seconds(4_000) for _ in range(3))
    assert large < 8 * small * 3  # linear: 8 times the entries, not 64 times the time


def test_a_name_with_more_commas_than_a_name_has_is_kept_as_written():
    imported = import_bibtex("@article{a, title={T}, author={Lee, Ann and A, B, C, D}}\n", "x.bib")
    assert yaml.safe_load(imported.text)["publications"][0]["authors"] == ["Ann Lee", "A, B, C, D"]
    assert imported.notes == (
        "x.bib:1 entry 'a': author 'A, B, C, D': Too many commas in 'A, B, C, D'; kept as written",
    )


def test_lines_reported_after_a_surname_initials_list_are_the_files():
    text = (
        "@article{a, title={A},\n  author = {Smith J.,\n    Doe A. B.,\n    Lee C.}}\n\n"
        "@article{b, title={B}, title={C}}\n"
    )
    assert import_bibtex(text, "x.bib").notes == (
        "x.bib:6 entry 'b': title again on line 6; its last value is kept, as al-folio shows it",
    )
