"""Hostile input of each class, at its worst: nesting, expansion, paths out of the site, odd
values. Each is refused or reported with a located message, never a traceback, and quickly.
Budgets are in CPU time, generous (ten times and more what a linear pass takes): the machine
may be shared, and a quadratic pattern takes minutes, not seconds."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import time

import pytest

from chalicelib.citations.gs_data import GsDataError, snapshot_from_gs_data
from chalicelib.cli import main
from chalicelib.cli.files import read_bytes, read_json
from chalicelib.cli.live import FolderWatcher, LiveState
from chalicelib.errors import UserError
from chalicelib.importers import ImportProblem
from chalicelib.importers.academicpages import citation_authors
from chalicelib.importers.acadhomepage import import_acadhomepage
from chalicelib.importers.bibtex import import_bibtex
from chalicelib.inputs import MAX_DEPTH, excerpt, whole_number
from chalicelib.site.content import ContentError, load_site
from tests.conftest import ROOT

EXAMPLE = (ROOT / "examples" / "site.yaml").read_bytes()
GS_BASE = {"citedby": 1, "hindex": 1, "i10index": 1, "updated": "2024-03-28 08:05:19"}


def problems_of(raw: bytes) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load_site(raw, "site.yaml")
    return str(raised.value).splitlines()


# --- 1. nesting is bounded before anything recurses -------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [
        "[" * 250 + "x" + "]" * 250 + ": 1\n",  # a key that is a list, nested
        "{" * 250 + "x: 1" + "}" * 250 + ": 1\n",
        "deep: " + "[" * 900 + "]" * 900 + "\n",
        "deep:\n" + "".join(" " * i + "-\n" for i in range(600)),
        "deep: " + "- " * 400 + "x\n",
    ],
    ids=["list-key", "mapping-key", "flow-list", "block-list", "compact-list"],
)
def test_deep_content_is_a_located_problem(tail):
    problems = problems_of(EXAMPLE + b"\n" + tail.encode())
    assert len(problems) == 1
    assert problems[0].startswith("site.yaml:")
    assert (
        "nest more than" in problems[0]
        or "a key must be plain text" in problems[0]
        or ("YAML syntax error" in problems[0])
    )
    assert len(problems[0]) < 400  # the path of a deep value is not the whole value


def test_a_key_that_is_not_text_is_named_as_the_user_wrote_it_not_as_a_node_dump():
    line = EXAMPLE.count(b"\n") + 2
    assert problems_of(EXAMPLE + b"\n[a, b]: 1\n") == [
        f"site.yaml:{line}: a key must be plain text, got a list"
    ]


def test_the_watcher_survives_a_save_nested_too_deep_and_shows_the_next(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path, dirs_exist_ok=True)
    state, uploaded, reported = LiveState(), [], []
    watcher = FolderWatcher(
        tmp_path,
        state,
        upload_content=lambda name, body: uploaded.append(name),
        upload_media=lambda name, body: None,
        delete_media=lambda name: None,
        report=reported.append,
    )
    (tmp_path / "site.yaml").write_bytes(EXAMPLE + b"\n" + b"[" * 300 + b"x" + b"]" * 300 + b": 1")
    watcher.check()
    assert state.problems["site.yaml"][0].startswith("site.yaml:")
    (tmp_path / "site.yaml").write_bytes(EXAMPLE.replace(b"Lorem ipsum", b"Lorem ipsam", 1) + b"\n")
    watcher.check()
    assert uploaded == ["site.yaml"] and state.problems == {}


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 100_000])
def test_deep_json_is_refused_with_its_line_before_it_is_parsed(tmp_path, depth):
    path = tmp_path / "stats.json"
    path.write_text("{\n" + '"a": ' + "[" * depth + "]" * depth + "\n}")
    with pytest.raises(UserError) as raised:
        read_json(path)
    assert str(raised.value) == (
        f"{path}: line 2: lists and objects nest more than {MAX_DEPTH} deep; expected a JSON "
        "document as its format describes"
    )


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_an_api_answer_nested_too_deep_is_a_changed_layout_not_a_traceback(depth):
    from chalicelib.citations.answers import Answer, api_json

    text = '{"results":\n' + "[" * depth + "]" * depth + "}"
    kind, value, detail = api_json("OpenAlex", "author", Answer(200, "https://x", (), text))
    assert (kind, value) == ("layout_changed", None)
    assert detail == (
        "OpenAlex author: expected JSON as its API writes it, got line 2: lists and objects "
        f"nest more than {MAX_DEPTH} deep."
    )


def test_brackets_inside_json_text_are_not_nesting(tmp_path):
    path = tmp_path / "gs.json"
    path.write_text(json.dumps({"name": "[" * 1_000 + '{\\"' * 100}))
    assert read_json(path) == {"name": "[" * 1_000 + '{\\"' * 100}


# --- 2. size budgets come first; includes are bounded ------------------------------------------


def test_a_file_over_the_budget_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.bib"
    path.write_bytes(b"x" * 101)
    with pytest.raises(UserError) as raised:
        read_bytes(path, limit=100)
    assert str(raised.value) == (
        f"{path}: larger than 100 bytes; no file acadpage reads is as large"
    )


def test_a_device_is_read_only_up_to_the_budget():
    with pytest.raises(UserError, match="larger than 1,000 bytes"):
        read_bytes(__import__("pathlib").Path("/dev/zero"), limit=1_000)


@pytest.mark.parametrize("copies", [2, 8, 64])
def test_a_page_that_includes_itself_is_included_once_and_reported(copies):
    page = "# About\nowls\n" + "{% include_relative about.md %}" * copies + "\n"
    started = time.process_time()
    imported = import_acadhomepage(page, "", read_relative=lambda name: page)
    assert time.process_time() - started < 5  # 8 copies nested 5 deep were 32,768 expansions
    assert "about.md:3: the included file 'about.md' (it includes itself; included once)" in (
        imported.unread
    )


def test_includes_that_multiply_stop_at_the_page_budget():
    fan_out = "{% include_relative a.md %}" * 50 + "\n" + "x" * 10_000 + "\n"
    pages = {"a.md": fan_out.replace("a.md", "b.md"), "b.md": fan_out.replace("a.md", "c.md")}
    pages["c.md"] = "x" * 10_000 + "\n"
    imported = import_acadhomepage(
        "# About\nhi\n" + fan_out, "", read_relative=lambda name: pages.get(name)
    )
    assert any("passes 4,000,000 characters" in line for line in imported.unread)


# --- 4. what an importer reads stays inside the site's folder ---------------------------------


@pytest.fixture
def site_beside_a_secret(tmp_path):
    """An AcadHomepage site, and next to it a file that is not the site's."""
    secret = tmp_path / "secret.txt"
    secret.write_text("the owner's private key")
    site = tmp_path / "site"
    (site / "_pages").mkdir(parents=True)
    (site / "images").mkdir()
    (site / "images" / "linked.png").symlink_to(secret)
    (site / "_config.yml").write_text("author: {name: Ada}\n")
    return site


