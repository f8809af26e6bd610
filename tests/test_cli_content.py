"""`acadpage validate` and `acadpage preview` as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from chalicelib.cli import main
from tests.conftest import EXAMPLES, ROOT


def test_validate_lists_located_problems_and_exits_1(tmp_path, capsys):
    bad = tmp_path / "site.yaml"
    bad.write_text(
        "site:\n  title: T\nprofile:\n  name: N\npublications:\n  - {title: A, year: n.d.}\n"
    )
    assert main(["validate", str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "acadpage: site.yaml:6 publications[0].year: expected an integer, got 'n.d.'\n"
    )


def test_validate_a_missing_file_is_one_line(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 1
    assert capsys.readouterr().err == f"acadpage: {tmp_path / 'nope.yaml'}: no such file\n"


def test_no_traceback_reaches_the_terminal_for_hostile_input(tmp_path):
    bad = tmp_path / "site.yaml"
    bad.write_bytes(b"a: &a [1]\nb: [*a, *a]\n\xff")
    run = subprocess.run(
        [str(Path(sys.executable).parent / "acadpage"), "validate", str(bad)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("acadpage: site.yaml:3: not UTF-8 text")


def test_preview_writes_a_page_with_local_media(tmp_path, capsys):
    out = tmp_path / "page.html"
    assert main(["preview", str(EXAMPLES / "site.yaml"), "-o", str(out)]) == 0
    html = out.read_text()
    assert (EXAMPLES / "media").as_uri() + "/avatar.svg" in html
    assert "Deep Residual Learning for Image Recognition" in html
    assert capsys.readouterr().out.startswith(f"wrote {out} (")


def test_validate_names_an_image_missing_from_media_as_push_and_serve_do(tmp_path, capsys):
    site = tmp_path / "site.yaml"
    site.write_text("site: {title: T}\nprofile: {name: N, avatar: missing.png}\n")

    assert main(["validate", str(site)]) == 1
    assert capsys.readouterr().err == (
        "acadpage: site.yaml profile.avatar: media file 'missing.png' not found in media/ "
        "next to site.yaml\n"
    )


def test_preview_shows_the_folders_numbers_as_serve_does(tmp_path, capsys):
    """`init` writes gs_data.json next to site.yaml: the preview shows its counts too."""
    folder = tmp_path / "mysite"
    saved = ROOT / "tests" / "fixtures" / "scholar" / "profile_P1RwlvoAAAAJ_complete.html"
    assert main(["init", str(folder), "--scholar-page", str(saved), "--no-photo"]) == 0

    assert main(["preview", str(folder / "site.yaml"), "-o", str(tmp_path / "page.html")]) == 0
    page = (tmp_path / "page.html").read_text()

    assert '<dd id="citations-total">39</dd>' in page
    assert page.count('class="paper-citations"') == 5  # every paper's count
    assert "From a Google Scholar page saved in the browser, " in " ".join(page.split())
