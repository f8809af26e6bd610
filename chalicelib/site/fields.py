"""YAML mapping nodes read field by field into typed values, collecting located problems (pure)."""

from __future__ import annotations

import difflib
import re

import yaml

from chalicelib.inputs import excerpt
from chalicelib.site.markdown import HtmlTooDeep, markdown_block, markdown_inline
from chalicelib.site.yamlnodes import Problem, join_path, line_of

_CORE = "tag:yaml.org,2002:"
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_MEDIA_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
# Plain decimal only: YAML 1.1 also reads 0777, 1:30, 0x7E4 and 1_000 as integers.
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]{0,17})")
# What a browser drops before reading a URL: C0 controls and space at either end, tab and
# newline anywhere (the WHATWG URL parser), so `java\tscript:` is `javascript:` to it.
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_DROPPED = str.maketrans("", "", "\t\n\r")
LINK_EXPECTED = "an http(s) or mailto URL, or a path on this site such as '/cv.pdf'"


def describe(node: yaml.Node) -> str:
    """How a value reads in an error message: `'n.d.'`, `a list`, `a mapping`."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _CORE + "null":
        return "nothing (null)"
    return excerpt(node.value)


def url_scheme(value: str) -> str | None:
    """The scheme a browser reads in `value` (lower case), or None for a relative reference."""
    found = _URL_SCHEME.match(value.strip(_URL_EDGES).translate(_URL_DROPPED))
    return found.group(1).lower() if found else None


def is_url(value: str) -> bool:
    """True for absolute http(s) and mailto URLs, read the way a browser reads them."""
    return _is_plain(value) and value.startswith(("http://", "https://", "mailto:"))


def is_link(value: str) -> bool:
    """True for what a link may point at: an http(s) or mailto URL, or a path on this site
    (one `/` not followed by another or a backslash, which browsers read as another host)."""
    if not _is_plain(value):
        return False
    if url_scheme(value) is not None:
        return is_url(value)
    return value.startswith("/") and not value.startswith(("//", "/\\"))


def _is_plain(value: str) -> bool:
    """No character a browser would drop or strip, so what is checked is what it reads."""
    return value == value.strip(_URL_EDGES).translate(_URL_DROPPED)


def is_media_key(value: str) -> bool:
    """True for a file name below the bucket's media/ prefix: one segment, no scheme, no `..`."""
    return bool(_MEDIA_KEY.fullmatch(value)) and ".." not in value


# Markdown is rendered by pure Python: some microseconds a character, ten times that for link,
# image, emphasis and HTML marks, and tens of microseconds a text. So a file's markdown is
# measured in characters with each of those marks counting ten and each text at least twenty;
# the limit leaves 40 times the markdown of a long AcadHomepage page, or a one-line summary with
# **emphasis** under each of 2,000 papers.
MAX_MARKDOWN_CHARS = 200_000
_COSTLY_MARKS = "[]()!*_~<"
_MARK_WEIGHT = 10
_TEXT_WEIGHT = 20


def markdown_cost(text: str) -> int:
    """What a markdown text counts towards MAX_MARKDOWN_CHARS."""
    marks = sum(map(text.count, _COSTLY_MARKS))
    return max(_TEXT_WEIGHT, len(text) + (_MARK_WEIGHT - 1) * marks)


class Problems:
    """The problems found in one file, in order, and how much markdown it has asked for."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.markdown_chars = 0

    def add(self, node: yaml.Node | None, path: str, message: str) -> None:
        """Record a problem at a node's line."""
        self.items.append(Problem(line_of(node) if node is not None else None, path, message))