@pytest.mark.parametrize(
    "reference",
    ["![x](../../../../../../../secret.txt)", "![x](/../secret.txt)", "![x](images/linked.png)"],
)
def test_an_image_outside_the_site_is_reported_and_not_copied(
    site_beside_a_secret, tmp_path, capsys, reference
):
    site = site_beside_a_secret
    (site / "_pages" / "about.md").write_text(f"# About\nI study owls.\n\n{reference}\n")
    out = tmp_path / "content" / "site.yaml"
    out.parent.mkdir()
    assert main(["import-acadhomepage", str(site), "-o", str(out)]) == 0
    report = capsys.readouterr().out
    assert f"outside the site's folder {site}; not copied" in report
    media = out.parent / "media"
    copied = [path.read_text() for path in media.iterdir()] if media.exists() else []
    assert "the owner's private key" not in copied


@pytest.mark.parametrize("include", ["../../secret.txt", "linked.md"])
def test_an_include_outside_the_site_is_reported_and_not_read(
    site_beside_a_secret, tmp_path, capsys, include
):
    site = site_beside_a_secret
    (site / "_pages" / "linked.md").symlink_to(tmp_path / "secret.txt")
    (site / "_pages" / "about.md").write_text(
        f"# About\nI study owls.\n{{% include_relative {include} %}}\n"
    )
    out = tmp_path / "site.yaml"
    assert main(["import-acadhomepage", str(site), "-o", str(out)]) == 0
    report = capsys.readouterr().out
    assert f"'{include}' leads outside the site's folder; not read" in report
    assert "private key" not in out.read_text()


