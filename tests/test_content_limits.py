"""Reading content is total and bounded: every bad value is a located problem, every limit has a
located message, and worst cases generated at each limit are refused or read, never hang."""

from __future__ import annotations

import json

import pytest

from benchmarks.page import generated_site
from benchmarks.validate import (
    deepest_html,
    long_markdown,
    many_entries,
    tiny_values,
    values_and_markdown,
)
from chalicelib.site.content import load_site
from tests.test_content import MINIMAL, problems_of

PUBLICATION = MINIMAL + "publications:\n  - title: A\n    year: {}\n"


@pytest.mark.parametrize(
    "year",
    ["0777", "02016", "1:30", "0x7E4", "0b11111100100", "0o3744", "+2016", "1_000", "2016.0",
     "9" * 5000, "yes", "'2016'", "[2016]", "-0x1"],
)  # fmt: skip
def test_integers_are_read_from_plain_decimal_digits_only(year):
    shown = "2016" if year == "'2016'" else year
    expected = "a list" if year.startswith("[") else repr(shown)
    if len(year) > 60:  # a long value is quoted as an excerpt with its length
        expected = f"{year[:60]!r}… ({len(year):,} characters)"
    assert problems_of(PUBLICATION.format(year)) == [
        f"site.yaml:7 publications[0].year: expected an integer, got {expected}"
    ]


@pytest.mark.parametrize(("year", "value"), [("2016", 2016), ("1999", 1999)])
def test_decimal_years_are_read(year, value):
    site = load_site(PUBLICATION.format(year).encode())
    assert site.sections[0].publications[0].year == value


SYNTAX_ERRORS = [
    pytest.param(
        "site:\n  title: [unclosed\n",
        "site.yaml:2: YAML syntax error: the list opened with '[' at line 2, column 10 is not "
        "closed (did not find expected ',' or ']' at line 3, column 1)",
        id="two-line-file-unclosed-bracket",
    ),
    pytest.param(
        "site:\n  title: {a: b\nprofile:\n  name: x\n",
        "site.yaml:2: YAML syntax error: the mapping opened with '{' at line 2, column 10 is not "
        "closed (did not find expected ',' or '}' at line 3, column 8)",
        id="unclosed-brace",
    ),
    pytest.param(
        'site:\n  title: "abc\nprofile:\n  name: x\n',
        "site.yaml:2: YAML syntax error: the quoted text at line 2, column 10 is not closed "
        "(found unexpected end of stream at line 5, column 1)",
        id="unclosed-quote",
    ),
    pytest.param(
        "site:\n  title: a\n bad: b\nprofile:\n  name: x\n",
        "site.yaml:3: YAML syntax error: did not find expected key at line 3, column 2, while "
        "parsing a block mapping started at line 1, column 1",
        id="bad-indentation",
    ),
]


@pytest.mark.parametrize(("text", "message"), SYNTAX_ERRORS)
def test_syntax_errors_point_at_their_cause_and_where_it_was_opened(text, message):
    assert problems_of(text) == [message]


CONTROL = "a control character; of those, text may hold only tab and newline"


@pytest.mark.parametrize(
    "character", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\r", "\x1b", "\x1f", "\x7f", "\x85",
                  "\x9f"],
)  # fmt: skip
@pytest.mark.parametrize(
    ("template", "where"),
    [
        (MINIMAL.replace("title: My page", "title: {}"), "site.yaml:2 site.title"),
        (MINIMAL.replace("name: Ada Lovelace", "name: {}"), "site.yaml:4 profile.name"),
        (MINIMAL + "news:\n  - date: '2024'\n    text: {}\n", "site.yaml:7 news[0].text"),
        (MINIMAL + "publications:\n  - title: {}\n", "site.yaml:6 publications[0].title"),
        (MINIMAL + "publications:\n  - title: A\n    authors: [B, {}]\n",
         "site.yaml:7 publications[0].authors[1]"),
    ],
)  # fmt: skip
def test_control_characters_in_any_text_are_refused_where_they_are(template, where, character):
    quoted = json.dumps(f"before{character}after")  # a YAML double-quoted escape
    assert problems_of(template.format(quoted)) == [
        f"{where}: contains U+{ord(character):04X}, {CONTROL}"
    ]