class Fields:
    """One mapping node read field by field; unknown keys are reported by `done()`."""

    def __init__(self, node: yaml.Node, path: str, problems: Problems):
        self.node = node
        self.path = path
        self.problems = problems
        self.values: dict[str, yaml.Node] = {}
        self.read: set[str] = set()
        if not isinstance(node, yaml.MappingNode):
            problems.add(node, path, f"expected a mapping of fields, got {describe(node)}")
            return
        for key, value in node.value:
            name = str(key.value)
            if name in self.values:
                problems.add(key, join_path(path, name), "this field is given twice")
            self.values[name] = value

    def __contains__(self, name: str) -> bool:
        present = self.values.get(name)
        return present is not None and present.tag != _CORE + "null"

    def where(self, name: str) -> str:
        """The field path of one field."""
        return join_path(self.path, name)

    def node_of(self, name: str, required: bool = False) -> yaml.Node | None:
        """The value node of a field, or None; a missing required field is a problem."""
        self.read.add(name)
        if name in self:
            return self.values[name]
        if required:
            self.problems.add(self.node, self.where(name), "required field is missing")
        return None

    def expect(self, name: str, node: yaml.Node, wanted: str) -> None:
        """Record that a field holds the wrong kind of value."""
        self.problems.add(node, self.where(name), f"expected {wanted}, got {describe(node)}")

    def text(self, name: str, default: str = "", required: bool = False) -> str:
        """A scalar field as text, exactly as written (so `2022.02` stays `2022.02`)."""
        node = self.node_of(name, required)
        if node is None:
            return default
        if not isinstance(node, yaml.ScalarNode):
            self.expect(name, node, "text")
            return default
        return str(node.value).strip()

    def integer(self, name: str, required: bool = False) -> int | None:
        """An integer field."""
        node = self.node_of(name, required)
        if node is None:
            return None
        if node.tag != _CORE + "int" or not _DECIMAL.fullmatch(str(node.value)):
            self.expect(name, node, "an integer")
            return None
        return int(node.value)

    def boolean(self, name: str, default: bool = False) -> bool:
        """A true/false field."""
        node = self.node_of(name)
        if node is None:
            return default
        if not isinstance(node, yaml.ScalarNode) or node.tag != _CORE + "bool":
            self.expect(name, node, "true or false")
            return default
        return node.value.lower() in ("true", "yes", "on")

    def link(self, name: str, required: bool = False) -> str:
        """A URL field: http(s), mailto, or a path on this site; never javascript: and the like."""
        value = self.text(name, required=required)
        if value and not is_link(value):
            self.expect(name, self.values[name], LINK_EXPECTED)
            return ""
        return value

    def media(self, name: str, required: bool = False) -> str:
        """An image field: an http(s) URL or a key under the bucket's media/ prefix."""
        value = self.text(name, required=required)
        if value and not is_url(value) and not is_media_key(value):
            node = self.values[name]
            self.expect(name, node, "an https URL or a media key such as 'avatar.png'")
            return ""
        return value

    def markdown(self, name: str, *, block: bool = False, required: bool = False) -> str:
        """A markdown field as sanitized HTML: a document, or (not `block`) one line."""
        text = self.text(name, required=required)
        return self._html(text, block, self.values.get(name), self.where(name))

    def markdown_lines(self, name: str) -> tuple[str, ...]:
        """A list of one-line markdown values (or a single one) as sanitized HTML."""
        return tuple(
            self._html(text, False, node, path) for path, node, text in self._text_items(name)
        )

    def _html(self, text: str, block: bool, node: yaml.Node | None, path: str) -> str:
        if not text:
            return ""
        before = self.problems.markdown_chars
        self.problems.markdown_chars += markdown_cost(text)
        if self.problems.markdown_chars > MAX_MARKDOWN_CHARS:
            if before <= MAX_MARKDOWN_CHARS:  # said once, where the file goes over
                message = (
                    f"the file's markdown passes the limit of {MAX_MARKDOWN_CHARS:,} characters "
                    "for one file here (each of [ ] ( ) ! * _ ~ < counts 10, each text at least "
                    "20)"
                )
                self.problems.add(node, path, message)
            return ""
        try:
            return markdown_block(text) if block else markdown_inline(text)
        except HtmlTooDeep as error:
            self.problems.add(node, path, str(error))
            return ""

    def items(self, name: str, required: bool = False) -> list[tuple[str, yaml.Node]]:
        """A list field as (path, node) pairs."""
        node = self.node_of(name, required)
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.expect(name, node, "a list")
            return []
        return [(f"{self.where(name)}[{i}]", item) for i, item in enumerate(node.value)]

    def texts(self, name: str) -> tuple[str, ...]:
        """A list of text values; a single text is taken as a list of one."""
        return tuple(text for _, _, text in self._text_items(name))

    def _text_items(self, name: str) -> list[tuple[str, yaml.Node, str]]:
        """(path, node, text) of each text in a list field, or of a single text."""
        node = self.node_of(name)
        if node is None:
            return []
        if isinstance(node, yaml.ScalarNode):
            return [(self.where(name), node, str(node.value).strip())]
        values = []
        for path, item in self.items(name):
            if isinstance(item, yaml.ScalarNode):
                values.append((path, item, str(item.value).strip()))
            else:
                self.problems.add(item, path, f"expected text, got {describe(item)}")
        return values

    def choice(self, name: str, options: tuple[str, ...], default: str) -> str:
        """A text field that must be one of `options`."""
        value = self.text(name, default)
        if value not in options:
            self.expect(name, self.values[name], "one of " + ", ".join(repr(o) for o in options))
            return default
        return value

    def identifier(self, name: str, pattern: re.Pattern[str], wanted: str) -> str:
        """A text field that must match `pattern` (an id that reaches a URL); else "" and a
        problem."""
        value = self.text(name)
        if value and not pattern.fullmatch(value):
            self.expect(name, self.values[name], wanted)
            return ""
        return value

    def done(self, also_known: tuple[str, ...] = ()) -> None:
        """Report every key that no reader asked for, with a did-you-mean suggestion."""
        if not isinstance(self.node, yaml.MappingNode):
            return
        known = sorted(self.read.union(also_known))
        for key, _ in self.node.value:
            name = str(key.value)
            if name not in self.read:
                # past a screenful of problems nobody reads the suggestions: skip their cost
                many = len(self.problems.items) > 100
                close = [] if many else difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.problems.add(key, self.where(name), f"unknown field{hint}")