# --- 6, 7. odd values; messages name the field and the file, and quote briefly -----------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "\ud800", "publications['u:a'].bib.title: contains U+D800, a lone surrogate"),
        ("title", "a\x01b", "publications['u:a'].bib.title: contains U+0001, a control character"),
        ("author", 7, "publications['u:a'].bib.author: expected text, got 7"),
    ],
)
def test_gs_data_text_the_store_cannot_carry_is_refused_by_field(field, value, message):
    document = {**GS_BASE, "publications": {"u:a": {"bib": {field: value}, "num_citations": 1}}}
    with pytest.raises(GsDataError) as raised:
        snapshot_from_gs_data(document, "p", filename="stats/mine.json")
    assert str(raised.value).startswith(f"stats/mine.json {message}")


def test_gs_data_errors_name_the_file_they_are_in(tmp_path, capsys):
    path = tmp_path / "scholar-2024.json"
    path.write_text(json.dumps({**GS_BASE, "citedby": "many"}))
    assert main(["import-gs-data", str(path), "--scholar-id", "DhtAFkwAAAAJ"]) == 1
    assert capsys.readouterr().err == (
        f"acadpage: {path} citedby: expected an integer, got 'many'\n"
    )


def test_a_json_number_of_thousands_of_digits_is_refused(tmp_path):
    path = tmp_path / "gs_data.json"
    path.write_text('{"citedby": ' + "9" * 5_000 + "}")
    with pytest.raises(UserError, match="more than 4,300 digits"):
        read_json(path)


@pytest.mark.parametrize("text", ["²⁰¹⁶", "①②", "٣", "9" * 5_000, "", "-1", "1.5"])
def test_only_ascii_digits_are_whole_numbers(text):
    assert whole_number(text) is None


def test_an_excerpt_is_short_and_says_how_long_the_text_was():
    assert excerpt("x" * 100_172) == f"{'x' * 60!r}… (100,172 characters)"
    assert excerpt("short") == "'short'"


# --- 2, 3, 6. BibTeX: expansion bounded, linear in its entries, odd values -------------------


def test_a_string_macro_that_doubles_itself_stops_at_the_expansion_budget():
    text = '@string{a0 = "xxxxxxxx"}\n' + "".join(
        f"@string{{a{i + 1} = a{i} # a{i}}}\n" for i in range(30)
    )
    started = time.process_time()
    with pytest.raises(ImportProblem) as raised:
        import_bibtex(text + "@article{k, title = a30}\n")
    assert time.process_time() - started < 10  # was 14 s and 472 MB at 22 doublings
    assert "@string macros expand to more than 1,000,000 characters" in str(raised.value)


def test_many_repeated_keys_cost_linear_time_and_a_short_report():
    def seconds(copies: int) -> float:
        text = "".join(f"@article{{k, title={{T{n}}}}}\n" for n in range(copies))
        started = time.process_time()
        imported = import_bibtex(text)
        assert imported.text.count("- title: T") == copies  # each is kept, as al-folio shows it
        assert len(imported.notes) == 101  # 100 repeats named and a count
        return time.process_time() - started

    small, large = min(seconds(500) for _ in range(3)), min(seconds(4_000) for _ in range(3))
    assert large < 8 * small * 3  # linear: 8 times the entries, not 64 times the time


