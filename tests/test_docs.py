"""The docs stay true: their examples validate and they name every field the model reads."""

from __future__ import annotations

import re

import pytest

from chalicelib.cli import main
from chalicelib.site.content import SECTION_KINDS, load_site
from chalicelib.site.profile_links import LINK_KINDS
from tests.conftest import EXAMPLES, ROOT

CONTENT_DOC = (ROOT / "docs" / "content.md").read_text()
BASE = "site: {title: T}\nprofile: {name: Kaiming He}\n"


def yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", markdown, flags=re.S)


@pytest.mark.parametrize("block", yaml_blocks(CONTENT_DOC))
def test_every_yaml_example_in_the_content_doc_validates(block):
    text = BASE + block
    if block.startswith("sections:"):
        text += "about: Hi\nnews: []\npublications: []\n"
    load_site(text.encode())


def test_content_doc_names_every_section_type_and_link_key():
    for kind in (*SECTION_KINDS, "markdown"):
        assert f"`{kind}`" in CONTENT_DOC
    for key in LINK_KINDS:
        assert f"`{key}`" in CONTENT_DOC


def test_validate_command_shown_in_the_doc_works(capsys):
    assert "acadpage validate examples/site.yaml" in CONTENT_DOC
    assert main(["validate", str(EXAMPLES / "site.yaml")]) == 0
    assert capsys.readouterr().out == "site.yaml: valid: 7 sections, 2 publications\n"
