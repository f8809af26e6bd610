"""YAML and front matter as static site generators read them (pure).

Jekyll reads YAML with Ruby's Psych, which accepts an anchor defined twice (the later one wins
from there on); PyYAML refuses the whole file ("found duplicate anchor ... second occurrence").
Such a file is read here as Jekyll reads it. Hugo's front matter may be TOML between `+++`.
"""

from __future__ import annotations

import re
import tomllib

from chalicelib.importers import ImportProblem, yaml_values

# `&name` or `*name` where YAML allows a node property: after a space, `[`, `{`, `,` or `-`
ANCHOR_OR_ALIAS = re.compile(r"(?<=[\s\[{,:-])(?P<kind>[&*])(?P<name>[^\s\[\]{},]+)")
QUOTED = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\n]|'')*'")
COMMENT = re.compile(r"(?:^|\s)#.*$")


def jekyll_yaml(text: str, filename: str) -> object:
    """The YAML document as Jekyll reads it (an anchor defined again is the later one from there
    on), through the guards of every YAML read: size, nesting, aliases expanded only so far;
    ImportProblem names the line of what is wrong."""
    return yaml_values(_renamed_anchors(text.replace("\ufeff", "")), filename, aliases=True)


def _renamed_anchors(text: str) -> str:
    """The text with an anchor defined again renamed, and the aliases after it following it."""
    if "&" not in text:
        return text
    defined: dict[str, int] = {}
    lines = []
    for line in text.split("\n"):
        # quoted text and comments blanked, so that `&` or `*` inside them is left alone
        blanked = QUOTED.sub(lambda m: "\0" * len(m.group()), line)
        comment = COMMENT.search(blanked)
        code = blanked[: comment.start()] if comment else blanked
        pieces, last = [], 0
        for found in ANCHOR_OR_ALIAS.finditer(code):
            name = found.group("name")
            if found.group("kind") == "&":
                defined[name] = defined.get(name, 0) + 1
            count = defined.get(name, 1)
            if count > 1:
                pieces += [line[last : found.end()], f"__{count}"]
                last = found.end()
        lines.append("".join(pieces) + line[last:])
    return "\n".join(lines)


def front_matter(text: str, filename: str) -> tuple[dict, str]:
    """(front matter, body) of a page: YAML between `---` lines, or TOML between `+++`; a
    byte-order mark anywhere (values pasted from a spreadsheet start with one) is dropped, as
    it shows nothing and makes a link no link."""
    text = text.replace("\r\n", "\n").replace("\ufeff", "")
    for fence in ("---", "+++"):
        if text.startswith(fence + "\n"):
            end = text.find(f"\n{fence}", len(fence))
            if end < 0:
                raise ImportProblem(
                    f"{filename}:1: the front matter opened by {fence!r} is never closed"
                )
            raw, body = text[len(fence) + 1 : end], text[end + len(fence) + 1 :]
            found = _toml(raw, filename) if fence == "+++" else jekyll_yaml(raw, filename)
            return (found if isinstance(found, dict) else {}), body.lstrip("\n")
    return {}, text


def _toml(raw: str, filename: str) -> dict:
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        raise ImportProblem(f"{filename}: TOML syntax error: {error}") from None