@pytest.mark.parametrize(
    ("title", "expected"),
    [("Title \\", "Title"), ("A \\\\ B", "A B"), ("\\", None), ("Cost \\$5 \\", "Cost $5")],
)
def test_a_stray_backslash_in_a_title_keeps_the_words(title, expected):
    text = f"@article{{k, title={{{title}}}}}\n"
    if expected is None:
        with pytest.raises(ImportProblem, match="no title"):
            import_bibtex(text)
        return
    assert f"title: {expected}\n" in import_bibtex(text).text


def test_a_field_over_the_text_limit_is_refused_before_it_is_decoded():
    started = time.process_time()
    with pytest.raises(ImportProblem) as raised:
        import_bibtex("@article{k, title={" + "\\'e" * 400_000 + "}}\n")
    assert time.process_time() - started < 10  # decoding 1 MB of LaTeX took 6 s and more
    assert str(raised.value) == (
        "refs.bib:1 entry 'k': title has 1,200,000 characters; the limit is 100,000; left out"
    )


def test_bibtex_text_over_the_budget_is_refused_first():
    with pytest.raises(ImportProblem, match="characters of BibTeX; the limit is 4,000,000"):
        import_bibtex("%" * 4_000_001)


def test_the_plain_text_renderer_is_looked_up_once_not_for_every_value(monkeypatch):
    import pybtex.plugin

    lookups = []
    real = pybtex.plugin.entry_points
    monkeypatch.setattr(
        pybtex.plugin, "entry_points", lambda **kw: lookups.append(kw) or real(**kw)
    )
    text = "".join(
        f"@article{{k{n}, title={{Caf{{\\'e}} {n}}}, author={{M{{\\\"u}}ller, J.}}}}\n"
        for n in range(50)
    )
    assert "Café 49" in import_bibtex(text).text
    assert len(lookups) <= 5  # the parser's plugin, not 100 renderer lookups


def test_aliases_in_a_jekyll_config_expand_as_jekyll_does_but_a_bomb_is_refused():
    kept = import_acadhomepage("owls\n", "who: &who {name: Ada}\nauthor: *who\n")
    assert "name: Ada" in kept.text
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{k}: &{k} [{','.join([f'*{p}'] * 9)}]\n"
        for p, k in zip("abcdefgh", "bcdefghi", strict=True)
    )
    assert len(bomb) < 600  # 449 bytes of these took 2-3 GB
    started = time.process_time()
    imported = import_acadhomepage("owls\n", bomb)
    assert time.process_time() - started < 5
    assert imported.unread[0].startswith("_config.yml:")
    assert "aliases (*name) expand this to more than 150,000 values" in imported.unread[0]


# --- 2. every importer and parser: linear in what it reads ------------------------------------

# Runs of what markdown, HTML, Liquid, kramdown and author lists give a meaning: a pattern that
# restarts at each character of such a run costs its square (100,000 spaces took 9 s).
RUNS = [" ", "[", "(", "{", "<", "*", "_", "\\", "'", '"', ",", "#", "|", "\t", "{:", "<!--",
        "](", "[x](", "**", "<a ", "<a href='x'>", "{%", "{{", "&#", "- ", "a ", "<br>", "$",
        "and ", "^*", "[the corresponding", "(", "<img "]  # fmt: skip
