"""Figures of content validation: generated worst cases under the 1 MB limit, and growth with N."""

from __future__ import annotations

import contextlib
import time

from benchmarks.page import generated_site
from chalicelib.site.fields import MAX_MARKDOWN_CHARS, markdown_cost
from chalicelib.site.markdown import MAX_HTML_DEPTH
from chalicelib.site.yamlnodes import (
    MAX_CONTENT_BYTES,
    MAX_LIST_ITEMS,
    MAX_TEXT_CHARS,
    MAX_VALUES,
)

MINIMAL = "site:\n  title: My page\nprofile:\n  name: Ada Lovelace\n"


def _filled(head: str, line: str, tail: str = "", limit: int = MAX_CONTENT_BYTES) -> str:
    """`head`, then `line` repeated as often as fits in `limit` bytes with `tail`."""
    room = limit - len((head + tail).encode()) - 1
    return head + line * (room // len(line.encode())) + tail


def tiny_values() -> str:
    """As many YAML values as the value limit lets through: lists of single digits."""
    row = "[" + ",".join(["1"] * (MAX_LIST_ITEMS - 1)) + "]\n"
    lists = MAX_VALUES // (MAX_LIST_ITEMS + 1) - 1
    return MINIMAL + "".join(f"k{i:05d}: {row}" for i in range(lists))


def many_entries() -> str:
    """Every dated list at its limit, each entry a line of markdown."""
    text = MINIMAL
    for kind in ("news", "awards", "education", "talks", "internships"):
        text += f"{kind}:\n" + "  - {text: '*a* [b](/c)'}\n" * MAX_LIST_ITEMS
    return text


def long_markdown(unit: str) -> str:
    """Markdown sections repeating `unit`, as much as the file's markdown limit lets through."""
    text, left, index = MINIMAL + "sections:\n", MAX_MARKDOWN_CHARS - 1, 0
    while left >= markdown_cost(unit * 2):
        body = unit * min(MAX_TEXT_CHARS // len(unit), left // markdown_cost(unit * 2) * 2)
        left -= markdown_cost(body)
        text += f"  - id: s{index}\n    title: S\n    markdown: {body!r}\n"
        index += 1
    return text


def deepest_html() -> str:
    """HTML nested at the depth limit, as often as the markdown limit lets through."""
    block = "<div>" * MAX_HTML_DEPTH + "x" + "</div>" * MAX_HTML_DEPTH
    blocks = min(MAX_TEXT_CHARS // len(block), (MAX_MARKDOWN_CHARS - 1) // markdown_cost(block))
    return MINIMAL + "about: '" + block * blocks + "'\n"


def unknown_keys() -> str:
    """Mappings at the entry limit, every key unknown: one did-you-mean search per key."""
    rows = "".join(f"    x{i}: 1\n" for i in range(MAX_LIST_ITEMS - 1))
    return _filled(MINIMAL + "publications:\n", "  - title: A\n" + rows)


def many_problems() -> str:
    """A wrong value in every publication, as many as fit."""
    return _filled(MINIMAL + "publications:\n", "  - {title: A, year: x}\n")


def values_and_markdown() -> str:
    """Both at once: the markdown limit used up by link marks, the values limit by digits."""
    markdown = long_markdown("![")
    row = "[" + ",".join(["1"] * (MAX_LIST_ITEMS - 1)) + "]\n"
    room = MAX_VALUES - sum(map(markdown.count, ",:-[{\n"))
    return markdown + "".join(f"k{i:05d}: {row}" for i in range(room // (MAX_LIST_ITEMS + 1) - 1))


def worst_cases() -> dict[str, bytes]:
    """Every generated worst case, each at most 1 MB."""
    cases = {
        "tiny_values": tiny_values(),
        "many_entries": many_entries(),
        "markdown_text": long_markdown("Some *emphasis* and a [link](https://x.org) and `code`. "),
        "markdown_brackets": long_markdown("["),
        "markdown_images": long_markdown("!["),
        "markdown_emphasis": long_markdown("*a"),
        "markdown_html": long_markdown("<span>a</span> "),
        "deepest_html": deepest_html(),
        "values_and_markdown": values_and_markdown(),
        "unknown_keys": unknown_keys(),
        "many_problems": many_problems(),
        "2000_publications": generated_site(2000).decode(),
    }
    return {name: text.encode() for name, text in cases.items()}


def validate_ms(raw: bytes, runs: int = 3) -> float:
    """The fastest of `runs` validations of `raw`, in milliseconds (valid or not)."""
    from chalicelib.site.content import ContentError, load_site

    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        with contextlib.suppress(ContentError):
            load_site(raw)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def figures():
    """Every validation figure, as (name, value, unit)."""
    times = {name: validate_ms(raw) for name, raw in worst_cases().items()}
    slowest = max(times, key=times.get)
    yield "validate_worst_case_ms", times[slowest], f"ms ({slowest})"
    for name, value in times.items():
        yield f"validate_{name}_ms", value, "ms"
    small, large = growth_ms()
    yield "validate_500_pubs_ms", small, "ms"
    yield "validate_2000_pubs_ms", large, f"ms ({large / small:.1f} x 500)"


def growth_ms(runs: int = 9) -> tuple[float, float]:
    """(500, 2000 publications) validation ms, timed in turns so a busy machine slows both."""
    small, large = generated_site(500), generated_site(2000)
    times = [(validate_ms(small, 1), validate_ms(large, 1)) for _ in range(runs)]
    return min(t[0] for t in times), min(t[1] for t in times)
