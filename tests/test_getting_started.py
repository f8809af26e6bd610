"""The getting-started guide stays true: every command it shows is one the CLI takes."""

from __future__ import annotations

import re

import pytest

from chalicelib.cli import build_parser
from tests.conftest import ROOT

GUIDE = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def shown_commands(markdown: str) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", markdown, flags=re.S)
    lines = [line.split("#", 1)[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith("acadpage ")]


@pytest.mark.parametrize("command", shown_commands(GUIDE))
def test_every_command_of_the_guide_parses(command):
    args = build_parser().parse_args(command.split()[1:])
    assert callable(args.handler)


def test_the_guide_walks_from_init_to_a_live_page():
    order = ["acadpage init", "acadpage serve", "acadpage bootstrap", "chalice deploy",
             "acadpage push"]  # fmt: skip
    positions = [GUIDE.index(step) for step in order]
    assert positions == sorted(positions)


def test_the_readme_first_screen_shows_init_after_the_two_set_up_commands():
    first_screen = "\n".join(README.splitlines()[:30])
    assert first_screen.index("make serve") < first_screen.index("make test")
    assert first_screen.index("make test") < first_screen.index("acadpage init")
