"""An al-folio import takes the owner's settings, never the template's demo: shipped defaults are
left out and named, `news: false` keeps the demo news out, emoji codes become pictures, the
bib's local PDFs are copied and reported, the subtitle and address fill the profile, and papers
come in al-folio's order."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import FIXTURES
from tests.test_import_sites import run_import

pytest.importorskip("pybtex")

DEMO_CONFIG = """\
title: blank
first_name: You
middle_name: R.
last_name: Name
description: >
  A simple, whitespace theme for academics.
  Based on [*folio](https://github.com/bogoli/-folio) design.
url: https://alshedivat.github.io
baseurl: /site
google_analytics: UA-XXXXXXXXX
scholar:
  last_name: [Einstein]
  first_name: [Albert, A.]
"""


def alfolio_site(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "alfolio-site", site)
    return site


def test_the_templates_demo_settings_are_left_out_and_named(tmp_path, capsys):
    site = alfolio_site(tmp_path)
    (site / "_config.yml").write_text(DEMO_CONFIG)
    (site / "_data" / "socials.yml").write_text(
        "email: you@example.com\nscholar_userid: qc6CJjYAAAAJ\ngithub_username: annlee\n"
    )
    code, out, err, converted = run_import(tmp_path, capsys, site)
    assert (code, err) == (0, "")
    assert converted["profile"]["name"] == "Your Name"
    assert "Einstein" not in str(converted) and "alshedivat" not in str(converted)
    assert "google_scholar_id" not in converted["profile"]
    assert "email" not in converted["profile"]
    assert converted["profile"]["github"] == "annlee"
    assert "description" not in converted["site"] and "analytics_id" not in converted["site"]
    report = "\n".join(out)
    for setting in ("first_name: 'You'", "last_name: 'Name'", "url:", "google_analytics:"):
        assert f"note: _config.yml {setting}" in report
    assert "note: _data/socials.yml scholar_userid: 'qc6CJjYAAAAJ' is al-folio's own" in report
    assert "scholar: the names papers highlight (Einstein)" in report
    assert "the owner's name is not set" in report
    assert "_pages/about.md subtitle: 'Affiliations. Address.' is al-folio's own" in report


def test_news_false_keeps_the_news_out_and_says_so(tmp_path, capsys):
    site = alfolio_site(tmp_path)
    about = site / "_pages" / "about.md"
    about.write_text(about.read_text().replace("news: true", "news: false"))
    code, out, err, converted = run_import(tmp_path, capsys, site)
    assert (code, err) == (0, "")
    assert "news" not in converted and "news" not in converted["sections"]
    assert "note: _news: 2 items not imported: _pages/about.md does not show news" in "\n".join(out)


def test_emoji_codes_in_news_become_the_pictures_jemoji_showed(tmp_path, capsys):
    pytest.importorskip("emoji")
    site = alfolio_site(tmp_path)
    (site / "_news" / "announcement_3.md").write_text(
        "---\ndate: 2016-01-01\ninline: true\n---\n"
        "Done :sparkles: :smile: :v: :nosuchcode: at 10:30:45, [post](https://x.org/urn:li:a:7)\n"
    )
    code, out, err, converted = run_import(tmp_path, capsys, site)
    assert (code, err) == (0, "")
    assert converted["news"][0]["text"].startswith("Done ✨ 😄 ✌️ :nosuchcode: at 10:30:45, <a")
    unknown = [line for line in out if "is no emoji code acadpage knows" in line]
    assert unknown == [  # a time or an address holding colons is no code
        "note: _news/announcement_3.md: :nosuchcode: is no emoji code acadpage knows; kept as text"
    ]


def test_local_pdfs_are_copied_the_profile_filled_and_papers_in_year_order(tmp_path, capsys):
    site = alfolio_site(tmp_path)
    (site / "assets" / "pdf").mkdir(parents=True)
    (site / "assets" / "pdf" / "bats.pdf").write_bytes(b"%PDF bats")
    bib = site / "_bibliography" / "papers.bib"
    bib.write_text(
        bib.read_text() + "\n@inproceedings{lee2010moths,\n  title={Moths},\n  author={Lee, Ann},\n"
        "  booktitle={Moth Days},\n  year={2010},\n  pdf={moths.pdf},\n}\n"
        "@inproceedings{lee2020bats,\n  title={Bats},\n  author={Lee, Ann},\n"
        "  booktitle={Bat Days},\n  year={2020},\n  pdf={bats.pdf},\n"
        "  slides = {bats-slides.pdf},\n}\n"
    )
    about = site / "_pages" / "about.md"
    about.write_text(
        about.read_text()
        .replace(
            "subtitle: <a href='#'>Affiliations</a>. Address.",
            "subtitle: Lead Owl Scientist | <a href='https://night.example.org'>Night U</a>",
        )
        .replace(
            "  image_circular: false",
            "  more_info: >\n    <p>1 Owl Road,</p>\n    <p>Oslo</p>",
        )
    )
    code, out, err, converted = run_import(tmp_path, capsys, site)
    assert (code, err) == (0, "")
    profile = converted["profile"]
    assert (profile["bio"], profile["employer"], profile["location"]) == (
        "Lead Owl Scientist",
        "Night U",
        "1 Owl Road, Oslo",
    )
    assert [p["title"] for p in converted["publications"]] == ["Bats", "Owls at Night", "Moths"]
    bats = converted["publications"][0]
    assert bats["link"] == "https://annlee.github.io/assets/pdf/bats.pdf"
    assert "slides" in bats["links"]
    assert (tmp_path / "out" / "media" / "bats.pdf").read_bytes() == b"%PDF bats"
    report = "\n".join(out)
    assert "papers.bib pdf 'bats.pdf': copied to media/bats.pdf, linked at the old site's" in report
    assert "papers.bib pdf 'moths.pdf': not found in assets/pdf/" in report
    assert "papers.bib slides 'bats-slides.pdf': not found in assets/pdf/" in report
