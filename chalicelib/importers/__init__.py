"""Other homepage formats -> acadpage content YAML (pure: text in, text and notes out)."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from chalicelib.errors import UserError
from chalicelib.site.yamlnodes import YamlProblems, plain_values


class ImportProblem(UserError):
    """An input file cannot be converted; the message names the file, line or entry."""


def yaml_values(text: str, filename: str, *, aliases: bool = True) -> object:
    """The values of a YAML file another format keeps (a `_config.yml`, front matter), through
    the same guards as content, aliases expanded as Jekyll does but only so far (no alias
    bomb); ImportProblem lists what is wrong, by line."""
    try:
        return plain_values(text, aliases=aliases)
    except YamlProblems as error:
        raise ImportProblem("; ".join(p.format(filename) for p in error.problems)) from None


@dataclass(frozen=True)
class Imported:
    """What an importer produced: content YAML, and what the user should check or do by hand."""

    text: str
    notes: tuple[str, ...] = ()
    structured: tuple[str, ...] = ()  # "place: what became structured fields"
    kept_raw: tuple[str, ...] = ()  # "place: what was kept as the page wrote it"
    unread: tuple[str, ...] = ()  # "place: what could not be read"
    media: tuple[tuple[str, str], ...] = ()  # (the site's image path, its media key)
    remote_images: tuple[str, ...] = ()  # images on other hosts, left out


class _ContentDumper(yaml.SafeDumper):
    """Safe YAML in the content file's style: multi-line text as `|` blocks, lists indented."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ContentDumper.add_representer(str, _text)


def dump_content(document: dict, header: str = "") -> str:
    """YAML text for a content document, keys in the given order, non-ASCII kept readable."""
    # No folding of long lines: one entry stays one line, as people write them.
    body = yaml.dump(
        document, Dumper=_ContentDumper, sort_keys=False, allow_unicode=True, width=1_000_000
    )
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + body


def converted_content(document: dict, source: str) -> str:
    """Content YAML of an imported site, headed by where it came from and how to check it."""
    header = (
        f"acadpage content converted from {source}.\n"
        "Check it with `acadpage validate`; the format is described in docs/content.md."
    )
    return dump_content(document, header)