def test_a_raw_control_character_is_refused_at_its_line():
    text = MINIMAL + "about: |\n  line one\n  line\x7ftwo\n"
    assert problems_of(text) == [f"site.yaml:7: contains U+007F, {CONTROL}"]


def test_a_control_character_in_a_literal_block_is_found_on_its_own_line():
    text = MINIMAL + 'about: "one\\ntwo\\nthree\\x01"\n'
    assert problems_of(text) == [f"site.yaml:5 about: contains U+0001, {CONTROL}"]


@pytest.mark.parametrize("character", ["\ufffe", "\uffff"])
def test_non_characters_are_refused(character):
    text = MINIMAL.replace("title: My page", "title: " + json.dumps(f"a{character}"))
    assert problems_of(text) == [
        f"site.yaml:2 site.title: contains U+{ord(character):04X}, not a character"
    ]


def test_tab_and_newline_are_kept_in_text():
    text = MINIMAL + 'news:\n  - {date: "2024", text: "one\\ttwo\\nthree"}\n'
    assert load_site(text.encode()).sections[0].entries[0].html == "one\ttwo\nthree"


LIMITS = [
    pytest.param(
        MINIMAL + "news:\n" + "  - {text: a}\n" * 5001,
        "site.yaml:6 news: this list has 5,001 entries; the limit is 5,000",
        id="entries-per-list",
    ),
    pytest.param(
        MINIMAL
        + "publications:\n  - title: A\n    links:\n"
        + "".join(f"      k{i}: /p{i}\n" for i in range(5001)),
        "site.yaml:8 publications[0].links: this mapping has 5,001 entries; the limit is 5,000",
        id="entries-per-mapping",
    ),
    pytest.param(
        MINIMAL + "about: '" + "x" * 100_001 + "'\n",
        "site.yaml:5 about: this text has 100,001 characters; the limit is 100,000",
        id="length-of-one-text",
    ),
    pytest.param(
        MINIMAL + "about: '" + "<div>" * 101 + "x'\n",
        "site.yaml:5 about: its HTML nests 101 elements deep; the limit is 100",
        id="html-nesting",
    ),
    pytest.param(
        MINIMAL + "about: '" + "<div>" * 5_000 + "'\n",
        "site.yaml:5 about: its HTML nests 5,000 elements deep; the limit is 100",
        id="html-nesting-of-5000-divs",
    ),
    pytest.param(
        MINIMAL + "about: '" + "<div>" * 19_999 + "'\n",
        "site.yaml:5 about: the file's markdown passes the limit of 200,000 characters for one "
        "file here (each of [ ] ( ) ! * _ ~ < counts 10, each text at least 20)",
        id="a-100-kb-field-of-divs",
    ),
    pytest.param(
        MINIMAL
        + "sections:\n"
        + "".join(f"  - {{id: s{i}, title: S, markdown: x}}\n" for i in range(101)),
        "site.yaml:6 sections: 101 sections; the limit is 100",
        id="number-of-sections",
    ),
    pytest.param(
        MINIMAL + "sections: [news, news]\nnews: []\n",
        "site.yaml:5 sections[1]: 'news' is already shown by sections[0]; each part can be "
        "shown once",
        id="repeated-section",
    ),
    pytest.param(
        MINIMAL + "news:\n" + "  - {text: '*a* [b](/c)'}\n" * 4500,
        "site.yaml:3082 news[3076].text: the file's markdown passes the limit of 200,000 "
        "characters for one file here (each of [ ] ( ) ! * _ ~ < counts 10, each text at least 20)",
        id="markdown-per-file",
    ),
    pytest.param(
        MINIMAL
        + "k: ["
        + ",".join(["1"] * 4999)
        + "]\n" * 1
        + "".join(f"k{i}: [" + ",".join(["1"] * 4999) + "]\n" for i in range(30)),
        "site.yaml: the file holds about 155,039 values (counted by the , : - [ { and line "
        "breaks between them); the limit is 150,000",
        id="values-per-file",
    ),
]


@pytest.mark.parametrize(("text", "message"), LIMITS)
def test_each_limit_has_a_located_message(text, message):
    assert len(text.encode()) <= 1024 * 1024
    assert message in problems_of(text)


