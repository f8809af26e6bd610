"""A converted site without the fields that do not validate (pure): one bad value found in an
old site (a contact link `/#contact` as the email) costs that value, never the whole import."""

from __future__ import annotations

import re

import yaml

from chalicelib.importers import dump_content
from chalicelib.site.content import ContentError, load_site
from chalicelib.site.yamlnodes import Problem

MAX_ROUNDS = 20  # each round drops at least one value; a file needing more is not pruned
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
MORE = re.compile(r"and [\d,]+ more problems")
_KEPT = ("site", "profile")  # a file needs these; without them nothing usable remains


def without_invalid(text: str, filename: str) -> tuple[str, tuple[str, ...]]:
    """(the text with each value that fails validation left out, a report line for each); the
    text as it is when it validates. Raises ContentError when what fails cannot be left out."""
    document = None
    dropped: list[str] = []
    for _ in range(MAX_ROUNDS):
        try:
            load_site(text.encode(), filename)
            return text, tuple(dropped)
        except ContentError as error:
            problems = error.problems
            if document is None:
                document = yaml.safe_load(text)
        removed = _remove(document, problems)
        if not removed:
            raise ContentError(filename, problems)
        dropped.extend(removed)
        text = dump_content(document, _header(text))
    raise ContentError(filename, problems)


def _header(text: str) -> str:
    """The comment lines that head a converted file, without their `# `."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[2:] if line.startswith("# ") else line[1:])
    return "\n".join(lines)


def _remove(document: dict, problems: list[Problem]) -> list[str]:
    """Leave out what each problem names (the value, or the entry that lacks a required one);
    a report line for each left out."""
    targets: dict[tuple, Problem] = {}
    for problem in problems:
        if problem.line is None and MORE.fullmatch(problem.message):
            continue  # the count of problems past the listed ones: the next round lists them
        steps = _steps(problem.path)
        while steps and not _present(document, steps):
            steps = steps[:-1]  # a required field missing: the entry goes
        if not steps or (steps[0] in _KEPT and len(steps) == 1):
            return []
        targets.setdefault(tuple(steps), problem)
    removed = []
    for steps in sorted(targets, key=_order, reverse=True):  # later list items first
        parent = _walk(document, steps[:-1])
        if parent is None or not _present(parent, steps[-1:]):
            continue  # inside an entry already left out
        value = parent[steps[-1]]
        del parent[steps[-1]]
        problem = targets[steps]
        shown = _dotted(steps)
        why = problem.message if shown == problem.path else f"{problem.path}: {problem.message}"
        removed.append(f"{shown} ({_excerpt(value)}) left out: {why}")
    return removed


def _steps(path: str) -> list:
    """`publications[2].links.pdf` -> ["publications", 2, "links", "pdf"]."""
    return [int(index) if index else key for key, index in _STEP.findall(path)]


def _dotted(steps: tuple) -> str:
    return "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in steps).lstrip(".")


def _order(steps: tuple) -> tuple:
    return tuple((1, s) if isinstance(s, int) else (0, str(s)) for s in steps)


def _present(node: object, steps: list) -> bool:
    for step in steps:
        inside = isinstance(node, list) and isinstance(step, int) and step < len(node)
        if not inside and not (isinstance(node, dict) and step in node):
            return False
        node = node[step]  # type: ignore[index]
    return True


def _walk(node: object, steps: tuple) -> object:
    for step in steps:
        try:
            node = node[step]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _excerpt(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("title") or value.get("text") or value.get("name") or "an entry"
    text = " ".join(str(value).split())
    return repr(text if len(text) <= 60 else f"{text[:57]}...")
