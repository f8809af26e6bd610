"""What any input may hold, whoever reads it: nesting, characters, numbers, and how a message
quotes it (pure).

Content, importers, gs_data.json and Scholar pages all come from outside; these bounds are checked
before anything walks, decodes or converts them, so a hostile file gets a located message instead
of a traceback, minutes of work or gigabytes.
"""

from __future__ import annotations

import json
import re

from chalicelib.errors import UserError

# Lists and objects inside one another: content needs 5, gs_data.json 4; Python recursion and
# PyYAML's composer go to about 1,000.
MAX_DEPTH = 40
# What text may hold: no C0 controls but tab and newline, no DEL or C1 controls, no lone
# surrogates, no non-characters XML refuses; they break /feed.xml and mean nothing on a page.
FORBIDDEN_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
EXCERPT_CHARS = 60
# A count or a year as a page or a file writes it: ASCII digits only (`isdigit()` also takes
# superscripts and circled digits, which int() refuses), and few enough for any real number.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
# Elements that never hold others, or that the next sibling closes: they add no depth.
_FLAT_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rt", "rp",
}  # fmt: skip


# A string's closing quote is optional: a string never closed ends the scan instead of being
# tried again from each of its escaped quotes.
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.S)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The text quoted for a message, cut to `limit` characters with its full length said."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"


def shortened(text: str, limit: int = 200) -> str:
    """A message that may echo its input (a parser's own), cut to `limit` characters."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def whole_number(text: str) -> int | None:
    """The integer ASCII digits write (`"1234"`), or None for anything else."""
    text = text.strip()
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None


def character_problem(character: str | int) -> str:
    """What is wrong with a forbidden character, as a message says it."""
    code = character if isinstance(character, int) else ord(character)
    if 0xD800 <= code <= 0xDFFF:
        what = "a lone surrogate, not a character"
    elif code in (0xFFFE, 0xFFFF):
        what = "not a character"
    else:
        what = "a control character; of those, text may hold only tab and newline"
    return f"contains U+{code:04X}, {what}"


def json_depth_problem(text: str) -> str:
    """ "" when the JSON text nests at most MAX_DEPTH deep, else where it goes deeper (one pass,
    before json.loads recurses)."""
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, token.start()) + 1
                return f"line {line}: lists and objects nest more than {MAX_DEPTH} deep"
        elif bracket in "]}":
            depth -= 1
    return ""


def html_depth(html: str) -> int:
    """How deep elements nest in `html`, counted from its tags without parsing it: HTML parsers
    (the sanitizer's, lexbor's selectors) slow down with the square of the depth."""
    depth = deepest = 0
    for closing, name in _TAG.findall(html):
        if name.lower() in _FLAT_ELEMENTS:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def load_json(text: str, filename: str) -> object:
    """The JSON document of a file, or a UserError at its line: syntax, nesting, huge numbers."""
    deep = json_depth_problem(text)
    if deep:
        raise UserError(f"{filename}: {deep}; expected a JSON document as its format describes")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(
            f"{filename}:{error.lineno}: not valid JSON: {error.msg} (column {error.colno})"
        ) from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise UserError(f"{filename}: a number has more than 4,300 digits; no count has") from None
