"""Safe YAML reading: text -> node tree with line numbers, refusing aliases and custom tags (pure).

Content is never constructed by PyYAML: validation reads the composed nodes directly, so no tag
can run code, an alias bomb cannot expand, and every value keeps the line it came from.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import yaml

from chalicelib.inputs import FORBIDDEN_CHARACTER, MAX_DEPTH, character_problem, excerpt

# Limits far above any real homepage, so a bad push fails fast instead of taking a request's
# 30 seconds (docs/content.md says why each is where it is).
MAX_CONTENT_BYTES = 1024 * 1024
MAX_LIST_ITEMS = 5_000  # entries in one list: 2,000 publications load, 5,000 is a lifetime's work
MAX_TEXT_CHARS = 100_000  # one text value, markdown included: 20 times a long About section
# Composing costs a few microseconds a value, so values are counted before: by what separates
# them, which overcounts a little (a dash in a title) and never undercounts. A 2,000-paper site
# counts 68,000.
MAX_VALUES = 150_000
_SEPARATORS = ",:-[{\n"

_CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = {
    _CORE + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULL_WORDS = {"", "~", "null", "Null", "NULL"}
_BOOL_WORDS = {
    word for base in ("yes", "no", "true", "false", "on", "off")
    for word in (base, base.title(), base.upper())
}  # fmt: skip
_DIGITS = re.compile(r"[-+]?[0-9][0-9_]*")


class _Loader(_BaseLoader):
    """The safe loader, reading a plain value as null, true/false, digits or text only: content
    never wants YAML 1.1's floats, dates or sexagesimal numbers, and PyYAML's general resolver
    was half of the time spent composing."""

    def resolve(self, kind, value, implicit):
        if kind is not yaml.ScalarNode or not implicit[0]:
            return super().resolve(kind, value, implicit)
        if value in _NULL_WORDS:
            return _CORE + "null"
        if value in _BOOL_WORDS:
            return _CORE + "bool"
        return _CORE + ("int" if _DIGITS.fullmatch(value) else "str")


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


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while a file is read: every node is kept, so the collector's passes
    over a growing tree only cost time (they made reading grow as N^1.5)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def compose_yaml(text: str) -> yaml.Node | None:
    """The node tree of one YAML document; raises YamlProblems on syntax errors."""
    values = sum(map(text.count, _SEPARATORS))
    if values > MAX_VALUES:
        message = (
            f"the file holds about {values:,} values (counted by the , : - [ {{ and line breaks "
            f"between them); the limit is {MAX_VALUES:,}"
        )
        raise YamlProblems([Problem(None, "", message)])
    try:
        with collector_paused():
            return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise YamlProblems([syntax_problem(error)]) from None
    except yaml.reader.ReaderError as error:  # a raw control character, before any token
        line = text.count("\n", 0, error.position) + 1
        raise YamlProblems([Problem(line, "", character_problem(error.character))]) from None
    except yaml.YAMLError as error:
        raise YamlProblems([Problem(None, "", f"YAML syntax error: {error}")]) from None
    except RecursionError:  # only PyYAML's pure-Python composer recurses; libyaml stops at 1,000
        raise YamlProblems([Problem(None, "", _too_deep())]) from None


# What PyYAML's context names, when the thing it started reading was never closed.
_UNCLOSED = {
    "while parsing a flow sequence": "the list opened with '['",
    "while parsing a flow mapping": "the mapping opened with '{'",
    "while scanning a quoted scalar": "the quoted text",
}


def syntax_problem(error: yaml.MarkedYAMLError) -> Problem:
    """A syntax error at its cause: where an unclosed bracket or quote was opened, and where
    PyYAML noticed; for other errors where it noticed, and what it was reading then."""
    problem, found = error.problem or "unreadable", error.problem_mark
    context, opened = error.context or "", error.context_mark
    if found is None:
        return Problem(None, "", f"YAML syntax error: {problem}")
    noticed = f"line {found.line + 1}, column {found.column + 1}"
    if opened is None or not context:
        return Problem(
            found.line + 1, "", f"YAML syntax error: {problem} (column {found.column + 1})"
        )
    started = f"line {opened.line + 1}, column {opened.column + 1}"
    if context in _UNCLOSED:
        message = (
            f"YAML syntax error: {_UNCLOSED[context]} at {started} is not closed "
            f"({problem} at {noticed})"
        )
        return Problem(opened.line + 1, "", message)
    message = f"YAML syntax error: {problem} at {noticed}, {context} started at {started}"
    return Problem(found.line + 1, "", message)


def check_safe(root: yaml.Node, *, anchored: bool = True) -> list[Problem]:
    """Problems for the first alias (a node reached twice), every non-standard tag, every text
    with a forbidden character or over MAX_TEXT_CHARS and every list or mapping over
    MAX_LIST_ITEMS: what must be refused before anything is read. Pass `anchored=False` when
    the text has no `&`: without an anchor no node can be reached twice."""
    if _looks_safe(root, anchored):
        return []
    problems: list[Problem] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str, int, int]] = [(root, "", line_of(root), 0)]
    while stack:
        node, path, parent_line, depth = stack.pop()
        if depth > MAX_DEPTH:
            problems.append(Problem(line_of(node), path, _too_deep()))
            return problems  # the rest is what a recursion bomb wants walked
        if id(node) in seen:
            message = "anchors and aliases (&name / *name) are not allowed in content files"
            problems.append(Problem(parent_line, path, message))
            return problems  # one is enough; walking an alias bomb further is what it wants
        seen.add(id(node))
        if node.tag not in ALLOWED_TAGS:
            tag = excerpt(node.tag.replace(_CORE, "!!"))
            message = f"the tag {tag} is not allowed; use plain values"
            problems.append(Problem(line_of(node), path, message))
            continue
        children: list[tuple[yaml.Node, str, int, int]] = []
        if isinstance(node, yaml.ScalarNode):
            problems.extend(_text_problems(node, path))
        elif len(node.value) > MAX_LIST_ITEMS:
            kind = "list" if isinstance(node, yaml.SequenceNode) else "mapping"
            message = (
                f"this {kind} has {len(node.value):,} entries; the limit is {MAX_LIST_ITEMS:,}"
            )
            problems.append(Problem(line_of(node), path, message))
            continue
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    kind = "a list" if isinstance(key, yaml.SequenceNode) else "a mapping"
                    message = f"a key must be plain text, got {kind}"
                    problems.append(Problem(line_of(key), path, message))
                    continue
                children.append((key, path, line_of(key), depth + 1))
                children.append((value, join_path(path, key.value), line_of(key), depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            children = [
                (item, f"{path}[{i}]", line_of(node), depth + 1)
                for i, item in enumerate(node.value)
            ]
        stack.extend(reversed(children))  # document order, so the first alias is reported
    return problems


def _looks_safe(root: yaml.Node, anchored: bool) -> bool:
    """True when check_safe would find nothing: the same walk without paths, lines or messages,
    several times faster, so a good file pays only for this one."""
    seen: set[int] = set()
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if node.tag not in ALLOWED_TAGS or depth > MAX_DEPTH:
            return False
        if anchored:
            if id(node) in seen:
                return False
            seen.add(id(node))
        value = node.value
        if isinstance(value, str):
            if len(value) > MAX_TEXT_CHARS or FORBIDDEN_CHARACTER.search(value):
                return False
        elif len(value) > MAX_LIST_ITEMS:
            return False
        elif isinstance(node, yaml.MappingNode):
            for key, item in value:
                if not isinstance(key, yaml.ScalarNode):
                    return False
                stack.append((key, depth + 1))
                stack.append((item, depth + 1))
        else:
            stack.extend((item, depth + 1) for item in value)
    return True


def _text_problems(node: yaml.ScalarNode, path: str) -> list[Problem]:
    """A text value that is too long or holds a character no page or feed can carry."""
    text = node.value
    if len(text) > MAX_TEXT_CHARS:
        message = f"this text has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}"
        return [Problem(line_of(node), path, message)]
    found = FORBIDDEN_CHARACTER.search(text)
    if found is None:
        return []
    line = line_of(node)
    if node.style == "|":  # a literal block: its text starts on the next line, lines as written
        line += 1 + text.count("\n", 0, found.start())
    return [Problem(line, path, character_problem(found.group()))]


def _too_deep() -> str:
    return f"lists and mappings nest more than {MAX_DEPTH} deep here; content needs 5 at most"


def join_path(path: str, key: object) -> str:
    """`profile` + `name` -> `profile.name`; a long key is cut, as the user would quote it."""
    key = str(key)
    if len(key) > 40:
        key = excerpt(key, 40)
    return f"{path}.{key}" if path else key


def plain_values(text: str, *, aliases: bool = False) -> object:
    """The values of a YAML file that is not content (a Jekyll `_config.yml`, front matter),
    read through the content's guards (size, tags, nesting, characters, and aliases refused or,
    with `aliases`, expanded to MAX_VALUES values at most): plain dicts, lists, text, integers,
    booleans and None. Raises YamlProblems."""
    if len(text) > MAX_CONTENT_BYTES:
        message = f"the file is {len(text):,} characters; the limit is {MAX_CONTENT_BYTES:,}"
        raise YamlProblems([Problem(None, "", message)])
    root = compose_yaml(text)
    if root is None:
        return None
    anchored = "&" in text
    if aliases and anchored:
        expanded = _expansion_problem(root)
        if expanded:
            raise YamlProblems([expanded])
        anchored = False  # every node may be reached again; how often is bounded above
    problems = check_safe(root, anchored=anchored)
    if problems:
        raise YamlProblems(problems)
    return _plain(root)


def _expansion_problem(root: yaml.Node) -> Problem | None:
    """What stops aliases from being expanded: more than MAX_VALUES values once expanded (an
    alias bomb), an alias inside what it names, or nesting past MAX_DEPTH; None when none.
    One walk over the distinct nodes, each counted once with the size of what it holds."""
    sizes: dict[int, int] = {}
    on_path = {id(root)}
    frames = [(root, iter(_children(root)))]
    while frames:
        node, children = frames[-1]
        child = next(children, None)
        if child is None:
            frames.pop()
            on_path.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(item)] for item in _children(node))
            if sizes[id(node)] > MAX_VALUES:
                message = f"aliases (*name) expand this to more than {MAX_VALUES:,} values"
                return Problem(line_of(node), "", message)
        elif id(child) in on_path:
            return Problem(line_of(child), "", "an alias (*name) inside what it names")
        elif id(child) not in sizes:
            if len(frames) > MAX_DEPTH:
                return Problem(line_of(child), "", _too_deep())
            on_path.add(id(child))
            frames.append((child, iter(_children(child))))
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return node.value if isinstance(node, yaml.SequenceNode) else []


def _plain(node: yaml.Node) -> object:
    """A checked node as a Python value (its depth is bounded, so recursion is)."""
    if isinstance(node, yaml.MappingNode):
        return {_plain(key): _plain(value) for key, value in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item) for item in node.value]
    value, tag = node.value, node.tag
    if tag == _CORE + "null" and value in _NULL_WORDS:
        return None
    if tag == _CORE + "bool" and value in _BOOL_WORDS:
        return value.lower() in ("yes", "true", "on")
    if tag == _CORE + "int" and _DIGITS.fullmatch(value) and len(value) <= 18:
        return int(value.replace("_", ""))
    return value