ABOUT_PLACES = {
    "about": lambda run: f"# About\nx{run}y\n",
    "publication": lambda run: f"# About\nx\n# Publications\n- {run}\n",
    "news": lambda run: f"# About\nx\n# News\n- *2020.01*: {run}\n",
    "authors": lambda run: f"# About\nx\n# Publications\n- [T](http://a.b)\n  A, B{run}\n",
    "box": lambda run: (
        "# About\nx\n# Publications\n<div class='paper-box'><div class='paper-box-text' "
        f'markdown="1">\n[{run}](http://a.b)\n</div></div>\n'
    ),
    "box authors": lambda run: (
        "# About\nx\n# Publications\n<div class='paper-box'><div class='paper-box-text' "
        f'markdown="1">\n\n[T](http://a.b)\n\n**A B**, C D{run}E F, G H\n</div></div>\n'
    ),
    # a box whose first line is its journal: the lines' reading fails, the tree reads the authors
    "tree authors": lambda run: (
        "# About\nx\n# Publications\n<div class='paper-box'><div class='paper-box-text' "
        'markdown="1">\n\nJournal of Owls 2024\n\n[Owls at Night in the Forest](http://a.b)\n\n'
        f"Ann Lee, Bo{run}Chen\n</div></div>\n"
    ),
    # a reference written as text (APA), which only the tree reads
    "tree reference": lambda run: (
        f"# About\nx\n# Publications\n- Lee, A., Chen, B.{run} (2024). Owls at night. Nature, 3.\n"
    ),
}


def _seconds(work) -> float:
    started = time.process_time()
    with contextlib.suppress(UserError):  # refusing is fine; minutes or a traceback are not
        work()
    return time.process_time() - started


@pytest.mark.parametrize("place", ABOUT_PLACES)
@pytest.mark.parametrize("run", RUNS)
def test_an_about_page_line_of_100_000_characters_imports_in_linear_time(place, run):
    text = ABOUT_PLACES[place](run * (100_000 // len(run)))
    assert _seconds(lambda: import_acadhomepage(text, "")) < 4  # linear: 0.1 s; quadratic: minutes


@pytest.mark.parametrize("run", ["a", "a ", " ", "Lee, A., "])
def test_an_academicpages_citation_of_100_000_characters_is_read_in_linear_time(run):
    citation = f"Lee, A., {run * (100_000 // len(run))} (2023). Owls at night. Nature."
    assert _seconds(lambda: citation_authors(citation)) < 4  # letters took a minute


@pytest.mark.parametrize("run", RUNS)
def test_a_bibtex_field_of_90_000_characters_imports_in_linear_time(run):
    value = (run * (90_000 // len(run))).replace("{", "(").replace("}", ")")
    text = f"@article{{k, title={{{value}}}, author={{{value}}}}}\n"
    assert _seconds(lambda: import_bibtex(text)) < 8


def test_a_scholar_page_inside_100_000_divs_is_refused_before_parsing():
    from chalicelib.citations.scholar import parse_profile_page

    page = ROOT / "tests" / "fixtures" / "scholar" / "profile_P1RwlvoAAAAJ_complete.html"
    html = page.read_text()
    assert parse_profile_page(html).status == "ok"
    started = time.process_time()
    assert parse_profile_page("<div>" * 100_000 + html).status == "layout_changed"
    assert time.process_time() - started < 5  # parsing it took 58 s


@pytest.mark.parametrize("digits", ["²⁰¹⁶", "①②", "9" * 5_000])
def test_a_scholar_count_or_year_in_odd_digits_is_no_crash(digits):
    from chalicelib.citations.scholar import parse_profile_page

    page = ROOT / "tests" / "fixtures" / "scholar" / "profile_P1RwlvoAAAAJ_complete.html"
    html = page.read_text()
    odd = html.replace('gsc_a_hc gs_ibl">', f'gsc_a_hc gs_ibl">{digits}')  # the years
    odd = re.sub(r'(<span class="gsc_g_t"[^>]*>)', rf"\g<1>{digits}", odd)  # the histogram's
    odd = odd.replace('class="gsc_rsb_std">', f'class="gsc_rsb_std">{digits}', 1)  # a count
    assert odd.count(digits) > 3
    assert parse_profile_page(odd).status in ("ok", "layout_changed")


@pytest.mark.parametrize(
    "text", ['["' + '\\"' * 100_000, '["' + "a" * 200_000, "[" * 200_000, '{"a": "' + "[" * 200_000]
)
def test_json_nesting_is_counted_in_one_pass_whatever_the_strings(text):
    from chalicelib.inputs import json_depth_problem

    started = time.process_time()
    json_depth_problem(text)
    assert time.process_time() - started < 4  # an unclosed string of escaped quotes took minutes
