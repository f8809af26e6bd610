"""YAML mapping nodes read field by field into typed values, collecting located problems (pure)."""

from __future__ import annotations

import difflib
import re

import yaml

from chalicelib.site.yamlnodes import Problem, join_path, line_of

_CORE = "tag:yaml.org,2002:"
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_MEDIA_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def describe(node: yaml.Node) -> str:
    """How a value reads in an error message: `'n.d.'`, `a list`, `a mapping`."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _CORE + "null":
        return "nothing (null)"
    return repr(node.value)


def is_url(value: str) -> bool:
    """True for absolute http(s) and mailto URLs."""
    return value.startswith(("http://", "https://", "mailto:"))


def is_media_key(value: str) -> bool:
    """True for a file name below the bucket's media/ prefix: one segment, no scheme, no `..`."""
    return bool(_MEDIA_KEY.fullmatch(value)) and ".." not in value


class Problems:
    """The problems found in one file, in order."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

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
        if not isinstance(node, yaml.ScalarNode) or node.tag != _CORE + "int":
            self.expect(name, node, "an integer")
            return None
        return int(node.value.replace("_", ""), 0)

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
        if value and _URL_SCHEME.match(value) and not is_url(value):
            node = self.values[name]
            self.expect(name, node, "an http(s) or mailto URL, or a path")
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
        node = self.node_of(name)
        if node is None:
            return ()
        if isinstance(node, yaml.ScalarNode):
            return (str(node.value).strip(),)
        values = []
        for path, item in self.items(name):
            if isinstance(item, yaml.ScalarNode):
                values.append(str(item.value).strip())
            else:
                self.problems.add(item, path, f"expected text, got {describe(item)}")
        return tuple(values)

    def choice(self, name: str, options: tuple[str, ...], default: str) -> str:
        """A text field that must be one of `options`."""
        value = self.text(name, default)
        if value not in options:
            node = self.values[name]
            wanted = "one of " + ", ".join(repr(o) for o in options)
            self.problems.add(node, self.where(name), f"expected {wanted}, got {describe(node)}")
            return default
        return value

    def done(self, also_known: tuple[str, ...] = ()) -> None:
        """Report every key that no reader asked for, with a did-you-mean suggestion."""
        if not isinstance(self.node, yaml.MappingNode):
            return
        known = sorted(self.read.union(also_known))
        for key, _ in self.node.value:
            name = str(key.value)
            if name not in self.read:
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.problems.add(key, self.where(name), f"unknown field{hint}")
