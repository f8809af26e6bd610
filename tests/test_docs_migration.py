"""The migration guide stays true: its commands run and it maps every section type."""

from __future__ import annotations

import shutil

import pytest

from chalicelib.cli import main
from chalicelib.site.content import SECTION_KINDS
from tests.conftest import FIXTURES, ROOT

GUIDE = (ROOT / "docs" / "migration.md").read_text()


def test_the_readme_links_the_guide():
    assert "[docs/migration.md](docs/migration.md)" in (ROOT / "README.md").read_text()


def test_the_guide_maps_every_section_type_and_each_source():
    for kind in SECTION_KINDS:
        assert f"`{kind}`" in GUIDE, kind
    for source in (
        "## From AcadHomepage",
        "## From al-folio",
        "## From academicpages",
        "## From Hugo Blox",
    ):
        assert source in GUIDE


def test_the_acadhomepage_command_of_the_guide_imports_a_site_folder(tmp_path, capsys):
    assert "acadpage import-acadhomepage path/to/your.github.io -o site.yaml" in GUIDE
    shutil.copytree(FIXTURES / "acadhomepage-site", tmp_path / "your.github.io")
    out = tmp_path / "site.yaml"
    assert main(["import-acadhomepage", str(tmp_path / "your.github.io"), "-o", str(out)]) == 0
    assert main(["validate", str(out)]) == 0
    assert (tmp_path / "media" / "owl.png").is_file()


def test_the_hugo_blox_command_of_the_guide_imports_a_folder(tmp_path):
    pytest.importorskip("pybtex")
    assert "acadpage import-bibtex content/publication -o publications.yaml" in GUIDE
    folder = FIXTURES / "bibtex" / "hugo-blox" / "content" / "publication"
    assert main(["import-bibtex", str(folder), "-o", str(tmp_path / "publications.yaml")]) == 0