def test_a_section_listed_300_times_is_refused_without_reading_it():
    text = MINIMAL + "sections:\n" + "  - news\n" * 300 + "news:\n  - {text: '*hi*'}\n"
    assert problems_of(text) == ["site.yaml:6 sections: 300 sections; the limit is 100"]


def test_a_repeated_section_is_a_problem_at_each_repeat():
    text = MINIMAL + "sections:\n" + "  - news\n" * 99 + "news:\n  - {text: '*hi*'}\n"
    problems = problems_of(text)
    assert len(problems) == 98
    assert problems[-1] == (
        "site.yaml:104 sections[98]: 'news' is already shown by sections[0]; each part can be "
        "shown once"
    )


def test_markdown_sections_may_repeat_with_their_own_ids():
    text = (
        MINIMAL
        + "sections:\n  - {id: a, title: A, markdown: x}\n  - {id: b, title: B, markdown: y}\n"
    )
    assert [s.html for s in load_site(text.encode()).sections] == ["<p>x</p>\n", "<p>y</p>\n"]


def test_html_nested_at_the_limit_is_read():
    text = MINIMAL + "about: '" + "<div>" * 100 + "x" + "</div>" * 100 + "'\n"
    assert load_site(text.encode()).sections[0].html.count("<div>") == 100


def test_a_long_report_lists_the_first_problems_and_counts_the_rest():
    text = MINIMAL + "publications:\n" + "  - {title: A, year: x}\n" * 150
    problems = problems_of(text)
    assert len(problems) == 101
    assert problems[0] == "site.yaml:6 publications[0].year: expected an integer, got 'x'"
    assert problems[-1] == "site.yaml: and 50 more problems"


def test_2000_publications_still_load():
    site = load_site(generated_site(2000))
    assert len(site.sections[2].publications) == 2000


GENERATED_WORST_CASES = [
    pytest.param(tiny_values, "site.yaml:5 k00000: unknown field", id="values-at-the-limit"),
    pytest.param(
        many_entries, "site.yaml:3082 news[3076].text: the file's markdown passes", id="entries"
    ),
    pytest.param(
        values_and_markdown, "site.yaml:9 k00000: unknown field", id="values-and-markdown"
    ),
]


@pytest.mark.parametrize(("generate", "first_problem"), GENERATED_WORST_CASES)
def test_generated_worst_cases_end_in_located_problems(generate, first_problem):
    raw = generate().encode()
    assert len(raw) <= 1024 * 1024
    assert problems_of(raw)[0].startswith(first_problem)


@pytest.mark.parametrize("unit", ["[", "![", "*a", "<span>a</span> ", "Some *text*. "])
def test_markdown_filling_the_budget_is_read(unit):
    site = load_site(long_markdown(unit).encode())
    assert site.sections and all(section.html for section in site.sections)


def test_html_at_the_depth_limit_filling_the_budget_is_read():
    assert "<div>" in load_site(deepest_html().encode()).sections[0].html


def test_the_content_doc_states_every_limit():
    from chalicelib.site import content, fields, markdown, yamlnodes
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "content.md").read_text()
    for value in (yamlnodes.MAX_VALUES, yamlnodes.MAX_LIST_ITEMS, yamlnodes.MAX_TEXT_CHARS,
                  fields.MAX_MARKDOWN_CHARS, markdown.MAX_HTML_DEPTH, content.MAX_SECTIONS,
                  content.MAX_PROBLEMS):  # fmt: skip
        assert f"| {value:,}" in doc
    assert yamlnodes.MAX_CONTENT_BYTES == 1024 * 1024 and "| 1 MB |" in doc


@pytest.mark.parametrize("year", ["0777", "02016", "1:30", "9" * 5000])
def test_validate_command_reports_an_unreadable_integer_without_a_traceback(tmp_path, capsys, year):
    from chalicelib.cli import main

    bad = tmp_path / "site.yaml"
    bad.write_text(PUBLICATION.format(year))
    assert main(["validate", str(bad)]) == 1
    out, err = capsys.readouterr()
    assert "site.yaml:7 publications[0].year: expected an integer" in out + err
    assert "Traceback" not in out + err
