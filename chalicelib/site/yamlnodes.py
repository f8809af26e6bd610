"""Safe YAML reading: text -> node tree with line numbers, refusing aliases and custom tags (pure).

Content is never constructed by PyYAML: validation reads the composed nodes directly, so no tag
can run code, an alias bomb cannot expand, and every value keeps the line it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

MAX_CONTENT_BYTES = 1024 * 1024

_CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = {
    _CORE + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, at a line (1-based) and a field path."""

    line: int | None
    path: str
    message: str

    def format(self, filename: str) -> str:
        """The problem as the user reads it: `site.yaml:41 publications[2].year: ...`."""
        where = filename if self.line is None else f"{filename}:{self.line}"
        return f"{where} {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class YamlProblems(Exception):
    """The text cannot be read as safe YAML at all; carries the problems found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def line_of(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    return node.start_mark.line + 1


def decode_content(raw: bytes) -> str:
    """UTF-8 text of a content file no larger than 1 MB; raises YamlProblems otherwise."""
    if len(raw) > MAX_CONTENT_BYTES:
        message = f"the file is {len(raw):,} bytes; the limit is {MAX_CONTENT_BYTES:,} (1 MB)"
        raise YamlProblems([Problem(None, "", message)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        bad = raw[error.start]
        message = f"not UTF-8 text (byte 0x{bad:02x} at column {column}); save the file as UTF-8"
        raise YamlProblems([Problem(line, "", message)]) from None


def compose_yaml(text: str) -> yaml.Node | None:
    """The node tree of one YAML document; raises YamlProblems on syntax errors."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        what = error.problem or error.context or "unreadable"
        raise YamlProblems([Problem(line, "", f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as error:
        raise YamlProblems([Problem(None, "", f"YAML syntax error: {error}")]) from None


def check_safe(root: yaml.Node) -> list[Problem]:
    """Problems for the first alias (a node reached twice) and every non-standard tag."""
    problems: list[Problem] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str, int]] = [(root, "", line_of(root))]
    while stack:
        node, path, parent_line = stack.pop()
        if id(node) in seen:
            message = "anchors and aliases (&name / *name) are not allowed in content files"
            problems.append(Problem(parent_line, path, message))
            return problems  # one is enough; walking an alias bomb further is what it wants
        seen.add(id(node))
        if node.tag not in ALLOWED_TAGS:
            message = f"the tag {node.tag.replace(_CORE, '!!')!r} is not allowed; use plain values"
            problems.append(Problem(line_of(node), path, message))
            continue
        children: list[tuple[yaml.Node, str, int]] = []
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                children.append((key, path, line_of(key)))
                children.append((value, join_path(path, str(key.value)), line_of(key)))
        elif isinstance(node, yaml.SequenceNode):
            children = [(item, f"{path}[{i}]", line_of(node)) for i, item in enumerate(node.value)]
        stack.extend(reversed(children))  # document order, so the first alias is reported
    return problems


def join_path(path: str, key: str) -> str:
    """`profile` + `name` -> `profile.name`."""
    return f"{path}.{key}" if path else key
